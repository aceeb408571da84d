// Benchmark (c) of BENCHMARKS.md: app start to 10,000 saved functions on screen, against
// two baselines of the same binary, interleaved round by round: an empty window
// (LDECK_EMPTY_WINDOW) and the physical limit, a static page with the same first screen
// of rows and no JavaScript (LDECK_STATIC_FIRST_SCREEN, ui/public/static-first-screen.html).
// Start is the moment tauri-driver is asked to launch the app. The page's own clock
// (Performance API, same wall clock) says when each was painted: two animation frames
// after the content is in the page, marked by ui/public/paint-mark.js in both baselines
// (`lambda-deck:window-painted`) and by the app (`lambda-deck:list-on-screen`: the count
// and the first screen of rows; `lambda-deck:list-complete`: all 10,000, searchable).
// Run by `make bench` under Xvfb on the optimized build.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchApp, seedSavedFunctions, unreachableAwsEnv } from "../harness.mjs";

const COUNT = 10_000;
const ROUNDS = Number(process.env.ROUNDS ?? 9);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Wall-clock times (ms since start) of what `script` returns: page times relative to navigation. */
async function timeOnce(env, script) {
  const app = await launchApp(env);
  try {
    const times = await app.session.waitFor("the page's timings", async () => {
      const result = await app.session.execute(script);
      return result && result.every((t) => t !== null) ? result : null;
    }, 60_000);
    const origin = times[0];
    return times.slice(1).map((t) => Math.round(origin + t - app.startedAt));
  } finally {
    await app.stop();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "lambda-deck-bench-startup-"));
seedSavedFunctions(dataDir, { profile: "default", region: "eu-west-1", functions: COUNT });
const offline = { ...unreachableAwsEnv("eu-west-1"), LDECK_DATA_DIR: dataDir };
const emptyDataDir = mkdtempSync(join(tmpdir(), "lambda-deck-bench-empty-"));

const marks = (...names) => `
  const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? null;
  return [performance.timeOrigin, ${names.map((name) => `mark("${name}")`).join(", ")}];`;

const empty = [];
const staticPage = [];
const onScreen = [];
const complete = [];
// Where the app's time goes: its script starts, its views are mounted, the first
// screen is in its store.
const scriptStart = [];
const mounted = [];
const answered = [];
for (let round = 0; round < ROUNDS; round++) {
  const [emptyMs] = await timeOnce(
    { ...offline, LDECK_DATA_DIR: emptyDataDir, LDECK_EMPTY_WINDOW: "1" },
    marks("lambda-deck:window-painted"),
  );
  const [staticMs] = await timeOnce(
    { ...offline, LDECK_DATA_DIR: emptyDataDir, LDECK_STATIC_FIRST_SCREEN: "1" },
    marks("lambda-deck:window-painted"),
  );
  const [scriptMs, mountedMs, answeredMs, onScreenMs, completeMs] = await timeOnce(
    offline,
    marks(
      "lambda-deck:script-start",
      "lambda-deck:mounted",
      "lambda-deck:first-screen-answered",
      "lambda-deck:list-on-screen",
      "lambda-deck:list-complete",
    ),
  );
  scriptStart.push(scriptMs);
  mounted.push(mountedMs);
  answered.push(answeredMs);
  empty.push(emptyMs);
  staticPage.push(staticMs);
  onScreen.push(onScreenMs);
  complete.push(completeMs);
  console.error(
    `round ${round + 1}: empty ${emptyMs} ms, static first screen ${staticMs} ms, list on screen ${onScreenMs} ms, all loaded ${completeMs} ms`,
  );
}
const ratio = (a, b) => (median(a) / median(b)).toFixed(2);
console.log(`app start to visible, median of ${ROUNDS} interleaved rounds:`);
console.log(`  empty Tauri window painted:              ${median(empty)} ms   (all: ${empty.join(", ")})`);
console.log(`  static first screen painted (no JS):     ${median(staticPage)} ms   (all: ${staticPage.join(", ")})`);
console.log(`  ${COUNT} saved functions on screen:        ${median(onScreen)} ms   (all: ${onScreen.join(", ")})`);
console.log(`  … all ${COUNT} in the list (searchable):   ${median(complete)} ms   (all: ${complete.join(", ")})`);
console.log(
  `  (the app's script starts at ${median(scriptStart)} ms, its views are mounted at ${median(mounted)} ms, its first screen is in its store at ${median(answered)} ms)`,
);
console.log(`  ratio on screen / static first screen:   ${ratio(onScreen, staticPage)}`);
console.log(`  ratio on screen / empty window:          ${ratio(onScreen, empty)}`);
console.log(`  ratio static first screen / empty window: ${ratio(staticPage, empty)}`);
console.log(`  ratio all loaded / empty window:         ${ratio(complete, empty)}`);

// Benchmark (c) of BENCHMARKS.md: app start to 10,000 saved functions on screen, against
// the same app showing an empty window (LDECK_EMPTY_WINDOW), interleaved round by round.
// Both are timed the same way: from the moment tauri-driver is asked to start the app
// until the page first shows what is waited for. Run by `make bench` under Xvfb.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchApp, msUntilInPage, seedSavedFunctions, unreachableAwsEnv } from "../harness.mjs";

const COUNT = 10_000;
const ROUNDS = Number(process.env.ROUNDS ?? 7);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeOnce(env, predicate) {
  const app = await launchApp(env);
  try {
    return await msUntilInPage(app, predicate);
  } finally {
    await app.stop();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "lambda-deck-bench-startup-"));
seedSavedFunctions(dataDir, { profile: "default", region: "eu-west-1", functions: COUNT });
const offline = { ...unreachableAwsEnv("eu-west-1"), LDECK_DATA_DIR: dataDir };
const emptyDataDir = mkdtempSync(join(tmpdir(), "lambda-deck-bench-empty-"));

const empty = [];
const list = [];
for (let round = 0; round < ROUNDS; round++) {
  empty.push(
    await timeOnce({ ...offline, LDECK_DATA_DIR: emptyDataDir, LDECK_EMPTY_WINDOW: "1" }, `() => document.getElementById("empty-window")`),
  );
  list.push(
    await timeOnce(
      offline,
      `() => document.querySelector("[data-testid=function-count]")?.textContent === "${COUNT} functions"
             && document.querySelector("[data-testid=function-row]")`,
    ),
  );
  console.error(`round ${round + 1}: empty window ${empty.at(-1)} ms, ${COUNT} saved functions ${list.at(-1)} ms`);
}
console.log(`app start to visible, median of ${ROUNDS} interleaved rounds:`);
console.log(`  empty Tauri window:           ${median(empty)} ms   (all: ${empty.join(", ")})`);
console.log(`  ${COUNT} saved functions listed: ${median(list)} ms   (all: ${list.join(", ")})`);
console.log(`  ratio: ${(median(list) / median(empty)).toFixed(2)}`);

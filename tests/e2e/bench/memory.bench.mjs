// Benchmark (d) of BENCHMARKS.md: idle memory. The Pss of the app and its WebKit processes
// together, 10 s after 10,000 saved functions are on screen (all loaded, searchable),
// against the same binary showing an empty window (LDECK_EMPTY_WINDOW), interleaved round
// by round. AWS is unreachable: the list comes from the store. Run by `make bench` under
// Xvfb on the optimized build.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchApp, seedSavedFunctions, sleep, unreachableAwsEnv } from "../harness.mjs";

const COUNT = 10_000;
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const IDLE_MS = 10_000;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const mib = (kib) => (kib / 1024).toFixed(1);

/** Pss after the page has marked `mark` and the app has idled for IDLE_MS. */
async function idleMemory(env, mark) {
  const app = await launchApp(env);
  try {
    await app.session.waitFor(`the mark ${mark}`, async () =>
      app.session.execute(`return performance.getEntriesByName("${mark}").length > 0`),
    60_000);
    await sleep(IDLE_MS);
    return app.memoryKib();
  } finally {
    await app.stop();
  }
}

const dataDir = mkdtempSync(join(tmpdir(), "lambda-deck-bench-memory-"));
seedSavedFunctions(dataDir, { profile: "default", region: "eu-west-1", functions: COUNT });
const offline = { ...unreachableAwsEnv("eu-west-1"), LDECK_DATA_DIR: dataDir };
const emptyDataDir = mkdtempSync(join(tmpdir(), "lambda-deck-bench-memory-empty-"));

const empty = [];
const full = [];
for (let round = 0; round < ROUNDS; round++) {
  empty.push(
    await idleMemory({ ...offline, LDECK_DATA_DIR: emptyDataDir, LDECK_EMPTY_WINDOW: "1" }, "lambda-deck:window-painted"),
  );
  full.push(await idleMemory(offline, "lambda-deck:list-complete"));
  console.error(`round ${round + 1}: empty window ${mib(empty[round])} MiB, ${COUNT} functions ${mib(full[round])} MiB`);
}
console.log(`idle memory (Pss of the app + WebKit processes, ${IDLE_MS / 1000} s after showing), median of ${ROUNDS}:`);
console.log(`  empty window:               ${mib(median(empty))} MiB   (all: ${empty.map(mib).join(", ")})`);
console.log(`  ${COUNT} saved functions:     ${mib(median(full))} MiB   (all: ${full.map(mib).join(", ")})`);
console.log(`  ratio: ${(median(full) / median(empty)).toFixed(2)}`);

// Benchmark (b) of the Test tab (BENCHMARKS.md): in the real window, a click on Invoke
// until the response payload is painted, against the bare SDK call of the same
// invocation (one long-lived client in `ldeck-dev bench sdk-invoke-server`), interleaved
// round by round against the demo account of the local AWS. The window's time is taken
// by the page's clock (click to two animation frames after the payload is in the page);
// the SDK's by its process around `invoke().send()`. Run by `make bench` under Xvfb on
// the optimized build.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { chord, CONTROL, launchApp, openFunction, ROOT, startLocalAws } from "../harness.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 21);
const FUNCTION = "payments-api";
const PAYLOAD = '{"hello": "bench"}';
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Clicks Invoke and resolves with the milliseconds until a new result's payload is
// painted, and until the store had the command's answer.
const CLICK_AND_TIME = `
  const done = arguments[arguments.length - 1];
  const previous = document.querySelector("[data-testid=invocation-result]")?.dataset.id ?? null;
  performance.clearMarks("lambda-deck:invoke-answered");
  const started = performance.now();
  document.querySelector("[data-testid=invoke]").click();
  // Watched as the page changes (not once a frame), then painted: two animation frames.
  const painted = () => {
    const result = document.querySelector("[data-testid=invocation-result]");
    return result && result.dataset.id !== previous && result.querySelector("[data-testid=result-payload] .cm-content");
  };
  const observer = new MutationObserver(() => {
    if (!painted()) return;
    observer.disconnect();
    const answered = performance.getEntriesByName("lambda-deck:invoke-answered")[0]?.startTime ?? NaN;
    const inPage = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => done([performance.now() - started, answered - started, inPage - started])));
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });`;

const localAws = await startLocalAws({ seed: "demo" });
const sdk = spawn(join(ROOT, "target/release/ldeck-dev"), ["bench", "sdk-invoke-server"], {
  env: { ...process.env, ...localAws.env },
  stdio: ["pipe", "pipe", "inherit"],
});
const answers = createInterface({ input: sdk.stdout })[Symbol.asyncIterator]();
async function sdkInvoke() {
  sdk.stdin.write(`${FUNCTION} ${PAYLOAD}\n`);
  const { value } = await answers.next();
  return Number(value);
}

const app = await launchApp(localAws.env);
try {
  const { session } = app;
  await session.waitFor("the synced list", async () => (await session.findAll("[data-testid=status-line][data-state=synced]"))[0] ?? null, 60_000);
  await openFunction(session, FUNCTION);
  await chord(session, CONTROL, "3");
  await session.waitFor("the Test tab", async () => (await session.findAll("[data-testid=event-editor] .cm-content"))[0] ?? null);
  await (await session.find("[data-testid=event-editor] .cm-content")).type(PAYLOAD.slice(0, -1)); // the editor closes the brace
  await session.waitFor("Invoke enabled", async () => ((await (await session.find("[data-testid=invoke]")).attribute("disabled")) === null ? true : null));

  const waitForFigures = () =>
    session.waitFor("the figures (so rounds do not overlap)", async () => (await session.findAll("[data-testid=figure-duration]"))[0] ?? null, 30_000);
  // Warm-up: the function's worker, the clients, the editor's first render.
  await session.executeAsync(CLICK_AND_TIME);
  await waitForFigures();
  await sdkInvoke();

  const windowMs = [];
  const answeredMs = [];
  const inPageMs = [];
  const sdkMs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const [painted, answered, inPage] = await session.executeAsync(CLICK_AND_TIME);
    windowMs.push(painted);
    answeredMs.push(answered);
    inPageMs.push(inPage);
    await waitForFigures();
    sdkMs.push(await sdkInvoke());
    console.error(
      `round ${round + 1}: window ${painted.toFixed(1)} ms (answered at ${answered.toFixed(1)} ms, in the page at ${inPage.toFixed(1)} ms), bare SDK ${sdkMs.at(-1).toFixed(1)} ms`,
    );
  }
  console.log(`invoke (b): Invoke click to payload on screen vs the bare SDK call, median of ${ROUNDS} interleaved rounds:`);
  console.log(`  window: click to payload painted   ${median(windowMs).toFixed(1)} ms`);
  console.log(`  … of which the command's answer     ${median(answeredMs).toFixed(1)} ms (click to the store having the record)`);
  console.log(`  … the payload in the page at        ${median(inPageMs).toFixed(1)} ms (then two animation frames)`);
  console.log(`  bare SDK invoke().send()           ${median(sdkMs).toFixed(1)} ms`);
  console.log(`  overhead at the median             ${(median(windowMs) - median(sdkMs)).toFixed(1)} ms (goal <= 30 ms)`);
} finally {
  sdk.stdin.end();
  await app.stop();
  await localAws.stop();
}

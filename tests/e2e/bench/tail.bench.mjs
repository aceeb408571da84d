// Benchmarks of the live tail (BENCHMARKS.md), against the local AWS, on the optimized
// build, under Xvfb (`make bench`):
// (a) latency from PutLogEvents to the line: in the tail window's DOM, on `ldeck logs
//     tail`'s stdout and on awslogs' stdout (PyPI, polling FilterLogEvents), all three
//     following the same log group at once, over ROUNDS lines;
// (b) a burst of 5,000 lines in one PutLogEvents: time until the window holds them all,
//     and its longest frame meanwhile;
// (c) the app's memory (PSS of all its processes) after 500,000 lines through the
//     100,000-line buffer, against after the first 100,000.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { launchApp, logsCall, ROOT, sleep, startLocalAws } from "../harness.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 200);
const BURST = 5000;
// Never invoked by the demo seed: its log group holds only the benchmark's lines (awslogs
// 0.15 stops on the local AWS's own Lambda log events, which carry no eventId).
const FUNCTION = "media-api";
const GROUP = `/aws/lambda/${FUNCTION}`;
const STREAM = "2026/11/29/[$LATEST]bench000000000000";
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

async function put(endpoint, messages) {
  const timestamp = Date.now();
  const answer = await logsCall(endpoint, "PutLogEvents", {
    logGroupName: GROUP,
    logStreamName: STREAM,
    logEvents: messages.map((message) => ({ timestamp, message })),
  });
  if (answer.status !== 200) throw new Error(`PutLogEvents: ${answer.status} ${answer.text}`);
}

/** A peer process whose stdout lines are timed as they arrive, by the marker they carry. */
function follow(label, command, args, env) {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const seen = new Map();
  createInterface({ input: child.stdout }).on("line", (line) => {
    const now = Date.now();
    for (const marker of line.match(/lat-\d+/g) ?? []) if (!seen.has(marker)) seen.set(marker, now);
  });
  let errors = "";
  child.stderr.on("data", (chunk) => {
    errors += chunk;
  });
  return { label, seen, stop: () => child.kill("SIGINT"), errors: () => errors, child };
}

const localAws = await startLocalAws({ seed: "demo" });
const endpoint = localAws.env.LDECK_LOCAL_AWS_ENDPOINT;
await logsCall(endpoint, "CreateLogGroup", { logGroupName: GROUP });
await logsCall(endpoint, "CreateLogStream", { logGroupName: GROUP, logStreamName: STREAM });
const app = await launchApp(localAws.env);
const peers = [];
try {
  const { session } = app;
  await session.waitFor("the synced list", async () => (await session.findAll("[data-testid=status-line][data-state=synced]"))[0] ?? null, 60_000);
  const [main] = await session.windowHandles();
  await session.executeAsync(
    "const done = arguments[arguments.length - 1]; window.__TAURI_INTERNALS__.invoke('open_tail_window', { functions: [arguments[0]] }).then(done, (e) => done(String(e)));",
    [FUNCTION],
  );
  const tail = await session.waitFor("the tail window", async () => (await session.windowHandles()).find((h) => h !== main) ?? null);
  await session.switchToWindow(tail);
  await session.waitFor("Live", async () => ((await (await session.find("[data-testid=tail-mode]")).text()) === "Live" ? true : null), 30_000);

  // The peers, started on the same log group.
  const env = { ...process.env, ...localAws.env };
  peers.push(follow("ldeck logs tail", join(ROOT, "target/release/ldeck"), ["logs", "tail", FUNCTION, "--since", "1m"], env));
  peers.push(
    follow(
      "awslogs",
      join(ROOT, ".tools/awslogs-venv/bin/awslogs"),
      ["get", GROUP, "ALL", "--watch", "--start", "1m", "--aws-endpoint-url", endpoint, "--aws-region", "us-east-1", "--color", "never"],
      // Unbuffered, as on a terminal: a pipe would hold its lines back in Python's buffer.
      { ...env, PYTHONUNBUFFERED: "1" },
    ),
  );
  await sleep(5000); // both have started following

  // (a) Latency: the window notes when each marked line enters its DOM.
  await session.execute(`
    window.__seen = {};
    new MutationObserver((records) => {
      const now = Date.now();
      for (const record of records) for (const node of record.addedNodes) {
        const markers = node.nodeType === 1 ? node.textContent.match(/lat-\\d+/g) : null;
        for (const marker of markers ?? []) if (!(marker in window.__seen)) window.__seen[marker] = now;
      }
    }).observe(document.querySelector("[data-testid=tail-lines]"), { childList: true, subtree: true });`);
  const sent = new Map();
  for (let i = 0; i < ROUNDS; i++) {
    const marker = `lat-${i}`;
    sent.set(marker, Date.now());
    await put(endpoint, [`bench line ${marker}`]);
    await sleep(50 + Math.random() * 100);
  }
  await sleep(5000); // the pollers' last round
  const windowSeen = new Map(Object.entries(await session.execute("return window.__seen")));
  const latency = (seen) => [...sent].filter(([m]) => seen.has(m)).map(([m, at]) => seen.get(m) - at);
  const rows = [{ label: "Lambda Deck window", seen: windowSeen }, ...peers].map(({ label, seen }) => {
    const values = latency(seen);
    return { label, lines: values.length, p50: percentile(values, 50), p95: percentile(values, 95) };
  });
  console.log(`(a) latency from PutLogEvents to the line, ${ROUNDS} lines:`);
  for (const row of rows) console.log(`    ${row.label.padEnd(20)} ${row.lines} lines  p50 ${row.p50} ms  p95 ${row.p95} ms`);
  const awslogs = rows.find((r) => r.label === "awslogs");
  console.log(`    awslogs p95 / window p95: ${(awslogs.p95 / rows[0].p95).toFixed(1)}x (goal >= 5x); window p95 goal <= 250 ms`);
  for (const peer of peers) {
    peer.stop();
    if (peer.seen.size === 0) console.log(`    ${peer.label} saw nothing; its stderr: ${peer.errors().slice(0, 500)}`);
  }

  // (b) A burst: the time from the put until the window holds all of it (the page notes
  // when its row count gets there), and its longest frame meanwhile.
  const BURST_SCRIPT = `const [expected, done] = [arguments[0], arguments[arguments.length - 1]];
     const list = document.querySelector("[data-testid=tail-lines]");
     const start = Number(list.dataset.rows);
     const frames = { max: 0, last: performance.now(), running: true };
     const tick = (t) => { frames.max = Math.max(frames.max, t - frames.last); frames.last = t; if (frames.running) requestAnimationFrame(tick); };
     requestAnimationFrame(tick);
     new MutationObserver((_, observer) => {
       if (Number(list.dataset.rows) - start < expected) return;
       observer.disconnect();
       const allAt = Date.now();
       requestAnimationFrame(() => { frames.running = false; done({ allAt, maxFrame: frames.max }); });
     }).observe(list, { attributes: true, attributeFilter: ["data-rows"] });`;
  // The baseline: the longest frame while the window takes one line every 100 ms.
  const trickle = session.executeAsync(
    `const done = arguments[arguments.length - 1];
     const frames = { max: 0, last: performance.now() };
     const until = performance.now() + 3000;
     const tick = (t) => { frames.max = Math.max(frames.max, t - frames.last); frames.last = t; if (t < until) requestAnimationFrame(tick); else done(frames.max); };
     requestAnimationFrame(tick);`,
  );
  for (let i = 0; i < 28; i++) {
    await put(endpoint, [`trickle ${i}`]);
    await sleep(100);
  }
  const trickleMaxFrame = Math.round(await trickle);
  const bursts = [];
  for (let round = 0; round < 3; round++) {
    const watching = session.executeAsync(BURST_SCRIPT, [BURST]);
    await sleep(500); // the page is watching
    const putAt = Date.now();
    await put(endpoint, Array.from({ length: BURST }, (_, i) => `burst ${round} line ${i} ${"x".repeat(60)}`));
    const { allAt, maxFrame } = await watching;
    bursts.push({ ms: allAt - putAt, maxFrame: Math.round(maxFrame) });
    await sleep(1000);
  }
  // The same burst while the window is paused: the lines cross IPC and are held, nothing
  // is painted — what the transfer alone costs a frame.
  await (await session.find("[data-testid=pause]")).click();
  const heldScript = `const done = arguments[arguments.length - 1];
     const frames = { max: 0, last: performance.now() };
     const until = performance.now() + 1500;
     const tick = (t) => { frames.max = Math.max(frames.max, t - frames.last); frames.last = t; if (t < until) requestAnimationFrame(tick); else done(frames.max); };
     requestAnimationFrame(tick);`;
  const pausedFrames = [];
  for (let round = 0; round < 3; round++) {
    const watching = session.executeAsync(heldScript);
    await sleep(200);
    await put(endpoint, Array.from({ length: BURST }, (_, i) => `held ${round} line ${i} ${"x".repeat(60)}`));
    pausedFrames.push(Math.round(await watching));
  }
  await (await session.find("[data-testid=resume]")).click();
  await sleep(2000);
  console.log(`(b) a burst of ${BURST} lines, 3 rounds: all shown after ${bursts.map((b) => b.ms).join(", ")} ms; longest frame ${bursts.map((b) => b.maxFrame).join(", ")} ms (goal <= 50 ms)`);
  console.log(`    the same bursts into a paused window (transfer only, nothing painted): longest frame ${pausedFrames.join(", ")} ms`);
  console.log(`    baseline: longest frame while taking one line every 100 ms: ${trickleMaxFrame} ms`);

  // (c) Memory: 500,000 lines through the 100,000-line buffer, against the first 100,000.
  // Lines go in batches of 10,000, each once the window has the previous one (the local
  // AWS keeps at most 10 updates for a slow reader, as AWS does).
  const counts = async () => {
    const element = await session.find("[data-testid=tail-count]");
    return { kept: Number(await element.attribute("data-kept")), received: Number(await element.attribute("data-received")) };
  };
  const BATCH = 10_000;
  const base = (await counts()).received;
  const measures = [];
  for (let sentLines = BATCH, batch = 0; sentLines <= 500_000; sentLines += BATCH, batch++) {
    await put(endpoint, Array.from({ length: BATCH }, (_, i) => `memory ${batch} line ${i} {"order":${i},"status":"ok"} ${"y".repeat(40)}`));
    await session.waitFor(`${sentLines} lines received`, async () => ((await counts()).received - base >= sentLines ? true : null), 60_000);
    if (sentLines === 100_000 || sentLines === 500_000) {
      await sleep(5000); // settled
      measures.push({ lines: sentLines, kept: (await counts()).kept, pssKib: await app.memoryKib() });
    }
  }
  const [first, last] = measures;
  console.log(
    `(c) app memory (PSS, all processes): after ${first.lines} lines ${(first.pssKib / 1024).toFixed(1)} MiB (${first.kept} kept); ` +
      `after ${last.lines} lines ${(last.pssKib / 1024).toFixed(1)} MiB (${last.kept} kept): ${((last.pssKib / first.pssKib - 1) * 100).toFixed(1)}% (goal within 10%)`,
  );
} finally {
  for (const peer of peers) peer.stop();
  await app.stop();
  await localAws.stop();
}

// Benchmark of the Monitor tab (BENCHMARKS.md): in the real window, a click on a function
// in the list (its Monitor tab open) until all its charts are painted from the saved
// readings, alternating between two functions. Online the saved charts come first and a
// fresh read replaces them; offline (the local AWS behind a loopback proxy that is cut)
// only the saved ones exist. Both are timed in the same run, round by round. The time is
// the page's clock: click to two animation frames after the last chart is in the page.
// Run by `make bench` under Xvfb on the optimized build.
import { chord, CONTROL, lambdaCall, launchApp, openFunction, startLocalAws, startProxy } from "../harness.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 15);
const FUNCTIONS = ["payments-api", "orders-api"];
// Invocations, errors, success rate, throttles, duration, concurrency: always drawn.
const ALWAYS_DRAWN = 6;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// Clicks the function's row and resolves with the milliseconds until its charts are painted.
const CLICK_AND_TIME = `
  const [name, charts] = arguments;
  const done = arguments[arguments.length - 1];
  const drawn = () => {
    const box = document.querySelector('[data-testid=monitor-charts]');
    return box && (box.dataset.key ?? "").startsWith("monitor:" + name + ":") && box.querySelectorAll("svg").length >= charts;
  };
  const started = performance.now();
  document.querySelector('[data-testid=function-row][data-name="' + name + '"]').click();
  const check = () => {
    if (!drawn()) return false;
    observer.disconnect();
    requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - started)));
    return true;
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  check();`;

const localAws = await startLocalAws({ seed: "demo" });
const proxy = await startProxy(localAws.env.LDECK_LOCAL_AWS_ENDPOINT);
for (const name of FUNCTIONS) {
  await lambdaCall(localAws.env.LDECK_LOCAL_AWS_ENDPOINT, "POST", `/functions/${name}/invocations`, {});
}
const app = await launchApp({ ...localAws.env, AWS_ENDPOINT_URL: proxy.url });
try {
  const { session } = app;
  await session.waitFor("the synced list", async () => (await session.findAll("[data-testid=status-line][data-state=synced]"))[0] ?? null, 60_000);
  // Each function's Monitor tab once, so its charts are saved.
  for (const name of FUNCTIONS) {
    await openFunction(session, name);
    await chord(session, CONTROL, "5");
    await session.waitFor(`${name}'s charts read`, async () =>
      (await session.execute(`return document.querySelector("[data-testid=monitor-status]") !== null && !document.querySelector("[data-testid=monitor-loading]")`)) ? true : null,
    30_000);
  }
  const search = await session.find("[data-testid=search]");
  await search.clear();
  await search.type("-api");
  await session.waitFor("both rows", async () => ((await session.findAll("[data-testid=function-row]")).length >= 2 ? true : null));

  const online = [];
  const offline = [];
  let reachable = true;
  for (let round = 0; round < ROUNDS; round++) {
    for (const [times, connected] of [[online, true], [offline, false]]) {
      if (connected && !reachable) await proxy.restore();
      if (!connected && reachable) await proxy.cut();
      reachable = connected;
      for (const name of FUNCTIONS) {
        times.push(await session.executeAsync(CLICK_AND_TIME, [name, ALWAYS_DRAWN]));
        // Let the fresh read (or its failure) end before the next click.
        await session.waitFor("the read settled", async () =>
          (await session.execute(`return document.querySelector("[data-testid=monitor-refresh]")?.textContent.trim()`)) === "Refresh" ? true : null,
        30_000);
      }
    }
    console.error(`round ${round + 1}: online ${online.slice(-2).map((t) => t.toFixed(1)).join(", ")} ms, offline ${offline.slice(-2).map((t) => t.toFixed(1)).join(", ")} ms`);
  }
  console.log(`monitor: click on a function (Monitor tab) to its ${ALWAYS_DRAWN} charts painted from the saved readings, median of ${online.length} clicks each:`);
  console.log(`  online (saved charts first, a fresh read follows)  ${median(online).toFixed(1)} ms`);
  console.log(`  offline (AWS unreachable: the saved charts only)   ${median(offline).toFixed(1)} ms`);
} finally {
  await app.stop();
  await proxy.stop();
  await localAws.stop();
}

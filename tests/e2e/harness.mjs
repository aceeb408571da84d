// Starts what an e2e test needs — a seeded local AWS, tauri-driver, the real app — and
// stops all of it, even when the test fails. Run under Xvfb (see the Makefile's `e2e`).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { WebDriverSession } from "./webdriver.mjs";

export const ROOT = resolve(import.meta.dirname, "../..");
// The benchmarks run the optimized build (LDECK_APP=target/release/lambda-deck).
export const APP = process.env.LDECK_APP ? resolve(ROOT, process.env.LDECK_APP) : join(ROOT, "target/debug/lambda-deck");
const LDECK_DEV = join(ROOT, "target/debug/ldeck-dev");
const SCREENSHOTS = join(ROOT, "tests/e2e/screenshots");

/** A seeded MiniStack on a free loopback port; resolves with the env selecting it. */
export async function startLocalAws({ seed = "demo", bulk = 0 } = {}) {
  const envFile = join(tmpdir(), `lambda-deck-e2e-env-${process.pid}-${Date.now()}`);
  const args = ["serve", "--seed", seed, "--bulk", String(bulk), "--env-file", envFile];
  // stdin stays a pipe: if this process dies, ldeck-dev sees EOF and stops MiniStack.
  const child = spawn(LDECK_DEV, args, { stdio: ["pipe", "inherit", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const deadline = Date.now() + 120_000;
  while (!existsSync(envFile)) {
    if (child.exitCode !== null) throw new Error(`ldeck-dev exited with ${child.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error("the local AWS was not ready within 120 s");
    await sleep(200);
  }
  const env = Object.fromEntries(
    readFileSync(envFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  return {
    env,
    async stop() {
      child.kill("SIGTERM");
      await Promise.race([exited, sleep(15_000)]);
      child.stdin.destroy();
    },
  };
}

/**
 * Starts tauri-driver (which starts WebKitWebDriver, which starts the app with this
 * environment) and opens a WebDriver session on the real app window.
 */
export async function launchApp(appEnv) {
  // A free port can be taken between choosing it and WebKitWebDriver binding it; the
  // driver then only says so and spins. Such a start is retried on other ports.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await launchAppOnce(appEnv);
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt === 3) throw err;
      process.stderr.write(`launchApp: ${err.message}; starting the driver again on other ports\n`);
    }
  }
}

class PortTakenError extends Error {}

/** What WebKitWebDriver prints when its port was taken before it could bind it. */
const PORT_TAKEN = "Unable to listen for HTTP server";

async function launchAppOnce(appEnv) {
  const port = await freePort();
  const nativePort = await freePort();
  // A mark in the app's environment, to find the app's processes when they outlive the
  // driver (WebKitWebDriver may be gone before it has closed the app).
  const runMark = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  // Each app gets its own local store unless the test shares one between launches.
  const dataDir = appEnv.LDECK_DATA_DIR ?? mkdtempSync(join(tmpdir(), "lambda-deck-e2e-data-"));
  const env = { ...process.env, ...appEnv, LDECK_DATA_DIR: dataDir, LDECK_E2E_RUN: runMark };
  // The app must see only the profile it is given, not stray AWS_* of the caller.
  for (const key of ["AWS_ENDPOINT_URL", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"]) {
    if (!(key in appEnv)) delete env[key];
  }
  await untilNoOtherInstance(env);
  const driver = spawn(tauriDriverPath(), ["--port", String(port), "--native-port", String(nativePort)], {
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Everything the driver and the app print, echoed and kept for the secret scan.
  const output = [];
  let portTaken = () => {};
  const portTakenSeen = new Promise((_, reject) => {
    portTaken = () => reject(new PortTakenError("the WebDriver port was taken"));
  });
  portTakenSeen.catch(() => {});
  for (const stream of [driver.stdout, driver.stderr]) {
    stream.on("data", (chunk) => {
      output.push(chunk);
      process.stderr.write(chunk);
      if (chunk.toString().includes(PORT_TAKEN)) portTaken();
    });
  }
  const exited = new Promise((resolve) => driver.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  const stopDriver = async () => {
    // SIGTERM, never SIGKILL: only then does tauri-driver stop its WebKitWebDriver.
    driver.kill("SIGTERM");
    await Promise.race([exited, sleep(10_000)]);
    await stopProcessesMarked(runMark);
    // A process that inherited the pipes must not keep this test process alive.
    driver.stdout.destroy();
    driver.stderr.destroy();
  };
  try {
    await Promise.race([waitForHttp(`${url}/status`, 20_000), portTakenSeen]);
    // From here the app is being started: startup times are measured from this moment
    // (wall clock, comparable with the page's Date.now()).
    const startedAt = Date.now();
    const session = await Promise.race([WebDriverSession.start(url, APP), portTakenSeen]);
    return {
      session,
      startedAt,
      dataDir,
      /** The environment the app runs with (to start a second instance with it). */
      env,
      /** Proportional set size of the app and its WebKit processes, in KiB. */
      memoryKib: () => appMemoryKib(runMark),
      output: () => Buffer.concat(output).toString("utf8"),
      async stop() {
        await session.end();
        await stopDriver();
      },
    };
  } catch (err) {
    await stopDriver();
    throw err;
  }
}

/**
 * A loopback TCP proxy in front of the local AWS, so a test can take AWS away (the port
 * refuses connections, as when the network is gone) and bring it back on the same
 * address, or slow every response down.
 */
export async function startProxy(targetUrl) {
  const target = new URL(targetUrl);
  const port = await freePort();
  const sockets = new Set();
  let latencyMs = 0;
  let server = null;
  /** `{ pattern, response }`: a request whose bytes match is answered with `response`. */
  let refusal = null;

  function relay(client) {
    if (refusal) {
      // Requests are inspected chunk by chunk (headers arrive in one chunk): a matching
      // one gets the canned answer and its connection closes, as a refusing server's.
      const { pattern, response } = refusal;
      client.on("data", (chunk) => {
        if (pattern.test(chunk.toString("latin1"))) {
          client.end(response);
          upstream.destroy();
        }
      });
    }
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on("data", (chunk) => {
      if (latencyMs === 0) return client.write(chunk);
      upstream.pause();
      setTimeout(() => {
        client.write(chunk);
        upstream.resume();
      }, latencyMs);
    });
  }

  const listen = () =>
    new Promise((resolve, reject) => {
      server = createServer(relay);
      server.once("error", reject);
      server.listen(port, "127.0.0.1", resolve);
    });
  const close = async () => {
    for (const socket of sockets) socket.destroy();
    if (server) await new Promise((resolve) => server.close(resolve));
    server = null;
  };
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    /** Every connection is dropped and new ones are refused. */
    cut: close,
    restore: listen,
    setLatency(ms) {
      latencyMs = ms;
    },
    /** Answers requests matching `pattern` (a RegExp over the raw request) with the raw
     *  HTTP `response`, on connections opened from now on; `null` lets all through. */
    refuse(pattern, response) {
      refusal = pattern ? { pattern, response } : null;
      for (const socket of sockets) socket.destroy();
    },
    stop: close,
  };
}

/**
 * A CloudWatch Logs call straight to the local AWS at `endpoint` (it routes on
 * X-Amz-Target): how the tail's tests and benchmark write log lines. Resolves with the
 * HTTP status and body.
 */
export async function logsCall(endpoint, action, body) {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-amz-json-1.1",
      "X-Amz-Target": `Logs_20140328.${action}`,
      Authorization:
        "AWS4-HMAC-SHA256 Credential=000000000000/20261129/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=00",
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/**
 * A Lambda REST call straight to the local AWS at `endpoint` (a second client changing a
 * function behind the app's back, or reading what the app wrote). Resolves with the
 * HTTP status and the parsed body.
 */
export async function lambdaCall(endpoint, method, path, body) {
  const response = await fetch(`${endpoint}/2015-03-31${path}`, {
    method,
    headers: {
      "Content-Type": "application/json",
      Authorization:
        "AWS4-HMAC-SHA256 Credential=000000000000/20261129/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/**
 * Saves what the user sees as tests/e2e/screenshots/<name>.png (git-ignored): the X
 * display grabbed by ImageMagick after the page has painted twice. (WebKitWebDriver's own
 * screenshot can show a frame from before the last change.)
 */
export async function saveScreenshot(session, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await session.executeAsync(
    "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
  );
  execFileSync("import", ["-window", "root", path]);
  return path;
}

/** Stops every process whose environment carries `mark` (SIGTERM, then SIGKILL). */
async function stopProcessesMarked(mark) {
  const needle = `LDECK_E2E_RUN=${mark}`;
  const marked = () =>
    readdirSync("/proc")
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/environ`, "latin1").split("\0").includes(needle);
        } catch {
          return false; // gone already, or not ours to read
        }
      })
      .map(Number);
  for (const signal of ["SIGTERM", "SIGKILL"]) {
    const pids = marked();
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // exited meanwhile
      }
    }
    // Gone means gone: the next app must not find this one still running (it would hand
    // over to it as a second instance and exit).
    const deadline = Date.now() + (signal === "SIGTERM" ? 3_000 : 10_000);
    while (Date.now() < deadline && marked().some((pid) => isRunning(pid))) await sleep(100);
  }
}

/** The processes of one app: the app itself and the WebKit processes it started. */
const APP_PROCESS_NAMES = ["lambda-deck", "WebKitWebProces", "WebKitNetworkPr"]; // comm: 15 chars at most

/**
 * Pss of the app's processes, summed (shared pages counted once, split among sharers):
 * what the app costs the machine. Read from /proc/<pid>/smaps_rollup.
 */
function appMemoryKib(mark) {
  const needle = `LDECK_E2E_RUN=${mark}`;
  let total = 0;
  for (const name of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (!APP_PROCESS_NAMES.includes(readFileSync(`/proc/${name}/comm`, "latin1").trim())) continue;
      if (!readFileSync(`/proc/${name}/environ`, "latin1").split("\0").includes(needle)) continue;
      const pss = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${name}/smaps_rollup`, "latin1"));
      total += Number(pss?.[1] ?? 0);
    } catch {
      // gone meanwhile, or not ours
    }
  }
  return total;
}

/** Alive and not a zombie. */
function isRunning(pid) {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "latin1"));
  } catch {
    return false;
  }
}

/** The D-Bus name a running Lambda Deck holds (tauri-plugin-single-instance). */
const SINGLE_INSTANCE_NAME = "dev.lambdadeck.desktop.SingleInstance";

/**
 * Waits until no Lambda Deck holds the single-instance name on the session bus the app
 * will use: the bus forgets a killed process a moment after it is gone.
 */
async function untilNoOtherInstance(env) {
  if (!env.DBUS_SESSION_BUS_ADDRESS?.startsWith("unix:")) return;
  const deadline = Date.now() + 15_000;
  for (;;) {
    let owned;
    try {
      const reply = execFileSync(
        "dbus-send",
        ["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
          "org.freedesktop.DBus.NameHasOwner", `string:${SINGLE_INSTANCE_NAME}`],
        { env, stdio: ["ignore", "pipe", "ignore"], timeout: 5_000 },
      ).toString();
      owned = /boolean true/.test(reply);
    } catch {
      return; // no usable bus: the app will run without the single-instance guard
    }
    if (!owned) return;
    if (Date.now() > deadline) throw new Error(`another Lambda Deck still holds ${SINGLE_INSTANCE_NAME}`);
    await sleep(200);
  }
}

function tauriDriverPath() {
  const installed = join(process.env.CARGO_HOME ?? join(homedir(), ".cargo"), "bin/tauri-driver");
  return existsSync(installed) ? installed : "tauri-driver";
}

async function waitForHttp(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Milliseconds from the app's start until `predicate` (a JavaScript function expression,
 * run in the page on every animation frame) first holds.
 */
export async function msUntilInPage(app, predicate, timeoutMs = 60_000) {
  const at = await app.session.executeAsync(
    `const done = arguments[arguments.length - 1];
     const holds = () => { try { return Boolean((${predicate})()); } catch { return false; } };
     const giveUp = Date.now() + ${timeoutMs};
     (function check() {
       if (holds()) done(Date.now());
       else if (Date.now() > giveUp) done(null);
       else requestAnimationFrame(check);
     })();`,
  );
  if (at === null) throw new Error(`${predicate} did not hold within ${timeoutMs} ms`);
  return at - app.startedAt;
}

/**
 * An environment whose AWS refuses every connection (port 9 on loopback): the app can
 * only show what it saved. Profile "default" (no AWS_PROFILE) in `region`.
 */
export function unreachableAwsEnv(region) {
  return {
    AWS_ENDPOINT_URL: "http://127.0.0.1:9",
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: "AKIAE2ETESTEXAMPLE00",
    AWS_SECRET_ACCESS_KEY: "e2e-secret-not-used",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/dev/null",
    AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  };
}

/** Writes a complete saved list of `functions` synthetic functions into `dataDir`. */
export function seedSavedFunctions(dataDir, { profile, region, functions }) {
  execFileSync(LDECK_DEV, [
    "seed-store",
    "--data-dir",
    dataDir,
    "--profile",
    profile,
    "--region",
    region,
    "--functions",
    String(functions),
  ]);
}

/** Finds a function by the search box, clicks its row and waits for its pane. */
export async function openFunction(session, name) {
  const search = await session.find("[data-testid=search]");
  await search.clear();
  await search.type(name);
  const row = await session.waitFor(`the ${name} row`, async () => {
    const [found] = await session.findAll(`[data-testid=function-row][data-name="${name}"]`);
    return found ?? null;
  });
  await row.click();
  await session.waitFor(`${name}'s pane`, async () => {
    const [pane] = await session.findAll("[data-testid=function-details]");
    return pane && (await pane.attribute("data-name")) === name ? true : null;
  });
}

/** The X window of the app's main window (there is no window manager under Xvfb). */
export function appWindowId() {
  const found = execFileSync("xdotool", ["search", "--name", "^Lambda Deck$"]).toString().trim().split("\n");
  if (!found[0]) throw new Error("no Lambda Deck window on the display");
  return found[0];
}

/** Position and size of an X window, as xdotool reports them. */
export function windowGeometry(id) {
  const shell = execFileSync("xdotool", ["getwindowgeometry", "--shell", id]).toString();
  const value = (key) => Number(new RegExp(`^${key}=(-?\\d+)$`, "m").exec(shell)?.[1]);
  return { x: value("X"), y: value("Y"), width: value("WIDTH"), height: value("HEIGHT") };
}

/** The X window that has the keyboard focus. */
export function focusedWindowId() {
  return execFileSync("xdotool", ["getwindowfocus"]).toString().trim();
}

/** Presses keys in the page through WebDriver (W3C key values: "\uE009" is Control). */
export async function chord(session, ...keys) {
  const down = keys.map((value) => ({ type: "keyDown", value }));
  const up = [...keys].reverse().map((value) => ({ type: "keyUp", value }));
  await session.command("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions: [...down, ...up] }] });
}

export const CONTROL = "\uE009";

/** The value a <select> or <input> holds. */
export function selectedValue(session, css) {
  return session.execute("return document.querySelector(arguments[0]).value", [css]);
}

// End-to-end: the live tail window against the demo account. Two functions picked in the
// list open one tail window; lines written with PutLogEvents (the local AWS's own
// invocation logs do not reach Live Tail, local-aws.md) arrive live, each function in its
// colour, REPORT lines as figures and grouped under their request; search with
// highlight and field:value filters; a malformed filter
// pattern is refused at its field and a good one is applied by the service; pause and
// resume; a JSON line expanded; an export; the connection cut and restored (the gap is
// re-read, nothing twice); Live Tail refused (polling, said why); and closing the window
// stops its tail, and the next tail window opens where the last one was left. One app
// launch, behind a loopback proxy the test can cut.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { execFileSync } from "node:child_process";
import {
  chord,
  CONTROL,
  launchApp,
  logsCall,
  openFunction,
  saveScreenshot,
  sleep,
  startLocalAws,
  startProxy,
  windowGeometry,
} from "./harness.mjs";

// Both match the search "-api", so both rows are on screen to be picked.
const FUNCTIONS = ["payments-api", "orders-api"];
const STREAM = "2026/11/29/[$LATEST]e2e0000000000000";
const REQUEST = "e2e00000-0000-4000-8000-000000000001";

async function put(endpoint, fn, messages) {
  const timestamp = Date.now();
  const logEvents = messages.map((message) => ({ timestamp, message }));
  const answer = await logsCall(endpoint, "PutLogEvents", { logGroupName: `/aws/lambda/${fn}`, logStreamName: STREAM, logEvents });
  assert.equal(answer.status, 200, answer.text);
}

function rowsText(session) {
  return session.execute(
    "return [...document.querySelectorAll('[data-testid=tail-row]')].map((r) => r.textContent.replace(/\\s+/g, ' ').trim())",
  );
}

/** Waits until a row of the (virtualized) list contains `text`, after following to the end. */
function waitForRow(session, text, timeoutMs = 20_000) {
  return session.waitFor(`a row with "${text}"`, async () => (await rowsText(session)).some((r) => r.includes(text)), timeoutMs);
}

/** How many rows contain `text`. */
async function rowCount(session, text) {
  return (await rowsText(session)).filter((r) => r.includes(text)).length;
}

function streams(session) {
  return session.executeAsync(
    "const done = arguments[0]; window.__TAURI_INTERNALS__.invoke('running_streams').then(done, (e) => done(String(e)));",
  );
}

/** Ctrl+click, as a user adds a row to a multi-selection. */
async function controlClick(session, element) {
  const origin = { "element-6066-11e4-a52e-4f735466cecf": element.id };
  await session.command("POST", "/actions", {
    actions: [
      { type: "key", id: "keyboard", actions: [{ type: "keyDown", value: CONTROL }, { type: "pause" }, { type: "pause" }, { type: "keyUp", value: CONTROL }] },
      {
        type: "pointer",
        id: "mouse",
        parameters: { pointerType: "mouse" },
        actions: [
          { type: "pointerMove", origin, x: 0, y: 0 },
          { type: "pointerDown", button: 0 },
          { type: "pointerUp", button: 0 },
          { type: "pause" },
        ],
      },
    ],
  });
  await session.command("DELETE", "/actions");
}

describe("the live tail window", { timeout: 420_000 }, () => {
  let localAws;
  let proxy;
  let app;
  let mainWindow;
  let endpoint;

  before(async () => {
    localAws = await startLocalAws({ seed: "demo" });
    endpoint = localAws.env.LDECK_LOCAL_AWS_ENDPOINT;
    for (const fn of FUNCTIONS) {
      await logsCall(endpoint, "CreateLogGroup", { logGroupName: `/aws/lambda/${fn}` });
      const stream = await logsCall(endpoint, "CreateLogStream", { logGroupName: `/aws/lambda/${fn}`, logStreamName: STREAM });
      assert.equal(stream.status, 200, stream.text);
    }
    proxy = await startProxy(endpoint);
    app = await launchApp({ ...localAws.env, AWS_ENDPOINT_URL: proxy.url });
    const session = app.session;
    await session.waitFor("the synced list", async () => (await session.findAll("[data-testid=status-line][data-state=synced]"))[0] ?? null, 60_000);
    [mainWindow] = await session.windowHandles();
  });

  after(async () => {
    await app?.stop();
    await proxy?.stop();
    await localAws?.stop();
  });

  it("opens one window for two functions picked in the list, live, each in its colour", async () => {
    const session = app.session;
    await openFunction(session, FUNCTIONS[0]);
    const search = await session.find("[data-testid=search]");
    await search.clear();
    await search.type("-api");
    const other = await session.waitFor("the second row", async () => (await session.findAll(`[data-testid=function-row][data-name="${FUNCTIONS[1]}"]`))[0] ?? null);
    // The open function comes along with the first Ctrl+click, as in a file manager.
    await controlClick(session, other);
    await (await session.waitFor("the Tail button", async () => (await session.findAll("[data-testid=tail-selected]"))[0] ?? null)).click();

    const tailWindow = await session.waitFor("the tail window", async () => {
      const handles = await session.windowHandles();
      return handles.find((h) => h !== mainWindow) ?? null;
    });
    await session.switchToWindow(tailWindow);
    const expectedTitle = `Tail: ${[...FUNCTIONS].sort().join(", ")}`;
    await session.waitFor("the window's title", async () => ((await session.command("GET", "/title")) === expectedTitle ? true : null));
    await session.waitFor("Live", async () => ((await (await session.find("[data-testid=tail-mode]")).text()) === "Live" ? true : null), 30_000);

    const report = `REPORT RequestId: ${REQUEST}\tDuration: 3.20 ms\tBilled Duration: 4 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\t`;
    await put(endpoint, FUNCTIONS[0], [
      `START RequestId: ${REQUEST} Version: $LATEST`,
      `{"level":"ERROR","message":"card declined","requestId":"${REQUEST}","order":{"id":42}}`,
      report,
    ]);
    await put(endpoint, FUNCTIONS[1], ["orders-api picked up batch 7"]);
    await waitForRow(session, "card declined");
    await waitForRow(session, "batch 7");
    await waitForRow(session, "3.2 ms (billed 4 ms) · 41/128 MB");

    const colours = await session.execute(
      "return [0, 1].map((i) => { const chip = document.querySelector(`[data-testid=tail-row][data-function='${i}'] .fn`); return chip && getComputedStyle(chip).backgroundColor; })",
    );
    assert.ok(colours[0] && colours[1] && colours[0] !== colours[1], `one colour per function: ${colours}`);
    assert.equal(await rowCount(session, "card declined"), 1);
    await saveScreenshot(session, "70-tail-merged");
  });

  it("groups lines under their request with the REPORT figures, and expands a JSON line", async () => {
    const session = app.session;
    await (await session.find("[data-testid=group-by-request]")).click();
    const header = await session.waitFor("the request header", async () => (await session.findAll(`[data-testid=tail-row][data-request="${REQUEST}"]`))[0] ?? null);
    assert.match(await header.textContent(), /3\.2 ms \(billed 4 ms\) · 41\/128 MB.*error.*3 lines/);
    await header.click();
    await waitForRow(session, "card declined");
    await saveScreenshot(session, "71-tail-grouped");
    await (await session.find("[data-testid=group-by-request]")).click();

    const jsonRow = await session.waitFor("the JSON row", async () => {
      const rows = await session.findAll("[data-testid=tail-row][data-kind=json]");
      for (const row of rows) if ((await row.textContent()).includes("card declined")) return row;
      return null;
    });
    await jsonRow.click();
    const detail = await session.waitFor("the expanded JSON", async () => (await session.findAll("[data-testid=detail-json]"))[0] ?? null);
    const pretty = await detail.textContent();
    assert.match(pretty, /"order": \{\n\s+"id": 42/);
    const keys = await session.execute("return [...document.querySelectorAll('[data-testid=detail-json] .key')].map((k) => k.textContent)");
    assert.deepEqual(keys, ["level", "message", "requestId", "order", "id"]);
  });

  it("finds and highlights text, and filters JSON lines by field:value", async () => {
    const session = app.session;
    const search = await session.find("[data-testid=tail-search]");
    await search.type("DECLINED");
    await session.waitFor("the highlight", async () => {
      const marks = await session.execute("return [...document.querySelectorAll('[data-testid=tail-row] mark')].map((m) => m.textContent)");
      return marks.includes("declined") ? true : null;
    });
    assert.equal(await (await session.find("[data-testid=match-count]")).text(), "0 / 1");
    await search.clear();
    await search.type("order.id:42");
    await session.waitFor("only the matching JSON line", async () => {
      const rows = await rowsText(session);
      return rows.length === 1 && rows[0].includes("card declined") ? true : null;
    });
    await search.clear();
    await waitForRow(session, "batch 7");
  });

  it("refuses a malformed filter pattern at its field and applies a good one in the service", async () => {
    const session = app.session;
    const field = await session.find("[data-testid=filter-pattern]");
    await field.type('{ $.level = "ERROR"');
    await (await session.find("[data-testid=apply-filter]")).click();
    const error = await session.waitFor("the field's error", async () => (await session.findAll("[data-testid=filter-error]"))[0] ?? null);
    assert.match(await error.text(), /not closed/);

    await field.clear();
    await field.type("ERROR");
    await (await session.find("[data-testid=apply-filter]")).click();
    await session.waitFor("Live again", async () => ((await (await session.find("[data-testid=tail-mode]")).text()) === "Live" ? true : null), 30_000);
    assert.equal((await session.findAll("[data-testid=filter-error]")).length, 0);
    await put(endpoint, FUNCTIONS[1], ["INFO all fine", "ERROR disk full"]);
    await waitForRow(session, "ERROR disk full");
    await sleep(1500);
    assert.equal(await rowCount(session, "INFO all fine"), 0, "the service dropped the non-matching line");
    await field.clear();
    await (await session.find("[data-testid=apply-filter]")).click();
    await session.waitFor("Live again", async () => ((await (await session.find("[data-testid=tail-mode]")).text()) === "Live" ? true : null), 30_000);
  });

  it("holds lines while paused and shows them on resume", async () => {
    const session = app.session;
    await (await session.find("[data-testid=pause]")).click();
    await put(endpoint, FUNCTIONS[0], ["while paused 1", "while paused 2"]);
    const resume = await session.waitFor("the held count", async () => {
      const button = await session.find("[data-testid=resume]");
      return (await button.text()).includes("(2 new)") ? button : null;
    });
    assert.equal(await rowCount(session, "while paused"), 0);
    await resume.click();
    await waitForRow(session, "while paused 2");
    assert.equal(await rowCount(session, "while paused"), 2);
  });

  it("exports every kept line to a file with progress", async () => {
    const session = app.session;
    await (await session.find("[data-testid=export-tail]")).click();
    await (await session.find("[data-testid=export-all]")).click();
    const path = join(mkdtempSync(join(tmpdir(), "lambda-deck-tail-export-")), "tail.ndjson");
    const field = await session.find("[data-testid=export-path]");
    await field.clear();
    await field.type(path);
    await (await session.find("[data-testid=export-go]")).click();
    const done = await session.waitFor("the export", async () => (await session.findAll("[data-testid=export-done]"))[0] ?? null);
    assert.match(await done.text(), /^Wrote \d+ lines to /);
    const lines = readFileSync(path, "utf8").trim().split("\n").map((line) => JSON.parse(line));
    const declined = lines.find((line) => line.message.includes("card declined"));
    assert.equal(declined.function, FUNCTIONS[0]);
    assert.equal(declined.level, "error");
    assert.equal(declined.request_id, REQUEST);
    await (await session.find("[data-testid=export-close]")).click();
    await session.waitFor("the dialog closed", async () => ((await session.findAll("[data-testid=export-dialog]")).length === 0 ? true : null));
  });

  it("re-reads the gap after the connection is lost, showing each line once", async () => {
    const session = app.session;
    await proxy.cut();
    await put(endpoint, FUNCTIONS[0], ["written while cut off"]);
    await sleep(3000);
    await proxy.restore();
    const notice = await session.waitFor("the reconnect notice", async () => {
      const [found] = await session.findAll("[data-testid=tail-notice]");
      return found && /Reconnected/.test(await found.textContent()) ? found : null;
    }, 60_000);
    assert.match(await notice.textContent(), /re-read .* recovered/);
    await waitForRow(session, "written while cut off", 30_000);
    await put(endpoint, FUNCTIONS[1], ["after the reconnect"]);
    await waitForRow(session, "after the reconnect");
    assert.equal(await rowCount(session, "written while cut off"), 1);
    assert.equal(await rowCount(session, "card declined"), 1, "the re-read did not repeat older lines");
    await saveScreenshot(session, "72-tail-reconnected");
  });

  it("polls and says why when Live Tail is refused", async () => {
    const session = app.session;
    const body = '{"__type":"AccessDeniedException","message":"User is not authorized to perform logs:StartLiveTail"}';
    proxy.refuse(
      /x-amz-target: ?Logs_20140328\.StartLiveTail/i,
      `HTTP/1.1 400 Bad Request\r\nContent-Type: application/x-amz-json-1.1\r\nx-amzn-ErrorType: AccessDeniedException\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    await (await session.find("[data-testid=apply-filter]")).click();
    const mode = await session.waitFor("polling", async () => {
      const text = await (await session.find("[data-testid=tail-mode]")).text();
      return text.startsWith("Polling") ? text : null;
    }, 30_000);
    assert.match(mode, /not allowed/);
    await put(endpoint, FUNCTIONS[1], ["found by polling"]);
    await waitForRow(session, "found by polling");
    await saveScreenshot(session, "73-tail-polling");
    proxy.refuse(null);
  });

  it("stops its tail when the window closes", async () => {
    const session = app.session;
    const running = await streams(session);
    assert.ok(running.some((s) => s.kind === "tail" && s.window.startsWith("tail-")), JSON.stringify(running));
    // Ctrl+W closes the window as the window manager's close button does (Tauri's close).
    await (await session.find("[data-testid=tail-search]")).click();
    // The window is gone before the key is released: that release may fail.
    await chord(session, CONTROL, "w").catch(() => {});
    await session.waitFor("the tail window gone", async () => ((await session.windowHandles()).length === 1 ? true : null));
    await session.switchToWindow(mainWindow);
    await session.waitFor("no tail left running", async () => {
      const left = await streams(session);
      return left.every((s) => s.kind !== "tail") ? true : null;
    }, 5000);
  });

  it("opens the next tail window where the last one was left, at its size", async () => {
    const session = app.session;
    const title = `Tail: ${[...FUNCTIONS].sort().join(", ")}`;
    const tailWindowId = () => execFileSync("xdotool", ["search", "--name", `^${title}$`]).toString().trim().split("\n")[0];
    const open = async () => {
      await (await session.find("[data-testid=tail-selected]")).click();
      return session.waitFor("the tail window", async () => {
        try {
          return tailWindowId() || null;
        } catch {
          return null; // not mapped yet
        }
      });
    };
    let id = await open();
    execFileSync("xdotool", ["windowmove", id, "210", "130", "windowsize", id, "900", "560"]);
    await session.waitFor("the window to move", async () => (windowGeometry(id).x === 210 && windowGeometry(id).width === 900 ? true : null));
    // The app writes the geometry once the window has settled (half a second after the
    // last move): wait until its file has it (a loaded machine is slower), then close.
    const stateFile = join(app.dataDir, "window-state.json");
    const written = () => {
      try {
        const states = JSON.parse(readFileSync(stateFile, "utf8"));
        return Object.entries(states).some(([label, s]) => label !== "main" && s.x === 210 && s.y === 130);
      } catch {
        return false; // not written yet, or being written
      }
    };
    await session.waitFor("the geometry written", async () => (written() ? true : null), 15_000).catch(() => sleep(1_500));
    const handles = await session.windowHandles();
    await session.switchToWindow(handles.find((h) => h !== mainWindow));
    await (await session.find("[data-testid=close-tail]")).click().catch(() => {});
    await session.switchToWindow(mainWindow);
    await session.waitFor("the window closed", async () => ((await session.windowHandles()).length === 1 ? true : null));

    id = await open();
    await session.waitFor("the same place and size", async () => {
      const geometry = windowGeometry(id);
      return geometry.x === 210 && geometry.y === 130 && geometry.width === 900 && geometry.height === 560 ? true : null;
    }, 10_000);
  });
});

// End-to-end: the Test tab in the real window against the demo account — an event from
// a template, edited in CodeMirror, a broken payload marked where it breaks, invocations
// that succeed, fail (Unhandled) and time out with their figures and cost, async and dry
// run, drafts that survive switching function, the history with re-run and compare.
// One app launch for all of it.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chord, CONTROL, launchApp, openFunction, saveScreenshot, startLocalAws } from "./harness.mjs";

// payments-api: Python, 3 s timeout (devtools/src/demo.rs); its handler fails on
// {"fail": …} and sleeps {"delay_ms": …}.
const FUNCTION = "payments-api";

/** Sets a <select> the way picking an option does. */
function choose(session, css, value) {
  return session.execute(
    "const s = document.querySelector(arguments[0]); s.value = arguments[1]; s.dispatchEvent(new Event('change', { bubbles: true })); return s.value;",
    [css, value],
  );
}

/** The editor's document. */
function editorText(session) {
  return session.execute("return document.querySelector('[data-testid=event-editor] .cm-content').innerText");
}

/** Replaces the editor's document by typing, as a user does (CodeMirror closes brackets). */
async function typeInEditor(session, text) {
  await click(session, "[data-testid=event-editor] .cm-content");
  await chord(session, CONTROL, "a");
  await session.keys("\uE017"); // Delete
  await (await session.find("[data-testid=event-editor] .cm-content")).type(text);
}

async function invokeAndWait(session, outcome) {
  await session.waitFor("Invoke enabled", async () => ((await (await session.find("[data-testid=invoke]")).attribute("disabled")) === null ? true : null));
  const before = await session.execute("return document.querySelectorAll('[data-testid=history-row]').length");
  await click(session, "[data-testid=invoke]");
  await session.waitFor(`a ${outcome} result`, async () => {
    const rows = await session.execute("return document.querySelectorAll('[data-testid=history-row]').length");
    const [result] = await session.findAll(`[data-testid=invocation-result][data-outcome=${outcome}]`);
    return result && rows > before ? result : null;
  }, 30_000);
}

/** Clicks an element after scrolling it into the middle of the view (the tab scrolls). */
async function click(session, css) {
  await session.execute("document.querySelector(arguments[0]).scrollIntoView({ block: 'center' })", [css]);
  await (await session.find(css)).click();
}

async function text(session, css) {
  return (await session.find(css)).textContent();
}

describe("the Test tab", { timeout: 420_000 }, () => {
  let localAws;
  let app;

  before(async () => {
    localAws = await startLocalAws({ seed: "demo" });
    app = await launchApp(localAws.env);
    await app.session.waitFor("the synced list", async () => {
      const [line] = await app.session.findAll("[data-testid=status-line][data-state=synced]");
      return line ?? null;
    }, 60_000);
    await openFunction(app.session, FUNCTION);
    await chord(app.session, CONTROL, "3");
    await app.session.waitFor("the Test tab", async () => (await app.session.findAll("[data-testid=test-tab]"))[0] ?? null);
  });

  after(async () => {
    await app?.stop();
    await localAws?.stop();
  });

  it("creates an event from a template, filled with the region and account, and saves it", async () => {
    const { session } = app;
    await session.waitFor("the templates", async () => (await session.execute("return document.querySelectorAll('[data-testid=template-picker] option').length")) > 10 || null);
    await choose(session, "[data-testid=template-picker]", "sqs");
    const filled = await session.waitFor("the SQS template", async () => {
      const doc = await editorText(session);
      return doc.includes('"Records"') ? doc : null;
    });
    assert.match(filled, /"body"/);
    assert.match(filled, /arn:aws:sqs:us-east-1:000000000000:/, "the template carries the region and the account");
    await click(session, "[data-testid=save-as]");
    await (await session.find("[data-testid=event-name]")).type("queue message");
    await click(session, "[data-testid=event-name-submit]");
    await session.waitFor("the saved event", async () => ((await session.execute("return document.querySelector('[data-testid=event-picker]').value")) === "queue message") || null);

    // The same name again is refused next to the field.
    await click(session, "[data-testid=save-as]");
    await (await session.find("[data-testid=event-name]")).type("queue message");
    await click(session, "[data-testid=event-name-submit]");
    const error = await session.waitFor("the name error", async () => (await session.findAll("[data-testid=field-error-name]"))[0] ?? null);
    assert.match(await error.textContent(), /already has an event named "queue message"/);
  });

  it("marks a broken payload at its line and column and disables Invoke with the reason", async () => {
    const { session } = app;
    await choose(session, "[data-testid=event-picker]", "");
    // Enter starts line 2 (indented by the editor); the value is missing at the "]".
    await typeInEditor(session, '{"order": 1,\uE007"items": ]');
    const problem = await session.waitFor("the parse error", async () => (await session.findAll("[data-testid=payload-problem]"))[0] ?? null);
    const [, line, column] = /Not valid JSON: expected value \(line (\d+), column (\d+)\)/.exec(await problem.textContent()) ?? [];
    assert.equal(line, "2");
    // The marker sits on that line, at that column: on the "]".
    const marked = await session.waitFor("the marker in the editor", async () =>
      session.execute(`
        const mark = document.querySelector("[data-testid=event-editor] .cm-lintRange-error");
        if (!mark) return null;
        const lines = [...document.querySelectorAll("[data-testid=event-editor] .cm-line")];
        return { line: lines.findIndex((l) => l.contains(mark)) + 1, text: mark.textContent, before: lines[1].textContent.indexOf("]") + 1 };`),
    );
    assert.deepEqual(marked, { line: 2, text: "]", before: Number(column) });
    assert.equal(await (await session.find("[data-testid=invoke]")).attribute("disabled"), "true");
    assert.match(await text(session, "[data-testid=invoke-blocked]"), /Not valid JSON/);
    await saveScreenshot(session, "60-editor-error-marker");
  });

  it("invokes a succeeding function and shows the payload, then the figures and the cost", async () => {
    const { session } = app;
    await typeInEditor(session, '{"hello": "world"}');
    await session.waitFor("a valid payload", async () => ((await session.findAll("[data-testid=payload-problem]")).length === 0) || null);
    await click(session, "[data-testid=save-as]");
    await (await session.find("[data-testid=event-name]")).type("happy path");
    await click(session, "[data-testid=event-name-submit]");
    await invokeAndWait(session, "succeeded");
    assert.match(await text(session, "[data-testid=result-payload]"), /"statusCode": 200/);
    assert.equal(await text(session, "[data-testid=result-version]"), "$LATEST");
    // The local AWS's tail has no REPORT line: the figures come from the log group.
    await session.waitFor("the figures", async () => (await session.findAll("[data-testid=figure-duration]"))[0] ?? null, 30_000);
    assert.match(await text(session, "[data-testid=figure-billed]"), /\d+ ms/);
    assert.match(await text(session, "[data-testid=figure-memory]"), /MB used of \d+ MB/);
    assert.match(await text(session, "[data-testid=figure-cost]"), /\$0\.0+\d+\s+estimate · .*us-east-1\s+prices/s);
    assert.match(await text(session, "[data-testid=figure-source]"), /log group/);
    assert.match(await text(session, "[data-testid=result-log]"), /request received/);
    await click(session, "[data-testid=toggle-full-log]");
    assert.match(await text(session, "[data-testid=result-log]"), /REPORT RequestId/);
    await session.execute("document.querySelector('[data-testid=invocation-result]').scrollIntoView()");
    await saveScreenshot(session, "61-invoke-success-figures");
  });

  it("shows an Unhandled error with its type and message, and a timeout", async () => {
    const { session } = app;
    await choose(session, "[data-testid=event-picker]", "");
    await typeInEditor(session, '{"fail": "card declined"}');
    await invokeAndWait(session, "function_error");
    assert.match(await text(session, "[data-testid=function-error]"), /Unhandled/);
    assert.match(await text(session, "[data-testid=error-message]"), /card declined/);
    assert.ok((await text(session, "[data-testid=error-type]")).length > 0);
    await session.waitFor("the failure's figures", async () => (await session.findAll("[data-testid=figure-duration]"))[0] ?? null, 30_000);
    await click(session, "[data-testid=toggle-full-log]");
    const log = await text(session, "[data-testid=result-log]");
    assert.match(log, /card declined/, "the full log is this request's, not the previous one's");
    const errorLines = await session.execute("return [...document.querySelectorAll('[data-testid=result-log] [data-level=error]')].length");
    assert.ok(errorLines > 0, "error lines are marked by level");
    await session.execute("document.querySelector('[data-testid=invocation-result]').scrollIntoView()");
    await saveScreenshot(session, "62-invoke-unhandled-error");

    await typeInEditor(session, '{"delay_ms": 4500}');
    await invokeAndWait(session, "function_error");
    assert.match(await text(session, "[data-testid=error-message]"), /timed out/i);
  });

  it("queues an async invocation and passes a dry run", async () => {
    const { session } = app;
    await typeInEditor(session, '{"async": true}');
    await choose(session, "[data-testid=invocation-kind]", "event");
    await invokeAndWait(session, "queued");
    assert.match(await text(session, "[data-testid=invocation-result]"), /status 202/);
    await choose(session, "[data-testid=invocation-kind]", "dry_run");
    await invokeAndWait(session, "dry_run_passed");
    assert.match(await text(session, "[data-testid=invocation-result]"), /status 204/);
    await choose(session, "[data-testid=invocation-kind]", "request");
  });

  it("keeps a draft across switching function", async () => {
    const { session } = app;
    await choose(session, "[data-testid=event-picker]", "happy path");
    await typeInEditor(session, '{"hello": "draft"}');
    await session.waitFor("unsaved changes", async () => (await session.findAll("[data-testid=unsaved]"))[0] ?? null);
    await openFunction(session, "orders-api");
    await chord(session, CONTROL, "3");
    await session.waitFor("orders-api's empty library", async () => ((await editorText(session)).trim() === "") || null);
    await openFunction(session, FUNCTION);
    await chord(session, CONTROL, "3");
    const restored = await session.waitFor("the draft back", async () => {
      const doc = await editorText(session);
      return doc.includes("draft") ? doc : null;
    });
    assert.match(restored, /"hello": "draft"/);
    assert.match(await session.execute("return document.querySelector('[data-testid=event-picker] option:checked').textContent"), /happy path \(draft\)/);
  });

  it("re-runs from the history, filters it, and compares two invocations", async () => {
    const { session } = app;
    const rows = () => session.execute("return [...document.querySelectorAll('[data-testid=history-row]')].map((r) => r.dataset.outcome)");
    const before = await rows();
    assert.ok(before.length >= 5, `the history has every invocation (${before})`);
    await click(session, "[data-testid=history-row][data-outcome=succeeded] [data-testid=history-rerun]");
    await session.waitFor("the re-run in the history", async () => ((await rows()).length === before.length + 1) || null, 30_000);
    assert.equal((await rows())[0], "succeeded");

    await choose(session, "[data-testid=history-filter]", "function_error");
    await session.waitFor("only failures", async () => {
      const shown = await rows();
      return shown.length === 2 && shown.every((o) => o === "function_error") ? true : null;
    });
    await choose(session, "[data-testid=history-filter]", "");
    await session.waitFor("every invocation again", async () => ((await rows()).length === before.length + 1) || null);

    await click(session, "[data-testid=history-row][data-outcome=succeeded] [data-testid=history-pick]");
    await click(session, "[data-testid=history-row][data-outcome=function_error] [data-testid=history-pick]");
    await click(session, "[data-testid=compare]");
    const comparison = await session.waitFor("the comparison", async () => (await session.findAll("[data-testid=comparison]"))[0] ?? null);
    assert.match(await comparison.textContent(), /Duration/);
    const changed = await session.execute("return [...document.querySelectorAll('[data-testid=request-changes] th')].map((th) => th.textContent)");
    assert.ok(changed.length > 0, "the requests differ by JSON path");
    await session.execute("document.querySelector('[data-testid=comparison]').scrollIntoView()");
    await saveScreenshot(session, "63-compare-invocations");
  });

  it("exports the events as plain JSON files", async () => {
    const { session } = app;
    const dir = mkdtempSync(join(tmpdir(), "lambda-deck-e2e-export-"));
    await click(session, "[data-testid=export-events]");
    await (await session.find("[data-testid=export-dir]")).type(dir);
    await click(session, "[data-testid=export-submit]");
    const notice = await session.waitFor("the export notice", async () => (await session.findAll("[data-testid=test-notice]"))[0] ?? null);
    assert.match(await notice.textContent(), /Exported 2 events/);
    assert.deepEqual(readdirSync(dir).sort(), ["happy path.json", "queue message.json"]);
    assert.match(readFileSync(join(dir, "queue message.json"), "utf8"), /"Records"/);
  });

  it("deletes an event after asking once", async () => {
    const { session } = app;
    await choose(session, "[data-testid=event-picker]", "queue message");
    await click(session, "[data-testid=delete-event]");
    await click(session, "[data-testid=confirm-delete-yes]");
    await session.waitFor("the event gone", async () => {
      const names = await session.execute("return [...document.querySelectorAll('[data-testid=event-picker] option')].map((o) => o.value)");
      return names.includes("queue message") ? null : true;
    });
  });
});

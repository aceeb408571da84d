// End-to-end: editing a function's configuration in the real window against the local
// AWS — every rule refused at its field with the core's message, a change reviewed as a
// diff and applied to Successful, a second client's change in between resolved field by
// field, versions and a weighted alias, code deployed from a folder and run, and a
// read-only profile locking it all. One app launch for all of it.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chord, CONTROL, lambdaCall, launchApp, openFunction, saveScreenshot, startLocalAws } from "./harness.mjs";

// payments-api: Python 3.12, handler app.handler, 128 MB, 3 s (devtools/src/demo.rs).
const FUNCTION = "payments-api";
const MASK = "••••••";

/** Types `value` into the input or select with this test id, as the form's bindings see it. */
function setField(session, testid, value) {
  return session.execute(
    `const element = document.querySelector('[data-testid="' + arguments[0] + '"]');
     if (!element) return false;
     element.scrollIntoView({ block: "center" });
     element.value = arguments[1];
     element.dispatchEvent(new Event("input", { bubbles: true }));
     element.dispatchEvent(new Event("change", { bubbles: true }));
     return true;`,
    [testid, value],
  );
}

/** Clicks a control once it is there and enabled (checks run a frame after typing). */
async function click(session, testid) {
  const css = `[data-testid="${testid}"]`;
  await session.waitFor(`${testid} enabled`, () =>
    session.execute(
      `const element = document.querySelector(arguments[0]);
       if (!element || element.disabled) return null;
       element.scrollIntoView({ block: "center" });
       return true;`,
      [css],
    ),
  );
  await (await session.find(css)).click();
}

/** A screenshot with `testid` scrolled to the top of its pane. */
async function shoot(session, testid, name) {
  // Only the tab scrolls: "nearest" leaves the window where it is.
  await session.execute(`document.querySelector('[data-testid="${testid}"]').scrollIntoView({ block: "nearest" })`);
  await saveScreenshot(session, name);
}

/** The message shown under `field` (waits for it), or null when `absent` is asked. */
function errorAt(session, field, expected) {
  return session.waitFor(`the error at ${field}`, async () => {
    const text = await session.execute(
      `const element = document.querySelector('[data-testid=field-error][data-field="' + arguments[0] + '"]');
       return element ? element.textContent.trim() : null;`,
      [field],
    );
    return text !== null && (expected === undefined || text === expected) ? text : null;
  }, 5_000).catch(async () =>
    session.execute(
      `const element = document.querySelector('[data-testid=field-error][data-field="' + arguments[0] + '"]');
       return element ? element.textContent.trim() : "(no error shown)";`,
      [field],
    ),
  );
}

function noErrors(session) {
  return session.waitFor("no field errors", async () =>
    (await session.execute("return document.querySelectorAll('[data-testid=field-error]').length")) === 0 ? true : null,
  );
}

function rowCount(session, prefix) {
  return session.execute(`return document.querySelectorAll('[data-testid^="${prefix}"]').length`);
}

function textOf(session, css) {
  return session.execute("return document.querySelector(arguments[0])?.textContent.trim() ?? null", [css]);
}

function waitForTestId(session, testid, timeout = 20_000) {
  return session.waitFor(testid, async () => (await session.findAll(`[data-testid="${testid}"]`))[0] ?? null, timeout);
}

async function configurationOnAws(endpoint) {
  const { status, body } = await lambdaCall(endpoint, "GET", `/functions/${FUNCTION}/configuration`);
  assert.equal(status, 200);
  return body;
}

async function applyAndWaitFor(session, expected) {
  await click(session, "config-apply");
  return session.waitFor(`the apply outcome (${expected})`, async () => {
    const status = await textOf(session, "[data-testid=apply-status]");
    return status?.includes(expected) ? status : null;
  }, 60_000);
}

describe("configuration editing", { timeout: 600_000 }, () => {
  let localAws;
  let app;
  let endpoint;

  before(async () => {
    localAws = await startLocalAws({ seed: "demo" });
    endpoint = localAws.env.LDECK_LOCAL_AWS_ENDPOINT;
    app = await launchApp(localAws.env);
    await app.session.waitFor("the synced list", async () => {
      const [line] = await app.session.findAll("[data-testid=status-line][data-state=synced]");
      return line ?? null;
    }, 60_000);
    await openFunction(app.session, FUNCTION);
    await chord(app.session, CONTROL, "2");
    await waitForTestId(app.session, "config-edit");
  });

  after(async () => {
    await app?.stop();
    await localAws?.stop();
  });

  it("refuses every bad value at its field with the core's message, and nothing can be applied", async () => {
    const { session } = app;
    await click(session, "config-edit");
    await waitForTestId(session, "config-editor");
    const long = (n) => "x".repeat(n);
    // [input, bad value, field, message]; each input gets its value back afterwards.
    const scalarCases = [
      ["field-memory_mb", "64", "memory_mb", "Memory is 128 to 10,240 MB; 64 is too little."],
      ["field-memory_mb", "20000", "memory_mb", "Memory is 128 to 10,240 MB; 20,000 is too much."],
      ["field-timeout_seconds", "0", "timeout_seconds", "Timeout is 1 to 900 seconds."],
      ["field-timeout_seconds", "901", "timeout_seconds", "Timeout is 1 to 900 seconds."],
      ["field-ephemeral_storage_mb", "100", "ephemeral_storage_mb", "Ephemeral storage is 512 to 10,240 MB; 100 is too little."],
      ["field-ephemeral_storage_mb", "20480", "ephemeral_storage_mb", "Ephemeral storage is 512 to 10,240 MB; 20,480 is too much."],
      ["field-description", long(257), "description", "The description is at most 256 characters; this one has 257."],
      ["field-handler", "app", "handler", "A Python handler is file.function, e.g. app.handler."],
      ["field-handler", "app handler", "handler", "The handler cannot contain spaces."],
      ["field-handler", long(129), "handler", "The handler is at most 128 characters; this one has 129."],
      ["field-runtime", "cobol85", "runtime", '"cobol85" is not a Lambda runtime.'],
      ["field-logging.log_group", "bad group", "logging.log_group", 'A log group name may hold letters, digits and . - _ / # only; " " is not allowed.'],
      ["field-logging.log_group", "", "logging.log_group", "Name a log group, e.g. /aws/lambda/my-function."],
    ];
    let checked = 0;
    for (const [input, bad, field, message] of scalarCases) {
      const original = await session.execute(`return document.querySelector('[data-testid="${input}"]')?.value ?? null`);
      assert.notEqual(original, null, `${input} is on the form`);
      await setField(session, input, bad);
      assert.equal(await errorAt(session, field, message), message, `${input} = ${bad.slice(0, 20)}`);
      assert.equal(await session.execute("return document.querySelector('[data-testid=config-review]').disabled"), true, "Review is blocked");
      await setField(session, input, original);
      await noErrors(session);
      checked += 1;
    }

    // Reserved concurrency: the box, then a negative number.
    await click(session, "reserve-concurrency");
    await setField(session, "field-reserved_concurrency", "-1");
    assert.equal(await errorAt(session, "reserved_concurrency", "Reserved concurrency is 0 or more."), "Reserved concurrency is 0 or more.");
    await click(session, "reserve-concurrency");
    await noErrors(session);
    checked += 1;

    // Environment rows: each bad name on a new row, then the row removed.
    const envCases = [
      ["1ABC", "x", "name", "A variable name is a letter then letters, digits or _, at least 2 characters."],
      ["A", "x", "name", "A variable name is a letter then letters, digits or _, at least 2 characters."],
      ["AWS_REGION", "x", "name", "AWS_REGION is reserved by Lambda and cannot be set."],
      ["AWS_LAMBDA_FUNCTION_NAME", "x", "name", "AWS_LAMBDA_FUNCTION_NAME is reserved by Lambda and cannot be set."],
      ["_HANDLER", "x", "name", "_HANDLER is reserved by Lambda and cannot be set."],
      ["", "orphan", "name", "Name the variable or remove the row."],
    ];
    for (const [name, value, part, message] of envCases) {
      const index = await rowCount(session, "env-name-");
      await click(session, "env-add");
      await waitForTestId(session, `env-name-${index}`);
      await setField(session, `env-name-${index}`, name);
      await setField(session, `env-value-${index}`, value);
      assert.equal(await errorAt(session, `env.${index}.${part}`, message), message, `env ${name}`);
      await click(session, `env-remove-${index}`);
      await noErrors(session);
      checked += 1;
    }
    // A duplicate name is refused on the later row.
    const first = await rowCount(session, "env-name-");
    await click(session, "env-add");
    await waitForTestId(session, `env-name-${first}`);
    await setField(session, `env-name-${first}`, "DUPLICATE");
    await click(session, "env-add");
    await waitForTestId(session, `env-name-${first + 1}`);
    await setField(session, `env-name-${first + 1}`, "DUPLICATE");
    assert.equal(await errorAt(session, `env.${first + 1}.name`, "DUPLICATE is already set above."), "DUPLICATE is already set above.");
    checked += 1;
    // Over 4 KB in all: the size turns to an error, counted as you type.
    await setField(session, `env-name-${first + 1}`, "BIG");
    await setField(session, `env-value-${first + 1}`, long(4100));
    const sizeMessage = await errorAt(session, "environment");
    assert.match(sizeMessage, /^The environment is [\d,]+ bytes; Lambda allows 4,096 \(4 KB\) in total\.$/);
    assert.match(await textOf(session, "[data-testid=env-size]"), /^[\d,]+ of 4,096 bytes$/);
    await click(session, `env-remove-${first + 1}`);
    await click(session, `env-remove-${first}`);
    await noErrors(session);
    checked += 1;

    // Tags.
    const tagCases = [
      ["aws:team", "x", "key", "Tag keys starting with aws: are reserved for AWS."],
      ["", "x", "key", "Give the tag a key or remove the row."],
      ["team*", "x", "key", 'A tag key may hold letters, digits, spaces and _ . : / = + - @ only; "*" is not allowed.'],
      [long(129), "x", "key", "A tag key is at most 128 characters; this one has 129."],
      ["team", "a!", "value", 'A tag value may hold letters, digits, spaces and _ . : / = + - @ only; "!" is not allowed.'],
      ["team", long(257), "value", "A tag value is at most 256 characters; this one has 257."],
    ];
    for (const [key, value, part, message] of tagCases) {
      const index = await rowCount(session, "tag-key-");
      await click(session, "tag-add");
      await waitForTestId(session, `tag-key-${index}`);
      await setField(session, `tag-key-${index}`, key);
      await setField(session, `tag-value-${index}`, value);
      assert.equal(await errorAt(session, `tags.${index}.${part}`, message), message, `tag ${key.slice(0, 20)}`);
      await click(session, `tag-remove-${index}`);
      await noErrors(session);
      checked += 1;
    }
    assert.ok(checked >= 25, `${checked} rules checked`);

    // Nothing typed is lost: a bad value stays in its input.
    await setField(session, "field-memory_mb", "64");
    await errorAt(session, "memory_mb");
    assert.equal(await session.execute("return document.querySelector('[data-testid=field-memory_mb]').value"), "64");
    await shoot(session, "config-editor", "79-config-validation-error");
    await setField(session, "field-memory_mb", "128");
    await noErrors(session);
  });

  it("changes memory and an environment variable, shows the diff, applies it and reports Successful", async () => {
    const { session } = app;
    await setField(session, "field-memory_mb", "512");
    const index = await rowCount(session, "env-name-");
    await click(session, "env-add");
    await waitForTestId(session, `env-name-${index}`);
    await setField(session, `env-name-${index}`, "FEATURE_FLAG");
    await setField(session, `env-value-${index}`, "on-e2e");
    await noErrors(session);
    await click(session, "config-review");
    await waitForTestId(session, "config-diff");
    const rows = await session.execute(
      "return [...document.querySelectorAll('[data-testid=diff-row]')].map((row) => [row.dataset.field, row.textContent.replace(/\\s+/g, ' ').trim()])",
    );
    assert.deepEqual(rows.map(([field]) => field), ["memory_mb", "env:FEATURE_FLAG"], JSON.stringify(rows));
    assert.match(rows[0][1], /128.*512/);
    assert.ok(rows[1][1].includes(MASK) && !rows[1][1].includes("on-e2e"), `masked: ${rows[1][1]}`);
    await shoot(session, "config-diff", "80-config-diff");

    const status = await applyAndWaitFor(session, "Successful");
    assert.match(status, /Successful/);
    const onAws = await configurationOnAws(endpoint);
    assert.equal(onAws.MemorySize, 512);
    assert.equal(onAws.Environment.Variables.FEATURE_FLAG, "on-e2e");
    // Back in view mode, the tab shows the new memory.
    await session.waitFor("the new memory in the tab", async () =>
      (await textOf(session, "[data-testid=general]"))?.includes("512 MB") ? true : null,
    );
  });

  it("turns a second client's change in between into a conflict resolved field by field", async () => {
    const { session } = app;
    await click(session, "config-edit");
    await waitForTestId(session, "config-editor");
    await setField(session, "field-timeout_seconds", "15");
    await noErrors(session);
    // Another client changes the timeout and the description meanwhile.
    const changed = await lambdaCall(endpoint, "PUT", `/functions/${FUNCTION}/configuration`, {
      Timeout: 25,
      Description: "changed by a colleague",
    });
    assert.equal(changed.status, 200);
    await click(session, "config-review");
    await waitForTestId(session, "config-diff");
    await click(session, "config-apply");
    await waitForTestId(session, "conflict-view", 60_000);
    const rows = await session.execute(
      `return [...document.querySelectorAll('[data-testid=conflict-row]')].map((row) => ({
         field: row.dataset.field,
         both: !!row.querySelector('[data-testid=changed-by-both]'),
         mine: row.querySelector('[data-testid=choose-mine]')?.checked ?? null,
       }))`,
    );
    const byField = Object.fromEntries(rows.map((row) => [row.field, row]));
    assert.equal(byField.timeout_seconds?.both, true, JSON.stringify(rows));
    assert.equal(byField.timeout_seconds?.mine, true, "my change preselected where both changed");
    assert.equal(byField.description?.both, false, JSON.stringify(rows));
    assert.equal(byField.description?.mine, false, "their change kept where only they changed it");
    assert.equal((await configurationOnAws(endpoint)).Timeout, 25, "nothing was written");
    await shoot(session, "conflict-view", "81-config-conflict");

    await click(session, "conflict-resolve");
    await waitForTestId(session, "config-diff");
    const diff = await session.execute(
      "return [...document.querySelectorAll('[data-testid=diff-row]')].map((row) => row.dataset.field)",
    );
    assert.deepEqual(diff, ["timeout_seconds"], "only my timeout, against what is there now");
    await applyAndWaitFor(session, "Successful");
    const onAws = await configurationOnAws(endpoint);
    assert.equal(onAws.Timeout, 15);
    assert.equal(onAws.Description, "changed by a colleague");
    assert.equal(onAws.MemorySize, 512, "the earlier change stands");
    // The list row follows the saved details.
    await session.waitFor("the row's new timeout", async () =>
      (await textOf(session, `[data-testid=function-row][data-name="${FUNCTION}"]`))?.includes("15 s") ? true : null,
    );
  });

  it("publishes a version and routes a new alias between two versions by weight", async () => {
    const { session } = app;
    // The demo's payments-api has versions 1 and 2 and a weighted "live" already; the
    // configuration changed since, so this is version 3.
    const before = await rowCount(session, "version-row");
    await click(session, "version-publish");
    await waitForTestId(session, "version-description");
    await setField(session, "version-description", "after the e2e edits");
    await click(session, "version-publish-confirm");
    await session.waitFor("version 3", async () =>
      (await session.findAll('[data-testid=version-row][data-version="3"]'))[0] ?? null, 30_000);
    assert.equal(await rowCount(session, "version-row"), before + 1);
    // A bad alias name comes back at its field from the core.
    await click(session, "alias-new");
    await waitForTestId(session, "alias-name");
    await setField(session, "alias-name", "123");
    await click(session, "alias-save");
    const nameError = "An alias name cannot be only digits: that reads as a version.";
    assert.equal(await errorAt(session, "alias.name", nameError), nameError);

    await setField(session, "alias-name", "canary");
    await setField(session, "alias-version", "2");
    await click(session, "alias-weighted");
    await waitForTestId(session, "alias-additional-version");
    await setField(session, "alias-additional-version", "3");
    await setField(session, "alias-weight", "20");
    await click(session, "alias-save");
    const shown = await session.waitFor("the weighted alias", async () => {
      const text = await textOf(session, "[data-testid=alias-row][data-alias=canary]");
      return text?.replace(/\s+/g, " ").includes("canary → 2, 20% to 3") ? text : null;
    }, 30_000);
    assert.ok(shown);
    const { body } = await lambdaCall(endpoint, "GET", `/functions/${FUNCTION}/aliases/canary`);
    assert.equal(body.FunctionVersion, "2");
    assert.equal(body.RoutingConfig.AdditionalVersionWeights["3"], 0.2);
    await shoot(session, "versions-aliases", "82-config-weighted-alias");
  });

  it("deploys a folder, leaving out what .lambdaignore names, and the new code answers", async () => {
    const { session } = app;
    const source = mkdtempSync(join(tmpdir(), "lambda-deck-e2e-code-"));
    writeFileSync(join(source, "app.py"), "def handler(event, context):\n    return {'release': 'e2e-two'}\n");
    writeFileSync(join(source, "notes.txt"), "not deployed\n");
    writeFileSync(join(source, ".lambdaignore"), "notes.txt\n");

    await setField(session, "code-path", "/nonexistent/lambda-deck-e2e");
    await click(session, "code-deploy");
    assert.match(await errorAt(session, "path"), /\S/);

    await setField(session, "code-path", source);
    await click(session, "code-publish");
    await click(session, "code-deploy");
    const result = await session.waitFor("the deploy result", async () => {
      const text = await textOf(session, "[data-testid=code-result]");
      return text && /Deployed/.test(text) ? text : null;
    }, 60_000);
    assert.match(result, /Deployed 1 files?/);
    assert.match(result, /published version 4/);
    const invoked = await lambdaCall(endpoint, "POST", `/functions/${FUNCTION}/invocations`, {});
    assert.equal(invoked.body.release, "e2e-two");
    await shoot(session, "code-section", "83-config-code-deployed");
  });

  it("locks editing with the reason when the profile is marked read-only", async () => {
    const { session } = app;
    const profile = await session.executeAsync(
      `const done = arguments[arguments.length - 1];
       window.__TAURI_INTERNALS__.invoke("active_connection", {}).then((c) => done(c.profile), (e) => done(String(e)));`,
    );
    const setReadOnly = async (readOnly) => {
      await (await session.find("[data-testid=open-settings]")).click();
      const toggle = `[data-testid=profile-row][data-name="${profile}"] [data-testid=read-only-toggle]`;
      await session.waitFor("the profile in Settings", async () => (await session.findAll(toggle))[0] ?? null);
      const checked = await session.execute("return document.querySelector(arguments[0]).checked", [toggle]);
      if (checked !== readOnly) await (await session.find(toggle)).click();
      await session.waitFor("the mark saved", async () =>
        (await session.execute("return document.querySelector(arguments[0]).checked", [toggle])) === readOnly ? true : null);
      await (await session.find("[data-testid=close-settings]")).click();
    };
    await setReadOnly(true);
    const locked = await session.waitFor("the locked Configuration tab", async () => {
      const text = await textOf(session, "[data-testid=config-locked]");
      return text ? text : null;
    });
    assert.match(locked, new RegExp(`Profile "${profile}" is read-only: editing is locked\\.`));
    assert.equal(await session.execute("return document.querySelector('[data-testid=config-edit]').disabled"), true);
    assert.equal(await session.execute("return document.querySelector('[data-testid=code-deploy]').disabled"), true);
    assert.equal(await session.execute("return document.querySelector('[data-testid=version-publish]').disabled"), true);
    await shoot(session, "config-locked", "84-config-read-only");
    await setReadOnly(false);
    await session.waitFor("editing unlocked", async () =>
      (await session.execute("return document.querySelector('[data-testid=config-edit]')?.disabled")) === false ? true : null);
  });
});

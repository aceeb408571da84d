// End-to-end: profiles in the real window. Keys typed into Settings go to the keyring
// (a private gnome-keyring: the suite runs under scripts/with-test-keyring.sh) and
// nowhere else: every IPC response, the app's files and its output are scanned for them.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { launchApp, ROOT, saveScreenshot, selectedValue, startLocalAws } from "./harness.mjs";

// Recognisable, so that any copy of it anywhere is found.
const PLANTED_SECRET = `E2E-PLANTED-SECRET-${process.pid}-x9Qz`;

/** Every command of the registry, as the generated bindings invoke them. */
function registeredCommands() {
  const bindings = readFileSync(join(ROOT, "ui/src/lib/bindings.ts"), "utf8");
  return [...bindings.matchAll(/__TAURI_INVOKE(?:<[^>]*>)?\("([a-z_]+)"/g)].map((m) => m[1]).sort();
}

/**
 * Arguments for each command, as the UI sends them. A command added to the registry
 * without an entry here fails the scan: every answer the webview can get is scanned.
 * `null` values of `progress` become a real Channel in the page.
 */
/** A valid configuration for the configuration commands of the scan. */
const SCAN_CONFIG = {
  description: "",
  handler: "app.handler",
  runtime: "python3.12",
  memory_mb: 128,
  timeout_seconds: 3,
  ephemeral_storage_mb: 512,
  environment: [{ name: "STAGE", value: "scan" }],
  tracing_mode: "PassThrough",
  logging: { log_format: "Text", application_log_level: null, system_log_level: null, log_group: "/aws/lambda/bulk-0000" },
  tags: [],
  reserved_concurrency: null,
};

const SCAN_LAYOUT = { width_px: 600, height_px: 200, theme: "light", utc_offset_minutes: 0 };
const ARGUMENTS = {
  active_connection: {},
  select_profile: { name: "vault", region: null },
  select_region: { region: "us-east-1" },
  list_regions: {},
  cached_functions: { limit: null },
  refresh_functions: { progress: null },
  cancel_refresh: {},
  cached_function_details: { name: "bulk-0000" },
  refresh_function_details: { name: "bulk-0000" },
  open_in_console: { name: "bulk-0000" },
  list_events: { functionName: "bulk-0000" },
  create_event: { functionName: "bulk-0000", name: "scan", content: { payload: "{}", invocation_kind: "request", qualifier: null } },
  update_event: { functionName: "bulk-0000", name: "scan", content: { payload: '{"a":1}', invocation_kind: "request", qualifier: null } },
  rename_event: { functionName: "bulk-0000", name: "scan", newName: "scanned" },
  duplicate_event: { functionName: "bulk-0000", name: "scanned" },
  delete_event: { functionName: "bulk-0000", name: "scanned copy" },
  save_event_draft: { functionName: "bulk-0000", event: null, draft: { payload: "{}", invocation_kind: "request", qualifier: null } },
  discard_event_draft: { functionName: "bulk-0000", event: null },
  check_event_payload: { text: "{}", kind: "request" },
  event_templates: {},
  render_event_template: { functionName: "bulk-0000", template: "sqs" },
  export_events: { functionName: "bulk-0000", names: ["scanned"], dir: null }, // a temp dir, set in the test
  format_event_payload: { text: '{"a": 1}' },
  // EventBridge Schemas is not emulated: these answer errors, which are scanned too.
  list_shared_events: { functionName: "bulk-0000" },
  publish_shared_event: { functionName: "bulk-0000", name: "scanned", text: "{}", overwrite: false },
  delete_shared_event: { functionName: "bulk-0000", name: "scanned" },
  invoke_function: {
    request: { function_name: "bulk-0000", qualifier: null, kind: "request", payload: "{}", client_context: null, event_name: null },
    chunks: null,
  },
  cancel_invocation: {},
  invocation_figures: { id: 1 },
  invocation_history: { functionName: "bulk-0000", outcome: null },
  compare_invocations: { before: 1, after: 1 },
  invocation_history_limit: {},
  set_invocation_history_limit: { keep: 100 },
  editable_config: {
    section: {
      fetched_at: "2026-11-29T00:00:00Z",
      summary: {
        function_name: "bulk-0000", function_arn: "arn:aws:lambda:us-east-1:000000000000:function:bulk-0000",
        runtime: "python3.12", memory_size: 128, timeout: 3, last_modified: null, description: null,
        handler: "app.handler", package_type: "Zip", architectures: [], state: null, last_update_status: null, tags: null,
      },
      role: null, code_size: 0, code_sha256: null, version: null, revision_id: null, ephemeral_storage_mb: 512,
      environment: [], environment_error: null, layers: [], vpc: null, state_reason: null,
      last_update_status_reason: null, logging: null, tracing_mode: null, dead_letter_target: null,
      kms_key_arn: null, tags: {}, reserved_concurrency: null,
    },
  },
  check_config: { config: SCAN_CONFIG },
  config_changes: { base: SCAN_CONFIG, desired: SCAN_CONFIG },
  // No change: the answer is "nothing to apply", and nothing is sent.
  apply_config: { edit: { function_name: "bulk-0000", base_revision_id: null, base: SCAN_CONFIG, desired: SCAN_CONFIG }, progress: null },
  resolve_config_conflict: {
    conflict: { function_name: "bulk-0000", base: SCAN_CONFIG, current: SCAN_CONFIG, desired: SCAN_CONFIG, current_revision_id: null, fields: [] },
    choices: {},
  },
  merge_env_text: { existing: [], text: "STAGE=scan" },
  // Writes aimed at a function that does not exist, or a path that does not: errors.
  publish_version: { functionName: "no-such-function", description: "" },
  set_alias: { functionName: "no-such-function", alias: { name: "live", function_version: "1", description: "", additional_version: null, additional_weight: null } },
  remove_alias: { functionName: "no-such-function", aliasName: "live" },
  deploy_code: { functionName: "bulk-0000", path: "/nonexistent/lambda-deck-scan", publish: false, progress: null },
  download_code: { functionName: "no-such-function", dir: "/tmp/lambda-deck-scan-never-written", progress: null },
  save_config_draft: { edit: { function_name: "bulk-0000", base_revision_id: null, base: SCAN_CONFIG, desired: SCAN_CONFIG } },
  config_draft: { functionName: "bulk-0000" },
  discard_config_draft: { functionName: "bulk-0000" },
  read_charts: { source: { kind: "monitor", request: { function_name: "bulk-0000", qualifier: null, range: "1h" } }, layout: SCAN_LAYOUT },
  saved_charts: { source: { kind: "monitor", request: { function_name: "bulk-0000", qualifier: null, range: "1h" } }, layout: SCAN_LAYOUT },
  // Exporting a chart to a folder that does not exist: an error at the path.
  export_chart: {
    source: { kind: "monitor", request: { function_name: "bulk-0000", qualifier: null, range: "1h" } },
    chartId: "invocations", format: "csv", path: "/nonexistent/lambda-deck-scan/chart.csv", layout: SCAN_LAYOUT,
  },
  chart_export_dir: {},
  saved_trends: { functions: ["bulk-0000"] },
  refresh_trends: { functions: ["bulk-0000"] },
  // From the main window the tail commands answer "not a tail window"; no window opens.
  open_tail_window: { functions: [] },
  tail_setup: {},
  start_tail: { filter: "", sinceSeconds: 60, polling: false, batches: null },
  stop_tail: {},
  clear_tail: {},
  export_tail: { path: "/tmp/never-written.ndjson", format: "ndjson", only: null, progress: null },
  close_tail_window: {},
  tail_buffer_lines: {},
  set_tail_buffer_lines: { lines: 100000 },
  list_profiles: {},
  // Saving the profile again without keys keeps the keys in the keyring.
  save_profile: {
    originalName: "vault",
    profile: {
      name: "vault",
      region: "us-east-1",
      endpoint_url: null, // replaced in the test by the local AWS
      source: "keyring",
      aws_cli_profile: null,
      access_key_id: null,
      secret_access_key: null,
      session_token: null,
    },
  },
  remove_profile: { name: "no-such-profile" },
  test_profile: { name: "vault" },
  // Clearing a mark the profile does not have: the answer is the profile, unchanged.
  set_profile_read_only: { name: "vault", readOnly: false },
  preferences: {},
  set_appearance: { appearance: "system" },
  record_palette_pick: { id: "function:bulk-0000" },
  local_data: {},
  clear_local_data: { scope: { profile: "no-such-profile", region: "eu-west-1" } },
  running_streams: {},
};

/** Answers that are errors on purpose (the scan still reads them). */
const EXPECTED_ERRORS = [
  "list_shared_events",
  "publish_shared_event",
  "delete_shared_event",
  "publish_version",
  "set_alias",
  "remove_alias",
  "deploy_code",
  "download_code",
  "export_chart",
  "open_tail_window",
  "tail_setup",
  "start_tail",
  "clear_tail",
  "export_tail",
  "close_tail_window",
  "remove_profile",
];

/**
 * Calls the given commands one after another, as the UI does, and returns each answer as
 * JSON. (Tauri makes `invoke` read-only, so answers cannot be intercepted in place;
 * asking again with the same state returns what the UI got.)
 */
const CALL_COMMANDS = `
  const [calls, done] = [arguments[0], arguments[arguments.length - 1]];
  const internals = window.__TAURI_INTERNALS__;
  (async () => {
    const answers = [];
    for (let [cmd, args] of calls) {
      for (const channel of ["progress", "chunks", "batches"].filter((key) => key in args)) {
        // What a Channel is on the wire: a callback id the backend streams to. What it
        // streams is scanned too.
        const id = internals.transformCallback((message) =>
          answers.push(JSON.stringify({ cmd, channel: message })),
        );
        args = { ...args, [channel]: "__CHANNEL__:" + id };
      }
      answers.push(
        await internals.invoke(cmd, args).then(
          (result) => JSON.stringify({ cmd, result }),
          (error) => JSON.stringify({ cmd, error }),
        ),
      );
    }
    // A channel's last messages may arrive just after its command's answer.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return answers;
  })().then(done, (error) => done([String(error)]));`;

async function fill(session, field, value) {
  const input = await session.find(`[data-testid=field-${field}]`);
  await input.clear();
  if (value) await input.type(value);
}

async function fieldError(session, field) {
  const [element] = await session.findAll(`[data-testid=field-error-${field}]`);
  return element ? element.text() : null;
}

function filesUnder(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() && statSync(path).size < 64 * 1024 * 1024 ? [path] : [];
  });
}

describe("profiles in Settings", { timeout: 240_000 }, () => {
  let localAws;
  let app;
  const dataDir = mkdtempSync(join(tmpdir(), "lambda-deck-e2e-data-"));

  before(async () => {
    assert.ok(process.env.LDECK_TEST_KEYRING, "run under scripts/with-test-keyring.sh (make e2e)");
    localAws = await startLocalAws({ seed: "empty", bulk: 5 });
    // "Open in AWS console" is among the commands called: the browser is a no-op here.
    app = await launchApp({ ...localAws.env, LDECK_DATA_DIR: dataDir, BROWSER: "/bin/true" });
    await app.session.waitFor("the first list", async () => (await app.session.findAll("[data-testid=function-count]")).length);
  });

  after(async () => {
    await app?.stop();
    await localAws?.stop();
  });

  it("flags bad input at each field and saves nothing", async () => {
    const { session } = app;
    await (await session.find("[data-testid=open-settings]")).click();
    await (await session.find("[data-testid=add-profile]")).click();
    await fill(session, "name", "");
    await fill(session, "region", "moon-1");
    await fill(session, "endpoint_url", "localhost:4566");
    await fill(session, "access_key_id", "not a key");
    await (await session.find("[data-testid=save-profile]")).click();

    await session.waitFor("the field errors", () => fieldError(session, "name"));
    assert.equal(await fieldError(session, "name"), "Enter a profile name.");
    assert.match(await fieldError(session, "region"), /"moon-1" is not an AWS region/);
    assert.match(await fieldError(session, "endpoint_url"), /must start with http:\/\/ or https:\/\//);
    assert.match(await fieldError(session, "access_key_id"), /12 to 128 capital letters and digits/);
    assert.equal(await fieldError(session, "secret_access_key"), "Enter the secret access key.");
    // What the user typed is still there.
    assert.equal(await selectedValue(session, "[data-testid=field-region]"), "moon-1");
    assert.equal((await session.findAll("[data-testid=profile-row][data-name=vault]")).length, 0);
    await saveScreenshot(session, "50-profile-form-errors");
  });

  it("adds a profile whose keys go to the keyring, tests it and switches to it", async () => {
    const { session } = app;
    await fill(session, "name", "vault");
    await fill(session, "region", "us-east-1");
    await fill(session, "endpoint_url", localAws.env.LDECK_LOCAL_AWS_ENDPOINT);
    await fill(session, "access_key_id", "000000000000");
    await fill(session, "secret_access_key", PLANTED_SECRET);
    await (await session.find("[data-testid=save-profile]")).click();

    const row = await session.waitFor("the new profile", async () => {
      const [element] = await session.findAll("[data-testid=profile-row][data-name=vault]");
      return element ?? null;
    });
    assert.match(await row.text(), /keys in keyring …0000/);
    await (await session.find("[data-testid=profile-row][data-name=vault] [data-testid=test-profile]")).click();
    const result = await session.waitFor("the test result", async () => {
      const [element] = await session.findAll("[data-testid=profile-row][data-name=vault] [data-testid=test-result]");
      return element ? element.text() : null;
    });
    assert.equal(result, "OK: account 000000000000 in us-east-1");
    await saveScreenshot(session, "51-profile-added-and-tested");

    await (await session.find("[data-testid=close-settings]")).click();
    await session.execute(
      `const select = document.querySelector("[data-testid=profile-select]");
       select.value = "vault";
       select.dispatchEvent(new Event("change", { bubbles: true }));
       return true;`,
    );
    const count = await session.waitFor("the list of the vault profile", async () => {
      const [element] = await session.findAll("[data-testid=function-count]");
      const text = element ? await element.text() : "";
      return (await selectedValue(session, "[data-testid=profile-select]")) === "vault" && text === "5 functions"
        ? text
        : null;
    });
    assert.equal(count, "5 functions");
    await saveScreenshot(session, "52-switched-to-vault");
  });

  it("never lets the secret out of Rust, through any command of the registry", async () => {
    const { session } = app;
    const commands = registeredCommands();
    assert.deepEqual(commands, Object.keys(ARGUMENTS).sort(), "every registered command has arguments here");
    ARGUMENTS.save_profile.profile.endpoint_url = localAws.env.LDECK_LOCAL_AWS_ENDPOINT;
    ARGUMENTS.export_events.dir = join(dataDir, "exported-events");
    const responses = await session.executeAsync(CALL_COMMANDS, [Object.entries(ARGUMENTS)]);
    const answered = responses.map((r) => JSON.parse(r));
    assert.deepEqual(answered.filter((r) => !("channel" in r)).map((r) => r.cmd), Object.keys(ARGUMENTS), JSON.stringify(responses));
    assert.ok(answered.some((r) => r.cmd === "refresh_functions" && "channel" in r), "the refresh's progress was scanned");
    const failed = answered.filter((r) => "error" in r).map((r) => r.cmd);
    assert.deepEqual(failed, EXPECTED_ERRORS, JSON.stringify(responses));
    assert.ok(responses.some((r) => r.includes('"key_id_hint":"…0000"')), "list_profiles answered");
    assert.ok(responses.some((r) => r.includes('"account":"000000000000"')), "test_profile answered");
    const hits = responses.filter((response) => response.includes(PLANTED_SECRET));
    assert.deepEqual(hits, [], "an IPC response carried the secret");

    const home = process.env.HOME;
    const dirs = [dataDir, process.env.XDG_DATA_HOME, process.env.XDG_CONFIG_HOME, process.env.XDG_CACHE_HOME, join(home, ".config"), join(home, ".local")];
    const files = [...new Set(dirs.filter(Boolean).flatMap(filesUnder))]
      // The keyring's own file is where the secret belongs (encrypted).
      .filter((path) => !path.includes("/keyrings/"));
    assert.ok(files.some((path) => path.endsWith("lambda-deck.sqlite3")), `the store was scanned: ${files.length} files`);
    for (const path of files) {
      assert.ok(!readFileSync(path).includes(PLANTED_SECRET), `the secret is in ${path}`);
    }
    assert.ok(!app.output().includes(PLANTED_SECRET), "the secret is in the app's output");
  });

  it("marks a profile read-only in Settings, keeps the mark after reopening, then clears it", async () => {
    const { session } = app;
    const row = "[data-testid=profile-row][data-name=vault]";
    const toggle = `${row} [data-testid=read-only-toggle]`;
    const checked = () => session.execute("return document.querySelector(arguments[0])?.checked ?? null", [toggle]);
    const count = async (css) => (await session.findAll(css)).length;
    const rowBadge = `${row} [data-testid=read-only-badge]`;
    const switcherBadge = "[data-testid=connection] [data-testid=read-only-badge]";
    /** What the backend says, not the page: the mark is kept in the store. */
    const savedMark = () =>
      session.executeAsync(
        `const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke("list_profiles", {}).then(
           (profiles) => done(profiles.find((p) => p.name === "vault")?.read_only ?? null),
           (error) => done(String(error?.message ?? error)));`,
      );
    const openSettings = async () => {
      await (await session.find("[data-testid=open-settings]")).click();
      await session.waitFor("the vault profile in Settings", async () => ((await checked()) === null ? null : true));
    };

    // The window shows vault, so that the switcher shows its mark too. (A change event
    // must bubble: Svelte listens for it on the document.)
    await session.execute(
      `const select = document.querySelector("[data-testid=profile-select]");
       select.value = "vault";
       select.dispatchEvent(new Event("change", { bubbles: true }));
       return true;`,
    );
    await session.waitFor("the window on vault", () =>
      session.executeAsync(
        `const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke("active_connection", {}).then(
           (connection) => done(connection.profile === "vault" || null), () => done(null));`,
      ),
    );
    await openSettings();
    assert.equal(await checked(), false);
    assert.equal(await count(rowBadge), 0);
    assert.equal(await count(switcherBadge), 0);
    assert.match(
      await (await session.find(row)).text(),
      /Read-only\s+No changes are sent with this profile: configuration, code, versions and aliases are locked\./,
    );

    await (await session.find(toggle)).click();
    await session.waitFor("the row's read-only badge", async () => (await count(rowBadge)) || null);
    await session.waitFor("the switcher's read-only badge", async () => (await count(switcherBadge)) || null);
    assert.equal(await checked(), true);
    assert.equal(await savedMark(), true);
    assert.equal((await session.findAll("[data-testid=read-only-error]")).length, 0);
    assert.match(
      await session.execute(
        `return [...document.querySelectorAll("[data-testid=profile-select] option")].map((o) => o.textContent).join("|")`,
      ),
      /(^|\|)vault \(read-only\)(\||$)/,
    );
    await saveScreenshot(session, "56-profile-read-only");

    // Closed and opened again, Settings still shows the mark.
    await (await session.find("[data-testid=close-settings]")).click();
    await session.waitFor("Settings to close", async () => ((await count("[data-testid=settings]")) ? null : true));
    await openSettings();
    assert.equal(await checked(), true);
    assert.equal(await count(rowBadge), 1);

    await (await session.find(toggle)).click();
    await session.waitFor("the mark to clear", async () => ((await count(rowBadge)) ? null : true));
    await session.waitFor("the switcher's badge to go", async () => ((await count(switcherBadge)) ? null : true));
    assert.equal(await checked(), false);
    assert.equal(await savedMark(), false);
    await (await session.find("[data-testid=close-settings]")).click();
  });
});

describe("profiles without a system keyring", { timeout: 120_000 }, () => {
  let app;

  before(async () => {
    // No session bus: the Secret Service cannot be reached, as on a desktop without one.
    app = await launchApp({
      DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/lambda-deck-e2e-bus",
      AWS_CONFIG_FILE: "/dev/null",
      AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
      AWS_REGION: "eu-west-1",
      AWS_EC2_METADATA_DISABLED: "true",
    });
  });

  after(async () => {
    await app?.stop();
  });

  it("says so at the form, keeps what was typed and offers an AWS CLI profile instead", async () => {
    const { session } = app;
    // The window may still be mounting its page when the session opens.
    const settings = await session.waitFor("the Settings button", async () => (await session.findAll("[data-testid=open-settings]"))[0] ?? null);
    await settings.click();
    await (await session.find("[data-testid=add-profile]")).click();
    await fill(session, "name", "laptop");
    await fill(session, "region", "eu-west-1");
    await fill(session, "access_key_id", "AKIAE2ENOKEYRING0001");
    await fill(session, "secret_access_key", "typed-but-nowhere-to-keep");
    await (await session.find("[data-testid=save-profile]")).click();

    const error = await session.waitFor("the keyring error", async () => {
      const [element] = await session.findAll("[data-testid=form-error]");
      return element ?? null;
    });
    assert.equal(await error.attribute("data-code"), "keyring_unavailable");
    assert.match(await error.text(), /No system keyring is available\. Use an AWS CLI profile instead/);
    assert.equal(await selectedValue(session, "[data-testid=field-name]"), "laptop", "nothing typed is lost");
    assert.equal((await session.findAll("[data-testid=profile-row][data-name=laptop]")).length, 0, "nothing saved");
    await saveScreenshot(session, "55-no-keyring");

    await (await session.find("[data-testid=use-aws-cli-instead]")).click();
    await session.waitFor("the AWS CLI profile picker", async () =>
      (await session.findAll("[data-testid=field-aws_cli_profile]")).length || null,
    );
    assert.equal(await selectedValue(session, "[data-testid=field-name]"), "laptop");
  });
});

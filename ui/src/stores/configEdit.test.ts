import { describe, expect, it, vi } from "vitest";
import type { Answer } from "../lib/api";
import type {
  ApplyOutcome,
  ApplyProgress,
  ConfigCheck,
  ConfigConflict,
  ConfigDraft,
  ConfigEdit,
  ConfigurationSection,
  EditableConfig,
  EnvVar,
  FieldChange,
  FieldError,
  FunctionDetails,
  Side,
} from "../lib/bindings";
import {
  ConfigEditStore,
  OFFLINE_DRAFT_NOTE,
  VALUES_NOT_KEPT_NOTE,
  type ConfigEditApi,
  type ConfigEditHost,
  type Scheduler,
} from "./configEdit.svelte";
import { deferred, fail, ok, settle, summary } from "./fakes";

const AT = "2026-11-28T10:00:00Z";

function section(overrides: Partial<ConfigurationSection> = {}): ConfigurationSection {
  return {
    fetched_at: AT,
    summary: summary("orders"),
    role: null,
    code_size: null,
    code_sha256: null,
    version: "$LATEST",
    revision_id: "rev-1",
    ephemeral_storage_mb: 512,
    environment: [{ name: "DB_URL", value: "postgres://db" }],
    environment_error: null,
    layers: [],
    vpc: null,
    state_reason: null,
    last_update_status_reason: null,
    logging: null,
    tracing_mode: null,
    dead_letter_target: null,
    kms_key_arn: null,
    tags: { team: "payments" },
    reserved_concurrency: null,
    ...overrides,
  };
}

function details(config: ConfigurationSection): FunctionDetails {
  return {
    function_name: config.summary.function_name,
    configuration: config,
    aliases: null,
    versions: null,
    event_source_mappings: null,
    refresh_errors: [],
  };
}

/** The core's flat view of a configuration, as far as these tests need it. */
function flat(config: EditableConfig): Map<string, { value: string | null; secret: boolean }> {
  const out = new Map<string, { value: string | null; secret: boolean }>();
  out.set("description", { value: config.description || null, secret: false });
  out.set("handler", { value: config.handler, secret: false });
  out.set("runtime", { value: config.runtime, secret: false });
  out.set("memory_mb", { value: String(config.memory_mb), secret: false });
  out.set("timeout_seconds", { value: String(config.timeout_seconds), secret: false });
  out.set("logging.log_format", { value: config.logging.log_format, secret: false });
  out.set("reserved_concurrency", { value: config.reserved_concurrency?.toString() ?? null, secret: false });
  for (const v of config.environment.filter((v) => v.name)) out.set(`env:${v.name}`, { value: v.value, secret: true });
  for (const t of config.tags.filter((t) => t.key)) out.set(`tag:${t.key}`, { value: t.value, secret: false });
  return out;
}

function diff(base: EditableConfig, desired: EditableConfig): FieldChange[] {
  const [before, after] = [flat(base), flat(desired)];
  const fields = [...new Set([...before.keys(), ...after.keys()])];
  return fields
    .filter((f) => before.get(f)?.value !== after.get(f)?.value)
    .map((field) => ({
      field,
      label: field,
      old: before.get(field)?.value ?? null,
      new: after.get(field)?.value ?? null,
      secret: (after.get(field) ?? before.get(field))!.secret,
    }));
}

/** A few of the core's rules, each at its field. */
function check(config: EditableConfig): ConfigCheck {
  const errors: FieldError[] = [];
  const warnings: FieldError[] = [];
  if (config.memory_mb < 128 || config.memory_mb > 10240) errors.push({ field: "memory_mb", message: "Memory is 128 to 10,240 MB." });
  config.environment.forEach((v, i) => {
    if ((v.name || v.value) && !/^[A-Za-z][A-Za-z0-9_]+$/.test(v.name)) errors.push({ field: `env.${i}.name`, message: "Bad name." });
  });
  if (config.runtime === "python3.8") warnings.push({ field: "runtime", message: "python3.8 is deprecated." });
  const bytes = config.environment.reduce((n, v) => n + v.name.length + v.value.length, 0);
  return { errors, warnings, environment_bytes: bytes, environment_limit_bytes: 4096 };
}

/** What the core's `editable_config` answers for these sections (the fields they vary). */
function editableOf(config: ConfigurationSection): EditableConfig {
  return {
    description: config.summary.description ?? "",
    handler: config.summary.handler,
    runtime: config.summary.runtime,
    memory_mb: config.summary.memory_size ?? 128,
    timeout_seconds: config.summary.timeout ?? 3,
    ephemeral_storage_mb: config.ephemeral_storage_mb ?? 512,
    environment: config.environment.map((v) => ({ ...v })),
    tracing_mode: config.tracing_mode ?? "PassThrough",
    logging: { log_format: "Text", application_log_level: null, system_log_level: null, log_group: "/aws/lambda/orders" },
    tags: Object.entries(config.tags).map(([key, value]) => ({ key, value })),
    reserved_concurrency: config.reserved_concurrency,
  };
}

function fakeApi(saved: ConfigurationSection = section()) {
  return {
    editableConfig: vi.fn(async (config: ConfigurationSection) => editableOf(config)),
    checkConfig: vi.fn(async (config: EditableConfig) => check(config)),
    configChanges: vi.fn(async (base: EditableConfig, desired: EditableConfig) => diff(base, desired)),
    applyConfig: vi.fn(
      async (edit: ConfigEdit, onProgress: (step: ApplyProgress) => void): Promise<Answer<ApplyOutcome>> => {
        onProgress({ step: "updating", message: "Sending the new configuration…" });
        return ok({ kind: "applied", status: "Successful", reason: null, revision_id: "rev-2", changes: diff(edit.base, edit.desired) });
      },
    ),
    resolveConfigConflict: vi.fn(
      async (conflict: ConfigConflict, choices: Record<string, Side>): Promise<Answer<ConfigEdit>> => {
        // Mine where chosen, else what is on AWS now (memory is all these tests choose on).
        const desired = { ...conflict.current };
        if (choices.memory_mb === "mine") desired.memory_mb = conflict.desired.memory_mb;
        return ok({ function_name: conflict.function_name, base_revision_id: conflict.current_revision_id, base: conflict.current, desired });
      },
    ),
    mergeEnvText: vi.fn(async (existing: EnvVar[], text: string): Promise<Answer<EnvVar[]>> => {
      const merged = [...existing];
      for (const [i, line] of text.split("\n").entries()) {
        const at = line.indexOf("=");
        if (at < 1) {
          const message = `Line ${i + 1} is not KEY=VALUE.`;
          return { status: "error", error: { code: "invalid_input", message, fields: [{ field: "env_import", message }] } };
        }
        merged.push({ name: line.slice(0, at), value: line.slice(at + 1) });
      }
      return ok(merged);
    }),
    saveConfigDraft: vi.fn(async (edit: ConfigEdit): Promise<Answer<ConfigDraft>> => ok({ edit, saved_at: AT, values_kept: true })),
    configDraft: vi.fn(async (_name: string): Promise<Answer<ConfigDraft | null>> => ok(null)),
    discardConfigDraft: vi.fn(async (_name: string): Promise<Answer<null>> => ok(null)),
    cachedFunctionDetails: vi.fn(async (_name: string): Promise<Answer<FunctionDetails | null>> => ok(details(saved))),
  };
}

type FakeApi = ReturnType<typeof fakeApi>;

function fakeHost(saved: ConfigurationSection = section(), fresh: ConfigurationSection = saved) {
  const host = {
    shown: details(saved) as FunctionDetails | null,
    isOffline: false,
    readOnly: false,
    details: () => host.shown,
    refreshDetails: vi.fn(async () => {
      host.shown = details(fresh);
    }),
    showDetails: vi.fn((d: FunctionDetails) => {
      host.shown = d;
    }),
    reloadList: vi.fn(async () => {}),
    offline: () => host.isOffline,
    profile: () => ({ name: "work", readOnly: host.readOnly }),
    scope: () => "work\u0000eu-west-1",
  };
  return host;
}

/** Checks run as soon as asked, unless the test holds them to count frames. */
const immediately: Scheduler = (run) => run();

function editor(api: FakeApi = fakeApi(), host = fakeHost(), schedule: Scheduler = immediately) {
  const store = new ConfigEditStore(api as unknown as ConfigEditApi, host satisfies ConfigEditHost, schedule);
  return { store, api, host };
}

/** A store editing `orders`, its first check done. */
async function editing(api: FakeApi = fakeApi(), host = fakeHost()) {
  const t = editor(api, host);
  await t.store.open("orders");
  await t.store.startEdit();
  await settle();
  return t;
}

/** A store showing the review of memory 256 MB. */
async function reviewing(api?: FakeApi, host?: ReturnType<typeof fakeHost>) {
  const t = await editing(api, host);
  t.store.set("memory_mb", "256");
  await settle();
  await t.store.review();
  return t;
}

describe("editing a configuration", () => {
  it("starts from the details fetched again when online, with their revision", async () => {
    const fresh = section({ revision_id: "rev-fresh", summary: { ...summary("orders"), memory_size: 512 } });
    const host = fakeHost(section({ environment_error: "Values were not saved." }), fresh);
    const api = fakeApi();
    const { store } = await editing(api, host);
    expect(host.refreshDetails).toHaveBeenCalledTimes(1);
    expect(store.mode).toBe("edit");
    expect(api.editableConfig).toHaveBeenCalledWith(fresh);
    expect(store.base).toEqual(editableOf(fresh));
    expect(store.baseRevisionId).toBe("rev-fresh");
    expect(store.form.memory_mb).toBe("512");
    expect(store.form.environment).toEqual([{ name: "DB_URL", value: "postgres://db" }]);
    expect(store.environmentNote).toBeNull();
  });

  it("starts from the saved details offline, saying when their values were not saved", async () => {
    const host = fakeHost(section({ environment_error: "Values were not saved." }));
    host.isOffline = true;
    const { store } = await editing(fakeApi(), host);
    expect(host.refreshDetails).not.toHaveBeenCalled();
    expect(store.baseRevisionId).toBe("rev-1");
    expect(store.environmentNote).toBe("Values were not saved.");
  });

  it("shows the core's errors and warnings at their fields as the user types, keeping what was typed", async () => {
    const { store, api } = await editing();
    store.set("memory_mb", "64");
    store.setEnv(0, "name", "1BAD");
    store.set("runtime", "python3.8");
    await settle();
    expect(store.errorsAt("memory_mb")).toEqual(["Memory is 128 to 10,240 MB."]);
    expect(store.errorsAt("env.0.name")).toEqual(["Bad name."]);
    expect(store.warningsAt("runtime")).toEqual(["python3.8 is deprecated."]);
    expect(store.form.memory_mb).toBe("64");
    expect(store.form.environment[0].name).toBe("1BAD");
    expect(api.checkConfig).toHaveBeenLastCalledWith(expect.objectContaining({ memory_mb: 64, runtime: "python3.8" }));
  });

  it("says at the field when a number is not one, without asking the core about it", async () => {
    const { store, api } = await editing();
    store.set("timeout_seconds", "3 s");
    await settle();
    expect(store.errorsAt("timeout_seconds")).toEqual(["Enter a whole number."]);
    expect(api.checkConfig).toHaveBeenLastCalledWith(expect.objectContaining({ timeout_seconds: 3 }));
    expect(store.reviewBlocked).not.toBeNull();
  });

  it("checks at most once per frame, however fast the user types", async () => {
    const frames: (() => void)[] = [];
    const t = editor(fakeApi(), fakeHost(), (run) => void frames.push(run));
    await t.store.open("orders");
    await t.store.startEdit();
    await settle();
    t.api.checkConfig.mockClear();
    for (const text of ["a", "ab", "abc"]) t.store.set("description", text);
    expect(frames).toHaveLength(1);
    expect(t.store.checking).toBe(true);
    frames.shift()!();
    await settle();
    expect(t.api.checkConfig).toHaveBeenCalledTimes(1);
    expect(t.api.checkConfig).toHaveBeenCalledWith(expect.objectContaining({ description: "abc" }));
    expect(t.store.checking).toBe(false);
  });

  it("drops a check answered after a newer one", async () => {
    const { store, api } = await editing();
    const late = deferred<ConfigCheck>();
    api.checkConfig.mockImplementationOnce(() => late.promise);
    store.set("memory_mb", "64");
    store.set("memory_mb", "256");
    await settle();
    late.resolve({ errors: [{ field: "memory_mb", message: "Stale." }], warnings: [], environment_bytes: 0, environment_limit_bytes: 4096 });
    await settle();
    expect(store.errorsAt("memory_mb")).toEqual([]);
    expect(store.checking).toBe(false);
    expect(store.reviewBlocked).toBeNull();
  });

  it("offers the review only with changes and without errors", async () => {
    const { store } = await editing();
    expect(store.reviewBlocked).toBe("Nothing is changed yet.");
    store.set("memory_mb", "64");
    await settle();
    expect(store.reviewBlocked).toBe("Fix the fields marked in red first.");
    store.set("memory_mb", "256");
    await settle();
    expect(store.reviewBlocked).toBeNull();
    await store.review();
    expect(store.mode).toBe("review");
    expect(store.reviewChanges).toEqual([{ field: "memory_mb", label: "memory_mb", old: "128", new: "256", secret: false }]);
  });

  it("adds, removes and reveals environment rows, a reveal following its row", async () => {
    const { store } = await editing();
    store.addEnv();
    store.setEnv(1, "name", "API_KEY");
    store.addEnv();
    expect(store.isRevealed(0)).toBe(false);
    expect(store.isRevealed(2)).toBe(true);
    store.removeEnv(1);
    expect(store.form.environment.map((v) => v.name)).toEqual(["DB_URL", ""]);
    expect(store.isRevealed(1)).toBe(true);
    store.toggleRevealAll();
    expect(store.isRevealed(0)).toBe(true);
  });

  it("asks before cancelling changes, not when nothing changed", async () => {
    const { store } = await editing();
    store.cancel();
    expect(store.mode).toBe("view");
    await store.startEdit();
    await settle();
    store.addTag();
    store.setTag(1, "key", "env");
    await settle();
    store.cancel();
    expect(store.confirmingCancel).toBe(true);
    expect(store.mode).toBe("edit");
    store.confirmCancel();
    expect(store.mode).toBe("view");
  });
});

describe("pasting and importing variables", () => {
  it("merges KEY=VALUE lines into the environment and closes the dialog", async () => {
    const { store, api } = await editing();
    store.openPaste();
    expect(await store.mergeEnv("API_KEY=abc")).toBe(true);
    expect(api.mergeEnvText).toHaveBeenCalledWith([{ name: "DB_URL", value: "postgres://db" }], "API_KEY=abc");
    expect(store.form.environment.map((v) => v.name)).toEqual(["DB_URL", "API_KEY"]);
    expect(store.pasting).toBe(false);
  });

  it("shows a line it cannot read at env_import and changes nothing", async () => {
    const { store } = await editing();
    store.openPaste();
    expect(await store.mergeEnv("OK=1\nnot a variable")).toBe(false);
    expect(store.errorsAt("env_import")).toEqual(["Line 2 is not KEY=VALUE."]);
    expect(store.form.environment).toHaveLength(1);
    expect(store.pasting).toBe(true);
    // A failed import is not the edit's error: the review is not blocked by it.
    expect(store.errors).toEqual([]);
  });
});

describe("applying", () => {
  it("shows the progress, then Successful with the new revision; reloads what is shown and drops the draft", async () => {
    const after = section({ revision_id: "rev-2", summary: { ...summary("orders"), memory_size: 256 } });
    const api = fakeApi(after);
    const answer = deferred<Answer<ApplyOutcome>>();
    api.applyConfig.mockImplementation(async (_edit, onProgress) => {
      onProgress({ step: "in_progress", message: "Lambda is applying the update…" });
      return answer.promise;
    });
    const { store, host } = await reviewing(api);
    const applying = store.apply();
    expect(store.mode).toBe("applying");
    expect(store.progress?.message).toBe("Lambda is applying the update…");
    answer.resolve(ok({ kind: "applied", status: "Successful", reason: null, revision_id: "rev-2", changes: [] }));
    await applying;
    expect(store.applyStatus).toEqual({ ok: true, text: "Successful (revision rev-2)" });
    expect(api.discardConfigDraft).toHaveBeenCalledWith("orders");
    expect(api.cachedFunctionDetails).toHaveBeenCalledWith("orders");
    expect(host.showDetails).toHaveBeenCalledWith(details(after));
    expect(host.reloadList).toHaveBeenCalled();
    expect(store.mode).toBe("view");
    expect(store.progress).toBeNull();
  });

  it("shows a failed update with its reason and keeps the edit", async () => {
    const api = fakeApi();
    api.applyConfig.mockResolvedValue(ok({ kind: "applied", status: "Failed", reason: "Layer not found.", revision_id: "rev-2", changes: [] }));
    const { store } = await reviewing(api);
    await store.apply();
    expect(store.applyStatus).toEqual({ ok: false, text: "Failed: Layer not found." });
    expect(store.mode).toBe("edit");
    expect(store.form.memory_mb).toBe("256");
    expect(api.discardConfigDraft).not.toHaveBeenCalled();
  });

  it("says when there is nothing to apply", async () => {
    const api = fakeApi();
    api.applyConfig.mockResolvedValue(ok({ kind: "nothing_to_apply" }));
    const { store } = await reviewing(api);
    await store.apply();
    expect(store.notice).toBe("Nothing to apply: the function already has these settings.");
    expect(store.mode).toBe("edit");
  });

  it("puts the core's field errors back at their fields, until the next change", async () => {
    const api = fakeApi();
    const message = "Memory is too much for this account.";
    api.applyConfig.mockResolvedValue({ status: "error", error: { code: "invalid_input", message, fields: [{ field: "memory_mb", message }] } });
    const { store } = await reviewing(api);
    await store.apply();
    expect(store.mode).toBe("edit");
    expect(store.errorsAt("memory_mb")).toEqual([message]);
    store.set("memory_mb", "200");
    await settle();
    expect(store.errorsAt("memory_mb")).toEqual([]);
  });

  it("keeps the edit as a draft when AWS cannot be reached", async () => {
    const api = fakeApi();
    api.applyConfig.mockResolvedValue(fail("network", "Cannot reach AWS at lambda.eu-west-1.amazonaws.com."));
    const { store } = await reviewing(api);
    await store.apply();
    expect(store.error?.code).toBe("network");
    expect(api.saveConfigDraft).toHaveBeenCalledWith(
      expect.objectContaining({ function_name: "orders", base_revision_id: "rev-1", desired: expect.objectContaining({ memory_mb: 256 }) }),
    );
    expect(store.draft?.edit.desired.memory_mb).toBe(256);
    expect(store.notice).toMatch(/kept as a draft/);
    expect(store.mode).toBe("review");
  });

  it("keeps the edit as a draft when AWS could not be reached after the user moved to another function", async () => {
    const api = fakeApi();
    let answer: (value: Awaited<ReturnType<typeof api.applyConfig>>) => void = () => {};
    api.applyConfig.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    const { store } = await reviewing(api);
    const applying = store.apply();
    await store.open("payments");
    answer(fail("network", "Cannot reach AWS at lambda.eu-west-1.amazonaws.com."));
    await applying;
    expect(api.saveConfigDraft).toHaveBeenCalledWith(
      expect.objectContaining({ function_name: "orders", desired: expect.objectContaining({ memory_mb: 256 }) }),
    );
    expect(store.functionName).toBe("payments");
    expect(store.error).toBeNull();
  });

  it("shows any other error and keeps the edit to apply again", async () => {
    const api = fakeApi();
    api.applyConfig.mockResolvedValue(fail("throttled", "Slow down."));
    const { store } = await reviewing(api);
    await store.apply();
    expect(store.error?.message).toBe("Slow down.");
    expect(store.mode).toBe("review");
    expect(api.saveConfigDraft).not.toHaveBeenCalled();
  });
});

describe("a conflict", () => {
  function conflictOf(edit: ConfigEdit): ConfigConflict {
    const current = { ...edit.base, memory_mb: 1024, timeout_seconds: 30 };
    return {
      function_name: "orders",
      base: edit.base,
      current,
      desired: edit.desired,
      current_revision_id: "rev-theirs",
      fields: [
        { field: "memory_mb", label: "Memory (MB)", base: "128", current: "1024", desired: "256", secret: false, both_changed: true, suggested: "mine" },
        { field: "timeout_seconds", label: "Timeout (s)", base: "3", current: "30", desired: "3", secret: false, both_changed: false, suggested: "theirs" },
      ],
    };
  }

  it("preselects the suggested sides, and the choices become an edit against what AWS has now, reviewed again", async () => {
    const api = fakeApi();
    api.applyConfig.mockImplementationOnce(async (edit) => ok({ kind: "conflict", conflict: conflictOf(edit) }));
    const { store } = await reviewing(api);
    await store.apply();
    expect(store.mode).toBe("conflict");
    expect(store.choices).toEqual({ memory_mb: "mine", timeout_seconds: "theirs" });
    store.choose("timeout_seconds", "theirs");
    await store.resolveConflict();
    expect(api.resolveConfigConflict).toHaveBeenCalledWith(expect.objectContaining({ current_revision_id: "rev-theirs" }), {
      memory_mb: "mine",
      timeout_seconds: "theirs",
    });
    expect(store.mode).toBe("review");
    expect(store.baseRevisionId).toBe("rev-theirs");
    expect(store.base?.timeout_seconds).toBe(30);
    expect(store.reviewChanges).toEqual([{ field: "memory_mb", label: "memory_mb", old: "1024", new: "256", secret: false }]);
    await store.apply();
    expect(api.applyConfig).toHaveBeenLastCalledWith(
      expect.objectContaining({ base_revision_id: "rev-theirs", desired: expect.objectContaining({ memory_mb: 256, timeout_seconds: 30 }) }),
      expect.any(Function),
    );
    expect(store.applyStatus?.ok).toBe(true);
  });
});

describe("a read-only profile", () => {
  it("locks editing with a message saying which profile", async () => {
    const host = fakeHost();
    host.readOnly = true;
    const { store } = editor(fakeApi(), host);
    await store.open("orders");
    await store.startEdit();
    expect(store.locked).toBe(true);
    expect(store.mode).toBe("view");
    expect(store.lockMessage).toBe('Profile "work" is read-only: editing is locked.');
  });

  it("locks the form when the core refuses the write, keeping what was typed", async () => {
    const api = fakeApi();
    api.applyConfig.mockResolvedValue(fail("read_only", 'Profile "work" is read-only.'));
    const { store } = await reviewing(api);
    await store.apply();
    expect(store.locked).toBe(true);
    expect(store.mode).toBe("edit");
    store.set("memory_mb", "512");
    expect(store.form.memory_mb).toBe("256");
  });
});

describe("drafts", () => {
  const draftEdit = (): ConfigEdit => {
    const base = editableOf(section());
    return { function_name: "orders", base_revision_id: "rev-0", base, desired: { ...base, memory_mb: 2048 } };
  };

  it("saves the reviewed edit as a draft when offline, and goes back to the view", async () => {
    const host = fakeHost();
    const { store, api } = await reviewing(fakeApi(), host);
    host.isOffline = true;
    expect(store.offline).toBe(true);
    expect(OFFLINE_DRAFT_NOTE).toMatch(/^Offline: /);
    await store.saveDraft(true);
    expect(api.saveConfigDraft).toHaveBeenCalledWith(expect.objectContaining({ base_revision_id: "rev-1" }));
    expect(store.draft?.edit.desired.memory_mb).toBe(256);
    expect(store.mode).toBe("view");
    expect(api.applyConfig).not.toHaveBeenCalled();
  });

  it("saves a draft while editing and stays in the form, saying when values could not be kept", async () => {
    const api = fakeApi();
    api.saveConfigDraft.mockImplementation(async (edit: ConfigEdit) => ok({ edit, saved_at: AT, values_kept: false }));
    const { store } = await editing(api);
    store.set("description", "later");
    await settle();
    await store.saveDraft();
    expect(store.mode).toBe("edit");
    expect(store.draft?.edit.desired.description).toBe("later");
    expect(store.notice).toBe("Draft saved. Environment values were not kept (no system keyring).");
  });

  it("shows a saved draft, and Continue edits it from its own base and revision", async () => {
    const api = fakeApi();
    api.configDraft.mockResolvedValue(ok({ edit: draftEdit(), saved_at: AT, values_kept: false }));
    const { store, host } = editor(api);
    await store.open("orders");
    expect(store.draft?.edit.base_revision_id).toBe("rev-0");
    store.continueDraft();
    await settle();
    expect(host.refreshDetails).not.toHaveBeenCalled();
    expect(store.mode).toBe("edit");
    expect(store.baseRevisionId).toBe("rev-0");
    expect(store.form.memory_mb).toBe("2048");
    expect(store.changeCount).toBe(1);
    expect(store.environmentNote).toBe(VALUES_NOT_KEPT_NOTE);
  });

  it("discards a draft", async () => {
    const api = fakeApi();
    api.configDraft.mockResolvedValue(ok({ edit: draftEdit(), saved_at: AT, values_kept: true }));
    const { store } = editor(api);
    await store.open("orders");
    await store.discardDraft();
    expect(api.discardConfigDraft).toHaveBeenCalledWith("orders");
    expect(store.draft).toBeNull();
  });

  it("keeps a changed edit as a draft when the user goes to another function", async () => {
    const { store, api } = await editing();
    store.set("description", "typed, not applied");
    await settle();
    await store.open("payments");
    expect(api.saveConfigDraft).toHaveBeenCalledWith(
      expect.objectContaining({ function_name: "orders", desired: expect.objectContaining({ description: "typed, not applied" }) }),
    );
    expect(store.functionName).toBe("payments");
    expect(store.mode).toBe("view");
    expect(api.configDraft).toHaveBeenLastCalledWith("payments");
  });
});

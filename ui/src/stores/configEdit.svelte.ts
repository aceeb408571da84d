// Editing a function's configuration: the form over the settings it started from (fresh
// from AWS when online), checked by the core as it is typed; the review of the changes;
// applying with the revision it started from, and its outcome (a conflict to decide, a
// draft kept when AWS cannot be reached); drafts kept for later. The core does the rules,
// the diff and the apply: this store only holds what the tab shows and calls it.
import { api, type Api } from "../lib/api";
import type {
  ApplyOutcome,
  ApplyProgress,
  ConfigCheck,
  ConfigConflict,
  ConfigDraft,
  ConfigEdit,
  EditableConfig,
  ErrorPayload,
  FieldChange,
  FieldError,
  FunctionDetails,
  Side,
} from "../lib/bindings";
import { configOf, formOf, isImageFunction, type ConfigForm } from "../lib/configFields";
import { isReadOnly } from "../lib/profileForm";
import type { AppStore } from "./app.svelte";

export type ConfigEditApi = Pick<
  Api,
  | "editableConfig"
  | "checkConfig"
  | "configChanges"
  | "applyConfig"
  | "resolveConfigConflict"
  | "mergeEnvText"
  | "saveConfigDraft"
  | "configDraft"
  | "discardConfigDraft"
  | "cachedFunctionDetails"
>;

/** What the edit needs from the rest of the window. */
export type ConfigEditHost = {
  /** The pane's details of the selected function (saved, or fresh). */
  details(): FunctionDetails | null;
  /** Fetches the selected function's details from AWS into the pane. */
  refreshDetails(): Promise<void>;
  /** Puts details the core saved into the pane (if it still shows that function). */
  showDetails(details: FunctionDetails): void;
  /** Shows the saved function list again (an applied edit changed a row). */
  reloadList(): Promise<void>;
  /** AWS could not be reached at the last try (the status line says "Offline"). */
  offline(): boolean;
  /** The window's profile, and whether it is read-only. */
  profile(): { name: string; readOnly: boolean } | null;
  /** The window's profile and region: a function of the same name elsewhere is another. */
  scope(): string;
};

/** Runs `check` later, at most once per frame however often it is asked. */
export type Scheduler = (check: () => void) => void;

const nextFrame: Scheduler = (check) => {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => check());
  else setTimeout(check, 16);
};

export type EditMode = "view" | "opening" | "edit" | "review" | "applying" | "conflict";

export const OFFLINE_DRAFT_NOTE = "Offline: the edit is kept as a draft and applied when you are back online.";
export const VALUES_NOT_KEPT_NOTE = "Environment values were not kept (no system keyring): type them again.";

function emptyForm(): ConfigForm {
  return {
    description: "",
    handler: "",
    runtime: "",
    memory_mb: "",
    timeout_seconds: "",
    ephemeral_storage_mb: "",
    tracing_mode: "PassThrough",
    log_format: "Text",
    application_log_level: "",
    system_log_level: "",
    log_group: "",
    reserve_concurrency: false,
    reserved_concurrency: "",
    environment: [],
    tags: [],
  };
}

export class ConfigEditStore {
  functionName = $state<string | null>(null);
  mode = $state<EditMode>("view");

  /** The settings the edit started from, and their revision. */
  base = $state.raw<EditableConfig | null>(null);
  baseRevisionId = $state<string | null>(null);
  form = $state<ConfigForm>(emptyForm());
  /** Why environment values may be missing from the form (not saved, not kept). */
  environmentNote = $state<string | null>(null);

  /** The core's check of what the form means, and how many settings it changes. */
  check = $state.raw<ConfigCheck | null>(null);
  changeCount = $state(0);
  /** A change is waiting for its check. */
  checking = $state(false);
  /** Errors the core gave when applying (checked again as soon as anything changes). */
  serverErrors = $state.raw<FieldError[]>([]);
  /** Why pasted or imported variables could not be merged. */
  importError = $state<string | null>(null);
  pasting = $state(false);
  confirmingCancel = $state(false);
  /** Environment rows whose values are shown. */
  revealed = $state.raw<ReadonlySet<number>>(new Set());
  revealAll = $state(false);

  reviewChanges = $state.raw<FieldChange[]>([]);
  revealValues = $state(false);

  progress = $state.raw<ApplyProgress | null>(null);
  /** How the last apply ended: "Successful (revision …)" or "Failed: …". */
  applyStatus = $state.raw<{ ok: boolean; text: string } | null>(null);
  error = $state.raw<ErrorPayload | null>(null);
  notice = $state<string | null>(null);

  conflict = $state.raw<ConfigConflict | null>(null);
  choices = $state.raw<Record<string, Side>>({});
  revealConflict = $state(false);

  draft = $state.raw<ConfigDraft | null>(null);
  /** The core refused a write as read-only (the profile list may not say so yet). */
  refusedReadOnly = $state<string | null>(null);

  #parsed = $derived(this.base ? configOf(this.form, this.base) : null);
  /** What the form means: the settings to apply. */
  desired = $derived(this.#parsed?.config ?? null);
  /** A container image: no handler, no runtime. */
  image = $derived(this.base !== null && isImageFunction(this.base));
  /** Every error that blocks the review: the form's own, the core's check, the apply's. */
  errors = $derived.by(() => {
    const local = this.#parsed?.errors ?? [];
    const checked = (this.check?.errors ?? []).filter((e) => !local.some((l) => l.field === e.field));
    return [...local, ...checked, ...this.serverErrors];
  });

  #api: ConfigEditApi;
  #host: ConfigEditHost;
  #schedule: Scheduler;
  #scope: string | null = null;
  // Bumped when the function changes or the edit closes: late answers are dropped.
  #token = 0;
  // Bumped by every check: only the newest one's answer counts.
  #checks = 0;
  #checkQueued = false;

  constructor(commands: ConfigEditApi, host: ConfigEditHost, schedule: Scheduler = nextFrame) {
    this.#api = commands;
    this.#host = host;
    this.#schedule = schedule;
  }

  get offline(): boolean {
    return this.#host.offline();
  }

  /** Editing is locked: the profile is read-only (or the core said so). */
  get locked(): boolean {
    return this.#host.profile()?.readOnly === true || this.refusedReadOnly !== null;
  }

  get lockMessage(): string {
    const name = this.#host.profile()?.name ?? "";
    return `Profile "${name}" is read-only: editing is locked.`;
  }

  /** Whether the form holds anything the user would lose by cancelling. */
  get dirty(): boolean {
    return this.changeCount > 0 || this.checking;
  }

  /** Why "Review changes" is disabled, or null when it is not. */
  get reviewBlocked(): string | null {
    if (this.locked) return "Editing is locked.";
    if (this.checking || this.check === null) return "Checking…";
    if (this.errors.length > 0) return "Fix the fields marked in red first.";
    if (this.changeCount === 0) return "Nothing is changed yet.";
    return null;
  }

  errorsAt(field: string): string[] {
    const messages = this.errors.filter((e) => e.field === field).map((e) => e.message);
    if (field === "env_import" && this.importError) messages.push(this.importError);
    return messages;
  }

  warningsAt(field: string): string[] {
    return (this.check?.warnings ?? []).filter((w) => w.field === field).map((w) => w.message);
  }

  isRevealed(row: number): boolean {
    return this.revealAll || this.revealed.has(row);
  }

  /**
   * Shows the tab of `name`: its draft, if any. An edit with changes of the function
   * left behind is kept as its draft, so switching functions loses nothing.
   */
  async open(name: string) {
    const scope = this.#host.scope();
    if (scope === this.#scope && name === this.functionName) return;
    const leaving = this.#currentEdit();
    // Not while applying: the core has it. And a draft is kept in the window's scope:
    // after a profile switch it would land in the wrong one.
    const unsent = this.mode === "edit" || this.mode === "review" || this.mode === "conflict";
    if (leaving && unsent && this.changeCount > 0 && scope === this.#scope) void this.#api.saveConfigDraft(leaving);
    this.#scope = scope;
    this.#close();
    this.functionName = name;
    this.draft = null;
    this.applyStatus = null;
    this.error = null;
    this.notice = null;
    this.refusedReadOnly = null;
    const token = this.#token;
    const draft = await this.#api.configDraft(name);
    if (token !== this.#token) return;
    if (draft.status === "ok") this.draft = draft.data;
    else this.error = draft.error;
  }

  /**
   * Edit mode over the settings on AWS: fetched first when online (the saved copy may be
   * old, or lack environment values), else the saved ones.
   */
  async startEdit() {
    const name = this.functionName;
    if (name === null || this.locked || this.mode !== "view") return;
    const token = this.#token;
    this.mode = "opening";
    this.#clearMessages();
    if (!this.#host.offline()) await this.#host.refreshDetails();
    if (token !== this.#token || this.mode !== "opening") return;
    const details = this.#host.details();
    const section = details?.function_name === name ? details.configuration : null;
    if (!section) {
      this.mode = "view";
      this.notice = "The configuration has not been fetched yet: refresh, then edit.";
      return;
    }
    const base = await this.#api.editableConfig(section);
    if (token !== this.#token || this.mode !== "opening") return;
    void this.#begin(base, section.revision_id, formOf(base));
    this.environmentNote = section.environment_error;
  }

  /** Edit mode over the draft: its base and revision, what it wanted. */
  continueDraft() {
    const draft = this.draft;
    if (!draft || this.locked || this.mode !== "view") return;
    this.#clearMessages();
    void this.#begin(draft.edit.base, draft.edit.base_revision_id, formOf(draft.edit.desired));
    this.environmentNote = draft.values_kept ? null : VALUES_NOT_KEPT_NOTE;
  }

  async discardDraft() {
    const name = this.functionName;
    if (name === null) return;
    const discarded = await this.#api.discardConfigDraft(name);
    if (name !== this.functionName) return;
    if (discarded.status === "ok") this.draft = null;
    else this.error = discarded.error;
  }

  // ---- The form ------------------------------------------------------------------

  set<K extends keyof ConfigForm>(field: K, value: ConfigForm[K]) {
    if (!this.#editable()) return;
    this.form[field] = value;
    this.#changed();
  }

  setEnv(row: number, part: "name" | "value", value: string) {
    const variable = this.form.environment[row];
    if (!variable || !this.#editable()) return;
    variable[part] = value;
    this.#changed();
  }

  addEnv() {
    if (!this.#editable()) return;
    this.form.environment.push({ name: "", value: "" });
    // A new value is being typed: show it.
    this.revealed = new Set([...this.revealed, this.form.environment.length - 1]);
    this.#changed();
  }

  removeEnv(row: number) {
    if (!this.#editable()) return;
    this.form.environment.splice(row, 1);
    // Rows below move up, and their reveal with them.
    this.revealed = new Set([...this.revealed].filter((r) => r !== row).map((r) => (r > row ? r - 1 : r)));
    this.#changed();
  }

  toggleReveal(row: number) {
    const next = new Set(this.revealed);
    if (next.has(row)) next.delete(row);
    else next.add(row);
    this.revealed = next;
  }

  toggleRevealAll() {
    this.revealAll = !this.revealAll;
    if (!this.revealAll) this.revealed = new Set();
  }

  setTag(row: number, part: "key" | "value", value: string) {
    const tag = this.form.tags[row];
    if (!tag || !this.#editable()) return;
    tag[part] = value;
    this.#changed();
  }

  addTag() {
    if (!this.#editable()) return;
    this.form.tags.push({ key: "", value: "" });
    this.#changed();
  }

  removeTag(row: number) {
    if (!this.#editable()) return;
    this.form.tags.splice(row, 1);
    this.#changed();
  }

  openPaste() {
    this.importError = null;
    this.pasting = true;
  }

  closePaste() {
    this.pasting = false;
    this.importError = null;
  }

  /**
   * Merges pasted `KEY=VALUE` lines or a .env file's text into the environment (the
   * core parses it); true when merged. A line it cannot read is reported at `env_import`.
   */
  async mergeEnv(text: string): Promise<boolean> {
    if (!this.#editable()) return false;
    const token = this.#token;
    const merged = await this.#api.mergeEnvText($state.snapshot(this.form.environment), text);
    if (token !== this.#token || !this.#editable()) return false;
    if (merged.status === "error") {
      this.importError = merged.error.fields.find((f) => f.field === "env_import")?.message ?? merged.error.message;
      return false;
    }
    this.form.environment = merged.data.map((v) => ({ name: v.name, value: v.value }));
    this.revealed = new Set();
    this.pasting = false;
    this.#changed();
    return true;
  }

  /** Cancel: asks first when something was changed. */
  cancel() {
    const asking = this.mode === "edit" || this.mode === "review" || this.mode === "conflict";
    if (asking && this.dirty && !this.locked) this.confirmingCancel = true;
    else this.#close();
  }

  confirmCancel() {
    this.#close();
  }

  keepEditing() {
    this.confirmingCancel = false;
  }

  // ---- Review and apply ------------------------------------------------------------

  async review() {
    const [base, desired] = [this.base, this.desired];
    if (this.mode !== "edit" || this.reviewBlocked !== null || !base || !desired) return;
    const token = this.#token;
    const changes = await this.#api.configChanges(base, desired);
    if (!this.#stillEditing(token)) return;
    this.reviewChanges = changes;
    this.revealValues = false;
    this.#clearMessages();
    this.mode = "review";
  }

  backToEdit() {
    if (this.mode === "review") this.mode = "edit";
  }

  /** Applies the reviewed edit with its revision; the outcome decides what comes next. */
  async apply() {
    const edit = this.#currentEdit();
    if (this.mode !== "review" || !edit || this.locked) return;
    const token = this.#token;
    const scope = this.#scope;
    this.mode = "applying";
    this.progress = null;
    this.#clearMessages();
    const applied = await this.#api.applyConfig(edit, (step) => {
      if (token === this.#token) this.progress = step;
    });
    if (token !== this.#token) {
      // The user moved on while it ran. An edit that was not applied (a conflict, or
      // AWS out of reach) is kept as its function's draft, if still in the same scope.
      const notApplied = applied.status === "error" ? applied.error.code === "network" : applied.data.kind === "conflict";
      if (notApplied && scope === this.#scope) void this.#api.saveConfigDraft(edit);
      return;
    }
    if (applied.status === "error") await this.#applyRefused(applied.error, edit, token);
    else await this.#applied(applied.data, edit, token);
  }

  /** Keeps the edit as the function's draft; `close` goes back to the view (offline review). */
  async saveDraft(close = false) {
    const edit = this.#currentEdit();
    if (!edit) return;
    const token = this.#token;
    const saved = await this.#api.saveConfigDraft(edit);
    if (token !== this.#token) return;
    if (saved.status === "error") {
      this.error = saved.error;
      return;
    }
    this.draft = saved.data;
    this.error = null;
    const lost = saved.data.values_kept ? "" : " Environment values were not kept (no system keyring).";
    if (close) {
      this.#close();
      this.notice = `Kept as a draft: continue it when you are back online.${lost}`;
    } else {
      this.notice = `Draft saved.${lost}`;
    }
  }

  // ---- Conflict ----------------------------------------------------------------------

  choose(field: string, side: Side) {
    this.choices = { ...this.choices, [field]: side };
  }

  /**
   * The edit the choices make: against what is on AWS now and its revision, reviewed
   * again before it is applied.
   */
  async resolveConflict() {
    const conflict = this.conflict;
    if (this.mode !== "conflict" || !conflict) return;
    const token = this.#token;
    const resolved = await this.#api.resolveConfigConflict(conflict, this.choices);
    if (token !== this.#token || this.mode !== "conflict") return;
    if (resolved.status === "error") {
      this.error = resolved.error;
      return;
    }
    const edit = resolved.data;
    this.conflict = null;
    await this.#begin(edit.base, edit.base_revision_id, formOf(edit.desired));
    if (!this.#stillEditing(token) || !this.base || !this.desired) return;
    // The choices may combine into something the core refuses (the fields say what), or
    // the user typed meanwhile: both stay in the form.
    if (this.errors.length > 0 || this.checking) return;
    const changes = await this.#api.configChanges(this.base, this.desired);
    if (!this.#stillEditing(token)) return;
    this.reviewChanges = changes;
    this.revealValues = false;
    this.mode = "review";
  }

  // ---- Inside ------------------------------------------------------------------------

  async #applied(outcome: ApplyOutcome, edit: ConfigEdit, token: number) {
    if (outcome.kind === "nothing_to_apply") {
      this.notice = "Nothing to apply: the function already has these settings.";
      this.mode = "edit";
      return;
    }
    if (outcome.kind === "conflict") {
      this.conflict = outcome.conflict;
      this.choices = Object.fromEntries(outcome.conflict.fields.map((f) => [f.field, f.suggested]));
      this.revealConflict = false;
      this.mode = "conflict";
      return;
    }
    const successful = outcome.status === "Successful";
    this.applyStatus = successful
      ? { ok: true, text: `Successful${outcome.revision_id ? ` (revision ${outcome.revision_id})` : ""}` }
      : { ok: false, text: `Failed: ${outcome.reason ?? "Lambda gave no reason."}` };
    if (successful) {
      const discarded = await this.#api.discardConfigDraft(edit.function_name);
      if (token !== this.#token) return;
      if (discarded.status === "ok") this.draft = null;
    }
    // The core read the function back and saved it: show what AWS has now.
    await this.#reloadSaved(edit.function_name);
    if (token !== this.#token) return;
    if (successful) this.#close();
    else this.mode = "edit";
  }

  async #applyRefused(error: ErrorPayload, edit: ConfigEdit, token: number) {
    this.progress = null;
    switch (error.code) {
      case "invalid_input":
        this.serverErrors = error.fields;
        if (error.fields.length === 0) this.error = error;
        this.mode = "edit";
        return;
      case "read_only":
        this.refusedReadOnly = error.message;
        this.mode = "edit";
        return;
      case "network": {
        this.error = error;
        this.mode = "review";
        const saved = await this.#api.saveConfigDraft(edit);
        if (token !== this.#token) return;
        if (saved.status === "ok") {
          this.draft = saved.data;
          this.notice = "The edit is kept as a draft: apply it when you are back online.";
        }
        return;
      }
      default:
        this.error = error;
        this.mode = "review";
    }
  }

  async #reloadSaved(name: string) {
    const [saved] = await Promise.all([this.#api.cachedFunctionDetails(name), this.#host.reloadList()]);
    if (saved.status === "ok" && saved.data) this.#host.showDetails(saved.data);
  }

  /** Edit mode over `base`; resolves once the form's first check is in. */
  #begin(base: EditableConfig, revisionId: string | null, form: ConfigForm): Promise<void> {
    this.base = base;
    this.baseRevisionId = revisionId;
    this.form = form;
    this.environmentNote = null;
    this.check = null;
    this.changeCount = 0;
    this.serverErrors = [];
    this.importError = null;
    this.revealed = new Set();
    this.revealAll = false;
    this.reviewChanges = [];
    this.conflict = null;
    this.mode = "edit";
    this.checking = true;
    return this.#runCheck();
  }

  /** Back to the view: the edit is gone (its draft, if saved, stays). */
  #close() {
    this.#token++;
    this.#checks++;
    this.mode = "view";
    this.base = null;
    this.baseRevisionId = null;
    this.form = emptyForm();
    this.environmentNote = null;
    this.check = null;
    this.changeCount = 0;
    this.checking = false;
    this.serverErrors = [];
    this.importError = null;
    this.pasting = false;
    this.confirmingCancel = false;
    this.revealed = new Set();
    this.revealAll = false;
    this.reviewChanges = [];
    this.progress = null;
    this.conflict = null;
    this.choices = {};
  }

  #clearMessages() {
    this.applyStatus = null;
    this.error = null;
    this.notice = null;
  }

  /** The same edit is still in edit mode after an await (a method: TypeScript would narrow `mode`). */
  #stillEditing(token: number): boolean {
    return token === this.#token && this.mode === "edit";
  }

  #editable(): boolean {
    return this.mode === "edit" && !this.locked;
  }

  #currentEdit(): ConfigEdit | null {
    const [name, base, desired] = [this.functionName, this.base, this.desired];
    if (name === null || !base || !desired) return null;
    return { function_name: name, base_revision_id: this.baseRevisionId, base, desired };
  }

  #changed() {
    this.serverErrors = [];
    this.importError = null;
    this.notice = null;
    this.#scheduleCheck();
  }

  #scheduleCheck() {
    this.checking = true;
    if (this.#checkQueued) return;
    this.#checkQueued = true;
    this.#schedule(() => {
      this.#checkQueued = false;
      void this.#runCheck();
    });
  }

  async #runCheck() {
    const [base, desired] = [this.base, this.desired];
    if (!base || !desired) return;
    const mine = ++this.#checks;
    try {
      const [check, changes] = await Promise.all([this.#api.checkConfig(desired), this.#api.configChanges(base, desired)]);
      if (mine !== this.#checks) return;
      this.check = check;
      this.changeCount = changes.length;
    } catch {
      // The core could not read the settings: the form's own errors say why.
      if (mine !== this.#checks) return;
    }
    this.checking = this.#checkQueued;
  }
}

/** The window's parts the edit reads and updates. */
export function hostOf(app: AppStore): ConfigEditHost {
  return {
    details: () => app.pane.details,
    refreshDetails: () => app.pane.refresh(),
    showDetails: (details) => {
      if (app.pane.selected === details.function_name) app.pane.details = details;
    },
    reloadList: () => app.list.showSaved(),
    offline: () => app.list.syncState === "offline" || app.pane.error?.code === "network",
    profile: () => {
      const name = app.session.connection?.profile;
      if (name === undefined) return null;
      return { name, readOnly: isReadOnly(app.session.profiles, name) };
    },
    scope: () => `${app.session.connection?.profile ?? ""}\u0000${app.session.connection?.region ?? ""}`,
  };
}

const stores = new WeakMap<AppStore, ConfigEditStore>();

/**
 * The window's edit, kept while the tab is closed and reopened: switching tabs loses
 * nothing typed.
 */
export function configEditOf(app: AppStore, commands: ConfigEditApi = api): ConfigEditStore {
  let store = stores.get(app);
  if (!store) {
    store = new ConfigEditStore(commands, hostOf(app));
    stores.set(app, store);
  }
  return store;
}

// The Test tab of the selected function: its saved events and the one being edited
// (drafts kept on every change, so nothing typed is lost), the payload's check, the
// invocation and its result (the payload first, the figures when the log arrives), the
// history, and comparing two invocations. Views render this and call its methods.
import { Channel } from "@tauri-apps/api/core";
import type { Api } from "../lib/api";
import type {
  Comparison,
  ErrorPayload,
  EventDraft,
  InvocationKind,
  InvocationOutcome,
  InvocationRecord,
  InvokeRequest,
  PayloadCheck,
  SavedEvent,
  SharedEvent,
  StreamChunk,
  TemplateInfo,
} from "../lib/bindings";

export type TestApi = Pick<
  Api,
  | "listEvents"
  | "createEvent"
  | "updateEvent"
  | "renameEvent"
  | "duplicateEvent"
  | "deleteEvent"
  | "saveEventDraft"
  | "discardEventDraft"
  | "checkEventPayload"
  | "eventTemplates"
  | "renderEventTemplate"
  | "exportEvents"
  | "formatEventPayload"
  | "invokeFunction"
  | "cancelInvocation"
  | "invocationFigures"
  | "invocationHistory"
  | "compareInvocations"
  | "listSharedEvents"
  | "publishSharedEvent"
  | "deleteSharedEvent"
>;

/** How the stream's chunks reach the store (a Tauri Channel in the app, a callback in tests). */
export type ChunkChannel = (onChunk: (chunk: StreamChunk) => void) => Channel<StreamChunk>;

export const defaultChannel: ChunkChannel = (onChunk) => {
  const channel = new Channel<StreamChunk>();
  channel.onmessage = onChunk;
  return channel;
};

/** Typing settles before the payload is checked and the draft kept. */
export const CHECK_DELAY_MS = 120;
export const DRAFT_DELAY_MS = 200;

/** Field errors of the event form, by field (`name`, `payload`, `qualifier`, `client_context`). */
export type FieldErrors = Partial<Record<string, string>>;

export class TestTabStore {
  functionName = $state<string | null>(null);
  events = $state.raw<SavedEvent[]>([]);
  drafts = $state.raw<EventDraft[]>([]);
  templates = $state.raw<TemplateInfo[]>([]);
  /** The saved event being edited; `null` is a new, unnamed event. */
  current = $state<string | null>(null);
  text = $state("");
  kind = $state<InvocationKind>("request");
  qualifier = $state<string>("");
  clientContext = $state<string>("");
  check = $state.raw<PayloadCheck | null>(null);
  fieldErrors = $state.raw<FieldErrors>({});
  /** An error that belongs to no field (loading, saving, exporting). */
  error = $state.raw<ErrorPayload | null>(null);
  notice = $state<string | null>(null);

  running = $state(false);
  streamed = $state("");
  result = $state.raw<InvocationRecord | null>(null);
  figuresPending = $state(false);
  invokeError = $state.raw<ErrorPayload | null>(null);

  history = $state.raw<InvocationRecord[]>([]);
  historyFilter = $state<InvocationOutcome | null>(null);
  /** Up to two history ids picked for comparing (older first once compared). */
  picked = $state.raw<number[]>([]);
  comparison = $state.raw<{ before: InvocationRecord; after: InvocationRecord; diff: Comparison } | null>(null);

  /** The console's shareable events of the function, once asked for (network). */
  shared = $state.raw<SharedEvent[] | null>(null);
  sharedBusy = $state(false);
  sharedError = $state.raw<ErrorPayload | null>(null);

  /** A new event's text waiting for the user's yes: it would replace the unsaved one. */
  replacing = $state.raw<{ text: string; kind: InvocationKind; qualifier: string } | null>(null);
  /** A shared event of this name exists in the console: replace it? */
  sharedConflict = $state<string | null>(null);

  #api: TestApi;
  #channel: ChunkChannel;
  #scope = "";
  // The draft write in flight: a save waits for it, so it cannot land after the save.
  #draftWrite: Promise<unknown> = Promise.resolve();
  // Bumped when the function changes: answers for an earlier one are dropped.
  #token = 0;
  #checkTimer: ReturnType<typeof setTimeout> | null = null;
  #draftTimer: ReturnType<typeof setTimeout> | null = null;
  #pendingDraft: (() => Promise<unknown>) | null = null;

  constructor(api: TestApi, channel: ChunkChannel = defaultChannel) {
    this.#api = api;
    this.#channel = channel;
  }

  /** Whether the editor holds something other than the saved event's payload. */
  get dirty(): boolean {
    const saved = this.current === null ? null : this.events.find((e) => e.name === this.current);
    if (!saved) return this.text.trim() !== "";
    return saved.payload !== this.text || saved.invocation_kind !== this.kind || (saved.qualifier ?? "") !== this.qualifier.trim();
  }

  /** Whether an event (`null`: the new one) has unsaved changes kept as a draft. */
  hasDraft(name: string | null): boolean {
    return this.drafts.some((d) => d.event_name === name);
  }

  /** The window's profile and region: another scope shows the function's tab afresh. */
  async setScope(profile: string, region: string) {
    const scope = `${profile}\u0000${region}`;
    if (scope === this.#scope) return;
    this.#scope = scope;
    await this.load(null);
  }

  /** Why Invoke is disabled, or `null` when it is not. */
  get invokeBlocked(): string | null {
    if (this.running) return "An invocation is running.";
    if (!this.check) return "Checking the payload…";
    return this.check.problem?.message ?? null;
  }

  /** Shows `name`'s Test tab: its events (the draft of the last edited one), its history. */
  async load(name: string | null) {
    if (name === this.functionName) return;
    const token = ++this.#token;
    this.functionName = name;
    // The draft typed for the function left is written before anything of the next.
    await this.flushDraft();
    this.events = [];
    this.drafts = [];
    this.history = [];
    this.result = null;
    this.comparison = null;
    this.picked = [];
    this.error = null;
    this.invokeError = null;
    this.streamed = "";
    this.shared = null;
    this.sharedError = null;
    // What was in flight belongs to the function left behind (its answers are dropped).
    this.running = false;
    this.figuresPending = false;
    this.sharedBusy = false;
    this.replacing = null;
    this.sharedConflict = null;
    this.#setEditor(null, "", "request", "");
    if (name === null || token !== this.#token) return;
    if (this.templates.length === 0) {
      this.#api.eventTemplates().then((templates) => (this.templates = templates));
    }
    const [listed] = await Promise.all([this.#api.listEvents(name), this.loadHistory()]);
    if (token !== this.#token) return;
    if (listed.status === "error") {
      this.error = listed.error;
      return;
    }
    this.events = listed.data.events;
    this.drafts = listed.data.drafts;
    // Open where the user was typing: a draft of a saved event, else the new one, else
    // the first event.
    const draft = listed.data.drafts.find((d) => d.event_name !== null) ?? listed.data.drafts[0];
    const first = draft ? draft.event_name : (listed.data.events[0]?.name ?? null);
    this.select(first);
  }

  /** Edits a saved event (its draft, if any) or, with `null`, the new event. */
  select(name: string | null) {
    void this.flushDraft();
    const event = name === null ? undefined : this.events.find((e) => e.name === name);
    const draft = this.drafts.find((d) => d.event_name === (event ? event.name : null));
    const [text, kind, qualifier] = draft
      ? [draft.payload, draft.invocation_kind, draft.qualifier]
      : [event?.payload ?? "", event?.invocation_kind ?? "request", event?.qualifier ?? null];
    this.#setEditor(event ? event.name : null, text, kind, qualifier ?? "");
  }

  /** The user typed: check the payload and keep the draft once typing settles. */
  edit(text: string) {
    this.text = text;
    // Until its check answers, the new text is not known to be valid.
    this.check = null;
    this.fieldErrors = { ...this.fieldErrors, payload: undefined };
    this.#scheduleCheck();
    this.#keepDraft();
  }

  setKind(kind: InvocationKind) {
    this.kind = kind;
    this.#scheduleCheck(0);
    this.#keepDraft();
  }

  setQualifier(qualifier: string) {
    this.qualifier = qualifier;
    this.fieldErrors = { ...this.fieldErrors, qualifier: undefined };
    this.#keepDraft();
  }

  /** Keeps the editor (payload, type, qualifier) as the current event's draft once
   * typing settles; coming back to the event finds it at once. */
  #keepDraft() {
    const [name, fn] = [this.current, this.functionName];
    if (fn === null) return;
    const content = this.#content();
    const draft: EventDraft = {
      function_name: fn,
      event_name: name,
      payload: content.payload,
      invocation_kind: content.invocation_kind,
      qualifier: content.qualifier,
      updated_at: new Date().toISOString(),
    };
    this.drafts = [...this.drafts.filter((d) => d.event_name !== name), draft];
    this.#pendingDraft = () => this.#api.saveEventDraft(fn, name, content);
    if (this.#draftTimer !== null) clearTimeout(this.#draftTimer);
    this.#draftTimer = setTimeout(() => void this.flushDraft(), DRAFT_DELAY_MS);
  }

  /** Writes the pending draft now (before switching function, or closing). */
  async flushDraft() {
    if (this.#draftTimer !== null) clearTimeout(this.#draftTimer);
    this.#draftTimer = null;
    const save = this.#pendingDraft;
    this.#pendingDraft = null;
    if (save) this.#draftWrite = this.#draftWrite.then(save);
    await this.#draftWrite;
  }

  /** Drops the pending draft and waits for one being written (before a save clears it). */
  async #settleDrafts() {
    if (this.#draftTimer !== null) clearTimeout(this.#draftTimer);
    this.#draftTimer = null;
    this.#pendingDraft = null;
    await this.#draftWrite;
  }

  /** Pretty-prints the payload (2 spaces, keys in order, every digit kept); a payload
   * that is not JSON stays as it is (the marker shows where it breaks). */
  async format() {
    const text = this.text;
    const pretty = await this.#api.formatEventPayload(text);
    if (pretty !== null && text === this.text && pretty !== text) this.edit(pretty);
  }

  /** Saves the editor's payload into the current event. */
  async save() {
    const fn = this.functionName;
    if (fn === null || this.current === null) return;
    await this.#settleDrafts();
    const saved = await this.#api.updateEvent(fn, this.current, this.#content());
    if (this.#failedOnFields(saved)) return;
    if (saved.status === "ok") {
      this.#pendingDraft = null;
      await this.#reloadEvents();
      this.notice = `Saved "${saved.data.name}".`;
    }
  }

  /** Saves the editor's payload as a new event named `name`. */
  async saveAs(name: string): Promise<boolean> {
    const fn = this.functionName;
    if (fn === null) return false;
    await this.#settleDrafts();
    const created = await this.#api.createEvent(fn, name, this.#content());
    if (this.#failedOnFields(created) || created.status === "error") return false;
    // The unnamed draft became this event.
    if (this.current === null) await this.#api.discardEventDraft(fn, null);
    this.#pendingDraft = null;
    await this.#reloadEvents();
    this.select(created.data.name);
    this.notice = `Saved "${created.data.name}".`;
    return true;
  }

  async rename(newName: string): Promise<boolean> {
    const fn = this.functionName;
    if (fn === null || this.current === null) return false;
    await this.flushDraft();
    const renamed = await this.#api.renameEvent(fn, this.current, newName);
    if (this.#failedOnFields(renamed) || renamed.status === "error") return false;
    await this.#reloadEvents();
    this.select(renamed.data.name);
    return true;
  }

  async duplicate() {
    const fn = this.functionName;
    if (fn === null || this.current === null) return;
    const copy = await this.#api.duplicateEvent(fn, this.current);
    if (copy.status === "error") return void (this.error = copy.error);
    await this.#reloadEvents();
    this.select(copy.data.name);
  }

  /** Deletes the current event (the view asks first). */
  async remove() {
    const fn = this.functionName;
    if (fn === null || this.current === null) return;
    await this.#settleDrafts();
    const removed = await this.#api.deleteEvent(fn, this.current);
    if (removed.status === "error") return void (this.error = removed.error);
    this.notice = `Deleted "${this.current}".`;
    await this.#reloadEvents();
    this.select(this.events[0]?.name ?? null);
  }

  /** Starts a new event from a template (filled with the region, account and time). */
  async fromTemplate(id: string) {
    const fn = this.functionName;
    if (fn === null) return;
    const rendered = await this.#api.renderEventTemplate(fn, id);
    if (rendered.status === "error") return void (this.error = rendered.error);
    this.#startNew(rendered.data, this.kind, "");
  }

  /** Starts a new event from an invocation's request payload. */
  fromInvocation(record: InvocationRecord) {
    this.#startNew(record.request_payload, record.kind, record.qualifier ?? "");
  }

  /** Replaces the unsaved new event after all (the user said yes). */
  confirmReplace() {
    const next = this.replacing;
    this.replacing = null;
    if (next) this.#openNew(next.text, next.kind, next.qualifier);
  }

  keepUnsaved() {
    this.replacing = null;
    this.select(null);
  }

  /** Imports a JSON file's text as a new event named after the file. */
  async importFile(fileName: string, text: string): Promise<boolean> {
    const fn = this.functionName;
    if (fn === null) return false;
    const name = fileName.replace(/\.json$/i, "");
    const created = await this.#api.createEvent(fn, name, { payload: text, invocation_kind: "request", qualifier: null });
    if (created.status === "error") {
      // The file's name or content is at fault: said next to the import, not at a hidden field.
      const detail = created.error.fields.map((f) => f.message).join(" ") || created.error.message;
      this.error = { ...created.error, message: `${fileName}: ${detail}` };
      return false;
    }
    await this.#reloadEvents();
    this.select(created.data.name);
    this.notice = `Imported ${fileName} as "${created.data.name}".`;
    return true;
  }

  /** Writes the current event (`only`) or every event as `<dir>/<name>.json`. */
  async export(dir: string, only: string | null): Promise<boolean> {
    const fn = this.functionName;
    if (fn === null) return false;
    const written = await this.#api.exportEvents(fn, only === null ? [] : [only], dir);
    if (written.status === "error") {
      this.fieldErrors = { ...this.fieldErrors, dir: written.error.fields[0]?.message };
      if (written.error.fields.length === 0) this.error = written.error;
      return false;
    }
    this.fieldErrors = { ...this.fieldErrors, dir: undefined };
    this.notice = `Exported ${written.data.length} event${written.data.length === 1 ? "" : "s"} to ${dir}.`;
    return true;
  }

  /** Invokes with the editor's payload; the result shows as soon as Lambda answers. */
  async invoke(): Promise<InvocationRecord | null> {
    const fn = this.functionName;
    if (fn === null) return null;
    return this.#run({
      function_name: fn,
      qualifier: this.qualifier.trim() || null,
      kind: this.kind,
      payload: this.text,
      client_context: this.clientContext.trim() || null,
      event_name: this.current,
    });
  }

  cancel() {
    void this.#api.cancelInvocation();
  }

  /** Runs a past invocation again, as it was (payload, type, qualifier, client context,
   * event); the editor keeps what the user is editing. */
  async rerun(record: InvocationRecord): Promise<InvocationRecord | null> {
    return this.#run({
      function_name: record.function_name,
      qualifier: record.qualifier,
      kind: record.kind,
      payload: record.request_payload,
      client_context: record.client_context,
      event_name: record.event_name,
    });
  }

  async #run(request: InvokeRequest): Promise<InvocationRecord | null> {
    if (this.running) return null;
    const token = this.#token;
    this.running = true;
    this.streamed = "";
    this.invokeError = null;
    this.fieldErrors = {};
    const channel = this.#channel((chunk) => {
      if (token === this.#token) this.streamed += chunk.text;
    });
    const answer = await this.#api.invokeFunction(request, channel);
    // Where the time goes in BENCHMARKS.md's invoke (b): the answer, then the paint.
    performance.mark("lambda-deck:invoke-answered");
    if (token !== this.#token) return null;
    this.running = false;
    if (answer.status === "error") {
      if (answer.error.fields.length > 0) {
        this.fieldErrors = Object.fromEntries(answer.error.fields.map((f) => [f.field, f.message]));
      } else if (answer.error.code !== "cancelled") {
        // Stopping the wait is the user's own doing: nothing to report.
        this.invokeError = answer.error;
      }
      return null;
    }
    this.result = answer.data;
    this.#addToHistory(answer.data);
    // The payload is painted first; the figures' answer must not hold that frame up.
    if (needsFigures(answer.data)) afterPaint(() => void this.#fillFigures(answer.data.id, token));
    return answer.data;
  }

  /** Shows a past invocation as the result. */
  show(record: InvocationRecord) {
    this.result = record;
    if (needsFigures(record)) void this.#fillFigures(record.id, this.#token);
  }

  async loadHistory() {
    const fn = this.functionName;
    if (fn === null) return;
    const token = this.#token;
    const listed = await this.#api.invocationHistory(fn, this.historyFilter);
    if (token !== this.#token) return;
    // The result on screen may have its figures already: the list's copy must not hide them.
    const shown = this.result;
    if (listed.status === "ok") this.history = listed.data.map((r) => (shown && r.id === shown.id && shown.full_log ? shown : r));
  }

  async filterHistory(outcome: InvocationOutcome | null) {
    this.historyFilter = outcome;
    await this.loadHistory();
  }

  /** Picks (or unpicks) an invocation for comparing; the third pick replaces the first. */
  togglePick(id: number) {
    this.picked = this.picked.includes(id) ? this.picked.filter((p) => p !== id) : [...this.picked, id].slice(-2);
  }

  /** Compares the two picked invocations, the older one first. */
  async compare() {
    if (this.picked.length !== 2) return;
    const [olderId, newerId] = [...this.picked].sort((a, b) => a - b);
    const before = this.history.find((r) => r.id === olderId);
    const after = this.history.find((r) => r.id === newerId);
    if (!before || !after) return;
    const diff = await this.#api.compareInvocations(olderId, newerId);
    if (diff.status === "error") return void (this.error = diff.error);
    this.comparison = { before, after, diff: diff.data };
  }

  closeComparison() {
    this.comparison = null;
  }

  /** Lists the console's shareable events of the function (EventBridge Schemas). */
  async loadShared() {
    const fn = this.functionName;
    if (fn === null) return;
    const token = this.#token;
    this.sharedBusy = true;
    const listed = await this.#api.listSharedEvents(fn);
    if (token !== this.#token) return;
    this.sharedBusy = false;
    this.sharedError = listed.status === "error" ? listed.error : null;
    if (listed.status === "ok") this.shared = listed.data;
  }

  /** Shares the current event (its editor text) under its name. One of that name in the
   * console is replaced only with `overwrite` (the view asks). */
  async share(overwrite: boolean) {
    const fn = this.functionName;
    if (fn === null || this.current === null) return;
    this.sharedBusy = true;
    this.sharedConflict = null;
    const shared = await this.#api.publishSharedEvent(fn, this.current, this.text, overwrite);
    this.sharedBusy = false;
    if (shared.status === "error") {
      // The core refuses a taken name as invalid input, before anything is written.
      if (!overwrite && shared.error.code === "invalid_input") this.sharedConflict = this.current;
      else this.sharedError = shared.error;
      return;
    }
    this.notice = `Shared "${this.current}" with the console.`;
    await this.loadShared();
  }

  async unshare(name: string) {
    const fn = this.functionName;
    if (fn === null) return;
    const removed = await this.#api.deleteSharedEvent(fn, name);
    if (removed.status === "error") return void (this.sharedError = removed.error);
    await this.loadShared();
  }

  /** Keeps a shared event in the local library (under its name). */
  async useShared(event: SharedEvent) {
    await this.importFile(event.name, event.json);
  }

  /** Puts a new record at the top of the history (as the store listed it: newest first,
   * of the filter's outcome), without asking for the whole list again. */
  #addToHistory(record: InvocationRecord) {
    if (this.historyFilter !== null && record.outcome !== this.historyFilter) return;
    this.history = [record, ...this.history.filter((r) => r.id !== record.id)];
  }

  async #fillFigures(id: number, token: number) {
    if (token !== this.#token) return;
    this.figuresPending = true;
    const filled = await this.#api.invocationFigures(id);
    if (token !== this.#token) return;
    this.figuresPending = false;
    if (filled.status !== "ok") return;
    if (this.result?.id === id) this.result = filled.data;
    this.history = this.history.map((r) => (r.id === id ? filled.data : r));
  }

  /** Opens a new event with `text`, unless the unsaved new event holds something else:
   * then the user is asked first (nothing typed is lost). */
  #startNew(text: string, kind: InvocationKind, qualifier: string) {
    const unsaved = this.drafts.find((d) => d.event_name === null)?.payload ?? "";
    if (unsaved.trim() !== "" && unsaved !== text) {
      this.replacing = { text, kind, qualifier };
      return;
    }
    this.#openNew(text, kind, qualifier);
  }

  #openNew(text: string, kind: InvocationKind, qualifier: string) {
    this.select(null);
    this.kind = kind;
    this.qualifier = qualifier;
    this.edit(text);
  }

  #content() {
    return { payload: this.text, invocation_kind: this.kind, qualifier: this.qualifier.trim() || null };
  }

  /** Puts field errors next to their fields; true when the answer was one. */
  #failedOnFields(answer: { status: "ok" } | { status: "error"; error: ErrorPayload }): boolean {
    if (answer.status === "ok") {
      this.fieldErrors = {};
      return false;
    }
    if (answer.error.fields.length === 0) {
      this.error = answer.error;
      return false;
    }
    this.fieldErrors = Object.fromEntries(answer.error.fields.map((f) => [f.field, f.message]));
    return true;
  }

  async #reloadEvents() {
    const fn = this.functionName;
    if (fn === null) return;
    const listed = await this.#api.listEvents(fn);
    if (listed.status === "ok") {
      this.events = listed.data.events;
      this.drafts = listed.data.drafts;
    }
  }

  #setEditor(name: string | null, text: string, kind: InvocationKind, qualifier: string) {
    this.current = name;
    this.text = text;
    this.kind = kind;
    this.qualifier = qualifier;
    this.fieldErrors = {};
    this.notice = null;
    this.#scheduleCheck(0);
  }

  #scheduleCheck(delay = CHECK_DELAY_MS) {
    if (this.#checkTimer !== null) clearTimeout(this.#checkTimer);
    const [text, kind, token] = [this.text, this.kind, this.#token];
    this.#checkTimer = setTimeout(async () => {
      const check = await this.#api.checkEventPayload(text, kind);
      // Only the check of what the editor still holds counts.
      if (token === this.#token && text === this.text && kind === this.kind) this.check = check;
    }, delay);
  }
}

/** Runs `work` once the page has painted its current state (at once where nothing paints). */
function afterPaint(work: () => void) {
  if (typeof requestAnimationFrame === "function") requestAnimationFrame(() => requestAnimationFrame(work));
  else setTimeout(work, 0);
}

/** Whether the figures are still to come from the log group. */
export function needsFigures(record: InvocationRecord): boolean {
  const ran = record.outcome === "succeeded" || record.outcome === "function_error";
  const synchronous = record.kind === "request" || record.kind === "stream";
  return ran && synchronous && record.full_log === null;
}

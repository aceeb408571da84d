// A tail window's state: its functions, the lines it keeps (bounded like the backend's
// ring buffer), what is shown of them (mutes, `field:value` filters, grouping by request),
// search with next/previous, pause, follow, the status (live or polling, rate, lag,
// sampling, reconnects) and exports. Views render this and call its methods.
//
// Rows are kept in a plain array grown in place, with `rowsVersion` telling the list to
// repaint: a day-long tail appends thousands of lines a minute to a 100,000-line view,
// and copying that array on every frame would cost more than painting it.
import type { Api } from "../lib/api";
import type { ErrorPayload, ExportFormat, TailBatch, TailEvent, TailLine, TailMode, TailSetup } from "../lib/bindings";
import { groupedRows, matchesFilters, parseSearch, type Row, type SearchQuery } from "../lib/tailLines";

export type TailApi = Pick<Api, "tailSetup" | "startTail" | "stopTail" | "clearTail" | "exportTail" | "closeTailWindow">;

/** What a follower is doing, per function. */
export type FunctionMode = { mode: TailMode | "connecting"; reason: string | null };

/** A reconnect or a problem, as the status line lists them. */
export type Notice = { at: number; kind: "reconnected" | "problem" | "sampled"; text: string };

/** The backfill choices of the toolbar, in seconds. */
export const BACKFILL_CHOICES = [60, 300, 900, 3600] as const;
/** Events per second are counted over this window. */
const RATE_WINDOW_MS = 5000;
/** The window drops its oldest lines in chunks, not one by one (the list repaints once). */
const TRIM_SLACK = 0.05;
const MAX_NOTICES = 20;
/** Milliseconds of a frame the window spends adding lines, and lines added at a time. */
const FRAME_BUDGET_MS = 6;
const DRAIN_CHUNK = 250;
const PUBLISH_EVERY_MS = 100;

export class TailStore {
  setup = $state.raw<TailSetup | null>(null);
  /** The tail could not start or stopped with an error (not a field's). */
  error = $state.raw<ErrorPayload | null>(null);
  running = $state(false);

  /** Bumped whenever `rows` changed (the list repaints on it). */
  rowsVersion = $state(0);
  lineCount = $state(0);
  /** Lines received since the tail (re)started, kept or not. */
  receivedCount = $state(0);
  /** Lines dropped past the capacity: by this window, and by the backend's buffer. */
  droppedHere = $state(0);
  droppedByBuffer = $state(0);

  filterPattern = $state("");
  filterError = $state<string | null>(null);
  sinceSeconds = $state<number>(300);

  paused = $state(false);
  /** Lines that arrived while paused, shown on resume. */
  heldCount = $state(0);
  follow = $state(true);
  /** Lines that arrived while the user looked further up. */
  unseen = $state(0);

  search = $state("");
  /** Indexes (into `rows`) of rows whose text matches the search, and the current one. */
  matches = $state.raw<number[]>([]);
  matchIndex = $state(-1);
  muted = $state.raw<ReadonlySet<number>>(new Set());
  grouped = $state(false);
  expanded = $state.raw<ReadonlySet<string>>(new Set());
  utc = $state(false);
  selected = $state.raw<TailLine | null>(null);
  /** Asks the list to bring this row index into view (set by jumps and next/previous). */
  reveal = $state<{ index: number; nonce: number } | null>(null);

  modes = $state.raw<ReadonlyMap<number, FunctionMode>>(new Map());
  sampledCount = $state(0);
  notices = $state.raw<Notice[]>([]);
  eventsPerSecond = $state(0);
  /** How far the newest line is behind now, in ms; `null` before any line. */
  lagMs = $state<number | null>(null);

  exportProgress = $state<number | null>(null);
  exportMessage = $state<string | null>(null);
  exportError = $state<string | null>(null);

  /** What the list shows, rebuilt or grown in place (see the module comment). */
  rows: Row[] = [];
  private all: TailLine[] = [];
  private held: TailLine[] = [];
  /** Lines received but not yet added: added a frame's budget at a time. */
  private inbox: TailLine[] = [];
  private drainScheduled = false;
  /** While a burst drains, the list repaints every PUBLISH_EVERY_MS, not every frame. */
  private holdRows = false;
  private rowsChanged = false;
  private publishedAt = 0;
  private arrivals: { at: number; count: number }[] = [];
  private newestTimestamp: number | null = null;
  /** Which `startTail` is current: batches of a replaced tail are ignored. */
  private generation = 0;
  /** The search box read: words to highlight and `field:value` filters. */
  query = $state.raw<SearchQuery>({ text: "", filters: [] });

  constructor(
    private api: TailApi,
    private now: () => number = () => Date.now(),
    /** Runs work before the next frame (requestAnimationFrame; tests run it at once). */
    private beforeFrame: (work: () => void) => void = (work) => requestAnimationFrame(() => work()),
    /** A fine clock for the per-frame budget. */
    private fineClock: () => number = () => performance.now(),
  ) {}

  get functions(): string[] {
    return this.setup?.functions ?? [];
  }

  get capacity(): number {
    return this.setup?.capacity ?? 100_000;
  }

  /** Loads what the window follows and starts the tail. */
  async open(): Promise<void> {
    const setup = await this.api.tailSetup();
    if (setup.status === "error") {
      this.error = setup.error;
      return;
    }
    this.setup = setup.data;
    await this.start();
  }

  /** (Re)starts the tail with the toolbar's filter pattern and backfill. A restart
   *  begins from an empty window: the new tail reads its backfill again. */
  async start(): Promise<void> {
    const generation = ++this.generation;
    this.filterError = null;
    this.error = null;
    this.running = true;
    this.modes = new Map(this.functions.map((_, index) => [index, { mode: "connecting", reason: null }]));
    const answer = await this.api.startTail(this.filterPattern, this.sinceSeconds, false, (batch) => {
      if (generation === this.generation) this.receive(batch);
    });
    if (generation !== this.generation) return;
    this.running = false;
    if (answer.status === "error") {
      const field = answer.error.fields.find((f) => f.field === "filter");
      if (field) this.filterError = field.message;
      else if (answer.error.code !== "cancelled") this.error = answer.error;
    }
  }

  /** Applies a new filter pattern (or backfill): the window starts over with it. */
  async restart(): Promise<void> {
    this.clearLines();
    await this.api.clearTail();
    await this.start();
  }

  /** Stops the tail; its lines stay. */
  async stop(): Promise<void> {
    this.generation++;
    this.running = false;
    await this.api.stopTail();
  }

  receive(batch: TailBatch): void {
    for (const notice of batch.notices) this.note(notice);
    this.droppedByBuffer = batch.dropped ?? 0;
    if (batch.lines.length === 0) return;
    this.receivedCount += batch.lines.length;
    this.arrivals.push({ at: this.now(), count: batch.lines.length });
    for (const line of batch.lines) {
      const stamp = line.timestamp_ms ?? 0;
      if (this.newestTimestamp === null || stamp > this.newestTimestamp) this.newestTimestamp = stamp;
    }
    if (this.paused) {
      for (const line of batch.lines) this.held.push(line);
      this.heldCount = this.held.length;
      return;
    }
    this.enqueue(batch.lines);
  }

  private enqueue(lines: readonly TailLine[]): void {
    for (const line of lines) this.inbox.push(line);
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    this.beforeFrame(() => this.drain());
  }

  /** Adds queued lines for at most a few milliseconds, then leaves the rest to the next
   *  frame: a burst of thousands of lines never holds one frame up. */
  private drain(): void {
    this.drainScheduled = false;
    const started = this.fineClock();
    let taken = 0;
    this.holdRows = true;
    while (taken < this.inbox.length && (taken === 0 || this.fineClock() - started < FRAME_BUDGET_MS)) {
      const chunk = this.inbox.slice(taken, taken + DRAIN_CHUNK);
      this.add(chunk);
      taken += chunk.length;
    }
    this.holdRows = false;
    this.inbox = this.inbox.slice(taken);
    const more = this.inbox.length > 0;
    // Painting a screen of new rows is the costly part of a frame: in a burst, every
    // PUBLISH_EVERY_MS is enough, and the last frame shows where it ended.
    if (this.rowsChanged && (!more || started - this.publishedAt >= PUBLISH_EVERY_MS)) this.publishRows();
    if (more) {
      this.drainScheduled = true;
      this.beforeFrame(() => this.drain());
    }
  }

  /** Tells the list the rows changed (held back while a burst drains). */
  private publishRows(): void {
    if (this.holdRows) {
      this.rowsChanged = true;
      return;
    }
    this.rowsChanged = false;
    this.publishedAt = this.fineClock();
    this.rowsVersion++;
  }

  private note(event: TailEvent): void {
    const names = (indexes: number[]) => indexes.map((i) => this.functions[i] ?? "?").join(", ");
    switch (event.event) {
      case "mode": {
        const modes = new Map(this.modes);
        for (const index of event.functions) modes.set(index, { mode: event.mode, reason: event.reason });
        this.modes = modes;
        break;
      }
      case "sampled":
        this.sampledCount += 1;
        this.addNotice("sampled", `CloudWatch Logs sampled ${names(event.functions)}: over 500 lines a second, not every line was sent.`);
        break;
      case "reconnected": {
        const from = new Date(event.reread_from_ms ?? 0).toLocaleTimeString();
        const to = new Date(event.reread_to_ms ?? 0).toLocaleTimeString();
        this.addNotice(
          "reconnected",
          `Reconnected ${names(event.functions)} (${event.reason}); re-read ${from}–${to}: ${event.recovered} line${event.recovered === 1 ? "" : "s"} recovered.`,
        );
        break;
      }
      case "problem":
        this.addNotice("problem", event.message);
        break;
      case "lines":
        this.add(event.lines);
        break;
    }
  }

  private addNotice(kind: Notice["kind"], text: string): void {
    this.notices = [...this.notices, { at: this.now(), kind, text }].slice(-MAX_NOTICES);
  }

  /** Adds lines in time order; a line stamped before the newest shown goes to its place. */
  private add(lines: readonly TailLine[]): void {
    const keptBefore = this.all.length;
    let inOrder = true;
    for (const line of lines) {
      const stamp = line.timestamp_ms ?? 0;
      let index = this.all.length;
      while (index > 0 && (this.all[index - 1].timestamp_ms ?? 0) > stamp) index--;
      if (index < this.all.length) inOrder = false;
      this.all.splice(index, 0, line);
    }
    let rebuild = !inOrder || this.grouped;
    const limit = this.capacity;
    if (this.all.length > limit * (1 + TRIM_SLACK)) {
      const excess = this.all.length - limit;
      const dropped = this.all.splice(0, excess);
      this.droppedHere += excess;
      // Ungrouped, the rows of the oldest lines are the first rows: drop just those
      // (rebuilding 100,000 rows would hold a frame up). New lines among them: rebuild.
      if (!rebuild && excess <= keptBefore) this.dropFirstRows(dropped.filter((line) => this.shows(line)).length);
      else rebuild = true;
    }
    this.lineCount = this.all.length;
    if (!this.follow) this.unseen += lines.length;
    if (rebuild) this.rebuildRows();
    else this.appendRows(lines);
  }

  private dropFirstRows(count: number): void {
    if (count === 0) return;
    this.rows.splice(0, count);
    this.matches = this.matches.filter((index) => index >= count).map((index) => index - count);
    if (this.matchIndex >= this.matches.length) this.matchIndex = this.matches.length - 1;
  }

  /** The common case: new lines at the end of an ungrouped view. */
  private appendRows(lines: readonly TailLine[]): void {
    const matches: number[] = [];
    for (const line of lines) {
      if (!this.shows(line)) continue;
      if (this.query.text && line.message.toLowerCase().includes(this.query.text)) matches.push(this.rows.length);
      this.rows.push({ type: "line", key: `l${line.seq}`, line, indented: false });
    }
    if (matches.length) this.matches = [...this.matches, ...matches];
    this.publishRows();
  }

  private shows(line: TailLine): boolean {
    return !this.muted.has(line.function) && matchesFilters(line, this.query.filters, this.functions);
  }

  /** Rebuilds the rows from the lines (filters, mutes or grouping changed). */
  private rebuildRows(): void {
    const visible = this.all.filter((line) => this.shows(line));
    this.rows = this.grouped
      ? groupedRows(visible, this.expanded)
      : visible.map((line) => ({ type: "line", key: `l${line.seq}`, line, indented: false }));
    const text = this.query.text;
    const matches: number[] = [];
    if (text) {
      this.rows.forEach((row, index) => {
        const found =
          row.type === "line"
            ? row.line.message.toLowerCase().includes(text)
            : row.lines.some((line) => line.message.toLowerCase().includes(text));
        if (found) matches.push(index);
      });
    }
    this.matches = matches;
    if (this.matchIndex >= matches.length) this.matchIndex = matches.length - 1;
    this.publishRows();
  }

  setSearch(typed: string): void {
    this.search = typed;
    this.query = parseSearch(typed);
    this.matchIndex = -1;
    this.rebuildRows();
  }

  /** Moves to the next (or previous) match, wrapping around, and reveals it. */
  step(direction: 1 | -1): void {
    if (this.matches.length === 0) return;
    const count = this.matches.length;
    this.matchIndex = this.matchIndex < 0 ? (direction === 1 ? 0 : count - 1) : (this.matchIndex + direction + count) % count;
    const index = this.matches[this.matchIndex];
    const row = this.rows[index];
    if (row?.type === "line") this.selected = row.line;
    this.follow = false;
    this.showRow(index);
  }

  private showRow(index: number): void {
    this.reveal = { index, nonce: (this.reveal?.nonce ?? 0) + 1 };
  }

  toggleMute(functionIndex: number): void {
    const muted = new Set(this.muted);
    if (muted.has(functionIndex)) muted.delete(functionIndex);
    else muted.add(functionIndex);
    this.muted = muted;
    this.rebuildRows();
  }

  setGrouped(grouped: boolean): void {
    this.grouped = grouped;
    this.rebuildRows();
  }

  toggleRequest(requestId: string): void {
    const expanded = new Set(this.expanded);
    if (expanded.has(requestId)) expanded.delete(requestId);
    else expanded.add(requestId);
    this.expanded = expanded;
    this.rebuildRows();
  }

  /** Goes to the first line of a request id or trace id (grouped: its request, opened).
   *  Returns false when no kept line has it. */
  jumpTo(id: string): boolean {
    const wanted = id.trim();
    if (!wanted) return false;
    const line = this.all.find((l) => l.request_id === wanted || l.trace_id === wanted);
    if (!line) return false;
    if (this.muted.has(line.function)) this.toggleMute(line.function);
    if (this.grouped && line.request_id && !this.expanded.has(line.request_id)) this.toggleRequest(line.request_id);
    const index = this.rows.findIndex((row) =>
      row.type === "line" ? row.line === line : row.requestId === line.request_id,
    );
    if (index < 0) return false;
    this.selected = line;
    this.follow = false;
    this.showRow(index);
    return true;
  }

  select(line: TailLine | null): void {
    this.selected = line;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    this.heldCount = 0;
    if (held.length) this.enqueue(held);
  }

  /** The list was scrolled: following stops when the user looks further up. */
  setFollow(follow: boolean): void {
    this.follow = follow;
    if (follow) this.unseen = 0;
  }

  /** Closes the window; the backend stops its tail as the window goes. */
  async close(): Promise<void> {
    const answer = await this.api.closeTailWindow();
    if (answer.status === "error") this.error = answer.error;
  }

  /** Forgets the window's lines (and the backend's); the tail runs on. */
  async clear(): Promise<void> {
    this.clearLines();
    await this.api.clearTail();
  }

  private clearLines(): void {
    this.all = [];
    this.held = [];
    this.inbox = [];
    this.heldCount = 0;
    this.lineCount = 0;
    this.receivedCount = 0;
    this.unseen = 0;
    this.droppedHere = 0;
    this.selected = null;
    this.newestTimestamp = null;
    this.rebuildRows();
  }

  /** Updates the rate and the lag (the view calls this every second). */
  tick(): void {
    const now = this.now();
    this.arrivals = this.arrivals.filter((a) => now - a.at <= RATE_WINDOW_MS);
    const count = this.arrivals.reduce((sum, a) => sum + a.count, 0);
    this.eventsPerSecond = Math.round((count / (RATE_WINDOW_MS / 1000)) * 10) / 10;
    this.lagMs = this.newestTimestamp === null ? null : Math.max(0, now - this.newestTimestamp);
  }

  /** The lines a row stands for (a request's lines for its header). */
  linesOf(row: Row): TailLine[] {
    return row.type === "line" ? [row.line] : row.lines;
  }

  /** The kept lines of a request, in order (for "copy request"). */
  requestLines(requestId: string): TailLine[] {
    return this.all.filter((line) => line.request_id === requestId);
  }

  /** The lines shown now (for "export what is shown"). */
  shownLines(): TailLine[] {
    return this.rows.flatMap((row) => (row.type === "line" ? [row.line] : row.expanded ? [] : row.lines));
  }

  /** A file name in the export directory for `format`. */
  defaultExportPath(format: ExportFormat): string {
    const stamp = new Date(this.now()).toISOString().slice(0, 19).replace(/[:T]/g, "-");
    const name = this.functions.length === 1 ? this.functions[0] : `${this.functions.length}-functions`;
    const dir = (this.setup?.export_dir ?? "").replace(/\/$/, "");
    return `${dir}/lambda-deck-${name}-${stamp}.${format === "ndjson" ? "ndjson" : "log"}`;
  }

  /** Writes what is shown (or every kept line) to `path`, with progress. */
  async exportLines(path: string, format: ExportFormat, shownOnly: boolean): Promise<void> {
    this.exportError = null;
    this.exportMessage = null;
    this.exportProgress = 0;
    const only = shownOnly ? this.shownLines().map((line) => line.seq) : null;
    const answer = await this.api.exportTail(path, format, only, (share) => {
      this.exportProgress = share;
    });
    this.exportProgress = null;
    if (answer.status === "error") {
      this.exportError = answer.error.fields.find((f) => f.field === "path")?.message ?? answer.error.message;
      return;
    }
    this.exportMessage = `Wrote ${answer.data.toLocaleString("en-US")} lines to ${path}`;
  }
}

// The Monitor tab of the selected function: the range (a preset, a typed range or a
// dragged zoom), the alias or version it is read for, the charts (the saved ones at once,
// then a fresh read), a comparison with other functions or versions, and exports.
// Charts are drawn by the backend for the tab's width and theme; a theme change or a
// resize redraws the saved reading without asking AWS again.
import type { Api } from "../lib/api";
import type {
  ChartExportFormat,
  ChartLayout,
  ChartSource,
  CompareRequest,
  CompareTarget,
  ErrorPayload,
  LambdaMetric,
  MetricsView,
  Statistic,
} from "../lib/bindings";
import { rangeText, utcOffsetMinutes } from "../lib/charts";

export type MonitorApi = Pick<Api, "readCharts" | "savedCharts" | "exportChart" | "chartExportDir">;

export const RANGE_PRESETS = ["1h", "3h", "12h", "1d", "3d", "1w", "2w", "4w"] as const;
export const DEFAULT_RANGE = "3h";
/** Charts are this tall; the width follows the tab. */
export const CHART_HEIGHT_PX = 240;
export const MAX_COMPARED = 10;

/** Metrics a comparison can show, with the statistic that reads them best. */
export const COMPARE_METRICS: { metric: LambdaMetric; label: string; statistic: Statistic }[] = [
  { metric: "invocations", label: "Invocations", statistic: "sum" },
  { metric: "errors", label: "Errors", statistic: "sum" },
  { metric: "throttles", label: "Throttles", statistic: "sum" },
  { metric: "duration", label: "Duration", statistic: "p99" },
  { metric: "concurrent_executions", label: "Concurrent executions", statistic: "maximum" },
  { metric: "iterator_age", label: "Iterator age", statistic: "maximum" },
  { metric: "async_event_age", label: "Async event age", statistic: "maximum" },
];
export const STATISTICS: Statistic[] = ["sum", "average", "minimum", "maximum", "sample_count", "p50", "p90", "p95", "p99"];

/** Messages by the field the core names (`range`, `path`, `targets`, …). */
export type FieldErrors = Partial<Record<string, string>>;

function fieldErrors(error: ErrorPayload): FieldErrors {
  const fields: FieldErrors = {};
  for (const f of error.fields) fields[f.field] ??= f.message;
  return fields;
}

function sameLayout(a: ChartLayout, b: ChartLayout): boolean {
  return a.width_px === b.width_px && a.height_px === b.height_px && a.theme === b.theme;
}

/** The name a comparison's series is labelled with: `fn`, `fn:qualifier`, `fn:alias@version`. */
export function targetName(target: CompareTarget): string {
  const qualified = target.qualifier ? `${target.function_name}:${target.qualifier}` : target.function_name;
  return target.executed_version ? `${qualified}@${target.executed_version}` : qualified;
}

/** Reads `orders`, `orders:live` or `orders:live@2` (what live routed to version 2) back into a target. */
export function parseTarget(text: string): CompareTarget {
  const trimmed = text.trim();
  const at = trimmed.lastIndexOf("@");
  const [reference, executed] = at > 0 ? [trimmed.slice(0, at), trimmed.slice(at + 1) || null] : [trimmed, null];
  // An ARN keeps its colons: only a name's last `:part` is a qualifier.
  if (reference.startsWith("arn:")) return { function_name: reference, qualifier: null, executed_version: executed };
  const colon = reference.lastIndexOf(":");
  return colon > 0
    ? { function_name: reference.slice(0, colon), qualifier: reference.slice(colon + 1) || null, executed_version: executed }
    : { function_name: reference, qualifier: null, executed_version: executed };
}

/** One set of charts on screen: what it shows, its reading, and the state of reading it. */
class ChartsState {
  view = $state.raw<MetricsView | null>(null);
  loading = $state(false);
  error = $state.raw<ErrorPayload | null>(null);
  fields = $state.raw<FieldErrors>({});
}

export class MonitorStore {
  functionName = $state<string | null>(null);
  /** An alias or version the charts are read for; `null` is the whole function. */
  qualifier = $state<string | null>(null);
  /** A preset (`3h`) or a typed or dragged range (`START..END`). */
  range = $state<string>(DEFAULT_RANGE);
  /** The ranges zoomed in from, to step back out. */
  zoomStack = $state.raw<string[]>([]);
  width = $state(0);
  theme = $state<"light" | "dark">("light");

  readonly charts = new ChartsState();

  /** The comparison; `null` while none is open. */
  compare = $state.raw<CompareRequest | null>(null);
  readonly compared = new ChartsState();

  /** The export dialog: which chart, format and path; `null` while closed. */
  exporting = $state.raw<{ source: "monitor" | "compare"; chartId: string; format: ChartExportFormat; path: string } | null>(
    null,
  );
  exportBusy = $state(false);
  exportError = $state.raw<ErrorPayload | null>(null);
  exportFields = $state.raw<FieldErrors>({});
  exported = $state<string | null>(null);

  #api: MonitorApi;
  #exportDir: string | null = null;
  // The range and charts before a range change: a range the core refuses brings them back.
  #rangeBefore: { range: string; view: MetricsView | null } | null = null;
  // Bumped on every new request of a kind: answers for an older one are dropped.
  #token = 0;
  #compareToken = 0;

  constructor(api: MonitorApi) {
    this.#api = api;
  }

  get layout(): ChartLayout {
    return {
      width_px: Math.max(320, Math.min(4000, Math.round(this.width))),
      height_px: CHART_HEIGHT_PX,
      theme: this.theme,
      utc_offset_minutes: utcOffsetMinutes(),
    };
  }

  get source(): ChartSource | null {
    if (this.functionName === null) return null;
    return { kind: "monitor", request: { function_name: this.functionName, qualifier: this.qualifier, range: this.range } };
  }

  get compareSource(): ChartSource | null {
    return this.compare === null ? null : { kind: "compare", request: this.compare };
  }

  /** The function whose charts the tab shows; another one starts from its saved charts. */
  show(name: string | null) {
    if (name === this.functionName) return;
    // Answers still coming for the previous function are dropped.
    this.#token++;
    this.#compareToken++;
    this.functionName = name;
    this.qualifier = null;
    this.range = DEFAULT_RANGE;
    this.zoomStack = [];
    this.#rangeBefore = null;
    this.compare = null;
    this.exporting = null;
    this.#clear(this.charts);
    this.#clear(this.compared);
    if (name !== null && this.width > 0) void this.#load();
  }

  /** The tab's width or the theme changed: redraw what is shown (and read it the first time). */
  setLayout(width: number, theme: "light" | "dark") {
    const first = this.width === 0 && width > 0;
    const changed = Math.abs(width - this.width) >= 8 || theme !== this.theme;
    if (!changed && !first) return;
    this.width = width;
    this.theme = theme;
    if (first && this.functionName !== null && this.charts.view === null && !this.charts.loading) void this.#load();
    else {
      if (this.charts.view) void this.#redraw(this.charts, this.source);
      if (this.compared.view) void this.#redraw(this.compared, this.compareSource);
    }
  }

  selectRange(range: string) {
    this.zoomStack = [];
    this.#setRange(range);
  }

  /** Zooms into a dragged range; `zoomOut` steps back. */
  zoom(startMs: number, endMs: number) {
    this.zoomStack = [...this.zoomStack, this.range];
    this.#setRange(rangeText(startMs, endMs));
  }

  zoomOut() {
    const previous = this.zoomStack[this.zoomStack.length - 1];
    if (previous === undefined) return;
    this.zoomStack = this.zoomStack.slice(0, -1);
    this.#setRange(previous);
  }

  selectQualifier(qualifier: string | null) {
    if (qualifier === this.qualifier) return;
    this.qualifier = qualifier;
    this.charts.view = null;
    void this.#load();
  }

  /** Reads the charts again from CloudWatch. */
  refresh() {
    return Promise.all([this.#read(), this.compare ? this.#readCompare() : Promise.resolve()]);
  }

  /** Another range: the charts of the old one go (the new one's saved charts come first). */
  #setRange(range: string) {
    this.#rangeBefore = { range: this.range, view: this.charts.view };
    this.range = range;
    this.charts.view = null;
    if (this.compare) {
      this.compare = { ...this.compare, range };
      this.compared.view = null;
    }
    void this.#load();
  }

  /** The saved charts at once (when there are some), then a fresh read. */
  async #load() {
    const source = this.source;
    if (source === null) return;
    const token = ++this.#token;
    this.charts.loading = true;
    const saved = await this.#api.savedCharts(source, this.layout);
    if (token !== this.#token) return;
    if (saved.status === "ok" && saved.data !== null && this.charts.view === null) this.charts.view = saved.data;
    await Promise.all([this.#read(token), this.compare ? this.#readCompare() : Promise.resolve()]);
  }

  async #read(token = ++this.#token) {
    const source = this.source;
    if (source === null) return;
    this.charts.loading = true;
    const layout = this.layout;
    const answer = await this.#api.readCharts(source, layout);
    if (token !== this.#token) return;
    this.charts.loading = false;
    if (answer.status === "ok") {
      this.#rangeBefore = null;
      this.charts.view = answer.data;
      this.charts.error = null;
      this.charts.fields = {};
      // The tab was resized (a scroll bar came) or the theme changed while reading.
      if (!sameLayout(layout, this.layout)) await this.#redraw(this.charts, source);
    } else if (answer.error.code !== "cancelled") {
      this.charts.error = answer.error;
      this.charts.fields = fieldErrors(answer.error);
      const before = this.#rangeBefore;
      if (this.charts.fields.range && before) {
        // A typo: the message stays at the field, the charts of the last good range come back.
        this.#rangeBefore = null;
        this.range = before.range;
        this.charts.view = before.view;
        if (this.compare) this.compare = { ...this.compare, range: before.range };
      }
    }
  }

  /** The reading on screen drawn again (it is the last one saved): it keeps what it said of itself. */
  async #redraw(state: ChartsState, source: ChartSource | null) {
    if (source === null) return;
    const before = state.view;
    const answer = await this.#api.savedCharts(source, this.layout);
    // A read that answered meanwhile drew for the current layout itself.
    if (state.view !== before) return;
    const shown = state.view?.reading;
    if (answer.status !== "ok" || answer.data === null || shown === undefined) return;
    // The store's last reading of this chart may be another one (a save failed): keep what is shown.
    if (answer.data.reading.key !== shown.key || answer.data.reading.fetched_at !== shown.fetched_at) return;
    const { saved, saved_age, notice } = shown;
    state.view = { ...answer.data, reading: { ...answer.data.reading, saved, saved_age, notice } };
  }

  /** Compares `targets` (2 to 10 functions or versions) on one chart of `metric`. */
  openCompare(targets: CompareTarget[], metric: LambdaMetric = "invocations", statistic?: Statistic) {
    const chosen = COMPARE_METRICS.find((m) => m.metric === metric);
    this.compare = {
      targets,
      metric,
      statistic: statistic ?? chosen?.statistic ?? "sum",
      range: this.range,
    };
    this.#clear(this.compared);
    return this.#readCompare();
  }

  /** Another metric or statistic for the open comparison. */
  changeCompare(change: Partial<Pick<CompareRequest, "metric" | "statistic" | "targets">>) {
    if (this.compare === null) return;
    const metricChanged = change.metric !== undefined && change.metric !== this.compare.metric;
    const statistic =
      change.statistic ??
      (metricChanged ? COMPARE_METRICS.find((m) => m.metric === change.metric)?.statistic : undefined) ??
      this.compare.statistic;
    this.compare = { ...this.compare, ...change, statistic };
    return this.#readCompare();
  }

  closeCompare() {
    this.compare = null;
    this.#compareToken++;
    this.#clear(this.compared);
  }

  async #readCompare() {
    const source = this.compareSource;
    if (source === null) return;
    const token = ++this.#compareToken;
    this.compared.loading = true;
    if (this.compared.view === null) {
      const saved = await this.#api.savedCharts(source, this.layout);
      if (token !== this.#compareToken) return;
      if (saved.status === "ok" && saved.data !== null) this.compared.view = saved.data;
    }
    const layout = this.layout;
    const answer = await this.#api.readCharts(source, layout);
    if (token !== this.#compareToken) return;
    this.compared.loading = false;
    if (answer.status === "ok") {
      this.compared.view = answer.data;
      this.compared.error = null;
      this.compared.fields = {};
      if (!sameLayout(layout, this.layout)) await this.#redraw(this.compared, source);
    } else if (answer.error.code !== "cancelled") {
      this.compared.error = answer.error;
      this.compared.fields = fieldErrors(answer.error);
    }
  }

  /** Opens the export dialog for a chart, with a file name in the export folder. */
  async startExport(source: "monitor" | "compare", chartId: string, format: ChartExportFormat = "png") {
    if (this.#exportDir === null) {
      const dir = await this.#api.chartExportDir();
      this.#exportDir = typeof dir === "string" ? dir : "/tmp";
    }
    this.exportError = null;
    this.exportFields = {};
    this.exported = null;
    this.exporting = { source, chartId, format, path: this.#exportPath(chartId, format) };
  }

  /** Another format in the open dialog: the file name's extension follows. */
  setExportFormat(format: ChartExportFormat) {
    if (!this.exporting) return;
    const path = this.exporting.path.replace(/\.(png|svg|csv)$/i, `.${format}`);
    this.exporting = { ...this.exporting, format, path };
  }

  setExportPath(path: string) {
    if (this.exporting) this.exporting = { ...this.exporting, path };
  }

  cancelExport() {
    this.exporting = null;
  }

  /** Writes the chart; true when it did. */
  async export(): Promise<boolean> {
    const dialog = this.exporting;
    const source = dialog?.source === "compare" ? this.compareSource : this.source;
    if (!dialog || source === null) return false;
    this.exportBusy = true;
    const answer = await this.#api.exportChart(source, dialog.chartId, dialog.format, dialog.path, this.layout);
    this.exportBusy = false;
    if (answer.status === "error") {
      this.exportError = answer.error;
      this.exportFields = fieldErrors(answer.error);
      return false;
    }
    this.exported = answer.data;
    this.exporting = null;
    return true;
  }

  #exportPath(chartId: string, format: ChartExportFormat): string {
    const what = chartId === "compare" ? "comparison" : `${this.functionName ?? "chart"}-${chartId}`;
    const range = RANGE_PRESETS.includes(this.range as (typeof RANGE_PRESETS)[number]) ? this.range : "custom";
    const safe = `${what}-${range}`.replace(/[^A-Za-z0-9._-]+/g, "-");
    return `${this.#exportDir}/${safe}.${format}`;
  }

  #clear(state: ChartsState) {
    state.view = null;
    state.loading = false;
    state.error = null;
    state.fields = {};
  }
}

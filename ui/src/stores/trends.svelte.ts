// The list's trends: invocations and errors of the last 24 hours per function, for the
// rows in view and their neighbours. Saved trends show at once; the backend then reads
// the missing and stale ones in batched GetMetricData calls (≤ 500 series each). One
// read at a time: rows scrolled into view meanwhile are read when it ends.
import type { Api } from "../lib/api";
import type { ErrorPayload, Trend } from "../lib/bindings";

export type TrendsApi = Pick<Api, "savedTrends" | "refreshTrends">;

/** Scrolling settles for this long before the rows in view are asked for. */
export const SETTLE_MS = 250;
/** The most names one read asks for (the core's limit); more are read in turn. */
export const NAMES_PER_READ = 1000;
/** How often the rows in view are read again while the window is open (the core re-reads only stale ones). */
export const BACKGROUND_REFRESH_MS = 10 * 60_000;

export class TrendsStore {
  byName = $state.raw<ReadonlyMap<string, Trend>>(new Map());
  /** Why the last read failed (the saved trends stay). */
  error = $state.raw<ErrorPayload | null>(null);
  reading = $state(false);
  /** What the last read said of itself (e.g. the saved trends are shown: AWS cannot be reached). */
  notice = $state<string | null>(null);
  #background: ReturnType<typeof setInterval> | null = null;

  #api: TrendsApi;
  #waiting: string[] | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  // The rows last asked for: a scroll that shows the same rows asks for nothing.
  #wanted = "";
  #lastNames: string[] = [];
  // Bumped on a scope switch: answers for the old scope are dropped.
  #generation = 0;

  constructor(api: TrendsApi) {
    this.#api = api;
  }

  get(name: string): Trend | undefined {
    return this.byName.get(name);
  }

  /** The rows in view changed: ask for their trends once scrolling settles. */
  want(names: string[]) {
    const key = names.join("\n");
    if (key === this.#wanted) return;
    this.#wanted = key;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.load(names);
    }, SETTLE_MS);
  }

  /**
   * The saved trends of `names`, then the fresh ones, at most [`NAMES_PER_READ`] at a time
   * (sorting by trends asks for every function).
   */
  async load(names: string[]) {
    if (names.length === 0) return;
    if (this.reading) {
      this.#waiting = names;
      return;
    }
    const generation = this.#generation;
    this.reading = true;
    this.#lastNames = names;
    for (let start = 0; start < names.length; start += NAMES_PER_READ) {
      const chunk = names.slice(start, start + NAMES_PER_READ);
      const saved = await this.#api.savedTrends(chunk.filter((name) => !this.byName.has(name)));
      if (generation !== this.#generation) return;
      if (saved.status === "ok") this.#merge(saved.data);
      const fresh = await this.#api.refreshTrends(chunk);
      if (generation !== this.#generation) return;
      if (fresh.status === "ok") {
        this.#merge(fresh.data.trends);
        this.notice = fresh.data.notice;
        this.error = null;
      } else if (fresh.error.code !== "cancelled") {
        this.error = fresh.error;
        break;
      }
    }
    this.reading = false;
    const next = this.#waiting;
    this.#waiting = null;
    if (next) await this.load(next);
  }

  /** Reads the rows last asked for again every few minutes (the core re-reads only stale ones). */
  refreshInBackground(everyMs = BACKGROUND_REFRESH_MS) {
    if (this.#background !== null) return;
    this.#background = setInterval(() => void this.load(this.#lastNames), everyMs);
  }

  /** Another profile or region: nothing of the old one stays. */
  reset() {
    this.#generation++;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#waiting = null;
    this.#wanted = "";
    this.#lastNames = [];
    this.reading = false;
    this.error = null;
    this.notice = null;
    this.byName = new Map();
  }

  /** Takes the trends that are new or newer; unchanged ones leave the map (and the list's sort) as it was. */
  #merge(trends: Trend[]) {
    const changed = trends.filter((trend) => this.byName.get(trend.function_name)?.fetched_at !== trend.fetched_at);
    if (changed.length === 0) return;
    const next = new Map(this.byName);
    for (const trend of changed) next.set(trend.function_name, trend);
    this.byName = next;
  }
}

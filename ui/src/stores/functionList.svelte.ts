// The function list of the window: the saved list first (a first screen, then all of
// it), then a refresh in the background. A failed refresh never empties what is shown;
// an answer for a scope the window has left is dropped. Beside the one selected function
// (the pane's), a multi-selection picked with Ctrl/Cmd+click and Shift+click (for a tail
// of several functions).
import type { Answer, Api } from "../lib/api";
import type { ErrorPayload, FunctionListView, SyncEvent } from "../lib/bindings";
import { filterFunctions, parseQuery, sortFunctions, syncState, type Sort, type TrendTotals } from "../lib/functions";

/** Rows asked for first: a window's worth, a few KB, painted before the whole list. */
export const FIRST_SCREEN_ROWS = 100;

/** What the list needs from the page: paint timing and performance marks. */
export type PageHooks = {
  /** Resolves once the current state has been painted. */
  painted: () => Promise<void>;
  /** A performance mark (read by the start-up benchmark). */
  mark: (name: string) => void;
};

export class FunctionListStore {
  // Raw, not deeply reactive: 10,000 functions are replaced as a whole, never mutated,
  // and proxying each of them would cost more than the rest of the start-up.
  view = $state.raw<FunctionListView | null>(null);
  refreshing = $state(false);
  progress = $state<SyncEvent | null>(null);
  error = $state<ErrorPayload | null>(null);
  query = $state("");
  sort = $state<Sort>({ column: "name", descending: false });

  functions = $derived(this.view?.functions ?? []);
  parsed = $derived(parseQuery(this.query));
  /** The list trends' totals, for sorting by invocations or errors (set by the app). */
  trendTotals: TrendTotals = () => undefined;
  sorted = $derived(sortFunctions(this.functions, this.sort, this.trendTotals));
  visible = $derived(filterFunctions(this.sorted, this.parsed));
  fetchedAt = $derived(this.view?.fetched_at ?? null);
  syncState = $derived(syncState(this.refreshing, this.error, this.fetchedAt));

  /** Names in the multi-selection, shown or not (a search hides some for a while). */
  multiSelected = $state.raw<ReadonlySet<string>>(new Set());
  /** The multi-selected functions the list shows, in its order: what a tail of them follows. */
  multiSelection = $derived(
    this.multiSelected.size === 0
      ? []
      : this.visible.filter((f) => this.multiSelected.has(f.function_name)).map((f) => f.function_name),
  );
  // Where a Shift+click range starts: the last row toggled, else the selected function.
  #anchor: string | null = null;

  // Bumped when the window leaves a scope: any answer for the old one is dropped.
  #scope = 0;
  // Bumped by every refresh: only the newest one's answer and progress count.
  #refresh = 0;
  // Bumped when a refresh's list is shown: the saved list still loading is older.
  #refreshedViews = 0;
  #api: Pick<Api, "cachedFunctions" | "refreshFunctions" | "cancelRefresh">;
  #page: PageHooks;

  constructor(api: Pick<Api, "cachedFunctions" | "refreshFunctions" | "cancelRefresh">, page: PageHooks) {
    this.#api = api;
    this.#page = page;
  }

  /** The window left this scope: forget what is shown, drop answers still coming. */
  reset() {
    this.#scope++;
    this.view = null;
    this.error = null;
    this.refreshing = false;
    this.progress = null;
    this.clearMultiSelection();
  }

  /**
   * Ctrl/Cmd+click (or Space): `name` in or out of the multi-selection. The first one
   * brings the selected function (`current`) along, as file managers do.
   */
  toggleMultiSelected(name: string, current: string | null) {
    const next = new Set(this.multiSelected);
    if (next.size === 0 && current !== null && current !== name && this.#isShown(current)) next.add(current);
    if (next.has(name)) next.delete(name);
    else next.add(name);
    this.multiSelected = next;
    this.#anchor = name;
  }

  /**
   * Shift+click: the shown rows from the anchor (the last toggled row, else `current`) to
   * `name`, instead of the multi-selection or, `adding` (with Ctrl/Cmd), added to it.
   */
  multiSelectRange(name: string, current: string | null, adding = false) {
    const names = this.visible.map((f) => f.function_name);
    const to = names.indexOf(name);
    if (to < 0) return;
    const anchor = [this.#anchor, current].find((n) => n !== null && names.includes(n)) ?? name;
    const from = names.indexOf(anchor);
    const range = names.slice(Math.min(from, to), Math.max(from, to) + 1);
    this.multiSelected = new Set(adding ? [...this.multiSelected, ...range] : range);
    this.#anchor = anchor;
  }

  clearMultiSelection() {
    if (this.multiSelected.size > 0) this.multiSelected = new Set();
    this.#anchor = null;
  }

  #isShown(name: string) {
    return this.visible.some((f) => f.function_name === name);
  }

  /**
   * The saved list, no network: the first screen (already asked for at start-up, when
   * given), painted, then the whole list. `onFirstScreen` runs once the first screen is
   * on screen (what can wait for it, waits for it).
   */
  async showSaved(firstScreen?: Promise<Answer<FunctionListView>>, onFirstScreen?: () => void) {
    const scope = this.#scope;
    const refreshed = this.#refreshedViews;
    const head = await (firstScreen ?? this.#api.cachedFunctions(FIRST_SCREEN_ROWS));
    if (scope !== this.#scope || refreshed !== this.#refreshedViews) return;
    this.#page.mark("lambda-deck:first-screen-answered");
    if (head.status === "error") {
      this.error = head.error;
      return;
    }
    this.view = head.data;
    await this.#page.painted();
    this.#page.mark("lambda-deck:list-on-screen");
    onFirstScreen?.();
    if (head.data.total > head.data.functions.length) {
      const all = await this.#api.cachedFunctions(null);
      if (scope !== this.#scope) return;
      // A refresh that landed meanwhile has shown a newer list than this saved one.
      if (refreshed === this.#refreshedViews) {
        if (all.status === "ok") this.view = all.data;
        else this.error = all.error;
      }
      await this.#page.painted();
    }
    this.#page.mark("lambda-deck:list-complete");
  }

  /** Refreshes from AWS; true when the list was synced. */
  async refresh(): Promise<boolean> {
    if (this.refreshing) return false;
    const [scope, mine] = [this.#scope, ++this.#refresh];
    const current = () => scope === this.#scope && mine === this.#refresh;
    this.refreshing = true;
    this.progress = null;
    this.error = null;
    const refreshed = await this.#api.refreshFunctions((event) => {
      if (current()) this.progress = event;
    });
    if (!current()) return false;
    this.refreshing = false;
    if (refreshed.status === "ok") {
      this.view = refreshed.data;
      this.#refreshedViews++;
      return true;
    }
    // What is on screen stays: the status line says why it was not refreshed.
    this.error = refreshed.error;
    return false;
  }

  cancelRefresh() {
    void this.#api.cancelRefresh();
  }
}

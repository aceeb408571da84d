// The function list of the window: the saved list first (a first screen, then all of
// it), then a refresh in the background. A failed refresh never empties what is shown;
// an answer for a scope the window has left is dropped.
import type { Answer, Api } from "../lib/api";
import type { ErrorPayload, FunctionListView, SyncEvent } from "../lib/bindings";
import { filterFunctions, parseQuery, sortFunctions, syncState, type Sort } from "../lib/functions";

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
  sorted = $derived(sortFunctions(this.functions, this.sort));
  visible = $derived(filterFunctions(this.sorted, this.parsed));
  fetchedAt = $derived(this.view?.fetched_at ?? null);
  syncState = $derived(syncState(this.refreshing, this.error, this.fetchedAt));

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

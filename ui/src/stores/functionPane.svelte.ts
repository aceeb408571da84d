// The selected function: its saved details at once, fresh ones when the selection
// settles; its tab, each tab's scroll position and the revealed values, remembered per
// function so that switching back and forth finds each as it was left.
import type { Api } from "../lib/api";
import type { ErrorPayload, FunctionDetails } from "../lib/bindings";
import { DEFAULT_TAB, type TabId } from "../lib/tabs";

/** What a function's pane looked like when the user left it. */
type PaneMemory = { tab: TabId; scrollByTab: ReadonlyMap<TabId, number>; revealed: ReadonlySet<string> };

/** Functions whose pane state is remembered (the most recently left ones). */
const REMEMBERED_PANES = 200;
/** Arrow keys move through many functions quickly: fetch only where the user stops. */
export const REFRESH_DELAY_MS = 250;

export class FunctionPaneStore {
  selected = $state<string | null>(null);
  details = $state.raw<FunctionDetails | null>(null);
  refreshing = $state(false);
  error = $state<ErrorPayload | null>(null);
  consoleError = $state<string | null>(null);
  tab = $state<TabId>(DEFAULT_TAB);
  /** Environment variables whose values are shown. */
  revealed = $state.raw<ReadonlySet<string>>(new Set());
  /** Where each tab of the function was scrolled to (the view restores it). */
  #scrollByTab = new Map<TabId, number>();

  #scope = "";
  #memory = new Map<string, PaneMemory>();
  // Bumped by every selection: details for an earlier one are dropped.
  #token = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #api: Pick<Api, "cachedFunctionDetails" | "refreshFunctionDetails" | "openInConsole">;

  constructor(api: Pick<Api, "cachedFunctionDetails" | "refreshFunctionDetails" | "openInConsole">) {
    this.#api = api;
  }

  /** The window's profile and region: pane memory is kept per scope. */
  setScope(profile: string, region: string) {
    this.#scope = `${profile}\u0000${region}`;
  }

  /**
   * Shows a function (or nothing), on `tab` or else on the tab it was left on. Its saved
   * details come at once; fresh ones once the selection has settled.
   */
  select(name: string | null, tab?: TabId) {
    if (name === this.selected) {
      if (tab) this.tab = tab;
      return;
    }
    this.#remember();
    const token = ++this.#token;
    this.#cancelTimer();
    this.selected = name;
    this.details = null;
    this.error = null;
    this.consoleError = null;
    this.refreshing = false;
    const memory = name === null ? undefined : this.#memory.get(this.#key(name));
    this.tab = tab ?? memory?.tab ?? DEFAULT_TAB;
    this.revealed = memory?.revealed ?? new Set();
    this.#scrollByTab = new Map(memory?.scrollByTab);
    if (name === null) return;
    this.#api.cachedFunctionDetails(name).then((saved) => {
      // Fresh details win over saved ones that arrive late.
      if (token === this.#token && saved.status === "ok" && saved.data && !this.details) this.details = saved.data;
    });
    this.#timer = setTimeout(() => void this.refresh(), REFRESH_DELAY_MS);
  }

  /** Fetches the selected function's details again (after a list sync, or on demand). */
  async refresh() {
    this.#cancelTimer();
    const name = this.selected;
    if (name === null) return;
    const token = this.#token;
    this.refreshing = true;
    const fresh = await this.#api.refreshFunctionDetails(name);
    if (token !== this.#token) return;
    this.refreshing = false;
    if (fresh.status === "ok") {
      this.details = fresh.data;
      this.error = null;
    } else if (fresh.error.code !== "cancelled") {
      // Cancelled: a newer request of the window replaced it; nothing to say.
      this.error = fresh.error;
    }
  }

  setTab(tab: TabId) {
    this.tab = tab;
  }

  toggleReveal(variable: string) {
    const next = new Set(this.revealed);
    if (next.has(variable)) next.delete(variable);
    else next.add(variable);
    this.revealed = next;
  }

  /** Where the current tab is scrolled to. */
  get scrollTop(): number {
    return this.#scrollByTab.get(this.tab) ?? 0;
  }

  rememberScroll(scrollTop: number) {
    this.#scrollByTab.set(this.tab, scrollTop);
  }

  async openInConsole() {
    if (this.selected === null) return;
    const opened = await this.#api.openInConsole(this.selected);
    this.consoleError = opened.status === "error" ? opened.error.message : null;
  }

  #remember() {
    if (this.selected === null) return;
    const key = this.#key(this.selected);
    this.#memory.delete(key); // re-inserted last: the map's order is the recency
    this.#memory.set(key, { tab: this.tab, scrollByTab: this.#scrollByTab, revealed: this.revealed });
    if (this.#memory.size > REMEMBERED_PANES) {
      const oldest = this.#memory.keys().next().value;
      if (oldest !== undefined) this.#memory.delete(oldest);
    }
  }

  #key(name: string) {
    return `${this.#scope}\u0000${name}`;
  }

  #cancelTimer() {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}

// The command palette (Ctrl/Cmd+K): fuzzy search over every function of the window's
// profile and region, the profiles and regions to switch to, and the registered actions;
// recent picks first. "payments-api conf" offers payments-api → Configuration, and
// "tail payments-api" offers "Tail logs: payments-api" (a live tail window).
import type { Api } from "../lib/api";
import type { FunctionSummary } from "../lib/bindings";
import { FuzzyIndex, fuzzyMatch } from "../lib/fuzzy";
import { TABS, type TabId } from "../lib/tabs";
import type { Action } from "./actions.svelte";

export type PaletteItem = {
  /**
   * Stable id: `function:<name>`, `function:<name>/<tab>`, `tail:<name>`, `profile:<name>`,
   * `region:<r>`, `action:<id>`.
   */
  id: string;
  kind: "function" | "tab" | "profile" | "region" | "action";
  title: string;
  detail: string;
  /** Indices of `title` to highlight. */
  positions: number[];
  run: () => unknown;
};

/** What the palette searches and what its picks do. */
export type PaletteSources = {
  functions: () => readonly FunctionSummary[];
  profiles: () => readonly string[];
  regions: () => readonly string[];
  actions: () => readonly Action[];
  openFunction: (name: string, tab?: TabId) => unknown;
  /** Opens a live tail window following the function. */
  tailLogs: (name: string) => unknown;
  switchProfile: (name: string) => unknown;
  switchRegion: (region: string) => unknown;
};

/** Results shown at most. */
export const MAX_RESULTS = 50;
/** Function → tab jumps offered for one query. */
const MAX_TAB_JUMPS = 8;
/** A tab jump outranks a plain match of the same function. */
const TAB_JUMP_BONUS = 1_000;
/** Asked for by its word, a tail outranks the Logs tab the same word names. */
const TAIL_BONUS = TAB_JUMP_BONUS + 1;
const TAIL_TITLE = "Tail logs: ";

type Scored = { item: PaletteItem; score: number };

export class PaletteStore {
  open = $state(false);
  query = $state("");
  /** The highlighted result. */
  active = $state(0);
  /** Item ids, most recent first (kept by the backend). */
  recent = $state.raw<readonly string[]>([]);
  results = $derived.by(() => this.#search(this.query));

  #sources: PaletteSources;
  #api: Pick<Api, "recordPalettePick">;
  // Bumped by every pick: only the newest pick's saved list is taken.
  #picks = 0;
  #index: { functions: readonly FunctionSummary[]; index: FuzzyIndex<FunctionSummary> } | null = null;

  constructor(sources: PaletteSources, api: Pick<Api, "recordPalettePick">) {
    this.#sources = sources;
    this.#api = api;
  }

  show() {
    this.open = true;
    this.query = "";
    this.active = 0;
  }

  hide() {
    this.open = false;
  }

  toggle() {
    if (this.open) this.hide();
    else this.show();
  }

  setQuery(query: string) {
    this.query = query;
    this.active = 0;
  }

  /** Moves the highlight, wrapping around. */
  move(delta: number) {
    const count = this.results.length;
    if (count === 0) return;
    this.active = (((this.active + delta) % count) + count) % count;
  }

  /** Runs the highlighted (or given) result, remembers it as recent, and closes. */
  pick(index = this.active) {
    const item = this.results[index];
    if (!item) return;
    this.recent = [item.id, ...this.recent.filter((id) => id !== item.id)];
    this.hide();
    const mine = ++this.#picks;
    void this.#api.recordPalettePick(item.id).then((saved) => {
      if (saved.status === "ok" && mine === this.#picks) this.recent = saved.data.recent_picks;
    });
    item.run();
  }

  #search(query: string): PaletteItem[] {
    const trimmed = query.trim();
    const candidates = trimmed === "" ? this.#everyShortItem() : this.#matching(trimmed);
    const rank = new Map(this.recent.map((id, i) => [id, i]));
    // Recent picks first (most recent first), then by score; the sort is stable.
    candidates.sort((a, b) => {
      const ra = rank.get(a.item.id) ?? Infinity;
      const rb = rank.get(b.item.id) ?? Infinity;
      if (ra !== rb) return ra - rb;
      return b.score - a.score;
    });
    return candidates.slice(0, MAX_RESULTS).map((c) => c.item);
  }

  /**
   * With no query: the recent picks that still exist here, the actions and the profiles
   * (other functions and regions need typing).
   */
  #everyShortItem(): Scored[] {
    const byName = new Map(this.#sources.functions().map((f) => [f.function_name, f]));
    const regions = new Set(this.#sources.regions());
    const recentOnly = this.recent.flatMap((id) => {
      const target = parseFunctionId(id);
      const fn = target && byName.get(target.name);
      if (fn) return [{ item: this.#functionItem(fn, [], target.tab), score: 0 }];
      const tailed = id.startsWith("tail:") ? id.slice("tail:".length) : null;
      if (tailed !== null && byName.has(tailed)) return [{ item: this.#tailItem(tailed, []), score: 0 }];
      const region = id.startsWith("region:") ? id.slice("region:".length) : null;
      return region && regions.has(region) ? [{ item: this.#regionItem(region, []), score: 0 }] : [];
    });
    return [
      ...recentOnly,
      ...this.#sources.actions().map((a) => ({ item: this.#actionItem(a, []), score: 0 })),
      ...this.#sources.profiles().map((p) => ({ item: this.#profileItem(p, []), score: 0 })),
    ];
  }

  #matching(query: string): Scored[] {
    const found: Scored[] = [];
    for (const hit of this.#functionIndex().search(query, MAX_RESULTS)) {
      found.push({ item: this.#functionItem(hit.item, hit.positions), score: hit.score });
    }
    found.push(...this.#tabJumps(query));
    found.push(...this.#tailJumps(query));
    for (const action of this.#sources.actions()) {
      const match = fuzzyMatch(query, action.title) ?? keywordMatch(query, action.keywords);
      if (match) found.push({ item: this.#actionItem(action, match.positions), score: match.score });
    }
    for (const profile of this.#sources.profiles()) {
      const item = this.#profileItem(profile, []);
      const match = fuzzyMatch(query, item.title);
      if (match) found.push({ item: { ...item, positions: match.positions }, score: match.score });
    }
    for (const region of this.#sources.regions()) {
      const item = this.#regionItem(region, []);
      const match = fuzzyMatch(query, item.title);
      if (match) found.push({ item: { ...item, positions: match.positions }, score: match.score });
    }
    return found;
  }

  /** "payments-api conf": the last word names a tab, the rest a function. */
  #tabJumps(query: string): Scored[] {
    const words = query.split(/\s+/);
    const last = words.pop()?.toLowerCase() ?? "";
    const rest = words.join(" ");
    if (rest === "" || last.length < 2) return [];
    const tabs = TABS.filter(
      (tab) =>
        tab.id.startsWith(last) ||
        tab.label.toLowerCase().startsWith(last) ||
        tab.keywords.split(" ").some((k) => k.startsWith(last)),
    );
    if (tabs.length === 0) return [];
    return this.#functionIndex()
      .search(rest, MAX_TAB_JUMPS)
      .flatMap((hit) =>
        tabs.map((tab) => ({ item: this.#functionItem(hit.item, hit.positions, tab.id), score: hit.score + TAB_JUMP_BONUS })),
      );
  }

  /** "tail payments", "Tail logs: payments", "payments tail": a tail of the function the rest names. */
  #tailJumps(query: string): Scored[] {
    const rest = tailTarget(query);
    if (rest === null) return [];
    return this.#functionIndex()
      .search(rest, MAX_TAB_JUMPS)
      .map((hit) => {
        const positions = hit.positions.map((p) => p + TAIL_TITLE.length);
        return { item: this.#tailItem(hit.item.function_name, positions), score: hit.score + TAIL_BONUS };
      });
  }

  #functionIndex(): FuzzyIndex<FunctionSummary> {
    const functions = this.#sources.functions();
    if (this.#index?.functions !== functions) {
      this.#index = { functions, index: new FuzzyIndex(functions, (f) => f.function_name) };
    }
    return this.#index.index;
  }

  #functionItem(fn: FunctionSummary, positions: number[], tab?: TabId): PaletteItem {
    const name = fn.function_name;
    const tabInfo = tab && TABS.find((t) => t.id === tab);
    return {
      id: tab ? `function:${name}/${tab}` : `function:${name}`,
      kind: tab ? "tab" : "function",
      title: tabInfo ? `${name} → ${tabInfo.label}` : name,
      detail: fn.runtime ?? fn.package_type ?? "function",
      positions,
      run: () => this.#sources.openFunction(name, tab),
    };
  }

  #tailItem(name: string, positions: number[]): PaletteItem {
    return {
      id: `tail:${name}`,
      kind: "action",
      title: `${TAIL_TITLE}${name}`,
      detail: "live tail in a new window",
      positions,
      run: () => this.#sources.tailLogs(name),
    };
  }

  #actionItem(action: Action, positions: number[]): PaletteItem {
    return {
      id: `action:${action.id}`,
      kind: "action",
      title: action.title,
      detail: action.shortcut ?? "",
      positions,
      run: action.run,
    };
  }

  #profileItem(profile: string, positions: number[]): PaletteItem {
    return {
      id: `profile:${profile}`,
      kind: "profile",
      title: `Profile: ${profile}`,
      detail: "switch the window to this profile",
      positions,
      run: () => this.#sources.switchProfile(profile),
    };
  }

  #regionItem(region: string, positions: number[]): PaletteItem {
    return {
      id: `region:${region}`,
      kind: "region",
      title: `Region: ${region}`,
      detail: "switch the window to this region",
      positions,
      run: () => this.#sources.switchRegion(region),
    };
  }
}

/** `function:<name>` or `function:<name>/<tab>`. */
function parseFunctionId(id: string): { name: string; tab?: TabId } | null {
  if (!id.startsWith("function:")) return null;
  const [name, tab] = id.slice("function:".length).split("/");
  return { name, tab: TABS.find((t) => t.id === tab)?.id };
}

/**
 * The function part of a query that asks for a tail ("tail …", "tail logs: …", "… tail";
 * "tai" is enough), or null.
 */
function tailTarget(query: string): string | null {
  const words = query.split(/\s+/).filter((w) => w !== "");
  const isTail = (word: string) => {
    const w = word.toLowerCase().replace(/:$/, "");
    return w.length >= 3 && "tail".startsWith(w);
  };
  if (words.length < 2) return null;
  if (isTail(words[0])) {
    const rest = words.slice(1);
    if (rest.length > 1 && /^logs?:?$/i.test(rest[0])) rest.shift();
    return rest.join(" ");
  }
  if (isTail(words[words.length - 1])) return words.slice(0, -1).join(" ");
  return null;
}

/** A match on an action's keywords: ranked, but nothing in the title to highlight. */
function keywordMatch(query: string, keywords: string | undefined) {
  if (!keywords) return null;
  const match = fuzzyMatch(query, keywords);
  return match && { score: match.score - 1, positions: [] };
}

// The main window's state, and what ties its parts together: start-up (saved list
// first, then a refresh), switching profile or region, the route (function and tab),
// Settings, clearing local data, opening live tails, the palette's actions and the
// keyboard shortcuts.
// Views render this and call its methods; none of this lives in a view.
import type { Answer, Api } from "../lib/api";
import type { Appearance, ConnectionSummary, FunctionListView, Preferences } from "../lib/bindings";
import { formatRoute, parseRoute } from "../lib/route";
import { TABS, tabAtShortcut, type TabId } from "../lib/tabs";
import { ActionRegistry } from "./actions.svelte";
import { AppearanceStore, type ColorSchemeQuery, type ThemeTarget } from "./appearance.svelte";
import { FunctionListStore, type PageHooks } from "./functionList.svelte";
import { FunctionPaneStore } from "./functionPane.svelte";
import { LocalDataStore } from "./localData.svelte";
import { MAX_COMPARED, MonitorStore } from "./monitor.svelte";
import { PaletteStore } from "./palette.svelte";
import { ProfileFormStore } from "./profileForm.svelte";
import { SessionStore } from "./session.svelte";
import { TailOpenerStore } from "./tailOpener.svelte";
import { TestTabStore } from "./testTab.svelte";
import { TrendsStore } from "./trends.svelte";

export type SettingsSection = "profiles" | "appearance" | "local-data";

/** What the window gives the stores: the page, the OS theme, the address bar. */
export type AppEnvironment = {
  page: PageHooks;
  colorScheme: ColorSchemeQuery;
  applyTheme: ThemeTarget;
  /** The preference saved when the app started (the page's first paint uses it). */
  initialAppearance: Appearance;
  hash: { get(): string; set(hash: string): void };
  /** Puts the keyboard focus in the search box. */
  focusSearch: () => void;
};

/** The first answers: handed over by the shell, or asked for while the window was built (main.ts). */
export type FirstAnswers = {
  connection: Promise<Answer<ConnectionSummary>>;
  firstScreen: Promise<Answer<FunctionListView>>;
};

/** A key press, as far as the shortcuts care. */
export type KeyPress = { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean };

export class AppStore {
  readonly session: SessionStore;
  readonly list: FunctionListStore;
  readonly pane: FunctionPaneStore;
  readonly test: TestTabStore;
  readonly monitor: MonitorStore;
  readonly trends: TrendsStore;
  readonly appearance: AppearanceStore;
  readonly localData: LocalDataStore;
  readonly profileForm: ProfileFormStore;
  readonly tails: TailOpenerStore;
  readonly actions = new ActionRegistry();
  readonly palette: PaletteStore;

  settingsOpen = $state(false);
  settingsSection = $state<SettingsSection>("profiles");
  // A profile was added, edited or removed while Settings was open.
  #profilesEdited = false;

  #api: Api;
  #env: AppEnvironment;

  constructor(api: Api, env: AppEnvironment) {
    this.#api = api;
    this.#env = env;
    this.session = new SessionStore(api);
    this.list = new FunctionListStore(api, env.page);
    this.pane = new FunctionPaneStore(api);
    this.test = new TestTabStore(api);
    this.monitor = new MonitorStore(api);
    this.trends = new TrendsStore(api);
    this.list.trendTotals = (name) => this.trends.get(name);
    this.appearance = new AppearanceStore(api, env.colorScheme, env.applyTheme, env.initialAppearance);
    this.localData = new LocalDataStore(api);
    this.profileForm = new ProfileFormStore(api);
    this.tails = new TailOpenerStore(api);
    this.palette = new PaletteStore(
      {
        functions: () => this.list.functions,
        profiles: () => this.session.profileNames,
        regions: () => this.session.regions,
        actions: () => this.actions.available(),
        openFunction: (name, tab) => this.navigate({ function: name, tab }),
        tailLogs: (name) => this.tailFromPalette(name),
        switchProfile: (name) => this.switchProfile(name),
        switchRegion: (region) => this.switchRegion(region),
      },
      api,
    );
    this.#registerActions();
  }

  /**
   * Takes what the shell handed over for the first paint, before the views are mounted:
   * the first render then has the rows, with no second pass.
   */
  showHandedOver(connection: ConnectionSummary, firstScreen: FunctionListView) {
    this.session.connection = connection;
    this.#enterScope();
    this.list.view = firstScreen;
  }

  /**
   * Start-up: the saved list first (nothing else is asked for before its first screen is
   * on screen: the pickers' lists and the preferences follow), then a refresh.
   */
  async start(first: FirstAnswers) {
    const connected = this.session.adopt(first.connection).then(() => this.#enterScope());
    const route = parseRoute(this.#env.hash.get());
    const askTheRest = () =>
      void Promise.all([this.session.loadProfiles(), this.session.loadRegions(), this.#loadPreferences()]);
    let asked = false;
    await this.list.showSaved(first.firstScreen, () => {
      asked = true;
      askTheRest();
    });
    if (!asked) askTheRest(); // no first screen (the store could not be read): ask anyway
    this.trends.refreshInBackground();
    await connected;
    if (route.function !== null) this.navigate(route);
    await this.refresh();
  }

  /** Refreshes the list; a synced list brings the selected function's details along. */
  async refresh() {
    if (await this.list.refresh()) await this.pane.refresh();
  }

  switchProfile(profile: string) {
    return this.#afterSwitch(this.session.switchProfile(profile));
  }

  /** Another region for the window's profile (also the environment's unnamed one). */
  switchRegion(region: string) {
    return this.#afterSwitch(this.session.switchRegion(region));
  }

  /** A switch that went through empties the window, shows the new scope's saved list, refreshes it. */
  async #afterSwitch(switching: Promise<boolean>) {
    if (!(await switching)) return;
    this.list.reset();
    this.pane.select(null);
    this.#enterScope();
    this.#env.hash.set(formatRoute({ function: null, tab: this.pane.tab }));
    await this.list.showSaved();
    await this.refresh();
  }

  /**
   * Shows a function (from the list, the palette or the address) on `tab`, or on the tab
   * it was left on.
   */
  navigate(route: { function: string | null; tab?: TabId }) {
    this.pane.select(route.function, route.function === null ? undefined : route.tab);
    this.#env.hash.set(formatRoute({ function: this.pane.selected, tab: this.pane.tab }));
  }

  showTab(tab: TabId) {
    if (this.pane.selected === null) return;
    this.pane.setTab(tab);
    this.#env.hash.set(formatRoute({ function: this.pane.selected, tab }));
  }

  /** Opens a live tail window following the list's multi-selection (as the list shows it). */
  tailSelection() {
    return this.tails.open(this.list.multiSelection);
  }

  /**
   * Compares the list's multi-selection (2 to 10 functions) on one chart, in the Monitor
   * tab of the first of them.
   */
  compareSelection() {
    const names = this.list.multiSelection;
    if (names.length < 2 || names.length > MAX_COMPARED) return;
    this.navigate({ function: names[0], tab: "monitor" });
    this.monitor.show(names[0]);
    return this.monitor.openCompare(names.map((name) => ({ function_name: name, qualifier: null, executed_version: null })));
  }

  /**
   * The palette's "Tail logs: <function>". The palette has closed, so a refusal is shown
   * where the Logs tab's own button would show it.
   */
  async tailFromPalette(name: string) {
    if (await this.tails.open([name])) return;
    if (this.tails.errorFor([name])) this.navigate({ function: name, tab: "logs" });
  }

  openSettings(section: SettingsSection = "profiles") {
    this.palette.hide();
    this.settingsOpen = true;
    this.showSettingsSection(section);
  }

  showSettingsSection(section: SettingsSection) {
    this.settingsSection = section;
    if (section === "local-data") void this.localData.load();
  }

  /** Saves the profile form; the profile list follows. */
  async saveProfile() {
    if (!(await this.profileForm.save())) return;
    this.#profilesEdited = true;
    await this.session.loadProfiles();
  }

  async removeProfile(name: string) {
    if (!(await this.profileForm.remove(name))) return;
    this.#profilesEdited = true;
    await this.session.loadProfiles();
  }

  /**
   * Closing Settings. When a profile was edited or removed the window's own may have
   * changed: it is looked up again, and its saved list shown and refreshed.
   */
  async closeSettings() {
    this.settingsOpen = false;
    this.profileForm.cancel();
    this.localData.cancel();
    if (!this.#profilesEdited) return;
    this.#profilesEdited = false;
    const before = this.session.connection;
    await this.session.reloadConnection();
    const after = this.session.connection;
    if (before?.profile !== after?.profile || before?.region !== after?.region) this.navigate({ function: null });
    this.#enterScope();
    this.list.reset();
    await this.list.showSaved();
    await this.refresh();
  }

  /** Clears what Settings → Local data asked about; the window then shows what is left. */
  async confirmClear() {
    const cleared = await this.localData.confirm();
    if (cleared === null) return;
    const scope = this.session.connection;
    const mine = cleared.scope === null || (scope?.profile === cleared.scope.profile && scope.region === cleared.scope.region);
    if (!mine) return;
    // Honest, not refilled behind the user's back: the empty state until they refresh.
    this.list.reset();
    this.navigate({ function: null });
    await this.list.showSaved();
  }

  /** The window's shortcuts; true when the key was one. */
  handleShortcut(key: KeyPress, typing: boolean): boolean {
    const command = key.ctrlKey || key.metaKey;
    if (command && !key.altKey && key.key.toLowerCase() === "k") {
      this.palette.toggle();
      return true;
    }
    if (command && !key.altKey && key.key === ",") {
      this.openSettings();
      return true;
    }
    if (command && !key.altKey && /^[1-9]$/.test(key.key)) {
      const tab = tabAtShortcut(Number(key.key));
      if (tab && this.pane.selected !== null && !this.settingsOpen) {
        this.showTab(tab);
        return true;
      }
      return false;
    }
    if (key.key === "/" && !command && !typing && !this.settingsOpen && !this.palette.open) {
      this.#env.focusSearch();
      return true;
    }
    const picking = this.list.multiSelected.size > 0;
    if (key.key === "Escape" && picking && !typing && !this.settingsOpen && !this.palette.open) {
      this.list.clearMultiSelection();
      return true;
    }
    return false;
  }

  #enterScope() {
    this.tails.reset();
    this.trends.reset();
    this.monitor.show(null);
    const connection = this.session.connection;
    if (connection) this.pane.setScope(connection.profile, connection.region);
    if (connection) void this.test.setScope(connection.profile, connection.region);
  }

  async #loadPreferences() {
    const answer = await this.#api.preferences();
    if (answer.status === "ok") this.#adoptPreferences(answer.data);
  }

  #adoptPreferences(preferences: Preferences) {
    this.appearance.adopt(preferences.appearance);
    this.palette.recent = preferences.recent_picks;
  }

  #registerActions() {
    const selected = () => this.pane.selected !== null;
    this.actions.register(
      { id: "refresh", title: "Refresh the function list", keywords: "sync reload", run: () => this.refresh() },
      { id: "search", title: "Search functions", shortcut: "/", run: () => this.#env.focusSearch() },
      { id: "settings", title: "Open Settings", keywords: "profiles preferences", shortcut: "Ctrl+,", run: () => this.openSettings() },
      { id: "local-data", title: "Settings: Local data", keywords: "store cache size clear", run: () => this.openSettings("local-data") },
      { id: "toggle-theme", title: "Toggle light/dark theme", keywords: "appearance dark mode", run: () => this.appearance.toggle() },
      { id: "system-theme", title: "Appearance: follow the system", keywords: "theme os", run: () => this.appearance.set("system") },
      {
        id: "compare-selection",
        title: "Compare metrics of the selected functions",
        keywords: "monitor chart graph invocations errors duration",
        available: () => this.list.multiSelection.length >= 2 && this.list.multiSelection.length <= MAX_COMPARED,
        run: () => this.compareSelection(),
      },
      { id: "console", title: "Open in AWS console", keywords: "browser web", available: selected, run: () => this.pane.openInConsole() },
      ...TABS.map((tab, i) => ({
        id: `tab-${tab.id}`,
        title: `Show ${tab.label}`,
        keywords: tab.keywords,
        shortcut: `Ctrl+${i + 1}`,
        available: selected,
        run: () => this.showTab(tab.id),
      })),
    );
  }
}

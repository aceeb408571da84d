import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Api } from "../lib/api";
import { AppStore, type AppEnvironment, type KeyPress } from "./app.svelte";
import { fail, listView, ok, settle } from "./fakes";

const key = (k: string, ctrl = false): KeyPress => ({ key: k, ctrlKey: ctrl, metaKey: false, altKey: false, shiftKey: false });

function fakeApi(overrides: Partial<Record<keyof Api, unknown>> = {}): Api {
  const connection = { profile: "work", region: "eu-west-1", endpoint_url: null };
  return {
    activeConnection: vi.fn(async () => ok(connection)),
    selectProfile: vi.fn(async (profile: string) => ok({ profile, region: "eu-west-1", endpoint_url: null })),
    selectRegion: vi.fn(async (region: string) => ok({ profile: "work", region, endpoint_url: null })),
    listProfiles: vi.fn(async () => ok([])),
    listRegions: vi.fn(async () => ["eu-west-1", "us-east-1"]),
    cachedFunctions: vi.fn(async () => ok(listView(["a", "b"]))),
    refreshFunctions: vi.fn(async () => ok(listView(["a", "b", "c"]))),
    cancelRefresh: vi.fn(async () => undefined),
    cachedFunctionDetails: vi.fn(async () => ok(null)),
    refreshFunctionDetails: vi.fn(async (name: string) =>
      ok({ function_name: name, configuration: null, aliases: null, versions: null, event_source_mappings: null, refresh_errors: [] }),
    ),
    openInConsole: vi.fn(async () => ok(null)),
    preferences: vi.fn(async () => ok({ appearance: "dark", recent_picks: ["action:refresh"] })),
    setAppearance: vi.fn(async () => ok({ appearance: "dark", recent_picks: [] })),
    recordPalettePick: vi.fn(async () => ok({ appearance: "system", recent_picks: [] })),
    localData: vi.fn(async () => ok({ path: null, file_bytes: 0, scopes: [], notice: null })),
    clearLocalData: vi.fn(async () => ok({ path: null, file_bytes: 0, scopes: [], notice: null })),
    invocationHistoryLimit: vi.fn(async () => ok(100)),
    setInvocationHistoryLimit: vi.fn(async (keep: number) => ok(keep)),
    tailBufferLines: vi.fn(async () => ok(100_000)),
    setTailBufferLines: vi.fn(async () => ok(null)),
    openTailWindow: vi.fn(async () => ok("tail-1")),
    saveProfile: vi.fn(),
    removeProfile: vi.fn(),
    testProfile: vi.fn(),
    runningStreams: vi.fn(async () => []),
    ...overrides,
  } as unknown as Api;
}

function app(api = fakeApi(), hash = "") {
  let address = hash;
  const env: AppEnvironment = {
    page: { painted: () => Promise.resolve(), mark: () => {} },
    colorScheme: { matches: false, addEventListener: () => {} },
    applyTheme: vi.fn(),
    initialAppearance: "system",
    hash: { get: () => address, set: (next) => (address = next) },
    focusSearch: vi.fn(),
  };
  const store = new AppStore(api, env);
  const first = { connection: api.activeConnection(), firstScreen: api.cachedFunctions(100) };
  return { store, api, env, first, address: () => address };
}

describe("the main window", () => {
  beforeEach(() => vi.useRealTimers());

  it("starts with the saved list, then refreshes, and takes the saved preferences", async () => {
    const { store, api, first } = app();
    await store.start(first);
    expect(api.refreshFunctions).toHaveBeenCalledTimes(1);
    expect(store.list.functions.map((f) => f.function_name)).toEqual(["a", "b", "c"]);
    await settle();
    expect(store.appearance.preference).toBe("dark");
    expect(store.palette.recent).toEqual(["action:refresh"]);
  });

  it("shows what the shell handed over before it has asked anything", async () => {
    const { store } = app();
    store.showHandedOver({ profile: "work", region: "eu-west-1", endpoint_url: null }, listView(["a", "b"], 3));
    expect(store.list.functions.map((f) => f.function_name)).toEqual(["a", "b"]);
    expect(store.session.connection?.profile).toBe("work");
    expect(store.list.syncState).toBe("synced");
  });

  it("opens the function and tab the address names", async () => {
    const { store, first, address } = app(fakeApi(), "#/functions/b/configuration");
    await store.start(first);
    expect([store.pane.selected, store.pane.tab]).toEqual(["b", "configuration"]);
    store.navigate({ function: "a" });
    expect(address()).toBe("#/functions/a/overview");
  });

  it("a switch empties the window, shows the new scope's saved list and refreshes it", async () => {
    const { store, api, first } = app();
    await store.start(first);
    store.navigate({ function: "a", tab: "configuration" });
    await store.switchRegion("us-east-1");
    expect(api.selectRegion).toHaveBeenCalledWith("us-east-1");
    expect(store.pane.selected).toBeNull();
    expect(api.refreshFunctions).toHaveBeenCalledTimes(2);
    expect(store.session.connection?.region).toBe("us-east-1");
    await store.switchProfile("play");
    expect(api.selectProfile).toHaveBeenCalledWith("play", null);
    expect(store.session.connection?.profile).toBe("play");
  });

  it("a refused switch leaves the window as it was", async () => {
    const api = fakeApi({ selectRegion: vi.fn(async () => fail("invalid_input", "bad region")) });
    const { store, first } = app(api);
    await store.start(first);
    store.navigate({ function: "a" });
    await store.switchRegion("eu-wset-1");
    expect(store.pane.selected).toBe("a");
    expect(store.list.functions).toHaveLength(3);
    expect(store.session.error?.message).toBe("bad region");
  });

  it("after clearing the window's data, shows the empty state without refilling it", async () => {
    const api = fakeApi();
    const { store, first } = app(api);
    await store.start(first);
    (api.cachedFunctions as ReturnType<typeof vi.fn>).mockResolvedValue(
      ok({ ...listView([]), fetched_at: null }),
    );
    store.navigate({ function: "a" });
    store.openSettings("local-data");
    store.localData.ask({ profile: "work", region: "eu-west-1" });
    await store.confirmClear();
    expect(store.list.functions).toHaveLength(0);
    expect(store.pane.selected).toBeNull();
    expect(store.list.syncState).toBe("never");
    expect(api.refreshFunctions).toHaveBeenCalledTimes(1);
  });

  it("clearing another scope leaves the window's list alone", async () => {
    const api = fakeApi();
    const { store, first } = app(api);
    await store.start(first);
    store.localData.ask({ profile: "play", region: "us-east-1" });
    await store.confirmClear();
    expect(api.clearLocalData).toHaveBeenCalledWith({ profile: "play", region: "us-east-1" });
    expect(store.list.functions).toHaveLength(3);
  });

  it("closing Settings refreshes only when a profile was added, edited or removed", async () => {
    const api = fakeApi({ removeProfile: vi.fn(async () => ok(null)) });
    const { store, first } = app(api);
    await store.start(first);
    store.openSettings();
    await store.closeSettings();
    expect(api.refreshFunctions).toHaveBeenCalledTimes(1);
    store.openSettings();
    await store.removeProfile("old");
    expect(api.listProfiles).toHaveBeenCalledTimes(2);
    await store.closeSettings();
    expect(api.activeConnection).toHaveBeenCalledTimes(2);
    expect(api.refreshFunctions).toHaveBeenCalledTimes(2);
  });

  it("answers its shortcuts: Ctrl+K, Ctrl+digit, Ctrl+, and /", async () => {
    const { store, env, first } = app();
    await store.start(first);
    expect(store.handleShortcut(key("k", true), false)).toBe(true);
    expect(store.palette.open).toBe(true);
    store.handleShortcut(key("k", true), false);
    expect(store.palette.open).toBe(false);
    expect(store.handleShortcut(key("2", true), false)).toBe(false); // no function selected
    store.navigate({ function: "a" });
    expect(store.handleShortcut(key("2", true), false)).toBe(true);
    expect(store.pane.tab).toBe("configuration");
    expect(store.handleShortcut(key("/"), true)).toBe(false); // typing in a field
    expect(store.handleShortcut(key("/"), false)).toBe(true);
    expect(env.focusSearch).toHaveBeenCalled();
    store.handleShortcut(key(",", true), false);
    expect(store.settingsOpen).toBe(true);
  });

  it("registers the frame's actions for the palette", async () => {
    const { store, first } = app();
    await store.start(first);
    const ids = () => store.actions.available().map((a) => a.id);
    expect(ids()).toContain("toggle-theme");
    expect(ids()).not.toContain("console");
    store.navigate({ function: "a" });
    expect(ids()).toEqual(expect.arrayContaining(["console", "tab-overview", "tab-configuration"]));
    store.actions.run("toggle-theme");
    await settle();
    expect(store.appearance.effective).toBe("light");
  });

  it("tails the functions picked in the list, in the list's order; Escape clears the picks", async () => {
    const { store, api, first } = app();
    await store.start(first);
    store.navigate({ function: "b" });
    store.list.toggleMultiSelected("a", store.pane.selected);
    store.list.multiSelectRange("c", store.pane.selected, true);
    expect(store.list.multiSelection).toEqual(["a", "b", "c"]);
    expect(await store.tailSelection()).toBe(true);
    expect(api.openTailWindow).toHaveBeenCalledWith(["a", "b", "c"]);
    expect(store.handleShortcut(key("Escape"), true)).toBe(false); // typing in a field
    expect(store.handleShortcut(key("Escape"), false)).toBe(true);
    expect(store.list.multiSelection).toEqual([]);
    expect(store.pane.selected).toBe("b");
    expect(store.handleShortcut(key("Escape"), false)).toBe(false); // nothing left to clear
  });

  it("tails a function from the palette; a refusal shows on its Logs tab", async () => {
    const api = fakeApi();
    const { store, first } = app(api);
    await store.start(first);
    store.palette.show();
    store.palette.setQuery("tail b");
    expect(store.palette.results[0].title).toBe("Tail logs: b");
    store.palette.pick();
    await settle();
    expect(api.openTailWindow).toHaveBeenCalledWith(["b"]);
    expect(store.pane.selected).toBeNull();
    (api.openTailWindow as ReturnType<typeof vi.fn>).mockResolvedValue(fail("invalid_input", "No such function"));
    await store.tailFromPalette("c");
    expect([store.pane.selected, store.pane.tab]).toEqual(["c", "logs"]);
    expect(store.tails.errorFor(["c"])?.message).toBe("No such function");
    // Another profile: the refusal about the old one goes.
    await store.switchProfile("play");
    expect(store.tails.failure).toBeNull();
  });

  it("offers the Logs tab with the others", async () => {
    const { store, first } = app();
    await store.start(first);
    store.navigate({ function: "a" });
    expect(store.handleShortcut(key("4", true), false)).toBe(true);
    expect(store.pane.tab).toBe("logs");
    expect(store.actions.available().map((a) => a.id)).toContain("tab-logs");
  });
});

import { describe, expect, it, vi } from "vitest";
import type { SyncEvent } from "../lib/bindings";
import { deferred, fail, listView, ok, settle } from "./fakes";
import { FIRST_SCREEN_ROWS, FunctionListStore } from "./functionList.svelte";

const page = () => ({ painted: () => Promise.resolve(), mark: vi.fn() });

function store(overrides: Record<string, unknown> = {}) {
  const api = {
    cachedFunctions: vi.fn(async (limit: number | null) => ok(listView(limit ? ["a", "b"] : ["a", "b", "c"], 3))),
    refreshFunctions: vi.fn(async () => ok(listView(["a", "b", "c", "d"]))),
    cancelRefresh: vi.fn(async () => undefined),
    ...overrides,
  };
  const hooks = page();
  return { list: new FunctionListStore(api as never, hooks), api, hooks };
}

describe("the function list", () => {
  it("shows the first screen, then the whole saved list, with the benchmark's marks", async () => {
    const { list, api, hooks } = store();
    const shownAt: number[] = [];
    await list.showSaved(undefined, () => shownAt.push(api.cachedFunctions.mock.calls.length));
    expect(api.cachedFunctions.mock.calls).toEqual([[FIRST_SCREEN_ROWS], [null]]);
    expect(list.functions.map((f) => f.function_name)).toEqual(["a", "b", "c"]);
    expect(hooks.mark.mock.calls.map(([name]) => name)).toEqual([
      "lambda-deck:first-screen-answered",
      "lambda-deck:list-on-screen",
      "lambda-deck:list-complete",
    ]);
    // Told once the first screen is on screen, before the rest is asked for.
    expect(shownAt).toEqual([1]);
  });

  it("filters and sorts what it shows", async () => {
    const { list } = store();
    await list.showSaved();
    list.query = "b";
    expect(list.visible.map((f) => f.function_name)).toEqual(["b"]);
    list.query = "";
    list.sort = { column: "name", descending: true };
    expect(list.visible.map((f) => f.function_name)).toEqual(["c", "b", "a"]);
  });

  it("keeps the saved list when a refresh fails, and says why", async () => {
    const { list } = store({ refreshFunctions: vi.fn(async () => fail("network", "Cannot reach AWS")) });
    await list.showSaved();
    expect(await list.refresh()).toBe(false);
    expect(list.functions).toHaveLength(3);
    expect(list.syncState).toBe("offline");
  });

  it("drops a saved list that arrives after the window switched scope", async () => {
    const late = deferred<ReturnType<typeof ok>>();
    const { list } = store({ cachedFunctions: vi.fn(() => late.promise) });
    const showing = list.showSaved();
    list.reset(); // switched profile meanwhile
    late.resolve(ok(listView(["old-profile-fn"])));
    await showing;
    expect(list.view).toBeNull();
  });

  it("drops a refresh, and its progress, that ends after a switch", async () => {
    const late = deferred<ReturnType<typeof ok>>();
    let report: (event: SyncEvent) => void = () => {};
    const { list } = store({
      refreshFunctions: vi.fn((onProgress: (event: SyncEvent) => void) => {
        report = onProgress;
        return late.promise;
      }),
    });
    const refreshing = list.refresh();
    report({ kind: "page", pages: 1, functions: 50 });
    expect(list.progress).toEqual({ kind: "page", pages: 1, functions: 50 });
    list.reset();
    report({ kind: "page", pages: 2, functions: 100 });
    late.resolve(ok(listView(["old-profile-fn"])));
    expect(await refreshing).toBe(false);
    expect(list.progress).toBeNull();
    expect(list.view).toBeNull();
    expect(list.refreshing).toBe(false);
  });

  it("keeps loading the whole saved list when a refresh starts meanwhile, and fails", async () => {
    const whole = deferred<ReturnType<typeof ok>>();
    const { list } = store({
      cachedFunctions: vi.fn((limit: number | null) => (limit ? Promise.resolve(ok(listView(["a"], 3))) : whole.promise)),
      refreshFunctions: vi.fn(async () => fail("network")),
    });
    const showing = list.showSaved();
    await settle();
    expect(await list.refresh()).toBe(false); // offline
    whole.resolve(ok(listView(["a", "b", "c"])));
    await showing;
    expect(list.functions).toHaveLength(3);
  });

  it("does not let the saved list, still loading, replace what a refresh brought", async () => {
    const whole = deferred<ReturnType<typeof ok>>();
    const { list } = store({
      cachedFunctions: vi.fn((limit: number | null) => (limit ? Promise.resolve(ok(listView(["a"], 3))) : whole.promise)),
      refreshFunctions: vi.fn(async () => ok(listView(["a", "b", "c", "fresh"]))),
    });
    const showing = list.showSaved();
    await settle();
    expect(await list.refresh()).toBe(true);
    whole.resolve(ok(listView(["a", "b", "c"])));
    await showing;
    expect(list.functions.map((f) => f.function_name)).toContain("fresh");
  });

  it("runs one refresh at a time", async () => {
    const late = deferred<ReturnType<typeof ok>>();
    const { list, api } = store({ refreshFunctions: vi.fn(() => late.promise) });
    const first = list.refresh();
    expect(await list.refresh()).toBe(false);
    late.resolve(ok(listView(["a"])));
    expect(await first).toBe(true);
    await settle();
    expect(api.refreshFunctions).toHaveBeenCalledTimes(1);
    expect(list.syncState).toBe("synced");
  });
});

describe("the multi-selection", () => {
  async function shown(names: string[]) {
    const { list } = store({ cachedFunctions: vi.fn(async () => ok(listView(names))) });
    await list.showSaved();
    return list;
  }

  it("toggles with Ctrl/Cmd+click, bringing the selected function along at first", async () => {
    const list = await shown(["a", "b", "c", "d"]);
    list.toggleMultiSelected("c", "a");
    expect(list.multiSelection).toEqual(["a", "c"]);
    list.toggleMultiSelected("b", "a");
    list.toggleMultiSelected("a", "a");
    expect(list.multiSelection).toEqual(["b", "c"]);
    // Space on the selected row, with nothing picked: just that row.
    list.clearMultiSelection();
    list.toggleMultiSelected("d", "d");
    expect(list.multiSelection).toEqual(["d"]);
  });

  it("selects a range with Shift+click, from the last toggled row or the selected one", async () => {
    const list = await shown(["a", "b", "c", "d", "e"]);
    list.multiSelectRange("d", "b");
    expect(list.multiSelection).toEqual(["b", "c", "d"]);
    list.multiSelectRange("a", "b"); // the anchor stays: the range turns around it
    expect(list.multiSelection).toEqual(["a", "b"]);
    list.toggleMultiSelected("e", "b");
    list.multiSelectRange("d", "b", true); // Ctrl+Shift: added to the picks
    expect(list.multiSelection).toEqual(["a", "b", "d", "e"]);
  });

  it("follows the list's order and search; clearing, or another scope, empties it", async () => {
    const list = await shown(["a", "b", "c"]);
    list.toggleMultiSelected("c", null);
    list.toggleMultiSelected("a", null);
    expect(list.multiSelection).toEqual(["a", "c"]);
    list.sort = { column: "name", descending: true };
    expect(list.multiSelection).toEqual(["c", "a"]);
    list.query = "c";
    expect(list.multiSelection).toEqual(["c"]);
    list.query = "";
    expect(list.multiSelection).toEqual(["c", "a"]);
    list.clearMultiSelection();
    expect(list.multiSelection).toEqual([]);
    list.toggleMultiSelected("b", "a");
    list.reset();
    expect(list.multiSelected.size).toBe(0);
  });
});

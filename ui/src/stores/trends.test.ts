import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Trend } from "../lib/bindings";
import { deferred, fail, ok } from "./fakes";
import { NAMES_PER_READ, SETTLE_MS, TrendsStore, type TrendsApi } from "./trends.svelte";

function trend(name: string, invocations: number, errors = 0): Trend {
  return {
    function_name: name,
    invocations: [invocations],
    errors: [errors],
    total_invocations: invocations,
    total_errors: errors,
    fetched_at: "2026-11-29T10:00:00Z",
  };
}

function fakeApi(): TrendsApi & { savedTrends: ReturnType<typeof vi.fn>; refreshTrends: ReturnType<typeof vi.fn> } {
  return {
    savedTrends: vi.fn(async (names: string[]) => ok(names.filter((n) => n === "a").map((n) => trend(n, 1)))),
    refreshTrends: vi.fn(async (names: string[]) => ok({ trends: names.map((n) => trend(n, 10)), calls: 1, notice: null })),
  };
}

describe("TrendsStore", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("asks once scrolling settles, for the last rows in view only", async () => {
    const api = fakeApi();
    const store = new TrendsStore(api);
    store.want(["a"]);
    store.want(["a", "b"]);
    expect(api.savedTrends).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(api.savedTrends).toHaveBeenCalledTimes(1);
    expect(api.refreshTrends).toHaveBeenCalledWith(["a", "b"]);
    expect(store.get("b")?.total_invocations).toBe(10);
  });

  it("shows saved trends before the fresh ones, and keeps them when the read fails", async () => {
    const api = fakeApi();
    const fresh = deferred<ReturnType<typeof fail>>();
    api.refreshTrends.mockReturnValueOnce(fresh.promise);
    const store = new TrendsStore(api);
    const loading = store.load(["a", "b"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.get("a")?.total_invocations).toBe(1);
    fresh.resolve(fail("network", "Cannot reach AWS"));
    await loading;
    expect(store.get("a")?.total_invocations).toBe(1);
    expect(store.error?.code).toBe("network");
  });

  it("reads the rows asked for during a read when it ends, and drops answers after a reset", async () => {
    const api = fakeApi();
    const first = deferred<Awaited<ReturnType<TrendsApi["refreshTrends"]>>>();
    api.refreshTrends.mockReturnValueOnce(first.promise);
    const store = new TrendsStore(api);
    const loading = store.load(["a"]);
    await vi.advanceTimersByTimeAsync(0);
    void store.load(["c"]);
    expect(api.refreshTrends).toHaveBeenCalledTimes(1);
    first.resolve(ok({ trends: [trend("a", 5)], calls: 1, notice: null }));
    await loading;
    expect(api.refreshTrends).toHaveBeenLastCalledWith(["c"]);
    expect(store.get("c")?.total_invocations).toBe(10);

    const late = deferred<Awaited<ReturnType<TrendsApi["refreshTrends"]>>>();
    api.refreshTrends.mockReturnValueOnce(late.promise);
    const stale = store.load(["d"]);
    await vi.advanceTimersByTimeAsync(0);
    store.reset();
    late.resolve(ok({ trends: [trend("d", 7)], calls: 1, notice: null }));
    await stale;
    await vi.advanceTimersByTimeAsync(0);
    expect(store.get("d")).toBeUndefined();
    expect(store.byName.size).toBe(0);
  });

  it("asks nothing for the same rows again, and keeps the map when nothing changed", async () => {
    const api = fakeApi();
    const store = new TrendsStore(api);
    store.want(["a", "b"]);
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    const map = store.byName;
    store.want(["a", "b"]);
    await vi.advanceTimersByTimeAsync(SETTLE_MS);
    expect(api.refreshTrends).toHaveBeenCalledTimes(1);
    // The same trends answered again (same fetch time): the list is not re-sorted.
    await store.load(["a", "b"]);
    expect(api.refreshTrends).toHaveBeenCalledTimes(2);
    expect(store.byName).toBe(map);
  });

  it("reads more names than one read takes in turn, and refreshes the last rows in the background", async () => {
    const api = fakeApi();
    const store = new TrendsStore(api);
    const names = Array.from({ length: 2 * NAMES_PER_READ + 5 }, (_, i) => `f${i}`);
    await store.load(names);
    expect(api.refreshTrends.mock.calls.map(([chunk]) => chunk.length)).toEqual([NAMES_PER_READ, NAMES_PER_READ, 5]);
    expect(store.byName.size).toBe(names.length);

    store.refreshInBackground(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.refreshTrends).toHaveBeenCalledTimes(6);
  });
});

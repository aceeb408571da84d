import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { FunctionDetails } from "../lib/bindings";
import { deferred, fail, ok } from "./fakes";
import { FunctionPaneStore, REFRESH_DELAY_MS } from "./functionPane.svelte";

function details(name: string, marker = "saved"): FunctionDetails {
  return {
    function_name: name,
    configuration: null,
    aliases: { fetched_at: "2026-11-28T10:00:00Z", aliases: [{ name: marker, function_version: "1", description: null, additional_version_weights: [] }] },
    versions: null,
    event_source_mappings: null,
    refresh_errors: [],
  };
}

function pane(overrides: Record<string, unknown> = {}) {
  const api = {
    cachedFunctionDetails: vi.fn(async (name: string) => ok(details(name, "saved"))),
    refreshFunctionDetails: vi.fn(async (name: string) => ok(details(name, "fresh"))),
    openInConsole: vi.fn(async () => ok(null)),
    ...overrides,
  };
  const store = new FunctionPaneStore(api as never);
  store.setScope("work", "eu-west-1");
  return { store, api };
}

const aliasOf = (store: FunctionPaneStore) => store.details?.aliases?.aliases[0]?.name;

describe("the function pane", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("shows saved details at once and fresh ones when the selection settles", async () => {
    const { store, api } = pane();
    store.select("orders");
    await vi.advanceTimersByTimeAsync(0);
    expect(aliasOf(store)).toBe("saved");
    expect(api.refreshFunctionDetails).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(aliasOf(store)).toBe("fresh");
  });

  it("fetches only where the arrow keys stop", async () => {
    const { store, api } = pane();
    for (const name of ["a", "b", "c", "d"]) {
      store.select(name);
      await vi.advanceTimersByTimeAsync(50);
    }
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(api.refreshFunctionDetails.mock.calls).toEqual([["d"]]);
  });

  it("drops details of a function the user has left", async () => {
    const late = deferred<ReturnType<typeof ok<FunctionDetails>>>();
    const { store } = pane({ refreshFunctionDetails: vi.fn(() => late.promise) });
    store.select("orders");
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    store.select("payments");
    late.resolve(ok(details("orders", "fresh-orders")));
    await vi.advanceTimersByTimeAsync(0);
    expect(store.details?.function_name).toBe("payments");
    expect(aliasOf(store)).toBe("saved");
  });

  it("does not let late saved details replace fresh ones", async () => {
    const saved = deferred<ReturnType<typeof ok<FunctionDetails>>>();
    const { store } = pane({ cachedFunctionDetails: vi.fn(() => saved.promise) });
    store.select("orders");
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(aliasOf(store)).toBe("fresh");
    saved.resolve(ok(details("orders", "saved")));
    await vi.advanceTimersByTimeAsync(0);
    expect(aliasOf(store)).toBe("fresh");
  });

  it("keeps an error of one function off the next", async () => {
    const { store } = pane({
      refreshFunctionDetails: vi.fn(async (name: string) =>
        name === "broken" ? fail("network") : ok(details(name, "fresh")),
      ),
    });
    store.select("broken");
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(store.error?.code).toBe("network");
    expect(aliasOf(store)).toBe("saved");
    store.select("fine");
    expect(store.error).toBeNull();
  });

  it("remembers each function's tab, each tab's scroll and the revealed values", () => {
    const { store } = pane();
    store.select("orders");
    store.rememberScroll(90);
    store.setTab("configuration");
    expect(store.scrollTop).toBe(0);
    store.rememberScroll(420);
    store.toggleReveal("TABLE");
    store.select("payments");
    expect([store.tab, store.scrollTop, store.revealed.size]).toEqual(["overview", 0, 0]);
    store.select("orders");
    expect([store.tab, store.scrollTop, [...store.revealed]]).toEqual(["configuration", 420, ["TABLE"]]);
    store.setTab("overview");
    expect(store.scrollTop).toBe(90);
    // A route naming the tab wins over the remembered one.
    store.select("payments", "configuration");
    expect(store.tab).toBe("configuration");
  });

  it("keeps pane memory apart per profile and region", () => {
    const { store } = pane();
    store.select("orders");
    store.setTab("configuration");
    store.select(null);
    store.setScope("work", "us-east-1");
    store.select("orders");
    expect(store.tab).toBe("overview");
  });

  it("says nothing of a refresh a newer one replaced", async () => {
    const { store } = pane({ refreshFunctionDetails: vi.fn(async () => fail("cancelled")) });
    store.select("orders");
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(store.error).toBeNull();
    expect(store.refreshing).toBe(false);
  });

  it("says why the console could not be opened", async () => {
    const { store } = pane({ openInConsole: vi.fn(async () => fail("configuration", "Cannot open the browser")) });
    store.select("orders");
    await store.openInConsole();
    expect(store.consoleError).toBe("Cannot open the browser");
  });
});

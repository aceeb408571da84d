import { describe, expect, it, vi } from "vitest";
import { ActionRegistry } from "./actions.svelte";
import { ok, settle, summary } from "./fakes";
import { PaletteStore, type PaletteSources } from "./palette.svelte";

function palette(names: string[], overrides: Partial<PaletteSources> = {}) {
  const actions = new ActionRegistry();
  const calls: string[] = [];
  actions.register(
    { id: "refresh", title: "Refresh the function list", run: () => calls.push("refresh") },
    { id: "toggle-theme", title: "Toggle light/dark theme", keywords: "appearance dark mode", run: () => calls.push("theme") },
    { id: "console", title: "Open in AWS console", available: () => false, run: () => calls.push("console") },
  );
  const functions = names.map(summary);
  const sources: PaletteSources = {
    functions: () => functions,
    profiles: () => ["work", "play"],
    regions: () => ["eu-west-1", "us-east-1"],
    actions: () => actions.available(),
    openFunction: (name, tab) => calls.push(`open ${name}${tab ? ` ${tab}` : ""}`),
    tailLogs: (name) => calls.push(`tail ${name}`),
    switchProfile: (name) => calls.push(`profile ${name}`),
    switchRegion: (region) => calls.push(`region ${region}`),
    ...overrides,
  };
  const api = { recordPalettePick: vi.fn(async (id: string) => ok({ appearance: "system", recent_picks: [id] })) };
  return { store: new PaletteStore(sources, api as never), calls, api };
}

const titles = (store: PaletteStore) => store.results.map((r) => r.title);

describe("the command palette", () => {
  it("finds a function by a fuzzy query and opens it", () => {
    const { store, calls } = palette(["payments-api", "orders-worker", "payments-webhook"]);
    store.show();
    store.setQuery("pay api");
    expect(titles(store)[0]).toBe("payments-api");
    store.pick();
    expect(calls).toEqual(["open payments-api"]);
    expect(store.open).toBe(false);
  });

  it("offers a function's tab when the last word names one", () => {
    const { store, calls } = palette(["payments-api", "orders-worker"]);
    store.setQuery("payments-api conf");
    expect(titles(store)[0]).toBe("payments-api → Configuration");
    store.pick();
    expect(calls).toEqual(["open payments-api configuration"]);
    store.setQuery("orders env");
    expect(titles(store)[0]).toBe("orders-worker → Configuration");
  });

  it("switches region and profile", () => {
    const { store, calls } = palette(["payments-api"]);
    store.setQuery("us-east");
    expect(titles(store)[0]).toBe("Region: us-east-1");
    store.pick();
    store.setQuery("profile play");
    store.pick();
    expect(calls).toEqual(["region us-east-1", "profile play"]);
  });

  it("lists only the actions that apply, matched by title or keyword", () => {
    const { store } = palette([]);
    store.setQuery("dark mode");
    expect(titles(store)).toEqual(["Toggle light/dark theme"]);
    store.setQuery("console");
    expect(titles(store)).not.toContain("Open in AWS console");
  });

  it("puts recent picks first, and remembers a pick", async () => {
    const { store, api } = palette(["payments-api", "payments-api-v2"]);
    store.recent = ["function:payments-api-v2"];
    store.setQuery("payments-api");
    expect(titles(store).slice(0, 2)).toEqual(["payments-api-v2", "payments-api"]);
    store.show();
    expect(titles(store)[0]).toBe("payments-api-v2");
    store.recent = ["region:us-east-1", "function:payments-api-v2"];
    store.show();
    expect(titles(store).slice(0, 2)).toEqual(["Region: us-east-1", "payments-api-v2"]);
    store.setQuery("refresh");
    store.pick();
    expect(api.recordPalettePick).toHaveBeenCalledWith("action:refresh");
    await settle();
    expect(store.recent).toEqual(["action:refresh"]);
  });

  it("moves the highlight with wrap-around and Enter runs the highlighted one", () => {
    const { store, calls } = palette(["a-api", "b-api", "c-api"]);
    store.setQuery("api");
    store.move(-1);
    expect(store.active).toBe(store.results.length - 1);
    store.move(1);
    store.move(1);
    store.pick();
    expect(calls).toEqual(["open b-api"]);
  });

  it("offers a live tail of a function when the query asks for one", () => {
    const { store, calls } = palette(["payments-api", "orders-worker"]);
    store.setQuery("tail pay");
    expect(titles(store)[0]).toBe("Tail logs: payments-api");
    // The function's own characters are the highlighted ones.
    expect(store.results[0].positions.map((p) => store.results[0].title[p]).join("")).toBe("pay");
    store.pick();
    expect(calls).toEqual(["tail payments-api"]);
    for (const query of ["Tail logs: orders", "orders-worker tail", "tai orders"]) {
      store.setQuery(query);
      expect(titles(store)[0], query).toBe("Tail logs: orders-worker");
    }
    // Without the word, or with nothing else, no tails.
    store.setQuery("orders");
    expect(titles(store).some((t) => t.startsWith("Tail logs"))).toBe(false);
    store.setQuery("tail");
    expect(titles(store).some((t) => t.startsWith("Tail logs"))).toBe(false);
  });

  it("brings a recent tail back with no query, while its function is still here", () => {
    const { store, calls } = palette(["payments-api"]);
    store.recent = ["tail:payments-api", "tail:gone-fn"];
    store.show();
    expect(titles(store)[0]).toBe("Tail logs: payments-api");
    expect(titles(store)).not.toContain("Tail logs: gone-fn");
    store.pick();
    expect(calls).toEqual(["tail payments-api"]);
  });

  it("searches 10,000 functions", () => {
    const names = Array.from({ length: 10_000 }, (_, i) => `team${i % 8}-role${Math.floor(i / 8) % 8}-${String(i).padStart(5, "0")}`);
    const { store } = palette(names);
    store.setQuery("team3-role5-00043");
    expect(titles(store)[0]).toBe("team3-role5-00043");
    expect(store.results.length).toBeLessThanOrEqual(50);
  });

  it("keeps the newest pick's recent list when saved answers come back out of order", async () => {
    const answers: ((value: unknown) => void)[] = [];
    const { store, api } = palette(["a-api", "b-api"]);
    api.recordPalettePick.mockImplementation(() => new Promise((resolve) => answers.push(resolve)) as never);
    store.setQuery("a-api");
    store.pick();
    store.setQuery("b-api");
    store.pick();
    answers[1]({ status: "ok", data: { appearance: "system", recent_picks: ["function:b-api", "function:a-api"] } });
    answers[0]({ status: "ok", data: { appearance: "system", recent_picks: ["function:a-api"] } });
    await settle();
    expect(store.recent).toEqual(["function:b-api", "function:a-api"]);
  });
});

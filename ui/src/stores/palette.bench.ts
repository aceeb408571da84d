// The palette's whole answer to a keystroke over 10,000 functions: the fuzzy search,
// the function → tab jumps, actions, profiles and regions, merged and ranked (what the
// window waits for before it can show the results). Goal (BENCHMARKS.md): ≤ 4 ms.
import { bench, describe } from "vitest";
import type { FunctionSummary } from "../lib/bindings";
import { FuzzyIndex } from "../lib/fuzzy";
import { ActionRegistry } from "./actions.svelte";
import { PaletteStore } from "./palette.svelte";

// The project's synthetic account (the recipe of devtools/src/synthetic.rs).
const TEAMS = ["payments", "orders", "auth", "media", "search", "billing", "inventory", "notify"];
const ROLES = ["api", "worker", "ingest", "export", "scheduler", "webhook", "resize", "cleanup"];

const functions = Array.from({ length: 10_000 }, (_, i) => {
  const name = `${TEAMS[i % 8]}-${ROLES[Math.floor(i / 8) % 8]}-${String(i).padStart(5, "0")}`;
  return { function_name: name, runtime: "python3.12", package_type: "Zip" } as FunctionSummary;
});
const actions = new ActionRegistry();
for (const title of ["Refresh the function list", "Open Settings", "Toggle light/dark theme", "Search functions"]) {
  actions.register({ id: title, title, run: () => {} });
}
const regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];
const palette = new PaletteStore(
  {
    functions: () => functions,
    profiles: () => ["work", "play", "ci"],
    regions: () => regions,
    actions: () => actions.available(),
    openFunction: () => {},
    tailLogs: () => {},
    switchProfile: () => {},
    switchRegion: () => {},
  },
  { recordPalettePick: async () => ({ status: "ok", data: { appearance: "system", recent_picks: [] } }) },
);
palette.recent = ["function:payments-api-00000", "region:eu-west-1"];

const TYPED = "payments-webhook conf";
let sink = 0;

describe("the palette's results per keystroke, typing “payments-webhook conf” over 10,000 functions", () => {
  for (let i = 1; i <= TYPED.length; i++) {
    const query = TYPED.slice(0, i);
    bench(
      `"${query}"`,
      () => {
        palette.setQuery(query);
        sink += palette.results.length;
      },
      { time: 300, warmupTime: 100 },
    );
  }
});

describe("preparing the search when the list changes (a refresh)", () => {
  bench("new FuzzyIndex(10,000 names)", () => void (sink += new FuzzyIndex(functions, (f) => f.function_name).size), {
    time: 300,
    warmupTime: 100,
  });
});

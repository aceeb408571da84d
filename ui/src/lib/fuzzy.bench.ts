// Command-palette search over 10,000 function names, one `index.search(q, 50)` per
// keystroke. Goal (BENCHMARKS.md): ≤ 4 ms per keystroke. Run: `npm run bench`
// (`vitest bench --run`), part of `make bench`.
import { bench, describe } from "vitest";
import { FuzzyIndex } from "./fuzzy";

const TEAMS = ["payments", "orders", "auth", "media", "search", "billing", "inventory", "notify"];
const ROLES = ["api", "worker", "ingest", "export", "scheduler", "webhook", "resize", "cleanup"];

/** The project's synthetic account (the recipe of devtools/src/synthetic.rs). */
const NAMES: string[] = [];
for (let i = 0; i < 10_000; i++) {
  NAMES.push(`${TEAMS[i % 8]}-${ROLES[Math.floor(i / 8) % 8]}-${String(i).padStart(5, "0")}`);
}

const TYPED = "paymentswebhook";
const KEYSTROKES = Array.from(TYPED, (_, i) => TYPED.slice(0, i + 1));
const TYPICAL = ["pay api", "ordrs wrk", "notify-cleanup-0999", "zzz"];
const LIMIT = 50;
const OPTIONS = { time: 400, warmupTime: 100 };

const index = new FuzzyIndex(NAMES, (n) => n);
// Results go here so the engine cannot drop the searches as dead code.
let sink = 0;

describe("typing “paymentswebhook” over 10,000 names, one search per keystroke", () => {
  for (const query of KEYSTROKES) {
    bench(`search "${query}"`, () => void (sink += index.search(query, LIMIT).length), OPTIONS);
  }
});

describe("typical queries over 10,000 names", () => {
  for (const query of TYPICAL) {
    bench(`search "${query}"`, () => void (sink += index.search(query, LIMIT).length), OPTIONS);
  }
});

describe("preparing the index", () => {
  bench("new FuzzyIndex(10,000 names)", () => void (sink += new FuzzyIndex(NAMES, (n) => n).size), OPTIONS);
});

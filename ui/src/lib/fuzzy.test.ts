import { describe, expect, it } from "vitest";
import { FuzzyIndex, fuzzyMatch } from "./fuzzy";

const NAMES = ["shipping-apis", "pay-later-api", "api-payments", "payments-api-worker", "payments-api"];

function ranked(names: readonly string[], query: string, limit = 50): string[] {
  return new FuzzyIndex(names, (n) => n).search(query, limit).map((r) => r.item);
}

function score(query: string, candidate: string): number {
  const match = fuzzyMatch(query, candidate);
  if (!match) throw new Error(`"${query}" should match "${candidate}"`);
  return match.score;
}

/** The project's synthetic account: 10,000 names like `payments-api-00000`. */
function syntheticNames(count = 10_000): string[] {
  const teams = ["payments", "orders", "auth", "media", "search", "billing", "inventory", "notify"];
  const roles = ["api", "worker", "ingest", "export", "scheduler", "webhook", "resize", "cleanup"];
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    names.push(`${teams[i % 8]}-${roles[Math.floor(i / 8) % 8]}-${String(i).padStart(5, "0")}`);
  }
  return names;
}

describe("fuzzyMatch", () => {
  it("matches the query characters as an in-order subsequence", () => {
    expect(fuzzyMatch("pmtapi", "payments-api")).not.toBeNull();
    expect(fuzzyMatch("ordwrk", "orders-worker")).not.toBeNull();
    expect(fuzzyMatch("payments-api", "payments-api")).not.toBeNull();
  });

  it("rejects candidates missing a character or holding them out of order", () => {
    expect(fuzzyMatch("pax", "payments-api")).toBeNull();
    expect(fuzzyMatch("ipa", "payments-api-worker")).toBeNull(); // i, p, a never appear in that order
    expect(fuzzyMatch("apiz", "api")).toBeNull(); // query longer than the candidate
    expect(fuzzyMatch("aa", "a")).toBeNull(); // each candidate character is used once
  });

  it("is case-insensitive in both directions", () => {
    expect(fuzzyMatch("PAY", "payments-api")).toEqual(fuzzyMatch("pay", "payments-api"));
    expect(fuzzyMatch("pay", "Payments-API")).toEqual(fuzzyMatch("pay", "payments-api"));
    expect(fuzzyMatch("api", "PaymentsAPI")?.positions).toEqual([8, 9, 10]);
  });

  it("keeps positions on the original characters for non-ASCII names", () => {
    expect(fuzzyMatch("É", "café-menü")?.positions).toEqual([3]);
    expect(fuzzyMatch("mü", "café-MENÜ")?.positions).toEqual([5, 8]);
    expect(fuzzyMatch("ist", "İstanbul-api")?.positions).toEqual([0, 1, 2]);
  });

  it("ignores whitespace in the query", () => {
    expect(fuzzyMatch("pay api", "payments-api")?.positions).toEqual([0, 1, 2, 9, 10, 11]);
    expect(fuzzyMatch("  pay   api ", "payments-api")).toEqual(fuzzyMatch("payapi", "payments-api"));
    expect(fuzzyMatch("pay api", "shipping-apis")).toBeNull();
  });

  it("treats an empty or blank query as matching everything with score 0", () => {
    expect(fuzzyMatch("", "payments-api")).toEqual({ score: 0, positions: [] });
    expect(fuzzyMatch("   ", "payments-api")).toEqual({ score: 0, positions: [] });
  });

  it("returns positions fit for highlighting", () => {
    expect(fuzzyMatch("pa", "payments-api")?.positions).toEqual([0, 1]);
    expect(fuzzyMatch("api", "payments-api")?.positions).toEqual([9, 10, 11]);
    // The word-boundary alignment, not the first `a` (index 1) the greedy scan would take.
    expect(fuzzyMatch("aw", "payments-api-worker")?.positions).toEqual([9, 13]);
    expect(fuzzyMatch("pla", "pay-later-api")?.positions).toEqual([0, 4, 5]);
    expect(fuzzyMatch("ordrs wrk", "orders-worker-00001")?.positions).toEqual([0, 1, 2, 4, 5, 7, 9, 10]);
    // camelCase humps count as word starts.
    expect(fuzzyMatch("gfn", "getFunctionName")?.positions).toEqual([0, 3, 11]);
  });

  it("scores exact > prefix > word boundary > consecutive mid-word > scattered", () => {
    const exact = score("api", "api");
    const prefix = score("api", "api-payments");
    const boundary = score("api", "payments-api");
    const midWord = score("api", "rapid");
    const scattered = score("api", "watchpoint");
    expect(exact).toBeGreaterThan(prefix);
    expect(prefix).toBeGreaterThan(boundary);
    expect(boundary).toBeGreaterThan(midWord);
    expect(midWord).toBeGreaterThan(scattered);
  });

  it("prefers word-boundary initials to a run hidden inside a word", () => {
    expect(score("pla", "pay-later-api")).toBeGreaterThan(score("pla", "replay-api"));
    expect(score("gfn", "getFunctionName")).toBeGreaterThan(score("gfn", "bigfnord"));
  });

  it("prefers an earlier match to a later one", () => {
    expect(score("api", "orders-api")).toBeGreaterThan(score("api", "payments-api"));
    expect(score("w", "a-worker")).toBeGreaterThan(score("w", "aaaaa-worker"));
  });
});

describe("FuzzyIndex.search", () => {
  it("ranks exact, then prefix, then word-boundary, then scattered matches", () => {
    expect(ranked(NAMES, "payments-api")).toEqual(["payments-api", "payments-api-worker"]);
    expect(ranked(NAMES, "payments")).toEqual(["payments-api", "payments-api-worker", "api-payments"]);
    // api-payments is the prefix match; the rest are boundary hits, earliest start and then
    // shortest first; shipping-apis only holds "api" inside "apis".
    expect(ranked(NAMES, "api")).toEqual([
      "api-payments",
      "payments-api",
      "shipping-apis",
      "payments-api-worker",
      "pay-later-api",
    ]);
    expect(ranked(NAMES, "pay api")).toEqual(["payments-api", "payments-api-worker", "pay-later-api"]);
    // Scattered over "shipping" and "apis", behind every name with a "pa" run.
    expect(ranked(NAMES, "pa").slice(-1)).toEqual(["shipping-apis"]);
  });

  it("breaks score ties by shorter key, then by the given order", () => {
    // All three are prefix matches for "pay", so they tie on score.
    expect(ranked(["payments-api-worker", "pay-later-api", "payments-api"], "pay")).toEqual([
      "payments-api",
      "pay-later-api",
      "payments-api-worker",
    ]);
    expect(ranked(["orders-api-b", "orders-api-a", "orders-api-c"], "orders")).toEqual([
      "orders-api-b",
      "orders-api-a",
      "orders-api-c",
    ]);
  });

  it("returns the score and highlight positions of fuzzyMatch", () => {
    const [first] = new FuzzyIndex(NAMES, (n) => n).search("api", 1);
    expect(first).toEqual({ item: "api-payments", ...fuzzyMatch("api", "api-payments") });
    const all = new FuzzyIndex(NAMES, (n) => n).search("pay api", 10);
    for (const r of all) expect({ score: r.score, positions: r.positions }).toEqual(fuzzyMatch("pay api", r.item));
  });

  it("respects the limit", () => {
    const index = new FuzzyIndex(NAMES, (n) => n);
    expect(index.search("a", 2)).toHaveLength(2);
    expect(index.search("a", 2).map((r) => r.item)).toEqual(ranked(NAMES, "a").slice(0, 2));
    expect(index.search("a", 100)).toHaveLength(5);
    expect(index.search("a", 0)).toEqual([]);
  });

  it("returns the first items in their order for an empty query", () => {
    const index = new FuzzyIndex(NAMES, (n) => n);
    expect(index.search("", 3)).toEqual([
      { item: "shipping-apis", score: 0, positions: [] },
      { item: "pay-later-api", score: 0, positions: [] },
      { item: "api-payments", score: 0, positions: [] },
    ]);
    expect(index.search("  ", 10).map((r) => r.item)).toEqual(NAMES);
  });

  it("returns nothing when nothing matches", () => {
    expect(new FuzzyIndex(NAMES, (n) => n).search("zzz", 50)).toEqual([]);
    expect(new FuzzyIndex<string>([], (n) => n).search("api", 50)).toEqual([]);
  });

  it("searches objects by their key, case-insensitively, and returns the objects", () => {
    const actions = [
      { id: "refresh", label: "Refresh function list" },
      { id: "profile", label: "Switch AWS profile" },
      { id: "region", label: "Switch region" },
    ];
    const index = new FuzzyIndex(actions, (a) => a.label);
    const results = index.search("SW reg", 5);
    expect(results[0].item).toBe(actions[2]);
    expect(results[0].positions).toEqual([0, 1, 7, 8, 9]);
    expect(index.search("aws", 5).map((r) => r.item.id)).toEqual(["profile"]);
  });

  it("finds a full exact name first among 10,000 synthetic names", () => {
    const names = syntheticNames();
    const index = new FuzzyIndex(names, (n) => n);
    for (const name of ["payments-api-00000", "notify-cleanup-00063", "orders-webhook-04329", "auth-resize-09970"]) {
      expect(names).toContain(name);
      const results = index.search(name, 10);
      expect(results[0].item).toBe(name);
      expect(results[0].positions).toEqual([...name].map((_, i) => i));
      expect(results[0].score).toBeGreaterThan(results[1]?.score ?? -Infinity);
    }
    // Typing the start of a team and role lists that team's functions with that role first.
    const top = index.search("payments-webhook", 50);
    expect(top).toHaveLength(50);
    expect(top.every((r) => r.item.startsWith("payments-webhook-"))).toBe(true);
    // Matches the brute-force ranking by fuzzyMatch (score, then shorter, then order).
    const brute = names
      .map((name, i) => ({ name, i, m: fuzzyMatch("ordrs wrk", name) }))
      .filter((x) => x.m !== null)
      .sort((a, b) => b.m!.score - a.m!.score || a.name.length - b.name.length || a.i - b.i)
      .slice(0, 50)
      .map((x) => x.name);
    expect(index.search("ordrs wrk", 50).map((r) => r.item)).toEqual(brute);
  });
});

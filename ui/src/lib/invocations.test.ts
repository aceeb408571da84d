import { describe, expect, it } from "vitest";
import { formatDifference, formatMs, formatSize, formatUsd, isGood } from "./invocations";

describe("invocation formatting", () => {
  it("counts accepted async and dry runs as good, failures not", () => {
    expect(["succeeded", "queued", "dry_run_passed"].every((o) => isGood(o as never))).toBe(true);
    expect(isGood("function_error") || isGood("call_failed")).toBe(false);
  });

  it("shows tiny costs with their significant digits", () => {
    expect(formatUsd(2.0833e-7 + 2e-7)).toBe("$0.000000408");
    expect(formatUsd(0.0123)).toBe("$0.0123");
    expect(formatUsd(null)).toBe("—");
  });

  it("formats durations, sizes and signed differences", () => {
    expect(formatMs(12.345)).toBe("12.35 ms");
    expect(formatMs(174)).toBe("174 ms");
    expect(formatMs(12_500)).toBe("12.5 s");
    expect(formatSize(812)).toBe("812 bytes");
    expect(formatSize(6 * 1024 * 1024)).toBe("6.0 MB");
    expect(formatDifference(3.5, "ms")).toBe("+3.50 ms");
    expect(formatDifference(-4, "MB")).toBe("−4 MB");
    expect(formatDifference(null, "ms")).toBe("—");
  });
});

import { describe, expect, it } from "vitest";
import { formatDifference, formatMs, formatSize, formatUsd, prettyPayload } from "./invocations";

describe("invocation formatting", () => {
  it("pretty-prints JSON payloads and leaves text alone", () => {
    expect(prettyPayload('{"a":[1,2]}')).toEqual({ text: '{\n  "a": [\n    1,\n    2\n  ]\n}', json: true });
    expect(prettyPayload("plain text")).toEqual({ text: "plain text", json: false });
    expect(prettyPayload(null)).toEqual({ text: "", json: false });
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

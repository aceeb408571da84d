import { describe, expect, it } from "vitest";
import type { TailLine } from "./bindings";
import {
  clockText,
  compactJsonPieces,
  describeReport,
  highlight,
  matchesFilters,
  parseSearch,
  prettyJsonLines,
} from "./tailLines";

const json = (message: string): TailLine =>
  ({ seq: 1, function: 0, timestamp_ms: 0, log_stream: "s", message, level: null, request_id: null, trace_id: null, kind: "json" }) as TailLine;

describe("tail lines", () => {
  it("reads words and field:value filters from the search box", () => {
    expect(parseSearch("  Timeout level:ERROR user.id:42 http://x ")).toEqual({
      text: "timeout http://x",
      filters: [
        { field: "level", value: "error" },
        { field: "user.id", value: "42" },
      ],
    });
    expect(parseSearch("a: :b")).toEqual({ text: "a: :b", filters: [] });
  });

  it("matches JSON fields by path and parsed fields of any line", () => {
    const line = json('{"user":{"id":42,"tags":["a"]},"ok":true}');
    expect(matchesFilters(line, [{ field: "user.id", value: "42" }], [])).toBe(true);
    expect(matchesFilters(line, [{ field: "ok", value: "true" }], [])).toBe(true);
    expect(matchesFilters(line, [{ field: "user.tags", value: '["a"]' }], [])).toBe(true);
    expect(matchesFilters(line, [{ field: "user.name", value: "x" }], [])).toBe(false);
    expect(matchesFilters(line, [{ field: "fn", value: "orders" }], ["Orders"])).toBe(true);
    const text = { ...line, kind: "text", message: "plain", level: "warn" } as TailLine;
    expect(matchesFilters(text, [{ field: "level", value: "warn" }], [])).toBe(true);
    expect(matchesFilters(text, [{ field: "user.id", value: "42" }], []), "a text line has no JSON fields").toBe(false);
  });

  it("highlights every match case-insensitively", () => {
    expect(highlight("Error: error", "error")).toEqual([
      { text: "Error", kind: "match" },
      { text: ": ", kind: "text" },
      { text: "error", kind: "match" },
    ]);
    expect(highlight("abc", "")).toEqual([{ text: "abc", kind: "text" }]);
  });

  it("compacts and pretty-prints JSON with its keys marked", () => {
    const line = json('{"level":"INFO","n":{"a":1}}');
    const compact = compactJsonPieces(line, "");
    expect(compact.filter((p) => p.kind === "key").map((p) => p.text)).toEqual(["level", "n"]);
    expect(compact.map((p) => p.text).join("")).toBe('{level: INFO, n: {"a":1}}');
    const pretty = prettyJsonLines(line)!;
    expect(pretty).toHaveLength(6);
    expect(pretty[1].find((p) => p.kind === "key")?.text).toBe("level");
    expect(prettyJsonLines({ ...line, kind: "text" } as TailLine)).toBeNull();
  });

  it("formats times in UTC or local time and REPORT figures", () => {
    expect(clockText(Date.UTC(2026, 10, 29, 10, 2, 3, 45), true)).toBe("10:02:03.045");
    expect(clockText(0, false)).toMatch(/^\d\d:\d\d:\d\d\.000$/);
    expect(
      describeReport({
        request_id: "r",
        duration_ms: 3.21,
        billed_duration_ms: 4,
        memory_size_mb: 128,
        max_memory_used_mb: 41,
        init_duration_ms: 150.04,
        restore_duration_ms: null,
        billed_restore_duration_ms: null,
      }),
    ).toBe("3.2 ms (billed 4 ms) · 41/128 MB · init 150 ms");
  });
});

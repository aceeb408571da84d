// Reading tail lines for the window: the search box's words and `field:value` filters,
// rows grouped by request, JSON split into highlighted pieces, times. Pure functions,
// tested in tailLines.test.ts; the tail store calls them.
import type { ReportFigures, TailLine } from "./bindings";

/** What the search box says: words to highlight, and `field:value` filters. */
export type SearchQuery = {
  /** Lower-cased text to find in messages (highlighted, next/previous). */
  text: string;
  /** `field:value` pairs; a row is shown only when every one matches. */
  filters: { field: string; value: string }[];
};

/** Fields every line has (parsed by the backend); any other field is looked up in a JSON line. */
const LINE_FIELDS = ["level", "request", "requestid", "request_id", "trace", "traceid", "trace_id", "fn", "function", "stream"];

export function parseSearch(typed: string): SearchQuery {
  const words: string[] = [];
  const filters: { field: string; value: string }[] = [];
  for (const token of typed.trim().split(/\s+/).filter(Boolean)) {
    const colon = token.indexOf(":");
    // "http://x" or "a:" are text; "level:error" is a filter.
    if (colon > 0 && colon < token.length - 1 && !token.includes("://")) {
      filters.push({ field: token.slice(0, colon), value: token.slice(colon + 1).toLowerCase() });
    } else {
      words.push(token);
    }
  }
  return { text: words.join(" ").toLowerCase(), filters };
}

/** A JSON line's object, parsed once per line and kept (lines never change). */
const parsedJson = new WeakMap<TailLine, Record<string, unknown> | null>();

export function jsonOf(line: TailLine): Record<string, unknown> | null {
  if (line.kind !== "json") return null;
  let parsed = parsedJson.get(line);
  if (parsed === undefined) {
    try {
      const value: unknown = JSON.parse(line.message);
      parsed = value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
    } catch {
      parsed = null;
    }
    parsedJson.set(line, parsed);
  }
  return parsed;
}

/** The value at a dot path (`user.id`, `items.0`) of a JSON object. */
function valueAt(object: Record<string, unknown>, path: string): unknown {
  let current: unknown = object;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Whether a line passes every `field:value` filter (values compare case-insensitively). */
export function matchesFilters(line: TailLine, filters: SearchQuery["filters"], functionNames: readonly string[]): boolean {
  for (const { field, value } of filters) {
    const key = field.toLowerCase();
    let actual: unknown;
    if (LINE_FIELDS.includes(key)) {
      if (key === "level") actual = line.level;
      else if (key.startsWith("request")) actual = line.request_id;
      else if (key.startsWith("trace")) actual = line.trace_id;
      else if (key === "stream") actual = line.log_stream;
      else actual = functionNames[line.function];
    } else {
      const json = jsonOf(line);
      if (!json) return false;
      actual = valueAt(json, field);
    }
    if (actual === undefined || actual === null) return false;
    const text = typeof actual === "object" ? JSON.stringify(actual) : String(actual);
    if (text.toLowerCase() !== value) return false;
  }
  return true;
}

/** Pieces of a message for painting: plain text, matches of the search, and JSON keys. */
export type Piece = { text: string; kind: "text" | "match" | "key" };

/** Splits `text` around the (lower-cased) `search`, case-insensitively. */
export function highlight(text: string, search: string): Piece[] {
  if (!search) return [{ text, kind: "text" }];
  const pieces: Piece[] = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(search); at >= 0; at = lower.indexOf(search, at + search.length)) {
    if (at > from) pieces.push({ text: text.slice(from, at), kind: "text" });
    pieces.push({ text: text.slice(at, at + search.length), kind: "match" });
    from = at + search.length;
  }
  if (from < text.length) pieces.push({ text: text.slice(from), kind: "text" });
  return pieces;
}

/** A JSON line compacted to one line, its keys marked (matches of the search marked too). */
export function compactJsonPieces(line: TailLine, search: string): Piece[] {
  const json = jsonOf(line);
  if (!json) return highlight(line.message, search);
  const pieces: Piece[] = [];
  const entries = Object.entries(json);
  pieces.push({ text: "{", kind: "text" });
  entries.forEach(([key, value], index) => {
    pieces.push({ text: key, kind: "key" });
    const shown = typeof value === "string" ? value : JSON.stringify(value);
    pieces.push(...highlight(`: ${shown}${index < entries.length - 1 ? ", " : ""}`, search));
  });
  pieces.push({ text: "}", kind: "text" });
  return pieces;
}

/** A JSON line pretty-printed, line by line, each split into key and value pieces. */
export function prettyJsonLines(line: TailLine): Piece[][] | null {
  const json = jsonOf(line);
  if (!json) return null;
  return JSON.stringify(json, null, 2)
    .split("\n")
    .map((text) => {
      const key = /^(\s*)"([^"\\]*(?:\\.[^"\\]*)*)":(.*)$/.exec(text);
      if (!key) return [{ text, kind: "text" as const }];
      return [
        { text: `${key[1]}"`, kind: "text" as const },
        { text: key[2], kind: "key" as const },
        { text: `":${key[3]}`, kind: "text" as const },
      ];
    });
}

/** One row of the window: a line, or (grouped by request) a request's header. */
export type Row =
  | { type: "line"; key: string; line: TailLine; indented: boolean }
  | {
      type: "request";
      key: string;
      requestId: string;
      function: number;
      timestampMs: number;
      lines: TailLine[];
      report: ReportFigures | null;
      failed: boolean;
      expanded: boolean;
    };

export function lineRows(lines: readonly TailLine[]): Row[] {
  return lines.map((line) => ({ type: "line", key: `l${line.seq}`, line, indented: false }));
}

/** Rows grouped by request id, in the order each request first appears; lines without
 *  a request id stay where they are. A request collapses to its header unless expanded. */
export function groupedRows(lines: readonly TailLine[], expanded: ReadonlySet<string>): Row[] {
  const groups = new Map<string, Extract<Row, { type: "request" }>>();
  const order: (Row | string)[] = [];
  for (const line of lines) {
    const id = line.request_id;
    if (!id) {
      order.push({ type: "line", key: `l${line.seq}`, line, indented: false });
      continue;
    }
    let group = groups.get(id);
    if (!group) {
      group = {
        type: "request",
        key: `r${id}`,
        requestId: id,
        function: line.function,
        timestampMs: line.timestamp_ms ?? 0,
        lines: [],
        report: null,
        failed: false,
        expanded: expanded.has(id),
      };
      groups.set(id, group);
      order.push(id);
    }
    group.lines.push(line);
    if (line.kind === "report") group.report = line.figures;
    if (line.level === "error" || line.level === "fatal") group.failed = true;
  }
  const rows: Row[] = [];
  for (const entry of order) {
    if (typeof entry !== "string") {
      rows.push(entry);
      continue;
    }
    const group = groups.get(entry)!;
    rows.push(group);
    if (group.expanded) {
      for (const line of group.lines) rows.push({ type: "line", key: `l${line.seq}`, line, indented: true });
    }
  }
  return rows;
}

/** `10:02:03.456` in local time or UTC. */
export function clockText(timestampMs: number, utc: boolean): string {
  const date = new Date(timestampMs);
  const [h, m, s, ms] = utc
    ? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds()]
    : [date.getHours(), date.getMinutes(), date.getSeconds(), date.getMilliseconds()];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(h)}:${two(m)}:${two(s)}.${String(ms).padStart(3, "0")}`;
}

/** "3.2 ms (billed 4 ms) · 41/128 MB · init 150.1 ms": a REPORT for a request header. */
export function describeReport(report: ReportFigures): string {
  const ms = (value: number | null) => `${Math.round((value ?? 0) * 10) / 10} ms`;
  const parts = [
    `${ms(report.duration_ms)} (billed ${ms(report.billed_duration_ms)})`,
    `${report.max_memory_used_mb}/${report.memory_size_mb} MB`,
  ];
  if (report.init_duration_ms !== null) parts.push(`init ${ms(report.init_duration_ms)}`);
  if (report.restore_duration_ms !== null) parts.push(`restore ${ms(report.restore_duration_ms)}`);
  return parts.join(" · ");
}

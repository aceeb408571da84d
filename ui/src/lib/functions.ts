// Pure helpers for the function list: the search syntax, sorting, formatting, ages and
// error hints. Kept free of Svelte and Tauri so vitest can cover them directly.
import type { AliasInfo, ErrorCode, ErrorPayload, FunctionSummary } from "./bindings";

/** A `key:value` filter of the search box. */
export type FilterKey = "runtime" | "arch" | "package" | "state" | "tag";

export type Filter = { key: FilterKey; value: string; token: string };

export type Query = { words: string[]; filters: Filter[]; errors: string[] };

const KEY_ALIASES: Record<string, FilterKey> = {
  runtime: "runtime",
  arch: "arch",
  architecture: "arch",
  package: "package",
  type: "package",
  state: "state",
  tag: "tag",
};

/**
 * Parses the search box: free words match the name and description; `runtime:python3.12`,
 * `arch:arm64`, `package:image`, `state:active` and `tag:team=payments` (or `tag:team`)
 * filter. An unknown `key:` is reported, not silently searched for.
 */
export function parseQuery(text: string): Query {
  const query: Query = { words: [], filters: [], errors: [] };
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const colon = token.indexOf(":");
    if (colon <= 0) {
      query.words.push(token.toLowerCase());
      continue;
    }
    const key = KEY_ALIASES[token.slice(0, colon).toLowerCase()];
    const value = token.slice(colon + 1);
    if (!key) {
      query.errors.push(`Unknown filter “${token.slice(0, colon)}:” (use runtime:, arch:, package:, state: or tag:)`);
    } else if (!value) {
      query.errors.push(`“${token}” needs a value, e.g. ${key}:${example(key)}`);
    } else {
      query.filters.push({ key, value, token });
    }
  }
  return query;
}

function example(key: FilterKey): string {
  return { runtime: "python3.12", arch: "arm64", package: "zip", state: "active", tag: "team=payments" }[key];
}

function matchesFilter(fn: FunctionSummary, filter: Filter): boolean {
  const value = filter.value.toLowerCase();
  switch (filter.key) {
    case "runtime":
      return (fn.runtime ?? "").toLowerCase().startsWith(value);
    case "arch":
      return fn.architectures.some((a) => a.toLowerCase() === value);
    case "package":
      return (fn.package_type ?? "").toLowerCase() === value;
    case "state":
      return (fn.state ?? "").toLowerCase() === value;
    case "tag": {
      if (!fn.tags) return false;
      const [key, ...rest] = filter.value.split("=");
      const wanted = rest.length > 0 ? rest.join("=") : null;
      return Object.entries(fn.tags).some(
        ([k, v]) => k.toLowerCase() === key.toLowerCase() && (wanted === null || v === wanted),
      );
    }
  }
}

// Lower-cased name and description, computed once per function object (a keystroke
// searches 10,000 of them); the list replaces its objects on refresh, so this never lags.
const haystacks = new WeakMap<FunctionSummary, string>();

function haystackOf(fn: FunctionSummary): string {
  let haystack = haystacks.get(fn);
  if (haystack === undefined) {
    haystack = `${fn.function_name} ${fn.description ?? ""}`.toLowerCase();
    haystacks.set(fn, haystack);
  }
  return haystack;
}

/** Functions matching every word (in name or description) and every filter. */
export function filterFunctions(functions: FunctionSummary[], query: Query): FunctionSummary[] {
  if (query.words.length === 0 && query.filters.length === 0) return functions;
  return functions.filter((fn) => {
    const haystack = haystackOf(fn);
    return query.words.every((w) => haystack.includes(w)) && query.filters.every((f) => matchesFilter(fn, f));
  });
}

/** The query text without one filter token (a chip's ×). */
export function removeToken(text: string, token: string): string {
  return text
    .split(/\s+/)
    .filter((t) => t && t !== token)
    .join(" ");
}

export type SortColumn = "name" | "runtime" | "memory" | "timeout" | "modified" | "invocations" | "errors";
export type Sort = { column: SortColumn; descending: boolean };

/** A function's invocations and errors over the last 24 hours, when its trend is known. */
export type TrendTotals = (name: string) => { total_invocations: number | null; total_errors: number | null } | undefined;

function sortValue(fn: FunctionSummary, column: SortColumn, totals: TrendTotals): string | number {
  switch (column) {
    // An unknown trend sorts below every known one, zero included.
    case "invocations":
      return totals(fn.function_name)?.total_invocations ?? -1;
    case "errors":
      return totals(fn.function_name)?.total_errors ?? -1;
    case "name":
      return fn.function_name.toLowerCase();
    case "runtime":
      return (fn.runtime ?? fn.package_type ?? "").toLowerCase();
    case "memory":
      return fn.memory_size ?? -1;
    case "timeout":
      return fn.timeout ?? -1;
    case "modified":
      return fn.last_modified ?? "";
  }
}

/** A sorted copy; ties keep name order so the list does not jump. */
export function sortFunctions(
  functions: FunctionSummary[],
  sort: Sort,
  totals: TrendTotals = () => undefined,
): FunctionSummary[] {
  const direction = sort.descending ? -1 : 1;
  // Keys computed once per function, not once per comparison (10,000 rows at start-up).
  const keyed = functions.map((fn) => ({ fn, key: sortValue(fn, sort.column, totals), name: fn.function_name }));
  keyed.sort((a, b) => {
    if (a.key < b.key) return -direction;
    if (a.key > b.key) return direction;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  return keyed.map((entry) => entry.fn);
}

/** A value as shown, or "—" when there is none. */
export function dash(value: string | number | null | undefined): string | number {
  return value === null || value === undefined ? "—" : value;
}

export function formatMemory(mb: number | null): string {
  if (mb === null) return "—";
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`;
}

export function formatTimeout(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "—";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Lambda's LastModified ("2026-11-01T10:00:00.000+0000") as "2026-11-01 10:00" in UTC.
 * Anything unparseable is shown as AWS sent it.
 */
export function formatLastModified(value: string | null): string {
  if (!value) return "—";
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
  return match ? `${match[1]} ${match[2]}` : value;
}

/** "just now", "3 min ago", "2 h ago", "4 days ago" from an ISO timestamp. */
export function formatAge(timestamp: string, now: Date): string {
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(timestamp).getTime()) / 1000));
  if (Number.isNaN(seconds)) return "at an unknown time";
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} days ago`;
}

/** "14:02" for today, "Nov 20 14:02" before: when saved data was fetched. */
export function formatClock(timestamp: string, now: Date): string {
  const time = new Date(timestamp);
  const clock = time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  if (time.toDateString() === now.toDateString()) return clock;
  return `${time.toLocaleDateString([], { month: "short", day: "numeric" })} ${clock}`;
}

/**
 * Where an alias sends traffic: "version 1" or, when weighted,
 * "version 1 (90%), version 2 (10%)".
 */
export function describeRouting(alias: AliasInfo): string {
  const version = alias.function_version ?? "—";
  if (alias.additional_version_weights.length === 0) return `version ${version}`;
  const percent = (weight: number) => `${Math.round(weight * 100)}%`;
  const extra = alias.additional_version_weights.reduce((sum, w) => sum + (w.weight ?? 0), 0);
  return [
    `version ${version} (${percent(1 - extra)})`,
    ...alias.additional_version_weights.map((w) => `version ${w.version} (${percent(w.weight ?? 0)})`),
  ].join(", ");
}

export type SyncState = "refreshing" | "offline" | "cancelled" | "error" | "synced" | "never";

/**
 * What the status line says about the list: a network error means "offline" (the saved
 * data is what the user sees), a cancelled refresh is not a failure.
 */
export function syncState(refreshing: boolean, error: ErrorPayload | null, fetchedAt: string | null): SyncState {
  if (refreshing) return "refreshing";
  if (error?.code === "network") return "offline";
  if (error?.code === "cancelled") return "cancelled";
  if (error) return "error";
  return fetchedAt ? "synced" : "never";
}

/** A short heading for an error, by its code; the message says the rest. */
export function errorTitle(code: ErrorCode): string {
  switch (code) {
    case "network":
      return "AWS is unreachable";
    case "throttled":
      return "Throttled by AWS";
    case "credentials":
      return "Credentials problem";
    case "access_denied":
      return "Access denied";
    case "configuration":
      return "Profile needs fixing";
    case "invalid_input":
      return "Invalid input";
    case "read_only":
      return "Read-only profile";
    case "keyring_unavailable":
      return "No keyring";
    case "keyring_locked":
      return "Keyring locked";
    case "keys_missing":
      return "Keys missing";
    case "not_found":
      return "Not found";
    case "service":
      return "AWS error";
    case "cancelled":
      return "Cancelled";
    case "internal":
      return "Lambda Deck error";
  }
}

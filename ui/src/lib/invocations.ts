// How invocations read on screen: outcomes, figures, costs and payloads.
import type { InvocationKind, InvocationOutcome, LogLevel } from "./bindings";

export const KINDS: readonly { id: InvocationKind; label: string }[] = [
  { id: "request", label: "Synchronous (RequestResponse)" },
  { id: "event", label: "Asynchronous (Event)" },
  { id: "dry_run", label: "Dry run" },
  { id: "stream", label: "Response stream" },
];

export const OUTCOMES: readonly { id: InvocationOutcome; label: string }[] = [
  { id: "succeeded", label: "Succeeded" },
  { id: "function_error", label: "Function error" },
  { id: "queued", label: "Queued (async)" },
  { id: "dry_run_passed", label: "Dry run passed" },
  { id: "call_failed", label: "Call failed" },
];

export function outcomeLabel(outcome: InvocationOutcome): string {
  return OUTCOMES.find((o) => o.id === outcome)?.label ?? outcome;
}

/** Whether the function did what was asked (as `ldeck invoke`'s exit status says). */
export function isGood(outcome: InvocationOutcome): boolean {
  return outcome === "succeeded" || outcome === "queued" || outcome === "dry_run_passed";
}

export function kindLabel(kind: InvocationKind): string {
  return KINDS.find((k) => k.id === kind)?.label ?? kind;
}

/** "12.34 ms", "1.2 s" */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "—";
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Number.isInteger(ms) ? ms : ms.toFixed(2)} ms`;
}

/** A cost in dollars with enough digits to be read: "$0.00000021". */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined) return "—";
  if (usd === 0) return "$0";
  // Three significant digits: one invocation costs fractions of a millionth.
  const digits = Math.max(2, 2 - Math.floor(Math.log10(Math.abs(usd))));
  return `$${usd.toFixed(Math.min(digits, 12))}`;
}

/** A signed difference: "+3.50 ms", "−4 MB", "−0.0000000200 USD". */
export function formatDifference(value: number | null, unit: string): string {
  if (value === null) return "—";
  const sign = value > 0 ? "+" : value < 0 ? "−" : "±";
  const magnitude = Math.abs(value);
  const text = unit === "USD" ? formatUsd(magnitude).slice(1) : Number.isInteger(magnitude) ? `${magnitude}` : magnitude.toFixed(2);
  return `${sign}${text} ${unit}`;
}

/** "812 bytes", "1.5 KB", "6.0 MB" (binary units, as Lambda's limits). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The CSS class of a log line's level (colours from the theme). */
export function levelClass(level: LogLevel | null): string {
  return level ? `level-${level}` : "";
}

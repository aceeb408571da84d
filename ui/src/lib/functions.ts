// Pure helpers for the function list: searching, formatting, error hints.
// Kept free of Svelte and Tauri so vitest can cover them directly.
import type { ErrorCode, FunctionSummary } from "./bindings";

/** Functions whose name, runtime or description contains every word of the query. */
export function filterFunctions(functions: FunctionSummary[], query: string): FunctionSummary[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return functions;
  return functions.filter((fn) => {
    const haystack = `${fn.function_name} ${fn.runtime ?? ""} ${fn.description ?? ""}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
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

/**
 * Lambda's LastModified ("2026-11-01T10:00:00.000+0000") as "2026-11-01 10:00" in UTC.
 * Anything unparseable is shown as AWS sent it.
 */
export function formatLastModified(value: string | null): string {
  if (!value) return "—";
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(value);
  return match ? `${match[1]} ${match[2]}` : value;
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
    case "keyring_unavailable":
      return "No keyring";
    case "keyring_locked":
      return "Keyring locked";
    case "keys_missing":
      return "Keys missing";
    case "service":
      return "AWS error";
    case "internal":
      return "Lambda Deck error";
  }
}

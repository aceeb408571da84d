// The Configuration tab's form: the form the user types into (numbers as text, so nothing
// typed is lost while it is not a number yet), and the settings that form means. What an
// edit starts from is the core's (the `editable_config` command).
import type { EditableConfig, FieldChange, FieldError } from "./bindings";

/** AWS General Reference, tag naming limits: at most 50 tags a resource. */
export const TAGS_MAX = 50;

/** Offered in the runtime field; any runtime Lambda knows may be typed. */
export const COMMON_RUNTIMES = [
  "nodejs24.x",
  "nodejs22.x",
  "nodejs20.x",
  "python3.14",
  "python3.13",
  "python3.12",
  "python3.11",
  "python3.10",
  "java25",
  "java21",
  "java17",
  "java11",
  "dotnet10",
  "dotnet8",
  "ruby3.4",
  "ruby3.3",
  "provided.al2023",
  "provided.al2",
] as const;

export const TRACING_MODES = ["PassThrough", "Active"] as const;
export const LOG_FORMATS = ["Text", "JSON"] as const;
export const APPLICATION_LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"] as const;
export const SYSTEM_LOG_LEVELS = ["DEBUG", "INFO", "WARN"] as const;

/** How the review and the conflict view show a secret value. */
export const MASK = "••••••";

/** What the user types: every field as entered, numbers as text. */
export type ConfigForm = {
  description: string;
  handler: string;
  runtime: string;
  memory_mb: string;
  timeout_seconds: string;
  ephemeral_storage_mb: string;
  tracing_mode: string;
  log_format: string;
  /** "" is "not set"; kept while the format is Text so switching back loses nothing. */
  application_log_level: string;
  system_log_level: string;
  log_group: string;
  reserve_concurrency: boolean;
  reserved_concurrency: string;
  environment: { name: string; value: string }[];
  tags: { key: string; value: string }[];
};

/** The form showing `config`. */
export function formOf(config: EditableConfig): ConfigForm {
  return {
    description: config.description,
    handler: config.handler ?? "",
    runtime: config.runtime ?? "",
    memory_mb: String(config.memory_mb),
    timeout_seconds: String(config.timeout_seconds),
    ephemeral_storage_mb: String(config.ephemeral_storage_mb),
    tracing_mode: config.tracing_mode,
    log_format: config.logging.log_format,
    application_log_level: config.logging.application_log_level ?? "",
    system_log_level: config.logging.system_log_level ?? "",
    log_group: config.logging.log_group,
    reserve_concurrency: config.reserved_concurrency !== null,
    reserved_concurrency: config.reserved_concurrency === null ? "" : String(config.reserved_concurrency),
    environment: config.environment.map((v) => ({ name: v.name, value: v.value })),
    tags: config.tags.map((t) => ({ key: t.key, value: t.value })),
  };
}

/** A container-image function has neither handler nor runtime: the form hides both. */
export function isImageFunction(config: EditableConfig): boolean {
  return config.handler === null && config.runtime === null;
}

const I32_MAX = 2 ** 31 - 1;

/** A whole number as typed, or null when it is not one the core can take (an i32). */
export function parseWholeNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Math.abs(value) <= I32_MAX ? value : null;
}

/**
 * The settings the form means, over `base` (whose values stand in where the form holds
 * something the core cannot read, e.g. "12a" MB), with the errors only the form can
 * see. The core checks everything else.
 */
export function configOf(form: ConfigForm, base: EditableConfig): { config: EditableConfig; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const number = (field: string, text: string, fallback: number) => {
    const value = parseWholeNumber(text);
    if (value === null) errors.push({ field, message: "Enter a whole number." });
    return value ?? fallback;
  };
  const image = isImageFunction(base);
  if (!image && form.runtime.trim() === "") errors.push({ field: "runtime", message: "Choose a runtime." });
  const json = form.log_format === "JSON";
  const config: EditableConfig = {
    description: form.description,
    handler: image ? null : form.handler,
    runtime: image ? null : form.runtime.trim() === "" ? base.runtime : form.runtime.trim(),
    memory_mb: number("memory_mb", form.memory_mb, base.memory_mb),
    timeout_seconds: number("timeout_seconds", form.timeout_seconds, base.timeout_seconds),
    ephemeral_storage_mb: number("ephemeral_storage_mb", form.ephemeral_storage_mb, base.ephemeral_storage_mb),
    environment: form.environment.map((v) => ({ name: v.name, value: v.value })),
    tracing_mode: form.tracing_mode,
    logging: {
      log_format: form.log_format,
      application_log_level: json && form.application_log_level !== "" ? form.application_log_level : null,
      system_log_level: json && form.system_log_level !== "" ? form.system_log_level : null,
      log_group: form.log_group,
    },
    tags: form.tags.map((t) => ({ key: t.key, value: t.value })),
    reserved_concurrency: form.reserve_concurrency
      ? number("reserved_concurrency", form.reserved_concurrency, base.reserved_concurrency ?? 0)
      : null,
  };
  return { config, errors };
}

/** Tags that will be sent: rows not left blank. */
export function tagCount(tags: readonly { key: string; value: string }[]): number {
  return tags.filter((t) => t.key !== "" || t.value !== "").length;
}

/** "1,234 of 4,096 bytes". */
export function formatEnvironmentSize(bytes: number, limit: number): string {
  return `${bytes.toLocaleString("en-US")} of ${limit.toLocaleString("en-US")} bytes`;
}

/** A value in the review or the conflict view: "(not set)", masked, or as it is. */
export function shownValue(value: string | null, secret: boolean, revealed: boolean): string {
  if (value === null) return "(not set)";
  return secret && !revealed ? MASK : value;
}

/** Whether any of the changes is a secret (the review offers "Reveal values" then). */
export function hasSecrets(changes: readonly Pick<FieldChange, "secret">[]): boolean {
  return changes.some((c) => c.secret);
}

/** The id of the notes under a field, for the field's `aria-describedby`. */
export function noteId(field: string): string {
  return `config-note-${field.replaceAll(".", "-")}`;
}

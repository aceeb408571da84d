import { describe, expect, it } from "vitest";
import type { ConfigurationSection } from "./bindings";
import { configOf, editableFromSection, formatEnvironmentSize, formOf, shownValue } from "./configFields";
import { summary } from "../stores/fakes";

function section(overrides: Partial<ConfigurationSection> = {}): ConfigurationSection {
  return {
    fetched_at: "2026-11-28T10:00:00Z",
    summary: summary("orders"),
    role: null,
    code_size: null,
    code_sha256: null,
    version: "$LATEST",
    revision_id: "rev-1",
    ephemeral_storage_mb: 512,
    environment: [],
    environment_error: null,
    layers: [],
    vpc: null,
    state_reason: null,
    last_update_status_reason: null,
    logging: null,
    tracing_mode: null,
    dead_letter_target: null,
    kms_key_arn: null,
    tags: {},
    reserved_concurrency: null,
    ...overrides,
  };
}

describe("the editable settings of a saved configuration", () => {
  it("take Lambda's defaults where the configuration leaves settings out", () => {
    const bare = section({
      summary: { ...summary("orders"), memory_size: null, timeout: null, description: null },
      ephemeral_storage_mb: null,
    });
    expect(editableFromSection(bare)).toEqual({
      description: "",
      handler: "app.handler",
      runtime: "python3.12",
      memory_mb: 128,
      timeout_seconds: 3,
      ephemeral_storage_mb: 512,
      environment: [],
      tracing_mode: "PassThrough",
      logging: { log_format: "Text", application_log_level: null, system_log_level: null, log_group: "/aws/lambda/orders" },
      tags: [],
      reserved_concurrency: null,
    });
  });

  it("keep log levels with the JSON format only, and an empty log group means the default", () => {
    const levels = { application_log_level: "DEBUG", system_log_level: "WARN", log_group: "" };
    const text = editableFromSection(section({ logging: { log_format: "Text", ...levels } }));
    expect(text.logging).toEqual({ log_format: "Text", application_log_level: null, system_log_level: null, log_group: "/aws/lambda/orders" });
    const json = editableFromSection(section({ logging: { log_format: "JSON", ...levels, log_group: "/custom" } }));
    expect(json.logging).toEqual({ log_format: "JSON", application_log_level: "DEBUG", system_log_level: "WARN", log_group: "/custom" });
  });

  it("keep the environment's order and the tags in key order, as the core does", () => {
    const config = editableFromSection(
      section({
        environment: [
          { name: "Z_LAST", value: "1" },
          { name: "A_FIRST", value: "2" },
        ],
        tags: { team: "pay", "2024": "year", Env: "prod" },
      }),
    );
    expect(config.environment.map((v) => v.name)).toEqual(["Z_LAST", "A_FIRST"]);
    expect(config.tags.map((t) => t.key)).toEqual(["2024", "Env", "team"]);
  });
});

describe("the form", () => {
  const base = editableFromSection(section({ reserved_concurrency: 5 }));

  it("means exactly the settings it was made from", () => {
    expect(configOf(formOf(base), base)).toEqual({ config: base, errors: [] });
  });

  it("keeps text that is not a number, says so at its field, and sends the base value meanwhile", () => {
    const form = { ...formOf(base), memory_mb: "12a", reserved_concurrency: "" };
    const { config, errors } = configOf(form, base);
    expect(form.memory_mb).toBe("12a");
    expect(config.memory_mb).toBe(128);
    expect(errors).toEqual([
      { field: "memory_mb", message: "Enter a whole number." },
      { field: "reserved_concurrency", message: "Enter a whole number." },
    ]);
  });

  it("sends no levels with Text but keeps them typed, and no reservation when unticked", () => {
    const form = { ...formOf(base), log_format: "Text", application_log_level: "INFO", reserve_concurrency: false };
    const { config } = configOf(form, base);
    expect(config.logging.application_log_level).toBeNull();
    expect(config.reserved_concurrency).toBeNull();
    expect(configOf({ ...form, log_format: "JSON" }, base).config.logging.application_log_level).toBe("INFO");
  });

  it("asks for a runtime on a zip function, and has none for an image", () => {
    expect(configOf({ ...formOf(base), runtime: " " }, base).errors).toEqual([{ field: "runtime", message: "Choose a runtime." }]);
    const image = { ...base, handler: null, runtime: null };
    expect(configOf(formOf(image), image)).toEqual({ config: image, errors: [] });
  });
});

describe("values as shown", () => {
  it("mask secrets unless revealed and say when nothing is set", () => {
    expect(shownValue("s3cret", true, false)).toBe("••••••");
    expect(shownValue("s3cret", true, true)).toBe("s3cret");
    expect(shownValue(null, false, false)).toBe("(not set)");
    expect(formatEnvironmentSize(5120, 4096)).toBe("5,120 of 4,096 bytes");
  });
});

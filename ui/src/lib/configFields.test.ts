import { describe, expect, it } from "vitest";
import type { EditableConfig } from "./bindings";
import { configOf, formatEnvironmentSize, formOf, shownValue } from "./configFields";

/** The settings of orders-api as the core builds them from its saved details. */
const ORDERS: EditableConfig = {
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
};

// What an edit starts from is built by the core (EditableConfig::from_section, tested in
// src/config/diff.rs).

describe("the form", () => {
  const base: EditableConfig = { ...ORDERS, reserved_concurrency: 5 };

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

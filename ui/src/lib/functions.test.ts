import { describe, expect, it } from "vitest";
import type { FunctionSummary } from "./bindings";
import { errorTitle, filterFunctions, formatLastModified, formatMemory, formatTimeout } from "./functions";

function fn(name: string, runtime: string | null, description: string | null = null): FunctionSummary {
  return {
    function_name: name,
    function_arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    runtime,
    memory_size: 128,
    timeout: 3,
    last_modified: "2026-11-01T10:00:00.000+0000",
    description,
    handler: "app.handler",
    package_type: "Zip",
    architectures: ["x86_64"],
  };
}

describe("filterFunctions", () => {
  const list = [
    fn("payments-api", "python3.12", "HTTP API handler"),
    fn("orders-worker", "nodejs20.x", "Consumes jobs from the SQS queue"),
    fn("media-resize", null),
  ];

  it("returns everything for an empty query", () => {
    expect(filterFunctions(list, "  ")).toHaveLength(3);
  });

  it("matches name, runtime and description, case-insensitively, all words", () => {
    expect(filterFunctions(list, "PAYMENTS").map((f) => f.function_name)).toEqual(["payments-api"]);
    expect(filterFunctions(list, "nodejs").map((f) => f.function_name)).toEqual(["orders-worker"]);
    expect(filterFunctions(list, "sqs worker").map((f) => f.function_name)).toEqual(["orders-worker"]);
    expect(filterFunctions(list, "sqs payments")).toEqual([]);
  });
});

describe("formatting", () => {
  it("formats memory and timeout the way the console does", () => {
    expect(formatMemory(128)).toBe("128 MB");
    expect(formatMemory(2048)).toBe("2 GB");
    expect(formatMemory(1769)).toBe("1769 MB");
    expect(formatMemory(null)).toBe("—");
    expect(formatTimeout(30)).toBe("30 s");
    expect(formatTimeout(900)).toBe("15 min");
    expect(formatTimeout(90)).toBe("1 min 30 s");
  });

  it("shortens Lambda's LastModified and keeps what it cannot parse", () => {
    expect(formatLastModified("2026-11-01T10:00:00.000+0000")).toBe("2026-11-01 10:00");
    expect(formatLastModified("yesterday")).toBe("yesterday");
    expect(formatLastModified(null)).toBe("—");
  });
});

describe("errorTitle", () => {
  it("names every error code plainly", () => {
    expect(errorTitle("network")).toBe("AWS is unreachable");
    expect(errorTitle("credentials")).toBe("Credentials problem");
    expect(errorTitle("throttled")).toBe("Throttled by AWS");
  });
});

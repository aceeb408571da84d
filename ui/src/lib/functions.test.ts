import { describe, expect, it } from "vitest";
import type { FunctionSummary } from "./bindings";
import {
  dash,
  describeRouting,
  errorTitle,
  filterFunctions,
  formatAge,
  formatLastModified,
  formatMemory,
  formatTimeout,
  parseQuery,
  removeToken,
  sortFunctions,
  syncState,
} from "./functions";

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
    state: "Active",
    last_update_status: null,
    tags: null,
  };
}

const names = (list: FunctionSummary[]) => list.map((f) => f.function_name);
const search = (list: FunctionSummary[], text: string) => names(filterFunctions(list, parseQuery(text)));

describe("filterFunctions", () => {
  const list = [
    fn("payments-api", "python3.12", "HTTP API handler"),
    fn("orders-worker", "nodejs20.x", "Consumes jobs from the SQS queue"),
    fn("media-resize", null),
  ];

  it("returns everything for an empty query", () => {
    expect(filterFunctions(list, parseQuery("  "))).toHaveLength(3);
  });

  it("matches name and description, case-insensitively, all words", () => {
    expect(search(list, "PAYMENTS")).toEqual(["payments-api"]);
    expect(search(list, "sqs worker")).toEqual(["orders-worker"]);
    expect(search(list, "sqs payments")).toEqual([]);
  });

  it("filters by runtime prefix, architecture, package type, state and tag", () => {
    const tagged = { ...fn("tagged", "python3.12"), tags: { team: "payments", env: "prod" }, architectures: ["arm64"] };
    const image = { ...fn("image", null), package_type: "Image", state: "Failed" };
    const all = [...list, tagged, image];
    expect(search(all, "runtime:python")).toEqual(["payments-api", "tagged"]);
    expect(search(all, "runtime:python3.12 arch:arm64")).toEqual(["tagged"]);
    expect(search(all, "package:image")).toEqual(["image"]);
    expect(search(all, "state:failed")).toEqual(["image"]);
    expect(search(all, "tag:team=payments")).toEqual(["tagged"]);
    expect(search(all, "tag:team=orders")).toEqual([]);
    expect(search(all, "tag:env")).toEqual(["tagged"]);
    expect(search(all, "type:zip api")).toEqual(["payments-api"]);
  });

  it("reports unknown or empty filters instead of searching for them", () => {
    expect(parseQuery("colour:red").errors[0]).toContain("Unknown filter “colour:”");
    expect(parseQuery("runtime:").errors[0]).toContain("needs a value");
    expect(parseQuery("runtime:node api").filters).toEqual([{ key: "runtime", value: "node", token: "runtime:node" }]);
  });

  it("removes one chip's token from the query", () => {
    expect(removeToken("api  runtime:node tag:a=b", "runtime:node")).toBe("api tag:a=b");
  });
});

describe("sortFunctions", () => {
  const list = [
    { ...fn("b", "python3.12"), memory_size: 512 },
    { ...fn("a", "nodejs20.x"), memory_size: 1024 },
    { ...fn("c", null), memory_size: 512 },
  ];

  it("sorts by any column, either way, ties by name", () => {
    expect(names(sortFunctions(list, { column: "name", descending: false }))).toEqual(["a", "b", "c"]);
    expect(names(sortFunctions(list, { column: "memory", descending: true }))).toEqual(["a", "b", "c"]);
    expect(names(sortFunctions(list, { column: "memory", descending: false }))).toEqual(["b", "c", "a"]);
    expect(names(sortFunctions(list, { column: "runtime", descending: false }))).toEqual(["a", "b", "c"]);
  });

  it("does not reorder the list it was given", () => {
    sortFunctions(list, { column: "name", descending: false });
    expect(names(list)).toEqual(["b", "a", "c"]);
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

describe("describeRouting", () => {
  it("shows where a weighted alias sends its traffic", () => {
    const alias = { name: "live", function_version: "1", description: null, additional_version_weights: [] };
    expect(describeRouting(alias)).toBe("version 1");
    const weighted = { ...alias, additional_version_weights: [{ version: "2", weight: 0.1 }] };
    expect(describeRouting(weighted)).toBe("version 1 (90%), version 2 (10%)");
  });
});

describe("formatAge", () => {
  it("says how old saved data is", () => {
    const now = new Date("2026-11-22T12:00:00Z");
    expect(formatAge("2026-11-22T11:59:30Z", now)).toBe("just now");
    expect(formatAge("2026-11-22T11:57:00Z", now)).toBe("3 min ago");
    expect(formatAge("2026-11-22T09:00:00Z", now)).toBe("3 h ago");
    expect(formatAge("2026-11-18T12:00:00Z", now)).toBe("4 days ago");
  });
});

describe("syncState", () => {
  const failure = (code: "network" | "cancelled" | "throttled") => ({ code, message: "m", fields: [] });

  it("says offline for a network failure and keeps cancelled apart from failed", () => {
    expect(syncState(true, failure("network"), null)).toBe("refreshing");
    expect(syncState(false, failure("network"), "2026-11-22T10:00:00Z")).toBe("offline");
    expect(syncState(false, failure("cancelled"), null)).toBe("cancelled");
    expect(syncState(false, failure("throttled"), null)).toBe("error");
    expect(syncState(false, null, "2026-11-22T10:00:00Z")).toBe("synced");
    expect(syncState(false, null, null)).toBe("never");
  });
});

describe("errorTitle", () => {
  it("names every error code plainly", () => {
    expect(errorTitle("network")).toBe("AWS is unreachable");
    expect(errorTitle("credentials")).toBe("Credentials problem");
    expect(errorTitle("throttled")).toBe("Throttled by AWS");
  });
});

describe("dash", () => {
  it("shows a missing value as a dash, and zero as zero", () => {
    expect([dash(null), dash(undefined), dash(0), dash("x")]).toEqual(["—", "—", 0, "x"]);
  });
});

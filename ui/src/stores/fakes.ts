// Test helpers for the stores: answers as the bindings give them, and promises a test
// resolves when it chooses (to play answers out of order).
import type { Answer } from "../lib/api";
import type { ErrorPayload, FunctionListView, FunctionSummary } from "../lib/bindings";

export { ok } from "../lib/api";
export const fail = (code: ErrorPayload["code"], message: string = code): Answer<never> => ({
  status: "error",
  error: { code, message, fields: [] },
});

/** A promise and the functions that settle it. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export function summary(name: string): FunctionSummary {
  return {
    function_name: name,
    function_arn: `arn:aws:lambda:eu-west-1:000000000000:function:${name}`,
    runtime: "python3.12",
    memory_size: 128,
    timeout: 3,
    last_modified: "2026-11-01T10:00:00.000+0000",
    description: null,
    handler: "app.handler",
    package_type: "Zip",
    architectures: ["x86_64"],
    state: "Active",
    last_update_status: null,
    tags: null,
  };
}

export function listView(names: string[], total = names.length, profile = "work", region = "eu-west-1"): FunctionListView {
  return {
    scope: { profile, region },
    functions: names.map(summary),
    total,
    fetched_at: "2026-11-28T10:00:00Z",
    last_sync: null,
  };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

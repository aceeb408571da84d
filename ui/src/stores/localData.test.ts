import { describe, expect, it, vi } from "vitest";
import type { LocalDataSummary } from "../lib/bindings";
import { deferred, fail, ok, settle } from "./fakes";
import { LocalDataStore } from "./localData.svelte";

const scope = { profile: "work", region: "eu-west-1" };

function summary(scopes: number): LocalDataSummary {
  return {
    path: "/data/lambda-deck.sqlite3",
    file_bytes: 4096,
    scopes: Array.from({ length: scopes }, (_, i) => ({
      scope: { profile: `p${i}`, region: "eu-west-1" },
      bytes: 1000,
      functions: 3,
      list_fetched_at: "2026-11-28T10:00:00Z",
    })),
    notice: null,
  };
}

/** The history-limit commands, answering as the core does (1 to 10,000). */
function historyApi() {
  return {
    invocationHistoryLimit: vi.fn(async () => ok(100)),
    setInvocationHistoryLimit: vi.fn(async (keep: number) =>
      keep >= 1 && keep <= 10_000
        ? ok(keep)
        : ({ status: "error", error: { code: "invalid_input", message: "m", fields: [{ field: "history_limit", message: "Keep between 1 and 10000 invocations per function." }] } } as const),
    ),
    ...tailLinesApi(),
  };
}

/** The tail-buffer commands, answering as the core does (1,000 to 1,000,000). */
function tailLinesApi() {
  return {
    tailBufferLines: vi.fn(async () => ok(100_000)),
    setTailBufferLines: vi.fn(async (lines: number) =>
      lines >= 1_000 && lines <= 1_000_000
        ? ok(null)
        : ({ status: "error", error: { code: "invalid_input", message: "m", fields: [{ field: "tail_buffer_lines", message: "Keep between 1,000 and 1,000,000 lines." }] } } as const),
    ),
  };
}

describe("local data", () => {
  it("shows how many invocations are kept and changes it, with the core's error at the field", async () => {
    const api = { ...historyApi(), localData: vi.fn(async () => ok(summary(1))), clearLocalData: vi.fn() };
    const store = new LocalDataStore(api as never);
    await store.load();
    expect(store.historyLimit).toBe(100);
    await store.setHistoryLimit(0);
    expect([store.historyLimit, store.historyLimitError]).toEqual([100, "Keep between 1 and 10000 invocations per function."]);
    await store.setHistoryLimit("ten");
    expect(store.historyLimitError).toBe("Keep between 1 and 10000 invocations per function.");
    await store.setHistoryLimit(" 250 ");
    expect([store.historyLimit, store.historyLimitError]).toEqual([250, null]);
  });

  it("shows how many lines a live tail keeps and changes it, with the core's error at the field", async () => {
    const api = { ...historyApi(), localData: vi.fn(async () => ok(summary(1))), clearLocalData: vi.fn() };
    const store = new LocalDataStore(api as never);
    await store.load();
    await settle();
    expect(store.tailBufferLines).toBe(100_000);
    await store.setTailBufferLines("999");
    expect([store.tailBufferLines, store.tailBufferLinesError]).toEqual([100_000, "Keep between 1,000 and 1,000,000 lines."]);
    await store.setTailBufferLines("lots");
    await store.setTailBufferLines("99999999999999");
    expect(api.setTailBufferLines.mock.calls.slice(1)).toEqual([[0], [0]]);
    expect(store.tailBufferLinesError).toBe("Keep between 1,000 and 1,000,000 lines.");
    await store.setTailBufferLines(" 250,000 ");
    expect(api.setTailBufferLines).toHaveBeenLastCalledWith(250_000);
    expect([store.tailBufferLines, store.tailBufferLinesError]).toEqual([250_000, null]);
  });

  it("shows a refusal that names no field as it came", async () => {
    const api = {
      ...historyApi(),
      setTailBufferLines: vi.fn(async () => fail("internal", "The store is read-only.")),
      localData: vi.fn(),
      clearLocalData: vi.fn(),
    };
    const store = new LocalDataStore(api as never);
    await store.setTailBufferLines(5_000);
    expect([store.tailBufferLines, store.tailBufferLinesError]).toEqual([null, "The store is read-only."]);
  });

  it("asks once, then clears what was asked about", async () => {
    const api = { ...historyApi(), localData: vi.fn(async () => ok(summary(2))), clearLocalData: vi.fn(async () => ok(summary(1))) };
    const store = new LocalDataStore(api as never);
    await store.load();
    store.ask(scope);
    expect(api.clearLocalData).not.toHaveBeenCalled();
    expect(await store.confirm()).toEqual({ scope });
    expect(api.clearLocalData).toHaveBeenCalledWith(scope);
    expect(store.summary?.scopes).toHaveLength(1);
    expect(store.confirming).toBeNull();
  });

  it("deletes nothing when the user says no", async () => {
    const api = { ...historyApi(), localData: vi.fn(), clearLocalData: vi.fn() };
    const store = new LocalDataStore(api as never);
    store.ask(null);
    store.cancel();
    expect(await store.confirm()).toBeNull();
    expect(api.clearLocalData).not.toHaveBeenCalled();
  });

  it("says why a clear failed and keeps what it showed", async () => {
    const api = { ...historyApi(), localData: vi.fn(async () => ok(summary(2))), clearLocalData: vi.fn(async () => fail("internal", "disk")) };
    const store = new LocalDataStore(api as never);
    await store.load();
    store.ask(null);
    expect(await store.confirm()).toBeNull();
    expect(store.error?.message).toBe("disk");
    expect(store.summary?.scopes).toHaveLength(2);
  });

  it("does not let a slow load overwrite what a clear left", async () => {
    const slow = deferred<ReturnType<typeof ok<LocalDataSummary>>>();
    const api = { ...historyApi(), localData: vi.fn(() => slow.promise), clearLocalData: vi.fn(async () => ok(summary(0))) };
    const store = new LocalDataStore(api as never);
    const loading = store.load();
    store.ask(null);
    await store.confirm();
    slow.resolve(ok(summary(3)));
    await loading;
    expect(store.summary?.scopes).toHaveLength(0);
  });
});

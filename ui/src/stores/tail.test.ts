import { describe, expect, it } from "vitest";
import type { Answer } from "../lib/api";
import type { ErrorPayload, ExportFormat, TailBatch, TailLine, TailSetup } from "../lib/bindings";
import { TailStore, type TailApi } from "./tail.svelte";

const SETUP: TailSetup = {
  functions: ["orders", "payments"],
  connection: { profile: "dev", region: "eu-west-1", endpoint_url: null, source: "aws_cli" } as TailSetup["connection"],
  capacity: 100,
  export_dir: "/home/me/Downloads",
};

let seq = 0;
function line(fields: Partial<TailLine> & { message: string }): TailLine {
  return {
    seq: seq++,
    function: 0,
    timestamp_ms: 1000 + seq,
    log_stream: "s",
    level: null,
    request_id: null,
    trace_id: null,
    kind: "text",
    ...fields,
  } as TailLine;
}

const batch = (lines: TailLine[], notices: TailBatch["notices"] = [], dropped = 0): TailBatch => ({ lines, notices, dropped });

/** A fake backend whose tail runs until the test ends it; batches are pushed by hand. */
function fakeTail(setup: TailSetup = SETUP) {
  const calls: string[] = [];
  let push: (b: TailBatch) => void = () => {};
  let finish: (answer: Answer<null>) => void = () => {};
  const exports: { path: string; format: ExportFormat; only: number[] | null }[] = [];
  let exportAnswer: Answer<number> = { status: "ok", data: 0 };
  const api: TailApi = {
    tailSetup: async () => ({ status: "ok", data: setup }),
    startTail: (filter, since) => {
      calls.push(`start ${filter} ${since}`);
      return new Promise<Answer<null>>((resolve) => {
        finish = resolve;
      });
    },
    stopTail: async () => {
      calls.push("stop");
    },
    clearTail: async () => {
      calls.push("clear");
      return { status: "ok", data: null };
    },
    closeTailWindow: async () => {
      calls.push("close");
      return { status: "ok", data: null };
    },
    exportTail: async (path, format, only, onProgress) => {
      exports.push({ path, format, only });
      onProgress(0.5);
      onProgress(1);
      return exportAnswer;
    },
  };
  // startTail's callback is the fourth argument: keep it for pushing batches.
  const start = api.startTail;
  api.startTail = (filter, since, polling, onBatch) => {
    push = onBatch;
    return start(filter, since, polling, onBatch);
  };
  return {
    api,
    calls,
    exports,
    push: (b: TailBatch) => push(b),
    finish: (answer: Answer<null>) => finish(answer),
    setExportAnswer: (answer: Answer<number>) => {
      exportAnswer = answer;
    },
  };
}

async function openStore(now = () => 10_000) {
  const fake = fakeTail();
  // Lines are added at once (the app adds them before the next frame).
  const store = new TailStore(fake.api, now, (work) => work());
  void store.open();
  await Promise.resolve();
  await Promise.resolve();
  return { store, fake };
}

const messages = (store: TailStore) =>
  store.rows.map((row) => (row.type === "line" ? row.line.message : `[${row.requestId}]`));

describe("TailStore", () => {
  it("opens on the window's functions and shows lines as they arrive, in time order", async () => {
    const { store, fake } = await openStore();
    expect(fake.calls).toEqual(["start  300"]);
    expect(store.modes.get(1)?.mode).toBe("connecting");
    fake.push(batch([line({ message: "b", timestamp_ms: 20 })], [{ event: "mode", functions: [0, 1], mode: "live", reason: null }]));
    fake.push(batch([line({ message: "a late", timestamp_ms: 10 }), line({ message: "c", timestamp_ms: 30 })]));
    expect(messages(store)).toEqual(["a late", "b", "c"]);
    expect(store.modes.get(1)).toEqual({ mode: "live", reason: null });
    expect(store.lineCount).toBe(3);
  });

  it("keeps at most its capacity, dropping the oldest and counting them", async () => {
    const { store, fake } = await openStore();
    fake.push(batch(Array.from({ length: 110 }, (_, i) => line({ message: `m${i}`, timestamp_ms: i })), [], 7));
    expect(store.lineCount).toBe(100);
    expect(store.receivedCount).toBe(110);
    expect(store.droppedHere).toBe(10);
    expect(store.droppedByBuffer).toBe(7);
    expect(messages(store)[0]).toBe("m10");
  });

  it("trims its oldest rows in place, keeping search matches in step", async () => {
    const { store, fake } = await openStore();
    store.setSearch("needle");
    fake.push(batch(Array.from({ length: 100 }, (_, i) => line({ message: i % 10 === 0 ? `needle ${i}` : `m${i}`, timestamp_ms: i }))));
    expect(store.matches).toHaveLength(10);
    fake.push(batch(Array.from({ length: 6 }, (_, i) => line({ message: `new ${i}`, timestamp_ms: 1000 + i }))));
    // 106 lines exceed 100 by more than the slack: the oldest 6 go, one of them a match.
    expect(store.lineCount).toBe(100);
    expect(messages(store)[0]).toBe("m6");
    expect(store.matches).toHaveLength(9);
    expect(store.rows[store.matches[0]].type === "line" && (store.rows[store.matches[0]] as { line: TailLine }).line.message).toBe("needle 10");
    expect(messages(store)[99]).toBe("new 5");
  });

  it("holds lines while paused and shows them on resume", async () => {
    const { store, fake } = await openStore();
    store.pause();
    fake.push(batch([line({ message: "x" }), line({ message: "y" })]));
    expect(store.heldCount).toBe(2);
    expect(store.rows).toHaveLength(0);
    store.resume();
    expect(messages(store)).toEqual(["x", "y"]);
    expect(store.heldCount).toBe(0);
  });

  it("counts lines that arrive while the user looks further up", async () => {
    const { store, fake } = await openStore();
    store.setFollow(false);
    fake.push(batch([line({ message: "x" })]));
    expect(store.unseen).toBe(1);
    store.setFollow(true);
    expect(store.unseen).toBe(0);
  });

  it("searches with next and previous, wrapping, and filters by field:value", async () => {
    const { store, fake } = await openStore();
    fake.push(
      batch([
        line({ message: "payment failed", level: "error" }),
        line({ message: '{"user":{"id":42},"msg":"Payment ok"}', kind: "json" }),
        line({ message: "other" }),
      ]),
    );
    store.setSearch("PAYMENT");
    expect(store.matches).toEqual([0, 1]);
    store.step(1);
    expect(store.matchIndex).toBe(0);
    expect(store.reveal?.index).toBe(0);
    store.step(1);
    store.step(1);
    expect(store.matchIndex).toBe(0);
    store.step(-1);
    expect(store.matchIndex).toBe(1);
    expect(store.follow).toBe(false);

    store.setSearch("user.id:42");
    expect(messages(store)).toEqual(['{"user":{"id":42},"msg":"Payment ok"}']);
    store.setSearch("level:error");
    expect(messages(store)).toEqual(["payment failed"]);
    // New lines are filtered as they arrive.
    fake.push(batch([line({ message: "boom", level: "error" }), line({ message: "fine", level: "info" })]));
    expect(messages(store)).toEqual(["payment failed", "boom"]);
  });

  it("mutes a function and groups lines by request with the REPORT in the header", async () => {
    const { store, fake } = await openStore();
    const figures = {
      request_id: "r1",
      duration_ms: 3.2,
      billed_duration_ms: 4,
      memory_size_mb: 128,
      max_memory_used_mb: 41,
      init_duration_ms: null,
      restore_duration_ms: null,
      billed_restore_duration_ms: null,
    };
    fake.push(
      batch([
        line({ message: "START r1", request_id: "r1", kind: "start", version: "$LATEST" } as never),
        line({ message: "other function", function: 1 }),
        line({ message: "r1 says", request_id: "r1", level: "error" }),
        line({ message: "REPORT r1", request_id: "r1", kind: "report", figures } as never),
      ]),
    );
    store.toggleMute(1);
    expect(messages(store)).toEqual(["START r1", "r1 says", "REPORT r1"]);
    store.setGrouped(true);
    expect(messages(store)).toEqual(["[r1]"]);
    const header = store.rows[0];
    expect(header.type === "request" && header.report?.duration_ms).toBe(3.2);
    expect(header.type === "request" && header.failed).toBe(true);
    store.toggleRequest("r1");
    expect(messages(store)).toEqual(["[r1]", "START r1", "r1 says", "REPORT r1"]);
    store.toggleMute(1);
    expect(messages(store)).toContain("other function");
  });

  it("jumps to a request or trace id, unmuting and opening it", async () => {
    const { store, fake } = await openStore();
    fake.push(batch([line({ message: "a" }), line({ message: "traced", function: 1, request_id: "r9", trace_id: "1-abc" })]));
    store.toggleMute(1);
    store.setGrouped(true);
    expect(store.jumpTo("1-abc")).toBe(true);
    expect(store.muted.has(1)).toBe(false);
    expect(store.expanded.has("r9")).toBe(true);
    expect(store.selected?.message).toBe("traced");
    expect(store.rows[store.reveal!.index].type).toBe("request");
    expect(store.jumpTo("nope")).toBe(false);
  });

  it("lists reconnects, sampling and problems, and measures rate and lag", async () => {
    let now = 10_000;
    const { store, fake } = await openStore(() => now);
    fake.push(
      batch(
        [line({ message: "x", timestamp_ms: 9_500 }), line({ message: "y", timestamp_ms: 9_600 })],
        [
          { event: "sampled", functions: [0] },
          { event: "reconnected", functions: [0], reason: "the connection was lost", reread_from_ms: 1, reread_to_ms: 2, recovered: 5 },
          { event: "mode", functions: [1], mode: "polling", reason: "Live Tail is not allowed" },
        ],
      ),
    );
    now = 11_000;
    store.tick();
    expect(store.eventsPerSecond).toBe(0.4);
    expect(store.lagMs).toBe(1400);
    expect(store.sampledCount).toBe(1);
    expect(store.notices.map((n) => n.kind)).toEqual(["sampled", "reconnected"]);
    expect(store.notices[1].text).toContain("5 lines recovered");
    expect(store.modes.get(1)).toEqual({ mode: "polling", reason: "Live Tail is not allowed" });
  });

  it("shows a refused filter pattern at the field and restarts from an empty window", async () => {
    const { store, fake } = await openStore();
    fake.push(batch([line({ message: "old" })]));
    store.filterPattern = "{ $.level = }";
    const restarted = store.restart();
    await Promise.resolve();
    await Promise.resolve();
    expect(store.rows).toHaveLength(0);
    expect(fake.calls).toContain("clear");
    const refusal: ErrorPayload = { code: "invalid_input", message: "bad", fields: [{ field: "filter", message: "Compares with nothing." }] };
    fake.finish({ status: "error", error: refusal });
    await restarted;
    expect(store.filterError).toBe("Compares with nothing.");
    expect(store.error).toBeNull();
    expect(store.running).toBe(false);
  });

  it("adds a burst a frame's budget at a time", async () => {
    const fake = fakeTail({ ...SETUP, capacity: 10_000 });
    const frames: (() => void)[] = [];
    let clock = 0;
    // Each reading of the clock costs a millisecond: a few chunks fit in a frame.
    const store = new TailStore(fake.api, () => 10_000, (work) => frames.push(work), () => clock++);
    void store.open();
    await Promise.resolve();
    await Promise.resolve();
    fake.push(batch(Array.from({ length: 3000 }, (_, i) => line({ message: `b${i}`, timestamp_ms: i }))));
    expect(store.rows).toHaveLength(0);
    expect(frames).toHaveLength(1);
    const version = store.rowsVersion;
    frames.shift()!();
    const afterOneFrame = store.rows.length;
    expect(afterOneFrame).toBeGreaterThan(0);
    expect(afterOneFrame).toBeLessThan(3000);
    expect(store.rowsVersion, "the list is not repainted in every frame of a burst").toBe(version);
    while (frames.length) frames.shift()!();
    expect(store.rows).toHaveLength(3000);
    expect(store.rowsVersion, "the burst's last frame repaints it").toBeGreaterThan(version);
    expect(messages(store)[2999]).toBe("b2999");
  });

  it("closes its window through the backend", async () => {
    const { store, fake } = await openStore();
    await store.close();
    expect(fake.calls).toContain("close");
  });

  it("ignores batches of a tail it replaced", async () => {
    const { store, fake } = await openStore();
    let stale: (b: TailBatch) => void = () => {};
    const original = fake.api.startTail;
    fake.api.startTail = (f, s, p, onBatch) => {
      stale = onBatch;
      return original(f, s, p, onBatch);
    };
    void store.start();
    const old = stale;
    void store.start();
    old(batch([line({ message: "from the replaced tail" })]));
    expect(store.rows).toHaveLength(0);
  });

  it("exports what is shown or everything, with progress, and names the file", async () => {
    const { store, fake } = await openStore();
    fake.push(batch([line({ message: "a" }), line({ message: "b", function: 1 })]));
    store.toggleMute(1);
    const path = store.defaultExportPath("ndjson");
    expect(path).toMatch(/^\/home\/me\/Downloads\/lambda-deck-2-functions-1970-01-01-00-00-10\.ndjson$/);
    fake.setExportAnswer({ status: "ok", data: 1 });
    await store.exportLines(path, "ndjson", true);
    expect(fake.exports[0].only).toEqual([store.rows[0].type === "line" ? store.rows[0].line.seq : -1]);
    expect(store.exportMessage).toContain("Wrote 1 lines");
    await store.exportLines(path, "text", false);
    expect(fake.exports[1].only).toBeNull();
    fake.setExportAnswer({
      status: "error",
      error: { code: "invalid_input", message: "x", fields: [{ field: "path", message: "Give the full path." }] },
    });
    await store.exportLines("tail.log", "text", false);
    expect(store.exportError).toBe("Give the full path.");
    expect(store.exportProgress).toBeNull();
  });
});

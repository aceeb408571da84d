import type { Channel } from "@tauri-apps/api/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Answer } from "../lib/api";
import type {
  Comparison,
  ErrorPayload,
  EventContent,
  EventDraft,
  InvocationKind,
  InvocationOutcome,
  InvocationRecord,
  InvokeRequest,
  PayloadCheck,
  SavedEvent,
  SharedEvent,
  StreamChunk,
} from "../lib/bindings";
import { deferred, fail, ok } from "./fakes";
import {
  CHECK_DELAY_MS,
  DRAFT_DELAY_MS,
  TestTabStore,
  needsFigures,
  type ChunkChannel,
  type TestApi,
} from "./testTab.svelte";

const AT = "2026-11-28T10:00:00Z";

function event(name: string, payload = `{"name":"${name}"}`, kind: InvocationKind = "request"): SavedEvent {
  return { function_name: "orders", name, payload, invocation_kind: kind, qualifier: null, created_at: AT, updated_at: AT };
}

/** What the store sends as a draft of a request-type event without a qualifier. */
const draftOf = (payload: string): EventContent => ({ payload, invocation_kind: "request", qualifier: null });

function draft(eventName: string | null, payload: string): EventDraft {
  return { function_name: "orders", event_name: eventName, payload, invocation_kind: "request", qualifier: null, updated_at: AT };
}

function record(id: number, overrides: Partial<InvocationRecord> = {}): InvocationRecord {
  return {
    id,
    scope: { profile: "work", region: "eu-west-1" },
    function_name: "orders",
    event_name: null,
    qualifier: null,
    kind: "request",
    request_payload: "{}",
    client_context: null,
    started_at: AT,
    round_trip_ms: 40,
    outcome: "succeeded",
    status_code: 200,
    executed_version: "$LATEST",
    request_id: `req-${id}`,
    response_payload: '"done"',
    function_error: null,
    log_tail: [],
    report: null,
    report_source: null,
    full_log: null,
    cost: null,
    failure: null,
    notes: [],
    ...overrides,
  };
}

/** The record once its figures arrived from the log group. */
function withFigures(r: InvocationRecord): InvocationRecord {
  return {
    ...r,
    full_log: [{ timestamp: AT, message: "REPORT", level: null }],
    report_source: "log_group",
    report: {
      request_id: r.request_id ?? "",
      duration_ms: 12.5,
      billed_duration_ms: 13,
      memory_size_mb: 128,
      max_memory_used_mb: 70,
      init_duration_ms: null,
      restore_duration_ms: null,
      billed_restore_duration_ms: null,
    },
  };
}

const invalid = (field: string, message: string): Answer<never> => ({
  status: "error",
  error: { code: "invalid_input", message, fields: [{ field, message }] },
});

/** Valid JSON passes; anything else has a problem. */
function checked(text: string): PayloadCheck {
  try {
    JSON.parse(text);
    return { bytes: text.length, limit_bytes: 6 * 1024 * 1024, problem: null };
  } catch {
    return { bytes: text.length, limit_bytes: 6 * 1024 * 1024, problem: { message: "Expected a JSON value.", line: 1, column: 1 } };
  }
}

/** A fake backend over an in-memory event list, per function. */
function fakeApi(
  library: Record<string, { events: SavedEvent[]; drafts: EventDraft[] }> = {},
  history: InvocationRecord[] = [],
) {
  const of = (fn: string) => (library[fn] ??= { events: [], drafts: [] });
  let next = 100;
  const api = {
    listEvents: vi.fn(async (fn: string) => ok({ events: [...of(fn).events], drafts: [...of(fn).drafts] })),
    createEvent: vi.fn(async (fn: string, name: string, content: EventContent): Promise<Answer<SavedEvent>> => {
      if (of(fn).events.some((e) => e.name === name)) return invalid("name", `"${name}" is taken.`);
      const created = { ...event(name, content.payload, content.invocation_kind), function_name: fn, qualifier: content.qualifier };
      of(fn).events = [...of(fn).events, created];
      return ok(created);
    }),
    updateEvent: vi.fn(async (fn: string, name: string, content: EventContent) => ok({ ...event(name, content.payload), function_name: fn })),
    renameEvent: vi.fn(async (fn: string, name: string, newName: string) => ok({ ...event(newName), function_name: fn })),
    duplicateEvent: vi.fn(async (fn: string, name: string) => ok({ ...event(`${name} copy`), function_name: fn })),
    deleteEvent: vi.fn(async () => ok(null)),
    saveEventDraft: vi.fn(async (_fn: string, _event: string | null, _draft: EventContent) => ok(null)),
    discardEventDraft: vi.fn(async (fn: string, name: string | null) => {
      of(fn).drafts = of(fn).drafts.filter((d) => d.event_name !== name);
      return ok(null);
    }),
    checkEventPayload: vi.fn(async (text: string, _kind: InvocationKind) => checked(text)),
    eventTemplates: vi.fn(async () => []),
    renderEventTemplate: vi.fn(async () => ok("{}")),
    exportEvents: vi.fn(async () => ok([])),
    formatEventPayload: vi.fn(async (text: string) => {
      try {
        return JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        return null;
      }
    }),
    invokeFunction: vi.fn(
      async (request: InvokeRequest, _chunks: Channel<StreamChunk>): Promise<Answer<InvocationRecord>> =>
        ok(record(next++, { request_payload: request.payload, kind: request.kind, qualifier: request.qualifier })),
    ),
    cancelInvocation: vi.fn(async () => undefined),
    invocationFigures: vi.fn(async (id: number): Promise<Answer<InvocationRecord>> => ok(withFigures(record(id)))),
    invocationHistory: vi.fn(async (_fn: string, _outcome: InvocationOutcome | null) => ok([...history])),
    compareInvocations: vi.fn(
      async (_before: number, _after: number): Promise<Answer<Comparison>> =>
        ok({ request_changes: [], response_changes: [], figures: [] }),
    ),
    listSharedEvents: vi.fn(async (_fn: string): Promise<Answer<SharedEvent[]>> => ok([])),
    publishSharedEvent: vi.fn(async (_fn: string, _name: string, _text: string, _overwrite: boolean): Promise<Answer<null>> => ok(null)),
    deleteSharedEvent: vi.fn(async (_fn: string, _name: string): Promise<Answer<null>> => ok(null)),
  };
  return api;
}

type FakeApi = ReturnType<typeof fakeApi>;

/** A store over `api` whose stream chunks the test pushes itself. */
function tab(api: FakeApi = fakeApi()) {
  let onChunk: (chunk: StreamChunk) => void = () => {};
  let received = 0;
  const channel: ChunkChannel = (callback) => {
    onChunk = callback;
    return {} as Channel<StreamChunk>;
  };
  const store = new TestTabStore(api as unknown as TestApi, channel);
  const push = (text: string) => onChunk({ text, received_bytes: (received += text.length) });
  return { store, api, push };
}

/** A store showing `orders`, its events `a` and `b`, the first check done. */
async function opened(api: FakeApi = fakeApi({ orders: { events: [event("a"), event("b")], drafts: [] } })) {
  const t = tab(api);
  await t.store.load("orders");
  await vi.advanceTimersByTimeAsync(0);
  return t;
}

describe("the Test tab", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  describe("loading a function", () => {
    it("opens on the draft of a saved event, with the draft's text", async () => {
      const api = fakeApi({
        orders: {
          events: [event("a"), event("b")],
          drafts: [draft(null, '{"unnamed":true}'), draft("b", '{"b":"edited"}')],
        },
      });
      const { store } = tab(api);
      await store.load("orders");
      expect(store.events.map((e) => e.name)).toEqual(["a", "b"]);
      expect(store.drafts).toHaveLength(2);
      expect(store.current).toBe("b");
      expect(store.text).toBe('{"b":"edited"}');
      expect(store.dirty).toBe(true);
    });

    it("opens on the first event when there is no draft", async () => {
      const { store } = tab(fakeApi({ orders: { events: [event("a", '{"first":1}', "stream"), event("b")], drafts: [] } }));
      await store.load("orders");
      expect(store.current).toBe("a");
      expect(store.text).toBe('{"first":1}');
      expect(store.kind).toBe("stream");
      expect(store.dirty).toBe(false);
    });

    it("opens on the unnamed draft when it is the only one", async () => {
      const { store } = tab(fakeApi({ orders: { events: [event("a")], drafts: [draft(null, '{"typed":1}')] } }));
      await store.load("orders");
      expect(store.current).toBeNull();
      expect(store.text).toBe('{"typed":1}');
    });

    it("drops the events of a function the user already left", async () => {
      const api = fakeApi({
        orders: { events: [event("from-orders")], drafts: [] },
        payments: { events: [{ ...event("from-payments"), function_name: "payments" }], drafts: [] },
      });
      const late = deferred<Awaited<ReturnType<FakeApi["listEvents"]>>>();
      const listed = api.listEvents.getMockImplementation()!;
      api.listEvents.mockImplementation((fn: string) => (fn === "orders" ? late.promise : listed(fn)));
      const { store } = tab(api);
      const first = store.load("orders");
      await store.load("payments");
      late.resolve(ok({ events: [event("from-orders")], drafts: [draft("from-orders", "{}")] }));
      await first;
      await vi.advanceTimersByTimeAsync(0);
      expect(store.functionName).toBe("payments");
      expect(store.events.map((e) => e.name)).toEqual(["from-payments"]);
      expect(store.drafts).toEqual([]);
      expect(store.current).toBe("from-payments");
    });

    it("drops the history of a function the user already left", async () => {
      const api = fakeApi({});
      const late = deferred<Answer<InvocationRecord[]>>();
      const fresh = ok([record(2, { function_name: "payments" })]);
      api.invocationHistory.mockImplementation((fn: string) => (fn === "orders" ? late.promise : Promise.resolve(fresh)));
      const { store } = tab(api);
      const first = store.load("orders");
      await vi.advanceTimersByTimeAsync(0); // orders' history is being read…
      await store.load("payments");
      late.resolve(ok([record(1)]));
      await first;
      expect(store.history.map((r) => r.id)).toEqual([2]);
    });

    it("gathers no chunks of a stream started for the function the user left", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      api.invokeFunction.mockReturnValue(new Promise(() => {}));
      const { store, push } = await opened(api);
      void store.invoke();
      await store.load("payments");
      push("late");
      expect(store.streamed).toBe("");
    });

    it("drops the figures of an invocation of the function the user left", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } }, [record(7)]);
      api.invokeFunction.mockResolvedValue(ok(record(7)));
      const figures = deferred<Answer<InvocationRecord>>();
      api.invocationFigures.mockReturnValue(figures.promise);
      const { store } = await opened(api);
      await store.invoke();
      await store.load("payments");
      figures.resolve(ok(withFigures(record(7))));
      await vi.advanceTimersByTimeAsync(0);
      expect(store.result).toBeNull();
      expect(store.history).toEqual([record(7)]);
    });

    it("drops the shared events of the function the user left", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      const late = deferred<Answer<SharedEvent[]>>();
      api.listSharedEvents.mockReturnValueOnce(late.promise);
      const { store } = await opened(api);
      const listing = store.loadShared();
      await store.load("payments");
      late.resolve(ok([{ name: "orders-only", json: "{}" }]));
      await listing;
      expect(store.shared).toBeNull();
      expect(store.sharedError).toBeNull();
    });

    it("shows why the events could not be read", async () => {
      const api = fakeApi();
      api.listEvents.mockResolvedValue(fail("internal", "The store is unreadable."));
      const { store } = tab(api);
      await store.load("orders");
      expect(store.error?.message).toBe("The store is unreadable.");
      expect(store.events).toEqual([]);
    });
  });

  describe("editing", () => {
    it("checks the payload once typing settles, not per keystroke", async () => {
      const { store, api } = await opened();
      api.checkEventPayload.mockClear();
      for (const text of ["{", '{"', '{"x"', '{"x":1}']) {
        store.edit(text);
        await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS / 2);
      }
      expect(api.checkEventPayload).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS);
      expect(api.checkEventPayload.mock.calls).toEqual([['{"x":1}', "request"]]);
      expect(store.check?.problem).toBeNull();
    });

    it("keeps only the check of the text the editor still holds", async () => {
      const { store, api } = await opened();
      const late = deferred<PayloadCheck>();
      api.checkEventPayload.mockImplementation(async (text: string) => (text === "{broken" ? late.promise : checked(text)));
      store.edit("{broken");
      await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS);
      store.edit('{"fixed":true}');
      await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS);
      expect(store.check?.problem).toBeNull();
      late.resolve(checked("{broken"));
      await vi.advanceTimersByTimeAsync(0);
      expect(store.check?.problem).toBeNull();
      expect(store.check?.bytes).toBe('{"fixed":true}'.length);
    });

    it("keeps the draft once typing settles", async () => {
      const { store, api } = await opened();
      store.edit('{"a":');
      await vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS / 2);
      store.edit('{"a":2}');
      await vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS - 1);
      expect(api.saveEventDraft).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(api.saveEventDraft.mock.calls).toEqual([["orders", "a", draftOf('{"a":2}')]]);
    });

    it("keeps the draft of a new event under no name", async () => {
      const { store, api } = await opened();
      store.select(null);
      store.edit('{"new":1}');
      await vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS);
      expect(api.saveEventDraft.mock.calls).toEqual([["orders", null, draftOf('{"new":1}')]]);
    });

    it("writes the pending draft at once when flushed, and only once", async () => {
      const { store, api } = await opened();
      store.edit('{"now":1}');
      await store.flushDraft();
      expect(api.saveEventDraft.mock.calls).toEqual([["orders", "a", draftOf('{"now":1}')]]);
      await vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS * 2);
      expect(api.saveEventDraft).toHaveBeenCalledTimes(1);
    });

    it("writes the pending draft before showing another function", async () => {
      const { store, api } = await opened();
      store.edit('{"unsaved":1}');
      await store.load("payments");
      expect(api.saveEventDraft.mock.calls).toEqual([["orders", "a", draftOf('{"unsaved":1}')]]);
      const saved = api.saveEventDraft.mock.invocationCallOrder[0];
      const listedPayments = api.listEvents.mock.invocationCallOrder[api.listEvents.mock.calls.findIndex(([fn]) => fn === "payments")];
      expect(saved).toBeLessThan(listedPayments);
      await vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS);
      expect(api.saveEventDraft).toHaveBeenCalledTimes(1);
    });
  });

  describe("why Invoke is disabled", () => {
    it("is nothing for a payload that passes its check", async () => {
      const { store } = await opened();
      expect(store.check?.problem).toBeNull();
      expect(store.invokeBlocked).toBeNull();
    });

    it("says the check's problem", async () => {
      const { store } = await opened();
      store.edit("{oops");
      await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS);
      expect(store.invokeBlocked).toBe("Expected a JSON value.");
    });

    it("says an invocation is running while one is", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      const answer = deferred<Answer<InvocationRecord>>();
      api.invokeFunction.mockReturnValue(answer.promise);
      const { store } = await opened(api);
      const running = store.invoke();
      expect(store.invokeBlocked).toBe("An invocation is running.");
      answer.resolve(ok(record(1)));
      await running;
      expect(store.invokeBlocked).toBeNull();
    });
  });

  describe("saving as a new event", () => {
    it("puts a taken name's error on the name field and changes nothing else", async () => {
      const { store, api } = await opened();
      store.edit('{"changed":1}');
      const listings = api.listEvents.mock.calls.length;
      expect(await store.saveAs("b")).toBe(false);
      expect(store.fieldErrors).toEqual({ name: '"b" is taken.' });
      expect(store.current).toBe("a");
      expect(store.text).toBe('{"changed":1}');
      expect(store.events.map((e) => e.name)).toEqual(["a", "b"]);
      expect(store.error).toBeNull();
      expect(store.notice).toBeNull();
      expect(api.listEvents.mock.calls.length).toBe(listings);
      expect(api.discardEventDraft).not.toHaveBeenCalled();
    });

    it("selects the new event and discards the unnamed draft it came from", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [draft(null, '{"typed":1}')] } });
      const { store } = await opened(api);
      expect(store.current).toBeNull();
      store.qualifier = " live ";
      expect(await store.saveAs("created")).toBe(true);
      expect(api.createEvent.mock.calls).toEqual([
        ["orders", "created", { payload: '{"typed":1}', invocation_kind: "request", qualifier: "live" }],
      ]);
      expect(api.discardEventDraft.mock.calls).toEqual([["orders", null]]);
      expect(store.current).toBe("created");
      expect(store.text).toBe('{"typed":1}');
      expect(store.events.map((e) => e.name)).toEqual(["a", "created"]);
      expect(store.drafts).toEqual([]);
      expect(store.fieldErrors).toEqual({});
      expect(store.notice).toBe('Saved "created".');
    });

    it("keeps the unnamed draft when saving a saved event under a new name", async () => {
      const { store, api } = await opened();
      store.edit('{"copy":1}');
      expect(await store.saveAs("copy")).toBe(true);
      expect(api.discardEventDraft).not.toHaveBeenCalled();
      expect(store.current).toBe("copy");
      expect(store.text).toBe('{"copy":1}');
    });
  });

  describe("invoking", () => {
    it("sends the editor's text, type, trimmed qualifier, client context and event", async () => {
      const { store, api } = await opened();
      store.edit('{"go":1}');
      store.setKind("stream");
      store.qualifier = "  live  ";
      store.clientContext = ' {"custom":{"tenant":"t1"}} ';
      await store.invoke();
      expect(api.invokeFunction).toHaveBeenCalledTimes(1);
      expect(api.invokeFunction.mock.calls[0][0]).toEqual({
        function_name: "orders",
        qualifier: "live",
        kind: "stream",
        payload: '{"go":1}',
        client_context: '{"custom":{"tenant":"t1"}}',
        event_name: "a",
      });
    });

    it("sends no qualifier or client context when they are blank, and no event for a new one", async () => {
      const { store, api } = await opened();
      store.select(null);
      store.edit("{}");
      store.qualifier = "   ";
      store.clientContext = "  ";
      await store.invoke();
      expect(api.invokeFunction.mock.calls[0][0]).toMatchObject({ qualifier: null, client_context: null, event_name: null });
    });

    it("gathers the streamed chunks and shows the result as soon as Lambda answers", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      const answer = deferred<Answer<InvocationRecord>>();
      api.invokeFunction.mockReturnValue(answer.promise);
      api.invocationFigures.mockReturnValue(new Promise(() => {}));
      const { store, push } = await opened(api);
      store.setKind("stream");
      const invoked = store.invoke();
      expect(store.running).toBe(true);
      push("Hel");
      push("lo, ");
      push("world");
      expect(store.streamed).toBe("Hello, world");
      const answered = record(7, { kind: "stream" });
      answer.resolve(ok(answered));
      expect(await invoked).toEqual(answered);
      expect(store.running).toBe(false);
      expect(store.result).toEqual(answered);
      // The figures are asked for once the payload has been painted.
      expect(store.figuresPending).toBe(false);
      await vi.advanceTimersByTimeAsync(0);
      expect(store.figuresPending).toBe(true);
    });

    it("starts the next invocation's stream afresh", async () => {
      const { store, push, api } = await opened();
      const answer = deferred<Answer<InvocationRecord>>();
      await store.invoke();
      push("old");
      api.invokeFunction.mockReturnValue(answer.promise);
      const second = store.invoke();
      expect(store.streamed).toBe("");
      push("new");
      expect(store.streamed).toBe("new");
      answer.resolve(ok(record(2)));
      await second;
    });

    it("fills in the figures later, in the result and in the history", async () => {
      const answered = record(7);
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } }, [answered, record(3)]);
      api.invokeFunction.mockResolvedValue(ok(answered));
      const figures = deferred<Answer<InvocationRecord>>();
      api.invocationFigures.mockReturnValue(figures.promise);
      const { store } = await opened(api);
      await store.invoke();
      await vi.advanceTimersByTimeAsync(0);
      expect(store.result).toEqual(answered);
      expect(store.figuresPending).toBe(true);
      expect(api.invocationFigures.mock.calls).toEqual([[7]]);
      expect(store.history.map((r) => r.id)).toEqual([7, 3]);
      const filled = withFigures(answered);
      figures.resolve(ok(filled));
      await vi.advanceTimersByTimeAsync(0);
      expect(store.figuresPending).toBe(false);
      expect(store.result).toEqual(filled);
      expect(store.history[0]).toEqual(filled);
      expect(store.history[1]).toEqual(record(3));
    });

    it("does not ask for figures of a queued Event invocation", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      const queued = record(8, { kind: "event", outcome: "queued", status_code: 202, response_payload: null });
      api.invokeFunction.mockResolvedValue(ok(queued));
      const { store } = await opened(api);
      store.setKind("event");
      await store.invoke();
      await vi.advanceTimersByTimeAsync(0);
      expect(store.result).toEqual(queued);
      expect(store.figuresPending).toBe(false);
      expect(api.invocationFigures).not.toHaveBeenCalled();
    });

    it("puts a field's error next to the field and shows no result", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      api.invokeFunction.mockResolvedValue(invalid("payload", "The payload is not JSON."));
      const { store } = await opened(api);
      expect(await store.invoke()).toBeNull();
      expect(store.fieldErrors).toEqual({ payload: "The payload is not JSON." });
      expect(store.invokeError).toBeNull();
      expect(store.result).toBeNull();
      expect(store.running).toBe(false);
    });

    it("clears the payload's field error once the user types", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      api.invokeFunction.mockResolvedValue(invalid("payload", "The payload is not JSON."));
      const { store } = await opened(api);
      await store.invoke();
      store.edit('{"fixed":1}');
      expect(store.fieldErrors.payload).toBeUndefined();
    });

    it("leaves no invoke error when the user stopped waiting", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      api.invokeFunction.mockResolvedValue(fail("cancelled", "Stopped waiting."));
      const { store } = await opened(api);
      expect(await store.invoke()).toBeNull();
      expect(store.invokeError).toBeNull();
      expect(store.error).toBeNull();
      expect(store.fieldErrors).toEqual({});
      expect(store.result).toBeNull();
      expect(store.running).toBe(false);
    });

    it("shows a failed call once, as the invoke error only", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      api.invokeFunction.mockResolvedValue(fail("throttled", "Slow down."));
      const { store } = await opened(api);
      await store.invoke();
      expect(store.invokeError?.code).toBe("throttled");
      expect(store.error).toBeNull();
    });

    it("can invoke again after leaving a function while its invocation was in flight", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] }, other: { events: [], drafts: [] } });
      const inFlight = deferred<Answer<InvocationRecord>>();
      api.invokeFunction.mockReturnValueOnce(inFlight.promise);
      const { store } = await opened(api);
      const first = store.invoke();
      expect(store.running).toBe(true);
      await store.load("other");
      inFlight.resolve(ok(record(1)));
      await first;
      expect([store.running, store.figuresPending, store.sharedBusy]).toEqual([false, false, false]);
      api.invokeFunction.mockResolvedValue(ok(record(2, { function_name: "other", outcome: "queued", kind: "event" })));
      expect((await store.invoke())?.id).toBe(2);
    });

    it("shows a failed call as the invoke error", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      api.invokeFunction.mockResolvedValue(fail("network", "Lambda cannot be reached."));
      const { store } = await opened(api);
      expect(await store.invoke()).toBeNull();
      expect(store.invokeError?.code).toBe("network");
      expect(store.invokeError?.message).toBe("Lambda cannot be reached.");
      expect(store.running).toBe(false);
    });

    it("does not start a second invocation while one runs", async () => {
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } });
      const answer = deferred<Answer<InvocationRecord>>();
      api.invokeFunction.mockReturnValue(answer.promise);
      const { store } = await opened(api);
      const first = store.invoke();
      expect(await store.invoke()).toBeNull();
      expect(api.invokeFunction).toHaveBeenCalledTimes(1);
      answer.resolve(ok(record(1)));
      await first;
    });
  });

  describe("running a past invocation again", () => {
    it("sends the record's payload, type, qualifier and client context", async () => {
      const { store, api } = await opened();
      const past = record(4, {
        request_payload: '{"again":true}',
        kind: "stream",
        qualifier: "v2",
        client_context: '{"custom":1}',
      });
      await store.rerun(past);
      expect(api.invokeFunction.mock.calls[0][0]).toMatchObject({
        function_name: "orders",
        payload: '{"again":true}',
        kind: "stream",
        qualifier: "v2",
        client_context: '{"custom":1}',
        event_name: past.event_name,
      });
    });

    it("leaves the editor on what the user was editing", async () => {
      const { store, api } = await opened();
      store.edit('{"mine":1}');
      store.qualifier = "live";
      await vi.advanceTimersByTimeAsync(CHECK_DELAY_MS);
      const check = store.check;
      await store.rerun(record(4, { request_payload: '{"again":true}', kind: "event", qualifier: "v2" }));
      expect(api.invokeFunction.mock.calls[0][0]).toMatchObject({ payload: '{"again":true}', kind: "event", qualifier: "v2" });
      expect([store.current, store.text, store.kind, store.qualifier]).toEqual(["a", '{"mine":1}', "request", "live"]);
      expect(store.check).toBe(check);
    });
  });

  describe("comparing", () => {
    it("keeps at most two picks, the third replacing the oldest", () => {
      const { store } = tab();
      store.togglePick(1);
      store.togglePick(2);
      expect(store.picked).toEqual([1, 2]);
      store.togglePick(3);
      expect(store.picked).toEqual([2, 3]);
      store.togglePick(2);
      expect(store.picked).toEqual([3]);
    });

    it("compares the older invocation with the newer, whichever was picked first", async () => {
      const older = record(3, { request_payload: '{"v":1}' });
      const newer = record(5, { request_payload: '{"v":2}' });
      const api = fakeApi({ orders: { events: [event("a")], drafts: [] } }, [newer, record(4), older]);
      const diff: Comparison = {
        request_changes: [{ path: "$.v", kind: "changed", before: "1", after: "2" }],
        response_changes: [],
        figures: [],
      };
      api.compareInvocations.mockResolvedValue(ok(diff));
      const { store } = await opened(api);
      store.togglePick(5);
      store.togglePick(3);
      await store.compare();
      expect(api.compareInvocations.mock.calls).toEqual([[3, 5]]);
      expect(store.comparison).toEqual({ before: older, after: newer, diff });
    });

    it("compares nothing with a single pick", async () => {
      const { store, api } = await opened(fakeApi({ orders: { events: [event("a")], drafts: [] } }, [record(1)]));
      store.togglePick(1);
      await store.compare();
      expect(api.compareInvocations).not.toHaveBeenCalled();
      expect(store.comparison).toBeNull();
    });
  });

  describe("whether the figures are still to come", () => {
    const cases: [InvocationOutcome, InvocationKind, boolean, boolean][] = [
      // outcome, kind, full log read, figures to come
      ["succeeded", "request", false, true],
      ["succeeded", "stream", false, true],
      ["function_error", "request", false, true],
      ["function_error", "stream", false, true],
      ["succeeded", "request", true, false],
      ["function_error", "stream", true, false],
      ["queued", "event", false, false],
      ["dry_run_passed", "dry_run", false, false],
      ["call_failed", "request", false, false],
      ["call_failed", "stream", false, false],
    ];
    it.each(cases)("%s %s invocation, full log read: %s → %s", (outcome, kind, read, expected) => {
      const r = record(1, { outcome, kind, full_log: read ? [] : null });
      expect(needsFigures(r)).toBe(expected);
    });
  });

  describe("shared events", () => {
    const refused: ErrorPayload = { code: "access_denied", message: "schemas:ListSchemas is not allowed.", fields: [] };

    it("lists the function's shareable events", async () => {
      const { store, api } = await opened();
      const listed: SharedEvent[] = [{ name: "team", json: "{}" }];
      api.listSharedEvents.mockResolvedValue(ok(listed));
      await store.loadShared();
      expect(api.listSharedEvents.mock.calls).toEqual([["orders"]]);
      expect(store.shared).toEqual(listed);
      expect(store.sharedError).toBeNull();
      expect(store.sharedBusy).toBe(false);
    });

    it("shows why they cannot be listed", async () => {
      const { store, api } = await opened();
      api.listSharedEvents.mockResolvedValue({ status: "error", error: refused });
      await store.loadShared();
      expect(store.sharedError).toEqual(refused);
      expect(store.shared).toBeNull();
      expect(store.sharedBusy).toBe(false);
    });

    it("asks before replacing a console event of the same name", async () => {
      const { store, api } = await opened();
      api.publishSharedEvent.mockResolvedValueOnce(invalid("name", "The console already has an event named a."));
      await store.share(false);
      expect([store.sharedConflict, store.sharedError]).toEqual(["a", null]);
      await store.share(true);
      expect(api.publishSharedEvent.mock.calls.map((call) => call[3])).toEqual([false, true]);
      expect(store.sharedConflict).toBeNull();
    });

    it("shares the current event's editor text and lists again", async () => {
      const { store, api } = await opened();
      store.edit('{"shared":1}');
      api.listSharedEvents.mockResolvedValue(ok([{ name: "a", json: '{\n  "shared": 1\n}' }]));
      await store.share(true);
      expect(api.publishSharedEvent.mock.calls).toEqual([["orders", "a", '{"shared":1}', true]]);
      expect(store.shared?.map((e) => e.name)).toEqual(["a"]);
      expect(store.notice).toBe('Shared "a" with the console.');
      expect(store.sharedBusy).toBe(false);
    });

    it("shows why an event could not be shared", async () => {
      const { store, api } = await opened();
      api.publishSharedEvent.mockResolvedValue({ status: "error", error: refused });
      await store.share(false);
      expect(store.sharedError).toEqual(refused);
      expect(store.sharedBusy).toBe(false);
      expect(api.listSharedEvents).not.toHaveBeenCalled();
    });

    it("unshares an event and lists again", async () => {
      const { store, api } = await opened();
      api.listSharedEvents.mockResolvedValueOnce(ok([{ name: "team", json: "{}" }]));
      await store.loadShared();
      await store.unshare("team");
      expect(api.deleteSharedEvent.mock.calls).toEqual([["orders", "team"]]);
      expect(store.shared).toEqual([]);
    });

    it("shows why an event could not be unshared", async () => {
      const { store, api } = await opened();
      api.deleteSharedEvent.mockResolvedValue({ status: "error", error: refused });
      await store.unshare("team");
      expect(store.sharedError).toEqual(refused);
      expect(api.listSharedEvents).not.toHaveBeenCalled();
    });
  });

  describe("nothing typed is lost", () => {
    it("finds what was typed into an event when coming back to it", async () => {
      const { store } = await opened();
      store.select("a");
      store.edit('{"typed": "into a"}');
      store.select("b");
      store.select("a");
      expect(store.text).toBe('{"typed": "into a"}');
    });

    it("asks before a template replaces the unsaved new event, and keeps it when told", async () => {
      const { store, api } = await opened();
      store.select(null);
      store.edit('{"mine": true}');
      api.renderEventTemplate.mockResolvedValue(ok('{"Records": []}'));
      await store.fromTemplate("sqs");
      expect(store.replacing?.text).toBe('{"Records": []}');
      expect(store.text).toBe('{"mine": true}');
      store.keepUnsaved();
      expect([store.current, store.text, store.replacing]).toEqual([null, '{"mine": true}', null]);
      await store.fromTemplate("sqs");
      store.confirmReplace();
      expect(store.text).toBe('{"Records": []}');
    });

    it("starts afresh after a profile or region switch", async () => {
      const { store, api } = await opened();
      await store.setScope("work", "eu-west-1");
      expect(store.functionName).toBeNull();
      await store.setScope("work", "eu-west-1");
      expect(store.functionName).toBeNull();
      await store.load("orders");
      expect(api.listEvents).toHaveBeenCalledTimes(2);
    });

    it("waits for a draft being written before saving, so the save's clean state stands", async () => {
      const { store, api } = await opened();
      const writing = deferred<Answer<null>>();
      api.saveEventDraft.mockReturnValueOnce(writing.promise);
      store.edit('{"v": 1}');
      void store.flushDraft();
      const saving = store.save();
      await vi.advanceTimersByTimeAsync(0);
      expect(api.updateEvent).not.toHaveBeenCalled();
      writing.resolve(ok(null));
      await saving;
      expect(api.updateEvent).toHaveBeenCalledTimes(1);
    });

    it("says why an import failed next to the import", async () => {
      const { store } = await opened();
      expect(await store.importFile("a.json", "{}")).toBe(false);
      expect(store.error?.message).toBe('a.json: "a" is taken.');
      expect(await store.importFile("fresh.json", '{"x": 1}')).toBe(true);
      expect(store.current).toBe("fresh");
    });

    it("counts a changed type or qualifier as unsaved", async () => {
      const { store } = await opened();
      expect(store.dirty).toBe(false);
      store.setKind("event");
      expect(store.dirty).toBe(true);
      store.setKind("request");
      store.qualifier = "live";
      expect(store.dirty).toBe(true);
    });
  });

  describe("drafts keep the type and qualifier too", () => {
    it("keeps a changed type and qualifier and finds them when coming back", async () => {
      const { store, api } = await opened();
      store.setKind("event");
      store.setQualifier("live");
      await vi.advanceTimersByTimeAsync(DRAFT_DELAY_MS);
      expect(api.saveEventDraft.mock.calls[api.saveEventDraft.mock.calls.length - 1]).toEqual(["orders", "a", { payload: '{"name":"a"}', invocation_kind: "event", qualifier: "live" }]);
      store.select("b");
      expect([store.kind, store.qualifier]).toEqual(["request", ""]);
      store.select("a");
      expect([store.kind, store.qualifier, store.dirty]).toEqual(["event", "live", true]);
    });
  });
});

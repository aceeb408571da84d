import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

describe("the window's clock", () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date("2026-11-28T10:00:00Z") }));
  afterEach(() => vi.useRealTimers());

  it("ticks often enough for minutes to be right, and starts once", async () => {
    const { clock } = await import("./clock.svelte");
    clock.start();
    clock.start();
    vi.advanceTimersByTime(60_000);
    expect(clock.now.toISOString()).toBe("2026-11-28T10:01:00.000Z");
    expect(vi.getTimerCount()).toBe(1);
  });
});

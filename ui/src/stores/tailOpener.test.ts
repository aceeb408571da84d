import { describe, expect, it, vi } from "vitest";
import { deferred, fail, ok } from "./fakes";
import { TailOpenerStore } from "./tailOpener.svelte";

describe("opening a live tail", () => {
  it("asks for a window following the functions, one at a time", async () => {
    const answer = deferred<ReturnType<typeof ok<string>>>();
    const api = { openTailWindow: vi.fn(() => answer.promise) };
    const tails = new TailOpenerStore(api);
    const opening = tails.open(["a", "b"]);
    expect(tails.opening).toEqual(["a", "b"]);
    expect(await tails.open(["a"])).toBe(false); // a second click while the first opens
    answer.resolve(ok("tail-1"));
    expect(await opening).toBe(true);
    expect(api.openTailWindow.mock.calls).toEqual([[["a", "b"]]]);
    expect(tails.opening).toBeNull();
    expect(await tails.open([])).toBe(false);
    expect(api.openTailWindow).toHaveBeenCalledTimes(1);
  });

  it("keeps a refusal with the functions it was about", async () => {
    const api = { openTailWindow: vi.fn(async () => fail("configuration", "No region")) };
    const tails = new TailOpenerStore(api);
    expect(await tails.open(["a", "b"])).toBe(false);
    expect(tails.errorFor(["a", "b"])?.message).toBe("No region");
    expect(tails.errorFor(["a"])).toBeNull();
    expect(tails.errorFor(["b", "a"])).toBeNull();
    api.openTailWindow.mockResolvedValue(ok("tail-2") as never);
    expect(await tails.open(["a", "b"])).toBe(true);
    expect(tails.errorFor(["a", "b"])).toBeNull();
  });

  it("does not show a refusal that comes after the window left its scope", async () => {
    const answer = deferred<ReturnType<typeof fail>>();
    const tails = new TailOpenerStore({ openTailWindow: vi.fn(() => answer.promise) });
    const opening = tails.open(["a"]);
    tails.reset();
    answer.resolve(fail("network"));
    await opening;
    expect([tails.failure, tails.opening]).toEqual([null, null]);
  });
});

import { describe, expect, it, vi } from "vitest";
import type { ConnectionSummary } from "../lib/bindings";
import { deferred, fail, ok } from "./fakes";
import { SessionStore } from "./session.svelte";

const connection = (profile: string, region = "eu-west-1"): ConnectionSummary => ({
  profile,
  region,
  endpoint_url: null,
});

describe("the window's session", () => {
  it("lists the active profile first when it comes from the environment", async () => {
    const session = new SessionStore({
      listProfiles: vi.fn(async () =>
        ok([{ name: "work", source: "keyring", aws_cli_profile: null, region: "eu-west-1", endpoint_url: null, key_id_hint: "…MPLE", has_session_token: false, editable: true }]),
      ),
    } as never);
    await session.adopt(Promise.resolve(ok(connection("default"))));
    await session.loadProfiles();
    expect(session.profileNames).toEqual(["default", "work"]);
  });

  it("keeps the window as it was when a switch fails", async () => {
    const session = new SessionStore({
      selectRegion: vi.fn(async () => fail("invalid_input", '"eu-wset-1" is not an AWS region')),
    } as never);
    await session.adopt(Promise.resolve(ok(connection("work"))));
    expect(await session.switchRegion("eu-wset-1")).toBe(false);
    expect(session.connection).toEqual(connection("work"));
    expect(session.error?.code).toBe("invalid_input");
  });

  it("lets the last of two overlapping switches win", async () => {
    const first = deferred<ReturnType<typeof ok<ConnectionSummary>>>();
    const second = deferred<ReturnType<typeof ok<ConnectionSummary>>>();
    const answers = [first.promise, second.promise];
    const session = new SessionStore({ selectProfile: vi.fn(() => answers.shift()) } as never);
    const a = session.switchProfile("a");
    const b = session.switchProfile("b");
    second.resolve(ok(connection("b")));
    expect(await b).toBe(true);
    first.resolve(ok(connection("a")));
    expect(await a).toBe(false);
    expect(session.connection?.profile).toBe("b");
  });

  it("drops the start-up connection when the user switched before it arrived", async () => {
    const startup = deferred<ReturnType<typeof ok<ConnectionSummary>>>();
    const session = new SessionStore({ selectProfile: vi.fn(async () => ok(connection("play"))) } as never);
    const adopting = session.adopt(startup.promise);
    await session.switchProfile("play");
    startup.resolve(ok(connection("work")));
    await adopting;
    expect(session.connection?.profile).toBe("play");
  });
});

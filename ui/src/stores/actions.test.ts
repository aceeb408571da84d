import { describe, expect, it } from "vitest";
import { ActionRegistry } from "./actions.svelte";

describe("the action registry", () => {
  it("lists what applies now, in the order registered, and runs by id", () => {
    const registry = new ActionRegistry();
    const ran: string[] = [];
    let selected = false;
    registry.register(
      { id: "refresh", title: "Refresh", run: () => ran.push("refresh") },
      { id: "console", title: "Open in console", available: () => selected, run: () => ran.push("console") },
    );
    expect(registry.available().map((a) => a.id)).toEqual(["refresh"]);
    expect(registry.run("console")).toBe(false);
    selected = true;
    expect(registry.available().map((a) => a.id)).toEqual(["refresh", "console"]);
    expect(registry.run("console")).toBe(true);
    expect(ran).toEqual(["console"]);
  });

  it("lets a capability add and remove its own actions, replacing by id", () => {
    const registry = new ActionRegistry();
    registry.register({ id: "refresh", title: "Refresh", run: () => {} });
    const remove = registry.register(
      { id: "tail", title: "Open a live tail", run: () => {} },
      { id: "refresh", title: "Refresh everything", run: () => {} },
    );
    expect(registry.available().map((a) => a.title)).toEqual(["Open a live tail", "Refresh everything"]);
    remove();
    expect(registry.available()).toEqual([]);
  });
});

import { describe, expect, it, vi } from "vitest";
import { AppearanceStore, type ColorSchemeQuery } from "./appearance.svelte";
import { fail, ok } from "./fakes";

/** An OS colour-scheme setting the test can flip. */
function osSetting(dark: boolean) {
  const listeners: ((event: { matches: boolean }) => void)[] = [];
  const query: ColorSchemeQuery = { matches: dark, addEventListener: (_, listener) => listeners.push(listener) };
  return { query, flip: (next: boolean) => listeners.forEach((listener) => listener({ matches: next })) };
}

function appearance(dark: boolean, preference: "system" | "light" | "dark" = "system", saved = ok(null)) {
  const os = osSetting(dark);
  const applied: string[] = [];
  const api = { setAppearance: vi.fn(async () => saved) };
  const store = new AppearanceStore(api as never, os.query, (theme) => applied.push(theme), preference);
  return { store, os, applied, api };
}

describe("appearance", () => {
  it("follows the OS setting live while on system", () => {
    const { store, os, applied } = appearance(false);
    expect(store.effective).toBe("light");
    os.flip(true);
    expect(store.effective).toBe("dark");
    expect(applied).toEqual(["light", "dark"]);
  });

  it("keeps an override whatever the OS does, and saves it", async () => {
    const { store, os, api } = appearance(false);
    await store.set("dark");
    os.flip(false);
    expect(store.effective).toBe("dark");
    expect(api.setAppearance).toHaveBeenCalledWith("dark");
    await store.set("system");
    expect(store.effective).toBe("light");
  });

  it("toggles to the theme not showing", async () => {
    const { store } = appearance(true);
    await store.toggle();
    expect([store.preference, store.effective]).toEqual(["light", "light"]);
    await store.toggle();
    expect(store.effective).toBe("dark");
  });

  it("shows the theme at once and says when it could not be kept", async () => {
    const { store, applied } = appearance(false, "system", fail("internal", "local store: disk full"));
    await store.set("dark");
    expect(applied[applied.length - 1]).toBe("dark");
    expect(store.error?.message).toBe("local store: disk full");
  });

  it("keeps a choice made before the saved preference arrived", async () => {
    const { store } = appearance(false);
    await store.set("dark");
    store.adopt("light");
    expect(store.effective).toBe("dark");
  });
});

// Builds the main window: takes (or asks for) the saved list first, puts the theme on the
// page, then mounts the views over the app's stores and starts them.
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { api, ok } from "./lib/api";
import type { Appearance, FirstPaint } from "./lib/bindings";
import { AppStore } from "./stores/app.svelte";
import { clock } from "./stores/clock.svelte";
import { FIRST_SCREEN_ROWS } from "./stores/functionList.svelte";

performance.mark("lambda-deck:script-start"); // read by the start-up benchmark

// What the shell put on the page before any script ran (windows.rs): the appearance, and
// the main window's profile and first screen of its saved list, so the first paint needs
// no IPC. After a reload the window may have switched since: ask again.
const handed = (window as { __LDECK_FIRST_PAINT__?: FirstPaint }).__LDECK_FIRST_PAINT__;
const navigation = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
const fresh = handed && navigation?.type !== "reload" ? handed : null;
const first = {
  connection: fresh?.connection ? Promise.resolve(ok(fresh.connection)) : api.activeConnection(),
  firstScreen: fresh?.first_screen ? Promise.resolve(ok(fresh.first_screen)) : api.cachedFunctions(FIRST_SCREEN_ROWS),
};
const initialAppearance: Appearance = handed?.appearance ?? "system";

/** Resolves once the current state has been painted (two animation frames later). */
function painted(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

const app = new AppStore(api, {
  page: { painted, mark: (name) => performance.mark(name) },
  colorScheme: matchMedia("(prefers-color-scheme: dark)"),
  applyTheme: (theme) => {
    document.documentElement.dataset.theme = theme;
  },
  initialAppearance,
  hash: {
    get: () => location.hash,
    set: (hash) => {
      if (location.hash !== hash) history.replaceState(null, "", hash);
    },
  },
  focusSearch: () => {
    const input = document.getElementById("function-search") as HTMLInputElement | null;
    input?.focus();
    input?.select();
  },
});

if (fresh?.connection && fresh.first_screen) app.showHandedOver(fresh.connection, fresh.first_screen);
const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");
mount(App, { target, props: { app } });
performance.mark("lambda-deck:mounted"); // read by the start-up benchmark
clock.start();
void app.start(first);

// Builds the main window: asks for the saved list first, puts the theme on the page,
// then mounts the views over the app's stores and starts them.
import { mount } from "svelte";
import App from "./App.svelte";
import "./app.css";
import { api } from "./lib/api";
import type { Appearance } from "./lib/bindings";
import { AppStore } from "./stores/app.svelte";
import { clock } from "./stores/clock.svelte";
import { FIRST_SCREEN_ROWS } from "./stores/functionList.svelte";

// Asked for before anything else: the saved list is the first thing the window shows,
// so its IPC round trip overlaps the building of the views.
const first = { connection: api.activeConnection(), firstScreen: api.cachedFunctions(FIRST_SCREEN_ROWS) };

// The appearance saved when the app started, put on the page by the shell before any
// script runs (windows.rs), so the first paint has the right theme.
const hinted = (window as { __LDECK_APPEARANCE__?: string }).__LDECK_APPEARANCE__;
const initialAppearance: Appearance = hinted === "light" || hinted === "dark" ? hinted : "system";

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

const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from index.html");
mount(App, { target, props: { app } });
clock.start();
void app.start(first);

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

// The appearance the page last showed, so the first paint has the right theme; the
// backend's saved preference (which wins) arrives a moment later.
const APPEARANCE_HINT = "lambda-deck.appearance";
const hinted = localStorage.getItem(APPEARANCE_HINT);
const initialAppearance: Appearance = hinted === "light" || hinted === "dark" ? hinted : "system";

/** Resolves once the current state has been painted (two animation frames later). */
function painted(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

const app = new AppStore(api, {
  page: { painted, mark: (name) => performance.mark(name) },
  colorScheme: matchMedia("(prefers-color-scheme: dark)"),
  applyTheme: (theme, preference) => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(APPEARANCE_HINT, preference);
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

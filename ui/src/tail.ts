// Builds a tail window: puts the theme on the page, mounts the tail view over its store
// and starts the tail. The window follows the functions it was opened for (the shell
// keeps them by window label), on the profile and region it was opened on.
import { mount } from "svelte";
import "./app.css";
import { api } from "./lib/api";
import type { Appearance, FirstPaint } from "./lib/bindings";
import { TailStore } from "./stores/tail.svelte";
import TailApp from "./views/tail/TailApp.svelte";

const handed = (window as { __LDECK_FIRST_PAINT__?: FirstPaint }).__LDECK_FIRST_PAINT__;
const appearance: Appearance = handed?.appearance ?? "system";
const dark = matchMedia("(prefers-color-scheme: dark)");
const applyTheme = () => {
  document.documentElement.dataset.theme = appearance === "system" ? (dark.matches ? "dark" : "light") : appearance;
};
applyTheme();
dark.addEventListener("change", applyTheme);

const store = new TailStore(api);
const target = document.getElementById("app");
if (!target) throw new Error("#app is missing from tail.html");
mount(TailApp, { target, props: { store } });
void store.open();

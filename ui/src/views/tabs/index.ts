// The view of each function tab (lib/tabs.ts lists them in order). A capability adds its
// tab's view here; the pane renders whichever is active.
import type { Component } from "svelte";
import type { FunctionSummary } from "../../lib/bindings";
import type { TabId } from "../../lib/tabs";
import type { AppStore } from "../../stores/app.svelte";
import Configuration from "./Configuration.svelte";
import Logs from "./Logs.svelte";
import Monitor from "./Monitor.svelte";
import Overview from "./Overview.svelte";
import Test from "./TestLazy.svelte";

export type TabProps = {
  app: AppStore;
  /** The function's row from its saved configuration when there is one, else from the list. */
  summary: FunctionSummary;
};

export const TAB_VIEWS: Record<TabId, Component<TabProps>> = {
  overview: Overview,
  configuration: Configuration,
  test: Test,
  logs: Logs,
  monitor: Monitor,
};

// The tabs of the function pane, in the order the keyboard reaches them (Ctrl+1…5).
// A capability adds its tab here and its view in views/tabs/index.ts; nothing else
// changes (the pane, the palette and the shortcuts read this list).

export type TabId = "overview" | "configuration" | "test" | "logs" | "monitor";

export type TabInfo = {
  id: TabId;
  label: string;
  /** Extra words the palette matches ("payments-api env" → Configuration). */
  keywords: string;
};

export const TABS: readonly TabInfo[] = [
  { id: "overview", label: "Overview", keywords: "summary state aliases versions triggers tags" },
  { id: "configuration", label: "Configuration", keywords: "settings environment env variables vpc layers logging" },
  { id: "test", label: "Test", keywords: "invoke run event events payload history compare" },
  { id: "logs", label: "Logs", keywords: "tail live log stream cloudwatch group" },
  {
    id: "monitor",
    label: "Monitor",
    keywords: "metrics charts graphs invocations errors throttles duration percentiles concurrency cost compare",
  },
];

export const DEFAULT_TAB: TabId = "overview";

export function isTabId(value: string): value is TabId {
  return TABS.some((tab) => tab.id === value);
}

/** The tab Ctrl+`digit` selects (1 is the first), if there is one. */
export function tabAtShortcut(digit: number): TabId | null {
  return TABS[digit - 1]?.id ?? null;
}

export function tabLabel(id: TabId): string {
  return TABS.find((tab) => tab.id === id)?.label ?? id;
}

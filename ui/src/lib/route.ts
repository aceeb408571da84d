// Where the main window is, as URL-like text in location.hash: `#/functions/<name>/<tab>`.
// The palette jumps by route ("payments-api → Configuration"), and a route survives a
// reload of the page.
import { DEFAULT_TAB, isTabId, type TabId } from "./tabs";

export type Route = { function: string | null; tab: TabId };

export const HOME: Route = { function: null, tab: DEFAULT_TAB };

export function formatRoute(route: Route): string {
  if (route.function === null) return "#/";
  return `#/functions/${encodeURIComponent(route.function)}/${route.tab}`;
}

/** The route a hash names; anything unrecognised is the home route (no function). */
export function parseRoute(hash: string): Route {
  const match = /^#\/functions\/([^/]+)(?:\/([a-z-]+))?\/?$/.exec(hash);
  if (!match) return HOME;
  let name: string;
  try {
    name = decodeURIComponent(match[1]);
  } catch {
    return HOME;
  }
  const tab = match[2] && isTabId(match[2]) ? match[2] : DEFAULT_TAB;
  return { function: name, tab };
}

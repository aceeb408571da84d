import { describe, expect, it } from "vitest";
import { formatRoute, HOME, parseRoute } from "./route";
import { tabAtShortcut, TABS } from "./tabs";

describe("routes", () => {
  it("round-trip a function and its tab", () => {
    const route = { function: "payments-api", tab: "configuration" } as const;
    expect(formatRoute(route)).toBe("#/functions/payments-api/configuration");
    expect(parseRoute(formatRoute(route))).toEqual(route);
  });

  it("encode what a name could use to break out of its segment", () => {
    const route = { function: "a/b#c d", tab: "overview" } as const;
    expect(formatRoute(route)).toBe("#/functions/a%2Fb%23c%20d/overview");
    expect(parseRoute(formatRoute(route))).toEqual(route);
  });

  it("fall back to the first tab, or home, for what they do not know", () => {
    expect(parseRoute("#/functions/orders")).toEqual({ function: "orders", tab: "overview" });
    expect(parseRoute("#/functions/orders/nonsense")).toEqual({ function: "orders", tab: "overview" });
    expect(parseRoute("")).toEqual(HOME);
    expect(parseRoute("#/elsewhere")).toEqual(HOME);
    expect(parseRoute("#/functions/%E0%A4%A/overview")).toEqual(HOME);
    expect(formatRoute(HOME)).toBe("#/");
  });
});

describe("tabs", () => {
  it("are reached by Ctrl+digit in their order", () => {
    expect(tabAtShortcut(1)).toBe(TABS[0].id);
    expect(tabAtShortcut(2)).toBe("configuration");
    expect(tabAtShortcut(9)).toBeNull();
  });
});

// Every colour of the UI is a variable of app.css, defined in both themes, and the pairs
// people read (text on backgrounds, links, errors, the accent's own text) keep at least
// WCAG AA contrast (4.5:1) in each.
import { describe, expect, it } from "vitest";
import css from "./app.css?raw";

const views = import.meta.glob("./**/*.svelte", { query: "?raw", import: "default", eager: true }) as Record<
  string,
  string
>;

/** The variables of the block that starts with `selector {`. */
function variables(selector: string): Map<string, string> {
  const start = css.indexOf(`${selector} {`);
  expect(start, `${selector} is in app.css`).toBeGreaterThanOrEqual(0);
  const body = css.slice(start, css.indexOf("}", start));
  return new Map([...body.matchAll(/(--[\w-]+):\s*([^;]+);/g)].map((m) => [m[1], m[2].trim()]));
}

const light = variables(":root");
const dark = variables(':root[data-theme="dark"]');

/** WCAG relative luminance of a #rrggbb colour. */
function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Foreground and background variables read together. */
const READ_TOGETHER: [string, string][] = [
  ["--text", "--bg"],
  ["--text", "--bg-raised"],
  ["--text", "--hover"],
  ["--text", "--selected"],
  ["--text", "--chip"],
  ["--muted", "--bg"],
  ["--muted", "--bg-raised"],
  ["--muted", "--selected"],
  ["--link", "--bg"],
  ["--link", "--bg-raised"],
  ["--danger", "--bg"],
  ["--danger", "--bg-raised"],
  ["--ok", "--bg"],
  ["--accent", "--bg"],
  ["--on-accent", "--accent"],
  ["--on-mark", "--mark"],
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((i): [string, string] => ["--on-fn", `--fn-${i}`]),
];

describe("the themes", () => {
  it("define the same variables", () => {
    expect([...dark.keys()].sort()).toEqual([...light.keys()].sort());
    expect(light.size).toBeGreaterThan(10);
  });

  for (const [name, theme] of [
    ["light", light],
    ["dark", dark],
  ] as const) {
    it(`keep text readable in the ${name} theme`, () => {
      const poor = READ_TOGETHER.map(([fg, bg]) => ({ fg, bg, ratio: contrast(theme.get(fg)!, theme.get(bg)!) })).filter(
        (pair) => pair.ratio < 4.5,
      );
      expect(poor).toEqual([]);
    });
  }

  it("are the only place colours are written", () => {
    const outsideThemes = css.replace(/:root(\[data-theme="dark"\])? \{[^}]*--[^}]*\}/g, "");
    const literal = /#[0-9a-fA-F]{3,8}\b|\b(rgba?|hsla?)\(|:\s*(white|black|red|green|blue|orange|gray|grey)\b/;
    expect(outsideThemes).not.toMatch(literal);
    const offenders = Object.entries(views).filter(([, source]) => literal.test(source.replace(/<script[\s\S]*?<\/script>/g, "")));
    expect(offenders.map(([path]) => path)).toEqual([]);
    expect(Object.keys(views).length).toBeGreaterThan(10);
  });
});

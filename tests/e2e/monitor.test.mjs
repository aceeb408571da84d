// End-to-end: metrics in the real window against the local AWS's own Lambda metrics —
// the list's 24 h trends and sorting by them, the Monitor tab's charts (drawn by the
// backend) with the value under the real pointer, a range change and a drag zoom, two
// functions compared from the list's multi-selection, exports checked on disk against
// what the tooltip showed, the dark theme, and the saved charts when AWS is gone. One app
// launch for all of it; AWS "goes away" by closing a loopback proxy in front of it.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { chord, CONTROL, lambdaCall, launchApp, openFunction, saveScreenshot, startLocalAws, startProxy } from "./harness.mjs";

// Both among the demo's functions (devtools/src/demo.rs); invoked here a known number of times.
const FUNCTION = "payments-api";
const OTHER = "orders-api";
const INVOCATIONS = 4;

/** The element's text as read, white space collapsed (null when it is not there). */
function textOf(session, css) {
  return session.execute("return document.querySelector(arguments[0])?.textContent.replace(/\\s+/g, ' ').trim() ?? null", [css]);
}

function waitForTestId(session, testid, timeout = 30_000) {
  return session.waitFor(testid, async () => (await session.findAll(`[data-testid="${testid}"]`))[0] ?? null, timeout);
}

/** Clicks a control once it is there and enabled. */
async function click(session, css) {
  await session.waitFor(`${css} enabled`, () =>
    session.execute(
      `const element = document.querySelector(arguments[0]);
       if (!element || element.disabled) return null;
       element.scrollIntoView({ block: "nearest" });
       return true;`,
      [css],
    ),
  );
  await (await session.find(css)).click();
}

/** The plot area of a chart in page coordinates, from the mapping the backend returned. */
function plotBox(session, chartId) {
  return session.execute(
    `const plot = document.querySelector('[data-testid="plot-' + arguments[0] + '"]');
     if (!plot) return null;
     plot.scrollIntoView({ block: "nearest" });
     const box = plot.getBoundingClientRect();
     return {
       left: box.left + Number(plot.dataset.plotLeft),
       top: box.top + Number(plot.dataset.plotTop),
       width: Number(plot.dataset.plotWidth),
       height: Number(plot.dataset.plotHeight),
     };`,
    [chartId],
  );
}

/** What the tooltip says: its period (epoch ms) and each series' label and value. */
function tooltip(session) {
  return session.execute(
    `const tip = document.querySelector("[data-testid=chart-tooltip]");
     if (!tip) return null;
     return {
       timeMs: Number(tip.dataset.timeMs),
       rows: [...tip.querySelectorAll("[data-testid=tooltip-row]")].map((row) => ({
         label: row.querySelector(".label").textContent.trim(),
         value: row.querySelector("[data-testid=tooltip-value]").textContent.trim(),
       })),
     };`,
  );
}

/** Series labels in a drawn chart's SVG text. */
function svgTexts(session, chartId) {
  return session.execute(
    `const svg = document.querySelector('[data-testid="plot-' + arguments[0] + '"] svg');
     return svg ? [...svg.querySelectorAll("text")].map((t) => t.textContent.trim()) : [];`,
    [chartId],
  );
}

async function invoke(endpoint, name, times) {
  for (let i = 0; i < times; i += 1) {
    const { status } = await lambdaCall(endpoint, "POST", `/functions/${name}/invocations`, { delay_ms: 50 * i });
    assert.equal(status, 200, `invoking ${name}`);
  }
}

/** Waits until `path` exists and has bytes, then reads it. */
async function readWritten(session, path) {
  await session.waitFor(`${path} written`, async () => (existsSync(path) && readFileSync(path).length > 0 ? true : null));
  return readFileSync(path);
}

async function exportChart(session, chartId, format, path) {
  await click(session, `[data-testid="export-${chartId}-${format}"]`);
  await waitForTestId(session, "export-dialog");
  await session.execute(
    `const input = document.querySelector("[data-testid=export-path]");
     input.value = arguments[0];
     input.dispatchEvent(new Event("input", { bubbles: true }));`,
    [path],
  );
  await click(session, "[data-testid=export-save]");
  await session.waitFor("the export saved", async () => ((await textOf(session, "[data-testid=export-done]"))?.includes(path) ? true : null));
  return readWritten(session, path);
}

describe("metrics and charts", { timeout: 600_000 }, () => {
  let localAws;
  let proxy;
  let app;
  const exportDir = mkdtempSync(join(tmpdir(), "lambda-deck-e2e-charts-"));

  before(async () => {
    localAws = await startLocalAws({ seed: "demo" });
    const endpoint = localAws.env.LDECK_LOCAL_AWS_ENDPOINT;
    await invoke(endpoint, FUNCTION, INVOCATIONS);
    await invoke(endpoint, OTHER, 2);
    proxy = await startProxy(endpoint);
    app = await launchApp({ ...localAws.env, AWS_ENDPOINT_URL: proxy.url });
    await app.session.waitFor("the synced list", async () => {
      const [line] = await app.session.findAll("[data-testid=status-line][data-state=synced]");
      return line ?? null;
    }, 60_000);
  });

  after(async () => {
    await app?.stop();
    await proxy?.stop();
    await localAws?.stop();
  });

  it("shows each function's 24 h trend in the list and sorts by invocations", async () => {
    const { session } = app;
    // The eight "-api" functions: all in view at once.
    const search = await session.find("[data-testid=search]");
    await search.clear();
    await search.type("-api");
    await session.waitFor("sparklines in the rows in view", async () =>
      (await session.findAll("[data-testid=function-row] [data-testid=sparkline]")).length > 0 ? true : null,
    60_000);
    await click(session, "[data-testid=sort-invocations]");
    const top = await session.waitFor("the busiest function first", async () => {
      const first = await session.execute(
        `const row = document.querySelector("[data-testid=function-row]");
         return row ? { name: row.dataset.name, total: row.querySelector("[data-testid=trend-invocations]").textContent.trim() } : null;`,
      );
      return first?.name === FUNCTION ? first : null;
    });
    // payments-api had the demo's 3 invocations plus ours: no function was invoked more.
    assert.equal(Number(top.total), 3 + INVOCATIONS, JSON.stringify(top));
    await saveScreenshot(session, "90-list-trends-sorted");
    await click(session, "[data-testid=sort-name]");
  });

  it("opens Monitor with its charts and reads the value under the pointer", async () => {
    const { session } = app;
    await openFunction(session, FUNCTION);
    await chord(session, CONTROL, "5");
    await waitForTestId(session, "chart-invocations");
    await waitForTestId(session, "monitor-status");
    for (const id of ["invocations", "errors", "success_rate", "throttles", "duration", "concurrency"]) {
      assert.ok((await session.findAll(`[data-testid="chart-${id}"]`)).length === 1, `chart ${id} shown`);
    }
    const durationLabels = await svgTexts(session, "duration");
    for (const label of ["p50", "p90", "p99"]) {
      assert.ok(durationLabels.some((text) => text.includes(label)), `duration legend has ${label}: ${durationLabels}`);
    }
    // Priced from the function's memory and architecture (the saved list has them).
    const cost = await session.waitFor("the cost estimate", () => textOf(session, "[data-testid=monitor-cost]"));
    assert.match(cost, /Estimated cost over this range: \$[\d.]+ \(\d+ invocations, [\d.]+ GB-s at us-east-1 (x86_64|arm64) prices/);

    // Sweep the real pointer across the plot until it is over a period with invocations.
    const box = await plotBox(session, "invocations");
    let reading = null;
    // From the right edge leftwards: the invocations made above are in the newest minutes.
    for (let step = 0; step < 120 && reading === null; step += 1) {
      const x = box.left + box.width - 1 - (box.width * step) / 120;
      await session.pointer(["move", x, box.top + box.height / 2]);
      const tip = await tooltip(session);
      if (tip && tip.rows[0] && /^\d+$/.test(tip.rows[0].value) && Number(tip.rows[0].value) > 0) reading = tip;
    }
    assert.ok(reading, "the tooltip showed a period with invocations");
    await saveScreenshot(session, "91-monitor-hover-light");
    app.hovered = reading;
  });

  it("exports the chart as PNG, SVG and CSV, the CSV holding the value the tooltip showed", async () => {
    const { session } = app;
    const png = await exportChart(session, "invocations", "png", join(exportDir, "invocations.png"));
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "a PNG file");
    const svg = (await exportChart(session, "invocations", "svg", join(exportDir, "invocations.svg"))).toString();
    assert.match(svg, /<svg[\s\S]*<\/svg>/);
    const csv = (await exportChart(session, "invocations", "csv", join(exportDir, "invocations.csv"))).toString();
    const [header, ...rows] = csv.trim().split("\n");
    assert.match(header, /^time,/);
    const hoveredAt = new Date(app.hovered.timeMs).toISOString().replace(/\.000Z$/, "");
    const row = rows.find((line) => line.startsWith(hoveredAt));
    assert.ok(row, `a CSV row at ${hoveredAt}: ${rows.slice(-5).join(" | ")}`);
    assert.equal(Number(row.split(",")[1]), Number(app.hovered.rows[0].value));

    // A folder that does not exist is refused at the path field; nothing is written.
    await click(session, "[data-testid=export-invocations-csv]");
    await session.execute(
      `const input = document.querySelector("[data-testid=export-path]");
       input.value = "/nonexistent/lambda-deck/x.csv";
       input.dispatchEvent(new Event("input", { bubbles: true }));`,
    );
    await click(session, "[data-testid=export-save]");
    const message = await session.waitFor("the path error", () => textOf(session, "[data-testid=field-error-path]"));
    assert.match(message, /does not exist/);
    // Escape from the field closes the dialog, keeping nothing written.
    await (await session.find("[data-testid=export-path]")).click();
    await session.keys("\uE00C");
    await session.waitFor("the dialog closed", async () => ((await session.findAll("[data-testid=export-dialog]")).length === 0 ? true : null));
    assert.ok(!existsSync("/nonexistent/lambda-deck/x.csv"));
  });

  it("changes the range, refuses a bad one at the field, and zooms into a dragged range", async () => {
    const { session } = app;
    await click(session, "[data-testid=range-1d]");
    await session.waitFor("the 1 d range read", async () =>
      (await session.execute(`return document.querySelector("[data-testid=range-1d]").getAttribute("aria-pressed")`)) === "true" &&
      !(await textOf(session, "[data-testid=monitor-refresh]")).includes("Reading")
        ? true
        : null,
    );
    assert.match(await textOf(session, "[data-testid=monitor-status]"), /minute|hour/);

    await session.execute(
      `const input = document.querySelector("[data-testid=range-input]");
       input.value = "yesterday";
       input.dispatchEvent(new Event("input", { bubbles: true }));`,
    );
    await click(session, "[data-testid=range-apply]");
    const refused = await session.waitFor("the range error", () => textOf(session, "[data-testid=field-error-range]"));
    assert.match(refused, /"yesterday" is not a time range/);

    await click(session, "[data-testid=range-3h]");
    await session.waitFor("the range error gone", async () => ((await textOf(session, "[data-testid=field-error-range]")) === null ? true : null));
    const box = await plotBox(session, "invocations");
    await session.pointer(
      ["move", box.left + box.width * 0.5, box.top + box.height / 2],
      ["down"],
      ["move", box.left + box.width * 0.75, box.top + box.height / 2],
      ["move", box.left + box.width - 2, box.top + box.height / 2],
      ["up"],
    );
    const zoomed = await session.waitFor("the zoomed range", () => textOf(session, "[data-testid=monitor-range]"));
    assert.match(zoomed, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.\.\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const [start, end] = zoomed.split("..").map((t) => Date.parse(t));
    // Half of three hours, give or take the pixels at the edges.
    assert.ok(Math.abs(end - start - 90 * 60_000) < 5 * 60_000, `zoomed to ${(end - start) / 60_000} min`);
    await click(session, "[data-testid=zoom-out]");
    await session.waitFor("back to 3 h", async () =>
      (await session.execute(`return document.querySelector("[data-testid=range-3h]").getAttribute("aria-pressed")`)) === "true" ? true : null,
    );
  });

  it("compares two functions picked in the list on one chart", async () => {
    const { session } = app;
    const search = await session.find("[data-testid=search]");
    await search.clear();
    await search.type("-api");
    const first = await session.waitFor(`the ${OTHER} row`, async () => (await session.findAll(`[data-testid=function-row][data-name="${OTHER}"]`))[0] ?? null);
    await first.click();
    // Ctrl+click adds the selected function and this one to the multi-selection.
    await session.execute(
      `const row = document.querySelector('[data-testid=function-row][data-name="' + arguments[0] + '"]');
       row.dispatchEvent(new MouseEvent("click", { bubbles: true, ctrlKey: true }));`,
      [FUNCTION],
    );
    await click(session, "[data-testid=compare-selected]");
    await waitForTestId(session, "chart-compare");
    const labels = await session.waitFor("both functions in the legend", async () => {
      const texts = await svgTexts(session, "compare");
      return texts.some((t) => t.includes(FUNCTION)) && texts.some((t) => t.includes(OTHER)) ? texts : null;
    });
    assert.ok(labels.length > 0);
    await session.execute(
      `const select = document.querySelector("[data-testid=compare-metric]");
       select.value = "duration";
       select.dispatchEvent(new Event("change", { bubbles: true }));`,
    );
    await session.waitFor("the duration comparison", async () =>
      (await svgTexts(session, "compare")).some((t) => /Duration/.test(t)) ? true : null,
    );
    assert.equal(await session.execute(`return document.querySelector("[data-testid=compare-metric]").value`), "duration");
    await session.execute(`document.querySelector("[data-testid=compare]").scrollIntoView({ block: "start" })`);
    await saveScreenshot(session, "92-compare-two-functions");
  });

  it("draws the charts for the dark theme", async () => {
    const { session } = app;
    await chord(session, CONTROL, "k");
    await (await waitForTestId(session, "palette-input")).type("Toggle light/dark");
    await session.keys("\uE007");
    await session.waitFor("the dark theme", async () =>
      (await session.execute(`return document.documentElement.dataset.theme`)) === "dark" ? true : null,
    );
    // The backend redraws for the theme: the chart's background is dark.
    const background = await session.waitFor("a dark chart background", async () => {
      const fill = await session.execute(
        `const rect = document.querySelector('[data-testid="plot-invocations"] svg rect');
         return rect ? rect.getAttribute("fill") : null;`,
      );
      if (!fill || !/^#[0-9a-f]{6}$/i.test(fill)) return null;
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(fill.slice(i, i + 2), 16));
      return r + g + b < 200 ? fill : null;
    });
    assert.ok(background);
    await session.execute(`document.querySelector("[data-testid=monitor-charts]").scrollIntoView({ block: "start" })`);
    await saveScreenshot(session, "93-monitor-dark");
  });

  it("shows the saved charts with their age when AWS is gone", async () => {
    const { session } = app;
    await proxy.cut();
    await click(session, "[data-testid=monitor-refresh]");
    const saved = await session.waitFor("the saved charts", () => textOf(session, "[data-testid=monitor-saved]"), 60_000);
    assert.match(saved, /Saved charts, read/);
    assert.match(await textOf(session, "[data-testid=monitor-notice]"), /Cannot reach AWS/);
    assert.ok((await session.findAll("[data-testid=chart-invocations] svg")).length === 1, "the saved chart is drawn");
    await saveScreenshot(session, "94-monitor-offline-saved");
  });
});

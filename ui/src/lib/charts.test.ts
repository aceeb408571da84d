import { describe, expect, it } from "vitest";
import type { Series } from "./bindings";
import {
  dragRange,
  formatUsd,
  formatValue,
  type Mapping,
  nearestIndex,
  overPlot,
  rangeText,
  readAt,
  sparklineRuns,
  timeAt,
  xOf,
  yOf,
} from "./charts";

// A plot area of 500×200 px at (50, 20) over one hour from 10:00 UTC, values 0–100.
const START = Date.UTC(2026, 10, 29, 10, 0, 0);
const HOUR = 3_600_000;
const MAPPING: Mapping = {
  plot_left_px: 50,
  plot_top_px: 20,
  plot_width_px: 500,
  plot_height_px: 200,
  start_ms: START,
  end_ms: START + HOUR,
  y_min: 0,
  y_max: 100,
  colors: ["#1f77b4", "#d62728"],
};

function series(label: string, values: (number | null)[]): Series {
  return {
    label,
    spec: {
      function_name: "orders",
      qualifier: null,
      executed_version: null,
      metric: "invocations",
      statistic: "sum",
      label,
    },
    // One point every 6 minutes: 10:00, 10:06, …
    timestamps_ms: values.map((_, i) => START + i * 360_000),
    values,
    partial_from_ms: null,
    failure: null,
  };
}

describe("pixels and data", () => {
  it("maps time and value to the plot area and back", () => {
    expect(xOf(MAPPING, START)).toBe(50);
    expect(xOf(MAPPING, START + HOUR / 2)).toBe(300);
    expect(yOf(MAPPING, 0)).toBe(220);
    expect(yOf(MAPPING, 100)).toBe(20);
    expect(yOf(MAPPING, 25)).toBe(170);
    expect(timeAt(MAPPING, 300)).toBe(START + HOUR / 2);
    // Outside the plot area the time is clamped to the range.
    expect(timeAt(MAPPING, 0)).toBe(START);
    expect(timeAt(MAPPING, 9999)).toBe(START + HOUR);
    expect(overPlot(MAPPING, 60, 100)).toBe(true);
    expect(overPlot(MAPPING, 40, 100)).toBe(false);
    expect(overPlot(MAPPING, 60, 230)).toBe(false);
  });

  it("finds the nearest timestamp", () => {
    expect(nearestIndex([], 5)).toBe(-1);
    expect(nearestIndex([10, 20, 30], 0)).toBe(0);
    expect(nearestIndex([10, 20, 30], 14)).toBe(0);
    expect(nearestIndex([10, 20, 30], 16)).toBe(1);
    expect(nearestIndex([10, 20, 30], 99)).toBe(2);
  });

  it("reads every series at the period nearest the pointer, gaps as no data", () => {
    const chart = [series("Invocations", [10, 20, 30]), series("Errors", [0, null, 5])];
    // 10:06 is at 50 + 0.1 × 500 = 100 px; 103 px is nearest to it.
    const reading = readAt(MAPPING, chart, 103)!;
    expect(reading.timeMs).toBe(START + 360_000);
    expect(reading.xPx).toBeCloseTo(100);
    expect(reading.rows).toEqual([
      { label: "Invocations", color: "#1f77b4", value: 20, yPx: 180 },
      { label: "Errors", color: "#d62728", value: null, yPx: null },
    ]);
    expect(readAt(MAPPING, [series("Empty", [])], 100)).toBeNull();
  });
});

describe("drag to zoom", () => {
  it("turns a drag into a range in whole seconds, either direction, and a click into nothing", () => {
    expect(dragRange(MAPPING, 300, 302)).toBeNull();
    const forward = dragRange(MAPPING, 50, 300)!;
    expect(forward).toEqual({ startMs: START, endMs: START + HOUR / 2 });
    expect(dragRange(MAPPING, 300, 50)).toEqual(forward);
  });

  it("widens a drag shorter than two minutes around its middle", () => {
    // 10 px of a 500 px hour is 72 s.
    const narrow = dragRange(MAPPING, 300, 310)!;
    expect(narrow.endMs - narrow.startMs).toBe(120_000);
    expect((narrow.startMs + narrow.endMs) / 2).toBeCloseTo(START + HOUR / 2 + 36_000, -3);
  });

  it("writes a range as the core reads it", () => {
    expect(rangeText(START, START + HOUR)).toBe("2026-11-29T10:00:00Z..2026-11-29T11:00:00Z");
  });
});

describe("formatting", () => {
  it("writes values in their unit", () => {
    expect(formatValue(1234, "count")).toBe("1,234");
    expect(formatValue(12.345, "milliseconds")).toBe("12.35 ms");
    expect(formatValue(25_000, "milliseconds")).toBe("25 s");
    expect(formatValue(99.5, "percent")).toBe("99.5%");
    expect(formatValue(100, "percent")).toBe("100%");
    expect(formatValue(null, "count")).toBe("no data");
  });

  it("writes small costs with their significant digits", () => {
    expect(formatUsd(0)).toBe("$0.00");
    expect(formatUsd(1.234)).toBe("$1.23");
    expect(formatUsd(0.0000042)).toBe("$0.0000042");
  });
});

describe("sparklines", () => {
  it("breaks the line at gaps and scales to the top", () => {
    const runs = sparklineRuns([0, 10, null, 5, 10], 40, 11, 10);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toBe("0.0,10.5 10.0,0.5");
    expect(runs[1]).toBe("30.0,5.5 40.0,0.5");
    expect(sparklineRuns([], 40, 11, 10)).toEqual([]);
    expect(sparklineRuns([null, null], 40, 11, 10)).toEqual([]);
  });
});

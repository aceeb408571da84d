// What the window does with a chart the backend drew: from the pointer's pixel to the
// time and values under it (with the mapping the backend returned, no redraw), from a
// drag to a time range, and the way values and costs are written.
import type { ChartUnit, PlotMapping, Series } from "./bindings";

/** A drawn chart's mapping with every figure present (the bindings type f64 as `number | null`). */
export type Mapping = { [K in Exclude<keyof PlotMapping, "colors">]: number } & { colors: string[] };

/** The mapping as the window uses it; a missing figure (never sent by the backend) reads as 0. */
export function toMapping(mapping: PlotMapping): Mapping {
  return {
    plot_left_px: mapping.plot_left_px ?? 0,
    plot_top_px: mapping.plot_top_px ?? 0,
    plot_width_px: mapping.plot_width_px ?? 0,
    plot_height_px: mapping.plot_height_px ?? 0,
    start_ms: mapping.start_ms ?? 0,
    end_ms: mapping.end_ms ?? 0,
    y_min: mapping.y_min ?? 0,
    y_max: mapping.y_max ?? 0,
    colors: mapping.colors,
  };
}

/** The data under the pointer: the nearest period and each series' value there. */
export type PointerReading = {
  timeMs: number;
  /** Where the crosshair stands, in the chart's pixels. */
  xPx: number;
  rows: { label: string; color: string; value: number | null; yPx: number | null }[];
};

/** The time at pixel `xPx` (clamped to the chart's range). */
export function timeAt(mapping: Mapping, xPx: number): number {
  const share = (xPx - mapping.plot_left_px) / mapping.plot_width_px;
  const clamped = Math.min(1, Math.max(0, share));
  return mapping.start_ms + clamped * (mapping.end_ms - mapping.start_ms);
}

export function xOf(mapping: Mapping, timeMs: number): number {
  return mapping.plot_left_px + ((timeMs - mapping.start_ms) / (mapping.end_ms - mapping.start_ms)) * mapping.plot_width_px;
}

export function yOf(mapping: Mapping, value: number): number {
  const span = mapping.y_max - mapping.y_min || 1;
  return mapping.plot_top_px + mapping.plot_height_px - ((value - mapping.y_min) / span) * mapping.plot_height_px;
}

/** Whether `xPx` is over the plot area (not the axes or the legend). */
export function overPlot(mapping: Mapping, xPx: number, yPx: number): boolean {
  return (
    xPx >= mapping.plot_left_px &&
    xPx <= mapping.plot_left_px + mapping.plot_width_px &&
    yPx >= mapping.plot_top_px &&
    yPx <= mapping.plot_top_px + mapping.plot_height_px
  );
}

/** Index of the timestamp nearest `timeMs` in ascending `timestamps` (-1 when empty). */
export function nearestIndex(timestamps: readonly (number | null)[], timeMs: number): number {
  if (timestamps.length === 0) return -1;
  const at = (i: number) => timestamps[i] ?? Number.NEGATIVE_INFINITY;
  let low = 0;
  let high = timestamps.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (at(middle) < timeMs) low = middle + 1;
    else high = middle;
  }
  if (low > 0 && timeMs - at(low - 1) <= at(low) - timeMs) return low - 1;
  return low;
}

/** What the chart shows at pixel `xPx`: the nearest period of the first series, every series' value there. */
export function readAt(mapping: Mapping, series: readonly Series[], xPx: number): PointerReading | null {
  const first = series.find((s) => s.timestamps_ms.length > 0);
  if (!first) return null;
  const index = nearestIndex(first.timestamps_ms, timeAt(mapping, xPx));
  const timeMs = first.timestamps_ms[index] ?? 0;
  const rows = series.map((s, i) => {
    const at = s.timestamps_ms.indexOf(timeMs);
    const value = at === -1 ? null : (s.values[at] ?? null);
    return {
      label: s.label,
      color: mapping.colors[i % Math.max(1, mapping.colors.length)] ?? "currentColor",
      value,
      yPx: value === null ? null : yOf(mapping, value),
    };
  });
  return { timeMs, xPx: xOf(mapping, timeMs), rows };
}

/** Dragging less than this many pixels is a click, not a zoom. */
export const MIN_DRAG_PX = 6;

/** A zoom is at least this long: two of Lambda's 1-minute points. */
export const MIN_ZOOM_MS = 2 * 60_000;

/**
 * The time range a drag from `fromPx` to `toPx` covers (widened around its middle to
 * [`MIN_ZOOM_MS`] when shorter), or `null` for a click.
 */
export function dragRange(mapping: Mapping, fromPx: number, toPx: number): { startMs: number; endMs: number } | null {
  if (Math.abs(toPx - fromPx) < MIN_DRAG_PX) return null;
  let start = Math.min(timeAt(mapping, fromPx), timeAt(mapping, toPx));
  let end = Math.max(timeAt(mapping, fromPx), timeAt(mapping, toPx));
  if (end - start < MIN_ZOOM_MS) {
    const middle = (start + end) / 2;
    [start, end] = [middle - MIN_ZOOM_MS / 2, middle + MIN_ZOOM_MS / 2];
  }
  return { startMs: Math.floor(start / 1000) * 1000, endMs: Math.ceil(end / 1000) * 1000 };
}

/** A range as the core reads it: `START..END` in RFC 3339 UTC, whole seconds. */
export function rangeText(startMs: number, endMs: number): string {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `${iso(startMs)}..${iso(endMs)}`;
}

const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 });

/** A value in its unit, as the tooltip and the summaries write it. */
export function formatValue(value: number | null, unit: ChartUnit): string {
  if (value === null || !Number.isFinite(value)) return "no data";
  switch (unit) {
    case "count":
      return COUNT.format(value);
    case "percent":
      return `${value.toFixed(value === 100 || value === 0 ? 0 : 1)}%`;
    case "milliseconds":
      return value >= 10_000 ? `${COUNT.format(value / 1000)} s` : `${COUNT.format(value)} ms`;
  }
}

/** Dollars with enough digits to show a small estimate: $0.0000042, $1.23. */
export function formatUsd(value: number): string {
  if (value === 0) return "$0.00";
  if (value >= 0.01) return `$${value.toFixed(2)}`;
  return `$${value.toPrecision(2)}`;
}

/** A time in the user's zone, as the tooltip writes it. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  });
}

/** The offset of the user's zone east of UTC, in minutes (what the backend labels times with). */
export function utcOffsetMinutes(): number {
  return -new Date().getTimezoneOffset();
}

/**
 * A sparkline's polylines: one `points` string per unbroken run of values, scaled to
 * `width`×`height` with `max` at the top (gaps break the line).
 */
export function sparklineRuns(values: readonly (number | null)[], width: number, height: number, max: number): string[] {
  if (values.length === 0) return [];
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const top = max > 0 ? max : 1;
  const runs: string[] = [];
  let run: string[] = [];
  values.forEach((value, i) => {
    if (value === null) {
      if (run.length > 0) runs.push(run.join(" "));
      run = [];
      return;
    }
    const x = values.length > 1 ? i * step : width / 2;
    const y = height - (Math.max(0, value) / top) * (height - 1) - 0.5;
    run.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (run.length > 0) runs.push(run.join(" "));
  return runs;
}

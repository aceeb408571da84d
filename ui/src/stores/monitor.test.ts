import { describe, expect, it, vi } from "vitest";
import type { Answer } from "../lib/api";
import type { ChartLayout, ChartSource, MetricsView } from "../lib/bindings";
import { deferred, ok } from "./fakes";
import { DEFAULT_RANGE, MonitorStore, parseTarget, targetName, type MonitorApi } from "./monitor.svelte";

function view(label: string, saved = false): MetricsView {
  return {
    reading: {
      key: "monitor:orders:3h",
      range: { start_ms: 0, end_ms: 3_600_000 },
      period_seconds: 60,
      period_reason: "1-minute points.",
      charts: [{ id: "invocations", title: "Invocations", unit: "count", series: [], has_data: false }],
      cost: null,
      fetched_at: "2026-11-29T10:00:00Z",
      saved,
      saved_age: null,
      notice: null,
      calls: 1,
    },
    drawn: [
      {
        id: "invocations",
        svg: `<svg>${label}</svg>`,
        mapping: {
          plot_left_px: 0,
          plot_top_px: 0,
          plot_width_px: 100,
          plot_height_px: 100,
          start_ms: 0,
          end_ms: 1,
          y_min: 0,
          y_max: 1,
          colors: [],
        },
      },
    ],
  };
}

type Reads = { source: ChartSource; layout: ChartLayout }[];

function fakeApi(reads: Reads = []) {
  const api = {
    readCharts: vi.fn(async (source: ChartSource, layout: ChartLayout): Promise<Answer<MetricsView>> => {
      reads.push({ source, layout });
      return ok(view("fresh"));
    }),
    savedCharts: vi.fn(async (): Promise<Answer<MetricsView | null>> => ok(view("saved", true))),
    exportChart: vi.fn(async (_s: ChartSource, _id: string, _f: string, path: string): Promise<Answer<string>> => ok(path)),
    chartExportDir: vi.fn(async () => "/home/me/Downloads"),
  };
  return api as typeof api & MonitorApi;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("MonitorStore", () => {
  it("shows the saved charts at once, then reads fresh ones for the tab's width and theme", async () => {
    const reads: Reads = [];
    const api = fakeApi(reads);
    const saved = deferred<Answer<MetricsView | null>>();
    api.savedCharts.mockReturnValueOnce(saved.promise);
    const store = new MonitorStore(api);
    store.setLayout(800, "dark");
    store.show("orders");
    expect(store.charts.loading).toBe(true);
    saved.resolve(ok(view("saved", true)));
    await settle();
    await settle();
    expect(store.charts.view?.drawn[0].svg).toBe("<svg>fresh</svg>");
    expect(reads[0].source).toEqual({ kind: "monitor", request: { function_name: "orders", qualifier: null, range: DEFAULT_RANGE } });
    expect(reads[0].layout).toMatchObject({ width_px: 800, theme: "dark", height_px: 240 });
    expect(store.charts.loading).toBe(false);
  });

  it("waits for a width before reading, and redraws the saved reading on a theme change", async () => {
    const api = fakeApi();
    const store = new MonitorStore(api);
    store.show("orders");
    await settle();
    expect(api.readCharts).not.toHaveBeenCalled();
    store.setLayout(700, "light");
    await settle();
    await settle();
    expect(api.readCharts).toHaveBeenCalledTimes(1);
    store.setLayout(702, "light"); // a few pixels: no redraw
    store.setLayout(702, "dark");
    await settle();
    expect(api.readCharts).toHaveBeenCalledTimes(1);
    expect(api.savedCharts).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ theme: "dark" }));
    await settle();
    // Redrawn from the store, it is still the fresh reading it was, not "saved".
    expect(store.charts.view?.drawn[0].svg).toBe("<svg>saved</svg>");
    expect(store.charts.view?.reading.saved).toBe(false);
  });

  it("redraws a read that answered for a width the tab no longer has (a scroll bar came meanwhile)", async () => {
    const api = fakeApi();
    const late = deferred<Answer<MetricsView>>();
    api.readCharts.mockReturnValueOnce(late.promise);
    api.savedCharts.mockResolvedValueOnce(ok(null));
    const store = new MonitorStore(api);
    store.setLayout(481, "light");
    store.show("orders");
    await settle();
    store.setLayout(465, "light");
    late.resolve(ok(view("fresh")));
    await settle();
    await settle();
    expect(api.savedCharts).toHaveBeenLastCalledWith(expect.anything(), expect.objectContaining({ width_px: 465 }));
    expect(store.charts.view?.drawn[0].svg).toBe("<svg>saved</svg>");
  });

  it("puts a range the core refuses under the range field, keeping the charts", async () => {
    const api = fakeApi();
    const store = new MonitorStore(api);
    store.setLayout(700, "light");
    store.show("orders");
    await settle();
    await settle();
    api.readCharts.mockResolvedValueOnce({
      status: "error",
      error: { code: "invalid_input", message: "The start is in the future.", fields: [{ field: "range", message: "The start is in the future." }] },
    });
    api.savedCharts.mockResolvedValueOnce(ok(null));
    store.selectRange("2099-01-01T00:00:00Z..");
    expect(store.charts.view).toBeNull(); // the old range's charts go at once
    await settle();
    await settle();
    expect(store.charts.fields.range).toBe("The start is in the future.");
    // …and come back with their range when the new one is refused.
    expect(store.range).toBe(DEFAULT_RANGE);
    expect(store.charts.view?.drawn[0].svg).toBe("<svg>fresh</svg>");
  });

  it("zooms into a dragged range and steps back out", async () => {
    const reads: Reads = [];
    const store = new MonitorStore(fakeApi(reads));
    store.setLayout(700, "light");
    store.show("orders");
    store.selectRange("1d");
    store.zoom(Date.UTC(2026, 10, 29, 10), Date.UTC(2026, 10, 29, 11));
    expect(store.range).toBe("2026-11-29T10:00:00Z..2026-11-29T11:00:00Z");
    expect(store.zoomStack).toEqual(["1d"]);
    store.zoomOut();
    expect(store.range).toBe("1d");
    expect(store.zoomStack).toEqual([]);
    await settle();
    await settle();
    const ranges = reads.map((r) => (r.source.kind === "monitor" ? r.source.request.range : null));
    expect(ranges[ranges.length - 1]).toBe("1d");
  });

  it("drops an answer for a function that is no longer shown", async () => {
    const api = fakeApi();
    const late = deferred<Answer<MetricsView>>();
    api.readCharts.mockReturnValueOnce(late.promise);
    const store = new MonitorStore(api);
    store.setLayout(700, "light");
    store.show("orders");
    await settle();
    store.show("billing");
    late.resolve(ok(view("orders-late")));
    await settle();
    await settle();
    expect(store.functionName).toBe("billing");
    expect(store.charts.view?.drawn[0].svg).not.toBe("<svg>orders-late</svg>");
  });

  it("compares targets on the tab's range and follows a metric change with its best statistic", async () => {
    const reads: Reads = [];
    const store = new MonitorStore(fakeApi(reads));
    store.setLayout(700, "light");
    store.show("orders");
    await settle();
    await settle();
    await store.openCompare([
      { function_name: "orders", qualifier: null, executed_version: null },
      { function_name: "orders", qualifier: "live", executed_version: null },
    ]);
    expect(store.compared.view?.drawn[0].svg).toBe("<svg>fresh</svg>");
    await store.changeCompare({ metric: "duration" });
    const last = reads[reads.length - 1].source;
    expect(last.kind).toBe("compare");
    if (last.kind === "compare") {
      expect(last.request).toMatchObject({ metric: "duration", statistic: "p99", range: DEFAULT_RANGE });
      expect(last.request.targets.map(targetName)).toEqual(["orders", "orders:live"]);
    }
    store.closeCompare();
    expect(store.compare).toBeNull();
    expect(store.compared.view).toBeNull();
  });

  it("exports to a file named after the chart in the export folder, the extension following the format", async () => {
    const api = fakeApi();
    const store = new MonitorStore(api);
    store.setLayout(700, "light");
    store.show("orders");
    await store.startExport("monitor", "duration");
    expect(store.exporting?.path).toBe("/home/me/Downloads/orders-duration-3h.png");
    store.setExportFormat("csv");
    expect(store.exporting?.path).toBe("/home/me/Downloads/orders-duration-3h.csv");
    expect(await store.export()).toBe(true);
    expect(api.exportChart).toHaveBeenCalledWith(
      { kind: "monitor", request: { function_name: "orders", qualifier: null, range: "3h" } },
      "duration",
      "csv",
      "/home/me/Downloads/orders-duration-3h.csv",
      expect.objectContaining({ width_px: 700 }),
    );
    expect(store.exported).toBe("/home/me/Downloads/orders-duration-3h.csv");
    expect(store.exporting).toBeNull();
  });

  it("keeps the export dialog open with the path's error under the field", async () => {
    const api = fakeApi();
    api.exportChart.mockResolvedValueOnce({
      status: "error",
      error: { code: "invalid_input", message: "The folder /nope does not exist.", fields: [{ field: "path", message: "The folder /nope does not exist." }] },
    });
    const store = new MonitorStore(api);
    store.setLayout(700, "light");
    store.show("orders");
    await store.startExport("monitor", "invocations", "svg");
    store.setExportPath("/nope/x.svg");
    expect(await store.export()).toBe(false);
    expect(store.exportFields.path).toBe("The folder /nope does not exist.");
    expect(store.exporting?.path).toBe("/nope/x.svg");
  });
});

describe("compare targets", () => {
  it("reads name:qualifier, keeping an ARN whole", () => {
    expect(parseTarget(" orders:live ")).toEqual({ function_name: "orders", qualifier: "live", executed_version: null });
    expect(parseTarget("orders")).toEqual({ function_name: "orders", qualifier: null, executed_version: null });
    expect(parseTarget("orders:live@2")).toEqual({ function_name: "orders", qualifier: "live", executed_version: "2" });
    const arn = "arn:aws:lambda:us-east-1:000000000000:function:orders";
    expect(parseTarget(arn)).toEqual({ function_name: arn, qualifier: null, executed_version: null });
    expect(targetName({ function_name: "orders", qualifier: "3", executed_version: null })).toBe("orders:3");
    expect(targetName(parseTarget("orders:live@2"))).toBe("orders:live@2");
  });
});

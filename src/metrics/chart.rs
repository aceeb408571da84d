//! Charts of metric series, drawn with plotters: SVG for the window (with the mapping from
//! data to pixels, so the window places a crosshair and tooltip without a redraw), PNG for
//! export, CSV for the data behind them.
//!
//! What a chart shows:
//! - one line per series; a gap (`None`, or a value that is not a finite number) breaks
//!   the line, nothing is interpolated across it, and a lone point between gaps is a dot;
//! - the still-filling newest periods ([`Series::partial_from_ms`]) under a lightly shaded
//!   band labelled "partial" (the lines stay solid: the band says which points may grow);
//! - the x axis is exactly the chart's range, labelled in the user's time zone (`14:05`
//!   within a day, `Nov 28` at midnight, `Nov 28 14:00` or `Nov 28` over several days);
//! - the y axis in the chart's unit, named above it (`count`, `ms`, `s`, `min`, `h`, `%`),
//!   with short tick labels (`1.2k`, `3.4M`); it starts at 0 for counts and times, and is
//!   0–100 for percentages. Ticks stay in data units: a time axis showing seconds maps
//!   milliseconds;
//! - the title at the top, and a legend (colour and label) when there is more than one
//!   series; "No data in this range" over an empty frame (0–1) when every value is a gap.
//!
//! Fonts: SVG text names `sans-serif` and is set by the window, but plotters also measures
//! text (legend, label areas) and a PNG needs glyphs. plotters' `ab_glyph` feature does both
//! from a DejaVu Sans subset embedded from `assets/fonts/` (22 KB), registered on first use:
//! no fontconfig, no system font and no C library is involved.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::OnceLock;

use aws_smithy_types::DateTime;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{register_font, FontDesc, FontFamily, FontStyle, ShapeStyle};
use serde::{Deserialize, Serialize};

use super::period::TimeRange;
use super::query::{LambdaMetric, Series};
use crate::{timestamps, Error};

/// The embedded font (see the module's note on fonts).
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-subset.ttf");

/// Sizes a chart may be drawn at, in CSS pixels.
pub const WIDTH_PX: std::ops::RangeInclusive<u32> = 120..=4000;
pub const HEIGHT_PX: std::ops::RangeInclusive<u32> = 80..=3000;
/// The most charts one stacked image holds.
pub const MAX_STACKED: usize = 32;
/// A PNG is drawn at twice the CSS size (sharp on high-density screens) while that stays
/// under 4 million CSS pixels, at the CSS size up to 16 million, and refused above: the
/// bitmap is held in memory, 3 bytes a pixel.
const PNG_DOUBLE_UP_TO: u64 = 4_000_000;
const PNG_MAX_CSS_PIXELS: u64 = 16_000_000;

/// Values beyond this magnitude are drawn at it: ranges and steps stay finite numbers.
const MAX_MAGNITUDE: f64 = 1e300;
/// The widest span of times a chart takes (JavaScript's `Date` range, ±8.64e15 ms).
const MAX_TIME_MS: f64 = 8.64e15;

/// Light or dark, as the window shows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChartTheme {
    Light,
    Dark,
}

/// How to draw: size in CSS pixels, theme, and the user's time zone as an offset east of
/// UTC in minutes (the UI sends `-new Date().getTimezoneOffset()`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChartLayout {
    pub width_px: u32,
    pub height_px: u32,
    pub theme: ChartTheme,
    pub utc_offset_minutes: i32,
}

/// One chart's content.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChartData {
    pub title: String,
    pub unit: ChartUnit,
    /// The x axis: exactly this range.
    pub range: TimeRange,
    pub series: Vec<Series>,
}

/// What the values count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ChartUnit {
    Count,
    Milliseconds,
    Percent,
}

/// Where the data sits in the drawing, so the window places a crosshair and tooltip
/// without a redraw:
/// `x_px = plot_left_px + (t_ms - start_ms) / (end_ms - start_ms) * plot_width_px`,
/// `y_px = plot_top_px + plot_height_px - (v - y_min) / (y_max - y_min) * plot_height_px`
/// (values in data units, also when the axis labels show seconds).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PlotMapping {
    pub plot_left_px: f64,
    pub plot_top_px: f64,
    pub plot_width_px: f64,
    pub plot_height_px: f64,
    pub start_ms: f64,
    pub end_ms: f64,
    pub y_min: f64,
    pub y_max: f64,
    /// CSS colour of each series, in order (for the tooltip swatches).
    pub colors: Vec<String>,
}

impl PlotMapping {
    /// Where the point `(t_ms, value)` is drawn.
    pub fn to_pixel(&self, t_ms: f64, value: f64) -> (f64, f64) {
        let x = self.plot_left_px + (t_ms - self.start_ms) / (self.end_ms - self.start_ms) * self.plot_width_px;
        let y = self.plot_top_px + self.plot_height_px
            - (value - self.y_min) / (self.y_max - self.y_min) * self.plot_height_px;
        (x, y)
    }
}

/// A chart drawn for the window.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RenderedChart {
    pub svg: String,
    pub mapping: PlotMapping,
}

/// The chart as SVG (`width_px` × `height_px`), and where its data sits.
pub fn render_svg(data: &ChartData, layout: &ChartLayout) -> Result<RenderedChart, Error> {
    check_layout(layout)?;
    let plan = Plan::new(data, layout)?;
    let mut svg = String::with_capacity(svg_capacity(std::slice::from_ref(data)));
    let mapping = {
        let root = SVGBackend::with_string(&mut svg, (layout.width_px, layout.height_px)).into_drawing_area();
        let mapping = draw_chart(&root, &plan, 1.0)?;
        root.present().map_err(drawing_failed)?;
        mapping
    };
    Ok(RenderedChart { svg, mapping })
}

/// The chart as PNG bytes, drawn at twice its CSS size when that is at most 4 million
/// CSS pixels (at its CSS size otherwise).
pub fn render_png(data: &ChartData, layout: &ChartLayout) -> Result<Vec<u8>, Error> {
    draw_png(data, layout).map(|(png, _, _)| png)
}

/// Charts one above the other in one SVG, each `layout.height_px` high (the CLI's Monitor
/// set).
pub fn render_svg_stack(charts: &[ChartData], layout: &ChartLayout) -> Result<String, Error> {
    let plans = stack_plans(charts, layout)?;
    let height = stack_height(charts.len(), layout)?;
    let mut svg = String::with_capacity(svg_capacity(charts));
    {
        let root = SVGBackend::with_string(&mut svg, (layout.width_px, height)).into_drawing_area();
        for (area, plan) in root.split_evenly((plans.len(), 1)).iter().zip(&plans) {
            draw_chart(area, plan, 1.0)?;
        }
        root.present().map_err(drawing_failed)?;
    }
    Ok(svg)
}

/// [`render_svg_stack`] as PNG bytes (twice the CSS size up to 4 million CSS pixels).
pub fn render_png_stack(charts: &[ChartData], layout: &ChartLayout) -> Result<Vec<u8>, Error> {
    let plans = stack_plans(charts, layout)?;
    let height = stack_height(charts.len(), layout)?;
    let scale = png_scale(layout.width_px, height)?;
    let (width, height) = (layout.width_px * scale, height * scale);
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        for (area, plan) in root.split_evenly((plans.len(), 1)).iter().zip(&plans) {
            draw_chart(area, plan, f64::from(scale))?;
        }
        root.present().map_err(drawing_failed)?;
    }
    encode_png(&pixels, width, height)
}

/// The series as CSV: `time,<label>,<label>…` (labels quoted when they hold a comma, a
/// quote or a line break), one row per timestamp of any series (ascending, ISO-8601 UTC),
/// an empty cell where a series has no value (a gap, or no such timestamp).
pub fn to_csv(series: &[Series]) -> String {
    let mut out = String::from("time");
    for one in series {
        out.push(',');
        out.push_str(&csv_cell(&one.label));
    }
    out.push('\n');
    let mut times: Vec<f64> =
        series.iter().flat_map(|s| s.timestamps_ms.iter().copied()).filter(|t| t.is_finite()).collect();
    times.sort_by(f64::total_cmp);
    times.dedup();
    let values: Vec<HashMap<u64, f64>> = series
        .iter()
        .map(|one| {
            one.timestamps_ms
                .iter()
                .zip(&one.values)
                .filter_map(|(t, v)| v.filter(|v| v.is_finite()).map(|v| (t.to_bits(), v)))
                .collect()
        })
        .collect();
    for t in times {
        out.push_str(&timestamps::format(DateTime::from_millis(t.floor() as i64)));
        for column in &values {
            out.push(',');
            if let Some(value) = column.get(&t.to_bits()) {
                out.push_str(&value.to_string());
            }
        }
        out.push('\n');
    }
    out
}

/// The unit a metric's values are in: Duration, AsyncEventAge and IteratorAge are times in
/// milliseconds, the rest counts.
pub fn unit_of(metric: LambdaMetric) -> ChartUnit {
    match metric {
        LambdaMetric::Duration | LambdaMetric::AsyncEventAge | LambdaMetric::IteratorAge => ChartUnit::Milliseconds,
        _ => ChartUnit::Count,
    }
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

// ---------------------------------------------------------------------------------------
// Checks

pub fn check_layout(layout: &ChartLayout) -> Result<(), Error> {
    if !WIDTH_PX.contains(&layout.width_px) || !HEIGHT_PX.contains(&layout.height_px) {
        return Err(Error::InvalidInput(format!(
            "A chart is {} to {} pixels wide and {} to {} high, not {} × {}.",
            WIDTH_PX.start(),
            WIDTH_PX.end(),
            HEIGHT_PX.start(),
            HEIGHT_PX.end(),
            layout.width_px,
            layout.height_px
        )));
    }
    if !(-18 * 60..=18 * 60).contains(&layout.utc_offset_minutes) {
        return Err(Error::InvalidInput(format!(
            "A time zone is at most 18 hours from UTC, not {} minutes.",
            layout.utc_offset_minutes
        )));
    }
    Ok(())
}

fn check_range(range: &TimeRange) -> Result<(), Error> {
    let finite = |t: f64| t.is_finite() && t.abs() <= MAX_TIME_MS;
    if !finite(range.start_ms) || !finite(range.end_ms) || range.end_ms <= range.start_ms {
        return Err(Error::InvalidInput("A chart's time range must end after it starts.".into()));
    }
    Ok(())
}

fn stack_plans<'a>(charts: &'a [ChartData], layout: &'a ChartLayout) -> Result<Vec<Plan<'a>>, Error> {
    check_layout(layout)?;
    if charts.is_empty() || charts.len() > MAX_STACKED {
        return Err(Error::InvalidInput(format!(
            "A stacked image holds 1 to {MAX_STACKED} charts, not {}.",
            charts.len()
        )));
    }
    charts.iter().map(|data| Plan::new(data, layout)).collect()
}

fn stack_height(charts: usize, layout: &ChartLayout) -> Result<u32, Error> {
    u32::try_from(charts)
        .ok()
        .and_then(|n| n.checked_mul(layout.height_px))
        .ok_or_else(|| Error::InvalidInput("Too many charts for one image.".into()))
}

/// 2 while the image has at most 4 million CSS pixels, 1 up to 16 million.
fn png_scale(width: u32, height: u32) -> Result<u32, Error> {
    let pixels = u64::from(width) * u64::from(height);
    match pixels {
        p if p <= PNG_DOUBLE_UP_TO => Ok(2),
        p if p <= PNG_MAX_CSS_PIXELS => Ok(1),
        _ => Err(Error::InvalidInput(format!(
            "A PNG of {width} × {height} pixels is too large: at most {PNG_MAX_CSS_PIXELS} pixels."
        ))),
    }
}

fn svg_capacity(charts: &[ChartData]) -> usize {
    let points: usize = charts.iter().flat_map(|c| &c.series).map(|s| s.values.len()).sum();
    8_192 * charts.len() + points.min(1_000_000) * 12
}

fn drawing_failed(err: impl std::fmt::Display) -> Error {
    Error::Internal(format!("drawing the chart failed: {err}"))
}

/// Registers the embedded font with plotters, once.
fn font_ready() -> Result<(), Error> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    if *REGISTERED.get_or_init(|| register_font("sans-serif", FontStyle::Normal, FONT).is_ok()) {
        Ok(())
    } else {
        Err(Error::Internal("the chart font could not be read".into()))
    }
}

// ---------------------------------------------------------------------------------------
// PNG

/// The PNG, the mapping in its (device) pixels, and its scale.
pub(crate) fn draw_png(data: &ChartData, layout: &ChartLayout) -> Result<(Vec<u8>, PlotMapping, u32), Error> {
    check_layout(layout)?;
    let plan = Plan::new(data, layout)?;
    let scale = png_scale(layout.width_px, layout.height_px)?;
    let (width, height) = (layout.width_px * scale, layout.height_px * scale);
    let mut pixels = vec![0u8; width as usize * height as usize * 3];
    let mapping = {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        let mapping = draw_chart(&root, &plan, f64::from(scale))?;
        root.present().map_err(drawing_failed)?;
        mapping
    };
    Ok((encode_png(&pixels, width, height)?, mapping, scale))
}

fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, Error> {
    let mut out = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let failed = |err: png::EncodingError| Error::Internal(format!("encoding the PNG failed: {err}"));
    let mut writer = encoder.write_header().map_err(failed)?;
    writer.write_image_data(rgb).map_err(failed)?;
    writer.finish().map_err(failed)?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Colours

struct Palette {
    background: RGBColor,
    text: RGBColor,
    muted: RGBColor,
    grid: RGBColor,
    axis: RGBColor,
    /// The partial band: the text colour, nearly transparent.
    band_alpha: f64,
    series: [RGBColor; 10],
}

const LIGHT: Palette = Palette {
    background: RGBColor(0xFF, 0xFF, 0xFF),
    text: RGBColor(0x1F, 0x23, 0x28),
    muted: RGBColor(0x57, 0x60, 0x6A),
    grid: RGBColor(0xE6, 0xE8, 0xEB),
    axis: RGBColor(0x9C, 0xA3, 0xAF),
    band_alpha: 0.07,
    // Saturated, darker hues: contrast on white.
    series: [
        RGBColor(0x25, 0x63, 0xEB), // blue
        RGBColor(0xD9, 0x77, 0x06), // amber
        RGBColor(0x05, 0x96, 0x69), // green
        RGBColor(0xDC, 0x26, 0x26), // red
        RGBColor(0x7C, 0x3A, 0xED), // violet
        RGBColor(0x08, 0x91, 0xB2), // cyan
        RGBColor(0xDB, 0x27, 0x77), // pink
        RGBColor(0x65, 0xA3, 0x0D), // lime
        RGBColor(0x92, 0x40, 0x0E), // brown
        RGBColor(0x47, 0x55, 0x69), // slate
    ],
};

const DARK: Palette = Palette {
    background: RGBColor(0x1E, 0x1F, 0x22),
    text: RGBColor(0xE6, 0xE6, 0xE6),
    muted: RGBColor(0xA0, 0xA4, 0xAB),
    grid: RGBColor(0x2F, 0x31, 0x36),
    axis: RGBColor(0x5C, 0x60, 0x67),
    band_alpha: 0.09,
    // Lighter, brighter hues: contrast on the dark background.
    series: [
        RGBColor(0x60, 0xA5, 0xFA), // blue
        RGBColor(0xFB, 0xBF, 0x24), // amber
        RGBColor(0x34, 0xD3, 0x99), // green
        RGBColor(0xF8, 0x71, 0x71), // red
        RGBColor(0xA7, 0x8B, 0xFA), // violet
        RGBColor(0x22, 0xD3, 0xEE), // cyan
        RGBColor(0xF4, 0x72, 0xB6), // pink
        RGBColor(0xA3, 0xE6, 0x35), // lime
        RGBColor(0xFD, 0xBA, 0x74), // orange
        RGBColor(0xCB, 0xD5, 0xE1), // slate
    ],
};

fn palette(theme: ChartTheme) -> &'static Palette {
    match theme {
        ChartTheme::Light => &LIGHT,
        ChartTheme::Dark => &DARK,
    }
}

fn css(color: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", color.0, color.1, color.2)
}

// ---------------------------------------------------------------------------------------
// What to draw, worked out before drawing

/// A point of a series: (time in epoch ms, value).
type Point = (f64, f64);
/// Points drawn joined.
type Line = Vec<Point>;

/// A chart's content in drawable form: polylines and dots per series, the y axis, where
/// the partial band starts.
struct Plan<'a> {
    data: &'a ChartData,
    layout: &'a ChartLayout,
    palette: &'static Palette,
    /// Per series: its unbroken runs of points `(t, v)`, within the range.
    runs: Vec<Vec<Line>>,
    /// Per series: its lone points (between gaps).
    dots: Vec<Vec<Point>>,
    y: YAxis,
    partial_from: Option<f64>,
    has_data: bool,
}

impl<'a> Plan<'a> {
    fn new(data: &'a ChartData, layout: &'a ChartLayout) -> Result<Plan<'a>, Error> {
        check_range(&data.range)?;
        let finite: Vec<f64> = data
            .series
            .iter()
            .flat_map(|s| s.timestamps_ms.iter().zip(&s.values))
            .filter(|(t, _)| t.is_finite() && **t >= data.range.start_ms && **t <= data.range.end_ms)
            .filter_map(|(_, v)| v.filter(|v| v.is_finite()))
            .map(|v| v.clamp(-MAX_MAGNITUDE, MAX_MAGNITUDE))
            .collect();
        // About one tick per 40 px of the plot's height (which the header and the time
        // axis take about 100 px from), 1 to 6 intervals.
        let intervals = ((f64::from(layout.height_px) - 100.0) / 40.0).round().clamp(1.0, 6.0);
        let y = YAxis::new(data.unit, &finite, intervals);
        let (mut runs, mut dots) = (Vec::new(), Vec::new());
        for series in &data.series {
            let (series_runs, series_dots) = series_runs(series, &data.range, &y);
            runs.push(series_runs);
            dots.push(series_dots);
        }
        let has_data = runs.iter().any(|r| !r.is_empty()) || dots.iter().any(|d| !d.is_empty());
        let partial_from = data
            .series
            .iter()
            .filter_map(|s| s.partial_from_ms)
            .filter(|t| t.is_finite() && *t < data.range.end_ms)
            .min_by(f64::total_cmp)
            .map(|t| t.max(data.range.start_ms));
        Ok(Plan { data, layout, palette: palette(layout.theme), runs, dots, y, partial_from, has_data })
    }

    fn color(&self, index: usize) -> RGBColor {
        self.palette.series[index % self.palette.series.len()]
    }
}

/// A series' unbroken runs, clipped to the range (a segment crossing an end is cut at it),
/// and its lone points. Values are clamped to the y axis (only out-of-range percentages
/// and absurd magnitudes are affected).
fn series_runs(series: &Series, range: &TimeRange, y: &YAxis) -> (Vec<Line>, Vec<Point>) {
    let (start, end) = (range.start_ms, range.end_ms);
    let mut runs = Vec::new();
    let mut dots = Vec::new();
    let mut run: Line = Vec::new();
    let finish = |run: &mut Line, runs: &mut Vec<Line>, dots: &mut Vec<Point>| {
        match run.len() {
            0 => {}
            1 => {
                if (start..=end).contains(&run[0].0) {
                    dots.push(run[0]);
                }
            }
            _ => runs.extend(clip_run(run, start, end)),
        }
        run.clear();
    };
    for (t, v) in series.timestamps_ms.iter().zip(&series.values) {
        match v.filter(|v| v.is_finite() && t.is_finite()) {
            Some(v) => run.push((*t, v.clamp(y.min, y.max))),
            None => finish(&mut run, &mut runs, &mut dots),
        }
    }
    finish(&mut run, &mut runs, &mut dots);
    (runs, dots)
}

/// The parts of a polyline within `start..=end` in time, cut where it crosses an end.
fn clip_run(points: &[Point], start: f64, end: f64) -> Vec<Line> {
    let inside = |t: f64| (start..=end).contains(&t);
    let at = |a: Point, b: Point, t: f64| (t, a.1 + (b.1 - a.1) * (t - a.0) / (b.0 - a.0));
    let mut out = Vec::new();
    let mut current: Line = Vec::new();
    for pair in points.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (lo, hi) = (a.0.min(b.0), a.0.max(b.0));
        if hi < start || lo > end {
            if current.len() >= 2 {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            continue;
        }
        let from = if inside(a.0) { a } else { at(a, b, if a.0 < start { start } else { end }) };
        let to = if inside(b.0) { b } else { at(a, b, if b.0 < start { start } else { end }) };
        if current.last() != Some(&from) {
            if current.len() >= 2 {
                out.push(std::mem::take(&mut current));
            }
            current.clear();
            current.push(from);
        }
        current.push(to);
        if !inside(b.0) {
            out.push(std::mem::take(&mut current));
        }
    }
    if current.len() >= 2 {
        out.push(current);
    }
    out
}

/// Keeps, of the points falling in each pixel column, the first, the lowest, the highest
/// and the last (in their order): the drawn line is the same at the pixel's resolution,
/// with at most 4 points per column. plotters writes every point of a line into the SVG;
/// thinned, 90,000 points on a 1,200 px chart make a 181 KB SVG in 3.5 ms instead of 729 KB
/// in 7 ms (BENCHMARKS.md, "Charts"), less to send to the window and for it to parse.
/// The mapping and the CSV keep the real data.
fn decimate(points: &[Point], column: impl Fn(f64) -> i32) -> Line {
    let mut out = Vec::with_capacity(points.len().min(8_192));
    let mut i = 0;
    while i < points.len() {
        let col = column(points[i].0);
        let (mut lo, mut hi, mut j) = (i, i, i + 1);
        while j < points.len() && column(points[j].0) == col {
            if points[j].1 < points[lo].1 {
                lo = j;
            }
            if points[j].1 > points[hi].1 {
                hi = j;
            }
            j += 1;
        }
        let mut keep = [i, lo, hi, j - 1];
        keep.sort_unstable();
        let mut last = None;
        for k in keep {
            if last != Some(k) {
                out.push(points[k]);
                last = Some(k);
            }
        }
        i = j;
    }
    out
}

// ---------------------------------------------------------------------------------------
// Axes

/// The y axis: its range in data units, its ticks and their labels, the unit shown.
struct YAxis {
    min: f64,
    max: f64,
    ticks: Vec<(f64, String)>,
    unit_label: &'static str,
}

impl YAxis {
    /// `values`: the finite values drawn (clamped to ±1e300); about `intervals` steps.
    fn new(unit: ChartUnit, values: &[f64], intervals: f64) -> YAxis {
        let lowest = values.iter().copied().fold(f64::INFINITY, f64::min);
        let highest = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (lo, hi) = match unit {
            ChartUnit::Percent => (0.0, 100.0),
            _ if values.is_empty() => (0.0, 1.0),
            _ => (lowest.min(0.0), highest.max(0.0)),
        };
        let hi = if hi > lo { hi } else { lo + 1.0 };
        // Times are labelled in the unit that keeps their numbers short.
        let magnitude = hi.abs().max(lo.abs());
        let (unit_label, factor) = match unit {
            ChartUnit::Count => ("count", 1.0),
            ChartUnit::Percent => ("%", 1.0),
            ChartUnit::Milliseconds if magnitude <= 10_000.0 => ("ms", 1.0),
            ChartUnit::Milliseconds if magnitude <= 600_000.0 => ("s", 1_000.0),
            ChartUnit::Milliseconds if magnitude <= 36_000_000.0 => ("min", 60_000.0),
            ChartUnit::Milliseconds => ("h", 3_600_000.0),
        };
        // Whole numbers for counts of whole things.
        let mut step =
            if values.is_empty() { 1.0 } else { nice_step((hi / factor - lo / factor) / intervals.max(1.0)) };
        let whole = unit == ChartUnit::Count && values.iter().all(|v| v.fract() == 0.0) && hi >= 1.0;
        if whole {
            step = step.max(1.0);
        }
        let (min, max) = if unit == ChartUnit::Percent {
            (0.0, 100.0)
        } else {
            let min = (lo / factor / step).floor() * step * factor;
            let max = (hi / factor / step).ceil() * step * factor;
            (min, if max > min { max } else { min + step * factor })
        };
        let count = ((max - min) / factor / step).round().clamp(1.0, 50.0) as usize;
        let ticks = (0..=count)
            .map(|k| {
                let display = min / factor + k as f64 * step;
                (display * factor, tick_label(unit, display, step))
            })
            .collect();
        YAxis { min, max, ticks, unit_label }
    }
}

/// 1, 2, 2.5 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = [1.0, 2.0, 2.5, 5.0].into_iter().find(|n| fraction <= n + 1e-9).unwrap_or(10.0);
    nice * magnitude
}

/// Decimals that show every multiple of `step` exactly (up to 6).
fn decimals(step: f64) -> usize {
    (0..=6).find(|d| ((step * 10f64.powi(*d as i32)).round() - step * 10f64.powi(*d as i32)).abs() < 1e-6).unwrap_or(6)
}

/// A y tick's label: counts with k, M, G, T suffixes (`1.2k`, `3.4M`), others as numbers.
fn tick_label(unit: ChartUnit, value: f64, step: f64) -> String {
    let value = if value.abs() < step * 1e-9 { 0.0 } else { value };
    let (scaled, suffix, scaled_step) = match unit {
        ChartUnit::Count => {
            let magnitude = value.abs();
            match [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")].into_iter().find(|(size, _)| magnitude >= *size) {
                Some((size, suffix)) => (value / size, suffix, step / size),
                None => (value, "", step),
            }
        }
        _ => (value, "", step),
    };
    if scaled.abs() >= 1e15 {
        return format!("{scaled:.1e}{suffix}");
    }
    let text = format!("{scaled:.*}", decimals(scaled_step));
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text };
    format!("{text}{suffix}")
}

/// One axis of the plot: a linear map from `start..end` to pixels, the tick positions and
/// their labels (what plotters draws as the mesh).
#[derive(Clone)]
struct Axis {
    start: f64,
    end: f64,
    ticks: Vec<(f64, String)>,
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let fraction = ((value - self.start) / (self.end - self.start)).clamp(-1.0, 2.0);
        let fraction = if fraction.is_finite() { fraction } else { 0.0 };
        (f64::from(limit.0) + fraction * f64::from(limit.1 - limit.0)).round() as i32
    }

    /// The ticks as bold mesh lines with labels; no light lines.
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() || hint.max_num_points() == 0 {
            return Vec::new();
        }
        self.ticks.iter().map(|(value, _)| *value).collect()
    }

    fn range(&self) -> Range<f64> {
        self.start..self.end
    }
}

impl ValueFormatter<f64> for Axis {
    fn format_ext(&self, value: &f64) -> String {
        self.ticks.iter().find(|(tick, _)| tick == value).map(|(_, label)| label.clone()).unwrap_or_default()
    }
}

const MINUTE_MS: f64 = 60_000.0;
const HOUR_MS: f64 = 60.0 * MINUTE_MS;
const DAY_MS: f64 = 24.0 * HOUR_MS;

/// The time ticks: the finest step of 1, 2, 5, 10, 15, 30 minutes, 1, 2, 3, 6, 12 hours,
/// 1, 2, 7, 14 days, 4, 8, 13, 26, 52 weeks whose labels fit side by side, on whole steps
/// of the user's local time.
fn time_ticks(
    range: &TimeRange,
    offset_minutes: i32,
    plot_width: f64,
    gap: f64,
    measure: &dyn Fn(&str) -> f64,
) -> Vec<(f64, String)> {
    const STEPS_MIN: [f64; 20] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 180.0, 360.0, 720.0, 1440.0, 2880.0, 10_080.0, 20_160.0,
        40_320.0, 80_640.0, 131_040.0, 262_080.0, 524_160.0,
    ];
    let offset = f64::from(offset_minutes) * MINUTE_MS;
    let span = range.duration_ms();
    let candidates =
        STEPS_MIN.iter().map(|m| m * MINUTE_MS).chain((2..).map(|years| years as f64 * 524_160.0 * MINUTE_MS));
    for step in candidates.take(60) {
        let first = ((range.start_ms + offset) / step).ceil() * step - offset;
        let count = ((range.end_ms - first) / step).floor() + 1.0;
        if count > 200.0 {
            continue;
        }
        let ticks: Vec<(f64, String)> = (0..count.max(0.0) as usize)
            .map(|k| first + k as f64 * step)
            .map(|t| (t, time_label(t, offset, step, span)))
            .collect();
        let widest = ticks.iter().map(|(_, label)| measure(label)).fold(0.0, f64::max);
        if ticks.len() as f64 * (widest + gap) <= plot_width.max(1.0) {
            return ticks;
        }
    }
    Vec::new()
}

/// `14:05` within a day, `Nov 28 14:00` over several days, `Nov 28` at local midnight and
/// for whole days, `Nov 28 2026` over more than half a year.
fn time_label(t: f64, offset: f64, step: f64, span: f64) -> String {
    let local = t + offset;
    let days = (local / DAY_MS).floor();
    let minute_of_day = ((local - days * DAY_MS) / MINUTE_MS).round() as i64;
    let (year, month, day) = civil_date(days as i64);
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let date = format!("{} {day}", MONTHS[(month - 1) as usize]);
    let clock = format!("{:02}:{:02}", minute_of_day / 60, minute_of_day % 60);
    if step >= DAY_MS {
        if span > 180.0 * DAY_MS {
            format!("{date} {year}")
        } else {
            date
        }
    } else if minute_of_day == 0 {
        date
    } else if span <= 26.0 * HOUR_MS {
        clock
    } else {
        format!("{date} {clock}")
    }
}

/// The proleptic Gregorian date (year, month 1–12, day 1–31) of a day counted from
/// 1970-01-01: the day is counted from 0000-03-01 instead, so that leap days end each
/// year, and split into 400-year eras of 146,097 days.
fn civil_date(days_since_epoch: i64) -> (i64, u32, u32) {
    let shifted = days_since_epoch + 719_468; // 0000-03-01 to 1970-01-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

// ---------------------------------------------------------------------------------------
// Drawing

/// A font of `px` CSS pixels at `scale` (plotters sizes fonts at 1.24 × their pixel height).
fn font(px: f64, scale: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::SansSerif, px * 1.24 * scale, FontStyle::Normal)
}

/// `text` cut with `…` to fit `width` pixels.
fn fit(text: &str, font: &FontDesc, width: f64) -> String {
    let measure = |t: &str| font.box_size(t).map_or(0.0, |(w, _)| f64::from(w));
    if measure(text) <= width {
        return text.to_string();
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>() + "…";
        if measure(&candidate) <= width {
            return candidate;
        }
    }
    String::new()
}

/// Draws one chart on `area` (its size: the layout's CSS size × `scale`) and returns where
/// its data sits, in `area`'s backend pixels.
fn draw_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plan: &Plan,
    scale: f64,
) -> Result<PlotMapping, Error> {
    font_ready()?;
    let px = |css: f64| (css * scale).round();
    let colors = plan.palette;
    let (width, height) = area.dim_in_pixel();
    let (width, height) = (f64::from(width), f64::from(height));
    area.fill(&colors.background).map_err(drawing_failed)?;

    let title_font = font(14.0, scale);
    let label_font = font(11.5, scale);
    let measure = |text: &str| label_font.box_size(text).map_or(0.0, |(w, _)| f64::from(w));
    let text_height = label_font.box_size("0").map_or(px(12.0), |(_, h)| f64::from(h));
    let pad = px(12.0);
    let mut top = px(9.0);

    // The title.
    let title = fit(&plan.data.title, &title_font, width - 2.0 * pad);
    let title_height = title_font.box_size("Ag").map_or(px(14.0), |(_, h)| f64::from(h));
    area.draw(&Text::new(
        title,
        (pad as i32, top as i32),
        title_font.color(&colors.text).pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(drawing_failed)?;
    top += title_height + px(7.0);

    // The bottom: tick labels and a margin; at least this much plot height.
    let x_label_area = text_height + px(10.0);
    let bottom = px(6.0);
    let min_plot = px(40.0);
    let unit_row = text_height + px(9.0);

    // The legend: colour swatches and labels in rows, as many rows as leave the plot its
    // height (at most 3; what does not fit is counted at the end).
    if plan.data.series.len() > 1 {
        let row = text_height + px(6.0);
        let spare = height - top - unit_row - x_label_area - bottom - min_plot;
        let max_rows = ((spare / row).floor().max(0.0) as usize).min(3);
        let swatch = px(14.0);
        let gap = px(14.0);
        let items: Vec<(String, RGBColor)> = plan
            .data
            .series
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let label = match &s.failure {
                    Some(_) => format!("{} (not computed)", s.label),
                    None => s.label.clone(),
                };
                (fit(&label, &label_font, (width - 2.0 * pad) * 0.6), plan.color(i))
            })
            .collect();
        let edge = width - pad;
        let (mut x, mut rows) = (pad, 1);
        for (i, (label, color)) in items.iter().enumerate() {
            if max_rows == 0 {
                break;
            }
            let item_width = swatch + px(5.0) + measure(label);
            // The first item of a row always fits (its label is cut to 60% of the width).
            let mut fits = x == pad || x + item_width <= edge;
            if !fits && rows < max_rows {
                rows += 1;
                x = pad;
                fits = true;
            }
            let remaining = items.len() - i;
            // On the last row, the last slot says how many are left out.
            let more = format!("+{remaining} more");
            if rows == max_rows && (!fits || (remaining > 1 && x + item_width + gap + measure(&more) > edge)) {
                let at = (x as i32, (top + (rows - 1) as f64 * row) as i32);
                area.draw(&Text::new(more, at, label_font.color(&colors.muted).pos(Pos::new(HPos::Left, VPos::Top))))
                    .map_err(drawing_failed)?;
                break;
            }
            let y = top + (rows - 1) as f64 * row;
            let mid = y + text_height / 2.0;
            area.draw(&Rectangle::new(
                [(x as i32, (mid - px(1.5)) as i32), ((x + swatch) as i32, (mid + px(1.5)) as i32)],
                color.filled(),
            ))
            .map_err(drawing_failed)?;
            area.draw(&Text::new(
                label.clone(),
                ((x + swatch + px(5.0)) as i32, y as i32),
                label_font.color(&colors.text).pos(Pos::new(HPos::Left, VPos::Top)),
            ))
            .map_err(drawing_failed)?;
            x += item_width + gap;
        }
        if max_rows > 0 {
            top += rows as f64 * row + px(2.0);
        }
    }

    // The unit above the y axis labels.
    area.draw(&Text::new(
        plan.y.unit_label,
        (pad as i32, top as i32),
        label_font.color(&colors.muted).pos(Pos::new(HPos::Left, VPos::Top)),
    ))
    .map_err(drawing_failed)?;
    top += unit_row;
    let top = top.min((height - x_label_area - bottom - px(4.0)).max(0.0));

    // Wide enough for the widest tick label, at most half the chart.
    let widest_tick = plan.y.ticks.iter().map(|(_, label)| measure(label)).fold(0.0, f64::max);
    let y_label_area = (widest_tick + px(12.0)).min((width / 2.0).floor());
    let right = px(14.0);
    let plot_width = (width - pad - y_label_area - right - 1.0).max(1.0);
    let x_ticks: Vec<(f64, String)> =
        time_ticks(&plan.data.range, plan.layout.utc_offset_minutes, plot_width, px(18.0), &measure)
            .into_iter()
            .filter(|(t, label)| {
                // Labels are centred on their tick: drop one that would leave the image.
                let x =
                    pad + y_label_area + (t - plan.data.range.start_ms) / plan.data.range.duration_ms() * plot_width;
                x + measure(label) / 2.0 <= width - 1.0
            })
            .collect();
    let x_axis = Axis { start: plan.data.range.start_ms, end: plan.data.range.end_ms, ticks: x_ticks };
    let y_axis = Axis { start: plan.y.min, end: plan.y.max, ticks: plan.y.ticks.clone() };
    let (n_x, n_y) = (x_axis.ticks.len(), y_axis.ticks.len());

    let region = area.margin(top as i32, bottom as i32, pad as i32, right as i32);
    let mut chart = ChartBuilder::on(&region)
        .x_label_area_size(x_label_area as i32)
        .y_label_area_size(y_label_area as i32)
        .build_cartesian_2d(x_axis, y_axis)
        .map_err(drawing_failed)?;
    chart
        .configure_mesh()
        .x_labels(n_x.max(1))
        .y_labels(n_y.max(1))
        .max_light_lines(0)
        .bold_line_style(ShapeStyle::from(&colors.grid).stroke_width(scale as u32))
        .axis_style(ShapeStyle::from(&colors.axis).stroke_width(scale as u32))
        .set_all_tick_mark_size(px(4.0) as i32)
        .x_label_style(label_font.color(&colors.muted))
        .y_label_style(label_font.color(&colors.muted))
        .draw()
        .map_err(drawing_failed)?;

    let plotting = chart.plotting_area();
    let (xs, ys) = plotting.get_pixel_range();
    let (left, top_px) = (f64::from(xs.start), f64::from(ys.start));
    let (plot_w, plot_h) = (f64::from(xs.end - 1 - xs.start), f64::from(ys.end - 1 - ys.start));
    let range = plan.data.range;

    // The partial band: lightly shaded, labelled at its top right.
    if let Some(from) = plan.partial_from {
        let band = colors.text.mix(colors.band_alpha);
        plotting
            .draw(&Rectangle::new([(from, plan.y.max), (range.end_ms, plan.y.min)], ShapeStyle::from(&band).filled()))
            .map_err(drawing_failed)?;
        let at = ((left + plot_w - px(4.0)) as i32, (top_px + px(3.0)) as i32);
        area.draw(&Text::new(
            "partial",
            shift(area, at),
            label_font.color(&colors.muted).pos(Pos::new(HPos::Right, VPos::Top)),
        ))
        .map_err(drawing_failed)?;
    }

    // The lines, a dot for each lone point.
    let column = |t: f64| (left + (t - range.start_ms) / range.duration_ms() * plot_w).round() as i32;
    let line_width = (2.0 * scale).round() as u32;
    let dot_radius = (2.5 * scale).round() as u32;
    for (i, (runs, dots)) in plan.runs.iter().zip(&plan.dots).enumerate() {
        let color = plan.color(i);
        let style = ShapeStyle::from(&color).stroke_width(line_width);
        for run in runs {
            plotting.draw(&PathElement::new(decimate(run, column), style)).map_err(drawing_failed)?;
        }
        for dot in dots {
            plotting.draw(&Circle::new(*dot, dot_radius, color.filled())).map_err(drawing_failed)?;
        }
    }

    if !plan.has_data {
        let at = ((left + plot_w / 2.0) as i32, (top_px + plot_h / 2.0) as i32);
        area.draw(&Text::new(
            "No data in this range",
            shift(area, at),
            font(13.0, scale).color(&colors.muted).pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(drawing_failed)?;
    }

    let colors: Vec<String> = (0..plan.data.series.len()).map(|i| css(plan.color(i))).collect();
    Ok(PlotMapping {
        plot_left_px: left,
        plot_top_px: top_px,
        plot_width_px: plot_w,
        plot_height_px: plot_h,
        start_ms: range.start_ms,
        end_ms: range.end_ms,
        y_min: plan.y.min,
        y_max: plan.y.max,
        colors,
    })
}

/// A backend position as a position within `area` (whose own drawing is relative to it).
fn shift<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, (x, y): (i32, i32)) -> (i32, i32) {
    let (xs, ys) = area.get_pixel_range();
    (x - xs.start, y - ys.start)
}

#[cfg(test)]
#[path = "chart_tests.rs"]
mod tests;

//! Structural "golden" tests of the charts: what the SVG and PNG hold (lines, texts,
//! colours, positions), read back from the output rather than compared byte for byte, so
//! they pass whatever the fonts measure.

use proptest::prelude::*;

use super::*;
use crate::metrics::query::{SeriesSpec, Statistic};
use crate::ErrorCode;

/// 2027-01-15T08:00:00Z.
const T0: f64 = 1_800_000_000_000.0;
const MIN: f64 = 60_000.0;
const HOUR: f64 = 3_600_000.0;

fn series(label: &str, values: Vec<Option<f64>>) -> Series {
    series_every(label, MIN, values)
}

fn series_every(label: &str, step_ms: f64, values: Vec<Option<f64>>) -> Series {
    Series {
        label: label.into(),
        spec: SeriesSpec::new("orders", LambdaMetric::Invocations, Statistic::Sum).labelled(label),
        timestamps_ms: (0..values.len()).map(|k| T0 + k as f64 * step_ms).collect(),
        values,
        partial_from_ms: None,
        failure: None,
    }
}

fn chart(title: &str, unit: ChartUnit, minutes: f64, series: Vec<Series>) -> ChartData {
    ChartData { title: title.into(), unit, range: TimeRange { start_ms: T0, end_ms: T0 + minutes * MIN }, series }
}

fn layout(theme: ChartTheme) -> ChartLayout {
    ChartLayout { width_px: 800, height_px: 300, theme, utc_offset_minutes: 0 }
}

fn light() -> ChartLayout {
    layout(ChartTheme::Light)
}

/// The value of `name="…"` in one tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[start..].find('"')? + start;
    Some(&tag[start..end])
}

/// Every element `<name …>` of the SVG, as its opening tag.
fn tags<'a>(svg: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name} ");
    svg.match_indices(&open).map(|(at, _)| &svg[at..at + svg[at..].find('>').unwrap()]).collect()
}

/// The polylines drawn in `color`, as their points.
fn polylines(svg: &str, color: &str) -> Vec<Vec<(f64, f64)>> {
    tags(svg, "polyline")
        .into_iter()
        .filter(|tag| attr(tag, "stroke") == Some(color))
        .map(|tag| {
            attr(tag, "points")
                .unwrap()
                .split_whitespace()
                .map(|pair| {
                    let (x, y) = pair.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect()
        })
        .collect()
}

/// Every text of the SVG with its opening tag.
fn texts(svg: &str) -> Vec<(String, String)> {
    svg.match_indices("<text ")
        .map(|(at, _)| {
            let rest = &svg[at..];
            let tag_end = rest.find('>').unwrap();
            let content_end = rest.find("</text>").unwrap();
            let content = rest[tag_end + 1..content_end].trim().replace("&amp;", "&").replace("&lt;", "<");
            (rest[..tag_end].to_string(), content)
        })
        .collect()
}

fn text_contents(svg: &str) -> Vec<String> {
    texts(svg).into_iter().map(|(_, text)| text).collect()
}

/// The x axis' labels (the texts centred under their tick, below the plot), left to right.
fn time_labels(svg: &str, mapping: &PlotMapping) -> Vec<String> {
    let bottom = mapping.plot_top_px + mapping.plot_height_px;
    texts(svg)
        .into_iter()
        .filter(|(tag, _)| {
            attr(tag, "text-anchor") == Some("middle") && attr(tag, "y").unwrap().parse::<f64>().unwrap() > bottom
        })
        .map(|(_, text)| text)
        .collect()
}

/// The y axis' labels (right-aligned left of the plot), bottom to top.
fn value_labels(svg: &str) -> Vec<String> {
    texts(svg).into_iter().filter(|(tag, _)| attr(tag, "text-anchor") == Some("end")).map(|(_, text)| text).collect()
}

/// How far `point` is from the nearest vertex of `lines`.
fn nearest_vertex(lines: &[Vec<(f64, f64)>], point: (f64, f64)) -> f64 {
    lines.iter().flatten().map(|(x, y)| ((x - point.0).powi(2) + (y - point.1).powi(2)).sqrt()).fold(f64::MAX, f64::min)
}

#[test]
fn a_gap_splits_the_line_and_a_lone_point_is_a_dot() {
    let values = vec![Some(3.0), Some(5.0), Some(4.0), None, Some(6.0), Some(2.0), Some(7.0), None, Some(9.0), None];
    let data = chart("Invocations", ChartUnit::Count, 10.0, vec![series("orders", values)]);
    let rendered = render_svg(&data, &light()).unwrap();
    let color = &rendered.mapping.colors[0];
    assert_eq!(color, "#2563EB");
    let lines = polylines(&rendered.svg, color);
    assert_eq!(lines.len(), 2, "one line per unbroken run: {lines:?}");
    assert_eq!((lines[0].len(), lines[1].len()), (3, 3), "{lines:?}");
    // The runs end where the gaps begin: the second starts at minute 4, right of the first.
    let x_of = |minute: f64| rendered.mapping.to_pixel(T0 + minute * MIN, 0.0).0;
    assert!((lines[0][2].0 - x_of(2.0)).abs() <= 1.0 && (lines[1][0].0 - x_of(4.0)).abs() <= 1.0, "{lines:?}");
    let dots: Vec<&str> =
        tags(&rendered.svg, "circle").into_iter().filter(|c| attr(c, "fill") == Some(color)).collect();
    assert_eq!(dots.len(), 1, "the lone 9 between gaps is a dot");
    let (x, y) = rendered.mapping.to_pixel(T0 + 8.0 * MIN, 9.0);
    let cx: f64 = attr(dots[0], "cx").unwrap().parse().unwrap();
    let cy: f64 = attr(dots[0], "cy").unwrap().parse().unwrap();
    assert!((cx - x).abs() <= 1.0 && (cy - y).abs() <= 1.0, "dot at {cx},{cy}, mapped {x},{y}");
}

#[test]
fn title_legend_and_background_follow_the_content_and_theme() {
    let two = chart(
        "Compare: Duration p99",
        ChartUnit::Milliseconds,
        30.0,
        vec![series("orders p99", vec![Some(120.0); 30]), series("billing & co p99", vec![Some(80.0); 30])],
    );
    let light_svg = render_svg(&two, &light()).unwrap();
    let texts = text_contents(&light_svg.svg);
    for expected in ["Compare: Duration p99", "orders p99", "billing & co p99", "ms"] {
        assert!(texts.iter().any(|t| t == expected), "{expected:?} not in {texts:?}");
    }
    let background = &tags(&light_svg.svg, "rect")[0];
    assert_eq!(attr(background, "fill"), Some("#FFFFFF"));
    assert_eq!((attr(background, "width"), attr(background, "height")), (Some("800"), Some("300")));
    // The legend's swatches are the lines' colours.
    for color in &light_svg.mapping.colors {
        assert!(tags(&light_svg.svg, "rect").iter().any(|r| attr(r, "fill") == Some(color)), "{color}");
        assert_eq!(polylines(&light_svg.svg, color).len(), 1, "{color}");
    }

    let dark_svg = render_svg(&two, &layout(ChartTheme::Dark)).unwrap();
    assert_eq!(attr(tags(&dark_svg.svg, "rect")[0], "fill"), Some("#1E1F22"));
    assert_ne!(dark_svg.mapping.colors, light_svg.mapping.colors, "brighter colours on the dark background");
    let title = texts_with(&dark_svg.svg, "Compare: Duration p99");
    assert_eq!(attr(&title, "fill"), Some("#E6E6E6"), "light text on dark");

    // One series: the title says it all, no legend.
    let one = chart("Errors", ChartUnit::Count, 30.0, vec![series("orders Errors", vec![Some(1.0); 30])]);
    let svg = render_svg(&one, &light()).unwrap().svg;
    assert!(!text_contents(&svg).iter().any(|t| t == "orders Errors"), "no legend for one series");
    assert!(text_contents(&svg).iter().any(|t| t == "Errors"));
}

fn texts_with(svg: &str, content: &str) -> String {
    texts(svg).into_iter().find(|(_, text)| text == content).map(|(tag, _)| tag).unwrap()
}

#[test]
fn the_palette_has_distinct_colours_in_each_theme() {
    for theme in [ChartTheme::Light, ChartTheme::Dark] {
        let colors: Vec<String> = palette(theme).series.iter().map(|c| css(*c)).collect();
        let mut unique = colors.clone();
        unique.sort();
        unique.dedup();
        assert!(unique.len() >= 8 && unique.len() == colors.len(), "{theme:?}: {colors:?}");
        let series: Vec<Series> = (0..12).map(|i| series(&format!("s{i}"), vec![Some(i as f64); 5])).collect();
        let mapping = render_svg(&chart("Many", ChartUnit::Count, 5.0, series), &layout(theme)).unwrap().mapping;
        assert_eq!(mapping.colors.len(), 12);
        assert_eq!(mapping.colors[..10], colors[..], "in palette order, then again");
        assert_eq!(mapping.colors[10], colors[0]);
    }
}

#[test]
fn the_mapping_puts_data_where_the_line_passes() {
    let values: Vec<Option<f64>> = (0..60).map(|k| Some(((k as f64) * 0.37).sin() * 40.0 + 50.0)).collect();
    let data = chart("Duration", ChartUnit::Milliseconds, 60.0, vec![series("orders Duration", values.clone())]);
    for offset in [0, 330] {
        let rendered = render_svg(&data, &ChartLayout { utc_offset_minutes: offset, ..light() }).unwrap();
        let mapping = &rendered.mapping;
        assert_eq!((mapping.start_ms, mapping.end_ms), (T0, T0 + HOUR), "the x axis is the range");
        assert_eq!(mapping.y_min, 0.0, "times start at 0");
        let lines = polylines(&rendered.svg, &mapping.colors[0]);
        for k in [0, 7, 31, 59] {
            let point = mapping.to_pixel(T0 + k as f64 * MIN, values[k].unwrap());
            assert!(nearest_vertex(&lines, point) <= 1.0, "minute {k}: {point:?} not on the line");
        }
        // The plot's corners are the range's ends and the y axis' ends.
        let (left, bottom) = mapping.to_pixel(T0, mapping.y_min);
        assert_eq!((left, bottom), (mapping.plot_left_px, mapping.plot_top_px + mapping.plot_height_px));
        assert!(mapping.plot_left_px > 20.0 && mapping.plot_left_px + mapping.plot_width_px < 800.0);
        assert!(mapping.plot_top_px > 40.0 && mapping.plot_top_px + mapping.plot_height_px < 300.0);
    }
}

#[test]
fn y_ticks_are_in_the_unit() {
    // Counts: from 0, with k and M.
    let counts =
        chart("Invocations", ChartUnit::Count, 10.0, vec![series("a", vec![Some(3_400_000.0), Some(1_200.0)])]);
    let rendered = render_svg(&counts, &light()).unwrap();
    let labels = value_labels(&rendered.svg);
    assert_eq!(labels.first().map(String::as_str), Some("0"), "{labels:?}");
    assert!(labels.iter().skip(1).all(|l| l.ends_with('M')), "{labels:?}");
    assert!(labels.contains(&"1M".to_string()), "{labels:?}");
    assert!(text_contents(&rendered.svg).contains(&"count".to_string()));
    assert_eq!(rendered.mapping.y_min, 0.0);
    assert!(rendered.mapping.y_max >= 3_400_000.0);
    assert_eq!(tick_label(ChartUnit::Count, 1_250.0, 250.0), "1.25k");
    assert_eq!(tick_label(ChartUnit::Count, 1_000.0, 250.0), "1k");
    assert_eq!(tick_label(ChartUnit::Count, 3_400_000.0, 200_000.0), "3.4M");
    assert_eq!(tick_label(ChartUnit::Count, 0.5, 0.25), "0.5");

    // Milliseconds, shown as seconds above 10 s; the mapping stays in milliseconds.
    let slow = vec![Some(2_000.0), Some(45_000.0), Some(30_000.0)];
    let data = chart("Duration", ChartUnit::Milliseconds, 3.0, vec![series("a", slow)]);
    let rendered = render_svg(&data, &light()).unwrap();
    assert!(text_contents(&rendered.svg).contains(&"s".to_string()), "the unit is seconds");
    let labels = value_labels(&rendered.svg);
    assert_eq!(labels, ["0", "10", "20", "30", "40", "50"]);
    assert_eq!((rendered.mapping.y_min, rendered.mapping.y_max), (0.0, 50_000.0));
    let lines = polylines(&rendered.svg, &rendered.mapping.colors[0]);
    assert!(nearest_vertex(&lines, rendered.mapping.to_pixel(T0 + MIN, 45_000.0)) <= 1.0);

    let fast = chart("Duration", ChartUnit::Milliseconds, 3.0, vec![series("a", vec![Some(12.0), Some(830.0)])]);
    let rendered = render_svg(&fast, &light()).unwrap();
    assert!(text_contents(&rendered.svg).contains(&"ms".to_string()));
    assert_eq!(rendered.mapping.y_max, 1_000.0);

    // Percentages: 0 to 100 whatever the data.
    let rate = chart("Success rate", ChartUnit::Percent, 3.0, vec![series("a", vec![Some(99.0), Some(97.5)])]);
    let rendered = render_svg(&rate, &light()).unwrap();
    assert_eq!((rendered.mapping.y_min, rendered.mapping.y_max), (0.0, 100.0));
    assert_eq!(value_labels(&rendered.svg).last().map(String::as_str), Some("100"));
    assert!(text_contents(&rendered.svg).contains(&"%".to_string()));
}

#[test]
fn an_all_gaps_chart_says_there_is_no_data() {
    let data =
        chart("Throttles", ChartUnit::Count, 60.0, vec![series("a", vec![None; 60]), series("b", vec![None; 60])]);
    let rendered = render_svg(&data, &light()).unwrap();
    assert!(text_contents(&rendered.svg).contains(&"No data in this range".to_string()));
    assert_eq!((rendered.mapping.y_min, rendered.mapping.y_max), (0.0, 1.0));
    for color in &rendered.mapping.colors {
        assert!(polylines(&rendered.svg, color).is_empty());
    }
    assert!(!time_labels(&rendered.svg, &rendered.mapping).is_empty(), "the frame keeps its time axis");
    let empty = chart("Nothing", ChartUnit::Milliseconds, 60.0, Vec::new());
    assert!(text_contents(&render_svg(&empty, &light()).unwrap().svg).contains(&"No data in this range".to_string()));
    let some = chart("Some", ChartUnit::Count, 60.0, vec![series("a", vec![Some(0.0); 60])]);
    assert!(!text_contents(&render_svg(&some, &light()).unwrap().svg).contains(&"No data in this range".to_string()));
}

#[test]
fn the_partial_range_is_a_shaded_band() {
    let mut filling = series("orders", vec![Some(4.0); 60]);
    filling.partial_from_ms = Some(T0 + 57.0 * MIN);
    let data = chart("Invocations", ChartUnit::Count, 60.0, vec![filling]);
    let rendered = render_svg(&data, &light()).unwrap();
    let mapping = &rendered.mapping;
    let band = tags(&rendered.svg, "rect")
        .into_iter()
        .find(|r| attr(r, "opacity").is_some_and(|o| o.parse::<f64>().unwrap() < 0.5))
        .expect("a translucent band");
    let x: f64 = attr(band, "x").unwrap().parse().unwrap();
    let width: f64 = attr(band, "width").unwrap().parse().unwrap();
    let from = mapping.to_pixel(T0 + 57.0 * MIN, 0.0).0;
    assert!((x - from).abs() <= 1.0, "band starts at {x}, partial from {from}");
    assert!((x + width - (mapping.plot_left_px + mapping.plot_width_px)).abs() <= 1.0, "to the end of the plot");
    assert!(text_contents(&rendered.svg).contains(&"partial".to_string()));
    // The line itself is still drawn through it.
    assert_eq!(polylines(&rendered.svg, &mapping.colors[0])[0].len(), 60);

    let settled = chart("Invocations", ChartUnit::Count, 60.0, vec![series("orders", vec![Some(4.0); 60])]);
    assert!(!text_contents(&render_svg(&settled, &light()).unwrap().svg).contains(&"partial".to_string()));
}

#[test]
fn time_labels_follow_the_users_offset() {
    let data = chart("Invocations", ChartUnit::Count, 60.0, vec![series("a", vec![Some(1.0); 60])]);
    let labels_at = |offset: i32| {
        let rendered = render_svg(&data, &ChartLayout { utc_offset_minutes: offset, ..light() }).unwrap();
        time_labels(&rendered.svg, &rendered.mapping)
    };
    let utc = labels_at(0);
    assert_eq!(utc.first().map(String::as_str), Some("08:00"), "{utc:?}");
    let shifted: Vec<String> = utc
        .iter()
        .map(|label| {
            let (h, m) = label.split_once(':').unwrap();
            format!("{:02}:{m}", h.parse::<u32>().unwrap() + 2)
        })
        .collect();
    assert_eq!(labels_at(120), shifted);
    // Half-hour zones keep the ticks on their own whole minutes.
    let india = labels_at(330);
    assert!(india.iter().all(|l| l.ends_with('0') || l.ends_with('5')), "{india:?}");
    assert!(india.contains(&"13:30".to_string()), "{india:?}");
}

#[test]
fn several_days_are_labelled_with_dates() {
    // 2027-01-15T08:00Z + 3 days, hourly points.
    let data = ChartData {
        title: "Invocations".into(),
        unit: ChartUnit::Count,
        range: TimeRange { start_ms: T0, end_ms: T0 + 72.0 * HOUR },
        series: vec![series_every("a", HOUR, vec![Some(2.0); 72])],
    };
    let rendered = render_svg(&data, &light()).unwrap();
    let labels = time_labels(&rendered.svg, &rendered.mapping);
    assert!(labels.len() >= 3, "{labels:?}");
    assert!(labels.iter().all(|l| l.starts_with("Jan 1")), "{labels:?}");
    assert!(labels.iter().any(|l| l == "Jan 16" || l.starts_with("Jan 16 ")), "{labels:?}");
    // A day's labels: the clock, with the date at midnight.
    assert_eq!(time_label(T0 + 16.0 * HOUR, 0.0, HOUR, 24.0 * HOUR), "Jan 16");
    assert_eq!(time_label(T0 + 17.0 * HOUR, 0.0, HOUR, 24.0 * HOUR), "01:00");
    assert_eq!(time_label(T0, 0.0, 6.0 * HOUR, 72.0 * HOUR), "Jan 15 08:00");
    assert_eq!(time_label(T0 + 16.0 * HOUR, 0.0, 6.0 * HOUR, 72.0 * HOUR), "Jan 16");
    assert_eq!(time_label(T0, -10.0 * HOUR, 86_400_000.0, 400.0 * 86_400_000.0), "Jan 14 2027");
}

#[test]
fn civil_dates_agree_with_the_timestamps_module() {
    for days in (-719_162..2_932_896).step_by(997).chain([-1, 0, 59, 60, 365, 10_956, 11_016, 20_513]) {
        let stamp = timestamps::format(DateTime::from_secs(days * 86_400));
        let (year, month, day) = civil_date(days);
        assert_eq!(format!("{year:04}-{month:02}-{day:02}"), stamp[..10], "day {days}");
    }
}

#[test]
fn many_points_are_thinned_per_pixel_column_keeping_the_extremes() {
    let n = 20_000;
    let values: Vec<Option<f64>> = (0..n).map(|k| Some(((k * 7919) % 1000) as f64)).collect();
    let mut spiky = values.clone();
    spiky[12_345] = Some(5_000.0);
    let data = ChartData {
        title: "Dense".into(),
        unit: ChartUnit::Count,
        range: TimeRange { start_ms: T0, end_ms: T0 + n as f64 * 1_000.0 },
        series: vec![series_every("a", 1_000.0, spiky)],
    };
    let rendered = render_svg(&data, &light()).unwrap();
    let lines = polylines(&rendered.svg, &rendered.mapping.colors[0]);
    assert_eq!(lines.len(), 1);
    let points = lines[0].len();
    assert!(points <= 4 * 800, "{points} points for an 800 px chart");
    let top = lines[0].iter().map(|p| p.1).fold(f64::MAX, f64::min);
    let spike = rendered.mapping.to_pixel(T0 + 12_345_000.0, 5_000.0);
    assert!((top - spike.1).abs() <= 1.0, "the spike survives: {top} vs {spike:?}");
    assert!(nearest_vertex(&lines, spike) <= 1.0);
    let bottom = lines[0].iter().map(|p| p.1).fold(f64::MIN, f64::max);
    assert!((bottom - rendered.mapping.to_pixel(T0, 0.0).1).abs() <= 1.0, "and the lowest values");
    // The CSV keeps every point.
    assert_eq!(to_csv(&data.series).lines().count(), n + 1);
    // Sparse data is not thinned.
    let sparse = [(0.0, 1.0), (10.0, 2.0), (20.0, 3.0)];
    assert_eq!(decimate(&sparse, |t| t as i32), sparse);
    let same_column = [(0.0, 1.0), (0.1, 5.0), (0.2, -2.0), (0.3, 4.0), (0.4, 3.0)];
    assert_eq!(decimate(&same_column, |_| 0), [(0.0, 1.0), (0.1, 5.0), (0.2, -2.0), (0.4, 3.0)]);
}

#[test]
fn lines_are_cut_at_the_ends_of_the_range() {
    // Points from 5 minutes before the range to 5 after: the line spans exactly the plot.
    let mut around = series("a", (0..20).map(|k| Some(k as f64)).collect());
    around.timestamps_ms = (0..20).map(|k| T0 - 5.0 * MIN + k as f64 * MIN).collect();
    let data = chart("Cut", ChartUnit::Count, 10.0, vec![around]);
    let rendered = render_svg(&data, &light()).unwrap();
    let lines = polylines(&rendered.svg, &rendered.mapping.colors[0]);
    assert_eq!(lines.len(), 1);
    let (first, last) = (lines[0][0], *lines[0].last().unwrap());
    let left = rendered.mapping.to_pixel(T0, 5.0);
    let right = rendered.mapping.to_pixel(T0 + 10.0 * MIN, 15.0);
    assert!((first.0 - left.0).abs() <= 1.0 && (first.1 - left.1).abs() <= 1.0, "{first:?} vs {left:?}");
    assert!((last.0 - right.0).abs() <= 1.0 && (last.1 - right.1).abs() <= 1.0, "{last:?} vs {right:?}");
    assert_eq!(clip_run(&[(-2.0, 0.0), (-1.0, 1.0)], 0.0, 10.0), Vec::<Vec<(f64, f64)>>::new());
    assert_eq!(clip_run(&[(-10.0, 0.0), (20.0, 30.0)], 0.0, 10.0), vec![vec![(0.0, 10.0), (10.0, 20.0)]]);
}

#[test]
fn png_decodes_with_the_series_colour_on_its_points() {
    let values: Vec<Option<f64>> = (0..30).map(|k| Some(10.0 + (k % 7) as f64 * 3.0)).collect();
    let data = chart("Invocations", ChartUnit::Count, 30.0, vec![series("orders", values.clone())]);
    for theme in [ChartTheme::Light, ChartTheme::Dark] {
        let (png_bytes, mapping, scale) = draw_png(&data, &layout(theme)).unwrap();
        assert_eq!(render_png(&data, &layout(theme)).unwrap(), png_bytes);
        assert_eq!(scale, 2);
        assert_eq!(&png_bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
        let frame = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((frame.width, frame.height), (1600, 600));
        assert_eq!(frame.color_type, png::ColorType::Rgb);
        let pixel = |x: i64, y: i64| {
            let at = (y as usize * frame.width as usize + x as usize) * 3;
            [pixels[at], pixels[at + 1], pixels[at + 2]]
        };
        let expected = palette(theme).series[0];
        let close = |p: [u8; 3]| {
            (i32::from(p[0]) - i32::from(expected.0)).abs() <= 40
                && (i32::from(p[1]) - i32::from(expected.1)).abs() <= 40
                && (i32::from(p[2]) - i32::from(expected.2)).abs() <= 40
        };
        for k in [3, 11, 26] {
            let (x, y) = mapping.to_pixel(T0 + k as f64 * MIN, values[k].unwrap());
            let (x, y) = (x.round() as i64, y.round() as i64);
            let hit =
                (-1..=1).flat_map(|dx| (-1..=1).map(move |dy| (dx, dy))).any(|(dx, dy)| close(pixel(x + dx, y + dy)));
            assert!(hit, "{theme:?} minute {k}: {:?} at {x},{y}", pixel(x, y));
        }
        let corner = pixel(2, 2);
        let luma = |p: [u8; 3]| (u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10;
        match theme {
            ChartTheme::Light => assert_eq!(corner, [255, 255, 255]),
            ChartTheme::Dark => assert!(luma(corner) < 50, "{corner:?}"),
        }
        // Text was drawn (with the embedded font): the title's row has glyph pixels.
        let title_row = (12..40).flat_map(|y| (20..200).map(move |x| (x, y)));
        assert!(title_row.map(|(x, y)| pixel(x, y)).any(|p| p != corner), "{theme:?}: no title pixels");
    }
}

#[test]
fn stacked_charts_share_one_image() {
    let charts: Vec<ChartData> = ["Invocations", "Errors", "Duration"]
        .into_iter()
        .map(|title| {
            chart(title, ChartUnit::Count, 10.0, vec![series(&format!("orders {title}"), vec![Some(1.0); 10])])
        })
        .collect();
    let layout = ChartLayout { height_px: 200, ..light() };
    let svg = render_svg_stack(&charts, &layout).unwrap();
    let root = &svg[..svg.find('>').unwrap()];
    assert_eq!((attr(root, "width"), attr(root, "height")), (Some("800"), Some("600")));
    let titles: Vec<String> =
        text_contents(&svg).into_iter().filter(|t| charts.iter().any(|c| &c.title == t)).collect();
    assert_eq!(titles, ["Invocations", "Errors", "Duration"]);
    // Each chart in its own third: the titles' y positions.
    let ys: Vec<f64> = ["Invocations", "Errors", "Duration"]
        .iter()
        .map(|t| attr(&texts_with(&svg, t), "y").unwrap().parse().unwrap())
        .collect();
    assert_eq!((ys[1] - ys[0], ys[2] - ys[1]), (200.0, 200.0));
    let png = render_png_stack(&charts, &layout).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().unwrap();
    assert_eq!((reader.info().width, reader.info().height), (1600, 1200));
    assert_eq!(render_svg_stack(&[], &layout).unwrap_err().code(), ErrorCode::InvalidInput);
}

#[test]
fn sizes_zones_and_ranges_out_of_bounds_are_refused() {
    let data = chart("Invocations", ChartUnit::Count, 10.0, vec![series("a", vec![Some(1.0); 10])]);
    let refused = |layout: ChartLayout| match render_svg(&data, &layout) {
        Err(Error::InvalidInput(message)) => message,
        other => panic!("not refused: {other:?}"),
    };
    assert_eq!(
        refused(ChartLayout { width_px: 100, ..light() }),
        "A chart is 120 to 4000 pixels wide and 80 to 3000 high, not 100 × 300."
    );
    assert!(refused(ChartLayout { height_px: 3001, ..light() }).ends_with("not 800 × 3001."));
    assert!(refused(ChartLayout { utc_offset_minutes: 19 * 60, ..light() }).contains("18 hours"));
    assert!(refused(ChartLayout { utc_offset_minutes: i32::MIN, ..light() }).contains("18 hours"));
    assert!(matches!(render_png(&data, &ChartLayout { width_px: 0, ..light() }), Err(Error::InvalidInput(_))));
    let backwards = ChartData { range: TimeRange { start_ms: T0, end_ms: T0 }, ..data.clone() };
    assert_eq!(
        render_svg(&backwards, &light()).unwrap_err().to_string(),
        "A chart's time range must end after it starts."
    );
    let nan = ChartData { range: TimeRange { start_ms: f64::NAN, end_ms: T0 }, ..data.clone() };
    assert!(matches!(render_svg(&nan, &light()), Err(Error::InvalidInput(_))));
    // The extremes of the accepted sizes draw.
    for (width_px, height_px) in [(120, 80), (4000, 3000), (120, 3000), (4000, 80)] {
        render_svg(&data, &ChartLayout { width_px, height_px, ..light() }).unwrap();
    }
    // The largest PNG is drawn at its CSS size (not doubled); larger stacks are refused.
    assert_eq!(draw_png(&data, &ChartLayout { width_px: 4000, height_px: 3000, ..light() }).unwrap().2, 1);
    let many = vec![data.clone(); 6];
    let tall = ChartLayout { width_px: 4000, height_px: 3000, ..light() };
    assert!(matches!(render_png_stack(&many, &tall), Err(Error::InvalidInput(_))));
}

#[test]
fn a_tiny_chart_with_many_long_labels_still_draws() {
    let long = "a-function-with-a-rather-long-name:live Duration p99";
    let series: Vec<Series> = (0..9).map(|i| series(&format!("{long} {i}"), vec![Some(i as f64); 10])).collect();
    let data = chart("A title much longer than the chart is wide, to be cut", ChartUnit::Milliseconds, 10.0, series);
    for (width_px, height_px) in [(120, 80), (300, 120), (800, 200)] {
        let rendered = render_svg(&data, &ChartLayout { width_px, height_px, ..light() }).unwrap();
        let m = &rendered.mapping;
        assert!(m.plot_width_px > 0.0 && m.plot_height_px > 0.0, "{width_px}×{height_px}: {m:?}");
        assert!(m.plot_top_px + m.plot_height_px <= f64::from(height_px), "{width_px}×{height_px}: {m:?}");
        if width_px < 400 {
            assert!(text_contents(&rendered.svg).iter().any(|t| t.ends_with('…')), "the title is cut");
        }
        render_png(&data, &ChartLayout { width_px, height_px, ..light() }).unwrap();
    }
    let roomy = render_svg(&data, &ChartLayout { width_px: 800, height_px: 600, ..light() }).unwrap();
    assert!(
        text_contents(&roomy.svg).iter().any(|t| t.starts_with('+') && t.ends_with(" more")),
        "legend overflow counted"
    );
}

#[test]
fn csv_has_a_column_per_series_and_empty_cells_for_gaps() {
    let a = series("orders Invocations", vec![Some(3.0), None, Some(1.5)]);
    let mut b = series("billing, \"eu\" Errors", vec![Some(0.0), Some(2.0)]);
    b.timestamps_ms = vec![T0 + MIN, T0 + 3.0 * MIN];
    let csv = to_csv(&[a, b]);
    assert_eq!(
        csv,
        "time,orders Invocations,\"billing, \"\"eu\"\" Errors\"\n\
         2027-01-15T08:00:00Z,3,\n\
         2027-01-15T08:01:00Z,,0\n\
         2027-01-15T08:02:00Z,1.5,\n\
         2027-01-15T08:03:00Z,,2\n"
    );
    assert_eq!(to_csv(&[]), "time\n");
}

#[test]
fn metrics_have_their_units() {
    assert_eq!(unit_of(LambdaMetric::Duration), ChartUnit::Milliseconds);
    assert_eq!(unit_of(LambdaMetric::AsyncEventAge), ChartUnit::Milliseconds);
    assert_eq!(unit_of(LambdaMetric::IteratorAge), ChartUnit::Milliseconds);
    let counts = LambdaMetric::ALL.into_iter().filter(|m| unit_of(*m) == ChartUnit::Count).count();
    assert_eq!(counts, 8);
    assert_eq!(serde_json::to_value(ChartUnit::Milliseconds).unwrap(), "milliseconds");
    let layout: ChartLayout = serde_json::from_value(serde_json::json!({
        "width_px": 640, "height_px": 240, "theme": "dark", "utc_offset_minutes": -300
    }))
    .unwrap();
    assert_eq!(layout.theme, ChartTheme::Dark);
}

fn any_value() -> impl Strategy<Value = Option<f64>> {
    prop_oneof![
        1 => Just(None),
        3 => (-1e6..1e6f64).prop_map(Some),
        1 => prop::num::f64::ANY.prop_map(Some),
        1 => prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-f64::INFINITY), Just(f64::MAX), Just(-1e308)].prop_map(Some),
    ]
}

fn any_series() -> impl Strategy<Value = Series> {
    (
        prop::collection::vec(
            prop_oneof![4 => (-2.0 * HOUR..3.0 * HOUR).prop_map(|d| T0 + d), 1 => prop::num::f64::ANY],
            0..40,
        ),
        prop::collection::vec(any_value(), 0..40),
        prop::option::of(prop_oneof![(-HOUR..2.0 * HOUR).prop_map(|d| T0 + d), prop::num::f64::ANY]),
        prop::option::of("[a-z ,\"]{0,12}"),
    )
        .prop_map(|(mut timestamps_ms, values, partial_from_ms, failure)| {
            if timestamps_ms.len() % 3 == 0 {
                timestamps_ms.sort_by(f64::total_cmp);
            }
            Series { timestamps_ms, values, partial_from_ms, failure, ..series("p", Vec::new()) }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any series at all (NaN, infinities, huge values, unsorted or missing timestamps,
    /// empty, single points) draw, and the mapping is finite.
    #[test]
    fn any_series_draw_with_a_finite_mapping(
        series in prop::collection::vec(any_series(), 0..5),
        unit in prop_oneof![Just(ChartUnit::Count), Just(ChartUnit::Milliseconds), Just(ChartUnit::Percent)],
        minutes in 1.0..3000.0f64,
        dark in any::<bool>(),
        offset in -840..=840i32,
        width_px in 120..=1200u32,
        height_px in 80..=400u32,
    ) {
        let data = ChartData { title: "Any".into(), unit, range: TimeRange { start_ms: T0, end_ms: T0 + minutes * MIN }, series };
        let theme = if dark { ChartTheme::Dark } else { ChartTheme::Light };
        let rendered = render_svg(&data, &ChartLayout { width_px, height_px, theme, utc_offset_minutes: offset }).unwrap();
        let m = &rendered.mapping;
        for value in [m.plot_left_px, m.plot_top_px, m.plot_width_px, m.plot_height_px, m.start_ms, m.end_ms, m.y_min, m.y_max] {
            prop_assert!(value.is_finite(), "{:?}", m);
        }
        prop_assert!(m.y_max > m.y_min && m.plot_width_px > 0.0 && m.plot_height_px > 0.0, "{:?}", m);
        prop_assert_eq!(m.colors.len(), data.series.len());
        prop_assert!(rendered.svg.ends_with("</svg>\n"));
        to_csv(&data.series);
    }
}

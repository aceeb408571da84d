//! Writing tail lines to a file: NDJSON (one parsed line per JSON object, as
//! `ldeck logs … --json` prints them) or text (as `ldeck logs` prints them).

use std::io::Write;
use std::path::Path;

use serde::Deserialize;

use super::lines::TailLine;
use crate::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Ndjson,
    Text,
}

/// `2026-11-29T10:00:00.123Z`: always with milliseconds, so text lines align.
pub fn clock(timestamp_ms: f64) -> String {
    let ms = timestamp_ms as i64;
    let seconds = aws_smithy_types::DateTime::from_secs(ms.div_euclid(1000));
    let text = seconds.fmt(aws_smithy_types::date_time::Format::DateTime).unwrap_or_default();
    format!("{}.{:03}Z", text.trim_end_matches('Z'), ms.rem_euclid(1000))
}

/// One line as NDJSON: the parsed line with its function's name and its time as text.
pub fn json_line(line: &TailLine, function_name: &str) -> String {
    let mut json = serde_json::to_value(line).unwrap_or_default();
    json["function"] = function_name.into();
    json["time"] = clock(line.timestamp_ms).into();
    serde_json::to_string(&json).unwrap_or_default()
}

/// One line as text: time, the function's name (padded to `name_width`, left out when
/// `None`) and the message, its own line breaks indented under it.
pub fn text_line(line: &TailLine, function_name: Option<(&str, usize)>) -> String {
    let mut out = clock(line.timestamp_ms);
    out.push(' ');
    if let Some((name, width)) = function_name {
        out.push_str(&format!("{name:width$} "));
    }
    out.push_str(&line.message.replace('\n', "\n    "));
    out
}

/// Writes `lines` to `path` (created or replaced); `on_progress` gets the share written
/// (0 to 1) every few thousand lines. Returns how many lines were written.
pub fn write_lines<'a>(
    path: &Path,
    lines: impl ExactSizeIterator<Item = &'a TailLine>,
    function_names: &[String],
    format: ExportFormat,
    mut on_progress: impl FnMut(f64),
) -> Result<u32, Error> {
    let fail = |err: std::io::Error| Error::InvalidInput(format!("Cannot write {}: {err}", path.display()));
    if path.as_os_str().is_empty() || path.is_dir() {
        return Err(Error::InvalidInput(format!("\"{}\" is not a file name.", path.display())));
    }
    let file = std::fs::File::create(path).map_err(fail)?;
    let mut out = std::io::BufWriter::new(file);
    let total = lines.len().max(1);
    let width = function_names.iter().map(String::len).max().unwrap_or(0);
    let mut written = 0u32;
    for (index, line) in lines.enumerate() {
        let name = function_names.get(usize::from(line.function)).map(String::as_str).unwrap_or("?");
        let text = match format {
            ExportFormat::Ndjson => json_line(line, name),
            ExportFormat::Text => text_line(line, (function_names.len() > 1).then_some((name, width))),
        };
        out.write_all(text.as_bytes()).and_then(|()| out.write_all(b"\n")).map_err(fail)?;
        written += 1;
        if index % 5000 == 4999 {
            on_progress((index + 1) as f64 / total as f64);
        }
    }
    out.flush().map_err(fail)?;
    on_progress(1.0);
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_always_has_milliseconds() {
        assert_eq!(clock(1_795_946_400_000.0), "2026-11-29T10:00:00.000Z");
        assert_eq!(clock(1_795_946_400_042.0), "2026-11-29T10:00:00.042Z");
    }

    #[test]
    fn lines_are_written_as_ndjson_or_text_with_progress() {
        let dir = std::env::temp_dir().join(format!("ldeck-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut lines: Vec<TailLine> =
            (0..6000).map(|i| TailLine::new((i % 2) as u16, 1000, "s", &format!("m{i}"))).collect();
        lines[0] = TailLine::new(0, 1000, "s", "{\"level\":\"WARN\",\"message\":\"careful\"}");
        let names = vec!["alpha".to_string(), "be".to_string()];

        let mut progress = Vec::new();
        let path = dir.join("tail.ndjson");
        let written = write_lines(&path, lines.iter(), &names, ExportFormat::Ndjson, |p| progress.push(p)).unwrap();
        assert_eq!(written, 6000);
        assert_eq!(progress.last(), Some(&1.0));
        assert!(progress.len() >= 2, "progress during the export too: {progress:?}");
        let text = std::fs::read_to_string(&path).unwrap();
        let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!((first["function"].as_str(), first["level"].as_str()), (Some("alpha"), Some("warn")));
        assert_eq!(text.lines().count(), 6000);

        let path = dir.join("tail.txt");
        write_lines(&path, lines[1..3].iter(), &names, ExportFormat::Text, |_| {}).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "1970-01-01T00:00:01.000Z be    m1\n1970-01-01T00:00:01.000Z alpha m2\n"
        );
        assert!(write_lines(&dir, lines.iter(), &names, ExportFormat::Text, |_| {}).is_err(), "a directory is refused");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! Environment variables pasted as `KEY=VALUE` lines or imported from a `.env` file.
//!
//! The dotenv subset most tools write: blank lines and `#` comments, an optional
//! `export ` prefix, values bare (trimmed, a ` #` starts a comment), in single quotes
//! (taken as they are) or in double quotes (with `\n`, `\t`, `\"` and `\\` escapes).

use super::types::EnvVar;
use crate::{Error, FieldError};

/// The field a paste or import error is shown at.
const FIELD: &str = "env_import";

/// The variables of `text`, in order. A line that is not `KEY=VALUE` is an error naming
/// its line number; names are checked later with the rest of the edit.
pub fn parse_env_lines(text: &str) -> Result<Vec<EnvVar>, Error> {
    let mut variables = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map(str::trim_start).unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            return Err(invalid(index, "is not NAME=value"));
        };
        let name = name.trim();
        if name.is_empty() {
            return Err(invalid(index, "has no name before ="));
        }
        let value = parse_value(value.trim_start()).ok_or_else(|| invalid(index, "has a quote that is not closed"))?;
        variables.push(EnvVar { name: name.to_string(), value });
    }
    Ok(variables)
}

fn invalid(index: usize, what: &str) -> Error {
    Error::InvalidFields(vec![FieldError::new(FIELD, format!("Line {} {what}.", index + 1))])
}

fn parse_value(value: &str) -> Option<String> {
    if let Some(rest) = value.strip_prefix('\'') {
        let end = rest.find('\'')?;
        return Some(rest[..end].to_string());
    }
    if let Some(rest) = value.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(out),
                '\\' => match chars.next()? {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    'r' => out.push('\r'),
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        return None;
    }
    let bare = match value.find(" #") {
        Some(comment) => &value[..comment],
        None => value,
    };
    Some(bare.trim_end().to_string())
}

/// `existing` with `imported` merged in: a name already there takes the imported
/// value in place, new names are appended in their order. Blank rows are dropped.
pub fn merge_env(existing: &[EnvVar], imported: &[EnvVar]) -> Vec<EnvVar> {
    let mut merged: Vec<EnvVar> =
        existing.iter().filter(|v| !(v.name.is_empty() && v.value.is_empty())).cloned().collect();
    for variable in imported {
        match merged.iter_mut().find(|v| v.name == variable.name) {
            Some(present) => present.value = variable.value.clone(),
            None => merged.push(variable.clone()),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(name: &str, value: &str) -> EnvVar {
        EnvVar { name: name.into(), value: value.into() }
    }

    #[test]
    fn dotenv_lines_with_comments_quotes_and_export_are_read() {
        let text = "# settings\n\nexport STAGE=prod\nDB_URL = postgres://db:5432/x # primary\nGREETING=\"hello\\n\\\"world\\\"\"\nRAW='a # b \\n'\nEMPTY=\n";
        assert_eq!(
            parse_env_lines(text).unwrap(),
            [
                var("STAGE", "prod"),
                var("DB_URL", "postgres://db:5432/x"),
                var("GREETING", "hello\n\"world\""),
                var("RAW", "a # b \\n"),
                var("EMPTY", ""),
            ]
        );
    }

    #[test]
    fn a_line_that_is_not_name_value_is_named_by_its_number() {
        for (text, message) in [
            ("A=1\nnot a pair\n", "Line 2 is not NAME=value."),
            ("=1", "Line 1 has no name before =."),
            ("A=\"open", "Line 1 has a quote that is not closed."),
        ] {
            let Error::InvalidFields(fields) = parse_env_lines(text).unwrap_err() else { panic!() };
            assert_eq!((fields[0].field.as_str(), fields[0].message.as_str()), (FIELD, message));
        }
    }

    #[test]
    fn merging_replaces_values_in_place_and_appends_new_names() {
        let existing = [var("A", "1"), var("", ""), var("B", "2")];
        let merged = merge_env(&existing, &[var("B", "20"), var("C", "3")]);
        assert_eq!(merged, [var("A", "1"), var("B", "20"), var("C", "3")]);
    }
}

//! CloudWatch Logs filter patterns, checked before they are sent.
//!
//! The service applies the pattern (Live Tail and FilterLogEvents take the same syntax):
//! - terms: `ERROR`, `"two words"`, `-excluded`, `?either ?or`, `%regular expression%`;
//! - JSON: `{ $.level = "ERROR" }`, `{ ($.a > 1) && ($.b IS TRUE) }`;
//! - space-delimited: `[ip, user, ..., status = 404, bytes]`.
//!
//! A pattern the service would refuse is refused here with where it goes wrong, so the
//! user sees the mistake at the field and no session is opened with it. The check is about
//! shape (quotes, brackets, selectors), not every rule of the grammar; the service still
//! has the last word and its refusal is shown at the same field.

use crate::{Error, FieldError};

/// The longest pattern CloudWatch Logs accepts.
pub const MAX_PATTERN_LENGTH: usize = 1024;

/// A filter pattern that passed the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterPattern(String);

impl FilterPattern {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks a typed pattern; an empty (or blank) pattern means "every line" (`None`).
pub fn check_filter_pattern(typed: &str) -> Result<Option<FilterPattern>, Error> {
    let pattern = typed.trim();
    if pattern.is_empty() {
        return Ok(None);
    }
    let problem = |message: String| {
        let mut message = message;
        // "the quote … is not closed." reads as a sentence at the field.
        if let Some(first) = message.get(..1) {
            message = first.to_uppercase() + &message[1..];
        }
        Error::InvalidFields(vec![FieldError::new("filter", message)])
    };
    if pattern.chars().count() > MAX_PATTERN_LENGTH {
        return Err(problem(format!("at most {MAX_PATTERN_LENGTH} characters.")));
    }
    if let Some(c) = pattern.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(problem(format!("the control character U+{:04X} cannot be sent.", c as u32)));
    }
    check_brackets(pattern).map_err(problem)?;
    if pattern.starts_with('{') {
        check_json_pattern(pattern).map_err(problem)?;
    } else if pattern.starts_with('[') {
        check_space_delimited(pattern).map_err(problem)?;
    } else if unquoted(pattern).contains(['{', '[']) {
        return Err(problem(
            "a JSON pattern is one { … } and a space-delimited pattern one [ … ], each making up the whole pattern."
                .into(),
        ));
    } else {
        check_terms(pattern).map_err(problem)?;
    }
    Ok(Some(FilterPattern(pattern.to_owned())))
}

/// Each character of a pattern, and whether it is inside a region whose characters mean
/// themselves: `"quoted text"` (with `\"` inside) or `%regular expression%`.
struct Regions {
    marked: Vec<(char, bool)>,
    /// The delimiter and position of a region left open.
    unclosed: Option<(char, usize)>,
}

fn regions(pattern: &str) -> Regions {
    let mut marked = Vec::with_capacity(pattern.len());
    let mut open: Option<(char, usize)> = None;
    let mut escaped = false;
    for (position, c) in pattern.chars().enumerate() {
        match open {
            Some((delimiter, _)) => {
                if c == delimiter && !escaped {
                    open = None;
                }
                escaped = c == '\\' && !escaped;
                marked.push((c, true));
            }
            None if c == '"' || c == '%' => {
                open = Some((c, position));
                marked.push((c, true));
            }
            None => marked.push((c, false)),
        }
    }
    Regions { marked, unclosed: open }
}

/// Quotes and regular expressions close, and brackets close in the order they opened.
fn check_brackets(pattern: &str) -> Result<(), String> {
    let Regions { marked, unclosed } = regions(pattern);
    match unclosed {
        Some(('"', start)) => return Err(format!("the quote opened at character {} is not closed.", start + 1)),
        Some((_, start)) => {
            return Err(format!(
                "the regular expression opened with '%' at character {} is not closed: it is written between two '%'.",
                start + 1
            ))
        }
        None => {}
    }
    let mut open: Vec<(char, usize)> = Vec::new();
    for (position, (c, literal)) in marked.into_iter().enumerate() {
        if literal {
            continue;
        }
        match c {
            '{' | '[' | '(' => open.push((c, position)),
            '}' | ']' | ')' => {
                let expected = match c {
                    '}' => '{',
                    ']' => '[',
                    _ => '(',
                };
                match open.pop() {
                    Some((opener, _)) if opener == expected => {}
                    Some((opener, at)) => {
                        return Err(format!(
                            "'{c}' at character {} closes the '{opener}' opened at character {}.",
                            position + 1,
                            at + 1
                        ))
                    }
                    None => return Err(format!("'{c}' at character {} closes nothing.", position + 1)),
                }
            }
            _ => {}
        }
    }
    if let Some((opener, at)) = open.pop() {
        return Err(format!("the '{opener}' at character {} is not closed.", at + 1));
    }
    Ok(())
}

/// The pattern with quoted text and regular expressions replaced by `_` (still a value).
fn unquoted(pattern: &str) -> String {
    regions(pattern).marked.into_iter().map(|(c, literal)| if literal { '_' } else { c }).collect()
}

fn check_json_pattern(pattern: &str) -> Result<(), String> {
    if !pattern.ends_with('}') {
        return Err("a JSON pattern ends with its closing '}'.".into());
    }
    let body = unquoted(&pattern[1..pattern.len() - 1]);
    if body.trim().is_empty() {
        return Err("a JSON pattern needs a condition, e.g. { $.level = \"ERROR\" }.".into());
    }
    if !body.contains('$') {
        return Err(
            "a JSON pattern names its fields with a selector starting with $, e.g. { $.level = \"ERROR\" }.".into()
        );
    }
    // Every condition compares a selector: `$.a = 1`, `$.b IS TRUE`, `$.c NOT EXISTS`.
    for condition in body.split("&&").flat_map(|part| part.split("||")) {
        let condition = condition.trim().trim_matches(|c| c == '(' || c == ')').trim();
        if condition.is_empty() {
            return Err("'&&' or '||' needs a condition on both sides.".into());
        }
        let Some(selector_at) = condition.find('$') else {
            return Err(format!("\"{condition}\" does not name a field with $."));
        };
        let rest = condition[selector_at..]
            .trim_start_matches(|c: char| c != ' ' && c != '=' && c != '!' && c != '<' && c != '>');
        let rest = rest.trim();
        let upper = rest.to_ascii_uppercase();
        let compares = ["=", "!=", "<", ">", "<=", ">="].iter().any(|op| rest.starts_with(op));
        let tests = ["IS TRUE", "IS FALSE", "IS NULL", "NOT EXISTS"].iter().any(|test| upper == *test);
        if !(compares || tests) {
            return Err(format!(
                "\"{condition}\" needs a comparison (=, !=, <, >, <=, >=) or IS TRUE, IS FALSE, IS NULL, NOT EXISTS."
            ));
        }
        if compares {
            let value = rest.trim_start_matches(['=', '!', '<', '>']).trim();
            if value.is_empty() {
                return Err(format!("\"{condition}\" compares with nothing."));
            }
        }
    }
    Ok(())
}

fn check_space_delimited(pattern: &str) -> Result<(), String> {
    if !pattern.ends_with(']') {
        return Err("a space-delimited pattern ends with its closing ']'.".into());
    }
    let body = unquoted(&pattern[1..pattern.len() - 1]);
    if body.trim().is_empty() {
        return Err("a space-delimited pattern names its fields, e.g. [ip, user, status = 404].".into());
    }
    if body.split(',').any(|field| field.trim().is_empty()) {
        return Err("a field between commas is missing.".into());
    }
    Ok(())
}

fn check_terms(pattern: &str) -> Result<(), String> {
    let outside = unquoted(pattern);
    for word in outside.split_whitespace() {
        if word == "-" || word == "?" {
            return Err(format!("'{word}' must be followed by a term, e.g. {word}DEBUG."));
        }
        if word.contains("&&") || word.contains("||") {
            return Err("&& and || combine conditions of a JSON pattern only; use ?term for either term.".into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(pattern: &str) -> String {
        match check_filter_pattern(pattern) {
            Err(Error::InvalidFields(fields)) if fields[0].field == "filter" => fields[0].message.clone(),
            other => panic!("{pattern:?} was not refused: {other:?}"),
        }
    }

    #[test]
    fn the_documented_forms_pass() {
        for pattern in [
            "ERROR",
            "ERROR -healthcheck",
            "?ERROR ?WARN",
            "\"request failed\"",
            "%timeout after [0-9]+ ms%",
            "ERROR %user-[a-z]{3}%",
            "{ $.message = %fail(ed)?% }",
            r#""a \" quote [inside""#,
            "{ $.level = \"ERROR\" }",
            "{ ($.duration > 100) && ($.user.id = \"a{b\") }",
            "{ $.cold_start IS TRUE }",
            "{ $.errorType NOT EXISTS }",
            "{ $.items[0] != 3 || $.status >= 500 }",
            "[ip, user, ..., status = 404, bytes]",
        ] {
            assert!(
                check_filter_pattern(pattern).is_ok(),
                "{pattern} was refused: {:?}",
                check_filter_pattern(pattern)
            );
        }
    }

    #[test]
    fn a_blank_pattern_means_every_line() {
        assert_eq!(check_filter_pattern("  ").unwrap(), None);
        assert_eq!(check_filter_pattern(" ERROR ").unwrap().unwrap().as_str(), "ERROR");
    }

    #[test]
    fn mistakes_are_refused_with_where_they_are() {
        assert!(refused("{ $.level = \"ERROR\"").contains("'{' at character 1 is not closed"));
        assert!(refused("\"unclosed").contains("quote opened at character 1"));
        assert!(refused("{ $.a = 1 ]").contains("closes the '{'"));
        assert!(refused("{ level = 1 }").contains("selector starting with $"));
        assert!(refused("{ $.level }").contains("needs a comparison"));
        assert!(refused("{ $.level = }").contains("compares with nothing"));
        assert!(refused("{ $.a = 1 && }").contains("both sides"));
        assert!(refused("[ip, , status]").contains("field between commas"));
        assert!(refused("%unclosed").contains("between two '%'"));
        assert!(refused("ERROR -").contains("followed by a term"));
        assert!(refused("ERROR && WARN").contains("JSON pattern only"));
        assert!(refused("ERROR { $.a = 1 }").contains("whole pattern"));
        assert!(refused(&"x".repeat(MAX_PATTERN_LENGTH + 1)).contains("t most 1024"));
        assert!(refused("a\u{7}b").contains("U+0007"));
    }
}

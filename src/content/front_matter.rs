//! Splitting a file into its YAML front-matter and Markdown body, and
//! parsing the YAML. serde_yaml is used only here, so a maintained drop-in
//! can replace it in one place.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{did_you_mean, Error};

/// A file cut in two. Line numbers count from the top of the file, so an
/// error inside the front-matter or the body can point at the line the
/// editor sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// File line of the first YAML line (the line after the opening `---`).
    pub yaml_line: usize,
    pub body: &'a str,
    /// File line on which the body starts.
    pub body_line: usize,
}

/// Cut `source` at its `---` fences. A UTF-8 byte-order mark and CRLF line
/// endings are accepted, as editors on every platform write them.
pub fn split<'a>(source: &'a str, path: &Path) -> Result<Split<'a>, Error> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    if source.trim().is_empty() {
        return Err(Error::at(path, "the file is empty: a briefing starts with a '---' line, its front-matter, and a closing '---' line").on_line(1));
    }
    let first_end = source.find('\n').map_or(source.len(), |i| i + 1);
    if source[..first_end].trim_end() != "---" {
        return Err(Error::at(
            path,
            "no front-matter: the file must start with a '---' line, then YAML such as 'title: …', then a closing '---' line",
        )
        .on_line(1));
    }
    let mut offset = first_end;
    let mut line = 2;
    while offset < source.len() {
        let end = source[offset..]
            .find('\n')
            .map_or(source.len(), |i| offset + i + 1);
        if source[offset..end].trim_end() == "---" {
            return Ok(Split {
                yaml: &source[first_end..offset],
                yaml_line: 2,
                body: &source[end..],
                body_line: line + 1,
            });
        }
        offset = end;
        line += 1;
    }
    Err(Error::at(
        path,
        "the front-matter opened on line 1 is never closed: add a '---' line after the last key",
    )
    .on_line(1))
}

/// Where a top-level key's value starts: (file line, column), 1-based. Used
/// to place errors found after parsing, such as a date that is not one.
pub fn key_positions(split: &Split<'_>) -> Vec<(String, usize, usize)> {
    top_level_keys(split.yaml, split.yaml_line)
}

/// Top-level keys of a YAML text whose first line is file line `first_line`.
pub fn top_level_keys(yaml: &str, first_line: usize) -> Vec<(String, usize, usize)> {
    let mut keys = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        let starts_key = line
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_');
        if !starts_key {
            continue;
        }
        if let Some((key, rest)) = line.split_once(':') {
            if key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            {
                let value_at = key.len() + 1 + (rest.len() - rest.trim_start().len());
                keys.push((
                    key.to_string(),
                    first_line + i,
                    line[..value_at].chars().count() + 1,
                ));
            }
        }
    }
    keys
}

/// Parse front-matter YAML into `T`, turning serde_yaml's messages into ones
/// that name the file line and, for an unknown key, the closest known key.
pub fn parse<T: DeserializeOwned>(split: &Split<'_>, path: &Path) -> Result<T, Error> {
    no_byte_order_mark(split.yaml, split.yaml_line, path)?;
    // An empty block is an empty mapping, not YAML's null.
    let yaml = if split.yaml.trim().is_empty() {
        "{}"
    } else {
        split.yaml
    };
    serde_yaml::from_str(yaml).map_err(|e| yaml_error(&e, path, split.yaml_line, split.yaml))
}

/// Parse a whole YAML file (the site config).
pub fn parse_file<T: DeserializeOwned>(yaml: &str, path: &Path) -> Result<T, Error> {
    let yaml = yaml.strip_prefix('\u{feff}').unwrap_or(yaml);
    no_byte_order_mark(yaml, 1, path)?;
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml::from_str(yaml).map_err(|e| yaml_error(&e, path, 1, yaml))
}

/// A byte-order mark is invisible, and one pasted into the middle of YAML
/// (only the file's very start may hold one) breaks the line it is on with
/// a message that does not say why.
fn no_byte_order_mark(yaml: &str, first_line: usize, path: &Path) -> Result<(), Error> {
    match yaml.find('\u{feff}') {
        None => Ok(()),
        Some(offset) => {
            let (line, column) = crate::content::markdown::line_and_column(yaml, offset);
            Err(Error::at(
                path,
                "U+FEFF (a byte-order mark) inside the front-matter: remove it (editors show nothing there; only the very start of a file may hold one)",
            )
            .on_line(first_line + line - 1)
            .on_column(column))
        }
    }
}

fn yaml_error(e: &serde_yaml::Error, path: &Path, first_line: usize, yaml: &str) -> Error {
    let raw = e.to_string();
    // serde_yaml appends " at line L column C"; we print the place ourselves.
    let text = match raw.find(" at line ") {
        Some(i) => &raw[..i],
        None => raw.as_str(),
    };
    let message = friendly(text);
    let mut error = Error::at(path, message);
    // Our own checks inside a value (`model::names`) name the key first, as
    // serde_yaml places them at the top of the mapping, not at the key.
    let named = text
        .strip_prefix('\'')
        .and_then(|rest| rest.split_once('\''))
        .and_then(|(key, _)| {
            top_level_keys(yaml, first_line)
                .into_iter()
                .find(|(k, _, _)| k == key)
        });
    if let Some((_, line, column)) = named {
        error = error.on_line(line).on_column(column);
    } else if let Some(loc) = e.location() {
        error = error
            .on_line(first_line + loc.line() - 1)
            .on_column(loc.column());
    } else if let Some(i) = first_alias_line(yaml) {
        // serde_yaml gives no place for an expansion that ran away: point
        // at the first alias, where the expanding starts.
        error = error.on_line(first_line + i);
    }
    error
}

/// Index of the first line using a YAML alias (`*name`).
fn first_alias_line(yaml: &str) -> Option<usize> {
    yaml.lines().position(|line| {
        line.char_indices().any(|(i, c)| {
            c == '*'
                && line[..i]
                    .chars()
                    .next_back()
                    .is_none_or(|p| p == ' ' || p == '[' || p == ',' || p == '-')
                && line[i + 1..]
                    .chars()
                    .next()
                    .is_some_and(|n| n.is_alphanumeric() || n == '_')
        })
    })
}

fn friendly(text: &str) -> String {
    // serde_yaml names the enclosing key of a nested error: "feeds: unknown field …".
    if let Some((parent, rest)) = text.split_once(": ") {
        if !parent.contains(' ')
            && (rest.starts_with("unknown field `") || rest.starts_with("invalid type"))
        {
            return format!("{} (in '{parent}')", friendly(rest));
        }
    }
    if let Some(rest) = text.strip_prefix("unknown field `") {
        let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let known: Vec<&str> = expected
            .split('`')
            .enumerate()
            .filter(|(i, _)| i % 2 == 1)
            .map(|(_, s)| s)
            .collect();
        let mut message = format!("unknown key '{key}'");
        match did_you_mean(key, known.iter().copied()) {
            Some(hint) => message.push_str(&format!(" (did you mean '{hint}'?)")),
            None if !known.is_empty() => {
                message.push_str(&format!("; known keys: {}", known.join(", ")))
            }
            None => {}
        }
        return message;
    }
    if let Some(rest) = text.strip_prefix("duplicate field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return format!("the key '{key}' is given twice");
    }
    if text.contains("recursion limit exceeded") || text.contains("repetition limit exceeded") {
        return "the YAML expands too far (too many aliases or too deep); write the values out"
            .to_string();
    }
    if text.starts_with("mapping values are not allowed in this context") {
        return format!(
            "{text}: a value containing ': ' must be in quotes, for example summary: \"Talks: a gas deal\""
        );
    }
    text.replacen("invalid type: ", "wrong type: ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_counts_lines() {
        let s = split(
            "---\ntitle: A\ndate: 2025-01-01\n---\nBody\n",
            Path::new("a.md"),
        )
        .unwrap();
        assert_eq!(s.yaml, "title: A\ndate: 2025-01-01\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn accepts_bom_and_crlf() {
        let s = split("\u{feff}---\r\ntitle: A\r\n---\r\nBody", Path::new("a.md")).unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split("---\ntitle: A\n", Path::new("a.md")).unwrap_err();
        assert!(e.message.contains("never closed"), "{e}");
    }

    #[test]
    fn missing_front_matter_is_an_error_on_line_one() {
        let e = split("# Just markdown\n", Path::new("a.md")).unwrap_err();
        assert_eq!(e.line, Some(1));
        assert!(e.message.starts_with("no front-matter"));
    }
}

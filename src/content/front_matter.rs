//! Splitting a file into its YAML front-matter and Markdown body, and
//! parsing the YAML. serde_yaml is used only here, so a maintained drop-in
//! can replace it in one place.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::yaml;

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
    yaml::top_level_keys(split.yaml, split.yaml_line)
}

/// Parse front-matter YAML into `T`, with errors at the file's lines.
pub fn parse<T: DeserializeOwned>(split: &Split<'_>, path: &Path) -> Result<T, Error> {
    yaml::parse_at(split.yaml, split.yaml_line, path)
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

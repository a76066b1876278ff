//! YAML, read through serde_yaml behind these few functions (it is
//! unmaintained upstream: a drop-in replacement changes only this file),
//! with errors that name the file line and column.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{did_you_mean, Error};

/// Top-level keys of a YAML text whose first line is file line `first_line`.
pub fn top_level_keys(yaml: &str, first_line: usize) -> Vec<(String, usize, usize)> {
    let mut keys = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        if let Some((key, value_at)) = top_level_key(line) {
            keys.push((
                key.to_string(),
                first_line + i,
                line[..value_at].chars().count() + 1,
            ));
        }
    }
    keys
}

/// The key a line of a mapping's top level gives, bare or in quotes
/// (`"date": …`), and the byte its value starts at.
fn top_level_key(line: &str) -> Option<(&str, usize)> {
    let name = |key: &str| {
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    let (key, after) = match line.chars().next()? {
        quote @ ('"' | '\'') => {
            let inner = &line[1..];
            let end = inner.find(quote)?;
            let after = inner[end + 1..].trim_start_matches(' ');
            (&inner[..end], after.strip_prefix(':')?)
        }
        c if c.is_alphabetic() || c == '_' => {
            let (key, rest) = line.split_once(':')?;
            (key, rest)
        }
        _ => return None,
    };
    if !name(key) {
        return None;
    }
    let value_at = line.len() - after.len() + (after.len() - after.trim_start().len());
    Some((key, value_at))
}

/// Parse YAML whose first line is file line `first_line` into `T`,
/// turning serde_yaml's messages into ones that name the file line and,
/// for an unknown key, the closest known key.
pub fn parse_at<T: DeserializeOwned>(
    yaml: &str,
    first_line: usize,
    path: &Path,
) -> Result<T, Error> {
    no_byte_order_mark(yaml, first_line, path)?;
    not_too_deep(yaml, first_line, path)?;
    // An empty block is an empty mapping, not YAML's null.
    let text = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml::from_str(text).map_err(|e| yaml_error(&e, path, first_line, yaml))
}

/// Where the first string value under top-level `key` for which `wanted`
/// holds is written: its file line and column. serde_yaml's values keep no
/// places, but an error raised inside a scalar is placed at that scalar: a
/// walk that fails at the wanted string finds it. Run only on the error
/// path, so the parse is not paid twice on a good file.
pub fn place_of_string(
    yaml: &str,
    first_line: usize,
    key: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Option<(usize, usize)> {
    use serde::de::DeserializeSeed;
    let error = Under { key, wanted }
        .deserialize(serde_yaml::Deserializer::from_str(yaml))
        .err()?;
    let place = error.location()?;
    (error.to_string().contains(FOUND)).then(|| (first_line + place.line() - 1, place.column()))
}

/// The error a `Find` raises at the string it looks for.
const FOUND: &str = "found the string looked for";

/// The top-level mapping, walked down `key` only.
struct Under<'a> {
    key: &'a str,
    wanted: &'a dyn Fn(&str) -> bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for Under<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Under<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a mapping")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == self.key {
                map.next_value_seed(Find(self.wanted))?;
            } else {
                map.next_value::<serde::de::IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// Any YAML value, failing at the first string value `.0` wants (mapping
/// keys are not looked at).
#[derive(Clone, Copy)]
struct Find<'a>(&'a dyn Fn(&str) -> bool);

impl<'de> serde::de::DeserializeSeed<'de> for Find<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Find<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any value")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        if (self.0)(v) {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_i128<E>(self, _: i128) -> Result<(), E> {
        Ok(())
    }
    fn visit_u128<E>(self, _: u128) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_key::<serde::de::IgnoredAny>()?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
    }
    // A tagged value (`!tag text`) reaches a visitor as an enum.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
        use serde::de::VariantAccess;
        let (_, variant) = data.variant::<serde::de::IgnoredAny>()?;
        variant.newtype_variant_seed(self)
    }
}

/// Parse a whole YAML file (the site config).
pub fn parse_file<T: DeserializeOwned>(yaml: &str, path: &Path) -> Result<T, Error> {
    let yaml = yaml.strip_prefix('\u{feff}').unwrap_or(yaml);
    no_byte_order_mark(yaml, 1, path)?;
    not_too_deep(yaml, 1, path)?;
    let yaml = if yaml.trim().is_empty() { "{}" } else { yaml };
    serde_yaml::from_str(yaml).map_err(|e| yaml_error(&e, path, 1, yaml))
}

/// How deep `[` and `{` may nest: serde_yaml refuses 128 anyway, but only
/// after libyaml's scanner has read the brackets, in time that grows with
/// the square of their number (300,000 took over a minute), and with a
/// message about aliases.
const MAX_FLOW_DEPTH: usize = 100;

/// How many `[` and `{` a YAML text may hold at all. The nesting counted
/// below can be fooled (a `]` in quotes closes nothing for libyaml), but
/// no nesting goes deeper than the openers there are: this bounds the
/// scanner's time whatever the quoting (a check of a file of 9,999 took 0.22 s).
const MAX_FLOW_OPENERS: usize = 10_000;

/// Refuse brackets nested past `MAX_FLOW_DEPTH` before the parser reads
/// them, or more of them than `MAX_FLOW_OPENERS`. Counted in the raw text,
/// quotes and comments included: only a bracket bomb, never real
/// front-matter, opens so many without closing, or so many at all.
fn not_too_deep(yaml: &str, first_line: usize, path: &Path) -> Result<(), Error> {
    let place = |offset: usize, message: String| {
        let (line, column) = crate::markdown::line_and_column(yaml, offset);
        Error::at(path, message)
            .on_line(first_line + line - 1)
            .on_column(column)
    };
    let (mut depth, mut openers) = (0usize, 0usize);
    for (offset, byte) in yaml.bytes().enumerate() {
        match byte {
            b'[' | b'{' => {
                depth += 1;
                openers += 1;
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => continue,
        }
        if openers > MAX_FLOW_OPENERS {
            return Err(place(offset, format!("more than {MAX_FLOW_OPENERS} '[' or '{{' in all: write the values out in block style")));
        }
        if depth > MAX_FLOW_DEPTH {
            return Err(place(offset, format!("more than {MAX_FLOW_DEPTH} '[' or '{{' open at once: the YAML nests too deep; write the values out")));
        }
    }
    Ok(())
}

/// A byte-order mark is invisible, and one pasted into the middle of YAML
/// (only the file's very start may hold one) breaks the line it is on with
/// a message that does not say why.
fn no_byte_order_mark(yaml: &str, first_line: usize, path: &Path) -> Result<(), Error> {
    match yaml.find('\u{feff}') {
        None => Ok(()),
        Some(offset) => {
            let (line, column) = crate::markdown::line_and_column(yaml, offset);
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
    let message = all_unknown(text, yaml, first_line).unwrap_or_else(|| friendly(text));
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
    } else if let Some(line) = repeated_key(text, yaml, first_line) {
        // serde_yaml places it at the mapping's start; the editor needs
        // the second one, which is the one to remove.
        error = error.on_line(line).on_column(1);
    } else if let Some((line, column)) = raw
        .starts_with("found unexpected end of stream")
        .then(|| context_place(&raw, ", while scanning a quoted scalar"))
        .flatten()
    {
        // libyaml reads a quote left open to the end of the front-matter.
        error.message = format!(
            "this quote is never closed: add the closing quote where the text ends ({text})"
        );
        error = error.on_line(first_line + line - 1).on_column(column);
    } else if let Some((line, column, open, close)) = unclosed(&raw) {
        // libyaml notices a missing ']' only where the next key is read,
        // lines later; the editor needs the line where the list opened.
        error.message =
            format!("this '{open}' is never closed: add '{close}' after its last item ({text})");
        error = error.on_line(first_line + line - 1).on_column(column);
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

/// Where a `[` or `{` that is never closed opened, from libyaml's context:
/// "did not find expected ',' or ']' at line 5 column 1, while parsing a
/// flow sequence at line 3 column 9". Line and column count from the YAML
/// text's first line, from 1.
fn unclosed(raw: &str) -> Option<(usize, usize, char, char)> {
    let (open, close) = if raw.starts_with("did not find expected ',' or ']'") {
        ('[', ']')
    } else if raw.starts_with("did not find expected ',' or '}'") {
        ('{', '}')
    } else {
        return None;
    };
    let (line, column) = context_place(raw, ", while parsing a flow ")?;
    Some((line, column, open, close))
}

/// The place libyaml gives for the context of its error (`…, while
/// parsing a flow sequence at line 3 column 9`), when it is `context`.
fn context_place(raw: &str, context: &str) -> Option<(usize, usize)> {
    let (_, rest) = raw.split_once(context)?;
    let (_, place) = rest.split_once(" at line ")?;
    let (line, column) = place.split_once(" column ")?;
    let line = line.trim().parse().ok().filter(|&l| l > 0)?;
    let column = column
        .trim()
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()?;
    Some((line, column))
}

/// The line of the second top-level `key:` a "duplicate field" error
/// names, if the key is a top-level one.
fn repeated_key(text: &str, yaml: &str, first_line: usize) -> Option<usize> {
    let key = text.strip_prefix("duplicate field `")?.split('`').next()?;
    let keys = top_level_keys(yaml, first_line);
    let mut same = keys.iter().filter(|(k, _, _)| k == key);
    same.nth(1).map(|(_, line, _)| *line)
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

/// Every unknown key of a mapping's top level in one message, when serde
/// stopped at the first of several ("unknown field `x`, expected one of
/// …" names the keys known there): a file's misspellings are told at once.
fn all_unknown(text: &str, yaml: &str, first_line: usize) -> Option<String> {
    let (key, known) = unknown_field(text)?;
    let keys = top_level_keys(yaml, first_line);
    let unknown: Vec<&(String, usize, usize)> = keys
        .iter()
        .filter(|(k, _, _)| !known.contains(&k.as_str()))
        .collect();
    if unknown.len() < 2 || !unknown.iter().any(|(k, _, _)| k == key) {
        return None;
    }
    let told: Vec<String> = unknown
        .iter()
        .map(
            |(k, line, _)| match did_you_mean(k, known.iter().copied()) {
                Some(hint) => format!("'{k}' (line {line}; did you mean '{hint}'?)"),
                None => format!("'{k}' (line {line})"),
            },
        )
        .collect();
    Some(format!("unknown keys {}", told.join(", ")))
}

/// The key serde's "unknown field `x`, expected one of `a`, `b`" names,
/// and the keys it says are known there.
fn unknown_field(text: &str) -> Option<(&str, Vec<&str>)> {
    let rest = text.strip_prefix("unknown field `")?;
    let (key, expected) = rest.split_once('`').unwrap_or((rest, ""));
    Some((key, expected.split('`').skip(1).step_by(2).collect()))
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
    if let Some((key, known)) = unknown_field(text) {
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
    // Rust's names for numbers mean nothing to an editor.
    let mut text = text.replacen("invalid type: ", "wrong type: ", 1);
    for rust in ["usize", "u64", "u32", "u16", "u8"] {
        text = text.replace(
            &format!("expected {rust}"),
            "expected a whole number, 0 or more",
        );
    }
    text
}

#[cfg(test)]
mod tests {
    use super::place_of_string;

    #[test]
    fn a_quote_left_open_is_placed_where_it_opens() {
        let path = std::path::Path::new("x.md");
        for (yaml, place) in [
            ("title: \"unclosed\ndate: 2025-09-01\n", (2, 8)),
            ("title: T\nsummary: 'open\n", (3, 10)),
        ] {
            let e = super::parse_at::<serde_yaml::Value>(yaml, 2, path).unwrap_err();
            assert_eq!((e.line, e.column), (Some(place.0), Some(place.1)), "{yaml}");
            assert!(
                e.message.starts_with("this quote is never closed"),
                "{}",
                e.message
            );
        }
    }

    #[test]
    fn keys_are_found_bare_or_quoted() {
        let keys = super::top_level_keys(
            "title: T\n\"date\": 2025-13-01\n'x-y' : 1\n  nested: 2\n\"a b\": 3\n",
            1,
        );
        let found: Vec<(&str, usize, usize)> =
            keys.iter().map(|(k, l, c)| (k.as_str(), *l, *c)).collect();
        assert_eq!(found, [("title", 1, 8), ("date", 2, 9), ("x-y", 3, 9)]);
    }

    #[test]
    fn brackets_nested_past_the_limit_are_refused_before_parsing() {
        let path = std::path::Path::new("x.md");
        let deep = |n: usize| format!("title: T\nextra: {}{}\n", "[".repeat(n), "]".repeat(n));
        assert!(super::parse_at::<serde_yaml::Value>(&deep(100), 2, path).is_ok());
        let e = super::parse_at::<serde_yaml::Value>(&deep(300_000), 2, path).unwrap_err();
        assert_eq!(
            (e.line, e.column),
            (Some(3), Some(8 + super::MAX_FLOW_DEPTH))
        );
        assert!(e.message.contains("nests too deep"), "{}", e.message);
        // Many brackets, each closed, are no nesting.
        let flat = format!("title: T\nextra: [{}]\n", "[1], ".repeat(5_000));
        assert!(super::parse_at::<serde_yaml::Value>(&flat, 2, path).is_ok());
        // A ']' in quotes closes nothing for libyaml: the nesting counted
        // here is fooled, the number of openers is not.
        let quoted = format!("title: T\nextra: {{x: {}\n", "\"[']', ".repeat(40_000));
        let e = super::parse_at::<serde_yaml::Value>(&quoted, 2, path).unwrap_err();
        assert!(
            e.message.contains("more than 10000 '[' or '{' in all"),
            "{}",
            e.message
        );
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn a_string_is_found_where_it_is_written() {
        let bad = |s: &str| s.starts_with("bad");
        let yaml = "title: bad title\nextra:\n  a: good\n  list: [1, {x: \"bad\\tone\"}]\n  tagged: !t bad\n";
        assert_eq!(place_of_string(yaml, 3, "extra", &bad), Some((6, 17)));
        let yaml = "extra:\n  n: 3\n  deep:\n    - ok\n    - 'bad'\n";
        assert_eq!(place_of_string(yaml, 1, "extra", &bad), Some((5, 7)));
        let yaml = "extra:\n  t: !custom bad\n";
        assert_eq!(place_of_string(yaml, 1, "extra", &bad), Some((2, 6)));
        // Not under the key, or not there at all.
        assert_eq!(place_of_string("title: bad\n", 1, "extra", &bad), None);
        assert_eq!(place_of_string("extra: {bad: 1}\n", 1, "extra", &bad), None);
    }
}

//! What a content file may hold beyond what its types say, checked as it
//! loads so that every output (pages, feeds, sitemaps, the preview) is
//! protected at once:
//!
//! - no character XML 1.0 cannot carry, anywhere in the file or in what
//!   its YAML escapes (`"\x01"`) spell: one in a feed makes it unreadable;
//! - front-matter URLs are http(s), mailto or relative (`safe_url`), and
//!   so is any text under `extra` that reads as a URL with a scheme (a
//!   theme may put it in an `href`);
//! - a briefing lists at most so many topics and people, and a table is at
//!   most so many columns wide: each topic and person gets pages and feeds
//!   listing its briefings, so their number multiplies the output, and a
//!   wide table's rows are padded to its width.

use std::collections::BTreeMap;
use std::path::Path;

use super::front_matter::Split;
use super::model::{
    EditionMatter, FrontMatter, PageMatter, PersonProfile, StoryProfile, TopicProfile,
};
use super::safe_url::{self, describe};
use super::Loaded;
use crate::config::Limits;
use crate::error::Error;
use crate::markdown::{self, line_and_column};

/// The first character XML 1.0 forbids, with its byte offset: C0 controls
/// other than tab, line feed and carriage return, and U+FFFE and U+FFFF.
/// (Lone surrogates cannot occur in a Rust string.)
pub fn forbidden_in_xml(text: &str) -> Option<(usize, char)> {
    // Bytes, not chars: this runs over every file of the site. In UTF-8,
    // EF BF BE and EF BF BF are exactly U+FFFE and U+FFFF.
    let bytes = text.as_bytes();
    let at = |i: usize| match bytes[i] {
        b'\t' | b'\n' | b'\r' => None,
        b @ 0..=0x1f => Some((i, char::from(b))),
        0xef if bytes.get(i + 1) == Some(&0xbf) => match bytes.get(i + 2) {
            Some(0xbe) => Some((i, '\u{fffe}')),
            Some(0xbf) => Some((i, '\u{ffff}')),
            _ => None,
        },
        _ => None,
    };
    // Eight bytes at a time: a word with no byte under 0x20 and no 0xEF
    // holds nothing to look at (most words of most files).
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let maybe = |w: u64| {
        let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        let x = w ^ (ONES * 0xef);
        let is_ef = x.wrapping_sub(ONES) & !x & HIGHS;
        below_space | is_ef != 0
    };
    let mut i = 0;
    while i + 8 <= bytes.len() {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        if maybe(u64::from_le_bytes(word)) {
            if let Some(found) = (i..i + 8).find_map(at) {
                return Some(found);
            }
        }
        i += 8;
    }
    (i..bytes.len()).find_map(at)
}

/// The message for such a character, `where` being "in a briefing" or
/// "in 'title' in a briefing".
pub fn forbidden_message(c: char, place: &str) -> String {
    format!("{} is not allowed {place}; remove it", describe(c))
}

/// Refuse a file holding a character XML cannot carry, at its line and
/// column (counted after a leading byte-order mark, as editors count).
pub fn check_characters(text: &str, path: &Path, what: &str) -> Result<(), Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match forbidden_in_xml(text) {
        None => Ok(()),
        Some((offset, c)) => {
            let (line, column) = line_and_column(text, offset);
            Err(Error::at(path, forbidden_message(c, &format!("in {what}")))
                .on_line(line)
                .on_column(column))
        }
    }
}

/// The texts and URLs a kind of front-matter holds, by top-level key.
pub trait FrontMatterText {
    fn texts(&self) -> Vec<(&'static str, &str)>;
    fn urls(&self) -> Vec<(&'static str, &str)> {
        Vec::new()
    }
    /// The free-form `extra` mapping, if the kind has one.
    fn extra(&self) -> Option<&Extra> {
        None
    }
}

pub type Extra = BTreeMap<String, serde_yaml::Value>;

/// Check what a file's front-matter says: its texts (as YAML decoded them)
/// carry no character XML forbids and keep to their lengths, and its URLs
/// are safe ones.
pub fn check_front_matter<M: FrontMatterText>(
    loaded: &Loaded<M>,
    split: &Split<'_>,
    what: &str,
    limits: &Limits,
) -> Result<(), Error> {
    for (key, text) in loaded.meta.texts() {
        if let Some((_, c)) = forbidden_in_xml(text) {
            return Err(
                loaded.error_at(key, forbidden_message(c, &format!("in '{key}' in {what}")))
            );
        }
        if let Some(message) = too_long(key, text, limits) {
            return Err(loaded.error_at(key, message));
        }
    }
    let mut nth_url = BTreeMap::new();
    for (key, url) in loaded.meta.urls() {
        let nth = nth_url.entry(key).or_insert(0usize);
        *nth += 1;
        if let Err(message) = safe_url::check(url) {
            return Err(match url_position(loaded, split, key, *nth) {
                Some((line, column)) => Error::at(&loaded.path, message)
                    .on_line(line)
                    .on_column(column),
                None => loaded.error_at(key, message),
            });
        }
    }
    check_extra(loaded.meta.extra(), split, &loaded.path)
}

/// Texts under `extra` (as parsed from `split`) that read as URLs are safe
/// ones, as `safe_url` says; the error is placed at the value.
pub fn check_extra(extra: Option<&Extra>, split: &Split<'_>, path: &Path) -> Result<(), Error> {
    let mut values = Vec::new();
    for value in extra.into_iter().flat_map(|e| e.values()) {
        string_values(value, &mut values);
    }
    let Some(message) = values
        .into_iter()
        .find_map(|text| safe_url::check_free_text(text).err())
    else {
        return Ok(());
    };
    let wanted = |text: &str| safe_url::check_free_text(text).is_err();
    Err(
        match crate::yaml::place_of_string(split.yaml, split.yaml_line, "extra", &wanted) {
            Some((line, column)) => Error::at(path, message).on_line(line).on_column(column),
            None => {
                let keys = super::front_matter::key_positions(split);
                let line = keys
                    .iter()
                    .find(|(k, _, _)| k == "extra")
                    .map_or(1, |k| k.1);
                Error::at(path, message).on_line(line)
            }
        },
    )
}

/// Every string value in a YAML value, not the keys of its mappings.
fn string_values<'a>(value: &'a serde_yaml::Value, out: &mut Vec<&'a str>) {
    use serde_yaml::Value;
    match value {
        Value::String(s) => out.push(s),
        Value::Sequence(items) => items.iter().for_each(|v| string_values(v, out)),
        Value::Mapping(map) => map.values().for_each(|v| string_values(v, out)),
        Value::Tagged(tagged) => string_values(&tagged.value, out),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Where the `nth` URL under `key` is written: the value of the nth `url:`
/// after the key's line (`sources` lists them), or the key's own value.
fn url_position<M>(
    loaded: &Loaded<M>,
    split: &Split<'_>,
    key: &str,
    nth: usize,
) -> Option<(usize, usize)> {
    let (_, key_line, _) = loaded.keys.iter().find(|(k, _, _)| k == key)?;
    if key != "sources" {
        return None;
    }
    let mut seen = 0;
    for (i, line) in split.yaml.lines().enumerate() {
        let file_line = split.yaml_line + i;
        if file_line < *key_line {
            continue;
        }
        for (at, _) in line.match_indices("url:") {
            let starts_word = line[..at]
                .chars()
                .next_back()
                .is_none_or(|c| matches!(c, ' ' | '{' | ',' | '-'));
            if !starts_word {
                continue;
            }
            seen += 1;
            if seen == nth {
                let rest = &line[at + 4..];
                let value = at + 4 + (rest.len() - rest.trim_start().len());
                return Some((file_line, line[..value].chars().count() + 1));
            }
        }
    }
    None
}

/// A briefing's own limits: how many topics and people it lists.
pub fn check_briefing(loaded: &Loaded<FrontMatter>, limits: &Limits) -> Result<(), Error> {
    // A shared link shows the picture to everyone; the words are what a
    // reader who cannot see it gets instead.
    let alt = loaded.meta.image_alt.as_deref().map(str::trim);
    match (&loaded.meta.image, alt) {
        (Some(_), None | Some("")) => {
            return Err(loaded.error_at(
                "image",
                "'image' needs 'image_alt': say in words what the picture shows",
            ))
        }
        (None, Some(_)) => {
            return Err(loaded.error_at(
                "image_alt",
                "'image_alt' without 'image': add the picture, or remove the key",
            ))
        }
        _ => {}
    }
    for (key, names, limit, setting) in [
        (
            "topics",
            &loaded.meta.topics,
            limits.topics_per_briefing,
            "topics_per_briefing",
        ),
        (
            "people",
            &loaded.meta.people,
            limits.people_per_briefing,
            "people_per_briefing",
        ),
        (
            "story",
            &loaded.meta.story,
            limits.stories_per_briefing,
            "stories_per_briefing",
        ),
    ] {
        let count = names.as_ref().map_or(0, Vec::len);
        if count > limit {
            return Err(loaded.error_at(
                key,
                format!(
                    "'{key}' lists {count} names; a briefing may list at most {limit} (limits: {{{setting}: …}} in briefing.yaml)"
                ),
            ));
        }
    }
    Ok(())
}

/// Why `text`, written under `key`, is too long, if it is: titles,
/// summaries and names are at most `limits.title_chars`,
/// `limits.summary_chars` and `limits.name_chars` long, as other pages
/// copy them, some into every page that lists a briefing.
fn too_long(key: &str, text: &str, limits: &Limits) -> Option<String> {
    let (limit, setting) = match key {
        "title" => (limits.title_chars, "title_chars"),
        "summary" | "description" | "role" => (limits.summary_chars, "summary_chars"),
        "name" | "aliases" | "topics" | "people" | "story" => (limits.name_chars, "name_chars"),
        _ => return None,
    };
    // Counted only past the limit's bytes: most texts are far shorter.
    if text.len() <= limit {
        return None;
    }
    let count = text.chars().count();
    let what = match key {
        "aliases" | "topics" | "people" | "story" => format!("a name in '{key}'"),
        _ => format!("'{key}'"),
    };
    (count > limit).then(|| format!("{what} is {count} characters long; at most {limit} are allowed, as every page that lists it copies it (limits: {{{setting}: …}} in briefing.yaml)"))
}

/// A body's tables are at most `limits.table_columns` wide.
pub fn check_body<M>(loaded: &Loaded<M>, limits: &Limits) -> Result<(), Error> {
    let limit = limits.table_columns;
    match markdown::table_wider_than(&loaded.body, limit) {
        None => Ok(()),
        Some((offset, columns)) => {
            let (line, column) = line_and_column(&loaded.body, offset);
            Err(Error::at(
                &loaded.path,
                format!(
                    "this table is {columns} columns wide; at most {limit} are allowed (limits: {{table_columns: …}} in briefing.yaml)"
                ),
            )
            .on_line(loaded.body_line + line - 1)
            .on_column(column))
        }
    }
}

/// Every string in a YAML value, keys of mappings included.
fn yaml_texts<'a>(
    key: &'static str,
    value: &'a serde_yaml::Value,
    out: &mut Vec<(&'static str, &'a str)>,
) {
    use serde_yaml::Value;
    match value {
        Value::String(s) => out.push((key, s)),
        Value::Sequence(items) => items.iter().for_each(|v| yaml_texts(key, v, out)),
        Value::Mapping(map) => {
            for (k, v) in map {
                yaml_texts(key, k, out);
                yaml_texts(key, v, out);
            }
        }
        Value::Tagged(tagged) => yaml_texts(key, &tagged.value, out),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

fn extra_texts<'a>(
    extra: &'a Option<BTreeMap<String, serde_yaml::Value>>,
    out: &mut Vec<(&'static str, &'a str)>,
) {
    for (k, v) in extra.iter().flatten() {
        out.push(("extra", k));
        yaml_texts("extra", v, out);
    }
}

fn push<'a>(out: &mut Vec<(&'static str, &'a str)>, key: &'static str, text: &'a Option<String>) {
    if let Some(text) = text {
        out.push((key, text));
    }
}

fn push_all<'a>(
    out: &mut Vec<(&'static str, &'a str)>,
    key: &'static str,
    texts: &'a Option<Vec<String>>,
) {
    out.extend(texts.iter().flatten().map(|t| (key, t.as_str())));
}

impl FrontMatterText for FrontMatter {
    fn extra(&self) -> Option<&Extra> {
        self.extra.as_ref()
    }

    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        push(&mut out, "title", &self.title);
        push(&mut out, "summary", &self.summary);
        push(&mut out, "slug", &self.slug);
        push_all(&mut out, "story", &self.story);
        push(&mut out, "timezone", &self.timezone);
        push(&mut out, "image", &self.image);
        push(&mut out, "image_alt", &self.image_alt);
        push_all(&mut out, "topics", &self.topics);
        push_all(&mut out, "people", &self.people);
        for source in self.sources.iter().flatten() {
            out.push(("sources", &source.title));
            push(&mut out, "sources", &source.url);
        }
        for (key, value) in [("date", &self.date), ("updated", &self.updated)] {
            if let Some(value) = value {
                yaml_texts(key, value, &mut out);
            }
        }
        extra_texts(&self.extra, &mut out);
        out
    }

    fn urls(&self) -> Vec<(&'static str, &str)> {
        self.sources
            .iter()
            .flatten()
            .filter_map(|s| s.url.as_deref())
            .map(|url| ("sources", url))
            .chain(self.image.as_deref().map(|url| ("image", url)))
            .collect()
    }
}

impl FrontMatterText for TopicProfile {
    fn extra(&self) -> Option<&Extra> {
        self.extra.as_ref()
    }

    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        push(&mut out, "name", &self.name);
        push(&mut out, "description", &self.description);
        push(&mut out, "slug", &self.slug);
        push_all(&mut out, "aliases", &self.aliases);
        extra_texts(&self.extra, &mut out);
        out
    }
}

impl FrontMatterText for StoryProfile {
    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        push(&mut out, "title", &self.title);
        push(&mut out, "summary", &self.summary);
        push(&mut out, "slug", &self.slug);
        push_all(&mut out, "aliases", &self.aliases);
        extra_texts(&self.extra, &mut out);
        out
    }
}

impl FrontMatterText for PersonProfile {
    fn extra(&self) -> Option<&Extra> {
        self.extra.as_ref()
    }

    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        push(&mut out, "name", &self.name);
        push(&mut out, "role", &self.role);
        push(&mut out, "portrait", &self.portrait);
        push(&mut out, "slug", &self.slug);
        push_all(&mut out, "aliases", &self.aliases);
        extra_texts(&self.extra, &mut out);
        out
    }

    fn urls(&self) -> Vec<(&'static str, &str)> {
        self.portrait
            .as_deref()
            .map(|url| ("portrait", url))
            .into_iter()
            .collect()
    }
}

impl FrontMatterText for EditionMatter {
    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        push(&mut out, "title", &self.title);
        push(&mut out, "summary", &self.summary);
        push(&mut out, "lead", &self.lead);
        push_all(&mut out, "briefings", &self.briefings);
        for section in self.sections.iter().flatten() {
            out.push(("sections", section.title.as_str()));
            out.extend(section.briefings.iter().map(|b| ("sections", b.as_str())));
        }
        out
    }
}

impl FrontMatterText for PageMatter {
    fn extra(&self) -> Option<&Extra> {
        self.extra.as_ref()
    }

    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        push(&mut out, "title", &self.title);
        push(&mut out, "slug", &self.slug);
        extra_texts(&self.extra, &mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_forbidden_characters_are_found() {
        assert_eq!(forbidden_in_xml("tab\tlf\ncr\r ok é 🎆"), None);
        assert_eq!(forbidden_in_xml("a\u{1}b"), Some((1, '\u{1}')));
        assert_eq!(forbidden_in_xml("é\0"), Some((2, '\0')));
        assert_eq!(forbidden_in_xml("x\u{fffe}"), Some((1, '\u{fffe}')));
        assert_eq!(forbidden_in_xml("\u{ffff}"), Some((0, '\u{ffff}')));
        // Neighbours of the noncharacters are allowed.
        assert_eq!(forbidden_in_xml("\u{fffd}\u{fefe}\u{ffbf}"), None);
    }
}

#[cfg(test)]
mod word_scan {
    use super::forbidden_in_xml;

    #[test]
    fn every_forbidden_character_is_found_at_every_alignment() {
        for bad in ["\u{1}", "\u{1f}", "\u{0}", "\u{fffe}", "\u{ffff}"] {
            for before in 0..20 {
                let text = format!("{}{bad}tail\té\n", "a".repeat(before));
                let found = forbidden_in_xml(&text).map(|(at, c)| (at, c.to_string()));
                assert_eq!(found, Some((before, bad.to_string())), "{text:?}");
            }
        }
        for fine in [
            "tab\tline\nreturn\r",
            "é€\u{fffd}\u{efbf}",
            "\u{feff}x",
            "plain text, 16+",
        ] {
            assert_eq!(forbidden_in_xml(fine), None, "{fine:?}");
        }
    }
}

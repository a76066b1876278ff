//! schema.org `NewsArticle` JSON-LD for a briefing page, built with serde
//! and escaped so no text in it can close its `<script>` element.

use std::borrow::Cow;

use serde::Serialize;
#[cfg(test)]
use serde_json::{json, Value};

use crate::config::Config;
use crate::graph::{Briefing, Site};

/// A schema.org `NewsArticle`, its keys in the order JSON-LD readers
/// and earlier builds put them (alphabetical).
#[derive(Serialize)]
pub struct NewsArticle<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<Thing<'a>>,
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    article_section: Option<&'a str>,
    author: Thing<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    citation: Vec<Thing<'a>>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "datePublished")]
    date_published: String,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    headline: &'a str,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    keywords: Option<String>,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    mentions: Vec<Thing<'a>>,
    publisher: Thing<'a>,
    url: String,
    #[serde(rename = "wordCount")]
    word_count: usize,
}

/// A person, organisation or cited work.
#[derive(Serialize, Clone)]
struct Thing<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<Cow<'a, str>>,
}

pub fn news_article<'a>(config: &'a Config, site: &'a Site, b: &'a Briefing) -> NewsArticle<'a> {
    let people: Vec<Thing> = b
        .people
        .iter()
        .map(|&i| Thing {
            kind: "Person",
            name: &site.people[i].name,
            url: Some(Cow::Owned(config.permalink(&site.people[i].path))),
        })
        .collect();
    let site_owner = Thing {
        kind: "Organization",
        name: &config.title,
        url: Some(Cow::Borrowed(&config.base_url)),
    };
    let author = if config.author.is_empty() {
        site_owner.clone()
    } else {
        Thing {
            kind: "Organization",
            name: &config.author,
            url: None,
        }
    };
    let topics: Vec<&str> = b
        .topics
        .iter()
        .map(|&t| site.topics[t].name.as_str())
        .collect();
    let modified = b.updated.as_ref().unwrap_or(&b.date);
    NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        mentions: people.clone(),
        about: people,
        article_section: topics.first().copied(),
        author,
        citation: b
            .sources
            .iter()
            .map(|s| Thing {
                kind: "CreativeWork",
                name: &s.title,
                url: s.url.as_deref().map(Cow::Borrowed),
            })
            .collect(),
        date_modified: super::when::machine(modified),
        date_published: super::when::machine(&b.date),
        description: &b.summary,
        headline: &b.title,
        in_language: &config.language,
        keywords: (!topics.is_empty()).then(|| topics.join(", ")),
        main_entity_of_page: config.permalink(&b.url_path),
        publisher: site_owner,
        url: config.permalink(&b.url_path),
        word_count: b.word_count,
    }
}

impl NewsArticle<'_> {
    /// The JSON-LD text, safe inside a `<script>` element.
    pub fn to_script(&self) -> String {
        script_safe(&serde_json::to_string(self).unwrap_or_default())
    }
}

/// JSON with `<`, `>` and `&` as Unicode escapes: still the same JSON, but
/// `</script>` or `<!--` in a title cannot end the script element early.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    let mut copied = 0;
    // The text between the characters to escape is copied a run at a time.
    for (at, c) in json.match_indices(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        out.push_str(&json[copied..at]);
        out.push_str(match c {
            "<" => "\\u003c",
            ">" => "\\u003e",
            "&" => "\\u0026",
            "\u{2028}" => "\\u2028",
            _ => "\\u2029",
        });
        copied = at + c.len();
    }
    out.push_str(&json[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_end_tags_cannot_break_out() {
        let json =
            serde_json::to_string(&json!({"headline": "a </script><script>alert(1)"})).unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains("</script>"));
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["headline"], "a </script><script>alert(1)");
    }

    #[test]
    fn each_character_that_could_end_a_script_is_escaped_and_the_rest_kept() {
        let text = "Tianjin’s <!-- a & b -->\u{2028}x\u{2029}é";
        let json = serde_json::to_string(&json!({ "t": text })).unwrap();
        let safe = script_safe(&json);
        assert_eq!(
            safe,
            "{\"t\":\"Tianjin’s \\u003c!-- a \\u0026 b --\\u003e\\u2028x\\u2029é\"}"
        );
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back["t"], text);
        assert_eq!(script_safe("plain"), "plain");
    }
}

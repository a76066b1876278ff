//! schema.org `NewsArticle` JSON-LD for a briefing page, built with serde
//! and escaped so no text in it can close its `<script>` element.

use serde_json::{json, Value};

use crate::config::Config;
use crate::graph::{Briefing, Site};

pub fn news_article(config: &Config, site: &Site, b: &Briefing) -> String {
    let person = |&i: &usize| {
        let p = &site.people[i];
        json!({"@type": "Person", "name": p.name, "url": config.permalink(&p.path)})
    };
    let author = if config.author.is_empty() {
        json!({"@type": "Organization", "name": config.title, "url": config.base_url})
    } else {
        json!({"@type": "Organization", "name": config.author})
    };
    let modified = b.updated.as_ref().unwrap_or(&b.date);
    let mut article = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": b.title,
        "url": config.permalink(&b.url_path),
        "mainEntityOfPage": config.permalink(&b.url_path),
        "datePublished": b.date.instant.to_rfc3339(),
        "dateModified": modified.instant.to_rfc3339(),
        "author": author,
        "publisher": {"@type": "Organization", "name": config.title, "url": config.base_url},
        "inLanguage": config.language,
        "wordCount": b.word_count,
    });
    let map = article.as_object_mut().expect("a JSON object");
    if !b.summary.is_empty() {
        map.insert("description".into(), Value::from(b.summary.as_str()));
    }
    if !b.people.is_empty() {
        let people: Vec<Value> = b.people.iter().map(person).collect();
        map.insert("about".into(), Value::from(people.clone()));
        map.insert("mentions".into(), Value::from(people));
    }
    if !b.topics.is_empty() {
        let keywords: Vec<&str> = b
            .topics
            .iter()
            .map(|&t| site.topics[t].name.as_str())
            .collect();
        map.insert("keywords".into(), Value::from(keywords.join(", ")));
        map.insert("articleSection".into(), Value::from(keywords[0]));
    }
    let citations: Vec<Value> = b
        .sources
        .iter()
        .map(|s| match &s.url {
            Some(url) => json!({"@type": "CreativeWork", "name": s.title, "url": url}),
            None => json!({"@type": "CreativeWork", "name": s.title}),
        })
        .collect();
    if !citations.is_empty() {
        map.insert("citation".into(), Value::from(citations));
    }
    script_safe(&article.to_string())
}

/// JSON with `<`, `>` and `&` as Unicode escapes: still the same JSON, but
/// `</script>` or `<!--` in a title cannot end the script element early.
pub fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
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
}

//! Properties that must hold for any input: no panic, slugs and served
//! paths that are always safe path segments, and front-matter URLs (and
//! texts under `extra`) that never run as a script however a browser reads
//! them.

use std::path::Path;

use briefing::content::{front_matter, safe_url, Date};
use briefing::markdown::{self, LinkResolver, MarkdownOptions, NoMentions};
use briefing::serve::http::{resolve, Resolved};
use briefing::slug::{check_written, slugify};
use proptest::prelude::*;

struct OneFile;

impl LinkResolver for OneFile {
    fn resolve(&self, target: &str) -> Option<String> {
        (target == "briefings/a.md").then(|| "/briefings/a/".to_string())
    }
}

fn safe_segment(slug: &str) -> bool {
    !slug.is_empty()
        && slug != "."
        && slug != ".."
        && !slug.contains(['/', '\\', '\0', '?', '#', '%'])
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

/// A URL as a browser reads it: C0 controls and spaces around it dropped,
/// tabs and line breaks inside it dropped (the URL Standard's parser).
fn as_browser_reads(url: &str) -> String {
    url.trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect()
}

/// The scheme a browser finds in a URL it has read, in lower case.
fn scheme(url: &str) -> Option<String> {
    let (scheme, _) = url.split_once(':')?;
    let mut chars = scheme.chars();
    let valid = chars.next()?.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| scheme.to_ascii_lowercase())
}

/// URLs made to look dangerous: a scheme in any case, with controls,
/// spaces, tabs and line breaks around and inside it.
fn disguised_url() -> impl Strategy<Value = String> {
    let scheme = prop_oneof![
        Just("javascript"),
        Just("vbscript"),
        Just("data"),
        Just("file"),
        Just("http"),
        Just("https"),
        Just("mailto"),
    ];
    (
        "[\\x00-\\x20]{0,2}",
        scheme,
        proptest::collection::vec(any::<bool>(), 12),
        proptest::collection::vec("[\\t\\n\\r]?", 12),
        "[:]?",
        "[\\PC]{0,12}",
    )
        .prop_map(|(lead, scheme, upper, breaks, colon, rest)| {
            let mut url = lead;
            for (i, c) in scheme.chars().enumerate() {
                url.push_str(&breaks[i % breaks.len()]);
                url.push(if upper[i % upper.len()] {
                    c.to_ascii_uppercase()
                } else {
                    c
                });
            }
            url + &colon + &rest
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn date_parsing_never_panics(text in "\\PC{0,40}", day in "[0-9]{4}-[0-9]{2}-[0-9]{0,2}[\\PC]{0,4}") {
        let _ = Date::parse(&text);
        if let Ok(date) = Date::parse(&day) {
            prop_assert!(day.trim().starts_with(&date.instant.format("%Y-%m-%d").to_string()));
        }
    }

    #[test]
    fn accepted_urls_never_run_as_a_script(
        url in prop_oneof![disguised_url(), "\\PC{0,30}", any::<String>()],
    ) {
        if safe_url::check(&url).is_ok() {
            let read = as_browser_reads(&url);
            if let Some(scheme) = scheme(&read) {
                prop_assert!(
                    ["http", "https", "mailto"].contains(&scheme.as_str()),
                    "{:?} read as {:?}", url, read
                );
            }
        }
    }

    #[test]
    fn accepted_extra_texts_never_run_as_a_script(
        text in prop_oneof![
            disguised_url(),
            disguised_url().prop_map(|u| u.replacen(':', ": ", 1)),
            "\\PC{0,30}",
            any::<String>(),
        ],
    ) {
        if safe_url::check_free_text(&text).is_ok() {
            let read = as_browser_reads(&text);
            if let Some(scheme) = scheme(&read) {
                prop_assert!(
                    !["javascript", "vbscript"].contains(&scheme.as_str()),
                    "{:?} read as {:?}", text, read
                );
                // Any other scheme is allowed, or the text is prose: a
                // space (or nothing) after the colon.
                let after = read[scheme.len() + 1..].chars().next();
                prop_assert!(
                    ["http", "https", "mailto"].contains(&scheme.as_str())
                        || after.is_none_or(char::is_whitespace),
                    "{:?} read as {:?}", text, read
                );
            }
        }
    }

    #[test]
    fn splitting_front_matter_never_panics(text in "(---\r?\n)?[\\PC\n\r]{0,200}(\n---\n)?[\\PC\n]{0,50}") {
        if let Ok(split) = front_matter::split(&text, Path::new("x.md")) {
            // The body is a suffix of the input, and the YAML lies before it.
            prop_assert!(text.ends_with(split.body));
            prop_assert!(split.body_line >= 3);
            let _ = front_matter::parse::<serde_yaml::Value>(&split, Path::new("x.md"));
        }
    }

    #[test]
    fn slugs_are_safe_path_segments(name in "\\PC{0,60}") {
        for transliterate in [true, false] {
            let slug = slugify(&name, transliterate);
            if !slug.is_empty() {
                prop_assert!(safe_segment(&slug), "{:?} -> {:?}", name, slug);
                prop_assert!(check_written(&slug).is_ok(), "{:?} -> {:?}", name, slug);
            }
            if transliterate {
                prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            }
        }
    }

    #[test]
    fn written_slugs_accepted_are_safe(slug in "[\\PC/\\\\.\0]{0,20}") {
        if check_written(&slug).is_ok() {
            prop_assert!(!slug.contains(['/', '\\', '\0']) && !slug.contains(".."));
        }
    }

    #[test]
    fn rendering_and_link_rewriting_never_panic(
        body in "[\\PC\n\\[\\]()@/#`*_<>]{0,300}",
        target in "(briefings/a\\.md|briefings/b\\.md|[a-z/.]{0,12})(#[a-z-]{0,8})?",
    ) {
        let source = format!("{body}\n\n[link](@/{target}) and ![img](@/{target})\n");
        for raw_html in [false, true] {
            let options = MarkdownOptions { smart_punctuation: true, raw_html };
            let rendered = markdown::render(&source, options, &OneFile, &mut NoMentions);
            for link in &rendered.links {
                prop_assert!(link.offset <= source.len());
                prop_assert_eq!(link.resolved, link.target == "briefings/a.md");
            }
            if !raw_html {
                prop_assert!(!rendered.html.contains("<script"));
            }
        }
    }

    #[test]
    fn served_paths_never_leave_the_site(path in "/[\\PC%./\\\\]{0,80}") {
        match resolve(&path, |_| true) {
            Resolved::File(key) => {
                prop_assert!(!key.split('/').any(|s| s == ".." || s == "."), "{:?} -> {:?}", path, key);
                prop_assert!(!key.contains(['\\', '\0']) && !key.starts_with('/'));
            }
            Resolved::Redirect(to) => prop_assert!(to.starts_with('/')),
            Resolved::NotFound | Resolved::BadRequest(_) => {}
        }
    }
}

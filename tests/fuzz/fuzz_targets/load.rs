//! The load stage on arbitrary bytes: what `content::load` does to each
//! file (UTF-8 check, the characters XML forbids, front-matter split, YAML
//! into a briefing's front-matter, its dates and URLs (`extra`'s too), the table-width
//! check), then the Markdown render. Nothing may panic.
#![no_main]

use std::path::Path;

use briefing::markdown::{self, LinkResolver, MarkdownOptions, NoMentions};
use briefing::content::{front_matter, rules, safe_url, Date, FrontMatter};
use libfuzzer_sys::fuzz_target;

struct NoFiles;

impl LinkResolver for NoFiles {
    fn resolve(&self, _: &str) -> Option<String> {
        None
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("content/briefings/fuzz.md");
    // The date parser and the URL rule see the raw text too, not only what
    // happens to parse as YAML.
    let _ = Date::parse(text);
    let _ = safe_url::check(text);
    let _ = safe_url::check_free_text(text);
    let _ = rules::check_characters(text, path, "a briefing");
    if let Ok(split) = front_matter::split(text, path) {
        if let Ok(meta) = front_matter::parse::<FrontMatter>(&split, path) {
            for date in [&meta.date, &meta.updated].into_iter().flatten() {
                if let Some(date) = date.as_str() {
                    let _ = Date::parse(date);
                }
            }
            for source in meta.sources.iter().flatten() {
                let _ = source.url.as_deref().map(safe_url::check);
            }
            // Free texts under `extra`, and finding the offending one's place.
            let _ = rules::check_extra(meta.extra.as_ref(), &split, path);
        }
        let _ = front_matter::key_positions(&split);
        let _ = markdown::table_wider_than(split.body, 64);
        for raw_html in [false, true] {
            let options = MarkdownOptions { smart_punctuation: true, raw_html };
            let _ = markdown::render(split.body, options, &NoFiles, &mut NoMentions);
        }
    }
});

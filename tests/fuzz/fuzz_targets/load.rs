//! The load stage on arbitrary bytes: what `content::load` does to each
//! file (UTF-8 check, front-matter split, YAML into a briefing's
//! front-matter), then the Markdown render. Nothing may panic.
#![no_main]

use std::path::Path;

use briefing::content::markdown::{self, LinkResolver, MarkdownOptions, NoMentions};
use briefing::content::{front_matter, FrontMatter};
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
    if let Ok(split) = front_matter::split(text, path) {
        let _ = front_matter::parse::<FrontMatter>(&split, path);
        let _ = front_matter::key_positions(&split);
        for raw_html in [false, true] {
            let options = MarkdownOptions { smart_punctuation: true, raw_html };
            let _ = markdown::render(split.body, options, &NoFiles, &mut NoMentions);
        }
    }
});

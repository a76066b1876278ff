//! Properties that must hold for any input: no panic, and slugs and served
//! paths that are always safe path segments.

use std::path::Path;

use briefing::content::front_matter;
use briefing::content::markdown::{self, LinkResolver, MarkdownOptions, NoMentions};
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

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

//! The bundled example site builds, and every internal link in it resolves.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::links;

fn html_files(dir: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// Check that every link on every page, under a base URL with a path,
/// absolute (`origin` + path) or not, points at a file of the output (and at an existing id for `#anchors`).
fn check_links(out: &Path, origin: &str, base_path: &str) -> usize {
    let mut checked = 0;
    for file in html_files(out) {
        let html = fs::read_to_string(&file).expect("page");
        for link in links(&html) {
            let link = link
                .strip_prefix(origin)
                .map(str::to_string)
                .unwrap_or(link);
            if link.starts_with("http://")
                || link.starts_with("https://")
                || link.starts_with("mailto:")
            {
                continue;
            }
            let (path, anchor) = match link.split_once('#') {
                Some((p, a)) => (p.to_string(), Some(a.to_string())),
                None => (link.clone(), None),
            };
            let target = if path.is_empty() {
                file.clone()
            } else {
                let rel = path.strip_prefix(base_path).unwrap_or_else(|| {
                    panic!(
                        "{}: link {link} is outside the base path {base_path}",
                        file.display()
                    )
                });
                let mut target = out.join(rel);
                if path.ends_with('/') {
                    target = target.join("index.html");
                }
                target
            };
            assert!(
                target.is_file(),
                "{}: link {link} has no file {}",
                file.display(),
                target.display()
            );
            if let Some(anchor) = anchor {
                let page = fs::read_to_string(&target).expect("target");
                assert!(
                    page.contains(&format!("id=\"{anchor}\"")),
                    "{}: no #{anchor} in {}",
                    file.display(),
                    target.display()
                );
            }
            checked += 1;
        }
    }
    checked
}

#[test]
fn every_internal_link_of_the_example_resolves() {
    let example = common::example();
    let root = example.root.clone();
    let mut options = briefing::BuildOptions::new(&root);
    options.base_url = Some("https://example.org/briefing/".into());
    let report = briefing::build(&options).unwrap_or_else(|e| panic!("{e}"));
    assert!(report.briefings >= 12, "{} briefings", report.briefings);
    let out = root.join("site");
    let checked = check_links(&out, "https://example.org", "/briefing/");
    assert!(checked > 500, "only {checked} links checked");
}

#[test]
fn the_example_covers_the_people_and_topics_it_promises() {
    let example = common::example();
    let root = example.root.clone();
    briefing::build(&briefing::BuildOptions::new(&root)).unwrap_or_else(|e| panic!("{e}"));
    let out = root.join("site");
    for page in [
        "people/vladimir-putin/index.html",
        "people/xi-jinping/index.html",
        "people/narendra-modi/index.html",
        "people/donald-trump/index.html",
        "topics/sco/index.html",
        "topics/military-parade/index.html",
        "topics/tariffs/index.html",
    ] {
        let html = fs::read_to_string(out.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(
            html.contains("class=\"profile\""),
            "{page} has no profile text"
        );
        assert!(html.contains("/briefings/"), "{page} lists no briefing");
    }
    // Aliases written in briefings did not make pages of their own.
    for alias in [
        "people/xi",
        "people/president-xi",
        "people/modi",
        "people/putin",
    ] {
        assert!(
            !out.join(alias).exists(),
            "{alias} should be merged into its person"
        );
    }
}

#[test]
fn every_page_has_the_favicon_and_only_404_and_search_say_noindex() {
    let site = common::example();
    site.build_ok();
    assert!(site.out().join("favicon.svg").is_file());
    for file in html_files(&site.out()) {
        let html = fs::read_to_string(&file).expect("page");
        let name = file
            .strip_prefix(site.out())
            .expect("inside")
            .display()
            .to_string();
        if name.ends_with("email.html") {
            continue;
        }
        assert!(
            html.contains(r#"<link rel="icon" href="/favicon.svg" type="image/svg+xml">"#),
            "{name}"
        );
        let hidden = name == "404.html" || name == "search/index.html";
        assert_eq!(
            html.contains(r#"<meta name="robots" content="noindex">"#),
            hidden,
            "{name}"
        );
    }
    let not_found = site.page("404.html");
    assert!(not_found.contains(r#"action="/search/""#), "{not_found}");
    assert!(not_found.contains(r#"name="q""#), "{not_found}");
}

#[test]
fn every_table_header_cell_of_the_example_has_text() {
    let site = common::example();
    site.build_ok();
    for file in html_files(&site.out()) {
        let html = fs::read_to_string(&file).expect("page");
        assert!(!html.contains("<th></th>"), "{}", file.display());
        assert!(
            !html.contains("<th style=\"text-align: left\"></th>"),
            "{}",
            file.display()
        );
    }
}

#[test]
fn each_other_briefing_appears_once_in_a_briefing_pages_navigation() {
    let site = common::example();
    site.build_ok();
    let mut pages = 0;
    for file in html_files(&site.out().join("briefings")) {
        let html = fs::read_to_string(&file).expect("page");
        // The navigation: the rail and the foot, after the body.
        let Some(start) = html
            .find("<aside class=\"rail\"")
            .or_else(|| html.find("<footer class=\"briefing-foot\""))
        else {
            continue;
        };
        let nav = &html[start..html.find("</article>").expect("end of the briefing")];
        let mut seen = std::collections::HashSet::new();
        for link in links(nav) {
            if link.starts_with("/briefings/") {
                assert!(
                    seen.insert(link.clone()),
                    "{}: {link} twice",
                    file.display()
                );
            }
        }
        pages += 1;
    }
    assert!(pages > 10);
}

#[test]
fn titles_and_summaries_have_the_typographic_quotes_of_bodies_on_pages_and_in_feeds() {
    let site = common::example();
    site.build_ok();
    let curly = "Kim \u{201c}conspire against\u{201d} the US";
    let page = site.page("briefings/trump-post-on-parade/index.html");
    assert!(
        page.contains(&format!("<title>Trump says Xi, Putin and {curly}")),
        "{page}"
    );
    assert!(
        page.contains(&format!("<h1>Trump says Xi, Putin and {curly}</h1>")),
        "{page}"
    );
    assert!(!page.contains("&quot;conspire"), "{page}");
    let home = site.page("archive/2025/09/index.html");
    assert!(home.contains(curly), "{home}");
    for feed in ["rss.xml", "atom.xml", "feed.json"] {
        let text = site.page(feed);
        assert!(text.contains(curly), "{feed}");
        assert!(
            !text.contains("Kim \"conspire") && !text.contains("Kim &quot;conspire"),
            "{feed}"
        );
    }
}

#[test]
fn cards_show_the_reading_time_only_for_a_longer_read() {
    let site = common::example();
    site.build_ok();
    let month = site.page("archive/2025/09/index.html");
    for n in 1..3 {
        assert!(!month.contains(&format!(">{n} min read<")), "{month}");
    }
    let page = site.page("briefings/trump-post-on-parade/index.html");
    assert!(
        page.contains(" min read</span>"),
        "the briefing's own page has it: {page}"
    );
}

#[test]
fn times_are_shown_in_a_briefings_zone_else_the_sites_and_machines_get_rfc_3339() {
    let site = common::example();
    site.build_ok();
    // Posted at 21:00 US Eastern time on 2 September; the briefing says so.
    let page = site.page("briefings/trump-post-on-parade/index.html");
    assert!(
        page.contains(
            r#"<time datetime="2025-09-02T21:00:00-04:00">2 September 2025, 21:00 New York time</time>"#
        ),
        "{page}"
    );
    assert!(site
        .page("rss.xml")
        .contains("Tue, 2 Sep 2025 21:00:00 -0400"));
    // Written at 12:00 Moscow time, shown in the site's zone.
    let page = site.page("briefings/analysis-russia-china-trade/index.html");
    assert!(
        page.contains(
            r#"<time datetime="2025-09-04T12:00:00+03:00">4 September 2025, 17:00 CST</time>"#
        ),
        "{page}"
    );
    // Dated with a day only: that day, and no time.
    let page = site.page("briefings/putin-begins-china-visit/index.html");
    assert!(
        page.contains(r#"<time datetime="2025-08-31">31 August 2025</time>"#),
        "{page}"
    );
}

#[test]
fn mentions_link_names_as_written_not_common_words_or_labels() {
    let site = common::example();
    site.build_ok();
    for file in html_files(&site.out().join("briefings")) {
        let html = fs::read_to_string(&file).expect("page");
        // A topic linked on a lowercase word ("state energy company").
        for link in html.split("<a href=\"/topics/").skip(1) {
            let text = &link[link.find("\">").map_or(0, |i| i + 2)..];
            assert!(
                !text.starts_with(|c: char| c.is_lowercase()),
                "{}: {}",
                file.display(),
                &text[..text.len().min(40)]
            );
        }
    }
    // Named in the text and listed on the briefing: linked.
    let talks = site.page("briefings/putin-xi-beijing-talks/index.html");
    assert!(
        talks.contains(r#"<a href="/people/alexei-miller/">Alexei Miller</a>"#),
        "{talks}"
    );
}

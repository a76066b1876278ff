//! Editions: the editor's order kept, the front page, errors at their
//! place, drafts, the feed and the e-mail.

mod common;

use std::process::Command;

use common::{fixture, links};

/// The `href`s of the cards (`<h3><a href=…>`) of a page, in order.
fn card_links(html: &str) -> Vec<String> {
    html.split("<h3><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn an_edition_keeps_the_editors_order_and_the_front_page_is_the_latest() {
    let site = fixture("editions");
    site.build_ok();
    // The memorandum is newer than the talks, but the editor led with it.
    let day = site.page("editions/2025-09-02/index.html");
    assert_eq!(
        card_links(&day),
        ["/news/briefings/memorandum/", "/news/briefings/talks/"]
    );
    // Lead, list, then the section, each in the order written.
    let parade = site.page("editions/2025-09-03/index.html");
    assert_eq!(
        card_links(&parade),
        [
            "/news/briefings/parade/",
            "/news/briefings/kim/",
            "/news/briefings/talks/"
        ]
    );
    assert!(parade.contains("Also this week"));
    assert!(links(&parade).contains(&"/news/editions/2025-09-02/".to_string()));

    let home = site.page("index.html");
    assert!(home.contains("<h1>Parade day</h1>"), "{home}");
    assert_eq!(card_links(&home), card_links(&parade));
    assert!(links(&home).contains(&"/news/editions/".to_string()));

    let index = site.page("editions/index.html");
    let (parade_at, talks_at) = (
        index.find("Parade day").expect("listed"),
        index.find("Talks day").expect("listed"),
    );
    assert!(parade_at < talks_at, "newest edition first");

    // A briefing page says which editions carried it.
    let talks = site.page("briefings/talks/index.html");
    for edition in ["/news/editions/2025-09-02/", "/news/editions/2025-09-03/"] {
        assert!(links(&talks).contains(&edition.to_string()), "{edition}");
    }
}

#[test]
fn without_editions_the_front_page_lists_the_latest_briefings() {
    let site = fixture("crosslinks");
    site.build_ok();
    let home = site.page("index.html");
    assert!(!home.contains("Edition of"));
    assert!(home.contains("Putin and Xi hold talks"));
    assert!(!site.out().join("editions").exists());
}

#[test]
fn every_mistake_in_an_edition_is_an_error_at_its_place() {
    let cases = [
        (
            "lead: \"@/briefings/2025-09-02-memorandum.md\"",
            "lead: \"@/briefings/2025-09-02-memorandm.md\"",
            "content/editions/2025-09-02.md:4:8: '@/briefings/2025-09-02-memorandm.md' is not a briefing: no file content/briefings/2025-09-02-memorandm.md (did you mean '@/briefings/2025-09-02-memorandum.md'?)",
        ),
        (
            "  - \"@/briefings/2025-09-02-talks.md\"",
            "  - \"@/briefings/2025-09-02-talks.md\"\n  - \"@/briefings/2025-09-02-talks.md\"",
            "content/editions/2025-09-02.md:7:6: '@/briefings/2025-09-02-talks.md' is listed twice in this edition",
        ),
        (
            "  - \"@/briefings/2025-09-02-talks.md\"",
            "  - \"@/briefings/2025-09-03-draft.md\"",
            "content/editions/2025-09-02.md:6:6: '@/briefings/2025-09-03-draft.md' is a draft",
        ),
        (
            "summary:",
            "editor: Ada\nsummary:",
            "content/editions/2025-09-02.md:7:1: unknown key 'editor'",
        ),
        (
            "lead: \"@/briefings/2025-09-02-memorandum.md\"\n",
            "",
            "content/editions/2025-09-02.md:1: 'lead' is required",
        ),
    ];
    for (from, to, expected) in cases {
        let site = fixture("editions");
        let path = site.root.join("content/editions/2025-09-02.md");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.contains(from), "{from}");
        std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
        let errors = site.build_err().to_string();
        assert!(
            errors.contains(expected),
            "expected {expected}\nin {errors}"
        );
    }
}

#[test]
fn a_draft_edition_is_built_only_with_drafts() {
    let site = fixture("editions");
    let path = site.root.join("content/editions/2025-09-03.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("summary:", "draft: true\nsummary:")).expect("write");
    site.build_ok();
    assert!(!site.out().join("editions/2025-09-03").exists());
    assert!(site.page("index.html").contains("<h1>Talks day</h1>"));
    let mut options = site.options();
    options.drafts = true;
    briefing::build(&options).unwrap_or_else(|e| panic!("{e}"));
    assert!(site
        .page("editions/2025-09-03/index.html")
        .contains("Draft"));
    // A draft edition may carry a draft briefing.
    std::fs::write(
        &path,
        text.replace("summary:", "draft: true\nsummary:").replace(
            "  - \"@/briefings/2025-09-03-kim.md\"",
            "  - \"@/briefings/2025-09-03-draft.md\"",
        ),
    )
    .expect("write");
    briefing::build(&options).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_editions_feed_carries_each_whole_edition() {
    let site = fixture("editions");
    site.build_ok();
    for file in ["rss.xml", "atom.xml", "feed.json"] {
        let bytes = std::fs::read(site.out().join("editions").join(file)).expect("feed");
        let feed = feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(feed.entries.len(), 2, "{file}");
        let first = &feed.entries[0];
        assert_eq!(
            first.title.as_ref().map(|t| t.content.as_str()),
            Some("Parade day")
        );
        let content = first
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .unwrap_or_default();
        for part in [
            "Parade in Beijing",
            "Putin and Kim talk",
            "Also this week",
            "eighty years",
        ] {
            assert!(content.contains(part), "{file}: no {part} in {content}");
        }
        for link in links(&content) {
            assert!(
                link.starts_with("https://example.org/news/"),
                "{file}: {link}"
            );
        }
    }
}

#[test]
fn the_email_is_inlined_absolute_and_small() {
    let site = fixture("editions");
    site.build_ok();
    let html = site.page("editions/2025-09-03/email.html");
    for banned in ["<style", "<link", "<script"] {
        assert!(!html.contains(banned), "{banned} in the e-mail");
    }
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<title>Parade day · Editions</title>"));
    assert!(html.contains("class=\"preheader\" style=\"max-height: 0;"));
    assert!(html.contains("Xi, Putin and Kim side by side."));
    let links = links(&html);
    assert!(links.len() > 5);
    for link in &links {
        assert!(link.starts_with("https://example.org/news/"), "{link}");
    }
    assert!(html.contains("max-width: 600px"));
    assert!(html.len() < 102 * 1024);
    // Not in the sitemap or the search index.
    assert!(!site.page("sitemap.xml").contains("email"));
}

#[test]
fn the_text_email_wraps_and_numbers_its_links() {
    let site = fixture("editions");
    site.build_ok();
    let text = site.page("editions/2025-09-03/email.txt");
    for line in text.lines() {
        assert!(
            line.chars().count() <= 72 || !line.trim().contains(' '),
            "too long: {line:?}"
        );
    }
    assert!(text.contains("Parade in Beijing [1]"), "{text}");
    assert!(
        text.contains("\nLinks:\n[1] https://example.org/news/briefings/parade/\n"),
        "{text}"
    );
    assert!(!text.contains('<'), "{text}");
}

#[test]
fn briefing_new_edition_lists_the_days_briefings_newest_first() {
    let site = fixture("editions");
    std::fs::remove_file(site.root.join("content/editions/2025-09-03.md")).expect("remove");
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["new", "--edition", "2025-09-03", "--root"])
            .arg(&site.root)
            .output()
            .expect("run briefing")
    };
    let out = run();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(site.root.join("content/editions/2025-09-03.md"))
        .expect("the new edition");
    assert!(text.contains("lead: \"@/briefings/2025-09-03-kim.md\"\nbriefings:\n  - \"@/briefings/2025-09-03-parade.md\"\n"), "{text}");
    assert!(!text.contains("draft.md"), "drafts are left out");
    site.build_ok();
    // Never overwritten.
    let again = run();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[test]
fn check_warns_about_a_briefing_no_edition_carries() {
    let site = fixture("editions");
    let path = site.root.join("content/editions/2025-09-03.md");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace("  - \"@/briefings/2025-09-03-kim.md\"\n", ""),
    )
    .expect("write");
    let report = briefing::check::check(&site.options());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let warning = report
        .warnings
        .iter()
        .find(|w| w.message.contains("no edition carries"))
        .expect("a warning");
    assert!(warning
        .path
        .as_ref()
        .is_some_and(|p| p.ends_with("2025-09-03-kim.md")));
}

#[test]
fn a_briefing_that_fails_is_reported_once_not_again_by_its_edition() {
    // Carried, or the lead: either way its own YAML error is the only
    // problem told; no edition calls the file missing, and no briefing
    // the failed edition carries is said to be in none.
    for broken in ["2025-09-03-kim.md", "2025-09-03-parade.md"] {
        let site = fixture("editions");
        common::edit(
            &site,
            &format!("content/briefings/{broken}"),
            "title: ",
            "title: Talks: again\nx: ",
        );
        let report = briefing::check::check(&site.options());
        let told: Vec<String> = report
            .errors
            .iter()
            .chain(&report.warnings)
            .map(|e| e.to_string())
            .collect();
        assert_eq!(report.errors.len(), 1, "{broken}: {told:#?}");
        assert!(told[0].contains(broken), "{told:#?}");
        assert!(
            !told
                .iter()
                .any(|t| t.contains("not a briefing") || t.contains("no edition carries")),
            "{broken}: {told:#?}"
        );
    }
}

/// A briefing belongs to the day its page and the archive show: in the
/// site's zone, not the offset it was written with.
#[test]
fn an_editions_day_is_the_day_its_briefings_pages_show() {
    let site = fixture("editions");
    let config = site.root.join("briefing.yaml");
    let text = std::fs::read_to_string(&config).expect("read");
    std::fs::write(&config, format!("{text}timezone: UTC\n")).expect("write");
    let briefings = site.root.join("content/briefings");
    // Written on the 2nd in New York, the 3rd in UTC.
    std::fs::write(
        briefings.join("late.md"),
        "---\ntitle: Late news\ndate: 2025-09-02T22:00:00-04:00\ntopics: [Talks]\n---\nLate.\n",
    )
    .expect("write");
    // Written on the 4th in Beijing, still the 3rd in UTC.
    std::fs::write(
        briefings.join("early.md"),
        "---\ntitle: Early news\ndate: 2025-09-04T01:00:00+08:00\ntopics: [Talks]\n---\nEarly.\n",
    )
    .expect("write");

    let report = briefing::check::check(&site.options());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut uncarried: Vec<String> = report
        .warnings
        .iter()
        .filter(|w| w.message.contains("no edition carries"))
        .map(|w| {
            let file = w.path.as_ref().and_then(|p| p.file_name()).expect("a file");
            format!("{} {}", file.to_string_lossy(), w.message)
        })
        .collect();
    uncarried.sort();
    assert_eq!(uncarried.len(), 2, "{uncarried:?}");
    for (warning, file) in uncarried.iter().zip(["early.md", "late.md"]) {
        assert!(warning.starts_with(file), "{warning}");
        assert!(
            warning.contains("2025-09-03.md is the edition"),
            "{warning}"
        );
    }

    std::fs::remove_file(site.root.join("content/editions/2025-09-03.md")).expect("remove");
    std::fs::remove_file(site.root.join("content/editions/2025-09-02.md")).expect("remove");
    let new = |day: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["new", "--edition", day, "--root"])
            .arg(&site.root)
            .output()
            .expect("run briefing");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read_to_string(site.root.join(format!("content/editions/{day}.md")))
            .expect("the new edition")
    };
    let third = new("2025-09-03");
    assert!(
        third.contains("date: 2025-09-03T17:00:00Z\nlead: \"@/briefings/early.md\"\nbriefings:\n  - \"@/briefings/2025-09-03-parade.md\"\n  - \"@/briefings/late.md\"\n  - \"@/briefings/2025-09-03-kim.md\"\n"),
        "{third}"
    );
    let second = new("2025-09-02");
    assert!(
        second.contains("lead: \"@/briefings/2025-09-02-memorandum.md\"\nbriefings:\n  - \"@/briefings/2025-09-02-talks.md\"\n"),
        "{second}"
    );
    assert!(!second.contains("late.md"), "{second}");
    site.build_ok();
    let page = site.page("editions/2025-09-03/index.html");
    assert!(
        page.contains("3 September 2025"),
        "the edition shows its day"
    );
}

//! Feeds, sitemaps and page metadata, parsed back the way readers and
//! crawlers parse them.

mod common;

use std::fs;

use chrono::{DateTime, Utc};
use common::fixture;

fn parse(site: &common::TestSite, path: &str) -> feed_rs::model::Feed {
    let bytes = fs::read(site.out().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries
        .iter()
        .map(|e| {
            e.title
                .as_ref()
                .map(|t| t.content.clone())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn site_feeds_carry_every_briefing_newest_first_with_absolute_links() {
    let site = fixture("crosslinks");
    site.build_ok();
    for file in ["rss.xml", "atom.xml", "feed.json"] {
        let feed = parse(&site, file);
        assert_eq!(
            titles(&feed),
            ["Putin and Xi hold talks", "SCO summit opens in Tianjin"],
            "{file}"
        );
        let first = &feed.entries[0];
        assert_eq!(
            first.links[0].href, "https://example.org/briefings/talks/",
            "{file}"
        );
        let published: DateTime<Utc> = first.published.expect("published");
        assert_eq!(
            published.to_rfc3339(),
            "2025-09-02T02:00:00+00:00",
            "{file}"
        );
        let categories: Vec<&str> = first.categories.iter().map(|c| c.term.as_str()).collect();
        assert_eq!(categories, ["Energy", "Russia–China relations"], "{file}");
        // The body's internal link is absolute in the feed.
        let body = first
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .expect("full content");
        assert!(
            body.contains("href=\"https://example.org/briefings/summit/#the-opening\""),
            "{file}: {body}"
        );
    }
}

#[test]
fn feed_dates_keep_the_briefing_offset() {
    let site = fixture("crosslinks");
    site.build_ok();
    let rss = site.page("rss.xml");
    assert!(
        rss.contains("<pubDate>Tue, 2 Sep 2025 10:00:00 +0800</pubDate>"),
        "{rss}"
    );
    assert!(rss.contains("<lastBuildDate>Tue, 2 Sep 2025 10:00:00 +0800</lastBuildDate>"));
    assert!(rss.contains(
        r#"<atom:link href="https://example.org/rss.xml" rel="self" type="application/rss+xml"/>"#
    ));
    let atom = site.page("atom.xml");
    assert!(
        atom.contains("<published>2025-09-02T10:00:00+08:00</published>"),
        "{atom}"
    );
    let json: serde_json::Value = serde_json::from_str(&site.page("feed.json")).expect("JSON Feed");
    assert_eq!(json["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(
        json["items"][0]["date_published"],
        "2025-09-02T10:00:00+08:00"
    );
    assert_eq!(json["feed_url"], "https://example.org/feed.json");
}

#[test]
fn each_topic_and_person_has_feeds_of_its_own_briefings_only() {
    let site = fixture("crosslinks");
    site.build_ok();
    let sco = parse(&site, "topics/sco/rss.xml");
    assert_eq!(titles(&sco), ["SCO summit opens in Tianjin"]);
    let putin = parse(&site, "people/vladimir-putin/atom.xml");
    assert_eq!(titles(&putin), ["Putin and Xi hold talks"]);
    let xi = parse(&site, "people/xi-jinping/feed.json");
    assert_eq!(
        titles(&xi),
        ["Putin and Xi hold talks", "SCO summit opens in Tianjin"]
    );
    // The person page advertises its own feeds, and the site's.
    let page = site.page("people/xi-jinping/index.html");
    assert!(
        page.contains(
            r#"<link rel="alternate" type="application/rss+xml" href="/people/xi-jinping/rss.xml""#
        ),
        "{page}"
    );
    assert!(page.contains(r#"<link rel="alternate" type="application/rss+xml" href="/rss.xml""#));
}

#[test]
fn feed_settings_limit_items_and_formats() {
    let site = fixture("crosslinks");
    site.write(
        "briefing.yaml",
        "title: T\nbase_url: https://example.org/\nfeeds: {items: 1, full_content: false, json: false}\n",
    );
    site.build_ok();
    let rss = parse(&site, "rss.xml");
    assert_eq!(titles(&rss), ["Putin and Xi hold talks"]);
    assert!(!site.page("rss.xml").contains("content:encoded"));
    assert!(!site.out().join("feed.json").exists());
    assert!(!site.page("index.html").contains("feed.json"));
}

/// What each entry of `path` carries: its content's length, or none.
fn contents(site: &common::TestSite, path: &str) -> Vec<Option<usize>> {
    parse(site, path)
        .entries
        .iter()
        .map(|e| {
            e.content
                .as_ref()
                .and_then(|c| c.body.as_ref())
                .map(String::len)
        })
        .collect()
}

#[test]
fn a_long_briefing_is_carried_by_its_summary_past_full_content_max() {
    let site = fixture("crosslinks");
    // 300 KB of HTML, newest, in the site's feeds and its topic's.
    let paragraph = "Talks went on through the night in Tianjin. ".repeat(25);
    let body = format!("{paragraph}\n\n").repeat(270);
    site.write(
        "content/briefings/2025-09-03-long.md",
        &format!("---\ntitle: A long night\ndate: 2025-09-03\nsummary: Talks ran late.\ntopics: [Energy]\n---\n{body}"),
    );
    site.build_ok();
    let html = site.page("briefings/long/index.html");
    assert!(html.len() > 280_000);
    for path in ["rss.xml", "atom.xml", "feed.json", "topics/energy/rss.xml"] {
        let carried = contents(&site, path);
        // feed-rs reads a JSON Feed's content_text as content.
        assert!(carried[0].is_none_or(|n| n < 100), "{path}: {carried:?}");
        assert!(carried[1].is_some_and(|n| n > 0), "{path}: {carried:?}");
        let summary = parse(&site, path).entries[0]
            .summary
            .as_ref()
            .map(|s| s.content.clone());
        assert_eq!(summary.as_deref(), Some("Talks ran late."), "{path}");
    }
    // The JSON Feed still gives the item a text, as its format requires.
    assert!(site
        .page("feed.json")
        .contains("\"content_text\": \"Talks ran late.\""));

    site.write(
        "briefing.yaml",
        "title: T\nbase_url: https://example.org/\nfeeds: {full_content_max: 1MB}\n",
    );
    site.build_ok();
    let carried = contents(&site, "rss.xml");
    assert!(carried[0].is_some_and(|n| n > 280_000), "{carried:?}");
    site.write(
        "briefing.yaml",
        "title: T\nbase_url: https://example.org/\nfeeds: {full_content_max: 2TB}\n",
    );
    let errors = site.build_err().to_string();
    assert!(
        errors.contains("briefing.yaml:3:")
            && errors
                .contains("'2TB' is not a size: write it as 1MB, 512KB, 1GB or a number of bytes"),
        "{errors}"
    );
}

#[test]
fn briefing_pages_carry_news_article_json_ld_and_open_graph() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/2025-09-04-x.md",
        "---\ntitle: \"Breaking </script><script>alert(1)</script>\"\ndate: 2025-09-04T08:00:00+03:00\nupdated: 2025-09-05\npeople: [Putin]\ntopics: [Energy]\nsources:\n  - {title: A wire, url: \"https://example.net/a\"}\n---\nText.\n",
    );
    site.build_ok();
    let page = site.page("briefings/x/index.html");
    let start = page
        .find("<script type=\"application/ld+json\">")
        .expect("JSON-LD")
        + 35;
    let end = start + page[start..].find("</script>").expect("end of script");
    let json: serde_json::Value = serde_json::from_str(&page[start..end]).expect("valid JSON");
    assert_eq!(json["@type"], "NewsArticle");
    assert_eq!(
        json["headline"],
        "Breaking </script><script>alert(1)</script>"
    );
    assert_eq!(json["datePublished"], "2025-09-04T08:00:00+03:00");
    // Updated on a day, with no time: the day, not an invented midnight.
    assert_eq!(json["dateModified"], "2025-09-05");
    assert_eq!(json["about"][0]["name"], "Vladimir Putin");
    assert_eq!(
        json["mentions"][0]["url"],
        "https://example.org/people/vladimir-putin/"
    );
    assert_eq!(json["citation"][0]["url"], "https://example.net/a");
    assert!(!page.contains("<script>alert"));
    assert!(page.contains(r#"<meta property="og:type" content="article">"#));
    assert!(page.contains(
        r#"<meta property="article:published_time" content="2025-09-04T08:00:00+03:00">"#
    ));
    assert!(page.contains(r#"<meta property="article:tag" content="Energy">"#));
    assert!(page.contains(r#"<meta property="article:section" content="Energy">"#));
    assert!(page.contains(r#"<link rel="canonical" href="https://example.org/briefings/x/">"#));
}

#[test]
fn sitemap_lists_every_page_with_lastmod_and_robots_names_it() {
    let site = fixture("crosslinks");
    site.build_ok();
    let sitemap = site.page("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.org/briefings/talks/</loc>"),
        "{sitemap}"
    );
    assert!(sitemap.contains("<lastmod>2025-09-02T10:00:00+08:00</lastmod>"));
    assert!(sitemap.contains("<loc>https://example.org/people/xi-jinping/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/about/</loc>"));
    assert!(!sitemap.contains("404"));
    assert_eq!(
        sitemap.matches("<url>").count(),
        sitemap.matches("<lastmod>").count()
    );
    let robots = site.page("robots.txt");
    assert!(robots.contains("Sitemap: https://example.org/sitemap.xml"));
    assert!(robots.contains("Sitemap: https://example.org/news-sitemap.xml"));
}

/// The news sitemap of the fixture built as if at `now` (RFC 3339).
fn news_sitemap_at(now: &str) -> String {
    let site = fixture("crosslinks");
    let epoch = DateTime::parse_from_rfc3339(now)
        .expect("date")
        .with_timezone(&Utc)
        .timestamp();
    common::build_at_clock(&site.root, epoch, &["-q"]);
    site.page("news-sitemap.xml")
}

#[test]
fn the_news_sitemap_holds_the_last_two_days() {
    let news = news_sitemap_at("2025-09-03T00:00:00Z");
    assert!(
        news.contains("<loc>https://example.org/briefings/talks/</loc>"),
        "{news}"
    );
    assert!(
        news.contains("<news:publication_date>2025-09-02T10:00:00+08:00</news:publication_date>")
    );
    // 31 August at midnight UTC is more than two days before.
    assert!(!news.contains("/briefings/summit/"));
    let later = news_sitemap_at("2025-10-01T00:00:00Z");
    assert!(!later.contains("<url>"));
}

#[test]
fn two_builds_are_byte_identical() {
    let a = fixture("crosslinks");
    let b = fixture("crosslinks");
    a.build_ok();
    b.build_ok();
    let (fa, fb) = (common::tree(&a.out()), common::tree(&b.out()));
    assert!(fa.len() > 30);
    assert_eq!(fa.len(), fb.len());
    for ((pa, ba), (pb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(pa, pb);
        assert!(ba == bb, "{pa} differs between two builds");
    }
}

#[test]
fn the_news_sitemap_lists_at_most_the_newest_1000() {
    let site = fixture("crosslinks");
    for i in 0..1_005 {
        let minutes = i;
        site.write(
            &format!("content/briefings/n{i:04}.md"),
            &format!(
                "---\ntitle: Note {i}\ndate: 2025-09-02T{:02}:{:02}:00Z\n---\nText.\n",
                minutes / 60,
                minutes % 60
            ),
        );
    }
    // 3 September 2025, 00:00 UTC.
    common::build_at_clock(&site.root, 1_756_857_600, &["-q"]);
    let news = site.page("news-sitemap.xml");
    assert_eq!(news.matches("<url>").count(), 1_000);
    // The newest is in, the oldest of the day left out.
    assert!(news.contains("/briefings/n1004/"));
    assert!(!news.contains("/briefings/n0000/"));
}

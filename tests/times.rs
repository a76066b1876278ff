//! Times as readers see them: a briefing's own zone, the site's zone, and
//! briefings dated with a day only. Feeds keep the written instant.

mod common;

use common::{edit, fixture, links, section, TestSite};

const TALKS: &str = "content/briefings/2025-09-02-talks.md";

fn with_site_zone(site: &TestSite, zone: &str) {
    let config = std::fs::read_to_string(site.root.join("briefing.yaml")).expect("config");
    site.write("briefing.yaml", &format!("{config}timezone: {zone}\n"));
}

/// The first `<time>` element (its `datetime` and text) after `marker`.
fn time_after(page: &str, marker: &str) -> (String, String) {
    let at = page.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    first_time(&page[at..])
}

/// The time of the list item that links to `url`.
fn time_of_item(page: &str, url: &str) -> (String, String) {
    let link = page
        .find(&format!("href=\"{url}\""))
        .unwrap_or_else(|| panic!("no link to {url}"));
    let item = page[..link].rfind("<li").expect("a list item");
    first_time(&page[item..])
}

fn first_time(html: &str) -> (String, String) {
    let rest = &html[html.find("<time").expect("a time")..];
    let rest = &rest[rest.find("datetime=\"").expect("datetime") + 10..];
    let datetime = &rest[..rest.find('"').expect("end of datetime")];
    let text = &rest[rest.find('>').expect("text") + 1..rest.find("</time>").expect("end")];
    (datetime.to_string(), text.to_string())
}

#[test]
fn a_briefing_in_its_own_zone_shows_its_local_time_and_feeds_keep_the_offset() {
    let site = fixture("crosslinks");
    with_site_zone(&site, "Asia/Shanghai");
    // Written in New York on the evening of 2 September: the morning of
    // the 3rd in the site's zone.
    edit(
        &site,
        TALKS,
        "date: 2025-09-02T10:00:00+08:00",
        "date: 2025-09-02T21:00:00-04:00\ntimezone: America/New_York",
    );
    site.build_ok();
    let page = site.page("briefings/talks/index.html");
    assert_eq!(
        time_after(&page, "<p class=\"meta\">"),
        (
            "2025-09-02T21:00:00-04:00".to_string(),
            "2 September 2025, 21:00 New York time".to_string()
        )
    );
    // Its card shows the day its page shows.
    let topic = site.page("topics/energy/index.html");
    assert_eq!(
        time_of_item(&topic, "/briefings/talks/").1,
        "2 September 2025",
        "{topic}"
    );
    let rss = site.page("rss.xml");
    assert!(rss.contains("2 Sep 2025 21:00:00 -0400"), "{rss}");
    let atom = site.page("atom.xml");
    assert!(atom.contains("2025-09-02T21:00:00-04:00"), "{atom}");

    // Without its own zone, the site's, with its abbreviation; its card
    // moves to the 3rd with it.
    edit(&site, TALKS, "timezone: America/New_York\n", "");
    site.build_ok();
    let page = site.page("briefings/talks/index.html");
    assert_eq!(
        time_after(&page, "<p class=\"meta\">").1,
        "3 September 2025, 09:00 CST"
    );
    let topic = site.page("topics/energy/index.html");
    assert_eq!(
        time_of_item(&topic, "/briefings/talks/").1,
        "3 September 2025"
    );
}

#[test]
fn a_briefing_zone_that_is_not_one_is_an_error_at_its_line() {
    let site = fixture("crosslinks");
    edit(&site, TALKS, "summary:", "timezone: Beijing\nsummary:");
    let errors = site.build_err().to_string();
    assert!(
        errors.contains("content/briefings/2025-09-02-talks.md:4:")
            && errors.contains("'timezone' is 'Beijing', which is not an IANA time zone name"),
        "{errors}"
    );
}

#[test]
fn a_day_only_briefing_shows_its_day_as_written_with_no_time() {
    let site = fixture("crosslinks");
    // West of UTC: a day taken as midnight UTC would be the evening before.
    with_site_zone(&site, "America/Los_Angeles");
    site.build_ok();
    let page = site.page("briefings/summit/index.html");
    assert_eq!(
        time_after(&page, "<p class=\"meta\">"),
        ("2025-08-31".to_string(), "31 August 2025".to_string())
    );
    assert!(
        page.contains("\"datePublished\":\"2025-08-31\""),
        "no invented midnight in JSON-LD"
    );
    assert!(page.contains("<meta property=\"article:published_time\" content=\"2025-08-31\">"));
    let topic = site.page("topics/sco/index.html");
    assert_eq!(
        time_of_item(&topic, "/briefings/summit/"),
        ("2025-08-31".to_string(), "31 August 2025".to_string()),
    );
    let home = site.page("index.html");
    assert!(!home.contains("30 August 2025"), "{home}");
}

#[test]
fn a_briefing_is_archived_under_the_month_its_page_shows() {
    // 23:00 in New York on New Year's Eve is 1 January in Tokyo, where the
    // site shows its times: the page, its breadcrumbs and the archive agree.
    let site = fixture("crosslinks");
    with_site_zone(&site, "Asia/Tokyo");
    site.write(
        "content/briefings/2025-12-31-eve.md",
        "---\ntitle: New Year's Eve\ndate: 2025-12-31T23:00:00-05:00\ntopics: [SCO]\n---\nEve.\n",
    );
    site.build_ok();
    let page = site.page("briefings/eve/index.html");
    let crumbs = section(&page, "class=\"breadcrumbs\"");
    assert!(
        crumbs.contains("<a href=\"/archive/2026/01/\">January 2026</a>"),
        "{crumbs}"
    );
    assert!(
        links(&site.page("archive/2026/01/index.html")).contains(&"/briefings/eve/".to_string())
    );
    assert!(!site.out().join("archive/2025/12").exists());
}

//! Running stories: a briefing in several stories, story profiles, and
//! the errors a story or its profile can make.

mod common;

use common::{edit, fixture, links, section, TestSite};

const TALKS: &str = "content/briefings/2025-09-02-talks.md";
const SUMMIT: &str = "content/briefings/2025-08-31-summit.md";

/// The crosslinks site with the talks in two stories, the summit in the
/// first, and a third briefing in the second.
fn two_stories() -> TestSite {
    let site = fixture("crosslinks");
    edit(
        &site,
        TALKS,
        "people: [Putin, Xi]",
        "people: [Putin, Xi]\nstory: [Putin in China, Gas for China]",
    );
    edit(
        &site,
        SUMMIT,
        "topics: [SCO]",
        "topics: [SCO]\nstory: Putin in China",
    );
    site.write(
        "content/briefings/2025-09-04-gas.md",
        "---\ntitle: Pipeline price still open\ndate: 2025-09-04\nstory:\n  - Gas for China\n---\nNo price yet.\n",
    );
    site
}

/// The links of the `<ol>` lists in a briefing page's story sections.
fn timeline_links(page: &str) -> Vec<Vec<String>> {
    page.split("<section class=\"story\"")
        .skip(1)
        .map(|s| {
            let list = &s[s.find("<ol").expect("a timeline")..s.find("</ol>").expect("end")];
            links(list)
        })
        .collect()
}

#[test]
fn a_briefing_in_two_stories_is_on_both_timelines_and_shows_both() {
    let site = two_stories();
    site.build_ok();
    for (story, others) in [
        ("putin-in-china", "/briefings/summit/"),
        ("gas-for-china", "/briefings/gas/"),
    ] {
        let page = site.page(&format!("stories/{story}/index.html"));
        let found = links(&page);
        assert!(found.contains(&"/briefings/talks/".to_string()), "{story}");
        assert!(found.contains(&others.to_string()), "{story}");
    }

    let talks = site.page("briefings/talks/index.html");
    // Breadcrumbs go through the first story it lists.
    let crumbs = &talks[talks.find("class=\"breadcrumbs\"").expect("crumbs")..];
    let crumbs = &crumbs[..crumbs.find("</nav>").expect("end")];
    assert_eq!(
        links(crumbs),
        ["/", "/stories/", "/stories/putin-in-china/"],
        "{crumbs}"
    );
    // Both stories' timelines, each with its own heading and link.
    assert!(section(&talks, "id=\"story_h\"").contains("href=\"/stories/putin-in-china/\""));
    assert!(section(&talks, "id=\"story_h_2\"").contains("href=\"/stories/gas-for-china/\""));
    assert_eq!(
        timeline_links(&talks),
        [
            vec!["/briefings/summit/".to_string()],
            vec!["/briefings/gas/".to_string()]
        ]
    );
}

#[test]
fn a_briefing_in_both_of_two_stories_is_linked_once_in_the_navigation() {
    let site = two_stories();
    // The gas briefing is now in both stories the talks are in.
    edit(
        &site,
        "content/briefings/2025-09-04-gas.md",
        "  - Gas for China",
        "  - Gas for China\n  - Putin in China",
    );
    site.build_ok();
    let talks = site.page("briefings/talks/index.html");
    let nav_start = talks.find("<aside class=\"rail\"").expect("rail");
    let navigation = &talks[nav_start..];
    let navigation = &navigation[..navigation.find("</footer>").expect("foot")];
    let briefing_links: Vec<String> = links(navigation)
        .into_iter()
        .filter(|l| l.starts_with("/briefings/"))
        .collect();
    let mut distinct = briefing_links.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(
        briefing_links.len(),
        distinct.len(),
        "a briefing linked twice: {briefing_links:?}"
    );
    assert!(briefing_links.contains(&"/briefings/gas/".to_string()));
    // Both timelines are still there, the current briefing on each.
    assert_eq!(
        talks.matches("aria-current=\"page\">Putin and Xi").count(),
        2
    );
}

#[test]
fn a_story_profile_gives_title_summary_introduction_and_aliases() {
    let site = two_stories();
    site.write(
        "content/stories/putin-in-china.md",
        "---\ntitle: Putin in China\nsummary: Vladimir Putin's four-day visit to China.\naliases: [Putin's China visit]\n---\nPutin's first extended trip to a single country in about twenty years, see [the talks](@/briefings/2025-09-02-talks.md).\n",
    );
    edit(
        &site,
        SUMMIT,
        "story: Putin in China",
        "story: Putin's China visit",
    );
    site.build_ok();
    let story = site.page("stories/putin-in-china/index.html");
    assert!(story.contains("<h1>Putin in China</h1>"), "{story}");
    assert!(story.contains("<p class=\"lede\">Vladimir Putin’s four-day visit to China.</p>"));
    let intro = &story[story.find("<div class=\"profile\">").expect("introduction")..];
    assert!(intro.contains("first extended trip"), "{intro}");
    assert!(links(&intro[..intro.find("</div>").expect("end")])
        .contains(&"/briefings/talks/".to_string()));
    // The introduction comes before the timeline.
    assert!(story.find("class=\"profile\"") < story.find("class=\"timeline\""));
    // The alias is the same story.
    assert!(links(&story).contains(&"/briefings/summit/".to_string()));
    assert!(!site.out().join("stories/putin-s-china-visit").exists());
    // Breadcrumbs: Home › Stories › the story.
    let crumbs = &story[story.find("class=\"breadcrumbs\"").expect("crumbs")..];
    let crumbs = &crumbs[..crumbs.find("</nav>").expect("end")];
    assert_eq!(
        links(crumbs),
        ["/", "/stories/", "/stories/putin-in-china/"]
    );
    assert!(crumbs.contains("aria-current=\"page\">Putin in China</a>"));
    // The index shows the summary.
    let index = site.page("stories/index.html");
    assert!(index.contains("Vladimir Putin’s four-day visit to China."));
}

#[test]
fn a_story_profile_no_briefing_names_has_its_page_as_a_topic_profile_does() {
    let site = fixture("crosslinks");
    site.write(
        "content/stories/tariffs-on-india.md",
        "---\ntitle: Tariffs on India\nsummary: The US duties on Indian goods.\n---\nWashington's added duty on Indian goods.\n",
    );
    site.build_ok();
    let story = site.page("stories/tariffs-on-india/index.html");
    assert!(story.contains("No briefings yet."), "{story}");
    assert!(story.contains("added duty"), "{story}");
    let index = site.page("stories/index.html");
    let entry = &index[index.find("Tariffs on India").expect("listed")..];
    assert!(
        entry.starts_with("Tariffs on India</a> <span class=\"count\">no briefings yet</span>"),
        "{entry}"
    );
}

#[test]
fn story_mistakes_are_errors_at_their_file_and_line() {
    let site = fixture("crosslinks");
    edit(
        &site,
        TALKS,
        "people: [Putin, Xi]",
        "people: [Putin, Xi]\nstory: [Putin in China, ~]",
    );
    let errors = site.build_err().to_string();
    assert!(
        errors.contains("content/briefings/2025-09-02-talks.md:7:")
            && errors.contains("'story' has an empty entry"),
        "{errors}"
    );

    let site = fixture("crosslinks");
    edit(
        &site,
        TALKS,
        "people: [Putin, Xi]",
        "people: [Putin, Xi]\nstory: {name: x}",
    );
    let errors = site.build_err().to_string();
    assert!(
        errors.contains("content/briefings/2025-09-02-talks.md:7:")
            && errors.contains("'story' must be a story's name"),
        "{errors}"
    );

    let site = fixture("crosslinks");
    site.write(
        "content/stories/untitled.md",
        "---\nsummary: No title.\n---\nText.\n",
    );
    let errors = site.build_err().to_string();
    assert!(
        errors.contains("content/stories/untitled.md:1:")
            && errors.contains("'title' is required in a story profile"),
        "{errors}"
    );

    let site = fixture("crosslinks");
    site.write(
        "content/stories/odd.md",
        "---\ntitle: Odd\nsumary: A typo.\n---\nText.\n",
    );
    let errors = site.build_err().to_string();
    assert!(
        errors.contains("content/stories/odd.md:3:") && errors.contains("sumary"),
        "{errors}"
    );
}

#[test]
fn a_long_story_shows_each_briefing_its_nearest_and_the_story_page_all() {
    let site = fixture("crosslinks");
    for d in 1..=30 {
        site.write(
            &format!("content/briefings/2025-10-{d:02}-long-{d:02}.md"),
            &format!("---\ntitle: Day {d}\ndate: 2025-10-{d:02}\ntopics: [SCO]\nstory: Long story\n---\nDay {d}.\n"),
        );
    }
    site.build_ok();
    let days = |range: std::ops::RangeInclusive<u32>, but: u32| -> Vec<String> {
        range
            .filter(|&d| d != but)
            .map(|d| format!("/briefings/long-{d:02}/"))
            .collect()
    };
    // Eleven in all, the page's own among them, near its place, and
    // against either end of the story.
    for (day, shown) in [(15, 10..=20), (1, 1..=11), (2, 1..=11), (30, 20..=30)] {
        let page = site.page(&format!("briefings/long-{day:02}/index.html"));
        assert_eq!(timeline_links(&page), [days(shown, day)], "day {day}");
        assert!(section(&page, "id=\"story_h\"").contains("href=\"/stories/long-story/\""));
    }
    let story = links(&site.page("stories/long-story/index.html"));
    for d in days(1..=30, 0) {
        assert!(story.contains(&d), "{d}");
    }
}

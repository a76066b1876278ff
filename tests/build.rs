//! `briefing build` end to end on small fixture sites.

mod common;

use std::fs;

use common::{fixture, links, section};

#[test]
fn a_briefing_links_to_its_topics_and_people_and_they_link_back() {
    let site = fixture("crosslinks");
    site.build_ok();
    let page = site.page("briefings/talks/index.html");
    let topics = section(&page, "id=\"topics_h\"");
    assert!(
        topics.contains(r#"href="/topics/energy/">Energy</a>"#),
        "{topics}"
    );
    assert!(topics.contains(r#"href="/topics/russia-china-relations/">Russia–China relations</a>"#));
    let people = section(&page, "id=\"people_h\"");
    assert!(
        people.contains(r#"href="/people/vladimir-putin/">Vladimir Putin</a>"#),
        "{people}"
    );
    assert!(people.contains(r#"href="/people/xi-jinping/">Xi Jinping</a>"#));

    for subject in [
        "topics/energy/",
        "topics/russia-china-relations/",
        "people/vladimir-putin/",
        "people/xi-jinping/",
    ] {
        let back = site.page(&format!("{subject}index.html"));
        assert!(
            links(&back).contains(&"/briefings/talks/".to_string()),
            "{subject} does not link back to the briefing"
        );
    }
}

#[test]
fn aliases_merge_into_one_person_page() {
    let site = fixture("crosslinks");
    site.build_ok();
    // `Xi` in one briefing and `President Xi` in another are Xi Jinping.
    let xi = site.page("people/xi-jinping/index.html");
    let hrefs = links(&xi);
    assert!(hrefs.contains(&"/briefings/talks/".to_string()));
    assert!(hrefs.contains(&"/briefings/summit/".to_string()));
    assert!(xi.contains("<h1>Xi Jinping</h1>"));
    assert!(xi.contains("President of China"));
    assert!(!site.out().join("people/xi").exists());
    assert!(!site.out().join("people/president-xi").exists());
    let index = site.page("people/index.html");
    assert_eq!(index.matches("href=\"/people/xi-jinping/\"").count(), 1);
    // A name with no profile still gets a page.
    let modi = site.page("people/narendra-modi/index.html");
    assert!(links(&modi).contains(&"/briefings/summit/".to_string()));
}

#[test]
fn topic_pages_list_briefings_newest_first_after_the_profile() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/2025-09-04-later.md",
        "---\ntitle: Later on the SCO\ndate: 2025-09-04\ntopics: [Shanghai Cooperation Organisation]\n---\nText.\n",
    );
    site.build_ok();
    let sco = site.page("topics/sco/index.html");
    let profile = sco.find("A regional grouping.").expect("profile text");
    let later = sco.find("/briefings/later/").expect("later briefing");
    let summit = sco.find("/briefings/summit/").expect("summit briefing");
    assert!(
        profile < later && later < summit,
        "profile, then newest first"
    );
    let topics = site.page("topics/index.html");
    assert!(topics.contains("2 briefings"), "{topics}");
}

#[test]
fn internal_links_resolve_to_the_target_url_and_anchor() {
    let site = fixture("crosslinks");
    // A briefing between the two, so that neither is the other's previous
    // or next, which a page links before its other lists.
    site.write(
        "content/briefings/2025-09-01-gap.md",
        "---\ntitle: A day between\ndate: 2025-09-01\ntopics: [Weather]\n---\nNothing else.\n",
    );
    site.build_ok();
    let page = site.page("briefings/talks/index.html");
    assert!(
        page.contains(r#"<a href="/briefings/summit/#the-opening">summit</a>"#),
        "{page}"
    );
    let about = site.page("about/index.html");
    assert!(about.contains(r#"href="/briefings/talks/""#));
    // The summit page shows who links to it.
    let summit = site.page("briefings/summit/index.html");
    assert!(section(&summit, "id=\"backlinks_h\"").contains("/briefings/talks/"));
}

#[test]
fn previous_and_next_follow_the_dates() {
    let site = fixture("crosslinks");
    site.build_ok();
    let talks = site.page("briefings/talks/index.html");
    assert!(
        talks.contains(r#"<a rel="prev" href="/briefings/summit/">"#),
        "{talks}"
    );
    assert!(!talks.contains("rel=\"next\""));
    let summit = site.page("briefings/summit/index.html");
    assert!(summit.contains(r#"<a rel="next" href="/briefings/talks/">"#));
    // Talks links to the summit and shares Xi with it, but is its next
    // briefing already: not again under "Linked from" or "Related".
    assert!(!summit.contains("id=\"backlinks_h\""), "{summit}");
    assert!(!summit.contains("id=\"related_h\""), "{summit}");
}

#[test]
fn related_briefings_share_people_or_topics() {
    let site = fixture("crosslinks");
    // A briefing between the two, so that neither is the other's previous
    // or next, which a page links before its other lists.
    site.write(
        "content/briefings/2025-09-01-gap.md",
        "---\ntitle: A day between\ndate: 2025-09-01\ntopics: [Weather]\n---\nNothing else.\n",
    );
    site.build_ok();
    let talks = site.page("briefings/talks/index.html");
    assert!(section(&talks, "id=\"related_h\"").contains("/briefings/summit/"));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = fixture("crosslinks");
    site.build_ok();
    assert!(!site.out().join("briefings/parade").exists());
    assert!(!site.out().join("people/kim-jong-un").exists());
    let mut options = site.options();
    options.drafts = true;
    briefing::build(&options).expect("build with drafts");
    assert!(site.page("briefings/parade/index.html").contains("draft"));
    assert!(site.out().join("people/kim-jong-un/index.html").exists());
}

#[test]
fn archive_and_story_pages() {
    let site = fixture("crosslinks");
    site.build_ok();
    let archive = site.page("archive/index.html");
    assert!(
        archive.contains(r#"href="/archive/2025/09/">September 2025</a>"#),
        "{archive}"
    );
    assert!(archive.contains(r#"href="/archive/2025/08/">August 2025</a>"#));
    let september = site.page("archive/2025/09/index.html");
    assert!(links(&september).contains(&"/briefings/talks/".to_string()));
    assert!(!links(&september).contains(&"/briefings/summit/".to_string()));
    assert!(site.out().join("404.html").exists());
    assert!(site.page("index.html").contains("/briefings/talks/"));
}

#[test]
fn front_matter_text_is_escaped() {
    let site = fixture("override");
    site.build_ok();
    let page = site.page("briefings/one/index.html");
    assert!(!page.contains("<script>alert"), "{page}");
    assert!(page.contains("One &lt;script&gt;alert(1)&lt;/script&gt; &amp; more"));
}

#[test]
fn a_site_template_overrides_the_theme() {
    let site = fixture("override");
    site.build_ok();
    let page = site.page("briefings/one/index.html");
    assert!(page.contains(r#"<h1 class="site-override">"#), "{page}");
    // The theme's other templates still apply.
    assert!(site
        .page("topics/trade/index.html")
        .contains("<h1>Trade</h1>"));
    // The site's static file wins over the theme's.
    assert_eq!(site.page("css/site.css"), "/* site css wins */\n");
}

#[test]
fn a_base_url_with_a_path_prefixes_every_link() {
    let site = fixture("override");
    site.build_ok();
    let page = site.page("topics/trade/index.html");
    assert!(page.contains(r#"href="/news/css/site.css""#), "{page}");
    assert!(links(&page).contains(&"/news/briefings/one/".to_string()));
    assert!(
        page.contains(r#"<link rel="canonical" href="https://example.org/news/topics/trade/">"#)
    );
}

#[test]
fn names_that_slug_alike_are_an_error_naming_both_files() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/2025-09-05-a.md",
        "---\ntitle: A\ndate: 2025-09-05\npeople: [Kim Jong-un]\n---\n",
    );
    site.write(
        "content/briefings/2025-09-06-b.md",
        "---\ntitle: B\ndate: 2025-09-06\npeople: [Kim Jong Un]\n---\n",
    );
    let errors = site.build_err().to_string();
    assert!(errors.contains("content/briefings/2025-09-06-b.md:4: the person 'Kim Jong Un' and the person 'Kim Jong-un' (content/briefings/2025-09-05-a.md) would both be published at /people/kim-jong-un/"), "{errors}");
    // From profiles, at the line of each one's name.
    site.remove("content/briefings/2025-09-05-a.md")
        .remove("content/briefings/2025-09-06-b.md");
    site.write("content/people/a.md", "---\nname: Kim Jong-un\n---\nA.\n");
    site.write(
        "content/people/b.md",
        "---\nrole: Leader\nname: Kim Jong Un\n---\nB.\n",
    );
    let errors = site.build_err().to_string();
    assert!(errors.contains("content/people/b.md:3: the person 'Kim Jong Un' and the person 'Kim Jong-un' (content/people/a.md) would both be published at"), "{errors}");
    site.write(
        "content/people/b.md",
        "---\nname: Kim\naliases: [Kim Jong-un]\n---\nB.\n",
    );
    let errors = site.build_err().to_string();
    assert!(errors.contains("content/people/b.md:3:10: the name 'Kim Jong-un' is already used by Kim Jong-un (content/people/a.md)"), "{errors}");
}

#[test]
fn two_briefings_with_one_slug_are_an_error() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/talks.md",
        "---\ntitle: Again\ndate: 2025-09-09\n---\n",
    );
    let errors = site.build_err().to_string();
    assert!(errors.contains("content/briefings/talks.md: the slug 'talks' is already taken by content/briefings/2025-09-02-talks.md"), "{errors}");
}

#[test]
fn static_and_pages_are_written_with_pretty_urls() {
    let site = fixture("crosslinks");
    let report = site.build_ok();
    assert_eq!(report.briefings, 2);
    for file in [
        "index.html",
        "briefings/talks/index.html",
        "topics/index.html",
        "people/index.html",
        "about/index.html",
        "css/site.css",
        "404.html",
    ] {
        assert!(site.out().join(file).is_file(), "{file}");
    }
}

#[test]
fn an_unchanged_rebuild_keeps_file_times() {
    let site = fixture("crosslinks");
    site.build_ok();
    let file = site.out().join("briefings/talks/index.html");
    let before = fs::metadata(&file)
        .and_then(|m| m.modified())
        .expect("mtime");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let report = site.build_ok();
    assert_eq!(report.changed, 0);
    let after = fs::metadata(&file)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(before, after);
}

/// The crosslinks fixture with `lines` added to the talks briefing's front-matter.
fn talks_with(lines: &str) -> common::TestSite {
    let site = fixture("crosslinks");
    let path = "content/briefings/2025-09-02-talks.md";
    let text = std::fs::read_to_string(site.root.join(path)).expect("talks");
    site.write(path, &text.replacen("---\n", &format!("---\n{lines}"), 1));
    site
}

#[test]
fn a_briefings_image_is_its_social_card_and_the_sites_image_the_others() {
    let site = talks_with("image: /images/talks.jpg\nimage_alt: Putin and Xi shake hands\n");
    site.build_ok();
    let talks = site.page("briefings/talks/index.html");
    assert!(
        talks.contains(
            r#"<meta property="og:image" content="https://example.org/images/talks.jpg">"#
        ),
        "{talks}"
    );
    assert!(talks.contains(r#"<meta property="og:image:alt" content="Putin and Xi shake hands">"#));
    assert!(talks.contains(r#"<meta name="twitter:card" content="summary_large_image">"#));
    let summit = site.page("briefings/summit/index.html");
    assert!(!summit.contains("og:image"), "{summit}");
    assert!(summit.contains(r#"<meta name="twitter:card" content="summary">"#));

    site.write(
        "briefing.yaml",
        "title: Crosslinks\nbase_url: https://example.org/news/\nimage: https://cdn.example.org/card.png\n",
    );
    site.build_ok();
    let summit = site.page("briefings/summit/index.html");
    assert!(
        summit.contains(r#"<meta property="og:image" content="https://cdn.example.org/card.png">"#),
        "{summit}"
    );
    assert!(summit.contains(r#"<meta name="twitter:card" content="summary_large_image">"#));
    let talks = site.page("briefings/talks/index.html");
    assert!(
        talks.contains(r#"content="https://example.org/news/images/talks.jpg""#),
        "{talks}"
    );
    assert!(site
        .page("topics/index.html")
        .contains("https://cdn.example.org/card.png"));
}

#[test]
fn an_image_needs_words_and_a_safe_url() {
    let site = talks_with("image: /images/talks.jpg\n");
    let e = site.build_err().to_string();
    assert!(
        e.contains("2025-09-02-talks.md:2") && e.contains("'image' needs 'image_alt'"),
        "{e}"
    );
    let site = talks_with("image: \"javascript:alert(1)\"\nimage_alt: x\n");
    let e = site.build_err().to_string();
    assert!(
        e.contains("2025-09-02-talks.md:2") && e.contains("not allowed"),
        "{e}"
    );
    let site = fixture("crosslinks");
    site.write(
        "briefing.yaml",
        "title: C\nbase_url: https://example.org/\nimage: \"data:text/html,x\"\n",
    );
    let e = site.build_err().to_string();
    assert!(
        e.contains("briefing.yaml:3") && e.contains("not allowed"),
        "{e}"
    );
}

/// Every `id="…"` of a page.
fn ids(page: &str) -> Vec<&str> {
    page.split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn headings_named_like_the_themes_sections_take_no_id_of_the_page() {
    // A heading's id is made of its words with hyphens, never an
    // underscore, and the default theme's ids each have one.
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/2025-09-08-sections.md",
        "---\ntitle: Sections\ndate: 2025-09-08\ntopics: [SCO]\npeople: [Xi]\n---\n## Main\n\n## Main content\n\n## Topics h\n\n## Related h\n\n## Story h\n\nText.\n",
    );
    site.build_ok();
    for page in [
        "briefings/sections/index.html",
        "briefings/talks/index.html",
        "people/xi-jinping/index.html",
    ] {
        let html = site.page(page);
        let mut seen = std::collections::HashSet::new();
        for id in ids(&html) {
            assert!(seen.insert(id), "{page}: id '{id}' twice");
        }
    }
    let html = site.page("briefings/sections/index.html");
    assert!(html.contains("<main id=\"main_content\">") && html.contains("href=\"#main_content\""));
    assert!(html.contains("<h2 id=\"main\">Main</h2>"), "{html}");
}

//! Every kind of page in the table, rendered by templates that print their
//! whole context. After each edit of anything a template can see, what the
//! preview holds and what an incremental build writes must equal a fresh
//! build: a field left out of a page's digest would leave its page stale.
//! The templates come from the table, so a new kind is tested here as soon
//! as it is added.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use briefing::serve::preview::Preview;
use briefing::serve::watch::Change;
use briefing::BuildOptions;
use common::{fixture, TestSite};

const BASE: &str = "https://example.org/";

fn options(site: &TestSite) -> BuildOptions {
    let mut options = BuildOptions::new(&site.root);
    options.base_url = Some(BASE.into());
    options
}

fn fresh(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    let files = briefing::render_site(&options(site)).unwrap_or_else(|e| panic!("{e}"));
    files.into_iter().map(|f| (f.path, f.bytes)).collect()
}

/// The fixture, with a theme whose every template, one per kind in the
/// table, prints its name and its whole context.
fn dumping_site() -> TestSite {
    let site = fixture("crosslinks");
    for template in briefing::page_templates() {
        site.write(
            &format!("templates/{template}"),
            &format!("<!-- {template} -->\n{{{{ __tera_context | safe }}}}\n"),
        );
    }
    // Lists split into pages of one briefing: every later page is a page
    // whose list part moves with each edit.
    let config = std::fs::read_to_string(site.root.join("briefing.yaml")).expect("config");
    site.write(
        "briefing.yaml",
        &format!("{config}paginate: 1\nhome_briefings: 1\n"),
    );
    // An edition and a running story, so their kinds have pages too.
    site.write(
        EDITION,
        "---\ntitle: Talks day\ndate: 2025-09-02T20:00:00+08:00\nlead: \"@/briefings/2025-09-02-talks.md\"\nbriefings:\n  - \"@/briefings/2025-08-31-summit.md\"\nsummary: Putin and Xi meet.\n---\n- The [talks](@/briefings/2025-09-02-talks.md) follow the summit.\n",
    );
    edit(&site, "content/briefings/2025-09-02-talks.md", |t| {
        t.replace(
            "people: [Putin, Xi]",
            "people: [Putin, Xi]\nstory: Putin in China",
        )
    });
    site.write(
        STORY,
        "---\ntitle: Putin in China\nsummary: A four-day visit.\naliases: [Putin's visit]\n---\nThe visit begins in Tianjin.\n",
    );
    site
}

fn edit(site: &TestSite, path: &str, change: impl Fn(&str) -> String) {
    let file = site.root.join(path);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{path}: {e}"));
    let changed = change(&text);
    assert_ne!(text, changed, "the edit of {path} changed nothing");
    std::fs::write(&file, changed).expect("write");
}

const TALKS: &str = "content/briefings/2025-09-02-talks.md";
const SUMMIT: &str = "content/briefings/2025-08-31-summit.md";
const EDITION: &str = "content/editions/2025-09-02.md";
const PARADE: &str = "content/briefings/2025-09-03-parade.md";
const XI: &str = "content/people/xi-jinping.md";
const SCO: &str = "content/topics/sco.md";
const ABOUT: &str = "content/pages/about.md";
const STORY: &str = "content/stories/putin-in-china.md";

type Edit = (&'static str, &'static str, fn(&str) -> String);

/// One edit of each field a template can see of briefings, profiles and
/// pages, in front-matter and body.
fn edits() -> Vec<Edit> {
    vec![
        ("title", TALKS, |t| {
            t.replace("hold talks", "hold long talks")
        }),
        ("date", TALKS, |t| {
            t.replace("T10:00:00+08:00", "T11:30:00+08:00")
        }),
        ("updated", TALKS, |t| {
            t.replace("date: 2025", "updated: 2025-09-04\ndate: 2025")
        }),
        ("summary", TALKS, |t| t.replace("Great Hall", "great hall")),
        ("first paragraph as summary", SUMMIT, |t| {
            t.replace("twenty leaders", "twenty-six leaders")
        }),
        ("a topic added", SUMMIT, |t| {
            t.replace("topics: [SCO]", "topics: [SCO, Energy]")
        }),
        ("a person removed", SUMMIT, |t| {
            t.replace("[President Xi, Narendra Modi]", "[President Xi]")
        }),
        ("sources", TALKS, |t| {
            t.replace("CNA: the Power", "CNA on the Power")
        }),
        ("story", TALKS, |t| {
            t.replace("Putin in China", "Putin's visit")
        }),
        ("story profile summary", STORY, |t| {
            t.replace("A four-day visit.", "Four days in China.")
        }),
        ("story profile introduction", STORY, |t| {
            t.replace("begins in Tianjin", "begins in Tianjin, at the SCO summit")
        }),
        ("story profile title", STORY, |t| {
            t.replace("title: Putin in China", "title: Putin visits China")
        }),
        ("story profile extra", STORY, |t| {
            t.replace("summary:", "extra: {region: Asia}\nsummary:")
        }),
        ("story list", SUMMIT, |t| {
            t.replace(
                "title: SCO summit opens in Tianjin",
                "title: SCO summit opens in Tianjin\nstory: [Putin's visit, The SCO summit]",
            )
        }),
        ("timezone", TALKS, |t| {
            t.replace("date: 2025", "timezone: Europe/Moscow\ndate: 2025")
        }),
        ("extra", TALKS, |t| {
            t.replace("date: 2025", "extra: {lead_image: gas.jpg}\ndate: 2025")
        }),
        ("slug", SUMMIT, |t| {
            t.replace("date: 2025", "slug: tianjin\ndate: 2025")
        }),
        ("body", TALKS, |t| {
            t.replace("on a pipeline", "on a gas pipeline")
        }),
        ("heading", SUMMIT, |t| {
            t.replace("## The opening", "## The opening day {#the-opening}")
        }),
        ("link_mentions", SUMMIT, |t| {
            t.replace("date: 2025", "link_mentions: false\ndate: 2025")
        }),
        ("role", XI, |t| {
            t.replace("President of China", "Chinese leader")
        }),
        ("aliases", XI, |t| {
            t.replace(
                "[Xi, President Xi]",
                "[Xi, President Xi, Xi Jinping of China]",
            )
        }),
        ("portrait", XI, |t| {
            t.replace("role:", "portrait: images/xi.jpg\nrole:")
        }),
        ("profile extra", XI, |t| {
            t.replace("role:", "extra: {born: 1953}\nrole:")
        }),
        ("profile body", XI, |t| {
            t.replace("Hosts the summit.", "Hosts the SCO summit.")
        }),
        ("description", SCO, |t| {
            t.replace("The Shanghai", "the Shanghai")
        }),
        ("page title", ABOUT, |t| {
            t.replace("title: About", "title: About us")
        }),
        ("page extra", ABOUT, |t| {
            t.replace("title:", "extra: {menu: 2}\ntitle:")
        }),
        ("page body", ABOUT, |t| {
            t.replace("A test site.", "A small test site.")
        }),
        ("edition title", EDITION, |t| {
            t.replace("Talks day", "The talks")
        }),
        ("edition date", EDITION, |t| t.replace("T20:00", "T21:00")),
        ("edition summary", EDITION, |t| {
            t.replace("Putin and Xi meet.", "Xi hosts Putin.")
        }),
        ("edition note", EDITION, |t| {
            t.replace("follow the summit", "come after the summit")
        }),
        ("edition order", EDITION, |t| {
            t.replace(
                "lead: \"@/briefings/2025-09-02-talks.md\"",
                "lead: \"@/briefings/2025-08-31-summit.md\"",
            )
            .replace(
                "  - \"@/briefings/2025-08-31-summit.md\"",
                "  - \"@/briefings/2025-09-02-talks.md\"",
            )
        }),
        ("draft published", PARADE, |t| {
            t.replace("draft: true", "draft: false")
        }),
        ("edition section", EDITION, |t| {
            t.replace("summary:", "sections:\n  - {title: Also today, briefings: [\"@/briefings/2025-09-03-parade.md\"]}\nsummary:")
        }),
    ]
}

#[test]
fn every_kind_of_page_is_rendered_again_when_anything_it_shows_changes() {
    let site = dumping_site();
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    site.build_ok();

    // Every kind in the table has a page here.
    let held: BTreeMap<String, Vec<u8>> = preview
        .files()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect();
    for template in briefing::page_templates() {
        let marker = format!("<!-- {template} -->");
        assert!(
            held.values()
                .any(|bytes| String::from_utf8_lossy(bytes).starts_with(&marker)),
            "no page of the kind rendered by {template}"
        );
    }

    for (what, path, change) in edits() {
        edit(&site, path, change);
        preview
            .rebuild(&[Change::Content(PathBuf::from(path))])
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let expected = fresh(&site);
        let held: BTreeMap<String, Vec<u8>> = preview
            .files()
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_vec()))
            .collect();
        assert_same(what, "the preview", &held, &expected);
        site.build_ok();
        assert_same(what, "the build", &common::tree(&site.out()), &expected);
    }
}

fn assert_same(
    what: &str,
    who: &str,
    got: &BTreeMap<String, Vec<u8>>,
    expected: &BTreeMap<String, Vec<u8>>,
) {
    let stale: Vec<&String> = expected
        .iter()
        .filter(|(path, bytes)| got.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .collect();
    let extra: Vec<&String> = got.keys().filter(|p| !expected.contains_key(*p)).collect();
    assert!(
        stale.is_empty() && extra.is_empty(),
        "after the {what} edit, {who} holds stale {stale:?} and extra {extra:?}"
    );
}

#[test]
fn an_address_that_belongs_to_the_site_is_an_error_at_its_source() {
    for (slug, message) in [
        ("search", "that address belongs to the site"),
        (
            "news-sitemap.xml",
            "where a file the site lists itself in is",
        ),
        ("topics", "that address belongs to the site"),
        ("stories", "that address belongs to the site"),
    ] {
        let site = fixture("crosslinks");
        site.write(
            "content/pages/odd.md",
            &format!("---\ntitle: Odd\nslug: {slug}\n---\nText.\n"),
        );
        let errors = site.build_err().to_string();
        assert!(
            errors.contains("content/pages/odd.md") && errors.contains(message),
            "slug {slug}: {errors}"
        );
        assert!(!site.out().exists(), "nothing is written");
    }
}

#[test]
fn a_static_file_where_a_briefing_is_published_is_an_error() {
    let site = fixture("crosslinks");
    site.write(
        "static/briefings/talks/index.html",
        "<p>not the briefing</p>\n",
    );
    let errors = site.build_err().to_string();
    assert!(
        errors.contains("content/briefings/2025-09-02-talks.md")
            && errors.contains("static file /briefings/talks/index.html"),
        "{errors}"
    );
}

#[test]
fn a_static_file_where_the_search_index_is_is_an_error_naming_it() {
    // A generated shard and records file, the manifest, a file the index
    // does not write today but could as the site grows, and a file where
    // the index needs a folder.
    for (file, named) in [
        ("static/search/t/0.json", "static file /search/t/0.json"),
        ("static/search/b/0.json", "static file /search/b/0.json"),
        ("static/search/index.json", "static file /search/index.json"),
        ("static/search/t/xx.json", "static file /search/t/xx.json"),
        ("static/search/b", "static file /search/b is"),
    ] {
        let site = fixture("crosslinks");
        site.write(file, "{}\n");
        let errors = site.build_err().to_string();
        assert!(
            errors.contains(named) && errors.contains("search index"),
            "{file}: {errors}"
        );
        assert!(!site.out().exists(), "{file}: nothing is written");
    }
    // Beside the index's files, the search folder is the site's to use.
    let site = fixture("crosslinks");
    site.write("static/search/help.txt", "Type a word.\n");
    site.build_ok();
    assert_eq!(
        std::fs::read_to_string(site.out().join("search/help.txt")).expect("copied"),
        "Type a word.\n"
    );
}

#[test]
fn a_profile_slug_that_would_put_a_folder_where_a_file_is_is_an_error() {
    let site = fixture("crosslinks");
    site.write(
        "content/topics/index.md",
        "---\nname: Index\nslug: index.html\n---\nA topic at an odd address.\n",
    );
    let result = site.build();
    // Either the slug is refused as written, or the address is: never a
    // build that fails at write time.
    let errors = match result {
        Ok(_) => panic!("the build should have failed"),
        Err(e) => e.to_string(),
    };
    assert!(errors.contains("content/topics/index.md"), "{errors}");
}

#[test]
fn the_stories_index_lists_running_stories_newest_first() {
    let site = fixture("crosslinks");
    edit(&site, TALKS, |t| {
        t.replace(
            "people: [Putin, Xi]",
            "people: [Putin, Xi]\nstory: Putin in China",
        )
    });
    edit(&site, SUMMIT, |t| {
        t.replace("topics: [SCO]", "topics: [SCO]\nstory: The SCO summit")
    });
    site.build_ok();
    let index = site.page("stories/index.html");
    let putin = index
        .find("Putin in China")
        .expect("the Putin story is listed");
    let summit = index
        .find("The SCO summit")
        .expect("the summit story is listed");
    assert!(
        putin < summit,
        "the story with the newest briefing comes first"
    );
    assert!(common::links(&index).contains(&"/stories/putin-in-china/".to_string()));
    assert!(
        index.contains("1 briefing, latest <time datetime=\"2025-09-02\">2 September 2025</time>")
    );
    // Linked from the menu of every page, and from each story's breadcrumb.
    let home = site.page("index.html");
    assert!(common::links(&home).contains(&"/stories/".to_string()));
    let story = site.page("stories/putin-in-china/index.html");
    let at = story.find("class=\"breadcrumbs\"").expect("breadcrumbs");
    let crumbs = &story[at..at + story[at..].find("</nav>").expect("end of breadcrumbs")];
    assert!(
        common::links(crumbs).contains(&"/stories/".to_string()),
        "{crumbs}"
    );
}

#[test]
fn long_lists_are_split_into_linked_pages() {
    let site = fixture("editions");
    std::fs::remove_dir_all(site.root.join("content/editions")).expect("no editions");
    site.write(
        "briefing.yaml",
        "title: Pages\nbase_url: https://example.org/news/\npaginate: {default: 30, topic: 1}\nhome_briefings: 2\n",
    );
    site.build_ok();
    // Energy has two briefings: one a page. Pages are numbered from the
    // oldest: the front page, then page 1.
    let first = site.page("topics/energy/index.html");
    let second = site.page("topics/energy/page/1/index.html");
    assert!(!site.out().join("topics/energy/page/2").exists());
    assert!(
        first.contains("<link rel=\"canonical\" href=\"https://example.org/news/topics/energy/\">")
    );
    assert!(second.contains(
        "<link rel=\"canonical\" href=\"https://example.org/news/topics/energy/page/1/\">"
    ));
    assert!(first.contains("<link rel=\"next\" href=\"/news/topics/energy/page/1/\">"));
    assert!(!first.contains("rel=\"prev\""));
    assert!(second.contains("<link rel=\"prev\" href=\"/news/topics/energy/\">"));
    assert!(second.contains("Page 1 of 2") && first.contains("Newest"));
    assert!(second.contains("<title>Energy · page 1 · Pages</title>"));
    assert!(first.contains("<title>Energy · Pages</title>"));
    // The newest on the front page, the older on page 1.
    assert!(first.contains("A pipeline memorandum") && !first.contains("Putin and Xi hold talks"));
    assert!(
        second.contains("Putin and Xi hold talks") && !second.contains("A pipeline memorandum")
    );
    // The month uses the default of 30: one page. The home page lists
    // `home_briefings` a page, over every briefing.
    assert!(!site.out().join("archive/2025/09/page").exists());
    // Five briefings, two a page: the front page holds the newest three,
    // page 1 the oldest two.
    let home = site.page("index.html");
    let home_1 = site.page("page/1/index.html");
    assert!(!site.out().join("page/2").exists());
    assert!(home_1.contains("Page 1 of 2"), "{home_1}");
    assert!(home.contains("Parade in Beijing") && !home.contains("A pipeline memorandum"));
    assert!(home_1.contains("Putin and Xi hold talks") && home_1.contains("A pipeline memorandum"));
    // Every page is in the sitemap.
    let sitemap = site.page("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.org/news/topics/energy/page/1/</loc>"));
    assert!(sitemap.contains("<loc>https://example.org/news/page/1/</loc>"));
}

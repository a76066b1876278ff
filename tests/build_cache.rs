//! A build that reuses the previous build's work writes exactly what a
//! fresh build would, and leaves unchanged pages alone.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;

use common::{fixture, tree, TestSite};

/// The same sources built from nothing into a folder of their own.
fn fresh(site: &TestSite) -> BTreeMap<String, Vec<u8>> {
    let out = site.root.join("fresh-output");
    let _ = fs::remove_dir_all(&out);
    let mut options = site.options();
    options.output = Some(out.clone());
    briefing::build(&options).unwrap_or_else(|e| panic!("{e}"));
    let built = tree(&out);
    fs::remove_dir_all(&out).expect("clean");
    built
}

/// One of the files of the site's build cache, in the site root.
fn cache_file(site: &TestSite, name: &str) -> std::path::PathBuf {
    let caches = site.root.join(".briefing");
    fs::read_dir(&caches)
        .expect("the cache folder")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("site-"))
        })
        .expect("the cache of site/")
        .join(name)
}

fn inode(site: &TestSite, path: &str) -> u64 {
    fs::metadata(site.out().join(path)).expect("meta").ino()
}

#[test]
fn edits_rebuilt_with_the_cache_equal_a_fresh_build() {
    let site = fixture("mentions");
    site.build_ok();
    assert!(cache_file(&site, "cache").is_file());
    let untouched = inode(&site, "briefings/off/index.html");

    // A body edit: its page changes, a page that does not show it is linked as it was.
    let path = "content/briefings/2025-09-02-links.md";
    let text = fs::read_to_string(site.root.join(path)).expect("read");
    site.write(
        path,
        &text.replace("Xi Jinping is named", "Xi Jinping is also named"),
    );
    let report = site.build_ok();
    assert!(
        report.changed > 0 && report.changed < report.files,
        "{} of {}",
        report.changed,
        report.files
    );
    assert_eq!(inode(&site, "briefings/off/index.html"), untouched);
    assert!(site
        .page("briefings/links/index.html")
        .contains("is also named"));
    assert_eq!(tree(&site.out()), fresh(&site));

    // A title change reaches every list that shows it.
    site.write(
        path,
        &text.replace("title: Existing links", "title: Links that exist"),
    );
    site.build_ok();
    assert_eq!(tree(&site.out()), fresh(&site));

    // A new briefing, and one removed: its page and folder go, as does a
    // file the build never made.
    site.write("content/briefings/2025-09-04-new.md", "---\ntitle: New\ndate: 2025-09-04\npeople: [Putin]\nstory: Putin in China\n---\nPutin again.\n");
    site.remove("content/briefings/2025-09-03-off.md");
    fs::write(site.out().join("stray.txt"), "not ours").expect("stray");
    site.build_ok();
    assert_eq!(tree(&site.out()), fresh(&site));
    assert!(!site.out().join("briefings/off").exists());

    // A template change: the cache is not used, everything is rendered again.
    site.write("templates/topic.html", "{% extends \"base.html\" %}{% block main %}<h1>{{ page.name }}</h1><p>changed</p>{% endblock main %}");
    let report = site.build_ok();
    assert!(site
        .page("topics/energy/index.html")
        .contains("<p>changed</p>"));
    assert_eq!(tree(&site.out()), fresh(&site));
    assert_eq!(report.files, tree(&site.out()).len());
}

#[test]
fn a_corrupt_cache_is_ignored() {
    let site = fixture("mentions");
    site.build_ok();
    fs::write(cache_file(&site, "cache"), "{ not json").expect("corrupt");
    site.build_ok();
    assert_eq!(tree(&site.out()), fresh(&site));
    // The parsed front-matter kept beside it: unreadable, or from another
    // program's fields, it is parsed again.
    let meta = cache_file(&site, "cache-meta");
    assert!(meta.is_file());
    fs::write(&meta, "{\"schema\": 1, \"entries\": {}}").expect("other schema");
    site.build_ok();
    assert_eq!(tree(&site.out()), fresh(&site));
    fs::write(&meta, [0xff, 0xfe, 0x00]).expect("corrupt");
    site.build_ok();
    assert_eq!(tree(&site.out()), fresh(&site));
}

#[test]
fn a_deleted_output_is_built_again_whatever_the_cache_says() {
    let site = fixture("mentions");
    site.build_ok();
    fs::remove_dir_all(site.out()).expect("delete site");
    let report = site.build_ok();
    assert_eq!(report.files, tree(&site.out()).len());
    assert_eq!(tree(&site.out()), fresh(&site));
}

fn dir_inode(site: &TestSite) -> u64 {
    fs::metadata(site.out()).expect("site").ino()
}

#[test]
fn a_small_change_updates_the_output_in_place_and_a_render_failure_changes_nothing() {
    let site = fixture("mentions");
    site.build_ok();
    let folder = dir_inode(&site);
    let untouched = inode(&site, "briefings/off/index.html");
    let path = "content/briefings/2025-09-02-links.md";
    let text = fs::read_to_string(site.root.join(path)).expect("read");
    site.write(path, &text.replace("Xi Jinping is named", "Xi is named"));
    site.build_ok();
    // Updated where it is: same folder, the unchanged page not even relinked.
    assert_eq!(dir_inode(&site), folder);
    assert_eq!(inode(&site, "briefings/off/index.html"), untouched);
    assert_eq!(tree(&site.out()), fresh(&site));

    // A template that fails only while rendering: nothing is written.
    let before = common::snapshot(&site.out());
    site.write(
        "templates/briefing.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.no_such_field.deeper }}{% endblock main %}",
    );
    site.write(
        path,
        &text.replace("Xi Jinping is named", "Xi Jinping alone is named"),
    );
    let error = site.build_err().to_string();
    assert!(error.contains("briefing.html"), "{error}");
    assert_eq!(common::snapshot(&site.out()), before);
}

#[test]
fn a_change_to_most_pages_goes_through_a_new_folder() {
    let site = fixture("mentions");
    // More pages than are held in memory for an update in place.
    for i in 0..1100 {
        site.write(
            &format!("content/briefings/bulk-{i:04}.md"),
            &format!("---\ntitle: Bulk {i}\ndate: 2024-01-01\ntopics: [Energy]\n---\nText {i}.\n"),
        );
    }
    site.build_ok();
    let folder = dir_inode(&site);
    let stylesheet = inode(&site, "css/site.css");
    site.write(
        "content/topics/energy.md",
        "---\nname: Energy policy\naliases: [Energy]\n---\nRenamed.\n",
    );
    let report = site.build_ok();
    assert_ne!(dir_inode(&site), folder, "swapped in whole");
    // Unchanged files are still linked from the previous site.
    assert_eq!(inode(&site, "css/site.css"), stylesheet);
    assert!(report.changed > 1024 && report.changed < report.files);
    assert_eq!(tree(&site.out()), fresh(&site));
}

#[test]
fn updates_in_place_equal_a_fresh_build_when_files_trade_places() {
    let site = fixture("mentions");
    site.build_ok();
    // A site's own file at a generated page's path replaces it, in place as
    // in a fresh build.
    site.write("static/404.html", "<p>Our own not-found page</p>\n");
    site.write("static/robots.txt", "User-agent: *\nDisallow: /\n");
    site.build_ok();
    assert_eq!(site.page("404.html"), "<p>Our own not-found page</p>\n");
    assert_eq!(tree(&site.out()), fresh(&site));

    // A file becomes a folder, then a folder a file again.
    site.write("static/docs", "a file\n");
    site.build_ok();
    assert_eq!(tree(&site.out()), fresh(&site));
    site.remove("static/docs");
    site.write("static/docs/guide.txt", "in a folder\n");
    site.build_ok();
    assert_eq!(tree(&site.out()), fresh(&site));
    site.remove("static/docs/guide.txt");
    fs::remove_dir(site.root.join("static/docs")).expect("rmdir");
    site.write("static/docs", "a file again\n");
    site.build_ok();
    assert_eq!(tree(&site.out()), fresh(&site));
    assert!(site.out().join("docs").is_file());
}

/// What a test does to a site, and what to call it.
type Change<'a> = (&'a str, Box<dyn Fn() + 'a>);

/// Build `site` and say whether it had nothing to do.
fn did_nothing(site: &TestSite) -> bool {
    let report = site.build_ok();
    assert_eq!(report.files, tree(&site.out()).len());
    report.unchanged
}

#[test]
fn a_build_of_the_last_builds_sources_does_nothing_and_any_change_builds_again() {
    let site = fixture("mentions");
    // A warning, which a build with nothing to do says again.
    std::os::unix::fs::symlink(
        "2025-09-01-code.md",
        site.root.join("content/briefings/link.md"),
    )
    .expect("symlink");
    let first = site.build_ok();
    assert!(!first.unchanged);
    assert!(!first.warnings.is_empty());
    let again = site.build_ok();
    assert!(again.unchanged, "the same sources over the same output");
    assert_eq!(
        (again.files, again.briefings, again.feeds, &again.warnings),
        (first.files, first.briefings, first.feeds, &first.warnings)
    );
    assert_eq!(tree(&site.out()), fresh(&site));

    // Each of these makes a build do its work, and leaves what a fresh
    // build of the same sources leaves; the build after it has nothing to do.
    let path = "content/briefings/2025-09-02-links.md";
    let text = fs::read_to_string(site.root.join(path)).expect("read");
    let out = site.out();
    let changes: Vec<Change> = vec![
        (
            "one byte of a briefing",
            Box::new(|| {
                site.write(path, &format!("{text} "));
            }),
        ),
        (
            "a new static file",
            Box::new(|| {
                site.write("static/notes.txt", "notes");
            }),
        ),
        (
            "a static file's bytes",
            Box::new(|| {
                site.write("static/notes.txt", "Notes");
            }),
        ),
        (
            "the config",
            Box::new(|| {
                let config = fs::read_to_string(site.root.join("briefing.yaml")).expect("config");
                site.write("briefing.yaml", &format!("{config}\n# edited\n"));
            }),
        ),
        (
            "a template",
            Box::new(|| {
                site.write("templates/topic.html", "{% extends \"base.html\" %}{% block main %}<h1>{{ page.name }}</h1>{% endblock main %}");
            }),
        ),
        (
            "an output file removed",
            Box::new(|| {
                fs::remove_file(out.join("topics/energy/index.html")).expect("remove");
            }),
        ),
        (
            "an output file changed into a folder",
            Box::new(|| {
                fs::remove_file(out.join("robots.txt")).expect("remove");
                fs::create_dir(out.join("robots.txt")).expect("folder");
            }),
        ),
        (
            "a file added to the output",
            Box::new(|| {
                fs::write(out.join("stray.txt"), "not ours").expect("stray");
            }),
        ),
        (
            "an empty folder in the output",
            Box::new(|| {
                fs::create_dir(out.join("empty")).expect("folder");
            }),
        ),
        (
            "the output's mark",
            Box::new(|| {
                fs::write(out.join(".briefing-output"), "updating\n").expect("mark");
            }),
        ),
    ];
    for (what, change) in changes {
        change();
        assert!(!did_nothing(&site), "{what}: the build did nothing");
        assert_eq!(tree(&site.out()), fresh(&site), "{what}");
        assert!(
            did_nothing(&site),
            "{what}: the next build did its work again"
        );
    }

    // A build for other drafts or another address is another output.
    let mut drafts = site.options();
    drafts.drafts = true;
    assert!(!briefing::build(&drafts).expect("drafts").unchanged);
    assert!(!did_nothing(&site));
}

/// The binary's `build --timings`, its clock set to `epoch`: the news
/// sitemap, and whether the build said it had nothing to do.
fn build_at(site: &TestSite, epoch: i64) -> (String, bool) {
    let said = common::build_at_clock(&site.root, epoch, &["--timings"]).contains("nothing to do");
    (site.page("news-sitemap.xml"), said)
}

#[test]
fn a_build_with_nothing_changed_but_the_clock_rewrites_the_news_sitemap_when_it_moves() {
    let site = fixture("mentions");
    // 2025-09-02T10:00:00+08:00, the links briefing, and a day later.
    let published = 1_756_778_400;
    let day = 86_400;
    let (news, nothing) = build_at(&site, published + day);
    assert!(news.contains("/briefings/links/"), "{news}");
    assert!(!nothing);
    // Later the same day: the news sitemap would be the same.
    let (_, nothing) = build_at(&site, published + day + 3_600);
    assert!(nothing, "an hour later, nothing changes");
    // Two days after it was published it leaves the news sitemap.
    let (news, nothing) = build_at(&site, published + 2 * day + 1);
    assert!(!nothing, "past its two days the build does its work");
    assert!(!news.contains("/briefings/links/"), "{news}");
    // A clock that went back does not trust the later build's output.
    let (news, nothing) = build_at(&site, published + day);
    assert!(!nothing);
    assert!(news.contains("/briefings/links/"), "{news}");
}

#[test]
fn a_new_briefing_renders_only_the_pages_that_show_it() {
    let site = common::example();
    site.build_ok();
    let before: BTreeMap<String, u64> = tree(&site.out())
        .into_keys()
        .map(|path| {
            let ino = inode(&site, &path);
            (path, ino)
        })
        .collect();
    // Older than every other briefing, with no topic, person or story: no
    // page of a topic, person or later briefing shows it.
    site.write(
        "content/briefings/2025-01-02-older.md",
        "---\ntitle: An older note\ndate: 2025-01-02\n---\nA note.\n",
    );
    site.build_ok();
    let kept = |path: &str| before.get(path) == Some(&inode(&site, path));
    for path in [
        "topics/energy/index.html",
        "people/donald-trump/index.html",
        "briefings/india-tariff-takes-effect/index.html",
    ] {
        assert!(kept(path), "{path} was written again");
    }
    assert!(!kept("index.html"), "the front page counts the briefings");
    assert_eq!(tree(&site.out()), fresh(&site));
}

#[test]
fn a_body_is_rendered_again_when_a_page_it_links_to_moves_or_appears() {
    let site = fixture("mentions");
    site.write(
        "content/briefings/2025-09-04-linker.md",
        "---\ntitle: Linker\ndate: 2025-09-04\n---\nSee [the links](@/briefings/2025-09-02-links.md).\n",
    );
    site.build_ok();
    assert!(site
        .page("briefings/linker/index.html")
        .contains("href=\"/briefings/links/\""));

    // The target moves: the cached body's link would point at nothing.
    let path = "content/briefings/2025-09-02-links.md";
    let text = fs::read_to_string(site.root.join(path)).expect("read");
    site.write(path, &text.replacen("---\n", "---\nslug: links-moved\n", 1));
    site.build_ok();
    assert!(site
        .page("briefings/linker/index.html")
        .contains("href=\"/briefings/links-moved/\""));
    assert_eq!(tree(&site.out()), fresh(&site));

    // A link to a briefing not yet written fails, and works once it is.
    site.write(
        "content/briefings/2025-09-04-linker.md",
        "---\ntitle: Linker\ndate: 2025-09-04\n---\nSee [what comes](@/briefings/2025-09-05-later.md).\n",
    );
    let errors = site.build_err().to_string();
    assert!(errors.contains("2025-09-05-later.md"), "{errors}");
    site.write(
        "content/briefings/2025-09-05-later.md",
        "---\ntitle: Later\ndate: 2025-09-05\n---\nLater.\n",
    );
    site.build_ok();
    assert!(site
        .page("briefings/linker/index.html")
        .contains("href=\"/briefings/later/\""));
    assert_eq!(tree(&site.out()), fresh(&site));
}

#[test]
fn a_new_briefing_leaves_the_numbered_pages_of_a_list_as_they_were() {
    let site = fixture("editions");
    fs::remove_dir_all(site.root.join("content/editions")).expect("no editions");
    site.write(
        "briefing.yaml",
        "title: Pages\nbase_url: https://example.org/\nhome_briefings: 2\npaginate: 2\n",
    );
    let briefing = |day: u32| {
        format!(
            "---\ntitle: Day {day}\ndate: 2025-09-{day:02}T12:00:00+08:00\ntopics: [Energy]\n---\nNews of the day.\n"
        )
    };
    // Four published briefings in the fixture (and a draft), and two more.
    site.write("content/briefings/2025-09-10-day-10.md", &briefing(10));
    site.write("content/briefings/2025-09-11-day-11.md", &briefing(11));
    site.build_ok();
    // Six briefings, two a page: the front page and pages 2 and 1; four
    // about energy: its front page and page 1.
    let numbered = [
        "page/1/index.html",
        "page/2/index.html",
        "topics/energy/page/1/index.html",
    ];
    let before: Vec<u64> = numbered.iter().map(|p| inode(&site, p)).collect();
    let front = site.page("index.html");
    site.write("content/briefings/2025-09-12-day-12.md", &briefing(12));
    site.build_ok();
    let after: Vec<u64> = numbered.iter().map(|p| inode(&site, p)).collect();
    assert_eq!(before, after, "a numbered page was written again");
    assert_ne!(site.page("index.html"), front);
    assert!(site.page("index.html").contains("Day 12"));
    assert!(site.page("topics/energy/index.html").contains("Day 12"));
    assert_eq!(tree(&site.out()), fresh(&site));
}

#[test]
fn topics_and_people_keep_the_order_of_their_addresses_whatever_has_a_profile() {
    // Subjects are held by position: if a new profile moved a topic to the
    // front, every body rendered against the old order would be rendered
    // again. The sitemap lists them in the order they are held.
    let site = fixture("editions");
    let order = |site: &TestSite| {
        let sitemap = site.page("sitemap.xml");
        [
            "/topics/energy/",
            "/topics/military-parade/",
            "/people/vladimir-putin/",
            "/people/xi-jinping/",
        ]
        .map(|path| {
            sitemap
                .find(&format!("{path}<"))
                .unwrap_or_else(|| panic!("{path}"))
        })
    };
    site.build_ok();
    let before = order(&site);
    assert!(before[0] < before[1] && before[2] < before[3], "{before:?}");
    site.write(
        "content/topics/military-parade.md",
        "---\nname: Military parade\ndescription: Parades.\n---\nAbout parades.\n",
    );
    site.write(
        "content/people/xi-jinping.md",
        "---\nname: Xi Jinping\nrole: China's president\n---\n",
    );
    site.build_ok();
    assert_eq!(order(&site), before);
    assert_eq!(tree(&site.out()), fresh(&site));
}

#[test]
fn a_name_new_to_the_site_is_found_in_the_bodies_already_rendered() {
    // Bodies rendered before a name existed are reused unless they may
    // hold it; those that do must show the mention, and those reused must
    // keep theirs though every subject after the new ones moved along.
    let site = fixture("mentions");
    // A name spelt with a character reference is found in the text as
    // rendered, not in the source.
    site.write(
        "content/briefings/2025-09-04-port.md",
        "---\ntitle: Port\ndate: 2025-09-04\n---\nShips call at &#88;iamen.\n",
    );
    site.build_ok();
    let also = |page: &str| {
        let html = site.page(page);
        let at = html.find("Also mentioned in").map_or(html.len(), |at| at);
        html[at..].to_string()
    };
    assert!(also("people/xi-jinping/index.html").contains("/briefings/links/"));
    // "Xiamen" is in the text of the first briefing; "Arms control" and
    // "Abe Shinzo" sort before every topic and person there was.
    site.write(
        "content/briefings/2025-09-05-talks.md",
        "---\ntitle: Talks\ndate: 2025-09-05\ntopics: [Xiamen, Arms control]\npeople: [Abe Shinzo]\n---\nTalks.\n",
    );
    site.build_ok();
    assert!(also("topics/xiamen/index.html").contains("/briefings/code/"));
    assert!(also("topics/xiamen/index.html").contains("/briefings/port/"));
    assert!(also("people/xi-jinping/index.html").contains("/briefings/links/"));
    assert_eq!(tree(&site.out()), fresh(&site));

    // An alias given later finds the bodies that hold it.
    site.write(
        "content/topics/energy.md",
        "---\nname: Energy\naliases: [state energy firms]\n---\n",
    );
    site.build_ok();
    assert!(site
        .page("briefings/links/index.html")
        .contains("state energy firms</a>"));
    assert_eq!(tree(&site.out()), fresh(&site));
    site.remove("content/briefings/2025-09-05-talks.md");
    site.build_ok();
    assert!(!site.out().join("topics/xiamen/index.html").exists());
    assert_eq!(tree(&site.out()), fresh(&site));
}

#[test]
fn related_lists_computed_again_only_near_a_change_equal_a_fresh_build() {
    // More briefings per topic and person than a related list's window
    // (40 on each side), so that most lists are taken from the last build
    // and only those near a change are computed again.
    let site = fixture("mentions");
    let people = ["Xi Jinping", "Vladimir Putin", "Narendra Modi"];
    let mut seed: u64 = 7;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % n
    };
    let mut briefing = |n: u64| {
        let (day, hour) = (1 + next(28), next(24));
        let person = people[next(3) as usize];
        let topic = if next(2) == 0 { "Energy" } else { "Trade" };
        (
            format!("content/briefings/b{n:03}.md"),
            format!(
                "---\ntitle: Briefing {n}\ndate: 2025-08-{day:02}T{hour:02}:00:00+08:00\ntopics: [{topic}]\npeople: [{person}]\n---\nNews {n}.\n"
            ),
        )
    };
    for n in 0..240 {
        let (path, text) = briefing(n);
        site.write(&path, &text);
    }
    site.build_ok();
    // Dates moved, subjects changed, briefings added and removed.
    for n in [3, 50, 51, 120, 239] {
        let (path, text) = briefing(n);
        site.write(&path, &text);
    }
    for n in 240..245 {
        let (path, text) = briefing(n);
        site.write(&path, &text);
    }
    for n in [10, 200] {
        site.remove(&format!("content/briefings/b{n:03}.md"));
    }
    site.build_ok();
    assert!(site
        .page("briefings/b004/index.html")
        .contains("/briefings/b"));
    assert_eq!(tree(&site.out()), fresh(&site));
}

#[test]
fn a_static_file_that_stood_for_a_page_gives_the_page_back_when_removed() {
    let site = fixture("crosslinks");
    site.build_ok();
    let front = site.page("index.html");
    for (file, generated) in [("index.html", &front), ("rss.xml", &site.page("rss.xml"))] {
        site.write(&format!("static/{file}"), "STATIC\n");
        site.build_ok();
        assert_eq!(site.page(file), "STATIC\n");
        site.remove(&format!("static/{file}"));
        site.build_ok();
        assert_eq!(&site.page(file), generated, "{file}");
        assert_eq!(tree(&site.out()), fresh(&site));
    }
    assert!(front.contains("<html"), "the front page is the site's");
}

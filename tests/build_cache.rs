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

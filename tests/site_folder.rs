//! The site folder's borders: the output is never a source, a folder
//! briefing did not write is not replaced unless asked, nothing outside the
//! site root is read through a symbolic link, and a static file where a
//! page needs a folder is an error at its source in every kind of build.

mod common;

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use briefing::serve::preview::Preview;
use briefing::serve::watch::Change;
use common::{fixture, tree, TestSite};

fn briefing(site: &TestSite, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(args)
        .arg("--root")
        .arg(&site.root)
        .output()
        .expect("run briefing")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every file under `dir` with its bytes: sources must come out as they went in.
fn sources(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    tree(dir)
}

// ---- The output is never a source (finding 4) ----

#[test]
fn an_output_that_is_a_source_folder_is_refused_and_the_sources_stay() {
    let site = fixture("mentions");
    site.write("static/logo.txt", "logo\n");
    site.write("templates/partials/extra.html", "extra\n");
    site.write("themes/plain/theme.yaml", "name: plain\n");
    let before = sources(&site.root);
    for (output, relation, name) in [
        ("content", "is", "content"),
        ("static", "is", "static"),
        ("templates", "is", "templates"),
        ("themes", "is", "themes"),
        ("themes/plain/static", "is inside", "themes"),
        ("content/briefings", "is inside", "content"),
        (".briefing", "is", ".briefing"),
        // Through a folder that is not there: `new/..` is where `new`
        // would be made, not a new folder.
        ("new/../content", "is", "content"),
        ("new/deeper/../../static", "is", "static"),
        ("./new/../content/./briefings", "is inside", "content"),
    ] {
        let target = site.root.join(output);
        let out = briefing(&site, &["build", "--output", &target.display().to_string()]);
        assert!(!out.status.success(), "--output {output} was accepted");
        let text = stderr(&out);
        let expected = format!(
            "{}: the output folder {relation} the site's {name}/: a build replaces its output, so it must be a folder of its own; choose one such as site/",
            target.display()
        );
        assert!(text.contains(&expected), "--output {output}:\n{text}");
        assert!(text.trim_end().ends_with("; nothing was written"), "{text}");
        assert_eq!(
            sources(&site.root),
            before,
            "--output {output} changed the sources"
        );
    }
    // None made on the way through one that is not there.
    assert!(!site.root.join("new").exists());
    // A folder that holds the site root, or the root itself.
    for output in [
        site.root.clone(),
        site.root.join(".."),
        site.root.join("new/.."),
        site.root.join("new/../new/.."),
    ] {
        let out = briefing(&site, &["build", "--output", &output.display().to_string()]);
        assert!(!out.status.success());
        assert!(stderr(&out).contains("the output folder holds the site itself"));
        assert_eq!(sources(&site.root), before);
    }
}

#[test]
fn a_folder_briefing_did_not_write_is_replaced_only_with_force() {
    let site = fixture("mentions");
    let dir = tempfile::tempdir().expect("temp dir");
    let theirs = dir.path().join("html");
    fs::create_dir_all(theirs.join("docs")).expect("mkdir");
    fs::write(theirs.join("index.html"), "their page\n").expect("write");
    fs::write(theirs.join("docs/manual.txt"), "their manual\n").expect("write");
    let before = tree(&theirs);
    let output = theirs.display().to_string();

    let out = briefing(&site, &["build", "--output", &output]);
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(
        text.contains(&format!("{output}: this folder is not empty and briefing did not write it: a build would replace everything in it; choose an empty or new folder, or pass --force to replace its contents")),
        "{text}"
    );
    assert!(text.trim_end().ends_with("; nothing was written"), "{text}");
    assert_eq!(tree(&theirs), before);

    let out = briefing(&site, &["build", "--output", &output, "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let built = tree(&theirs);
    assert!(!built.contains_key("docs/manual.txt"));
    site.build_ok();
    assert_eq!(built, tree(&site.out()));
    // Once ours, it needs no --force.
    let out = briefing(&site, &["build", "--output", &output]);
    assert!(out.status.success(), "{}", stderr(&out));

    // An empty folder is taken as it is.
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).expect("mkdir");
    let out = briefing(&site, &["build", "--output", &empty.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_site_built_before_outputs_were_marked_is_still_ours() {
    let site = fixture("mentions");
    site.build_ok();
    // As an older briefing left it: no mark, its cache beside the output.
    fs::remove_file(site.out().join(common::MARK)).expect("unmark");
    fs::write(site.root.join(".site.cache"), "{}").expect("old cache");
    fs::write(site.root.join(".site.cache-html"), "").expect("old cache");
    let out = briefing(&site, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.out().join(common::MARK).is_file());
    assert!(!site.root.join(".site.cache").exists());
    assert!(!site.root.join(".site.cache-html").exists());
}

#[test]
fn caches_live_in_the_site_root_not_beside_the_output() {
    let site = fixture("mentions");
    let dir = tempfile::tempdir().expect("temp dir");
    let output = dir.path().join("www/html");
    let out = briefing(&site, &["build", "--output", &output.display().to_string()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let beside: Vec<_> = fs::read_dir(dir.path().join("www"))
        .expect("www")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(beside, ["html"], "written beside the output");
    let caches = site.root.join(".briefing");
    assert_eq!(
        fs::read_to_string(caches.join(".gitignore")).expect("gitignore"),
        "# Caches of briefing builds.\n*\n"
    );
    let folders: Vec<String> = fs::read_dir(&caches)
        .expect("caches")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert!(
        folders.len() == 1 && folders[0].starts_with("html-"),
        "{folders:?}"
    );
}

// ---- Nothing outside the site is read (finding 5) ----

/// A folder outside the site with a file that must never be published.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("passwd"), "root:SECRET-OUTSIDE:0:0\n").expect("write");
    dir
}

fn assert_not_published(site: &TestSite) {
    for (name, bytes) in tree(&site.out()) {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SECRET-OUTSIDE"),
            "{name} shows a file from outside the site"
        );
    }
}

fn warnings(site: &TestSite) -> Vec<String> {
    site.build_ok()
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The warnings of a build that say `words`.
fn warnings_saying(site: &TestSite, words: &str) -> Vec<String> {
    warnings(site)
        .into_iter()
        .filter(|w| w.contains(words))
        .collect()
}

const NOT_FOLLOWED: &str =
    "symbolic link to a place outside the site, not followed: nothing outside the site is read";

#[test]
fn a_static_folder_linked_out_of_the_site_is_not_published_or_served() {
    let site = fixture("mentions");
    let elsewhere = outside();
    symlink(elsewhere.path(), site.root.join("static")).expect("link");
    assert_eq!(warnings(&site), [format!("static: {NOT_FOLLOWED}")]);
    assert!(!site.out().join("passwd").exists());
    assert_not_published(&site);

    let server = common::serve(&site.root, &[]);
    let (status, body) = get(&server.addr, "/passwd");
    assert_eq!(status, 404, "{body}");
    assert!(!body.contains("SECRET-OUTSIDE"));
}

/// `GET path`: the status and the body.
fn get(addr: &str, path: &str) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("send");
    let mut reply = String::new();
    let _ = stream.read_to_string(&mut reply);
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    (status, reply)
}

#[test]
fn a_static_file_linked_out_of_the_site_is_named_and_left_out() {
    let site = fixture("mentions");
    let elsewhere = outside();
    fs::create_dir_all(site.root.join("static")).expect("static");
    symlink(
        elsewhere.path().join("passwd"),
        site.root.join("static/passwd"),
    )
    .expect("link");
    assert_eq!(warnings(&site), [format!("static/passwd: {NOT_FOLLOWED}")]);
    assert_not_published(&site);
}

#[test]
fn links_that_stay_inside_the_site_are_followed() {
    let site = fixture("mentions");
    site.write("assets/css/extra.css", "p { margin: 0 }\n");
    fs::create_dir_all(site.root.join("static")).expect("static");
    symlink(
        site.root.join("assets/css"),
        site.root.join("static/styles"),
    )
    .expect("link");
    assert!(warnings(&site).is_empty());
    assert_eq!(site.page("styles/extra.css"), "p { margin: 0 }\n");
}

#[test]
fn templates_linked_out_of_the_site_are_not_used() {
    let site = fixture("mentions");
    let elsewhere = outside();
    fs::write(
        elsewhere.path().join("briefing.html"),
        "SECRET-OUTSIDE {{ title }}\n",
    )
    .expect("write");
    symlink(elsewhere.path(), site.root.join("templates")).expect("link");
    assert_eq!(warnings(&site), [format!("templates: {NOT_FOLLOWED}")]);
    assert_not_published(&site);
}

#[test]
fn a_theme_linked_out_of_the_site_is_an_error_naming_the_link() {
    let site = fixture("mentions");
    let elsewhere = outside();
    fs::create_dir_all(elsewhere.path().join("templates")).expect("mkdir");
    fs::write(
        elsewhere.path().join("templates/briefing.html"),
        "SECRET-OUTSIDE\n",
    )
    .expect("write");
    fs::create_dir_all(site.root.join("themes")).expect("themes");
    symlink(elsewhere.path(), site.root.join("themes/away")).expect("link");
    let config = fs::read_to_string(site.root.join("briefing.yaml")).expect("config");
    site.write("briefing.yaml", &format!("{config}theme: away\n"));
    let errors = site.build_err();
    let error = errors.0[0].to_string();
    assert!(
        error.contains(
            "theme 'away' is outside the site: themes/away is a symbolic link, not followed"
        ),
        "{error}"
    );
    assert!(!site.out().exists());
}

#[test]
fn a_content_folder_linked_out_of_the_site_is_an_error_not_read() {
    let site = fixture("mentions");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let moved: PathBuf = elsewhere.path().join("content");
    fs::rename(site.root.join("content"), &moved).expect("move content out");
    fs::write(
        moved.join("briefings/2025-09-09-secret.md"),
        "---\ntitle: SECRET-OUTSIDE\ndate: 2025-09-09\n---\nSECRET-OUTSIDE\n",
    )
    .expect("write");
    symlink(&moved, site.root.join("content")).expect("link");
    let errors = site.build_err();
    assert_eq!(
        errors.to_string(),
        "error: content: symbolic link to a place outside the site, not followed: content must be inside the site"
    );
    assert!(!site.out().exists());
}

#[test]
fn a_content_folder_linked_within_the_site_is_read() {
    let site = fixture("mentions");
    fs::rename(site.root.join("content"), site.root.join("sources")).expect("move");
    symlink(site.root.join("sources"), site.root.join("content")).expect("link");
    assert!(warnings(&site).is_empty());
    assert!(site.out().join("briefings").is_dir());
}

// ---- A static file where a page needs a folder (finding 6) ----

const ABOUT_ERROR: &str = "content/pages/about.md: the page of content/pages/about.md would be written at /about/index.html, inside /about, where the static file /about is: set another 'slug'";

#[test]
fn a_static_file_at_a_pages_folder_is_an_error_in_every_build() {
    // Fresh.
    let site = fixture("static-at-page-folder");
    let out = briefing(&site, &["build"]);
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(text.contains(ABOUT_ERROR), "{text}");
    assert!(text.trim_end().ends_with("; nothing was written"), "{text}");
    assert!(!site.out().exists());

    // Incremental: the page built, then the file appears; nothing changes.
    let static_file = fs::read(site.root.join("static/about")).expect("the fixture's file");
    site.remove("static/about");
    site.build_ok();
    let before = common::snapshot(&site.out());
    fs::write(site.root.join("static/about"), &static_file).expect("put back");
    let out = briefing(&site, &["build"]);
    assert!(!out.status.success());
    let text = stderr(&out);
    assert!(text.contains(ABOUT_ERROR), "{text}");
    assert!(text
        .trim_end()
        .ends_with("the previous site was left as it was"));
    assert_eq!(common::snapshot(&site.out()), before);
    assert!(site.out().join("about/index.html").is_file());

    // The preview: the same error, and the page still served.
    site.remove("static/about");
    let mut preview = Preview::new(site.options()).unwrap_or_else(|e| panic!("{e}"));
    fs::write(site.root.join("static/about"), &static_file).expect("put back");
    let errors = preview
        .rebuild(&[Change::Static])
        .expect_err("the preview should refuse it");
    assert_eq!(errors.0[0].to_string(), ABOUT_ERROR);
    assert!(preview
        .files()
        .iter()
        .any(|(path, _)| &**path == "about/index.html"));
}

#[test]
fn a_markdown_file_of_another_extension_is_told_of_not_skipped_silently() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/2025-09-04-unread-talks.markdown",
        "---\ntitle: Talks\ndate: 2025-09-04\n---\nBody.\n",
    );
    site.write("content/briefings/notes.txt", "not Markdown at all");
    let told = warnings_saying(&site, "not read");
    assert_eq!(
        told,
        ["content/briefings/2025-09-04-unread-talks.markdown: not read: briefing reads Markdown from .md files only; rename it to 2025-09-04-unread-talks.md"]
    );
    assert!(!site.out().join("briefings/unread-talks").exists());
}

#[test]
fn a_pipe_where_a_file_should_be_is_told_of_not_read() {
    let site = fixture("crosslinks");
    let fifo = |path: &std::path::Path| {
        let made = std::process::Command::new("mkfifo")
            .arg(path)
            .status()
            .expect("mkfifo");
        assert!(made.success());
    };
    fifo(&site.root.join("content/briefings/pipe.md"));
    let told = warnings_saying(&site, "not read");
    assert_eq!(
        told,
        ["content/briefings/pipe.md: not read: not a plain file (a pipe, socket or device)"]
    );
    // briefing.yaml as a pipe: refused, not read (which would wait forever).
    let config = site.root.join("briefing.yaml");
    fs::remove_file(&config).expect("remove");
    fifo(&config);
    let errors = site.build_err();
    assert!(
        errors.0[0]
            .to_string()
            .ends_with("briefing.yaml: not a file: briefing.yaml must be a plain file of settings"),
        "{errors}"
    );
}

#[test]
fn a_picture_named_by_a_path_no_static_file_is_is_warned_of() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/2025-09-06-pictured.md",
        "---\ntitle: Pictured\ndate: 2025-09-06\ntopics: [SCO]\nimage: /images/card.png\nimage_alt: A card\n---\nBody.\n",
    );
    site.write(
        "content/people/ada.md",
        "---\nname: Ada Editor\nportrait: images/ada.jpg\n---\nBio.\n",
    );
    let told = warnings_saying(&site, "picture");
    assert_eq!(
        told,
        [
            "content/briefings/2025-09-06-pictured.md:5:8: the picture '/images/card.png' is no file of the site: add static/images/card.png, or give its full URL",
            "content/people/ada.md:3:11: the picture 'images/ada.jpg' is no file of the site: add static/images/ada.jpg, or give its full URL",
        ]
    );
    // There (its name as a browser asks for it), or given as a URL:
    // nothing to say.
    site.write("static/images/card.png", "png");
    site.write("static/images/my card.png", "png");
    site.write(
        "content/briefings/2025-09-07-encoded.md",
        "---\ntitle: Encoded\ndate: 2025-09-07\ntopics: [SCO]\nimage: /images/my%20card.png\nimage_alt: A card\n---\nBody.\n",
    );
    site.write(
        "content/people/ada.md",
        "---\nname: Ada Editor\nportrait: https://example.org/ada.jpg\n---\nBio.\n",
    );
    assert!(!warnings(&site).iter().any(|w| w.contains("picture")));
}

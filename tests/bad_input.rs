//! Adversarial input: one small site per case under `tests/fixtures/bad/`.
//!
//! A bad input fails the build with one error naming the file, the line
//! (counted from the top of the file) where there is one, and a hint where
//! one helps; and the site built before it is left exactly as it was. Odd
//! but valid input (a BOM, CRLF, a 10 MB file, names in any script, emoji)
//! builds.

mod common;

use std::fs;
use std::path::Path;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use briefing::Error;
use common::{fixture, TestSite};

/// The bad file of most cases.
const BAD: &str = "content/briefings/bad.md";

/// The hint every refused slug should end with.
const SLUG_HINT: &str = "use letters, digits and hyphens";

fn case(name: &str) -> TestSite {
    fixture(&format!("bad/{name}"))
}

/// Build, expecting exactly one error, and check that the output (a built
/// site, or whatever is in its place) is untouched and no staging folder is
/// left behind.
fn fails_untouched(site: &TestSite) -> Error {
    let before = common::snapshot(&site.out());
    assert!(!before.is_empty(), "nothing at {}", site.out().display());
    let errors = site.build_err();
    assert_eq!(
        common::snapshot(&site.out()),
        before,
        "the failed build changed the output"
    );
    let leftovers: Vec<_> = fs::read_dir(&site.root)
        .expect("root")
        .map(|e| e.expect("entry").file_name())
        .filter(|name| name.to_string_lossy().starts_with(".site."))
        // The good build's cache is meant to be there; staging folders are not.
        .filter(|name| !name.to_string_lossy().starts_with(".site.cache"))
        .collect();
    assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
    assert_eq!(errors.0.len(), 1, "expected one error:\n{errors}");
    errors.0.into_iter().next().expect("one error")
}

/// Set the site's `bad` file aside (or swap in `stand_in` for a file the
/// site cannot do without), build a good site, then put `bad` back: the
/// build must fail and leave that site untouched.
fn fails_cleanly_over(site: &TestSite, bad: &str, stand_in: Option<&str>) -> Error {
    let path = site.root.join(bad);
    let bad_bytes = fs::read(&path).expect("the bad file");
    match stand_in {
        Some(good) => fs::write(&path, good).expect("stand-in"),
        None => fs::remove_file(&path).expect("set aside"),
    }
    site.build_ok();
    fs::write(&path, bad_bytes).expect("put back");
    fails_untouched(site)
}

fn fails_cleanly(site: &TestSite, bad: &str) -> Error {
    fails_cleanly_over(site, bad, None)
}

/// The error of fixture `name`, whose bad file is `bad`.
fn error_in(name: &str, bad: &str) -> String {
    fails_cleanly(&case(name), bad).to_string()
}

fn assert_contains(text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "missing {part:?} in:\n{text}");
    }
}

/// Run `f` on its own thread; a hang fails the test after `limit` instead
/// of stalling the whole run.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    thread::spawn(move || tx.send(f()));
    rx.recv_timeout(limit)
        .unwrap_or_else(|e| panic!("no result after {:?}: {e}", started.elapsed()))
}

/// A built page, which must contain every one of `parts`.
fn assert_page(site: &TestSite, page: &str, parts: &[&str]) {
    assert_contains(&site.page(page), parts);
}

// ---- Front-matter that must fail ----

#[test]
fn malformed_yaml() {
    // `summary: Talks: a gas deal: maybe` — a ': ' in an unquoted value.
    let error = error_in("malformed-yaml", BAD);
    assert!(error.starts_with(&format!("{BAD}:4:15: ")), "{error}");
    assert_contains(&error, &["quote"]);
}

#[test]
fn front_matter_never_closed() {
    assert_eq!(
        error_in("unclosed-front-matter", BAD),
        format!("{BAD}:1: the front-matter opened on line 1 is never closed: add a '---' line after the last key")
    );
}

#[test]
fn topics_as_a_number() {
    assert_eq!(
        error_in("topics-a-number", BAD),
        format!("{BAD}:4:9: wrong type: integer `5`, expected a sequence (in 'topics')")
    );
}

#[test]
fn date_as_a_list() {
    assert_eq!(
        error_in("date-a-list", BAD),
        format!("{BAD}:4:7: wrong type: 'date' must be a date such as 2025-09-02 or 2025-09-02T10:00:00+08:00")
    );
}

#[test]
fn february_30() {
    assert_eq!(
        error_in("date-february-30", BAD),
        format!("{BAD}:3:7: '2025-02-30' is not a day in the calendar")
    );
}

#[test]
fn month_13() {
    assert_eq!(
        error_in("date-month-13", BAD),
        format!("{BAD}:4:7: '2025-13-01' is not a day in the calendar")
    );
}

#[test]
fn unknown_key() {
    assert_eq!(
        error_in("unknown-key", BAD),
        format!("{BAD}:4:1: unknown key 'tpoics' (did you mean 'topics'?)")
    );
}

#[test]
fn empty_file() {
    assert_eq!(
        error_in("empty-file", BAD),
        format!("{BAD}:1: the file is empty: a briefing starts with a '---' line, its front-matter, and a closing '---' line")
    );
}

#[test]
fn not_utf8() {
    let site = case("not-utf8");
    fs::write(site.root.join(BAD), b"---\ntitle: \xff\xfe\n---\n").expect("write");
    assert_eq!(
        fails_cleanly(&site, BAD).to_string(),
        format!("{BAD}:2: the file is not UTF-8 text: save it as UTF-8")
    );
}

#[test]
fn a_letter_across_the_tenth_byte_of_a_date() {
    // Cutting the text at its tenth byte, inside 'é', used to panic.
    assert_eq!(
        error_in("date-letter-across-byte", BAD),
        format!(
            "{BAD}:3:7: '2025-09-0é' is not a date: write 2025-09-02 or 2025-09-02T10:00:00+08:00"
        )
    );
}

#[test]
fn a_control_character_written_as_a_yaml_escape() {
    assert_eq!(
        error_in("control-char-escape", BAD),
        format!("{BAD}:2:8: U+0001 (a control character) is not allowed in 'title' in a briefing; remove it")
    );
}

#[test]
fn a_null_person() {
    assert_eq!(
        error_in("people-null", BAD),
        format!("{BAD}:4:9: 'people' has an empty entry (null, ~ or \"\"): write a name, or remove the entry")
    );
}

#[test]
fn an_empty_topic() {
    assert_eq!(
        error_in("topics-empty", BAD),
        format!("{BAD}:4:8: 'topics' has an empty entry (null, ~ or \"\"): write a name, or remove the entry")
    );
}

#[test]
fn more_topics_than_the_limit() {
    assert_eq!(
        error_in("too-many-topics", BAD),
        format!("{BAD}:4:9: 'topics' lists 4 names; a briefing may list at most 3 (limits: {{topics_per_briefing: …}} in briefing.yaml)")
    );
}

// ---- URLs ----

#[test]
fn a_source_url_that_runs_a_script() {
    assert_eq!(
        error_in("url-javascript", BAD),
        format!("{BAD}:7:10: the URL 'javascript:alert(document.cookie)' is not allowed: only http:, https:, mailto: and relative URLs are")
    );
}

#[test]
fn a_portrait_url_that_runs_a_script() {
    assert_eq!(
        error_in("portrait-javascript", "content/people/bad.md"),
        "content/people/bad.md:4:11: the URL ' JAVASCRIPT:alert(1)' starts or ends with a space: remove it"
    );
}

#[test]
fn an_image_linking_a_missing_file() {
    assert_eq!(
        error_in("image-link-broken", BAD),
        format!("{BAD}:7:1: broken link: no file content/briefings/2025-09-03-parade-route.md")
    );
}

// ---- Slugs ----

#[test]
fn duplicate_slugs() {
    assert_eq!(
        error_in("duplicate-slug", "content/briefings/2025-09-03-second.md"),
        "content/briefings/2025-09-03-second.md:5:7: the slug 'talks' is already taken by content/briefings/2025-09-02-first.md: both would be published at /briefings/talks/; set a different 'slug'"
    );
}

#[test]
fn slugs_differing_only_in_case() {
    assert_eq!(
        error_in("slug-case", "content/briefings/2025-09-03-second.md"),
        "content/briefings/2025-09-03-second.md:4:7: the slug 'News' differs only in case from 'news' of content/briefings/2025-09-02-first.md: on a disk that ignores case both would be published at /briefings/news/; set a different 'slug'"
    );
}

#[test]
fn slug_with_a_slash() {
    assert_eq!(
        error_in("slug-slash", BAD),
        format!("{BAD}:4:7: the slug 'escape/index' contains '/': {SLUG_HINT}")
    );
}

#[test]
fn slug_with_dot_dot() {
    let error = error_in("slug-dotdot", BAD);
    assert!(error.starts_with(&format!("{BAD}:4:7: ")), "{error}");
    assert_contains(&error, &["the slug '..' contains '..'", SLUG_HINT]);
}

#[test]
fn slug_with_a_backslash() {
    let error = error_in("slug-backslash", BAD);
    assert!(error.starts_with(&format!("{BAD}:4:7: ")), "{error}");
    assert_contains(&error, &["contains '\\'", SLUG_HINT]);
}

#[test]
fn slug_with_a_nul() {
    // Refused as a character no text may hold, before it is a slug.
    assert_eq!(
        error_in("slug-nul", BAD),
        format!(
            "{BAD}:4:7: U+0000 (a NUL character) is not allowed in 'slug' in a briefing; remove it"
        )
    );
}

// ---- Hostile YAML and files ----

#[test]
fn yaml_alias_bomb_fails_fast() {
    let site = case("alias-bomb");
    let error = within(Duration::from_secs(5), move || fails_cleanly(&site, BAD));
    assert_eq!(error.path.as_deref(), Some(Path::new(BAD)), "{error}");
    // Anywhere from `extra:` (line 4) to the last alias (line 13).
    assert!(
        error.line.is_some_and(|line| (4..=13).contains(&line)),
        "no line in the front-matter: {error}"
    );
    assert_eq!(
        error.message,
        "the YAML expands too far (too many aliases or too deep); write the values out"
    );
}

#[test]
fn symlinks_out_of_the_site_are_not_followed() {
    let site = case("symlink-outside");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let secret = elsewhere.path().join("2025-09-02-secret.md");
    fs::write(
        &secret,
        "---\ntitle: Outside the site\ndate: 2025-09-02\n---\nSECRET-OUTSIDE-TEXT\n",
    )
    .expect("write");
    let links = [
        "content/briefings/linked.md",
        "content/briefings/linked-dir",
    ];
    std::os::unix::fs::symlink(&secret, site.root.join(links[0])).expect("file link");
    std::os::unix::fs::symlink(elsewhere.path(), site.root.join(links[1])).expect("dir link");

    let report = site.build_ok();
    let warnings: Vec<String> = report.warnings.iter().map(ToString::to_string).collect();
    for link in links {
        let expected = format!(
            "{link}: symbolic link not followed: content must be real files inside the site"
        );
        assert!(
            warnings.contains(&expected),
            "{expected}\nnot in {warnings:#?}"
        );
    }
    for (name, (bytes, _)) in common::snapshot(&site.out()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("SECRET-OUTSIDE-TEXT") && !text.contains("Outside the site"),
            "{name} shows the linked file"
        );
    }
}

// ---- Templates and theme ----

#[test]
fn template_syntax_error() {
    assert_eq!(
        error_in("template-syntax", "templates/briefing.html"),
        "templates/briefing.html:4:41: template syntax error: Found `}` but expected }}."
    );
}

#[test]
fn template_unknown_filter() {
    assert_eq!(
        error_in("template-unknown-filter", "templates/briefing.html"),
        "templates/briefing.html:3:21: template error: Unknown filter `nosuchfilter`"
    );
}

#[test]
fn template_undefined_field() {
    assert_eq!(
        error_in("template-undefined-field", "templates/briefing.html"),
        "templates/briefing.html:4:12: template error: Field `nosuchfield` is not defined. Available fields: date, date_iso, date_time, day_iso, draft, extra, image, people, permalink, reading_time, sources, stories, summary, title, topics, updated, updated_iso, url, word_count (while rendering /briefings/good/)"
    );
}

#[test]
fn template_filter_on_the_wrong_type() {
    // `{{ page.title | round }}`: the message must say which filter failed.
    let error = error_in("template-filter-wrong-type", "templates/briefing.html");
    assert!(error.starts_with("templates/briefing.html:5:"), "{error}");
    assert_contains(&error, &["round", "(while rendering /briefings/good/)"]);
}

#[test]
fn missing_theme() {
    let site = case("missing-theme");
    let good = "title: Bad input\nbase_url: https://example.org/\n";
    assert_eq!(
        fails_cleanly_over(&site, "briefing.yaml", Some(good)).to_string(),
        "briefing.yaml:3:8: theme 'nosuch' not found: there is no folder themes/nosuch/ (use 'default' for the built-in theme)"
    );
}

#[test]
fn output_is_a_file() {
    let site = case("output-is-a-file");
    fs::write(site.out(), "not a folder\n").expect("write");
    assert_eq!(
        fails_untouched(&site).to_string(),
        format!(
            "{}: the output path is a file, not a folder: remove it or choose another --output",
            site.out().display()
        )
    );
}

// ---- Odd input that must build ----

#[test]
fn a_byte_order_mark_is_accepted() {
    let site = case("ok-bom");
    let source = fs::read(site.root.join("content/briefings/2025-09-02-bom.md")).expect("read");
    assert!(
        source.starts_with(b"\xef\xbb\xbf---\n"),
        "the fixture lost its BOM"
    );
    site.build_ok();
    assert_page(
        &site,
        "briefings/bom/index.html",
        &[
            "<h1>Saved with a byte-order mark</h1>",
            "<p>A BOM before the opening fence is not part of the text.</p>",
        ],
    );
}

#[test]
fn crlf_line_endings_are_accepted() {
    let site = case("ok-crlf");
    let source = fs::read(site.root.join("content/briefings/2025-09-02-crlf.md")).expect("read");
    assert!(source.starts_with(b"---\r\n"), "the fixture lost its CRLF");
    site.build_ok();
    assert_page(
        &site,
        "briefings/crlf/index.html",
        &[
            "<h1>Saved with CRLF line endings</h1>",
            "throughout the file.</p>",
            "<h2 id=\"a-heading\">A heading</h2>",
            "<p>Last line.</p>",
            "/people/xi-jinping/",
        ],
    );
}

#[test]
fn a_10_mb_briefing_builds() {
    let site = case("ok-10mb");
    let mut text = String::from("---\ntitle: Ten megabytes\ndate: 2025-09-02\n---\n");
    let mut n = 0;
    while text.len() < 10 << 20 {
        n += 1;
        text.push_str(&format!(
            "Paragraph {n}: Xi Jinping and the SCO leaders met again in Tianjin today.\n\n"
        ));
    }
    text.push_str("THE-LAST-PARAGRAPH\n");
    site.write("content/briefings/2025-09-02-big.md", &text);
    site.build_ok();
    assert_page(
        &site,
        "briefings/big/index.html",
        &[
            "<h1>Ten megabytes</h1>",
            &format!("<p>Paragraph {n}: "),
            "<p>THE-LAST-PARAGRAPH</p>",
        ],
    );
}

#[test]
fn names_in_any_script_get_ascii_slugs() {
    let site = case("ok-unicode-names");
    site.build_ok();
    for (page, name) in [
        ("people/si-tszinpin", "Си Цзиньпин"),
        ("people/xi-jin-ping", "习近平"),
        ("people/nrendr-modii", "नरेन्द्र मोदी"),
        (
            "topics/rossiisko-kitaiskie-otnosheniia",
            "Российско-китайские отношения",
        ),
        ("topics/shang-hai-he-zuo-zu-zhi", "上海合作组织"),
        ("topics/bhaart", "भारत"),
    ] {
        assert_page(
            &site,
            &format!("{page}/index.html"),
            &[&format!("<h1>{name}</h1>")],
        );
        assert_page(
            &site,
            "briefings/names/index.html",
            &[&format!("href=\"/{page}/\">{name}</a>")],
        );
    }
}

#[test]
fn an_upper_case_extension_is_markdown() {
    let site = case("ok-upper-md");
    site.build_ok();
    assert_page(
        &site,
        "briefings/parade/index.html",
        &[
            "<h1>Saved with an upper-case extension</h1>",
            "href=\"/briefings/good/\">the summit</a>",
        ],
    );
}

#[test]
fn an_emoji_in_a_title() {
    let site = case("ok-emoji-title");
    site.build_ok();
    assert_page(
        &site,
        "briefings/emoji/index.html",
        &["<h1>Parade day 🎆🇨🇳 — tanks 🚀 and doves 🕊️</h1>"],
    );
}

//! Content written to do harm: script URLs, markup in summaries, characters
//! XML cannot carry, inputs whose cost explodes, text that used to panic.
//! Each case writes one hostile file into `tests/fixtures/bad/hostile/`
//! (a good briefing, Xi Jinping's profile) and names the error it must
//! give, at its file, line and column; or builds and reads the feeds back.

mod common;

use std::process::Command;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use common::{fixture, TestSite};

const BAD: &str = "content/briefings/bad.md";

fn site() -> TestSite {
    fixture("bad/hostile")
}

/// The one error of building the site with `text` as `path`.
fn error_of(path: &str, text: &str) -> String {
    let site = site();
    site.write(path, text);
    let errors = site.build_err();
    assert_eq!(errors.0.len(), 1, "expected one error:\n{errors}");
    errors.0[0].to_string()
}

/// A briefing with `front` as extra front-matter lines (from line 4) and `body`.
fn briefing(front: &str, body: &str) -> String {
    format!("---\ntitle: Hostile\ndate: 2025-09-02\n{front}---\n{body}")
}

fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let started = Instant::now();
    thread::spawn(move || tx.send(f()));
    rx.recv_timeout(limit)
        .unwrap_or_else(|e| panic!("no result after {:?}: {e}", started.elapsed()))
}

/// `briefing build` of `site`, which must succeed before `limit`: a hang
/// guard for input that once took minutes, not a timing.
fn builds_within(site: &TestSite, limit: Duration) {
    let root = site.root.clone();
    let out = within(limit, move || {
        Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["build", "-q", "--root"])
            .arg(&root)
            .output()
            .expect("run briefing build")
    });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- URLs from front-matter ----

#[test]
fn source_urls_are_web_mail_or_relative() {
    let refused = "is not allowed: only http:, https:, mailto: and relative URLs are";
    for (url, message) in [
        ("javascript:alert(1)", refused),
        ("JAVASCRIPT:alert(1)", refused),
        ("JaVaScRiPt:alert(1)", refused),
        ("vbscript:msgbox(1)", refused),
        ("data:text/html,<script>alert(1)</script>", refused),
        ("file:///etc/passwd", refused),
        (
            " javascript:alert(1)",
            "starts or ends with a space: remove it",
        ),
        (
            "java\\tscript:alert(1)",
            "contains U+0009 (a tab), which browsers skip inside a URL: remove it",
        ),
        (
            "java\\nscript:alert(1)",
            "contains U+000A (a line break), which browsers skip inside a URL: remove it",
        ),
        (
            "\\x7fjavascript:alert(1)",
            "contains U+007F (a control character), which browsers skip inside a URL: remove it",
        ),
        ("", "the URL is empty: write one, or remove the key"),
    ] {
        let front = format!(
            "sources:\n  - {{title: Readout, url: \"https://tass.com/\"}}\n  - title: Bad\n    url: \"{url}\"\n"
        );
        let error = error_of(BAD, &briefing(&front, "Body.\n"));
        assert!(
            error.starts_with(&format!("{BAD}:7:10: ")),
            "{url:?}: {error}"
        );
        assert!(error.ends_with(message), "{url:?}: {error}");
    }
}

#[test]
fn sources_in_flow_style_are_placed_at_their_url() {
    let front = "sources: [{title: A, url: \"https://a.org/\"}, {title: B, url: \"vbscript:x\"}]\n";
    let error = error_of(BAD, &briefing(front, "Body.\n"));
    assert!(error.starts_with(&format!("{BAD}:4:")), "{error}");
    assert!(error.contains("'vbscript:x' is not allowed"), "{error}");
}

#[test]
fn good_urls_build_and_are_linked() {
    let site = site();
    site.write(
        BAD,
        &briefing(
            "sources:\n  - {title: Kremlin, url: \"https://en.kremlin.ru/\"}\n  - {title: Desk, url: \"mailto:desk@example.org\"}\n  - {title: Local, url: \"files/readout.pdf\"}\n",
            "Body.\n",
        ),
    );
    site.build_ok();
    let page = site.page("briefings/bad/index.html");
    for href in [
        "https://en.kremlin.ru/",
        "mailto:desk@example.org",
        "files/readout.pdf",
    ] {
        assert!(page.contains(&format!("href=\"{href}\"")), "{href}");
    }
}

#[test]
fn portraits_are_web_or_relative() {
    let error = error_of(
        "content/people/xi-jinping.md",
        "---\nname: Xi Jinping\nportrait: \"data:text/html,<script>alert(1)</script>\"\n---\nBio.\n",
    );
    assert_eq!(
        error,
        "content/people/xi-jinping.md:3:11: the URL 'data:text/html,<script>alert(1)</script>' is not allowed: only http:, https:, mailto: and relative URLs are"
    );
}

#[test]
fn texts_under_extra_that_read_as_urls_are_web_mail_or_relative() {
    let refused = "is not allowed: only http:, https:, mailto: and relative URLs are";
    let hint = "(under 'extra', a text that begins with a word and a colon is read as a link; if this one is not, put a space after the colon)";
    // A space after the colon is no way out for a scheme that runs script.
    let script = "(under 'extra', a text that begins with 'javascript:' is refused whatever follows it: a browser runs it as a link)";
    for (front, place, message) in [
        ("extra:\n  link: 'JavaScript: alert(1)'\n", "5:9", script),
        ("extra:\n  link: \"javascript:alert(1)\"\n", "5:9", script),
        ("extra:\n  link: \"data:text/html,x\"\n", "5:9", refused),
        (
            "extra:\n  caption: \"Update: talks ended\"\n  media:\n    - kind: video\n      href: data:text/html,x\n",
            "8:13",
            refused,
        ),
        ("extra: {a: 1, b: [ok, \"vbscript:x\"]}\n", "4:23", refused),
        (
            "extra:\n  link: \"java\\tscript:alert(1)\"\n",
            "5:9",
            "contains U+0009 (a tab), which browsers skip inside a URL: remove it",
        ),
        (
            "extra:\n  link: \" javascript:alert(1)\"\n",
            "5:9",
            "starts or ends with a space: remove it",
        ),
    ] {
        let error = error_of(BAD, &briefing(front, "Body.\n"));
        assert!(
            error.starts_with(&format!("{BAD}:{place}: ")),
            "{front:?}: {error}"
        );
        assert!(error.contains(message), "{front:?}: {error}");
        let vbscript = script.replace("javascript", "vbscript");
        assert!(
            error.ends_with(hint) || error.ends_with(script) || error.ends_with(&vbscript),
            "{front:?}: {error}"
        );
    }
    for (path, text, place) in [
        (
            "content/people/xi-jinping.md",
            "---\nname: Xi Jinping\nextra:\n  website: \"javascript:alert(1)\"\n---\nBio.\n",
            "4:12",
        ),
        (
            "content/topics/sco.md",
            "---\nname: SCO\nextra: {site: \"data:text/html,x\"}\n---\nThe Shanghai Cooperation Organisation.\n",
            "3:15",
        ),
    ] {
        let error = error_of(path, text);
        assert!(error.starts_with(&format!("{path}:{place}: the URL ")), "{error}");
    }
}

#[test]
fn prose_and_links_under_extra_build_and_render() {
    let site = site();
    // A theme that puts `extra.link` in an href, as themes do.
    site.write(
        "templates/briefing.html",
        "<!doctype html><title>{{ page.title }}</title>{% if page.extra.link is defined %}<a href=\"{{ page.extra.link }}\">{{ page.extra.caption }}</a>{% endif %}\n",
    );
    for (link, caption) in [
        ("https://en.kremlin.ru/", "Update: talks ended"),
        ("mailto:desk@example.org", "Data: World Bank"),
        ("files/readout.pdf", "10:30 in Beijing"),
    ] {
        site.write(
            BAD,
            &briefing(
                &format!("extra:\n  link: \"{link}\"\n  caption: \"{caption}\"\n"),
                "Body.\n",
            ),
        );
        site.build_ok();
        let page = site.page("briefings/bad/index.html");
        assert_eq!(common::links(&page), vec![link.to_string()], "{page}");
        assert!(page.contains(caption), "{page}");
    }
}

// ---- Feeds carry text as text ----

fn feed(site: &TestSite, path: &str) -> (String, feed_rs::model::Feed) {
    let bytes = std::fs::read(site.out().join(path)).expect("feed");
    let parsed = feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{path}: {e}"));
    (String::from_utf8(bytes).expect("UTF-8"), parsed)
}

const SCRIPT: &str = "</script><script>alert(1)</script>";

#[test]
fn a_summary_with_markup_is_text_in_every_feed() {
    let site = site();
    site.write(
        BAD,
        &briefing(
            &format!(
                "summary: \"Talks end {SCRIPT} ]]> today\"\ntopics: [SCO]\npeople: [Xi Jinping]\n"
            ),
            "The text has ]]> too, and `]]>` in code.\n\n```\n]]>\n```\n",
        ),
    );
    site.build_ok();
    for folder in ["", "topics/sco/", "people/xi-jinping/"] {
        let (raw, rss) = feed(&site, &format!("{folder}rss.xml"));
        assert!(!raw.contains("<script"), "{folder}rss.xml:\n{raw}");
        let item = rss
            .entries
            .iter()
            .find(|e| e.title.as_ref().is_some_and(|t| t.content == "Hostile"))
            .expect("the item");
        // RSS readers take a description as HTML: it must be HTML showing the text.
        let description = &item.summary.as_ref().expect("description").content;
        assert_eq!(
            description,
            "Talks end &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; today"
        );
        let content = item.content.as_ref().and_then(|c| c.body.as_deref());
        let content = content.expect("full content");
        assert!(content.contains("The text has ]]&gt; too"), "{content}");

        let (raw, atom) = feed(&site, &format!("{folder}atom.xml"));
        assert!(!raw.contains("<script"), "{folder}atom.xml:\n{raw}");
        let entry = atom
            .entries
            .iter()
            .find(|e| e.title.as_ref().is_some_and(|t| t.content == "Hostile"))
            .expect("the entry");
        let summary = entry.summary.as_ref().expect("summary");
        assert_eq!(summary.content_type.to_string(), "text/plain");
        assert_eq!(summary.content, format!("Talks end {SCRIPT} ]]> today"));

        let bytes = std::fs::read(site.out().join(format!("{folder}feed.json"))).expect("json");
        let json: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON");
        let item = &json["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|i| i["title"] == "Hostile")
            .expect("the item");
        // JSON Feed's summary is plain text by definition; its HTML is ours.
        assert_eq!(item["summary"], format!("Talks end {SCRIPT} ]]> today"));
        assert!(!item["content_html"]
            .as_str()
            .expect("content_html")
            .contains("<script"));
    }
}

#[test]
fn cdata_end_in_raw_html_content_keeps_the_feed_xml() {
    let site = site();
    site.write(
        "briefing.yaml",
        "title: Bad input\nbase_url: https://example.org/\nmarkdown: {raw_html: true}\n",
    );
    site.write(BAD, &briefing("", "<p data-x=\"]]>\">Raw ]]> HTML</p>\n"));
    site.build_ok();
    let (_, rss) = feed(&site, "rss.xml");
    let item = rss
        .entries
        .iter()
        .find(|e| e.title.as_ref().is_some_and(|t| t.content == "Hostile"))
        .expect("the item");
    let content = item.content.as_ref().and_then(|c| c.body.as_deref());
    assert!(
        content.expect("content").contains("Raw ]]> HTML"),
        "{content:?}"
    );
}

// ---- Characters XML 1.0 forbids ----

#[test]
fn forbidden_characters_are_errors_where_they_are() {
    let cases: &[(&str, String, &str)] = &[
        (
            BAD,
            briefing("", "Line one.\nTwo \u{1} here.\n"),
            "content/briefings/bad.md:6:5: U+0001 (a control character) is not allowed in a briefing; remove it",
        ),
        (
            BAD,
            briefing("", "A NUL: \0.\n"),
            "content/briefings/bad.md:5:8: U+0000 (a NUL character) is not allowed in a briefing; remove it",
        ),
        (
            BAD,
            briefing("", "Ends with U+FFFE: \u{fffe}\n"),
            "content/briefings/bad.md:5:19: U+FFFE (not a character) is not allowed in a briefing; remove it",
        ),
        (
            BAD,
            briefing("summary: \"A \u{ffff}\"\n", "Body.\n"),
            "content/briefings/bad.md:4:13: U+FFFF (not a character) is not allowed in a briefing; remove it",
        ),
        (
            BAD,
            briefing("summary: \"Escaped \\x1b[31m red\"\n", "Body.\n"),
            "content/briefings/bad.md:4:10: U+001B (a control character) is not allowed in 'summary' in a briefing; remove it",
        ),
        (
            BAD,
            briefing("topics: [SCO, \"Tian\\u0000jin\"]\n", "Body.\n"),
            "content/briefings/bad.md:4:9: U+0000 (a NUL character) is not allowed in 'topics' in a briefing; remove it",
        ),
        (
            BAD,
            briefing("people:\n  - \"Xi\\u000bJinping\"\n", "Body.\n"),
            "content/briefings/bad.md:4:8: U+000B (a control character) is not allowed in 'people' in a briefing; remove it",
        ),
        (
            BAD,
            briefing("extra:\n  caption: \"\\uFFFE\"\n", "Body.\n"),
            "content/briefings/bad.md:4:7: U+FFFE (not a character) is not allowed in 'extra' in a briefing; remove it",
        ),
        (
            "content/topics/sco.md",
            "---\nname: \"SCO\\x02\"\n---\nThe Shanghai Cooperation Organisation.\n".into(),
            "content/topics/sco.md:2:7: U+0002 (a control character) is not allowed in 'name' in a topic profile; remove it",
        ),
        (
            "content/people/xi-jinping.md",
            "---\nname: Xi Jinping\naliases: [\"Xi\\x03\"]\n---\nBio.\n".into(),
            "content/people/xi-jinping.md:3:10: U+0003 (a control character) is not allowed in 'aliases' in a person profile; remove it",
        ),
        (
            "content/pages/about.md",
            "---\ntitle: About\n---\nWe \u{8} edit.\n".into(),
            "content/pages/about.md:4:4: U+0008 (a control character) is not allowed in a page; remove it",
        ),
    ];
    for (path, text, expected) in cases {
        assert_eq!(&error_of(path, text), expected, "{text:?}");
    }
}

#[test]
fn a_control_character_in_the_site_config() {
    let error = error_of(
        "briefing.yaml",
        "title: Bad input\nbase_url: https://example.org/\ndescription: \"News\\x0c\"\n",
    );
    assert_eq!(
        error,
        "briefing.yaml:3:14: U+000C (a control character) is not allowed in 'description'; remove it"
    );
}

#[test]
fn a_byte_order_mark_inside_front_matter() {
    let error = error_of(
        BAD,
        "\u{feff}---\ntitle: Hostile\n\u{feff}date: 2025-09-02\n---\nBody.\n",
    );
    assert_eq!(
        error,
        "content/briefings/bad.md:3:1: U+FEFF (a byte-order mark) inside the front-matter: remove it (editors show nothing there; only the very start of a file may hold one)"
    );
}

// ---- Costs that must stay linear ----

#[test]
fn a_briefing_lists_at_most_50_topics_and_50_people() {
    let names = |n: usize, what: &str| {
        (0..n)
            .map(|i| format!("{what} {i}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let ok = briefing(
        &format!(
            "topics: [{}]\npeople: [{}]\n",
            names(50, "Topic"),
            names(50, "Person")
        ),
        "Body.\n",
    );
    let site = site();
    site.write(BAD, &ok);
    site.build_ok();
    assert_eq!(
        error_of(BAD, &briefing(&format!("topics: [{}]\n", names(51, "Topic")), "Body.\n")),
        "content/briefings/bad.md:4:9: 'topics' lists 51 names; a briefing may list at most 50 (limits: {topics_per_briefing: …} in briefing.yaml)"
    );
    assert_eq!(
        error_of(BAD, &briefing(&format!("people: [{}]\n", names(1000, "Person")), "Body.\n")),
        "content/briefings/bad.md:4:9: 'people' lists 1000 names; a briefing may list at most 50 (limits: {people_per_briefing: …} in briefing.yaml)"
    );
}

fn table(columns: usize, rows: usize) -> String {
    let mut text = "| a ".repeat(columns) + "|\n" + &"|---".repeat(columns) + "|\n";
    for _ in 0..rows {
        text.push_str(&"| x ".repeat(columns));
        text.push_str("|\n");
    }
    text
}

#[test]
fn tables_are_at_most_64_columns_wide() {
    let site = site();
    site.write(BAD, &briefing("", &format!("Intro.\n\n{}", table(64, 3))));
    site.build_ok();
    assert!(site.page("briefings/bad/index.html").contains("<table>"));
    assert_eq!(
        error_of(BAD, &briefing("", &format!("Intro.\n\n{}", table(65, 3)))),
        "content/briefings/bad.md:7:1: this table is 65 columns wide; at most 64 are allowed (limits: {table_columns: …} in briefing.yaml)"
    );
}

/// A table of `rows` rows of one cell under a header `columns` wide: each
/// row is padded to the full width.
fn padded_table(columns: usize, rows: usize) -> String {
    let mut text = "| a ".repeat(columns) + "|\n" + &"|---".repeat(columns) + "|\n";
    text.push_str(&"| x |\n".repeat(rows));
    text
}

#[test]
fn a_body_renders_to_at_most_16_times_its_markdown() {
    // 32 KB of Markdown padded to 3 MB of HTML, which each of the 303
    // feeds a briefing can be in would carry.
    let body = padded_table(64, 5_000);
    assert!(body.len() < 40_000);
    let error = error_of(BAD, &briefing("", &body));
    // The body as written: from after the front-matter's closing line.
    let markdown = body.len();
    let allowed = 16 * markdown;
    assert!(
        error.starts_with("content/briefings/bad.md:5: the body renders to ")
            && error.ends_with(&format!(" bytes of HTML from {markdown} bytes of Markdown, more than the {allowed} allowed: 16 times the Markdown, or 4096 if more (limits: {{html_per_markdown: …}} in briefing.yaml)")),
        "{error}"
    );
    let size: usize = error
        .split("renders to ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a size");
    assert!(size > 2_000_000, "{error}");

    // A short body may always render to 4 KB: "Xi." is 3 bytes of
    // Markdown, its mention's link over 50 of HTML.
    let site = site();
    site.write(
        "content/people/xi-jinping.md",
        "---\nname: Xi Jinping\naliases: [Xi]\n---\nThe President of China.\n",
    );
    site.write(BAD, &briefing("people: [Xi Jinping]\n", "Xi.\n"));
    site.build_ok();
    let page = site.page("briefings/bad/index.html");
    assert!(
        page.contains("/people/xi-jinping/\">Xi</a>."),
        "the mention is linked"
    );
    // Raised, the long one builds.
    site.write(BAD, &briefing("", &body));
    site.write(
        "briefing.yaml",
        "title: Bad input\nbase_url: https://example.org/\nlimits: {html_per_markdown: 128}\n",
    );
    site.build_ok();
    assert!(site.page("briefings/bad/index.html").len() > 2_000_000);
}

#[test]
fn titles_and_summaries_other_pages_copy_are_bounded() {
    // Characters, not bytes: 300 two-byte letters are a title.
    let site = site();
    let title = "é".repeat(300);
    site.write(
        BAD,
        &format!(
            "---\ntitle: {title}\ndate: 2025-09-02\nsummary: {}\n---\nBody.\n",
            "s".repeat(1500)
        ),
    );
    site.build_ok();
    assert!(site.page("briefings/bad/index.html").contains(&title));
    assert_eq!(
        error_of(BAD, &format!("---\ntitle: {title}é\ndate: 2025-09-02\n---\nBody.\n")),
        "content/briefings/bad.md:2:8: 'title' is 301 characters long; at most 300 are allowed, as every page that lists it copies it (limits: {title_chars: …} in briefing.yaml)"
    );
    assert_eq!(
        error_of(BAD, &briefing(&format!("summary: {}\n", "s".repeat(1501)), "Body.\n")),
        "content/briefings/bad.md:4:10: 'summary' is 1501 characters long; at most 1500 are allowed, as every page that lists it copies it (limits: {summary_chars: …} in briefing.yaml)"
    );
    // An edition's title is on each briefing page it carries.
    assert_eq!(
        error_of(
            "content/editions/2025-09-02.md",
            &format!("---\ntitle: {}\ndate: 2025-09-02\nlead: \"@/briefings/ok.md\"\n---\n", "t".repeat(301))
        ),
        "content/editions/2025-09-02.md:2:8: 'title' is 301 characters long; at most 300 are allowed, as every page that lists it copies it (limits: {title_chars: …} in briefing.yaml)"
    );
    // A summary made from a first paragraph of thousands of words.
    site.write(BAD, &briefing("", &format!("{}\n", "word ".repeat(5_000))));
    site.build_ok();
    let feed = site.page("rss.xml");
    let description = feed
        .split("<description>")
        .filter_map(|d| d.split("</description>").next())
        .find(|d| d.contains("word word"))
        .expect("the briefing's item");
    assert!(description.len() < 600, "{description}");
    assert!(description.contains("word…"), "{description}");
}

#[test]
fn thousands_of_aliases_each_mentioned_build_in_linear_time() {
    // Each mention was compared with every alias of its subject: 20,000
    // of each took 52 s in a release build.
    let site = site();
    let aliases: Vec<String> = (0..20_000).map(|i| format!("Xi Jinping {i}")).collect();
    site.write(
        "content/people/xi-jinping.md",
        &format!(
            "---\nname: Xi Jinping\naliases: [President Xi, {}]\n---\nThe President of China.\n",
            aliases.join(", ")
        ),
    );
    let body: Vec<String> = aliases.iter().map(|a| format!("President {a}.")).collect();
    site.write(BAD, &briefing("people: [Xi Jinping]\n", &body.join(" ")));
    builds_within(&site, Duration::from_secs(60));
    // "President Xi" ran on into each "Xi Jinping N" as one mention.
    let page = site.page("briefings/bad/index.html");
    assert!(
        page.contains(">President Xi Jinping 0</a>."),
        "the first mention is linked whole"
    );
}

#[test]
fn markdown_nested_past_100_levels_is_an_error_not_a_crash() {
    // 2,400 quotes in an edition's note overflowed the e-mail's CSS
    // inliner: the build died (SIGABRT) naming no file.
    let site = site();
    let edition = "content/editions/2025-09-01.md";
    let note = |depth: usize| {
        format!(
            "---\ntitle: Day\ndate: 2025-09-01\nlead: \"@/briefings/2025-09-01-good.md\"\nbriefings: []\n---\nIntro.\n\n{} deep\n",
            ">".repeat(depth)
        )
    };
    let build = |root: &std::path::Path| {
        Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["build", "-q", "--root"])
            .arg(root)
            .output()
            .expect("run briefing build")
    };
    site.write(edition, &note(100));
    let out = build(&site.root);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    site.write(edition, &note(2_400));
    let out = build(&site.root);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "content/editions/2025-09-01.md:9:101: the Markdown nests more than 100 levels deep here (quotes, lists, emphasis): write it flatter"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // In a briefing too, lists inside lists.
    site.remove(edition);
    let list: String = (0..120)
        .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
        .collect();
    let error = error_of(BAD, &briefing("", &list));
    assert!(error.contains("nests more than 100 levels deep"), "{error}");
}

#[test]
fn text_split_at_every_quote_is_joined_in_linear_time() {
    // Smart quotes split the text at each one, and each piece was joined
    // by copying the run so far: 400 KB took 6.8 s in a release build.
    let site = site();
    site.write(
        "briefing.yaml",
        "title: Bad input\nbase_url: https://example.org/\nmarkdown: {smart_punctuation: true}\n",
    );
    site.write(BAD, &briefing("", &"\"a\" ".repeat(100_000)));
    builds_within(&site, Duration::from_secs(30));
    let page = site.page("briefings/bad/index.html");
    // The body's, and the summary's copies (70 words each).
    assert!(page.matches("\u{201c}a\u{201d}").count() >= 100_000);
}

#[test]
fn names_roles_and_stories_other_pages_copy_are_bounded() {
    let long = "n".repeat(101);
    assert_eq!(
        error_of(BAD, &briefing(&format!("topics: [Trade, {long}]\n"), "Body.\n")),
        "content/briefings/bad.md:4:9: a name in 'topics' is 101 characters long; at most 100 are allowed, as every page that lists it copies it (limits: {name_chars: …} in briefing.yaml)"
    );
    assert_eq!(
        error_of(
            "content/topics/trade.md",
            &format!("---\nname: Trade\nslug: trade\naliases: [Commerce, {long}]\n---\nAbout trade.\n")
        ),
        "content/topics/trade.md:4:10: a name in 'aliases' is 101 characters long; at most 100 are allowed, as every page that lists it copies it (limits: {name_chars: …} in briefing.yaml)"
    );
    assert_eq!(
        error_of(
            "content/people/xi-jinping.md",
            &format!("---\nname: Xi Jinping\nrole: {}\n---\nThe President of China.\n", "r".repeat(1501))
        ),
        "content/people/xi-jinping.md:3:7: 'role' is 1501 characters long; at most 1500 are allowed, as every page that lists it copies it (limits: {summary_chars: …} in briefing.yaml)"
    );
    let stories: Vec<String> = (0..11).map(|i| format!("Story {i}")).collect();
    assert_eq!(
        error_of(BAD, &briefing(&format!("story: [{}]\n", stories.join(", ")), "Body.\n")),
        "content/briefings/bad.md:4:8: 'story' lists 11 names; a briefing may list at most 10 (limits: {stories_per_briefing: …} in briefing.yaml)"
    );
    // At the limits, it builds.
    let site = site();
    site.write(
        BAD,
        &briefing(
            &format!(
                "topics: [{}]\nstory: [{}]\n",
                "n".repeat(100),
                stories[..10].join(", ")
            ),
            "Body.\n",
        ),
    );
    site.build_ok();
}

#[test]
fn the_menu_every_page_shows_holds_at_most_12_pages() {
    let site = site();
    for i in 0..13 {
        site.write(
            &format!("content/pages/p{i:02}.md"),
            &format!("---\ntitle: Page {i}\n---\nText.\n"),
        );
    }
    let errors = site.build_err();
    assert_eq!(
        errors.to_string().lines().next(),
        Some("error: content/pages/p12.md:1: 13 pages are in the menu, which every page shows; at most 12 are allowed: give the others `menu: false` (limits: {menu_pages: …} in briefing.yaml)")
    );
    // Left out of the menu, a page is still published.
    site.write(
        "content/pages/p12.md",
        "---\ntitle: Page 12\nmenu: false\n---\nText.\n",
    );
    site.build_ok();
    let home = site.page("index.html");
    assert!(home.contains(">Page 11</a>"));
    assert!(!home.contains(">Page 12</a>"));
    assert!(site.page("p12/index.html").contains("<h1>Page 12</h1>"));
}

/// Peak memory of the finished child processes, in MB.
fn children_peak_mb() -> i64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss / 1024
}

#[test]
fn a_table_10k_columns_wide_fails_fast_and_small() {
    let site = site();
    // 2 MB: the shape that took 614 MB to render.
    let body = table(10_000, 50);
    assert!(body.len() > 2_000_000);
    site.write(BAD, &briefing("", &body));
    let root = site.root.clone();
    let out = within(Duration::from_secs(20), move || {
        Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["check", "--root"])
            .arg(&root)
            .output()
            .expect("run briefing check")
    });
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        report.contains("content/briefings/bad.md:5:1: this table is 10000 columns wide; at most 64 are allowed"),
        "{report}"
    );
    let peak = children_peak_mb();
    assert!(peak < 200, "briefing check peaked at {peak} MB");
}

// ---- Panics ----

#[test]
fn a_date_cut_inside_a_letter_is_an_error_not_a_panic() {
    let site = site();
    site.write(
        BAD,
        "---\ntitle: Hostile\ndate: \"2025-09-0é\"\n---\nBody.\n",
    );
    for command in ["build", "check"] {
        let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .arg(command)
            .arg("--root")
            .arg(&site.root)
            .env("NO_COLOR", "1")
            .output()
            .expect("run briefing");
        // `build` reports on stderr, `check` on stdout.
        let report = String::from_utf8_lossy(&out.stderr) + String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{command}: {report}");
        assert!(
            report.contains("content/briefings/bad.md:3:7: '2025-09-0é' is not a date"),
            "{command}: {report}"
        );
    }
}

// ---- Templates that do not end ----

/// Run `briefing build` on `site`, which must end (whatever its template
/// does) and fail: its report.
fn failed_build(site: &TestSite) -> String {
    let root = site.root.clone();
    let out = within(Duration::from_secs(120), move || {
        Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["build", "--root"])
            .arg(&root)
            .env("NO_COLOR", "1")
            .output()
            .expect("run briefing build")
    });
    let report = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{report}");
    report
}

/// The hostile site: a small render limit, and a briefing template that
/// defines `components` and runs `hostile` on the hostile briefing only.
fn runaway_site(components: &str, hostile: &str) -> TestSite {
    let site = site();
    site.write(
        "briefing.yaml",
        "title: Bad input\nbase_url: https://example.org/\nlimits: {render_timeout: 300ms}\n",
    );
    // A thousand items: three loops over them are 10^9 turns.
    let items: Vec<String> = (0..1000).map(|i| i.to_string()).collect();
    site.write(
        BAD,
        &briefing(
            &format!("extra: {{items: [{}]}}\n", items.join(", ")),
            "Body.\n",
        ),
    );
    site.write(
        "templates/briefing.html",
        &format!(
            "{components}<!doctype html><title>{{{{ page.title }}}}</title>\n{{% if page.title == \"Hostile\" %}}{hostile}{{% endif %}}\n"
        ),
    );
    site
}

#[test]
fn templates_that_do_not_end_fail_naming_template_and_page() {
    for (components, hostile) in [
        // Nested ranges.
        ("", "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}"),
        // Nested loops over a large array, calling no function, writing nothing.
        ("", "{% for a in page.extra.items %}{% for b in page.extra.items %}{% for c in page.extra.items %}{% endfor %}{% endfor %}{% endfor %}"),
        // A component that calls itself, ten times a level, fifteen levels
        // deep (Tera stops a component at twenty).
        (
            "{% component grow(n) %}{% if n < 15 %}{% for i in [1,2,3,4,5,6,7,8,9,10] %}{{ <grow n={n+1}/> }}{% endfor %}{% endif %}{% endcomponent grow %}",
            "{{ <grow n={0}/> }}",
        ),
    ] {
        let site = runaway_site(components, hostile);
        let report = failed_build(&site);
        assert!(
            report.contains("templates/briefing.html: rendering /briefings/bad/ (content/briefings/bad.md) took longer than 300 ms (limits: {render_timeout: …} in briefing.yaml)"),
            "{hostile}:\n{report}"
        );
        assert!(
            report.contains("the previous site was left as it was")
                || report.contains("nothing was written"),
            "{report}"
        );
    }
}

#[test]
fn a_component_that_calls_itself_without_end_is_an_error() {
    let site = runaway_site(
        "{% component forever(n) %}{{ <forever n={n+1}/> }}{% endcomponent forever %}",
        "{{ <forever n={0}/> }}",
    );
    let report = failed_build(&site);
    assert!(report.contains("templates/briefing.html"), "{report}");
    assert!(report.contains("recursion depth"), "{report}");
    assert!(report.contains("/briefings/bad/"), "{report}");
}

#[test]
fn a_bracket_bomb_is_refused_at_its_place_before_it_is_parsed() {
    // 300,000 '[' took libyaml's scanner over a minute; a hang guard, not
    // a timing: it is refused before the parser sees it.
    let bomb = format!("extra: {}\n", "[".repeat(300_000));
    let error = within(Duration::from_secs(60), move || {
        error_of("content/briefings/bomb.md", &briefing(&bomb, "Body.\n"))
    });
    assert_eq!(
        error,
        "content/briefings/bomb.md:4:108: more than 100 '[' or '{' open at once: the YAML nests too deep; write the values out"
    );
    let site = site();
    let config = site.root.join("briefing.yaml");
    let text = std::fs::read_to_string(&config).expect("config");
    let line = text.lines().count() + 1;
    std::fs::write(
        &config,
        format!("{text}extra: {}\n", "{a: ".repeat(300_000)),
    )
    .expect("config");
    let errors = within(Duration::from_secs(60), move || site.build_err());
    assert!(
        errors.0[0]
            .to_string()
            .starts_with(&format!("briefing.yaml:{line}:")),
        "{errors}"
    );
}

#[test]
fn names_a_build_cannot_publish_are_errors_at_their_file() {
    // A hidden slug: `.briefing-new` and `.briefing-output` are the build's own.
    for slug in [".briefing-new", ".briefing-output"] {
        let error = error_of(
            "content/pages/p.md",
            &format!("---\ntitle: P\nslug: \"{slug}\"\n---\nBody.\n"),
        );
        assert_eq!(
            error,
            format!("content/pages/p.md:3:7: the slug '{slug}' starts with '.': a hidden name, and those starting with .briefing are the build's own; start it with a letter or digit")
        );
    }
    let error = error_of("content/briefings/dot.md", &briefing("slug: \".\"\n", ""));
    assert!(error.contains("the slug '.' starts with '.'"), "{error}");
    // Longer than a folder name can be.
    let long = "a".repeat(300);
    let error = error_of(
        "content/briefings/long.md",
        &briefing(&format!("slug: {long}\n"), ""),
    );
    assert!(
        error.contains("is 300 bytes long: a folder name holds at most 255"),
        "{error}"
    );
    // An edition's file name is its address.
    let error = error_of(
        "content/editions/Dec 1#late.md",
        "---\ntitle: E\ndate: 2025-09-02\nlead: \"@/briefings/2025-09-01-good.md\"\nbriefings: []\n---\n",
    );
    assert!(
        error.starts_with("content/editions/Dec 1#late.md: the file name is the edition's address"),
        "{error}"
    );
}

#[test]
fn addresses_that_differ_only_in_case_are_one_file_on_some_disks() {
    let error = error_of(
        "content/pages/p.md",
        "---\ntitle: P\nslug: Search\n---\nBody.\n",
    );
    assert_eq!(
        error,
        "content/pages/p.md: the site's search page would be written at /search/index.html, and the page of content/pages/p.md at /Search/index.html: /search/ and /Search/ differ only in case, and on a disk that ignores case (macOS, Windows) they are one folder; rename one"
    );
    let site = site();
    site.write("static/Logo.txt", "a");
    site.write("static/logo.txt", "b");
    let errors = site.build_err();
    assert_eq!(errors.0.len(), 1, "{errors}");
    assert!(
        errors.0[0].message.contains("/Logo.txt") && errors.0[0].message.contains("/logo.txt"),
        "{errors}"
    );
    // Folders too: the theme's css/ and the site's CSS/, each told once.
    let site = self::site();
    site.write("static/Images/a.txt", "a");
    site.write("static/Images/c.txt", "c");
    site.write("static/images/b.txt", "b");
    site.write("static/CSS/print.css", "p {}");
    let errors = site.build_err();
    let told: Vec<String> = errors.0.iter().map(|e| e.message.clone()).collect();
    assert_eq!(told.len(), 2, "{told:#?}");
    assert!(
        told.iter()
            .any(|m| m.contains(": /images/ and /Images/ differ only in case")),
        "{told:#?}"
    );
    assert!(
        told.iter().any(|m| m.contains("/CSS/")
            && m.contains("/css/")
            && m.ends_with("they are one folder; rename one")),
        "{told:#?}"
    );
    // A capital alone is no collision.
    let site = self::site();
    site.write(
        "content/pages/about.md",
        "---\ntitle: About\nslug: About\n---\nBody.\n",
    );
    site.build_ok();
    assert!(site.out().join("About/index.html").is_file());
}

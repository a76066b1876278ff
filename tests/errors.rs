//! Errors name the file and the line counted from the top of the file, and
//! a failed build never touches the site already built.

mod common;

use std::fs;
use std::process::Command;

use common::fixture;

fn first_error(site: &common::TestSite) -> String {
    site.build_err().0[0].to_string()
}

#[test]
fn unknown_key_names_the_line_and_the_likely_key() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ndate: 2025-09-01\npeple: [Xi]\n---\nBody\n",
    );
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:4:1: unknown key 'peple' (did you mean 'people'?)"
    );
}

#[test]
fn every_unknown_key_of_a_file_is_told_at_once() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ndate: 2025-09-01\nsumary: S\npeple: [Xi]\nmood: calm\n---\nBody\n",
    );
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:4:1: unknown keys 'sumary' (line 4; did you mean 'summary'?), 'peple' (line 5; did you mean 'people'?), 'mood' (line 6)"
    );
}

#[test]
fn a_key_given_twice_is_named_at_the_second() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ndate: 2025-09-01\nsummary: S\ndate: 2025-09-02\n---\nBody\n",
    );
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:5:1: the key 'date' is given twice"
    );
    // In briefing.yaml too.
    let config = site.root.join("briefing.yaml");
    let text = fs::read_to_string(&config).expect("config");
    fs::write(&config, format!("{text}language: en\nlanguage: fr\n")).expect("config");
    let line = text.lines().count() + 2;
    assert_eq!(
        first_error(&site),
        format!("briefing.yaml:{line}:1: the key 'language' is given twice")
    );
}

#[test]
fn a_bad_date_names_its_line() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ntopics: [SCO]\ndate: 2 September\n---\n",
    );
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:4:7: '2 September' is not a date: write 2025-09-02 or 2025-09-02T10:00:00+08:00"
    );
}

#[test]
fn an_impossible_date_is_named() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ndate: 2025-02-30\n---\n",
    );
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:3:7: '2025-02-30' is not a day in the calendar"
    );
}

#[test]
fn a_missing_title_points_at_the_front_matter() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ndate: 2025-09-01\n---\nBody\n",
    );
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:1: 'title' is required (for example `title: Putin and Xi hold talks in Beijing`)"
    );
}

#[test]
fn yaml_syntax_errors_name_the_file_line() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ndate: 2025-09-01\ntopics: [SCO\n---\n",
    );
    // libyaml notices the missing ']' at the closing '---', a line later;
    // the error points where the list opened.
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:4:9: this '[' is never closed: add ']' after its last item (did not find expected ',' or ']')"
    );
}

#[test]
fn an_unclosed_list_points_at_its_opening_line_not_the_keys_after_it() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ntopics: [SCO, Energy\npeople: [Xi]\ndate: 2025-09-01\nsummary: A summary.\n---\n",
    );
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:3:9: this '[' is never closed: add ']' after its last item (did not find expected ',' or ']')"
    );
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\nextra: {lead: a.jpg\ndate: 2025-09-01\n---\n",
    );
    let error = first_error(&site);
    assert!(
        error.starts_with("content/briefings/x.md:3:8: this '{' is never closed: add '}'"),
        "{error}"
    );
}

#[test]
fn wrong_types_are_named() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ndate: 2025-09-01\ntopics: 5\n---\n",
    );
    let error = first_error(&site);
    assert!(error.starts_with("content/briefings/x.md:4:"), "{error}");
    assert!(
        error.contains("wrong type: integer `5`, expected a sequence"),
        "{error}"
    );
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let site = fixture("crosslinks");
    site.write("content/briefings/a.md", "---\ndate: 2025-09-01\n---\n");
    site.write("content/briefings/b.md", "---\ntitle: B\ndate: soon\n---\n");
    let errors = site.build_err();
    assert_eq!(errors.0.len(), 2, "{errors}");
}

#[test]
fn a_broken_internal_link_is_an_error_at_its_position() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ndate: 2025-09-01\n---\nFirst line.\n\nSee [this](@/briefings/2025-09-02-talk.md).\n",
    );
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:7:5: broken link: no file content/briefings/2025-09-02-talk.md (did you mean '@/briefings/2025-09-02-talks.md'?)"
    );
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ndate: 2025-09-01\n---\nSee [gas](@/briefings/2025-09-02-talks.md#gaz).\n",
    );
    assert_eq!(
        first_error(&site),
        "content/briefings/x.md:5:5: broken link: content/briefings/2025-09-02-talks.md has no heading with the id '#gaz' (did you mean '#gas'?)"
    );
}

#[test]
fn unknown_config_key_is_named() {
    let site = fixture("crosslinks");
    site.write(
        "briefing.yaml",
        "title: T\nbase_url: https://example.org/\nlanguge: en\n",
    );
    assert_eq!(
        first_error(&site),
        "briefing.yaml:3:1: unknown key 'languge' (did you mean 'language'?)"
    );
}

#[test]
fn a_template_error_names_the_template_and_line() {
    let site = fixture("crosslinks");
    site.write(
        "templates/topic.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.name | nosuchfilter }}\n{% endblock main %}\n",
    );
    let error = first_error(&site);
    assert!(error.starts_with("templates/topic.html:3:"), "{error}");
}

#[test]
fn a_failed_build_leaves_the_previous_site_untouched() {
    let site = fixture("crosslinks");
    site.build_ok();
    let before = common::snapshot(&site.out());
    assert!(before.len() > 10);
    // A good change and a bad one: neither may reach site/.
    site.write(
        "content/briefings/2025-09-02-talks.md",
        "---\ntitle: Changed\ndate: 2025-09-02\n---\nNew text.\n",
    );
    site.write(
        "content/briefings/bad.md",
        "---\ntitle: Bad\ndate: never\n---\n",
    );
    site.build_err();
    assert_eq!(common::snapshot(&site.out()), before);
    // No staging folder is left behind.
    let leftovers: Vec<_> = fs::read_dir(&site.root)
        .expect("root")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".site"))
        .filter(|e| !e.file_name().to_string_lossy().starts_with(".site.cache"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_template_failure_also_leaves_the_site_untouched() {
    let site = fixture("crosslinks");
    site.build_ok();
    let before = common::snapshot(&site.out());
    site.write(
        "templates/briefing.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.title\n",
    );
    site.build_err();
    assert_eq!(common::snapshot(&site.out()), before);
}

#[test]
fn the_cli_exits_non_zero_and_prints_file_and_line() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/x.md",
        "---\ntitle: X\ndate: 2025-13-01\n---\n",
    );
    let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["build", "--root"])
        .arg(&site.root)
        .output()
        .expect("run briefing");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "error: content/briefings/x.md:3:7: '2025-13-01' is not a day in the calendar"
        ),
        "{stderr}"
    );
    assert!(!site.out().exists());
}

#[test]
fn the_cli_builds_with_a_base_url_and_output() {
    let site = fixture("crosslinks");
    let output = site.root.join("public");
    let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args([
            "build",
            "--base-url",
            "https://news.example.com/daily/",
            "--root",
        ])
        .arg(&site.root)
        .arg("--output")
        .arg(&output)
        .output()
        .expect("run briefing");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("Built 2 briefings"));
    let page = fs::read_to_string(output.join("briefings/talks/index.html")).expect("page");
    assert!(page.contains(r#"href="/daily/topics/energy/""#));
}

#[test]
fn a_base_url_every_address_would_be_lost_after_is_refused_from_the_command_line_too() {
    let site = fixture("crosslinks");
    for url in [
        "https://example.org/?q=1",
        "example.org",
        "https://example.org/#top",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(["build", "--base-url", url, "--root"])
            .arg(&site.root)
            .output()
            .expect("run briefing");
        assert_eq!(out.status.code(), Some(1), "{url}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!("error: --base-url {url}: 'base_url' ")),
            "{stderr}"
        );
        assert!(!site.out().exists());
    }
}

#[test]
fn an_output_that_is_a_file_is_refused() {
    let site = fixture("crosslinks");
    site.write("site", "not a folder");
    let error = first_error(&site);
    assert!(error.contains("the output path is a file"), "{error}");
}

#[test]
fn a_bulk_of_broken_links_is_told_whole_with_hints_for_the_first_hundred() {
    // Each hint compares the link with every target: a bulk rename's
    // thousands of broken links would take minutes.
    let site = fixture("crosslinks");
    let links: String = (0..150)
        .map(|i| format!("[link {i}](@/briefings/2025-09-02-talk{i}.md)\n\n"))
        .collect();
    site.write(
        "content/briefings/x.md",
        &format!("---\ntitle: X\ndate: 2025-09-04\ntopics: [SCO]\n---\n{links}"),
    );
    let errors = site.build_err();
    assert_eq!(errors.0.len(), 150);
    let hinted = errors
        .0
        .iter()
        .filter(|e| e.message.contains("did you mean"))
        .count();
    assert_eq!(hinted, 100);
    assert!(errors.0[0]
        .message
        .ends_with("(did you mean '@/briefings/2025-09-02-talks.md'?)"));
}

#[test]
fn a_template_a_theme_of_the_site_lacks_is_named_in_that_theme() {
    let site = fixture("crosslinks");
    site.write(
        "themes/mine/templates/base.html",
        "{% block main %}{% endblock main %}",
    );
    let config = site.root.join("briefing.yaml");
    let text = fs::read_to_string(&config).expect("config");
    fs::write(&config, format!("{text}theme: mine\n")).expect("config");
    let error = first_error(&site);
    assert!(
        error.starts_with("themes/mine/templates/") && error.contains(": the theme has no '"),
        "{error}"
    );
    assert!(
        error.ends_with("template: add it there, or to the site's templates/ for this site alone"),
        "{error}"
    );
}

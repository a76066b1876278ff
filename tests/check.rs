//! `briefing check`: every problem in one run, as text or JSON.

mod common;

use std::process::Command;

use common::fixture;

fn run_check(site: &common::TestSite, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["check", "--format", format, "--root"])
        .arg(&site.root)
        .output()
        .expect("run briefing check");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn check_reports_three_errors_in_one_run_and_exits_1() {
    let site = fixture("check");
    let (code, text) = run_check(&site, "text");
    assert_eq!(code, 1, "{text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(
        errors,
        [
            "error: content/briefings/2025-09-03-bad-date.md:3:7: '2025-09-31' is not a day in the calendar",
            "error: content/briefings/2025-09-04-unknown-key.md:4:1: unknown key 'topcs' (did you mean 'topics'?)",
            "error: content/briefings/2025-09-05-broken-link.md:6:5: broken link: no file content/briefings/2025-09-01-gud.md (did you mean '@/briefings/2025-09-01-good.md'?)",
        ],
        "{text}"
    );
    assert!(text.ends_with("3 errors, 5 warnings\n"), "{text}");
    // Nothing was written.
    assert!(!site.out().exists());
}

#[test]
fn check_warns_with_places() {
    let site = fixture("check");
    let (_, text) = run_check(&site, "text");
    let warnings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    let file = "content/briefings/2025-09-02-warnings.md";
    for expected in [
        format!("warning: {file}:4: the person 'Narendra Modhi' is close to 'Narendra Modi' (content/people/narendra-modi.md): a misspelling? If they are one person, make one an alias in a profile"),
        format!("warning: {file}:4: 'Narendra Modhi' has no profile: add content/people/narendra-modhi.md to give a role and aliases"),
        format!("warning: {file}:1: the briefing has no topic: add `topics: [...]` so readers can find it"),
        format!("warning: {file}:5: the source 'A wire without a link' has no url"),
        format!("warning: {file}:2: the title 'Modi in Tianjin' is also the title of content/briefings/2025-09-01-good.md"),
    ] {
        assert!(warnings.contains(&expected.as_str()), "missing {expected}\nin:\n{text}");
    }
}

#[test]
fn check_with_only_warnings_exits_0() {
    let site = fixture("check");
    for bad in [
        "2025-09-03-bad-date.md",
        "2025-09-04-unknown-key.md",
        "2025-09-05-broken-link.md",
    ] {
        site.remove(&format!("content/briefings/{bad}"));
    }
    let (code, text) = run_check(&site, "text");
    assert_eq!(code, 0, "{text}");
    assert!(text.ends_with("0 errors, 5 warnings\n"), "{text}");
}

#[test]
fn check_json_parses_back() {
    let site = fixture("check");
    let (code, text) = run_check(&site, "json");
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let errors = json["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 3);
    assert_eq!(
        errors[0]["file"],
        "content/briefings/2025-09-03-bad-date.md"
    );
    assert_eq!(errors[0]["line"], 3);
    assert_eq!(errors[0]["column"], 7);
    assert_eq!(
        errors[1]["message"],
        "unknown key 'topcs' (did you mean 'topics'?)"
    );
    assert_eq!(json["warnings"].as_array().expect("warnings").len(), 5);
}

#[test]
fn the_example_site_checks_clean() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = briefing::check::check(&briefing::BuildOptions::new(repo));
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
}

#[test]
fn a_misspelt_name_is_found_among_thousands_that_share_its_first_letter() {
    // Past 2,000 names of one letter, each is compared with its neighbours
    // in alphabetical order only; a misspelling sorts beside its name.
    let site = common::fixture("crosslinks");
    for b in 0..50 {
        let topics: Vec<String> = (0..50)
            .map(|t| format!("\"Trade {:05}\"", b * 50 + t))
            .collect();
        site.write(
            &format!("content/briefings/2025-10-01-t{b:02}.md"),
            &format!(
                "---\ntitle: T{b}\ndate: 2025-10-01\ntopics: [{}]\n---\nx\n",
                topics.join(", ")
            ),
        );
    }
    site.write(
        "content/briefings/2025-10-02-typo.md",
        "---\ntitle: Typo\ndate: 2025-10-02\ntopics: [Tianjin summit, Tianjin sumit]\n---\nx\n",
    );
    let report = briefing::check::check(&site.options());
    let close: Vec<String> = report
        .warnings
        .iter()
        .filter(|w| w.message.contains("is close to"))
        .map(|w| w.message.clone())
        .filter(|m| m.contains("Tianjin"))
        .collect();
    assert_eq!(close.len(), 1, "{close:?}");
    assert!(
        close[0].starts_with("the topic 'Tianjin summit' is close to 'Tianjin sumit'"),
        "{close:?}"
    );
}

#[test]
fn a_profile_that_fails_is_not_told_to_be_added() {
    let site = fixture("check");
    site.write(
        "content/people/narendra-modhi.md",
        &format!(
            "---\nname: Narendra Modhi\nrole: {}\n---\nA misspelling.\n",
            "r".repeat(1501)
        ),
    );
    let (_, text) = run_check(&site, "text");
    assert!(
        text.contains(
            "error: content/people/narendra-modhi.md:3:7: 'role' is 1501 characters long"
        ),
        "{text}"
    );
    assert!(!text.contains("'Narendra Modhi' has no profile"), "{text}");

    // A file of that name that is another person's profile: told.
    site.write(
        "content/people/narendra-modhi.md",
        "---\nname: Someone Else\n---\nAnother person.\n",
    );
    let (_, text) = run_check(&site, "text");
    assert!(text.contains("'Narendra Modhi' has no profile"), "{text}");
}

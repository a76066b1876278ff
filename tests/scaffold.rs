//! `briefing init` and `briefing new`.

use std::fs;
use std::process::Command;

use chrono::DateTime;

fn at(text: &str) -> chrono::DateTime<chrono::FixedOffset> {
    DateTime::parse_from_rfc3339(text).expect("date")
}

#[test]
fn init_makes_a_site_that_builds_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("mysite");
    let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("init")
        .arg(&root)
        .output()
        .expect("run init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report =
        briefing::build(&briefing::BuildOptions::new(&root)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (report.briefings, report.topics, report.people, report.pages),
        (1, 1, 1, 1)
    );
    let home = fs::read_to_string(root.join("site/index.html")).expect("home");
    assert!(home.contains("Welcome to your briefing"));
    assert!(root.join("site/people/ada-editor/index.html").is_file());
    assert!(root.join("site/topics/newsroom/rss.xml").is_file());
    // The sample briefing names Ada, whose profile makes "Ada" resolve too.
    let check = briefing::check::check(&briefing::BuildOptions::new(&root));
    assert!(
        check.errors.is_empty() && check.warnings.is_empty(),
        "{:?} {:?}",
        check.errors,
        check.warnings
    );
}

#[test]
fn init_keeps_builds_out_of_git() {
    let dir = tempfile::tempdir().expect("temp dir");
    let files =
        briefing::scaffold::init(dir.path(), at("2025-09-02T10:00:00+08:00")).expect("init");
    assert!(
        files.iter().any(|f| f.as_os_str() == ".gitignore"),
        "{files:?}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".gitignore")).expect(".gitignore"),
        "/site/\n/.briefing/\n"
    );
}

#[test]
fn init_leaves_a_gitignore_already_there_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join(".gitignore"), "notes/\n").expect("write");
    let files =
        briefing::scaffold::init(dir.path(), at("2025-09-02T10:00:00+08:00")).expect("init");
    assert!(
        !files.iter().any(|f| f.as_os_str() == ".gitignore"),
        "{files:?}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(".gitignore")).expect(".gitignore"),
        "notes/\n"
    );
}

#[test]
fn one_of_each_is_counted_in_the_singular() {
    let dir = tempfile::tempdir().expect("temp dir");
    briefing::scaffold::init(dir.path(), at("2025-09-02T10:00:00+08:00")).expect("init");
    let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("build")
        .arg("--root")
        .arg(dir.path())
        .output()
        .expect("run build");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("Built 1 briefing, 1 topic, 1 person, 1 page, "),
        "{stdout}"
    );
}

#[test]
fn init_refuses_an_existing_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    briefing::scaffold::init(dir.path(), at("2025-09-02T10:00:00+08:00")).expect("first init");
    let error = briefing::scaffold::init(dir.path(), at("2025-09-02T10:00:00+08:00"))
        .expect_err("second init");
    assert!(
        error
            .to_string()
            .ends_with("briefing.yaml: a site is already here: init would overwrite its config"),
        "{error}"
    );
}

#[test]
fn new_writes_the_front_matter_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let now = at("2025-09-02T10:00:00+08:00");
    let topics = vec!["SCO".to_string(), "Energy".to_string()];
    let people = vec!["Xi Jinping".to_string()];
    let rel = briefing::scaffold::new_briefing(
        dir.path(),
        "Putin: talks in Beijing?",
        &topics,
        &people,
        now,
        true,
    )
    .expect("new");
    assert_eq!(
        rel.to_str(),
        Some("content/briefings/2025-09-02-putin-talks-in-beijing.md")
    );
    let text = fs::read_to_string(dir.path().join(&rel)).expect("read");
    assert_eq!(
        text,
        "---\ntitle: 'Putin: talks in Beijing?'\ndate: 2025-09-02T10:00:00+08:00\ntopics:\n- SCO\n- Energy\npeople:\n- Xi Jinping\n---\n\n"
    );
    // It parses as a briefing.
    fs::write(
        dir.path().join("briefing.yaml"),
        "title: T\nbase_url: https://example.org/\n",
    )
    .expect("config");
    let report =
        briefing::build(&briefing::BuildOptions::new(dir.path())).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.briefings, 1);

    fs::write(dir.path().join(&rel), "edited by hand").expect("edit");
    let error = briefing::scaffold::new_briefing(
        dir.path(),
        "Putin: talks in Beijing?",
        &[],
        &[],
        now,
        true,
    )
    .expect_err("second new");
    assert!(
        error
            .to_string()
            .contains("already exists: not overwritten"),
        "{error}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join(&rel)).expect("read"),
        "edited by hand"
    );
}

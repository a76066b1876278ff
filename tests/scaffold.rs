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
    // A file where the folder would go.
    let file = dir.path().join("notes.txt");
    fs::write(&file, "x").expect("write");
    let error = briefing::scaffold::init(&file, at("2025-09-02T10:00:00+08:00"))
        .expect_err("init on a file");
    assert!(
        error
            .to_string()
            .ends_with("notes.txt: not a folder: init writes a site into a folder, new or empty"),
        "{error}"
    );
    assert_eq!(fs::read_to_string(&file).expect("read"), "x");
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

#[test]
fn a_title_used_before_gets_a_slug_of_its_day() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    fs::write(
        root.join("briefing.yaml"),
        "title: T\nbase_url: https://example.org/\n",
    )
    .expect("config");
    let new = |day: &str| {
        let rel = briefing::scaffold::new_briefing(
            root,
            "Morning briefing",
            &[],
            &[],
            at(&format!("{day}T07:00:00+00:00")),
            true,
        )
        .expect("new");
        fs::read_to_string(root.join(rel)).expect("read")
    };
    assert!(!new("2025-09-01").contains("slug:"));
    assert!(new("2025-09-02").contains("\nslug: morning-briefing-2025-09-02\n"));
    // A slug another file gives itself is taken too, whatever its case.
    fs::write(
        root.join("content/briefings/kept.md"),
        "---\ntitle: Kept\nslug: \"Morning-Briefing-2025-09-03\"\ndate: 2025-09-03\n---\n",
    )
    .expect("write");
    assert!(new("2025-09-03").contains("\nslug: morning-briefing-2025-09-03-2\n"));
    // Every one of them is published, each at its own address.
    let report =
        briefing::build(&briefing::BuildOptions::new(root)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.briefings, 4);
    for slug in [
        "morning-briefing",
        "morning-briefing-2025-09-02",
        "morning-briefing-2025-09-03-2",
    ] {
        assert!(
            root.join(format!("site/briefings/{slug}/index.html"))
                .is_file(),
            "{slug}"
        );
    }
}

#[test]
fn new_outside_a_site_writes_nothing_and_says_why() {
    let dir = tempfile::tempdir().expect("temp dir");
    for args in [&["new", "A title"][..], &["new", "--edition"][..]] {
        let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run new");
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("no site config here"), "{stderr}");
    }
    assert_eq!(fs::read_dir(dir.path()).expect("list").count(), 0);
}

#[test]
fn quiet_new_and_init_print_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_briefing"))
            .arg("-q")
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("run");
        assert!(out.status.success(), "{args:?}");
        (out.stdout, out.stderr)
    };
    assert_eq!(run(&["init", "site"]), (vec![], vec![]));
    assert_eq!(run(&["new", "--root", "site", "A title"]), (vec![], vec![]));
    assert!(dir.path().join("site/content/briefings").is_dir());
}

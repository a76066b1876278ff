//! `briefing serve` in a real browser: headless Chromium, driven by
//! playwright-core (tests/browser/live_reload.mjs), which .ci/run installs;
//! and the example site checked for accessibility with axe-core.

mod common;

use std::path::Path;
use std::process::Command;

use common::{fixture, serve};

/// Run one of the scripts in tests/browser/ with node; its output.
fn node(script: &str, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser")
        .join(script);
    let out = Command::new("node")
        .arg(&script)
        .args(args)
        .output()
        .expect("run node (tests/run installs it)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{text}");
    (out.status.success(), text)
}

#[test]
fn a_save_reloads_the_open_page_and_a_broken_save_shows_an_overlay() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let url = server.url.clone();
    let (ok, text) = node("live_reload.mjs", &[url.as_ref(), site.root.as_os_str()]);
    assert!(ok, "{text}");
    assert!(text.contains("browser: 5 passed, 0 failed"), "{text}");
}

#[test]
fn the_search_page_finds_briefings_by_title_summary_body_topic_and_person() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let url = server.url.clone();
    let (ok, text) = node("search.mjs", &[url.as_ref()]);
    assert!(ok, "{text}");
    assert!(text.contains("search: 8 passed, 0 failed"), "{text}");
}

#[test]
fn the_example_editions_email_reads_in_every_client_at_320_and_600_px() {
    let site = common::example();
    site.build_ok();
    let emails: Vec<std::path::PathBuf> = std::fs::read_dir(site.out().join("editions"))
        .expect("editions")
        .filter_map(Result::ok)
        .map(|entry| entry.path().join("email.html"))
        .filter(|path| path.is_file())
        .collect();
    assert_eq!(emails.len(), 5, "the example has five editions");
    for email in &emails {
        let size = std::fs::metadata(email).expect("email").len();
        assert!(size < 102 * 1024, "{}: {size} bytes", email.display());
    }
    let args: Vec<&std::ffi::OsStr> = emails.iter().map(|p| p.as_os_str()).collect();
    let (ok, text) = node("email.mjs", &args);
    assert!(ok, "{text}");
    assert!(text.contains("email: 15 passed, 0 failed"), "{text}");
}

#[test]
fn every_page_of_the_example_passes_axe_at_390_and_1280_px_light_and_dark() {
    let site = common::example();
    site.build_ok();
    let pages = walkdir::WalkDir::new(site.out())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_str()
                .is_some_and(|n| n.ends_with(".html") && n != "email.html")
        })
        .count();
    assert!(pages > 40, "{pages} pages");
    let (ok, text) = node("axe.mjs", &[site.out().as_os_str()]);
    assert!(ok, "{text}");
    // Two widths, two colour schemes.
    assert!(
        text.contains(&format!("axe: {} passed, 0 failed", pages * 4)),
        "{text}"
    );
}

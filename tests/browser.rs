//! `briefing serve` in a real browser: headless Chromium, driven by
//! playwright-core (tests/browser/live_reload.mjs), which .ci/run installs.

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
fn the_search_page_finds_briefings_by_title_summary_topic_and_person() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let url = server.url.clone();
    let (ok, text) = node("search.mjs", &[url.as_ref()]);
    assert!(ok, "{text}");
    assert!(text.contains("search: 4 passed, 0 failed"), "{text}");
}

//! `briefing serve` in a real browser: headless Chromium, driven by
//! playwright-core (tests/browser/live_reload.mjs), which .ci/run installs.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::fixture;

/// Kills the server when the test ends, however it ends.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Start `briefing serve --port 0` and read the URL it prints.
fn serve(root: &Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start briefing serve");
    let stdout = child.stdout.take().expect("stdout");
    let server = Server(child);
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.expect("server output");
        if let Some(at) = line.find("http://127.0.0.1:") {
            let url = line[at..]
                .split_whitespace()
                .next()
                .expect("url")
                .to_string();
            // Keep reading, and show the server's rebuild lines with the test's output.
            std::thread::spawn(move || {
                lines
                    .map_while(Result::ok)
                    .for_each(|l| println!("serve: {l}"))
            });
            return (server, url);
        }
    }
    panic!("briefing serve printed no URL");
}

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
    let (_server, url) = serve(&site.root);
    let (ok, text) = node("live_reload.mjs", &[url.as_ref(), site.root.as_os_str()]);
    assert!(ok, "{text}");
    assert!(text.contains("browser: 5 passed, 0 failed"), "{text}");
}

#[test]
fn the_search_page_finds_briefings_by_title_summary_topic_and_person() {
    let site = fixture("crosslinks");
    let (_server, url) = serve(&site.root);
    let (ok, text) = node("search.mjs", &[url.as_ref()]);
    assert!(ok, "{text}");
    assert!(text.contains("search: 4 passed, 0 failed"), "{text}");
}

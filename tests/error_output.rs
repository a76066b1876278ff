//! One broken file reads the same from `build`, `check` and `serve`: the
//! same headline, the same source line and caret, and colour only when the
//! output is a terminal (forced here with `CLICOLOR_FORCE`, as a test has
//! no terminal).

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::fixture;

const BROKEN: &str = "---\ntitle: X\ndate: 2025-09-01\npeple: [Xi]\n---\nBody\n";

const PLAIN: &str = "\
error: content/briefings/x.md:4:1: unknown key 'peple' (did you mean 'people'?)
  |
4 | peple: [Xi]
  | ^
";

const COLOURED: &str = "\
\x1b[1;31merror\x1b[0m: content/briefings/x.md:4:1: unknown key 'peple' (did you mean 'people'?)
  \x1b[1;34m|\x1b[0m
\x1b[1;34m4\x1b[0m \x1b[1;34m|\x1b[0m peple: [Xi]
  \x1b[1;34m|\x1b[0m \x1b[1;31m^\x1b[0m
";

/// `check` goes on to the fixture's one warning, in the same form.
const WARNING: &str = "\
warning: content/briefings/2025-08-31-summit.md:5: 'Narendra Modi' has no profile: add content/people/narendra-modi.md to give a role and aliases
  |
5 | people: [President Xi, Narendra Modi]
";

const WARNING_COLOURED: &str = "\
\x1b[1;33mwarning\x1b[0m: content/briefings/2025-08-31-summit.md:5: 'Narendra Modi' has no profile: add content/people/narendra-modi.md to give a role and aliases
  \x1b[1;34m|\x1b[0m
\x1b[1;34m5\x1b[0m \x1b[1;34m|\x1b[0m people: [President Xi, Narendra Modi]
";

/// How a run is coloured: by the environment alone, as no test has a
/// terminal.
#[derive(Clone, Copy)]
enum Colour {
    Default,
    Forced,
    ForcedButNoColor,
}

fn briefing(colour: Colour) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_briefing"));
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    match colour {
        Colour::Default => {}
        Colour::Forced => {
            command.env("CLICOLOR_FORCE", "1");
        }
        Colour::ForcedButNoColor => {
            command.env("CLICOLOR_FORCE", "1").env("NO_COLOR", "1");
        }
    }
    command
}

fn broken_site() -> common::TestSite {
    let site = fixture("crosslinks");
    site.write("content/briefings/x.md", BROKEN);
    site
}

fn build(colour: Colour) -> String {
    let site = broken_site();
    let out = briefing(colour)
        .arg("build")
        .arg("--root")
        .arg(&site.root)
        .output()
        .expect("run briefing build");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn check(colour: Colour) -> String {
    let site = broken_site();
    let out = briefing(colour)
        .arg("check")
        .arg("--root")
        .arg(&site.root)
        .output()
        .expect("run briefing check");
    assert_eq!(out.status.code(), Some(1));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// What `serve` prints on stderr for a site that fails its first build:
/// the lines of one error report, then it is stopped.
fn serve(colour: Colour) -> String {
    let site = broken_site();
    let mut child = briefing(colour)
        .args(["serve", "--port", "0", "--bind", "127.0.0.1", "--root"])
        .arg(&site.root)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start briefing serve");
    let stderr = child.stderr.take().expect("stderr");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut text = String::new();
    for _ in 0..PLAIN.lines().count() {
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(line) => {
                text.push_str(&line);
                text.push('\n');
            }
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    text
}

#[test]
fn build_prints_the_error_with_its_line_then_what_it_left() {
    assert_eq!(
        build(Colour::Default),
        format!("{PLAIN}build failed: 1 error; nothing was written\n")
    );
}

#[test]
fn check_prints_the_same_error_then_its_counts() {
    assert_eq!(
        check(Colour::Default),
        format!("{PLAIN}{WARNING}1 error, 1 warning\n")
    );
}

#[test]
fn serve_prints_the_same_error() {
    assert_eq!(serve(Colour::Default), PLAIN);
}

#[test]
fn every_command_colours_it_alike_on_a_terminal() {
    assert_eq!(
        build(Colour::Forced),
        format!("{COLOURED}build failed: 1 error; nothing was written\n")
    );
    assert_eq!(
        check(Colour::Forced),
        format!("{COLOURED}{WARNING_COLOURED}1 error, 1 warning\n")
    );
    assert_eq!(serve(Colour::Forced), COLOURED);
}

#[test]
fn no_color_wins_over_a_forced_colour() {
    assert_eq!(
        build(Colour::ForcedButNoColor),
        format!("{PLAIN}build failed: 1 error; nothing was written\n")
    );
    assert_eq!(
        check(Colour::ForcedButNoColor),
        format!("{PLAIN}{WARNING}1 error, 1 warning\n")
    );
}

/// Run `briefing <args>` on `site` with stdout (and stderr, if `both`) a
/// pipe whose reader has gone before anything is written, as in
/// `briefing check | head -0`: its exit code.
fn to_a_closed_pipe(site: &common::TestSite, args: &[&str], both: bool) -> Option<i32> {
    let mut child = briefing(Colour::Default)
        .args(args)
        .arg("--root")
        .arg(&site.root)
        .stdout(Stdio::piped())
        .stderr(if both { Stdio::piped() } else { Stdio::null() })
        .spawn()
        .expect("run briefing");
    drop(child.stdout.take());
    drop(child.stderr.take());
    child.wait().expect("wait").code()
}

#[test]
fn a_reader_that_stops_reading_changes_no_exit_code() {
    // A built site stays built and says so with 0; a broken one still
    // fails with 1: never the 101 of a panic, nor an abort.
    let site = fixture("crosslinks");
    assert_eq!(to_a_closed_pipe(&site, &["build"], false), Some(0));
    assert!(site.out().join("index.html").is_file());
    assert_eq!(to_a_closed_pipe(&site, &["check"], true), Some(0));
    assert_eq!(
        to_a_closed_pipe(&site, &["check", "--format", "json"], true),
        Some(0)
    );
    let broken = broken_site();
    assert_eq!(to_a_closed_pipe(&broken, &["check"], true), Some(1));
    assert_eq!(to_a_closed_pipe(&broken, &["build"], true), Some(1));
}

#[test]
fn quiet_check_prints_only_errors() {
    let quiet = |site: &common::TestSite| {
        let out = briefing(Colour::Default)
            .args(["check", "-q", "--root"])
            .arg(&site.root)
            .output()
            .expect("run briefing check -q");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // The fixture's one warning, and the counts, are not errors.
    assert_eq!(quiet(&fixture("crosslinks")), "");
    assert_eq!(quiet(&broken_site()), PLAIN);
}

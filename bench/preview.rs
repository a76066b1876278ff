//! How long from a save to the browser's reload signal, on a real corpus.
//!
//!   cargo run --release --example preview -- SITE_DIR [EDITS] [GAP_MS]
//!
//! Starts `briefing serve --port 0` on SITE_DIR (built by `cargo build
//! --release` beforehand), listens on its event stream like a browser, then
//! EDITS times (default 15) rewrites one briefing's body and measures the
//! time until the reload event arrives, GAP_MS (default 300) after the
//! last one: a short gap saves while the last save's search index is made. Also times a full rebuild (a change
//! to briefing.yaml) for comparison. The corpus is left as it was.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: preview SITE_DIR [EDITS]"));
    let edits: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(15);
    let gap = Duration::from_millis(args.next().and_then(|n| n.parse().ok()).unwrap_or(300));
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/briefing");

    let started = Instant::now();
    let mut server = Command::new(&binary)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start briefing serve (cargo build --release first)");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = lines.next().expect("server output").expect("line");
        if let Some(at) = line.find("http://") {
            break line[at..]
                .split_whitespace()
                .next()
                .expect("url")
                .to_string();
        }
    };
    let first_build = started.elapsed();
    std::thread::spawn(move || lines.for_each(drop));

    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    let mut events = TcpStream::connect(&addr).expect("connect");
    write!(
        events,
        "GET /__briefing/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
    )
    .expect("request");
    let mut events = BufReader::new(events);
    let mut wait_for = |what: &str| {
        let mut line = String::new();
        loop {
            line.clear();
            events.read_line(&mut line).expect("event stream");
            if line.starts_with(what) {
                return;
            }
        }
    };

    let briefing = first_briefing(&root.join("content/briefings"));
    let original = fs::read_to_string(&briefing).expect("read briefing");
    let mut times = Vec::new();
    for i in 0..edits {
        std::thread::sleep(gap);
        let edited = format!("{original}\nAn added sentence, edit number {i}.\n");
        let saved = Instant::now();
        fs::write(&briefing, edited).expect("write");
        wait_for("event: reload");
        times.push(saved.elapsed());
    }
    fs::write(&briefing, &original).expect("restore");
    std::thread::sleep(Duration::from_millis(300));
    wait_for("event: reload");

    let config = root.join("briefing.yaml");
    let config_text = fs::read_to_string(&config).expect("config");
    std::thread::sleep(Duration::from_millis(300));
    let saved = Instant::now();
    fs::write(
        &config,
        format!("{config_text}\ndescription: changed by the benchmark\n"),
    )
    .expect("write config");
    wait_for("event: reload");
    let full = saved.elapsed();
    fs::write(&config, config_text).expect("restore config");
    std::thread::sleep(Duration::from_millis(200));
    let _ = server.kill();
    let _ = server.wait();

    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("first build and serve: {:.0} ms", ms(first_build));
    println!(
        "save → reload event, one briefing edited: median {:.1} ms (min {:.1}, max {:.1}, {} edits)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len()
    );
    println!(
        "save → reload event, briefing.yaml edited (full rebuild): {:.0} ms",
        ms(full)
    );
}

fn first_briefing(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("content/briefings")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    files.into_iter().next().expect("a briefing")
}

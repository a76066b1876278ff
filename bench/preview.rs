//! How long from a save to the browser's reload signal, on a real corpus,
//! for each kind of save an editor makes.
//!
//!   cargo run --release --example preview -- SITE_DIR [ROUNDS] [GAP_MS]
//!
//! Starts `briefing serve --port 0` on SITE_DIR (built by `cargo build
//! --release` beforehand, or the binary `BRIEFING_BIN` names), listens on its event stream like a browser, then
//! ROUNDS times (default 5) makes each kind of save: a briefing's body, its
//! title, its date, its topics (a topic of rare words, and one holding a word
//! most bodies say), a new briefing, that briefing deleted, a
//! topic's profile, and a save that breaks the YAML followed by its fix.
//! For each it prints the median of serve's own rebuild time (its log line)
//! and of the time from the save to the reload event, which adds the file
//! watcher's wait. Saves are GAP_MS apart (default 400): a short gap saves
//! while the last save's search index is still being made. The corpus is
//! left as it was.

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// Serve's output lines and the event stream, read as a browser would.
struct Preview {
    log: Receiver<String>,
    events: BufReader<TcpStream>,
}

impl Preview {
    /// Wait for the event named `what`: when it arrived, and serve's
    /// rebuild time, from its log.
    fn wait_for(&mut self, what: &str) -> (Instant, Option<f64>) {
        let mut line = String::new();
        let arrived = loop {
            line.clear();
            self.events.read_line(&mut line).expect("event stream");
            if line.starts_with(&format!("event: {what}")) {
                break Instant::now();
            }
        };
        // The log line is printed before the event is sent. Draining the
        // log waits for it to go quiet, which is why the event's arrival is
        // taken before.
        let mut took = None;
        while let Ok(line) = self.log.recv_timeout(Duration::from_millis(50)) {
            took = rebuild_ms(&line).or(took);
        }
        (arrived, took)
    }
}

/// `… · 12 ms (load …` → 12.
fn rebuild_ms(line: &str) -> Option<f64> {
    let end = line.find(" ms (load")?;
    let start = line[..end].rfind('·')? + '·'.len_utf8();
    line[start..end].trim().parse().ok()
}

/// A kind of save: what to write, and what to write to undo it.
struct Save {
    name: &'static str,
    file: PathBuf,
    edited: Option<String>,
    original: Option<String>,
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().expect("usage: preview SITE_DIR [ROUNDS]"));
    let rounds: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let gap = Duration::from_millis(args.next().and_then(|n| n.parse().ok()).unwrap_or(400));
    let binary = std::env::var_os("BRIEFING_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/briefing"));

    // A topic profile is one of the saves: its folder exists from the start.
    fs::create_dir_all(root.join("content/topics")).expect("content/topics");
    let started = Instant::now();
    let mut server = Command::new(&binary)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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
    // Serve says what it rebuilt on stderr; both streams are read.
    let (send, log) = channel();
    let errors = BufReader::new(server.stderr.take().expect("stderr")).lines();
    for stream in [
        Box::new(lines) as Box<dyn Iterator<Item = _> + Send>,
        Box::new(errors),
    ] {
        let send = send.clone();
        std::thread::spawn(move || {
            for line in stream.map_while(Result::ok) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
    }

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
    let mut preview = Preview {
        log,
        events: BufReader::new(events),
    };

    let briefing = middle_briefing(&root.join("content/briefings"));
    let text = fs::read_to_string(&briefing).expect("read briefing");
    let new = root.join("content/briefings/zz-preview-benchmark.md");
    let profile = root.join("content/topics/preview-benchmark.md");
    let topic = first_topic(&text).expect("the briefing has a topic");
    let saves = [
        edit("body", &briefing, &text, |t| format!("{t}\nAn added sentence.\n")),
        edit("title", &briefing, &text, |t| t.replacen("title: \"", "title: \"Edited: ", 1)),
        edit("date", &briefing, &text, shift_day),
        edit("topics", &briefing, &text, |t| {
            t.replacen(&format!("\"{topic}\""), "\"Preview benchmark\"", 1)
        }),
        // A new topic holding a word most bodies say: only the bodies that
        // may name it are rendered again.
        edit("topic of common words", &briefing, &text, |t| {
            t.replacen(&format!("\"{topic}\""), &format!("\"{topic} desk\""), 1)
        }),
        Save {
            name: "new briefing",
            file: new.clone(),
            edited: Some(format!(
                "---\ntitle: \"A new briefing\"\ndate: 2099-01-01T09:00:00+00:00\nsummary: \"New.\"\ntopics: [\"{topic}\"]\n---\nA new briefing.\n"
            )),
            original: None,
        },
        Save {
            name: "topic profile",
            file: profile.clone(),
            edited: Some(format!(
                "---\nname: \"{topic}\"\ndescription: \"A profile.\"\n---\nWhat the topic covers.\n"
            )),
            original: None,
        },
    ];

    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut rows: Vec<(String, Vec<f64>, Vec<f64>)> = Vec::new();
    let mut row = |name: String, took: Option<f64>, waited: Duration| match rows
        .iter_mut()
        .find(|r| r.0 == name)
    {
        Some(r) => {
            r.1.extend(took);
            r.2.push(ms(waited));
        }
        None => rows.push((name, took.into_iter().collect(), vec![ms(waited)])),
    };
    for _ in 0..rounds {
        for save in &saves {
            for (name, bytes) in [
                (save.name.to_string(), &save.edited),
                (format!("{} undone", save.name), &save.original),
            ] {
                std::thread::sleep(gap);
                let saved = Instant::now();
                match bytes {
                    Some(bytes) => fs::write(&save.file, bytes).expect("write"),
                    None => fs::remove_file(&save.file).expect("remove"),
                }
                let (arrived, took) = preview.wait_for("reload");
                row(name, took, arrived - saved);
            }
        }
        // A save that breaks the front-matter, then its fix.
        std::thread::sleep(gap);
        fs::write(
            &briefing,
            text.replacen("title: \"", "title: \"\"broken", 1),
        )
        .expect("write");
        preview.wait_for("build-error");
        std::thread::sleep(gap);
        let saved = Instant::now();
        fs::write(&briefing, &text).expect("restore");
        let (arrived, took) = preview.wait_for("reload");
        row("fix after a failed save".into(), took, arrived - saved);
    }
    let _ = server.kill();
    let _ = server.wait();
    // The files the benchmark made are gone, the briefing is as it was.
    fs::write(&briefing, &text).expect("restore");
    let _ = fs::remove_dir(root.join("content/topics"));

    println!("first build and serve: {:.0} ms", ms(first_build));
    println!(
        "{:<28} {:>12} {:>14}",
        "save", "serve's ms", "save→reload ms"
    );
    for (name, mut took, mut waited) in rows {
        println!(
            "{name:<28} {:>12.1} {:>14.1}",
            median(&mut took),
            median(&mut waited)
        );
    }
}

fn edit(name: &'static str, file: &Path, text: &str, change: impl Fn(&str) -> String) -> Save {
    let edited = change(text);
    assert_ne!(edited, text, "{name}: the edit changes nothing");
    Save {
        name,
        file: file.to_path_buf(),
        edited: Some(edited),
        original: Some(text.to_string()),
    }
}

fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// The briefing in the middle of the file listing: neither the newest nor
/// the oldest, as most edits are.
fn middle_briefing(dir: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("content/briefings")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    files.sort();
    files.swap_remove(files.len() / 2)
}

/// The first topic of a corpus briefing (`topics:` then `  - "Name"` lines).
fn first_topic(text: &str) -> Option<String> {
    let mut lines = text.lines().skip_while(|l| !l.starts_with("topics:"));
    lines.next()?;
    let line = lines.next()?.trim().strip_prefix("- ")?;
    Some(line.trim_matches('"').to_string())
}

/// The same briefing a day later (`date: YYYY-MM-DD…`, days 01 to 27).
fn shift_day(text: &str) -> String {
    let at = text.find("\ndate: ").expect("a date") + 7;
    let day: u32 = text[at + 8..at + 10].parse().expect("a day");
    let next = if day >= 27 { day - 1 } else { day + 1 };
    format!("{}{next:02}{}", &text[..at + 8], &text[at + 10..])
}

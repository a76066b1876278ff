//! The preview keeps up with how editors and tools really save: by rename,
//! delete and re-create, folder renames, bursts of saves; natively and by
//! polling.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::{fixture, serve};

/// The body of a page, and its status.
fn fetch(addr: &str, path: &str) -> (u16, String) {
    let Ok(mut stream) = TcpStream::connect(addr) else {
        return (0, String::new());
    };
    let _ = write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    let code = answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (code, answer)
}

/// Wait (10 s at most) until `path` answers `code` with `text` in it.
fn until(addr: &str, path: &str, code: u16, text: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (got, body) = fetch(addr, path);
        if got == code && body.contains(text) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{path}: wanted {code} with {text:?}, got {got}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn briefing(title: &str) -> String {
    // Keeps the heading another fixture briefing links to (#the-opening).
    format!("---\ntitle: {title}\ndate: 2025-09-05\ntopics: [SCO]\n---\nBody of {title}.\n\n## The opening\n")
}

fn editors_saves(extra: &[&str]) {
    let site = fixture("crosslinks");
    let server = serve(&site.root, extra);
    let addr = server.addr.clone();
    let dir = site.root.join("content/briefings");

    // vim and emacs: write a temp file, rename it over the original.
    fs::write(dir.join(".summit.md.swp"), "swap").expect("swap");
    fs::write(dir.join("summit.tmp"), briefing("Saved by rename")).expect("temp");
    fs::rename(dir.join("summit.tmp"), dir.join("2025-08-31-summit.md")).expect("rename");
    until(&addr, "/briefings/summit/", 200, "Saved by rename");

    // Deleted, then created again (one nothing links to: deleting a
    // linked briefing is a broken link, and the last good site would stay).
    fs::write(dir.join("2025-09-04-extra.md"), briefing("Extra")).expect("write");
    until(&addr, "/briefings/extra/", 200, "Extra");
    fs::remove_file(dir.join("2025-09-04-extra.md")).expect("delete");
    until(&addr, "/briefings/extra/", 404, "");
    fs::write(dir.join("2025-09-04-extra.md"), briefing("Back again")).expect("re-create");
    until(&addr, "/briefings/extra/", 200, "Back again");

    // A new briefing, then moved into a subfolder.
    fs::write(dir.join("2025-09-05-new.md"), briefing("A new one")).expect("new");
    until(&addr, "/briefings/new/", 200, "A new one");
    until(&addr, "/topics/sco/", 200, "/briefings/new/");
    fs::create_dir_all(dir.join("sco")).expect("mkdir");
    fs::rename(
        dir.join("2025-09-05-new.md"),
        dir.join("sco/2025-09-05-moved.md"),
    )
    .expect("move");
    until(&addr, "/briefings/moved/", 200, "A new one");
    until(&addr, "/briefings/new/", 404, "");

    // The folder itself renamed.
    fs::rename(dir.join("sco"), dir.join("asia")).expect("rename folder");
    fs::write(
        dir.join("asia/2025-09-05-moved.md"),
        briefing("In a renamed folder"),
    )
    .expect("edit");
    until(&addr, "/briefings/moved/", 200, "In a renamed folder");

    // A hundred saves in about a second (9 ms apart, longer when the disk
    // stalls, which only makes the burst less hard): the last one wins.
    for i in 0..100 {
        fs::write(
            dir.join("2025-08-31-summit.md"),
            briefing(&format!("Save number {i}")),
        )
        .expect("save");
        std::thread::sleep(Duration::from_millis(9));
    }
    until(&addr, "/briefings/summit/", 200, "Save number 99");
}

/// The preview's event stream, read as a browser does.
struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    /// Subscribe, and wait for the stream's first line.
    fn subscribe(addr: &str, timeout: Duration) -> Events {
        let mut stream = TcpStream::connect(addr).expect("connect");
        stream.set_read_timeout(Some(timeout)).expect("timeout");
        write!(
            stream,
            "GET /__briefing/events HTTP/1.1\r\nHost: {addr}\r\n\r\n"
        )
        .expect("subscribe");
        let mut events = Events {
            stream,
            seen: String::new(),
        };
        events.read_until("retry:");
        events
    }

    /// Read until `text` has come; everything read so far.
    fn read_until(&mut self, text: &str) -> &str {
        let mut buf = [0; 4096];
        while !self.seen.contains(text) {
            let n = self.stream.read(&mut buf).expect("event stream open");
            assert!(n > 0, "event stream closed; got {:?}", self.seen);
            self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
        &self.seen
    }
}

#[test]
fn native_events_keep_up_with_every_kind_of_save() {
    editors_saves(&[]);
}

#[test]
fn polling_keeps_up_too() {
    editors_saves(&["--poll"]);
}

/// One way an editor saves `file` with `text`. `gap` is the time it takes
/// between its steps (an fsync, a slow disk): longer than the watcher's
/// debounce, so each step can arrive as an event of its own.
fn save(style: &str, file: &std::path::Path, text: &str, gap: Duration) {
    let sibling = |suffix: &str| {
        let mut name = file.as_os_str().to_owned();
        name.push(suffix);
        std::path::PathBuf::from(name)
    };
    match style {
        // Most editors and tools: a temp file renamed over the original.
        "rename" => {
            fs::write(sibling(".tmp"), text).expect("temp");
            std::thread::sleep(gap);
            fs::rename(sibling(".tmp"), file).expect("rename");
        }
        // vim with `backupcopy=no`: the original becomes the backup, a new
        // file is written, the backup goes.
        "vim" => {
            fs::rename(file, sibling("~")).expect("backup");
            std::thread::sleep(gap);
            fs::write(file, text).expect("write");
            fs::remove_file(sibling("~")).expect("drop backup");
        }
        "delete" => {
            fs::remove_file(file).expect("delete");
            std::thread::sleep(gap);
            fs::write(file, text).expect("re-create");
        }
        "truncate" => {
            let mut out = fs::File::create(file).expect("truncate");
            std::thread::sleep(gap);
            out.write_all(text.as_bytes()).expect("write");
        }
        _ => unreachable!("{style}"),
    }
}

/// Three rounds of each style with 8 readers, waiting for each save to show.
/// `BRIEFING_SAVE_SOAK=SECONDS` runs it that long instead, with 200 readers
/// and a save every 50 ms, whether or not the last one has shown yet.
#[test]
fn readers_see_no_missing_or_half_saved_page_while_an_editor_saves() {
    readers_during_saves(&[]);
}

#[test]
fn readers_see_no_missing_or_half_saved_page_when_polling_either() {
    readers_during_saves(&["--poll"]);
}

fn readers_during_saves(extra: &[&str]) {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    let soak = std::env::var("BRIEFING_SAVE_SOAK")
        .ok()
        .and_then(|s| s.parse().ok())
        .map(|secs| Instant::now() + Duration::from_secs(secs));
    let site = fixture("crosslinks");
    let server = serve(&site.root, extra);
    let addr = server.addr.clone();
    // A briefing nothing links to: deleting a linked one is a broken link,
    // an error that keeps the last good site whatever the watcher does.
    let file = site.root.join("content/briefings/2025-09-04-extra.md");
    let page = |n: usize| briefing(&format!("Save {n}")) + "\nLast line.\n";
    fs::write(&file, page(0)).expect("write");
    until(&addr, "/briefings/extra/", 200, "Save 0");

    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let bad = Arc::new(Mutex::new(Vec::new()));
    let deadline = soak.unwrap_or_else(Instant::now) + Duration::from_secs(60);
    let readers: Vec<_> = (0..if soak.is_some() { 200 } else { 8 })
        .map(|_| {
            let (addr, stop, reads, bad) = (addr.clone(), stop.clone(), reads.clone(), bad.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
                    let (code, body) = fetch(&addr, "/briefings/extra/");
                    reads.fetch_add(1, Ordering::Relaxed);
                    if code != 200 || !body.contains("Last line.") {
                        if let Ok(mut bad) = bad.lock() {
                            bad.push(format!("{code}: {:.80}", body.lines().next().unwrap_or("")));
                        }
                    }
                }
            })
        })
        .collect();

    let styles = ["rename", "vim", "delete", "truncate"];
    let mut n = 0;
    loop {
        let style = styles[n % styles.len()];
        n += 1;
        save(style, &file, &page(n), Duration::from_millis(100));
        match soak {
            Some(end) if Instant::now() < end => std::thread::sleep(Duration::from_millis(50)),
            Some(_) => break,
            None => {
                until(&addr, "/briefings/extra/", 200, &format!("Save {n}"));
                if n == 3 * styles.len() {
                    break;
                }
            }
        }
    }
    until(&addr, "/briefings/extra/", 200, &format!("Save {n}"));
    stop.store(true, Ordering::Relaxed);
    for reader in readers {
        reader.join().expect("reader");
    }
    let bad = bad.lock().expect("results");
    let reads = reads.load(Ordering::Relaxed);
    println!("{n} saves, {reads} reads");
    assert!(reads > 0);
    assert!(
        bad.is_empty(),
        "{} of {reads} reads were not the whole page: {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
}

#[test]
fn a_save_that_crashes_the_rebuild_keeps_the_last_good_site_served() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    let mut events = Events::subscribe(&addr, Duration::from_secs(10));

    // A date cut inside a character once panicked the rebuild, and with it
    // the whole preview.
    let file = site.root.join("content/briefings/2025-08-31-summit.md");
    let original = fs::read_to_string(&file).expect("read");
    fs::write(
        &file,
        original.replace("date: 2025-08-31", "date: \"2025-09-0é\""),
    )
    .expect("break");
    events.read_until("event: build-error");
    until(
        &addr,
        "/briefings/summit/",
        200,
        "More than twenty leaders attend.",
    );

    fs::write(
        &file,
        original.replace("More than twenty leaders attend.", "Fixed after a crash."),
    )
    .expect("fix");
    until(&addr, "/briefings/summit/", 200, "Fixed after a crash.");
    until(&addr, "/briefings/talks/", 200, "");
}

#[test]
fn a_template_that_does_not_end_keeps_the_last_good_site_served() {
    let site = fixture("crosslinks");
    site.write(
        "briefing.yaml",
        "title: Crosslinks\nbase_url: https://example.org/\nlimits: {render_timeout: 300ms}\n",
    );
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    let mut events = Events::subscribe(&addr, Duration::from_secs(30));

    // Every briefing page loops for hours: its threads are lost, the
    // preview is not.
    site.write(
        "templates/briefing.html",
        "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
    );
    let seen = events.read_until("took longer than 300 ms");
    assert!(seen.contains("templates/briefing.html"), "{seen}");
    until(
        &addr,
        "/briefings/summit/",
        200,
        "More than twenty leaders attend.",
    );

    site.write(
        "templates/briefing.html",
        "<!doctype html><title>{{ page.title }}</title><p>A template that ends.</p>\n",
    );
    until(&addr, "/briefings/summit/", 200, "A template that ends.");
}

/// The search shards served, as one text.
fn search_shards(addr: &str) -> String {
    let (_, manifest) = fetch(addr, "/search/index.json");
    let body = manifest.split("\r\n\r\n").nth(1).unwrap_or("");
    let shards = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|m| m["s"].as_u64())
        .unwrap_or(0);
    (0..shards)
        .map(|s| fetch(addr, &format!("/search/t/{s}.json")).1)
        .collect()
}

#[test]
fn after_a_body_only_save_the_page_is_served_and_its_new_word_reaches_the_search_index() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    until(&addr, "/search/index.json", 200, "\"s\"");
    assert!(!search_shards(&addr).contains("\"quorum\""));

    // Front-matter as it was: the save is patched in, and its search
    // index made after the reload, on another thread.
    let file = site.root.join("content/briefings/2025-08-31-summit.md");
    let original = fs::read_to_string(&file).expect("read");
    fs::write(
        &file,
        original.replace(
            "More than twenty leaders attend.",
            "More than twenty leaders attend; a quorum.",
        ),
    )
    .expect("save");
    until(&addr, "/briefings/summit/", 200, "a quorum.");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !search_shards(&addr).contains("\"quorum\"") {
        assert!(
            Instant::now() < deadline,
            "the new word never reached the search index"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // A second save: the index follows again, and the page is not held
    // back by it.
    fs::write(
        &file,
        original.replace(
            "More than twenty leaders attend.",
            "More than twenty leaders attend; a plenary.",
        ),
    )
    .expect("save again");
    until(&addr, "/briefings/summit/", 200, "a plenary.");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let shards = search_shards(&addr);
        if shards.contains("\"plenary\"") && !shards.contains("\"quorum\"") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the search index never followed the second save"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn after_a_title_save_the_index_held_is_served_until_the_new_one_has_the_new_title() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    until(&addr, "/search/index.json", 200, "\"s\"");
    assert!(!search_shards(&addr).contains("\"zeppelin\""));

    // A new title: the site is linked again, not patched; the index made
    // later, the one held served meanwhile.
    let file = site.root.join("content/briefings/2025-08-31-summit.md");
    let original = fs::read_to_string(&file).expect("read");
    let title = original
        .lines()
        .find(|l| l.starts_with("title:"))
        .expect("a title");
    fs::write(
        &file,
        original.replacen(title, "title: The zeppelin summit", 1),
    )
    .expect("save");
    until(&addr, "/briefings/summit/", 200, "zeppelin summit");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, _) = fetch(&addr, "/search/index.json");
        assert_eq!(
            status, 200,
            "the search index went missing while it was made"
        );
        if search_shards(&addr).contains("\"zeppelin\"") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the new title never reached the search index"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_source_folder_removed_while_polling_is_let_go_quietly_and_watched_again() {
    let site = fixture("crosslinks");
    let theme = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/themes/default/templates/base.html"
    ))
    .expect("the theme's base");
    let ours = |mark: &str| theme.replacen("<head>", &format!("<head><!-- {mark} -->"), 1);
    fs::create_dir_all(site.root.join("templates")).expect("templates");
    fs::write(site.root.join("templates/base.html"), ours("first")).expect("write");
    let log = site.root.join("serve.log");
    let server = common::serve_to(
        &site.root,
        &["--poll"],
        fs::File::create(&log).expect("log").into(),
    );
    until(&server.addr, "/", 200, "<!-- first -->");
    // Removed, to go back to the theme's: the site follows, and the watcher,
    // which looks every 300 ms, does not complain at each look.
    fs::remove_dir_all(site.root.join("templates")).expect("remove");
    until(&server.addr, "/", 200, "<head>\n<meta charset");
    std::thread::sleep(Duration::from_millis(1500));
    // Made again: watched again.
    fs::create_dir_all(site.root.join("templates")).expect("templates");
    fs::write(site.root.join("templates/base.html"), ours("second")).expect("write");
    until(&server.addr, "/", 200, "<!-- second -->");
    fs::write(site.root.join("templates/base.html"), ours("third")).expect("write");
    until(&server.addr, "/", 200, "<!-- third -->");
    drop(server);
    let told = fs::read_to_string(&log).expect("log");
    assert!(!told.contains("watch error"), "{told}");
}

#[test]
fn the_preview_tells_each_warning_once_when_it_appears() {
    let site = fixture("crosslinks");
    let pictured = |image: &str| {
        format!("---\ntitle: Pictured\ndate: 2025-09-06\ntopics: [SCO]\nimage: {image}\nimage_alt: A card\n---\nBody.\n")
    };
    site.write(
        "content/briefings/2025-09-06-pictured.md",
        &pictured("/images/one.png"),
    );
    let log = site.root.join("serve.log");
    let server = common::serve_to(&site.root, &[], fs::File::create(&log).expect("log").into());
    let page = "/briefings/pictured/";
    until(&server.addr, page, 200, "/images/one.png");
    // A save the preview patches in without linking again, twice the same.
    for _ in 0..2 {
        site.write(
            "content/briefings/2025-09-06-pictured.md",
            &pictured("/images/two.png"),
        );
        until(&server.addr, page, 200, "/images/two.png");
    }
    site.write("static/images/two.png", "png");
    until(&server.addr, "/images/two.png", 200, "png");
    drop(server);
    let told: Vec<String> = fs::read_to_string(&log)
        .expect("log")
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .map(String::from)
        .collect();
    let missing = |name: &str| {
        format!("warning: content/briefings/2025-09-06-pictured.md:5:8: the picture '/images/{name}.png' is no file of the site: add static/images/{name}.png, or give its full URL")
    };
    assert_eq!(told, [missing("one"), missing("two")]);
}

#[test]
fn a_warning_of_a_save_that_leaves_a_file_missing_is_told_when_it_is_served() {
    // A rename leaves the old name missing: the result is held for it to
    // come back, then served; its warnings were never told then.
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/2025-09-06-lone.md",
        "---\ntitle: A lone briefing\ndate: 2025-09-06\ntopics: [SCO]\n---\nBody.\n",
    );
    let log = site.root.join("serve.log");
    let server = common::serve_to(&site.root, &[], fs::File::create(&log).expect("log").into());
    let page = "/briefings/lone/";
    until(&server.addr, page, 200, "A lone briefing");
    fs::rename(
        site.root.join("content/briefings/2025-09-06-lone.md"),
        site.root.join("content/briefings/2025-09-06-lone.markdown"),
    )
    .expect("rename");
    until(&server.addr, page, 404, "");
    logged(&log, "warning: content/briefings/2025-09-06-lone.markdown: not read: briefing reads Markdown from .md files only; rename it to 2025-09-06-lone.md", 1);
    drop(server);
}

/// Wait until the serve log `log` holds `text` `times` times.
fn logged(log: &std::path::Path, text: &str, times: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while fs::read_to_string(log).expect("log").matches(text).count() < times {
        assert!(
            Instant::now() < deadline,
            "no {text:?} in the log: {}",
            fs::read_to_string(log).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_warning_is_not_told_again_after_a_broken_config_is_fixed() {
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/2025-09-06-pictured.md",
        "---\ntitle: Pictured\ndate: 2025-09-06\ntopics: [SCO]\nimage: /images/one.png\nimage_alt: A card\n---\nBody.\n",
    );
    let log = site.root.join("serve.log");
    let server = common::serve_to(&site.root, &[], fs::File::create(&log).expect("log").into());
    until(&server.addr, "/briefings/pictured/", 200, "/images/one.png");
    let config = fs::read_to_string(site.root.join("briefing.yaml")).expect("config");
    site.write("briefing.yaml", &format!("{config}title: [\n"));
    logged(&log, "build failed", 1);
    // Fixed, with a new title to tell when it is served.
    site.write(
        "briefing.yaml",
        &config.replacen("title: ", "title: Fixed ", 1),
    );
    until(&server.addr, "/", 200, "Fixed ");
    drop(server);
    let told = fs::read_to_string(&log).expect("log");
    assert_eq!(told.matches("is no file of the site").count(), 1, "{told}");
}

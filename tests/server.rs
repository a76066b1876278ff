//! The preview server under hostile requests and load, on loopback only.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{fixture, serve};

/// Send raw bytes as a request; the status code of the answer.
fn raw(addr: &str, request: &[u8]) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(request)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let head = String::from_utf8_lossy(&answer);
    head.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("no status line in {head:?}")))
}

fn get(addr: &str, path: &str) -> std::io::Result<u16> {
    raw(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

#[test]
fn no_request_escapes_the_site() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    assert_eq!(get(&addr, "/briefings/talks/").expect("page"), 200);
    for path in [
        "/../../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/briefings/%2E%2E/%2E%2E/briefing.yaml",
        "/..%2fbriefing.yaml",
        "/..%5cbriefing.yaml",
        "/..\\briefing.yaml",
        "/briefing.yaml%00.html",
        "/./index.html",
    ] {
        let code = get(&addr, path).expect("answer");
        assert!((400..500).contains(&code), "{path} got {code}");
    }
    // Sources are never served, only the built site.
    assert_eq!(get(&addr, "/briefing.yaml").expect("answer"), 404);
    assert_eq!(
        get(&addr, "/content/briefings/2025-09-02-talks.md").expect("answer"),
        404
    );
    let long = format!("/{}", "a/".repeat(3000));
    let code = get(&addr, &long).expect("answer");
    assert!((400..500).contains(&code), "overlong path got {code}");
}

#[test]
fn malformed_requests_get_a_4xx_and_the_server_lives_on() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    for request in [
        &b"NONSENSE\r\n\r\n"[..],
        b"GET\r\n\r\n",
        b"GET /index.html HTTP/9.9\r\n\r\n",
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc",
        b"GET relative HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    ] {
        // Some malformed requests are simply closed: that is fine too, a crash is not.
        if let Ok(code) = raw(&addr, request) {
            assert!(
                (400..600).contains(&code),
                "{:?} got {code}",
                String::from_utf8_lossy(request)
            );
        }
    }
    assert_eq!(get(&addr, "/").expect("still serving"), 200);
}

#[test]
fn a_hundred_clients_during_rebuilds_see_no_error() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    let errors = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + Duration::from_secs(120);
    // An editor saving over and over while the load runs.
    let root = site.root.clone();
    let editor = std::thread::spawn(move || {
        let path = root.join("content/briefings/2025-08-31-summit.md");
        let original = std::fs::read_to_string(&path).expect("read");
        for i in 0..30 {
            std::fs::write(&path, format!("{original}\nEdit {i}.\n")).expect("write");
            std::thread::sleep(Duration::from_millis(40));
        }
    });
    let paths = [
        "/",
        "/briefings/talks/",
        "/topics/sco/",
        "/people/xi-jinping/",
        "/rss.xml",
        "/css/site.css",
    ];
    let clients: Vec<_> = (0..100)
        .map(|c| {
            let (addr, errors, done) = (addr.clone(), errors.clone(), done.clone());
            std::thread::spawn(move || {
                for r in 0..50 {
                    if Instant::now() > deadline {
                        errors.fetch_add(1, Ordering::Relaxed);
                        return;
                    }
                    match get(&addr, paths[(c + r) % paths.len()]) {
                        Ok(200) => {
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            errors.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for client in clients {
        client.join().expect("client");
    }
    editor.join().expect("editor");
    assert_eq!(errors.load(Ordering::Relaxed), 0);
    assert_eq!(done.load(Ordering::Relaxed), 5000);
}

/// The process of the `briefing serve` started on `root`: the one whose
/// command line names that (temporary, so unique) folder.
fn server_pid(root: &std::path::Path) -> u32 {
    let root = root.as_os_str().as_encoded_bytes();
    for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<&[u8]> = cmdline.split(|&b| b == 0).collect();
        if args.contains(&&b"serve"[..]) && args.contains(&root) {
            return pid;
        }
    }
    panic!("no briefing serve process for this site");
}

/// A number from /proc/PID/status (`Threads`, `VmRSS` in kB).
fn status(pid: u32, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("status");
    text.lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

/// The answer to a GET, status line and headers only, read within `limit`.
fn head(addr: &str, path: &str, limit: Duration) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(limit))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer);
    Ok(text.split("\r\n\r\n").next().unwrap_or("").to_string())
}

#[test]
fn a_page_with_non_ascii_letters_asked_without_its_slash_is_redirected() {
    let site = fixture("crosslinks");
    site.write(
        "briefing.yaml",
        "title: Crosslinks\nbase_url: https://example.org/\nslugs: {transliterate: false}\n",
    )
    .write(
        "content/briefings/2025-09-04-встреча.md",
        "---\ntitle: Встреча в Пекине\ndate: 2025-09-04\npeople: [Си Цзиньпин]\n---\nТекст.\n",
    );
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    let encoded = "/briefings/%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0";
    assert_eq!(get(&addr, &format!("{encoded}/")).expect("page"), 200);
    // More requests than the server has workers, each once a panic.
    for _ in 0..10 {
        let answer = head(&addr, encoded, Duration::from_secs(10)).expect("an answer");
        assert!(answer.starts_with("HTTP/1.1 301"), "{answer}");
        assert!(
            answer.contains(&format!("\r\nlocation: {encoded}/"))
                || answer.contains(&format!("\r\nLocation: {encoded}/")),
            "{answer}"
        );
    }
    // A person page, asked for as a browser would not (raw UTF-8 bytes).
    let person = "/people/си-цзиньпин";
    if let Ok(code) = get(&addr, person) {
        assert!(code == 301 || (400..500).contains(&code), "{code}");
    }
    for _ in 0..20 {
        assert_eq!(get(&addr, "/briefings/talks/").expect("still serving"), 200);
    }
}

#[test]
fn a_client_that_pipelines_and_never_reads_stalls_no_one() {
    let site = fixture("crosslinks");
    // Big enough that the answers fill any socket buffer.
    site.write("static/big.txt", &"a line of a large file\n".repeat(40_000));
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    assert_eq!(get(&addr, "/big.txt").expect("file"), 200);
    // Each asks for 300 files and reads none of them: the server's writes
    // to it fill the socket and stop. More of them than a server would
    // have threads in a pool.
    let stallers: Vec<TcpStream> = (0..16)
        .map(|_| {
            let mut stream = TcpStream::connect(&addr).expect("connect");
            let one = format!("GET /big.txt HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            stream
                .write_all(one.repeat(300).as_bytes())
                .expect("pipeline");
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..10 {
        let started = Instant::now();
        let answer = head(&addr, "/topics/sco/", Duration::from_secs(5));
        assert!(
            matches!(&answer, Ok(a) if a.starts_with("HTTP/1.1 200")),
            "{answer:?} after {:?}",
            started.elapsed()
        );
    }
    drop(stallers);
}

#[test]
fn an_oversized_header_is_refused_and_not_held_in_memory() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    let pid = server_pid(&site.root);

    // One 1 MB header: a 4xx (or the connection cut while it was being
    // sent), and the connection closed, not left waiting.
    let mut stream = TcpStream::connect(&addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let big = format!(
        "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Big: {}\r\n\r\n",
        "a".repeat(1 << 20)
    );
    let _ = stream.write_all(big.as_bytes());
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => {
            let text = String::from_utf8_lossy(&answer);
            assert!(
                text.is_empty() || text.starts_with("HTTP/1.1 4"),
                "{text:.200}"
            );
        }
        Err(e) => assert!(
            !matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "the connection was left open: {e}"
        ),
    }

    // Eight clients sending 64 MB headers at once: the server's memory
    // does not follow them.
    let before = status(pid, "VmRSS");
    let senders: Vec<_> = (0..8)
        .map(|_| {
            let addr = addr.clone();
            std::thread::spawn(move || {
                let Ok(mut stream) = TcpStream::connect(&addr) else {
                    return;
                };
                let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
                let _ = write!(stream, "GET / HTTP/1.1\r\nHost: {addr}\r\nX-Big: ");
                let chunk = vec![b'a'; 64 * 1024];
                for _ in 0..1024 {
                    if stream.write_all(&chunk).is_err() {
                        return;
                    }
                }
            })
        })
        .collect();
    let mut peak = before;
    while senders.iter().any(|s| !s.is_finished()) {
        peak = peak.max(status(pid, "VmRSS"));
        std::thread::sleep(Duration::from_millis(20));
    }
    for sender in senders {
        sender.join().expect("sender");
    }
    peak = peak.max(status(pid, "VmRSS"));
    assert!(
        peak < before + 64 * 1024,
        "resident memory went from {before} kB to {peak} kB"
    );
    assert_eq!(get(&addr, "/").expect("still serving"), 200);
}

#[test]
fn a_long_request_line_gets_414_and_a_long_head_431() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    let answer = head(
        &addr,
        &format!("/{}", "a".repeat(4000)),
        Duration::from_secs(10),
    );
    assert!(
        matches!(&answer, Ok(a) if a.starts_with("HTTP/1.1 414")),
        "{answer:?}"
    );
    let mut stream = TcpStream::connect(&addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n");
    for i in 0..40 {
        request.push_str(&format!("X-Filler-{i}: {}\r\n", "b".repeat(500)));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("send");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 431"), "{text:.200}");
    assert_eq!(get(&addr, "/").expect("still serving"), 200);
}

#[test]
fn slow_clients_hold_no_thread_and_stall_no_one() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    let pid = server_pid(&site.root);
    assert_eq!(get(&addr, "/").expect("page"), 200);
    let start = status(pid, "Threads");

    // Three hundred clients that start a request and go quiet.
    let slow: Vec<TcpStream> = (0..300)
        .filter_map(|_| {
            let mut stream = TcpStream::connect(&addr).ok()?;
            stream.write_all(b"GET / HTTP/1.1\r\nHost: ").ok()?;
            Some(stream)
        })
        .collect();
    assert_eq!(slow.len(), 300);
    std::thread::sleep(Duration::from_millis(500));
    let during = status(pid, "Threads");
    let answer = head(&addr, "/briefings/talks/", Duration::from_secs(5));
    assert!(
        matches!(&answer, Ok(a) if a.starts_with("HTTP/1.1 200")),
        "{answer:?}"
    );
    drop(slow);

    let deadline = Instant::now() + Duration::from_secs(10);
    let mut after = status(pid, "Threads");
    while after > start + 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        after = status(pid, "Threads");
    }
    assert!(
        during <= start + 16,
        "{start} threads before, {during} with 300 slow clients"
    );
    assert!(
        after <= start + 2,
        "{start} threads before, {after} after the clients closed"
    );
}

#[test]
fn connections_are_bounded_idle_ones_closed_and_the_rest_wait_their_turn() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    let pid = server_pid(&site.root);
    let open_files = || {
        std::fs::read_dir(format!("/proc/{pid}/fd"))
            .expect("fds")
            .count()
    };
    let start = open_files();
    // More idle connections than the server takes at once (512).
    let idle: Vec<TcpStream> = (0..600)
        .filter_map(|_| TcpStream::connect(&addr).ok())
        .collect();
    assert_eq!(idle.len(), 600);
    std::thread::sleep(Duration::from_millis(500));
    let held = open_files();
    assert!(
        held <= start + 512,
        "{start} files open before, {held} with 600 idle connections"
    );
    // Once the idle ones time out, a waiting client is served.
    let answer = head(&addr, "/", Duration::from_secs(30));
    assert!(
        matches!(&answer, Ok(a) if a.starts_with("HTTP/1.1 200")),
        "{answer:?}"
    );
    // The first idle one was closed by the server, not left open.
    let mut first = &idle[0];
    first
        .set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let closed = match first.read(&mut [0; 64]) {
        Ok(n) => n == 0,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    };
    assert!(closed, "an idle connection is still open");
}

#[test]
fn live_reload_events_reach_a_listener_and_outlast_the_idle_timeout() {
    let site = fixture("crosslinks");
    let server = serve(&site.root, &[]);
    let addr = server.addr.clone();
    let mut stream = TcpStream::connect(&addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    write!(
        stream,
        "GET /__briefing/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    )
    .expect("subscribe");
    let mut seen = String::new();
    let read_until = |stream: &mut TcpStream, seen: &mut String, text: &str| {
        let mut buf = [0; 4096];
        while !seen.contains(text) {
            let n = stream.read(&mut buf).expect("event stream open");
            assert!(n > 0, "event stream closed; got {seen:?}");
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    };
    read_until(&mut stream, &mut seen, "retry: 500");
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
    assert!(seen.contains("text/event-stream"), "{seen}");
    // Longer than a connection may sit idle before its request.
    std::thread::sleep(Duration::from_secs(12));
    let path = site.root.join("content/briefings/2025-08-31-summit.md");
    let original = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, format!("{original}\nAn edit.\n")).expect("save");
    read_until(&mut stream, &mut seen, "event: reload");
    assert!(seen.contains("/briefings/summit/"), "{seen}");
}

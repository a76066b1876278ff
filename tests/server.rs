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

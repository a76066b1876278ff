//! The preview's HTTP side: request paths mapped onto the site held in
//! memory. Nothing is read from disk, so no request can reach a file
//! outside the site; paths that try are refused with a 400 all the same.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::sync::Arc;

use tiny_http::{Header, Method, Request, Response};

use super::reload::{inject, EventStream, EVENTS_PATH};
use super::State;

/// The built site: output path (`briefings/x/index.html`) → bytes.
pub type Files = HashMap<String, Arc<Vec<u8>>>;

const MAX_PATH: usize = 2048;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    File(String),
    /// A folder asked for without its slash: `/topics` → `/topics/`.
    Redirect(String),
    NotFound,
    BadRequest(&'static str),
}

/// Map a request target to a file of the site.
pub fn resolve(target: &str, exists: impl Fn(&str) -> bool) -> Resolved {
    if target.len() > MAX_PATH {
        return Resolved::BadRequest("path too long");
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    if !path.starts_with('/') {
        return Resolved::BadRequest("the path must start with /");
    }
    let mut segments = Vec::new();
    for raw in path[1..].split('/') {
        let Some(segment) = percent_decode(raw) else {
            return Resolved::BadRequest("bad percent-encoding");
        };
        if segment == ".." || segment == "." {
            return Resolved::BadRequest("'..' and '.' are not allowed in paths");
        }
        if segment.contains(['/', '\\', '\0']) || segment.contains(':') && segments.is_empty() {
            return Resolved::BadRequest(
                "encoded slashes, backslashes and NUL are not allowed in paths",
            );
        }
        // Empty segments (`//`) collapse, as most servers do.
        if !segment.is_empty() {
            segments.push(segment);
        }
    }
    let folder = path.ends_with('/');
    let joined = segments.join("/");
    let key = if joined.is_empty() {
        "index.html".to_string()
    } else if folder {
        format!("{joined}/index.html")
    } else {
        joined.clone()
    };
    if exists(&key) {
        return Resolved::File(key);
    }
    if !joined.is_empty() && !folder && exists(&format!("{joined}/index.html")) {
        return Resolved::Redirect(format!("/{joined}/"));
    }
    Resolved::NotFound
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let value = u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?;
            out.push(value);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("ASCII header")
}

/// Answer one request. Event streams are answered on a thread of their own,
/// since they stay open.
pub fn handle(request: Request, state: &Arc<State>) {
    if request.url() == EVENTS_PATH {
        let stream = state.hub.subscribe();
        std::thread::spawn(move || stream_events(request, stream));
        return;
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(Response::from_string("only GET and HEAD").with_status_code(405));
        return;
    }
    let files = state.files();
    let response = match resolve(request.url(), |key| files.contains_key(key)) {
        Resolved::File(key) => {
            let bytes = &files[&key];
            let body = if key.ends_with(".html") {
                inject(bytes)
            } else {
                bytes.to_vec()
            };
            Response::from_data(body)
                .with_header(header("Content-Type", content_type(&key)))
                .with_header(header("Cache-Control", "no-store"))
        }
        Resolved::Redirect(to) => Response::from_data(Vec::new())
            .with_status_code(301)
            .with_header(header("Location", &to)),
        Resolved::NotFound => {
            let body = match files.get("404.html") {
                Some(page) => inject(page),
                // No site yet (the first build failed): a page that can show the error.
                None => inject(b"<!DOCTYPE html><html><head><title>Not built</title></head><body><p>The site has not been built yet.</p></body></html>"),
            };
            Response::from_data(body)
                .with_status_code(404)
                .with_header(header("Content-Type", "text/html; charset=utf-8"))
        }
        Resolved::BadRequest(why) => Response::from_string(why).with_status_code(400),
    };
    let _ = request.respond(response);
}

/// Server-sent events need each message flushed as it comes. tiny_http's
/// chunked encoder holds 8 KB before writing, so the stream is written on
/// the connection itself: a close-delimited body, which HTTP/1.1 allows.
fn stream_events(request: Request, mut events: EventStream) {
    let mut writer = request.into_writer();
    let head = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
    if writer.write_all(head).and_then(|_| writer.flush()).is_err() {
        return;
    }
    let mut buf = [0u8; 4096];
    loop {
        match events.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if writer
                    .write_all(&buf[..n])
                    .and_then(|_| writer.flush())
                    .is_err()
                {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(key: &str) -> bool {
        [
            "index.html",
            "topics/index.html",
            "css/site.css",
            "topics/sco/rss.xml",
        ]
        .contains(&key)
    }

    #[test]
    fn pretty_urls_map_to_index_files() {
        assert_eq!(resolve("/", site), Resolved::File("index.html".into()));
        assert_eq!(
            resolve("/topics/", site),
            Resolved::File("topics/index.html".into())
        );
        assert_eq!(
            resolve("/topics/?x=1", site),
            Resolved::File("topics/index.html".into())
        );
        assert_eq!(
            resolve("/topics", site),
            Resolved::Redirect("/topics/".into())
        );
        assert_eq!(
            resolve("/css/site.css", site),
            Resolved::File("css/site.css".into())
        );
        assert_eq!(resolve("/nope/", site), Resolved::NotFound);
    }

    #[test]
    fn escapes_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/topics/%2E%2E/%2E%2E/x",
            "/a%2fb",
            "/a%5cb",
            "/a\\b",
            "/a%00b",
            "/%zz",
            "etc/passwd",
            "/C:/x",
            "/./index.html",
        ] {
            assert!(
                matches!(resolve(bad, site), Resolved::BadRequest(_)),
                "{bad}"
            );
        }
        assert!(matches!(
            resolve(&format!("/{}", "a".repeat(5000)), site),
            Resolved::BadRequest(_)
        ));
    }
}

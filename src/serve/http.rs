//! The preview's HTTP side: request paths mapped onto the site held in
//! memory. Nothing is read from disk, so no request can reach a file
//! outside the site; paths that try are refused with a 400 all the same.
//!
//! The server is hyper on a small tokio runtime, so a connection costs a
//! task, not a thread, and one client that is slow or never reads holds up
//! nobody else. Every cost a client can impose is bounded: see the limits.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::TcpListener as StdListener;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use hyper::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio::sync::Semaphore;
use tokio::time::{sleep, Sleep};

use super::reload::{inject, EventStream, EVENTS_PATH};
use super::State;

/// The built site: output path (`briefings/x/index.html`) → bytes.
/// By path; a path is shared, so a rebuild that keeps a file copies no
/// string.
pub type Files = crate::digest::Map<Arc<str>, Arc<Vec<u8>>>;

/// Longest request target served; longer gets 414.
const MAX_PATH: usize = 2048;
/// Request line and headers together; more gets 431 and the connection
/// is closed, so reading a request costs no more memory than this.
const MAX_HEAD: usize = 16 * 1024;
/// Connections open at once (live-reload streams included). Past it, new
/// ones wait in the kernel's queue until one closes.
const MAX_CONNECTIONS: usize = 512;
/// Time to send a request's head, and for a kept-alive connection to send
/// its next one; then the connection is closed.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// Time an answer may wait for a client that does not read it (pipelining
/// without reading, a stalled tab); then the connection is closed.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);

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
    let Some(path) = path.strip_prefix('/') else {
        return Resolved::BadRequest("the path must start with /");
    };
    let mut segments = Vec::new();
    for raw in path.split('/') {
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
    let folder = path.is_empty() || path.ends_with('/');
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
        return Resolved::Redirect(format!("/{}/", percent_encode(&joined)));
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

/// A decoded path made fit for a header again: slugs may keep non-ASCII
/// letters (`slugs: {transliterate: false}`), which a header cannot carry.
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
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

/// A response body: bytes of the site, or a live-reload stream.
pub enum Body {
    Bytes(Option<Bytes>),
    Events(EventStream),
}

impl Body {
    fn text(text: &'static str) -> Body {
        Body::Bytes(Some(Bytes::from_static(text.as_bytes())))
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        match self.get_mut() {
            Body::Bytes(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::Events(events) => events
                .poll_next(cx)
                .map(|text| text.map(|t| Ok(Frame::data(Bytes::from(t))))),
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self, Body::Bytes(None))
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Bytes(bytes) => {
                SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Body::Events(_) => SizeHint::default(),
        }
    }
}

/// A file of the site handed to hyper without copying it.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

fn with_status(status: StatusCode, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    response
}

/// Answer one request. A panic in here is answered 500 and taken no further:
/// the connection, its task and the runtime's workers carry on.
pub fn answer(method: &Method, uri: &hyper::Uri, state: &State) -> Response<Body> {
    guarded(|| respond(method, uri, state))
}

fn guarded(respond: impl FnOnce() -> Response<Body>) -> Response<Body> {
    catch_unwind(AssertUnwindSafe(respond)).unwrap_or_else(|_| {
        with_status(
            StatusCode::INTERNAL_SERVER_ERROR,
            Body::text("internal error: the preview could not answer this request"),
        )
    })
}

fn respond(method: &Method, uri: &hyper::Uri, state: &State) -> Response<Body> {
    if !matches!(*method, Method::GET | Method::HEAD) {
        return with_status(
            StatusCode::METHOD_NOT_ALLOWED,
            Body::text("only GET and HEAD"),
        );
    }
    // Only origin-form (`/x`) and absolute-form (`http://host/x`) name a page.
    if uri.scheme().is_none() && uri.authority().is_some() {
        return with_status(StatusCode::BAD_REQUEST, Body::text("not a path"));
    }
    let target = uri.path_and_query().map_or("", |p| p.as_str());
    if target.len() > MAX_PATH {
        return with_status(StatusCode::URI_TOO_LONG, Body::text("path too long"));
    }
    if target == EVENTS_PATH {
        let mut response = Response::new(Body::Events(state.hub.subscribe()));
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
        headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return response;
    }
    let files = state.files();
    match resolve(target, |key| files.contains_key(key)) {
        Resolved::File(key) => {
            let body = match files.get(key.as_str()) {
                Some(bytes) if key.ends_with(".html") => Bytes::from(inject(bytes)),
                Some(bytes) => Bytes::from_owner(Shared(bytes.clone())),
                None => Bytes::new(),
            };
            let mut response = Response::new(Body::Bytes(Some(body)));
            let headers = response.headers_mut();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(&key)));
            headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Resolved::Redirect(to) => match HeaderValue::try_from(to) {
            Ok(location) => {
                let mut response = with_status(StatusCode::MOVED_PERMANENTLY, Body::Bytes(None));
                response.headers_mut().insert(LOCATION, location);
                response
            }
            // Unreachable while `resolve` encodes what it redirects to.
            Err(_) => with_status(StatusCode::BAD_REQUEST, Body::text("bad path")),
        },
        Resolved::NotFound => {
            let body = match files.get("404.html") {
                Some(page) => inject(page),
                // No site yet (the first build failed): a page that can show the error.
                None => inject(b"<!DOCTYPE html><html><head><title>Not built</title></head><body><p>The site has not been built yet.</p></body></html>"),
            };
            let mut response = with_status(StatusCode::NOT_FOUND, Body::Bytes(Some(body.into())));
            response.headers_mut().insert(
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Resolved::BadRequest(why) => with_status(StatusCode::BAD_REQUEST, Body::text(why)),
    }
}

/// Serve `listener` on a runtime of its own, which the caller keeps alive.
pub fn start(listener: StdListener, state: Arc<State>) -> io::Result<Runtime> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .thread_name("briefing-http")
        .enable_all()
        .build()?;
    listener.set_nonblocking(true)?;
    let listener = {
        let _inside = runtime.enter();
        TcpListener::from_std(listener)?
    };
    runtime.spawn(accept(listener, state));
    Ok(runtime)
}

async fn accept(listener: TcpListener, state: Arc<State>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors, most likely: wait for some to close.
                sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                let response = answer(request.method(), request.uri(), &state);
                async move { Ok::<_, Infallible>(response) }
            });
            let _ = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEAD_TIMEOUT)
                .max_buf_size(MAX_HEAD)
                .max_header_size(MAX_HEAD)
                .serve_connection(TokioIo::new(WriteDeadline::new(stream)), service)
                .await;
            drop(slot);
        });
    }
}

/// A connection whose writes fail once they have waited `WRITE_TIMEOUT`
/// for the client to read: hyper itself has no such limit, and without it
/// a client that never reads would hold its connection forever.
struct WriteDeadline {
    stream: TcpStream,
    waiting: Option<Pin<Box<Sleep>>>,
}

impl WriteDeadline {
    fn new(stream: TcpStream) -> WriteDeadline {
        WriteDeadline {
            stream,
            waiting: None,
        }
    }

    /// After a write could not go on: whether it has waited too long.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        let waiting = self
            .waiting
            .get_or_insert_with(|| Box::pin(sleep(WRITE_TIMEOUT)));
        waiting.as_mut().poll(cx).is_ready()
    }

    fn guard<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        match poll {
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client stopped reading",
            ))),
            Poll::Pending => Poll::Pending,
            ready => {
                self.waiting = None;
                ready
            }
        }
    }
}

impl AsyncRead for WriteDeadline {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteDeadline {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.guard(cx, poll)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let poll = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.guard(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.stream).poll_flush(cx);
        self.guard(cx, poll)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let poll = Pin::new(&mut self.stream).poll_shutdown(cx);
        self.guard(cx, poll)
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

    #[test]
    fn a_redirect_to_non_ascii_letters_is_percent_encoded() {
        let exists = |key: &str| key == "people/си цзиньпин/index.html";
        assert_eq!(
            resolve(
                "/people/%D1%81%D0%B8%20%D1%86%D0%B7%D0%B8%D0%BD%D1%8C%D0%BF%D0%B8%D0%BD",
                exists
            ),
            Resolved::Redirect(
                "/people/%D1%81%D0%B8%20%D1%86%D0%B7%D0%B8%D0%BD%D1%8C%D0%BF%D0%B8%D0%BD/".into()
            )
        );
        let exists = |key: &str| key == "a?b%c/index.html";
        assert_eq!(
            resolve("/a%3Fb%25c", exists),
            Resolved::Redirect("/a%3Fb%25c/".into())
        );
    }

    proptest::proptest! {
        #[test]
        fn a_redirect_is_always_a_valid_header(path in "/[\\PC%/]{0,40}") {
            if let Resolved::Redirect(to) = resolve(&path, |key| key.ends_with("/index.html")) {
                proptest::prop_assert!(HeaderValue::try_from(to.as_str()).is_ok(), "{:?}", to);
                proptest::prop_assert!(to.bytes().all(|b| b.is_ascii_graphic()), "{:?}", to);
            }
        }
    }

    #[test]
    fn a_panic_is_answered_500() {
        let response = guarded(|| panic!("a bug"));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}

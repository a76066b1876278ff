//! Telling open browsers that pages changed, over server-sent events, and
//! the small script every served HTML page carries to listen.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio::time::{sleep, Instant, Sleep};

/// The path browsers listen on.
pub const EVENTS_PATH: &str = "/__briefing/events";

/// Messages a listener may fall behind by. One that falls further (a tab
/// that stopped reading) is dropped; browsers reconnect by themselves.
const BACKLOG: usize = 64;

/// Listeners at once. A new one past this many ends the oldest stream (a
/// browser reconnects by itself), so streams, which may stay open for
/// hours, never take every connection the server allows.
const MAX_LISTENERS: usize = 64;

/// A comment sent when nothing else was, so a closed connection is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// What a rebuild changed, as the browser sees it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Reload {
    /// URL paths of pages whose bytes changed, added or removed (`/briefings/x/`).
    pub pages: Vec<String>,
    /// Only stylesheets changed: swap them without reloading.
    pub css_only: bool,
}

/// An event to send: a reload, a build error to show, or the all-clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Reload(Reload),
    BuildError(String),
}

impl Message {
    fn to_sse(&self) -> String {
        let (name, data) = match self {
            Message::Reload(r) => ("reload", serde_json::to_string(r).unwrap_or_default()),
            Message::BuildError(text) => (
                "build-error",
                serde_json::to_string(text).unwrap_or_default(),
            ),
        };
        format!("event: {name}\ndata: {data}\n\n")
    }
}

/// The open event streams, and the build error they were last told of.
/// One lock covers both, so a browser connecting while a build fails gets
/// the error either way: with its first bytes or as a message.
#[derive(Default)]
pub struct Hub {
    inner: Mutex<HubState>,
}

#[derive(Default)]
struct HubState {
    clients: Vec<Sender<String>>,
    error: Option<Message>,
}

impl Hub {
    /// A new stream, told at once of the current build error, if any.
    pub fn subscribe(&self) -> EventStream {
        let (tx, rx) = mpsc::channel(BACKLOG);
        let mut start = String::from("retry: 500\n\n");
        if let Ok(mut inner) = self.inner.lock() {
            if let Some(message) = &inner.error {
                start.push_str(&message.to_sse());
            }
            inner.clients.retain(|c| !c.is_closed());
            if inner.clients.len() >= MAX_LISTENERS {
                inner.clients.remove(0);
            }
            inner.clients.push(tx);
        }
        EventStream {
            rx,
            first: Some(start),
            quiet: None,
        }
    }

    /// Tell every browser; a build error is also kept for those that
    /// connect later, until a reload message clears it. Never waits: the
    /// rebuild loop calls it, and a listener that is not reading is dropped.
    pub fn send(&self, message: &Message) {
        let text = message.to_sse();
        if let Ok(mut inner) = self.inner.lock() {
            inner.error = match message {
                Message::BuildError(_) => Some(message.clone()),
                Message::Reload(_) => None,
            };
            inner.clients.retain(|c| c.try_send(text.clone()).is_ok());
        }
    }

    pub fn has_error(&self) -> bool {
        self.inner
            .lock()
            .map(|i| i.error.is_some())
            .unwrap_or(false)
    }

    pub fn clients(&self) -> usize {
        self.inner.lock().map(|i| i.clients.len()).unwrap_or(0)
    }
}

/// One listener's never-ending stream of event text: its first bytes, then
/// each message as it comes, and a comment after each quiet spell.
pub struct EventStream {
    rx: Receiver<String>,
    first: Option<String>,
    /// Made on first use: a timer needs the runtime, the hub does not.
    quiet: Option<Pin<Box<Sleep>>>,
}

impl EventStream {
    /// The next text to send; None once the hub has dropped this listener.
    pub fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<String>> {
        if let Some(first) = self.first.take() {
            return Poll::Ready(Some(first));
        }
        let quiet = self
            .quiet
            .get_or_insert_with(|| Box::pin(sleep(KEEP_ALIVE)));
        if let Poll::Ready(next) = self.rx.poll_recv(cx) {
            quiet.as_mut().reset(Instant::now() + KEEP_ALIVE);
            return Poll::Ready(next);
        }
        match quiet.as_mut().poll(cx) {
            Poll::Ready(()) => {
                quiet.as_mut().reset(Instant::now() + KEEP_ALIVE);
                Poll::Ready(Some(": keep-alive\n\n".to_string()))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Put the live-reload script before `</body>` of an HTML page.
pub fn inject(html: &[u8]) -> Vec<u8> {
    let script = SCRIPT.as_bytes();
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + script.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(script);
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Listens for rebuilds. Reloads only when this page changed; swaps
/// stylesheets in place when only CSS changed; shows a build error over the
/// page and takes it away when the next build succeeds.
const SCRIPT: &str = r#"<script id="briefing-live-reload">
(() => {
  const here = decodeURIComponent(location.pathname);
  const overlayId = "briefing-error-overlay";
  function clearOverlay() { const o = document.getElementById(overlayId); if (o) o.remove(); }
  function showOverlay(text) {
    clearOverlay();
    const o = document.createElement("div");
    o.id = overlayId;
    o.setAttribute("role", "alert");
    o.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.94);color:#fff;padding:2rem;overflow:auto;font:15px/1.5 ui-monospace,monospace";
    const h = document.createElement("h2");
    h.textContent = "The last save broke the build";
    h.style.cssText = "color:#ff8a80;font:bold 18px/1.4 system-ui,sans-serif;margin:0 0 1rem";
    const pre = document.createElement("pre");
    pre.style.cssText = "white-space:pre-wrap;margin:0";
    pre.textContent = text;
    const p = document.createElement("p");
    p.textContent = "Showing the last good version underneath. Fix the file and save: this goes away by itself.";
    p.style.cssText = "font-family:system-ui,sans-serif;color:#ccc";
    o.append(h, pre, p);
    document.body.appendChild(o);
  }
  function swapCss() {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const url = new URL(link.href);
      url.searchParams.set("v", Date.now());
      link.href = url.toString();
    }
  }
  const events = new EventSource("/__briefing/events");
  events.addEventListener("build-error", (e) => showOverlay(JSON.parse(e.data)));
  events.addEventListener("reload", (e) => {
    const change = JSON.parse(e.data);
    clearOverlay();
    if (change.css_only) { swapCss(); return; }
    if (change.pages.includes(here)) location.reload();
  });
})();
</script>
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_goes_before_the_body_ends() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>")).unwrap();
        assert!(out.starts_with("<html><body><p>x</p><script id=\"briefing-live-reload\">"));
        assert!(out.ends_with("</script>\n</body></html>"));
    }

    #[test]
    fn messages_are_server_sent_events() {
        let hub = Hub::default();
        hub.send(&Message::BuildError("a.md:3: bad".into()));
        let mut stream = hub.subscribe();
        hub.send(&Message::Reload(Reload {
            pages: vec!["/".into()],
            css_only: false,
        }));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let mut text = String::new();
        while !text.contains("event: reload") {
            let next = runtime.block_on(std::future::poll_fn(|cx| stream.poll_next(cx)));
            text.push_str(&next.unwrap());
        }
        assert!(
            text.contains("event: build-error\ndata: \"a.md:3: bad\"\n\n"),
            "{text}"
        );
        assert!(text.contains("event: reload\ndata: {\"pages\":[\"/\"],\"css_only\":false}\n\n"));
        assert_eq!(hub.clients(), 1);
    }

    #[test]
    fn a_new_listener_past_the_limit_ends_the_oldest_stream() {
        let hub = Hub::default();
        let mut streams: Vec<EventStream> = (0..=MAX_LISTENERS).map(|_| hub.subscribe()).collect();
        assert_eq!(hub.clients(), MAX_LISTENERS);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let oldest = &mut streams[0];
        let first = runtime.block_on(std::future::poll_fn(|cx| oldest.poll_next(cx)));
        assert_eq!(first.as_deref(), Some("retry: 500\n\n"));
        let then = runtime.block_on(std::future::poll_fn(|cx| oldest.poll_next(cx)));
        assert_eq!(then, None);
    }

    #[test]
    fn a_listener_that_stops_reading_is_dropped() {
        let hub = Hub::default();
        let _stream = hub.subscribe();
        for _ in 0..=BACKLOG {
            hub.send(&Message::BuildError("x".into()));
        }
        assert_eq!(hub.clients(), 0);
    }
}

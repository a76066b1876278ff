//! `briefing serve`: the site built in memory, served over HTTP on the
//! loopback address, rebuilt a moment after each save, and open browsers
//! told which pages to reload (or what broke).

pub mod http;
mod indexing;
pub mod preview;
pub mod reload;
pub mod watch;

use std::collections::{BTreeSet, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use crate::error::{Error, Errors};
use crate::terminal::{complain, count, say, Level, Terminal};
use crate::BuildOptions;
use http::Files;
use notify_debouncer_full::DebounceEventResult;
use preview::{url_path, Preview};
use reload::{Hub, Message, Reload};
use watch::{classify, Change, SourceWatcher};

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 takes any free port.
    pub port: u16,
    pub drafts: bool,
    /// Poll the file system instead of waiting for its events.
    pub poll: bool,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            root: PathBuf::from("."),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1111,
            drafts: false,
            poll: false,
        }
    }
}

/// What the HTTP threads read: the last good site, and the browsers to tell.
pub struct State {
    files: RwLock<Arc<Files>>,
    pub hub: Hub,
}

impl State {
    pub fn files(&self) -> Arc<Files> {
        self.files.read().map(|f| f.clone()).unwrap_or_default()
    }

    fn publish(&self, files: Arc<Files>) {
        if let Ok(mut held) = self.files.write() {
            *held = files;
        }
    }

    /// Serve `added` beside the files served: a search index made after
    /// them. No reload for it: the next query reads it.
    fn add(&self, added: &[indexing::Shared]) {
        if let Ok(mut held) = self.files.write() {
            *held = Arc::new(indexing::with_index(&held, added));
        }
    }

    fn fail(&self, text: String) {
        self.hub.send(&Message::BuildError(text));
    }
}

/// Bind, build, serve, watch; returns only on a fatal error.
pub fn serve(options: &ServeOptions) -> Result<(), Error> {
    let (listener, base_url) = listen(options)?;
    let build = BuildOptions {
        root: options.root.clone(),
        output: None,
        drafts: options.drafts,
        base_url: Some(base_url.clone()),
    };

    let state = Arc::new(State {
        files: RwLock::new(Arc::new(Files::default())),
        hub: Hub::default(),
    });
    let mut warnings = Warnings::default();
    let mut preview = match Preview::new(build.clone()) {
        Ok(preview) => {
            state.publish(preview.files());
            say(format_args!("Built {} files", preview.files().len()));
            warnings.tell(&preview, &options.root);
            preview.search_later()
        }
        Err(errors) => {
            complain(format_args!("{}", terminal_text(&errors, &options.root)));
            state.fail(errors.to_string());
            Preview::empty(build.clone()).search_later()
        }
    };

    let (tx, rx) = mpsc::channel();
    let root = std::fs::canonicalize(&options.root).map_err(|e| Error::io(&options.root, &e))?;
    let mut watcher = SourceWatcher::start(&root, options.poll, tx)
        .map_err(|e| Error::new(format!("cannot watch {}: {e}", root.display())))?;

    // Kept for as long as the preview runs: dropping it stops the server.
    let _http = http::start(listener, state.clone())
        .map_err(|e| Error::new(format!("cannot start the server: {e}")))?;
    say(format_args!(
        "Serving {} at {base_url} (Ctrl+C to stop)",
        options.root.display()
    ));

    let output = root.join("site");
    let mut indexing = indexing::Indexing::start(state.clone());
    // A rebuild's result not yet given to browsers; see `Held`.
    let mut held: Option<Held> = None;
    loop {
        // The search index of what is served, if it lags (after a save):
        // on its own thread, so the next save need not wait for it.
        if held.is_none() {
            preview.tidy();
            indexing.ask(&preview);
        }
        let Some(batch) = next_batch(&rx, &mut held, &root, &output, &mut watcher) else {
            return Ok(());
        };
        if batch.release_held {
            if let Some(outcome) = held.take() {
                release(outcome, &state, &preview, &mut warnings, &options.root);
            }
        }
        if batch.changes.is_empty() {
            continue;
        }
        let changes: Vec<Change> = batch.changes.iter().cloned().collect();
        let what = describe(&batch.paths);
        let mut outcome = held.take().unwrap_or_else(Held::new);
        outcome.sources.extend(batch.changes);
        // Looked at before and after: a file back by the time the rebuild
        // ends may have been missing when it was read.
        let missing_before = outcome.mid_save(&root);
        indexing.next_generation(&mut preview);
        rebuild(
            &mut preview,
            &build,
            &changes,
            what,
            &options.root,
            &mut outcome,
        );
        // An editor saving by rename, or by delete and re-create, leaves the
        // file missing (or empty) for a moment, and the rebuild may have
        // read it then: giving that to browsers would serve a 404 (or show
        // an error) until the next event. It waits for the file to return.
        if (missing_before || outcome.mid_save(&root)) && outcome.since.elapsed() < watch::MAX_HOLD
        {
            held = Some(outcome);
        } else {
            release(outcome, &state, &preview, &mut warnings, &options.root);
        }
    }
}

/// Give browsers what rebuilds made, then tell the warnings new since the
/// last site served: after the reload, which they never delay; and not
/// after a failure, which left no site to tell them of.
fn release(outcome: Held, state: &State, preview: &Preview, warnings: &mut Warnings, root: &Path) {
    let succeeded = outcome.error.is_none();
    outcome.release(state, preview.files());
    if succeeded {
        warnings.tell(preview, root);
    }
}

/// The next changes to rebuild for, after waiting for events (or, while
/// a result is held, for its missing file to return); an empty batch when
/// there is nothing to do yet, None when the watcher has stopped.
fn next_batch(
    rx: &mpsc::Receiver<DebounceEventResult>,
    held: &mut Option<Held>,
    root: &Path,
    output: &Path,
    watcher: &mut SourceWatcher,
) -> Option<Batch> {
    let mut batch = Batch::default();
    match held {
        None => match rx.recv() {
            Ok(result) => batch.add(result, root, output, watcher),
            Err(_) => return None,
        },
        Some(waiting) => match rx.recv_timeout(watch::RECHECK) {
            Ok(result) => {
                waiting.quiet = Instant::now();
                batch.add(result, root, output, watcher);
            }
            Err(RecvTimeoutError::Disconnected) => return None,
            // Back, with or without an event: a polling watcher may
            // only ever look while it is gone. Read it again now.
            Err(RecvTimeoutError::Timeout) if !waiting.mid_save(root) => {
                batch.resume(&waiting.sources);
            }
            // Missing for a whole grace period with no event since: a
            // real removal (or a file really left empty). Or held long
            // enough, under a stream of saves or of ignored events.
            Err(RecvTimeoutError::Timeout)
                if waiting.quiet.elapsed() >= watch::GRACE
                    || waiting.since.elapsed() >= watch::MAX_HOLD =>
            {
                batch.release_held = true;
            }
            Err(RecvTimeoutError::Timeout) => {}
        },
    }
    Some(batch)
}

/// Bind the preview's address; the server's own URL, as browsers reach it.
fn listen(options: &ServeOptions) -> Result<(TcpListener, String), Error> {
    let listener = TcpListener::bind(SocketAddr::new(options.bind, options.port)).map_err(|e| {
        Error::new(format!(
            "cannot listen on {}:{}: {e} (try another --port, or --port 0 for any free one)",
            options.bind, options.port
        ))
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::new(format!("the server has no address: {e}")))?;
    // Links point at the address the browser uses; an unspecified bind
    // address is reached through the loopback one.
    let host = if addr.ip().is_unspecified() {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        addr.ip()
    };
    let base_url = format!("http://{}/", SocketAddr::new(host, addr.port()));
    Ok((listener, base_url))
}

/// Rebuild after `changes`, into `outcome`: what changed, or what failed.
fn rebuild(
    preview: &mut Preview,
    build: &BuildOptions,
    changes: &[Change],
    what: String,
    root: &std::path::Path,
    outcome: &mut Held,
) {
    // A bug in a rebuild must not take the preview down: it is reported
    // like a failed build, and the next save rebuilds from scratch.
    let result =
        catch_unwind(AssertUnwindSafe(|| preview.rebuild(changes))).unwrap_or_else(|panic| {
            *preview = Preview::empty(build.clone()).search_later();
            Err(crate::error::Errors::from(Error::new(format!(
                "internal error while rebuilding: {}",
                panic_text(panic.as_ref())
            ))))
        });
    match result {
        Ok(rebuilt) => {
            let t = &rebuilt.timings;
            say(format_args!(
                "{what} changed · {} rendered, {} changed · {} ms (load {} · link {} · render {} · swap {})",
                count(rebuilt.rendered, "page", "pages"),
                count(rebuilt.changed.len(), "file", "files"),
                rebuilt.elapsed.as_millis(),
                t.load.as_millis(),
                t.link.as_millis(),
                t.render.as_millis(),
                t.write.as_millis(),
            ));
            outcome.changed.extend(rebuilt.changed);
            outcome.error = None;
        }
        Err(errors) => {
            outcome.error = Some(Failed {
                what,
                page: errors.to_string(),
                terminal: terminal_text(&errors, root),
            });
        }
    }
}

/// What rebuilds made since browsers were last told.
struct Held {
    since: Instant,
    /// When the watcher last reported anything.
    quiet: Instant,
    /// The sources those rebuilds were for.
    sources: BTreeSet<Change>,
    /// Output paths that changed.
    changed: BTreeSet<String>,
    /// The last rebuild's error, if it failed.
    error: Option<Failed>,
}

/// A failed rebuild, as the terminal and the page overlay show it.
struct Failed {
    /// The files whose change set it off.
    what: String,
    /// For the overlay in the browser: plain text.
    page: String,
    /// For the terminal: as `build` prints it, with the source line, taken
    /// when the rebuild read the file (it may change again before release).
    terminal: String,
}

impl Held {
    fn new() -> Held {
        Held {
            since: Instant::now(),
            quiet: Instant::now(),
            sources: BTreeSet::new(),
            changed: BTreeSet::new(),
            error: None,
        }
    }

    /// Whether a source is, for now, missing or empty.
    fn mid_save(&self, root: &Path) -> bool {
        self.sources.iter().any(|c| watch::mid_save(root, c))
    }

    /// Serve the site rebuilt and tell browsers what changed, or what broke.
    fn release(self, state: &State, files: Arc<Files>) {
        // A reload message also takes away an error shown before.
        if !self.changed.is_empty() || (self.error.is_none() && state.hub.has_error()) {
            state.publish(files);
            let css_only =
                !self.changed.is_empty() && self.changed.iter().all(|p| p.ends_with(".css"));
            state.hub.send(&Message::Reload(Reload {
                pages: self.changed.iter().map(|p| url_path(p)).collect(),
                css_only,
            }));
        }
        if let Some(failed) = self.error {
            complain(format_args!(
                "{} changed · build failed, still serving the last good site:\n{}",
                failed.what, failed.terminal
            ));
            state.fail(failed.page);
        }
    }
}

/// The changes the watcher reported since the last rebuild.
#[derive(Default)]
struct Batch {
    changes: BTreeSet<Change>,
    /// Source paths, relative to the root, for the terminal.
    paths: BTreeSet<String>,
    /// The result held has waited long enough for its missing file: give
    /// it to browsers as it is.
    release_held: bool,
}

impl Batch {
    /// The sources of a held result, to be read again.
    fn resume(&mut self, sources: &BTreeSet<Change>) {
        for change in sources {
            if let Change::Content(path) = change {
                self.paths.insert(path.display().to_string());
            }
            self.changes.insert(change.clone());
        }
    }

    fn add(
        &mut self,
        result: DebounceEventResult,
        root: &Path,
        output: &Path,
        watcher: &mut SourceWatcher,
    ) {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                for e in errors.iter().filter(|e| !watcher.forget_removed(e)) {
                    complain(format_args!("watch error: {e}"));
                }
                return;
            }
        };
        for event in events.iter().filter(|e| watch::is_edit(&e.kind)) {
            for path in &event.paths {
                let change = classify(root, output, path);
                if change != Change::Ignore {
                    self.paths.insert(
                        path.strip_prefix(root)
                            .unwrap_or(path)
                            .display()
                            .to_string(),
                    );
                    self.changes.insert(change);
                }
                // A source folder created while running gets watched too.
                if path.parent() == Some(root) && path.is_dir() {
                    watcher.add_source(path);
                }
            }
        }
    }
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic")
}

/// Errors as `build` prints them (the same text, the source line and a
/// caret, coloured on a terminal), so a problem reads alike in every command.
/// The warnings printed so far, as `build` prints them: each when it first
/// appears, not again at every save while it stays, and again if it comes
/// back after it went. Told apart by place and message: the line shown
/// with one is read from the file as it is now.
#[derive(Default)]
struct Warnings(HashSet<String>);

impl Warnings {
    fn tell(&mut self, preview: &Preview, root: &Path) {
        let term = Terminal::detect(false, false);
        let now = preview.warnings();
        for warning in now.iter().filter(|w| !self.0.contains(&w.to_string())) {
            complain(format_args!(
                "{}",
                term.describe(Level::Warning, warning, root)
            ));
        }
        self.0 = now.iter().map(ToString::to_string).collect();
    }
}

fn terminal_text(errors: &Errors, root: &Path) -> String {
    Terminal::detect(false, false).describe_all(Level::Error, &errors.0, root)
}

fn describe(paths: &BTreeSet<String>) -> String {
    let mut names: Vec<&str> = paths.iter().map(String::as_str).take(3).collect();
    if paths.len() > 3 {
        names.push("…");
    }
    names.join(", ")
}

//! `briefing serve`: the site built in memory, served over HTTP on the
//! loopback address, rebuilt a moment after each save, and open browsers
//! told which pages to reload (or what broke).

pub mod http;
pub mod preview;
pub mod reload;
pub mod watch;

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, RwLock};

use crate::error::Error;
use crate::BuildOptions;
use http::Files;
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

    fn fail(&self, text: String) {
        self.hub.send(&Message::BuildError(text));
    }
}

/// Bind, build, serve, watch; returns only on a fatal error.
pub fn serve(options: &ServeOptions) -> Result<(), Error> {
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
    let build = BuildOptions {
        root: options.root.clone(),
        output: None,
        drafts: options.drafts,
        base_url: Some(base_url.clone()),
    };

    let state = Arc::new(State {
        files: RwLock::new(Arc::new(Files::new())),
        hub: Hub::default(),
    });
    let mut preview = match Preview::new(build.clone()) {
        Ok(preview) => {
            state.publish(preview.files());
            say(format_args!("Built {} files", preview.files().len()));
            preview
        }
        Err(errors) => {
            complain(format_args!("{errors}"));
            state.fail(errors.to_string());
            Preview::empty(build)
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
    for result in rx {
        let events = match result {
            Ok(events) => events,
            Err(errors) => {
                for e in errors {
                    complain(format_args!("watch error: {e}"));
                }
                continue;
            }
        };
        let mut changes = BTreeSet::new();
        let mut paths = BTreeSet::new();
        for event in events.iter().filter(|e| watch::is_edit(&e.kind)) {
            for path in &event.paths {
                let change = classify(&root, &output, path);
                if change != Change::Ignore {
                    paths.insert(
                        path.strip_prefix(&root)
                            .unwrap_or(path)
                            .display()
                            .to_string(),
                    );
                    changes.insert(change);
                }
                // A source folder created while running gets watched too.
                if path.parent() == Some(root.as_path()) && path.is_dir() {
                    watcher.add_source(path);
                }
            }
        }
        if changes.is_empty() {
            continue;
        }
        let changes: Vec<Change> = changes.into_iter().collect();
        let what = describe(&paths);
        match preview.rebuild(&changes) {
            Ok(rebuilt) if rebuilt.changed.is_empty() && !state.hub.has_error() => {}
            Ok(rebuilt) => {
                state.publish(preview.files());
                let css_only = !rebuilt.changed.is_empty()
                    && rebuilt.changed.iter().all(|p| p.ends_with(".css"));
                state.hub.send(&Message::Reload(Reload {
                    pages: rebuilt.changed.iter().map(|p| url_path(p)).collect(),
                    css_only,
                }));
                let t = &rebuilt.timings;
                say(format_args!(
                    "{what} changed · {} pages rendered, {} files changed · {} ms (load {} · link {} · render {} · swap {})",
                    rebuilt.rendered,
                    rebuilt.changed.len(),
                    rebuilt.elapsed.as_millis(),
                    t.load.as_millis(),
                    t.link.as_millis(),
                    t.render.as_millis(),
                    t.write.as_millis(),
                ));
            }
            Err(errors) => {
                complain(format_args!(
                    "{what} changed · build failed, still serving the last good site:\n{errors}"
                ));
                state.fail(errors.to_string());
            }
        }
    }
    Ok(())
}

/// A line for the terminal. A preview must outlive its terminal: when
/// stdout is gone (a closed pipe), the line is dropped instead of panicking.
fn say(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out
        .write_fmt(line)
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush());
}

fn complain(line: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

fn describe(paths: &BTreeSet<String>) -> String {
    let mut names: Vec<&str> = paths.iter().map(String::as_str).take(3).collect();
    if paths.len() > 3 {
        names.push("…");
    }
    names.join(", ")
}

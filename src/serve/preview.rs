//! The site as the preview holds it: built in memory, rebuilt on each
//! change, and compared with what it held so browsers reload only the
//! pages whose bytes changed.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::error::Errors;
use crate::{configure, load_site, render_site, BuildOptions, Timings};

use super::http::Files;
use super::watch::Change;

/// What one rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuilt {
    /// Output paths whose bytes changed, were added or were removed.
    pub changed: Vec<String>,
    /// Pages and feeds rendered.
    pub rendered: usize,
    pub elapsed: Duration,
}

pub struct Preview {
    options: BuildOptions,
    files: Arc<Files>,
}

impl Preview {
    /// Build the whole site in memory.
    pub fn new(options: BuildOptions) -> Result<Preview, Errors> {
        let mut preview = Preview {
            options,
            files: Arc::new(Files::new()),
        };
        preview.rebuild(&[Change::Config])?;
        Ok(preview)
    }

    /// An empty preview, for when the first build fails: it fills in once
    /// the sources are fixed.
    pub fn empty(options: BuildOptions) -> Preview {
        Preview {
            options,
            files: Arc::new(Files::new()),
        }
    }

    pub fn files(&self) -> Arc<Files> {
        self.files.clone()
    }

    /// Rebuild after `changes`. On error the site held stays as it was.
    pub fn rebuild(&mut self, changes: &[Change]) -> Result<Rebuilt, Errors> {
        let started = Instant::now();
        let _ = changes;
        let config = configure(&self.options)?;
        let site = load_site(&config, self.options.drafts, &mut Timings::default())?;
        let outputs = render_site(&config, &site)?;
        let rendered = outputs.len();
        let mut files = Files::with_capacity(outputs.len());
        for output in outputs {
            let bytes = match self.files.get(&output.path) {
                Some(old) if **old == output.bytes => old.clone(),
                _ => Arc::new(output.bytes),
            };
            files.insert(output.path, bytes);
        }
        let changed = diff(&self.files, &files);
        self.files = Arc::new(files);
        Ok(Rebuilt {
            changed,
            rendered,
            elapsed: started.elapsed(),
        })
    }

    pub fn root(&self) -> &PathBuf {
        &self.options.root
    }
}

/// Paths added, removed or changed between two versions of the site.
fn diff(old: &Files, new: &Files) -> Vec<String> {
    let mut changed = BTreeSet::new();
    for (path, bytes) in new {
        match old.get(path) {
            Some(before) if Arc::ptr_eq(before, bytes) || before == bytes => {}
            _ => {
                changed.insert(path.clone());
            }
        }
    }
    for path in old.keys() {
        if !new.contains_key(path) {
            changed.insert(path.clone());
        }
    }
    changed.into_iter().collect()
}

/// Output path → the URL path a browser shows for it.
pub fn url_path(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{file}"),
    }
}

//! The site as the preview holds it, rebuilt after each change by doing
//! only what the change needs: files are parsed again only when they
//! changed, bodies rendered again only when their inputs did, and pages and
//! feeds rendered again only when the digest of their context changed.
//! What it holds is byte for byte what `briefing build` would write.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::digest::Set;
use crate::driver::{Changes, Driver, Sink};
use crate::error::Errors;
use crate::output::Output;
use crate::render::search::Source;
use crate::{BuildOptions, Timings};

use super::http::Files;
use super::indexing::Shared;
use super::watch::Change;

/// What one rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuilt {
    /// Output paths whose bytes changed, were added or were removed.
    pub changed: Vec<String>,
    /// Pages and feeds rendered.
    pub rendered: usize,
    /// Whether a body-only save was patched into the site held, rather
    /// than the site linked again.
    pub patched: bool,
    pub elapsed: Duration,
    /// Time in each stage, as `build --timings` reports it.
    pub timings: Timings,
}

pub struct Preview {
    options: BuildOptions,
    /// None until the config and templates load; set again to None when a
    /// change to them fails, so the next change reads them afresh.
    driver: Option<Driver>,
    files: Arc<Files>,
    /// Whether a save leaves the search index to another thread.
    search_later: bool,
    /// Whether the last rebuild failed: other files than those saved next
    /// may still be wrong, so the next rebuild links the whole site.
    failed: bool,
    /// Whether the site the driver holds is the one served: not after a
    /// rebuild that patched or linked a site, then failed to render it.
    holds_served: bool,
}

impl Preview {
    /// Build the whole site in memory.
    pub fn new(options: BuildOptions) -> Result<Preview, Errors> {
        let mut preview = Preview::empty(options);
        preview.rebuild(&[Change::Config])?;
        Ok(preview)
    }

    /// A preview holding nothing yet, for when the first build fails: the
    /// next successful rebuild fills it.
    pub fn empty(options: BuildOptions) -> Preview {
        Preview {
            options,
            driver: None,
            files: Arc::new(Files::default()),
            search_later: false,
            failed: false,
            holds_served: true,
        }
    }

    /// This preview, leaving the search index of a save to `search_source`
    /// and `add_search` (the index it has is served meanwhile): indexing
    /// the whole site takes longer than most rebuilds, and the reload must
    /// not wait for it.
    pub fn search_later(mut self) -> Preview {
        self.search_later = true;
        self
    }

    /// What the search index is made of, when a rebuild left it behind
    /// the site held: to be indexed on another thread (see `indexing`).
    pub(crate) fn search_source(&self) -> Option<Source> {
        if !self.holds_served {
            return None;
        }
        self.driver.as_ref()?.search_source()
    }

    /// The search files made of `source`, into the files held. `source`
    /// must be of the site held: taken since the last rebuild.
    pub(crate) fn add_search(&mut self, source: Source, outputs: Vec<Shared>) {
        let Some(driver) = self.driver.as_mut() else {
            return;
        };
        driver.search_held(source);
        self.files = Arc::new(super::indexing::with_index(&self.files, &outputs));
    }

    /// Free what the last rebuild replaced, once it is served.
    pub fn tidy(&mut self) {
        if let Some(driver) = self.driver.as_mut() {
            driver.retire();
        }
    }

    pub fn files(&self) -> Arc<Files> {
        self.files.clone()
    }

    /// The warnings of the site served.
    pub fn warnings(&self) -> Vec<crate::error::Error> {
        let Some(driver) = self.driver.as_ref() else {
            return Vec::new();
        };
        driver
            .site()
            .map(|site| driver.warnings_of(site))
            .unwrap_or_default()
    }

    /// Rebuild after `changes`. On error what is held stays as it was.
    pub fn rebuild(&mut self, changes: &[Change]) -> Result<Rebuilt, Errors> {
        let started = Instant::now();
        let mut asked = Changes {
            relink: std::mem::replace(&mut self.failed, true),
            ..Changes::default()
        };
        for change in changes {
            match change {
                Change::Config | Change::Template => asked.everything = true,
                Change::Static => asked.statics = true,
                Change::Content(path) => {
                    asked.content.insert(path.clone());
                }
                Change::Ignore => {}
            }
        }
        let driver = match self.driver.take() {
            Some(driver) if !asked.everything => driver,
            // The content as read and the site as linked stay useful
            // across a change of config or templates.
            held => Driver::open(&self.options)?.reusing(held),
        };
        let driver = self.driver.insert(driver);
        driver.timings = Timings::default();
        driver.search_later = self.search_later;
        let mut sink = Held {
            before: &self.files,
            files: Files::with_capacity_and_hasher(self.files.len(), Default::default()),
            put: Vec::new(),
        };
        // From here until the render succeeds, the site held is not the
        // one served: a patch changes it in place, a link replaces it.
        let patched = match driver.reload(&asked)? {
            Some(patched) => {
                self.holds_served = false;
                driver.plan_patched(&patched)
            }
            None => None,
        };
        let was_patched = patched.is_some();
        let plan = match patched {
            Some(plan) => {
                sink.files = (*self.files).clone();
                plan
            }
            None => {
                driver.link(&asked, None)?;
                self.holds_served = false;
                let before = &self.files;
                driver
                    .plan(&mut |path| before.contains_key(path))
                    .ok_or_else(Errors::default)?
            }
        };
        let rendered = driver.render(plan, &mut sink, &mut |_, _| {})?;
        let changed = sink.changed();
        self.files = Arc::new(sink.files);
        self.failed = false;
        self.holds_served = true;
        Ok(Rebuilt {
            changed,
            rendered,
            patched: was_patched,
            elapsed: started.elapsed(),
            timings: driver.timings.clone(),
        })
    }
}

/// The preview's sink: the files held, made anew from the last version's
/// where they did not change.
struct Held<'a> {
    before: &'a Files,
    files: Files,
    /// The paths rendered into `files`: only these can differ from `before`.
    put: Vec<Arc<str>>,
}

impl Held<'_> {
    /// Paths added, removed or changed since `before`, in order. A file
    /// kept is the same shared copy; so is one rendered to the same bytes.
    fn changed(&self) -> Vec<String> {
        let mut changed = BTreeSet::new();
        let mut added = Set::default();
        for path in &self.put {
            match (self.before.get(path), self.files.get(path)) {
                (Some(old), Some(new)) if Arc::ptr_eq(old, new) => {}
                (old, _) => {
                    if old.is_none() {
                        added.insert(path);
                    }
                    changed.insert(path.to_string());
                }
            }
        }
        // Every file held but those added was held before: any missing?
        if self.before.len() > self.files.len() - added.len() {
            let gone = self.before.keys().filter(|p| !self.files.contains_key(*p));
            changed.extend(gone.map(|p| p.to_string()));
        }
        changed.into_iter().collect()
    }
}

impl Sink for Held<'_> {
    fn keep(&mut self, path: &str) -> bool {
        match self.before.get_key_value(path) {
            Some((path, bytes)) => {
                self.files.insert(path.clone(), bytes.clone());
                true
            }
            None => false,
        }
    }

    fn put(&mut self, files: Vec<Output>) -> Result<(), Errors> {
        for output in files {
            // A file whose bytes did not change keeps its shared copy, so
            // telling what changed costs a pointer comparison.
            let bytes = match self.before.get(output.path.as_str()) {
                Some(old) if **old == output.bytes => old.clone(),
                _ => Arc::new(output.bytes),
            };
            let path: Arc<str> = Arc::from(output.path);
            self.put.push(path.clone());
            self.files.insert(path, bytes);
        }
        Ok(())
    }
}

/// Output path → the URL path a browser shows for it.
pub fn url_path(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(dir) => format!("/{dir}"),
        None => format!("/{file}"),
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::{Change, Preview};

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read").flatten() {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).expect("copy");
            }
        }
    }

    fn repo() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR"))
    }

    /// The crosslinks fixture in a temp dir.
    fn crosslinks() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        copy(&repo().join("tests/fixtures/crosslinks"), dir.path());
        dir
    }

    fn previewing(dir: &Path) -> Preview {
        Preview::new(crate::BuildOptions::new(dir))
            .unwrap_or_else(|e| panic!("{e}"))
            .search_later()
    }

    const TALKS: &str = "content/briefings/2025-09-02-talks.md";

    /// The talks briefing with its title line's start replaced by `start`.
    fn retitle(dir: &Path, start: &str) -> Change {
        let path = dir.join(TALKS);
        let text = std::fs::read_to_string(&path).expect("read");
        std::fs::write(&path, text.replacen("title: ", start, 1)).expect("write");
        Change::Content(PathBuf::from(TALKS))
    }

    #[test]
    fn the_site_served_is_indexed_though_a_later_save_failed_to_link() {
        let dir = crosslinks();
        let mut preview = previewing(dir.path());
        let saved = retitle(dir.path(), "title: Served ");
        preview.rebuild(&[saved]).unwrap_or_else(|e| panic!("{e}"));
        // Before its index is made, another file breaks: the site served
        // is still the one held, and its index is still to be made.
        let summit = PathBuf::from("content/briefings/2025-08-31-summit.md");
        std::fs::write(dir.path().join(&summit), "---\ntitle: [\n---\n").expect("write");
        assert!(preview.rebuild(&[Change::Content(summit)]).is_err());
        assert!(
            preview.search_source().is_some(),
            "the index of the site served"
        );
    }

    #[test]
    fn no_index_is_made_of_a_site_whose_rebuild_failed() {
        let dir = crosslinks();
        // A template that fails for one briefing's content only.
        let theirs = std::fs::read_to_string(repo().join("themes/default/templates/briefing.html"))
            .expect("template");
        std::fs::create_dir_all(dir.path().join("templates")).expect("mkdir");
        std::fs::write(
            dir.path().join("templates/briefing.html"),
            theirs.replacen(
                "{% block main %}",
                "{% block main %}{% if page.extra.boom %}{{ page.extra.boom.nope.deeper }}{% endif %}",
                1,
            ),
        )
        .expect("write");
        let mut preview = previewing(dir.path());
        // A new title, which a patch takes in, and what the template fails on.
        let saved = retitle(dir.path(), "extra: {boom: 1}\ntitle: BOOM ");
        assert!(preview.rebuild(&[saved]).is_err());
        assert!(
            preview.search_source().is_none(),
            "the index would hold the title the pages failed on"
        );
    }
}

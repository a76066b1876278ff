//! The site as the preview holds it, rebuilt after each change by doing
//! only what the change needs: files are parsed again only when they
//! changed, bodies rendered again only when their inputs did, and pages and
//! feeds rendered again only when the digest of their context changed.
//! What it holds is byte for byte what `briefing build` would write.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, ContentCache};
use crate::error::Errors;
use crate::graph::{self, LinkOptions, Site};
use crate::render::{FeedOwner, Output, PageJob, Renderer, Templates};
use crate::theme::Theme;
use crate::{configure, static_files, BuildOptions, Timings};

use super::http::Files;
use super::watch::Change;
use crate::render::fingerprint::{BriefingDigests, Fingerprints, InOrder, Reuse};

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
    config: Option<Config>,
    templates: Option<Templates>,
    statics: Vec<Output>,
    contents: ContentCache,
    /// The site as last linked without error: the caches for the next
    /// link, and what a body-only save is patched into.
    site: Option<Site>,
    prints: Prints,
    files: Arc<Files>,
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
            config: None,
            templates: None,
            statics: Vec::new(),
            contents: ContentCache::default(),
            site: None,
            prints: Prints::default(),
            files: Arc::new(Files::new()),
        }
    }

    pub fn files(&self) -> Arc<Files> {
        self.files.clone()
    }

    /// Rebuild after `changes`. On error what is held stays as it was, and
    /// the next rebuild starts again from the sources.
    pub fn rebuild(&mut self, changes: &[Change]) -> Result<Rebuilt, Errors> {
        let started = Instant::now();
        let result = self.try_rebuild(changes);
        if result.is_err() {
            // Whatever was half-updated is redone in full next time.
            self.config = None;
            self.templates = None;
        }
        let (changed, rendered, patched, timings) = result?;
        Ok(Rebuilt {
            changed,
            rendered,
            patched,
            elapsed: started.elapsed(),
            timings,
        })
    }

    fn try_rebuild(
        &mut self,
        changes: &[Change],
    ) -> Result<(Vec<String>, usize, bool, Timings), Errors> {
        let mut timings = Timings::default();
        let mut clock = Instant::now();
        let mut lap = |stage: &mut Duration| {
            *stage = clock.elapsed();
            clock = Instant::now();
        };
        let everything = self.config.is_none()
            || self.templates.is_none()
            || changes
                .iter()
                .any(|c| matches!(c, Change::Config | Change::Template));
        if everything {
            let config = configure(&self.options)?;
            let theme = Theme::resolve(&config)?;
            self.templates = Some(Renderer::load_templates(&theme)?);
            self.statics = static_files(&theme)?;
            self.config = Some(config);
            self.prints = Prints::default();
        } else if changes.contains(&Change::Static) {
            let config = self.config.as_ref().ok_or_else(Errors::default)?;
            self.statics = static_files(&Theme::resolve(config)?)?;
        }
        let (Some(config), Some(templates)) = (&self.config, &self.templates) else {
            return Err(Errors::default());
        };

        let touched: HashSet<PathBuf> = changes
            .iter()
            .filter_map(|c| match c {
                Change::Content(path) => Some(path.clone()),
                _ => None,
            })
            .collect();
        let only_content = !everything && changes.iter().all(|c| matches!(c, Change::Content(_)));
        let mut patched = None;
        if let (Some(site), true) = (&mut self.site, only_content) {
            if let Some(edited) = content::reload_bodies(config, &mut self.contents, &touched) {
                lap(&mut timings.load);
                patched = graph::patch_bodies(config, site, &edited);
            }
        }
        let was_patched = patched.is_some();
        let briefing_digests = std::mem::take(&mut self.prints.briefings);
        let (site, digests) = match (patched, &self.site) {
            (Some(changed), Some(site)) => {
                lap(&mut timings.link);
                let digests = Fingerprints::updated(config, site, briefing_digests, &changed);
                (site, digests)
            }
            _ => {
                let content = content::load_cached(config, &mut self.contents, &touched)?;
                lap(&mut timings.load);
                let previous = self.site.as_ref();
                let options = LinkOptions {
                    drafts: self.options.drafts,
                    cache: previous.map(|s| s.bodies.clone()).unwrap_or_default(),
                    related: previous.map(|s| s.related.clone()).unwrap_or_default(),
                };
                let (site, errors) = graph::link_all(config, content, &options);
                errors.into_result(())?;
                lap(&mut timings.link);
                let site = self.site.insert(site);
                (&*site, Fingerprints::new(config, site))
            }
        };

        let render = Render {
            config,
            site,
            templates,
            digests: &digests,
            held: &self.files,
        };
        let patched = match was_patched {
            true => render.patched(&mut self.prints)?,
            false => None,
        };
        let (files, rendered) = match patched {
            Some(done) => done,
            None => render.changed(&mut self.prints)?,
        };
        self.prints.briefings = digests.into_briefing_digests();
        lap(&mut timings.render);
        let mut files = files;
        for output in &self.statics {
            let bytes = match self.files.get(&output.path) {
                Some(old) if **old == output.bytes => old.clone(),
                _ => Arc::new(output.bytes.clone()),
            };
            files.insert(output.path.clone(), bytes);
        }
        let changed = diff(&self.files, &files);
        self.files = Arc::new(files);
        lap(&mut timings.write);
        Ok((changed, rendered, was_patched, timings))
    }
}

/// What the last render left, to tell what the next must render again.
#[derive(Default)]
struct Prints {
    /// Output path → digest of what produced it.
    by_path: HashMap<String, u64>,
    in_order: InOrder,
    briefings: BriefingDigests,
}

/// One render of the site held: what it reads.
struct Render<'a> {
    config: &'a Config,
    site: &'a Site,
    templates: &'a Templates,
    digests: &'a Fingerprints<'a>,
    /// The files the preview holds now.
    held: &'a Files,
}

impl Render<'_> {
    /// Render the pages and feeds whose digest changed; carry the rest over.
    fn changed(&self, prints: &mut Prints) -> Result<(Files, usize), Errors> {
        let held = self.held;
        let mut reuse = Reuse::new(self.digests, &prints.by_path);
        let mut files = Files::with_capacity(held.len());
        let mut keep = |path: &str| match held.get(path) {
            Some(bytes) => {
                files.insert(path.to_string(), bytes.clone());
                true
            }
            None => false,
        };
        let jobs = PageJob::all(self.site);
        let stale_jobs = reuse.pages(&jobs, &mut keep);
        let stale_owners = reuse.feeds(&FeedOwner::all(self.site), &mut keep);
        let indexes = reuse.indexes(&jobs, &mut keep)?;
        let rendered = self.add(&mut files, &stale_jobs, &stale_owners, indexes)?;
        let in_order = std::mem::take(&mut reuse.in_order);
        prints.by_path = reuse.prints;
        prints.in_order = in_order;
        Ok((files, rendered))
    }

    /// After a patch: the site lists the same pages and feeds in the same
    /// order, so digests compare by position with the last render's, and no
    /// path is built or looked up for a page that did not change. None when
    /// the last render left nothing to compare with.
    fn patched(&self, prints: &mut Prints) -> Result<Option<(Files, usize)>, Errors> {
        let (config, site, digests) = (self.config, self.site, self.digests);
        let jobs = PageJob::all(site);
        let owners = FeedOwner::all(site);
        if jobs.len() != prints.in_order.pages.len() || owners.len() != prints.in_order.feeds.len()
        {
            return Ok(None);
        }
        let now = InOrder {
            pages: jobs.par_iter().map(|&job| digests.page(job)).collect(),
            feeds: owners.iter().map(|&owner| digests.feed(owner)).collect(),
        };
        let before = std::mem::replace(&mut prints.in_order, now);
        let now = &prints.in_order;
        let mut stale_jobs = Vec::new();
        for (i, &job) in jobs.iter().enumerate() {
            if now.pages[i] != before.pages[i] {
                prints.by_path.insert(job.file(site), now.pages[i]);
                stale_jobs.push(job);
            }
        }
        let mut stale_owners = Vec::new();
        for (i, &owner) in owners.iter().enumerate() {
            if now.feeds[i] != before.feeds[i] {
                for path in owner.files(config, site) {
                    prints.by_path.insert(path, now.feeds[i]);
                }
                stale_owners.push(owner);
            }
        }
        let mut reuse = Reuse::new(digests, &prints.by_path);
        let indexes = reuse.indexes(&jobs, &mut |path| self.held.contains_key(path))?;
        let index_prints = reuse.prints;
        prints.by_path.extend(index_prints);

        let mut files = self.held.clone();
        let rendered = self.add(&mut files, &stale_jobs, &stale_owners, indexes)?;
        Ok(Some((files, rendered)))
    }

    /// Render `jobs` and `owners`' feeds into `files`, with `indexes`
    /// already rendered; how many files that was.
    fn add(
        &self,
        files: &mut Files,
        jobs: &[PageJob],
        owners: &[FeedOwner],
        indexes: Vec<Output>,
    ) -> Result<usize, Errors> {
        let renderer = Renderer::new(self.config, self.site, self.templates);
        let rendered = jobs.len() + owners.len() + indexes.len();
        let outputs = renderer
            .render_jobs(jobs)?
            .into_iter()
            .chain(renderer.render_feeds(owners)?)
            .chain(indexes);
        for output in outputs {
            files.insert(output.path, Arc::new(output.bytes));
        }
        Ok(rendered)
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

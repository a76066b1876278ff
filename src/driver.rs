//! The one driver of the pipeline, for every command: `build`, `serve`
//! and `check` run config → load → link → render through it, and differ
//! only in where the rendered files go (a `Sink`). It holds what a rebuild
//! reuses: the config and templates, the content as last read, the site as
//! last linked, and the digest of every file it rendered.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Content, ContentCache, FrontMatterCache};
use crate::digest::Map;
use crate::error::{Error, Errors};
use crate::graph::{self, BodyCache, LinkOptions, Patched, RelatedMemo, Site};
use crate::output::Output;
use crate::render::addresses::{check_addresses, missing_pictures};
use crate::render::context::BriefingDigests;
use crate::render::layout::Layout;
use crate::render::reuse::{feed_digest, InOrder, Reuse};
use crate::render::{search, FeedOwner, Kind, PageJob, Renderer, Templates};
use crate::theme::{Theme, ThemeFile};
use crate::{BuildOptions, Timings};

/// Pages rendered and handed to the sink per batch: enough to keep both
/// cores busy, few enough that a large site is never all in memory at once.
/// Small enough, too, that the memory a batch frees is taken up again by
/// the next before the allocator hands it back to the system: at 10k
/// briefings, 512 a batch faulted 178k pages in, 128 a batch 119k, for a
/// cold build 5% faster.
pub(crate) const BATCH: usize = 128;

/// Feed owners rendered per batch: each writes three feeds of full items.
const FEED_BATCH: usize = BATCH / 8;

/// Where rendered files go.
pub(crate) trait Sink {
    /// Take the earlier output's file at `path` as it is, for a file whose
    /// inputs did not change. False if there is none to take.
    fn keep(&mut self, path: &str) -> bool;
    /// Take rendered files.
    fn put(&mut self, files: Vec<Output>) -> Result<(), Errors>;
}

/// A sink that drops everything: `check` renders only to find errors.
pub(crate) struct Nowhere;

impl Sink for Nowhere {
    fn keep(&mut self, _: &str) -> bool {
        false
    }

    fn put(&mut self, _: Vec<Output>) -> Result<(), Errors> {
        Ok(())
    }
}

/// A sink that holds every file: a fresh render in memory.
impl Sink for Vec<Output> {
    fn keep(&mut self, _: &str) -> bool {
        false
    }

    fn put(&mut self, files: Vec<Output>) -> Result<(), Errors> {
        self.extend(files);
        Ok(())
    }
}

/// What the driver reuses from an earlier run: the rendered bodies, the
/// related lists and the digest of every file it rendered.
#[derive(Default)]
pub(crate) struct Memory {
    pub bodies: BodyCache,
    pub related: RelatedMemo,
    /// Output path → digest of what produced the file there.
    pub prints: Map<String, u64>,
    /// The same digests by position, for comparing a patched site's.
    pub in_order: InOrder,
    pub briefings: BriefingDigests,
}

/// What a change to the sources asks the driver to do again.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// Config or templates: everything is read and rendered again.
    pub everything: bool,
    /// The last rebuild failed: the site is linked again, so that every
    /// error it had is looked for, not only those of the files saved.
    pub relink: bool,
    pub statics: bool,
    /// Content files (relative to the site root) an event named.
    pub content: HashSet<PathBuf>,
}

impl Changes {
    pub fn everything() -> Changes {
        Changes {
            everything: true,
            ..Changes::default()
        }
    }
}

/// The pages and feeds that must be rendered, and what the others keep.
/// The pages are the layout's.
pub(crate) struct Plan {
    pub owners: Vec<FeedOwner>,
    stale_jobs: HashSet<PageJob>,
    stale_owners: HashSet<FeedOwner>,
    /// The new digests: of every file, or after a patch, of those that changed.
    prints: Map<String, u64>,
    patched: bool,
    in_order: InOrder,
}

impl Plan {
    /// How many pages and feed owners are rendered.
    pub fn stale(&self) -> usize {
        self.stale_jobs.len() + self.stale_owners.len()
    }
}

pub struct Driver {
    pub(crate) options: BuildOptions,
    pub(crate) config: Config,
    pub(crate) theme: Theme,
    pub(crate) templates: Templates,
    /// The template files as read, for the build cache's setup digest.
    pub(crate) template_files: std::collections::BTreeMap<String, ThemeFile>,
    pub(crate) statics: Vec<Output>,
    /// Links out of the site left alone in templates and in static files.
    template_warnings: Vec<Error>,
    static_warnings: Vec<Error>,
    /// The content as last read (the preview's), so a save re-reads only
    /// the files it touched.
    contents: Option<ContentCache>,
    pub(crate) memory: Memory,
    /// The site as last linked without error.
    pub(crate) site: Option<Site>,
    /// Where its pages go.
    layout: Layout,
    /// The digest of the addresses that last passed their check.
    addresses_passed: Option<u64>,
    /// Sites replaced since, to be freed by `retire`.
    retired: Vec<Box<dyn Send + Sync>>,
    pub timings: Timings,
    /// Leave the search index to `search_source`, after the reload, once
    /// there is one to serve meanwhile: the preview's lag, so that the
    /// reload is not delayed.
    pub(crate) search_later: bool,
}

impl Driver {
    /// Read the config and the theme.
    pub fn open(options: &BuildOptions) -> Result<Driver, Errors> {
        let config = crate::configure(options)?;
        let theme = Theme::resolve(&config)?;
        let mut template_warnings = Vec::new();
        let template_files = theme.templates(&mut template_warnings)?;
        let templates = Templates::load(
            &template_files,
            config.limits.render_timeout,
            theme.templates_folder().as_deref(),
        )?;
        let mut static_warnings = Vec::new();
        let statics = static_files(&theme, &mut static_warnings)?;
        Ok(Driver {
            options: options.clone(),
            config,
            theme,
            templates,
            template_files,
            statics,
            template_warnings,
            static_warnings,
            contents: None,
            memory: Memory::default(),
            site: None,
            layout: Layout::default(),
            addresses_passed: None,
            retired: Vec::new(),
            timings: Timings::default(),
            search_later: false,
        })
    }

    /// This driver, with the content as read and the site as linked by
    /// `earlier` (a driver of the same site before its config or templates
    /// changed), so that what did not change is not read or rendered again.
    pub fn reusing(mut self, earlier: Option<Driver>) -> Driver {
        // The site comes with where its pages go, so the two never disagree.
        // Files are checked against the limits as they are read: under new
        // limits each is read again.
        let earlier = earlier.map(|d| {
            let same_limits = d.config.limits == self.config.limits;
            (d.contents.filter(|_| same_limits), d.site, d.layout)
        });
        let (contents, site, layout) = earlier.unwrap_or_default();
        self.contents = Some(contents.unwrap_or_default());
        self.site = site;
        self.layout = layout;
        self
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The site as last linked without error.
    pub(crate) fn site(&self) -> Option<&Site> {
        self.site.as_ref()
    }

    /// The warnings of `site` as it is now: those found as it was linked,
    /// then those of what a save may patch into it without linking again
    /// (a picture's path), looked at afresh.
    pub(crate) fn warnings_of(&self, site: &Site) -> Vec<Error> {
        let mut warnings = site.warnings.clone();
        warnings.extend(missing_pictures(&self.config, site, &self.statics));
        warnings
    }

    /// Re-read what `changes` touched: static files, or briefings when
    /// nothing else changed, which are patched into the site held when
    /// their change allows (`graph::patch_briefings`). `Ok(Some(what
    /// changed))` when it was patched.
    pub fn reload(&mut self, changes: &Changes) -> Result<Option<Patched>, Errors> {
        if changes.statics {
            let mut warnings = Vec::new();
            self.statics = static_files(&self.theme, &mut warnings)?;
            self.static_warnings = warnings;
        }
        let (Some(site), Some(contents)) = (&mut self.site, &mut self.contents) else {
            return Ok(None);
        };
        // A site linked under other config or templates is linked again;
        // so is one after a failed rebuild, and one beside a static file
        // that may now take a page's address.
        if changes.everything || changes.relink || changes.statics {
            return Ok(None);
        }
        let started = Instant::now();
        let Some(edited) = content::reload_briefings(&self.config, contents, &changes.content)
        else {
            return Ok(None);
        };
        self.timings.load = started.elapsed();
        let started = Instant::now();
        let patched = graph::patch_briefings(&self.config, site, &edited);
        self.timings.link = started.elapsed();
        Ok(patched)
    }

    /// Load and link the whole site, reusing what earlier runs rendered.
    /// On error, the site held is dropped: the next run starts afresh.
    pub fn link(
        &mut self,
        changes: &Changes,
        front_matter: Option<&FrontMatterCache>,
    ) -> Result<(), Errors> {
        let (content, elapsed) = self.load(changes, front_matter)?;
        self.timings.load += elapsed;
        let (site, layout, errors) = self.link_content(content);
        errors.into_result(())?;
        self.hold(site, layout);
        Ok(())
    }

    pub(crate) fn load(
        &mut self,
        changes: &Changes,
        front_matter: Option<&FrontMatterCache>,
    ) -> Result<(Content, Duration), Errors> {
        let started = Instant::now();
        let content = match (&mut self.contents, front_matter) {
            (Some(cache), _) => content::load_cached(&self.config, cache, &changes.content)?,
            (None, Some(known)) => content::load_with(&self.config, known)?,
            (None, None) => content::load(&self.config)?,
        };
        Ok((content, started.elapsed()))
    }

    /// Link `content` past errors: the site as far as it goes, where its
    /// pages go (when it linked without error), and every problem found.
    /// The site held stays until the caller replaces it.
    pub(crate) fn link_content(&mut self, content: Content) -> (Site, Layout, Errors) {
        let started = Instant::now();
        // What the last build left, when no site is held yet.
        let (bodies, related) = match &self.site {
            Some(_) => Default::default(),
            None => (
                std::mem::take(&mut self.memory.bodies),
                std::mem::take(&mut self.memory.related),
            ),
        };
        let (cache, related, earlier) = match &self.site {
            Some(site) => (&site.bodies, &site.related, site.matters.as_slice()),
            None => (&bodies, &related, &[][..]),
        };
        let options = LinkOptions {
            drafts: self.options.drafts,
            cache,
            related,
            earlier,
        };
        let (mut site, mut errors) = graph::link_all(&self.config, content, &options);
        site.warnings.extend(self.template_warnings.iter().cloned());
        site.warnings.extend(self.static_warnings.iter().cloned());
        let mut layout = Layout::default();
        if errors.is_empty() {
            layout = Layout::of(&self.config, &site);
            let addresses = check_addresses(
                &self.config,
                &site,
                &layout,
                &self.statics,
                &mut self.addresses_passed,
            );
            if let Err(e) = addresses {
                errors.0.extend(e.0);
            }
        }
        self.timings.link += started.elapsed();
        (site, layout, errors)
    }

    /// Hold `site` as the last site linked without error, its pages going
    /// where `layout` says.
    pub(crate) fn hold(&mut self, site: Site, layout: Layout) {
        self.layout = layout;
        if let Some(old) = self.site.replace(site) {
            self.retired.push(Box::new(old));
        }
    }

    /// Free the sites (and search sources) replaced, beside the caller.
    /// Freeing a large site takes time, and the preview's rebuild is served
    /// before it is done: on two cores, freeing it meanwhile slowed the
    /// rebuild down.
    pub(crate) fn retire(&mut self) {
        let retired = std::mem::take(&mut self.retired);
        if !retired.is_empty() {
            std::thread::spawn(move || drop(retired));
        }
    }

    /// Render every page and file of the site held into `sink`.
    pub(crate) fn render_all(&mut self, sink: &mut dyn Sink) -> Result<usize, Errors> {
        self.memory.prints.clear();
        match self.plan(&mut |_| false) {
            Some(plan) => self.render(plan, sink, &mut |_, _| {}),
            None => Ok(0),
        }
    }

    /// Decide what to render: every page whose digest changed, or whose
    /// earlier file `has` cannot find.
    pub(crate) fn plan(&mut self, has: &mut dyn FnMut(&str) -> bool) -> Option<Plan> {
        let started = Instant::now();
        let site = self.site.as_ref()?;
        let briefings = std::mem::take(&mut self.memory.briefings);
        let renderer = Renderer::reusing(&self.config, site, &self.templates, briefings);
        let mut reuse = Reuse::new(&renderer, &self.memory.prints);
        let owners = FeedOwner::all(site);
        let stale_jobs = reuse.pages(&self.layout, has).into_iter().collect();
        let stale_owners = reuse.feeds(&owners, has).into_iter().collect();
        let (prints, in_order) = (reuse.prints, reuse.in_order);
        self.memory.briefings = renderer.into_digests();
        self.timings.render += started.elapsed();
        Some(Plan {
            owners,
            stale_jobs,
            stale_owners,
            prints,
            patched: false,
            in_order,
        })
    }

    /// After a patch: the site lists the same pages and feeds in the same
    /// order, so digests compare by position with the last render's. Only
    /// pages that show a patched briefing, or whose lists the patch moved,
    /// have their digest taken again, and no path is built for a page that
    /// did not change. None when the last render left nothing to compare with.
    pub(crate) fn plan_patched(&mut self, patched: &Patched) -> Option<Plan> {
        let started = Instant::now();
        let site = self.site.as_ref()?;
        let briefings = std::mem::take(&mut self.memory.briefings);
        let renderer = Renderer::reusing(&self.config, site, &self.templates, briefings);
        let (jobs, files) = (&self.layout.jobs, &self.layout.files);
        let owners = FeedOwner::all(site);
        let mut now = std::mem::take(&mut self.memory.in_order);
        let fits = now.pages.len() == jobs.len()
            && now.page_shows.len() == jobs.len()
            && now.feeds.len() == owners.len()
            && now.feed_shows.len() == owners.len();
        if !fits {
            self.memory.briefings = renderer.into_digests();
            return None;
        }
        let changed: HashSet<u32> = patched.briefings.iter().map(|&i| i as u32).collect();
        let shows_changed = |shows: &[u32]| shows.iter().any(|i| changed.contains(i));
        let moved = |job: &PageJob| match job.kind {
            Kind::Briefing => patched.backlinks.contains(&job.index),
            Kind::Topic => patched.topics.contains(&job.index),
            Kind::Person => patched.people.contains(&job.index),
            _ => false,
        };
        let again: Vec<usize> = (0..jobs.len())
            .filter(|&p| moved(&jobs[p]) || shows_changed(&now.page_shows[p]))
            .collect();
        let digests: Vec<(u64, Vec<u32>)> = again
            .par_iter()
            .map(|&p| renderer.page_digest(jobs[p]))
            .collect();
        let mut prints = Map::default();
        let mut stale_jobs = HashSet::new();
        for (p, (print, shows)) in again.into_iter().zip(digests) {
            now.page_shows[p] = shows;
            if now.pages[p] != print {
                now.pages[p] = print;
                prints.insert(files[p].clone(), print);
                stale_jobs.insert(jobs[p]);
            }
        }
        let mut stale_owners = HashSet::new();
        for (f, &owner) in owners.iter().enumerate() {
            if !shows_changed(&now.feed_shows[f]) {
                continue;
            }
            let (print, shows) = feed_digest(&renderer, owner);
            now.feed_shows[f] = shows;
            if now.feeds[f] != print {
                now.feeds[f] = print;
                for path in owner.files(&self.config, site) {
                    prints.insert(path, print);
                }
                stale_owners.insert(owner);
            }
        }
        self.memory.briefings = renderer.into_digests();
        self.timings.render += started.elapsed();
        Some(Plan {
            owners,
            stale_jobs,
            stale_owners,
            prints,
            patched: true,
            in_order: now,
        })
    }

    /// Render what `plan` says into `sink`, in batches, and the files that
    /// list the whole site and the static files after them; `progress(done,
    /// all)` after each batch of pages. How many files were rendered.
    pub(crate) fn render(
        &mut self,
        plan: Plan,
        sink: &mut dyn Sink,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, Errors> {
        let Some(site) = self.site.as_ref() else {
            return Ok(0);
        };
        let (config, timings) = (&self.config, &mut self.timings);
        let briefings = std::mem::take(&mut self.memory.briefings);
        let mut renderer = Renderer::reusing(config, site, &self.templates, briefings);
        let mut reuse = Reuse::new(&renderer, &self.memory.prints);
        // The preview serves the index it has while the next one is made
        // on another thread (see `search_source`).
        let later = self.search_later && self.memory.prints.contains_key(search::INDEX_FILE);
        let stale = !later && reuse.search_stale(&mut |path| sink.keep(path));
        let layout = &self.layout;
        let statics = &self.statics;
        // Set when the pages fail: the index being made beside them stops.
        let failed = AtomicBool::new(false);
        let rendered = std::thread::scope(|scope| {
            // Made beside the pages, on a thread of its own: it reads only
            // the linked site, and fills the moments a batch of pages leaves
            // a core idle.
            let index = stale.then(|| {
                scope.spawn(|| {
                    let stop = || failed.load(Ordering::Relaxed);
                    let make = || search::Source::of(config, site).files_unless(&stop);
                    // A pool of its own: in the shared one its work waited
                    // in line with the pages' and filled no idle moment.
                    match rayon::ThreadPoolBuilder::new().num_threads(1).build() {
                        Ok(pool) => pool.install(make),
                        Err(_) => make(),
                    }
                })
            });
            let pages = render_pages(&renderer, &plan, layout, sink, timings, progress);
            failed.store(pages.is_err(), Ordering::Relaxed);
            let index = index.map(|index| {
                time(&mut timings.render, || index.join()).unwrap_or_else(|_| {
                    Err(Error::new("the search index could not be made".to_string()))
                })
            });
            let mut rendered = pages?;
            let search = match index {
                Some(made) => made?,
                None => None,
            };
            let mut files = time(&mut timings.render, || {
                // A body-only patch moves no address or date: the sitemap
                // the preview holds stays as it is.
                let sitemap = (!plan.patched).then_some(layout.sitemap.as_slice());
                reuse.indexes(sitemap, search, later, &mut |path| sink.keep(path))
            })?;
            rendered += files.len();
            files.extend(statics.iter().cloned());
            time(&mut timings.write, || sink.put(files))?;
            Ok::<usize, Errors>(rendered)
        })?;
        let index_prints = reuse.prints;
        // Freed beside the caller, with the sites replaced (`retire`).
        self.retired.push(Box::new(renderer.take_cards()));
        self.memory.briefings = renderer.into_digests();
        if plan.patched {
            self.memory.prints.extend(plan.prints);
        } else {
            self.memory.prints = plan.prints;
        }
        self.memory.prints.extend(index_prints);
        // A static file stands where a page or feed would be: what is there
        // is not the page, so the next render must not keep it as the page.
        for file in &self.statics {
            self.memory.prints.remove(&file.path);
        }
        self.memory.in_order = plan.in_order;
        Ok(rendered)
    }
}

/// The pages and feeds `plan` says to render, into `sink`, in batches.
fn render_pages(
    renderer: &Renderer,
    plan: &Plan,
    layout: &Layout,
    sink: &mut dyn Sink,
    timings: &mut Timings,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize, Errors> {
    let (config, site) = (renderer.config, renderer.site);
    let mut rendered = 0;
    let all = layout.jobs.len();
    for start in (0..all).step_by(BATCH) {
        let end = (start + BATCH).min(all);
        let jobs: Vec<PageJob> = (start..end)
            .filter(|&p| {
                let job = &layout.jobs[p];
                plan.stale_jobs.contains(job) || (!plan.patched && !sink.keep(&layout.files[p]))
            })
            .map(|p| layout.jobs[p])
            .collect();
        rendered += jobs.len();
        let files = time(&mut timings.render, || renderer.render_jobs(&jobs))?;
        time(&mut timings.write, || sink.put(files))?;
        progress(end, all);
    }
    for batch in plan.owners.chunks(FEED_BATCH) {
        let owners = pick(batch, plan, &plan.stale_owners, sink, |o| {
            o.files(config, site)
        });
        rendered += owners.len();
        let files = time(&mut timings.render, || renderer.render_feeds(&owners))?;
        time(&mut timings.write, || sink.put(files))?;
    }
    Ok(rendered)
}

impl Driver {
    /// What the search files are made of, if it changed since they were
    /// last rendered (after a render that left them for later).
    pub(crate) fn search_source(&self) -> Option<crate::render::search::Source> {
        let site = self.site.as_ref()?;
        // Made whole, though it may turn out not to be needed: nearly every
        // save changes what the index holds, and the source carries the
        // digest that tells.
        let source = crate::render::search::Source::of(&self.config, site);
        let print = source.print();
        let paths = crate::render::search::paths(site);
        if paths
            .iter()
            .all(|p| self.memory.prints.get(p) == Some(&print))
        {
            return None;
        }
        Some(source)
    }

    /// The search index made of `source` is held: its files' digests are
    /// noted, and what it was made of is freed with the next `retire`.
    pub(crate) fn search_held(&mut self, source: crate::render::search::Source) {
        for path in source.paths() {
            self.memory.prints.insert(path, source.print());
        }
        self.retired.push(Box::new(source));
    }
}

/// The members of `batch` to render: the stale ones, and any whose
/// earlier files the sink cannot keep. After a patch the sink already
/// holds every earlier file, and no path is built for one that is kept.
fn pick<T: Copy + Eq + std::hash::Hash>(
    batch: &[T],
    plan: &Plan,
    stale: &HashSet<T>,
    sink: &mut dyn Sink,
    files: impl Fn(T) -> Vec<String>,
) -> Vec<T> {
    batch
        .iter()
        .copied()
        .filter(|item| {
            stale.contains(item) || (!plan.patched && !files(*item).iter().all(|p| sink.keep(p)))
        })
        .collect()
}

fn time<T>(stage: &mut Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = f();
    *stage += started.elapsed();
    result
}

/// The theme's static files, with the site's own over them.
pub(crate) fn static_files(theme: &Theme, warnings: &mut Vec<Error>) -> Result<Vec<Output>, Error> {
    Ok(theme
        .static_files(warnings)?
        .into_iter()
        .map(|(name, file)| Output {
            path: name,
            bytes: file.bytes,
        })
        .collect())
}

//! `briefing`: a static-site generator for curated news briefings.
//!
//! The pipeline runs one way: config → load → link → render → write.
//! Each stage is a module with a plain function at its door.

pub mod build_cache;
pub mod check;
pub mod config;
pub mod content;
pub mod error;
pub mod graph;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod serve;
pub mod slug;
pub mod terminal;
pub mod theme;

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

pub use config::Config;
pub use error::{Error, Errors};
pub use graph::Site;

/// What `briefing build` is asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/site`.
    pub output: Option<PathBuf>,
    pub drafts: bool,
    pub base_url: Option<String>,
}

impl BuildOptions {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            drafts: false,
            base_url: None,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("site"))
    }
}

/// Time spent in each stage.
#[derive(Debug, Clone, Default)]
pub struct Timings {
    pub load: Duration,
    pub link: Duration,
    pub render: Duration,
    pub write: Duration,
}

/// What a build did, for the summary line.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub briefings: usize,
    pub topics: usize,
    pub people: usize,
    pub pages: usize,
    pub feeds: usize,
    pub files: usize,
    pub changed: usize,
    pub warnings: Vec<Error>,
    pub timings: Timings,
}

/// Read the config and apply the command line's overrides.
pub fn configure(options: &BuildOptions) -> Result<Config, Error> {
    let mut config = Config::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url);
    }
    Ok(config)
}

/// Load and link: the site graph, without rendering anything.
pub fn load_site(config: &Config, drafts: bool, timings: &mut Timings) -> Result<Site, Errors> {
    let (site, errors) = load_site_all(config, drafts, timings)?;
    errors.into_result(site)
}

/// Load and link past errors: the site as far as it goes, and every problem.
/// Only a site with no `content/` at all fails outright.
pub fn load_site_all(
    config: &Config,
    drafts: bool,
    timings: &mut Timings,
) -> Result<(Site, Errors), Errors> {
    let options = graph::LinkOptions {
        drafts,
        ..Default::default()
    };
    let started = Instant::now();
    let content = content::load(config)?;
    timings.load = started.elapsed();
    let started = Instant::now();
    let linked = graph::link_all(config, content, &options);
    timings.link = started.elapsed();
    Ok(linked)
}

/// Every file of the built site, in memory: pages, then theme and site assets.
pub fn render_site(config: &Config, site: &Site) -> Result<Vec<render::Output>, Errors> {
    let theme = theme::Theme::resolve(config)?;
    let templates = render::Renderer::load_templates(&theme)?;
    let mut files = render::Renderer::new(config, site, &templates).render_all()?;
    files.extend(static_files(&theme)?);
    Ok(files)
}

/// The theme's static files, with the site's own over them.
pub fn static_files(theme: &theme::Theme) -> Result<Vec<render::Output>, Error> {
    Ok(theme
        .static_files()?
        .into_iter()
        .map(|(name, file)| render::Output {
            path: name,
            bytes: file.bytes,
        })
        .collect())
}

/// Pages rendered and written per batch: enough to keep both cores busy,
/// few enough that a large site is never all in memory at once.
const BATCH: usize = 512;

/// Past this many pages and feeds to render, a build writes a new folder
/// and swaps it in, rather than holding every rendered page to update the
/// output in place.
const IN_PLACE_LIMIT: usize = 2 * BATCH;

/// `briefing build`: the whole pipeline, ending in an update of the output
/// that a failed build never leaves half done (see `output`).
pub fn build(options: &BuildOptions) -> Result<Report, Errors> {
    build_with_progress(options, &mut |_, _| {})
}

/// `build`, calling `progress(pages done, pages in all)` after each batch,
/// for a progress bar on long builds.
pub fn build_with_progress(
    options: &BuildOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, Errors> {
    let config = configure(options)?;
    let output_dir = options.output_dir();
    output::check_output_dir(&options.root, &output_dir)?;
    let theme = theme::Theme::resolve(&config)?;
    let cache_path = build_cache::path_for(&output::absolute(&output_dir));
    // Template files are read once: for the cache's setup digest and for Tera.
    let template_files = theme.templates()?;
    let setup = build_cache::setup(options, &config, &template_files);
    let mut timings = Timings::default();
    // Reading the last build's cache and listing its output take a thread
    // each: done while the content loads, they cost little time of their own.
    let started = Instant::now();
    let front_matter_path = cache_path.with_extension("cache-meta");
    let ((mut cache, previous), (front_matter, content)) = rayon::join(
        || {
            rayon::join(
                || build_cache::BuildCache::read(&cache_path, setup),
                || output::InPlace::scan(&output_dir),
            )
        },
        || {
            let known = content::FrontMatterCache::read(&front_matter_path);
            let content = content::load_with(&config, &known);
            (known, content)
        },
    );
    let content = content?;
    let (front_matter, front_matter_changed) = front_matter.next(&content.briefings);
    let mut cache_read = Some(cache.digest());
    timings.load = started.elapsed();
    let started = Instant::now();
    let link = graph::LinkOptions {
        drafts: options.drafts,
        cache: std::mem::take(&mut cache.bodies),
        related: std::mem::take(&mut cache.related),
    };
    let (mut site, errors) = graph::link_all(&config, content, &link);
    drop(link);
    timings.link = started.elapsed();
    errors.into_result(())?;

    let templates = render::Templates::load(&template_files)?;
    drop(template_files);
    let renderer = render::Renderer::new(&config, &site, &templates);
    let digests = render::fingerprint::Fingerprints::new(&config, &site);

    // What must be rendered: every page whose digest changed or whose file
    // is missing. Decided before anything is written.
    let have = |path: &str| previous.as_ref().is_some_and(|p| p.has(path));
    let started = Instant::now();
    let mut reuse = render::fingerprint::Reuse::new(&digests, &cache.prints);
    let jobs = render::PageJob::all(&site);
    let owners = render::FeedOwner::all(&site);
    let stale_jobs = reuse.pages(&jobs, &mut |path| have(path));
    let stale_owners = reuse.feeds(&owners, &mut |path| have(path));
    timings.render += started.elapsed();
    let feeds = owners.iter().map(|o| o.files(&config, &site).len()).sum();
    let stale = stale_jobs.len() + stale_owners.len();

    let written = match previous.filter(|_| stale <= IN_PLACE_LIMIT) {
        Some(mut in_place) => {
            let started = Instant::now();
            let mut files = renderer.render_jobs(&stale_jobs)?;
            files.extend(renderer.render_feeds(&stale_owners)?);
            files.extend(reuse.indexes(&jobs, &mut |path| in_place.keep(path))?);
            files.extend(static_files(&theme)?);
            for path in reuse.prints.keys() {
                in_place.keep(path);
            }
            timings.render += started.elapsed();
            progress(jobs.len(), jobs.len());
            let started = Instant::now();
            // Until the new cache is written, the old one would vouch for
            // files that may already have changed: it goes first.
            let written = in_place.apply(files, || {
                build_cache::BuildCache::remove(&cache_path);
                cache_read = None;
            })?;
            timings.write += started.elapsed();
            written
        }
        None => {
            let stale_jobs: HashSet<render::PageJob> = stale_jobs.into_iter().collect();
            let stale_owners: HashSet<render::FeedOwner> = stale_owners.into_iter().collect();
            let mut staging = output::Staging::begin(&output_dir)?;
            let mut done = 0;
            for batch in jobs.chunks(BATCH) {
                let started = Instant::now();
                let render: Vec<render::PageJob> = batch
                    .iter()
                    .filter(|job| {
                        stale_jobs.contains(job) || !staging.link_previous(&job.file(&site))
                    })
                    .copied()
                    .collect();
                let files = renderer.render_jobs(&render)?;
                timings.render += started.elapsed();
                let started = Instant::now();
                staging.write(files)?;
                timings.write += started.elapsed();
                done += batch.len();
                progress(done, jobs.len());
            }
            for batch in owners.chunks(BATCH / 8) {
                let started = Instant::now();
                let render: Vec<render::FeedOwner> = batch
                    .iter()
                    .filter(|owner| {
                        stale_owners.contains(owner)
                            || !owner
                                .files(&config, &site)
                                .iter()
                                .all(|path| staging.link_previous(path))
                    })
                    .copied()
                    .collect();
                let files = renderer.render_feeds(&render)?;
                timings.render += started.elapsed();
                let started = Instant::now();
                staging.write(files)?;
                timings.write += started.elapsed();
            }
            let started = Instant::now();
            let mut files = reuse.indexes(&jobs, &mut |path| staging.link_previous(path))?;
            files.extend(static_files(&theme)?);
            timings.render += started.elapsed();
            let started = Instant::now();
            staging.write(files)?;
            let written = staging.commit()?;
            timings.write += started.elapsed();
            written
        }
    };
    let prints = reuse.prints;
    drop(renderer);
    drop(digests);

    let mut cache = build_cache::BuildCache::new(
        setup,
        std::mem::take(&mut site.bodies),
        std::mem::take(&mut site.related),
        prints,
    );
    if Some(cache.digest()) != cache_read {
        cache.write(&cache_path);
    }
    if front_matter_changed {
        front_matter.write(&front_matter_path);
    }
    let report = Report {
        briefings: site.briefings.len(),
        topics: site.topics.len(),
        people: site.people.len(),
        pages: site.pages.len(),
        feeds,
        files: written.files,
        changed: written.changed,
        warnings: std::mem::take(&mut site.warnings),
        timings,
    };
    // Freeing a large site takes a tenth of a no-change build: it happens
    // beside the caller, and a command that exits does not wait for it.
    std::thread::spawn(move || drop((site, cache, front_matter, templates)));
    Ok(report)
}

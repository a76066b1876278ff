//! `briefing build`: the driver run into the output folder, with what the
//! last build left beside it (`build_cache`). A change of few pages updates
//! the output in place; a larger one is written to a staging folder and
//! swapped in (see `output`).

use std::time::Instant;

use crate::build_cache::{self, BuildCache};
use crate::content::FrontMatterCache;
use crate::driver::{Changes, Driver, Sink, BATCH};
use crate::error::Errors;
use crate::output::{self, InPlace, Output, Staging, WriteReport};
use crate::render::FeedOwner;
use crate::{BuildOptions, Report};

/// Past this many pages and feeds to render, a build writes a new folder
/// and swaps it in, rather than holding every rendered page to update the
/// output in place.
const IN_PLACE_LIMIT: usize = 2 * BATCH;

/// `build`, calling `progress(pages done, pages in all)` after each batch,
/// for a progress bar on long builds.
pub fn build(
    options: &BuildOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, Errors> {
    let output_dir = options.output_dir();
    output::check_output_dir(&options.root, &output_dir)?;
    let mut driver = Driver::open(options)?;
    let cache_path = build_cache::path_for(&output::absolute(&output_dir));
    let front_matter_path = cache_path.with_extension("cache-meta");
    let setup = build_cache::setup(options, driver.config(), &driver.template_files);
    // Reading the last build's cache and listing its output take a thread
    // each: done while the content loads, they cost little time of their own.
    let started = Instant::now();
    let ((cache, previous), (known, content)) = rayon::join(
        || {
            rayon::join(
                || BuildCache::read(&cache_path, setup),
                || InPlace::scan(&output_dir),
            )
        },
        || {
            let known = FrontMatterCache::read(&front_matter_path);
            let content = driver.load(&Changes::everything(), Some(&known));
            (known, content)
        },
    );
    let (content, _) = content?;
    let (front_matter, front_matter_changed) = known.next(&content.briefings);
    let cache_read = cache.digest();
    driver.timings.load = started.elapsed();
    driver.memory.bodies = cache.bodies;
    driver.memory.related = cache.related;
    driver.memory.prints = cache.prints;
    let (site, errors) = driver.link_content(content);
    errors.into_result(())?;
    driver.hold(site);

    let have = |path: &str| previous.as_ref().is_some_and(|p| p.has(path));
    let Some(plan) = driver.plan(&mut |path| have(path)) else {
        return Err(Errors::default());
    };
    let written = match previous.filter(|_| plan.stale() <= IN_PLACE_LIMIT) {
        Some(in_place) => {
            let mut sink = Gather {
                in_place,
                files: Vec::new(),
            };
            driver.render(plan, &mut sink, progress)?;
            let started = Instant::now();
            // Until the new cache is written, the old one would vouch for
            // files that may already have changed: it goes first.
            let mut cache_gone = false;
            let written = sink.in_place.apply(sink.files, || {
                BuildCache::remove(&cache_path);
                cache_gone = true;
            })?;
            driver.timings.write += started.elapsed();
            (written, cache_gone)
        }
        None => {
            let mut staging = Staging::begin(&output_dir)?;
            driver.render(plan, &mut staging, progress)?;
            let started = Instant::now();
            let written = staging.commit()?;
            driver.timings.write += started.elapsed();
            (written, false)
        }
    };
    let front_matter = front_matter_changed.then_some((front_matter, front_matter_path));
    finish(
        driver,
        written,
        (setup, cache_read),
        &cache_path,
        front_matter,
    )
}

/// Leave the cache for the next build and say what this one did.
fn finish(
    mut driver: Driver,
    (written, cache_gone): (WriteReport, bool),
    (setup, cache_read): (u64, u64),
    cache_path: &std::path::Path,
    front_matter: Option<(FrontMatterCache, std::path::PathBuf)>,
) -> Result<Report, Errors> {
    let Some(mut site) = driver.site.take() else {
        return Err(Errors::default());
    };
    let mut cache = BuildCache::new(
        setup,
        std::mem::take(&mut site.bodies),
        std::mem::take(&mut site.related),
        std::mem::take(&mut driver.memory.prints),
    );
    if cache_gone || cache.digest() != cache_read {
        cache.write(cache_path);
    }
    if let Some((front_matter, path)) = &front_matter {
        front_matter.write(path);
    }
    let feeds = FeedOwner::all(&site)
        .iter()
        .map(|o| o.files(driver.config(), &site).len())
        .sum();
    let report = Report {
        briefings: site.briefings.len(),
        topics: site.topics.len(),
        people: site.people.len(),
        pages: site.pages.len(),
        feeds,
        files: written.files,
        changed: written.changed,
        warnings: std::mem::take(&mut site.warnings),
        timings: driver.timings.clone(),
    };
    // Freeing a large site takes a tenth of a no-change build: it happens
    // beside the caller, and a command that exits does not wait for it.
    std::thread::spawn(move || drop((site, cache, driver, front_matter)));
    Ok(report)
}

/// The in-place update's sink: rendered files are held until every one is
/// rendered, and kept files are marked so they are not removed.
struct Gather {
    in_place: InPlace,
    files: Vec<Output>,
}

impl Sink for Gather {
    fn keep(&mut self, path: &str) -> bool {
        self.in_place.keep(path)
    }

    fn put(&mut self, files: Vec<Output>) -> Result<(), Errors> {
        self.files.extend(files);
        Ok(())
    }
}

impl Sink for Staging {
    fn keep(&mut self, path: &str) -> bool {
        self.link_previous(path)
    }

    fn put(&mut self, files: Vec<Output>) -> Result<(), Errors> {
        self.write(files)
    }
}

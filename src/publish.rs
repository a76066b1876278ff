//! `briefing build`: the driver run into the output folder, with what the
//! last build left in the site root (`build_cache`). A change of few pages
//! updates the output in place; a larger one is written to a staging
//! folder and swapped in. Either way the output's mark is the last thing
//! changed, and the cache is trusted only for the generation it names
//! (see `output`).

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::build_cache::{self, BuildCache, CacheFiles};
use crate::content::FrontMatterCache;
use crate::driver::{Changes, Driver, Sink};
use crate::error::{Error, Errors};
use crate::last_build::{self, LastBuild};
use crate::output::mark::Mark;
use crate::output::{self, InPlace, Lock, Output, Staging, Stop, WriteReport};
use crate::render::FeedOwner;
use crate::{BuildOptions, Report};

/// Past this many pages and feeds to render, a build writes a new folder
/// and swaps it in, rather than holding every rendered page to update the
/// output in place.
const IN_PLACE_LIMIT: usize = 1024;

/// `IN_PLACE_LIMIT`; in debug builds `BRIEFING_IN_PLACE_LIMIT` may set
/// it, so a test can send a small site through the staging folder.
fn in_place_limit() -> usize {
    let set = || std::env::var("BRIEFING_IN_PLACE_LIMIT").ok()?.parse().ok();
    match cfg!(debug_assertions).then(set).flatten() {
        Some(limit) => limit,
        None => IN_PLACE_LIMIT,
    }
}

/// A build that failed, and what it left in the output folder.
#[derive(Debug)]
pub struct Failure {
    pub errors: Errors,
    pub output: OutputLeft,
}

/// The state a failed build left the output in, so its last line can say
/// what is true.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputLeft {
    /// Byte for byte the site that was there before.
    AsItWas,
    /// There was no site, and none was written.
    NothingWritten,
    /// Part-way through an update: some files new, others old. The output's
    /// mark says so, and the next build renders everything again.
    Unfinished,
    /// The previous site was moved aside, here, and the new one not moved in.
    MovedAside(PathBuf),
}

/// `build`, calling `progress(pages done, pages in all)` after each batch,
/// for a progress bar on long builds. `force` lets it replace a folder that
/// briefing did not write.
pub fn build(
    options: &BuildOptions,
    force: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, Failure> {
    let output_dir = options.output_dir();
    // Only a folder briefing wrote holds a previous site to speak of.
    let had_site = output::holds_our_site(&output_dir);
    run(options, &output_dir, force, progress).map_err(|stop| match stop {
        Stop::Untouched(errors) => Failure {
            errors,
            output: if had_site {
                OutputLeft::AsItWas
            } else {
                OutputLeft::NothingWritten
            },
        },
        Stop::Unfinished(errors) => Failure {
            errors,
            output: OutputLeft::Unfinished,
        },
        Stop::Missing(errors, old) => Failure {
            errors,
            output: OutputLeft::MovedAside(old),
        },
    })
}

fn run(
    options: &BuildOptions,
    output_dir: &Path,
    force: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, Stop> {
    output::check_output_dir(&options.root, output_dir, force)?;
    let mut driver = Driver::open(options)?;
    let out = output::absolute(output_dir);
    let _lock = Lock::take(&out)?;
    output::clear_leftovers(&out);
    let cache_files = CacheFiles::of(&options.root, &out);
    cache_files.clear_leftovers();
    let committed = Mark::read(&out).generation();
    let setup = build_cache::setup(options, driver.config(), &driver.template_files);
    let clock = crate::render::sitemap::build_time();
    let scanned = match unchanged(&driver, &cache_files, setup, committed, clock.timestamp()) {
        Unchanged::Yes(report) => return Ok(*report),
        Unchanged::No(scanned) => scanned,
    };
    // Reading the last build's cache and listing its output take a thread
    // each: done while the content loads, they cost little time of their own.
    let started = Instant::now();
    let ((cache, previous), (known, content)) = rayon::join(
        || {
            rayon::join(
                || BuildCache::read(&cache_files, setup, committed),
                // The output as the look for nothing to do found it.
                || scanned.unwrap_or_else(|| InPlace::scan(&out)),
            )
        },
        || {
            let known = FrontMatterCache::read(&cache_files.front_matter);
            let content = driver.load(&Changes::everything(), Some(&known));
            (known, content)
        },
    );
    let (content, _) = content?;
    let sources = content.sources;
    let front_matter = Writing::front_matter(known.next(&content.briefings), &cache_files);
    let cache_read = cache.digest();
    driver.timings.load = started.elapsed();
    driver.memory.bodies = cache.bodies;
    driver.memory.related = cache.related;
    driver.memory.prints = cache.prints;
    let (site, layout, errors) = driver.link_content(content);
    errors.into_result(())?;
    driver.hold(site, layout);

    let have = |path: &str| previous.as_ref().is_some_and(|p| p.has(path));
    let Some(plan) = driver.plan(&mut |path| have(path)) else {
        return Err(Errors::default().into());
    };
    let (written, generation) = match previous.filter(|_| plan.stale() <= in_place_limit()) {
        Some(in_place) => {
            let mut sink = Gather {
                in_place,
                files: Vec::new(),
            };
            driver.render(plan, &mut sink, progress)?;
            let started = Instant::now();
            let generation = build_cache::generation(setup, &driver.memory.prints);
            let written = sink.in_place.apply(sink.files, generation)?;
            driver.timings.write += started.elapsed();
            (written, generation)
        }
        None => {
            let mut staging = Staging::begin(&out)?;
            driver.render(plan, &mut staging, progress)?;
            let started = Instant::now();
            let generation = build_cache::generation(setup, &driver.memory.prints);
            let written = staging.commit(generation)?;
            driver.timings.write += started.elapsed();
            (written, generation)
        }
    };
    for legacy in output::legacy_cache(&out) {
        let _ = std::fs::remove_file(legacy);
    }
    output::crash_point("before-cache");
    let inputs = sources.map(|s| last_build::inputs(setup, s, &driver.statics));
    let cache = Cache {
        files: cache_files,
        setup,
        read: cache_read,
        generation,
        front_matter,
        inputs: inputs.map(|i| (i, clock)),
    };
    Ok(finish(driver, written, cache))
}

/// The last build's report, when its output is still there and this build
/// would make it again: the same inputs, and a clock that changes nothing.
fn unchanged(
    driver: &Driver,
    files: &CacheFiles,
    setup: u64,
    committed: Option<u64>,
    clock: i64,
) -> Unchanged {
    let started = Instant::now();
    let (Some(last), Some(_)) = (LastBuild::read(&files.last_build), committed) else {
        return Unchanged::No(None);
    };
    let (sources, scan) = rayon::join(
        || crate::content::sources(driver.config()),
        || InPlace::scan(&output::absolute(&driver.options.output_dir())),
    );
    let now = sources.map(|sources| last_build::Now {
        inputs: last_build::inputs(setup, sources, &driver.statics),
        generation: committed,
        listing: scan.as_ref().and_then(InPlace::listing),
        clock,
    });
    match now.and_then(|now| last.same(&now)) {
        Some(mut report) => {
            report.timings.load = started.elapsed();
            Unchanged::Yes(Box::new(report))
        }
        // The build goes on with the listing of the output made here.
        None => Unchanged::No(Some(scan)),
    }
}

/// Whether a build has nothing to do: the last build's report, or the
/// output as listed while finding out, if it was.
enum Unchanged {
    Yes(Box<Report>),
    No(Option<Option<InPlace>>),
}

/// A file being written on a thread of its own, waited for when dropped:
/// a process that exits, on success or error, does not wait for its threads.
struct Writing(Option<std::thread::JoinHandle<()>>);

impl Writing {
    /// The parsed front-matter written beside the rest of the build, when it
    /// `changed`, and let go before the render: it is a cache of the files'
    /// text alone, true whatever this build comes to, and held to the end it
    /// was part of the peak.
    fn front_matter((cache, changed): (FrontMatterCache, bool), files: &CacheFiles) -> Writing {
        Writing(changed.then(|| {
            let files = files.clone();
            std::thread::spawn(move || {
                if files.create().is_ok() {
                    cache.write(&files.front_matter);
                }
            })
        }))
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        if let Some(writing) = self.0.take() {
            let _ = writing.join();
        }
    }
}

/// What `finish` leaves for the next build.
struct Cache {
    files: CacheFiles,
    setup: u64,
    /// Digest of the cache as this build read it.
    read: u64,
    generation: u64,
    /// The front-matter cache being written.
    front_matter: Writing,
    /// What the site was made from, and the clock it saw (`LastBuild`).
    inputs: Option<(u64, chrono::DateTime<chrono::Utc>)>,
}

/// Leave the cache for the next build and say what this one did. The site
/// is committed by now: a cache that cannot be written is a warning.
fn finish(mut driver: Driver, written: WriteReport, next: Cache) -> Report {
    // Done first: it creates the cache folder too, as the cache's own
    // write does.
    drop(next.front_matter);
    let mut warnings = Vec::new();
    let Some(mut site) = driver.site.take() else {
        return Report::default();
    };
    let mut cache = BuildCache::new(
        next.setup,
        std::mem::take(&mut site.bodies),
        std::mem::take(&mut site.related),
        std::mem::take(&mut driver.memory.prints),
    );
    cache.committed(next.generation);
    if cache.digest() != next.read {
        if let Err(e) = cache.write(&next.files) {
            warnings.push(Error::at(
                &next.files.index,
                format!("the build cache could not be written ({e}): the site is complete, but the next build may render every page again"),
            ));
        }
    }
    let feeds = FeedOwner::all(&site)
        .iter()
        .map(|o| o.files(driver.config(), &site).len())
        .sum();
    warnings.splice(0..0, driver.warnings_of(&site));
    let report = Report {
        briefings: site.briefings.len(),
        topics: site.topics.len(),
        people: site.people.len(),
        pages: site.pages.len(),
        feeds,
        files: written.files,
        changed: written.changed,
        warnings,
        unchanged: false,
        timings: driver.timings.clone(),
    };
    if let Some((inputs, clock)) = next.inputs {
        let changes = crate::render::sitemap::news_sitemap_changes(&site, clock);
        let clock = (clock.timestamp(), changes.map(|t| t.timestamp()));
        let listing = written.listing.digest();
        let last = LastBuild::new(inputs, next.generation, listing, clock, &report);
        // Without it the next build does the work again; nothing is wrong.
        let _ = last.write(&next.files.last_build);
    }
    // Freeing a large site takes a tenth of a no-change build: it happens
    // beside the caller, and a command that exits does not wait for it.
    std::thread::spawn(move || drop((site, cache, driver)));
    report
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

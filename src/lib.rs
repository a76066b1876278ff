//! `briefing`: a static-site generator for curated news briefings.
//!
//! The pipeline runs one way: config → load → link → render → write.
//! Each stage is a module with a plain function at its door.

mod atomic_file;
pub(crate) mod build_cache;
pub mod check;
pub mod config;
mod confine;
pub mod content;
pub(crate) mod digest;
mod driver;
pub mod error;
pub(crate) mod graph;
mod last_build;
pub mod markdown;
pub(crate) mod output;
mod path_filter;
mod publish;
pub(crate) mod render;
pub mod scaffold;
pub mod serve;
pub mod slug;
pub mod terminal;
pub(crate) mod theme;
mod yaml;

use std::path::PathBuf;
use std::time::Duration;

pub use config::Config;
pub use error::{Error, Errors};
pub use output::Output;
pub use publish::{Failure, OutputLeft};

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
    /// Nothing to do: the sources were the ones the last build, whose
    /// output is still there, was made from.
    pub unchanged: bool,
    pub timings: Timings,
}

/// Read the config and apply the command line's overrides.
pub fn configure(options: &BuildOptions) -> Result<Config, Error> {
    let mut config = Config::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config::check_base_url(url.trim())
            .map_err(|m| Error::new(format!("--base-url {url}: {m}")))?;
        config.set_base_url(url);
    }
    Ok(config)
}

/// `briefing build`: the whole pipeline, ending in an update of the output
/// that a kill at any instant cannot leave half trusted (see `output`).
pub fn build(options: &BuildOptions) -> Result<Report, Errors> {
    publish::build(options, false, &mut |_, _| {}).map_err(|f| f.errors)
}

/// `build`, calling `progress(pages done, pages in all)` after each batch;
/// with `force`, into a folder briefing did not write. A failure says what
/// it left in the output.
pub fn build_with(
    options: &BuildOptions,
    force: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Report, Failure> {
    publish::build(options, force, progress)
}

/// The templates a theme must have: one for each kind of page.
pub fn page_templates() -> impl Iterator<Item = &'static str> {
    render::kinds::templates()
}

/// Every file of the built site, in memory, as a fresh build would write it.
pub fn render_site(options: &BuildOptions) -> Result<Vec<Output>, Errors> {
    let mut driver = driver::Driver::open(options)?;
    driver.link(&driver::Changes::everything(), None)?;
    let mut files = Vec::new();
    driver.render_all(&mut files)?;
    Ok(files)
}

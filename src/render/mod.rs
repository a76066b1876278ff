//! The render stage: every page of the site through the theme's templates,
//! in parallel. Produces files in memory; `output` writes them.

pub(crate) mod addresses;
pub mod context;
pub(crate) mod email;
pub mod feeds;
mod fields;
pub mod kinds;
pub mod reuse;
pub mod search;
pub mod sitemap;
pub mod structured_data;
pub mod templates;
mod values;
pub mod when;

use rayon::prelude::*;
use tera::Context;

use crate::config::Config;
use crate::digest::Digest;
use crate::error::{Error, Errors};
use crate::graph::Site;
use crate::output::Output;
use context::{BriefingDigests, Shared};
pub use feeds::FeedOwner;
pub use kinds::{Kind, PageJob};
pub use templates::Templates;

pub struct Renderer<'a> {
    config: &'a Config,
    site: &'a Site,
    templates: &'a Templates,
    shared: Shared<'a>,
}

impl<'a> Renderer<'a> {
    /// `templates` are loaded once (`Templates::load`) and may serve many
    /// renders of a changing site, as the preview does.
    pub fn new(config: &'a Config, site: &'a Site, templates: &'a Templates) -> Renderer<'a> {
        Self::with(templates, Shared::new(config, site))
    }

    /// A renderer whose briefing digests are `previous` but for `changed`:
    /// see `Shared::updated`.
    pub fn updated(
        config: &'a Config,
        site: &'a Site,
        templates: &'a Templates,
        previous: BriefingDigests,
        changed: &[usize],
    ) -> Renderer<'a> {
        Self::with(templates, Shared::updated(config, site, previous, changed))
    }

    fn with(templates: &'a Templates, shared: Shared<'a>) -> Renderer<'a> {
        Renderer {
            config: shared.config,
            site: shared.site,
            templates,
            shared,
        }
    }

    pub fn into_digests(self) -> BriefingDigests {
        self.shared.into_digests()
    }

    /// A digest of everything page `job`'s template sees.
    /// A digest of everything page `job`'s template sees, and the
    /// briefings it shows.
    pub fn page_digest(&self, job: PageJob) -> (u64, Vec<u32>) {
        let mut digest = Digest::default();
        digest.add(self.shared.site_digest());
        let fields = job.fields(&self.shared);
        fields.digest(&self.shared, &mut digest);
        (digest.finish(), fields.briefings())
    }

    /// The feeds of `owners`, in parallel.
    pub fn render_feeds(&self, owners: &[FeedOwner]) -> Result<Vec<Output>, Error> {
        let feeds: Vec<Result<Vec<Output>, Error>> = owners
            .par_iter()
            .map(|&owner| feeds::render(self.config, self.site, owner))
            .collect();
        let mut outputs = Vec::new();
        for feed in feeds {
            outputs.extend(feed?);
        }
        Ok(outputs)
    }

    pub fn render_jobs(&self, jobs: &[PageJob]) -> Result<Vec<Output>, Errors> {
        let results: Vec<Result<Output, Error>> =
            jobs.par_iter().map(|&job| self.render(job)).collect();
        let mut outputs = Vec::with_capacity(results.len());
        let mut errors = Errors::default();
        for result in results {
            match result {
                Ok(output) => outputs.push(output),
                // One broken template fails every page alike: say it once.
                Err(e)
                    if errors
                        .0
                        .iter()
                        .any(|seen| seen.path == e.path && seen.line == e.line) => {}
                Err(e) => errors.push(e),
            }
        }
        errors.into_result(outputs)
    }

    pub fn render(&self, job: PageJob) -> Result<Output, Error> {
        let mut context = Context::new();
        context.insert_value("site", self.shared.site_value());
        job.fields(&self.shared)
            .insert_into(&self.shared, &mut context);
        let file = job.file(self.site);
        let mut html = self
            .templates
            .tera
            .render(job.template(), &context)
            .map_err(|e| {
                self.templates
                    .error(&e, Some(&format!("/{}", job.url_path(self.site))))
            })?;
        if let Some(finish) = job.finish() {
            let config = self.config;
            let page = config.permalink(&job.url_path(self.site));
            let place = email::Place {
                origin: config.origin(),
                page: &page,
            };
            html = finish(&place, html).map_err(|e| {
                Error::new(format!(
                    "{e} (while rendering /{})",
                    job.url_path(self.site)
                ))
            })?;
        }
        Ok(Output {
            path: file,
            bytes: html.into_bytes(),
        })
    }
}

//! The render stage: every page of the site through the theme's templates,
//! in parallel. Produces files in memory; `output` writes them.

pub(crate) mod addresses;
pub mod context;
pub(crate) mod email;
pub mod feeds;
mod fields;
pub mod kinds;
pub mod layout;
pub mod reuse;
pub mod search;
pub mod sitemap;
pub mod structured_data;
pub mod templates;
mod time_limit;
mod values;
pub mod when;

use std::sync::Arc;

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
    pub(crate) config: &'a Config,
    pub(crate) site: &'a Site,
    templates: &'a Templates,
    shared: Shared<'a>,
}

impl<'a> Renderer<'a> {
    /// `templates` are loaded once (`Templates::load`) and may serve many
    /// renders of a changing site, as the preview does. Briefing digests
    /// are taken from `earlier` where they can be (`Shared::reusing`);
    /// the default takes them all afresh.
    pub fn reusing(
        config: &'a Config,
        site: &'a Site,
        templates: &'a Templates,
        earlier: BriefingDigests,
    ) -> Renderer<'a> {
        Self::with(templates, Shared::reusing(config, site, earlier))
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

    /// The template values made of each briefing, to be freed by the caller.
    pub fn take_cards(&mut self) -> Vec<std::sync::OnceLock<tera::Value>> {
        self.shared.take_cards()
    }

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

    /// Render `jobs`: their contexts in parallel, then their templates on
    /// the pool that bounds each page's time (`time_limit`).
    pub fn render_jobs(&self, jobs: &[PageJob]) -> Result<Vec<Output>, Errors> {
        let tasks: Vec<_> = jobs
            .par_iter()
            .map(|&job| {
                let context = self.context(job);
                let tera = Arc::clone(&self.templates.tera);
                move || tera.render(job.template(), &context)
            })
            .collect();
        let rendered = self
            .templates
            .time_limit
            .run(tasks)
            .map_err(|stop| self.stopped(stop, jobs))?;
        let results: Vec<Result<Output, Error>> = jobs
            .par_iter()
            .zip(rendered.into_par_iter())
            .map(|(&job, html)| self.finish(job, html))
            .collect();
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

    fn context(&self, job: PageJob) -> Context {
        let mut context = Context::new();
        context.insert_value("site", self.shared.site_value());
        job.fields(&self.shared)
            .insert_into(&self.shared, &mut context);
        context
    }

    /// A run of templates that stopped: the page past the time limit, and
    /// its template.
    fn stopped(&self, stop: time_limit::Stop, jobs: &[PageJob]) -> Error {
        let (index, limit) = match stop {
            time_limit::Stop::Overdue { index, limit } => (index, limit),
            time_limit::Stop::NoThreads(e) => {
                return Error::new(format!("cannot start the threads that render pages: {e}"))
            }
        };
        let job = jobs[index];
        let source = job
            .origin(self.site)
            .map(|o| format!(" ({})", o.path.display()))
            .unwrap_or_default();
        self.templates.error_at_template(
            job.template(),
            format!(
                "rendering /{}{source} took longer than {} (limits: {{render_timeout: …}} in briefing.yaml): look for a loop or a component that does not end, in this template or one it extends, includes or calls",
                job.url_path(self.site),
                time_limit::describe(limit),
            ),
        )
    }

    /// A page's rendered template, finished (an e-mail's CSS inlined).
    fn finish(&self, job: PageJob, rendered: Result<String, tera::Error>) -> Result<Output, Error> {
        let file = job.file(self.site);
        let mut html = rendered.map_err(|e| {
            let page = format!("/{}", job.url_path(self.site));
            self.templates.render_error(&e, job.template(), &page)
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

//! The render stage: every page of the site through the theme's templates,
//! in parallel. Produces files in memory; `output` writes them.

pub mod context;
pub mod feeds;
pub mod fingerprint;
pub mod search;
pub mod sitemap;
pub mod structured_data;
pub mod templates;

use rayon::prelude::*;
use tera::{Context, Value};

use crate::config::Config;
use crate::error::{Error, Errors};
use crate::graph::Site;
use crate::theme::Theme;
use context::{BriefingPage, NavLink, Shared, SubjectPage};
pub use feeds::FeedOwner;
pub use templates::Templates;

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Relative to the output folder, with `/`: `briefings/x/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Every page the site has, each rendered by one template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageJob {
    Home,
    Briefing(usize),
    Topics,
    Topic(usize),
    People,
    Person(usize),
    Archive,
    Month(usize),
    Story(usize),
    Page(usize),
    Search,
    NotFound,
}

impl PageJob {
    pub fn all(site: &Site) -> Vec<PageJob> {
        let mut jobs = vec![
            PageJob::Home,
            PageJob::Topics,
            PageJob::People,
            PageJob::Archive,
            PageJob::Search,
            PageJob::NotFound,
        ];
        jobs.extend((0..site.briefings.len()).map(PageJob::Briefing));
        jobs.extend((0..site.topics.len()).map(PageJob::Topic));
        jobs.extend((0..site.people.len()).map(PageJob::Person));
        jobs.extend((0..site.months.len()).map(PageJob::Month));
        jobs.extend((0..site.stories.len()).map(PageJob::Story));
        jobs.extend((0..site.pages.len()).map(PageJob::Page));
        jobs
    }

    /// Site-relative URL path of the page (`""` for home).
    fn url_path(self, site: &Site) -> String {
        match self {
            PageJob::Home => String::new(),
            PageJob::Briefing(i) => site.briefings[i].url_path.clone(),
            PageJob::Topics => "topics/".into(),
            PageJob::Topic(i) => site.topics[i].path.clone(),
            PageJob::People => "people/".into(),
            PageJob::Person(i) => site.people[i].path.clone(),
            PageJob::Archive => "archive/".into(),
            PageJob::Month(i) => site.months[i].url_path.clone(),
            PageJob::Story(i) => site.stories[i].url_path.clone(),
            PageJob::Page(i) => site.pages[i].url_path.clone(),
            PageJob::Search => "search/".into(),
            PageJob::NotFound => "404.html".into(),
        }
    }

    /// Where the page is written: pretty URLs, `<path>/index.html`.
    pub fn file(self, site: &Site) -> String {
        match self {
            PageJob::NotFound => "404.html".into(),
            job => format!("{}index.html", job.url_path(site)),
        }
    }
}

pub struct Renderer<'a> {
    config: &'a Config,
    site: &'a Site,
    templates: &'a Templates,
    shared: Shared<'a>,
    /// `site` in every template, built once.
    site_value: Value,
}

impl<'a> Renderer<'a> {
    /// `templates` are loaded once (`Templates::load`) and may serve many
    /// renders of a changing site, as the preview does.
    pub fn new(config: &'a Config, site: &'a Site, templates: &'a Templates) -> Renderer<'a> {
        Renderer {
            config,
            site,
            templates,
            shared: Shared::new(config, site),
            site_value: Value::from_serializable(&context::site_values(config, site)),
        }
    }

    pub fn load_templates(theme: &Theme) -> Result<Templates, Error> {
        Templates::load(&theme.templates()?)
    }

    /// Render every page and feed, in parallel; all template errors are reported.
    pub fn render_all(&self) -> Result<Vec<Output>, Errors> {
        let jobs = PageJob::all(self.site);
        let mut outputs = self.render_jobs(&jobs)?;
        outputs.extend(self.render_feeds(&FeedOwner::all(self.site))?);
        outputs.extend(self.render_indexes(&jobs)?);
        Ok(outputs)
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

    /// The files that list the whole site for crawlers: sitemaps, robots.txt.
    pub fn render_indexes(&self, jobs: &[PageJob]) -> Result<Vec<Output>, Error> {
        Ok(vec![
            sitemap::sitemap(self.config, self.site, jobs)?,
            sitemap::news_sitemap(self.config, self.site, sitemap::build_time())?,
            sitemap::robots(self.config),
            search::index(self.config, self.site)?,
        ])
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
        let (template, context) = self.context(job);
        let file = job.file(self.site);
        let html = self
            .templates
            .tera
            .render(template, &context)
            .map_err(|e| {
                self.templates
                    .error(&e, Some(&format!("/{}", job.url_path(self.site))))
            })?;
        Ok(Output {
            path: file,
            bytes: html.into_bytes(),
        })
    }

    fn context(&self, job: PageJob) -> (&'static str, Context) {
        let (config, site, shared) = (self.config, self.site, &self.shared);
        let mut ctx = Context::new();
        ctx.insert_value("site", self.site_value.clone());
        let url_path = job.url_path(site);
        ctx.insert("url", &config.url(&url_path));
        ctx.insert("permalink", &config.permalink(&url_path));
        let template = match job {
            PageJob::Home => {
                let latest: Vec<usize> =
                    (0..site.briefings.len().min(config.home_briefings)).collect();
                ctx.insert_value("briefings", shared.cards(&latest).into());
                ctx.insert("title", &config.title);
                "index.html"
            }
            PageJob::Briefing(i) => {
                let b = &site.briefings[i];
                ctx.insert("page", &BriefingPage::new(config, site, shared, b));
                ctx.insert_value(
                    "json_ld",
                    Value::safe_string(&structured_data::news_article(config, site, b)),
                );
                ctx.insert_value("content", Value::safe_string(&b.html));
                ctx.insert("title", &b.title);
                let one = |i: Option<usize>| i.map(|i| shared.card(i)).unwrap_or_else(Value::none);
                ctx.insert_value("previous", one(b.previous));
                ctx.insert_value("next", one(b.next));
                ctx.insert_value("related", shared.cards(&b.related).into());
                ctx.insert_value("backlinks", shared.cards(&b.backlinks).into());
                if let Some(s) = b.story {
                    let story = &site.stories[s];
                    ctx.insert_value("story_briefings", shared.cards(&story.briefings).into());
                    // The timeline is oldest first: earlier is before this one.
                    let at = story.briefings.iter().position(|&x| x == i);
                    let earlier = at
                        .and_then(|p| p.checked_sub(1))
                        .map(|p| story.briefings[p]);
                    let later = at.and_then(|p| story.briefings.get(p + 1).copied());
                    ctx.insert_value("story_earlier", one(earlier));
                    ctx.insert_value("story_later", one(later));
                }
                "briefing.html"
            }
            PageJob::Topics | PageJob::People => {
                let (list, title) = if job == PageJob::Topics {
                    (&site.topics, "Topics")
                } else {
                    (&site.people, "People")
                };
                ctx.insert("subjects", &context::index_entries(config, list));
                ctx.insert("title", title);
                if job == PageJob::Topics {
                    "topics.html"
                } else {
                    "people.html"
                }
            }
            PageJob::Topic(i) | PageJob::Person(i) => {
                let (subject, template, owner) = match job {
                    PageJob::Topic(_) => (&site.topics[i], "topic.html", FeedOwner::Topic(i)),
                    _ => (&site.people[i], "person.html", FeedOwner::Person(i)),
                };
                ctx.insert("page_feeds", &feeds::feed_links(config, site, owner));
                ctx.insert("page", &SubjectPage::new(config, subject));
                ctx.insert_value("content", Value::safe_string(&subject.html));
                ctx.insert_value("briefings", shared.cards(&subject.briefings).into());
                ctx.insert_value("mentioned_in", shared.cards(&subject.mentioned_in).into());
                ctx.insert("title", &subject.name);
                template
            }
            PageJob::Archive => {
                let months: Vec<MonthLink> = site
                    .months
                    .iter()
                    .map(|m| MonthLink::new(config, m))
                    .collect();
                ctx.insert("months", &months);
                ctx.insert("title", "Archive");
                "archive.html"
            }
            PageJob::Month(i) => {
                let month = &site.months[i];
                let link = MonthLink::new(config, month);
                ctx.insert("title", &link.label);
                ctx.insert("month", &link);
                ctx.insert_value("briefings", shared.cards(&month.briefings).into());
                "month.html"
            }
            PageJob::Story(i) => {
                let story = &site.stories[i];
                ctx.insert("title", &story.name);
                ctx.insert(
                    "story",
                    &NavLink {
                        title: story.name.clone(),
                        url: config.url(&story.url_path),
                    },
                );
                ctx.insert_value("briefings", shared.cards(&story.briefings).into());
                "story.html"
            }
            PageJob::Page(i) => {
                let page = &site.pages[i];
                ctx.insert("title", &page.title);
                ctx.insert(
                    "page",
                    &NavLink {
                        title: page.title.clone(),
                        url: config.url(&page.url_path),
                    },
                );
                ctx.insert("extra", &page.extra);
                ctx.insert_value("content", Value::safe_string(&page.html));
                "page.html"
            }
            PageJob::Search => {
                ctx.insert("title", "Search");
                ctx.insert("search_index", &config.url(search::INDEX_FILE));
                "search.html"
            }
            PageJob::NotFound => {
                ctx.insert("title", "Page not found");
                "404.html"
            }
        };
        (template, ctx)
    }
}

#[derive(serde::Serialize)]
struct MonthLink {
    label: String,
    url: String,
    count: usize,
    year: i32,
}

impl MonthLink {
    fn new(config: &Config, m: &crate::graph::Month) -> Self {
        let label = chrono::NaiveDate::from_ymd_opt(m.year, m.month, 1)
            .map(|d| d.format("%B %Y").to_string())
            .unwrap_or_else(|| format!("{}-{:02}", m.year, m.month));
        MonthLink {
            label,
            url: config.url(&m.url_path),
            count: m.briefings.len(),
            year: m.year,
        }
    }
}

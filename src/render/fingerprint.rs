//! A digest of everything each page's template context holds, computed
//! from the linked site without rendering. The preview, and a build with
//! the previous build's digests at hand, re-render a page only when its
//! digest changed. Digests follow `render::context` field for
//! field; a field left out here is a page the preview would leave stale,
//! which the randomized incremental-equals-full test exists to catch.

use std::collections::HashMap;
use std::hash::Hash;

use rayon::prelude::*;

use crate::config::Config;
use crate::error::Error;
use crate::graph::{hash_of, Briefing, Site, Subject};
use crate::render::context::site_values;
use crate::render::{search, sitemap, FeedOwner, Output, PageJob};

pub struct Fingerprints<'a> {
    config: &'a Config,
    site: &'a Site,
    /// What every page shows of the site as a whole.
    global: u64,
    /// A briefing as a card in a list.
    cards: Vec<u64>,
    /// A briefing as its own page and feed item.
    full: Vec<u64>,
}

fn link(s: &Subject) -> (&str, &str) {
    (&s.name, &s.path)
}

/// Every briefing's card and full digests, which the preview keeps so that
/// after a body edit only the edited briefings' are computed again.
#[derive(Debug, Clone, Default)]
pub struct BriefingDigests {
    cards: Vec<u64>,
    full: Vec<u64>,
}

impl<'a> Fingerprints<'a> {
    pub fn new(config: &'a Config, site: &'a Site) -> Self {
        let cards: Vec<u64> = site.briefings.par_iter().map(|b| card(site, b)).collect();
        let full = site
            .briefings
            .par_iter()
            .zip(&cards)
            .map(|(b, &card)| full(site, b, card))
            .collect();
        Self::with(config, site, BriefingDigests { cards, full })
    }

    /// Digests taken from `previous` but for the briefings in `changed`,
    /// when nothing else can have changed any briefing's own digests.
    pub fn updated(
        config: &'a Config,
        site: &'a Site,
        mut previous: BriefingDigests,
        changed: &[usize],
    ) -> Self {
        if previous.cards.len() != site.briefings.len() {
            return Self::new(config, site);
        }
        for &i in changed {
            let b = &site.briefings[i];
            previous.cards[i] = card(site, b);
            previous.full[i] = full(site, b, previous.cards[i]);
        }
        Self::with(config, site, previous)
    }

    fn with(config: &'a Config, site: &'a Site, digests: BriefingDigests) -> Self {
        let global = hash_of((
            serde_json::to_string(&site_values(config, site)).unwrap_or_default(),
            &config.feeds.items,
            config.feeds.full_content,
            &config.home_briefings,
        ));
        Fingerprints {
            config,
            site,
            global,
            cards: digests.cards,
            full: digests.full,
        }
    }

    pub fn into_briefing_digests(self) -> BriefingDigests {
        BriefingDigests {
            cards: self.cards,
            full: self.full,
        }
    }

    /// The files that list the whole site and change only when what they
    /// list does: the sitemap and the search index, with their digests.
    pub fn indexes(&self) -> [(&'static str, u64); 2] {
        [
            ("sitemap.xml", self.sitemap()),
            (super::search::INDEX_FILE, hash_of(&self.cards)),
        ]
    }

    /// What the sitemap shows: every page's address and when it changed,
    /// which follows from each briefing's address and dates and from what
    /// each list holds.
    pub fn sitemap(&self) -> u64 {
        let site = self.site;
        let briefings: Vec<(&str, i64, Option<i64>)> = site
            .briefings
            .iter()
            .map(|b| {
                (
                    b.url_path.as_str(),
                    b.date.instant.timestamp(),
                    b.updated.map(|u| u.instant.timestamp()),
                )
            })
            .collect();
        let subjects: Vec<(&str, &[usize])> = site
            .topics
            .iter()
            .chain(&site.people)
            .map(|s| (s.path.as_str(), s.briefings.as_slice()))
            .collect();
        let months: Vec<(&str, &[usize])> = site
            .months
            .iter()
            .map(|m| (m.url_path.as_str(), m.briefings.as_slice()))
            .collect();
        let stories: Vec<(&str, &[usize])> = site
            .stories
            .iter()
            .map(|s| (s.url_path.as_str(), s.briefings.as_slice()))
            .collect();
        let pages: Vec<&str> = site.pages.iter().map(|p| p.url_path.as_str()).collect();
        self.with_global((briefings, subjects, months, stories, pages))
    }

    fn cards(&self, list: &[usize]) -> Vec<u64> {
        list.iter().map(|&i| self.cards[i]).collect()
    }

    fn with_global(&self, what: impl Hash) -> u64 {
        hash_of((self.global, what))
    }

    pub fn page(&self, job: PageJob) -> u64 {
        let site = self.site;
        match job {
            PageJob::Home => {
                let latest: Vec<usize> =
                    (0..site.briefings.len().min(self.config.home_briefings)).collect();
                self.with_global(("home", self.cards(&latest)))
            }
            PageJob::Briefing(i) => {
                let b = &site.briefings[i];
                let card = |i: Option<usize>| i.map(|i| self.cards[i]);
                let story = b.story.map(|s| {
                    let list = &site.stories[s].briefings;
                    (self.cards(list), list.iter().position(|&x| x == i))
                });
                self.with_global((
                    "briefing",
                    self.full[i],
                    card(b.previous),
                    card(b.next),
                    self.cards(&b.related),
                    self.cards(&b.backlinks),
                    story,
                ))
            }
            PageJob::Topics => self.with_global(("topics", index(&site.topics))),
            PageJob::People => self.with_global(("people", index(&site.people))),
            PageJob::Topic(i) => self.with_global(("topic", self.subject(&site.topics[i]))),
            PageJob::Person(i) => self.with_global(("person", self.subject(&site.people[i]))),
            PageJob::Archive => {
                let months: Vec<(i32, u32, usize)> = site
                    .months
                    .iter()
                    .map(|m| (m.year, m.month, m.briefings.len()))
                    .collect();
                self.with_global(("archive", months))
            }
            PageJob::Month(i) => {
                let m = &site.months[i];
                self.with_global(("month", m.year, m.month, self.cards(&m.briefings)))
            }
            PageJob::Story(i) => {
                let s = &site.stories[i];
                self.with_global(("story", &s.name, &s.url_path, self.cards(&s.briefings)))
            }
            PageJob::Page(i) => {
                let p = &site.pages[i];
                self.with_global(("page", &p.title, &p.url_path, &p.extra, p.html_hash))
            }
            PageJob::Search => self.with_global("search"),
            PageJob::NotFound => self.with_global("404"),
        }
    }

    fn subject(&self, s: &Subject) -> u64 {
        hash_of((
            link(s),
            &s.description,
            &s.aliases,
            &s.portrait,
            s.has_profile,
            &s.extra,
            s.html_hash,
            self.cards(&s.briefings),
            self.cards(&s.mentioned_in),
        ))
    }

    pub fn feed(&self, owner: FeedOwner) -> u64 {
        let site = self.site;
        let limit = self.config.feeds.items;
        let (what, items): (_, Vec<u64>) = match owner {
            FeedOwner::Site => (
                "site".to_string(),
                self.full.iter().take(limit).copied().collect(),
            ),
            FeedOwner::Topic(i) => (
                format!("topic {}", site.topics[i].path),
                self.feed_items(&site.topics[i], limit),
            ),
            FeedOwner::Person(i) => (
                format!("person {}", site.people[i].path),
                self.feed_items(&site.people[i], limit),
            ),
        };
        let name = match owner {
            FeedOwner::Site => None,
            FeedOwner::Topic(i) => Some(&site.topics[i].name),
            FeedOwner::Person(i) => Some(&site.people[i].name),
        };
        self.with_global(("feed", what, name, items))
    }

    fn feed_items(&self, s: &Subject, limit: usize) -> Vec<u64> {
        s.briefings
            .iter()
            .take(limit)
            .map(|&i| self.full[i])
            .collect()
    }
}

fn full(site: &Site, b: &Briefing, card: u64) -> u64 {
    let sources: Vec<(&str, Option<&str>)> = b
        .sources
        .iter()
        .map(|s| (s.title.as_str(), s.url.as_deref()))
        .collect();
    let story = b
        .story
        .map(|s| (&site.stories[s].name, &site.stories[s].url_path));
    hash_of((
        card,
        b.updated
            .map(|u| (u.instant, u.instant.offset().local_minus_utc(), u.date_only)),
        b.word_count,
        sources,
        story,
        &b.extra,
        b.draft,
        b.html_hash,
    ))
}

fn card(site: &Site, b: &Briefing) -> u64 {
    let topics: Vec<(&str, &str)> = b.topics.iter().map(|&t| link(&site.topics[t])).collect();
    let people: Vec<(&str, &str)> = b.people.iter().map(|&p| link(&site.people[p])).collect();
    hash_of((
        &b.title,
        &b.url_path,
        b.date.instant,
        b.date.instant.offset().local_minus_utc(),
        b.date.date_only,
        &b.summary,
        b.reading_time,
        topics,
        people,
    ))
}

fn index(subjects: &[Subject]) -> Vec<(&str, &str, &Option<String>, usize)> {
    subjects
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.path.as_str(),
                &s.description,
                s.briefings.len(),
            )
        })
        .collect()
}

/// What must be rendered again, given the digests the last build or
/// preview left: a page, feed or index whose digest is unchanged is kept,
/// if `keep(path)` can take the earlier file (a hard link in a build, the
/// bytes in memory in the preview). The new digests collect in `prints`.
pub struct Reuse<'a> {
    digests: &'a Fingerprints<'a>,
    previous: &'a HashMap<String, u64>,
    pub prints: HashMap<String, u64>,
    /// The same digests by position, for the preview's next patch.
    pub in_order: InOrder,
}

/// Every page's and feed owner's digest, in `PageJob::all` and
/// `FeedOwner::all` order. A patched site lists the same pages in the same
/// order, so its digests compare position by position, without a path.
#[derive(Debug, Clone, Default)]
pub struct InOrder {
    pub pages: Vec<u64>,
    pub feeds: Vec<u64>,
}

impl<'a> Reuse<'a> {
    pub fn new(digests: &'a Fingerprints<'a>, previous: &'a HashMap<String, u64>) -> Self {
        Reuse {
            digests,
            previous,
            prints: HashMap::with_capacity(previous.len()),
            in_order: InOrder::default(),
        }
    }

    fn kept(&mut self, path: String, print: u64, keep: &mut dyn FnMut(&str) -> bool) -> bool {
        let kept = self.previous.get(&path) == Some(&print) && keep(&path);
        self.prints.insert(path, print);
        kept
    }

    /// The pages of `jobs` to render.
    pub fn pages(&mut self, jobs: &[PageJob], keep: &mut dyn FnMut(&str) -> bool) -> Vec<PageJob> {
        let site = self.digests.site;
        let prints: Vec<(PageJob, String, u64)> = jobs
            .par_iter()
            .map(|&job| (job, job.file(site), self.digests.page(job)))
            .collect();
        self.in_order.pages = prints.iter().map(|&(_, _, print)| print).collect();
        prints
            .into_iter()
            .filter(|(_, path, print)| !self.kept(path.clone(), *print, keep))
            .map(|(job, _, _)| job)
            .collect()
    }

    /// The owners of `owners` whose feeds to render (all their files, or none).
    pub fn feeds(
        &mut self,
        owners: &[FeedOwner],
        keep: &mut dyn FnMut(&str) -> bool,
    ) -> Vec<FeedOwner> {
        let (config, site) = (self.digests.config, self.digests.site);
        let mut stale = Vec::new();
        for &owner in owners {
            let print = self.digests.feed(owner);
            self.in_order.feeds.push(print);
            let mut all = true;
            for path in owner.files(config, site) {
                // Once one file is missing, the others are rendered anyway.
                all = all && self.previous.get(&path) == Some(&print) && keep(&path);
                self.prints.insert(path, print);
            }
            if !all {
                stale.push(owner);
            }
        }
        stale
    }

    /// The files listing the whole site: the sitemap and search index unless
    /// kept, and the news sitemap and robots.txt always (the news sitemap
    /// depends on the clock; it lists two days at most).
    pub fn indexes(
        &mut self,
        jobs: &[PageJob],
        keep: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Vec<Output>, Error> {
        let (config, site) = (self.digests.config, self.digests.site);
        let mut files = Vec::new();
        for (path, print) in self.digests.indexes() {
            if !self.kept(path.to_string(), print, keep) {
                files.push(match path {
                    "sitemap.xml" => sitemap::sitemap(config, site, jobs)?,
                    _ => search::index(config, site)?,
                });
            }
        }
        files.push(sitemap::news_sitemap(config, site, sitemap::build_time())?);
        files.push(sitemap::robots(config));
        Ok(files)
    }
}

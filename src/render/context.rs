//! What templates see. Each briefing's card and each topic's and person's
//! link is turned into a template value once and shared by every page that
//! lists it (Tera values are reference-counted), so a page's context costs
//! what the page shows, not what the site holds.

use std::sync::OnceLock;

use serde::Serialize;
use tera::Value;

use crate::config::Config;
use crate::content::Date;
use crate::graph::{Briefing, Site, Subject};

/// `2 September 2025`
pub fn day(date: &Date) -> String {
    date.instant.format("%-d %B %Y").to_string()
}

/// `2 September 2025, 10:00 UTC+08:00`, or only the day when no time was written.
pub fn day_and_time(date: &Date) -> String {
    if date.date_only {
        return day(date);
    }
    let offset = date.instant.format("%:z").to_string();
    let zone = if offset == "+00:00" {
        "UTC".to_string()
    } else {
        format!("UTC{offset}")
    };
    format!("{}, {} {zone}", day(date), date.instant.format("%H:%M"))
}

/// A topic or person as a chip on a card: only what a link needs, so a
/// briefing joining a topic changes no other briefing's card.
#[derive(Serialize)]
struct SubjectLink<'a> {
    name: &'a str,
    url: String,
}

/// A topic or person in the topic or people index.
#[derive(Serialize)]
pub struct IndexEntry<'a> {
    pub name: &'a str,
    pub url: String,
    pub description: Option<&'a str>,
    pub count: usize,
}

/// Every topic or person, by name, for the index pages.
pub fn index_entries<'a>(config: &Config, subjects: &'a [Subject]) -> Vec<IndexEntry<'a>> {
    let mut entries: Vec<IndexEntry<'a>> = subjects
        .iter()
        .map(|s| IndexEntry {
            name: &s.name,
            url: config.url(&s.path),
            description: s.description.as_deref(),
            count: s.briefings.len(),
        })
        .collect();
    entries.sort_by_cached_key(|e| (e.name.to_lowercase(), e.url.clone()));
    entries
}

#[derive(Serialize)]
struct Card<'a> {
    title: &'a str,
    url: String,
    permalink: String,
    date: String,
    date_iso: String,
    day_iso: String,
    summary: &'a str,
    reading_time: usize,
    topics: Vec<Value>,
    people: Vec<Value>,
}

/// Template values built once per build and shared by every page. Cards
/// are made on first use: a preview that renders three pages makes only
/// the cards those pages show.
pub struct Shared<'a> {
    config: &'a Config,
    site: &'a Site,
    pub topics: Vec<Value>,
    pub people: Vec<Value>,
    cards: Vec<OnceLock<Value>>,
}

impl<'a> Shared<'a> {
    pub fn new(config: &'a Config, site: &'a Site) -> Shared<'a> {
        let link = |s: &Subject| {
            Value::from_serializable(&SubjectLink {
                name: &s.name,
                url: config.url(&s.path),
            })
        };
        let topics: Vec<Value> = site.topics.iter().map(link).collect();
        let people: Vec<Value> = site.people.iter().map(link).collect();
        Shared {
            config,
            site,
            topics,
            people,
            cards: site.briefings.iter().map(|_| OnceLock::new()).collect(),
        }
    }

    /// Briefing `i` as a card.
    pub fn card(&self, i: usize) -> Value {
        self.cards[i]
            .get_or_init(|| {
                card(
                    self.config,
                    &self.site.briefings[i],
                    &self.topics,
                    &self.people,
                )
            })
            .clone()
    }

    pub fn cards(&self, indexes: &[usize]) -> Vec<Value> {
        indexes.iter().map(|&i| self.card(i)).collect()
    }
}

fn card(config: &Config, b: &Briefing, topics: &[Value], people: &[Value]) -> Value {
    Value::from_serializable(&Card {
        title: &b.title,
        url: config.url(&b.url_path),
        permalink: config.permalink(&b.url_path),
        date: day(&b.date),
        date_iso: b.date.instant.to_rfc3339(),
        day_iso: b.date.instant.format("%Y-%m-%d").to_string(),
        summary: &b.summary,
        reading_time: b.reading_time,
        topics: b.topics.iter().map(|&t| topics[t].clone()).collect(),
        people: b.people.iter().map(|&p| people[p].clone()).collect(),
    })
}

#[derive(Serialize)]
pub struct SiteValues<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub language: &'a str,
    pub author: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    /// The home page's URL path.
    pub url: String,
    pub stylesheet: String,
    pub pages: Vec<NavLink>,
    pub extra: &'a std::collections::BTreeMap<String, serde_yaml::Value>,
    pub briefing_count: usize,
    /// The site's own feeds, for every page's `<link rel="alternate">`.
    pub feeds: Vec<super::feeds::FeedLink>,
}

#[derive(Serialize)]
pub struct NavLink {
    pub title: String,
    pub url: String,
}

pub fn site_values<'a>(config: &'a Config, site: &Site) -> SiteValues<'a> {
    SiteValues {
        title: &config.title,
        description: &config.description,
        language: &config.language,
        author: &config.author,
        base_url: &config.base_url,
        base_path: config.base_path(),
        url: config.url(""),
        stylesheet: config.url("css/site.css"),
        pages: site
            .pages
            .iter()
            .map(|p| NavLink {
                title: p.title.clone(),
                url: config.url(&p.url_path),
            })
            .collect(),
        extra: &config.extra,
        briefing_count: site.briefings.len(),
        feeds: super::feeds::feed_links(config, site, super::feeds::FeedOwner::Site),
    }
}

#[derive(Serialize)]
pub struct SourceValue<'a> {
    pub title: &'a str,
    pub url: Option<&'a str>,
}

#[derive(Serialize)]
pub struct BriefingPage<'a> {
    pub title: &'a str,
    pub url: String,
    pub permalink: String,
    pub date: String,
    pub date_time: String,
    pub date_iso: String,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub summary: &'a str,
    pub word_count: usize,
    pub reading_time: usize,
    pub topics: Vec<Value>,
    pub people: Vec<Value>,
    pub sources: Vec<SourceValue<'a>>,
    pub story: Option<NavLink>,
    pub extra: &'a std::collections::BTreeMap<String, serde_yaml::Value>,
    pub draft: bool,
}

impl<'a> BriefingPage<'a> {
    pub fn new(config: &Config, site: &Site, shared: &Shared, b: &'a Briefing) -> Self {
        BriefingPage {
            title: &b.title,
            url: config.url(&b.url_path),
            permalink: config.permalink(&b.url_path),
            date: day(&b.date),
            date_time: day_and_time(&b.date),
            date_iso: b.date.instant.to_rfc3339(),
            updated: b.updated.as_ref().map(day),
            updated_iso: b.updated.as_ref().map(|d| d.instant.to_rfc3339()),
            summary: &b.summary,
            word_count: b.word_count,
            reading_time: b.reading_time,
            topics: b.topics.iter().map(|&t| shared.topics[t].clone()).collect(),
            people: b.people.iter().map(|&p| shared.people[p].clone()).collect(),
            sources: b
                .sources
                .iter()
                .map(|s| SourceValue {
                    title: &s.title,
                    url: s.url.as_deref(),
                })
                .collect(),
            story: b.story.map(|s| NavLink {
                title: site.stories[s].name.clone(),
                url: config.url(&site.stories[s].url_path),
            }),
            extra: &b.extra,
            draft: b.draft,
        }
    }
}

#[derive(Serialize)]
pub struct SubjectPage<'a> {
    pub name: &'a str,
    pub url: String,
    pub permalink: String,
    pub description: Option<&'a str>,
    pub aliases: &'a [String],
    pub portrait: Option<String>,
    pub has_profile: bool,
    pub count: usize,
    pub extra: &'a std::collections::BTreeMap<String, serde_yaml::Value>,
}

impl<'a> SubjectPage<'a> {
    pub fn new(config: &Config, s: &'a Subject) -> Self {
        SubjectPage {
            name: &s.name,
            url: config.url(&s.path),
            permalink: config.permalink(&s.path),
            description: s.description.as_deref(),
            aliases: &s.aliases,
            portrait: s.portrait.as_ref().map(|p| {
                if p.contains("://") {
                    p.clone()
                } else {
                    config.url(p)
                }
            }),
            has_profile: s.has_profile,
            count: s.briefings.len(),
            extra: &s.extra,
        }
    }
}

//! Values the page kinds hand their templates beyond cards and links:
//! months, stories, editions, a list's pager. Each is a plain serializable
//! value, so what a template sees of it is also what its page's digest takes.

use std::borrow::Cow;

use serde::Serialize;

use super::context::typographic;
use crate::config::Config;
use crate::graph::{Edition, Month, Site};

/// An edition as its pages show it.
#[derive(Serialize)]
pub(super) struct EditionValue<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: String,
    pub(super) permalink: String,
    pub(super) date: String,
    pub(super) date_iso: String,
    pub(super) summary: Cow<'a, str>,
    /// The e-mail versions.
    pub(super) email_html: String,
    pub(super) email_text: String,
    /// All editions, and their feed.
    pub(super) index: String,
    pub(super) draft: bool,
}

impl<'a> EditionValue<'a> {
    pub(super) fn new(config: &Config, e: &'a Edition) -> Self {
        EditionValue {
            title: typographic(config, &e.title),
            url: config.url(&e.url_path),
            permalink: config.permalink(&e.url_path),
            date: super::context::day(&e.date),
            date_iso: e.date.instant.to_rfc3339(),
            summary: typographic(config, &e.summary),
            email_html: config.url(&format!("{}email.html", e.url_path)),
            email_text: config.url(&format!("{}email.txt", e.url_path)),
            index: config.permalink("editions/"),
            draft: e.draft,
        }
    }
}

/// A link to an edition.
#[derive(Serialize)]
pub(super) struct EditionLink<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: String,
    pub(super) date: String,
    pub(super) date_iso: String,
}

pub(super) fn edition_link<'a>(config: &Config, e: &'a Edition) -> EditionLink<'a> {
    EditionLink {
        title: typographic(config, &e.title),
        url: config.url(&e.url_path),
        date: super::context::day(&e.date),
        date_iso: super::context::day_iso(&e.date),
    }
}

/// An edition in the list of all editions.
#[derive(Serialize)]
pub(super) struct EditionEntry<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: String,
    pub(super) date: String,
    pub(super) date_iso: String,
    pub(super) summary: Cow<'a, str>,
    pub(super) count: usize,
}

pub(super) fn edition_entries<'a>(config: &Config, site: &'a Site) -> Vec<EditionEntry<'a>> {
    site.editions
        .iter()
        .map(|e| EditionEntry {
            title: typographic(config, &e.title),
            url: config.url(&e.url_path),
            date: super::context::day(&e.date),
            date_iso: super::context::day_iso(&e.date),
            summary: typographic(config, &e.summary),
            count: e.carried().count(),
        })
        .collect()
}

#[derive(Serialize)]
pub(super) struct MonthLink {
    pub(super) label: String,
    pub(super) url: String,
    pub(super) count: usize,
    pub(super) year: i32,
}

impl MonthLink {
    pub(super) fn new(config: &Config, m: &Month) -> Self {
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

/// A running story in the stories index.
#[derive(Serialize)]
pub(super) struct StoryEntry<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: String,
    pub(super) count: usize,
    /// The day of its newest briefing, as shown and as ISO.
    pub(super) latest: String,
    pub(super) latest_iso: String,
}

/// Every running story, the one with the newest briefing first.
pub(super) fn story_entries<'a>(config: &Config, site: &'a Site) -> Vec<StoryEntry<'a>> {
    let mut stories: Vec<(usize, &crate::graph::Story)> = site
        .stories
        .iter()
        // Briefings are newest first, so the smallest index is the newest.
        .filter_map(|s| s.briefings.iter().min().map(|&newest| (newest, s)))
        .collect();
    stories.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.slug.cmp(&b.1.slug)));
    stories
        .into_iter()
        .map(|(newest, s)| {
            let date = &site.briefings[newest].date;
            StoryEntry {
                title: typographic(config, &s.name),
                url: config.url(&s.url_path),
                count: s.briefings.len(),
                latest: super::context::day(date),
                latest_iso: super::context::day_iso(date),
            }
        })
        .collect()
}

/// Where a list page is in its list, for templates: `current` and `total`
/// count from 1; `previous` and `next` are URLs, when there is one.
#[derive(Serialize)]
pub(super) struct Paginator {
    pub(super) current: usize,
    pub(super) total: usize,
    pub(super) first: String,
    pub(super) last: String,
    pub(super) previous: Option<String>,
    pub(super) next: Option<String>,
    /// Briefings in the whole list.
    pub(super) count: usize,
}

//! Values the page kinds hand their templates beyond cards and links:
//! months, stories, editions, a list's pager. Each is a plain serializable
//! value, so what a template sees of it is also what its page's digest takes.

use std::borrow::Cow;

use serde::Serialize;

use super::context::typographic;
use crate::config::Config;
use crate::graph::{Edition, Month, Site, Story};

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
            date: super::when::day(&e.date),
            date_iso: super::when::machine(&e.date),
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
        date: super::when::day(&e.date),
        date_iso: super::when::day_iso(&e.date),
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
            date: super::when::day(&e.date),
            date_iso: super::when::day_iso(&e.date),
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

/// A running story on its own page.
#[derive(Serialize)]
pub(super) struct StoryPage<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: String,
    pub(super) permalink: String,
    /// From its profile: one or two sentences under the title.
    pub(super) summary: Option<Cow<'a, str>>,
    pub(super) aliases: &'a [String],
    pub(super) has_profile: bool,
    pub(super) count: usize,
    pub(super) extra: &'a std::collections::BTreeMap<String, serde_yaml::Value>,
}

impl<'a> StoryPage<'a> {
    pub(super) fn new(config: &Config, s: &'a Story) -> Self {
        StoryPage {
            title: typographic(config, &s.name),
            url: config.url(&s.path),
            permalink: config.permalink(&s.path),
            summary: s.description.as_deref().map(|d| typographic(config, d)),
            aliases: &s.aliases,
            has_profile: s.has_profile,
            count: s.briefings.len(),
            extra: &s.extra,
        }
    }
}

/// A running story in the stories index.
#[derive(Serialize)]
pub(super) struct StoryEntry<'a> {
    pub(super) title: Cow<'a, str>,
    pub(super) url: String,
    pub(super) summary: Option<Cow<'a, str>>,
    pub(super) count: usize,
    /// The day of its newest briefing, as shown and as ISO; none for a
    /// story whose profile is written before its first briefing.
    pub(super) latest: Option<String>,
    pub(super) latest_iso: Option<String>,
}

/// Every running story, the one with the newest briefing first; stories
/// with a profile and no briefing yet last, by title.
pub(super) fn story_entries<'a>(config: &Config, site: &'a Site) -> Vec<StoryEntry<'a>> {
    let mut stories: Vec<(Option<usize>, &Story)> = site
        .stories
        .iter()
        // Briefings are newest first, so the smallest index is the newest.
        .map(|s| (s.briefings.iter().min().copied(), s))
        .collect();
    stories.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => x.cmp(&y).then_with(|| a.1.slug.cmp(&b.1.slug)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.slug.cmp(&b.1.slug),
    });
    stories
        .into_iter()
        .map(|(newest, s)| {
            let date = newest.map(|n| &site.briefings[n]);
            StoryEntry {
                title: typographic(config, &s.name),
                url: config.url(&s.path),
                summary: s.description.as_deref().map(|d| typographic(config, d)),
                count: s.briefings.len(),
                latest: date.map(|b| super::when::card_day(config, b)),
                latest_iso: date.map(|b| super::when::card_day_iso(config, b)),
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
    /// Briefings in the whole list, on the front page only: a count on
    /// every page would render every page again for each new briefing.
    pub(super) count: Option<usize>,
}

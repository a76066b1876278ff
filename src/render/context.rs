//! What templates see. Each briefing's card and each topic's and person's
//! link is turned into a template value once and shared by every page that
//! lists it (Tera values are reference-counted), so a page's context costs
//! what the page shows, not what the site holds.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use super::when;
use crate::config::Config;
use crate::digest::{digest_of, hash_of};
use crate::graph::{Briefing, Site};

/// A title, summary or name as pages show it: with the typographic
/// punctuation its body gets (the stored text stays as written).
pub fn typographic<'t>(config: &Config, text: &'t str) -> Cow<'t, str> {
    crate::markdown::typographic(text, config.markdown.smart_punctuation)
}

/// A topic or person as a chip on a card: only what a link needs, so a
/// briefing joining a topic changes no other briefing's card.
#[derive(Serialize)]
struct SubjectLink<'a> {
    name: Cow<'a, str>,
    url: String,
}

/// A topic or person in the topic or people index.
#[derive(Serialize)]
pub struct IndexEntry<'a> {
    pub name: Cow<'a, str>,
    pub url: String,
    pub description: Option<Cow<'a, str>>,
    pub count: usize,
}

/// Every topic or person, by name, for the index pages.
pub fn index_entries<'a>(
    config: &Config,
    subjects: &'a [crate::graph::Subject],
) -> Vec<IndexEntry<'a>> {
    let mut entries: Vec<IndexEntry<'a>> = subjects
        .iter()
        .map(|s| IndexEntry {
            name: typographic(config, &s.name),
            url: config.url(&s.path),
            description: s.description.as_deref().map(|d| typographic(config, d)),
            count: s.briefings.len(),
        })
        .collect();
    entries.sort_by_cached_key(|e| (e.name.to_lowercase(), e.url.clone()));
    entries
}

/// A briefing in a list. `L` is how a topic or person is shown: a shared
/// template value, or for the digest, the same link as a typed value
/// (Tera's maps do not serialize in a fixed order).
#[derive(Serialize)]
struct Card<'a, L> {
    title: Cow<'a, str>,
    url: String,
    permalink: String,
    date: String,
    date_iso: String,
    day_iso: String,
    summary: Cow<'a, str>,
    reading_time: usize,
    topics: Vec<L>,
    people: Vec<L>,
}

/// Template values built once per render and shared by every page, with
/// the digests of what each briefing shows in more than one place. Cards
/// are made on first use: a preview that renders three pages makes only
/// the cards those pages show.
pub struct Shared<'a> {
    pub config: &'a Config,
    pub site: &'a Site,
    pub topics: Vec<Value>,
    pub people: Vec<Value>,
    /// The same links as typed values, made once: every card's digest
    /// shows some of them.
    typed_topics: Vec<SubjectLink<'a>>,
    typed_people: Vec<SubjectLink<'a>>,
    cards: Vec<OnceLock<Value>>,
    /// `site` in every template, and its digest.
    site_value: Value,
    site_digest: u64,
    digests: BriefingDigests,
}

/// A digest, per briefing, of each value that `Shared` or a `Memo` makes
/// of it, with what those values are made of. The driver keeps them, so
/// that a rebuild takes again only the digests of briefings whose own
/// values can have changed.
#[derive(Debug, Clone, Default)]
pub struct BriefingDigests {
    /// By briefing: a digest of what its values are made of (`input_key`).
    inputs: Vec<u64>,
    made: Vec<Made>,
    /// The generation of the site they were taken of (`Site::generation`).
    generation: Option<u64>,
}

/// The digests of a briefing's card, page value, JSON-LD and title.
#[derive(Debug, Clone, Copy)]
struct Made {
    card: u64,
    page: u64,
    json_ld: u64,
    title: u64,
}

/// A value of one briefing that only its own page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Memo {
    /// `page` on a briefing page.
    Page,
    /// `json_ld` on a briefing page.
    JsonLd,
    /// `title` on a briefing page: its typographic form, whose check
    /// was a seventh of every page digest at each save.
    Title,
}

impl Memo {
    /// The value, for the template; its digest is taken from the same
    /// value in `digest`.
    pub fn value(self, shared: &Shared, i: usize) -> Value {
        match self {
            Memo::Page => {
                Value::from_serializable(&shared.briefing_page(i, |s, i| shared.link(s, i)))
            }
            Memo::JsonLd => Value::safe_string(&shared.json_ld(i).to_script()),
            Memo::Title => Value::from_serializable(&shared.title(i)),
        }
    }

    fn digest(self, shared: &Shared, i: usize) -> u64 {
        match self {
            Memo::Page => digest_of(&shared.briefing_page(i, |s, i| shared.typed_link(s, i))),
            Memo::JsonLd => digest_of(&shared.json_ld(i)),
            Memo::Title => digest_of(&shared.title(i)),
        }
    }
}

impl<'a> Shared<'a> {
    /// Digests taken from `earlier` for every briefing whose values are
    /// made of what they were made of then (the same config is assumed).
    pub fn reusing(config: &'a Config, site: &'a Site, earlier: BriefingDigests) -> Shared<'a> {
        let typed = |s: &'a crate::graph::Subject| SubjectLink {
            name: typographic(config, &s.name),
            url: config.url(&s.path),
        };
        let typed_topics: Vec<SubjectLink<'a>> = site.topics.iter().map(typed).collect();
        let typed_people: Vec<SubjectLink<'a>> = site.people.iter().map(typed).collect();
        let site_values = site_values(config, site);
        let mut shared = Shared {
            config,
            site,
            topics: typed_topics.iter().map(Value::from_serializable).collect(),
            people: typed_people.iter().map(Value::from_serializable).collect(),
            typed_topics,
            typed_people,
            cards: site.briefings.iter().map(|_| OnceLock::new()).collect(),
            site_value: Value::from_serializable(&site_values),
            site_digest: digest_of(&site_values),
            digests: BriefingDigests::default(),
        };
        // Taken of this very site (the plan, then the render, of one save).
        if earlier.generation == Some(site.generation) {
            shared.digests = earlier;
            return shared;
        }
        let keys = SubjectKeys::of(site);
        let inputs: Vec<u64> = site
            .briefings
            .par_iter()
            .map(|b| keys.input_key(b))
            .collect();
        let earlier: HashMap<u64, Made> = earlier.inputs.into_iter().zip(earlier.made).collect();
        let made = inputs
            .par_iter()
            .enumerate()
            .map(|(i, input)| match earlier.get(input) {
                Some(made) => *made,
                None => Made {
                    card: digest_of(&shared.card_data(i)),
                    page: Memo::Page.digest(&shared, i),
                    json_ld: Memo::JsonLd.digest(&shared, i),
                    title: Memo::Title.digest(&shared, i),
                },
            })
            .collect();
        shared.digests = BriefingDigests {
            inputs,
            made,
            generation: Some(site.generation),
        };
        shared
    }

    pub fn into_digests(self) -> BriefingDigests {
        self.digests
    }

    /// Every briefing's card made as pages showed it, taken out: at 10k
    /// briefings they take 15 ms to free, which the caller may do beside.
    pub fn take_cards(&mut self) -> Vec<OnceLock<Value>> {
        std::mem::take(&mut self.cards)
    }

    /// Briefing `i`'s title as its page shows it.
    fn title(&self, i: usize) -> Cow<'a, str> {
        typographic(self.config, &self.site.briefings[i].title)
    }

    pub fn site_value(&self) -> Value {
        self.site_value.clone()
    }

    pub fn site_digest(&self) -> u64 {
        self.site_digest
    }

    /// Briefing `i` as a card.
    pub fn card(&self, i: usize) -> Value {
        self.cards[i]
            .get_or_init(|| {
                let card = card(self.config, &self.site.briefings[i], |s, i| self.link(s, i));
                Value::from_serializable(&card)
            })
            .clone()
    }

    pub fn card_digest(&self, i: usize) -> u64 {
        self.digests.made[i].card
    }

    pub fn memo_digest(&self, memo: Memo, i: usize) -> u64 {
        match memo {
            Memo::Page => self.digests.made[i].page,
            Memo::JsonLd => self.digests.made[i].json_ld,
            Memo::Title => self.digests.made[i].title,
        }
    }

    pub fn cards(&self, indexes: &[usize]) -> Vec<Value> {
        indexes.iter().map(|&i| self.card(i)).collect()
    }

    /// A topic or person as a template value, shared.
    fn link(&self, subject: Subject, i: usize) -> Value {
        match subject {
            Subject::Topic => self.topics[i].clone(),
            Subject::Person => self.people[i].clone(),
        }
    }

    /// The same link as a typed value, for a digest.
    fn typed_link(&self, subject: Subject, i: usize) -> &SubjectLink<'a> {
        match subject {
            Subject::Topic => &self.typed_topics[i],
            Subject::Person => &self.typed_people[i],
        }
    }

    fn card_data(&self, i: usize) -> Card<'a, &SubjectLink<'a>> {
        card(self.config, &self.site.briefings[i], |s, i| {
            self.typed_link(s, i)
        })
    }

    fn briefing_page<L>(
        &self,
        i: usize,
        link: impl Fn(Subject, usize) -> L,
    ) -> BriefingPage<'a, L> {
        BriefingPage::new(self.config, self.site, &self.site.briefings[i], link)
    }

    fn json_ld(&self, i: usize) -> super::structured_data::NewsArticle<'a> {
        super::structured_data::news_article(self.config, self.site, &self.site.briefings[i])
    }
}

/// A digest of each topic's, person's and story's name and address: all a
/// briefing's card, page value or JSON-LD shows of it.
struct SubjectKeys {
    topics: Vec<u64>,
    people: Vec<u64>,
    stories: Vec<u64>,
}

impl SubjectKeys {
    fn of(site: &Site) -> SubjectKeys {
        let keys = |subjects: &[crate::graph::Subject]| {
            subjects
                .iter()
                .map(|s| hash_of((&s.name, &s.path)))
                .collect()
        };
        SubjectKeys {
            topics: keys(&site.topics),
            people: keys(&site.people),
            stories: keys(&site.stories),
        }
    }

    /// A digest of everything briefing `b`'s card, page value and JSON-LD
    /// are made of, but the config: its file and front-matter (title,
    /// dates, sources, picture, extra, slug), what its body gives
    /// (summary, word count) and its subjects. A value that shows more of
    /// the site must add it here.
    fn input_key(&self, b: &Briefing) -> u64 {
        let pick = |keys: &[u64], indexes: &[usize]| -> Vec<u64> {
            indexes.iter().map(|&i| keys[i]).collect()
        };
        hash_of((
            &b.key,
            b.front_matter,
            &b.summary,
            b.word_count,
            pick(&self.topics, &b.topics),
            pick(&self.people, &b.people),
            pick(&self.stories, &b.stories),
        ))
    }
}

/// Which list a topic or person is in.
#[derive(Clone, Copy)]
enum Subject {
    Topic,
    Person,
}

fn card<'a, L>(
    config: &Config,
    b: &'a Briefing,
    link: impl Fn(Subject, usize) -> L,
) -> Card<'a, L> {
    Card {
        title: typographic(config, &b.title),
        url: config.url(&b.url_path),
        permalink: config.permalink(&b.url_path),
        date: when::card_day(config, b),
        date_iso: when::machine(&b.date),
        day_iso: when::card_day_iso(config, b),
        summary: typographic(config, &b.summary),
        reading_time: b.reading_time,
        topics: b.topics.iter().map(|&t| link(Subject::Topic, t)).collect(),
        people: b.people.iter().map(|&p| link(Subject::Person, p)).collect(),
    }
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
    /// The social-card picture of pages without their own, absolute.
    pub image: Option<String>,
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
            .filter(|p| p.in_menu)
            .map(|p| NavLink {
                title: p.title.clone(),
                url: config.url(&p.url_path),
            })
            .collect(),
        extra: &config.extra,
        image: config.image.as_deref().map(|i| config.absolute(i)),
        feeds: super::feeds::feed_links(config, site, super::feeds::FeedOwner::Site),
    }
}

#[derive(Serialize)]
pub struct SourceValue<'a> {
    pub title: &'a str,
    pub url: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ImageValue<'a> {
    pub url: String,
    pub alt: &'a str,
}

#[derive(Serialize)]
pub struct BriefingPage<'a, L> {
    pub title: Cow<'a, str>,
    pub url: String,
    pub permalink: String,
    pub date: String,
    pub date_time: String,
    pub date_iso: String,
    /// The day `date` shows, `2025-09-02`: its archive month's.
    pub day_iso: String,
    pub updated: Option<String>,
    pub updated_iso: Option<String>,
    pub summary: Cow<'a, str>,
    pub word_count: usize,
    pub reading_time: usize,
    pub topics: Vec<L>,
    pub people: Vec<L>,
    pub sources: Vec<SourceValue<'a>>,
    /// Its own social-card picture, absolute.
    pub image: Option<ImageValue<'a>>,
    /// The running stories it is in, as listed.
    pub stories: Vec<NavLink>,
    pub extra: &'a std::collections::BTreeMap<String, serde_yaml::Value>,
    pub draft: bool,
}

impl<'a, L> BriefingPage<'a, L> {
    fn new(
        config: &Config,
        site: &Site,
        b: &'a Briefing,
        link: impl Fn(Subject, usize) -> L,
    ) -> Self {
        BriefingPage {
            title: typographic(config, &b.title),
            url: config.url(&b.url_path),
            permalink: config.permalink(&b.url_path),
            date: when::card_day(config, b),
            date_time: when::briefing_time(config, b),
            date_iso: when::machine(&b.date),
            day_iso: when::card_day_iso(config, b),
            updated: b.updated.as_ref().map(|u| when::briefing_day(config, b, u)),
            updated_iso: b.updated.as_ref().map(when::machine),
            summary: typographic(config, &b.summary),
            word_count: b.word_count,
            reading_time: b.reading_time,
            topics: b.topics.iter().map(|&t| link(Subject::Topic, t)).collect(),
            people: b.people.iter().map(|&p| link(Subject::Person, p)).collect(),
            sources: b
                .sources
                .iter()
                .map(|s| SourceValue {
                    title: &s.title,
                    url: s.url.as_deref(),
                })
                .collect(),
            image: b.image.as_ref().map(|i| ImageValue {
                url: config.absolute(&i.url),
                alt: &i.alt,
            }),
            stories: b
                .stories
                .iter()
                .map(|&s| NavLink {
                    title: typographic(config, &site.stories[s].name).into_owned(),
                    url: config.url(&site.stories[s].path),
                })
                .collect(),
            extra: &b.extra,
            draft: b.draft,
        }
    }
}

#[derive(Serialize)]
pub struct SubjectPage<'a> {
    pub name: Cow<'a, str>,
    pub url: String,
    pub permalink: String,
    pub description: Option<Cow<'a, str>>,
    pub aliases: &'a [String],
    pub portrait: Option<String>,
    pub has_profile: bool,
    /// Briefings about it; none on a numbered page of its list.
    pub count: Option<usize>,
    pub extra: &'a std::collections::BTreeMap<String, serde_yaml::Value>,
}

impl<'a> SubjectPage<'a> {
    pub fn new(config: &Config, s: &'a crate::graph::Subject) -> Self {
        SubjectPage {
            name: typographic(config, &s.name),
            url: config.url(&s.path),
            permalink: config.permalink(&s.path),
            description: s.description.as_deref().map(|d| typographic(config, d)),
            aliases: &s.aliases,
            portrait: s.portrait.as_ref().map(|p| {
                if p.contains("://") {
                    p.clone()
                } else {
                    config.url(p)
                }
            }),
            has_profile: s.has_profile,
            count: Some(s.briefings.len()),
            extra: &s.extra,
        }
    }
}

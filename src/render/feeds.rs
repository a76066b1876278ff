//! RSS 2.0, Atom 1.0 and JSON Feed 1.1 for the site and for each topic and
//! person, written with the `rss` and `atom_syndication` crates and serde,
//! never by pasting strings. Every date in a feed comes from the content, so
//! two builds of the same files are byte-identical.

use std::borrow::Cow;
use std::sync::OnceLock;

use aho_corasick::AhoCorasick;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

use super::context::typographic;
use crate::config::Config;
use crate::error::Error;
use crate::graph::{Briefing, Site};
use crate::output::Output;

/// Whose briefings a feed carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedOwner {
    Site,
    Topic(usize),
    Person(usize),
    /// The editions, one item each, for a newsletter service to send.
    Editions,
}

impl FeedOwner {
    pub fn all(site: &Site) -> Vec<FeedOwner> {
        let mut owners = vec![FeedOwner::Site];
        if !site.editions.is_empty() {
            owners.push(FeedOwner::Editions);
        }
        owners.extend((0..site.topics.len()).map(FeedOwner::Topic));
        owners.extend((0..site.people.len()).map(FeedOwner::Person));
        owners
    }

    /// The output files of this owner's feeds.
    pub fn files(self, config: &Config, site: &Site) -> Vec<String> {
        FORMATS
            .iter()
            .filter(|(file, _, _)| enabled(config, file))
            .map(|(file, _, _)| format!("{}{file}", self.folder(site)))
            .collect()
    }

    /// Site-relative folder of the feed files: `""` or `topics/sco/`.
    fn folder(self, site: &Site) -> &str {
        match self {
            FeedOwner::Site => "",
            FeedOwner::Topic(i) => &site.topics[i].path,
            FeedOwner::Person(i) => &site.people[i].path,
            FeedOwner::Editions => "editions/",
        }
    }

    fn title(self, config: &Config, site: &Site) -> String {
        match self {
            FeedOwner::Site => config.title.clone(),
            FeedOwner::Topic(i) => format!("{} · {}", site.topics[i].name, config.title),
            FeedOwner::Person(i) => format!("{} · {}", site.people[i].name, config.title),
            FeedOwner::Editions => format!("Editions · {}", config.title),
        }
    }

    fn description(self, config: &Config, site: &Site) -> String {
        match self {
            FeedOwner::Site if !config.description.is_empty() => config.description.clone(),
            FeedOwner::Site => format!("Latest briefings from {}", config.title),
            FeedOwner::Topic(i) => format!("Briefings about {}", site.topics[i].name),
            FeedOwner::Person(i) => format!("Briefings about {}", site.people[i].name),
            FeedOwner::Editions => format!("Every edition of {}, whole", config.title),
        }
    }

    /// The items: the newest `limit` briefings (or editions), newest first.
    fn items<'a>(self, config: &'a Config, site: &'a Site, limit: usize) -> Vec<Item<'a>> {
        let briefings = |list: &[usize]| -> Vec<Item<'a>> {
            list.iter()
                .take(limit)
                .map(|&i| Item::briefing(config, site, i))
                .collect()
        };
        match self {
            FeedOwner::Site => (0..site.briefings.len().min(limit))
                .map(|i| Item::briefing(config, site, i))
                .collect(),
            FeedOwner::Topic(i) => briefings(&site.topics[i].briefings),
            FeedOwner::Person(i) => briefings(&site.people[i].briefings),
            FeedOwner::Editions => (0..site.editions.len().min(limit))
                .map(|e| Item::edition(config, site, e))
                .collect(),
        }
    }
}

/// A feed for a page's `<link rel="alternate">`.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLink {
    pub mime: &'static str,
    pub url: String,
    pub title: String,
    /// "RSS", "Atom" or "JSON Feed": what a "Follow" link says.
    pub format: &'static str,
}

const FORMATS: [(&str, &str, &str); 3] = [
    ("rss.xml", "application/rss+xml", "RSS"),
    ("atom.xml", "application/atom+xml", "Atom"),
    ("feed.json", "application/feed+json", "JSON Feed"),
];

fn enabled(config: &Config, file: &str) -> bool {
    match file {
        "rss.xml" => config.feeds.rss,
        "atom.xml" => config.feeds.atom,
        _ => config.feeds.json,
    }
}

pub fn feed_links(config: &Config, site: &Site, owner: FeedOwner) -> Vec<FeedLink> {
    let title = owner.title(config, site);
    FORMATS
        .iter()
        .filter(|(file, _, _)| enabled(config, file))
        .map(|(file, mime, kind)| FeedLink {
            mime,
            url: config.url(&format!("{}{file}", owner.folder(site))),
            title: format!("{title} ({kind})"),
            format: kind,
        })
        .collect()
}

/// The files of one owner's feeds.
pub fn render(config: &Config, site: &Site, owner: FeedOwner) -> Result<Vec<Output>, Error> {
    let feed = Feed::new(config, site, owner);
    let mut files = Vec::new();
    if feed.formats.rss {
        files.push(feed.rss()?);
    }
    if feed.formats.atom {
        files.push(feed.atom()?);
    }
    if feed.formats.json {
        files.push(feed.json()?);
    }
    Ok(files)
}

/// A digest of everything `owner`'s feeds are written from, and the
/// briefings they show.
pub fn digest(config: &Config, site: &Site, owner: FeedOwner) -> (u64, Vec<u32>) {
    let feed = Feed::new(config, site, owner);
    let mut shown: Vec<u32> = feed
        .items
        .iter()
        .flat_map(|i| i.shows.iter().copied())
        .collect();
    shown.sort_unstable();
    shown.dedup();
    (crate::digest::digest_of(&feed), shown)
}

/// One owner's feeds as they are written, in all three formats: nothing
/// else is read to write them, so the digest of this value decides whether
/// they are written again.
#[derive(Serialize)]
struct Feed<'a> {
    folder: &'a str,
    title: String,
    description: String,
    /// Absolute: the site's own address, and the folder's.
    base_url: &'a str,
    origin: &'a str,
    home: String,
    language: &'a str,
    author: &'a str,
    full_content: bool,
    full_content_max: usize,
    formats: Formats,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Formats {
    rss: bool,
    atom: bool,
    json: bool,
}

/// A briefing as a feed shows it.
#[derive(Serialize)]
struct Item<'a> {
    /// Title and summary with the typographic punctuation pages show.
    title: Cow<'a, str>,
    /// Its permalink.
    url: String,
    #[serde(serialize_with = "instant")]
    date: DateTime<FixedOffset>,
    #[serde(serialize_with = "instant")]
    modified: DateTime<FixedOffset>,
    summary: Cow<'a, str>,
    body: Body<'a>,
    topics: Vec<Cow<'a, str>>,
    /// The briefings the item is made from (one, or an edition's).
    #[serde(skip)]
    shows: Vec<u32>,
}

/// An item's HTML. Its digest stands for it in the feed's digest, so
/// that a no-change build does not hash every body again.
struct Body<'a> {
    html: Cow<'a, str>,
    digest: u64,
}

impl<'a> Item<'a> {
    fn briefing(config: &Config, site: &'a Site, i: usize) -> Item<'a> {
        let b = &site.briefings[i];
        Item {
            title: typographic(config, &b.title),
            url: config.permalink(&b.url_path),
            date: b.date.instant,
            modified: modified(b),
            summary: typographic(config, &b.summary),
            body: Body {
                html: Cow::Borrowed(&b.html),
                digest: b.html_hash,
            },
            topics: b
                .topics
                .iter()
                .map(|&t| typographic(config, &site.topics[t].name))
                .collect(),
            shows: vec![i as u32],
        }
    }

    /// A whole edition: its note, then its briefings in the editor's order,
    /// each linked, so that it reads as it is when sent by e-mail.
    fn edition(config: &Config, site: &'a Site, e: usize) -> Item<'a> {
        let edition = &site.editions[e];
        let html = edition_html(config, site, edition);
        Item {
            title: typographic(config, &edition.title),
            url: config.permalink(&edition.url_path),
            date: edition.date.instant,
            modified: edition.date.instant,
            summary: typographic(config, &edition.summary),
            body: Body {
                digest: crate::digest::hash_of(&html),
                html: Cow::Owned(html),
            },
            topics: Vec::new(),
            shows: edition.carried().map(|i| i as u32).collect(),
        }
    }
}

/// An edition as HTML, for its feed item.
fn edition_html(config: &Config, site: &Site, edition: &crate::graph::Edition) -> String {
    let mut html = String::from(&*edition.note.html);
    let item = |html: &mut String, i: usize, heading: bool| {
        let b = &site.briefings[i];
        let title = html_text(&typographic(config, &b.title));
        let summary = html_text(&typographic(config, &b.summary));
        let url = config.url(&b.url_path);
        if heading {
            html.push_str(&format!(
                "<h2><a href=\"{url}\">{title}</a></h2>\n<p>{summary}</p>\n"
            ));
        } else {
            html.push_str(&format!(
                "<li><a href=\"{url}\">{title}</a>: {summary}</li>\n"
            ));
        }
    };
    item(&mut html, edition.lead, true);
    let list = |html: &mut String, briefings: &[usize]| {
        if briefings.is_empty() {
            return;
        }
        html.push_str("<ul>\n");
        for &i in briefings {
            item(html, i, false);
        }
        html.push_str("</ul>\n");
    };
    list(&mut html, &edition.briefings);
    for section in &edition.sections {
        let title = html_text(&typographic(config, &section.title));
        html.push_str(&format!("<h3>{title}</h3>\n"));
        list(&mut html, &section.briefings);
    }
    html
}

impl Serialize for Body<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.digest)
    }
}

fn instant<S: serde::Serializer>(date: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
    (
        date.timestamp(),
        date.timestamp_subsec_nanos(),
        date.offset().local_minus_utc(),
    )
        .serialize(s)
}

impl<'a> Feed<'a> {
    fn new(config: &'a Config, site: &'a Site, owner: FeedOwner) -> Self {
        let folder = owner.folder(site);
        Feed {
            folder,
            title: owner.title(config, site),
            description: owner.description(config, site),
            base_url: &config.base_url,
            origin: config.origin(),
            home: config.permalink(folder),
            language: &config.language,
            author: if config.author.is_empty() {
                &config.title
            } else {
                &config.author
            },
            // An edition's feed exists to carry whole editions.
            full_content: config.feeds.full_content || owner == FeedOwner::Editions,
            full_content_max: config.feeds.full_content_max,
            formats: Formats {
                rss: config.feeds.rss,
                atom: config.feeds.atom,
                json: config.feeds.json,
            },
            items: owner.items(config, site, config.feeds.items),
        }
    }

    fn self_url(&self, file: &str) -> String {
        format!("{}{}{file}", self.base_url, self.folder)
    }

    fn home(&self) -> String {
        self.home.clone()
    }

    /// The newest date among the items, never the clock, so rebuilds of the
    /// same content give the same bytes. An empty feed takes the epoch.
    fn updated(&self) -> DateTime<FixedOffset> {
        self.items
            .iter()
            .map(|item| item.modified)
            .max()
            .unwrap_or_else(|| DateTime::UNIX_EPOCH.fixed_offset())
    }

    /// Whether `item` is carried whole: a long one is carried by its
    /// summary, as each feed of its topics and people would copy it.
    fn whole(&self, item: &Item) -> bool {
        self.full_content && item.body.html.len() <= self.full_content_max
    }

    fn content(&self, item: &Item) -> Option<String> {
        self.whole(item)
            .then(|| absolute_urls(&item.body.html, &item.url, self.origin))
    }

    fn author(&self) -> &str {
        self.author
    }

    fn rss(&self) -> Result<Output, Error> {
        use rss::extension::atom::{AtomExtension, Link};
        use rss::extension::dublincore::DublinCoreExtension;
        let items = self
            .items
            .iter()
            .map(|b| {
                let link = b.url.clone();
                rss::Item {
                    title: Some(b.title.to_string()),
                    link: Some(link.clone()),
                    guid: Some(rss::Guid {
                        value: link,
                        permalink: true,
                    }),
                    pub_date: Some(b.date.to_rfc2822()),
                    description: Some(html_text(&b.summary)),
                    content: self.content(b),
                    categories: b
                        .topics
                        .iter()
                        .map(|name| rss::Category {
                            name: name.to_string(),
                            domain: None,
                        })
                        .collect(),
                    // RSS's own <author> must be an e-mail address; Dublin
                    // Core's creator takes a name.
                    dublin_core_ext: Some(DublinCoreExtension {
                        creators: vec![self.author().to_string()],
                        ..DublinCoreExtension::default()
                    }),
                    ..rss::Item::default()
                }
            })
            .collect();
        let channel = rss::Channel {
            title: self.title.clone(),
            link: self.home(),
            description: html_text(&self.description),
            language: Some(self.language.to_string()),
            last_build_date: Some(self.updated().to_rfc2822()),
            generator: Some("briefing".into()),
            atom_ext: Some(AtomExtension {
                links: vec![Link {
                    href: self.self_url("rss.xml"),
                    rel: "self".into(),
                    mime_type: Some("application/rss+xml".into()),
                    ..Link::default()
                }],
            }),
            namespaces: [
                ("atom", "http://www.w3.org/2005/Atom"),
                ("content", "http://purl.org/rss/1.0/modules/content/"),
                ("dc", "http://purl.org/dc/elements/1.1/"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
            items,
            ..rss::Channel::default()
        };
        let bytes = channel
            .pretty_write_to(Vec::new(), b' ', 2)
            .map_err(|e| Error::new(format!("writing {}rss.xml: {e}", self.folder)))?;
        Ok(Output {
            path: format!("{}rss.xml", self.folder),
            bytes,
        })
    }

    fn atom(&self) -> Result<Output, Error> {
        use atom_syndication::{Category, Content, Entry, Link, Person, Text};
        let person = || Person {
            name: self.author().to_string(),
            ..Person::default()
        };
        let link = |href: String, rel: &str, mime: Option<&str>| Link {
            href,
            rel: rel.to_string(),
            mime_type: mime.map(str::to_string),
            ..Link::default()
        };
        let entries = self
            .items
            .iter()
            .map(|b| {
                let url = b.url.clone();
                Entry {
                    title: Text::plain(b.title.to_string()),
                    id: url.clone(),
                    updated: b.modified,
                    published: Some(b.date),
                    authors: vec![person()],
                    links: vec![link(url, "alternate", Some("text/html"))],
                    summary: (!b.summary.is_empty()).then(|| Text::plain(b.summary.to_string())),
                    content: self.content(b).map(|html| Content {
                        value: Some(html),
                        content_type: Some("html".into()),
                        ..Content::default()
                    }),
                    categories: b
                        .topics
                        .iter()
                        .map(|name| Category {
                            term: name.to_string(),
                            ..Category::default()
                        })
                        .collect(),
                    ..Entry::default()
                }
            })
            .collect();
        let feed = atom_syndication::Feed {
            title: Text::plain(self.title.clone()),
            id: self.home(),
            updated: self.updated(),
            authors: vec![person()],
            links: vec![
                link(
                    self.self_url("atom.xml"),
                    "self",
                    Some("application/atom+xml"),
                ),
                link(self.home(), "alternate", Some("text/html")),
            ],
            subtitle: Some(Text::plain(self.description.clone())),
            lang: Some(self.language.to_string()),
            entries,
            ..atom_syndication::Feed::default()
        };
        let bytes = feed
            .write_with_config(
                Vec::new(),
                atom_syndication::WriteConfig {
                    write_document_declaration: true,
                    indent_size: Some(2),
                },
            )
            .map_err(|e| Error::new(format!("writing {}atom.xml: {e}", self.folder)))?;
        Ok(Output {
            path: format!("{}atom.xml", self.folder),
            bytes,
        })
    }

    fn json(&self) -> Result<Output, Error> {
        let author = JsonAuthor {
            name: self.author(),
        };
        let feed = JsonFeed {
            version: "https://jsonfeed.org/version/1.1",
            title: &self.title,
            home_page_url: self.home(),
            feed_url: self.self_url("feed.json"),
            description: &self.description,
            language: self.language,
            authors: vec![JsonAuthor { name: author.name }],
            items: self
                .items
                .iter()
                .map(|b| {
                    let url = b.url.clone();
                    JsonItem {
                        id: url.clone(),
                        url,
                        title: &b.title,
                        content_html: self.content(b),
                        content_text: (!self.whole(b)).then_some(&*b.summary),
                        summary: (!b.summary.is_empty()).then_some(&*b.summary),
                        date_published: b.date.to_rfc3339(),
                        date_modified: b.modified.to_rfc3339(),
                        tags: b.topics.iter().map(|t| &**t).collect(),
                        authors: vec![JsonAuthor { name: author.name }],
                    }
                })
                .collect(),
        };
        let mut bytes = serde_json::to_vec_pretty(&feed)
            .map_err(|e| Error::new(format!("writing {}feed.json: {e}", self.folder)))?;
        bytes.push(b'\n');
        Ok(Output {
            path: format!("{}feed.json", self.folder),
            bytes,
        })
    }
}

/// Text as HTML that shows it: RSS readers take a `<description>` as HTML,
/// so a summary's `</script><script>` must reach them as `&lt;/script&gt;…`.
/// (The `rss` crate then wraps it in CDATA, splitting any `]]>`.)
fn html_text(text: &str) -> String {
    let mut html = String::with_capacity(text.len() + 16);
    pulldown_cmark::html::push_html(
        &mut html,
        std::iter::once(pulldown_cmark::Event::Text(text.into())),
    );
    html
}

fn modified(b: &Briefing) -> DateTime<FixedOffset> {
    match &b.updated {
        Some(u) if u.instant > b.date.instant => u.instant,
        _ => b.date.instant,
    }
}

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: String,
    feed_url: String,
    description: &'a str,
    language: &'a str,
    authors: Vec<JsonAuthor<'a>>,
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: String,
    url: String,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    date_published: String,
    date_modified: String,
    tags: Vec<&'a str>,
    authors: Vec<JsonAuthor<'a>>,
}

/// Feed readers show content away from the site, so every `href` and `src`
/// must be absolute: `/x/` gets the site's origin, `#a` and `img.jpg` are
/// resolved against the briefing's own address.
pub fn absolute_urls(html: &str, page: &str, origin: &str) -> String {
    // One pass over the HTML for both attributes: searching for each in
    // turn rescans the text after every link for the one that is absent.
    static ATTRIBUTES: OnceLock<Option<AhoCorasick>> = OnceLock::new();
    let Some(attributes) = ATTRIBUTES.get_or_init(|| AhoCorasick::new(["href=\"", "src=\""]).ok())
    else {
        return html.to_string();
    };
    let mut out = String::with_capacity(html.len() + 64);
    let mut copied = 0;
    for found in attributes.find_iter(html) {
        if found.start() < copied {
            continue;
        }
        let start = found.end();
        let end = html[start..].find('"').map_or(html.len(), |i| start + i);
        let url = &html[start..end];
        out.push_str(&html[copied..start]);
        if url.starts_with("//") || has_scheme(url) {
            out.push_str(url);
        } else if url.starts_with('/') {
            out.push_str(origin);
            out.push_str(url);
        } else {
            out.push_str(page);
            out.push_str(url);
        }
        copied = end;
    }
    out.push_str(&html[copied..]);
    out
}

fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) => {
            i > 0
                && url[..i]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_html_showing_the_text() {
        assert_eq!(
            html_text("Talks & </script><script>alert(1)</script>"),
            "Talks &amp; &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
        );
    }

    #[test]
    fn relative_urls_become_absolute() {
        let html = r##"<a href="/news/topics/sco/">SCO</a> <img src="map.png"> <a href="#gas">gas</a> <a href="https://x.org/">x</a> <a href="mailto:a@b.c">m</a>"##;
        let out = absolute_urls(html, "https://e.org/news/briefings/talks/", "https://e.org");
        assert_eq!(
            out,
            r##"<a href="https://e.org/news/topics/sco/">SCO</a> <img src="https://e.org/news/briefings/talks/map.png"> <a href="https://e.org/news/briefings/talks/#gas">gas</a> <a href="https://x.org/">x</a> <a href="mailto:a@b.c">m</a>"##
        );
    }
}

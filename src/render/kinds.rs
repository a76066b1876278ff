//! Every kind of page the site has, in one table: how many pages of the
//! kind there are, their URL, template, context and sitemap entry. A new
//! kind of page is one entry here and one template. What must stay in step
//! with a page's context follows from it: the page's digest is taken from
//! the same fields the template sees (`Fields`), and the addresses free
//! pages may not take come from the `section`s here.

use std::borrow::Cow;
use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use super::context::{index_entries, typographic, Memo, NavLink, Shared, SubjectPage};
use super::feeds::{self, FeedOwner};
use super::fields::{Fields, Group};
use super::values::{
    edition_entries, edition_link, story_entries, EditionLink, EditionValue, MonthLink, Paginator,
    StoryPage,
};
use super::{email, search};

use super::sitemap;
use crate::config::Config;
use crate::graph::Site;

/// A kind of page: an entry of `KINDS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Home,
    Briefing,
    Topics,
    Topic,
    People,
    Person,
    Archive,
    Month,
    Stories,
    Story,
    Editions,
    Edition,
    EditionEmail,
    EditionText,
    Page,
    Search,
    NotFound,
}

/// One page: its kind, for kinds with many pages which one, and for a
/// list split over pages, which page of it: 0 for the front page, else the
/// number in its address, counted from the oldest (see `Pages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageJob {
    pub kind: Kind,
    pub index: usize,
    pub page: usize,
}

/// The briefings a list page shows, before they are split into pages.
pub enum Listed<'a> {
    Some(&'a [usize]),
    /// Every briefing, newest first.
    All(usize),
}

impl<'a> Listed<'a> {
    fn len(&self) -> usize {
        match self {
            Listed::Some(list) => list.len(),
            Listed::All(n) => *n,
        }
    }

    fn part(self, range: std::ops::Range<usize>) -> Cow<'a, [usize]> {
        match self {
            Listed::Some(list) => Cow::Borrowed(&list[range]),
            Listed::All(_) => Cow::Owned(range.collect()),
        }
    }
}

/// A list that grows with the archive: what it lists, and its name in
/// briefing.yaml's `paginate` (`home` follows `home_briefings`).
pub struct Paginated {
    list: for<'a> fn(&'a Site, usize) -> Listed<'a>,
    name: &'static str,
}

/// Where a page comes from, for an error about its address.
pub struct Origin {
    pub path: PathBuf,
    pub line: Option<usize>,
}

type FinishFn = fn(&email::Place, String) -> Result<String, String>;
type LastmodFn = fn(&Site, usize) -> Option<DateTime<FixedOffset>>;
type FieldsFn = for<'a> fn(&Shared<'a>, usize, &mut Fields<'a>);

/// What the table says of one kind of page.
pub struct PageKind {
    pub kind: Kind,
    pub template: &'static str,
    /// Pages of this kind in the site: 1 for a page the site has once.
    count: fn(&Site) -> usize,
    /// Site-relative URL path of page `i` (`""` for the home page).
    url: fn(&Site, usize) -> Cow<'_, str>,
    /// The folder all pages of the kind live in, which no free page may take.
    pub section: Option<&'static str>,
    /// The file page `i` comes from, if it comes from one.
    origin: fn(&Site, usize) -> Option<Origin>,
    /// When page `i` last changed, for the sitemap; `None` keeps the kind
    /// out of the sitemap.
    lastmod: Option<LastmodFn>,
    /// For a list split into pages: `briefings` (the page's part) and
    /// `paginator` are its template's too.
    paginated: Option<Paginated>,
    /// Everything else the template sees but `site`, `url` and `permalink`.
    fields: FieldsFn,
    /// What is done to the rendered text before it is written.
    finish: Option<FinishFn>,
}

fn one(_: &Site) -> usize {
    1
}

fn none(_: &Site, _: usize) -> Option<Origin> {
    None
}

pub static KINDS: &[PageKind] = &[
    PageKind {
        kind: Kind::Home,
        template: "index.html",
        count: one,
        url: |_, _| Cow::Borrowed(""),
        section: None,
        origin: none,
        lastmod: Some(|site, _| newest_of_all(site)),
        // A list of every briefing while there is no edition to show.
        paginated: Some(Paginated {
            list: |site, _| match site.editions.is_empty() {
                true => Listed::All(site.briefings.len()),
                false => Listed::Some(&[]),
            },
            name: "home",
        }),
        fields: |shared, _, f| {
            f.data("title", &shared.config.title);
            // With editions, the front page is the latest one, and the only
            // page of its kind. The count is here, not in `site`: a count
            // every page saw would render every page again for each new
            // briefing; without editions the front page's `paginator` has it.
            if !shared.site.editions.is_empty() {
                edition_fields(shared, 0, f);
                f.data("briefing_count", shared.site.briefings.len());
            }
        },
        finish: None,
    },
    PageKind {
        kind: Kind::Briefing,
        template: "briefing.html",
        count: |site| site.briefings.len(),
        url: |site, i| Cow::Borrowed(&site.briefings[i].url_path),
        section: Some("briefings/"),
        origin: |site, i| {
            let b = &site.briefings[i];
            Some(Origin {
                path: b.path.clone(),
                line: b.lines.slug.map(|(line, _)| line),
            })
        },
        lastmod: Some(|site, i| Some(modified(site, i))),
        paginated: None,
        fields: briefing_fields,
        finish: None,
    },
    PageKind {
        kind: Kind::Topics,
        template: "topics.html",
        count: one,
        url: |_, _| Cow::Borrowed("topics/"),
        section: Some("topics/"),
        origin: none,
        lastmod: Some(|site, _| newest_of_all(site)),
        paginated: None,
        fields: |shared, _, f| {
            f.data(
                "subjects",
                index_entries(shared.config, &shared.site.topics),
            );
            f.data("title", "Topics");
        },
        finish: None,
    },
    PageKind {
        kind: Kind::Topic,
        template: "topic.html",
        count: |site| site.topics.len(),
        url: |site, i| Cow::Borrowed(&site.topics[i].path),
        section: None,
        origin: |site, i| subject_origin(&site.topics[i]),
        lastmod: Some(|site, i| newest(site, &site.topics[i].briefings)),
        paginated: Some(Paginated {
            list: |site, i| Listed::Some(&site.topics[i].briefings),
            name: "topic",
        }),
        fields: |shared, i, f| subject_fields(shared, FeedOwner::Topic(i), f),
        finish: None,
    },
    PageKind {
        kind: Kind::People,
        template: "people.html",
        count: one,
        url: |_, _| Cow::Borrowed("people/"),
        section: Some("people/"),
        origin: none,
        lastmod: Some(|site, _| newest_of_all(site)),
        paginated: None,
        fields: |shared, _, f| {
            f.data(
                "subjects",
                index_entries(shared.config, &shared.site.people),
            );
            f.data("title", "People");
        },
        finish: None,
    },
    PageKind {
        kind: Kind::Person,
        template: "person.html",
        count: |site| site.people.len(),
        url: |site, i| Cow::Borrowed(&site.people[i].path),
        section: None,
        origin: |site, i| subject_origin(&site.people[i]),
        lastmod: Some(|site, i| newest(site, &site.people[i].briefings)),
        paginated: Some(Paginated {
            list: |site, i| Listed::Some(&site.people[i].briefings),
            name: "person",
        }),
        fields: |shared, i, f| subject_fields(shared, FeedOwner::Person(i), f),
        finish: None,
    },
    PageKind {
        kind: Kind::Archive,
        template: "archive.html",
        count: one,
        url: |_, _| Cow::Borrowed("archive/"),
        section: Some("archive/"),
        origin: none,
        lastmod: Some(|site, _| newest_of_all(site)),
        paginated: None,
        fields: |shared, _, f| {
            let months: Vec<MonthLink> = shared
                .site
                .months
                .iter()
                .map(|m| MonthLink::new(shared.config, m))
                .collect();
            f.data("months", months);
            f.data("title", "Archive");
        },
        finish: None,
    },
    PageKind {
        kind: Kind::Month,
        template: "month.html",
        count: |site| site.months.len(),
        url: |site, i| Cow::Borrowed(&site.months[i].url_path),
        section: None,
        origin: none,
        lastmod: Some(|site, i| newest(site, &site.months[i].briefings)),
        paginated: Some(Paginated {
            list: |site, i| Listed::Some(&site.months[i].briefings),
            name: "month",
        }),
        fields: |shared, i, f| {
            let month = &shared.site.months[i];
            let link = MonthLink::new(shared.config, month);
            f.data("title", link.label.clone());
            f.data("month", link);
        },
        finish: None,
    },
    PageKind {
        kind: Kind::Stories,
        template: "stories.html",
        count: one,
        url: |_, _| Cow::Borrowed("stories/"),
        section: Some("stories/"),
        origin: none,
        lastmod: Some(|site, _| newest_of_all(site)),
        paginated: None,
        fields: |shared, _, f| {
            f.data("stories", story_entries(shared.config, shared.site));
            f.data("title", "Stories");
        },
        finish: None,
    },
    PageKind {
        kind: Kind::Story,
        template: "story.html",
        count: |site| site.stories.len(),
        url: |site, i| Cow::Borrowed(&site.stories[i].path),
        section: None,
        origin: |site, i| subject_origin(&site.stories[i]),
        lastmod: Some(|site, i| newest(site, &site.stories[i].briefings)),
        paginated: None,
        fields: |shared, i, f| {
            let story = &shared.site.stories[i];
            f.data("title", typographic(shared.config, &story.name));
            f.data("story", StoryPage::new(shared.config, story));
            // The profile's body: the introduction above the timeline.
            f.html("content", &story.note.html, story.note.html_hash);
            f.cards("briefings", &story.briefings[..]);
        },
        finish: None,
    },
    PageKind {
        kind: Kind::Editions,
        template: "editions.html",
        count: |site| usize::from(!site.editions.is_empty()),
        url: |_, _| Cow::Borrowed("editions/"),
        section: Some("editions/"),
        origin: none,
        lastmod: Some(|site, _| site.editions.first().map(|e| e.date.instant)),
        paginated: None,
        fields: |shared, _, f| {
            f.data("editions", edition_entries(shared.config, shared.site));
            f.data(
                "page_feeds",
                feeds::feed_links(shared.config, shared.site, FeedOwner::Editions),
            );
            f.data("title", "Editions");
        },
        finish: None,
    },
    PageKind {
        kind: Kind::Edition,
        template: "edition.html",
        count: |site| site.editions.len(),
        url: |site, i| Cow::Borrowed(&site.editions[i].url_path),
        section: None,
        origin: edition_origin,
        lastmod: Some(|site, i| Some(site.editions[i].date.instant)),
        paginated: None,
        fields: |shared, i, f| {
            edition_fields(shared, i, f);
            let link =
                |e: Option<usize>| e.map(|e| edition_link(shared.config, &shared.site.editions[e]));
            let edition = &shared.site.editions[i];
            f.data("previous_edition", link(edition.previous));
            f.data("next_edition", link(edition.next));
            f.data("title", typographic(shared.config, &edition.title));
        },
        finish: None,
    },
    PageKind {
        kind: Kind::EditionEmail,
        template: "email.html",
        count: |site| site.editions.len(),
        url: |site, i| Cow::Owned(format!("{}email.html", site.editions[i].url_path)),
        section: None,
        origin: edition_origin,
        lastmod: None,
        paginated: None,
        fields: |shared, i, f| {
            edition_fields(shared, i, f);
            f.data(
                "title",
                typographic(shared.config, &shared.site.editions[i].title),
            );
        },
        finish: Some(email::html),
    },
    PageKind {
        kind: Kind::EditionText,
        template: "email.txt",
        count: |site| site.editions.len(),
        url: |site, i| Cow::Owned(format!("{}email.txt", site.editions[i].url_path)),
        section: None,
        origin: edition_origin,
        lastmod: None,
        paginated: None,
        fields: |shared, i, f| {
            edition_fields(shared, i, f);
            let edition = &shared.site.editions[i];
            f.data("note_text", email::html_to_text(&edition.note.html));
            f.data("title", typographic(shared.config, &edition.title));
        },
        finish: Some(email::text),
    },
    PageKind {
        kind: Kind::Page,
        template: "page.html",
        count: |site| site.pages.len(),
        url: |site, i| Cow::Borrowed(&site.pages[i].url_path),
        section: None,
        origin: |site, i| {
            Some(Origin {
                path: site.pages[i].path.clone(),
                line: None,
            })
        },
        lastmod: Some(|site, _| newest_of_all(site)),
        paginated: None,
        fields: |shared, i, f| {
            let page = &shared.site.pages[i];
            let title = typographic(shared.config, &page.title);
            f.data("title", title.clone());
            f.data(
                "page",
                NavLink {
                    title: title.into_owned(),
                    url: shared.config.url(&page.url_path),
                },
            );
            f.data("extra", &page.extra);
            f.html("content", &page.note.html, page.note.html_hash);
        },
        finish: None,
    },
    PageKind {
        kind: Kind::Search,
        template: "search.html",
        count: one,
        url: |_, _| Cow::Borrowed("search/"),
        section: Some("search/"),
        origin: none,
        lastmod: Some(|site, _| newest_of_all(site)),
        paginated: None,
        fields: |shared, _, f| {
            f.data("title", "Search");
            f.data("search_index", shared.config.url(search::INDEX_FILE));
        },
        finish: None,
    },
    PageKind {
        kind: Kind::NotFound,
        template: "404.html",
        count: one,
        url: |_, _| Cow::Borrowed("404.html"),
        section: None,
        origin: none,
        lastmod: None,
        paginated: None,
        fields: |_, _, f| f.data("title", "Page not found"),
        finish: None,
    },
];

impl Kind {
    pub fn entry(self) -> &'static PageKind {
        // The table lists the kinds in the enum's order (a test holds it to that).
        &KINDS[self as usize]
    }
}

impl PageJob {
    /// Every page of the site, kind by kind in table order.
    pub fn all(config: &Config, site: &Site) -> Vec<PageJob> {
        let mut jobs = Vec::new();
        for entry in KINDS {
            for index in 0..(entry.count)(site) {
                let pages = entry.paginated.as_ref().map_or(1, |p| {
                    let len = (p.list)(site, index).len();
                    per_page(config, p.name).map_or(1, |size| Pages { len, size }.count())
                });
                // The front page, then the others from the newest.
                jobs.extend((0..pages).map(|at| PageJob {
                    kind: entry.kind,
                    index,
                    page: if at == 0 { 0 } else { pages - at },
                }));
            }
        }
        jobs
    }

    /// Site-relative URL path of the page (`""` for home); later pages of
    /// a list are under it, at `page/N/`.
    pub fn url_path(self, site: &Site) -> Cow<'_, str> {
        let first = (self.kind.entry().url)(site, self.index);
        match self.page {
            0 => first,
            n => Cow::Owned(format!("{first}page/{n}/")),
        }
    }

    /// Where the page is written: pretty URLs, `<path>/index.html`, unless
    /// the URL names a file.
    pub fn file(self, site: &Site) -> String {
        let url = self.url_path(site);
        if url.is_empty() || url.ends_with('/') {
            format!("{url}index.html")
        } else {
            url.into_owned()
        }
    }

    pub fn template(self) -> &'static str {
        self.kind.entry().template
    }

    pub fn origin(self, site: &Site) -> Option<Origin> {
        (self.kind.entry().origin)(site, self.index)
    }

    /// What the table says is done to the rendered text before it is written.
    pub fn finish(self) -> Option<FinishFn> {
        self.kind.entry().finish
    }

    /// The page's line in the sitemap, if it has one: its URL path and
    /// when it last changed.
    pub fn lastmod(self, site: &Site) -> Option<Option<DateTime<FixedOffset>>> {
        self.kind
            .entry()
            .lastmod
            .map(|lastmod| lastmod(site, self.index))
    }

    /// What the page's template sees beyond `site`, `url` and `permalink`.
    pub(crate) fn fields<'a>(self, shared: &Shared<'a>) -> Fields<'a> {
        let mut fields = Fields::default();
        fields.numbered = self.page > 0;
        let url = self.url_path(shared.site);
        fields.data("url", shared.config.url(&url));
        fields.data("permalink", shared.config.permalink(&url));
        if let Some(paginated) = &self.kind.entry().paginated {
            let list = (paginated.list)(shared.site, self.index);
            let size = per_page(shared.config, paginated.name).unwrap_or(list.len().max(1));
            let pages = Pages {
                len: list.len(),
                size,
            };
            let total = pages.count();
            let at = pages.position(self.page);
            // From the front page (position 0) to the oldest.
            let page_url = |at: usize| {
                let job = PageJob {
                    page: pages.number(at),
                    ..self
                };
                shared.config.url(&job.url_path(shared.site))
            };
            fields.data(
                "paginator",
                Paginator {
                    current: total - at,
                    total,
                    first: page_url(0),
                    last: page_url(total - 1),
                    previous: at.checked_sub(1).map(page_url),
                    next: (at + 1 < total).then(|| page_url(at + 1)),
                    count: (at == 0).then_some(list.len()),
                },
            );
            fields.cards("briefings", list.part(pages.range(at)));
        }
        (self.kind.entry().fields)(shared, self.index, &mut fields);
        fields
    }
}

/// How a list of `len` briefings, newest first, is split into pages of
/// `size`. Pages are counted from the oldest, so that a page's address
/// keeps the same briefings as new ones are added: a new briefing changes
/// the front page, and only every `size`-th one adds a page. The front
/// page holds the newest `size` to `2 × size − 1`; page `k` (at
/// `page/k/`) the `k`-th `size` from the oldest.
#[derive(Debug, Clone, Copy)]
struct Pages {
    len: usize,
    size: usize,
}

impl Pages {
    fn count(self) -> usize {
        match self.size {
            0 => 1,
            size => (self.len / size).max(1),
        }
    }

    /// Where the page numbered `page` (0: the front) is, from the front.
    fn position(self, page: usize) -> usize {
        match page {
            0 => 0,
            n => self.count().saturating_sub(n),
        }
    }

    /// The number of the page at `position` from the front (0: the front).
    fn number(self, position: usize) -> usize {
        match position {
            0 => 0,
            at => self.count() - at,
        }
    }

    /// The list's positions (newest first) on the page at `position`.
    fn range(self, position: usize) -> std::ops::Range<usize> {
        let count = self.count();
        let end = |at: usize| match count - 1 - at {
            0 => self.len,
            later => self.len - later * self.size,
        };
        let start = match position {
            0 => 0,
            at => end(at - 1),
        };
        start..end(position)
    }
}

/// Briefings per page of the list named `name` in `paginate`; `None`
/// puts the whole list on one page.
fn per_page(config: &Config, name: &str) -> Option<usize> {
    match name {
        "home" => Some(config.home_briefings).filter(|&n| n > 0),
        name => config.paginate.per_page(name),
    }
}

/// The files that list the whole site, beside its pages and feeds.
pub const INDEX_FILES: &[&str] = &[
    sitemap::SITEMAP,
    sitemap::NEWS_SITEMAP,
    sitemap::ROBOTS,
    search::INDEX_FILE,
];

/// The templates every theme must have.
pub fn templates() -> impl Iterator<Item = &'static str> {
    KINDS.iter().map(|k| k.template)
}

/// How many of a story's briefings a briefing page's timeline shows: the
/// ones nearest it, the story's own page listing them all. A story of
/// thousands would otherwise put thousands of links on each of its
/// thousands of pages, output growing with the square of its length.
const TIMELINE_WINDOW: usize = 11;

/// The `n` entries of `list` nearest `i`'s place in it (the first `n` if
/// it is not there), in their order.
fn nearest(list: &[usize], i: usize, n: usize) -> &[usize] {
    let at = list.iter().position(|&x| x == i).unwrap_or(0);
    let start = at.saturating_sub(n / 2).min(list.len().saturating_sub(n));
    &list[start..list.len().min(start + n)]
}

fn briefing_fields<'a>(shared: &Shared<'a>, i: usize, f: &mut Fields<'a>) {
    let site = shared.site;
    let b = &site.briefings[i];
    f.memo("page", Memo::Page, i);
    f.memo("json_ld", Memo::JsonLd, i);
    f.body("content", i);
    f.memo("title", Memo::Title, i);
    let editions: Vec<EditionLink> = b
        .editions
        .iter()
        .map(|&e| edition_link(shared.config, &site.editions[e]))
        .collect();
    f.data("editions", editions);
    // Each other briefing is linked once in the page's navigation, in the
    // first place it has: the story's timeline (the story is why a reader
    // came), then previous and next, then the briefings linking here (an
    // editor's choice), then related ones (a guess). Links in the body
    // stay as written.
    // A briefing in several stories shows each story's timeline; one
    // already shown by an earlier timeline is left out of a later one.
    let mut shown: Vec<usize> = vec![i];
    let mut timelines = Vec::new();
    for &s in &b.stories {
        let story = &site.stories[s];
        let list: Vec<usize> = nearest(&story.briefings, i, TIMELINE_WINDOW)
            .iter()
            .copied()
            .filter(|&x| x == i || !shown.contains(&x))
            .collect();
        shown.extend(&list);
        timelines.push(Group {
            title: typographic(shared.config, &story.name),
            url: Some(shared.config.url(&story.path)),
            briefings: Cow::Owned(list),
        });
    }
    f.groups("story_timelines", timelines);
    let mut once = |list: &mut dyn Iterator<Item = usize>| -> Vec<usize> {
        let fresh: Vec<usize> = list.filter(|x| !shown.contains(x)).collect();
        shown.extend(&fresh);
        fresh
    };
    let previous = once(&mut b.previous.into_iter()).first().copied();
    let next = once(&mut b.next.into_iter()).first().copied();
    f.card("previous", previous);
    f.card("next", next);
    let backlinks = once(&mut b.backlinks.iter().copied());
    let related = once(&mut b.related.iter().copied());
    f.cards("backlinks", backlinks);
    f.cards("related", related);
}

fn subject_fields<'a>(shared: &Shared<'a>, owner: FeedOwner, f: &mut Fields<'a>) {
    let (config, site) = (shared.config, shared.site);
    let subject = match owner {
        FeedOwner::Topic(i) => &site.topics[i],
        FeedOwner::Person(i) => &site.people[i],
        FeedOwner::Site | FeedOwner::Editions => return,
    };
    f.data("page_feeds", feeds::feed_links(config, site, owner));
    f.data("title", typographic(config, &subject.name));
    let mut page = SubjectPage::new(config, subject);
    if f.numbered {
        // The profile, the mentions and the count are the front page's.
        page.count = None;
        f.data("page", page);
        return;
    }
    f.data("page", page);
    f.html("content", &subject.note.html, subject.note.html_hash);
    // The newest few: the list grows with the archive, and a page must not.
    let mentioned = &subject.mentioned_in[..subject.mentioned_in.len().min(MENTIONED)];
    f.cards("mentioned_in", mentioned);
    f.data("mentioned_count", subject.mentioned_in.len());
}

/// What an edition's page, e-mail and text show of it: the edition, its
/// note, its lead and briefings as cards, its sections.
fn edition_fields<'a>(shared: &Shared<'a>, e: usize, f: &mut Fields<'a>) {
    let edition = &shared.site.editions[e];
    f.data("edition", EditionValue::new(shared.config, edition));
    f.html("note", &edition.note.html, edition.note.html_hash);
    f.card("lead", Some(edition.lead));
    f.cards("edition_briefings", &edition.briefings[..]);
    f.groups(
        "sections",
        edition
            .sections
            .iter()
            .map(|s| Group {
                title: Cow::Borrowed(s.title.as_str()),
                url: None,
                briefings: Cow::Borrowed(&s.briefings[..]),
            })
            .collect(),
    );
}

fn edition_origin(site: &Site, i: usize) -> Option<Origin> {
    Some(Origin {
        path: site.editions[i].path.clone(),
        line: None,
    })
}

/// How many of the briefings that mention a topic or person without
/// listing it its page shows.
const MENTIONED: usize = 20;

fn subject_origin(s: &crate::graph::Subject) -> Option<Origin> {
    Some(Origin {
        path: s.defined_in.clone(),
        line: s.defined_line,
    })
}

fn newest(site: &Site, list: &[usize]) -> Option<DateTime<FixedOffset>> {
    list.iter().map(|&i| modified(site, i)).max()
}

/// Lists of everything, and free pages, which carry no date of their own.
fn newest_of_all(site: &Site) -> Option<DateTime<FixedOffset>> {
    site.last_modified
}

fn modified(site: &Site, i: usize) -> DateTime<FixedOffset> {
    let b = &site.briefings[i];
    match &b.updated {
        Some(u) if u.instant > b.date.instant => u.instant,
        _ => b.date.instant,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_lists_each_kind_once_in_the_enums_order() {
        for (i, entry) in KINDS.iter().enumerate() {
            assert_eq!(entry.kind as usize, i, "{:?} is out of place", entry.kind);
        }
        let mut templates: Vec<&str> = templates().collect();
        templates.sort();
        templates.dedup();
        assert_eq!(templates.len(), KINDS.len());
    }

    /// Every position of the list on exactly one page, newest first.
    fn split(len: usize, size: usize) -> Vec<Vec<usize>> {
        let pages = Pages { len, size };
        (0..pages.count())
            .map(|at| pages.range(at).collect())
            .collect()
    }

    #[test]
    fn pages_are_counted_from_the_oldest_and_the_front_page_holds_the_rest() {
        assert_eq!(split(0, 3), vec![Vec::<usize>::new()]);
        assert_eq!(split(2, 3), vec![vec![0, 1]]);
        assert_eq!(split(5, 2), vec![vec![0, 1, 2], vec![3, 4]]);
        assert_eq!(split(6, 2), vec![vec![0, 1], vec![2, 3], vec![4, 5]]);
        for len in 0..40 {
            for size in 1..7 {
                let pages = split(len, size);
                let all: Vec<usize> = pages.concat();
                assert_eq!(all, (0..len).collect::<Vec<_>>(), "{len} by {size}");
                if len >= size {
                    assert!(
                        (size..2 * size).contains(&pages[0].len()),
                        "{len} by {size}"
                    );
                    assert!(pages[1..].iter().all(|p| p.len() == size));
                }
            }
        }
    }

    #[test]
    fn a_new_briefing_leaves_every_numbered_page_as_it_was() {
        // The list newest first: a new briefing is a new position 0, and
        // the briefing at position `i` is at `i + 1`.
        let size = 3;
        for len in size..40 {
            let (before, after) = (Pages { len, size }, Pages { len: len + 1, size });
            if after.count() != before.count() {
                continue;
            }
            for number in 1..before.count() {
                let was: Vec<usize> = before.range(before.position(number)).collect();
                let now: Vec<usize> = after.range(after.position(number)).map(|i| i - 1).collect();
                assert_eq!(was, now, "page {number} of {len}");
            }
        }
        // A page number is its position counted from the oldest.
        let pages = Pages { len: 10, size: 3 };
        assert_eq!((pages.number(1), pages.number(2)), (2, 1));
        assert_eq!((pages.position(2), pages.position(1)), (1, 2));
    }
}

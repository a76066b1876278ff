//! The link stage: from loaded files to the site graph. Resolves names to
//! topics and people, gives every briefing its slug and URL, renders the
//! Markdown with internal links resolved, checks those links, and builds
//! the indexes the pages list: by topic, by person, by month, by story.

mod bodies;
mod editions;
mod mentions;
mod patch;
mod places;
mod related;
mod subjects;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;

use crate::content::{Content, Date, Loaded, Source};
use crate::error::{Error, Errors};
use crate::slug::{check_written, slugify, strip_date_prefix};
pub use bodies::{BodyCache, Html, Note};
pub use editions::Edition;
pub use patch::{patch_briefings, Patched};
pub use related::RelatedMemo;
pub use subjects::{Directory, Person, Story, Subject, Topic};

/// A briefing's social-card picture.
#[derive(Debug, Clone)]
pub struct Image {
    pub url: String,
    /// What it shows, in words.
    pub alt: String,
}

/// A briefing as the site means it: what its own file says, shared with
/// later link passes, and what the rest of the site makes of it.
#[derive(Debug, Clone)]
pub struct Briefing {
    pub matter: Arc<Matter>,
    /// As written, else the body's first paragraph.
    pub summary: String,
    pub topics: Vec<usize>,
    pub people: Vec<usize>,
    /// The running stories it belongs to, as listed.
    pub stories: Vec<usize>,
    pub html: Html,
    /// Digest of `html`, to tell cheaply whether it changed.
    pub html_hash: u64,
    pub word_count: usize,
    /// Minutes, at 200 words a minute, at least one.
    pub reading_time: usize,
    /// The next older and the next newer briefing.
    pub previous: Option<usize>,
    pub next: Option<usize>,
    pub related: Vec<usize>,
    /// Briefings whose body links to this one.
    pub backlinks: Vec<usize>,
    /// Editions that carry it, newest first.
    pub editions: Vec<usize>,
    /// The loaded file's revision, for reusing an earlier render.
    revision: u64,
    body: Arc<str>,
    body_line: usize,
}

impl std::ops::Deref for Briefing {
    type Target = Matter;

    fn deref(&self) -> &Matter {
        &self.matter
    }
}

/// What a briefing's front-matter and file name say, checked. Made once for
/// each version of the front-matter: a link pass takes it from the last one
/// when the front-matter is the same, and so are the file's place and the
/// slug rule (`Prepared::of`). Whatever else `prepare_matter` comes to
/// read must be checked there too.
#[derive(Debug)]
pub struct Matter {
    pub path: PathBuf,
    pub key: String,
    pub title: String,
    pub slug: String,
    /// Site-relative: `briefings/<slug>/`.
    pub url_path: String,
    pub date: Date,
    pub updated: Option<Date>,
    /// As written, trimmed; may be empty.
    pub summary: String,
    pub sources: Vec<Source>,
    /// The picture a shared link shows, as written (a URL or a site path).
    pub image: Option<Image>,
    /// The zone its page shows its time in, when it names one.
    pub zone: Option<chrono_tz::Tz>,
    pub draft: bool,
    pub extra: BTreeMap<String, serde_yaml::Value>,
    /// A digest of its front-matter text: the same text makes the same matter.
    pub front_matter: u64,
    /// Where some front-matter keys are, for warnings.
    pub lines: KeyLines,
    /// Link the first mention of each listed person and topic.
    link_mentions: bool,
    /// Whether the slug was made with transliteration.
    transliterate: bool,
    /// Topics, people and stories as named, with the line naming them.
    names: [(Vec<String>, Option<usize>); 3],
}

impl Matter {
    /// Whether `other` puts its briefing where this one does: the same
    /// file, address, dates, state and names, so that the site's lists,
    /// order, related briefings and rendered bodies stand. Only what its
    /// pages show of it may differ: title, summary, sources, picture,
    /// extra (and where the keys are in the file).
    pub(super) fn same_place(&self, other: &Matter) -> bool {
        // Every field named, so that a new one is placed here too.
        let Matter {
            path,
            key,
            title: _,
            slug,
            url_path,
            date,
            updated,
            summary: _,
            sources: _,
            image: _,
            zone,
            draft,
            extra: _,
            front_matter: _,
            lines: _,
            link_mentions,
            transliterate,
            names,
        } = self;
        let same_names = names.iter().zip(&other.names).all(|(a, b)| a.0 == b.0);
        *path == other.path
            && *key == other.key
            && *slug == other.slug
            && *url_path == other.url_path
            && same_date(date, &other.date)
            && match (updated, &other.updated) {
                (Some(a), Some(b)) => same_date(a, b),
                (a, b) => a.is_none() && b.is_none(),
            }
            && *zone == other.zone
            && *draft == other.draft
            && *link_mentions == other.link_mentions
            && *transliterate == other.transliterate
            && same_names
    }
}

/// The same date as written: the same moment (what `Date`'s `==` compares)
/// in the same offset, which decides the day it is filed under and the
/// time pages and the sitemap show.
fn same_date(a: &Date, b: &Date) -> bool {
    a == b && a.instant.offset() == b.instant.offset() && a.date_only == b.date_only
}

/// File lines of front-matter keys, for `briefing check`'s warnings.
#[derive(Debug, Clone, Copy, Default)]
pub struct KeyLines {
    pub title: usize,
    pub topics: usize,
    pub sources: usize,
    /// Where a hand-written `slug:` is, if there is one.
    pub slug: Option<(usize, usize)>,
    /// Where `image:`'s value is, if there is one.
    pub image: Option<(usize, usize)>,
}

/// A free page: about, corrections policy.
#[derive(Debug, Clone)]
pub struct Page {
    pub path: PathBuf,
    pub key: String,
    pub title: String,
    pub slug: String,
    pub url_path: String,
    pub note: Note,
    pub extra: BTreeMap<String, serde_yaml::Value>,
    /// Listed in the menu every page shows.
    pub in_menu: bool,
}

/// One month of the archive.
#[derive(Debug, Clone)]
pub struct Month {
    pub year: i32,
    pub month: u32,
    /// `archive/2025/09/`
    pub url_path: String,
    /// Newest first.
    pub briefings: Vec<usize>,
}

/// The whole site, linked. Briefings are ordered newest first; every other
/// list refers to them by index.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub briefings: Vec<Briefing>,
    pub topics: Vec<Topic>,
    pub people: Vec<Person>,
    pub pages: Vec<Page>,
    pub stories: Vec<Story>,
    pub months: Vec<Month>,
    /// Newest first.
    pub editions: Vec<Edition>,
    /// When any briefing last changed (its `updated`, else its date): what
    /// the lists of everything last changed with.
    pub last_modified: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub warnings: Vec<Error>,
    /// The rendered bodies, for the next link pass over a changed site.
    pub bodies: BodyCache,
    /// Related briefings as computed, for the next link pass.
    pub related: RelatedMemo,
    /// What each briefing file said, in the order the files were read
    /// (None for a draft left out or a file that failed), for the next
    /// link pass. A patch does not update it: the next pass finds the
    /// front-matter changed and reads it again.
    pub(crate) matters: Vec<Option<Arc<Matter>>>,
    /// Which version of a site this is: each link pass and each patch
    /// makes a new one, so what was made of a site can tell it is still
    /// of the site as it is.
    pub generation: u64,
}

/// A generation no site has had yet.
fn next_generation() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static GENERATIONS: AtomicU64 = AtomicU64::new(1);
    GENERATIONS.fetch_add(1, Ordering::Relaxed)
}

impl Site {
    /// Each briefing's index, by its `@/` key.
    pub fn index_by_key(&self) -> crate::digest::Map<&str, usize> {
        self.briefings
            .iter()
            .enumerate()
            .map(|(i, b)| (b.key.as_str(), i))
            .collect()
    }
}

/// How to link, and what an earlier pass made that may be reused.
pub struct LinkOptions<'a> {
    pub drafts: bool,
    /// Bodies rendered by an earlier pass over the same site.
    pub cache: &'a BodyCache,
    /// Related briefings from an earlier pass, reused if their inputs match.
    pub related: &'a RelatedMemo,
    /// What an earlier pass's files said (`Site::matters`): reused for
    /// the same front-matter.
    pub earlier: &'a [Option<Arc<Matter>>],
}

/// The link stage that goes on past errors: the site as far as it could be
/// linked, and every problem found. `briefing check` reports both.
pub fn link_all(config: &Config, mut content: Content, options: &LinkOptions) -> (Site, Errors) {
    // Errors from loading are reported together with the link stage's own.
    let mut errors = std::mem::take(&mut content.errors);
    let mut unchecked = std::mem::take(&mut content.failed);
    let transliterate = config.slugs.transliterate;
    let mut directories = Directories::new(&content, transliterate, &mut errors);
    let mut drafts_left_out = HashSet::new();
    let (briefings, matters) = link_briefings(
        std::mem::take(&mut content.briefings),
        options,
        transliterate,
        &mut directories,
        &mut drafts_left_out,
        &mut unchecked,
        &mut errors,
    );
    let pages = link_pages(
        std::mem::take(&mut content.pages),
        options.drafts,
        transliterate,
        &mut drafts_left_out,
        &mut errors,
    );
    check_menu(&pages, config.limits.menu_pages, &mut errors);
    let mut site = Site {
        briefings,
        topics: directories.topics.subjects,
        people: directories.people.subjects,
        pages,
        stories: directories.stories.subjects,
        months: Vec::new(),
        editions: Vec::new(),
        last_modified: None,
        warnings: content.warnings,
        bodies: BodyCache::default(),
        related: RelatedMemo::default(),
        matters,
        generation: next_generation(),
    };
    editions::link(
        &mut site,
        std::mem::take(&mut content.editions),
        &drafts_left_out,
        &unchecked,
        options.drafts,
        &mut errors,
    );
    site.bodies = bodies::render_markdown(
        config,
        &mut site,
        &drafts_left_out,
        &unchecked,
        &mut errors,
        options.cache,
    );
    build_indexes(config, &mut site, options.related);
    (site, errors)
}

/// The topics, people and stories of a site, from their profiles and then
/// from the names briefings give.
struct Directories {
    topics: Directory,
    people: Directory,
    stories: Directory,
}

impl Directories {
    fn new(content: &Content, transliterate: bool, errors: &mut Errors) -> Directories {
        let mut directories = Directories {
            topics: Directory::new("topics", transliterate),
            people: Directory::new("people", transliterate),
            stories: Directory::new("stories", transliterate),
        };
        directories.topics.add_profiles(&content.topics, errors);
        directories.people.add_profiles(&content.people, errors);
        directories.stories.add_profiles(&content.stories, errors);
        directories
    }

    /// Put each directory in the order of its addresses, and the
    /// briefings' references with them (see `put_in_address_order`).
    fn put_in_address_order(&mut self, briefings: &mut [Briefing]) {
        let moves = [
            self.topics.put_in_address_order(),
            self.people.put_in_address_order(),
            self.stories.put_in_address_order(),
        ];
        for b in briefings {
            for (indexes, moved) in [&mut b.topics, &mut b.people, &mut b.stories]
                .into_iter()
                .zip(&moves)
            {
                for i in indexes.iter_mut() {
                    *i = moved[*i];
                }
            }
        }
    }
}

/// The briefings, drafts left out unless `drafts`, their names resolved,
/// newest first. A briefing that fails is left out, and links to it are
/// not also reported (`unchecked`).
fn link_briefings(
    loaded: Vec<Arc<Loaded<crate::content::FrontMatter>>>,
    options: &LinkOptions,
    transliterate: bool,
    directories: &mut Directories,
    drafts_left_out: &mut HashSet<String>,
    unchecked: &mut HashSet<String>,
    errors: &mut Errors,
) -> (Vec<Briefing>, Vec<Option<Arc<Matter>>>) {
    let earlier = options.earlier;
    let places = places::places_before(
        earlier,
        |m| m.as_ref().map(|m| m.key.as_str()),
        &loaded,
        |l| l.key.as_str(),
    );
    // Everything that needs no other file, in parallel; then the names, in
    // file order, since the first file to write a name defines it.
    let prepared: Vec<Prepared> = loaded
        .into_par_iter()
        .zip(places)
        .map(|(loaded, place)| {
            let earlier = place.and_then(|p| earlier[p].as_ref());
            Prepared::of(loaded, earlier, options.drafts, transliterate)
        })
        .collect();
    let by_file: Vec<Option<Arc<Matter>>> = prepared
        .iter()
        .map(|p| match p {
            Prepared::Ready(b) => Some(b.matter.clone()),
            Prepared::Draft(_) | Prepared::Failed(..) => None,
        })
        .collect();
    let mut briefings = Vec::with_capacity(prepared.len());
    for prepared in prepared {
        match prepared {
            Prepared::Ready(briefing) => briefings.push(briefing),
            Prepared::Draft(key) => {
                drafts_left_out.insert(key);
            }
            Prepared::Failed(key, e) => {
                unchecked.insert(key);
                errors.push(e);
            }
        }
    }
    // Names resolve in file order, one after another; the slugs are
    // checked meanwhile.
    let (slug_errors, ()) = rayon::join(
        || unique_slugs(by_file.iter().flatten()),
        || {
            for briefing in &mut briefings {
                briefing.resolve(directories);
            }
        },
    );
    directories.topics.check_slugs(errors);
    directories.people.check_slugs(errors);
    directories.stories.check_slugs(errors);
    errors.0.extend(slug_errors.0);
    directories.put_in_address_order(&mut briefings);
    (newest_first(briefings), by_file)
}

/// `briefings` newest first; the slug breaks ties so the order never
/// depends on the file system (and file order, two equal slugs). Sorted by
/// dates copied out, each briefing's sitting behind a pointer.
fn newest_first(briefings: Vec<Briefing>) -> Vec<Briefing> {
    let mut order: Vec<_> = briefings
        .iter()
        .enumerate()
        .map(|(i, b)| (b.date.instant, i))
        .collect();
    order.sort_unstable_by(|&(a_date, a), &(b_date, b)| {
        b_date
            .cmp(&a_date)
            .then_with(|| briefings[a].slug.cmp(&briefings[b].slug))
            .then(a.cmp(&b))
    });
    let mut unsorted: Vec<Option<Briefing>> = briefings.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&(_, i)| unsorted[i].take())
        .collect()
}

/// Free pages, drafts left out unless `drafts`, each slug once.
fn link_pages(
    loaded: Vec<Loaded<crate::content::PageMatter>>,
    drafts: bool,
    transliterate: bool,
    drafts_left_out: &mut HashSet<String>,
    errors: &mut Errors,
) -> Vec<Page> {
    let mut pages = Vec::new();
    for loaded in loaded {
        if loaded.meta.draft == Some(true) && !drafts {
            drafts_left_out.insert(loaded.key.clone());
            continue;
        }
        match resolve_page(loaded, transliterate) {
            Ok(page) => pages.push(page),
            Err(e) => errors.push(e),
        }
    }
    check_unique_pages(&pages, errors);
    pages
}

/// At most `limit` pages in the menu: every page of the site lists them.
fn check_menu(pages: &[Page], limit: usize, errors: &mut Errors) {
    let in_menu = pages.iter().filter(|p| p.in_menu);
    if let Some(first_over) = in_menu.clone().nth(limit) {
        let count = in_menu.count();
        errors.push(
            Error::at(
                &first_over.path,
                format!("{count} pages are in the menu, which every page shows; at most {limit} are allowed: give the others `menu: false` (limits: {{menu_pages: …}} in briefing.yaml)"),
            )
            .on_line(1),
        );
    }
}

/// A briefing file, checked on its own, before its names are resolved
/// against the rest of the site.
enum Prepared {
    Ready(Briefing),
    /// A draft, left out: its key.
    Draft(String),
    Failed(String, Error),
}

impl Prepared {
    /// `loaded`, taking what `earlier` (the last pass's matter of the same
    /// file) made of the same front-matter under the same slug rule.
    fn of(
        loaded: Arc<Loaded<crate::content::FrontMatter>>,
        earlier: Option<&Arc<Matter>>,
        drafts: bool,
        transliterate: bool,
    ) -> Prepared {
        if loaded.meta.draft == Some(true) && !drafts {
            return Prepared::Draft(loaded.key.clone());
        }
        let known = earlier.filter(|m| {
            m.front_matter == loaded.front_matter
                && m.transliterate == transliterate
                // Byte for byte: a path compared part by part was a tenth
                // of this pass.
                && m.path.as_os_str() == loaded.path.as_os_str()
        });
        let body = (loaded.revision, loaded.body.clone(), loaded.body_line);
        if let Some(matter) = known {
            return Prepared::Ready(Briefing::new(matter.clone(), body));
        }
        let key = loaded.key.clone();
        // Unshared in a build: taken apart rather than copied.
        match prepare_matter(Arc::unwrap_or_clone(loaded), transliterate) {
            Ok(matter) => Prepared::Ready(Briefing::new(Arc::new(matter), body)),
            Err(e) => Prepared::Failed(key, e),
        }
    }
}

impl Briefing {
    /// The zone its times are shown in: its own, else the site's.
    pub fn shown_zone(&self, config: &Config) -> Option<chrono_tz::Tz> {
        self.zone.or(config.zone)
    }

    /// `loaded`'s briefing, its front-matter read as `matter`; its names
    /// not resolved yet, its body not rendered.
    fn new(matter: Arc<Matter>, (revision, body, body_line): (u64, Arc<str>, usize)) -> Briefing {
        Briefing {
            summary: matter.summary.clone(),
            matter,
            topics: Vec::new(),
            people: Vec::new(),
            stories: Vec::new(),
            html: Html::default(),
            html_hash: 0,
            word_count: 0,
            reading_time: 1,
            previous: None,
            next: None,
            related: Vec::new(),
            backlinks: Vec::new(),
            editions: Vec::new(),
            revision,
            body,
            body_line,
        }
    }

    /// Resolve the topics, people and stories it names.
    fn resolve(&mut self, directories: &mut Directories) {
        let matter = &*self.matter;
        let [topics, people, stories] = &matter.names;
        let resolve_all = |(names, line): &(Vec<String>, Option<usize>),
                           directory: &mut Directory| {
            let mut out: Vec<usize> = Vec::with_capacity(names.len());
            for name in names {
                if let Some(i) = directory.resolve(name, &matter.path, *line) {
                    if !out.contains(&i) {
                        out.push(i);
                    }
                }
            }
            out
        };
        self.topics = resolve_all(topics, &mut directories.topics);
        self.people = resolve_all(people, &mut directories.people);
        self.stories = resolve_all(stories, &mut directories.stories);
    }
}

/// What `loaded`'s front-matter and file name say, checked.
fn prepare_matter(
    loaded: Loaded<crate::content::FrontMatter>,
    transliterate: bool,
) -> Result<Matter, Error> {
    let title = match loaded.meta.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            return Err(loaded.error_at(
                "title",
                "'title' is required (for example `title: Putin and Xi hold talks in Beijing`)",
            ))
        }
    };
    let Some(date) = read_date(&loaded, "date", loaded.meta.date.as_ref())? else {
        return Err(loaded.error_at(
            "date",
            "'date' is required (for example `date: 2025-09-02` or `date: 2025-09-02T10:00:00+08:00`)",
        ));
    };
    let updated = read_date(&loaded, "updated", loaded.meta.updated.as_ref())?;
    if let Some(s) = loaded.meta.slug.as_deref() {
        check_written(s).map_err(|e| loaded.error_at("slug", e))?;
    }
    let zone = match loaded.meta.timezone.as_deref() {
        Some(name) => {
            Some(crate::config::read_zone(name).map_err(|m| loaded.error_at("timezone", m))?)
        }
        None => None,
    };
    let meta = loaded.meta;
    let path = loaded.path;
    let slug = briefing_slug(meta.slug.as_deref(), &path, transliterate)?;
    let keys = loaded.keys;
    let place = |key: &str| {
        keys.iter()
            .find(|(k, _, _)| k == key)
            .map(|(_, l, c)| (*l, *c))
    };
    let line_of = |key: &str| place(key).map(|(line, _)| line);
    let topic_names = (meta.topics.unwrap_or_default(), line_of("topics"));
    let person_names = (meta.people.unwrap_or_default(), line_of("people"));
    let story_names = (meta.story.unwrap_or_default(), line_of("story"));
    let lines = KeyLines {
        title: line_of("title").unwrap_or(1),
        topics: line_of("topics").unwrap_or(1),
        sources: line_of("sources").unwrap_or(1),
        slug: place("slug"),
        image: place("image"),
    };
    Ok(Matter {
        key: loaded.key,
        title,
        url_path: format!("briefings/{slug}/"),
        slug,
        date,
        updated,
        summary: meta
            .summary
            .map(|s| s.trim().to_string())
            .unwrap_or_default(),
        sources: meta.sources.unwrap_or_default(),
        // The load stage's rules hold an image to having its words.
        image: meta.image.map(|url| Image {
            url,
            alt: meta.image_alt.unwrap_or_default().trim().to_string(),
        }),
        zone,
        draft: meta.draft.unwrap_or(false),
        extra: meta.extra.unwrap_or_default(),
        link_mentions: meta.link_mentions.unwrap_or(true),
        transliterate,
        front_matter: loaded.front_matter,
        lines,
        names: [topic_names, person_names, story_names],
        path,
    })
}

/// A briefing's slug: as written, else from its file name without the date.
pub(crate) fn briefing_slug(
    written: Option<&str>,
    path: &Path,
    transliterate: bool,
) -> Result<String, Error> {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let slug = match written {
        Some(s) => s.to_string(),
        None => slugify(strip_date_prefix(stem), transliterate),
    };
    if slug.is_empty() {
        return Err(Error::at(
            path,
            "the file name gives an empty slug: rename the file or set 'slug'",
        ));
    }
    // A written one was checked with the rest (`check_written`).
    if let Some(message) = crate::slug::too_long(&slug) {
        return Err(Error::at(
            path,
            format!("{message}: rename the file or set 'slug'"),
        ));
    }
    Ok(slug)
}

pub(super) fn read_date<M>(
    loaded: &Loaded<M>,
    key: &str,
    value: Option<&serde_yaml::Value>,
) -> Result<Option<Date>, Error> {
    match value {
        None | Some(serde_yaml::Value::Null) => Ok(None),
        Some(serde_yaml::Value::String(text)) => Date::parse(text).map(Some).map_err(|e| loaded.error_at(key, e)),
        Some(_) => Err(loaded.error_at(
            key,
            format!("wrong type: '{key}' must be a date such as 2025-09-02 or 2025-09-02T10:00:00+08:00"),
        )),
    }
}

fn resolve_page(
    loaded: Loaded<crate::content::PageMatter>,
    transliterate: bool,
) -> Result<Page, Error> {
    if let Some(s) = loaded.meta.slug.as_deref() {
        check_written(s).map_err(|e| loaded.error_at("slug", e))?;
    }
    let path = loaded.path;
    let title = match loaded.meta.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            return Err(
                Error::at(&path, "'title' is required (for example `title: About`)").on_line(1),
            )
        }
    };
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let slug = match loaded.meta.slug.as_deref() {
        Some(s) => s.to_string(),
        None => slugify(stem, transliterate),
    };
    if slug.is_empty() {
        return Err(Error::at(
            &path,
            "the file name gives an empty slug: rename the file or set 'slug'",
        ));
    }
    Ok(Page {
        key: loaded.key,
        title,
        url_path: format!("{slug}/"),
        slug,
        note: Note::new(loaded.body, loaded.body_line),
        extra: loaded.meta.extra.unwrap_or_default(),
        in_menu: loaded.meta.menu.unwrap_or(true),
        path,
    })
}

/// `slug` without case, copied only when it has any.
fn folded(slug: &str) -> std::borrow::Cow<'_, str> {
    match slug
        .bytes()
        .any(|b| !b.is_ascii() || b.is_ascii_uppercase())
    {
        true => slug.to_lowercase().into(),
        false => slug.into(),
    }
}

/// Two briefings published at one address, each an error.
fn unique_slugs<'m>(briefings: impl Iterator<Item = &'m Arc<Matter>> + Clone) -> Errors {
    let mut errors = Errors::default();
    // Compared without case: `News` and `news` are one folder on the
    // case-insensitive disks of macOS and Windows, where the site may be
    // built or served.
    // Which file is named first takes file order: sorted only when two meet.
    let mut all = crate::digest::Set::default();
    if briefings.clone().all(|b| all.insert(folded(&b.slug))) {
        return errors;
    }
    let mut seen: HashMap<std::borrow::Cow<str>, &Matter> = HashMap::new();
    let mut sorted: Vec<&Matter> = briefings.map(|b| &**b).collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    for b in sorted {
        if let Some(first) = seen.get(&folded(&b.slug)) {
            let message = if first.slug == b.slug {
                format!(
                    "the slug '{}' is already taken by {}: both would be published at /briefings/{}/; set a different 'slug'",
                    b.slug,
                    first.path.display(),
                    b.slug
                )
            } else {
                format!(
                    "the slug '{}' differs only in case from '{}' of {}: on a disk that ignores case both would be published at /briefings/{}/; set a different 'slug'",
                    b.slug,
                    first.slug,
                    first.path.display(),
                    first.slug
                )
            };
            let mut error = Error::at(&b.path, message);
            if let Some((line, column)) = b.lines.slug {
                error = error.on_line(line).on_column(column);
            }
            errors.push(error);
        } else {
            seen.insert(folded(&b.slug), b);
        }
    }
    errors
}

fn check_unique_pages(pages: &[Page], errors: &mut Errors) {
    let mut seen: HashMap<&str, &Page> = HashMap::new();
    for p in pages {
        if let Some(first) = seen.insert(&p.slug, p) {
            errors.push(Error::at(
                &p.path,
                format!(
                    "the page slug '{}' is already taken by {}",
                    p.slug,
                    first.path.display()
                ),
            ));
        }
    }
}

fn build_indexes(config: &Config, site: &mut Site, previous: &RelatedMemo) {
    let count = site.briefings.len();
    site.last_modified = site
        .briefings
        .iter()
        .map(|b| match &b.updated {
            Some(u) if u.instant > b.date.instant => u.instant,
            _ => b.date.instant,
        })
        .max();
    let mut months: BTreeMap<(i32, u32), Vec<usize>> = BTreeMap::new();
    for (i, b) in site.briefings.iter().enumerate() {
        for &t in &b.topics {
            site.topics[t].briefings.push(i);
        }
        for &p in &b.people {
            site.people[p].briefings.push(i);
        }
        for &s in &b.stories {
            site.stories[s].briefings.push(i);
        }
        use chrono::Datelike;
        // The month of the day the briefing's page shows.
        let day = b.date.day_in(b.shown_zone(config));
        months.entry((day.year(), day.month())).or_default().push(i);
    }
    site.months = months
        .into_iter()
        .rev()
        .map(|((year, month), briefings)| Month {
            year,
            month,
            url_path: format!("archive/{year}/{month:02}/"),
            briefings,
        })
        .collect();
    // A timeline reads oldest first.
    for story in &mut site.stories {
        story.briefings.reverse();
    }
    let memo = related::compute_or_reuse(
        &site.briefings,
        &site.topics,
        &site.people,
        config.related_briefings,
        previous,
    );
    for (i, (b, rel)) in site.briefings.iter_mut().zip(memo.lists.iter()).enumerate() {
        b.previous = (i + 1 < count).then_some(i + 1);
        b.next = i.checked_sub(1);
        b.related = rel.clone();
    }
    site.related = memo;
}

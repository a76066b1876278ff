//! The Markdown pass of the link stage: every body rendered with its `@/`
//! links resolved and its mentions linked, then every link and anchor
//! checked against what the targets turned out to contain. Renders from an
//! earlier pass are reused when neither the body nor anything its rendering
//! reads has changed, which is what makes the preview's rebuilds cheap.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use super::mentions::{
    has_character_reference, BriefingMentions, ChangedNames, Kind, NameTable, Names,
};
use super::{Briefing, Site};
use crate::config::{Config, Limits};
use crate::digest::{digest_of, hash_of, Map, Set};
use crate::error::{did_you_mean, Error, Errors};
use crate::markdown::{self, LinkResolver, MarkdownOptions, NoMentions, Rendered};

impl CachedBody {
    /// Give briefing `b` what its body makes: its HTML, word count and
    /// reading time, and its summary unless the front-matter wrote one.
    pub(super) fn show_in(&self, b: &mut Briefing, summary_given: bool) {
        if !summary_given {
            b.summary = self.rendered.first_paragraph.clone();
        }
        b.word_count = self.rendered.word_count;
        b.reading_time = self.rendered.word_count.div_ceil(200).max(1);
        b.html = self.html.clone();
        b.html_hash = self.html_hash;
        b.revision = self.revision;
    }
}

/// Briefing bodies rendered by an earlier link pass, by `@/` key.
#[derive(Default, Clone, serde::Serialize, serde::Deserialize)]
pub struct BodyCache {
    pub(super) briefings: Map<String, Arc<CachedBody>>,
    /// The `@/` targets the bodies were rendered against, for rendering
    /// one body again without gathering them anew.
    #[serde(skip)]
    pub(super) urls: Arc<Map<String, String>>,
    /// The names the bodies' mentions were found with.
    pub(super) names: NameTable,
    /// What the subjects a body noted are noted by.
    pub(super) subjects: SubjectIds,
}

/// Every topic's and person's address a body's mentions were noted by,
/// each at a position that never changes: a body notes positions here,
/// four bytes a mention, which stay right as subjects come and go.
#[derive(Debug, Default, Clone, serde::Serialize, serde::Deserialize)]
pub(super) struct SubjectIds {
    paths: Vec<String>,
}

/// The ids of a site's topics and of its people, by position.
#[derive(Clone, Default)]
pub(super) struct Ids {
    topics: Vec<u32>,
    people: Vec<u32>,
}

impl SubjectIds {
    /// These ids, with one more for each subject of `site` new to them.
    pub(super) fn with(&self, site: &Site) -> (SubjectIds, Ids) {
        let mut paths = self.paths.clone();
        let mut known: Map<String, u32> = paths
            .iter()
            .enumerate()
            .map(|(id, path)| (path.clone(), id as u32))
            .collect();
        let mut id_of = |path: &String| {
            *known.entry(path.clone()).or_insert_with(|| {
                paths.push(path.clone());
                (paths.len() - 1) as u32
            })
        };
        let topics = site.topics.iter().map(|s| id_of(&s.path)).collect();
        let people = site.people.iter().map(|s| id_of(&s.path)).collect();
        (SubjectIds { paths }, Ids { topics, people })
    }
}

impl BodyCache {
    /// Every body's HTML, one after another, with the `@/` keys and byte
    /// lengths to cut them apart again: raw bytes read back far faster than
    /// the same text escaped in JSON.
    pub fn write_html_blob(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        for key in self.keys_in_order() {
            out.write_all(self.briefings[key].html.as_bytes())?;
        }
        Ok(())
    }

    /// The `@/` key and byte length of each body, in the blob's order.
    pub fn html_index(&self) -> Vec<(String, usize)> {
        self.keys_in_order()
            .into_iter()
            .map(|key| (key.clone(), self.briefings[key].html.len()))
            .collect()
    }

    fn keys_in_order(&self) -> Vec<&String> {
        let mut keys: Vec<&String> = self.briefings.keys().collect();
        keys.sort_unstable();
        keys
    }

    /// A digest of which bodies are held and what each was rendered from.
    pub fn digest(&self) -> u64 {
        let mut entries: Vec<(&String, u64, u64, u64)> = self
            .briefings
            .iter()
            .map(|(key, body)| (key, body.revision, body.inputs, body.html_hash))
            .collect();
        entries.sort_unstable();
        let (names, subjects) = (digest_of(&self.names), digest_of(&self.subjects));
        hash_of((entries, names, subjects))
    }

    /// Put back the HTML that `write_html_blob` wrote. False (and the cache is
    /// unusable) if the two do not fit together.
    pub fn restore_html(&mut self, index: &[(String, usize)], blob: Vec<u8>) -> bool {
        let Ok(blob) = String::from_utf8(blob) else {
            return false;
        };
        let blob = Arc::new(blob);
        let mut at = 0;
        for (key, len) in index {
            let Some(html) = Html::slice(&blob, at..at + len) else {
                return false;
            };
            at += len;
            let Some(entry) = self.briefings.get_mut(key).and_then(Arc::get_mut) else {
                return false;
            };
            entry.html = html;
        }
        at == blob.len() && index.len() == self.briefings.len()
    }
}

impl std::fmt::Debug for BodyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BodyCache({} bodies)", self.briefings.len())
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct CachedBody {
    /// Digest of the body rendered.
    pub(super) revision: u64,
    /// Everything else the rendering read: URLs, names, options, listed subjects.
    pub(super) inputs: u64,
    pub(super) rendered: Rendered,
    /// `rendered.html`, shared with the site so reuse copies nothing. Kept
    /// out of the serialized cache, which stores it raw (`write_html_blob`).
    #[serde(skip)]
    pub(super) html: Html,
    /// Topics and people named in the text, by id (`SubjectIds`), in order.
    pub(super) seen: Vec<u32>,
    pub(super) html_hash: u64,
    /// Every `@/` target the body looked up, and what it found: the body
    /// is rendered again only when one of them would now be found
    /// otherwise, not whenever any page of the site is added or moved.
    pub(super) looked_up: Vec<(String, Option<String>)>,
    /// Whether the text spells something with a character reference
    /// (`&#88;i`): any name may hide behind one (`ChangedNames`). Found
    /// when the body is rendered, so a change of names reads each body once.
    pub(super) character_references: bool,
}

impl CachedBody {
    /// Whether every `@/` target this body looked up is where it was.
    fn same_targets(&self, addresses: &Addresses) -> bool {
        self.looked_up.iter().all(|(target, found)| {
            addresses.urls.get(target.as_str()).map(String::as_str) == found.as_deref()
        })
    }
}

/// Markdown that is not a briefing's: a profile's body, a free page's, an
/// edition's note. Rendered in the Markdown pass with links checked, but
/// without mentions, backlinks or a cache.
#[derive(Debug, Clone, Default)]
pub struct Note {
    /// Kept until the Markdown pass.
    body: Arc<str>,
    /// File line on which the body starts.
    body_line: usize,
    pub html: Arc<str>,
    /// Digest of `html`, to tell cheaply whether it changed.
    pub html_hash: u64,
}

impl Note {
    pub(super) fn new(body: Arc<str>, body_line: usize) -> Note {
        Note {
            body,
            body_line,
            ..Note::default()
        }
    }
}

/// Every note of the site, with the file it is in and its `@/` key, in one
/// order: topics, people, stories, pages, editions.
fn notes(site: &Site) -> Vec<(&Note, &Path, Option<&str>)> {
    let subjects = site
        .topics
        .iter()
        .chain(&site.people)
        .chain(&site.stories)
        .map(|s| (&s.note, s.defined_in.as_path(), s.key.as_deref()));
    let pages = site
        .pages
        .iter()
        .map(|p| (&p.note, p.path.as_path(), Some(p.key.as_str())));
    let editions = site
        .editions
        .iter()
        .map(|e| (&e.note, e.path.as_path(), Some(e.key.as_str())));
    subjects.chain(pages).chain(editions).collect()
}

/// The same notes, to write their HTML into.
fn notes_mut(site: &mut Site) -> impl Iterator<Item = &mut Note> {
    site.topics
        .iter_mut()
        .chain(site.people.iter_mut())
        .chain(site.stories.iter_mut())
        .map(|s| &mut s.note)
        .chain(site.pages.iter_mut().map(|p| &mut p.note))
        .chain(site.editions.iter_mut().map(|e| &mut e.note))
}

/// A briefing's rendered HTML. Bodies read back from the build cache are
/// slices of the one buffer they were stored in, so restoring every body of
/// a large site copies nothing.
#[derive(Clone, Default)]
pub struct Html {
    // A String, not a str: putting a String in an Arc<str> copies it.
    text: Arc<String>,
    start: usize,
    end: usize,
}

impl Html {
    /// `range` of `text`, if it is one (in bounds, on character boundaries).
    fn slice(text: &Arc<String>, range: std::ops::Range<usize>) -> Option<Html> {
        text.get(range.clone())?;
        Some(Html {
            text: text.clone(),
            start: range.start,
            end: range.end,
        })
    }
}

impl From<String> for Html {
    fn from(text: String) -> Html {
        let end = text.len();
        Html {
            text: Arc::new(text),
            start: 0,
            end,
        }
    }
}

impl std::ops::Deref for Html {
    type Target = str;
    fn deref(&self) -> &str {
        &self.text[self.start..self.end]
    }
}

impl std::fmt::Debug for Html {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&**self, f)
    }
}

/// `@/` targets → URLs, for the Markdown pass.
struct Addresses {
    urls: Arc<Map<String, String>>,
}

/// Renders one briefing's body: what every body's rendering reads besides
/// the body itself.
pub(super) struct BodyRenderer<'a> {
    config: &'a Config,
    site: &'a Site,
    ids: Ids,
    names: Names,
    addresses: Addresses,
    options: MarkdownOptions,
}

impl<'a> BodyRenderer<'a> {
    pub(super) fn new(
        config: &'a Config,
        site: &'a Site,
        urls: Arc<Map<String, String>>,
        ids: Ids,
    ) -> Self {
        BodyRenderer {
            config,
            site,
            ids,
            names: Names::new(&site.topics, &site.people),
            addresses: Addresses { urls },
            options: MarkdownOptions {
                smart_punctuation: config.markdown.smart_punctuation,
                raw_html: config.markdown.raw_html,
            },
        }
    }

    /// `body` rendered as briefing `b`'s, with mentions of its listed
    /// subjects linked. `inputs` is the digest of what it read besides.
    pub(super) fn render(
        &self,
        b: &Briefing,
        body: &str,
        revision: u64,
        inputs: u64,
    ) -> CachedBody {
        let (config, site) = (self.config, self.site);
        let link = config.markdown.link_mentions && b.link_mentions;
        let mut listed = HashMap::new();
        for &t in b
            .topics
            .iter()
            .filter(|&&t| !site.topics[t].no_mention_links)
        {
            listed.insert((Kind::Topic, t), config.url(&site.topics[t].path));
        }
        for &p in &b.people {
            listed.insert((Kind::Person, p), config.url(&site.people[p].path));
        }
        let mut mentions = BriefingMentions::new(&self.names, listed, link);
        let addresses = Recorded {
            addresses: &self.addresses,
            looked_up: RefCell::new(Vec::new()),
        };
        let mut rendered = markdown::render(body, self.options, &addresses, &mut mentions);
        CachedBody {
            looked_up: addresses.looked_up.into_inner(),
            character_references: has_character_reference(body),
            revision,
            inputs,
            html_hash: hash_of(&rendered.html),
            html: Html::from(std::mem::take(&mut rendered.html)),
            rendered,
            seen: {
                let mut seen: Vec<u32> = (mentions.seen.into_iter())
                    .map(|(kind, i)| match kind {
                        Kind::Topic => self.ids.topics[i],
                        Kind::Person => self.ids.people[i],
                    })
                    .collect();
                seen.sort_unstable();
                seen
            },
        }
    }
}

impl BodyRenderer<'_> {
    /// Every briefing's body: the cached one while what it was rendered
    /// from is the same, else rendered again, in parallel. Names new to
    /// the site, gone from it or moved to another subject render again
    /// only the bodies that may hold them.
    fn render_or_reuse(&self, cache: &BodyCache, names: &NameTable) -> Vec<Arc<CachedBody>> {
        let (config, site) = (self.config, self.site);
        let changed = ChangedNames::new(&cache.names.changed(names));
        // What a listed subject gives a body: the link for its mentions.
        let links = |all: &[crate::graph::Subject]| -> Vec<u64> {
            all.iter()
                .map(|s| hash_of((config.url(&s.path), s.no_mention_links)))
                .collect()
        };
        let (topics, people) = (links(&site.topics), links(&site.people));
        let listed =
            |s: &[usize], links: &[u64]| -> Vec<u64> { s.iter().map(|&i| links[i]).collect() };
        let options = (self.options.smart_punctuation, self.options.raw_html);
        site.briefings
            .par_iter()
            .map(|b| {
                let link = config.markdown.link_mentions && b.link_mentions;
                let inputs = hash_of((
                    options,
                    listed(&b.topics, &topics),
                    listed(&b.people, &people),
                    link,
                ));
                match cache.briefings.get(&b.key) {
                    Some(hit)
                        if hit.revision == b.revision
                            && hit.inputs == inputs
                            && hit.same_targets(&self.addresses)
                            && !changed.may_occur_in(&b.body, hit.character_references) =>
                    {
                        hit.clone()
                    }
                    _ => Arc::new(self.render(b, &b.body, b.revision, inputs)),
                }
            })
            .collect()
    }
}

impl LinkResolver for Addresses {
    fn resolve(&self, target: &str) -> Option<String> {
        self.urls.get(target).cloned()
    }
}

/// `Addresses`, noting each lookup one body makes.
struct Recorded<'a> {
    addresses: &'a Addresses,
    looked_up: RefCell<Vec<(String, Option<String>)>>,
}

impl LinkResolver for Recorded<'_> {
    fn resolve(&self, target: &str) -> Option<String> {
        let found = self.addresses.resolve(target);
        self.looked_up
            .borrow_mut()
            .push((target.to_string(), found.clone()));
        found
    }
}

/// Render every body in parallel, then check each `@/` link and anchor
/// against what the targets turned out to contain.
pub(super) fn render_markdown(
    config: &Config,
    site: &mut Site,
    drafts: &HashSet<String>,
    unchecked: &HashSet<String>,
    errors: &mut Errors,
    cache: &BodyCache,
) -> BodyCache {
    let urls = targets(config, site, &cache.urls);
    let (subjects, ids) = cache.subjects.with(site);
    let bodies = BodyRenderer::new(config, site, urls.clone(), ids.clone());
    let (options, addresses) = (bodies.options, &bodies.addresses);
    let render = |body: &str| markdown::render(body, options, addresses, &mut NoMentions);

    let names = NameTable::of(&site.topics, &site.people);
    let rendered = bodies.render_or_reuse(cache, &names);
    let next_cache = BodyCache {
        briefings: site
            .briefings
            .iter()
            .zip(&rendered)
            .map(|(b, r)| (b.key.clone(), r.clone()))
            .collect(),
        urls: urls.clone(),
        names,
        subjects,
    };
    let briefings: Vec<&Rendered> = rendered.iter().map(|r| &r.rendered).collect();
    let seen: Vec<&[u32]> = rendered.iter().map(|r| r.seen.as_slice()).collect();

    also_mentioned_in(site, &ids, &seen);

    let all_notes = notes(site);
    let notes: Vec<Rendered> = all_notes
        .par_iter()
        .map(|(n, _, _)| render(&n.body))
        .collect();

    let anchors = linked_anchors(site, &briefings, &all_notes, &notes);
    let links = LinkCheck {
        unchecked,
        drafts,
        targets: &addresses.urls,
        anchors,
        hints_left: std::cell::Cell::new(LINK_HINTS),
    };
    let briefing_texts = site
        .briefings
        .iter()
        .map(|b| (b.path.as_path(), &*b.body, b.body_line));
    let note_texts = all_notes
        .iter()
        .map(|(note, path, _)| (*path, &*note.body, note.body_line));
    let rendered_all = briefings.iter().copied().chain(&notes);
    // A briefing's HTML is kept apart from the rest of what it rendered.
    let sizes = (rendered.iter().map(|r| r.html.len())).chain(notes.iter().map(|r| r.html.len()));
    for (((path, body, line), r), size) in briefing_texts
        .chain(note_texts)
        .zip(rendered_all)
        .zip(sizes)
    {
        let written = Written {
            path,
            markdown: body,
            body_line: line,
            rendered: r,
            html_len: size,
        };
        for error in written.own_errors(&config.limits) {
            errors.push(error);
        }
        links.check(path, body, line, r, errors);
    }
    drop(links);
    drop(all_notes);

    let backlinks = backlinks(site, &briefings);

    // The bodies are let go: the content read holds them.
    let gone: Arc<str> = Arc::from("");
    for ((b, r), back) in site.briefings.iter_mut().zip(&rendered).zip(backlinks) {
        let summary_given = !b.summary.is_empty();
        r.show_in(b, summary_given);
        b.backlinks = back;
        b.body = gone.clone();
    }
    for (note, r) in notes_mut(site).zip(notes) {
        note.html_hash = hash_of(&r.html);
        note.html = Arc::from(r.html);
        note.body = Arc::from("");
    }
    next_cache
}

/// Anchors of every target some link names a heading of, by key; few per
/// page, so a slice to scan.
fn linked_anchors<'a>(
    site: &'a Site,
    briefings: &[&'a Rendered],
    all_notes: &[(&'a Note, &'a Path, Option<&'a str>)],
    notes: &'a [Rendered],
) -> Map<&'a str, &'a [String]> {
    let linked: Set<&str> = briefings
        .iter()
        .copied()
        .chain(notes)
        .flat_map(|r| &r.links)
        .filter(|link| link.anchor.is_some())
        .map(|link| link.target.as_str())
        .collect();
    let mut anchors: Map<&str, &[String]> = Map::default();
    for (b, r) in site.briefings.iter().zip(briefings) {
        if linked.contains(b.key.as_str()) {
            anchors.insert(&b.key, &r.anchors);
        }
    }
    for ((_, _, key), r) in all_notes.iter().zip(notes) {
        if let Some(key) = key.filter(|key| linked.contains(key)) {
            anchors.insert(key, &r.anchors);
        }
    }
    anchors
}

/// Every `@/` key a link may name, with the URL it becomes.
fn targets(
    config: &Config,
    site: &Site,
    earlier: &Arc<Map<String, String>>,
) -> Arc<Map<String, String>> {
    let subjects = site.topics.iter().chain(&site.people).chain(&site.stories);
    let others = || {
        let subjects = subjects
            .clone()
            .filter_map(|s| Some((s.key.as_ref()?, s.path.as_str())));
        let pages = site.pages.iter().map(|p| (&p.key, p.url_path.as_str()));
        let editions = site.editions.iter().map(|e| (&e.key, e.url_path.as_str()));
        subjects.chain(pages).chain(editions)
    };
    // Most saves move no address: the earlier map is kept when it holds
    // exactly these, checked without making a URL.
    let base = config.base_path();
    let holds = |(key, path): (&String, &str)| {
        earlier
            .get(key)
            .is_some_and(|url| crate::config::is_joined(url, base, path))
    };
    let count = site.briefings.len() + others().count();
    if earlier.len() == count
        && site
            .briefings
            .par_iter()
            .all(|b| holds((&b.key, &b.url_path)))
        && others().all(holds)
    {
        return earlier.clone();
    }
    let mut urls = Map::default();
    urls.reserve(count);
    for b in &site.briefings {
        urls.insert(b.key.clone(), config.url(&b.url_path));
    }
    for (key, path) in others() {
        urls.insert(key.clone(), config.url(path));
    }
    Arc::new(urls)
}

/// "Also mentioned in": briefings naming a subject in the text without
/// listing it.
fn also_mentioned_in(site: &mut Site, ids: &Ids, seen: &[&[u32]]) {
    let index = SubjectIndex::of(ids);
    let unlisted: Vec<Vec<(Kind, usize)>> = seen
        .par_iter()
        .zip(&site.briefings)
        .map(|(seen, b)| {
            let mut found = index.resolve(seen);
            found.retain(|&(kind, i)| match kind {
                Kind::Topic => !b.topics.contains(&i),
                Kind::Person => !b.people.contains(&i),
            });
            found
        })
        .collect();
    drop(index);
    // Each list sized first: a subject named in thousands of bodies would
    // otherwise grow its list a dozen times.
    let mut counts = [vec![0; site.topics.len()], vec![0; site.people.len()]];
    for &(kind, i) in unlisted.iter().flatten() {
        counts[kind as usize][i] += 1;
    }
    for (subjects, counts) in [&mut site.topics, &mut site.people]
        .into_iter()
        .zip(&counts)
    {
        for (subject, &count) in subjects.iter_mut().zip(counts) {
            subject.mentioned_in.reserve_exact(count);
        }
    }
    for (b, found) in unlisted.iter().enumerate() {
        for &(kind, i) in found {
            match kind {
                Kind::Topic => site.topics[i].mentioned_in.push(b),
                Kind::Person => site.people[i].mentioned_in.push(b),
            }
        }
    }
}

/// Topics and people by id, for mentions noted by id.
pub(super) struct SubjectIndex {
    by_id: Vec<Option<(Kind, usize)>>,
}

impl SubjectIndex {
    pub(super) fn of(ids: &Ids) -> SubjectIndex {
        let ends = ids.topics.iter().chain(&ids.people).max();
        let mut by_id = vec![None; ends.map_or(0, |&id| id as usize + 1)];
        for (kind, list) in [(Kind::Topic, &ids.topics), (Kind::Person, &ids.people)] {
            for (i, &id) in list.iter().enumerate() {
                by_id[id as usize] = Some((kind, i));
            }
        }
        SubjectIndex { by_id }
    }

    /// The subjects of `seen` as (topic or person, index). A body is
    /// rendered again whenever a name it holds is gone, so every one is found.
    pub(super) fn resolve(&self, seen: &[u32]) -> Vec<(Kind, usize)> {
        seen.iter()
            .filter_map(|&id| self.by_id.get(id as usize).copied().flatten())
            .collect()
    }
}

/// Who links to each briefing, in the order of the briefings linking.
fn backlinks(site: &Site, briefings: &[&Rendered]) -> Vec<Vec<usize>> {
    let index_of = site.index_by_key();
    let mut backlinks: Vec<Vec<usize>> = vec![Vec::new(); site.briefings.len()];
    for (from, r) in briefings.iter().enumerate() {
        for link in &r.links {
            if let Some(&to) = index_of.get(link.target.as_str()) {
                if to != from && !backlinks[to].contains(&from) {
                    backlinks[to].push(from);
                }
            }
        }
    }
    backlinks
}

/// Checking a rendered body's `@/` links against what their targets turned
/// out to hold, and its tables' headers.
struct LinkCheck<'a> {
    /// Targets that failed to load: links to them are not reported too.
    unchecked: &'a HashSet<String>,
    drafts: &'a HashSet<String>,
    targets: &'a Map<String, String>,
    /// Anchors of every target, by key; few per page, so a slice to scan.
    anchors: Map<&'a str, &'a [String]>,
    /// Broken links still to be given a "did you mean": each is compared
    /// with every target, so a bulk rename's thousands would take minutes.
    hints_left: std::cell::Cell<usize>,
}

/// A body written in `path` from its line `body_line`, as rendered: what
/// the link stage checks of it on its own, links aside.
pub(super) struct Written<'a> {
    pub path: &'a Path,
    pub markdown: &'a str,
    pub body_line: usize,
    pub rendered: &'a Rendered,
    /// Bytes of its HTML, which a briefing keeps apart from `rendered`.
    pub html_len: usize,
}

impl Written<'_> {
    /// Its errors as a body on its own: nesting, empty header cells, size.
    /// The one list of those rules, for the link stage and for a save
    /// patched in without it.
    pub(super) fn own_errors(&self, limits: &Limits) -> Vec<Error> {
        let place = |offset: usize, message: String| {
            let (line, column) = markdown::line_and_column(self.markdown, offset);
            Error::at(self.path, message)
                .on_line(self.body_line + line - 1)
                .on_column(column)
        };
        let mut errors = Vec::new();
        if let Some(offset) = self.rendered.too_deep {
            errors.push(place(offset, format!("the Markdown nests more than {} levels deep here (quotes, lists, emphasis): write it flatter", markdown::MAX_NESTING)));
        }
        for &offset in &self.rendered.empty_headers {
            errors.push(place(offset, "a table header cell is empty: give every column a heading, which screen readers read out with each of its cells".to_string()));
        }
        let allowed = limits.html_allowed(self.markdown.len());
        if self.html_len > allowed {
            // In bytes: sizes rounded to KB could read as within the limit.
            let message = format!(
                "the body renders to {} bytes of HTML from {} bytes of Markdown, more than the {allowed} allowed: {} times the Markdown, or {} if more (limits: {{html_per_markdown: …}} in briefing.yaml)",
                self.html_len,
                self.markdown.len(),
                limits.html_per_markdown,
                crate::config::HTML_FLOOR
            );
            errors.push(Error::at(self.path, message).on_line(self.body_line));
        }
        errors
    }
}

/// How many broken links of a site get a "did you mean".
const LINK_HINTS: usize = 100;

impl LinkCheck<'_> {
    fn check(&self, path: &Path, body: &str, body_line: usize, r: &Rendered, errors: &mut Errors) {
        let (unchecked, drafts, anchors) = (self.unchecked, self.drafts, &self.anchors);
        for link in &r.links {
            let place = |message: String| {
                let (line, column) = markdown::line_and_column(body, link.offset);
                Error::at(path, message)
                    .on_line(body_line + line - 1)
                    .on_column(column)
            };
            if unchecked.contains(&link.target) {
                continue;
            }
            if !link.resolved {
                let mut message = if drafts.contains(&link.target) {
                    format!("broken link: '@/{}' is a draft, left out of this build (build with --drafts, or remove the link)", link.target)
                } else {
                    format!("broken link: no file content/{}", link.target)
                };
                let left = self.hints_left.get();
                self.hints_left.set(left.saturating_sub(1));
                let targets = self.targets.keys().map(String::as_str);
                if let Some(hint) = (left > 0)
                    .then(|| did_you_mean(&link.target, targets))
                    .flatten()
                {
                    message.push_str(&format!(" (did you mean '@/{hint}'?)"));
                }
                errors.push(place(message));
            } else if let Some(anchor) = &link.anchor {
                let known = anchors.get(link.target.as_str());
                if !known.is_some_and(|k| k.iter().any(|a| a == anchor)) {
                    let mut message = format!(
                        "broken link: content/{} has no heading with the id '#{anchor}'",
                        link.target
                    );
                    if let Some(hint) =
                        known.and_then(|k| did_you_mean(anchor, k.iter().map(String::as_str)))
                    {
                        message.push_str(&format!(" (did you mean '#{hint}'?)"));
                    }
                    errors.push(place(message));
                }
            }
        }
    }
}

//! The load stage: walk `content/`, split and parse every file in parallel.
//! Nothing here knows about other files; names are resolved by `graph`.

mod cache;
pub mod front_matter;
mod front_matter_cache;
pub mod model;
pub mod rules;
pub mod safe_url;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use walkdir::WalkDir;

use crate::config::{Config, Limits};
use crate::error::{Error, Errors};
use crate::path_filter::is_ignored;
pub use cache::{load_cached, reload_briefings, ContentCache};
pub use front_matter_cache::FrontMatterCache;
pub use model::{
    Date, EditionMatter, EditionSection, FrontMatter, PageMatter, PersonProfile, Source,
    StoryProfile, TopicProfile,
};

/// One parsed file: its front-matter as written and its Markdown body.
#[derive(Debug, Clone)]
pub struct Loaded<M> {
    /// Relative to the site root: `content/briefings/x.md`.
    pub path: PathBuf,
    /// Relative to `content/`, with `/`: `briefings/x.md`, the form `@/` links use.
    pub key: String,
    pub meta: M,
    /// Shared, so the preview's cache hands it on without copying.
    pub body: Arc<str>,
    /// File line on which the body starts.
    pub body_line: usize,
    /// Top-level front-matter keys with the line and column of their value;
    /// shared, since the preview copies every file's `Loaded` on each save.
    pub keys: Arc<[(String, usize, usize)]>,
    /// A digest of the body: a render of the same body can be reused.
    pub revision: u64,
    /// A digest of the front-matter text, for `FrontMatterCache`.
    pub front_matter: u64,
}

impl<M> Loaded<M> {
    /// File name without `.md`.
    pub fn stem(&self) -> &str {
        self.path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
    }

    /// An error placed at a front-matter key's value, or at line 1 when the
    /// key is absent.
    pub fn error_at(&self, key: &str, message: impl Into<String>) -> Error {
        match self.keys.iter().find(|(k, _, _)| k == key) {
            Some((_, line, column)) => Error::at(&self.path, message)
                .on_line(*line)
                .on_column(*column),
            None => Error::at(&self.path, message).on_line(1),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Content {
    /// Shared: the preview's cache hands every briefing on at each save.
    pub briefings: Vec<Arc<Loaded<FrontMatter>>>,
    pub topics: Vec<Loaded<TopicProfile>>,
    pub people: Vec<Loaded<PersonProfile>>,
    pub stories: Vec<Loaded<StoryProfile>>,
    pub pages: Vec<Loaded<PageMatter>>,
    pub editions: Vec<Loaded<EditionMatter>>,
    pub warnings: Vec<Error>,
    /// Files that could not be read or parsed. The rest still go on to the
    /// link stage, so one run reports every problem.
    pub errors: Errors,
    /// `@/` keys of those files: links to them are not reported as broken.
    pub failed: HashSet<String>,
    /// A digest of every file's place and bytes, when `load_with` read
    /// them all: see `sources`.
    pub sources: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Briefings,
    Topics,
    People,
    Stories,
    Pages,
    Editions,
}

impl Section {
    /// The kind of file, for messages: "in a briefing".
    fn noun(self) -> &'static str {
        match self {
            Section::Briefings => "a briefing",
            Section::Topics => "a topic profile",
            Section::People => "a person profile",
            Section::Stories => "a story profile",
            Section::Pages => "a page",
            Section::Editions => "an edition",
        }
    }

    fn of(key: &str) -> Option<Section> {
        match key.split('/').next()? {
            "briefings" => Some(Section::Briefings),
            "topics" => Some(Section::Topics),
            "people" => Some(Section::People),
            "stories" => Some(Section::Stories),
            "pages" => Some(Section::Pages),
            "editions" => Some(Section::Editions),
            _ => None,
        }
    }
}

/// Read every Markdown file under `content/`. Only a missing `content/` is
/// fatal; a file that fails is recorded in `Content::errors`.
pub fn load(config: &Config) -> Result<Content, Errors> {
    load_with(config, &FrontMatterCache::default())
}

/// `load`, taking briefings' front-matter from `known` when its text is one
/// an earlier build parsed.
pub fn load_with(config: &Config, known: &FrontMatterCache) -> Result<Content, Errors> {
    let walk = walk(config, false)?;
    let parsed: Vec<(Option<u64>, Result<Parsed, Error>)> = walk
        .files
        .par_iter()
        .map(|f| match read(config, &f.rel) {
            Ok(bytes) => (
                Some(source_digest(&f.key, &bytes)),
                parse_bytes_with(config, f.section, &f.rel, &f.key, known, bytes),
            ),
            Err(e) => (None, Err(e)),
        })
        .collect();
    let mut content = Content {
        warnings: walk.warnings,
        sources: walk
            .errors
            .is_empty()
            .then(|| parsed.iter().map(|(d, _)| *d).collect::<Option<Vec<u64>>>())
            .flatten()
            .map(crate::digest::hash_of),
        errors: walk.errors,
        ..Content::default()
    };
    for (file, (_, result)) in walk.files.iter().zip(parsed) {
        content.add(&file.key, result);
    }
    Ok(content)
}

/// A digest of every content file's place and bytes, as `load_with` takes
/// it (`Content::sources`) but without parsing: `None` when the walk or a
/// read fails.
pub fn sources(config: &Config) -> Option<u64> {
    let walk = walk(config, false).ok()?;
    if !walk.errors.is_empty() {
        return None;
    }
    let digests: Vec<u64> = walk
        .files
        .par_iter()
        .map(|f| Some(source_digest(&f.key, &read(config, &f.rel).ok()?)))
        .collect::<Option<_>>()?;
    Some(crate::digest::hash_of(digests))
}

fn source_digest(key: &str, bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(bytes, crate::digest::hash_of(key))
}

fn read(config: &Config, rel: &Path) -> Result<Vec<u8>, Error> {
    std::fs::read(config.root.join(rel)).map_err(|e| Error::io(rel, &e))
}

/// A Markdown file found under `content/`.
struct Found {
    section: Section,
    /// Relative to the site root.
    rel: PathBuf,
    key: String,
    stamp: Stamp,
}

/// What walking `content/` found, in file-name order.
struct Walk {
    files: Vec<Found>,
    errors: Errors,
    warnings: Vec<Error>,
}

/// List the Markdown files under `content/`, with their size and mtime
/// when `stamps` is asked for (the preview compares them).
fn walk(config: &Config, stamps: bool) -> Result<Walk, Errors> {
    let root = &config.root;
    let content_dir = config.content_dir();
    if let Some(link) = crate::confine::SiteRoot::new(root).link_out(&content_dir) {
        return Err(Error::at(
            link,
            "symbolic link to a place outside the site, not followed: content must be inside the site",
        )
        .into());
    }
    if !content_dir.is_dir() {
        return Err(Error::at(
            "content",
            "no content/ folder: briefings go in content/briefings/*.md",
        )
        .into());
    }
    let mut walk = Walk {
        files: Vec::new(),
        errors: Errors::default(),
        warnings: Vec::new(),
    };
    for entry in WalkDir::new(&content_dir).sort_by_file_name() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(root, p))
                    .unwrap_or_else(|| PathBuf::from("content"));
                walk.errors.push(Error::at(path, e.to_string()));
                continue;
            }
        };
        let path = entry.path();
        let rel = relative(root, path);
        let name = entry.file_name().to_string_lossy();
        if is_ignored(&name) {
            continue;
        }
        // `content` itself may be a link within the site; below it, no
        // link is followed.
        if entry.depth() > 0 && entry.path_is_symlink() {
            walk.warnings.push(Error::at(
                &rel,
                "symbolic link not followed: content must be real files inside the site",
            ));
            continue;
        }
        if !entry.file_type().is_file() {
            // A pipe, socket or device named as Markdown is no file to read.
            if !entry.file_type().is_dir() && is_markdown(&name) {
                walk.warnings.push(Error::at(
                    &rel,
                    "not read: not a plain file (a pipe, socket or device)",
                ));
            }
            continue;
        }
        if !is_markdown(&name) {
            if let Some(stem) = markdown_elsewhere(&name) {
                walk.warnings.push(Error::at(
                    &rel,
                    format!("not read: briefing reads Markdown from .md files only; rename it to {stem}.md"),
                ));
            }
            continue;
        }
        let key = key_of(&content_dir, path);
        let stamp = if stamps {
            entry
                .metadata()
                .map(|m| (m.modified().ok(), m.len()))
                .unwrap_or((None, 0))
        } else {
            (None, 0)
        };
        match Section::of(&key) {
            Some(section) => walk.files.push(Found {
                section,
                rel,
                key,
                stamp,
            }),
            None => walk.errors.push(Error::at(
                &rel,
                "a Markdown file outside content/briefings, content/topics, content/people, content/stories, content/pages and content/editions",
            )),
        }
    }
    Ok(walk)
}

impl Content {
    /// Add one file's outcome, keeping files in the order they are added.
    fn add(&mut self, key: &str, result: Result<Parsed, Error>) {
        match result {
            Ok(Parsed::Briefing(b)) => self.briefings.push(b),
            Ok(Parsed::Topic(t)) => self.topics.push(t),
            Ok(Parsed::Person(p)) => self.people.push(p),
            Ok(Parsed::Story(s)) => self.stories.push(s),
            Ok(Parsed::Page(p)) => self.pages.push(p),
            Ok(Parsed::Edition(e)) => self.editions.push(e),
            Err(e) => {
                self.failed.insert(key.to_string());
                self.errors.push(e);
            }
        }
    }
}

type Stamp = (Option<SystemTime>, u64);

#[derive(Clone)]
enum Parsed {
    Briefing(Arc<Loaded<FrontMatter>>),
    Topic(Loaded<TopicProfile>),
    Person(Loaded<PersonProfile>),
    Story(Loaded<StoryProfile>),
    Page(Loaded<PageMatter>),
    Edition(Loaded<EditionMatter>),
}

fn parse_file(config: &Config, section: Section, rel: &Path, key: &str) -> Result<Parsed, Error> {
    let known = FrontMatterCache::default();
    parse_bytes_with(config, section, rel, key, &known, read(config, rel)?)
}

fn parse_bytes_with(
    config: &Config,
    section: Section,
    rel: &Path,
    key: &str,
    known: &FrontMatterCache,
    bytes: Vec<u8>,
) -> Result<Parsed, Error> {
    let text = String::from_utf8(bytes).map_err(|e| {
        let (line, _) = crate::markdown::line_and_column(
            &String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]),
            usize::MAX,
        );
        Error::at(rel, "the file is not UTF-8 text: save it as UTF-8").on_line(line)
    })?;
    rules::check_characters(&text, rel, section.noun())?;
    let split = front_matter::split(&text, rel)?;
    let limits = &config.limits;
    Ok(match section {
        Section::Briefings => {
            let briefing = parse_briefing(&split, rel, key, known)?;
            rules::check_briefing(&briefing, limits)?;
            Parsed::Briefing(Arc::new(checked(briefing, &split, section, limits)?))
        }
        Section::Topics => Parsed::Topic(checked(
            loaded_from(&split, rel, key)?,
            &split,
            section,
            limits,
        )?),
        Section::People => Parsed::Person(checked(
            loaded_from(&split, rel, key)?,
            &split,
            section,
            limits,
        )?),
        Section::Stories => Parsed::Story(checked(
            loaded_from(&split, rel, key)?,
            &split,
            section,
            limits,
        )?),
        Section::Pages => Parsed::Page(checked(
            loaded_from(&split, rel, key)?,
            &split,
            section,
            limits,
        )?),
        Section::Editions => {
            let mut edition: Loaded<EditionMatter> = loaded_from(&split, rel, key)?;
            edition.meta.references = references(split.yaml, split.yaml_line);
            Parsed::Edition(checked(edition, &split, section, limits)?)
        }
    })
}

/// Every `@/` reference in a YAML text whose first line is file line
/// `first_line`, with its file line and column, in the order written.
fn references(yaml: &str, first_line: usize) -> Vec<(String, usize, usize)> {
    let mut found = Vec::new();
    for (i, line) in yaml.lines().enumerate() {
        let mut from = 0;
        while let Some(at) = line[from..].find("@/") {
            let start = from + at;
            let end = line[start..]
                .find(|c: char| {
                    matches!(c, '"' | '\'' | ',' | ']' | '}' | '#') || c.is_whitespace()
                })
                .map_or(line.len(), |n| start + n);
            found.push((
                line[start..end].to_string(),
                first_line + i,
                line[..start].chars().count() + 1,
            ));
            from = end.max(start + 2);
        }
    }
    found
}

/// `loaded`, if what it says keeps to the rules every content file keeps.
fn checked<M: rules::FrontMatterText>(
    loaded: Loaded<M>,
    split: &front_matter::Split<'_>,
    section: Section,
    limits: &Limits,
) -> Result<Loaded<M>, Error> {
    rules::check_front_matter(&loaded, split, section.noun(), limits)?;
    rules::check_body(&loaded, limits)?;
    Ok(loaded)
}

fn parse_briefing(
    split: &front_matter::Split<'_>,
    rel: &Path,
    key: &str,
    known: &FrontMatterCache,
) -> Result<Loaded<FrontMatter>, Error> {
    let digest = front_matter_cache::digest(split.yaml, split.yaml_line);
    let Some(parsed) = known.get(digest) else {
        return loaded_from(split, rel, key);
    };
    Ok(Loaded {
        revision: crate::digest::hash_of(split.body),
        front_matter: digest,
        keys: parsed.keys.clone(),
        path: rel.to_path_buf(),
        key: key.to_string(),
        meta: parsed.meta.clone(),
        body: Arc::from(split.body),
        body_line: split.body_line,
    })
}

/// The file `rel` holding `text`, read; `key` as `@/` links name it.
pub(crate) fn parse_loaded<M: DeserializeOwned>(
    text: &str,
    rel: &Path,
    key: &str,
) -> Result<Loaded<M>, Error> {
    loaded_from(&front_matter::split(text, rel)?, rel, key)
}

fn loaded_from<M: DeserializeOwned>(
    split: &front_matter::Split<'_>,
    rel: &Path,
    key: &str,
) -> Result<Loaded<M>, Error> {
    let meta = front_matter::parse(split, rel)?;
    Ok(Loaded {
        revision: crate::digest::hash_of(split.body),
        front_matter: front_matter_cache::digest(split.yaml, split.yaml_line),
        keys: front_matter::key_positions(split).into(),
        path: rel.to_path_buf(),
        key: key.to_string(),
        meta,
        body: Arc::from(split.body),
        body_line: split.body_line,
    })
}

fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

fn key_of(content_dir: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(content_dir).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A Markdown file: `.md` in any case, since `Talks.MD` saved on a system
/// that shows no case is as much a briefing as `talks.md`.
pub fn is_markdown(name: &str) -> bool {
    name.len() > 3
        && name
            .get(name.len() - 3..)
            .is_some_and(|ext| ext.eq_ignore_ascii_case(".md"))
}

/// The stem of a file whose extension other tools read as Markdown
/// (Hugo reads `.markdown`): such a file is told of, not left out without
/// a word.
fn markdown_elsewhere(name: &str) -> Option<&str> {
    const OTHER: [&str; 6] = ["markdown", "mdown", "mkdn", "mkd", "mdwn", "mdtext"];
    let (stem, extension) = name.rsplit_once('.')?;
    (!stem.is_empty() && OTHER.iter().any(|e| extension.eq_ignore_ascii_case(e))).then_some(stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_md_in_any_case() {
        for name in ["a.md", "Upper.MD", "x.Md"] {
            assert!(is_markdown(name), "{name}");
        }
        for name in [".md", "a.mdx", "a.markdown", "é.m", "md"] {
            assert!(!is_markdown(name), "{name}");
        }
        assert_eq!(
            markdown_elsewhere("2025-09-02-talks.Markdown"),
            Some("2025-09-02-talks")
        );
        for name in ["a.md", "a.txt", ".markdown", "a.jpg", "markdown"] {
            assert_eq!(markdown_elsewhere(name), None, "{name}");
        }
    }
}

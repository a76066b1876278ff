//! Topics, people and running stories: the subjects a briefing is about.
//! Profiles give a name its canonical form and aliases; a name with no
//! profile still gets a page under the name as first written, and a
//! profile no briefing names still gets its page.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use super::Note;
use crate::content::{Loaded, PersonProfile, StoryProfile, TopicProfile};
use crate::digest::Map;
use crate::error::{Error, Errors};
use crate::slug::{check_written, slugify};

/// A topic, a person or a running story: one page, the briefings about it.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub name: String,
    pub slug: String,
    /// Site-relative: `topics/sco/`, `stories/putin-in-china/`.
    pub path: String,
    pub aliases: Vec<String>,
    /// A topic's one-line description, a person's role, a story's summary.
    pub description: Option<String>,
    pub portrait: Option<String>,
    /// Line and column of `portrait:` in the profile, for its warnings.
    pub portrait_at: Option<(usize, usize)>,
    /// The profile's body (a story's introduction); empty without a profile.
    pub note: Note,
    /// Where the name is defined: the profile, else the first briefing naming it.
    pub defined_in: PathBuf,
    /// Line of the name in `defined_in`, when it comes from a briefing.
    pub defined_line: Option<usize>,
    pub has_profile: bool,
    /// Its profile says `link_mentions: false`: mentions stay plain text.
    pub no_mention_links: bool,
    /// Indexes into `Site::briefings`, newest first (a story's oldest first).
    pub briefings: Vec<usize>,
    /// Briefings that name it in their text without listing it, newest first.
    pub mentioned_in: Vec<usize>,
    pub extra: BTreeMap<String, serde_yaml::Value>,
    pub(crate) key: Option<String>,
}

pub type Topic = Subject;
pub type Person = Subject;
/// A running story. Unlike a topic's or a person's, its `briefings` are
/// oldest first: they are its timeline.
pub type Story = Subject;

/// Names → subjects for one kind (topics, people or stories).
#[derive(Debug, Default)]
pub struct Directory {
    /// "topics", "people" or "stories": the URL section.
    section: &'static str,
    pub subjects: Vec<Subject>,
    by_name: Map<String, usize>,
    /// Names exactly as written, once resolved: looked up for every name
    /// every briefing lists, on every link.
    by_exact: Map<String, usize>,
    transliterate: bool,
}

/// Names compare without case and with runs of spaces collapsed, so `xi
/// jinping` and `Xi  Jinping` are one person.
fn normalize(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Fields a topic or person profile share, so one builder serves both.
pub struct ProfileFields<'a> {
    pub name: Option<&'a str>,
    pub aliases: &'a [String],
    pub slug: Option<&'a str>,
    pub description: Option<&'a str>,
    pub portrait: Option<&'a str>,
    pub link_mentions: Option<bool>,
    pub extra: Option<&'a BTreeMap<String, serde_yaml::Value>>,
}

impl<'a> From<&'a TopicProfile> for ProfileFields<'a> {
    fn from(p: &'a TopicProfile) -> Self {
        ProfileFields {
            name: p.name.as_deref(),
            aliases: p.aliases.as_deref().unwrap_or_default(),
            slug: p.slug.as_deref(),
            description: p.description.as_deref(),
            portrait: None,
            link_mentions: p.link_mentions,
            extra: p.extra.as_ref(),
        }
    }
}

impl<'a> From<&'a StoryProfile> for ProfileFields<'a> {
    fn from(p: &'a StoryProfile) -> Self {
        ProfileFields {
            name: p.title.as_deref(),
            aliases: p.aliases.as_deref().unwrap_or_default(),
            slug: p.slug.as_deref(),
            description: p.summary.as_deref(),
            portrait: None,
            link_mentions: None,
            extra: p.extra.as_ref(),
        }
    }
}

impl<'a> From<&'a PersonProfile> for ProfileFields<'a> {
    fn from(p: &'a PersonProfile) -> Self {
        ProfileFields {
            name: p.name.as_deref(),
            aliases: p.aliases.as_deref().unwrap_or_default(),
            slug: p.slug.as_deref(),
            description: p.role.as_deref(),
            portrait: p.portrait.as_deref(),
            link_mentions: None,
            extra: p.extra.as_ref(),
        }
    }
}

impl Directory {
    pub fn new(section: &'static str, transliterate: bool) -> Self {
        Directory {
            section,
            transliterate,
            ..Directory::default()
        }
    }

    /// Register every profile; errors for a missing name and for a name or
    /// alias claimed by two profiles.
    pub fn add_profiles<'a, M: 'a>(&mut self, profiles: &'a [Loaded<M>], errors: &mut Errors)
    where
        ProfileFields<'a>: From<&'a M>,
    {
        for profile in profiles {
            let fields = ProfileFields::from(&profile.meta);
            let Some(name) = fields.name.map(str::trim).filter(|n| !n.is_empty()) else {
                let key = self.name_key();
                errors.push(
                    Error::at(
                        &profile.path,
                        format!(
                            "'{key}' is required in a {} profile (for example `{key}: …`)",
                            self.kind()
                        ),
                    )
                    .on_line(1),
                );
                continue;
            };
            if let Some(slug) = fields.slug {
                if let Err(e) = check_written(slug) {
                    errors.push(Error::at(&profile.path, e).on_line(1));
                    continue;
                }
            }
            let index = self.subjects.len();
            let mut claimed = vec![name.to_string()];
            claimed.extend(fields.aliases.iter().map(|a| a.trim().to_string()));
            let mut clash = false;
            for (nth, alias) in claimed.iter().enumerate() {
                if let Some(&other) = self.by_name.get(&normalize(alias)) {
                    let key = if nth == 0 { self.name_key() } else { "aliases" };
                    errors.push(profile.error_at(
                        key,
                        format!(
                            "the name '{alias}' is already used by {} ({})",
                            self.subjects[other].name,
                            self.subjects[other].defined_in.display()
                        ),
                    ));
                    clash = true;
                }
            }
            if clash {
                continue;
            }
            for alias in &claimed {
                self.by_name.insert(normalize(alias), index);
            }
            let slug = match fields.slug {
                Some(s) => s.to_string(),
                None => slugify(name, self.transliterate),
            };
            self.subjects.push(Subject {
                name: name.to_string(),
                path: format!("{}/{slug}/", self.section),
                slug,
                aliases: claimed[1..].to_vec(),
                description: fields.description.map(str::to_string),
                portrait: fields.portrait.map(str::to_string),
                defined_in: profile.path.clone(),
                defined_line: (profile.keys.iter())
                    .find(|(key, _, _)| key == self.name_key())
                    .map(|&(_, line, _)| line),
                portrait_at: (profile.keys.iter())
                    .find(|(key, _, _)| key == "portrait")
                    .map(|&(_, line, column)| (line, column)),
                has_profile: true,
                no_mention_links: fields.link_mentions == Some(false),
                extra: fields.extra.cloned().unwrap_or_default(),
                note: Note::new(profile.body.clone(), profile.body_line),
                key: Some(profile.key.clone()),
                ..Subject::default()
            });
        }
    }

    /// The subject a name written in a briefing stands for, created on first
    /// use when no profile defines it.
    pub fn resolve(
        &mut self,
        name: &str,
        named_in: &std::path::Path,
        line: Option<usize>,
    ) -> Option<usize> {
        let name = name.trim();
        if name.is_empty() {
            return None;
        }
        // Most names are written the same way each time: skip normalizing.
        if let Some(&index) = self.by_exact.get(name) {
            return Some(index);
        }
        let key = normalize(name);
        if let Some(&index) = self.by_name.get(&key) {
            self.by_exact.insert(name.to_string(), index);
            return Some(index);
        }
        let index = self.subjects.len();
        self.by_exact.insert(name.to_string(), index);
        let slug = slugify(name, self.transliterate);
        self.subjects.push(Subject {
            name: name.split_whitespace().collect::<Vec<_>>().join(" "),
            path: format!("{}/{slug}/", self.section),
            slug,
            defined_in: named_in.to_path_buf(),
            defined_line: line,
            ..Subject::default()
        });
        self.by_name.insert(key, index);
        Some(index)
    }

    /// Put the subjects in the order of their addresses, and say where each
    /// went (`moved[old] == new`). Registered as found, profiles first, a
    /// new profile would move every subject after it, and with them what
    /// every briefing's body was rendered against.
    pub fn put_in_address_order(&mut self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.subjects.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&self.subjects[a], &self.subjects[b]);
            a.path.cmp(&b.path).then_with(|| a.name.cmp(&b.name))
        });
        let mut moved = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            moved[old] = new;
        }
        let mut subjects: Vec<Option<Subject>> = std::mem::take(&mut self.subjects)
            .into_iter()
            .map(Some)
            .collect();
        self.subjects = order
            .iter()
            .filter_map(|&old| subjects[old].take())
            .collect();
        for index in self.by_name.values_mut().chain(self.by_exact.values_mut()) {
            *index = moved[*index];
        }
        moved
    }

    /// Two different names that slug alike would overwrite one page: refuse.
    pub fn check_slugs(&self, errors: &mut Errors) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (index, subject) in self.subjects.iter().enumerate() {
            // At the line its name is written on.
            let at = |message: String| {
                let error = Error::at(&subject.defined_in, message);
                match subject.defined_line {
                    Some(line) => error.on_line(line),
                    None => error,
                }
            };
            if subject.slug.is_empty() {
                errors.push(at(
                    format!("the {} name '{}' gives an empty slug: add letters or digits, or set 'slug' in its profile", self.kind(), subject.name),
                ));
                continue;
            }
            if let Some(message) = crate::slug::too_long(&subject.slug) {
                errors.push(at(format!(
                    "the {} '{}…': {message}, or set 'slug' in its profile",
                    self.kind(),
                    subject.name.chars().take(40).collect::<String>()
                )));
                continue;
            }
            if let Some(&other) = seen.get(subject.slug.as_str()) {
                let first = &self.subjects[other];
                errors.push(at(
                    format!(
                        "the {kind} '{}' and the {kind} '{}' ({}) would both be published at /{}/{}/: rename one, or make one an alias of the other in a profile",
                        subject.name,
                        first.name,
                        first.defined_in.display(),
                        self.section,
                        subject.slug,
                        kind = self.kind(),
                    ),
                ));
            } else {
                seen.insert(&subject.slug, index);
            }
        }
    }

    fn kind(&self) -> &'static str {
        match self.section {
            "people" => "person",
            "stories" => "story",
            _ => "topic",
        }
    }

    /// The profile key that holds the name: a story has a title.
    fn name_key(&self) -> &'static str {
        match self.section {
            "stories" => "title",
            _ => "name",
        }
    }
}

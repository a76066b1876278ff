//! Editions: the editor's package of a day, in the editor's order. Each
//! `@/briefings/…` reference is resolved to a briefing of the site; one
//! that does not resolve, is listed twice, or names a draft is an error at
//! the place it is written.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use super::{read_date, Note, Site};
use crate::content::{EditionMatter, Loaded};
use crate::error::{Error, Errors};

/// An edition as the site means it.
#[derive(Debug, Clone)]
pub struct Edition {
    pub path: PathBuf,
    pub key: String,
    pub title: String,
    /// The file name: `2025-09-03`.
    pub slug: String,
    /// `editions/2025-09-03/`
    pub url_path: String,
    pub date: crate::content::Date,
    pub summary: String,
    /// The top story, then the rest in the editor's order.
    pub lead: usize,
    pub briefings: Vec<usize>,
    pub sections: Vec<EditionSection>,
    /// The editor's note.
    pub note: Note,
    pub draft: bool,
    /// The next older and the next newer edition.
    pub previous: Option<usize>,
    pub next: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct EditionSection {
    pub title: String,
    pub briefings: Vec<usize>,
}

/// Resolve every edition against the site's briefings (already in their
/// final order), newest edition first, and tell each briefing which
/// editions carry it. `drafts` are the keys of briefings left out as drafts;
/// `unchecked` those of briefings that failed, whose own errors say why.
pub(super) fn link(
    site: &mut Site,
    loaded: Vec<Loaded<EditionMatter>>,
    drafts: &HashSet<String>,
    unchecked: &HashSet<String>,
    include_drafts: bool,
    errors: &mut Errors,
) {
    let index = site.index_by_key();
    let mut editions = Vec::new();
    for edition in loaded {
        if edition.meta.draft == Some(true) && !include_drafts {
            continue;
        }
        match resolve(edition, &index, (drafts, unchecked), site) {
            Ok(edition) => editions.push(edition),
            Err(e) => errors.0.extend(e.0),
        }
    }
    editions.sort_by(|a, b| {
        b.date
            .instant
            .cmp(&a.date.instant)
            .then_with(|| b.slug.cmp(&a.slug))
    });
    let count = editions.len();
    for (i, edition) in editions.iter_mut().enumerate() {
        edition.previous = (i + 1 < count).then_some(i + 1);
        edition.next = i.checked_sub(1);
    }
    for (e, edition) in editions.iter().enumerate() {
        for b in edition.carried() {
            site.briefings[b].editions.push(e);
        }
    }
    site.editions = editions;
}

impl Edition {
    /// Every briefing the edition carries, lead first, in its order.
    pub fn carried(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.lead)
            .chain(self.briefings.iter().copied())
            .chain(
                self.sections
                    .iter()
                    .flat_map(|s| s.briefings.iter().copied()),
            )
    }
}

fn resolve(
    loaded: Loaded<EditionMatter>,
    index: &crate::digest::Map<&str, usize>,
    (drafts, unchecked): (&HashSet<String>, &HashSet<String>),
    site: &Site,
) -> Result<Edition, Errors> {
    let mut errors = Errors::default();
    // The file name is the edition's address, as it is written.
    if let Err(message) = crate::slug::check_written(loaded.stem()) {
        errors.push(Error::at(
            &loaded.path,
            format!("the file name is the edition's address, and {message}; rename the file (2025-09-03.md)"),
        ));
    }
    let (title, date) = title_and_date(&loaded, &mut errors);
    let published = loaded.meta.draft != Some(true);
    let mut references = References {
        loaded: &loaded,
        index,
        drafts,
        unchecked,
        site,
        published,
        seen: HashMap::new(),
        errors: &mut errors,
    };
    let lead = match loaded.meta.lead.as_deref() {
        Some(reference) => references.resolve(reference),
        None => {
            references.errors.push(loaded.error_at(
                "lead",
                "'lead' is required: the top story, as `lead: \"@/briefings/<file>.md\"`",
            ));
            None
        }
    };
    let Some(listed) = listed(&loaded) else {
        errors.push(loaded.error_at(
            "briefings",
            "'briefings' is required: the rest of the edition in order, as a list of `\"@/briefings/<file>.md\"`",
        ));
        return Err(errors);
    };
    let briefings: Vec<usize> = listed
        .iter()
        .filter_map(|r| references.resolve(r))
        .collect();
    let sections: Vec<EditionSection> = loaded
        .meta
        .sections
        .iter()
        .flatten()
        .map(|s| EditionSection {
            title: s.title.trim().to_string(),
            briefings: s
                .briefings
                .iter()
                .filter_map(|r| references.resolve(r))
                .collect(),
        })
        .collect();
    match (lead, date) {
        (Some(lead), Some(date)) if errors.is_empty() => Ok(Edition {
            slug: loaded.stem().to_string(),
            url_path: format!("editions/{}/", loaded.stem()),
            key: loaded.key.clone(),
            title,
            date,
            summary: loaded
                .meta
                .summary
                .as_deref()
                .map(str::trim)
                .unwrap_or_default()
                .to_string(),
            lead,
            briefings,
            sections,
            note: Note::new(loaded.body.clone(), loaded.body_line),
            draft: !published,
            previous: None,
            next: None,
            path: loaded.path.clone(),
        }),
        _ => Err(errors),
    }
}

/// The edition's title and date, each required; what is missing is an
/// error at its key.
fn title_and_date(
    loaded: &Loaded<EditionMatter>,
    errors: &mut Errors,
) -> (String, Option<crate::content::Date>) {
    let title = match loaded.meta.title.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            errors.push(loaded.error_at(
                "title",
                "'title' is required (for example `title: Parade day in Beijing`)",
            ));
            String::new()
        }
    };
    let date = match read_date(loaded, "date", loaded.meta.date.as_ref()) {
        Ok(Some(date)) => Some(date),
        Ok(None) => {
            errors.push(loaded.error_at(
                "date",
                "'date' is required (for example `date: 2025-09-03T07:00:00+08:00`)",
            ));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };
    (title, date)
}

/// The list after the lead; `briefings:` written with nothing under it is
/// an edition of one. None when the key is missing.
fn listed(loaded: &Loaded<EditionMatter>) -> Option<&[String]> {
    match loaded.meta.briefings.as_deref() {
        Some(listed) => Some(listed),
        None if loaded.keys.iter().any(|(key, _, _)| key == "briefings") => Some(&[]),
        None => None,
    }
}

/// Resolving an edition's references, each at the place it is written.
struct References<'a> {
    loaded: &'a Loaded<EditionMatter>,
    index: &'a crate::digest::Map<&'a str, usize>,
    drafts: &'a HashSet<String>,
    /// Briefings that failed: a reference to one is not an error of its
    /// own (the file is there), and the edition goes on without it.
    unchecked: &'a HashSet<String>,
    site: &'a Site,
    published: bool,
    /// How often each reference was met so far, to place the n-th.
    seen: HashMap<String, usize>,
    errors: &'a mut Errors,
}

/// A published edition names a draft, left out of the build or not.
fn a_draft(reference: &str) -> String {
    format!("'{reference}' is a draft: a published edition carries only published briefings (publish it, take it out of the edition, or make the edition a draft too)")
}

impl References<'_> {
    fn resolve(&mut self, reference: &str) -> Option<usize> {
        let reference = reference.trim();
        let met = self.seen.entry(reference.to_string()).or_insert(0);
        *met += 1;
        let nth = *met;
        let place = |message: String| {
            let at = self
                .loaded
                .meta
                .references
                .iter()
                .filter(|(text, _, _)| text == reference)
                .nth(nth - 1);
            match at {
                Some((_, line, column)) => Error::at(&self.loaded.path, message)
                    .on_line(*line)
                    .on_column(*column),
                None => Error::at(&self.loaded.path, message).on_line(1),
            }
        };
        let Some(key) = reference.strip_prefix("@/") else {
            self.errors.push(place(format!(
                "'{reference}' is not a reference to a briefing: write \"@/briefings/<file>.md\""
            )));
            return None;
        };
        if nth > 1 {
            self.errors.push(place(format!(
                "'{reference}' is listed twice in this edition: keep it in one place"
            )));
            return None;
        }
        if self.drafts.contains(key) {
            self.errors.push(place(a_draft(reference)));
            return None;
        }
        if self.unchecked.contains(key) {
            return None;
        }
        let Some(&i) = self.index.get(key) else {
            let mut message = format!("'{reference}' is not a briefing: no file content/{key}");
            let keys = self.index.keys().copied();
            if let Some(hint) = crate::error::did_you_mean(key, keys) {
                message.push_str(&format!(" (did you mean '@/{hint}'?)"));
            }
            self.errors.push(place(message));
            return None;
        };
        if self.published && self.site.briefings[i].draft {
            self.errors.push(place(a_draft(reference)));
            return None;
        }
        Some(i)
    }
}

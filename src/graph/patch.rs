//! The preview's fast path for the usual save: briefings whose body
//! changed, or whose front-matter changed only in what their pages show
//! (title, summary, sources, picture, extra). Names, slugs, dates, lists
//! and related briefings cannot have moved, so instead of linking the
//! whole site again the bodies are rendered again and what they feed is
//! patched in place: the briefing's matter, HTML, summary and word count,
//! the backlinks of what it links to, and the "also mentioned in" lists of
//! what it names. Anything the patch cannot vouch for (a changed address,
//! date or name, a front-matter that fails its checks, a link to check
//! against another file's headings, its own headings changed, a broken
//! link to report) is left to the full link stage.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::bodies::{BodyRenderer, CachedBody, SubjectIndex};
use super::mentions::Kind;
use super::{Briefing, Matter, Site};
use crate::config::Config;
use crate::content::{FrontMatter, Loaded};

/// What a patch changed: the briefings whose bodies it took, and those
/// whose backlinks and the topics and people whose "also mentioned in"
/// lists moved with them.
#[derive(Debug, Default)]
pub struct Patched {
    pub briefings: Vec<usize>,
    pub backlinks: Vec<usize>,
    pub topics: Vec<usize>,
    pub people: Vec<usize>,
}

/// Patch `site` for `edited`, briefings as now loaded. What changed, or
/// None, with `site` untouched, when the full link stage must run instead.
pub fn patch_briefings(
    config: &Config,
    site: &mut Site,
    edited: &[Arc<Loaded<FrontMatter>>],
) -> Option<Patched> {
    // Whether each front-matter leaves its briefing in place decides most
    // saves that must link again (a date, a topic): looked at first, before
    // the maps and the renderer a body needs are made (2 ms at 10k).
    let mut placed = Vec::with_capacity(edited.len());
    for loaded in edited {
        let i = site.briefings.iter().position(|b| b.key == loaded.key)?;
        placed.push((i, new_matter(config, &site.briefings[i], loaded)?));
    }
    let index_of = site.index_by_key();
    let (_, ids) = site.bodies.subjects.with(site);
    let subject_index = SubjectIndex::of(&ids);
    let renderer = BodyRenderer::new(config, site, site.bodies.urls.clone(), ids);
    let mut patches = Vec::new();
    for (loaded, (i, matter)) in edited.iter().zip(placed) {
        let b = &site.briefings[i];
        let old = site.bodies.briefings.get(&loaded.key)?;
        let summary_given = !matter.as_ref().unwrap_or(&b.matter).summary.is_empty();
        let mut patch = Patch {
            index: i,
            key: loaded.key.clone(),
            matter,
            body_line: loaded.body_line,
            summary_given,
            body: Body::Kept(old.clone()),
        };
        if old.revision == loaded.revision {
            if patch.matter.is_some() {
                patches.push(patch);
            }
            continue;
        }
        let new = renderer.render(b, &loaded.body, loaded.revision, old.inputs);
        // Links elsewhere may point at these headings, and what the link
        // stage refuses it must say: the full check decides.
        if new.rendered.anchors != old.rendered.anchors
            || !(super::bodies::Written {
                path: &loaded.path,
                markdown: &loaded.body,
                body_line: loaded.body_line,
                rendered: &new.rendered,
                html_len: new.html.len(),
            })
            .own_errors(&config.limits)
            .is_empty()
        {
            return None;
        }
        for link in &new.rendered.links {
            if !link.resolved {
                return None;
            }
            if let Some(anchor) = &link.anchor {
                let anchors = &site.bodies.briefings.get(&link.target)?.rendered.anchors;
                if !anchors.contains(anchor) {
                    return None;
                }
            }
        }
        let targets = |body: &CachedBody| -> BTreeSet<usize> {
            body.rendered
                .links
                .iter()
                .filter_map(|link| index_of.get(link.target.as_str()).copied())
                .filter(|&to| to != i)
                .collect()
        };
        let unlisted = |body: &CachedBody| -> Mentions {
            subject_index
                .resolve(&body.seen)
                .into_iter()
                .filter(|&(kind, index)| match kind {
                    Kind::Topic => !b.topics.contains(&index),
                    Kind::Person => !b.people.contains(&index),
                })
                .collect()
        };
        patch.body = Body::New(BodyPatch {
            links: (targets(old), targets(&new)),
            mentions: (unlisted(old), unlisted(&new)),
            body: Arc::new(new),
        });
        patches.push(patch);
    }
    drop(renderer);
    Some(apply(site, patches))
}

/// The matter of `loaded`, when its front-matter changed only in what the
/// pages of `b` show; Some(None) when it did not change; None when the
/// site must be linked again (its checks failed, or it moved the briefing).
fn new_matter(
    config: &Config,
    b: &Briefing,
    loaded: &Arc<Loaded<FrontMatter>>,
) -> Option<Option<Arc<Matter>>> {
    if loaded.front_matter == b.front_matter {
        return Some(None);
    }
    let transliterate = config.slugs.transliterate;
    let matter = super::prepare_matter(Loaded::clone(loaded), transliterate).ok()?;
    b.same_place(&matter).then(|| Some(Arc::new(matter)))
}

/// Put `patches` into `site`: their matter and bodies, and the backlinks
/// and "also mentioned in" lists they moved.
fn apply(site: &mut Site, patches: Vec<Patch>) -> Patched {
    site.generation = super::next_generation();
    let mut patched = Patched::default();
    for patch in patches {
        let i = patch.index;
        let b = &mut site.briefings[i];
        if let Some(matter) = patch.matter {
            b.summary = matter.summary.clone();
            b.matter = matter;
        }
        b.body_line = patch.body_line;
        patched.briefings.push(i);
        let body = match patch.body {
            Body::Kept(kept) => {
                kept.show_in(&mut site.briefings[i], patch.summary_given);
                continue;
            }
            Body::New(body) => body,
        };
        let (before, after) = &body.links;
        for &to in before.symmetric_difference(after) {
            patched.backlinks.push(to);
        }
        for &to in before.difference(after) {
            remove(&mut site.briefings[to].backlinks, i);
        }
        for &to in after.difference(before) {
            insert(&mut site.briefings[to].backlinks, i);
        }
        let (before, after) = &body.mentions;
        for &(kind, index) in before.symmetric_difference(after) {
            match kind {
                Kind::Topic => patched.topics.push(index),
                Kind::Person => patched.people.push(index),
            }
        }
        for &(kind, index) in before.difference(after) {
            remove(&mut subject(site, kind, index).mentioned_in, i);
        }
        for &(kind, index) in after.difference(before) {
            insert(&mut subject(site, kind, index).mentioned_in, i);
        }
        body.body
            .show_in(&mut site.briefings[i], patch.summary_given);
        site.bodies.briefings.insert(patch.key, body.body);
    }
    patched
}

/// Subjects as (topic or person, index).
type Mentions = BTreeSet<(Kind, usize)>;

struct Patch {
    index: usize,
    key: String,
    /// Its new matter, when its front-matter changed.
    matter: Option<Arc<Matter>>,
    body_line: usize,
    summary_given: bool,
    body: Body,
}

enum Body {
    /// As it was: the front-matter alone changed.
    Kept(Arc<CachedBody>),
    New(BodyPatch),
}

struct BodyPatch {
    /// Briefings linked to, before and after.
    links: (BTreeSet<usize>, BTreeSet<usize>),
    /// Subjects named in the text but not listed, before and after.
    mentions: (Mentions, Mentions),
    body: Arc<CachedBody>,
}

fn subject(site: &mut Site, kind: Kind, index: usize) -> &mut super::Subject {
    match kind {
        Kind::Topic => &mut site.topics[index],
        Kind::Person => &mut site.people[index],
    }
}

/// The full link stage fills these lists in briefing order; keep it.
fn insert(list: &mut Vec<usize>, i: usize) {
    if let Err(at) = list.binary_search(&i) {
        list.insert(at, i);
    }
}

fn remove(list: &mut Vec<usize>, i: usize) {
    if let Ok(at) = list.binary_search(&i) {
        list.remove(at);
    }
}

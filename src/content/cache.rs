//! The preview's memory of `content/`: each file as last parsed, with its
//! size and mtime. A save re-reads only the files the watcher named; the
//! whole folder is walked again only when the change may have added,
//! removed or moved more than those (a folder renamed, a file that is not
//! a briefing's Markdown).

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::{key_of, parse_file, walk, Content, FrontMatter, Loaded, Parsed, Section, Stamp};
use crate::config::Config;
use crate::error::{Error, Errors};

#[derive(Default)]
pub struct ContentCache {
    /// By path relative to the root; a BTreeMap iterates in the order a
    /// walk sorted by file name visits, so content comes out as `load` gives it.
    files: BTreeMap<PathBuf, CachedFile>,
    walk_errors: Errors,
    walk_warnings: Vec<Error>,
    walked: bool,
}

struct CachedFile {
    key: String,
    stamp: Stamp,
    parsed: Result<Parsed, Error>,
}

/// The briefings as now saved, when every file of `touched` (relative to
/// the root) is a briefing already loaded that still reads as one: a save
/// the preview may patch into the site it holds (`graph::patch_briefings`
/// decides). Otherwise None and the cache is as it was.
pub fn reload_briefings(
    config: &Config,
    cache: &mut ContentCache,
    touched: &HashSet<PathBuf>,
) -> Option<Vec<Arc<Loaded<FrontMatter>>>> {
    if !cache.walked || touched.is_empty() {
        return None;
    }
    let mut reloaded = Vec::new();
    for rel in touched {
        let before = match &cache.files.get(rel)?.parsed {
            Ok(Parsed::Briefing(b)) => b,
            _ => return None,
        };
        // Not followed: a build skips a link where a file was.
        let meta = std::fs::symlink_metadata(config.root.join(rel)).ok()?;
        if !meta.is_file() {
            return None;
        }
        let Ok(Parsed::Briefing(now)) = parse_file(config, Section::Briefings, rel, &before.key)
        else {
            return None;
        };
        reloaded.push((rel, (meta.modified().ok(), meta.len()), now));
    }
    let mut edited = Vec::with_capacity(reloaded.len());
    for (rel, stamp, now) in reloaded {
        if let Some(file) = cache.files.get_mut(rel) {
            file.stamp = stamp;
            file.parsed = Ok(Parsed::Briefing(now.clone()));
        }
        edited.push(now);
    }
    Some(edited)
}

/// `load`, reusing what `cache` holds. `touched` are the files an event
/// named (relative to the root): read again whatever their stamps say.
pub fn load_cached(
    config: &Config,
    cache: &mut ContentCache,
    touched: &HashSet<PathBuf>,
) -> Result<Content, Errors> {
    let content_dir = config.content_dir();
    let only_touched = cache.walked
        && !touched.is_empty()
        && touched.iter().all(|rel| {
            let path = config.root.join(rel);
            let key = key_of(&content_dir, &path);
            rel.file_name()
                .is_some_and(|name| super::is_markdown(&name.to_string_lossy()))
                && Section::of(&key).is_some()
                && rel.starts_with("content")
                && match std::fs::symlink_metadata(&path) {
                    Ok(meta) => meta.is_file(),
                    Err(_) => true,
                }
        });
    if only_touched {
        for rel in touched {
            let path = config.root.join(rel);
            let key = key_of(&content_dir, &path);
            match std::fs::metadata(&path) {
                Ok(meta) => {
                    let section = Section::of(&key).expect("checked above");
                    let parsed = parse_file(config, section, rel, &key);
                    let stamp = (meta.modified().ok(), meta.len());
                    cache
                        .files
                        .insert(rel.clone(), CachedFile { key, stamp, parsed });
                }
                Err(_) => {
                    cache.files.remove(rel);
                }
            }
        }
    } else {
        let found = walk(config, true)?;
        let mut stale: Vec<&super::Found> = Vec::new();
        let mut files = BTreeMap::new();
        for f in &found.files {
            match cache.files.remove(&f.rel) {
                Some(old)
                    if old.stamp == f.stamp && f.stamp.0.is_some() && !touched.contains(&f.rel) =>
                {
                    files.insert(f.rel.clone(), old);
                }
                _ => stale.push(f),
            }
        }
        let parsed: Vec<Result<Parsed, Error>> = stale
            .par_iter()
            .map(|f| parse_file(config, f.section, &f.rel, &f.key))
            .collect();
        for (f, parsed) in stale.into_iter().zip(parsed) {
            files.insert(
                f.rel.clone(),
                CachedFile {
                    key: f.key.clone(),
                    stamp: f.stamp,
                    parsed,
                },
            );
        }
        cache.files = files;
        cache.walk_errors = found.errors;
        cache.walk_warnings = found.warnings;
        cache.walked = true;
    }

    let mut content = Content {
        warnings: cache.walk_warnings.clone(),
        errors: cache.walk_errors.clone(),
        ..Content::default()
    };
    // A copy of every file as parsed, which the link stage takes apart:
    // made on both cores.
    let files: Vec<&CachedFile> = cache.files.values().collect();
    let copies: Vec<Result<Parsed, Error>> = files.par_iter().map(|f| f.parsed.clone()).collect();
    content.briefings.reserve(files.len());
    for (file, parsed) in files.into_iter().zip(copies) {
        content.add(&file.key, parsed);
    }
    Ok(content)
}

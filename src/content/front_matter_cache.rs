//! Briefings' front-matter as an earlier build parsed it, by a digest of its
//! text. YAML is slow to parse, and from one build to the next almost every
//! front-matter is the same: read back from JSON it costs a seventh of the
//! time. Only front-matter that parsed without error, and that comes back
//! from JSON exactly as it went in, is kept; a cache written by a program
//! whose front-matter fields differ is not used.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::{FrontMatter, Loaded, Source};
use crate::digest::hash_of;

#[derive(Default, Serialize, Deserialize)]
pub struct FrontMatterCache {
    /// Digest of the fields `FrontMatter` has, so a cache written by a
    /// program that reads front-matter differently is never used.
    schema: u64,
    entries: HashMap<u64, Parsed>,
}

/// One front-matter as parsed: the fields, and where each key's value is.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Parsed {
    pub meta: FrontMatter,
    pub keys: std::sync::Arc<[(String, usize, usize)]>,
}

/// What identifies a front-matter: its text and the line it starts on
/// (key positions are file lines).
pub fn digest(yaml: &str, first_line: usize) -> u64 {
    hash_of((yaml, first_line))
}

fn schema() -> u64 {
    let fields = serde_json::to_string(&(
        FrontMatter::default(),
        Source {
            title: String::new(),
            url: None,
        },
    ))
    .unwrap_or_default();
    hash_of((env!("CARGO_PKG_VERSION"), fields))
}

impl FrontMatterCache {
    /// The cache at `path`, if there is a usable one; else empty.
    pub fn read(path: &Path) -> FrontMatterCache {
        let cache = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<FrontMatterCache>(&bytes).ok());
        match cache {
            Some(cache) if cache.schema == schema() => cache,
            _ => FrontMatterCache::default(),
        }
    }

    pub fn get(&self, digest: u64) -> Option<&Parsed> {
        self.entries.get(&digest)
    }

    /// The cache for the next build: every briefing just loaded, taking
    /// this cache's entries and checking that new ones survive the trip
    /// through JSON. True if it differs from this one.
    pub fn next(mut self, briefings: &[Arc<Loaded<FrontMatter>>]) -> (FrontMatterCache, bool) {
        let mut entries = HashMap::with_capacity(briefings.len());
        let mut new = Vec::new();
        for b in briefings {
            match self.entries.remove(&b.front_matter) {
                Some(known) => {
                    entries.insert(b.front_matter, known);
                }
                None if !entries.contains_key(&b.front_matter) => new.push(b),
                None => {}
            }
        }
        let changed = !new.is_empty() || !self.entries.is_empty() || self.schema != schema();
        let checked: Vec<(u64, Parsed)> = new
            .par_iter()
            .filter_map(|b| {
                let parsed = Parsed {
                    meta: b.meta.clone(),
                    keys: b.keys.clone(),
                };
                let json = serde_json::to_string(&parsed).ok()?;
                let back: Parsed = serde_json::from_str(&json).ok()?;
                (back == parsed).then_some((b.front_matter, parsed))
            })
            .collect();
        entries.extend(checked);
        let next = FrontMatterCache {
            schema: schema(),
            entries,
        };
        (next, changed)
    }

    /// Write the cache through a temporary file renamed into place.
    pub fn write(&self, path: &Path) {
        if let Ok(bytes) = serde_json::to_vec(self) {
            let _ = crate::atomic_file::write(path, &bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn briefing(text: &str) -> Arc<Loaded<FrontMatter>> {
        Arc::new(
            super::super::parse_loaded(text, Path::new("content/briefings/x.md"), "briefings/x.md")
                .expect("parses"),
        )
    }

    #[test]
    fn keeps_what_survives_json_and_reports_changes() {
        let plain = briefing("---\ntitle: Talks\ndate: 2025-09-02\nextra:\n  n: 3\n---\nBody.\n");
        // A YAML tag does not come back from JSON as it went in.
        let tagged =
            briefing("---\ntitle: Tagged\ndate: 2025-09-02\nextra:\n  t: !custom x\n---\nBody.\n");
        let (cache, changed) = FrontMatterCache::default().next(&[plain.clone(), tagged.clone()]);
        assert!(changed);
        let kept = cache
            .get(plain.front_matter)
            .expect("plain front-matter kept");
        assert!(kept.meta == plain.meta && kept.keys == plain.keys);
        assert!(cache.get(tagged.front_matter).is_none());

        // The same briefings again: the same cache, nothing to write.
        let (again, changed) = cache.next(std::slice::from_ref(&plain));
        assert!(!changed);
        assert!(again.get(plain.front_matter).is_some());
        // One front-matter edited: the old entry goes, the new one comes.
        let edited = briefing("---\ntitle: Talks resumed\ndate: 2025-09-02\n---\nBody.\n");
        let (next, changed) = again.next(std::slice::from_ref(&edited));
        assert!(changed);
        assert!(next.get(plain.front_matter).is_none());
        assert!(next.get(edited.front_matter).is_some());
    }

    #[test]
    fn a_cache_of_other_fields_is_not_used() {
        let dir = std::env::temp_dir().join(format!("fm-cache-{}", std::process::id()));
        let plain = briefing("---\ntitle: Talks\ndate: 2025-09-02\n---\nBody.\n");
        let (cache, _) = FrontMatterCache::default().next(std::slice::from_ref(&plain));
        cache.write(&dir);
        assert!(FrontMatterCache::read(&dir)
            .get(plain.front_matter)
            .is_some());
        let text = std::fs::read_to_string(&dir).expect("written");
        let other = text.replacen(&format!("\"schema\":{}", schema()), "\"schema\":7", 1);
        assert_ne!(other, text);
        std::fs::write(&dir, other).expect("write");
        assert!(FrontMatterCache::read(&dir)
            .get(plain.front_matter)
            .is_none());
        let _ = std::fs::remove_file(&dir);
    }
}

//! What a build leaves for the next one, beside its output
//! (`.site.cache` next to `site/`): the rendered bodies, the related lists,
//! and a digest of every page's and feed's template context. The next build
//! of an unchanged page links the file it wrote last time instead of
//! rendering it again. The cache is only used when the config, the
//! templates and this program are the ones that wrote it; a cache that
//! cannot be read is ignored, never trusted.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic_file;
use crate::digest::hash_of;
use crate::graph::{BodyCache, RelatedMemo};
use crate::theme::ThemeFile;
use crate::{BuildOptions, Config};

#[derive(Default, Serialize, Deserialize)]
pub struct BuildCache {
    /// Digest of what every page depends on beyond the content: see `setup`.
    setup: u64,
    pub bodies: BodyCache,
    pub related: RelatedMemo,
    /// Output path → digest of what produced the file there.
    pub prints: HashMap<String, u64>,
    /// `@/` key and byte length of each body's HTML in the blob file.
    html_index: Vec<(String, usize)>,
}

/// The program, the config and the templates: a change to any of them and
/// the cache is not used.
pub fn setup(
    options: &BuildOptions,
    config: &Config,
    templates: &BTreeMap<String, ThemeFile>,
) -> u64 {
    let config_text =
        std::fs::read(config.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    let templates: Vec<(&String, &Vec<u8>)> = templates
        .iter()
        .map(|(name, file)| (name, &file.bytes))
        .collect();
    hash_of((
        env!("CARGO_PKG_VERSION"),
        config_text,
        &options.base_url,
        options.drafts,
        templates,
    ))
}

/// Where the cache of an output folder lives: beside it, hidden.
pub fn path_for(output: &Path) -> PathBuf {
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    output.with_file_name(format!(".{name}.cache"))
}

impl BuildCache {
    pub fn new(
        setup: u64,
        bodies: BodyCache,
        related: RelatedMemo,
        prints: HashMap<String, u64>,
    ) -> BuildCache {
        BuildCache {
            setup,
            bodies,
            related,
            prints,
            html_index: Vec::new(),
        }
    }

    /// The cache at `path`, if it was written for this `setup`; else empty.
    pub fn read(path: &Path, setup: u64) -> BuildCache {
        let fresh = BuildCache {
            setup,
            ..BuildCache::default()
        };
        let Ok(bytes) = std::fs::read(path) else {
            return fresh;
        };
        let Ok(mut cache) = serde_json::from_slice::<BuildCache>(&bytes) else {
            return fresh;
        };
        let blob = std::fs::read(blob_path(path)).unwrap_or_default();
        if cache.setup != setup || !cache.bodies.restore_html(&cache.html_index, blob) {
            return fresh;
        }
        cache
    }

    /// A digest of everything the cache holds, to tell whether a build
    /// changed it: an unchanged build need not rewrite 60 MB.
    pub fn digest(&self) -> u64 {
        let mut prints: Vec<(&String, &u64)> = self.prints.iter().collect();
        prints.sort_unstable();
        hash_of((
            self.setup,
            self.bodies.digest(),
            self.related.digest(),
            prints,
        ))
    }

    /// Write it whole or not at all: the blob first, then the index that
    /// describes it, each through a temporary file renamed into place.
    pub fn write(&mut self, path: &Path) {
        let (index, blob) = self.bodies.html_blob();
        self.html_index = index;
        let Ok(bytes) = serde_json::to_vec(&*self) else {
            return;
        };
        // The index goes first, so a crash between the two leaves an index
        // that does not fit the blob, which `read` rejects.
        let _ = std::fs::remove_file(path);
        if atomic_file::write(&blob_path(path), &blob).is_ok() {
            let _ = atomic_file::write(path, &bytes);
        }
    }
}

impl BuildCache {
    /// Remove the cache at `path` and its HTML.
    pub fn remove(path: &Path) {
        let _ = std::fs::remove_file(path);
        let _ = std::fs::remove_file(blob_path(path));
    }
}

fn blob_path(path: &Path) -> PathBuf {
    path.with_extension("cache-html")
}

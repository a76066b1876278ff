//! What a build leaves for the next one, in the site root
//! (`.briefing/<output>-<digest>/`, one folder per output): the rendered
//! bodies, the related lists, and a digest of every page's and feed's
//! template context. The next build of an unchanged page links the file it
//! wrote last time instead of rendering it again. The cache is only used
//! when the config, the templates and this program are the ones that wrote
//! it, and when the output's mark names the generation the cache saw
//! committed (see `output`); a cache that cannot be read is ignored, never
//! trusted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic_file;
use crate::digest::hash_of;
use crate::digest::Map;
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
    pub prints: Map<String, u64>,
    /// The output generation these prints describe: see `generation`.
    generation: u64,
    /// `@/` key and byte length of each body's HTML in the blob file.
    html_index: Vec<(String, usize)>,
}

/// The program (its version and the digest of its sources, see build.rs),
/// the config and the templates: a change to any of them and the cache is
/// not used.
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
        env!("BRIEFING_SOURCE_DIGEST"),
        config_text,
        &options.base_url,
        options.drafts,
        templates,
    ))
}

/// The files of one output's cache.
#[derive(Clone)]
pub struct CacheFiles {
    folder: PathBuf,
    /// The cache itself (JSON).
    pub index: PathBuf,
    /// The bodies' HTML, which the index points into.
    html: PathBuf,
    /// Briefings' front-matter as parsed (`FrontMatterCache`).
    pub front_matter: PathBuf,
    /// What the last build was made from (`LastBuild`).
    pub last_build: PathBuf,
}

/// The folder in the site root that holds every cache.
pub const FOLDER: &str = ".briefing";

impl CacheFiles {
    /// Where the cache of `output` (absolute) lives: in the site root, one
    /// folder per output, named after it and a digest of its path (relative
    /// to the root when inside it, so a moved site keeps its cache).
    pub fn of(root: &Path, output: &Path) -> CacheFiles {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let key = output.strip_prefix(&root).unwrap_or(output);
        let name: String = output
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let folder = root
            .join(FOLDER)
            .join(format!("{name}-{:08x}", hash_of(key) as u32));
        CacheFiles {
            index: folder.join("cache"),
            html: folder.join("cache-html"),
            front_matter: folder.join("cache-meta"),
            last_build: folder.join("last-build"),
            folder,
        }
    }

    /// Create the cache's folder; the folder of all caches gets a
    /// `.gitignore` that ignores it whole.
    pub fn create(&self) -> std::io::Result<()> {
        if let Some(all) = self.folder.parent() {
            if !all.is_dir() {
                std::fs::create_dir_all(all)?;
                std::fs::write(all.join(".gitignore"), "# Caches of briefing builds.\n*\n")?;
            }
        }
        std::fs::create_dir_all(&self.folder)
    }

    /// Remove the temporary files of a write that was killed. Call with
    /// the build's lock held.
    pub fn clear_leftovers(&self) {
        let Ok(entries) = std::fs::read_dir(&self.folder) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The generation of an output whose files were produced from `prints`
/// under `setup`: equal prints, equal generation, so two builds of the same
/// content mark their outputs alike. A sum of one digest per file, so no
/// sort of every path is needed.
pub fn generation(setup: u64, prints: &Map<String, u64>) -> u64 {
    // One-shot hashes: a no-change build of 10k briefings sums 33k of them.
    let sum = prints.iter().fold(0u64, |sum, (path, print)| {
        sum.wrapping_add(xxhash_rust::xxh3::xxh3_64_with_seed(
            path.as_bytes(),
            *print,
        ))
    });
    hash_of((setup, sum, prints.len()))
}

impl BuildCache {
    pub fn new(
        setup: u64,
        bodies: BodyCache,
        related: RelatedMemo,
        prints: Map<String, u64>,
    ) -> BuildCache {
        BuildCache {
            setup,
            bodies,
            related,
            prints,
            generation: 0,
            html_index: Vec::new(),
        }
    }

    /// The cache in `files`, if it was written for this `setup` and saw
    /// the generation the output holds committed; else empty.
    pub fn read(files: &CacheFiles, setup: u64, committed: Option<u64>) -> BuildCache {
        let path = &files.index;
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
        if cache.setup != setup || Some(cache.generation) != committed {
            return fresh;
        }
        let blob = std::fs::read(&files.html).unwrap_or_default();
        if !cache.bodies.restore_html(&cache.html_index, blob) {
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
            self.generation,
            self.bodies.digest(),
            self.related.digest(),
            prints,
        ))
    }

    /// Record that the output holds `generation`, as this cache describes.
    pub fn committed(&mut self, generation: u64) {
        self.generation = generation;
    }

    /// Write it whole or not at all: the old index goes, then the blob,
    /// then the new index that describes it, each through a temporary file
    /// renamed into place. An old index must never meet a new blob: its
    /// lengths could fit text that is not what it saw.
    pub fn write(&mut self, files: &CacheFiles) -> std::io::Result<()> {
        files.create()?;
        match std::fs::remove_file(&files.index) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
        self.html_index = self.bodies.html_index();
        // The blob is written as it is made (the HTML of every body is
        // tens of megabytes, which a copy in memory added to the build's
        // peak); the index, a fifth of its size, is made meanwhile.
        let (blob, index) = rayon::join(
            || atomic_file::write_with(&files.html, |out| self.bodies.write_html_blob(out)),
            || serde_json::to_vec(&*self).map_err(std::io::Error::from),
        );
        blob?;
        crate::output::crash_point("mid-cache");
        atomic_file::write(&files.index, &index?)
    }
}

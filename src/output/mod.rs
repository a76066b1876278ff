//! The write stage. A build that changes much of the site writes it into a
//! staging folder beside the output, swapped in only when every file is
//! written; a file whose bytes did not change is linked from the previous
//! site, keeping its mtime. A build that changes a few files updates the
//! output where it is, after everything is rendered, leaving unchanged
//! files alone. Either way a failed build leaves the previous site as it
//! was, and deploy tools that compare times see no change.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::atomic_file;
use crate::error::{Error, Errors};

/// One file of the built site, as the render stage makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Relative to the output folder, with `/`: `briefings/x/index.html`.
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteReport {
    pub files: usize,
    /// Files whose bytes differ from the previous build's (or are new).
    pub changed: usize,
}

/// Refuse outputs that would swallow the site's own sources.
pub fn check_output_dir(root: &Path, output: &Path) -> Result<(), Error> {
    let root = fs::canonicalize(root).map_err(|e| Error::io(root, &e))?;
    if output.exists() && !output.is_dir() {
        return Err(Error::at(
            output,
            "the output path is a file, not a folder: remove it or choose another --output",
        ));
    }
    let out = absolute(output);
    if root.starts_with(&out) {
        return Err(Error::at(
            output,
            "the output folder holds the site itself: it would be replaced on every build; choose a folder such as site/",
        ));
    }
    Ok(())
}

/// `path` made absolute, whether or not it exists yet.
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    // Not there yet: resolve its parent and re-attach the name.
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => absolute(parent).join(name),
        _ => std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// A site being written: files go into a folder beside the output, which
/// replaces the output on `commit`. Dropped without a commit (an error
/// part-way), the folder is removed and the output never touched. Files can
/// be written in batches, so a large site is never all in memory at once.
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    dirs: HashSet<PathBuf>,
    report: WriteReport,
    committed: bool,
}

impl Staging {
    pub fn begin(output: &Path) -> Result<Staging, Error> {
        let output = absolute(output);
        let parent = output
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let name = output
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, &e))?;
        let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
        let old = parent.join(format!(".{name}.old-{}", std::process::id()));
        // Left over from a build that was killed mid-way.
        let _ = fs::remove_dir_all(&staging);
        let _ = fs::remove_dir_all(&old);
        fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, &e))?;
        let mut dirs = HashSet::new();
        dirs.insert(staging.clone());
        Ok(Staging {
            output,
            staging,
            old,
            dirs,
            report: WriteReport::default(),
            committed: false,
        })
    }

    /// Write a batch, in parallel. A file whose bytes equal the previous
    /// build's is hard-linked from it, keeping its modification time.
    pub fn write(&mut self, files: Vec<Output>) -> Result<(), Errors> {
        let files = last_of_each_path(files);
        for file in &files {
            if let Some(dir) = self.staging.join(&file.path).parent() {
                if !self.dirs.contains(dir) {
                    fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
                    self.dirs.insert(dir.to_path_buf());
                }
            }
        }
        let (previous, staging) = (&self.output, &self.staging);
        let changed: Vec<Result<bool, Error>> = files
            .par_iter()
            .map(|file| {
                let target = staging.join(&file.path);
                let before = previous.join(&file.path);
                if same_bytes(&before, &file.bytes) && fs::hard_link(&before, &target).is_ok() {
                    return Ok(false);
                }
                // Never write through a link to the previous site's file.
                let _ = fs::remove_file(&target);
                fs::write(&target, &file.bytes).map_err(|e| Error::io(&target, &e))?;
                Ok(true)
            })
            .collect();
        let mut errors = Errors::default();
        for c in changed {
            match c {
                Ok(changed) => {
                    self.report.files += 1;
                    self.report.changed += usize::from(changed);
                }
                Err(e) => errors.push(e),
            }
        }
        errors.into_result(())
    }

    /// Take the previous build's file at `path` as it is (a hard link), for
    /// a page whose inputs did not change. False if there is none to take.
    pub fn link_previous(&mut self, path: &str) -> bool {
        let target = self.staging.join(path);
        if let Some(dir) = target.parent() {
            if !self.dirs.contains(dir) {
                if fs::create_dir_all(dir).is_err() {
                    return false;
                }
                self.dirs.insert(dir.to_path_buf());
            }
        }
        let linked = fs::hard_link(self.output.join(path), &target).is_ok();
        if linked {
            self.report.files += 1;
        }
        linked
    }

    /// Swap the staged site in for the output.
    pub fn commit(mut self) -> Result<WriteReport, Error> {
        self.committed = true;
        swap(&self.output, &self.staging, &self.old)?;
        Ok(self.report.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Updating the output where it is, for a build that changes few files.
/// Every file is rendered before any is written, so a build that fails
/// changes nothing. Each changed file is written beside its old self and
/// renamed over it, so a server never reads half a page; files the build no
/// longer makes are removed. Only an I/O error part-way (a full disk) can
/// leave some files new and others old.
pub struct InPlace {
    output: PathBuf,
    /// Files in the output, relative to it, with `/`.
    existing: HashSet<String>,
    kept: HashSet<String>,
}

impl InPlace {
    /// The output folder as it is, if there is one.
    pub fn scan(output: &Path) -> Option<InPlace> {
        let output = absolute(output);
        if !output.is_dir() {
            return None;
        }
        let mut existing = HashSet::new();
        for entry in walkdir::WalkDir::new(&output).min_depth(1) {
            let entry = entry.ok()?;
            if entry.file_type().is_file() {
                let rel = entry.path().strip_prefix(&output).ok()?;
                let rel: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_str().map(str::to_string))
                    .collect::<Option<_>>()?;
                existing.insert(rel.join("/"));
            }
        }
        Some(InPlace {
            output,
            existing,
            kept: HashSet::new(),
        })
    }

    /// Whether the output has a file at `path`.
    pub fn has(&self, path: &str) -> bool {
        self.existing.contains(path)
    }

    /// Keep the file at `path` as it is. False if there is none.
    pub fn keep(&mut self, path: &str) -> bool {
        let there = self.existing.contains(path);
        if there {
            self.kept.insert(path.to_string());
        }
        there
    }

    /// Remove every file neither made nor kept, then write `files` where
    /// their bytes changed; `before_change` runs once, before the first file
    /// is touched, and not at all if none is. Removing first lets a file take
    /// the place of a folder (or the other way round), and a rename that only
    /// changes case work where the file system ignores case.
    pub fn apply(
        self,
        files: Vec<Output>,
        before_change: impl FnOnce(),
    ) -> Result<WriteReport, Errors> {
        let output = &self.output;
        let files = last_of_each_path(files);
        let made: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let gone: Vec<&String> = self
            .existing
            .iter()
            .filter(|path| !made.contains(path.as_str()) && !self.kept.contains(*path))
            .collect();
        let to_write: Vec<&Output> = files
            .par_iter()
            .filter(|file| !same_bytes(&output.join(&file.path), &file.bytes))
            .collect();
        let report = WriteReport {
            files: made.len()
                + self
                    .kept
                    .iter()
                    .filter(|k| !made.contains(k.as_str()))
                    .count(),
            changed: to_write.len(),
        };
        if gone.is_empty() && to_write.is_empty() {
            return Ok(report);
        }
        before_change();

        for path in gone {
            let path = output.join(path);
            let _ = fs::remove_file(&path);
            // Folders left empty go too, as they would from a fresh build.
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| d.starts_with(output) && *d != output) {
                if fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        let mut dirs = HashSet::new();
        for file in &to_write {
            let target = output.join(&file.path);
            if target.is_dir() {
                // What was a folder is now a file: nothing made is inside it.
                fs::remove_dir_all(&target).map_err(|e| Error::io(&target, &e))?;
            }
            if let Some(dir) = target.parent() {
                if dirs.insert(dir.to_path_buf()) {
                    fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
                }
            }
        }
        let written: Vec<Result<(), Error>> = to_write
            .par_iter()
            .map(|file| {
                let target = output.join(&file.path);
                atomic_file::write(&target, &file.bytes).map_err(|e| Error::io(&target, &e))
            })
            .collect();
        let mut errors = Errors::default();
        for result in written {
            if let Err(e) = result {
                errors.push(e);
            }
        }
        errors.into_result(report)
    }
}

/// One file per path, the last given winning: a site's own static file
/// replaces a generated one at the same path, as in the preview.
fn last_of_each_path(files: Vec<Output>) -> Vec<Output> {
    let mut seen = HashSet::new();
    let mut kept: Vec<Output> = files
        .into_iter()
        .rev()
        .filter(|f| seen.insert(f.path.clone()))
        .collect();
    kept.reverse();
    kept
}

fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

fn swap(output: &Path, staging: &Path, old: &Path) -> Result<(), Error> {
    let had_previous = output.exists();
    if had_previous {
        fs::rename(output, old).map_err(|e| Error::io(output, &e))?;
    }
    if let Err(e) = fs::rename(staging, output) {
        if had_previous {
            let _ = fs::rename(old, output);
        }
        let _ = fs::remove_dir_all(staging);
        return Err(Error::io(output, &e));
    }
    if had_previous {
        let _ = fs::remove_dir_all(old);
    }
    Ok(())
}

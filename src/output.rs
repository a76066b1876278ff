//! The write stage: the whole site goes into a staging folder beside the
//! output, which is swapped in only when every file is written. A failed
//! build leaves the previous site as it was. A file whose bytes did not
//! change is linked from the previous site, keeping its mtime, so deploy
//! tools that compare times see no change.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Errors};
use crate::render::Output;

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
    pub fn write(&mut self, files: &[Output]) -> Result<(), Errors> {
        for file in files {
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

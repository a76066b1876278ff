//! Updating the output where it is, for a build that changes few files.
//! Every file is rendered before any is written, and every new file is
//! written whole under a temporary name before the first one is renamed
//! into place: an error up to then (a full disk) leaves the site as it
//! was. Then the mark says "updating", the new files are renamed over the
//! old ones, the files the build no longer makes are removed, and the mark
//! names the new generation. A build killed in between leaves "updating",
//! so the next one trusts no cache and renders the whole site again.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::mark::{Mark, MARK};
use super::{absolute, crash_point, last_of_each_path, same_bytes, Output, Stop, WriteReport};
use crate::error::{Error, Errors};

/// The folder inside the output where new files wait to be renamed.
pub const NEW_FILES: &str = ".briefing-new";

pub struct InPlace {
    output: PathBuf,
    /// Files in the output, relative to it, with `/`.
    existing: HashSet<String>,
    /// Folders in the output with nothing in them, relative to it: a
    /// fresh build makes none.
    empty: Vec<String>,
    /// Anything else (a link, a socket): never kept, always removed.
    strays: Vec<String>,
    kept: HashSet<String>,
    mark: Mark,
}

impl InPlace {
    /// The output folder as it is, if there is one.
    pub fn scan(output: &Path) -> Option<InPlace> {
        let output = absolute(output);
        if !output.is_dir() {
            return None;
        }
        let mut scan = InPlace {
            mark: Mark::read(&output),
            output,
            existing: HashSet::new(),
            empty: Vec::new(),
            strays: Vec::new(),
            kept: HashSet::new(),
        };
        let walk = walkdir::WalkDir::new(&scan.output)
            .min_depth(1)
            .into_iter()
            .filter_entry(|e| e.depth() != 1 || e.file_name() != NEW_FILES);
        // The walk is depth first: a folder's first entry comes right
        // after it, so a folder followed by anything else is empty.
        let mut folder: Option<(usize, String)> = None;
        for entry in walk {
            let entry = entry.ok()?;
            if let Some((depth, rel)) = folder.take() {
                if entry.depth() <= depth {
                    scan.empty.push(rel);
                }
            }
            let rel = entry.path().strip_prefix(&scan.output).ok()?;
            let rel: Vec<&str> = rel
                .components()
                .map(|c| c.as_os_str().to_str())
                .collect::<Option<_>>()?;
            let rel = rel.join("/");
            let kind = entry.file_type();
            if kind.is_dir() {
                folder = Some((entry.depth(), rel));
            } else if rel == MARK {
                continue;
            } else if kind.is_file() {
                scan.existing.insert(rel);
            } else {
                scan.strays.push(rel);
            }
        }
        scan.empty.extend(folder.map(|(_, rel)| rel));
        Some(scan)
    }

    /// A digest of the paths of the output's files (`last_build::listing`);
    /// none when it holds anything a build does not make: an empty folder,
    /// a link.
    pub fn listing(&self) -> Option<u64> {
        (self.empty.is_empty() && self.strays.is_empty()).then(|| {
            let mut listing = crate::last_build::Listing::default();
            for path in &self.existing {
                listing.add(path);
            }
            listing.digest()
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

    /// Make the output hold `files` and the kept files, and nothing else,
    /// marked as `generation`. Nothing is touched when it already does.
    pub fn apply(self, files: Vec<Output>, generation: u64) -> Result<WriteReport, Stop> {
        let output = &self.output;
        let files = last_of_each_path(files);
        let made: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
        let gone: Vec<&String> = self
            .existing
            .iter()
            .filter(|path| !made.contains(path.as_str()) && !self.kept.contains(*path))
            .chain(&self.strays)
            .collect();
        let to_write: Vec<&Output> = files
            .par_iter()
            .filter(|file| !same_bytes(&output.join(&file.path), &file.bytes))
            .collect();
        let mut listing = crate::last_build::Listing::default();
        let kept = self.kept.iter().filter(|k| !made.contains(k.as_str()));
        for path in made.iter().copied().chain(kept.map(String::as_str)) {
            listing.add(path);
        }
        let report = WriteReport {
            files: listing.count(),
            listing,
            changed: to_write.len(),
        };
        let committed = Mark::Committed(generation);
        if gone.is_empty() && to_write.is_empty() && self.empty.is_empty() && self.mark == committed
        {
            return Ok(report);
        }

        // Every byte on disk before anything the site serves changes.
        let staged = output.join(NEW_FILES);
        let prepared = prepare(&staged, &to_write, committed);
        let prepared = match prepared {
            Ok(p) => p,
            Err(e) => {
                let _ = fs::remove_dir_all(&staged);
                return Err(Stop::Untouched(e));
            }
        };
        if let Err(e) = fs::rename(&prepared.updating, output.join(MARK)) {
            let _ = fs::remove_dir_all(&staged);
            return Err(Stop::Untouched(Error::io(output.join(MARK), &e).into()));
        }

        let unfinished = |e: Error| Stop::Unfinished(e.into());
        // On a disk that ignores case, a page renamed only in case is the
        // same entry as its old self: the old name goes first.
        let lower: HashSet<String> = to_write.iter().map(|f| f.path.to_lowercase()).collect();
        let (before, after): (Vec<&String>, Vec<&String>) = gone
            .into_iter()
            .partition(|p| lower.contains(&p.to_lowercase()));
        remove_files(output, &before).map_err(unfinished)?;
        let mut made_folders = HashSet::new();
        for (i, (file, temp)) in to_write.iter().zip(&prepared.files).enumerate() {
            if i == to_write.len() / 2 {
                crash_point("mid-renames");
            }
            let target = output.join(&file.path);
            make_parent(output, &file.path, &mut made_folders).map_err(unfinished)?;
            rename_over(temp, &target).map_err(unfinished)?;
        }
        remove_files(output, &after).map_err(unfinished)?;
        // Folders that held only what went, or nothing, go too, as in a
        // fresh build: deepest first, so each is empty when its turn comes;
        // one that still holds something stays.
        let gone_or_empty = before.iter().chain(&after).copied().chain(&self.empty);
        let mut folders: Vec<&str> = folders_of(gone_or_empty.map(String::as_str))
            .into_iter()
            .chain(self.empty.iter().map(String::as_str))
            .collect();
        folders.sort_unstable_by_key(|f| (std::cmp::Reverse(f.matches('/').count()), *f));
        folders.dedup();
        for folder in folders {
            let path = output.join(folder);
            match fs::remove_dir(&path) {
                Err(e) if !replaced(&e) && !still_holds(&e) => {
                    return Err(unfinished(Error::io(&path, &e)))
                }
                _ => {}
            }
        }
        crash_point("before-mark");
        fs::rename(&prepared.committed, output.join(MARK))
            .map_err(|e| unfinished(Error::io(output.join(MARK), &e)))?;
        let _ = fs::remove_dir_all(&staged);
        Ok(report)
    }
}

/// The new files, each under a temporary name, and the two marks to come.
struct Prepared {
    files: Vec<PathBuf>,
    updating: PathBuf,
    committed: PathBuf,
}

fn prepare(staged: &Path, to_write: &[&Output], committed: Mark) -> Result<Prepared, Errors> {
    let _ = fs::remove_dir_all(staged);
    fs::create_dir(staged).map_err(|e| Error::io(staged, &e))?;
    let files: Vec<PathBuf> = (0..to_write.len())
        .map(|i| staged.join(i.to_string()))
        .collect();
    let written: Vec<Result<(), Error>> = to_write
        .par_iter()
        .zip(&files)
        .map(|(file, temp)| fs::write(temp, &file.bytes).map_err(|e| Error::io(temp, &e)))
        .collect();
    let mut errors = Errors::default();
    for result in written {
        if let Err(e) = result {
            errors.push(e);
        }
    }
    let updating = staged.join("updating");
    let done = staged.join("committed");
    for (path, mark) in [(&updating, Mark::Updating), (&done, committed)] {
        if let Err(e) = fs::write(path, mark.text()) {
            errors.push(Error::io(path, &e));
        }
    }
    errors.into_result(Prepared {
        files,
        updating,
        committed: done,
    })
}

/// Every folder that holds one of `paths`, at any depth.
fn folders_of<'a>(paths: impl Iterator<Item = &'a str>) -> HashSet<&'a str> {
    let mut folders = HashSet::new();
    for path in paths {
        let mut rest = path;
        while let Some(cut) = rest.rfind('/') {
            rest = &rest[..cut];
            if !folders.insert(rest) {
                break;
            }
        }
    }
    folders
}

/// Remove files the site no longer has. One already gone is fine, and so
/// is one whose place a new folder took, or that was in a folder a new
/// file took the place of.
fn remove_files(output: &Path, paths: &[&String]) -> Result<(), Error> {
    for path in paths {
        let path = output.join(path);
        match fs::remove_file(&path) {
            Err(e) if !replaced(&e) => return Err(Error::io(&path, &e)),
            _ => {}
        }
    }
    Ok(())
}

/// Whether removing a folder failed because something is in it.
fn still_holds(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::ENOTEMPTY | libc::EEXIST))
}

/// Whether removing an entry failed only because it is no longer there as
/// what it was.
fn replaced(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound
        || matches!(e.raw_os_error(), Some(libc::ENOTDIR | libc::EISDIR))
}

/// Create the folders above `rel`, replacing a file that was where a
/// folder now goes (a file the site no longer makes).
fn make_parent(output: &Path, rel: &str, made: &mut HashSet<String>) -> Result<(), Error> {
    let mut at = 0;
    while let Some(cut) = rel[at..].find('/') {
        let folder = &rel[..at + cut];
        at += cut + 1;
        if made.contains(folder) {
            continue;
        }
        let path = output.join(folder);
        let io = |e: io::Error| Error::io(&path, &e);
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                fs::remove_file(&path).map_err(io)?;
                fs::create_dir(&path).map_err(io)?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir(&path).map_err(io)?,
            Err(e) => return Err(io(e)),
        }
        made.insert(folder.to_string());
    }
    Ok(())
}

/// Rename `temp` to `target`; a folder at `target` (the site made one
/// there before, and makes nothing inside it now) goes first.
fn rename_over(temp: &Path, target: &Path) -> Result<(), Error> {
    let io = |e: io::Error| Error::io(target, &e);
    match fs::rename(temp, target) {
        Ok(()) => Ok(()),
        Err(_) if fs::symlink_metadata(target).is_ok_and(|m| m.is_dir()) => {
            fs::remove_dir_all(target).map_err(io)?;
            fs::rename(temp, target).map_err(io)
        }
        Err(e) => Err(io(e)),
    }
}

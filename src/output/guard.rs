//! Before a build writes anything: the output must not be a source, must
//! be a folder briefing wrote (or an empty one), and only one build may
//! write it at a time. Under that lock, what a killed build left is removed.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::mark::Mark;
use super::{absolute, parent_and_name};
use crate::error::Error;

/// The site's own folders, which a build must never write into or replace.
const SOURCES: [&str; 5] = ["content", "templates", "static", "themes", ".briefing"];

/// Refuse an output that is a file, that would swallow or sit inside the
/// site's sources, or that holds files briefing did not write (unless
/// `force`: then they are replaced).
pub fn check_output_dir(root: &Path, output: &Path, force: bool) -> Result<(), Error> {
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
    for name in SOURCES {
        let source = root.join(name);
        // A source may be a link to elsewhere in the site: check both.
        let real = fs::canonicalize(&source).unwrap_or_else(|_| source.clone());
        for source in [&source, &real] {
            let relation = if out == *source {
                "is"
            } else if source.starts_with(&out) {
                "holds"
            } else if out.starts_with(source) {
                "is inside"
            } else {
                continue;
            };
            return Err(Error::at(
                output,
                format!(
                    "the output folder {relation} the site's {name}/: a build replaces its output, so it must be a folder of its own; choose one such as site/"
                ),
            ));
        }
    }
    if !force && out.is_dir() && !ours(&out) {
        return Err(Error::at(
            output,
            "this folder is not empty and briefing did not write it: a build would replace everything in it; choose an empty or new folder, or pass --force to replace its contents",
        ));
    }
    Ok(())
}

/// Whether `out` is empty or was written by briefing.
fn ours(out: &Path) -> bool {
    let empty = fs::read_dir(out).map(|mut entries| entries.next().is_none());
    empty.unwrap_or(false) || holds_our_site(out)
}

/// Whether `output` holds a site briefing wrote: it has our mark, or
/// (written before the mark existed) a cache beside it.
pub fn holds_our_site(output: &Path) -> bool {
    let out = absolute(output);
    out.is_dir()
        && (Mark::read(&out) != Mark::Absent || legacy_cache(&out).iter().any(|p| p.is_file()))
}

/// Where builds before the cache moved into the site root kept it.
pub fn legacy_cache(out: &Path) -> [PathBuf; 3] {
    let (parent, name) = parent_and_name(out);
    ["cache", "cache-html", "cache-meta"].map(|ext| parent.join(format!(".{name}.{ext}")))
}

/// A lock on the folder that holds the output, held until dropped: two
/// builds of one output take turns, so neither removes the other's staging
/// folder as a leftover. The folder itself is locked (`flock`), not a file
/// in it, so nothing is added beside the output, and the lock holds
/// across the rename that swaps the output.
pub struct Lock {
    _folder: File,
    /// Folders made to hold the output, deepest first: a build that wrote
    /// nothing into them takes them away again.
    made: Vec<PathBuf>,
}

impl Lock {
    pub fn take(output: &Path) -> Result<Lock, Error> {
        let (parent, _) = parent_and_name(&absolute(output));
        let made: Vec<PathBuf> = parent
            .ancestors()
            .take_while(|folder| !folder.exists())
            .map(Path::to_path_buf)
            .collect();
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, &e))?;
        let folder = File::open(&parent).map_err(|e| Error::io(&parent, &e))?;
        lock(&folder, &parent, output)?;
        Ok(Lock {
            _folder: folder,
            made,
        })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Only an empty folder goes: one that holds the output stays.
        for folder in &self.made {
            if fs::remove_dir(folder).is_err() {
                break;
            }
        }
    }
}

#[cfg(unix)]
fn lock(folder: &File, parent: &Path, output: &Path) -> Result<(), Error> {
    use std::os::fd::AsRawFd;
    let fd = folder.as_raw_fd();
    // SAFETY: flock on a descriptor this function borrows; it only sets a
    // lock that the kernel drops when the descriptor closes.
    if unsafe { libc::flock(fd, libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(());
    }
    let error = io::Error::last_os_error();
    if error.raw_os_error() != Some(libc::EWOULDBLOCK) {
        // A file system without locks (some network mounts): go on, as
        // builds did before there was a lock.
        return Ok(());
    }
    crate::terminal::complain(format_args!(
        "waiting for another build writing into {} to finish",
        output.display()
    ));
    // SAFETY: as above, blocking this time.
    if unsafe { libc::flock(fd, libc::LOCK_EX) } == 0 {
        Ok(())
    } else {
        Err(Error::io(parent, &io::Error::last_os_error()))
    }
}

#[cfg(not(unix))]
fn lock(_: &File, _: &Path, _: &Path) -> Result<(), Error> {
    Ok(())
}

/// Remove what builds of `output` that were killed left: staging and old
/// folders beside it (`.site.staging`, `.site.old`, and `-PID` ones from
/// earlier versions), new files not yet renamed inside it. Call with the
/// lock held.
pub fn clear_leftovers(output: &Path) {
    let output = absolute(output);
    let (parent, name) = parent_and_name(&output);
    let _ = fs::remove_dir_all(output.join(super::in_place::NEW_FILES));
    let Ok(entries) = fs::read_dir(&parent) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(file_name) = file_name.to_str() else {
            continue;
        };
        let path = entry.path();
        let ours = file_name
            .strip_prefix('.')
            .and_then(|n| n.strip_prefix(name.as_str()))
            .is_some_and(is_leftover);
        if ours {
            let _ = fs::remove_dir_all(&path).or_else(|_| fs::remove_file(&path));
        } else if is_old_cache_temp(file_name, &name) {
            let _ = fs::remove_file(&path);
        }
    }
}

/// A temporary file of a cache write that earlier versions, which kept the
/// cache beside the output, left when killed: `..site.cache-html.new-PID`.
fn is_old_cache_temp(file_name: &str, name: &str) -> bool {
    file_name.starts_with(&format!("..{name}.cache"))
        && file_name
            .rsplit_once(".new-")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

/// `.staging`, `.old`, and those with `-<digits>` after them.
fn is_leftover(rest: &str) -> bool {
    ["staging", "old"].iter().any(|kind| {
        rest.strip_prefix('.')
            .and_then(|r| r.strip_prefix(kind))
            .is_some_and(|pid| {
                pid.is_empty()
                    || pid
                        .strip_prefix('-')
                        .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::{is_leftover, is_old_cache_temp};

    #[test]
    fn old_cache_temporaries_are_recognised() {
        assert!(is_old_cache_temp("..site.cache-html.new-4242", "site"));
        assert!(is_old_cache_temp("..site.cache.new-1", "site"));
        assert!(!is_old_cache_temp("..site.cache", "site"));
        assert!(!is_old_cache_temp("..other.cache.new-1", "site"));
        assert!(!is_old_cache_temp("..site.cache.new-x", "site"));
    }

    #[test]
    fn only_our_own_leftovers_are_recognised() {
        for rest in [".staging", ".old", ".staging-123", ".old-9"] {
            assert!(is_leftover(rest), "{rest}");
        }
        for rest in [
            ".staging-",
            ".staging-1.x",
            ".cache",
            "",
            ".oldest",
            "-2.staging",
        ] {
            assert!(!is_leftover(rest), "{rest}");
        }
    }
}

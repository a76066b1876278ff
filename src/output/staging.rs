//! A whole new site written into a folder beside the output, swapped in
//! when every file is there. Files whose bytes did not change are hard
//! links to the previous site's, keeping their modification time.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::mark::{Mark, MARK};
use super::{absolute, crash_point, last_of_each_path, parent_and_name, same_bytes};
use super::{Output, Stop, WriteReport};
use crate::error::{Error, Errors};

/// A site being written: files go into a folder beside the output, which
/// replaces the output on `commit`. Dropped without a commit (an error
/// part-way), the folder is removed and the output never touched. Files can
/// be written in batches, so a large site is never all in memory at once.
pub struct Staging {
    output: PathBuf,
    staging: PathBuf,
    /// Whether there is a previous site to compare with and link from; a
    /// first build skips the look for each file.
    previous: bool,
    dirs: HashSet<PathBuf>,
    report: WriteReport,
    committed: bool,
}

impl Staging {
    /// Begin, with the build's lock held: the staging folder's name is
    /// fixed, and whatever is there is a killed build's.
    pub fn begin(output: &Path) -> Result<Staging, Error> {
        let output = absolute(output);
        let (parent, name) = parent_and_name(&output);
        fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, &e))?;
        let staging = parent.join(format!(".{name}.staging"));
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir(&staging).map_err(|e| Error::io(&staging, &e))?;
        let mut dirs = HashSet::new();
        dirs.insert(staging.clone());
        let previous = output.is_dir();
        Ok(Staging {
            output,
            staging,
            previous,
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
        let (output, staging) = (&self.output, &self.staging);
        let previous = self.previous.then_some(output);
        let changed: Vec<Result<bool, Error>> = files
            .par_iter()
            .map(|file| {
                let target = staging.join(&file.path);
                if let Some(previous) = previous {
                    let before = previous.join(&file.path);
                    if same_bytes(&before, &file.bytes) && fs::hard_link(&before, &target).is_ok() {
                        return Ok(false);
                    }
                }
                write_new(&target, &file.bytes).map_err(|e| Error::io(&target, &e))?;
                Ok(true)
            })
            .collect();
        let mut errors = Errors::default();
        for (c, file) in changed.into_iter().zip(&files) {
            match c {
                Ok(changed) => {
                    self.report.files += 1;
                    self.report.listing.add(&file.path);
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
            self.report.listing.add(path);
        }
        linked
    }

    /// Mark the staged site as `generation` and swap it in for the output.
    pub fn commit(mut self, generation: u64) -> Result<WriteReport, Stop> {
        let mark = self.staging.join(MARK);
        fs::write(&mark, Mark::Committed(generation).text()).map_err(|e| Error::io(&mark, &e))?;
        self.committed = true;
        let swapped = swap(&self.output, &self.staging);
        if !matches!(swapped, Err(Stop::Missing(..))) {
            // The previous site, or a staging folder that could not move.
            let _ = fs::remove_dir_all(&self.staging);
        }
        swapped.map(|()| self.report.clone())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

/// Write `bytes` to a new file at `path`. A file already there (a link
/// to the previous site's, taken for an earlier batch) is removed first,
/// never written through; a staging folder is new, so that is rare and
/// the common case is one `open`.
fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let open = || {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut file = match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            open()?
        }
        opened => opened?,
    };
    file.write_all(bytes)
}

/// Put `staging` where `output` is. Where the system can, the two trade
/// places in one rename, so a reader always finds a whole site; elsewhere
/// the output is moved aside first, and moved back if the second rename
/// fails. After an exchange, `staging` holds the previous site.
fn swap(output: &Path, staging: &Path) -> Result<(), Stop> {
    if fs::symlink_metadata(output).is_err() {
        return fs::rename(staging, output).map_err(|e| Stop::from(Error::io(output, &e)));
    }
    match exchange(staging, output) {
        Ok(()) => {
            crash_point("after-swap");
            return Ok(());
        }
        Err(e) if !unsupported(&e) => return Err(Error::io(output, &e).into()),
        Err(_) => {}
    }
    let (parent, name) = parent_and_name(output);
    let old = parent.join(format!(".{name}.old"));
    let _ = fs::remove_dir_all(&old);
    fs::rename(output, &old).map_err(|e| Error::io(output, &e))?;
    if let Err(e) = fs::rename(staging, output) {
        let error = Error::io(output, &e);
        return match fs::rename(&old, output) {
            Ok(()) => Err(error.into()),
            Err(_) => Err(Stop::Missing(error.into(), old)),
        };
    }
    crash_point("after-swap");
    // Left, if it cannot go, for the next build to remove.
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Whether an exchange failed because the system or file system cannot do
/// one, rather than for a reason a plain rename would share.
fn unsupported(e: &io::Error) -> bool {
    #[cfg(target_os = "linux")]
    {
        matches!(
            e.raw_os_error(),
            Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP)
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = e;
        true
    }
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL in a path"))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: two NUL-terminated paths that live across the call.
    let done = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_replaces_a_link_and_leaves_what_it_linked_to() {
        let dir = tempfile::tempdir().expect("temp dir");
        let previous = dir.path().join("previous.html");
        let staged = dir.path().join("staged.html");
        fs::write(&previous, "old").expect("write");
        fs::hard_link(&previous, &staged).expect("link");
        write_new(&staged, b"new").expect("write_new");
        assert_eq!(fs::read_to_string(&staged).expect("read"), "new");
        assert_eq!(fs::read_to_string(&previous).expect("read"), "old");
        let fresh = dir.path().join("fresh.html");
        write_new(&fresh, b"first").expect("write_new");
        assert_eq!(fs::read_to_string(&fresh).expect("read"), "first");
    }
}

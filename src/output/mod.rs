//! The write stage, as a protocol that a kill at any instant cannot break.
//!
//! The output folder carries a mark (`mark`): the generation of the site it
//! holds, written last, or "updating" while files are being replaced. The
//! build cache records the generation it describes and is trusted only when
//! the mark names that same generation, so a cache never vouches for files
//! it did not see committed. A large change is written to a staging folder
//! beside the output and exchanged with it in one rename (`staging`); a few
//! pages are updated where they are (`in_place`): every new file is written
//! under a temporary name first, then the mark says "updating", then the
//! renames and removals, then the new generation. Builds of one output take
//! a lock, and the first thing a build does under it is remove what a killed
//! build left (`guard`).

mod guard;
mod in_place;
pub(crate) mod mark;
mod staging;

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

pub(crate) use guard::{check_output_dir, clear_leftovers, holds_our_site, legacy_cache, Lock};
pub(crate) use in_place::InPlace;
pub(crate) use staging::Staging;

use crate::error::Errors;

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
    /// The paths of the files the output holds after the write.
    pub listing: crate::last_build::Listing,
    /// Files whose bytes differ from the previous build's (or are new).
    pub changed: usize,
}

/// Why a write stopped, and what it left.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The output is as it was before the build.
    Untouched(Errors),
    /// Some files are new and others old: the mark says so, and the next
    /// build renders everything again.
    Unfinished(Errors),
    /// The output was moved aside and the new one not moved in.
    Missing(Errors, PathBuf),
}

impl<E: Into<Errors>> From<E> for Stop {
    fn from(errors: E) -> Stop {
        Stop::Untouched(errors.into())
    }
}

/// `path` made absolute, whether or not it exists yet: the folder a build
/// would write. Each part that exists is resolved (links included), and a
/// `..` after one that does not steps back as it will once that one is made:
/// `new/..` is the folder `new` would be made in, never a folder of that
/// name, which would let `--output new/..` pass for a new folder and
/// replace the site.
pub fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = fs::canonicalize(path) {
        return p;
    }
    let full = match std::env::current_dir() {
        Ok(dir) => dir.join(path),
        Err(_) => path.to_path_buf(),
    };
    let mut resolved = PathBuf::new();
    for part in full.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                resolved.pop();
            }
            part => {
                resolved.push(part);
                if let Ok(real) = fs::canonicalize(&resolved) {
                    resolved = real;
                }
            }
        }
    }
    resolved
}

/// The folder that holds the output, and the output's name in it.
fn parent_and_name(output: &Path) -> (PathBuf, String) {
    let parent = output
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "site".into());
    (parent, name)
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
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_file() && meta.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Test hook: in debug builds, `BRIEFING_CRASH_AT=<point>` kills the build
/// with SIGKILL at that point, so a test can stop it at the very instant it
/// means (right after the swap, between two renames) rather than hoping a
/// random kill lands there. Release builds never read the variable.
pub(crate) fn crash_point(point: &str) {
    if cfg!(debug_assertions) && std::env::var("BRIEFING_CRASH_AT").is_ok_and(|p| p == point) {
        // SAFETY: sending a signal to this very process; SIGKILL cannot be
        // caught, so nothing runs after it.
        unsafe {
            libc::kill(libc::getpid(), libc::SIGKILL);
        }
    }
}

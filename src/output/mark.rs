//! The mark a build leaves in its output folder (`.briefing-output`): that
//! briefing wrote the folder, and which generation of the site it holds,
//! or that an update was under way. A generation is a digest of what the
//! build cache says produced each file, so two builds of the same content
//! leave the same mark and their outputs stay byte-identical.

use std::io;
use std::path::Path;

/// The mark's file name, at the top of the output.
pub const MARK: &str = ".briefing-output";

const HEADER: &str = "Built by briefing: every build replaces the files in this folder.\n";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// No mark: a folder briefing did not write, or none at all.
    Absent,
    /// A build was replacing files and did not finish.
    Updating,
    /// The whole of this generation is in place.
    Committed(u64),
}

impl Mark {
    /// The mark of `output`, as the last build left it.
    pub fn read(output: &Path) -> Mark {
        match std::fs::read_to_string(output.join(MARK)) {
            Ok(text) => Mark::parse(&text),
            // A mark we cannot read is ours, but vouches for nothing.
            Err(e) if e.kind() != io::ErrorKind::NotFound => Mark::Updating,
            Err(_) => Mark::Absent,
        }
    }

    fn parse(text: &str) -> Mark {
        let generation = text
            .lines()
            .find_map(|line| line.strip_prefix("generation "))
            .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok());
        match generation {
            Some(g) => Mark::Committed(g),
            None => Mark::Updating,
        }
    }

    pub fn text(self) -> String {
        match self {
            Mark::Committed(g) => format!("{HEADER}generation {g:016x}\n"),
            Mark::Updating | Mark::Absent => format!("{HEADER}updating\n"),
        }
    }

    /// The generation committed, if the folder holds a whole one.
    pub fn generation(self) -> Option<u64> {
        match self {
            Mark::Committed(g) => Some(g),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Mark;

    #[test]
    fn a_mark_reads_back_as_written() {
        for mark in [
            Mark::Committed(0),
            Mark::Committed(u64::MAX),
            Mark::Updating,
        ] {
            assert_eq!(Mark::parse(&mark.text()), mark);
        }
        assert_eq!(Mark::parse("generation zz\n"), Mark::Updating);
        assert_eq!(Mark::parse(""), Mark::Updating);
    }
}

//! The last build, in a few bytes: a digest of everything its output was
//! made from, and what it reported. The output of a build is a function of
//! the program, the config and templates, the command line, the content
//! files and the static files, and of the clock through one file (the news
//! sitemap). A build whose inputs are the last one's, over an output that
//! still holds the files that build committed, has nothing to do: it says
//! what the last one said, without reading the caches or linking the site.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::digest::hash_of;
use crate::error::Error;
use crate::output::Output;
use crate::Report;

#[derive(Serialize, Deserialize)]
pub struct LastBuild {
    /// See `inputs`.
    inputs: u64,
    /// The generation the build committed to the output's mark.
    generation: u64,
    /// The paths of the files it left in the output: see `listing`.
    listing: u64,
    /// Unix seconds: the clock the build saw, and the next moment at
    /// which a later clock changes its output, if there is one.
    clock: i64,
    until: Option<i64>,
    told: Told,
}

/// What the build reported, to be said again.
#[derive(Serialize, Deserialize)]
struct Told {
    briefings: usize,
    topics: usize,
    people: usize,
    pages: usize,
    feeds: usize,
    files: usize,
    warnings: Vec<Error>,
}

/// One digest of what a build's output is made from: `setup` (program,
/// config, templates, command line), `sources` (every content file's place
/// and bytes) and the static files.
pub fn inputs(setup: u64, sources: u64, statics: &[Output]) -> u64 {
    let statics: Vec<(&str, u64)> = statics
        .iter()
        .map(|o| (o.path.as_str(), xxhash_rust::xxh3::xxh3_64(&o.bytes)))
        .collect();
    hash_of((setup, sources, statics))
}

/// A set of output paths, digested as they come, in any order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Listing {
    sum: u64,
    count: usize,
}

impl Listing {
    pub fn add(&mut self, path: &str) {
        self.sum = self
            .sum
            .wrapping_add(xxhash_rust::xxh3::xxh3_64(path.as_bytes()));
        self.count += 1;
    }

    pub fn count(&self) -> usize {
        self.count
    }

    pub fn digest(&self) -> u64 {
        hash_of((self.sum, self.count))
    }
}

/// How a build that found its inputs unchanged sees the output and the clock.
pub struct Now {
    pub inputs: u64,
    pub generation: Option<u64>,
    pub listing: Option<u64>,
    pub clock: i64,
}

impl LastBuild {
    pub fn new(
        inputs: u64,
        generation: u64,
        listing: u64,
        clock: (i64, Option<i64>),
        report: &Report,
    ) -> LastBuild {
        LastBuild {
            inputs,
            generation,
            listing,
            clock: clock.0,
            until: clock.1,
            told: Told {
                briefings: report.briefings,
                topics: report.topics,
                people: report.people,
                pages: report.pages,
                feeds: report.feeds,
                files: report.files,
                warnings: report.warnings.clone(),
            },
        }
    }

    /// The record at `path`; none if it is missing or unreadable.
    pub fn read(path: &Path) -> Option<LastBuild> {
        serde_json::from_slice(&std::fs::read(path).ok()?).ok()
    }

    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let bytes = serde_json::to_vec(self).map_err(std::io::Error::other)?;
        crate::atomic_file::write(path, &bytes)
    }

    /// The last build's report, if a build `now` would make what it made.
    pub fn same(&self, now: &Now) -> Option<Report> {
        let in_time = self.clock <= now.clock && self.until.is_none_or(|until| now.clock < until);
        let same = self.inputs == now.inputs
            && Some(self.generation) == now.generation
            && Some(self.listing) == now.listing
            && in_time;
        same.then(|| Report {
            briefings: self.told.briefings,
            topics: self.told.topics,
            people: self.told.people,
            pages: self.told.pages,
            feeds: self.told.feeds,
            files: self.told.files,
            changed: 0,
            warnings: self.told.warnings.clone(),
            unchanged: true,
            timings: Default::default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(until: Option<i64>) -> LastBuild {
        LastBuild::new(1, 2, 3, (100, until), &Report::default())
    }

    fn now(clock: i64) -> Now {
        Now {
            inputs: 1,
            generation: Some(2),
            listing: Some(3),
            clock,
        }
    }

    #[test]
    fn the_same_inputs_output_and_time_repeat_the_report() {
        assert!(record(Some(200)).same(&now(150)).is_some());
        assert!(record(None).same(&now(10_000)).is_some());
    }

    #[test]
    fn anything_else_builds_again() {
        let r = record(Some(200));
        for other in [
            Now {
                inputs: 9,
                ..now(150)
            },
            Now {
                generation: None,
                ..now(150)
            },
            Now {
                generation: Some(9),
                ..now(150)
            },
            Now {
                listing: Some(9),
                ..now(150)
            },
            Now {
                listing: None,
                ..now(150)
            },
            now(200),
            now(99),
        ] {
            assert!(r.same(&other).is_none());
        }
    }

    #[test]
    fn a_listing_is_the_same_in_any_order_and_counts_paths() {
        let listing = |paths: &[&str]| {
            let mut l = Listing::default();
            paths.iter().for_each(|p| l.add(p));
            l.digest()
        };
        assert_eq!(listing(&["a", "b"]), listing(&["b", "a"]));
        assert_ne!(listing(&["a"]), listing(&["a", "a"]));
        assert_ne!(listing(&["a"]), listing(&["b"]));
    }
}

//! The full-text search index, split so a query fetches only what it needs
//! (`search.js` reads it):
//!
//! - `search/index.json`: the manifest — how many briefings and term shards,
//!   and a version the script appends to every other request, so a browser
//!   never mixes shards of two builds;
//! - `search/t/<n>.json`: term shards. A term's shard is a hash of its first
//!   three characters, so the terms a typed prefix of three or more
//!   characters can match all sit in one shard. Each maps a folded term to
//!   the briefings that contain it, and those that have it in the title
//!   (ranked first), as `postings` strings;
//! - `search/b/<n>.json`: the records of sixteen briefings (ids 16n to
//!   16n+15), fetched only when one of them is shown: title, URL, day,
//!   topics and people, summary. The excerpt around the words found comes
//!   from the briefing's page, fetched when it is shown.
//!
//! A briefing's id is its place from the oldest, so a new briefing leaves
//! the others' files as they were. Every path follows from the number of
//! briefings alone, so a build can keep the earlier files by path when the
//! digest of what they are made from has not changed.

mod ascii;
mod indexer;
mod postings;
pub mod text;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::digest::Digest;
use crate::error::Error;
use crate::graph::{Html, Site};
use crate::output::Output;
use indexer::{Batch, Indexer, Posting};

/// The manifest: the one search file at a fixed address.
pub const INDEX_FILE: &str = "search/index.json";
const TERMS: &str = "search/t/";
const BRIEFINGS: &str = "search/b/";
/// Changes whenever the files' shape does, so an old cache is not trusted.
const FORMAT: u32 = 1;
/// Records in a file: the ten results shown first are often neighbours (by
/// date), and a file of sixteen is about 6 KB; one file each would be 10,000
/// files at 10k briefings.
const RECORDS: usize = 16;
/// A typed word of this many characters or more also matches longer terms.
pub const PREFIX: usize = 3;

/// Term shards for `count` briefings: about one for twenty briefings (a
/// shard of a few KB at 10k), a power of two so the script can mask.
pub fn shard_count(count: usize) -> u32 {
    (count / 20).clamp(1, 4096).next_power_of_two() as u32
}

/// A term's shard: FNV-1a of the UTF-8 of its first `PREFIX` characters.
pub fn shard_of(term: &str, shards: u32) -> u32 {
    let end = term
        .char_indices()
        .nth(PREFIX)
        .map_or(term.len(), |(at, _)| at);
    let hash = term.as_bytes()[..end]
        .iter()
        .fold(0x811c_9dc5_u32, |h, &b| {
            (h ^ b as u32).wrapping_mul(0x0100_0193)
        });
    hash & (shards - 1)
}

/// Whether `path` is the manifest or in a folder of the index: no other
/// file may be written there.
pub fn is_reserved(path: &str) -> bool {
    path == INDEX_FILE || path.starts_with(TERMS) || path.starts_with(BRIEFINGS)
}

/// Every file the index writes, for a site of `site`'s size.
pub fn paths(site: &Site) -> Vec<String> {
    paths_for(site.briefings.len())
}

fn paths_for(count: usize) -> Vec<String> {
    std::iter::once(INDEX_FILE.to_string())
        .chain((0..shard_count(count)).map(|s| format!("{TERMS}{s}.json")))
        .chain((0..count.div_ceil(RECORDS)).map(|c| format!("{BRIEFINGS}{c}.json")))
        .collect()
}

/// A digest of everything the files are made from.
pub fn digest(config: &Config, site: &Site) -> u64 {
    let parts: Vec<u64> = site
        .briefings
        .par_iter()
        .map(|b| {
            let names: Vec<&str> = names(site, b).collect();
            let url = config.url(&b.url_path);
            let day = super::when::card_day(config, b);
            part_digest(&b.title, &b.summary, b.html_hash, &url, &day, &names)
        })
        .collect();
    whole_digest(parts)
}

/// One briefing's part of the digest: of what its record and terms are
/// made of.
fn part_digest(
    title: &str,
    summary: &str,
    html_hash: u64,
    url: &str,
    day: &str,
    names: &[impl AsRef<str>],
) -> u64 {
    let mut d = Digest::default();
    d.add((title, summary, html_hash));
    d.add(url);
    d.add(day);
    d.add(names.len());
    for name in names {
        d.add(name.as_ref());
    }
    d.finish()
}

fn whole_digest(parts: Vec<u64>) -> u64 {
    let mut d = Digest::default();
    d.add((FORMAT, parts));
    d.finish()
}

fn names<'a>(site: &'a Site, b: &'a crate::graph::Briefing) -> impl Iterator<Item = &'a str> {
    b.topics
        .iter()
        .map(|&t| site.topics[t].name.as_str())
        .chain(b.people.iter().map(|&p| site.people[p].name.as_str()))
        .chain(b.stories.iter().map(|&s| site.stories[s].name.as_str()))
}

/// What the index is made of, taken from the site: its own copy, so that
/// the preview can index on another thread while the site moves on.
pub struct Source {
    /// Oldest first: a briefing's id is its place here.
    briefings: Vec<Entry>,
    print: u64,
}

struct Entry {
    title: String,
    url: String,
    day: String,
    names: Vec<String>,
    summary: String,
    html: Html,
    html_hash: u64,
}

impl Source {
    pub fn of(config: &Config, site: &Site) -> Source {
        let briefings: Vec<Entry> = site
            .briefings
            .par_iter()
            .rev()
            .map(|b| Entry {
                title: b.title.clone(),
                url: config.url(&b.url_path),
                day: super::when::card_day(config, b),
                names: names(site, b).map(str::to_string).collect(),
                summary: b.summary.clone(),
                html: b.html.clone(),
                html_hash: b.html_hash,
            })
            .collect();
        // The same digest as `digest` (which goes newest first), from the
        // copy: the files and their print are of one state of the site.
        let parts = briefings
            .par_iter()
            .rev()
            .map(|e| part_digest(&e.title, &e.summary, e.html_hash, &e.url, &e.day, &e.names))
            .collect();
        Source {
            briefings,
            print: whole_digest(parts),
        }
    }

    /// The digest of what the files are made of, as `digest` gives it.
    pub fn print(&self) -> u64 {
        self.print
    }

    /// Every file the index writes, as `paths` gives them.
    pub fn paths(&self) -> Vec<String> {
        paths_for(self.briefings.len())
    }
}

/// One briefing's record, fetched to show it as a result: title, URL
/// path, day as shown, topics, people and stories, summary. The excerpt comes from
/// the briefing's own page, fetched for the results shown: a copy of every
/// body here doubled the indexing time and wrote 50 MB at 10k briefings.
type Record<'a> = (&'a str, &'a str, &'a str, &'a [String], &'a str);

/// A term's postings: all briefings, then those with it in the title when
/// there are any.
#[derive(Serialize)]
#[serde(untagged)]
enum Postings {
    All(String),
    AllAndTitle(String, String),
}

/// Briefings read by one task: few enough tasks that each shard's
/// postings come in few pieces, enough for the threads to share.
const BATCH: usize = 256;

impl Source {
    /// Every file of the index, in `paths` order.
    #[cfg(test)]
    pub fn files(&self) -> Result<Vec<Output>, Error> {
        Ok(self.files_unless(&|| false)?.unwrap_or_default())
    }

    /// Every file of the index, or `None` as soon as `stop` says so: an
    /// index made beside other work stops when that work makes it
    /// unneeded (the next save in the preview, pages that failed in a
    /// build).
    pub fn files_unless(
        &self,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<Vec<Output>>, Error> {
        let count = self.briefings.len();
        let shards = shard_count(count);
        // Set when a batch stopped short: its index would be missing briefings.
        let cut = AtomicBool::new(false);
        let (batches, records): (Vec<Batch>, Vec<Vec<Record>>) = (0..count.div_ceil(BATCH))
            .into_par_iter()
            .map_init(
                || (Indexer::new(shards), String::new()),
                |(indexer, body), batch| {
                    let entries = &self.briefings[batch * BATCH..count.min((batch + 1) * BATCH)];
                    indexer.reserve(entries.iter().map(|e| e.html.len()).sum());
                    let mut records = Vec::with_capacity(entries.len());
                    for (i, e) in entries.iter().enumerate() {
                        if stop() {
                            cut.store(true, Ordering::Relaxed);
                            break;
                        }
                        body.clear();
                        text::push_text_of_html(&e.html, body);
                        let names = e.names.join(" ");
                        let id = (batch * BATCH + i) as u32;
                        indexer.read(id, [&e.title, &names, &e.summary, body]);
                        records.push((
                            e.title.as_str(),
                            e.url.as_str(),
                            e.day.as_str(),
                            &e.names[..],
                            e.summary.as_str(),
                        ));
                    }
                    (indexer.finish(), records)
                },
            )
            .unzip();
        if cut.load(Ordering::Relaxed) || stop() {
            return Ok(None);
        }
        let records: Vec<Record> = records.into_iter().flatten().collect();
        let record_files = records
            .par_chunks(RECORDS)
            .enumerate()
            .map(|(chunk, records)| json(format!("{BRIEFINGS}{chunk}.json"), &records))
            .collect::<Result<Vec<_>, Error>>()?;
        let shard_files = (0..shards as usize)
            .into_par_iter()
            .map(|shard| {
                let lists = shard_lists(shard, &batches, count as u32);
                json(format!("{TERMS}{shard}.json"), &lists)
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let manifest = serde_json::json!({
            "v": format!("{:016x}", self.print),
            "n": count,
            "s": shards,
            "prefix": PREFIX,
            "records": RECORDS,
        });
        let mut files = vec![json(INDEX_FILE.into(), &manifest)?];
        files.extend(shard_files);
        files.extend(record_files);
        Ok(Some(files))
    }
}

/// One shard's terms and their postings, by term.
fn shard_lists(shard: usize, batches: &[Batch], count: u32) -> BTreeMap<&str, Postings> {
    // Sized first: grown by doubling, this copy was a tenth of indexing.
    let mut postings: Vec<Posting> =
        Vec::with_capacity(batches.iter().map(|b| b.shard(shard).len()).sum());
    for batch in batches {
        postings.extend_from_slice(batch.shard(shard));
    }
    postings.sort_unstable_by_key(|p| (p.hash, p.id_title));
    let (mut all, mut title) = (Vec::new(), Vec::new());
    postings
        .chunk_by(|a, b| a.hash == b.hash)
        .map(|run| {
            // One string a term, from its first posting.
            let id = (run[0].id_title >> 1) as usize;
            let name = batches[id / BATCH].term(run[0].term);
            all.clear();
            title.clear();
            for p in run {
                all.push(p.id_title >> 1);
                if p.id_title & 1 == 1 {
                    title.push(p.id_title >> 1);
                }
            }
            let lists = match title.is_empty() {
                true => Postings::All(postings::encode(&all, count)),
                false => Postings::AllAndTitle(
                    postings::encode(&all, count),
                    postings::encode(&title, count),
                ),
            };
            (name, lists)
        })
        .collect()
}

fn json(path: String, value: &impl Serialize) -> Result<Output, Error> {
    let mut bytes =
        serde_json::to_vec(value).map_err(|e| Error::new(format!("writing {path}: {e}")))?;
    bytes.push(b'\n');
    Ok(Output { path, bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_of_three_characters_finds_the_shard_of_every_longer_term() {
        for shards in [1, 8, 512] {
            let s = shard_of("inf", shards);
            assert_eq!(shard_of("inflation", shards), s);
            assert_eq!(shard_of("infrastructure", shards), s);
            assert!(s < shards);
        }
        assert_eq!(shard_of("си", 512), shard_of("си", 512));
        // The script's FNV-1a over UTF-8 gives the same number.
        assert_eq!(shard_of("putin", 1 << 31), 0x6972_99ee);
    }

    fn source(count: usize) -> Source {
        let briefings = (0..count)
            .map(|i| Entry {
                title: format!("Briefing {i} on tariffs"),
                url: format!("/briefings/b{i}/"),
                day: "1 September 2025".into(),
                names: vec!["Trade".into()],
                summary: format!("Summary {i}."),
                html: Html::from(format!("<p>Talks in Tianjin, round {i}.</p>")),
                html_hash: i as u64,
            })
            .collect();
        Source {
            briefings,
            print: 7,
        }
    }

    #[test]
    fn an_index_stops_when_asked_and_is_whole_when_not() {
        use std::sync::atomic::AtomicUsize;
        let source = source(3 * BATCH + 5);
        let whole = source.files().expect("files");
        assert!(whole.iter().any(|f| f.path == INDEX_FILE));
        let unstopped = source.files_unless(&|| false).expect("files");
        assert_eq!(unstopped, Some(whole));
        assert_eq!(source.files_unless(&|| true).expect("files"), None);
        // Stopped part-way through reading the briefings.
        let asked = AtomicUsize::new(0);
        let later = || asked.fetch_add(1, Ordering::Relaxed) >= BATCH;
        assert_eq!(source.files_unless(&later).expect("files"), None);
        // Asked once, mid-way, and never again: still no part of an index.
        let once = AtomicUsize::new(0);
        let blip = || once.fetch_add(1, Ordering::Relaxed) == BATCH / 2;
        assert_eq!(source.files_unless(&blip).expect("files"), None);
    }
}

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

mod postings;
pub mod text;

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashSet;
use serde::Serialize;
use xxhash_rust::xxh3::xxh3_128;

use crate::config::Config;
use crate::digest::Digest;
use crate::error::Error;
use crate::graph::Site;
use crate::output::Output;

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

/// Every file the index writes, for a site of `site`'s size.
pub fn paths(site: &Site) -> Vec<String> {
    let count = site.briefings.len();
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
            let mut d = Digest::default();
            d.add((&b.title, &b.summary, b.html_hash));
            d.add(config.url(&b.url_path));
            d.add(super::when::card_day(config, b));
            d.add(names(site, b).collect::<Vec<_>>());
            d.finish()
        })
        .collect();
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

/// One briefing's record, fetched to show it as a result: title, URL
/// path, day as shown, topics, people and stories, summary. The excerpt comes from
/// the briefing's own page, fetched for the results shown: a copy of every
/// body here doubled the indexing time and wrote 50 MB at 10k briefings.
type Record<'a> = (&'a str, String, String, Vec<&'a str>, &'a str);

/// A briefing's distinct terms, folded, one after the other in `folded`.
struct Terms {
    folded: String,
    terms: Vec<Term>,
}

#[derive(Clone, Copy)]
struct Term {
    /// XXH3-128 of the term: shards group postings by it, which sorts
    /// numbers instead of reading strings scattered over every briefing's
    /// memory, a cache miss a posting. 128 bits: two terms of one hash
    /// are not going to happen (about 10^-26 for a million terms).
    hash: u128,
    shard: u32,
    start: u32,
    end: u32,
    title: bool,
}

impl Terms {
    fn of(parts: [&str; 4], shards: u32) -> Terms {
        let mut folded = String::new();
        let mut title_end = 0;
        for (i, part) in parts.iter().enumerate() {
            folded.push_str(&text::fold(part));
            folded.push('\n');
            if i == 0 {
                title_end = folded.len();
            }
        }
        // A hash set, not a sort of every word: a body repeats most of its
        // words. The title comes first, so a term's first occurrence says
        // whether the title has it.
        let mut seen: FxHashSet<&str> =
            FxHashSet::with_capacity_and_hasher(folded.len() / 16, Default::default());
        let mut terms = Vec::new();
        for (a, b) in text::words(&folded) {
            let term = &folded[a..b];
            if seen.insert(term) {
                terms.push(Term {
                    hash: xxh3_128(term.as_bytes()),
                    shard: shard_of(term, shards),
                    start: a as u32,
                    end: b as u32,
                    title: b <= title_end,
                });
            }
        }
        // Only the distinct terms are kept until the shards are written:
        // a body's folded text is twice their size.
        let mut unique =
            String::with_capacity(terms.iter().map(|t| (t.end - t.start) as usize).sum());
        for t in &mut terms {
            let start = unique.len() as u32;
            unique.push_str(&folded[t.start as usize..t.end as usize]);
            (t.start, t.end) = (start, unique.len() as u32);
        }
        Terms {
            folded: unique,
            terms,
        }
    }

    fn term(&self, t: &Term) -> &str {
        &self.folded[t.start as usize..t.end as usize]
    }
}

/// A briefing that has a term, dealt to the term's shard.
#[derive(Clone, Copy)]
struct Posting {
    hash: (u64, u64),
    /// The briefing's id, and whether its title has the term (low bit).
    id_title: u32,
    /// The term's place in its briefing's list.
    term: u32,
}

/// A term's postings: all briefings, then those with it in the title when
/// there are any.
#[derive(Serialize)]
#[serde(untagged)]
enum Postings {
    All(String),
    AllAndTitle(String, String),
}

/// Every file of the index, in `paths` order.
pub fn files(config: &Config, site: &Site) -> Result<Vec<Output>, Error> {
    let count = site.briefings.len();
    let shards = shard_count(count);
    let oldest_first = |id: usize| &site.briefings[count - 1 - id];
    let (docs, records): (Vec<Terms>, Vec<Record>) = (0..count)
        .into_par_iter()
        .map(|id| {
            let b = oldest_first(id);
            let body = text::text_of_html(&b.html);
            let names: Vec<&str> = names(site, b).collect();
            let terms = Terms::of([&b.title, &names.join(" "), &b.summary, &body], shards);
            let record = (
                b.title.as_str(),
                config.url(&b.url_path),
                super::when::card_day(config, b),
                names,
                b.summary.as_str(),
            );
            (terms, record)
        })
        .unzip();
    let record_files = records
        .par_chunks(RECORDS)
        .enumerate()
        .map(|(chunk, records)| json(format!("{BRIEFINGS}{chunk}.json"), &records))
        .collect::<Result<Vec<_>, Error>>()?;
    // Every briefing's terms, dealt to their shards in id order.
    let mut dealt: Vec<Vec<Posting>> = vec![Vec::new(); shards as usize];
    for (id, doc) in docs.iter().enumerate() {
        for (i, t) in doc.terms.iter().enumerate() {
            dealt[t.shard as usize].push(Posting {
                hash: ((t.hash >> 64) as u64, t.hash as u64),
                id_title: (id as u32) << 1 | t.title as u32,
                term: i as u32,
            });
        }
    }
    let shard_files = dealt
        .into_par_iter()
        .enumerate()
        .map(|(shard, mut postings)| {
            postings.sort_unstable_by_key(|p| (p.hash, p.id_title));
            let mut lists: BTreeMap<&str, (Vec<u32>, Vec<u32>)> = BTreeMap::new();
            for run in postings.chunk_by(|a, b| a.hash == b.hash) {
                // One string a term, from its first posting.
                let doc = &docs[(run[0].id_title >> 1) as usize];
                let name = doc.term(&doc.terms[run[0].term as usize]);
                let all = run.iter().map(|p| p.id_title >> 1).collect();
                let title = run
                    .iter()
                    .filter(|p| p.id_title & 1 == 1)
                    .map(|p| p.id_title >> 1)
                    .collect();
                lists.insert(name, (all, title));
            }
            let encoded: BTreeMap<&str, Postings> = lists
                .into_iter()
                .map(|(term, (all, title))| {
                    let all = postings::encode(&all, count as u32);
                    let p = if title.is_empty() {
                        Postings::All(all)
                    } else {
                        Postings::AllAndTitle(all, postings::encode(&title, count as u32))
                    };
                    (term, p)
                })
                .collect();
            json(format!("{TERMS}{shard}.json"), &encoded)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let manifest = serde_json::json!({
        "v": format!("{:016x}", digest(config, site)),
        "n": count,
        "s": shards,
        "prefix": PREFIX,
        "records": RECORDS,
    });
    let mut files = vec![json(INDEX_FILE.into(), &manifest)?];
    files.extend(shard_files);
    files.extend(record_files);
    Ok(files)
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

    #[test]
    fn a_briefing_lists_each_term_once_and_knows_its_title_terms() {
        let terms = Terms::of(["Gas deal", "Energy", "A gas deal.", "Gas, gas."], 1);
        let mut listed: Vec<(&str, bool)> = terms
            .terms
            .iter()
            .map(|t| (terms.term(t), t.title))
            .collect();
        listed.sort();
        assert_eq!(
            listed,
            [
                ("a", false),
                ("deal", true),
                ("energy", false),
                ("gas", true)
            ]
        );
    }
}

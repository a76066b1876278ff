//! Reading briefings into their terms and postings, a batch at a time:
//! the part of indexing that sees every word.

use xxhash_rust::xxh3::xxh3_64;

use super::{shard_of, text};

/// A briefing that has a term, dealt to the term's shard.
#[derive(Clone, Copy)]
pub(super) struct Posting {
    /// XXH3-64 of the term: a briefing's words are told apart by it, and
    /// a shard groups its postings by it, which compares numbers instead
    /// of strings scattered over every briefing's memory (a cache miss a
    /// posting). Two terms of one hash would be merged, but only terms of
    /// one shard meet: at a million terms in 512 shards, about one chance
    /// in 10^10.
    pub hash: u64,
    /// The briefing's id, and whether its title has the term (low bit).
    pub id_title: u32,
    /// The term's place in its batch's terms.
    pub term: u32,
}

/// A batch of briefings, read: their distinct terms, folded, one after
/// the other in `folded` (term `i` ends at `ends[i]`), each once however
/// many of the batch's briefings have it, and their postings by shard
/// (those of shard `s` from `starts[s]` to `starts[s + 1]`).
/// Kept together, a few buffers a batch: one allocation a briefing, or
/// a shard, was a tenth of indexing in page faults alone.
#[derive(Default)]
pub(super) struct Batch {
    folded: String,
    ends: Vec<u32>,
    postings: Vec<Posting>,
    starts: Vec<u32>,
}

impl Batch {
    pub fn term(&self, i: u32) -> &str {
        let start = match i {
            0 => 0,
            _ => self.ends[i as usize - 1] as usize,
        };
        &self.folded[start..self.ends[i as usize] as usize]
    }

    pub fn shard(&self, shard: usize) -> &[Posting] {
        &self.postings[self.starts[shard] as usize..self.starts[shard + 1] as usize]
    }
}

/// Reads briefings' words into a batch's terms and postings. One serves
/// batch after batch: what it keeps between them (the postings as read,
/// before they are dealt, and the set of a briefing's terms) is not made
/// again, nor its pages touched for the first time, for each.
pub(super) struct Indexer {
    shards: u32,
    seen: ByHash,
    /// The batch's terms so far, by hash: a briefing's term that another
    /// of the batch has is not copied again (most are: the copies were a
    /// fifth of a cold build's peak memory).
    terms: ByHash,
    folded: String,
    ends: Vec<u32>,
    /// The postings as read, and the shard of each, until `finish` deals
    /// them.
    read: Vec<Posting>,
    shard_of: Vec<u16>,
}

impl Indexer {
    pub fn new(shards: u32) -> Indexer {
        Indexer {
            shards,
            seen: ByHash::default(),
            terms: ByHash::default(),
            folded: String::new(),
            ends: Vec::new(),
            read: Vec::new(),
            shard_of: Vec::new(),
        }
    }

    /// Room for the postings of about `bytes` of HTML: the buffers grown
    /// by doubling took fresh pages at each step, and copied.
    pub fn reserve(&mut self, bytes: usize) {
        // About one distinct term in twenty bytes of a briefing's page.
        let postings = bytes / 16;
        self.read.reserve(postings);
        self.shard_of.reserve(postings);
    }

    /// Read briefing `id`, made of `parts` (the title first): each of its
    /// distinct terms, with a posting.
    pub fn read(&mut self, id: u32, parts: [&str; 4]) {
        // A set of hashes, not a sort of every word: a body repeats most
        // of its words. The title comes first, so a term's first
        // occurrence says whether the title has it. Only the distinct
        // terms are copied.
        // About one distinct word in twenty bytes of a body.
        self.seen
            .clear(parts.iter().map(|p| p.len()).sum::<usize>() / 20);
        for (i, part) in parts.iter().enumerate() {
            let title = (i == 0) as u32;
            text::for_each_word(part, |term| {
                let hash = xxh3_64(term.as_bytes());
                if self.seen.insert(hash) {
                    let (folded, ends) = (&mut self.folded, &mut self.ends);
                    let at = self.terms.index(hash, || {
                        folded.push_str(term);
                        ends.push(folded.len() as u32);
                        ends.len() as u32 - 1
                    });
                    self.read.push(Posting {
                        hash,
                        id_title: id << 1 | title,
                        term: at,
                    });
                    self.shard_of.push(shard_of(term, self.shards) as u16);
                }
            });
        }
    }

    /// The batch read since the last `finish`, its postings dealt to their
    /// shards (a counting sort, which keeps them in id order within a
    /// shard).
    pub fn finish(&mut self) -> Batch {
        let mut starts = vec![0u32; self.shards as usize + 1];
        for &s in &self.shard_of {
            starts[s as usize + 1] += 1;
        }
        for s in 1..starts.len() {
            starts[s] += starts[s - 1];
        }
        let mut next = starts.clone();
        let empty = Posting {
            hash: 0,
            id_title: 0,
            term: 0,
        };
        let mut postings = vec![empty; self.read.len()];
        for (p, &s) in self.read.iter().zip(&self.shard_of) {
            postings[next[s as usize] as usize] = *p;
            next[s as usize] += 1;
        }
        self.read.clear();
        self.shard_of.clear();
        // The next batch has about as many terms as this one.
        let terms = self.terms.len;
        self.terms.clear(terms);
        Batch {
            folded: std::mem::take(&mut self.folded),
            ends: std::mem::take(&mut self.ends),
            postings,
            starts,
        }
    }
}

/// Places by hash: open addressing on the hash's own bits, which are
/// already random. Kept and cleared, not freed: one for the terms of a
/// briefing (a set: is this term new to it?), one for those of a batch
/// (where each term is held). Two terms of one hash are one term, as they
/// are in a shard (see `Posting`).
#[derive(Default)]
struct ByHash {
    /// (hash, place + 1); a place of 0 is an empty slot, so every bit of
    /// the hash tells terms apart.
    slots: Vec<(u64, u32)>,
    len: usize,
}

impl ByHash {
    /// Empty, with room for about `items` before it grows.
    fn clear(&mut self, items: usize) {
        let want = (items * 2).next_power_of_two().max(64);
        self.slots.clear();
        self.slots.resize(want, (0, 0));
        self.len = 0;
    }

    /// The place of `hash`, given by `add` if it is not held yet.
    fn index(&mut self, hash: u64, add: impl FnOnce() -> u32) -> u32 {
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut at = (hash >> 7) as usize & mask;
        loop {
            match self.slots[at] {
                (_, 0) => {
                    let place = add();
                    self.slots[at] = (hash, place + 1);
                    self.len += 1;
                    return place;
                }
                (h, place) if h == hash => return place - 1,
                _ => at = (at + 1) & mask,
            }
        }
    }

    /// Whether `hash` was not held (it is now).
    fn insert(&mut self, hash: u64) -> bool {
        let mut added = false;
        self.index(hash, || {
            added = true;
            0
        });
        added
    }

    fn grow(&mut self) {
        let old = std::mem::take(&mut self.slots);
        self.slots = vec![(0, 0); (old.len() * 2).max(64)];
        self.len = 0;
        for (hash, place) in old.into_iter().filter(|&(_, p)| p != 0) {
            self.index(hash, || place - 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_briefing_lists_each_term_once_and_knows_its_title_terms() {
        let mut indexer = Indexer::new(1);
        indexer.read(3, ["Gas deal", "Energy", "A gas deal.", "Gas, gas."]);
        let batch = indexer.finish();
        let mut listed: Vec<(&str, u32)> = batch
            .shard(0)
            .iter()
            .map(|p| (batch.term(p.term), p.id_title))
            .collect();
        listed.sort();
        assert_eq!(
            listed,
            [("a", 6), ("deal", 7), ("energy", 6), ("gas", 7)],
            "briefing 3 (3 << 1), and the title's terms marked"
        );
    }

    #[test]
    fn postings_are_dealt_to_their_shards_in_id_order() {
        let shards = 8;
        let mut indexer = Indexer::new(shards);
        let words: Vec<String> = (0..300).map(|i| format!("word{i}")).collect();
        for id in 0..5 {
            indexer.read(id, ["", "", "", &words.join(" ")]);
        }
        let batch = indexer.finish();
        let mut seen = 0;
        for shard in 0..shards as usize {
            let postings = batch.shard(shard);
            seen += postings.len();
            for p in postings {
                assert_eq!(shard_of(batch.term(p.term), shards) as usize, shard);
            }
            assert!(postings.is_sorted_by_key(|p| p.id_title));
        }
        assert_eq!(seen, 5 * 300);
        // The five briefings' 300 terms, each held once.
        assert_eq!(batch.ends.len(), 300);
    }

    #[test]
    fn the_set_of_a_briefing_s_terms_grows_past_its_first_size() {
        let mut seen = ByHash::default();
        seen.clear(0);
        for round in 0..2 {
            for h in 0..10_000u64 {
                let hash = xxh3_64(&h.to_le_bytes());
                assert_eq!(seen.insert(hash), round == 0, "{h}");
            }
        }
        seen.clear(100);
        assert!(seen.insert(xxh3_64(&1u64.to_le_bytes())), "cleared");
        // Every bit tells hashes apart, 0 included.
        for hash in [0, 1, 2, 3, 1 << 20, 1 << 20 | 1] {
            assert!(seen.insert(hash), "{hash}");
            assert!(!seen.insert(hash), "{hash} again");
        }
    }

    #[test]
    fn a_batch_tells_every_hash_apart_and_keeps_places_as_it_grows() {
        let mut terms = ByHash::default();
        let mut next = 0;
        let mut add = || {
            next += 1;
            next - 1
        };
        // Hashes one bit apart, and enough of them to grow the table.
        let hashes: Vec<u64> = (0..5_000u64).flat_map(|h| [h << 8, h << 8 | 1]).collect();
        let places: Vec<u32> = hashes.iter().map(|&h| terms.index(h, &mut add)).collect();
        assert_eq!(places, (0..10_000).collect::<Vec<u32>>());
        for (&h, &place) in hashes.iter().zip(&places) {
            assert_eq!(terms.index(h, || unreachable!("{h} is held")), place);
        }
        terms.clear(10);
        assert_eq!(terms.index(hashes[0], || 7), 7, "cleared");
    }
}

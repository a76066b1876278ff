//! Related briefings, found through the topic and person indexes rather
//! than by comparing every pair: each briefing looks only at its
//! neighbours in time within each index it belongs to, so the cost grows
//! with the number of briefings, not its square.

use std::cell::RefCell;
use std::cmp::Reverse;

use rayon::prelude::*;

use std::sync::Arc;

use super::places::places_before;
use super::{Briefing, Subject};
use crate::digest::{hash_of, hash_of_list, Map};

/// How many neighbours on each side, in each topic or person list, are
/// considered. Large enough that small sites see every candidate.
const WINDOW: usize = 40;

/// Sharing a person says more about a story than sharing a broad topic.
const PERSON_WEIGHT: u32 = 3;
const TOPIC_WEIGHT: u32 = 2;

/// Related lists with what they were computed from: a briefing's list
/// depends only on its own date and subjects and on its neighbours in each
/// list, so after a save only the lists near a briefing that changed are
/// computed again.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RelatedMemo {
    digest: u64,
    limit: usize,
    pub lists: Arc<Vec<Vec<usize>>>,
    /// By position, as `lists`: each briefing's key, date and subjects.
    inputs: Arc<Vec<Inputs>>,
}

#[derive(Debug, Clone, PartialEq, Hash, serde::Serialize, serde::Deserialize)]
struct Inputs {
    key: String,
    time: i64,
    /// Digests of its topics' and people's addresses, people's marked.
    subjects: Vec<(bool, u64)>,
}

impl RelatedMemo {
    /// What the lists were computed from.
    pub fn digest(&self) -> u64 {
        self.digest
    }
}

/// A subject's identity across links: its kind and a digest of its address.
fn identities(subjects: &[Subject], person: bool) -> Vec<(bool, u64)> {
    subjects
        .iter()
        .map(|s| (person, hash_of(&s.path)))
        .collect()
}

/// The related lists, reused from `previous` where nothing they are
/// computed from changed.
pub fn compute_or_reuse(
    briefings: &[Briefing],
    topics: &[Subject],
    people: &[Subject],
    limit: usize,
    previous: &RelatedMemo,
) -> RelatedMemo {
    let (topic_ids, person_ids) = (identities(topics, false), identities(people, true));
    let inputs: Vec<Inputs> = briefings
        .par_iter()
        .map(|b| Inputs {
            key: b.key.clone(),
            time: b.date.instant.timestamp(),
            subjects: (b.topics.iter().map(|&t| topic_ids[t]))
                .chain(b.people.iter().map(|&p| person_ids[p]))
                .collect(),
        })
        .collect();
    let digest = hash_of((hash_of_list(&inputs), limit));
    if digest == previous.digest && previous.lists.len() == briefings.len() {
        return previous.clone();
    }
    let lists = if previous.limit == limit && !previous.inputs.is_empty() {
        Recompute {
            briefings,
            topics,
            people,
            limit,
        }
        .near_changes(previous, &inputs, &topic_ids, &person_ids)
    } else {
        compute(briefings, topics, people, limit)
    };
    RelatedMemo {
        digest,
        limit,
        lists: Arc::new(lists),
        inputs: Arc::new(inputs),
    }
}

struct Recompute<'a> {
    briefings: &'a [Briefing],
    topics: &'a [Subject],
    people: &'a [Subject],
    limit: usize,
}

impl Recompute<'_> {
    /// Every list, computed again for the briefings within reach of one
    /// that was added, removed or changed (in any list it was or is in,
    /// near where it was or is), and taken from `previous` for the others:
    /// their neighbours are the same briefings, in the same order.
    fn near_changes(
        &self,
        previous: &RelatedMemo,
        inputs: &[Inputs],
        topic_ids: &[(bool, u64)],
        person_ids: &[(bool, u64)],
    ) -> Vec<Vec<usize>> {
        let briefings = self.briefings;
        let was_at = places_before(&previous.inputs, |b| Some(&b.key), inputs, |b| &b.key);
        let mut now_at: Vec<Option<usize>> = vec![None; previous.inputs.len()];
        for (i, old) in was_at.iter().enumerate() {
            if let Some(old) = *old {
                now_at[old] = Some(i);
            }
        }
        let subject_now: Map<(bool, u64), &[usize]> = (topic_ids.iter().zip(self.topics))
            .chain(person_ids.iter().zip(self.people))
            .map(|(&id, s)| (id, s.briefings.as_slice()))
            .collect();
        let times: Vec<i64> = inputs.iter().map(|b| b.time).collect();
        // Compared on every core: most are as they were.
        let same: Vec<bool> = inputs
            .par_iter()
            .zip(&was_at)
            .map(|(b, old)| old.is_some_and(|old| previous.inputs[old] == *b))
            .collect();
        let mut dirty = vec![false; briefings.len()];
        // Where each briefing added, removed or changed is, or was, dated,
        // and in which lists.
        let mut changes: Vec<(i64, &[(bool, u64)])> = Vec::new();
        for ((i, b), old) in inputs.iter().enumerate().zip(&was_at) {
            match *old {
                _ if same[i] => {}
                old => {
                    dirty[i] = true;
                    changes.push((b.time, &b.subjects));
                    if let Some(old) = old {
                        let was = &previous.inputs[old];
                        changes.push((was.time, &was.subjects));
                    }
                }
            }
        }
        for (was, now) in previous.inputs.iter().zip(&now_at) {
            if now.is_none() {
                changes.push((was.time, &was.subjects));
            }
        }
        for (time, subjects) in changes {
            for id in subjects {
                if let Some(list) = subject_now.get(id) {
                    for &i in reach(list, &times, time) {
                        dirty[i] = true;
                    }
                }
            }
        }
        (0..briefings.len())
            .into_par_iter()
            .map(|me| {
                let kept = was_at[me].filter(|_| !dirty[me]).and_then(|old| {
                    previous.lists[old]
                        .iter()
                        .map(|&o| now_at[o])
                        .collect::<Option<Vec<usize>>>()
                });
                kept.unwrap_or_else(|| {
                    let subjects = (self.topics, self.people);
                    related_to(me, briefings, subjects, &times, self.limit)
                })
            })
            .collect()
    }
}

/// The briefings of `list` (newest first) whose window can hold a
/// briefing dated `time`: the window's width on each side of where it
/// stands or would stand, and one more, for the briefing it pushes out.
fn reach<'l>(list: &'l [usize], times: &[i64], time: i64) -> &'l [usize] {
    let first = list.partition_point(|&i| times[i] > time);
    let last = list.partition_point(|&i| times[i] >= time);
    let from = first.saturating_sub(WINDOW + 1);
    let to = (last + WINDOW + 1).min(list.len());
    &list[from..to]
}

pub fn compute(
    briefings: &[Briefing],
    topics: &[Subject],
    people: &[Subject],
    limit: usize,
) -> Vec<Vec<usize>> {
    if limit == 0 {
        return vec![Vec::new(); briefings.len()];
    }
    // Seconds since the epoch, once, rather than in every comparison.
    let times: Vec<i64> = briefings
        .iter()
        .map(|b| b.date.instant.timestamp())
        .collect();
    (0..briefings.len())
        .into_par_iter()
        .map(|me| related_to(me, briefings, (topics, people), &times, limit))
        .collect()
}

/// A briefing's candidates and their summed weights: a score for every
/// briefing, zero but for those just seen, which are listed. One per
/// thread, emptied after each briefing: a sort of the few hundred hits
/// to sum them took a twentieth of a cold build at 10k briefings.
#[derive(Default)]
struct Scores {
    of: Vec<u32>,
    seen: Vec<usize>,
    ranked: Vec<(Reverse<u32>, i64, usize)>,
}

thread_local! {
    static SCORES: RefCell<Scores> = RefCell::default();
}

/// Briefing `me`'s related list: its neighbours within `WINDOW` in each of
/// its lists, best score first.
fn related_to(
    me: usize,
    briefings: &[Briefing],
    (topics, people): (&[Subject], &[Subject]),
    times: &[i64],
    limit: usize,
) -> Vec<usize> {
    SCORES.with_borrow_mut(|scores| {
        // Every score is back at zero after each briefing.
        if scores.of.len() < briefings.len() {
            scores.of.resize(briefings.len(), 0);
        }
        related_by(me, briefings, (topics, people), times, limit, scores)
    })
}

/// `related_to`, with the thread's scores.
fn related_by(
    me: usize,
    briefings: &[Briefing],
    (topics, people): (&[Subject], &[Subject]),
    times: &[i64],
    limit: usize,
    scores: &mut Scores,
) -> Vec<usize> {
    let briefing = &briefings[me];
    let lists = briefing
        .topics
        .iter()
        .map(|&t| (&topics[t].briefings, TOPIC_WEIGHT))
        .chain(
            briefing
                .people
                .iter()
                .map(|&p| (&people[p].briefings, PERSON_WEIGHT)),
        );
    for (list, weight) in lists {
        // Lists hold indexes in site order (newest first), so they are sorted.
        let at = list.binary_search(&me).unwrap_or_else(|i| i);
        let from = at.saturating_sub(WINDOW);
        let to = (at + WINDOW + 1).min(list.len());
        for &other in list[from..to].iter().filter(|&&other| other != me) {
            // Weights are at least 1: a score of 0 is one not seen yet.
            if scores.of[other] == 0 {
                scores.seen.push(other);
            }
            scores.of[other] += weight;
        }
    }
    let Scores { of, seen, ranked } = scores;
    ranked.clear();
    for other in seen.drain(..) {
        ranked.push((Reverse(of[other]), (times[other] - times[me]).abs(), other));
        of[other] = 0;
    }
    best_first(ranked, limit)
}

/// The first `limit` of `ranked` (score, distance in time, briefing) by
/// best score, then nearest in time, then site order: a total order.
fn best_first(ranked: &mut Vec<(Reverse<u32>, i64, usize)>, limit: usize) -> Vec<usize> {
    if ranked.len() > limit {
        ranked.select_nth_unstable(limit);
        ranked.truncate(limit);
    }
    ranked.sort_unstable();
    // A list exactly its size: one collected from the candidates' buffer
    // by value kept room for every candidate (95 MB at 10k briefings).
    ranked.iter().map(|&(_, _, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_best_are_kept_in_a_list_of_their_own_size() {
        // Scores 0..300 (the best last), distances and places from them.
        let ranked: Vec<_> = (0..300u32)
            .map(|s| (Reverse(s % 100), i64::from(s / 100), s as usize))
            .collect();
        let best = best_first(&mut ranked.clone(), 5);
        // Score 99 three times (nearest in time first), then score 98.
        assert_eq!(best, vec![99, 199, 299, 98, 198]);
        assert_eq!(best.capacity(), best.len());
        assert_eq!(best_first(&mut vec![(Reverse(1), 0, 7)], 5), vec![7]);
    }
}

//! Related briefings, found through the topic and person indexes rather
//! than by comparing every pair: each briefing looks only at its
//! neighbours in time within each index it belongs to, so the cost grows
//! with the number of briefings, not its square.

use std::cmp::Reverse;

use rayon::prelude::*;

use std::sync::Arc;

use super::{Briefing, Subject};
use crate::digest::hash_of;

/// How many neighbours on each side, in each topic or person list, are
/// considered. Large enough that small sites see every candidate.
const WINDOW: usize = 40;

/// Sharing a person says more about a story than sharing a broad topic.
const PERSON_WEIGHT: u32 = 3;
const TOPIC_WEIGHT: u32 = 2;

/// Related lists with a digest of what they were computed from.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct RelatedMemo {
    digest: u64,
    pub lists: Arc<Vec<Vec<usize>>>,
}

impl RelatedMemo {
    /// What the lists were computed from.
    pub fn digest(&self) -> u64 {
        self.digest
    }
}

/// The related lists, reused from `previous` when no briefing's date,
/// topics or people changed (an edit to a body, the usual save).
pub fn compute_or_reuse(
    briefings: &[Briefing],
    topics: &[Subject],
    people: &[Subject],
    limit: usize,
    previous: &RelatedMemo,
) -> RelatedMemo {
    let inputs: Vec<(i64, &[usize], &[usize])> = briefings
        .iter()
        .map(|b| {
            (
                b.date.instant.timestamp(),
                b.topics.as_slice(),
                b.people.as_slice(),
            )
        })
        .collect();
    let digest = hash_of((inputs, limit, topics.len(), people.len()));
    if digest == previous.digest && previous.lists.len() == briefings.len() {
        return previous.clone();
    }
    RelatedMemo {
        digest,
        lists: Arc::new(compute(briefings, topics, people, limit)),
    }
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
        .map(|me| {
            let briefing = &briefings[me];
            // Candidates with their weights, summed after a sort: cheaper than
            // a hash map for the few hundred entries a briefing sees.
            let mut hits: Vec<(usize, u32)> = Vec::new();
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
                hits.extend(
                    list[from..to]
                        .iter()
                        .filter(|&&other| other != me)
                        .map(|&other| (other, weight)),
                );
            }
            hits.sort_unstable_by_key(|&(other, _)| other);
            let mut scores: Vec<(usize, u32)> = Vec::with_capacity(hits.len());
            for (other, weight) in hits {
                match scores.last_mut() {
                    Some((last, score)) if *last == other => *score += weight,
                    _ => scores.push((other, weight)),
                }
            }
            // Best score, then nearest in time, then site order: a total order.
            let mut ranked: Vec<(Reverse<u32>, i64, usize)> = scores
                .into_iter()
                .map(|(other, score)| (Reverse(score), (times[other] - times[me]).abs(), other))
                .collect();
            if ranked.len() > limit {
                ranked.select_nth_unstable(limit);
                ranked.truncate(limit);
            }
            ranked.sort_unstable();
            ranked.into_iter().map(|(_, _, i)| i).collect()
        })
        .collect()
}

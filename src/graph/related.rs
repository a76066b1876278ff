//! Related briefings, found through the topic and person indexes rather
//! than by comparing every pair: each briefing looks only at its
//! neighbours in time within each index it belongs to, so the cost grows
//! with the number of briefings, not its square.

use std::collections::HashMap;

use rayon::prelude::*;

use super::{Briefing, Subject};

/// How many neighbours on each side, in each topic or person list, are
/// considered. Large enough that small sites see every candidate.
const WINDOW: usize = 40;

/// Sharing a person says more about a story than sharing a broad topic.
const PERSON_WEIGHT: u32 = 3;
const TOPIC_WEIGHT: u32 = 2;

pub fn compute(
    briefings: &[Briefing],
    topics: &[Subject],
    people: &[Subject],
    limit: usize,
) -> Vec<Vec<usize>> {
    if limit == 0 {
        return vec![Vec::new(); briefings.len()];
    }
    (0..briefings.len())
        .into_par_iter()
        .map(|me| {
            let briefing = &briefings[me];
            let mut scores: HashMap<usize, u32> = HashMap::new();
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
                for &other in &list[from..to] {
                    if other != me {
                        *scores.entry(other).or_default() += weight;
                    }
                }
            }
            let mut ranked: Vec<(usize, u32)> = scores.into_iter().collect();
            let when = briefing.date.instant;
            ranked.sort_by(|&(a, sa), &(b, sb)| {
                let da = (briefings[a].date.instant - when).num_seconds().abs();
                let db = (briefings[b].date.instant - when).num_seconds().abs();
                sb.cmp(&sa).then(da.cmp(&db)).then(a.cmp(&b))
            });
            ranked.into_iter().take(limit).map(|(i, _)| i).collect()
        })
        .collect()
}

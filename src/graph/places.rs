//! Where each item of a list stood in the list it replaces, by key. Both
//! lists are in one order (the site's, or the files'), so a save leaves
//! most items where they were or one place away, before one that was
//! added, removed or moved: those are found by looking there, on both
//! cores, and a map of the earlier list is made only for more than a few
//! others.

use rayon::prelude::*;

use crate::digest::Map;

/// Items not found near their place that are looked for one by one.
const FEW: usize = 8;

/// Each of `now`'s places in `before`, by key; None for one not there.
/// `key_before` is None for an earlier item that has no key to find.
pub(super) fn places_before<B: Sync, N: Sync>(
    before: &[B],
    key_before: impl Fn(&B) -> Option<&str> + Sync,
    now: &[N],
    key_now: impl Fn(&N) -> &str + Sync,
) -> Vec<Option<usize>> {
    // A build's first pass has nothing before it.
    if before.is_empty() {
        return vec![None; now.len()];
    }
    const NEAR: [isize; 3] = [0, 1, -1];
    let at = |i: usize, key: &str| {
        NEAR.iter()
            .filter_map(|&d| i.checked_add_signed(d))
            .find(|&j| before.get(j).and_then(&key_before) == Some(key))
    };
    let mut places: Vec<Option<usize>> = now
        .par_iter()
        .enumerate()
        .map(|(i, b)| at(i, key_now(b)))
        .collect();
    let missing: Vec<usize> = (0..now.len()).filter(|&i| places[i].is_none()).collect();
    if missing.len() <= FEW {
        for i in missing {
            let key = key_now(&now[i]);
            places[i] = before.iter().position(|b| key_before(b) == Some(key));
        }
        return places;
    }
    let by_key: Map<&str, usize> = before
        .iter()
        .enumerate()
        .filter_map(|(i, b)| Some((key_before(b)?, i)))
        .collect();
    for i in missing {
        places[i] = by_key.get(key_now(&now[i])).copied();
    }
    places
}

#[cfg(test)]
mod tests {
    use super::*;

    fn places(before: &[&str], now: &[&str]) -> Vec<Option<usize>> {
        places_before(before, |b| Some(*b), now, |n| n)
    }

    #[test]
    fn each_item_is_found_where_it_was_however_far_it_moved() {
        // One added, one gone, one moved from one end to the other.
        let found = places(
            &["a", "b", "c", "d", "e"],
            &["b", "c", "new", "d", "e", "a"],
        );
        assert_eq!(found, [Some(1), Some(2), None, Some(3), Some(4), Some(0)]);
        // More changes than are looked for one by one: found by a map.
        let keys: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        let before: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut now: Vec<&str> = before.iter().rev().copied().collect();
        now.push("added");
        let expected: Vec<Option<usize>> = (0..40)
            .rev()
            .map(Some)
            .chain(std::iter::once(None))
            .collect();
        assert_eq!(places(&before, &now), expected);
    }

    #[test]
    fn an_earlier_item_without_a_key_is_never_found() {
        let before = [Some("a"), None, Some("c")];
        let found = places_before(&before, |b| *b, &["c", "b", "a"], |n| n);
        assert_eq!(found, [Some(2), None, Some(0)]);
    }
}

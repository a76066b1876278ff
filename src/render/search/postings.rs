//! Posting lists as short strings, decoded by `search.js`: a term found in
//! most briefings must not cost a number a briefing, or the shard holding
//! "the" would be the size of the old whole index.
//!
//! Two forms, whichever is shorter, in the URL-safe base64 alphabet (six
//! bits a character, nothing to escape in JSON):
//! - gaps: the first id, then each gap minus one, as variable-length
//!   numbers of five bits a character, the sixth bit saying "more follows";
//!   a term in one briefing of thirty costs about one character a posting;
//! - `~` and a bitmap of every id below the site's count, six ids a
//!   character: for a term in more than about one briefing of six.

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `ids`, ascending and distinct, all below `count`.
pub fn encode(ids: &[u32], count: u32) -> String {
    let bitmap_len = 1 + (count as usize).div_ceil(6);
    let mut gaps = String::new();
    let mut previous: Option<u32> = None;
    for &id in ids {
        let value = match previous {
            Some(p) => id - p - 1,
            None => id,
        };
        push_number(&mut gaps, value);
        previous = Some(id);
        if gaps.len() > bitmap_len {
            return bitmap(ids, count);
        }
    }
    gaps
}

fn push_number(out: &mut String, mut value: u32) {
    loop {
        let low = (value & 31) as usize;
        value >>= 5;
        if value == 0 {
            out.push(ALPHABET[low] as char);
            return;
        }
        out.push(ALPHABET[low | 32] as char);
    }
}

fn bitmap(ids: &[u32], count: u32) -> String {
    let mut sixes = vec![0u8; (count as usize).div_ceil(6)];
    for &id in ids {
        sixes[id as usize / 6] |= 1 << (id % 6);
    }
    std::iter::once('~')
        .chain(sixes.iter().map(|&s| ALPHABET[s as usize] as char))
        .collect()
}

/// The inverse of `encode`, for tests.
#[cfg(test)]
pub fn decode(text: &str) -> Vec<u32> {
    let value = |c: u8| ALPHABET.iter().position(|&a| a == c).expect("base64") as u32;
    if let Some(bits) = text.strip_prefix('~') {
        return bits
            .bytes()
            .enumerate()
            .flat_map(|(i, c)| {
                let six = value(c);
                (0..6)
                    .filter(move |b| six & (1 << b) != 0)
                    .map(move |b| i as u32 * 6 + b)
            })
            .collect();
    }
    let (mut ids, mut number, mut shift) = (Vec::new(), 0u32, 0);
    for c in text.bytes() {
        let v = value(c);
        number |= (v & 31) << shift;
        shift += 5;
        if v & 32 == 0 {
            let id = match ids.last() {
                Some(&p) => p + number + 1,
                None => number,
            };
            ids.push(id);
            (number, shift) = (0, 0);
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_come_back_as_they_went_in() {
        for (ids, count) in [
            (vec![], 10),
            (vec![0], 1),
            (vec![3, 4, 40, 1000, 70000], 100_000),
            ((0..500).collect::<Vec<u32>>(), 600),
            ((0..600).step_by(7).collect(), 600),
        ] {
            assert_eq!(decode(&encode(&ids, count)), ids, "{ids:?}");
        }
    }

    #[test]
    fn a_term_in_every_briefing_costs_a_bit_each() {
        let all: Vec<u32> = (0..10_000).collect();
        assert_eq!(encode(&all, 10_000).len(), 1 + 10_000usize.div_ceil(6));
        assert_eq!(encode(&[5, 6, 7], 10_000), "FAA");
    }
}

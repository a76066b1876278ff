//! The words of ASCII text, found 64 bytes at a time: most of a body's
//! text, and the loop that sees every byte.

/// The words of `text` made of ASCII letters and digits, lowered (any
/// other character is between words). Found from masks of which bytes are
/// letters and digits, and which upper case, 64 at a time, so that the
/// branches are per word, not per byte: a branch at each word's edges,
/// mispredicted about as often as not, was most of the scan's time.
pub(super) fn ascii_words(text: &str, lowered: &mut String, each: &mut impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut emit = |start: usize, end: usize, upper: bool| {
        let word = &text[start..end];
        if upper {
            lowered.clear();
            lowered.push_str(word);
            lowered.make_ascii_lowercase();
            each(lowered);
        } else {
            each(word);
        }
    };
    // Where the word being read began, when one is, and whether it has an
    // upper-case letter in the blocks before this one.
    let mut open: Option<usize> = None;
    let mut upper = false;
    for (block, chunk) in bytes.chunks(64).enumerate() {
        let base = block * 64;
        let (mask, upper_mask) = word_masks(chunk);
        let mut at = 0u32;
        loop {
            let from = !0u64 << at;
            match open {
                Some(start) => {
                    let ends = !mask & from;
                    if ends == 0 {
                        upper |= upper_mask & from != 0;
                        break;
                    }
                    let end = ends.trailing_zeros();
                    upper |= upper_mask & from & !(!0u64 << end) != 0;
                    emit(start, base + end as usize, upper);
                    (open, upper, at) = (None, false, end);
                }
                None => {
                    let starts = mask & from;
                    if starts == 0 {
                        break;
                    }
                    at = starts.trailing_zeros();
                    open = Some(base + at as usize);
                }
            }
        }
    }
    if let Some(start) = open {
        emit(start, bytes.len(), upper);
    }
}

/// Bit `i` set when byte `i` of `chunk` (64 at most) is an ASCII letter
/// or digit; and when it is an upper-case one.
fn word_masks(chunk: &[u8]) -> (u64, u64) {
    let (mut word, mut upper) = (0u64, 0u64);
    let mut eights = chunk.chunks_exact(8);
    let mut shift = 0;
    for eight in &mut eights {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(eight);
        let (w, u) = classify8(u64::from_le_bytes(bytes));
        word |= w << shift;
        upper |= u << shift;
        shift += 8;
    }
    for (i, b) in eights.remainder().iter().enumerate() {
        word |= (b.is_ascii_alphanumeric() as u64) << (shift + i);
        upper |= (b.is_ascii_uppercase() as u64) << (shift + i);
    }
    (word, upper)
}

/// Eight bytes at once: bit `i` set when byte `i` is an ASCII letter or
/// digit; and when it is an upper-case letter. For a byte below 0x80,
/// `x + (0x80 - lo)` has its high bit set when `x >= lo`, and no byte
/// carries into the next.
fn classify8(x: u64) -> (u64, u64) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES * 0x80;
    let at_least = |x: u64, lo: u8| x + ONES * (0x80 - lo as u64);
    let above = |x: u64, hi: u8| x + ONES * (0x7f - hi as u64);
    let between = |x: u64, lo: u8, hi: u8| at_least(x, lo) & !above(x, hi);
    // Bytes of 0x80 and above (UTF-8 beyond ASCII) are in no range.
    let ascii = x & !HIGH;
    let not_ascii = x & HIGH;
    let upper = between(ascii, b'A', b'Z') & !not_ascii & HIGH;
    // Lower case is upper case with bit 5 set; no digit changes range by
    // it, as '0'..='9' already has it, and no other byte becomes a letter.
    let lower = ascii | (ONES * 0x20);
    let word = (between(lower, b'a', b'z') | between(ascii, b'0', b'9')) & !not_ascii & HIGH;
    // The high bit of each byte, gathered into the low eight bits.
    let gather = |high: u64| (high >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    (gather(word), gather(upper))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_masks_mark_letters_and_digits_and_upper_case() {
        let expected = |chunk: &[u8]| {
            let bits = |f: fn(&u8) -> bool| {
                (chunk.iter().enumerate()).fold(0, |m, (i, b)| m | (f(b) as u64) << i)
            };
            (
                bits(u8::is_ascii_alphanumeric),
                bits(u8::is_ascii_uppercase),
            )
        };
        let every: Vec<u8> = (0..=255).collect();
        for chunk in every.chunks(64).chain(every.chunks(61)) {
            assert_eq!(word_masks(chunk), expected(chunk), "{chunk:?}");
        }
    }
}

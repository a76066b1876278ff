//! The text search sees: folded the way `search.js` folds a query, so a
//! word typed with or without accents, in any case, finds the same terms.
//! Both sides fold the whole text first and split it into words after, so
//! they agree where folding changes a word's edges (`½` → `1⁄2`) or its
//! letters by context (a final `Σ` lowers to `ς`).

use unicode_normalization::UnicodeNormalization;

use super::ascii::ascii_words;

/// NFKD, without the combining diacritical marks (U+0300–U+036F), in lower
/// case: what `search.js` does with `normalize("NFKD")`, its `replace` and
/// `toLowerCase()`. Indexing uses `for_each_word`, which the tests hold to
/// the words of this.
#[cfg(test)]
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    // Piece by piece between spaces: no rule of NFKD or of lower-casing
    // (the final sigma's) looks across a space, so this is the whole
    // text's fold. Only the pieces with a non-ASCII character go through
    // the tables; the ASCII between them is copied in one go.
    let mut rest = text;
    while let Some((ascii, piece, after)) = next_non_ascii_piece(rest) {
        folded.push_str(ascii);
        folded.push_str(&fold_piece(piece));
        rest = after;
    }
    folded.push_str(rest);
    // The ASCII pieces, lowered in one pass; the others are lower already.
    folded.make_ascii_lowercase();
    folded
}

/// The words of `text`, folded, in order: what `words(&fold(text))` gives,
/// without a folded copy of the whole text. The pieces (between spaces)
/// with a letter or digit outside ASCII are folded one at a time, as
/// `fold` does; around them the words are cut from the text as it is, and
/// lowered only when they need it: most words of a body are ASCII, and
/// most of those lower case already.
pub fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    let mut lowered = String::new();
    // Where the text not yet handed out begins, and where to look next.
    let (mut plain, mut at) = (0, 0);
    while let Some((ascii, piece, _)) = next_non_ascii_piece(&text[at..]) {
        let start = at + ascii.len();
        at = start + piece.len();
        if piece.chars().all(|c| c.is_ascii() || is_punctuation(c)) {
            continue;
        }
        ascii_words(&text[plain..start], &mut lowered, &mut each);
        let folded = fold_piece(piece);
        for (a, b) in words(&folded) {
            each(&folded[a..b]);
        }
        plain = at;
    }
    ascii_words(&text[plain..], &mut lowered, &mut each);
}

/// Punctuation and spaces that typography puts between ASCII words
/// (quotes, dashes, the ellipsis): none is or folds to a letter or a
/// digit, or is a letter's case or accent, so a piece with no other
/// non-ASCII character has the words of its ASCII, and skips the tables.
fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{a0}'
            | '\u{2009}'
            | '\u{202f}'
            | '‘'
            | '’'
            | '‚'
            | '“'
            | '”'
            | '„'
            | '–'
            | '—'
            | '…'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '·'
            | '•'
    )
}

/// `text` cut at its first piece (between spaces) with a non-ASCII
/// character: the ASCII before it, the piece, and the rest after it.
fn next_non_ascii_piece(text: &str) -> Option<(&str, &str, &str)> {
    let at = first_non_ascii(text.as_bytes())?;
    let start = text[..at].rfind(' ').map_or(0, |s| s + 1);
    let end = memchr::memchr(b' ', &text.as_bytes()[at..]).map_or(text.len(), |e| at + e);
    Some((&text[..start], &text[start..end], &text[end..]))
}

/// One piece's fold, through the Unicode tables.
fn fold_piece(piece: &str) -> String {
    let stripped: String = piece
        .nfkd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .collect();
    stripped.to_lowercase()
}

/// The first byte at or above 0x80, eight bytes at a time: a body is
/// mostly ASCII, and a byte-at-a-time search was a tenth of indexing.
fn first_non_ascii(bytes: &[u8]) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let high = u64::from_le_bytes(word) & HIGH;
        if high != 0 {
            return Some(at + high.trailing_zeros() as usize / 8);
        }
        at += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b >= 0x80)
        .map(|i| at + i)
}

/// A word is a run of letters and digits, as `[\p{Alphabetic}\p{N}]` in the
/// script (Rust's `is_alphanumeric` is the same two properties).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The words of folded `text`, each with its byte range.
pub fn words(folded: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = folded.as_bytes();
    let mut at = 0;
    // Whether the character at `at` is part of a word, and its length. ASCII
    // without decoding: the common case, and the hot loop.
    let class = move |at: usize| {
        if bytes[at] < 0x80 {
            (bytes[at].is_ascii_alphanumeric(), 1)
        } else {
            let c = folded[at..].chars().next().unwrap_or(' ');
            (is_word_char(c), c.len_utf8())
        }
    };
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let (word, len) = class(at);
            if word {
                break;
            }
            at += len;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() {
            let (word, len) = class(at);
            if !word {
                break;
            }
            at += len;
        }
        Some((start, at))
    })
}

/// The text of a briefing's HTML body, for its words, at the end of
/// `text` (a buffer kept between briefings): tags dropped (a block tag
/// leaves a space, so paragraphs do not run together), entities decoded.
/// White space stays as it is: words are split on it anyway.
pub fn push_text_of_html(html: &str, text: &mut String) {
    text.reserve(html.len());
    let mut rest = html;
    // The text between tags and entities is copied in one go.
    while let Some(at) = memchr::memchr2(b'<', b'&', rest.as_bytes()) {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            let end = memchr::memchr(b'>', rest.as_bytes()).map_or(rest.len(), |e| e + 1);
            if !is_inline_tag(&rest[..end]) {
                text.push(' ');
            }
            rest = &rest[end..];
        } else {
            let (decoded, used) = entity(rest);
            text.push(decoded);
            rest = &rest[used..];
        }
    }
    text.push_str(rest);
}

/// Tags inside a line of text: dropped without a space, so `<em>un</em>fair`
/// stays one word.
fn is_inline_tag(tag: &str) -> bool {
    let name = tag
        .trim_start_matches(['<', '/'])
        .split(|c: char| !c.is_ascii_alphanumeric())
        .next()
        .unwrap_or("");
    matches!(
        name,
        "a" | "em" | "strong" | "code" | "b" | "i" | "s" | "del" | "sup" | "sub" | "span" | "mark"
    )
}

/// The character an entity at the start of `text` stands for, and its
/// length; a lone `&` stands for itself.
fn entity(text: &str) -> (char, usize) {
    let Some(end) = text[..text.len().min(12)].find(';') else {
        return ('&', 1);
    };
    let name = &text[1..end];
    let c = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some('\u{a0}'),
        _ => name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .and_then(|hex| u32::from_str_radix(hex, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    };
    match c {
        Some(c) => (c, end + 1),
        None => ('&', 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_accents_and_case_like_the_script() {
        assert_eq!(fold("Inácio LULA"), "inacio lula");
        assert_eq!(fold("Ｆｕｌｌ ﬁne"), "full fine");
        // Lowered in context, as JavaScript's toLowerCase does.
        assert_eq!(fold("ΟΔΟΣ ΣΑΣ"), "οδος σας");
        assert_eq!(fold("Zoë\u{a0}Ünal"), "zoe unal");
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let text = fold("Power of Siberia-2, $733 billion; Си Цзиньпин");
        let words: Vec<&str> = words(&text).map(|(a, b)| &text[a..b]).collect();
        assert_eq!(
            words,
            [
                "power",
                "of",
                "siberia",
                "2",
                "733",
                "billion",
                "си",
                "цзиньпин"
            ]
        );
    }

    #[test]
    fn each_word_is_a_word_of_the_folded_text() {
        for text in [
            "Power of Siberia-2, $733 billion; Си Цзиньпин",
            "ΟΔΟΣ ΣΑΣ and Inácio LULA, ½ of ﬁne Ｆｕｌｌ words",
            "Zoë\u{a0}Ünal ZOË",
            "an ASCII text long enough for eight bytes at a time: Érdekes",
            "“Quoted”—dashed–and’s… «guillemets» ‹single› a·b • x\u{a0}y\u{2009}z\u{202f}Ω ‘a’ „b‚",
            "a word across the sixty-fourth byte: abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL",
            "a word across the sixty-fourth byte, upper case after it: abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzABCDEFGHIJKL",
            "0123456789012345678901234567890123456789012345678901234567890123456789",
            "",
            " . ",
        ] {
            let folded = fold(text);
            let expected: Vec<&str> = words(&folded).map(|(a, b)| &folded[a..b]).collect();
            let mut got = Vec::new();
            for_each_word(text, |w| got.push(w.to_string()));
            assert_eq!(got, expected, "{text}");
        }
    }

    #[test]
    fn html_becomes_the_text_a_reader_sees() {
        let html = "<p>A <em>modest</em> shift &amp; a &quot;deal&quot;.</p>\n<h2 id=\"x\">Key</h2><ul><li>un<strong>fair</strong></li></ul>";
        let words = |html| {
            let mut text = String::new();
            push_text_of_html(html, &mut text);
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        assert_eq!(words(html), "A modest shift & a \"deal\". Key unfair");
        assert_eq!(words("AT&T &#233;t&#xE9; & co"), "AT&T été & co");
    }
}

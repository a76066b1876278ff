//! The text search sees: folded the way `search.js` folds a query, so a
//! word typed with or without accents, in any case, finds the same terms.
//! Both sides fold the whole text first and split it into words after, so
//! they agree where folding changes a word's edges (`½` → `1⁄2`) or its
//! letters by context (a final `Σ` lowers to `ς`).

use unicode_normalization::UnicodeNormalization;

/// NFKD, without the combining diacritical marks (U+0300–U+036F), in lower
/// case: what `search.js` does with `normalize("NFKD")`, its `replace` and
/// `toLowerCase()`.
pub fn fold(text: &str) -> String {
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    // Piece by piece between spaces: no rule of NFKD or of lower-casing
    // (the final sigma's) looks across white space, so this is the whole
    // text's fold, and the ASCII words, most of them, skip the tables.
    let mut folded = String::with_capacity(text.len());
    for (i, piece) in text.split(' ').enumerate() {
        if i > 0 {
            folded.push(' ');
        }
        if piece.is_ascii() {
            folded.push_str(piece);
        } else {
            let stripped: String = piece
                .nfkd()
                .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
                .collect();
            folded.push_str(&stripped.to_lowercase());
        }
    }
    // The ASCII pieces, lowered in one pass; the others are lower already.
    folded.make_ascii_lowercase();
    folded
}

/// A word is a run of letters and digits, as `[\p{Alphabetic}\p{N}]` in the
/// script (Rust's `is_alphanumeric` is the same two properties).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The words of folded `text`, each with its byte range.
pub fn words(folded: &str) -> Vec<(usize, usize)> {
    let bytes = folded.as_bytes();
    let mut words = Vec::new();
    let mut start = None;
    let mut at = 0;
    while at < bytes.len() {
        // ASCII without decoding: the common case, and the hot loop.
        let (word, len) = if bytes[at] < 0x80 {
            (bytes[at].is_ascii_alphanumeric(), 1)
        } else {
            let c = folded[at..].chars().next().unwrap_or(' ');
            (is_word_char(c), c.len_utf8())
        };
        match (word, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                words.push((from, at));
                start = None;
            }
            _ => {}
        }
        at += len;
    }
    if let Some(from) = start {
        words.push((from, bytes.len()));
    }
    words
}

/// The text a reader sees in a briefing's HTML body: tags dropped (a block
/// tag leaves a space, so paragraphs do not run together), entities decoded,
/// runs of white space made one space.
pub fn text_of_html(html: &str) -> String {
    // One pass over the bytes: every byte that matters here is ASCII, and
    // the other bytes of a character are copied as they are.
    let bytes = html.as_bytes();
    let mut text: Vec<u8> = Vec::with_capacity(html.len());
    let mut space = false;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'<' => {
                let end = html[at..].find('>').map_or(bytes.len(), |e| at + e + 1);
                space |= !is_inline_tag(&html[at..end]);
                at = end;
            }
            b' ' | b'\n' | b'\t' | b'\r' => {
                space = true;
                at += 1;
            }
            byte => {
                if space && !text.is_empty() {
                    text.push(b' ');
                }
                space = false;
                if byte == b'&' {
                    let (decoded, used) = entity(&html[at..]);
                    text.extend_from_slice(decoded.encode_utf8(&mut [0; 4]).as_bytes());
                    at += used;
                } else {
                    text.push(byte);
                    at += 1;
                }
            }
        }
    }
    // Only whole characters were copied, and ASCII between them.
    String::from_utf8(text).unwrap_or_default()
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
        let words: Vec<&str> = words(&text).into_iter().map(|(a, b)| &text[a..b]).collect();
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
    fn html_becomes_the_text_a_reader_sees() {
        let html = "<p>A <em>modest</em> shift &amp; a &quot;deal&quot;.</p>\n<h2 id=\"x\">Key</h2><ul><li>un<strong>fair</strong></li></ul>";
        assert_eq!(
            text_of_html(html),
            "A modest shift & a \"deal\". Key unfair"
        );
        assert_eq!(text_of_html("AT&T &#233;t&#xE9; & co"), "AT&T été & co");
    }
}

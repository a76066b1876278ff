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
    let mut folded = String::with_capacity(text.len());
    // Piece by piece between spaces: no rule of NFKD or of lower-casing
    // (the final sigma's) looks across a space, so this is the whole
    // text's fold. Only the pieces with a non-ASCII character go through
    // the tables; the ASCII between them is copied in one go.
    let mut rest = text;
    while let Some(at) = rest.bytes().position(|b| b >= 0x80) {
        let start = rest[..at].rfind(' ').map_or(0, |s| s + 1);
        let end = rest[at..].find(' ').map_or(rest.len(), |e| at + e);
        folded.push_str(&rest[..start]);
        let stripped: String = rest[start..end]
            .nfkd()
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .collect();
        folded.push_str(&stripped.to_lowercase());
        rest = &rest[end..];
    }
    folded.push_str(rest);
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

/// The text of a briefing's HTML body, for its words: tags dropped (a
/// block tag leaves a space, so paragraphs do not run together), entities
/// decoded. White space stays as it is: words are split on it anyway.
pub fn text_of_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    // The text between tags and entities is copied in one go.
    while let Some(at) = rest.bytes().position(|b| b == b'<' || b == b'&') {
        text.push_str(&rest[..at]);
        rest = &rest[at..];
        if rest.starts_with('<') {
            let end = rest.find('>').map_or(rest.len(), |e| e + 1);
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
    text
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
    fn html_becomes_the_text_a_reader_sees() {
        let html = "<p>A <em>modest</em> shift &amp; a &quot;deal&quot;.</p>\n<h2 id=\"x\">Key</h2><ul><li>un<strong>fair</strong></li></ul>";
        let words = |html| {
            text_of_html(html)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        assert_eq!(words(html), "A modest shift & a \"deal\". Key unfair");
        assert_eq!(words("AT&T &#233;t&#xE9; & co"), "AT&T été & co");
    }
}

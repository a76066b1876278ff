//! The one rule for URLs written in front-matter (a source's `url`, a
//! portrait): http(s), mailto, or relative. Themes put these in `href` and
//! `src`, where any other scheme (`javascript:`, `data:text/html`) runs in
//! the reader's browser. The rule is strict on purpose: a browser ignores
//! tabs and newlines anywhere in a URL and spaces and control characters
//! around it, and reads the scheme in any case, so `" java\tscript:"` runs
//! as `javascript:`; rather than undo each of those tricks, a URL holding
//! any of them is refused.

/// Schemes a front-matter URL may have, lower case.
const ALLOWED: [&str; 3] = ["http", "https", "mailto"];

/// Schemes that run what follows them, even after a space.
const RUNS_SCRIPT: [&str; 2] = ["javascript", "vbscript"];

/// `Ok` for a URL a page may link; else why not, in words for the editor.
pub fn check(url: &str) -> Result<(), String> {
    if url.trim().is_empty() {
        return Err("the URL is empty: write one, or remove the key".into());
    }
    if let Some(c) = url.chars().find(|c| c.is_control()) {
        return Err(format!(
            "the URL contains {}, which browsers skip inside a URL: remove it",
            describe(c)
        ));
    }
    if url.starts_with(char::is_whitespace) || url.ends_with(char::is_whitespace) {
        return Err(format!(
            "the URL '{url}' starts or ends with a space: remove it"
        ));
    }
    // A ':' before any '/', '?' or '#' ends a scheme. Whatever stands
    // before it must be an allowed scheme, even where a browser would read
    // the whole as a relative path: `./a:b` says that plainly.
    let end = url.find([':', '/', '?', '#']);
    if let Some(i) = end.filter(|&i| url.as_bytes()[i] == b':') {
        let scheme = &url[..i];
        if !ALLOWED.iter().any(|a| a.eq_ignore_ascii_case(scheme)) {
            return Err(format!(
                "the URL '{url}' is not allowed: only http:, https:, mailto: and relative URLs are"
            ));
        }
    }
    Ok(())
}

/// The rule for a free text under `extra`, which a theme may put in an
/// `href` or a `src` as well as print: a text that reads as a URL with a
/// scheme (`reads_as_url`) must pass `check`; any other text is prose.
pub fn check_free_text(text: &str) -> Result<(), String> {
    if !reads_as_url(text) {
        return Ok(());
    }
    check(text).map_err(|message| match leading_scheme(text) {
        Some((scheme, _)) if RUNS_SCRIPT.contains(&scheme.as_str()) => format!(
            "{message} (under 'extra', a text that begins with '{scheme}:' is refused whatever follows it: a browser runs it as a link)"
        ),
        _ => format!(
            "{message} (under 'extra', a text that begins with a word and a colon is read as a link; if this one is not, put a space after the colon)"
        ),
    })
}

/// Whether a browser would find a scheme at the start of `text` (leading
/// spaces and controls dropped, tabs and line breaks skipped, any case),
/// and the text is not prose: a word, a colon and a space is a label
/// ("Update: talks ended"), except where the word is a scheme that runs
/// whatever follows (`javascript: alert(1)` runs).
pub fn reads_as_url(text: &str) -> bool {
    match leading_scheme(text) {
        Some((scheme, prose)) => !prose || RUNS_SCRIPT.contains(&scheme.as_str()),
        None => false,
    }
}

/// The scheme a browser would find at the start of `text`, lowercased, and
/// whether a space (or nothing) follows its colon, as in prose.
fn leading_scheme(text: &str) -> Option<(String, bool)> {
    let mut chars = text
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'));
    let mut scheme = String::new();
    loop {
        match chars.next() {
            Some(':') if !scheme.is_empty() => break,
            Some(c) if c.is_ascii_alphabetic() => scheme.push(c.to_ascii_lowercase()),
            Some(c @ ('0'..='9' | '+' | '-' | '.')) if !scheme.is_empty() => scheme.push(c),
            _ => return None,
        }
    }
    let prose = chars.next().is_none_or(char::is_whitespace);
    Some((scheme, prose))
}

/// `U+0009 (a tab)`: control characters are invisible in an editor, so an
/// error names them by number.
pub fn describe(c: char) -> String {
    let what = match c {
        '\t' => "a tab",
        '\n' => "a line break",
        '\r' => "a carriage return",
        '\0' => "a NUL character",
        '\u{feff}' => "a byte-order mark",
        '\u{fffe}' | '\u{ffff}' => "not a character",
        c if c.is_control() => "a control character",
        _ => "an invisible character",
    };
    format!("U+{:04X} ({what})", c as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn web_mail_and_relative_urls_pass() {
        for url in [
            "https://tass.com/politics/1",
            "HTTP://EXAMPLE.ORG/",
            "mailto:desk@example.org",
            "images/xi.jpg",
            "/static/xi.jpg",
            "//cdn.example.org/x.jpg",
            "#sources",
            "?page=2",
            "a/b:c",
            "https://example.org/a b",
        ] {
            assert_eq!(check(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn script_and_disguised_urls_fail() {
        for url in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "vbscript:msgbox(1)",
            "data:text/html,<script>alert(1)</script>",
            "file:///etc/passwd",
            "java\u{200b}script:alert(1)",
            "",
            "   ",
        ] {
            assert!(check(url).is_err(), "{url:?}");
        }
        assert_eq!(
            check("javascript:alert(1)").unwrap_err(),
            "the URL 'javascript:alert(1)' is not allowed: only http:, https:, mailto: and relative URLs are"
        );
        assert_eq!(
            check("java\tscript:x").unwrap_err(),
            "the URL contains U+0009 (a tab), which browsers skip inside a URL: remove it"
        );
    }

    #[test]
    fn free_text_is_checked_only_where_it_reads_as_a_url() {
        for prose in [
            "Update: talks ended",
            "Data: World Bank",
            "Note:",
            "10:30 in Beijing",
            "parade.jpg",
            "a/b:c",
            ": a colon first",
            "https://en.kremlin.ru/",
            "MAILTO:desk@example.org",
        ] {
            assert_eq!(check_free_text(prose), Ok(()), "{prose:?}");
        }
        for url in [
            "javascript:alert(1)",
            "javascript: alert(1)",
            "VBScript:\tmsgbox(1)",
            " java\tscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "tel:+7495",
        ] {
            assert!(reads_as_url(url), "{url:?}");
            assert!(check_free_text(url).is_err(), "{url:?}");
        }
        // A browser reads this as a relative path, as the rule does.
        assert!(!reads_as_url("https ://example.org"));
    }
}

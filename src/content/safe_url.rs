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
}

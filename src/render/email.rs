//! An edition as e-mail: the HTML with every style inlined (e-mail clients
//! drop `<style>` and `<link>`), and the text wrapped for a mail reader.

use super::feeds::absolute_urls;

/// Where an e-mail's links point from: the site's origin
/// (`https://example.org`) and the edition's own address.
pub struct Place<'a> {
    pub origin: &'a str,
    pub page: &'a str,
}

/// The e-mail as sent: styles inlined, every link absolute.
pub fn html(place: &Place, html: String) -> Result<String, String> {
    Ok(absolute_urls(&inline_css(&html)?, place.page, place.origin))
}

/// The text e-mail as sent: every `<URL>` the template wrote becomes a
/// numbered reference listed at the end, and lines wrap at 72 columns.
pub fn text(place: &Place, text: String) -> Result<String, String> {
    let mut body = String::with_capacity(text.len());
    let mut links: Vec<String> = Vec::new();
    // Each link's number, by URL: a note may hold thousands of links.
    let mut numbers: std::collections::HashMap<String, usize> = Default::default();
    let mut rest = text.as_str();
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let url = &rest[start + 1..start + len];
        body.push_str(&rest[..start]);
        if url.is_empty() || url.contains(char::is_whitespace) {
            body.push_str(&rest[start..=start + len]);
        } else {
            let url = if url.starts_with('/') && !url.starts_with("//") {
                format!("{}{url}", place.origin)
            } else {
                url.to_string()
            };
            let n = *numbers.entry(url).or_insert_with_key(|url| {
                links.push(url.clone());
                links.len()
            });
            body.push_str(&format!("[{n}]"));
        }
        rest = &rest[start + len + 1..];
    }
    body.push_str(rest);
    let mut out = body.trim_end().to_string();
    if !links.is_empty() {
        out.push_str("\n\nLinks:\n");
        for (i, url) in links.iter().enumerate() {
            out.push_str(&format!("[{}] {url}\n", i + 1));
        }
    }
    Ok(wrap(&out, 72))
}

/// Markdown's HTML as plain text: paragraphs and list items on their own
/// lines, each link's address after its text as `<URL>` for `text` to
/// number.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::new();
    let mut href: Vec<Option<String>> = Vec::new();
    let mut ordered: Vec<Option<usize>> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let between = &rest[..start];
        // The line breaks between block tags are not text.
        if !between.trim().is_empty() || !between.contains('\n') {
            out.push_str(&unescape(between));
        }
        let Some(len) = rest[start..].find('>') else {
            rest = "";
            break;
        };
        let tag = &rest[start + 1..start + len];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let closing = tag.starts_with('/');
        match (name.as_str(), closing) {
            (
                "p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "pre" | "table"
                | "tr",
                true,
            ) => out.push_str("\n\n"),
            ("br", _) => out.push('\n'),
            ("ul", false) => ordered.push(None),
            ("ol", false) => ordered.push(Some(0)),
            ("ul" | "ol", true) => {
                ordered.pop();
                out.push('\n');
            }
            ("li", false) => {
                let marker = match ordered.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{n}. ")
                    }
                    _ => "- ".to_string(),
                };
                out.push_str(&"  ".repeat(ordered.len().saturating_sub(1)));
                out.push_str(&marker);
            }
            ("li", true) => out.push('\n'),
            ("a", false) => href.push(attribute(tag, "href")),
            ("a", true) => {
                if let Some(Some(url)) = href.pop() {
                    out.push_str(&format!(" <{url}>"));
                }
            }
            _ => {}
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(&unescape(rest));
    // At most one blank line between blocks, none at the ends.
    let mut text = String::new();
    for line in out.lines().map(str::trim_end) {
        if line.is_empty() && (text.is_empty() || text.ends_with("\n\n")) {
            continue;
        }
        text.push_str(line);
        text.push('\n');
    }
    text.trim_end().to_string()
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[at..].find('"')? + at;
    Some(unescape(&tag[at..end]))
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Move every rule of the page's `<style>` elements into the `style`
/// attributes of what they match, and drop the elements.
fn inline_css(html: &str) -> Result<String, String> {
    css_inline::CSSInliner::options()
        .keep_style_tags(false)
        .keep_link_tags(false)
        .load_remote_stylesheets(false)
        .build()
        .inline(html)
        .map_err(|e| format!("inlining the e-mail's CSS: {e}"))
}

/// Plain text as mail readers expect it: lines of at most `width`
/// characters, broken between words; a wrapped line keeps the indent of the
/// one it continues (list items keep their hanging indent). A word longer
/// than a line, such as a URL, is left whole.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / width);
    for line in text.lines() {
        let line = line.trim_end();
        if line.chars().count() <= width {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let indent_len = line.len() - line.trim_start().len();
        let marker_len = list_marker(&line[indent_len..]);
        let hanging = " ".repeat(indent_len + marker_len);
        let mut current = String::from(&line[..indent_len]);
        let mut fresh = true;
        for word in line[indent_len..].split(' ').filter(|w| !w.is_empty()) {
            let needed = current.chars().count() + usize::from(!fresh) + word.chars().count();
            if !fresh && needed > width {
                out.push_str(&current);
                out.push('\n');
                current = hanging.clone();
                fresh = true;
            }
            if !fresh {
                current.push(' ');
            }
            current.push_str(word);
            fresh = false;
        }
        out.push_str(&current);
        out.push('\n');
    }
    out
}

/// The width of a list marker at the start of `line` (`- `, `12. `,
/// `[3] `), so that wrapped lines hang under the text.
fn list_marker(line: &str) -> usize {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if line.starts_with("- ") || line.starts_with("* ") {
        2
    } else if digits > 0 && line[digits..].starts_with(". ") {
        digits + 2
    } else if line.starts_with('[') {
        line.find("] ").map_or(0, |end| end + 2)
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_wrap_between_words_and_keep_their_indent() {
        let text = "  1. Putin and Xi hold talks in Beijing on a gas pipeline, trade and the war in Ukraine, then dine\nshort\n";
        let wrapped = wrap(text, 40);
        for line in wrapped.lines() {
            assert!(line.chars().count() <= 40, "{line:?}");
        }
        assert!(wrapped.starts_with("  1. Putin and Xi hold talks in Beijing\n     on a"));
        assert!(wrapped.ends_with("short\n"));
        let url = "https://example.org/briefings/a-very-long-address-that-cannot-be-broken/";
        assert_eq!(wrap(url, 20), format!("{url}\n"));
    }

    #[test]
    fn links_become_numbered_references() {
        let place = Place {
            origin: "https://e.org",
            page: "https://e.org/editions/x/",
        };
        let text = text(
            &place,
            "Talks <https://e.org/a/>\nParade </b/>\nTalks again <https://e.org/a/>\n".into(),
        )
        .expect("text");
        assert_eq!(
            text,
            "Talks [1]\nParade [2]\nTalks again [1]\n\nLinks:\n[1] https://e.org/a/\n[2] https://e.org/b/\n"
        );
    }

    #[test]
    fn markdown_html_reads_as_text() {
        let html = "<ul>\n<li>Xi &amp; Putin <a href=\"/briefings/talks/\">met</a></li>\n<li>Kim came</li>\n</ul>\n<p>Then &quot;the parade&quot;.</p>\n";
        assert_eq!(
            html_to_text(html),
            "- Xi & Putin met </briefings/talks/>\n- Kim came\n\nThen \"the parade\"."
        );
    }

    #[test]
    fn styles_move_into_the_elements() {
        let html =
            "<html><head><style>p { color: #333 }</style></head><body><p>Hi</p></body></html>";
        let inlined = inline_css(html).expect("inline");
        assert!(!inlined.contains("<style"), "{inlined}");
        assert!(
            inlined.contains("<p style=\"color: #333;\">Hi</p>"),
            "{inlined}"
        );
    }
}

//! Markdown → HTML. Pure: it knows nothing of the site beyond what a
//! `LinkResolver` answers for `@/` links, and returns what the link stage
//! needs to check those links afterwards.

use std::collections::{HashMap, HashSet};

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

/// The Markdown options of a site.
#[derive(Debug, Clone, Copy)]
pub struct MarkdownOptions {
    pub smart_punctuation: bool,
    pub raw_html: bool,
}

/// Answers an internal link's target (`briefings/x.md`, as written after
/// `@/`) with the URL it is published at.
pub trait LinkResolver {
    fn resolve(&self, target: &str) -> Option<String>;
}

/// Links the first mention of a briefing's people and topics. Called on
/// each run of plain text that may carry a link (not in code, a heading,
/// bold or italic text or an existing link); returns the byte range in `text` of the next mention
/// to link and its URL. `observe` sees the text where no link may go, so the
/// linker can still note what the body mentions.
pub trait MentionLinker {
    fn next_mention(&mut self, text: &str) -> Option<(usize, usize, String)>;
    fn observe(&mut self, text: &str);
    /// The body links to `url` by hand: no need to link a mention of it.
    fn linked_by_hand(&mut self, url: &str);
}

/// For bodies that link no mentions (profiles, free pages).
pub struct NoMentions;

impl MentionLinker for NoMentions {
    fn next_mention(&mut self, _: &str) -> Option<(usize, usize, String)> {
        None
    }
    fn observe(&mut self, _: &str) {}
    fn linked_by_hand(&mut self, _: &str) {}
}

/// An `@/` link found in the body, kept so the link stage can report a
/// missing file or anchor at its line.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InternalLink {
    pub target: String,
    pub anchor: Option<String>,
    /// Byte offset in the Markdown source.
    pub offset: usize,
    pub resolved: bool,
}

#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    pub html: String,
    /// Ids of the headings, for checking `#anchor`s pointing here.
    pub anchors: Vec<String>,
    pub links: Vec<InternalLink>,
    /// Plain text of the first paragraph.
    pub first_paragraph: String,
    pub word_count: usize,
    /// Byte offsets of table header cells with no text: a screen reader
    /// reads a column's header out with each of its cells, so an empty one
    /// leaves the column unnamed.
    #[serde(default)]
    pub empty_headers: Vec<usize>,
    /// Byte offset of the first element nested deeper than `MAX_NESTING`.
    #[serde(default)]
    pub too_deep: Option<usize>,
}

/// The one place where parser options are set.
fn parser(source: &str, options: MarkdownOptions) -> Parser<'_> {
    let mut opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    if options.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    Parser::new_ext(source, opts)
}

/// Plain text (a title, summary or name) with the typographic quotes,
/// dashes and ellipses a body gets from smart punctuation, by the same
/// parser, so a title reads as its body does. The text is not Markdown:
/// whatever else Markdown would read in it is escaped first, and the text
/// comes back otherwise as written. Borrowed when nothing would change.
pub fn typographic(text: &str, smart_punctuation: bool) -> std::borrow::Cow<'_, str> {
    // Smart punctuation changes quotes, `--` and `...`, nothing else: a
    // hyphen or a full stop alone (most titles and every summary) need no
    // parser.
    let bytes = text.as_bytes();
    let changes = memchr::memchr2(b'\'', b'"', bytes).is_some()
        || memchr::memmem::find(bytes, b"--").is_some()
        || memchr::memmem::find(bytes, b"...").is_some();
    if !smart_punctuation || !changes {
        return text.into();
    }
    smartened(text).into()
}

/// `text` through the parser with smart punctuation, all else escaped.
fn smartened(text: &str) -> String {
    let smartens = |c: char| c == '\'' || c == '"' || c == '-' || c == '.';
    let mut out = String::with_capacity(text.len() + 8);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        // Leading spaces would make a code block; they are kept as written.
        let body = line.trim_start();
        out.push_str(&line[..line.len() - body.len()]);
        let mut escaped = String::with_capacity(body.len() * 2);
        let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        for (at, c) in body.char_indices() {
            // Quotes, dashes and dots are what smart punctuation reads; a
            // dash or dot that would start a list or rule is escaped too.
            let starts_block = (at == 0 && (c == '-' || c == '+'))
                || (at == digits && digits > 0 && (c == '.' || c == ')'));
            if c.is_ascii_punctuation() && (!smartens(c) || starts_block) {
                escaped.push('\\');
            }
            escaped.push(c);
        }
        for event in Parser::new_ext(&escaped, Options::ENABLE_SMART_PUNCTUATION) {
            if let Event::Text(t) = event {
                out.push_str(&t);
            }
        }
        // Trailing spaces are dropped by the parser; keep them.
        out.push_str(&body[body.trim_end().len()..]);
    }
    out
}

/// The parser's events with runs of adjacent text merged into one, since
/// text may be split mid-word (at smart quotes, say) and names are matched
/// across the whole run.
fn merged_events(
    source: &str,
    options: MarkdownOptions,
) -> Vec<(Event<'_>, std::ops::Range<usize>)> {
    type Spanned<'a> = (Event<'a>, std::ops::Range<usize>);
    // Joined once the run ends: joining at each piece copied the run so
    // far again (a body of 800 KB of "a" took 38 s).
    fn end_run<'a>(
        run: &mut Vec<(CowStr<'a>, std::ops::Range<usize>)>,
        events: &mut Vec<Spanned<'a>>,
    ) {
        let (Some(first), Some(last)) = (run.first(), run.last()) else {
            return;
        };
        let range = first.1.start..last.1.end;
        let text = match run.len() {
            1 => run.remove(0).0,
            _ => run
                .iter()
                .map(|(text, _)| &**text)
                .collect::<String>()
                .into(),
        };
        run.clear();
        events.push((Event::Text(text), range));
    }
    let mut events: Vec<Spanned<'_>> = Vec::new();
    let mut run = Vec::new();
    for (event, range) in parser(source, options).into_offset_iter() {
        match event {
            Event::Text(text) => run.push((text, range)),
            event => {
                end_run(&mut run, &mut events);
                events.push((event, range));
            }
        }
    }
    end_run(&mut run, &mut events);
    events
}

pub fn render(
    source: &str,
    options: MarkdownOptions,
    resolver: &dyn LinkResolver,
    mentions: &mut dyn MentionLinker,
) -> Rendered {
    let mut rendered = Rendered::default();
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut used_ids = HeadingIds::default();
    // Heading events are held back until the heading ends, so its id can
    // be made from its text.
    let mut heading: Option<(HeadingLevel, Option<CowStr<'_>>, Vec<Event<'_>>)> = None;
    // For each open link: was it kept (true) or dropped (false)?
    let mut links_open: Vec<bool> = Vec::new();
    // Where the stream is: inside code, an image, emphasis, a paragraph.
    let mut at = Position::default();

    for (event, range) in merged_events(source, options) {
        at.note(&event, range.start, &mut rendered);
        let event = match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level, id, Vec::new()));
                continue;
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some(open) = heading.take() {
                    close_heading(open, &mut used_ids, &mut rendered, &mut events);
                }
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let kept = link_target(dest_url, range.start, options, resolver, &mut rendered);
                if let Some(page) = &kept.1 {
                    mentions.linked_by_hand(page);
                }
                links_open.push(kept.0.is_some());
                match kept.0 {
                    Some(dest_url) => Event::Start(Tag::Link {
                        link_type,
                        dest_url,
                        title,
                        id,
                    }),
                    None => continue,
                }
            }
            Event::End(TagEnd::Link) => {
                if links_open.pop() == Some(false) {
                    continue;
                }
                event
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                // An image that runs a script shows nothing.
                dest_url: link_target(dest_url, range.start, options, resolver, &mut rendered)
                    .0
                    .unwrap_or_else(|| "".into()),
                title,
                id,
            }),
            Event::Html(html) | Event::InlineHtml(html) if !options.raw_html => Event::Text(html),
            Event::Text(text) if at.code_depth == 0 => {
                let free = heading.is_none()
                    && links_open.is_empty()
                    && at.image_depth == 0
                    && at.emphasis_depth == 0;
                if !free {
                    mentions.observe(&text);
                    Event::Text(text)
                } else {
                    let out: &mut Vec<Event<'_>> = &mut events;
                    link_mentions(&text, mentions, out);
                    continue;
                }
            }
            other => other,
        };
        match &mut heading {
            Some((_, _, inner)) => inner.push(event),
            None => events.push(event),
        }
    }

    rendered.first_paragraph = summary_of(&rendered.first_paragraph);
    pulldown_cmark::html::push_html(&mut rendered.html, events.into_iter());
    rendered
}

/// Where the event stream is, for what an event means there.
#[derive(Default)]
struct Position {
    paragraph_depth: usize,
    first_paragraph_done: bool,
    code_depth: usize,
    image_depth: usize,
    /// Inside bold or italic: a label such as "**Trade:**" or a stressed
    /// word, where a link would read as a second emphasis.
    emphasis_depth: usize,
    in_table_head: bool,
    /// The header cell being read: where it starts, and whether it has text.
    header_cell: Option<(usize, bool)>,
    /// Elements open: quotes, lists, emphasis, links.
    depth: usize,
}

/// How deep a body's quotes, lists, emphasis and links may nest. The
/// e-mail's CSS inliner walks elements recursively: 2,400 nested quotes in
/// an edition's note overflowed its stack and killed the build with no
/// file named.
pub const MAX_NESTING: usize = 100;

/// Whether `tag` is a level of nesting as an editor counts them: a quote,
/// a list (not its items), emphasis, a link.
fn nests(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Link { .. }
            | Tag::Image { .. }
            | Tag::FootnoteDefinition(_)
    )
}

/// The end of a level `nests` counts.
fn nests_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::BlockQuote(_)
            | TagEnd::List(_)
            | TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Link
            | TagEnd::Image
            | TagEnd::FootnoteDefinition
    )
}

impl Position {
    /// Follow `event` (starting at byte `start`): what it opens and closes,
    /// and what it adds to the word count, the first paragraph and the list
    /// of empty header cells.
    fn note(&mut self, event: &Event<'_>, start: usize, rendered: &mut Rendered) {
        match event {
            Event::Start(tag) if nests(tag) => {
                self.depth += 1;
                if self.depth > MAX_NESTING && rendered.too_deep.is_none() {
                    rendered.too_deep = Some(start);
                }
            }
            Event::End(tag) if nests_end(*tag) => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        match event {
            Event::Start(Tag::TableHead) => self.in_table_head = true,
            Event::End(TagEnd::TableHead) => self.in_table_head = false,
            Event::Start(Tag::TableCell) if self.in_table_head => {
                self.header_cell = Some((start, false))
            }
            Event::End(TagEnd::TableCell) => {
                if let Some((offset, false)) = self.header_cell.take() {
                    rendered.empty_headers.push(offset);
                }
            }
            Event::Start(Tag::Image { .. }) => {
                if let Some((_, text)) = &mut self.header_cell {
                    *text = true;
                }
            }
            _ => {}
        }
        match event {
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut self.header_cell {
                    *text |= !t.trim().is_empty();
                }
                rendered.word_count += t.split_whitespace().count();
                if self.paragraph_depth > 0 && !self.first_paragraph_done {
                    rendered.first_paragraph.push_str(t);
                }
            }
            Event::SoftBreak | Event::HardBreak
                if self.paragraph_depth > 0 && !self.first_paragraph_done =>
            {
                rendered.first_paragraph.push(' ');
            }
            Event::Start(Tag::CodeBlock(_)) => self.code_depth += 1,
            Event::End(TagEnd::CodeBlock) => self.code_depth = self.code_depth.saturating_sub(1),
            Event::Start(Tag::Strong | Tag::Emphasis) => self.emphasis_depth += 1,
            Event::End(TagEnd::Strong | TagEnd::Emphasis) => {
                self.emphasis_depth = self.emphasis_depth.saturating_sub(1)
            }
            Event::Start(Tag::Image { .. }) => self.image_depth += 1,
            Event::End(TagEnd::Image) => self.image_depth = self.image_depth.saturating_sub(1),
            Event::Start(Tag::Paragraph) => self.paragraph_depth += 1,
            Event::End(TagEnd::Paragraph) => {
                self.paragraph_depth = self.paragraph_depth.saturating_sub(1);
                if !rendered.first_paragraph.trim().is_empty() {
                    self.first_paragraph_done = true;
                }
            }
            _ => {}
        }
    }
}

/// A heading whose events were held back, written out with an id made
/// from its text (or the one written), unique on the page.
fn close_heading<'a>(
    (level, id, inner): (HeadingLevel, Option<CowStr<'a>>, Vec<Event<'a>>),
    used_ids: &mut HeadingIds,
    rendered: &mut Rendered,
    events: &mut Vec<Event<'a>>,
) {
    let id = unique_id(
        id.map_or_else(|| heading_id(&plain_text(&inner)), |id| id.to_string()),
        used_ids,
    );
    rendered.anchors.push(id.clone());
    events.push(Event::Start(Tag::Heading {
        level,
        id: Some(id.into()),
        classes: Vec::new(),
        attrs: Vec::new(),
    }));
    events.extend(inner);
    events.push(Event::End(TagEnd::Heading(level)));
}

/// Where a link or image written as `dest_url` points once written out:
/// an `@/` link resolved (and the page it names, for mentions), a script
/// URL dropped (None) unless raw HTML is on, anything else as it is.
fn link_target<'a>(
    dest_url: CowStr<'a>,
    start: usize,
    options: MarkdownOptions,
    resolver: &dyn LinkResolver,
    rendered: &mut Rendered,
) -> (Option<CowStr<'a>>, Option<String>) {
    if let Some(internal) = dest_url.strip_prefix("@/") {
        let (href, page) = internal_link(internal, start, resolver, rendered);
        (Some(href.into()), page)
    } else if !options.raw_html && is_script_url(&dest_url) {
        (None, None)
    } else {
        (Some(dest_url), None)
    }
}

/// Resolve an `@/` link (`internal` is what follows `@/`), record it for the
/// link stage to check, and return the URL to write (with its `#anchor`;
/// only the anchor when the target is missing, as the build then fails at
/// this link anyway) and the page's URL, if the target exists.
fn internal_link(
    internal: &str,
    offset: usize,
    resolver: &dyn LinkResolver,
    rendered: &mut Rendered,
) -> (String, Option<String>) {
    let (target, anchor) = match internal.split_once('#') {
        Some((t, a)) => (t, Some(a.to_string())),
        None => (internal, None),
    };
    let url = resolver.resolve(target);
    rendered.links.push(InternalLink {
        target: target.to_string(),
        anchor: anchor.clone(),
        offset,
        resolved: url.is_some(),
    });
    let mut href = url.clone().unwrap_or_default();
    if let Some(anchor) = anchor {
        href.push('#');
        href.push_str(&anchor);
    }
    (href, url)
}

/// Emit `text`, with a link around each mention the linker asks for.
fn link_mentions<'a>(text: &str, mentions: &mut dyn MentionLinker, out: &mut Vec<Event<'a>>) {
    let mut rest = text;
    while let Some((start, end, url)) = mentions.next_mention(rest) {
        if start > 0 {
            out.push(Event::Text(rest[..start].to_string().into()));
        }
        out.push(Event::Start(Tag::Link {
            link_type: pulldown_cmark::LinkType::Inline,
            dest_url: url.into(),
            title: "".into(),
            id: "".into(),
        }));
        out.push(Event::Text(rest[start..end].to_string().into()));
        out.push(Event::End(TagEnd::Link));
        rest = &rest[end..];
    }
    if !rest.is_empty() {
        out.push(Event::Text(rest.to_string().into()));
    }
}

fn plain_text(events: &[Event<'_>]) -> String {
    let mut text = String::new();
    for event in events {
        if let Event::Text(t) | Event::Code(t) = event {
            text.push_str(t);
        }
    }
    text
}

/// `Putin's visit: day one` → `putins-visit-day-one`. Non-ASCII letters are
/// kept (browsers handle them in fragments), so Cyrillic headings get ids.
pub fn heading_id(text: &str) -> String {
    let mut id = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            id.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_')
            && !id.ends_with('-')
            && !id.is_empty()
        {
            id.push('-');
        }
    }
    let id = id.trim_end_matches('-').to_string();
    if id.is_empty() {
        "section".to_string()
    } else {
        id
    }
}

/// The ids of a page's headings so far, and for each id made again the
/// number its next copy tries first: every number below it is taken, so a
/// body of 20,000 `## Update` headings does not count up from 1 each time
/// (18 s, now a few ms).
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    next: HashMap<String, usize>,
}

fn unique_id(base: String, ids: &mut HeadingIds) -> String {
    if ids.used.insert(base.clone()) {
        return base;
    }
    let mut n = ids.next.get(&base).copied().unwrap_or(1);
    loop {
        let candidate = format!("{base}-{n}");
        if ids.used.insert(candidate.clone()) {
            ids.next.insert(base, n + 1);
            return candidate;
        }
        n += 1;
    }
}

/// The first table wider than `limit` columns: its byte offset and width.
/// A body with no line that could be the delimiter row (`|---|:-:|`) of
/// so wide a table is not parsed at all; one with such a line is parsed
/// without rendering, which costs far less than rendering the table would.
pub fn table_wider_than(source: &str, limit: usize) -> Option<(usize, usize)> {
    if !source.lines().any(|line| delimiter_cells(line) > limit) {
        return None;
    }
    // Only tables matter here, and no option changes what is a table.
    let options = MarkdownOptions {
        smart_punctuation: false,
        raw_html: false,
    };
    parser(source, options)
        .into_offset_iter()
        .find_map(|(event, range)| match event {
            Event::Start(Tag::Table(columns)) if columns.len() > limit => {
                Some((range.start, columns.len()))
            }
            _ => None,
        })
}

/// The number of cells of `line` if it may be a table's delimiter row,
/// in a block quote or a list or not; else 0.
fn delimiter_cells(line: &str) -> usize {
    let row = line.trim_start_matches([' ', '\t', '>']).trim_end();
    let delimiter = row.contains('-')
        && row
            .bytes()
            .all(|b| matches!(b, b'|' | b'-' | b':' | b' ' | b'\t'));
    if !delimiter {
        return 0;
    }
    row.split('|')
        .filter(|cell| !cell.trim().is_empty())
        .count()
}

fn is_script_url(url: &str) -> bool {
    let lowered: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    lowered.starts_with("javascript:")
        || lowered.starts_with("vbscript:")
        || lowered.starts_with("data:")
}

/// Words of a summary made from a first paragraph: Hugo's default
/// `summaryLength`. Lists and feeds copy a summary wherever the briefing
/// is listed, so a paragraph of thousands of words is not one.
pub const SUMMARY_WORDS: usize = 70;

/// A first paragraph as a summary, its spaces collapsed: whole up to
/// `SUMMARY_WORDS` words; past that, up to the last sentence that ends
/// within them (if that keeps a third of them), else cut with "…".
fn summary_of(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(SUMMARY_WORDS + 1).collect();
    let summary = if words.len() <= SUMMARY_WORDS {
        words.join(" ")
    } else {
        let last_end = (SUMMARY_WORDS / 3..=SUMMARY_WORDS)
            .rev()
            .find(|&i| ends_sentence(words[i - 1], words[i]));
        match last_end {
            Some(end) => words[..end].join(" "),
            None => words[..SUMMARY_WORDS].join(" ") + "…",
        }
    };
    // Words need no spaces between them: a "word" may be a whole page.
    match summary.char_indices().nth(SUMMARY_CHARS) {
        Some((cut, _)) => summary[..cut].to_string() + "…",
        None => summary,
    }
}

/// Characters of a summary made from a first paragraph, whatever its words.
const SUMMARY_CHARS: usize = 1000;

/// Whether a sentence ends with `word`: it ends in a full stop, question
/// or exclamation mark (a closing quote or bracket after it), and `next`
/// opens with a capital, a digit or a quote ("the U.S. imposed" goes on).
fn ends_sentence(word: &str, next: &str) -> bool {
    let closed = word.trim_end_matches(['"', '\'', '”', '’', ')']);
    closed.ends_with(['.', '!', '?', '…'])
        && next
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "\"'“‘(".contains(c))
}

/// 1-based line and column of a byte offset in `text`.
pub fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before.chars().count(), |i| before[i + 1..].chars().count())
        + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Files;
    impl LinkResolver for Files {
        fn resolve(&self, target: &str) -> Option<String> {
            (target == "briefings/a.md").then(|| "/briefings/a/".to_string())
        }
    }

    fn md(src: &str) -> Rendered {
        let options = MarkdownOptions {
            smart_punctuation: true,
            raw_html: false,
        };
        render(src, options, &Files, &mut NoMentions)
    }

    #[test]
    fn internal_links_are_rewritten_and_recorded() {
        let r = md("See [A](@/briefings/a.md#talks) and [B](@/briefings/b.md).");
        assert!(
            r.html.contains(r#"<a href="/briefings/a/#talks">A</a>"#),
            "{}",
            r.html
        );
        assert_eq!(r.links.len(), 2);
        assert!(r.links[0].resolved);
        assert_eq!(r.links[0].anchor.as_deref(), Some("talks"));
        assert!(!r.links[1].resolved);
        assert_eq!(r.links[1].offset, 36);
    }

    #[test]
    fn text_without_quotes_double_dashes_or_ellipses_is_as_the_parser_leaves_it() {
        for text in [
            "Abdel Fattah el-Sisi meets U.S. officials.",
            "- a dash first",
            "1. A number first. 3.5-point rise",
            "A.B.C. on Jan. 2 -- no, see below",
            "Two dots.. and a dash - alone",
            "  indented\nsecond line - here.  ",
        ] {
            let plain = !text.contains("--");
            assert_eq!(smartened(text) == text, plain, "{text:?}");
            assert_eq!(typographic(text, true), smartened(text), "{text:?}");
        }
    }

    #[test]
    fn typographic_text_has_curly_quotes_and_dashes_and_nothing_else_changes() {
        let t = |s| typographic(s, true).into_owned();
        assert_eq!(
            t(r#"Trump says Xi, Putin and Kim "conspire against" the US"#),
            "Trump says Xi, Putin and Kim \u{201c}conspire against\u{201d} the US"
        );
        assert_eq!(
            t("Putin's visit -- day one..."),
            "Putin\u{2019}s visit \u{2013} day one\u{2026}"
        );
        for plain in [
            "- not a list",
            "1. not a list",
            "# not a heading.",
            "*not emphasis* and `code` &amp; <b>.",
            "a \\ back [slash](x).",
            "  spaced.  ",
            "=== not a rule.",
        ] {
            assert_eq!(t(plain), plain);
        }
        assert!(matches!(
            typographic("No quotes", true),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(typographic("\"as is\"", false), "\"as is\"");
    }

    #[test]
    fn empty_table_header_cells_are_found() {
        let src = "| | A |\n|---|---|\n| x | |\n";
        // The cell starts after the row's first `|`.
        assert_eq!(md(src).empty_headers, [1]);
        assert!(md("| Row | A |\n|---|---|\n| x | |\n")
            .empty_headers
            .is_empty());
    }

    #[test]
    fn headings_get_unique_ids() {
        let r = md("## Gas deal\n\ntext\n\n## Gas deal\n\n## Custom {#mine}\n");
        assert_eq!(r.anchors, ["gas-deal", "gas-deal-1", "mine"]);
        assert!(
            r.html.contains(r#"<h2 id="gas-deal-1">Gas deal</h2>"#),
            "{}",
            r.html
        );
        // A written id takes a number the next copy then steps over.
        let r = md("## A\n\n## B {#a-2}\n\n## A\n\n## A\n\n## A\n");
        assert_eq!(r.anchors, ["a", "a-2", "a-1", "a-3", "a-4"]);
        let many = md(&"## Update\n\n".repeat(20_000));
        assert_eq!(many.anchors.len(), 20_000);
        assert_eq!(many.anchors[19_999], "update-19999");
    }

    #[test]
    fn a_long_first_paragraph_is_cut_at_a_sentence_or_with_an_ellipsis() {
        let sentence = |n: usize| "word ".repeat(n - 1) + "end.";
        // 50 words, then a sentence running past 70: cut after the first.
        let text = format!(
            "{} {} Then the U.S. said {}",
            sentence(30),
            sentence(20),
            "more ".repeat(40)
        );
        let cut = md(&format!("{text}\n\nSecond.")).first_paragraph;
        assert_eq!(cut, format!("{} {}", sentence(30), sentence(20)));
        // "U.S." before a lowercase word ends no sentence.
        let text = format!(
            "{} the U.S. imposed {}",
            "word ".repeat(30),
            "more ".repeat(60)
        );
        let cut = md(&text).first_paragraph;
        assert!(cut.ends_with("more…"), "{cut}");
        assert_eq!(cut.split_whitespace().count(), SUMMARY_WORDS);
        // 70 words stay whole, however they end.
        let text = "word ".repeat(69) + "last";
        assert_eq!(md(&text).first_paragraph, text);
        // A sentence ending in the first third is too short a summary.
        let text = format!("Short. {}", "more ".repeat(80));
        assert!(md(&text).first_paragraph.ends_with('…'));
        // Nor is one word of a hundred thousand letters.
        let cut = md(&"é".repeat(100_000)).first_paragraph;
        assert_eq!(cut, "é".repeat(SUMMARY_CHARS) + "…");
    }

    #[test]
    fn first_paragraph_and_word_count() {
        let r = md("# Title\n\nFirst *para*\ngraph here.\n\nSecond one.\n");
        assert_eq!(r.first_paragraph, "First para graph here.");
        assert_eq!(r.word_count, 7);
    }

    #[test]
    fn raw_html_is_escaped_and_script_links_dropped() {
        let r = md("<script>alert(1)</script>\n\n[x](javascript:alert(1)) <b>hi</b>");
        assert!(!r.html.contains("<script>"), "{}", r.html);
        assert!(r.html.contains("&lt;script&gt;"));
        assert!(!r.html.contains("javascript:"));
        assert!(r.html.contains("&lt;b&gt;hi"));
    }

    #[test]
    fn extensions_are_on() {
        let r = md("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ \"quoted\"[^1]\n\n[^1]: note\n");
        assert!(r.html.contains("<table>"));
        assert!(r.html.contains("<del>gone</del>"));
        assert!(r.html.contains("“quoted”"));
        assert!(r.html.contains("footnote"));
    }

    #[test]
    fn image_links_to_files_are_checked_like_links() {
        let r = md("![map](@/briefings/a.md#map) ![gone](@/briefings/gone.md)");
        assert!(r.html.contains(r#"src="/briefings/a/#map""#), "{}", r.html);
        assert_eq!(r.links.len(), 2);
        assert!(r.links[0].resolved);
        assert!(!r.links[1].resolved);
        assert_eq!(r.links[1].offset, 29);
    }

    #[test]
    fn wide_tables_are_found() {
        let table = |n: usize| format!("{}|\n{}|\n", "| a ".repeat(n), "|---".repeat(n));
        assert_eq!(table_wider_than(&table(64), 64), None);
        let body = format!("Text.\n\n{}", table(65));
        assert_eq!(table_wider_than(&body, 64), Some((7, 65)));
        // In a block quote too; in a code block it is not a table.
        assert_eq!(
            table_wider_than(&format!("> {}", table(65).replace('\n', "\n> ")), 64),
            Some((2, 65))
        );
        assert_eq!(
            table_wider_than(&format!("```\n{}```\n", table(65)), 64),
            None
        );
    }

    #[test]
    fn positions_count_from_one() {
        assert_eq!(line_and_column("ab\ncd", 4), (2, 2));
        assert_eq!(line_and_column("ab", 0), (1, 1));
    }
}

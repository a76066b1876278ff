//! `briefing.yaml`: every field has a default but `title` and `base_url`;
//! an unknown key is an error that names it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::content::rules::{check_characters, forbidden_in_xml, forbidden_message};
use crate::error::Error;
use crate::yaml;

pub const CONFIG_FILE: &str = "briefing.yaml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    pub base_url: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub author: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// How many briefings the front page lists.
    #[serde(default = "default_home_briefings")]
    pub home_briefings: usize,
    /// Briefings per page of the lists that grow with the archive (topic,
    /// person, month): a number for all, or one per list.
    #[serde(default)]
    pub paginate: Paginate,
    /// How many related briefings a briefing page shows.
    #[serde(default = "default_related")]
    pub related_briefings: usize,
    #[serde(default)]
    pub feeds: Feeds,
    #[serde(default)]
    pub markdown: Markdown,
    #[serde(default)]
    pub slugs: Slugs,
    #[serde(default)]
    pub limits: Limits,
    /// The picture a shared link shows when its page has none of its own
    /// (`og:image`): a URL, or a path on the site.
    #[serde(default)]
    pub image: Option<String>,
    /// The IANA time zone pages show times in (`Asia/Shanghai`); without
    /// one, a time is shown in the offset it was written with.
    #[serde(default)]
    pub timezone: Option<String>,
    /// `timezone`, read.
    #[serde(skip)]
    pub zone: Option<chrono_tz::Tz>,
    /// Free-form, handed to templates as `site.extra`.
    #[serde(default)]
    pub extra: BTreeMap<String, serde_yaml::Value>,
    /// The site's directory; not read from the file.
    #[serde(skip)]
    pub root: PathBuf,
    /// Top-level keys with the line and column of their value, for errors.
    #[serde(skip)]
    pub keys: Vec<(String, usize, usize)>,
}

/// `paginate: 30`, or `paginate: {default: 30, month: 100}`. 0 puts a
/// whole list on one page.
#[derive(Debug, Clone)]
pub enum Paginate {
    Every(usize),
    ByList(PaginateLists),
}

/// Read by hand rather than `untagged`, whose one error for every mistake
/// ("data did not match any variant") names neither the key nor the line.
impl<'de> Deserialize<'de> for Paginate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Paginate;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("briefings per page, as a number (0 for one page) or per list as {default: 30, topic: 20, person: 20, month: 50}")
            }

            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Paginate, E> {
                usize::try_from(n)
                    .map(Paginate::Every)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(n), &self))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Paginate, A::Error> {
                let lists =
                    PaginateLists::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(Paginate::ByList(lists))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginateLists {
    #[serde(default = "default_paginate")]
    pub default: usize,
    pub topic: Option<usize>,
    pub person: Option<usize>,
    pub month: Option<usize>,
}

fn default_paginate() -> usize {
    30
}

impl Default for Paginate {
    fn default() -> Self {
        Paginate::Every(default_paginate())
    }
}

impl Paginate {
    /// Briefings per page of `list` (`topic`, `person`, `month`); `None`
    /// for no limit.
    pub fn per_page(&self, list: &str) -> Option<usize> {
        let n = match self {
            Paginate::Every(n) => *n,
            Paginate::ByList(lists) => match list {
                "topic" => lists.topic,
                "person" => lists.person,
                "month" => lists.month,
                _ => None,
            }
            .unwrap_or(lists.default),
        };
        (n > 0).then_some(n)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Feeds {
    /// Items per feed.
    pub items: usize,
    /// Whole briefing in each item, or only its summary.
    pub full_content: bool,
    /// Bytes of HTML an item carries whole (`256KB`, `1MB`, or a number of
    /// bytes); a longer one carries its summary and link. A briefing is
    /// in the feeds of each of its topics and people: up to 303 copies.
    #[serde(deserialize_with = "size")]
    pub full_content_max: usize,
    pub rss: bool,
    pub atom: bool,
    pub json: bool,
}

impl Default for Feeds {
    fn default() -> Self {
        Feeds {
            items: 20,
            full_content: true,
            full_content_max: 256 << 10,
            rss: true,
            atom: true,
            json: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Markdown {
    /// Curly quotes, en and em dashes, ellipses.
    pub smart_punctuation: bool,
    /// Raw HTML in Markdown is escaped unless this is on.
    pub raw_html: bool,
    /// Link the first mention of a listed person or topic in the body.
    pub link_mentions: bool,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown {
            smart_punctuation: true,
            raw_html: false,
            link_mentions: true,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Slugs {
    /// `Си Цзиньпин` → `si-tszinpin`; off keeps the letters as they are.
    pub transliterate: bool,
}

impl Default for Slugs {
    fn default() -> Self {
        Slugs {
            transliterate: true,
        }
    }
}

/// Caps on what one file may ask for, so the output stays proportional to
/// the input: every topic and person a briefing lists gets a page and feeds
/// listing it, and every row of a table is padded to the table's width.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub topics_per_briefing: usize,
    pub people_per_briefing: usize,
    /// Columns of a Markdown table.
    pub table_columns: usize,
    /// Characters of a `title`, and of a written `summary`: each page
    /// that lists a briefing shows its title (related lists, up to
    /// thousands of pages), each list its summary.
    pub title_chars: usize,
    /// A written summary's characters, and a profile's description or role.
    pub summary_chars: usize,
    /// Characters of a topic's, person's or story's name or alias: a name
    /// is shown on each card of a briefing that names it.
    pub name_chars: usize,
    /// Stories one briefing may belong to: each gets a page and a timeline
    /// on the briefing's page.
    pub stories_per_briefing: usize,
    /// Free pages in the menu, which every page of the site shows.
    pub menu_pages: usize,
    /// How many times its Markdown's size a body's HTML may be (any body
    /// may render to `HTML_FLOOR`): padding, repeated references and
    /// mentions can make HTML a hundred times the Markdown, and a
    /// briefing's HTML is copied into the feeds of its topics and people.
    pub html_per_markdown: usize,
    /// How long one page's template may take to render (`30s`, `500ms`,
    /// `2m`, or a number of seconds), as Hugo's `timeout`: a template that
    /// loops without end must not hang a build.
    #[serde(deserialize_with = "duration")]
    pub render_timeout: std::time::Duration,
}

/// A setting written as a number and a unit (`30s`, `512KB`) or a bare
/// number: the number, the unit as written (empty for none) and the text.
fn number_and_unit<'de, D: serde::Deserializer<'de>>(
    d: D,
    shape: &str,
) -> Result<(u64, String, String), D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Written {
        Number(u64),
        Negative(i64),
        Fraction(f64),
        Text(String),
        Other(serde::de::IgnoredAny),
    }
    let text = match Written::deserialize(d)? {
        Written::Number(n) => return Ok((n, String::new(), n.to_string())),
        Written::Negative(n) => return Err(not_a(&n.to_string(), shape)),
        // As a fraction: `30.0` shown as `30` would read as a good value.
        Written::Fraction(n) => return Err(not_a(&format!("{n:?}"), shape)),
        Written::Text(text) => text,
        Written::Other(_) => return Err(serde::de::Error::custom(format!("not {shape}"))),
    };
    let written = text.trim();
    let digits = written.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    match digits.trim().parse() {
        Ok(number) => {
            let unit = written[digits.len()..].trim().to_string();
            Ok((number, unit, text))
        }
        Err(_) => Err(not_a(&text, shape)),
    }
}

fn not_a<E: serde::de::Error>(text: &str, shape: &str) -> E {
    E::custom(format!("'{text}' is not {shape}"))
}

/// `30s`, `500ms`, `2m`, or a number of seconds.
fn duration<'de, D: serde::Deserializer<'de>>(d: D) -> Result<std::time::Duration, D::Error> {
    use std::time::Duration;
    const SHAPE: &str = "a duration: write it as 30s, 500ms or 2m";
    let (number, unit, text) = number_and_unit(d, SHAPE)?;
    let duration = match unit.as_str() {
        "ms" => Duration::from_millis(number),
        "s" | "" => Duration::from_secs(number),
        "m" => Duration::from_secs(number.saturating_mul(60)),
        _ => return Err(not_a(&text, SHAPE)),
    };
    if duration.is_zero() {
        return Err(serde::de::Error::custom(
            "render_timeout must be more than 0",
        ));
    }
    Ok(duration)
}

/// `1MB`, `512KB` (of 1,024 bytes), or a number of bytes.
fn size<'de, D: serde::Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    const SHAPE: &str = "a size: write it as 1MB, 512KB, 1GB or a number of bytes";
    let (number, unit, text) = number_and_unit(d, SHAPE)?;
    let times: u64 = match unit.to_ascii_uppercase().as_str() {
        "B" | "" => 1,
        "KB" => 1 << 10,
        "MB" => 1 << 20,
        "GB" => 1 << 30,
        _ => return Err(not_a(&text, SHAPE)),
    };
    (number
        .checked_mul(times)
        .and_then(|n| usize::try_from(n).ok()))
    .ok_or_else(|| not_a(&text, SHAPE))
}

/// What any body may render to, however short its Markdown: a mention
/// or a link makes a few bytes many. Small, since each of the up to 303
/// feeds a briefing is in may carry it.
pub const HTML_FLOOR: usize = 4 << 10;

impl Limits {
    /// The bytes of HTML a body of `markdown` bytes may render to.
    pub fn html_allowed(&self, markdown: usize) -> usize {
        markdown
            .saturating_mul(self.html_per_markdown)
            .max(HTML_FLOOR)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            topics_per_briefing: 50,
            people_per_briefing: 50,
            table_columns: 64,
            html_per_markdown: 16,
            title_chars: 300,
            summary_chars: 1500,
            name_chars: 100,
            stories_per_briefing: 10,
            menu_pages: 12,
            render_timeout: std::time::Duration::from_secs(30),
        }
    }
}

fn default_language() -> String {
    "en".to_string()
}
fn default_theme() -> String {
    "default".to_string()
}
fn default_home_briefings() -> usize {
    30
}
fn default_related() -> usize {
    5
}

/// `base` then `path` without its leading slashes: made for every link of
/// every page, so without `format!`'s machinery.
fn joined(base: &str, path: &str) -> String {
    let path = relative(path);
    let mut url = String::with_capacity(base.len() + path.len());
    url.push_str(base);
    url.push_str(path);
    url
}

/// `path` without the slashes it starts with, as `joined` puts it.
fn relative(path: &str) -> &str {
    &path[path.bytes().take_while(|&b| b == b'/').count()..]
}

/// Whether `url` is what `joined(base, path)` makes, told without making it
/// (`base` is `Config::base_path` or `base_url`).
pub(crate) fn is_joined(url: &str, base: &str, path: &str) -> bool {
    let path = relative(path);
    url.len() == base.len() + path.len() && url.starts_with(base) && url.ends_with(path)
}

impl Config {
    /// Read `<root>/briefing.yaml`.
    pub fn load(root: &Path) -> Result<Config, Error> {
        let path = root.join(CONFIG_FILE);
        // A pipe or a device there would be read forever, or not at all.
        if path.metadata().is_ok_and(|m| !m.is_file()) {
            return Err(Error::at(
                &path,
                "not a file: briefing.yaml must be a plain file of settings",
            ));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                Error::at(
                    &path,
                    "no site config here: create briefing.yaml with at least 'title' and 'base_url' (or run `briefing init`)",
                )
            } else {
                Error::io(&path, &e)
            }
        })?;
        // Site texts go into every feed, where XML cannot carry them.
        check_characters(&text, Path::new(CONFIG_FILE), "briefing.yaml")?;
        let mut config: Config =
            yaml::parse_file(&text, Path::new(CONFIG_FILE)).map_err(missing_field_hint)?;
        config.root = root.to_path_buf();
        config.keys = yaml::top_level_keys(text.strip_prefix('\u{feff}').unwrap_or(&text), 1);
        config.validate()?;
        Ok(config)
    }

    fn validate(&mut self) -> Result<(), Error> {
        for (key, text) in self.texts() {
            if let Some((_, c)) = forbidden_in_xml(text) {
                return Err(self.error_at(key, forbidden_message(c, &format!("in '{key}'"))));
            }
        }
        if self.title.trim().is_empty() {
            return Err(self.error_at("title", "'title' is empty"));
        }
        check_base_url(&self.base_url).map_err(|m| self.error_at("base_url", m))?;
        if let Some(name) = &self.timezone {
            let zone = read_zone(name).map_err(|m| self.error_at("timezone", m))?;
            self.zone = Some(zone);
        }
        if let Some(image) = &self.image {
            // Pages put it in a meta tag, like a source's URL in a link.
            crate::content::safe_url::check(image).map_err(|m| self.error_at("image", m))?;
        }
        self.set_base_url(&self.base_url.clone());
        Ok(())
    }

    /// A URL or site path written in the config or front-matter, absolute,
    /// as a social card needs it.
    pub fn absolute(&self, url: &str) -> String {
        if url.contains("://") {
            url.to_string()
        } else {
            self.permalink(url)
        }
    }

    /// Override the base URL (`--base-url`, or the preview server's own address).
    pub fn set_base_url(&mut self, url: &str) {
        let mut url = url.trim().to_string();
        if !url.ends_with('/') {
            url.push('/');
        }
        self.base_url = url;
    }

    /// The base URL without its path: `https://example.org`, what a
    /// root-relative link (`/briefings/x/`) is relative to.
    pub fn origin(&self) -> &str {
        self.base_url
            .strip_suffix(self.base_path())
            .unwrap_or(&self.base_url)
    }

    /// The path part of the base URL, with slashes at both ends: `/` for a
    /// site at the root of its host, `/briefing/` for one deployed below it.
    pub fn base_path(&self) -> &str {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, rest)| rest);
        match after_scheme.find('/') {
            Some(i) => &after_scheme[i..],
            None => "/",
        }
    }

    /// Site-relative path (`briefings/x/`) → path from the host root.
    pub fn url(&self, path: &str) -> String {
        joined(self.base_path(), path)
    }

    /// Site-relative path → absolute URL, for feeds, canonical links, sitemaps.
    pub fn permalink(&self, path: &str) -> String {
        joined(&self.base_url, path)
    }

    /// An error placed at a key of briefing.yaml.
    pub fn error_at(&self, key: &str, message: impl Into<String>) -> Error {
        let error = Error::at(CONFIG_FILE, message);
        match self.keys.iter().find(|(k, _, _)| k == key) {
            Some((_, line, column)) => error.on_line(*line).on_column(*column),
            None => error,
        }
    }

    /// The texts YAML decoded (escapes such as `"\x01"` included), by key.
    fn texts(&self) -> Vec<(&'static str, &str)> {
        let mut texts = vec![
            ("title", self.title.as_str()),
            ("base_url", &self.base_url),
            ("description", &self.description),
            ("language", &self.language),
            ("author", &self.author),
            ("theme", &self.theme),
        ];
        texts.extend(self.image.as_deref().map(|i| ("image", i)));
        texts.extend(self.timezone.as_deref().map(|z| ("timezone", z)));
        let mut values: Vec<&serde_yaml::Value> = self.extra.values().collect();
        texts.extend(self.extra.keys().map(|k| ("extra", k.as_str())));
        while let Some(value) = values.pop() {
            match value {
                serde_yaml::Value::String(s) => texts.push(("extra", s)),
                serde_yaml::Value::Sequence(items) => values.extend(items),
                serde_yaml::Value::Mapping(map) => {
                    values.extend(map.iter().flat_map(|(k, v)| [k, v]));
                }
                serde_yaml::Value::Tagged(tagged) => values.push(&tagged.value),
                _ => {}
            }
        }
        texts
    }

    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }
}

fn missing_field_hint(mut e: Error) -> Error {
    if let Some(rest) = e.message.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest).to_string();
        e.message = format!("'{key}' is required (for example `{key}: …`)");
    }
    e
}

/// Why `url` cannot be the base of every address of the site, if it cannot:
/// an absolute http(s) URL, with no query, fragment or space after which
/// the paths added would be lost.
pub fn check_base_url(url: &str) -> Result<(), String> {
    let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
    let host = url
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
        .unwrap_or("");
    if let Some(c) = url.chars().find(|&c| {
        matches!(c, '?' | '#' | '"' | '<' | '>' | '\\') || c.is_whitespace() || c.is_control()
    }) {
        return Err(format!(
            "'base_url' holds '{}': every address of the site is made by adding to it, so it is a scheme, a host and a path, with no query, fragment or space (https://example.org/news/)",
            c.escape_debug()
        ));
    }
    if !scheme_ok || host.is_empty() {
        return Err(format!(
            "'base_url' must be an absolute http(s) URL such as https://example.org/, not '{url}'"
        ));
    }
    Ok(())
}

/// A `timezone:` value, the site's or a briefing's: an IANA name.
pub fn read_zone(name: &str) -> Result<chrono_tz::Tz, String> {
    name.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        format!("'timezone' is '{name}', which is not an IANA time zone name such as Asia/Shanghai, Europe/London or UTC")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_is_told_joined_exactly_as_it_is_made() {
        for (base, path) in [("/", "briefings/a/"), ("/news/", "/topics/x/"), ("/", "")] {
            let url = joined(base, path);
            assert!(is_joined(&url, base, path), "{base} {path}");
            assert!(!is_joined(&url, base, "briefings/b/"), "{base} {path}");
            assert!(!is_joined(&url, "/other/", path), "{base} {path}");
        }
    }
    use std::time::Duration;

    fn config(yaml: &str) -> Result<Config, Error> {
        let mut c: Config = yaml::parse_file(yaml, Path::new(CONFIG_FILE))?;
        c.validate()?;
        Ok(c)
    }

    #[test]
    fn paginate_mistakes_name_their_key_and_place() {
        let wrong = |value: &str| {
            let yaml = format!("title: T\nbase_url: https://example.org\npaginate: {value}\n");
            let e = config(&yaml).unwrap_err();
            (e.line, e.column, e.message)
        };
        let (line, column, message) = wrong("{topics: 3}");
        assert_eq!((line, column), (Some(3), Some(12)));
        assert!(
            message.contains("unknown key 'topics' (did you mean 'topic'?)"),
            "{message}"
        );
        for value in ["-1", "\"x\"", "[3]"] {
            let (line, _, message) = wrong(value);
            assert_eq!(line, Some(3), "{value}");
            assert!(message.contains("briefings per page"), "{value}: {message}");
        }
        let lists = "title: T\nbase_url: https://example.org\npaginate: {topic: 20}\n";
        let paginate = config(lists).unwrap().paginate;
        assert_eq!(
            (paginate.per_page("topic"), paginate.per_page("month")),
            (Some(20), Some(30))
        );
        let every = config("title: T\nbase_url: https://example.org\npaginate: 0\n").unwrap();
        assert_eq!(every.paginate.per_page("topic"), None);
    }

    #[test]
    fn a_base_url_with_a_query_fragment_or_space_is_refused() {
        for url in [
            "https://example.org/?q=1",
            "https://example.org/#top",
            "https://exa mple.org/",
            "https://example.org/\"x",
        ] {
            let yaml = format!("title: T\nbase_url: '{url}'\n");
            let e = config(&yaml).unwrap_err();
            assert!(
                e.message.contains("no query, fragment or space"),
                "{url}: {}",
                e.message
            );
        }
        assert!(config("title: T\nbase_url: https://example.org/news/\n").is_ok());
    }

    #[test]
    fn a_base_url_that_is_no_url_is_placed_at_its_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(CONFIG_FILE),
            "title: T\nbase_url: example.org\n",
        )
        .unwrap();
        let e = Config::load(dir.path()).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(11)));
        assert!(e.message.contains("absolute http(s) URL"), "{}", e.message);
    }

    #[test]
    fn defaults_fill_everything_but_title_and_base_url() {
        let c = config("title: T\nbase_url: https://example.org\n").unwrap();
        assert_eq!(c.base_url, "https://example.org/");
        assert_eq!(c.language, "en");
        assert_eq!(c.feeds.items, 20);
        assert!(c.markdown.smart_punctuation);
    }

    #[test]
    fn base_path_comes_from_the_base_url() {
        let c = config("title: T\nbase_url: https://example.org/briefing\n").unwrap();
        assert_eq!(c.base_path(), "/briefing/");
        assert_eq!(c.url("topics/sco/"), "/briefing/topics/sco/");
        assert_eq!(
            c.permalink("topics/sco/"),
            "https://example.org/briefing/topics/sco/"
        );
    }

    #[test]
    fn unknown_key_is_named_with_a_hint() {
        let e = config("title: T\nbase_url: https://example.org\ndescripton: x\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "briefing.yaml:3:1: unknown key 'descripton' (did you mean 'description'?)"
        );
    }

    #[test]
    fn unknown_nested_key_is_named() {
        let e = config("title: T\nbase_url: https://e.org\nfeeds:\n  itmes: 3\n").unwrap_err();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("'itmes' (did you mean 'items'?)"), "{e}");
    }

    #[test]
    fn timezone_is_an_iana_name() {
        let c = config("title: T\nbase_url: https://e.org\ntimezone: Asia/Shanghai\n").unwrap();
        assert_eq!(c.zone, Some(chrono_tz::Asia::Shanghai));
        assert_eq!(
            config("title: T\nbase_url: https://e.org\n").unwrap().zone,
            None
        );
        let e = config("title: T\nbase_url: https://e.org\ntimezone: Beijing\n").unwrap_err();
        assert!(e.message.contains("not an IANA time zone name"), "{e}");
    }

    #[test]
    fn limits_have_defaults_and_can_be_set() {
        let c = config("title: T\nbase_url: https://e.org\n").unwrap();
        assert_eq!(c.limits.topics_per_briefing, 50);
        assert_eq!(c.limits.table_columns, 64);
        assert_eq!(c.limits.render_timeout, Duration::from_secs(30));
        let c = config("title: T\nbase_url: https://e.org\nlimits: {people_per_briefing: 3}\n")
            .unwrap();
        assert_eq!(c.limits.people_per_briefing, 3);
        assert_eq!(c.limits.topics_per_briefing, 50);
        for (written, duration) in [
            ("500ms", Duration::from_millis(500)),
            ("2s", Duration::from_secs(2)),
            ("2m", Duration::from_secs(120)),
            ("7", Duration::from_secs(7)),
        ] {
            let c = config(&format!(
                "title: T\nbase_url: https://e.org\nlimits: {{render_timeout: {written}}}\n"
            ))
            .unwrap();
            assert_eq!(c.limits.render_timeout, duration, "{written}");
        }
        for bad in ["2h", "fast", "0s"] {
            let e = config(&format!(
                "title: T\nbase_url: https://e.org\nlimits: {{render_timeout: {bad}}}\n"
            ))
            .unwrap_err();
            assert!(
                e.message.contains("render_timeout") || e.message.contains(bad),
                "{e}"
            );
        }
    }

    #[test]
    fn a_count_below_zero_is_told_as_such() {
        let e =
            config("title: T\nbase_url: https://e.org\nlimits: {title_chars: -1}\n").unwrap_err();
        assert!(
            e.message.contains("expected a whole number, 0 or more"),
            "{e}"
        );
        assert!(!e.message.contains("usize"), "{e}");
    }

    #[test]
    fn sizes_are_bytes_or_kb_or_mb() {
        let max = |written: &str| {
            config(&format!(
                "title: T\nbase_url: https://e.org\nfeeds: {{full_content_max: {written}}}\n"
            ))
            .map(|c| c.feeds.full_content_max)
        };
        assert_eq!(max("1000").unwrap(), 1000);
        assert_eq!(max("512KB").unwrap(), 512 * 1024);
        assert_eq!(max("2 mb").unwrap(), 2 << 20);
        assert_eq!(max("3b").unwrap(), 3);
        assert_eq!(max("1GB").unwrap(), 1 << 30);
        for bad in ["2TB", "much", "99999999999999999999MB", "-1", "1.5"] {
            let e = max(bad).unwrap_err();
            assert!(
                e.message.contains(&format!("'{bad}' is not a size")),
                "{bad}: {e}"
            );
        }
        let e = max("30.0").unwrap_err();
        assert!(e.message.contains("'30.0' is not a size"), "{e}");
        let e = max("[1]").unwrap_err();
        assert!(e.message.contains("not a size: write it as 1MB"), "{e}");
    }

    #[test]
    fn a_control_character_in_a_site_text_is_an_error() {
        let e = config("title: \"The\\x01 Briefing\"\nbase_url: https://e.org\n").unwrap_err();
        assert_eq!(
            e.message,
            "U+0001 (a control character) is not allowed in 'title'; remove it"
        );
    }

    #[test]
    fn base_url_must_be_absolute() {
        let e = config("title: T\nbase_url: /blog/\n").unwrap_err();
        assert!(e.message.contains("absolute http(s) URL"), "{e}");
    }
}

//! `sitemap.xml`, the Google News sitemap and `robots.txt`, written with
//! quick-xml's writer.

use std::io;

use chrono::{DateTime, Duration, Utc};
use quick_xml::escape::escape;
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;
use rayon::prelude::*;

use crate::config::Config;
use crate::error::Error;
use crate::graph::Site;
use crate::output::Output;
use crate::render::PageJob;

/// The moment of the build: `SOURCE_DATE_EPOCH` when set, so the output of
/// a reproducible build does not depend on the clock.
pub fn build_time() -> DateTime<Utc> {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(Utc::now)
}

/// One page in the sitemap: its address and when it last changed.
#[derive(serde::Serialize)]
pub struct Entry {
    pub loc: String,
    /// RFC 3339.
    pub lastmod: Option<String>,
}

/// The sitemap entries of `jobs`, written to `files`, as the page table says.
pub fn entries(config: &Config, site: &Site, jobs: &[PageJob], files: &[String]) -> Vec<Entry> {
    // Every page of a list has the list's date, taken once, for its first
    // page: the pages of one list come one after another.
    let dated: Vec<(Dated, String)> = jobs
        .par_iter()
        .zip(files)
        .enumerate()
        .map(|(i, (&job, path))| {
            let same_list = i
                .checked_sub(1)
                .is_some_and(|p| jobs[p].kind == job.kind && jobs[p].index == job.index);
            let dated = if same_list {
                Dated::AsBefore
            } else {
                match job.lastmod(site) {
                    Some(lastmod) => Dated::Own(lastmod.map(|d| d.to_rfc3339())),
                    None => Dated::Unlisted,
                }
            };
            let loc = config.permalink(path.strip_suffix("index.html").unwrap_or(path));
            (dated, loc)
        })
        .collect();
    let mut entries = Vec::with_capacity(dated.len());
    let mut list: Option<Option<String>> = None;
    for (dated, loc) in dated {
        let lastmod = match dated {
            Dated::Own(lastmod) => list.insert(lastmod).clone(),
            Dated::AsBefore => match &list {
                Some(lastmod) => lastmod.clone(),
                None => continue,
            },
            Dated::Unlisted => {
                list = None;
                continue;
            }
        };
        entries.push(Entry { loc, lastmod });
    }
    entries
}

/// A page's date in the sitemap.
enum Dated {
    /// Not in the sitemap.
    Unlisted,
    Own(Option<String>),
    /// The date of the list's first page, before it.
    AsBefore,
}

pub const SITEMAP: &str = "sitemap.xml";
pub const NEWS_SITEMAP: &str = "news-sitemap.xml";
pub const ROBOTS: &str = "robots.txt";

fn io_error(file: &str) -> impl Fn(io::Error) -> Error + '_ {
    move |e| Error::new(format!("writing {file}: {e}"))
}

/// The protocol's limits for one sitemap file.
const MAX_URLS: usize = 50_000;
const MAX_BYTES: usize = 50 * 1024 * 1024;
/// Google News reads at most this many URLs from a news sitemap.
const MAX_NEWS_URLS: usize = 1_000;

/// How `entries` are split into files: one range each. One file while the
/// protocol's limits allow, else as many as they need, in order. Sizes are
/// counted as written (the XML around a URL, its escaped address and date).
fn chunks(entries: &[Entry]) -> Vec<std::ops::Range<usize>> {
    // The declaration and the <urlset> around the URLs.
    const FRAME: usize = 200;
    // Most sites fit one file even if every character of every address
    // were escaped (six bytes at most): no need to count each one.
    let most: usize = entries
        .iter()
        .map(|e| 64 + 6 * e.loc.len() + e.lastmod.as_ref().map_or(0, |d| d.len() + 30))
        .sum();
    if entries.len() <= MAX_URLS && FRAME + most <= MAX_BYTES {
        return std::iter::once(0..entries.len()).collect();
    }
    let mut chunks = Vec::new();
    let (mut start, mut bytes) = (0, FRAME);
    for (i, entry) in entries.iter().enumerate() {
        let size =
            64 + escaped_len(&entry.loc) + entry.lastmod.as_ref().map_or(0, |d| d.len() + 30);
        if i > start && (i - start == MAX_URLS || bytes + size > MAX_BYTES) {
            chunks.push(start..i);
            (start, bytes) = (i, FRAME);
        }
        bytes += size;
    }
    chunks.push(start..entries.len());
    chunks
}

fn escaped_len(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '&' => 5,
            '<' | '>' => 4,
            '"' | '\'' => 6,
            c => c.len_utf8(),
        })
        .sum()
}

/// The names of the sitemap files for `entries`: `sitemap.xml`, and when
/// it must be an index, `sitemap-1.xml`, `sitemap-2.xml`… beside it.
pub fn file_names(entries: &[Entry]) -> Vec<String> {
    let chunks = chunks(entries);
    let mut names = vec![SITEMAP.to_string()];
    if chunks.len() > 1 {
        names.extend((1..=chunks.len()).map(|n| format!("sitemap-{n}.xml")));
    }
    names
}

/// `sitemap.xml`: every page, or past the protocol's limits a sitemap
/// index of numbered files that hold them.
pub fn sitemaps(config: &Config, entries: &[Entry]) -> Result<Vec<Output>, Error> {
    let chunks = chunks(entries);
    if chunks.len() == 1 {
        return Ok(vec![urlset(SITEMAP, entries)]);
    }
    let names = file_names(entries);
    let mut files = Vec::with_capacity(names.len());
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(io_error(SITEMAP))?;
    w.create_element("sitemapindex")
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .write_inner_content(|w| {
            for (name, range) in names[1..].iter().zip(&chunks) {
                let newest = entries[range.clone()]
                    .iter()
                    .filter_map(|e| e.lastmod.as_deref())
                    .max();
                w.create_element("sitemap").write_inner_content(|w| {
                    w.create_element("loc")
                        .write_text_content(BytesText::new(&config.permalink(name)))?;
                    if let Some(date) = newest {
                        w.create_element("lastmod")
                            .write_text_content(BytesText::new(date))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })
        .map_err(io_error(SITEMAP))?;
    files.push(Output {
        path: SITEMAP.into(),
        bytes: finish(w),
    });
    for (name, range) in names[1..].iter().zip(chunks) {
        files.push(urlset(name, &entries[range]));
    }
    Ok(files)
}

/// A `<urlset>` file. Written as text rather than element by element: it
/// has one shape, and a preview's save that moves a page writes all of it
/// again (14k URLs at 10k briefings).
fn urlset(name: &str, entries: &[Entry]) -> Output {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";
    let mut xml = String::with_capacity(HEAD.len() + entries.len() * 128);
    xml.push_str(HEAD);
    for entry in entries {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&escape(&entry.loc));
        xml.push_str("</loc>\n");
        if let Some(date) = &entry.lastmod {
            xml.push_str("    <lastmod>");
            xml.push_str(&escape(date));
            xml.push_str("</lastmod>\n");
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    Output {
        path: name.into(),
        bytes: xml.into_bytes(),
    }
}

/// Briefings published in the two days before `now`, as Google News asks,
/// at most the newest 1,000.
/// The next moment after `now` at which the news sitemap of `site` changes
/// with the clock alone: a briefing's time comes, or its two days pass.
pub fn news_sitemap_changes(site: &Site, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    site.briefings
        .iter()
        .flat_map(|b| {
            let published = b.date.instant.with_timezone(&Utc);
            [published, published + Duration::days(2)]
        })
        .filter(|&t| t > now)
        .min()
}

pub fn news_sitemap(config: &Config, site: &Site, now: DateTime<Utc>) -> Result<Output, Error> {
    let since = now - Duration::days(2);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(io_error(NEWS_SITEMAP))?;
    w.create_element("urlset")
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .with_attribute((
            "xmlns:news",
            "http://www.google.com/schemas/sitemap-news/0.9",
        ))
        .write_inner_content(|w| {
            let recent = site.briefings.iter().filter(|b| {
                let published = b.date.instant.with_timezone(&Utc);
                published <= now && published > since
            });
            // Newest first, as the site lists them: the newest are kept.
            for b in recent.take(MAX_NEWS_URLS) {
                w.create_element("url").write_inner_content(|w| {
                    w.create_element("loc")
                        .write_text_content(BytesText::new(&config.permalink(&b.url_path)))?;
                    w.create_element("news:news").write_inner_content(|w| {
                        w.create_element("news:publication")
                            .write_inner_content(|w| {
                                w.create_element("news:name")
                                    .write_text_content(BytesText::new(&config.title))?;
                                w.create_element("news:language")
                                    .write_text_content(BytesText::new(&config.language))?;
                                Ok(())
                            })?;
                        w.create_element("news:publication_date")
                            .write_text_content(BytesText::new(&b.date.instant.to_rfc3339()))?;
                        w.create_element("news:title")
                            .write_text_content(BytesText::new(&b.title))?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })
        .map_err(io_error(NEWS_SITEMAP))?;
    Ok(Output {
        path: NEWS_SITEMAP.into(),
        bytes: finish(w),
    })
}

pub fn robots(config: &Config) -> Output {
    let text = format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\nSitemap: {}\n",
        config.permalink(SITEMAP),
        config.permalink(NEWS_SITEMAP)
    );
    Output {
        path: ROBOTS.into(),
        bytes: text.into_bytes(),
    }
}

fn finish(w: Writer<Vec<u8>>) -> Vec<u8> {
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(n: usize, loc_len: usize) -> Vec<Entry> {
        (0..n)
            .map(|i| Entry {
                loc: format!("https://example.org/{i:0>width$}/", width = loc_len),
                lastmod: Some(format!("2025-09-{:02}T10:00:00+08:00", i % 28 + 1)),
            })
            .collect()
    }

    fn config() -> Config {
        let mut config: Config =
            serde_yaml::from_str("title: T\nbase_url: https://example.org/\n").expect("config");
        config.set_base_url("https://example.org/");
        config
    }

    /// The root element and the `<loc>`s of a sitemap file.
    fn read(file: &Output) -> (String, Vec<String>) {
        let text = String::from_utf8(file.bytes.clone()).expect("utf-8");
        let mut reader = quick_xml::Reader::from_str(&text);
        let (mut root, mut locs, mut in_loc) = (String::new(), Vec::new(), false);
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => {
                    let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    if root.is_empty() {
                        root = name.clone();
                    }
                    in_loc = name == "loc";
                }
                Event::Text(t) if in_loc => locs.push(t.decode().expect("text").into_owned()),
                Event::End(_) => in_loc = false,
                Event::Eof => break,
                _ => {}
            }
        }
        (root, locs)
    }

    #[test]
    fn a_sitemap_is_written_as_the_protocol_shows_it_with_its_text_escaped() {
        let entries = [
            Entry {
                loc: "https://example.org/".into(),
                lastmod: Some("2025-09-01T10:00:00+08:00".into()),
            },
            Entry {
                loc: "https://example.org/a?b=1&c='d'/".into(),
                lastmod: None,
            },
        ];
        let file = urlset(SITEMAP, &entries);
        assert_eq!(file.path, SITEMAP);
        assert_eq!(
            String::from_utf8(file.bytes.clone()).expect("utf-8"),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n\
             \x20 <url>\n\
             \x20   <loc>https://example.org/</loc>\n\
             \x20   <lastmod>2025-09-01T10:00:00+08:00</lastmod>\n\
             \x20 </url>\n\
             \x20 <url>\n\
             \x20   <loc>https://example.org/a?b=1&amp;c=&apos;d&apos;/</loc>\n\
             \x20 </url>\n\
             </urlset>\n"
        );
        assert_eq!(read(&file).0, "urlset");
    }

    #[test]
    fn a_small_site_has_one_sitemap() {
        let files = sitemaps(&config(), &entries(49_999, 5)).expect("sitemap");
        assert_eq!(files.len(), 1);
        let (root, locs) = read(&files[0]);
        assert_eq!((root.as_str(), locs.len()), ("urlset", 49_999));
    }

    #[test]
    fn past_50000_urls_the_sitemap_is_an_index_of_files_within_the_limits() {
        let all = entries(120_001, 5);
        let files = sitemaps(&config(), &all).expect("sitemaps");
        assert_eq!(
            files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            [
                "sitemap.xml",
                "sitemap-1.xml",
                "sitemap-2.xml",
                "sitemap-3.xml"
            ]
        );
        let (root, locs) = read(&files[0]);
        assert_eq!(root, "sitemapindex");
        assert_eq!(
            locs,
            [
                "https://example.org/sitemap-1.xml",
                "https://example.org/sitemap-2.xml",
                "https://example.org/sitemap-3.xml"
            ]
        );
        let mut listed = Vec::new();
        for file in &files[1..] {
            let (root, locs) = read(file);
            assert_eq!(root, "urlset");
            assert!(locs.len() <= MAX_URLS);
            assert!(file.bytes.len() <= MAX_BYTES);
            listed.extend(locs);
        }
        let expected: Vec<String> = all.iter().map(|e| e.loc.clone()).collect();
        assert_eq!(listed, expected, "every URL once, in order");
        assert_eq!(file_names(&all).len(), files.len());
    }

    #[test]
    fn long_addresses_split_by_size_before_50000() {
        // About 1.2 KB a URL: 50 MB holds fewer than 50,000 of them.
        let all = entries(45_000, 1_200);
        let files = sitemaps(&config(), &all).expect("sitemaps");
        assert!(files.len() >= 3, "{} files", files.len());
        for file in &files[1..] {
            assert!(
                file.bytes.len() <= MAX_BYTES,
                "{}: {}",
                file.path,
                file.bytes.len()
            );
        }
    }
}

//! `sitemap.xml`, the Google News sitemap and `robots.txt`, written with
//! quick-xml's writer.

use std::io;

use chrono::{DateTime, Duration, Utc};
use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

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

/// The sitemap entries of `jobs`, as the page table says.
pub fn entries(config: &Config, site: &Site, jobs: &[PageJob]) -> Vec<Entry> {
    jobs.iter()
        .filter_map(|&job| {
            let lastmod = job.lastmod(site)?.map(|d| d.to_rfc3339());
            let path = job.file(site);
            let loc = config.permalink(path.strip_suffix("index.html").unwrap_or(&path));
            Some(Entry { loc, lastmod })
        })
        .collect()
}

pub const SITEMAP: &str = "sitemap.xml";
pub const NEWS_SITEMAP: &str = "news-sitemap.xml";
pub const ROBOTS: &str = "robots.txt";

fn io_error(file: &str) -> impl Fn(io::Error) -> Error + '_ {
    move |e| Error::new(format!("writing {file}: {e}"))
}

pub fn sitemap(entries: &[Entry]) -> Result<Output, Error> {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .map_err(io_error(SITEMAP))?;
    w.create_element("urlset")
        .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
        .write_inner_content(|w| {
            for entry in entries {
                w.create_element("url").write_inner_content(|w| {
                    w.create_element("loc")
                        .write_text_content(BytesText::new(&entry.loc))?;
                    if let Some(date) = &entry.lastmod {
                        w.create_element("lastmod")
                            .write_text_content(BytesText::new(date))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })
        .map_err(io_error(SITEMAP))?;
    Ok(Output {
        path: SITEMAP.into(),
        bytes: finish(w),
    })
}

/// Briefings published in the two days before `now`, as Google News asks.
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
            for b in &site.briefings {
                let published = b.date.instant.with_timezone(&Utc);
                if published > now || published <= since {
                    continue;
                }
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

//! The search index: every briefing's title, summary, topics and people, as
//! compact JSON for the search page's script to fetch and filter.

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::error::Error;
use crate::graph::Site;
use crate::output::Output;

pub const INDEX_FILE: &str = "search-index.json";

/// One briefing, with short keys: the index of a large site stays small.
#[derive(Serialize)]
pub struct Entry<'a> {
    /// Title
    t: &'a str,
    /// URL path
    u: String,
    /// Day, as shown
    d: String,
    /// Summary
    s: &'a str,
    /// Topics and people, for matching and display
    k: Vec<&'a str>,
}

/// What the index lists: one entry per briefing, newest first.
pub fn entries<'a>(config: &Config, site: &'a Site) -> Vec<Entry<'a>> {
    site.briefings
        .par_iter()
        .map(|b| Entry {
            t: &b.title,
            u: config.url(&b.url_path),
            d: super::context::day(&b.date),
            s: &b.summary,
            k: b.topics
                .iter()
                .map(|&t| site.topics[t].name.as_str())
                .chain(b.people.iter().map(|&p| site.people[p].name.as_str()))
                .collect(),
        })
        .collect()
}

pub fn index(entries: &[Entry]) -> Result<Output, Error> {
    let mut bytes = serde_json::to_vec(entries)
        .map_err(|e| Error::new(format!("writing {INDEX_FILE}: {e}")))?;
    bytes.push(b'\n');
    Ok(Output {
        path: INDEX_FILE.into(),
        bytes,
    })
}

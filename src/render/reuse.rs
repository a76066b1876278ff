//! What must be rendered again, given the digests the last build or
//! preview left: a page, feed or index whose digest is unchanged is kept,
//! if `keep(path)` can take the earlier file (a hard link in a build, the
//! bytes in memory in the preview). Page digests come from the page's own
//! fields (`Renderer::page_digest`); the digests of the files that list the
//! whole site come from the values they are written from.

use rayon::prelude::*;

use super::layout::Layout;
use super::{search, sitemap, FeedOwner, PageJob, Renderer};
use crate::digest::digest_of;
use crate::digest::Map;
use crate::error::Error;
use crate::output::Output;

pub struct Reuse<'a> {
    renderer: &'a Renderer<'a>,
    previous: &'a Map<String, u64>,
    pub prints: Map<String, u64>,
    /// The same digests by position, for the preview's next patch.
    pub in_order: InOrder,
}

/// Every page's and feed owner's digest, in `PageJob::all` and
/// `FeedOwner::all` order, with the briefings each shows. A patched site
/// lists the same pages in the same order, so its digests compare position
/// by position, without a path; and only the pages that show a patched
/// briefing need their digest taken again.
#[derive(Debug, Clone, Default)]
pub struct InOrder {
    pub pages: Vec<u64>,
    pub feeds: Vec<u64>,
    pub page_shows: Vec<Vec<u32>>,
    pub feed_shows: Vec<Vec<u32>>,
}

/// A digest of what `owner`'s feeds are written from.
pub fn feed_digest(renderer: &Renderer, owner: FeedOwner) -> (u64, Vec<u32>) {
    super::feeds::digest(renderer.config, renderer.site, owner)
}

impl<'a> Reuse<'a> {
    pub fn new(renderer: &'a Renderer<'a>, previous: &'a Map<String, u64>) -> Self {
        Reuse {
            renderer,
            previous,
            prints: Map::with_capacity_and_hasher(previous.len(), Default::default()),
            in_order: InOrder::default(),
        }
    }

    fn kept(&mut self, path: String, print: u64, keep: &mut dyn FnMut(&str) -> bool) -> bool {
        let kept = self.previous.get(&path) == Some(&print) && keep(&path);
        self.prints.insert(path, print);
        kept
    }

    /// Whether every one of `paths`, made from what `print` digests, is kept.
    fn all_kept(
        &mut self,
        paths: Vec<String>,
        print: u64,
        keep: &mut dyn FnMut(&str) -> bool,
    ) -> bool {
        // Once one file is missing, the others are rendered anyway.
        let mut all = true;
        for path in paths {
            all = all && self.previous.get(&path) == Some(&print) && keep(&path);
            self.prints.insert(path, print);
        }
        all
    }

    /// The pages of `layout` to render.
    pub fn pages(&mut self, layout: &Layout, keep: &mut dyn FnMut(&str) -> bool) -> Vec<PageJob> {
        let renderer = self.renderer;
        let prints: Vec<(u64, Vec<u32>)> = layout
            .jobs
            .par_iter()
            .map(|&job| renderer.page_digest(job))
            .collect();
        let mut stale = Vec::new();
        for ((&job, path), (print, shows)) in layout.jobs.iter().zip(&layout.files).zip(prints) {
            self.in_order.pages.push(print);
            self.in_order.page_shows.push(shows);
            if !self.kept(path.clone(), print, keep) {
                stale.push(job);
            }
        }
        stale
    }

    /// The owners of `owners` whose feeds to render (all their files, or none).
    pub fn feeds(
        &mut self,
        owners: &[FeedOwner],
        keep: &mut dyn FnMut(&str) -> bool,
    ) -> Vec<FeedOwner> {
        let (config, site) = (self.renderer.config, self.renderer.site);
        let mut stale = Vec::new();
        let renderer = self.renderer;
        let prints: Vec<(u64, Vec<u32>)> = owners
            .par_iter()
            .map(|&owner| feed_digest(renderer, owner))
            .collect();
        for (&owner, (print, shows)) in owners.iter().zip(prints) {
            self.in_order.feeds.push(print);
            self.in_order.feed_shows.push(shows);
            let mut all = true;
            for path in owner.files(config, site) {
                // Once one file is missing, the others are rendered anyway.
                all = all && self.previous.get(&path) == Some(&print) && keep(&path);
                self.prints.insert(path, print);
            }
            if !all {
                stale.push(owner);
            }
        }
        stale
    }

    /// Whether the search index must be made again: false when every one
    /// of its files is kept.
    pub fn search_stale(&mut self, keep: &mut dyn FnMut(&str) -> bool) -> bool {
        let (config, site) = (self.renderer.config, self.renderer.site);
        let print = search::digest(config, site);
        !self.all_kept(search::paths(site), print, keep)
    }

    /// The files listing the whole site: the sitemap of `sitemap` unless
    /// kept (left as it is when None), the search index's files the caller
    /// made (`search`; the ones there are kept when `later`, for the
    /// preview to make on a thread of its own), and the news sitemap and
    /// robots.txt always (the news sitemap depends on the clock; it lists
    /// two days at most).
    pub fn indexes(
        &mut self,
        sitemap: Option<&[sitemap::Entry]>,
        search: Option<Vec<Output>>,
        later: bool,
        keep: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Vec<Output>, Error> {
        let (config, site) = (self.renderer.config, self.renderer.site);
        let mut files = Vec::new();
        // The sitemap and its numbered files, kept or written together.
        if let Some(entries) = sitemap {
            let names = sitemap::file_names(entries);
            if !self.all_kept(names, digest_of(&entries), keep) {
                files.extend(sitemap::sitemaps(config, entries)?);
            }
        }
        files.extend(search.into_iter().flatten());
        if later {
            // Left for later: the index there is kept, with its own digest,
            // until the one made later replaces it.
            for (path, print) in self.previous.iter() {
                if search::is_reserved(path) && keep(path) {
                    self.prints.insert(path.clone(), *print);
                }
            }
        }
        files.push(sitemap::news_sitemap(config, site, sitemap::build_time())?);
        files.push(sitemap::robots(config));
        Ok(files)
    }
}

//! What must be rendered again, given the digests the last build or
//! preview left: a page, feed or index whose digest is unchanged is kept,
//! if `keep(path)` can take the earlier file (a hard link in a build, the
//! bytes in memory in the preview). Page digests come from the page's own
//! fields (`Renderer::page_digest`); the digests of the files that list the
//! whole site come from the values they are written from.

use std::collections::HashMap;

use rayon::prelude::*;

use super::{search, sitemap, FeedOwner, PageJob, Renderer};
use crate::digest::digest_of;
use crate::error::Error;
use crate::output::Output;

pub struct Reuse<'a> {
    renderer: &'a Renderer<'a>,
    previous: &'a HashMap<String, u64>,
    pub prints: HashMap<String, u64>,
    /// The same digests by position, for the preview's next patch.
    pub in_order: InOrder,
}

/// Every page's and feed owner's digest, in `PageJob::all` and
/// `FeedOwner::all` order. A patched site lists the same pages in the same
/// order, so its digests compare position by position, without a path.
#[derive(Debug, Clone, Default)]
pub struct InOrder {
    pub pages: Vec<u64>,
    pub feeds: Vec<u64>,
}

impl InOrder {
    pub fn of(renderer: &Renderer, jobs: &[PageJob], owners: &[FeedOwner]) -> InOrder {
        InOrder {
            pages: jobs
                .par_iter()
                .map(|&job| renderer.page_digest(job))
                .collect(),
            feeds: owners.iter().map(|&o| feed_digest(renderer, o)).collect(),
        }
    }
}

/// A digest of what `owner`'s feeds are written from.
pub fn feed_digest(renderer: &Renderer, owner: FeedOwner) -> u64 {
    super::feeds::digest(renderer.config, renderer.site, owner)
}

impl<'a> Reuse<'a> {
    pub fn new(renderer: &'a Renderer<'a>, previous: &'a HashMap<String, u64>) -> Self {
        Reuse {
            renderer,
            previous,
            prints: HashMap::with_capacity(previous.len()),
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

    /// The pages of `jobs` to render.
    pub fn pages(&mut self, jobs: &[PageJob], keep: &mut dyn FnMut(&str) -> bool) -> Vec<PageJob> {
        let (renderer, site) = (self.renderer, self.renderer.site);
        let prints: Vec<(PageJob, String, u64)> = jobs
            .par_iter()
            .map(|&job| (job, job.file(site), renderer.page_digest(job)))
            .collect();
        self.in_order.pages = prints.iter().map(|&(_, _, print)| print).collect();
        prints
            .into_iter()
            .filter(|(_, path, print)| !self.kept(path.clone(), *print, keep))
            .map(|(job, _, _)| job)
            .collect()
    }

    /// The owners of `owners` whose feeds to render (all their files, or none).
    pub fn feeds(
        &mut self,
        owners: &[FeedOwner],
        keep: &mut dyn FnMut(&str) -> bool,
    ) -> Vec<FeedOwner> {
        let (config, site) = (self.renderer.config, self.renderer.site);
        let mut stale = Vec::new();
        for &owner in owners {
            let print = feed_digest(self.renderer, owner);
            self.in_order.feeds.push(print);
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

    /// The files listing the whole site: the sitemap and search index unless
    /// kept (or the search index left for later, when `search` is false),
    /// and the news sitemap and robots.txt always (the news sitemap
    /// depends on the clock; it lists two days at most).
    pub fn indexes(
        &mut self,
        jobs: &[PageJob],
        search: bool,
        keep: &mut dyn FnMut(&str) -> bool,
    ) -> Result<Vec<Output>, Error> {
        let (config, site) = (self.renderer.config, self.renderer.site);
        let mut files = Vec::new();
        let (entries, print) = rayon::join(
            || sitemap::entries(config, site, jobs),
            || {
                if search {
                    search::digest(config, site)
                } else {
                    0
                }
            },
        );
        if !self.kept(sitemap::SITEMAP.into(), digest_of(&entries), keep) {
            files.push(sitemap::sitemap(&entries)?);
        }
        if search && !self.all_kept(search::paths(site), print, keep) {
            files.extend(search::files(config, site)?);
        }
        files.push(sitemap::news_sitemap(config, site, sitemap::build_time())?);
        files.push(sitemap::robots(config));
        Ok(files)
    }
}

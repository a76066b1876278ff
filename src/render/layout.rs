//! Where every page of a site goes: its pages in `PageJob::all` order, the
//! file each is written to, and the sitemap's lines. Worked out once when
//! the site is linked and held with it: the address check, the plan, the
//! render and the sitemap all read it, where each used to work it out again.

use rayon::prelude::*;

use super::sitemap::{self, Entry};
use super::PageJob;
use crate::config::Config;
use crate::graph::Site;

#[derive(Default)]
pub struct Layout {
    pub jobs: Vec<PageJob>,
    /// `jobs[i]` is written to `files[i]`.
    pub files: Vec<String>,
    pub sitemap: Vec<Entry>,
}

impl Layout {
    pub fn of(config: &Config, site: &Site) -> Layout {
        let jobs = PageJob::all(config, site);
        let files: Vec<String> = jobs.par_iter().map(|job| job.file(site)).collect();
        let sitemap = sitemap::entries(config, site, &jobs, &files);
        Layout {
            jobs,
            files,
            sitemap,
        }
    }
}

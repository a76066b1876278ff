//! Every address the site would write, checked after linking and before
//! anything is rendered, so that a collision is an error at the source
//! file that asked for the address, never a failure at write time.

use std::collections::HashMap;

use super::kinds::{Kind, PageJob, INDEX_FILES, KINDS};
use super::{search, sitemap, FeedOwner};
use crate::config::Config;
use crate::error::{Error, Errors};
use crate::graph::Site;
use crate::output::Output;

/// What would be written at an output path.
enum Claim {
    Page(PageJob),
    Feed,
    Index,
    Search,
    Static(String),
}

/// Every address the site would write, checked before anything is
/// rendered: no free page in a folder the table gives a kind, no two
/// outputs at one path, no file where another output needs a folder. An
/// error names the source file that asked for the address.
pub fn check_addresses(config: &Config, site: &Site, statics: &[Output]) -> Result<(), Errors> {
    let mut errors = Errors::default();
    let place = |job: Option<PageJob>, message: String| match job.and_then(|j| j.origin(site)) {
        Some(origin) => {
            let error = Error::at(&origin.path, message);
            match origin.line {
                Some(line) => error.on_line(line),
                None => error,
            }
        }
        None => Error::new(message),
    };
    for (i, page) in site.pages.iter().enumerate() {
        let taken = KINDS
            .iter()
            .filter_map(|k| k.section)
            .any(|section| page.url_path.starts_with(section));
        if taken {
            let job = PageJob {
                kind: Kind::Page,
                index: i,
                page: 0,
            };
            errors.push(place(Some(job), format!(
                "a page cannot be published at /{}: that address belongs to the site; set another 'slug'",
                page.url_path
            )));
        }
    }
    // The search index's folders are the index's alone, whatever the
    // site's size: the number of its files grows with the site. A static
    // file there would replace part of the index, or one day would.
    for file in statics.iter().filter(|f| search::is_reserved(&f.path)) {
        errors.push(Error::new(format!(
            "the static file /{} would be written where the search index is: move or rename it",
            file.path
        )));
    }
    let mut claims: HashMap<String, Claim> = HashMap::new();
    let mut claim = |claims: &mut HashMap<String, Claim>, path: String, what: Claim| {
        if let Some(first) = claims.get(&path) {
            let (a, b) = (describe(site, first), describe(site, &what));
            let job = match (&what, first) {
                (Claim::Page(job), _) | (_, Claim::Page(job)) => Some(*job),
                _ => None,
            };
            errors.push(place(
                job,
                format!("{b} would be written at /{path}, where {a} is: set another 'slug'"),
            ));
        } else {
            claims.insert(path, what);
        }
    };
    let jobs = PageJob::all(config, site);
    for &job in &jobs {
        claim(&mut claims, job.file(site), Claim::Page(job));
    }
    for owner in FeedOwner::all(site) {
        for path in owner.files(config, site) {
            claim(&mut claims, path, Claim::Feed);
        }
    }
    for path in INDEX_FILES {
        claim(&mut claims, path.to_string(), Claim::Index);
    }
    // A large site's sitemap is an index of numbered files.
    let sitemap_entries = sitemap::entries(config, site, &jobs);
    for path in sitemap::file_names(&sitemap_entries).into_iter().skip(1) {
        claim(&mut claims, path, Claim::Index);
    }
    // The search files (the manifest is claimed above), so that a static
    // file where one of their folders is gets caught below.
    for path in search::paths(site) {
        claims.entry(path).or_insert(Claim::Search);
    }
    for file in statics {
        if search::is_reserved(&file.path) {
            continue;
        }
        // A site's own file may stand in for one the site makes of itself
        // (robots.txt, 404.html), never for a page made from content.
        let replaces_own = match claims.get(&file.path) {
            Some(Claim::Page(job)) => job.origin(site).is_none(),
            Some(_) => true,
            None => false,
        };
        if replaces_own {
            claims.insert(file.path.clone(), Claim::Static(file.path.clone()));
        } else {
            claim(
                &mut claims,
                file.path.clone(),
                Claim::Static(file.path.clone()),
            );
        }
    }
    // A file where another output needs a folder of the same name.
    for (path, what) in &claims {
        let mut folder = path.as_str();
        while let Some(cut) = folder.rfind('/') {
            folder = &folder[..cut];
            if let Some(file) = claims.get(folder) {
                let job = match (what, file) {
                    (Claim::Page(job), _) | (_, Claim::Page(job)) => Some(*job),
                    _ => None,
                };
                // Only a static file can meet the search index here: pages
                // are kept out of its section.
                let fix = match (what, file) {
                    (Claim::Search, _) | (_, Claim::Search) => "move or rename the static file",
                    _ => "set another 'slug'",
                };
                errors.push(place(
                    job,
                    format!(
                        "{} would be written at /{path}, inside /{folder}, where {} is: {fix}",
                        describe(site, what),
                        describe(site, file)
                    ),
                ));
            }
        }
    }
    errors.into_result(())
}

fn describe(site: &Site, claim: &Claim) -> String {
    match claim {
        Claim::Page(job) => match job.origin(site) {
            Some(origin) => format!("the page of {}", origin.path.display()),
            None => format!(
                "the site's {} page",
                job.template().trim_end_matches(".html")
            ),
        },
        Claim::Feed => "a feed".into(),
        Claim::Index => "a file the site lists itself in".into(),
        Claim::Search => "the search index".into(),
        Claim::Static(path) => format!("the static file /{path}"),
    }
}

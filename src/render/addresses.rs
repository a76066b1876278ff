//! Every address the site would write, checked after linking and before
//! anything is rendered, so that a collision is an error at the source
//! file that asked for the address, never a failure at write time.

use super::kinds::{Kind, PageJob, INDEX_FILES, KINDS};
use super::layout::Layout;
use super::{search, sitemap, FeedOwner};
use crate::config::Config;
use crate::digest::{hash_of, Map, Set};
use crate::error::{Error, Errors};
use crate::graph::Site;
use crate::output::Output;

/// What would be written at an output path.
#[derive(Clone)]
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
///
/// `passed` is the digest of the addresses that last passed: the same
/// addresses pass again without being claimed one by one, which is what
/// most saves in the preview leave them.
pub fn check_addresses(
    config: &Config,
    site: &Site,
    layout: &Layout,
    statics: &[Output],
    passed: &mut Option<u64>,
) -> Result<(), Errors> {
    let generated = Generated::of(config, site, layout);
    let statics_paths: Vec<&str> = statics.iter().map(|f| f.path.as_str()).collect();
    let addresses = hash_of((
        &layout.jobs,
        &layout.files,
        &generated.feeds,
        &generated.sitemaps,
        &generated.search,
        statics_paths,
    ));
    if *passed == Some(addresses) {
        return Ok(());
    }
    *passed = None;
    check_claims(site, layout, &generated, statics)?;
    *passed = Some(addresses);
    Ok(())
}

fn check_claims(
    site: &Site,
    layout: &Layout,
    generated: &Generated,
    statics: &[Output],
) -> Result<(), Errors> {
    let mut claims = Claims {
        site,
        paths: Map::with_capacity_and_hasher(layout.files.len() * 2, Default::default()),
        spelt: Map::default(),
        cased: Map::default(),
        told: Set::default(),
        errors: Errors::default(),
    };
    claims.pages_in_sections();
    claims.statics_in_search(statics);
    claims.generated(layout, generated);
    claims.statics(statics);
    claims.files_where_folders_are();
    claims.errors.into_result(())
}

/// The paths of what the site makes of itself besides its pages.
struct Generated {
    feeds: Vec<String>,
    /// The sitemap's numbered files, when it must be an index.
    sitemaps: Vec<String>,
    search: Vec<String>,
}

impl Generated {
    fn of(config: &Config, site: &Site, layout: &Layout) -> Generated {
        Generated {
            feeds: FeedOwner::all(site)
                .into_iter()
                .flat_map(|owner| owner.files(config, site))
                .collect(),
            sitemaps: sitemap::file_names(&layout.sitemap)
                .into_iter()
                .skip(1)
                .collect(),
            search: search::paths(site),
        }
    }
}

/// The output paths claimed so far, and the collisions found.
struct Claims<'a> {
    site: &'a Site,
    paths: Map<&'a str, Claim>,
    /// The claimed paths and their folders, each with the first path
    /// claimed under it: those in lower case as they are, the others by
    /// their lower case with their spelling. On the disks of macOS and
    /// Windows, `Search/` and `search/` are one folder.
    spelt: Map<&'a str, &'a str>,
    cased: Map<String, (&'a str, &'a str)>,
    /// Paths and folders already told of, in lower case.
    told: Set<String>,
    errors: Errors,
}

impl<'a> Claims<'a> {
    /// A free page in a section the table gives a kind of page.
    fn pages_in_sections(&mut self) {
        for (i, page) in self.site.pages.iter().enumerate() {
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
                self.error(Some(job), format!(
                    "a page cannot be published at /{}: that address belongs to the site; set another 'slug'",
                    page.url_path
                ));
            }
        }
    }

    /// The search index's folders are the index's alone, whatever the
    /// site's size: the number of its files grows with the site. A static
    /// file there would replace part of the index, or one day would.
    fn statics_in_search(&mut self, statics: &'a [Output]) {
        for file in statics.iter().filter(|f| search::is_reserved(&f.path)) {
            self.errors.push(Error::new(format!(
                "the static file /{} would be written where the search index is: move or rename it",
                file.path
            )));
        }
    }

    /// Every page, feed and index file the site makes of itself.
    fn generated(&mut self, layout: &'a Layout, generated: &'a Generated) {
        for (&job, path) in layout.jobs.iter().zip(&layout.files) {
            self.claim(path, Claim::Page(job));
        }
        for path in &generated.feeds {
            self.claim(path, Claim::Feed);
        }
        for path in INDEX_FILES {
            self.claim(path, Claim::Index);
        }
        // A large site's sitemap is an index of numbered files.
        for path in &generated.sitemaps {
            self.claim(path, Claim::Index);
        }
        // The search files (the manifest is claimed above), so that a
        // static file where one of their folders is gets caught later.
        for path in &generated.search {
            self.paths.entry(path).or_insert(Claim::Search);
        }
    }

    /// The theme's and the site's static files. A site's own file may
    /// stand in for one the site makes of itself (robots.txt, 404.html),
    /// never for a page made from content.
    fn statics(&mut self, statics: &'a [Output]) {
        for file in statics.iter().filter(|f| !search::is_reserved(&f.path)) {
            let replaces_own = match self.paths.get(file.path.as_str()) {
                Some(Claim::Page(job)) => job.origin(self.site).is_none(),
                Some(_) => true,
                None => false,
            };
            let claim = Claim::Static(file.path.clone());
            if replaces_own {
                self.paths.insert(&file.path, claim);
            } else {
                self.claim(&file.path, claim);
            }
        }
    }

    /// A file where another output needs a folder of the same name.
    fn files_where_folders_are(&mut self) {
        let mut found = Vec::new();
        // Most paths share their folders: a folder known to be in no file,
        // nor any folder above it, is not looked up again.
        let mut clear: Set<&str> = Set::default();
        let mut chain = Vec::new();
        for (path, what) in &self.paths {
            let mut folder = *path;
            chain.clear();
            let mut met = false;
            while let Some(cut) = folder.rfind('/') {
                folder = &folder[..cut];
                if clear.contains(folder) {
                    break;
                }
                chain.push(folder);
                let Some(file) = self.paths.get(folder) else {
                    continue;
                };
                met = true;
                // Only a static file can meet the search index here: pages
                // are kept out of its section.
                let fix = match (what, file) {
                    (Claim::Search, _) | (_, Claim::Search) => "move or rename the static file",
                    _ => "set another 'slug'",
                };
                found.push((
                    page_of(self.site, what, file),
                    format!(
                        "{} would be written at /{path}, inside /{folder}, where {} is: {fix}",
                        describe(self.site, what),
                        describe(self.site, file)
                    ),
                ));
            }
            if !met {
                clear.extend(chain.iter().copied());
            }
        }
        for (job, message) in found {
            self.error(job, message);
        }
    }

    /// Claim `path` for `what`; a second claim is an error, and so is one
    /// that differs from an earlier only in case.
    fn claim(&mut self, path: &'a str, what: Claim) {
        if let Some(first) = self.paths.get(path) {
            let (a, b) = (describe(self.site, first), describe(self.site, &what));
            let job = page_of(self.site, &what, first);
            self.error(
                job,
                format!("{b} would be written at /{path}, where {a} is: set another 'slug'"),
            );
            return;
        }
        self.same_but_case(path, &what);
        self.paths.insert(path, what);
    }

    /// Each folder of `path`, then `path` itself, against those of the
    /// paths claimed before: the first spelt otherwise than an earlier one
    /// of the same letters is an error, told once for the two.
    fn same_but_case(&mut self, path: &'a str, what: &Claim) {
        let ends = (path.match_indices('/').map(|(end, _)| end)).chain([path.len()]);
        for end in ends {
            let part = &path[..end];
            let (folded, met) = if part.is_ascii() && !part.bytes().any(|b| b.is_ascii_uppercase())
            {
                self.spelt.entry(part).or_insert(path);
                (None, self.cased.get(part).copied())
            } else {
                let folded = part.to_lowercase();
                let met = match self.spelt.get_key_value(folded.as_str()) {
                    Some((&spelt, &other)) => Some((spelt, other)),
                    None => (self.cased.get(&folded).copied()).filter(|(spelt, _)| *spelt != part),
                };
                self.cased.entry(folded.clone()).or_insert((part, path));
                (Some(folded), met)
            };
            let Some((spelt, other)) = met else {
                continue;
            };
            if !self.told.insert(folded.unwrap_or_else(|| part.to_string())) {
                return;
            }
            let first = self.paths.get(other).cloned();
            let a =
                (first.as_ref()).map_or_else(|| format!("/{other}"), |c| describe(self.site, c));
            let b = describe(self.site, what);
            let job = first
                .as_ref()
                .and_then(|first| page_of(self.site, what, first));
            let (slash, one) = if end == path.len() {
                ("", "file")
            } else {
                ("/", "folder")
            };
            self.error(
                job,
                format!("{b} would be written at /{path}, and {a} at /{other}: /{part}{slash} and /{spelt}{slash} differ only in case, and on a disk that ignores case (macOS, Windows) they are one {one}; rename one"),
            );
            return;
        }
    }

    /// An error at the source of `job`'s page, if it has one.
    fn error(&mut self, job: Option<PageJob>, message: String) {
        let error = match job.and_then(|j| j.origin(self.site)) {
            Some(origin) => {
                let error = Error::at(&origin.path, message);
                match origin.line {
                    Some(line) => error.on_line(line),
                    None => error,
                }
            }
            None => Error::new(message),
        };
        self.errors.push(error);
    }
}

/// The page of two claims that meet whose source is where the error goes:
/// the first that has a source file, else the first page.
fn page_of(site: &Site, a: &Claim, b: &Claim) -> Option<PageJob> {
    let page = |claim: &Claim| match claim {
        Claim::Page(job) => Some(*job),
        _ => None,
    };
    let pages = [page(a), page(b)];
    let sourced = pages
        .into_iter()
        .flatten()
        .find(|job| job.origin(site).is_some());
    sourced.or(pages.into_iter().flatten().next())
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

/// Pictures named by a path on the site (`/images/card.png`,
/// `images/xi.jpg`) that no static file is: the shared link's card or the
/// profile would show a broken picture. A warning, as another server may
/// answer for that path.
pub fn missing_pictures(config: &Config, site: &Site, statics: &[Output]) -> Vec<Error> {
    let have: Set<&str> = statics.iter().map(|f| f.path.as_str()).collect();
    let missing = |url: &str| site_path(url).is_some_and(|path| !have.contains(path.as_ref()));
    let told = |url: &str| {
        let path = site_path(url).unwrap_or(url.into());
        format!(
            "the picture '{url}' is no file of the site: add static/{path}, or give its full URL"
        )
    };
    let mut warnings = Vec::new();
    if let Some(image) = config.image.as_deref().filter(|url| missing(url)) {
        warnings.push(config.error_at("image", told(image)));
    }
    for b in &site.briefings {
        if let Some(image) = b.image.as_ref().filter(|image| missing(&image.url)) {
            let mut error = Error::at(&b.path, told(&image.url));
            if let Some((line, column)) = b.lines.image {
                error = error.on_line(line).on_column(column);
            }
            warnings.push(error);
        }
    }
    for subject in site.people.iter().chain(&site.topics) {
        if let Some(portrait) = subject.portrait.as_deref().filter(|url| missing(url)) {
            let mut error = Error::at(&subject.defined_in, told(portrait));
            if let Some((line, column)) = subject.portrait_at {
                error = error.on_line(line).on_column(column);
            }
            warnings.push(error);
        }
    }
    warnings
}

/// The file on the site a picture's URL names, if it names one (not a URL
/// with a scheme or a host of its own), decoded as a browser asks for it
/// (`my%20card.png` is `my card.png`); None for one that decodes to no text.
fn site_path(url: &str) -> Option<std::borrow::Cow<'_, str>> {
    let scheme = url.find(':').is_some_and(|i| {
        url[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    });
    if scheme || url.starts_with("//") {
        return None;
    }
    let path = url.trim_start_matches('/');
    let path = path.split(['?', '#']).next().unwrap_or(path);
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .ok()
}

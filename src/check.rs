//! `briefing check`: everything a build would find wrong, plus warnings an
//! editor wants to see, without writing anything.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::driver::{Changes, Driver, Nowhere};
use crate::error::Error;
use crate::graph::{Site, Subject};
use crate::BuildOptions;

#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub errors: Vec<Error>,
    pub warnings: Vec<Error>,
}

impl CheckReport {
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Problem<'a> {
            file: Option<String>,
            line: Option<usize>,
            column: Option<usize>,
            message: &'a str,
        }
        #[derive(Serialize)]
        struct Json<'a> {
            errors: Vec<Problem<'a>>,
            warnings: Vec<Problem<'a>>,
        }
        fn problems(list: &[Error]) -> Vec<Problem<'_>> {
            list.iter()
                .map(|e| Problem {
                    file: e.path.as_ref().map(|p| p.display().to_string()),
                    line: e.line,
                    column: e.column,
                    message: &e.message,
                })
                .collect()
        }
        let json = Json {
            errors: problems(&self.errors),
            warnings: problems(&self.warnings),
        };
        serde_json::to_string_pretty(&json)
            .unwrap_or_else(|e| format!("{{\"errors\": [{{\"message\": \"{e}\"}}]}}"))
    }
}

/// Load, link and render in memory through the driver, as a build would;
/// report every problem found.
pub fn check(options: &BuildOptions) -> CheckReport {
    let mut report = CheckReport::default();
    let mut driver = match Driver::open(options) {
        Ok(driver) => driver,
        Err(errors) => {
            report.errors = errors.0;
            return report;
        }
    };
    let content = match driver.load(&Changes::everything(), None) {
        Ok((content, _)) => content,
        Err(errors) => {
            report.errors = errors.0;
            return report;
        }
    };
    let failed = content.failed.clone();
    let (site, layout, errors) = driver.link_content(content);
    report.warnings.extend(driver.warnings_of(&site));
    let linked = Linked {
        site: &site,
        config: driver.config(),
        whole: errors.is_empty(),
        failed: &failed,
    };
    report.warnings.extend(warnings(&linked));
    if !errors.is_empty() {
        // Rendering a site that failed to link would only repeat its errors.
        report.errors = errors.sorted();
        return report;
    }
    // Templates are part of the site: a broken one fails the build too.
    driver.hold(site, layout);
    if let Err(errors) = driver.render_all(&mut Nowhere) {
        report.errors.extend(errors.0);
    }
    report
}

/// A site as linked, for the warnings about it.
pub struct Linked<'a> {
    pub site: &'a Site,
    pub config: &'a crate::config::Config,
    /// Whether it linked without error (else as far as it went).
    pub whole: bool,
    /// The `@/` keys of the files that failed to load.
    pub failed: &'a HashSet<String>,
}

/// What is not wrong enough to stop a build but likely a mistake.
pub fn warnings(linked: &Linked) -> Vec<Error> {
    let Linked {
        site,
        config,
        whole,
        failed,
    } = *linked;
    let mut warnings = Vec::new();
    close_names(&site.people, "person", &mut warnings);
    close_names(&site.topics, "topic", &mut warnings);
    for person in &site.people {
        // A profile file of that name that failed has its own error:
        // adding it is no advice.
        let file = format!("{}.md", person.slug);
        if !person.has_profile && !failed.contains(&format!("people/{file}")) {
            warnings.push(place(
                person,
                format!(
                    "'{}' has no profile: add content/people/{file} to give a role and aliases",
                    person.name
                ),
            ));
        }
    }
    // A day with an edition whose briefings the editions left out; told
    // only of a whole site: an edition that failed carries nothing. An
    // edition's day is the one it shows, as written; a briefing's is the
    // day its page and the archive show.
    let edition_days: HashMap<chrono::NaiveDate, &crate::graph::Edition> = site
        .editions
        .iter()
        .rev()
        .filter(|_| whole)
        .map(|e| (e.date.instant.date_naive(), e))
        .collect();
    for b in site.briefings.iter().rev() {
        if let Some(edition) = edition_days.get(&b.date.day_in(b.shown_zone(config))) {
            if b.editions.is_empty() && !b.draft {
                warnings.push(
                    Error::at(
                        &b.path,
                        format!(
                            "no edition carries this briefing, though {} is the edition of its day: add it there, or to another edition",
                            edition.path.display()
                        ),
                    )
                    .on_line(b.lines.title),
                );
            }
        }
    }
    let mut titles: HashMap<&str, &std::path::Path> = HashMap::new();
    // Oldest first, so the later briefing is the one flagged.
    for b in site.briefings.iter().rev() {
        if b.topics.is_empty() {
            warnings.push(
                Error::at(
                    &b.path,
                    "the briefing has no topic: add `topics: [...]` so readers can find it",
                )
                .on_line(b.lines.topics),
            );
        }
        for source in &b.sources {
            if source.url.as_deref().is_none_or(|u| u.trim().is_empty()) {
                warnings.push(
                    Error::at(&b.path, format!("the source '{}' has no url", source.title))
                        .on_line(b.lines.sources),
                );
            }
        }
        if let Some(first) = titles.insert(&b.title, &b.path) {
            warnings.push(
                Error::at(
                    &b.path,
                    format!(
                        "the title '{}' is also the title of {}",
                        b.title,
                        first.display()
                    ),
                )
                .on_line(b.lines.title),
            );
            titles.insert(&b.title, first);
        }
    }
    warnings
}

/// A warning at the place a name was first written.
fn place(subject: &Subject, message: String) -> Error {
    let error = Error::at(&subject.defined_in, message);
    match subject.defined_line {
        Some(line) => error.on_line(line),
        None => error,
    }
}

/// Names one or two edits apart ("Narendra Modhi" beside "Narendra Modi")
/// are likely one name misspelt. Only names of similar length that start
/// alike are compared, so this stays cheap on large sites.
/// Names sharing a first letter that are all compared with each other.
const CLOSE_NAMES_ALL: usize = 2_000;
/// Past that, how many neighbours in alphabetical order each is compared with.
const CLOSE_NAMES_NEAR: usize = 64;

fn close_names(subjects: &[Subject], kind: &str, warnings: &mut Vec<Error>) {
    let mut buckets: HashMap<char, Vec<(usize, String)>> = HashMap::new();
    for (i, s) in subjects.iter().enumerate() {
        let lower = s.name.to_lowercase();
        if let Some(c) = lower.chars().next() {
            buckets.entry(c).or_default().push((i, lower));
        }
    }
    let mut pairs = Vec::new();
    for bucket in buckets.values_mut() {
        // Every pair of a bucket is compared, up to a size no real site's
        // names reach; past it, each name only with its neighbours in
        // alphabetical order, where a misspelling of it mostly is: 10,000
        // topics starting with one letter took `check` 33 s.
        bucket.sort_unstable_by(|a, b| a.1.cmp(&b.1));
        let reach = if bucket.len() <= CLOSE_NAMES_ALL {
            bucket.len()
        } else {
            CLOSE_NAMES_NEAR
        };
        for (x, (i, a)) in bucket.iter().enumerate() {
            for (j, b) in bucket.iter().skip(x + 1).take(reach) {
                let (la, lb) = (a.chars().count(), b.chars().count());
                if la.abs_diff(lb) > 2 || la.min(lb) < 5 {
                    continue;
                }
                if strsim::damerau_levenshtein(a, b) <= 2 {
                    pairs.push((*i.min(j), *i.max(j)));
                }
            }
        }
    }
    pairs.sort_unstable();
    for (i, j) in pairs {
        // Flag the one without a profile, else the later one.
        let (odd, other) = match (subjects[i].has_profile, subjects[j].has_profile) {
            (false, true) => (&subjects[i], &subjects[j]),
            _ => (&subjects[j], &subjects[i]),
        };
        warnings.push(place(
            odd,
            format!(
            "the {kind} '{}' is close to '{}' ({}): a misspelling? If they are one {kind}, make one an alias in a profile",
            odd.name,
            other.name,
                other.defined_in.display()
            ),
        ));
    }
}

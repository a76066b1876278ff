//! `briefing init` and `briefing new`: files an editor would otherwise
//! write by hand, written so they build at once.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset, Local, NaiveDate};
use serde::Serialize;

use crate::config::CONFIG_FILE;
use crate::content::{is_markdown, parse_loaded, FrontMatter};
use crate::error::{Error, Errors};
use crate::graph::briefing_slug;
use crate::slug::slugify;

/// Create a new site in `dir`: config, one briefing, one topic, one person,
/// an about page, and a `.gitignore` for what builds make. Refuses a folder
/// that already holds a site.
pub fn init(dir: &Path, now: DateTime<FixedOffset>) -> Result<Vec<PathBuf>, Error> {
    if dir.exists() && !dir.is_dir() {
        return Err(Error::at(
            dir,
            "not a folder: init writes a site into a folder, new or empty",
        ));
    }
    if dir.join(CONFIG_FILE).exists() {
        return Err(Error::at(
            dir.join(CONFIG_FILE),
            "a site is already here: init would overwrite its config",
        ));
    }
    if dir.join("content").exists() {
        return Err(Error::at(
            dir.join("content"),
            "a content/ folder is already here: init writes only into a new site",
        ));
    }
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "My briefing".into());
    let day = now.format("%Y-%m-%d");
    let files: Vec<(PathBuf, String)> = vec![
        (
            PathBuf::from(CONFIG_FILE),
            format!(
                "title: {}\nbase_url: https://example.org/\ndescription: A daily briefing.\nlanguage: en\nauthor: The desk\n",
                yaml_string(&name)
            ),
        ),
        (
            PathBuf::from(format!("content/briefings/{day}-welcome.md")),
            front_matter(&NewBriefing {
                title: "Welcome to your briefing".into(),
                slug: None,
                date: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                summary: "What a briefing is, and how topics and people pages come from it.".into(),
                topics: vec!["Newsroom".into()],
                people: vec!["Ada Editor".into()],
            }) + "Each briefing is one Markdown file in `content/briefings/`. The names under\n`topics` and `people` become pages of their own, each listing every briefing\nabout them, each with its own feed.\n\nRun `briefing serve` and edit this file: the page in the browser updates\nwhen you save. Run `briefing new \"A title\"` to start the next one.\n",
        ),
        (
            PathBuf::from("content/topics/newsroom.md"),
            "---\nname: Newsroom\ndescription: How this briefing is made.\naliases: [The newsroom]\n---\nA topic profile gives a topic its description and the other names it goes by.\n".into(),
        ),
        (
            PathBuf::from("content/people/ada-editor.md"),
            "---\nname: Ada Editor\nrole: Editor\naliases: [Ada]\n---\nA person profile gives a role, a short biography, and the names readers use.\n".into(),
        ),
        (
            PathBuf::from("content/pages/about.md"),
            "---\ntitle: About\n---\nWho writes this briefing, and how to reach them.\n".into(),
        ),
    ];
    let mut files = files;
    // What `build` writes is made from the sources, and would bury every
    // edit in a commit of regenerated pages. A `.gitignore` already there
    // (init in a folder under git) is the editor's: left alone.
    if !dir.join(".gitignore").exists() {
        files.push((PathBuf::from(".gitignore"), GITIGNORE.into()));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
        }
        fs::write(&path, text).map_err(|e| Error::io(&path, &e))?;
        written.push(rel);
    }
    Ok(written)
}

/// The built site and the build caches (`.briefing/` has its own
/// `.gitignore` too, written on the first build; this covers it before).
const GITIGNORE: &str = "/site/\n/.briefing/\n";

#[derive(Serialize)]
struct NewBriefing {
    title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    slug: Option<String>,
    date: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    summary: String,
    topics: Vec<String>,
    people: Vec<String>,
}

/// The front-matter block, written by serde_yaml so any title is quoted
/// as YAML needs.
fn front_matter(briefing: &NewBriefing) -> String {
    let yaml = serde_yaml::to_string(briefing).unwrap_or_default();
    format!("---\n{yaml}---\n")
}

fn yaml_string(text: &str) -> String {
    serde_yaml::to_string(text)
        .map(|s| s.trim_end().to_string())
        .unwrap_or_else(|_| format!("{text:?}"))
}

/// Write `content/briefings/YYYY-MM-DD-<slug>.md` in `root` with the
/// front-matter filled in. Refuses to overwrite.
pub fn new_briefing(
    root: &Path,
    title: &str,
    topics: &[String],
    people: &[String],
    now: DateTime<FixedOffset>,
    transliterate: bool,
) -> Result<PathBuf, Error> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::new(
            "the title is empty: briefing new \"Putin and Xi hold talks\"",
        ));
    }
    let slug = slugify(title, transliterate);
    if slug.is_empty() {
        return Err(Error::new(format!(
            "the title '{title}' gives an empty file name: add letters or digits"
        )));
    }
    let day = now.format("%Y-%m-%d").to_string();
    let rel = PathBuf::from(format!("content/briefings/{day}-{slug}.md"));
    let path = root.join(&rel);
    if path.exists() {
        return Err(Error::at(
            &rel,
            "already exists: not overwritten (choose another title, or edit that file)",
        ));
    }
    let text = front_matter(&NewBriefing {
        title: title.to_string(),
        slug: free_slug(&slug, &day, &slugs_taken(root, transliterate)),
        date: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        summary: String::new(),
        topics: topics.to_vec(),
        people: people.to_vec(),
    }) + "\n";
    write_new(&path, &rel, &text)?;
    Ok(rel)
}

/// A `slug:` for a new briefing whose title gives `slug`, when another
/// briefing has it (a title used every day, "Morning briefing"): the day
/// tells them apart, in the address as in the file name.
fn free_slug(slug: &str, day: &str, taken: &HashSet<String>) -> Option<String> {
    if !taken.contains(&slug.to_lowercase()) {
        return None;
    }
    (1..)
        .map(|n| match n {
            1 => format!("{slug}-{day}"),
            n => format!("{slug}-{day}-{n}"),
        })
        .find(|s| !taken.contains(&s.to_lowercase()))
}

/// The slugs the site's briefings take, in lower case (two that differ
/// only in case collide, see `unique_slugs`): each file's own `slug:`, or
/// the one its name gives, as the link stage makes them.
fn slugs_taken(root: &Path, transliterate: bool) -> HashSet<String> {
    walkdir::WalkDir::new(root.join("content/briefings"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && is_markdown(&e.file_name().to_string_lossy()))
        .filter_map(|e| {
            // A file that does not parse gives the slug of its name.
            let written = fs::read_to_string(e.path())
                .ok()
                .and_then(|text| parse_loaded::<FrontMatter>(&text, e.path(), "").ok())
                .and_then(|loaded| loaded.meta.slug);
            briefing_slug(written.as_deref(), e.path(), transliterate).ok()
        })
        .map(|slug| slug.to_lowercase())
        .collect()
}

/// Write `content/editions/YYYY-MM-DD.md` in the site of `options`: an
/// edition of `day` carrying that day's published briefings in time order,
/// the newest as its lead, for the editor to reorder. Refuses to overwrite.
pub fn new_edition(
    options: &crate::BuildOptions,
    day: NaiveDate,
    now: DateTime<FixedOffset>,
) -> Result<PathBuf, Errors> {
    let rel = PathBuf::from(format!("content/editions/{}.md", day.format("%Y-%m-%d")));
    let path = options.root.join(&rel);
    if path.exists() {
        return Err(Error::at(
            &rel,
            "already exists: not overwritten (edit that file, or remove it first)",
        )
        .into());
    }
    let mut driver = crate::driver::Driver::open(options)?;
    driver.link(&crate::driver::Changes::everything(), None)?;
    let site = driver.site().ok_or_else(Errors::default)?;
    // Newest first in the site; a briefing's day is the one its page and
    // the archive show.
    let config = driver.config();
    let mut briefings: Vec<&crate::graph::Briefing> = site
        .briefings
        .iter()
        .filter(|b| !b.draft && b.date.day_in(b.shown_zone(config)) == day)
        .collect();
    let Some(lead) = briefings.first().copied() else {
        return Err(Error::new(format!(
            "no published briefing is dated {day}: write the day's briefings first"
        ))
        .into());
    };
    briefings.remove(0);
    briefings.reverse();
    // Written in the site's zone, so the edition shows the day it is of.
    let date = match lead.shown_zone(config) {
        _ if now.date_naive() == day => now,
        Some(zone) if !lead.date.date_only => lead.date.instant.with_timezone(&zone).fixed_offset(),
        _ => lead.date.instant,
    };
    let reference = |b: &crate::graph::Briefing| format!("\"@/{}\"", b.key);
    let mut text = format!(
        "---\ntitle: {}\ndate: {}\nlead: {}\nbriefings:\n",
        yaml_string(&format!("The briefing of {}", day.format("%-d %B %Y"))),
        date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        reference(lead),
    );
    if briefings.is_empty() {
        text = text.replace("briefings:\n", "briefings: []\n");
    }
    for b in briefings {
        text.push_str(&format!("  - {}\n", reference(b)));
    }
    text.push_str("---\n");
    write_new(&path, &rel, &text)?;
    Ok(rel)
}

/// Write `text` to a file that must not exist yet, its folder made if need
/// be; errors name `rel`. create_new: a file appearing meanwhile is not
/// overwritten either.
fn write_new(path: &Path, rel: &Path, text: &str) -> Result<(), Error> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, &e))?;
    }
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| Error::io(rel, &e))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(|e| Error::io(rel, &e))
}

/// Now, on the site's clock (`timezone:`) if it has one, else on the
/// machine's: the day a new file is named for is the day its page shows.
pub fn now(zone: Option<chrono_tz::Tz>) -> DateTime<FixedOffset> {
    match zone {
        Some(zone) => chrono::Utc::now().with_timezone(&zone).fixed_offset(),
        None => Local::now().fixed_offset(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_written_slug_is_taken_bare_or_quoted_and_a_name_gives_one() {
        let dir = tempfile::tempdir().unwrap();
        let briefings = dir.path().join("content/briefings");
        std::fs::create_dir_all(&briefings).unwrap();
        for (name, text) in [
            ("a.md", "---\ntitle: T\nslug: Kept\n---\n"),
            ("b.md", "---\ntitle: T\n\"slug\": quoted\n---\n"),
            ("2025-09-02-named.md", "---\ntitle: T\n---\nslug: body\n"),
            ("2025-09-03-broken.md", "---\ntitle: [\n---\n"),
        ] {
            std::fs::write(briefings.join(name), text).unwrap();
        }
        let mut taken: Vec<String> = super::slugs_taken(dir.path(), true).into_iter().collect();
        taken.sort();
        assert_eq!(taken, ["broken", "kept", "named", "quoted"]);
    }

    #[test]
    fn now_is_on_the_site_clock_when_it_has_one() {
        let shanghai = super::now(Some(chrono_tz::Asia::Shanghai));
        assert_eq!(shanghai.offset().local_minus_utc(), 8 * 3600);
        let utc = super::now(Some(chrono_tz::UTC));
        assert_eq!(utc.offset().local_minus_utc(), 0);
        assert!((shanghai.timestamp() - utc.timestamp()).abs() < 5);
    }
}

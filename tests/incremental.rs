//! The preview's invariant: after any sequence of edits, what `serve` holds
//! is byte for byte what a fresh build of the same files writes.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::PathBuf;

use briefing::serve::preview::Preview;
use briefing::serve::watch::Change;
use briefing::BuildOptions;
use common::{edit, fixture, TestSite};

const TALKS: &str = "content/briefings/2025-09-02-talks.md";

const BASE: &str = "http://127.0.0.1:1111/";

/// A small deterministic generator (xorshift), so a failure replays.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn options(site: &TestSite) -> BuildOptions {
    let mut options = BuildOptions::new(&site.root);
    options.base_url = Some(BASE.into());
    options
}

/// A fresh build of the same files, in memory.
fn fresh(site: &TestSite) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let options = options(site);
    let files = briefing::render_site(&options).map_err(|e| e.to_string())?;
    Ok(files.into_iter().map(|f| (f.path, f.bytes)).collect())
}

fn held(preview: &Preview) -> BTreeMap<String, Vec<u8>> {
    preview
        .files()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_vec()))
        .collect()
}

/// Whether any of `files` links to `path` with `@/`: such a file cannot
/// go without breaking the site.
fn linked_to(site: &TestSite, files: &[PathBuf], path: &std::path::Path) -> bool {
    let key = path
        .strip_prefix("content")
        .expect("content")
        .display()
        .to_string();
    files.iter().any(|f| {
        fs::read_to_string(site.root.join(f)).is_ok_and(|t| t.contains(&format!("@/{key}")))
    })
}

fn briefings(site: &TestSite) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = walkdir::WalkDir::new(site.root.join("content/briefings"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(&site.root)
                .expect("prefix")
                .to_path_buf()
        })
        .collect();
    found.sort();
    found
}

const PEOPLE: &[&str] = &[
    "Xi",
    "Putin",
    "Narendra Modi",
    "Kim Jong Un",
    "Donald Trump",
    "President Xi",
];
const TOPICS: &[&str] = &[
    "SCO",
    "Energy",
    "Trade",
    "Tariffs",
    "Shanghai Cooperation Organisation",
];
const STORIES: &[&str] = &[
    "",
    "Putin in China",
    "Tariffs on India",
    "[Putin in China, Tariffs on India]",
    "Putin's visit",
];

fn briefing_text(dice: &mut Dice, n: usize, links_to: Option<&str>) -> String {
    let day = 1 + dice.below(28);
    let hour = dice.below(24);
    let date = if dice.below(3) == 0 {
        format!("2025-09-{day:02}")
    } else {
        format!("2025-09-{day:02}T{hour:02}:00:00+0{}:00", dice.below(9))
    };
    let people: Vec<&str> = (0..dice.below(3)).map(|_| *dice.pick(PEOPLE)).collect();
    let topics: Vec<&str> = (0..dice.below(3)).map(|_| *dice.pick(TOPICS)).collect();
    let story = *dice.pick(STORIES);
    let mut text = format!(
        "---\ntitle: Briefing number {n} on {}\ndate: {date}\npeople: [{}]\ntopics: [{}]\n",
        dice.pick(TOPICS),
        people.join(", "),
        topics.join(", ")
    );
    if !story.is_empty() {
        text.push_str(&format!("story: {story}\n"));
    }
    if dice.below(4) == 0 {
        text.push_str("summary: A summary written by hand.\n");
    }
    text.push_str("---\n");
    text.push_str(&format!(
        "Putin and Xi meet again, edit {n}. Energy and trade are discussed.\n"
    ));
    if let Some(target) = links_to {
        text.push_str(&format!("\nSee [the earlier one](@/{target}).\n"));
    }
    text
}

/// A new body under the same front-matter: names listed or not, links to
/// other briefings with or without an anchor, sometimes a heading.
fn body_text(dice: &mut Dice, step: usize, others: &[PathBuf]) -> String {
    let mut body = String::new();
    if dice.below(5) == 0 {
        body.push_str(&format!("## Section {}\n\n", dice.below(2)));
    }
    body.push_str(&format!(
        "{} spoke about {}, body edit {step}.\n",
        dice.pick(PEOPLE),
        dice.pick(TOPICS)
    ));
    if !others.is_empty() && dice.below(2) == 0 {
        let target = dice
            .pick(others)
            .strip_prefix("content")
            .map(|p| p.display().to_string());
        if let Ok(target) = target {
            let anchor = match dice.below(6) {
                0 => "#the-opening",
                1 => "#section-1",
                _ => "",
            };
            body.push_str(&format!("\nSee [another](@/{target}{anchor}).\n"));
        }
    }
    body
}

#[test]
fn any_sequence_of_edits_holds_what_a_fresh_build_writes() {
    let site = fixture("crosslinks");
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held(&preview), fresh(&site).expect("fresh build"));

    let mut dice = Dice(0x5eed_b41e_f1a6);
    let mut broken: Option<PathBuf> = None;
    let mut patched = 0;
    let mut story_saves = 0;
    let (mut shown_saves, mut shown_patched, mut offset_saves) = (0, 0, 0);
    // Whether the last rebuild succeeded: a failed one leaves no site to patch.
    let mut holds_site = true;
    for step in 0..200 {
        let files = briefings(&site);
        let mut changes: Vec<Change> = Vec::new();
        let what = dice.below(13);
        let (mut shown_save, mut offset_save) = (false, false);
        if let Some(path) = broken.take() {
            // Fix the file broken last step.
            let n = step;
            fs::write(site.root.join(&path), briefing_text(&mut dice, n, None)).expect("write");
            changes.push(Change::Content(path));
        } else if what >= 10 && !files.is_empty() {
            // The usual save: the body changes, the front-matter does not.
            let path = dice.pick(&files).clone();
            let text = fs::read_to_string(site.root.join(&path)).expect("read");
            let end = text[4..]
                .find("\n---\n")
                .map(|at| at + 9)
                .expect("front-matter");
            let others: Vec<PathBuf> = files.iter().filter(|f| **f != path).cloned().collect();
            let body = body_text(&mut dice, step, &others);
            fs::write(site.root.join(&path), format!("{}{body}", &text[..end])).expect("write");
            changes.push(Change::Content(path.clone()));
            broken = Some(path);
        } else if what <= 2 && !files.is_empty() {
            // Rewrite a briefing, perhaps linking another.
            let path = dice.pick(&files).clone();
            let target = dice
                .pick(&files)
                .strip_prefix("content")
                .ok()
                .map(|p| p.display().to_string());
            let target = target.filter(|t| !path.ends_with(t) && dice.below(2) == 0);
            fs::write(
                site.root.join(&path),
                briefing_text(&mut dice, step, target.as_deref()),
            )
            .expect("write");
            changes.push(Change::Content(path));
        } else if what == 3 {
            let path = PathBuf::from(format!("content/briefings/new-{step}.md"));
            fs::write(site.root.join(&path), briefing_text(&mut dice, step, None)).expect("write");
            changes.push(Change::Content(path));
        } else if what == 4 && files.len() > 2 {
            // Delete one, unless others link to it.
            let path = dice.pick(&files).clone();
            let linked = linked_to(&site, &files, &path);
            if !linked {
                fs::remove_file(site.root.join(&path)).expect("remove");
                changes.push(Change::Content(path));
            }
        } else if what == 5 && !files.is_empty() {
            // Rename (or move into a subfolder), unless others link to it.
            let path = dice.pick(&files).clone();
            let linked = linked_to(&site, &files, &path);
            if !linked {
                let to = if dice.below(2) == 0 {
                    PathBuf::from(format!("content/briefings/moved-{step}.md"))
                } else {
                    PathBuf::from(format!("content/briefings/sub/moved-{step}.md"))
                };
                fs::create_dir_all(site.root.join(to.parent().expect("parent"))).expect("mkdir");
                fs::rename(site.root.join(&path), site.root.join(&to)).expect("rename");
                changes.push(Change::Content(path));
                changes.push(Change::Content(to));
            }
        } else if what == 6 && dice.below(2) == 0 {
            // A story's profile changes: summary, aliases, introduction.
            let path = PathBuf::from("content/stories/putin-in-china.md");
            let aliases = if dice.below(2) == 0 {
                "[Putin's visit]"
            } else {
                "[]"
            };
            let text = format!("---\ntitle: Putin in China\nsummary: Summary {step}.\naliases: {aliases}\n---\nIntroduction {step}.\n");
            fs::create_dir_all(site.root.join("content/stories")).expect("mkdir");
            fs::write(site.root.join(&path), text).expect("write");
            changes.push(Change::Content(path));
            story_saves += 1;
        } else if what == 6 {
            // A profile changes: role and aliases.
            let path = PathBuf::from("content/people/xi-jinping.md");
            let aliases = if dice.below(2) == 0 {
                "[Xi, President Xi]"
            } else {
                "[Xi]"
            };
            let text = format!("---\nname: Xi Jinping\nrole: Role {step}\naliases: {aliases}\n---\nProfile text {step}.\n");
            fs::write(site.root.join(&path), text).expect("write");
            changes.push(Change::Content(path));
        } else if what == 7 && !files.is_empty() {
            // A broken save.
            let path = dice.pick(&files).clone();
            fs::write(
                site.root.join(&path),
                "---\ntitle: Broken\ndate: not a date\n---\n",
            )
            .expect("write");
            changes.push(Change::Content(path.clone()));
            broken = Some(path);
        } else if what == 8 {
            let path = PathBuf::from("content/pages/about.md");
            fs::write(
                site.root.join(&path),
                format!(
                    "---\ntitle: About {}\n---\nAbout text {step}.\n",
                    dice.below(3)
                ),
            )
            .expect("write");
            changes.push(Change::Content(path));
        } else if what == 9 && dice.below(2) == 0 && !files.is_empty() {
            // Only what its pages show changes: the title, the summary
            // (given, changed or taken away) and sources, which move the
            // body down the file.
            // Or, as often as each of those, the same moment written in
            // another offset: a date that files it elsewhere, not patched.
            let path = dice.pick(&files).clone();
            let text = fs::read_to_string(site.root.join(&path)).expect("read");
            let how = dice.below(4);
            fs::write(site.root.join(&path), shown_edit(&text, step, how)).expect("write");
            changes.push(Change::Content(path));
            // A draft is not in the site to be patched.
            let in_site = holds_site && !text.contains("draft: true");
            shown_save = in_site && how < 3;
            shown_saves += usize::from(shown_save);
            offset_save = in_site && how == 3;
            offset_saves += usize::from(offset_save);
        } else {
            // A stylesheet edit.
            fs::create_dir_all(site.root.join("static/css")).expect("mkdir");
            fs::write(
                site.root.join("static/css/site.css"),
                format!("body {{ margin: {step}px; }}\n"),
            )
            .expect("write");
            changes.push(Change::Static);
        }
        if changes.is_empty() {
            continue;
        }

        let result = preview.rebuild(&changes);
        match fresh(&site) {
            Ok(expected) => {
                match result {
                    Err(e) => panic!("step {step}: the preview failed where a build succeeds: {e}"),
                    Ok(rebuilt) => {
                        patched += usize::from(rebuilt.patched);
                        assert!(
                            !(offset_save && rebuilt.patched),
                            "step {step}: a date moved to another offset was patched in"
                        );
                        if shown_save && rebuilt.patched {
                            shown_patched += 1;
                        }
                        holds_site = true;
                    }
                }
                // A body edit that builds needs no fixing.
                if what >= 10 {
                    broken = None;
                }
                let got = held(&preview);
                let missing: Vec<&String> =
                    expected.keys().filter(|k| !got.contains_key(*k)).collect();
                let extra: Vec<&String> =
                    got.keys().filter(|k| !expected.contains_key(*k)).collect();
                assert!(
                    missing.is_empty() && extra.is_empty(),
                    "step {step} {changes:?}: missing {missing:?}, extra {extra:?}"
                );
                for (path, bytes) in &expected {
                    assert!(
                        got[path] == *bytes,
                        "step {step} {changes:?}: {path} differs from a fresh build"
                    );
                }
            }
            Err(build_error) => {
                holds_site = false;
                let preview_error = result.err().map(|e| e.to_string());
                assert_eq!(
                    preview_error.as_deref(),
                    Some(build_error.as_str()),
                    "step {step}"
                );
            }
        }
    }
    // The fast path for body-only saves was taken, and checked, often.
    assert!(patched >= 20, "only {patched} rebuilds patched the site");
    assert!(
        story_saves >= 2,
        "a story's profile was saved {story_saves} times"
    );
    // A save of what the pages show is patched in too.
    assert!(shown_saves >= 4, "{shown_saves} saves of a title");
    assert_eq!(shown_patched, shown_saves, "saves of a title patched");
    assert!(
        offset_saves >= 2,
        "{offset_saves} saves of a date in another offset"
    );
}

/// `text` with a new title and, by `how`, a summary given, a summary taken
/// away, sources added, or (3) its date written as the same moment in
/// another offset; the rest of the front-matter as it was.
fn shown_edit(text: &str, step: usize, how: usize) -> String {
    let end = text[4..]
        .find("\n---\n")
        .map(|at| at + 5)
        .expect("front-matter");
    let (front, body) = text.split_at(end);
    let mut lines: Vec<String> = front
        .lines()
        .filter(|line| !(how == 1 && line.starts_with("summary:")))
        .map(|line| match line {
            l if l.starts_with("title:") => format!("title: Retitled at step {step}"),
            l if l.starts_with("summary:") => format!("summary: Summary {step}."),
            l if how == 3 && l.starts_with("date:") => format!("date: {}", other_offset(&l[5..])),
            l => l.to_string(),
        })
        .collect();
    if how == 0 && !lines.iter().any(|l| l.starts_with("summary:")) {
        lines.push(format!("summary: Summary {step}."));
    }
    if how == 2 && !lines.iter().any(|l| l.starts_with("sources:")) {
        lines.push("sources:".into());
        lines.push(format!("  - title: Source {step}"));
        lines.push("    url: https://example.org/source".into());
    }
    format!("{}\n{body}", lines.join("\n"))
}

/// The moment `date` names, written in another offset (a day alone: its
/// midnight in UTC, written out).
fn other_offset(date: &str) -> String {
    let date = date.trim();
    let Ok(instant) = chrono::DateTime::parse_from_rfc3339(date) else {
        return format!("{date}T00:00:00+00:00");
    };
    let hours = if instant.offset().local_minus_utc() == 0 {
        -5
    } else {
        0
    };
    let offset = chrono::FixedOffset::east_opt(hours * 3600).expect("an offset");
    instant.with_timezone(&offset).to_rfc3339()
}

/// The preview rebuilt after a save of `path`.
fn saved(preview: &mut Preview, path: &str) -> briefing::serve::preview::Rebuilt {
    preview
        .rebuild(&[Change::Content(PathBuf::from(path))])
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_body_edit_renders_only_the_pages_that_show_it() {
    let site = fixture("crosslinks");
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    let total = preview.files().len();
    edit(&site, TALKS, "on a pipeline.", "on a gas pipeline.");
    let rebuilt = saved(&mut preview, TALKS);
    // Its own page, and the feeds carrying its full text (site, its topics and people).
    assert!(rebuilt
        .changed
        .contains(&"briefings/talks/index.html".to_string()));
    assert!(rebuilt.changed.contains(&"rss.xml".to_string()));
    assert!(!rebuilt
        .changed
        .contains(&"briefings/summit/index.html".to_string()));
    assert!(
        rebuilt.rendered < total / 3,
        "rendered {} of {total}",
        rebuilt.rendered
    );
    assert!(rebuilt.patched, "a body-only save is patched in");
    assert_eq!(held(&preview), fresh(&site).expect("fresh build"));

    // A changed heading may break anchors elsewhere: the whole link stage runs.
    edit(&site, TALKS, "## Gas", "## Gas and oil");
    let rebuilt = saved(&mut preview, TALKS);
    assert!(!rebuilt.patched);
    assert_eq!(held(&preview), fresh(&site).expect("fresh build"));
}

#[test]
fn a_title_edit_is_patched_in_and_a_date_edit_links_again() {
    let site = fixture("crosslinks");
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    let total = preview.files().len();
    edit(&site, TALKS, "hold talks", "hold talks again");
    let rebuilt = saved(&mut preview, TALKS);
    assert!(rebuilt.patched, "a title save is patched in");
    assert!(rebuilt
        .changed
        .contains(&"briefings/talks/index.html".to_string()));
    assert!(
        rebuilt.rendered < total / 2,
        "rendered {} of {total}",
        rebuilt.rendered
    );
    let page = String::from_utf8_lossy(&preview.files()["briefings/talks/index.html"]).into_owned();
    assert!(page.contains("Putin and Xi hold talks again"));
    assert_eq!(held(&preview), fresh(&site).expect("fresh build"));

    // A date moves it in every list: the whole link stage runs.
    edit(&site, TALKS, "date: 2025-09-02T10", "date: 2025-09-04T10");
    let rebuilt = saved(&mut preview, TALKS);
    assert!(!rebuilt.patched);
    assert_eq!(held(&preview), fresh(&site).expect("fresh build"));
}

#[test]
fn a_config_change_saved_with_a_body_edit_is_not_patched_into_the_old_site() {
    // A body-only save is patched into the site held; saved in the same
    // batch as the config, the site is linked again under the new one
    // (the driver refuses the patch, and a plan would not fit the
    // digests of a driver opened afresh either).
    let site = fixture("crosslinks");
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    edit(&site, TALKS, "on a pipeline.", "on a gas pipeline.");
    edit(
        &site,
        "briefing.yaml",
        "title: Crosslinks",
        "title: Crosslinks renamed",
    );
    let path = PathBuf::from(TALKS);
    let rebuilt = preview
        .rebuild(&[Change::Config, Change::Content(path)])
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !rebuilt.patched,
        "patched into the site linked under the old config"
    );
    let talks = String::from_utf8_lossy(&held(&preview)["briefings/talks/index.html"]).into_owned();
    assert!(talks.contains("Crosslinks renamed") && talks.contains("gas pipeline"));
    assert_eq!(held(&preview), fresh(&site).expect("fresh build"));
}

#[test]
fn a_briefing_whose_front_matter_did_not_change_gets_its_slug_again_under_a_new_slug_rule() {
    // What a briefing's front-matter says is kept from one link to the next
    // while the front-matter is the same; its slug also depends on the
    // config's transliteration, which a config save may turn off.
    let site = fixture("crosslinks");
    site.write(
        "content/briefings/2025-09-04-встреча.md",
        "---\ntitle: A meeting\ndate: 2025-09-04T09:00:00+08:00\ntopics: [Energy]\n---\nMet.\n",
    );
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    assert!(held(&preview).contains_key("briefings/vstrecha/index.html"));
    let config = fs::read_to_string(site.root.join("briefing.yaml")).expect("config");
    site.write(
        "briefing.yaml",
        &format!("{config}slugs:\n  transliterate: false\n"),
    );
    preview
        .rebuild(&[Change::Config])
        .unwrap_or_else(|e| panic!("{e}"));
    let files = held(&preview);
    assert!(files.contains_key("briefings/встреча/index.html"));
    assert!(!files.contains_key("briefings/vstrecha/index.html"));
    assert_eq!(files, fresh(&site).expect("fresh build"));
}

/// What the full link stage refuses in a body, a save patched in must be
/// refused too: the preview shows the error a build would give.
#[test]
fn a_body_save_the_link_stage_would_refuse_is_not_patched_in() {
    let site = fixture("crosslinks");
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    edit(
        &site,
        TALKS,
        "on a pipeline.",
        "on a pipeline.\n\n| | Cost |\n|---|---|\n| Gas | High |\n",
    );
    let errors = preview
        .rebuild(&[Change::Content(PathBuf::from(TALKS))])
        .expect_err("an empty header cell is an error");
    let built = fresh(&site).expect_err("a build fails too");
    assert!(
        errors.to_string().contains("a table header cell is empty"),
        "{errors}"
    );
    assert_eq!(errors.to_string(), built);

    // Fixed, then a table padded past what a body may render to.
    edit(&site, TALKS, "| | Cost |", "| Fuel | Cost |");
    saved(&mut preview, TALKS);
    let padded = format!(
        "\n{}|\n{}|\n{}",
        "| a ".repeat(64),
        "|---".repeat(64),
        "| x |\n".repeat(5_000)
    );
    edit(&site, TALKS, "| Gas | High |\n", &padded);
    let errors = preview
        .rebuild(&[Change::Content(PathBuf::from(TALKS))])
        .expect_err("too much HTML is an error");
    assert!(
        errors
            .to_string()
            .contains("16 times the Markdown, or 4096 if more"),
        "{errors}"
    );
    assert_eq!(
        errors.to_string(),
        fresh(&site).expect_err("a build fails too")
    );
}

/// The error a rebuild gives, and a fresh build's, as text.
fn both_fail(preview: &mut Preview, site: &TestSite, changes: &[Change]) -> String {
    let errors = preview
        .rebuild(changes)
        .expect_err("the preview fails")
        .to_string();
    assert_eq!(errors, fresh(site).expect_err("a build fails too"));
    errors
}

#[test]
fn an_error_stays_until_its_file_is_fixed_whatever_else_is_saved() {
    let site = fixture("crosslinks");
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    const SUMMIT: &str = "content/briefings/2025-08-31-summit.md";
    edit(
        &site,
        TALKS,
        "on a pipeline.",
        "on a pipeline. See [the summit](@/briefings/2025-08-31-summit.md#nope).",
    );
    let broken = both_fail(
        &mut preview,
        &site,
        &[Change::Content(PathBuf::from(TALKS))],
    );
    assert!(
        broken.contains("has no heading with the id '#nope'"),
        "{broken}"
    );
    // Another briefing saved, as a patch would take it: the error stays.
    edit(&site, SUMMIT, "title: SCO summit", "title: The SCO summit");
    let still = both_fail(
        &mut preview,
        &site,
        &[Change::Content(PathBuf::from(SUMMIT))],
    );
    assert_eq!(still, broken);
    edit(&site, TALKS, "#nope", "#the-opening");
    saved(&mut preview, TALKS);
    assert_eq!(held(&preview), fresh(&site).expect("fresh build"));
}

#[test]
fn new_limits_apply_to_every_file_read_before() {
    let site = fixture("crosslinks");
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    let config = fs::read_to_string(site.root.join("briefing.yaml")).expect("config");
    site.write(
        "briefing.yaml",
        &format!("{config}limits: {{title_chars: 20}}\n"),
    );
    let errors = both_fail(&mut preview, &site, &[Change::Config]);
    assert!(errors.contains("at most 20 are allowed"), "{errors}");
    site.write("briefing.yaml", &config);
    preview
        .rebuild(&[Change::Config])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held(&preview), fresh(&site).expect("fresh build"));
}

#[test]
fn a_static_file_saved_with_a_briefing_is_checked_against_the_pages() {
    let site = fixture("crosslinks");
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    site.write("static/about", "x\n");
    edit(&site, TALKS, "on a pipeline.", "on a gas pipeline.");
    let errors = both_fail(
        &mut preview,
        &site,
        &[Change::Static, Change::Content(PathBuf::from(TALKS))],
    );
    assert!(
        errors.contains("where the static file /about is"),
        "{errors}"
    );
}

#[test]
fn a_static_file_that_stood_for_a_page_gives_the_page_back_in_the_preview() {
    let site = fixture("crosslinks");
    let mut preview = Preview::new(options(&site)).unwrap_or_else(|e| panic!("{e}"));
    site.write("static/index.html", "STATIC\n");
    preview
        .rebuild(&[Change::Static])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held(&preview)["index.html"], b"STATIC\n");
    site.remove("static/index.html");
    preview
        .rebuild(&[Change::Static])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held(&preview), fresh(&site).expect("fresh build"));
}

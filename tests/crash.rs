//! Crash consistency: a `briefing build` killed at any instant — by
//! SIGKILL or SIGTERM, at random moments and at the protocol's own steps
//! (right after the swap, between renames, before the mark, before and in
//! the middle of the cache write) — and then built again, leaves exactly
//! what a fresh build of the same content writes into an empty folder:
//! every file and folder, byte for byte. Half the time the content is put
//! back as it was before the killed build, the case in which a cache that
//! vouched for what it did not see would leave stale pages.
//!
//! Both ways a build writes are tried: in place (a few pages) and through
//! a staging folder, which a small site takes when the debug-only
//! `BRIEFING_IN_PLACE_LIMIT=0` says so. `BRIEFING_CRASH_AT=<step>` (read
//! only by debug builds) makes the build kill itself with SIGKILL at that
//! step; the test checks that it did die of SIGKILL there.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{listing, Entry};

const BIN: &str = env!("CARGO_BIN_EXE_briefing");
/// Pinned, so the news sitemap of every build is the same.
const EPOCH: &str = "1757000000";
const BRIEFINGS: usize = 300;
const TOPICS: [&str; 7] = [
    "Energy",
    "Trade",
    "Elections",
    "Climate",
    "Health",
    "Defence",
    "Space",
];
const PEOPLE: [&str; 11] = [
    "Ada Obi",
    "Ben Ruiz",
    "Chen Li",
    "Dana Roy",
    "Eli Stone",
    "Fay Wong",
    "Gus Park",
    "Hana Sato",
    "Ivo Petrov",
    "Jana Novak",
    "Kofi Mensah",
];

/// Two versions of one site: `Before`, and `After`, in which a third of
/// the briefings changed, some topics moved, twenty briefings went and
/// twenty came, and a static file became a folder.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Content {
    Before,
    After,
}

fn write_content(root: &Path, content: Content) {
    for folder in ["content", "static"] {
        let _ = fs::remove_dir_all(root.join(folder));
    }
    fs::create_dir_all(root.join("content/briefings")).expect("content");
    fs::create_dir_all(root.join("static")).expect("static");
    fs::write(
        root.join("briefing.yaml"),
        "title: Crash test\nbase_url: https://example.org/\n",
    )
    .expect("config");
    let after = content == Content::After;
    let numbers: Vec<usize> = if after {
        (0..BRIEFINGS - 20)
            .chain(BRIEFINGS..BRIEFINGS + 20)
            .collect()
    } else {
        (0..BRIEFINGS).collect()
    };
    for i in numbers {
        let changed = after && i % 3 == 0;
        let topic = TOPICS[if after && i % 5 == 0 { i + 1 } else { i } % TOPICS.len()];
        let person = PEOPLE[(i * 3) % PEOPLE.len()];
        let title = if changed {
            format!("Revised story {i}")
        } else {
            format!("Story {i}")
        };
        let (month, day) = (1 + (i / 28) % 12, 1 + i % 28);
        let body = if changed {
            format!("A new account of {topic}, with {person}, number {i}.\n\nMore to say.\n")
        } else {
            format!("What {person} said about {topic}, number {i}.\n")
        };
        fs::write(
            root.join(format!("content/briefings/2025-{month:02}-{day:02}-story-{i}.md")),
            format!("---\ntitle: {title}\ndate: 2025-{month:02}-{day:02}\ntopics: [{topic}]\npeople: [{person}]\n---\n{body}"),
        )
        .expect("briefing");
    }
    if after {
        fs::create_dir_all(root.join("static/docs")).expect("docs");
        fs::write(root.join("static/docs/guide.txt"), "in a folder\n").expect("guide");
        fs::write(root.join("static/extra.css"), "p { margin: 0 }\n").expect("css");
    } else {
        fs::write(root.join("static/docs"), "a file\n").expect("docs");
    }
}

/// The first few differences between two listings.
fn differences(got: &BTreeMap<String, Entry>, want: &BTreeMap<String, Entry>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, entry) in want {
        match got.get(path) {
            None => out.push(format!("missing {path}")),
            Some(e) if e != entry => out.push(format!("differs {path}")),
            _ => {}
        }
    }
    for path in got.keys().filter(|p| !want.contains_key(*p)) {
        out.push(format!("extra {path}"));
    }
    out.truncate(10);
    out
}

fn command(root: &Path) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["build", "--quiet", "--root"])
        .arg(root)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("BRIEFING_CRASH_AT")
        .env_remove("BRIEFING_IN_PLACE_LIMIT")
        .stdout(Stdio::null());
    command
}

fn build(root: &Path, env: &[(&str, &str)]) {
    let out = command(root)
        .envs(env.iter().copied())
        .output()
        .expect("run briefing");
    assert!(
        out.status.success(),
        "build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What a fresh build of `content` writes into an empty folder.
fn fresh(content: Content) -> BTreeMap<String, Entry> {
    let dir = tempfile::tempdir().expect("temp dir");
    write_content(dir.path(), content);
    build(dir.path(), &[]);
    listing(&dir.path().join("site"))
}

/// A small generator, so a failure can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

enum Kill {
    /// SIGKILL (or SIGTERM) from outside, this long after the start.
    After(Duration, bool),
    /// The build kills itself at this step.
    At(&'static str),
}

struct Bench {
    root: PathBuf,
    _dir: tempfile::TempDir,
    now: Content,
    fresh_before: BTreeMap<String, Entry>,
    fresh_after: BTreeMap<String, Entry>,
    /// Extra environment: which way the build writes.
    env: Vec<(&'static str, &'static str)>,
}

impl Bench {
    fn new(env: Vec<(&'static str, &'static str)>) -> Bench {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site-root");
        write_content(&root, Content::Before);
        build(&root, &env);
        Bench {
            root,
            _dir: dir,
            now: Content::Before,
            fresh_before: fresh(Content::Before),
            fresh_after: fresh(Content::After),
            env,
        }
    }

    /// How long a build from one version to the other takes, unkilled.
    fn duration(&mut self) -> Duration {
        let next = self.other();
        write_content(&self.root, next);
        let started = Instant::now();
        build(&self.root, &self.env);
        self.now = next;
        started.elapsed()
    }

    fn other(&self) -> Content {
        match self.now {
            Content::Before => Content::After,
            Content::After => Content::Before,
        }
    }

    /// Change the content, start a build, stop it by `kill`; then, with the
    /// content changed or put back (`revert`), build again and compare.
    fn trial(&mut self, kill: &Kill, revert: bool, what: &str) {
        let next = self.other();
        write_content(&self.root, next);
        let mut command = command(&self.root);
        command.envs(self.env.iter().copied()).stderr(Stdio::null());
        if let Kill::At(step) = kill {
            command.env("BRIEFING_CRASH_AT", step);
        }
        let mut child = command.spawn().expect("start briefing");
        match kill {
            Kill::After(delay, term) => {
                std::thread::sleep(*delay);
                if *term {
                    let pid = libc::pid_t::try_from(child.id()).expect("pid");
                    // SAFETY: a signal to the child this test started.
                    unsafe { libc::kill(pid, libc::SIGTERM) };
                } else {
                    let _ = child.kill();
                }
                let _ = child.wait();
            }
            Kill::At(step) => {
                let status = child.wait().expect("wait");
                assert_eq!(
                    status.signal(),
                    Some(libc::SIGKILL),
                    "{what}: the build did not reach {step} ({status})"
                );
            }
        }
        let last = if revert { self.now } else { next };
        if revert {
            write_content(&self.root, last);
        }
        build(&self.root, &self.env);
        self.now = last;
        let want = match last {
            Content::Before => &self.fresh_before,
            Content::After => &self.fresh_after,
        };
        let got = listing(&self.root.join("site"));
        let diff = differences(&got, want);
        assert!(
            diff.is_empty(),
            "{what}, then a build of {last:?}: the output differs from a fresh build: {diff:#?}"
        );
        let leftovers: Vec<String> = fs::read_dir(&self.root)
            .expect("root")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".site."))
            .collect();
        assert!(leftovers.is_empty(), "{what}: left behind {leftovers:?}");
    }

    fn run(&mut self, steps: &[&'static str], seed: u64) {
        let full = self.duration().mul_f64(1.2);
        let mut rng = Rng(seed);
        for step in steps {
            for revert in [false, true] {
                let what = format!("killed at {step} (revert: {revert})");
                self.trial(&Kill::At(step), revert, &what);
            }
        }
        for i in 0..32 {
            let delay = full.mul_f64(rng.below(1000) as f64 / 1000.0);
            let term = i % 4 == 3;
            let revert = rng.below(2) == 0;
            let what = format!(
                "kill {i} (seed {seed}): {} after {delay:?} (revert: {revert})",
                if term { "SIGTERM" } else { "SIGKILL" }
            );
            self.trial(&Kill::After(delay, term), revert, &what);
        }
    }
}

#[test]
fn a_killed_update_in_place_is_repaired_by_the_next_build() {
    let mut bench = Bench::new(Vec::new());
    bench.run(
        &["mid-renames", "before-mark", "before-cache", "mid-cache"],
        0x9e37_79b9_7f4a_7c15,
    );
}

#[test]
fn a_killed_build_through_a_staging_folder_is_repaired_by_the_next_build() {
    let mut bench = Bench::new(vec![("BRIEFING_IN_PLACE_LIMIT", "0")]);
    bench.run(
        &["after-swap", "before-cache", "mid-cache"],
        0x2545_f491_4f6c_dd1d,
    );
}

#[test]
fn two_builds_of_one_output_at_once_take_turns() {
    let mut bench = Bench::new(vec![("BRIEFING_IN_PLACE_LIMIT", "0")]);
    for round in 0..6 {
        let next = bench.other();
        write_content(&bench.root, next);
        let children: Vec<_> = (0..2)
            .map(|_| {
                command(&bench.root)
                    .envs(bench.env.iter().copied())
                    .stderr(Stdio::piped())
                    .spawn()
                    .expect("start briefing")
            })
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("wait");
            assert!(
                out.status.success(),
                "round {round}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        bench.now = next;
        let want = match next {
            Content::Before => &bench.fresh_before,
            Content::After => &bench.fresh_after,
        };
        let diff = differences(&listing(&bench.root.join("site")), want);
        assert!(diff.is_empty(), "round {round}: {diff:#?}");
    }
}

#[test]
fn what_killed_builds_left_is_removed_by_the_next_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site-root");
    write_content(&root, Content::Before);
    build(&root, &[]);
    // Left by builds killed part-way, of this version and of earlier ones.
    let leftovers = [
        ".site.staging/index.html",
        ".site.old/index.html",
        ".site.staging-4242/briefings/x/index.html",
        ".site.old-4242/index.html",
        "..site.cache-html.new-4242",
        "site/.briefing-new/0",
    ];
    // Not ours: they stay.
    let others = [".site.staging-x/keep", ".sites.old/keep", "notes.txt"];
    for path in leftovers.iter().chain(&others) {
        let path = root.join(path);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, "left over\n").expect("write");
    }
    // Empty folders, as a killed update can leave: a fresh build has none.
    fs::create_dir_all(root.join("site/briefings/gone/deeper")).expect("mkdir");
    build(&root, &[]);
    assert!(!root.join("site/briefings/gone").exists());
    for path in leftovers {
        let top = path.split('/').next().expect("name");
        let top = if top == "site" {
            "site/.briefing-new"
        } else {
            top
        };
        assert!(!root.join(top).exists(), "{top} is still there");
    }
    for path in others {
        assert!(root.join(path).exists(), "{path} was removed");
    }
}

//! A fixture site copied into a temp dir, built, and read back.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use briefing::{BuildOptions, Errors, Report};

pub struct TestSite {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// `tests/fixtures/<name>` in a fresh temp dir.
pub fn fixture(name: &str) -> TestSite {
    from_dir(&fixtures().join(name))
}

/// The repository's own example site (config, content, theme) in a temp dir.
pub fn example() -> TestSite {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("example");
    fs::create_dir_all(&root).expect("mkdir");
    fs::copy(repo.join("briefing.yaml"), root.join("briefing.yaml")).expect("config");
    for sub in ["content", "themes"] {
        copy_dir(&repo.join(sub), &root.join(sub));
    }
    TestSite { _dir: dir, root }
}

pub fn from_dir(source: &Path) -> TestSite {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site-root");
    copy_dir(source, &root);
    TestSite { _dir: dir, root }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("create dir");
    for entry in fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            if entry.file_name() == "site" || entry.file_name() == "target" {
                continue;
            }
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

impl TestSite {
    pub fn options(&self) -> BuildOptions {
        BuildOptions::new(&self.root)
    }

    pub fn build(&self) -> Result<Report, Errors> {
        briefing::build(&self.options())
    }

    pub fn build_ok(&self) -> Report {
        match self.build() {
            Ok(report) => report,
            Err(e) => panic!("build failed:\n{e}"),
        }
    }

    pub fn build_err(&self) -> Errors {
        match self.build() {
            Ok(_) => panic!("the build should have failed"),
            Err(e) => e,
        }
    }

    pub fn out(&self) -> PathBuf {
        self.root.join("site")
    }

    /// A built file, as text.
    pub fn page(&self, path: &str) -> String {
        let file = self.out().join(path);
        fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
    }

    pub fn write(&self, path: &str, text: &str) -> &Self {
        let file = self.root.join(path);
        fs::create_dir_all(file.parent().expect("parent")).expect("mkdir");
        fs::write(file, text).expect("write");
        self
    }

    pub fn remove(&self, path: &str) -> &Self {
        fs::remove_file(self.root.join(path)).expect("remove");
        self
    }
}

/// Replace the first `from` in the site's file `path` with `to`; `from`
/// must be there, so an edit that changes nothing fails the test.
pub fn edit(site: &TestSite, path: &str, from: &str, to: &str) {
    let file = site.root.join(path);
    let text = fs::read_to_string(&file).expect("read");
    assert!(text.contains(from), "{path} has no {from:?}");
    fs::write(&file, text.replacen(from, to, 1)).expect("write");
}

/// Every `href="…"` and `src="…"` value in an HTML page.
pub fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
                rest = &rest[end..];
            }
        }
    }
    out
}

/// The text between `<tag …>` and `</tag>` for the first such element
/// whose opening tag contains `marker`.
pub fn section<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in page"));
    let rest = &html[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    &rest[..end]
}

/// A `briefing serve` process, killed when dropped, however the test ends.
pub struct Server {
    child: std::process::Child,
    /// `http://127.0.0.1:PORT/`
    pub url: String,
    /// `127.0.0.1:PORT`
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `briefing serve --port 0` (plus `extra` arguments) on `root` and
/// read the address it prints. Its later output is drained, and echoed
/// with the test's so a failure shows the rebuild lines.
pub fn serve(root: &Path, extra: &[&str]) -> Server {
    serve_to(root, extra, std::process::Stdio::null())
}

/// `serve`, its stderr going to `stderr`.
pub fn serve_to(root: &Path, extra: &[&str], stderr: std::process::Stdio) -> Server {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_briefing"))
        .args(["serve", "--port", "0"])
        .args(extra)
        .arg("--root")
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .expect("start briefing serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    for line in lines.by_ref() {
        let line = line.expect("server output");
        if let Some(at) = line.find("http://127.0.0.1:") {
            let url = line[at..]
                .split_whitespace()
                .next()
                .expect("url")
                .to_string();
            let addr = url
                .trim_start_matches("http://")
                .trim_end_matches('/')
                .to_string();
            std::thread::spawn(move || {
                lines
                    .map_while(Result::ok)
                    .for_each(|l| println!("serve: {l}"))
            });
            return Server { child, url, addr };
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("briefing serve printed no address");
}

/// The mark a build leaves at the top of its output: not a page.
pub const MARK: &str = ".briefing-output";

/// `path` relative to `dir`, as text.
fn relative(dir: &Path, path: &Path) -> String {
    path.strip_prefix(dir)
        .expect("prefix")
        .display()
        .to_string()
}

/// Every file under `dir` but the build's mark, by relative path, with its
/// bytes.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path() != dir.join(MARK))
        .map(|e| (relative(dir, e.path()), fs::read(e.path()).expect("read")))
        .collect()
}

/// Every file under `dir` (or `dir` itself, if it is a file) with its
/// bytes and modification time: what a failed build must leave as it was.
pub fn snapshot(
    dir: &Path,
) -> std::collections::BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|entry| entry.expect("walk"))
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("prefix")
                .display()
                .to_string();
            let mtime = entry.metadata().expect("meta").modified().expect("mtime");
            (rel, (fs::read(entry.path()).expect("read"), mtime))
        })
        .collect()
}

/// What a path of a listing is.
#[derive(Debug, PartialEq, Eq)]
pub enum Entry {
    Folder,
    File(Vec<u8>),
    Other,
}

/// Everything under `dir`: folders, files with their bytes, anything else.
pub fn listing(dir: &Path) -> std::collections::BTreeMap<String, Entry> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.expect("walk"))
        .map(|e| {
            let rel = relative(dir, e.path());
            let entry = if e.file_type().is_dir() {
                Entry::Folder
            } else if e.file_type().is_file() {
                Entry::File(fs::read(e.path()).expect("read"))
            } else {
                Entry::Other
            };
            (rel, entry)
        })
        .collect()
}

/// The binary's `build` of `root` with `args`, its clock set to `epoch`
/// (`SOURCE_DATE_EPOCH`, seconds): what it printed. It must succeed.
pub fn build_at_clock(root: &Path, epoch: i64, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_briefing"))
        .arg("build")
        .args(args)
        .arg("--root")
        .arg(root)
        .env("SOURCE_DATE_EPOCH", epoch.to_string())
        .output()
        .expect("run briefing");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

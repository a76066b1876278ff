//! A bad day for the disk: full, read-only, immutable files and folders in
//! the output, a cache that cannot be written. Whatever happens, a failed
//! build's last line is true — "the previous site was left as it was" only
//! when it was, byte for byte and mtime for mtime — and the next build that
//! can write repairs the output to what a fresh build writes.
//!
//! These need a tmpfs the test mounts, and `chattr`: CI runs as root. Where
//! either is impossible, the test says why and passes without checking.

mod common;

use common::{listing, Entry};

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_briefing");

/// Every file of a site with its bytes and mtime (`common::snapshot`).
type Snapshot = BTreeMap<String, (Vec<u8>, std::time::SystemTime)>;
const EPOCH: &str = "1757000000";

/// `size` bytes of plain text for a briefing body.
fn filler_text(i: usize, size: usize) -> String {
    let sentence = format!("Report {i} goes on about the talks and their outcome. ");
    sentence.repeat(size / sentence.len() + 1)
}

/// A site of `n` briefings whose bodies are `body` bytes long; `edition`
/// changes every title and body.
fn write_site(root: &Path, n: usize, body: usize, edition: u32) {
    let _ = fs::remove_dir_all(root.join("content"));
    fs::create_dir_all(root.join("content/briefings")).expect("content");
    fs::write(
        root.join("briefing.yaml"),
        "title: Disk test\nbase_url: https://example.org/\n",
    )
    .expect("config");
    for i in 0..n {
        let topic = ["Energy", "Trade", "Health"][i % 3];
        fs::write(
            root.join(format!("content/briefings/2025-03-{:02}-item-{i}.md", 1 + i % 28)),
            format!(
                "---\ntitle: Item {i} edition {edition}\ndate: 2025-03-{:02}\ntopics: [{topic}]\n---\n{}\n",
                1 + i % 28,
                filler_text(i + edition as usize, body)
            ),
        )
        .expect("briefing");
    }
}

fn run(root: &Path, env: &[(&str, &str)]) -> Output {
    Command::new(BIN)
        .args(["build", "--root"])
        .arg(root)
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .env_remove("BRIEFING_IN_PLACE_LIMIT")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("run briefing")
}

fn build_ok(root: &Path, env: &[(&str, &str)]) -> String {
    let out = run(root, env);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "build failed:\n{stderr}");
    stderr
}

/// What a fresh build of the site at `root` writes into an empty folder
/// on an ordinary disk.
fn fresh(root: &Path) -> BTreeMap<String, Entry> {
    let dir = tempfile::tempdir().expect("temp dir");
    let copy = dir.path().join("site-root");
    fs::create_dir_all(&copy).expect("mkdir");
    fs::copy(root.join("briefing.yaml"), copy.join("briefing.yaml")).expect("config");
    copy_dir(&root.join("content"), &copy.join("content"));
    build_ok(&copy, &[]);
    listing(&copy.join("site"))
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read") {
        let entry = entry.expect("entry");
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
        }
    }
}

/// `got` and `want` hold the same files and folders; else the first few
/// paths that differ.
fn same(got: &BTreeMap<String, Entry>, want: &BTreeMap<String, Entry>, what: &str) {
    let mut diff: Vec<&String> = want
        .iter()
        .filter(|(path, bytes)| got.get(*path) != Some(bytes))
        .map(|(path, _)| path)
        .chain(got.keys().filter(|path| !want.contains_key(*path)))
        .collect();
    diff.truncate(10);
    assert!(
        diff.is_empty(),
        "{what}: differs from a fresh build at {diff:?}"
    );
}

/// A failed build: its last line must say what it left, and be true.
fn check_failure(out: &Output, site: &Path, before: &Snapshot, what: &str) {
    assert!(
        !out.status.success(),
        "{what}: the build should have failed"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    if last.ends_with("the previous site was left as it was") {
        assert!(
            common::snapshot(site) == *before,
            "{what}: said the site was left as it was, but it changed:\n{stderr}"
        );
    } else {
        assert!(
            last.contains("left part-way through its update")
                && last.ends_with("the next successful build repairs it"),
            "{what}: unexpected last line:\n{stderr}"
        );
    }
}

/// A tmpfs the test mounts, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, size: &str) -> Result<Mount, String> {
        fs::create_dir_all(at).map_err(|e| e.to_string())?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(Mount(at.to_path_buf()))
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(&self.0)
            .status()
            .expect("mount");
        assert!(status.success(), "remount {options}");
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// A tmpfs of `size` in a temp dir, or the reason there cannot be one.
fn scratch(size: &str) -> Option<(tempfile::TempDir, Mount)> {
    let dir = tempfile::tempdir().expect("temp dir");
    match Mount::tmpfs(&dir.path().join("disk"), size) {
        Ok(mount) => Some((dir, mount)),
        Err(why) => {
            println!("skipped: cannot mount a tmpfs here ({why}); CI runs this as root");
            None
        }
    }
}

/// `chattr` on `path`: false (with the reason printed) where it cannot.
fn chattr(flag: &str, path: &Path) -> bool {
    let out = Command::new("chattr").args(["-R", flag]).arg(path).output();
    match out {
        Ok(out) if out.status.success() => true,
        Ok(out) => {
            println!(
                "skipped: chattr {flag} failed ({})",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            false
        }
        Err(e) => {
            println!("skipped: no chattr ({e})");
            false
        }
    }
}

/// Undoes `chattr +i` when dropped, so the temp dir can go.
struct Immutable(PathBuf);

impl Drop for Immutable {
    fn drop(&mut self) {
        if self.0.exists() {
            let _ = Command::new("chattr")
                .args(["-R", "-i"])
                .arg(&self.0)
                .status();
        }
    }
}

/// Free bytes on the file system holding `path`.
fn free_bytes(path: &Path) -> u64 {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).expect("path");
    // SAFETY: statvfs fills the struct it is given; both live across the call.
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    assert_eq!(
        unsafe { libc::statvfs(c.as_ptr(), &mut stat) },
        0,
        "statvfs"
    );
    stat.f_bavail as u64 * stat.f_frsize as u64
}

/// Fill the disk at `dir` until `leave` bytes are free.
fn fill(dir: &Path, leave: u64) -> PathBuf {
    let filler = dir.join("filler");
    let size = free_bytes(dir).saturating_sub(leave);
    let mut file = fs::File::create(&filler).expect("filler");
    let chunk = vec![0u8; 64 * 1024];
    let mut written = 0;
    while written < size {
        let n = chunk.len().min((size - written) as usize);
        if std::io::Write::write_all(&mut file, &chunk[..n]).is_err() {
            break;
        }
        written += n as u64;
    }
    filler
}

fn disk_full(env: &[(&str, &str)]) {
    let Some((_dir, mount)) = scratch("16m") else {
        return;
    };
    let root = mount.0.join("site-root");
    let site = root.join("site");
    write_site(&root, 40, 2000, 0);
    let old = fresh(&root);
    write_site(&root, 40, 6000, 1);
    let new = fresh(&root);
    // Free space from none to more than the new site and its cache need
    // (about 5 MB): the disk runs out at every step of the build.
    let kilobytes = [
        0u64, 64, 512, 1024, 2048, 3072, 4096, 4608, 4736, 4864, 4992, 5120, 5376, 5632, 8192,
    ];
    let (mut built, mut failed) = (0, 0);
    for (step, leave) in kilobytes.into_iter().enumerate() {
        let leave = leave * 1024;
        let _ = fs::remove_dir_all(&root);
        write_site(&root, 40, 2000, 0);
        build_ok(&root, env);
        let before = common::snapshot(&site);
        write_site(&root, 40, 6000, 1);
        let filler = fill(&mount.0, leave);
        let what = format!("{leave} bytes free");
        let out = run(&root, env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let cache = stderr.contains("the build cache could not be written");
        println!(
            "{what}: {} (cache warning: {cache})",
            stderr.lines().last().unwrap_or("built")
        );
        if out.status.success() {
            same(&listing(&site), &new, &format!("{what}: exited 0"));
            built += 1;
        } else {
            check_failure(&out, &site, &before, &what);
            failed += 1;
        }
        fs::remove_file(filler).expect("free the disk");
        // Repaired by the next build, whether the content stays or goes back.
        if step % 2 == 1 {
            write_site(&root, 40, 2000, 0);
            build_ok(&root, env);
            same(&listing(&site), &old, &format!("{what}, then reverted"));
        } else {
            build_ok(&root, env);
            same(&listing(&site), &new, &format!("{what}, then built again"));
        }
    }
    assert!(
        built > 0 && failed > 0,
        "the disk sizes no longer span the build"
    );
}

#[test]
fn a_full_disk_during_an_update_in_place_leaves_the_truth_and_is_repaired() {
    disk_full(&[]);
}

#[test]
fn a_full_disk_during_a_staged_build_leaves_the_truth_and_is_repaired() {
    disk_full(&[("BRIEFING_IN_PLACE_LIMIT", "0")]);
}

#[test]
fn a_read_only_output_changes_nothing_and_says_so() {
    for env in [&[][..], &[("BRIEFING_IN_PLACE_LIMIT", "0")][..]] {
        let Some((_dir, mount)) = scratch("16m") else {
            return;
        };
        let root = mount.0.join("site-root");
        write_site(&root, 30, 500, 0);
        build_ok(&root, env);
        write_site(&root, 30, 500, 1);
        let new = fresh(&root);
        let before = common::snapshot(&root.join("site"));
        mount.remount("ro");
        let out = run(&root, env);
        check_failure(&out, &root.join("site"), &before, "read-only disk");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("the previous site was left as it was")
        );
        mount.remount("rw");
        build_ok(&root, env);
        same(
            &listing(&root.join("site")),
            &new,
            "once the disk is writable",
        );
    }
}

#[test]
fn an_immutable_folder_in_the_output_is_reported_truly_and_repaired() {
    for env in [&[][..], &[("BRIEFING_IN_PLACE_LIMIT", "0")][..]] {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site-root");
        write_site(&root, 30, 500, 0);
        build_ok(&root, env);
        // The next version no longer has item 0: its folder must go.
        write_site(&root, 30, 500, 1);
        fs::remove_file(root.join("content/briefings/2025-03-01-item-0.md")).expect("rm");
        let new = fresh(&root);
        let before = common::snapshot(&root.join("site"));
        let locked = root.join("site/briefings/item-0");
        if !chattr("+i", &locked) {
            return;
        }
        let guard = Immutable(locked.clone());
        // A staged build moves the old site, this folder too, aside.
        let moved = Immutable(root.join(".site.staging/briefings/item-0"));
        let out = run(&root, env);
        if out.status.success() {
            // Staged: the new site is in place, and the old one could not all
            // go; it is removed once it can be.
            same(
                &listing(&root.join("site")),
                &new,
                "staged past an immutable folder",
            );
        } else {
            check_failure(&out, &root.join("site"), &before, "immutable folder");
        }
        drop((guard, moved));
        build_ok(&root, env);
        same(
            &listing(&root.join("site")),
            &new,
            "once the folder can change",
        );
        let leftovers: Vec<_> = fs::read_dir(&root)
            .expect("root")
            .map(|e| e.expect("entry").file_name())
            .filter(|n| n.to_string_lossy().starts_with(".site."))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");

        // The output folder itself immutable: nothing can change.
        write_site(&root, 30, 500, 2);
        let before = common::snapshot(&root.join("site"));
        if !chattr("+i", &root.join("site")) {
            return;
        }
        let guard = Immutable(root.join("site"));
        let out = run(&root, env);
        check_failure(&out, &root.join("site"), &before, "immutable output");
        drop(guard);
        build_ok(&root, env);
        same(
            &listing(&root.join("site")),
            &fresh(&root),
            "once the output can change",
        );
    }
}

/// The cache cannot be written (an immutable or a read-only folder): each
/// build is still whole, and a cache left from before never vouches for a
/// site it did not see, even once the content goes back to what it saw.
fn cache_cannot_be_written(lock: impl Fn(&Path) -> Option<Box<dyn std::any::Any>>) {
    for env in [&[][..], &[("BRIEFING_IN_PLACE_LIMIT", "0")][..]] {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site-root");
        write_site(&root, 30, 500, 0);
        build_ok(&root, env);
        let old = fresh(&root);
        let Some(guard) = lock(&root.join(".briefing")) else {
            return;
        };
        write_site(&root, 30, 500, 1);
        let stderr = build_ok(&root, env);
        assert!(
            stderr.contains("the build cache could not be written"),
            "no warning:\n{stderr}"
        );
        same(
            &listing(&root.join("site")),
            &fresh(&root),
            "with a cache it cannot write",
        );
        write_site(&root, 30, 500, 0);
        build_ok(&root, env);
        same(
            &listing(&root.join("site")),
            &old,
            "the old cache vouched for the new site",
        );
        drop(guard);
    }
}

#[test]
fn an_immutable_cache_never_vouches_for_a_site_it_did_not_see() {
    cache_cannot_be_written(|caches| {
        chattr("+i", caches)
            .then(|| Box::new(Immutable(caches.to_path_buf())) as Box<dyn std::any::Any>)
    });
}

#[test]
fn a_read_only_cache_never_vouches_for_a_site_it_did_not_see() {
    cache_cannot_be_written(|caches| {
        // The caches as they are, on a disk of their own made read-only.
        let saved = tempfile::tempdir().expect("temp dir");
        copy_dir(caches, saved.path());
        let mount = match Mount::tmpfs(caches, "16m") {
            Ok(mount) => mount,
            Err(why) => {
                println!("skipped: cannot mount a tmpfs here ({why})");
                return None;
            }
        };
        copy_dir(saved.path(), caches);
        mount.remount("ro");
        Some(Box::new(mount) as Box<dyn std::any::Any>)
    });
}

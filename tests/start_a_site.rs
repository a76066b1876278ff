//! README's "Start a site of your own", as a newcomer types it: install the
//! command with cargo, `init`, `serve`, and `new` in another terminal while
//! the preview runs; the site builds and the preview serves the new
//! briefing.
//!
//! `cargo install` is given `--debug` and this build's target folder, so it
//! reuses what `cargo test` just compiled instead of compiling everything
//! again in release mode (many minutes on two cores); what is installed and
//! how it is run is otherwise what README says.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `briefing` installed by `cargo install --path .` into `root`.
fn install(root: &Path) -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // target/tmp is inside the target folder this test was built in.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .to_path_buf();
    let out = Command::new(cargo)
        .args(["install", "--locked", "--debug", "--path"])
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg("--root")
        .arg(root)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("run cargo install");
    assert!(
        out.status.success(),
        "cargo install failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let binary = root.join("bin/briefing");
    assert!(binary.is_file(), "no {}", binary.display());
    binary
}

/// Status and body of a GET, or None while nothing answers.
fn get(addr: &str, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response.split(' ').nth(1)?.parse().ok()?;
    Some((status, response))
}

/// Wait until `path` answers 200 with `text` in it.
fn wait_for(addr: &str, path: &str, text: &str) -> String {
    let started = Instant::now();
    loop {
        if let Some((200, body)) = get(addr, path) {
            if body.contains(text) {
                return body;
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{path} never served '{text}'"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Stops the preview however the test ends.
struct Preview(std::process::Child);

impl Drop for Preview {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn readme_start_a_site_of_your_own() {
    let dir = tempfile::tempdir().expect("temp dir");
    let briefing = install(&dir.path().join("install"));
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).expect("work folder");

    // briefing init mysite && cd mysite && briefing serve
    let out = Command::new(&briefing)
        .args(["init", "mysite"])
        .current_dir(&work)
        .output()
        .expect("run init");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let site = work.join("mysite");
    assert_eq!(
        std::fs::read_to_string(site.join(".gitignore")).expect(".gitignore"),
        "/site/\n/.briefing/\n"
    );
    // Port 0 and the loopback address: a test must not take README's 1111.
    let mut child = Command::new(&briefing)
        .args(["serve", "--port", "0", "--bind", "127.0.0.1"])
        .current_dir(&site)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start serve");
    let stdout = child.stdout.take().expect("stdout");
    let preview = Preview(child);
    let mut lines = BufReader::new(stdout).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            let at = line.find("http://127.0.0.1:")?;
            let url = line[at..].split_whitespace().next()?;
            Some(
                url.trim_start_matches("http://")
                    .trim_end_matches('/')
                    .to_string(),
            )
        })
        .expect("serve printed its address");
    // Keep reading, so the preview never blocks on a full pipe.
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    wait_for(&addr, "/", "Welcome to your briefing");

    // In another terminal: briefing new "…" --topic SCO --person "Xi Jinping"
    let out = Command::new(&briefing)
        .args([
            "new",
            "Putin and Xi hold talks in Beijing",
            "--topic",
            "SCO",
            "--person",
            "Xi Jinping",
        ])
        .current_dir(&site)
        .output()
        .expect("run new");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = wait_for(
        &addr,
        "/briefings/putin-and-xi-hold-talks-in-beijing/",
        "Putin and Xi hold talks in Beijing",
    );
    assert!(page.contains("/people/xi-jinping/"), "{page}");
    wait_for(&addr, "/topics/sco/", "Putin and Xi hold talks in Beijing");
    drop(preview);

    // And the site builds, with the new briefing in it.
    let out = Command::new(&briefing)
        .arg("build")
        .current_dir(&site)
        .output()
        .expect("run build");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .starts_with("Built 2 briefings, 2 topics, 2 people, 1 page, "),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(site
        .join("site/briefings/putin-and-xi-hold-talks-in-beijing/index.html")
        .is_file());
}

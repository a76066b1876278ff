//! Profiling aid: one preview rebuild after a body edit, in process.
//!   cargo run --release --example rebuild_profile -- SITE_DIR [EDITS]
use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use briefing::serve::preview::Preview;
use briefing::serve::watch::Change;
use briefing::BuildOptions;

fn main() {
    let root = PathBuf::from(std::env::args().nth(1).expect("SITE_DIR"));
    let mut options = BuildOptions::new(&root);
    options.base_url = Some("http://127.0.0.1:1111/".into());
    let t = Instant::now();
    let mut preview = Preview::new(options).unwrap_or_else(|e| panic!("{e}"));
    println!("initial {:?}", t.elapsed());
    let dir = root.join("content/briefings");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    let path = files[0].clone();
    let original = std::fs::read_to_string(&path).unwrap();
    let edits: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(15);
    for i in 0..edits {
        std::fs::write(&path, format!("{original}\nEdit {i}.\n")).unwrap();
        let rel = path.strip_prefix(&root).unwrap().to_path_buf();
        let r = preview
            .rebuild(&[Change::Content(rel)])
            .unwrap_or_else(|e| panic!("{e}"));
        println!(
            "rebuild {:?} {:?} rendered {}",
            r.elapsed, r.timings, r.rendered
        );
    }
    std::fs::write(&path, original).unwrap();
}

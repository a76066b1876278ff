//! Profiling aid: preview rebuilds after an edit, in process.
//!   cargo run --release --example rebuild_profile -- SITE_DIR [EDITS] [body|title|topic]
//! `topic` changes the first topic to one new to the site on every other
//! edit and back on the next; `title` changes the title; `new` adds a
//! briefing on every other edit and deletes it on the next.
use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

use briefing::serve::preview::Preview;
use briefing::serve::watch::Change;
use briefing::BuildOptions;

fn main() {
    // As `serve` does (src/main.rs, tune_memory): keep freed memory.
    // SAFETY: setting a mimalloc option is allowed at any time.
    unsafe { libmimalloc_sys::mi_option_set(15, -1) };
    let root = PathBuf::from(std::env::args().nth(1).expect("SITE_DIR"));
    let mut options = BuildOptions::new(&root);
    options.base_url = Some("http://127.0.0.1:1111/".into());
    let t = Instant::now();
    let mut preview = Preview::new(options)
        .unwrap_or_else(|e| panic!("{e}"))
        .search_later();
    println!("initial {:?}", t.elapsed());
    let dir = root.join("content/briefings");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    // The middle one, as bench/preview.rs edits: neither the newest nor the oldest.
    let path = files[files.len() / 2].clone();
    let original = std::fs::read_to_string(&path).unwrap();
    let edits: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(15);
    let kind = std::env::args().nth(3).unwrap_or_else(|| "body".into());
    let added = dir.join("zz-rebuild-profile.md");
    for i in 0..edits {
        // The file saved, and its text (None: deleted).
        let (file, text) = match kind.as_str() {
            "new" if i % 2 == 0 => (&added, Some("---\ntitle: \"A new briefing\"\ndate: 2099-01-01T09:00:00+00:00\nsummary: \"New.\"\ntopics: [\"Inflation\"]\n---\nA new briefing.\n".to_string())),
            "new" => (&added, None),
            "title" => (&path, Some(original.replacen("title: \"", &format!("title: \"Edit {i} "), 1))),
            "topic" if i % 2 == 0 => (&path, Some(original.replacen("topics:\n  - \"", "topics:\n  - \"Zebra ", 1))),
            _ => (&path, Some(format!("{original}\nEdit {i}.\n"))),
        };
        match text {
            Some(text) => {
                assert_ne!(text, original, "the edit must change the file");
                std::fs::write(file, text).unwrap();
            }
            None => std::fs::remove_file(file).unwrap(),
        }
        let rel = file.strip_prefix(&root).unwrap().to_path_buf();
        let r = preview
            .rebuild(&[Change::Content(rel)])
            .unwrap_or_else(|e| panic!("{e}"));
        // As serve does once the reload is sent.
        preview.tidy();
        println!(
            "rebuild {:?} {:?} rendered {}",
            r.elapsed, r.timings, r.rendered
        );
    }
    std::fs::write(&path, original).unwrap();
    let _ = std::fs::remove_file(&added);
}

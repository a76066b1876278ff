//! The full-text search index: what it holds, that two builds write it
//! byte for byte alike, and that a one-word query needs only small files.
//! (The search page itself runs in Chromium: tests/browser.rs.)

mod common;

use std::collections::BTreeMap;

use common::{fixture, tree};
use serde_json::Value;

fn json(site: &common::TestSite, path: &str) -> Value {
    serde_json::from_str(&site.page(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every term of the index, with the shard file holding it.
fn terms(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, (String, Value)> {
    let mut terms = BTreeMap::new();
    for (path, bytes) in files {
        if !path.starts_with("t/") {
            continue;
        }
        let shard: BTreeMap<String, Value> = serde_json::from_slice(bytes).expect("shard");
        for (term, postings) in shard {
            assert!(terms.insert(term, (path.clone(), postings)).is_none());
        }
    }
    terms
}

#[test]
fn the_index_holds_words_of_titles_bodies_topics_and_people() {
    let site = fixture("crosslinks");
    site.build_ok();
    let manifest = json(&site, "search/index.json");
    assert_eq!(manifest["n"], 2);
    // Oldest first: a new briefing leaves the others' ids as they were.
    let records = json(&site, "search/b/0.json");
    assert_eq!(records[0][0], "SCO summit opens in Tianjin");
    assert_eq!(records[1][0], "Putin and Xi hold talks");
    assert_eq!(records[1][1], "/briefings/talks/");
    assert_eq!(
        records[1][3],
        serde_json::json!([
            "Energy",
            "Russia–China relations",
            "Vladimir Putin",
            "Xi Jinping"
        ])
    );
    let terms = terms(&tree(&site.out().join("search")));
    // Postings as search.js decodes them: "B" is id 1, "A" id 0, "AA" both.
    assert_eq!(terms["pipeline"].1, "B", "a word only in the body");
    assert_eq!(
        terms["tianjin"].1,
        serde_json::json!(["A", "A"]),
        "and in the title"
    );
    assert_eq!(terms["xi"].1, serde_json::json!(["AA", "B"]));
    assert_eq!(terms["russia"].1, "B", "a topic, folded");
    assert_eq!(terms["narendra"].1, "A", "a person");
    assert!(!terms.contains_key("Pipeline") && !terms.contains_key("draft"));
    assert!(site
        .page("search/index.html")
        .contains("/search/index.json"));
}

/// A site of `count` briefings whose bodies draw on a vocabulary of a few
/// thousand words, common ones more often, as news text does.
fn synthetic(count: usize) -> common::TestSite {
    let site = fixture("crosslinks");
    let mut seed: u64 = 7;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let vocabulary: Vec<String> = (0..3000)
        .map(|_| {
            let len = 3 + next() % 7;
            (0..len)
                .map(|_| (b'a' + (next() % 26) as u8) as char)
                .collect()
        })
        .collect();
    for i in 0..count {
        let mut body = String::new();
        for w in 0..300 {
            // Squared: a few words are in most briefings, most in few.
            let r = next() % 3000;
            body.push_str(&vocabulary[r * r / 3000]);
            body.push_str(if w % 15 == 14 { ".\n\n" } else { " " });
        }
        let title = format!(
            "{} {} talks",
            vocabulary[next() % 3000],
            vocabulary[i % 3000]
        );
        site.write(
            &format!("content/briefings/b{i:05}.md"),
            &format!(
                "---\ntitle: {title}\ndate: 2025-{:02}-{:02}\ntopics: [Trade]\n---\n{body}",
                1 + i % 12,
                1 + i % 28
            ),
        );
    }
    site
}

#[test]
fn two_builds_write_the_same_index_and_a_query_needs_little_of_it() {
    let (a, b) = (synthetic(1000), synthetic(1000));
    a.build_ok();
    b.build_ok();
    let (first, second) = (tree(&a.out().join("search")), tree(&b.out().join("search")));
    assert!(first == second, "the search files of two builds differ");

    let total: usize = first
        .iter()
        .filter(|(p, _)| p.starts_with("t/"))
        .map(|(_, b)| b.len())
        .sum();
    let manifest = &first["index.json"];
    assert!(manifest.len() < 200, "manifest: {} bytes", manifest.len());
    // What the first result of any one-word query fetches: its term's
    // shard and one file of records.
    let largest = |prefix: &str| {
        first
            .iter()
            .filter(|(p, _)| p.starts_with(prefix))
            .map(|(_, b)| b.len())
            .max()
            .unwrap_or(0)
    };
    let (shard, records) = (largest("t/"), largest("b/"));
    assert!(
        shard + records < 24 * 1024,
        "largest shard {shard} bytes, records {records} bytes"
    );
    assert!(
        shard * 10 < total,
        "a shard of {shard} bytes is too big a part of {total}"
    );
    // A word in every briefing costs a bit a briefing, not a number:
    // "talks", in every title, is two bitmaps (all, and titles).
    let terms = terms(&first);
    let talks = terms["talks"].1.to_string().len();
    assert!(talks <= 2 * (1 + 1000 / 6 + 3) + 3, "{talks} bytes");
}

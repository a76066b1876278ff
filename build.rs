// The default theme is compiled into the binary (include_dir!), which does
// not tell Cargo to rebuild when a template changes: this does.
//
// It also gives the program a digest of the sources it was built from:
// build caches and the record of the last build name the program that
// wrote them, and a program built from other code, with the same version
// number, must not trust them.
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;

fn main() {
    let mut hasher = DefaultHasher::new();
    for input in ["src", "themes/default", "Cargo.lock", "build.rs"] {
        println!("cargo:rerun-if-changed={input}");
        digest(Path::new(input), &mut hasher);
    }
    println!(
        "cargo:rustc-env=BRIEFING_SOURCE_DIGEST={:016x}",
        hasher.finish()
    );
}

fn digest(path: &Path, hasher: &mut DefaultHasher) {
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map(|d| d.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        entries.sort();
        for entry in entries {
            digest(&entry, hasher);
        }
    } else if let Ok(bytes) = std::fs::read(path) {
        path.hash(hasher);
        bytes.hash(hasher);
    }
}

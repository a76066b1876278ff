//! Digests: what tells an unchanged page, body or cache from a changed one.
//! Every stage may use them; they are kept in the build cache, so they are
//! the same from run to run.

use std::hash::{Hash, Hasher};

use serde::Serialize;
use xxhash_rust::xxh3::Xxh3Default;

/// A digest of `value`. XXH3: SipHash, the standard library's, was a
/// twentieth of a no-change build, hashing every body.
pub fn hash_of(value: impl Hash) -> u64 {
    let mut h = Xxh3Default::new();
    value.hash(&mut h);
    h.finish()
}

/// A digest of what `value` serializes to: the same bytes a template or a
/// file is made from, so nothing it shows can be left out of the digest.
pub fn digest_of(value: &impl Serialize) -> u64 {
    let mut digest = Digest::default();
    digest.serialized(value);
    digest.finish()
}

/// A digest built up piece by piece.
#[derive(Default, Clone)]
pub struct Digest(Xxh3Default);

impl Digest {
    pub fn add(&mut self, value: impl Hash) {
        value.hash(&mut self.0);
    }

    pub fn serialized(&mut self, value: &impl Serialize) {
        // Writing into a hasher cannot fail; a value that cannot be
        // serialized cannot be rendered either, and fails there with a message.
        if serde_json::to_writer(&mut *self, value).is_err() {
            self.add(u64::MAX);
        }
        // Keeps `"a" "bc"` apart from `"ab" "c"`.
        self.add(0xFFu8);
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

impl std::io::Write for Digest {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialized_values_are_told_apart_by_what_they_show() {
        #[derive(Serialize)]
        struct Card<'a> {
            title: &'a str,
            summary: &'a str,
        }
        let a = digest_of(&Card {
            title: "Parade",
            summary: "Xi",
        });
        let b = digest_of(&Card {
            title: "Parade",
            summary: "Xi.",
        });
        let c = digest_of(&Card {
            title: "Parade",
            summary: "Xi",
        });
        assert_ne!(a, b);
        assert_eq!(a, c);
    }
}

//! Digests: what tells an unchanged page, body or cache from a changed one.
//! Every stage may use them; they are kept in the build cache, so they are
//! the same from run to run.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use serde::Serialize;
use xxhash_rust::xxh3::Xxh3Default;

/// Maps and sets keyed by the site's own keys, paths and names, which a
/// link fills and looks up tens of thousands of times: aHash, several
/// times faster than the standard library's SipHash on short keys, and
/// seeded at random as SipHash is, so that no content can be written to
/// make its keys collide.
pub type Map<K, V> = std::collections::HashMap<K, V, ahash::RandomState>;
pub type Set<T> = std::collections::HashSet<T, ahash::RandomState>;

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

/// `hash_of` for a long list: a digest of its parts' digests, taken on
/// every core. The same list gives the same digest (not `hash_of`'s).
pub fn hash_of_list<T: Hash + Sync>(items: &[T]) -> u64 {
    let parts: Vec<u64> = items.par_chunks(1024).map(hash_of).collect();
    hash_of((items.len(), parts))
}

/// A digest built up piece by piece.
#[derive(Default, Clone)]
pub struct Digest(Xxh3Default);

impl Digest {
    pub fn add(&mut self, value: impl Hash) {
        value.hash(&mut self.0);
    }

    /// Add what `value` serializes to. Every string and list carries its
    /// length, so `"a" "bc"` and `"ab" "c"` differ.
    pub fn serialized(&mut self, value: &impl Serialize) {
        if value.serialize(&mut *self).is_err() {
            // Never the same twice: a value that could not be digested is
            // rendered again, and fails there with a message if it must.
            self.add(std::time::SystemTime::now());
            self.add(std::process::id());
        }
    }

    pub fn finish(&self) -> u64 {
        self.0.finish()
    }
}

/// Serializing into a digest: each value's bytes as they are, with no text
/// format in between (JSON's escaping was most of the digests' cost).
mod serializer {
    use std::hash::Hash;

    use serde::ser::{self, Serialize};

    use super::Digest;

    #[derive(Debug)]
    pub struct Unhashable(String);

    impl std::fmt::Display for Unhashable {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(&self.0)
        }
    }

    impl std::error::Error for Unhashable {}

    impl ser::Error for Unhashable {
        fn custom<T: std::fmt::Display>(msg: T) -> Self {
            Unhashable(msg.to_string())
        }
    }

    type Result = std::result::Result<(), Unhashable>;

    /// Tags that keep values of different shapes apart.
    mod tag {
        pub const NONE: u8 = 0;
        pub const SOME: u8 = 1;
        pub const UNIT: u8 = 2;
        pub const VARIANT: u8 = 3;
        pub const SEQ: u8 = 4;
        pub const MAP: u8 = 5;
        pub const END: u8 = 6;
    }

    impl Digest {
        fn put(&mut self, value: impl Hash) -> Result {
            value.hash(&mut self.0);
            Ok(())
        }

        fn begin(
            &mut self,
            tag: u8,
            len: Option<usize>,
        ) -> std::result::Result<&mut Self, Unhashable> {
            self.put((tag, len))?;
            Ok(self)
        }
    }

    impl ser::Serializer for &mut Digest {
        type Ok = ();
        type Error = Unhashable;
        type SerializeSeq = Self;
        type SerializeTuple = Self;
        type SerializeTupleStruct = Self;
        type SerializeTupleVariant = Self;
        type SerializeMap = Self;
        type SerializeStruct = Self;
        type SerializeStructVariant = Self;

        fn serialize_bool(self, v: bool) -> Result {
            self.put(v)
        }
        fn serialize_i8(self, v: i8) -> Result {
            self.put(i64::from(v))
        }
        fn serialize_i16(self, v: i16) -> Result {
            self.put(i64::from(v))
        }
        fn serialize_i32(self, v: i32) -> Result {
            self.put(i64::from(v))
        }
        fn serialize_i64(self, v: i64) -> Result {
            self.put(v)
        }
        fn serialize_u8(self, v: u8) -> Result {
            self.put(u64::from(v))
        }
        fn serialize_u16(self, v: u16) -> Result {
            self.put(u64::from(v))
        }
        fn serialize_u32(self, v: u32) -> Result {
            self.put(u64::from(v))
        }
        fn serialize_u64(self, v: u64) -> Result {
            self.put(v)
        }
        fn serialize_f32(self, v: f32) -> Result {
            self.put(f64::from(v).to_bits())
        }
        fn serialize_f64(self, v: f64) -> Result {
            self.put(v.to_bits())
        }
        fn serialize_char(self, v: char) -> Result {
            self.put(v)
        }
        fn serialize_str(self, v: &str) -> Result {
            self.put(v)
        }
        fn serialize_bytes(self, v: &[u8]) -> Result {
            self.put(v)
        }
        fn serialize_none(self) -> Result {
            self.put(tag::NONE)
        }
        fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Result {
            self.put(tag::SOME)?;
            value.serialize(self)
        }
        fn serialize_unit(self) -> Result {
            self.put(tag::UNIT)
        }
        fn serialize_unit_struct(self, _: &'static str) -> Result {
            self.put(tag::UNIT)
        }
        fn serialize_unit_variant(self, _: &'static str, index: u32, _: &'static str) -> Result {
            self.put((tag::VARIANT, index))
        }
        fn serialize_newtype_struct<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            value: &T,
        ) -> Result {
            value.serialize(self)
        }
        fn serialize_newtype_variant<T: ?Sized + Serialize>(
            self,
            _: &'static str,
            index: u32,
            _: &'static str,
            value: &T,
        ) -> Result {
            self.put((tag::VARIANT, index))?;
            value.serialize(self)
        }
        fn serialize_seq(self, len: Option<usize>) -> std::result::Result<Self, Unhashable> {
            self.begin(tag::SEQ, len)
        }
        fn serialize_tuple(self, len: usize) -> std::result::Result<Self, Unhashable> {
            self.begin(tag::SEQ, Some(len))
        }
        fn serialize_tuple_struct(
            self,
            _: &'static str,
            len: usize,
        ) -> std::result::Result<Self, Unhashable> {
            self.begin(tag::SEQ, Some(len))
        }
        fn serialize_tuple_variant(
            self,
            _: &'static str,
            index: u32,
            _: &'static str,
            len: usize,
        ) -> std::result::Result<Self, Unhashable> {
            self.put((tag::VARIANT, index))?;
            self.begin(tag::SEQ, Some(len))
        }
        fn serialize_map(self, len: Option<usize>) -> std::result::Result<Self, Unhashable> {
            self.begin(tag::MAP, len)
        }
        fn serialize_struct(
            self,
            _: &'static str,
            len: usize,
        ) -> std::result::Result<Self, Unhashable> {
            self.begin(tag::MAP, Some(len))
        }
        fn serialize_struct_variant(
            self,
            _: &'static str,
            index: u32,
            _: &'static str,
            len: usize,
        ) -> std::result::Result<Self, Unhashable> {
            self.put((tag::VARIANT, index))?;
            self.begin(tag::MAP, Some(len))
        }
    }

    /// Elements, keys and values one after another; the container's
    /// length (or, when unknown, its end) closes it.
    macro_rules! compound {
        ($($trait:ident :: $method:ident $(($key:ident))?),* $(,)?) => {$(
            impl<'a> ser::$trait for &'a mut Digest {
                type Ok = ();
                type Error = Unhashable;
                fn $method<T: ?Sized + Serialize>(&mut self, $($key: &'static str,)? value: &T) -> Result {
                    $(self.put($key)?;)?
                    value.serialize(&mut **self)
                }
                fn end(self) -> Result {
                    self.put(tag::END)
                }
            }
        )*};
    }

    compound!(
        SerializeSeq::serialize_element,
        SerializeTuple::serialize_element,
        SerializeTupleStruct::serialize_field,
        SerializeTupleVariant::serialize_field,
        SerializeStruct::serialize_field(key),
        SerializeStructVariant::serialize_field(key),
    );

    impl ser::SerializeMap for &mut Digest {
        type Ok = ();
        type Error = Unhashable;
        fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result {
            key.serialize(&mut **self)
        }
        fn serialize_value<T: ?Sized + Serialize>(&mut self, value: &T) -> Result {
            value.serialize(&mut **self)
        }
        fn end(self) -> Result {
            self.put(tag::END)
        }
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
        assert_ne!(digest_of(&("a", "bc")), digest_of(&("ab", "c")));
        assert_ne!(digest_of(&Some("x")), digest_of(&"x"));
        assert_ne!(
            digest_of(&vec![vec![1], vec![]]),
            digest_of(&vec![vec![], vec![1]])
        );
    }
}

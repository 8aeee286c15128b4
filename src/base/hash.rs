//! Hashes, one of each: FNV-1a for short stable ids (the same function runs
//! in `search.js`), and a content hash of anything serializable.

use std::hash::{DefaultHasher, Hasher};

/// FNV-1a, 32 bits.
pub fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// A hasher fed with serialized JSON.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A hash of what `v` serializes to: the same value, the same hash, in any
/// round of the same process (not a Debug text, which may leave things out).
pub fn hash_json<T: serde::Serialize + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    let _ = serde_json::to_writer(HashWriter(&mut h), v);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a(b"foobar"), 0xbf9c_f968);
    }
}

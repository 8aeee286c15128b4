//! Posting lists as the browser reads them: compact text, one list per gram
//! (decoded by `decode` in `search.js`).
//!
//! Per posting, in document order: varint(id gap << 2 | often << 1 |
//! in_fields), where `often` says the gram occurs [`OFTEN`] times or more in
//! the document; then, if in the fields, one varint per field occurrence:
//! `offset << 2 | ends_title << 1 | more` (see
//! [`super::grams::FieldOccurrences`]). A varint is base-64 digits of 5
//! payload bits each, low bits first, with 32 set on every digit but the
//! last, so a document near the previous one costs one character. The field
//! offsets let the browser tell whether a whole term, not just its pieces,
//! is in a title or field, and whether it starts or is the title, without
//! loading the document.

use super::grams::Stat;

/// Occurrences (fields and text) from which a gram counts as frequent in a
/// document: ranking puts documents where the query's terms are frequent
/// before those that mention them in passing.
pub const OFTEN: u32 = 3;

/// Appends postings (in document order) to a list's text.
#[derive(Debug, Default)]
pub struct Encoder {
    /// Always ASCII (digits of [`DIGITS`]).
    text: Vec<u8>,
    /// Last document + 1 (0 before the first).
    next: u32,
}

impl Encoder {
    /// Appends document `doc` (greater than the last one) with its stat and,
    /// when it is in the fields, its field occurrences (never empty then).
    pub fn push(&mut self, doc: u32, st: Stat, occurrences: &[u32]) {
        let field = st.field() && !occurrences.is_empty();
        let gap = u64::from(doc - self.next);
        self.next = doc + 1;
        let often = st.count() >= OFTEN;
        varint(
            &mut self.text,
            gap << 2 | u64::from(often) << 1 | u64::from(field),
        );
        if field {
            for (i, &o) in occurrences.iter().enumerate() {
                let more = i + 1 < occurrences.len();
                varint(&mut self.text, u64::from(o) << 1 | u64::from(more));
            }
        }
    }

    pub fn into_string(self) -> String {
        // Only ASCII digits were pushed.
        String::from_utf8(self.text).unwrap_or_default()
    }
}

const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn varint(s: &mut Vec<u8>, mut v: u64) {
    loop {
        let d = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            s.push(DIGITS[d]);
            return;
        }
        s.push(DIGITS[d | 32]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(ps: &[(u32, u32, &[u32])]) -> String {
        let mut e = Encoder::default();
        for &(doc, count, occ) in ps {
            e.push(doc, Stat::new(count, !occ.is_empty()), occ);
        }
        e.into_string()
    }

    #[test]
    fn postings_are_written_as_documented() {
        // Doc 0, once, not in fields: 0 << 2 = A.
        assert_eq!(encode(&[(0, 1, &[])]), "A");
        // Docs 0 and 2, the second three times (often): 1 << 2 | 2 = 6 = G.
        assert_eq!(encode(&[(0, 1, &[]), (2, 3, &[])]), "AG");
        // Doc 3, twice, in the fields at 0 (ending the title: 0 << 1 | 1 =
        // 1) and at 7 (7 << 1 = 14): 3 << 2 | 1 = 13 = N, then 1 << 1 |
        // more = 3 = D and 14 << 1 = 28 = c.
        assert_eq!(encode(&[(3, 2, &[1, 14])]), "NDc");
        // A large gap takes several digits: 33 << 2 = 132 = 4 | 4 << 5: E|32 = k, E.
        assert_eq!(encode(&[(33, 1, &[])]), "kE");
        // Dense lists cost one character per document.
        let dense: Vec<(u32, u32, &[u32])> = (0..100).map(|d| (d, 5, &[][..])).collect();
        assert_eq!(encode(&dense), "C".repeat(100));
    }
}

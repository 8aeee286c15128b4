//! Posting lists as the browser reads them: compact text, one list per gram.

use super::grams::Stat;

pub use super::grams::MAX_COUNT;

/// One document's use of one gram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Posting {
    pub doc: u32,
    /// Occurrences in fields and body (capped when encoded).
    pub count: u32,
    /// Occurs in the title or a field.
    pub title: bool,
    /// First body segment it occurs in (0 when only in fields).
    pub seg: u32,
}

/// Posting lists as compact text: per posting, varint(doc gap − 1), then
/// varint(count << 2 | title << 1 | has_seg) and, when has_seg, varint(seg).
/// A varint is base-64 digits of 5 payload bits each, low bits first, with
/// 32 set on every digit but the last.
pub fn encode_postings(ps: &[Posting]) -> String {
    let mut e = Encoder::default();
    for p in ps {
        e.push(p.doc, Stat::new(p.count, p.title, p.seg));
    }
    e.into_string()
}

/// Appends postings (in document order) to a list's text.
#[derive(Debug, Default)]
pub struct Encoder {
    /// Always ASCII (digits of [`DIGITS`]).
    text: Vec<u8>,
    /// Last document + 1 (0 before the first).
    next: u32,
}

impl Encoder {
    pub fn push(&mut self, doc: u32, st: Stat) {
        varint(&mut self.text, u64::from(doc - self.next));
        self.next = doc + 1;
        let seg = st.seg();
        let has_seg = seg > 0;
        let v = u64::from(st.count()) << 2 | u64::from(st.title()) << 1 | u64::from(has_seg);
        varint(&mut self.text, v);
        if has_seg {
            varint(&mut self.text, u64::from(seg));
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

/// Decodes [`encode_postings`] (for tests and tools; the browser has its own).
pub fn decode_postings(s: &str) -> Option<Vec<Posting>> {
    let mut digits = s.bytes().map(|b| DIGITS.iter().position(|&d| d == b));
    let mut next = || -> Option<Option<u64>> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let Some(d) = digits.next() else {
                return Some(None).filter(|_| shift == 0);
            };
            let d = d? as u64;
            v |= (d & 31) << shift;
            shift += 5;
            if d & 32 == 0 {
                return Some(Some(v));
            }
            if shift > 60 {
                return None;
            }
        }
    };
    let mut out = Vec::new();
    let mut prev: i64 = -1;
    while let Some(gap) = next()? {
        let doc = prev.checked_add(1)?.checked_add(i64::try_from(gap).ok()?)?;
        prev = doc;
        let v = next()??;
        let seg = if v & 1 == 1 { next()?? } else { 0 };
        out.push(Posting {
            doc: u32::try_from(doc).ok()?,
            count: (v >> 2) as u32,
            title: v & 2 == 2,
            seg: seg as u32,
        });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_postings_do_not_decode_or_panic() {
        // A valid first posting, then a gap of 2^63 − 1 (twelve digits of
        // 31 with continuation, then 7 << 60): doc id arithmetic overflows.
        let huge = "AA".to_owned() + &"_".repeat(12) + "H" + "A";
        assert_eq!(decode_postings(&huge), None);
        for s in ["!", "_", "A", "ABA_", &"_".repeat(20)] {
            assert_eq!(decode_postings(s), None, "{s:?}");
        }
    }

    #[test]
    fn postings_round_trip() {
        let ps = vec![
            Posting {
                doc: 0,
                count: 1,
                title: true,
                seg: 0,
            },
            Posting {
                doc: 1,
                count: 40,
                title: false,
                seg: 3,
            },
            Posting {
                doc: 9000,
                count: 5000,
                title: false,
                seg: 70,
            },
        ];
        let s = encode_postings(&ps);
        let mut back = decode_postings(&s).expect("decodes");
        assert_eq!(back[2].count, MAX_COUNT);
        back[2].count = 5000;
        assert_eq!(back, ps);
        // Dense lists cost two characters per document.
        let dense: Vec<Posting> = (0..100)
            .map(|d| Posting {
                doc: d,
                count: 3,
                title: false,
                seg: 0,
            })
            .collect();
        assert_eq!(encode_postings(&dense).len(), 200);
    }
}

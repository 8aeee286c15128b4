//! The text of each index file (format in the module docs of
//! [`crate::search`]): document heads and tails, shards, the fold table
//! pages and the manifest.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::docs::{Doc, FILTERS, filter_gram};
use super::fold::{fold, pairs};
use super::text::segments;
use super::{DOCS_PER_DIR, SEG_CHARS};

/// A document's head file (metadata, fields, first segment) and, if the body
/// is longer, one tail file with every further segment. One tail rather than
/// a file per segment: on a 10,000-report site that is 7,700 fewer files
/// (creating them was most of what the index adds to a build), and a query
/// loads a tail only for the few hits whose match is past the first segment.
pub fn doc_files(id: usize, d: &Doc) -> Vec<(String, Vec<u8>)> {
    let dir = format!("d/{}/{}", id / DOCS_PER_DIR, id % DOCS_PER_DIR);
    let segs = segments(&d.body, SEG_CHARS);
    // The metadata object with the text fields appended (serde's `flatten`
    // would buffer everything through an intermediate map: slow at 10,000
    // documents).
    let meta = serde_json::to_string(&d.meta).unwrap_or_else(|_| "{}".into());
    let x = segs.first().copied().unwrap_or("");
    let mut head = String::with_capacity(meta.len() + d.fields.len() + x.len() + 64);
    let _ = write!(head, "HW.doc({id},");
    head.push_str(meta.strip_suffix('}').unwrap_or("{"));
    if meta.len() > 2 {
        head.push(',');
    }
    head.push_str("\"f\":");
    push_js_str(&mut head, &d.fields);
    let _ = write!(head, ",\"n\":{},\"x\":", segs.len());
    push_js_str(&mut head, x);
    head.push_str("});\n");
    let mut out = vec![(format!("{dir}.js"), head.into_bytes())];
    if segs.len() > 1 {
        let mut tail = format!("HW.tail({id},[");
        for (i, text) in segs.iter().skip(1).enumerate() {
            if i > 0 {
                tail.push(',');
            }
            push_js_str(&mut tail, text);
        }
        tail.push_str("]);\n");
        out.push((format!("{dir}-t.js"), tail.into_bytes()));
    }
    out
}

/// The fold table for the browser, split by the high bits of the code point
/// so a query loads only the pages its characters fall in: `f/` by the
/// Traditional character (to fold the query), `u/` by the Simplified one (to
/// recognise every form of a query character in a page's text without
/// folding, and so without loading, the whole table).
pub fn fold_files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (dir, by_target) in [("f", false), ("u", true)] {
        for (p, s) in fold_pages(by_target) {
            out.push((
                format!("{dir}/{p:x}.js"),
                format!("HW.fold({});\n", js_str(&s)).into_bytes(),
            ));
        }
    }
    out
}

/// The fold-table page of a character: code point >> 8 in the BMP; the
/// rarely used supplementary planes in coarser pages (>> 12, offset past the
/// BMP's) so they do not add hundreds of tiny files. `tablePages` in
/// search.js computes the same.
fn fold_page(c: char) -> u32 {
    let cp = c as u32;
    if cp < 0x1_0000 {
        cp >> 8
    } else {
        (cp >> 12) + 0x1000
    }
}

/// Fold pairs (`from`, `to` concatenated) grouped by [`fold_page`] of
/// `from` or of `to`.
fn fold_pages(by_target: bool) -> BTreeMap<u32, String> {
    let mut pages: BTreeMap<u32, String> = BTreeMap::new();
    for (from, to) in pairs() {
        let key = if by_target { to } else { from };
        let p = pages.entry(fold_page(key)).or_default();
        p.push(from);
        p.push(to);
    }
    pages
}

/// Filter values as first written, with how many documents have each:
/// gathered document by document (in id order), written into the manifest.
#[derive(Debug, Default)]
pub struct FilterCounts {
    values: BTreeMap<&'static str, BTreeMap<String, (String, usize)>>,
}

impl FilterCounts {
    pub fn add(&mut self, filters: &[(&'static str, String)]) {
        let mut seen: Vec<String> = Vec::new();
        for (f, v) in filters {
            let key = filter_gram(f, v);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let e = self
                .values
                .entry(f)
                .or_default()
                .entry(fold(v.trim()))
                .or_insert_with(|| (v.trim().to_owned(), 0));
            e.1 += 1;
        }
    }

    /// `index.js`.
    pub fn manifest(mut self, n_docs: usize, n_shards: usize) -> String {
        let mut filters = serde_json::Map::new();
        for f in FILTERS {
            let mut list: Vec<(String, usize)> = self
                .values
                .remove(f)
                .unwrap_or_default()
                .into_values()
                .collect();
            if f == "year" {
                list.sort_by(|a, b| b.0.cmp(&a.0));
            } else {
                list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            }
            filters.insert(f.to_owned(), serde_json::json!(list));
        }
        let page_list = |by_target| {
            fold_pages(by_target)
                .keys()
                .map(|p| format!("{p:x}"))
                .collect::<Vec<_>>()
        };
        let m = serde_json::json!({
            "v": 1,
            "n": n_shards,
            "docs": n_docs,
            "seg": SEG_CHARS,
            "dir": DOCS_PER_DIR,
            "fold": page_list(false),
            "unfold": page_list(true),
            "filters": filters,
        });
        format!("HW.manifest({m});\n")
    }
}

/// Shard `k`: its grams with their encoded posting lists, sorted by gram.
pub fn shard_file(k: usize, mut grams: Vec<(String, String)>) -> (String, Vec<u8>) {
    grams.sort();
    let mut s = format!("HW.shard({k},{{");
    for (i, (g, e)) in grams.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_js_str(&mut s, g);
        let _ = write!(s, ":\"{e}\"");
    }
    s.push_str("});\n");
    (format!("s/{k}.js"), s.into_bytes())
}

/// A JSON string literal (valid JavaScript), escaped as `serde_json` does
/// (tested), written straight into `out`: most of the index is page text
/// going through here, and serde's serializer also re-validated it as UTF-8.
fn push_js_str(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at a time while none needs escaping (almost all text).
        if let Some(w) = bytes.get(i..i + 8) {
            let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            if !needs_escape(w) {
                i += 8;
                continue;
            }
        }
        let esc = match bytes[i] {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0C => "\\f",
            0..=0x1F => "",
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[start..i]);
        if esc.is_empty() {
            let _ = write!(out, "\\u{:04x}", bytes[i]);
        } else {
            out.push_str(esc);
        }
        i += 1;
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// Whether any of eight bytes is a control character, `"` or `\\`
/// (the classic has-zero-byte tests; false positives are impossible and
/// only cost the byte-wise path).
fn needs_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0;
    below_space || has_zero(w ^ (ONES * u64::from(b'"'))) || has_zero(w ^ (ONES * u64::from(b'\\')))
}

fn js_str(s: &str) -> String {
    let mut out = String::new();
    push_js_str(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_strings_are_escaped_like_json() {
        let nasty: String =
            (0u8..0x80).map(char::from).collect::<String>() + "教育\u{2028}\u{7f}\"\\</script>é𠀀";
        for s in [nasty.as_str(), "", "\"", "a\\", "\u{1f}"] {
            assert_eq!(js_str(s), serde_json::to_string(s).unwrap());
        }
    }
}

//! The text of each index file (format in the module docs of
//! [`crate::search`]): document packs, shards, the fold table pages and the
//! manifest.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::docs::{Doc, Filter};
use super::fold::{fold, pairs};

/// Reports per pack file, and entities (short) per pack file. A query loads
/// the pack of each result it shows, so a pack is what one result costs;
/// fewer packs are fewer files to write. Three, with five results shown
/// first: a quarter of the files and under 150 KB a first query (see
/// `docs/decisions.md`, "Search index size").
pub const REPORTS_PER_PACK: usize = 3;
pub const ENTITIES_PER_PACK: usize = 16;

/// Which pack document `id` is in, when the first `reports` ids are reports
/// (`packOf` in search.js).
pub fn pack_of(id: usize, reports: usize) -> usize {
    if id < reports {
        id / REPORTS_PER_PACK
    } else {
        reports.div_ceil(REPORTS_PER_PACK) + (id - reports) / ENTITIES_PER_PACK
    }
}

/// A document's record in its pack: metadata, fields (one per line) and
/// visible text.
pub fn doc_record(d: &Doc) -> String {
    // The metadata object with the text fields appended (serde's `flatten`
    // would buffer everything through an intermediate map).
    let meta = serde_json::to_string(&d.meta).unwrap_or_else(|_| "{}".into());
    let mut rec = String::with_capacity(meta.len() + d.body.len() + 64);
    rec.push_str(meta.strip_suffix('}').unwrap_or("{"));
    if meta.len() > 2 {
        rec.push(',');
    }
    rec.push_str("\"f\":");
    push_js_str(&mut rec, &d.fields.join("\n"));
    rec.push_str(",\"x\":");
    push_js_str(&mut rec, &d.body);
    rec.push('}');
    rec
}

/// Pack file `p` holding the records of documents `first..`: their JSON
/// array, [compressed](packed).
pub fn pack_file(p: usize, first: usize, records: &[String]) -> (String, Vec<u8>) {
    let mut json = String::with_capacity(records.iter().map(|r| r.len() + 1).sum::<usize>() + 2);
    json.push('[');
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(r);
    }
    json.push(']');
    let text = match super::gb18030::encode(&json) {
        Some(bytes) => format!("HW.docs({first},\"{}\");\n", packed(&bytes)),
        None => format!(
            "HW.docs({first},\"{}\",\"utf-8\");\n",
            packed(json.as_bytes())
        ),
    };
    (format!("d/{p}.js"), text.into_bytes())
}

/// Raw deflate, then base64: what `inflate` in search.js undoes (with the
/// browser's `DecompressionStream`). Chinese text and posting lists shrink
/// to a third and a half of their size, which is what a query loads.
pub fn packed(bytes: &[u8]) -> String {
    use std::io::Write as _;
    let mut z = flate2::write::DeflateEncoder::new(
        Vec::with_capacity(bytes.len() / 2),
        flate2::Compression::new(4),
    );
    // Writing into a Vec cannot fail.
    let deflated = z
        .write_all(bytes)
        .and_then(|()| z.finish())
        .unwrap_or_default();
    base64(&deflated)
}

/// Standard base64 with padding (what `atob` reads).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ABC[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The fold table for the browser, split by the high bits of the code point
/// so a query loads only the pages its characters fall in. A page holds every
/// pair whose Traditional or Simplified character falls in it: to fold a
/// query character, and to know every form of a folded one (to find it in a
/// page's original text without folding, and so loading, the whole table).
pub fn fold_files() -> Vec<(String, Vec<u8>)> {
    fold_pages()
        .into_iter()
        .map(|(p, s)| {
            (
                format!("f/{p:x}.js"),
                format!("HW.fold({});\n", js_str(&s)).into_bytes(),
            )
        })
        .collect()
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
/// either character.
fn fold_pages() -> BTreeMap<u32, String> {
    let mut pages: BTreeMap<u32, String> = BTreeMap::new();
    for (from, to) in pairs() {
        let (a, b) = (fold_page(from), fold_page(to));
        for p in if a == b { vec![a] } else { vec![a, b] } {
            let page = pages.entry(p).or_default();
            page.push(from);
            page.push(to);
        }
    }
    pages
}

/// Filter values as first written, with how many documents have each:
/// gathered document by document (in id order), written into the manifest.
/// A document counts once per value, so a count is exactly the number of
/// results the filter alone gives.
#[derive(Debug, Default)]
pub struct FilterCounts {
    values: BTreeMap<Filter, BTreeMap<String, (String, usize)>>,
}

impl FilterCounts {
    pub fn add(&mut self, filters: &[(Filter, String)]) {
        let mut seen: Vec<String> = Vec::new();
        for (f, v) in filters {
            let key = f.gram(v);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let e = self
                .values
                .entry(*f)
                .or_default()
                .entry(fold(v.trim()))
                .or_insert_with(|| (v.trim().to_owned(), 0));
            e.1 += 1;
        }
    }

    /// `index.js`: shard count, document and report counts, pack sizes,
    /// fold-table pages, filter values with counts, and the most used tags
    /// (offered on an empty search page).
    pub fn manifest(mut self, n_docs: usize, reports: usize, n_shards: usize) -> String {
        let mut filters = serde_json::Map::new();
        for f in Filter::ALL {
            let mut list: Vec<(String, usize)> = self
                .values
                .remove(&f)
                .unwrap_or_default()
                .into_values()
                .collect();
            if f == Filter::Year {
                list.sort_by(|a, b| b.0.cmp(&a.0));
            } else {
                list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            }
            filters.insert(f.as_str().to_owned(), serde_json::json!(list));
        }
        let pages: Vec<String> = fold_pages().keys().map(|p| format!("{p:x}")).collect();
        let m = serde_json::json!({
            "v": 2,
            "n": n_shards,
            "docs": n_docs,
            "reports": reports,
            "gr": REPORTS_PER_PACK,
            "ge": ENTITIES_PER_PACK,
            "fold": pages,
            "filters": filters,
        });
        format!("HW.manifest({m});\n")
    }
}

/// Shard `k`: its grams with their encoded posting lists, sorted by gram, as
/// a JSON object, [compressed](packed).
pub fn shard_file(k: usize, mut grams: Vec<(String, String)>) -> (String, Vec<u8>) {
    grams.sort();
    let mut s = String::from("{");
    for (i, (g, e)) in grams.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_js_str(&mut s, g);
        let _ = write!(s, ":\"{e}\"");
    }
    s.push('}');
    let text = format!("HW.shard({k},\"{}\");\n", packed(s.as_bytes()));
    (format!("s/{k}.js"), text.into_bytes())
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

/// The inverse of [`packed`] (for tests).
#[cfg(test)]
pub fn unpacked(b64: &str) -> String {
    use std::io::Read as _;
    let val = |c: u8| {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
            .iter()
            .position(|&x| x == c)
            .unwrap_or(0) as u32
    };
    let mut bytes = Vec::new();
    for q in b64.as_bytes().chunks(4) {
        let n = q.iter().fold(0, |n, &c| n << 6 | val(c));
        let real = q.iter().filter(|&&c| c != b'=').count();
        bytes.extend(&[(n >> 16) as u8, (n >> 8) as u8, n as u8][..real.saturating_sub(1)]);
    }
    let mut out = String::new();
    let _ = flate2::read::DeflateDecoder::new(&bytes[..]).read_to_string(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_atob_reads_it() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64("教育".as_bytes()), "5pWZ6IKy");
    }

    #[test]
    fn packs_are_gb18030_unless_a_character_is_not_stable_there() {
        let (_, text) = pack_file(0, 0, &[js_str("教育")]);
        assert!(String::from_utf8(text).unwrap().ends_with("\");\n"));
        let (_, text) = pack_file(0, 0, &[js_str("\u{E5E5}")]);
        assert!(String::from_utf8(text).unwrap().ends_with(",\"utf-8\");\n"));
    }

    #[test]
    fn packed_text_inflates_back() {
        let text = "义务教育优质均衡".repeat(50);
        let b64 = packed(text.as_bytes());
        assert!(b64.len() < text.len() / 4, "{}", b64.len());
        assert_eq!(unpacked(&b64), text);
    }

    #[test]
    fn js_strings_are_escaped_like_json() {
        let nasty: String =
            (0u8..0x80).map(char::from).collect::<String>() + "教育\u{2028}\u{7f}\"\\</script>é𠀀";
        for s in [nasty.as_str(), "", "\"", "a\\", "\u{1f}"] {
            assert_eq!(js_str(s), serde_json::to_string(s).unwrap());
        }
    }
}

//! Building the search index: documents from the site, grams with their
//! postings, and the files the browser loads (format in the module docs of
//! [`crate::search`]).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use rayon::prelude::*;
use serde::Serialize;

use super::fold::{fold, fold_char, pairs};
use super::text::{markdown_text, segments};
use super::tokenize::{is_cjk, is_word};
use super::{DOCS_PER_DIR, SEG_CHARS, TARGET_SHARD_BYTES, fnv1a};
use crate::model::Site;
use crate::model::entities::{Detail, Entity};
use crate::model::ids::EntityKind;

/// A page as the index sees it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub meta: DocMeta,
    /// Title and fields, one per line: matches here rank above body matches.
    pub fields: String,
    pub body: String,
    /// Filter values as `(filter, value)`, e.g. `("year", "2025")`.
    pub filters: Vec<(&'static str, String)>,
}

/// What a result shows; serialised into the document's head file.
#[derive(Debug, Clone, Serialize)]
pub struct DocMeta {
    /// Title.
    pub t: String,
    /// Site-relative URL (`towns/jingzhong/`).
    pub u: String,
    /// Type: report, town, belt, alliance.
    pub y: &'static str,
    /// Date (reports) or level / kind (entities).
    pub d: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub k: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub r: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub g: Vec<String>,
}

/// The filters, in the order the search page shows them.
pub const FILTERS: [&str; 6] = ["type", "kind", "year", "region", "tag", "level"];

/// Every report (newest first, so doc ids are in date order), then every
/// town, belt and alliance.
pub fn documents(site: &Site) -> Vec<Doc> {
    let mut docs: Vec<Doc> = site
        .reports
        .par_iter()
        .map(|r| {
            let mut fields = vec![r.title.clone()];
            fields.extend(r.tags.iter().map(|t| t.name.clone()));
            fields.extend([
                r.kind.name.clone(),
                r.region_name().to_owned(),
                r.author.clone(),
            ]);
            let mut body = markdown_text(r.body());
            // An explicit summary is text of its own; the default one is the
            // first paragraph, already in the body.
            if !r.summary.is_empty() && !starts_near(&body, r.summary.trim_end_matches('…')) {
                body = format!("{}\n{body}", r.summary);
            }
            let mut filters = vec![
                ("type", "report".to_owned()),
                ("year", r.year.to_string()),
                ("kind", r.kind.name.clone()),
            ];
            if let Some(g) = &r.region {
                filters.push(("region", g.name.clone()));
            }
            filters.extend(r.tags.iter().map(|t| ("tag", t.name.clone())));
            for &e in &r.entities {
                if let Detail::Town { level, .. } = &site.entities.all[e].detail {
                    filters.push(("level", level.label().to_owned()));
                }
            }
            Doc {
                meta: DocMeta {
                    t: r.title.clone(),
                    u: r.path.as_str().to_owned(),
                    y: "report",
                    d: r.date.to_string(),
                    k: r.kind.name.clone(),
                    r: r.region_name().to_owned(),
                    g: r.tags.iter().map(|t| t.name.clone()).collect(),
                },
                fields: join_nonempty(&fields),
                body,
                filters,
            }
        })
        .collect();
    for kind in EntityKind::ALL {
        docs.extend(
            site.entities
                .of_kind(kind)
                .map(|(_, e)| entity_doc(site, e)),
        );
    }
    docs
}

fn entity_doc(site: &Site, e: &Entity) -> Doc {
    let name_of = |i: &usize| site.entities.all[*i].name.clone();
    let mut fields = vec![e.name.clone()];
    let mut body = vec![e.summary.clone()];
    let mut filters = vec![("type", e.kind.as_str().to_owned())];
    let (d, k, r) = match &e.detail {
        Detail::Town {
            level,
            county,
            city,
            guide,
            features,
            ..
        } => {
            fields.extend([county.clone(), city.clone(), level.label().to_owned()]);
            for f in features {
                fields.push(format!("{} {}", f.school, f.name));
                body.push(f.summary.clone());
            }
            body.push(guide.clone());
            filters.push(("level", level.label().to_owned()));
            if !county.is_empty() {
                filters.push(("region", county.clone()));
            }
            (level.label().to_owned(), String::new(), county.clone())
        }
        Detail::Belt {
            theme,
            towns,
            schools,
        } => {
            fields.push(theme.clone());
            body.extend(towns.iter().map(name_of));
            body.extend(schools.iter().cloned());
            (String::new(), String::new(), String::new())
        }
        Detail::Alliance {
            kind,
            lead,
            members,
            towns,
        } => {
            fields.extend([kind.clone(), lead.clone()]);
            body.extend(members.iter().cloned());
            body.extend(towns.iter().map(name_of));
            filters.push(("kind", kind.clone()));
            (kind.clone(), kind.clone(), String::new())
        }
    };
    Doc {
        meta: DocMeta {
            t: e.name.clone(),
            u: e.path.as_str().to_owned(),
            y: e.kind.as_str(),
            d,
            k,
            r,
            g: Vec::new(),
        },
        fields: join_nonempty(&fields),
        body: join_nonempty(&body),
        filters,
    }
}

/// Whether `needle` occurs within the first few lines of `text` (where a
/// default summary comes from); bounded so long reports cost nothing extra.
fn starts_near(text: &str, needle: &str) -> bool {
    let end = text
        .char_indices()
        .nth(needle.chars().count() + 400)
        .map_or(text.len(), |(i, _)| i);
    text[..end].contains(needle)
}

fn join_nonempty(parts: &[String]) -> String {
    parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

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

/// The key a filter value is indexed under (`year:2025`).
pub fn filter_gram(filter: &str, value: &str) -> String {
    format!("{filter}:{}", fold(value.trim()))
}

/// A gram while building: one or two CJK characters packed in a number
/// (most grams; no allocation), or text (words and filter terms).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// `c` for one character, `c1 << 21 | c2` for two (always ≥ 2^21).
    Cjk(u64),
    Text(Box<str>),
}

impl Key {
    fn to_gram(&self) -> String {
        match self {
            Key::Text(t) => t.to_string(),
            Key::Cjk(k) => {
                let ch = |v: u64| char::from_u32(v as u32).unwrap_or('\u{FFFD}');
                if *k < 1 << 21 {
                    ch(*k).to_string()
                } else {
                    [ch(k >> 21), ch(k & 0x1F_FFFF)].iter().collect()
                }
            }
        }
    }

    /// Which build partition the key's postings are gathered in.
    fn partition(&self) -> usize {
        let h = match self {
            Key::Cjk(k) => k.wrapping_mul(0x9E37_79B9_7F4A_7C15),
            Key::Text(t) => u64::from(fnv1a(t.as_bytes())).wrapping_mul(0x9E37_79B9_7F4A_7C15),
        };
        (h >> 58) as usize
    }
}

/// Number of partitions the postings are gathered in, in parallel.
const PARTITIONS: usize = 64;

/// A fast hasher for build-time maps (keys are our own, not attacker-chosen
/// in any way that matters: a slow build is the worst case).
#[derive(Default)]
struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517C_C1B7_2722_0A95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

type FastMap<K, V> = HashMap<K, V, std::hash::BuildHasherDefault<FastHasher>>;

/// Statistics of one gram in one document: count, in fields, first segment.
#[derive(Debug, Clone, Copy)]
struct Stat {
    count: u32,
    title: bool,
    seg: u32,
}

/// Calls `f(key, char offset)` for every gram of `text`, folding on the way;
/// the same grams as [`super::tokenize::for_each_gram`] over the folded
/// text (tested).
fn scan(text: &str, mut f: impl FnMut(Key, usize)) {
    let mut prev: Option<char> = None;
    let mut word = String::new();
    let mut word_at = 0;
    for (at, c) in text.chars().map(fold_char).enumerate() {
        if is_cjk(c) {
            if !word.is_empty() {
                f(Key::Text(std::mem::take(&mut word).into()), word_at);
            }
            f(Key::Cjk(u64::from(c)), at);
            if let Some(p) = prev {
                f(Key::Cjk(u64::from(p) << 21 | u64::from(c)), at - 1);
            }
            prev = Some(c);
        } else {
            prev = None;
            if is_word(c) {
                if word.is_empty() {
                    word_at = at;
                }
                word.push(c);
            } else if !word.is_empty() {
                f(Key::Text(std::mem::take(&mut word).into()), word_at);
            }
        }
    }
    if !word.is_empty() {
        f(Key::Text(word.into()), word_at);
    }
}

/// A document's grams, sorted by partition, and where each partition starts.
type DocGrams = (Vec<(Key, Stat)>, [u32; PARTITIONS + 1]);

fn doc_grams(doc: &Doc) -> DocGrams {
    thread_local! {
        // Single characters are counted in a dense per-thread table (and the
        // touched slots reset after each document): half of all grams are
        // single characters, and this is much cheaper than hashing them.
        static UNI: std::cell::RefCell<(Vec<Stat>, Vec<u32>)> = const {
            std::cell::RefCell::new((Vec::new(), Vec::new()))
        };
    }
    const EMPTY: Stat = Stat {
        count: 0,
        title: false,
        seg: u32::MAX,
    };
    // About two grams per character; reserving avoids rehashing as it grows.
    let mut bi: FastMap<u64, Stat> =
        FastMap::with_capacity_and_hasher(doc.body.len() / 3 + 64, Default::default());
    let mut m: FastMap<Key, Stat> = FastMap::default();
    let mut v: Vec<(Key, Stat)> = UNI.with(|uni| {
        let mut uni = uni.borrow_mut();
        let (table, touched) = &mut *uni;
        if table.is_empty() {
            table.resize(1 << 21, EMPTY);
        }
        // `seg` is u32::MAX until the gram is seen in the body.
        let mut add = |k: Key, title: bool, at: Option<usize>| {
            let e = match k {
                Key::Cjk(c) if c < 1 << 21 => {
                    let e = &mut table[c as usize];
                    if e.count == 0 {
                        touched.push(c as u32);
                    }
                    e
                }
                // Pairs hash as plain numbers (most of the remaining grams).
                Key::Cjk(pair) => bi.entry(pair).or_insert(EMPTY),
                k => m.entry(k).or_insert(EMPTY),
            };
            e.count += 1;
            e.title |= title;
            if let Some(at) = at {
                if e.seg == u32::MAX {
                    e.seg = (at / SEG_CHARS) as u32;
                }
            }
        };
        scan(&doc.fields, |k, _| add(k, true, None));
        scan(&doc.body, |k, at| add(k, false, Some(at)));
        let mut v: Vec<(Key, Stat)> = Vec::with_capacity(bi.len() + m.len() + touched.len() + 16);
        v.extend(bi.drain().map(|(k, st)| (Key::Cjk(k), st)));
        for c in touched.drain(..) {
            v.push((Key::Cjk(u64::from(c)), table[c as usize]));
            table[c as usize] = EMPTY;
        }
        v.extend(m.drain());
        for (_, st) in &mut v {
            if st.seg == u32::MAX {
                st.seg = 0;
            }
        }
        v
    });
    let mut filters: Vec<String> = doc.filters.iter().map(|(f, v)| filter_gram(f, v)).collect();
    filters.sort();
    filters.dedup();
    v.extend(filters.into_iter().map(|g| {
        (
            Key::Text(g.into()),
            Stat {
                count: 1,
                title: false,
                seg: 0,
            },
        )
    }));
    // Counting sort by partition (a comparison sort here was a tenth of the
    // whole index build).
    let parts: Vec<usize> = v.iter().map(|(k, _)| k.partition()).collect();
    let mut off = [0u32; PARTITIONS + 1];
    for &p in &parts {
        off[p + 1] += 1;
    }
    for p in 0..PARTITIONS {
        off[p + 1] += off[p];
    }
    let mut next = off;
    let mut slots: Vec<Option<(Key, Stat)>> = vec![None; v.len()];
    for (item, p) in v.into_iter().zip(parts) {
        slots[next[p] as usize] = Some(item);
        next[p] += 1;
    }
    (slots.into_iter().flatten().collect(), off)
}

/// Posting lists as compact text: per posting, varint(doc gap − 1), then
/// varint(count << 2 | title << 1 | has_seg) and, when has_seg, varint(seg).
/// A varint is base-64 digits of 5 payload bits each, low bits first, with
/// 32 set on every digit but the last.
pub fn encode_postings(ps: &[Posting]) -> String {
    let mut e = Encoder::default();
    for p in ps {
        e.push(p);
    }
    e.text
}

/// Appends postings (in document order) to a list's text.
#[derive(Debug, Default)]
struct Encoder {
    text: String,
    /// Last document + 1 (0 before the first).
    next: u32,
}

impl Encoder {
    fn push(&mut self, p: &Posting) {
        varint(&mut self.text, u64::from(p.doc - self.next));
        self.next = p.doc + 1;
        let has_seg = p.seg > 0;
        let v =
            u64::from(p.count.min(MAX_COUNT)) << 2 | u64::from(p.title) << 1 | u64::from(has_seg);
        varint(&mut self.text, v);
        if has_seg {
            varint(&mut self.text, u64::from(p.seg));
        }
    }
}

/// Counts above this are stored as this: enough to rank by.
pub const MAX_COUNT: u32 = 1023;

const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn varint(s: &mut String, mut v: u64) {
    loop {
        let d = (v & 31) as usize;
        v >>= 5;
        if v == 0 {
            s.push(DIGITS[d] as char);
            return;
        }
        s.push(DIGITS[d | 32] as char);
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
        let doc = prev + 1 + gap as i64;
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

/// The built index: `(path under search/, bytes)`, sorted by path.
pub fn build_files(docs: &[Doc]) -> Vec<(String, Vec<u8>)> {
    let per_doc: Vec<DocGrams> = docs.par_iter().map(doc_grams).collect();

    // Postings per gram, gathered one partition of the grams at a time in
    // parallel; within a partition documents are visited in id order, so
    // every list comes out sorted.
    let encoded: Vec<(String, String)> = (0..PARTITIONS)
        .into_par_iter()
        .flat_map_iter(|p| {
            // Encoded as they come: no intermediate lists of postings.
            let mut lists: FastMap<&Key, Encoder> = FastMap::default();
            for (d, (grams, off)) in per_doc.iter().enumerate() {
                for (k, st) in &grams[off[p] as usize..off[p + 1] as usize] {
                    lists.entry(k).or_default().push(&Posting {
                        doc: d as u32,
                        count: st.count,
                        title: st.title,
                        seg: st.seg,
                    });
                }
            }
            lists
                .into_iter()
                .map(|(k, e)| (k.to_gram(), e.text))
                .collect::<Vec<_>>()
        })
        .collect();
    let total: usize = encoded.iter().map(|(g, e)| g.len() + e.len() + 6).sum();
    let n_shards = total.div_ceil(TARGET_SHARD_BYTES).max(1);
    let mut shards: Vec<Vec<(String, String)>> = vec![Vec::new(); n_shards];
    for (g, e) in encoded {
        let k = fnv1a(g.as_bytes()) as usize % n_shards;
        shards[k].push((g, e));
    }

    let mut files: Vec<(String, Vec<u8>)> = shards
        .into_par_iter()
        .enumerate()
        .map(|(k, mut grams)| {
            grams.sort();
            let mut s = format!("HW.shard({k},{{");
            for (i, (g, e)) in grams.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let _ = write!(s, "{}:\"{e}\"", js_str(g));
            }
            s.push_str("});\n");
            (format!("s/{k}.js"), s.into_bytes())
        })
        .collect();

    files.par_extend(
        docs.par_iter()
            .enumerate()
            .flat_map_iter(|(id, d)| doc_files(id, d)),
    );
    files.extend(fold_files());
    files.push(("index.js".to_owned(), manifest(docs, n_shards).into_bytes()));
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// A document's head file (metadata, fields, first segment) and, if the body
/// is longer, one tail file with every further segment. One tail rather than
/// a file per segment: on a 10,000-report site that is 7,700 fewer files
/// (creating them was most of what the index adds to a build), and a query
/// loads a tail only for the few hits whose match is past the first segment.
fn doc_files(id: usize, d: &Doc) -> Vec<(String, Vec<u8>)> {
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
    head.push_str(&js_str(&d.fields));
    let _ = write!(head, ",\"n\":{},\"x\":", segs.len());
    head.push_str(&js_str(x));
    head.push_str("});\n");
    let mut out = vec![(format!("{dir}.js"), head.into_bytes())];
    if segs.len() > 1 {
        let mut tail = format!("HW.tail({id},[");
        for (i, text) in segs.iter().skip(1).enumerate() {
            if i > 0 {
                tail.push(',');
            }
            tail.push_str(&js_str(text));
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
fn fold_files() -> Vec<(String, Vec<u8>)> {
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

fn manifest(docs: &[Doc], n_shards: usize) -> String {
    // Filter values as first written, with how many documents have each.
    let mut values: BTreeMap<&str, BTreeMap<String, (String, usize)>> = BTreeMap::new();
    for d in docs {
        let mut seen: Vec<String> = Vec::new();
        for (f, v) in &d.filters {
            let key = filter_gram(f, v);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let e = values
                .entry(f)
                .or_default()
                .entry(fold(v.trim()))
                .or_insert_with(|| (v.trim().to_owned(), 0));
            e.1 += 1;
        }
    }
    let mut filters = serde_json::Map::new();
    for f in FILTERS {
        let mut list: Vec<(String, usize)> =
            values.remove(f).unwrap_or_default().into_values().collect();
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
        "docs": docs.len(),
        "seg": SEG_CHARS,
        "dir": DOCS_PER_DIR,
        "fold": page_list(false),
        "unfold": page_list(true),
        "filters": filters,
    });
    format!("HW.manifest({m});\n")
}

/// A JSON string literal (valid JavaScript).
fn js_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(title: &str, body: &str) -> Doc {
        Doc {
            meta: DocMeta {
                t: title.into(),
                u: "reports/x/".into(),
                y: "report",
                d: "2025-01-01".into(),
                k: String::new(),
                r: String::new(),
                g: Vec::new(),
            },
            fields: title.into(),
            body: body.into(),
            filters: vec![("year", "2025".into())],
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

    #[test]
    fn grams_know_fields_counts_and_segments() {
        let body = format!("{}农业合作社，农业。", "甲".repeat(SEG_CHARS));
        let (g, off) = doc_grams(&doc("乡村教育", &body));
        assert_eq!(off[PARTITIONS] as usize, g.len());
        let find = |k: &str| {
            g.iter()
                .find(|x| x.0.to_gram() == k)
                .map(|(_, s)| (s.count, s.title, s.seg))
        };
        assert_eq!(find("农业"), Some((2, false, 1)));
        assert_eq!(find("教育"), Some((1, true, 0)));
        assert_eq!(find("year:2025"), Some((1, false, 0)));
        assert!(find("业合").is_some());
        assert!(find("社农").is_none(), "no bigram across punctuation");
    }

    #[test]
    fn fast_scan_matches_the_tokenizer() {
        let text = "義務教育ＡＢＣ１２３ html5，中国农业发展银行 2025年x";
        let mut fast = Vec::new();
        scan(text, |k, at| fast.push((k.to_gram(), at)));
        let mut slow = Vec::new();
        crate::search::tokenize::for_each_gram(&fold(text), |g, at| slow.push((g.to_owned(), at)));
        fast.sort();
        slow.sort();
        assert_eq!(fast, slow);
    }

    #[test]
    fn output_is_deterministic_and_complete() {
        let docs = vec![doc("義務教育", "正文"), doc("其他", "農業合作社")];
        let a = build_files(&docs);
        let b = build_files(&docs);
        assert_eq!(a, b);
        let names: Vec<&str> = a.iter().map(|f| f.0.as_str()).collect();
        assert!(names.contains(&"index.js"));
        assert!(names.contains(&"d/0/0.js"));
        assert!(names.contains(&"d/0/1.js"));
        let shards: String = a
            .iter()
            .filter(|f| f.0.starts_with("s/"))
            .map(|f| String::from_utf8_lossy(&f.1).into_owned())
            .collect();
        // Indexed folded: the Traditional title is found under 义务.
        assert!(shards.contains("\"义务\":"));
        assert!(shards.contains("\"农业\":"));
        assert!(!shards.contains("\"義務\":"));
    }
}

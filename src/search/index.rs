//! Building the search index: the documents' grams gathered into posting
//! lists, and every file written through a sink as soon as it is ready
//! (format in the module docs of [`crate::search`]).
//!
//! Documents go through in batches of [`BATCH`], in id order: each batch's
//! documents are made, counted ([`grams::count`]) and their pack files
//! written in parallel, then their postings are appended to the partitions'
//! lists, one partition per task. So the build never holds more than a batch
//! of page text or per-document gram tables, and writing the packs overlaps
//! with counting.

use std::io;
use std::sync::Mutex;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::TARGET_SHARD_BYTES;
use super::docs::{Doc, Filter};
use super::files::{FilterCounts, doc_record, fold_files, pack_file, pack_of, shard_file};
use super::grams::{self, DocGrams, PARTITIONS, cjk_gram};
use super::postings::Encoder;
use crate::base::hash::fnv1a;
use crate::base::sink::Sink;

/// Documents per batch (whole packs): large enough that the two cores stay
/// busy between the batch's two parallel steps, small enough to bound memory.
pub const BATCH: usize = 1024;

/// A document's grams with their statistics (see [`grams::count`]).
fn doc_grams(doc: &Doc) -> DocGrams {
    let mut filters: Vec<String> = doc.filters.iter().map(|(f, v)| f.gram(v)).collect();
    filters.sort();
    filters.dedup();
    let title_chars = doc.fields.first().map_or(0, |t| t.chars().count());
    grams::count(&doc.fields.join("\n"), title_chars, &doc.body, filters)
}

/// The posting lists of one partition of the grams, growing batch by batch.
#[derive(Default)]
struct Partition {
    cjk: FxHashMap<u64, Encoder>,
    text: FxHashMap<Box<str>, Encoder>,
}

impl Partition {
    /// Appends partition `p`'s share of a batch whose first document is `first`.
    fn append(&mut self, p: usize, first: usize, batch: &[DocGrams]) {
        for (i, g) in batch.iter().enumerate() {
            let d = (first + i) as u32;
            for &(k, st) in g.cjk_part(p) {
                let occ = match st.field() {
                    true => g.fields.cjk.get(&k).map_or(&[][..], Vec::as_slice),
                    false => &[],
                };
                self.cjk.entry(k).or_default().push(d, st, occ);
            }
            for (k, st) in g.text_part(p) {
                let occ = match st.field() {
                    true => g.fields.text.get(k).map_or(&[][..], Vec::as_slice),
                    false => &[],
                };
                match self.text.get_mut(&**k) {
                    Some(e) => e.push(d, *st, occ),
                    None => {
                        let mut e = Encoder::default();
                        e.push(d, *st, occ);
                        self.text.insert(k.clone(), e);
                    }
                }
            }
        }
    }

    fn into_lists(self) -> impl Iterator<Item = (String, String)> {
        let cjk = self
            .cjk
            .into_iter()
            .map(|(k, e)| (cjk_gram(k), e.into_string()));
        let text = self
            .text
            .into_iter()
            .map(|(k, e)| (k.into(), e.into_string()));
        cjk.chain(text)
    }
}

/// A document's grams and filter values, as a batch hands them on.
type Counted = (DocGrams, Vec<(Filter, String)>);

/// Builds the index of documents `0..n`, the first `reports` of them reports
/// (`doc(id)` makes one), and writes every file through `sink`; returns the
/// files that could not be written. The output does not depend on the order
/// the sink sees files in.
pub fn write_index<F>(n: usize, reports: usize, doc: F, sink: &dyn Sink) -> Vec<(String, io::Error)>
where
    F: Fn(usize) -> Doc + Sync,
{
    let failed = Mutex::new(Vec::new());
    let put = |path: String, bytes: &[u8]| {
        if let Err(e) = sink.write(&path, bytes)
            && let Ok(mut f) = failed.lock()
        {
            f.push((path, e));
        }
    };
    let mut parts: Vec<Partition> = (0..PARTITIONS).map(|_| Partition::default()).collect();
    let mut filters = FilterCounts::default();
    for packs in batches(n, reports) {
        let first = packs[0];
        let batch: Vec<Counted> = packs
            .par_windows(2)
            .flat_map_iter(|w| write_pack(w[0]..w[1], reports, &doc, &put))
            .collect();
        let (grams, doc_filters): (Vec<DocGrams>, Vec<_>) = batch.into_iter().unzip();
        for f in &doc_filters {
            filters.add(f);
        }
        // Within a partition documents arrive in id order, so every list
        // comes out sorted, and is encoded as it grows.
        parts
            .par_iter_mut()
            .enumerate()
            .for_each(|(p, part)| part.append(p, first, &grams));
    }
    let n_shards = write_shards(parts, &put);
    for (path, bytes) in fold_files() {
        put(path, &bytes);
    }
    put(
        "index.js".to_owned(),
        filters.manifest(n, reports, n_shards).as_bytes(),
    );
    failed.into_inner().unwrap_or_default()
}

/// Batches of whole packs, about [`BATCH`] documents each: for each batch,
/// the first id of each of its packs and the end of the last.
fn batches(n: usize, reports: usize) -> Vec<Vec<usize>> {
    let mut starts: Vec<usize> = (0..n)
        .filter(|&id| id == 0 || pack_of(id, reports) != pack_of(id - 1, reports))
        .collect();
    starts.push(n);
    let mut out = Vec::new();
    let mut from = 0;
    while from + 1 < starts.len() {
        let mut to = from + 1;
        while to + 1 < starts.len() && starts[to] - starts[from] < BATCH {
            to += 1;
        }
        out.push(starts[from..=to].to_vec());
        from = to;
    }
    out
}

/// Makes the documents of one pack, writes the pack and counts their grams.
fn write_pack<F>(
    ids: std::ops::Range<usize>,
    reports: usize,
    doc: &F,
    put: &(dyn Fn(String, &[u8]) + Sync),
) -> Vec<Counted>
where
    F: Fn(usize) -> Doc + Sync,
{
    let first = ids.start;
    let docs: Vec<Doc> = ids.map(doc).collect();
    let records: Vec<String> = docs.iter().map(doc_record).collect();
    let (path, bytes) = pack_file(pack_of(first, reports), first, &records);
    put(path, &bytes);
    docs.into_iter()
        .map(|d| (doc_grams(&d), d.filters))
        .collect()
}

/// Spreads the posting lists over shards of about [`TARGET_SHARD_BYTES`]
/// by gram hash and writes them; returns the number of shards.
fn write_shards(parts: Vec<Partition>, put: &(dyn Fn(String, &[u8]) + Sync)) -> usize {
    let lists: Vec<(String, String)> = parts
        .into_par_iter()
        .flat_map_iter(Partition::into_lists)
        .collect();
    let total: usize = lists.iter().map(|(g, e)| g.len() + e.len() + 6).sum();
    let n_shards = total.div_ceil(TARGET_SHARD_BYTES).max(1);
    let mut shards: Vec<Vec<(String, String)>> = vec![Vec::new(); n_shards];
    for (g, e) in lists {
        let k = fnv1a(g.as_bytes()) as usize % n_shards;
        shards[k].push((g, e));
    }
    shards.into_par_iter().enumerate().for_each(|(k, grams)| {
        let (path, bytes) = shard_file(k, grams);
        put(path, &bytes);
    });
    n_shards
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::docs::DocMeta;
    use crate::search::files::ENTITIES_PER_PACK;

    fn doc(title: &str, body: &str) -> Doc {
        Doc {
            meta: DocMeta {
                t: title.into(),
                u: "reports/x/".into(),
                y: "report",
                l: Vec::new(),
                d: "2025-01-01".into(),
            },
            fields: vec![title.into()],
            body: body.into(),
            filters: vec![(Filter::Year, "2025".into())],
        }
    }

    fn build(docs: &[Doc], reports: usize) -> Vec<(String, Vec<u8>)> {
        let files = Mutex::new(Vec::new());
        let sink = |path: &str, bytes: &[u8]| {
            if let Ok(mut f) = files.lock() {
                f.push((path.to_owned(), bytes.to_vec()));
            }
            Ok(())
        };
        assert!(write_index(docs.len(), reports, |i| docs[i].clone(), &sink).is_empty());
        let mut files = files.into_inner().unwrap_or_default();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }

    #[test]
    fn output_is_deterministic_and_complete() {
        let docs: Vec<Doc> = (0..7)
            .map(|i| doc(&format!("義務教育{i}"), "農業合作社"))
            .collect();
        let a = build(&docs, 5);
        assert_eq!(a, build(&docs, 5));
        let names: Vec<&str> = a.iter().map(|f| f.0.as_str()).collect();
        // Five reports in packs of three (0, 1), two entities in pack 2.
        for p in ["index.js", "d/0.js", "d/1.js", "d/2.js"] {
            assert!(names.contains(&p), "{p} in {names:?}");
        }
        assert!(!names.contains(&"d/3.js"));
        let text = |name: &str| {
            String::from_utf8_lossy(&a.iter().find(|f| f.0 == name).expect("file").1).into_owned()
        };
        assert!(text("d/1.js").starts_with("HW.docs(3,\""));
        assert!(text("d/2.js").starts_with("HW.docs(5,\""));
        let shards: String = a
            .iter()
            .filter(|f| f.0.starts_with("s/"))
            .map(|f| {
                let t = String::from_utf8_lossy(&f.1).into_owned();
                let b64 = t.split('"').nth(1).unwrap_or("").to_owned();
                crate::search::files::unpacked(&b64)
            })
            .collect();
        // Indexed folded: the Traditional title is found under 义务.
        assert!(shards.contains("\"义务\":"));
        assert!(shards.contains("\"农业\":"));
        assert!(!shards.contains("\"義務\":"));
        assert!(text("index.js").contains("\"reports\":5"));
    }

    #[test]
    fn batches_hold_whole_packs() {
        // 1,000 reports (packs of 3, the last one short), then 40 entities (packs of 16, the
        // second one across the 1,024 mark).
        let bs = batches(1040, 1000);
        let flat: Vec<usize> = bs.iter().flat_map(|b| b[..b.len() - 1].to_vec()).collect();
        let want: Vec<usize> = (0..1040)
            .filter(|&id| id == 0 || pack_of(id, 1000) != pack_of(id - 1, 1000))
            .collect();
        assert_eq!(flat, want);
        for w in bs.windows(2) {
            assert_eq!(w[0].last(), w[1].first(), "batches meet");
        }
        assert_eq!(bs.last().and_then(|b| b.last()), Some(&1040));
        assert!(batches(0, 0).is_empty());
    }

    #[test]
    fn packs_follow_pack_of() {
        assert_eq!(pack_of(0, 5), 0);
        assert_eq!(pack_of(2, 5), 0);
        assert_eq!(pack_of(4, 5), 1);
        assert_eq!(pack_of(5, 5), 2);
        assert_eq!(pack_of(5 + ENTITIES_PER_PACK, 5), 3);
        assert_eq!(pack_of(0, 0), 0);
        assert_eq!(pack_of(ENTITIES_PER_PACK, 0), 1);
    }
}

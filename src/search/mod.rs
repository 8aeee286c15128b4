//! Full-text search that runs in the browser, from any sub-path and from
//! `file://`, in Simplified and Traditional Chinese.
//!
//! At build time every report and entity becomes a document; its text is
//! [folded](fold) (Traditional → Simplified, full-width → half-width, lower
//! case) and [tokenized](tokenize) into CJK unigrams and bigrams and Latin
//! words. The browser (`themes/default/static/search.js`) folds and tokenizes
//! the query the same way, loads only the index files it needs, intersects
//! posting lists, ranks, and checks longer queries against the text itself,
//! so exact substring matching never shows a false hit.
//!
//! # Files (under `search/` in the output)
//!
//! Every file is a JavaScript call to a global registrar (`HW.*`), loaded with
//! a `<script>` element: `fetch()` is not allowed on `file://`, scripts are.
//!
//! | file | content |
//! | --- | --- |
//! | `index.js` | `HW.manifest({n, docs, seg, dir, fold, unfold, filters})`: shard count, document count, segment length, documents per folder, fold-table pages (`f/`, `u/`), filter values with counts |
//! | `s/<k>.js` | `HW.shard(k, {gram: postings, …})`: every gram whose FNV-1a 32 hash (over UTF-8) mod `n` is `k`; `n` is chosen so shards average [`TARGET_SHARD_BYTES`] |
//! | `d/<id/100>/<id%100>.js` | `HW.doc(id, {t, u, y, d, k, r, g, f, n, x})`: title, site-relative URL, type, date or level, kind, region, tags, field text, segment count, first body segment |
//! | `d/<id/100>/<id%100>-t.js` | `HW.tail(id, ["text", …])`: body segments 1, 2, … ([`SEG_CHARS`] characters each), if the body has more than one |
//! | `f/<hex>.js` | `HW.fold("繁简繁简…")`: fold-table pairs whose Traditional character is on page `hex` (code point >> 8; >> 12 + 0x1000 outside the BMP), to fold the query |
//! | `u/<hex>.js` | the same pairs grouped by the Simplified character: every form of a query character, to find it in original text without folding the text |
//!
//! Grams are folded CJK unigrams and bigrams, Latin/number words, and filter
//! terms `type:report|town|belt|alliance`, `year:2025`, `kind:经验交流`,
//! `region:临淄区`, `tag:强镇筑基`, `level:省级`.
//!
//! Document ids: reports newest first, then towns, belts and alliances, so a
//! smaller id is newer and breaks ranking ties. A posting list is encoded by
//! [`postings::encode_postings`]: per document, the id gap, the occurrence count
//! with a title/field flag, and the first body segment the gram occurs in
//! (which segment the excerpt comes from, and where checking a longer query
//! starts).
//!
//! # A query in the browser
//!
//! 1. Split into terms at spaces (a `"quoted phrase"` is one term); fold each
//!    (loading the `f/` pages of its characters first).
//! 2. Look each term up: one or two CJK characters, or a word, by its own
//!    gram (exact, no check needed); a longer CJK run by every other bigram
//!    plus the last ([`tokenize::bigram_cover`]). Filters are grams too.
//! 3. Load the shards of those grams, intersect the posting lists (AND),
//!    score with [`rank_compare`]'s order, sort.
//! 4. For the first page, load each hit's head file; a term that was not
//!    exact is confirmed in the title/fields or the body (the tail loaded
//!    if the hinted segment is past the first); a candidate that fails is dropped, so no false
//!    hit is ever shown. The excerpt is cut around the first match, and every
//!    form of the query (Traditional or Simplified, `u/` pages) is marked.
//!
//! The result count is exact when every term was exact, "about N" otherwise
//! (candidates not yet checked).

pub mod docs;
pub mod files;
pub mod fold;
pub mod grams;
pub mod index;
pub mod postings;
pub mod text;
pub mod tokenize;

use std::cmp::Ordering;

use crate::model::Site;

/// Characters per body segment (excerpts and checks load one at a time).
pub const SEG_CHARS: usize = 1500;
/// Average size aimed at for a shard of posting lists.
pub const TARGET_SHARD_BYTES: usize = 12_000;
/// Document files per folder (keeps folders small on USB sticks).
pub const DOCS_PER_DIR: usize = 100;

/// Builds the site's index and writes every file through `sink` (paths
/// under `search/`); returns the files that could not be written.
pub fn write_index(
    site: &Site,
    sink: &dyn crate::base::sink::Sink,
) -> Vec<(String, std::io::Error)> {
    let source = docs::DocSource::new(site);
    index::write_index(source.len(), |id| source.cow(id), sink)
}

/// FNV-1a, 32 bits: the shard of a gram (same function in search.js).
pub fn fnv1a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// What ranking looks at for one result (mirrored by `rankCompare` in search.js).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score {
    /// Query terms found in the title or a field.
    pub field_terms: u32,
    /// Occurrences: for each term the smallest count among its grams, summed.
    pub matches: u32,
    /// Document id (smaller is newer).
    pub doc: u32,
}

/// Ranking order: more terms in title/fields first, then more matches, then
/// newer. Total and deterministic (ids are unique).
pub fn rank_compare(a: &Score, b: &Score) -> Ordering {
    b.field_terms
        .cmp(&a.field_terms)
        .then(b.matches.cmp(&a.matches))
        .then(a.doc.cmp(&b.doc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_values() {
        assert_eq!(fnv1a(b""), 0x811c_9dc5);
        assert_eq!(fnv1a(b"a"), 0xe40c_292c);
        assert_eq!(fnv1a("教育".as_bytes()), fnv1a("教育".as_bytes()));
    }

    #[test]
    fn ranking_order() {
        let s = |field_terms, matches, doc| Score {
            field_terms,
            matches,
            doc,
        };
        let mut v = vec![
            s(0, 9, 1), // body only, many matches
            s(1, 1, 7), // in the title, once
            s(0, 2, 0), // body, newest
            s(0, 9, 0), // body, many, newest
            s(1, 3, 9), // title, more matches
        ];
        v.sort_by(rank_compare);
        assert_eq!(
            v,
            vec![s(1, 3, 9), s(1, 1, 7), s(0, 9, 0), s(0, 9, 1), s(0, 2, 0)]
        );
    }
}

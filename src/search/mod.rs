//! Full-text search that runs in the browser, from any sub-path and from
//! `file://`, in Simplified and Traditional Chinese.
//!
//! At build time every report and entity becomes a document ([`docs`]): the
//! text its page shows, once, and nothing else. Its text is [folded](fold)
//! (Traditional → Simplified, full-width → half-width, lower case) and
//! tokenized ([`tokenize`], [`grams`]) into CJK unigrams and bigrams and
//! Latin/number words. The browser (`themes/default/static/search.js`)
//! folds and splits the query the same way, loads only the index files it
//! needs, intersects posting lists, ranks, and checks every term that its
//! grams do not prove against the document's text before showing it, so no
//! false hit is ever shown.
//!
//! # Files (under `search/` in the output)
//!
//! Every file is a JavaScript call to a global registrar (`HW.*`), loaded with
//! a `<script>` element: `fetch()` is not allowed on `file://`, scripts are.
//!
//! | file | content |
//! | --- | --- |
//! | `index.js` | `HW.manifest({v, n, docs, reports, gr, ge, fold, filters})`: shard count, document and report counts, documents per pack (reports, entities), fold-table pages, filter values with counts |
//! | `s/<k>.js` | `HW.shard(k, {gram: postings, …})`: every gram whose FNV-1a 32 hash (over UTF-8) mod `n` is `k`; `n` is chosen so shards average [`TARGET_SHARD_BYTES`] |
//! | `d/<p>.js` | `HW.docs(first, [{t, u, y, l, d, f, x}, …], encoding?)`: the records of a pack of consecutive documents ([`files::pack_of`]): title, site-relative URL, type, location, date, fields (title first, one per line), visible text (one block per line, prose before code); the JSON is GB18030 before it is compressed, or UTF-8 when `encoding` says `"utf-8"` |
//! | `f/<hex>.js` | `HW.fold("繁简繁简…")`: the fold-table pairs either of whose characters is on page `hex` (code point >> 8; >> 12 + 0x1000 outside the BMP) |
//!
//! Grams are folded CJK unigrams and bigrams, Latin/number words, and filter
//! terms `type:report|town|belt|alliance`, `year:2025`, `kind:经验交流`,
//! `region:临淄区`, `tag:强镇筑基`, `level:省级`.
//!
//! Document ids: reports newest first, then towns, belts and alliances, so a
//! smaller id is newer and breaks ranking ties. A posting list is encoded as
//! [`postings`] describes: per document, the id gap, whether the gram is
//! frequent there, whether it is in the fields, and where in the fields.
//!
//! # A query in the browser
//!
//! 1. Split into terms at spaces (a `"quoted phrase"` is one term); fold each
//!    (loading the `f/` pages of its characters first); terms without a
//!    letter, digit or CJK character are set aside with a hint.
//! 2. Look each term up by its grams: each CJK run by its unigram (one
//!    character), its bigram (two) or every other bigram plus the last
//!    (longer; an odd run of five or more without the bigram before the
//!    last); each word by itself. Filters are grams too.
//! 3. Load the shards of those grams, intersect the posting lists (AND),
//!    rank (search.js's `rank`, the one definition): title equal to the
//!    query, title starting with it, more terms whole in the title or
//!    fields (told from the field offsets), more terms frequent in the
//!    document, newer.
//! 4. For the first five results (ten more per "more"), load each hit's pack; a term that its grams do not
//!    prove (several grams, punctuation) is checked in the fields and text;
//!    a candidate that fails is dropped. The excerpt is cut around the first
//!    match, and every form of the query (Traditional or Simplified) marked.
//!
//! The result count is exact when every term is proven by its grams, else a
//! range: at least the hits confirmed so far, at most the candidates not
//! yet ruled out.

pub mod docs;
pub mod files;
pub mod fold;
pub mod gb18030;
pub mod grams;
pub mod index;
pub mod postings;
pub mod tokenize;

use crate::model::Site;
use crate::render::Renderer;

/// Average size aimed at for a shard of posting lists.
pub const TARGET_SHARD_BYTES: usize = 12_000;

/// Builds the site's index and writes every file through `sink` (paths
/// under `search/`); returns the files that could not be written.
/// `body(i)` may give report `i`'s body HTML as its page was made (the
/// build renders report pages as the index asks for them, so each body is
/// rendered once); where it gives none, the body is rendered here.
pub fn write_index(
    site: &Site,
    renderer: &Renderer,
    body: &(dyn Fn(usize) -> Option<String> + Sync),
    sink: &dyn crate::base::sink::Sink,
) -> Vec<(String, std::io::Error)> {
    let source = docs::DocSource::new(site, renderer);
    index::write_index(
        source.len(),
        source.reports(),
        |id| source.get(id, body),
        sink,
    )
}

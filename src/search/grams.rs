//! Counting a document's grams: the hot loop of the index build (every
//! character of every page passes through [`count`] once).
//!
//! The grams are those of [`super::tokenize::for_each_gram`] over folded
//! text (a test keeps the two in step), counted per document, with where
//! each occurs in the fields ([`FieldOccurrences`]). Three choices keep it
//! fast, each found with a profiler on a 10,000-report site:
//! - one table lookup per character gives both its folded form and its class
//!   ([`FoldClass`]), instead of folding and then asking Unicode whether it
//!   is a letter (the Unicode property lookups alone were 3 % of the build);
//! - CJK unigrams and bigrams are numbers ([`pair_key`]), counted in a dense
//!   per-thread table (unigrams) and a small open-addressing table
//!   (bigrams), both reset by walking the slots used, never reallocated;
//! - the result is two flat arrays of 16-byte entries bucketed by partition,
//!   so the gathering step reads each document's share of a partition as one
//!   slice.

use std::cell::RefCell;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::fold::fold_char;
use super::tokenize::{indexed_as_grams, is_word};
use crate::base::hash::fnv1a;

/// Number of partitions the postings are gathered in, in parallel.
pub const PARTITIONS: usize = 64;

/// A CJK gram as a number: a single character is its code point, a pair is
/// `c1 << 21 | c2` (always ≥ 2^21, so the two never collide).
#[inline(always)]
pub fn pair_key(first: u32, second: u32) -> u64 {
    u64::from(first) << 21 | u64::from(second)
}

/// The text of a CJK gram's number (see [`pair_key`]).
pub fn cjk_gram(k: u64) -> String {
    let ch = |v: u64| char::from_u32(v as u32).unwrap_or('\u{FFFD}');
    if k < 1 << 21 {
        ch(k).to_string()
    } else {
        [ch(k >> 21), ch(k & 0x1F_FFFF)].iter().collect()
    }
}

/// One gram's use in one document, packed: occurrence count (saturating
/// at [`MAX_COUNT`]) in bits 0–9, "in the title or a field" in bit 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Stat(u32);

/// Counts above this are stored as this: enough to rank by.
pub const MAX_COUNT: u32 = 1023;
const FIELD: u32 = 1 << 10;

impl Stat {
    const EMPTY: Stat = Stat(0);

    pub fn new(count: u32, field: bool) -> Stat {
        Stat(count.min(MAX_COUNT) | if field { FIELD } else { 0 })
    }
    pub fn count(self) -> u32 {
        self.0 & MAX_COUNT
    }
    pub fn field(self) -> bool {
        self.0 & FIELD != 0
    }
    fn is_empty(self) -> bool {
        self.0 & MAX_COUNT == 0
    }
    /// Counts one occurrence, in the fields or the body.
    #[inline(always)]
    fn add(&mut self, field: bool) {
        if self.0 & MAX_COUNT < MAX_COUNT {
            self.0 += 1;
        }
        if field {
            self.0 |= FIELD;
        }
    }
}

/// Where a gram occurs in a document's fields (title first, then each field
/// on its own line): the character offset of each occurrence, shifted left
/// by one, with bit 0 set when the occurrence ends exactly where the title
/// ends. Fields are short, so this is a handful of numbers per document.
#[derive(Debug, Default)]
pub struct FieldOccurrences {
    pub cjk: FxHashMap<u64, Vec<u32>>,
    pub text: FxHashMap<Box<str>, Vec<u32>>,
}

impl FieldOccurrences {
    /// Scans the fields text; `title_chars` is the title's length.
    fn of(fields: &str, title_chars: usize) -> FieldOccurrences {
        let mut occ = FieldOccurrences::default();
        let code = |at: usize, len: usize| ((at as u32) << 1) | u32::from(at + len == title_chars);
        let cell = std::cell::RefCell::new(&mut occ);
        scan(
            fields,
            |c, at| {
                cell.borrow_mut()
                    .cjk
                    .entry(u64::from(c))
                    .or_default()
                    .push(code(at, 1))
            },
            |k, at| {
                cell.borrow_mut()
                    .cjk
                    .entry(k)
                    .or_default()
                    .push(code(at, 2))
            },
            |w, at| {
                let n = w.chars().count();
                let mut o = cell.borrow_mut();
                match o.text.get_mut(w) {
                    Some(v) => v.push(code(at, n)),
                    None => {
                        o.text.insert(w.into(), vec![code(at, n)]);
                    }
                }
            },
        );
        occ
    }
}

/// A document's grams, each once with its [`Stat`], bucketed by partition:
/// `cjk[cjk_off[p]..cjk_off[p + 1]]` are partition `p`'s CJK grams, the same
/// for `text` (words and filter terms).
#[derive(Debug)]
pub struct DocGrams {
    pub cjk: Vec<(u64, Stat)>,
    /// Where the grams flagged [`Stat::field`] occur in the fields.
    pub fields: FieldOccurrences,
    pub text: Vec<(Box<str>, Stat)>,
    pub cjk_off: [u32; PARTITIONS + 1],
    pub text_off: [u32; PARTITIONS + 1],
}

impl DocGrams {
    pub fn cjk_part(&self, p: usize) -> &[(u64, Stat)] {
        &self.cjk[self.cjk_off[p] as usize..self.cjk_off[p + 1] as usize]
    }
    pub fn text_part(&self, p: usize) -> &[(Box<str>, Stat)] {
        &self.text[self.text_off[p] as usize..self.text_off[p + 1] as usize]
    }
}

/// Which partition a CJK gram's postings are gathered in.
pub fn cjk_partition(k: u64) -> usize {
    (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// Which partition a text gram's postings are gathered in.
pub fn text_partition(g: &str) -> usize {
    (u64::from(fnv1a(g.as_bytes())).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// What a character is for the tokenizer, after folding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Cjk,
    Word,
    Other,
}

/// Folded form and class of a character in one lookup.
#[derive(Debug, Clone, Copy)]
pub struct FoldClass(u32);

impl FoldClass {
    fn of(c: char) -> FoldClass {
        let f = fold_char(c);
        let class = if indexed_as_grams(f) {
            1
        } else if is_word(f) {
            2
        } else {
            0
        };
        FoldClass(f as u32 | class << 24)
    }
    pub fn folded(self) -> char {
        char::from_u32(self.0 & 0xFF_FFFF).unwrap_or('\u{FFFD}')
    }
    pub fn class(self) -> Class {
        match self.0 >> 24 {
            1 => Class::Cjk,
            2 => Class::Word,
            _ => Class::Other,
        }
    }
}

/// Code points with a slot in the dense table (every CJK block but the rare
/// supplementary planes, which take the slow path).
const DENSE: usize = 0x30000;

/// [`FoldClass`] of every code point below [`DENSE`], built once.
fn fold_class_table() -> &'static [FoldClass] {
    static TABLE: OnceLock<Vec<FoldClass>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..DENSE as u32)
            .map(|v| FoldClass::of(char::from_u32(v).unwrap_or('\u{FFFD}')))
            .collect()
    })
}

fn lookup(table: &[FoldClass], c: char) -> FoldClass {
    table
        .get(c as usize)
        .copied()
        .unwrap_or_else(|| FoldClass::of(c))
}

/// Calls `uni(c, at)` for every CJK character (folded code point, character
/// offset), `pair(key, at)` for every two adjacent ones ([`pair_key`]), and
/// `word(w, at)` for every word, folding on the way: the same grams as
/// [`super::tokenize::for_each_gram`] over folded text.
#[inline(always)]
pub fn scan(
    text: &str,
    mut uni: impl FnMut(u32, usize),
    mut pair: impl FnMut(u64, usize),
    mut word: impl FnMut(&str, usize),
) {
    let table = fold_class_table();
    // The previous character if it was CJK, else 0 (never CJK).
    let mut prev: u32 = 0;
    let mut w = String::new();
    let mut w_at = 0;
    for (at, c) in text.chars().enumerate() {
        let fc = lookup(table, c);
        match fc.class() {
            Class::Cjk => {
                if !w.is_empty() {
                    word(&w, w_at);
                    w.clear();
                }
                let c = fc.0 & 0xFF_FFFF;
                uni(c, at);
                if prev != 0 {
                    pair(pair_key(prev, c), at - 1);
                }
                prev = c;
            }
            Class::Word => {
                prev = 0;
                if w.is_empty() {
                    w_at = at;
                }
                w.push(fc.folded());
            }
            Class::Other => {
                prev = 0;
                if !w.is_empty() {
                    word(&w, w_at);
                    w.clear();
                }
            }
        }
    }
    if !w.is_empty() {
        word(&w, w_at);
    }
}

/// An open-addressing table from bigram keys (never 0) to stats, with
/// linear probing; cleared by visiting only the slots used.
struct PairTable {
    keys: Vec<u64>,
    stats: Vec<Stat>,
    used: Vec<u32>,
    shift: u32,
}

impl PairTable {
    fn new() -> PairTable {
        let mut t = PairTable {
            keys: Vec::new(),
            stats: Vec::new(),
            used: Vec::new(),
            shift: 64,
        };
        t.reserve(0);
        t
    }

    /// Makes room for `n` keys at a load factor of at most one half.
    fn reserve(&mut self, n: usize) {
        let want = (n * 2).next_power_of_two().max(1024);
        if want > self.keys.len() {
            self.keys = vec![0; want];
            self.stats = vec![Stat::EMPTY; want];
            self.shift = 64 - want.trailing_zeros();
        }
    }

    #[inline(always)]
    fn slot(&mut self, k: u64) -> &mut Stat {
        let mask = self.keys.len() - 1;
        let mut i = (k.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> self.shift) as usize;
        loop {
            match self.keys[i] {
                x if x == k => return &mut self.stats[i],
                0 => break,
                _ => i = (i + 1) & mask,
            }
        }
        // A new key: keep the load factor at most one half.
        if (self.used.len() + 1) * 2 > self.keys.len() {
            return self.slot_after_growing(k);
        }
        self.keys[i] = k;
        self.used.push(i as u32);
        &mut self.stats[i]
    }

    #[cold]
    #[inline(never)]
    fn slot_after_growing(&mut self, k: u64) -> &mut Stat {
        self.grow();
        self.slot(k)
    }

    fn grow(&mut self) {
        let old: Vec<(u64, Stat)> = self.drain().collect();
        self.reserve(old.len().max(512) * 2);
        for (k, s) in old {
            *self.slot(k) = s;
        }
    }

    /// Every key and stat, emptying the table.
    fn drain(&mut self) -> impl Iterator<Item = (u64, Stat)> + '_ {
        let (keys, stats) = (&mut self.keys, &mut self.stats);
        self.used.drain(..).map(move |i| {
            let i = i as usize;
            let k = std::mem::take(&mut keys[i]);
            (k, std::mem::replace(&mut stats[i], Stat::EMPTY))
        })
    }
}

/// Per-thread counting tables, reused from document to document.
struct Tables {
    /// By code point: unigram stats (half of all grams; no hashing).
    uni: Vec<Stat>,
    uni_used: Vec<u32>,
    pairs: PairTable,
    words: FxHashMap<Box<str>, Stat>,
}

thread_local! {
    static TABLES: RefCell<Tables> = RefCell::new(Tables {
        uni: Vec::new(),
        uni_used: Vec::new(),
        pairs: PairTable::new(),
        words: FxHashMap::default(),
    });
}

/// Counts the grams of a document's fields (title first, `title_chars`
/// long, then one field per line) and body, and adds its filter terms
/// (already folded, each once).
pub fn count(fields: &str, title_chars: usize, body: &str, filter_terms: Vec<String>) -> DocGrams {
    TABLES.with(|t| {
        let t = &mut *t.borrow_mut();
        if t.uni.is_empty() {
            t.uni = vec![Stat::EMPTY; 1 << 21];
        }
        // Tables a huge document grew are given back before the next one
        // (a thread keeps its tables for the life of the process).
        if t.pairs.keys.len() > 1 << 18 {
            t.pairs = PairTable::new();
        }
        if t.words.capacity() > 1 << 14 {
            t.words = FxHashMap::default();
        }
        // About one distinct bigram per three bytes of Chinese text at most;
        // capped, since `slot` grows the table when a document needs more.
        t.pairs
            .reserve(((fields.len() + body.len()) / 3 + 64).min(1 << 15));
        let Tables {
            uni,
            uni_used,
            pairs,
            words,
        } = t;
        count_text::<false>(fields, uni, uni_used, pairs, words);
        count_text::<true>(body, uni, uni_used, pairs, words);
        // Straight into partition order: count, then place (no intermediate
        // list; allocations here were a tenth of the index build).
        let mut cjk_off = [0u32; PARTITIONS + 1];
        let pair_keys = pairs.used.iter().map(|&i| pairs.keys[i as usize]);
        for k in pair_keys.chain(uni_used.iter().map(|&c| u64::from(c))) {
            cjk_off[cjk_partition(k) + 1] += 1;
        }
        for p in 0..PARTITIONS {
            cjk_off[p + 1] += cjk_off[p];
        }
        let mut cjk = vec![(0u64, Stat::EMPTY); cjk_off[PARTITIONS] as usize];
        let mut next = cjk_off;
        let uni_stats = uni_used.drain(..).map(|c| {
            (
                u64::from(c),
                std::mem::replace(&mut uni[c as usize], Stat::EMPTY),
            )
        });
        for (k, st) in pairs.drain().chain(uni_stats) {
            let slot = &mut next[cjk_partition(k)];
            cjk[*slot as usize] = (k, st);
            *slot += 1;
        }
        let mut text: Vec<(Box<str>, Stat)> = words.drain().collect();
        text.extend(
            filter_terms
                .into_iter()
                .map(|g| (g.into_boxed_str(), Stat::new(1, false))),
        );
        let (text, text_off) = bucket(text, |(g, _)| text_partition(g));
        DocGrams {
            cjk,
            fields: FieldOccurrences::of(fields, title_chars),
            text,
            cjk_off,
            text_off,
        }
    })
}

/// Counts the grams of a document's fields (`BODY` false) or body into the
/// tables; a separate instance for each so the per-gram update has no
/// branch on which it is.
fn count_text<const BODY: bool>(
    text: &str,
    uni: &mut [Stat],
    uni_used: &mut Vec<u32>,
    pairs: &mut PairTable,
    words: &mut FxHashMap<Box<str>, Stat>,
) {
    scan(
        text,
        |c, _| {
            let s = &mut uni[c as usize];
            if s.is_empty() {
                uni_used.push(c);
            }
            s.add(!BODY);
        },
        |k, _| pairs.slot(k).add(!BODY),
        |w, _| match words.get_mut(w) {
            Some(s) => s.add(!BODY),
            None => {
                let mut s = Stat::EMPTY;
                s.add(!BODY);
                words.insert(w.into(), s);
            }
        },
    );
}

/// Counting sort by partition; returns the items and where each partition
/// starts (a comparison sort here was a tenth of the whole index build).
fn bucket<T: Default>(
    items: Vec<T>,
    part: impl Fn(&T) -> usize,
) -> (Vec<T>, [u32; PARTITIONS + 1]) {
    let parts: Vec<u8> = items.iter().map(|x| part(x) as u8).collect();
    let mut off = [0u32; PARTITIONS + 1];
    for &p in &parts {
        off[p as usize + 1] += 1;
    }
    for p in 0..PARTITIONS {
        off[p + 1] += off[p];
    }
    let mut next = off;
    let mut out: Vec<T> = std::iter::repeat_with(T::default)
        .take(items.len())
        .collect();
    for (item, p) in items.into_iter().zip(parts) {
        let slot = &mut next[p as usize];
        out[*slot as usize] = item;
        *slot += 1;
    }
    (out, off)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::fold::fold;

    #[test]
    fn stats_pack_and_saturate() {
        let s = Stat::new(5, true);
        assert_eq!((s.count(), s.field()), (5, true));
        assert_eq!(Stat::new(5000, false).count(), MAX_COUNT);
        let mut e = Stat::EMPTY;
        e.add(false);
        assert_eq!((e.count(), e.field()), (1, false));
        e.add(true);
        assert_eq!((e.count(), e.field()), (2, true));
        for _ in 0..2000 {
            e.add(false);
        }
        assert_eq!(e.count(), MAX_COUNT);
    }

    #[test]
    fn fast_scan_matches_the_tokenizer() {
        let text = "義務教育ＡＢＣ１２３ html5，中国农业发展银行 2025年x𠀀𠀁 é٣";
        let fast = RefCell::new(Vec::new());
        scan(
            text,
            |c, at| fast.borrow_mut().push((cjk_gram(u64::from(c)), at)),
            |k, at| fast.borrow_mut().push((cjk_gram(k), at)),
            |w, at| fast.borrow_mut().push((w.to_owned(), at)),
        );
        let mut fast = fast.into_inner();
        let mut slow = Vec::new();
        crate::search::tokenize::for_each_gram(&fold(text), |g, at| slow.push((g.to_owned(), at)));
        fast.sort();
        slow.sort();
        assert_eq!(fast, slow);
    }

    #[test]
    fn the_table_agrees_with_fold_and_classes_everywhere() {
        for v in (0..0x11_0000u32).step_by(7).chain(0x4E00..0xA000) {
            let Some(c) = char::from_u32(v) else { continue };
            let fc = lookup(fold_class_table(), c);
            let f = fold_char(c);
            assert_eq!(fc.folded(), f, "{v:x}");
            let want = if indexed_as_grams(f) {
                Class::Cjk
            } else if is_word(f) {
                Class::Word
            } else {
                Class::Other
            };
            assert_eq!(fc.class(), want, "{v:x}");
        }
    }

    #[test]
    fn counts_fields_occurrences_and_filters() {
        let g = count(
            "乡村教育\n教育 web",
            4,
            "农业合作社，农业。Web web",
            vec!["year:2025".into()],
        );
        assert_eq!(g.cjk_off[PARTITIONS] as usize, g.cjk.len());
        assert_eq!(g.text_off[PARTITIONS] as usize, g.text.len());
        let find = |gram: &str| {
            let cjk = g.cjk.iter().find(|x| cjk_gram(x.0) == gram).map(|x| x.1);
            let text = g.text.iter().find(|x| &*x.0 == gram).map(|x| x.1);
            cjk.or(text).map(|s| (s.count(), s.field()))
        };
        assert_eq!(find("农业"), Some((2, false)));
        assert_eq!(find("教育"), Some((2, true)));
        assert_eq!(find("web"), Some((3, true)));
        assert_eq!(find("year:2025"), Some((1, false)));
        assert!(find("业合").is_some());
        assert!(find("社农").is_none(), "no bigram across punctuation");
        // 教育 at 2 (ends the title: bit 0) and at 5; web at 8.
        let edu = pair_key('教' as u32, '育' as u32);
        assert_eq!(g.fields.cjk[&edu], [2 << 1 | 1, 5 << 1]);
        assert_eq!(g.fields.text["web"], [8 << 1]);
        assert!(!g.fields.cjk.contains_key(&u64::from('农' as u32)));
        // Every gram sits in its partition.
        for p in 0..PARTITIONS {
            assert!(g.cjk_part(p).iter().all(|x| cjk_partition(x.0) == p));
            assert!(g.text_part(p).iter().all(|x| text_partition(&x.0) == p));
        }
    }

    #[test]
    fn tables_are_clean_for_the_next_document() {
        let a = count("", 0, &"教育".repeat(5000), Vec::new());
        let b = count("", 0, "教育", Vec::new());
        assert_eq!((a.cjk.len(), b.cjk.len()), (4, 3));
        assert!(b.cjk.iter().all(|x| x.1.count() == 1));
        // A document with more distinct pairs than the table first held.
        let many: String = (0x4E00u32..0x6000).filter_map(char::from_u32).collect();
        let c = count("", 0, &many, Vec::new());
        let mut want = std::collections::HashSet::new();
        crate::search::tokenize::for_each_gram(&fold(&many), |g, _| {
            want.insert(g.to_owned());
        });
        let got: std::collections::HashSet<String> = c.cjk.iter().map(|x| cjk_gram(x.0)).collect();
        assert_eq!(got, want);
    }
}

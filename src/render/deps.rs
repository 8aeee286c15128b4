//! What a page read: recorded while it renders, compared in the next round.
//!
//! A page reads the site only through its [`Ctx`](super::context::Ctx), and
//! every accessor there names what it returned as a [`Dep`]: "the card of
//! report `reports/2025/a.md`", "page 2 of the 2025 list", "the statistics of
//! every town". The Markdown passes name what they read too (the targets of
//! links, the entities a data call reads, the names found in a text). A
//! `Dep` means the same thing in every round, so `huiwen serve` keeps each
//! page's reads with a [`value`](Values::value) of each, and re-renders a
//! page only when one of those values changed. There is no second
//! description of what a page shows: a new page kind, or a template reading
//! a new field of a card, is covered because the card is a `Dep`.
//!
//! Values are content hashes, computed from the same
//! [`RenderCache`] values the accessors hand to
//! templates, and kept by file revision between rounds ([`Memo`]).

use std::cell::RefCell;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::Renderer;
use super::cache::RenderCache;
use crate::base::ids::{EntityKind, Year};
use crate::load::Rev;
use crate::model::Site;
use crate::model::taxonomy::Grouping;

/// A list of reports a page can show a page of.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ListKey {
    All,
    Year(Year),
    Term(Grouping, Arc<str>),
}

/// One thing a page read, named to mean the same in the next round.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Dep {
    /// Settings, UI strings, templates, theme assets, navigation, archive
    /// banner: what every page shows.
    Core,
    /// A report's card (title, date, tags, summary…).
    ReportCard(Arc<Path>),
    /// A report's own page: its text, URL, front matter and attachments.
    ReportPage(Arc<Path>),
    /// The cards of the reports before and after it.
    Neighbours(Arc<Path>),
    /// The entities whose names occur in a report's text (links from names).
    Mentions(Arc<Path>),
    /// A report's heading ids (a link to one of its anchors).
    Anchors(Arc<Path>),
    /// Where a content file is published, or that it is not (a link to it).
    Target(Arc<Path>),
    /// A plain page or the home introduction: its text.
    Doc(Arc<Path>),
    EntityCard(EntityKind, Arc<str>),
    /// An entity in full: fields, detail, statistics, extra data.
    Entity(EntityKind, Arc<str>),
    /// The cards of the reports that refer to an entity.
    EntityReports(EntityKind, Arc<str>),
    /// Every entity of a kind as cards, in order.
    EntityCards(EntityKind),
    /// Every entity of a kind in full (totals, the overview).
    Entities(EntityKind),
    /// One page of a report list: its reports' cards, the total, the pages.
    ListPage(ListKey, usize),
    /// The newest `n` reports' cards and how many reports there are.
    Head(usize),
    /// Years, tags, kinds and regions with their counts.
    Groupings,
    /// Every page's URL.
    Urls,
}

/// Where a page writes down what it reads; a build passes none.
#[derive(Default)]
pub struct Reads(Option<RefCell<Vec<Dep>>>);

impl Reads {
    pub fn recording() -> Reads {
        Reads(Some(RefCell::new(Vec::new())))
    }

    pub fn none() -> Reads {
        Reads(None)
    }

    pub fn is_recording(&self) -> bool {
        self.0.is_some()
    }

    pub fn read(&self, dep: Dep) {
        if let Some(v) = &self.0 {
            v.borrow_mut().push(dep);
        }
    }

    /// What was read, each once.
    pub fn into_deps(self) -> Vec<Dep> {
        let mut deps = self.0.map(RefCell::into_inner).unwrap_or_default();
        let mut seen = FxHashSet::default();
        deps.retain(|d| seen.insert(d.clone()));
        deps
    }
}

pub(crate) use crate::base::hash::hash_json;

fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Per-file values kept between rounds of `huiwen serve`, by revision.
#[derive(Default)]
pub struct Memo {
    reports: FxHashMap<Rev, ReportValues>,
    /// The linkable names (letters and digits only) that the sets in
    /// `mentions` were searched for, each with a hash of the entities it
    /// links to (names and URLs) when the values were made.
    names: FxHashMap<Arc<str>, u64>,
    /// By revision: which of `names` occur in the report's text, and the
    /// report's value.
    mentions: FxHashMap<Rev, Mention>,
}

/// What a report's text holds of the linkable names.
#[derive(Clone)]
struct Mention {
    found: Found,
    /// The text has a `&` (see [`mentions`]).
    amp: bool,
    value: u64,
}

/// Names found in a text, sorted.
type Found = Arc<[Arc<str>]>;

/// What a report contributes, computed once per read of its file.
#[derive(Clone, Copy)]
struct ReportValues {
    page: u64,
    anchors: u64,
}

/// This round's values of every [`Dep`], computed on demand: each part
/// the first time a value needs it.
pub struct Values<'a> {
    site: &'a Site,
    r: &'a Renderer,
    cache: &'a RenderCache,
    reports: FxHashMap<&'a Path, usize>,
    entities: FxHashMap<(EntityKind, &'a str), usize>,
    report_values: OnceLock<Vec<ReportValues>>,
    mentions: OnceLock<Vec<u64>>,
    card_hashes: OnceLock<Vec<u64>>,
    entity_card_hashes: OnceLock<Vec<u64>>,
    entity_full_hashes: OnceLock<Vec<u64>>,
    core: OnceLock<u64>,
    groupings: OnceLock<u64>,
    urls: OnceLock<u64>,
}

impl<'a> Values<'a> {
    pub fn new(site: &'a Site, r: &'a Renderer, cache: &'a RenderCache) -> Values<'a> {
        Values {
            site,
            r,
            cache,
            reports: site
                .reports
                .iter()
                .enumerate()
                .map(|(i, rep)| (rep.file.as_path(), i))
                .collect(),
            entities: site
                .entities
                .all
                .iter()
                .enumerate()
                .map(|(i, e)| ((e.kind, e.id.as_str()), i))
                .collect(),
            report_values: OnceLock::new(),
            mentions: OnceLock::new(),
            card_hashes: OnceLock::new(),
            entity_card_hashes: OnceLock::new(),
            entity_full_hashes: OnceLock::new(),
            core: OnceLock::new(),
            groupings: OnceLock::new(),
            urls: OnceLock::new(),
        }
    }

    /// Computes the per-report values now, taking those of unchanged files
    /// from `memo`; `memo` then holds this round's files only. (Without
    /// this, they are computed from scratch when first needed.)
    pub fn remember(&self, memo: &mut Memo) {
        let site = self.site;
        let old = std::mem::take(&mut memo.reports);
        let values: Vec<ReportValues> = site
            .reports
            .par_iter()
            .map(|rep| {
                old.get(&rep.rev)
                    .copied()
                    .unwrap_or_else(|| report_values(rep))
            })
            .collect();
        for (rep, v) in site.reports.iter().zip(&values) {
            memo.reports.insert(rep.rev, *v);
        }
        let _ = self.report_values.set(values);
        let _ = self.mentions.set(mentions(site, self.r, memo));
    }

    fn report_values(&self) -> &[ReportValues] {
        self.report_values.get_or_init(|| {
            self.site
                .reports
                .par_iter()
                .map(|r| report_values(r))
                .collect()
        })
    }

    fn mentions(&self) -> &[u64] {
        self.mentions
            .get_or_init(|| mentions(self.site, self.r, &mut Memo::default()))
    }

    fn card_hashes(&self) -> &[u64] {
        self.card_hashes
            .get_or_init(|| self.cache.report_card_hashes())
    }

    fn entity_card_hashes(&self) -> &[u64] {
        self.entity_card_hashes
            .get_or_init(|| self.cache.entity_card_hashes())
    }

    fn entity_full_hashes(&self) -> &[u64] {
        self.entity_full_hashes.get_or_init(|| {
            (0..self.site.entities.all.len())
                .into_par_iter()
                .map(|i| hash_json(&self.cache.entity_full(self.site, i)))
                .collect()
        })
    }

    fn report(&self, file: &Path) -> Option<usize> {
        self.reports.get(file).copied()
    }

    fn entity(&self, kind: EntityKind, id: &str) -> Option<usize> {
        self.entities.get(&(kind, id)).copied()
    }

    fn cards(&self, idxs: impl Iterator<Item = usize>) -> u64 {
        let hashes = self.card_hashes();
        let mut h = DefaultHasher::new();
        for i in idxs {
            hashes[i].hash(&mut h);
        }
        h.finish()
    }

    /// The value of `dep` this round; 0 for something that no longer exists
    /// (so a page that read it is rendered again).
    pub fn value(&self, dep: &Dep) -> u64 {
        let site = self.site;
        let per = site.config.paginate.max(1);
        match dep {
            Dep::Core => *self.core.get_or_init(|| core(site, self.r, self.cache)),
            Dep::ReportCard(f) => self.report(f).map_or(0, |i| self.card_hashes()[i]),
            Dep::ReportPage(f) => self.report(f).map_or(0, |i| {
                let assets: Vec<(&str, Option<u64>)> = site.reports[i]
                    .assets
                    .iter()
                    .map(|a| {
                        (
                            a.rel.as_str(),
                            std::fs::metadata(&a.src).ok().map(|m| m.len()),
                        )
                    })
                    .collect();
                hash_of(&(self.report_values()[i].page, assets))
            }),
            Dep::Neighbours(f) => self.report(f).map_or(0, |i| {
                let (older, newer) = site.neighbours(i);
                let cards = self.card_hashes();
                hash_of(&(older.map(|o| cards[o]), newer.map(|n| cards[n])))
            }),
            Dep::Mentions(f) => self.report(f).map_or(0, |i| self.mentions()[i]),
            Dep::Anchors(f) => self
                .report(f)
                .map_or(0, |i| self.report_values()[i].anchors),
            Dep::Target(f) => self.r.links.target_key(site, f).map_or(0, |k| hash_of(&k)),
            Dep::Doc(f) => site
                .pages
                .iter()
                .chain(&site.home)
                .find(|p| p.file.as_path() == &**f)
                .map_or(0, |p| hash_of(&(&p.source, p.path.as_str(), &p.title))),
            Dep::EntityCard(k, id) => self
                .entity(*k, id)
                .map_or(0, |i| self.entity_card_hashes()[i]),
            Dep::Entity(k, id) => self
                .entity(*k, id)
                .map_or(0, |i| self.entity_full_hashes()[i]),
            Dep::EntityReports(k, id) => self.entity(*k, id).map_or(0, |i| {
                self.cards(site.entities.all[i].reports.iter().copied())
            }),
            Dep::EntityCards(k) => {
                let mut h = DefaultHasher::new();
                let hashes = self.entity_card_hashes();
                for (i, _) in site.entities.of_kind(*k) {
                    hashes[i].hash(&mut h);
                }
                h.finish()
            }
            Dep::Entities(k) => {
                let mut h = DefaultHasher::new();
                let hashes = self.entity_full_hashes();
                for (i, _) in site.entities.of_kind(*k) {
                    hashes[i].hash(&mut h);
                }
                h.finish()
            }
            Dep::ListPage(key, page) => match self.cache.list(site, key) {
                None => 0,
                Some(idxs) => {
                    let shown = idxs.iter().skip((page - 1) * per).take(per).copied();
                    hash_of(&(idxs.len(), self.cards(shown)))
                }
            },
            Dep::Head(n) => hash_of(&(
                site.reports.len(),
                self.cards(0..(*n).min(site.reports.len())),
            )),
            Dep::Groupings => *self.groupings.get_or_init(|| groupings(site)),
            Dep::Urls => *self
                .urls
                .get_or_init(|| hash_of(&super::pages::site_urls(site))),
        }
    }
}

fn report_values(rep: &crate::model::Report) -> ReportValues {
    ReportValues {
        page: hash_of(&(&rep.source, rep.path.as_str(), hash_json(&rep.extra))),
        anchors: hash_of(&super::links::heading_ids(
            crate::model::reports::MarkdownDoc::body(rep),
        )),
    }
}

/// What every page shows: settings, strings, templates, assets, navigation.
fn core(site: &Site, r: &Renderer, cache: &RenderCache) -> u64 {
    let mut h = DefaultHasher::new();
    hash_json(&site.config).hash(&mut h);
    r.fingerprint().hash(&mut h);
    hash_json(&cache.globals).hash(&mut h);
    h.finish()
}

fn groupings(site: &Site) -> u64 {
    let mut h = DefaultHasher::new();
    for (y, rs) in &site.taxonomies.years {
        (y.get(), rs.len()).hash(&mut h);
    }
    for g in Grouping::ALL {
        for t in site.taxonomies.terms(g) {
            (g.dir(), &t.name, t.path.as_str(), t.reports.len()).hash(&mut h);
        }
    }
    h.finish()
}

/// Letters and digits only. Links from names match text runs after Markdown
/// is parsed (markup gone, lines joined), and every such run, reduced like
/// this, is a substring of the reduced file: so a name whose reduced form is
/// not in the reduced file cannot be linked from it.
fn loose(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Per report, a hash of the names and URLs of the entities whose names
/// occur in its text: what its links from names can show. A text with `&`
/// (a character reference could spell a name) depends on every name.
///
/// Which names a text holds, and its value, are kept by revision: while
/// the names and their URLs stay, a kept value is reused (hashing 10,000
/// sets again was most of an edit's 40 ms of per-file values). When names
/// change (a town renamed), a kept set loses the names that went and is
/// searched only for the names that came; reading every text again for
/// every name took ~350 ms of each rename round on 10,000 reports.
fn mentions(site: &Site, r: &Renderer, memo: &mut Memo) -> Vec<u64> {
    if r.autolinker.is_none() {
        *memo = Memo {
            reports: std::mem::take(&mut memo.reports),
            ..Memo::default()
        };
        return vec![0; site.reports.len()];
    }
    let linkable: Vec<(&str, &str)> = site
        .entities
        .all
        .iter()
        .filter(|e| e.name.chars().count() >= 2)
        .map(|e| (e.name.as_str(), e.path.as_str()))
        .collect();
    let names_key = hash_of(&linkable);
    let mut by_name: FxHashMap<Arc<str>, Vec<(&str, &str)>> = FxHashMap::default();
    for &(name, path) in &linkable {
        by_name
            .entry(Arc::from(loose(name)))
            .or_default()
            .push((name, path));
    }
    by_name.retain(|n, _| !n.is_empty());
    let names: FxHashMap<Arc<str>, u64> = by_name
        .iter()
        .map(|(n, links)| (n.clone(), hash_of(links)))
        .collect();
    // A kept report's value stands unless its text holds a name that came
    // or one whose entities changed (or went); only `added` is searched for.
    let added: Vec<&Arc<str>> = names
        .keys()
        .filter(|n| !memo.names.contains_key(*n))
        .collect();
    let changed: FxHashSet<&Arc<str>> = memo
        .names
        .iter()
        .filter(|(n, h)| names.get(*n) != Some(*h))
        .map(|(n, _)| n)
        .collect();
    let old = std::mem::take(&mut memo.mentions);
    let all: Vec<Arc<str>> = by_name.keys().cloned().collect();
    let automaton = OnceLock::new();
    let mention = |found: Found, amp: bool| {
        let value = if amp {
            names_key
        } else {
            hash_of(&found.iter().map(|n| &by_name[n]).collect::<Vec<_>>())
        };
        Mention { found, amp, value }
    };
    let found: Vec<Mention> = site
        .reports
        .par_iter()
        .map(|rep| {
            let found = match old.get(&rep.rev) {
                Some(kept) => {
                    let more: Vec<&Arc<str>> = added
                        .iter()
                        .filter(|n| contains_loose(&rep.source, n))
                        .copied()
                        .collect();
                    let stale = kept.found.iter().any(|n| changed.contains(n));
                    // (A text with `&` has every name's value.)
                    if more.is_empty() && !stale && !kept.amp {
                        return kept.clone();
                    }
                    let mut f: Vec<Arc<str>> = kept
                        .found
                        .iter()
                        .filter(|n| names.contains_key(*n))
                        .cloned()
                        .collect();
                    f.extend(more.into_iter().cloned());
                    f.sort_unstable();
                    return mention(f.into(), kept.amp);
                }
                None => {
                    let ac = automaton.get_or_init(|| {
                        aho_corasick::AhoCorasick::new(all.iter().map(|n| &**n)).ok()
                    });
                    let text = loose(&rep.source);
                    let mut f: Vec<Arc<str>> = ac
                        .iter()
                        .flat_map(|ac| ac.find_overlapping_iter(&text))
                        .map(|m| all[m.pattern().as_usize()].clone())
                        .collect();
                    f.sort_unstable();
                    f.dedup();
                    f.into()
                }
            };
            mention(found, rep.source.contains('&'))
        })
        .collect();
    let out = found.iter().map(|m| m.value).collect();
    memo.mentions = site.reports.iter().map(|r| r.rev).zip(found).collect();
    memo.names = names;
    out
}

/// Whether `text`, read with letters and digits only, contains `name`
/// (already letters and digits only), without making that reading of the
/// whole text: the name's first character is looked for directly.
fn contains_loose(text: &str, name: &str) -> bool {
    let mut want = name.chars();
    let Some(first) = want.next() else {
        return false;
    };
    // A char's UTF-8 bytes match only at a char boundary; memmem finds a
    // three-byte Chinese character several times faster than `str`'s char
    // search, which stops at every byte equal to its last.
    let mut buf = [0; 4];
    let needle = first.encode_utf8(&mut buf).as_bytes();
    memchr::memmem::find_iter(text.as_bytes(), needle).any(|i| {
        let mut rest = text[i + first.len_utf8()..]
            .chars()
            .filter(|c| c.is_alphanumeric());
        want.clone().all(|c| rest.next() == Some(c))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `contains_loose` agrees with searching the letters-and-digits
    /// reading of the whole text, which is what the renderer links.
    #[test]
    fn names_are_found_as_the_loose_reading_finds_them() {
        let texts = [
            "敬仲镇的工作",
            "敬仲 镇的工作",
            "敬-仲\n镇",
            "敬仲乡，敬仲镇",
            "敬仲",
            "仲镇敬",
            "敬敬仲镇",
            "",
            "名校+联盟 A1 学校",
        ];
        let names = ["敬仲镇", "敬仲", "仲镇", "名校联盟", "A1学校", "镇"];
        for t in texts {
            for n in names {
                assert_eq!(contains_loose(t, n), loose(t).contains(n), "{t:?} / {n:?}");
            }
        }
    }
}

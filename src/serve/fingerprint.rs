//! Page fingerprints: a hash of everything a page shows, so a page whose
//! fingerprint did not change keeps last round's bytes.
//!
//! The rules err towards rendering: a fingerprint may include more than a page
//! shows, never less. What each page's fingerprint covers:
//!
//! - **Core** (part of every fingerprint): `site.yaml`, UI strings, theme
//!   assets, plain pages, the home introduction, `--drafts`, and every
//!   entity's kind, id and URL. A change here, or of a theme file or
//!   `templates/` (reported by the watcher as `full`), renders every page.
//! - A **report page**: its file, text, URL, card, attachment sizes, the
//!   cards of its entities and of its two neighbours, and the names and URLs
//!   of the entities whose names occur in its text (links from names); if its
//!   text may hold a data call (`{{`), every entity in full; if it may link to
//!   other files (`](`, `]:`), where every content file is published and
//!   every report's headings (anchors).
//! - A **list page** (reports, a year, a tag, kind or region, and their
//!   `page/N/`): its identity, page number, page count, total and the cards of
//!   the reports on it.
//! - An **entity page**: the entity in full (fields, statistics, charts), the
//!   cards of the entities it lists (belt, alliances, towns) and of its reports.
//! - A **statistics download** (CSV, JSON): its entity in full; the overview
//!   downloads and the statistics page: every entity in full.
//! - **Home, year and term indexes, sitemap, feed**: the groupings (names,
//!   URLs, counts) and the cards they list; home also every entity's card and
//!   data (counts, introduction with data calls).
//! - **Search page, 404**: core only.
//!
//! Per-report inputs (text hashes, cards, the entity names in the text) are
//! kept by file revision ([`crate::load::Rev`]), so a round after a one-file
//! edit hashes one file, not ten thousand.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::Arc;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::load::Rev;
use crate::model::Site;
use crate::model::entities::{Detail, Entity};
use crate::render::Renderer;
use crate::render::pages::Job;
use crate::render::stats_pages::DataFile;
use crate::render::views::{entity_card, report_card};

/// Feeds `fmt`/`serde_json` output straight into a hasher.
struct HashWriter<'a>(&'a mut DefaultHasher);

impl std::io::Write for HashWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl std::fmt::Write for HashWriter<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

fn hash_json<T: serde::Serialize>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    let _ = serde_json::to_writer(HashWriter(&mut h), v);
    h.finish()
}

fn hash_debug<T: std::fmt::Debug>(h: &mut DefaultHasher, v: &T) {
    use std::fmt::Write as _;
    let _ = write!(HashWriter(h), "{v:?}");
    // A separator, so adjacent values cannot run together.
    h.write_u8(0xff);
}

fn hash_of<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// What a report's fingerprint needs from its file, kept by revision.
struct Facts {
    source: u64,
    /// Its file, URL and attachments (where links to it and its files go).
    place: u64,
    anchors: u64,
    card: u64,
    may_call: bool,
    may_link: bool,
    /// Its text reduced to letters and digits, for finding entity names (see [`loose`]).
    loose: String,
    /// It holds `&`: a character reference could spell a name, so every name counts.
    amp: bool,
}

fn facts(rep: &crate::model::Report) -> Facts {
    let source = &rep.source;
    let mut anchors = DefaultHasher::new();
    let lines: Vec<&str> = rep.body().lines().collect();
    for (i, l) in lines.iter().enumerate() {
        let next_underlines = lines.get(i + 1).is_some_and(|n| {
            let n = n.trim();
            !n.is_empty() && (n.chars().all(|c| c == '=') || n.chars().all(|c| c == '-'))
        });
        if l.trim_start().starts_with('#') || next_underlines {
            l.hash(&mut anchors);
        }
    }
    Facts {
        source: hash_of(source.as_str()),
        place: hash_of(&(&rep.file, rep.path.as_str(), &rep.assets)),
        anchors: anchors.finish(),
        card: hash_json(&report_card(rep)),
        may_call: source.contains("{{"),
        may_link: source.contains("](") || source.contains("]:"),
        loose: loose(source),
        amp: source.contains('&'),
    }
}

/// Letters and digits only. Links from names match text runs after Markdown
/// is parsed (markup gone, lines joined), and every such run, reduced like
/// this, is a substring of the reduced file: so a name whose reduced form is
/// not in the reduced file cannot be linked from it.
fn loose(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Positions in [`Memo::names`] of the names found in a text.
type Found = Arc<Vec<usize>>;

/// What the fingerprints keep between rounds.
#[derive(Default)]
pub struct Memo {
    facts: FxHashMap<Rev, Arc<Facts>>,
    /// By revision: the names key they were found with, and the names (as
    /// positions in [`Memo::names`]) found in the text, or `None` for a text
    /// that depends on every name.
    mentions: FxHashMap<Rev, (u64, Option<Found>)>,
    /// Last round's linkable entities: index, and name and URL.
    names: Vec<(usize, String)>,
    /// By entity index: what its full hash was computed from (its file's
    /// revision, the settings, the entities it refers to) and the hash.
    entities: FxHashMap<usize, (u64, u64)>,
}

/// Site-wide fingerprints, computed once per round.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Globals {
    /// What every page may show (see the module comment). If it changed,
    /// every page is rendered.
    pub core: u64,
    /// Every entity in full (statistics, fields), without its list of reports.
    entities: u64,
    /// Every entity as a card (what pages show of other entities).
    entity_cards: u64,
    /// Where every content file is published (links between files).
    links: u64,
    /// Every report's headings (`#anchor` links into other reports).
    anchors: u64,
    /// Years, tags, kinds and regions: names, URLs, report counts.
    groupings: u64,
    /// Every report's card, in order.
    cards: u64,
}

/// Per-round inputs of the fingerprints.
pub struct Inputs {
    pub globals: Globals,
    /// Per report (by index): its facts, and the entity names in its text.
    facts: Vec<Arc<Facts>>,
    mentions: Vec<u64>,
    /// Per entity (by index): in full, and as a card.
    entity_full: Vec<u64>,
    entity_cards: Vec<u64>,
}

impl Memo {
    /// This round's inputs; per-report facts come from the memo where the
    /// file is unchanged. The memo then holds this round's reports only.
    pub fn inputs(&mut self, site: &Site, r: &Renderer, drafts: bool) -> Inputs {
        let old = std::mem::take(&mut self.facts);
        let facts: Vec<Arc<Facts>> = site
            .reports
            .par_iter()
            .map(|rep| {
                old.get(&rep.rev)
                    .cloned()
                    .unwrap_or_else(|| Arc::new(facts(rep)))
            })
            .collect();
        for (rep, f) in site.reports.iter().zip(&facts) {
            self.facts.insert(rep.rev, f.clone());
        }
        let mentions = self.mentions(site, r, &facts);

        let settings = {
            let mut h = DefaultHasher::new();
            hash_debug(&mut h, &site.config);
            h.finish()
        };
        let mut core = DefaultHasher::new();
        (drafts, settings).hash(&mut core);
        hash_debug(&mut core, &r.strings);
        r.assets.hash(&mut core);
        r.base_path.hash(&mut core);
        hash_debug(&mut core, &site.pages);
        hash_debug(&mut core, &site.home);
        let entity_cards: Vec<u64> = site
            .entities
            .all
            .par_iter()
            .map(|e| hash_json(&entity_card(e)))
            .collect();
        let entity_full = self.entity_full(site, settings);
        let mut links = DefaultHasher::new();
        for e in &site.entities.all {
            (e.kind.as_str(), e.id.as_str(), e.path.as_str()).hash(&mut core);
            e.file.hash(&mut links);
        }
        let mut anchors = DefaultHasher::new();
        let mut cards = DefaultHasher::new();
        for f in &facts {
            f.place.hash(&mut links);
            f.anchors.hash(&mut anchors);
            f.card.hash(&mut cards);
        }
        for p in &site.pages {
            (&p.file, p.path.as_str()).hash(&mut links);
        }
        site.static_files.hash(&mut links);
        let mut groupings = DefaultHasher::new();
        for (y, rs) in &site.taxonomies.years {
            (y.get(), rs.len()).hash(&mut groupings);
        }
        for g in crate::model::taxonomy::Grouping::ALL {
            for t in site.taxonomies.terms(g) {
                (g.dir(), &t.name, t.path.as_str(), t.reports.len()).hash(&mut groupings);
            }
        }
        let globals = Globals {
            core: core.finish(),
            entities: hash_of(&entity_full),
            entity_cards: hash_of(&entity_cards),
            links: links.finish(),
            anchors: anchors.finish(),
            groupings: groupings.finish(),
            cards: cards.finish(),
        };
        Inputs {
            globals,
            facts,
            mentions,
            entity_full,
            entity_cards,
        }
    }

    /// Per entity, a hash of the entity in full (fields, statistics, the
    /// entities it refers to), without its reports. An entity is a function
    /// of its file, the settings and the entities its references resolve to,
    /// so the hash is kept while those stay the same: formatting a thousand
    /// entities costs more than the rest of a round.
    /// `settings` is the hash of `site.yaml`'s settings.
    fn entity_full(&mut self, site: &Site, settings: u64) -> Vec<u64> {
        let old = std::mem::take(&mut self.entities);
        let out: Vec<(u64, u64)> = site
            .entities
            .all
            .par_iter()
            .enumerate()
            .map(|(i, e)| {
                let key = hash_of(&(
                    settings,
                    e.rev,
                    e.id.as_str(),
                    &e.alliances,
                    related(e)
                        .iter()
                        .map(|&r| site.entities.all[r].id.as_str())
                        .collect::<Vec<_>>(),
                ));
                if let Some(&(k, h)) = old.get(&i)
                    && k == key
                {
                    return (key, h);
                }
                // What a page shows: not the reports (hashed per page), nor
                // which read of the file it came from.
                let mut bare = e.clone();
                bare.reports.clear();
                bare.rev = Rev::default();
                let mut h = DefaultHasher::new();
                hash_debug(&mut h, &bare);
                (key, h.finish())
            })
            .collect();
        self.entities = out.iter().copied().enumerate().collect();
        out.into_iter().map(|(_, h)| h).collect()
    }

    /// Per report, a hash of the names and URLs of the entities whose names
    /// occur in its text: what its links from names can show.
    fn mentions(&mut self, site: &Site, r: &Renderer, facts: &[Arc<Facts>]) -> Vec<u64> {
        if r.autolinker.is_none() {
            self.mentions.clear();
            self.names.clear();
            return vec![0; facts.len()];
        }
        // The names the linker uses (two characters or more), in its order.
        let linkable: Vec<(usize, &Entity)> = site
            .entities
            .all
            .iter()
            .enumerate()
            .filter(|(_, e)| e.name.chars().count() >= 2)
            .collect();
        let names: Vec<(usize, String)> = linkable
            .iter()
            .map(|(i, e)| (*i, format!("{}\u{0}{}", e.name, e.path)))
            .collect();
        let names_key = hash_of(&names);
        // If the same entities are linkable as last round, only the names
        // that changed can change what a report's text mentions.
        let same_entities = self.names.len() == names.len()
            && self.names.iter().zip(&names).all(|(a, b)| a.0 == b.0);
        let changed: Option<Vec<usize>> = same_entities.then(|| {
            (0..names.len())
                .filter(|&p| self.names[p].1 != names[p].1)
                .collect()
        });
        let old = std::mem::take(&mut self.mentions);
        let patterns =
            |ps: &[usize]| AhoCorasick::new(ps.iter().map(|&p| loose(&linkable[p].1.name))).ok();
        // Overlapping matches: every name that occurs, not only those a
        // left-to-right scan would pick.
        let find = |ac: &AhoCorasick, text: &str, ps: &[usize]| -> Vec<usize> {
            ac.find_overlapping_iter(text)
                .map(|m| ps[m.pattern().as_usize()])
                .collect()
        };
        let all: Vec<usize> = (0..linkable.len()).collect();
        let needed = site.reports.iter().any(|rep| {
            old.get(&rep.rev)
                .is_none_or(|(k, _)| *k != names_key && changed.is_none())
        });
        let full = needed.then(|| patterns(&all)).flatten();
        let partial = changed.as_ref().and_then(|c| patterns(c));
        let found: Vec<Option<Found>> = site
            .reports
            .par_iter()
            .zip(facts)
            .map(|(rep, f)| {
                // A character reference could spell any name.
                if f.amp {
                    return None;
                }
                let mut found = match (old.get(&rep.rev), &changed) {
                    (Some((k, Some(found))), _) if *k == names_key => return Some(found.clone()),
                    (Some((_, Some(found))), Some(changed)) => {
                        let mut v: Vec<usize> = found
                            .iter()
                            .copied()
                            .filter(|p| !changed.contains(p))
                            .collect();
                        if let Some(ac) = &partial {
                            v.extend(find(ac, &f.loose, changed));
                        }
                        v
                    }
                    _ => find(full.as_ref()?, &f.loose, &all),
                };
                found.sort_unstable();
                found.dedup();
                Some(Arc::new(found))
            })
            .collect();
        let out = found
            .iter()
            .map(|found| match found {
                Some(ps) => hash_of(&ps.iter().map(|&p| &names[p]).collect::<Vec<_>>()),
                None => names_key,
            })
            .collect();
        for (rep, found) in site.reports.iter().zip(found) {
            self.mentions.insert(rep.rev, (names_key, found));
        }
        self.names = names;
        out
    }
}

/// The entities an entity page lists as cards.
fn related(e: &Entity) -> Vec<usize> {
    let mut out = e.alliances.clone();
    match &e.detail {
        Detail::Town { belt, .. } => out.extend(belt),
        Detail::Belt { towns, .. } | Detail::Alliance { towns, .. } => out.extend(towns),
    }
    out
}

impl Inputs {
    /// A job's fingerprint, or `None` if it must always be rendered.
    pub fn fingerprint(&self, site: &Site, job: &Job) -> Option<u64> {
        let g = &self.globals;
        let facts = &self.facts;
        let card = |i: usize| facts[i].card;
        let per = site.config.paginate.max(1);
        let mut h = DefaultHasher::new();
        g.core.hash(&mut h);
        let list = |h: &mut DefaultHasher, what: &str, idxs: &[usize], page: usize| {
            what.hash(h);
            page.hash(h);
            idxs.len().hash(h);
            idxs.len().div_ceil(per).hash(h);
            for &i in idxs.iter().skip((page - 1) * per).take(per) {
                card(i).hash(h);
            }
        };
        match job {
            Job::Report(i) => {
                let rep = &site.reports[*i];
                let f = &facts[*i];
                "report".hash(&mut h);
                rep.file.hash(&mut h);
                (f.source, f.card, self.mentions[*i]).hash(&mut h);
                rep.path.as_str().hash(&mut h);
                hash_debug(&mut h, &rep.extra);
                for a in &rep.assets {
                    a.hash(&mut h);
                    std::fs::metadata(&a.src).map(|m| m.len()).ok().hash(&mut h);
                }
                for &e in &rep.entities {
                    self.entity_cards[e].hash(&mut h);
                }
                let (older, newer) = site.neighbours(*i);
                older.map(card).hash(&mut h);
                newer.map(card).hash(&mut h);
                if f.may_call {
                    g.entities.hash(&mut h);
                }
                if f.may_link {
                    (g.links, g.anchors).hash(&mut h);
                }
            }
            Job::Reports { page } => {
                // All reports, without a list of them per page.
                let n = site.reports.len();
                ("reports", page, n, n.div_ceil(per)).hash(&mut h);
                for i in ((page - 1) * per..n).take(per) {
                    card(i).hash(&mut h);
                }
            }
            Job::Year { idx, page } => {
                let (y, rs) = &site.taxonomies.years[*idx];
                list(&mut h, &format!("year {y}"), rs, *page);
            }
            Job::Term { g, idx, page } => {
                let t = &site.taxonomies.terms(*g)[*idx];
                let what = format!("term {} {} {}", g.dir(), t.name, t.path.as_str());
                list(&mut h, &what, &t.reports, *page);
            }
            Job::Entity(i) => {
                let e = &site.entities.all[*i];
                ("entity", e.path.as_str(), self.entity_full[*i]).hash(&mut h);
                for r in related(e) {
                    self.entity_cards[r].hash(&mut h);
                }
                for &r in &e.reports {
                    card(r).hash(&mut h);
                }
            }
            Job::Data(DataFile::EntityCsv(i) | DataFile::EntityJson(i)) => {
                ("data", format!("{job:?}"), self.entity_full[*i]).hash(&mut h);
            }
            Job::Data(DataFile::OverviewCsv | DataFile::OverviewJson) | Job::Stats => {
                (format!("{job:?}"), g.entities, g.entity_cards).hash(&mut h);
            }
            Job::EntityList(k) => ("list", k.as_str(), g.entity_cards).hash(&mut h),
            Job::Home => {
                ("home", g.entities, g.entity_cards, g.links, g.anchors).hash(&mut h);
                (g.groupings, site.reports.len()).hash(&mut h);
                for i in 0..site.reports.len().min(10) {
                    card(i).hash(&mut h);
                }
            }
            Job::Years | Job::Terms(_) => (format!("{job:?}"), g.groupings).hash(&mut h),
            // Every URL of the site: the reports' (in the cards) and the groupings'.
            Job::Sitemap => ("sitemap", g.cards, g.groupings, site.config.paginate).hash(&mut h),
            Job::Feed => {
                "feed".hash(&mut h);
                for i in 0..site.config.feed_limit.min(site.reports.len()) {
                    card(i).hash(&mut h);
                }
            }
            Job::Page(i) => ("page", *i, g.entities, g.links, g.anchors).hash(&mut h),
            Job::Search | Job::NotFound => format!("{job:?}").hash(&mut h),
            Job::Yearbook => return None,
        }
        Some(h.finish())
    }
}

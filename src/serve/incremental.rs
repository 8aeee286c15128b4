//! Incremental rebuilds: render only the pages whose inputs changed.
//!
//! Every rebuild loads and checks the whole site with
//! [`crate::commands::build::prepare`], exactly as `huiwen build` does, so the
//! model (and every error) is the full build's. Rendering is where the time
//! goes, so pages are skipped there: each job gets a fingerprint, a hash of
//! everything its page shows, and a job whose fingerprint was rendered in the
//! last good round keeps those bytes.
//!
//! - **Core** (part of every fingerprint): `site.yaml`, UI strings, theme
//!   assets, plain pages, the home introduction, `--drafts`, and every
//!   entity's kind, id, name and URL (navigation, links from names). A change
//!   here, or of a theme file or `templates/` (reported by the watcher as
//!   `full`), renders every page.
//! - A **report page**: its file, source, URL, card, attachment sizes, the
//!   cards of its entities and of its two neighbours; if its text may hold a
//!   data call (`{{`), every entity in full; if it may link to other files
//!   (`](`, `]:`), where every content file is published and every report's
//!   headings (anchors).
//! - A **list page** (reports, a year, a tag, kind or region, and their
//!   `page/N/`): its identity, page number, page count, total and the cards of
//!   the reports on it.
//! - An **entity page**: the entity in full (fields, statistics, charts), every
//!   entity's card (linked towns, belts, alliances) and the cards of its
//!   reports.
//! - A **statistics download** (CSV, JSON): every entity in full.
//! - Everything else (home, overviews, statistics overview, search page,
//!   feed, sitemap, 404, plain pages and any job kind added later) has no
//!   fingerprint and is always rendered, so a new kind of page is correct
//!   before it is fast.
//!
//! The rules err towards rendering: a fingerprint may include more than a page
//! shows, never less. `tests/serve.rs` compares the served site with a full
//! build after edits of every kind, and `HUIWEN_SERVE_VERIFY=1` renders every
//! page after each incremental rebuild as well and names any page that differs.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use rayon::prelude::*;
use std::sync::Mutex;

use super::SiteMap;
use crate::commands::build::{prepare, write_other_files};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::render::Renderer;
use crate::render::pages::{Job, global_context, jobs, render_job};
use crate::render::views::{entity_card, report_card};

/// What the last good round rendered, by fingerprint.
#[derive(Default)]
pub struct Incremental {
    global: Option<Globals>,
    /// fingerprint → (output path, warnings the page produced).
    pages: HashMap<u64, (String, Vec<Diagnostic>)>,
    /// A full render was asked for and has not yet succeeded.
    pending_full: bool,
}

/// A successful round's output.
pub struct Built {
    /// The checked model, for the search index (built after the pages).
    pub model: Site,
    /// Every output file except the search index.
    pub site: SiteMap,
    pub rendered: usize,
    pub reused: usize,
    pub load_time: Duration,
    pub render_time: Duration,
}

impl Incremental {
    /// Builds the site at `root` into memory, reusing pages of `old` (the last
    /// good site) whose fingerprints are unchanged. `None` (with errors in
    /// `diags`) if the site does not build; the cache is then left as it was.
    pub fn build(
        &mut self,
        root: &Path,
        drafts: bool,
        full: bool,
        old: &SiteMap,
        diags: &mut Diagnostics,
    ) -> Option<Built> {
        self.pending_full |= full;
        let start = Instant::now();
        let (site, renderer) = prepare(root, None, drafts, diags)?;
        let load_time = start.elapsed();
        let start = Instant::now();
        let t = Instant::now();
        let (g, inputs) = globals(&site, &renderer, drafts);
        if std::env::var_os("HUIWEN_SERVE_DEBUG").is_some() {
            eprintln!("serve: globals {} ms", t.elapsed().as_millis());
        }
        let reuse = !self.pending_full && self.global.is_some_and(|old| old.core == g.core);
        let prev = if reuse {
            Some((&self.pages, old))
        } else {
            None
        };
        let round = render(root, &site, &renderer, &g, &inputs, prev, diags);
        if diags.has_errors() {
            return None;
        }
        if reuse && round.reused > 0 && std::env::var_os("HUIWEN_SERVE_VERIFY").is_some() {
            let mut d = Diagnostics::new();
            let check = render(root, &site, &renderer, &g, &inputs, None, &mut d);
            for p in super::changed_paths(&round.site, &check.site) {
                eprintln!("HUIWEN_SERVE_VERIFY: 增量结果与完整构建不同: {p}");
            }
        }
        self.global = Some(g);
        self.pages = round.fingerprints;
        self.pending_full = false;
        Some(Built {
            model: site,
            site: round.site,
            rendered: round.rendered,
            reused: round.reused,
            load_time,
            render_time: start.elapsed(),
        })
    }
}

struct Round {
    site: SiteMap,
    fingerprints: HashMap<u64, (String, Vec<Diagnostic>)>,
    rendered: usize,
    reused: usize,
}

type Prev<'a> = Option<(&'a HashMap<u64, (String, Vec<Diagnostic>)>, &'a SiteMap)>;

/// Renders every job (or reuses it from `prev`) and the other files, into memory.
fn render(
    root: &Path,
    site: &Site,
    renderer: &Renderer,
    g: &Globals,
    inputs: &Inputs,
    prev: Prev<'_>,
    diags: &mut Diagnostics,
) -> Round {
    let debug = std::env::var_os("HUIWEN_SERVE_DEBUG").is_some();
    let t = Instant::now();
    let global = global_context(site, renderer);
    let jobs = jobs(site);
    let cards: Vec<u64> = site
        .reports
        .par_iter()
        .map(|r| hash_json(&report_card(r)))
        .collect();
    let fps: Vec<Option<u64>> = jobs
        .par_iter()
        .map(|j| fingerprint(site, g, inputs, &cards, j))
        .collect();
    if debug {
        eprintln!("serve: fingerprints {} ms", t.elapsed().as_millis());
    }
    let t = Instant::now();
    type Out = (Option<u64>, bool, Option<(String, Bytes)>, Vec<Diagnostic>);
    let results: Vec<Out> = jobs
        .par_iter()
        .zip(fps.par_iter())
        .map(|(job, fp)| {
            if let (Some(fp), Some((pages, old))) = (fp, prev) {
                if let Some((path, warnings)) = pages.get(fp) {
                    if let Some(bytes) = old.get(path) {
                        return (
                            Some(*fp),
                            true,
                            Some((path.clone(), bytes.clone())),
                            warnings.clone(),
                        );
                    }
                }
            }
            let mut ds = Vec::new();
            match render_job(site, renderer, &global, job, &mut ds) {
                Ok((path, bytes)) => (*fp, false, Some((path, Bytes::from(bytes))), ds),
                Err(d) => {
                    ds.push(d);
                    (*fp, false, None, ds)
                }
            }
        })
        .collect();
    let mut out = SiteMap::with_capacity(results.len() + 16);
    let mut fingerprints = HashMap::with_capacity(results.len());
    let (mut rendered, mut reused) = (0, 0);
    for (fp, was_reused, page, ds) in results {
        if was_reused {
            reused += 1;
        } else {
            rendered += 1;
        }
        if let (Some(fp), Some((path, _))) = (fp, &page) {
            fingerprints.insert(fp, (path.clone(), ds.clone()));
        }
        if let Some((path, bytes)) = page {
            out.insert(path, bytes);
        }
        diags.extend(ds);
    }
    if debug {
        eprintln!("serve: pages {} ms", t.elapsed().as_millis());
    }
    let t = Instant::now();
    let files = Mutex::new(out);
    let put = |rel: &str, bytes: Bytes| {
        files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(rel.to_owned(), bytes);
    };
    let write = |rel: &str, bytes: &[u8]| {
        put(rel, Bytes::copy_from_slice(bytes));
        Ok(())
    };
    let copy = |src: &Path, rel: &str| {
        put(rel, Bytes::from(std::fs::read(src)?));
        Ok(())
    };
    write_other_files(root, site, renderer, &write, &copy, diags);
    if debug {
        eprintln!("serve: other files {} ms", t.elapsed().as_millis());
    }
    Round {
        site: files.into_inner().unwrap_or_else(|e| e.into_inner()),
        fingerprints,
        rendered,
        reused,
    }
}

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

/// Site-wide fingerprints, computed once per round.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Globals {
    /// What every page may show: settings, UI strings, theme assets, plain
    /// pages, the home introduction, every entity's name and URL (navigation,
    /// cards, links from names). If it changed, every page is rendered.
    core: u64,
    /// Every entity in full (statistics, fields), without its list of reports.
    entities: u64,
    /// Every entity as a card (what pages show of other entities).
    entity_cards: u64,
    /// Where every content file is published (links between files).
    links: u64,
    /// Every report's headings (`#anchor` links into other reports).
    anchors: u64,
}

/// What a report's fingerprint needs from its text, computed once per round.
pub(crate) struct Facts {
    source: u64,
    anchors: u64,
    may_call: bool,
    may_link: bool,
}

fn facts(body: &str, source: &str) -> Facts {
    let mut h = DefaultHasher::new();
    source.hash(&mut h);
    let mut anchors = DefaultHasher::new();
    let lines: Vec<&str> = body.lines().collect();
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
        source: h.finish(),
        anchors: anchors.finish(),
        may_call: may_call(source),
        may_link: may_link(source),
    }
}

/// Per-round inputs of the fingerprints: per report, and each entity's card hash.
pub(crate) struct Inputs {
    facts: Vec<Facts>,
    entity_cards: Vec<u64>,
}

fn globals(site: &Site, r: &Renderer, drafts: bool) -> (Globals, Inputs) {
    let facts: Vec<Facts> = site
        .reports
        .par_iter()
        .map(|rep| facts(rep.body(), &rep.source))
        .collect();
    let mut core = DefaultHasher::new();
    drafts.hash(&mut core);
    hash_debug(&mut core, &site.config);
    hash_debug(&mut core, &r.strings);
    r.assets.hash(&mut core);
    r.base_path.hash(&mut core);
    hash_debug(&mut core, &site.pages);
    hash_debug(&mut core, &site.home);
    let mut entities = DefaultHasher::new();
    let mut entity_cards = DefaultHasher::new();
    let mut links = DefaultHasher::new();
    let cards: Vec<u64> = site
        .entities
        .all
        .par_iter()
        .map(|e| hash_json(&entity_card(e)))
        .collect();
    for (e, card) in site.entities.all.iter().zip(&cards) {
        card.hash(&mut entity_cards);
        (e.kind.as_str(), e.id.as_str(), &e.name, e.path.as_str()).hash(&mut core);
        e.file.hash(&mut links);
        let mut e = e.clone();
        e.reports.clear();
        hash_debug(&mut entities, &e);
    }
    let mut anchors = DefaultHasher::new();
    for (rep, f) in site.reports.iter().zip(&facts) {
        (&rep.file, rep.path.as_str(), &rep.assets).hash(&mut links);
        f.anchors.hash(&mut anchors);
    }
    for p in &site.pages {
        (&p.file, p.path.as_str()).hash(&mut links);
    }
    site.static_files.hash(&mut links);
    let g = Globals {
        core: core.finish(),
        entities: entities.finish(),
        entity_cards: entity_cards.finish(),
        links: links.finish(),
        anchors: anchors.finish(),
    };
    (
        g,
        Inputs {
            facts,
            entity_cards: cards,
        },
    )
}

/// Whether a report's text may hold data calls (`{{ stat(…) }}`), which
/// read any entity's statistics.
fn may_call(source: &str) -> bool {
    source.contains("{{")
}

/// Whether a report's text may link to other content files (`[x](a.md)`,
/// reference definitions).
fn may_link(source: &str) -> bool {
    source.contains("](") || source.contains("]:")
}

/// A job's fingerprint, or `None` if it must always be rendered.
fn fingerprint(site: &Site, g: &Globals, inputs: &Inputs, cards: &[u64], job: &Job) -> Option<u64> {
    let facts = &inputs.facts;
    let per = site.config.paginate.max(1);
    let mut h = DefaultHasher::new();
    g.core.hash(&mut h);
    let list = |h: &mut DefaultHasher, what: &str, idxs: &[usize], page: usize| {
        what.hash(h);
        page.hash(h);
        idxs.len().hash(h);
        idxs.len().div_ceil(per).hash(h);
        for &i in idxs.iter().skip((page - 1) * per).take(per) {
            cards[i].hash(h);
        }
    };
    match job {
        Job::Report(i) => {
            let rep = &site.reports[*i];
            "report".hash(&mut h);
            rep.file.hash(&mut h);
            facts[*i].source.hash(&mut h);
            rep.path.as_str().hash(&mut h);
            cards[*i].hash(&mut h);
            hash_debug(&mut h, &rep.extra);
            for a in &rep.assets {
                a.hash(&mut h);
                std::fs::metadata(a).map(|m| m.len()).ok().hash(&mut h);
            }
            for &e in &rep.entities {
                inputs.entity_cards[e].hash(&mut h);
            }
            let (older, newer) = site.neighbours(*i);
            older.map(|o| cards[o]).hash(&mut h);
            newer.map(|n| cards[n]).hash(&mut h);
            if facts[*i].may_call {
                g.entities.hash(&mut h);
            }
            if facts[*i].may_link {
                (g.links, g.anchors).hash(&mut h);
            }
        }
        Job::Reports { page } => {
            let all: Vec<usize> = (0..site.reports.len()).collect();
            list(&mut h, "reports", &all, *page);
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
            ("entity", e.path.as_str(), g.entity_cards).hash(&mut h);
            let mut bare = e.clone();
            bare.reports.clear();
            hash_debug(&mut h, &bare);
            for &r in &e.reports {
                cards[r].hash(&mut h);
            }
        }
        Job::Data(d) => {
            // Statistics downloads: settings (core) and entities only.
            "data".hash(&mut h);
            hash_debug(&mut h, d);
            g.entities.hash(&mut h);
        }
        _ => return None,
    }
    Some(h.finish())
}

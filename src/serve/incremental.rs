//! Incremental rebuilds: read what changed, render only the pages whose
//! recorded reads changed.
//!
//! Every rebuild loads and checks the whole site with
//! [`crate::pipeline::prepare`], as `huiwen build` does, so the model (and
//! every error) is the full build's; its [`BuildCache`] re-reads, re-parses
//! and re-checks only the files that changed. Then every page is rendered
//! by the same code as in a build, recording what it reads
//! ([`crate::render::deps`]); a page whose reads all still have the values
//! they had when it was last rendered keeps its bytes. There is no list here
//! of what each kind of page shows: that is the page's own code.
//!
//! `tests/serve.rs` compares the served site with a full build after edits
//! of every kind, and `HUIWEN_SERVE_VERIFY=1` renders every page after each
//! incremental rebuild as well and names any page that differs.

use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{Content, Memory, SiteMap};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{ModelOptions, Site};
use crate::pipeline::{BuildCache, Plan, prepare, write_other_files};
use crate::render::Renderer;
use crate::render::cache::RenderCache;
use crate::render::deps::{self, Dep, Values};
use crate::render::pages::{DataFile, Job, job_output, jobs, render_job};

/// What a page read when it was last rendered, with the values then, and
/// the warnings it produced.
/// Reads are numbered in a `DepTable`, so that checking a page is
/// comparing numbers in a vector: with 46,000 reads on 16,000 pages,
/// building and probing a map keyed by the reads themselves was most of a
/// round (25–35 ms of an edit).
#[derive(Clone)]
pub struct Record {
    reads: Numbered,
    warnings: Vec<Diagnostic>,
}

/// Reads by table number, each with its value.
type Numbered = Arc<[(u32, u64)]>;

impl Record {
    /// Whether every read still has its value.
    fn current(&self, now: &Current) -> bool {
        self.reads.iter().all(|&(i, v)| now.value(i) == Some(v))
    }

    /// The reads with their table entries, to check after the round.
    fn late(&self, table: &DepTable) -> LateRecord {
        LateRecord {
            reads: self
                .reads
                .iter()
                .filter_map(|&(i, v)| Some((table.deps.get(i as usize)?.clone(), v)))
                .collect(),
            warnings: self.warnings.clone(),
        }
    }
}

/// This round's value of each read in the table, made the first time a
/// page's check asks: a read that only pages checked after the round make
/// (the sitemap's list of every URL) costs nothing in the round.
struct Current<'a> {
    values: &'a Values<'a>,
    deps: &'a [Dep],
    now: &'a [OnceLock<u64>],
}

impl Current<'_> {
    fn value(&self, i: u32) -> Option<u64> {
        let i = i as usize;
        let cell = self.now.get(i)?;
        Some(*cell.get_or_init(|| self.values.value(&self.deps[i])))
    }
}

/// What a page rendered after its round read, with the values then; the
/// next round numbers it into its table.
pub struct LateRecord {
    reads: Vec<(Dep, u64)>,
    warnings: Vec<Diagnostic>,
}

/// Every read the pages of the last rounds made, numbered. A read no page
/// makes any more costs one value per round, never a wrong page; the table
/// starts again with every full render.
#[derive(Default)]
struct DepTable {
    index: FxHashMap<Dep, u32>,
    deps: Vec<Dep>,
}

impl DepTable {
    fn intern(&mut self, dep: &Dep) -> u32 {
        if let Some(&i) = self.index.get(dep) {
            return i;
        }
        let i = u32::try_from(self.deps.len()).unwrap_or(u32::MAX);
        self.deps.push(dep.clone());
        self.index.insert(dep.clone(), i);
        i
    }
}

/// What the last rounds left: the loaded and checked files, the render
/// cache, and the last good round's page records by output path.
pub struct Incremental {
    cache: BuildCache,
    memo: deps::Memo,
    reads: DepTable,
    render_cache: Option<Arc<RenderCache>>,
    records: FxHashMap<String, Record>,
    /// A full render was asked for and has not yet succeeded.
    pending_full: bool,
    /// Pages rendered after their round (see [`Deferred`]), by the pages
    /// generation they were swapped in at.
    late: Arc<Mutex<Vec<Late>>>,
}

/// A page whose cost grows with the whole site (the statistics overview and
/// its downloads, the sitemap: 50–70 ms each on 1,000 entities) is neither
/// checked nor rendered in its round when the round could reuse pages: the
/// old bytes stay served, the round's other pages are swapped in and
/// announced, and the page is checked (and rendered if a read changed) right
/// after on the search index's thread, with a reload of its own. So an edit
/// reloads the edited page without waiting for the overview of everything,
/// or for the value of its reads (hashing every URL of the site is 7–10 ms).
pub struct Deferred {
    pub job: Job,
    pub path: String,
    /// What it read when last rendered, if that is known.
    kept: Option<LateRecord>,
}

/// A deferred page, rendered and swapped in at pages generation `generation`.
pub struct Late {
    pub generation: u64,
    pub path: String,
    pub record: LateRecord,
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
    /// Pages to render after the swap, with what they need.
    pub deferred: Vec<Deferred>,
    pub renderer: Renderer,
    pub render_cache: Arc<RenderCache>,
    pub late: Arc<Mutex<Vec<Late>>>,
}

impl Default for Incremental {
    fn default() -> Incremental {
        Incremental {
            cache: BuildCache::remembering(),
            memo: deps::Memo::default(),
            reads: DepTable::default(),
            render_cache: None,
            records: FxHashMap::default(),
            pending_full: false,
            late: Arc::default(),
        }
    }
}

impl Incremental {
    /// Forgets what these files gave: the watcher saw them change (a change
    /// within the file system's clock tick leaves size and time as they were).
    pub fn invalidate<'a>(&mut self, paths: impl IntoIterator<Item = &'a Path>) {
        self.cache.loader.invalidate(paths);
    }

    /// Forgets every file: the watcher lost events, so the next round walks
    /// `content/` and reads every file again.
    pub fn rescan(&mut self) {
        self.cache = BuildCache::remembering();
    }

    /// Builds the site at `root` into memory, reusing pages of `old` (the last
    /// good site, pages generation `generation`) whose reads are unchanged.
    /// `None` (with errors in `diags`) if the site does not build; the cache
    /// is then left as it was.
    pub fn build(
        &mut self,
        root: &Path,
        drafts: bool,
        full: bool,
        (old, generation): (&SiteMap, u64),
        diags: &mut Diagnostics,
    ) -> Option<Built> {
        self.pending_full |= full;
        // Deferred pages swapped into `old` itself are as good as reused ones;
        // those swapped into another generation are not in `old`.
        for l in std::mem::take(&mut *self.late.lock().unwrap_or_else(|e| e.into_inner())) {
            if l.generation == generation {
                let reads = l.record.reads.into_iter();
                let record = Record {
                    reads: reads.map(|(d, v)| (self.reads.intern(&d), v)).collect(),
                    warnings: l.record.warnings,
                };
                self.records.insert(l.path, record);
            }
        }
        let debug = std::env::var_os("HUIWEN_SERVE_DEBUG").is_some();
        let start = Instant::now();
        let plan = Plan {
            model: ModelOptions { drafts, year: None },
            ..Plan::default()
        };
        let (site, renderer) = prepare(root, &plan, diags, &mut self.cache)?;
        if diags.has_errors() {
            return None;
        }
        let load_time = start.elapsed();
        let start = Instant::now();
        let render_cache = RenderCache::update(&site, &renderer, self.render_cache.as_deref());
        let reuse = !self.pending_full;
        let prev = reuse.then_some((&self.records, old));
        if !reuse {
            self.reads = DepTable::default();
        }
        let round = render(
            &site,
            &renderer,
            &render_cache,
            (&mut self.memo, &mut self.reads),
            prev,
            diags,
        );
        if debug {
            eprintln!("serve: round {} ms", start.elapsed().as_millis());
        }
        if diags.has_errors() {
            return None;
        }
        if reuse && round.reused > 0 && std::env::var_os("HUIWEN_SERVE_VERIFY").is_some() {
            let mut d = Diagnostics::new();
            let check = render(
                &site,
                &renderer,
                &render_cache,
                (&mut deps::Memo::default(), &mut DepTable::default()),
                None,
                &mut d,
            );
            for p in super::changed_paths(&round.site, &check.site) {
                if !round.deferred.iter().any(|d| d.path == p) {
                    eprintln!("HUIWEN_SERVE_VERIFY: 增量结果与完整构建不同: {p}");
                }
            }
        }
        self.records = round.records;
        self.pending_full = false;
        let render_cache = Arc::new(render_cache);
        self.render_cache = Some(render_cache.clone());
        Some(Built {
            model: site,
            site: round.site,
            rendered: round.rendered,
            reused: round.reused,
            load_time,
            render_time: start.elapsed(),
            deferred: round.deferred,
            renderer,
            render_cache,
            late: self.late.clone(),
        })
    }
}

struct Round {
    site: SiteMap,
    records: FxHashMap<String, Record>,
    rendered: usize,
    reused: usize,
    deferred: Vec<Deferred>,
}

/// Whether `job` is a page whose cost grows with the whole site.
fn deferrable(job: &Job) -> bool {
    matches!(
        job,
        Job::Stats | Job::Sitemap | Job::Data(DataFile::OverviewCsv | DataFile::OverviewJson)
    )
}

type Prev<'a> = Option<(&'a FxHashMap<String, Record>, &'a SiteMap)>;

/// How a job went.
enum Outcome {
    Reused(Content, Record),
    /// Old bytes served until it is checked after the round, with its
    /// last reads.
    Deferred(Content, Option<LateRecord>),
    Rendered(Content, Vec<Dep>, Vec<Diagnostic>),
    Failed(Vec<Diagnostic>),
}

/// Renders every job (or reuses it from `prev`) and the other files, into memory.
fn render(
    site: &Site,
    renderer: &Renderer,
    cache: &RenderCache,
    (memo, table): (&mut deps::Memo, &mut DepTable),
    prev: Prev<'_>,
    diags: &mut Diagnostics,
) -> Round {
    let debug = std::env::var_os("HUIWEN_SERVE_DEBUG").is_some();
    let t = Instant::now();
    let values = Values::new(site, renderer, cache);
    values.remember(memo);
    if debug {
        eprintln!("serve: per-file values {} ms", t.elapsed().as_millis());
        report_changed(prev, table, &values);
    }
    let t = Instant::now();
    let jobs = jobs(site);
    let mut cells: Vec<OnceLock<u64>> = table.deps.iter().map(|_| OnceLock::new()).collect();
    let outcomes: Vec<(String, Outcome)> = {
        let now = Current {
            values: &values,
            deps: &table.deps,
            now: &cells,
        };
        jobs.par_iter()
            .map(|job| outcome(site, renderer, cache, job, prev, (&now, table)))
            .collect()
    };
    // Number what the rendered pages read (what no earlier page read gets a
    // new number), then value it.
    let numbered: Vec<Option<Vec<u32>>> = outcomes
        .iter()
        .map(|(_, o)| match o {
            Outcome::Rendered(_, deps, _) => Some(deps.iter().map(|d| table.intern(d)).collect()),
            _ => None,
        })
        .collect();
    cells.resize_with(table.deps.len(), OnceLock::new);
    let now = Current {
        values: &values,
        deps: &table.deps,
        now: &cells,
    };
    let reads: Vec<Option<Numbered>> = numbered
        .into_par_iter()
        .map(|n| {
            n.map(|n| {
                n.into_iter()
                    .map(|i| (i, now.value(i).unwrap_or(0)))
                    .collect()
            })
        })
        .collect();
    let mut round = collect(outcomes, reads, jobs, diags);
    if debug {
        eprintln!("serve: pages {} ms", t.elapsed().as_millis());
    }
    let files = Memory::from(std::mem::take(&mut round.site));
    write_other_files(site, renderer, &files);
    round.site = files.into_map();
    round
}

/// `HUIWEN_SERVE_DEBUG`: which reads changed, by kind (what made pages
/// render again).
fn report_changed(prev: Prev<'_>, table: &DepTable, values: &Values<'_>) {
    let Some((records, _)) = prev else {
        return;
    };
    let mut changed: FxHashMap<String, usize> = FxHashMap::default();
    let mut seen = rustc_hash::FxHashSet::default();
    for rec in records.values() {
        for &(i, v) in rec.reads.iter() {
            if let Some(d) = table.deps.get(i as usize)
                && seen.insert(i)
                && values.value(d) != v
            {
                let kind = format!("{d:?}");
                let kind = kind.split('(').next().unwrap_or("").to_owned();
                *changed.entry(kind).or_default() += 1;
            }
        }
    }
    eprintln!("serve: changed reads {changed:?}");
}

/// One job: its old bytes if nothing it read changed (or, for a site-wide
/// page, until it is rendered after the round), else rendered now.
fn outcome(
    site: &Site,
    renderer: &Renderer,
    cache: &RenderCache,
    job: &Job,
    prev: Prev<'_>,
    (now, table): (&Current, &DepTable),
) -> (String, Outcome) {
    let path = job_output(site, job);
    if let Some((records, old)) = prev
        && let Some(bytes) = old.get(&path)
    {
        let rec = records.get(&path);
        if deferrable(job) {
            let kept = rec.map(|r| r.late(table));
            return (path, Outcome::Deferred(bytes.clone(), kept));
        }
        if let Some(rec) = rec
            && rec.current(now)
        {
            return (path, Outcome::Reused(bytes.clone(), rec.clone()));
        }
    }
    let outcome = match render_job(site, renderer, cache, job, true) {
        Ok(made) => Outcome::Rendered(
            Content::Bytes(Bytes::from(made.bytes)),
            made.deps,
            made.warnings,
        ),
        Err(d) => Outcome::Failed(vec![d]),
    };
    (path, outcome)
}

/// The round's pages and records from the jobs' outcomes (`reads`: what
/// each rendered page read, numbered and valued).
fn collect(
    outcomes: Vec<(String, Outcome)>,
    reads: Vec<Option<Numbered>>,
    jobs: Vec<Job>,
    diags: &mut Diagnostics,
) -> Round {
    let mut round = Round {
        site: SiteMap::with_capacity(outcomes.len() + 16),
        records: FxHashMap::default(),
        rendered: 0,
        reused: 0,
        deferred: Vec::new(),
    };
    for (((path, outcome), reads), job) in outcomes.into_iter().zip(reads).zip(jobs) {
        match outcome {
            Outcome::Reused(bytes, rec) => {
                round.reused += 1;
                diags.extend(rec.warnings.iter().cloned());
                round.records.insert(path.clone(), rec);
                round.site.insert(path, bytes);
            }
            Outcome::Deferred(bytes, kept) => {
                round.deferred.push(Deferred {
                    job,
                    path: path.clone(),
                    kept,
                });
                round.site.insert(path, bytes);
            }
            Outcome::Rendered(bytes, _, warnings) => {
                round.rendered += 1;
                diags.extend(warnings.iter().cloned());
                let reads = reads.unwrap_or_else(|| Arc::from([]));
                round
                    .records
                    .insert(path.clone(), Record { reads, warnings });
                round.site.insert(path, bytes);
            }
            Outcome::Failed(ds) => diags.extend(ds),
        }
    }
    round
}

/// Checks the deferred pages of a round (after it was swapped in) and
/// renders those whose reads changed. Each comes back with its record, and
/// with its new bytes if it was rendered (`None`: the served bytes stand);
/// a page that failed to render (a theme bug) is left out, and the old page
/// stays.
pub fn render_late(
    site: &Site,
    renderer: &Renderer,
    cache: &RenderCache,
    deferred: Vec<Deferred>,
) -> Vec<(String, Option<Content>, LateRecord)> {
    let values = Values::new(site, renderer, cache);
    deferred
        .into_par_iter()
        .filter_map(|d| {
            if let Some(kept) = d.kept
                && kept.reads.iter().all(|(dep, v)| values.value(dep) == *v)
            {
                return Some((d.path, None, kept));
            }
            match render_job(site, renderer, cache, &d.job, true) {
                Ok(made) => Some((
                    made.path,
                    Some(Content::Bytes(Bytes::from(made.bytes))),
                    LateRecord {
                        reads: made
                            .deps
                            .into_iter()
                            .map(|d| {
                                let v = values.value(&d);
                                (d, v)
                            })
                            .collect(),
                        warnings: made.warnings,
                    },
                )),
                Err(e) => {
                    eprintln!("{e}");
                    None
                }
            }
        })
        .collect()
}

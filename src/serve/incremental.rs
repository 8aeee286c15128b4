//! Incremental rebuilds: read what changed, render only the pages whose inputs changed.
//!
//! Every rebuild loads and checks the whole site with
//! [`crate::pipeline::prepare_cached`], as `huiwen build` does, so the
//! model (and every error) is the full build's; its [`BuildCache`] re-reads,
//! re-parses and re-checks only the files that changed. Pages are skipped at
//! rendering: each job gets a fingerprint ([`super::fingerprint`]), a hash of
//! everything its page shows, and a job whose fingerprint was rendered in the
//! last good round keeps those bytes.
//!
//! The rules err towards rendering: a fingerprint may include more than a page
//! shows, never less. `tests/serve.rs` compares the served site with a full
//! build after edits of every kind, and `HUIWEN_SERVE_VERIFY=1` renders every
//! page after each incremental rebuild as well and names any page that differs.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::fingerprint::{self, Inputs};
use super::{Content, Memory, SiteMap};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{ModelOptions, Site};
use crate::pipeline::{BuildCache, prepare_cached, write_other_files};
use crate::render::Renderer;
use crate::render::pages::{Job, global_context, job_path, jobs, render_job};
use crate::render::stats_pages::{DataFile, data_path};

/// What the last rounds left: the loaded and checked files, the fingerprint
/// inputs, and the last good round's pages by fingerprint.
pub struct Incremental {
    cache: BuildCache,
    memo: fingerprint::Memo,
    /// The last good round's core fingerprint.
    core: Option<u64>,
    /// fingerprint → (output path, warnings the page produced).
    pages: FxHashMap<u64, (String, Vec<Diagnostic>)>,
    /// A full render was asked for and has not yet succeeded.
    pending_full: bool,
    /// Pages rendered after their round (see [`Deferred`]), by the pages
    /// generation they were swapped in at.
    late: Arc<Mutex<Vec<Late>>>,
}

/// A page whose cost grows with the whole site (the statistics overview and
/// its downloads, the sitemap: 50–70 ms each on 1,000 entities) is not
/// rendered in its round when the round could reuse pages: the old bytes
/// stay served, the round's other pages are swapped in and announced, and the
/// page follows right after on the search index's thread, with a reload of
/// its own. So an edit reloads the edited page without waiting for the
/// overview of everything.
pub struct Deferred {
    pub job: Job,
    pub fp: Option<u64>,
    pub path: String,
}

/// A deferred page, rendered and swapped in at pages generation `generation`.
pub struct Late {
    pub generation: u64,
    pub fp: u64,
    pub path: String,
    pub warnings: Vec<Diagnostic>,
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
    /// Pages to render after the swap, with the renderer and the list their
    /// fingerprints go into.
    pub deferred: Vec<Deferred>,
    pub renderer: Renderer,
    pub late: Arc<Mutex<Vec<Late>>>,
}

impl Default for Incremental {
    fn default() -> Incremental {
        Incremental {
            cache: BuildCache::remembering(),
            memo: fingerprint::Memo::default(),
            core: None,
            pages: FxHashMap::default(),
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
    /// good site, pages generation `generation`) whose fingerprints are unchanged.
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
                self.pages.insert(l.fp, (l.path, l.warnings));
            }
        }
        let debug = std::env::var_os("HUIWEN_SERVE_DEBUG").is_some();
        let start = Instant::now();
        let opts = ModelOptions { drafts, year: None };
        let (site, renderer) = prepare_cached(root, None, opts, diags, &mut self.cache)?;
        if diags.has_errors() {
            return None;
        }
        let load_time = start.elapsed();
        let start = Instant::now();
        let inputs = self.memo.inputs(&site, &renderer, drafts);
        if debug {
            eprintln!(
                "serve: fingerprint inputs {} ms",
                start.elapsed().as_millis()
            );
        }
        let core = inputs.globals.core;
        let reuse = !self.pending_full && self.core == Some(core);
        let prev = if reuse {
            Some((&self.pages, old))
        } else {
            None
        };
        let round = render(&site, &renderer, &inputs, prev, diags);
        if diags.has_errors() {
            return None;
        }
        if reuse && round.reused > 0 && std::env::var_os("HUIWEN_SERVE_VERIFY").is_some() {
            let mut d = Diagnostics::new();
            let check = render(&site, &renderer, &inputs, None, &mut d);
            for p in super::changed_paths(&round.site, &check.site) {
                if !round.deferred.iter().any(|d| d.path == p) {
                    eprintln!("HUIWEN_SERVE_VERIFY: 增量结果与完整构建不同: {p}");
                }
            }
        }
        self.core = Some(core);
        self.pages = round.fingerprints;
        self.pending_full = false;
        Some(Built {
            model: site,
            site: round.site,
            rendered: round.rendered,
            reused: round.reused,
            load_time,
            render_time: start.elapsed(),
            deferred: round.deferred,
            renderer,
            late: self.late.clone(),
        })
    }
}

struct Round {
    site: SiteMap,
    fingerprints: FxHashMap<u64, (String, Vec<Diagnostic>)>,
    rendered: usize,
    reused: usize,
    deferred: Vec<Deferred>,
}

/// Where a page whose cost grows with the whole site is written, if `job` is one.
fn deferrable(site: &Site, job: &Job) -> Option<String> {
    match job {
        Job::Stats | Job::Sitemap => job_path(site, job).map(|p| p.output_file()),
        Job::Data(d @ (DataFile::OverviewCsv | DataFile::OverviewJson)) => {
            Some(data_path(site, *d))
        }
        _ => None,
    }
}

type Prev<'a> = Option<(&'a FxHashMap<u64, (String, Vec<Diagnostic>)>, &'a SiteMap)>;

/// Renders every job (or reuses it from `prev`) and the other files, into memory.
fn render(
    site: &Site,
    renderer: &Renderer,
    inputs: &Inputs,
    prev: Prev<'_>,
    diags: &mut Diagnostics,
) -> Round {
    let debug = std::env::var_os("HUIWEN_SERVE_DEBUG").is_some();
    let t = Instant::now();
    let global = global_context(site, renderer);
    let jobs = jobs(site);
    let fps: Vec<Option<u64>> = jobs
        .par_iter()
        .map(|j| inputs.fingerprint(site, j))
        .collect();
    if debug {
        eprintln!("serve: fingerprints {} ms", t.elapsed().as_millis());
    }
    let t = Instant::now();
    /// How a job went: reused, rendered, or deferred with its old bytes.
    #[derive(PartialEq)]
    enum How {
        Reused,
        Rendered,
        Deferred,
    }
    type Out = (Option<u64>, How, Option<(String, Content)>, Vec<Diagnostic>);
    let results: Vec<Out> = jobs
        .par_iter()
        .zip(fps.par_iter())
        .map(|(job, fp)| {
            if let (Some(fp), Some((pages, old))) = (fp, prev)
                && let Some((path, warnings)) = pages.get(fp)
                && let Some(bytes) = old.get(path)
            {
                return (
                    Some(*fp),
                    How::Reused,
                    Some((path.clone(), bytes.clone())),
                    warnings.clone(),
                );
            }
            if let (Some((_, old)), Some(path)) = (prev, deferrable(site, job))
                && let Some(bytes) = old.get(&path)
            {
                return (*fp, How::Deferred, Some((path, bytes.clone())), Vec::new());
            }
            let mut ds = Vec::new();
            match render_job(site, renderer, &global, job, &mut ds) {
                Ok((path, bytes)) => {
                    let page = Content::Bytes(Bytes::from(bytes));
                    (*fp, How::Rendered, Some((path, page)), ds)
                }
                Err(d) => {
                    ds.push(d);
                    (*fp, How::Rendered, None, ds)
                }
            }
        })
        .collect();
    let mut out = SiteMap::with_capacity(results.len() + 16);
    let mut fingerprints = FxHashMap::default();
    let (mut rendered, mut reused) = (0, 0);
    let mut deferred = Vec::new();
    for ((fp, how, page, ds), job) in results.into_iter().zip(jobs) {
        match how {
            How::Reused => reused += 1,
            How::Rendered => rendered += 1,
            How::Deferred => {
                if let Some((path, _)) = &page {
                    deferred.push(Deferred {
                        job,
                        fp,
                        path: path.clone(),
                    });
                }
            }
        }
        // A deferred page's old bytes are not its fingerprint's.
        if let (Some(fp), Some((path, _)), false) = (fp, &page, how == How::Deferred) {
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
    let files = Memory::from(out);
    write_other_files(site, renderer, &files);
    if debug {
        eprintln!("serve: other files {} ms", t.elapsed().as_millis());
    }
    Round {
        site: files.into_map(),
        fingerprints,
        rendered,
        reused,
        deferred,
    }
}

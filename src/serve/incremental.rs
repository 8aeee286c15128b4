//! Incremental rebuilds: read what changed, render only the pages whose inputs changed.
//!
//! Every rebuild loads and checks the whole site with
//! [`crate::commands::build::prepare_cached`], as `huiwen build` does, so the
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

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use rayon::prelude::*;

use super::SiteMap;
use super::fingerprint::{self, Inputs};
use crate::commands::build::{BuildCache, prepare_cached, write_other_files};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::{ModelOptions, Site};
use crate::render::Renderer;
use crate::render::pages::{global_context, jobs, render_job};

/// What the last rounds left: the loaded and checked files, the fingerprint
/// inputs, and the last good round's pages by fingerprint.
pub struct Incremental {
    cache: BuildCache,
    memo: fingerprint::Memo,
    /// The last good round's core fingerprint.
    core: Option<u64>,
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

impl Default for Incremental {
    fn default() -> Incremental {
        Incremental {
            cache: BuildCache::remembering(),
            memo: fingerprint::Memo::default(),
            core: None,
            pages: HashMap::new(),
            pending_full: false,
        }
    }
}

impl Incremental {
    /// Forgets what these files gave: the watcher saw them change (a change
    /// within the file system's clock tick leaves size and time as they were).
    pub fn invalidate<'a>(&mut self, paths: impl IntoIterator<Item = &'a Path>) {
        self.cache.loader.invalidate(paths);
    }

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
        let debug = std::env::var_os("HUIWEN_SERVE_DEBUG").is_some();
        let start = Instant::now();
        let opts = ModelOptions { drafts, year: None };
        let (site, renderer) = prepare_cached(root, None, opts, diags, &mut self.cache)?;
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
        let round = render(root, &site, &renderer, &inputs, prev, diags);
        if diags.has_errors() {
            return None;
        }
        if reuse && round.reused > 0 && std::env::var_os("HUIWEN_SERVE_VERIFY").is_some() {
            let mut d = Diagnostics::new();
            let check = render(root, &site, &renderer, &inputs, None, &mut d);
            for p in super::changed_paths(&round.site, &check.site) {
                eprintln!("HUIWEN_SERVE_VERIFY: 增量结果与完整构建不同: {p}");
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

//! The pipeline driver: every command runs the same stages through here.
//!
//! ```text
//! prepare      site.yaml → theme → content → model → lint → renderer
//! render_site  every page (render::Job) into a Sink, and the search index
//!              beside them (report bodies rendered once for both)
//! write_other_files   theme assets, static files, attachments
//! ```
//!
//! `huiwen build` and `archive` pass a staging folder as the sink, `check`
//! [`Discard`](crate::base::sink::Discard), `serve` an in-memory site (and
//! renders incrementally, reusing pages whose recorded inputs did not change).

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::base::sink::Sink;
use crate::config::{Config, normalize_base_url};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load;
use crate::model::{ModelOptions, Site};
use crate::render::cache::RenderCache;
use crate::render::pages::{Job, jobs, render_job};
use crate::render::theme::Theme;
use crate::render::{ArchiveInfo, Renderer};

/// What to build.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Overrides `base_url` in `site.yaml` (`--base-url`).
    pub base_url: Option<String>,
    pub model: ModelOptions,
    /// An annual archive: banner on every page, links ending in `index.html`.
    pub archive: Option<ArchiveInfo>,
}

/// What one round of preparing remembers for the next: each stage's results
/// by file revision (see [`load::Loader`]). `huiwen serve` keeps a
/// [`BuildCache::remembering`] one, so a round after an edit reads, parses and
/// checks only what changed; the result is the same as with an empty cache.
#[derive(Default)]
pub struct BuildCache {
    pub loader: load::Loader,
    model: crate::model::Memo,
    lint: crate::lint::Memo,
}

impl BuildCache {
    pub fn remembering() -> BuildCache {
        BuildCache {
            loader: load::Loader::remembering(),
            ..BuildCache::default()
        }
    }
}

/// Everything up to rendering: the model and the renderer, reusing and
/// refilling `cache`. `Some` also when there were errors, as long as there
/// is a model to render: rendering finds the rest (broken links, data
/// calls), so one run reports every error. Callers check `diags` before
/// writing anything.
pub fn prepare(
    root: &Path,
    plan: &Plan,
    diags: &mut Diagnostics,
    cache: &mut BuildCache,
) -> Option<(Site, Renderer)> {
    let mut config = Config::load(root, diags)?;
    if let Some(b) = &plan.base_url {
        match normalize_base_url(b) {
            Ok(u) => config.base_url = u,
            Err(msg) => diags.push(Diagnostic::error("--base-url", msg)),
        }
    }
    let theme = Theme::load(root, &config.theme, diags);
    let raw = cache.loader.load(root, diags);
    let site = Site::build_with(config, raw, plan.model, diags, &mut cache.model);
    crate::lint::lint_with(&site, diags, &mut cache.lint);
    let renderer = Renderer::new(&site, root, theme, plan.archive.clone(), diags)?;
    crate::render::pages::check_outputs(&site, &renderer, diags);
    Some((site, renderer))
}

/// [`prepare`] once, with nothing remembered.
pub fn prepare_once(root: &Path, plan: &Plan, diags: &mut Diagnostics) -> Option<(Site, Renderer)> {
    prepare(root, plan, diags, &mut BuildCache::default())
}

/// Everything a build writes besides the rendered pages and the search
/// index: theme assets, `static/` and other content files, report
/// attachments. `write` stores bytes, `copy` a source file, at a
/// `/`-separated output path; `build` passes the staging folder, `huiwen
/// serve` an in-memory map. Failures are the sink's to report (see
/// [`Sink`]). Returns how many files were copied.
pub fn write_other_files(site: &Site, renderer: &Renderer, sink: &dyn Sink) -> usize {
    for (name, bytes) in &renderer.assets {
        let _ = sink.write(&format!("assets/{name}"), bytes);
    }
    let mut files = 0;
    for (src, rel) in site.published_files() {
        let _ = sink.copy(src, &rel);
        files += 1;
    }
    files
}

/// The search index (format in `crate::search`), loaded by search/index.html,
/// on its own: `huiwen serve` reloads the edited page first and brings the
/// index up to date right after. Nothing when `search: false`. Files are
/// written from several threads as they are made.
pub fn write_search_index(site: &Site, renderer: &Renderer, sink: &dyn Sink) {
    if site.config.search {
        index_into(site, renderer, &|_| None, sink);
    }
}

fn index_into(
    site: &Site,
    renderer: &Renderer,
    body: &(dyn Fn(usize) -> Option<String> + Sync),
    sink: &dyn Sink,
) {
    let prefixed = |rel: &str, bytes: &[u8]| sink.write(&format!("search/{rel}"), bytes);
    // Failed writes are the sink's to report (see [`Sink`]).
    let _ = crate::search::write_index(site, renderer, body, &prefixed);
}

/// How long each half of [`render_site`] took (for `build --timings`).
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderTimes {
    /// Every page but the reports (all pages with `search: false`).
    pub pages: Duration,
    /// The report pages and the search index, made together.
    pub reports_and_index: Duration,
}

/// Renders every page into `sink` and, with `search: true`, writes the
/// search index beside them. The two halves run side by side: the other
/// pages in one; in the other the index asks for each report's document
/// and the report's page is rendered then, so each body's Markdown is
/// rendered once and dropped as soon as its page and its document are
/// made (memory stays one batch of documents, whatever the site's size).
/// Returns the number of pages.
pub fn render_site(
    site: &Site,
    r: &Renderer,
    sink: &dyn Sink,
    tick: &(dyn Fn() + Sync),
    diags: &mut Diagnostics,
) -> (usize, RenderTimes) {
    let cache = RenderCache::new(site, r);
    let all = jobs(site);
    let n = all.len();
    if !site.config.search {
        let t = Instant::now();
        diags.extend(render_jobs(site, r, &cache, &all, sink, tick));
        let times = RenderTimes {
            pages: t.elapsed(),
            ..RenderTimes::default()
        };
        return (n, times);
    }
    let others: Vec<Job> = all
        .into_iter()
        .filter(|j| !matches!(j, Job::Report(_)))
        .collect();
    let report_diags = Mutex::new(Vec::new());
    let body = |i: usize| {
        let (ds, body) = render_into(site, r, &cache, &Job::Report(i), sink);
        tick();
        if !ds.is_empty()
            && let Ok(mut all) = report_diags.lock()
        {
            all.extend(ds);
        }
        body
    };
    let ((page_diags, pages), ((), index)) = rayon::join(
        || timed(|| render_jobs(site, r, &cache, &others, sink, tick)),
        || timed(|| index_into(site, r, &body, sink)),
    );
    diags.extend(page_diags);
    diags.extend(report_diags.into_inner().unwrap_or_default());
    let times = RenderTimes {
        pages,
        reports_and_index: index,
    };
    (n, times)
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    (f(), t.elapsed())
}

/// Renders every page in parallel; `sink` receives each finished file.
/// Returns how many pages there were. (Checking and the archive's first
/// pass use it; a build uses [`render_site`].)
pub fn render_all(
    site: &Site,
    r: &Renderer,
    sink: &dyn Sink,
    tick: &(dyn Fn() + Sync),
    diags: &mut Diagnostics,
) -> usize {
    let cache = RenderCache::new(site, r);
    let jobs = jobs(site);
    diags.extend(render_jobs(site, r, &cache, &jobs, sink, tick));
    jobs.len()
}

/// Renders `jobs` in parallel into `sink`; returns their diagnostics.
fn render_jobs(
    site: &Site,
    r: &Renderer,
    cache: &RenderCache,
    jobs: &[Job],
    sink: &dyn Sink,
    tick: &(dyn Fn() + Sync),
) -> Vec<Diagnostic> {
    let results: Vec<Vec<Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let (ds, _) = render_into(site, r, cache, job, sink);
            tick();
            ds
        })
        .collect();
    results.into_iter().flatten().collect()
}

/// Renders one job into `sink`: its diagnostics and, for a report, its
/// body's HTML.
fn render_into(
    site: &Site,
    r: &Renderer,
    cache: &RenderCache,
    job: &Job,
    sink: &dyn Sink,
) -> (Vec<Diagnostic>, Option<String>) {
    match render_job(site, r, cache, job, false) {
        // A failed write is the sink's to report (see [`Sink`]).
        Ok(made) => {
            let _ = sink.write(&made.path, &made.bytes);
            (made.warnings, made.body)
        }
        Err(d) => (vec![d], None),
    }
}

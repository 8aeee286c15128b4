//! The pipeline driver: every command runs the same stages through here.
//!
//! ```text
//! prepare      site.yaml → theme → content → model → lint → renderer
//! render_all   every page (render::Job) into a Sink
//! write_other_files / write_search_index   theme assets, static files, attachments, the index
//! ```
//!
//! `huiwen build` and `archive` pass a staging folder as the sink, `check`
//! [`Discard`](crate::base::sink::Discard), `serve` an in-memory site (and
//! renders incrementally, reusing pages whose recorded inputs did not change).

use std::path::Path;

use rayon::prelude::*;

use crate::base::sink::Sink;
use crate::config::{Config, normalize_base_url};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load;
use crate::model::{ModelOptions, Site};
use crate::render::Renderer;
use crate::render::pages::{global_context, jobs, render_job};
use crate::render::theme::Theme;

/// Everything up to rendering: the model and the renderer. `Some` also
/// when there were errors, as long as there is a model to render: rendering
/// finds the rest (broken links, data calls), so one run reports every
/// error. Callers check `diags` before writing anything.
pub fn prepare(
    root: &Path,
    base_url: Option<&str>,
    drafts: bool,
    diags: &mut Diagnostics,
) -> Option<(Site, Renderer)> {
    prepare_with(root, base_url, ModelOptions { drafts, year: None }, diags)
}

/// [`prepare`] with every model option (the annual archive scopes to a year).
pub fn prepare_with(
    root: &Path,
    base_url: Option<&str>,
    opts: ModelOptions,
    diags: &mut Diagnostics,
) -> Option<(Site, Renderer)> {
    prepare_cached(root, base_url, opts, diags, &mut BuildCache::default())
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

/// [`prepare_with`], reusing and refilling `cache`.
pub fn prepare_cached(
    root: &Path,
    base_url: Option<&str>,
    opts: ModelOptions,
    diags: &mut Diagnostics,
    cache: &mut BuildCache,
) -> Option<(Site, Renderer)> {
    let mut config = Config::load(root, diags)?;
    if let Some(b) = base_url {
        match normalize_base_url(b) {
            Ok(u) => config.base_url = u,
            Err(msg) => diags.push(Diagnostic::error("--base-url", msg)),
        }
    }
    let theme = Theme::load(root, &config.theme, diags);
    let raw = cache.loader.load(root, diags);
    let site = Site::build_with(config, raw, opts, diags, &mut cache.model);
    let patterns = site.config.residue.patterns();
    crate::lint::residue_with(&site, &patterns, diags, &mut cache.lint);
    let mut renderer = Renderer::new(&site.config, theme, diags)?;
    if site.config.autolink {
        renderer.autolinker = Some(crate::render::autolink::AutoLinker::new(&site));
    }
    renderer.links = Some(crate::render::links::LinkResolver::new(&site, root));
    crate::render::pages::check_outputs(&site, &renderer, diags);
    Some((site, renderer))
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

/// The search index (format in `crate::search`), loaded by search/index.html.
/// Separate from [`write_other_files`] so `huiwen serve` can reload the
/// edited page first and bring the index up to date right after. Nothing
/// when `search: false`. Files are written from several threads as they are
/// made.
pub fn write_search_index(site: &Site, sink: &dyn Sink) {
    if !site.config.search {
        return;
    }
    let prefixed = |rel: &str, bytes: &[u8]| sink.write(&format!("search/{rel}"), bytes);
    // Failed writes are the sink's to report (see [`Sink`]).
    let _ = crate::search::write_index(site, &prefixed);
}

/// Renders every job in parallel; `sink` receives each finished file.
pub fn render_all(
    site: &Site,
    r: &Renderer,
    sink: &dyn Sink,
    tick: &(dyn Fn() + Sync),
    diags: &mut Diagnostics,
) -> usize {
    let global = global_context(site, r);
    let jobs = jobs(site);
    let results: Vec<Vec<Diagnostic>> = jobs
        .par_iter()
        .map(|job| {
            let mut ds = Vec::new();
            match render_job(site, r, &global, job, &mut ds) {
                // A failed write is the sink's to report (see [`Sink`]).
                Ok((path, bytes)) => {
                    let _ = sink.write(&path, &bytes);
                }
                Err(d) => ds.push(d),
            }
            tick();
            ds
        })
        .collect();
    for ds in results {
        diags.extend(ds);
    }
    jobs.len()
}

//! `huiwen build`: the whole pipeline, all or nothing.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::base::sink::Discard;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::ModelOptions;
use crate::output::{Notice, OutputError, Staging, check_output_location};
use crate::pipeline::{Plan, prepare_once, render_all, render_site, write_other_files};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `root/output`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Show a progress bar (on a terminal).
    pub progress: bool,
}

impl BuildOptions {
    fn plan(&self) -> Plan {
        Plan {
            base_url: self.base_url.clone(),
            model: ModelOptions {
                drafts: self.drafts,
                year: None,
            },
            archive: None,
        }
    }
}

/// Wall time of each stage of a build, in order (`huiwen build --timings`).
pub type Phases = Vec<(&'static str, Duration)>;

/// Why a build did not publish. The details are in the diagnostics returned beside it.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("内容有 {errors} 个错误，没有写入任何文件")]
    Invalid { errors: usize },
    /// The content is fine but the output could not be written (a full
    /// disk, a folder huiwen may not replace): the old output is untouched.
    #[error("{0}")]
    Output(#[from] OutputError),
}

impl BuildError {
    /// What the user can do about it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            BuildError::Invalid { .. } => None,
            BuildError::Output(e) => Some(e.hint()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub pages: usize,
    pub files: usize,
    pub output: PathBuf,
    pub elapsed: Duration,
    pub phases: Phases,
    /// Things worth one line after the summary (not warnings: nothing to fix).
    pub notes: Vec<String>,
}

/// Loads, checks and renders the site at `opts.root`. On any error nothing is
/// written and the previous output stays as it was; warnings are returned
/// either way.
pub fn build(opts: &BuildOptions) -> (Result<BuildSummary, BuildError>, Diagnostics) {
    let start = Instant::now();
    let mut diags = Diagnostics::new();
    let result = run(opts, &mut diags, start).map_err(|e| {
        e.unwrap_or(BuildError::Invalid {
            errors: diags.error_count(),
        })
    });
    (result, diags)
}

/// Tells the user on stderr that this build waits for another one.
pub fn print_notice(n: Notice) {
    match n {
        Notice::Waiting(lock) => eprintln!(
            "另一个构建正在进行（锁文件 {}），等待它结束……",
            lock.display()
        ),
        Notice::NoLocking(lock) => eprintln!(
            "警告: 这个磁盘不支持文件锁（{}），请不要同时运行两个构建",
            lock.display()
        ),
    }
}

/// `Err(None)`: content errors, in `diags`; `Err(Some(e))`: the output failed.
fn run(
    opts: &BuildOptions,
    diags: &mut Diagnostics,
    start: Instant,
) -> Result<BuildSummary, Option<BuildError>> {
    let root = &opts.root;
    let output = opts.output.clone().unwrap_or_else(|| root.join("output"));
    if let Err(msg) = check_output_location(root, &output) {
        diags.push(
            Diagnostic::error(output.clone(), msg).with_hint("用 --output 指定站点目录之外的位置"),
        );
        return Err(None);
    }
    let mut phases = Phases::new();
    let mut lap = Instant::now();
    let mut mark = |phases: &mut Phases, name: &'static str| {
        phases.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let (site, renderer) = prepare_once(root, &opts.plan(), diags).ok_or(None)?;
    mark(&mut phases, "读取与检查");

    let staging = Staging::begin(&output, &print_notice).map_err(|e| Some(e.into()))?;
    let bar = progress_bar(
        opts.progress,
        crate::render::pages::jobs(&site).len() as u64,
    );
    let tick = || bar.inc(1);
    let mut render_diags = Diagnostics::new();
    let (pages, times) = render_site(&site, &renderer, &staging, &tick, &mut render_diags);
    bar.finish_and_clear();
    diags.extend(render_diags);
    mark(&mut phases, "渲染页面与搜索索引");
    phases.push(("　其中报告以外的页面", times.pages));
    phases.push(("　其中报告页面与搜索索引", times.reports_and_index));

    let files = pages + write_other_files(&site, &renderer, &staging);
    mark(&mut phases, "复制文件");
    if let Some(e) = staging.failure() {
        return Err(Some(e.into()));
    }
    if diags.has_errors() {
        return Err(None);
    }
    staging.commit().map_err(|e| Some(e.into()))?;
    mark(&mut phases, "替换输出目录");
    let mut notes = Vec::new();
    if !site.config.has_full_address() {
        notes.push(
            "没有生成 sitemap.xml：站点地图只能列完整网址；在 site.yaml 写 base_url: http://…/ 后就会生成"
                .to_owned(),
        );
    }
    Ok(BuildSummary {
        pages,
        files,
        output,
        elapsed: start.elapsed(),
        phases,
        notes,
    })
}

fn progress_bar(show: bool, len: u64) -> indicatif::ProgressBar {
    if !show {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} 渲染页面 {pos}/{len} {wide_bar} {elapsed}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// `huiwen check`: everything `build` validates, rendering every page into
/// nothing, so template and Markdown problems show up too. Writes no file.
pub fn check(root: &Path) -> Diagnostics {
    let mut diags = Diagnostics::new();
    if let Some((site, renderer)) = prepare_once(root, &Plan::default(), &mut diags) {
        render_all(&site, &renderer, &Discard, &|| {}, &mut diags);
    }
    diags
}

//! The site's pages: which there are ([`jobs`]), where each is written, and
//! how each is made, one module per family. Every page reads the site only
//! through its [`Ctx`], so what it read is known ([`super::deps`]).

mod entity;
mod feeds;
mod home;
mod list;
mod overview;
mod report;
pub mod stats;
mod yearbook;

use serde::Serialize;
use tera::Context;

use super::Renderer;
use super::cache::RenderCache;
use super::context::Ctx;
use super::deps::Dep;
use crate::base::ids::{EntityKind, SitePath};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::model::taxonomy::Grouping;
pub use stats::DataFile;

/// One file of the site to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    Home,
    Reports {
        page: usize,
    },
    Report(usize),
    EntityList(EntityKind),
    Entity(usize),
    Years,
    Year {
        idx: usize,
        page: usize,
    },
    Terms(Grouping),
    Term {
        g: Grouping,
        idx: usize,
        page: usize,
    },
    Page(usize),
    /// The search page (`search/`); its index files are written by the build.
    Search,
    /// The statistics overview (`stats/`).
    Stats,
    /// A CSV or JSON download.
    Data(DataFile),
    /// The printable yearbook of an annual archive (`yearbook/`); not in [`jobs`].
    Yearbook,
    NotFound,
    Feed,
    Sitemap,
}

/// A page made by its family's module, ready for its template.
pub struct Page {
    pub path: SitePath,
    pub template: &'static str,
    pub context: Context,
}

/// A finished file and what making it read.
pub struct Made {
    pub path: String,
    pub bytes: Vec<u8>,
    pub deps: Vec<Dep>,
    pub warnings: Vec<Diagnostic>,
    /// A report page's body HTML, for the search index to read the page's
    /// text from without rendering the Markdown again.
    pub body: Option<String>,
}

fn pages_for(n: usize, per: usize) -> usize {
    n.div_ceil(per).max(1)
}

/// A paginated list's page path: `reports/`, `reports/page/2/`.
fn paged(base: &SitePath, page: usize) -> SitePath {
    if page <= 1 {
        base.clone()
    } else {
        SitePath::file(&format!("{}page/{}/", base.as_str(), page))
    }
}

/// Every page of the site (not the yearbook, which only archives have).
pub fn jobs(site: &Site) -> Vec<Job> {
    let per = site.config.paginate;
    let mut jobs = vec![Job::Home, Job::NotFound, Job::Feed, Job::Years];
    // A sitemap lists full addresses: none can be made without one.
    if site.config.has_full_address() {
        jobs.push(Job::Sitemap);
    }
    if site.config.search {
        jobs.push(Job::Search);
    }
    jobs.push(Job::Stats);
    jobs.extend(stats::data_files(site).into_iter().map(Job::Data));
    jobs.extend((1..=pages_for(site.reports.len(), per)).map(|page| Job::Reports { page }));
    jobs.extend((0..site.reports.len()).map(Job::Report));
    jobs.extend(EntityKind::ALL.map(Job::EntityList));
    jobs.extend((0..site.entities.all.len()).map(Job::Entity));
    for (idx, (_, rs)) in site.taxonomies.years.iter().enumerate() {
        jobs.extend((1..=pages_for(rs.len(), per)).map(|page| Job::Year { idx, page }));
    }
    for g in Grouping::ALL {
        jobs.push(Job::Terms(g));
        for (idx, t) in site.taxonomies.terms(g).iter().enumerate() {
            jobs.extend((1..=pages_for(t.reports.len(), per)).map(|page| Job::Term {
                g,
                idx,
                page,
            }));
        }
    }
    jobs.extend((0..site.pages.len()).map(Job::Page));
    jobs
}

/// The page a job writes, if it is a page with a URL (for the sitemap).
pub fn job_path(site: &Site, job: &Job) -> Option<SitePath> {
    Some(match job {
        Job::Home => SitePath::root(),
        Job::Reports { page } => paged(&SitePath::dir(["reports"]), *page),
        Job::Report(i) => site.reports[*i].path.clone(),
        Job::EntityList(k) => SitePath::dir([k.dir()]),
        Job::Entity(i) => site.entities.all[*i].path.clone(),
        Job::Years => SitePath::dir(["years"]),
        Job::Year { idx, page } => paged(
            &SitePath::dir(["years", &site.taxonomies.years[*idx].0.to_string()]),
            *page,
        ),
        Job::Terms(g) => SitePath::dir([g.dir()]),
        Job::Term { g, idx, page } => paged(&site.taxonomies.terms(*g)[*idx].path, *page),
        Job::Page(i) => site.pages[*i].path.clone(),
        Job::Stats => SitePath::dir(["stats"]),
        Job::Search | Job::Data(_) | Job::Yearbook | Job::NotFound | Job::Feed | Job::Sitemap => {
            return None;
        }
    })
}

/// A page's URL and, where known, the date it last changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct UrlEntry {
    pub path: SitePath,
    pub lastmod: Option<String>,
}

/// Every page's URL, sorted (what the sitemap lists), with the date of the
/// newest report it shows where it shows reports.
pub fn site_urls(site: &Site) -> Vec<UrlEntry> {
    let per = site.config.paginate.max(1);
    let newest = |idxs: &[usize], page: usize| -> Option<String> {
        idxs.iter()
            .skip((page - 1) * per)
            .take(per)
            .map(|&i| site.reports[i].date)
            .max()
            .map(|d| d.to_string())
    };
    let all: Vec<usize> = (0..site.reports.len()).collect();
    let mut urls: Vec<UrlEntry> = jobs(site)
        .iter()
        .filter_map(|j| {
            let path = job_path(site, j).filter(SitePath::is_dir)?;
            let lastmod = match *j {
                Job::Report(i) => Some(site.reports[i].date.to_string()),
                Job::Home => newest(&all, 1),
                Job::Reports { page } => newest(&all, page),
                Job::Year { idx, page } => newest(&site.taxonomies.years[idx].1, page),
                Job::Term { g, idx, page } => newest(&site.taxonomies.terms(g)[idx].reports, page),
                _ => None,
            };
            Some(UrlEntry { path, lastmod })
        })
        .collect();
    urls.sort();
    urls
}

/// The file a job writes, relative to the output, without rendering it.
pub fn job_output(site: &Site, job: &Job) -> String {
    match job {
        Job::Data(d) => stats::data_path(site, *d),
        Job::Search => SitePath::dir(["search"]).output_file(),
        Job::Yearbook => SitePath::dir(["yearbook"]).output_file(),
        Job::NotFound => "404.html".to_owned(),
        Job::Feed => "atom.xml".to_owned(),
        Job::Sitemap => "sitemap.xml".to_owned(),
        other => job_path(site, other)
            .map(|p| p.output_file())
            .unwrap_or_default(),
    }
}

/// Makes one file: the page family's view, then its template. `record`
/// keeps what it read (`huiwen serve`).
pub fn render_job(
    site: &Site,
    r: &Renderer,
    cache: &RenderCache,
    job: &Job,
    record: bool,
) -> Result<Made, Diagnostic> {
    let ctx = Ctx::new(site, r, cache, record);
    let mut warnings = Vec::new();
    let mut body = None;
    let page = match *job {
        Job::Data(d) => {
            let (path, bytes) = stats::data(&ctx, d);
            return Ok(Made {
                path,
                bytes,
                deps: ctx.into_deps(),
                warnings,
                body: None,
            });
        }
        Job::Home => home::home(&ctx, &mut warnings),
        Job::Reports { page } => list::reports(&ctx, page),
        Job::Report(i) => {
            let (page, html) = report::report(&ctx, i, &mut warnings);
            body = Some(html);
            page
        }
        Job::EntityList(kind) => entity::list(&ctx, kind),
        Job::Entity(i) => entity::entity(&ctx, i),
        Job::Years => list::years(&ctx),
        Job::Year { idx, page } => list::year(&ctx, idx, page),
        Job::Terms(g) => list::terms(&ctx, g),
        Job::Term { g, idx, page } => list::term(&ctx, g, idx, page),
        Job::Page(i) => home::plain(&ctx, i, &mut warnings),
        Job::Search => feeds::search(&ctx),
        Job::Stats => stats::overview(&ctx),
        Job::Yearbook => yearbook::yearbook(&ctx, &mut warnings),
        Job::NotFound => feeds::not_found(&ctx),
        Job::Feed => feeds::feed(&ctx),
        Job::Sitemap => feeds::sitemap(&ctx),
    };
    let html = r.render(page.template, &page.context).map_err(|e| {
        Diagnostic::error(
            format!("templates/{}", page.template),
            format!("渲染 {} 时模板出错: {e}", page.path.output_file()),
        )
    })?;
    Ok(Made {
        path: page.path.output_file(),
        bytes: html.into_bytes(),
        deps: ctx.into_deps(),
        warnings,
        body,
    })
}

/// The page links of a paginated list.
#[derive(Serialize)]
struct Paginator {
    current: usize,
    total: usize,
    prev: Option<SitePath>,
    next: Option<SitePath>,
    /// The page links shown: first, last and the current page ± 2, with
    /// `(0, None)` marking a gap. Listing every page would make each list
    /// page grow with the number of pages (quadratic output on big archives).
    pages: Vec<(usize, Option<SitePath>)>,
}

fn paginator(base: &SitePath, page: usize, total: usize) -> Paginator {
    let mut pages = Vec::new();
    for p in 1..=total {
        let shown = p == 1 || p == total || p.abs_diff(page) <= 2;
        if shown {
            pages.push((p, Some(paged(base, p))));
        } else if pages.last().is_some_and(|(n, _)| *n != 0) {
            pages.push((0, None));
        }
    }
    Paginator {
        current: page,
        total,
        prev: (page > 1).then(|| paged(base, page - 1)),
        next: (page < total).then(|| paged(base, page + 1)),
        pages,
    }
}

/// Two things written to one output path is an error naming both: a plain
/// page or a static file must not silently replace a generated page
/// (`content/towns.md`, `static/index.html`), a theme file or the search
/// index. Reports and pages among themselves are checked by the model.
pub fn check_outputs(site: &Site, r: &Renderer, diags: &mut Diagnostics) {
    let mut claims: rustc_hash::FxHashMap<String, String> = rustc_hash::FxHashMap::default();
    for job in jobs(site) {
        if !matches!(job, Job::Report(_) | Job::Page(_)) {
            claims.insert(job_output(site, &job), "生成的页面".to_owned());
        }
    }
    for (name, _) in &r.assets {
        claims.insert(format!("assets/{name}"), "主题文件".to_owned());
    }
    let search = site.config.search;
    let mut claim = |out: String, file: &std::path::Path, what: &str| {
        let taken = claims
            .get(&out)
            .cloned()
            .or_else(|| (search && out.starts_with("search/")).then(|| "搜索索引".to_owned()));
        match taken {
            Some(owner) => diags.push(
                Diagnostic::error(
                    file,
                    format!("{what}会发布到 `{out}`，与{owner}同名，会把它覆盖"),
                )
                .with_hint(
                    "给这个文件改名，或把它移到别的文件夹；网站自己生成的页面和文件不能被替换",
                ),
            ),
            None => {
                claims.insert(out, format!(" {} ", file.display()));
            }
        }
    };
    for p in &site.pages {
        claim(p.path.output_file(), &p.file, "这个页面");
    }
    for (src, out) in site.published_files() {
        claim(out, src, "这个文件");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pagination_shows_a_window_with_gaps() {
        let base = SitePath::dir(["reports"]);
        let shown = |page, total| -> Vec<usize> {
            paginator(&base, page, total)
                .pages
                .iter()
                .map(|(n, _)| *n)
                .collect()
        };
        assert_eq!(shown(1, 3), vec![1, 2, 3]);
        assert_eq!(shown(1, 50), vec![1, 2, 3, 0, 50]);
        assert_eq!(shown(25, 50), vec![1, 0, 23, 24, 25, 26, 27, 0, 50]);
        assert_eq!(shown(50, 50), vec![1, 0, 48, 49, 50]);
        let p = paginator(&base, 2, 3);
        assert_eq!(
            p.pages[2].1.as_ref().map(SitePath::as_str),
            Some("reports/page/3/")
        );
    }
}

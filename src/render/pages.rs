//! The list of pages a site has, and how each one is rendered.

use rustc_hash::FxHashMap;
use serde::Serialize;
use tera::Context;

use crate::base::ids::{EntityKind, SitePath, Year};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use crate::model::reports::MarkdownDoc;
use crate::model::taxonomy::Grouping;
use crate::render::Renderer;
use crate::render::markdown::{Hooks, Origin};
use crate::render::stats_pages::{
    DataFile, data_file, data_files, entity_charts, overview_context,
};
use crate::render::views::{LinkView, entity_card, entity_fields, report_card, stats_table};
use crate::stats::calls::Evaluator;

/// One output page.
#[derive(Debug, Clone)]
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

pub fn jobs(site: &Site) -> Vec<Job> {
    let per = site.config.paginate;
    let mut jobs = vec![
        Job::Home,
        Job::NotFound,
        Job::Feed,
        Job::Sitemap,
        Job::Years,
        Job::Search,
        Job::Stats,
    ];
    if !site.config.search {
        jobs.retain(|j| !matches!(j, Job::Search));
    }
    jobs.extend(data_files(site).into_iter().map(Job::Data));
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

#[derive(Serialize)]
struct NavItem {
    key: &'static str,
    name: String,
    path: SitePath,
}

/// Values every template gets: the site, the UI strings, the navigation.
pub fn global_context(site: &Site, r: &Renderer) -> Context {
    let mut ctx = Context::new();
    ctx.insert("config", &site.config);
    ctx.insert("t", &r.strings);
    let s = |k: &str| r.t(k);
    let mut nav = vec![NavItem {
        key: "home",
        name: s("home"),
        path: SitePath::root(),
    }];
    // Sections whose key is also their URL and their UI string.
    nav.extend(
        [
            "reports",
            "towns",
            "belts",
            "alliances",
            "years",
            "tags",
            "stats",
        ]
        .map(|key| NavItem {
            key,
            name: s(key),
            path: SitePath::dir([key]),
        }),
    );
    nav.extend(site.pages.iter().map(|p| NavItem {
        key: "page",
        name: p.title.clone(),
        path: p.path.clone(),
    }));
    ctx.insert("nav", &nav);
    ctx.insert("archive", &r.archive);
    ctx
}

/// Renders `job`, returning the output file path and bytes.
pub fn render_job(
    site: &Site,
    r: &Renderer,
    global: &Context,
    job: &Job,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(String, Vec<u8>), Diagnostic> {
    if let Job::Data(d) = job {
        return Ok(data_file(site, *d));
    }
    let per = site.config.paginate;
    let cards = |idxs: &[usize]| {
        idxs.iter()
            .map(|&i| report_card(&site.reports[i]))
            .collect::<Vec<_>>()
    };
    let slice = |idxs: &[usize], page: usize| -> Vec<usize> {
        idxs.iter()
            .skip((page - 1) * per)
            .take(per)
            .copied()
            .collect()
    };
    let (path, template, mut ctx, section): (SitePath, &str, Context, &str) = match job {
        Job::Home => {
            let path = SitePath::root();
            let mut ctx = r.page_context(&path);
            let latest: Vec<usize> = (0..site.reports.len().min(10)).collect();
            ctx.insert("latest", &cards(&latest));
            let levels: Vec<(String, usize)> = crate::model::entities::Level::ALL
                .iter()
                .map(|l| {
                    let n = site
                        .entities
                        .of_kind(EntityKind::Town)
                        .filter(|(_, e)| matches!(&e.detail, crate::model::entities::Detail::Town { level, .. } if level == l))
                        .count();
                    (l.label().to_owned(), n)
                })
                .collect();
            let count = |k| site.entities.of_kind(k).count();
            ctx.insert(
                "counts",
                &serde_json::json!({
                    "reports": site.reports.len(),
                    "towns": count(EntityKind::Town),
                    "town_levels": levels,
                    "belts": count(EntityKind::Belt),
                    "alliances": count(EntityKind::Alliance),
                }),
            );
            let years: Vec<LinkView> = site
                .taxonomies
                .years
                .iter()
                .map(|(y, rs)| LinkView {
                    name: format!("{y}（{}）", rs.len()),
                    path: SitePath::dir(["years", &y.to_string()]),
                })
                .collect();
            ctx.insert("years", &years);
            let tags: Vec<LinkView> = site
                .taxonomies
                .tags
                .iter()
                .take(20)
                .map(|t| LinkView {
                    name: t.name.clone(),
                    path: t.path.clone(),
                })
                .collect();
            ctx.insert("tags", &tags);
            let intro = site
                .home
                .as_ref()
                .map(|p| markdown_of(site, r, &path, p, false, warnings).html);
            ctx.insert("intro", &intro);
            (path, "index.html", ctx, "home")
        }
        Job::Reports { page } => {
            let base = SitePath::dir(["reports"]);
            let all: Vec<usize> = (0..site.reports.len()).collect();
            let total = pages_for(all.len(), per);
            let path = paged(&base, *page);
            let mut ctx = r.page_context(&path);
            ctx.insert("title", &r.t("reports"));
            ctx.insert("reports", &cards(&slice(&all, *page)));
            ctx.insert("paginator", &paginator(&base, *page, total));
            ctx.insert("total", &all.len());
            (path, "list.html", ctx, "reports")
        }
        Job::Report(i) => {
            let rep = &site.reports[*i];
            let mut ctx = r.page_context(&rep.path);
            let md = markdown_of(site, r, &rep.path, &**rep, true, warnings);
            ctx.insert("report", &report_card(rep));
            ctx.insert("body", &md.html);
            ctx.insert("toc", &md.toc);
            let ents: Vec<_> = rep
                .entities
                .iter()
                .map(|&e| entity_card(&site.entities.all[e]))
                .collect();
            ctx.insert("entities", &ents);
            let (older, newer) = site.neighbours(*i);
            ctx.insert("older", &older.map(|o| report_card(&site.reports[o])));
            ctx.insert("newer", &newer.map(|n| report_card(&site.reports[n])));
            let assets: Vec<serde_json::Value> = rep
                .assets
                .iter()
                .map(|a| {
                    let size = std::fs::metadata(&a.src).map(|m| m.len()).unwrap_or(0);
                    let href = crate::base::url::encode_path(&a.rel);
                    serde_json::json!({"name": a.rel, "href": href, "size": human_size(size)})
                })
                .collect();
            ctx.insert("attachments", &assets);
            ctx.insert("title", &rep.title);
            (rep.path.clone(), "report.html", ctx, "reports")
        }
        Job::EntityList(kind) => {
            let path = SitePath::dir([kind.dir()]);
            let mut ctx = r.page_context(&path);
            let mut list: Vec<_> = site
                .entities
                .of_kind(*kind)
                .map(|(_, e)| entity_card(e))
                .collect();
            list.sort_by(|a, b| a.badge.cmp(&b.badge).then(a.id.cmp(&b.id)));
            if *kind == EntityKind::Town {
                // Provincial first, then municipal, then county.
                list.sort_by_key(|c| crate::model::entities::Level::parse(&c.badge));
            }
            ctx.insert("entities", &list);
            ctx.insert("kind", kind.as_str());
            ctx.insert("title", &r.t(kind.dir()));
            (path, "entities.html", ctx, kind.dir())
        }
        Job::Entity(i) => {
            let e = &site.entities.all[*i];
            let mut ctx = r.page_context(&e.path);
            let t = |k: &str| r.t(k);
            let (fields, groups) = entity_fields(e, site, &t);
            ctx.insert("entity", &entity_card(e));
            ctx.insert("fields", &fields);
            ctx.insert("groups", &groups);
            ctx.insert("detail", &e.detail);
            ctx.insert("stats", &stats_table(e, &site.config));
            ctx.insert("charts", &entity_charts(e, site));
            ctx.insert("reports", &cards(&e.reports));
            ctx.insert("extra", &e.extra);
            ctx.insert("title", &e.name);
            (e.path.clone(), "entity.html", ctx, e.kind.dir())
        }
        Job::Years => {
            let path = SitePath::dir(["years"]);
            let mut ctx = r.page_context(&path);
            let terms: Vec<serde_json::Value> = site.taxonomies.years.iter().map(|(y, rs)| serde_json::json!({
                "name": y.to_string(), "path": SitePath::dir(["years", &y.to_string()]), "count": rs.len()
            })).collect();
            ctx.insert("terms", &terms);
            ctx.insert("title", &r.t("years"));
            (path, "terms.html", ctx, "years")
        }
        Job::Year { idx, page } => {
            let (y, rs): &(Year, Vec<usize>) = &site.taxonomies.years[*idx];
            let base = SitePath::dir(["years", &y.to_string()]);
            let path = paged(&base, *page);
            let mut ctx = r.page_context(&path);
            if let (Some(url), None) = (&site.config.archive_url, &r.archive) {
                let url = url.replace("{year}", &y.to_string());
                let sep = if url.ends_with('/') { "" } else { "/" };
                ctx.insert("archive_link", &format!("{url}{sep}index.html"));
            }
            ctx.insert("title", &format!("{y}{}", r.t("year_suffix")));
            ctx.insert("reports", &cards(&slice(rs, *page)));
            ctx.insert(
                "paginator",
                &paginator(&base, *page, pages_for(rs.len(), per)),
            );
            ctx.insert("total", &rs.len());
            (path, "list.html", ctx, "years")
        }
        Job::Terms(g) => {
            let path = SitePath::dir([g.dir()]);
            let mut ctx = r.page_context(&path);
            let terms: Vec<serde_json::Value> = site
                .taxonomies
                .terms(*g)
                .iter()
                .map(|t| {
                    serde_json::json!({
                        "name": t.name, "path": t.path, "count": t.reports.len()
                    })
                })
                .collect();
            ctx.insert("terms", &terms);
            ctx.insert("title", &r.t(g.string_key()));
            (path, "terms.html", ctx, g.dir())
        }
        Job::Term { g, idx, page } => {
            let t = &site.taxonomies.terms(*g)[*idx];
            let path = paged(&t.path, *page);
            let mut ctx = r.page_context(&path);
            let label = r
                .strings
                .get(&format!("{}_one", g.string_key()))
                .cloned()
                .unwrap_or_default();
            ctx.insert("title", &format!("{label}{}", t.name));
            ctx.insert("reports", &cards(&slice(&t.reports, *page)));
            ctx.insert(
                "paginator",
                &paginator(&t.path, *page, pages_for(t.reports.len(), per)),
            );
            ctx.insert("total", &t.reports.len());
            (path, "list.html", ctx, g.dir())
        }
        Job::Page(i) => {
            let p = &site.pages[*i];
            let mut ctx = r.page_context(&p.path);
            let md = markdown_of(site, r, &p.path, p, false, warnings);
            ctx.insert("title", &p.title);
            ctx.insert("body", &md.html);
            ctx.insert("toc", &md.toc);
            (p.path.clone(), "page.html", ctx, "page")
        }
        Job::Search => {
            let path = SitePath::dir(["search"]);
            let mut ctx = r.page_context(&path);
            ctx.insert("title", &r.t("search"));
            (path, "search.html", ctx, "search")
        }
        Job::Stats => {
            let path = SitePath::dir(["stats"]);
            let mut ctx = r.page_context(&path);
            overview_context(site, &mut ctx);
            ctx.insert("title", &r.t("stats"));
            (path, "stats.html", ctx, "stats")
        }
        Job::Data(_) => unreachable!("data files return early"),
        Job::Yearbook => {
            let path = SitePath::dir(["yearbook"]);
            let mut ctx = r.page_context(&path);
            // Oldest first, as a book reads.
            let mut chapters = Vec::with_capacity(site.reports.len());
            for (n, rep) in site.reports.iter().rev().enumerate() {
                let md = markdown_of(site, r, &path, &**rep, true, warnings);
                chapters.push(serde_json::json!({
                    "n": n + 1,
                    "anchor": format!("report-{}", n + 1),
                    "report": report_card(rep),
                    "body": md.html,
                }));
            }
            overview_context(site, &mut ctx);
            ctx.insert("chapters", &chapters);
            let title = format!(
                "{} {}",
                r.archive
                    .as_ref()
                    .map(|a| a.year.to_string())
                    .unwrap_or_default(),
                r.t("yearbook")
            );
            ctx.insert("title", &title);
            (path, "yearbook.html", ctx, "yearbook")
        }
        Job::NotFound => {
            let path = SitePath::file("404.html");
            let mut ctx = r.page_context(&path);
            ctx.insert("title", &r.t("not_found"));
            (path, "404.html", ctx, "404")
        }
        Job::Feed => {
            let path = SitePath::file("atom.xml");
            let mut ctx = r.page_context(&path);
            let n = site.config.feed_limit.min(site.reports.len());
            let items: Vec<_> = site.reports[..n].iter().map(|r| report_card(r)).collect();
            ctx.insert("reports", &items);
            ctx.insert(
                "updated",
                &site
                    .reports
                    .first()
                    .map(|r| r.date.to_string())
                    .unwrap_or_else(|| "1970-01-01".into()),
            );
            (path, "atom.xml", ctx, "feed")
        }
        Job::Sitemap => {
            let path = SitePath::file("sitemap.xml");
            let mut ctx = r.page_context(&path);
            let mut urls: Vec<SitePath> = Vec::new();
            for j in jobs(site) {
                if let Some(p) = job_path(site, &j)
                    && p.is_dir()
                {
                    urls.push(p);
                }
            }
            urls.sort();
            ctx.insert("urls", &urls);
            (path, "sitemap.xml", ctx, "sitemap")
        }
    };
    ctx.insert("section", section);
    let mut full = global.clone();
    full.extend(ctx);
    let html = r.render(template, &full).map_err(|e| {
        Diagnostic::error(
            format!("templates/{template}"),
            format!("渲染 {} 时模板出错: {e}", path.output_file()),
        )
    })?;
    Ok((path.output_file(), html.into_bytes()))
}

/// The page a job writes, without rendering it (for the sitemap).
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

/// The file a job writes, relative to the output, without rendering it.
pub fn job_output(site: &Site, job: &Job) -> String {
    match job {
        Job::Data(d) => crate::render::stats_pages::data_path(site, *d),
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

/// Two things written to one output path is an error naming both: a plain
/// page or a static file must not silently replace a generated page
/// (`content/towns.md`, `static/index.html`), a theme file or the search
/// index. Reports and pages among themselves are checked by the model.
pub fn check_outputs(site: &Site, r: &Renderer, diags: &mut Diagnostics) {
    let mut claims: FxHashMap<String, String> = FxHashMap::default();
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

/// Markdown of a page at `page`: data calls evaluated everywhere, names
/// linked to entity pages in reports only (`autolink`).
fn markdown_of(
    site: &Site,
    r: &Renderer,
    page: &SitePath,
    doc: &dyn MarkdownDoc,
    autolink: bool,
    warnings: &mut Vec<Diagnostic>,
) -> crate::render::markdown::Rendered {
    let root = r.root_of(page);
    let index = r.link_index();
    let href = |p: &SitePath| crate::render::href(&root, p.as_str(), index);
    let eval = Evaluator { site, href: &href };
    let links = |dest: &str| -> Result<Option<String>, String> {
        let Some(resolver) = &r.links else {
            return Ok(None);
        };
        Ok(resolver
            .resolve(site, doc.file(), dest)?
            .map(|(path, fragment)| {
                match path.strip_prefix(page.as_str()) {
                    // A page of the live site, from an annual archive.
                    _ if path.contains("://") => format!("{path}{fragment}"),
                    // Files published beside the page (a report's attachments) stay short.
                    Some(rest)
                        if page.is_dir() && !page.as_str().is_empty() && !rest.is_empty() =>
                    {
                        format!("{rest}{fragment}")
                    }
                    _ => crate::render::href(&root, &path, index) + &fragment,
                }
            }))
    };
    let hooks = Hooks {
        calls: Some(&eval),
        autolink: if autolink {
            r.autolinker.as_ref()
        } else {
            None
        },
        href: Some(&href),
        links: Some(&links),
    };
    let mut md = r.markdown.render(
        doc.body(),
        &Origin {
            file: doc.file(),
            source: doc.source(),
            first_line: doc.body_line(),
        },
        &hooks,
    );
    warnings.append(&mut md.warnings);
    md
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
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

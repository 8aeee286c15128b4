//! Lists of reports (all, a year, a tag, kind or region, page by page) and
//! the indexes of years and terms.

use serde::Serialize;

use super::{Page, paged, pages_for, paginator};
use crate::base::ids::SitePath;
use crate::model::taxonomy::Grouping;
use crate::render::context::Ctx;
use crate::render::deps::ListKey;

/// A year or term in an index, with its number of reports.
#[derive(Serialize)]
struct TermView {
    name: String,
    path: SitePath,
    count: usize,
}

/// One page of a list: title, cards, pagination.
fn list_page(
    ctx: &Ctx,
    key: ListKey,
    base: &SitePath,
    page: usize,
    section: &str,
    title: String,
) -> Page {
    let path = paged(base, page);
    let mut c = ctx.page(&path, section);
    let (cards, total) = ctx.list_page(key, page);
    let per = ctx.config().paginate;
    c.insert("title", &title);
    c.insert("reports", &cards);
    c.insert("paginator", &paginator(base, page, pages_for(total, per)));
    c.insert("total", &total);
    Page {
        path,
        template: "list.html",
        context: c,
    }
}

pub fn reports(ctx: &Ctx, page: usize) -> Page {
    let title = ctx.t("reports");
    list_page(
        ctx,
        ListKey::All,
        &SitePath::dir(["reports"]),
        page,
        "reports",
        title,
    )
}

/// The year before and after a year page's year (newest first in `years`).
#[derive(Serialize)]
struct YearNav {
    older: Option<TermView>,
    newer: Option<TermView>,
}

pub fn year(ctx: &Ctx, idx: usize, page: usize) -> Page {
    let years = &ctx.groupings().years;
    let y = years[idx].0;
    let link = |i: usize| {
        years.get(i).map(|(y, rs)| TermView {
            name: y.to_string(),
            path: SitePath::dir(["years", &y.to_string()]),
            count: rs.len(),
        })
    };
    let nav = YearNav {
        older: link(idx + 1),
        newer: idx.checked_sub(1).and_then(link),
    };
    let base = SitePath::dir(["years", &y.to_string()]);
    let title = format!("{y}{}", ctx.t("year_suffix"));
    let mut p = list_page(ctx, ListKey::Year(y), &base, page, "years", title);
    p.context.insert("year_nav", &nav);
    let archive_url = ctx.config().archive_url.as_ref();
    if let (Some(url), None) = (archive_url, &ctx.r.archive) {
        let url = url.replace("{year}", &y.to_string());
        let sep = if url.ends_with('/') { "" } else { "/" };
        p.context
            .insert("archive_link", &format!("{url}{sep}index.html"));
    }
    p
}

pub fn term(ctx: &Ctx, g: Grouping, idx: usize, page: usize) -> Page {
    let t = &ctx.groupings().terms(g)[idx];
    let label = ctx
        .r
        .strings
        .get(&format!("{}_one", g.string_key()))
        .cloned()
        .unwrap_or_default();
    let title = format!("{label}{}", t.name);
    let key = ListKey::Term(g, t.slug.as_str().into());
    list_page(ctx, key, &t.path, page, g.dir(), title)
}

fn index(ctx: &Ctx, path: SitePath, section: &str, title: String, terms: Vec<TermView>) -> Page {
    let mut c = ctx.page(&path, section);
    c.insert("terms", &terms);
    c.insert("title", &title);
    Page {
        path,
        template: "terms.html",
        context: c,
    }
}

pub fn years(ctx: &Ctx) -> Page {
    let terms = ctx
        .groupings()
        .years
        .iter()
        .map(|(y, rs)| TermView {
            name: y.to_string(),
            path: SitePath::dir(["years", &y.to_string()]),
            count: rs.len(),
        })
        .collect();
    index(
        ctx,
        SitePath::dir(["years"]),
        "years",
        ctx.t("years"),
        terms,
    )
}

pub fn terms(ctx: &Ctx, g: Grouping) -> Page {
    let terms = ctx
        .groupings()
        .terms(g)
        .iter()
        .map(|t| TermView {
            name: t.name.clone(),
            path: t.path.clone(),
            count: t.reports.len(),
        })
        .collect();
    index(
        ctx,
        SitePath::dir([g.dir()]),
        g.dir(),
        ctx.t(g.string_key()),
        terms,
    )
}

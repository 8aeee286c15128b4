//! The home page and plain pages (`content/*.md`).

use serde::Serialize;

use super::Page;
use crate::base::ids::{EntityKind, SitePath};
use crate::diag::Diagnostic;
use crate::render::context::Ctx;
use crate::render::views::LinkView;

/// The headline counts on the home page.
#[derive(Serialize)]
struct Counts {
    reports: usize,
    towns: usize,
    town_levels: Vec<(String, usize)>,
    belts: usize,
    alliances: usize,
}

/// How many latest reports the home page lists, and how many tags.
const LATEST: usize = 10;
const TAGS: usize = 20;

pub fn home(ctx: &Ctx, warnings: &mut Vec<Diagnostic>) -> Page {
    let path = SitePath::root();
    let mut c = ctx.page(&path, "home");
    c.insert("latest", &ctx.head(LATEST));
    let counts = Counts {
        reports: ctx.report_count(),
        towns: ctx.entity_count(EntityKind::Town),
        town_levels: ctx.town_levels(),
        belts: ctx.entity_count(EntityKind::Belt),
        alliances: ctx.entity_count(EntityKind::Alliance),
    };
    c.insert("counts", &counts);
    let groupings = ctx.groupings();
    let years: Vec<LinkView> = groupings
        .years
        .iter()
        .map(|(y, rs)| LinkView {
            name: format!("{y}（{}）", rs.len()),
            path: SitePath::dir(["years", &y.to_string()]),
        })
        .collect();
    c.insert("years", &years);
    let tags: Vec<LinkView> = groupings
        .tags
        .iter()
        .take(TAGS)
        .map(|t| LinkView {
            name: t.name.clone(),
            path: t.path.clone(),
        })
        .collect();
    c.insert("tags", &tags);
    let intro = ctx
        .home_doc()
        .map(|p| ctx.markdown(p, &path, None, warnings).html);
    c.insert("intro", &intro);
    Page {
        path,
        template: "index.html",
        context: c,
    }
}

/// A plain page (`content/about.md` → `about/`).
pub fn plain(ctx: &Ctx, i: usize, warnings: &mut Vec<Diagnostic>) -> Page {
    let p = ctx.plain_page(i);
    let mut c = ctx.page(&p.path, "page");
    let md = ctx.markdown(p, &p.path, None, warnings);
    c.insert("title", &p.title);
    if let Some(lang) = &p.lang {
        c.insert("lang", lang);
    }
    c.insert("body", &md.html);
    c.insert("toc", &md.toc);
    Page {
        path: p.path.clone(),
        template: "page.html",
        context: c,
    }
}

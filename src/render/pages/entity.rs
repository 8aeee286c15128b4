//! A town's, belt's or alliance's page, and the lists of each kind.

use super::Page;
use super::stats::entity_charts;
use crate::base::ids::EntityKind;
use crate::render::context::Ctx;
use crate::render::views::{entity_fields, stats_table};

pub fn entity(ctx: &Ctx, i: usize) -> Page {
    let e = ctx.entity(i);
    let mut c = ctx.page(&e.path, e.kind.dir());
    let t = |k: &str| ctx.t(k);
    let card = |j: usize| ctx.entity_card(j);
    let (fields, groups) = entity_fields(e, &t, &card);
    c.insert("entity", &ctx.entity_card(i));
    c.insert("fields", &fields);
    c.insert("groups", &groups);
    c.insert("detail", &e.detail);
    c.insert("stats", &stats_table(e, ctx.config()));
    c.insert("charts", &entity_charts(e, ctx.config()));
    c.insert("reports", &ctx.entity_reports(i));
    c.insert("extra", &e.extra);
    c.insert("title", &e.name);
    Page {
        path: e.path.clone(),
        template: "entity.html",
        context: c,
    }
}

/// Every entity of a kind: towns by level (provincial first), the others by id.
pub fn list(ctx: &Ctx, kind: EntityKind) -> Page {
    let path = crate::base::ids::SitePath::dir([kind.dir()]);
    let mut c = ctx.page(&path, kind.dir());
    c.insert("entities", &ctx.sorted_entity_cards(kind));
    c.insert("kind", kind.as_str());
    c.insert("title", &ctx.t(kind.dir()));
    Page {
        path,
        template: "entities.html",
        context: c,
    }
}

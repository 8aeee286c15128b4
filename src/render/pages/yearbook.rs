//! The printable yearbook of an annual archive: every report of the year,
//! oldest first, each on its own pages, and the statistics.

use serde::Serialize;
use tera::Value;

use super::Page;
use crate::base::ids::SitePath;
use crate::diag::Diagnostic;
use crate::render::context::Ctx;

/// One report as a chapter of the book.
#[derive(Serialize)]
struct Chapter {
    n: usize,
    anchor: String,
    report: Value,
    body: String,
}

pub fn yearbook(ctx: &Ctx, warnings: &mut Vec<Diagnostic>) -> Page {
    let path = SitePath::dir(["yearbook"]);
    let mut c = ctx.page(&path, "yearbook");
    let chapters: Vec<Chapter> = ctx
        .all_reports()
        .enumerate()
        .map(|(n, (i, rep))| Chapter {
            n: n + 1,
            anchor: format!("report-{}", n + 1),
            report: ctx.report_card(i),
            body: ctx.markdown(&**rep, &path, Some(i), warnings).html,
        })
        .collect();
    let year = ctx
        .r
        .archive
        .as_ref()
        .and_then(|a| crate::base::ids::Year::new(a.year.into()).ok());
    super::overview::insert(ctx, &mut c, year);
    c.insert("chapters", &chapters);
    let year = ctx
        .r
        .archive
        .as_ref()
        .map(|a| a.year.to_string())
        .unwrap_or_default();
    c.insert("title", &format!("{year} {}", ctx.t("yearbook")));
    Page {
        path,
        template: "yearbook.html",
        context: c,
    }
}

//! A report's page.

use serde::Serialize;

use super::Page;
use crate::diag::Diagnostic;
use crate::render::context::Ctx;

/// An attachment of a folder report, as its page lists it.
#[derive(Serialize)]
struct Attachment {
    name: String,
    href: String,
    size: String,
}

/// The page and its body's HTML.
pub fn report(ctx: &Ctx, i: usize, warnings: &mut Vec<Diagnostic>) -> (Page, String) {
    let rep = ctx.report(i);
    let mut c = ctx.page(&rep.path, "reports");
    let md = ctx.markdown(&**rep, &rep.path, Some(i), warnings);
    c.insert("report", &ctx.report_card(i));
    c.insert("body", &md.html);
    c.insert("toc", &md.toc);
    let entities: Vec<_> = rep.entities.iter().map(|&e| ctx.entity_card(e)).collect();
    c.insert("entities", &entities);
    let (older, newer) = ctx.neighbours(i);
    c.insert("older", &older);
    c.insert("newer", &newer);
    let attachments: Vec<Attachment> = rep
        .assets
        .iter()
        .map(|a| Attachment {
            name: a.rel.clone(),
            href: crate::base::url::encode_path(&a.rel),
            size: human_size(std::fs::metadata(&a.src).map(|m| m.len()).unwrap_or(0)),
        })
        .collect();
    c.insert("attachments", &attachments);
    c.insert("title", &rep.title);
    if let Some(lang) = &rep.lang {
        c.insert("lang", lang);
    }
    let page = Page {
        path: rep.path.clone(),
        template: "report.html",
        context: c,
    };
    (page, md.html)
}

fn human_size(bytes: u64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

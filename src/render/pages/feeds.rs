//! The pages that are not about one thing: the Atom feed, the sitemap, the
//! search page and the 404 page.

use super::Page;
use crate::base::ids::SitePath;
use crate::render::context::Ctx;

pub fn feed(ctx: &Ctx) -> Page {
    let path = SitePath::file("atom.xml");
    let mut c = ctx.page(&path, "feed");
    let cards = ctx.head(ctx.config().feed_limit);
    c.insert("reports", &cards);
    let updated = ctx.newest_date().unwrap_or_else(|| "1970-01-01".into());
    c.insert("updated", &updated);
    Page {
        path,
        template: "atom.xml",
        context: c,
    }
}

pub fn sitemap(ctx: &Ctx) -> Page {
    let path = SitePath::file("sitemap.xml");
    let mut c = ctx.page(&path, "sitemap");
    c.insert("urls", &ctx.urls());
    Page {
        path,
        template: "sitemap.xml",
        context: c,
    }
}

pub fn search(ctx: &Ctx) -> Page {
    let path = SitePath::dir(["search"]);
    let mut c = ctx.page(&path, "search");
    c.insert("title", &ctx.t("search"));
    Page {
        path,
        template: "search.html",
        context: c,
    }
}

pub fn not_found(ctx: &Ctx) -> Page {
    let path = SitePath::file("404.html");
    let mut c = ctx.page(&path, "404");
    c.insert("title", &ctx.t("not_found"));
    Page {
        path,
        template: "404.html",
        context: c,
    }
}

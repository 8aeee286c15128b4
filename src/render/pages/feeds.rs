//! The pages that are not about one thing: the Atom feed, the sitemap, the
//! search page and the 404 page.

use serde::Serialize;

use super::Page;
use crate::base::ids::SitePath;
use crate::render::context::Ctx;

/// Where the feed and its entries point, and their ids. Ids are absolute
/// IRIs (RFC 4287): the page's full address when `base_url` is one, else a
/// `urn:uuid:` made from the site's title and the page's path, which stays
/// the same wherever the site is served. Links are full addresses when they
/// can be, else relative to the feed (which sits at the site's root).
#[derive(Serialize)]
struct FeedLinks {
    id: String,
    link: String,
    self_link: Option<String>,
    /// Per entry (in the order of `reports`): link and id.
    entries: Vec<(String, String)>,
}

fn feed_links(ctx: &Ctx, paths: &[SitePath]) -> FeedLinks {
    let config = ctx.config();
    let full = config.has_full_address();
    let base = if full { config.base_url.as_str() } else { "" };
    let id = |path: &str| {
        if full {
            format!("{base}{path}")
        } else {
            urn_uuid(&config.title, path)
        }
    };
    FeedLinks {
        id: id(""),
        link: if full {
            base.to_owned()
        } else {
            "./".to_owned()
        },
        self_link: full.then(|| format!("{base}atom.xml")),
        entries: paths
            .iter()
            .map(|p| (format!("{base}{p}"), id(p.as_str())))
            .collect(),
    }
}

/// `urn:uuid:` of a name-based UUID (RFC 9562 version 8, from SHA-256 of
/// the site's title and the path).
fn urn_uuid(title: &str, path: &str) -> String {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(format!("huiwen\u{0}{title}\u{0}{path}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

pub fn feed(ctx: &Ctx) -> Page {
    let path = SitePath::file("atom.xml");
    let mut c = ctx.page(&path, "feed");
    let (cards, paths) = ctx.feed_reports(ctx.config().feed_limit);
    c.insert("reports", &cards);
    c.insert("links", &feed_links(ctx, &paths));
    let updated = ctx.newest_date().unwrap_or_else(|| "1970-01-01".into());
    c.insert("updated", &updated);
    let author = match ctx.config().author.as_str() {
        "" => ctx.config().title.clone(),
        a => a.to_owned(),
    };
    c.insert("feed_author", &author);
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
    // A server shows this page for a missing path at any depth, and it may
    // not know the site's sub-path: the styles come inside the page.
    if let Some((_, css)) = ctx.r.assets.iter().find(|(n, _)| n == "style.css") {
        c.insert("inline_css", &String::from_utf8_lossy(css));
    }
    Page {
        path,
        template: "404.html",
        context: c,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn feed_ids_are_stable_uuids() {
        let a = super::urn_uuid("齐川市教育经验交流汇编", "reports/2025/a/");
        assert_eq!(
            a,
            super::urn_uuid("齐川市教育经验交流汇编", "reports/2025/a/")
        );
        assert_ne!(
            a,
            super::urn_uuid("齐川市教育经验交流汇编", "reports/2025/b/")
        );
        assert_eq!(a.len(), "urn:uuid:".len() + 36);
        assert_eq!(&a[23..24], "8", "version 8: {a}");
    }
}

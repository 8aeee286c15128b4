//! Rendering: every page of the site from the model, through the theme's
//! templates.
//!
//! [`Renderer`] holds what every page is rendered with (templates, strings,
//! the Markdown passes); [`cache::RenderCache`] what many pages show, made
//! once; [`pages`] the site's pages, one module per family, each reading the
//! site through a [`context::Ctx`] that records what it read ([`deps`]).

pub mod autolink;
pub mod cache;
pub mod context;
pub mod deps;
pub mod highlight;
pub mod links;
pub mod markdown;
pub mod pages;
pub mod text;
pub mod theme;
pub mod views;

use std::collections::BTreeMap;

use tera::{Context, Kwargs, State, Tera};

use crate::base::ids::SitePath;
use crate::config::LinkStyle;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::Site;
use markdown::MarkdownRenderer;
use theme::Theme;

/// Templates, strings and the Markdown passes, set up once per build.
pub struct Renderer {
    pub tera: Tera,
    pub markdown: MarkdownRenderer,
    pub strings: BTreeMap<String, String>,
    pub assets: Vec<(String, Vec<u8>)>,
    link_style: LinkStyle,
    /// The path part of `base_url` (`/jyjl/`), for pages served at any depth (404).
    pub base_path: String,
    /// Links from entity names (`None` with `autolink: false`).
    pub autolinker: Option<autolink::AutoLinker>,
    /// Where links to content files go.
    pub links: links::LinkResolver,
    /// An annual archive: every page shows a banner, links end in `index.html`.
    pub archive: Option<ArchiveInfo>,
    /// A hash of the templates, strings and assets (what every page shows).
    fingerprint: u64,
}

/// What the archive banner says.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ArchiveInfo {
    pub year: u16,
    /// The day the archive was made, `YYYY-MM-DD`.
    pub date: String,
    /// The live site, when `base_url` is a full address.
    pub live_url: Option<String>,
}

impl Renderer {
    /// The renderer of `site` (at `root`), or `None` with the templates'
    /// errors in `diags`. `archive` renders an annual archive.
    pub fn new(
        site: &Site,
        root: &std::path::Path,
        theme: Theme,
        archive: Option<ArchiveInfo>,
        diags: &mut Diagnostics,
    ) -> Option<Renderer> {
        let config = &site.config;
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".xml"]);
        tera.register_filter("url", url_filter);
        tera.register_filter("num", |v: f64, _: Kwargs, _: &State| {
            crate::base::num::format_number(v)
        });
        let sources: Vec<(String, String)> = theme
            .templates
            .iter()
            .map(|(name, (text, _))| (name.clone(), text.clone()))
            .collect();
        if let Err(e) = tera.add_raw_templates(sources) {
            diags.push(
                Diagnostic::error("templates", format!("模板有错误:\n{e}"))
                    .with_hint("检查 themes/ 或 templates/ 中最近修改的模板"),
            );
            return None;
        }
        let mut strings = theme.strings;
        strings.extend(config.strings.clone());
        let base_path = match config.base_url.find("://") {
            Some(i) => {
                let rest = &config.base_url[i + 3..];
                rest.find('/')
                    .map_or("/".to_owned(), |j| rest[j..].to_owned())
            }
            None => config.base_url.clone(),
        };
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut h = std::hash::DefaultHasher::new();
            for (name, (text, _)) in &theme.templates {
                (name, text).hash(&mut h);
            }
            (&strings, &theme.assets, &base_path).hash(&mut h);
            h.finish()
        };
        // The live site, linked from the archive's banner, when `base_url` is a full address.
        let live = &config.base_url;
        let archive = archive.map(|a| ArchiveInfo {
            live_url: config.has_full_address().then(|| live.clone()),
            ..a
        });
        let link_style = match archive {
            // Archives open from a folder, so they always link to `index.html`.
            Some(_) => LinkStyle::File,
            None => config.link_style,
        };
        Some(Renderer {
            tera,
            markdown: MarkdownRenderer::new(config.unsafe_html),
            strings,
            assets: theme.assets,
            link_style,
            base_path,
            autolinker: config.autolink.then(|| autolink::AutoLinker::new(site)),
            links: links::LinkResolver::new(site, root),
            archive,
            fingerprint,
        })
    }

    /// The per-page part of every context: where the page is, how to reach the root.
    /// How a page at `path` reaches the site root: `../../`, or the base
    /// path for the 404 page, which servers show at any depth.
    pub fn root_of(&self, path: &SitePath) -> String {
        if path.as_str() == "404.html" {
            self.base_path.clone()
        } else {
            "../".repeat(path.depth())
        }
    }

    /// A UI string from the theme's table (site overrides included); the key
    /// itself when missing, so a gap shows up on the page instead of nothing.
    pub fn t(&self, key: &str) -> String {
        self.strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_owned())
    }

    /// A hash of the templates, strings and theme assets.
    pub fn fingerprint(&self) -> u64 {
        self.fingerprint
    }

    pub fn link_index(&self) -> &'static str {
        match self.link_style {
            LinkStyle::File => "index.html",
            LinkStyle::Pretty => "",
        }
    }

    pub fn render(&self, template: &str, ctx: &Context) -> Result<String, String> {
        self.tera.render(template, ctx).map_err(|e| {
            let mut msg = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                msg.push_str(&format!("\n  {s}"));
                src = s.source();
            }
            msg
        })
    }
}

/// `{{ item.path | url }}`: a link from the current page to a site path,
/// relative so the site works under any sub-path and from file://.
fn url_filter(path: &str, _: Kwargs, state: &State) -> String {
    let root: String = state.get("root").ok().flatten().unwrap_or_default();
    let index: String = state.get("link_index").ok().flatten().unwrap_or_default();
    href(&root, path, &index)
}

/// A link from a page whose root is `root` to the site path `path`.
pub fn href(root: &str, path: &str, index: &str) -> String {
    let path = path.trim_start_matches('/');
    let mut out = format!("{root}{path}");
    if path.is_empty() || path.ends_with('/') {
        if index.is_empty() && out.is_empty() {
            out.push_str("./");
        }
        out.push_str(index);
    }
    out
}

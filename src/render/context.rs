//! The one way pages read the site: every accessor returns a view and
//! records, as a [`Dep`], what it returned (see [`super::deps`]). Page code
//! gets a [`Ctx`] and nothing else of the model, so what a page shows and
//! what it depends on cannot drift apart.

use std::sync::Arc;

use tera::{Context, Value};

use super::Renderer;
use super::cache::RenderCache;
use super::deps::{Dep, ListKey, Reads};
use super::markdown::{Hooks, Origin, Rendered};
use crate::base::ids::{EntityKind, SitePath};
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::model::entities::Entity;
use crate::model::reports::{MarkdownDoc, Report};
use crate::model::taxonomy::Taxonomies;
use crate::stats::calls::{Evaluator, Read};

pub struct Ctx<'a> {
    site: &'a Site,
    pub r: &'a Renderer,
    cache: &'a RenderCache,
    reads: Reads,
}

impl<'a> Ctx<'a> {
    /// A context for one page; `record` keeps what it reads (`huiwen serve`).
    pub fn new(site: &'a Site, r: &'a Renderer, cache: &'a RenderCache, record: bool) -> Ctx<'a> {
        let reads = if record {
            Reads::recording()
        } else {
            Reads::none()
        };
        Ctx {
            site,
            r,
            cache,
            reads,
        }
    }

    /// What the page read, each once.
    pub fn into_deps(self) -> Vec<Dep> {
        self.reads.into_deps()
    }

    fn read(&self, dep: Dep) {
        self.reads.read(dep);
    }

    fn file(&self, i: usize) -> Arc<std::path::Path> {
        self.cache.report_files[i].clone()
    }

    fn entity_id(&self, i: usize) -> (EntityKind, Arc<str>) {
        (
            self.site.entities.all[i].kind,
            self.cache.entity_ids[i].clone(),
        )
    }

    /// The template values every page gets (settings, strings, navigation)
    /// and where this page is.
    pub fn page(&self, path: &SitePath, section: &str) -> Context {
        self.read(Dep::Core);
        let g = &self.cache.globals;
        let mut ctx = Context::new();
        ctx.insert_value("config", g.config.clone());
        ctx.insert_value("t", g.t.clone());
        ctx.insert("nav", &g.nav);
        ctx.insert_value("archive", g.archive.clone());
        ctx.insert("root", &self.r.root_of(path));
        ctx.insert("link_index", self.r.link_index());
        ctx.insert("page_path", path);
        ctx.insert("archive_link", &Option::<String>::None);
        ctx.insert("section", section);
        ctx.insert("lang", &self.site.config.language);
        ctx
    }

    /// The settings (part of what every page reads).
    pub fn config(&self) -> &'a crate::config::Config {
        self.read(Dep::Core);
        &self.site.config
    }

    /// A UI string (part of what every page reads).
    pub fn t(&self, key: &str) -> String {
        self.read(Dep::Core);
        self.r.t(key)
    }

    pub fn report_count(&self) -> usize {
        self.read(Dep::Head(0));
        self.site.reports.len()
    }

    pub fn report_card(&self, i: usize) -> Value {
        self.read(Dep::ReportCard(self.file(i)));
        self.cache.report_cards[i].clone()
    }

    /// A report's own page content (text, front matter, attachments).
    pub fn report(&self, i: usize) -> &'a Arc<Report> {
        self.read(Dep::ReportPage(self.file(i)));
        &self.site.reports[i]
    }

    /// The cards of the reports before and after report `i` (older, newer).
    pub fn neighbours(&self, i: usize) -> (Option<Value>, Option<Value>) {
        self.read(Dep::Neighbours(self.file(i)));
        let (older, newer) = self.site.neighbours(i);
        let card = |j: usize| self.cache.report_cards[j].clone();
        (older.map(card), newer.map(card))
    }

    /// Page `page` (from 1) of a report list: its cards, and the list's length.
    pub fn list_page(&self, key: ListKey, page: usize) -> (Vec<Value>, usize) {
        let per = self.site.config.paginate.max(1);
        let idxs = self.cache.list(self.site, &key).unwrap_or(&[]);
        self.read(Dep::ListPage(key, page));
        let cards = idxs
            .iter()
            .skip((page - 1) * per)
            .take(per)
            .map(|&i| self.cache.report_cards[i].clone())
            .collect();
        (cards, idxs.len())
    }

    /// The newest `n` reports' cards.
    pub fn head(&self, n: usize) -> Vec<Value> {
        self.read(Dep::Head(n));
        self.cache.report_cards.iter().take(n).cloned().collect()
    }

    /// The newest `n` reports' cards and their paths (the feed).
    pub fn feed_reports(&self, n: usize) -> (Vec<Value>, Vec<SitePath>) {
        self.read(Dep::Head(n));
        let n = n.min(self.site.reports.len());
        let paths = self.site.reports[..n]
            .iter()
            .map(|r| r.path.clone())
            .collect();
        (self.cache.report_cards[..n].to_vec(), paths)
    }

    /// The date of the newest report (on its card).
    pub fn newest_date(&self) -> Option<String> {
        self.read(Dep::Head(1));
        self.site.reports.first().map(|r| r.date.to_string())
    }

    /// Every report in full, oldest first (the yearbook).
    pub fn all_reports(&self) -> impl Iterator<Item = (usize, &'a Arc<Report>)> + '_ {
        (0..self.site.reports.len())
            .rev()
            .map(|i| (i, self.report(i)))
    }

    pub fn entity_card(&self, i: usize) -> Value {
        let (k, id) = self.entity_id(i);
        self.read(Dep::EntityCard(k, id));
        self.cache.entity_cards[i].clone()
    }

    /// An entity in full: fields, detail, statistics.
    pub fn entity(&self, i: usize) -> &'a Entity {
        let (k, id) = self.entity_id(i);
        self.read(Dep::Entity(k, id));
        &self.site.entities.all[i]
    }

    /// The cards of the reports that refer to entity `i`.
    pub fn entity_reports(&self, i: usize) -> Vec<Value> {
        let (k, id) = self.entity_id(i);
        self.read(Dep::EntityReports(k, id));
        self.site.entities.all[i]
            .reports
            .iter()
            .map(|&r| self.cache.report_cards[r].clone())
            .collect()
    }

    /// Every entity of `kind` as a card, with its index.
    pub fn entity_cards(&self, kind: EntityKind) -> Vec<(usize, Value)> {
        self.read(Dep::EntityCards(kind));
        self.site
            .entities
            .of_kind(kind)
            .map(|(i, _)| (i, self.cache.entity_cards[i].clone()))
            .collect()
    }

    /// Every entity of `kind` as a card, in list order: by badge (a town's
    /// level, provincial first; an alliance's kind; a belt's theme), then id.
    pub fn sorted_entity_cards(&self, kind: EntityKind) -> Vec<Value> {
        use crate::model::entities::Level;
        self.read(Dep::EntityCards(kind));
        let mut list: Vec<(Option<Level>, String, &str, usize)> = self
            .site
            .entities
            .of_kind(kind)
            .map(|(i, e)| {
                let badge = super::views::entity_card(e).badge;
                (Level::parse(&badge), badge, e.id.as_str(), i)
            })
            .collect();
        list.sort();
        list.into_iter()
            .map(|(.., i)| self.cache.entity_cards[i].clone())
            .collect()
    }

    /// How many entities of `kind` there are.
    pub fn entity_count(&self, kind: EntityKind) -> usize {
        self.read(Dep::EntityCards(kind));
        self.site.entities.of_kind(kind).count()
    }

    /// How many towns there are of each level (the level is on their cards).
    pub fn town_levels(&self) -> Vec<(String, usize)> {
        use crate::model::entities::{Detail, Level};
        self.read(Dep::EntityCards(EntityKind::Town));
        Level::ALL
            .iter()
            .map(|l| {
                let n = self
                    .site
                    .entities
                    .of_kind(EntityKind::Town)
                    .filter(|(_, e)| matches!(&e.detail, Detail::Town { level, .. } if level == l))
                    .count();
                (l.label().to_owned(), n)
            })
            .collect()
    }

    /// The home page's introduction (`content/_index.md`), if there is one.
    pub fn home_doc(&self) -> Option<&'a crate::model::Page> {
        let h = self.site.home.as_ref()?;
        self.read(Dep::Doc(Arc::from(h.file.as_path())));
        Some(h)
    }

    /// A plain page (`content/about.md`).
    pub fn plain_page(&self, i: usize) -> &'a crate::model::Page {
        let p = &self.site.pages[i];
        self.read(Dep::Doc(Arc::from(p.file.as_path())));
        p
    }

    /// Every entity of `kind` in full (totals, the overview).
    pub fn entities(&self, kind: EntityKind) -> Vec<(usize, &'a Entity)> {
        self.read(Dep::Entities(kind));
        self.site.entities.of_kind(kind).collect()
    }

    /// The whole model, for what reads all statistics (the overview, its
    /// downloads): every entity of every kind in full and as cards.
    pub fn all_statistics(&self) -> &'a Site {
        for k in EntityKind::ALL {
            self.read(Dep::Entities(k));
            self.read(Dep::EntityCards(k));
        }
        self.read(Dep::Core);
        self.site
    }

    /// Years, tags, kinds and regions with their counts.
    pub fn groupings(&self) -> &'a Taxonomies {
        self.read(Dep::Groupings);
        &self.site.taxonomies
    }

    /// Every page's URL, with its date where known (the sitemap).
    pub fn urls(&self) -> Vec<super::pages::UrlEntry> {
        self.read(Dep::Urls);
        super::pages::site_urls(self.site)
    }

    /// The Markdown of a report (`report: Some(i)`), a plain page or the home
    /// introduction, rendered for the page at `page`: data calls evaluated,
    /// links between files rewritten, names linked (reports only). Every
    /// pass records what it read.
    pub fn markdown(
        &self,
        doc: &dyn MarkdownDoc,
        page: &SitePath,
        report: Option<usize>,
        warnings: &mut Vec<Diagnostic>,
    ) -> Rendered {
        let (site, r) = (self.site, self.r);
        match report {
            Some(i) => {
                self.report(i);
                if r.autolinker.is_some() {
                    self.read(Dep::Mentions(self.file(i)));
                }
            }
            None => self.read(Dep::Doc(Arc::from(doc.file()))),
        }
        let root = r.root_of(page);
        let index = r.link_index();
        let href = |p: &SitePath| super::href(&root, p.as_str(), index);
        let on_read = |read: Read| match read {
            Read::Entity(i) => {
                self.entity(i);
            }
            Read::Kind(k) => {
                self.entities(k);
            }
        };
        let eval = Evaluator {
            site,
            href: &href,
            read: &on_read,
        };
        let links = |dest: &str| {
            let res = r.links.resolve(site, doc.file(), dest);
            if let Some(target) = &res.target {
                self.read(Dep::Target(Arc::from(target.as_path())));
                if res.anchored {
                    self.read(Dep::Anchors(Arc::from(target.as_path())));
                }
            }
            res.result.map(|o| {
                o.map(|(path, fragment)| match path.strip_prefix(page.as_str()) {
                    // A page of the live site, from an annual archive.
                    _ if path.contains("://") => format!("{path}{fragment}"),
                    // Files published beside the page (a report's attachments) stay short.
                    Some(rest)
                        if page.is_dir() && !page.as_str().is_empty() && !rest.is_empty() =>
                    {
                        format!("{rest}{fragment}")
                    }
                    _ => super::href(&root, &path, index) + &fragment,
                })
            })
        };
        let hooks = Hooks {
            calls: Some(&eval),
            autolink: if report.is_some() {
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
}

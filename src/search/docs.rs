//! What the index sees of each page: a [`Doc`] per report and entity, made
//! of the text the page shows (and only that), the metadata a result shows,
//! and its filter values.
//!
//! A report is its title, its header fields (date, author, region, kind,
//! tags) and the visible text of its body as the renderer writes it (data
//! calls evaluated, raw HTML sanitised; no image `alt` text, no link
//! targets; the summary only if the page shows it, which it does not). An
//! entity is its name, its profile values, its featured projects and the
//! names of the entities it links to, and its summary. Crumbs, tables of
//! contents, statistics, related lists and navigation are not indexed.

use serde::Serialize;

use super::fold::fold;
use crate::base::ids::{EntityKind, SitePath};
use std::borrow::Cow;

use crate::model::Site;
use crate::model::entities::{Detail, Entity};
use crate::model::reports::{MarkdownDoc, Report};
use crate::render::Renderer;
use crate::render::markdown::{Hooks, Origin};
use crate::render::text::visible_blocks;
use crate::render::views::entity_fields;
use crate::stats::calls::Evaluator;
use crate::tidy::junk::{Matcher, Verdict};

/// A page as the index sees it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub meta: DocMeta,
    /// Title first, then every field value: matches here rank above body
    /// matches. Never empty strings; no line breaks inside one.
    pub fields: Vec<String>,
    /// Visible text, one block per line: prose first, code blocks and
    /// pasted-web residue last (a match in prose makes the better excerpt;
    /// search treats lines alike).
    pub body: String,
    /// Filter values, e.g. `(Filter::Year, "2025")`.
    pub filters: Vec<(Filter, String)>,
}

/// What a result shows; serialised into the document's record.
#[derive(Debug, Clone, Serialize)]
pub struct DocMeta {
    /// Title.
    pub t: String,
    /// Site-relative URL (`towns/jingzhong/`).
    pub u: String,
    /// Type: report, town, belt, alliance.
    pub y: &'static str,
    /// Where it sits, after its type: `["2025年", "经验交流"]`, `["临淄区"]`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub l: Vec<String>,
    /// Date (reports).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub d: String,
}

/// The filters, in the order the search page shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Filter {
    /// 内容类型: report, town, belt, alliance (every document).
    Type,
    /// 材料类别: a report's kind (reports only).
    Kind,
    /// 年份 (reports only).
    Year,
    /// 地区: a report's region, a town's county.
    Region,
    /// 标签 (reports only).
    Tag,
    /// 级别: a town's level (towns only; reports about a town do not have it).
    Level,
}

impl Filter {
    pub const ALL: [Filter; 6] = [
        Filter::Type,
        Filter::Kind,
        Filter::Year,
        Filter::Region,
        Filter::Tag,
        Filter::Level,
    ];

    /// The name in URLs, the manifest and index keys.
    pub fn as_str(self) -> &'static str {
        match self {
            Filter::Type => "type",
            Filter::Kind => "kind",
            Filter::Year => "year",
            Filter::Region => "region",
            Filter::Tag => "tag",
            Filter::Level => "level",
        }
    }

    /// The key a value is indexed under (`year:2025`).
    pub fn gram(self, value: &str) -> String {
        format!("{}:{}", self.as_str(), fold(value.trim()))
    }
}

/// The documents of a site by id, made on demand: reports newest first (so
/// a smaller id is newer), then towns, belts and alliances.
pub struct DocSource<'a> {
    site: &'a Site,
    renderer: &'a Renderer,
    entities: Vec<&'a Entity>,
    /// Pasted-web residue lines go after the prose, like code: searchable,
    /// never an excerpt when the prose has the match.
    residue: Option<Cow<'static, Matcher>>,
}

impl<'a> DocSource<'a> {
    pub fn new(site: &'a Site, renderer: &'a Renderer) -> DocSource<'a> {
        let entities = EntityKind::ALL
            .into_iter()
            .flat_map(|kind| site.entities.of_kind(kind).map(|(_, e)| e))
            .collect();
        DocSource {
            site,
            renderer,
            entities,
            residue: site.config.residue.matcher(),
        }
    }

    pub fn len(&self) -> usize {
        self.site.reports.len() + self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many of the documents are reports (ids `0..reports()`).
    pub fn reports(&self) -> usize {
        self.site.reports.len()
    }

    /// Document `id` (`id < len()`). A report's body is rendered here
    /// unless `body` gives the HTML its page was made with.
    pub fn get(&self, id: usize, body: &dyn Fn(usize) -> Option<String>) -> Doc {
        match self.site.reports.get(id) {
            Some(r) => {
                let html = body(id).unwrap_or_else(|| self.render_body(r));
                self.report_doc(r, &html)
            }
            None => self.entity_doc(self.entities[id - self.site.reports.len()]),
        }
    }

    fn t(&self, key: &str) -> String {
        self.renderer.strings.get(key).cloned().unwrap_or_default()
    }

    fn report_doc(&self, r: &Report, body_html: &str) -> Doc {
        let mut fields = vec![r.title.clone(), r.date.to_string(), r.author.clone()];
        fields.push(r.region_name().to_owned());
        fields.push(r.kind.name.clone());
        fields.extend(r.tags.iter().map(|t| t.name.clone()));
        let mut filters = vec![
            (Filter::Type, "report".to_owned()),
            (Filter::Year, r.year.to_string()),
            (Filter::Kind, r.kind.name.clone()),
        ];
        if let Some(g) = &r.region {
            filters.push((Filter::Region, g.name.clone()));
        }
        filters.extend(r.tags.iter().map(|t| (Filter::Tag, t.name.clone())));
        Doc {
            meta: DocMeta {
                t: r.title.clone(),
                u: r.path.as_str().to_owned(),
                y: "report",
                l: vec![
                    format!("{}{}", r.year, self.t("year_suffix")),
                    r.kind.name.clone(),
                ],
                d: r.date.to_string(),
            },
            fields: lines(fields),
            body: self.body_text(body_html),
            filters,
        }
    }

    /// The body's HTML as the report page renders it (without links from
    /// names, which change no text).
    fn render_body(&self, r: &Report) -> String {
        let href = |p: &SitePath| p.as_str().to_owned();
        let eval = Evaluator {
            site: self.site,
            href: &href,
            read: &|_| {},
        };
        let hooks = Hooks {
            calls: Some(&eval),
            ..Hooks::default()
        };
        let origin = Origin {
            file: r.file(),
            source: r.source(),
            first_line: r.body_line(),
        };
        self.renderer
            .markdown
            .render(r.body(), &origin, &hooks)
            .html
    }

    /// The visible text of a body's HTML: prose first, then code and
    /// residue lines.
    fn body_text(&self, html: &str) -> String {
        let is_residue = |t: &str| {
            self.residue
                .as_ref()
                .is_some_and(|m| matches!(m.judge(t), Verdict::Remove(_)))
        };
        let (code, prose): (Vec<_>, Vec<_>) = visible_blocks(html)
            .into_iter()
            .partition(|b| b.code || is_residue(&b.text));
        let lines: Vec<String> = prose
            .into_iter()
            .chain(code)
            .flat_map(|b| b.text.lines().map(str::to_owned).collect::<Vec<_>>())
            .collect();
        lines.join("\n")
    }

    fn entity_doc(&self, e: &Entity) -> Doc {
        let t = |key: &str| self.t(key);
        // A linked entity's card, as far as search reads it: its name.
        let name = |i: usize| tera::Value::from(self.site.entities.all[i].name.clone());
        let (profile, groups) = entity_fields(e, &t, &name);
        let mut fields = vec![e.name.clone()];
        // A list value (members, schools) is its items, one field each.
        fields.extend(
            profile
                .into_iter()
                .flat_map(|f| std::iter::once(f.value).chain(f.items)),
        );
        let mut body = vec![e.summary.clone()];
        let mut filters = vec![(Filter::Type, e.kind.as_str().to_owned())];
        let mut location = Vec::new();
        if let Detail::Town {
            level,
            county,
            features,
            ..
        } = &e.detail
        {
            for f in features {
                fields.push(f.name.clone());
                fields.push(f.school.clone());
                body.push(f.summary.clone());
            }
            filters.push((Filter::Level, level.label().to_owned()));
            if !county.trim().is_empty() {
                filters.push((Filter::Region, county.clone()));
                location.push(county.clone());
            }
        }
        match &e.detail {
            Detail::Belt { theme, .. } => location.push(theme.clone()),
            Detail::Alliance { kind, .. } => location.push(kind.clone()),
            Detail::Town { .. } => {}
        }
        body.extend(
            groups
                .into_iter()
                .flat_map(|(_, cards)| cards.into_iter())
                .filter_map(|c| c.as_str().map(str::to_owned)),
        );
        Doc {
            meta: DocMeta {
                t: e.name.clone(),
                u: e.path.as_str().to_owned(),
                y: e.kind.as_str(),
                l: lines(location),
                d: String::new(),
            },
            fields: lines(fields),
            body: lines(body).join("\n"),
            filters,
        }
    }
}

/// Non-empty values, white space collapsed to one line each.
fn lines(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|v| !v.is_empty())
        .collect()
}

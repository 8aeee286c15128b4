//! What the index sees of each page: a [`Doc`] per report and entity, with
//! its searchable text, the metadata a result shows, and its filter values.

use std::borrow::Cow;

use rayon::prelude::*;
use serde::Serialize;

use super::fold::fold;
use super::text::markdown_text;
use crate::base::ids::EntityKind;
use crate::model::Site;
use crate::model::entities::{Detail, Entity};

/// A page as the index sees it.
#[derive(Debug, Clone)]
pub struct Doc {
    pub meta: DocMeta,
    /// Title and fields, one per line: matches here rank above body matches.
    pub fields: String,
    pub body: String,
    /// Filter values as `(filter, value)`, e.g. `("year", "2025")`.
    pub filters: Vec<(&'static str, String)>,
}

/// What a result shows; serialised into the document's head file.
#[derive(Debug, Clone, Serialize)]
pub struct DocMeta {
    /// Title.
    pub t: String,
    /// Site-relative URL (`towns/jingzhong/`).
    pub u: String,
    /// Type: report, town, belt, alliance.
    pub y: &'static str,
    /// Date (reports) or level / kind (entities).
    pub d: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub k: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub r: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub g: Vec<String>,
}

/// The filters, in the order the search page shows them.
pub const FILTERS: [&str; 6] = ["type", "kind", "year", "region", "tag", "level"];

/// Every report (newest first, so doc ids are in date order), then every
/// town, belt and alliance.
pub fn documents(site: &Site) -> Vec<Doc> {
    let source = DocSource::new(site);
    (0..source.len())
        .into_par_iter()
        .map(|id| source.get(id))
        .collect()
}

/// How many documents the site's index has.
pub fn source_len(site: &Site) -> usize {
    DocSource::new(site).len()
}

/// The documents of a site by id, made on demand (the index is built in
/// batches, so at no point does it hold every page's text).
pub struct DocSource<'a> {
    site: &'a Site,
    entities: Vec<&'a Entity>,
}

impl<'a> DocSource<'a> {
    pub fn new(site: &'a Site) -> DocSource<'a> {
        let entities = EntityKind::ALL
            .into_iter()
            .flat_map(|kind| site.entities.of_kind(kind).map(|(_, e)| e))
            .collect();
        DocSource { site, entities }
    }

    pub fn len(&self) -> usize {
        self.site.reports.len() + self.entities.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Document `id` (`id < len()`).
    pub fn get(&self, id: usize) -> Doc {
        match self.site.reports.get(id) {
            Some(r) => report_doc(self.site, r),
            None => entity_doc(self.site, self.entities[id - self.site.reports.len()]),
        }
    }

    /// [`DocSource::get`] as the index builder takes it.
    pub fn cow(&self, id: usize) -> Cow<'static, Doc> {
        Cow::Owned(self.get(id))
    }
}

fn report_doc(site: &Site, r: &crate::model::reports::Report) -> Doc {
    let mut fields = vec![r.title.clone()];
    fields.extend(r.tags.iter().map(|t| t.name.clone()));
    fields.extend([
        r.kind.name.clone(),
        r.region_name().to_owned(),
        r.author.clone(),
    ]);
    let mut body = markdown_text(r.body());
    // An explicit summary is text of its own; the default one is the
    // first paragraph, already in the body.
    if !r.summary.is_empty() && !starts_near(&body, r.summary.trim_end_matches('…')) {
        body = format!("{}\n{body}", r.summary);
    }
    let mut filters = vec![
        ("type", "report".to_owned()),
        ("year", r.year.to_string()),
        ("kind", r.kind.name.clone()),
    ];
    if let Some(g) = &r.region {
        filters.push(("region", g.name.clone()));
    }
    filters.extend(r.tags.iter().map(|t| ("tag", t.name.clone())));
    for &e in &r.entities {
        if let Detail::Town { level, .. } = &site.entities.all[e].detail {
            filters.push(("level", level.label().to_owned()));
        }
    }
    Doc {
        meta: DocMeta {
            t: r.title.clone(),
            u: r.path.as_str().to_owned(),
            y: "report",
            d: r.date.to_string(),
            k: r.kind.name.clone(),
            r: r.region_name().to_owned(),
            g: r.tags.iter().map(|t| t.name.clone()).collect(),
        },
        fields: join_nonempty(&fields),
        body,
        filters,
    }
}

fn entity_doc(site: &Site, e: &Entity) -> Doc {
    let name_of = |i: &usize| site.entities.all[*i].name.clone();
    let mut fields = vec![e.name.clone()];
    let mut body = vec![e.summary.clone()];
    let mut filters = vec![("type", e.kind.as_str().to_owned())];
    let (d, k, r) = match &e.detail {
        Detail::Town {
            level,
            county,
            city,
            guide,
            features,
            ..
        } => {
            fields.extend([county.clone(), city.clone(), level.label().to_owned()]);
            for f in features {
                fields.push(format!("{} {}", f.school, f.name));
                body.push(f.summary.clone());
            }
            body.push(guide.clone());
            filters.push(("level", level.label().to_owned()));
            if !county.is_empty() {
                filters.push(("region", county.clone()));
            }
            (level.label().to_owned(), String::new(), county.clone())
        }
        Detail::Belt {
            theme,
            towns,
            schools,
        } => {
            fields.push(theme.clone());
            body.extend(towns.iter().map(name_of));
            body.extend(schools.iter().cloned());
            (String::new(), String::new(), String::new())
        }
        Detail::Alliance {
            kind,
            lead,
            members,
            towns,
        } => {
            fields.extend([kind.clone(), lead.clone()]);
            body.extend(members.iter().cloned());
            body.extend(towns.iter().map(name_of));
            filters.push(("kind", kind.clone()));
            (kind.clone(), kind.clone(), String::new())
        }
    };
    Doc {
        meta: DocMeta {
            t: e.name.clone(),
            u: e.path.as_str().to_owned(),
            y: e.kind.as_str(),
            d,
            k,
            r,
            g: Vec::new(),
        },
        fields: join_nonempty(&fields),
        body: join_nonempty(&body),
        filters,
    }
}

/// Whether `needle` occurs within the first few lines of `text` (where a
/// default summary comes from); bounded so long reports cost nothing extra.
fn starts_near(text: &str, needle: &str) -> bool {
    let end = text
        .char_indices()
        .nth(needle.chars().count() + 400)
        .map_or(text.len(), |(i, _)| i);
    text[..end].contains(needle)
}

fn join_nonempty(parts: &[String]) -> String {
    parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The key a filter value is indexed under (`year:2025`).
pub fn filter_gram(filter: &str, value: &str) -> String {
    format!("{filter}:{}", fold(value.trim()))
}

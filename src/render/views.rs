//! What templates see: flat, serializable views of the model. Templates never
//! compute links or look things up; everything they print is prepared here.

use serde::Serialize;

use crate::base::ids::{EntityKind, SitePath};
use crate::base::num::format_number;
use crate::config::Config;
use crate::model::Site;
use crate::model::entities::{Detail, Entity};
use crate::model::reports::Report;

/// An entry of the main navigation.
#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub key: &'static str,
    pub name: String,
    pub path: SitePath,
}

/// The main navigation: home, the sections (whose key is also their URL and
/// their UI string), then the plain pages.
pub fn nav(site: &Site, r: &crate::render::Renderer) -> Vec<NavItem> {
    let mut nav = vec![NavItem {
        key: "home",
        name: r.t("home"),
        path: SitePath::root(),
    }];
    nav.extend(
        [
            "reports",
            "towns",
            "belts",
            "alliances",
            "years",
            "tags",
            "stats",
        ]
        .map(|key| NavItem {
            key,
            name: r.t(key),
            path: SitePath::dir([key]),
        }),
    );
    nav.extend(site.pages.iter().map(|p| NavItem {
        key: "page",
        name: p.title.clone(),
        path: p.path.clone(),
    }));
    nav
}

/// A link with its text.
#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub name: String,
    pub path: SitePath,
}

/// A report as shown in lists.
#[derive(Debug, Clone, Serialize)]
pub struct ReportCard {
    pub title: String,
    pub path: SitePath,
    pub date: String,
    pub year: u16,
    pub kind: LinkView,
    pub region: Option<LinkView>,
    pub author: String,
    pub summary: String,
    pub tags: Vec<LinkView>,
    /// The report's language when not the site's (`zh-Hant`).
    pub lang: Option<String>,
}

pub fn report_card(r: &Report) -> ReportCard {
    ReportCard {
        title: r.title.clone(),
        path: r.path.clone(),
        date: r.date.to_string(),
        year: r.year.get(),
        kind: LinkView {
            name: r.kind.name.clone(),
            path: SitePath::dir(["kinds", &r.kind.slug]),
        },
        region: r.region.as_ref().map(|g| LinkView {
            name: g.name.clone(),
            path: SitePath::dir(["regions", &g.slug]),
        }),
        author: r.author.clone(),
        summary: r.summary.clone(),
        lang: r.lang.clone(),
        tags: r
            .tags
            .iter()
            .map(|t| LinkView {
                name: t.name.clone(),
                path: SitePath::dir(["tags", &t.slug]),
            })
            .collect(),
    }
}

/// An entity as shown in lists and link groups.
#[derive(Debug, Clone, Serialize)]
pub struct EntityCard {
    pub kind: EntityKind,
    pub kind_label: &'static str,
    pub id: String,
    pub name: String,
    pub path: SitePath,
    /// Level for towns, kind for alliances, theme for belts.
    pub badge: String,
    pub place: String,
    pub summary: String,
    pub report_count: usize,
}

pub fn entity_card(e: &Entity) -> EntityCard {
    let (badge, place) = match &e.detail {
        Detail::Town {
            level,
            county,
            city,
            ..
        } => {
            let place = [city.as_str(), county.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · ");
            (level.label().to_owned(), place)
        }
        Detail::Belt { theme, .. } => (theme.clone(), String::new()),
        Detail::Alliance { kind, lead, .. } => (kind.clone(), lead.clone()),
    };
    EntityCard {
        kind: e.kind,
        kind_label: e.kind.label(),
        id: e.id.to_string(),
        name: e.name.clone(),
        path: e.path.clone(),
        badge,
        place,
        summary: e.summary.clone(),
        report_count: e.reports.len(),
    }
}

/// A label and value row of an entity's profile; a list of names (schools,
/// members) is given as items, each kept whole on the page.
#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub label: String,
    pub value: String,
    pub items: Vec<String>,
}

/// A statistics table: years down, metrics across.
#[derive(Debug, Clone, Serialize)]
pub struct StatsTable {
    pub columns: Vec<StatsColumn>,
    pub rows: Vec<StatsRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatsColumn {
    pub key: String,
    pub label: String,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatsRow {
    pub year: u16,
    /// Formatted values, `—` where the year lacks the metric.
    pub values: Vec<String>,
}

pub fn stats_table(e: &Entity, config: &Config) -> Option<StatsTable> {
    if e.stats.is_empty() {
        return None;
    }
    let used: Vec<&crate::config::Metric> = config
        .metrics
        .iter()
        .filter(|m| e.stats.0.values().any(|row| row.contains_key(&m.key)))
        .collect();
    Some(StatsTable {
        columns: used
            .iter()
            .map(|m| StatsColumn {
                key: m.key.to_string(),
                label: m.label.clone(),
                unit: m.unit.clone(),
            })
            .collect(),
        rows: e
            .stats
            .0
            .iter()
            .map(|(y, row)| StatsRow {
                year: y.get(),
                values: used
                    .iter()
                    // A missing value is not zero: shown as a dash.
                    .map(|m| {
                        row.get(&m.key)
                            .map_or_else(|| "—".to_owned(), |v| format_number(*v))
                    })
                    .collect(),
            })
            .collect(),
    })
}

/// The entity's profile rows and link groups.
/// Labels come from the theme's strings table (`t`), keyed `field_*` and `group_*`.
/// `card` gives the card of a related entity (the page records reading it).
pub fn entity_fields(
    e: &Entity,
    t: &dyn Fn(&str) -> String,
    card: &dyn Fn(usize) -> tera::Value,
) -> (Vec<Field>, Vec<(String, Vec<tera::Value>)>) {
    let card = |i: &usize| card(*i);
    let mut fields = Vec::new();
    let mut push = |key: &str, value: &str, items: &[String]| {
        if !value.is_empty() || !items.is_empty() {
            fields.push(Field {
                label: t(key),
                value: value.to_owned(),
                items: items.to_vec(),
            });
        }
    };
    let mut groups = Vec::new();
    match &e.detail {
        Detail::Town {
            level,
            county,
            city,
            since,
            belt,
            guide,
            ..
        } => {
            push("field_level", level.label(), &[]);
            push("field_city", city, &[]);
            push("field_county", county, &[]);
            push(
                "field_since",
                &since.map(|y| y.to_string()).unwrap_or_default(),
                &[],
            );
            push("field_guide", guide, &[]);
            if let Some(b) = belt {
                groups.push((t("group_town_belt"), vec![card(b)]));
            }
            if !e.alliances.is_empty() {
                groups.push((
                    t("group_town_alliances"),
                    e.alliances.iter().map(card).collect(),
                ));
            }
        }
        Detail::Belt {
            theme,
            towns,
            schools,
        } => {
            push("field_theme", theme, &[]);
            push("field_schools", "", schools);
            if !towns.is_empty() {
                groups.push((t("group_belt_towns"), towns.iter().map(card).collect()));
            }
        }
        Detail::Alliance {
            kind,
            lead,
            members,
            towns,
        } => {
            push("field_alliance_kind", kind, &[]);
            push("field_lead", lead, &[]);
            push("field_members", "", members);
            if !towns.is_empty() {
                groups.push((t("group_alliance_towns"), towns.iter().map(card).collect()));
            }
        }
    }
    (fields, groups)
}

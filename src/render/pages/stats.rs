//! The statistics parts of pages: entity charts, the `stats/` overview and
//! the CSV/JSON downloads beside them.

use serde::Serialize;
use tera::Context;

use super::Page;
use crate::base::ids::{EntityKind, SitePath, Year};
use crate::base::num::format_number;
use crate::config::Metric;
use crate::model::Site;
use crate::model::entities::{Detail, Entity, Level};
use crate::render::context::Ctx;
use crate::render::views::{EntityCard, entity_card};
use crate::stats::aggregate::{Selection, county_of, level_of, series, totals_by_year, towns_by};
use crate::stats::chart::{Chart, Point, svg};
use crate::stats::export;

/// A downloadable data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFile {
    EntityCsv(usize),
    EntityJson(usize),
    OverviewCsv,
    OverviewJson,
}

pub fn data_files(site: &Site) -> Vec<DataFile> {
    let mut v = vec![DataFile::OverviewCsv, DataFile::OverviewJson];
    for (i, e) in site.entities.all.iter().enumerate() {
        if !e.stats.is_empty() {
            v.push(DataFile::EntityCsv(i));
            v.push(DataFile::EntityJson(i));
        }
    }
    v
}

/// The output path of a data file.
pub fn data_path(site: &Site, d: DataFile) -> String {
    match d {
        DataFile::EntityCsv(i) | DataFile::EntityJson(i) => file_of(&site.entities.all[i].path, d),
        DataFile::OverviewCsv | DataFile::OverviewJson => file_of(&SitePath::dir(["stats"]), d),
    }
}

/// The data file `d` beside the page at `page`.
fn file_of(page: &SitePath, d: DataFile) -> String {
    match d {
        DataFile::EntityCsv(_) | DataFile::OverviewCsv => format!("{page}stats.csv"),
        DataFile::EntityJson(_) | DataFile::OverviewJson => format!("{page}stats.json"),
    }
}

/// The output path and bytes of a data file.
pub fn data(ctx: &Ctx, d: DataFile) -> (String, Vec<u8>) {
    let (path, text) = match d {
        DataFile::EntityCsv(i) => {
            let e = ctx.entity(i);
            (file_of(&e.path, d), export::entity_csv(e, ctx.config()))
        }
        DataFile::EntityJson(i) => {
            let e = ctx.entity(i);
            (file_of(&e.path, d), export::entity_json(e, ctx.config()))
        }
        DataFile::OverviewCsv | DataFile::OverviewJson => {
            let site = ctx.all_statistics();
            let text = match d {
                DataFile::OverviewCsv => export::overview_csv(site),
                _ => export::overview_json(site),
            };
            (file_of(&SitePath::dir(["stats"]), d), text)
        }
    };
    (path, text.into_bytes())
}

#[derive(Serialize)]
pub struct ChartView {
    pub key: String,
    pub label: String,
    pub svg: String,
}

/// One chart per metric the entity has, across its years.
pub fn entity_charts(e: &Entity, config: &crate::config::Config) -> Vec<ChartView> {
    config
        .metrics
        .iter()
        .filter_map(|m| {
            let points = series(e, &m.key);
            if points.is_empty() {
                return None;
            }
            let title = format!("{} {}", e.name, m.label);
            let chart = Chart {
                title: &title,
                unit: &m.unit,
                kind: m.chart,
                points: &points,
            };
            Some(ChartView {
                key: m.key.to_string(),
                label: m.label.clone(),
                svg: svg(&chart, &format!("chart-{}", m.key)),
            })
        })
        .collect()
}

#[derive(Serialize)]
struct Group {
    name: String,
    count: usize,
    path: Option<SitePath>,
    entities: Vec<EntityCard>,
}

#[derive(Serialize)]
struct TotalView {
    year: u16,
    total: String,
    count: usize,
    change: String,
}

#[derive(Serialize)]
struct KindTotals {
    kind: &'static str,
    label: &'static str,
    path: SitePath,
    rows: Vec<TotalView>,
}

#[derive(Serialize)]
struct Breakdown {
    name: String,
    value: String,
    towns: Vec<EntityCard>,
}

#[derive(Serialize)]
struct MetricView {
    key: String,
    label: String,
    unit: String,
    kinds: Vec<KindTotals>,
    chart: Option<String>,
    year: Option<u16>,
    by_county: Vec<Breakdown>,
    by_level: Vec<Breakdown>,
}

fn change_text(pct: Option<f64>) -> String {
    match pct {
        Some(p) if p > 0.0 => format!("+{}%", format_number(p)),
        Some(p) => format!("{}%", format_number(p)),
        None => String::new(),
    }
}

fn metric_view(site: &Site, m: &Metric) -> Option<MetricView> {
    let mut kinds = Vec::new();
    let mut chart = None;
    for kind in EntityKind::ALL {
        let rows = totals_by_year(&site.entities, &Selection::kind(kind), &m.key);
        if rows.is_empty() {
            continue;
        }
        if chart.is_none() {
            let points: Vec<Point> = rows
                .iter()
                .map(|r| Point {
                    label: r.year.to_string(),
                    value: r.total,
                })
                .collect();
            let title = format!("{}{}合计", kind.label(), m.label);
            let c = Chart {
                title: &title,
                unit: &m.unit,
                kind: m.chart,
                points: &points,
            };
            chart = Some(svg(&c, &format!("overview-{}", m.key)));
        }
        kinds.push(KindTotals {
            kind: kind.as_str(),
            label: kind.label(),
            path: SitePath::dir([kind.dir()]),
            rows: rows
                .into_iter()
                .map(|r| TotalView {
                    year: r.year,
                    total: format_number(r.total),
                    count: r.count,
                    change: change_text(r.change_pct),
                })
                .collect(),
        });
    }
    if kinds.is_empty() {
        return None;
    }
    // Breakdowns of the towns' latest year with this metric.
    let latest: Option<Year> = site
        .entities
        .of_kind(EntityKind::Town)
        .flat_map(|(_, e)| {
            e.stats
                .0
                .iter()
                .filter(|(_, r)| r.contains_key(&m.key))
                .map(|(y, _)| *y)
        })
        .max();
    let (by_county, by_level) = match latest {
        None => (Vec::new(), Vec::new()),
        Some(y) => {
            let cards = |idx: &[usize]| {
                idx.iter()
                    .map(|i| entity_card(&site.entities.all[*i]))
                    .collect()
            };
            let county = towns_by(&site.entities, &m.key, y, county_of)
                .into_iter()
                .map(|(k, (v, idx))| Breakdown {
                    name: k,
                    value: format_number(v),
                    towns: cards(&idx),
                })
                .collect();
            let level = towns_by(&site.entities, &m.key, y, level_of)
                .into_iter()
                .map(|(k, (v, idx))| Breakdown {
                    name: k.label().to_owned(),
                    value: format_number(v),
                    towns: cards(&idx),
                })
                .collect();
            (county, level)
        }
    };
    Some(MetricView {
        key: m.key.to_string(),
        label: m.label.clone(),
        unit: m.unit.clone(),
        kinds,
        chart,
        year: latest.map(Year::get),
        by_county,
        by_level,
    })
}

/// The `stats/` overview page.
pub fn overview(ctx: &Ctx) -> Page {
    let path = SitePath::dir(["stats"]);
    let mut c = ctx.page(&path, "stats");
    overview_context(ctx, &mut c);
    c.insert("title", &ctx.t("stats"));
    Page {
        path,
        template: "stats.html",
        context: c,
    }
}

/// Everything the overview template shows (also in the yearbook).
pub fn overview_context(ctx: &Ctx, c: &mut Context) {
    let site = ctx.all_statistics();
    let ctx = c;
    let ents = &site.entities;
    let towns_where = |f: &dyn Fn(&Entity) -> bool| -> Vec<EntityCard> {
        ents.of_kind(EntityKind::Town)
            .filter(|(_, e)| f(e))
            .map(|(_, e)| entity_card(e))
            .collect()
    };
    let levels: Vec<Group> = Level::ALL
        .iter()
        .map(|l| {
            let list = towns_where(&|e| level_of(e) == Some(*l));
            Group {
                name: l.label().to_owned(),
                count: list.len(),
                path: None,
                entities: list,
            }
        })
        .collect();
    let mut since_years: Vec<Year> = ents
        .of_kind(EntityKind::Town)
        .filter_map(|(_, e)| match &e.detail {
            Detail::Town { since, .. } => *since,
            _ => None,
        })
        .collect();
    since_years.sort();
    since_years.dedup();
    let by_since: Vec<Group> = since_years
        .iter()
        .map(|y| {
            let list = towns_where(
                &|e| matches!(&e.detail, Detail::Town { since: Some(s), .. } if s == y),
            );
            Group {
                name: y.to_string(),
                count: list.len(),
                path: None,
                entities: list,
            }
        })
        .collect();
    let mut alliance_kinds: Vec<String> = ents
        .of_kind(EntityKind::Alliance)
        .filter_map(|(_, e)| match &e.detail {
            Detail::Alliance { kind, .. } => Some(kind.clone()),
            _ => None,
        })
        .collect();
    alliance_kinds.sort();
    alliance_kinds.dedup();
    let alliances: Vec<Group> = alliance_kinds
        .into_iter()
        .map(|k| {
            let list: Vec<EntityCard> = ents
                .of_kind(EntityKind::Alliance)
                .filter(|(_, e)| matches!(&e.detail, Detail::Alliance { kind, .. } if *kind == k))
                .map(|(_, e)| entity_card(e))
                .collect();
            Group {
                name: k,
                count: list.len(),
                path: None,
                entities: list,
            }
        })
        .collect();
    let belts: Vec<EntityCard> = ents
        .of_kind(EntityKind::Belt)
        .map(|(_, e)| entity_card(e))
        .collect();
    let metrics: Vec<MetricView> = site
        .config
        .metrics
        .iter()
        .filter_map(|m| metric_view(site, m))
        .collect();
    ctx.insert("town_count", &ents.of_kind(EntityKind::Town).count());
    ctx.insert("levels", &levels);
    ctx.insert("by_since", &by_since);
    ctx.insert("belts", &belts);
    ctx.insert("alliance_kinds", &alliances);
    ctx.insert(
        "alliance_count",
        &ents.of_kind(EntityKind::Alliance).count(),
    );
    ctx.insert("metrics", &metrics);
}

//! The statistics overview (`stats/`, and the statistics of the yearbook):
//! a headline of the latest figures, counts of towns, belts and alliances,
//! and every metric combined per kind and year, compared on a comparable
//! basis, with a chart and the towns' breakdowns.

use serde::Serialize;
use tera::Context;

use crate::base::ids::{EntityKind, SitePath, Year};
use crate::base::num::format_number;
use crate::config::{Combine, Metric};
use crate::model::Site;
use crate::model::entities::{Detail, Entity, Level};
use crate::render::context::Ctx;
use crate::render::views::{EntityCard, entity_card};
use crate::stats::aggregate::{Selection, county_of, level_of, towns_by};
use crate::stats::chart::{Chart, Point, svg};
use crate::stats::combine::{Change, Comparison, YearFigure, by_year, combine_points};

/// A group of entities with how many there are (数量).
#[derive(Serialize)]
struct Group {
    name: String,
    count: usize,
    entities: Vec<EntityCard>,
}

/// One year of a metric over one kind.
#[derive(Serialize)]
struct Row {
    year: u16,
    /// The combined figure, formatted.
    value: String,
    /// How many entities reported it (填报数).
    reported: usize,
    /// The comparable change, formatted (`+3.2%`, `+1.5 个百分点`, `—`).
    change: String,
    /// `7 个可比` (entities that reported in both years).
    comparable: String,
    /// The entities reporting differ from the year before.
    coverage_changed: bool,
}

#[derive(Serialize)]
struct KindFigures {
    kind: &'static str,
    label: &'static str,
    path: SitePath,
    rows: Vec<Row>,
}

/// One line of a town breakdown (by county or level) in the latest year.
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
    /// `合计`, `平均`, or `加权平均（按在校学生）`.
    method: String,
    kinds: Vec<KindFigures>,
    chart: Option<ChartFigure>,
    year: Option<u16>,
    by_county: Vec<Breakdown>,
    by_level: Vec<Breakdown>,
}

/// A chart with the caption shown above it.
#[derive(Serialize)]
struct ChartFigure {
    caption: String,
    svg: String,
    /// Why some bars are hatched, when some are.
    note: Option<String>,
}

/// A figure of the headline block.
#[derive(Serialize)]
struct Headline {
    key: String,
    label: String,
    kind: &'static str,
    year: u16,
    method: String,
    value: String,
    unit: String,
    change: String,
    comparable: String,
}

/// The note on a chart whose hatched years' coverage changed.
const COVERAGE_NOTE: &str =
    "斜线表示这一年填报的对象与上一年不同，两年的数值不能直接比较（表中同比只算两年都填报的对象）";

/// Inserts everything the overview shows into `c`. `only` limits the
/// figures to one year, each still compared with the year before (the
/// yearbook of an archive).
pub fn insert(ctx: &Ctx, c: &mut Context, only: Option<Year>) {
    let site = ctx.all_statistics();
    counts(site, c);
    let metrics: Vec<MetricView> = site
        .config
        .metrics
        .iter()
        .filter_map(|m| metric_view(site, m, only))
        .collect();
    c.insert("headline", &headline(&metrics));
    c.insert("metrics", &metrics);
}

/// Towns by level and by year designated, belts, alliances by kind.
fn counts(site: &Site, c: &mut Context) {
    let ents = &site.entities;
    let group = |name: String, list: Vec<EntityCard>| Group {
        name,
        count: list.len(),
        entities: list,
    };
    let cards = |kind, f: &dyn Fn(&Entity) -> bool| -> Vec<EntityCard> {
        ents.of_kind(kind)
            .filter(|(_, e)| f(e))
            .map(|(_, e)| entity_card(e))
            .collect()
    };
    let levels: Vec<Group> = Level::ALL
        .iter()
        .map(|l| {
            let list = cards(EntityKind::Town, &|e| level_of(e) == Some(*l));
            group(l.label().to_owned(), list)
        })
        .collect();
    let since = |e: &Entity| match &e.detail {
        Detail::Town { since, .. } => *since,
        _ => None,
    };
    let mut years: Vec<Year> = ents
        .of_kind(EntityKind::Town)
        .filter_map(|(_, e)| since(e))
        .collect();
    years.sort();
    years.dedup();
    let by_since: Vec<Group> = years
        .iter()
        .map(|y| {
            group(
                y.to_string(),
                cards(EntityKind::Town, &|e| since(e) == Some(*y)),
            )
        })
        .collect();
    let kind_of = |e: &Entity| match &e.detail {
        Detail::Alliance { kind, .. } => Some(kind.clone()),
        _ => None,
    };
    let mut kinds: Vec<String> = ents
        .of_kind(EntityKind::Alliance)
        .filter_map(|(_, e)| kind_of(e))
        .collect();
    kinds.sort();
    kinds.dedup();
    let alliances: Vec<Group> = kinds
        .into_iter()
        .map(|k| {
            let list = cards(EntityKind::Alliance, &|e| kind_of(e).as_ref() == Some(&k));
            group(k, list)
        })
        .collect();
    c.insert("town_count", &ents.of_kind(EntityKind::Town).count());
    c.insert("levels", &levels);
    c.insert("by_since", &by_since);
    c.insert("belts", &cards(EntityKind::Belt, &|_| true));
    c.insert("alliance_kinds", &alliances);
    c.insert(
        "alliance_count",
        &ents.of_kind(EntityKind::Alliance).count(),
    );
}

/// How a metric's combined figure is called: `合计`, `平均`, `加权平均（按在校学生）`.
fn method(site: &Site, m: &Metric) -> String {
    match &m.combine {
        Combine::Weighted(w) => {
            let by = site
                .config
                .metric(w.as_str())
                .map_or(w.as_str(), |w| &w.label);
            format!("加权平均（按{by}）")
        }
        other => other.label().to_owned(),
    }
}

/// `+3.2%`, `-1.5 个百分点`, or `—` when there is no comparable change.
pub fn change_text(c: Option<&Comparison>) -> String {
    let sign = |v: f64| if v > 0.0 { "+" } else { "" };
    match c.and_then(|c| c.change.as_ref()) {
        Some(Change::Percent(p)) => format!("{}{}%", sign(*p), format_number(*p)),
        Some(Change::Points(p)) => format!("{}{} 个百分点", sign(*p), format_number(*p)),
        None => "—".to_owned(),
    }
}

fn row(f: &YearFigure) -> Row {
    let cmp = f.versus_previous.as_ref();
    Row {
        year: f.year,
        value: format_number(f.combined.value),
        reported: f.combined.count,
        change: change_text(cmp),
        comparable: cmp.map_or(String::new(), |c| format!("{} 个可比", c.comparable)),
        coverage_changed: cmp.is_some_and(|c| c.coverage_changed),
    }
}

fn metric_view(site: &Site, m: &Metric, only: Option<Year>) -> Option<MetricView> {
    if m.combine == Combine::None {
        return None;
    }
    let mut kinds = Vec::new();
    let mut chart = None;
    for kind in EntityKind::ALL {
        let mut figures = by_year(&site.entities, &Selection::kind(kind), m);
        figures.retain(|f| only.is_none_or(|y| f.year == y.get()));
        if figures.is_empty() {
            continue;
        }
        if chart.is_none() {
            chart = chart_of(site, m, kind, &figures);
        }
        kinds.push(KindFigures {
            kind: kind.as_str(),
            label: kind.label(),
            path: SitePath::dir([kind.dir()]),
            rows: figures.iter().map(row).collect(),
        });
    }
    if kinds.is_empty() {
        return None;
    }
    let latest = latest_town_year(site, m, only);
    let (by_county, by_level) = latest.map_or((Vec::new(), Vec::new()), |y| breakdowns(site, m, y));
    Some(MetricView {
        key: m.key.to_string(),
        label: m.label.clone(),
        unit: m.unit.clone(),
        method: method(site, m),
        kinds,
        chart,
        year: latest.map(Year::get),
        by_county,
        by_level,
    })
}

/// A chart of a kind's figures over the years; none for a single year (the
/// table says it all). Years whose coverage changed are hatched.
fn chart_of(
    site: &Site,
    m: &Metric,
    kind: EntityKind,
    figures: &[YearFigure],
) -> Option<ChartFigure> {
    if figures.len() < 2 {
        return None;
    }
    let points: Vec<Point> = figures
        .iter()
        .map(|f| Point {
            marked: f
                .versus_previous
                .as_ref()
                .is_some_and(|c| c.coverage_changed),
            ..Point::new(f.year.to_string(), f.combined.value)
        })
        .collect();
    let note = points.iter().any(|p| p.marked).then_some(COVERAGE_NOTE);
    let unit = if m.unit.is_empty() {
        String::new()
    } else {
        format!("（{}）", m.unit)
    };
    let caption = format!("{}{}{unit} · {}", kind.label(), m.label, method(site, m));
    let title = caption.clone();
    let svg = svg(
        &Chart {
            title: &title,
            unit: &m.unit,
            kind: m.chart,
            points: &points,
            note,
        },
        &format!("overview-{}", m.key),
    );
    Some(ChartFigure {
        caption,
        svg,
        note: note.map(str::to_owned),
    })
}

/// The latest year any town has `m` for (up to `until`).
fn latest_town_year(site: &Site, m: &Metric, until: Option<Year>) -> Option<Year> {
    site.entities
        .of_kind(EntityKind::Town)
        .flat_map(|(_, e)| {
            e.stats
                .years()
                .filter(|y| e.stats.get(*y, &m.key).is_some())
        })
        .filter(|y| until.is_none_or(|u| *y <= u))
        .max()
}

/// The towns' figures of year `y` combined by county and by level.
fn breakdowns(site: &Site, m: &Metric, y: Year) -> (Vec<Breakdown>, Vec<Breakdown>) {
    let ents = &site.entities;
    let line = |name: String, idx: &[usize]| {
        let points: Vec<(f64, f64)> = idx
            .iter()
            .filter_map(|i| {
                let e = &ents.all[*i];
                let v = e.stats.get(y, &m.key)?;
                match &m.combine {
                    Combine::Weighted(w) => Some((v, e.stats.get(y, w)?)),
                    _ => Some((v, 1.0)),
                }
            })
            .collect();
        Breakdown {
            name,
            value: combine_points(m, &points).map_or("—".to_owned(), |c| format_number(c.value)),
            towns: idx.iter().map(|i| entity_card(&ents.all[*i])).collect(),
        }
    };
    let county = towns_by(ents, county_of)
        .into_iter()
        .map(|(k, idx)| line(k, &idx))
        .collect();
    let level = towns_by(ents, level_of)
        .into_iter()
        .map(|(k, idx)| line(k.label().to_owned(), &idx))
        .collect();
    (county, level)
}

/// The latest year's figure of each metric (its first kind with figures),
/// with its comparable change.
fn headline(metrics: &[MetricView]) -> Vec<Headline> {
    metrics
        .iter()
        .filter_map(|m| {
            let k = m.kinds.first()?;
            let r = k.rows.last()?;
            Some(Headline {
                key: m.key.clone(),
                label: m.label.clone(),
                kind: k.label,
                year: r.year,
                method: m.method.clone(),
                value: r.value.clone(),
                unit: m.unit.clone(),
                change: r.change.clone(),
                comparable: r.comparable.clone(),
            })
        })
        .collect()
}

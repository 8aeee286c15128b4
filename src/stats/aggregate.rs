//! Sums over entities: what the overview page and the aggregate calls show.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::base::ids::{EntityKind, MetricKey, Year};
use crate::model::entities::{Detail, Entities, Entity, Level};
use crate::stats::chart::Point;

/// Which entities a sum runs over.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Selection {
    pub kind: Option<EntityKind>,
    pub level: Option<Level>,
    pub county: Option<String>,
    /// Alliance kind (名校+ …).
    pub alliance_kind: Option<String>,
}

impl Selection {
    pub fn kind(kind: EntityKind) -> Selection {
        Selection {
            kind: Some(kind),
            ..Default::default()
        }
    }

    pub fn matches(&self, e: &Entity) -> bool {
        if self.kind.is_some_and(|k| k != e.kind) {
            return false;
        }
        match &e.detail {
            Detail::Town { level, county, .. } => {
                self.level.is_none_or(|l| l == *level)
                    && self.county.as_ref().is_none_or(|c| c == county)
                    && self.alliance_kind.is_none()
            }
            Detail::Alliance { kind, .. } => {
                self.level.is_none()
                    && self.county.is_none()
                    && self.alliance_kind.as_ref().is_none_or(|k| k == kind)
            }
            Detail::Belt { .. } => {
                self.level.is_none() && self.county.is_none() && self.alliance_kind.is_none()
            }
        }
    }
}

/// The selected entities, in table order (by id within kind).
pub fn select<'a>(
    entities: &'a Entities,
    sel: &'a Selection,
) -> impl Iterator<Item = (usize, &'a Entity)> + 'a {
    entities
        .all
        .iter()
        .enumerate()
        .filter(move |(_, e)| sel.matches(e))
}

/// Sum of `metric` in `year` over the selection, and how many entities reported it.
pub fn total(entities: &Entities, sel: &Selection, metric: &MetricKey, year: Year) -> (f64, usize) {
    select(entities, sel)
        .filter_map(|(_, e)| e.stats.get(year, metric))
        .fold((0.0, 0), |(s, n), v| (s + v, n + 1))
}

/// Every year any selected entity has `metric` for, ascending.
pub fn years_of(entities: &Entities, sel: &Selection, metric: &MetricKey) -> Vec<Year> {
    let mut ys: Vec<Year> = select(entities, sel)
        .flat_map(|(_, e)| {
            e.stats
                .0
                .iter()
                .filter(|(_, row)| row.contains_key(metric))
                .map(|(y, _)| *y)
        })
        .collect();
    ys.sort();
    ys.dedup();
    ys
}

/// One row of a totals table: a year's sum and its change from the year before.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TotalRow {
    pub year: u16,
    pub total: f64,
    pub count: usize,
    /// Percent change from the previous listed year, when that year is the one before.
    pub change_pct: Option<f64>,
}

pub fn totals_by_year(entities: &Entities, sel: &Selection, metric: &MetricKey) -> Vec<TotalRow> {
    let mut rows: Vec<TotalRow> = Vec::new();
    for y in years_of(entities, sel, metric) {
        let (total, count) = total(entities, sel, metric, y);
        let change_pct = rows
            .last()
            .filter(|p| p.year + 1 == y.get() && p.total != 0.0)
            .map(|p| (total - p.total) / p.total * 100.0);
        rows.push(TotalRow {
            year: y.get(),
            total,
            count,
            change_pct,
        });
    }
    rows
}

/// Towns grouped by a key (county or level): key → (sum in `year`, town indexes).
pub fn towns_by<K: Ord>(
    entities: &Entities,
    metric: &MetricKey,
    year: Year,
    key: impl Fn(&Entity) -> Option<K>,
) -> BTreeMap<K, (f64, Vec<usize>)> {
    let mut out: BTreeMap<K, (f64, Vec<usize>)> = BTreeMap::new();
    for (i, e) in entities.of_kind(EntityKind::Town) {
        let Some(k) = key(e) else { continue };
        let slot = out.entry(k).or_default();
        slot.1.push(i);
        if let Some(v) = e.stats.get(year, metric) {
            slot.0 += v;
        }
    }
    out
}

pub fn level_of(e: &Entity) -> Option<Level> {
    match &e.detail {
        Detail::Town { level, .. } => Some(*level),
        _ => None,
    }
}

pub fn county_of(e: &Entity) -> Option<String> {
    match &e.detail {
        Detail::Town { county, .. } if !county.is_empty() => Some(county.clone()),
        Detail::Town { .. } => Some("（未填县区）".to_owned()),
        _ => None,
    }
}

/// One entity's values of `metric` over its years, as chart points.
pub fn series(e: &Entity, metric: &MetricKey) -> Vec<Point> {
    e.stats
        .0
        .iter()
        .filter_map(|(y, row)| {
            row.get(metric).map(|v| Point {
                label: y.to_string(),
                value: *v,
            })
        })
        .collect()
}

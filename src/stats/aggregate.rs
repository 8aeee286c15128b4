//! Which entities a figure is about: selections, groupings, series.

use std::collections::BTreeMap;

use crate::base::ids::{EntityKind, MetricKey};
use crate::model::entities::{Detail, Entities, Entity, Level};
use crate::stats::chart::Point;

/// Which entities a combined figure runs over.
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

/// The towns grouped by a key (county or level): key → town indexes.
pub fn towns_by<K: Ord>(
    entities: &Entities,
    key: impl Fn(&Entity) -> Option<K>,
) -> BTreeMap<K, Vec<usize>> {
    let mut out: BTreeMap<K, Vec<usize>> = BTreeMap::new();
    for (i, e) in entities.of_kind(EntityKind::Town) {
        if let Some(k) = key(e) {
            out.entry(k).or_default().push(i);
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
        .filter_map(|(y, row)| row.get(metric).map(|v| Point::new(y.to_string(), *v)))
        .collect()
}

//! Combining a metric over several entities, and comparing years on a
//! comparable basis (同口径), as a statistics office does.
//!
//! - A metric combines as its declaration says ([`Combine`]): counts and
//!   amounts add up (合计), rates are averaged (平均), weighted by another
//!   metric where one is named (加权平均). A rate is never summed.
//! - The change over a year is computed only over the entities that reported
//!   the metric (and its weight) in both years. A rate's change is in
//!   percentage points (百分点), anything else's in percent. The set of
//!   entities that reported each year is kept beside the figure, so a page
//!   can say "8 个中 1 个可比" and never show a growth figure that mixes a
//!   change of coverage with a change of the numbers.

use serde::Serialize;

use crate::base::ids::{MetricKey, Year};
use crate::config::{Combine, Metric};
use crate::model::entities::{Entities, Entity};
use crate::stats::aggregate::{Selection, select};

/// A metric combined over a set of entities in one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Combined {
    pub value: f64,
    /// How many entities' values went into it.
    pub count: usize,
}

/// The value of `metric` for `e` in `year`, with its weight if the metric
/// is weighted (`None` if either is missing: such an entity cannot count).
fn point(e: &Entity, metric: &Metric, year: Year) -> Option<(f64, f64)> {
    let v = e.stats.get(year, &metric.key)?;
    match &metric.combine {
        Combine::Weighted(w) => Some((v, e.stats.get(year, w)?)),
        _ => Some((v, 1.0)),
    }
}

/// Combines `(value, weight)` pairs as `metric` says; `None` for a metric
/// that is never combined, or nothing to combine.
pub fn combine_points(metric: &Metric, points: &[(f64, f64)]) -> Option<Combined> {
    if points.is_empty() {
        return None;
    }
    let count = points.len();
    let value = match metric.combine {
        Combine::None => return None,
        Combine::Sum => points.iter().map(|(v, _)| v).sum(),
        Combine::Mean => points.iter().map(|(v, _)| v).sum::<f64>() / count as f64,
        Combine::Weighted(_) => {
            let weight: f64 = points.iter().map(|(_, w)| w).sum();
            if weight <= 0.0 {
                return None;
            }
            points.iter().map(|(v, w)| v * w).sum::<f64>() / weight
        }
    };
    Some(Combined { value, count })
}

/// `metric` combined over the entities `sel` picks, in `year`.
pub fn combine(
    entities: &Entities,
    sel: &Selection,
    metric: &Metric,
    year: Year,
) -> Option<Combined> {
    let points: Vec<(f64, f64)> = select(entities, sel)
        .filter_map(|(_, e)| point(e, metric, year))
        .collect();
    combine_points(metric, &points)
}

/// How a figure moved from the year before, over the comparable entities.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "unit", content = "value", rename_all = "lowercase")]
pub enum Change {
    /// Percent change (counts, amounts, averages).
    Percent(f64),
    /// Percentage-point change (a rate).
    Points(f64),
}

/// The comparison of a year with the year before.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Entities that reported in both years.
    pub comparable: usize,
    /// The change over those entities (`None`: from zero, or none comparable).
    pub change: Option<Change>,
    /// The set of reporting entities differs between the two years: the
    /// year's own figure is not comparable with the year before's.
    pub coverage_changed: bool,
}

/// One year of a metric over a selection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearFigure {
    pub year: u16,
    pub combined: Combined,
    /// Against the year before, when that year has figures too.
    pub versus_previous: Option<Comparison>,
}

/// Every year of `metric` over the selection, oldest first, each compared
/// with the year before on a comparable basis.
pub fn by_year(entities: &Entities, sel: &Selection, metric: &Metric) -> Vec<YearFigure> {
    let members: Vec<&Entity> = select(entities, sel).map(|(_, e)| e).collect();
    let mut years: Vec<Year> = members
        .iter()
        .flat_map(|e| e.stats.years().filter(|y| point(e, metric, *y).is_some()))
        .collect();
    years.sort();
    years.dedup();
    let mut out: Vec<YearFigure> = Vec::new();
    for y in years {
        let points: Vec<(f64, f64)> = members.iter().filter_map(|e| point(e, metric, y)).collect();
        let Some(combined) = combine_points(metric, &points) else {
            continue;
        };
        let versus_previous = out
            .last()
            .filter(|p| p.year + 1 == y.get())
            .and_then(|_| Year::new(i64::from(y.get()) - 1).ok())
            .map(|prev| compare(&members, metric, prev, y));
        out.push(YearFigure {
            year: y.get(),
            combined,
            versus_previous,
        });
    }
    out
}

/// `year` against `prev` over the entities that reported in both.
fn compare(members: &[&Entity], metric: &Metric, prev: Year, year: Year) -> Comparison {
    let (mut before, mut now) = (Vec::new(), Vec::new());
    let (mut in_prev, mut in_year) = (0, 0);
    for e in members {
        let (a, b) = (point(e, metric, prev), point(e, metric, year));
        in_prev += usize::from(a.is_some());
        in_year += usize::from(b.is_some());
        if let (Some(a), Some(b)) = (a, b) {
            before.push(a);
            now.push(b);
        }
    }
    let change = match (
        combine_points(metric, &before),
        combine_points(metric, &now),
    ) {
        (Some(a), Some(b)) if is_rate(metric) => Some(Change::Points(b.value - a.value)),
        (Some(a), Some(b)) if a.value != 0.0 => {
            Some(Change::Percent((b.value - a.value) / a.value.abs() * 100.0))
        }
        _ => None,
    };
    Comparison {
        comparable: before.len(),
        change,
        coverage_changed: in_prev != before.len() || in_year != before.len(),
    }
}

/// Whether a metric's changes are in percentage points.
pub fn is_rate(metric: &Metric) -> bool {
    crate::config::metrics::is_rate_unit(&metric.unit)
}

/// The metric a weighted mean is weighted by, if any.
pub fn weight_of(metric: &Metric) -> Option<&MetricKey> {
    match &metric.combine {
        Combine::Weighted(w) => Some(w),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ChartKind;

    fn metric(unit: &str, combine: Combine) -> Metric {
        Metric {
            key: MetricKey::new("m"),
            label: "指标".into(),
            unit: unit.into(),
            chart: ChartKind::Bar,
            combine,
        }
    }

    #[test]
    fn rates_are_averaged_and_weighted_never_summed() {
        let pts = [(90.0, 100.0), (80.0, 300.0)];
        let mean = combine_points(&metric("%", Combine::Mean), &pts).unwrap();
        assert_eq!(mean.value, 85.0);
        let w = combine_points(
            &metric("%", Combine::Weighted(MetricKey::new("pupils"))),
            &pts,
        );
        assert_eq!(w.unwrap().value, 82.5);
        let sum = combine_points(&metric("名", Combine::Sum), &pts).unwrap();
        assert_eq!((sum.value, sum.count), (170.0, 2));
        assert!(combine_points(&metric("", Combine::None), &pts).is_none());
        assert!(combine_points(&metric("%", Combine::Mean), &[]).is_none());
    }
}

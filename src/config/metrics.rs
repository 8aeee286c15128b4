//! The statistics metrics declared in `site.yaml`: label, unit, chart, and
//! how values of several towns (or years) combine.
//!
//! Counts and amounts add up; rates and averages do not. A metric whose unit
//! is `%` or `‰` is averaged unless `aggregate:` says otherwise, and
//! `weight: <metric>` makes it a weighted average (an enrolment rate
//! weighted by pupils); `aggregate: none` is never combined. Summing a
//! percentage is refused: a total of 734.8% is never shown.

use serde::{Deserialize, Serialize};

use crate::base::ids::MetricKey;
use crate::diag::{Diagnostic, Diagnostics, closest};
use crate::read::yaml::{LineOffset, OrderedMap, Spanned, pos_of};

/// Chart style for a metric (used by the statistics pages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ChartKind {
    #[default]
    Bar,
    Line,
}

#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    pub key: MetricKey,
    pub label: String,
    pub unit: String,
    pub chart: ChartKind,
    /// How values of several entities combine.
    pub combine: Combine,
}

/// How a metric's values over several entities combine into one figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "method", content = "weight", rename_all = "lowercase")]
pub enum Combine {
    /// Counts and amounts: added up (合计).
    Sum,
    /// Rates and averages: the plain mean (平均).
    Mean,
    /// The mean weighted by another metric's values (加权平均).
    Weighted(MetricKey),
    /// Never combined (a rank, a ratio with no meaningful mean).
    None,
}

impl Combine {
    /// What the combined figure is called next to it.
    pub fn label(&self) -> &'static str {
        match self {
            Combine::Sum => "合计",
            Combine::Mean => "平均",
            Combine::Weighted(_) => "加权平均",
            Combine::None => "不汇总",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetric {
    label: String,
    #[serde(default)]
    unit: String,
    #[serde(default)]
    chart: ChartKind,
    /// `sum`, `mean` or `none` (or 合计, 平均, 不汇总).
    aggregate: Option<Spanned<String>>,
    /// The metric a mean is weighted by.
    weight: Option<Spanned<String>>,
}

impl Metric {
    /// The label with its unit, as tables, downloads and spreadsheets head
    /// a column: `教师数（名）` (just the label when there is no unit).
    pub fn heading(&self) -> String {
        if self.unit.is_empty() {
            self.label.clone()
        } else {
            format!("{}（{}）", self.label, self.unit)
        }
    }
}

/// Whether a unit is a rate: `%` or `‰` (full-width forms too).
pub fn is_rate_unit(unit: &str) -> bool {
    matches!(unit.trim(), "%" | "％" | "‰" | "百分比" | "百分点")
}

/// The checked metrics, in declaration order; every problem in `diags`.
pub fn parse(
    raw: OrderedMap<Spanned<String>, RawMetric>,
    file: &std::path::Path,
    src: &str,
    diags: &mut Diagnostics,
) -> Vec<Metric> {
    let at = |s: &Spanned<String>| pos_of(s, LineOffset(0));
    let mut metrics: Vec<Metric> = Vec::new();
    let mut weights: Vec<(usize, Spanned<String>)> = Vec::new();
    for (key, m) in raw.0 {
        let valid = !key.value.is_empty()
            && key
                .value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            diags.push(
                Diagnostic::error(file, format!("指标名 `{}` 无效", key.value))
                    .at(src, at(&key))
                    .with_hint("指标名只能用小写字母、数字和下划线，例如 teachers、open_lessons"),
            );
            continue;
        }
        if metrics.iter().any(|x| x.key.as_str() == key.value) {
            diags.push(
                Diagnostic::error(file, format!("指标 `{}` 重复定义", key.value)).at(src, at(&key)),
            );
            continue;
        }
        let rate = is_rate_unit(&m.unit);
        let combine = match m.aggregate.as_ref().map(|a| (a, a.value.trim())) {
            None if rate => Combine::Mean,
            None => Combine::Sum,
            Some((_, "sum" | "合计" | "求和")) if rate => {
                let a = m.aggregate.as_ref().map(at).unwrap_or_default();
                diags.push(
                    Diagnostic::error(file, format!("指标 `{}` 的单位是百分比，不能相加", key.value))
                        .at(src, a)
                        .with_hint("比率应求平均：删掉 `aggregate: sum`；有基数时写 `weight: 基数指标`，例如按在校学生加权"),
                );
                Combine::Mean
            }
            Some((_, "sum" | "合计" | "求和")) => Combine::Sum,
            Some((_, "mean" | "average" | "平均")) => Combine::Mean,
            Some((_, "none" | "不汇总")) => Combine::None,
            Some((a, other)) => {
                diags.push(
                    Diagnostic::error(file, format!("aggregate `{other}` 无效"))
                        .at(src, at(a))
                        .with_hint("aggregate 写 sum（合计）、mean（平均）或 none（不汇总）"),
                );
                Combine::Sum
            }
        };
        if let Some(w) = m.weight {
            weights.push((metrics.len(), w));
        }
        metrics.push(Metric {
            key: MetricKey::new(&key.value),
            label: m.label,
            unit: m.unit,
            chart: m.chart,
            combine,
        });
    }
    for (i, w) in weights {
        let found = metrics
            .iter()
            .position(|m| m.key.as_str() == w.value.trim());
        let problem = match found.map(|j| (&metrics[j].combine, &metrics[i].combine)) {
            None => Some(
                match closest(w.value.trim(), metrics.iter().map(|m| m.key.as_str())) {
                    Some(c) => (
                        format!("weight `{}` 不是已声明的指标", w.value),
                        format!("是不是 `{c}`？"),
                    ),
                    None => (
                        format!("weight `{}` 不是已声明的指标", w.value),
                        "weight 填一个可相加的指标，例如 students".to_owned(),
                    ),
                },
            ),
            Some((Combine::Sum, Combine::Mean)) => None,
            Some((_, Combine::Mean)) => Some((
                format!("weight `{}` 本身不是可相加的指标", w.value),
                "权重要用人数、学校数这类可以相加的指标".to_owned(),
            )),
            Some(_) => Some((
                format!("指标 `{}` 不求平均，不能加权", metrics[i].key),
                "weight 只用于求平均的指标（单位为 % 或写了 aggregate: mean）".to_owned(),
            )),
        };
        match problem {
            None => metrics[i].combine = Combine::Weighted(MetricKey::new(w.value.trim())),
            Some((msg, hint)) => {
                diags.push(Diagnostic::error(file, msg).at(src, at(&w)).with_hint(hint))
            }
        }
    }
    metrics
}

//! Downloads: the numbers as CSV (for Excel) and JSON (for programs).
//!
//! CSV is UTF-8 with a byte-order mark, so Excel on Chinese Windows opens it
//! as UTF-8 instead of guessing GBK; CRLF line ends (RFC 4180); labels and
//! units in the header; raw numbers (no thousands separators) in the cells.
//! Every CSV row names its entity (type, ID, name), so a download opened in
//! Excel, edited and saved into `content/stats/` is read back as it is.

use serde_json::{Map, Value, json};

use crate::base::ids::EntityKind;
use crate::config::{Config, Metric};
use crate::model::Site;
use crate::model::entities::Entity;
use crate::stats::aggregate::Selection;
use crate::stats::combine::by_year;

const BOM: &str = "\u{feff}";

/// A text cell. Text that a spreadsheet would run as a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return: OWASP's CSV
/// injection list) gets a leading `'`, which Excel and LibreOffice show as
/// text and do not display. Numbers never pass through here, so a real
/// negative number stays a number.
fn cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// The metrics an entity has any value for, in declaration order.
fn used_metrics<'a>(e: &Entity, config: &'a Config) -> Vec<&'a Metric> {
    config
        .metrics
        .iter()
        .filter(|m| e.stats.0.values().any(|r| r.contains_key(&m.key)))
        .collect()
}

/// The header: who (type, ID, name), the year, then the metrics with their units.
fn csv_header(metrics: &[&Metric]) -> String {
    let mut s = String::from(BOM);
    s.push_str("类型,ID,名称,年份");
    for m in metrics {
        s.push(',');
        s.push_str(&cell(&m.heading()));
    }
    s.push_str("\r\n");
    s
}

/// An entity's rows: one per year. Every row says whose it is, so a
/// download edited in Excel reads back from `content/stats/` as it is.
fn csv_rows(s: &mut String, e: &Entity, metrics: &[&Metric]) {
    for (y, row) in &e.stats.0 {
        s.push_str(&format!(
            "{},{},{},{}",
            e.kind.label(),
            cell(e.id.as_str()),
            cell(&e.name),
            y
        ));
        for m in metrics {
            s.push(',');
            if let Some(v) = row.get(&m.key) {
                s.push_str(&number(*v));
            }
        }
        s.push_str("\r\n");
    }
}

/// One entity: a row per year, a column per metric it has figures for.
pub fn entity_csv(e: &Entity, config: &Config) -> String {
    let metrics = used_metrics(e, config);
    let mut s = csv_header(&metrics);
    csv_rows(&mut s, e, &metrics);
    s
}

fn metrics_json(metrics: &[&Metric]) -> Value {
    Value::Array(
        metrics
            .iter()
            .map(|m| json!({"key": m.key, "label": m.label, "unit": m.unit, "combine": m.combine}))
            .collect(),
    )
}

fn entity_value(e: &Entity, config: &Config) -> Value {
    let mut stats = Map::new();
    for (y, row) in &e.stats.0 {
        let r: Map<String, Value> = row.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        stats.insert(y.to_string(), Value::Object(r));
    }
    json!({
        "type": e.kind,
        "id": e.id,
        "name": e.name,
        "path": e.path,
        "metrics": metrics_json(&used_metrics(e, config)),
        "stats": stats,
    })
}

pub fn entity_json(e: &Entity, config: &Config) -> String {
    serde_json::to_string_pretty(&entity_value(e, config)).unwrap_or_default()
}

/// Every entity and year in one sheet: type, id, name, year, then every metric.
pub fn overview_csv(site: &Site) -> String {
    let metrics: Vec<&Metric> = site.config.metrics.iter().collect();
    let mut s = csv_header(&metrics);
    for e in &site.entities.all {
        csv_rows(&mut s, e, &metrics);
    }
    s
}

/// Per kind, metric and year the combined figure (as the metric says: a sum,
/// a mean or a weighted mean) with its comparable change, and every
/// entity's numbers.
pub fn overview_json(site: &Site) -> String {
    let metrics: Vec<&Metric> = site.config.metrics.iter().collect();
    let mut totals = Map::new();
    for kind in EntityKind::ALL {
        let sel = Selection::kind(kind);
        let mut per_metric = Map::new();
        for m in &metrics {
            let rows = by_year(&site.entities, &sel, m);
            if !rows.is_empty() {
                per_metric.insert(
                    m.key.to_string(),
                    serde_json::to_value(rows).unwrap_or(Value::Null),
                );
            }
        }
        totals.insert(kind.dir().to_owned(), Value::Object(per_metric));
    }
    let entities: Vec<Value> = site
        .entities
        .all
        .iter()
        .map(|e| entity_value(e, &site.config))
        .collect();
    serde_json::to_string_pretty(&json!({
        "title": site.config.title,
        "metrics": metrics_json(&metrics),
        "totals": totals,
        "entities": entities,
    }))
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_with_commas_and_quotes_are_quoted() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("名校\"+\""), "\"名校\"\"+\"\"\"");
        assert_eq!(cell("敬仲镇"), "敬仲镇");
        assert_eq!(number(335.0), "335");
        assert_eq!(number(85.5), "85.5");
    }

    #[test]
    fn formulas_are_neutralised_and_negative_numbers_kept() {
        for (text, shown) in [
            (
                "=HYPERLINK(\"http://x\")",
                "\"'=HYPERLINK(\"\"http://x\"\")\"",
            ),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "\"'\rx\""),
        ] {
            assert_eq!(cell(text), shown);
        }
        assert_eq!(number(-3.0), "-3");
        assert_eq!(number(-0.5), "-0.5");
    }
}

//! A statistics table's layout: which row is the header, what each column
//! holds, and what the sheet's and file's names say (kind, year).
//!
//! The header is the first row, among the first [`HEADER_SEARCH`], that
//! has a column naming the entity (`ID`, `名称`, `试点镇`…); rows above it
//! (a merged title, "填报单位：…") are skipped. Every other header cell must
//! be recognised: a typo in a column name would otherwise drop a whole
//! column of figures without a word.

use crate::base::ids::EntityKind;
use crate::config::{Config, Metric};
use crate::diag::closest;
use crate::load::sheets::{CellValue, RawTable};

use super::cells::{squeeze, text};

/// How many rows from the top may hold titles and notes before the header.
pub const HEADER_SEARCH: usize = 20;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Id,
    Name,
    Kind,
    Year,
    /// The figures of `config.metrics[i]`.
    Metric(usize),
    /// Read by people only: 序号, 备注, 说明, `…（参考）`.
    Skip,
}

impl Role {
    /// Columns that say whose row it is (filled down through merged cells).
    pub fn identifies(self) -> bool {
        matches!(self, Role::Id | Role::Name | Role::Kind | Role::Year)
    }
}

const ID_HEADERS: [&str; 3] = ["id", "标识", "代码"];
const NAME_HEADERS: [&str; 5] = ["名称", "名字", "单位", "单位名称", "镇名"];
const KIND_HEADERS: [&str; 3] = ["类型", "类别", "种类"];
const YEAR_HEADERS: [&str; 5] = ["年份", "年度", "年", "统计年度", "统计年份"];
const SKIP_HEADERS: [&str; 4] = ["序号", "备注", "说明", "注"];

/// The header row and its columns.
#[derive(Debug)]
pub struct Header {
    pub row: u32,
    /// `(column, role)` for every recognised header cell, in column order.
    pub columns: Vec<(u32, Role)>,
    /// The kind a name column's header gives (`试点镇`, `示范带名称`).
    pub kind: Option<EntityKind>,
    /// Header cells not recognised (their columns are not read).
    pub unknown: Vec<BadColumn>,
}

impl Header {
    /// (Columns are in order: the header row's cells are.)
    pub fn role(&self, col: u32) -> Option<Role> {
        let i = self.columns.binary_search_by_key(&col, |(c, _)| *c).ok()?;
        Some(self.columns[i].1)
    }

    /// A header cell of this column was not recognised (and was reported).
    pub fn is_unknown(&self, col: u32) -> bool {
        self.unknown.binary_search_by_key(&col, |b| b.col).is_ok()
    }

    pub fn has(&self, role: Role) -> bool {
        self.columns.iter().any(|(_, r)| *r == role)
    }
}

/// A header cell that is not recognised.
#[derive(Debug)]
pub struct BadColumn {
    pub col: u32,
    pub message: String,
    pub hint: String,
}

/// The kind a cell names: `试点镇`, or `town`/`towns` as the YAML folders say.
pub fn kind_named(s: &str) -> Option<EntityKind> {
    EntityKind::named(&squeeze(s))
}

/// The kind a sheet or file name mentions (`试点镇2025`, `2025年示范带统计`),
/// if it mentions exactly one.
pub fn kind_in_name(name: &str) -> Option<EntityKind> {
    let found: Vec<EntityKind> = EntityKind::ALL
        .into_iter()
        .filter(|k| name.contains(k.label()))
        .collect();
    match found[..] {
        [k] => Some(k),
        _ => None,
    }
}

/// A sheet that holds notes for people (填表说明): not read.
pub fn is_notes_sheet(name: &str) -> bool {
    name.contains("说明") || name.contains("备注")
}

/// What a header text names, or `None` when it names nothing known.
fn classify(raw: &str, config: &Config) -> Option<(Role, Option<EntityKind>)> {
    let s = squeeze(raw)
        .replace(['（', '【', '['], "(")
        .replace(['）', '】', ']'], ")");
    let lower = s.to_ascii_lowercase();
    if ID_HEADERS.contains(&lower.as_str()) {
        return Some((Role::Id, None));
    }
    if let Some(k) = EntityKind::ALL
        .into_iter()
        .find(|k| s == k.label() || s == format!("{}名称", k.label()))
    {
        return Some((Role::Name, Some(k)));
    }
    let found = |list: &[&str]| list.contains(&s.as_str());
    if found(&NAME_HEADERS) {
        return Some((Role::Name, None));
    }
    if found(&KIND_HEADERS) {
        return Some((Role::Kind, None));
    }
    if found(&YEAR_HEADERS) {
        return Some((Role::Year, None));
    }
    if found(&SKIP_HEADERS) || s.ends_with("(参考)") {
        return Some((Role::Skip, None));
    }
    metric(&s, config).map(|i| (Role::Metric(i), None))
}

/// The metric a header names: its key, its label, or its label with the
/// unit in brackets (`教师数(名)`; `(单位:名)` too). A wrong unit is not a match.
fn metric(s: &str, config: &Config) -> Option<usize> {
    let label_of = |m: &Metric| squeeze(&m.label);
    if let Some(i) = config
        .metrics
        .iter()
        .position(|m| m.key.as_str() == s || label_of(m) == s)
    {
        return Some(i);
    }
    let (label, unit) = split_unit(s)?;
    config
        .metrics
        .iter()
        .position(|m| label_of(m) == label && squeeze(&m.unit) == unit)
}

/// `教师数(名)` → (`教师数`, `名`); `教师数(单位:名)` and `教师数/名` too.
fn split_unit(s: &str) -> Option<(&str, &str)> {
    let (label, unit) = match s.strip_suffix(')') {
        Some(body) => body.rsplit_once('(')?,
        None => s.rsplit_once('/')?,
    };
    let unit = unit
        .strip_prefix("单位:")
        .or_else(|| unit.strip_prefix("单位"))
        .unwrap_or(unit);
    Some((label, unit))
}

/// Headers a clerk may mean, for "did you mean" hints: `(compared, shown)`.
/// A metric is compared by its label and its key and shown with its unit.
fn known_headers(config: &Config) -> Vec<(String, String)> {
    let mut known = Vec::new();
    for m in &config.metrics {
        let shown = m.heading();
        known.push((m.label.clone(), shown.clone()));
        known.push((shown.clone(), shown.clone()));
        known.push((m.key.to_string(), shown));
    }
    for h in ["名称", "年份", "类型", "ID", "备注"] {
        known.push((h.to_owned(), h.to_owned()));
    }
    known
}

/// Finds the header row and reads its columns; `Err(())` if the table has
/// no header among its first rows.
pub fn header(t: &RawTable, config: &Config) -> Result<Header, ()> {
    let row = t
        .rows
        .iter()
        .take(HEADER_SEARCH)
        .find(|r| {
            r.cells.iter().any(|c| {
                matches!(&c.value, CellValue::Text(s)
                    if matches!(classify(s, config), Some((Role::Id | Role::Name, _))))
            })
        })
        .ok_or(())?;
    let mut header = Header {
        row: row.row,
        columns: Vec::new(),
        kind: None,
        unknown: Vec::new(),
    };
    let known = known_headers(config);
    let mut seen = std::collections::HashSet::new();
    for c in &row.cells {
        let shown = text(&c.value);
        match classify(&shown, config) {
            Some((role, kind)) => {
                if !seen.insert(role) && role != Role::Skip {
                    header.unknown.push(BadColumn {
                        col: c.col,
                        message: format!("表头「{shown}」与前面的列重复"),
                        hint: "同一项只留一列；这一列没有读取".into(),
                    });
                    continue;
                }
                header.kind = header.kind.or(kind);
                header.columns.push((c.col, role));
            }
            None => header
                .unknown
                .push(unknown_column(c.col, &shown, config, &known)),
        }
    }
    Ok(header)
}

fn unknown_column(col: u32, shown: &str, config: &Config, known: &[(String, String)]) -> BadColumn {
    let s = squeeze(shown).replace('（', "(").replace('）', ")");
    // A declared label with the wrong unit gets its own message.
    if let Some((label, unit)) = split_unit(&s)
        && let Some(m) = config.metrics.iter().find(|m| squeeze(&m.label) == label)
    {
        return BadColumn {
            col,
            message: format!(
                "表头「{shown}」的单位是“{unit}”，但 site.yaml 中 {} 的单位是“{}”",
                m.label, m.unit
            ),
            hint: format!("按“{}”填写数字，并把表头改成“{}”", m.unit, m.heading()),
        };
    }
    let guess = closest(&s, known.iter().map(|(k, _)| k.as_str()))
        .and_then(|c| known.iter().find(|(k, _)| k == c))
        .map(|(_, shown)| shown);
    let hint = match guess {
        Some(c) => format!("是不是“{c}”？不读取的列，表头写“备注”或以“（参考）”结尾"),
        None => format!(
            "指标列的表头写 site.yaml 中的名称或键，例如“{}”；不读取的列，表头写“备注”或以“（参考）”结尾",
            known
                .first()
                .map_or("教师数（名）", |(_, shown)| shown.as_str())
        ),
    };
    BadColumn {
        col,
        message: format!("表头「{shown}」不是已声明的指标，也不是名称、ID、年份或类型"),
        hint,
    }
}

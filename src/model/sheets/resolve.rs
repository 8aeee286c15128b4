//! Whose row it is: an entity found by its id or exact name, the kind from
//! a column, the sheet or file name, or the one kind the name exists in;
//! merged cells filled down; and where in the YAML a figure was already given.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use crate::base::ids::{EntityKind, Year};
use crate::diag::{Diagnostics, Pos, closest};
use crate::load::RawEntityFile;
use crate::load::sheets::{CellValue, RawRow, RawTable};
use crate::model::entities::{Entities, Entity};
use crate::read::yaml::{LineOffset, Scalar, pos_of};

use super::At;
use super::cells::{squeeze, text};
use super::layout::{Header, kind_named};

/// Rows that sum the others: the site adds up by itself.
const TOTAL_ROWS: [&str; 5] = ["合计", "总计", "小计", "总数", "汇总"];

/// What a row's identifying cells say.
pub enum Row {
    Entity(usize),
    /// A 合计 row: skipped.
    Total,
}

/// Entities by id and by name (compared as [`squeeze`]d), per kind.
pub struct Names<'a> {
    ents: &'a Entities,
    by_name: HashMap<(EntityKind, String), Vec<usize>>,
}

/// A cell with its column.
pub type Found<'a> = Option<(u32, &'a CellValue)>;

impl<'a> Names<'a> {
    pub fn new(ents: &'a Entities) -> Names<'a> {
        let mut by_name: HashMap<(EntityKind, String), Vec<usize>> = HashMap::new();
        for (i, e) in ents.all.iter().enumerate() {
            by_name
                .entry((e.kind, squeeze(&e.name)))
                .or_default()
                .push(i);
        }
        Names { ents, by_name }
    }

    /// The entities of the given kinds with this id or name.
    fn find(&self, s: &str, kinds: &[EntityKind]) -> Vec<usize> {
        let key = squeeze(s);
        // A CSV download neutralises a leading `=`, `+`, `-` or `@` with `'`.
        let key = match key.strip_prefix('\'') {
            Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest.to_owned(),
            _ => key,
        };
        let mut found: Vec<usize> = kinds
            .iter()
            .filter_map(|k| self.ents.get(*k, &key))
            .collect();
        if found.is_empty() {
            for k in kinds {
                found.extend(self.by_name.get(&(*k, key.clone())).into_iter().flatten());
            }
        }
        found
    }

    /// Finds the row's entity; `None` (with an error pushed) if it cannot.
    #[allow(clippy::too_many_arguments)]
    pub fn row_entity(
        &self,
        id: Found<'_>,
        name: Found<'_>,
        kind_cell: Found<'_>,
        table_kind: Option<EntityKind>,
        row: u32,
        at: &At<'_>,
        diags: &mut Diagnostics,
    ) -> Option<Row> {
        let given = |c: Found<'_>| {
            c.map(|(col, v)| (col, text(v)))
                .filter(|(_, t)| !t.is_empty())
        };
        let Some((col, wanted)) = given(id).or_else(|| given(name)) else {
            let col = id.or(name).map_or(0, |(c, _)| c);
            diags.push(
                at.cell(row, col, "这一行有数字，但没有写名称或 ID")
                    .with_hint("写上试点镇、示范带或联合体的名称（与 YAML 中的 name 一致）或 ID"),
            );
            return None;
        };
        if TOTAL_ROWS.contains(&squeeze(&wanted).as_str()) {
            return Some(Row::Total);
        }
        let kind = match given(kind_cell) {
            Some((kcol, k)) => match kind_named(&k) {
                Some(k) => Some(k),
                None => {
                    diags.push(
                        at.cell(row, kcol, format!("类型「{k}」无效"))
                            .with_hint("类型填 试点镇、示范带 或 联合体"),
                    );
                    return None;
                }
            },
            None => table_kind,
        };
        let kinds: Vec<EntityKind> = kind.map_or(EntityKind::ALL.to_vec(), |k| vec![k]);
        let found = self.find(&wanted, &kinds);
        let what = kind.map_or("名称或 ID", EntityKind::label);
        match found[..] {
            [i] => {
                self.check_name(i, id, name, row, at, diags);
                Some(Row::Entity(i))
            }
            [] => {
                let known = kinds.iter().flat_map(|k| {
                    self.ents
                        .of_kind(*k)
                        .flat_map(|(_, e)| [e.name.as_str(), e.id.as_str()])
                });
                let hint = match closest(&wanted, known) {
                    Some(c) => format!("是不是“{c}”？"),
                    None => format!(
                        "名称要与 content/{}/ 中的 name 完全一致，或写 id",
                        kind.map_or("towns", EntityKind::dir)
                    ),
                };
                diags.push(
                    at.cell(row, col, format!("找不到{what}「{wanted}」"))
                        .with_hint(hint),
                );
                None
            }
            _ => {
                let list: Vec<String> = found
                    .iter()
                    .map(|&i| {
                        let e = &self.ents.all[i];
                        format!("{} {}", e.kind.label(), e.id)
                    })
                    .collect();
                diags.push(
                    at.cell(
                        row,
                        col,
                        format!("「{wanted}」不止一个：{}", list.join("、")),
                    )
                    .with_hint(
                        "改写 ID，或加一列“类型”，或在工作表名中写明 试点镇、示范带 或 联合体",
                    ),
                );
                None
            }
        }
    }

    /// With both an ID and a name column, a name that is not the entity's
    /// is most likely a row shifted by a sort or a paste: warn.
    fn check_name(
        &self,
        i: usize,
        id: Found<'_>,
        name: Found<'_>,
        row: u32,
        at: &At<'_>,
        diags: &mut Diagnostics,
    ) {
        let (Some(_), Some((col, v))) = (id, name) else {
            return;
        };
        let e = &self.ents.all[i];
        let written = text(v);
        if !written.is_empty() && squeeze(&written) != squeeze(&e.name) {
            let mut d = at
                .cell(
                    row,
                    col,
                    format!("名称「{written}」与 ID {} 的名称「{}」不一致", e.id, e.name),
                )
                .with_hint("按 ID 读取了这一行；请核对这一行是否错位");
            d.severity = crate::diag::Severity::Warning;
            diags.push(d);
        }
    }
}

/// Identifying cells filled down through merged areas: a town's name
/// written once across its three year rows counts for each of them.
pub struct MergedFill<'t> {
    /// Per identifying column: the merged areas over it below the header,
    /// as `(first row, last row, value)`, sorted by first row.
    columns: HashMap<u32, Vec<(u32, u32, &'t CellValue)>>,
}

impl<'t> MergedFill<'t> {
    pub fn new(t: &'t RawTable, header: &Header) -> MergedFill<'t> {
        let mut columns: HashMap<u32, Vec<(u32, u32, &'t CellValue)>> = HashMap::new();
        if t.merged.is_empty() {
            return MergedFill { columns };
        }
        let rows: HashMap<u32, &RawRow> = t.rows.iter().map(|r| (r.row, r)).collect();
        let value_at = |row: u32, col: u32| {
            let r = rows.get(&row)?;
            let i = r.cells.binary_search_by_key(&col, |c| c.col).ok()?;
            Some(&r.cells[i].value)
        };
        for (col, _) in header.columns.iter().filter(|(_, r)| r.identifies()) {
            let mut areas: Vec<(u32, u32, &CellValue)> = t
                .merged
                .iter()
                .filter(|&&(r0, c0, r1, c1)| r1 > r0 && r0 > header.row && (c0..=c1).contains(col))
                .filter_map(|&(r0, c0, r1, _)| Some((r0, r1, value_at(r0, c0)?)))
                .collect();
            areas.sort_by_key(|a| a.0);
            columns.insert(*col, areas);
        }
        MergedFill { columns }
    }

    /// The cell at `col` of `r`, or the first cell of the merged area over it.
    pub fn get<'r>(&self, r: &'r RawRow, col: u32) -> Option<&'r CellValue>
    where
        't: 'r,
    {
        if let Ok(i) = r.cells.binary_search_by_key(&col, |c| c.col) {
            return Some(&r.cells[i].value);
        }
        let areas = self.columns.get(&col)?;
        let i = areas.partition_point(|a| a.0 <= r.row).checked_sub(1)?;
        let (_, last, value) = areas[i];
        (r.row <= last).then_some(value)
    }
}

/// Where `e`'s YAML gives `metric` for `year` (file and position).
pub fn yaml_place(
    yaml: &[Arc<RawEntityFile>],
    e: &Entity,
    year: Year,
    metric: &str,
) -> Option<(PathBuf, Pos)> {
    let f = yaml.iter().find(|f| f.file == e.file)?;
    let raw = f
        .entities
        .iter()
        .find(|r| r.kind() == e.kind && r.id().is_some_and(|i| i.value.trim() == e.id.as_str()))?;
    let (_, metrics) = raw.stats()?.0.iter().find(|(y, _)| match &y.value {
        Scalar::Int(i) => *i == i64::from(year.get()),
        Scalar::Text(t) => t.trim().parse::<i64>().ok() == Some(i64::from(year.get())),
        _ => false,
    })?;
    let (key, _) = metrics.0.iter().find(|(k, _)| k.value == metric)?;
    Some((f.file.clone(), pos_of(key, LineOffset(0))))
}

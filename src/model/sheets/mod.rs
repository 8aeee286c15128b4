//! Statistics from spreadsheets (`content/stats/`), merged into the entity
//! table beside the YAML `stats:`.
//!
//! Each table (a worksheet, or a CSV file) is read by its header
//! (`layout`): a row per entity and year, a column per metric. Every
//! figure goes into the same [`Stats`](super::entities::Stats) the YAML
//! fills, through the same check ([`super::entities::in_range`]), so
//! nothing after the model can tell where a number came from. A figure given
//! twice (in two sheets, or in a sheet and a YAML file) is an error naming
//! both places; so is every cell that cannot be read, each at its cell.

mod cells;
mod layout;
mod resolve;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::base::ids::{EntityKind, MetricKey, Year};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Pos, SheetPlace};
use crate::load::RawEntityFile;
use crate::load::sheets::{RawRow, RawSheetFile, RawTable};
use crate::model::entities::{Entities, RANGE_HINT, in_range};

use layout::Role;
use resolve::Names;

/// Where a figure was given, for the message about a second one.
#[derive(Debug, Clone)]
enum Place {
    Cell(PathBuf, SheetPlace),
    Yaml(PathBuf, Pos),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Cell(file, place) => write!(f, "{} {place}", file.display()),
            Place::Yaml(file, pos) => write!(f, "{}:{}:{}", file.display(), pos.line, pos.column),
        }
    }
}

/// Makes diagnostics located in one table.
struct At<'a> {
    file: &'a Path,
    sheet: Option<&'a str>,
}

impl At<'_> {
    fn cell(&self, row: u32, col: u32, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(self.file, message).in_sheet(self.sheet, Some((row, col)))
    }

    fn table(&self, message: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::error(self.file, message);
        match self.sheet {
            Some(s) => d.in_sheet(Some(s), None),
            None => d,
        }
    }

    fn place(&self, row: u32, col: u32) -> Place {
        Place::Cell(
            self.file.to_path_buf(),
            SheetPlace::new(self.sheet, Some((row, col))),
        )
    }
}

/// One figure read from a cell.
struct Figure {
    entity: usize,
    year: Year,
    metric: usize,
    value: f64,
    row: u32,
    col: u32,
}

/// Adds the figures of every table in `files` to the entities' statistics.
/// `yaml` are the entity files, to name the place of a figure given twice.
pub fn merge(
    ents: &mut Entities,
    files: &[Arc<RawSheetFile>],
    yaml: &[Arc<RawEntityFile>],
    config: &Config,
    diags: &mut Diagnostics,
) {
    if files.is_empty() {
        return;
    }
    let mut read: Vec<(&RawSheetFile, Option<&str>, Figure)> = Vec::new();
    let names = Names::new(ents);
    for f in files {
        for t in &f.tables {
            let at = At {
                file: &f.file,
                sheet: t.sheet.as_deref(),
            };
            for fig in read_table(t, &f.file, config, &names, &at, diags) {
                read.push((f, t.sheet.as_deref(), fig));
            }
        }
    }
    let mut given: HashMap<(usize, Year, &MetricKey), Place> = HashMap::new();
    for (f, sheet, fig) in read {
        let at = At {
            file: &f.file,
            sheet,
        };
        let metric = &config.metrics[fig.metric];
        let key = (fig.entity, fig.year, &metric.key);
        let e = &ents.all[fig.entity];
        let first = given.get(&key).cloned().or_else(|| {
            e.stats.get(fig.year, &metric.key).map(|_| {
                let (file, pos) = resolve::yaml_place(yaml, e, fig.year, metric.key.as_str())
                    .unwrap_or_else(|| (e.file.clone(), Pos::new(1, 1)));
                Place::Yaml(file, pos)
            })
        });
        let what = format!(
            "{}「{}」{} 年的“{}”",
            e.kind.label(),
            e.name,
            fig.year,
            metric.label
        );
        if let Some(first) = first {
            diags.push(
                at.cell(fig.row, fig.col, format!("{what}重复：{first} 已经填写"))
                    .with_hint("同一个数字只在一处填写：删去其中一处"),
            );
            continue;
        }
        if !in_range(fig.value) {
            let shown = if fig.value.abs() >= 1e16 {
                format!("{:e}", fig.value)
            } else {
                fig.value.to_string()
            };
            diags.push(
                at.cell(
                    fig.row,
                    fig.col,
                    format!("{what}是 {shown}，超出了允许的范围"),
                )
                .with_hint(RANGE_HINT),
            );
            continue;
        }
        let e = &mut ents.all[fig.entity];
        Arc::make_mut(&mut e.stats)
            .0
            .entry(fig.year)
            .or_default()
            .insert(metric.key.clone(), fig.value);
        given.insert(key, at.place(fig.row, fig.col));
    }
}

/// The figures of one table, every problem pushed to `diags`.
fn read_table(
    t: &RawTable,
    file: &Path,
    config: &Config,
    names: &Names<'_>,
    at: &At<'_>,
    diags: &mut Diagnostics,
) -> Vec<Figure> {
    let Some(table) = Table::open(t, file, config, at, diags) else {
        return Vec::new();
    };
    let mut figures = Vec::new();
    let mut unheaded = HashSet::new();
    for r in t.rows.iter().filter(|r| r.row > table.header.row) {
        let Some(values) = table.values(r, &mut unheaded, diags) else {
            continue;
        };
        let ident = |role| table.cell(r, role);
        let row = names.row_entity(
            ident(Role::Id),
            ident(Role::Name),
            ident(Role::Kind),
            table.kind,
            r.row,
            at,
            diags,
        );
        if matches!(row, Some(resolve::Row::Total)) {
            continue;
        }
        let year = table.year(r, diags);
        let (Some(resolve::Row::Entity(entity)), Some(year)) = (row, year) else {
            continue;
        };
        figures.extend(values.into_iter().map(|(col, metric, value)| Figure {
            entity,
            year,
            metric,
            value,
            row: r.row,
            col,
        }));
    }
    figures
}

/// One table being read: its header and what its names say.
struct Table<'a> {
    header: layout::Header,
    /// The kind its sheet name, header or file name gives.
    kind: Option<EntityKind>,
    /// The year its sheet or file name gives.
    year: Option<Year>,
    fill: resolve::MergedFill<'a>,
    config: &'a Config,
    at: &'a At<'a>,
}

impl<'a> Table<'a> {
    /// `None` for a table that is not read: empty, notes, or (with an
    /// error) without a header or a year.
    fn open(
        t: &'a RawTable,
        file: &Path,
        config: &'a Config,
        at: &'a At<'a>,
        diags: &mut Diagnostics,
    ) -> Option<Table<'a>> {
        if t.rows.is_empty() || t.sheet.as_deref().is_some_and(layout::is_notes_sheet) {
            return None;
        }
        let Ok(header) = layout::header(t, config) else {
            diags.push(
                at.table(format!("前 {} 行中找不到表头", layout::HEADER_SEARCH))
                    .with_hint("表头行要有一列“名称”（或“ID”），其余列写年份和指标，例如：名称 | 年份 | 教师数（名）"),
            );
            return None;
        };
        for b in &header.unknown {
            diags.push(
                at.cell(header.row, b.col, b.message.clone())
                    .with_hint(b.hint.clone()),
            );
        }
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let sheet = t.sheet.as_deref();
        let kind = sheet
            .and_then(layout::kind_in_name)
            .or(header.kind)
            .or_else(|| layout::kind_in_name(&stem));
        let named = sheet
            .and_then(cells::year_in_name)
            .map(|y| (y, "工作表名"))
            .or_else(|| cells::year_in_name(&stem).map(|y| (y, "文件名")));
        let year =
            match named {
                Some((y, whence)) => match Year::new(y) {
                    Ok(y) => Some(y),
                    Err(msg) => {
                        diags.push(at.table(format!("{whence}中的{msg}")).with_hint(YEAR_HINT));
                        return None;
                    }
                },
                None if header.has(Role::Year) => None,
                None => {
                    diags.push(at.table("不知道这张表是哪一年的").with_hint(
                        "加一列“年份”，或把年份写进工作表名或文件名，例如 2025年统计.xlsx",
                    ));
                    return None;
                }
            };
        Some(Table {
            fill: resolve::MergedFill::new(t, &header),
            header,
            kind,
            year,
            config,
            at,
        })
    }

    /// The row's cell in the column of `role` (filled down through merges).
    fn cell<'r>(&self, r: &'r RawRow, role: Role) -> resolve::Found<'r>
    where
        'a: 'r,
    {
        let (col, _) = self.header.columns.iter().find(|(_, x)| *x == role)?;
        self.fill.get(r, *col).map(|v| (*col, v))
    }

    /// The row's figures as `(column, metric, value)`; `None` for a row
    /// with none and no unreadable cell (a note, a blank row). Cells in a
    /// column without a header are reported once per column.
    fn values(
        &self,
        r: &RawRow,
        unheaded: &mut HashSet<u32>,
        diags: &mut Diagnostics,
    ) -> Option<Vec<(u32, usize, f64)>> {
        let mut values = Vec::new();
        let mut broken = false;
        for c in &r.cells {
            match self.header.role(c.col) {
                Some(Role::Metric(i)) => {
                    let m = &self.config.metrics[i];
                    match cells::number(&c.value, m.unit.trim() == "%", &m.unit) {
                        Ok(Some(v)) => values.push((c.col, i, v)),
                        Ok(None) => {}
                        Err(e) => {
                            broken = true;
                            diags.push(self.at.cell(r.row, c.col, e.message).with_hint(e.hint));
                        }
                    }
                }
                Some(_) => {}
                // Reported already: at its header cell, or once per column.
                None if self.header.is_unknown(c.col) => {}
                None if !unheaded.insert(c.col) => {}
                None => {
                    let shown = cells::text(&c.value);
                    diags.push(
                        self.at
                            .cell(r.row, c.col, format!("这一列没有表头，「{shown}」没有读取"))
                            .with_hint("在表头行给这一列写上指标名称，例如“教师数（名）”；不需要的内容请删除"),
                    );
                }
            }
        }
        (broken || !values.is_empty()).then_some(values)
    }

    /// The row's year: its year cell, or else the table's.
    fn year(&self, r: &RawRow, diags: &mut Diagnostics) -> Option<Year> {
        let Some((col, v)) = self.cell(r, Role::Year) else {
            return self.year;
        };
        let problem = match cells::year(v) {
            Ok(Some(y)) => match Year::new(y) {
                Ok(y) => return Some(y),
                Err(msg) => msg,
            },
            Ok(None) if self.year.is_some() => return self.year,
            Ok(None) => "这一行没有填年份".to_owned(),
            Err(text) => format!("「{text}」不是年份"),
        };
        diags.push(self.at.cell(r.row, col, problem).with_hint(YEAR_HINT));
        None
    }
}

const YEAR_HINT: &str = "年份写四位数字，例如 2025（1900–2100 之间）";

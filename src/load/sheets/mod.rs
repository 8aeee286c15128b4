//! Spreadsheets under `content/stats/`, read into plain tables of cells.
//!
//! This module knows file formats only: a workbook (`.xlsx`, `.xlsm`, `.xls`,
//! `.ods`) becomes one [`RawTable`] per visible worksheet, a `.csv` file one
//! table; every cell keeps its row and column so that the model stage, which
//! decides what the cells mean ([`crate::model::sheets`]), can name the cell
//! in its messages (`统计表.xlsx 工作表「试点镇」C7`).
//!
//! Reading is bounded: a file is refused, with a message, before anything is
//! read from it whose size the file itself declares (see `guard` and
//! `biff`), so a damaged or hostile file can neither exhaust memory nor
//! hang a build.

mod biff;
mod csv;
mod guard;
mod workbook;

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::load::Rev;

/// Largest spreadsheet file read (bytes on disk). A statistics workbook of
/// a thousand entities over ten years is well under 1 MB.
pub const MAX_FILE_BYTES: u64 = 32 << 20;
/// Most cells that hold something, per file.
pub const MAX_CELLS: usize = 1_000_000;

/// The file extensions read as spreadsheets (lower case).
pub const EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xls", "ods", "csv"];

/// Spreadsheet formats that cannot be read, with what to do instead.
pub fn unsupported_hint(ext: &str) -> Option<&'static str> {
    match ext {
        "et" | "ett" => Some("WPS 表格格式：在 WPS 中“另存为”Excel 工作簿（.xlsx）"),
        "xlsb" | "xltx" | "xltm" | "xlt" | "numbers" | "fods" => {
            Some("在 Excel、WPS 或 LibreOffice 中“另存为”Excel 工作簿（.xlsx）")
        }
        _ => None,
    }
}

/// One spreadsheet file as read.
#[derive(Debug)]
pub struct RawSheetFile {
    pub rev: Rev,
    /// Relative to the site root, e.g. `content/stats/2025年统计.xlsx`.
    pub file: PathBuf,
    pub tables: Vec<RawTable>,
}

/// One worksheet (or a CSV file): its cells that hold something, row by row.
#[derive(Debug, Default)]
pub struct RawTable {
    /// The worksheet's name; `None` for a CSV file.
    pub sheet: Option<String>,
    /// Rows in order, each with its cells in column order; empty cells left out.
    pub rows: Vec<RawRow>,
    /// Merged areas, `(first row, first column, last row, last column)`
    /// counted from 0: their value is written in the first cell only.
    pub merged: Vec<(u32, u32, u32, u32)>,
}

#[derive(Debug)]
pub struct RawRow {
    /// Counted from 0 (row 1 in Excel is 0).
    pub row: u32,
    pub cells: Vec<RawCell>,
}

#[derive(Debug)]
pub struct RawCell {
    /// Counted from 0 (column A is 0).
    pub col: u32,
    pub value: CellValue,
}

/// What a cell holds, as the spreadsheet program stored it.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    /// A number; `percent` when the cell is formatted as a percentage, so
    /// that it shows 100 times the stored value (`0.925` shows as `92.5%`).
    Number {
        value: f64,
        percent: bool,
    },
    /// Text as typed (in a CSV file, every cell is text).
    Text(String),
    Bool(bool),
    /// A number formatted as a date or time, shown as `YYYY-MM-DD`; `value`
    /// is the number underneath.
    Date {
        shown: String,
        value: f64,
    },
    /// An error value such as `#DIV/0!`, or a formula without a result.
    Error(String),
}

impl RawTable {
    fn push(&mut self, row: u32, col: u32, value: CellValue) {
        match self.rows.last_mut() {
            Some(r) if r.row == row => r.cells.push(RawCell { col, value }),
            _ => self.rows.push(RawRow {
                row,
                cells: vec![RawCell { col, value }],
            }),
        }
    }

    /// Rows and cells in order (readers may deliver them out of order).
    fn sort(&mut self) {
        let in_order = self.rows.windows(2).all(|w| w[0].row < w[1].row)
            && self
                .rows
                .iter()
                .all(|r| r.cells.windows(2).all(|c| c[0].col < c[1].col));
        if in_order {
            return;
        }
        let mut cells: Vec<(u32, RawCell)> = std::mem::take(&mut self.rows)
            .into_iter()
            .flat_map(|r| r.cells.into_iter().map(move |c| (r.row, c)))
            .collect();
        cells.sort_by_key(|(row, c)| (*row, c.col));
        // A cell given twice (a malformed file): the first one counts.
        cells.dedup_by_key(|(row, c)| (*row, c.col));
        for (row, c) in cells {
            self.push(row, c.col, c.value);
        }
    }
}

/// Why a file could not be read, for the one diagnostic it gets.
#[derive(Debug)]
pub(crate) struct Refusal {
    pub message: String,
    pub hint: &'static str,
}

impl Refusal {
    pub(crate) fn damaged() -> Refusal {
        Refusal {
            message: "表格文件已损坏，或不是它的扩展名所说的格式，无法读取".into(),
            hint: "用 Excel、WPS 或 LibreOffice 打开它，再“另存为”Excel 工作簿（.xlsx）",
        }
    }

    pub(crate) fn too_big(what: String) -> Refusal {
        Refusal {
            message: format!("表格文件超出 huiwen 读取的上限：{what}"),
            hint: "统计表只保留需要的工作表和数据区域；多余的行列、图片和格式可删除后另存",
        }
    }

    pub(crate) fn password() -> Refusal {
        Refusal {
            message: "表格文件设置了打开密码，无法读取".into(),
            hint: "在 Excel 或 WPS 中取消密码（文件 → 信息 → 保护工作簿）后再放入 content/stats/",
        }
    }
}

/// Reads one spreadsheet file (`file` relative to the site root, for
/// messages; `path` on disk). Returns `None`, with an error, if the file
/// cannot be read at all.
pub fn read(
    file: &Path,
    path: &Path,
    rev: Rev,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawSheetFile> {
    let tables = match read_file(path) {
        Ok(bytes) => read_bytes(file, bytes, diags)?,
        Err(r) => {
            diags.push(Diagnostic::error(file, r.message).with_hint(r.hint));
            return None;
        }
    };
    Some(RawSheetFile {
        rev,
        file: file.to_path_buf(),
        tables,
    })
}

/// A regular file's bytes (see [`crate::base::fs::open_regular`]), up to
/// [`MAX_FILE_BYTES`].
fn read_file(path: &Path) -> Result<Vec<u8>, Refusal> {
    use std::io::Read as _;
    let unreadable = |e: std::io::Error| Refusal {
        message: format!("无法读取文件：{}", crate::base::fs::describe(&e)),
        hint: "检查文件是否被其他程序占用或权限不足",
    };
    let f = crate::base::fs::open_regular(path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Refusal::too_big(format!(
            "文件超过 {} MB",
            MAX_FILE_BYTES >> 20
        )));
    }
    Ok(bytes)
}

/// Reads a spreadsheet's bytes, the format told by `file`'s extension
/// (`.csv`) or by the content (workbooks).
pub fn read_bytes(
    file: &Path,
    bytes: Vec<u8>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<RawTable>> {
    let is_csv = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    let result = if is_csv {
        Ok(csv::read(&bytes, file, diags))
    } else {
        workbook::read(bytes, file, diags)
    };
    match result {
        Ok(mut tables) => {
            for t in &mut tables {
                t.sort();
            }
            Some(tables)
        }
        Err(r) => {
            diags.push(Diagnostic::error(file, r.message).with_hint(r.hint));
            None
        }
    }
}

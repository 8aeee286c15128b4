//! Workbooks through calamine: `.xlsx`/`.xlsm`, `.xls` and `.ods`, told
//! apart by their content (a clerk's `.xls` is sometimes an `.xlsx` renamed,
//! or the other way round), each vetted first by [`super::guard`] or
//! [`super::biff`].

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, DataRef, Ods, Reader, SheetType, SheetVisible, Xls, Xlsx};

use super::guard::{SheetFacts, Zipped};
use super::{CellValue, MAX_CELLS, RawTable, Refusal};
use crate::diag::Diagnostic;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Excel's largest sheet; cells beyond it come only from a damaged file.
const MAX_ROWS: u32 = 1_048_576;
const MAX_COLUMNS: u32 = 16_384;

/// Reads a workbook's visible worksheets. calamine is called inside
/// `catch_unwind`: the checks before it cover what is known to make it
/// fail badly, and a panic left in it still must not end a build or `serve`.
pub(super) fn read(
    bytes: Vec<u8>,
    file: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<RawTable>, Refusal> {
    let result = std::panic::catch_unwind(move || {
        let mut warnings = Vec::new();
        if bytes.starts_with(ZIP_MAGIC) {
            match super::guard::zipped(&bytes)? {
                Zipped::Xlsx => read_xlsx(bytes, &mut warnings),
                Zipped::Ods(facts) => {
                    let ods = Ods::new(Cursor::new(bytes)).map_err(|_| Refusal::damaged())?;
                    read_ranges(ods, &facts, &mut warnings)
                }
            }
            .map(|t| (t, warnings))
        } else if bytes.starts_with(OLE_MAGIC) {
            let mut facts = super::biff::check(&bytes)?;
            let xls = Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsError::Password => Refusal::password(),
                _ => Refusal::damaged(),
            })?;
            facts.merged = xls
                .sheets_metadata()
                .iter()
                .map(|s| {
                    let areas = xls.merge_cells_by_sheet_name(&s.name).unwrap_or_default();
                    areas
                        .iter()
                        .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
                        .collect()
                })
                .collect();
            read_ranges(xls, &facts, &mut warnings).map(|t| (t, warnings))
        } else {
            Err(Refusal::damaged())
        }
    });
    let (tables, warnings) = result.unwrap_or_else(|_| Err(Refusal::damaged()))?;
    for w in warnings {
        diags.push(Diagnostic::warning(file, w));
    }
    Ok(tables)
}

/// The worksheets worth reading; others get a warning (returned as text).
fn sheets_to_read(sheets: &[calamine::Sheet], warnings: &mut Vec<String>) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, s) in sheets.iter().enumerate() {
        if s.typ != SheetType::WorkSheet {
            continue;
        }
        if s.visible != SheetVisible::Visible {
            warnings.push(format!(
                "隐藏的工作表「{}」没有读取；要用其中的数据，请先取消隐藏",
                s.name
            ));
            continue;
        }
        out.push((i, s.name.clone()));
    }
    out
}

/// `.xlsx`: cells streamed from the sheet's XML (calamine's range would
/// allocate the whole area between the first and the farthest cell).
fn read_xlsx(bytes: Vec<u8>, warnings: &mut Vec<String>) -> Result<Vec<RawTable>, Refusal> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => Refusal::password(),
        _ => Refusal::damaged(),
    })?;
    let mut tables = Vec::new();
    let mut cells = 0usize;
    for (_, name) in sheets_to_read(book.sheets_metadata(), warnings) {
        let mut table = RawTable {
            sheet: Some(name.clone()),
            ..RawTable::default()
        };
        {
            let mut reader = book
                .worksheet_cells_reader(&name)
                .map_err(|_| Refusal::damaged())?;
            while let Some((cell, style)) = reader
                .next_cell_with_style_id()
                .map_err(|_| Refusal::damaged())?
            {
                let (row, col) = cell.get_position();
                let percent = reader
                    .styles()
                    .get(style)
                    .and_then(|s| s.number_format.as_ref())
                    .is_some_and(|f| is_percent_format(&f.format_code));
                let Some(value) = from_ref(cell.get_value(), percent) else {
                    continue;
                };
                if row >= MAX_ROWS || col >= MAX_COLUMNS {
                    return Err(Refusal::damaged());
                }
                cells += 1;
                if cells > MAX_CELLS {
                    return Err(Refusal::too_big(format!("超过 {MAX_CELLS} 个非空单元格")));
                }
                table.push(row, col, value);
            }
        }
        if let Ok(merged) = book.merge_cells_by_sheet_name(&name) {
            table.merged = merged
                .iter()
                .map(|d| (d.start.0, d.start.1, d.end.0, d.end.1))
                .collect();
        }
        tables.push(table);
    }
    Ok(tables)
}

/// `.xls` and `.ods`: calamine has read each sheet into a range already
/// (the checks bounded its area); `facts` has the rest.
fn read_ranges<R, B>(
    mut book: B,
    facts: &SheetFacts,
    warnings: &mut Vec<String>,
) -> Result<Vec<RawTable>, Refusal>
where
    R: std::io::Read + std::io::Seek,
    B: Reader<R>,
{
    let mut tables = Vec::new();
    let mut cells = 0usize;
    for (index, name) in sheets_to_read(book.sheets_metadata(), warnings) {
        let range = book
            .worksheet_range(&name)
            .map_err(|_| Refusal::damaged())?;
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut table = RawTable {
            sheet: Some(name.clone()),
            merged: facts.merged.get(index).cloned().unwrap_or_default(),
            ..RawTable::default()
        };
        for (r, c, data) in range.used_cells() {
            let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
                return Err(Refusal::damaged());
            };
            let (row, col) = (top + r, left + c);
            let is_percent = facts
                .percent
                .get(index)
                .is_some_and(|p| p.contains(&(row, col)));
            let Some(value) = from_data(data, is_percent) else {
                continue;
            };
            cells += 1;
            if cells > MAX_CELLS {
                return Err(Refusal::too_big(format!("超过 {MAX_CELLS} 个非空单元格")));
            }
            table.push(row, col, value);
        }
        tables.push(table);
    }
    Ok(tables)
}

fn from_data(d: &Data, percent: bool) -> Option<CellValue> {
    Some(match d {
        Data::Empty => return None,
        Data::Int(i) => CellValue::Number {
            value: *i as f64,
            percent,
        },
        Data::Float(f) => CellValue::Number { value: *f, percent },
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) => date(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => CellValue::Date {
            shown: s.clone(),
            value: serial(s),
        },
        Data::Error(e) => CellValue::Error(e.to_string()),
    })
}

fn from_ref(d: &DataRef<'_>, percent: bool) -> Option<CellValue> {
    match d {
        DataRef::Empty => None,
        DataRef::SharedString(s) => Some(CellValue::Text((*s).to_owned())),
        other => from_data(&Data::from(other.clone()), percent),
    }
}

fn date(dt: &calamine::ExcelDateTime) -> CellValue {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    CellValue::Date {
        shown: format!("{y:04}-{m:02}-{d:02}"),
        value: dt.as_f64(),
    }
}

/// The number under an ISO date (`1901-01-20` → 386), as Excel counts
/// days (from 1899-12-30, which absorbs its fictitious 1900-02-29); NaN
/// for anything else (a time, a duration).
fn serial(iso: &str) -> f64 {
    let mut parts = iso
        .get(..10)
        .unwrap_or("")
        .split('-')
        .map(str::parse::<i64>);
    let (Some(Ok(y)), Some(Ok(m)), Some(Ok(d))) = (parts.next(), parts.next(), parts.next()) else {
        return f64::NAN;
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return f64::NAN;
    }
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let unix = era * 146_097 + doe - 719_468;
    (unix + 25_569) as f64
}

/// A number format that shows 100 times the value with a `%` (`0%`,
/// `0.0%`), as opposed to one that only prints a `%` sign (`0.0"%"`, `0.0\%`).
pub(super) fn is_percent_format(code: &str) -> bool {
    let mut quoted = false;
    let mut escaped = false;
    let mut bracket = false;
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            '%' if !quoted && !bracket => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_formats_are_told_from_a_printed_sign() {
        for f in ["0%", "0.00%", "#,##0.0%;[Red]-0.0%"] {
            assert!(is_percent_format(f), "{f}");
        }
        for f in ["0.0\"%\"", "0.0\\%", "General", "#,##0", "[$%-804]0"] {
            assert!(!is_percent_format(f), "{f}");
        }
    }

    #[test]
    fn iso_dates_have_excels_serial_numbers() {
        assert_eq!(serial("1901-01-20"), 386.0);
        assert_eq!(serial("1970-01-01"), 25_569.0);
        assert_eq!(serial("2025-03-18T00:00:00"), 45_734.0);
        assert!(serial("PT3H").is_nan());
    }

    #[test]
    fn text_that_is_no_workbook_is_refused() {
        let mut d = Vec::new();
        assert!(read(b"<html>".to_vec(), Path::new("a.xlsx"), &mut d).is_err());
        assert!(read(b"PK\x03\x04broken".to_vec(), Path::new("a.xlsx"), &mut d).is_err());
    }
}

//! Checks made before a workbook is handed to calamine.
//!
//! calamine trusts sizes that a file declares: the count of shared strings
//! in an `.xlsx` (reserved up front), the used area of an `.xls` sheet and
//! the repeat counts of an `.ods` (cells allocated for the whole area), and
//! it decompresses zip entries without a limit. A damaged or hostile file
//! of a few hundred bytes could so claim terabytes, and an allocation that
//! fails aborts the process: no error could be reported, `serve` would die.
//! So each file is vetted here first, within fixed budgets, and refused
//! with a message when it exceeds them. (The `.xls` checks are in [`super::biff`].)

use std::collections::HashSet;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

use super::{MAX_CELLS, Refusal};

/// A merged area: first row, first column, last row, last column (from 0).
pub type Area = (u32, u32, u32, u32);

/// What the checks learn that calamine does not tell, per sheet in the
/// workbook's order.
#[derive(Debug, Default, PartialEq)]
pub struct SheetFacts {
    /// The `(row, column)` of number cells formatted as percentages
    /// (calamine gives the number only).
    pub percent: Vec<HashSet<(u32, u32)>>,
    /// Merged areas, where calamine does not report them (`.ods`).
    pub merged: Vec<Vec<Area>>,
}

/// Most bytes all entries of a zipped workbook may decompress to.
pub const MAX_UNZIPPED: u64 = 64 << 20;
/// Most entries in a zipped workbook.
const MAX_ENTRIES: usize = 10_000;
/// Most cells a sheet's used area may span (the area calamine allocates,
/// empty cells included), summed over a workbook's sheets.
pub const MAX_AREA: u64 = 2_000_000;

/// What a zip archive turned out to be.
#[derive(Debug)]
pub enum Zipped {
    Xlsx,
    Ods(SheetFacts),
}

/// Checks every entry of a zip-based workbook (`.xlsx`, `.ods`) by
/// decompressing it within [`MAX_UNZIPPED`], and what calamine will
/// allocate from it: the shared-string count of an `.xlsx`, the areas of an
/// `.ods`.
pub fn zipped(bytes: &[u8]) -> Result<Zipped, Refusal> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| Refusal::damaged())?;
    if archive.len() > MAX_ENTRIES {
        return Err(Refusal::too_big(format!(
            "压缩包内有 {} 个文件",
            archive.len()
        )));
    }
    let mut total = 0u64;
    let mut kind = None;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|_| Refusal::damaged())?;
        let name = entry.name().map_err(|_| Refusal::damaged())?.into_owned();
        let budget = MAX_UNZIPPED - total;
        let mut data = Vec::new();
        let wanted = matches!(
            name.as_str(),
            "xl/sharedStrings.xml" | "content.xml" | "xl/workbook.xml"
        );
        let n = if wanted {
            (&mut entry)
                .take(budget + 1)
                .read_to_end(&mut data)
                .map_err(|_| Refusal::damaged())? as u64
        } else {
            std::io::copy(&mut (&mut entry).take(budget + 1), &mut std::io::sink())
                .map_err(|_| Refusal::damaged())?
        };
        total += n;
        if total > MAX_UNZIPPED {
            return Err(Refusal::too_big(format!(
                "解压后超过 {} MB",
                MAX_UNZIPPED >> 20
            )));
        }
        match name.as_str() {
            "xl/workbook.xml" => kind = Some(Zipped::Xlsx),
            "xl/sharedStrings.xml" => shared_strings(&data)?,
            "content.xml" => {
                let facts = ods_areas(&data)?;
                if kind.is_none() {
                    kind = Some(Zipped::Ods(facts));
                }
            }
            _ => {}
        }
    }
    kind.ok_or_else(Refusal::damaged)
}

/// calamine reserves room for the `uniqueCount` an `.xlsx` declares; a
/// string takes at least `<si><t/></si>` (12 bytes), so a larger count is a lie.
fn shared_strings(xml: &[u8]) -> Result<(), Refusal> {
    let head = &xml[..xml.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    let Some(sst) = head.find("<sst") else {
        return Ok(());
    };
    let tag = &head[sst..head[sst..].find('>').map_or(head.len(), |e| sst + e)];
    // (`count` is every use of a string in the workbook: not bounded by this file.)
    let attr = "uniqueCount=\"";
    let Some(at) = tag.find(attr) else {
        return Ok(());
    };
    let digits: String = tag[at + attr.len()..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let declared: u64 = digits.parse().unwrap_or(u64::MAX);
    if declared > xml.len() as u64 / 12 + 1 {
        return Err(Refusal::damaged());
    }
    Ok(())
}

/// The most columns and rows an `.ods` sheet can have (calamine's own caps).
const ODS_COLUMNS: u64 = 16_384;
const ODS_ROWS: u64 = 1_048_576;
/// Most spaces one `<text:s text:c="N"/>` may stand for.
const ODS_SPACES: u64 = 1_000;

/// Walks `content.xml` as calamine will, adding up, per sheet, the cells it
/// stores per row (repeats of empty cells up to the last filled one) and
/// the area it then fills (every row up to the last filled one, times the
/// widest row); on the way, notes the percentage cells and merged areas.
fn ods_areas(xml: &[u8]) -> Result<SheetFacts, Refusal> {
    let text = std::str::from_utf8(xml).map_err(|_| Refusal::damaged())?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut sheet = OdsSheet::default();
    let mut total = 0u64;
    let mut facts = SheetFacts::default();
    loop {
        let event = reader.read_event().map_err(|_| Refusal::damaged())?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            match e.name().as_ref() {
                "table:table" => {
                    sheet = OdsSheet::default();
                    facts.percent.push(HashSet::new());
                    facts.merged.push(Vec::new());
                }
                "table:table-row" => {
                    sheet.row_start(repeat(e, "table:number-rows-repeated"));
                    if empty {
                        sheet.row_end();
                    }
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    let attrs = e.attributes_raw();
                    let columns = repeat(e, "table:number-columns-repeated");
                    if attrs.contains("office:value-type=\"percentage\"")
                        && let Some(cells) = facts.percent.last_mut()
                    {
                        sheet.note(columns, cells);
                    }
                    let spans = (
                        repeat(e, "table:number-rows-spanned"),
                        repeat(e, "table:number-columns-spanned"),
                    );
                    if spans != (1, 1)
                        && let (Some(areas), Some(area)) =
                            (facts.merged.last_mut(), sheet.span(spans))
                    {
                        areas.push(area);
                    }
                    sheet.cell(
                        columns,
                        attrs.contains("value-type=") || attrs.contains("table:formula="),
                    );
                }
                "text:s" if repeat(e, "text:c") > ODS_SPACES => return Err(Refusal::damaged()),
                _ => {}
            }
        }
        match event {
            Event::End(e) if e.name().as_ref() == "table:table-row" => sheet.row_end(),
            Event::End(e) if e.name().as_ref() == "table:table" => {
                total = total.saturating_add(sheet.area());
            }
            Event::Eof => break,
            _ => {}
        }
        if total.saturating_add(sheet.area()) > MAX_AREA || sheet.stored > MAX_AREA {
            return Err(Refusal::too_big(format!(
                "工作表的数据区域超过 {MAX_AREA} 个单元格"
            )));
        }
    }
    Ok(facts)
}

/// A repeat count attribute (1 when absent or unreadable, as calamine fails on those anyway).
fn repeat(e: &BytesStart<'_>, attr: &str) -> u64 {
    e.try_get_attribute(attr)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse().ok())
        .unwrap_or(1)
}

/// One `.ods` sheet's counts so far.
#[derive(Default)]
struct OdsSheet {
    /// Rows so far (repeats included), and up to the last one with a filled cell.
    rows: u64,
    filled_rows: u64,
    /// The widest row's width up to its last filled cell.
    width: u64,
    /// Cells stored before the area is filled.
    stored: u64,
    /// The current row: its repeat count, width so far, empty cells pending,
    /// and the column the next cell is in.
    repeat: u64,
    row_width: u64,
    pending: u64,
    column: u64,
}

impl OdsSheet {
    fn row_start(&mut self, repeat: u64) {
        self.repeat = repeat.min(ODS_ROWS);
        self.row_width = 0;
        self.pending = 0;
        self.column = 0;
    }

    /// Records the positions of the next `columns` cells (in every repeat of the row).
    fn note(&self, columns: u64, cells: &mut HashSet<(u32, u32)>) {
        for r in self.rows..self.rows + self.repeat {
            for c in self.column..(self.column + columns).min(ODS_COLUMNS) {
                if cells.len() >= MAX_CELLS {
                    return;
                }
                if let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) {
                    cells.insert((r, c));
                }
            }
        }
    }

    /// The area a cell spanning `(rows, columns)` at the current place covers.
    fn span(&self, (rows, columns): (u64, u64)) -> Option<Area> {
        let last = |from: u64, n: u64| u32::try_from(from.saturating_add(n.max(1) - 1)).ok();
        Some((
            u32::try_from(self.rows).ok()?,
            u32::try_from(self.column).ok()?,
            last(self.rows, rows)?,
            last(self.column, columns)?,
        ))
    }

    fn cell(&mut self, repeat: u64, filled: bool) {
        self.column = self.column.saturating_add(repeat);
        if filled {
            self.row_width = (self.row_width + self.pending + repeat).min(ODS_COLUMNS);
            self.pending = 0;
        } else {
            self.pending = (self.pending + repeat).min(ODS_COLUMNS);
        }
    }

    fn row_end(&mut self) {
        self.rows = (self.rows + self.repeat).min(ODS_ROWS);
        self.stored = self.stored.saturating_add(self.row_width);
        if self.row_width > 0 {
            self.filled_rows = self.rows;
            self.width = self.width.max(self.row_width);
        }
        self.row_width = 0;
    }

    fn area(&self) -> u64 {
        self.filled_rows.saturating_mul(self.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ods_row(repeat: u64, cells: &str) -> String {
        format!(
            "<table:table-row table:number-rows-repeated=\"{repeat}\">{cells}</table:table-row>"
        )
    }

    #[test]
    fn ods_area_counts_repeats_up_to_the_last_filled_cell() {
        let filled = "<table:table-cell office:value-type=\"float\" office:value=\"1\"/>";
        let gap = "<table:table-cell table:number-columns-repeated=\"999\"/>";
        // LibreOffice's own trailing repeats (empty) cost nothing.
        let ok = format!(
            "<table:table>{}{}</table:table>",
            ods_row(1, &format!("{filled}{filled}{gap}")),
            ods_row(1_048_000, gap)
        );
        assert_eq!(
            ods_areas(ok.as_bytes()).unwrap().percent,
            vec![HashSet::new()]
        );
        let pct = "<table:table><table:table-row><table:table-cell/><table:table-cell office:value-type=\"percentage\" office:value=\"0.925\"/></table:table-row></table:table>";
        assert_eq!(
            ods_areas(pct.as_bytes()).unwrap().percent,
            vec![[(0, 1)].into_iter().collect()]
        );
        let merged = "<table:table><table:table-row><table:table-cell/><table:table-cell table:number-rows-spanned=\"3\" office:value-type=\"string\"/></table:table-row></table:table>";
        assert_eq!(
            ods_areas(merged.as_bytes()).unwrap().merged,
            vec![vec![(0, 1, 2, 1)]]
        );
        // A filled cell after a wide gap, repeated over many rows, does.
        let hostile = format!(
            "<table:table>{}</table:table>",
            ods_row(100_000, &format!("{gap}{filled}"))
        );
        assert!(ods_areas(hostile.as_bytes()).is_err());
        let spaces = "<table:table><table:table-row><table:table-cell office:value-type=\"string\"><text:p><text:s text:c=\"4000000000\"/></text:p></table:table-cell></table:table-row></table:table>";
        assert!(ods_areas(spaces.as_bytes()).is_err());
    }

    #[test]
    fn a_shared_string_count_larger_than_the_file_is_refused() {
        let honest =
            b"<?xml?><sst count=\"2\" uniqueCount=\"2\"><si><t>a</t></si><si><t>b</t></si></sst>";
        assert!(shared_strings(honest).is_ok());
        let lying =
            b"<?xml?><sst count=\"2\" uniqueCount=\"99999999999999\"><si><t>a</t></si></sst>";
        assert!(shared_strings(lying).is_err());
    }
}

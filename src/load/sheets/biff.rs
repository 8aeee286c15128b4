//! `.xls` (BIFF8 in an OLE compound file) checked before calamine reads it,
//! and the one thing calamine does not tell: which number cells are
//! formatted as percentages.
//!
//! calamine parses every sheet when the workbook is opened and allocates
//! each sheet's area from what its records declare (the `DIMENSIONS`
//! record, the farthest cell), and its compound-file reader follows sector
//! chains without checking for loops. So the container is first opened
//! with the `cfb` crate, which rejects sector chains that loop or meet
//! (not in its strict mode, which LibreOffice's files fail for a cosmetic
//! flaw in the directory tree), and the records are walked here the way
//! calamine walks them, refusing areas beyond [`MAX_AREA`] and records it
//! would index past their end.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use super::Refusal;
use super::guard::{MAX_AREA, SheetFacts};

/// Opens the compound file and returns its workbook stream, or why not.
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, Refusal> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|_| Refusal::damaged())?;
    if file.exists("/EncryptedPackage") {
        return Err(Refusal::password());
    }
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(Refusal::damaged)?;
    let mut stream = file.open_stream(name).map_err(|_| Refusal::damaged())?;
    let mut data = Vec::new();
    stream
        .by_ref()
        .take(bytes.len() as u64)
        .read_to_end(&mut data)
        .map_err(|_| Refusal::damaged())?;
    Ok(data)
}

/// One BIFF record: type and data.
struct Records<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = Result<(u16, &'a [u8]), Refusal>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.is_empty() {
            return None;
        }
        let (Some(typ), Some(len)) = (u16_at(self.rest, 0), u16_at(self.rest, 2)) else {
            return Some(Err(Refusal::damaged()));
        };
        let end = 4 + usize::from(len);
        let Some(data) = self.rest.get(4..end) else {
            return Some(Err(Refusal::damaged()));
        };
        self.rest = &self.rest[end..];
        Some(Ok((typ, data)))
    }
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUND_SHEET: u16 = 0x0085;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const FILE_PASS: u16 = 0x002F;
const DIMENSIONS: u16 = 0x0200;
const MUL_RK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
/// Records that hold one cell, with its row and column first and, for
/// numbers (`NUMBER`, `RK`, `FORMULA`), its format index next.
const CELLS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006];
const NUMBERS: [u16; 3] = [0x0203, 0x027E, 0x0006];

/// Checks an `.xls` file and finds its percent-formatted cells.
pub fn check(bytes: &[u8]) -> Result<SheetFacts, Refusal> {
    let stream = workbook_stream(bytes)?;
    let mut sheets = Vec::new();
    // Per XF (cell format) record, in order: is its number format a percentage?
    let mut xf_percent: Vec<bool> = Vec::new();
    let mut percent_formats: HashSet<u16> = [9, 10].into_iter().collect();
    let mut biff8 = false;
    for record in (Records { rest: &stream }) {
        let (typ, data) = record?;
        match typ {
            BOF => biff8 = u16_at(data, 0) == Some(0x0600),
            FILE_PASS if u16_at(data, 0) != Some(0) => return Err(Refusal::password()),
            BOUND_SHEET => {
                let pos = u32_at(data, 0).ok_or_else(Refusal::damaged)? as usize;
                if data.len() < 8 || pos >= stream.len() {
                    return Err(Refusal::damaged());
                }
                sheets.push(pos);
            }
            FORMAT if biff8 => {
                if let (Some(ifmt), Some(code)) = (u16_at(data, 0), format_code(data))
                    && super::workbook::is_percent_format(&code)
                {
                    percent_formats.insert(ifmt);
                }
            }
            XF => xf_percent.push(u16_at(data, 2).is_some_and(|f| percent_formats.contains(&f))),
            EOF => break,
            _ => {}
        }
    }
    let mut facts = SheetFacts::default();
    let mut area = 0u64;
    for pos in sheets {
        let (sheet_area, percent) = walk_sheet(&stream[pos..], biff8.then_some(&xf_percent[..]))?;
        area = area.saturating_add(sheet_area);
        if area > MAX_AREA {
            return Err(Refusal::too_big(format!(
                "工作表的数据区域超过 {MAX_AREA} 个单元格"
            )));
        }
        facts.percent.push(percent);
    }
    Ok(facts)
}

/// A `FORMAT` record's code (BIFF8 `XLUnicodeString` after the index).
fn format_code(data: &[u8]) -> Option<String> {
    let cch = usize::from(u16_at(data, 2)?);
    let high = data.get(4)? & 1 == 1;
    let chars = data.get(5..)?;
    if high {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(cch)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(chars.iter().take(cch).map(|&b| char::from(b)).collect())
    }
}

/// Walks one sheet's records as calamine does (from its `BOF` to its own
/// `EOF`, skipping nested chart streams): the larger of its declared and
/// its used area, and its percent cells.
fn walk_sheet(
    stream: &[u8],
    xf_percent: Option<&[bool]>,
) -> Result<(u64, HashSet<(u32, u32)>), Refusal> {
    let mut percent = HashSet::new();
    let mut declared = 0u64;
    let mut used: Option<(u32, u32, u32, u32)> = None;
    let mut extend = |row: u32, col: u32| {
        used = Some(match used {
            None => (row, col, row, col),
            Some((r0, c0, r1, c1)) => (r0.min(row), c0.min(col), r1.max(row), c1.max(col)),
        });
    };
    let is_percent = |data: &[u8], at: usize| {
        let xf = u16_at(data, at).map(usize::from);
        matches!((xf_percent, xf), (Some(table), Some(i)) if table.get(i) == Some(&true))
    };
    let mut depth = 0usize;
    let mut seen_bof = false;
    for record in (Records { rest: stream }) {
        let (typ, data) = record?;
        if depth > 0 {
            match typ {
                BOF => depth += 1,
                EOF => depth -= 1,
                _ => {}
            }
            continue;
        }
        match typ {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF => break,
            DIMENSIONS => declared = declared.max(dimensions_area(data)?),
            MUL_RK => {
                // calamine computes `last - first + 1` in 16 bits.
                let last = data.len().checked_sub(2).and_then(|at| u16_at(data, at));
                let (Some(row), Some(first), Some(last)) = (u16_at(data, 0), u16_at(data, 2), last)
                else {
                    return Err(Refusal::damaged());
                };
                if last < first || data.len() != 6 + 6 * usize::from(last - first + 1) {
                    return Err(Refusal::damaged());
                }
                let n = usize::from(last - first + 1);
                for i in 0..n {
                    let col = u32::from(first) + i as u32;
                    extend(u32::from(row), col);
                    if is_percent(data, 4 + 6 * i) {
                        percent.insert((u32::from(row), col));
                    }
                }
            }
            t if CELLS.contains(&t) => {
                let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) else {
                    return Err(Refusal::damaged());
                };
                // calamine slices a formula's tokens by the length it declares.
                if t == FORMULA
                    && u16_at(data, 20).is_none_or(|cce| data.len() < 22 + usize::from(cce))
                {
                    return Err(Refusal::damaged());
                }
                let (row, col) = (u32::from(row), u32::from(col));
                extend(row, col);
                if NUMBERS.contains(&t) && is_percent(data, 4) {
                    percent.insert((row, col));
                }
            }
            _ => {}
        }
    }
    let used = used.map_or(0, |(r0, c0, r1, c1)| {
        u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
    });
    Ok((declared.max(used), percent))
}

/// The cells calamine reserves for a `DIMENSIONS` record (mirroring its
/// reading of one); a range it would compute backwards is refused, as
/// calamine's arithmetic would overflow on it.
fn dimensions_area(d: &[u8]) -> Result<u64, Refusal> {
    let (rf, rl, cf, cl) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0).unwrap_or(0)),
            u32::from(u16_at(d, 2).unwrap_or(0)),
            u32::from(u16_at(d, 4).unwrap_or(0)),
            u32::from(u16_at(d, 6).unwrap_or(0)),
        ),
        14 | 16 => (
            u32_at(d, 0).unwrap_or(0),
            u32_at(d, 4).unwrap_or(0),
            u32::from(u16_at(d, 8).unwrap_or(0)),
            u32::from(u16_at(d, 10).unwrap_or(0)),
        ),
        _ => return Err(Refusal::damaged()),
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    let (start, end) = if rl >= 1 && cl >= 1 {
        ((rf, cf), (rl - 1, cl - 1))
    } else {
        ((rf, cf), (rf, cf))
    };
    if end.0 < start.0 || end.1 < start.1 {
        return Err(Refusal::damaged());
    }
    let area = u64::from(end.0 - start.0 + 1) * u64::from(end.1 - start.1 + 1);
    if area > MAX_AREA {
        return Err(Refusal::too_big(format!(
            "工作表声明的数据区域有 {area} 个单元格，上限 {MAX_AREA}"
        )));
    }
    Ok(area)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_are_checked_as_calamine_reads_them() {
        let rec = |rf: u32, rl: u32, cf: u16, cl: u16| {
            let mut d = Vec::new();
            d.extend(rf.to_le_bytes());
            d.extend(rl.to_le_bytes());
            d.extend(cf.to_le_bytes());
            d.extend(cl.to_le_bytes());
            d.extend([0, 0]);
            d
        };
        assert_eq!(dimensions_area(&rec(0, 10, 0, 4)).ok(), Some(40));
        // An empty sheet.
        assert_eq!(dimensions_area(&rec(0, 0, 0, 0)).ok(), Some(1));
        // Four billion rows.
        assert!(dimensions_area(&rec(0, u32::MAX, 0, 200)).is_err());
        // A range that ends before it starts.
        assert!(dimensions_area(&rec(5, 3, 0, 4)).is_err());
        assert!(dimensions_area(&rec(0, 2, 3, 3)).is_err());
        assert!(dimensions_area(&[0; 7]).is_err());
    }

    #[test]
    fn format_codes_are_read_in_both_widths() {
        let mut narrow = vec![0xA4, 0x00, 4, 0, 0];
        narrow.extend(b"0.0%");
        assert_eq!(format_code(&narrow).as_deref(), Some("0.0%"));
        let mut wide = vec![0xA5, 0x00, 2, 0, 1];
        for u in "0%".encode_utf16() {
            wide.extend(u.to_le_bytes());
        }
        assert_eq!(format_code(&wide).as_deref(), Some("0%"));
        assert!(check(b"not an ole file").is_err());
    }
}

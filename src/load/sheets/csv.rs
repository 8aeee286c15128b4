//! A `.csv` file as one table: UTF-8 with or without a byte-order mark, or
//! GBK as Excel on Chinese Windows saves "CSV (逗号分隔)" (decoded by
//! [`crate::read::decode`]); quoting as in RFC 4180. Every cell is text;
//! the model reads numbers out of it.

use std::path::Path;

use super::{CellValue, MAX_CELLS, RawTable};
use crate::diag::Diagnostic;
use crate::read::decode::decode;

pub(super) fn read(bytes: &[u8], file: &Path, diags: &mut Vec<Diagnostic>) -> Vec<RawTable> {
    let decoded = decode(bytes, file);
    if !decoded.gbk {
        diags.extend(decoded.warning);
    }
    let mut table = RawTable::default();
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(decoded.text.as_bytes());
    let mut cells = 0usize;
    for (row, record) in reader.records().enumerate() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                diags.push(
                    Diagnostic::error(file, format!("CSV 第 {line} 行无法解析"))
                        .with_hint("用 Excel 或 WPS 打开后重新“另存为”CSV"),
                );
                break;
            }
        };
        let Ok(row) = u32::try_from(row) else { break };
        for (col, text) in record.iter().enumerate() {
            if text.trim().is_empty() {
                continue;
            }
            cells += 1;
            if cells > MAX_CELLS {
                diags.push(
                    Diagnostic::error(
                        file,
                        format!("CSV 文件超过 {MAX_CELLS} 个非空单元格，后面的内容没有读取"),
                    )
                    .with_hint("统计表只保留需要的数据"),
                );
                return vec![table];
            }
            let Ok(col) = u32::try_from(col) else { break };
            table.push(row, col, CellValue::Text(text.to_owned()));
        }
    }
    vec![table]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &RawTable) -> Vec<(u32, u32, String)> {
        t.rows
            .iter()
            .flat_map(|r| {
                r.cells.iter().map(move |c| match &c.value {
                    CellValue::Text(s) => (r.row, c.col, s.clone()),
                    other => panic!("{other:?}"),
                })
            })
            .collect()
    }

    #[test]
    fn reads_bom_gbk_and_quoted_cells() {
        let text = "名称,教师数（名）\r\n敬仲镇,\"1,386\"\r\n\"多行\n名称\",\r\n";
        let mut diags = Vec::new();
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        let t = read(&bom, Path::new("a.csv"), &mut diags).remove(0);
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let g = read(&gbk, Path::new("b.csv"), &mut diags).remove(0);
        assert!(diags.is_empty(), "{diags:?}");
        let want = vec![
            (0, 0, "名称".to_owned()),
            (0, 1, "教师数（名）".to_owned()),
            (1, 0, "敬仲镇".to_owned()),
            (1, 1, "1,386".to_owned()),
            (2, 0, "多行\n名称".to_owned()),
        ];
        assert_eq!(texts(&t), want);
        assert_eq!(texts(&g), want);
    }

    #[test]
    fn broken_bytes_are_a_warning_and_unbalanced_quotes_end_the_cell() {
        let mut diags = Vec::new();
        let t = read(b"a,\"b\n\xff\xfe", Path::new("c.csv"), &mut diags).remove(0);
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(t.rows.len(), 1);
    }
}

//! Statistics from spreadsheets in `content/stats/`: workbooks written by
//! LibreOffice (committed fixtures, `scripts/make-sheet-fixtures.sh`) and
//! files written here; every layout rule; every mistake named at its file,
//! sheet and cell; hostile files refused in bounded time.

mod common;

use std::fs;
use std::time::{Duration, Instant};

use common::TempSite;
use common::sheets::{Figures, added, figures, fixture_bytes, key, rewrite_zip};
use huiwen::diag::Diagnostic;

/// The sample site with `files` added under `content/stats/`.
fn sample_with(files: &[(&str, &[u8])]) -> TempSite {
    let s = TempSite::sample();
    for (name, bytes) in files {
        s.write_bytes(&format!("content/stats/{name}"), bytes);
    }
    s
}

fn baseline() -> Figures {
    let s = TempSite::sample();
    s.build_ok();
    figures(&s)
}

/// What `tests/fixtures/sheets/src/统计表.fods` gives, by hand.
fn expected_from_fixture() -> Figures {
    [
        (key("town", "jingzhong", 2026, "teachers"), 392.0),
        (key("town", "jingzhong", 2026, "enrolment_rate"), 93.5),
        (key("town", "jingzhong", 2026, "funds"), 130.0),
        (key("town", "liuwan", 2026, "teachers"), 326.0),
        (key("town", "liuwan", 2026, "enrolment_rate"), 94.1),
        (key("town", "liuwan", 2026, "funds"), 1234.5),
        (key("town", "hekou", 2026, "teachers"), 220.0),
        (key("town", "hekou", 2026, "funds"), 55.5),
        (key("town", "shuangmiao", 2026, "funds"), 40.0),
        (key("belt", "qiyun-culture", 2026, "funds"), 125.0),
        (key("belt", "qiyun-culture", 2026, "send_teaching"), 33.0),
        (key("belt", "lvye-labour", 2026, "funds"), 105.0),
        (key("belt", "lvye-labour", 2026, "send_teaching"), 28.0),
        (
            key("alliance", "shiyan-zhongxue", 2026, "open_lessons"),
            26.0,
        ),
        (
            key("alliance", "shiyan-zhongxue", 2027, "open_lessons"),
            28.0,
        ),
        (
            key("alliance", "wang-xiumei-yuwen", 2026, "open_lessons"),
            19.0,
        ),
    ]
    .into_iter()
    .collect()
}

#[test]
fn workbooks_saved_by_libreoffice_follow_every_layout_rule() {
    let before = baseline();
    for ext in ["xlsx", "xls", "ods"] {
        let name = format!("统计表.{ext}");
        let s = sample_with(&[(&name, &fixture_bytes(&name))]);
        let diags = s.build_ok();
        // The hidden sheet is named, and not read.
        let warnings: Vec<String> = diags.iter().map(|d| d.to_string()).collect();
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("隐藏的工作表「旧数据」") && w.contains(&name)),
            "{ext}: {warnings:?}"
        );
        assert_eq!(diags.error_count(), 0);
        assert_eq!(
            added(&before, &figures(&s)),
            expected_from_fixture(),
            "{ext}"
        );
        // Shown on the entity's page and in its downloads like any YAML figure.
        let page = s.page("towns/liuwan");
        assert!(
            page.contains("1,234.5"),
            "{ext}: the sheet's figure on the page"
        );
        let csv = s.read("output/towns/liuwan/stats.csv");
        assert!(csv.contains("试点镇,liuwan,柳湾镇,2026,"), "{ext}");
    }
}

#[test]
fn the_sample_sites_sheet_is_read() {
    let s = TempSite::sample();
    s.build_ok();
    let f = figures(&s);
    // content/stats/试点镇送教下乡统计.xlsx: names merged over three years each.
    assert_eq!(f[&key("town", "jingzhong", 2023, "send_teaching")], 16.0);
    assert_eq!(f[&key("town", "jingzhong", 2025, "send_teaching")], 21.0);
    assert_eq!(f[&key("town", "xinglin", 2024, "send_teaching")], 7.0);
    let sent: usize = f
        .keys()
        .filter(|k| k.3 == "send_teaching" && k.0 == "town")
        .count();
    assert_eq!(sent, 24, "eight towns, three years");
}

/// `(sheet, cell, part of the message, part of the hint)` for every
/// mistake in `tests/fixtures/sheets/src/错误.fods`.
const MISTAKES: [(&str, &str, &str, &str); 10] = [
    (
        "补充2026",
        "B2",
        "试点镇「杏林镇」2026 年的“教师数”重复：content/stats/错误.EXT 工作表「试点镇」C8 已经填写",
        "删去其中一处",
    ),
    ("补充2026", "B3", "「85%」带百分号", "不是 %"),
    (
        "试点镇",
        "D1",
        "表头「教师人数」不是已声明的指标",
        "是不是“教师数（名）”",
    ),
    (
        "试点镇",
        "E1",
        "表头「专项经费（元）」的单位是“元”",
        "专项经费（万元）",
    ),
    ("试点镇", "C2", "「三百」不是数字", "阿拉伯数字"),
    ("试点镇", "A3", "找不到试点镇「敬中镇」", "是不是“敬仲镇”"),
    ("试点镇", "B4", "年份 1800 超出范围", "四位数字"),
    (
        "试点镇",
        "C5",
        "试点镇「青石镇」2025 年的“教师数”重复：content/towns/qingshi.yaml:",
        "删去其中一处",
    ),
    (
        "试点镇",
        "C6",
        "单元格的格式是日期（显示为 1901-01-20）",
        "386",
    ),
    ("试点镇", "C7", "单元格是错误值 #DIV/0!", "公式"),
];

#[test]
fn every_mistake_is_named_at_its_file_sheet_and_cell() {
    for ext in ["xlsx", "xls", "ods"] {
        let name = format!("错误.{ext}");
        let s = sample_with(&[(&name, &fixture_bytes(&name))]);
        let (diags, text) = s.build_err();
        assert!(!s.out().exists(), "nothing written");
        let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errors.len(), MISTAKES.len(), "{ext}:\n{text}");
        for (sheet, cell, message, hint) in MISTAKES {
            let message = message.replace("EXT", ext);
            let place = format!("content/stats/{name} 工作表「{sheet}」{cell}");
            let d = errors
                .iter()
                .find(|d| d.to_string().contains(&format!("--> {place}\n")))
                .unwrap_or_else(|| panic!("{ext}: nothing at {place}:\n{text}"));
            assert!(d.message.contains(&message), "{ext} {cell}: {}", d.message);
            assert!(
                d.hint.as_deref().is_some_and(|h| h.contains(hint)),
                "{ext} {cell}: {:?}",
                d.hint
            );
        }
        // The YAML place named for the duplicate is where the figure is.
        let dup = errors
            .iter()
            .find(|d| d.message.contains("qingshi.yaml:"))
            .unwrap();
        let at = dup.message.split("qingshi.yaml:").nth(1).unwrap();
        let mut nums = at
            .split([':', ' '])
            .map(|n| n.parse::<usize>().unwrap_or(0));
        let (line, col) = (nums.next().unwrap(), nums.next().unwrap());
        let yaml = s.read("content/towns/qingshi.yaml");
        let text_there: String = yaml
            .lines()
            .nth(line - 1)
            .unwrap()
            .chars()
            .skip(col - 1)
            .collect();
        assert!(
            text_there.starts_with("teachers"),
            "{line}:{col} {text_there}"
        );
    }
}

#[test]
fn csv_files_in_utf8_with_bom_and_in_gbk() {
    let before = baseline();
    let bom = "\u{feff}齐川市2026年统计\r\n名称,教师数（名）,学前毛入园率（%）\r\n敬仲镇,\"1,392\",93.5%\r\n桃源镇,２３４,—\r\n";
    // As Excel on Chinese Windows saves "CSV (逗号分隔)": GBK, CRLF.
    let (gbk, _, bad) = encoding_rs::GBK.encode(
        "类型,ID,名称,年份,专项经费（万元）\r\n示范带,qiyun-culture,齐韵文化乡村教育振兴示范带,2026,125.5\r\n联合体,liu-xiaoyan-math,,2026,3\r\n",
    );
    assert!(!bad);
    let s = sample_with(&[("2026年试点镇.csv", bom.as_bytes()), ("补充.csv", &gbk)]);
    let diags = s.build_ok();
    assert!(
        diags.is_empty(),
        "GBK from Excel is no warning: {:?}",
        diags.sorted()
    );
    let want: Figures = [
        (key("town", "jingzhong", 2026, "teachers"), 1392.0),
        (key("town", "jingzhong", 2026, "enrolment_rate"), 93.5),
        (key("town", "taoyuan", 2026, "teachers"), 234.0),
        (key("belt", "qiyun-culture", 2026, "funds"), 125.5),
        (key("alliance", "liu-xiaoyan-math", 2026, "funds"), 3.0),
    ]
    .into_iter()
    .collect();
    assert_eq!(added(&before, &figures(&s)), want);
}

#[test]
fn tables_without_a_year_header_or_entity_are_errors_with_hints() {
    let s = sample_with(&[
        ("统计.csv", "名称,教师数（名）\r\n敬仲镇,1\r\n".as_bytes()),
        ("无表头2026.csv", "敬仲镇,1\r\n柳湾镇,2\r\n".as_bytes()),
        (
            "无名2026.csv",
            "名称,教师数（名）\r\n,5\r\n合计,5\r\n".as_bytes(),
        ),
        ("1800年.csv", "名称,教师数（名）\r\n敬仲镇,1\r\n".as_bytes()),
        (
            "类型2026.csv",
            "类型,ID,教师数（名）\r\n镇,jingzhong,1\r\n".as_bytes(),
        ),
    ]);
    let (_, text) = s.build_err();
    for want in [
        "不知道这张表是哪一年的\n  --> content/stats/统计.csv\n",
        "前 20 行中找不到表头\n  --> content/stats/无表头2026.csv\n",
        "这一行有数字，但没有写名称或 ID\n  --> content/stats/无名2026.csv A2\n",
        "文件名中的年份 1800 超出范围 1900–2100\n  --> content/stats/1800年.csv\n",
        "类型「镇」无效\n  --> content/stats/类型2026.csv A2\n",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
    // A 合计 row is skipped: one error for that file only.
    assert_eq!(
        text.matches("content/stats/无名2026.csv").count(),
        1,
        "{text}"
    );
}

#[test]
fn unreadable_formats_and_stray_files_in_stats() {
    let s = sample_with(&[("旧表.et", b"x"), ("说明.txt", "本目录放统计表".as_bytes())]);
    let (_, text) = s.build_err();
    assert!(text.contains("无法读取 .et 格式的统计表"), "{text}");
    assert!(text.contains("WPS"), "{text}");
    assert!(
        text.contains("警告: stats 目录里只读取") && text.contains("说明.txt"),
        "{text}"
    );
}

/// Builds the sample with one hostile file; returns the text of its
/// diagnostics and fails if the build took long.
fn hostile(name: &str, bytes: &[u8]) -> String {
    let s = sample_with(&[(name, bytes)]);
    let start = Instant::now();
    let (r, d) = s.build();
    let took = start.elapsed();
    assert!(took < Duration::from_secs(30), "{name}: {took:?}");
    assert!(r.is_err(), "{name} should not build");
    d.sorted()
        .iter()
        .filter(|d| d.file.to_string_lossy().contains(name))
        .map(|d| d.to_string())
        .collect()
}

#[test]
fn hostile_workbooks_are_refused_without_panic_or_hang() {
    let good = fixture_bytes("统计表.xlsx");
    let xls = fixture_bytes("统计表.xls");
    let damaged = "表格文件已损坏";
    let too_big = "超出 huiwen 读取的上限";
    // Cut short, empty, or not a workbook at all.
    assert!(hostile("截断.xlsx", &good[..good.len() / 2]).contains(damaged));
    assert!(hostile("截断.xls", &xls[..xls.len() / 2]).contains(damaged));
    assert!(hostile("空.xlsx", b"").contains(damaged));
    assert!(
        hostile(
            "网页.xls",
            b"<html><table><tr><td>1</td></tr></table></html>"
        )
        .contains(damaged)
    );
    // A shared-string count far beyond what the file holds (calamine would reserve it).
    let lying = rewrite_zip(&good, |name, data| {
        (name == "xl/sharedStrings.xml").then(|| {
            String::from_utf8_lossy(data)
                .replacen("uniqueCount=\"", "uniqueCount=\"99999999999", 1)
                .into_bytes()
        })
    });
    assert!(hostile("字符串.xlsx", &lying).contains(damaged));
    // A sheet that unzips to more than the budget (a zip bomb, in small).
    let bomb = rewrite_zip(&good, |name, data| {
        (name == "xl/worksheets/sheet1.xml").then(|| {
            let mut big = data.to_vec();
            big.extend(std::iter::repeat_n(b' ', 70 << 20));
            big
        })
    });
    assert!(bomb.len() < 2 << 20, "compressed: {}", bomb.len());
    assert!(hostile("炸弹.xlsx", &bomb).contains(too_big));
    // An .xls whose DIMENSIONS record claims four billion rows.
    let mut dims = xls.clone();
    let at = dims
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("a DIMENSIONS record");
    dims[at + 8..at + 12].copy_from_slice(&u32::MAX.to_le_bytes());
    assert!(hostile("区域.xls", &dims).contains(too_big));
    // An .ods whose repeat counts claim millions of filled cells.
    let ods = ods_with(
        "<table:table table:name=\"试点镇\"><table:table-row table:number-rows-repeated=\"1000000\"><table:table-cell table:number-columns-repeated=\"16000\"/><table:table-cell office:value-type=\"float\" office:value=\"1\"/></table:table-row></table:table>",
    );
    assert!(hostile("重复.ods", &ods).contains(too_big));
    // An encrypted workbook (an OLE file holding an EncryptedPackage).
    let mut enc = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).unwrap();
    enc.create_stream("/EncryptedPackage").unwrap();
    let enc = enc.into_inner().into_inner();
    assert!(hostile("加密.xlsx", &enc).contains("设置了打开密码"));
}

#[test]
fn a_cell_at_the_far_corner_is_read_without_allocating_the_sheet() {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("试点镇2026").unwrap();
    sheet.write_string(0, 0, "名称").unwrap();
    sheet.write_string(0, 1, "教师数（名）").unwrap();
    sheet.write_string(1, 0, "敬仲镇").unwrap();
    sheet.write_number(1, 1, 400).unwrap();
    sheet.write_number(1_048_575, 16_383, 1).unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let text = hostile("远.xlsx", &bytes);
    assert!(
        text.contains("这一列没有表头") && text.contains("工作表「试点镇2026」XFD1048576"),
        "{text}"
    );
}

/// A minimal `.ods` around one `content.xml` body.
fn ods_with(tables: &str) -> Vec<u8> {
    use std::io::Write;
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("mimetype", opts).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("content.xml", opts).unwrap();
    write!(
        z,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    .unwrap();
    z.finish().unwrap().into_inner()
}

#[test]
fn office_lock_and_temp_files_beside_a_sheet_are_ignored() {
    let s = sample_with(&[
        ("~$统计表.xlsx", b"\x00owner"),
        (".~lock.统计表.xlsx#", b"lock"),
        ("统计表.xlsx.tmp", b"partial"),
        ("Cedd4e00", b"half-saved"),
    ]);
    let diags = s.build_ok();
    assert!(diags.is_empty(), "{:?}", diags.sorted());
    assert!(!s.out().join("stats/Cedd4e00").exists());
    assert!(fs::read_dir(s.out().join("stats")).is_ok());
}

mod fuzz {
    //! Mutated workbooks (bytes of the `.xls` stream, the XML inside an
    //! `.xlsx` or `.ods`, the text of a CSV) never panic or hang the reader.
    //! Bounded: a fixed number of cases, so it runs in every CI.

    use std::path::Path;

    use proptest::prelude::*;

    use super::common::sheets::{fixture_bytes, rewrite_zip};

    fn read(name: &str, bytes: Vec<u8>) {
        let mut d = Vec::new();
        let start = std::time::Instant::now();
        let _ = huiwen::load::sheets::read_bytes(Path::new(name), bytes, &mut d);
        assert!(start.elapsed().as_secs() < 10, "{name}");
    }

    /// `bytes` with `edits` as (position, new byte), positions taken modulo the length.
    fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8)], cut: Option<usize>) -> Vec<u8> {
        if bytes.is_empty() {
            return bytes;
        }
        for &(at, b) in edits {
            let i = at % bytes.len();
            bytes[i] = b;
        }
        if let Some(c) = cut {
            bytes.truncate(c % bytes.len());
        }
        bytes
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

        #[test]
        fn mutated_xls_bytes(edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..16), cut in prop::option::of(any::<usize>())) {
            read("变异.xls", mutate(fixture_bytes("统计表.xls"), &edits, cut));
        }

        #[test]
        fn mutated_xlsx_xml(edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..16), which in 0usize..3) {
            let entry = ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml"][which];
            let book = rewrite_zip(&fixture_bytes("统计表.xlsx"), |name, data| {
                (name == entry).then(|| mutate(data.to_vec(), &edits, None))
            });
            read("变异.xlsx", book);
        }

        #[test]
        fn mutated_ods_xml(edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..16)) {
            let book = rewrite_zip(&fixture_bytes("统计表.ods"), |name, data| {
                (name == "content.xml").then(|| mutate(data.to_vec(), &edits, None))
            });
            read("变异.ods", book);
        }

        #[test]
        fn random_csv(text in "[\"\\r\\n,a-z0-9年名称教师数（）%\u{feff}—,]{0,200}") {
            read("变异.csv", text.into_bytes());
        }
    }
}

#[test]
fn a_huge_layout_is_read_in_bounded_time() {
    // 16,000 unknown columns, 30,000 rows, 15,000 merged name cells: every
    // lookup per cell must be by index, not by scanning.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("试点镇").unwrap();
    let fmt = rust_xlsxwriter::Format::new();
    sheet.write_string(0, 0, "名称").unwrap();
    sheet.write_string(0, 1, "年份").unwrap();
    sheet.write_string(0, 2, "教师数（名）").unwrap();
    for c in 3..16_000u16 {
        sheet.write_string(0, c, "杂项").unwrap();
    }
    let towns = ["敬仲镇", "柳湾镇", "青石镇", "石门镇"];
    for pair in 0..15_000u32 {
        let (r0, r1) = (1 + 2 * pair, 2 + 2 * pair);
        sheet
            .merge_range(r0, 0, r1, 0, towns[pair as usize % 4], &fmt)
            .unwrap();
        for r in [r0, r1] {
            sheet.write_number(r, 1, 1900 + (r % 200)).unwrap();
            sheet.write_number(r, 2, r).unwrap();
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let start = Instant::now();
    let text = hostile("巨表.xlsx", &bytes);
    assert!(start.elapsed() < Duration::from_secs(30));
    assert!(
        text.contains("重复"),
        "the same town and year, many times: {}",
        &text[..text.len().min(2000)]
    );
}

#[test]
fn figures_beyond_the_models_range_are_errors_at_their_cell() {
    // The same check as for YAML figures (±10^15): a cell of 1e16, typed
    // as text and as Excel writes a long number into a CSV.
    let s = sample_with(&[(
        "2026年.csv",
        "名称,教师数（名）,专项经费（万元）\r\n敬仲镇,10000000000000000,1.5E+16\r\n".as_bytes(),
    )]);
    let (d, text) = s.build_err();
    let at = |cell: &str| {
        d.iter()
            .find(|x| {
                x.to_string()
                    .contains(&format!("--> content/stats/2026年.csv {cell}\n"))
            })
            .unwrap_or_else(|| panic!("{cell}: {text}"))
    };
    for cell in ["B2", "C2"] {
        let e = at(cell);
        assert!(e.message.contains("超出了允许的范围"), "{}", e.message);
        assert!(e.hint.as_deref().unwrap_or("").contains("10 的 15 次方"));
    }
    assert_eq!(d.error_count(), 2, "{text}");
}

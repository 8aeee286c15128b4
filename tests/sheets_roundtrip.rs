//! One model whatever the source: the same figures from YAML and from
//! spreadsheets give byte-identical sites; the site's `stats.csv` downloads,
//! opened and saved by LibreOffice, read back to the same numbers; the
//! fill-in template, written, filled in and read back.

mod common;

use std::path::Path;

use common::TempSite;
use common::sheets::{
    Figures, added, assert_same_output, figures, fixture_bytes, key, libreoffice, output,
    rewrite_zip, sample_without_stats, soffice, zip_text,
};
use huiwen::base::ids::EntityKind;
use huiwen::commands::stats_template::{TemplateOptions, stats_template};

/// Builds the sample without YAML statistics and with `files` in content/stats/.
fn from_sheets(files: &[(&str, &[u8])]) -> TempSite {
    let s = sample_without_stats();
    for (name, bytes) in files {
        s.write_bytes(&format!("content/stats/{name}"), bytes);
    }
    s.build_ok();
    s
}

#[test]
fn yaml_and_spreadsheets_give_byte_identical_sites() {
    let yaml = TempSite::sample();
    yaml.build_ok();
    let want = output(&yaml);
    // Every figure from the overview download.
    let overview = std::fs::read(yaml.out().join("stats/stats.csv")).unwrap();
    let sheet = from_sheets(&[("统计.csv", &overview)]);
    assert_same_output(&want, &output(&sheet), "overview stats.csv");
    // Every figure from the entities' own downloads, one file each.
    let s = sample_without_stats();
    for (kind, id) in figures(&yaml).keys().map(|k| (k.0.clone(), k.1.clone())) {
        let dir = EntityKind::named(&kind).unwrap().dir();
        let csv = std::fs::read(yaml.out().join(format!("{dir}/{id}/stats.csv"))).unwrap();
        s.write_bytes(&format!("content/stats/{dir}-{id}.csv"), &csv);
    }
    s.build_ok();
    assert_same_output(&want, &output(&s), "entity stats.csv files");
}

#[test]
fn a_figure_given_in_a_sheet_and_in_yaml_is_an_error_naming_both() {
    let s = TempSite::sample();
    let overview = {
        s.build_ok();
        std::fs::read(s.out().join("stats/stats.csv")).unwrap()
    };
    std::fs::remove_dir_all(s.out()).unwrap();
    s.write_bytes("content/stats/统计.csv", &overview);
    let (d, text) = s.build_err();
    // Every YAML figure (and every figure of the sample's own sheet) is given twice now.
    let twice = d.iter().filter(|d| d.message.contains("重复")).count();
    let yaml = TempSite::sample();
    yaml.build_ok();
    assert_eq!(twice, figures(&yaml).len(), "{text}");
    assert!(
        text.contains("试点镇「敬仲镇」2025 年的“教师数”重复：content/towns/jingzhong.yaml:"),
        "{text}"
    );
    // Two sheets: the later file's cell names the earlier one's.
    assert!(
        text.contains("试点镇「敬仲镇」2023 年的“送教下乡”重复：content/stats/统计.csv ")
            && text.contains("--> content/stats/试点镇送教下乡统计.xlsx 工作表「试点镇」E3\n"),
        "{text}"
    );
}

/// The committed round trip: the sample's `stats/stats.csv` as the site
/// offered it when the fixture was made, and what LibreOffice saved after
/// opening it (xlsx, xls, and CSV in GBK as Excel on Chinese Windows saves
/// one). Each reads back to the same site.
#[test]
fn downloads_saved_by_libreoffice_read_back_to_the_same_numbers() {
    let csv = fixture_bytes("roundtrip/stats.csv");
    let want = output(&from_sheets(&[("stats.csv", &csv)]));
    for name in ["stats.xlsx", "stats.xls", "stats-gbk.csv"] {
        let bytes = fixture_bytes(&format!("roundtrip/{name}"));
        let got = from_sheets(&[(name, &bytes)]);
        assert_same_output(&want, &output(&got), name);
    }
    // And the numbers are the CSV's: one checked by hand.
    let text = String::from_utf8(csv).unwrap();
    let row = text
        .lines()
        .find(|l| l.starts_with("试点镇,qingshi,青石镇,2025,"))
        .unwrap();
    let s = from_sheets(&[("stats.xlsx", &fixture_bytes("roundtrip/stats.xlsx"))]);
    let teachers = figures(&s)[&key("town", "qingshi", 2025, "teachers")];
    assert_eq!(row.split(',').nth(5), Some(teachers.to_string().as_str()));
}

/// Today's downloads, opened in LibreOffice, one figure edited, saved as
/// .xlsx and as a GBK CSV, and put back: the site is the YAML site with
/// that one figure changed.
#[test]
fn todays_downloads_edited_in_libreoffice_read_back() {
    if !soffice() {
        return;
    }
    let yaml = TempSite::sample();
    yaml.build_ok();
    let before = figures(&yaml);
    let csv = std::fs::read_to_string(yaml.out().join("stats/stats.csv")).unwrap();
    // The clerk's edit: 敬仲镇's 2025 teachers.
    let old = before[&key("town", "jingzhong", 2025, "teachers")];
    let edited: String = csv
        .split_inclusive("\r\n")
        .map(|line| {
            if line.starts_with("试点镇,jingzhong,敬仲镇,2025,") {
                let mut cells: Vec<String> = line.split(',').map(String::from).collect();
                assert_eq!(cells[5], old.to_string());
                cells[5] = (old + 4.0).to_string();
                cells.join(",")
            } else {
                line.to_owned()
            }
        })
        .collect();
    let work = tempfile::tempdir().unwrap();
    let src = work.path().join("stats.csv");
    std::fs::write(&src, &edited).unwrap();
    let utf8 = Some("CSV:44,34,76,1");
    libreoffice(&src, "xlsx", work.path(), utf8);
    let gbk_dir = work.path().join("gbk");
    libreoffice(
        &src,
        "csv:Text - txt - csv (StarCalc):44,34,61",
        &gbk_dir,
        utf8,
    );
    let gbk = std::fs::read(gbk_dir.join("stats.csv")).unwrap();
    assert!(std::str::from_utf8(&gbk).is_err(), "LibreOffice wrote GBK");
    let want: Figures = [(key("town", "jingzhong", 2025, "teachers"), old + 4.0)]
        .into_iter()
        .collect();
    for (name, bytes) in [
        (
            "stats.xlsx",
            std::fs::read(work.path().join("stats.xlsx")).unwrap(),
        ),
        ("stats-gbk.csv", gbk),
    ] {
        let s = from_sheets(&[(name, &bytes)]);
        let after = figures(&s);
        assert_eq!(added(&before, &after), want, "{name}");
        assert_eq!(after.len(), before.len(), "{name}");
    }
}

fn template(root: &Path, year: i64, out: &Path, last_year: bool) -> Vec<u8> {
    let (r, d) = stats_template(&TemplateOptions {
        root: root.to_path_buf(),
        year,
        kind: None,
        out: Some(out.to_path_buf()),
        last_year,
    });
    assert!(r.is_ok(), "{r:?} {:?}", d.sorted());
    std::fs::read(out).unwrap()
}

/// Types numbers into a template's empty input cells, as Excel stores
/// them (`<c r="F4" s="…"/>` becomes `<c r="F4" s="…"><v>401</v></c>`).
fn fill_in(book: &[u8], sheet: &str, cells: &[(&str, f64)]) -> Vec<u8> {
    rewrite_zip(book, |name, data| {
        (name == sheet).then(|| {
            let mut xml = String::from_utf8(data.to_vec()).unwrap();
            for (cell, v) in cells {
                let start = xml
                    .find(&format!("<c r=\"{cell}\" "))
                    .expect("cell in template");
                let end = start + xml[start..].find("/>").unwrap();
                let open = xml[start..end].to_owned();
                xml.replace_range(start..end + 2, &format!("{open}><v>{v}</v></c>"));
            }
            xml.into_bytes()
        })
    })
}

#[test]
fn the_template_builds_as_it_is_and_filled_in_reads_back() {
    let s = TempSite::sample();
    let before = {
        s.build_ok();
        figures(&s)
    };
    std::fs::remove_dir_all(s.out()).unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("2026年统计表.xlsx");
    let book = template(s.root(), 2026, &out, true);
    // Sheets per kind and the notes; ID, name and year given and locked.
    let workbook = zip_text(&book, "xl/workbook.xml");
    for name in ["试点镇", "示范带", "联合体", "填表说明"] {
        assert!(workbook.contains(&format!("name=\"{name}\"")), "{workbook}");
    }
    let towns = zip_text(&book, "xl/worksheets/sheet1.xml");
    assert!(towns.contains("<sheetProtection"), "protected");
    assert!(
        zip_text(&book, "xl/styles.xml").contains("locked=\"0\""),
        "input cells unlocked"
    );
    assert!(
        towns.contains("<dataValidation type=\"decimal\""),
        "numbers only"
    );
    // The header: ID, 名称, 年份, then each metric with the year before beside it.
    let strings = zip_text(&book, "xl/sharedStrings.xml");
    for h in [
        "ID",
        "名称",
        "年份",
        "学校数（所）",
        "教师数（名）",
        "2025年（参考）",
        "学前毛入园率（%）",
    ] {
        assert!(strings.contains(h), "{h}");
    }
    // As it is: reads, adds nothing.
    s.write_bytes("content/stats/2026年统计表.xlsx", &book);
    s.build_ok();
    assert_eq!(added(&before, &figures(&s)), Figures::new());
    // Filled in: row 4 is the first town; D is 学校数, F 教师数 (E, G: 参考).
    let first_town = huiwen_first("town", &s);
    let rate_col = column_of(&strings, &book, "学前毛入园率（%）");
    let filled = fill_in(
        &book,
        "xl/worksheets/sheet1.xml",
        &[("D4", 9.0), ("F4", 401.0), (&format!("{rate_col}4"), 95.5)],
    );
    s.write_bytes("content/stats/2026年统计表.xlsx", &filled);
    std::fs::remove_dir_all(s.out()).unwrap();
    s.build_ok();
    let want: Figures = [
        (key("town", &first_town, 2026, "schools"), 9.0),
        (key("town", &first_town, 2026, "teachers"), 401.0),
        (key("town", &first_town, 2026, "enrolment_rate"), 95.5),
    ]
    .into_iter()
    .collect();
    assert_eq!(added(&before, &figures(&s)), want);
    // Saved again by a real office program, it still reads the same.
    if soffice() {
        let again = work.path().join("again");
        let filled_path = work.path().join("填好.xlsx");
        std::fs::write(&filled_path, &filled).unwrap();
        libreoffice(&filled_path, "xlsx", &again, None);
        s.write_bytes(
            "content/stats/2026年统计表.xlsx",
            &std::fs::read(again.join("填好.xlsx")).unwrap(),
        );
        std::fs::remove_dir_all(s.out()).unwrap();
        s.build_ok();
        assert_eq!(added(&before, &figures(&s)), want);
    }
    // An existing file is not overwritten.
    let (r, _) = stats_template(&TemplateOptions {
        root: s.root().to_path_buf(),
        year: 2026,
        kind: Some(EntityKind::Town),
        out: Some(out.clone()),
        last_year: false,
    });
    assert!(r.unwrap_err().to_string().contains("已经存在"));
}

/// The id of the first entity of `kind` in the site's order (the template's first row).
fn huiwen_first(kind: &str, s: &TempSite) -> String {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.out().join("stats/stats.json")).unwrap()).unwrap();
    json["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["type"] == kind)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// The column letter of a header text in the first sheet of a template.
fn column_of(strings: &str, book: &[u8], header: &str) -> String {
    let index = strings
        .split("<si>")
        .skip(1)
        .position(|si| si.contains(&format!(">{header}<")))
        .unwrap();
    let sheet = zip_text(book, "xl/worksheets/sheet1.xml");
    let at = sheet
        .find(&format!("t=\"s\"><v>{index}</v>"))
        .expect("header cell");
    let cell_start = sheet[..at].rfind("<c r=\"").unwrap() + 6;
    sheet[cell_start..]
        .chars()
        .take_while(|c| c.is_ascii_uppercase())
        .collect()
}

#[test]
fn names_neutralised_against_formulas_read_back() {
    // The overview download writes `'+甲镇` for a name starting with `+`
    // (so Excel does not run it); read back, it is the same town.
    let s = TempSite::minimal();
    let town = s
        .read("content/towns/a.yaml")
        .replace("name: 甲镇", "name: \"+甲镇\"");
    s.write("content/towns/a.yaml", &town);
    s.build_ok();
    let want = output(&s);
    let csv = std::fs::read(s.out().join("stats/stats.csv")).unwrap();
    assert!(String::from_utf8_lossy(&csv).contains(",'+甲镇,"));
    let b = TempSite::minimal();
    b.write("content/towns/a.yaml", &common::sheets::strip_stats(&town));
    b.write_bytes("content/stats/stats.csv", &csv);
    b.build_ok();
    assert_same_output(&want, &output(&b), "neutralised name");
}

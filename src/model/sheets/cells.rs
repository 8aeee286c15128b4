//! What one cell of a statistics table says: a number, no data, a year, or
//! a mistake with a hint.
//!
//! Lenient where a clerk's habit is unambiguous (numbers typed as text,
//! `1,386`, full-width `３８６`, `—` for no data, `92.5%` in a `%` column),
//! strict where a guess could publish a wrong figure (`三百`, `335名`, `1,5`,
//! a date, an error value).

use crate::base::slug::fold_width;
use crate::load::sheets::CellValue;

/// Texts that mean "no data" (after folding width and removing spaces).
const NO_DATA: [&str; 7] = ["-", "--", "—", "——", "–", "/", "无"];

/// A cell's text as compared: full-width forms folded, white space removed.
pub fn squeeze(s: &str) -> String {
    s.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Why a cell is not a number, and what to write instead.
#[derive(Debug, PartialEq)]
pub struct NotANumber {
    pub message: String,
    pub hint: String,
}

/// Reads a metric cell: `Ok(None)` is no data. `percent_unit` says the
/// metric's unit is `%`, so `92.5%` (typed, or a cell formatted as a
/// percentage) is 92.5.
pub fn number(v: &CellValue, percent_unit: bool, unit: &str) -> Result<Option<f64>, NotANumber> {
    match v {
        CellValue::Number { value, percent } => {
            if !value.is_finite() {
                return Err(not_a_number(&value.to_string()));
            }
            match (percent, percent_unit) {
                (false, _) => Ok(Some(*value)),
                (true, true) => Ok(Some(displayed(value * 100.0))),
                (true, false) => Err(NotANumber {
                    message: format!("单元格是百分数 {}%", displayed(value * 100.0)),
                    hint: format!("这一列的单位是“{unit}”，不是 %：把单元格格式改成“数值”后填写"),
                }),
            }
        }
        CellValue::Text(t) => text_number(t, percent_unit, unit),
        CellValue::Bool(b) => Err(NotANumber {
            message: format!(
                "单元格是逻辑值 {}，不是数字",
                if *b { "TRUE" } else { "FALSE" }
            ),
            hint: "只填数字；不填写可以留空或写 —".into(),
        }),
        CellValue::Date { shown, value } => Err(NotANumber {
            message: format!("单元格的格式是日期（显示为 {shown}），不是数字"),
            hint: if value.is_finite() {
                format!(
                    "把单元格格式改成“数值”或“常规”；格式改过之后它是 {}，请核对",
                    displayed(*value)
                )
            } else {
                "把单元格格式改成“数值”或“常规”，再重新填写".into()
            },
        }),
        CellValue::Error(e) => Err(error_value(e)),
    }
}

/// The error values spreadsheets show for a failed formula. LibreOffice's
/// `.ods` and every CSV store them as text.
const ERROR_VALUES: [&str; 8] = [
    "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "#DATA!",
];

fn error_value(e: &str) -> NotANumber {
    NotANumber {
        message: format!("单元格是错误值 {e}"),
        hint: "检查这一格的公式，或直接填写数字".into(),
    }
}

fn not_a_number(text: &str) -> NotANumber {
    NotANumber {
        message: format!("「{text}」不是数字"),
        hint: "指标列只填阿拉伯数字，例如 300；不填写可以留空或写 —".into(),
    }
}

/// A number typed as text: `386`, `1,386`, `３８６`, `85.5%`; `None` for no data.
fn text_number(t: &str, percent_unit: bool, unit: &str) -> Result<Option<f64>, NotANumber> {
    let s = squeeze(t);
    if s.is_empty() || NO_DATA.contains(&s.as_str()) {
        return Ok(None);
    }
    let (body, percent) = match s.strip_suffix('%') {
        Some(b) => (b, true),
        None => (s.as_str(), false),
    };
    if ERROR_VALUES.contains(&s.as_str()) {
        return Err(error_value(&s));
    }
    let Some(n) = plain_number(body) else {
        let digits: String = s
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        let mut e = not_a_number(t.trim());
        if !digits.is_empty() && digits.parse::<f64>().is_ok() {
            e.hint = format!("只写数字 {digits}，单位写在表头（这一列的单位是“{unit}”）");
        }
        return Err(e);
    };
    if percent && !percent_unit {
        return Err(NotANumber {
            message: format!("「{}」带百分号", t.trim()),
            hint: format!("这一列的单位是“{unit}”，不是 %：只写数字"),
        });
    }
    Ok(Some(n))
}

/// `-1,234.5` → -1234.5; `1.5E+3` (Excel's CSV of a long number) → 1500.
/// Thousands separators only in groups of three (`1,5` could be a decimal
/// comma: refused, not guessed). A number too large to hold comes back
/// infinite, for the model's range check to report.
fn plain_number(s: &str) -> Option<f64> {
    let (mantissa, exponent) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
    if exponent.is_some_and(|e| !digits(e.strip_prefix(['-', '+']).unwrap_or(e))) {
        return None;
    }
    let unsigned = mantissa.strip_prefix(['-', '+']).unwrap_or(mantissa);
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    let grouped = groups.len() > 1;
    let int_ok = groups.iter().enumerate().all(|(i, g)| {
        digits(g) && (!grouped || (i == 0 && g.len() <= 3) || (i > 0 && g.len() == 3))
    });
    if !int_ok || frac.is_some_and(|f| !digits(f)) {
        return None;
    }
    s.replace(',', "").parse().ok()
}

/// A computed value as the cell shows it: 0.925 × 100 is 92.50000000000001
/// in binary, 92.5 on screen. Twelve significant digits, as Excel shows at most.
pub fn displayed(v: f64) -> f64 {
    format!("{v:.11e}").parse().unwrap_or(v)
}

/// A year in a cell or a name: `2025`, `2025年`, `２０２５年度`. `Err` holds
/// the text when it is not one.
pub fn year(v: &CellValue) -> Result<Option<i64>, String> {
    match v {
        CellValue::Number { value, .. } if value.fract() == 0.0 && value.abs() < 1e6 => {
            Ok(Some(*value as i64))
        }
        CellValue::Number { value, .. } => Err(value.to_string()),
        CellValue::Text(t) => {
            let s = squeeze(t);
            if s.is_empty() {
                return Ok(None);
            }
            let digits = s
                .strip_suffix("年度")
                .or_else(|| s.strip_suffix('年'))
                .unwrap_or(&s);
            if !digits.is_empty() && digits.len() <= 6 && digits.chars().all(|c| c.is_ascii_digit())
            {
                digits.parse().map(Some).map_err(|_| t.trim().to_owned())
            } else {
                Err(t.trim().to_owned())
            }
        }
        CellValue::Bool(b) => Err(b.to_string()),
        CellValue::Date { shown, .. } => Err(shown.clone()),
        CellValue::Error(e) => Err(e.clone()),
    }
}

/// The year written in a sheet or file name (`2025年统计`, `试点镇2025`):
/// the one run of four digits not touching other digits. `None` if there
/// is none or more than one.
pub fn year_in_name(name: &str) -> Option<i64> {
    let folded: Vec<char> = name.chars().map(fold_width).collect();
    let mut found = None;
    let mut i = 0;
    while i < folded.len() {
        if folded[i].is_ascii_digit() {
            let start = i;
            while i < folded.len() && folded[i].is_ascii_digit() {
                i += 1;
            }
            if i - start == 4 {
                if found.is_some() {
                    return None;
                }
                found = folded[start..i].iter().collect::<String>().parse().ok();
            }
        } else {
            i += 1;
        }
    }
    found
}

/// A cell's text for messages and matching (numbers as written).
pub fn text(v: &CellValue) -> String {
    match v {
        CellValue::Text(t) => t.trim().to_owned(),
        CellValue::Number { value, .. } => value.to_string(),
        CellValue::Bool(b) => b.to_string(),
        CellValue::Date { shown, .. } => shown.clone(),
        CellValue::Error(e) => e.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> CellValue {
        CellValue::Text(s.into())
    }

    fn n(v: f64, percent: bool) -> CellValue {
        CellValue::Number { value: v, percent }
    }

    #[test]
    fn numbers_as_clerks_type_them() {
        for (text, want) in [
            ("386", 386.0),
            (" 386 ", 386.0),
            ("1,386", 1386.0),
            ("12,345,678.5", 12_345_678.5),
            ("３８６", 386.0),
            ("１，３８６．５", 1386.5),
            ("-3", -3.0),
            ("85.5", 85.5),
            ("1.5E+3", 1500.0),
            ("2e-1", 0.2),
        ] {
            assert_eq!(number(&t(text), false, "名"), Ok(Some(want)), "{text}");
        }
        for empty in ["", "  ", "—", "-", "－", "——", "无", "/"] {
            assert_eq!(number(&t(empty), false, "名"), Ok(None), "{empty:?}");
        }
    }

    #[test]
    fn percent_only_where_the_unit_is_percent() {
        assert_eq!(number(&t("92.5%"), true, "%"), Ok(Some(92.5)));
        assert_eq!(number(&t("９２．５％"), true, "%"), Ok(Some(92.5)));
        assert_eq!(number(&n(0.925, true), true, "%"), Ok(Some(92.5)));
        assert_eq!(number(&n(92.5, false), true, "%"), Ok(Some(92.5)));
        assert!(number(&t("92.5%"), false, "名").is_err());
        assert!(number(&n(0.925, true), false, "名").is_err());
    }

    #[test]
    fn everything_else_is_refused_with_a_hint() {
        let e = number(&t("三百"), false, "名").unwrap_err();
        assert_eq!(e.message, "「三百」不是数字");
        let e = number(&t("335名"), false, "名").unwrap_err();
        assert!(e.hint.contains("335"), "{e:?}");
        for bad in [
            "1,5", "1,2345", ",123", "1.2.3", "12a", "inf", "NaN", "1e", "e5", "1.5E+",
        ] {
            assert!(number(&t(bad), false, "名").is_err(), "{bad}");
        }
        let date = CellValue::Date {
            shown: "1901-01-20".into(),
            value: 386.0,
        };
        let e = number(&date, false, "名").unwrap_err();
        assert!(
            e.message.contains("1901-01-20") && e.hint.contains("386"),
            "{e:?}"
        );
        assert!(number(&CellValue::Error("#DIV/0!".into()), false, "名").is_err());
        let e = number(&t("#DIV/0!"), false, "名").unwrap_err();
        assert_eq!(e.message, "单元格是错误值 #DIV/0!");
        assert!(number(&CellValue::Bool(true), false, "名").is_err());
        assert!(number(&n(f64::INFINITY, false), false, "名").is_err());
        // Too large to hold: a number, for the range check to report.
        assert_eq!(number(&t("1e999"), false, "名"), Ok(Some(f64::INFINITY)));
    }

    #[test]
    fn years_in_cells_and_names() {
        assert_eq!(year(&n(2025.0, false)), Ok(Some(2025)));
        assert_eq!(year(&t("2025年")), Ok(Some(2025)));
        assert_eq!(year(&t("２０２５年度")), Ok(Some(2025)));
        assert_eq!(year(&t("")), Ok(None));
        assert!(year(&t("去年")).is_err());
        assert!(year(&n(2025.5, false)).is_err());
        assert_eq!(year_in_name("2025年统计"), Some(2025));
        assert_eq!(year_in_name("试点镇２０２４"), Some(2024));
        assert_eq!(year_in_name("Sheet1"), None);
        assert_eq!(year_in_name("2024-2025对比"), None);
        assert_eq!(year_in_name("20250101"), None);
    }

    /// `1234567.5` → `1,234,567.5`, as Excel shows it with separators.
    fn grouped(v: f64) -> String {
        let s = v.abs().to_string();
        let (int, frac) = s
            .split_once('.')
            .map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
        let mut out = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if let Some(f) = frac {
            out.push('.');
            out.push_str(f);
        }
        if v < 0.0 { format!("-{out}") } else { out }
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_a_number_no_data_or_an_error(text in "\\PC{0,24}", pct: bool) {
            let _ = number(&t(&text), pct, "名");
            let _ = year(&t(&text));
            let _ = year_in_name(&text);
        }

        #[test]
        fn numbers_read_back_as_written(v in -1e12f64..1e12, cents: bool) {
            let v = if cents { (v * 100.0).round() / 100.0 } else { v.round() };
            proptest::prop_assert_eq!(number(&t(&v.to_string()), false, "名"), Ok(Some(v)));
            proptest::prop_assert_eq!(number(&t(&grouped(v)), false, "名"), Ok(Some(v)));
        }
    }

    #[test]
    fn computed_percentages_show_as_typed() {
        assert_eq!(displayed(0.925 * 100.0), 92.5);
        assert_eq!(displayed(0.07 * 100.0), 7.0);
        assert_eq!(displayed(386.0), 386.0);
    }
}

//! `huiwen stats-template YEAR`: the workbook the office sends to towns,
//! belts and alliances to fill in, which reads back from `content/stats/`
//! without edits.
//!
//! One sheet per kind (or the one `--kind` names), named as the kind so the
//! reader knows it; a title, a line of instructions, the header, then a row
//! per entity with its ID, name and the year filled in and locked (grey),
//! and a white, unlocked cell per metric with the metric's number format and
//! a check that only numbers go in. With `--last-year`, a grey reference
//! column after each metric shows the year before (its header ends in
//! （参考）, so the reader skips it). A last sheet explains the rules.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, Format, FormatAlign, FormatBorder, Workbook,
    Worksheet, XlsxError,
};

use crate::base::ids::{EntityKind, Year};
use crate::config::{Config, Metric};
use crate::diag::Diagnostics;
use crate::model::entities::Entity;

#[derive(Debug, Clone)]
pub struct TemplateOptions {
    pub root: PathBuf,
    pub year: i64,
    /// Only this kind; every kind with entities otherwise.
    pub kind: Option<EntityKind>,
    /// Defaults to `<year>年统计表.xlsx` (`<year>年试点镇统计表.xlsx` with a kind).
    pub out: Option<PathBuf>,
    /// Show the year before's figures beside each input column.
    pub last_year: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("站点有 {errors} 个错误，先用 huiwen check 改正")]
    Invalid { errors: usize },
    #[error("{0}")]
    Year(String),
    #[error("站点中没有{0}")]
    Empty(&'static str),
    #[error("{} 已经存在，没有覆盖；换一个文件名（-o）或先删除它", .0.display())]
    Exists(PathBuf),
    #[error("无法写入 {}：{reason}", .path.display())]
    Write { path: PathBuf, reason: String },
}

/// The row the header is on (a title and a line of instructions above it).
const HEADER_ROW: u32 = 2;
const ID_COL: u16 = 0;
const NAME_COL: u16 = 1;
const YEAR_COL: u16 = 2;
const FIRST_METRIC_COL: u16 = 3;
/// Input cells accept numbers in this range (Excel shows a message otherwise).
const INPUT_LIMIT: f64 = 1e12;

/// Writes the template; returns where.
pub fn stats_template(opts: &TemplateOptions) -> (Result<PathBuf, TemplateError>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let result = run(opts, &mut diags);
    (result, diags)
}

fn run(opts: &TemplateOptions, diags: &mut Diagnostics) -> Result<PathBuf, TemplateError> {
    let year = Year::new(opts.year).map_err(TemplateError::Year)?;
    // The same stages as every command; the template needs only the model.
    let plan = crate::pipeline::Plan::default();
    let site = crate::pipeline::prepare_once(&opts.root, &plan, diags).map(|(site, _)| site);
    let site = match site {
        Some(s) if !diags.has_errors() => s,
        _ => {
            return Err(TemplateError::Invalid {
                errors: diags.error_count(),
            });
        }
    };
    let kinds: Vec<EntityKind> = opts
        .kind
        .map_or(EntityKind::ALL.to_vec(), |k| vec![k])
        .into_iter()
        .filter(|k| site.entities.of_kind(*k).next().is_some())
        .collect();
    if kinds.is_empty() {
        return Err(TemplateError::Empty(
            opts.kind
                .map_or("试点镇、示范带或联合体", EntityKind::label),
        ));
    }
    let out = opts.out.clone().unwrap_or_else(|| {
        let kind = opts.kind.map_or("", EntityKind::label);
        PathBuf::from(format!("{year}年{kind}统计表.xlsx"))
    });
    if out.exists() {
        return Err(TemplateError::Exists(out));
    }
    let write_err = |e: XlsxError| TemplateError::Write {
        path: out.clone(),
        reason: e.to_string(),
    };
    let mut book = Workbook::new();
    let styles = Styles::new();
    for kind in kinds {
        let entities: Vec<&Entity> = site.entities.of_kind(kind).map(|(_, e)| e).collect();
        let sheet = book.add_worksheet();
        write_sheet(
            sheet,
            kind,
            &entities,
            &site.config,
            year,
            opts.last_year,
            &styles,
        )
        .map_err(write_err)?;
    }
    write_notes(book.add_worksheet(), year).map_err(write_err)?;
    save(&mut book, &out).map_err(write_err)?;
    Ok(out)
}

fn save(book: &mut Workbook, out: &Path) -> Result<(), XlsxError> {
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    book.save(out)
}

/// The cell formats of the template.
struct Styles {
    title: Format,
    note: Format,
    header: Format,
    given: Format,
    given_number: Format,
}

impl Styles {
    fn new() -> Styles {
        let grey = Color::RGB(0xE7E6E6);
        let cell = Format::new().set_border(FormatBorder::Thin);
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center),
            note: Format::new()
                .set_font_color(Color::RGB(0x595959))
                .set_text_wrap(),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(grey)
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            given: cell.clone().set_background_color(grey),
            given_number: cell.set_background_color(grey),
        }
    }

    /// An input cell of `m`: white, unlocked, with its number format.
    fn input(m: &Metric, integers: bool) -> Format {
        Format::new()
            .set_border(FormatBorder::Thin)
            .set_unlocked()
            .set_num_format(number_format(m, integers))
    }
}

/// `#,##0` for counts, two optional decimals for amounts and rates.
fn number_format(m: &Metric, integers: bool) -> &'static str {
    if integers && m.unit.trim() != "%" {
        "#,##0"
    } else {
        "#,##0.0#"
    }
}

fn write_sheet(
    sheet: &mut Worksheet,
    kind: EntityKind,
    entities: &[&Entity],
    config: &Config,
    year: Year,
    last_year: bool,
    st: &Styles,
) -> Result<(), XlsxError> {
    sheet.set_name(kind.label())?;
    let metrics = &config.metrics;
    let per_metric: u16 = if last_year { 2 } else { 1 };
    let last_col = FIRST_METRIC_COL + per_metric * metrics.len() as u16 - 1;
    sheet.merge_range(
        0,
        0,
        0,
        last_col,
        &format!("{year}年{}统计表", kind.label()),
        &st.title,
    )?;
    sheet.merge_range(
        1,
        0,
        1,
        last_col,
        &format!(
            "灰色格子已填好，不要改动；在白色格子里填 {year} 年的数字（单位见表头），没有的留空。填好后交回，放进站点的 content/stats/ 即可。"
        ),
        &st.note,
    )?;
    sheet.set_row_height(1, 32)?;
    sheet.set_row_height(HEADER_ROW, 36)?;
    for (col, text, width) in [
        (ID_COL, "ID", 16),
        (NAME_COL, "名称", 24),
        (YEAR_COL, "年份", 8),
    ] {
        sheet.write_string_with_format(HEADER_ROW, col, text, &st.header)?;
        sheet.set_column_width(col, width)?;
    }
    let previous = Year::new(i64::from(year.get()) - 1).ok();
    let last_row = HEADER_ROW + entities.len() as u32;
    for (i, m) in metrics.iter().enumerate() {
        let col = FIRST_METRIC_COL + per_metric * i as u16;
        let integers = entities
            .iter()
            .flat_map(|e| e.stats.0.values().filter_map(|r| r.get(&m.key)))
            .all(|v| v.fract() == 0.0);
        sheet.write_string_with_format(HEADER_ROW, col, m.heading(), &st.header)?;
        sheet.set_column_width(col, 12)?;
        let input = Styles::input(m, integers);
        for row in HEADER_ROW + 1..=last_row {
            sheet.write_blank(row, col, &input)?;
        }
        let check = DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(-INPUT_LIMIT, INPUT_LIMIT))
            .set_error_title("请填写数字")?
            .set_error_message(format!(
                "“{}”只填阿拉伯数字（单位：{}），不写单位和文字；没有的留空。",
                m.label,
                if m.unit.is_empty() { "无" } else { &m.unit }
            ))?;
        if last_row > HEADER_ROW {
            sheet.add_data_validation(HEADER_ROW + 1, col, last_row, col, &check)?;
        }
        if let (true, Some(prev)) = (last_year, previous) {
            let ref_format = st
                .given_number
                .clone()
                .set_num_format(number_format(m, integers));
            sheet.write_string_with_format(
                HEADER_ROW,
                col + 1,
                format!("{prev}年（参考）"),
                &st.header,
            )?;
            sheet.set_column_width(col + 1, 10)?;
            for (r, e) in entities.iter().enumerate() {
                let row = HEADER_ROW + 1 + r as u32;
                match e.stats.get(prev, &m.key) {
                    Some(v) => sheet.write_number_with_format(row, col + 1, v, &ref_format)?,
                    None => sheet.write_blank(row, col + 1, &ref_format)?,
                };
            }
        }
    }
    for (r, e) in entities.iter().enumerate() {
        let row = HEADER_ROW + 1 + r as u32;
        sheet.write_string_with_format(row, ID_COL, e.id.as_str(), &st.given)?;
        sheet.write_string_with_format(row, NAME_COL, &e.name, &st.given)?;
        sheet.write_number_with_format(row, YEAR_COL, year.get(), &st.given_number)?;
    }
    sheet.set_freeze_panes(HEADER_ROW + 1, FIRST_METRIC_COL)?;
    sheet.protect();
    Ok(())
}

fn write_notes(sheet: &mut Worksheet, year: Year) -> Result<(), XlsxError> {
    sheet.set_name("填表说明")?;
    sheet.set_column_width(0, 100)?;
    let lines = [
        format!("{year}年统计表填表说明"),
        "1. 每个工作表是一类单位：试点镇、示范带、联合体。每行一个单位，ID、名称、年份已填好（灰色），请勿改动。".to_owned(),
        "2. 白色格子填数字：只写阿拉伯数字，不写单位（单位在表头括号里）；没有的留空或写 —。".to_owned(),
        "3. 百分比指标（单位为 %）直接写数字，例如 92.5。".to_owned(),
        "4. 标着“（参考）”的灰色列是上一年的数字，仅供核对，不会被读取。".to_owned(),
        "5. 不要增删列、不要改表头；多出来的说明写在本工作表里。".to_owned(),
        "6. 填好后保存（.xlsx），交回办公室，放进站点的 content/stats/ 文件夹即可。".to_owned(),
    ];
    for (i, line) in lines.iter().enumerate() {
        sheet.write_string(i as u32, 0, line)?;
    }
    Ok(())
}

//! Diagnostics: every problem found in the input, with where it is and how to fix it.
//!
//! Loading and validation never stop at the first problem: each stage pushes
//! [`Diagnostic`]s into a [`Diagnostics`] list, and the build refuses to write
//! anything if any of them is an error. The CLI prints them sorted by file and
//! line with a short code frame (`Display`), or as JSON.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;
use unicode_width::UnicodeWidthStr;

use crate::base::text::show_invisible;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a source file, 1-based line and column (counted in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn new(line: usize, column: usize) -> Self {
        Pos { line, column }
    }
}

/// A place in a spreadsheet, named as Excel and WPS show it: the sheet (none
/// for a CSV file, which has one) and the cell (`C7`; none for the sheet as a whole).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SheetPlace {
    pub sheet: Option<String>,
    pub cell: Option<String>,
}

impl SheetPlace {
    /// `row` and `col` count from 0; the name counts rows from 1 and columns from A.
    pub fn new(sheet: Option<&str>, cell: Option<(u32, u32)>) -> SheetPlace {
        SheetPlace {
            sheet: sheet.map(str::to_owned),
            cell: cell.map(|(row, col)| format!("{}{}", column_name(col), u64::from(row) + 1)),
        }
    }
}

impl fmt::Display for SheetPlace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.sheet, &self.cell) {
            (Some(s), Some(c)) => write!(f, "工作表「{s}」{c}"),
            (Some(s), None) => write!(f, "工作表「{s}」"),
            (None, Some(c)) => write!(f, "{c}"),
            (None, None) => Ok(()),
        }
    }
}

/// A spreadsheet column's letters: 0 → `A`, 25 → `Z`, 26 → `AA`.
pub fn column_name(col: u32) -> String {
    let mut n = u64::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = ((n - 1) % 26) as u8;
        letters.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// One problem in one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Path relative to the site root (or as given, for files outside it).
    pub file: PathBuf,
    pub pos: Option<Pos>,
    /// In a spreadsheet: the sheet and cell (then `pos` is the cell's row and
    /// column, counted from 1, for sorting).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<SheetPlace>,
    pub message: String,
    /// The source line the position points into, for the code frame.
    #[serde(skip)]
    pub source_line: Option<String>,
    /// Width of the underline below the offending text, in characters.
    #[serde(skip)]
    pub span_chars: usize,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            pos: None,
            sheet: None,
            message: message.into(),
            source_line: None,
            span_chars: 1,
            hint: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    /// Points the diagnostic at `pos` in `source`, keeping the line for the code frame.
    pub fn at(mut self, source: &str, pos: Pos) -> Self {
        self.source_line = source
            .lines()
            .nth(pos.line.saturating_sub(1))
            .map(str::to_owned);
        self.pos = Some(pos);
        self
    }

    /// Like [`Diagnostic::at`], underlining `len` characters.
    pub fn at_span(self, source: &str, pos: Pos, len: usize) -> Self {
        let mut d = self.at(source, pos);
        d.span_chars = len.max(1);
        d
    }

    /// Points the diagnostic at a sheet of a spreadsheet and, if given, a cell
    /// (`row` and `col` counted from 0).
    pub fn in_sheet(mut self, sheet: Option<&str>, cell: Option<(u32, u32)>) -> Self {
        self.pos = cell.map(|(row, col)| Pos::new(row as usize + 1, col as usize + 1));
        self.sheet = Some(SheetPlace::new(sheet, cell));
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "错误",
            Severity::Warning => "警告",
        };
        writeln!(f, "{label}: {}", show_invisible(&self.message))?;
        let file = self.file.display();
        match (&self.sheet, self.pos) {
            (Some(place), _) => writeln!(f, "  --> {file} {place}")?,
            (None, Some(p)) => writeln!(f, "  --> {file}:{}:{}", p.line, p.column)?,
            (None, None) => writeln!(f, "  --> {file}")?,
        }
        if let (Some(p), Some(line)) = (self.pos, &self.source_line) {
            let num = p.line.to_string();
            let pad = " ".repeat(num.len());
            // Align the caret under wide (CJK) characters by display width,
            // invisible characters written out as `<U+200B>`.
            let before: String = line.chars().take(p.column.saturating_sub(1)).collect();
            let marked: String = line
                .chars()
                .skip(p.column.saturating_sub(1))
                .take(self.span_chars)
                .collect();
            let (before, marked) = (show_invisible(&before), show_invisible(&marked));
            let line = show_invisible(line);
            let indent = " ".repeat(before.width());
            let carets = "^".repeat(marked.width().max(1));
            writeln!(f, "{pad} |")?;
            writeln!(f, "{num} | {line}")?;
            writeln!(f, "{pad} | {indent}{carets}")?;
        }
        if let Some(h) = &self.hint {
            writeln!(f, "  = 提示: {}", show_invisible(h))?;
        }
        Ok(())
    }
}

/// The problems found so far. Cheap to merge; sorted once for printing.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.items.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.items.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Sorted by file (and sheet), then line, errors before warnings; exact repeats removed.
    pub fn sorted(&self) -> Vec<Diagnostic> {
        let mut v = self.items.clone();
        let sheet = |d: &Diagnostic| d.sheet.as_ref().and_then(|s| s.sheet.clone());
        v.sort_by(|a, b| {
            (&a.file, sheet(a), a.pos, a.severity, &a.message).cmp(&(
                &b.file,
                sheet(b),
                b.pos,
                b.severity,
                &b.message,
            ))
        });
        v.dedup();
        v
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// A warning for every line of `source` in `lines` (1-based, end
/// excluded) holding an invisible or reordering character (see
/// [`crate::base::text::is_invisible`]), pointing at the first one.
pub fn invisible_chars(
    file: &Path,
    source: &str,
    lines: std::ops::Range<usize>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let n = i + 1;
        if !lines.contains(&n) {
            continue;
        }
        // A byte-order mark at the very start of a file is normal.
        let line_checked = if n == 1 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let skipped = line.chars().count() - line_checked.chars().count();
        if let Some((col, c)) = crate::base::text::find_invisible(line_checked) {
            out.push(
                Diagnostic::warning(
                    file,
                    format!(
                        "第 {n} 行有看不见的字符 <U+{:04X}>（复制粘贴时常会带进来）",
                        c as u32
                    ),
                )
                .at(source, Pos::new(n, skipped + col + 1))
                .with_hint("删掉这个字符：它让看起来相同的文字变得不同，或改变文字的显示顺序"),
            );
        }
    }
    out
}

/// The known name closest to `wrong`, if it is close enough to be a likely typo.
pub fn closest<'a>(wrong: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (wrong.chars().count() / 3).max(2);
    known
        .into_iter()
        .map(|k| (edit_distance(wrong, k), k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `path` relative to `root` when it is inside it, for messages.
pub fn rel_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_aligns_caret_under_wide_characters() {
        let src = "title: 标题\ntowns: [敬仲, jingzhng]\n";
        let d = Diagnostic::error("a.md", "unknown").at_span(src, Pos::new(2, 13), 8);
        let text = d.to_string();
        assert!(text.contains("a.md:2:13"), "{text}");
        // "towns: [敬仲, " is 13 columns wide (two CJK chars count double).
        let caret_line = text.lines().find(|l| l.contains('^')).unwrap();
        assert_eq!(caret_line, "  |               ^^^^^^^^");
    }

    #[test]
    fn invisible_characters_are_shown_in_messages_and_frames() {
        let src = "title: 敬仲\u{202E}镇\n";
        let d = Diagnostic::warning("a.md", "标题 `敬仲\u{202E}镇`").at(src, Pos::new(1, 10));
        let text = d.to_string();
        assert!(!text.contains('\u{202E}'), "{text}");
        assert!(text.contains("敬仲<U+202E>镇"), "{text}");
        let caret_line = text.lines().find(|l| l.contains('^')).unwrap();
        // "title: 敬仲" is 11 columns wide: the caret is under `<U+202E>`.
        assert_eq!(caret_line, "  |            ^^^^^^^^");
    }

    #[test]
    fn sheet_cells_are_named_as_excel_names_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(16_383), "XFD");
        let d = Diagnostic::error("content/stats/统计表.xlsx", "「三百」不是数字")
            .in_sheet(Some("试点镇"), Some((6, 2)));
        assert!(
            d.to_string()
                .contains("--> content/stats/统计表.xlsx 工作表「试点镇」C7"),
            "{d}"
        );
        assert_eq!(d.pos, Some(Pos::new(7, 3)));
        let csv = Diagnostic::error("a.csv", "x").in_sheet(None, Some((0, 0)));
        assert!(csv.to_string().contains("--> a.csv A1"), "{csv}");
    }

    #[test]
    fn closest_finds_typos_only() {
        let known = ["teachers", "students", "guides"];
        assert_eq!(closest("teacher", known), Some("teachers"));
        assert_eq!(closest("xyz", known), None);
    }
}

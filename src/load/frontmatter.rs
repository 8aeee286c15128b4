//! Front matter: the YAML block between `---` lines at the top of a Markdown file.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Pos};
use crate::load::yaml::{LineOffset, Scalar, Spanned, parse, pos_of};

/// A report's or page's front matter as written. Unknown keys are errors
/// (a typo such as `titel` must not pass silently); `extra` holds custom data.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<Spanned<String>>,
    pub date: Option<Spanned<Scalar>>,
    pub author: Option<String>,
    pub region: Option<String>,
    pub kind: Option<String>,
    pub tags: Option<Vec<Spanned<String>>>,
    pub towns: Option<Vec<Spanned<String>>>,
    pub belts: Option<Vec<Spanned<String>>>,
    pub alliances: Option<Vec<Spanned<String>>>,
    pub slug: Option<Spanned<String>>,
    pub summary: Option<String>,
    pub draft: Option<bool>,
    pub weight: Option<i64>,
    pub extra: Option<serde_json::Value>,
}

/// A Markdown file cut into its front matter and body.
pub struct Split<'a> {
    pub yaml: &'a str,
    pub body: &'a str,
    /// File line (1-based) where the body starts.
    pub body_line: usize,
}

/// Cuts `text` at its `---` fences. `Ok(None)` when there is no front matter.
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Option<Split<'a>>, Diagnostic> {
    let Some(rest) = text.strip_prefix("---\n").or_else(|| {
        // `---` alone, then the file ends: empty front matter.
        (text.trim_end() == "---").then_some("")
    }) else {
        return Ok(None);
    };
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        let l = line.trim_end();
        if l == "---" || l == "..." {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok(Some(Split {
                yaml,
                body,
                body_line: i + 3,
            }));
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error(file, "front matter 没有结束：缺少第二个 `---` 行")
            .at(text, Pos::new(1, 1))
            .with_hint("front matter 要用两行 `---` 包起来，第二行 `---` 之后才是正文"),
    )
}

/// Parses the front matter YAML. Lines such as `title：…` (a full-width colon)
/// get their own positioned error, since YAML would read them as plain text.
pub fn parse_front(
    split: &Split<'_>,
    file: &Path,
    full: &str,
) -> Result<FrontMatter, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    for (i, line) in split.yaml.lines().enumerate() {
        if let Some(key) = full_width_key(line) {
            errors.push(
                Diagnostic::error(file, format!("`{key}` 后面用了全角冒号“：”"))
                    .at(
                        full,
                        Pos::new(
                            i + 2,
                            line.find('：').map_or(1, |b| line[..b].chars().count() + 1),
                        ),
                    )
                    .with_hint(format!("改成半角冒号加空格：`{key}: …`")),
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if split.yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    parse::<FrontMatter>(split.yaml, file, full, LineOffset(1)).map_err(|d| vec![d])
}

/// `title：x` → `Some("title")`.
pub fn full_width_key(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('：')?;
    let key = key.trim();
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    plain.then_some(key)
}

/// A calendar date. Written `YYYY-MM-DD` in front matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("日期 `{s}` 格式不对，应写成 YYYY-MM-DD，例如 2025-03-18");
        let s = s.trim();
        let parts: Vec<&str> = s.split('-').collect();
        if parts.len() != 3
            || parts[0].len() != 4
            || parts[1].len() != 2
            || parts[2].len() != 2
            || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let year: i32 = parts[0].parse().map_err(|_| bad())?;
        let month: u8 = parts[1].parse().map_err(|_| bad())?;
        let day: u8 = parts[2].parse().map_err(|_| bad())?;
        if !(1900..=2100).contains(&year) {
            return Err(format!("日期 `{s}` 的年份不在 1900–2100 之间"));
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(format!("日期 `{s}` 不存在"));
        }
        Ok(Date { year, month, day })
    }

    /// From the front-matter value, whichever way YAML typed it.
    pub fn from_scalar(v: &Spanned<Scalar>) -> Result<Date, String> {
        match &v.value {
            Scalar::Text(s) => Date::parse(s),
            other => Date::parse(&other.describe()),
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Position of a front-matter value in the file.
pub fn front_pos<T>(s: &Spanned<T>) -> Pos {
    pos_of(s, LineOffset(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_fences_and_body_line() {
        let t = "---\ntitle: a\n---\n正文\n";
        let s = split(t, Path::new("a.md")).unwrap().unwrap();
        assert_eq!(s.yaml, "title: a\n");
        assert_eq!(s.body, "正文\n");
        assert_eq!(s.body_line, 4);
        assert!(split("正文", Path::new("a.md")).unwrap().is_none());
        assert!(split("---\ntitle: a\n", Path::new("a.md")).is_err());
    }

    #[test]
    fn dates_are_checked() {
        assert_eq!(Date::parse("2024-02-29").unwrap().to_string(), "2024-02-29");
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2025-3-18").is_err());
        assert!(Date::parse("2025年3月18日").is_err());
        assert!(Date::parse("2025-13-01").is_err());
    }

    #[test]
    fn full_width_colon_is_found() {
        assert_eq!(full_width_key("title：标题"), Some("title"));
        assert_eq!(full_width_key("summary: 一、背景：说明"), None);
    }
}

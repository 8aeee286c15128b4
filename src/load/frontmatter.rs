//! Front matter: the YAML block between `---` lines at the top of a Markdown file.

use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, Pos};
use crate::read::yaml::{LineOffset, Scalar, Spanned, full_width_key, parse, pos_of};

/// A report's or page's front matter as written. Unknown keys are errors
/// (a typo such as `titel` must not pass silently); `extra` holds custom data.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<Spanned<String>>,
    pub date: Option<Spanned<Scalar>>,
    pub author: Option<String>,
    pub region: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub tags: Option<Vec<Spanned<String>>>,
    pub towns: Option<Vec<Spanned<String>>>,
    pub belts: Option<Vec<Spanned<String>>>,
    pub alliances: Option<Vec<Spanned<String>>>,
    pub slug: Option<Spanned<String>>,
    pub summary: Option<String>,
    pub draft: Option<bool>,
    pub weight: Option<i64>,
    /// The page's language when it differs from the site's (`zh-Hant`).
    pub language: Option<Spanned<String>>,
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

pub use crate::base::date::Date;

/// A front-matter date, whichever way YAML typed it.
pub fn date_from_scalar(v: &Spanned<Scalar>) -> Result<Date, String> {
    match &v.value {
        Scalar::Text(s) => Date::parse(s),
        other => Date::parse(&other.describe()),
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
    fn full_width_colon_is_found() {
        assert_eq!(full_width_key("title：标题"), Some("title"));
        assert_eq!(full_width_key("summary: 一、背景：说明"), None);
    }
}

//! Themes: templates, UI strings and static assets.
//!
//! The default theme is compiled into the binary (so a site can be nothing but
//! content, and `huiwen init` works anywhere). Lookup order for a template:
//! the site's `templates/`, then `themes/<name>/templates/`, then the built-in
//! default theme, so a theme or site overrides only what it needs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::base::fs::{describe, read_regular};
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::{Fence, files_under};

pub static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// A theme's files, resolved: template sources, UI strings and static assets.
pub struct Theme {
    pub templates: BTreeMap<String, (String, PathBuf)>,
    pub strings: BTreeMap<String, String>,
    /// `(output path under assets/, bytes)`.
    pub assets: Vec<(String, Vec<u8>)>,
}

impl Theme {
    pub fn load(root: &Path, name: &str, diags: &mut Diagnostics) -> Theme {
        let mut theme = Theme {
            templates: BTreeMap::new(),
            strings: BTreeMap::new(),
            assets: Vec::new(),
        };
        theme.add_embedded(diags);
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            theme.add_dir(root, &dir, diags);
        } else if name != "default" {
            diags.push(
                Diagnostic::error(
                    "site.yaml",
                    format!("找不到主题 `{name}`（themes/{name}/ 不存在）"),
                )
                .with_hint("删掉 theme 这一行即可使用内置的默认主题"),
            );
        }
        let overrides = root.join("templates");
        if overrides.is_dir() {
            for (rel, path) in walk(root, &overrides, diags) {
                if let Some(text) = read_text(root, &path, diags) {
                    theme.templates.insert(rel, (text, path));
                }
            }
        }
        theme
    }

    fn add_embedded(&mut self, diags: &mut Diagnostics) {
        for f in all_files(&DEFAULT_THEME) {
            let rel = f.path().to_string_lossy().replace('\\', "/");
            let compacted = compact(&rel, f.contents());
            self.add_file(
                &rel,
                compacted.as_deref().unwrap_or(f.contents()),
                PathBuf::from("themes/default").join(f.path()),
                diags,
            );
        }
    }

    fn add_dir(&mut self, root: &Path, dir: &Path, diags: &mut Diagnostics) {
        for (rel, path) in walk(root, dir, diags) {
            let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            match read_regular(&path) {
                Ok(bytes) => self.add_file(&rel, &bytes, shown, diags),
                Err(e) => diags.push(Diagnostic::error(
                    shown,
                    format!("无法读取主题文件：{}", describe(&e)),
                )),
            }
        }
    }

    fn add_file(&mut self, rel: &str, bytes: &[u8], shown: PathBuf, diags: &mut Diagnostics) {
        if let Some(name) = rel.strip_prefix("templates/") {
            match std::str::from_utf8(bytes) {
                Ok(t) => {
                    self.templates
                        .insert(name.to_owned(), (t.to_owned(), shown));
                }
                Err(_) => diags.push(Diagnostic::error(shown, "模板文件必须是 UTF-8 编码")),
            }
        } else if let Some(name) = rel.strip_prefix("static/") {
            self.assets.retain(|(n, _)| n != name);
            self.assets.push((name.to_owned(), bytes.to_vec()));
        } else if rel == "strings.yaml" {
            let text = String::from_utf8_lossy(bytes);
            match crate::read::yaml::parse::<BTreeMap<String, String>>(
                &text,
                &shown,
                &text,
                crate::read::yaml::LineOffset(0),
            ) {
                Ok(map) => self.strings.extend(map),
                Err(d) => diags.push(d),
            }
        }
    }
}

/// The default theme's style sheet and scripts without their comments,
/// indentation and blank lines: every page loads the style sheet and the
/// search page the script, a tenth of whose bytes were comments and
/// indentation (9 KB of a first query's ~150 KB budget on a slow intranet).
/// Only whole comment lines go, and lines stay lines, so the code is
/// untouched: the repository keeps the commented files. `None`: not such a
/// file (or not UTF-8), kept as it is.
fn compact(rel: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    let css = rel.starts_with("static/") && rel.ends_with(".css");
    let js = rel.starts_with("static/") && rel.ends_with(".js");
    if !css && !js {
        return None;
    }
    let text = std::str::from_utf8(bytes).ok()?;
    let mut out = String::with_capacity(text.len());
    let mut in_comment = false;
    for line in text.lines() {
        let mut line = line.trim();
        if in_comment {
            match line.find("*/") {
                Some(end) => {
                    in_comment = false;
                    line = line[end + 2..].trim();
                }
                None => continue,
            }
        }
        if line.starts_with("/*") {
            match line.find("*/") {
                Some(end) => line = line[end + 2..].trim(),
                None => {
                    in_comment = true;
                    continue;
                }
            }
        }
        // A note after a CSS declaration (CSS has no `//`, and no string of
        // ours holds `/*`).
        if css
            && line.ends_with("*/")
            && let Some(start) = line.rfind("/*")
        {
            line = line[..start].trim_end();
        }
        if line.is_empty() || (js && line.starts_with("//")) {
            continue;
        }
        if css {
            tighten_css(line, &mut out);
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    Some(out.into_bytes())
}

/// A CSS line without the spaces after `:`, `,`, `;` and `{` and before
/// `{` and `}`, outside strings: none of them means anything there (a
/// space inside `calc()` sits around `+` and `-`, which keep theirs).
fn tighten_css(line: &str, out: &mut String) {
    let mut quote = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c.is_whitespace() && matches!(chars.peek(), Some('{' | '}')) => continue,
            None if matches!(c, ':' | ',' | ';' | '{') => {
                out.push(c);
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
                continue;
            }
            None => {}
        }
        out.push(c);
    }
}

fn all_files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<&include_dir::File> = dir.files().collect();
    for d in dir.dirs() {
        out.extend(all_files(d));
    }
    out
}

/// The files of a theme folder, with warnings about links out of the site.
fn walk(root: &Path, dir: &Path, diags: &mut Diagnostics) -> Vec<(String, PathBuf)> {
    let mut warnings = Vec::new();
    let files = files_under(dir, &Fence::new(root), &mut warnings);
    diags.extend(warnings);
    files
}

fn read_text(root: &Path, path: &Path, diags: &mut Diagnostics) -> Option<String> {
    let shown = path.strip_prefix(root).unwrap_or(path);
    match read_regular(path) {
        Ok(b) => match String::from_utf8(b) {
            Ok(s) => Some(s),
            Err(_) => {
                diags.push(Diagnostic::error(shown, "模板文件必须是 UTF-8 编码"));
                None
            }
        },
        Err(e) => {
            diags.push(Diagnostic::error(
                shown,
                format!("无法读取：{}", describe(&e)),
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn style_sheets_and_scripts_lose_comments_and_indentation_only() {
        let css = "/* 主题 */\n:root {\n  --brand: #1d4e89;   /* 深蓝 */\n}\n\n/* 多行\n   注释 */ a { color: red; }\n";
        let out = compact("static/style.css", css.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            ":root{\n--brand:#1d4e89;\n}\na{color:red;}\n"
        );
        let css = "h1, h2 > a:hover { content: \"a: b, c\"; width: calc(1rem + 2px) }\n";
        let out = compact("static/style.css", css.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "h1,h2 > a:hover{content:\"a: b, c\";width:calc(1rem + 2px)}\n"
        );
        let js = "(function () {\n  // 说明\n  var a = 'x // y'; // 尾注\n  /* 说明\n     继续 */\n  return a;\n})();\n";
        let out = compact("static/search.js", js.as_bytes()).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "(function () {\nvar a = 'x // y'; // 尾注\nreturn a;\n})();\n"
        );
        assert_eq!(compact("templates/base.html", b"  <p>"), None);
        assert_eq!(compact("static/favicon.svg", b"<svg/>"), None);
    }

    /// The shipped files shrink, and keep every line of code.
    #[test]
    fn the_default_theme_assets_keep_their_code() {
        for name in ["static/style.css", "static/search.js"] {
            let file = DEFAULT_THEME.get_file(name).expect("in the theme");
            let before = std::str::from_utf8(file.contents()).unwrap();
            let after = String::from_utf8(compact(name, file.contents()).unwrap()).unwrap();
            assert!(
                after.len() * 10 < before.len() * 9,
                "{name}: {} → {}",
                before.len(),
                after.len()
            );
            // The same code lines as the file with every comment cut out
            // (compared without spaces, which CSS loses around punctuation).
            let mut uncommented = String::new();
            let mut rest = before;
            while let Some(start) = rest.find("/*") {
                uncommented.push_str(&rest[..start]);
                let end = rest[start..].find("*/").expect("closed") + start + 2;
                rest = &rest[end..];
            }
            uncommented.push_str(rest);
            let bare = |l: &str| l.split_whitespace().collect::<String>();
            let want: Vec<String> = uncommented
                .lines()
                .map(bare)
                .filter(|l| !l.is_empty() && !l.starts_with("//"))
                .collect();
            let got: Vec<String> = after.lines().map(bare).collect();
            assert_eq!(got, want, "{name}");
        }
    }
}

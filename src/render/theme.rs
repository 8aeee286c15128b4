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
            self.add_file(
                &rel,
                f.contents(),
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

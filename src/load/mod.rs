//! Loading: finds the content files, decodes them and parses their YAML.
//!
//! This stage knows file formats, not meaning: it returns raw structures with
//! positions, and the model stage checks ids, references and metrics. Files are
//! read and parsed in parallel; every problem becomes a diagnostic and loading
//! goes on, so one run reports everything.

pub mod decode;
pub mod entity;
pub mod frontmatter;
pub mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, rel_path};
use crate::model::ids::EntityKind;
use entity::{RawAlliance, RawBelt, RawEntity, RawTown};
use frontmatter::FrontMatter;
use yaml::LineOffset;

pub const CONTENT_DIR: &str = "content";
pub const REPORTS_DIR: &str = "reports";

/// A Markdown file: a report or a plain page.
#[derive(Debug)]
pub struct RawDoc {
    /// Relative to the site root, e.g. `content/reports/2025/a.md`.
    pub file: PathBuf,
    /// The whole decoded file (for code frames).
    pub source: String,
    pub front: FrontMatter,
    pub has_front: bool,
    /// Byte offset of the body in `source`, and its first line.
    pub body_start: usize,
    pub body_line: usize,
    /// For a report that is a folder (`foo/index.md`), the other files in it.
    pub assets: Vec<PathBuf>,
}

impl RawDoc {
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
    }

    /// The name the URL slug comes from: the file stem, or the folder name of a bundle.
    pub fn stem(&self) -> String {
        let stem = self.file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem == "index" {
            if let Some(dir) = self.file.parent().and_then(|p| p.file_name()) {
                return dir.to_string_lossy().into_owned();
            }
        }
        stem.to_owned()
    }
}

/// The entities of one YAML file.
#[derive(Debug)]
pub struct RawEntityFile {
    pub file: PathBuf,
    pub source: String,
    pub entities: Vec<RawEntity>,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct RawContent {
    pub reports: Vec<RawDoc>,
    pub pages: Vec<RawDoc>,
    pub home: Option<RawDoc>,
    pub entity_files: Vec<RawEntityFile>,
    /// Files copied as they are: `(source on disk, path in the output)`.
    pub static_files: Vec<(PathBuf, String)>,
}

enum Item {
    Report(RawDoc),
    Page(RawDoc),
    Home(RawDoc),
    Entities(RawEntityFile),
}

enum Role {
    /// A report file; `bundle` indexes its folder when it is a folder's `index.md`.
    Report {
        bundle: Option<usize>,
    },
    /// A folder report with its asset files.
    Assets(Vec<PathBuf>),
    Page,
    Home,
    Entities(EntityKind),
}

/// Reads all of `root/content`.
pub fn load(root: &Path, diags: &mut Diagnostics) -> RawContent {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        diags.push(
            Diagnostic::error(CONTENT_DIR, "找不到 content/ 目录").with_hint(
                "报告放在 content/reports/，试点镇、示范带、联合体放在 content/towns/ 等目录",
            ),
        );
        return RawContent::default();
    }
    let mut files = Vec::new();
    walk(&content, &mut files);
    files.sort();

    let reports_dir = content.join(REPORTS_DIR);
    // A report folder is one holding an `index.md`; every other file below it is its asset.
    let bundles: HashMap<PathBuf, usize> = files
        .iter()
        .filter(|f| f.starts_with(&reports_dir) && f.file_name().is_some_and(|n| n == "index.md"))
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .enumerate()
        .map(|(i, d)| (d, i))
        .collect();
    let mut assets: Vec<Vec<PathBuf>> = vec![Vec::new(); bundles.len()];
    let bundle_of = |p: &Path| p.ancestors().skip(1).find_map(|a| bundles.get(a).copied());

    let mut out = RawContent::default();
    let mut jobs: Vec<(PathBuf, Role)> = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&content).unwrap_or(path);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        let entity_kind = EntityKind::ALL.into_iter().find(|k| k.dir() == top);
        if path.starts_with(&reports_dir) {
            let is_index = path.file_name().is_some_and(|n| n == "index.md");
            if ext == "md" && (is_index || bundle_of(path).is_none()) {
                jobs.push((
                    path.clone(),
                    Role::Report {
                        bundle: is_index
                            .then(|| path.parent().and_then(|d| bundles.get(d).copied()))
                            .flatten(),
                    },
                ));
            } else if let Some(b) = bundle_of(path) {
                assets[b].push(path.clone());
            } else {
                out.static_files.push((path.clone(), slash_path(rel)));
            }
        } else if let Some(kind) = entity_kind {
            if ext == "yaml" || ext == "yml" {
                jobs.push((path.clone(), Role::Entities(kind)));
            } else {
                diags.push(Diagnostic::warning(
                    rel_path(root, path),
                    format!("{} 目录里只应放 .yaml 文件，这个文件被忽略了", kind.dir()),
                ));
            }
        } else if ext == "md" {
            if rel == Path::new("_index.md") {
                jobs.push((path.clone(), Role::Home));
            } else {
                jobs.push((path.clone(), Role::Page));
            }
        } else {
            out.static_files.push((path.clone(), slash_path(rel)));
        }
    }
    let jobs: Vec<(PathBuf, Role)> = jobs
        .into_iter()
        .map(|(p, r)| match r {
            Role::Report { bundle: Some(b) } => (p, Role::Assets(std::mem::take(&mut assets[b]))),
            other => (p, other),
        })
        .collect();

    let results: Vec<(Option<Item>, Vec<Diagnostic>)> = jobs
        .into_par_iter()
        .map(|(path, role)| read_one(root, &path, role))
        .collect();
    for (item, ds) in results {
        diags.extend(ds);
        match item {
            Some(Item::Report(d)) => out.reports.push(d),
            Some(Item::Page(d)) => out.pages.push(d),
            Some(Item::Home(d)) => out.home = Some(d),
            Some(Item::Entities(e)) => out.entity_files.push(e),
            None => {}
        }
    }
    out
}

/// Files below `dir` (hidden ones skipped) as (`/`-separated relative path,
/// full path), sorted: the order every walk in the build uses.
pub fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    walk(dir, &mut files);
    let mut out: Vec<(String, PathBuf)> = files
        .into_iter()
        .filter_map(|p| Some((slash_path(p.strip_prefix(dir).ok()?), p.clone())))
        .collect();
    out.sort();
    out
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Hidden files, editor back-ups and temp files are never content.
fn ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
        || name.starts_with("~$")
        || name.starts_with("#")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        if ignored(&name.to_string_lossy()) {
            continue;
        }
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&path, out),
            Ok(t) if t.is_file() => out.push(path),
            // Symlinks are followed only when they point at files inside the tree's reach.
            Ok(t) if t.is_symlink() && path.is_file() => out.push(path),
            _ => {}
        }
    }
}

fn read_one(root: &Path, path: &Path, role: Role) -> (Option<Item>, Vec<Diagnostic>) {
    let file = rel_path(root, path);
    let mut diags = Vec::new();
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::error(&file, format!("无法读取文件: {e}")));
            return (None, diags);
        }
    };
    let decoded = decode::decode(&bytes, &file);
    diags.extend(decoded.warning);
    let source = decoded.text;
    let item = match role {
        Role::Entities(kind) => read_entities(&file, source, kind, &mut diags).map(Item::Entities),
        Role::Report { .. } => {
            read_doc(&file, source, Vec::new(), true, &mut diags).map(Item::Report)
        }
        Role::Assets(assets) => read_doc(&file, source, assets, true, &mut diags).map(Item::Report),
        Role::Page => read_doc(&file, source, Vec::new(), false, &mut diags).map(Item::Page),
        Role::Home => read_doc(&file, source, Vec::new(), false, &mut diags).map(Item::Home),
    };
    (item, diags)
}

fn read_doc(
    file: &Path,
    source: String,
    assets: Vec<PathBuf>,
    is_report: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawDoc> {
    let split = match frontmatter::split(&source, file) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let Some(split) = split else {
        if is_report {
            diags.push(
                Diagnostic::error(file, "报告缺少 front matter（开头的 --- 块）")
                    .at(&source, crate::diag::Pos::new(1, 1))
                    .with_hint("报告第一行应为 `---`，接着写 title: 和 date:，再用一行 `---` 结束"),
            );
            return None;
        }
        return Some(RawDoc {
            file: file.to_path_buf(),
            front: FrontMatter::default(),
            has_front: false,
            body_start: 0,
            body_line: 1,
            assets,
            source,
        });
    };
    let body_line = split.body_line;
    let body_start = source.len() - split.body.len();
    let front = match frontmatter::parse_front(&split, file, &source) {
        Ok(f) => f,
        Err(ds) => {
            diags.extend(ds);
            return None;
        }
    };
    Some(RawDoc {
        file: file.to_path_buf(),
        front,
        has_front: true,
        body_start,
        body_line,
        assets,
        source,
    })
}

fn read_entities(
    file: &Path,
    source: String,
    kind: EntityKind,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawEntityFile> {
    // A file holds one mapping or a list of them; YAML shows which at its first token.
    let is_list = source
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .is_some_and(|l| l.starts_with("- ") || l == "-" || l.starts_with('['));
    if source.trim().is_empty() {
        diags.push(Diagnostic::warning(file, "文件是空的，已忽略"));
        return None;
    }
    macro_rules! parse_as {
        ($t:ty, $variant:ident) => {{
            let r: Result<Vec<$t>, Diagnostic> = if is_list {
                yaml::parse::<Vec<$t>>(&source, file, &source, LineOffset(0))
            } else {
                yaml::parse::<$t>(&source, file, &source, LineOffset(0)).map(|e| vec![e])
            };
            r.map(|v| v.into_iter().map(RawEntity::$variant).collect::<Vec<_>>())
        }};
    }
    let parsed = match kind {
        EntityKind::Town => parse_as!(RawTown, Town),
        EntityKind::Belt => parse_as!(RawBelt, Belt),
        EntityKind::Alliance => parse_as!(RawAlliance, Alliance),
    };
    match parsed {
        Ok(entities) => Some(RawEntityFile {
            file: file.to_path_buf(),
            source,
            entities,
        }),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

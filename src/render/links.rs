//! Links between content files: `[见](../2024/foo.md)` and
//! `[敬仲镇](../../towns/jingzhong.yaml)` become links to those pages, and a
//! relative link to an attachment goes where the attachment is published.
//! A link to a file that does not exist, or to a `#anchor` that the target
//! report does not have, is an error with file and line.

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use crate::base::ids::SitePath;
use crate::base::url::percent_decode;
use crate::model::Site;
use crate::render::markdown::{anchor, options, unique_id};

#[derive(Hash)]
enum Target {
    /// A page, with the index of its report (for anchors) when it is one.
    Page(SitePath, Option<usize>),
    /// A YAML file with several entities: `#id` picks one.
    Entities(Vec<(String, SitePath)>),
    /// A published file (attachment or static file) at this output path.
    File(String),
    /// A report outside this (year-scoped) site: on the live site at this path.
    Elsewhere(SitePath),
    /// A file with errors of its own: links to it are left as they are (the
    /// build fails on those errors anyway).
    Failed,
}

/// Every content file a link may point at, by its path relative to the site root.
pub struct LinkResolver {
    root: PathBuf,
    targets: FxHashMap<PathBuf, Target>,
    anchors: Vec<OnceLock<Vec<String>>>,
}

impl LinkResolver {
    pub fn new(site: &Site, root: &Path) -> LinkResolver {
        let mut targets = FxHashMap::default();
        for (i, r) in site.reports.iter().enumerate() {
            targets.insert(r.file.clone(), Target::Page(r.path.clone(), Some(i)));
            let dir = r.file.parent().map(Path::to_path_buf).unwrap_or_default();
            for a in &r.assets {
                let out = format!("{}{}", r.path, a.rel);
                targets.insert(dir.join(&a.rel), Target::File(out));
            }
        }
        for (file, path) in &site.elsewhere {
            targets.insert(file.clone(), Target::Elsewhere(path.clone()));
        }
        for file in &site.failed {
            targets.insert(file.clone(), Target::Failed);
        }
        for p in &site.pages {
            targets.insert(p.file.clone(), Target::Page(p.path.clone(), None));
        }
        if let Some(h) = &site.home {
            targets.insert(h.file.clone(), Target::Page(SitePath::root(), None));
        }
        let mut by_file: FxHashMap<PathBuf, Vec<(String, SitePath)>> = FxHashMap::default();
        for e in &site.entities.all {
            by_file
                .entry(e.file.clone())
                .or_default()
                .push((e.id.to_string(), e.path.clone()));
        }
        for (file, list) in by_file {
            let t = if list.len() == 1 {
                Target::Page(list[0].1.clone(), None)
            } else {
                Target::Entities(list)
            };
            targets.insert(file, t);
        }
        for (src, out) in &site.static_files {
            let rel = src.strip_prefix(root).unwrap_or(src).to_path_buf();
            targets.insert(rel, Target::File(out.clone()));
        }
        LinkResolver {
            root: root.to_path_buf(),
            targets,
            anchors: (0..site.reports.len()).map(|_| OnceLock::new()).collect(),
        }
    }

    /// A hash of where the content file `file` is published, or `None` if
    /// it is not: what a link to it shows (see [`crate::render::deps::Dep::Target`]).
    pub fn target_key(&self, site: &Site, file: &Path) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let t = self.targets.get(file)?;
        let mut h = std::hash::DefaultHasher::new();
        t.hash(&mut h);
        if let Target::Elsewhere(_) = t {
            site.config.base_url.hash(&mut h);
        }
        Some(h.finish())
    }

    /// Resolves `dest`, written in the file `from` (site-root relative), into a
    /// site path or output file path plus fragment (`Ok(None)`: leave the
    /// link as it is: external, absolute, or a same-page anchor), and says
    /// which content file it names, and whether its anchors were checked.
    pub fn resolve(&self, site: &Site, from: &Path, dest: &str) -> Resolution {
        let mut res = Resolution {
            result: Ok(None),
            target: None,
            anchored: false,
        };
        res.result = self.resolve_into(site, from, dest, &mut res.target, &mut res.anchored);
        res
    }

    fn resolve_into(
        &self,
        site: &Site,
        from: &Path,
        dest: &str,
        named: &mut Option<PathBuf>,
        anchored: &mut bool,
    ) -> Result<Option<(String, String)>, String> {
        let lower = dest.to_ascii_lowercase();
        if dest.is_empty()
            || dest.starts_with('#')
            || dest.starts_with('/')
            || dest.starts_with("//")
            || lower.split_once(':').is_some_and(|(s, _)| {
                s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            })
        {
            return Ok(None);
        }
        let (path_part, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (dest, None),
        };
        let path_part = path_part.split('?').next().unwrap_or("");
        let decoded = percent_decode(path_part);
        let base = from.parent().unwrap_or(Path::new(""));
        let Some(target_file) =
            crate::base::fs::normalize(&base.join(&decoded)).filter(|p| p.is_relative())
        else {
            return Err(format!("链接 `{dest}` 指到了站点目录之外"));
        };
        *named = Some(target_file.clone());
        let Some(target) = self.targets.get(&target_file) else {
            return Err(if self.root.join(&target_file).exists() {
                format!(
                    "{} 存在，但不是发布的内容（草稿、有错误的文件或不发布的文件）",
                    target_file.display()
                )
            } else {
                format!("链接的文件不存在：{}", target_file.display())
            });
        };
        self.href_of(site, target, &target_file, fragment, anchored)
    }

    /// Where a link to `target` (the file `target_file`) goes.
    fn href_of(
        &self,
        site: &Site,
        target: &Target,
        target_file: &Path,
        fragment: Option<&str>,
        anchored: &mut bool,
    ) -> Result<Option<(String, String)>, String> {
        let frag = || fragment.map(|f| format!("#{f}")).unwrap_or_default();
        match target {
            Target::Failed => Ok(None),
            Target::File(out) => Ok(Some((out.clone(), frag()))),
            Target::Elsewhere(path) => {
                let live = &site.config.base_url;
                if site.config.has_full_address() {
                    Ok(Some((format!("{live}{path}"), frag())))
                } else {
                    Err(format!(
                        "{} 不在本年度归档中，而 base_url 不是完整网址，无法链接到在线版",
                        target_file.display()
                    ))
                }
            }
            Target::Page(path, report) => {
                if let (Some(f), Some(i)) = (fragment, report) {
                    *anchored = true;
                    let ids = self.anchors[*i].get_or_init(|| heading_ids(site.reports[*i].body()));
                    let f = percent_decode(f);
                    if !f.is_empty() && !ids.contains(&f) {
                        return Err(format!("{} 中没有锚点 `#{f}`", target_file.display()));
                    }
                }
                Ok(Some((path.to_string(), frag())))
            }
            Target::Entities(list) => {
                let Some(f) = fragment else {
                    return Err(format!(
                        "{} 中有多个对象，请用 #id 指明，例如 #{}",
                        target_file.display(),
                        list[0].0
                    ));
                };
                list.iter()
                    .find(|(id, _)| id == f)
                    .map(|(_, p)| Some((p.to_string(), String::new())))
                    .ok_or_else(|| format!("{} 中没有 id 为 `{f}` 的对象", target_file.display()))
            }
        }
    }
}

/// What [`LinkResolver::resolve`] found.
pub struct Resolution {
    /// The rewritten link, `Ok(None)` to leave it, `Err` for a broken one.
    pub result: Result<Option<(String, String)>, String>,
    /// The content file the link names, if it names one.
    pub target: Option<PathBuf>,
    /// Whether the link's `#anchor` was checked against that report's headings.
    pub anchored: bool,
}

/// The ids the renderer gives a body's headings (same rules, same order).
pub fn heading_ids(body: &str) -> Vec<String> {
    let mut used = std::collections::HashSet::new();
    let mut ids = Vec::new();
    let mut in_heading: Option<Option<String>> = None;
    let mut text = String::new();
    for ev in Parser::new_ext(body, options()) {
        match ev {
            Event::Start(Tag::Heading { id, .. }) => {
                in_heading = Some(id.map(|s| s.to_string()));
                text.clear();
            }
            Event::Text(t) | Event::Code(t) if in_heading.is_some() => text.push_str(&t),
            Event::End(TagEnd::Heading(_)) => {
                if let Some(explicit) = in_heading.take() {
                    let base = explicit.unwrap_or_else(|| anchor(&text));
                    ids.push(unique_id(&base, &mut used));
                }
            }
            _ => {}
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_match_the_renderer() {
        assert_eq!(
            heading_ids("## 一、背景\n\n## 一、背景\n\n### B c\n"),
            vec!["一背景", "一背景-1", "b-c"]
        );
    }
}

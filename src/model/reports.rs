//! Reports and plain pages: front matter checked, references resolved, URLs fixed.

use rustc_hash::FxHashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use rayon::prelude::*;
use serde::Serialize;

use crate::base::ids::{EntityKind, SitePath, Year};
use crate::base::slug::{is_valid_slug, slugify};
use crate::diag::{Diagnostic, Diagnostics, Pos, closest};
use crate::load::frontmatter::{Date, front_pos};
use crate::load::{RawDoc, Rev};
use crate::model::ModelOptions;
use crate::model::entities::Entities;
use crate::read::yaml::Spanned;
use crate::tidy::junk::Matcher;

/// A tag as written and its URL slug.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Label {
    pub name: String,
    pub slug: String,
}

impl Report {
    /// Where the label `name` was written in this report's file.
    pub fn label_at(&self, name: &str) -> Option<Pos> {
        self.label_pos
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, p)| *p)
    }
}

impl Label {
    pub fn new(name: &str) -> Label {
        Label {
            name: name.trim().to_owned(),
            slug: slugify(name),
        }
    }
}

#[derive(Debug)]
pub struct Report {
    /// The read of the file this was made from (see [`crate::load::Rev`]).
    pub rev: Rev,
    pub file: PathBuf,
    pub source: String,
    pub body_start: usize,
    pub body_line: usize,
    pub title: String,
    pub date: Date,
    pub year: Year,
    pub author: String,
    pub region: Option<Label>,
    pub kind: Label,
    pub tags: Vec<Label>,
    /// Referenced entities (indexes into `Site::entities.all`), in front-matter order.
    pub entities: Vec<usize>,
    pub slug: String,
    pub path: SitePath,
    /// Plain text: the front-matter summary or the first paragraph.
    pub summary: String,
    pub draft: bool,
    pub assets: Vec<crate::load::Asset>,
    /// Where each tag, region and kind was written (for messages).
    pub label_pos: Vec<(String, Pos)>,
    /// Where the URL comes from: the `slug:` line, or the first line.
    pub slug_at: Pos,
    /// The report's language when it is not the site's: from `language:`,
    /// or `zh-Hant` for a report written in Traditional characters.
    pub lang: Option<String>,
    pub extra: serde_json::Value,
}

impl Report {
    /// The region as written, or "" when the report names none.
    pub fn region_name(&self) -> &str {
        self.region.as_ref().map_or("", |g| g.name.as_str())
    }
}

/// A Markdown file of the model (a report or a page), as the renderer needs it.
pub trait MarkdownDoc {
    /// Path relative to the site root, for messages.
    fn file(&self) -> &std::path::Path;
    /// The whole decoded file, for code frames.
    fn source(&self) -> &str;
    /// The Markdown after the front matter.
    fn body(&self) -> &str;
    /// File line where the body starts.
    fn body_line(&self) -> usize;
}

macro_rules! markdown_doc {
    ($t:ty) => {
        impl $t {
            pub fn body(&self) -> &str {
                &self.source[self.body_start..]
            }
        }

        impl MarkdownDoc for $t {
            fn file(&self) -> &std::path::Path {
                &self.file
            }
            fn source(&self) -> &str {
                &self.source
            }
            fn body(&self) -> &str {
                <$t>::body(self)
            }
            fn body_line(&self) -> usize {
                self.body_line
            }
        }
    };
}
markdown_doc!(Report);
markdown_doc!(Page);

#[derive(Debug)]
pub struct Page {
    pub file: PathBuf,
    pub source: String,
    pub body_start: usize,
    pub body_line: usize,
    pub title: String,
    pub path: SitePath,
    pub weight: i64,
    /// As [`Report::lang`].
    pub lang: Option<String>,
}

/// The kind used when a report names none.
pub const DEFAULT_KIND: &str = "经验交流";

/// Reports by the revision of their file: see [`crate::model::Memo`].
pub(crate) type ReportMemo = FxHashMap<Rev, (u64, Option<Arc<Report>>, Vec<Diagnostic>)>;

/// The checked reports (newest first), those of other years in a year-scoped
/// site with their URLs, and the files of reports with errors.
pub struct Built {
    pub reports: Vec<Arc<Report>>,
    pub elsewhere: Vec<(PathBuf, SitePath)>,
    pub failed: Vec<PathBuf>,
}

pub fn build_reports(
    raw: Vec<Arc<RawDoc>>,
    entities: &Entities,
    opts: ModelOptions,
    diags: &mut Diagnostics,
    memo: &mut ReportMemo,
) -> Built {
    // A report depends on the entities through their ids (references), and,
    // only if it has a wrong reference, their names (the hint may suggest the
    // id of an entity whose name was written instead): such reports are
    // always built again, so renaming a town does not rebuild every report.
    let ents_key = {
        let mut h = DefaultHasher::new();
        for e in &entities.all {
            (e.kind.as_str(), e.id.as_str()).hash(&mut h);
        }
        let mut unresolved: Vec<_> = entities.unresolved.iter().collect();
        unresolved.sort();
        unresolved.hash(&mut h);
        h.finish()
    };
    let old = std::mem::take(memo);
    type Result1 = (Rev, PathBuf, Option<Arc<Report>>, Vec<Diagnostic>);
    let results: Vec<Result1> = raw
        .into_par_iter()
        .map(|doc| {
            if let Some((k, r, ds)) = old.get(&doc.rev)
                && *k == ents_key
                && !ds.iter().any(Diagnostic::is_error)
            {
                return (doc.rev, doc.file.clone(), r.clone(), ds.clone());
            }
            let mut ds = Vec::new();
            let (rev, file) = (doc.rev, doc.file.clone());
            let r = build_report(doc, entities, &mut ds).map(Arc::new);
            (rev, file, r, ds)
        })
        .collect();
    let mut reports = Vec::with_capacity(results.len());
    let mut elsewhere = Vec::new();
    let mut failed = Vec::new();
    for (rev, file, r, ds) in results {
        diags.extend(ds.iter().cloned());
        if r.is_none() {
            failed.push(file);
        }
        memo.insert(rev, (ents_key, r.clone(), ds));
        let Some(r) = r.filter(|r| opts.drafts || !r.draft) else {
            continue;
        };
        if opts.year.is_none_or(|y| r.year == y) {
            reports.push(r);
        } else {
            elsewhere.push((r.file.clone(), r.path.clone()));
        }
    }
    reports.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.file.cmp(&b.file))
    });
    Built {
        reports,
        elsewhere,
        failed,
    }
}

fn build_report(
    doc: Arc<RawDoc>,
    entities: &Entities,
    diags: &mut Vec<Diagnostic>,
) -> Option<Report> {
    let f = &doc.front;
    // Every check runs before any `?`: all of a file's errors at once.
    let title = title(&doc, diags);
    let date = date(&doc, diags);
    let refs = entity_refs(&doc, entities, diags);
    let slug = slug(&doc, diags);
    let tags = tags(&doc, diags);
    let (title, date, slug) = (title?, date?, slug?);
    let year = Year::new(i64::from(date.year)).ok()?;
    let author = f.author.clone().unwrap_or_default().trim().to_owned();
    let mut label_pos: Vec<(String, Pos)> = f
        .tags
        .iter()
        .flatten()
        .chain(&f.region)
        .chain(&f.kind)
        .map(|t| (t.value.trim().to_owned(), front_pos(t)))
        .collect();
    label_pos.dedup_by(|a, b| a.0 == b.0);
    let region = f
        .region
        .as_ref()
        .map(|r| r.value.trim())
        .filter(|r| !r.is_empty())
        .map(Label::new);
    let kind = Label::new(
        f.kind
            .as_ref()
            .map(|k| k.value.trim())
            .filter(|k| !k.is_empty())
            .unwrap_or(DEFAULT_KIND),
    );
    let draft = f.draft.unwrap_or(false);
    let extra = f.extra.clone().unwrap_or(serde_json::Value::Null);
    let body = &doc.source[doc.body_start..];
    let summary = match &f.summary {
        Some(s) if !s.trim().is_empty() => s.trim().to_owned(),
        _ => auto_summary(&title, body),
    };
    let rev = doc.rev;
    let slug_at = f.slug.as_ref().map_or(Pos::new(1, 1), front_pos);
    let lang = language(&doc, &title, diags);
    // The loader keeps its own copy only in `huiwen serve`; a build moves the text.
    let d = Arc::try_unwrap(doc).unwrap_or_else(|d| (*d).clone());
    Some(Report {
        path: SitePath::dir(["reports", &year.to_string(), &slug]),
        slug,
        title,
        date,
        year,
        author,
        region,
        kind,
        tags,
        entities: refs,
        summary,
        draft,
        extra,
        rev,
        file: d.file,
        body_start: d.body_start,
        body_line: d.body_line,
        assets: d.assets,
        label_pos,
        slug_at,
        lang,
        source: d.source,
    })
}

/// The title (required, not blank).
fn title(doc: &RawDoc, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let err = |msg: &str| Diagnostic::error(&doc.file, msg.to_owned());
    match &doc.front.title {
        Some(t) if !t.value.trim().is_empty() => Some(t.value.trim().to_owned()),
        Some(t) => {
            diags.push(err("title 不能为空").at(&doc.source, front_pos(t)));
            None
        }
        None => {
            diags.push(
                err("缺少必填字段 title（标题）")
                    .at(&doc.source, Pos::new(1, 1))
                    .with_hint("在 front matter 中加一行，例如 `title: 敬仲镇试点工作经验交流`"),
            );
            None
        }
    }
}

/// The date (required, a real calendar day).
fn date(doc: &RawDoc, diags: &mut Vec<Diagnostic>) -> Option<Date> {
    let src = &doc.source;
    let Some(d) = &doc.front.date else {
        diags.push(
            Diagnostic::error(&doc.file, "缺少必填字段 date（日期）".to_owned())
                .at(src, Pos::new(1, 1))
                .with_hint("在 front matter 中加一行，例如 `date: 2025-03-18`"),
        );
        return None;
    };
    crate::load::frontmatter::date_from_scalar(d)
        .map_err(|msg| {
            diags.push(
                Diagnostic::error(&doc.file, msg)
                    .at(src, front_pos(d))
                    .with_hint("日期写成 YYYY-MM-DD，例如 `date: 2025-03-18`"),
            );
        })
        .ok()
}

/// The entities the report names, each once. An unknown id is reported,
/// but the report is still made (without the reference), so rendering can
/// find its other mistakes; the build fails on the error anyway.
fn entity_refs(doc: &RawDoc, entities: &Entities, diags: &mut Vec<Diagnostic>) -> Vec<usize> {
    let f = &doc.front;
    let mut refs = Vec::new();
    for kind in EntityKind::ALL {
        let list = match kind {
            EntityKind::Town => &f.towns,
            EntityKind::Belt => &f.belts,
            EntityKind::Alliance => &f.alliances,
        };
        for id in list.iter().flatten() {
            match entities.get(kind, id.value.trim()) {
                Some(i) if refs.contains(&i) => {}
                Some(i) => refs.push(i),
                None if entities.is_unresolved(kind, &id.value) => {}
                None => diags.push(unknown_ref(&doc.file, &doc.source, kind, id, entities)),
            }
        }
    }
    refs
}

/// The last part of the report's address: `slug:` if given and valid,
/// else made from the file name (capped, with a warning when cut).
fn slug(doc: &RawDoc, diags: &mut Vec<Diagnostic>) -> Option<String> {
    let err = |msg: String| Diagnostic::error(&doc.file, msg);
    if let Some(s) = &doc.front.slug {
        if is_valid_slug(s.value.trim()) {
            return Some(s.value.trim().to_owned());
        }
        diags.push(
            err(format!("slug `{}` 无效", s.value))
                .at(&doc.source, front_pos(s))
                .with_hint("slug 只用小写字母、数字、- 和 _，不超过 200 个字符，例如 `slug: jingzhong-2025`"),
        );
        return None;
    }
    let (s, cut) = crate::base::slug::slugify_capped(&doc.stem());
    if cut {
        diags.push(
            Diagnostic::warning(&doc.file, format!("文件名太长，网址只取了前一部分：{s}"))
                .with_hint("在 front matter 中写一个短一些的 `slug:`，例如 `slug: jingzhong-2025`"),
        );
    }
    if s.is_empty() {
        diags.push(
            err("无法从文件名生成网址".into())
                .with_hint("在 front matter 中写 `slug: 英文或拼音网址`"),
        );
        return None;
    }
    Some(s)
}

/// The tags, each once; one that gives no address is reported and left out.
fn tags(doc: &RawDoc, diags: &mut Vec<Diagnostic>) -> Vec<Label> {
    let mut tags: Vec<Label> = Vec::new();
    for t in doc.front.tags.iter().flatten() {
        let label = Label::new(&t.value);
        if label.slug.is_empty() {
            diags.push(
                Diagnostic::error(&doc.file, format!("标签 `{}` 无法生成网址", t.value))
                    .at(&doc.source, front_pos(t)),
            );
            continue;
        }
        if !tags.contains(&label) {
            tags.push(label);
        }
    }
    tags
}

fn unknown_ref(
    file: &std::path::Path,
    src: &str,
    kind: EntityKind,
    id: &Spanned<String>,
    entities: &Entities,
) -> Diagnostic {
    let d = Diagnostic::error(file, format!("找不到{} `{}`", kind.label(), id.value)).at_span(
        src,
        front_pos(id),
        id.value.chars().count(),
    );
    let known = entities.ids_of(kind);
    // Authors often write the Chinese name where the id belongs.
    let by_name = entities
        .of_kind(kind)
        .find(|(_, e)| e.name == id.value.trim())
        .map(|(_, e)| e.id.as_str());
    match by_name.or_else(|| closest(id.value.trim(), known.iter().copied())) {
        Some(c) => d.with_hint(format!(
            "是不是 `{c}`？{} 字段填 id，不填名称",
            kind.field()
        )),
        None => d.with_hint(format!("content/{}/ 中没有这个 id", kind.dir())),
    }
}

/// The summary of a report that gives none: the first sentences of its
/// text that are not web residue, the title again, a salutation, a date or
/// a signature (see [`crate::tidy::summary::pick`]), about 120 characters.
pub fn auto_summary(title: &str, body: &str) -> String {
    crate::tidy::summary::pick(title, paragraph_texts(body), Matcher::builtin())
}

/// The plain text of each paragraph of `body`, read as they are needed.
fn paragraph_texts(body: &str) -> impl Iterator<Item = String> + '_ {
    let mut events = Parser::new(body);
    std::iter::from_fn(move || {
        let mut text = String::new();
        let mut in_para = false;
        for ev in events.by_ref() {
            match ev {
                Event::Start(Tag::Paragraph) => in_para = true,
                Event::End(TagEnd::Paragraph) if in_para => return Some(text),
                Event::Text(t) | Event::Code(t) if in_para => text.push_str(&t),
                // A line break reads as a space; between Chinese characters it goes.
                Event::SoftBreak if in_para => text.push(' '),
                _ => {}
            }
        }
        None
    })
}

pub fn truncate_chars(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(n).collect();
    out.push('…');
    out
}

/// A document's language when it is not the site's: its `language:`
/// (checked), or `zh-Hant` when its text is in Traditional characters.
fn language(doc: &RawDoc, title: &str, diags: &mut Vec<Diagnostic>) -> Option<String> {
    if let Some(l) = &doc.front.language {
        let tag = l.value.trim();
        if crate::config::is_language_tag(tag) {
            return Some(tag.to_owned());
        }
        diags.push(
            Diagnostic::error(&doc.file, format!("language `{tag}` 不是有效的语言代码"))
                .at(&doc.source, front_pos(l))
                .with_hint("繁体写 `zh-Hant`，简体写 `zh-Hans` 或 `zh-CN`"),
        );
        return None;
    }
    let text = format!("{title}\n{}", &doc.source[doc.body_start..]);
    crate::base::hanzi::is_traditional(&text).then(|| "zh-Hant".to_owned())
}

pub fn build_pages(raw: Vec<Arc<RawDoc>>, diags: &mut Diagnostics) -> Vec<Page> {
    let mut pages: Vec<Page> = raw
        .into_iter()
        .filter_map(|doc| {
            let rel = doc.file.strip_prefix("content").unwrap_or(&doc.file);
            let mut segs: Vec<String> = rel
                .parent()
                .into_iter()
                .flat_map(|p| p.components())
                .map(|c| slugify(&c.as_os_str().to_string_lossy()))
                .collect();
            let stem = match &doc.front.slug {
                Some(s) if is_valid_slug(&s.value) => s.value.clone(),
                _ => slugify(&doc.stem()),
            };
            if stem.is_empty() {
                diags.push(
                    Diagnostic::error(&doc.file, "无法从文件名生成网址")
                        .with_hint("在 front matter 中写 `slug: 英文或拼音网址`"),
                );
                return None;
            }
            segs.push(stem);
            let title = doc
                .front
                .title
                .as_ref()
                .map(|t| t.value.trim().to_owned())
                .unwrap_or_else(|| doc.stem());
            let mut ds = Vec::new();
            let lang = language(&doc, &title, &mut ds);
            diags.extend(ds);
            Some(Page {
                lang,
                path: SitePath::dir(&segs),
                title,
                weight: doc.front.weight.unwrap_or(0),
                file: doc.file.clone(),
                body_start: doc.body_start,
                body_line: doc.body_line,
                source: doc.source.clone(),
            })
        })
        .collect();
    pages.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.path.cmp(&b.path)));
    pages
}

pub fn home_page(doc: &RawDoc) -> Page {
    Page {
        lang: None,
        title: doc
            .front
            .title
            .as_ref()
            .map(|t| t.value.clone())
            .unwrap_or_default(),
        path: SitePath::root(),
        weight: 0,
        file: doc.file.clone(),
        body_start: doc.body_start,
        body_line: doc.body_line,
        source: doc.source.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_skip_salutations_titles_and_residue() {
        assert_eq!(
            auto_summary("标题", "各位领导、同志们：\n\n今年以来，我们坚持……\n"),
            "今年以来，我们坚持……"
        );
        assert_eq!(
            auto_summary("标题", "## 标题\n\n第一段\n第二行\n\n第二段"),
            "第一段第二行"
        );
        assert_eq!(
            auto_summary(
                "桃源镇经验交流",
                "购物车 我的足迹\n\n桃源镇经验交流\n\n澳门威尼斯人 百家乐 时时彩\n\n我们把特色项目建设作为强镇筑基的突破口，全镇学校面貌发生了明显变\n化。现将有关做法汇报如下。\n"
            ),
            "我们把特色项目建设作为强镇筑基的突破口，全镇学校面貌发生了明显变化。现将有关做法汇报如下。"
        );
        assert_eq!(auto_summary("标题", ""), "");
    }
}

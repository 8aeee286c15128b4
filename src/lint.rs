//! Content lints: warnings, not errors, about text that is probably a mistake.
//!
//! Pasted-web residue: material copied from web pages carries lines such as
//! "VIP免费下载", "购物车", "下面是小编为大家整理的…", page counters and
//! gambling spam. Each line of a report's text (outside code blocks and link
//! targets) is judged by the residue list of [`crate::tidy::junk`], the one
//! `huiwen import` and `huiwen tidy` remove lines with, or by the patterns
//! in `site.yaml` (`residue:`).
//!
//! Lost structure: a long paragraph with heading numbers inside, made of
//! lines that each look like a paragraph, or with a PDF's line breaks left
//! as spaces, is what `huiwen tidy` would cut up; it gets a warning saying so.

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::load::Rev;
use crate::model::{Report, Site};
use crate::tidy::junk::{Matcher, Verdict};
use crate::tidy::summary::{Reason, untidy_paragraphs};

/// Link targets `](…)` are not visible text: blank them out.
fn visible_text(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(i) = rest.find("](") {
        out.push_str(&rest[..i + 1]);
        let after = &rest[i + 2..];
        let close = after.find(')').map_or(after.len(), |j| j + 1);
        out.push_str(&" ".repeat(after[..close].chars().count() + 1));
        rest = &after[close..];
    }
    out.push_str(rest);
    out
}

/// Each report's warnings by the revision of its file, for the residue
/// setting they were found with (`huiwen serve` lints only changed files).
#[derive(Default)]
pub struct Memo {
    residue: Option<crate::config::ResidueConfig>,
    found: FxHashMap<Rev, Vec<Diagnostic>>,
}

/// Warns about pasted-web residue and lost structure in every report.
pub fn lint(site: &Site, diags: &mut Diagnostics) {
    lint_with(site, diags, &mut Memo::default());
}

/// [`lint`], taking the warnings of reports unchanged since the last round from `memo`.
pub fn lint_with(site: &Site, diags: &mut Diagnostics, memo: &mut Memo) {
    let residue = &site.config.residue;
    if memo.residue.as_ref() != Some(residue) {
        *memo = Memo {
            residue: Some(residue.clone()),
            found: FxHashMap::default(),
        };
    }
    let matcher = residue.matcher();
    let old = std::mem::take(&mut memo.found);
    let found: Vec<(Rev, Vec<Diagnostic>)> = site
        .reports
        .par_iter()
        .map(|r| {
            let ds = match old.get(&r.rev) {
                Some(ds) => ds.clone(),
                None => {
                    let mut ds = matcher
                        .as_ref()
                        .map(|m| residue_in(r, m))
                        .unwrap_or_default();
                    ds.extend(structure_in(r));
                    ds
                }
            };
            (r.rev, ds)
        })
        .collect();
    for (rev, ds) in found {
        diags.extend(ds.iter().cloned());
        memo.found.insert(rev, ds);
    }
}

fn residue_in(r: &Report, matcher: &Matcher) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    // Almost every report has no residue at all and costs one scan.
    if !matcher.might_match(r.body()) {
        return out;
    }
    let mut in_fence = false;
    for (i, line) in r.body().lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence || line.trim().is_empty() {
            continue;
        }
        // Columns count in the line as written (the judge trims its ends).
        let lead = line.chars().take_while(|c| c.is_whitespace()).count();
        let hit = match matcher.judge(&visible_text(line)) {
            Verdict::Remove(h) | Verdict::Suspect(h) => h,
            Verdict::Clean => continue,
        };
        let p = &hit.rule.pattern;
        out.push(
            Diagnostic::warning(&r.file, format!("疑似网页残留内容（{}，匹配“{p}”）", hit.rule.class.label()))
                .at_span(&r.source, Pos::new(r.body_line + i, lead + hit.column), p.chars().count())
                .with_hint("从网页复制的材料常带广告、下载提示或外部网址，请核对后删除，或运行 `huiwen tidy 文件` 自动删除；site.yaml 的 residue 可调整或关闭此检查"),
        );
    }
    out
}

/// Long paragraphs that lost their structure on the way in.
fn structure_in(r: &Report) -> Vec<Diagnostic> {
    untidy_paragraphs(r.body(), r.body_line)
        .into_iter()
        .map(|f| {
            let why = match &f.reason {
                Reason::Heading(n) => format!("里面有标题编号“{n}”"),
                Reason::Lines(n) => format!("由 {n} 行组成，每行都像一个段落"),
                Reason::PdfSpaces(n) => {
                    format!("汉字之间有 {n} 处空格，像是从 PDF 复制时换行变成了空格")
                }
            };
            Diagnostic::warning(
                &r.file,
                format!("这一段有 {} 字，{why}，可能是粘贴时丢了分段和标题", f.chars),
            )
            .at(&r.source, Pos::new(f.line, 1))
            .with_hint(format!(
                "运行 `huiwen tidy {}` 自动分段、恢复标题（原文件备份为 .md~）",
                r.file.display()
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ResidueConfig;

    #[test]
    fn link_targets_are_not_text() {
        assert!(!visible_text("见[通知](https://example.org/a)。").contains("https"));
        assert!(visible_text("见 https://example.org").contains("https"));
    }

    #[test]
    fn residue_can_be_switched_off_or_replaced() {
        assert!(ResidueConfig::Switch(false).matcher().is_none());
        let custom = ResidueConfig::Settings {
            enabled: true,
            patterns: Some(vec!["x".into()]),
        };
        assert_eq!(custom.matcher().map(|m| m.rules().len()), Some(1));
        assert!(
            ResidueConfig::default()
                .matcher()
                .is_some_and(|m| m.rules().len() > 100)
        );
    }
}

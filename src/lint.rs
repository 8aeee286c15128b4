//! Content lints: warnings, not errors, about text that is probably a mistake.
//!
//! Pasted-web residue: material copied from web pages carries lines such as
//! "VIP免费下载", "点击…联系", gambling spam and bare external URLs. Each line
//! of a report's text (outside code blocks and link targets) is matched
//! against the patterns in `site.yaml` (`residue:`), or a default list. A
//! pattern is plain text in which `*` or `…` stands for any run of characters
//! on the same line; letters match regardless of case.

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::load::Rev;
use crate::model::{Report, Site};

/// A compiled pattern: its pieces in order, lower-cased.
struct Pattern {
    text: String,
    parts: Vec<String>,
}

impl Pattern {
    fn new(p: &str) -> Pattern {
        Pattern {
            text: p.to_owned(),
            parts: p
                .split(['*', '…'])
                .filter(|s| !s.is_empty())
                .map(str::to_lowercase)
                .collect(),
        }
    }

    /// Character column (1-based) where the pattern starts in `line`, if it matches.
    fn find(&self, line: &str) -> Option<usize> {
        let mut from = 0;
        let mut first = None;
        for part in &self.parts {
            let i = line[from..].find(part.as_str())? + from;
            first.get_or_insert(i);
            from = i + part.len();
        }
        first.map(|b| line[..b].chars().count() + 1)
    }
}

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

/// Each report's residue warnings by the revision of its file, for the
/// patterns they were found with (`huiwen serve` lints only changed files).
#[derive(Default)]
pub struct Memo {
    patterns: Vec<String>,
    found: FxHashMap<Rev, Vec<Diagnostic>>,
}

/// Warns about pasted-web residue in every report.
pub fn residue(site: &Site, patterns: &[String], diags: &mut Diagnostics) {
    residue_with(site, patterns, diags, &mut Memo::default());
}

/// [`residue`], taking the warnings of reports unchanged since the last round from `memo`.
pub fn residue_with(site: &Site, patterns: &[String], diags: &mut Diagnostics, memo: &mut Memo) {
    if memo.patterns != patterns {
        *memo = Memo {
            patterns: patterns.to_vec(),
            found: FxHashMap::default(),
        };
    }
    if patterns.is_empty() {
        return;
    }
    let Some(matcher) = Residue::new(patterns) else {
        return;
    };
    let old = std::mem::take(&mut memo.found);
    let found: Vec<(Rev, Vec<Diagnostic>)> = site
        .reports
        .par_iter()
        .map(|r| {
            let ds = match old.get(&r.rev) {
                Some(ds) => ds.clone(),
                None => residue_in(r, &matcher),
            };
            (r.rev, ds)
        })
        .collect();
    for (rev, ds) in found {
        diags.extend(ds.iter().cloned());
        memo.found.insert(rev, ds);
    }
}

/// The residue patterns, compiled once: one automaton over every pattern's
/// first piece finds the few lines worth a closer look (almost every report
/// has none and costs one linear scan). Also used by search, which keeps
/// residue lines out of excerpts.
pub struct Residue {
    compiled: Vec<Pattern>,
    prefilter: aho_corasick::AhoCorasick,
}

impl Residue {
    /// `None` when no pattern has any text to look for.
    pub fn new(patterns: &[String]) -> Option<Residue> {
        let compiled: Vec<Pattern> = patterns
            .iter()
            .map(|p| Pattern::new(p))
            .filter(|p| !p.parts.is_empty())
            .collect();
        if compiled.is_empty() {
            return None;
        }
        let prefilter = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(compiled.iter().map(|p| p.parts[0].as_str()))
            .ok()?;
        Some(Residue {
            compiled,
            prefilter,
        })
    }

    /// The first pattern that matches `line` and the column where it starts.
    fn find(&self, line: &str) -> Option<(&Pattern, usize)> {
        if !self.prefilter.is_match(line) {
            return None;
        }
        let lower = line.to_lowercase();
        self.compiled
            .iter()
            .find_map(|p| p.find(&lower).map(|c| (p, c)))
    }

    /// Whether a line of text is pasted-web residue.
    pub fn matches(&self, line: &str) -> bool {
        self.find(line).is_some()
    }
}

fn residue_in(r: &Report, matcher: &Residue) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !matcher.prefilter.is_match(r.body()) {
        return out;
    }
    let mut in_fence = false;
    for (i, line) in r.body().lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        if let Some((p, col)) = matcher.find(&visible_text(line)) {
            out.push(
                Diagnostic::warning(&r.file, format!("疑似网页残留内容（匹配“{}”）", p.text))
                    .at_span(&r.source, Pos::new(r.body_line + i, col), p.text.chars().count())
                    .with_hint("从网页复制的材料常带广告、下载提示或外部网址，请核对后删除；site.yaml 的 residue 可调整或关闭此检查"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ResidueConfig;

    #[test]
    fn patterns_match_with_gaps_and_any_case() {
        let p = Pattern::new("VIP*下载");
        assert_eq!(p.find(&"本文 vip 会员免费下载".to_lowercase()), Some(4));
        assert_eq!(p.find("下载 vip"), None);
        assert_eq!(Pattern::new("点击…联系").find("点击这里联系我们"), Some(1));
    }

    #[test]
    fn link_targets_are_not_text() {
        assert!(!visible_text("见[通知](https://example.org/a)。").contains("https"));
        assert!(visible_text("见 https://example.org").contains("https"));
    }

    #[test]
    fn residue_can_be_switched_off_or_replaced() {
        assert!(ResidueConfig::Switch(false).patterns().is_empty());
        assert_eq!(
            ResidueConfig::Settings {
                enabled: true,
                patterns: Some(vec!["x".into()])
            }
            .patterns(),
            vec!["x"]
        );
        assert!(ResidueConfig::default().patterns().len() > 10);
    }
}

//! Groupings of reports: by year, tag, kind and region, each with its own pages.

use std::collections::BTreeMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::base::ids::{SitePath, Year};
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::reports::{Label, Report};

/// One value of a grouping (a tag, a kind, a region) and its reports, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: SitePath,
    pub reports: Vec<usize>,
}

/// Which grouping, with its URL prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grouping {
    Tag,
    Kind,
    Region,
}

impl Grouping {
    pub const ALL: [Grouping; 3] = [Grouping::Tag, Grouping::Kind, Grouping::Region];

    pub fn dir(self) -> &'static str {
        match self {
            Grouping::Tag => "tags",
            Grouping::Kind => "kinds",
            Grouping::Region => "regions",
        }
    }

    /// Key into the UI strings table for the grouping's name.
    pub fn string_key(self) -> &'static str {
        match self {
            Grouping::Tag => "tags",
            Grouping::Kind => "kinds",
            Grouping::Region => "regions",
        }
    }
}

#[derive(Debug, Default)]
pub struct Taxonomies {
    /// Newest year first.
    pub years: Vec<(Year, Vec<usize>)>,
    pub tags: Vec<Term>,
    pub kinds: Vec<Term>,
    pub regions: Vec<Term>,
}

impl Taxonomies {
    pub fn build(reports: &[Arc<Report>], diags: &mut Diagnostics) -> Taxonomies {
        let mut years: BTreeMap<Year, Vec<usize>> = BTreeMap::new();
        for (i, r) in reports.iter().enumerate() {
            years.entry(r.year).or_default().push(i);
        }
        let group = |g: Grouping, diags: &mut Diagnostics| -> Vec<Term> {
            // Borrowed keys: this runs on every rebuild of `huiwen serve`.
            let mut by_slug: FxHashMap<&str, usize> = FxHashMap::default();
            let mut terms: Vec<Term> = Vec::new();
            for (i, r) in reports.iter().enumerate() {
                let labels: &[Label] = match g {
                    Grouping::Tag => &r.tags,
                    Grouping::Kind => std::slice::from_ref(&r.kind),
                    Grouping::Region => r.region.as_slice(),
                };
                for l in labels {
                    if l.slug.is_empty() {
                        continue;
                    }
                    let t = *by_slug.entry(&l.slug).or_insert_with(|| {
                        terms.push(Term {
                            path: SitePath::dir([g.dir(), &l.slug]),
                            name: l.name.clone(),
                            slug: l.slug.clone(),
                            reports: Vec::new(),
                        });
                        terms.len() - 1
                    });
                    let term = &mut terms[t];
                    if term.name != l.name {
                        // Same pinyin, different characters (多音字 or 繁简 variants):
                        // one URL cannot serve both, so the editor must choose.
                        let other = &reports[term.reports[0]];
                        let other_at = other
                            .label_at(&term.name)
                            .map_or(String::new(), |p| format!(":{}:{}", p.line, p.column));
                        let mut d = Diagnostic::error(
                            &r.file,
                            format!(
                                "“{}”与 {}{other_at} 中的“{}”网址相同（{}/{}/）",
                                l.name,
                                other.file.display(),
                                term.name,
                                g.dir(),
                                l.slug
                            ),
                        )
                        .with_hint("统一这两处的写法（例如繁简体统一）");
                        if let Some(p) = r.label_at(&l.name) {
                            d = d.at_span(&r.source, p, l.name.chars().count());
                        }
                        diags.push(d);
                        continue;
                    }
                    if term.reports.last() != Some(&i) {
                        term.reports.push(i);
                    }
                }
            }
            // Most used first, then by slug: a stable order for menus and clouds.
            terms.sort_by(|a, b| {
                b.reports
                    .len()
                    .cmp(&a.reports.len())
                    .then(a.slug.cmp(&b.slug))
            });
            terms
        };
        Taxonomies {
            years: years.into_iter().rev().collect(),
            tags: group(Grouping::Tag, diags),
            kinds: group(Grouping::Kind, diags),
            regions: group(Grouping::Region, diags),
        }
    }

    pub fn terms(&self, g: Grouping) -> &[Term] {
        match g {
            Grouping::Tag => &self.tags,
            Grouping::Kind => &self.kinds,
            Grouping::Region => &self.regions,
        }
    }
}

//! The site graph: reports, entities, pages and the links between them, built
//! once from the loaded content and read by everything after.

pub mod entities;
pub mod reports;
pub mod sheets;
pub mod taxonomy;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;
use std::sync::Arc;

use crate::base::ids::{self, SitePath};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::RawContent;
use entities::Entities;
pub use reports::{Page, Report};
use taxonomy::Taxonomies;

/// Options that change what goes into the model.
#[derive(Debug, Clone, Copy, Default)]
pub struct ModelOptions {
    pub drafts: bool,
    /// An annual archive: only reports dated this year, statistics up to it.
    pub year: Option<ids::Year>,
}

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Newest first (date, then title, then file).
    pub reports: Vec<Arc<Report>>,
    pub entities: Entities,
    pub pages: Vec<Page>,
    /// The home page's own text (`content/_index.md`).
    pub home: Option<Page>,
    pub taxonomies: Taxonomies,
    /// `(file on disk, output path)` copied verbatim: `static/`, and the
    /// files of `content/` that are not content (images beside a report).
    pub static_files: Vec<(PathBuf, String)>,
    /// Reports left out of a year-scoped site (an archive), with the URL they
    /// have on the live site, so links to them can go there.
    pub elsewhere: Vec<(PathBuf, SitePath)>,
    /// Content files with errors (reported where they are): a link to one
    /// is not reported again as broken.
    pub failed: Vec<PathBuf>,
}

/// What the model stage keeps between rounds of `huiwen serve`: the
/// entity table and each report, by what they were made from, so a round
/// after a one-file edit rebuilds one report instead of ten thousand.
#[derive(Default)]
pub struct Memo {
    /// Key: the entity files' revisions and the settings.
    entities: Option<(u64, Entities, Vec<Diagnostic>)>,
    /// By file revision: the entity ids and names the report was resolved
    /// against, the report (`None` if it had errors) and its diagnostics.
    reports: reports::ReportMemo,
}

impl Site {
    pub fn build(
        config: Config,
        raw: RawContent,
        opts: ModelOptions,
        diags: &mut Diagnostics,
    ) -> Site {
        Site::build_with(config, raw, opts, diags, &mut Memo::default())
    }

    /// [`Site::build`], reusing what `memo` holds from the last round.
    pub fn build_with(
        config: Config,
        raw: RawContent,
        opts: ModelOptions,
        diags: &mut Diagnostics,
        memo: &mut Memo,
    ) -> Site {
        let key = {
            let mut h = DefaultHasher::new();
            crate::base::hash::hash_json(&config).hash(&mut h);
            for f in &raw.entity_files {
                f.rev.hash(&mut h);
            }
            for b in &raw.broken {
                (&b.file, &b.entities).hash(&mut h);
            }
            for f in &raw.sheet_files {
                f.rev.hash(&mut h);
            }
            h.finish()
        };
        let mut entities = match &memo.entities {
            Some((k, ents, ds)) if *k == key => {
                diags.extend(ds.iter().cloned());
                ents.clone()
            }
            _ => {
                let mut ds = Diagnostics::new();
                let mut ents = entities::build(&raw.entity_files, &raw.broken, &config, &mut ds);
                sheets::merge(
                    &mut ents,
                    &raw.sheet_files,
                    &raw.entity_files,
                    &config,
                    &mut ds,
                );
                let list: Vec<Diagnostic> = ds.into_iter().collect();
                diags.extend(list.iter().cloned());
                memo.entities = Some((key, ents.clone(), list));
                ents
            }
        };
        if let Some(y) = opts.year {
            for e in &mut entities.all {
                Arc::make_mut(&mut e.stats).0.retain(|year, _| *year <= y);
            }
        }
        let reports::Built {
            reports,
            elsewhere,
            mut failed,
        } = reports::build_reports(raw.reports, &entities, opts, diags, &mut memo.reports);
        failed.extend(raw.broken.iter().map(|b| b.file.clone()));
        let pages = reports::build_pages(raw.pages, diags);
        let home = raw.home.map(|d| reports::home_page(&d));
        for (i, r) in reports.iter().enumerate() {
            for &e in &r.entities {
                entities.all[e].reports.push(i);
            }
        }
        let taxonomies = Taxonomies::build(&reports, diags);
        let site = Site {
            config,
            reports,
            entities,
            pages,
            home,
            taxonomies,
            static_files: raw.static_files,
            elsewhere,
            failed,
        };
        site.check_unique_paths(diags);
        site
    }

    /// Two things that would be written to the same URL is an error naming
    /// both, with the line the URL comes from (`slug:`, or the file name).
    fn check_unique_paths(&self, diags: &mut Diagnostics) {
        use crate::diag::Pos;
        let mut seen: HashMap<&SitePath, (&std::path::Path, Pos)> = HashMap::new();
        let items = self
            .reports
            .iter()
            .map(|r| (&r.path, r.file.as_path(), r.slug_at, r.source.as_str()))
            .chain(
                self.pages
                    .iter()
                    .map(|p| (&p.path, p.file.as_path(), Pos::new(1, 1), p.source.as_str())),
            );
        for (path, file, at, source) in items {
            if let Some((other, other_at)) = seen.insert(path, (file, at)) {
                diags.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "网址 `{}` 与 {}:{}:{} 冲突，两个文件会生成同一个页面",
                            path,
                            other.display(),
                            other_at.line,
                            other_at.column
                        ),
                    )
                    .at(source, at)
                    .with_hint("给其中一个文件改名，或在 front matter 中写不同的 `slug:`"),
                );
            }
        }
    }

    /// Every file published as it is, `(file on disk, output path)`: the
    /// static files and the attachments of folder reports (a draft's are
    /// left out with the draft).
    pub fn published_files(&self) -> impl Iterator<Item = (&std::path::Path, String)> + '_ {
        let attachments = self.reports.iter().flat_map(|rep| {
            rep.assets
                .iter()
                .map(move |a| (a.src.as_path(), format!("{}{}", rep.path.as_str(), a.rel)))
        });
        self.static_files
            .iter()
            .map(|(src, rel)| (src.as_path(), rel.clone()))
            .chain(attachments)
    }

    /// The report before and after `i` in time (older, newer).
    pub fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
        let older = (i + 1 < self.reports.len()).then_some(i + 1);
        let newer = i.checked_sub(1);
        (older, newer)
    }
}

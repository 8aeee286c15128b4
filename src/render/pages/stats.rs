//! The statistics parts of pages: entity charts, the `stats/` overview and
//! the CSV/JSON downloads beside them.

use serde::Serialize;

use super::Page;
use crate::base::ids::SitePath;
use crate::model::Site;
use crate::model::entities::Entity;
use crate::render::context::Ctx;
use crate::stats::aggregate::series;
use crate::stats::chart::{Chart, svg};
use crate::stats::export;

/// A downloadable data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFile {
    EntityCsv(usize),
    EntityJson(usize),
    OverviewCsv,
    OverviewJson,
}

pub fn data_files(site: &Site) -> Vec<DataFile> {
    let mut v = vec![DataFile::OverviewCsv, DataFile::OverviewJson];
    for (i, e) in site.entities.all.iter().enumerate() {
        if !e.stats.is_empty() {
            v.push(DataFile::EntityCsv(i));
            v.push(DataFile::EntityJson(i));
        }
    }
    v
}

/// The output path of a data file.
pub fn data_path(site: &Site, d: DataFile) -> String {
    match d {
        DataFile::EntityCsv(i) | DataFile::EntityJson(i) => file_of(&site.entities.all[i].path, d),
        DataFile::OverviewCsv | DataFile::OverviewJson => file_of(&SitePath::dir(["stats"]), d),
    }
}

/// The data file `d` beside the page at `page`.
fn file_of(page: &SitePath, d: DataFile) -> String {
    match d {
        DataFile::EntityCsv(_) | DataFile::OverviewCsv => format!("{page}stats.csv"),
        DataFile::EntityJson(_) | DataFile::OverviewJson => format!("{page}stats.json"),
    }
}

/// The output path and bytes of a data file.
pub fn data(ctx: &Ctx, d: DataFile) -> (String, Vec<u8>) {
    let (path, text) = match d {
        DataFile::EntityCsv(i) => {
            let e = ctx.entity(i);
            (file_of(&e.path, d), export::entity_csv(e, ctx.config()))
        }
        DataFile::EntityJson(i) => {
            let e = ctx.entity(i);
            (file_of(&e.path, d), export::entity_json(e, ctx.config()))
        }
        DataFile::OverviewCsv | DataFile::OverviewJson => {
            let site = ctx.all_statistics();
            let text = match d {
                DataFile::OverviewCsv => export::overview_csv(site),
                _ => export::overview_json(site),
            };
            (file_of(&SitePath::dir(["stats"]), d), text)
        }
    };
    (path, text.into_bytes())
}

#[derive(Serialize)]
pub struct ChartView {
    pub key: String,
    pub label: String,
    pub svg: String,
}

/// One chart per metric the entity has, across its years.
pub fn entity_charts(e: &Entity, config: &crate::config::Config) -> Vec<ChartView> {
    config
        .metrics
        .iter()
        .filter_map(|m| {
            let points = series(e, &m.key);
            // One year: the table says it all.
            if points.len() < 2 {
                return None;
            }
            let title = format!("{} {}", e.name, m.label);
            let chart = Chart {
                title: &title,
                unit: &m.unit,
                kind: m.chart,
                points: &points,
                note: None,
            };
            Some(ChartView {
                key: m.key.to_string(),
                label: m.label.clone(),
                svg: svg(&chart, &format!("chart-{}", m.key)),
            })
        })
        .collect()
}

/// The `stats/` overview page.
pub fn overview(ctx: &Ctx) -> Page {
    let path = SitePath::dir(["stats"]);
    let mut c = ctx.page(&path, "stats");
    super::overview::insert(ctx, &mut c, None);
    c.insert("title", &ctx.t("stats"));
    Page {
        path,
        template: "stats.html",
        context: c,
    }
}

//! The render cache: what many pages show, made once per build.
//!
//! A report's card appears on its year's list, its tags' lists, the home
//! page, its neighbours' pages, the feed and the pages of every entity it
//! names; an entity's card on as many. Each is turned into a template value
//! here, once ([`tera::Value`] shares its strings, so handing one to a
//! hundred pages copies pointers), as are the values every page gets
//! (settings, strings, navigation). `huiwen serve` keeps the cache between
//! rounds and makes again only the cards of files read again (Zola's `next`
//! branch does the same with its `RenderCache`).

use std::path::Path;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use super::Renderer;
use super::deps::ListKey;
use super::views::{NavItem, entity_card, nav, report_card};
use crate::base::ids::SitePath;
use crate::load::Rev;
use crate::model::Site;
use crate::model::entities::{Detail, Entity, Stats};

/// Template values every page gets.
#[derive(Serialize)]
pub struct Globals {
    pub config: Value,
    pub t: Value,
    pub nav: Vec<NavItem>,
    pub archive: Value,
}

pub struct RenderCache {
    /// Per report, in the site's order: its card.
    pub report_cards: Vec<Value>,
    /// Per entity: its card.
    pub entity_cards: Vec<Value>,
    /// Content hashes of the cards, made when `huiwen serve` first asks
    /// and kept with the card between rounds (a build never asks).
    report_card_hashes: Vec<OnceLock<u64>>,
    entity_card_hashes: Vec<OnceLock<u64>>,
    pub globals: Globals,
    /// Names that stay the same across rounds, for [`super::deps::Dep`]s.
    pub report_files: Vec<Arc<Path>>,
    pub entity_ids: Vec<Arc<str>>,
    /// What each card was made from, to reuse it in the next round.
    report_keys: Vec<Rev>,
    entity_keys: Vec<(Rev, usize)>,
    /// Every report, newest first (the list of all reports).
    all: Vec<usize>,
}

impl RenderCache {
    pub fn new(site: &Site, r: &Renderer) -> RenderCache {
        RenderCache::update(site, r, None)
    }

    /// The cache for `site`, taking the cards of unchanged files from `prev`.
    pub fn update(site: &Site, r: &Renderer, prev: Option<&RenderCache>) -> RenderCache {
        let old_reports: rustc_hash::FxHashMap<Rev, (&Value, &OnceLock<u64>)> = prev
            .map(|p| {
                p.report_keys
                    .iter()
                    .copied()
                    .zip(p.report_cards.iter().zip(&p.report_card_hashes))
                    .collect()
            })
            .unwrap_or_default();
        let (report_cards, report_card_hashes): (Vec<Value>, Vec<OnceLock<u64>>) = site
            .reports
            .par_iter()
            .map(|rep| match old_reports.get(&rep.rev) {
                Some((v, h)) => ((*v).clone(), (*h).clone()),
                None => (Value::from_serializable(&report_card(rep)), OnceLock::new()),
            })
            .unzip();
        let entity_keys: Vec<(Rev, usize)> = site
            .entities
            .all
            .iter()
            .map(|e| (e.rev, e.reports.len()))
            .collect();
        // An entity's card shows its own file's fields and its number of reports.
        type Old<'p> = (&'p Value, &'p OnceLock<u64>);
        let old_entities: rustc_hash::FxHashMap<(Rev, usize, &str), Old> = prev
            .map(|p| {
                p.entity_keys
                    .iter()
                    .zip(&p.entity_ids)
                    .zip(p.entity_cards.iter().zip(&p.entity_card_hashes))
                    .map(|(((rev, n), id), v)| ((*rev, *n, &**id), v))
                    .collect()
            })
            .unwrap_or_default();
        let (entity_cards, entity_card_hashes): (Vec<Value>, Vec<OnceLock<u64>>) = site
            .entities
            .all
            .par_iter()
            .zip(&entity_keys)
            .map(
                |(e, (rev, n))| match old_entities.get(&(*rev, *n, e.id.as_str())) {
                    Some((v, h)) => ((*v).clone(), (*h).clone()),
                    None => (Value::from_serializable(&entity_card(e)), OnceLock::new()),
                },
            )
            .unzip();
        RenderCache {
            report_cards,
            entity_cards,
            report_card_hashes,
            entity_card_hashes,
            globals: Globals {
                config: Value::from_serializable(&site.config),
                t: Value::from_serializable(&r.strings),
                nav: nav(site, r),
                archive: Value::from_serializable(&r.archive),
            },
            report_files: site
                .reports
                .iter()
                .map(|r| Arc::from(r.file.as_path()))
                .collect(),
            entity_ids: site
                .entities
                .all
                .iter()
                .map(|e| Arc::from(e.id.as_str()))
                .collect(),
            report_keys: site.reports.iter().map(|r| r.rev).collect(),
            entity_keys,
            all: (0..site.reports.len()).collect(),
        }
    }

    /// The content hash of every report card, in the site's order.
    pub fn report_card_hashes(&self) -> Vec<u64> {
        card_hashes(&self.report_cards, &self.report_card_hashes)
    }

    /// The content hash of every entity card.
    pub fn entity_card_hashes(&self) -> Vec<u64> {
        card_hashes(&self.entity_cards, &self.entity_card_hashes)
    }

    /// The reports of a list, in order; `None` if the list is gone.
    pub fn list<'s>(&'s self, site: &'s Site, key: &ListKey) -> Option<&'s [usize]> {
        match key {
            ListKey::All => Some(&self.all),
            ListKey::Year(y) => site
                .taxonomies
                .years
                .iter()
                .find(|(year, _)| year == y)
                .map(|(_, rs)| rs.as_slice()),
            ListKey::Term(g, slug) => site
                .taxonomies
                .terms(*g)
                .iter()
                .find(|t| t.slug == **slug)
                .map(|t| t.reports.as_slice()),
        }
    }

    /// What an entity's page shows of the entity itself, with the entities
    /// it refers to by id (their cards are read separately).
    pub fn entity_full<'s>(&self, site: &'s Site, i: usize) -> EntityFull<'s> {
        let e = &site.entities.all[i];
        let id = |i: &usize| site.entities.all[*i].id.as_str();
        let related = match &e.detail {
            Detail::Town { belt, .. } => belt.iter().map(id).collect(),
            Detail::Belt { towns, .. } | Detail::Alliance { towns, .. } => {
                towns.iter().map(id).collect()
            }
        };
        EntityFull {
            entity: e,
            detail: &e.detail,
            stats: &e.stats,
            related,
            alliances: e.alliances.iter().map(id).collect(),
        }
    }
}

/// An entity's own content, for its dependency value.
#[derive(Serialize)]
pub struct EntityFull<'s> {
    #[serde(serialize_with = "entity_own")]
    entity: &'s Entity,
    detail: &'s Detail,
    stats: &'s Stats,
    related: Vec<&'s str>,
    alliances: Vec<&'s str>,
}

fn entity_own<S: serde::Serializer>(e: &&Entity, s: S) -> Result<S::Ok, S::Error> {
    (
        e.kind,
        e.id.as_str(),
        &e.name,
        &e.summary,
        e.path.as_str(),
        &e.extra,
        e.file.to_string_lossy(),
    )
        .serialize(s)
}

/// A site path as a template value.
pub fn path_value(p: &SitePath) -> Value {
    Value::from(p.as_str())
}

fn card_hashes(cards: &[Value], hashes: &[OnceLock<u64>]) -> Vec<u64> {
    cards
        .par_iter()
        .zip(hashes)
        .map(|(card, h)| *h.get_or_init(|| crate::base::hash::hash_json(card)))
        .collect()
}

//! Entity YAML as written: towns, belts and alliances, one per mapping.

use serde::Deserialize;

use crate::base::ids::EntityKind;
use crate::read::yaml::{OrderedMap, Scalar, Spanned};

/// `stats:` — year → metric → value, in source order with positions.
pub type RawStats = OrderedMap<Spanned<Scalar>, OrderedMap<Spanned<String>, Spanned<Scalar>>>;

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct RawFeature {
    #[serde(default)]
    pub school: String,
    pub name: String,
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTown {
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub level: Option<Spanned<String>>,
    pub county: Option<String>,
    pub city: Option<String>,
    pub since: Option<Spanned<Scalar>>,
    pub belt: Option<Spanned<String>>,
    pub guide: Option<String>,
    pub summary: Option<String>,
    pub features: Option<Vec<RawFeature>>,
    pub stats: Option<RawStats>,
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBelt {
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub theme: Option<String>,
    pub summary: Option<String>,
    pub towns: Option<Vec<Spanned<String>>>,
    pub schools: Option<Vec<String>>,
    pub stats: Option<RawStats>,
    pub extra: Option<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAlliance {
    pub id: Option<Spanned<String>>,
    pub name: Option<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    pub lead: Option<String>,
    pub summary: Option<String>,
    pub members: Option<Vec<String>>,
    pub towns: Option<Vec<Spanned<String>>>,
    pub stats: Option<RawStats>,
    pub extra: Option<serde_json::Value>,
}

/// One entity of any kind, as read.
#[derive(Debug)]
pub enum RawEntity {
    Town(RawTown),
    Belt(RawBelt),
    Alliance(RawAlliance),
}

impl RawEntity {
    pub fn kind(&self) -> EntityKind {
        match self {
            RawEntity::Town(_) => EntityKind::Town,
            RawEntity::Belt(_) => EntityKind::Belt,
            RawEntity::Alliance(_) => EntityKind::Alliance,
        }
    }

    pub fn id(&self) -> Option<&Spanned<String>> {
        match self {
            RawEntity::Town(t) => t.id.as_ref(),
            RawEntity::Belt(b) => b.id.as_ref(),
            RawEntity::Alliance(a) => a.id.as_ref(),
        }
    }

    pub fn stats(&self) -> Option<&RawStats> {
        match self {
            RawEntity::Town(t) => t.stats.as_ref(),
            RawEntity::Belt(b) => b.stats.as_ref(),
            RawEntity::Alliance(a) => a.stats.as_ref(),
        }
    }
}

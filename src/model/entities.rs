//! Towns, belts and alliances: checked, with their statistics and the links between them.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::base::ids::{EntityId, EntityKind, MetricKey, SitePath, Year};
use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Pos, closest};
use crate::load::RawEntityFile;
use crate::load::entity::{RawEntity, RawFeature, RawStats};
use crate::read::yaml::{LineOffset, Scalar, Spanned, pos_of};

/// A pilot town's designation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    #[serde(rename = "省级")]
    Provincial,
    #[serde(rename = "市级")]
    Municipal,
    #[serde(rename = "县级")]
    County,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Provincial, Level::Municipal, Level::County];

    pub fn parse(s: &str) -> Option<Level> {
        match s.trim() {
            "省级" | "省" => Some(Level::Provincial),
            "市级" | "市" => Some(Level::Municipal),
            "县级" | "县" | "區級" | "县区级" => Some(Level::County),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Level::Provincial => "省级",
            Level::Municipal => "市级",
            Level::County => "县级",
        }
    }
}

/// A featured project of a town (一镇一品).
#[derive(Debug, Clone, Serialize)]
pub struct Feature {
    pub school: String,
    pub name: String,
    pub summary: String,
}

impl From<RawFeature> for Feature {
    fn from(f: RawFeature) -> Self {
        Feature {
            school: f.school,
            name: f.name,
            summary: f.summary,
        }
    }
}

/// Statistics: year → metric → value. Years ascending; metrics as declared.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats(pub BTreeMap<Year, BTreeMap<MetricKey, f64>>);

impl Stats {
    pub fn get(&self, year: Year, metric: &MetricKey) -> Option<f64> {
        self.0.get(&year).and_then(|m| m.get(metric)).copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn years(&self) -> impl Iterator<Item = Year> + '_ {
        self.0.keys().copied()
    }
}

/// What only one kind of entity has.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Detail {
    Town {
        level: Level,
        county: String,
        city: String,
        since: Option<Year>,
        belt: Option<usize>,
        guide: String,
        features: Vec<Feature>,
    },
    Belt {
        theme: String,
        towns: Vec<usize>,
        schools: Vec<String>,
    },
    Alliance {
        kind: String,
        lead: String,
        members: Vec<String>,
        towns: Vec<usize>,
    },
}

#[derive(Debug, Clone)]
pub struct Entity {
    /// The read of the file it comes from (see [`crate::load::Rev`]).
    pub rev: crate::load::Rev,
    pub kind: EntityKind,
    pub id: EntityId,
    pub name: String,
    pub summary: String,
    pub file: PathBuf,
    pub detail: Detail,
    /// Shared: the model memo of `huiwen serve` copies the entity table every round.
    pub stats: Arc<Stats>,
    pub path: SitePath,
    /// Reports that reference this entity, newest first.
    pub reports: Vec<usize>,
    /// Alliances that list this town (towns only).
    pub alliances: Vec<usize>,
    pub extra: serde_json::Value,
}

/// The entity table with its id index.
#[derive(Debug, Clone, Default)]
pub struct Entities {
    pub all: Vec<Entity>,
    pub index: HashMap<(EntityKind, EntityId), usize>,
    /// Ids that files with YAML errors seem to define: a reference to one
    /// is not reported again (the file's own error says what to fix).
    pub unresolved: std::collections::HashSet<(EntityKind, String)>,
}

impl Entities {
    pub fn get(&self, kind: EntityKind, id: &str) -> Option<usize> {
        let id = EntityId::parse(id).ok()?;
        self.index.get(&(kind, id)).copied()
    }

    pub fn of_kind(&self, kind: EntityKind) -> impl Iterator<Item = (usize, &Entity)> {
        self.all
            .iter()
            .enumerate()
            .filter(move |(_, e)| e.kind == kind)
    }

    /// Whether a reference to `id` that is not found should stay quiet:
    /// the id is in a file that did not parse.
    pub fn is_unresolved(&self, kind: EntityKind, id: &str) -> bool {
        self.unresolved.contains(&(kind, id.trim().to_owned()))
    }

    pub fn ids_of(&self, kind: EntityKind) -> Vec<&str> {
        self.of_kind(kind).map(|(_, e)| e.id.as_str()).collect()
    }
}

/// An id reference not yet resolved, with where it was written.
struct PendingRef {
    from: usize,
    kind: EntityKind,
    id: Spanned<String>,
    file_idx: usize,
}

pub fn build(
    files: &[Arc<RawEntityFile>],
    broken: &[Arc<crate::load::Broken>],
    config: &Config,
    diags: &mut Diagnostics,
) -> Entities {
    let mut ents = Entities::default();
    for b in broken {
        if let Some((kind, ids)) = &b.entities {
            ents.unresolved
                .extend(ids.iter().map(|id| (*kind, id.clone())));
        }
    }
    let mut first_seen: HashMap<(EntityKind, EntityId), (PathBuf, Pos)> = HashMap::new();
    let mut pending: Vec<PendingRef> = Vec::new();
    for (file_idx, f) in files.iter().enumerate() {
        for raw in &f.entities {
            let Some((id, name)) = identity(raw, f, &mut first_seen, diags) else {
                continue;
            };
            let from = ents.all.len();
            let mut refs = |list: &[Spanned<String>], kind: EntityKind| {
                pending.extend(list.iter().map(|id| PendingRef {
                    from,
                    kind,
                    id: id.clone(),
                    file_idx,
                }));
            };
            let detail = detail(raw, f, &id, &mut refs, diags);
            let (stats_raw, summary, extra) = match raw {
                RawEntity::Town(t) => (&t.stats, &t.summary, &t.extra),
                RawEntity::Belt(b) => (&b.stats, &b.summary, &b.extra),
                RawEntity::Alliance(a) => (&a.stats, &a.summary, &a.extra),
            };
            let stats = stats_raw
                .as_ref()
                .map(|s| build_stats(s, config, &f.file, &f.source, diags))
                .unwrap_or_default();
            let kind = raw.kind();
            ents.index.insert((kind, id.clone()), from);
            ents.all.push(Entity {
                rev: f.rev,
                kind,
                path: SitePath::dir([kind.dir(), id.as_str()]),
                id,
                name,
                summary: summary.clone().unwrap_or_default(),
                file: f.file.clone(),
                detail,
                stats: Arc::new(stats),
                reports: Vec::new(),
                alliances: Vec::new(),
                extra: extra.clone().unwrap_or(serde_json::Value::Null),
            });
        }
    }
    resolve(&mut ents, pending, files, diags);
    sort_links(&mut ents);
    ents
}

/// An entity's id and name, checked: both present, the id well formed and
/// not used before by the same kind. `None` (with the error reported) when
/// the entity cannot be kept.
fn identity(
    raw: &RawEntity,
    f: &RawEntityFile,
    first_seen: &mut HashMap<(EntityKind, EntityId), (PathBuf, Pos)>,
    diags: &mut Diagnostics,
) -> Option<(EntityId, String)> {
    let kind = raw.kind();
    let err = |msg: String| Diagnostic::error(&f.file, msg);
    let at = |s: &Spanned<String>| pos_of(s, LineOffset(0));
    let (id, name) = match raw {
        RawEntity::Town(t) => (&t.id, &t.name),
        RawEntity::Belt(b) => (&b.id, &b.name),
        RawEntity::Alliance(a) => (&a.id, &a.name),
    };
    let Some(id_s) = id else {
        let what = name
            .as_ref()
            .map_or(String::new(), |n| format!("（{}）", n.value));
        let mut d = err(format!("{}{what}缺少必填字段 id", kind.label()))
            .with_hint("id 是网址的一部分，只用小写字母、数字和连字符，例如 `id: jingzhong`");
        if let Some(n) = name {
            d = d.at(&f.source, at(n));
        }
        diags.push(d);
        return None;
    };
    let id_val = match EntityId::parse(id_s.value.trim()) {
        Ok(i) => i,
        Err(msg) => {
            diags.push(
                err(msg)
                    .at_span(&f.source, at(id_s), id_s.value.chars().count())
                    .with_hint("例如敬仲镇可以写 `id: jingzhong`"),
            );
            return None;
        }
    };
    let name_val = match name {
        Some(n) if !n.value.trim().is_empty() => n.value.trim().to_owned(),
        _ => {
            diags.push(
                err(format!("{} `{}` 缺少必填字段 name", kind.label(), id_val))
                    .at(&f.source, at(id_s)),
            );
            return None;
        }
    };
    let key = (kind, id_val.clone());
    if let Some((other, other_pos)) = first_seen.get(&key) {
        diags.push(
            err(format!(
                "{} id `{}` 重复：{}:{}:{} 已经用过",
                kind.label(),
                id_val,
                other.display(),
                other_pos.line,
                other_pos.column
            ))
            .at(&f.source, at(id_s))
            .with_hint("每个 id 在同类中必须唯一"),
        );
        return None;
    }
    first_seen.insert(key, (f.file.clone(), at(id_s)));
    Some((id_val, name_val))
}

/// The kind's own fields, checked; references to other entities go to
/// `refs`, resolved once every id is known.
fn detail(
    raw: &RawEntity,
    f: &RawEntityFile,
    id: &EntityId,
    refs: &mut dyn FnMut(&[Spanned<String>], EntityKind),
    diags: &mut Diagnostics,
) -> Detail {
    match raw {
        RawEntity::Town(t) => {
            if let Some(b) = &t.belt {
                refs(std::slice::from_ref(b), EntityKind::Belt);
            }
            Detail::Town {
                level: town_level(t.level.as_ref(), f, (id, id_pos(raw)), diags),
                county: t.county.clone().unwrap_or_default(),
                city: t.city.clone().unwrap_or_default(),
                since: t.since.as_ref().and_then(|s| town_since(s, f, diags)),
                belt: None,
                guide: t.guide.clone().unwrap_or_default(),
                features: t
                    .features
                    .clone()
                    .unwrap_or_default()
                    .into_iter()
                    .map(Feature::from)
                    .collect(),
            }
        }
        RawEntity::Belt(b) => {
            refs(b.towns.as_deref().unwrap_or_default(), EntityKind::Town);
            Detail::Belt {
                theme: b.theme.clone().unwrap_or_default(),
                towns: Vec::new(),
                schools: b.schools.clone().unwrap_or_default(),
            }
        }
        RawEntity::Alliance(a) => {
            let kind = match &a.kind {
                Some(k) if !k.value.trim().is_empty() => k.value.trim().to_owned(),
                _ => {
                    diags.push(
                        Diagnostic::error(&f.file, format!("联合体 `{id}` 缺少必填字段 kind"))
                            .at(&f.source, id_pos(raw))
                            .with_hint("kind 填 名校+、名师+、名校长+ 或 名师工作室"),
                    );
                    String::new()
                }
            };
            refs(a.towns.as_deref().unwrap_or_default(), EntityKind::Town);
            Detail::Alliance {
                kind,
                lead: a.lead.clone().unwrap_or_default(),
                members: a.members.clone().unwrap_or_default(),
                towns: Vec::new(),
            }
        }
    }
}

/// Where an entity's `id` is written (it has one: [`identity`] checked).
fn id_pos(raw: &RawEntity) -> Pos {
    let id = match raw {
        RawEntity::Town(t) => &t.id,
        RawEntity::Belt(b) => &b.id,
        RawEntity::Alliance(a) => &a.id,
    };
    id.as_ref()
        .map_or(Pos { line: 1, column: 1 }, |s| pos_of(s, LineOffset(0)))
}

/// A town's level (required); a missing or unknown one is reported and
/// read as 县级 so the rest of the town is still checked.
fn town_level(
    level: Option<&Spanned<String>>,
    f: &RawEntityFile,
    (id, id_at): (&EntityId, Pos),
    diags: &mut Diagnostics,
) -> Level {
    let err = |msg: String| Diagnostic::error(&f.file, msg);
    match level {
        None => {
            diags.push(
                err(format!("试点镇 `{id}` 缺少必填字段 level"))
                    .at(&f.source, id_at)
                    .with_hint("level 填 省级、市级 或 县级"),
            );
            Level::County
        }
        Some(l) => Level::parse(&l.value).unwrap_or_else(|| {
            diags.push(
                err(format!("level `{}` 无效", l.value))
                    .at_span(&f.source, pos_of(l, LineOffset(0)), l.value.chars().count())
                    .with_hint("level 只能是 省级、市级 或 县级"),
            );
            Level::County
        }),
    }
}

/// The year a town became a pilot town: a whole number in the year range.
fn town_since(s: &Spanned<Scalar>, f: &RawEntityFile, diags: &mut Diagnostics) -> Option<Year> {
    let y = s.value.as_number().filter(|n| n.fract() == 0.0);
    let d = match y.map(|y| Year::new(y as i64)) {
        Some(Ok(y)) => return Some(y),
        Some(Err(msg)) => Diagnostic::error(&f.file, msg),
        None => Diagnostic::error(
            &f.file,
            format!("since 应是年份数字，现在是 {}", s.value.describe()),
        )
        .with_hint("例如 `since: 2022`"),
    };
    diags.push(d.at(&f.source, pos_of(s, LineOffset(0))));
    None
}

/// Links every reference now that every id is known; an unknown id is an
/// error with the closest known one as a hint.
fn resolve(
    ents: &mut Entities,
    pending: Vec<PendingRef>,
    files: &[Arc<RawEntityFile>],
    diags: &mut Diagnostics,
) {
    for r in pending {
        let f = &files[r.file_idx];
        let Some(target) = ents.get(r.kind, r.id.value.trim()) else {
            if ents.is_unresolved(r.kind, &r.id.value) {
                continue;
            }
            let known = ents.ids_of(r.kind);
            let d = Diagnostic::error(
                &f.file,
                format!("找不到{} `{}`", r.kind.label(), r.id.value),
            )
            .at_span(
                &f.source,
                pos_of(&r.id, LineOffset(0)),
                r.id.value.chars().count(),
            );
            diags.push(match closest(r.id.value.trim(), known.iter().copied()) {
                Some(c) => d.with_hint(format!("是不是 `{c}`？")),
                None => d.with_hint(format!("content/{}/ 中没有这个 id", r.kind.dir())),
            });
            continue;
        };
        link(ents, r.from, target);
    }
}

/// Link lists in a stable order (by id), however the files listed them.
fn sort_links(ents: &mut Entities) {
    let order: Vec<EntityId> = ents.all.iter().map(|e| e.id.clone()).collect();
    for e in &mut ents.all {
        match &mut e.detail {
            Detail::Belt { towns, .. } | Detail::Alliance { towns, .. } => {
                towns.sort_by(|a, b| order[*a].cmp(&order[*b]));
                towns.dedup();
            }
            Detail::Town { .. } => {}
        }
        e.alliances.sort_by(|a, b| order[*a].cmp(&order[*b]));
        e.alliances.dedup();
    }
}

/// Records a link both ways: a town's belt is also the belt's town.
fn link(ents: &mut Entities, from: usize, to: usize) {
    let (fk, tk) = (ents.all[from].kind, ents.all[to].kind);
    match (fk, tk) {
        (EntityKind::Town, EntityKind::Belt) => {
            if let Detail::Town { belt, .. } = &mut ents.all[from].detail {
                *belt = Some(to);
            }
            if let Detail::Belt { towns, .. } = &mut ents.all[to].detail {
                towns.push(from);
            }
        }
        (EntityKind::Belt, EntityKind::Town) => {
            if let Detail::Belt { towns, .. } = &mut ents.all[from].detail {
                towns.push(to);
            }
            if let Detail::Town { belt, .. } = &mut ents.all[to].detail {
                belt.get_or_insert(from);
            }
        }
        (EntityKind::Alliance, EntityKind::Town) => {
            if let Detail::Alliance { towns, .. } = &mut ents.all[from].detail {
                towns.push(to);
            }
            ents.all[to].alliances.push(from);
        }
        _ => {}
    }
}

fn build_stats(
    raw: &RawStats,
    config: &Config,
    file: &std::path::Path,
    source: &str,
    diags: &mut Diagnostics,
) -> Stats {
    let mut stats = Stats::default();
    let declared: Vec<&str> = config.metrics.iter().map(|m| m.key.as_str()).collect();
    for (year_s, metrics) in &raw.0 {
        let pos = pos_of(year_s, LineOffset(0));
        let year = match &year_s.value {
            Scalar::Int(y) => Year::new(*y),
            Scalar::Text(t) => t
                .trim()
                .parse::<i64>()
                .map_err(|_| format!("stats 的键应是年份，`{t}` 不是"))
                .and_then(Year::new),
            other => Err(format!("stats 的键应是年份，`{}` 不是", other.describe())),
        };
        let year = match year {
            Ok(y) => y,
            Err(msg) => {
                diags.push(
                    Diagnostic::error(file, msg)
                        .at(source, pos)
                        .with_hint("写成 `2025:`，下面缩进写各项指标"),
                );
                continue;
            }
        };
        if stats.0.contains_key(&year) {
            diags.push(Diagnostic::error(file, format!("年份 {year} 重复出现")).at(source, pos));
            continue;
        }
        let mut row = BTreeMap::new();
        for (key, value) in &metrics.0 {
            let kpos = pos_of(key, LineOffset(0));
            if !declared.contains(&key.value.as_str()) {
                let mut d = Diagnostic::error(
                    file,
                    format!("指标 `{}` 没有在 site.yaml 的 metrics 中声明", key.value),
                )
                .at_span(source, kpos, key.value.chars().count());
                d = match closest(&key.value, declared.iter().copied()) {
                    Some(c) => d.with_hint(format!(
                        "是不是 `{c}`？或者在 site.yaml 的 metrics 下加上 `{}`",
                        key.value
                    )),
                    None => d.with_hint(format!(
                        "在 site.yaml 的 metrics 下声明：`{}: {{label: 名称, unit: 单位}}`",
                        key.value
                    )),
                };
                diags.push(d);
                continue;
            }
            match value.value.as_number() {
                Some(n) if in_range(n) => {
                    row.insert(MetricKey::new(&key.value), n);
                }
                Some(_) | None if value.value.is_out_of_range() => {
                    diags.push(
                        Diagnostic::error(
                            file,
                            format!(
                                "{year} 年的 `{}` 是 {}，超出了允许的范围",
                                key.value,
                                value.value.describe()
                            ),
                        )
                        .at(source, pos_of(value, LineOffset(0)))
                        .with_hint(RANGE_HINT),
                    );
                }
                _ => {
                    let text = value.value.describe();
                    let mut d = Diagnostic::error(
                        file,
                        format!("{year} 年的 `{}` 应是数字，现在是 {text}", key.value),
                    )
                    .at(source, pos_of(value, LineOffset(0)));
                    d = d.with_hint(number_hint(&value.value));
                    diags.push(d);
                }
            }
        }
        stats.0.insert(year, row);
    }
    stats
}

/// The check every statistic passes on its way into the model, from a
/// YAML file or a spreadsheet alike: finite, and within ±[`MAX_VALUE`].
///
/// [`MAX_VALUE`]: crate::base::num::MAX_VALUE
pub fn in_range(n: f64) -> bool {
    n.is_finite() && n.abs() <= crate::base::num::MAX_VALUE
}

/// What to do about a value [`in_range`] refuses.
pub const RANGE_HINT: &str = "统计数值的绝对值不能超过 1,000,000,000,000,000（10 的 15 次方）；检查是否多写了几个 0，或换一个更大的单位";

fn number_hint(v: &Scalar) -> String {
    if let Scalar::Text(t) = v {
        let digits: String = t
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        if !digits.is_empty() && digits.len() < t.len() {
            return format!("只写数字，单位在 site.yaml 的 metrics 中设置，例如 `{digits}`");
        }
    }
    "只写数字，例如 `335` 或 `12.5`".into()
}

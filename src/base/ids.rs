//! Small types that keep ids, years, metric keys and site paths from being mixed up.

use std::fmt;

use serde::Serialize;

/// What kind of entity: each has its own id space and URL prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Town,
    Belt,
    Alliance,
}

impl EntityKind {
    pub const ALL: [EntityKind; 3] = [EntityKind::Town, EntityKind::Belt, EntityKind::Alliance];

    /// Folder under `content/` and URL prefix.
    pub fn dir(self) -> &'static str {
        match self {
            EntityKind::Town => "towns",
            EntityKind::Belt => "belts",
            EntityKind::Alliance => "alliances",
        }
    }

    /// Front-matter field that references this kind from a report.
    pub fn field(self) -> &'static str {
        self.dir()
    }

    /// Chinese name, for messages to editors.
    pub fn label(self) -> &'static str {
        match self {
            EntityKind::Town => "试点镇",
            EntityKind::Belt => "示范带",
            EntityKind::Alliance => "联合体",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Town => "town",
            EntityKind::Belt => "belt",
            EntityKind::Alliance => "alliance",
        }
    }

    /// The kind a word names: its Chinese name (`试点镇`), `town` or `towns`.
    pub fn named(s: &str) -> Option<EntityKind> {
        let s = s.trim().to_ascii_lowercase();
        EntityKind::ALL
            .into_iter()
            .find(|k| s == k.label() || s == k.as_str() || s == k.dir())
    }
}

/// An entity id: `[a-z0-9-]+`, unique within its kind. Also used in URLs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EntityId(String);

impl EntityId {
    /// Checks the id's characters; the error says what is wrong.
    pub fn parse(s: &str) -> Result<EntityId, String> {
        if s.is_empty() {
            return Err("id 不能为空".into());
        }
        if let Some(bad) = s
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(format!(
                "id `{s}` 含有不允许的字符 `{bad}`：只能用小写字母、数字和连字符 (a-z 0-9 -)"
            ));
        }
        if s.len() > 100 {
            return Err(format!("id 太长（{} 个字符，最多 100 个）", s.len()));
        }
        Ok(EntityId(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EntityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A calendar year between 1900 and 2100 (the only ones these sites talk about).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Year(u16);

impl Year {
    pub const MIN: i64 = 1900;
    pub const MAX: i64 = 2100;

    pub fn new(y: i64) -> Result<Year, String> {
        if (Self::MIN..=Self::MAX).contains(&y) {
            Ok(Year(y as u16))
        } else {
            Err(format!("年份 {y} 超出范围 {}–{}", Self::MIN, Self::MAX))
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A statistics key declared in `site.yaml` `metrics`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct MetricKey(String);

impl MetricKey {
    pub fn new(s: &str) -> MetricKey {
        MetricKey(s.to_owned())
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MetricKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A page's location relative to the site root: `""` for the home page,
/// otherwise ASCII segments each ending in `/` (`towns/jingzhong/`), or a file
/// (`sitemap.xml`). Links between pages are computed from two of these.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SitePath(String);

impl SitePath {
    pub fn root() -> SitePath {
        SitePath(String::new())
    }

    /// A directory page from its segments: `dir(["towns", "jingzhong"])` → `towns/jingzhong/`.
    pub fn dir<S: AsRef<str>>(segments: impl IntoIterator<Item = S>) -> SitePath {
        let mut s = String::new();
        for seg in segments {
            s.push_str(seg.as_ref());
            s.push('/');
        }
        SitePath(s)
    }

    pub fn file(path: &str) -> SitePath {
        SitePath(path.trim_start_matches('/').to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_dir(&self) -> bool {
        self.0.is_empty() || self.0.ends_with('/')
    }

    /// The file that holds this page in the output tree.
    pub fn output_file(&self) -> String {
        if self.is_dir() {
            format!("{}index.html", self.0)
        } else {
            self.0.clone()
        }
    }

    /// How many directories deep the page's file is (the number of `../` to the root).
    pub fn depth(&self) -> usize {
        self.output_file().matches('/').count()
    }
}

impl fmt::Display for SitePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_reject_non_ascii_and_upper_case() {
        assert!(EntityId::parse("jingzhong-2").is_ok());
        assert!(EntityId::parse("Jingzhong").is_err());
        assert!(EntityId::parse("敬仲").unwrap_err().contains('敬'));
        assert!(EntityId::parse("").is_err());
        assert!(EntityId::parse("a/b").is_err());
    }

    #[test]
    fn years_are_bounded() {
        assert!(Year::new(1899).is_err());
        assert_eq!(Year::new(2025).unwrap().get(), 2025);
        assert!(Year::new(2101).is_err());
    }

    #[test]
    fn site_paths_know_their_depth() {
        assert_eq!(SitePath::root().depth(), 0);
        assert_eq!(SitePath::dir(["towns", "a"]).depth(), 2);
        assert_eq!(
            SitePath::dir(["towns", "a"]).output_file(),
            "towns/a/index.html"
        );
        assert_eq!(SitePath::file("sitemap.xml").depth(), 0);
    }
}

//! YAML parsing with positions: serde-saphyr turned into our diagnostics.
//!
//! serde-saphyr (safe Rust, maintained) keeps serde's data model and gives a
//! location for every value through [`Spanned`], which is what lets semantic
//! errors (an unknown town id, an undeclared metric) point at a line and column.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
pub use serde_saphyr::Spanned;

use crate::diag::{Diagnostic, Pos, closest};

/// Where a file's YAML starts inside the file (front matter starts on line 2).
#[derive(Debug, Clone, Copy, Default)]
pub struct LineOffset(pub usize);

/// Parses `yaml` into `T`; on failure, one diagnostic pointing into `file`.
/// `full_source` is the whole file (for the code frame), `offset` the number of
/// file lines before the YAML starts.
pub fn parse<T: de::DeserializeOwned>(
    yaml: &str,
    file: &std::path::Path,
    full_source: &str,
    offset: LineOffset,
) -> Result<T, Diagnostic> {
    serde_saphyr::from_str::<T>(yaml).map_err(|e| {
        let raw = e.without_snippet().to_string();
        let message = translate_message(&raw);
        let mut d = Diagnostic::error(file, message.clone());
        if let Some(loc) = e.location() {
            let pos = Pos::new(loc.line() as usize + offset.0, loc.column() as usize);
            d = d.at(full_source, pos);
        }
        if let Some(h) = hint_for(&raw, yaml) {
            d = d.with_hint(h);
        }
        d
    })
}

/// The position of a spanned value, shifted to file lines.
pub fn pos_of<T>(s: &Spanned<T>, offset: LineOffset) -> Pos {
    Pos::new(
        s.referenced.line() as usize + offset.0,
        s.referenced.column() as usize,
    )
}

/// serde-saphyr's message with its location suffix removed (we print our own).
fn translate_message(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let cut = first.find(" at line ").map_or(first, |i| &first[..i]);
    format!("YAML 格式错误: {cut}")
}

/// Hints for the mistakes office staff make most.
fn hint_for(raw: &str, yaml: &str) -> Option<String> {
    if yaml
        .lines()
        .any(|l| crate::load::frontmatter::full_width_key(l).is_some())
    {
        return Some(
            "冒号是全角的“：”？YAML 的键和值之间要用半角冒号加空格，例如 `title: 标题`".into(),
        );
    }
    if yaml.contains('\t') {
        return Some("YAML 不能用 Tab 缩进，请改用空格".into());
    }
    if let Some(field) = raw
        .split("unknown field `")
        .nth(1)
        .and_then(|r| r.split('`').next())
    {
        let expected: Vec<&str> = raw
            .split("expected one of ")
            .nth(1)
            .map(|r| {
                r.split(',')
                    .map(|s| s.trim().trim_matches('`').trim())
                    .collect()
            })
            .unwrap_or_default();
        if let Some(c) = closest(field, expected.iter().copied()) {
            return Some(format!("是不是想写 `{c}`？"));
        }
        return Some(format!("`{field}` 不是可用的字段名"));
    }
    None
}

/// A YAML mapping kept in source order, duplicates included, so that each key
/// keeps its position for messages and nothing is silently overwritten.
#[derive(Debug, Clone)]
pub struct OrderedMap<K, V>(pub Vec<(K, V)>);

impl<K, V> Default for OrderedMap<K, V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V2<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for V2<K, V> {
            type Value = OrderedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut v = Vec::new();
                while let Some(entry) = m.next_entry()? {
                    v.push(entry);
                }
                Ok(OrderedMap(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(OrderedMap(Vec::new()))
            }
        }
        d.deserialize_map(V2(PhantomData))
    }
}

/// Any YAML scalar (or something else), so that a wrong type becomes a
/// positioned validation error instead of aborting the whole file.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    Null,
    /// A list or mapping where a scalar was expected.
    Nested,
}

impl Scalar {
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Scalar::Int(i) => Some(*i as f64),
            Scalar::Float(f) if f.is_finite() => Some(*f),
            _ => None,
        }
    }

    /// The value as the user wrote it, for messages.
    pub fn describe(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Text(s) => format!("\"{s}\""),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Null => "空值".into(),
            Scalar::Nested => "列表或映射".into(),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SV;
        impl<'de> Visitor<'de> for SV {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(i64::try_from(v).map_or(Scalar::Float(v as f64), Scalar::Int))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Scalar, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Scalar, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Nested)
            }
        }
        d.deserialize_any(SV)
    }
}

/// A field that may be written as one item or as a list (`tags: 强镇筑基` or `tags: [a, b]`).
#[derive(Debug, Clone)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Either<T> {
            Many(Vec<T>),
            One(T),
        }
        Ok(match Option::<Either<T>>::deserialize(d)? {
            None => OneOrMany(Vec::new()),
            Some(Either::Many(v)) => OneOrMany(v),
            Some(Either::One(t)) => OneOrMany(vec![t]),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        stats: Option<OrderedMap<Spanned<Scalar>, Scalar>>,
    }

    #[test]
    fn errors_point_at_file_lines() {
        let src = "---\ntitle: a\ntitel: b\n---\n";
        let yaml = "title: a\ntitel: b\n";
        let d = parse::<Doc>(yaml, Path::new("x.md"), src, LineOffset(1)).unwrap_err();
        assert_eq!(d.pos.map(|p| p.line), Some(3), "{d}");
        assert!(d.hint.as_deref().unwrap_or("").contains("title"), "{d}");
    }

    #[test]
    fn full_width_colon_gets_a_hint() {
        let yaml = "title：标题\n";
        let d = parse::<Doc>(yaml, Path::new("x.md"), yaml, LineOffset(0)).unwrap_err();
        assert!(d.hint.unwrap().contains('：'));
    }

    #[test]
    fn ordered_map_keeps_order_and_positions() {
        let yaml = "title: t\nstats:\n  2025: 1\n  2023: x\n";
        let d: Doc = parse(yaml, Path::new("x"), yaml, LineOffset(0)).unwrap();
        let stats = d.stats.unwrap().0;
        assert_eq!(stats.len(), 2);
        assert_eq!(stats[0].0.value, Scalar::Int(2025));
        assert_eq!(pos_of(&stats[1].0, LineOffset(0)).line, 4);
        assert_eq!(stats[1].1, Scalar::Text("x".into()));
    }
}

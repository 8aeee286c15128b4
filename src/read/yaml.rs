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
/// file lines before the YAML starts. The message is always Chinese: the
/// parser's English never reaches the user.
pub fn parse<T: de::DeserializeOwned>(
    yaml: &str,
    file: &std::path::Path,
    full_source: &str,
    offset: LineOffset,
) -> Result<T, Diagnostic> {
    // Infinities and NaN reach our own types, which report them with their
    // position (a statistic of `.inf` is "out of range", not a parse error).
    let mut options = serde_saphyr::Options::default();
    options.non_finite_float_policy = serde_saphyr::options::NonFiniteFloatPolicy::PassThrough;
    serde_saphyr::from_str_with_options::<T>(yaml, options).map_err(|e| {
        let (message, hint) = explain(e.without_snippet());
        let mut d = Diagnostic::error(file, format!("YAML 格式错误：{message}"));
        if let Some(loc) = e.location() {
            let pos = Pos::new(loc.line() as usize + offset.0, loc.column() as usize);
            d = d.at(full_source, pos);
        }
        match hint.or_else(|| common_hint(yaml)) {
            Some(h) => d.with_hint(h),
            None => d,
        }
    })
}

/// The position of a spanned value, shifted to file lines.
pub fn pos_of<T>(s: &Spanned<T>, offset: LineOffset) -> Pos {
    Pos::new(
        s.referenced.line() as usize + offset.0,
        s.referenced.column() as usize,
    )
}

/// What went wrong, in Chinese, and a hint when there is a specific one.
fn explain(e: &serde_saphyr::Error) -> (String, Option<String>) {
    use serde_saphyr::Error as E;
    let plain = |m: &str| (m.to_owned(), None);
    match e {
        E::WithSnippet { error, .. } => explain(error),
        E::DuplicateMappingKey { key, .. } => (
            format!("键 `{}` 写了两次", key.as_deref().unwrap_or("?")),
            Some("同一层里每个键只能出现一次：删掉或合并重复的那一行".into()),
        ),
        E::Budget { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::AliasReplayCounterOverflow { .. } => (
            "内容太大或嵌套太深（可能是别名 `*` 反复展开），为安全起见没有读取".into(),
            Some("不要用 & 和 * 别名复制大块内容，直接写出需要的值".into()),
        ),
        E::NonFiniteFloat { value, .. } => (
            format!("数字 `{value}` 超出范围"),
            Some("写一个普通的数字，例如 `335` 或 `12.5`".into()),
        ),
        E::SerdeInvalidType {
            unexpected,
            expected,
            ..
        }
        | E::SerdeInvalidValue {
            unexpected,
            expected,
            ..
        } => plain(&format!(
            "这里应是{}，写的却是{}",
            kind_zh(expected),
            kind_zh(unexpected)
        )),
        E::SerdeUnknownField {
            field, expected, ..
        } => {
            let hint = match closest(field, expected.iter().copied()) {
                Some(c) => format!("是不是想写 `{c}`？"),
                None => format!("`{field}` 不是可用的字段名；自定义数据写在 extra: 下面"),
            };
            (format!("不认识的字段 `{field}`"), Some(hint))
        }
        E::SerdeMissingField { field, .. } => plain(&format!("缺少字段 `{field}`")),
        E::SerdeUnknownVariant {
            variant, expected, ..
        } => (
            format!("`{variant}` 不是可选的值"),
            Some(format!("可以写：{}", expected.join("、"))),
        ),
        E::SerdeInvalidLength { len, .. } => plain(&format!("列表的长度 {len} 不对")),
        E::Eof { .. } => (
            "文件意外结束".into(),
            Some("检查括号 [ ] { } 和引号是否成对".into()),
        ),
        E::MultipleDocuments { .. } => (
            "文件里有多段 YAML（用 `---` 分开）".into(),
            Some("一个文件只写一段；front matter 只在开头用一对 `---` 包住".into()),
        ),
        E::UnknownAnchor { .. } => plain("引用了不存在的锚点（`*名称` 前面没有 `&名称`）"),
        E::IndentationError { .. } => plain("缩进不对"),
        E::QuotingRequired { value, .. } => (
            format!("`{value}` 需要加引号"),
            Some(format!("写成 `\"{value}\"`")),
        ),
        E::Message { msg, .. } if has_cjk(msg) => plain(msg),
        E::Message { msg, .. } if msg.contains("did not match any variant") => {
            plain("格式不对：既不是一个值，也不是列表")
        }
        _ => plain("语法不对（检查这一行的缩进、冒号后的空格和引号）"),
    }
}

fn has_cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// A serde type description (`a sequence`, `integer \`5\``) in Chinese.
fn kind_zh(s: &str) -> String {
    let l = s.to_ascii_lowercase();
    let kind = if l.contains("sequence") || l.contains("seq") || l.contains("array") {
        "列表"
    } else if l.contains("map") || l.contains("struct") {
        "键值（映射）"
    } else if l.contains("string") || l.contains("str") || l.contains("char") {
        "文字"
    } else if l.contains("integer") || l.contains("i64") || l.contains("u64") || l.contains("usize")
    {
        "整数"
    } else if l.contains("float") || l.contains("f64") {
        "数字"
    } else if l.contains("bool") {
        "true 或 false"
    } else if l.contains("null") || l.contains("unit") || l.contains("none") {
        "空值"
    } else {
        "其他内容"
    };
    // Keep the value the user wrote (`integer \`5\``), not the type words.
    match s.split_once('`') {
        Some((_, rest)) => match rest.rsplit_once('`') {
            Some((value, _)) if !value.is_empty() => format!("{kind} `{value}`"),
            _ => kind.to_owned(),
        },
        None => kind.to_owned(),
    }
}

/// Hints for the mistakes office staff make most, whatever the parser said.
fn common_hint(yaml: &str) -> Option<String> {
    if yaml.lines().any(|l| full_width_key(l).is_some()) {
        return Some(
            "冒号是全角的“：”？YAML 的键和值之间要用半角冒号加空格，例如 `title: 标题`".into(),
        );
    }
    if yaml.contains('\t') {
        return Some("YAML 不能用 Tab 缩进，请改用空格".into());
    }
    None
}

/// `title：x` → `Some("title")`.
pub fn full_width_key(line: &str) -> Option<&str> {
    let (key, _) = line.split_once('：')?;
    let key = key.trim();
    let plain = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    plain.then_some(key)
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

    /// A number too large for a statistic, or not finite (`.inf`, `1e400`).
    pub fn is_out_of_range(&self) -> bool {
        match self {
            Scalar::Float(f) => !f.is_finite() || f.abs() > crate::base::num::MAX_VALUE,
            Scalar::Int(i) => (*i as f64).abs() > crate::base::num::MAX_VALUE,
            _ => false,
        }
    }

    /// The value as the user wrote it, for messages.
    pub fn describe(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            // `1.6e308`, not three hundred digits.
            Scalar::Float(f) if f.abs() >= 1e16 => format!("{f:e}"),
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

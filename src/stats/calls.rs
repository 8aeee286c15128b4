//! Figures inside reports: `{{ stat(town="jingzhong", metric="teachers", year=2025) }}`.
//!
//! A call is `{{ name(key=value, …) }}` on one line, outside code. The double
//! braces plus a name and a parenthesis never occur in ordinary Chinese prose,
//! and code spans and blocks are left alone, so documentation can show calls
//! verbatim. Values are `"text"`, `'text'`, numbers or bare words.
//!
//! | call | result |
//! | --- | --- |
//! | `stat(town=ID, metric=KEY, year=YYYY)` (or `belt=`/`alliance=`) | one figure with its unit: `401名` |
//! | `total(metric=KEY, year=YYYY[, of=towns\|belts\|alliances][, level=省级][, county=…][, kind=名校+])` | a sum over entities |
//! | `count(of=towns\|belts\|alliances[, level=…][, county=…][, kind=…][, since=YYYY])` | how many: `18个` |
//! | `stat_table(town=ID[, metrics="a,b"])` | the entity's table, years × metrics |
//! | `stat_table(metric=KEY, year=YYYY[, of=…][, level=…])` | one figure per entity, with the total |
//! | `stat_chart(town=ID, metric=KEY)` | the entity's metric over the years (SVG) |
//! | `stat_chart(metric=KEY, year=YYYY[, of=…][, level=…])` | one bar per entity (SVG) |

use crate::base::escape::{escape_attr, escape_text};
use crate::base::ids::{EntityKind, SitePath, Year};
use crate::base::num::format_number;
use crate::config::{ChartKind, Combine, Config, Metric};
use crate::diag::closest;
use crate::model::Site;
use crate::model::entities::{Detail, Level};
use crate::stats::aggregate::{Selection, select, series};
use crate::stats::chart::{Chart, Point, svg};
use crate::stats::combine::combine;

/// A parsed call: its name, arguments in order, and where it sits in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Vec<(String, String)>,
    /// Byte range of the whole `{{ … }}` in the body.
    pub start: usize,
    pub end: usize,
}

/// What a call turns into.
#[derive(Debug, Clone, PartialEq)]
pub enum Fragment {
    /// Plain text (escaped when inserted).
    Text(String),
    /// Trusted HTML generated here (a table or a chart).
    Block(String),
}

/// A call that cannot be evaluated: the message and a hint.
#[derive(Debug, Clone, PartialEq)]
pub struct CallError {
    pub message: String,
    pub hint: Option<String>,
    /// Caused by an error reported elsewhere (an entity file that did not
    /// parse): not reported again.
    pub follow_on: bool,
}

fn err(message: impl Into<String>) -> CallError {
    CallError {
        message: message.into(),
        hint: None,
        follow_on: false,
    }
}

impl CallError {
    fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

/// Finds the calls in `body`, skipping the byte ranges in `code`. A `{{ name(`
/// that does not parse is returned as an error at its position.
pub fn find_calls(
    body: &str,
    code: &[std::ops::Range<usize>],
) -> Vec<Result<Call, (usize, CallError)>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(rel) = body[from..].find("{{") {
        let start = from + rel;
        from = start + 2;
        if code.iter().any(|r| r.contains(&start)) {
            continue;
        }
        let line_end = body[start..].find('\n').map_or(body.len(), |i| start + i);
        let line = &body[start + 2..line_end];
        let trimmed = line.trim_start();
        let name_len = trimmed
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let looks_like_call = name_len > 0 && trimmed[name_len..].trim_start().starts_with('(');
        if !looks_like_call {
            continue;
        }
        let Some(close) = line.find("}}") else {
            out.push(Err((
                start,
                err("数据调用没有结束：缺少 `}}`")
                    .hint("调用要写在一行内，例如 {{ stat(town=\"jingzhong\", metric=\"teachers\", year=2025) }}"),
            )));
            continue;
        };
        let end = start + 2 + close + 2;
        match parse_call(&line[..close]) {
            Ok((name, args)) => out.push(Ok(Call {
                name,
                args,
                start,
                end,
            })),
            Err(e) => out.push(Err((start, e))),
        }
        from = end;
    }
    out
}

/// Parses `name(key=value, …)`.
fn parse_call(s: &str) -> Result<(String, Vec<(String, String)>), CallError> {
    let s = s.trim();
    let open = s.find('(').ok_or_else(|| err("缺少 `(`"))?;
    let name = s[..open].trim().to_owned();
    let rest = s[open + 1..].trim_end();
    let inner = rest
        .strip_suffix(')')
        .ok_or_else(|| err("调用缺少右括号 `)`"))?;
    let mut args = Vec::new();
    let mut chars = inner.char_indices().peekable();
    loop {
        while chars
            .peek()
            .is_some_and(|(_, c)| c.is_whitespace() || *c == ',' || *c == '，')
        {
            chars.next();
        }
        let Some(&(kstart, _)) = chars.peek() else {
            break;
        };
        let mut kend = kstart;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                kend = i + c.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let key = inner[kstart..kend].to_owned();
        if key.is_empty() {
            return Err(err(format!("参数写法不对：`{}`", inner[kstart..].trim()))
                .hint("参数写成 名称=值，例如 metric=\"teachers\""));
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        if !matches!(chars.next(), Some((_, '='))) {
            return Err(err(format!("参数 `{key}` 后面缺少 `=`")));
        }
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let value = match chars.peek().map(|(_, c)| *c) {
            Some(q @ ('"' | '\'' | '“')) => {
                let close = if q == '“' { '”' } else { q };
                chars.next();
                let mut v = String::new();
                let mut closed = false;
                for (_, c) in chars.by_ref() {
                    if c == close {
                        closed = true;
                        break;
                    }
                    v.push(c);
                }
                if !closed {
                    return Err(err(format!("参数 `{key}` 的引号没有闭合")));
                }
                v
            }
            Some(_) => {
                let mut v = String::new();
                while let Some(&(_, c)) = chars.peek() {
                    if c == ',' || c == '，' || c.is_whitespace() {
                        break;
                    }
                    v.push(c);
                    chars.next();
                }
                v
            }
            None => return Err(err(format!("参数 `{key}` 没有值"))),
        };
        if args.iter().any(|(k, _): &(String, String)| *k == key) {
            return Err(err(format!("参数 `{key}` 重复")));
        }
        args.push((key, value));
    }
    Ok((name, args))
}

/// Evaluates calls against the site's statistics.
pub struct Evaluator<'a> {
    pub site: &'a Site,
    /// Makes a page-relative link to a site path.
    pub href: &'a dyn Fn(&SitePath) -> String,
    /// Told what each call reads, so a page's dependencies include it.
    pub read: &'a dyn Fn(Read),
}

/// What a call reads of the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    /// One entity (its statistics, name and page).
    Entity(usize),
    /// Every entity of a kind (a total, a count, a table or chart over them).
    Kind(EntityKind),
}

const FUNCTIONS: [&str; 6] = [
    "stat",
    "total",
    "average",
    "count",
    "stat_table",
    "stat_chart",
];

struct Args<'c> {
    call: &'c Call,
    used: Vec<&'static str>,
}

impl<'c> Args<'c> {
    fn get(&mut self, key: &'static str) -> Option<&'c str> {
        self.used.push(key);
        self.call
            .args
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    fn need(&mut self, key: &'static str) -> Result<&'c str, CallError> {
        self.get(key)
            .ok_or_else(|| err(format!("{}(…) 缺少参数 `{key}`", self.call.name)))
    }

    /// Every argument given must have been read: a misspelt one is an error, not ignored.
    fn finish(&self) -> Result<(), CallError> {
        for (k, _) in &self.call.args {
            if !self.used.contains(&k.as_str()) {
                let e = err(format!("{}(…) 不认识参数 `{k}`", self.call.name));
                return Err(match closest(k, self.used.iter().copied()) {
                    Some(c) => e.hint(format!("是不是 `{c}`？")),
                    None => e.hint(format!("可用参数：{}", self.used.join("、"))),
                });
            }
        }
        Ok(())
    }
}

impl Evaluator<'_> {
    pub fn eval(&self, call: &Call) -> Result<Fragment, CallError> {
        let mut a = Args {
            call,
            used: Vec::new(),
        };
        let out = match call.name.as_str() {
            "stat" => self.stat(&mut a),
            "total" => self.total(&mut a),
            "average" => self.average(&mut a),
            "count" => self.count(&mut a),
            "stat_table" => self.table(&mut a),
            "stat_chart" => self.chart(&mut a),
            other => {
                let e = err(format!("不认识的数据调用 `{other}`"));
                return Err(match closest(other, FUNCTIONS) {
                    Some(c) => e.hint(format!("是不是 `{c}`？")),
                    None => e.hint(format!("可用的调用：{}", FUNCTIONS.join("、"))),
                });
            }
        }?;
        a.finish()?;
        Ok(out)
    }

    fn config(&self) -> &Config {
        &self.site.config
    }

    fn metric(&self, a: &mut Args<'_>) -> Result<&Metric, CallError> {
        let key = a.need("metric")?;
        self.config().metric(key).ok_or_else(|| {
            let known: Vec<&str> = self
                .config()
                .metrics
                .iter()
                .map(|m| m.key.as_str())
                .collect();
            let e = err(format!("指标 `{key}` 没有在 site.yaml 中声明"));
            match closest(key, known.iter().copied()) {
                Some(c) => e.hint(format!("是不是 `{c}`？")),
                None => e.hint(format!("已声明的指标：{}", known.join("、"))),
            }
        })
    }

    fn year(a: &mut Args<'_>) -> Result<Year, CallError> {
        let y = a.need("year")?;
        let n: i64 = y
            .parse()
            .map_err(|_| err(format!("year 应是年份数字，`{y}` 不是")))?;
        Year::new(n).map_err(err)
    }

    /// The entity named by `town=`, `belt=` or `alliance=`, if any.
    fn entity(&self, a: &mut Args<'_>) -> Result<Option<usize>, CallError> {
        let mut found = None;
        for (key, kind) in [
            ("town", EntityKind::Town),
            ("belt", EntityKind::Belt),
            ("alliance", EntityKind::Alliance),
        ] {
            if let Some(id) = a.get(key) {
                if found.is_some() {
                    return Err(err("town、belt、alliance 只能写一个"));
                }
                let i = self.site.entities.get(kind, id).ok_or_else(|| {
                    let ids = self.site.entities.ids_of(kind);
                    let mut e = err(format!("找不到{} `{id}`", kind.label()));
                    e.follow_on = self.site.entities.is_unresolved(kind, id);
                    match closest(id, ids.iter().copied()) {
                        Some(c) => e.hint(format!("是不是 `{c}`？")),
                        None => e.hint(format!("content/{}/ 中没有这个 id", kind.dir())),
                    }
                })?;
                (self.read)(Read::Entity(i));
                found = Some(i);
            }
        }
        Ok(found)
    }

    fn selection(&self, a: &mut Args<'_>) -> Result<Selection, CallError> {
        let kind = match a.get("of") {
            None | Some("towns") | Some("town") => EntityKind::Town,
            Some("belts") | Some("belt") => EntityKind::Belt,
            Some("alliances") | Some("alliance") => EntityKind::Alliance,
            Some(other) => {
                return Err(
                    err(format!("of=`{other}` 无效")).hint("of 填 towns、belts 或 alliances")
                );
            }
        };
        let level = match a.get("level") {
            None => None,
            Some(l) => Some(Level::parse(l).ok_or_else(|| {
                err(format!("level `{l}` 无效")).hint("level 填 省级、市级 或 县级")
            })?),
        };
        (self.read)(Read::Kind(kind));
        Ok(Selection {
            kind: Some(kind),
            level,
            county: a.get("county").map(str::to_owned),
            alliance_kind: a.get("kind").map(str::to_owned),
        })
    }

    fn with_unit(v: f64, unit: &str) -> String {
        format!("{}{unit}", format_number(v))
    }

    fn stat(&self, a: &mut Args<'_>) -> Result<Fragment, CallError> {
        let e = self
            .entity(a)?
            .ok_or_else(|| err("stat(…) 需要 town=、belt= 或 alliance= 指明对象"))?;
        let m = self.metric(a)?;
        let y = Self::year(a)?;
        let ent = &self.site.entities.all[e];
        let v = ent.stats.get(y, &m.key).ok_or_else(|| {
            let years: Vec<String> = ent
                .stats
                .0
                .iter()
                .filter(|(_, r)| r.contains_key(&m.key))
                .map(|(y, _)| y.to_string())
                .collect();
            err(format!("{} 没有 {y} 年的 `{}` 数据", ent.name, m.key)).hint(if years.is_empty() {
                format!("{} 的统计中没有这个指标", ent.file.display())
            } else {
                format!("有数据的年份：{}", years.join("、"))
            })
        })?;
        Ok(Fragment::Text(Self::with_unit(v, &m.unit)))
    }

    /// `total(metric=…, year=…)`: the sum over the selection; only for
    /// metrics that add up (a rate's total is refused, with a hint).
    fn total(&self, a: &mut Args<'_>) -> Result<Fragment, CallError> {
        let m = self.metric(a)?;
        if m.combine != Combine::Sum {
            let what = if m.combine == Combine::None {
                "不汇总"
            } else {
                "是比率或平均数，不能相加"
            };
            return Err(
                err(format!("`{}`（{}）{what}", m.key, m.label)).hint(match m.combine {
                    Combine::None => "这个指标在 site.yaml 中写了 aggregate: none".to_owned(),
                    _ => format!(
                        "要求平均值，写 {{{{ average(metric=\"{}\", year=…) }}}}",
                        m.key
                    ),
                }),
            );
        }
        self.combined(a, m)
    }

    /// `average(metric=…, year=…)`: the mean (or weighted mean) over the
    /// selection, for metrics that are averaged.
    fn average(&self, a: &mut Args<'_>) -> Result<Fragment, CallError> {
        let m = self.metric(a)?;
        match m.combine {
            Combine::Mean | Combine::Weighted(_) => self.combined(a, m),
            Combine::Sum => Err(err(format!("`{}`（{}）是可以相加的数量", m.key, m.label))
                .hint(format!("要合计，写 {{{{ total(metric=\"{}\", year=…) }}}}；确实要平均，在 site.yaml 给它写 aggregate: mean", m.key))),
            Combine::None => Err(err(format!("`{}`（{}）不汇总", m.key, m.label))
                .hint("这个指标在 site.yaml 中写了 aggregate: none")),
        }
    }

    /// The metric combined over the selection as it declares.
    fn combined(&self, a: &mut Args<'_>, m: &Metric) -> Result<Fragment, CallError> {
        let y = Self::year(a)?;
        let sel = self.selection(a)?;
        let c = combine(&self.site.entities, &sel, m, y).ok_or_else(|| {
            err(format!("{y} 年没有任何对象有 `{}` 数据", m.key)).hint("检查年份、指标和筛选条件")
        })?;
        Ok(Fragment::Text(Self::with_unit(c.value, &m.unit)))
    }

    fn count(&self, a: &mut Args<'_>) -> Result<Fragment, CallError> {
        let sel = self.selection(a)?;
        let since = match a.get("since") {
            None => None,
            Some(s) => Some(
                s.parse::<i64>()
                    .ok()
                    .and_then(|n| Year::new(n).ok())
                    .ok_or_else(|| err(format!("since `{s}` 不是年份")))?,
            ),
        };
        let n = select(&self.site.entities, &sel)
            .filter(|(_, e)| match (since, &e.detail) {
                (None, _) => true,
                (Some(y), Detail::Town { since: Some(s), .. }) => *s == y,
                _ => false,
            })
            .count();
        Ok(Fragment::Text(format!("{n}个")))
    }

    fn table(&self, a: &mut Args<'_>) -> Result<Fragment, CallError> {
        if let Some(e) = self.entity(a)? {
            let ent = &self.site.entities.all[e];
            let metrics: Vec<&Metric> = match a.get("metrics") {
                Some(list) => list
                    .split([',', '，'])
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(|k| {
                        self.config()
                            .metric(k)
                            .ok_or_else(|| err(format!("指标 `{k}` 没有在 site.yaml 中声明")))
                    })
                    .collect::<Result<_, _>>()?,
                None => self
                    .config()
                    .metrics
                    .iter()
                    .filter(|m| ent.stats.0.values().any(|r| r.contains_key(&m.key)))
                    .collect(),
            };
            let mut h = String::from(
                "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可左右滚动）\"><table class=\"stats-table\"><caption>",
            );
            h.push_str(&escape_text(&ent.name));
            h.push_str("</caption><thead><tr><th scope=\"col\">年份</th>");
            for m in &metrics {
                h.push_str(&format!(
                    "<th scope=\"col\">{}<small>（{}）</small></th>",
                    escape_text(&m.label),
                    escape_text(&m.unit)
                ));
            }
            h.push_str("</tr></thead><tbody>");
            for (y, row) in &ent.stats.0 {
                h.push_str(&format!("<tr><th scope=\"row\">{y}</th>"));
                for m in &metrics {
                    let v = row
                        .get(&m.key)
                        .map_or_else(|| "—".to_owned(), |v| format_number(*v));
                    h.push_str(&format!("<td>{v}</td>"));
                }
                h.push_str("</tr>");
            }
            h.push_str("</tbody></table></div>");
            return Ok(Fragment::Block(h));
        }
        let m = self.metric(a)?;
        let y = Self::year(a)?;
        let sel = self.selection(a)?;
        let rows = self.rows(&sel, m, y)?;
        let mut h = format!(
            "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可左右滚动）\"><table class=\"stats-table\"><caption>{y} 年{}</caption><thead><tr><th scope=\"col\">名称</th><th scope=\"col\">{}<small>（{}）</small></th></tr></thead><tbody>",
            escape_text(&m.label),
            escape_text(&m.label),
            escape_text(&m.unit)
        );
        for (name, path, v) in &rows {
            h.push_str(&format!(
                "<tr><th scope=\"row\"><a href=\"{}\">{}</a></th><td>{}</td></tr>",
                escape_attr(&(self.href)(path)),
                escape_text(name),
                format_number(*v)
            ));
        }
        // The table's own figure, combined as the metric says (never a sum of rates).
        match combine(&self.site.entities, &sel, m, y) {
            Some(c) => h.push_str(&format!(
                "</tbody><tfoot><tr><th scope=\"row\">{}</th><td>{}</td></tr></tfoot></table></div>",
                m.combine.label(),
                format_number(c.value)
            )),
            None => h.push_str("</tbody></table></div>"),
        }
        Ok(Fragment::Block(h))
    }

    /// (name, path, value) for each selected entity that has the metric in `year`.
    fn rows(
        &self,
        sel: &Selection,
        m: &Metric,
        y: Year,
    ) -> Result<Vec<(String, SitePath, f64)>, CallError> {
        let rows: Vec<_> = select(&self.site.entities, sel)
            .filter_map(|(_, e)| {
                e.stats
                    .get(y, &m.key)
                    .map(|v| (e.name.clone(), e.path.clone(), v))
            })
            .collect();
        if rows.is_empty() {
            return Err(err(format!("{y} 年没有任何对象有 `{}` 数据", m.key)));
        }
        Ok(rows)
    }

    fn chart(&self, a: &mut Args<'_>) -> Result<Fragment, CallError> {
        let entity = self.entity(a)?;
        let m = self.metric(a)?;
        let (title, points) = if let Some(e) = entity {
            let ent = &self.site.entities.all[e];
            let points = series(ent, &m.key);
            if points.is_empty() {
                return Err(err(format!("{} 没有 `{}` 数据", ent.name, m.key)));
            }
            (format!("{} {}", ent.name, m.label), points)
        } else {
            let y = Self::year(a)?;
            let sel = self.selection(a)?;
            let points = self
                .rows(&sel, m, y)?
                .into_iter()
                .map(|(name, _, v)| Point::new(name, v))
                .collect();
            (format!("{y} 年{}", m.label), points)
        };
        let kind = if entity.is_some() {
            m.chart
        } else {
            ChartKind::Bar
        };
        let key: Vec<String> = a
            .call
            .args
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let id = format!(
            "chart-{:08x}",
            crate::base::hash::fnv1a(key.join("&").as_bytes())
        );
        let chart = Chart {
            title: &title,
            unit: &m.unit,
            kind,
            points: &points,
            note: None,
        };
        Ok(Fragment::Block(format!(
            "<figure class=\"chart-figure\">{}</figure>",
            svg(&chart, &id)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_calls_outside_code_only() {
        let body =
            "教师 {{ stat(town=\"a\", metric=teachers, year=2025) }} 名。\n`{{ stat(x=1) }}`\n";
        let code_start = body.find('`').unwrap();
        let code = vec![code_start..body.len(); 1];
        let calls = find_calls(body, &code);
        assert_eq!(calls.len(), 1);
        let c = calls[0].as_ref().unwrap();
        assert_eq!(c.name, "stat");
        assert_eq!(
            c.args,
            vec![
                ("town".into(), "a".into()),
                ("metric".into(), "teachers".into()),
                ("year".into(), "2025".into())
            ]
        );
        assert_eq!(
            &body[c.start..c.end],
            "{{ stat(town=\"a\", metric=teachers, year=2025) }}"
        );
    }

    #[test]
    fn ordinary_braces_are_not_calls() {
        assert!(find_calls("他说{{这不是调用}}，还有 {{ x }}。", &[]).is_empty());
    }

    #[test]
    fn malformed_calls_are_errors() {
        for bad in [
            "{{ stat(town=\"a\" }}",
            "{{ stat(town=\"a) }}",
            "{{ stat(town) }}",
            "{{ stat(a=1, a=2) }}",
            "{{ stat(town=\"a\")\n}}",
        ] {
            let r = find_calls(bad, &[]);
            assert!(matches!(r.as_slice(), [Err(_)]), "{bad}: {r:?}");
        }
    }

    #[test]
    fn chinese_punctuation_in_arguments_is_accepted() {
        let r = find_calls(
            "{{ stat(town=“jingzhong”，metric=teachers， year=2025) }}",
            &[],
        );
        let c = r[0].as_ref().unwrap();
        assert_eq!(c.args[0], ("town".into(), "jingzhong".into()));
        assert_eq!(c.args.len(), 3);
    }
}

//! Guessing a report's front matter from its text: the title (the title
//! line, not a shop header; a `——` subtitle joined to it), the date (a date
//! line, the page's publication time, or a page meta line), the author and
//! region (a signature or the line under the title), and the kind (from
//! words in the title). Each guess says where it came from, so the import
//! report can say what to check.

use crate::import::Document;
use crate::tidy::dates::{Ymd, date_line, find_date};
use crate::tidy::join::is_heading_line;
use crate::tidy::junk::{Class, Matcher, Verdict};
use crate::tidy::markers::marker;
use crate::tidy::{Kind, Line, chars, inline};

/// What was guessed, with where it came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guess {
    pub title: Option<Guessed<String>>,
    /// The text of the lines the title came from, to remove from the body.
    pub title_lines: Vec<String>,
    pub date: Option<Guessed<Ymd>>,
    pub author: Option<Guessed<String>>,
    pub region: Option<String>,
    pub kind: Guessed<String>,
    /// Things worth a look: placeholders left in, a text that stops mid-sentence.
    pub checks: Vec<String>,
}

/// A value and a few words on where it was found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Guessed<T> {
    pub value: T,
    pub from: String,
}

fn guessed<T>(value: T, from: impl Into<String>) -> Guessed<T> {
    Guessed {
        value,
        from: from.into(),
    }
}

/// Lines searched for a title at the top of a document.
const TITLE_LINES: usize = 15;
/// Lines searched for a signature and date at the end.
const TAIL_LINES: usize = 8;

/// Guesses the front matter of `doc` (whose residue is judged by `junk`).
pub fn guess(doc: &Document, junk: &Matcher) -> Guess {
    let text: Vec<(&Line, String)> = doc
        .lines
        .iter()
        .filter(|l| matches!(l.kind, Kind::Text | Kind::Heading(_)))
        .map(|l| (l, inline::strip_marks(&l.text).trim().to_owned()))
        .collect();
    let clean: Vec<&(&Line, String)> = text
        .iter()
        .filter(|(_, t)| {
            !t.is_empty() && matches!(junk.judge(t), Verdict::Clean | Verdict::Suspect(_))
        })
        .collect();
    let unit = doc.unit;
    let mut g = Guess {
        kind: guessed(crate::model::reports::DEFAULT_KIND.to_owned(), "默认"),
        ..Guess::default()
    };

    // Title: the format's own, or the first title-like line before the text begins.
    let mut title_at = None;
    if let Some(t) = doc
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        g.title_lines.push(t.to_owned());
        g.title = Some(guessed(clean_title(t), "文档的标题"));
        title_at = clean.iter().position(|(_, x)| x == t);
    } else if let Some(i) = title_candidate(&clean) {
        let (line, t) = clean[i];
        g.title_lines.push(t.clone());
        g.title = Some(guessed(clean_title(t), unit.at(line.at)));
        title_at = Some(i);
    }
    // A subtitle `——在…会议上的发言` right under the title belongs to it.
    if let (Some(i), Some(title)) = (title_at, g.title.as_mut())
        && let Some((_, sub)) = clean.get(i + 1).filter(|(_, s)| s.starts_with(['—', '－']))
    {
        let sub = sub.trim_start_matches(['—', '－', '-']).trim();
        if !sub.is_empty() && chars::count(sub) <= 40 && !chars::ends_sentence(sub) {
            title.value = format!("{}——{}", title.value, clean_title(sub));
            g.title_lines.push(clean[i + 1].1.clone());
        }
    }

    // Date: a date line near the end (a signature) or near the top, the
    // format's own, or a page meta line.
    let tail = clean.len().saturating_sub(TAIL_LINES);
    let date_at = |range: &[&(&Line, String)]| {
        range
            .iter()
            .find_map(|(l, t)| date_line(t).map(|d| (l.at, d)))
    };
    let tail_rev: Vec<&(&Line, String)> = clean[tail..].iter().rev().copied().collect();
    let head = &clean[..clean.len().min(TITLE_LINES)];
    if let Some((at, d)) = date_at(&tail_rev).or_else(|| date_at(head)) {
        g.date = Some(guessed(d, format!("{}的日期", unit.at(at))));
    } else if let Some(d) = doc.date {
        g.date = Some(guessed(d, "网页或文件中记录的发布日期"));
    } else if let Some((at, d)) = text.iter().find_map(|(l, t)| {
        let meta = matches!(junk.judge(t), Verdict::Remove(h) if h.rule.class == Class::PageMeta);
        meta.then(|| find_date(t).map(|d| (l.at, d))).flatten()
    }) {
        g.date = Some(guessed(d, format!("{}的网页时间", unit.at(at))));
    }

    // Author: the signature above the closing date, or the line under the title.
    let signature = clean[tail..]
        .iter()
        .rev()
        .skip_while(|(_, t)| date_line(t).is_none())
        .nth(1)
        .filter(|(_, t)| is_organisation(t));
    let under_title = title_at
        .and_then(|i| clean.get(i + 1 + usize::from(g.title_lines.len() > 1)))
        .filter(|(_, t)| is_organisation(t.trim_start_matches(['—', '－'])));
    if let Some((l, t)) = signature.or(under_title) {
        let name = t.trim_start_matches(['—', '－']).trim().to_owned();
        g.region = region_of(&name);
        g.author = Some(guessed(name, format!("{}的署名", unit.at(l.at))));
    }

    if let Some(t) = &g.title
        && let Some(k) = kind_of(&t.value)
    {
        g.kind = guessed(k.to_owned(), "标题中的用词");
    }
    g.checks = checks(&clean, unit);
    g
}

/// The first line that reads like a title, among those before the text
/// proper starts; one naming a kind of document (`发言`, `总结`…) is preferred.
fn title_candidate(lines: &[&(&Line, String)]) -> Option<usize> {
    let mut found = Vec::new();
    for (i, (_, t)) in lines.iter().enumerate().take(TITLE_LINES) {
        if chars::count(t) > 60 || chars::ends_sentence(t) && !t.ends_with(['：', ':']) {
            break;
        }
        let title_like = !t.ends_with(['：', ':', '，', ','])
            && marker(t).is_none()
            && !is_heading_line(t)
            && date_line(t).is_none()
            && t.chars().filter(|&c| chars::is_han(c)).count() >= 4
            && !t.starts_with(['—', '－']);
        if title_like {
            found.push(i);
        }
    }
    found
        .iter()
        .copied()
        .find(|&i| kind_of(&lines[i].1).is_some())
        .or_else(|| found.first().copied())
}

/// Words in parentheses that download sites add to titles.
const TITLE_DECORATIONS: &[&str] = &[
    "范文",
    "推荐",
    "精选",
    "通用",
    "最新",
    "优选",
    "模板",
    "word",
    "doc",
    "可编辑",
    "下载",
    "完整版",
    "免费",
    "全文",
    "合集",
    "汇编",
    "篇",
];

/// `2023年度经验交流材料:聚焦…(范文推荐)` → `2023年度经验交流材料：聚焦…`.
pub fn clean_title(t: &str) -> String {
    let mut t = t.trim().to_owned();
    loop {
        let before = t.clone();
        // A trailing (…) or 【…】 with a download site's words.
        for (open, close) in [('(', ')'), ('（', '）'), ('【', '】'), ('[', ']')] {
            if t.ends_with(close)
                && let Some(i) = t.rfind(open)
            {
                let inner = t[i + open.len_utf8()..t.len() - close.len_utf8()].to_lowercase();
                if TITLE_DECORATIONS.iter().any(|w| inner.contains(w)) {
                    t.truncate(i);
                    t = t.trim_end().to_owned();
                }
            }
            if t.starts_with(open)
                && let Some(j) = t.find(close)
            {
                let inner = t[open.len_utf8()..j].to_lowercase();
                if TITLE_DECORATIONS.iter().any(|w| inner.contains(w)) {
                    t = t[j + close.len_utf8()..].trim_start().to_owned();
                }
            }
        }
        if t == before {
            break;
        }
    }
    // Spaces are kept: a title often sets two phrases apart (`强镇筑基 一镇一品`).
    inline::full_width(&t).trim().to_owned()
}

/// The kind a title's words say (`…的交流发言` → `发言`).
pub fn kind_of(title: &str) -> Option<&'static str> {
    const KINDS: &[(&[&str], &str)] = &[
        (&["发言", "讲话", "致辞", "演讲"], "发言"),
        (&["工作要点", "要点"], "工作要点"),
        (&["工作计划", "计划", "实施方案", "工作方案"], "工作计划"),
        (&["总结"], "年度总结"),
        (&["述职", "报告", "汇报"], "工作报告"),
        (&["经验", "交流", "典型", "做法"], "经验交流"),
    ];
    KINDS
        .iter()
        .find(|(words, _)| words.iter().any(|w| title.contains(w)))
        .map(|(_, k)| *k)
}

/// Ends of names of offices, schools and towns that sign reports.
const ORGANISATIONS: &[&str] = &[
    "教育局",
    "教体局",
    "教育和体育局",
    "学校",
    "中学",
    "小学",
    "幼儿园",
    "学区",
    "中心校",
    "政府",
    "委员会",
    "办公室",
    "教研室",
    "研究室",
    "研究院",
    "集团",
    "工作室",
    "共同体",
    "联合体",
    "联盟",
    "镇",
    "乡",
    "街道",
    "教育中心",
    "教学研究中心",
    "进修学校",
];

/// A short line naming an organisation (`敬仲镇中心学校`, `临淄区教育局`).
fn is_organisation(t: &str) -> bool {
    let t = t.trim();
    chars::count(t) <= 30
        && !chars::ends_sentence(t)
        && !t.contains(['，', ',', '。'])
        && ORGANISATIONS
            .iter()
            .any(|o| t.ends_with(o) || t.contains(&format!("{o} ")))
}

/// The county or district an author names (`临淄区教育局` → `临淄区`);
/// anonymised (`**区`) or placeholder (`XX县`) names give none.
pub fn region_of(author: &str) -> Option<String> {
    let cs: Vec<char> = author.chars().collect();
    let end = cs
        .iter()
        .position(|&c| matches!(c, '区' | '县'))
        .or_else(|| cs.iter().position(|&c| c == '市'))?;
    let name: String = cs[..=end].iter().collect();
    let han = cs[..end].iter().all(|&c| chars::is_han(c));
    (han && (2..=6).contains(&end)).then_some(name)
}

/// Placeholders left in (`XX学校`, `202x年`, `**市`) and a text that stops mid-sentence.
fn checks(lines: &[&(&Line, String)], unit: crate::import::Unit) -> Vec<String> {
    let mut out = Vec::new();
    let placeholder = |t: &str| -> Option<&'static str> {
        if t.contains("XX") || t.contains("××") || t.contains("ＸＸ") {
            Some("XX")
        } else if t.contains("**") || t.contains("＊＊") {
            Some("**")
        } else if t.contains("202x") || t.contains("20xx") || t.contains("20XX") {
            Some("20xx")
        } else {
            None
        }
    };
    let mut seen: Vec<&str> = Vec::new();
    for (l, t) in lines {
        if let Some(p) = placeholder(t)
            && !seen.contains(&p)
        {
            seen.push(p);
            out.push(format!(
                "{}起有占位符“{p}”（隐去的名称或年份），发布前请核对",
                unit.at(l.at)
            ));
        }
    }
    if let Some((l, t)) = lines.last() {
        let closing = date_line(t).is_some() || is_organisation(t) || t.starts_with('[');
        if !closing && !chars::ends_sentence(t) && !t.ends_with(['”', '…', '）']) {
            out.push(format!(
                "正文在{}没有结束（可能是预览截断），请补全",
                unit.at(l.at)
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Document {
        Document {
            lines: Line::plain(text),
            ..Document::default()
        }
    }

    #[test]
    fn title_date_author_from_a_speech() {
        let g = guess(
            &doc(
                "购物车\n我的足迹\n\n强镇筑基 一镇一品\n——敬仲镇试点工作经验交流\n敬仲镇中心学校\n各位领导、同志们：\n近年来，我们坚持……做了三件事。\n临淄区教育局\n二〇二五年三月十八日\n",
            ),
            Matcher::builtin(),
        );
        assert_eq!(
            g.title.unwrap().value,
            "强镇筑基 一镇一品——敬仲镇试点工作经验交流"
        );
        assert_eq!(g.date.unwrap().value, (2025, 3, 18));
        assert_eq!(g.author.unwrap().value, "临淄区教育局");
        assert_eq!(g.region.as_deref(), Some("临淄区"));
        assert_eq!(g.kind.value, "经验交流");
    }

    #[test]
    fn web_copy_titles_and_meta_dates() {
        let g = guess(
            &doc(
                "2023年度经验交流材料:聚焦“三名+”加力做文章(范文推荐)\n\n时间:2023-11-28 15:00:11 来源:网友投稿\n\n正文第一段，讲了很多很多的做法和体会。\n",
            ),
            Matcher::builtin(),
        );
        assert_eq!(
            g.title.unwrap().value,
            "2023年度经验交流材料：聚焦“三名+”加力做文章"
        );
        assert_eq!(g.date.unwrap().value, (2023, 11, 28));
        assert!(g.author.is_none());
    }

    #[test]
    fn no_title_in_a_text_that_starts_with_its_body() {
        let g = guess(
            &doc(
                "202x年,区教育局深刻领会区委战略意图,坚持以优质均衡教育为核心,不断深化教育改革。\n一、突出品牌创优\n(一)创党建引领示范区\n正文。\n预览阅读已结束,若您需要全文或代笔。\n",
            ),
            Matcher::builtin(),
        );
        assert!(g.title.is_none());
        assert!(
            g.checks.iter().any(|c| c.contains("20xx")),
            "{:?}",
            g.checks
        );
    }

    #[test]
    fn kinds_and_regions() {
        assert_eq!(kind_of("在2025年教育工作会议上的交流发言"), Some("发言"));
        assert_eq!(kind_of("2025年工作要点"), Some("工作要点"));
        assert_eq!(kind_of("2024年度工作总结"), Some("年度总结"));
        assert_eq!(region_of("**区教育局"), None);
        assert_eq!(region_of("XX县教育局"), None);
        assert_eq!(region_of("南河县教育局"), Some("南河县".into()));
        assert_eq!(region_of("齐川市第一实验小学"), Some("齐川市".into()));
    }
}

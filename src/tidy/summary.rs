//! What the build reads from a report's text with the same rules: the
//! summary of a report that gives none, and the paragraphs that look like a
//! paste that lost its structure (which `huiwen tidy` would cut up).

use crate::tidy::inline::squeeze;
use crate::tidy::join::{Chunk, is_heading_line, paragraphs};
use crate::tidy::junk::{Matcher, Verdict};
use crate::tidy::markers::{Level, marker};
use crate::tidy::split::{Piece, cjk_gaps, heading_cuts, pieces};
use crate::tidy::{Kind, Line, Log, Source, after_title, chars, compact, dates, markdown};

/// About how long a summary is, in characters.
const SUMMARY: usize = 120;
/// Sentences are added to a summary until it is this long.
const SUMMARY_ENOUGH: usize = 40;

/// The summary of a report from its paragraphs' plain text: its first
/// sentences that are not residue, the title again, a salutation, a date
/// or a signature, cut to about 120 characters.
pub fn pick(title: &str, paragraphs: impl IntoIterator<Item = String>, junk: &Matcher) -> String {
    let title = compact(title);
    let mut fallback: Option<String> = None;
    for p in paragraphs.into_iter().take(40) {
        let squeezed = squeeze(&p);
        if squeezed.is_empty() || matches!(junk.judge(&squeezed), Verdict::Remove(_)) {
            continue;
        }
        let text = without_prefix(&squeezed, &title);
        let c = compact(text);
        if c.is_empty() || (!title.is_empty() && title.contains(&c)) {
            continue;
        }
        let text = without_salutation(text);
        if text.is_empty() {
            continue;
        }
        fallback.get_or_insert_with(|| text.to_owned());
        // Residue inside a paragraph (a paste that lost its line breaks) is
        // looked for sentence by sentence, when the paragraph holds any.
        let suspicious = junk.might_match(text);
        let sentences: Vec<&str> = sentences(text)
            .into_iter()
            .filter(|s| !suspicious || !matches!(junk.judge(s), Verdict::Remove(_)))
            .collect();
        let has_end = text.contains(['。', '！', '？', '!', '?', '…']);
        if sentences.is_empty()
            || (!has_end && chars::count(text) < 30)
            || dates::date_line(text).is_some()
        {
            continue;
        }
        let mut out = String::new();
        for s in sentences {
            if !out.is_empty() && chars::count(&out) + chars::count(s) > SUMMARY {
                break;
            }
            out.push_str(s);
            if chars::count(&out) >= SUMMARY_ENOUGH {
                break;
            }
        }
        return cut(&out, SUMMARY);
    }
    fallback.map(|t| cut(&t, SUMMARY)).unwrap_or_default()
}

/// `text` without a copy of the title at its start.
fn without_prefix<'a>(text: &'a str, title: &str) -> &'a str {
    match after_title(text, title) {
        Some((rest, _)) if !title.is_empty() => rest,
        _ => text,
    }
}

/// `尊敬的各位领导、同志们：近年来…` → `近年来…`.
fn without_salutation(text: &str) -> &str {
    let Some(i) = text.find(['：', ':']) else {
        return text;
    };
    let head = &text[..i];
    let greeting = [
        "领导", "同志", "各位", "大家", "来宾", "代表", "老师", "朋友",
    ]
    .iter()
    .any(|w| head.contains(w));
    if greeting && chars::count(head) <= 20 {
        let colon = text[i..].chars().next().map_or(1, char::len_utf8);
        text[i + colon..].trim_start_matches(chars::is_space)
    } else {
        text
    }
}

/// Sentences, each with its end mark (and closing quotes).
fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars_it = text.char_indices().peekable();
    while let Some((i, c)) = chars_it.next() {
        if matches!(c, '。' | '！' | '？' | '!' | '?') {
            let mut end = i + c.len_utf8();
            while let Some(&(j, q)) = chars_it.peek() {
                if !matches!(q, '”' | '’' | '」' | '』' | '）' | ')') {
                    break;
                }
                end = j + q.len_utf8();
                chars_it.next();
            }
            out.push(text[start..end].trim());
            start = end;
        }
    }
    if start < text.len() && !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

/// At most `n` characters, cut after a comma when one is near the end.
fn cut(s: &str, n: usize) -> String {
    if chars::count(s) <= n {
        return s.to_owned();
    }
    let head: String = s.chars().take(n).collect();
    let at_comma = head
        .char_indices()
        .rev()
        .take(30)
        .find(|&(_, c)| matches!(c, '，' | '；' | '、' | ','))
        .map(|(i, _)| &head[..i]);
    format!("{}…", at_comma.unwrap_or(&head))
}

/// A paragraph that `huiwen tidy` would cut up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// File line where the paragraph starts.
    pub line: usize,
    /// Its length in characters.
    pub chars: usize,
    pub reason: Reason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A heading number inside (`二、`, `（三）`).
    Heading(String),
    /// Lines that each look like a paragraph (one paragraph per line, pasted).
    Lines(usize),
    /// Spaces between Chinese characters where a PDF's line breaks were.
    PdfSpaces(usize),
}

/// Paragraphs at least this long are looked at.
pub const LONG_PARAGRAPH: usize = 300;

/// The long paragraphs of a Markdown body (whose first line is `first_line`)
/// that lost their structure on the way in.
pub fn untidy_paragraphs(body: &str, first_line: usize) -> Vec<Finding> {
    let lines = markdown::scan(body, first_line);
    let mut out = Vec::new();
    for group in lines.split(|l| l.kind != Kind::Text) {
        let Some(first) = group.first() else {
            continue;
        };
        let chars: usize = group.iter().map(|l| chars::count(l.text.trim())).sum();
        if chars < LONG_PARAGRAPH {
            continue;
        }
        if let Some((line, reason)) = untidy(group) {
            out.push(Finding {
                line: line.unwrap_or(first.at),
                chars,
                reason,
            });
        }
    }
    out
}

/// Why a paragraph is untidy, and the line to point at (the paragraph's
/// first when `None`).
fn untidy(group: &[Line]) -> Option<(Option<usize>, Reason)> {
    let gappy: Vec<(usize, usize)> = group
        .iter()
        .map(|l| (l.at, cjk_gaps(&l.text)))
        .filter(|&(_, g)| g >= 3)
        .collect();
    if let Some(&(at, _)) = gappy.first() {
        let gaps = gappy.iter().map(|(_, g)| g).sum();
        return Some((Some(at), Reason::PdfSpaces(gaps)));
    }
    // One line cannot be cut by joining: only a heading number inside it counts.
    if let [line] = group {
        let cut = *heading_cuts(&line.text).first()?;
        let rest = &line.text[cut..];
        let m = marker(rest)?;
        return Some((
            Some(line.at),
            Reason::Heading(rest[..m.len].trim().to_owned()),
        ));
    }
    let cut: Vec<Piece> = pieces(group.to_vec());
    let numbered = cut.iter().enumerate().find_map(|(i, p)| {
        let m = marker(&p.text).filter(|m| m.level <= Level::Subsection)?;
        (i > 0 || is_heading_line(&p.text)).then(|| (p.at, p.text[..m.len].trim().to_owned()))
    });
    if let Some((at, n)) = numbered {
        return Some((Some(at), Reason::Heading(n)));
    }
    let chunks = paragraphs(cut, Source::Markdown, &mut Log::default());
    let texts = chunks
        .iter()
        .filter(|c| matches!(c, Chunk::Text { .. }))
        .count();
    (texts > 1).then_some((None, Reason::Lines(group.len())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(title: &str, paras: &[&str]) -> String {
        pick(
            title,
            paras.iter().map(|p| (*p).to_owned()),
            Matcher::builtin(),
        )
    }

    #[test]
    fn summaries_are_sentences_of_the_body() {
        let title = "在2025年教育工作会议上的交流发言";
        assert_eq!(
            summary(
                title,
                &[
                    "购物车 我的足迹",
                    "在2025年教育工作会议上的交流发言",
                    "在2025年教育工作会议上的交流发言 尊敬的各位领导,同志们: 近年来,我市持续深化教育强镇筑基改革,整体带 动镇域教育质量提升。目前,全市创建省级试点镇18个。后面还有很多话。"
                ]
            ),
            "近年来,我市持续深化教育强镇筑基改革,整体带动镇域教育质量提升。目前,全市创建省级试点镇18个。"
        );
        assert_eq!(
            summary("标题", &["各位领导、同志们：", "今年以来，我们坚持……"]),
            "今年以来，我们坚持……"
        );
        assert_eq!(summary("标题", &["第一段第二行", "第二段"]), "第一段第二行");
        assert_eq!(summary("标题", &[]), "");
    }

    #[test]
    fn gambling_and_page_meta_never_make_a_summary() {
        let s = summary(
            "经验交流",
            &[
                "时间:2023-11-28 来源:网友投稿",
                "澳门威尼斯人 百家乐 时时彩",
                "我们坚持以人民为中心。",
            ],
        );
        assert_eq!(s, "我们坚持以人民为中心。");
    }

    #[test]
    fn long_first_sentences_are_cut_after_a_comma() {
        let long = format!("{}，{}。", "教".repeat(100), "育".repeat(60));
        let s = summary("标题", &[&long]);
        assert_eq!(s, format!("{}…", "教".repeat(100)));
    }

    #[test]
    fn untidy_paragraphs_are_found() {
        let para =
            "聚焦党建红色高地，打响育红中心建设创新战，实现党建引领下“五育并举”理念的全面落地。"
                .repeat(4);
        let body = format!("{para}\n一、突出品牌创优\n{para}\n（二）当优质均衡试验区\n{para}\n");
        let f = untidy_paragraphs(&body, 5);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].line, 6);
        assert_eq!(f[0].reason, Reason::Heading("一、".into()));

        let lines = format!("{para}\n{para}\n");
        assert_eq!(untidy_paragraphs(&lines, 1)[0].reason, Reason::Lines(2));

        let pdf = "近年来,我市持续 深化教育强镇筑基改革,按照“强镇引 领、亮点带动、示范融通”思路,以点串线、以线成带、以带 促面".repeat(6);
        assert!(matches!(
            untidy_paragraphs(&pdf, 1)[0].reason,
            Reason::PdfSpaces(_)
        ));
    }

    #[test]
    fn hard_wrapped_markdown_is_tidy() {
        let body = "按照会议安排，我代表南河县教育局，围绕推进县域义务教育优质均衡发展作交流发言。南\n河县是农业县，乡村学校点多面广、规模偏小，是全市教育发展的“短板县”。近年来，我\n们以三个县级强镇筑基试点镇为突破口，在补短板、强弱项上下功夫，县域教育面貌有了明\n显改观。我们把全县乡村小学划分为九个联片教研片区，每个片区确定一所中心校牵头，每\n月开展一次联片教研活动。齐川市第一实验小学“名校+”教育联合体把河口镇中心小学、双\n庙镇中心小学纳入联合体，每学期派出骨干教师驻校指导。杏林镇学前三年毛入园率达到\n88.9%，河口镇达到88.1%，较上年分别提高4.2个和2.8个百分点。";
        assert_eq!(untidy_paragraphs(body, 1), vec![]);
    }
}

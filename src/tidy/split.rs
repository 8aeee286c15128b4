//! Cutting lines where breaks were lost: a PDF copy that turned every line
//! break into a space (`强镇引 领、亮点带动`), and a heading number that
//! follows the end of a sentence (`…推广推介。二、分类推进`).

use crate::tidy::markers::{Level, marker};
use crate::tidy::{Kind, Line, chars, inline};

/// A line, or a part of one, on its way to a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub at: usize,
    pub text: String,
    pub kind: Kind,
    /// Cut out of the same source line as the piece before (not a line break of the source).
    pub cut: bool,
    /// The source line began with an indent (a paragraph start in many texts).
    pub indented: bool,
    /// The text as the inline fixes will leave it ([`inline::normalized`]),
    /// which joining decides on; empty for pieces that are not text.
    pub norm: String,
}

/// A line needs this many spaces between Chinese characters, and this many
/// characters, to count as a PDF copy whose line breaks became spaces.
const PDF_GAPS: usize = 3;
const PDF_MIN_CHARS: usize = 60;

/// Cuts each text line into pieces (other lines pass through whole).
pub fn pieces(lines: Vec<Line>) -> Vec<Piece> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.kind != Kind::Text {
            out.push(Piece {
                at: line.at,
                text: line.text,
                kind: line.kind,
                cut: false,
                indented: false,
                norm: String::new(),
            });
            continue;
        }
        let indented = line.text.starts_with(['\u{3000}', '\t']) || line.text.starts_with("  ");
        let fragments = if is_pdf_line(&line.text) {
            pdf_fragments(&line.text)
        } else {
            vec![line.text.trim().to_owned()]
        };
        let before = out.len();
        for f in fragments {
            for part in at_headings(&f) {
                if part.is_empty() {
                    continue;
                }
                out.push(Piece {
                    at: line.at,
                    cut: out.len() > before,
                    norm: inline::normalized(&part),
                    text: part,
                    kind: Kind::Text,
                    indented: indented && out.len() == before,
                });
            }
        }
        if out.len() == before {
            // An empty line of text is still a line: it ends a paragraph.
            out.push(Piece {
                at: line.at,
                text: String::new(),
                kind: Kind::Break,
                cut: false,
                indented: false,
                norm: String::new(),
            });
        }
    }
    out
}

/// Spaces between two Chinese characters in `s`, counted as runs.
pub fn cjk_gaps(s: &str) -> usize {
    // Most lines have no space at all.
    if !s.as_bytes().contains(&b' ') && !s.contains('\u{3000}') && !s.contains('\u{a0}') {
        return 0;
    }
    gap_ranges(s, false).len()
}

fn is_pdf_line(s: &str) -> bool {
    chars::count(s) >= PDF_MIN_CHARS && cjk_gaps(s) >= PDF_GAPS
}

/// Byte ranges of the space runs that sit between two CJK characters (or
/// after ASCII punctuation that follows one: `同志们: 近年来`). With `loose`,
/// also those with a CJK character on one side only (`形成165 份`): in a
/// line known to be a PDF copy, those are line breaks too.
fn gap_ranges(s: &str, loose: bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    let mut before_prev: Option<char> = None;
    let mut run: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if chars::is_space(c) && c != '\t' {
            let after_cjk = prev.is_some_and(chars::is_cjk)
                || (prev.is_some_and(|p| matches!(p, ',' | ':' | ';' | '!' | '?' | ')'))
                    && before_prev.is_some_and(chars::is_cjk));
            if run.is_none() && (after_cjk || (loose && prev.is_some_and(|p| !chars::is_space(p))))
            {
                run = Some(i);
            }
            continue;
        }
        if let Some(start) = run.take() {
            let cjk_before = s[..start].chars().next_back().is_some_and(chars::is_cjk);
            if chars::is_cjk(c) || (loose && cjk_before) {
                out.push((start, i));
            }
        }
        before_prev = prev;
        prev = Some(c);
    }
    out
}

/// The line cut at every gap between Chinese characters.
fn pdf_fragments(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    for (a, b) in gap_ranges(s, true) {
        out.push(s[from..a].trim().to_owned());
        from = b;
    }
    out.push(s[from..].trim().to_owned());
    out
}

/// Cuts before a section or subsection number that follows the end of a
/// sentence (`。二、`), or a subsection number right after a section title
/// (`二、分类推进连“线”（一）统筹规划`).
fn at_headings(s: &str) -> Vec<String> {
    let cuts = heading_cuts(s);
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut from = 0;
    for c in cuts {
        out.push(s[from..c].trim().to_owned());
        from = c;
    }
    out.push(s[from..].trim().to_owned());
    out
}

/// Where [`at_headings`] cuts `s` (byte offsets of the numbers).
pub(crate) fn heading_cuts(s: &str) -> Vec<usize> {
    let mut cuts = Vec::new();
    let starts_section = marker(&inline::strip_marks(s)).is_some_and(|m| m.level == Level::Section);
    let mut sentence_ended = false;
    let mut prev: Option<char> = None;
    for (i, c) in s.char_indices() {
        if i > 0
            && matches!(
                c,
                '一' | '二'
                    | '三'
                    | '四'
                    | '五'
                    | '六'
                    | '七'
                    | '八'
                    | '九'
                    | '十'
                    | '第'
                    | '（'
                    | '('
            )
            && let Some(m) = marker(&s[i..]).filter(|m| m.level <= Level::Subsection)
        {
            let after_sentence = prev.is_some_and(|p| matches!(p, '。' | '！' | '？' | '!' | '?'));
            let in_title = starts_section
                && !sentence_ended
                && m.level == Level::Subsection
                && cuts.is_empty();
            if after_sentence || in_title {
                cuts.push(i);
            }
        }
        if matches!(c, '。' | '！' | '？' | '!' | '?') {
            sentence_ended = true;
        }
        if !chars::is_space(c) {
            prev = Some(c);
        }
    }
    cuts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_spaces_become_cuts() {
        let line = "近年来,**市持续深化教育强镇筑基改革,按照“强镇引 领、亮点带动、示范融通”思路,以点串线、以线成带、以带 促面、由面成体,实施强镇筑基行动,整体带 动镇域教育质量提升。";
        let f = pdf_fragments(line);
        assert_eq!(f.len(), 4, "{f:?}");
        assert!(f[0].ends_with("强镇引"));
        assert!(f[1].starts_with("领、"));
    }

    #[test]
    fn latin_spaces_are_not_gaps() {
        assert_eq!(cjk_gaps("在 2025 年 教育 工作"), 2);
        assert_eq!(cjk_gaps("使用 Python 编程"), 0);
    }

    #[test]
    fn headings_after_sentences_are_cut() {
        assert_eq!(
            at_headings("相关做法被省教育厅推广推介。一、精益求精抓“点”"),
            vec!["相关做法被省教育厅推广推介。", "一、精益求精抓“点”"]
        );
        assert_eq!(
            at_headings("二、分类推进连“线”,场景变常景（一）统筹规划。秉持理念"),
            vec!["二、分类推进连“线”,场景变常景", "（一）统筹规划。秉持理念"]
        );
        // Numbers inside a sentence stay.
        assert_eq!(at_headings("主要有：（一）试点；（二）推广。").len(), 1);
        assert_eq!(at_headings("分为一、二、三年级。").len(), 1);
    }
}

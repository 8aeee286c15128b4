//! Grouping lines into paragraphs: which line breaks are paragraph breaks
//! and which fell in the middle of a sentence.
//!
//! A line that ends a sentence (`。！？；：…`) ends its paragraph; one that
//! does not is continued by the next, unless it is short (a title, a
//! signature, a heading without a number) or the next starts with a heading
//! number or is a date line. Text laid out at a fixed width (a PDF copy, a
//! hard-wrapped file) is recognised by its many lines of the same width: a
//! full line goes on into the next whatever it ends with.
//!
//! Markdown keeps its line breaks inside a paragraph (they render as
//! nothing between Chinese characters), so there tidying only puts in
//! paragraph breaks; plain text is joined into one line per paragraph.

use crate::tidy::markers::{Level, marker};
use crate::tidy::split::Piece;
use crate::tidy::{Kind, Log, Source, chars, dates};

/// A paragraph-sized piece of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    /// Running text (plain text on one line; Markdown with its line breaks).
    Text { at: usize, text: String },
    /// A heading known from the source.
    Heading { at: usize, level: u8, text: String },
    /// Lines written out as they are.
    Verbatim { lines: Vec<String> },
}

/// A line this short that stops without punctuation is a paragraph of its own.
const SHORT_LINE: usize = 16;
/// In Markdown, a line that ends a sentence ends the paragraph only if it is
/// this long (one paragraph per line, as pasted); shorter sentences written
/// one per line stay together.
const PARAGRAPH_LINE: usize = 40;

/// Groups pieces into chunks.
pub fn paragraphs(pieces: Vec<Piece>, source: Source, log: &mut Log) -> Vec<Chunk> {
    let layout = Layout::of(&pieces);
    let mut out: Vec<Chunk> = Vec::new();
    let mut open: Option<(usize, String, Piece)> = None;
    let mut verbatim: Vec<String> = Vec::new();
    let flush_text = |open: &mut Option<(usize, String, Piece)>, out: &mut Vec<Chunk>| {
        if let Some((at, text, _)) = open.take() {
            out.push(Chunk::Text { at, text });
        }
    };
    let flush_verbatim = |v: &mut Vec<String>, out: &mut Vec<Chunk>| {
        if !v.is_empty() {
            out.push(Chunk::Verbatim {
                lines: std::mem::take(v),
            });
        }
    };
    for p in pieces {
        match p.kind {
            Kind::Text => {
                flush_verbatim(&mut verbatim, &mut out);
                open = Some(match open.take() {
                    Some((at, mut text, last)) => {
                        if continues(&last, &p, &layout, source) {
                            if p.cut {
                                log.spaces += 1;
                            } else if source == Source::Plain {
                                log.joined += 1;
                            }
                            glue(&mut text, &p, source);
                            (at, text, p)
                        } else {
                            if p.cut || source == Source::Markdown {
                                log.split += 1;
                            }
                            out.push(Chunk::Text { at, text });
                            (p.at, p.text.clone(), p)
                        }
                    }
                    None => (p.at, p.text.clone(), p),
                });
            }
            Kind::Heading(level) => {
                flush_text(&mut open, &mut out);
                flush_verbatim(&mut verbatim, &mut out);
                out.push(Chunk::Heading {
                    at: p.at,
                    level,
                    text: p.text,
                });
            }
            Kind::Verbatim => {
                flush_text(&mut open, &mut out);
                verbatim.push(p.text);
            }
            Kind::Break => {
                flush_text(&mut open, &mut out);
                flush_verbatim(&mut verbatim, &mut out);
            }
        }
    }
    flush_text(&mut open, &mut out);
    flush_verbatim(&mut verbatim, &mut out);
    out
}

/// Puts `next` after `text`: in plain text (or a cut) directly, with a
/// space only between two Latin letters or digits; in Markdown on a new line.
fn glue(text: &mut String, next: &Piece, source: Source) {
    if source == Source::Markdown && !next.cut {
        text.push('\n');
    } else if text
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric())
        && next.text.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        text.push(' ');
    }
    text.push_str(&next.text);
}

/// What the document's lines look like as a whole.
pub struct Layout {
    /// The width of a full line, when the text is laid out at a fixed width.
    wrap: Option<usize>,
    /// Whether an indent marks a paragraph start (it does unless most lines have one).
    indent_marks_paragraphs: bool,
}

/// Lines of this width within the wrap width count as full.
const WRAP_SLACK: usize = 3;

impl Layout {
    pub fn of(pieces: &[Piece]) -> Layout {
        let widths: Vec<usize> = pieces
            .iter()
            .filter(|p| p.kind == Kind::Text)
            .map(|p| chars::width(&p.norm))
            .filter(|&w| w >= 8)
            .collect();
        let indented = pieces.iter().filter(|p| p.indented).count();
        let lines = pieces.iter().filter(|p| p.kind == Kind::Text).count();
        Layout {
            wrap: wrap_width(&widths),
            indent_marks_paragraphs: indented * 10 < lines * 6,
        }
    }

    fn full(&self, line: &str) -> bool {
        self.wrap
            .is_some_and(|w| chars::width(line) + WRAP_SLACK >= w)
    }
}

/// The common width of fixed-width text: at least half the lines are
/// within a few characters of it and few are longer.
fn wrap_width(widths: &[usize]) -> Option<usize> {
    if widths.len() < 6 {
        return None;
    }
    let mut sorted = widths.to_vec();
    sorted.sort_unstable();
    let within = |w: usize| {
        let lo = sorted.partition_point(|&x| x + WRAP_SLACK < w);
        let hi = sorted.partition_point(|&x| x <= w);
        hi - lo
    };
    let (count, w) = sorted.iter().map(|&w| (within(w), w)).max()?;
    let longer = sorted.len() - sorted.partition_point(|&x| x <= w + 1);
    (count * 2 >= sorted.len() && longer * 10 <= sorted.len()).then_some(w)
}

/// Whether `next` goes on the paragraph that `last` ends.
fn continues(last: &Piece, next: &Piece, layout: &Layout, source: Source) -> bool {
    let (l, n) = (&last.norm, &next.norm);
    if marker(n).is_some() || dates::date_line(n).is_some() || dates::date_line(l).is_some() {
        return false;
    }
    if is_heading_line(l) {
        return false;
    }
    if next.indented && layout.indent_marks_paragraphs && !next.cut {
        return false;
    }
    if layout.full(l) {
        return true;
    }
    if chars::ends_sentence(l) {
        return source == Source::Markdown && chars::width(l) < PARAGRAPH_LINE;
    }
    // In plain text, a short line that stops without punctuation is a title,
    // a signature or a heading; one that stops at a comma, or a piece cut
    // out of a line, goes on. A Markdown paragraph's lines stay together.
    source == Source::Markdown
        || next.cut
        || chars::count(l) >= SHORT_LINE
        || l.trim_end().ends_with(['，', ',', '、'])
}

/// A numbered line that is a heading by itself: short, with no sentence in it.
pub fn is_heading_line(line: &str) -> bool {
    let Some(m) = marker(line) else {
        return false;
    };
    m.level <= Level::Item && is_title_like(&line[m.len..])
}

/// Heading text: one line of at most 40 characters, no sentence end
/// inside, not ending like a clause (`，`、`；`).
pub fn is_title_like(s: &str) -> bool {
    let s = s.trim().trim_end_matches(['：', ':']);
    !s.is_empty()
        && !s.contains('\n')
        && chars::count(s) <= 40
        && !s.contains(['。', '！', '？', '!', '?', '；', ';'])
        && !s.ends_with(['，', ',', '、'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(text: &str) -> Piece {
        use crate::tidy::inline;
        Piece {
            at: 1,
            text: text.into(),
            kind: Kind::Text,
            cut: false,
            indented: false,
            norm: inline::normalized(text),
        }
    }

    fn texts(lines: &[&str], source: Source) -> Vec<String> {
        let pieces = lines.iter().map(|l| piece(l)).collect();
        paragraphs(pieces, source, &mut Log::default())
            .into_iter()
            .map(|c| match c {
                Chunk::Text { text, .. } => text,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn plain_lines_are_paragraphs_and_broken_sentences_join() {
        let out = texts(
            &[
                "一、突出品牌创优,打造优势教育集聚区",
                "(一)创党建引领示范区",
                "聚焦党建红色高地,打响育红中心建设创新战,实现党建引领下",
                "“五育并举”理念的全面落地。",
                "现将有关情况汇报如下。",
                "敬仲镇中心学校",
                "2025年3月18日",
            ],
            Source::Plain,
        );
        assert_eq!(
            out,
            vec![
                "一、突出品牌创优,打造优势教育集聚区",
                "(一)创党建引领示范区",
                "聚焦党建红色高地,打响育红中心建设创新战,实现党建引领下“五育并举”理念的全面落地。",
                "现将有关情况汇报如下。",
                "敬仲镇中心学校",
                "2025年3月18日",
            ]
        );
    }

    #[test]
    fn fixed_width_text_joins_full_lines() {
        let lines = [
            "近年来，我市持续深化教育强镇筑基改革，按照思路，",
            "以点串线、以线成带、以带促面、由面成体。实施强",
            "镇筑基“六个一”提质行动，整体带动镇域教育质量",
            "提升，打造形成新格局。目前，全市创建省级试点镇。",
            "市级试点镇30个，县级试点镇42个，相关做法被推广",
            "推介。",
            "建立教育指导员定期交流机制，每季度组织召开工作",
            "交流会，分享工作经验与遇到的问题。",
        ];
        let out = texts(&lines, Source::Plain);
        assert_eq!(out.len(), 2, "{out:#?}");
        assert!(out[0].ends_with("相关做法被推广推介。"));
    }

    #[test]
    fn markdown_keeps_line_breaks_but_splits_pasted_paragraphs() {
        let long = "我们把全县乡村小学划分为九个联片教研片区，每个片区确定一所中心校牵头，每月开展一次联片教研活动。";
        let out = texts(&[long, long, "短句一。", "短句二。"], Source::Markdown);
        assert_eq!(out.len(), 3, "{out:#?}");
        assert_eq!(out[2], "短句一。\n短句二。");
    }

    #[test]
    fn wrap_width_needs_many_equal_lines() {
        assert_eq!(wrap_width(&[25, 26, 24, 25, 25, 12, 26]), Some(26));
        assert_eq!(wrap_width(&[29, 52, 370, 693, 42, 528]), None);
        assert_eq!(wrap_width(&[40, 40]), None);
    }
}

//! Paragraphs that start with a number become headings or lists, and the
//! blocks are written out as Markdown.
//!
//! `一、…` is a second-level heading, `（一）…` a third and `1.…` a fourth,
//! when the paragraph is only the heading (short, no sentence in it). A
//! section or subsection run into its text (`（一）精准定位特色项目。一是…`)
//! is cut into the heading and a paragraph. Two or more paragraphs in a row
//! numbered `1.` `2.` … (or `（1）`, `①`) become an ordered list.

use crate::tidy::join::{Chunk, is_title_like};
use crate::tidy::markers::{Level, Marker, marker};
use crate::tidy::{Heading, Log, Source, inline};

/// A block of the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading { at: usize, level: u8, text: String },
    Paragraph { text: String },
    List { start: u32, items: Vec<String> },
    Verbatim { lines: Vec<String> },
}

/// The longest heading cut off the front of a paragraph, in characters.
const RUN_IN_HEADING: usize = 30;

/// Turns chunks into blocks.
pub fn structure(chunks: Vec<Chunk>, log: &mut Log) -> Vec<Block> {
    let mut out = Vec::with_capacity(chunks.len());
    let mut i = 0;
    while i < chunks.len() {
        let run = list_run(&chunks[i..]);
        if run >= 2 {
            let items: Vec<(Marker, &str)> = chunks[i..i + run]
                .iter()
                .filter_map(|c| match c {
                    Chunk::Text { text, .. } => numbered(text).map(|m| (m, text.as_str())),
                    _ => None,
                })
                .collect();
            log.list_items += items.len();
            out.push(Block::List {
                start: items.first().map_or(1, |(m, _)| m.number),
                items: items
                    .iter()
                    .map(|(m, t)| after_marker(t, m).to_owned())
                    .collect(),
            });
            i += run;
            continue;
        }
        match &chunks[i] {
            Chunk::Text { at, text } => text_block(*at, text, &mut out, log),
            Chunk::Heading { at, level, text } => out.push(Block::Heading {
                at: *at,
                level: *level,
                text: text.clone(),
            }),
            Chunk::Verbatim { lines } => out.push(Block::Verbatim {
                lines: lines.clone(),
            }),
        }
        i += 1;
    }
    out
}

/// One text chunk: a heading, a heading and its paragraph, or a paragraph.
fn text_block(at: usize, text: &str, out: &mut Vec<Block>, log: &mut Log) {
    let Some(m) = numbered(text).filter(|m| m.level <= Level::Item) else {
        out.push(Block::Paragraph {
            text: text.to_owned(),
        });
        return;
    };
    let plain = inline::strip_marks(text);
    let heading = |text: String, log: &mut Log| {
        let text = heading_text(&text, &m);
        log.headings.push(Heading {
            at,
            level: m.level.heading(),
            text: text.clone(),
        });
        Block::Heading {
            at,
            level: m.level.heading(),
            text,
        }
    };
    if is_title_like(&plain[m.len..]) {
        out.push(heading(plain.into_owned(), log));
        return;
    }
    if m.level <= Level::Subsection
        && let Some((head, rest)) = run_in(text)
    {
        out.push(heading(inline::strip_marks(&head).into_owned(), log));
        out.push(Block::Paragraph { text: rest });
        log.split += 1;
        return;
    }
    // `1. 文字` would be a Markdown list: the number goes right before its text.
    let number = &plain[..m.len];
    out.push(Block::Paragraph {
        text: format!("{}{}", number.trim_end(), after_marker(text, &m)),
    });
}

/// The number a chunk of text starts with (formatting marks aside).
fn numbered(text: &str) -> Option<Marker> {
    marker(&inline::strip_marks(text))
}

/// How many chunks from the first make a numbered list: items or
/// sub-items of one kind, numbered one after another.
fn list_run(chunks: &[Chunk]) -> usize {
    let mut n = 0;
    let mut expect: Option<(Level, u32)> = None;
    for c in chunks {
        let Chunk::Text { text, .. } = c else { break };
        let Some(m) = numbered(text).filter(|m| m.level >= Level::Item) else {
            break;
        };
        match expect {
            Some((level, num)) if m.level != level || m.number != num => break,
            _ => {}
        }
        expect = Some((m.level, m.number + 1));
        n += 1;
    }
    n
}

/// The text after a number, formatting marks kept.
fn after_marker<'a>(text: &'a str, m: &Marker) -> &'a str {
    // The marker was found in the text without marks: skip as many
    // characters of it, plus any marks in between.
    let mut skip = inline::strip_marks(text)[..m.len].chars().count();
    let mut rest = text;
    while skip > 0 {
        let Some(c) = rest.chars().next() else { break };
        if !inline::is_toggle(c) {
            skip -= 1;
        }
        rest = &rest[c.len_utf8()..];
    }
    rest.trim_start()
}

/// `（一） 创党建引领示范区：` → `（一）创党建引领示范区`.
fn heading_text(text: &str, m: &Marker) -> String {
    let (number, rest) = text.split_at(m.len);
    let rest = rest.trim().trim_end_matches(['：', ':', '。', '.']);
    format!("{}{}", number.trim_end(), rest.trim())
}

/// `（一）精准定位特色项目。一是坚持…` → the heading and the rest.
fn run_in(text: &str) -> Option<(String, String)> {
    let end = text.find(['。', '！', '？'])?;
    let head = &text[..end];
    let rest = text[end..].chars().skip(1).collect::<String>();
    let (head, rest) = inline::balance_toggles(head, rest.trim_start());
    let plain = inline::strip_marks(&head);
    let short = plain.chars().count() <= RUN_IN_HEADING;
    (short && !rest.trim().is_empty() && is_title_like(&plain)).then_some((head, rest))
}

/// The blocks as Markdown, one blank line between blocks.
pub fn write(blocks: &[Block], source: Source, log: &mut Log) -> String {
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push('\n');
        }
        match b {
            Block::Heading { level, text, .. } => {
                out.push_str(&"#".repeat(usize::from((*level).clamp(1, 6))));
                out.push(' ');
                out.push_str(&inline::heading(text, source, log));
            }
            Block::Paragraph { text } => out.push_str(&inline::paragraph(text, source, log)),
            Block::List { start, items } => {
                for (k, item) in items.iter().enumerate() {
                    if k > 0 {
                        out.push('\n');
                    }
                    let n = *start as usize + k;
                    out.push_str(&format!("{n}. {}", inline::paragraph(item, source, log)));
                }
            }
            Block::Verbatim { lines } => out.push_str(&lines.join("\n")),
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(texts: &[&str]) -> Vec<Block> {
        let chunks = texts
            .iter()
            .map(|t| Chunk::Text {
                at: 1,
                text: (*t).into(),
            })
            .collect();
        structure(chunks, &mut Log::default())
    }

    fn heading(level: u8, text: &str) -> Block {
        Block::Heading {
            at: 1,
            level,
            text: text.into(),
        }
    }

    fn para(text: &str) -> Block {
        Block::Paragraph { text: text.into() }
    }

    #[test]
    fn numbers_make_headings_at_their_levels() {
        assert_eq!(
            blocks(&[
                "一、 总体要求：",
                "（一）创党建引领示范区",
                "1.加强师德建设",
                "正文。"
            ]),
            vec![
                heading(2, "一、总体要求"),
                heading(3, "（一）创党建引领示范区"),
                heading(4, "1.加强师德建设"),
                para("正文。")
            ]
        );
    }

    #[test]
    fn run_in_headings_are_cut() {
        assert_eq!(
            blocks(&["(一)精准定位特色项目。一是坚持“一镇一点”原则。"]),
            vec![
                heading(3, "(一)精准定位特色项目"),
                para("一是坚持“一镇一点”原则。")
            ]
        );
        // A long first sentence is text, not a heading.
        let long =
            "（二）全面落实立德树人根本任务，把社会主义核心价值观融入教育教学全过程各环节。然后";
        assert_eq!(blocks(&[long]), vec![para(long)]);
    }

    #[test]
    fn numbered_runs_become_lists() {
        assert_eq!(
            blocks(&[
                "1.学前教育毛入园率达到90%以上；",
                "2.普惠性幼儿园覆盖率超过85%。",
                "正文。"
            ]),
            vec![
                Block::List {
                    start: 1,
                    items: vec![
                        "学前教育毛入园率达到90%以上；".into(),
                        "普惠性幼儿园覆盖率超过85%。".into()
                    ]
                },
                para("正文。")
            ]
        );
        // Numbers out of order are not a list.
        let out = blocks(&[
            "1.甲方案很长很长很长很长很长很长很长很长很长很长。",
            "3.乙方案很长很长很长很长很长很长很长很长很长很长很长。",
        ]);
        assert!(
            out.iter().all(|b| matches!(b, Block::Paragraph { .. })),
            "{out:?}"
        );
    }
}

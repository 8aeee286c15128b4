//! The searchable text of each page: Markdown reduced to plain text, and the
//! fields of reports and entities.

use pulldown_cmark::{Event, Parser, TagEnd};

use crate::render::markdown::{is_cjk as no_space_script, options};

/// Markdown → plain text: block ends become line breaks, a soft line break
/// between two CJK characters disappears (it is not a word break in Chinese,
/// and keeping it would split the bigram across it), raw HTML is dropped.
pub fn markdown_text(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut soft = false;
    for ev in Parser::new_ext(body, options()) {
        match ev {
            Event::Text(t) | Event::Code(t) => {
                if soft {
                    let joins = out.chars().next_back().is_some_and(no_space_script)
                        && t.chars().next().is_some_and(no_space_script);
                    if !joins {
                        out.push(' ');
                    }
                    soft = false;
                }
                out.push_str(&t);
            }
            Event::SoftBreak => soft = true,
            Event::HardBreak => newline(&mut out),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::TableRow
                | TagEnd::TableHead
                | TagEnd::CodeBlock
                | TagEnd::BlockQuote(_)
                | TagEnd::FootnoteDefinition,
            ) => {
                soft = false;
                newline(&mut out);
            }
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

fn newline(out: &mut String) {
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

/// Splits text into segments of `n` characters (the last may be shorter).
/// Counts characters by their UTF-8 lead bytes: this runs over every page's
/// whole text.
pub fn segments(text: &str, n: usize) -> Vec<&str> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut count = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Eight bytes at once while the segment cannot fill up inside them:
        // a byte starts a character unless it is 0b10xx_xxxx.
        if count + 8 < n
            && let Some(w) = bytes.get(i..i + 8)
        {
            let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            count += (((!w >> 7) | (w >> 6)) & ONES).count_ones() as usize;
            i += 8;
            continue;
        }
        if (bytes[i] as i8) >= -0x40 {
            if count == n {
                out.push(&text[start..i]);
                start = i;
                count = 0;
            }
            count += 1;
        }
        i += 1;
    }
    if start < text.len() || out.is_empty() {
        out.push(&text[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_becomes_plain_text() {
        let t = markdown_text("## 一、背景\n\n南\n河县是**农业**县。\nsee\nthis\n\n- 甲\n- 乙\n");
        assert_eq!(t, "一、背景\n南河县是农业县。 see this\n甲\n乙");
    }

    #[test]
    fn segments_split_on_chars() {
        assert_eq!(segments("甲乙丙丁戊", 2), ["甲乙", "丙丁", "戊"]);
        assert_eq!(segments("", 2), [""]);
        assert_eq!(segments("甲乙", 2), ["甲乙"]);
        assert_eq!(segments("ab甲é𠀀c", 2), ["ab", "甲é", "𠀀c"]);
        // Long mixed text: the word-at-a-time path agrees with counting chars.
        let text = "教育ab é𠀀\n".repeat(500);
        for n in [1, 7, 8, 9, 10, 64, 1500] {
            let segs = segments(&text, n);
            assert_eq!(segs.concat(), text);
            let (last, full) = segs.split_last().unwrap();
            assert!(full.iter().all(|s| s.chars().count() == n), "n = {n}");
            assert!((1..=n).contains(&last.chars().count()));
        }
    }
}

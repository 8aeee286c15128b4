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

/// Splits text into segments of at most `n` characters (char boundaries).
pub fn segments(text: &str, n: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut count = 0;
    for (i, _) in text.char_indices() {
        if count == n {
            out.push(&text[start..i]);
            start = i;
            count = 0;
        }
        count += 1;
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
    }
}

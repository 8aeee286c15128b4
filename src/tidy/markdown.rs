//! Which lines of a Markdown body are running text that tidying may touch,
//! and which are Markdown structures it leaves as they are: code, lists,
//! tables, quotes, raw HTML, footnote definitions, data calls, and
//! paragraphs with hard line breaks.

use crate::tidy::{Kind, Line, chars};

/// The lines of `body` (whose first line is line `first_line` of its file), classified.
pub fn scan(body: &str, first_line: usize) -> Vec<Line> {
    let raw: Vec<&str> = body.lines().collect();
    let mut out: Vec<Line> = Vec::with_capacity(raw.len());
    let mut fence: Option<(char, usize)> = None;
    let mut block = Block::None;
    // A list goes on after a blank line with indented lines.
    let mut in_list = false;
    for (i, &line) in raw.iter().enumerate() {
        let at = first_line + i;
        let verbatim = |out: &mut Vec<Line>| out.push(Line::new(at, line, Kind::Verbatim));
        if let Some((c, n)) = fence {
            if closes_fence(line, c, n) {
                fence = None;
            }
            verbatim(&mut out);
            continue;
        }
        if line.trim().is_empty() {
            out.push(Line::new(at, "", Kind::Break));
            in_list = block == Block::List || (in_list && block == Block::None);
            block = Block::None;
            continue;
        }
        let indent = indent_of(line);
        let t = line.trim_start();
        if indent < 4
            && let Some(f) = opens_fence(t)
        {
            fence = Some(f);
            block = Block::None;
            verbatim(&mut out);
            continue;
        }
        if matches!(block, Block::Structure | Block::List) {
            verbatim(&mut out);
            continue;
        }
        if indent >= 2 && block == Block::None && in_list {
            // A list item's next paragraph.
            block = Block::List;
            verbatim(&mut out);
            continue;
        }
        if indent >= 4 && block == Block::None && !t.chars().any(chars::is_han) {
            // Indented code (Chinese text indented by pasting is running text).
            verbatim(&mut out);
            continue;
        }
        if let Some((level, text)) = atx_heading(t).filter(|_| indent < 4) {
            out.push(Line::new(at, text, Kind::Heading(level)));
            block = Block::None;
            in_list = false;
            continue;
        }
        if is_setext_underline(t) && block == Block::Paragraph {
            // The paragraph above is a heading: leave it as written.
            for l in out.iter_mut().rev() {
                if l.kind != Kind::Text {
                    break;
                }
                l.kind = Kind::Verbatim;
            }
            verbatim(&mut out);
            block = Block::None;
            continue;
        }
        let structure = is_list_item(t)
            || t.starts_with('>')
            || t.starts_with('|')
            || is_html(t)
            || is_definition(t)
            || is_break_line(t)
            || (t.starts_with("{{") && t.trim_end().ends_with("}}"))
            || (t.contains('|') && raw.get(i + 1).is_some_and(|n| is_table_delimiter(n)));
        if structure {
            in_list = is_list_item(t);
            block = if in_list {
                Block::List
            } else {
                Block::Structure
            };
            verbatim(&mut out);
            continue;
        }
        out.push(Line::new(at, line, Kind::Text));
        block = Block::Paragraph;
        in_list = false;
    }
    keep_hard_breaks(&mut out);
    out
}

/// What the lines above the current one belong to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    None,
    Paragraph,
    /// A list item, quote, table, HTML block or definition: goes on to the next blank line.
    Structure,
    List,
}

/// A paragraph with a hard line break (`  ` or `\` at a line end) is laid
/// out line by line on purpose: all of it stays as written.
fn keep_hard_breaks(lines: &mut [Line]) {
    let mut start = 0;
    while start < lines.len() {
        let end = lines[start..]
            .iter()
            .position(|l| l.kind != Kind::Text)
            .map_or(lines.len(), |p| start + p);
        let group = &mut lines[start..end];
        let hard = group
            .iter()
            .rev()
            .skip(1)
            .any(|l| l.text.ends_with("  ") || l.text.ends_with('\\'));
        if hard {
            for l in group.iter_mut() {
                l.kind = Kind::Verbatim;
            }
        }
        start = end + 1;
    }
}

fn indent_of(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4 - n % 4,
            _ => break,
        }
    }
    n
}

fn opens_fence(t: &str) -> Option<(char, usize)> {
    let c = t.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let n = t.chars().take_while(|&x| x == c).count();
    let info = &t[n..];
    (n >= 3 && !(c == '`' && info.contains('`'))).then_some((c, n))
}

fn closes_fence(line: &str, c: char, n: usize) -> bool {
    let t = line.trim();
    indent_of(line) < 4
        && t.chars().take_while(|&x| x == c).count() >= n
        && t.trim_matches(c).is_empty()
}

/// `## 标题` → (2, "标题").
fn atx_heading(t: &str) -> Option<(u8, &str)> {
    let level = t.bytes().take_while(|&b| b == b'#').count();
    let rest = &t[level..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None;
    }
    let text = rest.trim();
    // A closing run of `#` after a space is not part of the text.
    let text = match text.trim_end_matches('#') {
        s if s.len() < text.len() && (s.is_empty() || s.ends_with([' ', '\t'])) => s.trim_end(),
        _ => text,
    };
    Some((level as u8, text))
}

fn is_setext_underline(t: &str) -> bool {
    let t = t.trim_end();
    !t.is_empty() && (t.bytes().all(|b| b == b'=') || t.bytes().all(|b| b == b'-'))
}

/// `- a`, `* a`, `+ a`, `1. a`, `1) a` (and the bare marker).
pub fn is_list_item(t: &str) -> bool {
    let bullet =
        t.starts_with(['-', '*', '+']) && (t.len() == 1 || t[1..].starts_with([' ', '\t']));
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    let ordered = (1..=9).contains(&digits)
        && t[digits..].starts_with(['.', ')'])
        && (t.len() == digits + 1 || t[digits + 1..].starts_with([' ', '\t']));
    bullet || ordered
}

fn is_html(t: &str) -> bool {
    let mut c = t.chars();
    c.next() == Some('<')
        && c.next()
            .is_some_and(|n| n.is_ascii_alphabetic() || n == '/' || n == '!')
}

/// `[id]: url` or `[^1]: text`.
fn is_definition(t: &str) -> bool {
    t.starts_with('[') && t.find("]:").is_some_and(|i| i > 1)
}

/// `***`, `---`, `___` (spaces allowed between).
fn is_break_line(t: &str) -> bool {
    let Some(m) = t.bytes().next().filter(|b| matches!(b, b'*' | b'-' | b'_')) else {
        return false;
    };
    let marks = t.bytes().filter(|&b| b == m).count();
    marks >= 3 && t.bytes().all(|b| b == m || b == b' ' || b == b'\t')
}

/// `|---|:---:|`, `--- | ---`.
fn is_table_delimiter(line: &str) -> bool {
    let t = line.trim().trim_matches('|');
    !t.is_empty()
        && t.contains('-')
        && t.split('|').all(|cell| {
            let c = cell.trim().trim_start_matches(':').trim_end_matches(':');
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(body: &str) -> Vec<Kind> {
        scan(body, 1).into_iter().map(|l| l.kind).collect()
    }

    #[test]
    fn structures_are_verbatim() {
        use Kind::*;
        let body = "## 一、标题\n\n正文一行\n正文二行\n\n- 列表\n  续行\n\n```\n代码\n\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n> 引用\n\n{{ total(metric=\"teachers\", year=2025) }}\n\n[^1]: 脚注\n";
        assert_eq!(
            kinds(body),
            vec![
                Heading(2),
                Break,
                Text,
                Text,
                Break,
                Verbatim,
                Verbatim,
                Break,
                Verbatim,
                Verbatim,
                Verbatim,
                Verbatim,
                Break,
                Verbatim,
                Verbatim,
                Verbatim,
                Break,
                Verbatim,
                Break,
                Verbatim,
                Break,
                Verbatim
            ]
        );
    }

    #[test]
    fn indented_chinese_is_text_but_code_is_not() {
        use Kind::*;
        assert_eq!(kinds("    近年来，我们坚持……\n"), vec![Text]);
        assert_eq!(kinds("    let x = 1;\n"), vec![Verbatim]);
        assert_eq!(
            kinds("- 项目\n\n    项目的续段\n"),
            vec![Verbatim, Break, Verbatim]
        );
    }

    #[test]
    fn setext_headings_and_hard_breaks_stay() {
        use Kind::*;
        assert_eq!(kinds("标题\n===\n"), vec![Verbatim, Verbatim]);
        assert_eq!(kinds("第一行  \n第二行\n"), vec![Verbatim, Verbatim]);
        assert_eq!(kinds("一、总体要求\n正文。\n"), vec![Text, Text]);
    }

    #[test]
    fn headings_lose_closing_hashes() {
        assert_eq!(atx_heading("## 标题 ##"), Some((2, "标题")));
        assert_eq!(atx_heading("#标题"), None);
        assert_eq!(atx_heading("### C#"), Some((3, "C#")));
    }
}

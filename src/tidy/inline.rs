//! Fixes inside a paragraph: spaces between Chinese characters removed,
//! ASCII punctuation between them made full-width, and Markdown syntax that
//! must stay literal escaped: everything in plain text, and in Markdown the
//! asterisks of anonymised names (`**市`, `*区`), which would otherwise turn
//! the text between two of them bold.
//!
//! Plain text from a Word document carries its bold and italic as the marks
//! [`BOLD`] and [`ITALIC`] (each toggles), turned into `**…**` and `*…*`
//! last, with punctuation at their edges moved outside so that CommonMark
//! reads them next to Chinese text.

use std::borrow::Cow;

use crate::tidy::{Log, Source, chars};

/// Toggles bold in plain text handed to tidying (a private-use character).
pub const BOLD: char = '\u{F8F0}';
/// Toggles italic.
pub const ITALIC: char = '\u{F8F1}';
/// Around the number of a footnote reference: written `[^n]`.
pub const NOTE_OPEN: char = '\u{F8F2}';
pub const NOTE_CLOSE: char = '\u{F8F3}';

/// A formatting toggle.
pub fn is_toggle(c: char) -> bool {
    c == BOLD || c == ITALIC
}

/// Any of the marks readers put in plain text.
pub fn is_mark(c: char) -> bool {
    matches!(c, BOLD | ITALIC | NOTE_OPEN | NOTE_CLOSE)
}

/// The text without marks (and without footnote references).
pub fn strip_marks(s: &str) -> Cow<'_, str> {
    if !s.contains(is_mark) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut in_note = false;
    for c in s.chars() {
        match c {
            NOTE_OPEN => in_note = true,
            NOTE_CLOSE => in_note = false,
            BOLD | ITALIC => {}
            _ if !in_note => out.push(c),
            _ => {}
        }
    }
    Cow::Owned(out)
}

/// Splits formatting between two parts of a text: a mark left open at the
/// end of `head` is closed there and opened again at the start of `rest`.
pub fn balance_toggles(head: &str, rest: &str) -> (String, String) {
    let mut head = head.to_owned();
    let mut reopen = String::new();
    for t in [BOLD, ITALIC] {
        if head.chars().filter(|&c| c == t).count() % 2 == 1 {
            head.push(t);
            reopen.push(t);
        }
    }
    (head, reopen + rest)
}

/// A paragraph's text fixed (its lines one by one, in Markdown).
pub fn paragraph(text: &str, source: Source, log: &mut Log) -> String {
    let lines: Vec<String> = text.lines().map(|l| fix_line(l, source, log)).collect();
    lines.join("\n")
}

/// A heading's text fixed (never bold: the marks are dropped). A `#` at
/// its end is escaped: after a space, Markdown would drop it as a closing mark.
pub fn heading(text: &str, source: Source, log: &mut Log) -> String {
    let mut t = fix_line(&strip_marks(text), source, log);
    let closing = t.ends_with('#') && t.trim_end_matches('#').ends_with([' ', '\t']);
    if closing {
        t.insert(t.len() - 1, '\\');
        log.escaped += 1;
    }
    t
}

fn fix_line(line: &str, source: Source, log: &mut Log) -> String {
    let line = line.trim_matches(chars::is_space);
    let protect = protected(line, source);
    let mut cs: Vec<char> = line.chars().collect();
    let mut keep: Vec<bool> = protect;
    log.punctuation += widen_punctuation(&mut cs, &keep);
    log.spaces += drop_cjk_spaces(&mut cs, &mut keep);
    let text: String = cs.into_iter().collect();
    match source {
        Source::Plain => {
            let (escaped, n) = escape_plain(&text);
            log.escaped += n;
            marks_to_markdown(&escaped)
        }
        Source::Markdown => {
            let (escaped, n) = escape_anonymised(&text);
            log.escaped += n;
            escaped
        }
    }
}

/// Characters no rule may touch: addresses, and in Markdown inline code,
/// link targets, autolinks and raw HTML tags, and data calls.
fn protected(line: &str, source: Source) -> Vec<bool> {
    let cs: Vec<char> = line.chars().collect();
    let mut keep = vec![false; cs.len()];
    let mut mark = |a: usize, b: usize| keep[a..b.min(cs.len())].iter_mut().for_each(|k| *k = true);
    let starts = |i: usize, s: &str| {
        s.chars()
            .enumerate()
            .all(|(k, c)| cs.get(i + k) == Some(&c))
    };
    let mut i = 0;
    while i < cs.len() {
        let url = ["http://", "https://", "www."].iter().any(|p| starts(i, p));
        if url {
            let end = (i..cs.len())
                .find(|&j| chars::is_space(cs[j]) || (chars::is_cjk(cs[j]) && !cs[j].is_ascii()))
                .unwrap_or(cs.len());
            mark(i, end);
            i = end;
            continue;
        }
        if source == Source::Markdown {
            let close = |open: &str, close: char, from: usize| {
                (from + open.chars().count()..cs.len()).find(|&j| cs[j] == close)
            };
            let end = match cs[i] {
                '`' => {
                    let n = cs[i..].iter().take_while(|&&c| c == '`').count();
                    (i + n..cs.len())
                        .find(|&j| cs[j..].iter().take_while(|&&c| c == '`').count() == n)
                        .map(|j| j + n)
                }
                ']' if cs.get(i + 1) == Some(&'(') => close("](", ')', i).map(|j| j + 1),
                '<' if cs
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_alphabetic() || *c == '/') =>
                {
                    close("<", '>', i).map(|j| j + 1)
                }
                '{' if starts(i, "{{") => {
                    (i + 2..cs.len()).find(|&j| starts(j, "}}")).map(|j| j + 2)
                }
                _ => None,
            };
            if let Some(end) = end {
                mark(i, end);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    keep
}

/// The nearest character before `i` that is not a space.
fn before(cs: &[char], i: usize) -> Option<char> {
    cs[..i]
        .iter()
        .rev()
        .copied()
        .find(|&c| !chars::is_space(c) && !is_toggle(c))
}

fn after(cs: &[char], i: usize) -> Option<char> {
    cs.get(i + 1..)?
        .iter()
        .copied()
        .find(|&c| !chars::is_space(c) && !is_toggle(c))
}

/// `,` `:` `;` `?` `!` after a Chinese character (not before a Latin
/// letter: `网址:http`) or before one (not after a Latin letter or digit:
/// `2.1%,一批` but not `第1,2条`) become `，` `：` `；` `？` `！`, and `(…)`
/// around or next to Chinese text become `（…）`. Returns how many changed.
fn widen_punctuation(cs: &mut [char], keep: &[bool]) -> usize {
    // A change can make a neighbour full-width (`、,()` → `、，()` → `、，（）`):
    // repeat until nothing changes, so tidying again finds nothing to do.
    // Each round only turns ASCII into full-width, so this ends.
    let mut total = 0;
    loop {
        let n = widen_round(cs, keep);
        if n == 0 {
            return total;
        }
        total += n;
    }
}

fn widen_round(cs: &mut [char], keep: &[bool]) -> usize {
    let mut n = 0;
    let mut open: Vec<usize> = Vec::new();
    for i in 0..cs.len() {
        if keep[i] {
            continue;
        }
        match cs[i] {
            '(' => open.push(i),
            ')' => {
                let Some(o) = open.pop() else {
                    if before(cs, i).is_some_and(chars::is_han)
                        && after(cs, i).is_some_and(chars::is_han)
                    {
                        cs[i] = '）';
                        n += 1;
                    }
                    continue;
                };
                let chinese = before(cs, o).is_some_and(chars::is_cjk)
                    || after(cs, i).is_some_and(chars::is_cjk)
                    || cs[o + 1..i].iter().copied().any(chars::is_han);
                if chinese {
                    cs[o] = '（';
                    cs[i] = '）';
                    n += 2;
                }
            }
            _ => {}
        }
    }
    for i in 0..cs.len() {
        if keep[i] || !matches!(cs[i], ',' | ':' | ';' | '?' | '!') {
            continue;
        }
        let prev = before(cs, i);
        let next = after(cs, i);
        let after_chinese =
            prev.is_some_and(chars::is_cjk) && !next.is_some_and(|c| c.is_ascii_alphabetic());
        let before_chinese =
            next.is_some_and(chars::is_han) && !prev.is_some_and(|c| c.is_ascii_alphanumeric());
        if after_chinese || before_chinese {
            cs[i] = chars::widen(cs[i]);
            n += 1;
        }
    }
    n
}

/// `s` with its ASCII punctuation next to Chinese made full-width, nothing
/// escaped (for front matter values such as a title).
pub fn full_width(s: &str) -> String {
    let mut cs: Vec<char> = s.chars().collect();
    let keep = protected(s, Source::Plain);
    widen_punctuation(&mut cs, &keep);
    cs.into_iter().collect()
}

/// A line as the inline fixes will leave it (punctuation made full-width,
/// spaces between Chinese characters removed, nothing escaped): decisions
/// about a line are made on this, so that they come out the same when the
/// fixed text is tidied again.
pub fn normalized(s: &str) -> String {
    squeeze(&full_width(&strip_marks(s)))
}

/// `s` trimmed, without the spaces between Chinese characters.
pub fn squeeze(s: &str) -> String {
    let mut cs: Vec<char> = s.trim_matches(chars::is_space).chars().collect();
    let mut keep = vec![false; cs.len()];
    drop_cjk_spaces(&mut cs, &mut keep);
    cs.into_iter().collect()
}

/// Removes the spaces between two CJK characters (`强镇引 领` → `强镇引领`).
/// Returns how many runs went.
fn drop_cjk_spaces(cs: &mut Vec<char>, keep: &mut Vec<bool>) -> usize {
    let mut out = Vec::with_capacity(cs.len());
    let mut out_keep = Vec::with_capacity(cs.len());
    let mut n = 0;
    let mut i = 0;
    while i < cs.len() {
        if chars::is_space(cs[i]) && !keep[i] {
            let end = (i..cs.len())
                .find(|&j| !chars::is_space(cs[j]))
                .unwrap_or(cs.len());
            let prev = out.iter().rev().copied().find(|&c: &char| !is_toggle(c));
            let next = cs[end..].iter().copied().find(|&c| !is_toggle(c));
            if prev.is_some_and(chars::is_cjk) && next.is_some_and(chars::is_cjk) {
                n += 1;
                i = end;
                continue;
            }
        }
        out.push(cs[i]);
        out_keep.push(keep[i]);
        i += 1;
    }
    *cs = out;
    *keep = out_keep;
    n
}

/// Escapes what Markdown would read as syntax in plain text. Returns the
/// text and how many characters were escaped.
pub fn escape_plain(text: &str) -> (String, usize) {
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut n = 0;
    let start = line_start_escape(&cs);
    for (i, &c) in cs.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| cs[j]);
        let next = cs.get(i + 1).copied();
        let esc = Some(i) == start
            || match c {
                '\\' => next.is_some_and(|n| n.is_ascii_punctuation()),
                '*' | '`' | '[' | ']' | '|' | '~' => true,
                '_' => {
                    !(prev.is_some_and(char::is_alphanumeric)
                        && next.is_some_and(char::is_alphanumeric))
                }
                '<' => {
                    next.is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'))
                }
                '&' => entity_follows(&cs[i + 1..]),
                '{' => prev == Some('{'),
                _ => false,
            };
        if esc {
            out.push('\\');
            n += 1;
        }
        out.push(c);
    }
    (out, n)
}

/// The character at the start of a line that makes it a heading, quote,
/// list item or rule: `#`, `>`, `- `, `+ `, `1. `, `===`.
fn line_start_escape(cs: &[char]) -> Option<usize> {
    let first = cs.iter().position(|&c| !is_toggle(c))?;
    let spaced = |j: usize| cs.get(j).is_none_or(|&c| c == ' ' || c == '\t');
    match cs[first] {
        '#' | '>' => Some(first),
        '-' | '+' if spaced(first + 1) => Some(first),
        '=' | '-' if cs[first..].iter().all(|&c| c == cs[first]) => Some(first),
        c if c.is_ascii_digit() => {
            let d = cs[first..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            let sep = first + d;
            (d <= 9 && matches!(cs.get(sep), Some('.' | ')')) && spaced(sep + 1)).then_some(sep)
        }
        _ => None,
    }
}

/// `&amp;`, `&#12;`, `&#x1F;` would be read as a character reference.
fn entity_follows(cs: &[char]) -> bool {
    let Some(semi) = cs.iter().take(34).position(|&c| c == ';') else {
        return false;
    };
    let name = &cs[..semi];
    match name {
        ['#', 'x' | 'X', hex @ ..] => !hex.is_empty() && hex.iter().all(char::is_ascii_hexdigit),
        ['#', dec @ ..] => !dec.is_empty() && dec.iter().all(char::is_ascii_digit),
        [first, rest @ ..] => {
            first.is_ascii_alphabetic() && rest.iter().all(char::is_ascii_alphanumeric)
        }
        [] => false,
    }
}

/// Places of anonymised names: `**市`, `*区`, `××县` (not `**市级**`).
const PLACES: &[char] = &[
    '市', '区', '县', '镇', '乡', '村', '省', '州', '縣', '鎮', '鄉', '區',
];

/// In Markdown, escapes the asterisks of anonymised names, which would
/// otherwise pair up into bold text. Returns the text and how many were escaped.
pub fn escape_anonymised(text: &str) -> (String, usize) {
    let cs: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 4);
    let mut n = 0;
    let mut i = 0;
    while i < cs.len() {
        let escaped = i > 0 && cs[i - 1] == '\\';
        if cs[i] == '*' && !escaped {
            let run = cs[i..].iter().take_while(|&&c| c == '*').count();
            let place = cs.get(i + run).is_some_and(|c| PLACES.contains(c));
            let level = matches!(cs.get(i + run + 1), Some('级' | '級' | '委'));
            if place && !level {
                for _ in 0..run {
                    out.push_str("\\*");
                }
                n += run;
                i += run;
                continue;
            }
        }
        out.push(cs[i]);
        i += 1;
    }
    (out, n)
}

/// Marks to Markdown: `**…**`, `*…*` and `[^n]`.
fn marks_to_markdown(text: &str) -> String {
    if !text.contains(is_mark) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut open: [Option<usize>; 2] = [None, None];
    for c in text.chars() {
        let k = match c {
            BOLD => 0,
            ITALIC => 1,
            NOTE_OPEN => {
                out.push_str("[^");
                continue;
            }
            NOTE_CLOSE => {
                out.push(']');
                continue;
            }
            _ => {
                out.push(c);
                continue;
            }
        };
        match open[k].take() {
            None => open[k] = Some(out.len()),
            Some(start) => {
                let span = out.split_off(start);
                let delim = if k == 0 { "**" } else { "*" };
                emphasise(&mut out, &span, delim);
            }
        }
    }
    out
}

/// Writes `span` between `delim`s, with spaces and punctuation at its edges
/// outside them (`**“一镇一点”**` → `“**一镇一点**”`): CommonMark does not
/// open or close emphasis between punctuation and a Chinese character.
fn emphasise(out: &mut String, span: &str, delim: &str) {
    let edge = |c: char| !c.is_alphanumeric() && c != '*' && c != '\\';
    let core = span.trim_matches(edge);
    let lead = span.len() - span.trim_start_matches(edge).len();
    out.push_str(&span[..lead]);
    if !core.is_empty() {
        out.push_str(delim);
        out.push_str(core);
        out.push_str(delim);
    }
    out.push_str(&span[lead + core.len()..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> String {
        paragraph(s, Source::Plain, &mut Log::default())
    }

    fn md(s: &str) -> String {
        paragraph(s, Source::Markdown, &mut Log::default())
    }

    #[test]
    fn spaces_between_chinese_go() {
        assert_eq!(
            plain("按照“强镇引 领、亮点带动”思路，打 造"),
            "按照“强镇引领、亮点带动”思路，打造"
        );
        assert_eq!(
            plain("在 2025 年使用 Python 编程"),
            "在 2025 年使用 Python 编程"
        );
        assert_eq!(plain("　　近年来，我们"), "近年来，我们");
    }

    #[test]
    fn ascii_punctuation_between_chinese_becomes_full_width() {
        assert_eq!(plain("尊敬的各位领导,同志们:"), "尊敬的各位领导，同志们：");
        assert_eq!(
            plain("三年(202x-202x)提升工程"),
            "三年（202x-202x）提升工程"
        );
        assert_eq!(plain("(一)精准定位"), "（一）精准定位");
        assert_eq!(
            plain("比例为3:2, 见 Python (3.10)"),
            "比例为3:2, 见 Python (3.10)"
        );
        assert_eq!(plain("网址:https://a.cn/x,y"), "网址:https://a.cn/x,y");
        assert_eq!(plain("时间:2023-11-28"), "时间：2023-11-28");
        assert_eq!(
            plain("下降到2.1%,一批。第1,2条"),
            "下降到2.1%，一批。第1,2条"
        );
    }

    #[test]
    fn plain_text_stays_literal() {
        assert_eq!(plain("近年来,**市持续深化"), "近年来，\\*\\*市持续深化");
        assert_eq!(plain("# 不是标题"), "\\# 不是标题");
        assert_eq!(plain("- 不是列表"), "\\- 不是列表");
        assert_eq!(plain("2024. 总结"), "2024\\. 总结");
        assert_eq!(plain("用3~5年时间"), "用3\\~5年时间");
        assert_eq!(
            plain("a_b 和 _c_ 与 <div> &amp; {{ x() }}"),
            "a_b 和 \\_c\\_ 与 \\<div> \\&amp; {\\{ x() }}"
        );
        assert_eq!(plain("[注]"), "\\[注\\]");
    }

    #[test]
    fn markdown_escapes_only_anonymised_names() {
        assert_eq!(
            md("近年来，**市持续深化，如**区敬仲镇"),
            "近年来，\\*\\*市持续深化，如\\*\\*区敬仲镇"
        );
        assert_eq!(md("**市级试点镇**达到30个"), "**市级试点镇**达到30个");
        assert_eq!(md("已经转义\\*\\*市"), "已经转义\\*\\*市");
        assert_eq!(
            md("见[通知](http://a.cn/x,y)和`a, b`"),
            "见[通知](http://a.cn/x,y)和`a, b`"
        );
        assert_eq!(md("见[通 知](../a.md)"), "见[通知](../a.md)");
    }

    #[test]
    fn bold_moves_inside_punctuation() {
        let s = format!("坚持{BOLD}“一镇一点”{BOLD}的思路，作为{ITALIC}突破口{ITALIC}。");
        assert_eq!(plain(&s), "坚持“**一镇一点**”的思路，作为*突破口*。");
        assert_eq!(plain(&format!("{BOLD}，{BOLD}好")), "，好");
        assert_eq!(
            plain(&format!("报告12份{NOTE_OPEN}1{NOTE_CLOSE}，逐校")),
            "报告12份[^1]，逐校"
        );
    }
}

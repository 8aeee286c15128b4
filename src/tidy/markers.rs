//! Heading and item numbers of Chinese official documents (GB/T 9704):
//! `一、` for sections, `（一）` for subsections, `1.` for items and `（1）`
//! or `①` for sub-items.

/// The level a number marks, outermost first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// `一、` `第一部分`: a second-level heading (`##`).
    Section,
    /// `（一）` `(一)`: a third-level heading (`###`).
    Subsection,
    /// `1.` `1、` `１．`: a list item, or a fourth-level heading (`####`).
    Item,
    /// `（1）` `(1)` `①`: a list item.
    SubItem,
}

impl Level {
    /// The Markdown heading level a heading with this number gets.
    pub fn heading(self) -> u8 {
        match self {
            Level::Section => 2,
            Level::Subsection => 3,
            Level::Item | Level::SubItem => 4,
        }
    }
}

/// A number at the start of a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Marker {
    pub level: Level,
    pub number: u32,
    /// Bytes the number takes, with the spaces after it.
    pub len: usize,
}

/// The number `line` starts with, if any. `一、二年级` and `1.5倍` are text, not numbers.
pub fn marker(line: &str) -> Option<Marker> {
    let (level, number, used) = section(line)
        .or_else(|| bracketed(line))
        .or_else(|| item(line))
        .or_else(|| circled(line))?;
    let rest = &line[used..];
    let body = rest.trim_start_matches(crate::tidy::chars::is_space);
    // `一、二年级`, `1、2号楼`: a list of numbers, not a heading number.
    let next = body.chars().next();
    if matches!(level, Level::Section | Level::Item)
        && next.is_some_and(|c| chinese_digit(c).is_some() || c.is_ascii_digit() || c == '、')
    {
        return None;
    }
    Some(Marker {
        level,
        number,
        len: line.len() - body.len(),
    })
}

/// `一、` `十二．` `第一部分` `第三章`.
fn section(line: &str) -> Option<(Level, u32, usize)> {
    if let Some(rest) = line.strip_prefix('第') {
        let (n, used) = chinese_number(rest)?;
        let after = &rest[used..];
        let word = ["部分", "章"].into_iter().find(|w| after.starts_with(w))?;
        return Some((Level::Section, n, '第'.len_utf8() + used + word.len()));
    }
    let (n, used) = chinese_number(line)?;
    let sep = line[used..].chars().next()?;
    matches!(sep, '、' | '．' | '.').then_some((Level::Section, n, used + sep.len_utf8()))
}

/// `（一）` `(一)` `（1）` `(12)`, with either kind of bracket on either side.
fn bracketed(line: &str) -> Option<(Level, u32, usize)> {
    let open = line.chars().next().filter(|c| matches!(c, '（' | '('))?;
    let rest = &line[open.len_utf8()..];
    let (level, n, used) = match chinese_number(rest) {
        Some((n, used)) => (Level::Subsection, n, used),
        None => {
            let (n, used) = arabic_number(rest)?;
            (Level::SubItem, n, used)
        }
    };
    let close = rest[used..]
        .chars()
        .next()
        .filter(|c| matches!(c, '）' | ')'))?;
    Some((level, n, open.len_utf8() + used + close.len_utf8()))
}

/// `1.` `1、` `１．` `1)` (up to two digits; `1.1` and `2025.` are not items).
fn item(line: &str) -> Option<(Level, u32, usize)> {
    let (n, used) = arabic_number(line)?;
    let sep = line[used..].chars().next()?;
    let level = match sep {
        '.' | '．' | '、' => Level::Item,
        ')' | '）' => Level::SubItem,
        _ => return None,
    };
    let after = line[used + sep.len_utf8()..].chars().next();
    if after.is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        return None;
    }
    Some((level, n, used + sep.len_utf8()))
}

/// `①` … `⑳`.
fn circled(line: &str) -> Option<(Level, u32, usize)> {
    let c = line.chars().next()?;
    let n = match c {
        '①'..='⑳' => c as u32 - '①' as u32 + 1,
        _ => return None,
    };
    Some((Level::SubItem, n, c.len_utf8()))
}

/// One or two ASCII or full-width digits: the value and the bytes they take.
fn arabic_number(s: &str) -> Option<(u32, usize)> {
    let mut n = 0;
    let mut used = 0;
    for c in s.chars().take(3) {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            _ => break,
        };
        n = n * 10 + d;
        used += c.len_utf8();
    }
    let digits = s[..used].chars().count();
    (1..=2)
        .contains(&digits)
        .then_some((n, used))
        .filter(|_| n > 0)
}

fn chinese_digit(c: char) -> Option<u32> {
    "〇一二三四五六七八九"
        .chars()
        .position(|d| d == c)
        .map(|p| p as u32)
}

/// A Chinese number from 一 to 九十九 (`十`, `十二`, `二十`, `二十三`).
fn chinese_number(s: &str) -> Option<(u32, usize)> {
    let chars: Vec<char> = s.chars().take(3).collect();
    let len = |k: usize| chars[..k].iter().map(|c| c.len_utf8()).sum::<usize>();
    let d = |i: usize| {
        chars
            .get(i)
            .and_then(|&c| chinese_digit(c))
            .filter(|&v| v > 0)
    };
    let ten = |i: usize| chars.get(i) == Some(&'十');
    match (d(0), ten(0)) {
        (Some(a), _) if ten(1) => match d(2) {
            Some(b) => Some((a * 10 + b, len(3))),
            None => Some((a * 10, len(2))),
        },
        (Some(a), _) => Some((a, len(1))),
        (None, true) => match d(1) {
            Some(b) => Some((10 + b, len(2))),
            None => Some((10, len(1))),
        },
        _ => None,
    }
    .filter(|&(n, _)| n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(s: &str) -> Option<(Level, u32)> {
        marker(s).map(|m| (m.level, m.number))
    }

    #[test]
    fn official_numbers() {
        assert_eq!(level("一、总体要求"), Some((Level::Section, 1)));
        assert_eq!(level("十二、其他"), Some((Level::Section, 12)));
        assert_eq!(level("二十三．附则"), Some((Level::Section, 23)));
        assert_eq!(level("第二部分 主要做法"), Some((Level::Section, 2)));
        assert_eq!(
            level("（一）创党建引领示范区"),
            Some((Level::Subsection, 1))
        );
        assert_eq!(level("(十)其他"), Some((Level::Subsection, 10)));
        assert_eq!(level("1.加强师德建设"), Some((Level::Item, 1)));
        assert_eq!(level("１２．附件"), Some((Level::Item, 12)));
        assert_eq!(level("3、开展教研"), Some((Level::Item, 3)));
        assert_eq!(level("（2）每月一次"), Some((Level::SubItem, 2)));
        assert_eq!(level("③送教下乡"), Some((Level::SubItem, 3)));
        assert_eq!(level("4)试点"), Some((Level::SubItem, 4)));
    }

    #[test]
    fn text_that_only_looks_numbered() {
        for s in [
            "一、二年级学生",
            "1.5倍",
            "1.1 概述",
            "2025.3.18",
            "一小“雅学”课程",
            "一是坚持",
            "十分重要",
            "第一次",
            "(202x-202x)",
            "1、2号楼",
            "100.",
            "0.",
        ] {
            assert_eq!(marker(s), None, "{s}");
        }
    }

    #[test]
    fn marker_length_takes_the_spaces_after() {
        let m = marker("一、 总体要求").unwrap();
        assert_eq!(&"一、 总体要求"[m.len..], "总体要求");
    }
}

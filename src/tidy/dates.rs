//! Dates as documents write them: `2025年3月18日`, `二〇二五年三月十八日`,
//! `2025-03-18`, `2025.3.18`, `2025/3/18`.

/// A calendar date found in text: (year, month, day).
pub type Ymd = (i32, u8, u8);

/// The date a line consists of (a signature's date line, `（2025年3月18日）`).
pub fn date_line(line: &str) -> Option<Ymd> {
    let t = line
        .trim()
        .trim_start_matches(['（', '(', '【', '['])
        .trim_end_matches(['）', ')', '】', ']'])
        .trim();
    let (d, used) = date_at(t)?;
    t[used..].trim().is_empty().then_some(d)
}

/// The first date anywhere in `s` (`时间:2023-11-28 15:00:11` → 2023-11-28).
pub fn find_date(s: &str) -> Option<Ymd> {
    s.char_indices()
        .filter(|&(_, c)| c.is_ascii_digit() || ('０'..='９').contains(&c) || is_zh_digit(c))
        .find_map(|(i, _)| date_at(&s[i..]).map(|(d, _)| d))
}

/// A date at the start of `s`, and the bytes it takes.
fn date_at(s: &str) -> Option<(Ymd, usize)> {
    let (y, a) = number(s, 4, true)?;
    let rest = &s[a..];
    let sep = rest.chars().next()?;
    let (m, d, end) = if sep == '年' {
        let r = &rest[sep.len_utf8()..];
        let (m, b) = number(r, 2, false)?;
        let r2 = r[b..].strip_prefix('月')?;
        let (d, c) = number(r2, 2, false)?;
        let tail = r2[c..]
            .strip_prefix('日')
            .or_else(|| r2[c..].strip_prefix('号'))?;
        (m, d, s.len() - tail.len())
    } else if matches!(sep, '-' | '.' | '/' | '－' | '．' | '／') {
        let r = &rest[sep.len_utf8()..];
        let (m, b) = number(r, 2, false)?;
        let r2 = r[b..].strip_prefix(sep)?;
        let (d, c) = number(r2, 2, false)?;
        (m, d, s.len() - r2.len() + c)
    } else {
        return None;
    };
    let ok = (1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d);
    ok.then_some(((y as i32, m as u8, d as u8), end))
}

fn is_zh_digit(c: char) -> bool {
    zh_digit(c).is_some() || c == '十'
}

fn zh_digit(c: char) -> Option<u32> {
    match c {
        '〇' | '零' | '○' | 'Ｏ' | 'O' | '0' => Some(0),
        _ => "一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|p| p as u32 + 1),
    }
}

/// A number of at most `max` digits (ASCII, full-width or Chinese). A year
/// (`year`) is read digit by digit (`二〇二五`); a month or day as a
/// number with 十 (`十二`, `二十一`).
fn number(s: &str, max: usize, year: bool) -> Option<(u32, usize)> {
    let mut n = 0;
    let mut used = 0;
    let mut digits = 0;
    let mut ten = false;
    for c in s.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            '０'..='９' => c as u32 - '０' as u32,
            '十' if !year && !ten => {
                ten = true;
                n = if digits == 0 { 10 } else { n * 10 };
                used += c.len_utf8();
                digits += 1;
                continue;
            }
            c if !c.is_ascii() => match zh_digit(c) {
                Some(d) => d,
                None => break,
            },
            _ => break,
        };
        if ten {
            n += d;
        } else {
            n = n * 10 + d;
        }
        used += c.len_utf8();
        digits += 1;
        if digits > max + 1 {
            return None;
        }
    }
    let fits = if year {
        digits == 4
    } else {
        (1..=max + 1).contains(&digits)
    };
    (fits && used > 0).then_some((n, used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_lines() {
        assert_eq!(date_line("2025年3月18日"), Some((2025, 3, 18)));
        assert_eq!(date_line("  二〇二五年三月十八日 "), Some((2025, 3, 18)));
        assert_eq!(date_line("二○二四年十二月三十一日"), Some((2024, 12, 31)));
        assert_eq!(date_line("（2024年11月20日）"), Some((2024, 11, 20)));
        assert_eq!(date_line("2025-03-18"), Some((2025, 3, 18)));
        assert_eq!(date_line("2025.3.8"), Some((2025, 3, 8)));
        assert_eq!(date_line("２０２５年３月１８日"), Some((2025, 3, 18)));
        assert_eq!(date_line("2025年3月18日召开"), None);
        assert_eq!(date_line("2025年13月1日"), None);
        assert_eq!(date_line("202x年3月1日"), None);
    }

    #[test]
    fn dates_inside_lines() {
        assert_eq!(
            find_date("时间:2023-11-28 15:00:11 来源:网友投稿"),
            Some((2023, 11, 28))
        );
        assert_eq!(find_date("更新时间：2024年5月6日"), Some((2024, 5, 6)));
        assert_eq!(find_date("共有2025名学生"), None);
    }
}

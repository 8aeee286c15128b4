//! Characters that do not show: zero-width spaces, bidirectional controls,
//! a byte-order mark in the middle of a file. Pasted from web pages and
//! Word, they make two titles that look the same differ, and a right-to-left
//! override (U+202E) makes text display in a different order than it is.

/// Whether `c` is invisible or reorders text: zero-width and bidi
/// formatting characters, the BOM, the soft hyphen, and control characters
/// other than tab, newline and carriage return.
pub fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
        || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// The first invisible character of `s`: its character index and itself.
pub fn find_invisible(s: &str) -> Option<(usize, char)> {
    s.chars().enumerate().find(|(_, c)| is_invisible(*c))
}

/// `s` with every invisible character written out as `<U+202E>`, for
/// messages: a terminal would otherwise hide it, or reorder the line.
pub fn show_invisible(s: &str) -> std::borrow::Cow<'_, str> {
    if find_invisible(s).is_none() {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_invisible(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_found_and_shown() {
        assert_eq!(find_invisible("敬仲\u{202E}镇"), Some((2, '\u{202E}')));
        assert_eq!(find_invisible("敬仲镇 2025\t"), None);
        assert_eq!(show_invisible("a\u{200B}b\u{FEFF}"), "a<U+200B>b<U+FEFF>");
        assert_eq!(show_invisible("普通文字"), "普通文字");
        assert!(is_invisible('\u{7}') && !is_invisible('\n') && !is_invisible('　'));
    }
}

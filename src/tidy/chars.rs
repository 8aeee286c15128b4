//! Character classes the text rules share: what counts as Chinese, what ends
//! a sentence, how wide a line is.

use unicode_width::UnicodeWidthStr;

/// CJK ideographs, kana, hangul and CJK or full-width punctuation: characters
/// between which a line break or a space is no word gap.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x303F | 0x3040..=0x30FF | 0x3100..=0x312F |
        0x31A0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF |
        0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x2FA1F)
        || is_cjk_quote(c)
}

/// The curly quotes Chinese text uses (they sit in the general punctuation block).
fn is_cjk_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’' | '…' | '—')
}

/// A Chinese character proper: an ideograph, not punctuation.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
        || c == '〇'
}

/// Characters that end a sentence or a clause a line may end with.
pub fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '；' | '：' | '…' | '!' | '?' | ';' | ':' | '．'
    )
}

/// Closing quotes and brackets, which end a sentence when what they close did.
fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | '）' | ')' | '》' | '"' | '\'' | '】'
    )
}

/// Whether a line ends a sentence: `…。`, `…！”`, `同志们:`. A line ending in
/// a closing quote ends one only if the quoted text did (`…的“短板县”` does not).
pub fn ends_sentence(line: &str) -> bool {
    let mut chars = line.trim_end().chars().rev().skip_while(|&c| is_closer(c));
    match chars.next() {
        Some('.') => chars.next().is_some_and(is_cjk),
        Some(c) => is_terminal(c),
        None => false,
    }
}

/// A line's length in Chinese characters: Latin letters and digits count half.
pub fn width(s: &str) -> usize {
    s.width().div_ceil(2)
}

/// The number of characters of `s`.
pub fn count(s: &str) -> usize {
    s.chars().count()
}

/// A full-width form of an ASCII character as that character (`：` → `:`).
pub use crate::base::slug::fold_width as narrow;

/// An ASCII character in its full-width form (`:` → `：`).
pub fn widen(c: char) -> char {
    match c {
        '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Spaces as pasted text has them: ASCII, no-break and the ideographic space.
pub fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{a0}' | '\u{3000}' | '\u{2002}'..='\u{200b}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_ends() {
        assert!(ends_sentence("现将有关做法汇报如下。"));
        assert!(ends_sentence("尊敬的各位领导,同志们:"));
        assert!(ends_sentence("他说：“要办好人民满意的教育。”"));
        assert!(!ends_sentence("是全市教育发展的“短板县”"));
        assert!(!ends_sentence("按照“强镇引"));
        assert!(!ends_sentence("1."));
        assert!(ends_sentence("发展."));
        assert!(!ends_sentence(""));
    }

    #[test]
    fn widths_count_latin_as_half() {
        assert_eq!(width("镇30个"), 3);
        assert_eq!(width("教育"), 2);
    }
}

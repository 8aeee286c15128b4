//! ASCII URL slugs from Chinese (and any other) text, through pinyin.
//!
//! Each Han character becomes its toneless pinyin syllable (first reading),
//! ASCII letters and digits are kept (lower-cased), and everything else
//! separates words: `在2025年教育工作会议上的交流发言` →
//! `zai-2025-nian-jiao-yu-gong-zuo-hui-yi-shang-de-jiao-liu-fa-yan`.
//! Per-character syllables keep the mapping simple and stable: no dictionary
//! whose updates could silently move a published URL.

use pinyin::ToPinyin;

pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut pending_sep = false;
    let push_word = |out: &mut String, word: &str, pending: &mut bool| {
        if *pending && !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
        *pending = false;
    };
    for c in text.chars() {
        let c = fold_width(c);
        if c.is_ascii_alphanumeric() {
            if out.ends_with(|p: char| p.is_ascii_alphanumeric()) && !pending_sep {
                out.push(c.to_ascii_lowercase());
            } else {
                push_word(
                    &mut out,
                    &c.to_ascii_lowercase().to_string(),
                    &mut pending_sep,
                );
            }
        } else if let Some(py) = c.to_pinyin() {
            pending_sep = true;
            push_word(&mut out, py.plain(), &mut pending_sep);
            pending_sep = true;
        } else {
            pending_sep = true;
        }
    }
    out
}

/// Full-width ASCII forms (ＡＢＣ１２３) to their half-width letters.
fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Whether `s` is usable as-is as a slug given by an author.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_file_names_become_pinyin() {
        assert_eq!(
            slugify("在2025年教育工作会议上的交流发言"),
            "zai-2025-nian-jiao-yu-gong-zuo-hui-yi-shang-de-jiao-liu-fa-yan"
        );
    }

    #[test]
    fn ascii_is_kept_and_separators_collapse() {
        assert_eq!(slugify("Jingzhong  Pilot__2025"), "jingzhong-pilot-2025");
        assert_eq!(slugify("名校+ 教育联合体"), "ming-xiao-jiao-yu-lian-he-ti");
        assert_eq!(slugify("ＡＢＣ１２３"), "abc123");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn traditional_characters_have_pinyin_too() {
        assert_eq!(slugify("義務教育"), slugify("义务教育"));
    }
}

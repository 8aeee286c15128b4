//! ASCII URL slugs from Chinese (and any other) text, through pinyin.
//!
//! Each Han character becomes its toneless pinyin syllable (first reading),
//! ASCII letters and digits are kept (lower-cased), and everything else
//! separates words: `在2025年教育工作会议上的交流发言` →
//! `zai-2025-nian-jiao-yu-gong-zuo-hui-yi-shang-de-jiao-liu-fa-yan`.
//! Per-character syllables keep the mapping simple and stable: no dictionary
//! whose updates could silently move a published URL.

use pinyin::ToPinyin;

/// The longest slug made from a name, in bytes: a folder name must stay
/// under the 255 bytes file systems allow, with room for Windows' 260
/// characters of a whole path when an archive is copied somewhere deep.
pub const MAX_SLUG_BYTES: usize = 200;

/// `slugify_full` cut to [`MAX_SLUG_BYTES`] at a word boundary.
pub fn slugify(text: &str) -> String {
    slugify_capped(text).0
}

/// The slug of `text`, and whether it had to be cut.
pub fn slugify_capped(text: &str) -> (String, bool) {
    let full = slugify_full(text);
    if full.len() <= MAX_SLUG_BYTES {
        return (full, false);
    }
    let cut = full[..MAX_SLUG_BYTES]
        .rfind('-')
        .map_or(&full[..MAX_SLUG_BYTES], |i| &full[..i]);
    (cut.to_owned(), true)
}

/// The whole slug, however long.
fn slugify_full(text: &str) -> String {
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
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Whether `s` is usable as-is as a slug given by an author.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SLUG_BYTES
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
    fn long_names_are_cut_at_a_syllable() {
        let name = "关于印发".repeat(30);
        let (slug, cut) = slugify_capped(&name);
        assert!(
            cut && slug.len() <= MAX_SLUG_BYTES && !slug.ends_with('-'),
            "{slug}"
        );
        assert!(slugify_full(&name).starts_with(&slug));
        assert_eq!(
            slugify_capped("敬仲镇"),
            ("jing-zhong-zhen".to_owned(), false)
        );
        assert!(!is_valid_slug(&"a".repeat(201)));
    }

    #[test]
    fn traditional_characters_have_pinyin_too() {
        assert_eq!(slugify("義務教育"), slugify("义务教育"));
    }
}

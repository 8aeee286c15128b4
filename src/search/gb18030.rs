//! GB18030 for the text of the search index's packs: two bytes a Chinese
//! character instead of UTF-8's three, decoded in the browser by
//! `TextDecoder('gb18030')` (see `docs/decisions.md`, "Pack text in
//! GB18030").
//!
//! encoding_rs encodes GB18030 by searching its index for each character,
//! which made a 10,000-report build spend a fifth of its CPU here; the
//! two-byte forms are looked up instead in a table made once by decoding
//! every two-byte sequence (so each form is, by construction, one the
//! decoder reads back as its character). Characters outside that table
//! (four-byte forms: rarer CJK, emoji) go through encoding_rs.

use std::sync::OnceLock;

/// Characters whose GB18030 form changed in the 2022 edition (private use,
/// vertical forms, and the characters that took over their two-byte
/// forms), so that a browser of either edition could read another
/// character: text holding one is not encoded.
fn unstable(c: char) -> bool {
    matches!(
        c,
        '\u{E000}'..='\u{F8FF}'
            | '\u{FE10}'..='\u{FE19}'
            | '\u{9FB4}'..='\u{9FBF}'
            | '\u{20087}'
            | '\u{20089}'
            | '\u{200CC}'
            | '\u{215D7}'
            | '\u{2298F}'
            | '\u{241FE}'
    )
}

/// By BMP code point: its two-byte form (lead byte high), or 0.
fn two_byte_forms() -> &'static [u16] {
    static TABLE: OnceLock<Box<[u16]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = vec![0u16; 0x1_0000];
        for lead in 0x81u8..=0xFE {
            for trail in (0x40u8..=0x7E).chain(0x80..=0xFE) {
                let pair = [lead, trail];
                let (text, bad) = encoding_rs::GB18030.decode_without_bom_handling(&pair);
                let mut chars = text.chars();
                if let (false, Some(c), None) = (bad, chars.next(), chars.next()) {
                    let slot = &mut table[c as usize & 0xFFFF];
                    if (c as u32) < 0x1_0000 && !unstable(c) && *slot == 0 {
                        *slot = u16::from_be_bytes([lead, trail]);
                    }
                }
            }
        }
        table.into_boxed_slice()
    })
}

/// `text` in GB18030, or `None` if it holds an unstable character (or
/// one the encoder cannot map).
pub fn encode(text: &str) -> Option<Vec<u8>> {
    let table = two_byte_forms();
    let mut out = Vec::with_capacity(text.len());
    let mut buf = [0u8; 4];
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c as u8);
            continue;
        }
        if unstable(c) {
            return None;
        }
        match table.get(c as usize) {
            Some(&form) if form != 0 => out.extend_from_slice(&form.to_be_bytes()),
            _ => {
                let (bytes, _, unmappable) = encoding_rs::GB18030.encode(c.encode_utf8(&mut buf));
                if unmappable {
                    return None;
                }
                out.extend_from_slice(&bytes);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character that is encoded reads back as itself with the
    /// decoder the browser follows, and agrees in length with encoding_rs.
    #[test]
    fn every_character_reads_back() {
        let all = (0..0x11_0000u32).filter_map(char::from_u32);
        let mut two = 0;
        for c in all {
            let s = c.to_string();
            let Some(bytes) = encode(&s) else {
                assert!(unstable(c), "{c:?} not encoded");
                continue;
            };
            two += usize::from(bytes.len() == 2);
            let (back, bad) = encoding_rs::GB18030.decode_without_bom_handling(&bytes);
            assert!(!bad && back == s, "{c:?} → {bytes:x?} → {back:?}");
        }
        // GBK's two-byte repertoire: about 21,000 hanzi and 900 symbols.
        assert!(two > 21_000, "{two}");
    }

    #[test]
    fn text_is_encoded_whole_or_not_at_all() {
        let text = "义务教育 \"名校+\" é 𠀀 😀 \u{2028}";
        let bytes = encode(text).expect("maps");
        assert_eq!(
            encoding_rs::GB18030.decode_without_bom_handling(&bytes).0,
            text
        );
        assert_eq!(&bytes[..4], &[0xD2, 0xE5, 0xCE, 0xF1]); // 义务
        for odd in ["\u{E5E5}", "a\u{F8FF}", "\u{FE10}", "\u{9FB4}", "\u{20087}"] {
            assert_eq!(encode(odd), None, "{odd:?}");
        }
    }
}

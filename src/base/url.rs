//! Percent-decoding of URL paths, the one implementation (links in reports,
//! request paths in `huiwen serve`).

/// The bytes of `s` with every `%XX` decoded; `None` if a `%` is not
/// followed by two hex digits. Works on bytes, so a `%` next to a Chinese
/// character (`完成率100%以上`) is an error, never a slice inside a character.
pub fn percent_decode_strict(s: &str) -> Option<Vec<u8>> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            out.push(hex_pair(b.get(i + 1..i + 3)?)?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    Some(out)
}

/// Lenient decoding for links written by people: a `%` that does not start
/// a valid escape stays a `%` (`完成率100%以上学校名单.xlsx` names that file).
/// Invalid UTF-8 after decoding becomes U+FFFD.
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = b.get(i + 1..i + 3).and_then(hex_pair)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A relative file path for an `href`: ASCII characters that mean something
/// in a URL (`%`, `#`, `?`, spaces, quotes) are escaped, `/` and non-ASCII
/// text are kept (browsers read Chinese in links as it is).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || "-._~/!$&'()*+,;=:@".contains(c) || !c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

fn hex_pair(two: &[u8]) -> Option<u8> {
    let digit = |c: u8| (c as char).to_digit(16);
    match two {
        [h, l] => Some((digit(*h)? * 16 + digit(*l)?) as u8),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_keeps_stray_percent_signs_next_to_chinese() {
        assert_eq!(percent_decode("%E9%99%84%E4%BB%B6.pdf"), "附件.pdf");
        assert_eq!(
            percent_decode("完成率100%以上学校名单.xlsx"),
            "完成率100%以上学校名单.xlsx"
        );
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("%"), "%");
        assert_eq!(percent_decode("%%41"), "%A");
        assert_eq!(percent_decode("%ff"), "\u{fffd}");
    }

    #[test]
    fn paths_are_encoded_for_links_and_decode_back() {
        let name = "附件/完成率100%以上 #1?.xlsx";
        let href = encode_path(name);
        assert_eq!(href, "附件/完成率100%25以上%20%231%3F.xlsx");
        assert_eq!(percent_decode(&href), name);
    }

    #[test]
    fn strict_refuses_bad_escapes() {
        assert_eq!(percent_decode_strict("a%20b"), Some(b"a b".to_vec()));
        assert_eq!(percent_decode_strict("100%以上"), None);
        assert_eq!(percent_decode_strict("%2"), None);
        assert_eq!(percent_decode_strict("%+1"), None);
    }
}

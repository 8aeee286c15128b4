//! HTML escaping, the one implementation: text between tags, and attribute
//! values (quotes too).

/// `&`, `<` and `>` as entities: safe between tags.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// [`escape_text`] and both quotes: safe inside an attribute value.
pub fn escape_attr(s: &str) -> String {
    escape_text(s).replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(escape_text("<a&b>\""), "&lt;a&amp;b&gt;\"");
        assert_eq!(escape_attr("\"x\" 'y'"), "&quot;x&quot; &#39;y&#39;");
    }
}

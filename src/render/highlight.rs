//! Syntax highlighting for fenced code blocks, as CSS classes (`hl-…`) so the
//! theme decides colours and printing stays legible.

use crate::base::escape::{escape_attr, escape_text};
use std::sync::OnceLock;

use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Loads syntect's grammars the first time a block with a language needs them
/// (most reports have no code at all, and loading costs tens of milliseconds).
#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

impl Highlighter {
    /// `<pre><code>` for `code`; highlighted when `lang` is known, escaped text otherwise.
    pub fn block(&self, lang: &str, code: &str) -> String {
        let lang_token = lang.split([' ', ',', '{']).next().unwrap_or("").trim();
        // A language name (`rust`, `c++`, `objective-c`), or nothing: the info
        // string is free text, and the class attribute is no place for it.
        let lang_token = if lang_token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+#.-".contains(c))
        {
            lang_token
        } else {
            ""
        };
        let mut out = String::with_capacity(code.len() * 2);
        let class = if lang_token.is_empty() {
            String::new()
        } else {
            format!(" class=\"language-{}\"", escape_attr(lang_token))
        };
        out.push_str(&format!("<pre class=\"code\"><code{class}>"));
        if !lang_token.is_empty() {
            let ss = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
            if let Some(syntax) = ss.find_syntax_by_token(lang_token) {
                let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, ss, STYLE);
                let ok = LinesWithEndings::from(code).all(|line| {
                    generator
                        .parse_html_for_line_which_includes_newline(line)
                        .is_ok()
                });
                if ok {
                    out.push_str(&generator.finalize());
                    out.push_str("</code></pre>\n");
                    return out;
                }
            }
        }
        out.push_str(&escape_text(code));
        out.push_str("</code></pre>\n");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_languages_with_classes() {
        let h = Highlighter::default();
        let html = h.block("yaml", "title: 敬仲镇\n");
        assert!(html.contains("hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
        assert!(html.contains("敬仲镇"));
    }

    #[test]
    fn only_language_names_become_classes() {
        let h = Highlighter::default();
        assert!(h.block("c++", "x").contains("class=\"language-c++\""));
        let odd = h.block("[x](javascript:alert(1))", "x");
        assert!(
            !odd.contains("language-") && !odd.contains("javascript"),
            "{odd}"
        );
    }

    #[test]
    fn unknown_languages_are_escaped_text() {
        let h = Highlighter::default();
        let html = h.block("no-such-lang", "<script>x</script>\n");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script>"));
    }
}

//! The text a reader sees in rendered HTML: what search indexes and cuts
//! excerpts from, so that it finds what the page shows and nothing else
//! (no image `alt` text, no link targets; the text inside raw HTML blocks
//! that the sanitiser kept, the numbers a data call printed).
//!
//! The input is HTML this crate wrote (pulldown-cmark's output, sanitised by
//! ammonia when it had raw HTML), so a small scanner is enough: tags are
//! dropped, the contents of `script`, `style`, `template`, `title` and `desc`
//! skipped, character references decoded. Each block element (paragraph,
//! heading, list item, table cell, …) becomes one [`TextBlock`]; inside a
//! block, white space collapses to one space as a browser shows it, except
//! that the lines of a `<pre>` stay lines (their indentation, which search
//! does not look at, is dropped).

/// One block of visible text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextBlock {
    /// The text, white space collapsed, never empty; `\n` only inside code.
    pub text: String,
    /// Inside `<pre>` (a code block): searchable, but a poor excerpt.
    pub code: bool,
}

/// Elements whose start and end break the text into blocks.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "caption",
    "dd",
    "details",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose content is never shown.
const HIDDEN: &[&str] = &["script", "style", "template", "title", "desc"];

/// The visible text of `html`, block by block.
pub fn visible_blocks(html: &str) -> Vec<TextBlock> {
    let mut out = Blocks::default();
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            out.text(rest);
            break;
        };
        out.text(&rest[..lt]);
        rest = &rest[lt..];
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        let Some(tag) = Tag::parse(rest) else {
            // A lone `<` is text.
            out.text("<");
            rest = &rest[1..];
            continue;
        };
        rest = &rest[tag.len..];
        if !tag.closing && HIDDEN.contains(&tag.name.as_str()) {
            rest = skip_to_end(rest, &tag.name);
            continue;
        }
        if tag.name == "pre" {
            out.pre = !tag.closing;
        }
        if BLOCKS.contains(&tag.name.as_str()) {
            out.end_block();
        }
    }
    out.end_block();
    out.blocks
}

/// The visible text of `html`, one line per block.
pub fn visible_text(html: &str) -> String {
    let blocks: Vec<String> = visible_blocks(html).into_iter().map(|b| b.text).collect();
    blocks.join("\n")
}

#[derive(Default)]
struct Blocks {
    blocks: Vec<TextBlock>,
    cur: String,
    /// Inside `<pre>`.
    pre: bool,
    /// The current block is code.
    cur_code: bool,
    /// White space seen since the last character (collapsed to one space).
    space: bool,
}

impl Blocks {
    fn text(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let decoded = decode_refs(raw);
        for c in decoded.chars() {
            if self.pre && c == '\n' {
                self.cur.push('\n');
                self.space = false;
            } else if c.is_whitespace() && c != '\u{a0}' {
                self.space = true;
            } else {
                if self.space && !self.cur.is_empty() && !self.cur.ends_with('\n') {
                    self.cur.push(' ');
                }
                self.space = false;
                self.cur.push(c);
                self.cur_code |= self.pre;
            }
        }
    }

    fn end_block(&mut self) {
        let text = self.cur.trim_matches(['\n', ' ']);
        if !text.is_empty() {
            self.blocks.push(TextBlock {
                text: text.to_owned(),
                code: self.cur_code,
            });
        }
        self.cur.clear();
        self.cur_code = false;
        self.space = false;
    }
}

/// A start or end tag at the start of `s`.
struct Tag {
    name: String,
    closing: bool,
    /// Bytes up to and including the `>`.
    len: usize,
}

impl Tag {
    fn parse(s: &str) -> Option<Tag> {
        let body = s.strip_prefix('<')?;
        let (closing, body) = match body.strip_prefix('/') {
            Some(b) => (true, b),
            None => (false, body),
        };
        let first = body.chars().next()?;
        if !(first.is_ascii_alphabetic() || first == '!' || first == '?') {
            return None;
        }
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let len = s.len() - body.len() + tag_end(body)?;
        Some(Tag { name, closing, len })
    }
}

/// Where the tag that `body` is inside of ends (after `>`), minding quoted
/// attribute values.
fn tag_end(body: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in body.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The rest after the end tag `</name>` (or nothing if it never ends).
fn skip_to_end<'a>(s: &'a str, name: &str) -> &'a str {
    let lower = s.to_ascii_lowercase();
    let close = format!("</{name}");
    match lower.find(&close) {
        Some(i) => {
            let after = &s[i..];
            after.find('>').map_or("", |j| &after[j + 1..])
        }
        None => "",
    }
}

/// Decodes character references: numeric ones, and the named ones HTML
/// writers use (the sanitiser writes only `&amp; &lt; &gt; &quot; &nbsp;`).
fn decode_refs(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('&') {
        return s.into();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map_or(rest.len(), |j| j + 1);
        let name = &rest[1..end];
        let with_semi = rest[end..].starts_with(';');
        match reference(name) {
            Some(c) => {
                out.push(c);
                rest = &rest[end + usize::from(with_semi)..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

fn reference(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let v = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return Some(
            char::from_u32(v)
                .filter(|&c| c != '\0')
                .unwrap_or('\u{FFFD}'),
        );
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "middot" => '·',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "laquo" => '«',
        "raquo" => '»',
        "times" => '×',
        "divide" => '÷',
        "deg" => '°',
        "plusmn" => '±',
        "permil" => '‰',
        "copy" => '©',
        "reg" => '®',
        "trade" => '™',
        "yen" => '¥',
        "sect" => '§',
        "bull" => '•',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<(String, bool)> {
        visible_blocks(html)
            .into_iter()
            .map(|b| (b.text, b.code))
            .collect()
    }

    #[test]
    fn blocks_tags_and_white_space() {
        let html = "<h2 id=\"a\">一、背景</h2>\n<p>南河县是<strong>农业</strong>县。\nsee\nthis<br />下一行</p>\n<ul>\n<li>甲</li>\n<li>乙 <em>丙</em></li>\n</ul>";
        assert_eq!(
            visible_text(html),
            "一、背景\n南河县是农业县。 see this\n下一行\n甲\n乙 丙"
        );
    }

    #[test]
    fn what_is_not_shown_is_not_text() {
        let html = "<p>图<img src=\"a.png\" alt=\"替代文字\">后<a href=\"https://x.org/秘密\" title=\"提示\">链接</a></p><script>var 脚本 = 1;</script><style>p{}</style><!-- 注释 --><svg><title>提示框</title><text>图例</text></svg>";
        assert_eq!(visible_text(html), "图后链接\n图例");
    }

    #[test]
    fn tables_footnotes_code_and_raw_html() {
        let html = "<table><thead><tr><th>镇</th><th>学校</th></tr></thead><tbody><tr><td>敬仲镇</td><td>12</td></tr></tbody></table>\n<p>正文<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup></p>\n<div class=\"footnote-definition\" id=\"1\"><sup class=\"footnote-definition-label\">1</sup>\n<p>注释文字</p></div>\n<pre><code class=\"language-yaml\">title: 标题\n  tags: [甲]\n</code></pre>\n<div class=\"note\">原样保留的 HTML 块</div>";
        assert_eq!(
            texts(html),
            vec![
                ("镇".into(), false),
                ("学校".into(), false),
                ("敬仲镇".into(), false),
                ("12".into(), false),
                ("正文1".into(), false),
                ("1".into(), false),
                ("注释文字".into(), false),
                ("title: 标题\ntags: [甲]".into(), true),
                ("原样保留的 HTML 块".into(), false),
            ]
        );
    }

    #[test]
    fn character_references() {
        assert_eq!(
            visible_text(
                "<p>a &amp; b &lt;c&gt; &#20013;&#x6587; &mdash;&nbsp;x &unknown; &amp</p>"
            ),
            "a & b <c> 中文 —\u{a0}x &unknown; &"
        );
        assert_eq!(
            visible_text("<p>&#0; &#xFFFFFFFF;</p>"),
            "\u{FFFD} \u{FFFD}"
        );
    }

    #[test]
    fn hostile_markup_never_panics() {
        for html in [
            "<",
            "<p",
            "<p class=\"unterminated>text",
            "<!-- never closed",
            "<script>no end",
            "&#",
            "&#x;",
            "a < b > c",
            "<p>中</p",
            "</>",
            "<\u{4e2d}>",
        ] {
            let _ = visible_blocks(html);
        }
        assert_eq!(visible_text("a < b"), "a < b");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any string: no panic, and no tag or comment syntax survives from
        /// well-formed tags.
        #[test]
        fn any_input_is_safe(s in "(<[a-z/!]{0,4}[^<>]{0,8}>|&#?[a-z0-9]{0,5};?|[^<&]{0,6}|<|&)*") {
            let text = visible_text(&s);
            proptest::prop_assert!(!text.contains("<!--"));
        }
    }
}

//! Web pages saved from a browser (.html): the main text only.
//!
//! The page is parsed by html5ever (the HTML5 parser of Servo). Navigation,
//! headers, footers, scripts, forms and blocks whose class or id names them
//! as menus, sharing or recommendation boxes are dropped; of what remains,
//! the element with the most paragraph text among its own children is the
//! main text. Its paragraphs, line breaks, headings, bold and italic,
//! tables and local images become lines for tidying; the page's `<title>`
//! and publication date (from its meta data) are hints for the front matter.

mod dom;

use std::path::Path;

use dom::{Data, Dom};

use crate::import::{Attachment, Document, ImportError, Unit};
use crate::read::decode::decode;
use crate::tidy::dates::find_date;
use crate::tidy::inline::{self, BOLD, ITALIC};
use crate::tidy::{Kind, Line, Log, Source, chars};

/// The largest page read.
const MAX_PAGE: u64 = 20 * 1024 * 1024;
/// The largest image taken from beside a page, and all together.
const MAX_IMAGE: u64 = 32 * 1024 * 1024;
const MAX_IMAGES: u64 = 128 * 1024 * 1024;

/// The deepest nesting of elements read.
const MAX_NESTING: usize = 2000;

/// Elements that never hold others, or whose end tag may be left out (they
/// do not deepen a page however many are open).
const FLAT: &[&str] = &[
    "br", "img", "hr", "meta", "link", "input", "area", "base", "col", "embed", "param", "source",
    "track", "wbr", "p", "li", "td", "th", "tr", "option", "optgroup", "dt", "dd", "tbody",
    "thead", "tfoot", "colgroup", "rb", "rt", "rp",
];

/// How deep the page's elements nest at most, counted from its tags
/// without parsing (script and style contents skipped).
fn nesting(text: &str) -> usize {
    let b = text.as_bytes();
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0usize);
    while let Some(off) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i, b"-->");
            continue;
        }
        let end_tag = b.get(i) == Some(&b'/');
        let start = i + usize::from(end_tag);
        let len = b[start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        if len == 0 {
            continue;
        }
        let name = text[start..start + len].to_ascii_lowercase();
        let close = find(b, start, b">");
        let self_closing = close > 0 && b.get(close.saturating_sub(2)) == Some(&b'/');
        i = close;
        if FLAT.contains(&name.as_str()) || self_closing {
            continue;
        }
        if end_tag {
            depth = depth.saturating_sub(1);
            continue;
        }
        depth += 1;
        max = max.max(depth);
        if matches!(name.as_str(), "script" | "style" | "textarea" | "title") {
            let closing = format!("</{name}");
            let lower = &text[i..];
            i = lower
                .to_ascii_lowercase()
                .find(&closing)
                .map_or(b.len(), |j| i + j);
        }
    }
    max
}

/// The index just past `needle` at or after `from` (the end if not found).
fn find(b: &[u8], from: usize, needle: &[u8]) -> usize {
    b.get(from..)
        .and_then(|r| r.windows(needle.len()).position(|w| w == needle))
        .map_or(b.len(), |j| from + j + needle.len())
}

/// Tags whose content is never main text.
const CHROME_TAGS: &[&str] = &[
    "head", "script", "style", "noscript", "template", "iframe", "nav", "header", "footer",
    "aside", "form", "button", "select", "textarea", "svg", "canvas", "object", "embed", "menu",
];
/// Words in a class or id that mark a block as page furniture.
const CHROME_NAMES: &[&str] = &[
    "nav",
    "menu",
    "footer",
    "sidebar",
    "comment",
    "share",
    "breadcrumb",
    "advert",
    "banner",
    "recommend",
    "related",
    "login",
    "toolbar",
    "copyright",
    "topbar",
    "download",
    "hot",
];
/// Such a block is dropped only if it holds less text than this (a main
/// text wrapped in a `class="share-content"` stays).
const CHROME_MAX_CHARS: usize = 500;
/// Block tags: their content starts a new line.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "section",
    "article",
    "main",
    "li",
    "dd",
    "dt",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "dl",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "address",
    "figure",
    "figcaption",
];

pub fn read(bytes: &[u8], path: &Path) -> Result<Document, ImportError> {
    if bytes.len() as u64 > MAX_PAGE {
        return Err(ImportError::TooLarge {
            size: bytes.len() as u64,
            limit: MAX_PAGE,
        });
    }
    let text = page_text(bytes, path);
    // The parser checks every tag against all open elements: a page nested
    // thousands deep (no real one is) would take hours.
    if nesting(&text) > MAX_NESTING {
        return Err(ImportError::TooDeep { limit: MAX_NESTING });
    }
    let dom = Dom::parse(&text);
    let mut doc = Document {
        unit: Unit::Line,
        ..Document::default()
    };
    let lengths = text_lengths(&dom);
    let chrome = chrome(&dom, &lengths);
    let main = main_text(&dom, &chrome, &lengths);
    doc.title = page_title(&dom);
    doc.date = page_date(&dom);
    let mut lines = Lines::default();
    let dir = path.parent().unwrap_or(Path::new("."));
    lines.walk(&dom, main, &chrome, dir, &mut doc);
    doc.lines = lines.out;
    let left_out: Vec<String> = outside_lines(&dom, main);
    if !left_out.is_empty() {
        let examples: Vec<&str> = left_out.iter().take(5).map(String::as_str).collect();
        doc.notes.push(format!(
            "网页正文之外的 {} 行（导航、页眉页脚、推荐等）没有导入，例如：{}",
            left_out.len(),
            examples.join(" / ")
        ));
    }
    Ok(doc)
}

/// The page as text: UTF-8, or the encoding its `<meta charset>` names, or GBK.
fn page_text(bytes: &[u8], path: &Path) -> String {
    if std::str::from_utf8(bytes).is_err() {
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
        let label = head.find("charset=").map(|i| {
            head[i + 8..]
                .trim_start_matches(['"', '\''])
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect::<String>()
        });
        if let Some(enc) = label.and_then(|l| encoding_rs::Encoding::for_label(l.as_bytes()))
            && enc != encoding_rs::UTF_8
        {
            return enc.decode(bytes).0.replace("\r\n", "\n");
        }
    }
    decode(bytes, path).text
}

/// The number of characters of text below each node, counted once bottom-up
/// (asking each element for its text would be quadratic on deep pages).
fn text_lengths(dom: &Dom) -> Vec<usize> {
    let mut len = vec![0; dom.nodes.len()];
    let order = dom.descendants(0);
    for &i in order.iter().rev() {
        if let Data::Text(t) = &dom.nodes[i].data {
            len[i] += chars::count(t.trim());
        }
        if let Some(p) = dom.nodes[i].parent {
            len[p] += len[i];
        }
    }
    len
}

/// Nodes that are page furniture or inside it (left out with all they hold).
fn chrome(dom: &Dom, lengths: &[usize]) -> Vec<bool> {
    let mut out = vec![false; dom.nodes.len()];
    for i in dom.descendants(0) {
        if dom.nodes[i].parent.is_some_and(|p| out[p]) {
            out[i] = true;
            continue;
        }
        let Some(tag) = dom.tag(i) else { continue };
        if CHROME_TAGS.contains(&tag) {
            out[i] = true;
            continue;
        }
        let names = format!(
            "{} {}",
            dom.attr(i, "class").unwrap_or(""),
            dom.attr(i, "id").unwrap_or("")
        )
        .to_ascii_lowercase();
        let named = names
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| CHROME_NAMES.contains(&w));
        if named && lengths[i] < CHROME_MAX_CHARS {
            out[i] = true;
        }
    }
    out
}

/// The element whose own children carry the most text: text nodes and
/// paragraph-like children count, links do not.
fn main_text(dom: &Dom, chrome: &[bool], lengths: &[usize]) -> usize {
    let body = (0..dom.nodes.len())
        .find(|&i| dom.tag(i) == Some("body"))
        .unwrap_or(0);
    let mut best = (0, body);
    for i in dom.descendants(body) {
        if dom.tag(i).is_none() || chrome[i] {
            continue;
        }
        let score: usize = dom.nodes[i]
            .children
            .iter()
            .filter(|&&c| !chrome[c])
            .map(|&c| match (&dom.nodes[c].data, dom.tag(c)) {
                (Data::Text(_), _) => lengths[c],
                (
                    _,
                    Some(
                        "p" | "span" | "font" | "strong" | "b" | "em" | "i" | "h2" | "h3" | "h4"
                        | "li",
                    ),
                ) => lengths[c],
                _ => 0,
            })
            .sum();
        if score > best.0 {
            best = (score, i);
        }
    }
    best.1
}

/// `<title>` without the site's name (`标题_某某范文网` → `标题`), or the first `<h1>`.
fn page_title(dom: &Dom) -> Option<String> {
    let find = |tag: &str| (0..dom.nodes.len()).find(|&i| dom.tag(i) == Some(tag));
    let h1 = find("h1")
        .map(|i| collapse(&dom.text(i)))
        .filter(|t| !t.is_empty());
    let title = find("title")
        .map(|i| collapse(&dom.text(i)))
        .filter(|t| !t.is_empty());
    match (title, h1) {
        (Some(t), Some(h)) if t.contains(&h) => Some(h),
        (Some(t), _) => {
            let first = t
                .split(['_', '|', '｜'])
                .flat_map(|s| s.split(" - "))
                .flat_map(|s| s.split(" — "))
                .map(str::trim)
                .find(|s| !s.is_empty())
                .unwrap_or(&t);
            Some(first.to_owned())
        }
        (None, h) => h,
    }
}

/// The publication date in the page's meta data or a `<time>` element.
fn page_date(dom: &Dom) -> Option<crate::tidy::dates::Ymd> {
    const NAMES: &[&str] = &[
        "article:published_time",
        "og:published_time",
        "pubdate",
        "publishdate",
        "publish_date",
        "date",
        "dc.date",
        "dcterms.created",
        "weibo:article:create_at",
    ];
    (0..dom.nodes.len()).find_map(|i| match dom.tag(i)? {
        "meta" => {
            let name = dom
                .attr(i, "name")
                .or_else(|| dom.attr(i, "property"))?
                .to_ascii_lowercase();
            NAMES
                .contains(&name.as_str())
                .then(|| find_date(dom.attr(i, "content")?))?
        }
        "time" => find_date(dom.attr(i, "datetime")?),
        _ => None,
    })
}

/// Runs of HTML white space as one space (the ideographic space is text).
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() || c == '\u{a0}' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    if space && !out.is_empty() {
        out.push(' ');
    }
    out
}

/// The text lines outside the main text (not furniture tags such as scripts).
fn outside_lines(dom: &Dom, main: usize) -> Vec<String> {
    let inside: std::collections::HashSet<usize> = dom.descendants(main).into_iter().collect();
    let mut out = Vec::new();
    for i in dom.descendants(0) {
        let Data::Text(t) = &dom.nodes[i].data else {
            continue;
        };
        let hidden = dom.nodes[i]
            .parent
            .and_then(|p| dom.tag(p))
            .is_some_and(|t| matches!(t, "script" | "style" | "noscript" | "title" | "template"));
        let t = collapse(t);
        if !inside.contains(&i) && !hidden && !t.trim().is_empty() {
            out.push(t.trim().to_owned());
        }
    }
    out
}

/// Turns the main text's subtree into lines.
#[derive(Default)]
struct Lines {
    out: Vec<Line>,
    cur: String,
    at: usize,
    images: u64,
}

impl Lines {
    fn walk(&mut self, dom: &Dom, root: usize, chrome: &[bool], dir: &Path, doc: &mut Document) {
        // (node, entering?) pairs: an explicit stack instead of recursion.
        let mut stack = vec![(root, true)];
        while let Some((i, enter)) = stack.pop() {
            if chrome[i] {
                continue;
            }
            let tag = dom.tag(i);
            if !enter {
                self.leave(tag);
                continue;
            }
            match (&dom.nodes[i].data, tag) {
                (Data::Text(t), _) => {
                    if self.cur.is_empty() {
                        self.at = dom.nodes[i].line as usize;
                    }
                    self.cur.push_str(&collapse(t).replace(inline::is_mark, ""));
                }
                (_, Some("br")) => self.end_line(Kind::Text),
                (_, Some("table")) => {
                    self.end_line(Kind::Text);
                    self.table(dom, i, chrome);
                }
                (_, Some("img")) => self.image(dom, i, dir, doc),
                (_, tag) => {
                    self.enter(tag);
                    stack.push((i, false));
                    stack.extend(dom.nodes[i].children.iter().rev().map(|&c| (c, true)));
                }
            }
        }
        self.end_line(Kind::Text);
    }

    fn enter(&mut self, tag: Option<&str>) {
        match tag {
            Some("b" | "strong") => self.cur.push(BOLD),
            Some("i" | "em") => self.cur.push(ITALIC),
            Some(t) if BLOCKS.contains(&t) => self.end_line(Kind::Text),
            _ => {}
        }
    }

    fn leave(&mut self, tag: Option<&str>) {
        match tag {
            Some("b" | "strong") => self.cur.push(BOLD),
            Some("i" | "em") => self.cur.push(ITALIC),
            Some(h @ ("h2" | "h3" | "h4" | "h5" | "h6")) => {
                let level = h[1..].parse().unwrap_or(2);
                self.end_line(Kind::Heading(level));
                self.push_break();
            }
            Some("p" | "li" | "h1" | "blockquote" | "pre" | "dd" | "dt") => {
                self.end_line(Kind::Text);
                self.push_break();
            }
            Some(t) if BLOCKS.contains(&t) => self.end_line(Kind::Text),
            _ => {}
        }
    }

    fn end_line(&mut self, kind: Kind) {
        let text = std::mem::take(&mut self.cur);
        let text = match kind {
            Kind::Heading(_) => inline::strip_marks(&text).into_owned(),
            _ => text,
        };
        if !inline::strip_marks(&text).trim().is_empty() {
            self.out.push(Line::new(self.at, text.trim(), kind));
        }
    }

    fn push_break(&mut self) {
        if self.out.last().is_some_and(|l| l.kind != Kind::Break) {
            self.out.push(Line::new(self.at, "", Kind::Break));
        }
    }

    /// A table as Markdown: one row per `<tr>`, cells' text escaped.
    fn table(&mut self, dom: &Dom, table: usize, chrome: &[bool]) {
        // The table's own rows (a nested table's cells are part of an outer cell's text).
        let sections = std::iter::once(table).chain(
            dom.nodes[table]
                .children
                .iter()
                .copied()
                .filter(|&c| matches!(dom.tag(c), Some("thead" | "tbody" | "tfoot"))),
        );
        let rows: Vec<Vec<String>> = sections
            .flat_map(|s| dom.nodes[s].children.iter().copied())
            .filter(|&r| dom.tag(r) == Some("tr") && !chrome[r])
            .map(|r| {
                dom.nodes[r]
                    .children
                    .iter()
                    .filter(|&&c| matches!(dom.tag(c), Some("td" | "th")))
                    .map(|&c| {
                        inline::paragraph(
                            &collapse(&dom.text(c)),
                            Source::Plain,
                            &mut Log::default(),
                        )
                    })
                    .collect()
            })
            .filter(|r: &Vec<String>| !r.is_empty())
            .collect();
        let width = rows.iter().map(Vec::len).max().unwrap_or(0);
        if width == 0 {
            return;
        }
        let at = dom.nodes[table].line as usize;
        self.push_break();
        for (k, r) in rows.iter().enumerate() {
            let cells: Vec<&str> = (0..width)
                .map(|j| r.get(j).map_or(" ", |s| if s.is_empty() { " " } else { s }))
                .collect();
            self.out.push(Line::new(
                at,
                format!("| {} |", cells.join(" | ")),
                Kind::Verbatim,
            ));
            if k == 0 {
                self.out.push(Line::new(
                    at,
                    format!("|{}", " --- |".repeat(width)),
                    Kind::Verbatim,
                ));
            }
        }
        self.out.push(Line::new(at, "", Kind::Break));
    }

    /// An image saved beside the page (`页面_files/a.png`) becomes an
    /// attachment; others are noted.
    fn image(&mut self, dom: &Dom, i: usize, dir: &Path, doc: &mut Document) {
        let Some(src) = dom.attr(i, "src").map(str::trim).filter(|s| !s.is_empty()) else {
            return;
        };
        let local = !src.contains(':') && !src.starts_with("//") && !src.starts_with('/');
        let path = dir.join(src.split(['?', '#']).next().unwrap_or(src));
        let inside = path
            .canonicalize()
            .ok()
            .zip(dir.canonicalize().ok())
            .is_some_and(|(p, d)| p.starts_with(d));
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        if !local
            || !inside
            || !path.is_file()
            || size > MAX_IMAGE
            || self.images + size > MAX_IMAGES
        {
            doc.notes
                .push(format!("图片 {src} 不在本地或太大，没有导入"));
            return;
        }
        let Ok(bytes) = std::fs::read(&path) else {
            doc.notes.push(format!("图片 {src} 无法读取，没有导入"));
            return;
        };
        self.images += size;
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = safe_name(&file, doc.attachments.len() + 1);
        let alt = dom.attr(i, "alt").unwrap_or("");
        let (alt, _) = inline::escape_plain(alt);
        self.end_line(Kind::Text);
        self.push_break();
        self.out.push(Line::new(
            dom.nodes[i].line as usize,
            format!("![{alt}]({name})"),
            Kind::Verbatim,
        ));
        self.push_break();
        doc.attachments.push(Attachment { name, bytes });
    }
}

/// An attachment name of ASCII letters, digits, `-` and `_` (`图 1.PNG` → `image-1.png`).
fn safe_name(file: &str, n: usize) -> String {
    let (stem, ext) = file.rsplit_once('.').unwrap_or((file, "bin"));
    let clean = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect::<String>()
            .to_ascii_lowercase()
    };
    let stem = clean(stem);
    let stem = if stem.is_empty() {
        "image".to_owned()
    } else {
        stem
    };
    format!("{stem}-{n}.{}", clean(ext))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_counts_open_elements_only() {
        assert_eq!(nesting("<div><p>a<p>b<br><img src=x/></div>"), 1);
        assert_eq!(nesting("<div><div><span>x</span></div></div>"), 3);
        assert_eq!(
            nesting("<script>if (a<b && c<d) {}</script><!-- <div><div> -->"),
            1
        );
        assert_eq!(nesting(&"<b><i>".repeat(10)), 20);
    }

    #[test]
    fn titles_lose_the_site_name() {
        let dom = Dom::parse("<title>2023年度经验交流材料(范文推荐)_某某范文网</title>");
        assert_eq!(
            page_title(&dom).as_deref(),
            Some("2023年度经验交流材料(范文推荐)")
        );
        let dom = Dom::parse("<title>桃源镇经验 - 教育网</title><h1>桃源镇经验</h1>");
        assert_eq!(page_title(&dom).as_deref(), Some("桃源镇经验"));
    }

    #[test]
    fn dates_come_from_meta_data() {
        let dom = Dom::parse(
            "<meta property=\"article:published_time\" content=\"2024-05-06T08:00:00+08:00\">",
        );
        assert_eq!(page_date(&dom), Some((2024, 5, 6)));
    }

    #[test]
    fn main_text_beats_menus() {
        let html = "<body><div class=nav><a>首页</a><a>范文</a></div><div id=x><p>一、总体要求</p><p>坚持以人民为中心，办好人民满意的教育。</p></div><div class=footer>版权所有</div></body>";
        let doc = read(html.as_bytes(), Path::new("a.html")).unwrap();
        let texts: Vec<&str> = doc
            .lines
            .iter()
            .filter(|l| l.kind == Kind::Text)
            .map(|l| l.text.as_str())
            .collect();
        assert_eq!(
            texts,
            vec!["一、总体要求", "坚持以人民为中心，办好人民满意的教育。"]
        );
        assert!(doc.notes[0].contains("首页"), "{:?}", doc.notes);
    }
}

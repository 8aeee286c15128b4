//! Markdown to HTML, the way Chinese reports need it.
//!
//! On top of pulldown-cmark (tables, footnotes, strikethrough, task lists):
//! a soft line break between two CJK characters disappears instead of becoming
//! a space; headings get ids that keep their Chinese text; fenced code is
//! highlighted; unsafe link schemes are dropped and raw HTML goes through an
//! allow-list sanitiser unless the site opts out.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::base::escape::{escape_attr, escape_text};
use crate::base::ids::SitePath;
use crate::diag::{Diagnostic, Pos};
use crate::render::autolink::AutoLinker;
use crate::render::highlight::Highlighter;
use crate::stats::calls::{Evaluator, Fragment, find_calls};
// One notion of "Chinese text" with tidying: a line break between two such
// characters (curly quotes included) is no space.
pub use crate::tidy::chars::is_cjk;

/// Rewrites a link destination: `Ok(Some(href))`, `Ok(None)` (leave it), `Err(message)`.
pub type LinkFn<'a> = dyn Fn(&str) -> Result<Option<String>, String> + 'a;

/// Page-specific extras: data calls, links from names, and how to link.
#[derive(Default, Clone, Copy)]
pub struct Hooks<'a> {
    pub calls: Option<&'a Evaluator<'a>>,
    pub autolink: Option<&'a AutoLinker>,
    pub href: Option<&'a dyn Fn(&SitePath) -> String>,
    /// Rewrites a relative link to a content file into a page-relative href;
    /// `Err` is a broken link (reported as an error), `Ok(None)` leaves it alone.
    pub links: Option<&'a LinkFn<'a>>,
}

/// Marks a call's place in the Markdown until the HTML is ready. Private-use
/// characters survive Markdown, escaping and sanitising untouched.
const TOKEN_OPEN: char = '\u{E000}';
const TOKEN_CLOSE: char = '\u{E001}';

/// One heading for a table of contents.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub text: String,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    pub warnings: Vec<Diagnostic>,
}

/// Where the Markdown came from, for warnings.
pub struct Origin<'a> {
    pub file: &'a Path,
    pub source: &'a str,
    /// File line where `body` starts.
    pub first_line: usize,
}

pub struct MarkdownRenderer {
    highlighter: Highlighter,
    unsafe_html: bool,
}

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
}

impl MarkdownRenderer {
    pub fn new(unsafe_html: bool) -> Self {
        MarkdownRenderer {
            highlighter: Highlighter::default(),
            unsafe_html,
        }
    }

    pub fn render(&self, body: &str, origin: &Origin<'_>, hooks: &Hooks<'_>) -> Rendered {
        let mut out = Rendered::default();
        let (body, fragments) = substitute_calls(body, origin, hooks, &mut out.warnings);
        let events: Vec<(Event<'_>, Range<usize>)> = Parser::new_ext(&body, options())
            .into_offset_iter()
            .collect();
        let mut pass = Pass {
            md: self,
            origin,
            hooks,
            body: &body,
            out: &mut out,
            html: Vec::with_capacity(events.len()),
            linked: Vec::new(),
            in_link: 0,
            in_heading: false,
            in_table_head: false,
            has_raw_html: false,
            used_ids: HashSet::new(),
        };
        let mut i = 0;
        while i < events.len() {
            i = pass.event(&events, i) + 1;
        }
        let (html_events, has_raw_html) = (pass.html, pass.has_raw_html);
        let mut html = String::with_capacity(body.len() * 3 / 2);
        pulldown_cmark::html::push_html(&mut html, html_events.into_iter());
        out.html = if has_raw_html && !self.unsafe_html {
            sanitize(&html)
        } else {
            html
        };
        if !fragments.is_empty() {
            out.html = insert_fragments(&out.html, &fragments);
        }
        out
    }
}

/// One rendering: the events in, the events out, and what the text so far
/// has told (which entities are linked, whether we are in a link or heading).
struct Pass<'m, 'o, 'h, 'b> {
    md: &'m MarkdownRenderer,
    origin: &'o Origin<'o>,
    hooks: &'h Hooks<'h>,
    body: &'b str,
    out: &'m mut Rendered,
    html: Vec<Event<'b>>,
    /// Entities already linked from a name (only the first mention links).
    linked: Vec<usize>,
    in_link: usize,
    in_heading: bool,
    in_table_head: bool,
    has_raw_html: bool,
    used_ids: HashSet<String>,
}

impl<'b> Pass<'_, '_, '_, 'b> {
    /// File line of a byte offset into the body.
    fn line_of(&self, offset: usize) -> usize {
        self.origin.first_line
            + self.body[..offset.min(self.body.len())]
                .matches('\n')
                .count()
    }

    /// File line and column (in characters) of a byte offset into the body.
    fn pos_at(&self, offset: usize) -> Pos {
        let before = &self.body[..offset.min(self.body.len())];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos::new(
            self.line_of(offset),
            before[line_start..].chars().count() + 1,
        )
    }

    /// Handles event `i`; returns the index of the last event it consumed.
    fn event(&mut self, events: &[(Event<'b>, Range<usize>)], i: usize) -> usize {
        let (ev, range) = &events[i];
        match ev {
            Event::SoftBreak => {
                let prev = last_char(&events[..i]);
                let next = events.get(i + 1).and_then(|(e, _)| first_char(e));
                // A line break inside a paragraph between two CJK characters
                // would show as a space: it is dropped.
                if !(prev.is_some_and(is_cjk) && next.is_some_and(is_cjk)) {
                    self.html.push(Event::SoftBreak);
                }
            }
            Event::Start(Tag::Heading { .. }) => self.heading(events, i),
            Event::Start(Tag::CodeBlock(kind)) => return self.code_block(events, i, kind),
            Event::End(TagEnd::Heading(_)) => {
                self.in_heading = false;
                self.html.push(ev.clone());
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                self.in_link = self.in_link.saturating_sub(1);
                self.html.push(ev.clone());
            }
            Event::Text(t)
                if self.in_link == 0 && !self.in_heading && self.hooks.autolink.is_some() =>
            {
                self.names(t, ev)
            }
            Event::Start(tag @ (Tag::Link { .. } | Tag::Image { .. })) => self.link(tag, range),
            Event::Html(h) | Event::InlineHtml(h) => self.raw_html(h, range, ev),
            Event::Start(Tag::TableHead) => {
                self.in_table_head = true;
                self.html.push(ev.clone());
            }
            Event::End(TagEnd::TableHead) => {
                self.in_table_head = false;
                self.html.push(ev.clone());
            }
            // A body cell holding a number is right-aligned, as figures are.
            Event::Start(Tag::TableCell) if !self.in_table_head && numeric_cell(events, i) => {
                self.html.push(Event::Html("<td class=\"num\">".into()));
            }
            // Wide tables scroll inside their own box instead of widening the page.
            Event::Start(Tag::Table(_)) => {
                self.html
                    .push(Event::Html("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可左右滚动）\">".into()));
                self.html.push(ev.clone());
            }
            Event::End(TagEnd::Table) => {
                self.html.push(ev.clone());
                self.html.push(Event::Html("</div>".into()));
            }
            _ => self.html.push(ev.clone()),
        }
        i
    }

    /// A heading: an id from its text (unique in the page), and an entry in
    /// the table of contents for levels 2 and 3.
    fn heading(&mut self, events: &[(Event<'b>, Range<usize>)], i: usize) {
        let Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) = &events[i].0
        else {
            return;
        };
        let mut text = String::new();
        for (e, _) in events[i + 1..]
            .iter()
            .take_while(|(e, _)| !matches!(e, Event::End(TagEnd::Heading(_))))
        {
            if let Event::Text(t) | Event::Code(t) = e {
                text.push_str(t);
            }
        }
        let base = id
            .as_ref()
            .map(|s| s.to_string())
            .unwrap_or_else(|| anchor(&text));
        let id = unique_id(&base, &mut self.used_ids);
        if matches!(level, HeadingLevel::H2 | HeadingLevel::H3) {
            self.out.toc.push(TocEntry {
                level: *level as u8,
                id: id.clone(),
                text: text.trim().to_owned(),
            });
        }
        self.in_heading = true;
        self.html.push(Event::Start(Tag::Heading {
            level: *level,
            id: Some(CowStr::from(id)),
            classes: classes.clone(),
            attrs: attrs.clone(),
        }));
    }

    /// A code block, highlighted whole; returns the index of its end.
    fn code_block(
        &mut self,
        events: &[(Event<'b>, Range<usize>)],
        mut i: usize,
        kind: &CodeBlockKind<'_>,
    ) -> usize {
        let lang = match kind {
            CodeBlockKind::Fenced(l) => l.to_string(),
            CodeBlockKind::Indented => String::new(),
        };
        let mut code = String::new();
        i += 1;
        while i < events.len() && !matches!(events[i].0, Event::End(TagEnd::CodeBlock)) {
            if let Event::Text(t) = &events[i].0 {
                code.push_str(t);
            }
            i += 1;
        }
        self.html
            .push(Event::Html(self.md.highlighter.block(&lang, &code).into()));
        i
    }

    /// Plain text outside links and headings: the first mention of each
    /// entity's name becomes a link to its page.
    fn names(&mut self, t: &CowStr<'b>, ev: &Event<'b>) {
        let (Some(al), Some(href)) = (self.hooks.autolink, self.hooks.href) else {
            self.html.push(ev.clone());
            return;
        };
        let mut last = 0;
        for (start, end, path) in al.mentions(t, &mut self.linked) {
            if start > last {
                self.html
                    .push(Event::Text(t[last..start].to_owned().into()));
            }
            let open = format!(
                "<a class=\"autolink\" href=\"{}\">",
                escape_attr(&href(path))
            );
            self.html.push(Event::Html(open.into()));
            self.html.push(Event::Text(t[start..end].to_owned().into()));
            self.html.push(Event::Html("</a>".into()));
            last = end;
        }
        if last == 0 {
            self.html.push(ev.clone());
        } else if last < t.len() {
            self.html.push(Event::Text(t[last..].to_owned().into()));
        }
    }

    /// A link or image: unsafe schemes dropped, links starting with `/`
    /// warned, links to content files rewritten to where they are published.
    fn link(&mut self, tag: &Tag<'b>, range: &Range<usize>) {
        self.in_link += 1;
        let mut tag = tag.clone();
        let (dest, image) = match &mut tag {
            Tag::Link { dest_url, .. } => (dest_url, false),
            Tag::Image { dest_url, .. } => (dest_url, true),
            _ => return,
        };
        let what = if image { "图片地址" } else { "链接" };
        let (file, source) = (self.origin.file, self.origin.source);
        if !is_safe_url(dest, image) {
            let line = self.line_of(range.start);
            self.out
                .warnings
                .push(unsafe_warning(self.origin, line, what, dest));
            *dest = CowStr::from("");
        } else if dest.starts_with('/') || dest.starts_with('\\') {
            self.out.warnings.push(
                Diagnostic::warning(
                    file,
                    format!("{what} `{dest}` 以 / 开头：网站放在子路径下（如 http://10.1.2.3/jyjl/）、从文件夹或 U 盘打开时都会失效"),
                )
                .at(source, self.pos_at(range.start))
                .with_hint("改用相对于本文件的路径，例如 ../../images/图表.png；外部网站写完整地址 http://…"),
            );
        } else if let Some(resolve) = self.hooks.links {
            match resolve(dest) {
                Ok(Some(href)) => *dest = CowStr::from(href),
                Ok(None) => {}
                Err(msg) => self.out.warnings.push(
                    Diagnostic::error(file, format!("链接无效：{msg}"))
                        .at(source, self.pos_at(range.start))
                        .with_hint("链接写站内文件的相对路径，例如 ../2024/foo.md、../../towns/jingzhong.yaml 或 附件1.pdf"),
                ),
            }
        }
        self.html.push(Event::Start(tag));
    }

    /// Raw HTML: kept for the sanitiser, with a warning for what it removes.
    fn raw_html(&mut self, h: &str, range: &Range<usize>, ev: &Event<'b>) {
        self.has_raw_html = true;
        if !self.md.unsafe_html
            && let Some(what) = dangerous_html(h)
        {
            self.out.warnings.push(
                Diagnostic::warning(
                    self.origin.file,
                    format!("正文中的 HTML 含有不安全的内容（{what}），已被删除"),
                )
                .at(self.origin.source, Pos::new(self.line_of(range.start), 1))
                .with_hint("报告中不能嵌入脚本、事件属性、iframe 或 style；确需时在 site.yaml 设 `unsafe_html: true`"),
            );
        }
        self.html.push(ev.clone());
    }
}

/// Whether the table cell starting at event `i` holds only a number
/// (`1,757`, `85.5%`, `386名`, `-3`).
fn numeric_cell(events: &[(Event<'_>, Range<usize>)], i: usize) -> bool {
    let mut text = String::new();
    for (e, _) in events[i + 1..]
        .iter()
        .take_while(|(e, _)| !matches!(e, Event::End(TagEnd::TableCell)))
    {
        match e {
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            Event::Start(Tag::Emphasis | Tag::Strong) | Event::End(_) => {}
            _ => return false,
        }
    }
    const UNITS: [&str; 16] = [
        "万元", "亿元", "人次", "元", "个", "所", "名", "人", "次", "场", "节", "项", "条", "篇",
        "年", "%",
    ];
    let t = text.trim();
    let t = UNITS
        .iter()
        .find_map(|u| t.strip_suffix(u))
        .unwrap_or(t)
        .trim();
    let mut digits = false;
    for c in t.chars() {
        match c {
            '0'..='9' => digits = true,
            ',' | '.' | '%' | '‰' | '+' | '-' | '−' | ' ' => {}
            _ => return false,
        }
    }
    digits
}

fn unsafe_warning(origin: &Origin<'_>, line: usize, what: &str, url: &str) -> Diagnostic {
    Diagnostic::warning(
        origin.file,
        format!("{what} `{url}` 使用了不安全的协议，已被删除"),
    )
    .at(origin.source, Pos::new(line, 1))
    .with_hint("链接只能用 http、https、mailto、tel 或站内相对地址")
}

/// Whether the URL's scheme is safe to put in an `href`/`src`.
fn is_safe_url(url: &str, image: bool) -> bool {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let has_scheme = scheme_end.is_some_and(|i| {
        lower[..i]
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
    });
    if !has_scheme {
        return true;
    }
    ["http:", "https:", "mailto:", "tel:"]
        .iter()
        .any(|s| lower.starts_with(s))
        || (image && lower.starts_with("data:image/") && !lower.starts_with("data:image/svg"))
}

/// What makes a raw HTML fragment unsafe, if anything (for the warning; the
/// sanitiser does the removing).
fn dangerous_html(h: &str) -> Option<&'static str> {
    let l = h.to_ascii_lowercase();
    if l.contains("<script") {
        return Some("<script>");
    }
    if l.contains("<iframe")
        || l.contains("<frame")
        || l.contains("<object")
        || l.contains("<embed")
    {
        return Some("<iframe>/<object>");
    }
    if l.contains("<style") {
        return Some("<style>");
    }
    if l.contains("javascript:") || l.contains("vbscript:") {
        return Some("javascript: 链接");
    }
    let bytes = l.as_bytes();
    for (i, w) in bytes.windows(3).enumerate() {
        if (w[0] == b' ' || w[0] == b'\t' || w[0] == b'\n' || w[0] == b'/')
            && w[1] == b'o'
            && w[2] == b'n'
        {
            let rest = &l[i + 3..];
            let name_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
            if name_len > 0 && rest[name_len..].trim_start().starts_with('=') {
                return Some("on… 事件属性");
            }
        }
    }
    if l.contains("data:") && !l.contains("data:image/") {
        return Some("data: 地址");
    }
    None
}

/// Allow-list sanitising of the whole body once raw HTML is involved.
fn sanitize(html: &str) -> String {
    let mut b = ammonia::Builder::default();
    b.add_generic_attributes(["id", "class", "title", "lang"])
        .add_tag_attributes("td", ["style", "colspan", "rowspan"])
        .add_tag_attributes("th", ["style", "colspan", "rowspan"])
        .add_tag_attributes("input", ["type", "checked", "disabled"])
        .add_tags([
            "input",
            "figure",
            "figcaption",
            "mark",
            "details",
            "summary",
        ])
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .link_rel(None);
    b.clean(html).to_string()
}

/// The last character of the source text before a soft break (the output may
/// have split that text for an auto-link, so the source is what counts).
fn last_char(source: &[(Event<'_>, std::ops::Range<usize>)]) -> Option<char> {
    match source.last()? {
        (Event::Text(t) | Event::Code(t), _) => t.chars().last(),
        _ => None,
    }
}

/// Replaces the data calls in `body` by tokens; evaluation errors become
/// error diagnostics at the call's line and column.
fn substitute_calls(
    body: &str,
    origin: &Origin<'_>,
    hooks: &Hooks<'_>,
    diags: &mut Vec<Diagnostic>,
) -> (String, Vec<Fragment>) {
    let Some(eval) = hooks.calls else {
        return (body.to_owned(), Vec::new());
    };
    if !body.contains("{{") {
        return (body.to_owned(), Vec::new());
    }
    let mut code = Vec::new();
    for (ev, range) in Parser::new_ext(body, options()).into_offset_iter() {
        if matches!(ev, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            code.push(range);
        }
    }
    let pos_of = |offset: usize| {
        let before = &body[..offset];
        let line = origin.first_line + before.matches('\n').count();
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Pos::new(line, col)
    };
    let mut out = String::with_capacity(body.len());
    let mut fragments = Vec::new();
    let mut last = 0;
    for found in find_calls(body, &code) {
        let (call, result) = match found {
            Ok(call) => {
                let r = eval.eval(&call);
                (Some(call), r.map_err(|e| (None, e)))
            }
            Err((at, e)) => (None, Err((Some(at), e))),
        };
        match result {
            Ok(fragment) => {
                let Some(call) = call else { continue };
                out.push_str(&body[last..call.start]);
                out.push(TOKEN_OPEN);
                out.push_str(&fragments.len().to_string());
                out.push(TOKEN_CLOSE);
                fragments.push(fragment);
                last = call.end;
            }
            Err((_, e)) if e.follow_on => {}
            Err((at, e)) => {
                let start = at.or(call.as_ref().map(|c| c.start)).unwrap_or(0);
                let len = call
                    .as_ref()
                    .map_or(2, |c| body[c.start..c.end].chars().count());
                let mut d = Diagnostic::error(origin.file, format!("数据调用出错：{}", e.message))
                    .at_span(origin.source, pos_of(start), len);
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                diags.push(d);
            }
        }
    }
    out.push_str(&body[last..]);
    (out, fragments)
}

/// Puts each call's result where its token ended up. A table or chart alone
/// in its paragraph replaces the paragraph.
fn insert_fragments(html: &str, fragments: &[Fragment]) -> String {
    let mut out = String::with_capacity(html.len() + fragments.len() * 256);
    let mut rest = html;
    while let Some(i) = rest.find(TOKEN_OPEN) {
        let after = &rest[i + TOKEN_OPEN.len_utf8()..];
        let Some(j) = after.find(TOKEN_CLOSE) else {
            break;
        };
        let Some(frag) = after[..j]
            .parse::<usize>()
            .ok()
            .and_then(|n| fragments.get(n))
        else {
            out.push_str(&rest[..i + TOKEN_OPEN.len_utf8()]);
            rest = after;
            continue;
        };
        let mut head = &rest[..i];
        let mut tail = &after[j + TOKEN_CLOSE.len_utf8()..];
        match frag {
            Fragment::Text(t) => {
                out.push_str(head);
                out.push_str(&escape_text(t));
            }
            Fragment::Block(h) => {
                if head.ends_with("<p>") && tail.starts_with("</p>") {
                    head = &head[..head.len() - 3];
                    tail = &tail[4..];
                }
                out.push_str(head);
                out.push_str(h);
            }
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

fn first_char(e: &Event<'_>) -> Option<char> {
    match e {
        Event::Text(t) | Event::Code(t) => t.chars().next(),
        _ => None,
    }
}

/// A heading's anchor: its text with spaces as `-`, punctuation dropped,
/// letters lower-cased, Chinese kept (`一、工作背景` → `一工作背景`).
pub fn anchor(text: &str) -> String {
    let mut s = String::new();
    for c in text.trim().chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if (c.is_whitespace() || c == '-' || c == '_') && !s.ends_with('-') && !s.is_empty()
        {
            s.push('-');
        }
    }
    let s = s.trim_end_matches('-').to_owned();
    if s.is_empty() {
        "section".to_owned()
    } else {
        s
    }
}

pub fn unique_id(base: &str, used: &mut HashSet<String>) -> String {
    let mut id = base.to_owned();
    let mut n = 1;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> Rendered {
        let r = MarkdownRenderer::new(false);
        r.render(
            s,
            &Origin {
                file: Path::new("a.md"),
                source: s,
                first_line: 1,
            },
            &Hooks::default(),
        )
    }

    #[test]
    fn soft_breaks_between_cjk_vanish() {
        let out = md("强镇筑基\n一镇一品\n\nhello\nworld\n\n中文\nEnglish\n");
        assert!(out.html.contains("强镇筑基一镇一品"), "{}", out.html);
        assert!(out.html.contains("hello\nworld"), "{}", out.html);
        assert!(out.html.contains("中文\nEnglish"), "{}", out.html);
    }

    #[test]
    fn cjk_punctuation_counts_as_cjk() {
        let out = md("工作成效明显，\n教师队伍稳定。\n");
        assert!(out.html.contains("明显，教师"), "{}", out.html);
        let out = md("是全市的“短板县”\n近年来\n");
        assert!(out.html.contains("“短板县”近年来"), "{}", out.html);
    }

    #[test]
    fn headings_get_chinese_anchors_and_toc() {
        let out = md("## 一、工作背景\n\n## 一、工作背景\n\n### (一) 做法\n");
        assert!(out.html.contains("id=\"一工作背景\""), "{}", out.html);
        assert!(out.html.contains("id=\"一工作背景-1\""), "{}", out.html);
        assert_eq!(out.toc.len(), 3);
        assert_eq!(out.toc[2].level, 3);
    }

    #[test]
    fn tables_footnotes_strikethrough() {
        let out = md("|a|b|\n|-|-|\n|1|2|\n\n~~旧~~ 新[^1]\n\n[^1]: 注释\n");
        assert!(
            out.html.contains("<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"表格（可左右滚动）\"><table>"),
            "{}",
            out.html
        );
        assert!(out.html.contains("<del>旧</del>"));
        assert!(out.html.contains("footnote"));
    }

    #[test]
    fn scripts_and_handlers_are_removed_with_warnings() {
        let out = md(
            "正文<script>alert(1)</script>\n\n<img src=x onerror=\"alert(1)\">\n\n[x](javascript:alert(1))\n",
        );
        assert!(!out.html.contains("<script"), "{}", out.html);
        assert!(!out.html.contains("onerror"), "{}", out.html);
        assert!(!out.html.contains("javascript:"), "{}", out.html);
        assert_eq!(out.warnings.len(), 3, "{:?}", out.warnings);
        assert_eq!(out.warnings[1].pos.unwrap().line, 3);
    }

    #[test]
    fn safe_html_is_kept() {
        let out = md("<mark>重点</mark> 和 <sup>1</sup>\n");
        assert!(out.html.contains("<mark>重点</mark>"), "{}", out.html);
        assert!(out.warnings.is_empty());
    }
}

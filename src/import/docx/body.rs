//! The body of a Word document as lines for tidying: each paragraph one or
//! more text lines (with bold and italic marks), headings from styles or
//! outline levels, list numbers written out in front of their text (so
//! `一、` and `（一）` numbering Word adds itself is seen like typed
//! numbers), bulleted lists and tables as Markdown, images after their
//! paragraph, and footnotes at the end.

use std::collections::HashMap;

use quick_xml::events::BytesStart;

use crate::import::ImportError;
use crate::import::docx::parts::{Numbering, StyleLevel, Styles, format_number};
use crate::import::docx::xml::{Node, Xml, attr, local, local_end, on};
use crate::tidy::inline::{self, BOLD, ITALIC, NOTE_CLOSE, NOTE_OPEN};
use crate::tidy::{Kind, Line, Log, Source};

/// What the body gave.
pub struct Body {
    pub lines: Vec<Line>,
    /// The text of the first paragraph in the Title style.
    pub title: Option<String>,
    /// Relationship ids of the images shown, in order.
    pub images: Vec<String>,
    /// Things left out, for the user.
    pub remarks: Vec<String>,
}

/// One paragraph being read.
#[derive(Default)]
struct Para {
    style: Option<String>,
    num: Option<(String, u8)>,
    outline: Option<u8>,
    text: String,
    /// Formatting open in `text` so far, and asked for by the current run.
    bold: bool,
    italic: bool,
    run_bold: bool,
    run_italic: bool,
    images: Vec<String>,
}

impl Para {
    /// Appends run text, opening or closing bold and italic as the run asks.
    fn push(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if self.bold != self.run_bold {
            self.text.push(BOLD);
            self.bold = self.run_bold;
        }
        if self.italic != self.run_italic {
            self.text.push(ITALIC);
            self.italic = self.run_italic;
        }
        // The marks are private-use characters: any in the document are dropped.
        self.text.extend(s.chars().filter(|&c| !inline::is_mark(c)));
    }

    fn close_marks(&mut self) {
        if self.bold {
            self.text.push(BOLD);
        }
        if self.italic {
            self.text.push(ITALIC);
        }
    }
}

/// A table being read (only the outermost; nested tables flatten into cells).
#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    cell: Vec<String>,
    span: usize,
    merged: bool,
}

struct Walker<'a> {
    styles: &'a Styles,
    numbering: &'a Numbering,
    images: &'a HashMap<String, String>,
    notes: &'a HashMap<String, String>,
    body: Body,
    /// Open paragraphs (a text box's paragraphs open inside another).
    open: Vec<Para>,
    table: Option<Table>,
    table_depth: usize,
    /// Depth inside a subtree whose text is not shown (field codes, deleted text, fallbacks).
    hidden: usize,
    in_ppr: bool,
    in_rpr: bool,
    in_text: bool,
    counters: HashMap<String, [u32; 9]>,
    /// Footnote ids in the order they are referred to.
    note_ids: Vec<String>,
    paragraphs: usize,
    alt: String,
}

/// Elements whose text is not part of what the document shows.
const HIDDEN: &[&[u8]] = &[
    b"instrText",
    b"delText",
    b"Fallback",
    b"del",
    b"sectPr",
    b"pPrChange",
    b"rPrChange",
];

pub fn walk(
    bytes: &[u8],
    styles: &Styles,
    numbering: &Numbering,
    images: &HashMap<String, String>,
    notes: &HashMap<String, String>,
) -> Result<Body, ImportError> {
    let mut w = Walker {
        styles,
        numbering,
        images,
        notes,
        body: Body {
            lines: Vec::new(),
            title: None,
            images: Vec::new(),
            remarks: Vec::new(),
        },
        open: Vec::new(),
        table: None,
        table_depth: 0,
        hidden: 0,
        in_ppr: false,
        in_rpr: false,
        in_text: false,
        counters: HashMap::new(),
        note_ids: Vec::new(),
        paragraphs: 0,
        alt: String::new(),
    };
    let mut x = Xml::new(bytes, "word/document.xml");
    loop {
        match x.next()? {
            Node::Open(e) => {
                if w.hidden > 0 || HIDDEN.contains(&local(&e)) {
                    w.hidden += 1;
                    continue;
                }
                w.open_element(&e);
            }
            Node::Empty(e) => {
                if w.hidden == 0 {
                    w.open_element(&e);
                    w.close_element(local(&e));
                }
            }
            Node::Close(e) => {
                if w.hidden > 0 {
                    w.hidden -= 1;
                    continue;
                }
                w.close_element(local_end(&e));
            }
            Node::Text(t) => {
                if w.in_text
                    && w.hidden == 0
                    && let Some(p) = w.open.last_mut()
                {
                    p.push(&t);
                }
            }
            Node::Eof => break,
        }
    }
    w.footnotes();
    Ok(w.body)
}

impl Walker<'_> {
    fn open_element(&mut self, e: &BytesStart<'_>) {
        let name = local(e);
        let val = || attr(e, b"val");
        match name {
            b"p" => {
                self.paragraphs += 1;
                self.open.push(Para::default());
            }
            b"pPr" => self.in_ppr = true,
            b"rPr" => self.in_rpr = true,
            b"r" => {
                if let Some(p) = self.open.last_mut() {
                    p.run_bold = false;
                    p.run_italic = false;
                }
            }
            b"t" => self.in_text = true,
            b"tbl" => {
                self.table_depth += 1;
                if self.table_depth == 1 {
                    self.flush_paragraph_break();
                    self.table = Some(Table::default());
                }
            }
            b"tr" if self.table_depth == 1 => {
                if let Some(t) = self.table.as_mut() {
                    t.rows.push(Vec::new());
                }
            }
            b"tc" if self.table_depth == 1 => {
                if let Some(t) = self.table.as_mut() {
                    t.cell.clear();
                    t.span = 1;
                    t.merged = false;
                }
            }
            b"gridSpan" if self.table_depth == 1 => {
                if let Some(t) = self.table.as_mut() {
                    t.span = val().and_then(|v| v.parse().ok()).unwrap_or(1).clamp(1, 64);
                }
            }
            b"vMerge" if self.table_depth == 1 => {
                if let Some(t) = self.table.as_mut() {
                    t.merged = val().is_none_or(|v| v == "continue");
                }
            }
            b"docPr" => {
                self.alt = attr(e, b"descr")
                    .filter(|d| !d.trim().is_empty())
                    .or_else(|| attr(e, b"title"))
                    .or_else(|| attr(e, b"name"))
                    .unwrap_or_default();
            }
            b"blip" | b"imagedata" => {
                let id = attr(e, b"embed").or_else(|| attr(e, b"id"));
                if let (Some(id), Some(p)) = (id, self.open.last_mut())
                    && self.images.contains_key(&id)
                {
                    p.images.push(id);
                }
            }
            _ => self.property_or_run_content(e),
        }
    }

    /// Paragraph and run properties, and run content other than text.
    fn property_or_run_content(&mut self, e: &BytesStart<'_>) {
        let name = local(e);
        let in_ppr = self.in_ppr;
        let in_rpr = self.in_rpr;
        let Some(p) = self.open.last_mut() else {
            return;
        };
        let val = || attr(e, b"val");
        match name {
            b"pStyle" if in_ppr => p.style = val(),
            b"numId" if in_ppr => {
                p.num.get_or_insert((String::new(), 0)).0 = val().unwrap_or_default()
            }
            b"ilvl" if in_ppr => {
                p.num.get_or_insert((String::new(), 0)).1 =
                    val().and_then(|v| v.parse().ok()).unwrap_or(0).min(8)
            }
            b"outlineLvl" if in_ppr => {
                p.outline = val().and_then(|v| v.parse::<u8>().ok()).filter(|v| *v < 9)
            }
            // The paragraph mark's own formatting (inside pPr) says nothing about the text.
            b"b" if in_rpr && !in_ppr => p.run_bold = on(e),
            b"i" if in_rpr && !in_ppr => p.run_italic = on(e),
            b"tab" if !in_ppr => p.push(" "),
            // A page or column break is no line break in the text.
            b"br" | b"cr"
                if !in_ppr && !matches!(attr(e, b"type").as_deref(), Some("page" | "column")) =>
            {
                p.push("\n");
            }
            b"noBreakHyphen" => p.push("-"),
            b"footnoteReference" | b"endnoteReference" => {
                if let Some(id) = attr(e, b"id").filter(|id| self.notes.contains_key(id)) {
                    let n = match self.note_ids.iter().position(|x| *x == id) {
                        Some(i) => i + 1,
                        None => {
                            self.note_ids.push(id);
                            self.note_ids.len()
                        }
                    };
                    // Not through `push`: the marks of a note must not be dropped.
                    p.text.push(NOTE_OPEN);
                    p.text.push_str(&n.to_string());
                    p.text.push(NOTE_CLOSE);
                }
            }
            _ => {}
        }
    }

    fn close_element(&mut self, name: &[u8]) {
        match name {
            b"p" => {
                if let Some(p) = self.open.pop() {
                    self.finish_paragraph(p);
                }
            }
            b"pPr" => self.in_ppr = false,
            b"rPr" => self.in_rpr = false,
            b"t" => self.in_text = false,
            b"tc" if self.table_depth == 1 => {
                if let Some(t) = self.table.as_mut() {
                    let text = if t.merged {
                        String::new()
                    } else {
                        t.cell.join("<br>")
                    };
                    if let Some(row) = t.rows.last_mut() {
                        row.push(text);
                        for _ in 1..t.span {
                            row.push(String::new());
                        }
                    }
                }
            }
            b"tbl" => {
                self.table_depth = self.table_depth.saturating_sub(1);
                if self.table_depth == 0
                    && let Some(t) = self.table.take()
                {
                    self.emit_table(t);
                }
            }
            _ => {}
        }
    }

    fn finish_paragraph(&mut self, mut p: Para) {
        p.close_marks();
        let style_level = p.style.as_deref().and_then(|s| self.styles.level(s));
        let num = p
            .num
            .clone()
            .or_else(|| p.style.as_deref().and_then(|s| self.styles.numbering(s)))
            .filter(|(id, _)| !id.is_empty() && id != "0");
        let (label, bullet) = match &num {
            Some((id, lvl)) => self.label(id, *lvl),
            None => (String::new(), false),
        };
        let text = p.text.trim_matches(|c: char| c.is_whitespace()).to_owned();
        let images: Vec<String> = p
            .images
            .iter()
            .filter_map(|id| self.images.get(id).map(|n| (id, n)))
            .map(|(id, name)| {
                self.body.images.push(id.clone());
                let (alt, _) = inline::escape_plain(&self.alt);
                format!("![{alt}]({name})")
            })
            .collect();
        if let Some(t) = self.table.as_mut() {
            let mut cell =
                inline::paragraph(&text.replace('\n', " "), Source::Plain, &mut Log::default());
            for i in images {
                cell.push_str(&i);
            }
            if !cell.is_empty() {
                t.cell.push(cell);
            }
            return;
        }
        let at = self.paragraphs;
        let plain = inline::strip_marks(&text);
        let level = match style_level {
            // The title stays in the text too: the import finds a subtitle
            // under it there, and takes both out of the body.
            Some(StyleLevel::Title) => {
                if self.body.title.is_none() && !plain.trim().is_empty() {
                    self.body.title = Some(plain.trim().to_owned());
                }
                None
            }
            Some(StyleLevel::Heading(n)) => Some(n),
            None => p.outline.map(|o| o + 1),
        };
        let lines = &mut self.body.lines;
        match level {
            Some(n) if !plain.trim().is_empty() => {
                let text = format!("{label}{}", plain.replace('\n', " ").trim());
                lines.push(Line::new(at, text, Kind::Heading((n + 1).min(6))));
            }
            Some(_) => {}
            None if bullet => {
                let indent = "  ".repeat(usize::from(num.as_ref().map_or(0, |n| n.1)));
                let md =
                    inline::paragraph(&text.replace('\n', " "), Source::Plain, &mut Log::default());
                lines.push(Line::new(at, format!("{indent}- {md}"), Kind::Verbatim));
            }
            None => {
                let mut first = true;
                for part in text.split('\n') {
                    let part = if first {
                        format!("{label}{part}")
                    } else {
                        part.to_owned()
                    };
                    first = false;
                    if !inline::strip_marks(&part).trim().is_empty() {
                        lines.push(Line::new(at, part, Kind::Text));
                    }
                }
            }
        }
        if !bullet || !images.is_empty() {
            lines.push(Line::new(at, "", Kind::Break));
        }
        for i in images {
            lines.push(Line::new(at, i, Kind::Verbatim));
            lines.push(Line::new(at, "", Kind::Break));
        }
    }

    /// The number Word shows in front of a list paragraph, and whether it is a bullet.
    fn label(&mut self, id: &str, lvl: u8) -> (String, bool) {
        let Some(def) = self.numbering.level(id, lvl) else {
            return (String::new(), false);
        };
        if def.format == "bullet" {
            return (String::new(), true);
        }
        let counters = self.counters.entry(id.to_owned()).or_insert([0; 9]);
        let l = usize::from(lvl).min(8);
        counters[l] = if counters[l] == 0 {
            def.start.max(1)
        } else {
            counters[l].saturating_add(1)
        };
        for c in counters.iter_mut().skip(l + 1) {
            *c = 0;
        }
        let counters = *counters;
        let mut label = def.text.clone();
        for k in (0..=l).rev() {
            let shown = self
                .numbering
                .level(id, k as u8)
                .map(|d| format_number(counters[k].max(1), &d.format))
                .unwrap_or_default();
            label = label.replace(&format!("%{}", k + 1), &shown);
        }
        (label, false)
    }

    /// A table ends a paragraph before it.
    fn flush_paragraph_break(&mut self) {
        if self
            .body
            .lines
            .last()
            .is_some_and(|l| l.kind != Kind::Break)
        {
            self.body
                .lines
                .push(Line::new(self.paragraphs, "", Kind::Break));
        }
    }

    fn emit_table(&mut self, t: Table) {
        let width = t.rows.iter().map(Vec::len).max().unwrap_or(0);
        let rows: Vec<&Vec<String>> = t.rows.iter().filter(|r| !r.is_empty()).collect();
        if width == 0 || rows.is_empty() {
            return;
        }
        let at = self.paragraphs;
        let line = |cells: &[String]| {
            let mut s = String::from("|");
            for k in 0..width {
                let c = cells.get(k).map_or("", String::as_str);
                s.push(' ');
                s.push_str(if c.is_empty() { " " } else { c });
                s.push_str(" |");
            }
            s.replace("|  |", "|   |")
        };
        self.body
            .lines
            .push(Line::new(at, line(rows[0]), Kind::Verbatim));
        self.body.lines.push(Line::new(
            at,
            format!("|{}", " --- |".repeat(width)),
            Kind::Verbatim,
        ));
        for r in &rows[1..] {
            self.body.lines.push(Line::new(at, line(r), Kind::Verbatim));
        }
        self.body.lines.push(Line::new(at, "", Kind::Break));
    }

    fn footnotes(&mut self) {
        for (k, id) in self.note_ids.iter().enumerate() {
            let text = self.notes.get(id).map_or("", String::as_str);
            let md = inline::paragraph(text, Source::Plain, &mut Log::default());
            self.body.lines.push(Line::new(
                self.paragraphs,
                format!("[^{}]: {md}", k + 1),
                Kind::Verbatim,
            ));
        }
    }
}

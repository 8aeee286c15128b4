//! The parts around a Word document's body: relationships (images),
//! styles (which are headings), numbering (what list numbers look like)
//! and notes.

use std::collections::HashMap;

use crate::import::ImportError;
use crate::import::docx::xml::{Node, Xml, attr, local, local_end};

/// A relationship of `document.xml`: its type and target.
#[derive(Debug, Clone)]
pub struct Rel {
    pub kind: String,
    pub target: String,
    pub external: bool,
}

pub fn relationships(bytes: &[u8]) -> Result<HashMap<String, Rel>, ImportError> {
    let mut x = Xml::new(bytes, "word/_rels/document.xml.rels");
    let mut out = HashMap::new();
    loop {
        match x.next()? {
            Node::Open(e) | Node::Empty(e) if local(&e) == b"Relationship" => {
                let (Some(id), Some(target)) = (attr(&e, b"Id"), attr(&e, b"Target")) else {
                    continue;
                };
                out.insert(
                    id,
                    Rel {
                        kind: attr(&e, b"Type").unwrap_or_default(),
                        target,
                        external: attr(&e, b"TargetMode").as_deref() == Some("External"),
                    },
                );
            }
            Node::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The attachment name of each image relationship: the file name of its
/// target, made safe (`media/image1.png` → `image1.png`), unique.
pub fn image_names(rels: &HashMap<String, Rel>) -> HashMap<String, String> {
    let mut ids: Vec<&String> = rels
        .iter()
        .filter(|(_, r)| r.kind.ends_with("/image") && !r.external)
        .map(|(id, _)| id)
        .collect();
    ids.sort_by(|a, b| rels[*a].target.cmp(&rels[*b].target).then(a.cmp(b)));
    let mut used: Vec<String> = Vec::new();
    let mut out = HashMap::new();
    for id in ids {
        let target = &rels[id].target;
        let file = target.rsplit(['/', '\\']).next().unwrap_or(target);
        let (stem, ext) = file.rsplit_once('.').unwrap_or((file, "bin"));
        let clean = |s: &str| -> String {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect()
        };
        let (stem, ext) = (clean(stem), clean(ext));
        let stem = if stem.trim_matches('-').is_empty() {
            "image".to_owned()
        } else {
            stem
        };
        let mut name = format!("{stem}.{ext}");
        let mut n = 2;
        while used.contains(&name) {
            name = format!("{stem}-{n}.{ext}");
            n += 1;
        }
        used.push(name.clone());
        out.insert(id.clone(), name);
    }
    out
}

/// A relationship target as a path inside the zip (`media/a.png` from `word`).
pub fn resolve(base: &str, target: &str) -> String {
    let mut segs: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for s in target.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    segs.join("/")
}

/// What the document's paragraph styles say.
#[derive(Debug, Default)]
pub struct Styles {
    by_id: HashMap<String, Style>,
}

#[derive(Debug, Default, Clone)]
struct Style {
    name: String,
    based_on: Option<String>,
    outline: Option<u8>,
    num: Option<(String, u8)>,
}

/// How a paragraph style counts: the document title or a heading level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleLevel {
    Title,
    Heading(u8),
}

impl Styles {
    /// The heading level of a style, following `basedOn` (a few steps at most).
    pub fn level(&self, id: &str) -> Option<StyleLevel> {
        let mut id = id;
        for _ in 0..10 {
            let s = self.by_id.get(id)?;
            let name = s.name.to_lowercase();
            let name = name.trim();
            if name == "title" || name == "标题" {
                return Some(StyleLevel::Title);
            }
            let n = name
                .strip_prefix("heading")
                .or_else(|| name.strip_prefix("标题"))
                .and_then(|n| n.trim().parse::<u8>().ok());
            if let Some(n) = n
                .or(s.outline.map(|o| o + 1))
                .filter(|n| (1..=9).contains(n))
            {
                return Some(StyleLevel::Heading(n));
            }
            id = s.based_on.as_deref()?;
        }
        None
    }

    /// The list numbering a style carries (headings numbered `一、` by their style).
    pub fn numbering(&self, id: &str) -> Option<(String, u8)> {
        let mut id = id;
        for _ in 0..10 {
            let s = self.by_id.get(id)?;
            if let Some(n) = &s.num {
                return Some(n.clone());
            }
            id = s.based_on.as_deref()?;
        }
        None
    }
}

pub fn styles(bytes: &[u8]) -> Result<Styles, ImportError> {
    let mut x = Xml::new(bytes, "word/styles.xml");
    let mut out = Styles::default();
    let mut cur: Option<(String, Style)> = None;
    loop {
        match x.next()? {
            Node::Open(e) | Node::Empty(e) => {
                let name = local(&e);
                match name {
                    b"style" => {
                        let paragraph = attr(&e, b"type").is_none_or(|t| t == "paragraph");
                        cur = attr(&e, b"styleId")
                            .filter(|_| paragraph)
                            .map(|id| (id, Style::default()));
                    }
                    _ => {
                        if let Some((_, s)) = cur.as_mut() {
                            style_property(s, name, &e);
                        }
                    }
                }
            }
            Node::Close(e) if local_end(&e) == b"style" => {
                if let Some((id, s)) = cur.take() {
                    out.by_id.insert(id, s);
                }
            }
            Node::Eof => return Ok(out),
            _ => {}
        }
    }
}

fn style_property(s: &mut Style, name: &[u8], e: &quick_xml::events::BytesStart<'_>) {
    let val = || attr(e, b"val");
    match name {
        b"name" => s.name = val().unwrap_or_default(),
        b"basedOn" => s.based_on = val(),
        b"outlineLvl" => s.outline = val().and_then(|v| v.parse::<u8>().ok()).filter(|v| *v < 9),
        b"numId" => s.num.get_or_insert((String::new(), 0)).0 = val().unwrap_or_default(),
        b"ilvl" => {
            s.num.get_or_insert((String::new(), 0)).1 =
                val().and_then(|v| v.parse().ok()).unwrap_or(0)
        }
        _ => {}
    }
}

/// One level of a list's numbering.
#[derive(Debug, Clone, Default)]
pub struct LevelDef {
    pub start: u32,
    /// `decimal`, `bullet`, `chineseCounting`, `none`, …
    pub format: String,
    /// `%1.`, `（%1）`, `%1.%2`.
    pub text: String,
}

/// The list definitions of `numbering.xml`.
#[derive(Debug, Default)]
pub struct Numbering {
    abstracts: HashMap<String, Vec<LevelDef>>,
    /// numId → (abstractNumId, start overrides by level).
    nums: HashMap<String, (String, HashMap<u8, u32>)>,
}

impl Numbering {
    /// The definition of level `ilvl` of list `num_id`.
    pub fn level(&self, num_id: &str, ilvl: u8) -> Option<LevelDef> {
        let (abs, overrides) = self.nums.get(num_id)?;
        let mut def = self.abstracts.get(abs)?.get(usize::from(ilvl))?.clone();
        if let Some(&s) = overrides.get(&ilvl) {
            def.start = s;
        }
        Some(def)
    }
}

pub fn numbering(bytes: &[u8]) -> Result<Numbering, ImportError> {
    let mut x = Xml::new(bytes, "word/numbering.xml");
    let mut out = Numbering::default();
    let mut abs: Option<(String, Vec<LevelDef>)> = None;
    let mut num: Option<(String, String, HashMap<u8, u32>)> = None;
    let mut override_level: Option<u8> = None;
    loop {
        match x.next()? {
            Node::Open(e) | Node::Empty(e) => match local(&e) {
                b"abstractNum" => abs = attr(&e, b"abstractNumId").map(|id| (id, Vec::new())),
                b"lvl" => {
                    if let Some((_, levels)) = abs.as_mut() {
                        levels.push(LevelDef {
                            start: 1,
                            ..LevelDef::default()
                        });
                    }
                }
                b"num" => num = attr(&e, b"numId").map(|id| (id, String::new(), HashMap::new())),
                b"abstractNumId" => {
                    if let Some((_, a, _)) = num.as_mut() {
                        *a = attr(&e, b"val").unwrap_or_default();
                    }
                }
                b"lvlOverride" => override_level = attr(&e, b"ilvl").and_then(|v| v.parse().ok()),
                b"startOverride" => {
                    if let (Some((_, _, o)), Some(l)) = (num.as_mut(), override_level) {
                        o.insert(
                            l,
                            attr(&e, b"val").and_then(|v| v.parse().ok()).unwrap_or(1),
                        );
                    }
                }
                name => {
                    let Some(level) = abs.as_mut().and_then(|(_, l)| l.last_mut()) else {
                        continue;
                    };
                    let val = attr(&e, b"val");
                    match name {
                        b"start" => level.start = val.and_then(|v| v.parse().ok()).unwrap_or(1),
                        b"numFmt" => level.format = val.unwrap_or_default(),
                        b"lvlText" => level.text = val.unwrap_or_default(),
                        _ => {}
                    }
                }
            },
            Node::Close(e) => match local_end(&e) {
                b"abstractNum" => {
                    if let Some((id, levels)) = abs.take() {
                        out.abstracts.insert(id, levels);
                    }
                }
                b"num" => {
                    if let Some((id, a, o)) = num.take() {
                        out.nums.insert(id, (a, o));
                    }
                }
                _ => {}
            },
            Node::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// The text of each footnote or endnote by its id (separators left out).
pub fn notes(bytes: &[u8], part: &str) -> Result<HashMap<String, String>, ImportError> {
    let mut x = Xml::new(bytes, part);
    let mut out = HashMap::new();
    let mut cur: Option<(String, String)> = None;
    let mut in_text = false;
    loop {
        match x.next()? {
            Node::Open(e) | Node::Empty(e) => match local(&e) {
                b"footnote" | b"endnote" => {
                    let separator = attr(&e, b"type").is_some_and(|t| t != "normal");
                    cur = attr(&e, b"id")
                        .filter(|_| !separator)
                        .map(|id| (id, String::new()));
                }
                b"t" => in_text = true,
                b"p" => {
                    if let Some((_, t)) = cur.as_mut()
                        && !t.is_empty()
                    {
                        t.push(' ');
                    }
                }
                _ => {}
            },
            Node::Close(e) => match local_end(&e) {
                b"t" => in_text = false,
                b"footnote" | b"endnote" => {
                    if let Some((id, t)) = cur.take() {
                        out.insert(id, t.trim().to_owned());
                    }
                }
                _ => {}
            },
            Node::Text(t) if in_text => {
                if let Some((_, s)) = cur.as_mut() {
                    s.push_str(&t);
                }
            }
            Node::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A list counter in the style of `format` (`decimal` 3 → `3`, `chineseCounting` 3 → `三`).
pub fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "chineseLegalSimplified"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "japaneseCounting" => chinese(n),
        "ideographTraditional" => "甲乙丙丁戊己庚辛壬癸"
            .chars()
            .nth((n.max(1) - 1) as usize % 10)
            .map(String::from)
            .unwrap_or_default(),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32('①' as u32 + n - 1)
                .map(String::from)
                .unwrap_or_default()
        }
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(crate::tidy::chars::widen)
            .collect(),
        "lowerLetter" => letter(n, b'a'),
        "upperLetter" => letter(n, b'A'),
        "lowerRoman" => roman(n).to_lowercase(),
        "upperRoman" => roman(n),
        "none" | "bullet" => String::new(),
        "decimalZero" if n < 10 => format!("0{n}"),
        _ => n.to_string(),
    }
}

/// 1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (larger as digits).
fn chinese(n: u32) -> String {
    const D: [&str; 10] = ["〇", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", D[(n % 10) as usize]),
        20..=99 if n.is_multiple_of(10) => format!("{}十", D[(n / 10) as usize]),
        20..=99 => format!("{}十{}", D[(n / 10) as usize], D[(n % 10) as usize]),
        _ => n.to_string(),
    }
}

fn letter(n: u32, base: u8) -> String {
    // `aa`, `bbb`… past 26; a hostile start value must not make a huge label.
    if n > 26 * 4 {
        return n.to_string();
    }
    let k = (n.max(1) - 1) % 26;
    let c = char::from(base + k as u8);
    c.to_string().repeat(((n.max(1) - 1) / 26 + 1) as usize)
}

fn roman(mut n: u32) -> String {
    const R: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (v, s) in R {
        while n >= v && out.len() < 20 {
            out.push_str(s);
            n -= v;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_word_formats() {
        assert_eq!(format_number(3, "decimal"), "3");
        assert_eq!(format_number(12, "chineseCounting"), "十二");
        assert_eq!(format_number(20, "chineseCountingThousand"), "二十");
        assert_eq!(format_number(2, "decimalEnclosedCircle"), "②");
        assert_eq!(format_number(28, "lowerLetter"), "bb");
        assert_eq!(format_number(14, "upperRoman"), "XIV");
        assert_eq!(format_number(5, "bullet"), "");
        assert_eq!(format_number(u32::MAX, "lowerLetter"), u32::MAX.to_string());
        assert!(format_number(u32::MAX, "upperRoman").len() <= 22);
    }

    #[test]
    fn targets_resolve_inside_the_zip() {
        assert_eq!(resolve("word", "media/image1.png"), "word/media/image1.png");
        assert_eq!(resolve("word", "../media/a.png"), "media/a.png");
        assert_eq!(resolve("word", "/word/media/b.png"), "word/media/b.png");
        assert_eq!(resolve("word", "../../../../etc/passwd"), "etc/passwd");
    }

    #[test]
    fn image_names_are_safe_and_unique() {
        let rel = |t: &str| Rel {
            kind: "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
                .into(),
            target: t.into(),
            external: false,
        };
        let rels = HashMap::from([
            ("rId1".to_owned(), rel("media/image1.PNG")),
            ("rId2".to_owned(), rel("media2/image1.png")),
            ("rId3".to_owned(), rel("media/../../x/图 片.jpeg")),
        ]);
        let names = image_names(&rels);
        assert_eq!(names["rId1"], "image1.png");
        assert_eq!(names["rId2"], "image1-2.png");
        assert_eq!(names["rId3"], "image.jpeg");
    }
}

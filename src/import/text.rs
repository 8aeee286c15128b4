//! Text files: `.txt` from Notepad or WPS (UTF-8 or GBK, any line ends)
//! and `.md` files, whose front matter, if any, gives the title and date.

use std::path::Path;

use crate::import::{Document, ImportError, Unit};
use crate::load::frontmatter::{date_from_scalar, parse_front, split};
use crate::read::decode::decode;
use crate::tidy::{Line, markdown};

/// Reads a text file's bytes; `md` for Markdown.
pub fn read(bytes: &[u8], path: &Path, md: bool) -> Result<Document, ImportError> {
    let decoded = decode(bytes, path);
    // The marks tidying uses inside are private-use characters: none come from a file.
    let text = decoded.text.replace(crate::tidy::inline::is_mark, "");
    if looks_binary(&text) {
        return Err(ImportError::Binary);
    }
    let mut doc = Document {
        markdown: md,
        unit: Unit::Line,
        ..Document::default()
    };
    if let Some(w) = decoded.warning {
        doc.notes.push(w.message);
    }
    if !md {
        doc.lines = Line::plain(&text);
        return Ok(doc);
    }
    let (body, first_line) = match split(&text, path) {
        Ok(Some(s)) => {
            if let Ok(front) = parse_front(&s, path, &text) {
                doc.title = front.title.map(|t| t.value.trim().to_owned());
                doc.date = front
                    .date
                    .and_then(|d| date_from_scalar(&d).ok())
                    .map(|d| (d.year, d.month, d.day));
            } else {
                doc.notes
                    .push("原文件的 front matter 有错误，没有采用".to_owned());
            }
            (s.body, s.body_line)
        }
        _ => (text.as_str(), 1),
    };
    doc.lines = markdown::scan(body, first_line);
    Ok(doc)
}

/// Control characters other than tabs and line ends in more than one in a
/// hundred characters: a binary file given the wrong name.
fn looks_binary(text: &str) -> bool {
    let total = text.chars().count().max(1);
    let control = text
        .chars()
        .filter(|&c| c.is_control() && !matches!(c, '\n' | '\t' | '\r' | '\u{c}'))
        .count();
    control * 100 > total
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_text_is_read_with_a_note() {
        let (gbk, _, _) = encoding_rs::GBK.encode("一、总体要求\r\n\r\n正文。\r\n");
        let doc = read(&gbk, Path::new("a.txt"), false).unwrap();
        assert_eq!(doc.lines.len(), 3);
        assert_eq!(doc.lines[0].text, "一、总体要求");
        assert_eq!(doc.lines[1].kind, crate::tidy::Kind::Break);
        assert!(doc.notes[0].contains("GBK"), "{:?}", doc.notes);
    }

    #[test]
    fn markdown_front_matter_gives_title_and_date() {
        let doc = read(
            "---\ntitle: 旧标题\ndate: 2024-05-06\n---\n\n正文。\n".as_bytes(),
            Path::new("a.md"),
            true,
        )
        .unwrap();
        assert_eq!(doc.title.as_deref(), Some("旧标题"));
        assert_eq!(doc.date, Some((2024, 5, 6)));
        assert_eq!(doc.lines.last().map(|l| l.at), Some(6));
    }

    #[test]
    fn binary_files_are_refused() {
        let bytes: Vec<u8> = (0u8..=255).cycle().take(4000).collect();
        assert!(matches!(
            read(&bytes, Path::new("a.txt"), false),
            Err(ImportError::Binary)
        ));
    }
}

//! Word documents (.docx): a zip of XML parts, read with bounded sizes.
//!
//! From `word/document.xml`: paragraphs (with heading styles or outline
//! levels), bold and italic runs, numbered and bulleted lists, tables,
//! footnote references and images; `styles.xml` says which styles are
//! headings, `numbering.xml` what list numbers look like, `footnotes.xml`
//! and `endnotes.xml` hold the notes, and the images come from `word/media/`.

mod body;
mod parts;
mod xml;

use std::collections::HashMap;
use std::io::{Cursor, Read};

use zip::ZipArchive;

use crate::import::{Attachment, Document, ImportError, Unit};

/// The most entries a document may have.
const MAX_ENTRIES: usize = 10_000;
/// The largest XML part read, uncompressed.
const MAX_PART: u64 = 64 * 1024 * 1024;
/// The largest image read, and all images together.
const MAX_IMAGE: u64 = 32 * 1024 * 1024;
const MAX_IMAGES: u64 = 128 * 1024 * 1024;

/// Reads a .docx file's bytes.
pub fn read(bytes: &[u8]) -> Result<Document, ImportError> {
    let mut zip = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::NotDocx(format!("不是 zip 压缩包：{e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(ImportError::NotDocx(format!("有 {} 个部件", zip.len())));
    }
    let document = part(&mut zip, "word/document.xml", MAX_PART)?
        .ok_or_else(|| ImportError::NotDocx("缺少 word/document.xml".into()))?;
    let rels = match part(&mut zip, "word/_rels/document.xml.rels", MAX_PART)? {
        Some(x) => parts::relationships(&x)?,
        None => HashMap::new(),
    };
    let styles = match part(&mut zip, "word/styles.xml", MAX_PART)? {
        Some(x) => parts::styles(&x)?,
        None => parts::Styles::default(),
    };
    let numbering = match part(&mut zip, "word/numbering.xml", MAX_PART)? {
        Some(x) => parts::numbering(&x)?,
        None => parts::Numbering::default(),
    };
    let mut notes = HashMap::new();
    for name in ["word/footnotes.xml", "word/endnotes.xml"] {
        if let Some(x) = part(&mut zip, name, MAX_PART)? {
            notes.extend(parts::notes(&x, name)?);
        }
    }
    let images = parts::image_names(&rels);
    let body = body::walk(&document, &styles, &numbering, &images, &notes)?;

    let mut doc = Document {
        lines: body.lines,
        unit: Unit::Paragraph,
        title: body.title,
        notes: body.remarks,
        ..Document::default()
    };
    let mut total = 0;
    for id in &body.images {
        let (Some(name), Some(rel)) = (images.get(id), rels.get(id)) else {
            continue;
        };
        if doc.attachments.iter().any(|a| &a.name == name) {
            continue;
        }
        let target = parts::resolve("word", &rel.target);
        match part(&mut zip, &target, MAX_IMAGE) {
            Ok(Some(bytes)) if total + bytes.len() as u64 <= MAX_IMAGES => {
                total += bytes.len() as u64;
                if name.ends_with(".emf") || name.ends_with(".wmf") {
                    doc.notes.push(format!(
                        "图片 {name} 是 Windows 图元文件，浏览器无法显示，建议在 Word 中另存为 PNG 后替换"
                    ));
                }
                doc.attachments.push(Attachment {
                    name: name.clone(),
                    bytes,
                });
            }
            Ok(Some(_)) | Err(ImportError::PartTooLarge { .. }) => {
                doc.notes.push(format!("图片 {name} 太大，没有导入"))
            }
            Ok(None) => doc
                .notes
                .push(format!("图片 {name} 在文档中找不到，没有导入")),
            Err(e) => return Err(e),
        }
    }
    Ok(doc)
}

/// A part's bytes, `None` if the document has no such part. Reads at most
/// `limit` bytes whatever the entry claims, so a zip bomb stops there.
fn part(
    zip: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, ImportError> {
    let entry = match zip.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(ImportError::NotDocx(format!("{name}：{e}"))),
    };
    if entry.size() > limit {
        return Err(ImportError::PartTooLarge {
            part: name.to_owned(),
            limit,
        });
    }
    let mut bytes = Vec::new();
    entry
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| ImportError::NotDocx(format!("{name}：{e}")))?;
    if bytes.len() as u64 > limit {
        return Err(ImportError::PartTooLarge {
            part: name.to_owned(),
            limit,
        });
    }
    Ok(Some(bytes))
}

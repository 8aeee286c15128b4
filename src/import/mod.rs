//! Reading received documents for `huiwen import`: Word files (.docx, and
//! .doc/.wps through LibreOffice), text files (.txt and .md, UTF-8 or GBK)
//! and web pages saved from a browser (.html, main text only). Each reader
//! gives [`Line`]s, the hints the format itself carries (a title
//! style, a page's `<title>`, a date in its meta data) and the images to
//! attach; [`meta`] guesses the front matter from the text.
//!
//! Every reader is bounded: files, zip entries and XML parts past a size
//! limit are refused with a message, never read whole.

pub mod docx;
pub mod html;
pub mod meta;
pub mod office;
pub mod text;

use std::path::Path;

use crate::tidy::dates::Ymd;
use crate::tidy::{Line, Source};

/// The largest input file read (text, HTML, or a Word file).
pub const MAX_FILE: u64 = 100 * 1024 * 1024;

/// A document as read, before tidying.
#[derive(Debug, Default)]
pub struct Document {
    pub lines: Vec<Line>,
    /// Whether the text lines are plain text or Markdown (an imported .md).
    pub markdown: bool,
    /// What a line number counts: lines of a file or paragraphs of a Word document.
    pub unit: Unit,
    /// The title the format marks (a Title style, `<title>`, front matter).
    pub title: Option<String>,
    /// A date the format carries (a page's publication time, front matter).
    pub date: Option<Ymd>,
    /// Files to put beside the report (images of a Word document or page).
    pub attachments: Vec<Attachment>,
    /// What the reader left out or noticed, for the user.
    pub notes: Vec<String>,
}

impl Document {
    pub fn source(&self) -> Source {
        if self.markdown {
            Source::Markdown
        } else {
            Source::Plain
        }
    }
}

/// What a position in a document counts.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    #[default]
    Line,
    Paragraph,
}

impl Unit {
    /// `第 3 行`, `第 3 段`.
    pub fn at(self, n: usize) -> String {
        match self {
            Unit::Line => format!("第 {n} 行"),
            Unit::Paragraph => format!("第 {n} 段"),
        }
    }
}

/// A file to attach, by the name the report links it with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why a document could not be read. The messages are for the person
/// importing: what is wrong and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("无法读取文件：{0}")]
    Io(#[from] std::io::Error),
    #[error("文件是空的")]
    Empty,
    #[error("文件有 {size} 字节，超过了 {limit} 字节的上限；请拆分后再导入")]
    TooLarge { size: u64, limit: u64 },
    #[error("不支持 .{0} 文件；可以导入 .docx、.doc、.wps、.txt、.md 和 .html")]
    Unsupported(String),
    #[error("不是有效的 Word 文档（{0}）；请用 Word 或 WPS 打开后另存为 .docx 再导入")]
    NotDocx(String),
    #[error("Word 文档中的 {part} 解压后超过 {limit} 字节，可能已损坏或是恶意文件，没有导入")]
    PartTooLarge { part: String, limit: u64 },
    #[error(
        "Word 文档中的 {part} 无法解析（{message}）；请用 Word 或 WPS 打开后另存为 .docx 再导入"
    )]
    Xml { part: String, message: String },
    #[error(
        "网页的元素嵌套超过 {limit} 层，不像正常网页，没有导入；请在浏览器中打开它，复制正文粘贴到 .txt 文件再导入"
    )]
    TooDeep { limit: usize },
    #[error(
        "文件看起来不是文本（含有大量控制字符）；如果是 Word 或 PDF，请另存为 .docx 或复制文字到 .txt 再导入"
    )]
    Binary,
    #[error(
        "读取 .{ext} 文件需要 LibreOffice，但本机没有找到 soffice 命令。请用 Word 或 WPS 打开这个文件，选择“文件 → 另存为”，保存类型选“Word 文档 (*.docx)”，再导入 .docx 文件；或安装 LibreOffice（Debian/Ubuntu：apt-get install libreoffice-writer-nogui）后重试"
    )]
    NoOffice { ext: String },
    #[error("LibreOffice 转换失败：{0}；请用 Word 或 WPS 打开这个文件另存为 .docx 再导入")]
    Office(String),
}

/// Reads `path` by its extension.
pub fn read(path: &Path) -> Result<Document, ImportError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    match ext.as_str() {
        "docx" => docx::read(&read_bounded(path)?),
        "doc" | "wps" => {
            let converted = office::to_docx(path, &ext)?;
            let mut doc = docx::read(&converted)?;
            doc.notes
                .push(format!("已用 LibreOffice 把 .{ext} 转换为 .docx 后读取"));
            Ok(doc)
        }
        "txt" | "text" => text::read(&read_bounded(path)?, path, false),
        "md" | "markdown" => text::read(&read_bounded(path)?, path, true),
        "html" | "htm" | "xhtml" => html::read(&read_bounded(path)?, path),
        _ => Err(ImportError::Unsupported(ext)),
    }
}

/// The bytes of a file no larger than [`MAX_FILE`].
fn read_bounded(path: &Path) -> Result<Vec<u8>, ImportError> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    let mut bytes = Vec::new();
    // The size is checked on what is read too: a file may grow meanwhile.
    file.take(MAX_FILE + 1).read_to_end(&mut bytes)?;
    if size > MAX_FILE || bytes.len() as u64 > MAX_FILE {
        return Err(ImportError::TooLarge {
            size: size.max(bytes.len() as u64),
            limit: MAX_FILE,
        });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    Ok(bytes)
}

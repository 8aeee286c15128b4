//! The readers of `huiwen import` on documents built here: Word files in
//! the ways WPS and Word write them (style names in Chinese, numbering Word
//! adds itself, tracked changes, fields, merged cells), and hostile input of
//! every kind (not a zip, zip bombs, XML nested or huge, binary text,
//! empty files, pages nested thousands deep): never a panic, never a hang,
//! always a message.

use std::io::Write;
use std::time::{Duration, Instant};

use huiwen::import::{self, ImportError};
use huiwen::tidy::junk::Matcher;
use huiwen::tidy::{self, Options, Source};
use zip::write::SimpleFileOptions;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A .docx with `body` inside `<w:body>` and the other parts given.
fn docx(body: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = SimpleFileOptions::default();
    let doc = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"{W}\" xmlns:r=\"{R}\" xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\"><w:body>{body}</w:body></w:document>"
    );
    z.start_file("[Content_Types].xml", opts).expect("zip");
    z.write_all(b"<?xml version=\"1.0\"?><Types/>")
        .expect("zip");
    z.start_file("word/document.xml", opts).expect("zip");
    z.write_all(doc.as_bytes()).expect("zip");
    for (name, bytes) in parts {
        z.start_file(*name, opts).expect("zip");
        z.write_all(bytes).expect("zip");
    }
    z.finish().expect("zip");
    buf.into_inner()
}

fn p(style: Option<&str>, num: Option<(u8, u8)>, runs: &str) -> String {
    let style = style
        .map(|s| format!("<w:pStyle w:val=\"{s}\"/>"))
        .unwrap_or_default();
    let num = num
        .map(|(id, l)| {
            format!("<w:numPr><w:ilvl w:val=\"{l}\"/><w:numId w:val=\"{id}\"/></w:numPr>")
        })
        .unwrap_or_default();
    format!("<w:p><w:pPr>{style}{num}</w:pPr>{runs}</w:p>")
}

fn r(text: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
}

fn bold(text: &str) -> String {
    format!("<w:r><w:rPr><w:b/></w:rPr><w:t>{text}</w:t></w:r>")
}

/// Reads and tidies a .docx given as bytes, as `huiwen import` does.
fn markdown_of(bytes: &[u8]) -> String {
    let doc = import::docx::read(bytes).expect("readable");
    let titles: Vec<String> = doc.title.clone().into_iter().collect();
    tidy::tidy(
        doc.lines,
        &Options {
            source: Source::Plain,
            titles: &titles,
            junk: Matcher::builtin(),
        },
    )
    .markdown
}

const WPS_STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:style w:type="paragraph" w:styleId="1"><w:name w:val="标题 1"/></w:style>
<w:style w:type="paragraph" w:styleId="2"><w:name w:val="标题 2"/><w:basedOn w:val="1"/></w:style>
<w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="body"><w:name w:val="正文缩进"/><w:basedOn w:val="body"/></w:style>
</w:styles>"#;

const CHINESE_NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimalEnclosedCircle"/><w:lvlText w:val="%1"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
</w:numbering>"#;

#[test]
fn wps_styles_word_numbering_and_tracked_changes() {
    let body = [
        p(Some("a3"), None, &r("河口镇教育工作年度总结")),
        p(Some("1"), Some((1, 0)), &r("主要工作")),
        p(Some("2"), Some((1, 1)), &r("办学条件")),
        p(None, None, &format!("{}<w:del><w:r><w:delText>删掉的字</w:delText></w:r></w:del><w:ins>{}</w:ins>{}", r("新建教学楼一栋"), r("，新增学位300个"), r("。"))),
        p(Some("2"), Some((1, 1)), &r("教师队伍")),
        p(None, None, &format!("{}{}<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE \\* MERGEFORMAT</w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>{}<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>{}", bold("（三）落实责任。"), r("层层签订责任书，第"), r("3"), r("季度完成考核。"))),
        p(Some("1"), Some((1, 0)), &r("存在问题")),
        p(None, Some((2, 0)), &r("经费不足；")),
        p(None, Some((2, 0)), &r("师资短缺。")),
        p(None, None, &r("**市的做法值得学习；# 不是标题；&lt;b&gt;不是HTML&lt;/b&gt;\u{F8F0}")),
        "<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"2\"/></w:tcPr><w:p><w:r><w:t>学校|名称</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>人数</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p></w:tc><w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>乙</w:t></w:r></w:p><w:p><w:r><w:t>丙</w:t></w:r></w:p></w:tc><w:tc><w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>嵌套</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:p></w:tc></w:tr></w:tbl>".to_owned(),
        p(None, None, "<w:r><w:drawing><wp:docPr id=\"1\" name=\"外链\"/><a:blip r:embed=\"rIdX\"/></w:drawing></w:r>"),
    ]
    .concat();
    let rels = format!(
        "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rIdX\" Type=\"{R}/image\" Target=\"http://example.com/a.png\" TargetMode=\"External\"/></Relationships>"
    );
    let bytes = docx(
        &body,
        &[
            ("word/styles.xml", WPS_STYLES.as_bytes()),
            ("word/numbering.xml", CHINESE_NUMBERING.as_bytes()),
            ("word/_rels/document.xml.rels", rels.as_bytes()),
        ],
    );
    let doc = import::docx::read(&bytes).expect("readable");
    assert_eq!(doc.title.as_deref(), Some("河口镇教育工作年度总结"));
    assert!(
        doc.attachments.is_empty(),
        "external images are not fetched"
    );
    let md = markdown_of(&bytes);
    let expected = "## 一、主要工作\n\n### （一）办学条件\n\n新建教学楼一栋，新增学位300个。\n\n### （二）教师队伍\n\n### （三）落实责任\n\n层层签订责任书，第3季度完成考核。\n\n## 二、存在问题\n\n1. 经费不足；\n2. 师资短缺。\n\n\\*\\*市的做法值得学习；# 不是标题；\\<b>不是HTML\\</b>\n\n| 学校\\|名称 |   | 人数 |\n| --- | --- | --- |\n| 甲 | 乙<br>丙 | 嵌套 |\n";
    assert_eq!(md, expected);
}

#[test]
fn documents_without_styles_or_numbering_still_read() {
    let bytes = docx(
        &[
            p(None, None, &r("一、总体要求")),
            p(None, None, &r("坚持以人民为中心。")),
        ]
        .concat(),
        &[],
    );
    assert_eq!(
        markdown_of(&bytes),
        "## 一、总体要求\n\n坚持以人民为中心。\n"
    );
}

fn read_err(bytes: &[u8], name: &str) -> ImportError {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    let start = Instant::now();
    let r = import::read(&path);
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{name} took {:?}",
        start.elapsed()
    );
    match r {
        Err(e) => e,
        Ok(d) => panic!("{name} was read: {} lines", d.lines.len()),
    }
}

#[test]
fn broken_and_hostile_word_files_give_messages() {
    let e = read_err(b"PK\x03\x04 not really a zip at all", "a.docx");
    assert!(
        matches!(e, ImportError::NotDocx(_)) && e.to_string().contains("另存为 .docx"),
        "{e}"
    );
    let e = read_err(&[0u8; 0], "empty.docx");
    assert!(matches!(e, ImportError::Empty), "{e}");

    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    z.start_file("word/other.xml", SimpleFileOptions::default())
        .expect("zip");
    z.finish().expect("zip");
    let e = read_err(buf.get_ref(), "no-body.docx");
    assert!(e.to_string().contains("word/document.xml"), "{e}");

    // A zip bomb: 70 MiB of one letter in a few hundred kilobytes.
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = SimpleFileOptions::default().large_file(true);
    z.start_file("word/document.xml", opts).expect("zip");
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..70 {
        z.write_all(&chunk).expect("zip");
    }
    z.finish().expect("zip");
    assert!(buf.get_ref().len() < 1 << 20);
    let e = read_err(buf.get_ref(), "bomb.docx");
    assert!(matches!(e, ImportError::PartTooLarge { .. }), "{e}");
    assert!(e.to_string().contains("解压后超过"), "{e}");

    // XML nested deeper than any document.
    let deep = format!("{}{}", "<w:p>".repeat(1000), "</w:p>".repeat(1000));
    let e = read_err(&docx(&deep, &[]), "deep.docx");
    assert!(e.to_string().contains("嵌套"), "{e}");
    // Broken XML.
    let e = read_err(
        &docx("<w:p><w:r><w:t>未闭合</w:r></w:p>", &[]),
        "broken.docx",
    );
    assert!(
        matches!(e, ImportError::Xml { .. }) && e.to_string().contains("word/document.xml"),
        "{e}"
    );
}

#[test]
fn huge_paragraphs_and_oversized_images_are_bounded() {
    let long = "教育".repeat(1_000_000);
    let start = Instant::now();
    let bytes = docx(&p(None, None, &r(&format!("{long}。"))), &[]);
    let md = markdown_of(&bytes);
    assert_eq!(md.chars().count(), 2_000_002);
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );

    let rels = format!(
        "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"{R}/image\" Target=\"media/big.png\"/></Relationships>"
    );
    let big = vec![0u8; 33 << 20];
    let bytes = docx(
        &p(
            None,
            None,
            "<w:r><w:drawing><a:blip r:embed=\"rId1\"/></w:drawing></w:r>",
        ),
        &[
            ("word/_rels/document.xml.rels", rels.as_bytes()),
            ("word/media/big.png", &big),
        ],
    );
    let doc = import::docx::read(&bytes).expect("readable");
    assert!(doc.attachments.is_empty());
    assert!(
        doc.notes
            .iter()
            .any(|n| n.contains("big.png") && n.contains("太大")),
        "{:?}",
        doc.notes
    );
}

#[test]
fn hostile_text_and_pages_never_panic_or_hang() {
    for name in ["a.txt", "a.md", "a.html"] {
        assert!(matches!(read_err(b"", name), ImportError::Empty));
        assert!(matches!(read_err(b" \n\r\n\t", name), ImportError::Empty));
    }
    let binary: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 32) as u8).collect();
    assert!(matches!(read_err(&binary, "a.txt"), ImportError::Binary));
    assert!(matches!(
        read_err(b"x", "a.pdf"),
        ImportError::Unsupported(_)
    ));

    let dir = tempfile::tempdir().expect("tmp");
    let read = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let start = Instant::now();
        let doc = import::read(&path);
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{name}: {:?}",
            start.elapsed()
        );
        doc
    };
    // Bytes that are not UTF-8: read as GB18030, with a note.
    let mojibake: Vec<u8> = (0..3000u32).map(|i| 0x80 + (i * 13 % 0x7f) as u8).collect();
    let doc = read("mojibake.txt", &mojibake).expect("read");
    assert!(
        doc.notes.iter().any(|n| n.contains("GBK")),
        "{:?}",
        doc.notes
    );
    // Pages nested far deeper than any real one are refused at once; as
    // deep as the limit allows, they are read.
    let divs = |n: usize| {
        format!(
            "<body>{}正文。{}</body>",
            "<div>".repeat(n),
            "</div>".repeat(n)
        )
    };
    let doc = read("divs.html", divs(1900).as_bytes()).expect("read");
    assert!(doc.lines.iter().any(|l| l.text == "正文。"));
    assert!(matches!(
        read("deep.html", divs(100_000).as_bytes()),
        Err(ImportError::TooDeep { .. })
    ));
    let tables = format!("<body>{}表格。</body>", "<table><tr><td>".repeat(100_000));
    assert!(matches!(
        read("tables.html", tables.as_bytes()),
        Err(ImportError::TooDeep { .. })
    ));
    let spans = format!("<body><p>{}</p></body>", "<b><i>字".repeat(50_000));
    assert!(matches!(
        read("spans.html", spans.as_bytes()),
        Err(ImportError::TooDeep { .. })
    ));
    // Many unclosed paragraphs and cells are normal, not deep.
    let cells = format!(
        "<body><table>{}</table></body>",
        "<tr><td>格<td>子".repeat(20_000)
    );
    read("cells.html", cells.as_bytes()).expect("read");
    // Pages larger than any real one are refused.
    let huge = vec![b'a'; 21 << 20];
    assert!(matches!(
        read("huge.html", &huge),
        Err(ImportError::TooLarge { .. })
    ));
    // A Markdown file with broken front matter is read with a note.
    let doc = read(
        "broken.md",
        "---\ntitle: [未闭合\n---\n\n正文。\n".as_bytes(),
    )
    .expect("read");
    assert!(
        doc.notes.iter().any(|n| n.contains("front matter")),
        "{:?}",
        doc.notes
    );
    // Marks the readers use inside are never taken from the input.
    let doc = read(
        "marks.html",
        "<p>a\u{F8F0}b\u{F8F2}1\u{F8F3}c</p>".as_bytes(),
    )
    .expect("read");
    assert!(
        doc.lines
            .iter()
            .all(|l| !l.text.contains(huiwen::tidy::inline::is_mark))
    );
    let doc = read("marks.txt", "a\u{F8F0}b\u{F8F2}1\u{F8F3}c\n".as_bytes()).expect("read");
    assert!(
        doc.lines
            .iter()
            .all(|l| !l.text.contains(huiwen::tidy::inline::is_mark))
    );
}

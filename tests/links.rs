//! Links between content files, attachments, and broken links as errors.

mod common;

use common::TempSite;

fn site() -> TempSite {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2024/old.md",
        "---\ntitle: 旧报告\ndate: 2024-05-01\n---\n\n## 一、工作背景\n\n正文。\n",
    );
    s.write(
        "content/towns/more.yaml",
        "- id: town-b\n  name: 乙镇\n  level: 县级\n- id: town-c\n  name: 丙镇\n  level: 市级\n",
    );
    s.write_bytes("content/images/图表.png", b"\x89PNG\r\n\x1a\n");
    s.write(
        "content/reports/2025/bundle/index.md",
        "---\ntitle: 带附件\ndate: 2025-06-01\n---\n\n见[附件](附件1.pdf)。\n",
    );
    s.write_bytes("content/reports/2025/bundle/附件1.pdf", b"%PDF-1.4\n");
    s
}

fn report(s: &TempSite, body: &str) {
    s.write(
        "content/reports/2025/links.md",
        &format!("---\ntitle: 链接\ndate: 2025-03-01\n---\n\n{body}\n"),
    );
}

#[test]
fn links_to_content_files_become_page_links() {
    let s = site();
    report(
        &s,
        "[旧](../2024/old.md)、[背景](../2024/old.md#一工作背景)、[甲镇](../../towns/a.yaml)、\
         [丙镇](../../towns/more.yaml#town-c)、![图](../../images/图表.png)、[外部](https://example.org/x.md)、[本页](#top)",
    );
    s.build_ok();
    let html = s.page("reports/2025/links");
    for href in [
        "href=\"../../../reports/2024/old/index.html\"",
        "href=\"../../../reports/2024/old/index.html#%E4%B8%80%E5%B7%A5%E4%BD%9C%E8%83%8C%E6%99%AF\"",
        "href=\"../../../towns/town-a/index.html\"",
        "href=\"../../../towns/town-c/index.html\"",
        "https://example.org/x.md",
        "href=\"#top\"",
    ] {
        assert!(html.contains(href), "missing {href}");
    }
    assert!(
        html.contains("src=\"../../../images/%E5%9B%BE%E8%A1%A8.png\""),
        "image link"
    );
    assert!(s.out().join("images/图表.png").is_file());
    let bundle = s.page("reports/2025/bundle");
    assert!(
        bundle.contains("href=\"%E9%99%84%E4%BB%B61.pdf\""),
        "attachment link stays beside the page"
    );
    assert!(s.out().join("reports/2025/bundle/附件1.pdf").is_file());
    assert!(bundle.contains("class=\"attachments\"") && bundle.contains("附件1.pdf"));
}

#[test]
fn broken_links_are_errors_with_file_and_line() {
    let cases = [
        ("[缺](../2024/missing.md)", "missing.md"),
        ("[锚](../2024/old.md#没有这个标题)", "没有这个标题"),
        ("[多](../../towns/more.yaml)", "#id"),
        ("[错](../../towns/more.yaml#town-z)", "town-z"),
        ("[附件](附件2.pdf)", "附件2.pdf"),
        ("[外](../../../../etc/passwd)", "之外"),
    ];
    for (link, needle) in cases {
        let s = site();
        report(&s, &format!("第一段。\n\n第二段 {link}"));
        let (d, text) = s.build_err();
        let errs: Vec<_> = d.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errs.len(), 1, "{link}: {text}");
        assert!(
            errs[0].file.ends_with("content/reports/2025/links.md"),
            "{text}"
        );
        assert_eq!(errs[0].pos.unwrap().line, 8, "{link}: {text}");
        assert!(errs[0].message.contains(needle), "{link}: {text}");
    }
}

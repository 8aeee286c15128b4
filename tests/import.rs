//! `huiwen import`: each kind of received document (a .docx written by
//! LibreOffice, a .doc through LibreOffice, a GBK text file, PDF-style
//! broken text, a saved web page) into a draft report, checked in the
//! written Markdown and in the page the build makes of it; every removed
//! line reported; tidying an import changes nothing.

mod browser;
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{REPO, TempSite, run};
use huiwen::BuildOptions;

fn fixture(name: &str) -> PathBuf {
    Path::new(REPO).join("tests/fixtures/import").join(name)
}

/// Imports `file` into the sample site; returns the report written and the printed report.
fn import(s: &TempSite, file: &Path) -> (PathBuf, String) {
    let o = run(&["import", file.to_str().expect("path")], s.root());
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    let line = err.lines().next().expect("a report line");
    let rel = line
        .split(" → ")
        .nth(1)
        .and_then(|r| r.split('（').next())
        .expect("target in the report");
    (s.root().join(rel), err)
}

/// Builds with drafts and returns the report's page.
fn page_of(s: &TempSite, md: &Path) -> String {
    let (r, d) = huiwen::build(&BuildOptions {
        root: s.root().to_path_buf(),
        drafts: true,
        ..Default::default()
    });
    let text: Vec<String> = d.sorted().iter().map(|x| x.to_string()).collect();
    assert!(r.is_ok(), "build failed:\n{}", text.join("\n"));
    // No warning about the imported report: no residue, no lost structure.
    let rel = md.strip_prefix(s.root()).expect("inside the site");
    let about: Vec<&String> = text
        .iter()
        .filter(|t| t.contains(&*rel.to_string_lossy()))
        .collect();
    assert!(about.is_empty(), "{about:#?}");
    let dir = rel
        .strip_prefix("content")
        .expect("content")
        .with_extension("");
    let dir = if dir.ends_with("index") {
        dir.parent().expect("folder").to_path_buf()
    } else {
        dir
    };
    s.page(&dir.to_string_lossy())
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

/// The report's text between `<div class="prose">` and its end.
fn prose(page: &str) -> &str {
    let start = page.find("<div class=\"prose\">").expect("prose");
    let end = page[start..]
        .find("\n  </div>")
        .map_or(page.len(), |e| start + e);
    &page[start..end]
}

#[test]
fn office_written_docx_becomes_a_report_with_its_structure() {
    let s = TempSite::sample();
    let (md_path, report) = import(&s, &fixture("office-written.docx"));
    assert!(
        md_path.ends_with("index.md"),
        "images make a folder report: {md_path:?}"
    );
    let md = fs::read_to_string(&md_path).expect("written");
    for want in [
        "title: \"桃源镇“一镇一品”特色项目建设经验交流——在2024年全市强镇筑基推进会上的发言\"",
        "date: 2024-11-20\n",
        "author: \"桃源镇中心学校\"",
        "kind: \"会议发言\"", // the kind the sample site already uses for speeches
        "towns: [taoyuan]",
        "alliances: [liu-xiaoyan-math]",
        "draft: true",
        "## 一、找准定位，选好特色项目\n",
        "### （一）摸清底数\n",
        "## 三、下一步打算\n", // a bold paragraph with a number, no heading style
        "- 桃源中学的乡土劳动课程；\n",
        "1. 与刘晓燕初中数学乡村名师工作室结对，每学期送教下乡4次；\n",
        "| 年度 | 教师数 | 送教下乡次数 |\n| --- | --- | --- |\n| 2022 | 52 | 12 |",
        "![送教下乡次数](image1.png)",
        "形成调研报告12份[^1]，",
        "[^1]: 调研报告目录见《桃源镇学校调研汇编（2024）》。",
        "在\\*\\*区教育局的指导下，坚持“**一镇一点、专项突破**”的思路",
        "作为强镇筑基的*突破口*",
        "用3\\~5年时间",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    // The title and its subtitle are in the front matter, not the text.
    assert!(!md[md.find("\n---\n").expect("end of front matter")..].contains("推进会上的发言"));
    let image = fs::read(md_path.with_file_name("image1.png")).expect("attachment");
    assert!(image.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert!(report.contains("附件：image1.png"), "{report}");

    let page = page_of(&s, &md_path);
    let body = prose(&page);
    assert_eq!(count(body, "<h2"), 3, "{body}");
    assert_eq!(count(body, "<h3"), 2, "{body}");
    assert!(page.contains("class=\"toc\""), "a table of contents");
    for h in [
        "一、找准定位，选好特色项目",
        "（一）摸清底数",
        "（二）确定项目",
        "二、整合资源，建强师资队伍",
        "三、下一步打算",
    ] {
        assert!(
            page.contains(&format!("\">{h}</a></li>")),
            "{h} in the 目录"
        );
    }
    assert!(
        body.contains("<table>") && count(body, "<tr>") == 4,
        "{body}"
    );
    assert!(
        body.contains("<img src=\"image1.png\" alt=\"送教下乡次数\""),
        "{body}"
    );
    assert!(
        s.out()
            .join("reports/2024")
            .read_dir()
            .expect("year")
            .flatten()
            .any(|d| d.path().join("image1.png").is_file())
    );
    assert!(
        body.contains("在**区教育局的指导下"),
        "anonymised names stay literal"
    );
    assert!(
        body.contains("<strong>一镇一点、专项突破</strong>") && body.contains("<em>突破口</em>")
    );
    assert!(body.contains("3~5年") && !body.contains("<del>"));
    assert_eq!(count(body, "<ol>"), 1);
    assert_eq!(count(body, "<ul>"), 1);
    assert!(page.contains("footnote-definition"), "{body}");
    assert!(page.contains(
        "<h1>桃源镇“一镇一品”特色项目建设经验交流——在2024年全市强镇筑基推进会上的发言</h1>"
    ));
    assert!(page.contains("2024-11-20") && page.contains("<dd>桃源镇中心学校</dd>"));
}

#[test]
fn pdf_copies_are_joined_and_their_page_furniture_removed() {
    let s = TempSite::sample();
    let src = fixture("pdf-broken.txt");
    let (md_path, report) = import(&s, &src);
    let md = fs::read_to_string(&md_path).expect("written");
    for want in [
        "title: \"在全市乡村教育振兴推进会上的发言\"",
        "kind: \"会议发言\"",
        "各位领导，同志们：\n\n近年来，\\*\\*区坚持把乡村教育振兴作为教育工作的重中之重，",
        "## 一、建强队伍，让乡村教师留得住\n\n### （一）完善激励机制\n\n我们落实乡村教师生活补助政策，",
        // One paragraph across the page break (page number and counter removed).
        "对在乡村学校任教满十年的教师优先晋升。三年来，乡村教师流失率由8.5%下降到2.1%，一批骨干教师",
        "## 二、办好特色，让乡村学校强起来",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    for junk in ["购物车", "我的足迹", "VIP", "- 2 -", "第 2 页", "预览"] {
        assert!(!md.contains(junk), "{junk} left in\n{md}");
    }
    for line in [
        "第 1 行  购物车",
        "第 3 行  加入VIP免费下载 立即下载",
        "第 18 行  - 2 -",
        "第 20 行  第 2 页 共 3 页",
        "第 32 行  预览已结束",
    ] {
        assert!(report.contains(line), "{line} not reported:\n{report}");
    }
    every_removed_line_is_reported(&src, &md, &report, "行");

    let page = page_of(&s, &md_path);
    let body = prose(&page);
    assert_eq!((count(body, "<h2"), count(body, "<h3")), (2, 2), "{body}");
    // Paragraphs: the signature line, the salutation, the introduction, the
    // two subsections' texts and the closing one.
    assert_eq!(count(body, "<p>"), 6, "{body}");
    assert!(body.contains("近年来，**区坚持"));
}

#[test]
fn gbk_text_with_one_paragraph_a_line() {
    let s = TempSite::sample();
    let src = fixture("plan-gbk.txt");
    let (md_path, report) = import(&s, &src);
    let md = fs::read_to_string(&md_path).expect("written");
    for want in [
        "title: \"XX区教育局2025年教育工作要点\"",
        "date: 2025-01-10\n", // 二〇二五年一月十日
        "kind: \"工作要点\"",
        "## 一、推进义务教育优质均衡\n\n### （一）优化学校布局\n",
        "1. 每个联合体至少开展4次联合教研；\n2. 骨干教师交流比例不低于15%；\n3. 成员学校教学质量整体提升。\n",
        "\\#教育强镇#主题征文活动同步启动",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    for junk in ["小編", "威尼斯人", "预览", "zhangsan"] {
        assert!(!md.contains(junk), "{junk} left in\n{md}");
    }
    assert!(report.contains("GBK"), "{report}");
    assert!(report.contains("占位符“XX”"), "{report}");
    every_removed_line_is_reported(&src, &md, &report, "行");

    let page = page_of(&s, &md_path);
    let body = prose(&page);
    assert_eq!((count(body, "<h2"), count(body, "<h3")), (2, 3), "{body}");
    assert_eq!(count(body, "<li>"), 3);
    assert!(body.contains("<p>#教育强镇#主题征文活动同步启动"), "{body}");
}

#[test]
fn saved_web_pages_give_their_main_text() {
    let s = TempSite::sample();
    let (md_path, report) = import(&s, &fixture("web-saved.html"));
    let md = fs::read_to_string(&md_path).expect("written");
    for want in [
        "title: \"石门镇“送教下乡”工作经验交流材料\"",
        "date: 2024-06-18\n",
        "towns: [shimen]",
        "## 一、建立机制，让送教有章可循\n\n### （一）定期送教\n\n工作室每学期到镇中心校",
        "### （二）按需送教\n\n送教前先调研，教师缺什么就送什么，做到“菜单式”服务。",
        "| 2024 | 18 | 235 |",
        "![送教次数](chart-1.png)",
        "让\\*\\*市的乡村教师",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    for junk in [
        "首页",
        "购物车",
        "小编",
        "威尼斯人",
        "推荐访问",
        "相关文章",
        "Copyright",
        "范文推荐",
    ] {
        assert!(!md.contains(junk), "{junk} left in\n{md}");
    }
    assert!(report.contains("网页正文之外的"), "{report}");
    assert!(
        report.contains("ad-banner.gif"),
        "remote images are noted: {report}"
    );
    let page = page_of(&s, &md_path);
    let body = prose(&page);
    assert_eq!((count(body, "<h2"), count(body, "<h3")), (2, 2), "{body}");
    assert!(body.contains("<img src=\"chart-1.png\""));
    assert!(md_path.with_file_name("chart-1.png").is_file());
}

#[test]
fn old_word_files_go_through_libreoffice() {
    if !browser::require(
        browser::find_in_path("soffice").is_some(),
        "soffice",
        "libreoffice-writer-nogui",
    ) {
        return;
    }
    let s = TempSite::sample();
    let (md_path, report) = import(&s, &fixture("office-written.doc"));
    let md = fs::read_to_string(&md_path).expect("written");
    assert!(report.contains("LibreOffice"), "{report}");
    for want in [
        "## 一、找准定位，选好特色项目",
        "### （一）摸清底数",
        "| 2023 | 55 | 16 |",
        "![",
        "[^1]:",
    ] {
        assert!(md.contains(want), "missing {want:?} in\n{md}");
    }
    page_of(&s, &md_path);
}

#[test]
fn without_libreoffice_a_doc_file_gets_a_clear_message() {
    let s = TempSite::minimal();
    let o = Command::new(env!("CARGO_BIN_EXE_huiwen"))
        .args([
            "import",
            fixture("office-written.doc").to_str().expect("path"),
        ])
        .current_dir(s.root())
        .env("PATH", "")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("office-written.doc") && err.contains("LibreOffice"),
        "{err}"
    );
    assert!(
        err.contains("另存为") && err.contains("Word 文档 (*.docx)"),
        "{err}"
    );
}

#[test]
fn dry_runs_write_nothing_and_imports_never_overwrite() {
    let s = TempSite::minimal();
    let src = fixture("pdf-broken.txt");
    let o = run(
        &["import", "--dry-run", src.to_str().expect("path")],
        s.root(),
    );
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("---\ntitle: "));
    assert!(!s.root().join("content/reports/2030").exists());
    let args = [
        "import",
        "--year",
        "2030",
        "--kind",
        "交流发言",
        src.to_str().expect("path"),
    ];
    assert!(run(&args, s.root()).status.success());
    assert!(run(&args, s.root()).status.success());
    let dir = s.root().join("content/reports/2030");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("written")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "zai-quan-shi-xiang-cun-jiao-yu-zhen-xing-tui-jin-hui-shang-2.md",
            "zai-quan-shi-xiang-cun-jiao-yu-zhen-xing-tui-jin-hui-shang.md"
        ]
    );
    let md = fs::read_to_string(dir.join(&names[1])).expect("read");
    assert!(md.contains("kind: \"交流发言\""));
    let to = s.root().join("收件");
    let o = run(
        &[
            "import",
            "--to",
            to.to_str().expect("path"),
            src.to_str().expect("path"),
        ],
        s.root(),
    );
    assert!(o.status.success());
    assert_eq!(fs::read_dir(&to).expect("--to folder").count(), 1);
}

#[test]
fn tidying_an_imported_report_changes_nothing() {
    let s = TempSite::sample();
    for f in [
        "office-written.docx",
        "pdf-broken.txt",
        "plan-gbk.txt",
        "web-saved.html",
    ] {
        let (md_path, _) = import(&s, &fixture(f));
        let o = run(
            &["tidy", "--check", md_path.to_str().expect("path")],
            s.root(),
        );
        assert!(
            o.status.success(),
            "{f}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// Every line of the source whose words are not in the output is in the report.
fn every_removed_line_is_reported(src: &Path, md: &str, report: &str, unit: &str) {
    let bytes = fs::read(src).expect("source");
    let text = huiwen::read::decode::decode(&bytes, src).text;
    let words = |s: &str| -> String { s.chars().filter(|c| c.is_alphanumeric()).collect() };
    let out = words(md);
    for (i, line) in text.lines().enumerate() {
        let w = words(line);
        if !w.is_empty() && !out.contains(&w) {
            let tag = format!("第 {} {unit}", i + 1);
            assert!(
                report.contains(&tag),
                "line {} ({line}) went without a report:\n{report}",
                i + 1
            );
        }
    }
}

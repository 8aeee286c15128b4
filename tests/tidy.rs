//! `huiwen tidy` on reports already in `content/`, and what the build reads
//! with the same rules: the residue warnings (every class, Simplified and
//! Traditional), the warning about paragraphs that lost their structure,
//! and summaries that are never residue or the title.

mod common;

use std::fs;

use common::{TempSite, run};
use proptest::prelude::*;

const FRONT: &str = "---\ntitle: 在全市教育工作会议上的交流发言\ndate: 2025-02-15\nkind: 会议发言\ntowns: [hekou]\n---\n";

const PARA: &str = "我们把全县乡村小学划分为九个联片教研片区，每个片区确定一所中心校牵头，每月开展一次联片教研活动，河口镇中心小学每学期派出骨干教师驻校指导。三年来，共开展联片教研活动一百余次，参与教师两千余人次。";

/// A report pasted from the web: shop chrome, the title again, one
/// paragraph per line with heading numbers, PDF spaces, `**市`.
fn pasted_body() -> String {
    let para = PARA;
    format!(
        "\n购物车 我的足迹\n在全市教育工作会议上的交流发言\n各位领导,同志们:\n近年来,**市持续深化改革,按照“强镇引 领、亮点带动”思路推进。\n一、抓住关键少数\n{para}\n（一）用好校长共同体\n{para}\n第 2 页 共 5 页\n{para}\n"
    )
}

#[test]
fn tidy_rewrites_a_pasted_report_in_place_with_a_backup() {
    let s = TempSite::sample();
    let rel = "content/reports/2025/pasted.md";
    let original = format!("{FRONT}{}", pasted_body());
    s.write(rel, &original);

    // The build warns, with file and line, before tidying.
    let d = s.build_ok();
    let warnings: Vec<String> = d
        .sorted()
        .iter()
        .filter(|x| x.file.ends_with(rel))
        .map(|x| x.to_string())
        .collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("网页残留") && w.contains(&format!("{rel}:8:"))),
        "{warnings:#?}"
    );
    assert!(
        warnings.iter().any(|w| w.contains("huiwen tidy")
            && w.contains("标题编号")
            && w.contains(&format!("{rel}:12:"))),
        "{warnings:#?}"
    );

    let o = run(&["tidy", "--check", rel], s.root());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for line in [
        "删除 第 8 行  购物车 我的足迹",
        "删除 第 9 行  在全市教育工作会议上的交流发言",
        "删除 第 16 行  第 2 页 共 5 页",
    ] {
        assert!(err.contains(line), "{line} in\n{err}");
    }
    assert_eq!(s.read(rel), original, "--check changes nothing");

    let o = run(&["tidy", "--diff", rel], s.root());
    let diff = String::from_utf8_lossy(&o.stdout);
    assert!(
        diff.contains("-购物车 我的足迹") && diff.contains("+## 一、抓住关键少数"),
        "{diff}"
    );
    assert_eq!(s.read(rel), original, "--diff changes nothing");

    let o = run(&["tidy", rel], s.root());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        s.read(&format!("{rel}~")),
        original,
        "the backup is the original"
    );
    let tidied = s.read(rel);
    assert!(tidied.starts_with(FRONT), "front matter kept as written");
    let para = PARA;
    assert_eq!(
        &tidied[FRONT.len()..],
        format!(
            "\n各位领导，同志们：\n近年来，\\*\\*市持续深化改革，按照“强镇引领、亮点带动”思路推进。\n\n## 一、抓住关键少数\n\n{para}\n\n### （一）用好校长共同体\n\n{para}\n\n{para}\n"
        )
    );

    // Tidy again: nothing to do. The build: no warning about it, and the
    // page has its headings and the `**市` as written.
    let o = run(&["tidy", "--check", rel], s.root());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let d = s.build_ok();
    assert!(
        d.iter().all(|x| !x.file.ends_with(rel)),
        "{:#?}",
        d.sorted()
    );
    let page = s.page("reports/2025/pasted");
    assert!(
        page.contains("id=\"一抓住关键少数\">一、抓住关键少数</h2>"),
        "{page}"
    );
    assert!(page.contains("近年来，**市持续深化改革"));
    assert!(!page.contains("购物车"));
    // The backup is not published.
    assert!(!s.out().join("reports/2025/pasted.md~").exists());
}

#[test]
fn the_sample_site_is_already_tidy() {
    let s = TempSite::sample();
    let o = run(&["tidy", "--check", "content"], s.root());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("需要整理 0 个"), "{err}");
}

#[test]
fn tidy_reports_what_it_cannot_read() {
    let s = TempSite::minimal();
    s.write("content/reports/2025/bad.md", "---\ntitle: 没有结束\n");
    s.write("notes.txt", "x");
    let o = run(
        &[
            "tidy",
            "content/reports/2025/bad.md",
            "notes.txt",
            "missing.md",
        ],
        s.root(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(err.contains("bad.md：front matter 没有结束"), "{err}");
    assert!(err.contains("notes.txt：不是 .md 文件"), "{err}");
    assert!(err.contains("missing.md：文件或目录不存在"), "{err}");
}

#[test]
fn residue_warnings_cover_every_class_in_both_scripts() {
    let s = TempSite::minimal();
    let lines = [
        "购物车 我的足迹",
        "加入Vip免费下载 立即下载",
        "下面是小编为大家整理的工作要点，供大家参考。",
        "下面是小編為大家整理的工作要點，供大家參考。",
        "时间:2023-11-28 15:00:11 来源:网友投稿",
        "更新時間：2024-05-06 瀏覽次數：1024",
        "预览阅读已结束,若您需要全文或代笔。",
        "請點擊這裡聯繫老師",
        "推荐访问:经验交流 工作总结",
        "澳门威尼斯人 百家乐 时时彩 北京赛车",
        "第 3 页 共 12 页",
        "- 7 -",
    ];
    let body: String = lines.iter().map(|l| format!("{l}\n\n")).collect();
    s.write(
        "content/reports/2025/web.md",
        &format!("---\ntitle: 网页\ndate: 2025-01-01\n---\n\n正文。\n\n{body}"),
    );
    let d = s.build_ok();
    let at: Vec<usize> = d
        .sorted()
        .iter()
        .filter(|x| x.file.ends_with("web.md") && x.message.contains("网页残留"))
        .filter_map(|x| x.pos.map(|p| p.line))
        .collect();
    let expected: Vec<usize> = (0..lines.len()).map(|i| 8 + 2 * i).collect();
    assert_eq!(at, expected);
}

#[test]
fn summaries_are_body_sentences_never_residue_or_the_title() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/r1.md",
        "---\ntitle: 甲镇经验交流\ndate: 2025-01-02\n---\n\n购物车 我的足迹\n\n甲镇经验交流\n\n澳门威尼斯人 百家乐 时时彩\n\n各位领导、同志们：\n\n甲镇把联片教研作为提高乡村教学质量的重要抓手，三年来全镇青年教师的课堂教学水平提升明显。此后的话不进摘要，因为前一句已经够长了。\n",
    );
    s.build_ok();
    let list = s.page("reports");
    assert!(list.contains("甲镇把联片教研作为提高乡村教学质量的重要抓手，三年来全镇青年教师的课堂教学水平提升明显。"), "{list}");
    assert!(!list.contains("此后的话") && !list.contains("购物车") && !list.contains("威尼斯人"));
}

/// Documents made of the pieces pasted text is made of.
fn document() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("一、总体要求".to_owned()),
        Just("（二）工作措施".to_owned()),
        Just("(三)保障".to_owned()),
        Just("1.加强领导".to_owned()),
        Just("2.落实责任；".to_owned()),
        Just("①经费".to_owned()),
        Just("购物车".to_owned()),
        Just("- 3 -".to_owned()),
        Just("第 2 页 共 9 页".to_owned()),
        Just("".to_owned()),
        Just("# 井号开头".to_owned()),
        Just("- 横线开头".to_owned()),
        Just("**市的做法".to_owned()),
        Just("用3~5年, 建成(示范)区:".to_owned()),
        Just("2025年3月18日".to_owned()),
        Just("| 表 | 格 |".to_owned()),
        Just("```".to_owned()),
        Just("> 引用的话".to_owned()),
        Just("见[通知](../a.md)和`a, b`".to_owned()),
        Just("网址:http://a.cn/x,y 和 www.b.cn".to_owned()),
        Just("（一）精准定位特色项目。一是坚持原则".to_owned()),
        Just("第一部分 总则".to_owned()),
        Just("一、二年级学生".to_owned()),
        Just("下面是小编为大家整理的材料，供大家参考。".to_owned()),
        Just("　　缩进的段落".to_owned()),
        Just("    let x = 1;".to_owned()),
        "[一-龥，。、“”]{1,60}",
        "[一-龥 ]{10,80}",
        "[a-z0-9 .,:;()*_#>\\-]{1,30}",
    ];
    prop::collection::vec(piece, 0..25).prop_map(|v| v.join("\n"))
}

fn tidy_plain(text: &str) -> String {
    let lines = huiwen::tidy::Line::plain(text);
    huiwen::tidy::tidy(lines, &options(huiwen::tidy::Source::Plain)).markdown
}

fn tidy_md(text: &str) -> String {
    huiwen::tidy::tidy_markdown(text, 1, &options(huiwen::tidy::Source::Markdown)).markdown
}

fn options(source: huiwen::tidy::Source) -> huiwen::tidy::Options<'static> {
    huiwen::tidy::Options {
        source,
        titles: &[],
        junk: huiwen::tidy::junk::Matcher::builtin(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn tidying_is_idempotent(doc in document()) {
        let md = tidy_md(&doc);
        prop_assert_eq!(tidy_md(&md), md.clone());
        let imported = tidy_plain(&doc);
        prop_assert_eq!(tidy_md(&imported), imported.clone());
        // Plain text stays literal: no emphasis, no list or heading it did not ask for.
        let html = {
            let mut s = String::new();
            pulldown_cmark_html(&imported, &mut s);
            s
        };
        prop_assert!(!html.contains("<em>") && !html.contains("<strong>") && !html.contains("<del>"), "{}", html);
        prop_assert!(!html.contains("<h1>") && !html.contains("<blockquote>"), "{}", html);
    }
}

fn pulldown_cmark_html(md: &str, out: &mut String) {
    let parser = pulldown_cmark::Parser::new_ext(md, huiwen::render::markdown::options());
    pulldown_cmark::html::push_html(out, parser);
}

#[test]
fn tidy_runs_over_a_folder() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/a.md",
        &format!("{FRONT}{}", pasted_body()),
    );
    s.write(
        "content/reports/2025/b.md",
        "---\ntitle: B\ndate: 2025-01-01\n---\n\n正文。\n",
    );
    let o = run(&["tidy", "content/reports"], s.root());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("3 个文件，已整理 1 个"), "{err}");
    assert!(fs::metadata(s.root().join("content/reports/2025/a.md~")).is_ok());
    assert!(fs::metadata(s.root().join("content/reports/2025/b.md~")).is_err());
}

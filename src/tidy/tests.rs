//! The whole pipeline on small documents.

use super::*;

fn plain(text: &str, titles: &[String]) -> Outcome {
    let lines = Line::plain(text);
    let junk = Matcher::builtin();
    tidy(
        lines,
        &Options {
            source: Source::Plain,
            titles,
            junk,
        },
    )
}

fn markdown(body: &str, titles: &[String]) -> Outcome {
    let junk = Matcher::builtin();
    tidy_markdown(
        body,
        1,
        &Options {
            source: Source::Markdown,
            titles,
            junk,
        },
    )
}

#[test]
fn a_web_copy_becomes_clean_markdown() {
    let text = "购物车\n我的足迹\n\n下面是小编为大家整理的工作要点，供大家参考。\n\n一、突出品牌创优,打造优势教育集聚区\n(一)创党建引领示范区\n聚焦党建红色高地,在XX学校创建育红中心。\n- 3 -\n预览阅读已结束,若您需要全文或代笔。\n";
    let out = plain(text, &[]);
    assert_eq!(
        out.markdown,
        "## 一、突出品牌创优，打造优势教育集聚区\n\n### （一）创党建引领示范区\n\n聚焦党建红色高地，在XX学校创建育红中心。\n"
    );
    let removed: Vec<usize> = out.log.removed.iter().map(|r| r.at).collect();
    assert_eq!(removed, vec![1, 2, 4, 9, 10]);
    assert_eq!(out.log.headings.len(), 2);
}

/// `text` laid out about `width` characters a line, the line breaks as
/// spaces (how a PDF viewer's copy reaches a download site). A line break
/// falls before a Chinese character (one between two digits is not found).
fn pdf_copy(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for c in text.chars() {
        if n >= width && chars::is_cjk(c) {
            out.push(' ');
            n = 0;
        }
        out.push(c);
        n += 1;
    }
    out
}

#[test]
fn a_pdf_copy_on_one_line_gets_its_structure_back() {
    let title = "在2025年教育工作会议上的交流发言".to_owned();
    let intro = "近年来,**市持续深化教育强镇筑基改革,按照“强镇引领、亮点带动、示范融通”思路,以点串线、以线成带、以带促面、由面成体,整体带动镇域教育质量提升。目前,全市创建省级试点镇18个,市级试点镇30个,县级试点镇42个,相关做法被推广推介。";
    let body = "一是坚持“一镇一点,专项突破”原则,组织专业团队深入各试点镇开展调研,形成165份分析报告,精准定位每个镇的教育发展优势与短板。引导各镇立足实际,科学选定改革试验点。";
    let text = format!(
        "{title}\n{title} 尊敬的各位领导,同志们: {} 一、精益求精抓“点”,落脚点变亮点 {}\n",
        pdf_copy(intro, 25),
        pdf_copy(&format!("(一)精准定位特色项目。{body}"), 25)
    );
    let out = plain(&text, std::slice::from_ref(&title));
    let full = |s: &str| {
        let mut log = Log::default();
        inline::paragraph(s, Source::Plain, &mut log)
    };
    assert_eq!(
        out.markdown,
        format!(
            "尊敬的各位领导，同志们：\n\n{}\n\n## 一、精益求精抓“点”，落脚点变亮点\n\n### （一）精准定位特色项目\n\n{}\n",
            full(intro),
            full(body)
        )
    );
    assert!(out.markdown.contains("\\*\\*市持续深化"));
    assert!(out.markdown.contains("强镇引领"));
    assert_eq!(out.log.removed.len(), 2, "{:?}", out.log.removed);
}

#[test]
fn tidy_is_idempotent_on_its_own_output() {
    let text = "一、总体要求\n(一)指导思想\n坚持以人民为中心,办好人民满意的教育。\n1.学前教育毛入园率达到90%以上;\n2.普惠性幼儿园覆盖率超过85%。\n1. 不是列表的一行\n# 也不是标题\n用3~5年时间,把**区建成示范区。\n";
    let once = plain(text, &[]).markdown;
    let twice = markdown(&once, &[]);
    assert_eq!(twice.markdown, once);
    assert!(!twice.log.changed(), "{:?}", twice.log);
}

#[test]
fn markdown_structures_are_left_alone() {
    let body = "## 一、标题\n\n正文一行，\n正文二行。\n\n- 列表 , 项\n\n```\n代码 , 块\n```\n\n| a , 中 | b |\n|---|---|\n| 1 | 2 |\n";
    let out = markdown(body, &[]);
    assert_eq!(out.markdown, body);
}

#[test]
fn markdown_paragraphs_that_were_pasted_lines_are_split() {
    let p = "聚焦党建红色高地，打响育红中心建设创新战，实现党建引领下“五育并举”理念的全面落地。";
    let body = format!("一、突出品牌创优\n{p}\n（二）当优质均衡试验区\n{p}\n");
    let out = markdown(&body, &[]);
    assert_eq!(
        out.markdown,
        format!("## 一、突出品牌创优\n\n{p}\n\n### （二）当优质均衡试验区\n\n{p}\n")
    );
}

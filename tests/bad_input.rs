//! Bad and hostile input: every kind of mistake is reported with file, line,
//! column and a hint, all at once, and nothing is written.

mod common;

use common::TempSite;
use huiwen::diag::Diagnostic;

/// Builds `s`, expects failure, and returns the error diagnostics.
fn errors(s: &TempSite) -> Vec<Diagnostic> {
    let (d, _) = s.build_err();
    assert!(!s.out().exists(), "output written despite errors");
    d.sorted().into_iter().filter(|d| d.is_error()).collect()
}

fn one_error(s: &TempSite) -> Diagnostic {
    let e = errors(s);
    assert_eq!(e.len(), 1, "expected one error, got {e:#?}");
    e.into_iter().next().unwrap()
}

fn assert_at(d: &Diagnostic, file: &str, line: usize) {
    assert!(
        d.file.ends_with(file),
        "file {} != {file}\n{d}",
        d.file.display()
    );
    assert_eq!(d.pos.map(|p| p.line), Some(line), "{d}");
    assert!(d.pos.unwrap().column >= 1);
    let text = d.to_string();
    assert!(text.contains(&format!("{file}:{line}:")), "{text}");
}

#[test]
fn invalid_yaml_syntax_names_file_and_line() {
    let s = TempSite::minimal();
    s.write(
        "content/towns/b.yaml",
        "id: town-b\nname: 乙镇\nlevel: 县级\nstats:\n  2025: {teachers: 3\n",
    );
    let d = one_error(&s);
    assert!(d.file.ends_with("content/towns/b.yaml"), "{d}");
    assert!(d.pos.is_some(), "{d}");
}

#[test]
fn unclosed_front_matter() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/x.md",
        "---\ntitle: 未结束\ndate: 2025-01-01\n正文\n",
    );
    let d = one_error(&s);
    assert_at(&d, "x.md", 1);
    assert!(d.hint.is_some());
}

#[test]
fn missing_front_matter_in_a_report() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/x.md",
        "只有正文，没有 front matter。\n",
    );
    let d = one_error(&s);
    assert_at(&d, "x.md", 1);
}

#[test]
fn missing_required_fields() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/x.md",
        "---\nauthor: 某校\n---\n正文\n",
    );
    let e = errors(&s);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e.iter().any(|d| d.message.contains("title")));
    assert!(e.iter().any(|d| d.message.contains("date")));
}

#[test]
fn bad_dates_point_at_the_value() {
    for bad in [
        "2025-13-01",
        "2025-02-30",
        "2025年3月1日",
        "2025/03/01",
        "03-01",
    ] {
        let s = TempSite::minimal();
        s.write(
            "content/reports/2025/x.md",
            &format!("---\ntitle: 标题\ndate: {bad}\n---\n正文\n"),
        );
        let d = one_error(&s);
        assert_at(&d, "x.md", 3);
        assert!(d.hint.as_deref().unwrap().contains("YYYY-MM-DD"), "{d}");
    }
}

#[test]
fn full_width_colon_gets_its_own_hint() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/x.md",
        "---\ntitle：全角冒号\ndate: 2025-01-01\n---\n正文\n",
    );
    let d = one_error(&s);
    assert_at(&d, "x.md", 2);
    assert_eq!(d.pos.unwrap().column, 6);
    assert!(d.hint.unwrap().contains("半角冒号"));
}

#[test]
fn unknown_entity_id_suggests_the_closest() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/x.md",
        "---\ntitle: 标题\ndate: 2025-01-01\ntowns: [town-b, tonw-a]\n---\n正文\n",
    );
    let e = errors(&s);
    assert_eq!(e.len(), 2, "{e:#?}");
    for d in &e {
        assert_at(d, "x.md", 4);
    }
    assert_eq!(e[0].pos.unwrap().column, 9);
    assert!(
        e.iter()
            .any(|d| d.hint.as_deref().unwrap_or("").contains("town-a"))
    );
}

#[test]
fn chinese_name_instead_of_id_is_explained() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/x.md",
        "---\ntitle: 标题\ndate: 2025-01-01\ntowns: [甲镇]\n---\n正文\n",
    );
    let d = one_error(&s);
    assert!(d.hint.unwrap().contains("town-a"));
}

#[test]
fn undeclared_metric_suggests_the_closest_declared() {
    let s = TempSite::minimal();
    s.write(
        "content/towns/b.yaml",
        "id: town-b\nname: 乙镇\nlevel: 县级\nstats:\n  2025:\n    teacher: 30\n",
    );
    let d = one_error(&s);
    assert_at(&d, "content/towns/b.yaml", 6);
    assert_eq!(d.pos.unwrap().column, 5);
    assert!(d.hint.unwrap().contains("teachers"));
}

#[test]
fn non_numeric_statistics_are_errors_with_a_hint() {
    let s = TempSite::minimal();
    s.write("content/towns/b.yaml", "id: town-b\nname: 乙镇\nlevel: 县级\nstats:\n  2025:\n    teachers: 335名\n    funds: 很多\n  1800: {teachers: 1}\n");
    let e = errors(&s);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert_at(&e[0], "content/towns/b.yaml", 6);
    assert!(e[0].hint.as_deref().unwrap().contains("`335`"), "{}", e[0]);
    assert_at(&e[1], "content/towns/b.yaml", 7);
    assert_at(&e[2], "content/towns/b.yaml", 8);
    assert!(e[2].message.contains("1900"));
}

#[test]
fn duplicate_ids_name_both_files() {
    let s = TempSite::minimal();
    s.write("content/towns/dup.yaml", "- id: town-c\n  name: 丙镇\n  level: 市级\n- id: town-a\n  name: 又一个甲镇\n  level: 县级\n");
    let d = one_error(&s);
    assert_at(&d, "content/towns/dup.yaml", 4);
    assert!(d.message.contains("content/towns/a.yaml:1:"), "{d}");
}

#[test]
fn bad_ids_and_levels() {
    let s = TempSite::minimal();
    s.write(
        "content/towns/b.yaml",
        "id: Town_B\nname: 乙镇\nlevel: 县级\n",
    );
    s.write(
        "content/towns/c.yaml",
        "id: town-c\nname: 丙镇\nlevel: 乡级\n",
    );
    s.write("content/towns/d.yaml", "id: town-d\nlevel: 县级\n");
    let e = errors(&s);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert_at(&e[0], "content/towns/b.yaml", 1);
    assert_at(&e[1], "content/towns/c.yaml", 3);
    assert!(e[1].hint.as_deref().unwrap().contains("省级"));
    assert!(e[2].message.contains("name"));
}

#[test]
fn unknown_fields_are_typos_with_suggestions() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/x.md",
        "---\ntitle: 标题\ndate: 2025-01-01\ntwons: [town-a]\n---\n正文\n",
    );
    let d = one_error(&s);
    assert_at(&d, "x.md", 4);
    assert!(
        d.hint.unwrap().contains("towns"),
        "hint should suggest towns"
    );
}

#[test]
fn two_files_with_the_same_url_are_both_named() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/sub/r1.md",
        "---\ntitle: 另一篇\ndate: 2025-05-01\n---\n正文\n",
    );
    let d = one_error(&s);
    let text = d.to_string();
    assert!(text.contains("r1.md"), "{text}");
    assert!(
        d.message.contains("reports/2025/r1") || d.message.contains("content/reports"),
        "{text}"
    );
}

#[test]
fn references_between_entities_are_checked() {
    let s = TempSite::minimal();
    s.write(
        "content/belts/b.yaml",
        "id: belt-b\nname: 乙带\ntowns: [town-a, town-z]\n",
    );
    s.write(
        "content/towns/c.yaml",
        "id: town-c\nname: 丙镇\nlevel: 县级\nbelt: belt-x\n",
    );
    let e = errors(&s);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert_at(&e[0], "content/belts/b.yaml", 3);
    assert_at(&e[1], "content/towns/c.yaml", 4);
}

#[test]
fn every_error_of_every_file_is_reported_in_one_run() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/a.md",
        "---\ntitle: A\ndate: 2025-02-30\n---\n",
    );
    s.write(
        "content/reports/2025/b.md",
        "---\ntitle: B\ndate: 2025-01-01\ntowns: [nope]\n---\n",
    );
    s.write(
        "content/towns/x.yaml",
        "id: x\nname: X\nlevel: 省级\nstats: {2025: {bogus: 1}}\n",
    );
    s.write("content/alliances/y.yaml", "id: y\nname: Y\n");
    s.write("site.yaml", "title: 测试站点\nmetrics:\n  teachers: {label: 教师数, unit: 名}\n  funds: {label: 经费, unit: 万元}\npaginate: 0\n");
    let e = errors(&s);
    let files: std::collections::BTreeSet<String> =
        e.iter().map(|d| d.file.display().to_string()).collect();
    assert_eq!(files.len(), 5, "{e:#?}");
}

#[test]
fn site_yaml_problems() {
    let s = TempSite::minimal();
    s.write("site.yaml", "titel: 拼错\nbase_url: 10.1.2.3/jyjl\n");
    let e = errors(&s);
    assert!(
        e.iter()
            .any(|d| d.hint.as_deref().unwrap_or("").contains("title")),
        "{e:#?}"
    );

    let s = TempSite::minimal();
    s.write(
        "site.yaml",
        "base_url: 10.1.2.3/jyjl\nmetrics:\n  Bad-Key: {label: x}\n",
    );
    let e: Vec<_> = errors(&s)
        .into_iter()
        .filter(|d| d.file.ends_with("site.yaml"))
        .collect();
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(e.iter().any(|d| d.message.contains("title")));
    assert!(
        e.iter()
            .any(|d| d.pos.is_some_and(|p| p.line == 1) && d.message.contains("base_url"))
    );
    assert!(
        e.iter()
            .any(|d| d.pos.is_some_and(|p| p.line == 3) && d.message.contains("Bad-Key"))
    );

    let s = TempSite::minimal();
    std::fs::remove_file(s.root().join("site.yaml")).unwrap();
    let e = errors(&s);
    assert!(e[0].hint.as_deref().unwrap().contains("init"));
}

#[test]
fn hostile_yaml_does_not_hang_or_crash() {
    // Alias expansion ("billion laughs"), deep nesting, binary garbage, empty files.
    let mut laughs = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (i, c) in ('b'..='j').enumerate() {
        let prev = (b'a' + i as u8) as char;
        laughs.push_str(&format!(
            "{c}: &{c} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
    }
    let cases: Vec<Vec<u8>> = vec![
        format!(
            "id: x\nname: X\nlevel: 省级\nextra:\n  {}",
            laughs.replace('\n', "\n  ")
        )
        .into_bytes(),
        format!(
            "id: x\nname: X\nlevel: 省级\nextra: {}{}\n",
            "[".repeat(5000),
            "]".repeat(5000)
        )
        .into_bytes(),
        vec![0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, b'\n', 0xc3],
        b"- \n- ~\n- [1, 2]\n".to_vec(),
        b"id: [x]\nname: {a: b}\nlevel: 3\n".to_vec(),
    ];
    for (i, c) in cases.iter().enumerate() {
        let s = TempSite::minimal();
        s.write_bytes("content/towns/evil.yaml", c);
        let started = std::time::Instant::now();
        let (r, d) = s.build();
        assert!(r.is_err(), "case {i} should fail");
        assert!(
            d.iter()
                .any(|x| x.file.ends_with("content/towns/evil.yaml")),
            "case {i}: {:?}",
            d.sorted()
        );
        assert!(started.elapsed().as_secs() < 20, "case {i} too slow");
    }
}

#[test]
fn hostile_markdown_is_rendered_safely_with_warnings() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/x.md",
        "---\ntitle: 标题\ndate: 2025-01-01\n---\n正文\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[点我](javascript:alert(1))\n\n<iframe src=\"http://evil\"></iframe>\n\n```\n<script>x</script>\n```\n",
    );
    let d = s.build_ok();
    let html = s.page("reports/2025/x");
    let prose = html.split("class=\"prose\"").nth(1).unwrap();
    assert!(!prose.contains("<script"), "{prose}");
    assert!(!prose.contains("onerror"));
    assert!(!prose.contains("javascript:"));
    assert!(!prose.contains("<iframe"));
    assert!(
        prose.contains("&lt;script&gt;x&lt;/script&gt;"),
        "code blocks keep their text"
    );
    let lines: Vec<usize> = d
        .iter()
        .filter(|w| !w.is_error() && !w.message.contains("网页残留"))
        .filter_map(|w| w.pos.map(|p| p.line))
        .collect();
    assert_eq!(lines, vec![7, 9, 11, 13], "{:?}", d.sorted());
}

#[test]
fn front_matter_strings_are_escaped_in_pages() {
    let s = TempSite::minimal();
    s.write("content/reports/2025/x.md", "---\ntitle: \"<script>alert(1)</script>标题\"\ndate: 2025-01-01\nauthor: \"<b onmouseover=x>作者</b>\"\n---\n正文\n");
    s.build_ok();
    let html = s.page("reports/2025/x");
    assert!(!html.contains("<script>alert"), "title not escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;标题"));
    assert!(!html.contains("<b onmouseover"));
}

#[test]
fn output_inside_the_site_is_refused() {
    let s = TempSite::minimal();
    for bad in [".", "content", "content/out"] {
        let (r, d) = huiwen::build(&huiwen::BuildOptions {
            root: s.root().to_path_buf(),
            output: Some(s.root().join(bad)),
            ..Default::default()
        });
        assert!(r.is_err(), "{bad} accepted");
        assert!(d.has_errors());
    }
    assert!(s.root().join("content/reports/2025/r1.md").is_file());
}

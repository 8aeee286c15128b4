//! `huiwen check`: residue warnings, exit codes, output formats.

mod common;

use std::process::Command;

use common::TempSite;

fn check(s: &TempSite, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_huiwen"))
        .arg("check")
        .arg("--root")
        .arg(s.root())
        .args(args)
        .output()
        .expect("run huiwen")
}

fn with_residue() -> TempSite {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/pasted.md",
        "---\ntitle: 粘贴的材料\ndate: 2025-04-01\n---\n\n正文第一段。\n\n本文VIP会员免费下载，点击这里联系客服。\n\n详见[通知](https://example.org/notice)。\n\n来源：www.example.com\n\n```\n博彩 不在正文里\n```\n",
    );
    s
}

#[test]
fn residue_lines_are_warnings_with_file_and_line() {
    let s = with_residue();
    let d = s.build_ok();
    let w: Vec<_> = d.sorted().into_iter().filter(|d| !d.is_error()).collect();
    let lines: Vec<usize> = w.iter().map(|d| d.pos.unwrap().line).collect();
    assert_eq!(lines, vec![8, 12], "{w:#?}");
    assert!(w[0].message.contains("VIP"), "{}", w[0]);
    assert_eq!(w[0].pos.unwrap().column, 3);
    assert!(
        w.iter()
            .all(|d| d.file.ends_with("content/reports/2025/pasted.md"))
    );
}

#[test]
fn residue_patterns_come_from_site_yaml_and_can_be_turned_off() {
    let s = with_residue();
    let cfg = s.read("site.yaml");
    s.write("site.yaml", &format!("{cfg}residue: false\n"));
    assert_eq!(s.build_ok().warning_count(), 0);
    s.write("site.yaml", &format!("{cfg}residue:\n  patterns: [客服]\n"));
    let d = s.build_ok();
    let w: Vec<_> = d.iter().filter(|d| !d.is_error()).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(w[0].pos.unwrap().line, 8);
}

#[test]
fn check_exit_codes_and_deny_warnings() {
    let s = with_residue();
    let o = check(&s, &[]);
    assert_eq!(o.status.code(), Some(0), "warnings alone pass");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("警告: 疑似网页残留内容"), "{err}");
    assert!(err.contains("content/reports/2025/pasted.md:8:3"), "{err}");
    assert!(err.contains("2 个警告"), "{err}");
    assert_eq!(check(&s, &["--deny-warnings"]).status.code(), Some(1));
    assert!(!s.out().exists(), "check writes nothing");
}

#[test]
fn check_output_is_sorted_with_code_frames_and_a_count() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/b.md",
        "---\ntitle: B\ndate: 2025-01-01\ntowns: [nope]\n---\n",
    );
    s.write(
        "content/reports/2025/a.md",
        "---\ntitle: A\ndate: 2025-13-01\n---\n",
    );
    let o = check(&s, &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    let a = err.find("content/reports/2025/a.md:3:").expect("a.md");
    let b = err.find("content/reports/2025/b.md:4:").expect("b.md");
    assert!(a < b, "sorted by file: {err}");
    assert!(err.contains("3 | date: 2025-13-01"), "code frame: {err}");
    assert!(err.contains("2 个错误"), "{err}");
    let o = check(&s, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);
    assert_eq!(v[1]["severity"], "error");
    assert!(
        v[1]["hint"].as_str().unwrap().contains("nope")
            || v[1]["message"].as_str().unwrap().contains("nope")
    );
}

#[test]
fn unsafe_html_true_keeps_raw_html_for_trusted_sites() {
    let s = TempSite::minimal();
    let body = "---\ntitle: 可信\ndate: 2025-04-01\n---\n\n<div id=\"widget\" onclick=\"go()\">部件</div>\n\n<script>var x = 1;</script>\n";
    s.write("content/reports/2025/trusted.md", body);
    s.build_ok();
    let safe = s.page("reports/2025/trusted");
    assert!(!safe.contains("<script>var x") && !safe.contains("onclick"));
    let cfg = s.read("site.yaml");
    s.write("site.yaml", &format!("{cfg}unsafe_html: true\n"));
    let d = s.build_ok();
    let html = s.page("reports/2025/trusted");
    assert!(html.contains("<script>var x = 1;</script>") && html.contains("onclick=\"go()\""));
    assert!(
        !d.iter().any(|w| w.message.contains("不安全")),
        "no sanitiser warnings when turned off"
    );
}

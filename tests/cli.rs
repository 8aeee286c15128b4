//! The `huiwen` binary: exit codes, messages, init and new.

mod common;

use std::process::Command;

use common::TempSite;

fn huiwen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_huiwen"))
        .args(args)
        .output()
        .expect("run huiwen")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn build_succeeds_with_exit_0_and_a_summary_line() {
    let s = TempSite::minimal();
    let o = huiwen(&["build", "--root", s.root().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("构建完成"), "{}", stderr(&o));
    assert!(s.out().join("index.html").is_file());
}

#[test]
fn timings_list_every_stage_in_order() {
    let s = TempSite::minimal();
    let o = huiwen(&["build", "--timings", "--root", s.root().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let err = stderr(&o);
    let stages = [
        "读取与检查",
        "渲染页面与搜索索引",
        "　其中报告以外的页面",
        "　其中报告页面与搜索索引",
        "复制文件",
        "替换输出目录",
    ];
    let at: Vec<usize> = stages
        .iter()
        .map(|st| {
            err.find(&format!(" ms  {st}\n"))
                .unwrap_or_else(|| panic!("{st} missing: {err}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "out of order: {err}");
    // Without the flag: only the summary line.
    let o = huiwen(&["build", "--root", s.root().to_str().unwrap()]);
    assert!(!stderr(&o).contains(" ms  "), "{}", stderr(&o));
}

#[test]
fn content_errors_exit_1_with_every_error_listed() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/a.md",
        "---\ntitle: A\ndate: 2025-02-30\n---\n",
    );
    s.write(
        "content/reports/2025/b.md",
        "---\ntitle: B\ndate: 2025-01-01\ntowns: [nope]\n---\n",
    );
    let o = huiwen(&["build", "--root", s.root().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("content/reports/2025/a.md:3:"), "{err}");
    assert!(err.contains("content/reports/2025/b.md:4:"), "{err}");
    assert!(err.contains("2 个错误"), "{err}");
    assert!(!s.out().exists());
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(huiwen(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(huiwen(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(huiwen(&[]).status.code(), Some(2));
    assert_eq!(huiwen(&["new", "report"]).status.code(), Some(2));
}

#[test]
fn init_makes_a_site_that_builds_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("新站点");
    let o = huiwen(&["init", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    for f in [
        "site.yaml",
        "content/_index.md",
        "content/towns/example-town.yaml",
        "content/belts/example-belt.yaml",
        "content/alliances/example-alliance.yaml",
        "content/stats/2025年统计.xlsx",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let o = huiwen(&["build", "--root", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        std::fs::read_to_string(dir.join("output/towns/example-town/index.html"))
            .unwrap()
            .contains("示例镇")
    );
    // The spreadsheet's figure (the year from its file name) beside the YAML's.
    let json = std::fs::read_to_string(dir.join("output/towns/example-town/stats.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["stats"]["2025"]["funds"], 50.0);
    assert_eq!(json["stats"]["2025"]["teachers"], 126.0);
    let again = huiwen(&["init", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1));

    let themed = tmp.path().join("themed");
    assert_eq!(
        huiwen(&["init", "--theme", themed.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(themed.join("themes/default/templates/base.html").is_file());
}

#[test]
fn stats_template_writes_once_and_checks_its_arguments() {
    let s = TempSite::sample();
    let root = s.root().to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("2026年试点镇统计表.xlsx");
    let args = [
        "stats-template",
        "2026",
        "--kind",
        "试点镇",
        "-o",
        out.to_str().unwrap(),
        "--root",
        root,
    ];
    let o = huiwen(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("统计表已生成"), "{}", stderr(&o));
    assert!(out.is_file());
    let again = huiwen(&args);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("已经存在"), "{}", stderr(&again));
    let bad_kind = huiwen(&["stats-template", "2026", "--kind", "镇", "--root", root]);
    assert_eq!(bad_kind.status.code(), Some(2));
    assert!(stderr(&bad_kind).contains("试点镇、示范带 或 联合体"));
    let bad_year = huiwen(&["stats-template", "1800", "--root", root]);
    assert_eq!(bad_year.status.code(), Some(1));
    assert!(
        stderr(&bad_year).contains("年份 1800 超出范围"),
        "{}",
        stderr(&bad_year)
    );
}

#[test]
fn new_report_writes_a_draft_that_builds_with_drafts() {
    let s = TempSite::minimal();
    let root = s.root().to_str().unwrap();
    let o = huiwen(&[
        "new",
        "report",
        "在2025年教育工作会议上的交流发言",
        "--root",
        root,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let year = huiwen::base::date::Date::today().year;
    let path = s.root().join(format!(
        "content/reports/{year}/zai-2025-nian-jiao-yu-gong-zuo-hui-yi-shang-de-jiao-liu-fa-yan.md"
    ));
    assert!(path.is_file());
    let o = huiwen(&["build", "--root", root, "--drafts"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Never overwrites.
    let o = huiwen(&[
        "new",
        "report",
        "在2025年教育工作会议上的交流发言",
        "--root",
        root,
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn check_writes_nothing_and_reports_json() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/a.md",
        "---\ntitle: A\ndate: 2025-02-30\n---\n",
    );
    let o = huiwen(&[
        "check",
        "--root",
        s.root().to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v[0]["file"], "content/reports/2025/a.md");
    assert_eq!(v[0]["pos"]["line"], 3);
    assert!(!s.out().exists());
}

#[test]
fn a_build_killed_midway_leaves_the_old_output_and_no_staging() {
    let s = TempSite::minimal();
    let body = "## 一、做法\n\n甲镇坚持送教下乡，联片教研。\n\n".repeat(60);
    for i in 0..800 {
        s.write(
            &format!("content/reports/2025/r{i:04}.md"),
            &format!("---\ntitle: 报告{i}\ndate: 2025-01-02\n---\n\n{body}"),
        );
    }
    let root = s.root().to_str().unwrap();
    assert_eq!(huiwen(&["build", "--root", root]).status.code(), Some(0));
    let before = common::files(&s.out());
    let index = std::fs::read(s.out().join("index.html")).unwrap();
    s.write(
        "content/reports/2025/r0000.md",
        "---\ntitle: 改过的报告\ndate: 2025-01-03\n---\n\n新正文\n",
    );
    let mut child = Command::new(env!("CARGO_BIN_EXE_huiwen"))
        .args(["build", "--root", root])
        .spawn()
        .expect("spawn");
    // Kill it while it is writing the staging directory.
    let staging = s.root().join(".output.huiwen-staging");
    let started = std::time::Instant::now();
    while !staging.join("reports").exists() && started.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("kill");
    child.wait().expect("wait");
    assert!(
        staging.exists(),
        "killed before it started writing; test proves nothing"
    );
    assert_eq!(common::files(&s.out()), before, "old output changed");
    assert_eq!(std::fs::read(s.out().join("index.html")).unwrap(), index);
    // The next build cleans up and publishes.
    assert_eq!(huiwen(&["build", "--root", root]).status.code(), Some(0));
    assert!(!staging.exists());
    assert!(
        std::fs::read_to_string(s.out().join("index.html"))
            .unwrap()
            .contains("改过的报告")
    );
}

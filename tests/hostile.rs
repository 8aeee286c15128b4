//! Hostile input and misuse, one test per class of the safety issue: what
//! must survive byte for byte, the exact error with file and line, the exit
//! code, and time and size bounds. Concurrency and the swap window are
//! tested with real processes of the `huiwen` binary.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{TempSite, files};

const BIN: &str = env!("CARGO_BIN_EXE_huiwen");

fn huiwen(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run huiwen")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every file under `dir` with its bytes (links and all, not followed).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| {
            let b = fs::read(dir.join(&f)).unwrap_or_default();
            (f, b)
        })
        .collect()
}

fn p(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

// ---------------------------------------------------------------------------
// Data loss: the output folder

#[test]
fn an_output_that_leads_back_into_the_site_through_a_link_is_refused() {
    let s = TempSite::minimal();
    let before = snapshot(s.root());
    let links = tempfile::tempdir().unwrap();
    let to_site = links.path().join("site");
    let to_content = links.path().join("content");
    let to_parent = links.path().join("parent");
    symlink(s.root(), &to_site).unwrap();
    symlink(s.root().join("content"), &to_content).unwrap();
    symlink(s.root().parent().unwrap(), &to_parent).unwrap();
    let inside_parent = to_parent.join(s.root().file_name().unwrap());
    for out in [
        to_site.clone(),
        to_content.clone(),
        to_site.join("content"),
        to_site.join("content/reports/out"),
        to_parent.clone(),
        inside_parent,
    ] {
        let o = huiwen(&["build", "--root", p(s.root()), "--output", p(&out)]);
        assert_eq!(
            o.status.code(),
            Some(1),
            "{}: {}",
            out.display(),
            stderr(&o)
        );
        assert!(stderr(&o).contains("输出目录"), "{}", stderr(&o));
        assert_eq!(
            snapshot(s.root()),
            before,
            "{} changed the site",
            out.display()
        );
    }
    // `archive --out` is checked the same way.
    let o = huiwen(&[
        "archive",
        "2025",
        "--root",
        p(s.root()),
        "--out",
        p(&to_site),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(snapshot(s.root()), before);
}

#[test]
fn only_folders_huiwen_made_are_replaced() {
    let s = TempSite::minimal();
    let www = tempfile::tempdir().unwrap();
    let web_root = www.path().join("www");
    fs::create_dir_all(web_root.join("otherapp")).unwrap();
    fs::create_dir_all(web_root.join("docs")).unwrap();
    fs::write(web_root.join("robots.txt"), "User-agent: *\n").unwrap();
    fs::write(web_root.join("otherapp/index.php"), "<?php").unwrap();
    fs::write(web_root.join("docs/important.docx"), b"PK\x03\x04 report").unwrap();
    let before = snapshot(&web_root);
    let o = huiwen(&["build", "--root", p(s.root()), "--output", p(&web_root)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("不是汇文生成的内容") && err.contains("robots.txt"),
        "{err}"
    );
    assert!(err.contains("自己清空"), "the way to proceed: {err}");
    assert_eq!(snapshot(&web_root), before);

    // A regular file given as the output.
    let file = www.path().join("site.html");
    fs::write(&file, "keep me").unwrap();
    let o = huiwen(&["build", "--root", p(s.root()), "--output", p(&file)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(fs::read(&file).unwrap(), b"keep me");

    // An empty folder is a fine first output; then it carries the marker
    // and later builds replace it.
    let empty = www.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    for _ in 0..2 {
        let o = huiwen(&["build", "--root", p(s.root()), "--output", p(&empty)]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert!(empty.join(huiwen::output::MARKER).is_file());
    assert!(empty.join("index.html").is_file());
}

#[test]
fn two_builds_at_once_never_leave_a_missing_or_partial_output() {
    let s = TempSite::sample();
    s.build_ok();
    let expected = files(&s.out());
    for round in 0..8 {
        let spawn = || {
            Command::new(BIN)
                .args(["build", "--root", p(s.root())])
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn")
        };
        let (a, b) = (spawn(), spawn());
        let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
        assert!(a.status.success(), "round {round}: {}", stderr(&a));
        assert!(b.status.success(), "round {round}: {}", stderr(&b));
        assert_eq!(
            files(&s.out()),
            expected,
            "round {round}: output incomplete"
        );
        let leftovers: Vec<String> = fs::read_dir(s.root())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("huiwen-") && !n.ends_with("huiwen-lock"))
            .collect();
        // No staging folder left; the previous output is kept for the next
        // build, marked as huiwen's.
        assert_eq!(leftovers, [".output.huiwen-previous"], "round {round}");
        assert!(
            s.root()
                .join(".output.huiwen-previous/.huiwen-output")
                .is_file()
        );
    }
}

#[test]
fn a_reader_never_sees_a_missing_site_during_rebuilds() {
    let s = TempSite::minimal();
    s.build_ok();
    let out = s.out();
    let stop = Arc::new(AtomicBool::new(false));
    let (misses, reads) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let reader = {
        let (out, stop, misses, reads) = (out.clone(), stop.clone(), misses.clone(), reads.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                for f in [
                    "index.html",
                    "assets/style.css",
                    "reports/2025/r1/index.html",
                ] {
                    if fs::read(out.join(f)).is_err() {
                        misses.fetch_add(1, Ordering::Relaxed);
                    }
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            }
        })
    };
    for round in 0..30 {
        // Each round changes a page, so every swap really replaces the site.
        s.write(
            "content/reports/2025/r1.md",
            &format!("---\ntitle: 甲镇经验 {round}\ndate: 2025-01-02\ntowns: [town-a]\n---\n\n第 {round} 版。\n"),
        );
        let o = huiwen(&["build", "--root", p(s.root())]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    stop.store(true, Ordering::Relaxed);
    reader.join().unwrap();
    assert!(reads.load(Ordering::Relaxed) > 100, "the reader did read");
    assert_eq!(
        misses.load(Ordering::Relaxed),
        0,
        "files missing during a swap"
    );
}

#[test]
fn a_full_disk_is_said_and_the_old_output_kept() {
    let s = TempSite::sample();
    let disk = tempfile::tempdir().unwrap();
    let mount = disk.path().join("small");
    fs::create_dir_all(&mount).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=600k", "tmpfs", p(&mount)])
        .status()
        .is_ok_and(|st| st.success());
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !mounted {
        assert!(
            !ci,
            "CI=true but a tmpfs cannot be mounted (run the tests as root)"
        );
        eprintln!("SKIPPED: cannot mount a small tmpfs (not root)");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _guard = Unmount(mount.clone());
    let out = mount.join("site");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join(huiwen::output::MARKER), "").unwrap();
    fs::write(out.join("index.html"), "the old site").unwrap();
    let o = huiwen(&["build", "--root", p(s.root()), "--output", p(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("磁盘空间不足"), "{err}");
    assert!(!err.contains("内容有"), "not a content error: {err}");
    assert!(!err.contains("os error"), "{err}");
    assert_eq!(fs::read(out.join("index.html")).unwrap(), b"the old site");
}

// ---------------------------------------------------------------------------
// Data loss and leaks: the content folder

#[test]
fn an_index_md_that_would_publish_other_reports_is_an_error() {
    for index in ["content/reports/index.md", "content/reports/2025/index.md"] {
        let s = TempSite::minimal();
        s.write(
            "content/reports/2025/draft.md",
            "---\ntitle: 草稿\ndate: 2025-02-01\ndraft: true\n---\n\n秘密草稿。\n",
        );
        s.write(index, "---\ntitle: 汇总\ndate: 2025-03-01\n---\n\n汇总。\n");
        let (d, text) = s.build_err();
        let e = d
            .iter()
            .find(|x| x.file == Path::new(index))
            .unwrap_or_else(|| panic!("no error on {index}: {text}"));
        assert!(e.is_error() && e.message.contains("index.md"), "{text}");
        assert!(!s.out().exists());
        // `check` finds the same, and once the index.md is gone the site
        // builds without publishing any source or the draft.
        fs::remove_file(s.root().join(index)).unwrap();
        s.build_ok();
        let published = files(&s.out());
        assert!(
            !published.iter().any(|f| f.ends_with(".md")),
            "{published:?}"
        );
        assert!(
            !published.iter().any(|f| f.contains("draft")),
            "{published:?}"
        );
    }
}

#[test]
fn pages_and_static_files_may_not_replace_generated_ones() {
    for (rel, out) in [
        ("content/towns.md", "towns/index.html"),
        ("content/stats.md", "stats/index.html"),
        ("content/search.md", "search/index.html"),
        ("static/index.html", "index.html"),
        ("static/atom.xml", "atom.xml"),
        ("static/assets/style.css", "assets/style.css"),
        ("static/search/index.js", "search/index.js"),
    ] {
        let s = TempSite::minimal();
        let text = if rel.ends_with(".md") {
            "---\ntitle: x\n---\n正文\n"
        } else {
            "x"
        };
        s.write(rel, text);
        let (d, all) = s.build_err();
        let e = d
            .iter()
            .find(|x| x.file.to_string_lossy().ends_with(rel) && x.is_error())
            .unwrap_or_else(|| panic!("{rel}: {all}"));
        assert!(e.message.contains(out), "{rel}: {}", e.message);
    }
}

#[test]
fn links_that_leave_the_site_are_never_followed() {
    let s = TempSite::minimal();
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("shadow");
    fs::write(&secret, "root:SECRET-HASH:19000:0:99999:7:::\n").unwrap();
    fs::create_dir_all(s.root().join("static")).unwrap();
    symlink(&secret, s.root().join("static/shadow.txt")).unwrap();
    symlink(&secret, s.root().join("content/reports/2025/leak.md")).unwrap();
    symlink(secret_dir.path(), s.root().join("content/leakdir")).unwrap();
    symlink("/nonexistent/x.png", s.root().join("static/dangling.png")).unwrap();
    // A link that stays inside the site may be followed.
    s.write("content/images/a.png", "PNG");
    symlink(
        s.root().join("content/images/a.png"),
        s.root().join("static/b.png"),
    )
    .unwrap();
    let d = s.build_ok();
    for f in files(&s.out()) {
        let bytes = fs::read(s.out().join(&f)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("SECRET-HASH"),
            "{f} leaks the secret"
        );
    }
    let warned = |name: &str, what: &str| {
        d.iter().any(|x| {
            x.file.to_string_lossy().ends_with(name) && !x.is_error() && x.message.contains(what)
        })
    };
    assert!(
        warned("static/shadow.txt", "站点目录之外"),
        "{:?}",
        d.sorted()
    );
    assert!(warned("content/reports/2025/leak.md", "站点目录之外"));
    assert!(warned("content/leakdir", "站点目录之外"));
    assert!(warned("static/dangling.png", "不存在"));
    assert_eq!(fs::read(s.out().join("b.png")).unwrap(), b"PNG");
}

#[test]
fn special_files_are_reported_never_opened() {
    let s = TempSite::minimal();
    let fifo = |rel: &str| {
        let path = s.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        assert!(
            Command::new("mkfifo")
                .arg(&path)
                .status()
                .unwrap()
                .success()
        );
    };
    fifo("content/reports/2025/pipe.md");
    fifo("static/pipe.css");
    let started = Instant::now();
    let d = s.build_ok();
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(
        d.iter()
            .any(|x| x.file.ends_with("content/reports/2025/pipe.md")
                && x.message.contains("命名管道")),
        "{:?}",
        d.sorted()
    );
    // A FIFO as site.yaml: an error at once, not a hang.
    fs::remove_file(s.root().join("site.yaml")).unwrap();
    fifo("site.yaml");
    for cmd in ["build", "check"] {
        let started = Instant::now();
        let o = huiwen(&[cmd, "--root", p(s.root())]);
        assert!(started.elapsed() < Duration::from_secs(20), "{cmd} hung");
        assert_eq!(o.status.code(), Some(1), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("命名管道"), "{}", stderr(&o));
    }
}

#[test]
fn windows_and_mac_junk_is_never_published() {
    let s = TempSite::minimal();
    for junk in [
        "content/reports/2025/Thumbs.db",
        "content/desktop.ini",
        "static/.DS_Store",
        "static/Desktop.ini",
        "static/~$统计表.xlsx",
        "static/__MACOSX/a.png",
        "content/images/._a.png",
    ] {
        s.write(junk, "junk");
    }
    s.write("static/keep.txt", "keep");
    s.build_ok();
    let published = files(&s.out());
    assert!(published.contains(&"keep.txt".to_owned()));
    for f in &published {
        let lower = f.to_lowercase();
        assert!(
            !lower.contains("thumbs.db")
                && !lower.contains("desktop.ini")
                && !lower.contains("ds_store")
                && !lower.contains("~$")
                && !lower.contains("macosx")
                && !lower.contains("._"),
            "{f} published"
        );
    }
}

// ---------------------------------------------------------------------------
// Hostile values

#[test]
fn statistics_out_of_range_are_errors_with_their_position() {
    for (value, shown) in [
        ("1.6e308", "1.6e308"),
        ("1e400", "inf"),
        (".inf", "inf"),
        ("-.inf", "inf"),
        (".nan", "NaN"),
        ("20000000000000000000", "2e19"),
    ] {
        let s = TempSite::minimal();
        s.write(
            "content/towns/a.yaml",
            &format!(
                "id: town-a\nname: 甲镇\nlevel: 省级\nstats:\n  2025: {{teachers: {value}}}\n"
            ),
        );
        let started = Instant::now();
        let (d, text) = s.build_err();
        assert!(started.elapsed() < Duration::from_secs(10), "{value}: slow");
        let e = d
            .iter()
            .find(|x| x.is_error() && x.file == Path::new("content/towns/a.yaml"))
            .unwrap_or_else(|| panic!("{value}: {text}"));
        assert!(e.message.contains("范围"), "{value}: {}", e.message);
        assert!(
            e.message.to_lowercase().contains(&shown.to_lowercase()),
            "{value}: {}",
            e.message
        );
        assert_eq!(e.pos.map(|p| p.line), Some(5), "{value}: {text}");
        assert!(!text.contains("18,446,744"), "{text}");
        assert!(!text.contains("policy"), "{text}");
    }
}

#[test]
fn negative_and_extreme_values_give_small_pages() {
    let s = TempSite::minimal();
    s.write(
        "content/towns/a.yaml",
        "id: town-a\nname: 甲镇\nlevel: 省级\nstats:\n  2023: {teachers: -5}\n  2024: {teachers: 1000000000000000}\n  2025: {teachers: 0.001, funds: -1000000000000000}\n",
    );
    s.build_ok();
    for f in files(&s.out()).iter().filter(|f| f.ends_with(".html")) {
        let len = fs::metadata(s.out().join(f)).unwrap().len();
        assert!(len < 300_000, "{f} is {len} bytes");
    }
    let town = s.page("towns/town-a");
    assert!(town.contains("1,000,000,000,000,000"), "every digit shown");
    let ticks = town.matches("class=\"tick\"").count();
    assert!(ticks <= 9 * 2, "{ticks} ticks");
}

#[test]
fn spreadsheet_formulas_are_neutralised_in_downloads() {
    let s = TempSite::minimal();
    s.write(
        "content/towns/a.yaml",
        "id: town-a\nname: \"=HYPERLINK(\\\"http://evil\\\",\\\"点我\\\")\"\nlevel: 省级\nstats:\n  2025: {teachers: -3}\n",
    );
    s.build_ok();
    let csv = fs::read_to_string(s.out().join("stats/stats.csv")).unwrap();
    let row = csv.lines().find(|l| l.contains("HYPERLINK")).unwrap();
    assert!(row.contains(",\"'=HYPERLINK("), "{row}");
    assert!(
        row.contains(",2025,-3"),
        "a negative number stays a number: {row}"
    );
}

#[test]
fn urls_in_site_yaml_must_be_http_or_relative() {
    let s = TempSite::minimal();
    let config = s.read("site.yaml");
    s.write(
        "site.yaml",
        &format!("{config}archive_url: \"javascript:alert(document.cookie)//{{year}}\"\n"),
    );
    let (d, text) = s.build_err();
    let e = d
        .iter()
        .find(|x| x.is_error() && x.file == Path::new("site.yaml"))
        .unwrap();
    assert!(e.message.contains("archive_url"), "{text}");
    assert_eq!(
        e.pos.map(|p| p.line),
        Some(config.lines().count() + 1),
        "{text}"
    );
}

#[test]
fn invisible_characters_are_warned_and_shown() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/r1.md",
        "---\ntitle: 甲镇\u{202E}经验\ndate: 2025-01-02\ntags: [强镇\u{200B}筑基]\n---\n\n正文。\n",
    );
    let o = huiwen(&["check", "--root", p(s.root())]);
    let err = stderr(&o);
    assert!(
        err.contains("<U+202E>") && err.contains("<U+200B>"),
        "{err}"
    );
    assert!(
        !err.contains('\u{202E}') && !err.contains('\u{200B}'),
        "shown, not hidden: {err}"
    );
    assert!(err.contains("r1.md:2:"), "line of the title: {err}");
    assert!(err.contains("r1.md:4:"), "line of the tag: {err}");
}

#[test]
fn root_relative_links_warn_and_odd_names_do_not_panic() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/bundle/完成率100%以上学校名单.xlsx",
        "xlsx",
    );
    s.write(
        "content/reports/2025/bundle/index.md",
        "---\ntitle: 名单\ndate: 2025-05-01\n---\n\n见[名单](完成率100%以上学校名单.xlsx)。\n\n![图](/images/a.png) 和 [外站](//host/x)\n",
    );
    let d = s.build_ok();
    let warn: Vec<_> = d
        .iter()
        .filter(|x| x.file.ends_with("bundle/index.md") && x.message.contains("以 / 开头"))
        .collect();
    assert_eq!(warn.len(), 2, "{:?}", d.sorted());
    assert_eq!(warn[0].pos.map(|p| p.line), Some(8));
    let page = s.page("reports/2025/bundle");
    assert!(
        page.contains("href=\"完成率100%25以上学校名单.xlsx\""),
        "{page}"
    );
}

// ---------------------------------------------------------------------------
// Errors people can act on

#[test]
fn independent_mistakes_are_all_reported_in_one_run() {
    let s = TempSite::minimal();
    s.write(
        "content/towns/b.yaml",
        "id: town-b\nname: [乙镇\nlevel: 省级\n",
    );
    s.write(
        "content/reports/2025/r2.md",
        "---\ntitle: 乙镇\ndate: 2025-13-01\n---\n\n正文。\n",
    );
    s.write(
        "content/reports/2025/r3.md",
        "---\ntitle: 丙\ndate: 2025-03-01\ntowns: [town-b]\n---\n\n见[这里](../2024/none.md)。\n\n{{ stat(town=\"town-b\", metric=\"teachers\", year=2025) }}\n",
    );
    s.write(
        "content/reports/2025/r4.md",
        "---\ntitle: 丁\ndate: 2025-03-02\n---\n\n见[那里](../2024/missing.md)和 {{ total(metric=\"nope\", year=2025) }}\n",
    );
    let o = huiwen(&["build", "--root", p(s.root())]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    for (file, what) in [
        ("content/towns/b.yaml", "YAML"),
        ("content/reports/2025/r2.md", "不存在"),
        ("content/reports/2025/r3.md", "none.md"),
        ("content/reports/2025/r4.md", "missing.md"),
        ("content/reports/2025/r4.md", "nope"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(file)) && err.contains(what),
            "{file} / {what} missing from:\n{err}"
        );
    }
    // town-b is in the file that did not parse: no follow-on "not found".
    assert!(!err.contains("找不到试点镇 `town-b`"), "{err}");
    assert!(!err.contains("raw") && !err.contains("expected"), "{err}");
}

#[test]
fn raw_library_text_never_reaches_the_user() {
    let bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
    for (rel, text) in [
        (
            "content/towns/a.yaml",
            "id: town-a\nname: 甲镇\nname: 乙镇\nlevel: 省级\n".to_owned(),
        ),
        (
            "content/towns/a.yaml",
            format!(
                "id: town-a\nname: 甲镇\nlevel: 省级\nextra:\n  {}",
                bomb.replace('\n', "\n  ")
            ),
        ),
        (
            "content/towns/a.yaml",
            "id: town-a\nname: 甲镇\nlevel: [省级\n".to_owned(),
        ),
        (
            "content/towns/a.yaml",
            "id: town-a\nname: 甲镇\nlevel: 省级\nsince: {a: 1}\n".to_owned(),
        ),
        (
            "content/reports/2025/r1.md",
            "---\ntitle: [a\n---\n".to_owned(),
        ),
        (
            "content/reports/2025/r1.md",
            "---\ntitle: a\ndate: 2025-01-01\ntags: {a: b}\n---\n".to_owned(),
        ),
        ("site.yaml", "title: x\npaginate: many\n".to_owned()),
    ] {
        let s = TempSite::minimal();
        s.write(rel, &text);
        let o = huiwen(&["check", "--root", p(s.root())]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{rel}: {err}");
        let english = [
            "Policy",
            "policy",
            "budget",
            "Options",
            "expected",
            "invalid type",
            "os error",
            "did not",
            "unexpected",
            "found",
        ];
        for word in english {
            assert!(!err.contains(word), "{rel}: `{word}` in\n{err}");
        }
    }
}

#[test]
fn check_finds_what_build_would_fail_on_with_long_names() {
    let s = TempSite::minimal();
    // 80 characters: a file name of 240 bytes, a pinyin slug of over 300.
    let long: String = "关于印发二〇二五年全市义务教育优质均衡发展暨强镇筑基试点工作推进会议上的经验交流发言材料汇编的通知"
        .repeat(2)
        .chars()
        .take(80)
        .collect();
    s.write(
        &format!("content/reports/2025/{long}.md"),
        "---\ntitle: 长文件名\ndate: 2025-01-05\n---\n\n正文。\n",
    );
    let o = huiwen(&["check", "--root", p(s.root())]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("slug"), "a hint: {}", stderr(&o));
    let d = s.build_ok();
    assert!(d.iter().any(|x| x.message.contains("文件名太长")));
    let page = files(&s.out())
        .into_iter()
        .find(|f| f.starts_with("reports/2025/guan-yu"))
        .expect("the page was written");
    assert!(page.split('/').all(|seg| seg.len() <= 200), "{page}");
}

#[test]
fn verify_reads_what_sha256sum_writes_and_reports_links_and_fifos() {
    let s = TempSite::sample();
    let out = s.root().join("archive/2025");
    let o = huiwen(&["archive", "2025", "--root", p(s.root())]);
    assert!(o.status.success(), "{}", stderr(&o));
    let manifest = fs::read_to_string(out.join("MANIFEST.sha256")).unwrap();
    // sha256sum -b writes `*` before names; Windows editors add a BOM and CRLF.
    let rewritten: String = manifest
        .lines()
        .map(|l| format!("{}\r\n", l.replacen("  ", " *", 1)))
        .collect();
    fs::write(out.join("MANIFEST.sha256"), format!("\u{feff}{rewritten}")).unwrap();
    let o = huiwen(&["verify", p(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    // The real sha256sum accepts the manifest huiwen writes.
    fs::write(out.join("MANIFEST.sha256"), &manifest).unwrap();
    let ok = Command::new("sha256sum")
        .args(["-c", "--quiet", "MANIFEST.sha256"])
        .current_dir(&out)
        .status()
        .unwrap();
    assert!(ok.success());
    symlink("/etc/passwd", out.join("passwd")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(out.join("pipe"))
            .status()
            .unwrap()
            .success()
    );
    let o = huiwen(&["verify", p(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("passwd（符号链接）") && err.contains("pipe（命名管道"),
        "{err}"
    );
}

#[test]
fn new_reports_use_the_local_date() {
    let s = TempSite::minimal();
    let local = |tz: &str| {
        let o = Command::new("date")
            .env("TZ", tz)
            .arg("+%F")
            .output()
            .unwrap();
        String::from_utf8(o.stdout).unwrap().trim().to_owned()
    };
    for tz in ["CST-8", "UTC0", "EST+5"] {
        let today = local(tz);
        let o = Command::new(BIN)
            .env("TZ", tz)
            .args([
                "new",
                "report",
                &format!("时区{}", tz.len()),
                "--root",
                p(s.root()),
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let year = &today[..4];
        let file = s
            .root()
            .join(format!("content/reports/{year}/shi-qu-{}.md", tz.len()));
        let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(text.contains(&format!("date: {today}")), "{tz}: {text}");
        fs::remove_file(file).unwrap();
    }
}

// ---------------------------------------------------------------------------
// serve

fn serve(s: &TempSite) -> huiwen::serve::Server {
    let opts = huiwen::serve::ServeOptions {
        port: 0,
        verbose: false,
        header_timeout: Duration::from_millis(800),
        ..huiwen::serve::ServeOptions::new(s.root())
    };
    huiwen::serve::start(&opts).expect("server starts")
}

/// `GET path`, the status and the body length, reading in blocks.
fn get_len(addr: std::net::SocketAddr, path: &str) -> (u16, u64) {
    let mut c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        c,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        c.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let status = String::from_utf8_lossy(&head[9..12]).parse().unwrap();
    let mut total = 0u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        match c.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => total += n as u64,
            Err(e) => panic!("read: {e}"),
        }
    }
    (status, total)
}

fn rss_kib() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap()
}

#[test]
fn serve_streams_big_attachments_and_drops_idle_connections() {
    let s = TempSite::minimal();
    s.write(
        "content/reports/2025/big/index.md",
        "---\ntitle: 大附件\ndate: 2025-04-01\n---\n\n见附件。\n",
    );
    // A sparse 1 GiB file: nothing on disk, all of it to send.
    let big = s.root().join("content/reports/2025/big/录像.mp4");
    let f = fs::File::create(&big).unwrap();
    f.set_len(1 << 30).unwrap();
    let server = serve(&s);
    assert!(server.first_build().ok);
    let before = rss_kib();
    let (status, len) = get_len(server.addr(), "/reports/2025/big/%E5%BD%95%E5%83%8F.mp4");
    assert_eq!((status, len), (200, 1 << 30));
    let grown = rss_kib().saturating_sub(before);
    assert!(
        grown < 200 * 1024,
        "serving 1 GiB grew memory by {grown} KiB"
    );

    // A connection that sends nothing is closed after the header timeout.
    let mut idle = TcpStream::connect(server.addr()).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let started = Instant::now();
    let mut buf = [0u8; 64];
    let n = idle.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "closed without a response");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn serve_survives_a_fifo_and_a_huge_number_and_keeps_the_last_good_site() {
    let s = TempSite::minimal();
    let server = serve(&s);
    let addr = server.addr();
    let town = "/towns/town-a/";
    let wait = |what: &str, cond: &dyn Fn() -> bool| {
        let started = Instant::now();
        while !cond() {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "timed out: {what}"
            );
            std::thread::sleep(Duration::from_millis(30));
        }
    };
    let failed = || server.last_rebuild().is_some_and(|r| !r.ok);
    // A huge number: an error, the old page still served.
    s.write(
        "content/towns/a.yaml",
        "id: town-a\nname: 甲镇\nlevel: 省级\nstats:\n  2025: {teachers: 1.6e308}\n",
    );
    wait("the bad edit is seen", &failed);
    assert_eq!(get_len(addr, town).0, 200);
    // A FIFO where site.yaml was: still up, not hung.
    let config = s.read("site.yaml");
    fs::remove_file(s.root().join("site.yaml")).unwrap();
    assert!(
        Command::new("mkfifo")
            .arg(s.root().join("site.yaml"))
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(get_len(addr, town).0, 200);
    // Fixed: later edits apply.
    fs::remove_file(s.root().join("site.yaml")).unwrap();
    s.write("site.yaml", &config);
    s.write(
        "content/towns/a.yaml",
        "id: town-a\nname: 甲镇新名\nlevel: 省级\nstats:\n  2025: {teachers: 12}\n",
    );
    wait("the fixed site is served", &|| {
        server
            .snapshot()
            .get("towns/town-a/index.html")
            .is_some_and(|b| String::from_utf8_lossy(b).contains("甲镇新名"))
    });
}

//! Smoke test of the benchmark tooling (issue 8); the benchmark itself
//! (`bench/run.sh`) is not part of the test command. Checks that the corpus
//! generator is deterministic, that its site builds, that the Hugo copy holds
//! the same reports, and that the scripts which read results still parse
//! their inputs (`bench/report.py` on a canned sample, `bench/search_bytes.py`
//! on the built search index in Chromium), and that `bench/resample_real.py`
//! turns the corpus into one with resampled text that still builds.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use huiwen_corpus::{CorpusOptions, generate};

/// Whether Chromium and chromedriver are on PATH (bench/search_bytes.py
/// drives them); under `CI=true` (scripts/test.sh installs both) a missing
/// one fails instead of skipping that part.
fn chromium_and_driver() -> bool {
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(name).is_file()))
    };
    let found = (on_path("chromium") || on_path("chromium-browser")) && on_path("chromedriver");
    assert!(
        found || std::env::var("CI").as_deref() != Ok("true"),
        "CI=true but chromium or chromedriver is missing: apt-get install -y chromium chromium-driver"
    );
    found
}

/// The repository root (this crate is `bench/corpus`).
const REPO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");

/// Every file under `dir`, as `/`-separated relative paths, sorted.
fn list(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("prefix");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Every file under `dir`: relative path → bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    list(dir)
        .into_iter()
        .map(|rel| {
            let bytes = fs::read(dir.join(&rel)).expect("read");
            (rel, bytes)
        })
        .collect()
}

fn opts(out: PathBuf, seed: u64, hugo: Option<PathBuf>) -> CorpusOptions {
    CorpusOptions {
        reports: 40,
        out,
        seed,
        zola: hugo.as_ref().map(|h| h.with_file_name("zola")),
        hugo,
    }
}

fn reports(files: &BTreeMap<String, Vec<u8>>) -> Vec<&String> {
    files
        .keys()
        .filter(|k| k.starts_with("content/reports/") && k.ends_with(".md"))
        .collect()
}

fn python() -> Option<&'static str> {
    ["python3", "python"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn generator_is_deterministic_and_its_site_builds() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    let hugo = tmp.path().join("hugo");
    let sa = generate(&opts(a.clone(), 7, Some(hugo.clone()))).expect("generate a");
    let sb = generate(&opts(b.clone(), 7, None)).expect("generate b");
    assert_eq!(sa, sb);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa, fb, "same seed, same files");
    assert_eq!(sa.files, fa.len());
    assert!(
        sa.towns >= 3 && sa.belts >= 3 && sa.alliances >= 3,
        "{sa:?}"
    );

    // Regenerating over an earlier corpus gives the same files again.
    generate(&opts(b.clone(), 7, None)).expect("regenerate");
    assert_eq!(fa, files(&b));
    // Another seed, other text.
    let c = tmp.path().join("c");
    generate(&opts(c.clone(), 8, None)).expect("generate c");
    assert_ne!(fa, files(&c));
    // A folder that is not a corpus is never written into.
    let other = tmp.path().join("other");
    fs::create_dir_all(&other).expect("mkdir");
    fs::write(other.join("notes.txt"), "mine").expect("write");
    assert!(generate(&opts(other, 7, None)).is_err());

    // Reports: 2-20 KB bodies with the headings, tables and lists asked for.
    let reps = reports(&fa);
    assert_eq!(reps.len(), 40);
    let text: String = reps
        .iter()
        .map(|k| String::from_utf8(fa[*k].clone()).expect("utf-8"))
        .collect();
    for needle in [
        "## 一、",
        "### （一）",
        "| --- |",
        "tags: [",
        "towns: [",
        "date: 20",
    ] {
        assert!(text.contains(needle), "corpus lacks {needle}");
    }

    // The Hugo and Zola copies: the same report files with the same bodies,
    // and a config.
    let fh = files(&hugo);
    let fz = files(&tmp.path().join("zola"));
    assert_eq!(reports(&fh), reps, "Hugo copy has the same reports");
    let zola_reports: Vec<&String> = reports(&fz)
        .into_iter()
        .filter(|k| !k.ends_with("/_index.md"))
        .collect();
    assert_eq!(zola_reports, reps, "Zola copy has the same reports");
    for k in &reps {
        let body = |f: &BTreeMap<String, Vec<u8>>| {
            let t = String::from_utf8(f[*k].clone()).expect("utf-8");
            t.splitn(3, "---\n")
                .nth(2)
                .expect("front matter")
                .to_owned()
        };
        assert_eq!(body(&fa), body(&fh), "{k}: same Markdown");
        assert_eq!(body(&fa), body(&fz), "{k}: same Markdown");
    }
    for f in [
        "config.toml",
        "templates/page.html",
        "templates/section.html",
        "content/reports/_index.md",
        "content/towns/_index.md",
    ] {
        assert!(fz.contains_key(f), "Zola site lacks {f}");
    }
    for f in [
        "hugo.toml",
        "layouts/_default/baseof.html",
        "layouts/_default/list.html",
        "layouts/_default/single.html",
        "layouts/index.html",
    ] {
        assert!(fh.contains_key(f), "Hugo site lacks {f}");
    }

    // Valid huiwen content: it builds without errors or warnings.
    let out = tmp.path().join("out");
    let (result, diags) = huiwen::build(&huiwen::BuildOptions {
        root: a.clone(),
        output: Some(out.clone()),
        ..Default::default()
    });
    let text: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
    assert!(result.is_ok(), "build failed:\n{}", text.join("\n"));
    assert_eq!(diags.warning_count(), 0, "{}", text.join("\n"));
    let built = files(&out);
    let pages = built
        .keys()
        .filter(|k| k.starts_with("reports/20") && k.ends_with("/index.html"))
        .count();
    assert_eq!(pages, 40, "one page per report");

    // bench/search_bytes.py measures what the search page loads.
    if out.join("search/index.js").exists() && chromium_and_driver() {
        let py = python().expect("python3 is needed by the benchmark scripts");
        let o = Command::new(py)
            .arg(Path::new(REPO).join("bench/search_bytes.py"))
            .arg(&out)
            .arg("教育")
            .output()
            .expect("run search_bytes.py");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).expect("one JSON line for one query");
        assert_eq!(v["query"], "教育");
        assert!(v["shown"].as_u64().unwrap_or(0) > 0, "{v}");
        assert!(v["bytes"].as_u64().unwrap_or(0) > 0, "{v}");
        let by = v["by_kind"].as_object().expect("by kind");
        for part in [
            "search/index.html",
            "assets/search.js",
            "search/index.js",
            "s",
            "d",
        ] {
            assert!(by.contains_key(part), "{part} not counted: {v}");
        }
    }

    // bench/resample_real.py: every body replaced by sentences from the
    // material (here a fixture imitating it), front matter kept; it builds.
    let material = tmp.path().join("material");
    fs::create_dir_all(&material).expect("mkdir");
    fs::write(
        material.join("plan.txt"),
        "一、突出品牌创优,打造优势教育集聚区\n聚焦党建红色高地。推进XX学校结对共建！建成名师工作室12个。\n",
    )
    .expect("write material");
    let real = tmp.path().join("real");
    let py = python().expect("python3 is needed by the benchmark scripts");
    let o = Command::new(py)
        .arg(Path::new(REPO).join("bench/resample_real.py"))
        .arg(&a)
        .arg(&real)
        .arg(&material)
        .output()
        .expect("run resample_real.py");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let fr = files(&real);
    let resampled = reports(&fr);
    assert_eq!(resampled.len(), 40);
    for k in resampled {
        let text = String::from_utf8(fr[k].clone()).expect("utf-8");
        let (front, body) = text[4..].split_once("\n---\n").expect("front matter kept");
        assert!(front.contains("title:"), "{k}");
        assert!(
            body.contains("名师工作室") || body.contains("聚焦党建"),
            "{k}: {body}"
        );
        assert!(!body.contains("## 一、"), "{k}: generated text left");
    }
    let (result, diags) = huiwen::build(&huiwen::BuildOptions {
        root: real.clone(),
        output: Some(tmp.path().join("real-out")),
        ..Default::default()
    });
    let text: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
    assert!(
        result.is_ok(),
        "resampled site does not build:\n{}",
        text.join("\n")
    );
}

#[test]
fn report_script_parses_the_canned_sample() {
    let py = python().expect("python3 is needed by the benchmark scripts");
    let tmp = tempfile::tempdir().expect("tempdir");
    let json = tmp.path().join("summary.json");
    let o = Command::new(py)
        .arg(Path::new(REPO).join("bench/report.py"))
        .arg(Path::new(REPO).join("bench/testdata/sample"))
        .arg(&json)
        .output()
        .expect("run report.py");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let md = String::from_utf8(o.stdout).expect("utf-8");
    // Medians of 3 rounds, CPU = user + sys, RSS in MiB, ratios against
    // Hugo, Hugo + Pagefind and Zola; the rounds over the previous output
    // in a table of their own.
    for row in [
        "| 1,000 | huiwen | 2.50 s | 3.20 s | 100 MiB | 0.56× | 0.23× | 0.36× | 0.50× |",
        "| 1,000 | hugo+pagefind | 11.00 s | 16.20 s | 400 MiB | 2.44× | 1.00× | 1.57× | 2.00× |",
        "| 1,000 | zola | 7.00 s | 11.00 s | 500 MiB | 1.56× | 0.64× | 1.00× | 2.50× |",
        "| 1,000 | lowerbound | 0.60 s | 0.30 s | 2 MiB | 0.13× | 0.05× | 0.09× | 0.01× |",
        "| 1,000 | huiwen | 3.20 s | 4.20 s | 107 MiB | 0.62× | 0.26× | 0.35× | 0.52× |",
        "| 1,000 | 3,509 | 13.0 MB | 1,500 | 9.2 MB | 8.5 MB | 5.0 MB |",
        "| 教育 | 1079 | 81.3 | 1430 | 202.0 | 333.3 | 0.24× |",
    ] {
        assert!(md.contains(row), "missing row {row} in:\n{md}");
    }
    let over = md
        .find("over the previous output")
        .expect("a table of builds over the previous output");
    assert!(md[over..].contains("| 1,000 | zola | 9.25 s |"), "{md}");
    let v: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json).expect("summary.json")).expect("json");
    assert_eq!(v["sizes"]["1000"]["runs"], 3);
    assert_eq!(v["sizes"]["1000"]["tools"]["hugo"]["wall_s"], 4.5);
    assert_eq!(v["sizes"]["1000"]["over_runs"], 2);
    assert_eq!(v["sizes"]["1000"]["over"]["hugo"]["wall_s"], 5.2);
}

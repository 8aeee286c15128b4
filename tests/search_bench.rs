//! Search size and speed on a generated 10,000-report site: a benchmark, not
//! a test (it is `#[ignore]`d, and asserts nothing about time). Run it with
//!
//! ```sh
//! cargo test --release --test search_bench -- --ignored --nocapture
//! ```
//!
//! It copies the sample site's entities, writes 10,000 reports made from the
//! sample reports (titles, dates and one generated paragraph varied so that
//! the vocabulary grows like a real archive's), builds the site, and prints:
//! build time, index build time, index size, and for a few queries what the
//! search page loads from `file://` (bytes and files) and how long it takes.
//! `HUIWEN_BENCH_REPORTS` changes the number of reports; `HUIWEN_BENCH_SITE`
//! measures an existing site instead (e.g. from `huiwen-corpus`).

mod browser;
mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use browser::{browser, connect, enc, js, start_driver, wait_done};
use common::{REPO, copy_dir};
use huiwen::diag::Diagnostics;

/// A small deterministic generator (no dependency, same corpus every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.next() % xs.len()]
    }
}

const PLACES: &[&str] = &[
    "东", "西", "南", "北", "中", "上", "下", "前", "后", "新", "旧", "高", "低", "大", "小", "山",
    "水", "河", "湖", "林", "石", "田", "桥", "庄", "营", "集", "店", "铺", "坊", "湾", "岭", "坪",
];
const TOPICS: &[&str] = &[
    "课后服务",
    "集体备课",
    "教学视导",
    "家校共育",
    "心理健康",
    "体育大课间",
    "劳动教育",
    "科学实验",
    "阅读推广",
    "书法教育",
    "信息技术",
    "双减落实",
    "作业设计",
    "课堂改革",
    "校园安全",
    "营养改善",
    "控辍保学",
    "随班就读",
    "教师培训",
    "校长轮岗",
    "名师送教",
    "城乡结对",
    "乡村少年宫",
    "研学实践",
];

fn paragraph(rng: &mut Lcg) -> String {
    let mut p = String::new();
    for _ in 0..4 {
        let town = format!("{}{}镇", rng.pick(PLACES), rng.pick(PLACES));
        let n = rng.next() % 90 + 10;
        p.push_str(&format!(
            "{town}{}围绕{}开展专项行动，覆盖学校{n}所，惠及学生{}人。",
            rng.pick(&["中心学校", "第一小学", "初级中学", "中心幼儿园"]),
            rng.pick(TOPICS),
            n * 37
        ));
    }
    p
}

/// Sample reports as (front matter lines, body).
fn sample_reports() -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut stack = vec![Path::new(REPO).join("content/reports")];
    let mut files = Vec::new();
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md")
                // Bundles link to their attachments, which are not copied.
                && !p.ends_with("index.md")
            {
                files.push(p);
            }
        }
    }
    files.sort();
    for f in files {
        let text = fs::read_to_string(&f).expect("read");
        let Some(rest) = text.strip_prefix("---\n") else {
            continue;
        };
        let Some(end) = rest.find("\n---\n") else {
            continue;
        };
        let front = rest[..end]
            .lines()
            .filter(|l| {
                !["title:", "date:", "slug:", "draft:"]
                    .iter()
                    .any(|k| l.starts_with(k))
            })
            .map(str::to_owned)
            .collect();
        out.push((front, rest[end + 5..].to_owned()));
    }
    out
}

fn generate(root: &Path, n: usize) {
    for dir in ["towns", "belts", "alliances"] {
        copy_dir(
            &Path::new(REPO).join("content").join(dir),
            &root.join("content").join(dir),
        );
    }
    fs::copy(Path::new(REPO).join("site.yaml"), root.join("site.yaml")).expect("site.yaml");
    let samples = sample_reports();
    let mut rng = Lcg(20_250_318);
    for i in 0..n {
        let (front, body) = &samples[i % samples.len()];
        let year = 2015 + i % 12;
        let title_base = body
            .lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.chars().take(18).collect::<String>())
            .unwrap_or_default();
        let title = format!(
            "{}{}工作交流（{}）",
            rng.pick(TOPICS),
            rng.pick(PLACES),
            i + 1
        );
        let text = format!(
            "---\ntitle: \"{title}\"\ndate: {year}-{:02}-{:02}\nslug: r{i}\n{}\n---\n\n{}\n\n{}\n\n{}\n",
            i % 12 + 1,
            i % 28 + 1,
            front.join("\n"),
            paragraph(&mut rng),
            body,
            title_base
        );
        let p = root.join(format!("content/reports/{year}/r{i}.md"));
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, text).expect("write");
    }
}

fn dir_size(dir: &Path) -> (u64, usize) {
    let files = common::files(dir);
    let total = files
        .iter()
        .map(|f| fs::metadata(dir.join(f)).map(|m| m.len()).unwrap_or(0))
        .sum();
    (total, files.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: cargo test --release --test search_bench -- --ignored --nocapture"]
async fn search_on_10000_reports() {
    let n: usize = std::env::var("HUIWEN_BENCH_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let tmp = tempfile::tempdir().expect("tempdir");
    // HUIWEN_BENCH_SITE: an existing site to measure instead (for example
    // one written by `huiwen-corpus --out DIR`).
    let given = std::env::var_os("HUIWEN_BENCH_SITE").map(std::path::PathBuf::from);
    let root = given.as_deref().unwrap_or(tmp.path());
    if given.is_none() {
        generate(root, n);
    }

    let mut diags = Diagnostics::new();
    let t = Instant::now();
    let (site, renderer) =
        huiwen::pipeline::prepare_once(root, &huiwen::pipeline::Plan::default(), &mut diags)
            .expect("corpus loads");
    let load = t.elapsed();
    let docs = huiwen::search::docs::DocSource::new(&site, &renderer).len();
    // The index as a build makes it (documents, grams, every file), into a
    // sink that keeps only the sizes; the machine may be busy: best of three.
    let mut index = Duration::MAX;
    let (mut index_bytes, mut file_count, mut shards) = (0, 0, 0);
    for _ in 0..3 {
        let sizes = std::sync::Mutex::new(Vec::new());
        let sink = |rel: &str, bytes: &[u8]| {
            sizes
                .lock()
                .expect("lock")
                .push((rel.starts_with("s/"), bytes.len()));
            Ok(())
        };
        let t = Instant::now();
        let failed = huiwen::search::write_index(&site, &renderer, &|_| None, &sink);
        index = index.min(t.elapsed());
        assert!(failed.is_empty());
        let sizes = sizes.into_inner().expect("lock");
        index_bytes = sizes.iter().map(|x| x.1).sum();
        file_count = sizes.len();
        shards = sizes.iter().filter(|x| x.0).count();
    }
    // The same, writing the files as the build does (from the workers).
    let scratch = tmp.path().join("scratch");
    let sink = |rel: &str, bytes: &[u8]| {
        let p = scratch.join(rel);
        if let Some(d) = p.parent() {
            fs::create_dir_all(d)?;
        }
        fs::write(p, bytes)
    };
    let t = Instant::now();
    assert!(huiwen::search::write_index(&site, &renderer, &|_| None, &sink).is_empty());
    let write = t.elapsed();
    fs::remove_dir_all(&scratch).expect("clean up");

    let out = tmp.path().join("out");
    let t = Instant::now();
    let (r, d) = huiwen::build(&huiwen::BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.clone()),
        ..Default::default()
    });
    let build = t.elapsed();
    if r.is_err() {
        let text: Vec<String> = d.sorted().iter().map(|x| x.to_string()).collect();
        panic!("build failed:\n{}", text.join("\n"));
    }
    let (search_bytes, search_files) = dir_size(&out.join("search"));
    let (all_bytes, all_files) = dir_size(&out);
    println!("corpus: {} reports, {docs} documents", site.reports.len(),);
    println!(
        "load+model {load:.2?}; index computed {index:.2?} ({} MB, {file_count} files, \
         {shards} shards); computed and written to disk {write:.2?}",
        index_bytes as f64 / 1e6
    );
    println!(
        "full build {build:.2?}: {all_files} files, {:.1} MB; search/: {search_files} files, {:.1} MB",
        all_bytes as f64 / 1e6,
        search_bytes as f64 / 1e6
    );

    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let (_driver, port) = start_driver(&chromedriver);
    let profile = tempfile::tempdir().expect("profile");
    let c = connect(port, &chromium, profile.path()).await;
    let script = fs::metadata(out.join("assets/search.js"))
        .map(|m| m.len())
        .unwrap_or(0);
    let manifest = fs::metadata(out.join("search/index.js"))
        .map(|m| m.len())
        .unwrap_or(0);
    println!("search.js {script} B, search/index.js {manifest} B");
    println!(
        "query | hits | files | index data | + script + manifest | load ms | rank ms | first page ms"
    );
    for q in ["教育", "农业", "义务教育", "名师工作室", "義務教育", "2025"] {
        c.goto(&format!(
            "file://{}/search/index.html?q={}",
            out.display(),
            enc(q)
        ))
        .await
        .expect("goto");
        wait_done(&c).await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        let loaded = js(&c, "return HW.loaded();").await;
        let loaded: Vec<String> = serde_json::from_value(loaded).expect("paths");
        let bytes: u64 = loaded
            .iter()
            .map(|p| {
                fs::metadata(out.join("search").join(p))
                    .map(|m| m.len())
                    .unwrap_or(0)
            })
            .sum();
        let mut by_dir: std::collections::BTreeMap<&str, (u64, usize)> = Default::default();
        for p in &loaded {
            let size = fs::metadata(out.join("search").join(p))
                .map(|m| m.len())
                .unwrap_or(0);
            let e = by_dir.entry(p.split('/').next().unwrap_or("")).or_default();
            e.0 += size;
            e.1 += 1;
        }
        let status = js(
            &c,
            "return document.getElementById('search-status').textContent;",
        )
        .await;
        let timing = js(&c, "return HW.timing;").await;
        let ms = |k: &str| timing.get(k).and_then(|v| v.as_f64()).unwrap_or(-1.0);
        println!(
            "{q} | {} | {} | {:.1} KB | {:.1} KB | {:.0} | {:.0} | {:.0}",
            status.as_str().unwrap_or(""),
            loaded.len(),
            bytes as f64 / 1024.0,
            (bytes + script + manifest) as f64 / 1024.0,
            ms("load"),
            ms("rank"),
            ms("page"),
        );
        println!("    {by_dir:?}");
    }
    c.close().await.expect("close");
}

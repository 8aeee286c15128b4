//! Shared helpers for the integration tests: a copy of the sample site in a
//! temporary directory, builds through the library, and output inspection.
#![allow(dead_code)]

pub mod sheets;

use std::fs;
use std::path::{Path, PathBuf};

use huiwen::diag::Diagnostics;
use huiwen::{BuildError, BuildOptions, BuildSummary, build};

pub const REPO: &str = env!("CARGO_MANIFEST_DIR");

/// A throw-away site: the repository's sample site copied to a temp dir.
pub struct TempSite {
    pub dir: tempfile::TempDir,
}

impl TempSite {
    pub fn sample() -> TempSite {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(
            &Path::new(REPO).join("content"),
            &dir.path().join("content"),
        );
        fs::copy(
            Path::new(REPO).join("site.yaml"),
            dir.path().join("site.yaml"),
        )
        .expect("copy site.yaml");
        TempSite { dir }
    }

    /// A minimal valid site: site.yaml with two metrics, one town, one report.
    pub fn minimal() -> TempSite {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = TempSite { dir };
        s.write("site.yaml", "title: 测试站点\nmetrics:\n  teachers: {label: 教师数, unit: 名}\n  funds: {label: 经费, unit: 万元}\n");
        s.write(
            "content/towns/a.yaml",
            "id: town-a\nname: 甲镇\nlevel: 省级\nstats:\n  2024: {teachers: 10}\n  2025: {teachers: 12, funds: 5.5}\n",
        );
        s.write(
            "content/reports/2025/r1.md",
            "---\ntitle: 甲镇经验\ndate: 2025-01-02\ntowns: [town-a]\ntags: [强镇筑基]\n---\n\n正文第一段。\n",
        );
        s
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn out(&self) -> PathBuf {
        self.dir.path().join("output")
    }

    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let p = self.dir.path().join(rel);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, bytes).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.dir.path().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    pub fn build(&self) -> (Result<BuildSummary, BuildError>, Diagnostics) {
        build(&BuildOptions {
            root: self.root().to_path_buf(),
            ..Default::default()
        })
    }

    /// Builds and fails the test with the diagnostics if the build fails.
    pub fn build_ok(&self) -> Diagnostics {
        let (r, d) = self.build();
        if r.is_err() {
            let text: Vec<String> = d.sorted().iter().map(|x| x.to_string()).collect();
            panic!("build failed:\n{}", text.join("\n"));
        }
        d
    }

    /// Builds, expecting failure; returns the rendered diagnostics.
    pub fn build_err(&self) -> (Diagnostics, String) {
        let (r, d) = self.build();
        assert!(r.is_err(), "build should fail");
        let text = d
            .sorted()
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join("\n");
        (d, text)
    }

    pub fn page(&self, rel: &str) -> String {
        let p = self.out().join(rel).join("index.html");
        fs::read_to_string(&p).unwrap_or_else(|e| panic!("missing page {}: {e}", p.display()))
    }
}

/// Runs the `huiwen` binary in `dir`.
pub fn run(args: &[&str], dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_huiwen"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run huiwen")
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            fs::copy(e.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir`, as `/`-separated relative paths, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(
                    p.strip_prefix(dir)
                        .expect("prefix")
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

/// The values of `attr="…"` in `html`.
pub fn attr_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .filter_map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            rest.find('"').map(|j| &rest[..j])
        })
        .collect()
}

/// Percent-decodes a URL path (for links to files with Chinese names).
#[allow(unused_imports)]
pub use huiwen::base::url::percent_decode;

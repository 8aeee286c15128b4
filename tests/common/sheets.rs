//! Helpers for the spreadsheet tests: the committed fixtures, the figures a
//! built site publishes, the sample site with its statistics taken out of
//! the YAML, and zip surgery for filling in and damaging workbooks.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use super::{REPO, TempSite, files};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(REPO).join("tests/fixtures/sheets").join(name)
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    fs::read(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// `(type, id, year, metric)` → value.
pub type Figures = BTreeMap<(String, String, String, String), f64>;

/// Every figure a built site publishes, from its `stats/stats.json`.
pub fn figures(s: &TempSite) -> Figures {
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(s.out().join("stats/stats.json")).expect("stats.json"))
            .expect("json");
    let mut out = Figures::new();
    for e in json["entities"].as_array().expect("entities") {
        let (kind, id) = (e["type"].as_str().unwrap(), e["id"].as_str().unwrap());
        for (year, row) in e["stats"].as_object().unwrap() {
            for (metric, v) in row.as_object().unwrap() {
                out.insert(
                    (kind.into(), id.into(), year.clone(), metric.clone()),
                    v.as_f64().unwrap(),
                );
            }
        }
    }
    out
}

/// The figures in `after` that `before` does not have, or has differently.
pub fn added(before: &Figures, after: &Figures) -> Figures {
    after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

/// A figure key, for expected tables.
pub fn key(kind: &str, id: &str, year: u16, metric: &str) -> (String, String, String, String) {
    (kind.into(), id.into(), year.to_string(), metric.into())
}

/// A YAML entity file without its `stats:` blocks.
pub fn strip_stats(yaml: &str) -> String {
    let mut out = String::new();
    let mut skipping: Option<usize> = None;
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        let body = line.trim_start().trim_start_matches("- ");
        if let Some(level) = skipping {
            if line.trim().is_empty() || indent > level {
                continue;
            }
            skipping = None;
        }
        if body.starts_with("stats:") {
            skipping = Some(indent);
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The sample site with every statistic taken out: the entity YAML
/// without `stats:`, and no spreadsheets.
pub fn sample_without_stats() -> TempSite {
    let s = TempSite::sample();
    for f in files(&s.root().join("content")) {
        let rel = format!("content/{f}");
        if f.starts_with("stats/") {
            fs::remove_file(s.root().join(&rel)).unwrap();
        } else if rel.ends_with(".yaml") {
            let text = s.read(&rel);
            s.write(&rel, &strip_stats(&text));
        }
    }
    s
}

/// Every output file with its bytes.
pub fn output(s: &TempSite) -> BTreeMap<String, Vec<u8>> {
    files(&s.out())
        .into_iter()
        .map(|f| {
            let b = fs::read(s.out().join(&f)).unwrap();
            (f, b)
        })
        .collect()
}

/// Fails naming the files that differ between two outputs.
pub fn assert_same_output(
    a: &BTreeMap<String, Vec<u8>>,
    b: &BTreeMap<String, Vec<u8>>,
    what: &str,
) {
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: file lists differ: {only_a:?} / {only_b:?}"
    );
    let differ: Vec<&String> = a
        .iter()
        .filter(|(k, v)| b.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(differ.is_empty(), "{what}: files differ: {differ:?}");
}

/// A zip archive with some entries replaced (`edit` returns the new bytes,
/// or `None` to keep an entry as it is).
pub fn rewrite_zip(bytes: &[u8], mut edit: impl FnMut(&str, &[u8]) -> Option<Vec<u8>>) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let data = edit(&name, &data).unwrap_or(data);
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// An entry of a zip archive, as text.
pub fn zip_text(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    let mut f = archive.by_name(name).expect("entry");
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

/// Whether LibreOffice is here; under `CI=true` (scripts/test.sh) it must be.
pub fn soffice() -> bool {
    let found = std::process::Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "LibreOffice (soffice) is missing: apt-get install -y libreoffice-calc-nogui"
        );
        eprintln!("skipped: LibreOffice (soffice) is not installed");
    }
    found
}

/// Opens `file` in LibreOffice (headless) and saves it as `format`
/// (`xlsx`, `xls`, or a CSV filter string) into `out`; `infilter` for CSV input.
pub fn libreoffice(file: &Path, format: &str, out: &Path, infilter: Option<&str>) {
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("soffice");
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.path().display()
    ))
    .arg("--headless");
    if let Some(f) = infilter {
        cmd.arg(format!("--infilter={f}"));
    }
    let status = cmd
        .arg("--convert-to")
        .arg(format)
        .arg("--outdir")
        .arg(out)
        .arg(file)
        .output()
        .expect("soffice runs");
    assert!(status.status.success(), "soffice: {status:?}");
}

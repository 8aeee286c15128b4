//! `huiwen archive YEAR` and `huiwen verify DIR`: the frozen copy of a year.
//!
//! An archive is the site scoped to one year (the year's reports, every
//! entity with its statistics up to that year, search over exactly that),
//! rendered with `index.html` links so it opens from a folder or USB stick,
//! with a banner on every page, a printable yearbook, and `MANIFEST.sha256`
//! (the format `sha256sum -c` reads) so a copy can be verified years later.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::commands::build::{BuildError, prepare_with, write_other_files, write_search_index};
use crate::config::LinkStyle;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::frontmatter::Date;
use crate::model::ModelOptions;
use crate::model::ids::Year;
use crate::output::{Staging, check_output_location};
use crate::render::ArchiveInfo;
use crate::render::pages::{Job, global_context, render_all, render_job};

pub const MANIFEST: &str = "MANIFEST.sha256";

#[derive(Debug, Clone)]
pub struct ArchiveOptions {
    pub root: PathBuf,
    pub year: i64,
    /// Defaults to `root/archive/YEAR`.
    pub out: Option<PathBuf>,
    pub zip: bool,
    /// The date shown in the banner (today, normally).
    pub date: Date,
}

#[derive(Debug, Clone)]
pub struct ArchiveSummary {
    pub out: PathBuf,
    pub files: usize,
    pub reports: usize,
    pub zip: Option<PathBuf>,
}

pub fn archive(opts: &ArchiveOptions) -> (Result<ArchiveSummary, BuildError>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let r = run(opts, &mut diags).map_err(|()| BuildError::Invalid {
        errors: diags.error_count(),
    });
    (r, diags)
}

fn run(opts: &ArchiveOptions, diags: &mut Diagnostics) -> Result<ArchiveSummary, ()> {
    let year = Year::new(opts.year).map_err(|m| diags.push(Diagnostic::error("YEAR", m)))?;
    let root = &opts.root;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| root.join("archive").join(year.to_string()));
    if let Err(msg) = check_output_location(root, &out) {
        diags
            .push(Diagnostic::error(out.clone(), msg).with_hint("用 --out 指定站点目录之外的位置"));
        return Err(());
    }
    let model = ModelOptions {
        drafts: false,
        year: Some(year),
    };
    let (site, mut renderer) = prepare_with(root, None, model, diags).ok_or(())?;
    if site.reports.is_empty() {
        diags.push(
            Diagnostic::error("content/reports", format!("{year} 年没有报告，无法归档"))
                .with_hint("检查报告的 date 是否写在这一年"),
        );
        return Err(());
    }
    renderer.set_link_style(LinkStyle::File);
    let live = &site.config.base_url;
    renderer.archive = Some(ArchiveInfo {
        year: year.get(),
        date: opts.date.to_string(),
        live_url: (live.starts_with("http://") || live.starts_with("https://"))
            .then(|| live.clone()),
    });

    let staging = Staging::begin(&out).map_err(|e| {
        diags.push(Diagnostic::error(
            out.clone(),
            format!("无法创建归档目录: {e}"),
        ));
    })?;
    let write = |rel: &str, bytes: &[u8]| staging.write(rel, bytes);
    let copy = |src: &Path, rel: &str| staging.copy(src, rel);
    render_all(&site, &renderer, &write, &|| {}, diags);
    write_other_files(root, &site, &renderer, &write, &copy, diags);
    write_search_index(&site, &write, diags);
    let global = global_context(&site, &renderer);
    let mut warnings = Vec::new();
    match render_job(&site, &renderer, &global, &Job::Yearbook, &mut warnings) {
        Ok((path, bytes)) => {
            if let Err(e) = write(&path, &bytes) {
                diags.push(Diagnostic::error(path.as_str(), format!("无法写入: {e}")));
            }
        }
        Err(d) => diags.push(d),
    }
    diags.extend(warnings.into_iter().filter(|w| w.is_error()));
    if diags.has_errors() {
        return Err(());
    }
    let manifest = match manifest_of(staging.dir()) {
        Ok(m) => m,
        Err(e) => {
            diags.push(Diagnostic::error(out.clone(), format!("无法生成清单: {e}")));
            return Err(());
        }
    };
    let files = manifest.lines().count();
    if let Err(e) = write(MANIFEST, manifest.as_bytes()) {
        diags.push(Diagnostic::error(MANIFEST, format!("无法写入清单: {e}")));
        return Err(());
    }
    if let Err(e) = staging.commit() {
        diags.push(Diagnostic::error(
            out.clone(),
            format!("无法替换归档目录: {e}"),
        ));
        return Err(());
    }
    let zip = if opts.zip {
        let path = out.with_file_name(format!("{year}.zip"));
        match write_zip(&out, &path) {
            Ok(()) => Some(path),
            Err(e) => {
                diags.push(Diagnostic::error(path, format!("无法写入 zip: {e}")));
                return Err(());
            }
        }
    } else {
        None
    };
    Ok(ArchiveSummary {
        out,
        files: files + 1,
        reports: site.reports.len(),
        zip,
    })
}

/// Every file under `dir` (but the manifest) with its SHA-256, sorted by path.
fn manifest_of(dir: &Path) -> io::Result<String> {
    let mut lines = Vec::new();
    for (rel, path) in crate::load::files_under(dir) {
        if rel == MANIFEST {
            continue;
        }
        lines.push(format!("{}  {rel}\n", sha256_file(&path)?));
    }
    Ok(lines.concat())
}

fn sha256_file(path: &Path) -> io::Result<String> {
    let mut f = fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The tree as a zip, names in UTF-8 (flagged as such, so Windows Explorer
/// shows Chinese names right), written beside and renamed into place.
fn write_zip(dir: &Path, to: &Path) -> io::Result<()> {
    let tmp = to.with_extension("zip.tmp");
    let file = fs::File::create(&tmp)?;
    let mut zip = zip::ZipWriter::new(file);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let top = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "archive".into());
    for (rel, path) in crate::load::files_under(dir) {
        zip.start_file(format!("{top}/{rel}"), options)
            .map_err(io::Error::other)?;
        zip.write_all(&fs::read(&path)?)?;
    }
    zip.finish().map_err(io::Error::other)?;
    fs::rename(&tmp, to)
}

/// What `huiwen verify` found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: usize,
    pub missing: Vec<String>,
    pub changed: Vec<String>,
    pub extra: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Checks `dir` against its `MANIFEST.sha256`.
pub fn verify(dir: &Path) -> io::Result<Verification> {
    let manifest = fs::read_to_string(dir.join(MANIFEST)).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("{} 中没有 {MANIFEST}: {e}", dir.display()),
        )
    })?;
    let mut v = Verification::default();
    let mut listed = std::collections::HashSet::new();
    for (n, line) in manifest.lines().enumerate() {
        let Some((hash, rel)) = line.split_once("  ") else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{MANIFEST} 第 {} 行格式不对", n + 1),
            ));
        };
        listed.insert(rel.to_owned());
        let path = dir.join(rel);
        let safe = Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !safe || !path.is_file() {
            v.missing.push(rel.to_owned());
            continue;
        }
        v.checked += 1;
        if sha256_file(&path)? != hash {
            v.changed.push(rel.to_owned());
        }
    }
    for (rel, _) in crate::load::files_under(dir) {
        if rel != MANIFEST && !listed.contains(&rel) {
            v.extra.push(rel);
        }
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_a_known_input() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a");
        fs::write(&p, "abc").unwrap();
        assert_eq!(
            sha256_file(&p).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

//! `huiwen archive YEAR` and `huiwen verify DIR`: the frozen copy of a year.
//!
//! An archive is the site scoped to one year (the year's reports, every
//! entity with its statistics up to that year, search over exactly that),
//! rendered with `index.html` links so it opens from a folder or USB stick,
//! with a banner on every page, a printable yearbook, and `MANIFEST.sha256`
//! (the format `sha256sum -c` reads) so a copy can be verified years later.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::base::fs::{EntryKind, tree};
use crate::base::ids::Year;
use crate::base::sink::Discard;
use crate::commands::build::BuildError;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::frontmatter::Date;
use crate::model::ModelOptions;
use crate::output::{OutputError, Staging, check_output_location};
use crate::pipeline::{Plan, prepare_once, render_all, render_site, write_other_files};
use crate::render::ArchiveInfo;
use crate::render::cache::RenderCache;
use crate::render::pages::{Job, render_job};

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
    let r = run(opts, &mut diags).map_err(|e| {
        e.unwrap_or(BuildError::Invalid {
            errors: diags.error_count(),
        })
    });
    (r, diags)
}

/// `Err(None)`: content errors, in `diags`; `Err(Some(e))`: the output failed.
fn run(
    opts: &ArchiveOptions,
    diags: &mut Diagnostics,
) -> Result<ArchiveSummary, Option<BuildError>> {
    let year = Year::new(opts.year).map_err(|m| {
        diags.push(Diagnostic::error("YEAR", m));
        None
    })?;
    let root = &opts.root;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| root.join("archive").join(year.to_string()));
    if let Err(msg) = check_output_location(root, &out) {
        diags
            .push(Diagnostic::error(out.clone(), msg).with_hint("用 --out 指定站点目录之外的位置"));
        return Err(None);
    }
    let plan = Plan {
        base_url: None,
        model: ModelOptions {
            drafts: false,
            year: Some(year),
        },
        archive: Some(ArchiveInfo {
            year: year.get(),
            date: opts.date.to_string(),
            live_url: None,
        }),
    };
    let (site, renderer) = prepare_once(root, &plan, diags).ok_or(None)?;
    if diags.has_errors() {
        render_all(&site, &renderer, &Discard, &|| {}, diags);
        return Err(None);
    }
    if site.reports.is_empty() {
        diags.push(
            Diagnostic::error("content/reports", format!("{year} 年没有报告，无法归档"))
                .with_hint("检查报告的 date 是否写在这一年"),
        );
        return Err(None);
    }

    let staging =
        Staging::begin(&out, &crate::commands::build::print_notice).map_err(|e| Some(e.into()))?;
    render_site(&site, &renderer, &staging, &|| {}, diags);
    write_other_files(&site, &renderer, &staging);
    let cache = RenderCache::new(&site, &renderer);
    match render_job(&site, &renderer, &cache, &Job::Yearbook, false) {
        Ok(made) => {
            let _ = staging.write(&made.path, &made.bytes);
            diags.extend(made.warnings.into_iter().filter(|w| w.is_error()));
        }
        Err(d) => diags.push(d),
    }
    if let Some(e) = staging.failure() {
        return Err(Some(e.into()));
    }
    if diags.has_errors() {
        return Err(None);
    }
    let failed = |what: &'static str, e: io::Error| {
        Some(BuildError::Output(OutputError::Io {
            what,
            path: out.clone(),
            reason: crate::base::fs::describe(&e),
        }))
    };
    let manifest = manifest_of(staging.dir()).map_err(|e| failed("无法生成清单", e))?;
    let files = manifest.lines().count();
    let _ = staging.write(MANIFEST, manifest.as_bytes());
    staging.commit().map_err(|e| Some(e.into()))?;
    let zip = if opts.zip {
        let path = out.with_file_name(format!("{year}.zip"));
        write_zip(&out, &path).map_err(|e| failed("无法写入 zip", e))?;
        Some(path)
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
    for (rel, kind) in tree(dir)? {
        if rel == MANIFEST || kind != EntryKind::File {
            continue;
        }
        lines.push(format!("{}  {rel}\n", sha256_file(&dir.join(&rel))?));
    }
    Ok(lines.concat())
}

fn sha256_file(path: &Path) -> io::Result<String> {
    let mut f = crate::base::fs::open_regular(path)?;
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
/// shows Chinese names right), written beside and renamed into place, so a
/// zip at `to` is always whole.
fn write_zip(dir: &Path, to: &Path) -> io::Result<()> {
    let tmp = to.with_extension("zip.tmp");
    let result = (|| {
        let file = fs::File::create(&tmp)?;
        let mut zip = zip::ZipWriter::new(file);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        let top = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "archive".into());
        for (rel, kind) in tree(dir)? {
            if kind != EntryKind::File {
                continue;
            }
            zip.start_file(format!("{top}/{rel}"), options)
                .map_err(io::Error::other)?;
            io::copy(
                &mut crate::base::fs::open_regular(&dir.join(&rel))?,
                &mut zip,
            )?;
        }
        zip.finish().map_err(io::Error::other)?;
        fs::rename(&tmp, to)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// What `huiwen verify` found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: usize,
    pub missing: Vec<String>,
    pub changed: Vec<String>,
    /// Files not in the manifest, and anything that is not a regular file
    /// (a symbolic link, a FIFO), said so after its name.
    pub extra: Vec<String>,
}

impl Verification {
    pub fn ok(&self) -> bool {
        self.missing.is_empty() && self.changed.is_empty() && self.extra.is_empty()
    }
}

/// One line of a manifest in the format `sha256sum -c` reads: `HASH  path`
/// or `HASH *path` (binary mode), a leading `\\` when the name has escapes.
fn manifest_line(line: &str) -> Option<(&str, String)> {
    let (escaped, line) = match line.strip_prefix('\\') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    let (hash, rest) = line.split_once(' ')?;
    let name = rest.strip_prefix(' ').or_else(|| rest.strip_prefix('*'))?;
    let valid = hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    if !valid || name.is_empty() {
        return None;
    }
    let name = if escaped {
        name.replace("\\n", "\n").replace("\\\\", "\\")
    } else {
        name.to_owned()
    };
    Some((hash, name))
}

/// Checks `dir` against its `MANIFEST.sha256`.
pub fn verify(dir: &Path) -> io::Result<Verification> {
    let manifest = fs::read_to_string(dir.join(MANIFEST)).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!(
                "{} 中没有 {MANIFEST}：{}",
                dir.display(),
                crate::base::fs::describe(&e)
            ),
        )
    })?;
    let manifest = manifest.strip_prefix('\u{feff}').unwrap_or(&manifest);
    let mut v = Verification::default();
    let mut listed = std::collections::HashSet::new();
    for (n, line) in manifest.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let Some((hash, rel)) = manifest_line(line) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{MANIFEST} 第 {} 行格式不对", n + 1),
            ));
        };
        listed.insert(rel.clone());
        let path = dir.join(&rel);
        let safe = Path::new(&rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        let regular = fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
        if !safe || !regular {
            v.missing.push(rel);
            continue;
        }
        v.checked += 1;
        if !sha256_file(&path)?.eq_ignore_ascii_case(hash) {
            v.changed.push(rel);
        }
    }
    for (rel, kind) in tree(dir)? {
        match kind {
            EntryKind::File if rel == MANIFEST || listed.contains(&rel) => {}
            EntryKind::File => v.extra.push(rel),
            EntryKind::Link => v.extra.push(format!("{rel}（符号链接）")),
            EntryKind::Special(what) => v.extra.push(format!("{rel}（{what}）")),
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

    #[test]
    fn manifest_lines_in_every_form_sha256sum_writes() {
        let h = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        assert_eq!(
            manifest_line(&format!("{h}  a b.html")),
            Some((h, "a b.html".into()))
        );
        assert_eq!(
            manifest_line(&format!("{h} *附件.pdf")),
            Some((h, "附件.pdf".into()))
        );
        assert_eq!(
            manifest_line(&format!("\\{h}  a\\nb")),
            Some((h, "a\nb".into()))
        );
        assert_eq!(manifest_line("abc  x"), None);
        assert_eq!(manifest_line(&format!("{h} x")), None);
    }
}

//! Old Word (.doc) and WPS (.wps) files, converted to .docx by LibreOffice
//! (`soffice --headless --convert-to docx`) when it is installed.
//!
//! The conversion runs with a profile of its own in a temporary folder (so
//! an open LibreOffice window neither blocks nor is disturbed by it) and is
//! stopped after [`TIMEOUT`]: a damaged file must not hang an import.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::import::{ImportError, MAX_FILE};

/// How long a conversion may take.
pub const TIMEOUT: Duration = Duration::from_secs(120);

/// The converted document's bytes.
pub fn to_docx(path: &Path, ext: &str) -> Result<Vec<u8>, ImportError> {
    let soffice = find_soffice().ok_or_else(|| ImportError::NoOffice {
        ext: ext.to_owned(),
    })?;
    let size = std::fs::metadata(path)?.len();
    if size > MAX_FILE {
        return Err(ImportError::TooLarge {
            size,
            limit: MAX_FILE,
        });
    }
    let work = TempDir::new()?;
    // LibreOffice names its output after the input: copy the input under a
    // plain ASCII name first, so odd file names cannot confuse it.
    let input = work.0.join(format!("input.{ext}"));
    std::fs::copy(path, &input)?;
    let profile = work.0.join("profile");
    let mut child = Command::new(&soffice)
        .arg("--headless")
        .arg("--norestore")
        .arg(format!("-env:UserInstallation={}", file_url(&profile)))
        .args(["--convert-to", "docx", "--outdir"])
        .arg(&work.0)
        .arg(&input)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| ImportError::Office(format!("无法启动 {}：{e}", soffice.display())))?;
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            // Best effort: the process may have ended just now.
            let _ = child.kill();
            let _ = child.wait();
            return Err(ImportError::Office(format!(
                "超过 {} 秒没有完成",
                TIMEOUT.as_secs()
            )));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = work.0.join("input.docx");
    if !status.success() || !out.is_file() {
        let mut err = String::new();
        if let Some(mut e) = child.stderr.take() {
            use std::io::Read;
            let _ = (&mut e).take(4096).read_to_string(&mut err);
        }
        let why = err.lines().last().unwrap_or("").trim();
        return Err(ImportError::Office(if why.is_empty() {
            "没有生成 .docx 文件".to_owned()
        } else {
            why.to_owned()
        }));
    }
    Ok(std::fs::read(out)?)
}

/// `soffice` on the PATH, or where LibreOffice installs it.
fn find_soffice() -> Option<PathBuf> {
    let names: &[&str] = if cfg!(windows) {
        &["soffice.exe", "soffice.com"]
    } else {
        &["soffice", "libreoffice"]
    };
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    let known = [
        PathBuf::from(r"C:\Program Files\LibreOffice\program"),
        PathBuf::from(r"C:\Program Files (x86)\LibreOffice\program"),
        PathBuf::from("/Applications/LibreOffice.app/Contents/MacOS"),
    ];
    on_path
        .iter()
        .chain(&known)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// `file:///…` for LibreOffice's `-env:UserInstallation`.
fn file_url(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    if s.starts_with('/') {
        format!("file://{s}")
    } else {
        format!("file:///{s}")
    }
}

/// A folder under the system's temporary folder, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let base = std::env::temp_dir();
        let pid = std::process::id();
        for n in 0..1000u32 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0);
            let dir = base.join(format!("huiwen-import-{pid}-{nanos}-{n}"));
            match std::fs::create_dir(&dir) {
                Ok(()) => return Ok(TempDir(dir)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(std::io::Error::other("无法创建临时目录"))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        // Best effort: a leftover temporary folder harms nothing.
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

//! Reading the site's files safely, and the one list of files that are never
//! content.
//!
//! Every file huiwen reads goes through [`read_regular`]: it opens without
//! blocking and reads only regular files, so a FIFO, socket or device named
//! `site.yaml` is reported instead of hanging the build. [`is_ignored`] is the
//! list of junk that editors, office programs and file managers leave behind;
//! the loader, `static/` copying and the `serve` watcher all use it.

use std::fs::{self, File};
use std::io::{self, Read as _};
use std::path::{Component, Path, PathBuf};

/// Whether a file or folder name is never content: hidden files, editor
/// back-ups and temp files, office lock files, and the junk Windows and macOS
/// copy along (`Thumbs.db`, `desktop.ini`, `__MACOSX/`). Among the office
/// files: `~$统计表.xlsx` (Excel, WPS), `.~lock.统计表.xlsx#` (LibreOffice),
/// and the file Excel saves into before renaming it over the workbook, eight
/// hex digits with no extension (`Cedd4e00`; with a letter among them, so
/// that a plain date like `20250101` is still a file).
pub fn is_ignored(name: &str) -> bool {
    const SUFFIXES: [&str; 11] = [
        ".swp",
        ".swo",
        ".swx",
        ".tmp",
        ".bak",
        ".wbk",
        ".part",
        ".crdownload",
        "___jb_tmp___",
        "___jb_old___",
        "\r",
    ];
    const NAMES: [&str; 7] = [
        "thumbs.db",
        "ehthumbs.db",
        "desktop.ini",
        "__macosx",
        "$recycle.bin",
        "system volume information",
        "4913", // vim's probe file when it checks a folder is writable
    ];
    name.starts_with('.')
        || name.starts_with('#')
        || name.starts_with("~$")
        || name.ends_with('~')
        || SUFFIXES.iter().any(|s| name.ends_with(s))
        || NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
        || (name.len() == 8
            && name.bytes().all(|b| b.is_ascii_hexdigit())
            && name.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// What a path is, when it is not a regular file or a folder.
pub fn special_kind(t: &fs::FileType) -> Option<&'static str> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if t.is_fifo() {
            return Some("命名管道（FIFO）");
        }
        if t.is_socket() {
            return Some("套接字");
        }
        if t.is_block_device() || t.is_char_device() {
            return Some("设备文件");
        }
    }
    (!t.is_file() && !t.is_dir() && !t.is_symlink()).then_some("特殊文件")
}

/// The whole of a regular file. Anything else (a FIFO, a device, a socket, a
/// folder) is an `InvalidInput` error saying what it is, found without
/// blocking: the file is opened non-blocking and checked before reading.
pub fn read_regular(path: &Path) -> io::Result<Vec<u8>> {
    let mut f = open_regular(path)?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Opens `path` for reading if it is a regular file (see [`read_regular`]).
pub fn open_regular(path: &Path) -> io::Result<File> {
    let mut opts = File::options();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        // Opening a FIFO for reading blocks until a writer appears; with
        // O_NONBLOCK it returns at once and the check below refuses it.
        opts.custom_flags(libc::O_NONBLOCK);
    }
    let f = opts.open(path)?;
    let t = f.metadata()?.file_type();
    if !t.is_file() {
        let what = special_kind(&t).unwrap_or("文件夹");
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("不是普通文件，而是{what}"),
        ));
    }
    Ok(f)
}

/// An I/O error said in Chinese, for people: what went wrong, never the
/// library's English (`os error 28`).
pub fn describe(e: &io::Error) -> String {
    use io::ErrorKind as K;
    let text = e.to_string();
    if text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        // Our own message (`open_regular`, `new report`): Chinese already.
        return text;
    }
    let s = match e.kind() {
        K::NotFound => "文件或目录不存在",
        K::PermissionDenied => "没有权限",
        K::StorageFull => "磁盘空间不足",
        K::QuotaExceeded => "超出磁盘配额",
        K::ReadOnlyFilesystem => "磁盘是只读的",
        K::AlreadyExists => "已经存在",
        K::AddrInUse => "端口已被占用",
        K::AddrNotAvailable => "本机没有这个地址",
        K::IsADirectory => "这是一个文件夹，不是文件",
        K::NotADirectory => "路径中有一段是文件，不是文件夹",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::InvalidFilename => "文件名太长或含有不允许的字符",
        K::FileTooLarge => "文件太大",
        K::CrossesDevices => "不能跨磁盘移动",
        K::Interrupted | K::TimedOut => "操作被中断或超时",
        K::InvalidData => "文件内容无法读取（编码或格式不对）",
        K::OutOfMemory => "内存不足",
        _ => {
            return match e.raw_os_error() {
                Some(code) => format!("读写失败（系统错误 {code}）"),
                None => "操作失败".to_owned(),
            };
        }
    };
    s.to_owned()
}

/// `p` made absolute with every symbolic link resolved, also when its last
/// parts do not exist yet (an output folder to be created): the longest
/// existing ancestor is resolved and the rest appended.
pub fn real_path(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    };
    let abs = normalize(&abs).unwrap_or(abs);
    let mut missing = Vec::new();
    let mut cur = abs.as_path();
    loop {
        if let Ok(real) = fs::canonicalize(cur) {
            let mut out = real;
            for part in missing.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (cur.file_name(), cur.parent()) {
            (Some(name), Some(parent)) => {
                missing.push(name.to_os_string());
                cur = parent;
            }
            _ => return abs,
        }
    }
}

/// `a/./b/../c` → `a/c` without touching the disk; `None` when a `..`
/// climbs above where the path starts (`content/../../etc`), or above the
/// root of an absolute path.
pub fn normalize(p: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let mut depth = 0usize;
    for c in p.components() {
        match c {
            Component::ParentDir => {
                if depth == 0 {
                    return None;
                }
                out.pop();
                depth -= 1;
            }
            Component::CurDir => {}
            Component::Normal(s) => {
                out.push(s);
                depth += 1;
            }
            root => out.push(root),
        }
    }
    Some(out)
}

/// Where a symbolic link found inside the site leads.
#[derive(Debug, PartialEq, Eq)]
pub enum LinkTarget {
    /// To a regular file or folder inside `within` (may be read).
    Inside(PathBuf),
    /// Out of the site: never read, never published.
    Outside(PathBuf),
    /// To nothing.
    Dangling,
}

/// Resolves the symbolic link `link` and says whether it stays inside
/// `within` (a real path, see [`real_path`]).
pub fn link_target(link: &Path, within: &Path) -> LinkTarget {
    match fs::canonicalize(link) {
        Ok(t) if t.starts_with(within) => LinkTarget::Inside(t),
        Ok(t) => LinkTarget::Outside(t),
        Err(_) => LinkTarget::Dangling,
    }
}

/// What an entry of an output tree is (see [`tree`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EntryKind {
    File,
    Link,
    /// A FIFO, socket or device, with its name in Chinese.
    Special(&'static str),
}

/// Every entry below `dir` that is not a folder, hidden ones included, as
/// (`/`-separated relative path, kind), sorted by path. Links are listed,
/// never followed. For trees huiwen wrote (an archive): nothing is skipped,
/// so a check of such a tree sees everything in it.
pub fn tree(dir: &Path) -> io::Result<Vec<(String, EntryKind)>> {
    fn go(dir: &Path, prefix: &str, out: &mut Vec<(String, EntryKind)>) -> io::Result<()> {
        for e in fs::read_dir(dir)? {
            let e = e?;
            let name = e.file_name().to_string_lossy().into_owned();
            let rel = format!("{prefix}{name}");
            let t = e.file_type()?;
            if t.is_dir() {
                go(&e.path(), &format!("{rel}/"), out)?;
            } else if t.is_symlink() {
                out.push((rel, EntryKind::Link));
            } else if t.is_file() {
                out.push((rel, EntryKind::File));
            } else {
                out.push((
                    rel,
                    EntryKind::Special(special_kind(&t).unwrap_or("特殊文件")),
                ));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    go(dir, "", &mut out)?;
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_normalize_without_leaving_their_start() {
        assert_eq!(
            normalize(Path::new("content/reports/2025/../2024/a.md")),
            Some(PathBuf::from("content/reports/2024/a.md"))
        );
        assert_eq!(normalize(Path::new("content/../../etc/passwd")), None);
        assert_eq!(
            normalize(Path::new("/srv/site/./x/..")),
            Some(PathBuf::from("/srv/site"))
        );
        assert_eq!(normalize(Path::new("/..")), None);
    }

    #[test]
    fn junk_names_are_ignored_and_content_is_not() {
        for junk in [
            "Thumbs.db",
            "desktop.ini",
            "Desktop.ini",
            ".DS_Store",
            "._a.md",
            "~$统计表.xlsx",
            ".~lock.统计表.xlsx#",
            "a.md~",
            "a.md.swp",
            "__MACOSX",
            "x.tmp",
            "Icon\r",
            ".~统计表.xlsx",
            "Cedd4e00",
            "A1B2C3D4",
        ] {
            assert!(is_ignored(junk), "{junk}");
        }
        for real in [
            "a.md",
            "统计表.xlsx",
            "index.md",
            "thumbs.png",
            "2025",
            "20250101",
            "Cedd4e00.xlsx",
            "deadbeef1",
        ] {
            assert!(!is_ignored(real), "{real}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("site.yaml");
        let ok = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(ok.success());
        let e = read_regular(&fifo).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(describe(&e).contains("命名管道"), "{}", describe(&e));
        let e = read_regular(dir.path()).unwrap_err();
        assert!(describe(&e).contains("文件夹"), "{}", describe(&e));
    }

    #[test]
    fn io_errors_are_said_in_chinese() {
        let full = io::Error::from_raw_os_error(28);
        if full.kind() == io::ErrorKind::StorageFull {
            assert_eq!(describe(&full), "磁盘空间不足");
        }
        let odd = io::Error::other("budget breached: Nodes");
        assert_eq!(describe(&odd), "操作失败");
    }

    #[cfg(unix)]
    #[test]
    fn real_paths_resolve_links_of_missing_paths() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        fs::create_dir_all(&site).unwrap();
        std::os::unix::fs::symlink(&site, dir.path().join("link")).unwrap();
        let real = real_path(&dir.path().join("link/output/x/../y"));
        assert_eq!(real, fs::canonicalize(&site).unwrap().join("output/y"));
    }
}

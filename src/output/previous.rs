//! The previous output, kept beside the live one and reused as the next
//! build's staging folder (see the module above for why).

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::{MARKER, remove_if_exists};

/// Turns the previous output kept by the last build into the staging
/// folder and lists its files, so that the build writes only what changed
/// and removes only what went away: no folder made and no link made or
/// removed for an unchanged page (a rebuild of a 10,000-report site spent
/// a second on those). Only a real folder carrying the [`MARKER`] is
/// reused; inside it, symbolic links and special files (which huiwen never
/// makes) are removed, not followed. `None`: nothing to reuse.
pub(super) fn reuse_previous(previous: &Path, dir: &Path) -> io::Result<Option<HashSet<String>>> {
    let Ok(meta) = fs::symlink_metadata(previous) else {
        return Ok(None);
    };
    if !meta.is_dir() || !fs::symlink_metadata(previous.join(MARKER)).is_ok_and(|m| m.is_file()) {
        remove_if_exists(previous)?;
        return Ok(None);
    }
    if fs::rename(previous, dir).is_err() {
        remove_if_exists(previous)?;
        return Ok(None);
    }
    let mut files = HashSet::new();
    list_files(dir, "", &mut files)?;
    Ok(Some(files))
}

/// Regular files under `dir` as `/`-separated paths after `prefix`;
/// anything else but folders is removed.
fn list_files(dir: &Path, prefix: &str, files: &mut HashSet<String>) -> io::Result<()> {
    for e in fs::read_dir(dir)? {
        let e = e?;
        let t = e.file_type()?;
        let name = e.file_name();
        let rel = match name.to_str() {
            Some(n) if t.is_dir() || t.is_file() => format!("{prefix}{n}"),
            _ => {
                remove_if_exists(&e.path())?;
                continue;
            }
        };
        if t.is_dir() {
            list_files(&e.path(), &format!("{rel}/"), files)?;
        } else {
            files.insert(rel);
        }
    }
    Ok(())
}

/// Removes the files a reused previous output held that this build did not
/// write, then every folder left empty by that.
pub(super) fn remove_stale(dir: &Path, stale: HashSet<String>) -> io::Result<()> {
    let mut folders = HashSet::new();
    for rel in &stale {
        match remove_if_exists(&dir.join(rel)) {
            // A folder on its way became a file in this build: gone already.
            Err(e) if e.kind() == io::ErrorKind::NotADirectory => {}
            other => other?,
        }
        let mut up = Path::new(rel).parent();
        while let Some(p) = up.filter(|p| !p.as_os_str().is_empty()) {
            folders.insert(p.to_path_buf());
            up = p.parent();
        }
    }
    let mut folders: Vec<PathBuf> = folders.into_iter().collect();
    // Deepest first, so a folder is empty by the time it is tried.
    folders.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    for f in folders {
        let _ = fs::remove_dir(dir.join(f));
    }
    Ok(())
}

/// Whether `path` (in a reused previous output) already holds `bytes` and
/// is the very file the live output has at that place (a hard link
/// between them): then nothing needs writing and the modification time
/// stays right. Same bytes in a different file is not enough: the live
/// output may hold something else since, and an older time with newer
/// content would make web caches keep the newer one.
pub(super) fn unchanged_in_both(path: &Path, live: &Path, bytes: &[u8]) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        let (Ok(a), Ok(b)) = (fs::symlink_metadata(path), fs::symlink_metadata(live)) else {
            return false;
        };
        a.is_file()
            && (a.dev(), a.ino()) == (b.dev(), b.ino())
            && a.len() == bytes.len() as u64
            && fs::read(path).is_ok_and(|old| old == bytes)
    }
    #[cfg(not(unix))]
    {
        let _ = (path, live, bytes);
        false
    }
}

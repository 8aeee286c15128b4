//! Atomic output: a build writes into a staging directory beside the output and
//! swaps it in only when everything succeeded.
//!
//! A file whose bytes did not change since the previous build is not written
//! again: the staging directory gets a hard link to the previous output's
//! file. So it keeps its modification time (rsync/robocopy copy only what
//! changed), and a rebuild neither allocates an inode for it nor frees one
//! when the old tree is removed. On a 10,000-report site that is ~37,000
//! files; on a journal-less ext4, creating files right after deleting many
//! costs several times more (the kernel skips recently freed inodes one by
//! one), which made rebuilds twice as slow as builds into a fresh directory.
//! Where links are not possible (FAT/exFAT USB sticks) the file is written
//! and given the old modification time.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};

/// Where a stage writes output files: `(path, bytes)`, the path
/// `/`-separated and relative (to the output, or to `search/` for the
/// index). A staging directory in `huiwen build`, an in-memory map in
/// `huiwen serve`, nothing in `huiwen check`. Called from several threads.
pub type Sink<'a> = dyn Fn(&str, &[u8]) -> io::Result<()> + Sync + 'a;

/// A build's output in progress. Dropping it without [`Staging::commit`]
/// removes the staging directory and leaves the old output as it was.
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    committed: bool,
}

fn sibling(target: &Path, suffix: &str) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let parent = target.parent().unwrap_or(Path::new("."));
    parent.join(format!(".{name}.huiwen-{suffix}"))
}

impl Staging {
    /// Prepares a fresh staging directory for `target`, first cleaning up after
    /// a run that was killed (and restoring the output if a kill fell between
    /// the two renames of a swap). An output that is a symbolic link (a web
    /// server's folder linked into the site) is followed: the folder it
    /// points to is what gets replaced, and the link keeps working.
    pub fn begin(target: &Path) -> io::Result<Staging> {
        let is_link = fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink());
        let resolved = if is_link {
            fs::canonicalize(target).ok()
        } else {
            None
        };
        let target = resolved.as_deref().unwrap_or(target);
        let dir = sibling(target, "staging");
        let old = sibling(target, "old");
        if !target.exists() && old.is_dir() {
            fs::rename(&old, target)?;
        }
        remove_if_exists(&dir)?;
        remove_if_exists(&old)?;
        if let Some(p) = target.parent() {
            if !p.as_os_str().is_empty() {
                fs::create_dir_all(p)?;
            }
        }
        fs::create_dir_all(&dir)?;
        Ok(Staging {
            target: target.to_path_buf(),
            dir,
            old,
            committed: false,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to `rel` (a `/`-separated path inside the output), or
    /// links the previous output's file if it holds exactly these bytes.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.resolve(rel)?;
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        let previous = self.target.join(rel);
        // Only a regular file is reused: a link to a symbolic link someone
        // put in the output would put a symbolic link in the new output.
        let same = match fs::symlink_metadata(&previous) {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
                fs::read(&previous).is_ok_and(|old| old == bytes)
            }
            _ => false,
        };
        if same && link(&previous, &path) {
            return Ok(());
        }
        create_new(&path)?.write_all(bytes)?;
        if same {
            keep_mtime(&previous, &path);
        }
        Ok(())
    }

    /// Copies `src` to `rel`, or links the previous output's copy if it is
    /// byte for byte the same.
    pub fn copy(&self, src: &Path, rel: &str) -> io::Result<()> {
        let path = self.resolve(rel)?;
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        let previous = self.target.join(rel);
        let same = match (fs::symlink_metadata(&previous), fs::metadata(src)) {
            (Ok(old), Ok(new)) if old.is_file() && old.len() == new.len() => {
                same_bytes(&previous, src)?
            }
            _ => false,
        };
        if same && link(&previous, &path) {
            return Ok(());
        }
        let mut from = fs::File::open(src)?;
        io::copy(&mut from, &mut create_new(&path)?)?;
        if same {
            keep_mtime(&previous, &path);
        }
        Ok(())
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.resolve(rel).map(|p| p.exists()).unwrap_or(false)
    }

    fn resolve(&self, rel: &str) -> io::Result<PathBuf> {
        let p = Path::new(rel);
        if rel.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write outside the output: {rel:?}"),
            ));
        }
        Ok(self.dir.join(p))
    }

    /// Swaps the staging directory in as the output.
    pub fn commit(mut self) -> io::Result<()> {
        if self.target.is_dir() {
            fs::rename(&self.target, &self.old)?;
            fs::rename(&self.dir, &self.target)?;
            self.committed = true;
            // The new output is live; a leftover old tree is removed by the
            // next build's `begin` (which reports it if it still cannot).
            let _ = remove_if_exists(&self.old);
        } else {
            if self.target.exists() {
                fs::remove_file(&self.target)?;
            }
            fs::rename(&self.dir, &self.target)?;
            self.committed = true;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn remove_if_exists(p: &Path) -> io::Result<()> {
    match remove_tree(p) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// `fs::remove_dir_all`, on all cores: removing the previous output (tens of
/// thousands of files) was a second of every rebuild of a large site. Never
/// follows symbolic links (file types come from the directory entries).
fn remove_tree(p: &Path) -> io::Result<()> {
    use rayon::prelude::*;
    // A symbolic link (even one to a directory) is removed, not followed.
    if !fs::symlink_metadata(p)?.is_dir() {
        return fs::remove_file(p);
    }
    let entries = fs::read_dir(p)?.collect::<io::Result<Vec<_>>>()?;
    entries.par_iter().try_for_each(|e| {
        let t = e.file_type()?;
        if t.is_dir() {
            remove_tree(&e.path())
        } else if t.is_symlink() {
            // Windows: a link to a directory is removed as a directory.
            fs::remove_file(e.path()).or_else(|_| fs::remove_dir(e.path()))
        } else {
            fs::remove_file(e.path())
        }
    })?;
    fs::remove_dir(p)
}

/// Creates a new file at `path` for writing. Never opens an existing one: a
/// path in the staging directory may be a hard link to a file of the live
/// output (a path written twice in one build), and writing through it would
/// change that.
fn create_new(path: &Path) -> io::Result<fs::File> {
    let open = || fs::File::options().write(true).create_new(true).open(path);
    match open() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            open()
        }
        other => other,
    }
}

/// Hard-links `previous` at `path` (replacing what a path written twice
/// holds); false where the file system has no links.
fn link(previous: &Path, path: &Path) -> bool {
    match fs::hard_link(previous, path) {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path).is_ok() && fs::hard_link(previous, path).is_ok()
        }
        other => other.is_ok(),
    }
}

/// Gives `path` the modification time of `previous` (same bytes, but no
/// link possible). Best effort: some mounts refuse to set times, and a new
/// time is only a cost for incremental copies, not an error.
fn keep_mtime(previous: &Path, path: &Path) {
    let set = || -> io::Result<()> {
        let t = fs::metadata(previous)?.modified()?;
        fs::File::options().write(true).open(path)?.set_modified(t)
    };
    let _ = set();
}

/// Whether two files of equal length hold the same bytes, compared in
/// blocks (attachments can be large).
fn same_bytes(a: &Path, b: &Path) -> io::Result<bool> {
    use std::io::Read as _;
    let (mut fa, mut fb) = (fs::File::open(a)?, fs::File::open(b)?);
    let (mut ba, mut bb) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = fa.read(&mut ba)?;
        if n == 0 {
            return Ok(fb.read(&mut bb[..1])? == 0);
        }
        fb.read_exact(&mut bb[..n])?;
        if ba[..n] != bb[..n] {
            return Ok(false);
        }
    }
}

/// Refuses outputs that would swallow the site itself (`--output .`, `--output content`).
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), String> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        normalize(&p)
    };
    let (root, out) = (abs(root), abs(output));
    if root.starts_with(&out) {
        return Err(format!(
            "输出目录 {} 包含站点目录本身，构建会覆盖源文件",
            output.display()
        ));
    }
    for protected in ["content", "themes", "templates", "static"] {
        if out.starts_with(root.join(protected)) {
            return Err(format!("输出目录不能放在站点的 {protected}/ 目录里"));
        }
    }
    Ok(())
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::begin(&tmp.path().join("out")).unwrap();
        assert!(s.write("../evil", b"x").is_err());
        assert!(s.write("/etc/x", b"x").is_err());
        assert!(s.write("a/b.html", b"x").is_ok());
    }

    #[test]
    fn dropped_staging_leaves_old_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        {
            let s = Staging::begin(&out).unwrap();
            s.write("index.html", b"new").unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_and_the_old_output_never_written_through() {
        use std::os::unix::fs::MetadataExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out).unwrap();
        s.write("a.html", b"same").unwrap();
        s.write("b.html", b"old").unwrap();
        s.commit().unwrap();
        let ino = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
        let (a, b) = (ino("a.html"), ino("b.html"));

        let s = Staging::begin(&out).unwrap();
        s.write("a.html", b"same").unwrap();
        s.write("b.html", b"new").unwrap();
        // The same path again, now different: must not write through the
        // link into the live output's a.html.
        s.write("a.html", b"changed").unwrap();
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"same");
        s.write("a.html", b"same").unwrap();
        s.commit().unwrap();
        assert_eq!(ino("a.html"), a, "unchanged file was rewritten");
        assert_ne!(ino("b.html"), b);
        assert_eq!(fs::read(out.join("b.html")).unwrap(), b"new");
        assert_eq!(fs::metadata(out.join("a.html")).unwrap().nlink(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_in_the_old_output_is_not_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let elsewhere = tmp.path().join("elsewhere.html");
        fs::write(&elsewhere, "same").unwrap();
        fs::create_dir_all(&out).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("a.html")).unwrap();
        let s = Staging::begin(&out).unwrap();
        s.write("a.html", b"same").unwrap();
        s.commit().unwrap();
        let m = fs::symlink_metadata(out.join("a.html")).unwrap();
        assert!(m.is_file(), "the new output holds a symbolic link");
        assert_eq!(fs::read(out.join("a.html")).unwrap(), b"same");
    }

    #[cfg(unix)]
    #[test]
    fn copies_are_linked_only_when_identical() {
        use std::os::unix::fs::MetadataExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let (src, out) = (tmp.path().join("src.pdf"), tmp.path().join("out"));
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        fs::write(&src, &big).unwrap();
        let s = Staging::begin(&out).unwrap();
        s.copy(&src, "f/a.pdf").unwrap();
        s.commit().unwrap();
        let ino = || fs::metadata(out.join("f/a.pdf")).unwrap().ino();
        let first = ino();
        let s = Staging::begin(&out).unwrap();
        s.copy(&src, "f/a.pdf").unwrap();
        s.commit().unwrap();
        assert_eq!(ino(), first);
        // Same length, one byte different at the end.
        let mut changed = big.clone();
        *changed.last_mut().unwrap() ^= 1;
        fs::write(&src, &changed).unwrap();
        let s = Staging::begin(&out).unwrap();
        s.copy(&src, "f/a.pdf").unwrap();
        s.commit().unwrap();
        assert_ne!(ino(), first);
        assert_eq!(fs::read(out.join("f/a.pdf")).unwrap(), changed);
    }

    #[cfg(unix)]
    #[test]
    fn an_output_that_is_a_symbolic_link_is_followed_and_nothing_outside_deleted() {
        let tmp = tempfile::tempdir().unwrap();
        let www = tmp.path().join("srv/www");
        fs::create_dir_all(&www).unwrap();
        fs::write(www.join("old.html"), "old").unwrap();
        let out = tmp.path().join("out");
        std::os::unix::fs::symlink(&www, &out).unwrap();
        for round in ["one", "two"] {
            let s = Staging::begin(&out).unwrap();
            s.write("index.html", round.as_bytes()).unwrap();
            s.commit().unwrap();
            assert!(fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
            assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), round);
            assert_eq!(fs::read_to_string(www.join("index.html")).unwrap(), round);
        }
        // The swap replaced the folder's content, nothing beside it.
        assert!(!www.join("old.html").exists());
        let mut left: Vec<String> = fs::read_dir(tmp.path().join("srv"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["www"]);
        // A stale old tree that is a link to a folder: only the link goes.
        let keep = tmp.path().join("keep");
        fs::create_dir_all(&keep).unwrap();
        fs::write(keep.join("precious"), "x").unwrap();
        std::os::unix::fs::symlink(&keep, tmp.path().join("srv/.www.huiwen-old")).unwrap();
        Staging::begin(&out).unwrap();
        assert!(keep.join("precious").is_file());
    }

    #[cfg(unix)]
    #[test]
    fn removing_the_old_tree_does_not_follow_links() {
        let tmp = tempfile::tempdir().unwrap();
        let keep = tmp.path().join("keep");
        fs::create_dir_all(&keep).unwrap();
        fs::write(keep.join("precious"), "x").unwrap();
        let tree = tmp.path().join("tree");
        for d in ["a/b/c", "d"] {
            fs::create_dir_all(tree.join(d)).unwrap();
            fs::write(tree.join(d).join("f"), "y").unwrap();
        }
        std::os::unix::fs::symlink(&keep, tree.join("a/link")).unwrap();
        remove_if_exists(&tree).unwrap();
        assert!(!tree.exists());
        assert!(keep.join("precious").is_file());
        // Missing and plain-file targets are fine too.
        remove_if_exists(&tree).unwrap();
        fs::write(&tree, "z").unwrap();
        remove_if_exists(&tree).unwrap();
        assert!(!tree.exists());
    }

    #[test]
    fn output_may_not_contain_the_site() {
        let root = Path::new("/srv/site");
        assert!(check_output_location(root, Path::new("/srv/site")).is_err());
        assert!(check_output_location(root, Path::new("/srv")).is_err());
        assert!(check_output_location(root, Path::new("/srv/site/content/x")).is_err());
        assert!(check_output_location(root, Path::new("/srv/site/output")).is_ok());
        assert!(check_output_location(root, Path::new("/var/www/jyjl")).is_ok());
    }
}

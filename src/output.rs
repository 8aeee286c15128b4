//! Safe output: a build writes into a staging folder beside the output and
//! swaps it in only when everything succeeded, one build at a time, and only
//! over a folder huiwen made.
//!
//! - **Only what huiwen made is replaced.** Every output holds a marker file
//!   ([`MARKER`]); a folder without it is replaced only if it is empty or is
//!   the output of a huiwen from before the marker (see [`check_replaceable`]).
//!   Anything else (a web root with other files, a regular file) is refused.
//! - **One build at a time.** A lock file beside the output
//!   (`.<name>.huiwen-lock`, `File::lock`) is held from before the staging
//!   folder is touched until the old output is gone; a second build waits.
//! - **An atomic swap.** On Linux one `renameat2(RENAME_EXCHANGE)` swaps the
//!   staging folder and the output, so a web server reading the folder sees
//!   the old site or the new one, never a missing or mixed one. Elsewhere (or
//!   on file systems without it) two renames, with a window of a few
//!   microseconds with no output; a kill inside it is repaired at the next run.
//!
//! A file whose bytes did not change since the previous build is not written
//! again: the staging folder gets a hard link to the previous output's
//! file. So it keeps its modification time (rsync/robocopy copy only what
//! changed), and a rebuild neither allocates an inode for it nor frees one
//! when the old tree is removed. On a 10,000-report site that is ~37,000
//! files; on a journal-less ext4, creating files right after deleting many
//! costs several times more (the kernel skips recently freed inodes one by
//! one), which made rebuilds twice as slow as builds into a fresh folder.
//! Where links are not possible (FAT/exFAT USB sticks) the file is written
//! and given the old modification time.

use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::base::fs::{describe, real_path};

/// The file that marks a folder as huiwen's output.
pub const MARKER: &str = ".huiwen-output";
const MARKER_TEXT: &str = "This folder is made by huiwen (汇文). `huiwen build` replaces all of it.\n本目录由汇文生成，每次构建会整体替换。\n";

/// Why an output cannot be written.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("输出位置 {0} 是一个文件，不是文件夹；huiwen 不会替换它")]
    NotAFolder(PathBuf),
    #[error("输出位置 {0} 是指向不存在位置的符号链接")]
    DanglingLink(PathBuf),
    #[error(
        "输出目录 {path} 里有不是汇文生成的内容（{examples}），汇文只替换自己生成的目录，不会删除它们"
    )]
    Foreign { path: PathBuf, examples: String },
    #[error("{what} {path}：{reason}")]
    Io {
        what: &'static str,
        path: PathBuf,
        reason: String,
    },
}

impl OutputError {
    /// What the user can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            OutputError::Foreign { .. } | OutputError::NotAFolder(_) => {
                "换一个新的或空的文件夹作输出；如果确定里面的东西都不要了，先自己清空它。要和网站一起发布的文件（如 robots.txt）放在站点的 static/ 里"
            }
            OutputError::DanglingLink(_) => "修正或删除这个符号链接，或用 --output 指定别的位置",
            OutputError::Io { .. } => "原来的输出没有改动；解决上面的问题后重新构建",
        }
    }

    fn io(what: &'static str, path: &Path, e: &io::Error) -> OutputError {
        OutputError::Io {
            what,
            path: path.to_path_buf(),
            reason: describe(e),
        }
    }
}

/// What [`Staging::begin`] tells its caller while it works.
#[derive(Debug)]
pub enum Notice<'a> {
    /// Another build holds the lock; this one waits for it.
    Waiting(&'a Path),
    /// The file system cannot lock files: builds are not kept apart.
    NoLocking(&'a Path),
}

/// A build's output in progress. Dropping it without [`Staging::commit`]
/// removes the staging folder and leaves the old output as it was.
pub struct Staging {
    target: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    committed: bool,
    /// The first write or copy that failed: `(output path, reason)`.
    failed: Mutex<Option<(String, io::Error)>>,
    /// Held until the staging folder and the old output are gone.
    _lock: Option<fs::File>,
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
    /// Prepares a fresh staging folder for `target`: takes the lock (waiting
    /// for another build), cleans up after a run that was killed (restoring
    /// the output if a kill fell between the two renames of a fallback swap),
    /// and checks that `target` may be replaced. An output that is a symbolic
    /// link (a web server's folder linked into the site) is followed: the
    /// folder it points to is what gets replaced, and the link keeps working.
    pub fn begin(target: &Path, notice: &dyn Fn(Notice)) -> Result<Staging, OutputError> {
        let target = follow_link(target)?;
        if let Some(p) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            fs::create_dir_all(p).map_err(|e| OutputError::io("无法创建输出目录", p, &e))?;
        }
        let lock = take_lock(&sibling(&target, "lock"), notice)?;
        let dir = sibling(&target, "staging");
        let old = sibling(&target, "old");
        if !target.exists() && old.is_dir() {
            fs::rename(&old, &target).map_err(|e| OutputError::io("无法恢复输出目录", &old, &e))?;
        }
        check_replaceable(&target)?;
        for leftover in [&dir, &old] {
            remove_if_exists(leftover)
                .map_err(|e| OutputError::io("无法删除上次留下的临时目录", leftover, &e))?;
        }
        fs::create_dir_all(&dir).map_err(|e| OutputError::io("无法创建临时目录", &dir, &e))?;
        fs::write(dir.join(MARKER), MARKER_TEXT)
            .map_err(|e| OutputError::io("无法写入", &dir.join(MARKER), &e))?;
        Ok(Staging {
            target,
            dir,
            old,
            committed: false,
            failed: Mutex::new(None),
            _lock: lock,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The first write or copy that failed, as an error to report; the
    /// output must not be committed then.
    pub fn failure(&self) -> Option<OutputError> {
        let guard = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().map(|(rel, e)| OutputError::Io {
            what: "无法写入输出文件",
            path: PathBuf::from(rel),
            reason: describe(e),
        })
    }

    /// Remembers the first failure, and returns the error for the caller.
    fn record(&self, rel: &str, e: io::Error) -> io::Error {
        let mut guard = self.failed.lock().unwrap_or_else(|p| p.into_inner());
        let copy = io::Error::new(e.kind(), describe(&e));
        guard.get_or_insert((rel.to_owned(), e));
        copy
    }

    /// After one failure (a full disk, say) every further write fails at
    /// once instead of trying the disk again for each of thousands of files.
    fn check_failed(&self) -> io::Result<()> {
        let guard = self.failed.lock().unwrap_or_else(|e| e.into_inner());
        match guard.as_ref() {
            Some((_, e)) => Err(io::Error::new(e.kind(), describe(e))),
            None => Ok(()),
        }
    }

    /// Writes `bytes` to `rel` (a `/`-separated path inside the output), or
    /// links the previous output's file if it holds exactly these bytes.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.check_failed()?;
        self.write_inner(rel, bytes)
            .map_err(|e| self.record(rel, e))
    }

    fn write_inner(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
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
    /// byte for byte the same. Only a regular file is copied.
    pub fn copy(&self, src: &Path, rel: &str) -> io::Result<()> {
        self.check_failed()?;
        self.copy_inner(src, rel).map_err(|e| self.record(rel, e))
    }

    fn copy_inner(&self, src: &Path, rel: &str) -> io::Result<()> {
        let path = self.resolve(rel)?;
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        let mut from = crate::base::fs::open_regular(src)?;
        let previous = self.target.join(rel);
        let same = match (fs::symlink_metadata(&previous), from.metadata()) {
            (Ok(old), Ok(new)) if old.is_file() && old.len() == new.len() => {
                same_bytes(&previous, src)?
            }
            _ => false,
        };
        if same && link(&previous, &path) {
            return Ok(());
        }
        io::copy(&mut from, &mut create_new(&path)?)?;
        if same {
            keep_mtime(&previous, &path);
        }
        Ok(())
    }

    fn resolve(&self, rel: &str) -> io::Result<PathBuf> {
        let p = Path::new(rel);
        if rel.is_empty() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("拒绝写到输出目录之外：{rel:?}"),
            ));
        }
        Ok(self.dir.join(p))
    }

    /// Swaps the staging folder in as the output (refused after a failed
    /// write), then removes the old output.
    pub fn commit(mut self) -> Result<(), OutputError> {
        if let Some(e) = self.failure() {
            return Err(e);
        }
        let swap = |e: io::Error| OutputError::io("无法替换输出目录", &self.target, &e);
        if self.target.is_dir() {
            if exchange(&self.dir, &self.target).map_err(swap)? {
                self.committed = true;
                // `dir` now holds the old output. If it cannot be removed
                // now, the next build's `begin` removes it.
                let _ = remove_if_exists(&self.dir);
                return Ok(());
            }
            fs::rename(&self.target, &self.old).map_err(swap)?;
            fs::rename(&self.dir, &self.target).map_err(swap)?;
            self.committed = true;
            let _ = remove_if_exists(&self.old);
        } else {
            fs::rename(&self.dir, &self.target).map_err(swap)?;
            self.committed = true;
        }
        Ok(())
    }
}

impl crate::base::sink::Sink for Staging {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        Staging::write(self, path, bytes)
    }

    fn copy(&self, src: &Path, path: &str) -> io::Result<()> {
        Staging::copy(self, src, path)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_if_exists(&self.dir);
        }
    }
}

/// Swaps two folders in one step where the system can (`Ok(true)`);
/// `Ok(false)` where it cannot and two renames must do.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // Old kernels and some file systems (FAT, some network mounts).
        Err(e)
            if [
                rustix::io::Errno::INVAL,
                rustix::io::Errno::NOSYS,
                rustix::io::Errno::OPNOTSUPP,
            ]
            .contains(&e) =>
        {
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

/// The output folder itself: a symbolic link is followed to the folder it
/// names; a link to nothing is refused (replacing it would break it).
fn follow_link(target: &Path) -> Result<PathBuf, OutputError> {
    let is_link = fs::symlink_metadata(target).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(target.to_path_buf());
    }
    fs::canonicalize(target).map_err(|_| OutputError::DanglingLink(target.to_path_buf()))
}

/// Takes the output's lock, waiting (after saying so) while another build
/// holds it. `None` where the file system cannot lock.
fn take_lock(path: &Path, notice: &dyn Fn(Notice)) -> Result<Option<fs::File>, OutputError> {
    let file = fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| OutputError::io("无法创建锁文件", path, &e))?;
    match file.try_lock() {
        Ok(()) => return Ok(Some(file)),
        Err(fs::TryLockError::WouldBlock) => notice(Notice::Waiting(path)),
        Err(fs::TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
            notice(Notice::NoLocking(path));
            return Ok(None);
        }
        Err(fs::TryLockError::Error(e)) => return Err(OutputError::io("无法锁定", path, &e)),
    }
    file.lock()
        .map_err(|e| OutputError::io("无法锁定", path, &e))?;
    Ok(Some(file))
}

/// Whether `target` may be replaced: it does not exist, or is a folder that
/// is empty, carries the [`MARKER`], or is a huiwen output from before the
/// marker (it has `index.html`, `404.html`, `sitemap.xml` and `assets/`,
/// which every build made). A regular file, or a folder holding anything
/// else, is refused.
pub fn check_replaceable(target: &Path) -> Result<(), OutputError> {
    let meta = match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(OutputError::io("无法读取输出目录", target, &e)),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(OutputError::NotAFolder(target.to_path_buf()));
    }
    if target.join(MARKER).is_file() {
        return Ok(());
    }
    let legacy = ["index.html", "404.html", "sitemap.xml"]
        .iter()
        .all(|f| target.join(f).is_file())
        && target.join("assets").is_dir();
    if legacy {
        return Ok(());
    }
    let entries =
        fs::read_dir(target).map_err(|e| OutputError::io("无法读取输出目录", target, &e))?;
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                format!("{name}/")
            } else {
                name
            }
        })
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort();
    let total = names.len();
    let mut examples = names.into_iter().take(3).collect::<Vec<_>>().join("、");
    if total > 3 {
        examples.push_str(&format!(" 等 {total} 项"));
    }
    Err(OutputError::Foreign {
        path: target.to_path_buf(),
        examples,
    })
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

/// Refuses outputs that would swallow the site: the output may not be the
/// site root or hold it, nor be, hold or lie inside a folder the build
/// reads. Symbolic links are resolved first (an output reached through a
/// link to the site is the site), also for parts that do not exist yet.
pub fn check_output_location(root: &Path, output: &Path) -> Result<(), String> {
    let (root, out) = (real_path(root), real_path(output));
    if root.starts_with(&out) {
        return Err(format!(
            "输出目录 {} 就是站点目录或包含站点目录，构建会删掉源文件",
            output.display()
        ));
    }
    let read = crate::config::READ_DIRS
        .iter()
        .map(|d| (*d, real_path(&root.join(d))))
        .chain(std::iter::once((
            "site.yaml",
            real_path(&root.join("site.yaml")),
        )));
    for (name, dir) in read {
        if out.starts_with(&dir) || dir.starts_with(&out) {
            return Err(format!(
                "输出目录 {} 与站点的 {name} 重叠，构建会覆盖源文件",
                output.display()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out, &|_| {}).unwrap();
        assert!(s.write("a/b.html", b"x").is_ok());
        assert!(s.write("../evil", b"x").is_err());
        drop(s);
        let s = Staging::begin(&out, &|_| {}).unwrap();
        assert!(s.write("/etc/x", b"x").is_err());
        assert!(s.commit().is_err(), "a refused write blocks the swap");
        assert!(!tmp.path().join("evil").exists() && !out.exists());
    }

    #[test]
    fn dropped_staging_leaves_old_output() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("index.html"), "old").unwrap();
        fs::write(out.join(MARKER), "").unwrap();
        {
            let s = Staging::begin(&out, &|_| {}).unwrap();
            s.write("index.html", b"new").unwrap();
        }
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
        let mut left: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [".out.huiwen-lock", "out"], "no staging folder left");
    }

    #[cfg(unix)]
    #[test]
    fn unchanged_files_are_linked_and_the_old_output_never_written_through() {
        use std::os::unix::fs::MetadataExt as _;
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out, &|_| {}).unwrap();
        s.write("a.html", b"same").unwrap();
        s.write("b.html", b"old").unwrap();
        s.commit().unwrap();
        let ino = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
        let (a, b) = (ino("a.html"), ino("b.html"));

        let s = Staging::begin(&out, &|_| {}).unwrap();
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
        fs::write(out.join(MARKER), "").unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("a.html")).unwrap();
        let s = Staging::begin(&out, &|_| {}).unwrap();
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
        let s = Staging::begin(&out, &|_| {}).unwrap();
        s.copy(&src, "f/a.pdf").unwrap();
        s.commit().unwrap();
        let ino = || fs::metadata(out.join("f/a.pdf")).unwrap().ino();
        let first = ino();
        let s = Staging::begin(&out, &|_| {}).unwrap();
        s.copy(&src, "f/a.pdf").unwrap();
        s.commit().unwrap();
        assert_eq!(ino(), first);
        // Same length, one byte different at the end.
        let mut changed = big.clone();
        *changed.last_mut().unwrap() ^= 1;
        fs::write(&src, &changed).unwrap();
        let s = Staging::begin(&out, &|_| {}).unwrap();
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
        fs::write(www.join(MARKER), "").unwrap();
        let out = tmp.path().join("out");
        std::os::unix::fs::symlink(&www, &out).unwrap();
        for round in ["one", "two"] {
            let s = Staging::begin(&out, &|_| {}).unwrap();
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
        assert_eq!(left, [".www.huiwen-lock", "www"]);
        // A stale old tree that is a link to a folder: only the link goes.
        let keep = tmp.path().join("keep");
        fs::create_dir_all(&keep).unwrap();
        fs::write(keep.join("precious"), "x").unwrap();
        std::os::unix::fs::symlink(&keep, tmp.path().join("srv/.www.huiwen-old")).unwrap();
        Staging::begin(&out, &|_| {}).unwrap();
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

    #[test]
    fn only_empty_marked_or_old_huiwen_folders_are_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let www = tmp.path().join("www");
        fs::create_dir_all(www.join("otherapp")).unwrap();
        fs::write(www.join("robots.txt"), "keep").unwrap();
        let err = Staging::begin(&www, &|_| {}).err().expect("refused");
        assert!(matches!(err, OutputError::Foreign { .. }), "{err}");
        assert!(err.to_string().contains("otherapp/"), "{err}");
        assert_eq!(fs::read(www.join("robots.txt")).unwrap(), b"keep");
        // A regular file.
        let file = tmp.path().join("file");
        fs::write(&file, "keep").unwrap();
        let err = Staging::begin(&file, &|_| {}).err().expect("refused");
        assert!(matches!(err, OutputError::NotAFolder(_)), "{err}");
        assert_eq!(fs::read(&file).unwrap(), b"keep");
        // An empty folder, and an output of huiwen from before the marker.
        let empty = tmp.path().join("empty");
        fs::create_dir_all(&empty).unwrap();
        let s = Staging::begin(&empty, &|_| {}).unwrap();
        s.write("index.html", b"x").unwrap();
        s.commit().unwrap();
        assert!(empty.join(MARKER).is_file());
        let legacy = tmp.path().join("legacy");
        fs::create_dir_all(legacy.join("assets")).unwrap();
        for f in ["index.html", "404.html", "sitemap.xml"] {
            fs::write(legacy.join(f), "old").unwrap();
        }
        Staging::begin(&legacy, &|_| {}).unwrap().commit().unwrap();
        assert!(!legacy.join("404.html").exists());
    }

    #[test]
    fn a_second_build_waits_for_the_lock() {
        use std::sync::atomic::{AtomicBool, Ordering};
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let first = Staging::begin(&out, &|_| {}).unwrap();
        let waited = AtomicBool::new(false);
        std::thread::scope(|sc| {
            let h = sc.spawn(|| {
                let second = Staging::begin(&out, &|n| {
                    assert!(matches!(n, Notice::Waiting(_)));
                    waited.store(true, Ordering::SeqCst);
                })
                .unwrap();
                second.write("index.html", b"second").unwrap();
                second.commit().unwrap();
            });
            while !waited.load(Ordering::SeqCst) {
                std::thread::sleep(std::time::Duration::from_millis(5));
            }
            // The second build waits: it does not clear the staging folder
            // the first one is writing.
            first.write("index.html", b"first").unwrap();
            std::thread::sleep(std::time::Duration::from_millis(50));
            assert_eq!(fs::read(first.dir().join("index.html")).unwrap(), b"first");
            first.commit().unwrap();
            h.join().unwrap();
        });
        assert_eq!(fs::read(out.join("index.html")).unwrap(), b"second");
    }

    #[test]
    fn a_failed_write_is_kept_and_blocks_the_commit() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let s = Staging::begin(&out, &|_| {}).unwrap();
        assert!(s.write("../x", b"x").is_err());
        assert!(
            s.write("fine.html", b"x").is_err(),
            "fails fast after a failure"
        );
        assert!(s.failure().is_some());
        assert!(s.commit().is_err());
        assert!(!out.exists());
    }
}

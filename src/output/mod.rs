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
//!
//! After an atomic swap the replaced output is kept beside the new one
//! (`.<name>.huiwen-previous`, sharing every unchanged file with it through
//! hard links) and becomes the next build's staging folder: that build
//! writes only the files that changed, removes the ones that went away, and
//! makes or removes no folder and no link for the rest. On a rebuild of a
//! 10,000-report site that was a second of folder and link work. The kept
//! folder costs the disk space of the files that changed; it is removed
//! instead where the file system has no hard links.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::base::fs::{describe, real_path};

mod previous;
use previous::{remove_stale, reuse_previous, unchanged_in_both};

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
    /// Where the output before this one is kept for the next build.
    previous: PathBuf,
    /// With a reused previous output as the staging folder: the files it
    /// held that this build has not written (yet). What is left at the
    /// swap is removed first.
    stale: Option<Mutex<HashSet<String>>>,
    /// A hard link failed: the file system has none (FAT), so keeping the
    /// previous output would cost a whole copy of the site.
    no_links: AtomicBool,
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
        let previous = sibling(&target, "previous");
        if !target.exists() && old.is_dir() {
            fs::rename(&old, &target).map_err(|e| OutputError::io("无法恢复输出目录", &old, &e))?;
        }
        check_replaceable(&target)?;
        for leftover in [&dir, &old] {
            remove_if_exists(leftover)
                .map_err(|e| OutputError::io("无法删除上次留下的临时目录", leftover, &e))?;
        }
        let stale = reuse_previous(&previous, &dir)
            .map_err(|e| OutputError::io("无法整理上次保留的输出", &previous, &e))?;
        fs::create_dir_all(&dir).map_err(|e| OutputError::io("无法创建临时目录", &dir, &e))?;
        // Never `fs::write`: in a reused folder the marker may be a link
        // to the live output's.
        create_new(&dir.join(MARKER))
            .and_then(|mut f| f.write_all(MARKER_TEXT.as_bytes()))
            .map_err(|e| OutputError::io("无法写入", &dir.join(MARKER), &e))?;
        let stale = stale.map(|mut files| {
            files.remove(MARKER);
            Mutex::new(files)
        });
        Ok(Staging {
            target,
            dir,
            old,
            committed: false,
            failed: Mutex::new(None),
            previous,
            stale,
            no_links: AtomicBool::new(false),
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
        if self.claim(rel) && unchanged_in_both(&path, &self.target.join(rel), bytes) {
            return Ok(());
        }
        self.make_parent(&path)?;
        let previous = self.target.join(rel);
        // Only a regular file is reused: a link to a symbolic link someone
        // put in the output would put a symbolic link in the new output.
        let same = match fs::symlink_metadata(&previous) {
            Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
                fs::read(&previous).is_ok_and(|old| old == bytes)
            }
            _ => false,
        };
        if same && self.link(&previous, &path) {
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
        // A copy is compared with the previous output only (attachments are
        // few; reading them twice is not worth it).
        self.claim(rel);
        self.make_parent(&path)?;
        let mut from = crate::base::fs::open_regular(src)?;
        let previous = self.target.join(rel);
        let same = match (fs::symlink_metadata(&previous), from.metadata()) {
            (Ok(old), Ok(new)) if old.is_file() && old.len() == new.len() => {
                same_bytes(&previous, src)?
            }
            _ => false,
        };
        if same && self.link(&previous, &path) {
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

    /// Marks `rel` as written by this build; true if a reused previous
    /// output held it.
    fn claim(&self, rel: &str) -> bool {
        self.stale
            .as_ref()
            .is_some_and(|s| s.lock().unwrap_or_else(|e| e.into_inner()).remove(rel))
    }

    /// Creates the folders above `path`. In a reused previous output a
    /// name on the way may be a file (a page that became a folder): it is
    /// removed, never followed.
    fn make_parent(&self, path: &Path) -> io::Result<()> {
        let Some(parent) = path.parent() else {
            return Ok(());
        };
        match fs::create_dir_all(parent) {
            Err(_) if self.stale.is_some() => {
                let mut at = self.dir.clone();
                let rest = parent.strip_prefix(&self.dir).unwrap_or(Path::new(""));
                for c in rest.components() {
                    at.push(c);
                    if fs::symlink_metadata(&at).is_ok_and(|m| !m.is_dir()) {
                        remove_if_exists(&at)?;
                    }
                }
                fs::create_dir_all(parent)
            }
            other => other,
        }
    }

    fn link(&self, previous: &Path, path: &Path) -> bool {
        let ok = link(previous, path);
        if !ok {
            self.no_links.store(true, Ordering::Relaxed);
        }
        ok
    }

    /// Swaps the staging folder in as the output (refused after a failed
    /// write). The old output is kept beside it for the next build to
    /// update in place (see `reuse_previous`), or removed where the file
    /// system has no hard links.
    pub fn commit(mut self) -> Result<(), OutputError> {
        if let Some(e) = self.failure() {
            return Err(e);
        }
        if let Some(stale) = self.stale.take() {
            let stale = stale.into_inner().unwrap_or_else(|e| e.into_inner());
            remove_stale(&self.dir, stale)
                .map_err(|e| OutputError::io("无法删除过时的文件", &self.dir, &e))?;
        }
        let swap = |e: io::Error| OutputError::io("无法替换输出目录", &self.target, &e);
        if self.target.is_dir() {
            if exchange(&self.dir, &self.target).map_err(swap)? {
                self.committed = true;
                // `dir` now holds the old output: kept for the next build
                // where it shares its unchanged files with the new one. If
                // it cannot be kept or removed now, the next `begin` removes it.
                if self.no_links.load(Ordering::Relaxed)
                    || fs::rename(&self.dir, &self.previous).is_err()
                {
                    let _ = remove_if_exists(&self.dir);
                }
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
            // A file written twice, or (in a reused previous output) what
            // stood here before, a folder even.
            remove_if_exists(path)?;
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
            remove_if_exists(path).is_ok() && fs::hard_link(previous, path).is_ok()
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
mod tests;

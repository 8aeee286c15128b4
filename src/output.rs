//! Atomic output: a build writes into a staging directory beside the output and
//! swaps it in only when everything succeeded. Files whose bytes did not change
//! keep their old modification time, so rsync/robocopy copy only what changed.

use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

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
    /// the two renames of a swap).
    pub fn begin(target: &Path) -> io::Result<Staging> {
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

    /// Writes `bytes` to `rel` (a `/`-separated path inside the output).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.resolve(rel)?;
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(path, bytes)
    }

    pub fn copy(&self, src: &Path, rel: &str) -> io::Result<()> {
        let path = self.resolve(rel)?;
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::copy(src, path).map(|_| ())
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
            keep_unchanged_mtimes(&self.dir, &self.target)?;
            fs::rename(&self.target, &self.old)?;
            fs::rename(&self.dir, &self.target)?;
            self.committed = true;
            remove_if_exists(&self.old)?;
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
    match fs::remove_dir_all(p) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => fs::remove_file(p),
        other => other,
    }
}

/// Gives each new file the old file's mtime when their bytes are equal.
fn keep_unchanged_mtimes(new_root: &Path, old_root: &Path) -> io::Result<()> {
    let mut stack = vec![new_root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir)? {
            let e = e?;
            let path = e.path();
            if e.file_type()?.is_dir() {
                stack.push(path);
                continue;
            }
            let Ok(rel) = path.strip_prefix(new_root) else {
                continue;
            };
            let old = old_root.join(rel);
            let Ok(old_meta) = fs::metadata(&old) else {
                continue;
            };
            if old_meta.len() != e.metadata()?.len() {
                continue;
            }
            if fs::read(&old)? == fs::read(&path)? {
                let f = fs::File::options().write(true).open(&path)?;
                f.set_modified(old_meta.modified()?)?;
            }
        }
    }
    Ok(())
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

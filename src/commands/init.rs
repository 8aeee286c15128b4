//! `huiwen init DIR`: a new site with one example of each kind of content.
//!
//! The example files live in `scaffold/` and are compiled in, so the command
//! works from any directory. The default theme is built into the binary and is
//! not copied unless asked (`--theme`): a copied theme stops receiving fixes.

use std::fs;
use std::io;
use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::render::theme::DEFAULT_THEME;

static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/scaffold");

/// Creates the site at `dir`. Refuses to touch a directory that already has a
/// `site.yaml` or a `content/` folder.
pub fn init(dir: &Path, copy_theme: bool) -> io::Result<Vec<String>> {
    if dir.join("site.yaml").exists() || dir.join("content").exists() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} 已经是一个站点（有 site.yaml 或 content/），没有改动任何文件",
                dir.display()
            ),
        ));
    }
    let mut written = Vec::new();
    extract(&SCAFFOLD, dir, &mut written)?;
    if copy_theme {
        extract(&DEFAULT_THEME, &dir.join("themes/default"), &mut written)?;
    }
    written.sort();
    Ok(written)
}

fn extract(d: &Dir<'_>, to: &Path, written: &mut Vec<String>) -> io::Result<()> {
    for f in d.files() {
        let path = to.join(f.path());
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        // Never over a file that is already there (a folder with other
        // things in it may be chosen as the new site's home).
        let mut file = fs::File::options()
            .write(true)
            .create_new(true)
            .open(&path)
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "{}：{}，没有覆盖",
                        path.display(),
                        crate::base::fs::describe(&e)
                    ),
                )
            })?;
        io::Write::write_all(&mut file, f.contents())?;
        written.push(path.display().to_string());
    }
    for sub in d.dirs() {
        extract(sub, to, written)?;
    }
    Ok(())
}

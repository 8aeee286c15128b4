//! `huiwen new report TITLE`: a report file with its front matter filled in.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::base::slug::slugify;
use crate::load::frontmatter::Date;

/// Writes `content/reports/<year>/<slug>.md` under `root`; never overwrites.
pub fn new_report(root: &Path, title: &str, today: Date) -> io::Result<PathBuf> {
    let title = title.trim();
    let slug = slugify(title);
    if title.is_empty() || slug.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "标题不能为空"));
    }
    let dir = root.join("content/reports").join(today.year.to_string());
    fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{slug}.md"));
    let yaml_title = yaml_string(title);
    let text = format!(
        "---\ntitle: {yaml_title}\ndate: {today}\nauthor: \nregion: \nkind: 经验交流\ntags: []\ntowns: []\nbelts: []\nalliances: []\ndraft: true\n---\n\n## 一、\n\n"
    );
    let mut f = fs::File::options()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                io::Error::new(e.kind(), format!("{} 已存在，没有覆盖", path.display()))
            } else {
                e
            }
        })?;
    io::Write::write_all(&mut f, text.as_bytes())?;
    Ok(path)
}

/// `s` as a double-quoted YAML string (control characters as spaces).
pub fn yaml_string(s: &str) -> String {
    let s: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

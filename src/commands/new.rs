//! `huiwen new report TITLE`: a report file with its front matter filled in.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::load::frontmatter::Date;
use crate::slug::slugify;

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
    let yaml_title = title.replace('\\', "\\\\").replace('"', "\\\"");
    let text = format!(
        "---\ntitle: \"{yaml_title}\"\ndate: {today}\nauthor: \nregion: \nkind: 经验交流\ntags: []\ntowns: []\nbelts: []\nalliances: []\ndraft: true\n---\n\n## 一、\n\n"
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

/// Today's date (UTC), without a date library.
pub fn today() -> Date {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    civil_from_days((secs / 86_400) as i64)
}

/// Days since 1970-01-01 to a calendar date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0).to_string(), "1970-01-01");
        assert_eq!(civil_from_days(20_414).to_string(), "2025-11-22");
        assert_eq!(civil_from_days(19_782).to_string(), "2024-02-29");
    }
}

//! `huiwen tidy FILE...|DIR`: the cleanup of `huiwen import` applied to
//! reports already in `content/`: front matter kept as written, the body
//! tidied ([`crate::tidy`]) in place with the original kept as `<name>.md~`
//! (which the build ignores), or only listed (`--check`) or shown (`--diff`).
//! Tidying a tidy file changes nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use similar::TextDiff;

use crate::load::frontmatter::{parse_front, split};
use crate::read::decode::decode;
use crate::tidy::junk::Matcher;
use crate::tidy::{Log, Options, Source, tidy_markdown};

/// `huiwen tidy`'s arguments.
#[derive(Debug, clap::Args)]
pub struct TidyArgs {
    /// 要整理的报告（.md 文件，或目录：其中所有 .md）
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// 只列出需要整理的文件和要删除的行，不修改；有需要整理的文件时返回 1
    #[arg(long)]
    pub check: bool,
    /// 显示改动（diff 格式），不修改
    #[arg(long)]
    pub diff: bool,
}

/// One file tidied in memory.
pub struct Tidied {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    pub log: Log,
    /// The file was not UTF-8 (it is written back as UTF-8).
    pub converted: bool,
}

impl Tidied {
    pub fn changed(&self) -> bool {
        self.before != self.after
    }
}

/// Why a file could not be tidied.
#[derive(Debug, thiserror::Error)]
pub enum TidyError {
    #[error("无法读取：{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    FrontMatter(String),
    #[error("不是 .md 文件；huiwen tidy 只整理 Markdown 报告（其他格式请用 huiwen import）")]
    NotMarkdown,
}

/// Tidies one file's text (nothing is written).
pub fn tidy_file(path: &Path) -> Result<Tidied, TidyError> {
    let bytes = std::fs::read(path)?;
    let decoded = decode(&bytes, path);
    let before = decoded.text;
    let (front, body, body_line, title) = match split(&before, path) {
        Ok(Some(s)) => {
            let front_len = before.len() - s.body.len();
            let title = parse_front(&s, path, &before)
                .ok()
                .and_then(|f| f.title)
                .map(|t| t.value.trim().to_owned());
            (&before[..front_len], s.body, s.body_line, title)
        }
        Ok(None) => ("", before.as_str(), 1, None),
        Err(d) => return Err(TidyError::FrontMatter(d.message)),
    };
    let titles: Vec<String> = title.into_iter().collect();
    let out = tidy_markdown(
        body,
        body_line,
        &Options {
            source: Source::Markdown,
            titles: &titles,
            junk: Matcher::builtin(),
        },
    );
    let mut after = front.to_owned();
    if !out.markdown.is_empty() {
        if !front.is_empty() {
            after.push('\n');
        }
        after.push_str(&out.markdown);
    }
    Ok(Tidied {
        path: path.to_path_buf(),
        converted: decoded.warning.is_some(),
        before,
        after,
        log: out.log,
    })
}

/// The Markdown files a path names: itself, or every `.md` below a folder.
fn markdown_files(path: &Path) -> Vec<PathBuf> {
    if path.is_dir() {
        // Links that lead out of the folder are not followed (their warnings are not needed here).
        crate::load::files_under(path, &crate::load::Fence::new(path), &mut Vec::new())
            .into_iter()
            .map(|(_, p)| p)
            .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("md")))
            .collect()
    } else {
        vec![path.to_path_buf()]
    }
}

/// Writes the tidied text, keeping the original as `<name>~`.
pub fn save(t: &Tidied) -> std::io::Result<PathBuf> {
    let mut backup = t.path.clone().into_os_string();
    backup.push("~");
    let backup = PathBuf::from(backup);
    std::fs::copy(&t.path, &backup)?;
    // Written beside, then renamed: an interrupted tidy leaves the file whole.
    let mut tmp = t.path.clone().into_os_string();
    tmp.push(".huiwen-tidy.tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, t.after.as_bytes())?;
    std::fs::rename(&tmp, &t.path)?;
    Ok(backup)
}

/// What tidying did to a file, for the terminal.
pub fn describe(t: &Tidied) -> String {
    let l = &t.log;
    let mut s = format!(
        "{}：标题 {} 个，列表 {} 项，分段 {} 处，去掉汉字间空格 {} 处，标点改全角 {} 处，转义 {} 处，删除 {} 行{}\n",
        t.path.display(),
        l.headings.len(),
        l.list_items,
        l.split,
        l.spaces,
        l.punctuation,
        l.escaped,
        l.removed.len(),
        if t.converted {
            "，GBK 转为 UTF-8"
        } else {
            ""
        }
    );
    for r in &l.removed {
        s.push_str(&format!(
            "    删除 第 {} 行  {}  〔{}〕\n",
            r.at, r.text, r.why
        ));
    }
    for r in &l.suspects {
        s.push_str(&format!("    保留 第 {} 行（{}，请核对）\n", r.at, r.why));
    }
    s
}

/// Runs `huiwen tidy`: exit 1 when a file could not be read, or, with
/// `--check`, when any file would change.
pub fn run(args: &TidyArgs) -> ExitCode {
    let mut failed = 0;
    let mut changed = 0;
    let mut total = 0;
    for p in &args.paths {
        if !p.exists() {
            failed += 1;
            eprintln!("错误: {}：文件或目录不存在", p.display());
            continue;
        }
        for file in markdown_files(p) {
            total += 1;
            let result = if file
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("md"))
            {
                tidy_file(&file)
            } else {
                Err(TidyError::NotMarkdown)
            };
            let t = match result {
                Ok(t) => t,
                Err(e) => {
                    failed += 1;
                    eprintln!("错误: {}：{e}", file.display());
                    continue;
                }
            };
            if !t.changed() {
                continue;
            }
            changed += 1;
            if args.diff {
                let name = t.path.display().to_string();
                print!(
                    "{}",
                    TextDiff::from_lines(&t.before, &t.after)
                        .unified_diff()
                        .context_radius(2)
                        .header(&name, &format!("{name}（整理后）"))
                );
            }
            if args.check || args.diff {
                eprint!("需要整理 {}", describe(&t));
                continue;
            }
            match save(&t) {
                Ok(backup) => eprintln!(
                    "已整理 {}    原文件备份为 {}",
                    describe(&t),
                    backup.display()
                ),
                Err(e) => {
                    failed += 1;
                    eprintln!("错误: {}：无法写入：{e}", t.path.display());
                }
            }
        }
    }
    let verb = if args.check || args.diff {
        "需要整理"
    } else {
        "已整理"
    };
    eprintln!("整理完成：{total} 个文件，{verb} {changed} 个，失败 {failed} 个");
    if failed > 0 || (args.check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

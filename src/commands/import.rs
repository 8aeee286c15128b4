//! `huiwen import FILE...`: received documents into draft reports.
//!
//! Each file is read ([`crate::import`]), its front matter guessed
//! ([`crate::import::meta`]), its text tidied ([`crate::tidy`]) and written
//! as `content/reports/<year>/<pinyin>.md` (a folder with `index.md` when it
//! has images) with `draft: true`. What was removed, joined and guessed is
//! reported, line by line for removals, so nothing disappears unseen.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aho_corasick::AhoCorasick;

use crate::base::ids::EntityKind;
use crate::base::slug::slugify;
use crate::commands::new::yaml_string;
use crate::config::Config;
use crate::diag::Diagnostics;
use crate::import::meta::{Guess, guess};
use crate::import::{self, Attachment, ImportError, Unit};
use crate::load::frontmatter::Date;
use crate::tidy::junk::Matcher;
use crate::tidy::{self, Log, Options};

/// `huiwen import`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// 要导入的文件：.docx .doc .wps .txt .md .html
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// 站点根目录（含 site.yaml）
    #[arg(long, default_value = ".")]
    pub root: PathBuf,
    /// 年份：放入 content/reports/<年份>/（默认取文中日期的年份）
    #[arg(long)]
    pub year: Option<i32>,
    /// 类型（kind），例如 发言、工作要点；默认按标题判断
    #[arg(long)]
    pub kind: Option<String>,
    /// 写到这个目录（默认 content/reports/<年份>/）
    #[arg(long)]
    pub to: Option<PathBuf>,
    /// 只显示结果和报告，不写任何文件
    #[arg(long)]
    pub dry_run: bool,
}

/// What the site already has that an import can refer to.
#[derive(Default)]
pub struct SiteInfo {
    /// (kind, id, name) of every town, belt and alliance.
    pub entities: Vec<(EntityKind, String, String)>,
    /// The kinds reports already use.
    pub kinds: Vec<String>,
}

impl SiteInfo {
    /// Reads the site at `root`; a site that does not load gives nothing.
    pub fn load(root: &Path) -> SiteInfo {
        let mut diags = Diagnostics::new();
        let Some(config) = Config::load(root, &mut diags) else {
            return SiteInfo::default();
        };
        let raw = crate::load::load(root, &mut diags);
        let ents =
            crate::model::entities::build(&raw.entity_files, &raw.broken, &config, &mut diags);
        let mut kinds: Vec<String> = raw
            .reports
            .iter()
            .filter_map(|r| r.front.kind.clone())
            .map(|k| k.value.trim().to_owned())
            .filter(|k| !k.is_empty())
            .collect();
        kinds.sort();
        kinds.dedup();
        SiteInfo {
            entities: ents
                .all
                .iter()
                .map(|e| (e.kind, e.id.as_str().to_owned(), e.name.clone()))
                .collect(),
            kinds,
        }
    }
}

/// What importing one file gave.
pub struct Imported {
    pub source: PathBuf,
    /// Where the report is (or, on a dry run, would be) written.
    pub target: PathBuf,
    /// The whole report file.
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub guess: Guess,
    pub date: Date,
    pub kind: String,
    pub log: Log,
    pub unit: Unit,
    /// (kind, id, name) of the entities named in the text.
    pub entities: Vec<(EntityKind, String, String)>,
    pub notes: Vec<String>,
}

/// The options of one run.
pub struct Settings<'a> {
    pub root: &'a Path,
    pub year: Option<i32>,
    pub kind: Option<&'a str>,
    pub to: Option<&'a Path>,
    pub today: Date,
}

/// Reads, tidies and places one file (nothing is written).
pub fn prepare(path: &Path, s: &Settings<'_>, site: &SiteInfo) -> Result<Imported, ImportError> {
    let doc = import::read(path)?;
    let junk = Matcher::builtin();
    let g = guess(&doc, junk);
    // The title as found and as cleaned: a body line repeating either goes.
    let mut titles = g.title_lines.clone();
    titles.extend(g.title.as_ref().map(|t| t.value.clone()));
    let out = tidy::tidy(
        doc.lines.clone(),
        &Options {
            source: doc.source(),
            titles: &titles,
            junk,
        },
    );
    let date = g.date.as_ref().map_or(s.today, |d| Date {
        year: d.value.0,
        month: d.value.1,
        day: d.value.2,
    });
    let year = s.year.unwrap_or(date.year);
    let kind = s
        .kind
        .map(str::to_owned)
        .unwrap_or_else(|| site_kind(&g.kind.value, &site.kinds));
    let stem = path
        .file_stem()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let title = g.title.as_ref().map_or(stem.as_str(), |t| t.value.as_str());
    let entities = named_entities(&out.markdown, &site.entities);
    let text = report_text(&g, title, date, &kind, &entities, path, &out.markdown);
    let dir =
        s.to.map(Path::to_path_buf)
            .unwrap_or_else(|| s.root.join("content/reports").join(year.to_string()));
    let target = free_name(&dir, &file_slug(title, &stem), !doc.attachments.is_empty());
    Ok(Imported {
        source: path.to_path_buf(),
        target,
        text,
        attachments: doc.attachments,
        guess: g,
        date,
        kind,
        log: out.log,
        unit: doc.unit,
        entities,
        notes: doc.notes,
    })
}

/// A kind the site already uses that says the same (`发言` → `会议发言`).
fn site_kind(guessed: &str, kinds: &[String]) -> String {
    kinds
        .iter()
        .find(|k| *k == guessed)
        .or_else(|| {
            kinds
                .iter()
                .find(|k| k.contains(guessed) || guessed.contains(k.as_str()))
        })
        .cloned()
        .unwrap_or_else(|| guessed.to_owned())
}

/// The entities whose names the text mentions, in order of first mention.
fn named_entities(
    text: &str,
    all: &[(EntityKind, String, String)],
) -> Vec<(EntityKind, String, String)> {
    let names: Vec<&str> = all.iter().map(|(_, _, n)| n.as_str()).collect();
    let Ok(ac) = AhoCorasick::new(&names) else {
        return Vec::new();
    };
    let mut out: Vec<(EntityKind, String, String)> = Vec::new();
    for m in ac.find_overlapping_iter(text) {
        let e = &all[m.pattern().as_usize()];
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    out
}

/// The report file: front matter (with comments on what to check) and body.
fn report_text(
    g: &Guess,
    title: &str,
    date: Date,
    kind: &str,
    entities: &[(EntityKind, String, String)],
    source: &Path,
    body: &str,
) -> String {
    let mut f = String::from("---\n");
    let note = |ok: bool, msg: &str| {
        if ok {
            String::new()
        } else {
            format!("  # {msg}")
        }
    };
    let _ = writeln!(
        f,
        "title: {}{}",
        yaml_string(title),
        note(g.title.is_some(), "没有找到标题，用了文件名，请修改")
    );
    let _ = writeln!(
        f,
        "date: {date}{}",
        note(g.date.is_some(), "文中没有日期，用了导入当天，请核对")
    );
    let opt = |v: Option<&str>| v.map(yaml_string).unwrap_or_default();
    let _ = writeln!(
        f,
        "author: {}",
        opt(g.author.as_ref().map(|a| a.value.as_str()))
    );
    let _ = writeln!(f, "region: {}", opt(g.region.as_deref()));
    let _ = writeln!(f, "kind: {}", yaml_string(kind));
    f.push_str("tags: []\n");
    for k in EntityKind::ALL {
        let ids: Vec<&str> = entities
            .iter()
            .filter(|(ek, _, _)| *ek == k)
            .map(|(_, id, _)| id.as_str())
            .collect();
        let _ = writeln!(f, "{}: [{}]", k.field(), ids.join(", "));
    }
    f.push_str("draft: true  # 核对后删掉这一行即可发布\n");
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let _ = writeln!(f, "extra:\n  imported_from: {}", yaml_string(&name));
    f.push_str("---\n\n");
    f.push_str(body);
    f
}

/// The longest file name made from a title, in characters.
const MAX_SLUG: usize = 60;

/// The title in pinyin, cut at a syllable to at most [`MAX_SLUG`] characters.
fn file_slug(title: &str, stem: &str) -> String {
    let mut slug = slugify(title);
    if slug.is_empty() {
        slug = slugify(stem);
    }
    if slug.is_empty() {
        slug = "report".to_owned();
    }
    if slug.len() > MAX_SLUG {
        let cut = slug[..MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
        slug.truncate(cut);
    }
    slug
}

/// `dir/slug.md` (or `dir/slug/index.md` for a report with attachments),
/// with `-2`, `-3`… when taken: an import never overwrites.
fn free_name(dir: &Path, slug: &str, folder: bool) -> PathBuf {
    let path = |s: &str| {
        if folder {
            dir.join(s).join("index.md")
        } else {
            dir.join(format!("{s}.md"))
        }
    };
    let taken = |s: &str| dir.join(s).exists() || dir.join(format!("{s}.md")).exists();
    let mut name = slug.to_owned();
    let mut n = 2;
    while taken(&name) {
        name = format!("{slug}-{n}");
        n += 1;
    }
    path(&name)
}

/// Writes the report and its attachments (never over an existing file).
pub fn write(imported: &Imported) -> std::io::Result<()> {
    let dir = imported.target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let create = |path: &Path, bytes: &[u8]| -> std::io::Result<()> {
        let mut f = std::fs::File::options()
            .write(true)
            .create_new(true)
            .open(path)?;
        std::io::Write::write_all(&mut f, bytes)
    };
    create(&imported.target, imported.text.as_bytes())?;
    for a in &imported.attachments {
        create(&dir.join(&a.name), &a.bytes)?;
    }
    Ok(())
}

/// The report of one import, for the terminal.
pub fn describe(i: &Imported, root: &Path, dry_run: bool) -> String {
    let mut s = String::new();
    let shown = |p: &Path| p.strip_prefix(root).unwrap_or(p).display().to_string();
    let _ = writeln!(
        s,
        "导入 {} → {}{}",
        i.source.display(),
        shown(&i.target),
        if dry_run {
            "（试运行，未写入）"
        } else {
            "（草稿 draft: true）"
        }
    );
    let g = &i.guess;
    match &g.title {
        Some(t) => {
            let _ = writeln!(s, "  标题：{}（{}）", t.value, t.from);
        }
        None => s.push_str("  标题：没有找到，用了文件名，请修改\n"),
    }
    match &g.date {
        Some(d) => {
            let _ = writeln!(s, "  日期：{}（{}）", i.date, d.from);
        }
        None => {
            let _ = writeln!(s, "  日期：{}（文中没有日期，用了今天，请核对）", i.date);
        }
    }
    let author = g.author.as_ref().map_or("未找到".to_owned(), |a| {
        format!("{}（{}）", a.value, a.from)
    });
    let _ = writeln!(
        s,
        "  作者：{author}；地区：{}；类型：{}（{}）",
        g.region.as_deref().unwrap_or("未找到"),
        i.kind,
        g.kind.from
    );
    if !i.entities.is_empty() {
        let names: Vec<String> = i
            .entities
            .iter()
            .map(|(k, id, n)| format!("{}{n}（{}: {id}）", k.label(), k.field()))
            .collect();
        let _ = writeln!(s, "  文中提到：{}", names.join("、"));
    }
    let l = &i.log;
    let count = |level: u8| l.headings.iter().filter(|h| h.level == level).count();
    let _ = writeln!(
        s,
        "  整理：恢复标题 {} 个（二级 {}，三级 {}，四级 {}），列表 {} 项，合并断行 {} 处，分段 {} 处，去掉汉字间空格 {} 处，标点改全角 {} 处，转义 {} 处，删除 {} 行",
        l.headings.len(),
        count(2),
        count(3),
        count(4),
        l.list_items,
        l.joined,
        l.split,
        l.spaces,
        l.punctuation,
        l.escaped,
        l.removed.len()
    );
    if !i.attachments.is_empty() {
        let names: Vec<&str> = i.attachments.iter().map(|a| a.name.as_str()).collect();
        let _ = writeln!(s, "  附件：{}", names.join("、"));
    }
    if !l.removed.is_empty() {
        s.push_str("  删除的行：\n");
        for r in &l.removed {
            let _ = writeln!(s, "    {}  {}  〔{}〕", i.unit.at(r.at), r.text, r.why);
        }
    }
    let mut checks: Vec<String> = l
        .suspects
        .iter()
        .map(|r| format!("{}保留了，但{}：{}", i.unit.at(r.at), r.why, short(&r.text)))
        .collect();
    checks.extend(g.checks.iter().cloned());
    checks.extend(i.notes.iter().cloned());
    if !checks.is_empty() {
        s.push_str("  请核对：\n");
        for c in checks {
            let _ = writeln!(s, "    - {c}");
        }
    }
    s
}

fn short(t: &str) -> String {
    crate::model::reports::truncate_chars(t, 40)
}

/// Runs `huiwen import`; the exit code is 1 if any file failed.
pub fn run(args: &ImportArgs) -> ExitCode {
    let site = SiteInfo::load(&args.root);
    let settings = Settings {
        root: &args.root,
        year: args.year,
        kind: args.kind.as_deref(),
        to: args.to.as_deref(),
        today: Date::today(),
    };
    let mut failed = 0;
    for path in &args.files {
        let result = prepare(path, &settings, &site).and_then(|i| {
            if !args.dry_run {
                write(&i)?;
            }
            Ok(i)
        });
        match result {
            Ok(i) => {
                eprint!("{}", describe(&i, &args.root, args.dry_run));
                if args.dry_run {
                    println!("{}", i.text);
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("错误: {}：{e}", path.display());
            }
        }
    }
    let ok = args.files.len() - failed;
    eprintln!(
        "{}：{ok} 个文件{}，{failed} 个失败{}",
        if args.dry_run {
            "试运行完成"
        } else {
            "导入完成"
        },
        if args.dry_run {
            "可以导入"
        } else {
            "已写成草稿"
        },
        if ok > 0 && !args.dry_run {
            "。请逐篇核对后删掉 draft: true，再运行 huiwen build"
        } else {
            ""
        }
    );
    if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

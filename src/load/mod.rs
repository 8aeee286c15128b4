//! Loading: finds the content files, decodes them and parses their YAML.
//!
//! This stage knows file formats, not meaning: it returns raw structures with
//! positions, and the model stage checks ids, references and metrics. Files are
//! read and parsed in parallel; every problem becomes a diagnostic and loading
//! goes on, so one run reports everything.
//!
//! A [`Loader`] remembers what each file gave, by its size and modification
//! time, so `huiwen serve` re-reads only the files that changed. Every read
//! gets a new [`Rev`]; later stages key their own caches on it.

pub mod entity;
pub mod frontmatter;
pub mod sheets;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::base::fs::{is_ignored, read_regular, real_path};
use crate::base::ids::EntityKind;
use crate::diag::{Diagnostic, Diagnostics, rel_path};
use crate::read::{decode, yaml};
use entity::{RawAlliance, RawBelt, RawEntity, RawTown};
use frontmatter::FrontMatter;
use yaml::LineOffset;

pub const CONTENT_DIR: &str = "content";
pub const REPORTS_DIR: &str = "reports";
pub const STATIC_DIR: &str = "static";
/// Statistics in spreadsheets (`content/stats/`), beside the entity YAML.
pub const STATS_DIR: &str = "stats";

/// Which read of a file a value comes from: each (re)read of a file by a
/// [`Loader`] gets a new one, so an unchanged `Rev` means unchanged content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Rev(u64);

/// A Markdown file: a report or a plain page.
#[derive(Debug, Clone)]
pub struct RawDoc {
    pub rev: Rev,
    /// Relative to the site root, e.g. `content/reports/2025/a.md`.
    pub file: PathBuf,
    /// The whole decoded file (for code frames).
    pub source: String,
    pub front: FrontMatter,
    pub has_front: bool,
    /// Byte offset of the body in `source`, and its first line.
    pub body_start: usize,
    pub body_line: usize,
    /// For a report that is a folder (`foo/index.md`), the other files in it.
    pub assets: Vec<Asset>,
}

impl RawDoc {
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
    }

    /// The name the URL slug comes from: the file stem, or the folder name of a bundle.
    pub fn stem(&self) -> String {
        let stem = self.file.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem == "index"
            && let Some(dir) = self.file.parent().and_then(|p| p.file_name())
        {
            return dir.to_string_lossy().into_owned();
        }
        stem.to_owned()
    }
}

/// An attachment of a folder report.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Asset {
    /// The file on disk.
    pub src: PathBuf,
    /// Its `/`-separated path inside the report's folder (`附件/名单.xlsx`).
    pub rel: String,
}

/// The entities of one YAML file.
#[derive(Debug)]
pub struct RawEntityFile {
    pub rev: Rev,
    pub file: PathBuf,
    pub source: String,
    pub entities: Vec<RawEntity>,
}

/// Everything read from `content/`.
#[derive(Debug, Default)]
pub struct RawContent {
    pub reports: Vec<Arc<RawDoc>>,
    pub pages: Vec<Arc<RawDoc>>,
    pub home: Option<Arc<RawDoc>>,
    pub entity_files: Vec<Arc<RawEntityFile>>,
    /// Spreadsheets of statistics (`content/stats/`).
    pub sheet_files: Vec<Arc<sheets::RawSheetFile>>,
    /// Files copied as they are: `(source on disk, path in the output)`:
    /// `static/`, and the files of `content/` that are not content.
    pub static_files: Vec<(PathBuf, String)>,
    /// Files that could not be read or parsed (their errors are reported).
    pub broken: Vec<Arc<Broken>>,
}

/// A content file with errors that stop it from being read: what later
/// stages need to know so that one mistake is reported once, not again
/// as an "unknown id" or a "broken link" in every file that refers to it.
#[derive(Debug)]
pub struct Broken {
    pub file: PathBuf,
    /// For an entity file: its kind and the ids it seems to define (found
    /// line by line, as `id: xyz`, since the YAML did not parse).
    pub entities: Option<(EntityKind, Vec<String>)>,
}

#[derive(Clone)]
enum Item {
    Report(Arc<RawDoc>),
    Page(Arc<RawDoc>),
    Home(Arc<RawDoc>),
    Entities(Arc<RawEntityFile>),
    Broken(Arc<Broken>),
    Sheets(Arc<sheets::RawSheetFile>),
}

#[derive(Clone, PartialEq, Eq)]
enum Role {
    /// A report file; `bundle` indexes its folder when it is a folder's `index.md`.
    Report {
        bundle: Option<usize>,
    },
    /// A folder report with its asset files.
    Assets(Vec<Asset>),
    Page,
    Home,
    Entities(EntityKind),
    Sheets,
}

/// Reads all of `root/content`.
pub fn load(root: &Path, diags: &mut Diagnostics) -> RawContent {
    Loader::default().load(root, diags)
}

/// Reads content; a [`Loader::remembering`] one keeps what each file gave
/// for the next call (see the module comment).
#[derive(Default)]
pub struct Loader {
    files: FxHashMap<PathBuf, Cached>,
    next_rev: u64,
    remember: bool,
    /// The last walk, reused while only known files change.
    last: Option<Structure>,
    /// The files the watcher saw change since the last load.
    hint: Option<Vec<PathBuf>>,
}

/// One file's last result.
struct Cached {
    stamp: Stamp,
    role: Role,
    item: Option<Item>,
    diags: Vec<Diagnostic>,
}

/// What says a file is unchanged: its size and modification time.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: SystemTime,
}

/// A result is trusted only for a file last modified this long before it was
/// read: an edit in the same clock tick (or, on a FAT-formatted USB stick,
/// the same two seconds) could leave size and time unchanged. Such files are
/// read again each time, which costs little: they are the ones being edited.
const RACY: Duration = Duration::from_secs(3);

impl Stamp {
    fn of(m: &std::fs::Metadata) -> Option<Stamp> {
        let modified = m.modified().ok()?;
        // Recent files get no stamp, so they are never taken from the cache.
        let settled = SystemTime::now()
            .duration_since(modified)
            .is_ok_and(|age| age > RACY);
        settled.then_some(Stamp {
            len: m.len(),
            modified,
        })
    }
}

impl Loader {
    /// A loader that keeps each file's result for the next [`Loader::load`].
    /// (A one-shot loader does not, so the model can take the text without copying it.)
    pub fn remembering() -> Loader {
        Loader {
            remember: true,
            ..Loader::default()
        }
    }

    /// Forgets what these files gave (the watcher saw them change). If
    /// nothing else changes before the next [`Loader::load`] and these are
    /// all files it already knows, it skips walking `content/`: the watcher
    /// reports every creation, deletion and rename, and those make it walk.
    pub fn invalidate<'a>(&mut self, paths: impl IntoIterator<Item = &'a Path>) {
        let hint = self.hint.get_or_insert_with(Vec::new);
        for p in paths {
            self.files.remove(p);
            hint.push(p.to_path_buf());
        }
    }

    /// Reads all of `root/content`, taking unchanged files from the cache.
    pub fn load(&mut self, root: &Path, diags: &mut Diagnostics) -> RawContent {
        let content = root.join(CONTENT_DIR);
        if !content.is_dir() {
            diags.push(
                Diagnostic::error(CONTENT_DIR, "找不到 content/ 目录").with_hint(
                    "报告放在 content/reports/，试点镇、示范带、联合体放在 content/towns/ 等目录",
                ),
            );
            self.last = None;
            return RawContent::default();
        }
        let structure = match (self.last.take(), self.hint.take()) {
            (Some(mut last), Some(changed))
                if changed
                    .iter()
                    .all(|p| last.known.contains(p) && p.is_file()) =>
            {
                // Only known files changed (the watcher says): the same files in
                // the same roles. The changed ones, and those too recent to
                // trust at the last look, get new stamps.
                let changed: std::collections::HashSet<&PathBuf> = changed.iter().collect();
                last.jobs.par_iter_mut().for_each(|(path, stamp, _)| {
                    if stamp.is_none() || changed.contains(path) {
                        *stamp = std::fs::metadata(&*path).ok().and_then(|m| Stamp::of(&m));
                    }
                });
                last
            }
            _ => structure(root, &content, self.remember),
        };
        diags.extend(structure.diags.iter().cloned());
        let mut out = RawContent {
            static_files: structure.static_files.clone(),
            ..RawContent::default()
        };
        let first_rev = self.next_rev;
        self.next_rev += structure.jobs.len() as u64;
        let cache = &self.files;
        // `Some(stamp)`: read now (`None` inside: too recent to keep); `None`: from the cache.
        type Read = (Option<Option<Stamp>>, Option<Item>, Vec<Diagnostic>);
        let results: Vec<Read> = structure
            .jobs
            .par_iter()
            .enumerate()
            .map(|(i, (path, stamp, role))| {
                if let Some(c) = cache.get(path)
                    && stamp.is_some_and(|s| s == c.stamp)
                    && c.role == *role
                {
                    return (None, c.item.clone(), c.diags.clone());
                }
                let (item, ds) = read_one(root, path, role.clone(), Rev(first_rev + i as u64));
                (Some(*stamp), item, ds)
            })
            .collect();
        let mut seen = FxHashMap::default();
        seen.reserve(results.len());
        for ((path, _, role), (stamp, item, ds)) in structure.jobs.iter().zip(results) {
            diags.extend(ds.iter().cloned());
            match stamp {
                _ if !self.remember => {}
                Some(Some(stamp)) => {
                    let cached = Cached {
                        stamp,
                        role: role.clone(),
                        item: item.clone(),
                        diags: ds,
                    };
                    seen.insert(path.clone(), cached);
                }
                Some(None) => {}
                None => {
                    if let Some((path, c)) = self.files.remove_entry(path) {
                        seen.insert(path, c);
                    }
                }
            }
            match item {
                Some(Item::Report(d)) => out.reports.push(d),
                Some(Item::Page(d)) => out.pages.push(d),
                Some(Item::Home(d)) => out.home = Some(d),
                Some(Item::Entities(e)) => out.entity_files.push(e),
                Some(Item::Sheets(s)) => out.sheet_files.push(s),
                Some(Item::Broken(b)) => out.broken.push(b),
                None => {}
            }
        }
        // Deleted and renamed files are forgotten.
        self.files = seen;
        if self.remember {
            self.last = Some(structure);
        }
        out
    }
}

/// The files of `content/` in their roles, as the last walk found them.
struct Structure {
    jobs: Vec<(PathBuf, Option<Stamp>, Role)>,
    static_files: Vec<(PathBuf, String)>,
    /// Every file found, whatever its role.
    known: std::collections::HashSet<PathBuf>,
    /// Warnings about misplaced files.
    diags: Vec<Diagnostic>,
}

/// Finds and classifies the files of `content/` and `static/` (sorted: the
/// walk sorts each folder).
fn structure(root: &Path, content: &Path, stamp: bool) -> Structure {
    let fence = Fence::new(root);
    let (mut found, mut diags) = (Vec::new(), Vec::new());
    walk(content, &mut found, stamp, &fence, &mut diags);
    let mut static_files = Vec::new();
    let (files, stamps): (Vec<PathBuf>, Vec<Option<Stamp>>) = found.into_iter().unzip();
    let reports_dir = content.join(REPORTS_DIR);
    let places = Places {
        root,
        content,
        bundles: bundles(root, &reports_dir, &files, &mut diags),
        reports_dir,
    };
    let mut assets: Vec<Vec<Asset>> = vec![Vec::new(); places.bundles.len()];
    let mut jobs: Vec<(PathBuf, Option<Stamp>, Role)> = Vec::new();
    for (path, stamp) in files.iter().zip(stamps) {
        match places.place(path, &mut diags) {
            Place::Job(role) => jobs.push((path.clone(), stamp, role)),
            Place::Asset(b, rel) => assets[b].push(Asset {
                src: path.clone(),
                rel,
            }),
            Place::Static(rel) => static_files.push((path.clone(), rel)),
            Place::Skip => {}
        }
    }
    let jobs: Vec<(PathBuf, Option<Stamp>, Role)> = jobs
        .into_iter()
        .map(|(p, s, r)| match r {
            Role::Report { bundle: Some(b) } => {
                (p, s, Role::Assets(std::mem::take(&mut assets[b])))
            }
            other => (p, s, other),
        })
        .collect();
    let mut known: std::collections::HashSet<PathBuf> = files.into_iter().collect();
    for (rel, path) in files_under(&root.join(STATIC_DIR), &fence, &mut diags) {
        known.insert(path.clone());
        static_files.push((path, rel));
    }
    Structure {
        known,
        jobs,
        static_files,
        diags,
    }
}

/// Where one file of `content/` goes.
enum Place {
    /// Read in a role.
    Job(Role),
    /// An attachment of folder report `.0`, at `.1` in its folder.
    Asset(usize, String),
    /// Published as it is, at this path.
    Static(String),
    /// Neither read nor published (a warning or error says why).
    Skip,
}

/// What places the files of `content/`: its folders and the report folders.
struct Places<'a> {
    root: &'a Path,
    content: &'a Path,
    reports_dir: PathBuf,
    bundles: HashMap<PathBuf, usize>,
}

impl Places<'_> {
    fn place(&self, path: &Path, diags: &mut Vec<Diagnostic>) -> Place {
        let rel = path.strip_prefix(self.content).unwrap_or(path);
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let top = rel
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or("");
        if top == STATS_DIR && rel.components().count() > 1 {
            return self.sheet(path, &ext, diags);
        }
        if path.starts_with(&self.reports_dir) {
            return self.under_reports(path, rel, &ext);
        }
        if let Some(kind) = EntityKind::ALL.into_iter().find(|k| k.dir() == top) {
            if ext == "yaml" || ext == "yml" {
                return Place::Job(Role::Entities(kind));
            }
            diags.push(Diagnostic::warning(
                rel_path(self.root, path),
                format!("{} 目录里只应放 .yaml 文件，这个文件被忽略了", kind.dir()),
            ));
            return Place::Skip;
        }
        match ext.as_str() {
            "md" if rel == Path::new("_index.md") => Place::Job(Role::Home),
            "md" => Place::Job(Role::Page),
            _ => Place::Static(slash_path(rel)),
        }
    }

    /// A file under `stats/`: a spreadsheet, or an error or warning.
    fn sheet(&self, path: &Path, ext: &str, diags: &mut Vec<Diagnostic>) -> Place {
        if sheets::EXTENSIONS.contains(&ext) {
            return Place::Job(Role::Sheets);
        }
        let file = rel_path(self.root, path);
        diags.push(match sheets::unsupported_hint(ext) {
            Some(hint) => {
                Diagnostic::error(file, format!("无法读取 .{ext} 格式的统计表")).with_hint(hint)
            }
            None => Diagnostic::warning(
                file,
                "stats 目录里只读取 .xlsx、.xls、.ods 和 .csv 表格，这个文件被忽略了",
            ),
        });
        Place::Skip
    }

    /// A file under `reports/`: a report, a folder report's attachment, or
    /// a static file.
    fn under_reports(&self, path: &Path, rel: &Path, ext: &str) -> Place {
        let is_index = path.file_name().is_some_and(|n| n == "index.md");
        let bundle = is_index
            .then(|| path.parent().and_then(|d| self.bundles.get(d).copied()))
            .flatten();
        let folder = self.bundle_of(path);
        if ext == "md" && is_index && bundle.is_none() {
            // A misplaced index.md, reported by `bundles`: never read.
            Place::Skip
        } else if ext == "md" && (bundle.is_some() || folder.is_none()) {
            Place::Job(Role::Report { bundle })
        } else if let Some((b, dir)) = folder {
            Place::Asset(
                b,
                path.strip_prefix(dir).map(slash_path).unwrap_or_default(),
            )
        } else {
            Place::Static(slash_path(rel))
        }
    }

    /// The report folder `path` is in (below its own folder), if any.
    fn bundle_of<'p>(&self, p: &'p Path) -> Option<(usize, &'p Path)> {
        if self.bundles.is_empty() {
            return None;
        }
        p.ancestors()
            .skip(1)
            .find_map(|a| self.bundles.get(a).map(|b| (*b, a)))
    }
}

/// The report folders: those under `reports/` holding an `index.md`, each
/// with its number. Every other file below such a folder is its attachment,
/// so a folder report may not hold other Markdown files: an `index.md`
/// directly in `reports/`, or in a folder with other reports (a year
/// folder), would publish their sources as attachments. Such an `index.md`
/// is an error and is not read; the other reports stay reports.
fn bundles(
    root: &Path,
    reports_dir: &Path,
    files: &[PathBuf],
    diags: &mut Vec<Diagnostic>,
) -> HashMap<PathBuf, usize> {
    let is_md = |f: &PathBuf| f.extension().is_some_and(|e| e.eq_ignore_ascii_case("md"));
    let is_index = |f: &PathBuf| f.file_name().is_some_and(|n| n == "index.md");
    let candidates: std::collections::HashSet<&Path> = files
        .iter()
        .filter(|f| f.starts_with(reports_dir) && is_index(f))
        .filter_map(|f| f.parent())
        .collect();
    let mut refused: HashMap<&Path, &PathBuf> = HashMap::new();
    for f in files
        .iter()
        .filter(|f| is_md(f) && f.starts_with(reports_dir))
    {
        let own = f.parent().filter(|_| is_index(f));
        for a in f.ancestors().skip(1) {
            if candidates.contains(a) && Some(a) != own {
                refused.entry(a).or_insert(f);
            }
        }
    }
    for dir in &candidates {
        let index = rel_path(root, &dir.join("index.md"));
        if *dir == reports_dir {
            diags.push(
                Diagnostic::error(index, "reports/ 目录下不能直接放 index.md，这个文件没有发布")
                    .with_hint("带附件的报告放在自己的文件夹里，例如 reports/2025/敬仲镇经验/index.md，附件放在它旁边"),
            );
        } else if let Some(other) = refused.get(dir) {
            diags.push(
                Diagnostic::error(
                    index,
                    format!(
                        "index.md 会把所在文件夹变成一篇带附件的报告，但这个文件夹里还有其他报告（{}），它们的源文件会被当作附件发布；这个 index.md 没有发布",
                        rel_path(root, other).display()
                    ),
                )
                .with_hint("带附件的报告放在只属于它的文件夹里：把 index.md 和它的附件移到一个新文件夹，或把 index.md 改名"),
            );
        }
    }
    let mut ok: Vec<&Path> = candidates
        .into_iter()
        .filter(|d| *d != reports_dir && !refused.contains_key(d))
        .collect();
    ok.sort();
    ok.into_iter()
        .enumerate()
        .map(|(i, d)| (d.to_path_buf(), i))
        .collect()
}

/// Where a walk may read: the site's real folders. A symbolic link that
/// leads anywhere else is never followed (a link to `/etc/shadow` in
/// `static/` must not publish it).
pub struct Fence {
    /// Real paths (see [`real_path`]) of the site root and the folders it reads.
    allowed: Vec<PathBuf>,
    root: PathBuf,
}

impl Fence {
    pub fn new(root: &Path) -> Fence {
        let mut allowed = vec![real_path(root)];
        for d in crate::config::READ_DIRS {
            let real = real_path(&root.join(d));
            if !allowed.iter().any(|a| real.starts_with(a)) {
                allowed.push(real);
            }
        }
        Fence {
            allowed,
            root: root.to_path_buf(),
        }
    }

    /// What a symbolic link at `path` may be used as: `Some` regular file
    /// inside the site, or `None` with a warning saying why not.
    fn follow(&self, path: &Path) -> Result<(), Diagnostic> {
        let file = rel_path(&self.root, path);
        let target = std::fs::canonicalize(path);
        let inside = target
            .as_ref()
            .is_ok_and(|t| self.allowed.iter().any(|a| t.starts_with(a)));
        match target {
            Err(_) => Err(
                Diagnostic::warning(file, "符号链接指向的文件不存在，已跳过")
                    .with_hint("删除这个链接，或让它指向存在的文件"),
            ),
            Ok(t) if !inside => Err(Diagnostic::warning(
                file,
                format!(
                    "符号链接指向站点目录之外（{}），为安全起见不读取、不发布",
                    t.display()
                ),
            )
            .with_hint("把要发布的文件复制到站点目录里，而不是链接过去")),
            Ok(t) if t.is_dir() => Err(Diagnostic::warning(
                file,
                "指向文件夹的符号链接不会被跟随，里面的文件没有读取",
            )
            .with_hint("把文件夹直接放进站点目录")),
            Ok(t) if !t.is_file() => Err(special(&self.root, path, &std::fs::metadata(&t))),
            Ok(_) => Ok(()),
        }
    }
}

fn special(root: &Path, path: &Path, m: &std::io::Result<std::fs::Metadata>) -> Diagnostic {
    let what = m
        .as_ref()
        .ok()
        .and_then(|m| crate::base::fs::special_kind(&m.file_type()))
        .unwrap_or("特殊文件");
    Diagnostic::warning(
        rel_path(root, path),
        format!("这不是普通文件，而是{what}，已跳过"),
    )
    .with_hint("站点目录里只应有普通文件和文件夹")
}

/// Files below `dir` (junk skipped, see [`is_ignored`]) as (`/`-separated
/// relative path, full path), sorted: the order every walk in the build
/// uses. Symbolic links outside the site and special files are left out
/// with a warning in `diags`.
pub fn files_under(
    dir: &Path,
    fence: &Fence,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    walk(dir, &mut files, false, fence, diags);
    let mut out: Vec<(String, PathBuf)> = files
        .into_iter()
        .filter_map(|(p, _)| Some((slash_path(p.strip_prefix(dir).ok()?), p.clone())))
        .collect();
    out.sort();
    out
}

fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// One folder's walk: its files, and warnings about what was left out.
type Walked = (Vec<(PathBuf, Option<Stamp>)>, Vec<Diagnostic>);

/// The files below `dir`, in path order (each folder's entries sorted by
/// name, which is the order of sorting the whole paths, without comparing
/// whole paths), each with its [`Stamp`] if `stamp`.
/// Folders are read in parallel: on a large site the `stat` of every file
/// is most of the time of a `huiwen serve` round.
fn walk(
    dir: &Path,
    out: &mut Vec<(PathBuf, Option<Stamp>)>,
    stamp: bool,
    fence: &Fence,
    diags: &mut Vec<Diagnostic>,
) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    // Each name once: `DirEntry::file_name` allocates.
    let mut entries: Vec<(std::ffi::OsString, std::fs::DirEntry)> = entries
        .flatten()
        .map(|e| (e.file_name(), e))
        .filter(|(n, _)| !is_ignored(&n.to_string_lossy()))
        .collect();
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let found: Vec<Walked> = entries
        .par_iter()
        .with_min_len(64)
        .map(|(_, e)| {
            let path = e.path();
            let stamp_of = |m: std::io::Result<std::fs::Metadata>| {
                stamp.then(|| m.ok().and_then(|m| Stamp::of(&m))).flatten()
            };
            match e.file_type() {
                Ok(t) if t.is_dir() => {
                    let (mut sub, mut ds) = (Vec::new(), Vec::new());
                    walk(&path, &mut sub, stamp, fence, &mut ds);
                    (sub, ds)
                }
                // Metadata from the directory entry: no lookup of the whole path.
                Ok(t) if t.is_file() => (vec![(path, stamp_of(e.metadata()))], Vec::new()),
                Ok(t) if t.is_symlink() => match fence.follow(&path) {
                    Ok(()) => {
                        let s = stamp_of(std::fs::metadata(&path));
                        (vec![(path, s)], Vec::new())
                    }
                    Err(d) => (Vec::new(), vec![d]),
                },
                Ok(_) => (Vec::new(), vec![special(&fence.root, &path, &e.metadata())]),
                Err(_) => (Vec::new(), Vec::new()),
            }
        })
        .collect();
    for (files, ds) in found {
        out.extend(files);
        diags.extend(ds);
    }
}

fn read_one(root: &Path, path: &Path, role: Role, rev: Rev) -> (Option<Item>, Vec<Diagnostic>) {
    let file = rel_path(root, path);
    let mut diags = Vec::new();
    if role == Role::Sheets {
        // Binary, and bounded in size before it is read.
        let item = sheets::read(&file, path, rev, &mut diags).map(|s| Item::Sheets(Arc::new(s)));
        return (item, diags);
    }
    let bytes = match read_regular(path) {
        Ok(b) => b,
        Err(e) => {
            let reason = crate::base::fs::describe(&e);
            diags.push(Diagnostic::error(&file, format!("无法读取文件：{reason}")));
            let broken = Broken {
                file,
                entities: None,
            };
            return (Some(Item::Broken(Arc::new(broken))), diags);
        }
    };
    let decoded = decode::decode(&bytes, &file);
    diags.extend(decoded.warning);
    let source = decoded.text;
    let broken = |entities| {
        Some(Item::Broken(Arc::new(Broken {
            file: file.clone(),
            entities,
        })))
    };
    let item = match role {
        Role::Entities(kind) => match read_entities(&file, source, kind, &mut diags) {
            Ok(e) => e.map(|e| Item::Entities(Arc::new(RawEntityFile { rev, ..e }))),
            Err(ids) => broken(Some((kind, ids))),
        },
        Role::Report { .. } => read_doc(&file, source, Vec::new(), true, &mut diags)
            .map(|d| Item::Report(Arc::new(RawDoc { rev, ..d }))),
        Role::Assets(assets) => read_doc(&file, source, assets, true, &mut diags)
            .map(|d| Item::Report(Arc::new(RawDoc { rev, ..d }))),
        Role::Page => read_doc(&file, source, Vec::new(), false, &mut diags)
            .map(|d| Item::Page(Arc::new(RawDoc { rev, ..d }))),
        Role::Home => read_doc(&file, source, Vec::new(), false, &mut diags)
            .map(|d| Item::Home(Arc::new(RawDoc { rev, ..d }))),
        Role::Sheets => None,
    };
    let failed = item.is_none() && diags.iter().any(Diagnostic::is_error);
    (if failed { broken(None) } else { item }, diags)
}

fn read_doc(
    file: &Path,
    source: String,
    assets: Vec<Asset>,
    is_report: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<RawDoc> {
    let split = match frontmatter::split(&source, file) {
        Ok(s) => s,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let Some(split) = split else {
        if is_report {
            diags.push(
                Diagnostic::error(file, "报告缺少 front matter（开头的 --- 块）")
                    .at(&source, crate::diag::Pos::new(1, 1))
                    .with_hint("报告第一行应为 `---`，接着写 title: 和 date:，再用一行 `---` 结束"),
            );
            return None;
        }
        return Some(RawDoc {
            rev: Rev::default(),
            file: file.to_path_buf(),
            front: FrontMatter::default(),
            has_front: false,
            body_start: 0,
            body_line: 1,
            assets,
            source,
        });
    };
    let body_line = split.body_line;
    diags.extend(crate::diag::invisible_chars(file, &source, 1..body_line));
    let body_start = source.len() - split.body.len();
    let front = match frontmatter::parse_front(&split, file, &source) {
        Ok(f) => f,
        Err(ds) => {
            diags.extend(ds);
            return None;
        }
    };
    Some(RawDoc {
        rev: Rev::default(),
        file: file.to_path_buf(),
        front,
        has_front: true,
        body_start,
        body_line,
        assets,
        source,
    })
}

/// An entity file's entities (`Ok(None)` for an empty file), or, if its
/// YAML does not parse, the ids it seems to define.
fn read_entities(
    file: &Path,
    source: String,
    kind: EntityKind,
    diags: &mut Vec<Diagnostic>,
) -> Result<Option<RawEntityFile>, Vec<String>> {
    // A file holds one mapping or a list of them; YAML shows which at its first token.
    let is_list = source
        .lines()
        .map(str::trim_start)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---")
        .is_some_and(|l| l.starts_with("- ") || l == "-" || l.starts_with('['));
    diags.extend(crate::diag::invisible_chars(file, &source, 1..usize::MAX));
    if source.trim().is_empty() {
        diags.push(Diagnostic::warning(file, "文件是空的，已忽略"));
        return Ok(None);
    }
    macro_rules! parse_as {
        ($t:ty, $variant:ident) => {{
            let r: Result<Vec<$t>, Diagnostic> = if is_list {
                yaml::parse::<Vec<$t>>(&source, file, &source, LineOffset(0))
            } else {
                yaml::parse::<$t>(&source, file, &source, LineOffset(0)).map(|e| vec![e])
            };
            r.map(|v| v.into_iter().map(RawEntity::$variant).collect::<Vec<_>>())
        }};
    }
    let parsed = match kind {
        EntityKind::Town => parse_as!(RawTown, Town),
        EntityKind::Belt => parse_as!(RawBelt, Belt),
        EntityKind::Alliance => parse_as!(RawAlliance, Alliance),
    };
    match parsed {
        Ok(entities) => Ok(Some(RawEntityFile {
            rev: Rev::default(),
            file: file.to_path_buf(),
            source,
            entities,
        })),
        Err(d) => {
            diags.push(d);
            Err(ids_in(&source))
        }
    }
}

/// The values of `id:` lines (`id: jingzhong`, `- id: "hekou"`), for a file
/// whose YAML does not parse.
fn ids_in(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|l| {
            let l = l.trim_start().trim_start_matches("- ").trim_start();
            let v = l.strip_prefix("id:")?;
            let v = v.split(" #").next().unwrap_or(v).trim();
            let v = v.trim_matches(|c| c == '"' || c == '\'');
            (!v.is_empty()).then(|| v.to_owned())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, rel: &str, text: &str, age: Duration) {
        // `age` before now: old enough to be cached, or not.
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(SystemTime::now() - age).unwrap();
    }

    fn revs(c: &RawContent) -> Vec<(PathBuf, Rev)> {
        c.reports.iter().map(|d| (d.file.clone(), d.rev)).collect()
    }

    fn report(title: &str) -> String {
        format!("---\ntitle: {title}\ndate: 2025-01-01\n---\n正文\n")
    }

    const OLD: Duration = Duration::from_secs(3600);
    const A: &str = "content/reports/a.md";
    const B: &str = "content/reports/b.md";

    #[test]
    fn a_remembering_loader_rereads_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, A, &report("甲"), OLD);
        write(root, B, &report("乙"), OLD);
        let mut l = Loader::remembering();
        let mut d = Diagnostics::new();
        let first = revs(&l.load(root, &mut d));
        assert_eq!(first.len(), 2);
        // Unchanged: the same reads.
        assert_eq!(revs(&l.load(root, &mut d)), first);
        // A changed file is read again; the other is not.
        write(root, A, &report("甲二"), OLD / 2);
        let c = l.load(root, &mut d);
        assert_eq!(c.reports[0].front.title.as_ref().unwrap().value, "甲二");
        let second = revs(&c);
        assert_ne!(second[0].1, first[0].1);
        assert_eq!(second[1].1, first[1].1);
        // Same size and time (a save within one clock tick): stale until the
        // watcher's path invalidates it.
        let before = std::fs::metadata(root.join(A)).unwrap().modified().unwrap();
        std::fs::write(root.join(A), report("甲三")).unwrap();
        let f = std::fs::File::options()
            .write(true)
            .open(root.join(A))
            .unwrap();
        f.set_modified(before).unwrap();
        let c = l.load(root, &mut d);
        assert_eq!(c.reports[0].front.title.as_ref().unwrap().value, "甲二");
        l.invalidate([root.join(A).as_path()]);
        let c = l.load(root, &mut d);
        assert_eq!(c.reports[0].front.title.as_ref().unwrap().value, "甲三");
        // A deleted file is gone.
        std::fs::remove_file(root.join(B)).unwrap();
        assert_eq!(l.load(root, &mut d).reports.len(), 1);
        assert!(!d.has_errors());
    }

    #[test]
    fn ids_are_found_in_files_that_do_not_parse() {
        let src = "- id: jingzhong\n  name: [敬仲镇\n- id: \"hekou\"  # 河口\nidx: no\n";
        assert_eq!(ids_in(src), ["jingzhong", "hekou"]);
    }

    #[test]
    fn recently_modified_files_are_read_every_time() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, A, &report("甲"), Duration::ZERO);
        let mut l = Loader::remembering();
        let mut d = Diagnostics::new();
        let first = revs(&l.load(root, &mut d));
        assert_ne!(revs(&l.load(root, &mut d)), first);
    }
}

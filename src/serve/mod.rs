//! `huiwen serve`: a local preview that rebuilds on every change and reloads
//! the open pages by itself.
//!
//! Design (the choices issue 5 left open):
//!
//! - **The site lives in memory.** The served site is a map from output path
//!   (`reports/2025/x/index.html`) to bytes, produced by the same functions as
//!   `huiwen build` ([`crate::pipeline::prepare`], the render jobs and
//!   [`crate::pipeline::write_other_files`]). Nothing is written to
//!   disk: the user's `output/` is never touched, a preview never leaves a
//!   half-written directory behind, and a rebuild swaps one `Arc` so a request
//!   sees either the old site or the new one, never a mix.
//! - **Incremental at every stage** ([`incremental`]). Every rebuild runs the
//!   whole pipeline (so every error is found and the model is exactly the one
//!   `build` makes), but each stage keeps its results by file revision
//!   ([`crate::pipeline::BuildCache`]): only files whose size or
//!   modification time changed, or that the watcher reported, are read,
//!   parsed, checked and linted again. Then only the pages whose inputs
//!   changed are rendered: each page recorded what it read when it was
//!   rendered ([`crate::render::deps`]), and a page whose reads all keep
//!   their values keeps its bytes from the previous round
//!   ([`incremental`]). Anything every page shows (`site.yaml`, theme,
//!   templates, navigation) re-renders everything; an entity's name
//!   re-renders the pages that show it or whose text contains it.
//! - **Site-wide pages and the search index come second.** On a large site
//!   they take longer than the edited page: the statistics overview and its
//!   downloads, the sitemap ([`incremental::Deferred`]) and the index
//!   ([`crate::pipeline::write_search_index`]). So the rebuilt pages
//!   are swapped in and announced first (with the previous versions of those
//!   still served), then those pages are checked and, where a read changed,
//!   rendered on their own thread, and the index is built, each swapped in
//!   when ready with a reload of its own, unless a newer rebuild has
//!   replaced the pages meanwhile.
//! - **Watching** ([`watch`]): `site.yaml` (the root, not recursively),
//!   `content/`, `themes/`, `templates/`, `static/` with notify; events are
//!   debounced (10 ms of quiet), editor temp and back-up files are ignored, and
//!   a save by "write temp file, rename over" is seen as a change of the target.
//! - **Live reload** by Server-Sent Events at `/__huiwen/events`: after a
//!   rebuild the server sends the list of changed output files and each open
//!   page reloads only if it, or a stylesheet, script or image, changed. The
//!   client script (`/__huiwen/live.js`, compiled in from `src/serve/live.js`)
//!   is inserted before `</body>` of HTML responses only: `build` output never
//!   contains it (it is kept out of the theme's `static/`, which `build` copies).
//! - **Errors**: a failed rebuild prints the diagnostics and sends them to the
//!   open pages, which show them in an `.error-overlay`; the last good site
//!   stays served. The next good rebuild clears the overlay. Until the site
//!   has built once, every path answers 503 with a small page that carries
//!   the overlay and reloads when the site builds.
//! - **Safe by default** ([`http`]): binds to 127.0.0.1, answers only GET and
//!   HEAD, serves only files of the built site (there is no file system access
//!   from a request), refuses traversal and encoded separators, and, on a
//!   loopback address, refuses foreign `Host` headers (DNS rebinding).

pub mod http;
pub mod incremental;
pub mod watch;

use std::collections::{BTreeMap, HashMap};
use std::io;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde::Serialize;
use tokio::sync::mpsc;

use crate::base::sink::Sink;
use crate::diag::{Diagnostics, Severity};
use crate::model::Site;
use crate::pipeline::write_search_index;
use incremental::{Built, Incremental};

/// How `huiwen serve` was asked to run.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// The first port tried; the next free one is taken if it is in use. 0: any.
    pub port: u16,
    pub bind: IpAddr,
    pub drafts: bool,
    /// Print diagnostics and rebuild summaries to stderr.
    pub verbose: bool,
    /// How long a connection may take to send a request's headers, or sit
    /// idle between requests.
    pub header_timeout: Duration,
}

impl ServeOptions {
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            root: root.into(),
            port: 1111,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            drafts: false,
            verbose: true,
            header_timeout: http::HEADER_TIMEOUT,
        }
    }
}

/// One served file: bytes made in memory, or a file published as it is
/// (an attachment, a `static/` file), read from disk when it is requested:
/// attachments can be gigabytes, and are not read at every rebuild.
#[derive(Debug, Clone)]
pub enum Content {
    Bytes(Bytes),
    File(Arc<DiskFile>),
}

impl PartialEq for Content {
    fn eq(&self, other: &Content) -> bool {
        self.same(other)
    }
}

impl From<Vec<u8>> for Content {
    fn from(bytes: Vec<u8>) -> Content {
        Content::Bytes(Bytes::from(bytes))
    }
}

/// A file served from disk, with what says it changed.
#[derive(Debug, PartialEq, Eq)]
pub struct DiskFile {
    pub path: PathBuf,
    pub len: u64,
    pub modified: Option<std::time::SystemTime>,
}

impl Content {
    /// Whether two versions are the same (reused pages share their buffer:
    /// pointers are compared first).
    pub fn same(&self, other: &Content) -> bool {
        match (self, other) {
            (Content::Bytes(a), Content::Bytes(b)) => {
                (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b
            }
            (Content::File(a), Content::File(b)) => a == b,
            _ => false,
        }
    }

    /// The whole content (a file is read now).
    pub fn read(&self) -> io::Result<Vec<u8>> {
        match self {
            Content::Bytes(b) => Ok(b.to_vec()),
            Content::File(f) => crate::base::fs::read_regular(&f.path),
        }
    }
}

/// The built site: output path → content.
pub type SiteMap = HashMap<String, Content>;

/// The sink a round writes into: the site in memory. Files published as
/// they are stay on disk ([`Content::File`]), but HTML, which gets the
/// live-reload script, is read in.
#[derive(Default)]
pub struct Memory(Mutex<SiteMap>);

impl From<SiteMap> for Memory {
    fn from(map: SiteMap) -> Memory {
        Memory(Mutex::new(map))
    }
}

impl Memory {
    pub fn into_map(self) -> SiteMap {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }

    fn put(&self, path: &str, content: Content) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_owned(), content);
    }
}

impl Sink for Memory {
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(path, Content::Bytes(Bytes::copy_from_slice(bytes)));
        Ok(())
    }

    fn copy(&self, src: &Path, path: &str) -> io::Result<()> {
        let content = if path.ends_with(".html") || path.ends_with(".htm") {
            Content::Bytes(Bytes::from(crate::base::fs::read_regular(src)?))
        } else {
            let m = std::fs::metadata(src)?;
            Content::File(Arc::new(DiskFile {
                path: src.to_path_buf(),
                len: m.len(),
                modified: m.modified().ok(),
            }))
        };
        self.put(path, content);
        Ok(())
    }
}

/// What is served: the pages and other files of the last good rebuild, and
/// the search index, which is built after them and swapped in on its own.
/// Two maps, so neither swap copies the other (the index alone is ~30,000
/// files on a 10,000-report site).
#[derive(Default, Clone)]
pub struct Served {
    pub pages: Arc<SiteMap>,
    pub index: Arc<SiteMap>,
}

impl Served {
    pub fn get(&self, path: &str) -> Option<&Content> {
        self.pages.get(path).or_else(|| self.index.get(path))
    }

    pub fn contains_key(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// No good build yet.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }
}

/// One error as the overlay shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct OverlayError {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    /// The whole diagnostic as the terminal prints it (code frame, hint).
    pub text: String,
}

/// What the open pages are told.
#[derive(Debug, Clone)]
pub enum Message {
    /// A rebuild changed these output files.
    Reload(Vec<String>),
    /// The last rebuild failed; the previous site is still served.
    Errors(Vec<OverlayError>),
    /// The site builds (sent on connect and after a fix that changed nothing).
    Ok,
}

impl Message {
    /// The SSE event name and JSON data.
    pub fn event(&self) -> (&'static str, String) {
        match self {
            Message::Reload(changed) => (
                "reload",
                serde_json::json!({ "changed": changed }).to_string(),
            ),
            Message::Errors(errors) => (
                "errors",
                serde_json::json!({ "errors": errors }).to_string(),
            ),
            Message::Ok => ("ok", "{}".to_owned()),
        }
    }
}

/// What the HTTP side and the rebuild side share.
pub struct Shared {
    site: RwLock<Served>,
    errors: Mutex<Option<Vec<OverlayError>>>,
    clients: Mutex<Vec<mpsc::UnboundedSender<Message>>>,
    /// Completed rebuilds, good or bad (tests wait on it).
    generation: AtomicU64,
    /// Successful page swaps (a search index is only swapped in for its own).
    pages_gen: AtomicU64,
    /// Search indexes being built or waiting for their turn.
    indexing: AtomicUsize,
    index_turn: Mutex<()>,
    last: Mutex<Option<RebuildReport>>,
    /// Whether `Host` headers are checked (loopback binds).
    pub(crate) check_host: bool,
}

impl Shared {
    pub fn site(&self) -> Served {
        self.site.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The served site and its pages generation, read together (every swap
    /// of the pages bumps the generation while holding the write lock).
    fn site_at(&self) -> (Served, u64) {
        let guard = self.site.read().unwrap_or_else(|e| e.into_inner());
        (guard.clone(), self.pages_gen.load(Ordering::SeqCst))
    }

    fn broadcast(&self, msg: Message) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.send(msg.clone()).is_ok());
    }

    /// Tells the pages that files of an earlier round changed after it (the
    /// search index, deferred pages). A reload event hides the error overlay
    /// (`live.js`), so while the site has errors they are sent again: a late
    /// index swap must not hide the errors of the round after it.
    fn broadcast_late(&self, changed: Vec<String>) {
        self.broadcast(Message::Reload(changed));
        let errors = self
            .errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        if let Some(errs) = errors {
            self.broadcast(Message::Errors(errs));
        }
    }

    /// A new live-reload client; it is told the current state first.
    pub(crate) fn subscribe(&self) -> mpsc::UnboundedReceiver<Message> {
        let (tx, rx) = mpsc::unbounded_channel();
        let first = match &*self.errors.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(errs) => Message::Errors(errs.clone()),
            None => Message::Ok,
        };
        let _ = tx.send(first);
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(tx);
        rx
    }
}

/// The result of one rebuild.
#[derive(Debug, Clone)]
pub struct RebuildReport {
    pub ok: bool,
    /// Output files added, changed or removed (sorted).
    pub changed: Vec<String>,
    /// Pages rendered this round / pages reused from the last one.
    pub rendered: usize,
    pub reused: usize,
    /// Site-wide pages left to render after the swap (see [`incremental::Deferred`]).
    pub deferred: usize,
    pub load_time: Duration,
    pub render_time: Duration,
    pub total_time: Duration,
}

/// The rebuild side: the site root, the incremental cache, the shared state.
pub struct Builder {
    root: PathBuf,
    drafts: bool,
    verbose: bool,
    cache: Incremental,
    shared: Arc<Shared>,
    last_diags: Option<Vec<String>>,
}

impl Builder {
    /// Rebuilds the site. `full` forces every page to be re-rendered (theme,
    /// template or `site.yaml` changes).
    pub fn rebuild(&mut self, full: bool) -> RebuildReport {
        let start = Instant::now();
        let mut diags = Diagnostics::new();
        let (old, old_gen) = self.shared.site_at();
        let out = self.cache.build(
            &self.root,
            self.drafts,
            full,
            (&old.pages, old_gen),
            &mut diags,
        );
        let ok = !diags.has_errors() && out.is_some();
        self.print_diags(&diags);
        let mut report = RebuildReport {
            ok,
            changed: Vec::new(),
            rendered: 0,
            reused: 0,
            deferred: 0,
            load_time: Duration::ZERO,
            render_time: Duration::ZERO,
            total_time: Duration::ZERO,
        };
        if let Some(out) = out.filter(|_| ok) {
            let Built {
                model,
                site,
                rendered,
                reused,
                load_time,
                render_time,
                deferred,
                renderer,
                render_cache,
                late,
            } = out;
            report.rendered = rendered;
            report.reused = reused;
            report.deferred = deferred.len();
            report.load_time = load_time;
            report.render_time = render_time;
            // The search index comes right after (see `index_later`); until
            // then the previous one stays served.
            report.changed = changed_paths(&old.pages, &site);
            let pages_gen = {
                let mut guard = self.shared.site.write().unwrap_or_else(|e| e.into_inner());
                guard.pages = Arc::new(site);
                self.shared.pages_gen.fetch_add(1, Ordering::SeqCst) + 1
            };
            // The old pages are freed here, after the swap, not while it waits.
            drop(old);
            let had_errors = self
                .shared
                .errors
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .take()
                .is_some();
            let msg = if !report.changed.is_empty() {
                Some(Message::Reload(report.changed.clone()))
            } else if had_errors {
                Some(Message::Ok)
            } else {
                None
            };
            self.index_later(
                Later {
                    model,
                    renderer,
                    render_cache,
                    deferred,
                    late,
                },
                pages_gen,
            );
            self.finish(&mut report, start, msg);
        } else {
            let errors = overlay_errors(&diags);
            *self.shared.errors.lock().unwrap_or_else(|e| e.into_inner()) = Some(errors.clone());
            self.finish(&mut report, start, Some(Message::Errors(errors)));
        }
        report
    }

    /// Records the round, then tells the open pages.
    fn finish(&self, report: &mut RebuildReport, start: Instant, msg: Option<Message>) {
        report.total_time = start.elapsed();
        *self.shared.last.lock().unwrap_or_else(|e| e.into_inner()) = Some(report.clone());
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(msg) = msg {
            self.shared.broadcast(msg);
        }
    }

    /// On its own thread, after the round's pages are served: renders the
    /// pages the round deferred (see [`incremental::Deferred`]), then builds
    /// the search index, swapping each in unless a newer rebuild has replaced
    /// the pages meanwhile (it brings its own). On a large site both take
    /// longer than the edited page, so that page reloads first.
    fn index_later(&self, later: Later, pages_gen: u64) {
        let shared = self.shared.clone();
        let verbose = self.verbose;
        shared.indexing.fetch_add(1, Ordering::SeqCst);
        let job = move || {
            // One at a time; work made stale by a newer rebuild is skipped.
            let _turn = shared.index_turn.lock().unwrap_or_else(|e| e.into_inner());
            let mut later = later;
            let pages_gen = if later.deferred.is_empty() {
                Some(pages_gen)
            } else {
                render_deferred(&shared, &mut later, pages_gen)
            };
            let model = later.model;
            let Some(pages_gen) =
                pages_gen.filter(|g| shared.pages_gen.load(Ordering::SeqCst) == *g)
            else {
                shared.indexing.fetch_sub(1, Ordering::SeqCst);
                shared.generation.fetch_add(1, Ordering::SeqCst);
                return;
            };
            let start = Instant::now();
            let files = Memory::default();
            write_search_index(&model, &later.renderer, &files);
            let map = files.into_map();
            let old = shared.site().index;
            let changed = changed_paths(&old, &map);
            let swapped = {
                let mut guard = shared.site.write().unwrap_or_else(|e| e.into_inner());
                let current = shared.pages_gen.load(Ordering::SeqCst) == pages_gen;
                if current {
                    guard.index = Arc::new(map);
                }
                current
            };
            let changed = swapped.then_some(changed);
            if let Some(changed) = changed {
                if verbose && !changed.is_empty() {
                    eprintln!(
                        "搜索索引已更新：{} 个文件（{} ms）",
                        changed.len(),
                        start.elapsed().as_millis()
                    );
                }
                if !changed.is_empty() {
                    shared.broadcast_late(changed);
                }
            }
            shared.indexing.fetch_sub(1, Ordering::SeqCst);
            shared.generation.fetch_add(1, Ordering::SeqCst);
        };
        if let Err(e) = std::thread::Builder::new()
            .name("huiwen-index".into())
            .spawn(job)
        {
            eprintln!("无法启动搜索索引线程: {e}");
            self.shared.indexing.fetch_sub(1, Ordering::SeqCst);
        }
    }

    fn print_diags(&mut self, diags: &Diagnostics) {
        let texts: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
        if self.verbose && self.last_diags.as_ref() != Some(&texts) {
            for t in &texts {
                eprintln!("{t}");
            }
        }
        self.last_diags = Some(texts);
    }
}

/// What the work after a round needs: the model, renderer and render
/// cache of the round, the pages it deferred, and where the deferred pages'
/// records go.
struct Later {
    model: Site,
    renderer: crate::render::Renderer,
    render_cache: Arc<crate::render::cache::RenderCache>,
    deferred: Vec<incremental::Deferred>,
    late: Arc<Mutex<Vec<incremental::Late>>>,
}

/// Renders the pages a round deferred and swaps them in, if no newer round
/// has replaced the pages meanwhile; tells the open pages. Returns the new
/// pages generation, or `None` if the work was stale.
fn render_deferred(shared: &Shared, later: &mut Later, pages_gen: u64) -> Option<u64> {
    if shared.pages_gen.load(Ordering::SeqCst) != pages_gen {
        return None;
    }
    let done = incremental::render_late(
        &later.model,
        &later.renderer,
        &later.render_cache,
        std::mem::take(&mut later.deferred),
    );
    let (generation, mut changed) = {
        let mut guard = shared.site.write().unwrap_or_else(|e| e.into_inner());
        if shared.pages_gen.load(Ordering::SeqCst) != pages_gen {
            return None;
        }
        let mut changed = Vec::new();
        let mut records = Vec::new();
        let mut fresh = Vec::new();
        for (path, content, record) in done {
            if let Some(content) = content
                && !guard.pages.get(&path).is_some_and(|old| old.same(&content))
            {
                changed.push(path.clone());
                fresh.push((path.clone(), content));
            }
            records.push((path, record));
        }
        // Pages checked and found current keep the served generation.
        let generation = if fresh.is_empty() {
            pages_gen
        } else {
            let mut map: SiteMap = (*guard.pages).clone();
            map.extend(fresh);
            guard.pages = Arc::new(map);
            shared.pages_gen.fetch_add(1, Ordering::SeqCst) + 1
        };
        later
            .late
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(records.into_iter().map(|(path, record)| incremental::Late {
                generation,
                path,
                record,
            }));
        (generation, changed)
    };
    if !changed.is_empty() {
        changed.sort();
        shared.broadcast_late(changed);
    }
    Some(generation)
}

fn overlay_errors(diags: &Diagnostics) -> Vec<OverlayError> {
    let mut errors: Vec<OverlayError> = diags
        .sorted()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| OverlayError {
            file: d.file.to_string_lossy().replace('\\', "/"),
            line: d.pos.map(|p| p.line),
            column: d.pos.map(|p| p.column),
            message: d.message.clone(),
            text: d.to_string(),
        })
        .collect();
    if errors.is_empty() {
        errors.push(OverlayError {
            file: String::new(),
            line: None,
            column: None,
            message: "构建失败".into(),
            text: "构建失败".into(),
        });
    }
    errors
}

/// Output files that differ between two builds, sorted.
pub fn changed_paths(old: &SiteMap, new: &SiteMap) -> Vec<String> {
    let mut changed: Vec<String> = new
        .iter()
        .filter(|(k, v)| !old.get(*k).is_some_and(|o| o.same(v)))
        .map(|(k, _)| k.clone())
        .chain(old.keys().filter(|k| !new.contains_key(*k)).cloned())
        .collect();
    changed.sort();
    changed
}

/// A running preview server. Dropping it stops the server and the watcher.
pub struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
    watcher: Option<watch::WatchHandle>,
    first: RebuildReport,
}

impl Server {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The first build's result.
    pub fn first_build(&self) -> &RebuildReport {
        &self.first
    }

    /// A copy of the served site, as a sorted map (for tests and comparisons).
    pub fn snapshot(&self) -> BTreeMap<String, Vec<u8>> {
        let site = self.shared.site();
        site.index
            .iter()
            .chain(site.pages.iter())
            .map(|(k, v)| (k.clone(), v.read().unwrap_or_default()))
            .collect()
    }

    /// No search index is being built (everything of the last rebuild is served).
    pub fn idle(&self) -> bool {
        self.shared.indexing.load(Ordering::SeqCst) == 0
    }

    /// Rebuilds completed so far (the first build counts), and search indexes swapped in.
    pub fn generation(&self) -> u64 {
        self.shared.generation.load(Ordering::SeqCst)
    }

    /// The last rebuild's result.
    pub fn last_rebuild(&self) -> Option<RebuildReport> {
        self.shared
            .last
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The errors the overlay shows now, if the last rebuild failed.
    pub fn errors(&self) -> Option<Vec<OverlayError>> {
        self.shared
            .errors
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Blocks until the server is stopped (Ctrl+C ends the process).
    pub fn wait(mut self) {
        if let Some(w) = self.watcher.take() {
            w.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(w) = self.watcher.take() {
            w.stop();
        }
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Builds the site, starts the watcher and the HTTP server, and returns at once.
/// Fails only if no port can be bound or the watcher cannot start; a site
/// with errors is served as an error page until it is fixed.
pub fn start(opts: &ServeOptions) -> io::Result<Server> {
    let root = opts.root.clone();
    if !root.join("site.yaml").is_file() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("{} 中没有 site.yaml，不是汇文站点", root.display()),
        ));
    }
    let root = root.canonicalize()?;
    let listener = bind(opts.bind, opts.port)?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let shared = Arc::new(Shared {
        site: RwLock::new(Served::default()),
        errors: Mutex::new(None),
        clients: Mutex::new(Vec::new()),
        generation: AtomicU64::new(0),
        pages_gen: AtomicU64::new(0),
        indexing: AtomicUsize::new(0),
        index_turn: Mutex::new(()),
        last: Mutex::new(None),
        check_host: opts.bind.is_loopback(),
    });
    let mut builder = Builder {
        root: root.clone(),
        drafts: opts.drafts,
        verbose: opts.verbose,
        cache: Incremental::default(),
        shared: shared.clone(),
        last_diags: None,
    };
    let first = builder.rebuild(true);
    if opts.verbose {
        print_summary(&first, true);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("huiwen-http")
        .enable_all()
        .build()?;
    let app = http::router(shared.clone());
    let listener = {
        let _guard = runtime.enter();
        tokio::net::TcpListener::from_std(listener)?
    };
    runtime.spawn(http::accept(listener, app, opts.header_timeout));
    let verbose = opts.verbose;
    let watcher = watch::spawn(&root, move |batch| {
        if batch.rescan {
            builder.cache.rescan();
        }
        builder
            .cache
            .invalidate(batch.paths.iter().map(PathBuf::as_path));
        let r = builder.rebuild(batch.full);
        if verbose {
            print_summary(&r, false);
        }
    })?;
    Ok(Server {
        addr,
        shared,
        runtime: Some(runtime),
        watcher: Some(watcher),
        first,
    })
}

fn print_summary(r: &RebuildReport, first: bool) {
    if !r.ok {
        eprintln!("构建失败：页面中显示错误，修改后自动重试；仍在提供上一次成功的版本");
        return;
    }
    if first {
        eprintln!(
            "构建完成：{} 个文件（渲染 {} 页），用时 {} ms",
            r.changed.len(),
            r.rendered,
            r.total_time.as_millis()
        );
        return;
    }
    eprintln!(
        "已更新：{} 个文件有变化（渲染 {} 页，复用 {} 页），用时 {} ms（读取检查 {} ms，渲染 {} ms）",
        r.changed.len(),
        r.rendered,
        r.reused,
        r.total_time.as_millis(),
        r.load_time.as_millis(),
        r.render_time.as_millis()
    );
}

/// Binds `port`, or the next free one of the following 20 (port 0: any).
fn bind(ip: IpAddr, port: u16) -> io::Result<TcpListener> {
    if port == 0 {
        return TcpListener::bind((ip, 0));
    }
    let mut last = None;
    for p in port..=port.saturating_add(20) {
        match TcpListener::bind((ip, p)) {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no port")))
}

/// `huiwen serve`: starts, prints the address, optionally opens a browser, runs until killed.
pub fn serve(opts: &ServeOptions, open: bool) -> io::Result<()> {
    let server = start(opts)?;
    let url = server.url();
    if opts.port != 0 && server.addr().port() != opts.port {
        eprintln!("端口 {} 已被占用，改用 {}", opts.port, server.addr().port());
    }
    if !opts.bind.is_loopback() {
        eprintln!(
            "注意：监听 {}，同一网络中的其他计算机也能访问这个预览",
            opts.bind
        );
    }
    eprintln!("预览地址：{url}  （修改文件后页面自动刷新；Ctrl+C 停止）");
    if open {
        open_browser(&url);
    }
    server.wait();
    Ok(())
}

fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "windows") {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else {
        std::process::Command::new("xdg-open")
    };
    cmd.arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    if cmd.spawn().is_err() {
        eprintln!("无法自动打开浏览器，请手动访问 {url}");
    }
}

/// The site-relative, `/`-separated form of `path` under `root`, if inside it.
pub(crate) fn rel_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    Some(
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
    )
}

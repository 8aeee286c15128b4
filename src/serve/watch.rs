//! Watching the site's sources and calling the rebuild after each burst of changes.
//!
//! Watched: the site root (not recursively: `site.yaml`, and the appearance
//! of one of the directories below), and `content/`, `themes/`, `templates/`,
//! `static/` recursively. Events are collected until [`DEBOUNCE`] passes
//! without one, then one rebuild runs; events arriving during a rebuild start
//! the next one. The changed paths go with it, so the rebuild re-reads them
//! even when a quick second save left their size and time unchanged.
//! Editor temp and back-up files are ignored; a save by "write a temp file,
//! rename it over the original" shows up as an event on the original's path.

use std::collections::HashSet;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// The quiet time that ends a burst of events. An editor's save (write a
/// temp file, rename it over) is one burst well inside this; a save that
/// straddles it costs one more (cheap) rebuild, never a wrong one.
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// The directories watched recursively.
pub const WATCHED_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];

enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// The watcher thread; stopping it ends the rebuilds.
pub struct WatchHandle {
    tx: mpsc::Sender<Msg>,
    thread: Option<JoinHandle<()>>,
}

impl WatchHandle {
    pub fn stop(mut self) {
        let _ = self.tx.send(Msg::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Waits for the thread (it runs until stopped).
    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// What a burst of changes asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Any relevant change at all.
    pub relevant: bool,
    /// A change that may affect every page: `site.yaml`, the theme, `templates/`.
    pub full: bool,
    /// The changed paths (absolute) under `content/` and `static/`.
    pub paths: Vec<PathBuf>,
    /// Events were lost: the paths are not the whole story.
    pub rescan: bool,
}

impl Batch {
    /// Classifies one changed path (absolute, under `root`).
    pub fn add(&mut self, root: &Path, path: &Path) {
        let Some(rel) = super::rel_path(root, path) else {
            return;
        };
        if rel.is_empty() {
            return;
        }
        if rel.split('/').any(crate::base::fs::is_ignored) {
            return;
        }
        let top = rel.split('/').next().unwrap_or_default();
        match top {
            "site.yaml" => {
                self.relevant = true;
                self.full = true;
            }
            "themes" | "templates" => {
                self.relevant = true;
                self.full = true;
            }
            "content" | "static" => {
                self.relevant = true;
                self.paths.push(path.to_path_buf());
            }
            _ => {}
        }
    }
}

/// Starts watching `root`; `rebuild(batch)` runs on the watcher's thread after
/// each burst of relevant changes.
pub fn spawn(
    root: &Path,
    mut rebuild: impl FnMut(&Batch) + Send + 'static,
) -> io::Result<WatchHandle> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let fs_tx = tx.clone();
    let mut watcher = notify::recommended_watcher(move |ev| {
        let _ = fs_tx.send(Msg::Fs(ev));
    })
    .map_err(io::Error::other)?;
    watcher
        .watch(root, RecursiveMode::NonRecursive)
        .map_err(io::Error::other)?;
    let mut watched = HashSet::new();
    ensure_watched(&mut watcher, root, &mut watched);
    let root = root.to_path_buf();
    let thread = std::thread::Builder::new()
        .name("huiwen-watch".into())
        .spawn(move || {
            let mut watcher = watcher;
            while let Ok(msg) = rx.recv() {
                let mut batch = Batch::default();
                let Msg::Fs(ev) = msg else { return };
                add_event(&mut batch, &root, ev);
                loop {
                    match rx.recv_timeout(DEBOUNCE) {
                        Ok(Msg::Fs(ev)) => add_event(&mut batch, &root, ev),
                        Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                    }
                }
                ensure_watched(&mut watcher, &root, &mut watched);
                if batch.relevant {
                    rebuild(&batch);
                }
            }
        })?;
    Ok(WatchHandle {
        tx,
        thread: Some(thread),
    })
}

fn add_event(batch: &mut Batch, root: &Path, ev: notify::Result<notify::Event>) {
    match ev {
        Ok(ev) => {
            // Reading a file (the rebuild itself does) is no change; closing
            // a file opened for writing is.
            if let EventKind::Access(a) = ev.kind
                && a != AccessKind::Close(AccessMode::Write)
            {
                return;
            }
            if std::env::var_os("HUIWEN_SERVE_DEBUG").is_some() {
                eprintln!("watch: {ev:?}");
            }
            for p in &ev.paths {
                batch.add(root, p);
            }
        }
        // Lost events (queue overflow): rebuild everything to be safe.
        Err(_) => {
            batch.relevant = true;
            batch.full = true;
            batch.rescan = true;
        }
    }
}

/// Watches each of [`WATCHED_DIRS`] that exists and is not watched yet
/// (a directory created or re-created after the start is picked up here).
fn ensure_watched(w: &mut RecommendedWatcher, root: &Path, watched: &mut HashSet<PathBuf>) {
    for d in WATCHED_DIRS {
        let p = root.join(d);
        if p.is_dir() {
            if !watched.contains(&p) && w.watch(&p, RecursiveMode::Recursive).is_ok() {
                watched.insert(p);
            }
        } else if watched.remove(&p) {
            let _ = w.unwatch(&p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths() {
        let root = Path::new("/s");
        let b = |p: &str| {
            let mut b = Batch::default();
            b.add(root, Path::new(p));
            (b.relevant, b.full)
        };
        assert_eq!(b("/s/content/reports/a.md"), (true, false));
        assert_eq!(b("/s/site.yaml"), (true, true));
        assert_eq!(b("/s/templates/report.html"), (true, true));
        assert_eq!(b("/s/content/reports/.a.md.swp"), (false, false));
        assert_eq!(b("/s/content/reports/a.md~"), (false, false));
        assert_eq!(b("/s/content/reports/4913"), (false, false));
        assert_eq!(b("/s/output/index.html"), (false, false));
        assert_eq!(b("/s/.output.huiwen-staging/x"), (false, false));
        assert_eq!(b("/other/content/a.md"), (false, false));
    }
}

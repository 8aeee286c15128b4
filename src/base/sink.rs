//! Where a build's files go.
//!
//! Every stage that produces files (pages, the search index, copied
//! attachments) writes through a [`Sink`], so one pipeline serves every
//! command: `huiwen build` and `archive` pass a staging folder
//! (`output::Staging`), `huiwen serve` an in-memory site, `huiwen check` a
//! sink that keeps nothing ([`Discard`]).
//!
//! Contract (modelled on ripgrep's `Sink`): paths are relative and
//! `/`-separated; a sink is called from several threads at once; the order of
//! calls carries no meaning; a path may be written twice, the last write
//! wins; and a sink records its own failures (the staging folder keeps the
//! first one and refuses to be swapped in), so a producer may ignore the
//! `Err` it gets back after reporting nothing.

use std::io;
use std::path::Path;

pub trait Sink: Sync {
    /// Stores `bytes` as the file `path`.
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()>;

    /// Publishes the file `src` as it is at `path`. The default reads it
    /// whole; a sink that can copy, link or refer to it does better.
    fn copy(&self, src: &Path, path: &str) -> io::Result<()> {
        self.write(path, &crate::base::fs::read_regular(src)?)
    }
}

/// Keeps nothing: for rendering only to find errors (`huiwen check`).
pub struct Discard;

impl Sink for Discard {
    fn write(&self, _: &str, _: &[u8]) -> io::Result<()> {
        Ok(())
    }

    fn copy(&self, _: &Path, _: &str) -> io::Result<()> {
        Ok(())
    }
}

/// Any `Fn(path, bytes)` closure is a sink that cannot copy by itself
/// (handy in tests and for collecting a stage's files).
impl<F> Sink for F
where
    F: Fn(&str, &[u8]) -> io::Result<()> + Sync,
{
    fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        self(path, bytes)
    }
}

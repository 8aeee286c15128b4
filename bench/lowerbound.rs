//! A lower bound for a static site build on this machine: read every input
//! file, then write the same number of files with the same sizes and paths as
//! a real build's output (each directory created once), on 2 threads, with no
//! parsing or rendering at all. Built by bench/run.sh with `rustc -O`.
//!
//! Usage: lowerbound INPUT_DIR MANIFEST DEST
//! MANIFEST lines: `<size> <relative path>` (from `find OUT -type f -printf '%s %P\n'`).

use std::fs;
use std::path::{Path, PathBuf};
use std::thread;

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in fs::read_dir(dir).expect("read_dir").flatten() {
        let p = e.path();
        if e.file_type().expect("file type").is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    assert!(args.len() == 4, "usage: lowerbound INPUT_DIR MANIFEST DEST");
    let threads = 2;
    let mut inputs = Vec::new();
    walk(Path::new(&args[1]), &mut inputs);
    let read: u64 = thread::scope(|s| {
        let hs: Vec<_> = inputs
            .chunks(inputs.len().div_ceil(threads).max(1))
            .map(|c| s.spawn(move || c.iter().map(|p| fs::read(p).expect("read").len() as u64).sum::<u64>()))
            .collect();
        hs.into_iter().map(|h| h.join().expect("join")).sum()
    });
    let manifest = fs::read_to_string(&args[2]).expect("manifest");
    let files: Vec<(usize, &str)> = manifest
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(n, p)| (n.parse().expect("size"), p))
        .collect();
    let dest = Path::new(&args[3]);
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|(_, p)| Path::new(p).parent().map(|d| dest.join(d)))
        .collect();
    dirs.sort();
    dirs.dedup();
    fs::create_dir_all(dest).expect("mkdir");
    for d in &dirs {
        fs::create_dir_all(d).expect("mkdir");
    }
    let max = files.iter().map(|f| f.0).max().unwrap_or(0);
    let buf = vec![b'x'; max];
    let written: u64 = thread::scope(|s| {
        let hs: Vec<_> = files
            .chunks(files.len().div_ceil(threads).max(1))
            .map(|c| {
                let buf = &buf;
                s.spawn(move || {
                    c.iter()
                        .map(|(n, p)| {
                            fs::write(dest.join(p), &buf[..*n]).expect("write");
                            *n as u64
                        })
                        .sum::<u64>()
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().expect("join")).sum()
    });
    eprintln!(
        "read {} files ({read} B), wrote {} files ({written} B) in {} directories",
        inputs.len(),
        files.len(),
        dirs.len()
    );
}

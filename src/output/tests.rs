//! The staging folder's guarantees, on real folders.
use super::*;

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn refuses_paths_that_leave_the_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let s = Staging::begin(&out, &|_| {}).unwrap();
    assert!(s.write("a/b.html", b"x").is_ok());
    assert!(s.write("../evil", b"x").is_err());
    drop(s);
    let s = Staging::begin(&out, &|_| {}).unwrap();
    assert!(s.write("/etc/x", b"x").is_err());
    assert!(s.commit().is_err(), "a refused write blocks the swap");
    assert!(!tmp.path().join("evil").exists() && !out.exists());
}

#[test]
fn dropped_staging_leaves_old_output() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("index.html"), "old").unwrap();
    fs::write(out.join(MARKER), "").unwrap();
    {
        let s = Staging::begin(&out, &|_| {}).unwrap();
        s.write("index.html", b"new").unwrap();
    }
    assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), "old");
    assert_eq!(
        names(tmp.path()),
        [".out.huiwen-lock", "out"],
        "no staging folder left"
    );
}

#[cfg(unix)]
#[test]
fn unchanged_files_are_linked_and_the_old_output_never_written_through() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let s = Staging::begin(&out, &|_| {}).unwrap();
    s.write("a.html", b"same").unwrap();
    s.write("b.html", b"old").unwrap();
    s.commit().unwrap();
    let ino = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
    let (a, b) = (ino("a.html"), ino("b.html"));

    let s = Staging::begin(&out, &|_| {}).unwrap();
    s.write("a.html", b"same").unwrap();
    s.write("b.html", b"new").unwrap();
    // The same path again, now different: must not write through the
    // link into the live output's a.html.
    s.write("a.html", b"changed").unwrap();
    assert_eq!(fs::read(out.join("a.html")).unwrap(), b"same");
    s.write("a.html", b"same").unwrap();
    s.commit().unwrap();
    assert_eq!(ino("a.html"), a, "unchanged file was rewritten");
    assert_ne!(ino("b.html"), b);
    assert_eq!(fs::read(out.join("b.html")).unwrap(), b"new");
    // Its one other name is in the previous output kept beside it.
    assert_eq!(fs::metadata(out.join("a.html")).unwrap().nlink(), 2);
}

/// Three builds, the last reusing the output before the current one.
#[cfg(target_os = "linux")]
#[test]
fn the_previous_output_is_updated_in_place_and_never_the_live_one() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let previous = tmp.path().join(".out.huiwen-previous");
    let build = |files: &[(&str, &str)]| {
        let s = Staging::begin(&out, &|_| {}).unwrap();
        for (rel, text) in files {
            s.write(rel, text.as_bytes()).unwrap();
        }
        s.commit().unwrap();
    };
    build(&[
        ("same.html", "1"),
        ("page/index.html", "a"),
        ("gone.html", "x"),
    ]);
    assert!(!previous.exists(), "a first build has nothing to keep");
    build(&[
        ("same.html", "1"),
        ("page/index.html", "b"),
        ("gone.html", "x"),
    ]);
    assert!(previous.join(MARKER).is_file());
    let ino = |p: &Path| fs::symlink_metadata(p).unwrap().ino();
    let same = ino(&out.join("same.html"));
    let live_page = ino(&out.join("page/index.html"));
    // Someone plants a link in the kept folder: removed, not followed.
    let secret = tmp.path().join("secret");
    fs::write(&secret, "keep").unwrap();
    std::os::unix::fs::symlink(&secret, previous.join("same2.html")).unwrap();
    // page/ becomes a file, gone.html goes, a page reverts to an old text.
    build(&[
        ("same.html", "1"),
        ("page", "file now"),
        ("same2.html", "new"),
    ]);
    assert_eq!(fs::read_to_string(&secret).unwrap(), "keep");
    assert_eq!(
        ino(&out.join("same.html")),
        same,
        "unchanged file rewritten"
    );
    assert_eq!(fs::read_to_string(out.join("page")).unwrap(), "file now");
    assert!(!out.join("gone.html").exists());
    assert_eq!(fs::read_to_string(out.join("same2.html")).unwrap(), "new");
    // The replaced output (now kept) is exactly the second build.
    assert_eq!(
        fs::read_to_string(previous.join("page/index.html")).unwrap(),
        "b"
    );
    assert_eq!(ino(&previous.join("page/index.html")), live_page);
    assert!(previous.join("gone.html").is_file());
    // Back to the first build's text: a new file (a new time), never the
    // kept one with its older time.
    build(&[("same.html", "1"), ("page/index.html", "a")]);
    assert_eq!(
        fs::read_to_string(out.join("page/index.html")).unwrap(),
        "a"
    );
    assert_eq!(names(&out), [MARKER, "page", "same.html"]);
}

#[test]
fn a_kept_folder_without_the_marker_is_removed_not_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let previous = tmp.path().join(".out.huiwen-previous");
    fs::create_dir_all(previous.join("sub")).unwrap();
    fs::write(previous.join("sub/a.html"), "stranger").unwrap();
    let s = Staging::begin(&out, &|_| {}).unwrap();
    s.write("b.html", b"b").unwrap();
    s.commit().unwrap();
    assert!(!previous.exists());
    assert!(!out.join("sub").exists());
    // A link in its place, even to a folder of huiwen's: only the link goes.
    #[cfg(unix)]
    {
        let elsewhere = tmp.path().join("elsewhere");
        fs::create_dir_all(&elsewhere).unwrap();
        fs::write(elsewhere.join(MARKER), "").unwrap();
        fs::write(elsewhere.join("c.html"), "c").unwrap();
        std::os::unix::fs::symlink(&elsewhere, &previous).unwrap();
        let s = Staging::begin(&out, &|_| {}).unwrap();
        s.write("b.html", b"b2").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read_to_string(elsewhere.join("c.html")).unwrap(), "c");
        assert!(!out.join("c.html").exists());
        assert!(fs::symlink_metadata(&previous).is_ok_and(|m| m.is_dir()));
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_old_output_is_not_reused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let elsewhere = tmp.path().join("elsewhere.html");
    fs::write(&elsewhere, "same").unwrap();
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join(MARKER), "").unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("a.html")).unwrap();
    let s = Staging::begin(&out, &|_| {}).unwrap();
    s.write("a.html", b"same").unwrap();
    s.commit().unwrap();
    let m = fs::symlink_metadata(out.join("a.html")).unwrap();
    assert!(m.is_file(), "the new output holds a symbolic link");
    assert_eq!(fs::read(out.join("a.html")).unwrap(), b"same");
}

#[cfg(unix)]
#[test]
fn copies_are_linked_only_when_identical() {
    use std::os::unix::fs::MetadataExt as _;
    let tmp = tempfile::tempdir().unwrap();
    let (src, out) = (tmp.path().join("src.pdf"), tmp.path().join("out"));
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    fs::write(&src, &big).unwrap();
    let s = Staging::begin(&out, &|_| {}).unwrap();
    s.copy(&src, "f/a.pdf").unwrap();
    s.commit().unwrap();
    let ino = || fs::metadata(out.join("f/a.pdf")).unwrap().ino();
    let first = ino();
    let s = Staging::begin(&out, &|_| {}).unwrap();
    s.copy(&src, "f/a.pdf").unwrap();
    s.commit().unwrap();
    assert_eq!(ino(), first);
    // Same length, one byte different at the end.
    let mut changed = big.clone();
    *changed.last_mut().unwrap() ^= 1;
    fs::write(&src, &changed).unwrap();
    let s = Staging::begin(&out, &|_| {}).unwrap();
    s.copy(&src, "f/a.pdf").unwrap();
    s.commit().unwrap();
    assert_ne!(ino(), first);
    assert_eq!(fs::read(out.join("f/a.pdf")).unwrap(), changed);
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_symbolic_link_is_followed_and_nothing_outside_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let www = tmp.path().join("srv/www");
    fs::create_dir_all(&www).unwrap();
    fs::write(www.join("old.html"), "old").unwrap();
    fs::write(www.join(MARKER), "").unwrap();
    let out = tmp.path().join("out");
    std::os::unix::fs::symlink(&www, &out).unwrap();
    for round in ["one", "two"] {
        let s = Staging::begin(&out, &|_| {}).unwrap();
        s.write("index.html", round.as_bytes()).unwrap();
        s.commit().unwrap();
        assert!(fs::symlink_metadata(&out).unwrap().file_type().is_symlink());
        assert_eq!(fs::read_to_string(out.join("index.html")).unwrap(), round);
        assert_eq!(fs::read_to_string(www.join("index.html")).unwrap(), round);
    }
    // The swap replaced the folder's content, nothing beside it.
    assert!(!www.join("old.html").exists());
    // The previous output is kept beside the folder the link names.
    assert_eq!(
        names(&tmp.path().join("srv")),
        [".www.huiwen-lock", ".www.huiwen-previous", "www"]
    );
    // A stale old tree that is a link to a folder: only the link goes.
    let keep = tmp.path().join("keep");
    fs::create_dir_all(&keep).unwrap();
    fs::write(keep.join("precious"), "x").unwrap();
    std::os::unix::fs::symlink(&keep, tmp.path().join("srv/.www.huiwen-old")).unwrap();
    Staging::begin(&out, &|_| {}).unwrap();
    assert!(keep.join("precious").is_file());
}

#[cfg(unix)]
#[test]
fn removing_the_old_tree_does_not_follow_links() {
    let tmp = tempfile::tempdir().unwrap();
    let keep = tmp.path().join("keep");
    fs::create_dir_all(&keep).unwrap();
    fs::write(keep.join("precious"), "x").unwrap();
    let tree = tmp.path().join("tree");
    for d in ["a/b/c", "d"] {
        fs::create_dir_all(tree.join(d)).unwrap();
        fs::write(tree.join(d).join("f"), "y").unwrap();
    }
    std::os::unix::fs::symlink(&keep, tree.join("a/link")).unwrap();
    remove_if_exists(&tree).unwrap();
    assert!(!tree.exists());
    assert!(keep.join("precious").is_file());
    // Missing and plain-file targets are fine too.
    remove_if_exists(&tree).unwrap();
    fs::write(&tree, "z").unwrap();
    remove_if_exists(&tree).unwrap();
    assert!(!tree.exists());
}

#[test]
fn output_may_not_contain_the_site() {
    let root = Path::new("/srv/site");
    assert!(check_output_location(root, Path::new("/srv/site")).is_err());
    assert!(check_output_location(root, Path::new("/srv")).is_err());
    assert!(check_output_location(root, Path::new("/srv/site/content/x")).is_err());
    assert!(check_output_location(root, Path::new("/srv/site/output")).is_ok());
    assert!(check_output_location(root, Path::new("/var/www/jyjl")).is_ok());
}

#[test]
fn only_empty_marked_or_old_huiwen_folders_are_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let www = tmp.path().join("www");
    fs::create_dir_all(www.join("otherapp")).unwrap();
    fs::write(www.join("robots.txt"), "keep").unwrap();
    let err = Staging::begin(&www, &|_| {}).err().expect("refused");
    assert!(matches!(err, OutputError::Foreign { .. }), "{err}");
    assert!(err.to_string().contains("otherapp/"), "{err}");
    assert_eq!(fs::read(www.join("robots.txt")).unwrap(), b"keep");
    // A regular file.
    let file = tmp.path().join("file");
    fs::write(&file, "keep").unwrap();
    let err = Staging::begin(&file, &|_| {}).err().expect("refused");
    assert!(matches!(err, OutputError::NotAFolder(_)), "{err}");
    assert_eq!(fs::read(&file).unwrap(), b"keep");
    // An empty folder, and an output of huiwen from before the marker.
    let empty = tmp.path().join("empty");
    fs::create_dir_all(&empty).unwrap();
    let s = Staging::begin(&empty, &|_| {}).unwrap();
    s.write("index.html", b"x").unwrap();
    s.commit().unwrap();
    assert!(empty.join(MARKER).is_file());
    let legacy = tmp.path().join("legacy");
    fs::create_dir_all(legacy.join("assets")).unwrap();
    for f in ["index.html", "404.html", "sitemap.xml"] {
        fs::write(legacy.join(f), "old").unwrap();
    }
    Staging::begin(&legacy, &|_| {}).unwrap().commit().unwrap();
    assert!(!legacy.join("404.html").exists());
}

#[test]
fn a_second_build_waits_for_the_lock() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let first = Staging::begin(&out, &|_| {}).unwrap();
    let waited = AtomicBool::new(false);
    std::thread::scope(|sc| {
        let h = sc.spawn(|| {
            let second = Staging::begin(&out, &|n| {
                assert!(matches!(n, Notice::Waiting(_)));
                waited.store(true, Ordering::SeqCst);
            })
            .unwrap();
            second.write("index.html", b"second").unwrap();
            second.commit().unwrap();
        });
        while !waited.load(Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        // The second build waits: it does not clear the staging folder
        // the first one is writing.
        first.write("index.html", b"first").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(50));
        assert_eq!(fs::read(first.dir().join("index.html")).unwrap(), b"first");
        first.commit().unwrap();
        h.join().unwrap();
    });
    assert_eq!(fs::read(out.join("index.html")).unwrap(), b"second");
}

#[test]
fn a_failed_write_is_kept_and_blocks_the_commit() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let s = Staging::begin(&out, &|_| {}).unwrap();
    assert!(s.write("../x", b"x").is_err());
    assert!(
        s.write("fine.html", b"x").is_err(),
        "fails fast after a failure"
    );
    assert!(s.failure().is_some());
    assert!(s.commit().is_err());
    assert!(!out.exists());
}

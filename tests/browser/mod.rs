//! Shared by the browser tests: find Chromium and chromedriver, serve a
//! built site over http under a sub-path, start a WebDriver session, and read
//! the search page's results.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

use crate::common::percent_decode;

pub const SUB_PATH: &str = "/jyjl/";

pub fn find_in_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Serves `root` at http://127.0.0.1:port/jyjl/ from a background thread.
pub fn serve(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            std::thread::spawn(move || respond(stream, &root));
        }
    });
    port
}

fn respond(mut stream: TcpStream, root: &Path) {
    let mut line = String::new();
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // Skip the headers.
    let mut h = String::new();
    while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
        h.clear();
    }
    let target = line.split_whitespace().nth(1).unwrap_or("/");
    let path = percent_decode(target.split(['?', '#']).next().unwrap_or("/"));
    let file = path.strip_prefix(SUB_PATH).and_then(|rel| {
        if rel.split('/').any(|c| c == "..") {
            return None;
        }
        let p = root.join(rel);
        let p = if p.is_dir() { p.join("index.html") } else { p };
        p.is_file().then_some(p)
    });
    let (status, body, ctype) = match file.and_then(|f| std::fs::read(&f).ok().map(|b| (f, b))) {
        Some((f, b)) => {
            let ctype = match f.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript; charset=utf-8",
                Some("css") => "text/css; charset=utf-8",
                Some("xml") => "application/xml",
                _ => "application/octet-stream",
            };
            ("200 OK", b, ctype)
        }
        None => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&body);
}

/// chromedriver, killed when the test ends.
pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a WebDriver server (chromedriver or geckodriver) on a free port.
pub fn start_driver(chromedriver: &Path) -> (Driver, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(chromedriver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let driver = Driver(child);
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    (driver, port)
}

pub async fn connect(port: u16, chromium: &Path, profile: &Path) -> Client {
    let caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--no-first-run", format!("--user-data-dir={}", profile.display()),
            ],
        }
    });
    session(port, caps).await
}

/// A WebDriver session on the driver at `port` with these capabilities.
async fn session(port: u16, caps: serde_json::Value) -> Client {
    let serde_json::Value::Object(caps) = caps else {
        unreachable!("capabilities are an object")
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session")
}

pub async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.expect("script")
}

/// Waits until the search page has finished (its `data-state` is `done`).
pub async fn wait_done(c: &Client) {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let s = js(
            c,
            "var e = document.getElementById('search'); return e && e.getAttribute('data-state');",
        )
        .await;
        if s == "done" {
            return;
        }
        assert!(Instant::now() < deadline, "search did not finish");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

/// Every hit's `data-url`, clicking "more" until all are shown.
pub async fn all_hits(c: &Client) -> Vec<String> {
    wait_done(c).await;
    loop {
        let more = js(
            c,
            "var b = document.getElementById('search-more'); if (!b || b.hidden) return false; b.click(); return true;",
        )
        .await;
        if more != true {
            break;
        }
        wait_done(c).await;
    }
    let v = js(
        c,
        "return Array.from(document.querySelectorAll('#search-results [data-url]')).map(function (e) { return e.getAttribute('data-url'); });",
    )
    .await;
    serde_json::from_value(v).expect("urls")
}

pub async fn search(c: &Client, url: &str) -> Vec<String> {
    c.goto(url).await.expect("goto");
    all_hits(c).await
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Firefox and geckodriver, or `None` after printing why the Firefox tests
/// are skipped (under `CI=true` a missing one fails instead). Debian
/// packages Firefox ESR but not geckodriver, which `scripts/test.sh`
/// installs from crates.io.
pub fn firefox() -> Option<(PathBuf, PathBuf)> {
    let firefox = find_in_path("firefox-esr").or_else(|| find_in_path("firefox"));
    let geckodriver = find_in_path("geckodriver");
    let found = require(firefox.is_some(), "firefox", "firefox-esr")
        && require_installed(
            geckodriver.is_some(),
            "geckodriver",
            "cargo install --locked geckodriver",
        );
    if found {
        firefox.zip(geckodriver)
    } else {
        None
    }
}

/// A WebDriver session with headless Firefox through geckodriver at `port`.
pub async fn connect_firefox(port: u16, firefox: &Path) -> Client {
    let caps = serde_json::json!({
        "moz:firefoxOptions": {
            "binary": firefox,
            "args": ["-headless"],
        }
    });
    session(port, caps).await
}

/// Chromium and chromedriver, or `None` after printing why the browser tests
/// are skipped. Under `CI=true` a missing browser fails the test instead.
pub fn browser() -> Option<(PathBuf, PathBuf)> {
    let chromium = find_in_path("chromium").or_else(|| find_in_path("chromium-browser"));
    let chromedriver = find_in_path("chromedriver");
    let found = require(chromium.is_some(), "chromium", "chromium")
        && require(chromedriver.is_some(), "chromedriver", "chromium-driver");
    if found {
        chromium.zip(chromedriver)
    } else {
        None
    }
}

/// Whether `present` holds; if not, fails under `CI=true` (naming the Debian
/// package to install) and otherwise prints why the calling test is skipped.
pub fn require(present: bool, what: &str, package: &str) -> bool {
    require_installed(present, what, &format!("apt-get install -y {package}"))
}

/// [`require`], naming the command that installs what is missing.
pub fn require_installed(present: bool, what: &str, install: &str) -> bool {
    if present {
        return true;
    }
    let msg = format!("{what} is missing: {install} (scripts/test.sh installs it)");
    assert!(
        !std::env::var("CI").is_ok_and(|v| v == "true"),
        "CI=true but {msg}"
    );
    eprintln!("SKIPPED: {msg}");
    false
}

/// A font with Chinese glyphs, as fontconfig (which Chromium uses) sees it.
/// Without one Chromium prints Chinese as empty boxes.
pub fn has_cjk_font() -> bool {
    Command::new("fc-list")
        .args([":lang=zh", "family"])
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.trim_ascii().is_empty())
}

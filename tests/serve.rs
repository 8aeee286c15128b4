//! `huiwen serve`: the preview server against a temporary copy of the sample
//! site, over plain HTTP with a std-only client. Every wait is bounded.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use common::{TempSite, files};
use huiwen::serve::{ServeOptions, Server, start};

const WAIT: Duration = Duration::from_secs(20);
const REPORT: &str = "content/reports/2025/shuangmiao-small-schools.md";
const REPORT_PAGE: &str = "/reports/2025/shuangmiao-small-schools/";

/// An hour ago: files this old are taken from the loader's cache while
/// unchanged (newer ones are re-read every round, see `load::Loader`), so
/// every test runs over the cached path, as a long editing session does.
fn aged() -> std::time::SystemTime {
    std::time::SystemTime::now() - Duration::from_secs(3600)
}

/// Sets every file of the site to [`aged`]'s time.
fn age(site: &TempSite) {
    let t = aged();
    for f in files(site.root()) {
        let file = fs::File::options()
            .write(true)
            .open(site.root().join(f))
            .unwrap();
        file.set_modified(t).unwrap();
    }
}

fn serve(site: &TempSite) -> Server {
    age(site);
    let opts = ServeOptions {
        port: 0,
        verbose: false,
        ..ServeOptions::new(site.root())
    };
    let server = start(&opts).expect("server starts");
    assert!(server.first_build().ok, "the sample site builds");
    server
}

struct Reply {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
}

impl Reply {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map(String::as_str).unwrap_or("")
    }
}

fn request(addr: SocketAddr, method: &str, path: &str, host: &str) -> Reply {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("header end");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut body = raw[split + 4..].to_vec();
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|c| c.parse().ok())
        .expect("status");
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    if headers.get("transfer-encoding").map(String::as_str) == Some("chunked") {
        body = dechunk(&body);
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(i) = b.windows(2).position(|w| w == b"\r\n") {
        let n = usize::from_str_radix(std::str::from_utf8(&b[..i]).unwrap().trim(), 16).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&b[i + 2..i + 2 + n]);
        b = &b[i + 4 + n..];
    }
    out
}

fn get(server: &Server, path: &str) -> Reply {
    request(server.addr(), "GET", path, &server.addr().to_string())
}

/// Polls until `cond` holds, failing the test after [`WAIT`].
fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < WAIT, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Waits until no rebuild has happened for a while (the watcher is idle).
fn settle(server: &Server) {
    let start = Instant::now();
    let mut last = server.generation();
    let mut quiet = Instant::now();
    while quiet.elapsed() < Duration::from_millis(400) || !server.idle() {
        assert!(start.elapsed() < WAIT, "the server never went quiet");
        std::thread::sleep(Duration::from_millis(20));
        let g = server.generation();
        if g != last {
            last = g;
            quiet = Instant::now();
        }
    }
}

/// The served site must equal a full `huiwen build` of the same content, byte for byte.
fn assert_same_as_full_build(site: &TempSite, server: &Server) {
    settle(server);
    site.build_ok();
    let out = site.out();
    // Everything but the marker that says the folder is huiwen's output
    // (only a folder on disk has one).
    let built: BTreeMap<String, Vec<u8>> = files(&out)
        .into_iter()
        .filter(|f| f != huiwen::output::MARKER)
        .map(|f| {
            let bytes = fs::read(out.join(&f)).unwrap();
            (f, bytes)
        })
        .collect();
    let served = server.snapshot();
    let only_built: Vec<_> = built.keys().filter(|k| !served.contains_key(*k)).collect();
    let only_served: Vec<_> = served.keys().filter(|k| !built.contains_key(*k)).collect();
    assert!(
        only_built.is_empty() && only_served.is_empty(),
        "file lists differ: only in build {only_built:?}, only served {only_served:?}"
    );
    let differ: Vec<_> = built
        .iter()
        .filter(|(k, v)| served.get(*k) != Some(*v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differ.is_empty(),
        "files differ from a full build: {differ:?}"
    );
    // And over HTTP, minus the injected script.
    let page = get(server, REPORT_PAGE);
    if page.status == 200 {
        let html = page.text();
        let i = html.find("<script src=\"/__huiwen/live.js\"").unwrap();
        let j = i + html[i..].find("</script>\n").unwrap() + "</script>\n".len();
        let stripped = format!("{}{}", &html[..i], &html[j..]);
        let file = out.join("reports/2025/shuangmiao-small-schools/index.html");
        assert_eq!(stripped, fs::read_to_string(file).unwrap());
    }
}

/// A live-reload connection.
struct Sse {
    reader: BufReader<TcpStream>,
}

impl Sse {
    /// Connects; returns the connection and the first event's name (the current state).
    fn connect(server: &Server) -> (Sse, String) {
        let mut s = TcpStream::connect_timeout(&server.addr(), Duration::from_secs(5)).unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200)))
            .unwrap();
        write!(
            s,
            "GET /__huiwen/events HTTP/1.1\r\nHost: {}\r\nAccept: text/event-stream\r\n\r\n",
            server.addr()
        )
        .unwrap();
        let mut sse = Sse {
            reader: BufReader::new(s),
        };
        let (name, _) = sse.next_event(WAIT).expect("a first event");
        assert!(name == "ok" || name == "errors", "{name}");
        (sse, name)
    }

    /// The next event's name and data (data lines joined), within `timeout`.
    fn next_event(&mut self, timeout: Duration) -> Option<(String, String)> {
        let start = Instant::now();
        let (mut name, mut data) = (String::new(), String::new());
        let mut line = String::new();
        while start.elapsed() < timeout {
            line.clear();
            match self.reader.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e)
                    if e.kind() == std::io::ErrorKind::WouldBlock
                        || e.kind() == std::io::ErrorKind::TimedOut =>
                {
                    continue;
                }
                Err(e) => panic!("sse read: {e}"),
            }
            // Chunk-size lines of the chunked body look like bare hex: skip them.
            let l = line.trim_end_matches(['\r', '\n']);
            if let Some(v) = l.strip_prefix("event:") {
                name = v.trim().to_owned();
            } else if let Some(v) = l.strip_prefix("data:") {
                data.push_str(v.trim_start());
            } else if l.is_empty() && !name.is_empty() {
                return Some((name, data));
            }
        }
        None
    }

    /// Skips events until a `reload` naming `file` (an output path) arrives.
    fn wait_for_reload_of(&mut self, file: &str) -> String {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            let data = self.wait_for("reload");
            if data.contains(&format!("\"{file}\"")) {
                return data;
            }
        }
        panic!("no reload of {file} within {WAIT:?}");
    }

    /// Skips events until one named `want` arrives.
    fn wait_for(&mut self, want: &str) -> String {
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if let Some((name, data)) = self.next_event(WAIT.saturating_sub(start.elapsed()))
                && name == want
            {
                return data;
            }
        }
        panic!("no `{want}` event within {WAIT:?}");
    }
}

#[test]
fn serves_pages_with_content_types_and_the_script() {
    let site = TempSite::sample();
    let server = serve(&site);
    let home = get(&server, "/");
    assert_eq!(home.status, 200);
    assert_eq!(home.header("content-type"), "text/html; charset=utf-8");
    assert!(
        home.text().contains(
            "<script src=\"/__huiwen/live.js\" data-file=\"index.html\"></script>\n</body>"
        )
    );
    let report = get(&server, REPORT_PAGE);
    assert_eq!(report.status, 200);
    assert!(report.text().contains("双庙镇"));
    for (path, ctype) in [
        ("/assets/style.css", "text/css; charset=utf-8"),
        ("/atom.xml", "application/xml; charset=utf-8"),
        ("/assets/favicon.svg", "image/svg+xml"),
        ("/__huiwen/live.js", "text/javascript; charset=utf-8"),
        (
            "/reports/2025/puhui-preschool-belt/%E9%99%84%E4%BB%B61-%E6%95%B0%E6%8D%AE%E8%A1%A8.csv",
            "text/csv; charset=utf-8",
        ),
    ] {
        let r = get(&server, path);
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), ctype, "{path}");
        assert!(!r.text().contains("__huiwen/live.js\" data-file"), "{path}");
    }
    let live = get(&server, "/__huiwen/live.js").text();
    assert!(live.contains("EventSource") && live.contains("error-overlay"));
    // A directory without its slash is redirected; a missing page is the site's 404.
    let r = get(&server, "/reports");
    assert_eq!(r.status, 302);
    assert_eq!(r.header("location"), "/reports/");
    let r = get(&server, "/no/such/page/");
    assert_eq!(r.status, 404);
    assert_eq!(r.header("content-type"), "text/html; charset=utf-8");
    let built_404 = server.snapshot()["404.html"].clone();
    assert!(r.body.starts_with(&built_404[..200]));
    // A static file added after the start (in a directory created after the start).
    site.write(
        "static/logo.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    wait_until("static/logo.svg served", || {
        get(&server, "/logo.svg").status == 200
    });
    assert_eq!(
        get(&server, "/logo.svg").header("content-type"),
        "image/svg+xml"
    );
    // No build output, ever.
    assert!(!site.out().exists());
}

#[test]
fn refuses_traversal_foreign_hosts_and_other_methods() {
    let site = TempSite::sample();
    fs::write(site.root().join("secret.txt"), "TOP-SECRET").unwrap();
    let server = serve(&site);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/reports/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/reports%2f..%2f..%2fsecret.txt",
        "/..%5csecret.txt",
        "/reports\\..\\secret.txt",
        "/index.html%00.css",
        "/./index.html",
        "/site.yaml",
        "/secret.txt",
        "/content/reports/2025/shuangmiao-small-schools.md",
        "//etc/passwd",
    ] {
        let r = get(&server, path);
        assert!(
            r.status == 400 || r.status == 404,
            "{path}: status {}",
            r.status
        );
        assert!(!r.text().contains("TOP-SECRET") && !r.text().contains("root:"));
    }
    let r = request(server.addr(), "GET", "/", "evil.example.com");
    assert_eq!(r.status, 403);
    let r = request(server.addr(), "GET", "/", "localhost:1111");
    assert_eq!(r.status, 200);
    let r = request(server.addr(), "POST", "/", "127.0.0.1");
    assert_eq!(r.status, 405);
}

#[test]
fn an_edited_report_is_served_and_equals_a_full_build() {
    let site = TempSite::sample();
    let server = serve(&site);
    let (mut sse, _) = Sse::connect(&server);
    let text = site.read(REPORT) + "\n新增的一段：联片教研覆盖全部小规模学校。\n";
    let t0 = Instant::now();
    site.write(REPORT, &text);
    sse.wait_for_reload_of("reports/2025/shuangmiao-small-schools/index.html");
    let latency = t0.elapsed();
    eprintln!("edit → reload event: {} ms", latency.as_millis());
    assert!(
        get(&server, REPORT_PAGE)
            .text()
            .contains("联片教研覆盖全部小规模学校")
    );
    let r = server.last_rebuild().unwrap();
    assert!(
        r.reused > 0,
        "an edited body must not re-render everything: {r:?}"
    );
    assert_same_as_full_build(&site, &server);
}

#[test]
fn an_edit_that_keeps_size_and_time_is_still_seen() {
    let site = TempSite::sample();
    let server = serve(&site);
    settle(&server);
    // Same byte length, and the old modification time put back: only the
    // watcher's event says this file changed (a save within one clock tick).
    let old = site.read(REPORT);
    assert!(old.contains("小规模学校"));
    let new = old.replacen("小规模学校", "大规模学校", 1);
    assert_eq!(old.len(), new.len());
    let path = site.root().join(REPORT);
    let stamp = fs::metadata(&path).unwrap().modified().unwrap();
    site.write(REPORT, &new);
    fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
    wait_until("the same-size edit served", || {
        get(&server, REPORT_PAGE).text().contains("大规模学校")
    });
    assert_same_as_full_build(&site, &server);
}

/// Writes a 2025 report whose text is `body`; returns its page's URL.
fn report_with(site: &TempSite, slug: &str, body: &str) -> String {
    site.write(
        &format!("content/reports/2025/{slug}.md"),
        &format!("---\ntitle: 提到镇名的材料（{slug}）\ndate: 2025-06-01\n---\n\n{body}\n"),
    );
    format!("/reports/2025/{slug}/")
}

/// Replaces `from` by `to` in `file`, waits until `page` shows `link` (or,
/// with `shown` false, no longer shows it), then checks that most pages
/// were reused and that the site is a full build's.
fn edit_until(
    (site, server): (&TempSite, &Server),
    (file, from, to): (&str, &str, &str),
    (page, link, shown): (&str, &str, bool),
) {
    site.write(file, &site.read(file).replace(from, to));
    wait_until(&format!("{page} showing {link}: {shown}"), || {
        get(server, page).text().contains(link) == shown
    });
    settle(server);
    let r = server.last_rebuild().unwrap();
    assert!(
        r.reused > r.rendered,
        "an edit of {file} re-rendered most pages: {r:?}"
    );
    assert_same_as_full_build(site, server);
}

#[test]
fn renaming_a_town_links_its_new_name_in_reports() {
    let site = TempSite::sample();
    let page = report_with(&site, "ming-zi", "石门新镇的做法值得推广。");
    let server = serve(&site);
    let link = "href=\"../../../towns/shimen/index.html\"";
    assert!(!get(&server, &page).text().contains(link));
    let town = "content/towns/shimen.yaml";
    let new_name = (town, "name: 石门镇", "name: 石门新镇");
    edit_until((&site, &server), new_name, (&page, link, true));
    let old_name = (town, "name: 石门新镇", "name: 石门镇");
    edit_until((&site, &server), old_name, (&page, link, false));
}

/// A town whose name stays but whose URL changes (a new id): the reports
/// whose text holds the name link to the new URL, and only pages that show
/// the town are rendered again.
#[test]
fn a_new_id_moves_the_links_from_a_name() {
    let site = TempSite::sample();
    let town = "content/towns/ceshi.yaml";
    site.write(
        town,
        "id: ceshi\nname: 测试新镇\nlevel: 市级\ncounty: 青山县\n",
    );
    let page = report_with(&site, "ce-shi", "测试新镇的做法值得推广。");
    let server = serve(&site);
    wait_until("the name linked", || {
        get(&server, &page)
            .text()
            .contains("towns/ceshi/index.html")
    });
    let new_id = (town, "id: ceshi", "id: ceshi2");
    edit_until(
        (&site, &server),
        new_id,
        (&page, "towns/ceshi2/index.html", true),
    );
}

#[test]
fn new_deleted_and_renamed_reports() {
    let site = TempSite::sample();
    let server = serve(&site);
    // New.
    site.write(
        "content/reports/2025/xin-bao-gao.md",
        "---\ntitle: 新建的交流材料\ndate: 2025-12-30\ntowns: [shimen]\ntags: [新标签]\n---\n\n新材料正文。\n",
    );
    wait_until("new report served", || {
        get(&server, "/reports/2025/xin-bao-gao/").status == 200
    });
    assert!(get(&server, "/reports/").text().contains("新建的交流材料"));
    assert!(
        get(&server, "/towns/shimen/")
            .text()
            .contains("新建的交流材料")
    );
    assert_same_as_full_build(&site, &server);
    // Renamed (a new URL, the old one gone).
    fs::rename(
        site.root().join("content/reports/2025/xin-bao-gao.md"),
        site.root().join("content/reports/2025/gai-ming.md"),
    )
    .unwrap();
    wait_until("renamed report served", || {
        get(&server, "/reports/2025/gai-ming/").status == 200
    });
    assert_eq!(get(&server, "/reports/2025/xin-bao-gao/").status, 404);
    assert_same_as_full_build(&site, &server);
    // Deleted.
    fs::remove_file(site.root().join(REPORT)).unwrap();
    wait_until("deleted report gone", || {
        get(&server, REPORT_PAGE).status == 404
    });
    assert!(
        !get(&server, "/reports/")
            .text()
            .contains("小规模学校也能有大作为")
    );
    assert_same_as_full_build(&site, &server);
}

#[test]
fn editor_saves_entity_and_template_changes_equal_a_full_build() {
    let site = TempSite::sample();
    let server = serve(&site);
    // Save by writing a temp file and renaming it over the original (vim, VS Code, JetBrains).
    let town = "content/towns/shimen.yaml";
    let text = site.read(town).replace("name: 石门镇", "name: 石门新镇");
    site.write("content/towns/.shimen.yaml.swp", "junk");
    site.write("content/towns/shimen.yaml~", "junk");
    site.write("content/towns/shimen.yaml.tmp", &text);
    fs::rename(
        site.root().join("content/towns/shimen.yaml.tmp"),
        site.root().join(town),
    )
    .unwrap();
    wait_until("renamed-over town served", || {
        get(&server, "/towns/shimen/").text().contains("石门新镇")
    });
    assert_same_as_full_build(&site, &server);
    // A template override re-renders every page that uses it.
    site.write(
        "templates/404.html",
        "{% extends \"base.html\" %}{% block content %}<p>自定义的找不到页面</p>{% endblock %}",
    );
    wait_until("template override served", || {
        get(&server, "/missing")
            .text()
            .contains("自定义的找不到页面")
    });
    assert_eq!(get(&server, "/missing").status, 404);
    assert_same_as_full_build(&site, &server);
    // A template that shows a field no page showed before (the card's
    // author on list pages): serve has no list of what pages show, so the
    // lists follow the field as soon as a report's author changes.
    site.write(
        "templates/partials/report_list.html",
        "<ol>{% for r in reports %}<li data-author=\"{{ r.author }}\">{{ r.title }}</li>{% endfor %}</ol>",
    );
    wait_until("list template served", || {
        get(&server, "/reports/").text().contains("data-author=")
    });
    let text = site.read(REPORT).replace("author:", "author: 新作者");
    assert!(text.contains("新作者"), "the report has an author line");
    site.write(REPORT, &text);
    wait_until("new author on the list", || {
        get(&server, "/reports/")
            .text()
            .contains("data-author=\"新作者")
    });
    assert_same_as_full_build(&site, &server);
    // site.yaml: everything.
    let yaml = site
        .read("site.yaml")
        .replace("paginate: 10", "paginate: 3");
    site.write("site.yaml", &yaml);
    wait_until("pagination changed", || {
        get(&server, "/reports/page/5/").status == 200
    });
    assert_same_as_full_build(&site, &server);
}

#[test]
fn a_bad_edit_shows_the_overlay_keeps_the_site_and_a_fix_clears_it() {
    let site = TempSite::sample();
    let server = serve(&site);
    let (mut sse, _) = Sse::connect(&server);
    let town = "content/towns/shimen.yaml";
    let good = site.read(town);
    site.write(town, &good.replace("level: 市级", "level: [市级"));
    let data = sse.wait_for("errors");
    let v: serde_json::Value = serde_json::from_str(&data).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert!(!errors.is_empty());
    let e = errors
        .iter()
        .find(|e| e["file"] == "content/towns/shimen.yaml")
        .unwrap_or_else(|| panic!("no error for the town: {data}"));
    assert!(e["line"].as_u64().unwrap() >= 1, "{e}");
    assert!(
        e["text"]
            .as_str()
            .unwrap()
            .contains("content/towns/shimen.yaml:")
    );
    assert!(server.errors().is_some());
    // The last good site is still served; a new client is told about the errors at once.
    let page = get(&server, "/towns/shimen/");
    assert_eq!(page.status, 200);
    assert!(page.text().contains("石门镇"));
    let (_late, first) = Sse::connect(&server);
    assert_eq!(first, "errors");
    // An unknown id: an error with file and line in a report.
    site.write(town, &good);
    let t = site
        .read(REPORT)
        .replace("towns: [shuangmiao]", "towns: [shuangmiao, no-such-town]");
    site.write(REPORT, &t);
    let mut found = false;
    let start = Instant::now();
    while !found && start.elapsed() < WAIT {
        let data = sse.wait_for("errors");
        found = data.contains(REPORT) && data.contains("no-such-town");
    }
    assert!(found, "an unknown id is reported with its file");
    // The fix clears the overlay.
    site.write(REPORT, &t.replace(", no-such-town", ""));
    let (name, _) = loop {
        let ev = sse.next_event(WAIT).expect("an event after the fix");
        if ev.0 != "errors" {
            break ev;
        }
    };
    assert!(name == "ok" || name == "reload", "{name}");
    wait_until("errors cleared", || server.errors().is_none());
    assert_same_as_full_build(&site, &server);
}

/// A site of `n` reports: the sample's reports copied with new titles and file names.
fn generated_site(n: usize) -> TempSite {
    let site = TempSite::sample();
    let sources: Vec<String> = files(&site.root().join("content/reports"))
        .into_iter()
        .filter(|f| f.ends_with(".md") && !f.ends_with("index.md"))
        .map(|f| site.read(&format!("content/reports/{f}")))
        .collect();
    for k in 0..n.saturating_sub(sources.len()) {
        let src = &sources[k % sources.len()];
        let mut year = "2025".to_owned();
        let text: String = src
            .lines()
            .filter(|l| !l.starts_with("slug:"))
            .map(|l| {
                if let Some(d) = l.strip_prefix("date: ") {
                    year = d[..4].to_owned();
                }
                match l.strip_prefix("title: ") {
                    Some(t) => format!("title: {t}（第{k}篇）\n"),
                    None => format!("{l}\n"),
                }
            })
            .collect();
        site.write(&format!("content/reports/{year}/gen/g{k:05}.md"), &text);
    }
    site
}

/// Edit → reload-event latency on a large site. A benchmark, not a check:
/// `cargo test --release --test serve bench -- --ignored --nocapture`.
/// `HUIWEN_BENCH_SITE=DIR` benchmarks a copy of that site (e.g. one made by
/// `huiwen-corpus`); otherwise the sample's reports are copied up to
/// `HUIWEN_BENCH_REPORTS` (default 10000).
#[test]
#[ignore = "benchmark, not a test: HUIWEN_BENCH_SITE=DIR cargo test --release --test serve -- --ignored --nocapture"]
fn bench_edit_to_reload_latency() {
    let site = match std::env::var_os("HUIWEN_BENCH_SITE") {
        Some(dir) => {
            let dir = std::path::PathBuf::from(dir);
            let site = TempSite {
                dir: tempfile::tempdir().unwrap(),
            };
            common::copy_dir(&dir.join("content"), &site.root().join("content"));
            fs::copy(dir.join("site.yaml"), site.root().join("site.yaml")).unwrap();
            site
        }
        None => generated_site(
            std::env::var("HUIWEN_BENCH_REPORTS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(10_000),
        ),
    };
    let reports = files(&site.root().join("content/reports"));
    let report = format!(
        "content/reports/{}",
        reports
            .iter()
            .find(|f| f.ends_with(".md") && !f.ends_with("index.md"))
            .unwrap()
    );
    let towns = files(&site.root().join("content/towns"));
    let town = format!("content/towns/{}", towns[0]);
    let t = Instant::now();
    site.build_ok();
    eprintln!(
        "{} reports: full `huiwen build`: {} ms",
        reports.len(),
        t.elapsed().as_millis()
    );
    fs::remove_dir_all(site.out()).unwrap();
    let t = Instant::now();
    let server = serve(&site);
    eprintln!(
        "serve: first build in memory: {} ms",
        t.elapsed().as_millis()
    );
    let (mut sse, _) = Sse::connect(&server);
    // `overview`: the edit changes the statistics overview, which follows
    // in a reload of its own (deferred pages are checked after the round).
    let mut measure = |label: &str,
                       (file, overview): (&str, bool),
                       prefix: &str,
                       edit: &dyn Fn(&str, usize) -> String| {
        let mut times = Vec::new();
        for round in 0..5 {
            settle(&server);
            while sse.next_event(Duration::from_millis(300)).is_some() {}
            let text = edit(&site.read(file), round);
            let t = Instant::now();
            site.write(file, &text);
            loop {
                if sse.wait_for("reload").contains(&format!("\"{prefix}")) {
                    break;
                }
            }
            times.push(t.elapsed().as_millis());
            let r = server.last_rebuild().unwrap();
            // Deferred site-wide pages (the statistics overview) follow in a reload of their own.
            let overview = overview.then(|| {
                sse.wait_for_reload_of("stats/index.html");
                format!(", overview reloaded at {} ms", t.elapsed().as_millis())
            });
            eprintln!(
                "  {label} #{round}: {} ms (rebuild {} ms: load+check {} ms, render {} ms; rendered {}, reused {}, deferred {}, changed {}{})",
                times[round],
                r.total_time.as_millis(),
                r.load_time.as_millis(),
                r.render_time.as_millis(),
                r.rendered,
                r.reused,
                r.deferred,
                r.changed.len(),
                overview.unwrap_or_default()
            );
        }
        times.sort();
        eprintln!("{label}: median {} ms (edit → reload event)", times[2]);
    };
    measure("report body edit", (&report, false), "reports/", &|t, i| {
        format!("{t}\n第{i}次修改：补充一段正文。\n")
    });
    // The first `teachers: N` (a statistic) goes up by one.
    measure("town statistics edit", (&town, true), "towns/", &|t, _| {
        let at = t.find("teachers: ").unwrap() + "teachers: ".len();
        let end = at + t[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
        let n: u64 = t[at..end].parse().unwrap();
        format!("{}{}{}", &t[..at], n + 1, &t[end..])
    });
    measure("town name edit", (&town, true), "towns/", &|t, i| {
        t.lines()
            .map(|l| {
                if l.starts_with("name: ") {
                    format!("name: 测试镇{i}\n")
                } else {
                    format!("{l}\n")
                }
            })
            .collect()
    });
}

#[test]
fn pages_that_read_other_files_follow_them() {
    let site = TempSite::sample();
    let server = serve(&site);
    let a = "content/reports/2025/lian-jie-a.md";
    let b = "content/reports/2025/lian-jie-b.md";
    site.write(
        a,
        "---\ntitle: 被链接的材料\ndate: 2025-02-01\n---\n\n开头一段。\n\n## 工作背景\n\n正文。\n",
    );
    site.write(
        b,
        "---\ntitle: 引用别的材料\ndate: 2025-02-02\n---\n\n开头一段。\n\n详见[背景](lian-jie-a.md#工作背景)。石门镇教师 {{ stat(town=\"shimen\", metric=\"teachers\", year=2025) }}。\n",
    );
    let page_b = "/reports/2025/lian-jie-b/";
    wait_until("both reports served", || {
        get(&server, page_b).text().contains("276")
    });
    assert_same_as_full_build(&site, &server);
    // A figure in a report follows the town's statistics; unrelated pages are reused.
    let town = "content/towns/shimen.yaml";
    site.write(
        town,
        &site.read(town).replace("teachers: 276", "teachers: 299"),
    );
    wait_until("the figure follows the statistics", || {
        get(&server, page_b).text().contains("299")
    });
    let r = server.last_rebuild().unwrap();
    assert!(
        r.reused > 0,
        "a statistics edit re-rendered everything: {r:?}"
    );
    // The overview of every entity follows after the round.
    assert!(r.deferred >= 3, "{r:?}");
    wait_until("the overview follows", || {
        get(&server, "/stats/stats.json")
            .text()
            .contains("\"teachers\": 299")
    });
    assert_same_as_full_build(&site, &server);
    // Renaming the heading a link points at breaks the linking report.
    site.write(a, &site.read(a).replace("## 工作背景", "## 工作基础"));
    wait_until("the broken anchor is an error", || {
        server
            .errors()
            .is_some_and(|es| es.iter().any(|e| e.file.ends_with("lian-jie-b.md")))
    });
    site.write(b, &site.read(b).replace("#工作背景", "#工作基础"));
    wait_until("fixed", || server.errors().is_none());
    assert_same_as_full_build(&site, &server);
}

/// Kills the child process (by its handle) when dropped.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_command_line_serves_and_prints_the_url() {
    let site = TempSite::sample();
    let mut child = Child(
        std::process::Command::new(env!("CARGO_BIN_EXE_huiwen"))
            .args(["serve", "--port", "0", "--root"])
            .arg(site.root())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start huiwen serve"),
    );
    let stderr = child.0.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = Instant::now() + WAIT;
    let url = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx.recv_timeout(left).expect("the URL is printed in time");
        if let Some(i) = line.find("http://") {
            break line[i..].split_whitespace().next().unwrap().to_owned();
        }
    };
    let addr: SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("host:port");
    assert!(addr.ip().is_loopback(), "{url}");
    let home = request(addr, "GET", "/", &addr.to_string());
    assert_eq!(home.status, 200);
    assert!(home.text().contains("/__huiwen/live.js"));
    drop(child);
    // A directory that is not a site is a usage error.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huiwen"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root().join("content"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("site.yaml"));
}

#[test]
fn a_site_broken_from_the_start_shows_its_errors_until_fixed() {
    let site = TempSite::sample();
    let town = "content/towns/shimen.yaml";
    let good = site.read(town);
    site.write(town, &good.replace("level: 市级", "level: [市级"));
    let server = start(&ServeOptions {
        port: 0,
        verbose: false,
        ..ServeOptions::new(site.root())
    })
    .expect("server starts");
    assert!(!server.first_build().ok);
    let r = get(&server, "/reports/");
    assert_eq!(r.status, 503);
    assert!(r.text().contains("/__huiwen/live.js"));
    let (mut sse, first) = Sse::connect(&server);
    assert_eq!(first, "errors");
    site.write(town, &good);
    sse.wait_for_reload_of("reports/index.html");
    assert_eq!(get(&server, "/reports/").status, 200);
    assert!(server.errors().is_none());
    assert_same_as_full_build(&site, &server);
}

/// The bookkeeping behind deferred pages, without threads: a page rendered
/// after its round is trusted by the next round only if it was swapped into
/// the very generation that round starts from; a trusted page is checked
/// after the round and kept, an untrusted one rendered again.
#[test]
fn deferred_pages_are_trusted_only_in_the_generation_they_went_into() {
    use huiwen::serve::SiteMap;
    use huiwen::serve::incremental::{Built, Incremental, Late, render_late};

    let site = TempSite::sample();
    age(&site);
    let root = site.root();
    let mut inc = Incremental::default();
    let mut diags = huiwen::diag::Diagnostics::new();
    let first = inc
        .build(root, false, true, (&SiteMap::new(), 0), &mut diags)
        .expect("the sample builds");
    assert!(
        first.deferred.is_empty(),
        "nothing to defer without a last round"
    );
    let town = "content/towns/shimen.yaml";
    let mut teachers = 276;
    let mut edit = |inc: &mut Incremental| {
        let text = site.read(town).replace(
            &format!("teachers: {teachers}"),
            &format!("teachers: {}", teachers + 1),
        );
        teachers += 1;
        site.write(town, &text);
        inc.invalidate([root.join(town).as_path()]);
    };
    // What the server's second phase does: check the deferred pages and
    // render into the map those whose reads changed (named in the result).
    let finish = |b: Built, generation: u64| -> (SiteMap, Vec<String>) {
        let mut pages = b.site.clone();
        let mut rendered = Vec::new();
        let done = render_late(&b.model, &b.renderer, &b.render_cache, b.deferred);
        for (path, content, record) in done {
            if let Some(content) = content {
                rendered.push(path.clone());
                pages.insert(path.clone(), content);
            }
            b.late.lock().unwrap().push(Late {
                generation,
                path,
                record,
            });
        }
        (pages, rendered)
    };
    let stats = "stats/index.html";

    edit(&mut inc);
    let second = inc
        .build(root, false, false, (&first.site, 1), &mut diags)
        .unwrap();
    assert!(second.deferred.iter().any(|d| d.path == stats));
    assert_eq!(
        second.site[stats], first.site[stats],
        "old bytes until rendered"
    );
    let (pages, rendered) = finish(second, 7);
    assert!(rendered.iter().any(|p| p == stats), "{rendered:?}");
    assert_ne!(pages[stats], first.site[stats]);
    // Recorded for a generation the next round does not start from: not
    // trusted, so rendered again although nothing changed.
    let third = inc
        .build(root, false, false, (&pages, 2), &mut diags)
        .unwrap();
    assert!(third.deferred.iter().any(|d| d.path == stats));
    let (pages, rendered) = finish(third, 3);
    assert!(rendered.iter().any(|p| p == stats), "{rendered:?}");
    // Recorded for the generation it starts from: trusted, checked and kept.
    let fourth = inc
        .build(root, false, false, (&pages, 3), &mut diags)
        .unwrap();
    assert_eq!(fourth.rendered, 0);
    assert!(fourth.deferred.iter().any(|d| d.path == stats));
    assert_eq!(fourth.site[stats], pages[stats]);
    let kept = pages[stats].clone();
    let (pages, rendered) = finish(fourth, 4);
    assert!(rendered.is_empty(), "{rendered:?}");
    assert_eq!(pages[stats], kept);
    // And the result is the full build's.
    edit(&mut inc);
    let fifth = inc
        .build(root, false, false, (&pages, 4), &mut diags)
        .unwrap();
    let (pages, rendered) = finish(fifth, 5);
    assert!(rendered.iter().any(|p| p == stats), "{rendered:?}");
    site.build_ok();
    let built = fs::read(site.out().join(stats)).unwrap();
    assert_eq!(pages[stats].read().unwrap(), built);
    assert!(!diags.has_errors());
}

/// A workbook with one figure, 敬仲镇's teachers in 2026, typed as `teachers`.
fn town_sheet(teachers: &str) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("试点镇2026").unwrap();
    sheet.write_string(0, 0, "名称").unwrap();
    sheet.write_string(0, 1, "教师数（名）").unwrap();
    sheet.write_string(1, 0, "敬仲镇").unwrap();
    sheet.write_string(1, 1, teachers).unwrap();
    book.save_to_buffer().unwrap()
}

#[test]
fn a_saved_sheet_reloads_and_office_lock_files_are_ignored() {
    let site = TempSite::sample();
    let server = serve(&site);
    let (mut sse, _) = Sse::connect(&server);
    let sheet = "content/stats/统计表.xlsx";
    let json = "/towns/jingzhong/stats.json";
    // Excel opens the workbook (its owner file), LibreOffice its lock file,
    // then Excel saves: a temp file named by hex digits, renamed over the workbook.
    site.write_bytes("content/stats/~$统计表.xlsx", b"\x00owner");
    site.write_bytes("content/stats/.~lock.统计表.xlsx#", b"lock");
    site.write_bytes("content/stats/Cedd4e00", &town_sheet("401"));
    fs::rename(
        site.root().join("content/stats/Cedd4e00"),
        site.root().join(sheet),
    )
    .unwrap();
    sse.wait_for_reload_of("towns/jingzhong/index.html");
    wait_until("the sheet's figure served", || {
        get(&server, json).text().contains("\"2026\"")
    });
    assert!(get(&server, json).text().contains("401"));
    assert!(server.errors().is_none(), "{:?}", server.errors());
    assert_same_as_full_build(&site, &server);
    // Saved with a mistake: the cell is named and the last good site stays.
    site.write_bytes(sheet, &town_sheet("三百"));
    let mut found = String::new();
    let start = Instant::now();
    while !found.contains("工作表「试点镇2026」B2") && start.elapsed() < WAIT {
        found = sse.wait_for("errors");
    }
    assert!(
        found.contains("统计表.xlsx 工作表「试点镇2026」B2"),
        "{found}"
    );
    assert!(get(&server, json).text().contains("401"));
    // Fixed: served, and the same as a full build.
    site.write_bytes(sheet, &town_sheet("402"));
    wait_until("the fixed figure served", || {
        get(&server, json).text().contains("402")
    });
    wait_until("errors cleared", || server.errors().is_none());
    assert_same_as_full_build(&site, &server);
}

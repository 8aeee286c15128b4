//! The HTTP side of `huiwen serve`: the built site from memory, the
//! live-reload script and the Server-Sent Events stream.
//!
//! Requests never touch the file system: a path is checked
//! ([`resolve`]), then looked up in the in-memory site. Traversal (`..`, `.`
//! segments, also percent-encoded), encoded separators (`%2f`, `%5c`),
//! backslashes, NUL and control characters and invalid UTF-8 are refused with
//! 400; anything not in the site gets the site's `404.html` with status 404.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::mpsc;

use super::{Content, DiskFile, Message, Shared};

/// The live-reload and error-overlay client.
pub const LIVE_JS: &str = include_str!("live.js");
pub const LIVE_JS_PATH: &str = "/__huiwen/live.js";
pub const EVENTS_PATH: &str = "/__huiwen/events";

/// Served for every path until the site has built once.
const WAITING_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head><meta charset=\"utf-8\"><title>汇文预览</title></head>\n<body>\n<p>站点还没有成功构建：请按终端或页面上方的错误提示修改，改好后页面会自动刷新。</p>\n</body>\n</html>\n";

/// How long a connection may take to send a request's headers, and how
/// long a kept-alive connection may sit idle: a stuck or slow client (or
/// a port scanner) must not hold a connection open for ever.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// Accepts connections and serves `app` on each, HTTP/1.1 with the timeout
/// above (`axum::serve` sets no timer, so hyper's own timeout never runs).
pub async fn accept(listener: tokio::net::TcpListener, app: Router, timeout: Duration) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, say: wait a moment instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(timeout)
                .keep_alive(true);
            let io = hyper_util::rt::TokioIo::new(stream);
            let _ = http.serve_connection(io, service).await;
        });
    }
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(LIVE_JS_PATH, get(live_js))
        .fallback(site_file)
        .with_state(shared)
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Malformed or dangerous: 400.
    BadRequest,
}

/// The output file a request path names: `/` → `index.html`,
/// `/reports/` → `reports/index.html`, `/assets/style.css` → itself.
/// Percent-decoded; refuses traversal and encoded separators.
pub fn resolve(raw_path: &str) -> Result<String, Refused> {
    if !raw_path.starts_with('/') || raw_path.contains('\\') {
        return Err(Refused::BadRequest);
    }
    let lower = raw_path.to_ascii_lowercase();
    if lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00") {
        return Err(Refused::BadRequest);
    }
    let bytes =
        crate::base::url::percent_decode_strict(&raw_path[1..]).ok_or(Refused::BadRequest)?;
    let path = String::from_utf8(bytes).map_err(|_| Refused::BadRequest)?;
    if path.chars().any(|c| c.is_control() || c == '\\') {
        return Err(Refused::BadRequest);
    }
    if path.split('/').any(|seg| seg == ".." || seg == ".") {
        return Err(Refused::BadRequest);
    }
    if path.is_empty() || path.ends_with('/') {
        Ok(format!("{path}index.html"))
    } else {
        Ok(path)
    }
}

/// The `Content-Type` for an output file, by extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "txt" | "md" => "text/plain; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

/// Inserts the live-reload script before the last `</body>` (or at the end).
pub fn inject_script(html: &[u8], file: &str) -> Vec<u8> {
    let tag = format!(
        "<script src=\"{LIVE_JS_PATH}\" data-file=\"{}\"></script>\n",
        crate::base::escape::escape_attr(file)
    );
    let pos = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..pos]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[pos..]);
    out
}

/// On a loopback bind, only `localhost`-style hosts may talk to us (a web
/// page cannot use DNS rebinding to read the preview).
fn host_ok(shared: &Shared, headers: &HeaderMap) -> bool {
    if !shared.check_host {
        return true;
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return true;
    };
    let name = if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name == "[::1]"
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn plain(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        text.to_owned(),
    )
        .into_response()
}

/// A file served from disk, streamed in blocks (never whole in memory).
fn disk_response(path: &str, f: &Arc<DiskFile>) -> Response {
    const BLOCK: usize = 64 * 1024;
    let (tx, rx) = mpsc::channel::<std::io::Result<Bytes>>(4);
    let src = f.path.clone();
    tokio::task::spawn_blocking(move || {
        use std::io::Read as _;
        let mut file = match crate::base::fs::open_regular(&src) {
            Ok(file) => file,
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
                return;
            }
        };
        loop {
            let mut buf = vec![0u8; BLOCK];
            match file.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    buf.truncate(n);
                    // The client went away: stop reading.
                    if tx.blocking_send(Ok(Bytes::from(buf))).is_err() {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.blocking_send(Err(e));
                    return;
                }
            }
        }
    });
    let mut res = Response::new(Body::from_stream(Blocks(rx)));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(f.len));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

/// The blocks of a file as they are read.
struct Blocks(mpsc::Receiver<std::io::Result<Bytes>>);

impl futures_core::Stream for Blocks {
    type Item = std::io::Result<Bytes>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

fn file_response(status: StatusCode, path: &str, bytes: &Bytes) -> Response {
    let ctype = content_type(path);
    let body = if ctype.starts_with("text/html") {
        Body::from(inject_script(bytes, path))
    } else {
        Body::from(bytes.clone())
    };
    let mut res = Response::new(body);
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

async fn site_file(State(shared): State<Arc<Shared>>, req: Request) -> Response {
    if !host_ok(&shared, req.headers()) {
        return plain(StatusCode::FORBIDDEN, "403 Forbidden: unexpected Host");
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut res = plain(StatusCode::METHOD_NOT_ALLOWED, "405 Method Not Allowed");
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return res;
    }
    let raw = req.uri().path();
    let key = match resolve(raw) {
        Ok(k) => k,
        Err(Refused::BadRequest) => return plain(StatusCode::BAD_REQUEST, "400 Bad Request"),
    };
    let site = shared.site();
    if site.is_empty() {
        // No good build yet: a page that shows the errors and reloads when fixed.
        return file_response(
            StatusCode::SERVICE_UNAVAILABLE,
            "index.html",
            &Bytes::from_static(WAITING_PAGE.as_bytes()),
        );
    }
    match site.get(&key) {
        Some(Content::Bytes(bytes)) => return file_response(StatusCode::OK, &key, bytes),
        Some(Content::File(f)) => return disk_response(&key, f),
        None => {}
    }
    // `/reports` → `/reports/` when that directory has a page.
    if !raw.ends_with('/') && site.contains_key(&format!("{key}/index.html")) {
        let mut loc = format!("{raw}/");
        if let Some(q) = req.uri().query() {
            loc.push('?');
            loc.push_str(q);
        }
        let mut res = plain(StatusCode::FOUND, "302 Found");
        if let Ok(v) = HeaderValue::from_str(&loc) {
            res.headers_mut().insert(header::LOCATION, v);
        }
        return res;
    }
    match site.get("404.html") {
        Some(Content::Bytes(bytes)) => file_response(StatusCode::NOT_FOUND, "404.html", bytes),
        _ => plain(StatusCode::NOT_FOUND, "404 Not Found"),
    }
}

async fn live_js(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if !host_ok(&shared, &headers) {
        return plain(StatusCode::FORBIDDEN, "403 Forbidden: unexpected Host");
    }
    file_response(
        StatusCode::OK,
        "live.js",
        &Bytes::from_static(LIVE_JS.as_bytes()),
    )
}

/// The events of one live-reload client.
struct Events(mpsc::UnboundedReceiver<Message>);

impl futures_core::Stream for Events {
    type Item = Result<Event, std::convert::Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx).map(|m| {
            m.map(|m| {
                let (name, data) = m.event();
                Ok(Event::default()
                    .event(name)
                    .data(data)
                    .retry(Duration::from_millis(1000)))
            })
        })
    }
}

async fn events(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if !host_ok(&shared, &headers) {
        return plain(StatusCode::FORBIDDEN, "403 Forbidden: unexpected Host");
    }
    let mut res = Sse::new(Events(shared.subscribe()))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_and_refuses() {
        assert_eq!(resolve("/").unwrap(), "index.html");
        assert_eq!(resolve("/reports/").unwrap(), "reports/index.html");
        assert_eq!(resolve("/assets/style.css").unwrap(), "assets/style.css");
        assert_eq!(
            resolve("/reports/2025/a/%E9%99%84%E4%BB%B6.pdf").unwrap(),
            "reports/2025/a/附件.pdf"
        );
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/%2e%2e/x",
            "/a%2f..%2fb",
            "/a%5cb",
            "/a\\b",
            "/a%00b",
            "/./x",
            "/%ff",
            "/%zz",
            "/%2",
        ] {
            assert_eq!(resolve(bad), Err(Refused::BadRequest), "{bad}");
        }
    }

    #[test]
    fn injects_before_body_end() {
        let out = inject_script(b"<html><body><p>x</p></BODY></html>", "index.html");
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains(
            "<p>x</p><script src=\"/__huiwen/live.js\" data-file=\"index.html\"></script>\n</BODY>"
        ));
        let out = inject_script(b"<p>no body</p>", "a.html");
        assert!(String::from_utf8(out).unwrap().ends_with("</script>\n"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("x.SVG"), "image/svg+xml");
        assert_eq!(content_type("search/a.json"), "application/json");
        assert_eq!(content_type("附件1-数据表.csv"), "text/csv; charset=utf-8");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}

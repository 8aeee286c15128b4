//! `huiwen serve` in a real browser (headless Chromium through chromedriver,
//! the harness in `tests/browser/`): an open page reloads itself after an
//! edit, shows the error overlay for a broken file and drops it after the fix.
//!
//! Skipped (with a message) without chromium and chromedriver, a failure under
//! `CI=true`, as the search browser tests.

mod browser;
mod common;

use std::time::{Duration, Instant};

use browser::{browser, connect, js, start_driver};
use common::TempSite;
use fantoccini::Client;
use huiwen::serve::{ServeOptions, start};

/// Polls `script` until it returns `true`, failing after 20 s.
async fn wait_js(c: &Client, what: &str, script: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if js(c, script).await == true {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn an_open_page_reloads_itself_and_shows_errors() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let site = TempSite::sample();
    let server = start(&ServeOptions {
        port: 0,
        verbose: false,
        ..ServeOptions::new(site.root())
    })
    .expect("server starts");
    let url = format!("{}reports/2025/shuangmiao-small-schools/", server.url());
    let (_driver, port) = start_driver(&chromedriver);
    let profile = tempfile::tempdir().expect("profile dir");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = connect(port, &chromium, profile.path()).await;
        c.goto(&url).await.expect("goto");
        wait_js(
            &c,
            "live reload connected",
            "return document.documentElement.getAttribute('data-huiwen-live') === 'open';",
        )
        .await;
        js(&c, "window.__huiwenMarker = 1; return 1;").await;

        // An edit: the page reloads by itself (the marker is gone) and shows it.
        let file = "content/reports/2025/shuangmiao-small-schools.md";
        site.write(file, &(site.read(file) + "\n浏览器里自动刷新的新段落。\n"));
        wait_js(
            &c,
            "the page reloaded with the edit",
            "return window.__huiwenMarker === undefined && document.body.textContent.indexOf('浏览器里自动刷新的新段落') >= 0;",
        )
        .await;
        wait_js(
            &c,
            "live reload reconnected",
            "return document.documentElement.getAttribute('data-huiwen-live') === 'open';",
        )
        .await;

        // A broken town file: an overlay naming file and line; the page stays.
        let town = "content/towns/shimen.yaml";
        let good = site.read(town);
        site.write(town, &good.replace("level: 市级", "level: [市级"));
        wait_js(
            &c,
            "the error overlay",
            "var p = document.querySelector('.error-overlay pre'); return !!p && p.textContent.indexOf('content/towns/shimen.yaml:') >= 0;",
        )
        .await;
        assert_eq!(
            js(&c, "return getComputedStyle(document.querySelector('.error-overlay')).position;").await,
            "fixed"
        );
        assert_eq!(
            js(&c, "return document.body.textContent.indexOf('浏览器里自动刷新的新段落') >= 0;").await,
            true
        );
        // The fix clears it.
        site.write(town, &good);
        wait_js(
            &c,
            "the overlay cleared",
            "return document.querySelector('.error-overlay') === null;",
        )
        .await;
        c.close().await.expect("close");
    });
    drop(server);
}

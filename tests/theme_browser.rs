//! The theme in a real browser (headless Chromium, `tests/browser/`): every
//! page of the sample site and of its 2025 archive, on a phone-sized
//! window, is no wider than the screen and has no serious or critical
//! accessibility violation by axe-core (vendored by `scripts/test-tools.sh`,
//! loaded only here, never shipped in a site).

mod browser;
mod common;

use std::path::Path;
use std::process::Command;

use browser::{SUB_PATH, browser, connect, js, serve, start_driver};
use common::{REPO, TempSite, files};
use fantoccini::Client;

const PHONE: u32 = 375;

/// axe-core's serious and critical violations on the open page, as
/// `rule-id (nodes): first target`.
async fn axe(c: &Client, axe_js: &str) -> Vec<String> {
    js(c, &format!("{axe_js}\n;return 1;")).await;
    let found = c
        .execute_async(
            "var done = arguments[arguments.length - 1];\
             axe.run(document, {resultTypes: ['violations']}).then(function (r) {\
               done(r.violations.filter(function (v) { return v.impact === 'serious' || v.impact === 'critical'; })\
                 .map(function (v) { return v.id + ' (' + v.nodes.length + '): ' + v.nodes[0].target.join(' ') + ' ' + v.help; }));\
             });",
            vec![],
        )
        .await
        .expect("axe ran");
    serde_json::from_value(found).expect("a list")
}

/// How wide the open page is against the window: (document, window).
async fn widths(c: &Client) -> (u64, u64) {
    let v = js(
        c,
        "return [document.documentElement.scrollWidth, window.innerWidth];",
    )
    .await;
    (v[0].as_u64().unwrap(), v[1].as_u64().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_fits_a_phone_and_passes_axe() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let axe_path = Path::new(REPO).join("tests/tools/node_modules/axe-core/axe.min.js");
    if !browser::require(
        axe_path.is_file(),
        "axe-core",
        "(bash scripts/test-tools.sh)",
    ) {
        return;
    }
    let axe_js = std::fs::read_to_string(&axe_path).unwrap();
    let site = TempSite::sample();
    site.build_ok();
    let archive = site.root().join("archive-2025");
    let o = Command::new(env!("CARGO_BIN_EXE_huiwen"))
        .args(["archive", "2025", "--root"])
        .arg(site.root())
        .arg("--out")
        .arg(&archive)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (_driver, port) = start_driver(&chromedriver);
    let profile = tempfile::tempdir().unwrap();
    let c = connect(port, &chromium, profile.path()).await;
    c.set_window_size(PHONE, 800).await.expect("window size");

    let mut too_wide = Vec::new();
    let mut violations = Vec::new();
    for (root, label) in [(site.out(), "site"), (archive.clone(), "archive")] {
        let base = format!("http://127.0.0.1:{}{SUB_PATH}", serve(root.clone()));
        let pages: Vec<String> = files(&root)
            .into_iter()
            .filter(|f| f.ends_with(".html"))
            .collect();
        assert!(pages.len() > 30, "{label}: {} pages", pages.len());
        for page in &pages {
            c.goto(&format!("{base}{page}")).await.expect("goto");
            let (doc, win) = widths(&c).await;
            assert!(win <= PHONE as u64 + 20, "the window is a phone's: {win}");
            if doc > win {
                too_wide.push(format!("{label} {page}: {doc} px in {win}"));
            }
            for v in axe(&c, &axe_js).await {
                violations.push(format!("{label} {page}: {v}"));
            }
        }
    }
    assert!(
        too_wide.is_empty() && violations.is_empty(),
        "wider than the phone:\n{}\naxe:\n{}",
        too_wide.join("\n"),
        violations.join("\n")
    );
}

/// The overview opens with its headline figures; every page has an icon
/// (no request for a missing `/favicon.ico`); the 404 page is styled when
/// shown from any folder of the site.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headline_icon_and_a_styled_404_anywhere() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let site = TempSite::sample();
    site.build_ok();
    let base = format!("http://127.0.0.1:{}{SUB_PATH}", serve(site.out()));
    let (_driver, port) = start_driver(&chromedriver);
    let profile = tempfile::tempdir().unwrap();
    let c = connect(port, &chromium, profile.path()).await;
    c.goto(&format!("{base}stats/index.html")).await.unwrap();
    let shown = js(
        &c,
        "var h = document.querySelector('.headline-figures'); return !!h && h.getBoundingClientRect().height > 0 && h.querySelectorAll('li').length;",
    )
    .await;
    assert!(
        shown.as_u64().unwrap_or(0) >= 5,
        "headline figures: {shown}"
    );
    let icon = js(
        &c,
        "var l = document.querySelector('link[rel=icon]'); return l ? l.href : null;",
    )
    .await;
    let icon = icon.as_str().expect("an icon link").to_owned();
    let status = js(
        &c,
        &format!("return fetch({icon:?}).then(function (r) {{ return r.status; }});"),
    )
    .await;
    assert_eq!(status, 200, "{icon}");
    // The 404 page, opened from a folder deep in the site (as a server
    // shows it for any missing path): its styles are inside it.
    c.goto(&format!("{base}404.html")).await.unwrap();
    let styled = js(
        &c,
        "return getComputedStyle(document.querySelector('.site-header')).backgroundColor;",
    )
    .await;
    let file = format!("file://{}/404.html", site.out().display());
    c.goto(&file).await.unwrap();
    let from_disk = js(
        &c,
        "return getComputedStyle(document.querySelector('.site-header')).backgroundColor;",
    )
    .await;
    assert_eq!(styled, from_disk, "styled the same from disk");
    assert_ne!(from_disk, "rgba(0, 0, 0, 0)", "the header has its colour");
}

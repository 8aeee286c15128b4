//! Search in a real browser: Debian's Chromium, headless, driven through
//! chromedriver (WebDriver) from Rust. The sample site is built, served over
//! http under a sub-path by a tiny static server, and opened from `file://`.
//!
//! Expected results come from an oracle in Rust: the same documents the index
//! is built from (`huiwen::search::docs::documents`), searched by plain
//! folded substring matching. The browser must return exactly that set (no
//! misses, no false hits), ordered with title/field matches first.
//!
//! Without chromium and chromedriver the test prints why it is skipped;
//! under `CI=true` it fails instead (`scripts/test.sh` installs both).

mod browser;
mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use browser::{
    SUB_PATH, all_hits, browser, connect, enc, js, search, serve, start_driver, wait_done,
};
use common::{TempSite, percent_decode};
use fantoccini::{Client, Locator, key::Key};
use huiwen::diag::Diagnostics;
use huiwen::search::docs::{Doc, documents};
use huiwen::search::fold::fold;

/// What the browser must find: documents containing every term (folded) and
/// having every filter value.
fn oracle(docs: &[Doc], terms: &[&str], filters: &[(&str, &str)]) -> BTreeSet<String> {
    docs.iter()
        .filter(|d| {
            let text = fold(&format!("{}\n{}", d.fields, d.body));
            terms.iter().all(|t| text.contains(&fold(t)))
                && filters
                    .iter()
                    .all(|(f, v)| d.filters.iter().any(|(df, dv)| df == f && dv == v))
        })
        .map(|d| d.meta.u.clone())
        .collect()
}

fn set(v: &[String]) -> BTreeSet<String> {
    v.iter().cloned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };

    let site = TempSite::sample();
    // A report whose last words are past the first body segment (1,500
    // characters): they are in its tail file, which the page must load to
    // check a longer query and to cut the excerpt.
    let filler = "本段介绍常规工作情况，内容从略。".repeat(120);
    site.write(
        "content/reports/2025/chang-wen.md",
        &format!(
            "---\ntitle: 一份很长的材料\ndate: 2025-03-01\n---\n\n{filler}\n\n尾段独有的示范短语，还有鹭鸶。\n"
        ),
    );
    site.build_ok();
    let out = site.out();
    let mut diags = Diagnostics::new();
    let (model, _) =
        huiwen::pipeline::prepare_once(site.root(), &huiwen::pipeline::Plan::default(), &mut diags)
            .expect("sample site loads");
    let docs = documents(&model);

    let http = format!("http://127.0.0.1:{}{SUB_PATH}", serve(out.clone()));
    let file = format!("file://{}/", out.display());
    let (_driver, port) = start_driver(&chromedriver);
    let profile = tempfile::tempdir().expect("profile dir");
    let c = connect(port, &chromium, profile.path()).await;

    let page = |base: &str, query: &str| format!("{base}search/index.html?{query}");

    // A substring across a word boundary: 业合 inside 农业|合作社.
    let hits = search(&c, &page(&http, &format!("q={}", enc("业合")))).await;
    assert!(hits.contains(&"towns/taoyuan/".to_owned()), "{hits:?}");
    assert_eq!(set(&hits), oracle(&docs, &["业合"], &[]));

    // Traditional finds Simplified and the reverse; both are one search.
    let trad = search(&c, &page(&http, &format!("q={}", enc("義務教育")))).await;
    let simp = search(&c, &page(&http, &format!("q={}", enc("义务教育")))).await;
    assert_eq!(trad, simp);
    assert_eq!(set(&simp), oracle(&docs, &["义务教育"], &[]));
    assert!(simp.contains(&"reports/2024/hk-exchange-balanced/".to_owned()));
    assert!(simp.contains(&"reports/2024/2024-annual-summary/".to_owned()));
    let marked = js(
        &c,
        "return !!document.querySelector('[data-url=\"reports/2024/hk-exchange-balanced/\"] .search-excerpt mark');",
    )
    .await;
    assert_eq!(marked, true, "the Traditional text is highlighted");

    // Matches only in a long report's tail: checked and excerpted from it.
    for q in ["尾段独有的示范短语", "鹭鸶"] {
        let hits = search(&c, &page(&http, &format!("q={}", enc(q)))).await;
        assert_eq!(
            hits,
            vec!["reports/2025/chang-wen/".to_owned()],
            "query {q}"
        );
        assert_eq!(set(&hits), oracle(&docs, &[q], &[]), "query {q}");
        let excerpt = js(
            &c,
            "return document.querySelector('[data-url=\"reports/2025/chang-wen/\"] .search-excerpt mark').textContent;",
        )
        .await;
        assert_eq!(excerpt, q, "the excerpt marks the match from the tail");
    }
    // …and the words really are only in a tail file, not in a head.
    let holders: Vec<String> = common::files(&out.join("search/d"))
        .into_iter()
        .filter(|f| {
            std::fs::read_to_string(out.join("search/d").join(f)).is_ok_and(|t| t.contains("鹭鸶"))
        })
        .collect();
    assert!(
        holders.len() == 1 && holders[0].ends_with("-t.js"),
        "{holders:?}"
    );

    // A longer query that only some candidates really contain: no false hits.
    for q in ["教育优质", "优质均衡发展", "学前教育普及普惠", "杏林镇"] {
        let hits = search(&c, &page(&http, &format!("q={}", enc(q)))).await;
        assert_eq!(set(&hits), oracle(&docs, &[q], &[]), "query {q}");
    }
    // A quoted phrase is one term; punctuation around a single word is ignored;
    // full-width letters and digits fold.
    for (q, terms) in [
        ("\"普及普惠\" 杏林", &["普及普惠", "杏林"][..]),
        ("杏林镇，", &["杏林镇"][..]),
        ("２０２５年", &["2025年"][..]),
    ] {
        let hits = search(&c, &page(&http, &format!("q={}", enc(q)))).await;
        assert!(!hits.is_empty(), "query {q}");
        assert_eq!(set(&hits), oracle(&docs, terms, &[]), "query {q}");
    }

    // Ranking: title/field matches come before body-only matches.
    let hits = search(&c, &page(&http, &format!("q={}", enc("敬仲镇")))).await;
    assert_eq!(set(&hits), oracle(&docs, &["敬仲镇"], &[]));
    let in_fields: Vec<bool> = hits
        .iter()
        .map(|u| {
            let d = docs.iter().find(|d| &d.meta.u == u).expect("doc");
            fold(&d.fields).contains("敬仲镇")
        })
        .collect();
    assert!(in_fields[0], "{hits:?}");
    assert!(
        in_fields.windows(2).all(|w| w[0] || !w[1]),
        "field matches first: {hits:?}"
    );

    // AND of terms, and filters (with and without a query).
    let hits = search(
        &c,
        &page(&http, &format!("q={}&year=2024", enc("义务教育 学前"))),
    )
    .await;
    assert!(!hits.is_empty());
    assert!(
        hits.iter().all(|u| u.starts_with("reports/2024/")),
        "{hits:?}"
    );
    assert_eq!(
        set(&hits),
        oracle(&docs, &["义务教育", "学前"], &[("year", "2024")])
    );
    let hits = search(&c, &page(&http, &format!("tag={}", enc("学前教育")))).await;
    assert_eq!(set(&hits), oracle(&docs, &[], &[("tag", "学前教育")]));
    let hits = search(
        &c,
        &page(&http, &format!("type=town&level={}", enc("省级"))),
    )
    .await;
    assert!(!hits.is_empty());
    assert_eq!(
        set(&hits),
        oracle(&docs, &[], &[("type", "town"), ("level", "省级")])
    );

    // URL round trip: typing updates the URL; opening that URL runs it.
    c.goto(&format!("{http}search/index.html"))
        .await
        .expect("goto");
    wait_done(&c).await;
    let input = c.find(Locator::Css("#search-q")).await.expect("search box");
    input.send_keys("农业").await.expect("type");
    js(
        &c,
        "var s = document.getElementById('search-year'); s.value = '2024'; s.dispatchEvent(new Event('change'));",
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let url = loop {
        let u = c.current_url().await.expect("url").to_string();
        if u.contains("q=") && u.contains("year=2024") {
            break u;
        }
        assert!(Instant::now() < deadline, "URL not updated: {u}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    };
    tokio::time::sleep(Duration::from_millis(300)).await;
    let typed = all_hits(&c).await;
    assert!(percent_decode(&url).contains("q=农业"), "{url}");
    assert_eq!(set(&typed), oracle(&docs, &["农业"], &[("year", "2024")]));
    assert_eq!(search(&c, &url).await, typed);

    // The header search box on any page submits to the search page.
    c.goto(&format!("{http}towns/index.html"))
        .await
        .expect("goto");
    let boxed = c
        .find(Locator::Css(".site-search input[name=q]"))
        .await
        .expect("header search box");
    boxed
        .send_keys(&format!("{}{}", "敬仲镇", char::from(Key::Enter)))
        .await
        .expect("type");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !c
        .current_url()
        .await
        .expect("url")
        .as_str()
        .contains("/search/")
    {
        assert!(Instant::now() < deadline, "header form did not submit");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert_eq!(all_hits(&c).await, hits_for(&c, &http, "敬仲镇").await);

    // The same searches from file://, with the same results in the same order.
    for q in ["业合", "義務教育", "敬仲镇"] {
        let over_http = search(&c, &page(&http, &format!("q={}", enc(q)))).await;
        let from_disk = search(&c, &page(&file, &format!("q={}", enc(q)))).await;
        assert!(!from_disk.is_empty(), "file:// {q}");
        assert_eq!(over_http, from_disk, "file:// {q}");
    }
    // replaceState on file:// (same document, query only) keeps the search shareable.
    c.goto(&format!("{file}search/index.html"))
        .await
        .expect("goto");
    wait_done(&c).await;
    c.find(Locator::Css("#search-q"))
        .await
        .expect("search box")
        .send_keys("杏林")
        .await
        .expect("type");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let u = c.current_url().await.expect("url").to_string();
        if percent_decode(&u).contains("q=杏林") {
            break;
        }
        assert!(Instant::now() < deadline, "file:// URL not updated: {u}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }

    c.close().await.expect("close browser");
}

async fn hits_for(c: &Client, base: &str, q: &str) -> Vec<String> {
    search(c, &format!("{base}search/index.html?q={}", enc(q))).await
}

//! `huiwen archive` and `huiwen verify`: a frozen, verifiable copy of a year
//! that opens from a folder, with search, and a yearbook that prints as a book.

mod browser;
mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{TempSite, attr_values, files, percent_decode};
use huiwen::commands::archive::{ArchiveOptions, archive, verify};
use huiwen::load::frontmatter::Date;

const DATE: Date = Date {
    year: 2026,
    month: 1,
    day: 5,
};

fn make(s: &TempSite, year: i64, zip: bool) -> PathBuf {
    let out = s.root().join("archive").join(year.to_string());
    let (r, d) = archive(&ArchiveOptions {
        root: s.root().to_path_buf(),
        year,
        out: Some(out.clone()),
        zip,
        date: DATE,
    });
    assert!(r.is_ok(), "{:?}", d.sorted());
    out
}

#[test]
fn archive_holds_exactly_the_year() {
    let s = TempSite::sample();
    let out = make(&s, 2024, false);
    let reports: Vec<String> = files(&out.join("reports"))
        .into_iter()
        .filter(|f| f.ends_with("/index.html"))
        .collect();
    assert!(
        reports
            .iter()
            .all(|f| f.starts_with("2024/") || !f.contains('/') || f.starts_with("page/")),
        "{reports:?}"
    );
    assert!(
        out.join("reports/2024/hk-exchange-balanced/index.html")
            .is_file()
    );
    assert!(!out.join("reports/2025").exists() && !out.join("years/2025").exists());
    // Statistics up to the year only.
    let town = fs::read_to_string(out.join("towns/jingzhong/index.html")).unwrap();
    assert!(
        town.contains("<th scope=\"row\">2024</th>")
            && !town.contains("<th scope=\"row\">2025</th>")
    );
    let csv = fs::read_to_string(out.join("stats/stats.csv")).unwrap();
    assert!(!csv.contains(",2025,"));
    // The search index covers exactly the year's reports.
    assert!(out.join("search").is_dir());
}

#[test]
fn every_page_has_the_banner_and_only_relative_links_that_resolve() {
    let s = TempSite::sample();
    let out = make(&s, 2025, false);
    let mut pages = 0;
    for f in files(&out).iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(out.join(f)).unwrap();
        if f != "404.html" {
            assert!(
                html.contains("归档版 2025，生成于 2026-01-05"),
                "{f} has no banner"
            );
        }
        if f == "404.html" {
            continue;
        }
        let dir = out.join(f).parent().unwrap().to_path_buf();
        for url in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            if url.starts_with('#') || url.starts_with("http") || url.starts_with("mailto:") {
                continue;
            }
            assert!(!url.starts_with('/'), "{f}: absolute link {url}");
            assert!(
                !url.ends_with('/'),
                "{f}: directory link {url} needs index.html for file://"
            );
            let target = dir.join(percent_decode(url.split(['#', '?']).next().unwrap()));
            let target = target
                .canonicalize()
                .unwrap_or_else(|_| panic!("{f}: {url} points at nothing"));
            assert!(
                target.starts_with(out.canonicalize().unwrap()),
                "{f}: {url} leaves the archive"
            );
        }
        pages += 1;
    }
    assert!(pages > 40);
}

#[test]
fn manifest_verifies_and_catches_every_kind_of_change() {
    let s = TempSite::sample();
    let out = make(&s, 2025, true);
    let v = verify(&out).unwrap();
    assert!(v.ok(), "{v:?}");
    assert_eq!(v.checked, files(&out).len() - 1);
    // The manifest is what sha256sum -c reads.
    let manifest = fs::read_to_string(out.join("MANIFEST.sha256")).unwrap();
    assert!(
        manifest
            .lines()
            .all(|l| l.len() > 66 && l.as_bytes()[64] == b' ' && l.as_bytes()[65] == b' ')
    );

    // One changed byte.
    let page = out.join("towns/jingzhong/index.html");
    let mut bytes = fs::read(&page).unwrap();
    bytes[100] ^= 1;
    fs::write(&page, bytes).unwrap();
    fs::remove_file(out.join("atom.xml")).unwrap();
    fs::write(out.join("多出来的.txt"), "x").unwrap();
    let v = verify(&out).unwrap();
    assert_eq!(v.changed, vec!["towns/jingzhong/index.html"]);
    assert_eq!(v.missing, vec!["atom.xml"]);
    assert_eq!(v.extra, vec!["多出来的.txt"]);
    let o = Command::new(env!("CARGO_BIN_EXE_huiwen"))
        .arg("verify")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("被改动: towns/jingzhong/index.html") && err.contains("缺失: atom.xml"),
        "{err}"
    );
}

#[test]
fn zip_holds_the_same_tree_with_utf8_names() {
    let s = TempSite::sample();
    let out = make(&s, 2025, true);
    let zip_path = out.with_file_name("2025.zip");
    let bytes = fs::read(&zip_path).unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    // Every file is in the central directory as 2025/<path>, UTF-8 flagged when not ASCII.
    let names: Vec<String> = files(&out)
        .into_iter()
        .map(|f| format!("2025/{f}"))
        .collect();
    let text = String::from_utf8_lossy(&bytes);
    for n in &names {
        assert!(text.contains(n.as_str()), "{n} missing from zip");
    }
    let chinese = names
        .iter()
        .find(|n| !n.is_ascii())
        .expect("a Chinese file name");
    let at = bytes
        .windows(chinese.len())
        .position(|w| w == chinese.as_bytes())
        .unwrap();
    // Local file header: signature at at-30, general purpose flag at +6; bit 11 = UTF-8.
    let header = at - 30;
    assert_eq!(&bytes[header..header + 4], b"PK\x03\x04");
    let flags = u16::from_le_bytes([bytes[header + 6], bytes[header + 7]]);
    assert!(flags & 0x0800 != 0, "UTF-8 flag not set for {chinese}");
}

#[test]
fn live_year_pages_link_to_the_archive_copy() {
    let s = TempSite::sample();
    let cfg = s.read("site.yaml");
    s.write(
        "site.yaml",
        &format!("{cfg}archive_url: http://10.1.2.3/jyjl-archive/{{year}}/\n"),
    );
    s.build_ok();
    assert!(
        s.page("years/2024")
            .contains("href=\"http://10.1.2.3/jyjl-archive/2024/index.html\"")
    );
    // The archive itself does not link to itself.
    let out = make(&s, 2024, false);
    assert!(
        !fs::read_to_string(out.join("years/2024/index.html"))
            .unwrap()
            .contains("jyjl-archive")
    );
}

#[test]
fn an_empty_year_or_a_bad_year_is_an_error() {
    let s = TempSite::sample();
    for y in [1999, 3000] {
        let (r, d) = archive(&ArchiveOptions {
            root: s.root().to_path_buf(),
            year: y,
            out: None,
            zip: false,
            date: DATE,
        });
        assert!(r.is_err() && d.has_errors(), "{y}");
    }
    assert!(!s.root().join("archive").exists());
}

#[test]
fn links_to_other_years_go_to_the_live_site() {
    let s = TempSite::sample();
    s.write("content/reports/2025/linking.md", "---\ntitle: 链接旧文\ndate: 2025-09-01\n---\n\n见[去年的总结](../2024/2024-annual-summary.md)。\n");
    let cfg = s
        .read("site.yaml")
        .replace("base_url: /", "base_url: http://10.1.2.3/jyjl/");
    s.write("site.yaml", &cfg);
    let out = make(&s, 2025, false);
    let html = fs::read_to_string(out.join("reports/2025/linking/index.html")).unwrap();
    assert!(
        html.contains("href=\"http://10.1.2.3/jyjl/reports/2024/2024-annual-summary/\""),
        "live link"
    );
    assert!(html.contains("访问在线版"));
}

fn pdftotext(pdf: &Path, page: Option<usize>) -> String {
    let mut c = Command::new("pdftotext");
    if let Some(p) = page {
        c.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    let o = c.arg(pdf).arg("-").output().expect("pdftotext");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn yearbook_prints_to_pdf_with_one_section_per_report() {
    let Some((chromium, _)) = browser::browser() else {
        return;
    };
    let tools = browser::require(
        browser::find_in_path("pdftotext").is_some(),
        "pdftotext",
        "poppler-utils",
    );
    if !tools || !browser::require(browser::has_cjk_font(), "a Chinese font", "fonts-noto-cjk") {
        return;
    }
    let s = TempSite::sample();
    let out = make(&s, 2025, false);
    let pdf = s.root().join("yearbook.pdf");
    let profile = tempfile::tempdir().unwrap();
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!(
            "file://{}",
            out.join("yearbook/index.html").display()
        ))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("chromium");
    assert!(status.success() && pdf.is_file());
    let html = fs::read_to_string(out.join("yearbook/index.html")).unwrap();
    let titles: Vec<String> = html
        .split("class=\"yearbook-report-title\">")
        .skip(1)
        .map(|t| t.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        titles.len(),
        5,
        "the sample has five published 2025 reports"
    );
    let pages: usize = {
        let o = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .find(|l| l.starts_with("Pages:"))
            .unwrap()
            .split_whitespace()
            .nth(1)
            .unwrap()
            .parse()
            .unwrap()
    };
    // Each report starts on a new page: some page's text begins with its title.
    let starts: Vec<String> = (1..=pages)
        .map(|p| pdftotext(&pdf, Some(p)).trim_start().to_owned())
        .collect();
    for t in &titles {
        let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
        let found = starts.iter().any(|page| {
            let head: String = page
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(compact.chars().count())
                .collect();
            head == compact
        });
        assert!(found, "no page starts with {t}");
    }
    assert!(pdftotext(&pdf, None).contains("年度统计概况"));
}

#[test]
fn archive_pages_and_search_work_from_file_urls_in_chromium() {
    let Some((chromium, chromedriver)) = browser::browser() else {
        return;
    };
    let s = TempSite::sample();
    let out = make(&s, 2024, false);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (_driver, port) = browser::start_driver(&chromedriver);
        let profile = tempfile::tempdir().unwrap();
        let c = browser::connect(port, &chromium, profile.path()).await;
        // A page opened by double-click: the banner shows and a link leads on.
        let home = format!("file://{}", out.join("index.html").display());
        c.goto(&home).await.unwrap();
        let banner = browser::js(&c, "return document.querySelector('.banner').textContent;").await;
        assert!(banner.as_str().unwrap().contains("归档版 2024"));
        let towns = browser::js(&c, "var a = document.querySelector('a[href=\"towns/index.html\"]'); a.click(); return true;").await;
        assert_eq!(towns, true);
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let url = c.current_url().await.unwrap();
        assert!(url.as_str().ends_with("/towns/index.html"), "{url}");
        // Search from disk finds the year's Traditional report from a Simplified query, and nothing of other years.
        let q = format!("file://{}?q={}", out.join("search/index.html").display(), browser::enc("义务教育"));
        let hits = browser::search(&c, &q).await;
        assert!(hits.iter().any(|h| h == "reports/2024/hk-exchange-balanced/"), "{hits:?}");
        assert!(hits.iter().all(|h| !h.starts_with("reports/") || h.starts_with("reports/2024/")), "{hits:?}");
        c.close().await.unwrap();
    });
}

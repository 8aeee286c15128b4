//! The output checked by tools nobody here wrote: the Nu HTML Checker (vnu,
//! the W3C's validator) over every page, the Atom feed against the RELAX NG
//! schema of RFC 4287 (jing), the sitemap against the sitemaps.org schema
//! (xmllint). Under `CI=true` a missing tool fails (scripts/test.sh installs
//! them all).

mod browser;
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{REPO, TempSite, files};

fn vnu_jar() -> PathBuf {
    Path::new(REPO).join("tests/tools/node_modules/vnu-jar/build/dist/vnu.jar")
}

/// The sample site plus a report written in Traditional characters.
fn site_with_traditional() -> TempSite {
    let s = TempSite::sample();
    s.write(
        "content/reports/2025/fan-ti.md",
        "---\ntitle: 推進義務教育優質均衡發展的經驗\ndate: 2025-06-01\ntags: [教師輪崗交流]\n---\n\n## 一、基本情況\n\n本縣堅持強鎮築基，推動鄉村學校與城區學校結對幫扶，教師輪崗交流常態化。\n\n## 二、主要做法\n\n名師工作室送教下鄉，聯片教研覆蓋全部鄉鎮學校。\n",
    );
    s
}

#[test]
fn every_page_passes_the_nu_html_checker() {
    let jar = vnu_jar();
    let ok = browser::require(
        browser::find_in_path("java").is_some(),
        "java",
        "default-jre-headless",
    ) && browser::require(jar.is_file(), "vnu.jar", "(bash scripts/test-tools.sh)");
    if !ok {
        return;
    }
    let s = site_with_traditional();
    s.build_ok();
    let out = s.out();
    let pages: Vec<String> = files(&out)
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect();
    assert!(pages.len() > 70, "{} pages", pages.len());
    // The Traditional report's page says so.
    let fanti = s.page("reports/2025/fan-ti");
    assert!(
        fanti.contains("<html lang=\"zh-Hant\">"),
        "lang of a Traditional page"
    );
    let o = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--format", "json", "--skip-non-html"])
        .arg(&out)
        .output()
        .expect("run vnu");
    let report: serde_json::Value = serde_json::from_slice(&o.stderr)
        .unwrap_or_else(|_| panic!("vnu output: {}", String::from_utf8_lossy(&o.stderr)));
    let messages = report["messages"].as_array().expect("messages");
    let shown: Vec<String> = messages
        .iter()
        .map(|m| {
            let url = m["url"].as_str().unwrap_or("");
            let file = url.rsplit("/output/").next().unwrap_or(url);
            format!(
                "{} {}:{}: {}",
                m["subType"]
                    .as_str()
                    .unwrap_or(m["type"].as_str().unwrap_or("")),
                file,
                m["lastLine"],
                m["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert!(
        shown.is_empty(),
        "vnu found {}:\n{}",
        shown.len(),
        shown.join("\n")
    );
}

/// What jing or xmllint said, if the document is not valid.
fn validate(cmd: &mut Command) -> Result<(), String> {
    let o = cmd.output().map_err(|e| e.to_string())?;
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ))
    }
}

/// Text of every `<tag>` (or `attr="…"` of every `<tag …>`) in `xml`.
fn values(xml: &str, open: &str, close: &str) -> Vec<String> {
    xml.split(open)
        .skip(1)
        .map(|r| r.split(close).next().unwrap_or("").to_owned())
        .collect()
}

fn absolute(iri: &str) -> bool {
    iri.split_once(':').is_some_and(|(scheme, rest)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
    })
}

#[test]
fn the_feed_and_the_sitemap_match_their_schemas() {
    let ok = browser::require(browser::find_in_path("jing").is_some(), "jing", "jing")
        && browser::require(
            browser::find_in_path("xmllint").is_some(),
            "xmllint",
            "libxml2-utils",
        );
    if !ok {
        return;
    }
    let atom = Path::new(REPO).join("tests/schemas/atom.rnc");
    let sitemap = Path::new(REPO).join("tests/schemas/sitemap.xsd");
    // The default base_url `/`: ids still absolute IRIs, no sitemap at all.
    let s = TempSite::sample();
    s.build_ok();
    let feed = s.out().join("atom.xml");
    validate(Command::new("jing").arg("-c").arg(&atom).arg(&feed)).unwrap();
    let text = std::fs::read_to_string(&feed).unwrap();
    let ids = values(&text, "<id>", "</id>");
    assert!(ids.len() > 5);
    for id in &ids {
        assert!(id.starts_with("urn:uuid:") && absolute(id), "{id}");
    }
    assert!(!s.out().join("sitemap.xml").exists(), "an invalid sitemap");
    // The same site built again keeps its ids (feed readers rely on it).
    s.build_ok();
    let again = std::fs::read_to_string(&feed).unwrap();
    assert_eq!(values(&again, "<id>", "</id>"), ids);

    // A full base_url: absolute ids and links, a valid sitemap with dates.
    let out = s.root().join("absolute");
    let (r, d) = huiwen::build(&huiwen::BuildOptions {
        root: s.root().to_path_buf(),
        output: Some(out.clone()),
        base_url: Some("http://10.1.2.3/jyjl/".into()),
        ..Default::default()
    });
    assert!(r.is_ok(), "{:?}", d.sorted());
    validate(
        Command::new("jing")
            .arg("-c")
            .arg(&atom)
            .arg(out.join("atom.xml")),
    )
    .unwrap();
    let text = std::fs::read_to_string(out.join("atom.xml")).unwrap();
    for v in values(&text, "<id>", "</id>")
        .into_iter()
        .chain(values(&text, "href=\"", "\""))
    {
        assert!(v.starts_with("http://10.1.2.3/jyjl/"), "{v}");
    }
    validate(
        Command::new("xmllint")
            .args(["--noout", "--schema"])
            .arg(&sitemap)
            .arg(out.join("sitemap.xml")),
    )
    .unwrap();
    let map = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    let report = map
        .split("<url>")
        .find(|u| u.contains("reports/2025/jingzhong-one-town-one-brand/"))
        .expect("a report in the sitemap");
    assert!(report.contains("<lastmod>2025-"), "{report}");
}

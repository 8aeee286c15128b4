//! The sample site, built for real into a temporary directory.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use common::{TempSite, attr_values, files, percent_decode};

fn built() -> TempSite {
    let s = TempSite::sample();
    s.build_ok();
    s
}

#[test]
fn every_kind_of_url_exists() {
    let s = built();
    for p in [
        "",
        "reports",
        "reports/page/2",
        "reports/2025/jingzhong-one-town-one-brand",
        "towns",
        "towns/jingzhong",
        "belts",
        "belts/qiyun-culture",
        "alliances",
        "alliances/shiyan-zhongxue",
        "years",
        "years/2024",
        "tags",
        "tags/qiang-zhen-zhu-ji",
        "kinds",
        "kinds/jing-yan-jiao-liu",
        "regions",
        "about",
    ] {
        s.page(p);
    }
    for f in [
        "404.html",
        "atom.xml",
        "assets/style.css",
        "assets/favicon.svg",
    ] {
        assert!(s.out().join(f).is_file(), "{f} missing");
    }
    // `base_url: /` is not a full address: a sitemap would be invalid.
    assert!(!s.out().join("sitemap.xml").exists());
}

#[test]
fn chinese_file_names_get_pinyin_urls_and_slug_overrides_win() {
    let s = built();
    s.page("reports/2024/zai-quan-shi-qiang-zhen-zhu-ji-tui-jin-hui-shang-de-jiao-liu-fa-yan");
    s.page("reports/2024/2024-data-reporting");
    assert!(!s.out().join("reports/2024/statistics-reporting").exists());
}

/// Reads a report's front matter the simple way, independent of the library.
fn front(text: &str) -> BTreeMap<String, String> {
    let yaml = text
        .strip_prefix("---\n")
        .and_then(|t| t.split("\n---\n").next())
        .unwrap_or("");
    yaml.lines()
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

fn report_sources() -> Vec<(String, BTreeMap<String, String>)> {
    let root = Path::new(common::REPO).join("content/reports");
    files(&root)
        .into_iter()
        .filter(|f| f.ends_with(".md"))
        .map(|f| {
            let text = fs::read_to_string(root.join(&f)).unwrap();
            (f, front(&text))
        })
        .collect()
}

#[test]
fn entity_pages_list_exactly_the_reports_that_reference_them() {
    let s = built();
    let reports = report_sources();
    for (kind, id) in [
        ("towns", "jingzhong"),
        ("belts", "lvye-labour"),
        ("alliances", "zhang-jing-preschool"),
    ] {
        let page = s.page(&format!("{kind}/{id}"));
        let section = page
            .split("class=\"reverse\"")
            .nth(1)
            .expect("reverse section");
        let mut expected = 0;
        for (file, fm) in &reports {
            let title = fm["title"].trim_matches('"');
            let refs = fm.get(kind).cloned().unwrap_or_default();
            let listed = refs
                .trim_matches(|c| c == '[' || c == ']')
                .split(',')
                .any(|x| x.trim() == id);
            let draft = fm.get("draft").is_some_and(|d| d == "true");
            if listed && !draft {
                expected += 1;
                assert!(section.contains(title), "{kind}/{id} should list {file}");
            } else {
                assert!(
                    !section.contains(&format!(">{title}<")),
                    "{kind}/{id} should not list {file}"
                );
            }
        }
        assert!(expected > 0, "{id} has no reports in the sample");
    }
}

#[test]
fn drafts_are_left_out_unless_asked() {
    let s = built();
    let draft = report_sources()
        .into_iter()
        .find(|(_, fm)| fm.get("draft").is_some_and(|d| d == "true"))
        .expect("sample has a draft");
    let title = draft.1["title"].clone();
    let all: String = files(&s.out())
        .iter()
        .filter(|f| f.ends_with(".html"))
        .map(|f| fs::read_to_string(s.out().join(f)).unwrap())
        .collect();
    assert!(!all.contains(&title), "draft published");

    let (r, _) = huiwen::build(&huiwen::BuildOptions {
        root: s.root().to_path_buf(),
        output: Some(s.root().join("with-drafts")),
        drafts: true,
        ..Default::default()
    });
    r.expect("build with drafts");
    assert!(
        fs::read_to_string(s.root().join("with-drafts/reports/index.html"))
            .unwrap()
            .contains(&title)
            || fs::read_to_string(s.root().join("with-drafts/reports/page/2/index.html"))
                .unwrap()
                .contains(&title)
    );
}

#[test]
fn every_relative_link_resolves_to_a_file_in_the_output() {
    let s = built();
    let out = s.out();
    let mut checked = 0;
    for f in files(&out)
        .iter()
        .filter(|f| f.ends_with(".html") && *f != "404.html")
    {
        let html = fs::read_to_string(out.join(f)).unwrap();
        let dir = out.join(f).parent().unwrap().to_path_buf();
        for url in attr_values(&html, "href")
            .into_iter()
            .chain(attr_values(&html, "src"))
        {
            if url.starts_with('#') || url.contains("://") || url.starts_with("mailto:") {
                continue;
            }
            assert!(
                !url.starts_with('/'),
                "{f}: absolute link {url} breaks file:// and sub-paths"
            );
            let path = url.split(['#', '?']).next().unwrap();
            let target = dir.join(percent_decode(path));
            assert!(target.is_file(), "{f}: link {url} points at nothing");
            checked += 1;
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn home_page_counts_match_the_content() {
    let s = built();
    let home = s.page("");
    let published = report_sources()
        .iter()
        .filter(|(_, fm)| fm.get("draft").is_none_or(|d| d != "true"))
        .count();
    let count = |key: &str| -> usize {
        let pat = format!("data-count=\"{key}\">");
        let rest = home
            .split(&pat)
            .nth(1)
            .unwrap_or_else(|| panic!("{key} missing"));
        rest.split('<').next().unwrap().parse().unwrap()
    };
    assert_eq!(count("reports"), published);
    let yaml_count = |dir: &str, needle: &str| -> usize {
        files(&Path::new(common::REPO).join("content").join(dir))
            .iter()
            .map(|f| {
                fs::read_to_string(Path::new(common::REPO).join("content").join(dir).join(f))
                    .unwrap()
            })
            .map(|t| {
                t.lines()
                    .filter(|l| l.trim().trim_start_matches("- ").starts_with(needle))
                    .count()
            })
            .sum()
    };
    assert_eq!(count("towns"), yaml_count("towns", "id:"));
    assert_eq!(count("level-省级"), yaml_count("towns", "level: 省级"));
    assert_eq!(count("level-市级"), yaml_count("towns", "level: 市级"));
    assert_eq!(count("level-县级"), yaml_count("towns", "level: 县级"));
    assert_eq!(count("belts"), yaml_count("belts", "id:"));
    assert_eq!(count("alliances"), yaml_count("alliances", "id:"));
}

#[test]
fn entity_stats_table_shows_the_yaml_values_with_units() {
    let s = built();
    let yaml =
        fs::read_to_string(Path::new(common::REPO).join("content/towns/jingzhong.yaml")).unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
    let teachers = doc["stats"]["2025"]["teachers"].as_f64().unwrap();
    let page = s.page("towns/jingzhong");
    let table = page.split("stats-table").nth(1).unwrap();
    assert!(table.contains("教师数<small>（名）</small>"));
    let row = table
        .split("<th scope=\"row\">2025</th>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    let shown = huiwen::base::num::format_number(teachers);
    assert!(row.contains(&format!("<td>{shown}</td>")), "{row}");
    // Links between entities both ways: the town names its belt, the belt lists the town.
    assert!(page.contains("belts/qiyun-culture/index.html"));
    assert!(
        s.page("belts/qiyun-culture")
            .contains("towns/jingzhong/index.html")
    );
}

#[test]
fn soft_line_breaks_between_chinese_characters_disappear() {
    let s = built();
    let html = s.page("reports/2023/jingzhong-pilot-start");
    let prose = html.split("class=\"prose\"").nth(1).unwrap();
    let chars: Vec<char> = prose.chars().collect();
    for w in chars.windows(3) {
        let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || "，。、；：".contains(c);
        assert!(
            !(cjk(w[0]) && w[1] == '\n' && cjk(w[2])),
            "line break kept in {}{}",
            w[0],
            w[2]
        );
    }
}

#[test]
fn report_page_has_metadata_links_and_neighbours() {
    let s = built();
    let html = s.page("reports/2025/jingzhong-one-town-one-brand");
    for needle in [
        "2025-03-18",
        "敬仲镇中心学校",
        "towns/jingzhong/index.html",
        "belts/qiyun-culture/index.html",
        "alliances/shiyan-zhongxue/index.html",
        "tags/qiang-zhen-zhu-ji/index.html",
        "rel=\"prev\"",
        "rel=\"next\"",
        "id=\"一一校一品四个特色项目的生长路径\"",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
}

#[test]
fn folder_reports_carry_their_attachments() {
    let s = built();
    let dir = s.out().join("reports/2025/puhui-preschool-belt");
    assert!(dir.join("附件1-数据表.csv").is_file());
    assert!(
        s.page("reports/2025/puhui-preschool-belt")
            .contains("class=\"attachments\"")
    );
}

#[test]
fn feed_and_sitemap_use_the_base_url_sub_path() {
    let s = TempSite::sample();
    let (r, d) = huiwen::build(&huiwen::BuildOptions {
        root: s.root().to_path_buf(),
        base_url: Some("http://10.1.2.3/jyjl".into()),
        ..Default::default()
    });
    assert!(r.is_ok(), "{:?}", d.sorted());
    let sitemap = fs::read_to_string(s.out().join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>http://10.1.2.3/jyjl/towns/jingzhong/</loc>"));
    let feed = fs::read_to_string(s.out().join("atom.xml")).unwrap();
    assert!(feed.contains("http://10.1.2.3/jyjl/reports/"));
    // Pages themselves link relatively: the same output works under any sub-path.
    assert!(!s.page("towns/jingzhong").contains("href=\"/"));
    // The 404 page is served at any depth: it links from the base path,
    // and carries its styles (a server may not know the sub-path).
    let nf = fs::read_to_string(s.out().join("404.html")).unwrap();
    assert!(nf.contains("href=\"/jyjl/index.html\""));
    assert!(nf.contains("<style>") && !nf.contains("assets/style.css\""));
}

#[test]
fn builds_are_deterministic() {
    let s = TempSite::sample();
    let opts = |o: &str| huiwen::BuildOptions {
        root: s.root().to_path_buf(),
        output: Some(s.root().join(o)),
        ..Default::default()
    };
    huiwen::build(&opts("a")).0.unwrap();
    huiwen::build(&opts("b")).0.unwrap();
    let (a, b) = (files(&s.root().join("a")), files(&s.root().join("b")));
    assert_eq!(a, b);
    for f in &a {
        assert_eq!(
            fs::read(s.root().join("a").join(f)).unwrap(),
            fs::read(s.root().join("b").join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn unchanged_files_keep_their_modification_time() {
    let s = built();
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    let set = |rel: &str| {
        let f = fs::File::options()
            .write(true)
            .open(s.out().join(rel))
            .unwrap();
        f.set_modified(old).unwrap();
    };
    set("towns/jingzhong/index.html");
    set("reports/2023/2023-work-points/index.html");
    let path = s.root().join("content/reports/2023/2023-work-points.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("\n\n", "\n\n新增的一句话。\n\n", 1)).unwrap();
    s.build_ok();
    let mtime = |rel: &str| fs::metadata(s.out().join(rel)).unwrap().modified().unwrap();
    assert_eq!(mtime("towns/jingzhong/index.html"), old);
    assert_ne!(mtime("reports/2023/2023-work-points/index.html"), old);
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let s = built();
    let before: Vec<(String, Vec<u8>)> = files(&s.out())
        .into_iter()
        .map(|f| {
            let b = fs::read(s.out().join(&f)).unwrap();
            (f, b)
        })
        .collect();
    s.write("content/towns/broken.yaml", "id: broken\nname: [unclosed\n");
    s.build_err();
    let after: Vec<(String, Vec<u8>)> = files(&s.out())
        .into_iter()
        .map(|f| {
            let b = fs::read(s.out().join(&f)).unwrap();
            (f, b)
        })
        .collect();
    assert_eq!(before, after);
    let leftovers: Vec<_> = fs::read_dir(s.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("huiwen-"))
        .collect();
    // The lock file stays (removing it would race with a waiting build).
    assert_eq!(leftovers, [".output.huiwen-lock"], "staging left behind");
}

#[test]
fn a_killed_build_leaves_staging_that_the_next_build_cleans() {
    let s = built();
    let staging = s.root().join(".output.huiwen-staging");
    fs::create_dir_all(staging.join("half")).unwrap();
    fs::write(staging.join("half/index.html"), "half-written").unwrap();
    s.build_ok();
    assert!(!staging.exists());
    assert!(!s.out().join("half").exists());
}

#[test]
fn gbk_bom_and_crlf_files_are_read() {
    let s = TempSite::minimal();
    let (gbk, _, _) = encoding_rs::GBK
        .encode("---\r\ntitle: 乙镇经验交流\r\ndate: 2025-02-03\r\n---\r\n\r\n正文。\r\n");
    s.write_bytes("content/reports/2025/gbk.md", &gbk);
    s.write_bytes(
        "content/reports/2025/bom.md",
        "\u{feff}---\ntitle: 带BOM的报告\ndate: 2025-02-04\n---\n正文\n".as_bytes(),
    );
    let d = s.build_ok();
    assert!(s.page("reports/2025/gbk").contains("乙镇经验交流"));
    assert!(s.page("reports/2025/bom").contains("带BOM的报告"));
    let w: Vec<_> = d.iter().filter(|w| !w.is_error()).collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].message.contains("GBK") && w[0].file.ends_with("gbk.md"));
}

#[test]
fn ui_strings_and_templates_can_be_overridden_by_the_site() {
    let s = TempSite::minimal();
    s.write(
        "site.yaml",
        "title: 测试站点\nlink_style: pretty\nstrings:\n  reports: 交流材料\n  field_level: 试点级别\nmetrics:\n  teachers: {label: 教师数, unit: 名}\n  funds: {label: 经费, unit: 万元}\n",
    );
    s.write("templates/404.html", "{% extends \"base.html\" %}{% block content %}<p id=\"custom\">自定义 404</p>{% endblock %}");
    s.build_ok();
    let town = s.page("towns/town-a");
    assert!(town.contains(">交流材料</a>"), "nav label not overridden");
    assert!(town.contains("<dt>试点级别</dt>"));
    // Pretty links end in a slash instead of index.html.
    assert!(town.contains("href=\"../../reports/\""), "pretty links");
    assert!(
        fs::read_to_string(s.out().join("404.html"))
            .unwrap()
            .contains("id=\"custom\"")
    );
}

#[test]
fn a_broken_template_override_is_an_error_naming_the_template() {
    let s = TempSite::minimal();
    s.write("templates/page.html", "{% if %}broken");
    let (_, text) = s.build_err();
    assert!(text.contains("page.html"), "{text}");
}

#[test]
fn pages_load_nothing_from_outside_the_site() {
    let s = built();
    let css = fs::read_to_string(s.out().join("assets/style.css")).unwrap();
    assert!(
        !css.contains("@import") && !css.contains("url("),
        "stylesheet loads something"
    );
    for f in files(&s.out()).iter().filter(|f| f.ends_with(".html")) {
        let html = fs::read_to_string(s.out().join(f)).unwrap();
        for tag in [
            "<script", "<link", "<img", "<iframe", "<source", "<video", "<audio",
        ] {
            for (i, _) in html.match_indices(tag) {
                let end = html[i..].find('>').map_or(html.len(), |e| i + e);
                let el = &html[i..end];
                for attr in [" src=\"", " href=\""] {
                    if let Some(v) = el.split(attr).nth(1) {
                        let lower = v.to_ascii_lowercase();
                        assert!(
                            !(lower.starts_with("http") || lower.starts_with("//")),
                            "{f}: external resource {el}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn search_false_builds_no_index_page_or_box() {
    let s = TempSite::sample();
    let yaml = s.read("site.yaml");
    s.build_ok();
    assert!(s.out().join("search/index.js").is_file());
    assert!(s.page("").contains("class=\"site-search\""));
    s.write("site.yaml", &format!("{yaml}\nsearch: false\n"));
    s.build_ok();
    assert!(!s.out().join("search").exists(), "search/ still written");
    let home = s.page("");
    assert!(!home.contains("site-search"), "search box still shown");
    assert!(
        !home.contains("search/"),
        "a link to the search page remains"
    );
    // Anything but a boolean is an error at its line.
    s.write("site.yaml", &format!("{yaml}\nsearch: 关闭\n"));
    let (_, text) = s.build_err();
    assert!(
        text.contains("site.yaml") && text.contains("search"),
        "{text}"
    );
}

/// A rebuild reuses every unchanged file of the previous output (the same
/// inode, so nothing is written or freed for it) and writes the rest.
#[cfg(unix)]
#[test]
fn a_rebuild_links_unchanged_files_and_rewrites_changed_ones() {
    use std::os::unix::fs::MetadataExt as _;
    let s = built();
    let ino = |rel: &str| fs::metadata(s.out().join(rel)).unwrap().ino();
    let before: Vec<(String, u64)> = files(&s.out())
        .into_iter()
        .map(|rel| {
            let i = ino(&rel);
            (rel, i)
        })
        .collect();
    let path = s.root().join("content/reports/2023/2023-work-points.md");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replacen("\n\n", "\n\n新增的一句话。\n\n", 1)).unwrap();
    s.build_ok();
    let changed: Vec<&str> = before
        .iter()
        .filter(|(rel, i)| ino(rel) != *i)
        .map(|(rel, _)| rel.as_str())
        .collect();
    assert!(changed.contains(&"reports/2023/2023-work-points/index.html"));
    assert!(!changed.contains(&"towns/jingzhong/index.html"));
    assert!(!changed.contains(&"assets/search.js"));
    // The edit reaches the report, lists showing its summary, the feed and
    // the search index: a few dozen files of the site's hundreds.
    assert!(
        changed.len() * 5 < before.len(),
        "{} of {} files rewritten: {changed:?}",
        changed.len(),
        before.len()
    );
    for rel in &changed {
        assert_eq!(fs::metadata(s.out().join(rel)).unwrap().nlink(), 1);
    }
}

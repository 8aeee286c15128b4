//! Search in a real browser, checked against an oracle of its own.
//!
//! The sample site, plus reports written to hit every rule (formatting
//! boundaries, a table, a raw HTML block, an image, a footnote, a code
//! block, mixed scripts, punctuation, Traditional text, a summary the page
//! does not show), is built and opened in Debian's Chromium (headless,
//! through chromedriver) over http under a sub-path and from `file://`.
//!
//! The oracle does not use the index's text: it opens every report and
//! entity page and takes the text the page shows (`innerText` of the title,
//! the header fields, the tags and the body; of an entity's name, profile,
//! projects, summary and linked names), then answers each query by folded
//! substring search over those lines with the README's rules (whole words
//! for letters and digits, punctuation literal, a space never matches a line
//! break). Every result set must equal the oracle's, and the ranking must
//! put the entity or title the query names first.
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
use browser::{connect_firefox, firefox};
use common::{TempSite, percent_decode};
use fantoccini::{Client, Locator, key::Key};
use huiwen::diag::Diagnostics;
use huiwen::search::fold::fold;
use huiwen::search::tokenize::is_word;

/// A page as a reader sees it.
#[derive(Debug)]
struct Page {
    url: String,
    title: String,
    entity: bool,
    /// Title and field values, folded, one per line.
    fields: Vec<String>,
    /// Every line of visible text (fields included), folded.
    lines: Vec<String>,
    filters: Vec<(&'static str, String)>,
}

const FORMAT: &str = r#"---
title: 义务教育优质均衡推进纪实
date: 2025-06-01
author: 测试科
region: 临淄区
kind: 经验交流
tags: [强镇筑基]
summary: 摘要里独有的句子只在列表页出现
---

**义务**教育优质均衡是本文的主题，我们推进*优质*均衡。
这一行和上一行之间的换行在中文里不算空格。

XX中学与XXX中学结对帮扶。名校+强校共建。
C++ 课程与 html5 课堂，5G网络覆盖，2025年完成验收。
点赞👍，什么都行。看著和看着。乾坤与幹部。

| 甲组 | 乙组 |
| --- | --- |
| 表格单元文字 | 第二格 |

<div class="note">原样保留的区块文字</div>

![图片替代说明文字](data:image/gif;base64,R0lGODlhAQABAAAAACw=)

脚注在这里[^1]。

[^1]: 脚注定义里的文字

```yaml
title: 代码块里的配置
```
"#;

const TRADITIONAL: &str = r#"---
title: 學校管理經驗（繁體稿）
date: 2024-05-05
region: 临淄区
kind: 经验交流
tags: [義務, 教育, 優質, 均衡]
---

香港學校管理經驗交流，談到義務教育優質均衡發展。什麼是好學校？
"#;

const DECOY: &str = r#"---
title: 敬仲镇课后服务工作纪要
date: 2023-09-09
region: 临淄区
kind: 会议纪要
tags: [课后服务]
---

加入VIP免费下载 立即下载

XXX中学的做法值得推广；XX 另有安排。名校共同体建设。幺妹。
"#;

fn fixtures(site: &TempSite) {
    site.write("content/reports/2025/oracle-format.md", FORMAT);
    site.write("content/reports/2024/oracle-traditional.md", TRADITIONAL);
    site.write("content/reports/2023/oracle-decoy.md", DECOY);
    // A report whose last words are deep in a long text.
    let filler = "本段介绍常规工作情况，内容从略。".repeat(120);
    site.write(
        "content/reports/2025/chang-wen.md",
        &format!(
            "---\ntitle: 一份很长的材料\ndate: 2025-03-01\n---\n\n{filler}\n\n尾段独有的示范短语，还有鹭鸶。\n"
        ),
    );
    // A bullet from a PDF's symbol font, in the private use area: its pack
    // stays UTF-8 (no stable GB18030 form), read by the other decoder.
    site.write(
        "content/reports/2022/oracle-pua.md",
        "---\ntitle: 复制自文档的要点\ndate: 2022-06-06\n---\n\n\u{F0B7} 私用区残留之后的课程表。\n",
    );
}

/// The text of the page at `url`, as the reader sees it.
async fn read_page(c: &Client, url: &str) -> (String, bool, Vec<String>, Vec<String>) {
    c.goto(url).await.expect("goto");
    let v = js(
        c,
        r#"
        var t = function (e) { return e ? e.innerText : ''; };
        var art = document.querySelector('article');
        var r = {fields: [], body: [], entity: !art.classList.contains('report')};
        var h1 = art.querySelector('h1').cloneNode(true);
        h1.querySelectorAll('.badge').forEach(function (b) { b.remove(); });
        r.title = h1.textContent.trim();
        r.fields.push(r.title);
        if (!r.entity) {
          art.querySelectorAll('.meta-grid dd, .tags a').forEach(function (e) { r.fields.push(t(e)); });
          r.body.push(t(art.querySelector('.prose')));
        } else {
          art.querySelectorAll('.fields dd, .features h3, .features p.muted').forEach(function (e) { r.fields.push(t(e)); });
          r.body.push(t(art.querySelector('.lead')));
          art.querySelectorAll('.features li > p:not(.muted)').forEach(function (e) { r.body.push(t(e)); });
          art.querySelectorAll('section').forEach(function (s) {
            if (s.matches('.stats, .charts, .reverse')) return;
            s.querySelectorAll('.card strong').forEach(function (e) { r.body.push(t(e)); });
          });
        }
        return r;
        "#,
    )
    .await;
    let strings = |k: &str| -> Vec<String> {
        serde_json::from_value(v[k].clone()).expect("strings from the page")
    };
    (
        v["title"].as_str().unwrap_or("").to_owned(),
        v["entity"] == true,
        strings("fields"),
        strings("body"),
    )
}

/// `innerText` → folded lines: a table cell is a line of its own, runs of
/// white space are one space, empty lines go.
fn folded_lines(texts: &[String]) -> Vec<String> {
    texts
        .iter()
        .flat_map(|t| t.split(['\n', '\t']))
        .map(|l| fold(l).split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

/// A query's terms as the README defines them: split at white space, a
/// quoted phrase kept whole, folded, sentence marks at the ends dropped;
/// terms without a letter, digit or CJK character are ignored.
fn terms(query: &str) -> Vec<String> {
    let mut raw = Vec::new();
    let mut rest = query;
    loop {
        rest = rest.trim_start();
        let Some(c) = rest.chars().next() else { break };
        let close = match c {
            '"' => Some('"'),
            '“' => Some('”'),
            _ => None,
        };
        if let Some(close) = close {
            let inner = &rest[c.len_utf8()..];
            let end = inner.find(close).unwrap_or(inner.len());
            raw.push(inner[..end].to_owned());
            rest = inner.get(end + close.len_utf8()..).unwrap_or("");
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            raw.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    let marks = |c: char| c.is_whitespace() || ",;:!?。、…⋯".contains(c);
    raw.iter()
        .map(|t| fold(t).split_whitespace().collect::<Vec<_>>().join(" "))
        .map(|t| t.trim_matches(marks).to_owned())
        .filter(|t| t.chars().any(|c| c.is_alphanumeric()))
        .collect()
}

/// Whether `term` occurs in `line` (both folded), whole words at its ends.
fn occurs(line: &str, term: &str) -> bool {
    let l: Vec<char> = line.chars().collect();
    let t: Vec<char> = term.chars().collect();
    let (Some(&first), Some(&last)) = (t.first(), t.last()) else {
        return false;
    };
    (0..l.len().saturating_sub(t.len() - 1)).any(|i| {
        l[i..i + t.len()] == t[..]
            && !(is_word(first) && i > 0 && is_word(l[i - 1]))
            && !(is_word(last) && l.get(i + t.len()).is_some_and(|&c| is_word(c)))
    })
}

fn oracle(pages: &[Page], query: &str, filters: &[(&str, &str)]) -> BTreeSet<String> {
    let ts = terms(query);
    pages
        .iter()
        .filter(|p| {
            ts.iter().all(|t| p.lines.iter().any(|l| occurs(l, t)))
                && filters
                    .iter()
                    .all(|(f, v)| p.filters.iter().any(|(pf, pv)| pf == f && pv == v))
        })
        .map(|p| p.url.clone())
        .collect()
}

fn set(v: &[String]) -> BTreeSet<String> {
    v.iter().cloned().collect()
}

/// The sample site with the fixtures, built; the URL and filter values of
/// every report and entity page.
type DocList = Vec<(String, Vec<(&'static str, String)>)>;

fn built_site() -> (TempSite, DocList) {
    let site = TempSite::sample();
    fixtures(&site);
    site.build_ok();
    let packs = std::fs::read_dir(site.out().join("search/d")).expect("packs");
    let utf8 = packs
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .filter(|t| t.ends_with(",\"utf-8\");\n"))
        .count();
    assert_eq!(utf8, 1, "one pack (the private-use bullet) stays UTF-8");
    let mut diags = Diagnostics::new();
    let (model, _) =
        huiwen::pipeline::prepare_once(site.root(), &huiwen::pipeline::Plan::default(), &mut diags)
            .expect("sample site loads");
    let mut docs = Vec::new();
    for r in &model.reports {
        let mut f = vec![
            ("type", "report".to_owned()),
            ("year", r.year.to_string()),
            ("kind", r.kind.name.clone()),
        ];
        f.extend(r.region.iter().map(|g| ("region", g.name.clone())));
        f.extend(r.tags.iter().map(|t| ("tag", t.name.clone())));
        docs.push((r.path.as_str().to_owned(), f));
    }
    for e in &model.entities.all {
        let mut f = vec![("type", e.kind.as_str().to_owned())];
        if let huiwen::model::entities::Detail::Town { level, county, .. } = &e.detail {
            f.push(("level", level.label().to_owned()));
            if !county.is_empty() {
                f.push(("region", county.clone()));
            }
        }
        docs.push((e.path.as_str().to_owned(), f));
    }
    (site, docs)
}

/// The oracle's pages: every report and entity page, read in the browser.
async fn read_pages(c: &Client, file: &str, docs: DocList) -> Vec<Page> {
    let mut pages = Vec::new();
    for (url, filters) in docs {
        let (title, entity, fields, body) = read_page(c, &format!("{file}{url}index.html")).await;
        let fields = folded_lines(&fields);
        let mut lines = fields.clone();
        lines.extend(folded_lines(&body));
        pages.push(Page {
            url,
            title: fold(&title),
            entity,
            fields,
            lines,
            filters,
        });
    }
    pages
}

/// Every query class: the page gives exactly the oracle's set.
const QUERIES: &[&str] = &[
    // Substrings across word boundaries; Traditional and Simplified.
    "业合",
    "义务教育",
    "義務教育",
    "义务教育优质均衡",
    "學校管理",
    // Across formatting (bold, emphasis) and a CJK line break.
    "义务教育优质均衡是本文的主题",
    "我们推进优质均衡",
    "上一行之间",
    "不算空格这一行",
    // Mixed Latin/digits and Chinese: exact sequences, whole words.
    "XX中学",
    "XXX中学",
    "xx",
    "5G网络",
    "5g",
    "2025年",
    "２０２５年",
    "html",
    "html5",
    // Punctuation is literal.
    "名校+",
    "名校",
    "C++",
    "c",
    "杏林镇，",
    // Tables, raw HTML, footnotes, code: what the page shows.
    "表格单元文字",
    "甲组乙组",
    "原样保留的区块文字",
    "脚注定义里的文字",
    "代码块里的配置",
    "立即下载",
    // Not shown on the page: alt text, the list-only summary.
    "图片替代说明文字",
    "摘要里独有的句子",
    // Folding exceptions.
    "幺",
    "么",
    "什么",
    "著",
    "着",
    "干",
    "乾坤",
    // AND, phrases, a long report's tail.
    "义务教育 学前",
    "\"名校+强校\" 课堂",
    "尾段独有的示范短语",
    "鹭鸶",
    // In the one UTF-8 pack, and in a GB18030 one.
    "私用区残留",
    "课程表",
    // Entities: names, profile values, projects, linked names.
    "敬仲",
    "敬仲镇",
    "杏林镇",
    "临淄区",
    "以美育德",
    "七彩少年宫",
    "优质均衡发展",
    "学前教育普及普惠",
];

async fn assert_queries(c: &Client, base: &str, pages: &[Page]) {
    for &query in QUERIES {
        let url = format!("{base}search/index.html?q={}", enc(query));
        let hits = search(c, &url).await;
        let want = oracle(pages, query, &[]);
        assert_eq!(set(&hits), want, "query {query} at {base}");
        assert_eq!(hits.len(), want.len(), "no duplicates: {query}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_in_a_real_browser() {
    let Some((chromium, chromedriver)) = browser() else {
        return;
    };
    let (site, docs) = built_site();
    let out = site.out();
    let http = format!("http://127.0.0.1:{}{SUB_PATH}", serve(out.clone()));
    let file = format!("file://{}/", out.display());
    let (_driver, port) = start_driver(&chromedriver);
    let profile = tempfile::tempdir().expect("profile dir");
    let c = connect(port, &chromium, profile.path()).await;
    let pages = read_pages(&c, &file, docs).await;
    let page = |base: &str, query: &str| format!("{base}search/index.html?{query}");
    let q = |s: &str| format!("q={}", enc(s));
    assert_queries(&c, &http, &pages).await;

    // Spot checks that the oracle itself sees what it should.
    for (query, url, found) in [
        ("XX中学", "reports/2023/oracle-decoy/", false),
        ("XX中学", "reports/2025/oracle-format/", true),
        ("名校+", "reports/2023/oracle-decoy/", false),
        ("图片替代说明文字", "reports/2025/oracle-format/", false),
        ("原样保留的区块文字", "reports/2025/oracle-format/", true),
        ("幺", "reports/2025/oracle-format/", false),
        ("义务教育优质均衡", "reports/2024/oracle-traditional/", true),
    ] {
        assert_eq!(
            oracle(&pages, query, &[]).contains(url),
            found,
            "oracle: {query} in {url}"
        );
    }

    // Ranking: the entity or title the query names comes first; whole terms
    // in titles and fields before body matches; pieces of a term in the
    // fields do not count.
    let hits = search(&c, &page(&http, &q("敬仲"))).await;
    assert_eq!(hits[0], "towns/jingzhong/", "{hits:?}");
    assert_eq!(hits[1], "reports/2023/oracle-decoy/", "{hits:?}");
    let hits = search(&c, &page(&http, &q("敬仲镇"))).await;
    assert_eq!(hits[0], "towns/jingzhong/", "{hits:?}");
    let hits = search(&c, &page(&http, &q("义务教育优质均衡推进纪实"))).await;
    assert_eq!(hits, ["reports/2025/oracle-format/"]);
    for query in [
        "义务教育优质均衡",
        "義務教育優質均衡",
        "学校管理",
        "义务教育",
        "杏林镇",
    ] {
        let hits = search(&c, &page(&http, &q(query))).await;
        let term = &terms(query)[0];
        let by_url = |u: &String| pages.iter().find(|p| &p.url == u).expect("page");
        let class = |u: &String| {
            let p = by_url(u);
            if &p.title == term {
                0
            } else if p.title.starts_with(term.as_str()) {
                if p.entity { 1 } else { 2 }
            } else if p.fields.iter().any(|f| occurs(f, term)) {
                3
            } else {
                4
            }
        };
        let classes: Vec<u8> = hits.iter().map(class).collect();
        assert!(
            classes.windows(2).all(|w| w[0] <= w[1]),
            "{query}: title, then fields, then body: {hits:?} {classes:?}"
        );
    }
    let hits = search(&c, &page(&http, &q("义务教育优质均衡"))).await;
    assert_eq!(hits[0], "reports/2025/oracle-format/", "{hits:?}");

    // Results people can read: a location, not a path; an excerpt from the
    // prose, with the match marked.
    search(&c, &page(&http, &q("义务教育优质均衡推进纪实"))).await;
    let meta = js(
        &c,
        "return document.querySelector('[data-url=\"reports/2025/oracle-format/\"] .search-location').textContent;",
    )
    .await;
    assert_eq!(meta, "报告 › 2025年 › 经验交流");
    let excerpt = js(
        &c,
        "return document.querySelector('[data-url=\"reports/2025/oracle-format/\"] .search-excerpt').textContent;",
    )
    .await;
    let excerpt = excerpt.as_str().unwrap_or("");
    assert!(
        excerpt.starts_with("义务教育优质均衡是本文的主题"),
        "{excerpt}"
    );
    // Pasted-web residue is searchable but never the excerpt of prose.
    search(&c, &page(&http, &q("敬仲镇课后服务工作纪要"))).await;
    let excerpt = js(
        &c,
        "return document.querySelector('[data-url=\"reports/2023/oracle-decoy/\"] .search-excerpt').textContent;",
    )
    .await;
    let excerpt = excerpt.as_str().unwrap_or("");
    assert!(excerpt.starts_with("XXX中学的做法"), "{excerpt}");
    let hits = search(&c, &page(&http, &q("立即下载"))).await;
    assert!(
        hits.contains(&"reports/2023/oracle-decoy/".to_owned()),
        "{hits:?}"
    );
    search(&c, &page(&http, &q("杏林镇"))).await;
    let meta = js(
        &c,
        "return document.querySelector('[data-url=\"towns/xinglin/\"] .search-location').textContent;",
    )
    .await;
    assert!(
        meta.as_str().unwrap_or("").starts_with("试点镇 › "),
        "{meta}"
    );
    search(&c, &page(&http, &q("義務教育"))).await;
    let marked = js(
        &c,
        "return document.querySelector('[data-url=\"reports/2024/oracle-traditional/\"] .search-excerpt mark').textContent;",
    )
    .await;
    assert_eq!(marked, "義務教育", "the Traditional text is highlighted");
    for query in ["尾段独有的示范短语", "鹭鸶"] {
        search(&c, &page(&http, &q(query))).await;
        let mark = js(
            &c,
            "return document.querySelector('[data-url=\"reports/2025/chang-wen/\"] .search-excerpt mark').textContent;",
        )
        .await;
        assert_eq!(mark, query, "the excerpt is cut around the match");
    }

    // Counts: exact when the grams prove every hit; otherwise a range that
    // holds the true count.
    search(&c, &page(&http, &q("教育"))).await;
    let n = oracle(&pages, "教育", &[]).len();
    assert_eq!(status(&c).await, format!("找到 {n} 条结果"));
    for query in ["XX中学", "义务教育", "义务教育优质均衡", "名校+"] {
        search(&c, &page(&http, &q(query))).await;
        let s = status(&c).await;
        let n = oracle(&pages, query, &[]).len();
        let exact = format!("找到 {n} 条结果");
        let in_range = s
            .strip_prefix("找到 ")
            .and_then(|r| r.split(" 条结果").next())
            .and_then(|r| r.split_once('–'))
            .and_then(|(lo, hi)| Some((lo.parse::<usize>().ok()?, hi.parse::<usize>().ok()?)))
            .is_some_and(|(lo, hi)| lo <= n && n <= hi);
        assert!(s == exact || in_range, "{query}: {s} (true count {n})");
    }

    // Punctuation-only and emoji-only queries: no results, a hint.
    for query in ["+++", "👍", "，。"] {
        let hits = search(&c, &page(&http, &q(query))).await;
        assert!(hits.is_empty(), "{query}: {hits:?}");
        let hint = js(
            &c,
            "return document.getElementById('search-hint').textContent;",
        )
        .await;
        assert!(
            hint.as_str().unwrap_or("").contains(query.trim()),
            "{query}: {hint}"
        );
    }
    // The empty page offers tags and kinds to search.
    search(&c, &page(&http, "")).await;
    let examples = js(
        &c,
        "return Array.from(document.querySelectorAll('#search-examples a')).map(function (a) { return a.getAttribute('href'); });",
    )
    .await;
    let examples: Vec<String> = serde_json::from_value(examples).expect("links");
    assert!(
        examples.iter().any(|h| h.starts_with("?tag=")),
        "{examples:?}"
    );
    c.goto(&format!("{http}search/index.html{}", examples[0]))
        .await
        .expect("goto");
    assert!(!all_hits(&c).await.is_empty(), "an example finds something");

    // Filters: each value's count is the number of hits it gives alone;
    // 试点镇级别 selects towns; they combine with a query.
    for f in ["type", "kind", "region", "level", "year"] {
        let options = js(
            &c,
            &format!(
                "return Array.from(document.querySelectorAll('#search-{f} option')).filter(function (o) {{ return o.value; }}).map(function (o) {{ return [o.value, o.textContent]; }});"
            ),
        )
        .await;
        let options: Vec<(String, String)> = serde_json::from_value(options).expect("options");
        assert!(!options.is_empty(), "{f}");
        for (value, label) in options {
            let hits = search(&c, &page(&http, &format!("{f}={}", enc(&value)))).await;
            assert!(
                label.ends_with(&format!("（{}）", hits.len())),
                "{f}={value}: {label} vs {hits:?}"
            );
            assert_eq!(
                set(&hits),
                oracle(&pages, "", &[(f, &value)]),
                "{f}={value}"
            );
            if f == "level" {
                assert!(hits.iter().all(|u| u.starts_with("towns/")), "{hits:?}");
            }
        }
    }
    let hits = search(
        &c,
        &page(&http, &format!("{}&year=2024", q("义务教育 学前"))),
    )
    .await;
    assert!(!hits.is_empty());
    assert_eq!(
        set(&hits),
        oracle(&pages, "义务教育 学前", &[("year", "2024")])
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
    assert_eq!(set(&typed), oracle(&pages, "农业", &[("year", "2024")]));
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
    assert_eq!(
        all_hits(&c).await,
        search(&c, &page(&http, &q("敬仲镇"))).await
    );

    // The same searches from file://, with the same results in the same order.
    for query in ["业合", "義務教育", "敬仲", "XX中学", "名校+"] {
        let over_http = search(&c, &page(&http, &q(query))).await;
        let from_disk = search(&c, &page(&file, &q(query))).await;
        assert!(!from_disk.is_empty(), "file:// {query}");
        assert_eq!(over_http, from_disk, "file:// {query}");
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

async fn status(c: &Client) -> String {
    let s = js(
        c,
        "return document.getElementById('search-status').textContent;",
    )
    .await;
    s.as_str().unwrap_or("").to_owned()
}

/// The same in Firefox (ESR, through geckodriver), reading the pages for
/// the oracle with Firefox too: every query class over http and from
/// `file://`, the ranking, and a filter.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_in_firefox() {
    let Some((firefox, geckodriver)) = firefox() else {
        return;
    };
    let (site, docs) = built_site();
    let out = site.out();
    let http = format!("http://127.0.0.1:{}{SUB_PATH}", serve(out.clone()));
    let file = format!("file://{}/", out.display());
    let (_driver, port) = start_driver(&geckodriver);
    let c = connect_firefox(port, &firefox).await;
    let pages = read_pages(&c, &file, docs).await;
    assert_queries(&c, &http, &pages).await;
    assert_queries(&c, &file, &pages).await;
    let hits = search(&c, &format!("{file}search/index.html?q={}", enc("敬仲"))).await;
    assert_eq!(hits[0], "towns/jingzhong/", "{hits:?}");
    let hits = search(
        &c,
        &format!("{http}search/index.html?level={}", enc("省级")),
    )
    .await;
    assert!(
        !hits.is_empty() && hits.iter().all(|u| u.starts_with("towns/")),
        "{hits:?}"
    );
    assert_eq!(set(&hits), oracle(&pages, "", &[("level", "省级")]));
    c.close().await.expect("close browser");
}

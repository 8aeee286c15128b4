//! Statistics people read: charts, the overview's sums, figures inside
//! reports, CSV/JSON downloads and links from names.

mod common;

use std::fs;
use std::path::Path;

use common::TempSite;

fn built_sample() -> TempSite {
    let s = TempSite::sample();
    s.build_ok();
    s
}

/// `attr` values of the elements of class `cls` inside `html`.
fn values(html: &str, cls: &str, attr: &str) -> Vec<String> {
    html.split(&format!("class=\"{cls}\""))
        .skip(1)
        .filter_map(|rest| rest.split(&format!(" {attr}=\"")).nth(1))
        .map(|v| v.split('"').next().unwrap().to_owned())
        .collect()
}

fn jingzhong_yaml() -> serde_json::Value {
    let text =
        fs::read_to_string(Path::new(common::REPO).join("content/towns/jingzhong.yaml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

#[test]
fn entity_charts_draw_the_yaml_values() {
    let s = built_sample();
    let page = s.page("towns/jingzhong");
    let yaml = jingzhong_yaml();
    let figure = page
        .split("data-metric=\"teachers\"><svg")
        .nth(1)
        .expect("teachers chart");
    let figure = figure.split("</svg>").next().unwrap();
    let labels = values(figure, "bar", "data-label");
    let vals: Vec<f64> = values(figure, "bar", "data-value")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let heights: Vec<f64> = values(figure, "bar", "height")
        .iter()
        .map(|v| v.parse().unwrap())
        .collect();
    let stats = yaml["stats"].as_object().unwrap();
    assert_eq!(labels.len(), stats.len());
    for (i, (year, row)) in stats.iter().enumerate() {
        assert_eq!(labels[i], *year);
        assert_eq!(vals[i], row["teachers"].as_f64().unwrap());
        // Bars are proportional to their values.
        assert!(
            (heights[i] / heights[0] - vals[i] / vals[0]).abs() < 0.01,
            "{heights:?} {vals:?}"
        );
    }
    assert!(figure.contains("<title id="), "accessible title");
    assert!(figure.contains("<desc id="), "accessible description");
    // A line chart where site.yaml asks for one.
    let cfg = fs::read_to_string(s.root().join("site.yaml")).unwrap();
    s.write(
        "site.yaml",
        &cfg.replace(
            "enrolment_rate: {label: 学前毛入园率, unit: \"%\", weight: students}",
            "enrolment_rate: {label: 学前毛入园率, unit: \"%\", weight: students, chart: line}",
        ),
    );
    s.build_ok();
    let page = s.page("towns/jingzhong");
    let rate = page
        .split("data-metric=\"enrolment_rate\"><svg")
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    assert!(
        rate.contains("<polyline") && rate.contains("class=\"point\""),
        "line chart"
    );
}

/// The 2025 totals over the sample's eight towns, added up by hand from content/towns/*.yaml.
const TOWNS_2025: [(&str, &str); 5] = [
    ("teachers", "2,141"),
    ("students", "27,524"),
    ("funds", "650"),
    ("trainings", "72"),
    ("open_lessons", "114"),
];

fn total_cell(page: &str, kind: &str, metric: &str, year: u16) -> String {
    let table = page
        .split(&format!("data-kind=\"{kind}\" data-metric=\"{metric}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("{kind} {metric} table"));
    let row = table
        .split(&format!("data-year=\"{year}\""))
        .nth(1)
        .unwrap();
    row.split("class=\"total\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn overview_sums_match_the_hand_computed_totals() {
    let s = built_sample();
    let page = s.page("stats");
    for (metric, expected) in TOWNS_2025 {
        assert_eq!(
            total_cell(&page, "town", metric, 2025),
            expected,
            "{metric}"
        );
    }
    assert_eq!(total_cell(&page, "belt", "funds", 2025), "330");
    assert_eq!(total_cell(&page, "belt", "send_teaching", 2025), "72");
    assert_eq!(total_cell(&page, "alliance", "teachers", 2025), "859");
    // Towns by level: 2 provincial, 3 municipal, 3 county.
    for (level, n) in [("省级", 2), ("市级", 3), ("县级", 3)] {
        assert!(
            page.contains(&format!("data-count=\"{level}\">{n}<")),
            "{level}"
        );
    }
    // Everything links down to the entities it sums.
    assert!(page.contains("towns/jingzhong/index.html"));
    assert!(page.contains("alliances/zhang-jing-preschool/index.html"));
    // Year-on-year change is shown, on a comparable basis.
    assert!(page.contains("class=\"change\">+2.39%<small>8 个可比"));
}

#[test]
fn csv_downloads_are_excel_friendly() {
    let s = built_sample();
    let bytes = fs::read(s.out().join("towns/jingzhong/stats.csv")).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert!(
        lines[0].starts_with("类型,ID,名称,年份,学校数（所）,教师数（名）"),
        "{}",
        lines[0]
    );
    let yaml = jingzhong_yaml();
    let y2025 = &yaml["stats"]["2025"];
    let row = lines
        .iter()
        .find(|l| l.starts_with("试点镇,jingzhong,敬仲镇,2025,"))
        .unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells[4], y2025["schools"].as_i64().unwrap().to_string());
    assert_eq!(cells[5], y2025["teachers"].as_i64().unwrap().to_string());
    let json: serde_json::Value =
        serde_json::from_slice(&fs::read(s.out().join("towns/jingzhong/stats.json")).unwrap())
            .unwrap();
    assert_eq!(
        json["stats"]["2025"]["teachers"],
        y2025["teachers"].as_f64().unwrap()
    );
    assert_eq!(json["metrics"][1]["unit"], "名");
    let overview = fs::read(s.out().join("stats/stats.csv")).unwrap();
    assert_eq!(&overview[..3], b"\xEF\xBB\xBF");
    let overview = String::from_utf8_lossy(&overview);
    assert!(overview.contains("\r\n试点镇,jingzhong,敬仲镇,2025,"));
    let oj: serde_json::Value =
        serde_json::from_slice(&fs::read(s.out().join("stats/stats.json")).unwrap()).unwrap();
    let teachers = oj["totals"]["towns"]["teachers"].as_array().unwrap();
    let last = teachers.last().unwrap();
    assert_eq!(last["combined"]["value"], 2141.0);
    assert_eq!(last["combined"]["count"], 8);
}

fn site_with_report(body: &str) -> TempSite {
    let s = TempSite::minimal();
    s.write(
        "content/towns/b.yaml",
        "id: town-b\nname: 乙镇\nlevel: 县级\ncounty: 南河县\nsince: 2024\nstats:\n  2025: {teachers: 30, funds: 2}\n",
    );
    s.write(
        "content/reports/2025/calls.md",
        &format!("---\ntitle: 调用\ndate: 2025-03-01\n---\n\n{body}\n"),
    );
    s
}

#[test]
fn every_call_form_renders() {
    let s = site_with_report(
        "甲镇教师{{ stat(town=\"town-a\", metric=\"teachers\", year=2025) }}，\
         全部试点镇{{ total(metric=\"teachers\", year=2025) }}，\
         县级{{ total(metric=teachers, year=2025, level=县级) }}，\
         南河县{{ total(metric=teachers, year=2025, county=\"南河县\") }}，\
         共{{ count(of=towns) }}试点镇，省级{{ count(of=towns, level=省级) }}，2024年确定{{ count(since=2024) }}。\n\n\
         {{ stat_table(town=\"town-a\") }}\n\n\
         {{ stat_table(metric=\"teachers\", year=2025) }}\n\n\
         {{ stat_chart(town=\"town-a\", metric=\"teachers\") }}\n\n\
         {{ stat_chart(metric=\"teachers\", year=2025) }}\n\n\
         代码里不替换：`{{ stat(town=\"town-a\", metric=\"teachers\", year=2025) }}`\n\n\
         ```\n{{ stat(town=\"nope\") }}\n```",
    );
    s.build_ok();
    let html = s.page("reports/2025/calls");
    let prose = html.split("class=\"prose\"").nth(1).unwrap();
    for needle in [
        "</a>教师12名",
        "全部试点镇42名",
        "县级30名",
        "南河县30名",
        "共2个试点镇",
        "省级1个",
        "2024年确定1个",
        "<caption>甲镇</caption>",
        "<td>5.5</td>",
        "<tfoot><tr><th scope=\"row\">合计</th><td>42</td>",
        "../../../towns/town-b/index.html",
        "class=\"bar\"",
        "<code>{{ stat(town=\"town-a\", metric=\"teachers\", year=2025) }}</code>",
        "{{ stat(town=\"nope\") }}",
    ] {
        assert!(prose.contains(needle), "missing {needle} in\n{prose}");
    }
    // Tables and charts replace their paragraph instead of nesting in it.
    assert!(!prose.contains("<p><div"), "{prose}");
    assert!(!prose.contains("<p><figure"), "{prose}");
    assert_eq!(prose.matches("<svg").count(), 2);
}

#[test]
fn call_errors_name_the_report_line_and_column() {
    let cases = [
        (
            "{{ stat(town=\"town-x\", metric=\"teachers\", year=2025) }}",
            "town-a",
        ),
        (
            "{{ stat(town=\"town-a\", metric=\"teacher\", year=2025) }}",
            "teachers",
        ),
        (
            "{{ stat(town=\"town-a\", metric=\"teachers\", year=2019) }}",
            "2024",
        ),
        ("{{ stats(town=\"town-a\") }}", "stat"),
        (
            "{{ stat(town=\"town-a\", metric=\"teachers\", yaer=2025) }}",
            "year",
        ),
        (
            "{{ total(metric=\"teachers\", year=2025, level=乡级) }}",
            "省级",
        ),
        (
            "{{ stat(town=\"town-a\", metric=\"teachers\" year=2025 }}",
            "",
        ),
    ];
    for (call, hint) in cases {
        let s = site_with_report(&format!("第一行。\n\n前文 {call} 后文"));
        let (d, text) = s.build_err();
        let errs: Vec<_> = d.iter().filter(|d| d.is_error()).collect();
        assert_eq!(errs.len(), 1, "{call}: {text}");
        let e = errs[0];
        assert!(e.file.ends_with("content/reports/2025/calls.md"), "{text}");
        let pos = e.pos.unwrap();
        assert_eq!((pos.line, pos.column), (8, 4), "{call}: {text}");
        if !hint.is_empty() {
            let all = format!("{} {}", e.message, e.hint.clone().unwrap_or_default());
            assert!(all.contains(hint), "{call}: expected hint {hint}: {text}");
        }
    }
}

#[test]
fn first_mentions_of_entity_names_link_to_their_pages() {
    let s = site_with_report(
        "## 甲镇的做法\n\n甲镇和乙镇联合教研，甲镇再次出现。\n\n`甲镇` 在代码里，[乙镇](https://example.org) 在链接里。\n",
    );
    s.build_ok();
    let html = s.page("reports/2025/calls");
    let prose = html.split("class=\"prose\"").nth(1).unwrap();
    assert_eq!(
        prose.matches("towns/town-a/index.html").count(),
        1,
        "{prose}"
    );
    assert!(
        prose
            .contains("<a class=\"autolink\" href=\"../../../towns/town-a/index.html\">甲镇</a>和"),
        "{prose}"
    );
    assert!(
        prose.contains("<a class=\"autolink\" href=\"../../../towns/town-b/index.html\">乙镇</a>"),
        "{prose}"
    );
    assert!(
        prose.contains("<h2 id=\"甲镇的做法\">甲镇的做法</h2>"),
        "heading untouched: {prose}"
    );
    assert!(prose.contains("<code>甲镇</code>"));

    let cfg = s.read("site.yaml");
    s.write("site.yaml", &format!("{cfg}autolink: false\n"));
    s.build_ok();
    assert!(!s.page("reports/2025/calls").contains("class=\"autolink\""));
}

#[test]
fn autolinks_keep_chinese_line_joining() {
    let s = site_with_report("我们与甲镇\n联合开展教研。\n");
    s.build_ok();
    let html = s.page("reports/2025/calls");
    assert!(
        html.contains("甲镇</a>联合开展"),
        "soft break after a link between CJK characters"
    );
}

/// The cell of `class` in the row of `year` of a kind's table of `metric`.
fn cell_of(page: &str, kind: &str, metric: &str, year: u16, class: &str) -> String {
    let table = page
        .split(&format!("data-kind=\"{kind}\" data-metric=\"{metric}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("{kind} {metric} table"));
    let row = table
        .split(&format!("data-year=\"{year}\""))
        .nth(1)
        .unwrap_or_else(|| panic!("{kind} {metric} {year} row"))
        .split("</tr>")
        .next()
        .unwrap();
    let cell = row
        .split(&format!("class=\"{class}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("{class} in {row}"));
    let mut text = String::new();
    let mut in_tag = false;
    for c in cell.split("</td>").next().unwrap().chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// Rates are averaged, weighted by their base, never added up: the sample's
/// enrolment rate (%) is weighted by pupils (`weight: students`).
#[test]
fn a_rate_is_never_summed_anywhere() {
    let s = built_sample();
    let page = s.page("stats");
    // 2025, by hand from content/towns/*.yaml, rate × pupils over pupils:
    // 95.6×5733 + 93.2×4210 + 90.6×2690 + 88.4×1796 + 92.8×4088 + 91.7×3452
    // + 91.0×2915 + 91.5×2640 = 2,545,667; pupils 27,524; 2,545,667 / 27,524 = 92.4889.
    // (The old sum of the rates was 734.8.)
    assert_eq!(total_cell(&page, "town", "enrolment_rate", 2025), "92.49");
    // 2024: 2,516,754.8 / 27,690 = 90.8889.
    assert_eq!(total_cell(&page, "town", "enrolment_rate", 2024), "90.89");
    // A rate's change is in percentage points: 92.4889 − 90.8889 = 1.6.
    assert_eq!(
        cell_of(&page, "town", "enrolment_rate", 2025, "change"),
        "+1.6 个百分点8 个可比"
    );
    assert!(page.contains("加权平均（按在校学生）"));
    assert!(!page.contains("734.8"), "a sum of rates");
    // No percentage over 100 is shown as a figure of the rate.
    let metric = page.split("id=\"metric-enrolment_rate\"").nth(1).unwrap();
    let metric = metric.split("<section class=\"metric\"").next().unwrap();
    for cell in metric.split("class=\"total\">").skip(1) {
        let v: f64 = cell
            .split('<')
            .next()
            .unwrap()
            .replace(',', "")
            .parse()
            .unwrap();
        assert!(v <= 100.0, "{v}");
    }
    // The JSON download says how it combined and gives the weighted mean.
    let oj: serde_json::Value =
        serde_json::from_slice(&fs::read(s.out().join("stats/stats.json")).unwrap()).unwrap();
    let rates = oj["totals"]["towns"]["enrolment_rate"].as_array().unwrap();
    let last = rates.last().unwrap();
    assert!((last["combined"]["value"].as_f64().unwrap() - 92.4889).abs() < 1e-3);
    assert_eq!(last["versus_previous"]["change"]["unit"], "points");
    let m = oj["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "enrolment_rate")
        .unwrap();
    assert_eq!(m["combine"]["method"], "weighted");
    assert_eq!(m["combine"]["weight"], "students");
}

/// Year-on-year change over the towns that reported in both years only.
#[test]
fn year_on_year_change_is_on_a_comparable_basis() {
    let s = built_sample();
    let page = s.page("stats");
    // 学校数: 2022 only 敬仲镇 reported (9); 2023 all eight (56). Comparable:
    // 敬仲镇 9 → 9 = 0%, one town of eight; the set changed. (The old page
    // said +522.22%.)
    assert_eq!(total_cell(&page, "town", "schools", 2022), "9");
    assert_eq!(total_cell(&page, "town", "schools", 2023), "56");
    assert_eq!(cell_of(&page, "town", "schools", 2023, "reported"), "8");
    assert_eq!(
        cell_of(&page, "town", "schools", 2023, "change"),
        "0%1 个可比，填报范围有变化"
    );
    assert!(
        !page.contains("522"),
        "a growth mixing coverage and numbers"
    );
    // 教师数: 敬仲镇 379 → 386 = +1.85% (7 / 379), again one of eight.
    assert_eq!(
        cell_of(&page, "town", "teachers", 2023, "change"),
        "+1.85%1 个可比，填报范围有变化"
    );
    // 2025 against 2024, all eight comparable: (2,141 − 2,091) / 2,091 = +2.39%.
    assert_eq!(
        cell_of(&page, "town", "teachers", 2025, "change"),
        "+2.39%8 个可比"
    );
    // The first year has nothing to compare with.
    assert_eq!(cell_of(&page, "town", "schools", 2022, "change"), "—");
    // The chart hatches the year whose coverage changed and says why.
    let metric = page.split("id=\"metric-schools\"").nth(1).unwrap();
    let metric = metric.split("<section class=\"metric\"").next().unwrap();
    assert_eq!(
        metric.matches("data-marked=\"true\"").count(),
        1,
        "2023 hatched"
    );
    assert!(metric.contains("class=\"chart-note\""));
    // Headings say what they count: a number of towns is 数量, reporting ones 填报数.
    let by_level = page.split("id=\"towns-by-level\"").nth(1).unwrap();
    assert!(by_level.split("</thead>").next().unwrap().contains("数量"));
    assert!(metric.contains(">填报数<"));
}

/// Charts of whole numbers have whole ticks; missing values are a dash;
/// one year of data gets a table, no chart; the overview opens with the
/// latest figures and a list of its metrics.
#[test]
fn charts_tables_and_the_headline_read_right() {
    let s = built_sample();
    let ticks = |html: &str| -> Vec<f64> {
        html.split("class=\"tick\"")
            .skip(1)
            .map(|t| {
                let label = t.split('>').nth(1).unwrap().split('<').next().unwrap();
                label.replace(',', "").parse().unwrap()
            })
            .collect()
    };
    // A town with one, two and three guides: ticks 0, 1, 2, 3, never 0.25.
    s.write(
        "content/towns/b.yaml",
        "id: town-b\nname: 乙镇\nlevel: 县级\nstats:\n  2023: {guides: 1}\n  2024: {guides: 2}\n  2025: {guides: 3}\n",
    );
    s.build_ok();
    let t = ticks(&s.page("towns/town-b"));
    assert_eq!(t, [0.0, 1.0, 2.0, 3.0]);
    let page = s.page("stats");
    let headline = page
        .split("class=\"headline-figures\"")
        .nth(1)
        .expect("headline block");
    let headline = headline.split("</section>").next().unwrap();
    assert!(
        headline.contains("2025 年试点镇教师数（合计）"),
        "{headline}"
    );
    assert!(headline.contains("2,141"));
    assert!(page.contains("class=\"in-page\""));
    assert!(page.contains("href=\"#metric-teachers\""));
    // 敬仲镇 has no 送教下乡 figure for 2022 (the spreadsheet starts in 2023).
    let town = s.page("towns/jingzhong");
    let row = town
        .split("<th scope=\"row\">2022</th>")
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap();
    assert!(row.contains("<td>—</td>"), "{row}");
    // A metric with one year of data has no chart.
    s.write(
        "content/towns/b.yaml",
        "id: town-b\nname: 乙镇\nlevel: 县级\nstats:\n  2025: {teachers: 30}\n",
    );
    s.build_ok();
    assert!(!s.page("towns/town-b").contains("<svg"));
}

/// Data calls follow the same rules: a total of a rate is refused with a
/// hint, the average is the declared (weighted) one.
#[test]
fn data_calls_do_not_add_up_rates() {
    let s = built_sample();
    s.write(
        "content/reports/2025/rates.md",
        "---\ntitle: 比率\ndate: 2025-04-01\n---\n\n平均：{{ average(metric=\"enrolment_rate\", year=2025) }}\n\n合计：{{ total(metric=\"enrolment_rate\", year=2025) }}\n",
    );
    let (d, text) = s.build_err();
    let e = d.iter().find(|x| x.is_error()).unwrap();
    assert!(e.message.contains("不能相加"), "{text}");
    assert!(
        e.hint.as_deref().unwrap_or("").contains("average"),
        "{text}"
    );
    s.write(
        "content/reports/2025/rates.md",
        "---\ntitle: 比率\ndate: 2025-04-01\n---\n\n平均：{{ average(metric=\"enrolment_rate\", year=2025) }}\n\n{{ stat_table(metric=\"enrolment_rate\", year=2025) }}\n",
    );
    s.build_ok();
    let page = s.page("reports/2025/rates");
    assert!(page.contains("平均：92.49%"), "the weighted mean");
    assert!(
        page.contains("<th scope=\"row\">加权平均</th><td>92.49</td>"),
        "the table's figure"
    );
    // An average of a count is refused too, pointing at total.
    s.write(
        "content/reports/2025/rates.md",
        "---\ntitle: 比率\ndate: 2025-04-01\n---\n\n{{ average(metric=\"teachers\", year=2025) }}\n",
    );
    let (_, text) = s.build_err();
    assert!(text.contains("total("), "{text}");
}

/// `site.yaml` checks how metrics combine.
#[test]
fn metric_declarations_are_checked() {
    for (metrics, wrong) in [
        (
            "  r: {label: 比率, unit: \"%\", aggregate: sum}\n",
            "不能相加",
        ),
        (
            "  r: {label: 比率, unit: \"%\", weight: nope}\n",
            "weight `nope`",
        ),
        (
            "  n: {label: 人数}\n  r: {label: 比率, unit: \"%\", weight: r}\n",
            "不是可相加",
        ),
        ("  r: {label: 比率, aggregate: avg}\n", "aggregate `avg`"),
    ] {
        let s = TempSite::minimal();
        let cfg = s
            .read("site.yaml")
            .replace("metrics:\n", &format!("metrics:\n{metrics}"));
        s.write("site.yaml", &cfg);
        let (d, text) = s.build_err();
        assert!(
            d.iter().any(|x| x.is_error()
                && x.file == std::path::Path::new("site.yaml")
                && x.message.contains(wrong)
                && x.pos.is_some()),
            "{metrics}: {text}"
        );
    }
}

//! A deterministic corpus for benchmarks (`huiwen-corpus`, a workspace
//! member: the product binary does not contain it).
//!
//! Writes a site of `reports` Chinese reports (2–20 KB of Markdown each, with
//! headings 一、二、 and （一）, paragraphs, tables and lists), `reports / 10`
//! entities (towns, belts, alliances; at least a handful of each) with three
//! to six years of statistics, and a `site.yaml` declaring the metrics.
//! Sentences are assembled from phrase lists of education-bureau language, so
//! the character n-grams look like a real archive's (search index sizes then
//! mean something). Optionally writes the same reports as a Hugo site and
//! as a Zola site (`bench/hugo/` and `bench/zola/` hold their templates,
//! copied in by this module) so the tools render comparable pages.
//!
//! The pseudo-random generator is a splitmix64 written here: the same seed
//! gives byte-identical files on every machine and every run.

mod entities;
mod vocab;

use entities::*;
use vocab::*;

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    pub reports: usize,
    pub out: PathBuf,
    pub seed: u64,
    /// Also write a Hugo site with the same reports here.
    pub hugo: Option<PathBuf>,
    /// Also write a Zola site with the same reports here.
    pub zola: Option<PathBuf>,
}

/// What was written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorpusSummary {
    pub reports: usize,
    pub towns: usize,
    pub belts: usize,
    pub alliances: usize,
    /// Files written under `out` (site.yaml included).
    pub files: usize,
    /// Bytes written under `out`.
    pub bytes: u64,
}

/// splitmix64: tiny, fast, good enough for text, and stable forever.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn pick<'a, T: ?Sized>(&mut self, xs: &[&'a T]) -> &'a T {
        xs[self.below(xs.len())]
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

// ---- names -------------------------------------------------------------------

fn two_chars(rng: &mut Rng) -> String {
    let a = rng.pick(NAME_CHARS);
    let mut b = rng.pick(NAME_CHARS);
    while b == a {
        b = rng.pick(NAME_CHARS);
    }
    format!("{a}{b}")
}

fn person(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

struct Town {
    id: String,
    name: String,
    county: &'static str,
    belt: Option<usize>,
}

struct Belt {
    id: String,
    name: String,
    towns: Vec<usize>,
}

struct Alliance {
    id: String,
    name: String,
    towns: Vec<usize>,
}

struct World {
    towns: Vec<Town>,
    belts: Vec<Belt>,
    alliances: Vec<Alliance>,
}

const METRICS: &[(&str, &str, &str)] = &[
    ("schools", "学校数", "所"),
    ("teachers", "教师数", "名"),
    ("students", "在校学生", "人"),
    ("guides", "教育指导员", "名"),
    ("new_teachers", "新招聘教师", "名"),
    ("trainings", "青年教师培训", "场"),
    ("seminars", "教研活动", "场"),
    ("send_teaching", "送教下乡", "次"),
    ("funds", "专项经费", "万元"),
    ("studios", "名师工作室", "个"),
    ("open_lessons", "公开课", "节"),
    ("projects", "课题", "项"),
    ("enrolment_rate", "学前毛入园率", "%"),
];

fn world(n: usize, rng: &mut Rng) -> World {
    // reports / 10 entities in all: 60 % towns, 15 % belts, 25 % alliances.
    let total = (n / 10).max(12);
    let n_belts = (total * 15 / 100).max(3);
    let n_alliances = (total * 25 / 100).max(3);
    let n_towns = total - n_belts - n_alliances;
    let mut towns: Vec<Town> = (0..n_towns)
        .map(|i| Town {
            id: format!("town-{i:04}"),
            name: format!("{}镇", two_chars(rng)),
            county: rng.pick(COUNTIES),
            belt: None,
        })
        .collect();
    let belt_themes = [
        "齐韵文化",
        "绿野劳动",
        "普惠学前",
        "科创实践",
        "书香阅读",
        "体艺融合",
    ];
    let belts: Vec<Belt> = (0..n_belts)
        .map(|i| {
            let k = rng.range(2, 5);
            let members: Vec<usize> = (0..k).map(|_| rng.below(n_towns)).collect();
            let mut members = dedup(members);
            for &t in &members {
                towns[t].belt.get_or_insert(i);
            }
            members.retain(|&t| towns[t].belt == Some(i));
            Belt {
                id: format!("belt-{i:03}"),
                name: format!(
                    "{}{}教育示范带",
                    two_chars(rng),
                    belt_themes[i % belt_themes.len()]
                ),
                towns: members,
            }
        })
        .collect();
    let alliance_kinds = ["名校+", "名师+", "名校长+", "名师工作室"];
    let alliances: Vec<Alliance> = (0..n_alliances)
        .map(|i| {
            let kind = alliance_kinds[i % alliance_kinds.len()];
            let name = match kind {
                "名校+" => format!("{}{}“名校+”教育联合体", two_chars(rng), "实验小学"),
                "名师+" => format!("{}{}“名师+”研修共同体", person(rng), rng.pick(SUBJECTS)),
                "名校长+" => format!("{}“名校长+”发展共同体", person(rng)),
                _ => format!("{}{}乡村名师工作室", person(rng), rng.pick(SUBJECTS)),
            };
            let k = rng.range(2, 4);
            let members = dedup((0..k).map(|_| rng.below(n_towns)).collect());
            Alliance {
                id: format!("alliance-{i:03}"),
                name,
                towns: members,
            }
        })
        .collect();
    World {
        towns,
        belts,
        alliances,
    }
}

fn dedup(mut v: Vec<usize>) -> Vec<usize> {
    v.sort_unstable();
    v.dedup();
    v
}

// ---- text ----------------------------------------------------------------------

fn school(rng: &mut Rng, w: &World) -> String {
    let t = &w.towns[rng.below(w.towns.len())];
    format!("{}{}", t.name, rng.pick(SCHOOL_SUFFIX))
}

fn sentence(rng: &mut Rng, w: &World, town: &str, out: &mut String) {
    if rng.chance(0.25) {
        out.push_str(rng.pick(CONNECTIVES));
    }
    let n = rng.range(2, 60);
    match rng.below(9) {
        0 => write!(
            out,
            "{town}坚持“{}”工作思路，把{}作为推动{}的重要抓手",
            rng.pick(CONCEPTS),
            rng.pick(ACTIONS),
            rng.pick(GOALS)
        ),
        1 => write!(
            out,
            "全年共开展{}{n}次，覆盖学校{}所，参与教师{}人次",
            rng.pick(ACTIONS),
            rng.range(3, 30),
            n * rng.range(12, 40)
        ),
        2 => write!(
            out,
            "{}与{}结成帮扶对子，通过{}和{}，实现了资源共享、优势互补",
            school(rng, w),
            school(rng, w),
            rng.pick(ACTIONS),
            rng.pick(ACTIONS)
        ),
        3 => write!(
            out,
            "教育指导员{}每月到校指导不少于{}次，协助学校{}、{}",
            person(rng),
            rng.range(2, 6),
            rng.pick(MEASURES),
            rng.pick(MEASURES)
        ),
        4 => write!(
            out,
            "依托{}名师工作室，组织骨干教师{}名开展{}，形成优秀课例{}节",
            person(rng),
            rng.range(5, 20),
            rng.pick(ACTIONS),
            n
        ),
        5 => write!(
            out,
            "我们{}，{}，推动{}",
            rng.pick(MEASURES),
            rng.pick(MEASURES),
            rng.pick(GOALS)
        ),
        6 => write!(
            out,
            "{}年，专项经费投入{}万元，新建改建功能教室{}间，学前三年毛入园率达到{}.{}%",
            rng.range(2016, 2025),
            n * 5,
            rng.range(2, 12),
            rng.range(88, 99),
            rng.below(10)
        ),
        7 => write!(
            out,
            "在{}中，{}获省级优质课{}节、市级优质课{}节，{}",
            rng.pick(ACTIONS),
            school(rng, w),
            rng.range(1, 5),
            rng.range(2, 12),
            rng.pick(GOALS)
        ),
        _ => write!(
            out,
            "围绕{}，{town}探索形成了“{}+{}”的工作模式，得到上级部门和社会各界的充分肯定",
            rng.pick(GOALS),
            rng.pick(ACTIONS),
            rng.pick(ACTIONS)
        ),
    }
    .expect("write to String");
    out.push('。');
}

fn paragraph(rng: &mut Rng, w: &World, town: &str, out: &mut String) {
    for _ in 0..rng.range(3, 8) {
        sentence(rng, w, town, out);
    }
    out.push_str("\n\n");
}

const CN_NUM: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

fn table(rng: &mut Rng, w: &World, out: &mut String) {
    if rng.chance(0.5) {
        out.push_str(
            "| 年度 | 教研活动（场） | 送教下乡（次） | 公开课（节） | 专项经费（万元） |\n",
        );
        out.push_str("| --- | --- | --- | --- | --- |\n");
        let start = rng.range(2016, 2022);
        for y in start..start + rng.range(3, 4) {
            writeln!(
                out,
                "| {y} | {} | {} | {} | {} |",
                rng.range(5, 40),
                rng.range(3, 30),
                rng.range(8, 80),
                rng.range(20, 300)
            )
            .expect("write to String");
        }
    } else {
        out.push_str("| 学校 | 特色项目 | 覆盖学生（人） | 相关获奖（项） |\n");
        out.push_str("| --- | --- | --- | --- |\n");
        for _ in 0..rng.range(3, 6) {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                school(rng, w),
                rng.pick(ACTIONS),
                rng.range(80, 1800),
                rng.range(0, 12)
            )
            .expect("write to String");
        }
    }
    out.push('\n');
}

fn list(rng: &mut Rng, w: &World, town: &str, out: &mut String) {
    let ordered = rng.chance(0.5);
    for i in 1..=rng.range(3, 5) {
        if ordered {
            write!(out, "{i}. ").expect("write to String");
        } else {
            out.push_str("- ");
        }
        write!(out, "**{}**。", rng.pick(SUB_TITLES)).expect("write to String");
        sentence(rng, w, town, out);
        out.push('\n');
    }
    out.push('\n');
}

struct Report {
    rel: String,
    front_huiwen: String,
    front_hugo: String,
    front_zola: String,
    body: String,
}

fn yaml_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("\"{s}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

fn report(i: usize, rng: &mut Rng, w: &World) -> Report {
    let year = 2016 + rng.below(10);
    let month = rng.range(1, 12);
    let day = rng.range(1, 28);
    let kind = rng.pick(KINDS);
    let n_towns = rng.range(0, 3);
    let towns = dedup((0..n_towns).map(|_| rng.below(w.towns.len())).collect());
    let belts = if rng.chance(0.4) {
        vec![rng.below(w.belts.len())]
    } else {
        vec![]
    };
    let alliances = dedup(
        (0..rng.range(0, 2))
            .map(|_| rng.below(w.alliances.len()))
            .collect(),
    );
    let place = match towns.first() {
        Some(&t) => w.towns[t].name.clone(),
        None => format!("{}镇", two_chars(rng)),
    };
    let region = match towns.first() {
        Some(&t) => w.towns[t].county,
        None => rng.pick(COUNTIES),
    };
    let title = rng
        .pick(TITLE_PATTERNS)
        .replace("{concept}", rng.pick(CONCEPTS))
        .replace("{action}", rng.pick(ACTIONS))
        .replace("{goal}", "质量提升")
        .replace("{place}", &place)
        .replace("{year}", &year.to_string());
    let mut tags: Vec<String> = Vec::new();
    for _ in 0..rng.range(1, 4) {
        let t = rng.pick(TAGS).to_string();
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    let author = format!(
        "{}{}",
        place,
        rng.pick(&["中心学校", "教育管理办公室", "教研室"])
    );

    // Body: 2–20 KB, skewed towards the smaller end as real archives are.
    let target = 2048 + (17.0 * 1024.0 * rng.unit().powf(1.5)) as usize;
    let mut body = String::with_capacity(target + 4096);
    if kind == "会议发言" {
        body.push_str("各位领导、同志们：\n\n");
    }
    paragraph(rng, w, &place, &mut body);
    let mut section = 0;
    while body.len() < target && section < CN_NUM.len() {
        writeln!(
            body,
            "## {}、{}\n",
            CN_NUM[section],
            rng.pick(SECTION_TITLES)
        )
        .expect("write to String");
        section += 1;
        let subs = if rng.chance(0.6) { rng.range(2, 4) } else { 0 };
        if subs == 0 {
            paragraph(rng, w, &place, &mut body);
            paragraph(rng, w, &place, &mut body);
        }
        for num in CN_NUM.iter().take(subs) {
            writeln!(body, "### （{num}）{}\n", rng.pick(SUB_TITLES)).expect("write to String");
            paragraph(rng, w, &place, &mut body);
            if body.len() >= target {
                break;
            }
        }
        match rng.below(6) {
            0 => table(rng, w, &mut body),
            1 => list(rng, w, &place, &mut body),
            _ => {}
        }
    }
    while body.len() < target {
        paragraph(rng, w, &place, &mut body);
    }

    let date = format!("{year}-{month:02}-{day:02}");
    let town_ids: Vec<String> = towns.iter().map(|&t| w.towns[t].id.clone()).collect();
    let belt_ids: Vec<String> = belts.iter().map(|&b| w.belts[b].id.clone()).collect();
    let alliance_ids: Vec<String> = alliances
        .iter()
        .map(|&a| w.alliances[a].id.clone())
        .collect();
    let mut refs = String::new();
    if !town_ids.is_empty() {
        writeln!(refs, "towns: {}", yaml_list(&town_ids)).expect("write to String");
    }
    if !belt_ids.is_empty() {
        writeln!(refs, "belts: {}", yaml_list(&belt_ids)).expect("write to String");
    }
    if !alliance_ids.is_empty() {
        writeln!(refs, "alliances: {}", yaml_list(&alliance_ids)).expect("write to String");
    }
    let slug = format!("r{i:05}");
    let front_huiwen = format!(
        "title: \"{title}\"\ndate: {date}\nauthor: \"{author}\"\nregion: \"{region}\"\nkind: \"{kind}\"\ntags: {}\n{refs}slug: {slug}\n",
        yaml_list(&tags)
    );
    // Hugo: the same data; taxonomies tags/kinds/regions, the rest as params.
    let mut params = String::new();
    for line in refs.lines() {
        writeln!(params, "  {line}").expect("write to String");
    }
    let front_hugo = format!(
        "title: \"{title}\"\ndate: {date}\nauthor: \"{author}\"\nslug: {slug}\ntags: {}\nkinds: [\"{kind}\"]\nregions: [\"{region}\"]\nparams:\n  kind: \"{kind}\"\n  region: \"{region}\"\n{params}",
        yaml_list(&tags)
    );
    // Zola: taxonomies under `taxonomies:`, the rest under `extra:`.
    let mut extra = format!("  author: \"{author}\"\n  kind: \"{kind}\"\n  region: \"{region}\"\n");
    extra.push_str(&params);
    let front_zola = format!(
        "title: \"{title}\"\ndate: {date}\nslug: {slug}\ntaxonomies:\n  tags: {}\n  kinds: [\"{kind}\"]\n  regions: [\"{region}\"]\nextra:\n{extra}",
        yaml_list(&tags)
    );
    Report {
        rel: format!("content/reports/{year}/{slug}.md"),
        front_huiwen,
        front_hugo,
        front_zola,
        body,
    }
}

fn site_yaml(n: usize) -> String {
    let mut s = format!(
        "title: 齐川市教育经验交流汇编（基准测试语料）\ndescription: 由 huiwen gen-corpus 生成的 {n} 篇报告，用于性能测试。\nbase_url: http://10.1.2.3/jyjl/\nlanguage: zh-CN\npaginate: 20\nauthor: 齐川市教育局办公室\nmetrics:\n"
    );
    for (k, label, unit) in METRICS {
        writeln!(s, "  {k}: {{label: {label}, unit: \"{unit}\"}}").expect("write to String");
    }
    s
}

const HUGO_TOML: &str = r#"baseURL = "http://10.1.2.3/jyjl/"
locale = "zh-CN"
title = "齐川市教育经验交流汇编（基准测试语料）"
hasCJKLanguage = true
disableKinds = ["RSS"]

[pagination]
  pagerSize = 20

[taxonomies]
  tag = "tags"
  kind = "kinds"
  region = "regions"

[markup.goldmark.renderer]
  unsafe = false
"#;

const ZOLA_CONFIG: &str = r#"base_url = "http://10.1.2.3/jyjl/"
title = "齐川市教育经验交流汇编（基准测试语料）"
default_language = "zh"
build_search_index = true
generate_feeds = false
compile_sass = false
taxonomies = [
  { name = "tags", paginate_by = 20 },
  { name = "kinds", paginate_by = 20 },
  { name = "regions", paginate_by = 20 },
]
"#;

const ZOLA_TEMPLATES: &[(&str, &str)] = &[
    (
        "templates/base.html",
        include_str!("../../zola/templates/base.html"),
    ),
    (
        "templates/list.html",
        include_str!("../../zola/templates/list.html"),
    ),
    (
        "templates/index.html",
        include_str!("../../zola/templates/index.html"),
    ),
    (
        "templates/section.html",
        include_str!("../../zola/templates/section.html"),
    ),
    (
        "templates/page.html",
        include_str!("../../zola/templates/page.html"),
    ),
    (
        "templates/taxonomy_list.html",
        include_str!("../../zola/templates/taxonomy_list.html"),
    ),
    (
        "templates/taxonomy_single.html",
        include_str!("../../zola/templates/taxonomy_single.html"),
    ),
];

/// A Zola section: every list is paginated by 20, reports newest first and
/// entities (which have no date) by name, as huiwen's and Hugo's are;
/// `transparent` passes the reports up, so the home page lists every report
/// (Hugo's home does).
fn zola_section(title: &str, reports: bool) -> String {
    let sort = if reports { "date" } else { "title" };
    format!(
        "---\ntitle: \"{title}\"\nsort_by: {sort}\npaginate_by: 20\ntransparent: {reports}\n---\n"
    )
}

const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "layouts/_default/baseof.html",
        include_str!("../../hugo/layouts/_default/baseof.html"),
    ),
    (
        "layouts/_default/list.html",
        include_str!("../../hugo/layouts/_default/list.html"),
    ),
    (
        "layouts/_default/single.html",
        include_str!("../../hugo/layouts/_default/single.html"),
    ),
    (
        "layouts/index.html",
        include_str!("../../hugo/layouts/index.html"),
    ),
];

struct Writer {
    root: PathBuf,
    files: usize,
    bytes: u64,
}

impl Writer {
    fn new(root: &Path) -> Self {
        Writer {
            root: root.to_path_buf(),
            files: 0,
            bytes: 0,
        }
    }

    fn write(&mut self, rel: &str, text: &str) -> io::Result<()> {
        let p = self.root.join(rel);
        if let Some(d) = p.parent() {
            fs::create_dir_all(d)?;
        }
        fs::write(&p, text)?;
        self.files += 1;
        self.bytes += text.len() as u64;
        Ok(())
    }
}

/// Writes the corpus. Refuses a non-empty `out` (or `hugo`) that holds no
/// `site.yaml` (resp. `hugo.toml`), so a typo never overwrites real content;
/// an earlier corpus there is replaced.
pub fn generate(opts: &CorpusOptions) -> io::Result<CorpusSummary> {
    prepare_dir(&opts.out, "site.yaml")?;
    if let Some(h) = &opts.hugo {
        prepare_dir(h, "hugo.toml")?;
    }
    if let Some(z) = &opts.zola {
        prepare_dir(z, "config.toml")?;
    }
    let mut rng = Rng::new(opts.seed);
    let w = world(opts.reports, &mut rng);
    let mut out = Writer::new(&opts.out);
    let mut hugo = opts.hugo.as_deref().map(Writer::new);
    let mut zola = opts.zola.as_deref().map(Writer::new);

    out.write("site.yaml", &site_yaml(opts.reports))?;
    out.write(
        "content/_index.md",
        "本站收录生成的基准测试报告，内容由固定种子生成，每次相同。\n",
    )?;
    if let Some(h) = hugo.as_mut() {
        write_hugo_skeleton(h)?;
    }
    if let Some(z) = zola.as_mut() {
        write_zola_skeleton(z)?;
    }
    let mut entity = |rel: &str, section: &str, yaml: String| -> io::Result<()> {
        out.write(rel, &yaml)?;
        // Hugo and Zola both read this page (title and slug in YAML).
        let page = (hugo.is_some() || zola.is_some()).then(|| hugo_entity(&yaml, section));
        for w in [hugo.as_mut(), zola.as_mut()].into_iter().flatten() {
            if let Some((hrel, md)) = &page {
                w.write(hrel, md)?;
            }
        }
        Ok(())
    };
    for i in 0..w.towns.len() {
        let y = town_yaml(i, &mut rng, &w);
        entity(&format!("content/towns/{}.yaml", w.towns[i].id), "towns", y)?;
    }
    for i in 0..w.belts.len() {
        let y = belt_yaml(i, &mut rng, &w);
        entity(&format!("content/belts/{}.yaml", w.belts[i].id), "belts", y)?;
    }
    for i in 0..w.alliances.len() {
        let y = alliance_yaml(i, &mut rng, &w);
        entity(
            &format!("content/alliances/{}.yaml", w.alliances[i].id),
            "alliances",
            y,
        )?;
    }
    for i in 0..opts.reports {
        let r = report(i, &mut rng, &w);
        out.write(&r.rel, &format!("---\n{}---\n\n{}", r.front_huiwen, r.body))?;
        if let Some(h) = hugo.as_mut() {
            h.write(&r.rel, &format!("---\n{}---\n\n{}", r.front_hugo, r.body))?;
        }
        if let Some(z) = zola.as_mut() {
            z.write(&r.rel, &format!("---\n{}---\n\n{}", r.front_zola, r.body))?;
        }
    }
    Ok(CorpusSummary {
        reports: opts.reports,
        towns: w.towns.len(),
        belts: w.belts.len(),
        alliances: w.alliances.len(),
        files: out.files,
        bytes: out.bytes,
    })
}

/// Hugo's configuration, layouts and home page text.
fn write_hugo_skeleton(h: &mut Writer) -> io::Result<()> {
    h.write("hugo.toml", HUGO_TOML)?;
    for (rel, text) in HUGO_LAYOUTS {
        h.write(rel, text)?;
    }
    h.write(
        "content/_index.md",
        "---\ntitle: 首页\n---\n\n本站收录生成的基准测试报告，内容由固定种子生成，每次相同。\n",
    )
}

/// Zola's configuration, templates and section files (every folder of
/// pages needs an `_index.md`; years are the ones [`report`] draws).
fn write_zola_skeleton(z: &mut Writer) -> io::Result<()> {
    z.write("config.toml", ZOLA_CONFIG)?;
    for (rel, text) in ZOLA_TEMPLATES {
        z.write(rel, text)?;
    }
    z.write(
        "content/_index.md",
        "---\nsort_by: date\npaginate_by: 20\n---\n\n本站收录生成的基准测试报告，内容由固定种子生成，每次相同。\n",
    )?;
    z.write("content/reports/_index.md", &zola_section("交流材料", true))?;
    for year in 2016..2026 {
        z.write(
            &format!("content/reports/{year}/_index.md"),
            &zola_section(&format!("{year}年"), true),
        )?;
    }
    for (dir, title) in [
        ("towns", "试点镇"),
        ("belts", "示范带"),
        ("alliances", "联合体"),
    ] {
        z.write(
            &format!("content/{dir}/_index.md"),
            &zola_section(title, false),
        )?;
    }
    Ok(())
}

fn prepare_dir(dir: &Path, marker: &str) -> io::Result<()> {
    match fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_none() {
                return Ok(());
            }
            if !dir.join(marker).is_file() {
                return Err(io::Error::other(format!(
                    "{} is not empty and holds no {marker}: refusing to write a corpus there",
                    dir.display()
                )));
            }
            // An earlier corpus: replace its content, keep the rest (output/…).
            fs::remove_dir_all(dir.join("content")).or_else(|e| {
                if e.kind() == io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(e)
                }
            })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => fs::create_dir_all(dir),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // splitmix64 with seed 0 (reference implementation by S. Vigna).
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next_u64(), 0x6e78_9e6a_a1b9_65f4);
    }

    #[test]
    fn reports_are_2_to_20_kb() {
        let mut rng = Rng::new(7);
        let w = world(100, &mut rng);
        for i in 0..100 {
            let r = report(i, &mut rng, &w);
            assert!(
                (2048..=21 * 1024).contains(&r.body.len()),
                "{}",
                r.body.len()
            );
            assert!(r.body.contains("## 一、"));
        }
    }
}

//! A deterministic corpus for benchmarks (`huiwen gen-corpus`, hidden).
//!
//! Writes a site of `reports` Chinese reports (2–20 KB of Markdown each, with
//! headings 一、二、 and （一）, paragraphs, tables and lists), `reports / 10`
//! entities (towns, belts, alliances; at least a handful of each) with three
//! to six years of statistics, and a `site.yaml` declaring the metrics.
//! Sentences are assembled from phrase lists of education-bureau language, so
//! the character n-grams look like a real archive's (search index sizes then
//! mean something). Optionally writes the same reports as a Hugo site
//! (`bench/hugo/` holds its layouts, copied in by this module) so both tools
//! render comparable pages.
//!
//! The pseudo-random generator is a splitmix64 written here: the same seed
//! gives byte-identical files on every machine and every run.

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

// ---- vocabulary ------------------------------------------------------------

const TAGS: &[&str] = &[
    "强镇筑基",
    "送教下乡",
    "联片教研",
    "名师工作室",
    "优质均衡",
    "教育指导员",
    "特色项目",
    "示范带",
    "名校+",
    "青年教师",
    "学前教育",
    "劳动教育",
    "课后服务",
    "家校共育",
    "集团化办学",
    "教师培训",
    "乡村振兴",
    "课堂改革",
    "心理健康",
    "数字化转型",
];

const KINDS: &[&str] = &["经验交流", "工作报告", "工作要点", "年度总结", "会议发言"];

const COUNTIES: &[&str] = &[
    "临淄区",
    "张店区",
    "淄川区",
    "博山区",
    "周村区",
    "桓台县",
    "高青县",
    "沂源县",
    "南河县",
    "北岭县",
    "东湖区",
    "西山县",
];

const NAME_CHARS: &[&str] = &[
    "敬", "仲", "柳", "湾", "青", "石", "桃", "源", "杏", "林", "河", "口", "双", "庙", "南", "北",
    "东", "西", "凤", "凰", "金", "山", "龙", "泉", "白", "马", "朱", "台", "皇", "城", "稷", "下",
    "齐", "陵", "雪", "宫", "梧", "桐", "太", "平", "华", "阳", "永", "安", "崇", "文", "兴", "福",
];

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭",
];
const GIVEN: &[&str] = &[
    "秀梅", "建国", "晓燕", "立华", "静", "文华", "倩", "敏", "雪", "畅", "帆", "磊", "涛", "丽",
    "强", "佳", "亮", "颖", "雨", "海燕", "志刚", "红霞", "卫东", "玉兰",
];

const SUBJECTS: &[&str] = &[
    "小学语文",
    "初中数学",
    "小学英语",
    "初中物理",
    "学前教育",
    "道德与法治",
    "小学科学",
    "初中历史",
    "音乐",
    "美术",
    "体育与健康",
    "信息科技",
];

const SCHOOL_SUFFIX: &[&str] = &[
    "中心学校",
    "中学",
    "第一小学",
    "实验小学",
    "中心幼儿园",
    "第二小学",
    "九年一贯制学校",
];

const CONCEPTS: &[&str] = &[
    "强镇筑基",
    "优质均衡",
    "一镇一品、一校一特",
    "五育并举",
    "立德树人",
    "城乡一体化",
    "县域统筹、镇域联动",
    "以研促教、以教促学",
    "问题导向、目标导向、结果导向",
    "抓党建、促教学、强队伍",
];

const ACTIONS: &[&str] = &[
    "送教下乡",
    "联片教研",
    "集体备课",
    "同课异构",
    "教学视导",
    "青年教师基本功比赛",
    "名师工作室研修",
    "城乡学校结对帮扶",
    "课后服务提质",
    "家校共育",
    "作业设计优化",
    "大单元教学研究",
    "校长轮岗交流",
    "教师全员培训",
    "乡村少年宫建设",
    "劳动教育实践基地建设",
    "心理健康教育",
    "阅读推广",
    "数字化教学应用",
    "学前教育普及普惠",
    "现代农业研学实践",
];

const GOALS: &[&str] = &[
    "乡村学校办学水平整体提升",
    "城乡教育优质均衡发展",
    "教师队伍素质持续提高",
    "学生核心素养全面发展",
    "人民群众教育满意度不断提升",
    "乡村教育振兴取得实效",
    "县域义务教育优质均衡发展",
    "“家门口的好学校”越来越多",
    "课堂教学质量稳步提高",
    "特色项目由点到面全面铺开",
];

const MEASURES: &[&str] = &[
    "建立健全工作机制",
    "完善考核评价办法",
    "落实经费保障",
    "强化督导检查",
    "加强过程管理",
    "健全常态化交流机制",
    "搭建展示交流平台",
    "建立问题清单和整改台账",
    "实行项目化推进",
    "推行“一校一策”",
];

const CONNECTIVES: &[&str] = &[
    "同时，",
    "此外，",
    "在此基础上，",
    "与此同时，",
    "一方面，",
    "另一方面，",
    "特别是",
    "近年来，",
    "今年以来，",
    "下一步，",
];

const SECTION_TITLES: &[&str] = &[
    "基本情况",
    "主要做法",
    "工作成效",
    "存在的问题",
    "几点体会",
    "下一步工作打算",
    "强化组织领导，压实工作责任",
    "聚焦课堂主阵地，提升教学质量",
    "建强教师队伍，激发内生动力",
    "深化联片教研，促进资源共享",
    "发挥示范引领，推动均衡发展",
    "创新工作机制，形成长效保障",
];

const SUB_TITLES: &[&str] = &[
    "健全机制，高位推动",
    "精准施策，分类指导",
    "示范引领，辐射带动",
    "搭建平台，共研共享",
    "以赛促训，以训促研",
    "家校协同，凝聚合力",
    "数据赋能，精准评价",
    "特色发展，一校一品",
    "送教下乡，雪中送炭",
    "教育指导员驻校指导",
];

const TITLE_PATTERNS: &[&str] = &[
    "{concept} {action}——{place}经验交流",
    "在全市{action}推进会上的交流发言",
    "{place}{year}年{action}工作总结",
    "{place}关于{action}工作的报告",
    "{year}年{place}教育工作要点",
    "以{action}促{goal}——{place}的实践与探索",
    "{place}{action}典型经验",
];

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
    Report {
        rel: format!("content/reports/{year}/{slug}.md"),
        front_huiwen,
        front_hugo,
        body,
    }
}

// ---- entities -----------------------------------------------------------------

/// `stats:` for `years` consecutive years ending in 2025, values growing.
fn stats(rng: &mut Rng, keys: &[&str]) -> String {
    let years = rng.range(3, 6);
    let mut base: Vec<f64> = keys
        .iter()
        .map(|k| match *k {
            "schools" => rng.range(4, 15) as f64,
            "teachers" => rng.range(80, 600) as f64,
            "students" => rng.range(1000, 9000) as f64,
            "funds" => rng.range(20, 300) as f64,
            "enrolment_rate" => rng.range(82, 92) as f64,
            _ => rng.range(1, 20) as f64,
        })
        .collect();
    let mut out = String::from("stats:\n");
    for y in (2026 - years)..2026 {
        writeln!(out, "  {y}:").expect("write to String");
        for (k, v) in keys.iter().zip(base.iter_mut()) {
            if *k == "enrolment_rate" {
                writeln!(out, "    {k}: {:.1}", *v).expect("write to String");
                *v = (*v + rng.unit() * 2.0).min(99.5);
            } else {
                writeln!(out, "    {k}: {}", *v as u64).expect("write to String");
                *v += (*v * 0.08 * rng.unit()).ceil();
            }
        }
    }
    out
}

fn town_yaml(i: usize, rng: &mut Rng, w: &World) -> String {
    let t = &w.towns[i];
    let level = rng.pick(&["省级", "市级", "县级"]);
    let mut s = format!(
        "id: {}\nname: \"{}\"\nlevel: \"{level}\"\ncounty: \"{}\"\ncity: \"齐川市\"\nsince: {}\n",
        t.id,
        t.name,
        t.county,
        rng.range(2019, 2023)
    );
    if let Some(b) = t.belt {
        writeln!(s, "belt: {}", w.belts[b].id).expect("write to String");
    }
    let mut summary = String::new();
    sentence(rng, w, &t.name, &mut summary);
    writeln!(
        s,
        "guide: \"{}\"\nsummary: \"{summary}\"\nfeatures:",
        person(rng)
    )
    .expect("write to String");
    for _ in 0..rng.range(2, 4) {
        let mut fs = String::new();
        sentence(rng, w, &t.name, &mut fs);
        writeln!(
            s,
            "  - school: \"{}{}\"\n    name: \"{}\"\n    summary: \"{fs}\"",
            t.name,
            rng.pick(SCHOOL_SUFFIX),
            rng.pick(ACTIONS)
        )
        .expect("write to String");
    }
    let keys: Vec<&str> = METRICS.iter().map(|m| m.0).collect();
    s.push_str(&stats(rng, &keys));
    s
}

fn belt_yaml(i: usize, rng: &mut Rng, w: &World) -> String {
    let b = &w.belts[i];
    let towns: Vec<String> = b.towns.iter().map(|&t| w.towns[t].id.clone()).collect();
    let schools: Vec<String> = b
        .towns
        .iter()
        .map(|&t| format!("{}{}", w.towns[t].name, rng.pick(SCHOOL_SUFFIX)))
        .collect();
    let mut summary = String::new();
    sentence(rng, w, &b.name, &mut summary);
    let mut s = format!(
        "id: {}\nname: \"{}\"\ntheme: \"{}\"\nsummary: \"{summary}\"\ntowns: {}\nschools: {}\n",
        b.id,
        b.name,
        rng.pick(ACTIONS),
        yaml_list(&towns),
        yaml_list(&schools)
    );
    s.push_str(&stats(
        rng,
        &[
            "schools",
            "funds",
            "trainings",
            "seminars",
            "send_teaching",
            "open_lessons",
        ],
    ));
    s
}

fn alliance_yaml(i: usize, rng: &mut Rng, w: &World) -> String {
    let a = &w.alliances[i];
    let kind = ["名校+", "名师+", "名校长+", "名师工作室"][i % 4];
    let towns: Vec<String> = a.towns.iter().map(|&t| w.towns[t].id.clone()).collect();
    let members: Vec<String> = (0..rng.range(3, 8)).map(|_| school(rng, w)).collect();
    let mut summary = String::new();
    sentence(rng, w, &a.name, &mut summary);
    let mut s = format!(
        "id: {}\nname: \"{}\"\nkind: \"{kind}\"\nlead: \"{}\"\nsummary: \"{summary}\"\nmembers: {}\ntowns: {}\n",
        a.id,
        a.name,
        school(rng, w),
        yaml_list(&members),
        yaml_list(&towns)
    );
    s.push_str(&stats(
        rng,
        &[
            "schools",
            "teachers",
            "trainings",
            "seminars",
            "open_lessons",
            "send_teaching",
            "projects",
        ],
    ));
    s
}

/// An entity as a Hugo page: its name, summary and the same statistics as a
/// Markdown table, so Hugo renders one page per entity as huiwen does.
fn hugo_entity(yaml: &str, section: &str) -> (String, String) {
    let field = |k: &str| {
        yaml.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}: ")))
            .unwrap_or("")
            .trim_matches('"')
            .to_string()
    };
    let id = field("id");
    let mut md = format!(
        "---\ntitle: \"{}\"\nslug: {id}\n---\n\n{}\n\n| 年度 | 指标 | 数值 |\n| --- | --- | --- |\n",
        field("name"),
        field("summary")
    );
    let mut year = "";
    let mut in_stats = false;
    for l in yaml.lines() {
        if l == "stats:" {
            in_stats = true;
        } else if in_stats {
            let t = l.trim();
            if let Some(y) = t
                .strip_suffix(':')
                .filter(|_| l.starts_with("  ") && !l.starts_with("    "))
            {
                year = y;
            } else if let Some((k, v)) = t.split_once(": ") {
                let label = METRICS.iter().find(|m| m.0 == k).map(|m| m.1).unwrap_or(k);
                writeln!(md, "| {year} | {label} | {v} |").expect("write to String");
            }
        }
    }
    (format!("content/{section}/{id}.md"), md)
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

const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "layouts/_default/baseof.html",
        include_str!("../bench/hugo/layouts/_default/baseof.html"),
    ),
    (
        "layouts/_default/list.html",
        include_str!("../bench/hugo/layouts/_default/list.html"),
    ),
    (
        "layouts/_default/single.html",
        include_str!("../bench/hugo/layouts/_default/single.html"),
    ),
    (
        "layouts/index.html",
        include_str!("../bench/hugo/layouts/index.html"),
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
    let mut rng = Rng::new(opts.seed);
    let w = world(opts.reports, &mut rng);
    let mut out = Writer::new(&opts.out);
    let mut hugo = opts.hugo.as_deref().map(Writer::new);

    out.write("site.yaml", &site_yaml(opts.reports))?;
    out.write(
        "content/_index.md",
        "本站收录生成的基准测试报告，内容由固定种子生成，每次相同。\n",
    )?;
    if let Some(h) = hugo.as_mut() {
        h.write("hugo.toml", HUGO_TOML)?;
        for (rel, text) in HUGO_LAYOUTS {
            h.write(rel, text)?;
        }
        h.write(
            "content/_index.md",
            "---\ntitle: 首页\n---\n\n本站收录生成的基准测试报告，内容由固定种子生成，每次相同。\n",
        )?;
    }
    let mut entity = |rel: &str, section: &str, yaml: String| -> io::Result<()> {
        out.write(rel, &yaml)?;
        if let Some(h) = hugo.as_mut() {
            let (hrel, md) = hugo_entity(&yaml, section);
            h.write(&hrel, &md)?;
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

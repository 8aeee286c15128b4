//! Web residue: the lines a document picks up on its way through a shop,
//! a download site or a PDF viewer (`购物车`, `加入VIP免费下载`,
//! `下面是小编为大家整理的…`, `时间:… 来源:网友投稿`, `第 3 页 共 12 页`,
//! gambling spam). One list, used by the build's residue warnings and by
//! `huiwen import` and `huiwen tidy`, which remove what it finds.
//!
//! A rule is plain text in which `*` or `…` stands for any run of characters
//! on the same line; letters match regardless of case. Its [`Scope`] says on
//! which lines a match is residue: shop chrome such as `购物车` only on a
//! short line, `推荐访问` only at the start, gambling keywords anywhere.

use std::borrow::Cow;
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use crate::tidy::chars;

/// What kind of residue a rule finds, for reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    Shop,
    Download,
    Boilerplate,
    PageMeta,
    PreviewEnd,
    Contact,
    Recommend,
    Gambling,
    PageCounter,
    Link,
    /// A pattern from `site.yaml`.
    Custom,
}

impl Class {
    pub fn label(self) -> &'static str {
        match self {
            Class::Shop => "网站栏目",
            Class::Download => "下载提示",
            Class::Boilerplate => "文库套话",
            Class::PageMeta => "网页信息行",
            Class::PreviewEnd => "预览结束提示",
            Class::Contact => "联系方式广告",
            Class::Recommend => "推荐链接",
            Class::Gambling => "博彩广告",
            Class::PageCounter => "页码",
            Class::Link => "网址",
            Class::Custom => "自定义规则",
        }
    }
}

/// Where in a line a match makes the line residue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A line that is little more than the pattern (`相关文章`, `打印本页`).
    Line,
    /// On a line of at most [`SHORT`] characters.
    Short,
    /// Starting within the first few characters of the line.
    Start,
    /// Anywhere.
    Any,
    /// Never removed, only warned about (addresses may be real references).
    WarnOnly,
}

/// The longest line a [`Scope::Short`] rule removes.
pub const SHORT: usize = 60;
/// The longest line any rule removes: a longer one is probably a whole
/// paragraph with residue inside, so it is kept and reported instead.
pub const LONGEST: usize = 300;
/// Gambling keywords that make a line of any length spam.
const SPAM_HITS: usize = 3;
/// What a [`Scope::Line`] line may have besides its pattern.
const LINE_SLACK: usize = 6;

/// One rule of the list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Rule {
    pub pattern: Cow<'static, str>,
    pub class: Class,
    pub scope: Scope,
}

const fn rule(pattern: &'static str, class: Class, scope: Scope) -> Rule {
    Rule {
        pattern: Cow::Borrowed(pattern),
        class,
        scope,
    }
}

use Class::*;
use Scope::*;

/// The built-in list, Simplified and Traditional. Full-width letters and
/// punctuation match their ASCII forms, so `来源:` also finds `来源：`.
pub const RULES: &[Rule] = &[
    // Shop and site chrome.
    rule("购物车", Shop, Short),
    rule("購物車", Shop, Short),
    rule("我的足迹", Shop, Short),
    rule("我的足跡", Shop, Short),
    rule("我的订单", Shop, Short),
    rule("我的訂單", Shop, Short),
    rule("会员中心", Shop, Short),
    rule("會員中心", Shop, Short),
    rule("登录*注册", Shop, Short),
    rule("登錄*註冊", Shop, Short),
    rule("返回首页", Shop, Short),
    rule("返回首頁", Shop, Short),
    rule("设为首页", Shop, Short),
    rule("設為首頁", Shop, Short),
    rule("收藏本站", Shop, Short),
    rule("打印本页", Shop, Line),
    rule("打印本頁", Shop, Line),
    rule("关闭窗口", Shop, Line),
    rule("關閉窗口", Shop, Line),
    rule("分享到:", Shop, Short),
    rule("上一篇:", Shop, Start),
    rule("下一篇:", Shop, Start),
    // Download prompts.
    rule("VIP*下载", Download, Any),
    rule("VIP*下載", Download, Any),
    rule("免费下载", Download, Short),
    rule("免費下載", Download, Short),
    rule("立即下载", Download, Short),
    rule("立即下載", Download, Short),
    rule("点击*下载", Download, Short),
    rule("點擊*下載", Download, Short),
    rule("下载文档", Download, Short),
    rule("下載文檔", Download, Short),
    rule("文档下载", Download, Short),
    rule("文檔下載", Download, Short),
    rule("展开阅读全文", Download, Short),
    rule("展開閱讀全文", Download, Short),
    // Document-sharing sites' boilerplate.
    rule("小编*整理", Boilerplate, Any),
    rule("小編*整理", Boilerplate, Any),
    rule("小编*收集", Boilerplate, Any),
    rule("小編*收集", Boilerplate, Any),
    rule("希望对您*帮助", Boilerplate, Any),
    rule("希望對您*幫助", Boilerplate, Any),
    rule("本文来源于网络", Boilerplate, Any),
    rule("本文來源於網絡", Boilerplate, Any),
    rule("版权归原作者", Boilerplate, Any),
    rule("版權歸原作者", Boilerplate, Any),
    rule("如有侵权", Boilerplate, Any),
    rule("如有侵權", Boilerplate, Any),
    rule("转载请注明", Boilerplate, Any),
    rule("轉載請註明", Boilerplate, Any),
    rule("范文网", Boilerplate, Any),
    rule("範文網", Boilerplate, Any),
    // Page meta lines: time, source, views.
    rule("网友投稿", PageMeta, Short),
    rule("網友投稿", PageMeta, Short),
    rule("时间:*来源:", PageMeta, Short),
    rule("時間:*來源:", PageMeta, Short),
    rule("来源:*时间:", PageMeta, Short),
    rule("來源:*時間:", PageMeta, Short),
    rule("发布时间:", PageMeta, Short),
    rule("發佈時間:", PageMeta, Short),
    rule("發布時間:", PageMeta, Short),
    rule("更新时间:", PageMeta, Short),
    rule("更新時間:", PageMeta, Short),
    rule("浏览次数:", PageMeta, Short),
    rule("瀏覽次數:", PageMeta, Short),
    rule("阅读次数:", PageMeta, Short),
    rule("閱讀次數:", PageMeta, Short),
    rule("浏览量:", PageMeta, Short),
    rule("瀏覽量:", PageMeta, Short),
    rule("阅读量:", PageMeta, Short),
    rule("閱讀量:", PageMeta, Short),
    rule("字体*大*中*小", PageMeta, Short),
    rule("字體*大*中*小", PageMeta, Short),
    rule("文章来源:", PageMeta, Start),
    rule("文章來源:", PageMeta, Start),
    // The end of a free preview.
    rule("预览*结束", PreviewEnd, Short),
    rule("預覽*結束", PreviewEnd, Short),
    rule("阅读已结束", PreviewEnd, Short),
    rule("閱讀已結束", PreviewEnd, Short),
    rule("试读*结束", PreviewEnd, Short),
    rule("試讀*結束", PreviewEnd, Short),
    rule("需要全文", PreviewEnd, Short),
    rule("获取全文", PreviewEnd, Short),
    rule("獲取全文", PreviewEnd, Short),
    // Contact-me advertising.
    rule("请点击*联系", Contact, Short),
    rule("請點擊*聯繫", Contact, Short),
    rule("請點擊*聯系", Contact, Short),
    rule("点击*联系客服", Contact, Short),
    rule("點擊*聯繫客服", Contact, Short),
    rule("联系客服", Contact, Short),
    rule("聯繫客服", Contact, Short),
    rule("加微信", Contact, Short),
    rule("QQ群", Contact, Short),
    rule("扫码关注", Contact, Short),
    rule("掃碼關注", Contact, Short),
    rule("关注公众号", Contact, Short),
    rule("關注公眾號", Contact, Short),
    // "Recommended" link lists.
    rule("推荐访问", Recommend, Start),
    rule("推薦訪問", Recommend, Start),
    rule("推荐阅读", Recommend, Start),
    rule("推薦閱讀", Recommend, Start),
    rule("相关推荐", Recommend, Line),
    rule("相關推薦", Recommend, Line),
    rule("相关文章", Recommend, Line),
    rule("相關文章", Recommend, Line),
    rule("猜你喜欢", Recommend, Short),
    rule("猜你喜歡", Recommend, Short),
    rule("热门推荐", Recommend, Line),
    rule("熱門推薦", Recommend, Line),
    rule("相关搜索", Recommend, Line),
    rule("相關搜索", Recommend, Line),
    // Gambling spam: a short line with one keyword, or any line with several.
    rule("博彩", Gambling, Short),
    rule("赌场", Gambling, Short),
    rule("賭場", Gambling, Short),
    rule("百家乐", Gambling, Short),
    rule("百家樂", Gambling, Short),
    rule("六合彩", Gambling, Short),
    rule("时时彩", Gambling, Short),
    rule("時時彩", Gambling, Short),
    rule("网上赌", Gambling, Short),
    rule("網上賭", Gambling, Short),
    rule("澳门*娱乐", Gambling, Short),
    rule("澳門*娛樂", Gambling, Short),
    rule("澳门*赌", Gambling, Short),
    rule("澳門*賭", Gambling, Short),
    rule("威尼斯人", Gambling, Short),
    rule("真人娱乐", Gambling, Short),
    rule("真人娛樂", Gambling, Short),
    rule("葡京", Gambling, Short),
    rule("体育投注", Gambling, Short),
    rule("體育投注", Gambling, Short),
    rule("彩票*开户", Gambling, Short),
    rule("彩票*開戶", Gambling, Short),
    rule("赌球", Gambling, Short),
    rule("賭球", Gambling, Short),
    rule("老虎机", Gambling, Short),
    rule("老虎機", Gambling, Short),
    rule("北京赛车", Gambling, Short),
    rule("北京賽車", Gambling, Short),
    rule("幸运飞艇", Gambling, Short),
    rule("幸運飛艇", Gambling, Short),
    rule("彩金", Gambling, Short),
    // Page counters of a PDF viewer or a paged web view.
    rule("第*页*共*页", PageCounter, Short),
    rule("第*頁*共*頁", PageCounter, Short),
    rule("共*页*第*页", PageCounter, Short),
    rule("共*頁*第*頁", PageCounter, Short),
    // Addresses: warned about, never removed.
    rule("http://", Link, WarnOnly),
    rule("https://", Link, WarnOnly),
    rule("www.", Link, WarnOnly),
];

/// What a line is, as far as residue goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict<'a> {
    Clean,
    /// Residue: the line goes.
    Remove(Hit<'a>),
    /// Looks like residue but is kept (a long line, or an address): shown for checking.
    Suspect(Hit<'a>),
}

/// The rule that matched and where (1-based character column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    pub rule: &'a Rule,
    pub column: usize,
}

/// A compiled rule: its pieces in order, lower-cased.
#[derive(Clone)]
struct Compiled {
    parts: Vec<String>,
}

impl Compiled {
    /// Byte offset where the rule matches in the lower-cased `line`.
    fn find(&self, line: &str) -> Option<usize> {
        let mut from = 0;
        let mut first = None;
        for part in &self.parts {
            let i = line.get(from..)?.find(part.as_str())? + from;
            first.get_or_insert(i);
            from = i + part.len();
        }
        first
    }
}

/// A list of rules, ready to match lines.
#[derive(Clone)]
pub struct Matcher {
    rules: Vec<Rule>,
    compiled: Vec<Compiled>,
    /// One automaton over one piece of every rule (its longest, the one
    /// least likely in ordinary text: `页` of `第*页*共*页`, not `第`), in
    /// [`NEEDLE_FORMS`] forms: it finds the few rules worth a closer look,
    /// and most lines and documents need none.
    prefilter: Option<AhoCorasick>,
    /// Whether bare page numbers (`- 3 -`) count: with the built-in list only.
    page_numbers: bool,
}

impl Matcher {
    /// The built-in list (compiled once).
    pub fn builtin() -> &'static Matcher {
        static BUILTIN: LazyLock<Matcher> = LazyLock::new(|| Matcher::new(RULES.to_vec(), true));
        &BUILTIN
    }

    /// Rules given as plain patterns (`residue: {patterns: …}` in `site.yaml`): matched anywhere.
    pub fn from_patterns(patterns: &[String]) -> Matcher {
        let rules = patterns
            .iter()
            .map(|p| Rule {
                pattern: Cow::Owned(p.clone()),
                class: Custom,
                scope: Any,
            })
            .collect();
        Matcher::new(rules, false)
    }

    fn new(rules: Vec<Rule>, page_numbers: bool) -> Matcher {
        let (rules, compiled): (Vec<Rule>, Vec<Compiled>) = rules
            .into_iter()
            .map(|r| {
                let parts: Vec<String> = r
                    .pattern
                    .split(['*', '…'])
                    .filter(|s| !s.is_empty())
                    .map(fold)
                    .collect();
                (r, Compiled { parts })
            })
            .filter(|(_, c)| !c.parts.is_empty())
            .unzip();
        // The automaton looks at unfolded text: each needle goes in as
        // written (ASCII) and in full width (`来源:` and `来源：`, `ＶＩＰ`).
        let needles: Vec<String> = compiled
            .iter()
            .flat_map(|c| {
                // The last of the longest pieces (`max_by_key` keeps the last).
                let p = c
                    .parts
                    .iter()
                    .max_by_key(|p| p.chars().count())
                    .unwrap_or(&c.parts[0]);
                [p.clone(), widen(p), widen(&p.to_uppercase())] // NEEDLE_FORMS
            })
            .collect();
        // A DFA: the automaton is small (a few hundred needles) and the
        // build runs it over every report's whole text.
        let prefilter = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&needles)
            .ok();
        Matcher {
            rules,
            compiled,
            prefilter,
            page_numbers,
        }
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Whether any rule could match somewhere in `text` (a cheap first look
    /// over a whole document before judging its lines).
    pub fn might_match(&self, text: &str) -> bool {
        self.prefilter.as_ref().is_some_and(|p| p.is_match(text))
            || (self.page_numbers
                && text
                    .lines()
                    .any(|l| l.len() <= 32 && is_page_number(l.trim())))
    }

    /// Judges one line of text (Markdown link targets should be blanked first).
    pub fn judge(&self, line: &str) -> Verdict<'_> {
        let line = line.trim();
        if self.page_numbers && is_page_number(line) {
            return Verdict::Remove(Hit {
                rule: &PAGE_NUMBER,
                column: 1,
            });
        }
        let Some(pre) = &self.prefilter else {
            return Verdict::Clean;
        };
        let len = chars::count(line);
        // The rules whose needle occurs; on a long line only those that can
        // act there (short-line rules cannot, except to count as spam).
        let mut candidates: Vec<usize> = pre
            .find_overlapping_iter(line)
            .map(|m| m.pattern().as_usize() / NEEDLE_FORMS)
            .filter(|&i| {
                let r = &self.rules[i];
                len <= SHORT || !matches!(r.scope, Short | Line) || r.class == Gambling
            })
            .collect();
        if candidates.is_empty() {
            return Verdict::Clean;
        }
        candidates.sort_unstable();
        candidates.dedup();
        let folded = fold(line);
        let column = |b: usize| folded.get(..b).map_or(1, |s| s.chars().count() + 1);
        // (byte offset, rule) of every rule that matches, earliest first.
        let mut hits: Vec<(usize, usize)> = candidates
            .into_iter()
            .filter_map(|i| self.compiled[i].find(&folded).map(|b| (b, i)))
            .collect();
        hits.sort_unstable();
        let verdict = |&(b, i): &(usize, usize)| -> Option<bool> {
            let r = &self.rules[i];
            let within = len <= LONGEST;
            match r.scope {
                Line => (len <= chars::count(&r.pattern) + LINE_SLACK).then_some(true),
                Short => (len <= SHORT).then_some(true),
                Start => (column(b) <= 3).then_some(within),
                Any => Some(within),
                WarnOnly => Some(false),
            }
        };
        let hit = |&(b, i): &(usize, usize)| Hit {
            rule: &self.rules[i],
            column: column(b),
        };
        let gambling = hits
            .iter()
            .filter(|&&(_, i)| self.rules[i].class == Gambling);
        if let Some(h) = hits.iter().find(|h| verdict(h) == Some(true)) {
            Verdict::Remove(hit(h))
        } else if gambling.clone().count() >= SPAM_HITS {
            Verdict::Remove(hit(gambling.min().unwrap_or(&hits[0])))
        } else if let Some(h) = hits.iter().find(|h| verdict(h).is_some()) {
            Verdict::Suspect(hit(h))
        } else {
            Verdict::Clean
        }
    }
}

/// How many forms of each needle the prefilter holds (see [`Matcher::new`]).
const NEEDLE_FORMS: usize = 3;

/// Lower case, full-width ASCII forms as ASCII (`ＶＩＰ：` → `vip:`): one
/// character for one (for the characters rules use), so columns stay right.
fn fold(s: &str) -> String {
    s.chars()
        .map(chars::narrow)
        .flat_map(char::to_lowercase)
        .collect()
}

/// ASCII characters in their full-width forms (`:` → `：`).
fn widen(s: &str) -> String {
    s.chars().map(chars::widen).collect()
}

/// The rule reported for a bare page number.
static PAGE_NUMBER: Rule = rule("- 数字 -", PageCounter, Short);

/// `3`, `- 3 -`, `—12—`, `第 3 页`: a page number left by a PDF viewer.
fn is_page_number(line: &str) -> bool {
    let dashes = |c: char| matches!(c, '-' | '—' | '–' | '－' | '·') || chars::is_space(c);
    let core = line.trim_matches(dashes);
    let core = core
        .strip_prefix('第')
        .and_then(|c| c.strip_suffix('页').or_else(|| c.strip_suffix('頁')))
        .map_or(core, |c| c.trim_matches(chars::is_space));
    (1..=3).contains(&core.len()) && core.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(line: &str) -> Option<Class> {
        match Matcher::builtin().judge(line) {
            Verdict::Remove(h) => Some(h.rule.class),
            _ => None,
        }
    }

    #[test]
    fn each_class_in_both_scripts() {
        for (line, class) in [
            ("购物车", Shop),
            ("購物車 我的足跡", Shop),
            ("加入Vip免费下载 立即下载", Download),
            ("加入VIP免費下載", Download),
            (
                "下面是小编为大家整理的年度经验交流材料，供大家参考。",
                Boilerplate,
            ),
            (
                "下面是小編為大家整理的年度經驗交流材料，供大家參考。",
                Boilerplate,
            ),
            ("时间:2023-11-28 15:00:11 来源:网友投稿", PageMeta),
            ("時間：2023-11-28 來源：網友投稿", PageMeta),
            ("更新时间：2024-05-06  浏览次数：1024", PageMeta),
            ("预览阅读已结束,若您需要全文或代笔。", PreviewEnd),
            ("預覽閱讀已結束，若您需要全文", PreviewEnd),
            ("请点击👉 xyz 👈联系老师", Contact),
            ("推荐访问:加力 做文章 佳绩", Recommend),
            ("推薦訪問：經驗交流", Recommend),
            (
                "澳门新葡京娱乐场 百家乐 时时彩 北京赛车 体育投注 官方网站 注册就送彩金 ……………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………………",
                Gambling,
            ),
            ("第 3 页 共 12 页", PageCounter),
            ("第3頁/共12頁", PageCounter),
            ("- 3 -", PageCounter),
            ("—12—", PageCounter),
            ("第 7 页", PageCounter),
        ] {
            assert_eq!(removed(line), Some(class), "{line}");
        }
    }

    #[test]
    fn real_text_stays() {
        for line in [
            "学生课外阅读量明显增加，全年浏览图书馆藏书的人数翻了一番。",
            "我们把送教下乡的时间安排在每月第一周，来源于一线教师的建议。",
            "2025",
            "第一页",
            "详见 https://example.org/notice",
            "上一篇文章中我们谈到了课程改革，这里接着讲教师队伍建设中遇到的几个新问题和我们的解决办法，请各位领导同志批评指正。",
        ] {
            assert_eq!(removed(line), None, "{line}");
        }
    }

    #[test]
    fn long_lines_are_suspects_not_removed() {
        let long = format!("{}免费下载{}", "教".repeat(40), "育".repeat(40));
        assert!(matches!(Matcher::builtin().judge(&long), Verdict::Clean));
        let long = format!("{}VIP会员免费下载{}", "教".repeat(200), "育".repeat(200));
        assert!(matches!(
            Matcher::builtin().judge(&long),
            Verdict::Suspect(_)
        ));
        assert!(matches!(
            Matcher::builtin().judge("详见 https://example.org"),
            Verdict::Suspect(_)
        ));
    }

    #[test]
    fn the_earliest_match_is_reported() {
        let m = Matcher::builtin();
        let Verdict::Remove(h) = m.judge("本文VIP会员免费下载，点击这里联系客服。")
        else {
            panic!("not removed")
        };
        assert_eq!((h.rule.pattern.as_ref(), h.column), ("VIP*下载", 3));
    }

    #[test]
    fn custom_patterns_match_anywhere() {
        let m = Matcher::from_patterns(&["客服".into(), "*".into()]);
        assert_eq!(m.rules().len(), 1);
        assert!(matches!(m.judge("请联系客服"), Verdict::Remove(_)));
        assert!(matches!(m.judge("- 3 -"), Verdict::Clean));
    }
}

//! `site.yaml`: the site's settings, read and checked once, before any content.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics};
use crate::read::decode::decode;
use crate::read::yaml::{LineOffset, OrderedMap, Spanned, parse, pos_of};
use crate::tidy::junk::Matcher;

pub mod metrics;

pub use metrics::{ChartKind, Combine, Metric};

pub const CONFIG_FILE: &str = "site.yaml";

/// The folders a build reads, relative to the site root.
pub const READ_DIRS: [&str; 4] = ["content", "static", "themes", "templates"];

/// How links between pages are written in the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LinkStyle {
    /// Relative links ending in `index.html`: work from file://, under any
    /// sub-path, and on servers with no directory index configured. The default.
    #[default]
    File,
    /// Relative links ending in `/`: prettier, need a server that maps a
    /// directory to its `index.html`.
    Pretty,
}

/// The checked settings.
#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Always ends in `/`. Used for absolute URLs (feed, sitemap), never for page links.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub author: String,
    pub paginate: usize,
    pub link_style: LinkStyle,
    pub metrics: Vec<Metric>,
    /// UI string overrides (merged over the theme's table).
    pub strings: BTreeMap<String, String>,
    pub unsafe_html: bool,
    /// Link the first mention of an entity's name in a report to its page.
    pub autolink: bool,
    /// Build the search index and show the search box and page (default).
    pub search: bool,
    /// Pasted-web residue warnings (see `crate::lint`).
    pub residue: ResidueConfig,
    pub feed_limit: usize,
    /// Where annual archives are published, `{year}` standing for the year
    /// (`http://10.1.2.3/jyjl-archive/{year}/`); the year pages link there.
    pub archive_url: Option<String>,
    /// Free-form values for custom templates (`config.extra.x`).
    pub extra: serde_json::Value,
}

/// `residue:` in `site.yaml`: `false`, or `{enabled, patterns}`. The
/// default list is the one `huiwen import` and `huiwen tidy` use
/// ([`crate::tidy::junk::RULES`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ResidueConfig {
    Switch(bool),
    Settings {
        #[serde(default = "yes")]
        enabled: bool,
        /// Replaces the default list when given.
        patterns: Option<Vec<String>>,
    },
}

fn yes() -> bool {
    true
}

impl Default for ResidueConfig {
    fn default() -> Self {
        ResidueConfig::Switch(true)
    }
}

impl ResidueConfig {
    /// The list this setting checks with: none, the built-in one, or the site's patterns.
    pub fn matcher(&self) -> Option<Cow<'static, Matcher>> {
        match self {
            ResidueConfig::Switch(false) | ResidueConfig::Settings { enabled: false, .. } => None,
            ResidueConfig::Settings {
                patterns: Some(p), ..
            } => Some(Cow::Owned(Matcher::from_patterns(p))),
            _ => Some(Cow::Borrowed(Matcher::builtin())),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: Option<Spanned<String>>,
    description: Option<String>,
    base_url: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    author: Option<String>,
    paginate: Option<Spanned<i64>>,
    link_style: Option<LinkStyle>,
    metrics: Option<OrderedMap<Spanned<String>, metrics::RawMetric>>,
    strings: Option<BTreeMap<String, String>>,
    unsafe_html: Option<bool>,
    autolink: Option<bool>,
    search: Option<bool>,
    residue: Option<ResidueConfig>,
    feed_limit: Option<usize>,
    archive_url: Option<Spanned<String>>,
    extra: Option<serde_json::Value>,
}

impl Config {
    /// Whether `base_url` is a full address (`http://10.1.2.3/jyjl/`), so
    /// absolute URLs can be made (feed links, the sitemap, the archive's
    /// link to the live site).
    pub fn has_full_address(&self) -> bool {
        self.base_url.starts_with("http://") || self.base_url.starts_with("https://")
    }

    pub fn metric(&self, key: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.key.as_str() == key)
    }

    /// Reads and checks `root/site.yaml`; every problem goes to `diags`.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Config> {
        let file = Path::new(CONFIG_FILE);
        let src = read_source(root, file, diags)?;
        let raw: RawConfig = match parse(&src, file, &src, LineOffset(0)) {
            Ok(r) => r,
            Err(d) => {
                diags.push(d);
                return None;
            }
        };
        let mut check = Checker {
            file,
            src: &src,
            diags,
        };
        let title = check.title(raw.title);
        let base_url = check.base_url(raw.base_url);
        let paginate = check.paginate(raw.paginate);
        let theme = check.theme(raw.theme);
        let metrics = metrics::parse(raw.metrics.unwrap_or_default(), file, &src, check.diags);
        let archive_url = check.archive_url(raw.archive_url);
        let language = check.language(raw.language);
        Some(Config {
            title,
            description: raw.description.unwrap_or_default(),
            base_url,
            language,
            theme,
            author: raw.author.unwrap_or_default(),
            paginate,
            link_style: raw.link_style.unwrap_or_default(),
            metrics,
            strings: raw.strings.unwrap_or_default(),
            unsafe_html: raw.unsafe_html.unwrap_or(false),
            autolink: raw.autolink.unwrap_or(true),
            search: raw.search.unwrap_or(true),
            residue: raw.residue.unwrap_or_default(),
            feed_limit: raw.feed_limit.unwrap_or(20).max(1),
            archive_url,
            extra: raw.extra.unwrap_or(serde_json::Value::Null),
        })
    }
}

/// The text of `site.yaml`, decoded, with warnings for its encoding and
/// invisible characters; `None` (with an error) if it cannot be read.
fn read_source(root: &Path, file: &Path, diags: &mut Diagnostics) -> Option<String> {
    let path = root.join(file);
    let bytes = match crate::base::fs::read_regular(&path) {
        Ok(b) => b,
        Err(e) => {
            let reason = crate::base::fs::describe(&e);
            diags.push(
                Diagnostic::error(
                    file,
                    format!("无法读取站点配置 {}：{reason}", path.display()),
                )
                .with_hint("站点根目录要有 site.yaml；用 `huiwen init 目录` 新建一个站点"),
            );
            return None;
        }
    };
    let decoded = decode(&bytes, file);
    diags.extend(decoded.warning);
    let src = decoded.text;
    diags.extend(crate::diag::invisible_chars(file, &src, 1..usize::MAX));
    Some(src)
}

/// Checks the settings of `site.yaml` one by one: each gives its value (or
/// the default after an error, so that every mistake is reported in one run).
struct Checker<'a> {
    file: &'a Path,
    src: &'a str,
    diags: &'a mut Diagnostics,
}

impl Checker<'_> {
    fn error<T>(&mut self, v: &Spanned<T>, msg: String, hint: &str) {
        let d = Diagnostic::error(self.file, msg).at(self.src, pos_of(v, LineOffset(0)));
        self.diags.push(if hint.is_empty() {
            d
        } else {
            d.with_hint(hint)
        });
    }

    fn title(&mut self, t: Option<Spanned<String>>) -> String {
        match t {
            Some(t) if !t.value.trim().is_empty() => t.value.trim().to_owned(),
            Some(t) => {
                self.error(&t, "title 不能为空".to_owned(), "");
                String::new()
            }
            None => {
                self.diags.push(
                    Diagnostic::error(self.file, "缺少必填字段 title（站点名称）")
                        .with_hint("在 site.yaml 中加一行，例如 `title: 某市教育经验交流汇编`"),
                );
                String::new()
            }
        }
    }

    fn base_url(&mut self, b: Option<Spanned<String>>) -> String {
        let Some(b) = b else {
            return "/".to_owned();
        };
        normalize_base_url(&b.value).unwrap_or_else(|msg| {
            let hint = "例如 `base_url: http://10.1.2.3/jyjl/` 或 `base_url: /`";
            self.error(&b, msg, hint);
            "/".to_owned()
        })
    }

    fn paginate(&mut self, p: Option<Spanned<i64>>) -> usize {
        match p {
            None => 20,
            Some(p) if (1..=1000).contains(&p.value) => p.value as usize,
            Some(p) => {
                let msg = format!("paginate 应在 1 到 1000 之间，现在是 {}", p.value);
                self.error(&p, msg, "");
                20
            }
        }
    }

    fn theme(&mut self, t: Option<Spanned<String>>) -> String {
        let Some(t) = t else {
            return "default".to_owned();
        };
        let ok = !t.value.is_empty()
            && t.value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !ok {
            let hint = "主题名只能含字母、数字、- 和 _，对应 themes/<主题名>/ 目录";
            self.error(&t, format!("主题名 `{}` 无效", t.value), hint);
        }
        t.value
    }

    fn archive_url(&mut self, u: Option<Spanned<String>>) -> Option<String> {
        let u = u.filter(|u| !u.value.trim().is_empty())?;
        match check_link_url(u.value.trim()) {
            Ok(()) => Some(u.value.trim().to_owned()),
            Err(msg) => {
                let hint = "例如 `archive_url: http://10.1.2.3/jyjl-archive/{year}/`";
                self.error(&u, format!("archive_url {msg}"), hint);
                None
            }
        }
    }

    fn language(&mut self, l: Option<Spanned<String>>) -> String {
        match l {
            None => "zh-CN".to_owned(),
            Some(l) if is_language_tag(l.value.trim()) => l.value.trim().to_owned(),
            Some(l) => {
                let msg = format!("language `{}` 不是有效的语言代码", l.value);
                self.error(
                    &l,
                    msg,
                    "简体中文写 `zh-CN`（或 `zh-Hans`），繁体写 `zh-Hant`",
                );
                "zh-CN".to_owned()
            }
        }
    }
}

/// Checks a base URL and makes it end in `/`. Accepts `/`, `/sub/path/` and
/// `http(s)://host[:port]/path/`.
pub fn normalize_base_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let ok_scheme = s.starts_with("http://") || s.starts_with("https://") || s.starts_with('/');
    if !ok_scheme || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "base_url `{s}` 无效：应以 http://、https:// 或 / 开头，且不含空格"
        ));
    }
    let mut u = s.to_owned();
    if !u.ends_with('/') {
        u.push('/');
    }
    Ok(u)
}

/// A URL that a page may link to: `http(s)://…` or a relative path. Any
/// other scheme (`javascript:`, `data:`, `file:`) would become a live link
/// on every page, and `//host` leaves the site's protocol to chance.
pub fn check_link_url(s: &str) -> Result<(), String> {
    let lower = s.to_ascii_lowercase();
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("`{s}` 含有空格或控制字符"));
    }
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Ok(());
    }
    if s.starts_with("//") || s.starts_with('\\') {
        return Err(format!("`{s}` 缺少 http:// 或 https://"));
    }
    let scheme = s
        .split_once(':')
        .is_some_and(|(head, _)| !head.contains('/') && !head.is_empty());
    if scheme {
        return Err(format!(
            "`{s}` 无效：只能是 http://、https:// 开头的网址或相对路径"
        ));
    }
    Ok(())
}

/// A BCP 47 language tag as pages carry it (`zh-CN`, `zh-Hant`, `en`).
pub fn is_language_tag(s: &str) -> bool {
    let mut parts = s.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    first_ok
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_gets_a_trailing_slash() {
        assert_eq!(
            normalize_base_url("http://10.1.2.3/jyjl").unwrap(),
            "http://10.1.2.3/jyjl/"
        );
        assert_eq!(normalize_base_url("/").unwrap(), "/");
        assert!(normalize_base_url("10.1.2.3/jyjl").is_err());
        assert!(normalize_base_url("javascript:alert(1)").is_err());
    }

    #[test]
    fn link_urls_are_http_or_relative() {
        for ok in [
            "http://10.1.2.3/a/{year}/",
            "HTTPS://x/",
            "../archive/{year}/",
            "archive/",
        ] {
            assert!(check_link_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "//evil.example/",
            "vbscript:x",
            "http://a b/",
        ] {
            assert!(check_link_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn language_tags() {
        assert!(is_language_tag("zh-CN") && is_language_tag("zh-Hant") && is_language_tag("en"));
        assert!(
            !is_language_tag("zh_CN") && !is_language_tag("\" onload=x") && !is_language_tag("")
        );
    }
}

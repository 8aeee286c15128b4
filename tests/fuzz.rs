//! Fuzzing the loader and renderer: random and mutated front matter, YAML,
//! Markdown and data calls must never panic or hang; every failure is a
//! diagnostic. Bounded (a fixed number of cases) so it runs in every CI.
//! Inputs that once broke something are kept in `tests/fuzz-corpus/` and
//! replayed by `corpus_inputs_fail_cleanly`; proptest stores its own
//! shrunk failures in `proptest-regressions/`.

mod common;

use std::fs;
use std::path::Path;
use std::sync::OnceLock;

use common::TempSite;
use huiwen::diag::Diagnostics;
use huiwen::load::entity::RawTown;
use huiwen::load::frontmatter;
use huiwen::model::Site;
use huiwen::read::yaml::{LineOffset, parse};
use huiwen::render::Renderer;
use huiwen::render::markdown::{Hooks, Origin};
use huiwen::stats::calls::Evaluator;
use proptest::prelude::*;

fn sample() -> &'static (Site, Renderer) {
    static S: OnceLock<(Site, Renderer)> = OnceLock::new();
    S.get_or_init(|| {
        let mut d = Diagnostics::new();
        huiwen::pipeline::prepare_once(
            Path::new(common::REPO),
            &huiwen::pipeline::Plan::default(),
            &mut d,
        )
        .expect("sample site")
    })
}

/// Text made of the characters that matter to YAML, Markdown, HTML and calls.
fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("---\n".to_owned()),
        Just("\n".to_owned()),
        Just("title: ".to_owned()),
        Just("date: 2025-01-01\n".to_owned()),
        Just("towns: [jingzhong, ".to_owned()),
        Just("：".to_owned()),
        Just("{{ stat(town=\"jingzhong\", metric=\"teachers\", year=2025) }}".to_owned()),
        Just("{{ total(metric=".to_owned()),
        Just("{{ stat_chart(metric=\"funds\", year=2025, of=belts) }}".to_owned()),
        Just("}}".to_owned()),
        Just("```yaml\n".to_owned()),
        Just("`".to_owned()),
        Just("<script>alert(1)</script>".to_owned()),
        Just("<img src=x onerror=alert(1)>".to_owned()),
        Just("[x](javascript:alert(1))".to_owned()),
        Just("[y](../2024/none.md#a)".to_owned()),
        Just("[名单](完成率100%以上学校名单.xlsx)".to_owned()),
        Just("[附件](%E9%99%84%E4%BB%B6%)".to_owned()),
        Just("[p](../../../../etc/passwd)".to_owned()),
        Just("![图](/images/a.png)".to_owned()),
        Just("[h](//host/x)".to_owned()),
        Just("[z](附件%ZZ.pdf#锚%)".to_owned()),
        Just("[t](../../towns/jingzhong.yaml#%)".to_owned()),
        Just("| a | b |\n|---|---|\n".to_owned()),
        Just("[^1]".to_owned()),
        Just("&a [*a, *a]".to_owned()),
        Just("敬仲镇".to_owned()),
        Just("義務教育".to_owned()),
        Just("\u{E000}0\u{E001}".to_owned()),
        "[ -~]{0,12}",
        "[\u{4e00}-\u{4e20}，。、]{0,8}",
    ];
    proptest::collection::vec(pieces, 0..max).prop_map(|v| v.concat())
}

/// The first tag with an event handler or a `javascript:` URL, if any
/// (text that merely mentions them is escaped and harmless).
fn unsafe_tag(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let after = &rest[i + 1..];
        let end = after.find('>').unwrap_or(after.len());
        let tag = after[..end].to_ascii_lowercase();
        let handler = tag
            .split_whitespace()
            .skip(1)
            .any(|a| a.starts_with("on") && a.contains('='));
        if handler || tag.contains("javascript:") {
            return Some(tag);
        }
        rest = &after[end..];
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn markdown_with_calls_never_panics_and_stays_safe(body in hostile_text(40)) {
        let (site, r) = sample();
        let href = |p: &huiwen::base::ids::SitePath| format!("../../../{p}");
        let eval = Evaluator { site, href: &href, read: &|_| {} };
        // The link resolver too: links are rewritten as a report's would be.
        let resolver = &r.links;
        let from = site.reports[0].file.clone();
        let links = |dest: &str| {
            resolver
                .resolve(site, &from, dest)
                .result
                .map(|o| o.map(|(path, frag)| format!("../../../{path}{frag}")))
        };
        let hooks = Hooks { calls: Some(&eval), autolink: r.autolinker.as_ref(), href: Some(&href), links: Some(&links) };
        let out = r.markdown.render(&body, &Origin { file: Path::new("fuzz.md"), source: &body, first_line: 1 }, &hooks);
        prop_assert!(!out.html.contains("<script"), "{}", out.html);
        prop_assert!(unsafe_tag(&out.html).is_none(), "{:?} in {}", unsafe_tag(&out.html), out.html);
        let token = '\u{E000}';
        prop_assert!(!out.html.contains(token) || body.contains(token), "call token leaked");
    }

    #[test]
    fn front_matter_never_panics(text in hostile_text(30)) {
        let file = Path::new("fuzz.md");
        if let Ok(Some(split)) = frontmatter::split(&text, file) {
            let _ = frontmatter::parse_front(&split, file, &text);
        }
    }

    #[test]
    fn entity_yaml_never_panics(text in hostile_text(30)) {
        let _ = parse::<RawTown>(&text, Path::new("t.yaml"), &text, LineOffset(0));
        let _ = parse::<Vec<RawTown>>(&text, Path::new("t.yaml"), &text, LineOffset(0));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whole builds with one sample file mutated byte by byte.
    #[test]
    fn mutated_sample_files_build_or_fail_cleanly(
        which in 0usize..3,
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
    ) {
        let s = TempSite::minimal();
        let rel = ["content/towns/a.yaml", "content/reports/2025/r1.md", "site.yaml"][which];
        let mut bytes = fs::read(s.root().join(rel)).unwrap();
        for (at, b) in edits {
            let i = at.index(bytes.len().max(1));
            if i < bytes.len() { bytes[i] = b; } else { bytes.push(b); }
        }
        s.write_bytes(rel, &bytes);
        let (r, d) = s.build();
        prop_assert_eq!(r.is_ok(), !d.has_errors());
        if r.is_err() {
            prop_assert!(!s.out().exists());
        }
    }
}

#[test]
fn corpus_inputs_fail_cleanly() {
    let dir = Path::new(common::REPO).join("tests/fuzz-corpus");
    let mut n = 0;
    for e in fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let s = TempSite::minimal();
        let bytes = fs::read(&p).unwrap();
        if name.ends_with(".md") {
            s.write_bytes(&format!("content/reports/2025/{name}"), &bytes);
        } else {
            s.write_bytes(&format!("content/towns/{name}"), &bytes);
        }
        let started = std::time::Instant::now();
        let (r, d) = s.build();
        assert!(started.elapsed().as_secs() < 10, "{name} too slow");
        assert_eq!(r.is_ok(), !d.has_errors(), "{name}");
        if r.is_ok() {
            for f in common::files(&s.out())
                .iter()
                .filter(|f| f.ends_with(".html"))
            {
                let html = fs::read_to_string(s.out().join(f)).unwrap();
                let prose = html.split("class=\"prose\"").nth(1).unwrap_or("");
                assert!(
                    !prose.contains("<script") && unsafe_tag(prose).is_none(),
                    "{name}: {f}: {:?}",
                    unsafe_tag(prose)
                );
            }
        } else {
            assert!(
                d.iter().any(|x| x.file.to_string_lossy().contains(&name)),
                "{name}: {:?}",
                d.sorted()
            );
        }
        n += 1;
    }
    assert!(n >= 8);
}

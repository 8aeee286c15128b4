//! Entity YAML (towns, belts, alliances with statistics) and its Hugo pages.

use super::*;

/// `stats:` for `years` consecutive years ending in 2025, values growing.
pub(super) fn stats(rng: &mut Rng, keys: &[&str]) -> String {
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

pub(super) fn town_yaml(i: usize, rng: &mut Rng, w: &World) -> String {
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

pub(super) fn belt_yaml(i: usize, rng: &mut Rng, w: &World) -> String {
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

pub(super) fn alliance_yaml(i: usize, rng: &mut Rng, w: &World) -> String {
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
pub(super) fn hugo_entity(yaml: &str, section: &str) -> (String, String) {
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

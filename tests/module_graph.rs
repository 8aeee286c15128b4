//! The pipeline runs one way, and the code must too: a module may use only
//! the modules below it in [`LAYERS`] (and its own parts). A `crate::x`
//! path in a module that sits at or below `x` fails this test, naming the
//! file and line, so a dependency cycle cannot come back unnoticed.
//! Test code (after `#[cfg(test)]`) may use anything.

use std::fs;
use std::path::Path;

/// The crate's top-level modules, bottom first. A new top-level module
/// must be placed here.
const LAYERS: &[&[&str]] = &[
    &["base"],
    &["diag"],
    &["read", "tidy"],
    &["config"],
    &["load"],
    &["model"],
    &["lint"],
    &["stats"],
    &["render"],
    &["search"],
    &["output"],
    &["pipeline"],
    &["serve", "import"],
    &["commands"],
];

fn layer(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in fs::read_dir(dir).expect("read src") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_module_uses_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let top = rel
            .components()
            .next()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_owned()
            })
            .expect("a name");
        if top == "lib" || top == "main" {
            continue;
        }
        let Some(own) = layer(&top) else {
            wrong.push(format!(
                "{}: module `{top}` is not in LAYERS",
                rel.display()
            ));
            continue;
        };
        let text = fs::read_to_string(file).expect("read");
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            let code = line.split("//").next().unwrap_or("");
            for (i, _) in code.match_indices("crate::") {
                let name: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if name == top {
                    continue;
                }
                match layer(&name) {
                    Some(l) if l < own => {}
                    _ => wrong.push(format!(
                        "{}:{}: `{top}` uses `{name}`, which is not below it",
                        rel.display(),
                        n + 1
                    )),
                }
            }
        }
    }
    assert!(wrong.is_empty(), "module graph:\n{}", wrong.join("\n"));
}

#[test]
fn the_checker_sees_an_upward_use() {
    // The same scan over a made-up line, so the test above cannot pass by
    // reading nothing.
    let line = "use crate::render::Renderer;";
    let i = line.find("crate::").unwrap();
    let name: String = line[i + 7..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    assert_eq!(name, "render");
    assert!(layer("render").unwrap() > layer("model").unwrap());
}

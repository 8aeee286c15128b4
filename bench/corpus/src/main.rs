//! `huiwen-corpus --reports N --out DIR [--seed S] [--hugo DIR] [--zola DIR]`: writes the
//! benchmark corpus (see the library's documentation).

use std::path::PathBuf;
use std::process::ExitCode;

use huiwen_corpus::{CorpusOptions, generate};

fn main() -> ExitCode {
    let mut opts = CorpusOptions {
        reports: 10_000,
        out: PathBuf::new(),
        seed: 20_251_122,
        hugo: None,
        zola: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let Some(value) = args.next() else {
            eprintln!("{flag} 后面缺少值");
            return ExitCode::from(2);
        };
        let parsed = match flag.as_str() {
            "--reports" => value.parse().map(|n| opts.reports = n).is_ok(),
            "--seed" => value.parse().map(|n| opts.seed = n).is_ok(),
            "--out" => {
                opts.out = PathBuf::from(value);
                true
            }
            "--hugo" => {
                opts.hugo = Some(PathBuf::from(value));
                true
            }
            "--zola" => {
                opts.zola = Some(PathBuf::from(value));
                true
            }
            _ => false,
        };
        if !parsed {
            eprintln!(
                "用法：huiwen-corpus --reports N --out DIR [--seed S] [--hugo DIR] [--zola DIR]"
            );
            return ExitCode::from(2);
        }
    }
    if opts.out.as_os_str().is_empty() {
        eprintln!("缺少 --out DIR");
        return ExitCode::from(2);
    }
    match generate(&opts) {
        Ok(s) => {
            eprintln!(
                "语料已生成：{} 篇报告，{} 个试点镇，{} 条示范带，{} 个联合体；{} 个文件，{} 字节",
                s.reports, s.towns, s.belts, s.alliances, s.files, s.bytes
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误: {e}");
            ExitCode::FAILURE
        }
    }
}

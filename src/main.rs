//! The `huiwen` command line: parses arguments, runs a command, reports problems.
//!
//! Exit codes: 0 success, 1 content errors, 2 usage errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use huiwen::base::fs::describe;
use huiwen::commands::{init, new};
use huiwen::diag::Diagnostics;
use huiwen::{BuildOptions, build};

#[derive(Parser)]
#[command(
    name = "huiwen",
    version,
    about = "汇文：教育经验交流材料静态网站生成器"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 生成某一年的归档版：可从文件夹或 U 盘直接打开，附年度汇编和校验清单
    Archive {
        /// 年份，例如 2025
        year: i64,
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出目录，默认 <root>/archive/<年份>
        #[arg(long)]
        out: Option<PathBuf>,
        /// 同时生成 <年份>.zip
        #[arg(long)]
        zip: bool,
    },
    /// 按 MANIFEST.sha256 校验归档副本：缺失、被改动和多出的文件
    Verify { dir: PathBuf },
    /// 构建站点到 output/（出错时保留原输出不变）
    Build {
        /// 站点根目录（含 site.yaml）
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 输出目录，默认 <root>/output
        #[arg(long)]
        output: Option<PathBuf>,
        /// 覆盖 site.yaml 中的 base_url
        #[arg(long)]
        base_url: Option<String>,
        /// 同时发布 draft: true 的草稿
        #[arg(long)]
        drafts: bool,
        /// 构建后列出各阶段用时
        #[arg(long)]
        timings: bool,
    },
    /// 检查站点的所有错误和警告，不写任何文件
    Check {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 有警告也返回失败
        #[arg(long)]
        deny_warnings: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// 新建一个站点（含每类内容的示例）
    Init {
        dir: PathBuf,
        /// 同时把默认主题复制到 themes/default/ 以便修改
        #[arg(long)]
        theme: bool,
    },
    /// 本地预览：构建到内存并提供 http 服务，文件修改后自动重建、页面自动刷新
    Serve {
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// 端口（被占用时依次尝试后面的端口）
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// 监听地址；默认只允许本机访问
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// 启动后打开浏览器
        #[arg(long)]
        open: bool,
        /// 同时显示 draft: true 的草稿
        #[arg(long)]
        drafts: bool,
    },
    /// 生成发给各单位填写的统计表（.xlsx）：填好后放进 content/stats/ 即可
    StatsTemplate {
        /// 要填写的年份，例如 2026
        year: i64,
        /// 只生成一类：试点镇、示范带或联合体
        #[arg(long, value_parser = parse_kind)]
        kind: Option<huiwen::base::ids::EntityKind>,
        /// 输出文件，默认 <年份>年统计表.xlsx
        #[arg(short, long)]
        out: Option<PathBuf>,
        /// 每个指标旁附上一年的数字供参考
        #[arg(long)]
        last_year: bool,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// 新建内容
    New {
        #[command(subcommand)]
        what: NewWhat,
    },
    /// 导入收到的文档（Word、文本、网页）为报告草稿：去掉网页残留，恢复标题和分段
    Import(huiwen::commands::import::ImportArgs),
    /// 整理已有报告：去掉网页残留，恢复标题和分段（原文件备份为 .md~）
    Tidy(huiwen::commands::tidy::TidyArgs),
}

#[derive(Subcommand)]
enum NewWhat {
    /// 新建一篇报告：content/reports/<年>/<拼音>.md
    Report {
        title: String,
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn parse_kind(s: &str) -> Result<huiwen::base::ids::EntityKind, String> {
    huiwen::base::ids::EntityKind::named(s)
        .ok_or_else(|| "应为 试点镇、示范带 或 联合体".to_owned())
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Import(args) => huiwen::commands::import::run(&args),
        Command::Tidy(args) => huiwen::commands::tidy::run(&args),
        Command::Build {
            root,
            output,
            base_url,
            drafts,
            timings,
        } => run_build(
            BuildOptions {
                root,
                output,
                base_url,
                drafts,
                progress: std::io::stderr().is_terminal(),
            },
            timings,
        ),
        Command::Check {
            root,
            deny_warnings,
            format,
        } => run_check(&root, deny_warnings, format),
        Command::Init { dir, theme } => run_init(&dir, theme),
        Command::Serve {
            root,
            port,
            bind,
            open,
            drafts,
        } => {
            let opts = huiwen::serve::ServeOptions {
                port,
                bind,
                drafts,
                ..huiwen::serve::ServeOptions::new(root)
            };
            match huiwen::serve::serve(&opts, open) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("错误: {}", describe(&e));
                    ExitCode::from(2)
                }
            }
        }
        Command::Archive {
            year,
            root,
            out,
            zip,
        } => run_archive(huiwen::commands::archive::ArchiveOptions {
            root,
            year,
            out,
            zip,
            date: huiwen::base::date::Date::today(),
        }),
        Command::Verify { dir } => run_verify(&dir),
        Command::StatsTemplate {
            year,
            kind,
            out,
            last_year,
            root,
        } => run_stats_template(huiwen::commands::stats_template::TemplateOptions {
            root,
            year,
            kind,
            out,
            last_year,
        }),
        Command::New {
            what: NewWhat::Report { title, root },
        } => match new::new_report(&root, &title, huiwen::base::date::Date::today()) {
            Ok(p) => {
                eprintln!(
                    "已新建 {}（draft: true，写好后删掉这一行即可发布）",
                    p.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("错误: {}", describe(&e));
                ExitCode::from(1)
            }
        },
    }
}

fn run_build(opts: BuildOptions, timings: bool) -> ExitCode {
    let (result, diags) = build(&opts);
    print_diags(&diags);
    match result {
        Ok(s) => {
            if timings {
                for (name, d) in &s.phases {
                    eprintln!("{:>8.1} ms  {name}", d.as_secs_f64() * 1e3);
                }
            }
            for note in &s.notes {
                eprintln!("提示：{note}");
            }
            eprintln!(
                "构建完成：{} 个页面，共 {} 个文件，写入 {}，用时 {} ms{}",
                s.pages,
                s.files,
                s.output.display(),
                s.elapsed.as_millis(),
                warn_suffix(&diags)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("构建失败：{e}{}；原输出目录未改动", warn_suffix(&diags));
            print_hint(e.hint());
            ExitCode::from(1)
        }
    }
}

fn run_check(root: &std::path::Path, deny_warnings: bool, format: Format) -> ExitCode {
    let diags = huiwen::commands::build::check(root);
    if format == Format::Json {
        let json = serde_json::to_string_pretty(&diags.sorted()).unwrap_or_else(|_| "[]".into());
        println!("{json}");
    } else {
        print_diags(&diags);
        eprintln!(
            "检查完成：{} 个错误，{} 个警告",
            diags.error_count(),
            diags.warning_count()
        );
    }
    if diags.has_errors() || (deny_warnings && diags.warning_count() > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_init(dir: &std::path::Path, theme: bool) -> ExitCode {
    match init::init(dir, theme) {
        Ok(files) => {
            for f in &files {
                eprintln!("  新建 {f}");
            }
            eprintln!("站点已创建。下一步：cd {} && huiwen build", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误: {}", describe(&e));
            ExitCode::from(1)
        }
    }
}

fn run_archive(opts: huiwen::commands::archive::ArchiveOptions) -> ExitCode {
    let (result, diags) = huiwen::commands::archive::archive(&opts);
    print_diags(&diags);
    match result {
        Ok(s) => {
            eprintln!(
                "归档完成：{} 篇报告，{} 个文件，写入 {}{}",
                s.reports,
                s.files,
                s.out.display(),
                s.zip
                    .map(|z| format!("，压缩包 {}", z.display()))
                    .unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("归档失败：{e}");
            print_hint(e.hint());
            ExitCode::from(1)
        }
    }
}

fn run_verify(dir: &std::path::Path) -> ExitCode {
    let v = match huiwen::commands::archive::verify(dir) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("错误: {}", describe(&e));
            return ExitCode::from(1);
        }
    };
    for f in &v.missing {
        eprintln!("缺失: {f}");
    }
    for f in &v.changed {
        eprintln!("被改动: {f}");
    }
    for f in &v.extra {
        eprintln!("多出: {f}");
    }
    if v.ok() {
        eprintln!("校验通过：{} 个文件与清单一致", v.checked);
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "校验失败：缺失 {}，被改动 {}，多出 {}",
            v.missing.len(),
            v.changed.len(),
            v.extra.len()
        );
        ExitCode::from(1)
    }
}

fn run_stats_template(opts: huiwen::commands::stats_template::TemplateOptions) -> ExitCode {
    let (result, diags) = huiwen::commands::stats_template::stats_template(&opts);
    print_diags(&diags);
    match result {
        Ok(p) => {
            eprintln!(
                "统计表已生成：{}（发给各单位填写，交回后放进 content/stats/）",
                p.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("错误: {e}");
            ExitCode::from(1)
        }
    }
}

fn warn_suffix(d: &Diagnostics) -> String {
    match d.warning_count() {
        0 => String::new(),
        n => format!("，{n} 个警告"),
    }
}

fn print_hint(hint: Option<&str>) {
    if let Some(h) = hint {
        eprintln!("  = 提示: {h}");
    }
}

fn print_diags(diags: &Diagnostics) {
    for d in diags.sorted() {
        eprintln!("{d}");
    }
}

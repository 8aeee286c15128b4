//! What the CLI drives: each command is a function over a site root.
//! `import` and `tidy` also hold their arguments (clap `Args`), so the
//! binary only names them.

pub mod archive;
pub mod build;
pub mod import;
pub mod init;
pub mod new;
pub mod stats_template;
pub mod tidy;

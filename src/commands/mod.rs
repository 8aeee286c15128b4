//! What the CLI drives: each command is a function over a site root.

pub mod archive;
pub mod build;
pub mod init;
pub mod new;
pub mod stats_template;

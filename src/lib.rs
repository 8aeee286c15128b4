//! huiwen (汇文): Markdown reports and YAML statistics into a static site for
//! education experience-sharing publications.
//!
//! The pipeline, one way, each stage reading only what the one before produced:
//!
//! ```text
//! config::Config::load      site.yaml → checked settings
//! load::load                content/ → raw reports, pages, entity YAML (with positions)
//! model::Site::build        → the site graph: ids resolved, reverse links, taxonomies
//! render::Renderer          theme templates + Markdown → pages
//! search::write_index       the model and each page's visible text → the in-browser search index (beside the pages)
//! output::Staging           → the previous output updated in place (only changed files written), swapped in atomically
//! ```
//!
//! Every stage pushes problems into [`diag::Diagnostics`] and carries on, so a
//! run reports every error at once; nothing is written if any is an error.
//! [`commands`] holds what the CLI drives: build, check, archive, init, new;
//! [`serve`] the live preview.

// Diagnostics are returned by value on the cold path (one per problem found);
// boxing them would only add noise to every `?`.
#![allow(clippy::result_large_err)]

pub mod base;
pub mod commands;
pub mod config;
pub mod diag;
pub mod import;
pub mod lint;
pub mod load;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod read;
pub mod render;
pub mod search;
pub mod serve;
pub mod stats;
pub mod tidy;

pub use commands::build::{BuildError, BuildOptions, BuildSummary, build};

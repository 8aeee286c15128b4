//! Statistics that people read: sums over entities, SVG charts, figures
//! inside reports, the overview page's data and CSV/JSON downloads.

pub mod aggregate;
pub mod calls;
pub mod chart;
pub mod export;

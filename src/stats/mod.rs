//! Statistics that people read: figures combined over entities as each
//! metric says (sums, averages, weighted averages) and compared on a
//! comparable basis, SVG charts, figures
//! inside reports, the overview page's data and CSV/JSON downloads.

pub mod aggregate;
pub mod calls;
pub mod chart;
pub mod combine;
pub mod export;

//! Drawing with plotters, generic over the backend: the same code draws on the page's canvas
//! (through a [`recording::Recording`]) and into SVG for export; each panel's numbers as CSV.
//! Nothing here computes theory: every panel draws an answer of the layers below.

pub mod best_dimension;
pub mod capped;
pub mod chart;
pub mod csv;
pub mod curves;
pub mod images;
pub mod recording;
pub mod scatter;
pub mod schedule;
pub mod seeds;
pub mod spectrum;
pub mod style;

pub use best_dimension::draw_best_dimension_panel;
pub use capped::{draw_capped_curves_panel, draw_capped_distance_panel, draw_capped_variances_panel};
pub use chart::{AxisFrame, log_range};
pub use curves::{MonteCarloPoints, Overlay, draw_curves_panel, drawn_dimensions};
pub use images::{ImageCurves, draw_image_curves_panel};
pub use scatter::{ScatterFrame, draw_scatter_panel};
pub use schedule::draw_schedule_panel;
pub use seeds::draw_seeds_panel;
pub use spectrum::draw_spectrum_panel;
pub use style::{DARK, LIGHT, Style, Theme, View, XAxis};

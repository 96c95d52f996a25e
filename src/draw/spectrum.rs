//! The data's spectrum and the linear autoencoder's reconstruction error by latent dimension.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{Failure, IndexedLogChart, indexed, indexed_log_chart, legend, marker_radius, thinned};
use super::style::{CATEGORICAL, Style};
use crate::theory::diagonal::reconstruction_errors;

/// Panel "spectrum": the data's variances `σk²` (PCA eigenvalues) on a log scale, and the linear
/// autoencoder's reconstruction error `Σ_{k>d} σk²` for each latent dimension `d`: how well the
/// autoencoder alone does, which the stopping-time curves add the diffusion's error to.
pub fn draw_spectrum_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    variances: &[f64],
    style: &Style,
) -> Result<(), Failure<DB>> {
    let (fitted, compact) = style.fitted(area);
    let style = &fitted;
    let dimension = variances.len();
    let errors = reconstruction_errors(variances);
    let all: Vec<f64> = variances.iter().chain(&errors).copied().collect();
    let IndexedLogChart { mut chart, y_min, .. } = indexed_log_chart(
        area,
        "Spectrum σk² and the autoencoder's reconstruction error",
        dimension,
        &all,
        ("k (eigenvalue) or d (latent dimension)", "log scale"),
        style,
    )?;
    let series = |values: &[f64]| indexed(values, y_min);
    let radius = marker_radius(style, dimension);
    let (spectrum, error) = (CATEGORICAL[0], CATEGORICAL[2]);
    chart.draw_series(LineSeries::new(series(variances), spectrum.mix(0.5).stroke_width(style.px(1.0))))?;
    chart
        .draw_series(thinned(series(variances)).into_iter().map(|p| Circle::new(p, radius, spectrum.filled())))?
        .label("σk²")
        .legend(move |(x, y)| Circle::new((x + 9, y), 4, spectrum.filled()));
    chart
        .draw_series(LineSeries::new(series(&errors), style.line(error, 2.0)))?
        .label("reconstruction error with d dimensions")
        .legend(style.legend_swatch(style.line(error, 2.0)));
    // A narrow plot (the upload preview, a phone) leaves the colours to its caption.
    if !compact {
        legend!(chart, style, SeriesLabelPosition::LowerLeft);
    }
    area.present()
}

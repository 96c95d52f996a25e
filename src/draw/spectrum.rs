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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::style::LIGHT;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_short_spectrum_labels_each_index_once() {
        let mut svg = String::new();
        let area = SVGBackend::with_string(&mut svg, (640, 400)).into_drawing_area();
        draw_spectrum_panel(&area, &[1.0, 0.5, 0.1], &Style { theme: LIGHT, scale: 1.0 }).unwrap();
        drop(area);
        // Each text element's content, trimmed (the SVG backend puts it on a line of its own).
        let texts: Vec<&str> = svg
            .split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split("</text>").next()?.trim()))
            .collect();
        let label_count = |label: &str| texts.iter().filter(|&&t| t == label).count();
        for k in ["1", "2", "3"] {
            assert_eq!(label_count(k), 1, "index {k} in {texts:?}");
        }
        assert_eq!(label_count("0") + label_count("4"), 0);
    }
}

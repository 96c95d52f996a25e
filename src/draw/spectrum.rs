//! The data's spectrum and the linear autoencoder's reconstruction error by latent dimension.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{
    Failure, IndexedLogChart, indexed, indexed_log_chart, legend, marker_radius, quietest_corner, thinned,
};
use super::style::{CATEGORICAL, Style};
use crate::theory::diagonal::reconstruction_errors;

const ERROR_LABEL: &str = "reconstruction error with d dimensions";

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
        ("k (eigenvalue) or d (latent dimension)", "variance (log scale)"),
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
        .label(ERROR_LABEL)
        .legend(style.legend_swatch(style.line(error, 2.0)));
    // A narrow plot (the upload preview, a phone) leaves the colours to its caption. Elsewhere the
    // legend takes the corner where it hides the fewest points of either series (a spectrum that
    // falls to zero early leaves the lower left full).
    if !compact {
        use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft, UpperRight};
        let points: Vec<(f64, f64)> = series(variances).into_iter().chain(series(&errors)).collect();
        let corner =
            quietest_corner(&chart, &points, (2, ERROR_LABEL), style, [LowerLeft, UpperRight, LowerRight, UpperLeft]);
        legend!(chart, style, corner);
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
    fn the_legend_hides_no_marker_and_the_bottom_decade_is_labelled() {
        use crate::draw::recording::Recording;
        // Figure 4 (right)'s spectrum: zeros after k = 4 and a reconstruction error that reaches
        // them at d = 4 fill the lower left, where the legend used to sit over σ₂².
        for (size, scale) in [((906, 340), 1.0), ((640, 400), 1.0), ((1300, 500), 2.0)] {
            let recording = Recording::new(size);
            let style = Style { theme: LIGHT, scale };
            draw_spectrum_panel(&recording.clone().into_drawing_area(), &[10.0, 0.2, 0.2, 0.2, 0.0, 0.0], &style)
                .unwrap();
            let ((left, top), (right, bottom)) = recording.legend_box().expect("a legend");
            // The plot's markers: the filled circles drawn before the legend's own.
            let circles = recording.circles();
            for &((x, y), radius, _) in &circles[..circles.len() - 1] {
                let r = radius as i32;
                let clear = x + r < left || x - r > right || y + r < top || y - r > bottom;
                assert!(clear, "{size:?}: marker at ({x}, {y}) under the legend {left}..{right} × {top}..{bottom}");
            }
            // The axis runs from 10⁻¹ (the floor under σ² = 0.2) to 10².
            let texts: Vec<String> = recording.texts().into_iter().map(|t| t.text).collect();
            for label in ["10⁻¹", "10⁰", "10¹", "10²"] {
                assert!(texts.iter().any(|t| t == label), "{size:?}: {label} missing from {texts:?}");
            }
        }
    }

    #[test]
    fn a_phone_labels_every_one_of_six_indices() {
        use crate::draw::recording::Recording;
        // A 290 CSS px column at two device pixels per CSS pixel: room for six one-digit labels,
        // which the width-based x label count must not thin to every other one.
        let recording = Recording::new((580, 326));
        let style = Style { theme: LIGHT, scale: 2.0 };
        draw_spectrum_panel(&recording.clone().into_drawing_area(), &[10.0, 0.2, 0.2, 0.2, 0.0, 0.0], &style).unwrap();
        let texts: Vec<String> = recording.texts().into_iter().map(|t| t.text).collect();
        for k in 1..=6 {
            assert!(texts.contains(&k.to_string()), "index {k} missing from {texts:?}");
        }
    }

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

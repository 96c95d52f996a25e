//! The samples panel: data draws and generated samples on two coordinates at one frame, with both
//! exact laws' 95% ellipses.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{Failure, frame, legend, legend_fits, mesh};
use super::style::{CATEGORICAL, Style};

/// The scatter panel at one frame: two coordinates of data draws and of generated samples, and
/// the exact laws' 95% ellipses.
#[derive(Clone, Debug)]
pub struct ScatterFrame {
    pub title: String,
    /// 1-based coordinates of the axes.
    pub coordinates: [usize; 2],
    pub data: Vec<(f64, f64)>,
    pub generated: Vec<(f64, f64)>,
    /// Per axis: the data's variance and the generated law's (0 on a zero-filled coordinate).
    pub data_variances: [f64; 2],
    pub law_variances: [f64; 2],
}

/// χ²₂'s 95% quantile: the ellipse `x²/vx + y²/vy = 5.991` holds 95% of a centred Gaussian.
const CHI2_2_95: f64 = 5.991_464_547_107_979;

/// The 95% ellipse of `N(0, diag(vx, vy))` as a closed path (a segment when a variance is 0).
fn ellipse(vx: f64, vy: f64) -> Vec<(f64, f64)> {
    let (rx, ry) = ((CHI2_2_95 * vx).sqrt(), (CHI2_2_95 * vy).sqrt());
    (0..=180)
        .map(|i| i as f64 * std::f64::consts::TAU / 180.0)
        .map(|a| (rx * libm::cos(a), ry * libm::sin(a)))
        .collect()
}

/// Panel "scatter": data draws and generated samples on two coordinates at the cursor's frame,
/// with both exact laws' 95% ellipses. The axes fit the larger law of the frame.
pub fn draw_scatter_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    frame_data: &ScatterFrame,
    style: &Style,
) -> Result<(), Failure<DB>> {
    let (fitted, compact) = style.fitted(area);
    let style = &fitted;
    let half_width = |axis: usize| {
        let largest = frame_data.data_variances[axis].max(frame_data.law_variances[axis]);
        if largest > 0.0 { 3.2 * largest.sqrt() } else { 1.0 }
    };
    let (hx, hy) = (half_width(0), half_width(1));
    // The legend spans the upper left, and a law with the larger variance on the y axis reaches
    // its box (the ellipses rise to 2.45 σ of the 3.2 σ half-height): the axis gains headroom for
    // it. The plot's height is the area's less the frame's title, margins and label band.
    let entries = 2 + 2 * usize::from(!frame_data.data.is_empty());
    let plot_height = f64::from(area.dim_in_pixel().1) - 105.0 * style.scale;
    let legend_share = (28.0 + 1.25 * 11.5 * entries as f64) * style.scale / plot_height.max(1.0);
    let ellipse_top = (CHI2_2_95 * frame_data.data_variances[1].max(frame_data.law_variances[1])).sqrt();
    let top = if compact || legend_share >= 0.5 {
        hy
    } else {
        hy.max((ellipse_top + legend_share * hy) / (1.0 - legend_share))
    };
    let [i, j] = frame_data.coordinates;
    let mut chart = frame(area, &frame_data.title, style)?.build_cartesian_2d(-hx..hx, -hy..top)?;
    mesh!(chart, style, format!("coordinate {i}"), format!("coordinate {j}"));
    let inside = |&(x, y): &(f64, f64)| x.abs() <= hx && (-hy..=top).contains(&y);
    let (data_color, generated_color) = (CATEGORICAL[0], RGBColor(230, 120, 30));
    let dot = style.px(1.6);
    // The points once the worker has sent them; the exact ellipses at once.
    for (points, color, label) in [
        (&frame_data.data, data_color, format!("data draws ({})", frame_data.data.len())),
        (
            &frame_data.generated,
            generated_color,
            format!("generated samples ({}, simulated)", frame_data.generated.len()),
        ),
    ] {
        if points.is_empty() {
            continue;
        }
        chart
            .draw_series(points.iter().filter(|p| inside(p)).map(|&p| Circle::new(p, dot, color.mix(0.45).filled())))?
            .label(label)
            .legend(style.legend_dot(3.0, color.filled()));
    }
    let [dx, dy] = frame_data.data_variances;
    let [gx, gy] = frame_data.law_variances;
    chart
        .draw_series(LineSeries::new(ellipse(dx, dy), style.line(data_color, 2.2)))?
        .label("data law, 95% ellipse (exact)")
        .legend(style.legend_swatch(style.line(data_color, 2.2)));
    chart
        .draw_series(LineSeries::new(ellipse(gx, gy), style.line(generated_color, 2.2)))?
        .label("sampler's law, 95% ellipse (exact)")
        .legend(style.legend_swatch(style.line(generated_color, 2.2)));
    // No legend on a phone: the caption names the colours.
    if !compact && legend_fits(&chart, entries, style) {
        legend!(chart, style, SeriesLabelPosition::UpperLeft);
    }
    area.present()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::draw::recording::Recording;
    use crate::draw::style::LIGHT;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_legend_keeps_off_both_ellipses() {
        // The sampler's law taller than the data's (as at Figure 4 (left)'s t = 1.5, d = 9), at a
        // desktop column's sizes and at two device pixels per CSS pixel.
        for (data, law) in [([1.0, 1.0], [1.3, 1.3]), ([4.0, 0.5], [0.3, 2.0]), ([1.0, 1.0], [1.0, 1.0])] {
            for ((width, height), scale) in [((906, 571), 1.0), ((640, 480), 1.0), ((1812, 1142), 2.0)] {
                let frame_data = ScatterFrame {
                    title: "samples".into(),
                    coordinates: [1, 2],
                    data: vec![(0.0, 0.0)],
                    generated: vec![(0.0, 0.0)],
                    data_variances: data,
                    law_variances: law,
                };
                let recording = Recording::new((width, height));
                let style = Style { theme: LIGHT, scale };
                draw_scatter_panel(&recording.clone().into_drawing_area(), &frame_data, &style).unwrap();
                let ((left, top), (right, bottom)) = recording.legend_box().expect("a legend");
                let ellipses: Vec<Vec<(i32, i32)>> = recording.paths().into_iter().filter(|p| p.len() > 100).collect();
                assert_eq!(ellipses.len(), 2);
                for &(x, y) in ellipses.iter().flatten() {
                    let under = (left..=right).contains(&x) && (top..=bottom).contains(&y);
                    assert!(!under, "{data:?}/{law:?} at {width} × {height}: ({x}, {y}) under the legend");
                }
            }
        }
    }
}

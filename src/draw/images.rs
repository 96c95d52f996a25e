//! The images panel's curves: pixel-space `dF²` against the stopping time for several latent
//! dimensions, exact lines and simulated dots.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{Failure, frame, legend, legend_fits, log_axis, log_range, mesh};
use super::style::{CATEGORICAL, CURSOR, LEGEND_SWATCH, Style, WIDEST_EM_PER_CHAR, power_of_ten_label};

/// One latent dimension's series in the image panel: the Gaussian score's exact `dF²` after every
/// step, and the simulated `dF²` of the sampled set at its frames.
#[derive(Clone, Debug)]
pub struct ImageCurves<'a> {
    pub d: usize,
    pub law_t: &'a [f64],
    pub law_fd2: &'a [f64],
    pub t: &'a [f64],
    pub simulated: &'a [f64],
}

/// Panel "image curves": pixel-space `dF²` to the data against the stopping time for several `d`,
/// exact lines (Gaussian score) and simulated dots (the score that ran), and the cursor.
pub fn draw_image_curves_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (title, y_desc): (&str, &str),
    curves: &[ImageCurves],
    cursor: Option<f64>,
    style: &Style,
) -> Result<(), Failure<DB>> {
    let (fitted, compact) = style.fitted(area);
    let style = &fitted;
    // A phone's plot has no room for a legend inside it: rows under it name each d by its colour
    // (the caption says that lines are exact and dots simulated).
    let labels: Vec<String> = curves.iter().map(|c| format!("d = {}", c.d)).collect();
    let longest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let entry_width = style.px(LEGEND_SWATCH + 14.0 + WIDEST_EM_PER_CHAR * 11.5 * longest as f64);
    let (width, height) = area.dim_in_pixel();
    let per_row = (width / entry_width).max(1) as usize;
    let key_height = if compact { curves.len().div_ceil(per_row) as u32 * style.px(18.0) + style.px(6.0) } else { 0 };
    let (plot, key) = area.split_vertically(height.saturating_sub(key_height));
    let all: Vec<f64> = curves.iter().flat_map(|c| c.law_fd2.iter().chain(c.simulated)).copied().collect();
    let (y_min, y_max) = log_range(&all);
    let x_max = curves.iter().filter_map(|c| c.law_t.last().or(c.t.last())).copied().fold(0.0, f64::max).max(1e-9);
    let mut chart = frame(&plot, title, style)?.build_cartesian_2d(0.0..x_max, log_axis(y_min, y_max))?;
    mesh!(chart, style, "stopping time t (backward)", y_desc, y_label_formatter(&|v| power_of_ten_label(*v)));
    let clamp = |xs: &[f64], ys: &[f64]| -> Vec<(f64, f64)> {
        xs.iter().zip(ys).filter(|(_, y)| y.is_finite()).map(|(&x, &y)| (x, y.max(y_min))).collect()
    };
    let legend_inside = !compact && legend_fits(&chart, 2 * curves.len(), style);
    let radius = style.px(3.2);
    for (i, c) in curves.iter().enumerate() {
        let color = CATEGORICAL[i % CATEGORICAL.len()];
        // A sample-based distance has no exact line.
        if !c.law_t.is_empty() {
            let series = chart.draw_series(LineSeries::new(clamp(c.law_t, c.law_fd2), style.line(color, 1.8)))?;
            if legend_inside {
                series
                    .label(format!("{}: exact, Gaussian score", labels[i]))
                    .legend(style.legend_swatch(style.line(color, 2.5)));
            }
        }
        let series = chart.draw_series(clamp(c.t, c.simulated).into_iter().map(|p| {
            EmptyElement::at(p)
                + Circle::new((0, 0), radius, color.filled())
                + Circle::new((0, 0), radius, style.theme.foreground.stroke_width(1))
        }))?;
        if legend_inside {
            series.label(format!("{}: simulated", labels[i])).legend(style.legend_dot(4.0, color.filled()));
        }
    }
    if let Some(t) = cursor.filter(|t| (0.0..=x_max).contains(t)) {
        chart.draw_series(LineSeries::new(vec![(t, y_min), (t, y_max)], style.line(CURSOR, 1.5)))?;
    }
    if legend_inside {
        legend!(chart, style, SeriesLabelPosition::LowerLeft);
    }
    if compact {
        key.fill(&style.theme.background)?;
        let row_height = style.px(18.0) as i32;
        let label_offset = style.px(LEGEND_SWATCH + 5.0) as i32;
        let left = (width as i32 - (per_row.min(curves.len()) as u32 * entry_width) as i32) / 2;
        let font = style.font(11.5).pos(Pos::new(HPos::Left, VPos::Center));
        // Each entry as the legend draws its marks: the line's swatch and a dot in its middle.
        for (i, label) in labels.iter().enumerate() {
            let color = CATEGORICAL[i % CATEGORICAL.len()];
            let at =
                (left + (i % per_row) as i32 * entry_width as i32, (i / per_row) as i32 * row_height + row_height / 2);
            key.draw(&style.legend_swatch(style.line(color, 2.5))(at))?;
            key.draw(&style.legend_dot(3.2, color.filled())(at))?;
            key.draw(&Text::new(label.as_str(), (at.0 + label_offset, at.1), font.clone()))?;
        }
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
    fn every_dimension_is_named_at_a_phones_width_too() {
        let t: Vec<f64> = (0..=20).map(|i| i as f64 / 10.0).collect();
        let lines: Vec<Vec<f64>> = [4.0f64, 16.0, 32.0, 64.0]
            .iter()
            .map(|&d| t.iter().map(|&t| 30.0 / d.sqrt() * (2.5 - t)).collect())
            .collect();
        let curves: Vec<ImageCurves> = [4, 16, 32, 64]
            .iter()
            .zip(&lines)
            .map(|(&d, fd2)| ImageCurves { d, law_t: &t, law_fd2: fd2, t: &t, simulated: fd2 })
            .collect();
        // A phone's column at 2× (a key under the plot, one entry a dimension) and a desktop's
        // (a legend inside, two lines a dimension: its exact line, its dots).
        for ((width, height), scale, per_dimension) in [((584, 380), 2.0, 1), ((906, 420), 1.0, 2)] {
            let recording = Recording::new((width, height));
            let style = Style { theme: LIGHT, scale };
            let area = recording.clone().into_drawing_area();
            draw_image_curves_panel(&area, ("title", "pixel dF²"), &curves, Some(1.5), &style).unwrap();
            let texts: Vec<String> = recording.texts().into_iter().map(|t| t.text).collect();
            for d in [4, 16, 32, 64] {
                let named = texts.iter().filter(|t| t.starts_with(&format!("d = {d}"))).count();
                assert_eq!(named, per_dimension, "{width} px at {scale}×: d = {d} in {texts:?}");
            }
            assert_eq!(recording.legend_box().is_some(), per_dimension == 2, "{width} px: a legend inside");
        }
    }
}

//! The images panel's curves: pixel-space `dF²` against the stopping time for several latent
//! dimensions, exact lines and simulated dots.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{Failure, frame, legend, legend_fits, log_axis, log_range, mesh};
use super::style::{CATEGORICAL, CURSOR, Style, power_of_ten_label};

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
    let all: Vec<f64> = curves.iter().flat_map(|c| c.law_fd2.iter().chain(c.simulated)).copied().collect();
    let (y_min, y_max) = log_range(&all);
    let x_max = curves.iter().filter_map(|c| c.law_t.last().or(c.t.last())).copied().fold(0.0, f64::max).max(1e-9);
    let mut chart = frame(area, title, style)?.build_cartesian_2d(0.0..x_max, log_axis(y_min, y_max))?;
    mesh!(chart, style, "stopping time t (backward)", y_desc, y_label_formatter(&|v| power_of_ten_label(*v)));
    let clamp = |xs: &[f64], ys: &[f64]| -> Vec<(f64, f64)> {
        xs.iter().zip(ys).filter(|(_, y)| y.is_finite()).map(|(&x, &y)| (x, y.max(y_min))).collect()
    };
    for (i, c) in curves.iter().enumerate() {
        let color = CATEGORICAL[i % CATEGORICAL.len()];
        // A sample-based distance has no exact line.
        if !c.law_t.is_empty() {
            chart
                .draw_series(LineSeries::new(clamp(c.law_t, c.law_fd2), style.line(color, 1.8)))?
                .label(format!("d = {}: exact, Gaussian score", c.d))
                .legend(style.legend_swatch(style.line(color, 2.5)));
        }
        let radius = style.px(3.2);
        chart
            .draw_series(clamp(c.t, c.simulated).into_iter().map(|p| {
                EmptyElement::at(p)
                    + Circle::new((0, 0), radius, color.filled())
                    + Circle::new((0, 0), radius, style.theme.foreground.stroke_width(1))
            }))?
            .label(format!("d = {}: simulated", c.d))
            .legend(style.legend_dot(4.0, color.filled()));
    }
    if let Some(t) = cursor.filter(|t| (0.0..=x_max).contains(t)) {
        chart.draw_series(LineSeries::new(vec![(t, y_min), (t, y_max)], style.line(CURSOR, 1.5)))?;
    }
    if !compact && legend_fits(&chart, 2 * curves.len(), style) {
        legend!(chart, style, SeriesLabelPosition::LowerLeft);
    }
    area.present()
}

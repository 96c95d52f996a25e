//! The best latent dimension at each stopping time, exact and plug-in: Prop 2's partition.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{AxisFrame, Failure, axis_frame, finite_range, frame, legend, mesh, y_label_room};
use super::curves::{axis_position, time_window, x_label, x_values};
use super::style::{CATEGORICAL, CURSOR, Style, View, whole_number_label};
use crate::theory::diagonal::{CurvesAnswer, DiagonalProblem, stopping_curves_at};

/// Panel 2: the best latent dimension against time, exact and plug-in (Prop 2's partition).
pub fn draw_best_dimension_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answer: &CurvesAnswer,
    view: &View,
    style: &Style,
) -> Result<AxisFrame, Failure<DB>> {
    let (fitted, compact) = style.fitted(area);
    let style = &fitted;
    // Zoomed, both partitions are recomputed inside the window.
    let window = time_window(answer, view);
    let resampled = window.as_ref().map(|w| {
        let at = |problem: &DiagonalProblem| stopping_curves_at(problem, &w.times).best_dim;
        (at(&answer.problem), at(&answer.problem.with_exact_score()))
    });
    let (xs, (best, best_exact)) = match (&window, &resampled) {
        (Some(w), Some((best, exact))) => (&w.xs[..], (&best[..], &exact[..])),
        _ => (x_values(answer, view.x_axis), (&answer.fd2.best_dim[..], &answer.exact().best_dim[..])),
    };
    let (x_min, x_max) = window.as_ref().map_or_else(|| finite_range(xs), |w| w.x_range);
    let dimension = answer.fd2.dimension();
    let top = dimension as f64 + 0.5;
    let mut chart = frame(area, "Best latent dimension at each stopping time (Prop 2)", style)?
        .build_cartesian_2d(x_min..x_max, 0.5..top)?;
    let integer_label = |v: &f64| if (v - v.round()).abs() < 1e-9 { whole_number_label(v) } else { String::new() };
    let room = y_label_room(chart.plotting_area().dim_in_pixel().1, style);
    mesh!(
        chart,
        style,
        x_label(view.x_axis, compact),
        "best d",
        y_label_formatter(&integer_label),
        y_labels((dimension.min(12) + 1).min(room))
    );
    let steps = |best: &[u32]| -> Vec<(f64, f64)> {
        // A step chart: each change of d is a vertical at the time it happens.
        let mut path: Vec<(f64, f64)> = Vec::with_capacity(2 * best.len());
        for (&x, &d) in xs.iter().zip(best).filter(|(x, _)| x.is_finite()) {
            if let Some(&(_, previous)) = path.last().filter(|&&(_, previous)| previous != d as f64) {
                path.push((x, previous));
            }
            path.push((x, d as f64));
        }
        path
    };
    let exact_color = CATEGORICAL[0];
    chart
        .draw_series(LineSeries::new(steps(best_exact), style.line(exact_color, 2.6)))?
        .label("exact score")
        .legend(style.legend_swatch(style.line(exact_color, 2.6)));
    if answer.fd2_exact.is_some() {
        let plug_in = RGBColor(230, 120, 30);
        chart
            .draw_series(DashedLineSeries::new(steps(best), style.px(6.0), style.px(3.0), style.line(plug_in, 2.0)))?
            .label("plug-in score")
            .legend(style.legend_swatch(style.line(plug_in, 2.0)));
    }
    if let Some(t) = view.cursor {
        let x = axis_position(answer, view.x_axis, t);
        if x.is_finite() && x >= x_min && x <= x_max {
            chart.draw_series(LineSeries::new(vec![(x, 0.5), (x, top)], style.line(CURSOR, 1.5)))?;
        }
    }
    legend!(chart, style, SeriesLabelPosition::UpperLeft);
    area.present()?;
    Ok(axis_frame(&chart))
}

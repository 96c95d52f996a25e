//! The stopping-time curves panel (the paper's Figure 4) and what every time plot shares: one curve
//! per drawn `d` against backward time or LogSNR, the best-`d` envelope, Prop 2's switch times,
//! Prop 3's optimal stops, a sampler's exact law and Monte Carlo over the curves, the cursor.

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{
    AxisFrame, Failure, axis_frame, finite_range, frame, legend, legend_fits, log_axis, log_range_of, mesh, thinned,
};
use super::style::{CURSOR, MONTE_CARLO, Style, View, XAxis, dimension_color, power_of_ten_label, subscript};
use crate::sim::monte_carlo::MonteCarloBand;
use crate::theory::diagonal::{CurveTable, CurvesAnswer, stopping_curves_at, stopping_distance, time_of_log_snr};

/// Panel 1: `dF²(t, d)` on a log axis (Figure 4), the lower envelope, the switch times `t_d`
/// (exact, dashed) and `t̂_d` (plug-in, dotted), each `d`'s optimal stopping time, the cursor.
pub fn draw_curves_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answer: &CurvesAnswer,
    view: &View,
    overlay: Option<&Overlay>,
    style: &Style,
) -> Result<AxisFrame, Failure<DB>> {
    let title = if answer.fd2_exact.is_some() {
        "Fréchet distance² to the data vs stopping time (plug-in score)"
    } else {
        "Fréchet distance² to the data vs stopping time (exact score)"
    };
    let table_at = |times: &[f64]| stopping_curves_at(&answer.problem, times);
    let plot = TimePlot { table: &answer.fd2, table_at: &table_at, title, theory_marks: true, overlay };
    draw_time_curves(area, answer, &plot, view, style)
}

/// A discretised sampler's exact `dF²` after each of its steps, drawn over the curves, with the
/// Monte Carlo of repeated seeded runs when the page has it.
#[derive(Clone, Debug)]
pub struct Overlay {
    pub label: String,
    /// Backward times of the steps.
    pub t: Vec<f64>,
    pub fd2: Vec<f64>,
    pub monte_carlo: Option<MonteCarloPoints>,
}

/// Simulated `dF²` at checkpoints: the mean of the runs and the band that holds 95% of them.
#[derive(Clone, Debug)]
pub struct MonteCarloPoints {
    pub label: String,
    pub t: Vec<f64>,
    pub band: MonteCarloBand,
}

/// Curves drawn at most: beyond, every k-th `d` (plus the first, the last and the emphasised one).
pub const MAX_DRAWN_CURVES: usize = 40;

/// The latent dimensions whose curves are drawn.
pub fn drawn_dimensions(dimension: usize, emphasis: Option<usize>) -> Vec<usize> {
    let step = dimension.div_ceil(MAX_DRAWN_CURVES).max(1);
    let mut dims: Vec<usize> =
        (1..=dimension).filter(|d| (d - 1) % step == 0 || *d == dimension || Some(*d) == emphasis).collect();
    dims.dedup();
    dims
}

/// Where a backward time lands on the chosen x axis.
pub(super) fn axis_position(answer: &CurvesAnswer, x_axis: XAxis, t: f64) -> f64 {
    match x_axis {
        XAxis::Time => t,
        XAxis::LogSnr => answer.problem.schedule.log_snr(answer.problem.final_time - t),
    }
}

pub(super) fn x_values(answer: &CurvesAnswer, x_axis: XAxis) -> &[f64] {
    match x_axis {
        XAxis::Time => &answer.t,
        XAxis::LogSnr => &answer.log_snr,
    }
}

/// The time plots' x-axis title; a compact chart (a phone's) has the short one, which fits in any
/// engine's sans-serif.
pub(super) fn x_label(x_axis: XAxis, compact: bool) -> &'static str {
    match (x_axis, compact) {
        (XAxis::Time, false) => "stopping time t (backward: 0 = noise, T = end of sampling)",
        (XAxis::Time, true) => "stopping time t (0 = noise, T = end)",
        (XAxis::LogSnr, _) => "LogSNR at the stopping time",
    }
}

/// Points a zoomed time plot computes its curves at.
const WINDOW_POINTS: usize = 400;

/// The part of the run a zoomed time plot shows: its x range, and the axis values and backward
/// times, evenly spaced on the axis, where the curves are recomputed (none when the window lies
/// outside the run).
pub(super) struct TimeWindow {
    pub(super) x_range: (f64, f64),
    pub(super) xs: Vec<f64>,
    pub(super) times: Vec<f64>,
}

/// The view's x window over the answer's run, or `None` for the whole run.
pub(super) fn time_window(answer: &CurvesAnswer, view: &View) -> Option<TimeWindow> {
    let (low, high) = view.x_window?;
    let (schedule, final_time) = (&answer.problem.schedule, answer.problem.final_time);
    // The run covers t in [0, T]; on the LogSNR axis, [LogSNR at t = 0, +∞).
    let (first, last) = match view.x_axis {
        XAxis::Time => (0.0, final_time),
        XAxis::LogSnr => (schedule.log_snr(final_time), f64::INFINITY),
    };
    let (from, to) = (low.max(first), high.min(last));
    let (xs, times) = if from < to {
        let xs: Vec<f64> =
            (0..WINDOW_POINTS).map(|i| from + (to - from) * i as f64 / (WINDOW_POINTS - 1) as f64).collect();
        let times = xs
            .iter()
            .map(|&x| match view.x_axis {
                XAxis::Time => x,
                XAxis::LogSnr => time_of_log_snr(schedule, final_time, x),
            })
            .collect();
        (xs, times)
    } else {
        (Vec::new(), Vec::new())
    };
    Some(TimeWindow { x_range: (low, high), xs, times })
}

/// The pieces of a polyline that lie in `y_min..=y_max` on a log y axis, cut where it crosses
/// the bounds (plotters would flatten what lies outside onto the plot's edge).
pub(super) fn clip_log_y(points: &[(f64, f64)], (y_min, y_max): (f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let log = |y: f64| y.max(f64::MIN_POSITIVE).log10();
    let (low, high) = (log(y_min), log(y_max));
    let mut pieces: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for pair in points.windows(2) {
        let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
        let (l0, l1) = (log(y0), log(y1));
        // The part s ∈ [enter, leave] of the segment whose log y lies within the bounds.
        let (mut enter, mut leave) = (0.0f64, 1.0f64);
        if l0 == l1 {
            if l0 < low || l0 > high {
                open = false;
                continue;
            }
        } else {
            let (s_low, s_high) = ((low - l0) / (l1 - l0), (high - l0) / (l1 - l0));
            let (a, b) = if s_low < s_high { (s_low, s_high) } else { (s_high, s_low) };
            enter = enter.max(a);
            leave = leave.min(b);
            if enter > leave {
                open = false;
                continue;
            }
        }
        let at = |s: f64| (x0 + s * (x1 - x0), 10f64.powf(l0 + s * (l1 - l0)));
        if !open || enter > 0.0 {
            pieces.push(vec![if enter == 0.0 { (x0, y0) } else { at(enter) }]);
        }
        let piece = pieces.last_mut().expect("pushed above");
        piece.push(if leave == 1.0 { (x1, y1) } else { at(leave) });
        open = leave == 1.0;
    }
    pieces
}

/// A vertical line across the plot with a label above it, unless a label stood too close.
pub(super) struct Markers {
    pub(super) last_label_px: i32,
}

impl Markers {
    pub(super) fn vertical<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
        &mut self,
        chart: &mut ChartContext<DB, Cartesian2d<RangedCoordf64, Y>>,
        x: f64,
        (y_min, y_max): (f64, f64),
        label: &str,
        dotted: bool,
        style: &Style,
    ) -> Result<(), Failure<DB>> {
        let range = chart.x_range();
        if !(x.is_finite() && x > range.start && x <= range.end) {
            return Ok(());
        }
        let (dash, gap, color) = if dotted {
            (style.px(1.5), style.px(3.0), RGBColor(230, 120, 30))
        } else {
            (style.px(3.0), style.px(3.0), style.theme.foreground)
        };
        chart.draw_series(DashedLineSeries::new(
            vec![(x, y_min), (x, y_max)],
            dash,
            gap,
            color.mix(0.55).stroke_width(style.px(1.0)),
        ))?;
        let px = chart.backend_coord(&(x, y_max)).0;
        if label.is_empty() || (px - self.last_label_px).abs() < style.px(22.0) as i32 {
            return Ok(());
        }
        self.last_label_px = px;
        chart.draw_series(std::iter::once(Text::new(
            label.to_string(),
            (x, y_max),
            style.font(11.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
        )))?;
        Ok(())
    }
}

/// What a time plot shows besides the answer's axes.
pub(super) struct TimePlot<'a> {
    pub(super) table: &'a CurveTable,
    /// The same curves at other backward times (a zoomed window's).
    pub(super) table_at: &'a dyn Fn(&[f64]) -> CurveTable,
    pub(super) title: &'a str,
    /// Prop 2's switch times and Prop 3's optimal stops (the stopping-time curves only).
    pub(super) theory_marks: bool,
    pub(super) overlay: Option<&'a Overlay>,
}

pub(super) fn draw_time_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answer: &CurvesAnswer,
    plot: &TimePlot,
    view: &View,
    style: &Style,
) -> Result<AxisFrame, Failure<DB>> {
    let (title, overlay) = (plot.title, plot.overlay);
    let (fitted, compact) = style.fitted(area);
    let style = &fitted;
    let legend_style = *style;
    let window = time_window(answer, view);
    let resampled = window.as_ref().map(|w| (plot.table_at)(&w.times));
    let (table, xs) = match (&window, &resampled) {
        (Some(w), Some(table)) => (table, &w.xs[..]),
        _ => (plot.table, x_values(answer, view.x_axis)),
    };
    let dimension = plot.table.dimension();
    let (y_min, y_max) = view.y_window.unwrap_or_else(|| log_range_of(table.extremes()));
    let (x_min, x_max) = window.as_ref().map_or_else(|| finite_range(xs), |w| w.x_range);
    let mut chart = frame(area, title, style)?.build_cartesian_2d(x_min..x_max, log_axis(y_min, y_max))?;
    mesh!(
        chart,
        style,
        x_label(view.x_axis, compact),
        "dF² (log scale)",
        y_label_formatter(&|v| power_of_ten_label(*v))
    );
    let in_x = |x: f64| x.is_finite() && x >= x_min && x <= x_max;
    let in_y = |y: f64| view.y_window.is_none() || (y >= y_min && y <= y_max);

    // Each line's visible pieces: within a window set by the reader, cut at its bounds; fitted to
    // the curves, values below the floor (zeros at T) sit on it.
    let pieces = |points: Vec<(f64, f64)>| -> Vec<Vec<(f64, f64)>> {
        let points: Vec<(f64, f64)> = points.into_iter().filter(|&(x, _)| in_x(x)).collect();
        match view.y_window {
            Some(bounds) => clip_log_y(&points, bounds),
            None => vec![points.into_iter().map(|(x, y)| (x, y.max(y_min))).collect()],
        }
    };
    let rows = |row: &[f64]| pieces(xs.iter().copied().zip(row.iter().copied()).collect());
    // One series of a line's pieces: one legend entry, even when no piece shows.
    let paths =
        |pieces: Vec<Vec<(f64, f64)>>, stroke: ShapeStyle| pieces.into_iter().map(move |p| PathElement::new(p, stroke));
    // The lower envelope (the best d at each time) as a wide translucent band under the curves:
    // one path, where a dashed line would be hundreds of strokes.
    let envelope: Vec<f64> = (0..table.points).map(|i| table.row(table.best_dim[i] as usize)[i]).collect();
    let band = style.theme.foreground.mix(0.22).stroke_width(style.px(7.0));
    chart.draw_series(paths(rows(&envelope), band))?.label("best d (envelope)").legend(style.legend_swatch(band));
    let dims = drawn_dimensions(dimension, view.emphasis);
    let faded = view.emphasis.is_some();
    let legend_each = dims.len() <= 10 && !compact;
    for &d in &dims {
        if Some(d) == view.emphasis {
            continue;
        }
        let color = dimension_color(d, dimension);
        let line = if faded { color.mix(0.35).stroke_width(style.px(1.2)) } else { style.line(color, 1.6) };
        let series = chart.draw_series(paths(rows(table.row(d)), line))?;
        if legend_each || d == 1 || d == dimension {
            series.label(format!("d = {d}")).legend(style.legend_swatch(style.line(color, 2.5)));
        }
    }
    if let Some(d) = view.emphasis.filter(|&d| d <= dimension) {
        let color = dimension_color(d, dimension);
        chart
            .draw_series(paths(rows(table.row(d)), style.line(color, 3.2)))?
            .label(format!("d = {d} (selected)"))
            .legend(style.legend_swatch(style.line(color, 3.2)));
    }
    if let Some(overlay) = overlay {
        let steps: Vec<Vec<(f64, f64)>> = pieces(
            overlay.t.iter().zip(&overlay.fd2).map(|(&t, &v)| (axis_position(answer, view.x_axis, t), v)).collect(),
        );
        let ink = style.theme.foreground;
        let side = style.px(3.0) as i32;
        chart.draw_series(paths(steps.clone(), style.line(ink, 1.8)))?;
        chart
            .draw_series(
                thinned(steps.concat())
                    .into_iter()
                    .map(|p| EmptyElement::at(p) + Rectangle::new([(-side, -side), (side, side)], ink.filled())),
            )?
            .label(overlay.label.clone())
            .legend(move |at| {
                let ((x, y), half) = (legend_style.legend_mark(at), legend_style.px(3.0) as i32);
                Rectangle::new([(x - half, y - half), (x + half, y + half)], ink.filled())
            });
        if let Some(mc) = &overlay.monte_carlo {
            let color = MONTE_CARLO;
            let bars: Vec<(f64, f64, f64, f64)> = (0..mc.t.len())
                .map(|c| {
                    let x = axis_position(answer, view.x_axis, mc.t[c]);
                    (x, mc.band.lower[c], mc.band.mean[c], mc.band.upper[c])
                })
                .filter(|&(x, _, mean, _)| in_x(x) && in_y(mean))
                .map(|(x, lower, mean, upper)| (x, lower.max(y_min), mean.max(y_min), upper.clamp(y_min, y_max)))
                .collect();
            let width = style.px(8.0);
            chart
                .draw_series(bars.iter().map(|&(x, lower, mean, upper)| {
                    ErrorBar::new_vertical(x, lower, mean, upper, color.stroke_width(style.px(1.6)), width)
                }))?
                .label(mc.label.clone())
                .legend(move |at| {
                    let ((x, y), half) = (legend_style.legend_mark(at), legend_style.px(5.0) as i32);
                    ErrorBar::new_vertical(
                        x,
                        y - half,
                        y,
                        y + half,
                        color.stroke_width(legend_style.px(2.0)),
                        legend_style.px(8.0),
                    )
                });
            chart.draw_series(
                bars.iter().map(|&(x, _, mean, _)| Circle::new((x, mean), style.px(3.0), color.filled())),
            )?;
        }
    }

    if plot.theory_marks {
        let mut markers = Markers { last_label_px: i32::MIN / 2 };
        // Switch times of the drawn dimensions only: a thousand verticals would hide the curves.
        let inner = |times: &[f64]| -> Vec<(usize, f64)> {
            dims.iter().filter(|&&d| d >= 2).map(|&d| (d, times[d - 1])).collect()
        };
        for (d, t) in inner(&answer.switch_times) {
            let x = axis_position(answer, view.x_axis, t);
            markers.vertical(&mut chart, x, (y_min, y_max), &format!("t{}", subscript(d)), false, style)?;
        }
        if answer.fd2_exact.is_some() {
            for (_, t) in inner(&answer.switch_times_estimated) {
                let x = axis_position(answer, view.x_axis, t);
                markers.vertical(&mut chart, x, (y_min, y_max), "", true, style)?;
            }
        }
        // Each drawn d's best stopping time, where it is not the end of sampling (and is found: at
        // large D the page finds the stops after drawing the curves).
        let stops: Vec<(f64, f64, RGBColor)> = dims
            .iter()
            .filter(|&&d| !answer.monotone[d - 1] && answer.optimal_stop[d - 1].is_finite())
            .map(|&d| {
                let t = answer.optimal_stop[d - 1];
                (
                    axis_position(answer, view.x_axis, t),
                    stopping_distance(&answer.problem, t, d),
                    dimension_color(d, dimension),
                )
            })
            .filter(|&(x, y, _)| in_x(x) && in_y(y))
            .map(|(x, y, color)| (x, y.max(y_min), color))
            .collect();
        if !stops.is_empty() {
            let outline = style.theme.foreground;
            chart
                .draw_series(stops.iter().map(|&(x, y, color)| {
                    EmptyElement::at((x, y))
                        + Circle::new((0, 0), style.px(4.5), color.filled())
                        + Circle::new((0, 0), style.px(4.5), outline.stroke_width(style.px(1.0)))
                }))?
                .label("optimal stop (before T)")
                .legend(style.legend_dot(4.0, outline.stroke_width(style.px(1.0))));
        }
    }
    if let Some(t) = view.cursor {
        let x = axis_position(answer, view.x_axis, t);
        if in_x(x) {
            chart.draw_series(LineSeries::new(vec![(x, y_min), (x, y_max)], style.line(CURSOR, 1.5)))?;
        }
    }
    let overlay_entries = overlay.map_or(0, |o| 1 + usize::from(o.monte_carlo.is_some()));
    let entries = if legend_each { dims.len() } else { 2 } + 3 + overlay_entries;
    if legend_fits(&chart, entries, style) {
        legend!(chart, style, SeriesLabelPosition::LowerLeft);
    }
    area.present()?;
    Ok(axis_frame(&chart))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn clipping_keeps_what_lies_inside_and_cuts_at_the_bounds() {
        // Down from 10 to 1e-3 and back up, on a window of [1e-2, 1]: two pieces, each starting or
        // ending on a bound, every point on the original log-linear segments.
        let line = [(0.0, 10.0), (1.0, 1e-3), (2.0, 1e-3), (3.0, 10.0)];
        let pieces = clip_log_y(&line, (1e-2, 1.0));
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12 * a.abs().max(1.0);
        // log10 y falls 4 decades over x in [0, 1]: y = 1 at x = 0.25, 1e-2 at x = 0.75.
        assert!(close(pieces[0][0].0, 0.25) && close(pieces[0][0].1, 1.0), "{:?}", pieces[0]);
        assert!(close(pieces[0][1].0, 0.75) && close(pieces[0][1].1, 1e-2), "{:?}", pieces[0]);
        assert!(close(pieces[1][0].0, 2.25) && close(pieces[1][1].0, 2.75), "{:?}", pieces[1]);
        // Wholly inside: unchanged, one piece; wholly outside: nothing.
        let inside = [(0.0, 0.5), (1.0, 0.1), (2.0, 0.2)];
        assert_eq!(clip_log_y(&inside, (1e-2, 1.0)), vec![inside.to_vec()]);
        assert!(clip_log_y(&[(0.0, 5.0), (1.0, 7.0)], (1e-2, 1.0)).is_empty());
        // Zeros (an exact fit) lie below every window.
        assert_eq!(clip_log_y(&[(0.0, 0.5), (1.0, 0.0)], (1e-2, 1.0)).len(), 1);
    }

    #[test]
    fn a_phone_sized_time_plot_has_the_short_x_title() {
        use crate::draw::recording::Recording;
        use crate::draw::{LIGHT, Style, draw_best_dimension_panel, draw_curves_panel};
        use crate::theory::diagonal::DiagonalProblem;
        use crate::theory::schedule::Schedule;
        let problem = DiagonalProblem::new(vec![1.0, 0.36, 0.05], None, Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
        let answer = CurvesAnswer::compute(problem, 50);
        let style = Style { theme: LIGHT, scale: 2.0 };
        // Both time plots, at a CSS width of `width` on a 2× screen, as SVG text.
        let svg_at = |width: u32| {
            let size = (2 * width, 600);
            let (curves, best) = (Recording::new(size), Recording::new(size));
            draw_curves_panel(&curves.clone().into_drawing_area(), &answer, &View::default(), None, &style).unwrap();
            draw_best_dimension_panel(&best.clone().into_drawing_area(), &answer, &View::default(), &style).unwrap();
            let mut svg = String::new();
            for recording in [curves, best] {
                recording.replay(&mut SVGBackend::with_string(&mut svg, size)).unwrap();
            }
            svg
        };
        let (phone, desktop) = (svg_at(360), svg_at(900));
        assert_eq!(phone.matches("stopping time t (0 = noise, T = end)").count(), 2);
        assert!(!phone.contains("end of sampling"));
        assert_eq!(desktop.matches("stopping time t (backward: 0 = noise, T = end of sampling)").count(), 2);
    }
}

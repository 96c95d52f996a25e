//! The schedule panel: the noising schedule the curves use, over backward time (`a²`, `b²` and
//! LogSNR at forward time `T − t`), and the extended inverse `ā⁻²` of eq. (8) that Prop 2's switch
//! times are read through (the paper's Figure 3 for OU).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::{Failure, frame, legend, mesh, y_label_room};
use super::style::{CATEGORICAL, Style};
use crate::theory::schedule::Schedule;

/// Points of each curve.
pub const SCHEDULE_POINTS: usize = 201;
/// The range of `x` where `ā⁻²(x)` is drawn (Figure 3's).
pub const INVERSE_RANGE: (f64, f64) = (-1.0, 2.0);
/// LogSNR is drawn within ±this (it is infinite at the end of sampling).
const LOG_SNR_BOUND: f64 = 12.0;

/// The panel's numbers: backward times with `a²`, `b²` and LogSNR at `T − t`, and `x` with `ā⁻²(x)`.
pub struct ScheduleCurves {
    pub t: Vec<f64>,
    pub a2: Vec<f64>,
    pub b2: Vec<f64>,
    pub log_snr: Vec<f64>,
    pub x: Vec<f64>,
    pub inverse: Vec<f64>,
}

impl ScheduleCurves {
    pub fn new(schedule: &Schedule, final_time: f64) -> ScheduleCurves {
        let last = (SCHEDULE_POINTS - 1) as f64;
        let t: Vec<f64> = (0..SCHEDULE_POINTS).map(|i| final_time * i as f64 / last).collect();
        let tau = |t: f64| (final_time - t).max(0.0);
        let (low, high) = INVERSE_RANGE;
        let x: Vec<f64> = (0..SCHEDULE_POINTS).map(|i| low + (high - low) * i as f64 / last).collect();
        ScheduleCurves {
            a2: t.iter().map(|&t| schedule.a2(tau(t))).collect(),
            b2: t.iter().map(|&t| schedule.b2(tau(t))).collect(),
            log_snr: t.iter().map(|&t| schedule.log_snr(tau(t))).collect(),
            inverse: x.iter().map(|&x| schedule.extended_inverse_a2(x, final_time)).collect(),
            t,
            x,
        }
    }
}

/// Panel "schedule": `a²` and `b²` (top left), LogSNR (bottom left) against backward time, and
/// `ā⁻²` (right).
pub fn draw_schedule_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    schedule: &Schedule,
    final_time: f64,
    style: &Style,
) -> Result<(), Failure<DB>> {
    let (fitted, compact) = style.fitted(area);
    let style = &fitted;
    let curves = ScheduleCurves::new(schedule, final_time);
    area.fill(&style.theme.background)?;
    // Side by side when wide, stacked on a phone, where a²/b² gets the most height: its legend sits
    // between the two curves, which hug the top and the bottom at the left.
    let (left, right, top_share) = if compact {
        let (left, right) = area.split_vertically(area.dim_in_pixel().1 * 7 / 10);
        (left, right, 4.0 / 7.0)
    } else {
        let (left, right) = area.split_horizontally(area.dim_in_pixel().0 / 2);
        (left, right, 0.5)
    };
    let (top, bottom) = left.split_vertically((left.dim_in_pixel().1 as f64 * top_share) as u32);
    let time = "backward time t (0 = noise)";
    let pairs = |ys: &[f64]| -> Vec<(f64, f64)> { curves.t.iter().copied().zip(ys.iter().copied()).collect() };

    let name = match schedule {
        Schedule::OrnsteinUhlenbeck => "OU",
        Schedule::VpLinear { .. } => "VP (linear β)",
        Schedule::Cosine { .. } => "cosine",
        Schedule::RectifiedFlow => "rectified flow",
    };
    let title = format!("{name} schedule at forward time T − t, T = {final_time}");
    let mut coefficients = frame(&top, &title, style)?.build_cartesian_2d(0.0..final_time, 0.0..1.0)?;
    // Few ticks (these are shapes, not readings), and fewer where a chart is short.
    let ticks = |height: u32| y_label_room(height, style).min(if compact { 3 } else { 6 });
    let labels = ticks(coefficients.plotting_area().dim_in_pixel().1);
    mesh!(coefficients, style, time, "", y_labels(labels));
    for (values, label, color) in
        [(&curves.a2, "a² (noise)", CATEGORICAL[0]), (&curves.b2, "b² (signal)", CATEGORICAL[1])]
    {
        coefficients
            .draw_series(LineSeries::new(pairs(values), style.line(color, 2.0)))?
            .label(label)
            .legend(style.legend_swatch(style.line(color, 2.5)));
    }
    legend!(coefficients, style, SeriesLabelPosition::MiddleLeft);

    let finite: Vec<(f64, f64)> =
        pairs(&curves.log_snr).into_iter().filter(|(_, y)| y.abs() <= LOG_SNR_BOUND).collect();
    let (low, high) = finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &(_, y)| (l.min(y), h.max(y)));
    // Ends on multiples of a 1-2-5 step that fits about twice: however short the chart, its axis
    // keeps at least two labels, its ends.
    let (low, high) = if low < high { (low, high) } else { (-1.0, 1.0) };
    let step = nice_step_above((high - low) / 2.0);
    let (low, high) = ((low / step).floor() * step, (high / step).ceil() * step);
    let mut snr = frame(&bottom, "LogSNR = log(b²/a²)", style)?.build_cartesian_2d(0.0..final_time, low..high)?;
    let labels = ticks(snr.plotting_area().dim_in_pixel().1);
    mesh!(snr, style, time, "LogSNR", y_labels(labels));
    snr.draw_series(LineSeries::new(finite, style.line(CATEGORICAL[2], 2.0)))?;

    let (x_low, x_high) = INVERSE_RANGE;
    let title = "ā⁻²(x): 0 below 0, T above a²_T (eq. 8, Figure 3)";
    let mut inverse = frame(&right, title, style)?.build_cartesian_2d(x_low..x_high, 0.0..final_time * 1.08)?;
    let labels = ticks(inverse.plotting_area().dim_in_pixel().1);
    mesh!(inverse, style, "x", "ā⁻²(x)", y_labels(labels));
    let points: Vec<(f64, f64)> = curves.x.iter().copied().zip(curves.inverse.iter().copied()).collect();
    inverse.draw_series(LineSeries::new(points, style.line(CATEGORICAL[3], 2.2)))?;
    area.present()
}

/// The least 1, 2 or 5 times a power of ten that is at least `x > 0`.
fn nice_step_above(x: f64) -> f64 {
    let power = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * power).find(|&step| step >= x * (1.0 - 1e-12)).unwrap_or(10.0 * power)
}

#[cfg(test)]
mod tests {
    use super::nice_step_above;

    #[test]
    fn nice_steps_are_the_least_1_2_5_multiple_of_ten_not_below() {
        for (x, step) in [(4.5, 5.0), (5.0, 5.0), (0.3, 0.5), (1.0, 1.0), (1.01, 2.0), (7.0, 10.0), (12.0, 20.0)] {
            assert_eq!(nice_step_above(x), step, "{x}");
        }
    }
}

//! The seeds panel: over many draws of the plug-in variances, the share whose curve for each `d`
//! has its minimum before `T`, and when those draws should stop (median and 10–90% range).

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{Failure, frame, mesh};
use super::curves::axis_position;
use super::style::{Style, View, XAxis, dimension_color, whole_number_label};
use crate::theory::diagonal::CurvesAnswer;
use crate::theory::seeds::{SeedStudy, quantile};

/// The quantiles the panel and its CSV give of each `d`'s optimal stops.
pub const STOP_QUANTILES: [f64; 3] = [0.1, 0.5, 0.9];

/// Each `d`'s optimal stops at [`STOP_QUANTILES`], on the view's x axis (time or LogSNR); NaN for
/// a `d` no draw stops early.
pub fn stop_quantiles(study: &SeedStudy, answer: &CurvesAnswer, x_axis: XAxis) -> Vec<[f64; 3]> {
    study.stops.iter().map(|stops| STOP_QUANTILES.map(|p| axis_position(answer, x_axis, quantile(stops, p)))).collect()
}

/// Panel "seeds": the study's share of early stops per `d` (top) and their optimal stops (bottom).
/// Without a study (the page's limit refused it) the panel says why instead of staying blank.
pub fn draw_seeds_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    study: Result<&SeedStudy, &str>,
    answer: &CurvesAnswer,
    view: &View,
    style: &Style,
) -> Result<(), Failure<DB>> {
    let (fitted, _) = style.fitted(area);
    let style = &fitted;
    let study = match study {
        Ok(study) => study,
        Err(reason) => {
            area.fill(&style.theme.background)?;
            let (width, height) = area.dim_in_pixel();
            area.draw(&Text::new(
                format!("No seeds study: {reason}"),
                (width as i32 / 2, height as i32 / 2),
                style.font(13.0).pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
            return area.present();
        }
    };
    let dimension = study.dips.len();
    let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 * 9 / 20);
    let x_range = 0.5..dimension as f64 + 0.5;
    let integer_label = |v: &f64| if (v - v.round()).abs() < 1e-9 { whole_number_label(v) } else { String::new() };
    let x_labels = dimension.min(16);

    let title = format!("Share of {} draws of n = {} samples whose curve stops before T", study.seeds, study.n);
    // Room above 100% for a full bar's label: inside the bar it would sit on the bar's colour.
    let mut shares = frame(&top, &title, style)?.build_cartesian_2d(x_range.clone(), 0.0..1.12)?;
    mesh!(
        shares,
        style,
        "latent dimension d",
        "share of draws",
        x_label_formatter(&integer_label),
        x_labels(x_labels),
        y_label_formatter(&|v: &f64| format!("{:.0}%", 100.0 * v))
    );
    let width = 0.35;
    shares.draw_series(study.dip_shares().iter().enumerate().map(|(k, &share)| {
        let d = (k + 1) as f64;
        Rectangle::new([(d - width, 0.0), (d + width, share)], dimension_color(k + 1, dimension).filled())
    }))?;
    if dimension <= 16 {
        shares.draw_series(study.dip_shares().iter().enumerate().map(|(k, &share)| {
            Text::new(
                format!("{:.0}%", 100.0 * share),
                ((k + 1) as f64, share + 0.02),
                style.font(11.0).pos(Pos::new(HPos::Center, VPos::Bottom)),
            )
        }))?;
    }

    let quantiles = stop_quantiles(study, answer, view.x_axis);
    let finite: Vec<f64> = quantiles.iter().flatten().copied().filter(|v| v.is_finite()).collect();
    let (low, high) = finite.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| (l.min(v), h.max(v)));
    let (low, high) = if low < high {
        let pad = 0.08 * (high - low);
        (low - pad, high + pad)
    } else if low.is_finite() {
        (low - 0.5, low + 0.5)
    } else {
        (0.0, answer.problem.final_time)
    };
    let title = "When those draws should stop: median and 10–90% of their optimal stops";
    let mut stops = frame(&bottom, title, style)?.build_cartesian_2d(x_range, low..high)?;
    let y_desc = match view.x_axis {
        XAxis::Time => "optimal stop t",
        XAxis::LogSnr => "LogSNR at the optimal stop",
    };
    mesh!(stops, style, "latent dimension d", y_desc, x_label_formatter(&integer_label), x_labels(x_labels));
    if finite.is_empty() {
        let middle = (dimension as f64 + 1.0) / 2.0;
        stops.draw_series(std::iter::once(Text::new(
            "no draw stops early: every curve falls all the way to T",
            (middle, 0.5 * (low + high)),
            style.font(12.0).pos(Pos::new(HPos::Center, VPos::Center)),
        )))?;
    }
    for (k, &[p10, median, p90]) in quantiles.iter().enumerate() {
        if !median.is_finite() {
            continue;
        }
        let (d, color) = ((k + 1) as f64, dimension_color(k + 1, dimension));
        stops.draw_series(std::iter::once(ErrorBar::new_vertical(
            d,
            p10,
            median,
            p90,
            color.stroke_width(style.px(2.0)),
            style.px(10.0),
        )))?;
        stops.draw_series(std::iter::once(Circle::new((d, median), style.px(4.0), color.filled())))?;
    }
    area.present()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use crate::draw::recording::Recording;
    use crate::draw::style::LIGHT;
    use crate::theory::diagonal::DiagonalProblem;
    use crate::theory::schedule::Schedule;

    #[test]
    fn share_labels_sit_above_their_bars_even_a_full_one() {
        // Figure 4 (left)'s data: d = 1 stops early in every draw.
        let variances = vec![1.0, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10];
        let problem = DiagonalProblem::new(variances, None, Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
        let study = SeedStudy::compute(&problem, 1000, 1, 50).unwrap();
        let shares = study.dip_shares();
        assert_eq!(shares[0], 1.0, "the case of a full bar");
        let answer = CurvesAnswer::compute(problem, 64);
        for (size, scale) in [((686, 914), 2.0), ((640, 440), 1.0)] {
            let recording = Recording::new(size);
            let style = Style { theme: LIGHT, scale };
            draw_seeds_panel(&recording.clone().into_drawing_area(), Ok(&study), &answer, &View::default(), &style)
                .unwrap();
            // The bars: the filled rectangles of the bars' colours, left to right.
            let colors: Vec<_> = (1..=shares.len()).map(|d| dimension_color(d, shares.len())).collect();
            let bars: Vec<(i32, i32, i32)> = recording
                .filled_rectangles()
                .into_iter()
                .filter(|(_, _, rgb)| colors.iter().any(|c| (c.0, c.1, c.2) == *rgb))
                .map(|((left, top), (right, _), _)| (left, right, top))
                .collect();
            assert_eq!(bars.len(), shares.len(), "{size:?}");
            let labels: Vec<_> = recording
                .texts()
                .into_iter()
                .filter(|t| t.text.ends_with('%') && !matches!(t.anchor.h_pos, HPos::Right))
                .collect();
            assert_eq!(labels.len(), shares.len(), "{size:?}");
            let title = recording.texts().into_iter().find(|t| t.text.starts_with("Share of")).unwrap();
            let below_title = title.estimated_box().3;
            for (label, (left, right, top)) in labels.iter().zip(&bars) {
                let (_, label_top, _, label_bottom) = label.estimated_box();
                let centre = f64::from(label.at.0);
                assert!(
                    f64::from(*left) <= centre && centre <= f64::from(*right),
                    "{size:?}: {} over its bar",
                    label.text
                );
                assert!(label_bottom <= f64::from(*top), "{size:?}: {} reaches into its bar at {top}", label.text);
                assert!(label_top > below_title, "{size:?}: {} meets the title", label.text);
            }
        }
    }
}

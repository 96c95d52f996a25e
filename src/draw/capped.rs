//! The capped score's panels (Props 4–5): end variances against `σ²` and `σ̂²` with the thresholds
//! of Prop 5, `dF²` at `t = T` by latent dimension with its bracket, and the capped sampler's curves.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::chart::{
    AxisFrame, Failure, IndexedLogChart, hidden_markers, indexed, indexed_log_chart, legend, marker_radius,
    quietest_corner, quietest_corner_of_pixels, text_width, thinned,
};
use super::curves::{TimePlot, draw_time_curves};
use super::style::{CATEGORICAL, LEGEND_SWATCH, Style, View};
use crate::theory::capped::{CappedAnswer, capped_curves_at};
use crate::theory::diagonal::CurvesAnswer;

/// The variances panel's widest legend label.
const CAPPED_LABEL: &str = "V_T (capped sampler)";

/// Panel 4c: the curves of the capped sampler over `t` (Props 4–5).
pub fn draw_capped_curves_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answer: &CurvesAnswer,
    capped: &CappedAnswer,
    view: &View,
    style: &Style,
) -> Result<AxisFrame, Failure<DB>> {
    let title = format!("Capped score, C = {}: dF² vs stopping time (OU, started from N(0, I))", capped.problem.cap);
    let table_at = |times: &[f64]| capped_curves_at(&capped.problem, times);
    let plot = TimePlot { table: &capped.fd2, table_at: &table_at, title: &title, theory_marks: false, overlay: None };
    draw_time_curves(area, answer, &plot, view, style)
}

/// Panel 4a: per coordinate, the data's `σk²`, the fitted `σ̂k²` and the capped sampler's `V_T`,
/// with the two thresholds that bracket the best dimension (Prop 5).
pub fn draw_capped_variances_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    capped: &CappedAnswer,
    style: &Style,
) -> Result<(), Failure<DB>> {
    let (fitted, _) = style.fitted(area);
    let style = &fitted;
    let legend_style = *style;
    let base = &capped.problem.base;
    let cap = capped.problem.cap;
    let dimension = base.dimension();
    let thresholds = [1.0 / cap, 1.0 / (4.0 * (2.0 * cap - 1.0))];
    // The axis reaches two decades below the lower threshold, so that the label under its line
    // stays off the x axis when the data end near it.
    let room_below = thresholds[1] / 100.0;
    let all: Vec<f64> = base
        .variances
        .iter()
        .chain(&base.estimated)
        .chain(&capped.outcome.end_variances)
        .chain(&thresholds)
        .chain(std::iter::once(&room_below))
        .copied()
        .collect();
    let IndexedLogChart { mut chart, y_min, .. } = indexed_log_chart(
        area,
        "End variances V_T under the cap vs σ² and σ̂² (Prop 5)",
        dimension,
        &all,
        ("latent coordinate k", "variance (log scale)"),
        style,
    )?;
    let series = |values: &[f64]| indexed(values, y_min);
    let radius = marker_radius(style, dimension) as i32;
    let (data, fitted, end) = (CATEGORICAL[0], RGBColor(230, 120, 30), CATEGORICAL[2]);
    // Distinct marks, so that coinciding values (an exact fit) stay visible: ring, dot, triangle.
    let ring = data.stroke_width(style.px(1.5));
    chart.draw_series(LineSeries::new(series(&base.variances), data.mix(0.5).stroke_width(style.px(1.0))))?;
    chart
        .draw_series(thinned(series(&base.variances)).into_iter().map(|p| Circle::new(p, radius + 3, ring)))?
        .label("σk² (data)")
        .legend(style.legend_dot(5.0, ring));
    chart
        .draw_series(thinned(series(&base.estimated)).into_iter().map(|p| Circle::new(p, radius, fitted.filled())))?
        .label("σ̂k² (fitted)")
        .legend(style.legend_dot(3.0, fitted.filled()));
    chart.draw_series(LineSeries::new(
        series(&capped.outcome.end_variances),
        end.mix(0.6).stroke_width(style.px(1.0)),
    ))?;
    chart
        .draw_series(
            thinned(series(&capped.outcome.end_variances))
                .into_iter()
                .map(|p| TriangleMarker::new(p, radius + 1, end.filled())),
        )?
        .label(CAPPED_LABEL)
        .legend(move |at| TriangleMarker::new(legend_style.legend_mark(at), legend_style.px(5.0), end.filled()));
    let labels = [format!("1/C → d₁ = {}", capped.outcome.d1), format!("1/(4(2C−1)) → d₂ = {}", capped.outcome.d2)];
    // The upper threshold's label sits above its line, the lower one's below, so that they never
    // collide; along its line, where it hides the fewest markers (the capped V_T settles on the
    // lines at the right, steep data cross them at the left).
    let markers: Vec<(f64, f64)> = [&base.variances, &base.estimated, &capped.outcome.end_variances]
        .into_iter()
        .flat_map(|values| thinned(series(values)))
        .collect();
    // What the legend should not cover: the markers, and the labels' boxes (a grid of points).
    let mut covered: Vec<(f64, f64)> =
        markers.iter().map(|p| chart.plotting_area().map_coordinate(p)).map(|(x, y)| (x as f64, y as f64)).collect();
    for ((&level, label), above) in thresholds.iter().zip(labels).zip([true, false]) {
        if level < y_min {
            continue;
        }
        chart.draw_series(DashedLineSeries::new(
            vec![(0.5, level), (dimension as f64 + 0.5, level)],
            style.px(5.0),
            style.px(4.0),
            style.theme.foreground.mix(0.6).stroke_width(style.px(1.0)),
        ))?;
        // The label's box, with a gap that keeps it off its line and off the axis.
        let gap = style.px(3.0) as i32;
        let size = (text_width(style, 11.0, &label).ceil() as i32 + gap, style.px(13.0) as i32 + gap);
        let plot = chart.plotting_area();
        let pixel = |p: (f64, f64)| plot.map_coordinate(&p);
        let right_edge = plot.get_pixel_range().0.end;
        let (x, from_left) =
            quietest_label_place(&pixel, right_edge, &markers, (level, above), size, radius + 2, dimension);
        let (horizontal, vertical) =
            (if from_left { HPos::Left } else { HPos::Right }, if above { VPos::Bottom } else { VPos::Top });
        let offset = (if from_left { gap } else { -gap }, if above { -gap } else { gap });
        let (left, top) = label_corner(pixel((x, level)), from_left, above, size);
        for (i, j) in (0..=4).flat_map(|i| (0..=2).map(move |j| (i, j))) {
            covered.push(((left + i * size.0 / 4) as f64, (top + j * size.1 / 2) as f64));
        }
        chart.draw_series(std::iter::once(
            EmptyElement::at((x, level))
                + Text::new(label, offset, style.font(11.0).pos(Pos::new(horizontal, vertical))),
        ))?;
    }
    use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft, UpperRight};
    let corner = quietest_corner_of_pixels(
        &chart,
        &covered,
        (3, CAPPED_LABEL),
        style,
        [LowerLeft, LowerRight, UpperRight, UpperLeft],
    );
    legend!(chart, style, corner);
    area.present()
}

/// Where a label along a horizontal line at `level` hides the fewest `markers`: its anchor `x` and
/// whether it runs from there to the right (from the left end or any gap between coordinates) or
/// ends there (the right end); ties go to the leftmost. `pixel` maps data to pixels, the plot ends
/// at `right_edge`; `size`: the label's pixels; `reach`: how near a marker's centre may come.
fn quietest_label_place(
    pixel: &dyn Fn((f64, f64)) -> (i32, i32),
    right_edge: i32,
    markers: &[(f64, f64)],
    (level, above): (f64, bool),
    (width, height): (i32, i32),
    reach: i32,
    dimension: usize,
) -> (f64, bool) {
    let as_f64 = |(x, y): (i32, i32)| (x as f64, y as f64);
    let pixels: Vec<(f64, f64)> = markers.iter().map(|&p| as_f64(pixel(p))).collect();
    let place = |x: f64, from_left: bool| label_corner(pixel((x, level)), from_left, above, (width, height));
    let hidden = |corner: (i32, i32)| hidden_markers(&pixels, as_f64(corner), as_f64((width, height)), reach as f64);
    let candidates = (0..dimension)
        .map(|k| (0.5 + k as f64, true))
        .filter(|&(x, from_left)| place(x, from_left).0 + width <= right_edge)
        .chain(std::iter::once((dimension as f64 + 0.5, false)));
    candidates
        .map(|(x, from_left)| ((x, from_left), hidden(place(x, from_left))))
        .reduce(|best, next| if next.1 < best.1 { next } else { best })
        .map(|(candidate, _)| candidate)
        .expect("the right end is always a candidate")
}

/// The top-left corner of a threshold label's box of `size` pixels (its gap included) anchored at
/// `anchor` on its line: running right from the anchor or ending there, above the line or below.
fn label_corner((x, y): (i32, i32), from_left: bool, above: bool, (width, height): (i32, i32)) -> (i32, i32) {
    (if from_left { x } else { x - width }, if above { y - height } else { y })
}

/// Panel 4b: `dF²` at `t = T` under the cap as a function of `d`, its minimiser and Prop 5's
/// bracket `[d1, d2]`.
pub fn draw_capped_distance_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    capped: &CappedAnswer,
    style: &Style,
) -> Result<(), Failure<DB>> {
    let (fitted, _) = style.fitted(area);
    let style = &fitted;
    let outcome = &capped.outcome;
    let dimension = outcome.fd2_by_dim.len();
    let IndexedLogChart { mut chart, y_min, y_max } = indexed_log_chart(
        area,
        "dF² at t = T under the cap, by latent dimension (Prop 5)",
        dimension,
        &outcome.fd2_by_dim,
        ("latent dimension d", "dF² at t = T (log scale)"),
        style,
    )?;
    let band = RGBColor(118, 183, 178);
    // Short: at a phone's width a wider legend finds no corner that hides nothing.
    let bracket = format!("bracket [d₁, d₂] = [{}, {}]", outcome.d1, outcome.d2);
    let (swatch, half) = (style.px(LEGEND_SWATCH) as i32, style.px(5.0) as i32);
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(outcome.d1 as f64 - 0.5, y_min), (outcome.d2 as f64 + 0.5, y_max)],
            band.mix(0.22).filled(),
        )))?
        .label(&bracket)
        .legend(move |(x, y)| Rectangle::new([(x, y - half), (x + swatch, y + half)], band.mix(0.5).filled()));
    let points = indexed(&outcome.fd2_by_dim, y_min);
    let color = CATEGORICAL[0];
    chart.draw_series(LineSeries::new(points.clone(), style.line(color, 1.6)))?;
    chart
        .draw_series(
            thinned(points.clone())
                .into_iter()
                .map(|p| Circle::new(p, marker_radius(style, dimension), color.filled())),
        )?
        .label("dF²(d) at t = T")
        .legend(style.legend_dot(4.0, color.filled()));
    let best = points[outcome.d_min - 1];
    let highlight = RGBColor(225, 87, 89);
    chart
        .draw_series(std::iter::once(Circle::new(best, style.px(7.0), highlight.stroke_width(style.px(2.5)))))?
        .label(format!("d_min = {}", outcome.d_min))
        .legend(style.legend_dot(5.0, highlight.stroke_width(style.px(2.0))));
    use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft, UpperRight};
    // The minimiser, which the panel is about, weighs as much as all the other markers: a corner
    // that hides it is taken only when every corner does.
    let weighted: Vec<(f64, f64)> = points.iter().copied().chain(std::iter::repeat_n(best, points.len())).collect();
    let corner =
        quietest_corner(&chart, &weighted, (3, &bracket), style, [LowerLeft, UpperRight, UpperLeft, LowerRight]);
    legend!(chart, style, corner);
    area.present()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use crate::draw::recording::Recording;
    use crate::draw::style::LIGHT;
    use crate::theory::capped::CappedProblem;

    /// Figure 4 (right): Σ = diag(10, 0.2, 0.2, 0.2, 0, 0), C = 100, T = 3.
    fn figure_4_right() -> CappedAnswer {
        CappedAnswer::compute(CappedProblem::new(vec![10.0, 0.2, 0.2, 0.2, 0.0, 0.0], None, 100.0, 3.0).unwrap(), 64)
    }

    #[test]
    fn threshold_labels_stay_clear_of_the_x_axis_and_the_legend() {
        // Figure 4 right's data end just above the lower threshold (two zero variances sit on the
        // floor); the main column of a narrow window and a desktop one.
        let capped = figure_4_right();
        for size in [(445, 251), (640, 400), (904, 509)] {
            let recording = Recording::new(size);
            let style = Style { theme: LIGHT, scale: 1.0 };
            draw_capped_variances_panel(&recording.clone().into_drawing_area(), &capped, &style).unwrap();
            let texts = recording.texts();
            let boxes = |prefixes: &[&str]| -> Vec<(String, (f64, f64, f64, f64))> {
                let named = texts.iter().filter(|t| prefixes.iter().any(|p| t.text.starts_with(p)));
                named.map(|t| (t.text.clone(), t.estimated_box())).collect()
            };
            let thresholds = boxes(&["1/C", "1/(4(2C"]);
            let legend = boxes(&["σk² (data)", "σ̂k² (fitted)", "V_T (capped"]);
            assert_eq!((thresholds.len(), legend.len()), (2, 3), "{size:?}");
            // The x axis: the lowest horizontal stroke.
            let axis = recording.horizontal_strokes().iter().map(|h| h.0).max().unwrap() as f64;
            for (label, (left, top, right, bottom)) in &thresholds {
                assert!(*bottom < axis, "{size:?}: {label} reaches {bottom}, the axis is at {axis}");
                for (entry, (l, t, r, b)) in &legend {
                    let apart = right < l || r < left || bottom < t || b < top;
                    assert!(apart, "{size:?}: {label} at {:?} meets the legend's {entry} at {:?}", (left, top), (l, t));
                }
            }
        }
    }

    #[test]
    fn the_distance_legend_leaves_the_minimiser_in_sight() {
        // Figure 4 right: the minimiser d = 4 sits low in the middle, where a lower-left legend
        // reaches at a phone's width.
        let capped = figure_4_right();
        for (size, scale) in [((686, 514), 2.0), ((445, 251), 1.0), ((640, 400), 1.0), ((904, 509), 1.0)] {
            let recording = Recording::new(size);
            let style = Style { theme: LIGHT, scale };
            draw_capped_distance_panel(&recording.clone().into_drawing_area(), &capped, &style).unwrap();
            // The ring is the one unfilled circle of the plot (the legend's own is drawn later).
            let rings: Vec<((i32, i32), u32)> =
                recording.circles().into_iter().filter(|c| !c.2).map(|c| (c.0, c.1)).collect();
            let ((x, y), radius) = rings[0];
            // The legend's box as drawn (its labels measured as the backend measures them).
            let ((left, top), (right, bottom)) = recording.legend_box().expect("a legend");
            let (left, top, right, bottom) = (left as f64, top as f64, right as f64, bottom as f64);
            let (x, y, r) = (f64::from(x), f64::from(y), f64::from(radius));
            let apart = x + r < left || right < x - r || y + r < top || bottom < y - r;
            assert!(
                apart,
                "{size:?} ×{scale}: the d_min ring at ({x}, {y}) is under the legend {:?}",
                (left, top, right, bottom)
            );
        }
    }

    #[test]
    fn threshold_labels_keep_off_their_lines_and_the_axis() {
        let gap = 3;
        for cap in [5.0, 100.0, 3000.0] {
            let variances: Vec<f64> = (1..=9).map(|k| 2f64.powi(-k)).collect();
            let capped = CappedAnswer::compute(CappedProblem::new(variances, None, cap, 2.0).unwrap(), 64);
            let recording = Recording::new((640, 400));
            draw_capped_variances_panel(
                &recording.clone().into_drawing_area(),
                &capped,
                &Style { theme: LIGHT, scale: 1.0 },
            )
            .unwrap();
            let (texts, horizontals) = (recording.texts(), recording.horizontal_strokes());
            // A threshold is a height drawn in many dashes (a grid line is one stroke); a label's
            // is the one nearest its anchor.
            let dashed = |height: i32| horizontals.iter().filter(|h| h.0 == height).count() > 4;
            let threshold = |label: &str| {
                let text = texts.iter().find(|t| t.text.starts_with(label)).unwrap();
                let (anchor, (x, y)) = (text.anchor, text.at);
                let heights = horizontals.iter().map(|h| h.0).filter(|&height| dashed(height));
                let line_y = heights.min_by_key(|&height| (height - y).abs()).unwrap();
                let dashes = horizontals.iter().filter(|h| h.0 == line_y);
                let (left, right) = dashes.fold((i32::MAX, i32::MIN), |(l, r), h| (l.min(h.1), r.max(h.2)));
                (anchor, (x, y), line_y, (left, right))
            };
            for (label, above) in [("1/C", true), ("1/(4(2C", false)] {
                let (anchor, (x, y), line_y, (left, right)) = threshold(label);
                let clearance = if above { line_y - y } else { y - line_y };
                assert!(clearance >= gap, "C = {cap}: {label} is {clearance} px from its line");
                let inset = if matches!(anchor.h_pos, HPos::Left) { x - left } else { right - x };
                assert!(inset >= gap, "C = {cap}: {label} is {inset} px from the end of its line");
            }
        }
    }

    #[test]
    fn a_threshold_label_goes_where_it_hides_the_fewest_markers() {
        let mut svg = String::new();
        let area = SVGBackend::with_string(&mut svg, (500, 300)).into_drawing_area();
        let chart = ChartBuilder::on(&area).build_cartesian_2d(0.5..10.5, 0.0..10.0).unwrap();
        let (size, reach) = ((120, 14), 5);
        let pixel = |p: (f64, f64)| chart.backend_coord(&p);
        let right_edge = chart.plotting_area().get_pixel_range().0.end;
        let place = |markers: &[(f64, f64)], above| {
            quietest_label_place(&pixel, right_edge, markers, (5.0, above), size, reach, 10)
        };
        let pixel_x = |x: f64| chart.backend_coord(&(x, 5.0)).0;
        // Nothing near the line: the left end, above it or below it.
        assert_eq!(place(&[(5.0, 9.0)], true), (0.5, true));
        assert_eq!(place(&[(5.0, 9.0)], false), (0.5, true));
        // Markers just above the line at k = 1 … 7: the first gap whose span clears them.
        let crowded: Vec<(f64, f64)> = (1..=7).map(|k| (k as f64, 5.3)).collect();
        assert_eq!(place(&crowded, true), (7.5, true));
        // They do not move a label below the line.
        assert_eq!(place(&crowded, false), (0.5, true));
        // Markers above it everywhere: the place that hides the fewest, never past the right end.
        let everywhere: Vec<(f64, f64)> = (1..=10).map(|k| (k as f64, 5.3)).collect();
        let (x, from_left) = place(&everywhere, true);
        let left = |x: f64, from_left: bool| if from_left { pixel_x(x) } else { pixel_x(x) - 120 };
        assert!(left(x, from_left) + 120 <= pixel_x(10.5), "{x}");
        let hidden_at =
            |l: i32| everywhere.iter().filter(|p| (l - reach..=l + 120 + reach).contains(&pixel_x(p.0))).count();
        let fewest = (0..10)
            .map(|k| left(0.5 + k as f64, true))
            .filter(|&l| l + 120 <= pixel_x(10.5))
            .chain([left(10.5, false)])
            .map(hidden_at)
            .min();
        assert_eq!(Some(hidden_at(left(x, from_left))), fewest);
        // Markers just right of every gap up to 7.5: only the label ending at the right end is clear.
        let right_only: Vec<(f64, f64)> = (0..=7).map(|k| (k as f64 + 0.6, 5.3)).collect();
        assert_eq!(place(&right_only, true), (10.5, false));
    }
}

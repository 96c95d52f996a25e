//! What every chart shares: its frame and title, the grid and axes, log ranges in whole decades,
//! markers thinned to a budget, the legend (when it fits), and where the axes lie for pointer input.

use plotters::coord::CoordTranslate;
use plotters::coord::Shift;
use plotters::coord::combinators::LogCoord;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use serde::Serialize;
use tsify::Tsify;

use super::style::{LEGEND_COLUMN, Style, WIDEST_EM_PER_CHAR, power_of_ten_label, whole_number_label};
use crate::theory::diagonal::positive_extremes;

/// The y range of a log plot: from the smallest positive value (but at most twelve decades below
/// the largest) to a little above the largest, in whole decades. Zeros (an exact fit at `t = T`)
/// sit on the floor.
pub fn log_range(values: &[f64]) -> (f64, f64) {
    log_range_of(positive_extremes(values))
}

/// [`log_range`] from the values' [`positive_extremes`] (a curve table keeps them).
pub fn log_range_of((max, min_positive): (f64, f64)) -> (f64, f64) {
    let floor = min_positive.max(max * 1e-12);
    // Decades stay finite and normal (10^-307..10^308): a range reaching 0 or infinity would leave
    // plotters' log axis without end.
    let exponent = |value: f64| (value as i32).clamp(MIN_DECADE, MAX_DECADE);
    let top = exponent((max * 1.05).log10().ceil()).max(MIN_DECADE + 1);
    (decade(exponent(floor.log10().floor()).min(top - 1)), decade(top))
}

/// A log axis over `min..max` whose decade labels include both ends when they are powers of ten.
/// plotters puts its first label at `10^ceil(ln min / ln 10)`, and for `min = 0.1` that quotient
/// is −0.9999999999999998, so the bottom decade went unlabelled: the ends move out by a billionth.
pub(super) fn log_axis(min: f64, max: f64) -> LogCoord<f64> {
    (min * (1.0 - 1e-9)..max * (1.0 + 1e-9)).log_scale().into()
}

const MIN_DECADE: i32 = -307;
const MAX_DECADE: i32 = 308;

/// `10^exponent`, the same on every target (`powf` differs between libms): exact powers of ten up
/// to 10²², one correctly rounded division below 1.
pub(super) fn decade(exponent: i32) -> f64 {
    if exponent >= 0 { 10f64.powi(exponent) } else { 1.0 / 10f64.powi(-exponent) }
}

/// The finite range of a set of values, widened when it is a single point.
pub(super) fn finite_range(values: &[f64]) -> (f64, f64) {
    let (lo, hi) = values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if lo < hi { (lo, hi) } else { (lo - 0.5, lo + 0.5) }
}

pub(super) type Failure<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// Where a time plot's axes lie on the drawing, for pointer input and the page's cursor layer:
/// pixel columns `left..right` show axis values `x_min..x_max`, rows `top..bottom` the plot.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct AxisFrame {
    pub left: i32,
    pub right: i32,
    pub top: i32,
    pub bottom: i32,
    pub x_min: f64,
    pub x_max: f64,
    /// The legend's box `[left, top, right, bottom]`, if the plot has one: a cursor line drawn
    /// above the plot leaves it clear.
    #[tsify(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legend: Option<[i32; 4]>,
}

pub(super) fn axis_frame<DB: DrawingBackend, Y: Ranged>(
    chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, Y>>,
) -> AxisFrame {
    let ((columns, rows), range) = (chart.plotting_area().get_pixel_range(), chart.x_range());
    AxisFrame {
        left: columns.start,
        right: columns.end,
        top: rows.start,
        bottom: rows.end,
        x_min: range.start,
        x_max: range.end,
        legend: None,
    }
}

/// Shared frame of every chart: background, caption and margins.
pub(super) fn frame<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &'b str,
    style: &Style,
) -> Result<ChartBuilder<'a, 'b, DB>, Failure<DB>> {
    area.fill(&style.theme.background)?;
    // Titles shrink to fit the width in the widest engine's font.
    let width_css = area.dim_in_pixel().0 as f64 / style.scale;
    let title_size = (width_css / (WIDEST_EM_PER_CHAR * title.chars().count() as f64)).clamp(8.0, 15.0);
    let mut builder = ChartBuilder::on(area);
    builder
        .caption(title, style.font(title_size))
        .margin(style.px(10.0))
        .margin_top(style.px(22.0))
        .margin_right(style.px(18.0))
        .x_label_area_size(style.px(42.0))
        .y_label_area_size(style.px(60.0));
    Ok(builder)
}

/// The most y-axis labels a plot `height` pixels tall holds with a label's height of space between
/// each two (plotters' default, 10, crowds a short plot: a phone's, a stacked pair's).
pub(super) fn y_label_room(height: u32, style: &Style) -> usize {
    (height as f64 / (1.6 * 12.0 * style.scale)).floor().clamp(3.0, 10.0) as usize
}

/// The most x-axis labels of about `label_chars` characters a plot `width` pixels wide holds, with
/// two characters' gap, at the widest engine's character width (plotters' default, 10, ran
/// "−10.0−8.0" together at a phone's width in Firefox).
pub(super) fn x_label_room(width: u32, label_chars: usize, style: &Style) -> usize {
    let per_label = (label_chars + 2) as f64 * WIDEST_EM_PER_CHAR * 12.0 * style.scale;
    (width as f64 / per_label).floor().clamp(3.0, 10.0) as usize
}

/// Grid, axes and their descriptions in the theme's colours; as many x and y labels as the plot's
/// width and height hold (`x_labels` or `y_labels` among the extras overrides it, with the same care).
macro_rules! mesh {
    ($chart:expr, $style:expr, $x_desc:expr, $y_desc:expr $(, $extra:ident ( $($arg:expr),* ))*) => {{
        let (width, height) = $chart.plotting_area().dim_in_pixel();
        let room = $crate::draw::chart::y_label_room(height, $style);
        // Room for labels such as "−10.0"; a panel with shorter ones asks for more.
        let x_room = $crate::draw::chart::x_label_room(width, 5, $style);
        $chart
            .configure_mesh()
            .bold_line_style($style.theme.grid)
            .light_line_style($style.theme.background)
            .axis_style($style.theme.foreground)
            .label_style($style.font(12.0))
            .axis_desc_style($style.font(12.5))
            .x_desc($x_desc)
            .y_desc($y_desc)
            .x_labels(x_room)
            .y_labels(room)
            $(.$extra($($arg),*))*
            .draw()?
    }};
}
pub(super) use mesh;

/// The legend box, placed where the curves leave room.
macro_rules! legend {
    ($chart:expr, $style:expr, $position:expr) => {
        $chart
            .configure_series_labels()
            .position($position)
            .legend_area_size($style.px($crate::draw::style::LEGEND_COLUMN))
            .background_style($style.theme.background.mix(0.88))
            .border_style($style.theme.grid)
            .label_font($style.font(11.5))
            .draw()?
    };
}
pub(super) use legend;

/// The corner of the plot where a legend of `entries` lines, `longest` the widest, hides the
/// fewest of `points` (ties go to the earlier corner of `preferred`): a legend fixed in one corner
/// covers the very point a panel is about when the data happen to lie there.
pub(super) fn quietest_corner<DB: DrawingBackend, CT: CoordTranslate>(
    chart: &ChartContext<DB, CT>,
    points: &[CT::From],
    legend: (usize, &str),
    style: &Style,
    preferred: [SeriesLabelPosition; 4],
) -> SeriesLabelPosition {
    let pixels: Vec<(f64, f64)> =
        points.iter().map(|p| chart.plotting_area().map_coordinate(p)).map(|(x, y)| (x as f64, y as f64)).collect();
    quietest_corner_of_pixels(chart, &pixels, legend, style, preferred)
}

/// [`quietest_corner`] for points given in pixels (what a text's box covers, say).
pub(super) fn quietest_corner_of_pixels<DB: DrawingBackend, CT: CoordTranslate>(
    chart: &ChartContext<DB, CT>,
    pixels: &[(f64, f64)],
    (entries, longest): (usize, &str),
    style: &Style,
    preferred: [SeriesLabelPosition; 4],
) -> SeriesLabelPosition {
    let (xs, ys) = chart.plotting_area().get_pixel_range();
    // The box plotters lays out (its SeriesLabelStyle::draw): 5 px from the plot's edges, a 10 px
    // margin around the swatch column and the labels, lines 1.25 fonts apart, the labels as wide
    // as the legend! font measures them (in the browser, the page's own text); a point counts
    // when its marker would touch.
    let (margin, reach, font) = (5.0, 8.0 * style.scale, 11.5 * style.scale);
    let width = 20.0 + f64::from(style.px(LEGEND_COLUMN)) + text_width(style, 11.5, longest);
    let height = 20.0 + 1.25 * font * entries as f64;
    let hidden = |corner: &SeriesLabelPosition| {
        let (left, top) = match corner {
            SeriesLabelPosition::UpperLeft => (xs.start as f64 + margin, ys.start as f64 + margin),
            SeriesLabelPosition::UpperRight => (xs.end as f64 - margin - width, ys.start as f64 + margin),
            SeriesLabelPosition::LowerLeft => (xs.start as f64 + margin, ys.end as f64 - margin - height),
            _ => (xs.end as f64 - margin - width, ys.end as f64 - margin - height),
        };
        hidden_markers(pixels, (left, top), (width, height), reach)
    };
    let [first, rest @ ..] = preferred;
    rest.into_iter().fold(first, |best, corner| if hidden(&corner) < hidden(&best) { corner } else { best })
}

/// `text`'s width in pixels at `css_size`, as the drawing backend's font measures it (in the
/// browser, the page's own text; natively plotters' estimate), or 0.6 em a character if it cannot.
pub(super) fn text_width(style: &Style, css_size: f64, text: &str) -> f64 {
    let measured = style.font(css_size).font.box_size(text).map(|(width, _)| f64::from(width));
    measured.unwrap_or(0.6 * css_size * style.scale * text.chars().count() as f64)
}

/// How many marker centres (`pixels`) fall within `reach` of a box at `(left, top)` of `size`:
/// the markers a legend or label placed there would hide.
pub(super) fn hidden_markers(
    pixels: &[(f64, f64)],
    (left, top): (f64, f64),
    (width, height): (f64, f64),
    reach: f64,
) -> usize {
    let inside = |&&(x, y): &&(f64, f64)| {
        x >= left - reach && x <= left + width + reach && y >= top - reach && y <= top + height + reach
    };
    pixels.iter().filter(inside).count()
}

/// Markers drawn at most per series: beyond, every k-th point (the line still joins them all).
pub(super) const MAX_MARKERS: usize = 60;

/// Markers shrink when there are many coordinates.
pub(super) fn marker_radius(style: &Style, count: usize) -> u32 {
    style.px(if count > 60 { 2.0 } else { 3.5 })
}

/// The points of a series that carry a marker.
pub(super) fn thinned(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let step = points.len().div_ceil(MAX_MARKERS).max(1);
    let last = points.len().saturating_sub(1);
    points.into_iter().enumerate().filter(|(i, _)| i % step == 0 || *i == last).map(|(_, p)| p).collect()
}

/// A chart with whole-number x (`k` or `d`) and a log y axis from `y_min` to `y_max`.
pub(super) struct IndexedLogChart<'a, DB: DrawingBackend> {
    pub(super) chart: ChartContext<'a, DB, Cartesian2d<RangedCoordf64, LogCoord<f64>>>,
    pub(super) y_min: f64,
    pub(super) y_max: f64,
}

/// A chart of values at `k = 1 … count` on a log y axis spanning `values` (whole-number x labels,
/// powers of ten on y): what the per-coordinate and per-dimension panels share.
pub(super) fn indexed_log_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    count: usize,
    values: &[f64],
    (x_desc, y_desc): (&str, &str),
    style: &Style,
) -> Result<IndexedLogChart<'a, DB>, Failure<DB>> {
    let (y_min, y_max) = log_range(values);
    let mut chart = frame(area, title, style)?.build_cartesian_2d(0.5..count as f64 + 0.5, log_axis(y_min, y_max))?;
    let index_labels = x_label_room(chart.plotting_area().dim_in_pixel().0, count.to_string().len(), style);
    mesh!(
        chart,
        style,
        x_desc,
        y_desc,
        y_label_formatter(&|v| power_of_ten_label(*v)),
        x_label_formatter(&whole_number_label),
        x_labels(index_labels)
    );
    Ok(IndexedLogChart { chart, y_min, y_max })
}

/// `(k, value)` for `k = 1, 2, …`, values below the axis floor drawn on it.
pub(super) fn indexed(values: &[f64], y_min: f64) -> Vec<(f64, f64)> {
    values.iter().enumerate().map(|(k, &v)| ((k + 1) as f64, v.max(y_min))).collect()
}

/// Whether a legend of `entries` lines fits in half of the plot's height: taller, it would hide
/// what it names (a short embedded plot).
pub(super) fn legend_fits<DB: DrawingBackend, CT: CoordTranslate>(
    chart: &ChartContext<DB, CT>,
    entries: usize,
    style: &Style,
) -> bool {
    (entries as f64) * 15.0 * style.scale <= 0.5 * chart.plotting_area().dim_in_pixel().1 as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_log_axis_labels_both_end_decades() {
        use plotters::coord::ranged1d::Ranged;
        // From 10^−15: plotters labels no value under f64::EPSILON on a log axis (it takes them for
        // its zero), and the axes' floor is twelve decades under their largest value anyway.
        for low in -15..30 {
            for span in 1..=6 {
                let (min, max) = (decade(low), decade(low + span));
                let axis = log_axis(min, max);
                let labels = axis.key_points(12);
                for end in [min, max] {
                    assert!(
                        labels.iter().any(|&v| (v / end - 1.0).abs() < 1e-12),
                        "10^{low}..10^{}: {end} missing from {labels:?}",
                        low + span
                    );
                }
            }
        }
    }

    #[test]
    fn the_legend_goes_to_the_corner_its_box_hides_least() {
        use SeriesLabelPosition::{LowerLeft, LowerRight, UpperLeft, UpperRight};
        let mut svg = String::new();
        let area = SVGBackend::with_string(&mut svg, (600, 400)).into_drawing_area();
        let chart = ChartBuilder::on(&area).build_cartesian_2d(0.0..10.0, 0.0..10.0).unwrap();
        let style = Style { theme: super::super::style::Theme::by_name("light").unwrap(), scale: 1.0 };
        let name = |corner| match corner {
            LowerLeft => "LowerLeft",
            UpperRight => "UpperRight",
            UpperLeft => "UpperLeft",
            LowerRight => "LowerRight",
            _ => "elsewhere",
        };
        let order = || [LowerLeft, UpperRight, UpperLeft, LowerRight];
        let corner = |points: &[(f64, f64)]| {
            name(quietest_corner(&chart, points, (3, "a label of twenty chs"), &style, order()))
        };
        // A minimum in the lower left (the capped panel's d_min) sends the legend elsewhere.
        assert_eq!(corner(&[(0.5, 0.5), (1.0, 1.0), (9.5, 5.0)]), "UpperRight");
        assert_eq!(corner(&[(0.5, 0.5), (9.5, 9.5)]), "UpperLeft");
        // Nothing hidden anywhere: the preferred corner.
        assert_eq!(corner(&[(5.0, 5.0)]), "LowerLeft");
        assert_eq!(corner(&[(0.5, 0.5), (9.5, 9.5), (0.5, 9.5)]), "LowerRight");
    }

    #[test]
    fn thinning_keeps_at_most_the_budget_and_both_ends() {
        let points: Vec<(f64, f64)> = (0..1000).map(|i| (i as f64, 0.0)).collect();
        let kept = thinned(points);
        assert!(kept.len() <= MAX_MARKERS + 1);
        assert_eq!((kept[0].0, kept.last().unwrap().0), (0.0, 999.0));
        assert_eq!(thinned(vec![(1.0, 1.0), (2.0, 2.0)]).len(), 2);
    }

    #[test]
    fn log_range_spans_the_positive_values_in_whole_decades() {
        assert_eq!(log_range(&[0.0, 2e-5, 0.3, 3.0]), (1e-5, 10.0));
        // Zeros and tiny values are floored twelve decades below the maximum.
        let (lo, hi) = log_range(&[0.0, 1e-30, 1.0]);
        assert_eq!((lo, hi), (1e-12, 10.0));
    }

    #[test]
    fn log_range_stays_finite_and_positive_at_the_ends_of_f64() {
        for values in [&[1e308][..], &[f64::MAX, 1.0], &[1e-320], &[5e-324, 1e-310], &[1e300, 1e-300]] {
            let (lo, hi) = log_range(values);
            assert!(lo.is_normal() && hi.is_normal() && lo < hi, "{values:?} → ({lo:e}, {hi:e})");
        }
        let (lo, hi) = log_range(&[1e308]);
        assert!(lo < 1e308 && hi >= 1e308 * (1.0 - 1e-14), "({lo:e}, {hi:e})");
    }
}

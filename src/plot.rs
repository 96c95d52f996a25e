//! Drawing with plotters, generic over the backend: the same code draws on the page's canvas
//! (plotters-canvas) and into SVG for export.

use plotters::coord::CoordTranslate;
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::api::{CappedAnswer, CurvesAnswer};
use crate::curves::{CurveTable, reconstruction_errors, stopping_distance};
use crate::sampler::MonteCarloBand;

/// Colours of a plot; the page passes its light or dark theme.
#[derive(Clone, Copy, Debug)]
pub struct Theme {
    pub background: RGBColor,
    pub foreground: RGBColor,
    pub grid: RGBColor,
}

pub const LIGHT: Theme =
    Theme { background: RGBColor(255, 255, 255), foreground: RGBColor(28, 28, 32), grid: RGBColor(226, 226, 232) };
pub const DARK: Theme =
    Theme { background: RGBColor(22, 24, 29), foreground: RGBColor(230, 230, 236), grid: RGBColor(52, 55, 64) };

impl Theme {
    pub fn by_name(name: &str) -> Option<Theme> {
        match name {
            "light" => Some(LIGHT),
            "dark" => Some(DARK),
            _ => None,
        }
    }
}

/// Tableau's ten categorical colours, readable on both themes.
const CATEGORICAL: [RGBColor; 10] = [
    RGBColor(78, 121, 167),
    RGBColor(242, 142, 43),
    RGBColor(225, 87, 89),
    RGBColor(118, 183, 178),
    RGBColor(89, 161, 79),
    RGBColor(237, 201, 72),
    RGBColor(176, 122, 161),
    RGBColor(255, 157, 167),
    RGBColor(156, 117, 95),
    RGBColor(186, 176, 172),
];

/// The colour of latent dimension `d` (1-based) among `count`: categorical up to ten, a
/// sequential ramp beyond.
pub fn dimension_color(d: usize, count: usize) -> RGBColor {
    if count <= CATEGORICAL.len() {
        CATEGORICAL[d - 1]
    } else {
        let x = (d - 1) as f64 / (count - 1) as f64;
        // From deep blue through teal to orange: distinct on white and on near-black.
        let lerp = |a: f64, b: f64, c: f64| {
            if x < 0.5 { a + (b - a) * 2.0 * x } else { b + (c - b) * (2.0 * x - 1.0) }
        };
        RGBColor(lerp(60.0, 40.0, 245.0) as u8, lerp(80.0, 170.0, 140.0) as u8, lerp(200.0, 150.0, 40.0) as u8)
    }
}

/// Axis labels of whole numbers (dimensions, coordinates).
fn whole_number_label(value: &f64) -> String {
    (value.round() as i64).to_string()
}

/// Superscript exponent labels for the log axis: `10⁻³`.
pub fn power_of_ten_label(value: f64) -> String {
    let exponent = value.log10().round() as i32;
    if (value.log10() - exponent as f64).abs() > 1e-6 {
        return format!("{value:e}");
    }
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut label = String::from("10");
    if exponent < 0 {
        label.push('⁻');
    }
    for c in exponent.unsigned_abs().to_string().chars() {
        label.push(DIGITS[c.to_digit(10).unwrap() as usize]);
    }
    label
}

/// The y range of a log plot: from the smallest positive value (but at most twelve decades below
/// the largest) to a little above the largest, in whole decades. Zeros (an exact fit at `t = T`)
/// sit on the floor.
pub fn log_range(values: &[f64]) -> (f64, f64) {
    let max = values.iter().cloned().filter(|v| v.is_finite()).fold(0.0f64, f64::max).max(1e-300);
    let min_positive = values.iter().cloned().filter(|&v| v > 0.0).fold(max, f64::min);
    let floor = min_positive.max(max * 1e-12);
    (decade(floor.log10().floor() as i32), decade((max * 1.05).log10().ceil() as i32))
}

/// `10^exponent`, the same on every target (`powf` differs between libms): exact powers of ten up
/// to 10²², one correctly rounded division below 1.
fn decade(exponent: i32) -> f64 {
    if exponent >= 0 { 10f64.powi(exponent) } else { 1.0 / 10f64.powi(-exponent) }
}

/// How every plot is drawn: colours and pixel density (text and lines scale with it).
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub theme: Theme,
    /// Device pixels per CSS pixel.
    pub scale: f64,
}

/// Below this width (CSS pixels) a plot is compact: smaller text, a shorter legend.
const COMPACT_WIDTH: f64 = 560.0;

impl Style {
    /// The style for a drawing area: text shrinks on narrow plots (a phone) so that it still fits.
    fn fitted<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> (Style, bool) {
        let compact = (area.dim_in_pixel().0 as f64) / self.scale < COMPACT_WIDTH;
        (Style { theme: self.theme, scale: if compact { self.scale * 0.82 } else { self.scale } }, compact)
    }
    fn px(&self, css_pixels: f64) -> u32 {
        (css_pixels * self.scale).round().max(1.0) as u32
    }
    fn font(&self, css_pixels: f64) -> TextStyle<'static> {
        (FontFamily::SansSerif, css_pixels * self.scale).into_font().color(&self.theme.foreground)
    }
    fn line(&self, color: RGBColor, css_width: f64) -> ShapeStyle {
        color.stroke_width(self.px(css_width))
    }
    fn legend_swatch(&self, style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
        let length = self.px(18.0) as i32;
        move |(x, y)| PathElement::new(vec![(x, y), (x + length, y)], style)
    }
}

/// The x axis of the time plots.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum XAxis {
    /// Backward time `t` (Figure 4, left).
    Time,
    /// LogSNR at the stopping time (Figure 4, right).
    LogSnr,
}

/// What the reader chose to look at: the axis, one emphasised `d`, the time cursor.
#[derive(Clone, Copy, Debug)]
pub struct View {
    pub x_axis: XAxis,
    /// 1-based latent dimension drawn on top, thicker.
    pub emphasis: Option<usize>,
    /// Backward time of the cursor.
    pub cursor: Option<f64>,
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

/// `n` in subscript digits: `t₁₂`.
fn subscript(n: usize) -> String {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    n.to_string().chars().map(|c| DIGITS[c.to_digit(10).unwrap() as usize]).collect()
}

/// Where a backward time lands on the chosen x axis.
fn axis_position(answer: &CurvesAnswer, x_axis: XAxis, t: f64) -> f64 {
    match x_axis {
        XAxis::Time => t,
        XAxis::LogSnr => answer.problem.schedule.log_snr(answer.problem.final_time - t),
    }
}

fn x_values(answer: &CurvesAnswer, x_axis: XAxis) -> &[f64] {
    match x_axis {
        XAxis::Time => &answer.t,
        XAxis::LogSnr => &answer.log_snr,
    }
}

fn x_label(x_axis: XAxis) -> &'static str {
    match x_axis {
        XAxis::Time => "stopping time t (backward: 0 = noise, T = end of sampling)",
        XAxis::LogSnr => "LogSNR at the stopping time",
    }
}

/// The finite range of a set of values, widened when it is a single point.
fn finite_range(values: &[f64]) -> (f64, f64) {
    let (lo, hi) = values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    if lo < hi { (lo, hi) } else { (lo - 0.5, lo + 0.5) }
}

type Failure<DB> = DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>;

/// Where a time plot's axes lie on the drawing, for pointer input and the page's cursor layer:
/// pixel columns `left..right` show axis values `x_min..x_max`, rows `top..bottom` the plot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AxisFrame {
    pub left: i32,
    pub right: i32,
    pub top: i32,
    pub bottom: i32,
    pub x_min: f64,
    pub x_max: f64,
}

fn axis_frame<DB: DrawingBackend, Y: Ranged>(chart: &ChartContext<DB, Cartesian2d<RangedCoordf64, Y>>) -> AxisFrame {
    let ((columns, rows), range) = (chart.plotting_area().get_pixel_range(), chart.x_range());
    AxisFrame {
        left: columns.start,
        right: columns.end,
        top: rows.start,
        bottom: rows.end,
        x_min: range.start,
        x_max: range.end,
    }
}

/// A vertical line across the plot with a label above it, unless a label stood too close.
struct Markers {
    last_label_px: i32,
}

/// Shared frame of every chart: background, caption and margins.
fn frame<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &'b str,
    style: &Style,
) -> Result<ChartBuilder<'a, 'b, DB>, Failure<DB>> {
    area.fill(&style.theme.background)?;
    // Titles shrink to fit the width (about 0.55 em per character).
    let width_css = area.dim_in_pixel().0 as f64 / style.scale;
    let title_size = (width_css / (0.55 * title.chars().count() as f64)).clamp(8.0, 15.0);
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

/// Grid, axes and their descriptions in the theme's colours.
macro_rules! mesh {
    ($chart:expr, $style:expr, $x_desc:expr, $y_desc:expr $(, $extra:ident ( $($arg:expr),* ))*) => {
        $chart
            .configure_mesh()
            .bold_line_style($style.theme.grid)
            .light_line_style($style.theme.background)
            .axis_style($style.theme.foreground)
            .label_style($style.font(12.0))
            .axis_desc_style($style.font(12.5))
            .x_desc($x_desc)
            .y_desc($y_desc)
            $(.$extra($($arg),*))*
            .draw()?
    };
}

/// The legend box, placed where the curves leave room.
macro_rules! legend {
    ($chart:expr, $style:expr, $position:expr) => {
        $chart
            .configure_series_labels()
            .position($position)
            .background_style($style.theme.background.mix(0.88))
            .border_style($style.theme.grid)
            .label_font($style.font(11.5))
            .draw()?
    };
}

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
    let plot = TimePlot { table: &answer.fd2, title, theory_marks: true, overlay };
    draw_time_curves(area, answer, &plot, view, style)
}

/// Panel 4c: the curves of the capped sampler over `t` (Props 4–5).
pub fn draw_capped_curves_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answer: &CurvesAnswer,
    capped: &CappedAnswer,
    view: &View,
    style: &Style,
) -> Result<AxisFrame, Failure<DB>> {
    let title = format!("Capped score, C = {}: dF² vs stopping time (OU, started from N(0, I))", capped.problem.cap);
    let plot = TimePlot { table: &capped.fd2, title: &title, theory_marks: false, overlay: None };
    draw_time_curves(area, answer, &plot, view, style)
}

/// What a time plot shows besides the answer's axes.
struct TimePlot<'a> {
    table: &'a CurveTable,
    title: &'a str,
    /// Prop 2's switch times and Prop 3's optimal stops (the stopping-time curves only).
    theory_marks: bool,
    overlay: Option<&'a Overlay>,
}

fn draw_time_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answer: &CurvesAnswer,
    plot: &TimePlot,
    view: &View,
    style: &Style,
) -> Result<AxisFrame, Failure<DB>> {
    let (table, title, overlay) = (plot.table, plot.title, plot.overlay);
    let (fitted, compact) = style.fitted(area);
    let style = &fitted;
    let dimension = table.dimension();
    let xs = x_values(answer, view.x_axis);
    let (y_min, y_max) = table.log_range();
    let (x_min, x_max) = finite_range(xs);
    let mut chart = frame(area, title, style)?.build_cartesian_2d(x_min..x_max, (y_min..y_max).log_scale())?;
    mesh!(chart, style, x_label(view.x_axis), "dF² (log scale)", y_label_formatter(&|v| power_of_ten_label(*v)));

    let points = |row: &[f64]| -> Vec<(f64, f64)> {
        xs.iter().zip(row).filter(|(x, _)| x.is_finite()).map(|(&x, &y)| (x, y.max(y_min))).collect()
    };
    // The lower envelope (the best d at each time) as a wide translucent band under the curves:
    // one path, where a dashed line would be hundreds of strokes.
    let envelope: Vec<f64> = (0..table.points).map(|i| table.row(table.best_dim[i] as usize)[i]).collect();
    let band = style.theme.foreground.mix(0.22).stroke_width(style.px(7.0));
    chart
        .draw_series(LineSeries::new(points(&envelope), band))?
        .label("best d (envelope)")
        .legend(style.legend_swatch(band));
    let dims = drawn_dimensions(dimension, view.emphasis);
    let faded = view.emphasis.is_some();
    let legend_each = dims.len() <= 10 && !compact;
    for &d in &dims {
        if Some(d) == view.emphasis {
            continue;
        }
        let color = dimension_color(d, dimension);
        let line = if faded { color.mix(0.35).stroke_width(style.px(1.2)) } else { style.line(color, 1.6) };
        let series = chart.draw_series(LineSeries::new(points(table.row(d)), line))?;
        if legend_each || d == 1 || d == dimension {
            series.label(format!("d = {d}")).legend(style.legend_swatch(style.line(color, 2.5)));
        }
    }
    if let Some(d) = view.emphasis.filter(|&d| d <= dimension) {
        let color = dimension_color(d, dimension);
        chart
            .draw_series(LineSeries::new(points(table.row(d)), style.line(color, 3.2)))?
            .label(format!("d = {d} (selected)"))
            .legend(style.legend_swatch(style.line(color, 3.2)));
    }
    if let Some(overlay) = overlay {
        let steps: Vec<(f64, f64)> = overlay
            .t
            .iter()
            .zip(&overlay.fd2)
            .map(|(&t, &v)| (axis_position(answer, view.x_axis, t), v.max(y_min)))
            .filter(|(x, _)| x.is_finite())
            .collect();
        let ink = style.theme.foreground;
        let side = style.px(3.0) as i32;
        chart.draw_series(LineSeries::new(steps.clone(), style.line(ink, 1.8)))?;
        chart
            .draw_series(
                thinned(steps)
                    .into_iter()
                    .map(|p| EmptyElement::at(p) + Rectangle::new([(-side, -side), (side, side)], ink.filled())),
            )?
            .label(overlay.label.clone())
            .legend(move |(x, y)| Rectangle::new([(x + 6, y - 3), (x + 12, y + 3)], ink.filled()));
        if let Some(mc) = &overlay.monte_carlo {
            let color = MONTE_CARLO;
            let bars: Vec<(f64, f64, f64, f64)> = (0..mc.t.len())
                .map(|c| {
                    let x = axis_position(answer, view.x_axis, mc.t[c]);
                    (x, mc.band.lower[c].max(y_min), mc.band.mean[c].max(y_min), mc.band.upper[c].max(y_min))
                })
                .filter(|(x, ..)| x.is_finite())
                .collect();
            let width = style.px(8.0);
            chart
                .draw_series(bars.iter().map(|&(x, lower, mean, upper)| {
                    ErrorBar::new_vertical(x, lower, mean, upper, color.stroke_width(style.px(1.6)), width)
                }))?
                .label(mc.label.clone())
                .legend(move |(x, y)| ErrorBar::new_vertical(x + 9, y - 5, y, y + 5, color.stroke_width(2), 8));
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
        // Each drawn d's best stopping time, where it is not the end of sampling.
        let stops: Vec<(f64, f64, RGBColor)> = dims
            .iter()
            .filter(|&&d| !answer.monotone[d - 1])
            .map(|&d| {
                let t = answer.optimal_stop[d - 1];
                (
                    axis_position(answer, view.x_axis, t),
                    stopping_distance(&answer.problem, t, d).max(y_min),
                    dimension_color(d, dimension),
                )
            })
            .filter(|(x, _, _)| x.is_finite())
            .collect();
        if !stops.is_empty() {
            let outline = style.theme.foreground;
            chart
                .draw_series(stops.iter().map(|&(x, y, color)| {
                    EmptyElement::at((x, y))
                        + Circle::new((0, 0), style.px(4.5), color.filled())
                        + Circle::new((0, 0), style.px(4.5), outline.stroke_width(style.px(1.0)))
                }))?
                .label("optimal stop (Prop 3)")
                .legend(move |(x, y)| Circle::new((x + 9, y), 4, outline.stroke_width(1)));
        }
    }
    if let Some(t) = view.cursor {
        let x = axis_position(answer, view.x_axis, t);
        if x.is_finite() && x >= x_min && x <= x_max {
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

/// The cursor's colour, distinct from the categorical palette on both themes.
const CURSOR: RGBColor = RGBColor(214, 39, 140);
/// Monte Carlo's colour: apart from the cursor, the palette and the exact law's ink.
const MONTE_CARLO: RGBColor = RGBColor(0, 166, 214);

impl Markers {
    fn vertical<DB: DrawingBackend, Y: Ranged<ValueType = f64>>(
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

/// Panel 2: the best latent dimension against time, exact and plug-in (Prop 2's partition).
pub fn draw_best_dimension_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answer: &CurvesAnswer,
    view: &View,
    style: &Style,
) -> Result<AxisFrame, Failure<DB>> {
    let (fitted, _) = style.fitted(area);
    let style = &fitted;
    let xs = x_values(answer, view.x_axis);
    let (x_min, x_max) = finite_range(xs);
    let dimension = answer.fd2.dimension();
    let top = dimension as f64 + 0.5;
    let mut chart = frame(area, "Best latent dimension at each stopping time (Prop 2)", style)?
        .build_cartesian_2d(x_min..x_max, 0.5..top)?;
    let integer_label = |v: &f64| if (v - v.round()).abs() < 1e-9 { whole_number_label(v) } else { String::new() };
    mesh!(
        chart,
        style,
        x_label(view.x_axis),
        "best d",
        y_label_formatter(&integer_label),
        y_labels(dimension.min(12) + 1)
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
        .draw_series(LineSeries::new(steps(&answer.exact().best_dim), style.line(exact_color, 2.6)))?
        .label("exact score")
        .legend(style.legend_swatch(style.line(exact_color, 2.6)));
    if answer.fd2_exact.is_some() {
        let plug_in = RGBColor(230, 120, 30);
        chart
            .draw_series(DashedLineSeries::new(
                steps(&answer.fd2.best_dim),
                style.px(6.0),
                style.px(3.0),
                style.line(plug_in, 2.0),
            ))?
            .label("plug-in score")
            .legend(style.legend_swatch(style.line(plug_in, 2.0)));
    }
    if let Some(t) = view.cursor {
        let x = axis_position(answer, view.x_axis, t);
        if x.is_finite() {
            chart.draw_series(LineSeries::new(vec![(x, 0.5), (x, top)], style.line(CURSOR, 1.5)))?;
        }
    }
    legend!(chart, style, SeriesLabelPosition::UpperLeft);
    area.present()?;
    Ok(axis_frame(&chart))
}

/// Markers drawn at most per series: beyond, every k-th point (the line still joins them all).
const MAX_MARKERS: usize = 60;

/// Markers shrink when there are many coordinates.
fn marker_radius(style: &Style, count: usize) -> u32 {
    style.px(if count > 60 { 2.0 } else { 3.5 })
}

/// The points of a series that carry a marker.
fn thinned(points: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    let step = points.len().div_ceil(MAX_MARKERS).max(1);
    let last = points.len().saturating_sub(1);
    points.into_iter().enumerate().filter(|(i, _)| i % step == 0 || *i == last).map(|(_, p)| p).collect()
}

/// A chart with whole-number x (`k` or `d`) and a log y axis from `y_min` to `y_max`.
struct IndexedLogChart<'a, DB: DrawingBackend> {
    chart: ChartContext<'a, DB, Cartesian2d<RangedCoordf64, LogCoord<f64>>>,
    y_min: f64,
    y_max: f64,
}

/// A chart of values at `k = 1 … count` on a log y axis spanning `values` (whole-number x labels,
/// powers of ten on y): what the per-coordinate and per-dimension panels share.
fn indexed_log_chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    count: usize,
    values: &[f64],
    (x_desc, y_desc): (&str, &str),
    style: &Style,
) -> Result<IndexedLogChart<'a, DB>, Failure<DB>> {
    let (y_min, y_max) = log_range(values);
    let mut chart =
        frame(area, title, style)?.build_cartesian_2d(0.5..count as f64 + 0.5, (y_min..y_max).log_scale())?;
    mesh!(
        chart,
        style,
        x_desc,
        y_desc,
        y_label_formatter(&|v| power_of_ten_label(*v)),
        x_label_formatter(&whole_number_label)
    );
    Ok(IndexedLogChart { chart, y_min, y_max })
}

/// `(k, value)` for `k = 1, 2, …`, values below the axis floor drawn on it.
fn indexed(values: &[f64], y_min: f64) -> Vec<(f64, f64)> {
    values.iter().enumerate().map(|(k, &v)| ((k + 1) as f64, v.max(y_min))).collect()
}

/// Whether a legend of `entries` lines fits in half of the plot's height: taller, it would hide
/// what it names (a short embedded plot).
fn legend_fits<DB: DrawingBackend, CT: CoordTranslate>(
    chart: &ChartContext<DB, CT>,
    entries: usize,
    style: &Style,
) -> bool {
    (entries as f64) * 15.0 * style.scale <= 0.5 * chart.plotting_area().dim_in_pixel().1 as f64
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
    let base = &capped.problem.base;
    let cap = capped.problem.cap;
    let dimension = base.dimension();
    let thresholds = [1.0 / cap, 1.0 / (4.0 * (2.0 * cap - 1.0))];
    let all: Vec<f64> = base
        .variances
        .iter()
        .chain(&base.estimated)
        .chain(&capped.outcome.end_variances)
        .chain(&thresholds)
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
        .legend(move |(x, y)| Circle::new((x + 9, y), 5, ring));
    chart
        .draw_series(thinned(series(&base.estimated)).into_iter().map(|p| Circle::new(p, radius, fitted.filled())))?
        .label("σ̂k² (fitted)")
        .legend(move |(x, y)| Circle::new((x + 9, y), 3, fitted.filled()));
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
        .label("V_T (capped sampler)")
        .legend(move |(x, y)| TriangleMarker::new((x + 9, y), 5, end.filled()));
    let labels = [format!("1/C → d₁ = {}", capped.outcome.d1), format!("1/(4(2C−1)) → d₂ = {}", capped.outcome.d2)];
    // The upper threshold's label sits above its line, the lower one's below: they never collide.
    let anchors = [VPos::Bottom, VPos::Top];
    for ((&level, label), anchor) in thresholds.iter().zip(labels).zip(anchors) {
        if level < y_min {
            continue;
        }
        chart.draw_series(DashedLineSeries::new(
            vec![(0.5, level), (dimension as f64 + 0.5, level)],
            style.px(5.0),
            style.px(4.0),
            style.theme.foreground.mix(0.6).stroke_width(style.px(1.0)),
        ))?;
        chart.draw_series(std::iter::once(Text::new(
            label,
            (dimension as f64 + 0.5, level),
            style.font(11.0).pos(Pos::new(HPos::Right, anchor)),
        )))?;
    }
    legend!(chart, style, SeriesLabelPosition::LowerLeft);
    area.present()
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
    chart
        .draw_series(std::iter::once(Rectangle::new(
            [(outcome.d1 as f64 - 0.5, y_min), (outcome.d2 as f64 + 0.5, y_max)],
            band.mix(0.22).filled(),
        )))?
        .label(format!("Prop 5 bracket [d₁, d₂] = [{}, {}]", outcome.d1, outcome.d2))
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 18, y + 5)], band.mix(0.5).filled()));
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
        .legend(move |(x, y)| Circle::new((x + 9, y), 4, color.filled()));
    let best = points[outcome.d_min - 1];
    let highlight = RGBColor(225, 87, 89);
    chart
        .draw_series(std::iter::once(Circle::new(best, style.px(7.0), highlight.stroke_width(style.px(2.5)))))?
        .label(format!("d_min = {}", outcome.d_min))
        .legend(move |(x, y)| Circle::new((x + 9, y), 5, highlight.stroke_width(2)));
    legend!(chart, style, SeriesLabelPosition::LowerLeft);
    area.present()
}

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
        ("k (eigenvalue) or d (latent dimension)", "log scale"),
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
        .label("reconstruction error with d dimensions")
        .legend(style.legend_swatch(style.line(error, 2.0)));
    // A narrow plot (the upload preview, a phone) leaves the colours to its caption.
    if !compact {
        legend!(chart, style, SeriesLabelPosition::LowerLeft);
    }
    area.present()
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
    let [i, j] = frame_data.coordinates;
    let mut chart = frame(area, &frame_data.title, style)?.build_cartesian_2d(-hx..hx, -hy..hy)?;
    mesh!(chart, style, format!("coordinate {i}"), format!("coordinate {j}"));
    let inside = |&(x, y): &(f64, f64)| x.abs() <= hx && y.abs() <= hy;
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
            .legend(move |(x, y)| Circle::new((x + 9, y), 3, color.filled()));
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
    let entries = 2 + 2 * usize::from(!frame_data.data.is_empty());
    if !compact && legend_fits(&chart, entries, style) {
        legend!(chart, style, SeriesLabelPosition::UpperLeft);
    }
    area.present()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn thinning_keeps_at_most_the_budget_and_both_ends() {
        let points: Vec<(f64, f64)> = (0..1000).map(|i| (i as f64, 0.0)).collect();
        let kept = thinned(points);
        assert!(kept.len() <= MAX_MARKERS + 1);
        assert_eq!((kept[0].0, kept.last().unwrap().0), (0.0, 999.0));
        assert_eq!(thinned(vec![(1.0, 1.0), (2.0, 2.0)]).len(), 2);
    }

    #[test]
    fn power_of_ten_labels_use_superscripts() {
        assert_eq!(power_of_ten_label(1e-3), "10⁻³");
        assert_eq!(power_of_ten_label(100.0), "10²");
        assert_eq!(power_of_ten_label(1.0), "10⁰");
    }

    #[test]
    fn log_range_spans_the_positive_values_in_whole_decades() {
        assert_eq!(log_range(&[0.0, 2e-5, 0.3, 3.0]), (1e-5, 10.0));
        // Zeros and tiny values are floored twelve decades below the maximum.
        let (lo, hi) = log_range(&[0.0, 1e-30, 1.0]);
        assert_eq!((lo, hi), (1e-12, 10.0));
    }
}

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
    title: &str,
    curves: &[ImageCurves],
    cursor: Option<f64>,
    style: &Style,
) -> Result<(), Failure<DB>> {
    let (fitted, compact) = style.fitted(area);
    let style = &fitted;
    let all: Vec<f64> = curves.iter().flat_map(|c| c.law_fd2.iter().chain(c.simulated)).copied().collect();
    let (y_min, y_max) = log_range(&all);
    let x_max = curves.iter().filter_map(|c| c.law_t.last()).copied().fold(0.0, f64::max).max(1e-9);
    let mut chart = frame(area, title, style)?.build_cartesian_2d(0.0..x_max, (y_min..y_max).log_scale())?;
    mesh!(
        chart,
        style,
        "stopping time t (backward)",
        "pixel dF² (log scale)",
        y_label_formatter(&|v| power_of_ten_label(*v))
    );
    let clamp = |xs: &[f64], ys: &[f64]| -> Vec<(f64, f64)> {
        xs.iter().zip(ys).filter(|(_, y)| y.is_finite()).map(|(&x, &y)| (x, y.max(y_min))).collect()
    };
    for (i, c) in curves.iter().enumerate() {
        let color = CATEGORICAL[i % CATEGORICAL.len()];
        chart
            .draw_series(LineSeries::new(clamp(c.law_t, c.law_fd2), style.line(color, 1.8)))?
            .label(format!("d = {}: exact, Gaussian score", c.d))
            .legend(style.legend_swatch(style.line(color, 2.5)));
        let radius = style.px(3.2);
        chart
            .draw_series(clamp(c.t, c.simulated).into_iter().map(|p| {
                EmptyElement::at(p)
                    + Circle::new((0, 0), radius, color.filled())
                    + Circle::new((0, 0), radius, style.theme.foreground.stroke_width(1))
            }))?
            .label(format!("d = {}: simulated", c.d))
            .legend(move |(x, y)| Circle::new((x + 9, y), 4, color.filled()));
    }
    if let Some(t) = cursor.filter(|t| (0.0..=x_max).contains(t)) {
        chart.draw_series(LineSeries::new(vec![(t, y_min), (t, y_max)], style.line(CURSOR, 1.5)))?;
    }
    if !compact && legend_fits(&chart, 2 * curves.len(), style) {
        legend!(chart, style, SeriesLabelPosition::LowerLeft);
    }
    area.present()
}

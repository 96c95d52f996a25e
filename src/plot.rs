//! Drawing with plotters, generic over the backend: the same code draws on the page's canvas
//! (plotters-canvas) and into SVG for export.

use plotters::coord::Shift;
use plotters::prelude::*;

use crate::api::CurvesAnswer;
use crate::curves::CurveTable;

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

/// What the stopping-time plot shows.
pub struct StoppingPlot<'a> {
    pub title: &'a str,
    /// Backward times (or LogSNR values) of the curve table's columns.
    pub x: &'a [f64],
    pub x_label: &'a str,
    pub curves: &'a CurveTable,
    /// Vertical markers, each with its label (the switch times `t_d`).
    pub markers: &'a [(f64, String)],
}

/// Font size in pixels, scaled for high-density canvases.
fn font_px(base: f64, scale: f64) -> u32 {
    (base * scale).round() as u32
}

/// Superscript exponent labels for the log axis: `10⁻³`.
pub fn power_of_ten_label(value: f64) -> String {
    let exponent = value.log10().round() as i32;
    if (value.log10() - exponent as f64).abs() > 1e-6 {
        return format!("{value:.1e}");
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
/// the largest) to a little above the largest. Zeros (an exact fit at `t = T`) sit on the floor.
pub fn log_range(values: &[f64]) -> (f64, f64) {
    let max = values.iter().cloned().filter(|v| v.is_finite()).fold(0.0f64, f64::max).max(1e-300);
    let min_positive = values.iter().cloned().filter(|&v| v > 0.0).fold(max, f64::min);
    let floor = min_positive.max(max * 1e-12);
    (decade(floor.log10().floor() as i32), decade((max * 1.05).log10().ceil() as i32))
}

/// `10^exponent`, correctly rounded on every target (`powf` differs between libms).
fn decade(exponent: i32) -> f64 {
    format!("1e{exponent}").parse().expect("a decimal literal")
}

/// Draws `dF²(t, d)` of every `d` on a log axis, the lower envelope and the markers.
pub fn draw_stopping_curves<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &StoppingPlot,
    theme: &Theme,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    area.fill(&theme.background)?;
    let dimension = plot.curves.dimension();
    let (y_min, y_max) = log_range(&plot.curves.values);
    let (x_min, x_max) = plot.x.iter().filter(|v| v.is_finite()).fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
        (lo.min(v), hi.max(v))
    });
    let text = |size: f64| ("sans-serif", font_px(size, scale)).into_font().color(&theme.foreground);
    let mut chart = ChartBuilder::on(area)
        .caption(plot.title, text(16.0))
        .margin(font_px(10.0, scale))
        .margin_top(font_px(24.0, scale))
        .x_label_area_size(font_px(40.0, scale))
        .y_label_area_size(font_px(58.0, scale))
        .build_cartesian_2d(x_min..x_max, (y_min..y_max).log_scale())?;
    chart
        .configure_mesh()
        .bold_line_style(theme.grid)
        .light_line_style(theme.background)
        .axis_style(theme.foreground)
        .label_style(text(12.0))
        .axis_desc_style(text(13.0))
        .x_desc(plot.x_label)
        .y_desc("Fréchet distance² dF²")
        .y_label_formatter(&|v| power_of_ten_label(*v))
        .draw()?;

    let clamp = |v: f64| v.max(y_min);
    let finite_points = |row: &'_ [f64]| -> Vec<(f64, f64)> {
        plot.x.iter().zip(row).filter(|(x, _)| x.is_finite()).map(|(&x, &y)| (x, clamp(y))).collect()
    };
    let line_width = (1.6 * scale).max(1.0) as u32;
    for d in 1..=dimension {
        let color = dimension_color(d, dimension);
        let series = chart.draw_series(LineSeries::new(finite_points(plot.curves.row(d)), color.stroke_width(line_width)))?;
        if dimension <= 12 || d == 1 || d == dimension {
            series.label(format!("d = {d}")).legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + (18.0 * scale) as i32, y)], color.stroke_width(line_width + 1))
            });
        }
    }
    // The lower envelope: the best latent dimension at each time.
    let envelope: Vec<f64> = (0..plot.curves.points)
        .map(|i| plot.curves.row(plot.curves.best_dim[i] as usize)[i])
        .collect();
    chart
        .draw_series(DashedLineSeries::new(
            finite_points(&envelope),
            (6.0 * scale) as u32,
            (4.0 * scale) as u32,
            theme.foreground.stroke_width(line_width),
        ))?
        .label("best d")
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + (18.0 * scale) as i32, y)], theme.foreground.stroke_width(line_width)));
    // Labels closer than this many pixels to the last one drawn are skipped, never overlapped.
    let label_gap = (22.0 * scale) as i32;
    let mut last_label_px = i32::MIN / 2;
    for (x, label) in plot.markers {
        if !(x.is_finite() && *x > x_min && *x <= x_max) {
            continue;
        }
        chart.draw_series(DashedLineSeries::new(
            vec![(*x, y_min), (*x, y_max)],
            (3.0 * scale) as u32,
            (3.0 * scale) as u32,
            theme.foreground.mix(0.45).stroke_width(1),
        ))?;
        let px = chart.backend_coord(&(*x, y_max)).0;
        if (px - last_label_px).abs() < label_gap {
            continue;
        }
        last_label_px = px;
        chart.draw_series(std::iter::once(Text::new(
            label.clone(),
            (*x, y_max),
            text(11.0).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Center,
                plotters::style::text_anchor::VPos::Bottom,
            )),
        )))?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(theme.background.mix(0.85))
        .border_style(theme.grid)
        .label_font(text(11.0))
        .draw()?;
    area.present()
}

/// `n` in subscript digits: `t₁₂`.
fn subscript(n: usize) -> String {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    n.to_string().chars().map(|c| DIGITS[c.to_digit(10).unwrap() as usize]).collect()
}

/// Draws a `stoppingCurves` answer: Figure 4, left (against `t`) or right (against LogSNR), with
/// the exact switch times `t_2..t_D` as markers.
pub fn draw_stopping_answer<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    answer: &CurvesAnswer,
    log_snr_axis: bool,
    theme: &Theme,
    scale: f64,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let inner = &answer.switch_times[1..answer.switch_times.len() - 1];
    let markers: Vec<(f64, String)> = inner
        .iter()
        .zip(2..)
        .map(|(&t, d)| {
            let x = if log_snr_axis { answer.schedule.log_snr(answer.final_time - t) } else { t };
            (x, format!("t{}", subscript(d)))
        })
        .collect();
    let plot = StoppingPlot {
        title: "Fréchet distance to the data against the stopping time",
        x: if log_snr_axis { &answer.log_snr } else { &answer.t },
        x_label: if log_snr_axis { "LogSNR at the stopping time" } else { "stopping time t (backward; T ends sampling)" },
        curves: &answer.fd2,
        markers: &markers,
    };
    draw_stopping_curves(area, &plot, theme, scale)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

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

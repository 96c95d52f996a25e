//! How every plot looks: the light and dark themes, the categorical colours of the latent
//! dimensions, text and line sizes at the screen's pixel density, and what the reader chose to see
//! (the x axis, an emphasised `d`, the time cursor).

use plotters::coord::Shift;
use plotters::prelude::*;

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
    pub const NAMES: [&'static str; 2] = ["light", "dark"];

    pub fn by_name(name: &str) -> Option<Theme> {
        match name {
            "light" => Some(LIGHT),
            "dark" => Some(DARK),
            _ => None,
        }
    }
}

/// Tableau's ten categorical colours, readable on both themes.
pub(super) const CATEGORICAL: [RGBColor; 10] = [
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

/// Axis labels of whole numbers (dimensions, coordinates). A tick between two of them (plotters puts
/// ticks at halves on a short axis) gets no label rather than a repeat of its neighbour's.
pub(super) fn whole_number_label(value: &f64) -> String {
    if (value - value.round()).abs() > 1e-9 * value.abs().max(1.0) {
        return String::new();
    }
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

/// How every plot is drawn: colours and pixel density (text and lines scale with it).
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub theme: Theme,
    /// Device pixels per CSS pixel.
    pub scale: f64,
}

/// A legend's line sample, in CSS pixels; its column is 8 px wider, so that a line ends clear of
/// its label at any pixel density (plotters' default column is 30 device pixels).
pub(super) const LEGEND_SWATCH: f64 = 18.0;
pub(super) const LEGEND_COLUMN: f64 = LEGEND_SWATCH + 8.0;

/// A character's width, in ems, that text is laid out for: the digits of DejaVu Sans (Firefox's
/// sans-serif here), the widest of the engines' fonts (Chromium's draws about 0.55 em). Text
/// sized from it fits in every engine.
pub const WIDEST_EM_PER_CHAR: f64 = 0.64;

/// Below this width (CSS pixels) a plot is compact: smaller text, a shorter legend.
pub(super) const COMPACT_WIDTH: f64 = 560.0;

impl Style {
    /// The style for a drawing area: text shrinks on narrow plots (a phone) so that it still fits.
    pub(super) fn fitted<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> (Style, bool) {
        let compact = (area.dim_in_pixel().0 as f64) / self.scale < COMPACT_WIDTH;
        (Style { theme: self.theme, scale: if compact { self.scale * 0.82 } else { self.scale } }, compact)
    }
    pub(super) fn px(&self, css_pixels: f64) -> u32 {
        (css_pixels * self.scale).round().max(1.0) as u32
    }
    pub(super) fn font(&self, css_pixels: f64) -> TextStyle<'static> {
        (FontFamily::SansSerif, css_pixels * self.scale).into_font().color(&self.theme.foreground)
    }
    pub(super) fn line(&self, color: RGBColor, css_width: f64) -> ShapeStyle {
        color.stroke_width(self.px(css_width))
    }
    pub(super) fn legend_swatch(&self, style: ShapeStyle) -> impl Fn((i32, i32)) -> PathElement<(i32, i32)> {
        let length = self.px(LEGEND_SWATCH) as i32;
        move |(x, y)| PathElement::new(vec![(x, y), (x + length, y)], style)
    }
    /// Where a legend's marker (a dot, a ring) is centred, from the swatch column's left end `x`.
    pub(super) fn legend_mark(&self, (x, y): (i32, i32)) -> (i32, i32) {
        (x + self.px(LEGEND_SWATCH / 2.0) as i32, y)
    }
    /// A legend's dot or ring of `css_radius`, centred in the swatch column.
    pub(super) fn legend_dot(
        &self,
        css_radius: f64,
        paint: ShapeStyle,
    ) -> impl Fn((i32, i32)) -> Circle<(i32, i32), u32> {
        let (style, radius) = (*self, self.px(css_radius));
        move |at| Circle::new(style.legend_mark(at), radius, paint)
    }
}

/// The x axis of the time plots.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum XAxis {
    /// Backward time `t` (Figure 4, left).
    #[default]
    Time,
    /// LogSNR at the stopping time (Figure 4, right).
    LogSnr,
}

impl XAxis {
    pub const NAMES: [&'static str; 2] = ["t", "logSnr"];

    pub fn from_name(name: &str) -> Option<XAxis> {
        match name {
            "t" => Some(XAxis::Time),
            "logSnr" => Some(XAxis::LogSnr),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        XAxis::NAMES[self as usize]
    }
}

/// What the reader chose to look at: the axis, one emphasised `d`, the time cursor, the window.
#[derive(Clone, Copy, Debug, Default)]
pub struct View {
    pub x_axis: XAxis,
    /// 1-based latent dimension drawn on top, thicker.
    pub emphasis: Option<usize>,
    /// Backward time of the cursor.
    pub cursor: Option<f64>,
    /// The x range the time plots show (in the axis' own unit), `low < high`; the whole run when
    /// `None`. The curves are recomputed inside it, so a zoom stays smooth.
    pub x_window: Option<(f64, f64)>,
    /// The `dF²` range the log plots show, `0 < low < high`; fitted to the curves when `None`.
    pub y_window: Option<(f64, f64)>,
}

/// `n` in subscript digits: `t₁₂`.
pub(super) fn subscript(n: usize) -> String {
    const DIGITS: [char; 10] = ['₀', '₁', '₂', '₃', '₄', '₅', '₆', '₇', '₈', '₉'];
    n.to_string().chars().map(|c| DIGITS[c.to_digit(10).unwrap() as usize]).collect()
}

/// The cursor's colour, distinct from the categorical palette on both themes.
pub(super) const CURSOR: RGBColor = RGBColor(214, 39, 140);

/// Monte Carlo's colour: apart from the cursor, the palette and the exact law's ink.
pub(super) const MONTE_CARLO: RGBColor = RGBColor(0, 166, 214);

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
}

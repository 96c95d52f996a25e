//! The `#[wasm_bindgen]` layer: JS objects in (serde-wasm-bindgen), plain objects with typed-array
//! fields out, every error a JS `Error` whose message starts with the offending field.

use js_sys::{Array, Float64Array, Object, Reflect, Uint32Array};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use crate::api::{self, CurvesAnswer};
use crate::curves::CurveTable;
use crate::input::{self, InputError};
use crate::plot::{self, Theme};

fn error(e: InputError) -> JsError {
    JsError::new(&e.to_string())
}

/// Deserialises a request; a type error names its path (`variances[2]: invalid type: ...`).
fn parse<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    if !value.is_object() || Array::is_array(&value) {
        return Err(JsError::new(&format!("{what}: expects an object argument")));
    }
    let known = api::request_fields::<T>();
    let object: &Object = value.unchecked_ref();
    if let Some(unknown) = Object::keys(object).iter().filter_map(|k| k.as_string()).find(|k| !known.contains(&k.as_str())) {
        return Err(JsError::new(&format!("{what}: unknown field `{unknown}`, expected one of {}", known.join(", "))));
    }
    serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| {
        let path = e.path().to_string();
        if path == "." || path.is_empty() {
            JsError::new(&format!("{what}: {}", e.inner()))
        } else {
            JsError::new(&format!("{path}: {}", e.inner()))
        }
    })
}

/// A JS object filled field by field.
struct Out(Object);

impl Out {
    fn new() -> Self {
        Out(Object::new())
    }
    fn set(self, key: &str, value: impl Into<JsValue>) -> Self {
        Reflect::set(&self.0, &key.into(), &value.into()).expect("setting a field of a fresh object");
        self
    }
}

fn floats(values: &[f64]) -> Float64Array {
    Float64Array::from(values)
}

/// One `Float64Array` per row of a row-major table. The rows are views of one buffer: a single
/// copy out of wasm memory instead of one per row.
fn rows(values: &[f64], width: usize) -> Array {
    let all = floats(values);
    (0..values.len() / width)
        .map(|r| JsValue::from(all.subarray((r * width) as u32, ((r + 1) * width) as u32)))
        .collect()
}

fn table(t: &CurveTable) -> Array {
    rows(&t.values, t.points)
}

/// `stoppingCurves({variances, estimatedVariances?, T?, points?, schedule?})`.
#[wasm_bindgen(js_name = stoppingCurves)]
pub fn stopping_curves(request: JsValue) -> Result<JsValue, JsError> {
    let answer = api::stopping_curves_answer(parse(request, "stoppingCurves")?).map_err(error)?;
    Ok(curves_object(&answer).0.into())
}

fn curves_object(a: &CurvesAnswer) -> Out {
    let fd2 = table(&a.fd2);
    let fd2_exact = a.fd2_exact.as_ref().map_or_else(|| fd2.clone(), table);
    Out::new()
        .set("t", floats(&a.t))
        .set("logSnr", floats(&a.log_snr))
        .set("fd2", fd2)
        .set("fd2Exact", fd2_exact)
        .set("switchTimes", floats(&a.switch_times))
        .set("switchTimesEstimated", floats(&a.switch_times_estimated))
        .set("bestDim", Uint32Array::from(&a.fd2.best_dim[..]))
        .set("monotone", a.monotone.iter().map(|&m| JsValue::from_bool(m)).collect::<Array>())
        .set("prop1Sum", floats(&a.prop1_sum))
        .set("optimalStop", floats(&a.optimal_stop))
}

/// `cappedScore({variances, estimatedVariances?, C, T?, points?})`.
#[wasm_bindgen(js_name = cappedScore)]
pub fn capped_score(request: JsValue) -> Result<JsValue, JsError> {
    let a = api::capped_answer(parse(request, "cappedScore")?).map_err(error)?;
    let points = a.t.len();
    Ok(Out::new()
        .set("t", floats(&a.t))
        .set("variance", rows(&a.variance, points))
        .set("fd2", table(&a.fd2))
        .set("endVariances", floats(&a.outcome.end_variances))
        .set("fd2ByDim", floats(&a.outcome.fd2_by_dim))
        .set("dMin", a.outcome.d_min as u32)
        .set("d1", a.outcome.d1 as u32)
        .set("d2", a.outcome.d2 as u32)
        .0
        .into())
}

/// `estimateVariances({variances, n, seed})`: the seeded plug-in variances.
#[wasm_bindgen(js_name = estimateVariances)]
pub fn estimate_variances(request: JsValue) -> Result<Float64Array, JsError> {
    let variances = api::estimate_answer(parse(request, "estimateVariances")?).map_err(error)?;
    Ok(floats(&variances))
}

/// The documented input limits, for the page to show next to its controls.
#[wasm_bindgen]
pub fn limits() -> JsValue {
    Out::new()
        .set("maxDimension", input::MAX_DIMENSION as u32)
        .set("maxPoints", input::MAX_POINTS as u32)
        .set("maxCurveValues", input::MAX_CURVE_VALUES as u32)
        .set("maxSampledValues", input::MAX_SAMPLED_VALUES as u32)
        .0
        .into()
}

/// How a plot is drawn: theme, x axis and pixel density.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PlotOptions {
    #[serde(default)]
    theme: Option<String>,
    /// `"t"` (backward time, default) or `"logSnr"`.
    #[serde(default)]
    x_axis: Option<String>,
    /// Device pixels per CSS pixel, so that text keeps its size on dense screens.
    #[serde(default)]
    scale: Option<f64>,
}

struct Style {
    theme: Theme,
    log_snr_axis: bool,
    scale: f64,
}

fn style(options: JsValue) -> Result<Style, JsError> {
    let options: PlotOptions =
        if options.is_undefined() || options.is_null() { PlotOptions { theme: None, x_axis: None, scale: None } } else { parse(options, "options")? };
    let theme_name = options.theme.as_deref().unwrap_or("light");
    let theme = Theme::by_name(theme_name).ok_or_else(|| JsError::new(&format!("theme: unknown theme \"{theme_name}\"; use light or dark")))?;
    let log_snr_axis = match options.x_axis.as_deref().unwrap_or("t") {
        "t" => false,
        "logSnr" => true,
        other => return Err(JsError::new(&format!("xAxis: unknown axis \"{other}\"; use t or logSnr"))),
    };
    let scale = options.scale.unwrap_or(1.0);
    if !(scale.is_finite() && (0.25..=8.0).contains(&scale)) {
        return Err(JsError::new(&format!("scale: must be between 0.25 and 8, got {scale}")));
    }
    Ok(Style { theme, log_snr_axis, scale })
}

fn draw_curves<DB: DrawingBackend>(
    area: &plotters::drawing::DrawingArea<DB, plotters::coord::Shift>,
    answer: &CurvesAnswer,
    style: &Style,
) -> Result<(), JsError> {
    plot::draw_stopping_answer(area, answer, style.log_snr_axis, &style.theme, style.scale)
        .map_err(|e| JsError::new(&format!("drawing: {e}")))
}

/// Draws the stopping-time curves of a `stoppingCurves` request on a canvas.
#[wasm_bindgen(js_name = plotStoppingCurves)]
pub fn plot_stopping_curves(canvas: HtmlCanvasElement, request: JsValue, options: JsValue) -> Result<(), JsError> {
    let style = style(options)?;
    let answer = api::stopping_curves_answer(parse(request, "plotStoppingCurves")?).map_err(error)?;
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("canvas: no 2D context"))?;
    draw_curves(&backend.into_drawing_area(), &answer, &style)
}

/// The same drawing as SVG text, `width × height` pixels.
#[wasm_bindgen(js_name = stoppingCurvesSvg)]
pub fn stopping_curves_svg(request: JsValue, width: u32, height: u32, options: JsValue) -> Result<String, JsError> {
    let style = style(options)?;
    let answer = api::stopping_curves_answer(parse(request, "stoppingCurvesSvg")?).map_err(error)?;
    if !(64..=8192).contains(&width) || !(64..=8192).contains(&height) {
        return Err(JsError::new("width: the SVG must be between 64 and 8192 pixels on each side"));
    }
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw_curves(&area, &answer, &style)?;
    }
    Ok(svg)
}

//! The page's module: closed forms, the explorer model and its drawing.

use js_sys::{Array, Float64Array, Uint32Array};
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

use super::{Out, check_svg_size, drawing_error, error, floats, parse, require_document, theme};
use crate::api::{self, CappedAnswer, CurvesAnswer};
use crate::capped::capped_distances_at;
use crate::curves::{CurveTable, argmin, distances_at, stopping_distance, time_of_log_snr};
use crate::export;
use crate::input;
use crate::plot::{self, AxisFrame, MonteCarloPoints, Overlay, ScatterFrame, Style, View, XAxis};
use crate::recording::Recording;
use crate::sampler::{Method, MonteCarloBand, Sampler, Score, Start};

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

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Variances of the data, and optionally those the score was fitted on (plug-in score). */
export interface CurvesRequest {
  /** σk², k = 1..D: finite, ≥ 0, 1 ≤ D ≤ limits().maxDimension. */
  variances: ArrayLike<number>;
  /** σ̂k² (same length); omitted: the exact score. */
  estimatedVariances?: ArrayLike<number>;
  /** Final time; default 2 for "ou", 1 (the largest allowed) for the others. */
  T?: number;
  /** Number of backward times from 0 to T, both included; default 512. */
  points?: number;
  schedule?: "ou" | "vp-linear" | "cosine" | "rectified-flow";
}
export interface StoppingCurves {
  /** Backward times, t[0] = 0 (pure noise) … t[points-1] = T (end of sampling). */
  t: Float64Array;
  /** log(b²/a²) at forward time T − t (+Infinity at t = T). */
  logSnr: Float64Array;
  /** fd2[d-1][i] = dF²(t_i, d) with the request's score. Rows are views of one buffer. */
  fd2: Float64Array[];
  /** The same with the exact score (the very same array when estimatedVariances is omitted). */
  fd2Exact: Float64Array[];
  /** Prop 2's t_1 = 0, t_2 … t_D, t_{D+1} = T with the exact score, and with the plug-in one. */
  switchTimes: Float64Array;
  switchTimesEstimated: Float64Array;
  /** The d (1-based) of least fd2 at each t_i. */
  bestDim: Uint32Array;
  /** Per d: whether dF² is non-increasing in t (Prop 1), Prop 1's sum, the best stopping time. */
  monotone: boolean[];
  prop1Sum: Float64Array;
  optimalStop: Float64Array;
}
export interface CappedRequest {
  variances: ArrayLike<number>;
  estimatedVariances?: ArrayLike<number>;
  /** The cap on the score's weights, C > 1. */
  C: number;
  T?: number;
  points?: number;
}
export interface CappedScore {
  t: Float64Array;
  /** variance[k][i]: variance of latent coordinate k+1 at t_i, started from N(0, 1). */
  variance: Float64Array[];
  /** fd2[d-1][i]: dF² of the capped sampler stopped at t_i with d latent dimensions. */
  fd2: Float64Array[];
  /** V_T per coordinate, dF²(d) at t = T, its minimiser and Prop 5's bracket [d1, d2]. */
  endVariances: Float64Array;
  fd2ByDim: Float64Array;
  dMin: number;
  d1: number;
  d2: number;
}
export interface EstimateRequest {
  variances: ArrayLike<number>;
  /** Number of samples, ≥ 1. */
  n: number;
  /** Any integer from 0 to 2^53 − 1. */
  seed: number;
}
export interface PlotOptions {
  theme?: "light" | "dark";
  xAxis?: "t" | "logSnr";
  /** Device pixels per CSS pixel (0.25 … 8); default 1. */
  scale?: number;
  /** Latent dimension drawn on top, thicker (1-based). */
  emphasis?: number;
  /** Backward time of the cursor line. */
  cursor?: number;
}
export interface ExplorerRequest extends CurvesRequest {
  /** The cap of Props 4–5, C > 1 (those panels use the OU schedule with the same T). */
  C: number;
}
export interface ExplorerSummary {
  dimension: number;
  T: number;
  schedule: string;
  exactScore: boolean;
  switchTimes: Float64Array;
  switchTimesEstimated: Float64Array;
  monotone: boolean[];
  prop1Sum: Float64Array;
  optimalStop: Float64Array;
  /** dF²(T, d) and dF²(optimalStop[d-1], d) for each d. */
  atEnd: Float64Array;
  atOptimalStop: Float64Array;
  C: number;
  dMin: number;
  d1: number;
  d2: number;
}
export interface ExplorerReadout {
  t: number;
  logSnr: number;
  bestDim: number;
  bestDimExact: number;
  /** dF²(t, d) for d = 1..D with the request's score, the exact one, and the capped one. */
  fd2: Float64Array;
  fd2Exact: Float64Array;
  fd2Capped: Float64Array;
}
export interface AxisFrame {
  left: number;
  right: number;
  top: number;
  bottom: number;
  xMin: number;
  xMax: number;
}
export type Panel = "curves" | "best-dimension" | "capped-variances" | "capped-distance" | "capped-curves" | "scatter" | "spectrum";
export interface Limits {
  maxDimension: number;
  maxPoints: number;
  maxCurveValues: number;
  maxSampledValues: number;
  /** Largest latent dimension of a Monte Carlo run (each checkpoint is a d × d eigenproblem). */
  maxMonteCarloDimension: number;
}
"#;

/// The stopping-time curves of the diagonal case and the paper's results about them.
#[wasm_bindgen(js_name = stoppingCurves, unchecked_return_type = "StoppingCurves")]
pub fn stopping_curves(
    #[wasm_bindgen(unchecked_param_type = "CurvesRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
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

/// Props 4–5: the norm-capped score's variances and Fréchet distances (OU schedule).
#[wasm_bindgen(js_name = cappedScore, unchecked_return_type = "CappedScore")]
pub fn capped_score(
    #[wasm_bindgen(unchecked_param_type = "CappedRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
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

/// The plug-in variances of `n` seeded samples of N(0, diag(variances)).
#[wasm_bindgen(js_name = estimateVariances)]
pub fn estimate_variances(
    #[wasm_bindgen(unchecked_param_type = "EstimateRequest")] request: JsValue,
) -> Result<Float64Array, JsError> {
    let variances = api::estimate_answer(parse(request, "estimateVariances")?).map_err(error)?;
    Ok(floats(&variances))
}

/// The documented input limits, for the page to show next to its controls.
#[wasm_bindgen(unchecked_return_type = "Limits")]
pub fn limits() -> JsValue {
    Out::new()
        .set("maxDimension", input::MAX_DIMENSION as u32)
        .set("maxPoints", input::MAX_POINTS as u32)
        .set("maxCurveValues", input::MAX_CURVE_VALUES as u32)
        .set("maxSampledValues", input::MAX_SAMPLED_VALUES as u32)
        .set("maxMonteCarloDimension", api::MAX_MONTE_CARLO_DIMENSION as u32)
        .0
        .into()
}

/// How a plot is drawn and what it highlights.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ViewOptions {
    #[serde(default)]
    theme: Option<String>,
    /// `"t"` (backward time, default) or `"logSnr"`.
    #[serde(default)]
    x_axis: Option<String>,
    /// Device pixels per CSS pixel, so that text keeps its size on dense screens.
    #[serde(default)]
    scale: Option<f64>,
    /// The latent dimension drawn on top (1-based).
    #[serde(default)]
    emphasis: Option<usize>,
    /// Backward time of the cursor line.
    #[serde(default)]
    cursor: Option<f64>,
}

fn view(options: JsValue) -> Result<(Style, View), JsError> {
    require_document()?;
    view_options(options)
}

/// The drawing options without drawing (CSV export reads the cursor).
fn view_options(options: JsValue) -> Result<(Style, View), JsError> {
    let options: ViewOptions =
        if options.is_undefined() || options.is_null() { ViewOptions::default() } else { parse(options, "options")? };
    let theme = theme(options.theme.as_deref())?;
    let x_axis = match options.x_axis.as_deref().unwrap_or("t") {
        "t" => XAxis::Time,
        "logSnr" => XAxis::LogSnr,
        other => return Err(JsError::new(&format!("xAxis: unknown axis \"{other}\"; use t or logSnr"))),
    };
    let scale = options.scale.unwrap_or(1.0);
    if !(scale.is_finite() && (0.25..=8.0).contains(&scale)) {
        return Err(JsError::new(&format!("scale: must be between 0.25 and 8, got {scale}")));
    }
    if options.cursor.is_some_and(|t| !t.is_finite()) {
        return Err(JsError::new("cursor: must be a finite time"));
    }
    Ok((Style { theme, scale }, View { x_axis, emphasis: options.emphasis, cursor: options.cursor }))
}

/// Draws the stopping-time curves of a `stoppingCurves` request on a canvas.
#[wasm_bindgen(js_name = plotStoppingCurves)]
pub fn plot_stopping_curves(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "CurvesRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
) -> Result<(), JsError> {
    let (style, view) = view(options)?;
    let answer = api::stopping_curves_answer(parse(request, "plotStoppingCurves")?).map_err(error)?;
    let mut backend = CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("canvas: no 2D context"))?;
    curves_recording(&answer, backend.get_size(), &view, &style)?.replay(&mut backend).map_err(drawing_error)
}

/// The curves panel of a bare `stoppingCurves` answer, recorded.
fn curves_recording(answer: &CurvesAnswer, size: (u32, u32), view: &View, style: &Style) -> Result<Recording, JsError> {
    let recording = Recording::new(size);
    plot::draw_curves_panel(&recording.clone().into_drawing_area(), answer, view, None, style)
        .map_err(drawing_error)?;
    Ok(recording)
}

/// The same drawing as SVG text, `width × height` pixels.
#[wasm_bindgen(js_name = stoppingCurvesSvg)]
pub fn stopping_curves_svg(
    #[wasm_bindgen(unchecked_param_type = "CurvesRequest")] request: JsValue,
    width: u32,
    height: u32,
    #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
) -> Result<String, JsError> {
    let (style, view) = view(options)?;
    let answer = api::stopping_curves_answer(parse(request, "stoppingCurvesSvg")?).map_err(error)?;
    check_svg_size(width, height)?;
    let mut svg = String::new();
    curves_recording(&answer, (width, height), &view, &style)?
        .replay(&mut SVGBackend::with_string(&mut svg, (width, height)))
        .map_err(drawing_error)?;
    Ok(svg)
}

/// Draws a spectrum (variances, or eigenvalues) and its reconstruction errors on a canvas: the
/// preview of an upload before it is used.
#[wasm_bindgen(js_name = plotSpectrum)]
pub fn plot_spectrum(
    canvas: HtmlCanvasElement,
    variances: Vec<f64>,
    #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
) -> Result<(), JsError> {
    let (style, _) = view(options)?;
    input::check_variances("variances", &variances).map_err(error)?;
    let mut backend = CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("canvas: no 2D context"))?;
    let recording = Recording::new(backend.get_size());
    plot::draw_spectrum_panel(&recording.clone().into_drawing_area(), &variances, &style).map_err(drawing_error)?;
    recording.replay(&mut backend).map_err(drawing_error)
}

/// The explorer page's model: the curves and the capped-score results of one data set, computed
/// once, then drawn, exported and read at the cursor as often as the reader likes. The sampling
/// worker's results (scatter samples, Monte Carlo runs) are handed in to be drawn with the exact laws.
#[wasm_bindgen]
pub struct Explorer {
    curves: CurvesAnswer,
    capped: CappedAnswer,
    /// The discretised sampler of the sampler panels, if any.
    sampler: Option<SamplerChoice>,
    scatter: Option<ScatterSamples>,
    monte_carlo: Option<MonteCarloRuns>,
}

#[derive(Clone, Copy, PartialEq)]
struct SamplerChoice {
    method: Method,
    steps: usize,
    /// Whether its exact law (and Monte Carlo) is drawn over the curves.
    overlay: bool,
}

/// Simulated trajectories of two coordinates, recorded at some steps (from the worker).
struct ScatterSamples {
    /// 1-based data coordinates.
    coordinates: [usize; 2],
    steps: Vec<usize>,
    /// `[sample][axis]` draws of the data law, `[frame][sample][axis]` generated values.
    data: Vec<f64>,
    generated: Vec<f64>,
}

/// Repeated seeded runs of the sampler with `d` latent dimensions, `n` samples each.
struct MonteCarloRuns {
    d: usize,
    n: usize,
    runs: usize,
    t: Vec<f64>,
    band: MonteCarloBand,
}

/// The panels an `Explorer` draws and exports.
pub const PANELS: [&str; 7] =
    ["curves", "best-dimension", "capped-variances", "capped-distance", "capped-curves", "scatter", "spectrum"];

impl Explorer {
    /// The latent dimension of the sampler panels: the highlighted `d`, else the best `d` at `T`.
    fn sampler_dimension(&self, emphasis: Option<usize>) -> usize {
        emphasis
            .filter(|&d| (1..=self.curves.problem.dimension()).contains(&d))
            .unwrap_or(*self.curves.fd2.best_dim.last().expect("points ≥ 2") as usize)
    }

    /// The chosen sampler with `d` latent dimensions, run from the stationary law to `T` with the
    /// model's score.
    fn sampler(&self, choice: SamplerChoice, d: usize) -> Result<Sampler, JsError> {
        let problem = &self.curves.problem;
        let score = if self.curves.fd2_exact.is_some() { Score::PlugIn } else { Score::Exact };
        Sampler::new(problem.clone(), d, choice.steps, problem.final_time, choice.method, Start::Stationary, score)
            .map_err(error)
    }

    /// The exact law of the chosen sampler over the curves, with the Monte Carlo of the same `d`.
    fn overlay(&self, view: &View) -> Result<Option<Overlay>, JsError> {
        let Some(choice) = self.sampler.filter(|c| c.overlay) else { return Ok(None) };
        let d = self.sampler_dimension(view.emphasis);
        let sampler = self.sampler(choice, d)?;
        let monte_carlo = self.monte_carlo.as_ref().filter(|mc| mc.d == d).map(|mc| MonteCarloPoints {
            label: format!("Monte Carlo: {} runs of n = {} (simulated, 95% of runs)", mc.runs, mc.n),
            t: mc.t.clone(),
            band: mc.band.clone(),
        });
        Ok(Some(Overlay {
            label: format!("sampler, d = {d}, {} steps (exact law)", choice.steps),
            t: sampler.step_times(),
            fd2: sampler.law_fd2(),
            monte_carlo,
        }))
    }

    /// The step the scatter shows at backward time `cursor` (`times`: the sampler's step times) and
    /// its index among the shown ones: the last recorded step at or before the cursor, or the last
    /// step of all before the worker's samples arrive.
    fn scatter_step(&self, times: &[f64], cursor: f64) -> (usize, usize) {
        let reached = |n: usize| times[n] <= cursor + 1e-12;
        match &self.scatter {
            Some(s) => {
                let frame = s.steps.iter().rposition(|&n| reached(n)).unwrap_or(0);
                (frame, s.steps[frame])
            }
            None => {
                let step = (0..times.len()).rposition(reached).unwrap_or(0);
                (step, step)
            }
        }
    }

    /// The scatter at the cursor: the frame of [`Explorer::scatter_step`].
    fn scatter_frame(&self, view: &View) -> Result<ScatterFrame, JsError> {
        let choice = self.sampler.ok_or_else(|| JsError::new("scatter: choose a sampler first"))?;
        let d = self.sampler_dimension(view.emphasis);
        let sampler = self.sampler(choice, d)?;
        let times = sampler.step_times();
        let cursor = view.cursor.unwrap_or(self.curves.problem.final_time);
        let variances = &self.curves.problem.variances;
        let (frame, step) = self.scatter_step(&times, cursor);
        let (coordinates, data, generated) = match &self.scatter {
            Some(s) => {
                let n = s.data.len() / 2;
                let pairs = |values: &[f64]| values.chunks_exact(2).map(|p| (p[0], p[1])).collect::<Vec<_>>();
                let mut generated = pairs(&s.generated[frame * 2 * n..(frame + 1) * 2 * n]);
                // Decoding zero-fills the coordinates beyond the latent dimension.
                for point in &mut generated {
                    if s.coordinates[0] > d {
                        point.0 = 0.0;
                    }
                    if s.coordinates[1] > d {
                        point.1 = 0.0;
                    }
                }
                (s.coordinates, pairs(&s.data), generated)
            }
            None => ([1, 2.min(variances.len())], Vec::new(), Vec::new()),
        };
        let law = |k: usize| if k <= d { sampler.coordinate_law(k - 1)[step] } else { 0.0 };
        let samples =
            if generated.is_empty() { "samples: computing".to_string() } else { format!("n = {}", generated.len()) };
        Ok(ScatterFrame {
            title: format!(
                "Samples at t = {:.3} ({} steps done): d = {d}, {}, {samples}",
                times[step],
                step,
                choice.method.name()
            ),
            coordinates,
            data,
            generated,
            data_variances: [variances[coordinates[0] - 1], variances[coordinates[1] - 1]],
            law_variances: [law(coordinates[0]), law(coordinates[1])],
        })
    }

    /// Records a panel's drawing at a size; time panels tell where their x axis lies.
    fn record(
        &self,
        panel: &str,
        size: (u32, u32),
        view: &View,
        style: &Style,
    ) -> Result<(Recording, Option<AxisFrame>), JsError> {
        let recording = Recording::new(size);
        let frame = {
            let area = recording.clone().into_drawing_area();
            match panel {
                "curves" => {
                    plot::draw_curves_panel(&area, &self.curves, view, self.overlay(view)?.as_ref(), style).map(Some)
                }
                "best-dimension" => plot::draw_best_dimension_panel(&area, &self.curves, view, style).map(Some),
                "capped-variances" => plot::draw_capped_variances_panel(&area, &self.capped, style).map(|_| None),
                "capped-distance" => plot::draw_capped_distance_panel(&area, &self.capped, style).map(|_| None),
                "capped-curves" => {
                    plot::draw_capped_curves_panel(&area, &self.curves, &self.capped, view, style).map(Some)
                }
                "scatter" => plot::draw_scatter_panel(&area, &self.scatter_frame(view)?, style).map(|_| None),
                "spectrum" => plot::draw_spectrum_panel(&area, &self.curves.problem.variances, style).map(|_| None),
                other => return Err(unknown_panel(other)),
            }
            .map_err(drawing_error)?
        };
        Ok((recording, frame))
    }
}

fn unknown_panel(panel: &str) -> JsError {
    JsError::new(&format!("panel: unknown panel \"{panel}\"; use one of {}", PANELS.join(", ")))
}

#[wasm_bindgen]
impl Explorer {
    /// Computes everything for `{variances, estimatedVariances?, T?, points?, schedule?, C}`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ExplorerRequest")] request: JsValue,
    ) -> Result<Explorer, JsError> {
        let request: api::ExplorerRequest = parse(request, "Explorer")?;
        let (curves, capped) = request.split();
        let curves = api::stopping_curves_answer(curves).map_err(error)?;
        let capped = api::capped_answer(capped).map_err(error)?;
        Ok(Explorer { curves, capped, sampler: None, scatter: None, monte_carlo: None })
    }

    /// A new cap `C` for the capped-score panels (the curves are kept).
    #[wasm_bindgen(js_name = setCap)]
    pub fn set_cap(&mut self, cap: f64) -> Result<(), JsError> {
        let base = &self.capped.problem.base;
        let request = api::CappedRequest {
            variances: base.variances.clone(),
            estimated_variances: Some(base.estimated.clone()),
            cap,
            final_time: Some(base.final_time),
            points: Some(self.capped.t.len()),
        };
        self.capped = api::capped_answer(request).map_err(error)?;
        Ok(())
    }

    /// The sampler of the sampler panels (`method` one of euler-maruyama, exponential, flow-heun,
    /// flow-exact; `steps` from 0 to `T`), and whether its exact law is drawn over the curves.
    /// Another method or number of steps drops the samples and runs handed in for the old one.
    #[wasm_bindgen(js_name = setSampler)]
    pub fn set_sampler(&mut self, method: &str, steps: u32, overlay: bool) -> Result<(), JsError> {
        let choice =
            SamplerChoice { method: api::parse_method(method).map_err(error)?, steps: steps as usize, overlay };
        // The sampler's own checks (steps, a variance-preserving schedule), once, here.
        self.sampler(choice, 1)?;
        if self.sampler.is_none_or(|old| (old.method, old.steps) != (choice.method, choice.steps)) {
            self.scatter = None;
            self.monte_carlo = None;
        }
        self.sampler = Some(choice);
        Ok(())
    }

    /// The sampler step the scatter shows at backward time `t`: a cursor move that keeps it needs
    /// no redraw.
    #[wasm_bindgen(js_name = scatterStep)]
    pub fn scatter_step_js(&self, t: f64) -> Result<u32, JsError> {
        let choice = self.sampler.ok_or_else(|| JsError::new("scatter: choose a sampler first"))?;
        Ok(self.scatter_step(&self.sampler(choice, 1)?.step_times(), t).1 as u32)
    }

    /// The sampler's latent dimension for a highlighted `d` (0 or out of range: the best `d` at `T`).
    #[wasm_bindgen(js_name = samplerDimension)]
    pub fn sampler_dimension_js(&self, emphasis: u32) -> u32 {
        self.sampler_dimension(Some(emphasis as usize)) as u32
    }

    /// The `SamplerRequest` of the sampler panels with `d` latent dimensions, for the worker.
    #[wasm_bindgen(js_name = samplerRequest, unchecked_return_type = "SamplerRequest")]
    pub fn sampler_request(&self, d: u32) -> Result<JsValue, JsError> {
        let choice = self.sampler.ok_or_else(|| JsError::new("sampler: choose a sampler first"))?;
        let problem = &self.curves.problem;
        let request = Out::new()
            .set("variances", floats(&problem.variances))
            .set("d", d)
            .set("T", problem.final_time)
            .set("schedule", problem.schedule.name())
            .set("steps", choice.steps as u32)
            .set("stopTime", problem.final_time)
            .set("method", choice.method.name())
            .set("start", "stationary");
        Ok(if self.curves.fd2_exact.is_some() {
            request.set("estimatedVariances", floats(&problem.estimated)).set("score", "plug-in")
        } else {
            request.set("score", "exact")
        }
        .0
        .into())
    }

    /// Samples for the scatter panel from the worker's `scatterChunk`s: the two 1-based data
    /// coordinates, the recorded steps, `n × 2` data draws and `frames × n × 2` generated values.
    #[wasm_bindgen(js_name = setScatter)]
    pub fn set_scatter(
        &mut self,
        coordinates: Vec<u32>,
        steps: Vec<u32>,
        data: Vec<f64>,
        generated: Vec<f64>,
    ) -> Result<(), JsError> {
        let choice = self.sampler.ok_or_else(|| JsError::new("scatter: choose a sampler first"))?;
        let dimension = self.curves.problem.dimension();
        let [i, j] = coordinates[..] else {
            return Err(JsError::new("coordinates: the scatter takes two coordinates"));
        };
        if ![i, j].iter().all(|&k| (1..=dimension as u32).contains(&k)) {
            return Err(JsError::new(&format!("coordinates: must be from 1 to D = {dimension}, got {i} and {j}")));
        }
        let steps: Vec<usize> = steps.iter().map(|&n| n as usize).collect();
        if steps.is_empty() || steps.iter().any(|&n| n > choice.steps) || !steps.is_sorted() {
            return Err(JsError::new("steps: recorded steps must be increasing step numbers of the sampler"));
        }
        if data.is_empty() || !data.len().is_multiple_of(2) || generated.len() != steps.len() * data.len() {
            return Err(JsError::new("scatter: expects n × 2 data values and frames × n × 2 generated values"));
        }
        self.scatter = Some(ScatterSamples { coordinates: [i as usize, j as usize], steps, data, generated });
        Ok(())
    }

    /// Monte Carlo for the curves overlay: `values` holds `runs` rows of the empirical `dF²` at the
    /// checkpoint times `t`, each run of `n` samples with `d` latent dimensions.
    #[wasm_bindgen(js_name = setMonteCarlo)]
    pub fn set_monte_carlo(&mut self, d: u32, t: Vec<f64>, values: Vec<f64>, n: u32) -> Result<(), JsError> {
        if t.is_empty() || values.is_empty() || !values.len().is_multiple_of(t.len()) {
            return Err(JsError::new("monteCarlo: expects runs × checkpoints values"));
        }
        self.monte_carlo = Some(MonteCarloRuns {
            d: d as usize,
            n: n as usize,
            runs: values.len() / t.len(),
            band: MonteCarloBand::new(&values, t.len()),
            t,
        });
        Ok(())
    }

    /// What the page prints beside the plots: per-`d` verdicts, switch times, Prop 5's outcome.
    #[wasm_bindgen(unchecked_return_type = "ExplorerSummary")]
    pub fn summary(&self) -> JsValue {
        let (a, outcome) = (&self.curves, &self.capped.outcome);
        let at_end = distances_at(&a.problem, a.problem.final_time);
        // Only the early stops need a distance of their own: a monotone d stops at T.
        let at_optimal_stop: Vec<f64> = (1..=a.problem.dimension())
            .map(|d| {
                if a.monotone[d - 1] { at_end[d - 1] } else { stopping_distance(&a.problem, a.optimal_stop[d - 1], d) }
            })
            .collect();
        Out::new()
            .set("dimension", a.problem.dimension() as u32)
            .set("T", a.problem.final_time)
            .set("schedule", a.problem.schedule.name())
            .set("exactScore", a.fd2_exact.is_none())
            .set("switchTimes", floats(&a.switch_times))
            .set("switchTimesEstimated", floats(&a.switch_times_estimated))
            .set("monotone", a.monotone.iter().map(|&m| JsValue::from_bool(m)).collect::<Array>())
            .set("prop1Sum", floats(&a.prop1_sum))
            .set("optimalStop", floats(&a.optimal_stop))
            .set("atEnd", floats(&at_end))
            .set("atOptimalStop", floats(&at_optimal_stop))
            .set("C", self.capped.problem.cap)
            .set("dMin", outcome.d_min as u32)
            .set("d1", outcome.d1 as u32)
            .set("d2", outcome.d2 as u32)
            .0
            .into()
    }

    /// Exact values at backward time `t`: `dF²` of every `d` (request's score, exact score, capped)
    /// and the best `d`.
    #[wasm_bindgen(unchecked_return_type = "ExplorerReadout")]
    pub fn readout(&self, t: f64) -> Result<JsValue, JsError> {
        let problem = &self.curves.problem;
        if !(t.is_finite() && (0.0..=problem.final_time).contains(&t)) {
            return Err(JsError::new(&format!("cursor: must be a time in [0, {}], got {t}", problem.final_time)));
        }
        let fd2 = distances_at(problem, t);
        let exact = distances_at(&problem.with_exact_score(), t);
        let capped = capped_distances_at(&self.capped.problem, t);
        Ok(Out::new()
            .set("t", t)
            .set("logSnr", problem.schedule.log_snr(problem.final_time - t))
            .set("bestDim", (argmin(&fd2) + 1) as u32)
            .set("bestDimExact", (argmin(&exact) + 1) as u32)
            .set("fd2", floats(&fd2))
            .set("fd2Exact", floats(&exact))
            .set("fd2Capped", floats(&capped))
            .0
            .into())
    }

    /// Draws a panel on a canvas. Time panels return `{left, right, top, bottom, xMin, xMax}`:
    /// canvas pixel columns `left..right` show axis values `xMin..xMax` and rows `top..bottom` the
    /// plot (for pointer input and a cursor drawn on a layer above); others `undefined`.
    #[wasm_bindgen(unchecked_return_type = "AxisFrame | undefined")]
    pub fn draw(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Panel")] panel: &str,
        canvas: HtmlCanvasElement,
        #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsError> {
        let (style, view) = view(options)?;
        let mut backend =
            CanvasBackend::with_canvas_object(canvas).ok_or_else(|| JsError::new("canvas: no 2D context"))?;
        let (recording, frame) = self.record(panel, backend.get_size(), &view, &style)?;
        recording.replay(&mut backend).map_err(drawing_error)?;
        Ok(match frame {
            Some(f) => Out::new()
                .set("left", f.left)
                .set("right", f.right)
                .set("top", f.top)
                .set("bottom", f.bottom)
                .set("xMin", f.x_min)
                .set("xMax", f.x_max)
                .0
                .into(),
            None => JsValue::UNDEFINED,
        })
    }

    /// The backward time shown at an x-axis value (`"t"`: itself; `"logSnr"`: the time whose
    /// LogSNR it is), clamped to `[0, T]`.
    #[wasm_bindgen(js_name = timeAt)]
    pub fn time_at(&self, x: f64, axis: &str) -> Result<f64, JsError> {
        let problem = &self.curves.problem;
        match axis {
            "t" => Ok(x.clamp(0.0, problem.final_time)),
            "logSnr" => Ok(time_of_log_snr(&problem.schedule, problem.final_time, x)),
            other => Err(JsError::new(&format!("xAxis: unknown axis \"{other}\"; use t or logSnr"))),
        }
    }

    /// A panel as SVG text (the same drawing code, plotters' SVG backend).
    pub fn svg(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Panel")] panel: &str,
        width: u32,
        height: u32,
        #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
    ) -> Result<String, JsError> {
        let (style, view) = view(options)?;
        check_svg_size(width, height)?;
        let (recording, _) = self.record(panel, (width, height), &view, &style)?;
        let mut svg = String::new();
        recording.replay(&mut SVGBackend::with_string(&mut svg, (width, height))).map_err(drawing_error)?;
        Ok(svg)
    }

    /// A panel's data as CSV (the scatter: the frame at `options.cursor`; `"sampler"`: the law and
    /// Monte Carlo drawn over the curves, for `options.emphasis`).
    pub fn csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Panel")] panel: &str,
        #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
    ) -> Result<String, JsError> {
        Ok(match panel {
            "curves" => export::curves_csv(&self.curves),
            "best-dimension" => export::best_dimension_csv(&self.curves),
            "capped-variances" => export::capped_variances_csv(&self.capped),
            "capped-distance" => export::capped_distance_csv(&self.capped),
            "capped-curves" => export::capped_curves_csv(&self.curves, &self.capped),
            "scatter" => export::scatter_csv(&self.scatter_frame(&view_options(options)?.1)?),
            "spectrum" => export::spectrum_csv(&self.curves.problem.variances),
            "sampler" => match self.overlay(&view_options(options)?.1)? {
                Some(overlay) => export::sampler_csv(&overlay),
                None => return Err(JsError::new("sampler: turn the sampler on the curves on first")),
            },
            other => return Err(unknown_panel(other)),
        })
    }
}

//! The page's module (`pkg/ldm_explorer.js`, feature `explorer`): the closed forms, the page's
//! model and its drawing on canvases.

use js_sys::Float64Array;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use wasm_bindgen::prelude::*;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use super::{check_svg_size, drawing_error, error, parse, require_document, to_js};
use crate::api::explorer::{CappedScore, PlotOptions, StoppingCurves};
use crate::api::parse_axis;
use crate::api::{self, limits::Limits};
use crate::draw::recording::{Piece, Recording, StrokeRun};
use crate::draw::{self, Style, View};
use crate::input;
use crate::model::{self, Panel, SamplerChoice};
use crate::theory::diagonal::CurvesAnswer;

/// The stopping-time curves of the diagonal case and the paper's results about them.
#[wasm_bindgen(js_name = stoppingCurves, unchecked_return_type = "StoppingCurves")]
pub fn stopping_curves(
    #[wasm_bindgen(unchecked_param_type = "CurvesRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let answer = api::stopping_curves_answer(parse(request, "stoppingCurves")?).map_err(error)?;
    to_js(&StoppingCurves::of(&answer))
}

/// Props 4–5: the norm-capped score's variances and Fréchet distances (OU schedule).
#[wasm_bindgen(js_name = cappedScore, unchecked_return_type = "CappedScore")]
pub fn capped_score(
    #[wasm_bindgen(unchecked_param_type = "CappedRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let answer = api::capped_answer(parse(request, "cappedScore")?).map_err(error)?;
    to_js(&CappedScore::of(&answer))
}

/// The plug-in variances of `n` seeded samples of N(0, diag(variances)).
#[wasm_bindgen(js_name = estimateVariances)]
pub fn estimate_variances(
    #[wasm_bindgen(unchecked_param_type = "EstimateRequest")] request: JsValue,
) -> Result<Float64Array, JsError> {
    let variances = api::estimate_answer(parse(request, "estimateVariances")?).map_err(error)?;
    Ok(Float64Array::from(&variances[..]))
}

/// The documented input limits, for the page to show next to its controls.
#[wasm_bindgen(unchecked_return_type = "Limits")]
pub fn limits() -> Result<JsValue, JsError> {
    to_js::<Limits>(&api::limits::limits())
}

/// Every list of names the page builds its controls from (panels, schedules, methods, …).
#[wasm_bindgen(unchecked_return_type = "Names")]
pub fn names() -> Result<JsValue, JsError> {
    to_js(&model::names())
}

/// The drawing options of a call, checked; drawing needs a page's document.
fn drawing_options(options: JsValue) -> Result<(Style, View), JsError> {
    require_document()?;
    plot_options(options)
}

fn plot_options(options: JsValue) -> Result<(Style, View), JsError> {
    let options: PlotOptions =
        if options.is_undefined() || options.is_null() { PlotOptions::default() } else { parse(options, "options")? };
    options.style_and_view().map_err(error)
}

/// A page's canvas: plotters-canvas draws a recording on it, but for each run of strokes of one
/// colour and width, which is stroked as one path (see `Recording::replay_batching`).
struct CanvasTarget {
    backend: CanvasBackend,
    context: CanvasRenderingContext2d,
}

impl CanvasTarget {
    fn new(canvas: HtmlCanvasElement) -> Result<CanvasTarget, JsError> {
        let no_context = || JsError::new("canvas: no 2D context");
        let context = canvas.get_context("2d").ok().flatten().ok_or_else(no_context)?;
        let context = context.dyn_into::<CanvasRenderingContext2d>().map_err(|_| no_context())?;
        let backend = CanvasBackend::with_canvas_object(canvas).ok_or_else(no_context)?;
        Ok(CanvasTarget { backend, context })
    }

    fn size(&self) -> (u32, u32) {
        self.backend.get_size()
    }

    fn draw(&mut self, recording: &Recording) -> Result<(), JsError> {
        let context = &self.context;
        recording
            .replay_batching(&mut self.backend, |_, run| {
                stroke_run(context, run);
                Ok(())
            })
            .map_err(drawing_error)
    }
}

/// Strokes a run as plotters-canvas strokes each of its pieces, in one path.
fn stroke_run(context: &CanvasRenderingContext2d, run: &StrokeRun) {
    let color = run.color();
    if color.alpha == 0.0 {
        return;
    }
    let (r, g, b) = color.rgb;
    context.set_stroke_style_str(&format!("rgba({r},{g},{b},{})", color.alpha));
    context.set_line_width(f64::from(run.width()));
    context.begin_path();
    for piece in &run.pieces {
        match piece {
            Piece::Line([from, to]) => {
                // plotters-canvas moves a horizontal or vertical line by half a pixel, onto one row
                // or column of pixels.
                let dx = if from.0 == to.0 { 0.5 } else { 0.0 };
                let dy = if from.1 == to.1 { 0.5 } else { 0.0 };
                context.move_to(f64::from(from.0) - dx, f64::from(from.1) - dy);
                context.line_to(f64::from(to.0) - dx, f64::from(to.1) - dy);
            }
            Piece::Path(points) => {
                if let Some((first, rest)) = points.split_first() {
                    context.move_to(f64::from(first.0), f64::from(first.1));
                    for point in rest {
                        context.line_to(f64::from(point.0), f64::from(point.1));
                    }
                }
            }
        }
    }
    context.stroke();
}

/// A recording replayed as SVG text.
fn svg_of(recording: &Recording, width: u32, height: u32) -> Result<String, JsError> {
    let mut svg = String::new();
    recording.replay(&mut SVGBackend::with_string(&mut svg, (width, height))).map_err(drawing_error)?;
    Ok(svg)
}

/// The curves panel of a bare `stoppingCurves` answer, recorded.
fn curves_recording(answer: &CurvesAnswer, size: (u32, u32), view: &View, style: &Style) -> Result<Recording, JsError> {
    let recording = Recording::new(size);
    draw::draw_curves_panel(&recording.clone().into_drawing_area(), answer, view, None, style)
        .map_err(drawing_error)?;
    Ok(recording)
}

/// Draws the stopping-time curves of a `stoppingCurves` request on a canvas.
#[wasm_bindgen(js_name = plotStoppingCurves)]
pub fn plot_stopping_curves(
    canvas: HtmlCanvasElement,
    #[wasm_bindgen(unchecked_param_type = "CurvesRequest")] request: JsValue,
    #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
) -> Result<(), JsError> {
    let (style, view) = drawing_options(options)?;
    let answer = api::stopping_curves_answer(parse(request, "plotStoppingCurves")?).map_err(error)?;
    let mut target = CanvasTarget::new(canvas)?;
    target.draw(&curves_recording(&answer, target.size(), &view, &style)?)
}

/// The same drawing as SVG text, `width × height` pixels.
#[wasm_bindgen(js_name = stoppingCurvesSvg)]
pub fn stopping_curves_svg(
    #[wasm_bindgen(unchecked_param_type = "CurvesRequest")] request: JsValue,
    width: u32,
    height: u32,
    #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
) -> Result<String, JsError> {
    let (style, view) = drawing_options(options)?;
    let answer = api::stopping_curves_answer(parse(request, "stoppingCurvesSvg")?).map_err(error)?;
    check_svg_size(width, height)?;
    svg_of(&curves_recording(&answer, (width, height), &view, &style)?, width, height)
}

/// Draws a spectrum (variances, or eigenvalues) and its reconstruction errors on a canvas: the
/// preview of an upload before it is used.
#[wasm_bindgen(js_name = plotSpectrum)]
pub fn plot_spectrum(
    canvas: HtmlCanvasElement,
    variances: Vec<f64>,
    #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
) -> Result<(), JsError> {
    let (style, _) = drawing_options(options)?;
    input::check_variances("variances", &variances).map_err(error)?;
    let mut target = CanvasTarget::new(canvas)?;
    let recording = Recording::new(target.size());
    draw::draw_spectrum_panel(&recording.clone().into_drawing_area(), &variances, &style).map_err(drawing_error)?;
    target.draw(&recording)
}

/// The explorer page's model (see `model::Explorer`).
#[wasm_bindgen]
pub struct Explorer(model::Explorer);

fn panel_of(name: &str) -> Result<Panel, JsError> {
    Panel::from_name(name).map_err(error)
}

#[wasm_bindgen]
impl Explorer {
    /// Computes everything for `{variances, estimatedVariances?, T?, points?, schedule?, C}`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ExplorerRequest")] request: JsValue,
    ) -> Result<Explorer, JsError> {
        model::Explorer::new(parse(request, "Explorer")?).map(Explorer).map_err(error)
    }

    /// Finds more of the optimal stops that the constructor left (its request's `verdictWork`),
    /// about `work` terms' worth (a `d` that stops early costs about `points + d`). Returns whether
    /// all are found; `summary()` then has them.
    #[wasm_bindgen(js_name = findVerdicts)]
    pub fn find_verdicts(&mut self, work: u32) -> bool {
        self.0.find_verdicts(work as usize)
    }

    /// How many d (from d = 1) have their optimal stop (`summary().verdictsFound`, without the rest).
    #[wasm_bindgen(js_name = verdictsFound)]
    pub fn verdicts_found(&self) -> u32 {
        self.0.curves().verdicts_found() as u32
    }

    /// A new cap `C` for the capped-score panels (the curves are kept).
    #[wasm_bindgen(js_name = setCap)]
    pub fn set_cap(&mut self, cap: f64) -> Result<(), JsError> {
        self.0.set_cap(cap).map_err(error)
    }

    /// The sampler of the sampler panels (`method`: a `MethodName`; `steps` from 0 to `T`), and
    /// whether its exact law is drawn over the curves. Another method or number of steps drops the
    /// samples and runs handed in for the old one.
    #[wasm_bindgen(js_name = setSampler)]
    pub fn set_sampler(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "MethodName")] method: &str,
        steps: u32,
        overlay: bool,
    ) -> Result<(), JsError> {
        let method = api::parse_method(method).map_err(error)?;
        self.0.set_sampler(SamplerChoice { method, steps: steps as usize, overlay }).map_err(error)
    }

    /// The sampler step the scatter shows at backward time `t`: a cursor move that keeps it needs
    /// no redraw.
    #[wasm_bindgen(js_name = scatterStep)]
    pub fn scatter_step(&self, t: f64) -> Result<u32, JsError> {
        self.0.scatter_step_at(t).map(|step| step as u32).map_err(error)
    }

    /// The sampler's latent dimension for a highlighted `d` (0 or out of range: the best `d` at `T`).
    #[wasm_bindgen(js_name = samplerDimension)]
    pub fn sampler_dimension(&self, emphasis: u32) -> u32 {
        self.0.sampler_dimension(Some(emphasis as usize)) as u32
    }

    /// The chosen sampler's exact law for a highlighted `d` (as `samplerDimension`) against the
    /// continuous-time sampler's: its dF² after the last step, its least dF² and when.
    #[wasm_bindgen(js_name = samplerOutcome, unchecked_return_type = "SamplerOutcome")]
    pub fn sampler_outcome(&self, emphasis: u32) -> Result<JsValue, JsError> {
        to_js(&self.0.sampler_outcome(Some(emphasis as usize)).map_err(error)?)
    }

    /// The `SamplerRequest` of the sampler panels with `d` latent dimensions, for the worker.
    #[wasm_bindgen(js_name = samplerRequest, unchecked_return_type = "SamplerRequest")]
    pub fn sampler_request(&self, d: u32) -> Result<JsValue, JsError> {
        to_js(&self.0.sampler_request(d as usize).map_err(error)?)
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
        let coordinates: Vec<usize> = coordinates.iter().map(|&k| k as usize).collect();
        let steps = steps.iter().map(|&n| n as usize).collect();
        self.0.set_scatter(&coordinates, steps, data, generated).map_err(error)
    }

    /// Monte Carlo for the curves overlay: `values` holds `runs` rows of the empirical `dF²` at the
    /// checkpoint times `t`, each run of `n` samples with `d` latent dimensions.
    #[wasm_bindgen(js_name = setMonteCarlo)]
    pub fn set_monte_carlo(&mut self, d: u32, t: Vec<f64>, values: Vec<f64>, n: u32) -> Result<(), JsError> {
        self.0.set_monte_carlo(d as usize, t, &values, n as usize).map_err(error)
    }

    /// Starts the seeds panel's study: `σ̂²` from `n` samples for seeds `0 … seeds − 1` of the data;
    /// a refused study (too much work for the page) is an error, and the panel says why.
    #[wasm_bindgen(js_name = studySeeds)]
    pub fn study_seeds(&mut self, n: u32, seeds: u32) -> Result<(), JsError> {
        self.0.study_seeds(n as usize, seeds as usize).map_err(error)
    }

    /// Draws the study's next `count` seeds (a few milliseconds each at the presets' sizes); returns
    /// how many are done.
    #[wasm_bindgen(js_name = advanceSeeds)]
    pub fn advance_seeds(&mut self, count: u32) -> Result<u32, JsError> {
        self.0.advance_seeds(count as usize).map(|done| done as u32).map_err(error)
    }

    /// The seeds study's numbers, with whether the draw of `seed` (a whole number ≥ 0) dips per `d`.
    #[wasm_bindgen(js_name = seedSummary, unchecked_return_type = "SeedSummary")]
    pub fn seed_summary(&self, seed: f64) -> Result<JsValue, JsError> {
        if !(seed.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&seed)) {
            return Err(JsError::new(&format!("seed: must be a whole number from 0 to 2^53 − 1, got {seed}")));
        }
        to_js(&self.0.seed_summary(seed as u64).map_err(error)?)
    }

    /// What the page prints beside the plots: per-`d` verdicts, switch times, Prop 5's outcome.
    #[wasm_bindgen(unchecked_return_type = "ExplorerSummary")]
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&self.0.summary())
    }

    /// Exact values at backward time `t`: `dF²` of every `d` (request's score, exact score, capped)
    /// and the best `d`.
    #[wasm_bindgen(unchecked_return_type = "ExplorerReadout")]
    pub fn readout(&self, t: f64) -> Result<JsValue, JsError> {
        to_js(&self.0.readout(t).map_err(error)?)
    }

    /// Draws a panel on a canvas. Time plots return `{left, right, top, bottom, xMin, xMax}`:
    /// canvas pixel columns `left..right` show axis values `xMin..xMax` and rows `top..bottom` the
    /// plot (for pointer input and a cursor drawn on a layer above); others `undefined`.
    #[wasm_bindgen(unchecked_return_type = "AxisFrame | undefined")]
    pub fn draw(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Panel")] panel: &str,
        canvas: HtmlCanvasElement,
        #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
    ) -> Result<JsValue, JsError> {
        let (style, view) = drawing_options(options)?;
        let mut target = CanvasTarget::new(canvas)?;
        let (recording, frame) = self.0.record(panel_of(panel)?, target.size(), &view, &style).map_err(error)?;
        target.draw(&recording)?;
        match frame {
            Some(frame) => to_js(&frame),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The backward time shown at an x-axis value (`"t"`: itself; `"logSnr"`: the time whose
    /// LogSNR it is), clamped to `[0, T]`.
    #[wasm_bindgen(js_name = timeAt)]
    pub fn time_at(
        &self,
        x: f64,
        #[wasm_bindgen(unchecked_param_type = "AxisName")] axis: &str,
    ) -> Result<f64, JsError> {
        Ok(self.0.time_at(x, parse_axis(Some(axis)).map_err(error)?))
    }

    /// A panel as SVG text (the same drawing code, plotters' SVG backend).
    pub fn svg(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Panel")] panel: &str,
        width: u32,
        height: u32,
        #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
    ) -> Result<String, JsError> {
        let (style, view) = drawing_options(options)?;
        check_svg_size(width, height)?;
        let (recording, _) = self.0.record(panel_of(panel)?, (width, height), &view, &style).map_err(error)?;
        svg_of(&recording, width, height)
    }

    /// A panel's data as CSV (the scatter: the frame at `options.cursor`; `"sampler"`: the law and
    /// Monte Carlo drawn over the curves, for `options.emphasis`).
    pub fn csv(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Panel")] panel: &str,
        #[wasm_bindgen(unchecked_param_type = "PlotOptions | undefined")] options: JsValue,
    ) -> Result<String, JsError> {
        let (_, view) = plot_options(options)?;
        self.0.csv(panel_of(panel)?, &view).map_err(error)
    }
}

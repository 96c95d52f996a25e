//! The sampling module (`pkg/ldm_sim.js`): the discretised samplers, their exact laws and their
//! seeded Monte Carlo. It draws nothing on screen, so the page runs it in a Web Worker and draws the
//! results itself.

use js_sys::Uint32Array;
use wasm_bindgen::prelude::*;

use super::{Out, check_fields, error, floats, parse};
use crate::api::{self, SamplerRequest};
use crate::upload;

/// A request with a nested `sampler`, whose fields are checked too.
fn parse_nested<T: serde::de::DeserializeOwned>(request: JsValue, what: &str) -> Result<T, JsError> {
    if request.is_object() {
        let sampler = js_sys::Reflect::get(&request, &"sampler".into()).unwrap_or(JsValue::UNDEFINED);
        check_fields::<SamplerRequest>(&sampler, "sampler")?;
    }
    parse(request, what)
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
export interface SamplerLaw {
  /** Backward time after each step (t[0] = 0, t[steps] = stopTime). */
  t: Float64Array;
  /** Exact dF² of the discretised sampler stopped after each step, and of the continuous one. */
  fd2: Float64Array;
  continuousFd2: Float64Array;
}
export interface SampleRequest extends SamplerRequest {
  /** Number of samples, ≥ 1 (n × d × steps ≤ limits().maxSampledValues). */
  n: number;
  /** Any integer from 0 to 2^53 − 1. */
  seed: number;
}
export interface Samples {
  /** n × d latent samples at stopTime, row-major. Sample s, coordinate k has its own random stream. */
  latent: Float64Array;
  /** dF² of the samples' mean and covariance (decoded by zero-filling) to the data: simulated. */
  empiricalFd2: number;
  /** Exact dF² of the discretised sampler's law, and of the continuous-time sampler, at stopTime. */
  lawFd2: number;
  continuousFd2: number;
}
export interface ScatterRequest {
  /** The sampler, without n and seed. */
  sampler: SamplerRequest;
  seed: number;
  /** Samples first … first + count − 1 of the seed (default first 0). */
  first?: number;
  count: number;
  /** 1-based latent coordinates (1 to 8 of them), each ≤ sampler.d. */
  coordinates: ArrayLike<number>;
  /** Number of recorded steps, spread from the start to stopTime (1 … 1001; at least 2 are kept). */
  frames: number;
}
export interface ScatterChunk {
  /** The recorded step numbers and their backward times. */
  steps: Uint32Array;
  t: Float64Array;
  /** [frame][sample][coordinate] generated values; [sample][coordinate] draws of the data law. */
  generated: Float64Array;
  data: Float64Array;
}
export interface MonteCarloRequest {
  sampler: SamplerRequest;
  seed: number;
  /** Run number: its samples are run·n … (run + 1)·n − 1 of the seed. */
  run: number;
  /** Samples per run, ≥ 2; sampler.d ≤ 256. */
  n: number;
  /** Checkpoints spread from the first step to stopTime (1 … 1001). */
  checkpoints: number;
}
export interface FrechetRequest {
  /** Covariances, D × D row-major, symmetric and positive semi-definite (to 1e-9 relative). */
  cov1: ArrayLike<number>;
  cov2: ArrayLike<number>;
  /** Means (default 0). */
  mean1?: ArrayLike<number>;
  mean2?: ArrayLike<number>;
}
export interface GeneralRequest {
  /** Either the spectrum σk² … */
  eigenvalues?: ArrayLike<number>;
  /** … or the covariance itself, D × D row-major. */
  covariance?: ArrayLike<number>;
  /** A seeded Haar rotation of the spectrum's eigenbasis. Accepted, but no number of the answer
   *  depends on it: Props 6–7 are rotation invariant and the samples are drawn in the eigenbasis. */
  rotationSeed?: number;
  /** Samples of the PCA, and their seed. */
  n: number;
  seed: number;
  T?: number;
  /** Backward times from 0 to T (default 512). */
  points?: number;
  /** Prop 7's confidence parameter (probability 1 − 2e^−u; default 3) and constant c (default 1). */
  u?: number;
  c?: number;
  schedule?: "ou" | "vp-linear" | "cosine" | "rectified-flow";
  /** Latent dimensions of the estimated-basis curves: each costs points × d³ (a d × d eigenproblem
   *  per time), in all at most 2e9. Default: every d when points × Σ d³ ≤ 1e8, else d = 1, 2, 4, …
   *  within that. */
  dims?: ArrayLike<number>;
}
export interface GeneralGaussian {
  t: Float64Array;
  /** σk² (descending) and the PCA's σ̂k² from n seeded samples. */
  eigenvalues: Float64Array;
  estimatedEigenvalues: Float64Array;
  /** fd2[i][j]: dF² at t_j with the estimated basis and plug-in score, latent dimension dims[i]. */
  dims: Uint32Array;
  fd2: Float64Array[];
  /** fd2Exact[d-1][j]: the exact eigenbasis and score (Prop 6), every d. */
  fd2Exact: Float64Array[];
  /** Prop 6's t_1 = 0, t_2 … t_D, t_{D+1} = T. */
  switchTimes: Float64Array;
  /** Prop 7: d estimated components are optimal on [lower[d-1], upper[d-1]] with probability
   *  1 − 2e^−u; NaN where a square root is undefined (n too small). */
  highProbability: { lower: Float64Array; upper: Float64Array };
  /** The d of least fd2Exact at each t_j (Prop 6's partition). */
  bestDim: Uint32Array;
}
export interface UploadResult {
  /** "variances" (one column or one row) or "samples" (rows of a matrix). */
  kind: "variances" | "samples";
  rows: number;
  columns: number;
  /** Whether a first row of names was skipped (CSV). */
  header: boolean;
  /** The spectrum: the variances themselves, or the eigenvalues (descending) of the samples'
   *  centred covariance. */
  variances: Float64Array;
}
export interface MonteCarloRun {
  steps: Uint32Array;
  t: Float64Array;
  /** Empirical dF² of the run's n samples at each checkpoint: simulated. */
  fd2: Float64Array;
}
"#;

/// The exact law of a discretised sampler after each step: no Monte Carlo.
#[wasm_bindgen(js_name = samplerLaw, unchecked_return_type = "SamplerLaw")]
pub fn sampler_law(
    #[wasm_bindgen(unchecked_param_type = "SamplerRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let a = api::sampler_law_answer(parse(request, "samplerLaw")?).map_err(error)?;
    Ok(Out::new()
        .set("t", floats(&a.t))
        .set("fd2", floats(&a.fd2))
        .set("continuousFd2", floats(&a.continuous_fd2))
        .0
        .into())
}

/// `n` seeded samples of a discretised sampler, with their empirical `dF²` beside the exact ones.
#[wasm_bindgen(unchecked_return_type = "Samples")]
pub fn sample(#[wasm_bindgen(unchecked_param_type = "SampleRequest")] request: JsValue) -> Result<JsValue, JsError> {
    let a = api::sample_answer(parse(request, "sample")?).map_err(error)?;
    Ok(Out::new()
        .set("latent", floats(&a.latent))
        .set("empiricalFd2", a.empirical_fd2)
        .set("lawFd2", a.law_fd2)
        .set("continuousFd2", a.continuous_fd2)
        .0
        .into())
}

/// Whole numbers (steps, dimensions) as a `Uint32Array`.
fn whole_numbers(steps: &[usize]) -> Uint32Array {
    steps.iter().map(|&n| n as u32).collect::<Vec<u32>>().as_slice().into()
}

/// A chunk of a scatter: some samples' trajectories on a few coordinates, and data draws.
#[wasm_bindgen(js_name = scatterChunk, unchecked_return_type = "ScatterChunk")]
pub fn scatter_chunk(
    #[wasm_bindgen(unchecked_param_type = "ScatterRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let a = api::scatter_answer(parse_nested(request, "scatterChunk")?).map_err(error)?;
    Ok(Out::new()
        .set("steps", whole_numbers(&a.steps))
        .set("t", floats(&a.t))
        .set("generated", floats(&a.generated))
        .set("data", floats(&a.data))
        .0
        .into())
}

/// One run of repeated seeded runs: the empirical `dF²` at checkpoints.
#[wasm_bindgen(js_name = monteCarloRun, unchecked_return_type = "MonteCarloRun")]
pub fn monte_carlo_run(
    #[wasm_bindgen(unchecked_param_type = "MonteCarloRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let a = api::monte_carlo_answer(parse_nested(request, "monteCarloRun")?).map_err(error)?;
    Ok(Out::new().set("steps", whole_numbers(&a.steps)).set("t", floats(&a.t)).set("fd2", floats(&a.fd2)).0.into())
}

/// The Fréchet distance² between two Gaussians with any covariances.
#[wasm_bindgen]
pub fn frechet(#[wasm_bindgen(unchecked_param_type = "FrechetRequest")] request: JsValue) -> Result<f64, JsError> {
    api::frechet_answer(parse(request, "frechet")?).map_err(error)
}

/// Any covariance (Props 6–7): the PCA of seeded samples, the stopping-time curves with the exact
/// and the estimated eigenbasis, Prop 6's switch times and Prop 7's windows.
#[wasm_bindgen(js_name = generalGaussian, unchecked_return_type = "GeneralGaussian")]
pub fn general_gaussian(
    #[wasm_bindgen(unchecked_param_type = "GeneralRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let a = api::general_answer(parse(request, "generalGaussian")?).map_err(error)?;
    let undefined_as_nan =
        |values: &[Option<f64>]| floats(&values.iter().map(|v| v.unwrap_or(f64::NAN)).collect::<Vec<_>>());
    let window =
        Out::new().set("lower", undefined_as_nan(&a.windows.lower)).set("upper", undefined_as_nan(&a.windows.upper));
    Ok(Out::new()
        .set("t", floats(&a.t))
        .set("eigenvalues", floats(&a.eigenvalues))
        .set("estimatedEigenvalues", floats(&a.estimated_eigenvalues))
        .set("dims", whole_numbers(&a.dims))
        .set("fd2", a.fd2.iter().map(|row| JsValue::from(floats(row))).collect::<js_sys::Array>())
        .set(
            "fd2Exact",
            a.fd2_exact
                .values
                .chunks_exact(a.fd2_exact.points)
                .map(|row| JsValue::from(floats(row)))
                .collect::<js_sys::Array>(),
        )
        .set("switchTimes", floats(&a.switch_times))
        .set("highProbability", window.0)
        .set("bestDim", Uint32Array::from(&a.fd2_exact.best_dim[..]))
        .0
        .into())
}

fn upload_object(table: &upload::Table) -> Result<JsValue, JsError> {
    let read = upload::interpret(table).map_err(error)?;
    Ok(Out::new()
        .set("kind", if matches!(read, upload::Upload::Variances(_)) { "variances" } else { "samples" })
        .set("rows", table.rows as u32)
        .set("columns", table.columns as u32)
        .set("header", table.header)
        .set("variances", floats(read.variances()))
        .0
        .into())
}

/// A CSV or plain-text upload read in chunks: `push` each piece of text, then `finish`.
#[wasm_bindgen]
pub struct CsvUpload(Option<upload::CsvReader>);

#[wasm_bindgen]
impl CsvUpload {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> CsvUpload {
        CsvUpload(Some(upload::CsvReader::new()))
    }

    pub fn push(&mut self, text: &str) -> Result<(), JsError> {
        self.0.as_mut().ok_or_else(finished)?.push(text).map_err(error)
    }

    /// The table read as variances or samples, with its spectrum.
    #[wasm_bindgen(unchecked_return_type = "UploadResult")]
    pub fn finish(&mut self) -> Result<JsValue, JsError> {
        upload_object(&self.0.take().ok_or_else(finished)?.finish().map_err(error)?)
    }
}

fn finished() -> JsError {
    JsError::new("file: this upload is already finished")
}

/// A `.npy` upload (1-D or 2-D, little-endian float32 or float64).
#[wasm_bindgen(js_name = readNpy, unchecked_return_type = "UploadResult")]
pub fn read_npy(bytes: &[u8]) -> Result<JsValue, JsError> {
    upload_object(&upload::read_npy(bytes).map_err(error)?)
}

//! The worker's module (`pkg/ldm_worker.js`, feature `worker`): the discretised samplers, their
//! exact laws and seeded Monte Carlo, any covariance, and the reader's files. It draws nothing, so
//! the page runs it in a Web Worker and draws the results itself.

use wasm_bindgen::prelude::*;

use super::{check_fields, error, parse, to_js};
use crate::api;
use crate::api::general::GeneralGaussian;
use crate::api::sampler::SamplerRequest;
use crate::api::worker::{MonteCarloRunAnswer, SamplerLawAnswer, SamplesAnswer, ScatterChunkAnswer, upload_answer};
use crate::files;

/// A request with a nested `sampler`, whose fields are checked too.
fn parse_nested<T: serde::de::DeserializeOwned>(request: JsValue, what: &str) -> Result<T, JsError> {
    if request.is_object() {
        let sampler = js_sys::Reflect::get(&request, &"sampler".into()).unwrap_or(JsValue::UNDEFINED);
        check_fields::<SamplerRequest>(&sampler, "sampler")?;
    }
    parse(request, what)
}

/// The exact law of a discretised sampler after each step: no Monte Carlo.
#[wasm_bindgen(js_name = samplerLaw, unchecked_return_type = "SamplerLaw")]
pub fn sampler_law(
    #[wasm_bindgen(unchecked_param_type = "SamplerRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let law = api::sampler_law_answer(parse(request, "samplerLaw")?).map_err(error)?;
    to_js(&SamplerLawAnswer::of(&law))
}

/// `n` seeded samples of a discretised sampler, with their empirical `dF²` beside the exact ones.
#[wasm_bindgen(unchecked_return_type = "Samples")]
pub fn sample(#[wasm_bindgen(unchecked_param_type = "SamplerRequest")] request: JsValue) -> Result<JsValue, JsError> {
    let samples = api::sample_answer(parse(request, "sample")?).map_err(error)?;
    to_js(&SamplesAnswer::of(&samples))
}

/// A chunk of a scatter: some samples' trajectories on a few coordinates, and data draws.
#[wasm_bindgen(js_name = scatterChunk, unchecked_return_type = "ScatterChunk")]
pub fn scatter_chunk(
    #[wasm_bindgen(unchecked_param_type = "ScatterRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let chunk = api::scatter_answer(parse_nested(request, "scatterChunk")?).map_err(error)?;
    to_js(&ScatterChunkAnswer::of(&chunk))
}

/// One run of repeated seeded runs: the empirical `dF²` at checkpoints.
#[wasm_bindgen(js_name = monteCarloRun, unchecked_return_type = "MonteCarloRun")]
pub fn monte_carlo_run(
    #[wasm_bindgen(unchecked_param_type = "MonteCarloRequest")] request: JsValue,
) -> Result<JsValue, JsError> {
    let run = api::monte_carlo_answer(parse_nested(request, "monteCarloRun")?).map_err(error)?;
    to_js(&MonteCarloRunAnswer::of(&run))
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
    let answer = api::general_answer(parse(request, "generalGaussian")?).map_err(error)?;
    to_js(&GeneralGaussian::of(&answer))
}

fn upload_object(table: &files::Table) -> Result<JsValue, JsError> {
    to_js(&upload_answer(table).map_err(error)?)
}

/// A CSV or plain-text upload read in chunks: `push` each piece of text, then `finish`.
#[wasm_bindgen]
pub struct CsvUpload(Option<files::CsvReader>);

#[wasm_bindgen]
impl CsvUpload {
    #[wasm_bindgen(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> CsvUpload {
        CsvUpload(Some(files::CsvReader::new()))
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
    upload_object(&files::read_npy(bytes).map_err(error)?)
}

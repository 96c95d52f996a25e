//! The worker module's requests (`ldm_worker`): scatter chunks and Monte Carlo runs of a sampler,
//! the Fréchet distance of any two Gaussians, any covariance (Props 6–7), and the reader's files,
//! with their answers' shapes.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::js::{self, Rows};
use super::sampler::{SamplerRequest, check_draws};
use super::{DEFAULT_POINTS, parse_schedule};
use crate::files::{Table, Upload};
use crate::input::limits::{DEFAULT_MATRIX_WORK, MAX_FRAMES, MAX_MATRIX_WORK, MAX_MONTE_CARLO_DIMENSION};
use crate::input::{self, InputError};
use crate::numeric::linalg::sqrt_from_eigen;
use crate::sim::runs::{self, MonteCarloRun, ScatterChunk};
use crate::sim::runs::{SamplerLaw, Samples};
use crate::sim::sampler::Sampler;
use crate::theory::general::{
    GeneralAnswer, GeneralProblem, GeneralSettings, check_covariance, covariance_eigen, frechet_with_root,
    square_matrix,
};

pub fn sample_answer(request: SamplerRequest) -> Result<Samples, InputError> {
    let sampler = request.sampler()?;
    let n = request.n.ok_or_else(|| InputError::new("n", "sample needs the number of samples n"))?;
    let seed = request.seed.ok_or_else(|| InputError::new("seed", "sample needs a seed"))?;
    check_draws("n", 0, n, n.saturating_mul(sampler.dimension).saturating_mul(sampler.steps))?;
    Ok(runs::sample(&sampler, n, seed))
}

pub fn sampler_law_answer(request: SamplerRequest) -> Result<SamplerLaw, InputError> {
    let sampler = request.sampler_drawing_nothing("", "samplerLaw is exact and draws nothing: leave out n and seed")?;
    Ok(runs::law(&sampler))
}

/// Samples `first … first + count − 1` of a sampler on a few coordinates, recorded at `frames`
/// steps from the start to the stop, with as many data draws. Chunks of one seed join into one run.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct ScatterRequest {
    /// The sampler, without n and seed.
    pub sampler: SamplerRequest,
    pub seed: u64,
    /// Default 0.
    #[serde(default)]
    #[tsify(optional)]
    pub first: usize,
    pub count: usize,
    /// 1-based latent coordinates (1 to 8 of them), each ≤ sampler.d.
    #[tsify(type = "ArrayLike<number>")]
    pub coordinates: Vec<usize>,
    /// Number of recorded steps, spread from the start to stopTime (1 … 1001; at least 2 are kept).
    pub frames: usize,
}

/// Run `run` of repeated seeded runs: its samples are run·n … (run + 1)·n − 1 of the seed.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct MonteCarloRequest {
    pub sampler: SamplerRequest,
    pub seed: u64,
    pub run: usize,
    /// Samples per run, ≥ 2; sampler.d ≤ limits().maxMonteCarloDimension.
    pub n: usize,
    /// Checkpoints spread from the first step to stopTime (1 … 1001).
    pub checkpoints: usize,
}

/// The sampler of a nested request, which draws under the outer request's seed.
fn nested_sampler(request: &SamplerRequest) -> Result<Sampler, InputError> {
    request.sampler_drawing_nothing("sampler.", "give n and seed beside the sampler, not inside it")
}

fn check_frames(field: &str, frames: usize) -> Result<(), InputError> {
    if !(1..=MAX_FRAMES).contains(&frames) {
        return Err(InputError::new(field, format!("must be from 1 to {MAX_FRAMES}, got {frames}")));
    }
    Ok(())
}

pub fn scatter_answer(request: ScatterRequest) -> Result<ScatterChunk, InputError> {
    let sampler = nested_sampler(&request.sampler)?;
    let d = sampler.dimension;
    if request.coordinates.is_empty() || request.coordinates.len() > 8 {
        return Err(InputError::new("coordinates", "give from 1 to 8 latent coordinates"));
    }
    let mut coordinates = Vec::with_capacity(request.coordinates.len());
    for (i, &k) in request.coordinates.iter().enumerate() {
        if !(1..=d).contains(&k) {
            return Err(InputError::new(format!("coordinates[{i}]"), format!("must be from 1 to d = {d}, got {k}")));
        }
        coordinates.push(k - 1);
    }
    let work = request.count.saturating_mul(coordinates.len()).saturating_mul(sampler.steps);
    check_draws("count", request.first, request.count, work)?;
    check_frames("frames", request.frames)?;
    let samples = request.first..request.first + request.count;
    Ok(runs::scatter_chunk(&sampler, request.seed, samples, &coordinates, request.frames))
}

pub fn monte_carlo_answer(request: MonteCarloRequest) -> Result<MonteCarloRun, InputError> {
    let sampler = nested_sampler(&request.sampler)?;
    let d = sampler.dimension;
    if d > MAX_MONTE_CARLO_DIMENSION {
        return Err(InputError::new(
            "sampler.d",
            format!("Monte Carlo runs take d up to {MAX_MONTE_CARLO_DIMENSION}, got {d}"),
        ));
    }
    if request.n < 2 {
        return Err(InputError::new("n", format!("a covariance needs at least 2 samples, got {}", request.n)));
    }
    let work = request.n.saturating_mul(d).saturating_mul(sampler.steps);
    check_draws("n", request.run.saturating_mul(request.n), request.n, work)?;
    check_frames("checkpoints", request.checkpoints)?;
    Ok(runs::monte_carlo_run(&sampler, request.seed, request.run, request.n, request.checkpoints))
}

/// Two Gaussians: covariances D × D row-major, symmetric and positive semi-definite (to 1e-9
/// relative); means default to zero.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct FrechetRequest {
    #[tsify(type = "ArrayLike<number>")]
    pub cov1: Vec<f64>,
    #[tsify(type = "ArrayLike<number>")]
    pub cov2: Vec<f64>,
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub mean1: Option<Vec<f64>>,
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub mean2: Option<Vec<f64>>,
}

pub fn frechet_answer(request: FrechetRequest) -> Result<f64, InputError> {
    let cov1 = square_matrix("cov1", &request.cov1)?;
    let cov2 = square_matrix("cov2", &request.cov2)?;
    let dimension = cov1.nrows();
    if cov2.nrows() != dimension {
        return Err(InputError::new(
            "cov2",
            format!("is {0} × {0} but cov1 is {dimension} × {dimension}", cov2.nrows()),
        ));
    }
    check_covariance("cov1", &cov1)?;
    // Σ2's eigendecomposition checks it and gives its square root.
    let sqrt_cov2 = sqrt_from_eigen(&covariance_eigen("cov2", &cov2)?);
    let mean = |field: &str, mean: Option<Vec<f64>>| -> Result<Vec<f64>, InputError> {
        let mean = mean.unwrap_or_else(|| vec![0.0; dimension]);
        if mean.len() != dimension {
            return Err(InputError::new(
                field,
                format!("holds {} entries, the covariances are {dimension} × {dimension}", mean.len()),
            ));
        }
        if let Some(i) = mean.iter().position(|v| !v.is_finite()) {
            return Err(InputError::new(format!("{field}[{i}]"), format!("must be a finite number, got {}", mean[i])));
        }
        Ok(mean)
    };
    let (mean1, mean2) = (mean("mean1", request.mean1)?, mean("mean2", request.mean2)?);
    Ok(frechet_with_root(&mean1, &cov1, &mean2, &cov2, &sqrt_cov2))
}

/// Any covariance (Props 6–7): a spectrum or a covariance, and the PCA of n seeded samples.
#[derive(Clone, Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneralRequest {
    /// Either the spectrum σk² …
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub eigenvalues: Option<Vec<f64>>,
    /// … or the covariance itself, D × D row-major.
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub covariance: Option<Vec<f64>>,
    /// A seeded Haar rotation of the spectrum's eigenbasis. Accepted, but no number of the answer
    /// depends on it: Props 6–7 are rotation invariant and the samples are drawn in the eigenbasis.
    #[serde(default)]
    #[tsify(optional)]
    pub rotation_seed: Option<u64>,
    /// Samples of the PCA, and their seed.
    pub n: usize,
    pub seed: u64,
    #[serde(rename = "T", default)]
    #[tsify(optional)]
    pub final_time: Option<f64>,
    /// Backward times from 0 to T (default 512).
    #[serde(default)]
    #[tsify(optional)]
    pub points: Option<usize>,
    /// Prop 7's confidence parameter (probability 1 − 2e^−u; default 3) and constant c (default 1).
    #[serde(default)]
    #[tsify(optional)]
    pub u: Option<f64>,
    #[serde(default)]
    #[tsify(optional)]
    pub c: Option<f64>,
    #[serde(default)]
    #[tsify(optional, type = "ScheduleName")]
    pub schedule: Option<String>,
    /// Latent dimensions of the estimated-basis curves: each costs points × d³ (a d × d eigenproblem
    /// per time), in all at most 2e9. Default: every d when points × Σ d³ ≤ 1e8, else d = 1, 2, 4, …
    /// within that.
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub dims: Option<Vec<usize>>,
}

/// Every `d` when their curves fit [`DEFAULT_MATRIX_WORK`], else `d = 1, 2, 4, …` as far as it goes.
fn default_dims(dimension: usize, points: usize) -> Vec<usize> {
    let work = |dims: &[usize]| points as f64 * dims.iter().map(|&d| (d as f64).powi(3)).sum::<f64>();
    let every: Vec<usize> = (1..=dimension).collect();
    if work(&every) <= DEFAULT_MATRIX_WORK {
        return every;
    }
    let mut dims = vec![1];
    while let Some(next) = dims.last().map(|d| d * 2).filter(|&d| d <= dimension) {
        dims.push(next);
        if work(&dims) > DEFAULT_MATRIX_WORK {
            dims.pop();
            break;
        }
    }
    dims
}

pub fn general_answer(request: GeneralRequest) -> Result<GeneralAnswer, InputError> {
    let schedule = parse_schedule(request.schedule.as_deref())?;
    let final_time = request.final_time.unwrap_or(schedule.default_final_time());
    let problem = match (request.eigenvalues, request.covariance) {
        // Every output is rotation invariant (the samples are drawn in the eigenbasis): a rotation
        // would change no number, so none is built.
        (Some(eigenvalues), None) => GeneralProblem::from_spectrum(&eigenvalues, None, schedule, final_time)?,
        (None, Some(covariance)) => {
            if request.rotation_seed.is_some() {
                return Err(InputError::new("rotationSeed", "rotates a spectrum; a covariance is used as given"));
            }
            GeneralProblem::from_covariance(square_matrix("covariance", &covariance)?, schedule, final_time)?
        }
        _ => return Err(InputError::new("eigenvalues", "give either eigenvalues or a covariance")),
    };
    let dimension = problem.dimension();
    input::check_sample_size(request.n, dimension)?;
    let points = request.points.unwrap_or(DEFAULT_POINTS);
    input::check_points(points, dimension)?;
    let (u, c) = (request.u.unwrap_or(3.0), request.c.unwrap_or(1.0));
    if !(u.is_finite() && u > 0.0) {
        return Err(InputError::new("u", format!("must be a number above 0, got {u}")));
    }
    if !(c.is_finite() && c > 0.0) {
        return Err(InputError::new("c", format!("must be a number above 0, got {c}")));
    }
    let dims = request.dims.unwrap_or_else(|| default_dims(dimension, points));
    if let Some(i) = dims.iter().position(|&d| !(1..=dimension).contains(&d)) {
        return Err(InputError::new(
            format!("dims[{i}]"),
            format!("must be from 1 to D = {dimension}, got {}", dims[i]),
        ));
    }
    let work = points as f64 * dims.iter().map(|&d| (d as f64).powi(3)).sum::<f64>();
    if work > MAX_MATRIX_WORK {
        return Err(InputError::new(
            "dims",
            format!(
                "points × Σ d³ = {work:.2e} is over the limit of {MAX_MATRIX_WORK:.0e}; ask for fewer dims or points"
            ),
        ));
    }
    let settings = GeneralSettings { n: request.n, seed: request.seed, points, u, c, dims };
    Ok(GeneralAnswer::compute(problem, settings))
}

/// The exact law of a discretised sampler after each step.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(rename = "SamplerLaw")]
pub struct SamplerLawAnswer<'a> {
    /// Backward time after each step (t[0] = 0, t[steps] = stopTime).
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub t: &'a [f64],
    /// Exact dF² of the discretised sampler stopped after each step, and of the continuous one.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub fd2: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub continuous_fd2: &'a [f64],
}

impl<'a> SamplerLawAnswer<'a> {
    pub fn of(law: &'a SamplerLaw) -> Self {
        SamplerLawAnswer { t: &law.t, fd2: &law.fd2, continuous_fd2: &law.continuous_fd2 }
    }
}

/// `n` seeded samples at stopTime with their empirical dF² beside the exact ones.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(rename = "Samples")]
pub struct SamplesAnswer<'a> {
    /// n × d latent samples at stopTime, row-major. Sample s, coordinate k has its own random stream.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub latent: &'a [f64],
    /// dF² of the samples' mean and covariance (decoded by zero-filling) to the data: simulated.
    pub empirical_fd2: f64,
    /// Exact dF² of the discretised sampler's law, and of the continuous-time sampler, at stopTime.
    pub law_fd2: f64,
    pub continuous_fd2: f64,
}

impl<'a> SamplesAnswer<'a> {
    pub fn of(samples: &'a Samples) -> Self {
        SamplesAnswer {
            latent: &samples.latent,
            empirical_fd2: samples.empirical_fd2,
            law_fd2: samples.law_fd2,
            continuous_fd2: samples.continuous_fd2,
        }
    }
}

/// Some samples' trajectories on a few coordinates, and data draws.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(rename = "ScatterChunk")]
pub struct ScatterChunkAnswer<'a> {
    /// The recorded step numbers and their backward times.
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub steps: Vec<u32>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub t: &'a [f64],
    /// [frame][sample][coordinate] generated values; [sample][coordinate] draws of the data law.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub generated: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub data: &'a [f64],
}

impl<'a> ScatterChunkAnswer<'a> {
    pub fn of(chunk: &'a ScatterChunk) -> Self {
        ScatterChunkAnswer { steps: whole(&chunk.steps), t: &chunk.t, generated: &chunk.generated, data: &chunk.data }
    }
}

fn whole(values: &[usize]) -> Vec<u32> {
    values.iter().map(|&v| v as u32).collect()
}

/// One Monte Carlo run's empirical dF² at its checkpoints (simulated).
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(rename = "MonteCarloRun")]
pub struct MonteCarloRunAnswer<'a> {
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub steps: Vec<u32>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub t: &'a [f64],
    /// Empirical dF² of the run's n samples at each checkpoint: simulated.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub fd2: &'a [f64],
}

impl<'a> MonteCarloRunAnswer<'a> {
    pub fn of(run: &'a MonteCarloRun) -> Self {
        MonteCarloRunAnswer { steps: whole(&run.steps), t: &run.t, fd2: &run.fd2 }
    }
}

/// Prop 7: d estimated components are optimal on [lower[d-1], upper[d-1]] with probability
/// 1 − 2e^−u; NaN where a square root is undefined (n too small).
#[derive(Serialize, Tsify)]
pub struct HighProbability<'a> {
    #[serde(serialize_with = "js::floats_or_nan")]
    #[tsify(type = "Float64Array")]
    pub lower: &'a [Option<f64>],
    #[serde(serialize_with = "js::floats_or_nan")]
    #[tsify(type = "Float64Array")]
    pub upper: &'a [Option<f64>],
}

/// Props 6–7 for one covariance.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct GeneralGaussian<'a> {
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub t: &'a [f64],
    /// σk² (descending) and the PCA's σ̂k² from n seeded samples.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub eigenvalues: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub estimated_eigenvalues: &'a [f64],
    /// fd2[i][j]: dF² at t_j with the estimated basis and plug-in score, latent dimension dims[i].
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub dims: Vec<u32>,
    #[serde(serialize_with = "js::float_rows")]
    #[tsify(type = "Float64Array[]")]
    pub fd2: &'a [Vec<f64>],
    /// fd2Exact[d-1][j]: the exact eigenbasis and score (Prop 6), every d.
    #[serde(serialize_with = "js::rows")]
    #[tsify(type = "Float64Array[]")]
    pub fd2_exact: Rows<'a>,
    /// Prop 6's t_1 = 0, t_2 … t_D, t_{D+1} = T.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub switch_times: &'a [f64],
    pub high_probability: HighProbability<'a>,
    /// The d of least fd2Exact at each t_j (Prop 6's partition).
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub best_dim: &'a [u32],
}

impl<'a> GeneralGaussian<'a> {
    pub fn of(a: &'a GeneralAnswer) -> Self {
        GeneralGaussian {
            t: &a.t,
            eigenvalues: &a.eigenvalues,
            estimated_eigenvalues: &a.estimated_eigenvalues,
            dims: whole(&a.dims),
            fd2: &a.fd2,
            fd2_exact: Rows::of(&a.fd2_exact),
            switch_times: &a.switch_times,
            high_probability: HighProbability { lower: &a.windows.lower, upper: &a.windows.upper },
            best_dim: &a.fd2_exact.best_dim,
        }
    }
}

/// A reader's file, read.
#[derive(Serialize, Tsify)]
pub struct UploadResult {
    /// "variances" (one column or one row) or "samples" (rows of a matrix).
    #[tsify(type = "\"variances\" | \"samples\"")]
    pub kind: &'static str,
    pub rows: usize,
    pub columns: usize,
    /// Whether a first row of names was skipped (CSV).
    pub header: bool,
    /// The spectrum: the variances themselves, or the eigenvalues (descending) of the samples'
    /// centred covariance.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub variances: Vec<f64>,
}

/// A table read from a file, interpreted as variances or samples.
pub fn upload_answer(table: &Table) -> Result<UploadResult, InputError> {
    let read = crate::files::interpret(table)?;
    Ok(UploadResult {
        kind: if matches!(read, Upload::Variances(_)) { "variances" } else { "samples" },
        rows: table.rows,
        columns: table.columns,
        header: table.header,
        variances: read.variances().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::limits::MAX_SAMPLE_INDEX;
    use crate::sim::monte_carlo::empirical_fd2;
    use crate::theory::schedule::Schedule;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn sampler_request(steps: usize) -> SamplerRequest {
        SamplerRequest {
            variances: vec![0.9, 0.3, 0.05],
            estimated_variances: Some(vec![0.8, 0.33, 0.04]),
            d: 3,
            steps,
            stop_time: 1.8,
            method: Some("exponential".into()),
            ..SamplerRequest::default()
        }
    }

    fn chunk_request() -> ScatterRequest {
        ScatterRequest {
            sampler: sampler_request(20),
            seed: 5,
            first: 0,
            count: 10,
            coordinates: vec![3, 1],
            frames: 3,
        }
    }

    #[test]
    fn sampler_law_converges_and_sample_agrees_with_it() {
        let coarse = sampler_law_answer(sampler_request(50)).unwrap();
        let fine = sampler_law_answer(sampler_request(800)).unwrap();
        assert_eq!((coarse.t.len(), coarse.t[50]), (51, 1.8));
        let gap = |law: &SamplerLaw| (law.fd2.last().unwrap() - law.continuous_fd2.last().unwrap()).abs();
        assert!(gap(&fine) < gap(&coarse) / 8.0, "first order: {} → {}", gap(&coarse), gap(&fine));
        let drawn = sample_answer(SamplerRequest { n: Some(3000), seed: Some(4), ..sampler_request(50) }).unwrap();
        assert_eq!(drawn.latent.len(), 9000);
        assert_eq!((drawn.law_fd2, drawn.continuous_fd2), (coarse.fd2[50], coarse.continuous_fd2[50]));
        assert!((drawn.empirical_fd2 - drawn.law_fd2).abs() < 0.05);
    }

    #[test]
    fn sampler_requests_name_their_bad_field() {
        let field = |request: SamplerRequest, draw: bool| {
            if draw {
                sample_answer(request).unwrap_err().field
            } else {
                sampler_law_answer(request).unwrap_err().field
            }
        };
        let drawing = |steps| SamplerRequest { n: Some(10), seed: Some(1), ..sampler_request(steps) };
        assert_eq!(field(SamplerRequest { n: Some(0), ..drawing(10) }, true), "n");
        assert_eq!(field(drawing(0), true), "steps");
        assert_eq!(field(SamplerRequest { d: 4, ..drawing(10) }, true), "d");
        assert_eq!(field(SamplerRequest { seed: None, ..drawing(10) }, true), "seed");
        assert_eq!(field(SamplerRequest { stop_time: 3.0, ..sampler_request(10) }, false), "stopTime");
        assert_eq!(field(SamplerRequest { n: Some(5), ..sampler_request(10) }, false), "n");
        assert_eq!(field(SamplerRequest { method: Some("rk4".into()), ..sampler_request(10) }, false), "method");
        assert_eq!(field(SamplerRequest { score: Some("capped".into()), ..sampler_request(10) }, false), "C");
        let flow = SamplerRequest {
            schedule: Some("rectified-flow".into()),
            final_time: Some(1.0),
            stop_time: 0.5,
            ..sampler_request(10)
        };
        assert_eq!(field(flow, false), "schedule");
    }

    #[test]
    fn scatter_chunks_and_monte_carlo_runs_are_slices_of_sample() {
        let full = sample_answer(SamplerRequest { n: Some(40), seed: Some(5), ..sampler_request(20) }).unwrap();
        let chunk = |first, count| scatter_answer(ScatterRequest { first, count, ..chunk_request() }).unwrap();
        let (a, b) = (chunk(0, 25), chunk(25, 15));
        assert_eq!(a.steps, [0, 10, 20]);
        assert_eq!((a.t[0], a.t[2]), (0.0, 1.8));
        assert!((a.t[1] - 0.9).abs() < 1e-15);
        // The last frame of the two chunks is columns 3 and 1 of `sample`.
        let last: Vec<f64> = a.generated[2 * 50..].iter().chain(&b.generated[2 * 30..]).copied().collect();
        let expected: Vec<f64> = full.latent.chunks_exact(3).flat_map(|row| [row[2], row[0]]).collect();
        assert_eq!(last, expected);
        // Data samples: independent of the sampler's draws, with the data's scale (σ² = 0.9, 0.05).
        assert_eq!(a.data.len(), 50);
        let big = scatter_answer(ScatterRequest { count: 4000, frames: 1, ..chunk_request() }).unwrap();
        let mean_square = |c: usize| big.data.iter().skip(c).step_by(2).map(|v| v * v).sum::<f64>() / 4000.0;
        assert!((mean_square(0) / 0.05 - 1.0).abs() < 4.0 * (2.0f64 / 4000.0).sqrt());
        assert!((mean_square(1) / 0.9 - 1.0).abs() < 4.0 * (2.0f64 / 4000.0).sqrt());

        // Monte Carlo run 1 of n = 20 is samples 20..40; its last checkpoint is the stop.
        let run = monte_carlo_answer(MonteCarloRequest {
            sampler: sampler_request(20),
            seed: 5,
            run: 1,
            n: 20,
            checkpoints: 4,
        })
        .unwrap();
        assert_eq!(run.steps, [5, 10, 15, 20]);
        let expected = empirical_fd2(&full.latent[60..], 3, &[0.9, 0.3, 0.05]);
        assert_eq!(*run.fd2.last().unwrap(), expected);
    }

    #[test]
    fn scatter_and_monte_carlo_requests_name_their_bad_field() {
        let scatter = |change: fn(&mut ScatterRequest)| {
            let mut request = chunk_request();
            change(&mut request);
            scatter_answer(request).unwrap_err().field
        };
        assert_eq!(scatter(|r| r.count = 0), "count");
        assert_eq!(scatter(|r| r.coordinates = vec![4]), "coordinates[0]");
        assert_eq!(scatter(|r| r.coordinates = vec![]), "coordinates");
        assert_eq!(scatter(|r| r.frames = 0), "frames");
        assert_eq!(scatter(|r| r.sampler.steps = 0), "steps");
        assert_eq!(scatter(|r| r.sampler.seed = Some(1)), "sampler.seed");
        assert_eq!(scatter(|r| r.first = MAX_SAMPLE_INDEX), "count");
        let run = |n, d| {
            let sampler =
                SamplerRequest { variances: vec![1.0; d], estimated_variances: None, d, ..sampler_request(5) };
            monte_carlo_answer(MonteCarloRequest { sampler, seed: 1, run: 0, n, checkpoints: 3 }).unwrap_err().field
        };
        assert_eq!(run(1, 3), "n");
        assert_eq!(run(10, MAX_MONTE_CARLO_DIMENSION + 1), "sampler.d");
    }

    #[test]
    fn general_answers_are_the_same_for_a_spectrum_and_its_rotated_covariance() {
        let eigenvalues = vec![1.0, 0.5, 0.2, 0.05, 0.01];
        let problem = GeneralProblem::from_spectrum(&eigenvalues, Some(8), Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
        let request = |eigenvalues: Option<Vec<f64>>, covariance: Option<Vec<f64>>| GeneralRequest {
            eigenvalues,
            covariance,
            n: 300,
            seed: 4,
            points: Some(17),
            ..GeneralRequest::default()
        };
        let spectral = general_answer(request(Some(eigenvalues), None)).unwrap();
        let rotated = problem.covariance.transpose().as_slice().to_vec();
        let covariance = general_answer(request(None, Some(rotated))).unwrap();
        let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9);
        assert!(close(&spectral.estimated_eigenvalues, &covariance.estimated_eigenvalues));
        for (a, b) in spectral.fd2.iter().zip(&covariance.fd2) {
            assert!(close(a, b), "{a:?} vs {b:?}");
        }
        // And the eigenbasis shortcut gives the curves of the explicit basis Ô = O V.
        let (estimated, basis) = problem.pca(300, 4);
        let explicit = crate::theory::general::projected_curves(&problem, &basis, &estimated, &spectral.dims, 17);
        for (a, b) in spectral.fd2.iter().zip(&explicit) {
            assert!(close(a, b), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn default_dims_are_every_d_when_quick_else_powers_of_two() {
        assert_eq!(default_dims(20, 256), (1..=20).collect::<Vec<_>>());
        assert_eq!(default_dims(256, 256), [1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(default_dims(1, 16384), [1]);
    }

    #[test]
    fn the_general_answer_reaches_javascript_with_nan_for_undefined_windows() {
        let answer = general_answer(GeneralRequest {
            eigenvalues: Some(vec![1.0, 0.5]),
            n: 3,
            seed: 1,
            points: Some(5),
            ..GeneralRequest::default()
        })
        .unwrap();
        let json = serde_json::to_value(GeneralGaussian::of(&answer)).unwrap();
        assert_eq!(json["fd2Exact"].as_array().unwrap().len(), 2);
        assert_eq!(json["highProbability"]["lower"].as_array().unwrap().len(), 2);
        assert_eq!(json["bestDim"].as_array().unwrap().len(), 5);
    }
}

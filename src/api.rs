//! The requests of the JavaScript API as plain Rust: parsed into validated problems and answered
//! with plain data. `wasm` only converts these to and from JS objects, so everything here is
//! tested natively.

use std::cell::Cell;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};

use crate::capped::{CappedOutcome, CappedProblem, capped_curves, capped_outcome, capped_variances};
use crate::curves::{
    CurveTable, DiagonalProblem, backward_times, log_snr, prop1_sums, stopping_curves, stopping_verdicts, switch_times,
};
use crate::estimate::estimate_variances;
use crate::general::{
    GeneralProblem, HighProbabilityWindows, check_covariance, covariance_eigen, curves_of_projection,
    frechet_with_root, high_probability_windows, sqrt_from_eigen, square_matrix,
};
use crate::input::{self, InputError};
use crate::sampler::{MAX_SAMPLE_INDEX, Method, Sampler, Score, Start, data_samples, empirical_fd2, frame_steps};
use crate::schedule::{SCHEDULE_NAMES, Schedule};
use nalgebra::DMatrix;

/// Time points of a curve when the request gives none.
pub const DEFAULT_POINTS: usize = 512;

/// `stoppingCurves({variances, estimatedVariances?, T?, points?, schedule?})`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CurvesRequest {
    pub variances: Vec<f64>,
    #[serde(default)]
    pub estimated_variances: Option<Vec<f64>>,
    #[serde(rename = "T", default)]
    pub final_time: Option<f64>,
    #[serde(default)]
    pub points: Option<usize>,
    #[serde(default)]
    pub schedule: Option<String>,
}

/// `cappedScore({variances, estimatedVariances?, C, T?, points?})` (OU only, as in Prop 5).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CappedRequest {
    pub variances: Vec<f64>,
    #[serde(rename = "estimatedVariances", default)]
    pub estimated_variances: Option<Vec<f64>>,
    #[serde(rename = "C")]
    pub cap: f64,
    #[serde(rename = "T", default)]
    pub final_time: Option<f64>,
    #[serde(default)]
    pub points: Option<usize>,
}

/// `new Explorer({variances, estimatedVariances?, T?, points?, schedule?, C})`: everything the
/// explorer page shows, computed once per change of its data.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplorerRequest {
    pub variances: Vec<f64>,
    #[serde(rename = "estimatedVariances", default)]
    pub estimated_variances: Option<Vec<f64>>,
    #[serde(rename = "T", default)]
    pub final_time: Option<f64>,
    #[serde(default)]
    pub points: Option<usize>,
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(rename = "C")]
    pub cap: f64,
}

impl ExplorerRequest {
    /// The stopping-curve request and the capped-score one (OU, same `T`: Prop 5's setting).
    pub fn split(self) -> (CurvesRequest, CappedRequest) {
        let capped = CappedRequest {
            variances: self.variances.clone(),
            estimated_variances: self.estimated_variances.clone(),
            cap: self.cap,
            final_time: self.final_time,
            points: self.points,
        };
        let curves = CurvesRequest {
            variances: self.variances,
            estimated_variances: self.estimated_variances,
            final_time: self.final_time,
            points: self.points,
            schedule: self.schedule,
        };
        (curves, capped)
    }
}

/// `sample({...})` and `samplerLaw({...})`: a discretised sampler (issue 4). `n` and `seed` are for
/// `sample` only.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SamplerRequest {
    pub variances: Vec<f64>,
    #[serde(default)]
    pub estimated_variances: Option<Vec<f64>>,
    pub d: usize,
    #[serde(rename = "T", default)]
    pub final_time: Option<f64>,
    #[serde(default)]
    pub schedule: Option<String>,
    pub steps: usize,
    pub stop_time: f64,
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub start: Option<String>,
    /// `"plug-in"` (default when estimated variances are given), `"exact"` or `"capped"`.
    #[serde(default)]
    pub score: Option<String>,
    #[serde(rename = "C", default)]
    pub cap: Option<f64>,
    #[serde(default)]
    pub n: Option<usize>,
    #[serde(default)]
    pub seed: Option<u64>,
}

/// The answer to `sample`.
#[derive(Clone, Debug)]
pub struct SampleAnswer {
    /// `n × d`, row-major.
    pub latent: Vec<f64>,
    pub empirical_fd2: f64,
    pub law_fd2: f64,
    pub continuous_fd2: f64,
}

/// The answer to `samplerLaw`: per step, its backward time, the exact `dF²` of the discretised
/// sampler stopped there, and the continuous-time one.
#[derive(Clone, Debug)]
pub struct SamplerLawAnswer {
    pub t: Vec<f64>,
    pub fd2: Vec<f64>,
    pub continuous_fd2: Vec<f64>,
}

impl SamplerRequest {
    /// The sampler of a request whose `n` and `seed` must be absent (named `{prefix}n`, `{prefix}seed`).
    fn sampler_drawing_nothing(&self, prefix: &str, message: &str) -> Result<Sampler, InputError> {
        if self.n.is_some() || self.seed.is_some() {
            let field = if self.n.is_some() { "n" } else { "seed" };
            return Err(InputError::new(format!("{prefix}{field}"), message));
        }
        self.sampler()
    }

    fn sampler(&self) -> Result<Sampler, InputError> {
        let schedule = parse_schedule(self.schedule.as_deref())?;
        let final_time = self.final_time.unwrap_or(schedule.default_final_time());
        let problem =
            DiagonalProblem::new(self.variances.clone(), self.estimated_variances.clone(), schedule, final_time)?;
        let method = parse_method(self.method.as_deref().unwrap_or("euler-maruyama"))?;
        let start = parse_name(
            "start",
            self.start.as_deref().unwrap_or("stationary"),
            &["stationary", "standard-normal"],
            |name| match name {
                "stationary" => Some(Start::Stationary),
                "standard-normal" => Some(Start::StandardNormal),
                _ => None,
            },
        )?;
        let default_score = if self.estimated_variances.is_some() { "plug-in" } else { "exact" };
        let score = match self.score.as_deref().unwrap_or(default_score) {
            "plug-in" => Score::PlugIn,
            "exact" => Score::Exact,
            "capped" => {
                Score::Capped(self.cap.ok_or_else(|| InputError::new("C", "the capped score needs a cap C > 1"))?)
            }
            other => {
                return Err(InputError::new(
                    "score",
                    format!("unknown score \"{other}\"; use plug-in, exact or capped"),
                ));
            }
        };
        Sampler::new(problem, self.d, self.steps, self.stop_time, method, start, score)
    }
}

/// A sampler method by its JS name.
pub fn parse_method(name: &str) -> Result<Method, InputError> {
    parse_name("method", name, &Method::NAMES, Method::from_name)
}

fn parse_name<T>(field: &str, name: &str, names: &[&str], parse: impl Fn(&str) -> Option<T>) -> Result<T, InputError> {
    parse(name)
        .ok_or_else(|| InputError::new(field, format!("unknown {field} \"{name}\"; use one of {}", names.join(", "))))
}

pub fn sample_answer(request: SamplerRequest) -> Result<SampleAnswer, InputError> {
    let sampler = request.sampler()?;
    let n = request.n.ok_or_else(|| InputError::new("n", "sample needs the number of samples n"))?;
    let seed = request.seed.ok_or_else(|| InputError::new("seed", "sample needs a seed"))?;
    check_draws("n", 0, n, n.saturating_mul(sampler.dimension).saturating_mul(sampler.steps))?;
    let latent = sampler.sample(n, seed);
    Ok(SampleAnswer {
        empirical_fd2: empirical_fd2(&latent, sampler.dimension, &sampler.problem.variances),
        law_fd2: *sampler.law_fd2().last().expect("steps ≥ 1"),
        continuous_fd2: sampler.continuous_fd2(),
        latent,
    })
}

pub fn sampler_law_answer(request: SamplerRequest) -> Result<SamplerLawAnswer, InputError> {
    let sampler = request.sampler_drawing_nothing("", "samplerLaw is exact and draws nothing: leave out n and seed")?;
    let t = sampler.step_times();
    let continuous_fd2 = t.iter().map(|&time| sampler.continuous_fd2_at(time)).collect();
    Ok(SamplerLawAnswer { fd2: sampler.law_fd2(), continuous_fd2, t })
}

/// `scatterChunk({sampler, seed, first?, count, coordinates, frames})`: samples `first ..
/// first + count` of a sampler on a few latent coordinates, recorded at `frames` steps from the
/// start to the stop, with as many data samples beside them. Chunks of one seed join into one run.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScatterRequest {
    pub sampler: SamplerRequest,
    pub seed: u64,
    #[serde(default)]
    pub first: usize,
    pub count: usize,
    /// 1-based latent coordinates, each at most the sampler's `d`.
    pub coordinates: Vec<usize>,
    pub frames: usize,
}

/// The answer to `scatterChunk`.
#[derive(Clone, Debug)]
pub struct ScatterAnswer {
    /// The recorded steps and their backward times.
    pub steps: Vec<usize>,
    pub t: Vec<f64>,
    /// `[frame][sample][coordinate]`.
    pub generated: Vec<f64>,
    /// `[sample][coordinate]`, from the data law.
    pub data: Vec<f64>,
}

/// `monteCarloRun({sampler, seed, run, n, checkpoints})`: run `run` of repeated seeded runs (its
/// samples are `run·n .. (run + 1)·n` of the seed), with the empirical `dF²` of its `n` samples at
/// `checkpoints` steps spread from the first step to the stop.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonteCarloRequest {
    pub sampler: SamplerRequest,
    pub seed: u64,
    pub run: usize,
    pub n: usize,
    pub checkpoints: usize,
}

/// The answer to `monteCarloRun`.
#[derive(Clone, Debug)]
pub struct MonteCarloRunAnswer {
    pub steps: Vec<usize>,
    pub t: Vec<f64>,
    pub fd2: Vec<f64>,
}

/// Largest latent dimension of a Monte Carlo run: each checkpoint takes a `d × d` eigenvalue
/// problem.
pub const MAX_MONTE_CARLO_DIMENSION: usize = 256;
/// Most frames of a scatter and checkpoints of a Monte Carlo run.
pub const MAX_FRAMES: usize = 1001;

/// The sampler of a nested request, which draws under the outer request's seed.
fn nested_sampler(request: &SamplerRequest) -> Result<Sampler, InputError> {
    request.sampler_drawing_nothing("sampler.", "give n and seed beside the sampler, not inside it")
}

/// Samples `first .. first + count`, costing `work` coordinate updates: within the limits.
fn check_draws(field: &str, first: usize, count: usize, work: usize) -> Result<(), InputError> {
    if count == 0 || work > input::MAX_SAMPLED_VALUES {
        return Err(InputError::new(
            field,
            format!("needs at least one sample and at most {} updates, got {work}", input::MAX_SAMPLED_VALUES),
        ));
    }
    if first.saturating_add(count) > MAX_SAMPLE_INDEX {
        return Err(InputError::new(field, format!("sample indices must stay below {MAX_SAMPLE_INDEX}")));
    }
    Ok(())
}

fn check_frames(field: &str, frames: usize) -> Result<(), InputError> {
    if !(1..=MAX_FRAMES).contains(&frames) {
        return Err(InputError::new(field, format!("must be from 1 to {MAX_FRAMES}, got {frames}")));
    }
    Ok(())
}

pub fn scatter_answer(request: ScatterRequest) -> Result<ScatterAnswer, InputError> {
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
    let steps = frame_steps(sampler.steps, request.frames);
    let samples = request.first..request.first + request.count;
    let times = sampler.step_times();
    Ok(ScatterAnswer {
        generated: sampler.record(request.seed, samples.clone(), &coordinates, &steps),
        data: data_samples(&sampler.problem.variances, request.seed, samples, &coordinates),
        t: steps.iter().map(|&n| times[n]).collect(),
        steps,
    })
}

pub fn monte_carlo_answer(request: MonteCarloRequest) -> Result<MonteCarloRunAnswer, InputError> {
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
    // Checkpoints after the start (whose law is the start law, not the sampler's work).
    let steps: Vec<usize> = frame_steps(sampler.steps, request.checkpoints + 1).into_iter().skip(1).collect();
    let coordinates: Vec<usize> = (0..d).collect();
    let first = request.run * request.n;
    let recorded = sampler.record(request.seed, first..first + request.n, &coordinates, &steps);
    let times = sampler.step_times();
    Ok(MonteCarloRunAnswer {
        fd2: recorded
            .chunks_exact(request.n * d)
            .map(|set| empirical_fd2(set, d, &sampler.problem.variances))
            .collect(),
        t: steps.iter().map(|&n| times[n]).collect(),
        steps,
    })
}

/// `frechet({cov1, cov2, mean1?, mean2?})`: covariances row-major, means default to zero.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrechetRequest {
    pub cov1: Vec<f64>,
    pub cov2: Vec<f64>,
    #[serde(default)]
    pub mean1: Option<Vec<f64>>,
    #[serde(default)]
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

/// `generalGaussian({eigenvalues | covariance, rotationSeed?, n, seed, T?, points?, u?, c?,
/// schedule?, dims?})`: any covariance (Props 6–7).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneralRequest {
    #[serde(default)]
    pub eigenvalues: Option<Vec<f64>>,
    /// Row-major `D × D`.
    #[serde(default)]
    pub covariance: Option<Vec<f64>>,
    /// Turns the spectrum's eigenbasis; no output depends on it (Props 6–7 are rotation invariant).
    #[serde(default)]
    pub rotation_seed: Option<u64>,
    pub n: usize,
    pub seed: u64,
    #[serde(rename = "T", default)]
    pub final_time: Option<f64>,
    #[serde(default)]
    pub points: Option<usize>,
    #[serde(default)]
    pub u: Option<f64>,
    #[serde(default)]
    pub c: Option<f64>,
    #[serde(default)]
    pub schedule: Option<String>,
    /// The latent dimensions whose estimated-basis curve is computed (default: every `d` when that
    /// is quick, else `1, 2, 4, …`; see `default_dims`).
    #[serde(default)]
    pub dims: Option<Vec<usize>>,
}

/// The answer to `generalGaussian`.
#[derive(Clone, Debug)]
pub struct GeneralAnswer {
    pub t: Vec<f64>,
    pub eigenvalues: Vec<f64>,
    pub estimated_eigenvalues: Vec<f64>,
    /// The estimated-basis (PCA of `n` samples, plug-in score) curves of `dims`, one row each.
    pub dims: Vec<usize>,
    pub fd2: Vec<Vec<f64>>,
    /// Every `d` with the exact eigenbasis and score (Prop 6).
    pub fd2_exact: CurveTable,
    pub switch_times: Vec<f64>,
    pub windows: HighProbabilityWindows,
}

/// Most `points × Σ_{d ∈ dims} d³` of one `generalGaussian` (each term a `d × d` eigenvalue problem):
/// about two seconds natively.
pub const MAX_MATRIX_WORK: f64 = 2e9;
/// The work the default `dims` stay within: about a tenth of a second natively.
pub const DEFAULT_MATRIX_WORK: f64 = 1e8;

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
    let (estimated, rotation) = problem.pca_in_eigenbasis(request.n, request.seed);
    // Ôᵀ Σ Ô = Vᵀ Λ V.
    let scaled = DMatrix::from_fn(dimension, dimension, |i, j| problem.eigenvalues[i] * rotation[(i, j)]);
    let projected = rotation.tr_mul(&scaled);
    Ok(GeneralAnswer {
        t: backward_times(final_time, points),
        fd2: curves_of_projection(&problem, &projected, &estimated, &dims, points),
        fd2_exact: stopping_curves(&problem.spectral_problem(), points),
        switch_times: problem.switch_times(),
        windows: high_probability_windows(&problem, &estimated, request.n, u, c),
        eigenvalues: problem.eigenvalues,
        estimated_eigenvalues: estimated,
        dims,
    })
}

/// `estimateVariances({variances, n, seed})`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateRequest {
    pub variances: Vec<f64>,
    pub n: usize,
    pub seed: u64,
}

/// The answer to `stoppingCurves`.
#[derive(Clone, Debug)]
pub struct CurvesAnswer {
    pub problem: DiagonalProblem,
    pub t: Vec<f64>,
    pub log_snr: Vec<f64>,
    /// With the request's score (plug-in when estimated variances are given).
    pub fd2: CurveTable,
    /// With the exact score; `None` when the request's score is the exact one (then it is `fd2`).
    pub fd2_exact: Option<CurveTable>,
    pub switch_times: Vec<f64>,
    pub switch_times_estimated: Vec<f64>,
    pub monotone: Vec<bool>,
    pub prop1_sum: Vec<f64>,
    pub optimal_stop: Vec<f64>,
}

/// The answer to `cappedScore`.
#[derive(Clone, Debug)]
pub struct CappedAnswer {
    pub problem: CappedProblem,
    pub t: Vec<f64>,
    /// `variance[k * points + i]`: coordinate `k + 1` at `t_i`.
    pub variance: Vec<f64>,
    pub fd2: CurveTable,
    pub outcome: CappedOutcome,
}

/// The field names a request type accepts, read from its derived `Deserialize` impl. The JS
/// deserialiser only looks up the fields it knows, so the glue uses this to reject typos such as
/// `varainces`, which would otherwise be ignored silently.
pub fn request_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    /// A deserialiser that answers nothing and remembers the fields it was asked for.
    struct FieldRecorder<'a>(&'a Cell<&'static [&'static str]>);
    impl<'de> Deserializer<'de> for FieldRecorder<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("only structs have field names"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(de::Error::custom("fields recorded"))
        }
        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let fields = Cell::new(&[][..]);
    let _ = T::deserialize(FieldRecorder(&fields));
    fields.get()
}

impl CurvesAnswer {
    /// The curves with the exact score (the request's own when it asked for the exact score).
    pub fn exact(&self) -> &CurveTable {
        self.fd2_exact.as_ref().unwrap_or(&self.fd2)
    }
}

fn parse_schedule(name: Option<&str>) -> Result<Schedule, InputError> {
    parse_name("schedule", name.unwrap_or("ou"), &SCHEDULE_NAMES, Schedule::from_name)
}

pub fn stopping_curves_answer(request: CurvesRequest) -> Result<CurvesAnswer, InputError> {
    let schedule = parse_schedule(request.schedule.as_deref())?;
    let final_time = request.final_time.unwrap_or(schedule.default_final_time());
    let problem = DiagonalProblem::new(request.variances, request.estimated_variances, schedule, final_time)?;
    let points = request.points.unwrap_or(DEFAULT_POINTS);
    input::check_points(points, problem.dimension())?;

    let exact = problem.with_exact_score();
    let fd2 = stopping_curves(&problem, points);
    let fd2_exact = (!problem.uses_exact_score()).then(|| stopping_curves(&exact, points));
    let verdicts = stopping_verdicts(&problem, &fd2);
    let t = backward_times(final_time, points);
    Ok(CurvesAnswer {
        log_snr: log_snr(&schedule, final_time, &t),
        t,
        switch_times: switch_times(&exact),
        switch_times_estimated: switch_times(&problem),
        monotone: verdicts.iter().map(|v| v.monotone).collect(),
        optimal_stop: verdicts.iter().map(|v| v.optimal_stop).collect(),
        prop1_sum: prop1_sums(&problem),
        fd2,
        fd2_exact,
        problem,
    })
}

pub fn capped_answer(request: CappedRequest) -> Result<CappedAnswer, InputError> {
    let final_time = request.final_time.unwrap_or(Schedule::OrnsteinUhlenbeck.default_final_time());
    let problem = CappedProblem::new(request.variances, request.estimated_variances, request.cap, final_time)?;
    let points = request.points.unwrap_or(DEFAULT_POINTS);
    input::check_points(points, problem.base.dimension())?;
    let variance = capped_variances(&problem, points);
    let fd2 = capped_curves(&problem, &variance, points);
    let outcome = capped_outcome(&problem);
    Ok(CappedAnswer { t: backward_times(final_time, points), variance, fd2, outcome, problem })
}

pub fn estimate_answer(request: EstimateRequest) -> Result<Vec<f64>, InputError> {
    estimate_variances(&request.variances, request.n, request.seed)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn request(variances: Vec<f64>) -> CurvesRequest {
        CurvesRequest { variances, estimated_variances: None, final_time: None, points: None, schedule: None }
    }

    #[test]
    fn defaults_follow_the_paper() {
        let answer = stopping_curves_answer(request(vec![1.0, 0.5])).unwrap();
        assert_eq!(answer.t.len(), DEFAULT_POINTS);
        assert_eq!(*answer.t.last().unwrap(), 2.0);
        assert_eq!(answer.fd2_exact, None);
        assert_eq!(answer.switch_times, answer.switch_times_estimated);
        assert!(answer.monotone.iter().all(|&m| m));
    }

    #[test]
    fn request_fields_come_from_the_serde_names() {
        assert_eq!(request_fields::<CurvesRequest>(), &["variances", "estimatedVariances", "T", "points", "schedule"]);
        assert_eq!(request_fields::<EstimateRequest>(), &["variances", "n", "seed"]);
    }

    fn sampler_request(steps: usize) -> SamplerRequest {
        SamplerRequest {
            variances: vec![0.9, 0.3, 0.05],
            estimated_variances: Some(vec![0.8, 0.33, 0.04]),
            d: 3,
            final_time: None,
            schedule: None,
            steps,
            stop_time: 1.8,
            method: Some("exponential".into()),
            start: None,
            score: None,
            cap: None,
            n: None,
            seed: None,
        }
    }

    #[test]
    fn sampler_law_converges_and_sample_agrees_with_it() {
        let coarse = sampler_law_answer(sampler_request(50)).unwrap();
        let fine = sampler_law_answer(sampler_request(800)).unwrap();
        assert_eq!((coarse.t.len(), coarse.t[50]), (51, 1.8));
        let gap = |law: &SamplerLawAnswer| (law.fd2.last().unwrap() - law.continuous_fd2.last().unwrap()).abs();
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
        let chunk = |first, count| {
            scatter_answer(ScatterRequest {
                sampler: sampler_request(20),
                seed: 5,
                first,
                count,
                coordinates: vec![3, 1],
                frames: 3,
            })
            .unwrap()
        };
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
        let explicit = crate::general::projected_curves(&problem, &basis, &estimated, &spectral.dims, 17);
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
    fn errors_name_their_field() {
        let mut r = request(vec![1.0]);
        r.schedule = Some("vp".into());
        assert_eq!(stopping_curves_answer(r).unwrap_err().field, "schedule");
        let mut r = request(vec![1.0]);
        r.points = Some(1);
        assert_eq!(stopping_curves_answer(r).unwrap_err().field, "points");
        let mut r = request(vec![1.0]);
        r.final_time = Some(-1.0);
        assert_eq!(stopping_curves_answer(r).unwrap_err().field, "T");
        let capped =
            CappedRequest { variances: vec![1.0], estimated_variances: None, cap: 0.5, final_time: None, points: None };
        assert_eq!(capped_answer(capped).unwrap_err().field, "C");
    }
}

/// `lab.plan({...})`: one run of the image latent sampler (issue 6).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageRunRequest {
    pub d: usize,
    /// `"gaussian"` or `"empirical"`.
    pub score: String,
    pub steps: usize,
    pub samples: usize,
    pub seed: u64,
    /// Recorded frames from the start to `t = T` (default 21).
    #[serde(default)]
    pub frames: Option<usize>,
    #[serde(rename = "T", default)]
    pub final_time: Option<f64>,
    #[serde(default)]
    pub schedule: Option<String>,
}

impl ImageRunRequest {
    pub fn latent_request(&self) -> Result<crate::latent::LatentRequest, InputError> {
        use crate::latent::LatentScore;
        let score = parse_name("score", &self.score, &["gaussian", "empirical"], LatentScore::from_name)?;
        let schedule = parse_schedule(self.schedule.as_deref())?;
        Ok(crate::latent::LatentRequest {
            d: self.d,
            score,
            steps: self.steps,
            samples: self.samples,
            seed: self.seed,
            frames: self.frames.unwrap_or(21),
            final_time: self.final_time.unwrap_or(schedule.default_final_time()),
            schedule,
        })
    }
}

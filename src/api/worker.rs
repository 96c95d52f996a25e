//! The worker module's requests (`ldm_worker`) about sampling (a sampler's samples and exact law,
//! scatter chunks, Monte Carlo runs) and the reader's files, with their answers' shapes; any
//! covariance is in `general`.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::js;
use super::sampler::{SamplerRequest, check_draws};
use crate::files::{Table, Upload};
use crate::input::InputError;
use crate::input::limits::{MAX_FRAMES, MAX_MONTE_CARLO_DIMENSION};
use crate::sim::runs::{self, MonteCarloRun, ScatterChunk};
use crate::sim::runs::{SamplerLaw, Samples};
use crate::sim::sampler::Sampler;

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
    pub steps: &'a [usize],
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
        ScatterChunkAnswer { steps: &chunk.steps, t: &chunk.t, generated: &chunk.generated, data: &chunk.data }
    }
}

/// One Monte Carlo run's empirical dF² at its checkpoints (simulated).
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(rename = "MonteCarloRun")]
pub struct MonteCarloRunAnswer<'a> {
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub steps: &'a [usize],
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
        MonteCarloRunAnswer { steps: &run.steps, t: &run.t, fd2: &run.fd2 }
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
    use crate::api::sampler::example_request as sampler_request;
    use crate::input::limits::MAX_SAMPLE_INDEX;
    use crate::sim::monte_carlo::empirical_fd2;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

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
}

//! What one sampling request computes from a validated [`Sampler`]: seeded samples beside the exact
//! law, the exact law after every step, a chunk of a scatter, one run of repeated Monte Carlo runs.
//! Every simulated number is computed from the same per-(sample, coordinate) streams, so chunks and
//! runs are slices of one [`sample`].

use std::ops::Range;

use crate::sim::monte_carlo::{data_samples, empirical_fd2, frame_steps};
use crate::sim::sampler::Sampler;

/// `n` samples at the stop time with their empirical `dF²` (simulated) and the exact ones.
#[derive(Clone, Debug)]
pub struct Samples {
    /// `n × d`, row-major.
    pub latent: Vec<f64>,
    pub empirical_fd2: f64,
    pub law_fd2: f64,
    pub continuous_fd2: f64,
}

pub fn sample(sampler: &Sampler, n: usize, seed: u64) -> Samples {
    let latent = sampler.sample(n, seed);
    Samples {
        empirical_fd2: empirical_fd2(&latent, sampler.dimension, &sampler.problem.variances),
        law_fd2: *sampler.law_fd2().last().expect("steps ≥ 1"),
        continuous_fd2: sampler.continuous_fd2(),
        latent,
    }
}

/// Per step: its backward time, the exact `dF²` of the discretised sampler stopped there, and the
/// continuous-time one. No Monte Carlo.
#[derive(Clone, Debug)]
pub struct SamplerLaw {
    pub t: Vec<f64>,
    pub fd2: Vec<f64>,
    pub continuous_fd2: Vec<f64>,
}

pub fn law(sampler: &Sampler) -> SamplerLaw {
    let t = sampler.step_times();
    let continuous_fd2 = t.iter().map(|&time| sampler.continuous_fd2_at(time)).collect();
    SamplerLaw { fd2: sampler.law_fd2(), continuous_fd2, t }
}

/// Some samples' trajectories on a few coordinates at recorded steps, and as many data draws.
#[derive(Clone, Debug)]
pub struct ScatterChunk {
    /// The recorded steps and their backward times.
    pub steps: Vec<usize>,
    pub t: Vec<f64>,
    /// `[frame][sample][coordinate]`.
    pub generated: Vec<f64>,
    /// `[sample][coordinate]`, from the data law.
    pub data: Vec<f64>,
}

/// Samples `samples` on the 0-based latent `coordinates`, at `frames` steps spread from the start
/// to the stop (the caller checked the coordinates and the sizes).
pub fn scatter_chunk(
    sampler: &Sampler,
    seed: u64,
    samples: Range<usize>,
    coordinates: &[usize],
    frames: usize,
) -> ScatterChunk {
    let steps = frame_steps(sampler.steps, frames);
    let times = sampler.step_times();
    ScatterChunk {
        generated: sampler.record(seed, samples.clone(), coordinates, &steps),
        data: data_samples(&sampler.problem.variances, seed, samples, coordinates),
        t: steps.iter().map(|&n| times[n]).collect(),
        steps,
    }
}

/// The empirical `dF²` of one run's `n` samples at checkpoints.
#[derive(Clone, Debug)]
pub struct MonteCarloRun {
    pub steps: Vec<usize>,
    pub t: Vec<f64>,
    pub fd2: Vec<f64>,
}

/// Run `run` of repeated seeded runs (its samples are `run·n .. (run + 1)·n` of the seed), with the
/// empirical `dF²` at `checkpoints` steps spread from the first step to the stop.
pub fn monte_carlo_run(sampler: &Sampler, seed: u64, run: usize, n: usize, checkpoints: usize) -> MonteCarloRun {
    let d = sampler.dimension;
    // Checkpoints after the start (whose law is the start law, not the sampler's work).
    let steps: Vec<usize> = frame_steps(sampler.steps, checkpoints + 1).into_iter().skip(1).collect();
    let coordinates: Vec<usize> = (0..d).collect();
    let first = run * n;
    let recorded = sampler.record(seed, first..first + n, &coordinates, &steps);
    let times = sampler.step_times();
    MonteCarloRun {
        fd2: recorded.chunks_exact(n * d).map(|set| empirical_fd2(set, d, &sampler.problem.variances)).collect(),
        t: steps.iter().map(|&n| times[n]).collect(),
        steps,
    }
}

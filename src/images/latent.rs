//! Sampling image latents: Euler–Maruyama in the PCA latent with one of two scores, the
//! plan both engines run (the CPU here, the GPU in `gpu`), and what is measured on the result.
//!
//! - The **Gaussian** plug-in score `−(a² + b²σ̂k²)⁻¹ y` (the paper's model): coordinates are
//!   independent, each step is `y ← A y + B ξ` with the coefficients of [`Sampler`], whose exact law
//!   gives the closed-form curve.
//! - The **empirical** score: the exact score of the training latents' empirical law, a mixture of
//!   `N(b zᵢ, a² I)`: `s(y) = (b ẑ − y)/a²` with `ẑ` the softmax-weighted mean of the `zᵢ`,
//!   weights `∝ exp(−|y − b zᵢ|²/(2a²))`. It costs `O(n_train · d)` a sample a step and
//!   memorises: run long enough, it returns the training images.
//!
//! Both start from the Gaussian score's law at `t = 0`, `N(0, a²_T + b²_T σ̂k²)`, so that the scores
//! alone differ. The noise of (sample, step, coordinate) is Philox's ([`crate::numeric::philox`]), the same on
//! both engines.

use std::ops::Range;

use crate::images::mixture::{BLOCK, MixtureScratch, TrainingLanes, mixture_means};
use crate::input::InputError;
use crate::input::limits::{
    MAX_LATENT_DIMENSION, MAX_LATENT_FRAMES, MAX_LATENT_SAMPLES, MAX_LATENT_STEPS, MAX_RECORDED_VALUES,
};
use crate::numeric::philox::{START_STEP, latent_normals};
use crate::sim::monte_carlo::{empirical_fd2, frame_steps};
use crate::sim::sampler::{Method, Sampler, Score, Start};
use crate::theory::diagonal::DiagonalProblem;
use crate::theory::schedule::Schedule;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LatentScore {
    Gaussian,
    Empirical,
}

impl LatentScore {
    pub const NAMES: [&'static str; 2] = ["gaussian", "empirical"];

    pub fn from_name(name: &str) -> Option<LatentScore> {
        match name {
            "gaussian" => Some(LatentScore::Gaussian),
            "empirical" => Some(LatentScore::Empirical),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        LatentScore::NAMES[self as usize]
    }
}

/// What one run samples.
#[derive(Clone, Debug, PartialEq)]
pub struct LatentRequest {
    pub d: usize,
    pub score: LatentScore,
    pub steps: usize,
    pub samples: usize,
    pub seed: u64,
    /// Recorded states, spread evenly from the start to the end (`t = T`).
    pub frames: usize,
    pub schedule: Schedule,
    pub final_time: f64,
    /// Scale the latents to unit mean variance over the `d` kept coordinates before the diffusion
    /// (as real latent diffusion models scale their autoencoder's latents), and back before decoding.
    pub unit_variance: bool,
}

/// One empirical-score step: `y ← keep·y + pull·ẑ + noise·ξ`, and the mixture's `b` and
/// `1/(2a²)` at the step's start.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EmpiricalStep {
    pub keep: f32,
    pub pull: f32,
    pub noise: f32,
    pub b: f32,
    pub inverse_two_a2: f32,
}

/// Everything an engine needs, in `f32` as both engines compute.
#[derive(Clone, Debug)]
pub struct LatentPlan {
    pub request: LatentRequest,
    /// The data's variances it was made from (all `P`), kept to rebuild it in another worker.
    pub variances: Vec<f64>,
    /// The Gaussian score's sampler on the scaled latents (its law is the closed form).
    pub sampler: Sampler,
    /// The latents' scale during the diffusion (1 unless the request asks for unit variance).
    pub scale: f64,
    /// Step indices recorded (0 is the start, `steps` the end), ascending.
    pub frames: Vec<usize>,
    pub start_sd: Vec<f32>,
    /// Gaussian: `(A, B)` of step `n`, coordinate `k` at `[(n·d + k)·2 ..]`.
    pub gaussian: Vec<f32>,
    /// Empirical: one entry a step.
    pub empirical: Vec<EmpiricalStep>,
    /// Empirical: the training latents, `n_train × d`.
    pub training: Vec<f32>,
}

/// The training latents a plan is built with: the PCA's, which the plan scales, or a plan's own.
enum Training<'a> {
    Unscaled(&'a [f64]),
    Scaled(Vec<f32>),
}

impl LatentPlan {
    /// `variances`: the data's variances in the PCA basis (largest first, all `P`);
    /// `training`: the training images' first `d` coordinates (`n_train × d`, row-major), which
    /// only the empirical score reads.
    pub fn new(variances: &[f64], training: &[f64], request: LatentRequest) -> Result<LatentPlan, InputError> {
        LatentPlan::build(variances, Training::Unscaled(training), request)
    }

    /// The plan [`LatentPlan::new`] made, rebuilt in another worker from the same `variances` and
    /// request and that plan's own (scaled) training latents: the same plan, so the same samples.
    pub fn rebuilt(variances: &[f64], training: Vec<f32>, request: LatentRequest) -> Result<LatentPlan, InputError> {
        LatentPlan::build(variances, Training::Scaled(training), request)
    }

    fn build(variances: &[f64], training: Training, request: LatentRequest) -> Result<LatentPlan, InputError> {
        let pixels = variances.len();
        let d = request.d;
        if d == 0 || d > pixels.min(MAX_LATENT_DIMENSION) {
            return Err(InputError::new(
                "d",
                format!("must be from 1 to {}, got {d}", pixels.min(MAX_LATENT_DIMENSION)),
            ));
        }
        if request.samples == 0 || request.samples > MAX_LATENT_SAMPLES {
            return Err(InputError::new(
                "samples",
                format!("must be from 1 to {MAX_LATENT_SAMPLES}, got {}", request.samples),
            ));
        }
        if request.steps == 0 || request.steps > MAX_LATENT_STEPS {
            return Err(InputError::new(
                "steps",
                format!("must be from 1 to {MAX_LATENT_STEPS}, got {}", request.steps),
            ));
        }
        if request.frames < 2 || request.frames > MAX_LATENT_FRAMES {
            return Err(InputError::new(
                "frames",
                format!("must be from 2 to {MAX_LATENT_FRAMES}, got {}", request.frames),
            ));
        }
        let recorded = request.samples * d * request.frames;
        if recorded > MAX_RECORDED_VALUES {
            return Err(InputError::new(
                "samples",
                format!("samples × d × frames = {recorded} values; at most {MAX_RECORDED_VALUES} are recorded"),
            ));
        }
        // The diffusion runs on latents times `scale`: their variances times scale², the training
        // latents times scale; every distance is measured after dividing it back out.
        let mean = variances[..d].iter().sum::<f64>() / d as f64;
        let scale = if request.unit_variance && mean > 0.0 { 1.0 / mean.sqrt() } else { 1.0 };
        let scaled: Vec<f64> = variances.iter().map(|v| v * scale * scale).collect();
        let problem = DiagonalProblem::new(scaled, None, request.schedule, request.final_time)?;
        let sampler = Sampler::new(
            problem,
            d,
            request.steps,
            request.final_time,
            Method::EulerMaruyama,
            Start::Stationary,
            Score::Exact,
        )?;
        let start_sd = (0..d).map(|k| sampler.start_variance(k).sqrt() as f32).collect();
        let mut gaussian = Vec::new();
        let mut empirical = Vec::new();
        let mut training_latents = Vec::new();
        match request.score {
            LatentScore::Gaussian => {
                gaussian.reserve(request.steps * d * 2);
                for n in 0..request.steps {
                    for k in 0..d {
                        let (a, b) = sampler.step_coefficient(n, k);
                        gaussian.extend([a as f32, b as f32]);
                    }
                }
            }
            LatentScore::Empirical => {
                let schedule = &request.schedule;
                let h = sampler.step_length();
                for n in 0..request.steps {
                    let tau = request.final_time - n as f64 * h;
                    let w2 = schedule.w2(tau).expect("checked by the sampler: variance preserving");
                    let a2 = schedule.a2(tau);
                    let b = schedule.b2(tau).sqrt();
                    empirical.push(EmpiricalStep {
                        keep: (1.0 + h * w2 * (1.0 - 2.0 / a2)) as f32,
                        pull: (2.0 * h * w2 * b / a2) as f32,
                        noise: (2.0 * w2 * h).sqrt() as f32,
                        b: b as f32,
                        inverse_two_a2: (0.5 / a2) as f32,
                    });
                }
                let values = match &training {
                    Training::Unscaled(values) => values.len(),
                    Training::Scaled(values) => values.len(),
                };
                if values == 0 || !values.is_multiple_of(d) {
                    return Err(InputError::new(
                        "images",
                        format!("the empirical score needs training latents of {d} coordinates, got {values} values"),
                    ));
                }
                training_latents = match training {
                    Training::Unscaled(values) => values.iter().map(|&v| (v * scale) as f32).collect(),
                    Training::Scaled(values) => values,
                };
            }
        }
        let frames = frame_steps(request.steps, request.frames);
        Ok(LatentPlan {
            request,
            variances: variances.to_vec(),
            sampler,
            frames,
            start_sd,
            gaussian,
            empirical,
            training: training_latents,
            scale,
        })
    }

    pub fn d(&self) -> usize {
        self.request.d
    }

    pub fn training_count(&self) -> usize {
        self.training.len() / self.d()
    }

    /// Backward times of the recorded frames.
    pub fn frame_times(&self) -> Vec<f64> {
        let h = self.sampler.step_length();
        self.frames
            .iter()
            .map(|&n| if n == self.request.steps { self.request.final_time } else { n as f64 * h })
            .collect()
    }

    /// Refuses an empty range of samples or one past the run's.
    pub fn check_samples(&self, samples: &Range<usize>) -> Result<(), InputError> {
        let n = self.request.samples;
        if samples.is_empty() || samples.end > n {
            return Err(InputError::new(
                "samples",
                format!("{}..{} is not a range of the run's samples 0..{n}", samples.start, samples.end),
            ));
        }
        Ok(())
    }

    /// Coordinate updates of a whole run (samples × steps × d), the unit of the benchmarks.
    pub fn updates(&self) -> f64 {
        (self.request.samples * self.request.steps * self.d()) as f64
    }

    /// The CPU engine: samples `samples` of the run, recorded at every frame, layout
    /// `[frame][sample][coordinate]`. Samples step together in blocks of [`BLOCK`], so that the
    /// empirical score's products read each training latent once for the block; every sample's
    /// noise is its own (Philox by sample, step and coordinate), whatever the blocks.
    pub fn run_cpu(&self, samples: Range<usize>) -> Vec<f32> {
        let d = self.d();
        let count = samples.len();
        let mut out = vec![0.0f32; self.frames.len() * count * d];
        let lanes = match self.request.score {
            LatentScore::Gaussian => None,
            LatentScore::Empirical => Some(TrainingLanes::new(&self.training, d)),
        };
        let mut scratch = lanes.as_ref().map(MixtureScratch::new);
        // Rows past the last block's last sample keep stale states; their means are computed and
        // ignored.
        let mut states = vec![0.0f32; BLOCK * d];
        let mut means = vec![0.0f32; BLOCK * d];
        let seed = self.request.seed;
        for first in samples.clone().step_by(BLOCK) {
            let block = first..(first + BLOCK).min(samples.end);
            for (s, y) in block.clone().zip(states.chunks_exact_mut(d)) {
                for (k, value) in y.iter_mut().enumerate() {
                    *value = self.start_sd[k] * latent_normals(seed, s as u32, START_STEP, (k / 4) as u32)[k % 4];
                }
            }
            let mut done = 0;
            for (f, &frame) in self.frames.iter().enumerate() {
                for n in done..frame {
                    if let (Some(lanes), Some(scratch)) = (&lanes, &mut scratch) {
                        mixture_means(lanes, self.empirical[n], &states, scratch, &mut means);
                    }
                    for ((s, y), mean) in block.clone().zip(states.chunks_exact_mut(d)).zip(means.chunks_exact(d)) {
                        self.step(n, s, y, mean);
                    }
                }
                done = frame;
                for (s, y) in block.clone().zip(states.chunks_exact(d)) {
                    let row = s - samples.start;
                    out[(f * count + row) * d..(f * count + row + 1) * d].copy_from_slice(y);
                }
            }
        }
        out
    }

    /// Sample `s`'s step `n`: the Gaussian score's table, or the empirical score's update with
    /// `mean`, the mixture mean at `y`.
    fn step(&self, n: usize, s: usize, y: &mut [f32], mean: &[f32]) {
        let d = self.d();
        for block in 0..d.div_ceil(4) {
            let noise = latent_normals(self.request.seed, s as u32, n as u32, block as u32);
            for (lane, &z) in noise.iter().enumerate().take(d - 4 * block) {
                let k = 4 * block + lane;
                y[k] = match self.request.score {
                    LatentScore::Gaussian => {
                        self.gaussian[(n * d + k) * 2] * y[k] + self.gaussian[(n * d + k) * 2 + 1] * z
                    }
                    LatentScore::Empirical => {
                        let step = self.empirical[n];
                        step.keep * y[k] + step.pull * mean[k] + step.noise * z
                    }
                };
            }
        }
    }

    /// The Gaussian score's exact pixel-space `dF²` to the data after every step (`steps + 1`), in
    /// the images' units (a distance² scales with the latents' scale²).
    pub fn law_fd2(&self) -> Vec<f64> {
        let unscale = 1.0 / (self.scale * self.scale);
        self.sampler.law_fd2().into_iter().map(|v| v * unscale).collect()
    }

    /// The exact latent variances after every step, `steps + 1` rows of `d`, in the images' units.
    pub fn law_variances(&self) -> Vec<f64> {
        let unscale = 1.0 / (self.scale * self.scale);
        self.sampler.law_variances().into_iter().map(|v| v * unscale).collect()
    }
}

/// Pixel-space `dF²` to the data of each recorded frame of `latents` (`[frame][sample][k]`, as the
/// engines return), the data being `N(mean, U diag(variances) Uᵀ)`: in the PCA basis the decoded
/// samples and the data share their frame, so this is [`empirical_fd2`].
pub fn frame_fd2(latents: &[f32], frames: usize, d: usize, variances: &[f64]) -> Vec<f64> {
    let per_frame = latents.len() / frames;
    latents
        .chunks_exact(per_frame)
        .map(|frame| {
            let values: Vec<f64> = frame.iter().map(|&v| f64::from(v)).collect();
            empirical_fd2(&values, d, variances)
        })
        .collect()
}

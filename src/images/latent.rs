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

use crate::images::held_out::HeldOut;
use crate::images::mixture::{BLOCK, MixtureScratch, TrainingLanes, mixture_means};
use crate::images::set::ImagePca;
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

impl LatentPlan {
    /// `variances`: the data's variances in the PCA basis (largest first, all `P`);
    /// `training`: the training images' first `d` coordinates (`n_train × d`, row-major), which
    /// only the empirical score reads.
    pub fn new(variances: &[f64], training: &[f64], request: LatentRequest) -> Result<LatentPlan, InputError> {
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
                if training.is_empty() || !training.len().is_multiple_of(d) {
                    return Err(InputError::new(
                        "images",
                        format!(
                            "the empirical score needs training latents of {d} coordinates, got {} values",
                            training.len()
                        ),
                    ));
                }
                training_latents = training.iter().map(|&v| (v * scale) as f32).collect();
            }
        }
        let frames = frame_steps(request.steps, request.frames);
        Ok(LatentPlan { request, sampler, frames, start_sd, gaussian, empirical, training: training_latents, scale })
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

/// Samples whose nearest training image is sought for the memorisation summary.
pub const MEMORISATION_SAMPLES: usize = 256;
/// Training images whose own nearest neighbour sets the scale of that summary.
pub const MEMORISATION_TRAINING: usize = 200;

/// A run being filled, by CPU chunks or by the GPU at once: the frames of all its samples.
#[derive(Clone, Debug)]
pub struct LatentRun {
    pub plan: LatentPlan,
    /// `[frame][sample][coordinate]`, all samples.
    pub latents: Vec<f32>,
    /// Samples `0..done` are in.
    pub done: usize,
    /// Against held-out images, each frame's distances as measured so far ([`LatentRun::measure_frame`]).
    measured: Vec<FrameDistances>,
}

/// One frame's distances to the held-out images: the Gaussian score's exact law at its step, and
/// the simulated Fréchet, sliced Wasserstein and MMD² of its samples.
#[derive(Clone, Copy, Debug, PartialEq)]
struct FrameDistances {
    law: f64,
    fd2: f64,
    sliced_w2: f64,
    mmd2: f64,
}

/// What the page shows of a finished run.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSummary {
    pub d: usize,
    pub score: LatentScore,
    /// The step each frame was recorded after, and its backward time.
    pub steps: Vec<usize>,
    pub t: Vec<f64>,
    /// Simulated pixel-space dF² to the data at each frame.
    pub empirical_fd2: Vec<f64>,
    /// The Gaussian score's exact dF² after steps spread over the run (every step against the
    /// training set; against held-out images about 200 at small `d`, every frame's and the last
    /// four at any `d`), their times,
    /// and its value at each frame.
    pub law_t: Vec<f64>,
    pub law_fd2: Vec<f64>,
    pub law_at_frames: Vec<f64>,
    /// How many held-out images the distances are measured against; 0: the training images.
    pub held_out: usize,
    /// Against held-out images only (else empty), simulated at each frame: the sliced Wasserstein
    /// distance² and the unbiased MMD² ([`crate::images::metrics`]).
    pub sliced_w2: Vec<f64>,
    pub mmd2: Vec<f64>,
    /// The first `grid` samples' nearest training image and RMS distance at every frame,
    /// `[frame][grid sample]`.
    pub nearest: Vec<(usize, f64)>,
    /// Median nearest-training distance of up to [`MEMORISATION_SAMPLES`] samples at the end, and
    /// the median distance of [`MEMORISATION_TRAINING`] training images to their nearest other one
    /// (all reconstructed with the run's `d` components).
    pub sample_nearest_median: f64,
    pub training_nearest_median: f64,
    /// The best stop for this `d` and what it gains over running to `T`.
    pub stop: BestStop,
}

/// Where a run's distance to the data is smallest and how much smaller than at `t = T`: on the
/// Gaussian score's exact line, or on the simulated frames for the empirical score (no closed form).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BestStop {
    pub t: f64,
    pub fd2: f64,
    /// `1 − dF²(t*)/dF²(T)`: 0 when running to `T` is best.
    pub gain: f64,
    pub exact: bool,
}

impl BestStop {
    /// The first smallest value of `values` at times `t` (ascending, the last at `T`).
    pub fn of(t: &[f64], values: &[f64], exact: bool) -> BestStop {
        let (best, &fd2) = values.iter().enumerate().fold((0, &values[0]), |b, c| if c.1 < b.1 { c } else { b });
        let last = values[values.len() - 1];
        BestStop { t: t[best], fd2, gain: if last > 0.0 { 1.0 - fd2 / last } else { 0.0 }, exact }
    }
}

/// Eigendecompositions the held-out law's line may take (`d³` each): about 200 points at `d = 64`,
/// a handful at `d = 1024`.
const HELD_OUT_LAW_WORK: f64 = 6e7;
/// The final steps whose exact law is always drawn against held-out images.
const LAST_LAW_STEPS: usize = 4;

impl LatentRun {
    /// The Gaussian score's exact law against held-out images at steps spread evenly over the run
    /// (each point is a `d × d` eigenproblem) and at every frame's step (measured frame by frame),
    /// with their times, and its values at the frames.
    fn held_out_law(&self, held_out: &HeldOut) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let (steps, d) = (self.plan.request.steps, self.plan.d());
        let intervals = ((HELD_OUT_LAW_WORK / (d as f64).powi(3)) as usize).clamp(1, 200).min(steps);
        let at_frames: Vec<f64> = self.measured.iter().map(|m| m.law).collect();
        let mut points: Vec<(usize, f64)> = self.plan.frames.iter().copied().zip(at_frames.iter().copied()).collect();
        let variances = self.plan.law_variances();
        // The last steps too: a late dip lives there, between the spread points at large `d`.
        let mut spread: Vec<usize> = (0..=intervals)
            .map(|i| i * steps / intervals)
            .chain(steps.saturating_sub(LAST_LAW_STEPS)..=steps)
            .collect();
        spread.sort_unstable();
        spread.dedup();
        for step in spread {
            if !self.plan.frames.contains(&step) {
                points.push((step, held_out.law_fd2(&variances[step * d..(step + 1) * d])));
            }
        }
        points.sort_by_key(|&(step, _)| step);
        let times = self.plan.sampler.step_times();
        (points.iter().map(|&(step, _)| times[step]).collect(), points.iter().map(|&(_, v)| v).collect(), at_frames)
    }

    /// Measures the next frame's distances to the held-out images (a finished run); returns how
    /// many frames are measured. At `d` in the hundreds each frame costs a second or so, so the
    /// worker measures frame by frame and reports its progress between them.
    pub fn measure_frame(&mut self, held_out: &HeldOut) -> usize {
        let f = self.measured.len();
        if f < self.plan.frames.len() {
            let (n, d) = (self.plan.request.samples, self.plan.d());
            let unscale = 1.0 / self.plan.scale;
            let frame: Vec<f64> =
                self.latents[f * n * d..(f + 1) * n * d].iter().map(|&v| f64::from(v) * unscale).collect();
            let step = self.plan.frames[f];
            let variances = self.plan.law_variances();
            self.measured.push(FrameDistances {
                law: held_out.law_fd2(&variances[step * d..(step + 1) * d]),
                fd2: held_out.samples_fd2(&frame, d),
                sliced_w2: held_out.metrics.sliced_w2(&frame, d),
                mmd2: held_out.metrics.mmd2(&frame, d),
            });
        }
        self.measured.len()
    }

    pub fn new(plan: LatentPlan) -> LatentRun {
        let size = plan.frames.len() * plan.request.samples * plan.d();
        LatentRun { plan, latents: vec![0.0; size], done: 0, measured: Vec::new() }
    }

    pub fn is_complete(&self) -> bool {
        self.done == self.plan.request.samples
    }

    /// Runs the next `count` samples on the CPU, rounded up to whole blocks of [`BLOCK`] (a block
    /// costs the same whatever its real samples); returns how many are done.
    pub fn run_cpu_chunk(&mut self, count: usize) -> usize {
        let (n, d) = (self.plan.request.samples, self.plan.d());
        // Clamped first: a count near usize::MAX (a negative one from JS) must not wrap to 0.
        let count = count.clamp(1, (n - self.done).max(1)).next_multiple_of(BLOCK);
        let range = self.done..(self.done + count).min(n);
        let rows = range.len();
        let chunk = self.plan.run_cpu(range.clone());
        for f in 0..self.plan.frames.len() {
            let to = (f * n + range.start) * d;
            self.latents[to..to + rows * d].copy_from_slice(&chunk[f * rows * d..(f + 1) * rows * d]);
        }
        self.done = range.end;
        self.done
    }

    /// Takes a whole run computed elsewhere (the GPU), laid out as [`LatentPlan::run_cpu`]'s.
    pub fn set_all(&mut self, latents: Vec<f32>) {
        assert_eq!(latents.len(), self.latents.len(), "a whole run's frames");
        self.latents = latents;
        self.done = self.plan.request.samples;
    }

    /// The first `grid` samples' latents at every frame, `[frame][grid sample][coordinate]`, in the
    /// images' units (ready to decode).
    pub fn grid_latents(&self, grid: usize) -> Vec<f32> {
        let (n, d) = (self.plan.request.samples, self.plan.d());
        let grid = grid.min(n);
        let unscale = (1.0 / self.plan.scale) as f32;
        (0..self.plan.frames.len())
            .flat_map(|f| self.latents[f * n * d..(f * n + grid) * d].iter().map(move |&v| v * unscale))
            .collect()
    }

    /// Every sample's latents at every frame in the images' units, one vector per frame.
    fn frames_in_image_units(&self) -> Vec<Vec<f64>> {
        let (n, d) = (self.plan.request.samples, self.plan.d());
        let unscale = 1.0 / self.plan.scale;
        self.latents.chunks_exact(n * d).map(|f| f.iter().map(|&v| f64::from(v) * unscale).collect()).collect()
    }

    /// What the page shows of the finished run, its distances measured against `held_out` images
    /// when given (the frames not yet measured are measured now), else against the training
    /// images' Gaussian.
    pub fn summary(&mut self, pca: &ImagePca, grid: usize, held_out: Option<&HeldOut>) -> RunSummary {
        let (n, d) = (self.plan.request.samples, self.plan.d());
        let frames = self.frames_in_image_units();
        let (law_t, law_fd2, law_at_frames, empirical_fd2, sliced_w2, mmd2) = match held_out {
            None => {
                let law = self.plan.law_fd2();
                let at_frames = self.plan.frames.iter().map(|&step| law[step]).collect();
                let simulated = frames.iter().map(|f| empirical_fd2(f, d, &pca.variances)).collect();
                (self.plan.sampler.step_times(), law, at_frames, simulated, Vec::new(), Vec::new())
            }
            Some(held_out) => {
                while self.measure_frame(held_out) < self.plan.frames.len() {}
                let (t, law, at_frames) = self.held_out_law(held_out);
                let each = |value: fn(&FrameDistances) -> f64| self.measured.iter().map(value).collect();
                (t, law, at_frames, each(|m| m.fd2), each(|m| m.sliced_w2), each(|m| m.mmd2))
            }
        };
        let widen = |values: &[f32]| -> Vec<f64> { values.iter().map(|&v| f64::from(v)).collect() };
        let nearest = pca.nearest_training(&widen(&self.grid_latents(grid)), d);
        let checked = &frames[frames.len() - 1][..n.min(MEMORISATION_SAMPLES) * d];
        let distances: Vec<f64> = pca.nearest_training(checked, d).iter().map(|&(_, r)| r).collect();
        let stop = match self.plan.request.score {
            LatentScore::Gaussian => BestStop::of(&law_t, &law_fd2, true),
            LatentScore::Empirical => BestStop::of(&self.plan.frame_times(), &empirical_fd2, false),
        };
        RunSummary {
            stop,
            d,
            score: self.plan.request.score,
            steps: self.plan.frames.clone(),
            t: self.plan.frame_times(),
            empirical_fd2,
            law_t,
            law_fd2,
            law_at_frames,
            held_out: held_out.map_or(0, |h| h.count),
            sliced_w2,
            mmd2,
            nearest,
            sample_nearest_median: crate::images::set::median(&distances),
            training_nearest_median: crate::images::set::median(
                &pca.training_nearest_distances(MEMORISATION_TRAINING, d),
            ),
        }
    }
}

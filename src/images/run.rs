//! A run of the latent sampler being filled (by CPU ranges here or in other workers, or by the
//! GPU at once) and what the page shows of it: distances to the data frame by frame, the nearest
//! training images, the best stop.

use std::ops::Range;

use crate::images::held_out::HeldOut;
use crate::images::latent::{LatentPlan, LatentScore};
use crate::images::mixture::BLOCK;
use crate::images::set::ImagePca;
use crate::input::InputError;
use crate::sim::monte_carlo::empirical_fd2;

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
    /// Which samples are in: ranges may arrive in any order (other workers compute some).
    filled: Vec<bool>,
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
        let filled = vec![false; plan.request.samples];
        LatentRun { plan, latents: vec![0.0; size], filled, measured: Vec::new() }
    }

    /// How many samples are in.
    pub fn done(&self) -> usize {
        self.filled.iter().filter(|&&filled| filled).count()
    }

    pub fn is_complete(&self) -> bool {
        self.filled.iter().all(|&filled| filled)
    }

    /// Runs `count` samples on the CPU from the first one not yet in, rounded up to whole blocks of
    /// [`BLOCK`] (a block costs the same whatever its real samples) but not into samples already
    /// in; returns how many are done.
    pub fn run_cpu_chunk(&mut self, count: usize) -> usize {
        let n = self.plan.request.samples;
        let Some(start) = self.filled.iter().position(|&filled| !filled) else { return self.done() };
        // Clamped first: a count near usize::MAX (a negative one from JS) must not wrap to 0.
        let count = count.clamp(1, n - start).next_multiple_of(BLOCK);
        let gap_end = self.filled[start..].iter().position(|&filled| filled).map_or(n, |i| start + i);
        self.run_cpu_range(start..gap_end.min(start + count)).expect("a gap's samples are not in")
    }

    /// Runs samples `samples` on the CPU; returns how many are done.
    pub fn run_cpu_range(&mut self, samples: Range<usize>) -> Result<usize, InputError> {
        self.check_absent(&samples)?;
        let chunk = self.plan.run_cpu(samples.clone());
        Ok(self.place(samples, &chunk))
    }

    /// Takes samples from `start` on computed elsewhere (another worker's [`LatentPlan::run_cpu`]
    /// of the same plan), laid out as that returns them; returns how many are done.
    pub fn set_samples(&mut self, start: usize, chunk: &[f32]) -> Result<usize, InputError> {
        let (d, frames) = (self.plan.d(), self.plan.frames.len());
        if !chunk.len().is_multiple_of(frames * d) {
            return Err(InputError::new(
                "samples",
                format!("{} values are not whole samples of {frames} frames × {d} coordinates", chunk.len()),
            ));
        }
        let samples = start..start.saturating_add(chunk.len() / (frames * d));
        self.check_absent(&samples)?;
        Ok(self.place(samples, chunk))
    }

    /// Stores checked samples laid out as [`LatentPlan::run_cpu`]'s; returns how many are done.
    fn place(&mut self, samples: Range<usize>, chunk: &[f32]) -> usize {
        let (n, d) = (self.plan.request.samples, self.plan.d());
        for (f, frame) in chunk.chunks_exact(samples.len() * d).enumerate() {
            let to = (f * n + samples.start) * d;
            self.latents[to..to + frame.len()].copy_from_slice(frame);
        }
        self.filled[samples].fill(true);
        self.done()
    }

    /// Refuses a range that is not the run's ([`LatentPlan::check_samples`]) or overlaps samples
    /// already in.
    fn check_absent(&self, samples: &Range<usize>) -> Result<(), InputError> {
        self.plan.check_samples(samples)?;
        if self.filled[samples.clone()].iter().any(|&filled| filled) {
            return Err(InputError::new(
                "samples",
                format!("{}..{} overlaps samples already in", samples.start, samples.end),
            ));
        }
        Ok(())
    }

    /// Takes a whole run computed elsewhere (the GPU), laid out as [`LatentPlan::run_cpu`]'s.
    pub fn set_all(&mut self, latents: Vec<f32>) {
        assert_eq!(latents.len(), self.latents.len(), "a whole run's frames");
        self.latents = latents;
        self.filled.fill(true);
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

//! Seeded draws around a sampler: the data law's samples, the recorded steps of a run, the band of
//! repeated Monte Carlo runs, and the empirical Fréchet distance of a set of samples (simulated
//! numbers, each beside the exact law it estimates).

use std::ops::Range;

use nalgebra::DMatrix;
use rand_distr::{Distribution, StandardNormal};

use crate::input::limits::MAX_SAMPLE_INDEX;
use crate::numeric::linalg::trace_of_root;
use crate::numeric::random::{seeded_rng, trajectory_rng};

/// Seeded draws from the data law `N(0, diag(variances))` on the chosen coordinates (0-based,
/// any `< D`), row-major `samples.len() × coordinates.len()`. Each (sample, coordinate) has its own
/// stream, disjoint from the sampler's, so the data shown beside generated samples is independent
/// of them and the same whatever else is drawn.
pub fn data_samples(variances: &[f64], seed: u64, samples: Range<usize>, coordinates: &[usize]) -> Vec<f64> {
    let base = seeded_rng(seed);
    let mut out = Vec::with_capacity(samples.len() * coordinates.len());
    for s in samples {
        for &k in coordinates {
            let mut rng = trajectory_rng(&base, s | MAX_SAMPLE_INDEX, k);
            let z: f64 = StandardNormal.sample(&mut rng);
            out.push(variances[k].sqrt() * z);
        }
    }
    out
}

/// `frames` step indices spread evenly from the start (0) to the last step, without repeats.
pub fn frame_steps(steps: usize, frames: usize) -> Vec<usize> {
    let frames = frames.clamp(2, steps + 1);
    let mut out: Vec<usize> =
        (0..frames).map(|f| ((f as f64) * steps as f64 / (frames - 1) as f64).round() as usize).collect();
    out.dedup();
    out
}

/// Repeated seeded runs summarised per checkpoint: the mean and the range that holds 95% of single
/// runs under a normal approximation (mean ± 1.96 standard deviations).
#[derive(Clone, Debug, PartialEq)]
pub struct MonteCarloBand {
    pub mean: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

impl MonteCarloBand {
    /// `values`: `runs` rows of one value per checkpoint.
    pub fn new(values: &[f64], checkpoints: usize) -> MonteCarloBand {
        let runs = values.len() / checkpoints;
        let column = |c: usize| values.iter().skip(c).step_by(checkpoints).copied();
        let mean: Vec<f64> = (0..checkpoints).map(|c| column(c).sum::<f64>() / runs as f64).collect();
        let spread: Vec<f64> = (0..checkpoints)
            .map(|c| {
                let squares: f64 = column(c).map(|v| (v - mean[c]).powi(2)).sum();
                if runs > 1 { 1.96 * (squares / (runs - 1) as f64).sqrt() } else { 0.0 }
            })
            .collect();
        MonteCarloBand {
            lower: mean.iter().zip(&spread).map(|(m, s)| m - s).collect(),
            upper: mean.iter().zip(&spread).map(|(m, s)| m + s).collect(),
            mean,
        }
    }
}

/// The Fréchet distance² between the empirical law of `samples` (`n × d`, row-major, decoded by
/// zero-filling to `D`) and the data `N(0, diag(variances))`: the sample mean and covariance against
/// the data's, with the matrix square root through the symmetric eigendecomposition (eigenvalues
/// below zero from round-off are clamped to zero).
pub fn empirical_fd2(samples: &[f64], d: usize, variances: &[f64]) -> f64 {
    let n = samples.len() / d;
    let mut mean = vec![0.0; d];
    for row in samples.chunks_exact(d) {
        for (m, &y) in mean.iter_mut().zip(row) {
            *m += y / n as f64;
        }
    }
    // Σ_data^{1/2} S Σ_data^{1/2} with Σ_data diagonal, S the (biased) sample covariance.
    let sd: Vec<f64> = variances[..d].iter().map(|v| v.sqrt()).collect();
    let mut covariance = DMatrix::<f64>::zeros(d, d);
    for row in samples.chunks_exact(d) {
        for i in 0..d {
            for j in 0..=i {
                covariance[(i, j)] += (row[i] - mean[i]) * (row[j] - mean[j]) / n as f64;
            }
        }
    }
    let product = DMatrix::from_fn(d, d, |i, j| {
        let (i, j) = if j <= i { (i, j) } else { (j, i) };
        sd[i] * covariance[(i, j)] * sd[j]
    });
    // Exactly symmetric as built, so trace_of_root's symmetric part changes nothing.
    let root_trace = trace_of_root(&product);
    let trace: f64 = (0..d).map(|i| covariance[(i, i)]).sum();
    mean.iter().map(|m| m * m).sum::<f64>() + trace + variances.iter().sum::<f64>() - 2.0 * root_trace
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn frames_span_the_run_and_bands_follow_their_runs() {
        assert_eq!(frame_steps(10, 3), [0, 5, 10]);
        assert_eq!(frame_steps(3, 50), [0, 1, 2, 3]);
        assert_eq!(frame_steps(500, 1), [0, 500]);
        // Two checkpoints; runs (1, 10), (3, 10): means 2 and 10, sd √2 and 0.
        let band = MonteCarloBand::new(&[1.0, 10.0, 3.0, 10.0], 2);
        assert_eq!(band.mean, [2.0, 10.0]);
        assert!((band.upper[0] - (2.0 + 1.96 * 2f64.sqrt())).abs() < 1e-15);
        assert_eq!((band.lower[1], band.upper[1]), (10.0, 10.0));
    }

    #[test]
    fn the_empirical_distance_of_the_data_itself_is_small_and_exact_for_a_known_covariance() {
        // Two samples ±(1, 1)·c: mean 0, covariance c² [[1, 1], [1, 1]].
        let c: f64 = 0.5;
        let samples = [c, c, -c, -c];
        let variances = [1.0, 1.0];
        // Σ^{1/2} S Σ^{1/2} = S has eigenvalues 2c² and 0.
        let expected = 2.0 * c * c + 2.0 - 2.0 * (2.0 * c * c).sqrt();
        assert!((empirical_fd2(&samples, 2, &variances) - expected).abs() < 1e-14);
    }
}

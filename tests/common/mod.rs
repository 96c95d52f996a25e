//! Helpers shared by the image tests (natively, on the GPU and in the browser).
#![allow(dead_code)]

use ldm_explorer::images::latent::{LatentPlan, LatentRequest, LatentScore};
use ldm_explorer::images::set::ImageSet;
use ldm_explorer::theory::schedule::Schedule;

/// The shipped digits, compiled in so that the browser's tests read them too.
pub fn digits() -> ImageSet {
    ImageSet::from_ldmimg(include_bytes!("../../www/data/digits.ldmimg")).expect("the shipped digits read")
}

/// The digits as 8-bit images (each intensity moved to the nearest `k/255`), whose covariances take
/// the exact path through their bytes; the digits themselves (16 levels) take the f64 path.
pub fn digits_8_bit() -> ImageSet {
    let set = digits();
    ImageSet {
        intensities: set.intensities.iter().map(|&x| f32::from((x * 255.0).round() as u8) / 255.0).collect(),
        ..set
    }
}

pub fn request(d: usize, score: LatentScore, steps: usize, samples: usize) -> LatentRequest {
    LatentRequest {
        d,
        score,
        steps,
        samples,
        seed: 11,
        frames: 5,
        schedule: Schedule::OrnsteinUhlenbeck,
        final_time: 2.0,
        unit_variance: false,
    }
}

/// `|mean| < 4 se` and `|variance − law| < 4 se` for a column of samples.
pub fn assert_moments(values: &[f64], law_mean: f64, law_variance: f64, what: &str) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance = values.iter().map(|v| (v - law_mean).powi(2)).sum::<f64>() / n;
    assert!((mean - law_mean).abs() < 4.0 * (law_variance / n).sqrt(), "{what}: mean {mean} vs {law_mean}");
    assert!(
        (variance - law_variance).abs() < 4.0 * law_variance * (2.0 / n).sqrt(),
        "{what}: variance {variance} vs {law_variance}"
    );
}

/// With one training latent `point`, the empirical score's mixture is `N(b z₁, a² I)` and `ẑ = z₁`
/// exactly, so each coordinate follows `m ← keep·m + pull·z₁`, `V ← keep²·V + noise²` (computed here
/// in f64). Asserts that every recorded frame of `run` (`n` samples, as the engines lay it out) has
/// that mean and variance within 4 standard errors, and returns the law after each step.
pub fn assert_one_point_law(plan: &LatentPlan, point: &[f64], run: &[f32], n: usize) -> Vec<Vec<(f64, f64)>> {
    let d = plan.d();
    (0..d)
        .map(|k| {
            let (mut mean, mut variance) = (0.0f64, f64::from(plan.start_sd[k]).powi(2));
            let mut law = vec![(mean, variance)];
            for step in &plan.empirical {
                mean = f64::from(step.keep) * mean + f64::from(step.pull) * point[k];
                variance = f64::from(step.keep).powi(2) * variance + f64::from(step.noise).powi(2);
                law.push((mean, variance));
            }
            for (f, &frame) in plan.frames.iter().enumerate() {
                let column: Vec<f64> = (0..n).map(|s| f64::from(run[(f * n + s) * d + k])).collect();
                assert_moments(&column, law[frame].0, law[frame].1, &format!("k {k}, frame {f}"));
            }
            law
        })
        .collect()
}

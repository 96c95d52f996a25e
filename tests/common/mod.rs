//! Helpers shared by the image tests (natively, on the GPU and in the browser).
#![allow(dead_code)]

use ldm_explorer::images::ImageSet;
use ldm_explorer::latent::{LatentRequest, LatentScore};
use ldm_explorer::schedule::Schedule;

/// The shipped digits, compiled in so that the browser's tests read them too.
pub fn digits() -> ImageSet {
    ImageSet::from_ldmimg(include_bytes!("../../www/data/digits.ldmimg")).expect("the shipped digits read")
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

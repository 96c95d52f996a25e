//! The bounds the page explains beside its controls, read from `input::limits` (where they live).

use serde::Serialize;
use tsify::Tsify;

use crate::input::limits::*;

/// The documented input limits of the closed forms and the samplers.
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Largest data dimension D.
    pub max_dimension: usize,
    /// Largest variance (of the data or estimated).
    pub max_variance: f64,
    /// Shortest and longest final time `T`.
    pub min_final_time: f64,
    pub max_final_time: f64,
    /// Most time points of a curve, and most D × points values.
    pub max_points: usize,
    pub max_curve_values: usize,
    /// Most n × D draws, or coordinate updates of one sampling request.
    pub max_sampled_values: usize,
    /// Largest latent dimension of a Monte Carlo run (each checkpoint is a d × d eigenproblem).
    pub max_monte_carlo_dimension: usize,
    /// Most steps of a discretised sampler.
    pub max_steps: usize,
    /// Most frames of a scatter, checkpoints of a Monte Carlo run.
    pub max_frames: usize,
    /// Most numbers in a file, widest matrix of samples.
    pub max_upload_values: usize,
    pub max_sample_dimension: usize,
    /// The seeds panel: most draws, and most `draws × D × (n + 33)` values on the page's thread.
    pub max_seeds: usize,
    pub max_seed_work: usize,
    /// A plot's axis window: ends within ±maxAxisValue, a log axis' ends at least minLogAxisValue,
    /// and a width of at least minAxisWidth times its largest end.
    pub max_axis_value: f64,
    pub min_log_axis_value: f64,
    pub min_axis_width: f64,
    /// What image sets and their runs may hold (also `imageLimits()` of the image module).
    pub images: ImageLimits,
}

/// The limits of image sets and runs.
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ImageLimits {
    /// Longest side of an image once resized (pixels).
    pub max_side: usize,
    pub min_images: usize,
    pub max_images: usize,
    pub max_samples: usize,
    pub max_steps: usize,
    pub max_dimension: usize,
    /// Most samples decoded for the grid.
    pub max_grid: usize,
}

pub fn limits() -> Limits {
    Limits {
        max_dimension: MAX_DIMENSION,
        max_variance: MAX_VARIANCE,
        min_final_time: MIN_FINAL_TIME,
        max_final_time: MAX_FINAL_TIME,
        max_points: MAX_POINTS,
        max_curve_values: MAX_CURVE_VALUES,
        max_sampled_values: MAX_SAMPLED_VALUES,
        max_monte_carlo_dimension: MAX_MONTE_CARLO_DIMENSION,
        max_steps: MAX_STEPS,
        max_frames: MAX_FRAMES,
        max_upload_values: MAX_UPLOAD_VALUES,
        max_sample_dimension: MAX_SAMPLE_DIMENSION,
        max_seeds: MAX_SEEDS,
        max_seed_work: MAX_SEED_WORK,
        max_axis_value: MAX_AXIS_VALUE,
        min_log_axis_value: MIN_LOG_AXIS_VALUE,
        min_axis_width: MIN_AXIS_WIDTH,
        images: image_limits(),
    }
}

pub fn image_limits() -> ImageLimits {
    ImageLimits {
        max_side: MAX_SIDE,
        min_images: MIN_IMAGES,
        max_images: MAX_IMAGES,
        max_samples: MAX_LATENT_SAMPLES,
        max_steps: MAX_LATENT_STEPS,
        max_dimension: MAX_LATENT_DIMENSION,
        max_grid: MAX_GRID,
    }
}

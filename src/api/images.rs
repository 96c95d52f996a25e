//! The image module's requests (`ldm_images`): a run of the latent sampler on an image set, and the
//! images panel's curves, with their answers' shapes.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::js;
use super::{parse_name, parse_schedule};
use crate::draw::ImageCurves;
use crate::images::latent::{LatentRequest, LatentScore};
use crate::images::run::RunSummary;
use crate::images::set::ImagePca;
use crate::input::InputError;

/// One run of the image latent sampler.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageRunRequest {
    /// Latent dimension, 1 ≤ d ≤ min(P, 1024).
    pub d: usize,
    #[tsify(type = "ImageScoreName")]
    pub score: String,
    pub steps: usize,
    pub samples: usize,
    pub seed: u64,
    /// Recorded frames from t = 0 to T (default 21).
    #[serde(default)]
    #[tsify(optional)]
    pub frames: Option<usize>,
    #[serde(rename = "T", default)]
    #[tsify(optional)]
    pub final_time: Option<f64>,
    #[serde(default)]
    #[tsify(optional, type = "ScheduleName")]
    pub schedule: Option<String>,
    /// Scale the latents to unit mean variance over the `d` kept coordinates for the diffusion, as
    /// latent diffusion models do (default false).
    #[serde(default)]
    #[tsify(optional)]
    pub unit_variance: Option<bool>,
}

impl ImageRunRequest {
    pub fn latent_request(&self) -> Result<LatentRequest, InputError> {
        let score = parse_name("score", &self.score, &LatentScore::NAMES, LatentScore::from_name)?;
        let schedule = parse_schedule(self.schedule.as_deref())?;
        Ok(LatentRequest {
            d: self.d,
            score,
            steps: self.steps,
            samples: self.samples,
            seed: self.seed,
            frames: self.frames.unwrap_or(21),
            final_time: self.final_time.unwrap_or(schedule.default_final_time()),
            schedule,
            unit_variance: self.unit_variance.unwrap_or(false),
        })
    }
}

/// An image set's size and PCA spectrum.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ImageSetInfo<'a> {
    pub count: usize,
    pub width: usize,
    pub height: usize,
    /// PCA eigenvalues (signal scale 2·intensity − 1), largest first.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub variances: &'a [f64],
    /// Images held out of the fit, which the distances are measured against (0: none).
    pub held_out: usize,
    /// Class labels, when the set has them.
    #[serde(serialize_with = "optional_bytes", skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "Uint8Array")]
    pub labels: Option<&'a [u8]>,
}

fn optional_bytes<S: serde::Serializer>(labels: &Option<&[u8]>, serializer: S) -> Result<S::Ok, S::Error> {
    js::bytes(&labels.unwrap_or(&[]), serializer)
}

impl<'a> ImageSetInfo<'a> {
    pub fn of(pca: &'a ImagePca, labels: Option<&'a [u8]>, held_out: usize) -> Self {
        ImageSetInfo {
            count: pca.count,
            width: pca.width,
            height: pca.height,
            variances: &pca.variances,
            held_out,
            labels,
        }
    }
}

/// What one finished run shows.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(rename = "RunSummary")]
pub struct RunSummaryAnswer<'a> {
    pub d: usize,
    #[tsify(type = "ImageScoreName")]
    pub score: &'static str,
    /// The step after which each frame was recorded, and its time.
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub steps: &'a [usize],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub t: &'a [f64],
    /// Simulated pixel-space dF² to the data at each frame.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub empirical_fd2: &'a [f64],
    /// The Gaussian score's exact dF² (closed form) after steps spread over the run: every step
    /// against the training images; against held-out images about 200 at small `d`, each frame's and the last four.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub law_t: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub law_fd2: &'a [f64],
    /// The exact dF² at each frame.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub law_at_frames: &'a [f64],
    /// The held-out images the distances are measured against (0: the training images).
    pub held_out: usize,
    /// Against held-out images (else empty), simulated at each frame: the sliced Wasserstein
    /// distance² (64 seeded directions) and the unbiased MMD² (Gaussian kernel, its width the median
    /// distance between held-out images; up to 256 images a side).
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub sliced_w2: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub mmd2: &'a [f64],
    /// [frame][grid sample]: the training image whose d-component reconstruction is nearest, and
    /// the RMS distance to it (intensity units).
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub nearest: Vec<usize>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub nearest_distance: Vec<f64>,
    /// Medians at t = T: samples to their nearest training reconstruction; 200 training images to
    /// the nearest other one (the scale of "new").
    pub sample_nearest_median: f64,
    pub training_nearest_median: f64,
    /// The best stop: on the exact line (Gaussian score) or the simulated frames (empirical).
    pub stop_t: f64,
    pub stop_fd2: f64,
    /// `1 − dF²(t*)/dF²(T)`: 0 when running to `T` is best.
    pub stop_gain: f64,
    pub stop_exact: bool,
}

impl<'a> RunSummaryAnswer<'a> {
    pub fn of(summary: &'a RunSummary) -> Self {
        RunSummaryAnswer {
            d: summary.d,
            score: summary.score.name(),
            steps: &summary.steps,
            t: &summary.t,
            empirical_fd2: &summary.empirical_fd2,
            law_t: &summary.law_t,
            law_fd2: &summary.law_fd2,
            law_at_frames: &summary.law_at_frames,
            held_out: summary.held_out,
            sliced_w2: &summary.sliced_w2,
            mmd2: &summary.mmd2,
            nearest: summary.nearest.iter().map(|&(i, _)| i).collect(),
            nearest_distance: summary.nearest.iter().map(|&(_, r)| r).collect(),
            sample_nearest_median: summary.sample_nearest_median,
            training_nearest_median: summary.training_nearest_median,
            stop_t: summary.stop.t,
            stop_fd2: summary.stop.fd2,
            stop_gain: summary.stop.gain,
            stop_exact: summary.stop.exact,
        }
    }
}

/// One latent dimension's series: a run summary's `lawT/lawFd2` lines and `t/empiricalFd2` dots.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CurveSeries {
    pub d: usize,
    #[tsify(type = "ArrayLike<number>")]
    pub law_t: Vec<f64>,
    #[tsify(type = "ArrayLike<number>")]
    pub law_fd2: Vec<f64>,
    #[tsify(type = "ArrayLike<number>")]
    pub t: Vec<f64>,
    #[tsify(type = "ArrayLike<number>")]
    pub empirical_fd2: Vec<f64>,
}

/// The images panel's curves, drawn as SVG text.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ImageCurvesRequest {
    pub series: Vec<CurveSeries>,
    pub title: String,
    /// The y axis' description (default "pixel dF² (log scale)").
    #[serde(default)]
    #[tsify(optional)]
    pub y_label: Option<String>,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    #[tsify(optional, type = "ThemeName")]
    pub theme: Option<String>,
    #[serde(default)]
    #[tsify(optional)]
    pub cursor: Option<f64>,
}

impl ImageCurvesRequest {
    pub fn curves(&self) -> Vec<ImageCurves<'_>> {
        self.series
            .iter()
            .map(|s| ImageCurves { d: s.d, law_t: &s.law_t, law_fd2: &s.law_fd2, t: &s.t, simulated: &s.empirical_fd2 })
            .collect()
    }
}

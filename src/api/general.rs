//! The worker module's requests about any covariance (the paper's Section 6): the Fréchet
//! distance of two Gaussians, and Props 6–7 for a spectrum or a covariance, with their answers' shapes.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::js::{self, Rows};
use super::{DEFAULT_POINTS, parse_schedule};
use crate::input::limits::{DEFAULT_MATRIX_WORK, MAX_MATRIX_WORK};
use crate::input::{self, InputError};
use crate::numeric::linalg::sqrt_from_eigen;
use crate::theory::general::{
    GeneralAnswer, GeneralProblem, GeneralSettings, check_covariance, covariance_eigen, frechet_with_root,
    square_matrix,
};

/// Two Gaussians: covariances D × D row-major, symmetric and positive semi-definite (to 1e-9
/// relative); means default to zero.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct FrechetRequest {
    #[tsify(type = "ArrayLike<number>")]
    pub cov1: Vec<f64>,
    #[tsify(type = "ArrayLike<number>")]
    pub cov2: Vec<f64>,
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub mean1: Option<Vec<f64>>,
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub mean2: Option<Vec<f64>>,
}

pub fn frechet_answer(request: FrechetRequest) -> Result<f64, InputError> {
    let cov1 = square_matrix("cov1", &request.cov1)?;
    let cov2 = square_matrix("cov2", &request.cov2)?;
    let dimension = cov1.nrows();
    if cov2.nrows() != dimension {
        return Err(InputError::new(
            "cov2",
            format!("is {0} × {0} but cov1 is {dimension} × {dimension}", cov2.nrows()),
        ));
    }
    check_covariance("cov1", &cov1)?;
    // Σ2's eigendecomposition checks it and gives its square root.
    let sqrt_cov2 = sqrt_from_eigen(&covariance_eigen("cov2", &cov2)?);
    let mean = |field: &str, mean: Option<Vec<f64>>| -> Result<Vec<f64>, InputError> {
        let mean = mean.unwrap_or_else(|| vec![0.0; dimension]);
        if mean.len() != dimension {
            return Err(InputError::new(
                field,
                format!("holds {} entries, the covariances are {dimension} × {dimension}", mean.len()),
            ));
        }
        if let Some(i) = mean.iter().position(|v| !v.is_finite()) {
            return Err(InputError::new(format!("{field}[{i}]"), format!("must be a finite number, got {}", mean[i])));
        }
        Ok(mean)
    };
    let (mean1, mean2) = (mean("mean1", request.mean1)?, mean("mean2", request.mean2)?);
    Ok(frechet_with_root(&mean1, &cov1, &mean2, &cov2, &sqrt_cov2))
}

/// Any covariance (Props 6–7): a spectrum or a covariance, and the PCA of n seeded samples.
#[derive(Clone, Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GeneralRequest {
    /// Either the spectrum σk² …
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub eigenvalues: Option<Vec<f64>>,
    /// … or the covariance itself, D × D row-major.
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub covariance: Option<Vec<f64>>,
    /// A seeded Haar rotation of the spectrum's eigenbasis. Accepted, but no number of the answer
    /// depends on it: Props 6–7 are rotation invariant and the samples are drawn in the eigenbasis.
    #[serde(default)]
    #[tsify(optional)]
    pub rotation_seed: Option<u64>,
    /// Samples of the PCA, and their seed.
    pub n: usize,
    pub seed: u64,
    #[serde(rename = "T", default)]
    #[tsify(optional)]
    pub final_time: Option<f64>,
    /// Backward times from 0 to T (default 512).
    #[serde(default)]
    #[tsify(optional)]
    pub points: Option<usize>,
    /// Prop 7's confidence parameter (probability 1 − 2e^−u; default 3) and constant c (default 1).
    #[serde(default)]
    #[tsify(optional)]
    pub u: Option<f64>,
    #[serde(default)]
    #[tsify(optional)]
    pub c: Option<f64>,
    #[serde(default)]
    #[tsify(optional, type = "ScheduleName")]
    pub schedule: Option<String>,
    /// Latent dimensions of the estimated-basis curves: each costs points × d³ (a d × d eigenproblem
    /// per time), in all at most 2e9. Default: every d when points × Σ d³ ≤ 1e8, else d = 1, 2, 4, …
    /// within that.
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub dims: Option<Vec<usize>>,
}

/// `points × Σ_{d ∈ dims} d³`: the cost of the estimated-basis curves (a `d × d` eigenvalue problem
/// per time and dimension).
fn matrix_work(points: usize, dims: &[usize]) -> f64 {
    points as f64 * dims.iter().map(|&d| (d as f64).powi(3)).sum::<f64>()
}

/// Every `d` when their curves fit [`DEFAULT_MATRIX_WORK`], else `d = 1, 2, 4, …` as far as it goes.
fn default_dims(dimension: usize, points: usize) -> Vec<usize> {
    let work = |dims: &[usize]| matrix_work(points, dims);
    let every: Vec<usize> = (1..=dimension).collect();
    if work(&every) <= DEFAULT_MATRIX_WORK {
        return every;
    }
    let mut dims = vec![1];
    while let Some(next) = dims.last().map(|d| d * 2).filter(|&d| d <= dimension) {
        dims.push(next);
        if work(&dims) > DEFAULT_MATRIX_WORK {
            dims.pop();
            break;
        }
    }
    dims
}

pub fn general_answer(request: GeneralRequest) -> Result<GeneralAnswer, InputError> {
    let schedule = parse_schedule(request.schedule.as_deref())?;
    let final_time = request.final_time.unwrap_or(schedule.default_final_time());
    let problem = match (request.eigenvalues, request.covariance) {
        // Every output is rotation invariant (the samples are drawn in the eigenbasis): a rotation
        // would change no number, so none is built.
        (Some(eigenvalues), None) => GeneralProblem::from_spectrum(&eigenvalues, None, schedule, final_time)?,
        (None, Some(covariance)) => {
            if request.rotation_seed.is_some() {
                return Err(InputError::new("rotationSeed", "rotates a spectrum; a covariance is used as given"));
            }
            GeneralProblem::from_covariance(square_matrix("covariance", &covariance)?, schedule, final_time)?
        }
        _ => return Err(InputError::new("eigenvalues", "give either eigenvalues or a covariance")),
    };
    let dimension = problem.dimension();
    input::check_sample_size(request.n, dimension)?;
    let points = request.points.unwrap_or(DEFAULT_POINTS);
    input::check_points(points, dimension)?;
    let (u, c) = (request.u.unwrap_or(3.0), request.c.unwrap_or(1.0));
    if !(u.is_finite() && u > 0.0) {
        return Err(InputError::new("u", format!("must be a number above 0, got {u}")));
    }
    if !(c.is_finite() && c > 0.0) {
        return Err(InputError::new("c", format!("must be a number above 0, got {c}")));
    }
    let dims = request.dims.unwrap_or_else(|| default_dims(dimension, points));
    if let Some(i) = dims.iter().position(|&d| !(1..=dimension).contains(&d)) {
        return Err(InputError::new(
            format!("dims[{i}]"),
            format!("must be from 1 to D = {dimension}, got {}", dims[i]),
        ));
    }
    let work = matrix_work(points, &dims);
    if work > MAX_MATRIX_WORK {
        return Err(InputError::new(
            "dims",
            format!(
                "points × Σ d³ = {work:.2e} is over the limit of {MAX_MATRIX_WORK:.0e}; ask for fewer dims or points"
            ),
        ));
    }
    let settings = GeneralSettings { n: request.n, seed: request.seed, points, u, c, dims };
    Ok(GeneralAnswer::compute(problem, settings))
}

/// Prop 7: d estimated components are optimal on [lower[d-1], upper[d-1]] with probability
/// 1 − 2e^−u; NaN where a square root is undefined (n too small).
#[derive(Serialize, Tsify)]
pub struct HighProbability<'a> {
    #[serde(serialize_with = "js::floats_or_nan")]
    #[tsify(type = "Float64Array")]
    pub lower: &'a [Option<f64>],
    #[serde(serialize_with = "js::floats_or_nan")]
    #[tsify(type = "Float64Array")]
    pub upper: &'a [Option<f64>],
}

/// Props 6–7 for one covariance.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct GeneralGaussian<'a> {
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub t: &'a [f64],
    /// σk² (descending) and the PCA's σ̂k² from n seeded samples.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub eigenvalues: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub estimated_eigenvalues: &'a [f64],
    /// fd2[i][j]: dF² at t_j with the estimated basis and plug-in score, latent dimension dims[i].
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub dims: &'a [usize],
    #[serde(serialize_with = "js::float_rows")]
    #[tsify(type = "Float64Array[]")]
    pub fd2: &'a [Vec<f64>],
    /// fd2Exact[d-1][j]: the exact eigenbasis and score (Prop 6), every d.
    #[serde(serialize_with = "js::rows")]
    #[tsify(type = "Float64Array[]")]
    pub fd2_exact: Rows<'a>,
    /// Prop 6's t_1 = 0, t_2 … t_D, t_{D+1} = T.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub switch_times: &'a [f64],
    pub high_probability: HighProbability<'a>,
    /// The d of least fd2Exact at each t_j (Prop 6's partition).
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub best_dim: &'a [u32],
}

impl<'a> GeneralGaussian<'a> {
    pub fn of(a: &'a GeneralAnswer) -> Self {
        GeneralGaussian {
            t: &a.t,
            eigenvalues: &a.eigenvalues,
            estimated_eigenvalues: &a.estimated_eigenvalues,
            dims: &a.dims,
            fd2: &a.fd2,
            fd2_exact: Rows::of(&a.fd2_exact),
            switch_times: &a.switch_times,
            high_probability: HighProbability { lower: &a.windows.lower, upper: &a.windows.upper },
            best_dim: &a.fd2_exact.best_dim,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theory::schedule::Schedule;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn general_answers_are_the_same_for_a_spectrum_and_its_rotated_covariance() {
        let eigenvalues = vec![1.0, 0.5, 0.2, 0.05, 0.01];
        let problem = GeneralProblem::from_spectrum(&eigenvalues, Some(8), Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
        let request = |eigenvalues: Option<Vec<f64>>, covariance: Option<Vec<f64>>| GeneralRequest {
            eigenvalues,
            covariance,
            n: 300,
            seed: 4,
            points: Some(17),
            ..GeneralRequest::default()
        };
        let spectral = general_answer(request(Some(eigenvalues), None)).unwrap();
        let rotated = problem.covariance.transpose().as_slice().to_vec();
        let covariance = general_answer(request(None, Some(rotated))).unwrap();
        let close = |a: &[f64], b: &[f64]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-9);
        assert!(close(&spectral.estimated_eigenvalues, &covariance.estimated_eigenvalues));
        for (a, b) in spectral.fd2.iter().zip(&covariance.fd2) {
            assert!(close(a, b), "{a:?} vs {b:?}");
        }
        // And the eigenbasis shortcut gives the curves of the explicit basis Ô = O V.
        let (estimated, basis) = problem.pca(300, 4);
        let explicit = crate::theory::general::projected_curves(&problem, &basis, &estimated, &spectral.dims, 17);
        for (a, b) in spectral.fd2.iter().zip(&explicit) {
            assert!(close(a, b), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn default_dims_are_every_d_when_quick_else_powers_of_two() {
        assert_eq!(default_dims(20, 256), (1..=20).collect::<Vec<_>>());
        assert_eq!(default_dims(256, 256), [1, 2, 4, 8, 16, 32, 64]);
        assert_eq!(default_dims(1, 16384), [1]);
    }

    // Natively: in wasm the typed arrays are JS objects, which only serde-wasm-bindgen serialises
    // (the Node tests check the same shapes there).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_general_answer_reaches_javascript_with_nan_for_undefined_windows() {
        let answer = general_answer(GeneralRequest {
            eigenvalues: Some(vec![1.0, 0.5]),
            n: 3,
            seed: 1,
            points: Some(5),
            ..GeneralRequest::default()
        })
        .unwrap();
        let json = serde_json::to_value(GeneralGaussian::of(&answer)).unwrap();
        assert_eq!(json["fd2Exact"].as_array().unwrap().len(), 2);
        assert_eq!(json["highProbability"]["lower"].as_array().unwrap().len(), 2);
        assert_eq!(json["bestDim"].as_array().unwrap().len(), 5);
    }
}

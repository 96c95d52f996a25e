//! Any covariance (the paper's Section 6, Props 6–7): the Fréchet distance between any two Gaussians, a
//! covariance from a spectrum and a seeded rotation, the sample covariance and its PCA, and the
//! stopping-time curves of the PCA-projected process with the exact or the estimated eigenbasis.

use nalgebra::DMatrix;
use rand_distr::{Distribution, StandardNormal};

use crate::input::limits::MAX_DIMENSION;
use crate::input::{self, InputError};
use crate::numeric::eigen::SymmetricEigenvalues;
use crate::numeric::linalg::{
    descending_order, psd_sqrt, second_moment, sorted, sorted_leading_eigen, sum_of_roots, symmetric_part,
    trace_of_root,
};
use crate::numeric::random::seeded_rng;
use crate::theory::diagonal::{CurveTable, DiagonalProblem, backward_times, stopping_curves, switch_times};
use crate::theory::schedule::Schedule;

/// Round-off allowance of a covariance, relative to its largest entry (symmetry) or eigenvalue
/// (positive semi-definiteness): a matrix off by more is rejected; eigenvalues of a product that
/// fall below zero by round-off are clamped to zero before their square roots are taken.
pub const COVARIANCE_TOLERANCE: f64 = 1e-9;

/// A `dimension × dimension` matrix from row-major values.
pub fn square_matrix(field: &str, values: &[f64]) -> Result<DMatrix<f64>, InputError> {
    let dimension = (values.len() as f64).sqrt().round() as usize;
    if values.is_empty() || dimension * dimension != values.len() {
        return Err(InputError::new(
            field,
            format!("must hold D × D values in row-major order, got {} values", values.len()),
        ));
    }
    if dimension > MAX_DIMENSION {
        return Err(InputError::new(field, format!("D = {dimension} is over the limit of {}", MAX_DIMENSION)));
    }
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(InputError::new(format!("{field}[{i}]"), format!("must be a finite number, got {}", values[i])));
    }
    Ok(DMatrix::from_row_slice(dimension, dimension, values))
}

/// Checks that a matrix is a covariance: symmetric and positive semi-definite, up to round-off.
pub fn check_covariance(field: &str, matrix: &DMatrix<f64>) -> Result<(), InputError> {
    check_symmetric(field, matrix)?;
    check_positive_semi_definite(field, matrix, symmetric_part(matrix).symmetric_eigenvalues().min())
}

/// [`check_covariance`] and [`sorted_eigen`](crate::numeric::linalg::sorted_eigen) from one
/// eigendecomposition.
pub fn covariance_eigen(field: &str, matrix: &DMatrix<f64>) -> Result<(Vec<f64>, DMatrix<f64>), InputError> {
    check_symmetric(field, matrix)?;
    let eigen = symmetric_part(matrix).symmetric_eigen();
    check_positive_semi_definite(field, matrix, eigen.eigenvalues.min())?;
    Ok(sorted(eigen))
}

fn check_symmetric(field: &str, matrix: &DMatrix<f64>) -> Result<(), InputError> {
    let scale = matrix.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    let dimension = matrix.nrows();
    for i in 0..dimension {
        for j in 0..i {
            if (matrix[(i, j)] - matrix[(j, i)]).abs() > COVARIANCE_TOLERANCE * scale {
                return Err(InputError::new(
                    field,
                    format!(
                        "is not symmetric: entry ({}, {}) = {} but ({}, {}) = {}",
                        i + 1,
                        j + 1,
                        matrix[(i, j)],
                        j + 1,
                        i + 1,
                        matrix[(j, i)]
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_positive_semi_definite(field: &str, matrix: &DMatrix<f64>, smallest: f64) -> Result<(), InputError> {
    let largest = matrix.diagonal().max().max(0.0);
    if smallest < -COVARIANCE_TOLERANCE * largest.max(f64::MIN_POSITIVE) {
        return Err(InputError::new(
            field,
            format!("is not positive semi-definite: its smallest eigenvalue is {smallest:.3e}"),
        ));
    }
    Ok(())
}

/// `tr((A^{1/2} B A^{1/2})^{1/2})` for covariances `A` (given by its square root) and `B`.
pub fn root_trace(sqrt_a: &DMatrix<f64>, b: &DMatrix<f64>) -> f64 {
    trace_of_root(&(sqrt_a * b * sqrt_a))
}

/// `dF²(N(μ1, Σ1), N(μ2, Σ2)) = |μ1 − μ2|² + tr(Σ1 + Σ2 − 2 (Σ2^{1/2} Σ1 Σ2^{1/2})^{1/2})` (eq. 6),
/// floored at zero (round-off can leave `−1e−16` for equal inputs).
pub fn frechet_distance2(mean1: &[f64], cov1: &DMatrix<f64>, mean2: &[f64], cov2: &DMatrix<f64>) -> f64 {
    frechet_with_root(mean1, cov1, mean2, cov2, &psd_sqrt(cov2))
}

/// [`frechet_distance2`] with `Σ2^{1/2}` already known.
pub fn frechet_with_root(
    mean1: &[f64],
    cov1: &DMatrix<f64>,
    mean2: &[f64],
    cov2: &DMatrix<f64>,
    sqrt_cov2: &DMatrix<f64>,
) -> f64 {
    let means: f64 = mean1.iter().zip(mean2).map(|(a, b)| (a - b).powi(2)).sum();
    let traces = cov1.trace() + cov2.trace();
    (means + traces - 2.0 * root_trace(sqrt_cov2, cov1)).max(0.0)
}

/// A Haar-distributed rotation: the Q of a seeded Gaussian matrix's QR, its columns' signs fixed by
/// R's diagonal (without that fix the distribution is not uniform).
pub fn haar_rotation(dimension: usize, seed: u64) -> DMatrix<f64> {
    let mut rng = seeded_rng(seed);
    let gaussian = DMatrix::from_fn(dimension, dimension, |_, _| StandardNormal.sample(&mut rng));
    let qr = gaussian.qr();
    let (mut q, r) = (qr.q(), qr.r());
    for j in 0..dimension {
        if r[(j, j)] < 0.0 {
            q.column_mut(j).neg_mut();
        }
    }
    q
}

/// Data `N(0, Σ)` in `R^D` with its eigendecomposition, a schedule and a final time.
#[derive(Clone, Debug)]
pub struct GeneralProblem {
    pub covariance: DMatrix<f64>,
    /// `σk²`, descending.
    pub eigenvalues: Vec<f64>,
    /// `O`: the eigenvectors, as columns in the order of `eigenvalues`.
    pub eigenvectors: DMatrix<f64>,
    pub schedule: Schedule,
    pub final_time: f64,
}

impl GeneralProblem {
    pub fn from_covariance(covariance: DMatrix<f64>, schedule: Schedule, final_time: f64) -> Result<Self, InputError> {
        let (eigenvalues, eigenvectors) = covariance_eigen("covariance", &covariance)?;
        schedule.check_final_time(final_time)?;
        Ok(GeneralProblem { covariance, eigenvalues, eigenvectors, schedule, final_time })
    }

    /// `Σ = O diag(eigenvalues) Oᵀ` with `O` a seeded Haar rotation, or `O = I` without a seed.
    pub fn from_spectrum(
        eigenvalues: &[f64],
        rotation_seed: Option<u64>,
        schedule: Schedule,
        final_time: f64,
    ) -> Result<Self, InputError> {
        input::check_variances("eigenvalues", eigenvalues)?;
        schedule.check_final_time(final_time)?;
        let dimension = eigenvalues.len();
        // The eigendecomposition is known: sort the spectrum and the rotation's columns with it.
        let order = descending_order(eigenvalues);
        let sorted: Vec<f64> = order.iter().map(|&k| eigenvalues[k]).collect();
        let Some(seed) = rotation_seed else {
            // O = I: Σ is the diagonal, exactly what the product below would give at D³ cost.
            let covariance = DMatrix::from_diagonal(&sorted.clone().into());
            let eigenvectors = DMatrix::identity(dimension, dimension);
            return Ok(GeneralProblem { covariance, eigenvalues: sorted, eigenvectors, schedule, final_time });
        };
        let rotation = haar_rotation(dimension, seed);
        let eigenvectors = DMatrix::from_fn(dimension, dimension, |i, j| rotation[(i, order[j])]);
        let scaled = DMatrix::from_fn(dimension, dimension, |i, j| eigenvectors[(i, j)] * sorted[j]);
        let covariance = symmetric_part(&(scaled * eigenvectors.transpose()));
        Ok(GeneralProblem { covariance, eigenvalues: sorted, eigenvectors, schedule, final_time })
    }

    pub fn dimension(&self) -> usize {
        self.eigenvalues.len()
    }

    /// `n` seeded samples `X_i = O Λ^{1/2} z_i` as the rows of an `n × D` matrix.
    pub fn samples(&self, n: usize, seed: u64) -> DMatrix<f64> {
        let scaled = self.samples_in_eigenbasis(n, seed);
        DMatrix::from_row_slice(n, self.dimension(), &scaled) * self.eigenvectors.transpose()
    }

    /// The same samples in the eigenbasis, `Λ^{1/2} z_i`, one after another (row-major `n × D`),
    /// in the order of the draws.
    fn samples_in_eigenbasis(&self, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = seeded_rng(seed);
        let roots: Vec<f64> = self.eigenvalues.iter().map(|s2| s2.sqrt()).collect();
        let mut scaled = Vec::with_capacity(n * roots.len());
        for _ in 0..n {
            scaled.extend(roots.iter().map(|root| {
                let z: f64 = StandardNormal.sample(&mut rng);
                root * z
            }));
        }
        scaled
    }

    /// `Σ̂ = (1/n) Σ_i X_i X_iᵀ` of `n` seeded samples (known zero mean, as in the paper's Section 3).
    pub fn sample_covariance(&self, n: usize, seed: u64) -> DMatrix<f64> {
        let samples = self.samples(n, seed);
        samples.transpose() * &samples / n as f64
    }

    /// The PCA of `n` seeded samples: `σ̂k²` descending and `Ô`'s columns. Computed in the
    /// eigenbasis (`Σ̂ = O W Oᵀ` with `W` the eigenbasis samples' second moment), which saves a
    /// rotation of the samples and gives the same `Σ̂`.
    pub fn pca(&self, n: usize, seed: u64) -> (Vec<f64>, DMatrix<f64>) {
        let (values, vectors) = self.pca_in_eigenbasis(n, seed, self.dimension());
        (values, &self.eigenvectors * vectors)
    }

    /// The same PCA with the eigenvectors `V` of its leading `count` components in the eigenbasis
    /// (`Ô = O V`): all the curves need, since `Ôᵀ Σ Ô = Vᵀ Λ V` and they read its block of the
    /// largest `d` asked for. Nothing here depends on `O`: Props 6–7 are rotation invariant.
    pub fn pca_in_eigenbasis(&self, n: usize, seed: u64, count: usize) -> (Vec<f64>, DMatrix<f64>) {
        sorted_leading_eigen(&second_moment(&self.samples_in_eigenbasis(n, seed), self.dimension()), count)
    }

    /// The diagonal problem of the eigenvalues with the exact score (Prop 6's setting).
    pub fn spectral_problem(&self) -> DiagonalProblem {
        DiagonalProblem::new(self.eigenvalues.clone(), None, self.schedule, self.final_time)
            .expect("eigenvalues of a checked covariance are valid variances")
    }

    /// Prop 6: the switch times `t_1 = 0, t_2 … t_D, t_{D+1} = T` from the eigenvalues.
    pub fn switch_times(&self) -> Vec<f64> {
        switch_times(&self.spectral_problem())
    }
}

/// `dF²(t, d)` of the PCA-projected process against the data, for the latent dimensions `dims`
/// (rows, 1-based) at `points` backward times: the process runs in the span of the first `d`
/// columns of `basis` with a score fitted to the variances `fitted`, so its decoded law is
/// `G = B_d diag(a² + b² fitted) B_dᵀ`, and
/// `dF² = tr Σ + tr G − 2 tr((D^{1/2} B_dᵀ Σ B_d D^{1/2})^{1/2})` (the non-zero eigenvalues of
/// `Σ^{1/2} G Σ^{1/2}` are those of the `d × d` matrix). Cost: `points × Σ_d d³`.
pub fn projected_curves(
    problem: &GeneralProblem,
    basis: &DMatrix<f64>,
    fitted: &[f64],
    dims: &[usize],
    points: usize,
) -> Vec<Vec<f64>> {
    curves_of_projection(problem, &(basis.transpose() * &problem.covariance * basis), fitted, dims, points)
}

/// [`projected_curves`] from `C = Bᵀ Σ B` (the data's covariance in the basis) or its leading block,
/// as wide as the largest of `dims`.
pub fn curves_of_projection(
    problem: &GeneralProblem,
    projected: &DMatrix<f64>,
    fitted: &[f64],
    dims: &[usize],
    points: usize,
) -> Vec<Vec<f64>> {
    let data_trace: f64 = problem.eigenvalues.iter().sum();
    let times = backward_times(problem.final_time, points);
    let schedule = &problem.schedule;
    dims.iter()
        .map(|&d| {
            let block = symmetric_part(&projected.view((0, 0), (d, d)).into_owned());
            // A d × d eigenvalue problem per time: Householder and root-free QL with reused storage.
            let mut solver = SymmetricEigenvalues::new(d);
            let mut roots = vec![0.0; d];
            times
                .iter()
                .map(|&t| {
                    let tau = problem.final_time - t;
                    let (a2, b2) = (schedule.a2(tau), schedule.b2(tau));
                    roots.iter_mut().zip(fitted).for_each(|(root, &s)| *root = (a2 + b2 * s).sqrt());
                    let generated_trace: f64 = roots.iter().map(|r| r * r).sum();
                    let eigenvalues = solver.eigenvalues(|i, j| roots[i] * block[(i, j)] * roots[j]);
                    (data_trace + generated_trace - 2.0 * sum_of_roots(eigenvalues)).max(0.0)
                })
                .collect()
        })
        .collect()
}

/// Prop 7's high-probability window of each `d`: `[T̂_d(u), t̂_{d+1}(u)]` from the estimated
/// eigenvalues, with `ε_u = (8c/3)(sqrt((D+u)/n) + (D+u)/n)` and `S = Σ_k max(σk, σk²)`. `None`
/// where a square root's argument is negative (n too small for that `d`).
#[derive(Clone, Debug, PartialEq)]
pub struct HighProbabilityWindows {
    pub lower: Vec<Option<f64>>,
    pub upper: Vec<Option<f64>>,
}

pub fn high_probability_windows(
    problem: &GeneralProblem,
    estimated: &[f64],
    n: usize,
    u: f64,
    c: f64,
) -> HighProbabilityWindows {
    let dimension = problem.dimension();
    let ratio = (dimension as f64 + u) / n as f64;
    let epsilon = (8.0 * c / 3.0) * (ratio.sqrt() + ratio);
    let spread: f64 = problem.eigenvalues.iter().map(|&s2| s2.sqrt().max(s2)).sum::<f64>() * 4.0 * epsilon;
    let (schedule, final_time) = (&problem.schedule, problem.final_time);
    // T − ā⁻²((σ̂² ± 4Sε + 2σ̂ sqrt(σ̂² ± 4Sε)) / (1 − σ̂²)_+), undefined when σ̂² ± 4Sε < 0.
    let bound = |s2: f64, shift: f64| -> Option<f64> {
        let inner = s2 + shift;
        if inner < 0.0 {
            return None;
        }
        let denominator = 1.0 - s2;
        let threshold =
            if denominator > 0.0 { (inner + 2.0 * s2.sqrt() * inner.sqrt()) / denominator } else { f64::INFINITY };
        Some(final_time - schedule.extended_inverse_a2(threshold, final_time))
    };
    let lower = (0..dimension).map(|k| if k == 0 { Some(0.0) } else { bound(estimated[k], -spread) }).collect();
    let upper = (0..dimension)
        .map(|k| if k + 1 == dimension { Some(final_time) } else { bound(estimated[k + 1], spread) })
        .collect();
    HighProbabilityWindows { lower, upper }
}

/// Props 6–7 for one covariance: the curves with the PCA of `n` seeded samples (estimated basis,
/// plug-in score) for some latent dimensions, with the exact eigenbasis for every `d`, Prop 6's
/// switch times and Prop 7's windows. What `generalGaussian` answers.
#[derive(Clone, Debug)]
pub struct GeneralAnswer {
    pub t: Vec<f64>,
    pub eigenvalues: Vec<f64>,
    pub estimated_eigenvalues: Vec<f64>,
    /// The estimated-basis curves of `dims`, one row each.
    pub dims: Vec<usize>,
    pub fd2: Vec<Vec<f64>>,
    /// Every `d` with the exact eigenbasis and score (Prop 6).
    pub fd2_exact: CurveTable,
    pub switch_times: Vec<f64>,
    pub windows: HighProbabilityWindows,
}

/// The sampling and the grid of a [`GeneralAnswer`], checked by the caller.
#[derive(Clone, Debug)]
pub struct GeneralSettings {
    /// Samples of the PCA, and their seed.
    pub n: usize,
    pub seed: u64,
    pub points: usize,
    /// Prop 7's confidence parameter and constant.
    pub u: f64,
    pub c: f64,
    pub dims: Vec<usize>,
}

impl GeneralAnswer {
    pub fn compute(problem: GeneralProblem, settings: GeneralSettings) -> GeneralAnswer {
        let GeneralSettings { n, seed, points, u, c, dims } = settings;
        let dimension = problem.dimension();
        // Ôᵀ Σ Ô = Vᵀ Λ V, of which the curves read the block of the largest d asked for.
        let used = dims.iter().copied().max().unwrap_or(0);
        let (estimated, leading) = problem.pca_in_eigenbasis(n, seed, used);
        let scaled = DMatrix::from_fn(dimension, used, |i, j| problem.eigenvalues[i] * leading[(i, j)]);
        let projected = leading.transpose() * &scaled;
        GeneralAnswer {
            t: backward_times(problem.final_time, points),
            fd2: curves_of_projection(&problem, &projected, &estimated, &dims, points),
            fd2_exact: stopping_curves(&problem.spectral_problem(), points),
            switch_times: problem.switch_times(),
            windows: high_probability_windows(&problem, &estimated, n, u, c),
            eigenvalues: problem.eigenvalues,
            estimated_eigenvalues: estimated,
            dims,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn a_haar_rotation_is_orthogonal_and_seeded() {
        let q = haar_rotation(5, 3);
        assert!((q.transpose() * &q - DMatrix::identity(5, 5)).amax() < 1e-13);
        assert_eq!(q, haar_rotation(5, 3));
        assert_ne!(q, haar_rotation(5, 4));
    }

    #[test]
    fn covariances_are_checked_with_their_field() {
        let bad = |values: &[f64]| {
            square_matrix("covariance", values).and_then(|m| check_covariance("covariance", &m)).unwrap_err()
        };
        assert!(bad(&[1.0, 2.0, 3.0]).message.contains("D × D"));
        assert!(bad(&[1.0, 0.5, 0.4, 1.0]).message.contains("not symmetric"));
        assert!(bad(&[1.0, 2.0, 2.0, 1.0]).message.contains("not positive semi-definite"));
        assert_eq!(bad(&[1.0, f64::NAN, 0.0, 1.0]).field, "covariance[1]");
        // Round-off below the tolerance passes.
        let m = square_matrix("covariance", &[1.0, 1.0, 1.0 + 1e-14, 1.0]).unwrap();
        assert!(check_covariance("covariance", &m).is_ok());
    }

    #[test]
    fn the_exact_basis_gives_the_diagonal_curves() {
        // With B = O and fitted = eigenvalues, G and Σ commute: the matrix formula must equal the
        // diagonal closed form (the paper's eq. (6)) on the eigenvalues.
        let problem =
            GeneralProblem::from_spectrum(&[1.0, 0.5, 0.2, 0.05], Some(7), Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
        let matrix = projected_curves(&problem, &problem.eigenvectors, &problem.eigenvalues, &[1, 2, 3, 4], 9);
        let diagonal = crate::theory::diagonal::stopping_curves(&problem.spectral_problem(), 9);
        for d in 1..=4 {
            for (i, (&m, &e)) in matrix[d - 1].iter().zip(diagonal.row(d)).enumerate() {
                assert!((m - e).abs() < 1e-12, "d = {d}, i = {i}: {m} vs {e}");
            }
        }
    }
}

//! Sample-based distances between generated images and a reference set (the held-out images),
//! beside the Fréchet distance, as the paper's slides report them: the sliced Wasserstein distance
//! and the maximum mean discrepancy. Both are computed on samples, so both are simulated.
//!
//! Everything is in the training PCA's basis, an orthonormal change of pixel coordinates that
//! keeps every distance between images; a generated latent of `d` coordinates is zero beyond them.

use nalgebra::DMatrix;
use rand_distr::{Distribution, StandardNormal};

use crate::numeric::random::seeded_rng;

/// Random directions of the sliced Wasserstein distance, drawn once from a fixed seed.
pub const SLICES: usize = 64;
const SLICE_SEED: u64 = 7_919;
/// Images of each side the MMD compares (its cost is quadratic in them).
pub const MMD_SAMPLES: usize = 256;

/// The reference images, prepared for both distances.
#[derive(Clone, Debug)]
pub struct SampleMetrics {
    /// `P × SLICES` unit directions.
    directions: DMatrix<f64>,
    /// The reference's projections on each direction, ascending.
    sorted_projections: Vec<Vec<f64>>,
    /// Up to [`MMD_SAMPLES`] reference images (`k × P`) and their squared norms.
    kernel_reference: DMatrix<f64>,
    reference_norms: Vec<f64>,
    /// The kernel's `2ℓ²`, `ℓ` the median distance between reference images.
    pub two_bandwidth2: f64,
    /// The mean kernel value between distinct reference images.
    reference_term: f64,
}

impl SampleMetrics {
    /// The reference images' coordinates are `centred · basis` (`m × P` pixels, minus the training
    /// mean; the PCA's components as columns): only their projections and the MMD's first rows are
    /// formed, not all `m × P` coordinates.
    pub fn new(centred: &DMatrix<f64>, basis: &DMatrix<f64>) -> SampleMetrics {
        let p = basis.ncols();
        let mut rng = seeded_rng(SLICE_SEED);
        let mut directions = DMatrix::from_fn(p, SLICES, |_, _| StandardNormal.sample(&mut rng));
        for mut column in directions.column_iter_mut() {
            let norm = column.norm();
            column /= norm;
        }
        let projections = centred * (basis * &directions);
        let sorted_projections = projections.column_iter().map(|c| sorted(c.iter().copied())).collect();
        let k = centred.nrows().min(MMD_SAMPLES);
        let kernel_reference = centred.rows(0, k) * basis;
        let reference_norms: Vec<f64> = kernel_reference.row_iter().map(|r| r.norm_squared()).collect();
        let gram = &kernel_reference * kernel_reference.transpose();
        let squared = |i: usize, j: usize| (reference_norms[i] + reference_norms[j] - 2.0 * gram[(i, j)]).max(0.0);
        let mut pairs: Vec<f64> =
            (0..k).flat_map(|i| (0..i).map(move |j| (i, j))).map(|(i, j)| squared(i, j)).collect();
        pairs.sort_by(f64::total_cmp);
        let two_bandwidth2 = 2.0 * pairs.get(pairs.len() / 2).copied().unwrap_or(1.0).max(f64::MIN_POSITIVE);
        let reference_term =
            pairs.iter().map(|r2| (-r2 / two_bandwidth2).exp()).sum::<f64>() * 2.0 / (k * (k - 1)).max(1) as f64;
        SampleMetrics {
            directions,
            sorted_projections,
            kernel_reference,
            reference_norms,
            two_bandwidth2,
            reference_term,
        }
    }

    /// The sliced Wasserstein distance², `SW₂²`: the mean over the directions of the squared 1-D
    /// Wasserstein distance between the projected samples (`n × d`, row-major) and reference.
    pub fn sliced_w2(&self, samples: &[f64], d: usize) -> f64 {
        let n = samples.len() / d;
        let rows = DMatrix::from_row_slice(n, d, samples);
        let projections = rows * self.directions.rows(0, d);
        projections
            .column_iter()
            .zip(&self.sorted_projections)
            .map(|(column, reference)| wasserstein2_1d(&sorted(column.iter().copied()), reference))
            .sum::<f64>()
            / SLICES as f64
    }

    /// The unbiased squared maximum mean discrepancy with the Gaussian kernel
    /// `exp(−|x − y|²/(2ℓ²))`, between up to [`MMD_SAMPLES`] samples and as many reference images.
    pub fn mmd2(&self, samples: &[f64], d: usize) -> f64 {
        let n = (samples.len() / d).min(MMD_SAMPLES);
        let rows = DMatrix::from_row_slice(n, d, &samples[..n * d]);
        let norms: Vec<f64> = rows.row_iter().map(|r| r.norm_squared()).collect();
        let kernel = |r2: f64| (-r2.max(0.0) / self.two_bandwidth2).exp();
        let gram = &rows * rows.transpose();
        let within: f64 = (0..n)
            .flat_map(|i| (0..i).map(move |j| (i, j)))
            .map(|(i, j)| kernel(norms[i] + norms[j] - 2.0 * gram[(i, j)]))
            .sum();
        let cross_products = &rows * self.kernel_reference.columns(0, d).transpose();
        let k = self.kernel_reference.nrows();
        let across: f64 = (0..n)
            .flat_map(|i| (0..k).map(move |j| (i, j)))
            .map(|(i, j)| kernel(norms[i] + self.reference_norms[j] - 2.0 * cross_products[(i, j)]))
            .sum();
        2.0 * within / (n * (n - 1)).max(1) as f64 + self.reference_term - 2.0 * across / (n * k) as f64
    }
}

fn sorted(values: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values
}

/// `W₂²` between two empirical laws on the line (ascending values, equal weights each): the integral
/// of the squared gap between their quantile functions, exact for the step functions.
pub fn wasserstein2_1d(a: &[f64], b: &[f64]) -> f64 {
    let (n, m) = (a.len(), b.len());
    let (mut i, mut j, mut from, mut total) = (0, 0, 0.0, 0.0);
    while i < n && j < m {
        // The next breakpoint is the smaller of (i + 1)/n and (j + 1)/m, compared exactly.
        let (left, right) = ((i + 1) * m, (j + 1) * n);
        let to = if left <= right { (i + 1) as f64 / n as f64 } else { (j + 1) as f64 / m as f64 };
        total += (to - from) * (a[i] - b[j]).powi(2);
        from = to;
        if left <= right {
            i += 1;
        }
        if right <= left {
            j += 1;
        }
    }
    total
}

//! Images the model never saw: a seeded split of a set into training and held-out images, and the
//! Fréchet distance of a generated latent law to the held-out images' Gaussian.
//!
//! The autoencoder (PCA) and the scores are fitted on the training images; the held-out images are
//! expressed in the training PCA's basis, where their mean `m` (relative to the training mean) and
//! covariance `S` are full: the two covariances no longer share a basis. A generated law decoded
//! from `d` latent coordinates is `N(μ, diag(G, 0))` in that basis (`G` its `d × d` latent
//! covariance, `μ` its latent mean), so eq. (6) needs only the `d × d` block of `S`:
//!
//! `dF² = |μ − m_{≤d}|² + |m_{>d}|² + tr G + tr S − 2 tr((G^{1/2} S_{≤d} G^{1/2})^{1/2})`,
//!
//! exact for the Gaussian score's law (`G` diagonal) and for the samples' empirical Gaussian.

use nalgebra::DMatrix;
use rand::seq::SliceRandom;

use crate::images::metrics::SampleMetrics;
use crate::images::set::{ImagePca, ImageSet, signal_covariance, to_signal};
use crate::input::InputError;
use crate::input::limits::MIN_IMAGES;
use crate::numeric::linalg::{mean_and_covariance, psd_sqrt, symmetric_part, trace_of_root};
use crate::numeric::random::seeded_rng;
use crate::theory::general::root_trace;

/// The seed of the split: one fixed shuffle, so that a link's `nTrain` always means the same images.
pub const SPLIT_SEED: u64 = 20_251_009;

/// The set's images in one seeded random order, cut after `training` of them.
pub fn split(set: &ImageSet, training: usize) -> Result<(ImageSet, ImageSet), InputError> {
    let count = set.count();
    if training < MIN_IMAGES || count - training.min(count) < MIN_IMAGES {
        return Err(InputError::new(
            "nTrain",
            format!(
                "must leave at least {MIN_IMAGES} images on each side: from {MIN_IMAGES} to {} for these {count}, got {training}",
                count.saturating_sub(MIN_IMAGES)
            ),
        ));
    }
    let mut order: Vec<usize> = (0..count).collect();
    order.shuffle(&mut seeded_rng(SPLIT_SEED));
    let part = |indices: &[usize]| ImageSet {
        width: set.width,
        height: set.height,
        intensities: indices.iter().flat_map(|&i| set.image(i).iter().copied()).collect(),
        labels: set.labels.as_ref().map(|labels| indices.iter().map(|&i| labels[i]).collect()),
    };
    Ok((part(&order[..training]), part(&order[training..])))
}

/// Held-out images in the training PCA's basis.
#[derive(Clone, Debug)]
pub struct HeldOut {
    pub count: usize,
    /// Their mean minus the training mean, in the basis (`P` values).
    pub mean: Vec<f64>,
    /// Their (1/m) covariance in the basis, `P × P`.
    pub covariance: DMatrix<f64>,
    /// The held-out images themselves, for the sample-based distances.
    pub metrics: SampleMetrics,
}

impl HeldOut {
    /// The mean and covariance are taken in pixels and then turned into the basis (`Uᵀ C U`, two
    /// products of size `P`), which costs less than expressing all `m` images in it first.
    pub fn new(pca: &ImagePca, held_out: &ImageSet) -> HeldOut {
        let (m, p) = (held_out.count(), pca.pixels());
        let centred = DMatrix::from_fn(m, p, |i, j| to_signal(held_out.intensities[i * p + j]) - pca.mean[j]);
        let pixel_mean: Vec<f64> = centred.row_mean().iter().copied().collect();
        let pixel_covariance = signal_covariance(held_out, &centred);
        let basis = &pca.components;
        let mean = (basis.transpose() * nalgebra::DVector::from_vec(pixel_mean)).iter().copied().collect();
        let covariance = symmetric_part(&(basis.transpose() * pixel_covariance * basis));
        HeldOut { count: m, mean, covariance, metrics: SampleMetrics::new(&centred, basis) }
    }

    /// `dF²` of a decoded latent law `N(latent_mean, latent_covariance)` on the first `d`
    /// coordinates (zero beyond) to the held-out images' Gaussian; `root` is `latent_covariance^{1/2}`.
    fn fd2_with_root(&self, latent_mean: &[f64], latent_covariance: &DMatrix<f64>, root: &DMatrix<f64>) -> f64 {
        let d = latent_mean.len();
        let means = self.mean_term(latent_mean);
        let block = self.covariance.view((0, 0), (d, d)).into_owned();
        (means + latent_covariance.trace() + self.covariance.trace() - 2.0 * root_trace(root, &block)).max(0.0)
    }

    /// `|μ − m|²` for a latent mean `μ` on the first coordinates (zero beyond).
    fn mean_term(&self, latent_mean: &[f64]) -> f64 {
        let d = latent_mean.len();
        latent_mean.iter().zip(&self.mean).map(|(a, b)| (a - b).powi(2)).sum::<f64>()
            + self.mean[d..].iter().map(|b| b * b).sum::<f64>()
    }

    /// [`HeldOut::fd2_with_root`] for any latent covariance (its root through an eigendecomposition).
    pub fn fd2(&self, latent_mean: &[f64], latent_covariance: &DMatrix<f64>) -> f64 {
        self.fd2_with_root(latent_mean, latent_covariance, &psd_sqrt(latent_covariance))
    }

    /// `dF²` of the Gaussian score's law, independent coordinates of variances `v`, mean zero: a
    /// diagonal covariance `G`, so `G^{1/2} S G^{1/2}` is `S` with its rows and columns scaled (no
    /// products of dense matrices), and one eigenvalue problem remains.
    pub fn law_fd2(&self, variances: &[f64]) -> f64 {
        let d = variances.len();
        let roots: Vec<f64> = variances.iter().map(|v| v.max(0.0).sqrt()).collect();
        let scaled = DMatrix::from_fn(d, d, |i, j| roots[i] * self.covariance[(i, j)] * roots[j]);
        let means = self.mean_term(&vec![0.0; d]);
        (means + variances.iter().sum::<f64>() + self.covariance.trace() - 2.0 * trace_of_root(&scaled)).max(0.0)
    }

    /// `dF²` of samples' empirical Gaussian (`n × d`, row-major; its mean and (1/n) covariance).
    /// With fewer samples than coordinates the covariance is `YᵀY` of rank `n` (`Y` the centred
    /// samples over `√n`), and the cross term's eigenvalues, those of `Σ^{1/2} S Σ^{1/2}`, are the
    /// `n × n` matrix `Y S Yᵀ`'s (`AB` and `BA` share their non-zero eigenvalues): one small
    /// eigenproblem instead of two of size `d`.
    pub fn samples_fd2(&self, samples: &[f64], d: usize) -> f64 {
        let n = samples.len() / d;
        if n >= d {
            let (mean, covariance) = mean_and_covariance(&DMatrix::from_row_slice(n, d, samples));
            return self.fd2(&mean, &covariance);
        }
        let mut centred = DMatrix::from_row_slice(n, d, samples);
        let mean: Vec<f64> = centred.row_mean().iter().copied().collect();
        for (mut column, m) in centred.column_iter_mut().zip(&mean) {
            column.add_scalar_mut(-m);
        }
        centred /= (n as f64).sqrt();
        let block = self.covariance.view((0, 0), (d, d));
        let cross = trace_of_root(&(&centred * block * centred.transpose()));
        (self.mean_term(&mean) + centred.norm_squared() + self.covariance.trace() - 2.0 * cross).max(0.0)
    }
}

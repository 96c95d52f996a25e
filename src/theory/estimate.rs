//! The plug-in variances `σ̂k² = (1/n) Σ_i X_ik²` of `n` seeded samples `X_i ~ N(0, diag σ²)`
//! (known zero mean, no centring, as in the paper's Section 3 and Prop 4).

use rand_distr::{Distribution, StandardNormal};

use crate::input::{self, InputError};
use crate::numeric::random::seeded_rng;

/// Draws `n` samples (one row of `D` standard normals each, scaled by `σk`) and returns the
/// plug-in variances.
pub fn estimate_variances(variances: &[f64], n: usize, seed: u64) -> Result<Vec<f64>, InputError> {
    input::check_variances("variances", variances)?;
    input::check_sample_size(n, variances.len())?;
    let mut rng = seeded_rng(seed);
    let mut sums = vec![0.0; variances.len()];
    for _ in 0..n {
        for sum in sums.iter_mut() {
            let z: f64 = StandardNormal.sample(&mut rng);
            *sum += z * z;
        }
    }
    Ok(sums.iter().zip(variances).map(|(sum, variance)| variance * sum / n as f64).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn estimates_are_seeded_and_consistent() {
        let variances = [4.0, 1.0, 0.25, 0.0];
        let a = estimate_variances(&variances, 20_000, 7).unwrap();
        assert_eq!(a, estimate_variances(&variances, 20_000, 7).unwrap());
        assert_ne!(a, estimate_variances(&variances, 20_000, 8).unwrap());
        assert_eq!(a[3], 0.0);
        // σ̂² / σ² ~ χ²_n / n has standard deviation sqrt(2/n) = 0.01: allow 5 of them.
        for k in 0..3 {
            assert!((a[k] / variances[k] - 1.0).abs() < 0.05, "{k}: {}", a[k]);
        }
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(estimate_variances(&[1.0], 0, 1).unwrap_err().field, "n");
        assert_eq!(estimate_variances(&[1.0, -2.0], 5, 1).unwrap_err().field, "variances[1]");
    }
}

//! Any covariance (Props 6–7): the Fréchet distance against closed forms and metric properties,
//! Prop 6's partition against brute force on a rotated covariance, and the estimated basis tending to
//! the exact one. Runs natively and as wasm in Chromium.

use ldm_explorer::numeric::linalg::sorted_eigen;
use ldm_explorer::theory::diagonal::backward_times;
use ldm_explorer::theory::general::{
    GeneralProblem, frechet_distance2, haar_rotation, high_probability_windows, projected_curves,
};
use ldm_explorer::theory::schedule::Schedule;
use nalgebra::DMatrix;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn diagonal(values: &[f64]) -> DMatrix<f64> {
    DMatrix::from_diagonal(&nalgebra::DVector::from_column_slice(values))
}

/// A seeded random covariance with eigenvalues spread over three decades.
fn random_covariance(dimension: usize, seed: u64) -> DMatrix<f64> {
    let q = haar_rotation(dimension, seed);
    let values: Vec<f64> =
        (0..dimension).map(|k| 10f64.powf(-3.0 * ((k as f64 * 0.37 + seed as f64 * 0.11) % 1.0))).collect();
    &q * diagonal(&values) * q.transpose()
}

const ZERO: [f64; 4] = [0.0; 4];

#[test]
fn commuting_covariances_give_the_coordinatewise_formula() {
    let (a, b) = ([2.0, 0.5, 0.1, 0.0], [1.0, 0.7, 0.3, 0.2]);
    let expected: f64 = a.iter().zip(&b).map(|(x, y): (&f64, &f64)| (x.sqrt() - y.sqrt()).powi(2)).sum();
    let q = haar_rotation(4, 9);
    // Commuting but not diagonal: the same rotation of both.
    let (ra, rb) = (&q * diagonal(&a) * q.transpose(), &q * diagonal(&b) * q.transpose());
    // A zero eigenvalue's square root amplifies round-off to about sqrt(1e-16): 1e-8.
    assert!((frechet_distance2(&ZERO, &ra, &ZERO, &rb) - expected).abs() < 1e-7);
    assert!((frechet_distance2(&ZERO, &diagonal(&a), &ZERO, &diagonal(&b)) - expected).abs() < 1e-14);
    let positive = [2.0, 0.5, 0.1, 0.01];
    let expected: f64 = positive.iter().zip(&b).map(|(x, y): (&f64, &f64)| (x.sqrt() - y.sqrt()).powi(2)).sum();
    let rp = &q * diagonal(&positive) * q.transpose();
    assert!((frechet_distance2(&ZERO, &rp, &ZERO, &rb) - expected).abs() < 1e-12);
}

#[test]
fn a_two_by_two_case_worked_by_hand() {
    // A = [[2, 1], [1, 2]] has eigenvalues 3 and 1, so tr(A^{1/2}) = √3 + 1 and
    // dF²(A, I) = tr A + 2 − 2(√3 + 1) = 4 − 2√3; the means add |(1, −1) − (0, 1)|² = 5.
    let a = DMatrix::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 2.0]);
    let identity = DMatrix::identity(2, 2);
    let expected = 4.0 - 2.0 * 3f64.sqrt();
    assert!((frechet_distance2(&[0.0, 0.0], &a, &[0.0, 0.0], &identity) - expected).abs() < 1e-14);
    assert!((frechet_distance2(&[1.0, -1.0], &a, &[0.0, 1.0], &identity) - (expected + 5.0)).abs() < 1e-14);
}

#[test]
fn scaling_and_rotation_laws_hold() {
    let (a, b) = (random_covariance(6, 1), random_covariance(6, 2));
    let zero = [0.0; 6];
    let base = frechet_distance2(&zero, &a, &zero, &b);
    assert!(base > 1e-3);
    // W2 is 1-homogeneous under x ↦ √c x: dF²(cA, cB) = c dF²(A, B).
    assert!((frechet_distance2(&zero, &(&a * 3.0), &zero, &(&b * 3.0)) - 3.0 * base).abs() < 1e-11);
    let q = haar_rotation(6, 5);
    let rotated = frechet_distance2(&zero, &(&q * &a * q.transpose()), &zero, &(&q * &b * q.transpose()));
    assert!((rotated - base).abs() < 1e-11);
}

#[test]
fn the_distance_is_a_metric_on_random_covariances() {
    let zero = [0.0; 5];
    for seed in 0..20 {
        let (a, b, c) =
            (random_covariance(5, seed), random_covariance(5, seed + 100), random_covariance(5, seed + 200));
        let d = |x: &DMatrix<f64>, y: &DMatrix<f64>| frechet_distance2(&zero, x, &zero, y);
        assert!(d(&a, &a) < 1e-12, "zero on equal inputs");
        assert!((d(&a, &b) - d(&b, &a)).abs() < 1e-11, "symmetric");
        assert!(d(&a, &c).sqrt() <= d(&a, &b).sqrt() + d(&b, &c).sqrt() + 1e-9, "triangle inequality");
    }
}

#[test]
fn prop_6_partitions_time_on_a_rotated_covariance() {
    let eigenvalues = [1.0, 0.6, 0.36, 0.216, 0.1296, 0.07776];
    let problem = GeneralProblem::from_spectrum(&eigenvalues, Some(11), Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
    assert!(problem.covariance[(0, 1)].abs() > 1e-3, "not diagonal");
    let points = 401;
    let dims: Vec<usize> = (1..=6).collect();
    let curves = projected_curves(&problem, &problem.eigenvectors, &problem.eigenvalues, &dims, points);
    let switch = problem.switch_times();
    for (i, &t) in backward_times(2.0, points).iter().enumerate() {
        let best = 1 + (0..6).min_by(|&a, &b| curves[a][i].total_cmp(&curves[b][i])).unwrap();
        // Prop 6: d is optimal on [t_d, t_{d+1}); away from the switch times the argmin agrees.
        if switch.iter().any(|&s| (s - t).abs() < 1e-3) {
            continue;
        }
        let expected = (1..=6).rev().find(|&d| switch[d - 1] <= t).unwrap();
        assert_eq!(best, expected, "t = {t}");
    }
}

#[test]
fn the_estimated_basis_tends_to_the_exact_one_as_n_grows() {
    let problem =
        GeneralProblem::from_spectrum(&[1.0, 0.5, 0.25, 0.1, 0.02], Some(3), Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
    let dims = [1, 2, 3, 4, 5];
    let exact = projected_curves(&problem, &problem.eigenvectors, &problem.eigenvalues, &dims, 33);
    let gap = |n: usize| {
        let (estimated, basis) = problem.pca(n, 1);
        if n == 100 {
            // The PCA in the eigenbasis is the PCA of the sample covariance itself.
            let (direct, _) = sorted_eigen(&problem.sample_covariance(n, 1));
            assert!(direct.iter().zip(&estimated).all(|(a, b)| (a - b).abs() < 1e-12), "{direct:?} {estimated:?}");
        }
        let curves = projected_curves(&problem, &basis, &estimated, &dims, 33);
        curves.iter().flatten().zip(exact.iter().flatten()).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max)
    };
    let gaps: Vec<f64> = [100, 1_000, 10_000, 100_000].iter().map(|&n| gap(n)).collect();
    assert!(gaps.windows(2).all(|w| w[1] < w[0]), "{gaps:?}");
    assert!(gaps[3] < 0.01, "{gaps:?}");
}

#[test]
fn prop_7_windows_tend_to_prop_2s_partition_and_flag_small_n() {
    let problem =
        GeneralProblem::from_spectrum(&[0.9, 0.3, 0.1, 0.03], Some(2), Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
    let switch = problem.switch_times();
    // ε_u → 0 as n → ∞: [T̂_d, t̂_{d+1}] → [t_d, t_{d+1}] with σ̂ = σ (ε_u ~ n^{-1/2}).
    let gap = |n: usize| {
        let windows = high_probability_windows(&problem, &problem.eigenvalues, n, 3.0, 1.0);
        (1..=4)
            .map(|d| {
                let lower = (windows.lower[d - 1].unwrap() - switch[d - 1]).abs();
                (windows.upper[d - 1].unwrap() - switch[d]).abs().max(lower)
            })
            .fold(0.0, f64::max)
    };
    let (coarse, fine) = (gap(1 << 24), gap(1 << 30));
    assert!(fine < coarse / 4.0 && fine < 5e-3, "{coarse} → {fine}");
    // With few samples the lower bound's square root is undefined for the small eigenvalues.
    let few = high_probability_windows(&problem, &problem.eigenvalues, 50, 3.0, 1.0);
    assert_eq!(few.lower[0], Some(0.0));
    assert_eq!(few.lower[3], None);
}

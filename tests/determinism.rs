//! Seeded draws are the same numbers natively and in the browser: the same test, with the same
//! expected bits (recorded from a native run), passes in both. A link's seed shows every reader the
//! same samples.

use ldm_explorer::sim::sampler::{Method, Sampler, Score, Start};
use ldm_explorer::theory::diagonal::DiagonalProblem;
use ldm_explorer::theory::estimate::estimate_variances;
use ldm_explorer::theory::schedule::Schedule;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn bits(values: &[f64]) -> Vec<u64> {
    values.iter().map(|v| v.to_bits()).collect()
}

#[test]
fn plug_in_variances_are_the_same_on_every_target() {
    let estimated = estimate_variances(&[1.0, 2.0, 0.5], 5000, 42).unwrap();
    assert_eq!(bits(&estimated), [4607356842895910040, 4611770203647882561, 4602620192458155467]);
}

#[test]
fn samples_are_the_same_on_every_target() {
    let problem = DiagonalProblem::new(vec![0.9, 0.3], None, Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
    let sampler =
        Sampler::new(problem, 2, 200, 1.9, Method::EulerMaruyama, Start::StandardNormal, Score::Exact).unwrap();
    let samples = sampler.sample(500, 7);
    let sum: f64 = samples.iter().sum();
    let squares: f64 = samples.iter().map(|v| v * v).sum();
    assert_eq!(bits(&[sum, squares]), [13854026052242384644, 4648926947306896117]);
    assert_eq!(
        bits(&samples[..4]),
        [13832463052971663821, 4598191340333367193, 4598581405516783991, 13817810303473327166]
    );
}

//! Discretised samplers against the continuous closed forms and against their own Monte Carlo.
//! Runs natively and as wasm in Chromium.

use ldm_explorer::numeric::ode::dormand_prince;
use ldm_explorer::sim::monte_carlo::empirical_fd2;
use ldm_explorer::sim::sampler::{Method, Sampler, Score, Start};
use ldm_explorer::theory::diagonal::DiagonalProblem;
use ldm_explorer::theory::schedule::Schedule;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const METHODS: [Method; 4] = [Method::EulerMaruyama, Method::Exponential, Method::FlowHeun, Method::FlowExact];

fn problem(schedule: &str) -> DiagonalProblem {
    let schedule = Schedule::from_name(schedule).unwrap();
    let final_time = if schedule == Schedule::OrnsteinUhlenbeck { 2.0 } else { 0.95 };
    DiagonalProblem::new(vec![0.9, 0.3, 0.05, 0.01], Some(vec![0.8, 0.33, 0.04, 0.012]), schedule, final_time).unwrap()
}

/// Largest error of the law's last variances against the continuous closed form.
fn law_error(sampler: &Sampler) -> f64 {
    let d = sampler.dimension;
    let law = sampler.law_variances();
    let last = &law[law.len() - d..];
    (0..d).map(|k| (last[k] - sampler.continuous_variance(k, sampler.stop_time)).abs()).fold(0.0, f64::max)
}

#[test]
fn the_law_converges_to_the_continuous_one_at_each_methods_order() {
    for schedule in ["ou", "vp-linear", "cosine"] {
        for method in METHODS {
            for start in [Start::Stationary, Start::StandardNormal] {
                let base = problem(schedule);
                let stop = 0.9 * base.final_time;
                let errors: Vec<f64> = [40, 80, 160, 320]
                    .iter()
                    .map(|&steps| {
                        law_error(&Sampler::new(base.clone(), 4, steps, stop, method, start, Score::PlugIn).unwrap())
                    })
                    .collect();
                let order = if method == Method::FlowHeun { 2.0 } else { 1.0 };
                for pair in errors.windows(2) {
                    let observed = (pair[0] / pair[1]).log2();
                    assert!(
                        (observed - order).abs() < 0.35,
                        "{schedule} {method:?} {start:?}: errors {errors:?}, observed order {observed}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_continuous_closed_form_matches_the_integrated_variance_equation() {
    for schedule in ["ou", "vp-linear", "cosine"] {
        let base = problem(schedule);
        for (method, start) in
            [(Method::EulerMaruyama, Start::StandardNormal), (Method::FlowExact, Start::StandardNormal)]
        {
            let sampler =
                Sampler::new(base.clone(), 4, 10, 0.9 * base.final_time, method, start, Score::PlugIn).unwrap();
            for k in 0..4 {
                let fitted = base.estimated[k];
                let s = base.schedule;
                let final_time = base.final_time;
                // dV/dt = 2w²(1 − 2m)V + 2w² (SDE) or 2w²(1 − m)V (flow), m = 1/(a² + b²σ̂²) at τ = T − t.
                let rhs = |t: f64, v: f64| {
                    let tau = final_time - t;
                    let (w2, m) = (s.w2(tau).unwrap(), 1.0 / (s.a2(tau) + s.b2(tau) * fitted));
                    if method == Method::FlowExact {
                        2.0 * w2 * (1.0 - m) * v
                    } else {
                        2.0 * w2 * (1.0 - 2.0 * m) * v + 2.0 * w2
                    }
                };
                let integrated = dormand_prince(rhs, 0.0, 1.0, sampler.stop_time, 1e-13);
                let closed = sampler.continuous_variance(k, sampler.stop_time);
                assert!(
                    (integrated - closed).abs() < 1e-8 * (1.0 + closed),
                    "{schedule} {method:?} k={k}: {integrated} vs {closed}"
                );
            }
        }
    }
}

#[test]
fn the_capped_law_converges_to_prop_5() {
    let base = problem("ou");
    let errors: Vec<f64> = [50, 100, 200]
        .iter()
        .map(|&steps| {
            law_error(
                &Sampler::new(
                    base.clone(),
                    4,
                    steps,
                    2.0,
                    Method::Exponential,
                    Start::StandardNormal,
                    Score::Capped(30.0),
                )
                .unwrap(),
            )
        })
        .collect();
    assert!(errors[2] < errors[1] && errors[1] < errors[0] && errors[2] < 0.02, "{errors:?}");
}

#[test]
fn monte_carlo_variances_agree_with_the_law_within_four_standard_errors() {
    let n = 4000;
    for method in METHODS {
        let sampler = Sampler::new(problem("ou"), 4, 50, 1.7, method, Start::Stationary, Score::PlugIn).unwrap();
        let law = sampler.law_variances();
        let last = &law[law.len() - 4..];
        let samples = sampler.sample(n, 11);
        for k in 0..4 {
            let estimate = (0..n).map(|i| samples[i * 4 + k].powi(2)).sum::<f64>() / n as f64;
            let standard_error = last[k] * (2.0 / n as f64).sqrt();
            assert!((estimate - last[k]).abs() < 4.0 * standard_error, "{method:?} k={k}: {estimate} vs {}", last[k]);
        }
        assert_eq!(samples, sampler.sample(n, 11), "seeded");
    }
}

#[test]
fn the_empirical_distance_approaches_the_laws() {
    let sampler =
        Sampler::new(problem("ou"), 3, 40, 1.5, Method::Exponential, Start::Stationary, Score::PlugIn).unwrap();
    let law = *sampler.law_fd2().last().unwrap();
    let samples = sampler.sample(20_000, 3);
    let empirical = empirical_fd2(&samples, 3, &sampler.problem.variances);
    // The plug-in estimate is biased by O(d/n) and fluctuates by O(1/sqrt(n)).
    assert!((empirical - law).abs() < 0.02, "{empirical} vs {law}");
}

#[test]
fn chunks_and_single_coordinates_reproduce_the_full_run() {
    let sampler =
        Sampler::new(problem("cosine"), 4, 30, 0.9, Method::EulerMaruyama, Start::Stationary, Score::PlugIn).unwrap();
    let full = sampler.sample(50, 9);
    // Samples 20..35 of coordinates 3 and 1, at the stop: rows of the full run, columns swapped.
    let chunk = sampler.record(9, 20..35, &[3, 1], &[30]);
    for (row, s) in (20..35).enumerate() {
        assert_eq!(chunk[row * 2], full[s * 4 + 3]);
        assert_eq!(chunk[row * 2 + 1], full[s * 4 + 1]);
    }
    // Several recorded steps in one pass: each equals a pass that records it alone.
    let recorded = sampler.record(9, 0..50, &[2], &[0, 12, 30]);
    assert_eq!(&recorded[100..150], &full.iter().skip(2).step_by(4).copied().collect::<Vec<_>>()[..]);
    assert_eq!(&recorded[50..100], &sampler.record(9, 0..50, &[2], &[12])[..]);
    assert_eq!(&recorded[..50], &sampler.record(9, 0..50, &[2], &[0])[..]);
}

#[test]
fn the_exact_law_lies_in_the_monte_carlo_band_of_repeated_runs() {
    use ldm_explorer::api::{MonteCarloRequest, SamplerRequest, monte_carlo_answer, sampler_law_answer};
    use ldm_explorer::sim::monte_carlo::MonteCarloBand;
    let sampler = SamplerRequest {
        variances: vec![0.9, 0.3, 0.05],
        estimated_variances: None,
        d: 3,
        final_time: None,
        schedule: None,
        steps: 40,
        stop_time: 2.0,
        method: Some("euler-maruyama".into()),
        start: None,
        score: None,
        cap: None,
        n: None,
        seed: None,
    };
    let (runs, checkpoints) = (40, 4);
    let mut values = Vec::new();
    let mut steps = Vec::new();
    for run in 0..runs {
        let answer =
            monte_carlo_answer(MonteCarloRequest { sampler: sampler.clone(), seed: 3, run, n: 1000, checkpoints })
                .unwrap();
        values.extend(answer.fd2);
        steps = answer.steps;
    }
    let band = MonteCarloBand::new(&values, checkpoints);
    let law = sampler_law_answer(sampler).unwrap();
    for (c, &step) in steps.iter().enumerate() {
        let exact = law.fd2[step];
        assert!(band.lower[c] <= exact && exact <= band.upper[c], "step {step}: {exact} outside {band:?}");
        // The mean of 40 runs: within 4 standard errors (band half-width / 1.96 / √runs), allowing
        // the empirical distance's O(d²/n) bias.
        let standard_error = (band.upper[c] - band.mean[c]) / 1.96 / (runs as f64).sqrt();
        assert!((band.mean[c] - exact).abs() < 4.0 * standard_error + 3.0 * 9.0 / 1000.0, "step {step}");
    }
}

/// Run to `T`, the last step ends where the score's coefficient is `1/σ̃²`: a zero variance
/// (Figure 4 right) or a tiny one (Figure 4 left's 1e−10) must leave every method's law and samples
/// finite, and a zero-variance coordinate must end near 0, as the continuous law does.
#[test]
fn every_method_stays_finite_at_t_with_zero_and_tiny_variances() {
    let cases: [(&[f64], Option<&[f64]>); 3] = [
        (&[10.0, 0.2, 0.2, 0.2, 0.0, 0.0], Some(&[9.7, 0.21, 0.19, 0.2, 0.0, 0.0])),
        (&[1.0, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10], None),
        (
            &[1.0, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10],
            Some(&[1.02, 0.58, 0.37, 0.21, 0.13, 0.08, 0.047, 1.1e-10, 0.9e-10]),
        ),
    ];
    for (variances, estimated) in cases {
        let problem =
            DiagonalProblem::new(variances.to_vec(), estimated.map(<[f64]>::to_vec), Schedule::OrnsteinUhlenbeck, 2.0)
                .unwrap();
        let score = if estimated.is_some() { Score::PlugIn } else { Score::Exact };
        let d = variances.len();
        for method in METHODS {
            for steps in [1, 2, 50, 1000] {
                let sampler = Sampler::new(problem.clone(), d, steps, 2.0, method, Start::Stationary, score).unwrap();
                let law = sampler.law_variances();
                assert!(law.iter().all(|v| v.is_finite() && *v >= 0.0), "{method:?}, {steps} steps: {law:?}");
                let samples = sampler.sample(64, 3);
                assert!(samples.iter().all(|v| v.is_finite()), "{method:?}, {steps} steps: samples");
                let fd2 = empirical_fd2(&samples, d, variances);
                assert!(fd2.is_finite(), "{method:?}, {steps} steps: empirical dF² {fd2}");
                if steps == 1000 {
                    // At 1000 steps the last variances are within 1% (plus 0.01 absolute) of the
                    // continuous law's, which is the fitted variance at T, 0 for a zero variance.
                    for k in 0..d {
                        let end = law[steps * d + k];
                        let continuous = sampler.continuous_variance(k, 2.0);
                        assert!(
                            (end - continuous).abs() < 1e-2 * (1.0 + continuous),
                            "{method:?} k = {k}: {end} against {continuous}"
                        );
                    }
                }
            }
        }
    }
}

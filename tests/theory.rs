//! The paper's results checked against independent computations. Runs natively (`cargo test`) and
//! as wasm in headless Chromium (`cargo test --target wasm32-unknown-unknown`).

use ldm_explorer::theory::capped::{CappedProblem, CappedVariance, capped_outcome};
use ldm_explorer::theory::diagonal::{DiagonalProblem, backward_times, prop1_sums, stopping_curves, switch_times};
use ldm_explorer::theory::estimate::estimate_variances;
use ldm_explorer::theory::schedule::Schedule;
use ldm_explorer::theory::verdicts::stopping_verdicts;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

const OU: Schedule = Schedule::OrnsteinUhlenbeck;

/// Figure 4 (left): Σ = Σ̂ = diag(1, 0.6, …, 0.6⁶, 1e−10, 1e−10), T = 2.
fn figure4_left() -> Vec<f64> {
    let mut v: Vec<f64> = (0..7).map(|k| 0.6f64.powi(k)).collect();
    v.extend([1e-10, 1e-10]);
    v
}

/// dF²(t, d) for OU written out from the paper's eq. (6) with no shared code: a naive reference.
fn naive_ou_distance(variances: &[f64], estimated: &[f64], final_time: f64, t: f64, d: usize) -> f64 {
    let tau = final_time - t;
    let b2 = (-2.0 * tau).exp();
    let a2 = 1.0 - b2;
    let latent: f64 = (0..d).map(|k| ((a2 + b2 * estimated[k]).sqrt() - variances[k].sqrt()).powi(2)).sum();
    latent + variances[d..].iter().sum::<f64>()
}

/// A small deterministic generator for test spectra (no dependency on the crate's sampler).
struct Lcg(u64);
impl Lcg {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn figure4_left_switch_times() {
    let problem = DiagonalProblem::new(figure4_left(), None, OU, 2.0).unwrap();
    let times = switch_times(&problem);
    assert_eq!(times.len(), 10);
    // t_2 and t_3: 4σ² ≥ 1, always kept.
    assert_eq!(&times[..3], &[0.0, 0.0, 0.0]);
    let expected = [1.124, 1.704, 1.854, 1.921, 2.000];
    for (d, want) in (4..=8).zip(expected) {
        assert!((times[d - 1] - want).abs() < 5e-4, "t_{d} = {} vs {want}", times[d - 1]);
    }
    // t_4 in closed form: T + ½ log(1 − 3σ²/(1 − σ²)), σ² = 0.6³.
    let s = 0.6f64.powi(3);
    assert!((times[3] - (2.0 + 0.5 * (1.0 - 3.0 * s / (1.0 - s)).ln())).abs() < 1e-14);
    assert_eq!(times[9], 2.0);
}

/// Prop 2: on [t_d, t_{d+1}), d is the brute-force argmin over all latent dimensions.
fn check_partition(variances: &[f64], estimated: &[f64], schedule: Schedule, final_time: f64) -> usize {
    let problem = DiagonalProblem::new(variances.to_vec(), Some(estimated.to_vec()), schedule, final_time).unwrap();
    let times = switch_times(&problem);
    let table = stopping_curves(&problem, 2001);
    let mut checked = 0;
    for (i, &t) in backward_times(final_time, 2001).iter().enumerate() {
        if times.iter().any(|s| (s - t).abs() < 1e-6) {
            continue;
        }
        // The d whose interval holds t: the last switch time at or before t.
        let predicted = (1..=variances.len()).filter(|&d| times[d - 1] <= t).max().unwrap();
        let distances: Vec<f64> = (1..=variances.len())
            .map(|d| {
                if schedule == OU { naive_ou_distance(variances, estimated, final_time, t, d) } else { table.row(d)[i] }
            })
            .collect();
        let brute = ldm_explorer::theory::diagonal::argmin(&distances) + 1;
        assert_eq!(brute, predicted, "t = {t}, switch times {times:?}");
        assert_eq!(table.best_dim[i] as usize, brute, "table's best d at t = {t}");
        checked += 1;
    }
    checked
}

#[test]
fn prop2_partition_matches_brute_force_for_the_exact_score() {
    let mut rng = Lcg(11);
    for _ in 0..20 {
        let dimension = 2 + (rng.uniform() * 10.0) as usize;
        let mut variances: Vec<f64> = (0..dimension).map(|_| rng.uniform().powi(3)).collect();
        variances.sort_by(|a, b| b.partial_cmp(a).unwrap());
        variances.dedup();
        for name in ["ou", "cosine", "vp-linear", "rectified-flow"] {
            let schedule = Schedule::from_name(name).unwrap();
            let final_time = if schedule == OU { 2.0 } else { 1.0 };
            assert!(check_partition(&variances, &variances, schedule, final_time) > 1900);
        }
    }
    check_partition(&figure4_left(), &figure4_left(), OU, 2.0);
}

#[test]
fn prop2_partition_matches_brute_force_for_the_plug_in_score() {
    let mut rng = Lcg(5);
    let mut tested = 0;
    while tested < 20 {
        let dimension = 2 + (rng.uniform() * 8.0) as usize;
        let mut variances: Vec<f64> = (0..dimension).map(|_| 0.9 * rng.uniform().powi(2)).collect();
        variances.sort_by(|a, b| b.partial_cmp(a).unwrap());
        let estimated: Vec<f64> = variances.iter().map(|v| v * (0.8 + 0.4 * rng.uniform())).collect();
        let problem = DiagonalProblem::new(variances.clone(), Some(estimated.clone()), OU, 2.0).unwrap();
        let times = switch_times(&problem);
        // Prop 2 asks for ordered σ̂ and t̂.
        let ordered = estimated.windows(2).all(|w| w[0] > w[1]) && times.windows(2).all(|w| w[0] <= w[1]);
        if !ordered {
            continue;
        }
        check_partition(&variances, &estimated, OU, 2.0);
        tested += 1;
    }
}

#[test]
fn prop1_verdict_matches_the_sign_of_the_slope_at_the_end() {
    let mut rng = Lcg(3);
    let mut seen = [0usize; 2];
    for _ in 0..300 {
        let dimension = 1 + (rng.uniform() * 6.0) as usize;
        let variances: Vec<f64> = (0..dimension).map(|_| 1.5 * rng.uniform()).collect();
        let estimated: Vec<f64> = variances.iter().map(|v| v * (0.5 + rng.uniform()) + 1e-3).collect();
        let problem = DiagonalProblem::new(variances.clone(), Some(estimated.clone()), OU, 2.0).unwrap();
        for (d, &sum) in (1..=dimension).zip(&prop1_sums(&problem)) {
            if sum.abs() < 1e-4 {
                continue;
            }
            let h = 1e-7;
            let slope = (naive_ou_distance(&variances, &estimated, 2.0, 2.0, d)
                - naive_ou_distance(&variances, &estimated, 2.0, 2.0 - h, d))
                / h;
            // Non-increasing in t ⟺ the last step does not raise dF².
            assert_eq!(sum >= 0.0, slope <= 0.0, "d = {d}, sum {sum}, slope {slope}");
            seen[(sum >= 0.0) as usize] += 1;
        }
    }
    assert!(seen[0] > 50 && seen[1] > 50, "both verdicts exercised: {seen:?}");
}

#[test]
fn optimal_stop_is_the_minimum_of_the_curve() {
    let mut rng = Lcg(9);
    let mut early = 0;
    for _ in 0..50 {
        let dimension = 1 + (rng.uniform() * 6.0) as usize;
        let variances: Vec<f64> = (0..dimension).map(|_| rng.uniform().powi(2)).collect();
        let estimated = estimate_variances(&variances, 5 + (rng.uniform() * 50.0) as usize, rng.0).unwrap();
        let problem = DiagonalProblem::new(variances.clone(), Some(estimated.clone()), OU, 2.0).unwrap();
        let table = stopping_curves(&problem, 257);
        for (d, verdict) in (1..=dimension).zip(stopping_verdicts(&problem, &table)) {
            let at_stop = naive_ou_distance(&variances, &estimated, 2.0, verdict.optimal_stop, d);
            // No point of a fine independent grid does better.
            for i in 0..=4000 {
                let t = 2.0 * i as f64 / 4000.0;
                let value = naive_ou_distance(&variances, &estimated, 2.0, t, d);
                assert!(at_stop <= value + 1e-12 * (1.0 + value), "d={d}: {at_stop} at stop vs {value} at {t}");
            }
            if !verdict.monotone && verdict.optimal_stop > 1e-5 && verdict.optimal_stop < 2.0 - 1e-5 {
                early += 1;
                // A strict interior minimum, located to far below the grid's spacing.
                let delta = 1e-6;
                let before = naive_ou_distance(&variances, &estimated, 2.0, verdict.optimal_stop - delta, d);
                let after = naive_ou_distance(&variances, &estimated, 2.0, verdict.optimal_stop + delta, d);
                assert!(before >= at_stop && after >= at_stop, "d={d}: {before} {at_stop} {after}");
            }
        }
    }
    assert!(early > 10, "non-monotone cases exercised: {early}");
}

#[test]
fn prop5_closed_form_matches_the_integrated_ode() {
    for &cap in &[1.05, 2.0, 10.0, 200.0] {
        for &sigma_hat2 in &[0.0, 1e-4, 0.02, 0.3, 0.9, 1.0, 2.5] {
            for &final_time in &[0.5, 2.0, 4.0] {
                let v = CappedVariance::new(sigma_hat2, cap, final_time);
                for i in 0..=8 {
                    let t = final_time * i as f64 / 8.0;
                    let (closed, integrated) = (v.at(t), v.integrate(t, 1e-13));
                    assert!(
                        (closed - integrated).abs() < 1e-8 * (1.0 + closed.abs()),
                        "C={cap} σ̂²={sigma_hat2} T={final_time} t={t}: {closed} vs {integrated}"
                    );
                }
            }
        }
    }
}

#[test]
fn corollary1_best_dimension_tracks_log_c_over_log_lambda() {
    let lambda: f64 = 20.0;
    let dimension: usize = 6;
    let variances: Vec<f64> = (1..=dimension).map(|k| lambda.powi(-(k as i32))).collect();
    let mut cases = 0;
    for step in 0..=200 {
        let cap = lambda.powf(1.0 + (dimension - 1) as f64 * step as f64 / 200.0);
        let problem = CappedProblem::new(variances.clone(), None, cap, 2.0).unwrap();
        let outcome = capped_outcome(&problem);
        // The d with σ̂²_{d+1} ≤ 1/C ≤ σ̂²_d.
        let Some(d) = (1..dimension).find(|&d| variances[d] <= 1.0 / cap && 1.0 / cap <= variances[d - 1]) else {
            continue;
        };
        assert!(outcome.d_min == d || outcome.d_min == d + 1, "C = {cap}: d_min {} vs d {d}", outcome.d_min);
        assert!(outcome.d1 <= outcome.d_min && outcome.d_min <= outcome.d2, "Prop 5 bracket at C = {cap}");
        cases += 1;
    }
    assert!(cases > 150);
}

#[test]
fn prop5_outcome_is_consistent_with_its_parts() {
    let variances = vec![0.8, 0.3, 0.05, 0.01, 0.002];
    let estimated = vec![0.75, 0.33, 0.04, 0.012, 0.001];
    let problem = CappedProblem::new(variances.clone(), Some(estimated.clone()), 30.0, 2.0).unwrap();
    let outcome = capped_outcome(&problem);
    for d in 1..=5 {
        let direct: f64 = (0..d).map(|k| (outcome.end_variances[k].sqrt() - variances[k].sqrt()).powi(2)).sum::<f64>()
            + variances[d..].iter().sum::<f64>();
        assert!((outcome.fd2_by_dim[d - 1] - direct).abs() < 1e-14);
    }
    // d1: the last k with 1/C ≤ σ̂k² (σ̂3² = 0.04 ≥ 1/30 > σ̂4²); d2: the first k with
    // 1/59 ≈ 0.0169 ≥ 4σk² (4σ4² = 0.04 is above it, 4σ5² = 0.008 below).
    assert_eq!((outcome.d1, outcome.d2), (3, 5));
    assert!(outcome.d1 <= outcome.d_min && outcome.d_min <= outcome.d2);
}

/// The seeds study against a brute-force loop over the same seeds: the share of draws that dip is
/// the count of negative Prop 1 sums computed here from the drawn variances, and each dipping draw's
/// optimal stop is the minimum of its curve found by a dense scan and golden-section refinement.
#[test]
fn the_seeds_study_matches_a_brute_force_loop_over_seeds() {
    use ldm_explorer::theory::seeds::{SeedStudy, quantile};
    let variances = [10.0, 0.2, 0.2, 0.2, 0.0, 0.0];
    let (n, seeds, final_time) = (1000, 200, 3.0);
    let problem = DiagonalProblem::new(variances.to_vec(), None, Schedule::OrnsteinUhlenbeck, final_time).unwrap();
    let study = SeedStudy::compute(&problem, n, 0, seeds).unwrap();
    // In chunks, as the page draws them, the same study.
    let mut chunked = SeedStudy::start(&problem, n, 0, seeds).unwrap();
    while !chunked.is_complete() {
        chunked.advance(&problem, 7).unwrap();
    }
    assert_eq!(chunked, study);
    let mut dips = [0usize; 6];
    for seed in 0..seeds as u64 {
        let estimated = estimate_variances(&variances, n, seed).unwrap();
        let draw =
            DiagonalProblem::new(variances.to_vec(), Some(estimated.clone()), Schedule::OrnsteinUhlenbeck, final_time)
                .unwrap();
        let mut sum = 0.0;
        for d in 1..=6 {
            let (s2, h2) = (variances[d - 1], estimated[d - 1]);
            sum += if h2 == 0.0 { 1.0 } else { (1.0 - (s2 / h2).sqrt()) * (1.0 - h2) };
            let dips_here = sum < 0.0;
            assert_eq!(study.seed_dips(seed, d), Some(dips_here), "seed {seed}, d = {d}");
            if !dips_here {
                continue;
            }
            dips[d - 1] += 1;
            // Dense scan, then golden section inside the best cell.
            let f = |t: f64| ldm_explorer::theory::diagonal::stopping_distance(&draw, t, d);
            let grid = 1000;
            let best = (0..=grid)
                .min_by(|&a, &b| {
                    f(final_time * a as f64 / grid as f64).total_cmp(&f(final_time * b as f64 / grid as f64))
                })
                .unwrap();
            let (mut lo, mut hi) = (
                final_time * (best.max(1) - 1) as f64 / grid as f64,
                final_time * (best + 1).min(grid) as f64 / grid as f64,
            );
            for _ in 0..100 {
                let (m1, m2) = (lo + 0.382 * (hi - lo), hi - 0.382 * (hi - lo));
                if f(m1) < f(m2) { hi = m2 } else { lo = m1 }
            }
            let scanned = 0.5 * (lo + hi);
            assert!(
                study.stops[d - 1].iter().any(|&t| (t - scanned).abs() < 1e-5),
                "seed {seed}, d = {d}: no stop near {scanned} in the study"
            );
        }
    }
    assert_eq!(study.dips, dips.to_vec());
    // Figure 4 right's d0 = 4 dips for 91 of seeds 0–199 (about 46%), seed 2 the first.
    assert_eq!(study.dips[3], 91);
    assert_eq!((0..seeds as u64).find(|&s| study.seed_dips(s, 4) == Some(true)), Some(2));
    // Every gain is in (0, 1) and sorted; the median lies between the quartiles.
    let gains = &study.gains[3];
    assert!(gains.iter().all(|&g| g > 0.0 && g < 1.0) && gains.is_sorted());
    assert!(quantile(gains, 0.25) <= quantile(gains, 0.5) && quantile(gains, 0.5) <= quantile(gains, 0.75));
}

#[test]
fn the_seeds_study_refuses_what_would_block_the_page() {
    use ldm_explorer::theory::seeds::SeedStudy;
    let problem = DiagonalProblem::new(vec![1.0; 1000], None, Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
    assert_eq!(SeedStudy::compute(&problem, 1000, 0, 200).unwrap_err().field, "seeds");
    assert_eq!(SeedStudy::compute(&problem, 1, 0, 0).unwrap_err().field, "seeds");
    assert_eq!(SeedStudy::compute(&problem, 0, 0, 10).unwrap_err().field, "n");
    assert_eq!(SeedStudy::compute(&problem, 1, u64::MAX, 2).unwrap_err().field, "seed");
}

/// docs/theory.md's worked numbers, each recomputed here and compared at the decimals printed.
#[test]
fn the_worked_numbers_of_docs_theory_hold() {
    use ldm_explorer::theory::diagonal::{CurvesAnswer, stopping_distance, switch_times};
    use ldm_explorer::theory::seeds::SeedStudy;
    let doc = include_str!("../docs/theory.md");
    let table = &doc[doc.find("## 5. Worked numbers").expect("the section")..];
    let rows: Vec<(&str, &str)> = table
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| Quantity") && !line.starts_with("| ---"))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            (cells[0], cells[1])
        })
        .collect();
    let left = DiagonalProblem::new(
        vec![1.0, 0.6, 0.36, 0.216, 0.1296, 0.07776, 0.046656, 1e-10, 1e-10],
        None,
        Schedule::OrnsteinUhlenbeck,
        2.0,
    )
    .unwrap();
    let switch = switch_times(&left);
    let right = [10.0, 0.2, 0.2, 0.2, 0.0, 0.0];
    let draw = DiagonalProblem::new(
        right.to_vec(),
        Some(estimate_variances(&right, 1000, 2).unwrap()),
        Schedule::OrnsteinUhlenbeck,
        3.0,
    )
    .unwrap();
    let stop = CurvesAnswer::compute(draw.clone(), 400).optimal_stop[3];
    let study =
        SeedStudy::compute(&DiagonalProblem { estimated: right.to_vec(), ..draw.clone() }, 1000, 0, 200).unwrap();
    let computed = |label: &str| -> f64 {
        for d in 4..=8 {
            if label.ends_with(&format!("`t{}`", ['₄', '₅', '₆', '₇', '₈'][d - 4])) {
                return switch[d - 1];
            }
        }
        if label.contains("dips") {
            study.dips[3] as f64
        } else if label.contains("LogSNR") {
            draw.schedule.log_snr(3.0 - stop)
        } else if label.contains("at that stop") {
            stopping_distance(&draw, stop, 4)
        } else if label.contains("at `T`") {
            stopping_distance(&draw, 3.0, 4)
        } else {
            panic!("docs/theory.md: no check for \"{label}\"")
        }
    };
    assert_eq!(rows.len(), 9, "{rows:?}");
    for (label, printed) in rows {
        let decimals = printed.split('.').nth(1).map_or(0, str::len);
        let value = computed(label);
        assert_eq!(format!("{value:.decimals$}"), printed, "{label}: computed {value}");
    }
}

//! Property tests over random spectra: nothing panics, no NaN comes out, and the invariants of the
//! theory hold. Native only (proptest).
#![cfg(not(target_arch = "wasm32"))]

use ldm_explorer::theory::capped::{CappedProblem, capped_curves, capped_outcome, capped_variances};
use ldm_explorer::theory::diagonal::{DiagonalProblem, reconstruction_errors, stopping_curves, switch_times};
use ldm_explorer::theory::schedule::Schedule;
use ldm_explorer::theory::verdicts::stopping_verdicts;
use proptest::prelude::*;

fn spectrum() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop_oneof![Just(0.0), 0.0..3.0f64, 1e-12..1e-3f64], 1..24)
}

/// Any f64 at all, NaN and infinities included.
fn wild_spectrum() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(prop::num::f64::ANY, 0..12)
}

fn schedule() -> impl Strategy<Value = Schedule> {
    prop::sample::select(Schedule::NAMES.to_vec()).prop_map(|name| Schedule::from_name(name).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn curves_are_finite_nonnegative_and_above_the_reconstruction_error(
        variances in spectrum(),
        noise in prop::collection::vec(0.3..2.0f64, 24),
        schedule in schedule(),
        time_fraction in 0.05..1.0f64,
        points in 2usize..200,
    ) {
        let final_time = time_fraction * schedule.default_final_time();
        let estimated: Vec<f64> = variances.iter().zip(&noise).map(|(v, s)| v * s).collect();
        let problem = DiagonalProblem::new(variances.clone(), Some(estimated), schedule, final_time).unwrap();
        let table = stopping_curves(&problem, points);
        let reconstruction = reconstruction_errors(&variances);
        for d in 1..=variances.len() {
            for &value in table.row(d) {
                prop_assert!(value.is_finite() && value >= reconstruction[d - 1] * (1.0 - 1e-12));
            }
        }
        for (i, &best) in table.best_dim.iter().enumerate() {
            let column: Vec<f64> = (1..=variances.len()).map(|d| table.row(d)[i]).collect();
            prop_assert_eq!(best as usize, ldm_explorer::theory::diagonal::argmin(&column) + 1);
        }
        for verdict in stopping_verdicts(&problem, &table) {
            prop_assert!(verdict.optimal_stop >= 0.0 && verdict.optimal_stop <= final_time);
        }
        for t in switch_times(&problem) {
            prop_assert!(t >= 0.0 && t <= final_time);
        }
    }

    #[test]
    fn exact_score_curves_of_vp_schedules_never_increase(
        variances in spectrum(),
        schedule in schedule().prop_filter("variance preserving", |s| s.is_variance_preserving()),
    ) {
        let final_time = schedule.default_final_time();
        let problem = DiagonalProblem::new(variances.clone(), None, schedule, final_time).unwrap();
        let table = stopping_curves(&problem, 300);
        let reconstruction = reconstruction_errors(&variances);
        for d in 1..=variances.len() {
            let row = table.row(d);
            for pair in row.windows(2) {
                prop_assert!(pair[1] <= pair[0] * (1.0 + 1e-12) + 1e-300, "d = {}: {:?}", d, pair);
            }
            // With the exact score the latent error vanishes at t = T.
            prop_assert!((row[row.len() - 1] - reconstruction[d - 1]).abs() <= 1e-15 * (1.0 + reconstruction[d - 1]));
        }
        for verdict in stopping_verdicts(&problem, &table) {
            prop_assert!(verdict.monotone);
            prop_assert_eq!(verdict.optimal_stop, final_time);
        }
    }

    #[test]
    fn capped_outcome_lies_in_prop5_bracket_for_an_exact_fit(
        mut variances in prop::collection::vec(1e-6..0.99f64, 1..16),
        cap in 1.01..1e4f64,
    ) {
        variances.sort_by(|a, b| b.partial_cmp(a).unwrap());
        let problem = CappedProblem::new(variances.clone(), None, cap, 2.0).unwrap();
        let outcome = capped_outcome(&problem);
        prop_assert!(outcome.d1 <= outcome.d_min && outcome.d_min <= outcome.d2,
            "d_min {} outside [{}, {}]", outcome.d_min, outcome.d1, outcome.d2);
        let table = capped_variances(&problem, 50);
        prop_assert!(table.iter().all(|v| v.is_finite() && *v > 0.0));
        let curves = capped_curves(&problem, &table, 50);
        // The last time point of the capped curves is Prop 5's dF²(d) at t = T.
        for d in 1..=variances.len() {
            let last = curves.row(d)[49];
            prop_assert!((last - outcome.fd2_by_dim[d - 1]).abs() <= 1e-12 * (1.0 + last));
        }
    }

    #[test]
    fn arbitrary_input_is_rejected_or_computed_without_nan(
        variances in wild_spectrum(),
        estimated in wild_spectrum(),
        final_time in prop::num::f64::ANY,
        cap in prop::num::f64::ANY,
    ) {
        if let Ok(problem) = DiagonalProblem::new(variances.clone(), Some(estimated.clone()), Schedule::OrnsteinUhlenbeck, final_time) {
            let table = stopping_curves(&problem, 16);
            prop_assert!(table.values.iter().all(|v| !v.is_nan()));
            prop_assert!(stopping_verdicts(&problem, &table).iter().all(|v| !v.optimal_stop.is_nan()));
        }
        if let Ok(problem) = CappedProblem::new(variances, None, cap, final_time) {
            let outcome = capped_outcome(&problem);
            prop_assert!(outcome.fd2_by_dim.iter().all(|v| !v.is_nan()));
        }
    }
}

//! The stopping-time curve of the diagonal case and what the paper proves about it
//! (the paper's Section 4: eq. (6) in the diagonal case, Props 1, 2 and 3).
//!
//! `dF²(t, d) = Σ_{k>d} σk² + Σ_{k≤d} (sqrt(a² + b² σ̂k²) − σk)²` with `a, b` at forward time
//! `τ = T − t`. All `d` share the terms `k ≤ d`, so a whole table of curves is one pass over `k`
//! with a running prefix sum and a suffix sum of the variances: `O(D)` per time point.

use crate::input::{self, InputError};
use crate::theory::schedule::Schedule;
use crate::theory::verdicts::VerdictSearch;

/// A validated diagonal problem: data variances `σk²`, the variances `σ̂k²` the score was fitted
/// on (equal to `σk²` for the exact score), the schedule and the final time `T`.
#[derive(Clone, Debug)]
pub struct DiagonalProblem {
    pub variances: Vec<f64>,
    pub estimated: Vec<f64>,
    pub schedule: Schedule,
    pub final_time: f64,
}

impl DiagonalProblem {
    /// `estimated = None` means the exact score (`σ̂ = σ`).
    pub fn new(
        variances: Vec<f64>,
        estimated: Option<Vec<f64>>,
        schedule: Schedule,
        final_time: f64,
    ) -> Result<Self, InputError> {
        input::check_variances("variances", &variances)?;
        if let Some(estimated) = &estimated {
            input::check_estimated_variances(estimated, variances.len())?;
        }
        schedule.check_final_time(final_time)?;
        let estimated = estimated.unwrap_or_else(|| variances.clone());
        Ok(DiagonalProblem { variances, estimated, schedule, final_time })
    }

    pub fn dimension(&self) -> usize {
        self.variances.len()
    }

    /// The same problem with the exact score.
    pub fn with_exact_score(&self) -> DiagonalProblem {
        DiagonalProblem { estimated: self.variances.clone(), ..self.clone() }
    }

    pub fn uses_exact_score(&self) -> bool {
        self.estimated == self.variances
    }
}

/// `points` backward times from `0` to `T`, both included exactly.
pub fn backward_times(final_time: f64, points: usize) -> Vec<f64> {
    let last = (points - 1) as f64;
    (0..points).map(|i| if i + 1 == points { final_time } else { final_time * i as f64 / last }).collect()
}

/// `(sqrt(v) − σ)²` given `v`, `v − σ²` (computed by the caller without cancellation) and `σ ≥ 0`.
/// Written as `(v − σ²)² / (sqrt(v) + σ)²` so that it stays accurate when `sqrt(v) ≈ σ`.
pub fn squared_std_gap(v: f64, v_minus_sigma2: f64, sigma: f64) -> f64 {
    let denominator = v.sqrt() + sigma;
    let gap = v_minus_sigma2 / denominator;
    // A select, not a branch, so that loops over time points vectorise.
    if denominator > 0.0 { gap * gap } else { 0.0 }
}

/// One coordinate's diffusion error `(sqrt(a² + b² σ̂²) − σ)²`, given `a²` and `1 − b²` at the
/// forward time (computed once for all coordinates).
pub fn latent_error(a2: f64, one_minus_b2: f64, sigma2: f64, sigma_hat2: f64) -> f64 {
    // v − σ² = a² − (1 − b²) σ̂² + (σ̂² − σ²): no cancellation between b²σ̂² and σ² near τ = 0.
    let v = a2 + (1.0 - one_minus_b2) * sigma_hat2;
    squared_std_gap(v, a2 - one_minus_b2 * sigma_hat2 + (sigma_hat2 - sigma2), sigma2.sqrt())
}

/// `R_d = Σ_{k>d} σk²` for `d = 1..D`: the linear autoencoder's reconstruction error.
pub fn reconstruction_errors(variances: &[f64]) -> Vec<f64> {
    let mut errors = vec![0.0; variances.len()];
    for d in (1..variances.len()).rev() {
        errors[d - 1] = errors[d] + variances[d];
    }
    errors
}

/// `dF²` for every latent dimension `d` (rows) at every time point (columns), and the best `d`
/// at each time point.
#[derive(Clone, Debug)]
pub struct CurveTable {
    pub points: usize,
    /// Row-major: `values[(d − 1) * points + i]`.
    pub values: Vec<f64>,
    /// `best_dim[i]`: the `d` (1-based) of least `dF²` at time point `i`; the smallest on ties.
    pub best_dim: Vec<u32>,
    /// [`positive_extremes`] of the values, computed once: every redraw of a log plot needs them.
    extremes: std::sync::OnceLock<(f64, f64)>,
}

/// Tables are equal when their numbers are; the cached extremes are not part of them.
impl PartialEq for CurveTable {
    fn eq(&self, other: &Self) -> bool {
        (self.points, &self.values, &self.best_dim) == (other.points, &other.values, &other.best_dim)
    }
}

impl CurveTable {
    /// The largest finite value and the smallest positive one ([`positive_extremes`]).
    pub fn extremes(&self) -> (f64, f64) {
        *self.extremes.get_or_init(|| positive_extremes(&self.values))
    }

    /// The curve of latent dimension `d` (1-based).
    pub fn row(&self, d: usize) -> &[f64] {
        &self.values[(d - 1) * self.points..d * self.points]
    }

    pub fn dimension(&self) -> usize {
        self.values.len() / self.points
    }

    /// Builds the table from the per-coordinate errors: `coordinate_errors(k)` yields coordinate
    /// `k`'s (0-based) error `(std of the generated law − σk)²` at each of the `points` times.
    pub fn from_coordinate_errors<I: Iterator<Item = f64>>(
        variances: &[f64],
        points: usize,
        mut coordinate_errors: impl FnMut(usize) -> I,
    ) -> CurveTable {
        let reconstruction = reconstruction_errors(variances);
        let mut values = vec![0.0; variances.len() * points];
        let mut prefix = vec![0.0; points];
        let mut best_value = vec![f64::INFINITY; points];
        let mut best_dim = vec![1u32; points];
        for (k, out) in values.chunks_exact_mut(points).enumerate() {
            let (tail, d) = (reconstruction[k], k as u32 + 1);
            // One fused pass of zipped iterators: no bounds checks, no buffer, and it vectorises.
            for ((((out, prefix), error), best_value), best_dim) in
                out.iter_mut().zip(&mut prefix).zip(coordinate_errors(k)).zip(&mut best_value).zip(&mut best_dim)
            {
                *prefix += error;
                *out = tail + *prefix;
                let better = *out < *best_value;
                *best_value = if better { *out } else { *best_value };
                *best_dim = if better { d } else { *best_dim };
            }
        }
        CurveTable { points, values, best_dim, extremes: std::sync::OnceLock::new() }
    }
}

/// The largest finite value (at least the smallest positive `f64`, so that a log axis has a top)
/// and the smallest positive value (the largest when none is positive): a log plot's extent.
pub fn positive_extremes(values: &[f64]) -> (f64, f64) {
    // Compare-and-select in four independent lanes, not `f64::max`/`min` in one chain: in wasm those
    // are calls to `fmax`/`fmin` (their NaN rule is not the instruction's), and a 4096-row table's
    // first log plot spent 30 ms here.
    const LANES: usize = 4;
    let keep_max = |max: f64, v: f64| if v > max && v.is_finite() { v } else { max };
    let keep_min_positive = |min: f64, v: f64| if v > 0.0 && v < min { v } else { min };
    let (mut max, mut min_positive) = ([0.0f64; LANES], [f64::INFINITY; LANES]);
    let quads = values.chunks_exact(LANES);
    let rest = quads.remainder();
    for quad in quads {
        for lane in 0..LANES {
            max[lane] = keep_max(max[lane], quad[lane]);
            min_positive[lane] = keep_min_positive(min_positive[lane], quad[lane]);
        }
    }
    let max = max.into_iter().chain(rest.iter().copied()).fold(1e-300, keep_max);
    let min_positive = min_positive.into_iter().chain(rest.iter().copied()).fold(f64::INFINITY, keep_min_positive);
    (max, if min_positive < max { min_positive } else { max })
}

/// Forward time `τ_i = T − t_i` of each backward time.
fn forward_times(final_time: f64, backward: &[f64]) -> Vec<f64> {
    backward.iter().map(|t| (final_time - t).max(0.0)).collect()
}

/// The table of `dF²(t_i, d)` for the problem's score, on `points` backward times from 0 to T.
pub fn stopping_curves(problem: &DiagonalProblem, points: usize) -> CurveTable {
    stopping_curves_at(problem, &backward_times(problem.final_time, points))
}

/// The table of `dF²(t, d)` for the problem's score at the given backward times (a zoomed plot's).
pub fn stopping_curves_at(problem: &DiagonalProblem, times: &[f64]) -> CurveTable {
    let taus = forward_times(problem.final_time, times);
    let a2: Vec<f64> = taus.iter().map(|&tau| problem.schedule.a2(tau)).collect();
    let one_minus_b2: Vec<f64> = taus.iter().map(|&tau| problem.schedule.one_minus_b2(tau)).collect();
    CurveTable::from_coordinate_errors(&problem.variances, times.len(), |k| {
        let (sigma2, sigma_hat2) = (problem.variances[k], problem.estimated[k]);
        a2.iter().zip(&one_minus_b2).map(move |(&a2, &one_minus_b2)| latent_error(a2, one_minus_b2, sigma2, sigma_hat2))
    })
}

/// `dF²(t, d)` at one backward time, straight from the definition (`O(D)`).
pub fn stopping_distance(problem: &DiagonalProblem, t: f64, d: usize) -> f64 {
    let (a2, one_minus_b2) = schedule_at(problem, t);
    let latent: f64 = (0..d).map(|k| latent_error(a2, one_minus_b2, problem.variances[k], problem.estimated[k])).sum();
    latent + problem.variances[d..].iter().sum::<f64>()
}

/// `a²` and `1 − b²` at the forward time of backward time `t`.
fn schedule_at(problem: &DiagonalProblem, t: f64) -> (f64, f64) {
    let tau = (problem.final_time - t).max(0.0);
    (problem.schedule.a2(tau), problem.schedule.one_minus_b2(tau))
}

/// `dF²(t, d)` for every `d` at one backward time, exactly (`O(D)`).
pub fn distances_at(problem: &DiagonalProblem, t: f64) -> Vec<f64> {
    let (a2, one_minus_b2) = schedule_at(problem, t);
    CurveTable::from_coordinate_errors(&problem.variances, 1, |k| {
        std::iter::once(latent_error(a2, one_minus_b2, problem.variances[k], problem.estimated[k]))
    })
    .values
}

/// `LogSNR(t) = log(b²/a²)` at forward time `T − t` for each backward time.
pub fn log_snr(schedule: &Schedule, final_time: f64, backward: &[f64]) -> Vec<f64> {
    forward_times(final_time, backward).iter().map(|&tau| schedule.log_snr(tau)).collect()
}

/// The backward time whose LogSNR is `log_snr` (LogSNR grows with `t`), clamped to `[0, T]`.
pub fn time_of_log_snr(schedule: &Schedule, final_time: f64, log_snr: f64) -> f64 {
    let (mut low, mut high) = (0.0, final_time);
    if log_snr.is_nan() {
        return low;
    }
    for _ in 0..200 {
        let middle = 0.5 * (low + high);
        if middle <= low || middle >= high {
            break;
        }
        if schedule.log_snr(final_time - middle) < log_snr { low = middle } else { high = middle }
    }
    0.5 * (low + high)
}

/// Prop 1's term `(1 − σk/σ̂k)(1 − σ̂k²)`, with its limits at `σ̂k = 0`: the slope of the
/// coordinate's error as `a² → 0` is `+1` when `σk = 0` too, `−∞` when `σk > 0`.
fn prop1_term(sigma2: f64, sigma_hat2: f64) -> f64 {
    if sigma_hat2 == 0.0 {
        if sigma2 == 0.0 { 1.0 } else { f64::NEG_INFINITY }
    } else {
        (1.0 - (sigma2 / sigma_hat2).sqrt()) * (1.0 - sigma_hat2)
    }
}

/// Prop 1's sums `Σ_{k≤d} (1 − σk/σ̂k)(1 − σ̂k²)` for `d = 1..D`. For a variance-preserving
/// schedule the curve of `d` is non-increasing in `t` iff its sum is `≥ 0`.
pub fn prop1_sums(problem: &DiagonalProblem) -> Vec<f64> {
    let mut total = 0.0;
    problem
        .variances
        .iter()
        .zip(&problem.estimated)
        .map(|(&sigma2, &sigma_hat2)| {
            total += prop1_term(sigma2, sigma_hat2);
            total
        })
        .collect()
}

/// The backward time `t_d` from which adding coordinate `d` (1-based, `d ≥ 2`) lowers `dF²`,
/// with the plug-in variance `σ̂d²` (pass `σd²` for the exact score). Coordinate `d` helps at
/// forward time `τ` iff `a²_τ + b²_τ σ̂d² ≤ 4σd²`.
pub fn switch_time(schedule: &Schedule, final_time: f64, sigma2: f64, sigma_hat2: f64) -> f64 {
    let helps_until = if schedule.is_variance_preserving() {
        // Prop 2: a² (1 − σ̂²) ≤ 4σ² − σ̂², a zero or negative denominator meaning +∞.
        let denominator = 1.0 - sigma_hat2;
        let threshold = if denominator > 0.0 { (4.0 * sigma2 - sigma_hat2) / denominator } else { f64::INFINITY };
        schedule.extended_inverse_a2(threshold, final_time)
    } else {
        // Rectified flow: τ² + (1 − τ)² σ̂² ≤ 4σ² is a convex quadratic in τ; the coordinate helps
        // up to its larger root (none: it never helps).
        let discriminant = 4.0 * sigma2 * (1.0 + sigma_hat2) - sigma_hat2;
        if discriminant < 0.0 {
            0.0
        } else {
            ((sigma_hat2 + discriminant.sqrt()) / (1.0 + sigma_hat2)).clamp(0.0, final_time)
        }
    };
    final_time - helps_until
}

/// Prop 2's switch times `t_1 = 0, t_2, …, t_D, t_{D+1} = T` for the problem's score.
pub fn switch_times(problem: &DiagonalProblem) -> Vec<f64> {
    let dimension = problem.dimension();
    let mut times = Vec::with_capacity(dimension + 1);
    times.push(0.0);
    for d in 2..=dimension {
        times.push(switch_time(
            &problem.schedule,
            problem.final_time,
            problem.variances[d - 1],
            problem.estimated[d - 1],
        ));
    }
    times.push(problem.final_time);
    times
}

/// `d/dτ` of the latent error `Σ_{k≤d} (sqrt(a² + b²σ̂k²) − σk)²`, up to a positive factor 1/2:
/// `Σ_{k≤d} (1 − σk/hk)(a²' + b²' σ̂k²)`, `hk = sqrt(a² + b²σ̂k²)`.
/// For a variance-preserving schedule this is `a²'` times Prop 3's equation.
pub fn latent_error_slope(problem: &DiagonalProblem, d: usize, tau: f64) -> f64 {
    let schedule = &problem.schedule;
    let (a2, b2, a2_rate, b2_rate) = (schedule.a2(tau), schedule.b2(tau), schedule.a2_rate(tau), schedule.b2_rate(tau));
    (0..d)
        .map(|k| {
            let (sigma2, sigma_hat2) = (problem.variances[k], problem.estimated[k]);
            let h = (a2 + b2 * sigma_hat2).sqrt();
            let pull =
                if h == 0.0 { if sigma2 == 0.0 { 1.0 } else { f64::NEG_INFINITY } } else { 1.0 - sigma2.sqrt() / h };
            pull * (a2_rate + b2_rate * sigma_hat2)
        })
        .sum()
}

/// Index of the first minimum of a non-empty slice.
// One copy: inlined at its callers it costs the page's module 0.4 KB gzipped, no faster.
#[inline(never)]
pub fn argmin(values: &[f64]) -> usize {
    // The best value kept beside its index, not read back from the slice at every step.
    let first = values.first().copied().unwrap_or(f64::NAN);
    values.iter().enumerate().fold((0, first), |best, (i, &v)| if v < best.1 { (i, v) } else { best }).0
}

/// Everything the paper says about one diagonal problem on a grid of backward times: the curves
/// with the problem's score and the exact one, Prop 2's switch times, Prop 1's verdicts and each
/// `d`'s optimal stopping time. What `stoppingCurves` answers and the page draws.
#[derive(Clone, Debug)]
pub struct CurvesAnswer {
    pub problem: DiagonalProblem,
    pub t: Vec<f64>,
    pub log_snr: Vec<f64>,
    /// With the problem's score (plug-in when estimated variances are given).
    pub fd2: CurveTable,
    /// With the exact score; `None` when the problem's score is the exact one (then it is `fd2`).
    pub fd2_exact: Option<CurveTable>,
    pub switch_times: Vec<f64>,
    pub switch_times_estimated: Vec<f64>,
    pub monotone: Vec<bool>,
    pub prop1_sum: Vec<f64>,
    /// NaN for the `d` whose verdict is not found yet ([`CurvesAnswer::find_verdicts`]).
    pub optimal_stop: Vec<f64>,
    /// `dF²` at each `d`'s optimal stop (NaN likewise).
    pub at_optimal_stop: Vec<f64>,
    /// The search for the verdicts not found yet; `None` once every `d` has its own.
    search: Option<VerdictSearch>,
}

impl CurvesAnswer {
    /// The answer on `points` backward times from 0 to `T` (the caller checked `points`).
    pub fn compute(problem: DiagonalProblem, points: usize) -> CurvesAnswer {
        let mut answer = CurvesAnswer::with_verdicts_pending(problem, points);
        answer.find_verdicts(usize::MAX);
        answer
    }

    /// The answer without the optimal stops, which [`CurvesAnswer::find_verdicts`] then finds.
    pub fn with_verdicts_pending(problem: DiagonalProblem, points: usize) -> CurvesAnswer {
        let exact = problem.with_exact_score();
        let fd2 = stopping_curves(&problem, points);
        let fd2_exact = (!problem.uses_exact_score()).then(|| stopping_curves(&exact, points));
        let search = VerdictSearch::new(&problem, &fd2);
        let t = backward_times(problem.final_time, points);
        let dimension = problem.dimension();
        CurvesAnswer {
            log_snr: log_snr(&problem.schedule, problem.final_time, &t),
            t,
            switch_times: switch_times(&exact),
            switch_times_estimated: switch_times(&problem),
            monotone: search.monotone().to_vec(),
            optimal_stop: vec![f64::NAN; dimension],
            at_optimal_stop: vec![f64::NAN; dimension],
            prop1_sum: search.prop1_sums().to_vec(),
            search: Some(search),
            fd2,
            fd2_exact,
            problem,
        }
    }

    /// Finds the next verdicts, in order of `d`, until they have cost `work` (in `O(1)` terms: a
    /// slope evaluation for `d` costs `d`; one `d` at least). Returns whether all are found.
    pub fn find_verdicts(&mut self, work: usize) -> bool {
        let CurvesAnswer { problem, fd2, optimal_stop, at_optimal_stop, search, .. } = self;
        let Some(searching) = search else { return true };
        let started = searching.cost();
        while searching.found() < problem.dimension() {
            let verdict = searching.next_verdict(problem, fd2);
            let d = searching.found();
            (optimal_stop[d - 1], at_optimal_stop[d - 1]) = (verdict.optimal_stop, verdict.distance);
            if searching.cost() - started >= work {
                break;
            }
        }
        if searching.found() == problem.dimension() {
            *search = None;
        }
        search.is_none()
    }

    /// How many `d` have their optimal stop.
    pub fn verdicts_found(&self) -> usize {
        self.search.as_ref().map_or(self.problem.dimension(), VerdictSearch::found)
    }

    /// The curves with the exact score (the problem's own when its score is the exact one).
    pub fn exact(&self) -> &CurveTable {
        self.fd2_exact.as_ref().unwrap_or(&self.fd2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn problem(variances: &[f64], estimated: Option<&[f64]>) -> DiagonalProblem {
        DiagonalProblem::new(variances.to_vec(), estimated.map(<[f64]>::to_vec), Schedule::OrnsteinUhlenbeck, 2.0)
            .unwrap()
    }

    #[test]
    fn positive_extremes_are_the_largest_finite_and_smallest_positive_values() {
        // Every length up to a few lanes past one quad, so that the remainder's each size is seen,
        // with the special values at every position.
        let specials = [f64::INFINITY, f64::NAN, 0.0, -3.0, 5e-324, 1e-310, f64::NEG_INFINITY, 7.5, 1e300, 2.0];
        for len in 0..=11 {
            for shift in 0..specials.len() {
                let values: Vec<f64> = (0..len).map(|i| specials[(i + shift) % specials.len()]).collect();
                let max = values.iter().copied().filter(|v| v.is_finite()).fold(1e-300, f64::max);
                let min_positive = values.iter().copied().filter(|&v| v > 0.0).fold(max, f64::min);
                assert_eq!(positive_extremes(&values), (max, min_positive), "{values:?}");
            }
        }
    }

    #[test]
    fn table_matches_the_definition() {
        let p = problem(&[1.0, 0.5, 0.2, 0.0], Some(&[1.1, 0.4, 0.25, 0.01]));
        let table = stopping_curves(&p, 33);
        let times = backward_times(2.0, 33);
        for d in 1..=4 {
            for (i, &t) in times.iter().enumerate() {
                let direct = stopping_distance(&p, t, d);
                assert!((table.row(d)[i] - direct).abs() < 1e-13 * (1.0 + direct), "d={d} t={t}");
            }
        }
    }

    #[test]
    fn exact_score_ends_at_the_reconstruction_error() {
        let p = problem(&[1.0, 0.36, 0.1], None);
        let table = stopping_curves(&p, 9);
        for d in 1..=3 {
            assert_eq!(*table.row(d).last().unwrap(), reconstruction_errors(&p.variances)[d - 1]);
        }
        assert_eq!(reconstruction_errors(&[3.0, 2.0, 1.0]), vec![3.0, 1.0, 0.0]);
    }

    #[test]
    fn distances_at_one_time_match_the_table() {
        let p = problem(&[1.0, 0.5, 0.2, 0.0], Some(&[1.1, 0.4, 0.25, 0.01]));
        let table = stopping_curves(&p, 9);
        let at = distances_at(&p, 1.25);
        for d in 1..=4 {
            assert_eq!(at[d - 1], table.row(d)[5]);
        }
    }

    #[test]
    fn time_of_log_snr_inverts_log_snr() {
        for name in crate::theory::schedule::Schedule::NAMES {
            let schedule = Schedule::from_name(name).unwrap();
            let final_time = schedule.default_final_time();
            for t in [0.1, 0.5, 0.9] {
                let t = t * final_time;
                let back = time_of_log_snr(&schedule, final_time, schedule.log_snr(final_time - t));
                assert!((back - t).abs() < 1e-12, "{name}: {back} vs {t}");
            }
        }
    }

    #[test]
    fn backward_times_include_both_ends() {
        let t = backward_times(2.0, 5);
        assert_eq!(t, vec![0.0, 0.5, 1.0, 1.5, 2.0]);
    }
}

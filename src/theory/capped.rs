//! Norm-capped score matching (the paper's Section 5: Props 4 and 5, Corollary 1). OU schedule, backward
//! SDE started from `N(0, I)` and run to `t = T` with the capped score `−m̂k(τ) x`.
//!
//! The variance of coordinate `k` solves `dV/dt = 2 (1 − 2 m̂k(T − t)) V + 2`, `V(0) = 1`.
//! Its closed form holds at every `t`, not only at `T`:
//! - while the cap does not bind, `Vs(t) = a² + b² σ̂²` (at `τ = T − t`) solves the equation, and
//!   the homogeneous solution is `Vs(t)² e^{−2t}`, so `V(0) = 1` gives
//!   `V = Vs + (1 − Vs(0)) (Vs/Vs(0))² e^{−2t}` (at `t = T` this is the closed form of a cap that never binds);
//! - once `m̂ = C` (from backward time `t'` on, when `σ̂² < 1/C`), the equation has constant
//!   coefficients: `V = V* + (V(t') − V*) e^{−2(2C − 1)(t − t')}` with `V* = 1/(2C − 1)`.

use crate::input::{self, InputError};
use crate::numeric::ode::dormand_prince;
use crate::theory::diagonal::{
    CurveTable, DiagonalProblem, argmin, backward_times, reconstruction_errors, squared_std_gap,
};
use crate::theory::schedule::Schedule;

/// A validated capped-score problem: the diagonal problem (OU schedule) and the cap `C > 1`.
#[derive(Clone, Debug)]
pub struct CappedProblem {
    pub base: DiagonalProblem,
    pub cap: f64,
}

impl CappedProblem {
    pub fn new(
        variances: Vec<f64>,
        estimated: Option<Vec<f64>>,
        cap: f64,
        final_time: f64,
    ) -> Result<Self, InputError> {
        let base = DiagonalProblem::new(variances, estimated, Schedule::OrnsteinUhlenbeck, final_time)?;
        input::check_cap(cap)?;
        Ok(CappedProblem { base, cap })
    }

    pub fn coordinate(&self, k: usize) -> CappedVariance {
        CappedVariance::new(self.base.estimated[k], self.cap, self.base.final_time)
    }
}

/// Prop 4: the empirical minimiser of capped score matching, `m̂ = min(C, 1/(a² + b² σ̂²))` (OU).
pub fn capped_coefficient(cap: f64, tau: f64, sigma_hat2: f64) -> f64 {
    let ou = Schedule::OrnsteinUhlenbeck;
    cap.min(1.0 / (ou.a2(tau) + ou.b2(tau) * sigma_hat2))
}

/// The closed-form variance of one latent coordinate under the capped score.
#[derive(Clone, Copy, Debug)]
pub struct CappedVariance {
    sigma_hat2: f64,
    cap: f64,
    final_time: f64,
    /// `Vs(0) = a²_T + b²_T σ̂²` and `1 − Vs(0) = (1 − σ̂²) b²_T`, without cancellation.
    start_variance: f64,
    start_excess: f64,
    /// Backward time `t'` from which the cap binds (`T` when it never does).
    pub cap_start: f64,
    variance_at_cap_start: f64,
}

impl CappedVariance {
    /// Started from `N(0, 1)`, Prop 5's setting.
    pub fn new(sigma_hat2: f64, cap: f64, final_time: f64) -> CappedVariance {
        // 1 − Vs(0) = (1 − σ̂²) b²_T.
        let start_excess = (1.0 - sigma_hat2) * TimePoint::new(final_time, 0.0).b2;
        Self::starting_above_stationary(sigma_hat2, cap, final_time, start_excess)
    }

    /// Started from the stationary law `N(0, a²_T + b²_T σ̂²)`: the variance stays `Vs` until the
    /// cap binds.
    pub fn stationary(sigma_hat2: f64, cap: f64, final_time: f64) -> CappedVariance {
        Self::starting_above_stationary(sigma_hat2, cap, final_time, 0.0)
    }

    /// `start_excess`: the start variance minus `Vs(0)`.
    fn starting_above_stationary(sigma_hat2: f64, cap: f64, final_time: f64, start_excess: f64) -> CappedVariance {
        let q = 1.0 - sigma_hat2;
        let start = TimePoint::new(final_time, 0.0);
        let start_variance = start.a2 + start.b2 * sigma_hat2;
        // 1/(a² + b²σ̂²) ≥ C ⟺ 1 − q e^{−2τ} ≤ 1/C ⟺ τ ≤ ½ log(q C / (C − 1)), possible iff σ̂² < 1/C.
        let cap_start = if sigma_hat2 < 1.0 / cap {
            (final_time - 0.5 * libm::log(q * cap / (cap - 1.0))).max(0.0)
        } else {
            final_time
        };
        let mut v = CappedVariance {
            sigma_hat2,
            cap,
            final_time,
            start_variance,
            start_excess,
            cap_start,
            variance_at_cap_start: 1.0,
        };
        v.variance_at_cap_start = v.uncapped(cap_start);
        v
    }

    fn uncapped(&self, t: f64) -> f64 {
        self.uncapped_at(&TimePoint::new(self.final_time, t))
    }

    fn uncapped_at(&self, time: &TimePoint) -> f64 {
        let stationary = time.a2 + time.b2 * self.sigma_hat2;
        // Vs/Vs(0) ≤ max(1, σ̂²) whatever T: no overflow even when Vs(0) underflows towards 0.
        let ratio = if self.start_variance > 0.0 { stationary / self.start_variance } else { 1.0 };
        stationary + self.start_excess * ratio * ratio * time.decay
    }

    /// `V(t)` for backward time `t ∈ [0, T]`.
    pub fn at(&self, t: f64) -> f64 {
        self.at_time(&TimePoint::new(self.final_time, t))
    }

    /// `V(t)` with the time's schedule values computed once for all coordinates.
    fn at_time(&self, time: &TimePoint) -> f64 {
        let t = time.t;
        if t <= self.cap_start {
            self.uncapped_at(time)
        } else {
            let rate = 2.0 * self.cap - 1.0;
            let fixed_point = 1.0 / rate;
            fixed_point + (self.variance_at_cap_start - fixed_point) * libm::exp(-2.0 * rate * (t - self.cap_start))
        }
    }

    /// `V(t)` by integrating the variance ODE numerically (split at the cap's kink), independent of
    /// the closed form.
    pub fn integrate(&self, t: f64, tolerance: f64) -> f64 {
        let start = self.start_variance + self.start_excess;
        let rhs = |s: f64, v: f64| {
            let m = capped_coefficient(self.cap, self.final_time - s, self.sigma_hat2);
            2.0 * (1.0 - 2.0 * m) * v + 2.0
        };
        let kink = self.cap_start.min(t);
        let at_kink = if kink > 0.0 { dormand_prince(rhs, 0.0, start, kink, tolerance) } else { start };
        if t > kink { dormand_prince(rhs, kink, at_kink, t, tolerance) } else { at_kink }
    }
}

/// What the closed form needs of one backward time, shared by every coordinate: OU's `a²`, `b²` at
/// `τ = T − t` (no cancellation for small `τ`) and `e^{−2t}`.
struct TimePoint {
    t: f64,
    a2: f64,
    b2: f64,
    decay: f64,
}

impl TimePoint {
    fn new(final_time: f64, t: f64) -> TimePoint {
        let (ou, tau) = (Schedule::OrnsteinUhlenbeck, final_time - t);
        TimePoint { t, a2: ou.a2(tau), b2: ou.b2(tau), decay: libm::exp(-2.0 * t) }
    }
}

/// Prop 5's results for a capped problem.
#[derive(Clone, Debug)]
pub struct CappedOutcome {
    /// `V_T` of every coordinate.
    pub end_variances: Vec<f64>,
    /// `dF²(d)` at `t = T` for `d = 1..D`.
    pub fd2_by_dim: Vec<f64>,
    /// The minimiser of `fd2_by_dim` (1-based, smallest on ties).
    pub d_min: usize,
    /// Prop 5's bracket `[d1, d2]` (1-based).
    pub d1: usize,
    pub d2: usize,
}

pub fn capped_outcome(problem: &CappedProblem) -> CappedOutcome {
    let base = &problem.base;
    let dimension = base.dimension();
    let end_variances: Vec<f64> = (0..dimension).map(|k| problem.coordinate(k).at(base.final_time)).collect();
    let reconstruction = reconstruction_errors(&base.variances);
    let mut latent = 0.0;
    let fd2_by_dim: Vec<f64> = (0..dimension)
        .map(|k| {
            let (v, sigma2) = (end_variances[k], base.variances[k]);
            latent += squared_std_gap(v, v - sigma2, sigma2.sqrt());
            latent + reconstruction[k]
        })
        .collect();
    let d_min = argmin(&fd2_by_dim) + 1;
    let cap = problem.cap;
    let d1 = (1..=dimension).filter(|&k| 1.0 / cap <= base.estimated[k - 1]).max().unwrap_or(1);
    let d2 = (1..=dimension).find(|&k| 1.0 / (2.0 * cap - 1.0) >= 4.0 * base.variances[k - 1]).unwrap_or(dimension);
    CappedOutcome { end_variances, fd2_by_dim, d_min, d1, d2 }
}

/// `V_k(t_i)` for every coordinate (rows) and backward time (columns), row-major.
pub fn capped_variances(problem: &CappedProblem, points: usize) -> Vec<f64> {
    capped_variances_at(problem, &backward_times(problem.base.final_time, points))
}

/// `V_k(t)` for every coordinate (rows) at the given backward times (columns), row-major.
fn capped_variances_at(problem: &CappedProblem, backward: &[f64]) -> Vec<f64> {
    let final_time = problem.base.final_time;
    let times: Vec<TimePoint> = backward.iter().map(|&t| TimePoint::new(final_time, t)).collect();
    (0..problem.base.dimension())
        .flat_map(|k| {
            let coordinate = problem.coordinate(k);
            times.iter().map(move |time| coordinate.at_time(time))
        })
        .collect()
}

/// The curves `dF²(t, d)` of the capped sampler, from the variance table of [`capped_variances`].
pub fn capped_curves(problem: &CappedProblem, variances_table: &[f64], points: usize) -> CurveTable {
    let variances = &problem.base.variances;
    CurveTable::from_coordinate_errors(variances, points, |k| {
        let sigma2 = variances[k];
        variances_table[k * points..(k + 1) * points]
            .iter()
            .map(move |&v| squared_std_gap(v, v - sigma2, sigma2.sqrt()))
    })
}

/// The curves of the capped sampler at the given backward times (a zoomed plot's).
pub fn capped_curves_at(problem: &CappedProblem, times: &[f64]) -> CurveTable {
    capped_curves(problem, &capped_variances_at(problem, times), times.len())
}

/// The capped sampler's `dF²(t, d)` for every `d` at one backward time.
pub fn capped_distances_at(problem: &CappedProblem, t: f64) -> Vec<f64> {
    let variances = &problem.base.variances;
    CurveTable::from_coordinate_errors(variances, 1, |k| {
        let v = problem.coordinate(k).at(t);
        std::iter::once(squared_std_gap(v, v - variances[k], variances[k].sqrt()))
    })
    .values
}

/// The capped score on a grid of backward times: each coordinate's variance, the curves and
/// Prop 5's outcome. What `cappedScore` answers and the page's capped panels draw.
#[derive(Clone, Debug)]
pub struct CappedAnswer {
    pub problem: CappedProblem,
    pub t: Vec<f64>,
    /// `variance[k * points + i]`: coordinate `k + 1` at `t_i`.
    pub variance: Vec<f64>,
    pub fd2: CurveTable,
    pub outcome: CappedOutcome,
}

impl CappedAnswer {
    /// The answer on `points` backward times from 0 to `T` (the caller checked `points`).
    pub fn compute(problem: CappedProblem, points: usize) -> CappedAnswer {
        let variance = capped_variances(&problem, points);
        let fd2 = capped_curves(&problem, &variance, points);
        let outcome = capped_outcome(&problem);
        CappedAnswer { t: backward_times(problem.base.final_time, points), variance, fd2, outcome, problem }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn prop4_coefficient_is_the_capped_inverse_variance() {
        assert_eq!(capped_coefficient(2.0, 0.0, 0.1), 2.0);
        let tau: f64 = 0.7;
        let expected = 1.0 / (1.0 - (-2.0 * tau).exp() * (1.0 - 0.1));
        assert!((capped_coefficient(100.0, tau, 0.1) - expected).abs() < 1e-15);
    }

    #[test]
    fn uncapped_end_variance_is_theorys_formula() {
        // The cap binds only where σ̂² < 1/C: C = 4 never binds for σ̂² = 0.3: the closed form of a cap that never binds.
        let (sigma_hat2, final_time) = (0.3f64, 2.0f64);
        let q = 1.0 - sigma_hat2;
        let (e2, e4) = ((-2.0 * final_time).exp(), (-4.0 * final_time).exp());
        let expected = sigma_hat2 * (1.0 - 2.0 * q * e2 + q * e4) / (1.0 - 2.0 * q * e2 + q * q * e4);
        let v = CappedVariance::new(sigma_hat2, 4.0, final_time);
        assert_eq!(v.cap_start, final_time);
        assert!((v.at(final_time) - expected).abs() < 1e-15);
        assert!((v.at(0.0) - 1.0).abs() < 1e-15);
    }

    #[test]
    fn a_stationary_start_stays_stationary_until_the_cap_binds() {
        let v = CappedVariance::stationary(0.01, 20.0, 2.0);
        let ou = Schedule::OrnsteinUhlenbeck;
        assert!(v.cap_start > 0.0 && v.cap_start < 2.0);
        for t in [0.0, 0.5, v.cap_start] {
            let stationary = ou.a2(2.0 - t) + ou.b2(2.0 - t) * 0.01;
            assert!((v.at(t) - stationary).abs() < 1e-15, "t = {t}");
        }
        for t in [v.cap_start + 0.01, 1.9, 2.0] {
            assert!((v.at(t) - v.integrate(t, 1e-13)).abs() < 1e-9);
        }
    }

    #[test]
    fn tiny_final_times_stay_finite() {
        // Vs(0) ≈ 2T underflows its square: the closed form must not divide by it.
        for &sigma_hat2 in &[0.0, 1e-3, 0.5, 2.0] {
            let v = CappedVariance::new(sigma_hat2, 1.36, 1e-191);
            assert!((v.at(0.0) - 1.0).abs() < 1e-15);
            assert!(v.at(1e-191).is_finite() && (v.at(1e-191) - 1.0).abs() < 1e-12);
        }
    }
}

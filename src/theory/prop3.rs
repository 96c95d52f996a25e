//! Prop 3's equation and its root: where a plug-in curve of a variance-preserving schedule has
//! its minimum. In `x = a²` the slope of the latent error is `Σ_k (1 − σk/sqrt(u))(1 − σ̂k²)`,
//! `u = x + (1 − x)σ̂k²`, increasing in `x` (the convexity in Prop 1's proof).

use super::diagonal::squared_std_gap;

/// Prop 3's equation in `x = a²` for a variance-preserving schedule at one `x`, with its first
/// three derivatives, the magnitude of its terms (for the round-off level) and what bounds the
/// error of its cubic Taylor polynomial:
/// `Σ_k (1 − σk/sqrt(u))(1 − σ̂k²)`, `u = x + (1 − x)σ̂k²`. `x ↦ Σ_k (sqrt(u) − σk)²` is convex
/// (Prop 1), so the value is increasing.
#[derive(Clone, Copy, Debug)]
pub(super) struct Slope {
    pub(super) value: f64,
    pub(super) derivative: f64,
    pub(super) second: f64,
    pub(super) third: f64,
    pub(super) magnitude: f64,
    /// `Σ_k |d⁴/dx⁴ term_k|`.
    pub(super) fourth_size: f64,
    /// The latent error `Σ_k (sqrt(u) − σk)²`, whose derivative in `x` is `value`.
    pub(super) error: f64,
    /// `max_k |w|/u` over the terms that depend on `x`, the inverse of the reach `min_k u/|w|`:
    /// within a tenth of the reach, no term's `u` moves by more than 10%. (Kept inverted, a
    /// division for the whole sum and not one a term: `1/max` is `min 1/·` exactly, as a rounded
    /// division is monotone.)
    pub(super) reach_inverse: f64,
}

impl Slope {
    const ZERO: Slope = Slope {
        value: 0.0,
        derivative: 0.0,
        second: 0.0,
        third: 0.0,
        magnitude: 0.0,
        fourth_size: 0.0,
        error: 0.0,
        reach_inverse: 0.0,
    };

    #[inline]
    pub(super) fn plus(self, other: Slope) -> Slope {
        Slope {
            value: self.value + other.value,
            derivative: self.derivative + other.derivative,
            second: self.second + other.second,
            third: self.third + other.third,
            magnitude: self.magnitude + other.magnitude,
            fourth_size: self.fourth_size + other.fourth_size,
            error: self.error + other.error,
            // A select, not f64::max: in wasm that is a call to fmax, once a term.
            reach_inverse: if other.reach_inverse > self.reach_inverse {
                other.reach_inverse
            } else {
                self.reach_inverse
            },
        }
    }

    pub(super) fn is_finite(&self) -> bool {
        [self.value, self.derivative, self.second, self.third, self.magnitude, self.fourth_size]
            .iter()
            .all(|v| v.is_finite())
    }

    /// The cubic step's zero when it is the slope's own to round-off, with no evaluation: the
    /// Taylor remainder `|S''''| step⁴/24` moves the zero by at most that over `S'`. Within a tenth
    /// of the reach, `|S''''|` grows by at most `(10/9)^(9/2) < 1.61` and `S'` shrinks by at most
    /// `(10/11)^(3/2) > 0.86`.
    pub(super) fn exact_cubic_step(&self, x: f64) -> Option<f64> {
        let step = self.cubic_step();
        let within_reach = step.abs() <= 0.1 * (1.0 / self.reach_inverse);
        let moved = 1.61 * self.fourth_size * step.powi(4) / 24.0 / (0.86 * self.derivative);
        (within_reach && moved <= 2.0 * f64::EPSILON * (x + step).abs()).then_some(step)
    }

    /// The latent error `step` away, from its Taylor polynomial (its derivatives are the slope's):
    /// within an exact cubic step, the next term is below round-off.
    pub(super) fn error_after(&self, step: f64) -> f64 {
        self.error
            + step
                * (self.value + step * (0.5 * self.derivative + step * (self.second / 6.0 + step * self.third / 24.0)))
    }

    /// The zero of the slope's cubic Taylor polynomial nearest `x` (Newton's method on the
    /// polynomial from `x`): with the slope's smoothness, its error is `O(step⁴)`.
    fn cubic_step(&self) -> f64 {
        let mut step = -self.value / self.derivative;
        for _ in 0..4 {
            let p = self.value + step * (self.derivative + step * (0.5 * self.second + step * self.third / 6.0));
            let dp = self.derivative + step * (self.second + 0.5 * step * self.third);
            step -= p / dp;
        }
        step
    }
}

/// One coordinate's data: `σk`, `σk²` and `σ̂k²`.
pub(super) struct Coordinate {
    pub(super) sigma: f64,
    pub(super) sigma2: f64,
    pub(super) sigma_hat2: f64,
}

impl Coordinate {
    /// The coordinate's term `w(1 − σ u^{−1/2})`, `w = 1 − σ̂²`, `du/dx = w`, its derivatives,
    /// and its latent error `(sqrt(u) − σ)²`.
    #[inline]
    pub(super) fn term(&self, x: f64) -> Slope {
        let Coordinate { sigma, sigma2, sigma_hat2 } = *self;
        let w = 1.0 - sigma_hat2;
        let u = x + (1.0 - x) * sigma_hat2;
        if u > 0.0 {
            let r = 1.0 / u.sqrt();
            // σ w^(n+1) u^(−n−1/2) times 1/2, −3/4, 15/8, −105/16: the derivatives of −σ w u^(−1/2).
            let w_over_u = w * r * r;
            let first = 0.5 * sigma * w * w * r * r * r;
            let second = -1.5 * first * w_over_u;
            let third = -2.5 * second * w_over_u;
            let fourth_size = (3.5 * third * w_over_u).abs();
            let value = (1.0 - sigma * r) * w;
            let reach_inverse = if sigma > 0.0 { w_over_u.abs() } else { 0.0 };
            // u − σ² = xw + (σ̂² − σ²), as latent_error writes it (no cancellation near τ = 0).
            let error = squared_std_gap(u, x * w + (sigma_hat2 - sigma2), sigma);
            Slope { value, derivative: first, second, third, magnitude: value.abs(), fourth_size, error, reach_inverse }
        } else {
            // u = 0 only at x = 0 with σ̂k = 0: the limits of prop1_term.
            let value = if sigma == 0.0 { w } else { f64::NEG_INFINITY };
            Slope { value, magnitude: value.abs(), error: sigma2, ..Slope::ZERO }
        }
    }
}

/// The first `d` coordinates.
#[derive(Clone, Copy)]
pub(super) struct Coordinates<'a> {
    pub(super) sigmas: &'a [f64],
    pub(super) variances: &'a [f64],
    pub(super) estimated: &'a [f64],
}

/// The sum of Prop 3's terms for the coordinates given.
fn prop3_slope(coordinates: Coordinates, x: f64) -> Slope {
    let Coordinates { sigmas, variances, estimated } = coordinates;
    (0..sigmas.len()).fold(Slope::ZERO, |sum, k| {
        sum.plus(Coordinate { sigma: sigmas[k], sigma2: variances[k], sigma_hat2: estimated[k] }.term(x))
    })
}

/// Where Prop 3's slope goes from negative to positive: between `lower` and `upper`, with the
/// slope at `lower` when already known (Prop 1's sum at 0).
#[derive(Clone, Copy)]
pub(super) struct Bracket {
    pub(super) lower: f64,
    pub(super) upper: f64,
    pub(super) slope_at_lower: Option<f64>,
}

impl Bracket {
    pub(super) fn holds(&self, x: f64) -> bool {
        x > self.lower && x < self.upper
    }
}

/// Where the root search begins: a point with its slope already known, or a guess to evaluate.
pub(super) enum Start {
    Evaluated(f64, Slope),
    Guess(f64),
}

pub(super) struct Root {
    pub(super) x: f64,
    /// The latent error at `x`.
    pub(super) error: f64,
    /// The last point where the slope was evaluated, with the slope there.
    pub(super) evaluated: Option<(f64, Slope)>,
    pub(super) evaluations: usize,
}

/// The root of Prop 3's equation in the bracket, by steps to the zero of the slope's cubic
/// Taylor polynomial kept inside a shrinking bracket: a step that would leave it is replaced by
/// Newton's, then by the secant of the bracket's ends (when both slopes are known), then by
/// bisection. Stops when the slope is zero up to round-off or when `settled(lower, upper)` says
/// the bracket's ends give the same answer (the caller's stopping times, equal as floats).
pub(super) fn prop3_root(
    coordinates: Coordinates,
    bracket: Bracket,
    start: Start,
    settled: impl Fn(f64, f64) -> bool,
) -> Root {
    let (mut lower, mut upper) =
        ((bracket.lower, bracket.slope_at_lower.filter(|s| s.is_finite())), (bracket.upper, None));
    let (mut x, mut known) = match start {
        Start::Evaluated(x, slope) => (x, Some(slope)),
        Start::Guess(x) if bracket.holds(x) => (x, None),
        Start::Guess(_) => (0.5 * (lower.0 + upper.0), None),
    };
    let mut evaluations = 0;
    let mut evaluated = None;
    for _ in 0..200 {
        let slope = known.take().unwrap_or_else(|| {
            evaluations += 1;
            prop3_slope(coordinates, x)
        });
        evaluated = Some((x, slope));
        // Converged: the slope is zero up to round-off, or the bracket is one float wide. (Among
        // subnormal x, where ε·x is below the floats' spacing, one float is the smallest normal's
        // width: a² that small is e^-2τ at τ ≈ 354 for OU.)
        let float_width = (4.0 * f64::EPSILON * x).max(f64::MIN_POSITIVE);
        if slope.value.abs() <= 16.0 * f64::EPSILON * slope.magnitude || upper.0 - lower.0 <= float_width {
            break;
        }
        if slope.value < 0.0 {
            lower = (x, Some(slope.value))
        } else {
            upper = (x, Some(slope.value))
        }
        if settled(lower.0, upper.0) {
            break;
        }
        let inside = |p: f64| p > lower.0 && p < upper.0;
        if let Some(step) = slope.exact_cubic_step(x).filter(|&step| inside(x + step)) {
            return Root { x: x + step, error: slope.error_after(step), evaluated, evaluations };
        }
        let cubic = x + slope.cubic_step();
        let newton = x - slope.value / slope.derivative;
        x = if inside(cubic) {
            cubic
        } else if inside(newton) {
            newton
        } else {
            match (lower.1, upper.1) {
                (Some(fl), Some(fu)) if inside(lower.0 - fl * (upper.0 - lower.0) / (fu - fl)) => {
                    lower.0 - fl * (upper.0 - lower.0) / (fu - fl)
                }
                _ => 0.5 * (lower.0 + upper.0),
            }
        };
    }
    let (x, error) = evaluated.map_or((x, f64::NAN), |(at, slope)| (at, slope.error));
    Root { x, error, evaluated, evaluations }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theory::diagonal::{DiagonalProblem, latent_error_slope, stopping_curves, stopping_distance};
    use crate::theory::schedule::Schedule;
    use crate::theory::verdicts::verdicts_and_work;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn prop3_root_converges_among_subnormal_squared_signals() {
        // λ = 2 on D = 4096 (2^-k subnormal from k = 1023, zero past 1074), plug-in from n = 2:
        // the root of d = 1799 lies near a² = 1.5e-313, where ε·a² is below the floats' spacing.
        let all: Vec<f64> = (1..=4096).map(|k| (0..k).fold(1.0f64, |x, _| x * 0.5)).collect();
        let estimated = &crate::theory::estimate::estimate_variances(&all, 2, 1).unwrap()[..1799];
        let variances = &all[..1799];
        let sigmas: Vec<f64> = variances.iter().map(|v| v.sqrt()).collect();
        let (lower, upper) = (1e-320, 1e-310);
        let coordinates = Coordinates { sigmas: &sigmas, variances, estimated };
        let value = |x: f64| prop3_slope(coordinates, x).value;
        assert!(value(lower) < 0.0 && value(upper) > 0.0, "the bracket holds the root");
        let bracket = Bracket { lower, upper, slope_at_lower: None };
        let root = prop3_root(coordinates, bracket, Start::Guess(1e-312), |_, _| false);
        let (root, iterations) = (root.x, root.evaluations);
        assert!(root > lower && root < upper && root < f64::MIN_POSITIVE, "{root:e}");
        assert!(iterations < 100, "{iterations} slope evaluations");
        // Within the smallest normal's width of the sign change.
        assert!(value(root - f64::MIN_POSITIVE) <= 0.0 || value(root + f64::MIN_POSITIVE) >= 0.0);
    }

    fn problem(variances: &[f64], estimated: Option<&[f64]>) -> DiagonalProblem {
        DiagonalProblem::new(variances.to_vec(), estimated.map(<[f64]>::to_vec), Schedule::OrnsteinUhlenbeck, 2.0)
            .unwrap()
    }

    /// The stop of `d` by plain bisection on the sign of the latent error's slope in `τ`
    /// (`latent_error_slope`, written from the schedule's rates, not from Prop 3's equation).
    fn bisected_stop(problem: &DiagonalProblem, d: usize) -> f64 {
        let final_time = problem.final_time;
        let slope = |tau: f64| latent_error_slope(problem, d, tau);
        if slope(final_time) <= 0.0 {
            return 0.0;
        }
        let (mut low, mut high) = (0.0, final_time);
        while high - low > 1e-16 * high {
            let middle = 0.5 * (low + high);
            if middle <= low || middle >= high {
                break;
            }
            if slope(middle) < 0.0 { low = middle } else { high = middle }
        }
        final_time - 0.5 * (low + high)
    }

    #[test]
    fn roots_match_bisection_at_about_one_slope_evaluation_each() {
        let power: Vec<f64> = (1..=600).map(|k| 1.0 / k as f64).collect();
        let exponential: Vec<f64> = (1..=600).map(|k| 1.01f64.powi(-k)).collect();
        for (variances, n) in [(&power, 3), (&power, 1000), (&exponential, 2), (&exponential, 1000)] {
            let estimated = crate::theory::estimate::estimate_variances(variances, n, 4).unwrap();
            let p = problem(variances, Some(&estimated));
            let (verdicts, work) = verdicts_and_work(&p, &stopping_curves(&p, 400));
            let mut rooted = 0;
            for (d, verdict) in (1..=variances.len()).zip(&verdicts) {
                if !verdict.monotone {
                    rooted += d;
                    let bisected = bisected_stop(&p, d);
                    // The distance carried through the search is the definition's at the stop.
                    let defined = stopping_distance(&p, verdict.optimal_stop, d);
                    assert!(
                        (verdict.distance - defined).abs() <= 1e-12 * defined,
                        "d = {d}: {} vs {defined}",
                        verdict.distance
                    );
                    assert!(
                        (verdict.optimal_stop - bisected).abs() < 1e-9,
                        "n = {n}, d = {d}: {} vs {bisected}",
                        verdict.optimal_stop
                    );
                }
            }
            // Each d's slope costs d terms; about one evaluation per root, not Newton's four.
            assert!(rooted > 0 && work <= rooted * 3 / 2, "n = {n}: {work} terms for roots of {rooted}");
        }
    }

    #[test]
    fn roots_that_the_grid_settles_cost_no_evaluations() {
        // λ = 2 on D = 4096, plug-in from a few samples: past d ≈ 1074 the variances are 0, and
        // every root is a² below 1e-17, a stop within an ulp of T. They once took 5–6 s in the
        // page: 14 evaluations of the O(d) slope per root, up to 200 among subnormal a².
        let variances: Vec<f64> = (1..=4096).map(|k| (0..k).fold(1.0f64, |x, _| x * 0.5)).collect();
        for n in [2, 3, 5, 10] {
            let estimated = crate::theory::estimate::estimate_variances(&variances, n, 1).unwrap();
            let p = problem(&variances, Some(&estimated));
            let (verdicts, work) = verdicts_and_work(&p, &stopping_curves(&p, 400));
            let late = verdicts.iter().filter(|v| !v.monotone).count();
            assert!(late > 3000, "n = {n}: {late} dimensions stop early");
            assert!(work <= 40 * 4096, "n = {n}: {work} terms");
        }
    }
}

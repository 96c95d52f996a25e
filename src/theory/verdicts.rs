//! Each latent dimension's optimal stopping time (the paper's Section 4): Prop 1 says whether `d`
//! stops early, Prop 3's root (variance-preserving schedules) or a refined grid minimum (rectified
//! flow) says when, and `dF²` there.

use crate::numeric::roots::illinois;
use crate::theory::diagonal::{
    CurveTable, DiagonalProblem, argmin, backward_times, latent_error_slope, prop1_sums, reconstruction_errors,
    stopping_distance,
};
use crate::theory::prop3::{Bracket, Coordinate, Coordinates, Slope, Start, prop3_root};

/// What stopping early does for one latent dimension.
#[derive(Clone, Debug, PartialEq)]
pub struct StoppingVerdict {
    /// `t ↦ dF²(t, d)` is non-increasing: running to `T` is optimal.
    pub monotone: bool,
    /// The backward time of least `dF²` (`T` when monotone).
    pub optimal_stop: f64,
    /// `dF²` there.
    pub distance: f64,
}

/// The optimal stopping time of every `d`, using a table of curves on a grid to bracket it.
///
/// Variance-preserving schedules: Prop 1's sum decides monotonicity exactly; otherwise the minimum
/// is the unique root of the slope (Prop 3), refined from the grid's bracket to machine precision.
/// Rectified flow has no such convexity (its marginal variance dips below `σ²` on the way), so
/// monotonicity is read off the grid and the grid's global minimum is refined the same way.
pub fn stopping_verdicts(problem: &DiagonalProblem, table: &CurveTable) -> Vec<StoppingVerdict> {
    verdicts_and_work(problem, table).0
}

/// [`stopping_verdicts`], with the number of Prop 3 terms it evaluated (its cost: tests hold it
/// to `O(D)` evaluations of the `O(d)` slope, not the `O(D²)`-times-iterations it once was).
pub(super) fn verdicts_and_work(problem: &DiagonalProblem, table: &CurveTable) -> (Vec<StoppingVerdict>, usize) {
    let mut search = VerdictSearch::new(problem, table);
    let verdicts = (1..=problem.dimension()).map(|_| search.next_verdict(problem, table)).collect();
    (verdicts, search.prop3_terms)
}

/// [`stopping_verdicts`] one `d` at a time, in order: each root starts from the previous `d`'s
/// slope, which the search keeps between calls, so that a caller can find them in chunks (the
/// page does at large `D`, staying responsive in between).
#[derive(Clone, Debug)]
pub struct VerdictSearch {
    /// Verdicts found so far: the next is that of `d = found + 1`.
    found: usize,
    /// Prop 1's exact test (variance-preserving) or the grid's (rectified flow), for every `d`.
    monotone: Vec<bool>,
    times: Vec<f64>,
    sums: Vec<f64>,
    sigmas: Vec<f64>,
    reconstruction: Vec<f64>,
    /// The slope of the last `d` where it was last evaluated, near its root: one more term gives
    /// the next `d`'s slope there in O(1), and a start that is usually one evaluation from its root.
    carried: Option<(f64, Slope)>,
    /// Prop 3 terms evaluated so far (each slope evaluation for `d` costs `d`).
    prop3_terms: usize,
    /// What the search has cost so far, in terms: slope evaluations, the refinements of rectified
    /// flow, and each `d`'s pass over its row of the table.
    cost: usize,
}

impl VerdictSearch {
    pub fn new(problem: &DiagonalProblem, table: &CurveTable) -> VerdictSearch {
        let sums = prop1_sums(problem);
        let monotone = (1..=problem.dimension())
            .map(|d| {
                if problem.schedule.is_variance_preserving() {
                    sums[d - 1] >= 0.0
                } else {
                    let row = table.row(d);
                    let scale = row.iter().fold(0.0f64, |m, v| m.max(v.abs()));
                    row.windows(2).all(|w| w[1] <= w[0] + 1e-12 * scale)
                }
            })
            .collect();
        VerdictSearch {
            found: 0,
            monotone,
            times: backward_times(problem.final_time, table.points),
            sums,
            sigmas: problem.variances.iter().map(|v| v.sqrt()).collect(),
            reconstruction: reconstruction_errors(&problem.variances),
            carried: None,
            prop3_terms: 0,
            cost: 0,
        }
    }

    /// How many `d` have their verdict.
    pub fn found(&self) -> usize {
        self.found
    }

    /// Every `d`'s monotonicity, known before any root is found.
    pub fn monotone(&self) -> &[bool] {
        &self.monotone
    }

    /// Prop 1's sum of every `d`.
    pub fn prop1_sums(&self) -> &[f64] {
        &self.sums
    }

    /// The work done so far, in terms of `O(1)` cost each.
    pub fn cost(&self) -> usize {
        self.cost
    }

    /// The verdict of the next `d` (`found() + 1`, at most `D`).
    pub fn next_verdict(&mut self, problem: &DiagonalProblem, table: &CurveTable) -> StoppingVerdict {
        self.found += 1;
        let d = self.found;
        let final_time = problem.final_time;
        let schedule = &problem.schedule;
        let last = table.points - 1;
        let stop_at = |x: f64| final_time - schedule.extended_inverse_a2(x, final_time);
        let row = table.row(d);
        let monotone = self.monotone[d - 1];
        let coordinate = Coordinate {
            sigma: self.sigmas[d - 1],
            sigma2: problem.variances[d - 1],
            sigma_hat2: problem.estimated[d - 1],
        };
        self.carried =
            self.carried.filter(|(_, slope)| slope.is_finite()).map(|(x, slope)| (x, slope.plus(coordinate.term(x))));
        self.cost += 1;
        let at_end = row[last];
        if monotone {
            return StoppingVerdict { monotone, optimal_stop: final_time, distance: at_end };
        }
        self.cost += table.points;
        let best = argmin(row);
        // The grid's neighbours of its minimum bracket the true one (the curve is unimodal).
        let (newer, older) = ((best + 1).min(last), best.saturating_sub(1));
        let (stop, distance) = if schedule.is_variance_preserving() {
            let x = |i: usize| schedule.a2(final_time - self.times[i]);
            let bracket = Bracket {
                lower: x(newer),
                upper: if best == 0 { schedule.a2(final_time) } else { x(older) },
                slope_at_lower: (newer == last).then_some(self.sums[d - 1]),
            };
            // The root and the latent error there: straight from the carried slope when its
            // cubic step is exact, else by the search.
            let carried_step = self.carried.and_then(|(x, slope)| {
                let step = slope.exact_cubic_step(x).filter(|&step| bracket.holds(x) && bracket.holds(x + step))?;
                Some((x + step, slope.error_after(step)))
            });
            let (root, error) = carried_step.unwrap_or_else(|| {
                let start = match self.carried {
                    Some((x, slope)) if bracket.holds(x) => Start::Evaluated(x, slope),
                    _ => Start::Guess(parabola_vertex(
                        [x(older), x(best), x(newer)],
                        [row[older], row[best], row[newer]],
                    )),
                };
                let coordinates = Coordinates {
                    sigmas: &self.sigmas[..d],
                    variances: &problem.variances[..d],
                    estimated: &problem.estimated[..d],
                };
                let root = prop3_root(coordinates, bracket, start, |a, b| stop_at(a) == stop_at(b));
                self.carried = root.evaluated;
                self.prop3_terms += root.evaluations * d;
                self.cost += root.evaluations * d;
                (root.x, root.error)
            });
            let stop = stop_at(root);
            (stop, if stop == final_time { at_end } else { error + self.reconstruction[d - 1] })
        } else {
            let (tau, evaluations) =
                refine_minimum(problem, d, final_time - self.times[newer], final_time - self.times[older]);
            self.cost += evaluations * d;
            let stop = final_time - tau;
            (stop, stopping_distance(problem, stop, d))
        };
        StoppingVerdict { monotone, optimal_stop: stop, distance }
    }
}

/// The abscissa of the vertex of the parabola through three points (the middle one if they are
/// degenerate): a start for Newton's method that is already within `O(h³)` of the minimum.
fn parabola_vertex(x: [f64; 3], y: [f64; 3]) -> f64 {
    let (left, right) = (x[1] - x[0], x[1] - x[2]);
    let numerator = left * left * (y[1] - y[2]) - right * right * (y[1] - y[0]);
    let denominator = left * (y[1] - y[2]) - right * (y[1] - y[0]);
    let vertex = x[1] - 0.5 * numerator / denominator;
    if vertex.is_finite() { vertex } else { x[1] }
}

/// The forward time of least latent error in `[low, high]` from the sign of the slope, or the
/// better end when the slope does not change sign there; with the slope evaluations it took.
fn refine_minimum(problem: &DiagonalProblem, d: usize, low: f64, high: f64) -> (f64, usize) {
    let evaluations = std::cell::Cell::new(0);
    let slope = |tau: f64| {
        evaluations.set(evaluations.get() + 1);
        latent_error_slope(problem, d, tau)
    };
    let (slope_low, slope_high) = (slope(low), slope(high));
    let tau = if slope_low < 0.0 && slope_high > 0.0 {
        illinois(slope, low, high, 1e-15 * (1.0 + high))
    } else if slope_low >= 0.0 {
        low
    } else {
        high
    };
    (tau, evaluations.get())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theory::diagonal::CurvesAnswer;
    use crate::theory::estimate::estimate_variances;
    use crate::theory::schedule::Schedule;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn verdicts_found_in_chunks_are_those_found_at_once() {
        let variances: Vec<f64> = (1..=300).map(|k| 1.0 / k as f64).collect();
        let estimated = estimate_variances(&variances, 3, 1).unwrap();
        for (schedule, final_time) in [(Schedule::OrnsteinUhlenbeck, 2.0), (Schedule::RectifiedFlow, 1.0)] {
            let problem =
                DiagonalProblem::new(variances.clone(), Some(estimated.clone()), schedule, final_time).unwrap();
            let whole = CurvesAnswer::compute(problem.clone(), 200);
            assert_eq!(whole.verdicts_found(), 300);
            let mut chunked = CurvesAnswer::with_verdicts_pending(problem, 200);
            assert_eq!(chunked.monotone, whole.monotone, "monotonicity is known before any root");
            assert!(chunked.optimal_stop.iter().all(|t| t.is_nan()));
            let mut chunks = 0;
            while !chunked.find_verdicts(2_000) {
                chunks += 1;
                let found = chunked.verdicts_found();
                assert!(found < 300 && chunked.optimal_stop[found - 1].is_finite());
                assert!(chunked.optimal_stop[found..].iter().all(|t| t.is_nan()));
            }
            assert!(chunks >= 5, "{schedule:?}: {chunks} chunks");
            assert_eq!(chunked.verdicts_found(), 300);
            // Bit for bit: the chunks carry the slope from one d to the next as the single pass does.
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&chunked.optimal_stop), bits(&whole.optimal_stop), "{schedule:?}");
            assert_eq!(bits(&chunked.at_optimal_stop), bits(&whole.at_optimal_stop), "{schedule:?}");
            assert!(whole.monotone.iter().any(|&m| !m), "{schedule:?}: some d stops early");
        }
    }
}

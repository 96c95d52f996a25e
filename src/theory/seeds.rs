//! Many draws of the plug-in variances: how typical an early stop is. Each seed gives `σ̂²` from
//! `n` samples ([`estimate_variances`]); its curves are closed forms, so every draw's verdict and
//! optimal stopping time per `d` are exact (Prop 1's sign, the root of the convexity argument in its
//! proof), and only the draw of `σ̂²` is random.

use crate::input::limits::{MAX_SEED_WORK, MAX_SEEDS};
use crate::input::{self, InputError};
use crate::theory::diagonal::{DiagonalProblem, stopping_curves};
use crate::theory::estimate::estimate_variances;
use crate::theory::verdicts::stopping_verdicts;

/// The grid that brackets each draw's minimum: the curves are unimodal (convex in `a²`), so the
/// grid's neighbours of its smallest value hold the true one, which is then refined exactly.
const BRACKET_POINTS: usize = 33;

/// What `seeds` draws of `σ̂²` (seeds `first_seed …`) say for each latent dimension `d`.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedStudy {
    pub n: usize,
    pub first_seed: u64,
    pub seeds: usize,
    /// `dips[d − 1]`: the draws whose curve for `d` has its minimum before `T`.
    pub dips: Vec<usize>,
    /// `stops[d − 1]`: those draws' optimal stopping times (ascending once complete).
    pub stops: Vec<Vec<f64>>,
    /// `gains[d − 1]`: those draws' relative gain `1 − dF²(t*, d) / dF²(T, d)` (ascending once complete).
    pub gains: Vec<Vec<f64>>,
    /// Whether the draw of each seed dips for `d`: `dipped[(seed − first_seed) · D + d − 1]`.
    pub dipped: Vec<bool>,
}

impl SeedStudy {
    /// `seeds` draws of `n` samples for the problem's data, schedule and `T` (its own `σ̂²` unused).
    pub fn compute(
        problem: &DiagonalProblem,
        n: usize,
        first_seed: u64,
        seeds: usize,
    ) -> Result<SeedStudy, InputError> {
        let mut study = SeedStudy::start(problem, n, first_seed, seeds)?;
        study.advance(problem, seeds)?;
        Ok(study)
    }

    /// An empty study of `seeds` draws, its size checked: [`SeedStudy::advance`] fills it, a few
    /// draws at a time, so that the page's thread never waits for all of them at once.
    pub fn start(problem: &DiagonalProblem, n: usize, first_seed: u64, seeds: usize) -> Result<SeedStudy, InputError> {
        let dimension = problem.dimension();
        if seeds == 0 || seeds > MAX_SEEDS {
            return Err(InputError::new("seeds", format!("must be from 1 to {MAX_SEEDS}, got {seeds}")));
        }
        if first_seed.checked_add(seeds as u64).is_none() {
            return Err(InputError::new("seed", "the seeds must stay below 2^64"));
        }
        input::check_sample_size(n, dimension)?;
        let work = seeds.saturating_mul(dimension).saturating_mul(n.saturating_add(BRACKET_POINTS));
        if work > MAX_SEED_WORK {
            return Err(InputError::new(
                "seeds",
                format!(
                    "{seeds} draws × D = {dimension} × (n = {n} + {BRACKET_POINTS}) is {work} values, over the \
                     page's {MAX_SEED_WORK}: fewer seeds or a smaller n"
                ),
            ));
        }
        Ok(SeedStudy {
            n,
            first_seed,
            seeds,
            dips: vec![0; dimension],
            stops: vec![Vec::new(); dimension],
            gains: vec![Vec::new(); dimension],
            dipped: Vec::with_capacity(seeds * dimension),
        })
    }

    /// Draws done so far.
    pub fn done(&self) -> usize {
        self.dipped.len() / self.dips.len()
    }

    pub fn is_complete(&self) -> bool {
        self.done() == self.seeds
    }

    /// The next `count` draws (fewer at the end); returns how many are done. `problem` must be the
    /// one the study started with.
    pub fn advance(&mut self, problem: &DiagonalProblem, count: usize) -> Result<usize, InputError> {
        let from = self.first_seed + self.done() as u64;
        let to = (from + count as u64).min(self.first_seed + self.seeds as u64);
        for seed in from..to {
            let estimated = estimate_variances(&problem.variances, self.n, seed)?;
            let draw = DiagonalProblem { estimated, ..problem.clone() };
            let table = stopping_curves(&draw, BRACKET_POINTS);
            let verdicts = stopping_verdicts(&draw, &table);
            for (k, verdict) in verdicts.iter().enumerate() {
                self.dipped.push(!verdict.monotone);
                if verdict.monotone {
                    continue;
                }
                let (at_end, at_stop) = (*table.row(k + 1).last().expect("points ≥ 2"), verdict.distance);
                self.dips[k] += 1;
                self.stops[k].push(verdict.optimal_stop);
                self.gains[k].push(if at_end > 0.0 { 1.0 - at_stop / at_end } else { 0.0 });
            }
        }
        if self.is_complete() {
            for values in self.stops.iter_mut().chain(self.gains.iter_mut()) {
                values.sort_by(f64::total_cmp);
            }
        }
        Ok(self.done())
    }

    /// The share of draws that dip for each `d`.
    pub fn dip_shares(&self) -> Vec<f64> {
        self.dips.iter().map(|&dips| dips as f64 / self.seeds as f64).collect()
    }

    /// Whether seed `seed`'s draw dips for `d`, if the study holds that seed.
    pub fn seed_dips(&self, seed: u64, d: usize) -> Option<bool> {
        let index = seed.checked_sub(self.first_seed)? as usize;
        let dimension = self.dips.len();
        (index < self.seeds && (1..=dimension).contains(&d)).then(|| self.dipped[index * dimension + d - 1])
    }
}

/// The `p`-quantile (`0 ≤ p ≤ 1`) of ascending values, interpolated linearly; NaN when empty.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        len => {
            let position = p.clamp(0.0, 1.0) * (len - 1) as f64;
            let (below, fraction) = (position.floor() as usize, position.fract());
            let above = (below + 1).min(len - 1);
            sorted[below] + fraction * (sorted[above] - sorted[below])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        assert!(quantile(&[], 0.5).is_nan());
        assert_eq!(quantile(&[3.0], 0.9), 3.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 0.0), 1.0);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0], 1.0), 4.0);
        assert!((quantile(&[0.0, 10.0], 0.1) - 1.0).abs() < 1e-15);
    }
}

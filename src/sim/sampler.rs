//! Discretised samplers of the backward process in the latent space, their exact laws, and seeded
//! Monte Carlo (this project's addition to the paper, which studies the continuous-time sampler).
//!
//! With a linear score `−m(τ) y` every sampler acts on each latent coordinate as
//! `y ← A y + B z`, `z ~ N(0, 1)`, with coefficients that depend only on the step and the
//! coordinate. One table of `(A, B)` therefore gives both the Monte Carlo update and the exact law
//! of the discretised sampler: `V ← A² V + B²`.

use std::ops::Range;

use rand_distr::{Distribution, StandardNormal};

use crate::input::limits::MAX_STEPS;
use crate::input::{self, InputError};
use crate::numeric::random::{seeded_rng, trajectory_rng};
use crate::theory::capped::CappedVariance;
use crate::theory::diagonal::{DiagonalProblem, reconstruction_errors, squared_std_gap};
use crate::theory::schedule::Schedule;

/// How the backward process is discretised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `y ← y + h λ y + sqrt(2 w² h) z`, `λ = w²(1 − 2m)` at the step's start.
    EulerMaruyama,
    /// The linear SDE solved exactly with its coefficients frozen at the step's start.
    Exponential,
    /// The probability-flow ODE `y' = w²(1 − m) y` by Heun's method (deterministic); a last step
    /// that ends at the data is an Euler step.
    FlowHeun,
    /// The probability-flow ODE solved exactly with its coefficient frozen at the step's start.
    FlowExact,
}

impl Method {
    pub const NAMES: [&'static str; 4] = ["euler-maruyama", "exponential", "flow-heun", "flow-exact"];

    pub fn from_name(name: &str) -> Option<Method> {
        Some(match name {
            "euler-maruyama" => Method::EulerMaruyama,
            "exponential" => Method::Exponential,
            "flow-heun" => Method::FlowHeun,
            "flow-exact" => Method::FlowExact,
            _ => return None,
        })
    }

    /// The JS name, as `from_name` reads it.
    pub fn name(self) -> &'static str {
        Method::NAMES[self as usize]
    }

    fn is_flow(self) -> bool {
        matches!(self, Method::FlowHeun | Method::FlowExact)
    }
}

/// The law the sampler starts from at backward time 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// `N(0, a²_T + b²_T σ̂²)` per coordinate (the paper's eq. (5) start law).
    Stationary,
    /// `N(0, 1)` per coordinate (Prop 5's setting).
    StandardNormal,
}

impl Start {
    pub const NAMES: [&'static str; 2] = ["stationary", "standard-normal"];

    pub fn from_name(name: &str) -> Option<Start> {
        Some(match name {
            "stationary" => Start::Stationary,
            "standard-normal" => Start::StandardNormal,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        Start::NAMES[self as usize]
    }
}

/// Which linear score the sampler follows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Score {
    /// Fitted on the estimated variances.
    PlugIn,
    /// With the data's variances.
    Exact,
    /// Prop 4's capped plug-in score (OU only).
    Capped(f64),
}

impl Score {
    /// The names of the scores; `"capped"` takes its cap `C` beside it.
    pub const NAMES: [&'static str; 3] = ["plug-in", "exact", "capped"];

    pub fn name(self) -> &'static str {
        match self {
            Score::PlugIn => "plug-in",
            Score::Exact => "exact",
            Score::Capped(_) => "capped",
        }
    }
}

/// A validated sampler: the data and schedule, the latent dimension, the discretisation.
#[derive(Clone, Debug)]
pub struct Sampler {
    pub problem: DiagonalProblem,
    pub dimension: usize,
    pub steps: usize,
    pub stop_time: f64,
    pub method: Method,
    pub start: Start,
    pub score: Score,
}

impl Sampler {
    pub fn new(
        problem: DiagonalProblem,
        dimension: usize,
        steps: usize,
        stop_time: f64,
        method: Method,
        start: Start,
        score: Score,
    ) -> Result<Sampler, InputError> {
        if dimension == 0 || dimension > problem.dimension() {
            return Err(InputError::new(
                "d",
                format!("the latent dimension must be from 1 to D = {}, got {dimension}", problem.dimension()),
            ));
        }
        if steps == 0 || steps > MAX_STEPS {
            return Err(InputError::new("steps", format!("must be from 1 to {MAX_STEPS}, got {steps}")));
        }
        if !(stop_time.is_finite() && stop_time > 0.0 && stop_time <= problem.final_time) {
            return Err(InputError::new(
                "stopTime",
                format!("must be in (0, T] = (0, {}], got {stop_time}", problem.final_time),
            ));
        }
        if problem.schedule.w2(0.0).is_none() {
            return Err(InputError::new(
                "schedule",
                "sampling needs a variance-preserving schedule (not rectified flow)",
            ));
        }
        if let Score::Capped(cap) = score {
            input::check_cap(cap)?;
            if problem.schedule != Schedule::OrnsteinUhlenbeck || method.is_flow() {
                return Err(InputError::new(
                    "score",
                    "the capped score is Prop 4's setting: the OU schedule with an SDE sampler",
                ));
            }
        }
        Ok(Sampler { problem, dimension, steps, stop_time, method, start, score })
    }

    /// The variance the score is fitted to for coordinate `k`.
    fn fitted_variance(&self, k: usize) -> f64 {
        match self.score {
            Score::Exact => self.problem.variances[k],
            Score::PlugIn | Score::Capped(_) => self.problem.estimated[k],
        }
    }

    /// The score's coefficient `m` and the rate `w²` at backward time `t` for coordinate `k`.
    fn coefficients(&self, k: usize, t: f64) -> (f64, f64) {
        let schedule = &self.problem.schedule;
        let tau = (self.problem.final_time - t).max(0.0);
        let w2 = schedule.w2(tau).expect("checked: variance preserving");
        let m = 1.0 / (schedule.a2(tau) + schedule.b2(tau) * self.fitted_variance(k));
        let m = if let Score::Capped(cap) = self.score { m.min(cap) } else { m };
        (m, w2)
    }

    pub fn step_length(&self) -> f64 {
        self.stop_time / self.steps as f64
    }

    /// The backward time after each step, `0` to the stop time (exactly) in `steps + 1` values.
    pub fn step_times(&self) -> Vec<f64> {
        let h = self.step_length();
        (0..=self.steps).map(|n| if n == self.steps { self.stop_time } else { n as f64 * h }).collect()
    }

    /// The start variance of coordinate `k`.
    pub fn start_variance(&self, k: usize) -> f64 {
        match self.start {
            Start::StandardNormal => 1.0,
            Start::Stationary => {
                let (schedule, final_time) = (&self.problem.schedule, self.problem.final_time);
                schedule.a2(final_time) + schedule.b2(final_time) * self.fitted_variance(k)
            }
        }
    }

    /// `(A, B)` of step `n` (from `t = n h` to `(n + 1) h`) for coordinate `k`: `y ← A y + B z`.
    pub fn step_coefficient(&self, n: usize, k: usize) -> (f64, f64) {
        let h = self.step_length();
        let t = n as f64 * h;
        let (m, w2) = self.coefficients(k, t);
        match self.method {
            Method::EulerMaruyama => (1.0 + h * w2 * (1.0 - 2.0 * m), (2.0 * w2 * h).sqrt()),
            Method::Exponential => {
                let rate = w2 * (1.0 - 2.0 * m);
                // (e^{2 rate h} − 1)/(2 rate), written with expm1 so that rate → 0 is exact.
                let growth = if rate == 0.0 { h } else { libm::expm1(2.0 * rate * h) / (2.0 * rate) };
                (libm::exp(rate * h), (2.0 * w2 * growth).sqrt())
            }
            Method::FlowExact => (libm::exp(h * w2 * (1.0 - m)), 0.0),
            Method::FlowHeun => {
                let slope = w2 * (1.0 - m);
                // A step that ends at the data (forward time 0) takes the predictor alone: the
                // score's coefficient there is 1/σ̃², infinite for a zero variance and huge for a
                // tiny one, so the corrector would blow up (Karras et al. 2022 end the same way).
                if n + 1 == self.steps && self.stop_time >= self.problem.final_time {
                    return (1.0 + h * slope, 0.0);
                }
                let (m_next, w2_next) = self.coefficients(k, t + h);
                let slope_next = w2_next * (1.0 - m_next);
                (1.0 + 0.5 * h * (slope + slope_next * (1.0 + h * slope)), 0.0)
            }
        }
    }

    /// The `(A, B)` of every step of coordinate `k`, in order.
    pub fn coordinate_coefficients(&self, k: usize) -> Vec<(f64, f64)> {
        (0..self.steps).map(|n| self.step_coefficient(n, k)).collect()
    }

    /// The exact variance of coordinate `k` after each step (`steps + 1` values, the start first).
    pub fn coordinate_law(&self, k: usize) -> Vec<f64> {
        let mut law = Vec::with_capacity(self.steps + 1);
        law.push(self.start_variance(k));
        for (a, b) in self.coordinate_coefficients(k) {
            let v = *law.last().expect("starts with the start variance");
            law.push(a * a * v + b * b);
        }
        law
    }

    /// The exact variances of the discretised sampler after each step: `steps + 1` rows of `d`.
    pub fn law_variances(&self) -> Vec<f64> {
        let d = self.dimension;
        let columns: Vec<Vec<f64>> = (0..d).map(|k| self.coordinate_law(k)).collect();
        (0..=self.steps).flat_map(|n| columns.iter().map(move |column| column[n])).collect()
    }

    /// `dF²` of the decoded law (zero-filled to `D`) against the data, after each step.
    pub fn law_fd2(&self) -> Vec<f64> {
        let d = self.dimension;
        self.law_variances().chunks_exact(d).map(|row| self.decoded_distance(row)).collect()
    }

    /// `dF²` between `N(0, diag(v, 0, …, 0))` decoded from the latent and the data.
    fn decoded_distance(&self, latent_variances: &[f64]) -> f64 {
        let variances = &self.problem.variances;
        let tail = reconstruction_errors(variances)[latent_variances.len() - 1];
        latent_variances.iter().zip(variances).map(|(&v, &s2)| squared_std_gap(v, v - s2, s2.sqrt())).sum::<f64>()
            + tail
    }

    /// The continuous-time law's variance of coordinate `k` at backward time `t`, in closed form.
    ///
    /// For a VP schedule `Vs(t) = a² + b²σ̃²` (σ̃² the fitted variance) solves the SDE's variance
    /// equation, whose homogeneous solution is `Vs² b²_T / b²_{T−t}`; the flow's equation is solved
    /// by `Vs` itself. The capped SDE (OU) uses Prop 5's closed form.
    pub fn continuous_variance(&self, k: usize, t: f64) -> f64 {
        let fitted = self.fitted_variance(k);
        let final_time = self.problem.final_time;
        if let Score::Capped(cap) = self.score {
            let law = match self.start {
                Start::Stationary => CappedVariance::stationary(fitted, cap, final_time),
                Start::StandardNormal => CappedVariance::new(fitted, cap, final_time),
            };
            return law.at(t);
        }
        let schedule = &self.problem.schedule;
        let stationary = |tau: f64| schedule.a2(tau) + schedule.b2(tau) * fitted;
        let (now, start) = (stationary(final_time - t), stationary(final_time));
        let start_excess = match self.start {
            Start::Stationary => 0.0,
            // 1 − Vs(0) = (1 − σ̃²) b²_T, without cancellation.
            Start::StandardNormal => (1.0 - fitted) * schedule.b2(final_time),
        };
        if self.method.is_flow() {
            now * (start + start_excess) / start
        } else {
            let ratio = now / start;
            now + start_excess * ratio * ratio * schedule.b2(final_time) / schedule.b2(final_time - t)
        }
    }

    /// `dF²` of the continuous-time sampler stopped at the stop time.
    pub fn continuous_fd2(&self) -> f64 {
        self.continuous_fd2_at(self.stop_time)
    }

    /// `dF²` of the continuous-time sampler stopped at backward time `t`.
    pub fn continuous_fd2_at(&self, t: f64) -> f64 {
        let variances: Vec<f64> = (0..self.dimension).map(|k| self.continuous_variance(k, t)).collect();
        self.decoded_distance(&variances)
    }

    /// `n` seeded samples in the latent space at the stop time, row-major `n × d`: samples `0..n`
    /// of [`Sampler::record`].
    pub fn sample(&self, n: usize, seed: u64) -> Vec<f64> {
        let coordinates: Vec<usize> = (0..self.dimension).collect();
        self.record(seed, 0..n, &coordinates, &[self.steps])
    }

    /// Seeded trajectories: for each step index in `record_steps` (0 is the start, `steps` the
    /// stop), the values of the chosen latent `coordinates` (0-based, each `< d`) of the samples
    /// in `samples`. Layout: `[record step][sample][coordinate]`.
    ///
    /// Sample `s`, coordinate `k` draws its start and its noises from a ChaCha8 stream of its own
    /// ([`trajectory_rng`]), so any subset of samples and coordinates, computed in any order or in
    /// chunks, gives the very numbers of the full run: the scatter's two coordinates are two
    /// columns of `sample`, and a worker may stop between chunks.
    pub fn record(&self, seed: u64, samples: Range<usize>, coordinates: &[usize], record_steps: &[usize]) -> Vec<f64> {
        let width = coordinates.len();
        let count = samples.len();
        let mut out = vec![0.0; record_steps.len() * count * width];
        // The distinct steps to stop at, in order, and the output slots each fills (a step may be
        // asked for more than once, in any order).
        let mut stops: Vec<(usize, Vec<usize>)> = Vec::new();
        let mut order: Vec<usize> = (0..record_steps.len()).collect();
        order.sort_by_key(|&slot| record_steps[slot]);
        for slot in order {
            let step = record_steps[slot];
            assert!(step <= self.steps, "step {step} is past the last step");
            match stops.last_mut() {
                Some((last, slots)) if *last == step => slots.push(slot),
                _ => stops.push((step, vec![slot])),
            }
        }
        let last_step = stops.last().map_or(0, |(step, _)| *step);
        let base = seeded_rng(seed);
        for (column, &k) in coordinates.iter().enumerate() {
            assert!(k < self.dimension, "coordinate {k} is outside the latent space");
            let coefficients = &self.coordinate_coefficients(k)[..last_step];
            let start_sd = self.start_variance(k).sqrt();
            for (row, s) in samples.clone().enumerate() {
                let mut rng = trajectory_rng(&base, s, k);
                let z: f64 = StandardNormal.sample(&mut rng);
                let mut y = start_sd * z;
                let mut done = 0;
                for (step, slots) in &stops {
                    for &(a, b) in &coefficients[done..*step] {
                        let noise: f64 = if b == 0.0 { 0.0 } else { StandardNormal.sample(&mut rng) };
                        y = a * y + b * noise;
                    }
                    done = *step;
                    for &slot in slots {
                        out[(slot * count + row) * width + column] = y;
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn sampler(method: Method, start: Start, score: Score, steps: usize) -> Sampler {
        let problem =
            DiagonalProblem::new(vec![0.8, 0.3, 0.05], Some(vec![0.7, 0.35, 0.04]), Schedule::OrnsteinUhlenbeck, 2.0)
                .unwrap();
        Sampler::new(problem, 3, steps, 1.9, method, start, score).unwrap()
    }

    #[test]
    fn a_stationary_start_keeps_the_marginal_in_continuous_time() {
        let s = sampler(Method::EulerMaruyama, Start::Stationary, Score::PlugIn, 10);
        let ou = Schedule::OrnsteinUhlenbeck;
        for t in [0.0, 0.7, 1.9] {
            let expected = ou.a2(2.0 - t) + ou.b2(2.0 - t) * 0.35;
            assert!((s.continuous_variance(1, t) - expected).abs() < 1e-15);
        }
    }

    #[test]
    fn names_round_trip() {
        for name in Method::NAMES {
            assert_eq!(Method::from_name(name).unwrap().name(), name);
        }
        for name in Start::NAMES {
            assert_eq!(Start::from_name(name).unwrap().name(), name);
        }
        for score in [Score::PlugIn, Score::Exact, Score::Capped(2.0)] {
            assert!(Score::NAMES.contains(&score.name()));
        }
    }

    #[test]
    fn bad_samplers_are_rejected_with_their_field() {
        let problem = DiagonalProblem::new(vec![1.0, 0.5], None, Schedule::OrnsteinUhlenbeck, 2.0).unwrap();
        let new = |d, steps, stop, method, score| {
            Sampler::new(problem.clone(), d, steps, stop, method, Start::Stationary, score)
                .map(|_| ())
                .map_err(|e| e.field)
        };
        assert_eq!(new(3, 10, 1.0, Method::EulerMaruyama, Score::Exact), Err("d".into()));
        assert_eq!(new(0, 10, 1.0, Method::EulerMaruyama, Score::Exact), Err("d".into()));
        assert_eq!(new(1, 0, 1.0, Method::EulerMaruyama, Score::Exact), Err("steps".into()));
        assert_eq!(new(1, 10, 2.5, Method::EulerMaruyama, Score::Exact), Err("stopTime".into()));
        assert_eq!(new(1, 10, 1.0, Method::FlowHeun, Score::Capped(5.0)), Err("score".into()));
        assert_eq!(new(1, 10, 1.0, Method::EulerMaruyama, Score::Capped(0.5)), Err("C".into()));
        assert_eq!(new(2, 10, 1.0, Method::Exponential, Score::Capped(5.0)), Ok(()));
    }
}

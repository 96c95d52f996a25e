//! The explorer page's model: the curves and the capped score of one data set, computed once, then
//! drawn, exported and read at the cursor as often as the reader likes. The worker's results
//! (scatter samples, Monte Carlo runs) are handed in to be drawn beside the exact laws.

use std::cell::OnceCell;

use plotters::prelude::*;
use serde::Serialize;
use tsify::Tsify;

use super::panel::Panel;
use crate::api::js;
use crate::api::sampler::{SamplerRequest, request_of};
use crate::api::{CappedRequest, ExplorerRequest};
use crate::draw::recording::Recording;
use crate::draw::seeds::stop_quantiles;
use crate::draw::{self, AxisFrame, MonteCarloPoints, Overlay, ScatterFrame, Style, View, XAxis};
use crate::input::InputError;
use crate::sim::monte_carlo::MonteCarloBand;
use crate::sim::sampler::{Method, Sampler, Score, Start};
use crate::theory::capped::{CappedAnswer, CappedOutcome, CappedProblem, capped_distances_at, capped_outcome};
use crate::theory::diagonal::{CurvesAnswer, argmin, distances_at, time_of_log_snr};
use crate::theory::seeds::{SeedStudy, quantile};

pub struct Explorer {
    curves: CurvesAnswer,
    /// The capped score's problem, its number of points and Prop 5's outcome (`O(D)`), with its
    /// tables (`O(D × points)`, tens of ms at D = 4096) computed when a capped panel first needs them.
    capped_problem: (CappedProblem, usize),
    capped_outcome: CappedOutcome,
    capped: OnceCell<CappedAnswer>,
    /// The discretised sampler of the sampler panels, if any.
    sampler: Option<SamplerChoice>,
    scatter: Option<ScatterSamples>,
    monte_carlo: Option<MonteCarloRuns>,
    /// Many draws of the plug-in variances for the seeds panel, or why there are none.
    seeds: Result<SeedStudy, InputError>,
}

/// The sampler the reader chose for the sampler panels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SamplerChoice {
    pub method: Method,
    pub steps: usize,
    /// Whether its exact law (and Monte Carlo) is drawn over the curves.
    pub overlay: bool,
}

/// Simulated trajectories of two coordinates, recorded at some steps (from the worker).
struct ScatterSamples {
    /// 1-based data coordinates.
    coordinates: [usize; 2],
    steps: Vec<usize>,
    /// `[sample][axis]` draws of the data law, `[frame][sample][axis]` generated values.
    data: Vec<f64>,
    generated: Vec<f64>,
}

/// Repeated seeded runs of the sampler with `d` latent dimensions, `n` samples each.
struct MonteCarloRuns {
    d: usize,
    n: usize,
    runs: usize,
    t: Vec<f64>,
    band: MonteCarloBand,
}

/// What the page prints beside the plots: per-`d` verdicts, switch times, Prop 5's outcome.
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(rename = "ExplorerSummary")]
pub struct Summary {
    pub dimension: usize,
    #[serde(rename = "T")]
    pub final_time: f64,
    #[tsify(type = "ScheduleName")]
    pub schedule: &'static str,
    pub exact_score: bool,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub switch_times: Vec<f64>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub switch_times_estimated: Vec<f64>,
    pub monotone: Vec<bool>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub prop1_sum: Vec<f64>,
    /// NaN for the d past `verdictsFound` (found by `findVerdicts`).
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub optimal_stop: Vec<f64>,
    /// How many d (from d = 1) have their optimal stop and the distance there.
    pub verdicts_found: usize,
    /// dF²(T, d) and dF²(optimalStop[d-1], d) for each d.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub at_end: Vec<f64>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub at_optimal_stop: Vec<f64>,
    #[serde(rename = "C")]
    pub cap: f64,
    pub d_min: usize,
    pub d1: usize,
    pub d2: usize,
}

/// The chosen sampler's exact law with `d` latent dimensions, set against the continuous-time
/// sampler's: its distance after the last step, and its least distance over the steps and when.
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SamplerOutcome {
    pub d: usize,
    pub steps: usize,
    /// dF² of the discretised sampler's law after its last step (at `T`).
    pub at_end: f64,
    /// The step time where its law's dF² is least, and that dF².
    pub best_t: f64,
    pub at_best: f64,
    /// dF²(T, d) of the continuous-time sampler.
    pub continuous_at_end: f64,
}

/// The seeds panel's numbers: per `d`, the share of draws that stop early, the 10%, 50% and 90%
/// quantiles of their optimal stopping times (NaN where none does) and their median relative gain
/// `1 − dF²(t*)/dF²(T)`; and, per `d`, whether the page's own seed dips (empty when outside).
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct SeedSummary {
    pub seeds: usize,
    pub n: usize,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub dip_share: Vec<f64>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub stop_low: Vec<f64>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub stop_median: Vec<f64>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub stop_high: Vec<f64>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub gain_median: Vec<f64>,
    pub seed_dips: Vec<bool>,
}

/// Exact values at the cursor.
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(rename = "ExplorerReadout")]
pub struct Readout {
    pub t: f64,
    pub log_snr: f64,
    pub best_dim: usize,
    pub best_dim_exact: usize,
    /// dF²(t, d) for d = 1..D with the request's score, the exact one, and the capped one.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub fd2: Vec<f64>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub fd2_exact: Vec<f64>,
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub fd2_capped: Vec<f64>,
}

fn no_sampler(field: &str) -> InputError {
    InputError::new(field, "choose a sampler first")
}

impl Explorer {
    /// Computes everything for the page's data.
    pub fn new(request: ExplorerRequest) -> Result<Explorer, InputError> {
        let (curves, capped_problem) = request.answers()?;
        let capped_outcome = capped_outcome(&capped_problem.0);
        let seeds = Err(InputError::new("seeds", "not computed yet"));
        Ok(Explorer {
            curves,
            capped_problem,
            capped_outcome,
            capped: OnceCell::new(),
            sampler: None,
            scatter: None,
            monte_carlo: None,
            seeds,
        })
    }

    pub fn curves(&self) -> &CurvesAnswer {
        &self.curves
    }

    /// Finds more of the optimal stops the constructor left (its request's `verdict_work`), about
    /// `work` terms' worth. Returns whether all are found.
    pub fn find_verdicts(&mut self, work: usize) -> bool {
        self.curves.find_verdicts(work)
    }

    pub fn capped(&self) -> &CappedAnswer {
        self.capped.get_or_init(|| {
            let (problem, points) = &self.capped_problem;
            CappedAnswer::compute(problem.clone(), *points)
        })
    }

    /// A new cap `C` for the capped-score panels (the curves are kept).
    pub fn set_cap(&mut self, cap: f64) -> Result<(), InputError> {
        let (problem, points) = &self.capped_problem;
        let base = &problem.base;
        let request = CappedRequest {
            variances: base.variances.clone(),
            estimated_variances: Some(base.estimated.clone()),
            cap,
            final_time: Some(base.final_time),
            points: Some(*points),
        };
        self.capped_problem = request.problem()?;
        self.capped_outcome = capped_outcome(&self.capped_problem.0);
        self.capped = OnceCell::new();
        Ok(())
    }

    /// The sampler of the sampler panels, and whether its exact law is drawn over the curves.
    /// Another method or number of steps drops the samples and runs handed in for the old one.
    pub fn set_sampler(&mut self, choice: SamplerChoice) -> Result<(), InputError> {
        // The sampler's own checks (steps, a variance-preserving schedule), once, here.
        self.sampler_of(choice, 1)?;
        if self.sampler.is_none_or(|old| (old.method, old.steps) != (choice.method, choice.steps)) {
            self.scatter = None;
            self.monte_carlo = None;
        }
        self.sampler = Some(choice);
        Ok(())
    }

    /// The latent dimension of the sampler panels: the highlighted `d`, else the best `d` at `T`.
    pub fn sampler_dimension(&self, emphasis: Option<usize>) -> usize {
        emphasis
            .filter(|&d| (1..=self.curves.problem.dimension()).contains(&d))
            .unwrap_or(*self.curves.fd2.best_dim.last().expect("points ≥ 2") as usize)
    }

    /// The chosen sampler with `d` latent dimensions, run from the stationary law to `T` with the
    /// model's score.
    fn sampler_of(&self, choice: SamplerChoice, d: usize) -> Result<Sampler, InputError> {
        let problem = &self.curves.problem;
        let score = if self.curves.fd2_exact.is_some() { Score::PlugIn } else { Score::Exact };
        Sampler::new(problem.clone(), d, choice.steps, problem.final_time, choice.method, Start::Stationary, score)
    }

    fn chosen_sampler(&self, field: &str, d: usize) -> Result<(SamplerChoice, Sampler), InputError> {
        let choice = self.sampler.ok_or_else(|| no_sampler(field))?;
        Ok((choice, self.sampler_of(choice, d)?))
    }

    /// The chosen sampler's law for the sampler dimension of `emphasis`, against the continuous one.
    pub fn sampler_outcome(&self, emphasis: Option<usize>) -> Result<SamplerOutcome, InputError> {
        let d = self.sampler_dimension(emphasis);
        let (choice, sampler) = self.chosen_sampler("sampler", d)?;
        let law = sampler.law_fd2();
        let best = argmin(&law);
        let problem = &self.curves.problem;
        Ok(SamplerOutcome {
            d,
            steps: choice.steps,
            at_end: *law.last().expect("a sampler has at least one step"),
            best_t: sampler.step_times()[best],
            at_best: law[best],
            continuous_at_end: distances_at(problem, problem.final_time)[d - 1],
        })
    }

    /// The worker's request for the sampler panels' sampler with `d` latent dimensions.
    pub fn sampler_request(&self, d: usize) -> Result<SamplerRequest, InputError> {
        Ok(request_of(&self.chosen_sampler("sampler", d)?.1))
    }

    /// The sampler step the scatter shows at backward time `t`: a cursor move that keeps it needs
    /// no redraw.
    pub fn scatter_step_at(&self, t: f64) -> Result<usize, InputError> {
        let (_, sampler) = self.chosen_sampler("scatter", 1)?;
        Ok(self.scatter_step(&sampler.step_times(), t).1)
    }

    /// Samples for the scatter panel from the worker's chunks: the two 1-based data coordinates,
    /// the recorded steps, `n × 2` data draws and `frames × n × 2` generated values.
    pub fn set_scatter(
        &mut self,
        coordinates: &[usize],
        steps: Vec<usize>,
        data: Vec<f64>,
        generated: Vec<f64>,
    ) -> Result<(), InputError> {
        let choice = self.sampler.ok_or_else(|| no_sampler("scatter"))?;
        let dimension = self.curves.problem.dimension();
        let &[i, j] = coordinates else {
            return Err(InputError::new("coordinates", "the scatter takes two coordinates"));
        };
        if ![i, j].iter().all(|&k| (1..=dimension).contains(&k)) {
            return Err(InputError::new("coordinates", format!("must be from 1 to D = {dimension}, got {i} and {j}")));
        }
        if steps.is_empty() || steps.iter().any(|&n| n > choice.steps) || !steps.is_sorted() {
            return Err(InputError::new("steps", "recorded steps must be increasing step numbers of the sampler"));
        }
        if data.is_empty() || !data.len().is_multiple_of(2) || generated.len() != steps.len() * data.len() {
            return Err(InputError::new("scatter", "expects n × 2 data values and frames × n × 2 generated values"));
        }
        self.scatter = Some(ScatterSamples { coordinates: [i, j], steps, data, generated });
        Ok(())
    }

    /// Monte Carlo for the curves overlay: `values` holds runs × checkpoints empirical `dF²` at the
    /// checkpoint times `t`, each run of `n` samples with `d` latent dimensions.
    pub fn set_monte_carlo(&mut self, d: usize, t: Vec<f64>, values: &[f64], n: usize) -> Result<(), InputError> {
        if t.is_empty() || values.is_empty() || !values.len().is_multiple_of(t.len()) {
            return Err(InputError::new("monteCarlo", "expects runs × checkpoints values"));
        }
        self.monte_carlo =
            Some(MonteCarloRuns { d, n, runs: values.len() / t.len(), band: MonteCarloBand::new(values, t.len()), t });
        Ok(())
    }

    /// Starts a study of `σ̂²` drawn from `n` samples for seeds `0 … seeds − 1` of the page's data,
    /// schedule and `T` (the seeds panel); [`Explorer::advance_seeds`] draws them. A refused study
    /// is kept, so that the panel says why.
    pub fn study_seeds(&mut self, n: usize, seeds: usize) -> Result<(), InputError> {
        self.seeds = SeedStudy::start(&self.curves.problem, n, 0, seeds);
        self.seeds.as_ref().map(|_| ()).map_err(Clone::clone)
    }

    /// Draws the study's next `count` seeds; returns how many are done.
    pub fn advance_seeds(&mut self, count: usize) -> Result<usize, InputError> {
        let problem = &self.curves.problem;
        let study = self.seeds.as_mut().map_err(|e| e.clone())?;
        study.advance(problem, count)
    }

    /// The finished study, or why there is none to show.
    fn finished_seeds(&self) -> Result<&SeedStudy, InputError> {
        let study = self.seeds.as_ref().map_err(Clone::clone)?;
        if !study.is_complete() {
            let message = format!("drawing σ̂² for {} seeds ({} done)", study.seeds, study.done());
            return Err(InputError::new("seeds", message));
        }
        Ok(study)
    }

    /// The seeds study in numbers, with whether seed `seed`'s draw dips for each `d`.
    pub fn seed_summary(&self, seed: u64) -> Result<SeedSummary, InputError> {
        let study = self.finished_seeds()?;
        let quantiles = stop_quantiles(study, &self.curves, XAxis::Time);
        let column = |i: usize| quantiles.iter().map(|q| q[i]).collect();
        let dimension = study.dips.len();
        Ok(SeedSummary {
            seeds: study.seeds,
            n: study.n,
            dip_share: study.dip_shares(),
            stop_low: column(0),
            stop_median: column(1),
            stop_high: column(2),
            gain_median: study.gains.iter().map(|gains| quantile(gains, 0.5)).collect(),
            seed_dips: (1..=dimension).filter_map(|d| study.seed_dips(seed, d)).collect(),
        })
    }

    pub fn summary(&self) -> Summary {
        let (a, outcome) = (&self.curves, &self.capped_outcome);
        let at_end = distances_at(&a.problem, a.problem.final_time);
        Summary {
            dimension: a.problem.dimension(),
            final_time: a.problem.final_time,
            schedule: a.problem.schedule.name(),
            exact_score: a.fd2_exact.is_none(),
            switch_times: a.switch_times.clone(),
            switch_times_estimated: a.switch_times_estimated.clone(),
            monotone: a.monotone.clone(),
            prop1_sum: a.prop1_sum.clone(),
            optimal_stop: a.optimal_stop.clone(),
            verdicts_found: a.verdicts_found(),
            at_end,
            at_optimal_stop: a.at_optimal_stop.clone(),
            cap: self.capped_problem.0.cap,
            d_min: outcome.d_min,
            d1: outcome.d1,
            d2: outcome.d2,
        }
    }

    /// Exact values at backward time `t`: `dF²` of every `d` (the problem's score, the exact one,
    /// capped) and the best `d`.
    pub fn readout(&self, t: f64) -> Result<Readout, InputError> {
        let problem = &self.curves.problem;
        if !(t.is_finite() && (0.0..=problem.final_time).contains(&t)) {
            return Err(InputError::new(
                "cursor",
                format!("must be a time in [0, {}], got {}", problem.final_time, crate::input::number(t)),
            ));
        }
        let fd2 = distances_at(problem, t);
        let fd2_exact = distances_at(&problem.with_exact_score(), t);
        Ok(Readout {
            t,
            log_snr: problem.schedule.log_snr(problem.final_time - t),
            best_dim: argmin(&fd2) + 1,
            best_dim_exact: argmin(&fd2_exact) + 1,
            fd2,
            fd2_exact,
            fd2_capped: capped_distances_at(&self.capped_problem.0, t),
        })
    }

    /// The backward time shown at an x-axis value (time: itself; LogSNR: the time whose LogSNR it
    /// is), within `[0, T]`.
    pub fn time_at(&self, x: f64, axis: XAxis) -> f64 {
        let problem = &self.curves.problem;
        match axis {
            XAxis::Time => x.clamp(0.0, problem.final_time),
            XAxis::LogSnr => time_of_log_snr(&problem.schedule, problem.final_time, x),
        }
    }

    /// The exact law of the chosen sampler over the curves, with the Monte Carlo of the same `d`.
    fn overlay(&self, view: &View) -> Result<Option<Overlay>, InputError> {
        let Some(choice) = self.sampler.filter(|c| c.overlay) else { return Ok(None) };
        let d = self.sampler_dimension(view.emphasis);
        let sampler = self.sampler_of(choice, d)?;
        let monte_carlo = self.monte_carlo.as_ref().filter(|mc| mc.d == d).map(|mc| MonteCarloPoints {
            label: format!("Monte Carlo: {} runs of n = {} (simulated, 95% of runs)", mc.runs, mc.n),
            t: mc.t.clone(),
            band: mc.band.clone(),
        });
        Ok(Some(Overlay {
            label: format!("sampler, d = {d}, {} steps (exact law)", choice.steps),
            t: sampler.step_times(),
            fd2: sampler.law_fd2(),
            monte_carlo,
        }))
    }

    /// The step the scatter shows at backward time `cursor` (`times`: the sampler's step times) and
    /// its index among the shown ones: the last recorded step at or before the cursor, or the last
    /// step of all before the worker's samples arrive.
    fn scatter_step(&self, times: &[f64], cursor: f64) -> (usize, usize) {
        let reached = |n: usize| times[n] <= cursor + 1e-12;
        match &self.scatter {
            Some(s) => {
                let frame = s.steps.iter().rposition(|&n| reached(n)).unwrap_or(0);
                (frame, s.steps[frame])
            }
            None => {
                let step = (0..times.len()).rposition(reached).unwrap_or(0);
                (step, step)
            }
        }
    }

    /// The scatter at the cursor: the frame of [`Explorer::scatter_step`].
    fn scatter_frame(&self, view: &View) -> Result<ScatterFrame, InputError> {
        let d = self.sampler_dimension(view.emphasis);
        let (choice, sampler) = self.chosen_sampler("scatter", d)?;
        let times = sampler.step_times();
        let cursor = view.cursor.unwrap_or(self.curves.problem.final_time);
        let variances = &self.curves.problem.variances;
        let (frame, step) = self.scatter_step(&times, cursor);
        let (coordinates, data, generated) = match &self.scatter {
            Some(s) => {
                let n = s.data.len() / 2;
                let pairs = |values: &[f64]| values.chunks_exact(2).map(|p| (p[0], p[1])).collect::<Vec<_>>();
                let mut generated = pairs(&s.generated[frame * 2 * n..(frame + 1) * 2 * n]);
                // Decoding zero-fills the coordinates beyond the latent dimension.
                for point in &mut generated {
                    if s.coordinates[0] > d {
                        point.0 = 0.0;
                    }
                    if s.coordinates[1] > d {
                        point.1 = 0.0;
                    }
                }
                (s.coordinates, pairs(&s.data), generated)
            }
            None => ([1, 2.min(variances.len())], Vec::new(), Vec::new()),
        };
        let law = |k: usize| if k <= d { sampler.coordinate_law(k - 1)[step] } else { 0.0 };
        let samples =
            if generated.is_empty() { "samples: computing".to_string() } else { format!("n = {}", generated.len()) };
        Ok(ScatterFrame {
            title: format!(
                "Samples at t = {:.3} ({} steps done): d = {d}, {}, {samples}",
                times[step],
                step,
                choice.method.name()
            ),
            coordinates,
            data,
            generated,
            data_variances: [variances[coordinates[0] - 1], variances[coordinates[1] - 1]],
            law_variances: [law(coordinates[0]), law(coordinates[1])],
        })
    }

    /// Records a panel's drawing at a size; time plots tell where their x axis lies.
    pub fn record(
        &self,
        panel: Panel,
        size: (u32, u32),
        view: &View,
        style: &Style,
    ) -> Result<(Recording, Option<AxisFrame>), InputError> {
        let recording = Recording::new(size);
        let frame = {
            let area = recording.clone().into_drawing_area();
            let curves = &self.curves;
            match panel {
                Panel::Curves => {
                    draw::draw_curves_panel(&area, curves, view, self.overlay(view)?.as_ref(), style).map(Some)
                }
                Panel::BestDimension => draw::draw_best_dimension_panel(&area, curves, view, style).map(Some),
                Panel::CappedVariances => draw::draw_capped_variances_panel(&area, self.capped(), style).map(|_| None),
                Panel::CappedDistance => draw::draw_capped_distance_panel(&area, self.capped(), style).map(|_| None),
                Panel::CappedCurves => {
                    draw::draw_capped_curves_panel(&area, curves, self.capped(), view, style).map(Some)
                }
                Panel::Scatter => draw::draw_scatter_panel(&area, &self.scatter_frame(view)?, style).map(|_| None),
                Panel::Spectrum => draw::draw_spectrum_panel(&area, &curves.problem.variances, style).map(|_| None),
                Panel::Schedule => {
                    let problem = &curves.problem;
                    draw::draw_schedule_panel(&area, &problem.schedule, problem.final_time, style).map(|_| None)
                }
                Panel::Seeds => {
                    let study = self.finished_seeds();
                    let study = study.as_ref().map_err(|e| e.message.as_str()).copied();
                    draw::draw_seeds_panel(&area, study, curves, view, style).map(|_| None)
                }
                Panel::Sampler => {
                    return Err(InputError::new("panel", "the sampler is drawn on the curves; it has a CSV only"));
                }
            }
            .map_err(|e| InputError::new("drawing", e.to_string()))?
        };
        let legend = recording.legend_box().map(|((left, top), (right, bottom))| [left, top, right, bottom]);
        Ok((recording, frame.map(|frame| AxisFrame { legend, ..frame })))
    }

    /// A panel's numbers as CSV (the scatter: the frame at the view's cursor; the sampler: its law
    /// and Monte Carlo for the view's `d`).
    pub fn csv(&self, panel: Panel, view: &View) -> Result<String, InputError> {
        use draw::csv;
        let curves = &self.curves;
        Ok(match panel {
            Panel::Curves => csv::curves_csv(curves),
            Panel::BestDimension => csv::best_dimension_csv(curves),
            Panel::CappedVariances => csv::capped_variances_csv(self.capped()),
            Panel::CappedDistance => csv::capped_distance_csv(self.capped()),
            Panel::CappedCurves => csv::capped_curves_csv(curves, self.capped()),
            Panel::Scatter => csv::scatter_csv(&self.scatter_frame(view)?),
            Panel::Spectrum => csv::spectrum_csv(&curves.problem.variances),
            Panel::Schedule => csv::schedule_csv(&curves.problem.schedule, curves.problem.final_time),
            Panel::Seeds => csv::seeds_csv(self.finished_seeds()?, curves),
            Panel::Sampler => match self.overlay(view)? {
                Some(overlay) => csv::sampler_csv(&overlay),
                None => return Err(InputError::new("sampler", "turn the sampler on the curves on first")),
            },
        })
    }
}

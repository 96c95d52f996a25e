//! The page module's requests (`ldm_explorer`): the stopping-time curves, the capped score, the
//! plug-in variances, the page's model and how a plot is drawn, with their answers' shapes.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::js::{self, Rows};
use super::{DEFAULT_POINTS, parse_axis, parse_schedule, parse_theme};
use crate::draw::{Style, View};
use crate::input::limits::{MAX_SCALE, MIN_SCALE};
use crate::input::{self, InputError};
use crate::theory::capped::{CappedAnswer, CappedProblem};
use crate::theory::diagonal::{CurvesAnswer, DiagonalProblem};
use crate::theory::estimate::estimate_variances;
use crate::theory::schedule::Schedule;

/// Variances of the data, and optionally those the score was fitted on (plug-in score).
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CurvesRequest {
    /// σk², k = 1..D: finite, ≥ 0, 1 ≤ D ≤ limits().maxDimension.
    #[tsify(type = "ArrayLike<number>")]
    pub variances: Vec<f64>,
    /// σ̂k² (same length); omitted: the exact score.
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub estimated_variances: Option<Vec<f64>>,
    /// Final time; default 2 for "ou", 1 (the largest allowed) for the others.
    #[serde(rename = "T", default)]
    #[tsify(optional)]
    pub final_time: Option<f64>,
    /// Number of backward times from 0 to T, both included; default 512.
    #[serde(default)]
    #[tsify(optional)]
    pub points: Option<usize>,
    #[serde(default)]
    #[tsify(optional, type = "ScheduleName")]
    pub schedule: Option<String>,
}

impl CurvesRequest {
    /// The validated problem and its number of time points.
    pub fn problem(self) -> Result<(DiagonalProblem, usize), InputError> {
        let schedule = parse_schedule(self.schedule.as_deref())?;
        let final_time = self.final_time.unwrap_or(schedule.default_final_time());
        let problem = DiagonalProblem::new(self.variances, self.estimated_variances, schedule, final_time)?;
        let points = self.points.unwrap_or(DEFAULT_POINTS);
        input::check_points(points, problem.dimension())?;
        Ok((problem, points))
    }
}

/// Props 4–5: the OU schedule, as in the paper.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CappedRequest {
    #[tsify(type = "ArrayLike<number>")]
    pub variances: Vec<f64>,
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub estimated_variances: Option<Vec<f64>>,
    /// The cap on the score's weights, C > 1.
    #[serde(rename = "C")]
    pub cap: f64,
    #[serde(rename = "T", default)]
    #[tsify(optional)]
    pub final_time: Option<f64>,
    #[serde(default)]
    #[tsify(optional)]
    pub points: Option<usize>,
}

impl CappedRequest {
    pub fn problem(self) -> Result<(CappedProblem, usize), InputError> {
        let final_time = self.final_time.unwrap_or(Schedule::OrnsteinUhlenbeck.default_final_time());
        let problem = CappedProblem::new(self.variances, self.estimated_variances, self.cap, final_time)?;
        let points = self.points.unwrap_or(DEFAULT_POINTS);
        input::check_points(points, problem.base.dimension())?;
        Ok((problem, points))
    }
}

/// Everything the explorer page shows, computed once per change of its data: a curves request and
/// the cap of Props 4–5 (whose panels use the OU schedule with the same T).
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ExplorerRequest {
    #[tsify(type = "ArrayLike<number>")]
    pub variances: Vec<f64>,
    #[serde(default)]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub estimated_variances: Option<Vec<f64>>,
    #[serde(rename = "T", default)]
    #[tsify(optional)]
    pub final_time: Option<f64>,
    #[serde(default)]
    #[tsify(optional)]
    pub points: Option<usize>,
    #[serde(default)]
    #[tsify(optional, type = "ScheduleName")]
    pub schedule: Option<String>,
    /// The cap of Props 4–5, C > 1.
    #[serde(rename = "C")]
    pub cap: f64,
    /// The most work the constructor spends on the optimal stops, in terms (a `d` that stops early
    /// costs about `points + d`); `findVerdicts` finds the rest. Absent: all of them.
    #[serde(default)]
    #[tsify(optional)]
    pub verdict_work: Option<usize>,
}

impl ExplorerRequest {
    /// The curves of the page's data, and its capped-score problem with its number of points.
    pub fn answers(self) -> Result<(CurvesAnswer, (CappedProblem, usize)), InputError> {
        let capped = CappedRequest {
            variances: self.variances.clone(),
            estimated_variances: self.estimated_variances.clone(),
            cap: self.cap,
            final_time: self.final_time,
            points: self.points,
        };
        let curves = CurvesRequest {
            variances: self.variances,
            estimated_variances: self.estimated_variances,
            final_time: self.final_time,
            points: self.points,
            schedule: self.schedule,
        };
        let (problem, points) = curves.problem()?;
        let capped = capped.problem()?;
        let mut answer = CurvesAnswer::with_verdicts_pending(problem, points);
        answer.find_verdicts(self.verdict_work.unwrap_or(usize::MAX));
        Ok((answer, capped))
    }
}

/// `n` seeded samples of N(0, diag(variances)), whose plug-in variances are returned.
#[derive(Clone, Debug, Deserialize, Tsify)]
#[serde(deny_unknown_fields)]
pub struct EstimateRequest {
    #[tsify(type = "ArrayLike<number>")]
    pub variances: Vec<f64>,
    /// Number of samples, ≥ 1.
    pub n: usize,
    /// Any integer from 0 to 2^53 − 1.
    pub seed: u64,
}

pub fn stopping_curves_answer(request: CurvesRequest) -> Result<CurvesAnswer, InputError> {
    let (problem, points) = request.problem()?;
    Ok(CurvesAnswer::compute(problem, points))
}

pub fn capped_answer(request: CappedRequest) -> Result<CappedAnswer, InputError> {
    let (problem, points) = request.problem()?;
    Ok(CappedAnswer::compute(problem, points))
}

pub fn estimate_answer(request: EstimateRequest) -> Result<Vec<f64>, InputError> {
    estimate_variances(&request.variances, request.n, request.seed)
}

/// The stopping-time curves of the diagonal case and the paper's results about them.
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct StoppingCurves<'a> {
    /// Backward times, t[0] = 0 (pure noise) … t[points-1] = T (end of sampling).
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub t: &'a [f64],
    /// log(b²/a²) at forward time T − t (+Infinity at t = T).
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub log_snr: &'a [f64],
    /// fd2[d-1][i] = dF²(t_i, d) with the request's score. Rows are views of one buffer.
    #[serde(serialize_with = "js::rows")]
    #[tsify(type = "Float64Array[]")]
    pub fd2: Rows<'a>,
    /// The same with the exact score: the very arrays of fd2 when estimatedVariances is omitted.
    #[serde(serialize_with = "js::rows")]
    #[tsify(type = "Float64Array[]")]
    pub fd2_exact: Rows<'a>,
    /// Prop 2's t_1 = 0, t_2 … t_D, t_{D+1} = T with the exact score, and with the plug-in one.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub switch_times: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub switch_times_estimated: &'a [f64],
    /// The d (1-based) of least fd2 at each t_i.
    #[serde(serialize_with = "js::whole_numbers")]
    #[tsify(type = "Uint32Array")]
    pub best_dim: &'a [u32],
    /// Per d: whether dF² is non-increasing in t (Prop 1), Prop 1's sum, the best stopping time.
    pub monotone: &'a [bool],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub prop1_sum: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub optimal_stop: &'a [f64],
}

impl<'a> StoppingCurves<'a> {
    pub fn of(a: &'a CurvesAnswer) -> StoppingCurves<'a> {
        StoppingCurves {
            t: &a.t,
            log_snr: &a.log_snr,
            fd2: Rows::of(&a.fd2),
            fd2_exact: Rows::of(a.exact()),
            switch_times: &a.switch_times,
            switch_times_estimated: &a.switch_times_estimated,
            best_dim: &a.fd2.best_dim,
            monotone: &a.monotone,
            prop1_sum: &a.prop1_sum,
            optimal_stop: &a.optimal_stop,
        }
    }
}

/// Props 4–5: the norm-capped score's variances and Fréchet distances (OU schedule).
#[derive(Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CappedScore<'a> {
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub t: &'a [f64],
    /// variance[k][i]: variance of latent coordinate k+1 at t_i, started from N(0, 1).
    #[serde(serialize_with = "js::rows")]
    #[tsify(type = "Float64Array[]")]
    pub variance: Rows<'a>,
    /// fd2[d-1][i]: dF² of the capped sampler stopped at t_i with d latent dimensions.
    #[serde(serialize_with = "js::rows")]
    #[tsify(type = "Float64Array[]")]
    pub fd2: Rows<'a>,
    /// V_T per coordinate, dF²(d) at t = T, its minimiser and Prop 5's bracket [d1, d2].
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub end_variances: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub fd2_by_dim: &'a [f64],
    pub d_min: usize,
    pub d1: usize,
    pub d2: usize,
}

impl<'a> CappedScore<'a> {
    pub fn of(a: &'a CappedAnswer) -> CappedScore<'a> {
        CappedScore {
            t: &a.t,
            variance: Rows { values: &a.variance, width: a.t.len() },
            fd2: Rows::of(&a.fd2),
            end_variances: &a.outcome.end_variances,
            fd2_by_dim: &a.outcome.fd2_by_dim,
            d_min: a.outcome.d_min,
            d1: a.outcome.d1,
            d2: a.outcome.d2,
        }
    }
}

/// How a plot is drawn and what it highlights.
#[derive(Clone, Debug, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlotOptions {
    /// Default "light".
    #[serde(default)]
    #[tsify(optional, type = "ThemeName")]
    pub theme: Option<String>,
    /// "t" (backward time, default) or "logSnr".
    #[serde(default)]
    #[tsify(optional, type = "AxisName")]
    pub x_axis: Option<String>,
    /// Device pixels per CSS pixel (0.25 … 8), so that text keeps its size on dense screens; default 1.
    #[serde(default)]
    #[tsify(optional)]
    pub scale: Option<f64>,
    /// Latent dimension drawn on top, thicker (1-based).
    #[serde(default)]
    #[tsify(optional)]
    pub emphasis: Option<usize>,
    /// Backward time of the cursor line.
    #[serde(default)]
    #[tsify(optional)]
    pub cursor: Option<f64>,
    /// `[low, high]` of the time plots' x axis, in its unit (time or LogSNR); the whole run when
    /// absent. The curves are recomputed inside it.
    #[serde(default)]
    #[tsify(optional)]
    pub x_range: Option<[f64; 2]>,
    /// `[low, high]` of the log plots' `dF²` axis, `0 < low < high`; fitted when absent.
    #[serde(default)]
    #[tsify(optional)]
    pub y_range: Option<[f64; 2]>,
}

impl PlotOptions {
    /// The drawing's style and view, checked.
    pub fn style_and_view(&self) -> Result<(Style, View), InputError> {
        let theme = parse_theme(self.theme.as_deref())?;
        let x_axis = parse_axis(self.x_axis.as_deref())?;
        let scale = self.scale.unwrap_or(1.0);
        if !(scale.is_finite() && (MIN_SCALE..=MAX_SCALE).contains(&scale)) {
            return Err(InputError::new("scale", format!("must be between {MIN_SCALE} and {MAX_SCALE}, got {scale}")));
        }
        if self.cursor.is_some_and(|t| !t.is_finite()) {
            return Err(InputError::new("cursor", "must be a finite time"));
        }
        let x_window = checked_range("xRange", self.x_range, false)?;
        let y_window = checked_range("yRange", self.y_range, true)?;
        Ok((Style { theme, scale }, View { x_axis, emphasis: self.emphasis, cursor: self.cursor, x_window, y_window }))
    }
}

/// A plot's axis window: `low < high` within `±MAX_AXIS_VALUE` (a log axis: from
/// `MIN_LOG_AXIS_VALUE`), at least `MIN_AXIS_WIDTH` wide relative to its largest end.
fn checked_range(field: &str, range: Option<[f64; 2]>, log: bool) -> Result<Option<(f64, f64)>, InputError> {
    use crate::input::limits::{MAX_AXIS_VALUE, MIN_AXIS_WIDTH, MIN_LOG_AXIS_VALUE};
    let Some([low, high]) = range else { return Ok(None) };
    let floor = if log { MIN_LOG_AXIS_VALUE } else { -MAX_AXIS_VALUE };
    let within = low >= floor && high <= MAX_AXIS_VALUE;
    if !(within && high - low > MIN_AXIS_WIDTH * low.abs().max(high.abs())) {
        return Err(InputError::new(
            field,
            format!(
                "must be two numbers from {} to {}, the first below the second, got {} and {}",
                crate::input::number(floor),
                crate::input::number(MAX_AXIS_VALUE),
                crate::input::number(low),
                crate::input::number(high)
            ),
        ));
    }
    Ok(Some((low, high)))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn request(variances: Vec<f64>) -> CurvesRequest {
        CurvesRequest { variances, estimated_variances: None, final_time: None, points: None, schedule: None }
    }

    #[test]
    fn defaults_follow_the_paper() {
        let answer = stopping_curves_answer(request(vec![1.0, 0.5])).unwrap();
        assert_eq!(answer.t.len(), DEFAULT_POINTS);
        assert_eq!(*answer.t.last().unwrap(), 2.0);
        assert_eq!(answer.fd2_exact, None);
        assert_eq!(answer.switch_times, answer.switch_times_estimated);
        assert!(answer.monotone.iter().all(|&m| m));
    }

    #[test]
    fn errors_name_their_field() {
        let mut r = request(vec![1.0]);
        r.schedule = Some("vp".into());
        assert_eq!(stopping_curves_answer(r).unwrap_err().field, "schedule");
        let mut r = request(vec![1.0]);
        r.points = Some(1);
        assert_eq!(stopping_curves_answer(r).unwrap_err().field, "points");
        let mut r = request(vec![1.0]);
        r.final_time = Some(-1.0);
        assert_eq!(stopping_curves_answer(r).unwrap_err().field, "T");
        let capped =
            CappedRequest { variances: vec![1.0], estimated_variances: None, cap: 0.5, final_time: None, points: None };
        assert_eq!(capped_answer(capped).unwrap_err().field, "C");
    }

    // Natively: in wasm the typed arrays are JS objects, which only serde-wasm-bindgen serialises
    // (the Node tests check the same shapes there).
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn the_answers_reach_javascript_in_the_declared_shape() {
        let mut r = request(vec![1.0, 0.5, 0.1]);
        r.points = Some(4);
        r.estimated_variances = Some(vec![0.9, 0.6, 0.05]);
        let answer = stopping_curves_answer(r).unwrap();
        let json = serde_json::to_value(StoppingCurves::of(&answer)).unwrap();
        let fields: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
        // Every field the declaration names, no other (serde_json sorts the keys).
        let mut declared = declared_fields(<StoppingCurves as Tsify>::DECL);
        declared.sort();
        assert_eq!(fields, declared);
        assert_eq!(json["fd2"].as_array().unwrap().len(), 3);
        assert_eq!(json["fd2"][2].as_array().unwrap().len(), 4);
        assert_eq!(json["fd2Exact"][2][3].as_f64().unwrap(), answer.exact().row(3)[3]);
        assert_eq!(json["bestDim"].as_array().unwrap().len(), 4);
    }

    /// The field names of a TypeScript interface declaration.
    fn declared_fields(declaration: &str) -> Vec<&str> {
        declaration
            .lines()
            .map(str::trim)
            .filter(|line| !line.starts_with('*') && !line.starts_with("/**") && !line.starts_with("export"))
            .filter_map(|line| line.split_once(':').map(|(name, _)| name.trim_end_matches('?')))
            .collect()
    }

    #[test]
    fn plot_options_are_checked_with_their_field() {
        let field = |options: PlotOptions| options.style_and_view().unwrap_err().field;
        assert_eq!(field(PlotOptions { theme: Some("sepia".into()), ..PlotOptions::default() }), "theme");
        assert_eq!(field(PlotOptions { x_axis: Some("tau".into()), ..PlotOptions::default() }), "xAxis");
        assert_eq!(field(PlotOptions { scale: Some(9.0), ..PlotOptions::default() }), "scale");
        assert_eq!(field(PlotOptions { cursor: Some(f64::NAN), ..PlotOptions::default() }), "cursor");
        let (style, view) = PlotOptions::default().style_and_view().unwrap();
        assert_eq!((style.scale, view.x_axis), (1.0, crate::draw::XAxis::Time));
    }
}

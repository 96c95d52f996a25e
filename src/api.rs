//! The requests of the JavaScript API as plain Rust: parsed into validated problems and answered
//! with plain data. `wasm` only converts these to and from JS objects, so everything here is
//! tested natively.

use std::cell::Cell;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Deserialize, forward_to_deserialize_any};

use crate::capped::{CappedOutcome, CappedProblem, capped_curves, capped_outcome, capped_variances};
use crate::curves::{
    CurveTable, DiagonalProblem, backward_times, log_snr, prop1_sums, stopping_curves, stopping_verdicts, switch_times,
};
use crate::estimate::estimate_variances;
use crate::input::{self, InputError};
use crate::schedule::{SCHEDULE_NAMES, Schedule};

/// Time points of a curve when the request gives none.
pub const DEFAULT_POINTS: usize = 512;

/// `stoppingCurves({variances, estimatedVariances?, T?, points?, schedule?})`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CurvesRequest {
    pub variances: Vec<f64>,
    #[serde(default)]
    pub estimated_variances: Option<Vec<f64>>,
    #[serde(rename = "T", default)]
    pub final_time: Option<f64>,
    #[serde(default)]
    pub points: Option<usize>,
    #[serde(default)]
    pub schedule: Option<String>,
}

/// `cappedScore({variances, estimatedVariances?, C, T?, points?})` (OU only, as in Prop 5).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CappedRequest {
    pub variances: Vec<f64>,
    #[serde(rename = "estimatedVariances", default)]
    pub estimated_variances: Option<Vec<f64>>,
    #[serde(rename = "C")]
    pub cap: f64,
    #[serde(rename = "T", default)]
    pub final_time: Option<f64>,
    #[serde(default)]
    pub points: Option<usize>,
}

/// `new Explorer({variances, estimatedVariances?, T?, points?, schedule?, C})`: everything the
/// explorer page shows, computed once per change of its data.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplorerRequest {
    pub variances: Vec<f64>,
    #[serde(rename = "estimatedVariances", default)]
    pub estimated_variances: Option<Vec<f64>>,
    #[serde(rename = "T", default)]
    pub final_time: Option<f64>,
    #[serde(default)]
    pub points: Option<usize>,
    #[serde(default)]
    pub schedule: Option<String>,
    #[serde(rename = "C")]
    pub cap: f64,
}

impl ExplorerRequest {
    /// The stopping-curve request and the capped-score one (OU, same `T`: Prop 5's setting).
    pub fn split(self) -> (CurvesRequest, CappedRequest) {
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
        (curves, capped)
    }
}

/// `estimateVariances({variances, n, seed})`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstimateRequest {
    pub variances: Vec<f64>,
    pub n: usize,
    pub seed: u64,
}

/// The answer to `stoppingCurves`.
#[derive(Clone, Debug)]
pub struct CurvesAnswer {
    pub problem: DiagonalProblem,
    pub t: Vec<f64>,
    pub log_snr: Vec<f64>,
    /// With the request's score (plug-in when estimated variances are given).
    pub fd2: CurveTable,
    /// With the exact score; `None` when the request's score is the exact one (then it is `fd2`).
    pub fd2_exact: Option<CurveTable>,
    pub switch_times: Vec<f64>,
    pub switch_times_estimated: Vec<f64>,
    pub monotone: Vec<bool>,
    pub prop1_sum: Vec<f64>,
    pub optimal_stop: Vec<f64>,
}

/// The answer to `cappedScore`.
#[derive(Clone, Debug)]
pub struct CappedAnswer {
    pub problem: CappedProblem,
    pub t: Vec<f64>,
    /// `variance[k * points + i]`: coordinate `k + 1` at `t_i`.
    pub variance: Vec<f64>,
    pub fd2: CurveTable,
    pub outcome: CappedOutcome,
}

/// The field names a request type accepts, read from its derived `Deserialize` impl. The JS
/// deserialiser only looks up the fields it knows, so the glue uses this to reject typos such as
/// `varainces`, which would otherwise be ignored silently.
pub fn request_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    /// A deserialiser that answers nothing and remembers the fields it was asked for.
    struct FieldRecorder<'a>(&'a Cell<&'static [&'static str]>);
    impl<'de> Deserializer<'de> for FieldRecorder<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("only structs have field names"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(de::Error::custom("fields recorded"))
        }
        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let fields = Cell::new(&[][..]);
    let _ = T::deserialize(FieldRecorder(&fields));
    fields.get()
}

impl CurvesAnswer {
    /// The curves with the exact score (the request's own when it asked for the exact score).
    pub fn exact(&self) -> &CurveTable {
        self.fd2_exact.as_ref().unwrap_or(&self.fd2)
    }
}

fn parse_schedule(name: Option<&str>) -> Result<Schedule, InputError> {
    let name = name.unwrap_or("ou");
    Schedule::from_name(name).ok_or_else(|| {
        InputError::new("schedule", format!("unknown schedule \"{name}\"; use one of {}", SCHEDULE_NAMES.join(", ")))
    })
}

pub fn stopping_curves_answer(request: CurvesRequest) -> Result<CurvesAnswer, InputError> {
    let schedule = parse_schedule(request.schedule.as_deref())?;
    let final_time = request.final_time.unwrap_or(schedule.default_final_time());
    let problem = DiagonalProblem::new(request.variances, request.estimated_variances, schedule, final_time)?;
    let points = request.points.unwrap_or(DEFAULT_POINTS);
    input::check_points(points, problem.dimension())?;

    let exact = problem.with_exact_score();
    let fd2 = stopping_curves(&problem, points);
    let fd2_exact = (!problem.uses_exact_score()).then(|| stopping_curves(&exact, points));
    let verdicts = stopping_verdicts(&problem, &fd2);
    let t = backward_times(final_time, points);
    Ok(CurvesAnswer {
        log_snr: log_snr(&schedule, final_time, &t),
        t,
        switch_times: switch_times(&exact),
        switch_times_estimated: switch_times(&problem),
        monotone: verdicts.iter().map(|v| v.monotone).collect(),
        optimal_stop: verdicts.iter().map(|v| v.optimal_stop).collect(),
        prop1_sum: prop1_sums(&problem),
        fd2,
        fd2_exact,
        problem,
    })
}

pub fn capped_answer(request: CappedRequest) -> Result<CappedAnswer, InputError> {
    let final_time = request.final_time.unwrap_or(Schedule::OrnsteinUhlenbeck.default_final_time());
    let problem = CappedProblem::new(request.variances, request.estimated_variances, request.cap, final_time)?;
    let points = request.points.unwrap_or(DEFAULT_POINTS);
    input::check_points(points, problem.base.dimension())?;
    let variance = capped_variances(&problem, points);
    let fd2 = capped_curves(&problem, &variance, points);
    let outcome = capped_outcome(&problem);
    Ok(CappedAnswer { t: backward_times(final_time, points), variance, fd2, outcome, problem })
}

pub fn estimate_answer(request: EstimateRequest) -> Result<Vec<f64>, InputError> {
    estimate_variances(&request.variances, request.n, request.seed)
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
    fn request_fields_come_from_the_serde_names() {
        assert_eq!(request_fields::<CurvesRequest>(), &["variances", "estimatedVariances", "T", "points", "schedule"]);
        assert_eq!(request_fields::<EstimateRequest>(), &["variances", "n", "seed"]);
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
}

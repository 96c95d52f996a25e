//! The request both the page and its worker speak: one discretised sampler of the backward process
//! (the page's model writes it, the worker's `sample`, `samplerLaw`, `scatterChunk` and
//! `monteCarloRun` read it), with the answers of `sample` and `samplerLaw`.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::js;
use super::{parse_method, parse_name, parse_schedule, unknown_name};
use crate::input::InputError;
use crate::input::limits::{MAX_SAMPLE_INDEX, MAX_SAMPLED_VALUES};
use crate::sim::sampler::{Sampler, Score, Start};
use crate::theory::diagonal::DiagonalProblem;

/// A discretised sampler of the backward process. `n` and `seed` are for `sample` only.
#[derive(Clone, Debug, Default, Deserialize, Serialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SamplerRequest {
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "ArrayLike<number>")]
    pub variances: Vec<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none", serialize_with = "js::optional_floats")]
    #[tsify(optional, type = "ArrayLike<number>")]
    pub estimated_variances: Option<Vec<f64>>,
    /// Latent dimension, 1 ≤ d ≤ D.
    pub d: usize,
    #[serde(rename = "T", default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub final_time: Option<f64>,
    /// A variance-preserving schedule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "ScheduleName")]
    pub schedule: Option<String>,
    /// Number of steps from t = 0 to stopTime.
    pub steps: usize,
    /// Backward time at which sampling stops, in (0, T].
    pub stop_time: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "MethodName")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "StartName")]
    pub start: Option<String>,
    /// Default: "plug-in" with estimatedVariances, else "exact". "capped" needs C, OU and an SDE method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional, type = "ScoreName")]
    pub score: Option<String>,
    #[serde(rename = "C", default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub cap: Option<f64>,
    /// `sample` only: number of samples, ≥ 1 (n × d × steps ≤ limits().maxSampledValues).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub n: Option<usize>,
    /// `sample` only: any integer from 0 to 2^53 − 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    pub seed: Option<u64>,
}

impl SamplerRequest {
    /// The sampler of a request whose `n` and `seed` must be absent (named `{prefix}n`, `{prefix}seed`).
    pub fn sampler_drawing_nothing(&self, prefix: &str, message: &str) -> Result<Sampler, InputError> {
        if self.n.is_some() || self.seed.is_some() {
            let field = if self.n.is_some() { "n" } else { "seed" };
            return Err(InputError::new(format!("{prefix}{field}"), message));
        }
        self.sampler()
    }

    pub fn sampler(&self) -> Result<Sampler, InputError> {
        let schedule = parse_schedule(self.schedule.as_deref())?;
        let final_time = self.final_time.unwrap_or(schedule.default_final_time());
        let problem =
            DiagonalProblem::new(self.variances.clone(), self.estimated_variances.clone(), schedule, final_time)?;
        let method = parse_method(self.method.as_deref().unwrap_or("euler-maruyama"))?;
        let start =
            parse_name("start", self.start.as_deref().unwrap_or("stationary"), &Start::NAMES, Start::from_name)?;
        let default_score = if self.estimated_variances.is_some() { "plug-in" } else { "exact" };
        let score = match self.score.as_deref().unwrap_or(default_score) {
            "plug-in" => Score::PlugIn,
            "exact" => Score::Exact,
            "capped" => {
                Score::Capped(self.cap.ok_or_else(|| InputError::new("C", "the capped score needs a cap C > 1"))?)
            }
            other => return Err(unknown_name("score", "score", other, &Score::NAMES)),
        };
        Sampler::new(problem, self.d, self.steps, self.stop_time, method, start, score)
    }
}

/// The request of a sampler run on the page's data: from the stationary law to `T` with the
/// problem's score (plug-in when the problem has estimated variances).
pub fn request_of(sampler: &Sampler) -> SamplerRequest {
    let problem = &sampler.problem;
    let plug_in = !problem.uses_exact_score();
    SamplerRequest {
        variances: problem.variances.clone(),
        estimated_variances: plug_in.then(|| problem.estimated.clone()),
        d: sampler.dimension,
        final_time: Some(problem.final_time),
        schedule: Some(problem.schedule.name().to_string()),
        steps: sampler.steps,
        stop_time: sampler.stop_time,
        method: Some(sampler.method.name().to_string()),
        start: Some(sampler.start.name().to_string()),
        score: Some(sampler.score.name().to_string()),
        cap: match sampler.score {
            Score::Capped(cap) => Some(cap),
            _ => None,
        },
        n: None,
        seed: None,
    }
}

/// Samples `first .. first + count`, costing `work` coordinate updates: within the limits.
pub fn check_draws(field: &str, first: usize, count: usize, work: usize) -> Result<(), InputError> {
    if count == 0 || work > MAX_SAMPLED_VALUES {
        return Err(InputError::new(
            field,
            format!("needs at least one sample and at most {MAX_SAMPLED_VALUES} updates, got {work}"),
        ));
    }
    if first.saturating_add(count) > MAX_SAMPLE_INDEX {
        return Err(InputError::new(field, format!("sample indices must stay below {MAX_SAMPLE_INDEX}")));
    }
    Ok(())
}

/// The sampler of the API's tests: a plug-in score in D = 3, stopped at t = 1.8 of T = 2.
#[cfg(test)]
pub(crate) fn example_request(steps: usize) -> SamplerRequest {
    SamplerRequest {
        variances: vec![0.9, 0.3, 0.05],
        estimated_variances: Some(vec![0.8, 0.33, 0.04]),
        d: 3,
        steps,
        stop_time: 1.8,
        method: Some("exponential".into()),
        ..SamplerRequest::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_request_of_a_sampler_gives_that_sampler_back() {
        let sampler = SamplerRequest { score: Some("plug-in".into()), ..example_request(20) }.sampler().unwrap();
        let again = request_of(&sampler).sampler().unwrap();
        assert_eq!(again.law_fd2(), sampler.law_fd2());
        assert_eq!((again.method, again.start, again.score), (sampler.method, sampler.start, sampler.score));
    }
}

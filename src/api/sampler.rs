//! The request both the page and its worker speak: one discretised sampler of the backward process
//! (the page's model writes it, the worker's `sample`, `samplerLaw`, `scatterChunk` and
//! `monteCarloRun` read it), with the answers of `sample` and `samplerLaw`.

use serde::{Deserialize, Serialize};
use tsify::Tsify;

use super::js;
use super::{parse_method, parse_name, parse_schedule};
use crate::input::InputError;
use crate::input::limits::{MAX_SAMPLE_INDEX, MAX_SAMPLED_VALUES};
use crate::sim::runs::{self, SamplerLaw, Samples};
use crate::sim::sampler::{Sampler, Score, Start};
use crate::theory::diagonal::DiagonalProblem;

/// A discretised sampler of the backward process. `n` and `seed` are for `sample` only.
#[derive(Clone, Debug, Default, Deserialize, Serialize, Tsify)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SamplerRequest {
    #[tsify(type = "ArrayLike<number>")]
    pub variances: Vec<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
            other => {
                return Err(InputError::new(
                    "score",
                    format!("unknown score \"{other}\"; use one of {}", Score::NAMES.join(", ")),
                ));
            }
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

pub fn sample_answer(request: SamplerRequest) -> Result<Samples, InputError> {
    let sampler = request.sampler()?;
    let n = request.n.ok_or_else(|| InputError::new("n", "sample needs the number of samples n"))?;
    let seed = request.seed.ok_or_else(|| InputError::new("seed", "sample needs a seed"))?;
    check_draws("n", 0, n, n.saturating_mul(sampler.dimension).saturating_mul(sampler.steps))?;
    Ok(runs::sample(&sampler, n, seed))
}

pub fn sampler_law_answer(request: SamplerRequest) -> Result<SamplerLaw, InputError> {
    let sampler = request.sampler_drawing_nothing("", "samplerLaw is exact and draws nothing: leave out n and seed")?;
    Ok(runs::law(&sampler))
}

/// The exact law of a discretised sampler after each step.
#[derive(Serialize, Tsify)]
#[serde(rename = "SamplerLaw", rename_all = "camelCase")]
pub struct SamplerLawAnswer<'a> {
    /// Backward time after each step (t[0] = 0, t[steps] = stopTime).
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub t: &'a [f64],
    /// Exact dF² of the discretised sampler stopped after each step, and of the continuous one.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub fd2: &'a [f64],
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub continuous_fd2: &'a [f64],
}

impl<'a> SamplerLawAnswer<'a> {
    pub fn of(law: &'a SamplerLaw) -> Self {
        SamplerLawAnswer { t: &law.t, fd2: &law.fd2, continuous_fd2: &law.continuous_fd2 }
    }
}

/// `n` seeded samples at stopTime with their empirical dF² beside the exact ones.
#[derive(Serialize, Tsify)]
#[serde(rename = "Samples", rename_all = "camelCase")]
pub struct SamplesAnswer<'a> {
    /// n × d latent samples at stopTime, row-major. Sample s, coordinate k has its own random stream.
    #[serde(serialize_with = "js::floats")]
    #[tsify(type = "Float64Array")]
    pub latent: &'a [f64],
    /// dF² of the samples' mean and covariance (decoded by zero-filling) to the data: simulated.
    pub empirical_fd2: f64,
    /// Exact dF² of the discretised sampler's law, and of the continuous-time sampler, at stopTime.
    pub law_fd2: f64,
    pub continuous_fd2: f64,
}

impl<'a> SamplesAnswer<'a> {
    pub fn of(samples: &'a Samples) -> Self {
        SamplesAnswer {
            latent: &samples.latent,
            empirical_fd2: samples.empirical_fd2,
            law_fd2: samples.law_fd2,
            continuous_fd2: samples.continuous_fd2,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    pub(crate) fn sampler_request(steps: usize) -> SamplerRequest {
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

    #[test]
    fn sampler_law_converges_and_sample_agrees_with_it() {
        let coarse = sampler_law_answer(sampler_request(50)).unwrap();
        let fine = sampler_law_answer(sampler_request(800)).unwrap();
        assert_eq!((coarse.t.len(), coarse.t[50]), (51, 1.8));
        let gap = |law: &SamplerLaw| (law.fd2.last().unwrap() - law.continuous_fd2.last().unwrap()).abs();
        assert!(gap(&fine) < gap(&coarse) / 8.0, "first order: {} → {}", gap(&coarse), gap(&fine));
        let drawn = sample_answer(SamplerRequest { n: Some(3000), seed: Some(4), ..sampler_request(50) }).unwrap();
        assert_eq!(drawn.latent.len(), 9000);
        assert_eq!((drawn.law_fd2, drawn.continuous_fd2), (coarse.fd2[50], coarse.continuous_fd2[50]));
        assert!((drawn.empirical_fd2 - drawn.law_fd2).abs() < 0.05);
    }

    #[test]
    fn sampler_requests_name_their_bad_field() {
        let field = |request: SamplerRequest, draw: bool| {
            if draw {
                sample_answer(request).unwrap_err().field
            } else {
                sampler_law_answer(request).unwrap_err().field
            }
        };
        let drawing = |steps| SamplerRequest { n: Some(10), seed: Some(1), ..sampler_request(steps) };
        assert_eq!(field(SamplerRequest { n: Some(0), ..drawing(10) }, true), "n");
        assert_eq!(field(drawing(0), true), "steps");
        assert_eq!(field(SamplerRequest { d: 4, ..drawing(10) }, true), "d");
        assert_eq!(field(SamplerRequest { seed: None, ..drawing(10) }, true), "seed");
        assert_eq!(field(SamplerRequest { stop_time: 3.0, ..sampler_request(10) }, false), "stopTime");
        assert_eq!(field(SamplerRequest { n: Some(5), ..sampler_request(10) }, false), "n");
        assert_eq!(field(SamplerRequest { method: Some("rk4".into()), ..sampler_request(10) }, false), "method");
        assert_eq!(field(SamplerRequest { score: Some("capped".into()), ..sampler_request(10) }, false), "C");
        let flow = SamplerRequest {
            schedule: Some("rectified-flow".into()),
            final_time: Some(1.0),
            stop_time: 0.5,
            ..sampler_request(10)
        };
        assert_eq!(field(flow, false), "schedule");
    }

    #[test]
    fn the_request_of_a_sampler_gives_that_sampler_back() {
        let sampler = SamplerRequest { score: Some("plug-in".into()), ..sampler_request(20) }.sampler().unwrap();
        let again = request_of(&sampler).sampler().unwrap();
        assert_eq!(again.law_fd2(), sampler.law_fd2());
        assert_eq!((again.method, again.start, again.score), (sampler.method, sampler.start, sampler.score));
    }
}

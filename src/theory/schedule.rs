//! Noise schedules of the forward process `X_τ = b_τ X0 + a_τ ε` (the paper's Section 3 uses OU; the VP schedules are this project's addition).
//!
//! Times here are *forward* times `τ`; the explorer's backward time is `t = T − τ`.
//! Transcendental functions come from the `libm` crate, the same code on every target, so that a
//! seed gives the same samples natively and in the browser (the platform's libm differs in the
//! last bits).
//!
//! Every schedule returns `a²`, `b²` and `1 − b²` separately: near the data (`τ → 0`) the
//! stopping-time curve is a difference of nearly equal numbers, and computing `1 − b²` with
//! `expm1` (or the equivalent identity) keeps it accurate to the last digits.

use std::f64::consts::FRAC_PI_2;

use crate::input::InputError;
use crate::input::limits::{MAX_FINAL_TIME, MIN_FINAL_TIME};

/// Default offset of the cosine schedule (the usual improved-DDPM choice).
pub const COSINE_OFFSET: f64 = 0.008;
/// Default bounds of the VP-linear schedule's `β` on `[0, 1]`.
pub const VP_BETA_MIN: f64 = 0.1;
pub const VP_BETA_MAX: f64 = 20.0;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// Ornstein–Uhlenbeck, `w ≡ 1`: `a² = 1 − e^{−2τ}`, `b = e^{−τ}`. The paper's default.
    OrnsteinUhlenbeck,
    /// Variance preserving with `w² = β/2`, `β(s) = β_min + s (β_max − β_min)` on `[0, 1]`.
    VpLinear { beta_min: f64, beta_max: f64 },
    /// Cosine: `b_τ = cos(π/2 (τ + s)/(1 + s)) / cos(π/2 s/(1 + s))`, `a² = 1 − b²` on `[0, 1]`.
    Cosine { offset: f64 },
    /// Rectified flow: `a = τ`, `b = 1 − τ` on `[0, 1]` (not variance preserving).
    RectifiedFlow,
}

impl Schedule {
    /// The names accepted by [`Schedule::from_name`], as the JS API spells them.
    pub const NAMES: [&'static str; 4] = ["ou", "vp-linear", "cosine", "rectified-flow"];

    pub fn from_name(name: &str) -> Option<Schedule> {
        match name {
            "ou" => Some(Schedule::OrnsteinUhlenbeck),
            "vp-linear" => Some(Schedule::VpLinear { beta_min: VP_BETA_MIN, beta_max: VP_BETA_MAX }),
            "cosine" => Some(Schedule::Cosine { offset: COSINE_OFFSET }),
            "rectified-flow" => Some(Schedule::RectifiedFlow),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Schedule::OrnsteinUhlenbeck => "ou",
            Schedule::VpLinear { .. } => "vp-linear",
            Schedule::Cosine { .. } => "cosine",
            Schedule::RectifiedFlow => "rectified-flow",
        }
    }

    /// The largest final time `T` the schedule is defined up to.
    pub fn horizon(&self) -> f64 {
        match self {
            Schedule::OrnsteinUhlenbeck => f64::INFINITY,
            _ => 1.0,
        }
    }

    /// A final time `T` this schedule can run to: finite, above 0, within its horizon.
    pub fn check_final_time(&self, final_time: f64) -> Result<(), InputError> {
        if !(MIN_FINAL_TIME..=MAX_FINAL_TIME).contains(&final_time) {
            return Err(InputError::new(
                "T",
                format!("must be from {MIN_FINAL_TIME} to {MAX_FINAL_TIME}, got {}", crate::input::number(final_time)),
            ));
        }
        if final_time > self.horizon() {
            return Err(InputError::new(
                "T",
                format!("the {} schedule is defined up to T = {}, got {final_time}", self.name(), self.horizon()),
            ));
        }
        Ok(())
    }

    /// The final time used when the caller gives none: the paper's `T = 2` for OU, the whole
    /// interval `[0, 1]` for the others.
    pub fn default_final_time(&self) -> f64 {
        match self {
            Schedule::OrnsteinUhlenbeck => 2.0,
            _ => 1.0,
        }
    }

    /// `a² + b² = 1` for every `τ` (Prop 1's convexity argument and eq. (8) rely on it).
    pub fn is_variance_preserving(&self) -> bool {
        !matches!(self, Schedule::RectifiedFlow)
    }

    pub fn a2(&self, tau: f64) -> f64 {
        match self {
            Schedule::RectifiedFlow => tau * tau,
            _ => self.one_minus_b2(tau),
        }
    }

    pub fn b2(&self, tau: f64) -> f64 {
        match *self {
            Schedule::OrnsteinUhlenbeck => libm::exp(-2.0 * tau),
            Schedule::VpLinear { beta_min, beta_max } => libm::exp(-integrated_beta(beta_min, beta_max, tau)),
            Schedule::Cosine { offset } => {
                let ratio = libm::cos(cosine_phase(offset, tau)) / libm::cos(cosine_phase(offset, 0.0));
                ratio * ratio
            }
            Schedule::RectifiedFlow => (1.0 - tau) * (1.0 - tau),
        }
    }

    /// `1 − b²_τ`, accurate for small `τ`.
    pub fn one_minus_b2(&self, tau: f64) -> f64 {
        match *self {
            Schedule::OrnsteinUhlenbeck => -libm::expm1(-2.0 * tau),
            Schedule::VpLinear { beta_min, beta_max } => -libm::expm1(-integrated_beta(beta_min, beta_max, tau)),
            Schedule::Cosine { offset } => {
                // cos²u0 − cos²u = sin(u + u0) sin(u − u0), divided by cos²u0.
                let (u0, u) = (cosine_phase(offset, 0.0), cosine_phase(offset, tau));
                libm::sin(u + u0) * libm::sin(u - u0) / (libm::cos(u0) * libm::cos(u0))
            }
            Schedule::RectifiedFlow => tau * (2.0 - tau),
        }
    }

    /// The rate `w²_τ` of the VP forward SDE `dX = −w² X dτ + sqrt(2w²) dW` (`b = exp(−∫w²)`), or
    /// `None` for rectified flow, which is not of that form.
    pub fn w2(&self, tau: f64) -> Option<f64> {
        match *self {
            Schedule::OrnsteinUhlenbeck => Some(1.0),
            Schedule::VpLinear { beta_min, beta_max } => Some(0.5 * vp_beta(beta_min, beta_max, tau)),
            Schedule::Cosine { offset } => Some(libm::tan(cosine_phase(offset, tau)) * FRAC_PI_2 / (1.0 + offset)),
            Schedule::RectifiedFlow => None,
        }
    }

    /// `d a²/dτ`.
    pub fn a2_rate(&self, tau: f64) -> f64 {
        match self {
            Schedule::RectifiedFlow => 2.0 * tau,
            _ => -self.b2_rate(tau),
        }
    }

    /// `d b²/dτ`.
    pub fn b2_rate(&self, tau: f64) -> f64 {
        match *self {
            Schedule::OrnsteinUhlenbeck => -2.0 * libm::exp(-2.0 * tau),
            Schedule::VpLinear { beta_min, beta_max } => -vp_beta(beta_min, beta_max, tau) * self.b2(tau),
            Schedule::Cosine { offset } => {
                let (u0, u) = (cosine_phase(offset, 0.0), cosine_phase(offset, tau));
                let du = FRAC_PI_2 / (1.0 + offset);
                -2.0 * libm::cos(u) * libm::sin(u) * du / (libm::cos(u0) * libm::cos(u0))
            }
            Schedule::RectifiedFlow => -2.0 * (1.0 - tau),
        }
    }

    /// The inverse of `τ ↦ a²_τ` on `[0, a²(horizon)]` (each `a²` here is increasing).
    fn inverse_a2(&self, x: f64) -> f64 {
        match *self {
            Schedule::OrnsteinUhlenbeck => -0.5 * libm::log1p(-x),
            Schedule::VpLinear { beta_min, beta_max } => {
                // Solve β_min τ + (β_max − β_min) τ²/2 = −log(1 − x) in the cancellation-free form.
                let integral = -libm::log1p(-x);
                2.0 * integral / (beta_min + (beta_min * beta_min + 2.0 * (beta_max - beta_min) * integral).sqrt())
            }
            Schedule::Cosine { offset } => {
                let u = libm::acos((1.0 - x).sqrt() * libm::cos(cosine_phase(offset, 0.0)));
                u * (1.0 + offset) / FRAC_PI_2 - offset
            }
            Schedule::RectifiedFlow => x.sqrt(),
        }
    }

    /// The extended inverse `ā⁻²` of eq. (8) for final time `T`: `0` below `0`, `T` above `a²_T`
    /// (including `+∞` and NaN from a zero denominator), `a⁻²` in between.
    pub fn extended_inverse_a2(&self, x: f64, final_time: f64) -> f64 {
        if x < 0.0 {
            0.0
        } else if x.is_nan() || x >= self.a2(final_time) {
            final_time
        } else {
            self.inverse_a2(x).clamp(0.0, final_time)
        }
    }

    /// `log(b²/a²)` at forward time `τ` (`+∞` at `τ = 0`, `−∞` where `b = 0`).
    pub fn log_snr(&self, tau: f64) -> f64 {
        libm::log(self.b2(tau)) - libm::log(self.a2(tau))
    }
}

fn integrated_beta(beta_min: f64, beta_max: f64, tau: f64) -> f64 {
    beta_min * tau + 0.5 * (beta_max - beta_min) * tau * tau
}

fn vp_beta(beta_min: f64, beta_max: f64, tau: f64) -> f64 {
    beta_min + tau * (beta_max - beta_min)
}

fn cosine_phase(offset: f64, tau: f64) -> f64 {
    FRAC_PI_2 * (tau + offset) / (1.0 + offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [Schedule; 4] = [
        Schedule::OrnsteinUhlenbeck,
        Schedule::VpLinear { beta_min: VP_BETA_MIN, beta_max: VP_BETA_MAX },
        Schedule::Cosine { offset: COSINE_OFFSET },
        Schedule::RectifiedFlow,
    ];

    #[test]
    fn final_times_are_checked_against_the_horizon() {
        let ou = Schedule::OrnsteinUhlenbeck;
        assert!(ou.check_final_time(0.0).is_err());
        assert!(ou.check_final_time(f64::NAN).is_err());
        assert_eq!(ou.check_final_time(1e-320).unwrap_err().to_string(), "T: must be from 0.001 to 100, got 1e-320");
        assert_eq!(ou.check_final_time(1e300).unwrap_err().to_string(), "T: must be from 0.001 to 100, got 1e300");
        assert!(ou.check_final_time(100.0).is_ok() && ou.check_final_time(1e-3).is_ok());
        assert!(ou.check_final_time(2.0).is_ok());
        assert_eq!(Schedule::RectifiedFlow.check_final_time(1.5).unwrap_err().field, "T");
    }

    #[test]
    fn names_round_trip() {
        for name in Schedule::NAMES {
            assert_eq!(Schedule::from_name(name).unwrap().name(), name);
        }
        assert!(Schedule::from_name("OU").is_none());
    }

    #[test]
    fn variance_preserving_schedules_satisfy_a2_plus_b2_is_one() {
        for s in ALL.iter().filter(|s| s.is_variance_preserving()) {
            for i in 0..=100 {
                let tau = i as f64 / 100.0;
                assert!((s.a2(tau) + s.b2(tau) - 1.0).abs() < 1e-14, "{s:?} at {tau}");
                assert!((s.one_minus_b2(tau) - (1.0 - s.b2(tau))).abs() < 1e-14);
            }
        }
    }

    #[test]
    fn rates_match_central_differences() {
        for s in ALL {
            for i in 1..50 {
                let tau = i as f64 / 50.0;
                let h = 1e-6;
                let fd_a2 = (s.a2(tau + h) - s.a2(tau - h)) / (2.0 * h);
                let fd_b2 = (s.b2(tau + h) - s.b2(tau - h)) / (2.0 * h);
                let scale = 1.0 + s.a2_rate(tau).abs();
                assert!((fd_a2 - s.a2_rate(tau)).abs() < 1e-6 * scale, "{s:?} a2' at {tau}");
                assert!((fd_b2 - s.b2_rate(tau)).abs() < 1e-6 * scale, "{s:?} b2' at {tau}");
            }
        }
    }

    #[test]
    fn w2_is_minus_half_the_log_rate_of_b2() {
        for s in ALL.iter().filter(|s| s.is_variance_preserving()) {
            for i in 1..20 {
                let tau = i as f64 / 20.0;
                let expected = -0.5 * s.b2_rate(tau) / s.b2(tau);
                let w2 = s.w2(tau).unwrap();
                assert!((w2 - expected).abs() < 1e-12 * (1.0 + w2), "{s:?} at {tau}: {w2} vs {expected}");
            }
        }
        assert_eq!(Schedule::RectifiedFlow.w2(0.5), None);
    }

    #[test]
    fn inverse_of_a2_inverts_a2() {
        for s in ALL {
            for i in 1..100 {
                let tau = i as f64 / 100.0;
                let back = s.extended_inverse_a2(s.a2(tau), 1.0);
                assert!((back - tau).abs() < 1e-9, "{s:?}: {back} vs {tau}");
            }
        }
    }

    #[test]
    fn extended_inverse_saturates_as_eq_8_says() {
        let s = Schedule::OrnsteinUhlenbeck;
        assert_eq!(s.extended_inverse_a2(-0.5, 2.0), 0.0);
        assert_eq!(s.extended_inverse_a2(f64::INFINITY, 2.0), 2.0);
        assert_eq!(s.extended_inverse_a2(0.999999, 2.0), 2.0);
        assert!((s.extended_inverse_a2(0.5, 2.0) - 0.5 * 2f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn log_snr_of_ou_is_closed_form() {
        let s = Schedule::OrnsteinUhlenbeck;
        let tau: f64 = 0.3;
        let expected = (-2.0 * tau).exp().ln() - (1.0 - (-2.0 * tau).exp()).ln();
        assert!((s.log_snr(tau) - expected).abs() < 1e-12);
        assert_eq!(s.log_snr(0.0), f64::INFINITY);
    }
}

//! The explorer page's model in plain Rust: what the page holds between two changes of its state
//! ([`Explorer`]), the one registry of its panels ([`Panel`]) and the names it builds its controls
//! from ([`names`]). The `wasm` layer hands it canvases and JS objects; everything here is tested
//! natively, drawings through the recording backend.

use serde::Serialize;
use tsify::Tsify;

use crate::draw::{Theme, XAxis};
use crate::images::latent::LatentScore;
use crate::sim::sampler::{Method, Score, Start};
use crate::theory::schedule::Schedule;

pub mod explorer;
#[cfg(test)]
mod legibility;
pub mod panel;

pub use explorer::{Explorer, Readout, SamplerChoice, SamplerOutcome, Summary};
pub use panel::{Panel, PanelInfo};

/// Every list of names the page builds its controls and checks its links with, defined once in
/// Rust beside the types that read them.
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Names {
    pub panels: Vec<PanelInfo>,
    #[tsify(type = "ScheduleName[]")]
    pub schedules: &'static [&'static str],
    #[tsify(type = "MethodName[]")]
    pub methods: &'static [&'static str],
    #[tsify(type = "StartName[]")]
    pub starts: &'static [&'static str],
    #[tsify(type = "ScoreName[]")]
    pub scores: &'static [&'static str],
    #[tsify(type = "ImageScoreName[]")]
    pub image_scores: &'static [&'static str],
    #[tsify(type = "AxisName[]")]
    pub axes: &'static [&'static str],
    #[tsify(type = "ThemeName[]")]
    pub themes: &'static [&'static str],
}

pub fn names() -> Names {
    Names {
        panels: Panel::ALL.into_iter().map(PanelInfo::of).collect(),
        schedules: &Schedule::NAMES,
        methods: &Method::NAMES,
        starts: &Start::NAMES,
        scores: &Score::NAMES,
        image_scores: &LatentScore::NAMES,
        axes: &XAxis::NAMES,
        themes: &Theme::NAMES,
    }
}

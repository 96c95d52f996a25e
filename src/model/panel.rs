//! The one registry of the page's panels: each one's name (as the page, the URL and the exports
//! spell it), what it is (a plot against time, one of the capped score's, drawn or CSV only), how it
//! is drawn and what its CSV holds. The page reads the list from the module.

use serde::Serialize;
use tsify::Tsify;

use crate::api::names::typescript_union;
use crate::api::unknown_name;
use crate::input::InputError;

/// A panel of the explorer page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// `dF²(t, d)` against time or LogSNR (Figure 4), with the sampler overlay.
    Curves,
    /// The best `d` at each time (Prop 2's partition).
    BestDimension,
    /// End variances under the cap against `σ²` and `σ̂²` (Prop 5).
    CappedVariances,
    /// `dF²` at `t = T` under the cap, by `d` (Prop 5).
    CappedDistance,
    /// The capped sampler's curves against time.
    CappedCurves,
    /// The sampler's samples and the data on two coordinates at the cursor.
    Scatter,
    /// The spectrum and the reconstruction error.
    Spectrum,
    /// Many draws of the plug-in variances: how often and when each `d` stops early.
    Seeds,
    /// The schedule over time and the extended inverse of eq. (8) (Figure 3).
    Schedule,
    /// The sampler's exact law and Monte Carlo over the curves: a CSV of its own, drawn on `Curves`.
    Sampler,
}

impl Panel {
    pub const ALL: [Panel; 10] = [
        Panel::Curves,
        Panel::BestDimension,
        Panel::CappedVariances,
        Panel::CappedDistance,
        Panel::CappedCurves,
        Panel::Scatter,
        Panel::Spectrum,
        Panel::Seeds,
        Panel::Schedule,
        Panel::Sampler,
    ];
    pub const NAMES: [&'static str; 10] = [
        "curves",
        "best-dimension",
        "capped-variances",
        "capped-distance",
        "capped-curves",
        "scatter",
        "spectrum",
        "seeds",
        "schedule",
        "sampler",
    ];

    pub fn name(self) -> &'static str {
        Panel::NAMES[self as usize]
    }

    pub fn from_name(name: &str) -> Result<Panel, InputError> {
        match Panel::NAMES.iter().position(|&n| n == name) {
            Some(index) => Ok(Panel::ALL[index]),
            None => Err(unknown_name("panel", "panel", name, &Panel::NAMES)),
        }
    }

    /// A plot against the stopping time: it has an x axis of times, a cursor layer and pointer input.
    pub fn is_time_plot(self) -> bool {
        matches!(self, Panel::Curves | Panel::BestDimension | Panel::CappedCurves)
    }

    /// One of the capped score's panels: redrawn when the cap changes.
    pub fn is_capped(self) -> bool {
        matches!(self, Panel::CappedVariances | Panel::CappedDistance | Panel::CappedCurves)
    }

    /// Drawn on a canvas of its own (the sampler's law is drawn on the curves).
    pub fn is_drawn(self) -> bool {
        self != Panel::Sampler
    }

    /// Follows the sampler: redrawn when the sampler, its samples or the highlighted `d` change.
    pub fn follows_the_sampler(self) -> bool {
        matches!(self, Panel::Curves | Panel::Scatter)
    }
}

typescript_union!(PANEL_NAME = "Panel": Panel::NAMES);

/// A panel as the page reads it from `names()`.
#[derive(Clone, Debug, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct PanelInfo {
    #[tsify(type = "Panel")]
    pub name: &'static str,
    pub time_plot: bool,
    pub capped: bool,
    pub drawn: bool,
    pub follows_the_sampler: bool,
}

impl PanelInfo {
    pub fn of(panel: Panel) -> PanelInfo {
        PanelInfo {
            name: panel.name(),
            time_plot: panel.is_time_plot(),
            capped: panel.is_capped(),
            drawn: panel.is_drawn(),
            follows_the_sampler: panel.follows_the_sampler(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn names_round_trip_and_unknown_ones_are_named() {
        for panel in Panel::ALL {
            assert_eq!(Panel::from_name(panel.name()).unwrap(), panel);
        }
        let error = Panel::from_name("curve").unwrap_err();
        assert_eq!(error.field, "panel");
        assert!(error.message.starts_with("unknown panel \"curve\"; use one of curves, best-dimension"));
        assert_eq!(Panel::ALL.iter().filter(|p| p.is_time_plot()).count(), 3);
        assert_eq!(Panel::ALL.iter().filter(|p| p.is_capped()).count(), 3);
    }
}

//! The `#[wasm_bindgen]` layer: JS objects in (serde-wasm-bindgen), plain objects with typed-array
//! fields out, every error a JS `Error` whose message starts with the offending field.
//!
//! The crate builds three wasm modules (wasm-pack.toml): the page's (`page` feature: closed forms and
//! drawing, loaded first and kept small), the sampling worker's (`simulation` feature: seeded
//! Monte Carlo, loaded only when the page samples) and the image worker's (`gpu` feature: image
//! sets and the GPU sampler, loaded only when the page shows images). This module holds what they
//! share.

use js_sys::{Array, Float64Array, Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use crate::api;
use crate::input::InputError;

#[cfg(feature = "gpu")]
mod images;
#[cfg(feature = "page")]
mod page;
#[cfg(feature = "simulation")]
mod simulation;

// The request both modules take: a discretised sampler of the backward process.
#[wasm_bindgen(typescript_custom_section)]
const SAMPLER_TYPES: &str = r#"
export interface SamplerRequest {
  variances: ArrayLike<number>;
  estimatedVariances?: ArrayLike<number>;
  /** Latent dimension, 1 ≤ d ≤ D. */
  d: number;
  T?: number;
  /** A variance-preserving schedule. */
  schedule?: "ou" | "vp-linear" | "cosine";
  /** Number of steps from t = 0 to stopTime. */
  steps: number;
  /** Backward time at which sampling stops, in (0, T]. */
  stopTime: number;
  method?: "euler-maruyama" | "exponential" | "flow-heun" | "flow-exact";
  start?: "stationary" | "standard-normal";
  /** Default: "plug-in" with estimatedVariances, else "exact". "capped" needs C, OU and an SDE method. */
  score?: "plug-in" | "exact" | "capped";
  C?: number;
}
"#;

pub(crate) fn error(e: InputError) -> JsError {
    JsError::new(&e.to_string())
}

/// Deserialises a request; a type error names its path (`variances[2]: invalid type: ...`).
pub(crate) fn parse<T: DeserializeOwned>(value: JsValue, what: &str) -> Result<T, JsError> {
    if !value.is_object() || Array::is_array(&value) {
        return Err(JsError::new(&format!("{what}: expects an object argument")));
    }
    check_fields::<T>(&value, what)?;
    serde_path_to_error::deserialize(serde_wasm_bindgen::Deserializer::from(value)).map_err(|e| {
        let path = e.path().to_string();
        if path == "." || path.is_empty() {
            JsError::new(&format!("{what}: {}", e.inner()))
        } else {
            JsError::new(&format!("{path}: {}", e.inner()))
        }
    })
}

/// Rejects the fields of a request object that `T` does not have (the JS deserialiser would skip
/// them silently, so a typo such as `varainces` would go unnoticed).
pub(crate) fn check_fields<T: DeserializeOwned>(value: &JsValue, what: &str) -> Result<(), JsError> {
    let known = api::request_fields::<T>();
    let Some(object) = value.dyn_ref::<Object>() else { return Ok(()) };
    match Object::keys(object).iter().filter_map(|k| k.as_string()).find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => {
            Err(JsError::new(&format!("{what}: unknown field `{unknown}`, expected one of {}", known.join(", "))))
        }
        None => Ok(()),
    }
}

/// A JS object filled field by field.
pub(crate) struct Out(pub(crate) Object);

impl Out {
    pub(crate) fn new() -> Self {
        Out(Object::new())
    }
    pub(crate) fn set(self, key: &str, value: impl Into<JsValue>) -> Self {
        Reflect::set(&self.0, &key.into(), &value.into()).expect("setting a field of a fresh object");
        self
    }
}

pub(crate) fn floats(values: &[f64]) -> Float64Array {
    Float64Array::from(values)
}

/// plotters measures text with a DOM element, so drawing needs a page's document (not Node, not a
/// worker): say so instead of trapping.
#[cfg(any(feature = "page", feature = "gpu"))]
pub(crate) fn require_document() -> Result<(), JsError> {
    match web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        Some(_) => Ok(()),
        None => Err(JsError::new("drawing: needs a browser page with a document body (text is measured in the DOM)")),
    }
}

#[cfg(any(feature = "page", feature = "gpu"))]
pub(crate) fn drawing_error<E: std::fmt::Display>(e: E) -> JsError {
    JsError::new(&format!("drawing: {e}"))
}

#[cfg(any(feature = "page", feature = "gpu"))]
pub(crate) fn check_svg_size(width: u32, height: u32) -> Result<(), JsError> {
    if !(64..=8192).contains(&width) || !(64..=8192).contains(&height) {
        return Err(JsError::new("width: the SVG must be between 64 and 8192 pixels on each side"));
    }
    Ok(())
}

/// A plot theme by name (default light).
#[cfg(any(feature = "page", feature = "gpu"))]
pub(crate) fn theme(name: Option<&str>) -> Result<crate::plot::Theme, JsError> {
    let name = name.unwrap_or("light");
    crate::plot::Theme::by_name(name)
        .ok_or_else(|| JsError::new(&format!("theme: unknown theme \"{name}\"; use light or dark")))
}

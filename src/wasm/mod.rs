//! The `#[wasm_bindgen]` layer: each export parses its JS object into an `api` request
//! (serde-wasm-bindgen), delegates, and converts the answer back (typed arrays, see `api::js`).
//! Every error is a JS `Error` whose message starts with the offending field.
//!
//! The crate builds three wasm modules (wasm-pack.toml), one per feature and file here:
//! `explorer` (ldm_explorer, the page's: closed forms, the page's model, drawing; loaded first and
//! kept small), `worker` (ldm_worker, the page's worker: samplers, Monte Carlo, any covariance, the
//! reader's files) and `images` (ldm_images, the image worker's: image sets and their sampler on
//! WebGPU or the CPU). This file holds what they share.

use js_sys::{Array, Object};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use crate::api;
use crate::input::InputError;
#[cfg(any(feature = "explorer", feature = "images"))]
use crate::input::limits::{MAX_SVG_SIDE, MIN_SVG_SIDE};

#[cfg(feature = "explorer")]
mod explorer;
#[cfg(feature = "images")]
mod images;
#[cfg(feature = "worker")]
mod worker;

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
    check_known_fields(value, what, api::request_fields::<T>())
}

/// [`check_fields`] once the type's fields are known: one copy of the code for every request type.
fn check_known_fields(value: &JsValue, what: &str, known: &[&str]) -> Result<(), JsError> {
    let Some(object) = value.dyn_ref::<Object>() else { return Ok(()) };
    match Object::keys(object).iter().filter_map(|k| k.as_string()).find(|k| !known.contains(&k.as_str())) {
        Some(unknown) => {
            Err(JsError::new(&format!("{what}: unknown field `{unknown}`, expected one of {}", known.join(", "))))
        }
        None => Ok(()),
    }
}

/// An answer as a JS object: plain objects, typed arrays where `api::js` says so.
pub(crate) fn to_js<T: Serialize>(answer: &T) -> Result<JsValue, JsError> {
    crate::api::js::sharing_tables(|| answer.serialize(&serde_wasm_bindgen::Serializer::new()))
        .map_err(|e| JsError::new(&format!("answer: {e}")))
}

/// plotters measures text with a DOM element, so drawing needs a page's document (not Node, not a
/// worker): say so instead of trapping.
#[cfg(any(feature = "explorer", feature = "images"))]
pub(crate) fn require_document() -> Result<(), JsError> {
    match web_sys::window().and_then(|w| w.document()).and_then(|d| d.body()) {
        Some(_) => Ok(()),
        None => Err(JsError::new("drawing: needs a browser page with a document body (text is measured in the DOM)")),
    }
}

#[cfg(any(feature = "explorer", feature = "images"))]
pub(crate) fn drawing_error<E: std::fmt::Display>(e: E) -> JsError {
    JsError::new(&format!("drawing: {e}"))
}

#[cfg(any(feature = "explorer", feature = "images"))]
pub(crate) fn check_svg_size(width: u32, height: u32) -> Result<(), JsError> {
    if !(MIN_SVG_SIDE..=MAX_SVG_SIDE).contains(&width) || !(MIN_SVG_SIDE..=MAX_SVG_SIDE).contains(&height) {
        return Err(JsError::new(&format!(
            "width: the SVG must be between {MIN_SVG_SIDE} and {MAX_SVG_SIDE} pixels on each side"
        )));
    }
    Ok(())
}

//! ldm-explorer: the exact theory of *Optimal Stopping in Latent Diffusion Models*
//! (Wu, Berthet, Biau, Boyer, Elie, Marion, arXiv:2510.08409) for Gaussian data and linear
//! autoencoders, drawn for a web page.
//!
//! The folders are layers (ARCHITECTURE.md): `input` and `numeric` at the bottom, the paper's
//! closed forms in `theory`, simulation in `sim`, the reader's files in `files`, image sets and
//! their sampler in `images`, plotters drawing in `draw`, the JS requests and answers in `api`,
//! the page's model in `model`, and the thin `#[wasm_bindgen]` layer in `wasm`. A module imports
//! only from the layers below its own (`tests/architecture.rs` checks it).

pub mod input;
pub mod numeric;

pub mod theory;

pub mod files;
pub mod images;
pub mod sim;

// A wasm module compiles only the layers its exports use, so that its TypeScript declarations name
// only its own contract; natively every layer is compiled and tested.
#[cfg(any(feature = "explorer", feature = "images", not(target_arch = "wasm32")))]
pub mod draw;

pub mod api;

#[cfg(any(feature = "explorer", not(target_arch = "wasm32")))]
pub mod model;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

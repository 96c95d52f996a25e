//! ldm-explorer: the exact theory of *Optimal Stopping in Latent Diffusion Models*
//! (Wu, Berthet, Biau, Boyer, Elie, Marion, arXiv:2510.08409) for Gaussian data and linear
//! autoencoders. The modules are plain Rust with no browser dependency; `wasm` holds the thin
//! `#[wasm_bindgen]` layer that the web page calls.

pub mod api;
pub mod capped;
pub mod curves;
pub mod estimate;
pub mod export;
pub mod general;
#[cfg(feature = "gpu")]
pub mod gpu;
pub mod images;
pub mod input;
pub mod latent;
pub mod ode;
pub mod philox;
pub mod plot;
pub mod recording;
pub mod roots;
pub mod sampler;
pub mod schedule;
pub mod upload;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

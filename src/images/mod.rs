pub mod formats;
#[cfg(feature = "images")]
pub mod gpu;
pub mod held_out;
pub mod latent;
pub mod metrics;
pub mod mixture;
pub mod set;

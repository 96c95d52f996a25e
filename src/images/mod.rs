#[cfg(feature = "images")]
pub mod gpu;
pub mod latent;
pub mod set;

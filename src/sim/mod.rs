pub mod monte_carlo;
pub mod runs;
pub mod sampler;

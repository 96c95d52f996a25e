// The run's parameters, shared by the start, Gaussian and empirical kernels (src/images/gpu/mod.rs's
// `Params`): samples and latent dimension, the steps of this dispatch, the Philox key, the number of
// training latents (empirical score only).

struct Params {
    samples: u32,
    d: u32,
    step_begin: u32,
    step_end: u32,
    key: vec2<u32>,
    training: u32,
    _pad: u32,
}

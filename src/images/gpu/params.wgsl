// The run's parameters, shared by the start, Gaussian and empirical kernels (src/images/gpu/mod.rs's
// `Params`): samples and latent dimension, the steps of this dispatch (Gaussian), the Philox key, the
// number of training latents and the block of samples a dispatch takes (empirical score only).

struct Params {
    samples: u32,
    d: u32,
    step_begin: u32,
    step_end: u32,
    key: vec2<u32>,
    training: u32,
    first_sample: u32,
    block_rows: u32,
    splits: u32,
    split_points: u32,
    _pad: u32,
}

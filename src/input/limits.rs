//! Every bound on what the reader may ask for, in one place. Each keeps one request within about
//! a second of work or a few tens of MiB; the page reads them through `limits()` to explain them
//! beside its controls.

// ---- the stopping-time curves (theory) ----

/// Largest variance: sums of `D` variances, their products and the plug-in estimate's scaling all
/// stay far from `f64`'s overflow (1.8e308), whatever the other inputs.
pub const MAX_VARIANCE: f64 = 1e100;
/// Largest latent/data dimension `D`.
pub const MAX_DIMENSION: usize = 4096;
/// Most time points of a curve.
pub const MAX_POINTS: usize = 16384;
/// Largest `D × points` (one curve table of this many `f64` is 32 MiB).
pub const MAX_CURVE_VALUES: usize = 1 << 22;
/// Largest `n × D` drawn by the variance estimator, and most coordinate updates of one sampling
/// request (about a second of work in a browser).
pub const MAX_SAMPLED_VALUES: usize = 50_000_000;
/// Most `points × Σ_{d ∈ dims} d³` of one any-covariance request (each term a `d × d` eigenvalue
/// problem): about two seconds natively.
pub const MAX_MATRIX_WORK: f64 = 2e9;
/// The work the default `dims` of an any-covariance request stay within: about a tenth of a second.
pub const DEFAULT_MATRIX_WORK: f64 = 1e8;

/// Shortest and longest final time `T`: below, every curve is the start's; above, `a_T` underflows
/// long before the end and the curves are flat over all but the last steps' sliver of time.
pub const MIN_FINAL_TIME: f64 = 1e-3;
pub const MAX_FINAL_TIME: f64 = 100.0;

// ---- the discretised samplers (sim) ----

/// Most steps of a discretised sampler.
pub const MAX_STEPS: usize = 100_000;
/// Most samples addressed by one seed: sample indices stay below 2³¹ so that the data's streams
/// (top bit set) never meet the sampler's.
pub const MAX_SAMPLE_INDEX: usize = 1 << 31;
/// Most frames of a scatter and checkpoints of a Monte Carlo run.
pub const MAX_FRAMES: usize = 1001;
/// Largest latent dimension of a Monte Carlo run: each checkpoint takes a `d × d` eigenvalue
/// problem.
pub const MAX_MONTE_CARLO_DIMENSION: usize = 256;

// ---- the reader's files (files) ----

/// Most numbers in an uploaded file.
pub const MAX_UPLOAD_VALUES: usize = 5_000_000;
/// Widest matrix of samples (its covariance is eigendecomposed).
pub const MAX_SAMPLE_DIMENSION: usize = 512;

// ---- image sets and their sampler (images) ----

/// Longest side of an image once resized (pixels).
pub const MAX_SIDE: usize = 32;
/// Fewest and most images in a set.
pub const MIN_IMAGES: usize = 2;
pub const MAX_IMAGES: usize = 10_000;
/// Most bytes a gzipped image-set file may unpack to (64 MiB: 10,000 images of 64×64 and more).
pub const MAX_UNPACKED_BYTES: usize = 64 << 20;
/// Most RGBA bytes handed in at once (256 MiB).
pub const MAX_RGBA_BYTES: usize = 256 << 20;
/// Most samples of one latent run.
pub const MAX_LATENT_SAMPLES: usize = 1 << 16;
/// Most recorded frames of one latent run.
pub const MAX_LATENT_FRAMES: usize = 101;
/// Most Euler–Maruyama steps of one latent run.
pub const MAX_LATENT_STEPS: usize = 10_000;
/// Largest latent dimension of an image run.
pub const MAX_LATENT_DIMENSION: usize = 1024;
/// Most `samples × d × frames` values a latent run records (128 MiB of `f32`).
pub const MAX_RECORDED_VALUES: usize = 1 << 25;
/// Most samples decoded for the page's grid.
pub const MAX_GRID: usize = 64;

// ---- drawing (draw, and the wasm layer's options) ----

/// Device pixels per CSS pixel a drawing accepts.
/// The seeds study: most draws of the plug-in variances, and most work on the page's thread
/// (`seeds × D × (n + grid points)`: the draws, then each draw's curves on a coarse grid), about
/// 50 ms in wasm.
pub const MAX_SEEDS: usize = 2000;
pub const MAX_SEED_WORK: usize = 4_000_000;
/// The widest a plot's axis window may reach: `|x| ≤ 1e300` (so that its width stays finite) and,
/// on a log axis, `1e-300 ≤ y` (a decade that stays normal).
pub const MAX_AXIS_VALUE: f64 = 1e300;
pub const MIN_LOG_AXIS_VALUE: f64 = 1e-300;
/// The narrowest window, relative to its largest end: its ticks must stay distinct.
pub const MIN_AXIS_WIDTH: f64 = 1e-9;
pub const MIN_SCALE: f64 = 0.25;
pub const MAX_SCALE: f64 = 8.0;
/// Side of an exported SVG, in pixels.
pub const MIN_SVG_SIDE: u32 = 64;
pub const MAX_SVG_SIDE: u32 = 8192;

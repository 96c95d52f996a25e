//! The random streams behind every seeded draw: ChaCha8 keyed by the seed, and per-(sample,
//! coordinate) Xoshiro256++ streams drawn from it, the same natively and in every browser.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator behind every seeded draw of the explorer: the same seed gives the same numbers
/// natively and in the browser.
pub fn seeded_rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

/// The random stream of sample `s`, latent coordinate `k` under a seed: a Xoshiro256++ generator
/// whose state is drawn from ChaCha8 keyed by the seed, stream number `s · 2³² + k` (`s < 2³²`,
/// `k < 2³²`; the input limits allow far fewer). ChaCha keeps the streams independent; Xoshiro
/// draws the many normals of a trajectory about twice as fast as ChaCha8 does in wasm.
pub fn trajectory_rng(base: &ChaCha8Rng, sample: usize, coordinate: usize) -> Xoshiro256PlusPlus {
    let mut keyed = base.clone();
    keyed.set_stream(((sample as u64) << 32) | coordinate as u64);
    let mut state = [0u8; 32];
    keyed.fill_bytes(&mut state);
    Xoshiro256PlusPlus::from_seed(state)
}

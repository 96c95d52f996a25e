//! Philox4x32-10 (Salmon et al., SC'11, as in Random123): a counter-based generator. Each
//! (key, counter) gives four independent 32-bit words with no state carried between calls, so the
//! GPU's shader and the CPU path draw the very same noise for (sample, step, coordinate) in any order
//! and on any number of threads. `src/gpu/philox.wgsl` is the same function in WGSL.

const MULTIPLIERS: [u32; 2] = [0xD251_1F53, 0xCD9E_8D57];
const KEY_STEPS: [u32; 2] = [0x9E37_79B9, 0xBB67_AE85];

/// The ten-round Philox4x32 bijection of `counter` under `key`.
pub fn philox4x32(counter: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let (mut c, mut k) = (counter, key);
    for round in 0..10 {
        if round > 0 {
            k = [k[0].wrapping_add(KEY_STEPS[0]), k[1].wrapping_add(KEY_STEPS[1])];
        }
        let p0 = u64::from(MULTIPLIERS[0]) * u64::from(c[0]);
        let p1 = u64::from(MULTIPLIERS[1]) * u64::from(c[2]);
        c = [(p1 >> 32) as u32 ^ c[1] ^ k[0], p1 as u32, (p0 >> 32) as u32 ^ c[3] ^ k[1], p0 as u32];
    }
    c
}

/// The key of a 64-bit seed.
pub fn key(seed: u64) -> [u32; 2] {
    [seed as u32, (seed >> 32) as u32]
}

/// The counter word that marks a sample's start draw (no step index reaches it).
pub const START_STEP: u32 = u32::MAX;

/// Four standard normals from one Philox block by Box–Muller in `f32`, as the shader computes them:
/// words 0–1 give normals 0–1, words 2–3 normals 2–3. The first uniform of each pair lies in
/// `(0, 1]` (its logarithm is finite), the second in `[0, 1)`.
pub fn normals(words: [u32; 4]) -> [f32; 4] {
    let [a, b] = box_muller(words[0], words[1]);
    let [c, d] = box_muller(words[2], words[3]);
    [a, b, c, d]
}

fn box_muller(first: u32, second: u32) -> [f32; 2] {
    const TWO_TO_MINUS_24: f32 = 1.0 / 16_777_216.0;
    let u1 = ((first >> 8) + 1) as f32 * TWO_TO_MINUS_24;
    let u2 = (second >> 8) as f32 * TWO_TO_MINUS_24;
    let radius = (-2.0 * u1.ln()).sqrt();
    let angle = std::f32::consts::TAU * u2;
    [radius * angle.cos(), radius * angle.sin()]
}

/// The four normals of latent coordinates `4·block .. 4·block + 3` of `sample` at `step` (or
/// [`START_STEP`]) under `seed`.
pub fn latent_normals(seed: u64, sample: u32, step: u32, block: u32) -> [f32; 4] {
    normals(philox4x32([sample, step, block, 0], key(seed)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random123's known-answer vectors for philox4x32 with 10 rounds (kat_vectors).
    #[test]
    fn known_answers() {
        assert_eq!(philox4x32([0; 4], [0; 2]), [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]);
        assert_eq!(philox4x32([u32::MAX; 4], [u32::MAX; 2]), [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]);
        assert_eq!(
            philox4x32([0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344], [0xa409_3822, 0x299f_31d0]),
            [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]
        );
    }

    #[test]
    fn normals_have_unit_moments() {
        let n = 200_000u32;
        let (mut sum, mut squares, mut fourth) = (0.0f64, 0.0f64, 0.0f64);
        for s in 0..n / 4 {
            for z in latent_normals(7, s, 3, 1) {
                let z = f64::from(z);
                sum += z;
                squares += z * z;
                fourth += z.powi(4);
            }
        }
        let count = f64::from(n);
        // Standard errors: 1/sqrt(n) for the mean, sqrt(2/n) for the variance, sqrt(96/n) for E z⁴.
        assert!((sum / count).abs() < 4.0 / count.sqrt());
        assert!((squares / count - 1.0).abs() < 4.0 * (2.0 / count).sqrt());
        assert!((fourth / count - 3.0).abs() < 4.0 * (96.0 / count).sqrt());
    }
}

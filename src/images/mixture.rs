//! The empirical score's mixture mean for a block of samples, as the two matrix products it is.
//!
//! At a step with coefficients `b` and `a²`, sample `y`'s mixture mean is the training latents
//! `zᵢ` averaged with weights `∝ exp(−|y − b zᵢ|² / (2a²))`. The exponent is
//! `(2b y·zᵢ − b²|zᵢ|²)/(2a²)` up to a term of `y` alone, which the softmax cancels, so the
//! logits of a block of samples are one product (samples × coordinates by coordinates × points)
//! and the means a second (samples × points by points × coordinates). Both run in `f32x4` lanes
//! (SIMD128 in wasm, SSE natively), each training value loaded once serving [`BLOCK`] samples.
//! Rounding: a dot product is one chain of `d` additions (the lanes hold different points), so a
//! logit carries an error up to about `d ε |y| |b zᵢ| / (2a²)`, which grows as `a² → 0`, where the
//! squared distance summed directly carries one of `|y − b zᵢ|²`. At small `a²` the mixture puts
//! its weight on the nearest point anyway: the mean moves only when two training latents lie
//! within about `ε |y|² / a` of each other, and then by at most their distance. The engine's test
//! runs both a short run and one of 1000 steps (to `a² ≈ 0.004`) against a plain `f64` run.

use wide::f32x4;

use super::latent::EmpiricalStep;

/// Samples that step together.
pub const BLOCK: usize = 4;
/// Training points a tile holds (two lanes of four).
const POINTS: usize = 8;
/// `e^x` is a normal `f32` for `x ≥ −87` (the smallest normal is `e^−87.3`).
const SMALLEST_EXPONENT: f32 = -87.0;

/// The training latents in tiles of [`POINTS`] points, each tile coordinate-major (`[k][half]`:
/// points 0–3, then 4–7, of coordinate `k`), points padded with zeros to whole tiles and
/// coordinates to an even count; and their squared norms, `[tile][half]`. Both products walk
/// this layout in order, so that their inner loops need no bounds checks.
pub struct TrainingLanes {
    d: usize,
    n: usize,
    /// `d` rounded up to even: the means' loop takes coordinates two at a time.
    rows: usize,
    tiles: Vec<f32x4>,
    squared_norms: Vec<f32x4>,
}

impl TrainingLanes {
    /// `training`: `n × d`, row-major.
    pub fn new(training: &[f32], d: usize) -> TrainingLanes {
        let n = training.len() / d;
        let rows = d.div_ceil(2) * 2;
        let tile_count = n.div_ceil(POINTS);
        let mut tiles = vec![f32x4::ZERO; tile_count * rows * 2];
        let mut squared_norms = vec![f32x4::ZERO; tile_count * 2];
        for (i, z) in training.chunks_exact(d).enumerate() {
            let (tile, half, lane) = (i / POINTS, i % POINTS / 4, i % 4);
            for (k, &value) in z.iter().enumerate() {
                set_lane(&mut tiles[(tile * rows + k) * 2 + half], lane, value);
            }
            let squared_norm = z.iter().map(|&v| v as f64 * v as f64).sum::<f64>() as f32;
            set_lane(&mut squared_norms[tile * 2 + half], lane, squared_norm);
        }
        TrainingLanes { d, n, rows, tiles, squared_norms }
    }
}

/// Sets lane `lane` of `lanes` (f32x4 has no lane setter).
fn set_lane(lanes: &mut f32x4, lane: usize, value: f32) {
    let mut values = lanes.to_array();
    values[lane] = value;
    *lanes = f32x4::new(values);
}

/// Room for a block's logits (then weights), reused from step to step.
pub struct MixtureScratch {
    /// `[tile][half][sample]`: the weights of a tile's eight points for the block, side by side.
    weights: Vec<f32x4>,
    /// The block's states coordinate-major: `[k][s]` holds coordinate `k` of sample `s`, in all
    /// four lanes (ready to multiply a lane of four points).
    columns: Vec<[f32x4; BLOCK]>,
}

impl MixtureScratch {
    pub fn new(training: &TrainingLanes) -> MixtureScratch {
        MixtureScratch {
            weights: vec![f32x4::ZERO; training.squared_norms.len() * BLOCK],
            columns: vec![[f32x4::ZERO; BLOCK]; training.d],
        }
    }
}

/// The mixture means of a block of samples at one step: `states` and `means` are `BLOCK × d`,
/// row-major (rows past the block's real samples are computed and ignored).
pub fn mixture_means(
    training: &TrainingLanes,
    step: EmpiricalStep,
    states: &[f32],
    scratch: &mut MixtureScratch,
    means: &mut [f32],
) {
    let (d, rows) = (training.d, training.rows);
    for (k, column) in scratch.columns.iter_mut().enumerate() {
        *column = std::array::from_fn(|s| f32x4::splat(states[s * d + k]));
    }
    // Logits: `(2b/(2a²)) y·zᵢ − (b²/(2a²)) |zᵢ|²`, a tile of eight points for four samples at a
    // time; padded points get −∞.
    let along = f32x4::splat(2.0 * step.b * step.inverse_two_a2);
    let across = f32x4::splat(step.b * step.b * step.inverse_two_a2);
    let tiles = training.tiles.chunks_exact(2 * rows);
    let tile_weights = scratch.weights.chunks_exact_mut(2 * BLOCK);
    for ((tile, norms), weights) in tiles.zip(training.squared_norms.chunks_exact(2)).zip(tile_weights) {
        let mut sums = [[f32x4::ZERO; BLOCK]; 2];
        for (z, column) in tile.chunks_exact(2).zip(&scratch.columns) {
            for (half, sums) in sums.iter_mut().enumerate() {
                for (sum, &y) in sums.iter_mut().zip(column) {
                    *sum += y * z[half];
                }
            }
        }
        for (half, sums) in sums.iter().enumerate() {
            for (weight, &sum) in weights[half * BLOCK..(half + 1) * BLOCK].iter_mut().zip(sums) {
                *weight = along * sum - across * norms[half];
            }
        }
    }
    for i in training.n..training.squared_norms.len() * 4 {
        for s in 0..BLOCK {
            set_lane(&mut scratch.weights[(i / 4) * BLOCK + s], i % 4, f32::NEG_INFINITY);
        }
    }
    // Weights: the logits less their largest, exponentiated. A weight that would be subnormal
    // (below e^−87, against the largest weight's 1) is zero: the mean cannot tell, and on x86 a
    // product with a subnormal costs a microcode assist, which made the sharp mixtures of the last
    // steps several times slower (a tiny weight times a small coordinate still makes one, rarely).
    let mut largest = [f32x4::splat(f32::NEG_INFINITY); BLOCK];
    for lanes in scratch.weights.chunks_exact(BLOCK) {
        for (largest, &logits) in largest.iter_mut().zip(lanes) {
            *largest = largest.max(logits);
        }
    }
    let largest = largest.map(|l| f32x4::splat(l.to_array().into_iter().fold(f32::NEG_INFINITY, f32::max)));
    let floor = f32x4::splat(SMALLEST_EXPONENT);
    let mut totals = [f32x4::ZERO; BLOCK];
    for lanes in scratch.weights.chunks_exact_mut(BLOCK) {
        for ((weight, largest), total) in lanes.iter_mut().zip(&largest).zip(&mut totals) {
            let exponent = *weight - *largest;
            *weight = exponent.simd_lt(floor).select(f32x4::ZERO, exp_from_floor(exponent.max(floor)));
            *total += *weight;
        }
    }
    let totals = totals.map(f32x4::reduce_add);
    // Means: weights (samples × points) by latents (points × coordinates), two coordinates of
    // four samples at a time, each a sum in four lanes.
    for k in (0..rows).step_by(2) {
        let mut sums = [[f32x4::ZERO; 2]; BLOCK];
        for (tile, weights) in training.tiles.chunks_exact(2 * rows).zip(scratch.weights.chunks_exact(2 * BLOCK)) {
            let z = &tile[2 * k..2 * k + 4];
            for half in 0..2 {
                for (sum, &w) in sums.iter_mut().zip(&weights[half * BLOCK..(half + 1) * BLOCK]) {
                    sum[0] += w * z[half];
                    sum[1] += w * z[2 + half];
                }
            }
        }
        for (s, sum) in sums.iter().enumerate() {
            for (c, sum) in sum.iter().enumerate() {
                if k + c < d {
                    means[s * d + k + c] = sum.reduce_add() / totals[s];
                }
            }
        }
    }
}

/// `e^x` for `x` in `[−87, 0]`: `wide`'s `f32x4::exp` operation for operation, so the same bits,
/// without its handling of infinities, NaN, overflow and subnormal results, none of which occur
/// there. Those masks and branches made the exponential a quarter of a step's time.
#[inline]
fn exp_from_floor(x: f32x4) -> f32x4 {
    let [p0, p1, p2, p3, p4, p5] = [2.0, 6.0, 24.0, 120.0, 720.0, 5040.0].map(|n| f32x4::splat(1.0 / n));
    let r = (x * f32x4::LOG2_E).round_ties_even();
    // ln 2 in two parts, so that x − r ln 2 is exact to f32's precision.
    let x = r.mul_neg_add(f32x4::splat(0.693_359_4), x);
    let x = r.mul_neg_add(f32x4::splat(-2.121_944_4e-4), x);
    let x2 = x * x;
    let x4 = x2 * x2;
    let z = p3.mul_add(x, p2).mul_add(x2, p5.mul_add(x, p4).mul_add(x4, p1.mul_add(x, p0)));
    let z = z.mul_add(x2, x);
    // 2^r for r ≥ −126, a normal number: r + 127 written into the exponent's bits.
    let biased: wide::i32x4 = wide::bytemuck::cast(r + f32x4::splat(127.0 + 8_388_608.0));
    let power: f32x4 = wide::bytemuck::cast(biased << 23);
    (z + f32x4::ONE) * power
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The same mean in `f64`, from squared distances summed directly.
    fn direct(training: &[f32], d: usize, step: EmpiricalStep, y: &[f32]) -> Vec<f64> {
        let logits: Vec<f64> = training
            .chunks_exact(d)
            .map(|z| {
                let distance: f64 = y.iter().zip(z).map(|(&y, &z)| (y as f64 - step.b as f64 * z as f64).powi(2)).sum();
                -distance * step.inverse_two_a2 as f64
            })
            .collect();
        let largest = logits.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
        let weights: Vec<f64> = logits.iter().map(|l| (l - largest).exp()).collect();
        let total: f64 = weights.iter().sum();
        (0..d)
            .map(|k| training.chunks_exact(d).zip(&weights).map(|(z, w)| w * z[k] as f64).sum::<f64>() / total)
            .collect()
    }

    #[test]
    fn exponential_is_wides_bit_for_bit_from_the_floor_to_zero() {
        // Every 1000th f32 from −87 to 0 (about a million), and the ends.
        let floor = (-SMALLEST_EXPONENT).to_bits();
        let mut values: Vec<f32> = (0..=floor).step_by(1000).map(|bits| -f32::from_bits(bits)).collect();
        values.extend([0.0, -0.0, SMALLEST_EXPONENT, -0.5 * std::f32::consts::LN_2, -1e-30]);
        for chunk in values.chunks(4) {
            let x = f32x4::new(std::array::from_fn(|i| chunk[i % chunk.len()]));
            let (got, want) = (exp_from_floor(x).to_array(), x.exp().to_array());
            for ((got, want), x) in got.iter().zip(want).zip(x.to_array()) {
                assert_eq!(got.to_bits(), want.to_bits(), "e^{x}: {got} vs {want}");
            }
        }
    }

    #[test]
    fn block_means_are_the_direct_mixture_means_to_round_off() {
        // Odd sizes exercise the padding of points and coordinates.
        for (n, d) in [(1, 1), (5, 3), (9, 7), (40, 16), (203, 64)] {
            let value = |i: usize| ((i * 7919 % 1009) as f32 / 1009.0 - 0.5) * 6.0;
            let training: Vec<f32> = (0..n * d).map(value).collect();
            let states: Vec<f32> = (0..BLOCK * d).map(|i| value(i * 31 + 5)).collect();
            // A flat mixture (a² = 1) and a sharp one, where a few points share the weight.
            for (b, a2) in [(0.3f32, 1.0f32), (0.9, 0.05)] {
                let step = EmpiricalStep { keep: 1.0, pull: 1.0, noise: 0.0, b, inverse_two_a2: 0.5 / a2 };
                let lanes = TrainingLanes::new(&training, d);
                let mut scratch = MixtureScratch::new(&lanes);
                let mut means = vec![f32::NAN; BLOCK * d];
                mixture_means(&lanes, step, &states, &mut scratch, &mut means);
                for s in 0..BLOCK {
                    let expected = direct(&training, d, step, &states[s * d..(s + 1) * d]);
                    for (k, (&got, want)) in means[s * d..(s + 1) * d].iter().zip(expected).enumerate() {
                        // Latents within ±3: logits of dot products up to ~200 at 1/(2a²) = 10
                        // carry ~1e-4 of f32 error, the weights as much relative (measured: 5e-5).
                        assert!(
                            (got as f64 - want).abs() <= 3e-4,
                            "n {n}, d {d}, a² {a2}, sample {s}, k {k}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }
}

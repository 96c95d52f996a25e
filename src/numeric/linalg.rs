//! Linear algebra on symmetric matrices (nalgebra): eigendecompositions in descending order and
//! positive semi-definite square roots, for covariances, PCA and Fréchet distances.

use nalgebra::{DMatrix, Dyn, SymmetricEigen};

use super::eigen::leading_eigen;

/// `(A + Aᵀ)/2`: a matrix symmetric up to round-off made exactly symmetric.
pub fn symmetric_part(matrix: &DMatrix<f64>) -> DMatrix<f64> {
    (matrix + matrix.transpose()) * 0.5
}

/// `tr(M^{1/2})` of a positive semi-definite matrix (symmetric up to round-off): the sum of its
/// eigenvalues' roots, round-off negatives counted as zero.
pub fn trace_of_root(matrix: &DMatrix<f64>) -> f64 {
    sum_of_roots(symmetric_part(matrix).symmetric_eigenvalues().as_slice())
}

/// `Σ √λ` over a positive semi-definite matrix's eigenvalues, round-off negatives counted as zero.
pub fn sum_of_roots(eigenvalues: &[f64]) -> f64 {
    eigenvalues.iter().map(|&e| e.max(0.0).sqrt()).sum()
}

/// The column means of `rows` (one observation a row) and their (1/n) covariance, exactly symmetric.
pub fn mean_and_covariance(rows: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    let mean = rows.row_mean();
    let mut centred = rows.clone();
    for (mut column, m) in centred.column_iter_mut().zip(mean.iter()) {
        column.add_scalar_mut(-m);
    }
    let covariance = symmetric_part(&(centred.transpose() * &centred / rows.nrows() as f64));
    (mean.iter().copied().collect(), covariance)
}

/// Eigenvalues (descending, clamped at zero) and eigenvectors (columns, in the same order) of a
/// covariance.
pub fn sorted_eigen(matrix: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
    sorted(symmetric_part(matrix).symmetric_eigen())
}

/// [`sorted_eigen`] with the eigenvectors of only the leading `count` eigenvalues (columns), for an
/// exactly symmetric matrix: a fraction of the full decomposition's cost when `count` is small.
pub fn sorted_leading_eigen(matrix: &DMatrix<f64>, count: usize) -> (Vec<f64>, DMatrix<f64>) {
    let (mut values, vectors) = leading_eigen(matrix, count);
    values.iter_mut().for_each(|value| *value = value.max(0.0));
    (values, vectors)
}

/// Coordinates per panel of [`second_moment`]: a 4 × 4 block of sums stays in registers.
const PANEL: usize = 4;

/// Samples per pass of [`second_moment`]: two panels' worth (8 KB) stay in the L1 cache. Without
/// these passes the sums ran twice as slowly in V8.
const SAMPLES_PER_PASS: usize = 128;

/// `(1/n) Σ_s x_s x_sᵀ` of the `n` vectors given one after another in `samples` (an `n × dimension`
/// matrix, row-major), exactly symmetric, each entry summed in sample order. Only the 4 × 4 blocks
/// on and above the diagonal are summed, over panels of four coordinates packed sample by sample:
/// half the work of the full product, in about a quarter of the time matrixmultiply's generic
/// kernel (the one wasm gets) takes for it.
pub fn second_moment(samples: &[f64], dimension: usize) -> DMatrix<f64> {
    let n = samples.len() / dimension;
    let panels = dimension.div_ceil(PANEL);
    let mut packed = vec![0.0; panels * n * PANEL];
    for (s, row) in samples.chunks_exact(dimension).enumerate() {
        for (k, &x) in row.iter().enumerate() {
            packed[((k / PANEL) * n + s) * PANEL + k % PANEL] = x;
        }
    }
    // Block (p, q), p ≤ q, at p · panels + q: sums[j][i] of coordinates (4p + i, 4q + j).
    let mut blocks = vec![[[0.0; PANEL]; PANEL]; panels * panels];
    for start in (0..n).step_by(SAMPLES_PER_PASS) {
        let end = (start + SAMPLES_PER_PASS).min(n);
        let pass = |p: usize| packed[(p * n + start) * PANEL..(p * n + end) * PANEL].chunks_exact(PANEL);
        for p in 0..panels {
            for q in p..panels {
                let mut sums = blocks[p * panels + q];
                for (x, y) in pass(p).zip(pass(q)) {
                    for (sums, &y) in sums.iter_mut().zip(y) {
                        for (sum, &x) in sums.iter_mut().zip(x) {
                            *sum += x * y;
                        }
                    }
                }
                blocks[p * panels + q] = sums;
            }
        }
    }
    DMatrix::from_fn(dimension, dimension, |row, column| {
        let (i, j) = (row.min(column), row.max(column));
        blocks[(i / PANEL) * panels + j / PANEL][j % PANEL][i % PANEL] / n as f64
    })
}

/// The eigenvalues alone of [`sorted_eigen`] (no eigenvectors to accumulate).
pub fn sorted_eigenvalues(matrix: &DMatrix<f64>) -> Vec<f64> {
    let mut values: Vec<f64> = symmetric_part(matrix).symmetric_eigenvalues().iter().map(|v| v.max(0.0)).collect();
    values.sort_by(|a, b| b.total_cmp(a));
    values
}

/// The indices of `values` by descending value, ties in index order. (One sort shared by every
/// caller: each instance of the standard library's sort weighs kilobytes in wasm.)
pub fn descending_order(values: &[f64]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    order
}

/// An eigendecomposition reordered by descending eigenvalue (clamped at zero).
pub fn sorted(eigen: SymmetricEigen<f64, Dyn>) -> (Vec<f64>, DMatrix<f64>) {
    let dimension = eigen.eigenvalues.len();
    let order = descending_order(eigen.eigenvalues.as_slice());
    let values = order.iter().map(|&k| eigen.eigenvalues[k].max(0.0)).collect();
    let vectors = DMatrix::from_fn(dimension, dimension, |i, j| eigen.eigenvectors[(i, order[j])]);
    (values, vectors)
}

/// The positive semi-definite square root, through the eigendecomposition.
pub fn psd_sqrt(matrix: &DMatrix<f64>) -> DMatrix<f64> {
    sqrt_from_eigen(&sorted_eigen(matrix))
}

/// `V diag(sqrt(values)) Vᵀ` from a covariance's `(values, V)`.
pub fn sqrt_from_eigen((values, vectors): &(Vec<f64>, DMatrix<f64>)) -> DMatrix<f64> {
    let roots =
        DMatrix::from_diagonal(&nalgebra::DVector::from_iterator(values.len(), values.iter().map(|v| v.sqrt())));
    vectors * roots * vectors.transpose()
}

/// Rows of bytes a block of [`byte_gram`] sums in f32: `256 · 255² < 2^24`, so every partial sum
/// of products is an integer that f32 holds exactly, in whatever order the product adds them.
const EXACT_F32_ROWS: usize = 256;

/// The column sums and the Gram matrix `BᵀB` of a matrix of bytes (`rows × columns`, row-major),
/// both exact: f32 products over blocks of rows (f32 products run about four times faster than
/// f64 ones in wasm), added up in f64, which holds every sum below 2^53 exactly.
pub fn byte_gram(bytes: &[u8], rows: usize, columns: usize) -> (Vec<f64>, DMatrix<f64>) {
    assert_eq!(bytes.len(), rows * columns, "a {rows} × {columns} matrix");
    let mut sums = vec![0.0; columns];
    let mut gram = DMatrix::zeros(columns, columns);
    for block in bytes.chunks(EXACT_F32_ROWS * columns) {
        let block =
            DMatrix::<f32>::from_row_iterator(block.len() / columns, columns, block.iter().map(|&b| f32::from(b)));
        for (sum, column) in sums.iter_mut().zip(block.column_iter()) {
            *sum += f64::from(column.sum());
        }
        let product = block.transpose() * &block;
        for (total, &part) in gram.iter_mut().zip(product.iter()) {
            *total += f64::from(part);
        }
    }
    (sums, gram)
}

/// The (1/n) covariance of `scale · B` for a matrix of bytes `B` (one observation a row), from its
/// exact [`byte_gram`]: `scale² (n BᵀB − s sᵀ)/n²`, whose numerator is an exact integer in f64 (both
/// terms are below `n² · 255²`, under 2^53 for up to 2^18 rows), so only the last three operations
/// round.
pub fn byte_covariance(bytes: &[u8], rows: usize, columns: usize, scale: f64) -> DMatrix<f64> {
    let (sums, gram) = byte_gram(bytes, rows, columns);
    let n = rows as f64;
    DMatrix::from_fn(columns, columns, |i, j| (n * gram[(i, j)] - sums[i] * sums[j]) * (scale * scale) / (n * n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_second_moment_sums_every_entry_in_sample_order() {
        // Dimensions that fill no panel or pass evenly: 7 coordinates, 300 samples.
        for (n, dimension) in [(300, 7), (5, 1), (129, 8)] {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(n as u64);
            let samples: Vec<f64> = (0..n * dimension).map(|_| rng.random_range(-1.0..1.0)).collect();
            let moment = second_moment(&samples, dimension);
            for i in 0..dimension {
                for j in 0..dimension {
                    let sum = (0..n).fold(0.0, |sum, s| sum + samples[s * dimension + i] * samples[s * dimension + j]);
                    assert_eq!(moment[(i, j)], sum / n as f64, "({i}, {j}) of {n} × {dimension}");
                }
            }
        }
    }

    #[test]
    fn the_byte_gram_is_exact() {
        // 1000 rows: three full blocks and a partial one. Blocks of random bytes sum past 2^24 as
        // soon as they hold more than about 1000 rows, where f32 would start rounding.
        let (rows, columns) = (1000, 7);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        let mut bytes: Vec<u8> = (0..rows * columns).map(|_| rng.random()).collect();
        // The worst case for a block: every product 255².
        bytes[..EXACT_F32_ROWS * columns].fill(255);
        let (sums, gram) = byte_gram(&bytes, rows, columns);
        let at = |i: usize, j: usize| u64::from(bytes[i * columns + j]);
        for j in 0..columns {
            assert_eq!(sums[j], (0..rows).map(|i| at(i, j)).sum::<u64>() as f64);
            for k in 0..columns {
                assert_eq!(gram[(j, k)], (0..rows).map(|i| at(i, j) * at(i, k)).sum::<u64>() as f64, "({j}, {k})");
            }
        }
    }

    #[test]
    fn the_byte_covariance_is_the_covariance_of_the_scaled_rows() {
        let (rows, columns) = (600, 5);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
        let bytes: Vec<u8> = (0..rows * columns).map(|_| rng.random_range(0..=255)).collect();
        let scale = 2.0 / 255.0;
        let signal = DMatrix::from_fn(rows, columns, |i, j| scale * f64::from(bytes[i * columns + j]) - 1.0);
        let (_, covariance) = mean_and_covariance(&signal);
        let exact = byte_covariance(&bytes, rows, columns, scale);
        assert!((&exact - &covariance).amax() < 1e-14 * covariance.amax(), "{exact} vs {covariance}");
        assert_eq!(exact, exact.transpose());
    }
}

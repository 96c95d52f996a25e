//! Symmetric eigenproblems for when nalgebra's `symmetric_eigen` would do too much: every eigenvalue
//! with the eigenvectors of only the largest few (the PCA's curves read the leading block of its
//! basis, Props 6–7), and the eigenvalues alone of many small matrices (a Fréchet distance per time).
//!
//! Householder tridiagonalisation `A = Q T Qᵀ`, then the implicit QL algorithm on `T`, or its
//! root-free form when no vector is wanted. The wanted eigenvectors are `Q Z E`, with `Z` the
//! product of QL's rotations and `E` the wanted columns: replaying the rotations backwards on `E`
//! costs `count` per rotation rather than `D`, and the vectors come out as orthogonal as a full
//! decomposition's, repeated eigenvalues included (inverse iteration would have to reorthogonalise
//! within clusters).

use nalgebra::DMatrix;

use super::linalg::descending_order;

/// Reused storage for the eigenvalues of symmetric `n × n` matrices.
pub struct SymmetricEigenvalues {
    tridiagonal: Tridiagonal,
}

impl SymmetricEigenvalues {
    pub fn new(n: usize) -> Self {
        SymmetricEigenvalues { tridiagonal: Tridiagonal::new(n) }
    }

    /// The eigenvalues, unordered, of the symmetric matrix whose lower triangle is
    /// `entry(row, column)` for `row ≥ column`.
    pub fn eigenvalues(&mut self, entry: impl Fn(usize, usize) -> f64) -> &[f64] {
        let scale = self.tridiagonal.reduce(entry);
        let Tridiagonal { diagonal, off_diagonal, .. } = &mut self.tridiagonal;
        off_diagonal.iter_mut().for_each(|e| *e *= *e);
        rational_ql(diagonal, off_diagonal);
        diagonal.iter_mut().for_each(|value| *value *= scale);
        diagonal
    }
}

/// Every eigenvalue of a symmetric matrix (only its lower triangle is read), descending, and unit
/// eigenvectors of the first `count` of them as columns, in the same order (signs arbitrary).
pub fn leading_eigen(matrix: &DMatrix<f64>, count: usize) -> (Vec<f64>, DMatrix<f64>) {
    let n = matrix.nrows();
    assert!(matrix.is_square() && count <= n, "the leading {count} eigenvectors of a {n} × {n} matrix");
    let mut tridiagonal = Tridiagonal::new(n);
    let scale = tridiagonal.reduce(|i, j| matrix[(i, j)]);
    let mut rotations = Rotations::default();
    implicit_ql(&mut tridiagonal.diagonal, &mut tridiagonal.off_diagonal, Some(&mut rotations));
    let values = &tridiagonal.diagonal;
    let order = descending_order(values);
    // Z E, row-major n × count, its columns ("slots") by descending position on the diagonal.
    let mut wanted = vec![false; n];
    order[..count].iter().for_each(|&position| wanted[position] = true);
    let positions: Vec<usize> = (0..n).rev().filter(|&position| wanted[position]).collect();
    let mut vectors = vec![0.0; n * count];
    let mut slot_of = vec![0; n];
    for (slot, &position) in positions.iter().enumerate() {
        vectors[position * count + slot] = 1.0;
        slot_of[position] = slot;
    }
    rotations.replay(&positions, &mut vectors);
    tridiagonal.apply_q(&mut vectors, count);
    let sorted = order.iter().map(|&k| values[k] * scale).collect();
    (sorted, DMatrix::from_fn(n, count, |i, column| vectors[i * count + slot_of[order[column]]]))
}

/// A Givens rotation of QL, in the plane of coordinates `index` and `index + 1`.
struct Rotation {
    index: usize,
    c: f64,
    s: f64,
}

/// QL's rotations in the order applied, and where those of each stage `l` (while the eigenvalue
/// at position `l` settles) begin, with their end last.
#[derive(Default)]
struct Rotations {
    planes: Vec<Rotation>,
    stage_starts: Vec<usize>,
}

impl Rotations {
    /// `Z X` in place, for `X` row-major with columns `e_p` for the descending `positions` p.
    /// Stage `l` rotates coordinates `≥ l` only, so a column whose eigenvalue settled at `p < l`
    /// is still `e_p` then: replayed last to first, stage `l` needs only the columns of positions
    /// `≥ l`, a prefix of each row.
    fn replay(&self, positions: &[usize], x: &mut [f64]) {
        let count = positions.len();
        for l in (0..self.stage_starts.len().saturating_sub(1)).rev() {
            let active = positions.partition_point(|&p| p >= l);
            for rotation in self.planes[self.stage_starts[l]..self.stage_starts[l + 1]].iter().rev() {
                let (upper, lower) = x[rotation.index * count..].split_at_mut(count);
                for (x, y) in upper[..active].iter_mut().zip(&mut lower[..active]) {
                    (*x, *y) = (rotation.c * *x + rotation.s * *y, rotation.c * *y - rotation.s * *x);
                }
            }
        }
    }
}

/// A symmetric matrix reduced to `T = Qᵀ A Q / scale`, with `Q = H_0 ⋯ H_{n−2}` and
/// `H_j = I − τ_j v_j v_jᵀ`, `v_j = (0, …, 0, 1, v_{j+2}, …)` with its 1 in row `j + 1`.
struct Tridiagonal {
    n: usize,
    /// Column-major `n × n`: the lower triangle of the matrix being reduced, then `v_j`'s entries
    /// past its 1 below the subdiagonal of column `j`.
    matrix: Vec<f64>,
    taus: Vec<f64>,
    diagonal: Vec<f64>,
    /// `off_diagonal[i]` couples `i` and `i + 1`; the last is zero.
    off_diagonal: Vec<f64>,
    /// Scratch for a reflector and the product `τ A v`.
    reflector: Vec<f64>,
    product: Vec<f64>,
}

impl Tridiagonal {
    fn new(n: usize) -> Self {
        Tridiagonal {
            n,
            matrix: vec![0.0; n * n],
            taus: vec![0.0; n],
            diagonal: vec![0.0; n],
            off_diagonal: vec![0.0; n],
            reflector: vec![0.0; n],
            product: vec![0.0; n],
        }
    }

    /// Reduces the matrix of lower triangle `entry(row, column)` and returns the power of two it
    /// was divided by first, which keeps every sum of squares in range without rounding anything.
    fn reduce(&mut self, entry: impl Fn(usize, usize) -> f64) -> f64 {
        let n = self.n;
        let mut largest = 0.0f64;
        for column in 0..n {
            for row in column..n {
                let value = entry(row, column);
                self.matrix[column * n + row] = value;
                largest = largest.max(value.abs());
            }
        }
        // 2^e with e the exponent of the largest entry (its bits, so no log), kept normal.
        let exponent = ((largest.to_bits() >> 52) as i64 - 1023).clamp(-1000, 1000);
        let scale = if largest > 0.0 { f64::from_bits(((exponent + 1023) as u64) << 52) } else { 1.0 };
        let inverse = 1.0 / scale;
        for column in 0..n {
            self.matrix[column * n + column..(column + 1) * n].iter_mut().for_each(|value| *value *= inverse);
        }
        self.off_diagonal.fill(0.0);
        for j in 0..n.saturating_sub(1) {
            self.diagonal[j] = self.matrix[j * n + j];
            self.reduce_column(j);
        }
        if n > 0 {
            self.diagonal[n - 1] = self.matrix[n * n - 1];
        }
        scale
    }

    /// Step `j`: the reflector that zeroes column `j` below its subdiagonal (LAPACK's `dlarfg`
    /// convention), applied to the trailing block from both sides as `A − v wᵀ − w vᵀ`, with
    /// `w = p − (τ/2)(pᵀv) v` and `p = τ A v`.
    fn reduce_column(&mut self, j: usize) {
        let n = self.n;
        let size = n - j - 1;
        let column = &mut self.matrix[j * n + j + 1..(j + 1) * n];
        let alpha = column[0];
        let tail: f64 = column[1..].iter().map(|x| x * x).sum();
        if tail == 0.0 {
            self.taus[j] = 0.0;
            self.off_diagonal[j] = alpha;
            return;
        }
        let norm = (alpha * alpha + tail).sqrt();
        let beta = if alpha >= 0.0 { -norm } else { norm };
        let tau = (beta - alpha) / beta;
        let inverse = 1.0 / (alpha - beta);
        column[1..].iter_mut().for_each(|x| *x *= inverse);
        self.taus[j] = tau;
        self.off_diagonal[j] = beta;
        let v = &mut self.reflector[..size];
        v[0] = 1.0;
        v[1..].copy_from_slice(&column[1..]);
        let p = &mut self.product[..size];
        p.fill(0.0);
        // p = A v from the lower triangle: each column adds its dot product and its axpy.
        let offset = j + 1;
        for c in 0..size {
            let start = (offset + c) * n + offset + c;
            let lower = &self.matrix[start..start - c + size];
            let (below_v, below_p) = (&v[c + 1..], &mut p[c + 1..]);
            let dot = dot_and_axpy(&lower[1..], below_v, below_p, v[c]);
            p[c] += lower[0] * v[c] + dot;
        }
        let half_tau_pv = 0.5 * tau * tau * p.iter().zip(v.iter()).map(|(a, b)| a * b).sum::<f64>();
        // w = τ p − (τ²/2)(pᵀv) v, in place of p.
        p.iter_mut().zip(v.iter()).for_each(|(p, &v)| *p = tau * *p - half_tau_pv * v);
        for c in 0..size {
            let start = (offset + c) * n + offset + c;
            let lower = &mut self.matrix[start..start - c + size];
            let (vc, wc) = (v[c], p[c]);
            for ((a, &vr), &wr) in lower.iter_mut().zip(&v[c..]).zip(&p[c..]) {
                *a -= vr * wc + wr * vc;
            }
        }
    }

    /// `Q X` in place, for `X` row-major `n × count`.
    fn apply_q(&self, x: &mut [f64], count: usize) {
        let n = self.n;
        if count == 0 {
            return;
        }
        let mut sums = vec![0.0; count];
        for j in (0..n.saturating_sub(1)).rev() {
            let tau = self.taus[j];
            if tau == 0.0 {
                continue;
            }
            let tail = &self.matrix[j * n + j + 2..(j + 1) * n];
            let rows = &mut x[(j + 1) * count..];
            sums.copy_from_slice(&rows[..count]);
            for (&v, row) in tail.iter().zip(rows[count..].chunks_exact(count)) {
                sums.iter_mut().zip(row).for_each(|(s, &x)| *s += v * x);
            }
            sums.iter_mut().for_each(|s| *s *= tau);
            rows[..count].iter_mut().zip(&sums).for_each(|(x, &s)| *x -= s);
            for (&v, row) in tail.iter().zip(rows[count..].chunks_exact_mut(count)) {
                row.iter_mut().zip(&sums).for_each(|(x, &s)| *x -= v * s);
            }
        }
    }
}

/// `Σ a_i x_i` while `y += scale · a`, with four partial sums so that the loop vectorises.
fn dot_and_axpy(a: &[f64], x: &[f64], y: &mut [f64], scale: f64) -> f64 {
    let mut sums = [0.0; 4];
    let (a4, x4, y4) = (a.chunks_exact(4), x.chunks_exact(4), y.chunks_exact_mut(4));
    let (a_rest, x_rest) = (a4.remainder(), x4.remainder());
    for ((a, x), y) in a4.zip(x4).zip(y4) {
        for k in 0..4 {
            sums[k] += a[k] * x[k];
            y[k] += scale * a[k];
        }
    }
    let done = a.len() - a_rest.len();
    let mut rest = 0.0;
    for ((a, x), y) in a_rest.iter().zip(x_rest).zip(&mut y[done..]) {
        rest += a * x;
        *y += scale * a;
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3]) + rest
}

/// Below this, an off-diagonal entry (of a matrix scaled to largest entry about 1) counts as zero
/// whatever the diagonal: it keeps every square in QL's rotations far from underflow.
const NEGLIGIBLE: f64 = f64::EPSILON * f64::EPSILON;

/// Iterations allowed per eigenvalue; Wilkinson-shifted QL converges in two or three.
const MAX_ITERATIONS: usize = 64;

/// The implicit QL algorithm with Wilkinson shifts on a symmetric tridiagonal matrix (as in
/// EISPACK's `tql1`): the eigenvalues overwrite `diagonal`. With `rotations`, each rotation
/// applied is recorded in order, so that the eigenvector matrix is their product.
fn implicit_ql(diagonal: &mut [f64], off_diagonal: &mut [f64], mut rotations: Option<&mut Rotations>) {
    let n = diagonal.len();
    for l in 0..n {
        if let Some(rotations) = rotations.as_deref_mut() {
            rotations.stage_starts.push(rotations.planes.len());
        }
        for _ in 0..MAX_ITERATIONS {
            // The first negligible off-diagonal entry from l on (relative, as nalgebra's test).
            let m = (l..n.saturating_sub(1))
                .find(|&m| {
                    let e = off_diagonal[m].abs();
                    e <= f64::EPSILON * (diagonal[m].abs() + diagonal[m + 1].abs()) || e <= NEGLIGIBLE
                })
                .unwrap_or(n - 1);
            if m == l {
                break;
            }
            let shift = (diagonal[l + 1] - diagonal[l]) / (2.0 * off_diagonal[l]);
            let radius = hypot(shift, 1.0);
            let mut g = diagonal[m] - diagonal[l] + off_diagonal[l] / (shift + radius.copysign(shift));
            let (mut s, mut c, mut p) = (1.0, 1.0, 0.0);
            let mut underflow = false;
            for i in (l..m).rev() {
                let f = s * off_diagonal[i];
                let b = c * off_diagonal[i];
                let r = hypot(f, g);
                off_diagonal[i + 1] = r;
                if r == 0.0 {
                    // The rotation would divide by zero: the matrix has split at i + 1.
                    diagonal[i + 1] -= p;
                    off_diagonal[m] = 0.0;
                    underflow = true;
                    break;
                }
                (s, c) = (f / r, g / r);
                g = diagonal[i + 1] - p;
                let t = (diagonal[i] - g) * s + 2.0 * c * b;
                p = s * t;
                diagonal[i + 1] = g + p;
                g = c * t - b;
                if let Some(rotations) = rotations.as_deref_mut() {
                    rotations.planes.push(Rotation { index: i, c, s });
                }
            }
            if !underflow {
                diagonal[l] -= p;
                off_diagonal[l] = g;
                off_diagonal[m] = 0.0;
            }
        }
    }
    if let Some(rotations) = rotations {
        rotations.stage_starts.push(rotations.planes.len());
    }
}

/// The eigenvalues alone by the rational QL algorithm of Pal, Walker and Kahan (EISPACK's
/// `tqlrat`): it works on the squares of the off-diagonal entries, so no square root per rotation,
/// whose latency bounds the implicit QL. `squares[i]` couples `i` and `i + 1`; the last is zero.
fn rational_ql(diagonal: &mut [f64], squares: &mut [f64]) {
    let n = diagonal.len();
    let (mut shifted, mut norm, mut tolerance, mut tolerance2) = (0.0, 0.0f64, 0.0, 0.0);
    for l in 0..n {
        let h = diagonal[l].abs() + squares[l].sqrt();
        if norm <= h {
            norm = h;
            tolerance = f64::EPSILON * norm;
            tolerance2 = tolerance * tolerance;
        }
        let m = (l..n).find(|&m| squares[m] <= tolerance2).unwrap_or(n - 1);
        if m > l {
            for _ in 0..MAX_ITERATIONS {
                let root = squares[l].sqrt();
                let g = diagonal[l];
                let p = (diagonal[l + 1] - g) / (2.0 * root);
                diagonal[l] = root / (p + hypot(p, 1.0).copysign(p));
                let h = g - diagonal[l];
                diagonal[l + 1..].iter_mut().for_each(|d| *d -= h);
                shifted += h;
                let mut g = if diagonal[m] == 0.0 { tolerance } else { diagonal[m] };
                let (mut h, mut s) = (g, 0.0);
                for i in (l..m).rev() {
                    let p = g * h;
                    let r = p + squares[i];
                    squares[i + 1] = s * r;
                    s = squares[i] / r;
                    diagonal[i + 1] = h + s * (h + diagonal[i]);
                    g = diagonal[i] - squares[i] / g;
                    if g == 0.0 {
                        g = tolerance;
                    }
                    h = g * p / r;
                }
                squares[l] = s * g;
                diagonal[l] = h;
                // Converged, with a guard against underflow in the test.
                if h == 0.0 || squares[l].abs() <= (tolerance2 / h).abs() {
                    break;
                }
                squares[l] *= h;
                if squares[l] == 0.0 {
                    break;
                }
            }
        }
        diagonal[l] += shifted;
    }
}

/// `sqrt(x² + y²)`, straight when the squares are in range (QL's are, after scaling), else by
/// libm's careful `hypot`.
fn hypot(x: f64, y: f64) -> f64 {
    let largest = x.abs().max(y.abs());
    if largest > 1e-150 && largest < 1e150 { (x * x + y * y).sqrt() } else { libm::hypot(x, y) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_distr::{Distribution, StandardNormal};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn gaussian(rows: usize, columns: usize, seed: u64) -> DMatrix<f64> {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        DMatrix::from_fn(rows, columns, |_, _| StandardNormal.sample(&mut rng))
    }

    /// `O diag(values) Oᵀ` with a seeded orthogonal `O`, exactly symmetric.
    fn with_spectrum(values: &[f64], seed: u64) -> DMatrix<f64> {
        let rotation = gaussian(values.len(), values.len(), seed).qr().q();
        let product = &rotation * DMatrix::from_diagonal(&values.to_vec().into()) * rotation.transpose();
        (&product + product.transpose()) * 0.5
    }

    /// nalgebra's full decomposition, descending.
    fn reference(matrix: &DMatrix<f64>) -> (Vec<f64>, DMatrix<f64>) {
        let eigen = matrix.clone().symmetric_eigen();
        let order = descending_order(eigen.eigenvalues.as_slice());
        let values = order.iter().map(|&k| eigen.eigenvalues[k]).collect();
        (values, eigen.eigenvectors.select_columns(&order))
    }

    /// Checks [`leading_eigen`] against nalgebra: every eigenvalue, and the span of the leading
    /// vectors group by group (`groups` ends where the eigenvalues have a gap; a group of one
    /// compares a vector up to sign), with the residuals and orthonormality of all of them.
    fn check(matrix: &DMatrix<f64>, count: usize, groups: &[usize], tolerance: f64) {
        let (values, vectors) = leading_eigen(matrix, count);
        let (expected, basis) = reference(matrix);
        let size = expected.iter().fold(f64::MIN_POSITIVE, |m, v| m.max(v.abs()));
        for (k, (v, e)) in values.iter().zip(&expected).enumerate() {
            assert!((v - e).abs() <= tolerance * size, "eigenvalue {k}: {v} vs {e}");
        }
        assert_eq!(vectors.shape(), (matrix.nrows(), count));
        let gram = vectors.transpose() * &vectors;
        assert!((gram - DMatrix::identity(count, count)).amax() < tolerance, "not orthonormal");
        for (k, (vector, &value)) in vectors.column_iter().zip(&values).enumerate() {
            let residual = matrix * vector - vector * value;
            assert!(residual.amax() <= tolerance * size, "residual of vector {k}: {}", residual.amax());
        }
        let mut start = 0;
        for &end in groups {
            let projector = |b: &DMatrix<f64>| {
                let span = b.columns(start, end - start);
                span * span.transpose()
            };
            let gap = (projector(&vectors) - projector(&basis)).amax();
            assert!(gap < 1e3 * tolerance, "eigenvectors {start}..{end} span another space: {gap}");
            start = end;
        }
    }

    #[test]
    fn a_sample_covariance_matches_the_full_decomposition() {
        // The PCA's case: a power-law spectrum and 1000 samples, D = 256, the leading 32 vectors.
        let dimension = 256;
        let samples = gaussian(1000, dimension, 1);
        let scaled = DMatrix::from_fn(1000, dimension, |i, k| samples[(i, k)] * ((k + 1) as f64).powf(-0.75));
        let covariance = scaled.transpose() * &scaled / 1000.0;
        let covariance = (&covariance + covariance.transpose()) * 0.5;
        check(&covariance, 32, &(1..=32).collect::<Vec<_>>(), 1e-12);
        check(&covariance, dimension, &[1, 2, 3, 100, 256], 1e-12);
    }

    #[test]
    fn repeated_and_close_eigenvalues_give_orthonormal_vectors_of_the_right_spaces() {
        // Groups: three equal, two 1e-13 apart, one, four equal zeros, then the rest.
        let mut values = vec![3.0, 3.0, 3.0, 2.0, 2.0 - 1e-13, 1.5, 0.0, 0.0, 0.0, 0.0];
        values.extend((0..30).map(|k| 1.0 / (k + 2) as f64));
        let matrix = with_spectrum(&values, 7);
        let mut sorted = values.clone();
        sorted.sort_by(|a, b| b.total_cmp(a));
        check(&matrix, 6, &[3, 5, 6], 1e-13);
        check(&matrix, values.len(), &[3, 5, 6, 36, 40], 1e-13);
        // A rank-deficient sample covariance: 20 samples in D = 50, 30 zero eigenvalues.
        let samples = gaussian(20, 50, 3);
        // Vectors 20..25 are five of the zero eigenvalue's thirty: only orthonormality and the
        // residuals pin them down.
        let covariance = samples.transpose() * &samples;
        check(&covariance, 25, &[1, 2, 20], 1e-12);
        check(&covariance, 50, &[1, 2, 20, 50], 1e-12);
    }

    #[test]
    fn a_diagonal_matrix_is_its_own_decomposition() {
        let diagonal = [0.5, 4.0, 0.0, 4.0, -1.0, 2.0, 2.0, 1e-300];
        let matrix = DMatrix::from_diagonal(&diagonal.to_vec().into());
        let (values, vectors) = leading_eigen(&matrix, 8);
        assert_eq!(values, [4.0, 4.0, 2.0, 2.0, 0.5, 1e-300, 0.0, -1.0]);
        // Nothing to rotate: the vectors are the coordinate axes, ties in their order.
        let axes = [1, 3, 5, 6, 0, 7, 2, 4];
        assert_eq!(vectors, DMatrix::identity(8, 8).select_columns(&axes));
        let (values, vectors) = leading_eigen(&DMatrix::zeros(3, 3), 2);
        assert_eq!((values, vectors), (vec![0.0; 3], DMatrix::identity(3, 2)));
    }

    #[test]
    fn tiny_huge_and_one_by_one_matrices() {
        for scale in [1e-250, 1e250] {
            let values = [3.0, 1.0, 1.0 / 3.0, 0.1].map(|v| v * scale);
            let (found, _) = leading_eigen(&with_spectrum(&values, 2), 1);
            for (f, v) in found.iter().zip(values) {
                assert!((f - v).abs() < 1e-14 * scale, "{f} vs {v}");
            }
        }
        assert_eq!(leading_eigen(&DMatrix::from_element(1, 1, -2.5), 1), (vec![-2.5], DMatrix::identity(1, 1)));
        let (values, vectors) = leading_eigen(&DMatrix::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 2.0]), 1);
        assert!((values[0] - 3.0).abs() < 1e-15 && (values[1] - 1.0).abs() < 1e-15, "{values:?}");
        assert!((vectors[(0, 0)].abs() - 0.5f64.sqrt()).abs() < 1e-15 && vectors[(0, 0)] == vectors[(1, 0)]);
    }

    #[test]
    fn only_the_lower_triangle_is_read() {
        let mut matrix = with_spectrum(&[5.0, 2.0, 1.0, 0.5], 4);
        let (expected, _) = reference(&matrix);
        for i in 0..4 {
            for j in i + 1..4 {
                matrix[(i, j)] = f64::NAN;
            }
        }
        let (values, _) = leading_eigen(&matrix, 4);
        assert!(values.iter().zip(&expected).all(|(v, e)| (v - e).abs() < 1e-14), "{values:?} vs {expected:?}");
    }

    #[test]
    fn eigenvalues_of_small_matrices_match_nalgebras() {
        let mut solver = SymmetricEigenvalues::new(32);
        for seed in 0..5 {
            // Indefinite, with two equal eigenvalues.
            let mut values: Vec<f64> = (0..32).map(|k| (k as f64 - 10.0) / 7.0).collect();
            values[3] = values[4];
            let matrix = with_spectrum(&values, seed);
            let mut found = solver.eigenvalues(|i, j| matrix[(i, j)]).to_vec();
            found.sort_by(|a, b| b.total_cmp(a));
            let (expected, _) = reference(&matrix);
            for (f, e) in found.iter().zip(&expected) {
                assert!((f - e).abs() < 1e-14 * 4.0, "{f} vs {e}");
            }
        }
        // The storage is reused whatever the matrix before: zero, diagonal, far from 1 in scale.
        assert_eq!(solver.eigenvalues(|_, _| 0.0), [0.0; 32]);
        let mut found = solver.eigenvalues(|i, j| if i == j { (i % 5) as f64 } else { 0.0 }).to_vec();
        found.sort_by(f64::total_cmp);
        let mut diagonal: Vec<f64> = (0..32).map(|i| (i % 5) as f64).collect();
        diagonal.sort_by(f64::total_cmp);
        assert_eq!(found, diagonal);
        let matrix = with_spectrum(&(1..=32).map(|k| 1e200 / k as f64).collect::<Vec<_>>(), 9);
        let mut found = solver.eigenvalues(|i, j| matrix[(i, j)]).to_vec();
        found.sort_by(|a, b| b.total_cmp(a));
        for (k, f) in found.iter().enumerate() {
            assert!((f - 1e200 / (k + 1) as f64).abs() < 1e-13 * 1e200, "{f}");
        }
        assert_eq!(SymmetricEigenvalues::new(1).eigenvalues(|_, _| -3.0), [-3.0]);
    }
}

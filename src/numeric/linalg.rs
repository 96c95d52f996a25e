//! Linear algebra on symmetric matrices (nalgebra): eigendecompositions in descending order and
//! positive semi-definite square roots, for covariances, PCA and Fréchet distances.

use nalgebra::{DMatrix, Dyn, SymmetricEigen};

/// `(A + Aᵀ)/2`: a matrix symmetric up to round-off made exactly symmetric.
pub fn symmetric_part(matrix: &DMatrix<f64>) -> DMatrix<f64> {
    (matrix + matrix.transpose()) * 0.5
}

/// `tr(M^{1/2})` of a positive semi-definite matrix (symmetric up to round-off): the sum of its
/// eigenvalues' roots, round-off negatives counted as zero.
pub fn trace_of_root(matrix: &DMatrix<f64>) -> f64 {
    symmetric_part(matrix).symmetric_eigenvalues().iter().map(|&e| e.max(0.0).sqrt()).sum()
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

/// The eigenvalues alone of [`sorted_eigen`] (no eigenvectors to accumulate).
pub fn sorted_eigenvalues(matrix: &DMatrix<f64>) -> Vec<f64> {
    let mut values: Vec<f64> = symmetric_part(matrix).symmetric_eigenvalues().iter().map(|v| v.max(0.0)).collect();
    values.sort_by(|a, b| b.total_cmp(a));
    values
}

/// An eigendecomposition reordered by descending eigenvalue (clamped at zero).
pub fn sorted(eigen: SymmetricEigen<f64, Dyn>) -> (Vec<f64>, DMatrix<f64>) {
    let dimension = eigen.eigenvalues.len();
    let mut order: Vec<usize> = (0..dimension).collect();
    order.sort_by(|&a, &b| eigen.eigenvalues[b].total_cmp(&eigen.eigenvalues[a]));
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

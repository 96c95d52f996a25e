//! An adaptive Dormand–Prince 5(4) integrator for scalar ODEs `y' = f(t, y)`. It checks the closed
//! forms (Prop 5's variance) against an independent numerical solution.

/// Integrates from `(t0, y0)` to `t1 > t0` and returns `y(t1)`. The local error per step is kept
/// below `tolerance · (1 + |y|)`. `f` must be smooth on `[t0, t1]`: split the interval at kinks.
pub fn dormand_prince(f: impl Fn(f64, f64) -> f64, t0: f64, y0: f64, t1: f64, tolerance: f64) -> f64 {
    // Butcher tableau of Dormand & Prince (1980).
    const C: [f64; 7] = [0.0, 1.0 / 5.0, 3.0 / 10.0, 4.0 / 5.0, 8.0 / 9.0, 1.0, 1.0];
    const A: [[f64; 6]; 7] = [
        [0.0; 6],
        [1.0 / 5.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [3.0 / 40.0, 9.0 / 40.0, 0.0, 0.0, 0.0, 0.0],
        [44.0 / 45.0, -56.0 / 15.0, 32.0 / 9.0, 0.0, 0.0, 0.0],
        [19372.0 / 6561.0, -25360.0 / 2187.0, 64448.0 / 6561.0, -212.0 / 729.0, 0.0, 0.0],
        [9017.0 / 3168.0, -355.0 / 33.0, 46732.0 / 5247.0, 49.0 / 176.0, -5103.0 / 18656.0, 0.0],
        [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0],
    ];
    const B5: [f64; 7] = [35.0 / 384.0, 0.0, 500.0 / 1113.0, 125.0 / 192.0, -2187.0 / 6784.0, 11.0 / 84.0, 0.0];
    const B4: [f64; 7] =
        [5179.0 / 57600.0, 0.0, 7571.0 / 16695.0, 393.0 / 640.0, -92097.0 / 339200.0, 187.0 / 2100.0, 1.0 / 40.0];
    let (mut t, mut y) = (t0, y0);
    let mut h = ((t1 - t0) / 100.0).max(f64::EPSILON);
    while t < t1 {
        h = h.min(t1 - t);
        let mut k = [0.0; 7];
        for stage in 0..7 {
            let increment: f64 = (0..stage).map(|j| A[stage][j] * k[j]).sum();
            k[stage] = f(t + C[stage] * h, y + h * increment);
        }
        let fifth: f64 = y + h * (0..7).map(|j| B5[j] * k[j]).sum::<f64>();
        let fourth: f64 = y + h * (0..7).map(|j| B4[j] * k[j]).sum::<f64>();
        let error = (fifth - fourth).abs() / (tolerance * (1.0 + fifth.abs()));
        if error <= 1.0 {
            t = if h >= t1 - t { t1 } else { t + h };
            y = fifth;
        }
        // Standard step-size controller with a safety factor, bounded growth and shrink.
        let factor = if error == 0.0 { 5.0 } else { (0.9 * libm::pow(error, -0.2)).clamp(0.2, 5.0) };
        h *= factor;
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn solves_linear_and_nonlinear_equations() {
        let y = dormand_prince(|_, y| -3.0 * y + 1.0, 0.0, 2.0, 1.5, 1e-12);
        let exact = 1.0 / 3.0 + (2.0 - 1.0 / 3.0) * (-4.5f64).exp();
        assert!((y - exact).abs() < 1e-10);
        let y = dormand_prince(|t, y| y * y * t.cos(), 0.0, 0.5, 1.0, 1e-12);
        let exact = 1.0 / (2.0 - 1f64.sin());
        assert!((y - exact).abs() < 1e-10);
    }
}

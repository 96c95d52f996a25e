//! A bracketing root finder for the smooth monotone-in-the-bracket functions of this crate
//! (the slope of a stopping-time curve). Illinois-modified regula falsi: superlinear, and it
//! never leaves the bracket.

/// A root of `f` in `[lo, hi]`, given `f(lo)` and `f(hi)` of opposite signs (or one of them zero).
/// Stops when the bracket is narrower than `tolerance` or `f` vanishes.
pub fn illinois(mut f: impl FnMut(f64) -> f64, mut lo: f64, mut hi: f64, tolerance: f64) -> f64 {
    let (mut f_lo, mut f_hi) = (f(lo), f(hi));
    if f_lo == 0.0 {
        return lo;
    }
    if f_hi == 0.0 {
        return hi;
    }
    debug_assert!(f_lo.signum() != f_hi.signum(), "illinois needs a sign change");
    // Which end was kept last time: halving its value twice in a row is the Illinois fix.
    let mut kept_side = 0i8;
    for _ in 0..200 {
        if (hi - lo).abs() <= tolerance {
            break;
        }
        let mut x = hi - f_hi * (hi - lo) / (f_hi - f_lo);
        if !(x > lo.min(hi) && x < lo.max(hi)) {
            x = 0.5 * (lo + hi);
        }
        let fx = f(x);
        if fx == 0.0 {
            return x;
        }
        if fx.signum() == f_hi.signum() {
            hi = x;
            f_hi = fx;
            if kept_side == -1 {
                f_lo *= 0.5;
            }
            kept_side = -1;
        } else {
            lo = x;
            f_lo = fx;
            if kept_side == 1 {
                f_hi *= 0.5;
            }
            kept_side = 1;
        }
    }
    0.5 * (lo + hi)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn finds_roots_of_smooth_functions() {
        let r = illinois(|x| x * x - 2.0, 0.0, 2.0, 1e-15);
        assert!((r - 2f64.sqrt()).abs() < 1e-14);
        let r = illinois(|x| (x - 0.3f64).powi(3) + 1e-3 * (x - 0.3), 1.0, -1.0, 1e-15);
        assert!((r - 0.3).abs() < 1e-12);
        let r = illinois(|x: f64| x.cos() - x, 0.0, 1.0, 1e-15);
        assert!((r.cos() - r).abs() < 1e-15);
    }
}

//! Validation of user input. Every check names the offending field so that the page can show the
//! message next to the right control; nothing downstream sees a NaN, an infinity or a negative
//! variance.

use std::fmt;

pub mod limits;
use limits::{MAX_CURVE_VALUES, MAX_DIMENSION, MAX_POINTS, MAX_SAMPLED_VALUES, MAX_VARIANCE};

#[derive(Clone, Debug, PartialEq)]
pub struct InputError {
    /// The field as the JS API spells it, with an index for list entries: `variances[3]`.
    pub field: String,
    pub message: String,
}

impl InputError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        InputError { field: field.into(), message: message.into() }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for InputError {}

/// A list of variances: non-empty, at most [`MAX_DIMENSION`] entries, each finite and `≥ 0`.
pub fn check_variances(field: &str, values: &[f64]) -> Result<(), InputError> {
    if values.is_empty() {
        return Err(InputError::new(field, "must hold at least one variance"));
    }
    if values.len() > MAX_DIMENSION {
        return Err(InputError::new(
            field,
            format!("holds {} variances; at most {MAX_DIMENSION} are supported", values.len()),
        ));
    }
    for (k, &v) in values.iter().enumerate() {
        if !v.is_finite() {
            return Err(InputError::new(format!("{field}[{k}]"), format!("must be a finite number, got {v}")));
        }
        if v < 0.0 {
            return Err(InputError::new(
                format!("{field}[{k}]"),
                format!("a variance cannot be negative, got {}", number(v)),
            ));
        }
        if v > MAX_VARIANCE {
            return Err(InputError::new(
                format!("{field}[{k}]"),
                format!("a variance can be at most {MAX_VARIANCE:e}, got {}", number(v)),
            ));
        }
    }
    Ok(())
}

/// A number as a reader writes it: `0.25`, `-1`, and `1e308` rather than its 309 digits.
pub fn number(value: f64) -> String {
    if value != 0.0 && !(1e-4..1e6).contains(&value.abs()) { format!("{value:e}") } else { format!("{value}") }
}

/// Estimated variances must be valid variances of the same dimension as the data's.
pub fn check_estimated_variances(values: &[f64], dimension: usize) -> Result<(), InputError> {
    check_variances("estimatedVariances", values)?;
    if values.len() != dimension {
        return Err(InputError::new(
            "estimatedVariances",
            format!("holds {} entries but variances holds {dimension}", values.len()),
        ));
    }
    Ok(())
}

pub fn check_points(points: usize, dimension: usize) -> Result<(), InputError> {
    if points < 2 {
        return Err(InputError::new("points", format!("must be at least 2, got {points}")));
    }
    if points > MAX_POINTS {
        return Err(InputError::new("points", format!("at most {MAX_POINTS} are supported, got {points}")));
    }
    if points.saturating_mul(dimension) > MAX_CURVE_VALUES {
        return Err(InputError::new(
            "points",
            format!("{points} points × {dimension} dimensions exceeds the limit of {MAX_CURVE_VALUES} curve values"),
        ));
    }
    Ok(())
}

/// Prop 4 needs a cap `C > 1`.
pub fn check_cap(cap: f64) -> Result<(), InputError> {
    if !(cap.is_finite() && cap > 1.0) {
        return Err(InputError::new("C", format!("the cap must be a finite number above 1, got {cap}")));
    }
    Ok(())
}

pub fn check_sample_size(n: usize, dimension: usize) -> Result<(), InputError> {
    if n == 0 {
        return Err(InputError::new("n", "needs at least one sample"));
    }
    if n.saturating_mul(dimension) > MAX_SAMPLED_VALUES {
        return Err(InputError::new(
            "n",
            format!("{n} samples × {dimension} dimensions exceeds the limit of {MAX_SAMPLED_VALUES} draws"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn variance_errors_name_the_entry() {
        assert_eq!(check_variances("variances", &[1.0, -1.0]).unwrap_err().field, "variances[1]");
        assert_eq!(check_variances("variances", &[f64::NAN]).unwrap_err().field, "variances[0]");
        assert_eq!(check_variances("variances", &[f64::INFINITY]).unwrap_err().field, "variances[0]");
        assert_eq!(check_variances("variances", &[]).unwrap_err().field, "variances");
        assert!(check_variances("variances", &vec![1.0; MAX_DIMENSION + 1]).is_err());
        assert!(check_variances("variances", &[0.0, 1.0]).is_ok());
        assert!(check_variances("variances", &[MAX_VARIANCE]).is_ok());
        let huge = check_variances("variances", &[1.0, 1e308]).unwrap_err();
        assert_eq!(huge.to_string(), "variances[1]: a variance can be at most 1e100, got 1e308");
    }

    #[test]
    fn scalar_checks_reject_out_of_range_values() {
        assert!(check_points(1, 3).is_err());
        assert!(check_points(2, 3).is_ok());
        assert!(check_points(MAX_POINTS, MAX_DIMENSION).is_err());
        assert!(check_cap(1.0).is_err());
        assert!(check_cap(1.5).is_ok());
        assert!(check_sample_size(0, 3).is_err());
        assert!(check_estimated_variances(&[1.0], 2).is_err());
    }
}

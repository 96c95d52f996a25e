//! The JavaScript API as plain Rust: every request a module's functions take (serde, with the
//! TypeScript declaration tsify derives from the same struct), its validation into a problem of the
//! layers below, and every answer's shape. The `wasm` layer only moves these across the boundary,
//! so everything here is tested natively.
//!
//! One file per module of the page: [`explorer`] (the page's module), [`sampler`] (the sampler
//! request both the page and its worker speak), [`worker`] (the worker's module) and [`images`]
//! (the image worker's); [`names`] and [`limits`] are what the page reads to build its controls.

use std::cell::Cell;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::forward_to_deserialize_any;

#[cfg(any(feature = "explorer", feature = "images", not(target_arch = "wasm32")))]
use crate::draw::{Theme, XAxis};
use crate::input::InputError;
#[cfg(any(feature = "explorer", feature = "worker", not(target_arch = "wasm32")))]
use crate::sim::sampler::Method;
use crate::theory::schedule::Schedule;

// Each module's requests compile into its wasm build only (and all of them natively).
#[cfg(any(feature = "explorer", not(target_arch = "wasm32")))]
pub mod explorer;
#[cfg(any(feature = "worker", not(target_arch = "wasm32")))]
pub mod general;
#[cfg(any(feature = "images", not(target_arch = "wasm32")))]
pub mod images;
pub mod js;
pub mod limits;
pub mod names;
#[cfg(any(feature = "explorer", feature = "worker", not(target_arch = "wasm32")))]
pub mod sampler;
#[cfg(any(feature = "worker", not(target_arch = "wasm32")))]
pub mod worker;

#[cfg(any(feature = "explorer", not(target_arch = "wasm32")))]
pub use explorer::{
    CappedRequest, CurvesRequest, EstimateRequest, ExplorerRequest, capped_answer, estimate_answer,
    stopping_curves_answer,
};
#[cfg(any(feature = "worker", not(target_arch = "wasm32")))]
pub use general::{FrechetRequest, GeneralRequest, frechet_answer, general_answer};
#[cfg(any(feature = "explorer", feature = "worker", not(target_arch = "wasm32")))]
pub use sampler::SamplerRequest;
#[cfg(any(feature = "worker", not(target_arch = "wasm32")))]
pub use worker::{
    MonteCarloRequest, ScatterRequest, monte_carlo_answer, sample_answer, sampler_law_answer, scatter_answer,
};

/// Time points of a curve when the request gives none.
pub const DEFAULT_POINTS: usize = 512;

/// A name the JS API spells as a string, read with the list it must come from (the message names
/// the field and the accepted names).
pub fn parse_name<T>(
    field: &str,
    name: &str,
    names: &[&str],
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, InputError> {
    parse(name).ok_or_else(|| unknown_name(field, field, name, names))
}

/// [`parse_name`] for a field whose message calls it a `noun` (`xAxis`: "unknown axis").
pub fn parse_name_as<T>(
    field: &str,
    noun: &str,
    name: &str,
    names: &[&str],
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, InputError> {
    parse(name).ok_or_else(|| unknown_name(field, noun, name, names))
}

/// The error of a name that is not in its list (one copy of the message's code in each module).
pub fn unknown_name(field: &str, noun: &str, name: &str, names: &[&str]) -> InputError {
    InputError::new(field, format!("unknown {noun} \"{name}\"; use one of {}", names.join(", ")))
}

/// A schedule by its JS name (default OU, the paper's).
pub fn parse_schedule(name: Option<&str>) -> Result<Schedule, InputError> {
    parse_name("schedule", name.unwrap_or("ou"), &Schedule::NAMES, Schedule::from_name)
}

/// A sampler method by its JS name.
#[cfg(any(feature = "explorer", feature = "worker", not(target_arch = "wasm32")))]
pub fn parse_method(name: &str) -> Result<Method, InputError> {
    parse_name("method", name, &Method::NAMES, Method::from_name)
}

/// A theme by name (default light).
#[cfg(any(feature = "explorer", feature = "images", not(target_arch = "wasm32")))]
pub fn parse_theme(name: Option<&str>) -> Result<Theme, InputError> {
    parse_name("theme", name.unwrap_or("light"), &Theme::NAMES, Theme::by_name)
}

/// An x axis by name (default backward time).
#[cfg(any(feature = "explorer", feature = "images", not(target_arch = "wasm32")))]
pub fn parse_axis(name: Option<&str>) -> Result<XAxis, InputError> {
    parse_name_as("xAxis", "axis", name.unwrap_or("t"), &XAxis::NAMES, XAxis::from_name)
}

/// The field names a request type accepts, read from its derived `Deserialize` impl. The JS
/// deserialiser only looks up the fields it knows, so the glue uses this to reject typos such as
/// `varainces`, which would otherwise be ignored silently.
pub fn request_fields<T: DeserializeOwned>() -> &'static [&'static str] {
    /// A deserialiser that answers nothing and remembers the fields it was asked for.
    struct FieldRecorder<'a>(&'a Cell<&'static [&'static str]>);
    impl<'de> Deserializer<'de> for FieldRecorder<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("only structs have field names"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(de::Error::custom("fields recorded"))
        }
        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
            unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let fields = Cell::new(&[][..]);
    let _ = T::deserialize(FieldRecorder(&fields));
    fields.get()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn request_fields_come_from_the_serde_names() {
        assert_eq!(request_fields::<CurvesRequest>(), &["variances", "estimatedVariances", "T", "points", "schedule"]);
        assert_eq!(request_fields::<EstimateRequest>(), &["variances", "n", "seed"]);
    }

    #[test]
    fn names_are_read_with_their_list() {
        assert_eq!(parse_schedule(None).unwrap(), Schedule::OrnsteinUhlenbeck);
        let error = parse_schedule(Some("vp")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "schedule: unknown schedule \"vp\"; use one of ou, vp-linear, cosine, rectified-flow"
        );
        assert_eq!(parse_method("rk4").unwrap_err().field, "method");
    }
}

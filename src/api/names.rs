//! The lists of names the JS API and the page share, each read from the type that owns it (the
//! schedules from `Schedule`, the methods from `Method`, …), and their TypeScript unions, built
//! from the same lists at compile time. A name is written once, in Rust.

#[cfg(any(feature = "explorer", feature = "images", not(target_arch = "wasm32")))]
use crate::draw::{Theme, XAxis};
use crate::images::latent::LatentScore;
use crate::sim::sampler::{Method, Score, Start};
use crate::theory::schedule::Schedule;

/// Length of `export type Name = "a" | "b";` for a type name and its values.
pub const fn union_length(type_name: &str, names: &[&str]) -> usize {
    let mut length = "export type ".len() + type_name.len() + " = ".len() + ";\n".len();
    let mut i = 0;
    while i < names.len() {
        length += names[i].len() + 2 + if i > 0 { " | ".len() } else { 0 };
        i += 1;
    }
    length
}

/// The bytes of `export type Name = "a" | "b";` (`N` from [`union_length`]).
pub const fn union_bytes<const N: usize>(type_name: &str, names: &[&str]) -> [u8; N] {
    const fn put(out: &mut [u8], at: usize, text: &str) -> usize {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            out[at + i] = bytes[i];
            i += 1;
        }
        at + bytes.len()
    }
    let mut out = [0u8; N];
    let mut at = put(&mut out, 0, "export type ");
    at = put(&mut out, at, type_name);
    at = put(&mut out, at, " = ");
    let mut i = 0;
    while i < names.len() {
        if i > 0 {
            at = put(&mut out, at, " | ");
        }
        at = put(&mut out, at, "\"");
        at = put(&mut out, at, names[i]);
        at = put(&mut out, at, "\"");
        i += 1;
    }
    put(&mut out, at, ";\n");
    out
}

/// `$constant`: the TypeScript union `$type` of the names `$names`, appended to every module's
/// declarations (`typescript_custom_section`).
macro_rules! typescript_union {
    ($constant:ident = $type:literal: $names:expr) => {
        pub const $constant: &str = {
            const NAMES: &[&str] = &$names;
            const BYTES: [u8; crate::api::names::union_length($type, NAMES)] =
                crate::api::names::union_bytes($type, NAMES);
            match core::str::from_utf8(&BYTES) {
                Ok(text) => text,
                Err(_) => panic!("names are UTF-8"),
            }
        };
        const _: () = {
            #[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
            const SECTION: &str = $constant;
        };
    };
}
#[allow(unused_imports)] // used by the page model, which the other modules leave out
pub(crate) use typescript_union;

typescript_union!(SCHEDULE_NAME = "ScheduleName": Schedule::NAMES);
typescript_union!(METHOD_NAME = "MethodName": Method::NAMES);
typescript_union!(START_NAME = "StartName": Start::NAMES);
typescript_union!(SCORE_NAME = "ScoreName": Score::NAMES);
typescript_union!(IMAGE_SCORE_NAME = "ImageScoreName": LatentScore::NAMES);
#[cfg(any(feature = "explorer", feature = "images", not(target_arch = "wasm32")))]
typescript_union!(AXIS_NAME = "AxisName": XAxis::NAMES);
#[cfg(any(feature = "explorer", feature = "images", not(target_arch = "wasm32")))]
typescript_union!(THEME_NAME = "ThemeName": Theme::NAMES);

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn unions_list_every_name_of_their_type() {
        assert_eq!(
            SCHEDULE_NAME,
            "export type ScheduleName = \"ou\" | \"vp-linear\" | \"cosine\" | \"rectified-flow\";\n"
        );
        assert_eq!(START_NAME, "export type StartName = \"stationary\" | \"standard-normal\";\n");
        for (union, names) in
            [(METHOD_NAME, &Method::NAMES[..]), (IMAGE_SCORE_NAME, &LatentScore::NAMES), (SCORE_NAME, &Score::NAMES)]
        {
            let listed: Vec<&str> = union.split('"').skip(1).step_by(2).collect();
            assert_eq!(listed, names);
        }
    }
}

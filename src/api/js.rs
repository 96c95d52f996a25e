//! How answers cross into JavaScript. An answer is a serde struct; in wasm its lists of numbers
//! become typed arrays (one copy out of wasm memory) and a table becomes an array of row views of one
//! `Float64Array`. Natively the same fields serialise as plain sequences, so the shapes are tested
//! with serde_json.

use serde::Serializer;
use serde::ser::Serialize;

use crate::theory::diagonal::CurveTable;

/// A row-major table of `f64`: `values.len() / width` rows of `width` values.
#[derive(Clone, Copy, Debug)]
pub struct Rows<'a> {
    pub values: &'a [f64],
    pub width: usize,
}

impl<'a> Rows<'a> {
    pub fn of(table: &'a CurveTable) -> Rows<'a> {
        Rows { values: &table.values, width: table.points }
    }
}

/// A `Float64Array` in JS.
pub fn floats<S: Serializer, T: AsRef<[f64]>>(values: &T, serializer: S) -> Result<S::Ok, S::Error> {
    #[cfg(target_arch = "wasm32")]
    return serde_wasm_bindgen::preserve::serialize(&js_sys::Float64Array::from(values.as_ref()), serializer);
    #[cfg(not(target_arch = "wasm32"))]
    values.as_ref().serialize(serializer)
}

/// An optional `Float64Array` (serialised only when present: `skip_serializing_if`).
pub fn optional_floats<S: Serializer>(values: &Option<Vec<f64>>, serializer: S) -> Result<S::Ok, S::Error> {
    floats(&values.as_deref().unwrap_or(&[]), serializer)
}

/// Whole numbers as JS keeps them: `u32` as they are, `usize` (steps, dimensions, indices; each below
/// 2³² by the input limits) converted.
pub trait WholeNumbers: Serialize {
    fn as_u32(&self) -> std::borrow::Cow<'_, [u32]>;
}

impl WholeNumbers for [u32] {
    fn as_u32(&self) -> std::borrow::Cow<'_, [u32]> {
        std::borrow::Cow::Borrowed(self)
    }
}

impl WholeNumbers for [usize] {
    fn as_u32(&self) -> std::borrow::Cow<'_, [u32]> {
        self.iter().map(|&v| u32::try_from(v).unwrap_or(u32::MAX)).collect()
    }
}

/// A `Uint32Array` in JS (dimensions, steps, indices).
pub fn whole_numbers<S: Serializer, T: std::ops::Deref<Target: WholeNumbers>>(
    values: &T,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    #[cfg(target_arch = "wasm32")]
    return serde_wasm_bindgen::preserve::serialize(&js_sys::Uint32Array::from(&*values.as_u32()), serializer);
    #[cfg(not(target_arch = "wasm32"))]
    values.deref().serialize(serializer)
}

/// A `Uint8Array` in JS (labels).
pub fn bytes<S: Serializer, T: AsRef<[u8]>>(values: &T, serializer: S) -> Result<S::Ok, S::Error> {
    #[cfg(target_arch = "wasm32")]
    return serde_wasm_bindgen::preserve::serialize(&js_sys::Uint8Array::from(values.as_ref()), serializer);
    #[cfg(not(target_arch = "wasm32"))]
    values.as_ref().serialize(serializer)
}

#[cfg(target_arch = "wasm32")]
type SentTable = ((usize, usize, usize), js_sys::Array);

#[cfg(target_arch = "wasm32")]
thread_local! {
    /// While an answer is serialised ([`sharing_tables`]): the last table sent and its array, so
    /// that an answer holding one table twice (the exact score's curves are also its exact-score
    /// curves) copies it out of wasm memory once and sends the same array twice.
    static SENT: std::cell::RefCell<Option<Option<SentTable>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `serialize` (one answer's serialisation) with repeated tables sent once. Outside it
/// nothing is remembered: a later answer's table may sit at a freed one's address. Within it, the
/// tables an answer borrows live throughout, so one address and length is one table.
#[cfg(target_arch = "wasm32")]
pub fn sharing_tables<T>(serialize: impl FnOnce() -> T) -> T {
    SENT.set(Some(None));
    let answer = serialize();
    SENT.set(None);
    answer
}

/// `Float64Array[]` in JS: one view per row of a single buffer.
pub fn rows<S: Serializer>(rows: &Rows<'_>, serializer: S) -> Result<S::Ok, S::Error> {
    #[cfg(target_arch = "wasm32")]
    {
        let key = (rows.values.as_ptr() as usize, rows.values.len(), rows.width);
        // Empty tables all sit at one dangling address: never taken for one another.
        let sent = SENT.with_borrow(|sent| match sent {
            Some(Some((at, array))) if *at == key && key.1 > 0 => Some(array.clone()),
            _ => None,
        });
        let array = sent.unwrap_or_else(|| {
            let all = js_sys::Float64Array::from(rows.values);
            let array: js_sys::Array = (0..rows.values.len() / rows.width)
                .map(|r| {
                    wasm_bindgen::JsValue::from(all.subarray((r * rows.width) as u32, ((r + 1) * rows.width) as u32))
                })
                .collect();
            SENT.with_borrow_mut(|sent| {
                if let Some(last) = sent {
                    *last = Some((key, array.clone()));
                }
            });
            array
        });
        serde_wasm_bindgen::preserve::serialize(&array, serializer)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(rows.values.len() / rows.width))?;
        for row in rows.values.chunks_exact(rows.width) {
            seq.serialize_element(row)?;
        }
        seq.end()
    }
}

/// `Float64Array[]` in JS from separate rows.
pub fn float_rows<S: Serializer>(rows: &[Vec<f64>], serializer: S) -> Result<S::Ok, S::Error> {
    #[cfg(target_arch = "wasm32")]
    {
        let array: js_sys::Array =
            rows.iter().map(|row| wasm_bindgen::JsValue::from(js_sys::Float64Array::from(&row[..]))).collect();
        serde_wasm_bindgen::preserve::serialize(&array, serializer)
    }
    #[cfg(not(target_arch = "wasm32"))]
    rows.serialize(serializer)
}

/// Optional numbers as a `Float64Array` with NaN where a value is undefined.
pub fn floats_or_nan<S: Serializer>(values: &[Option<f64>], serializer: S) -> Result<S::Ok, S::Error> {
    let values: Vec<f64> = values.iter().map(|v| v.unwrap_or(f64::NAN)).collect();
    floats(&values, serializer)
}

//! JS values into the core's [`HostValue`], the one form every binding hands requests to
//! the core in (`intoto_verify::host`): the core's serde rules then read the request types
//! from it (camelCase aliases, bytes as text or bytes, unknown fields rejected).
//!
//! The walk is written against `js_sys` directly (rather than through serde-wasm-bindgen),
//! which keeps a serde `Deserializer` for JS values out of the module. It reads:
//!
//! | JS | HostValue |
//! | --- | --- |
//! | `undefined`, `null` | `Absent` (dropped from objects and maps: "not given") |
//! | boolean | `Bool` |
//! | BigInt | `Int` (i64), else `UInt` (u64), else an error |
//! | number | `Int` when a safe integer, else `Float` |
//! | string | `Str` |
//! | `Uint8Array` (a Node `Buffer`), `ArrayBuffer` | `Bytes` (copied) |
//! | Array | `Seq` |
//! | `Map` with string keys, plain object (own enumerable string keys) | `Map`, in order |
//!
//! Anything else (a `Set` or other iterable, a function, a symbol, a `Map` key that is not
//! a string) is an error, and so is nesting deeper than [`MAX_DEPTH`] (which also stops a
//! cyclic object).

use intoto_verify::host::HostValue;
use js_sys::{Array, ArrayBuffer, Map, Number, Object, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

/// Deepest nesting accepted in a request object.
pub const MAX_DEPTH: usize = 64;

/// Converts a JS value (a request object) into a [`HostValue`].
pub fn to_host(value: &JsValue) -> Result<HostValue, String> {
    walk(value, 0)
}

fn walk(v: &JsValue, depth: usize) -> Result<HostValue, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "the request nests deeper than {MAX_DEPTH} levels (is an object its own child?)"
        ));
    }
    if v.is_undefined() || v.is_null() {
        return Ok(HostValue::Absent);
    }
    if let Some(b) = v.as_bool() {
        return Ok(HostValue::Bool(b));
    }
    if v.is_bigint() {
        return match i64::try_from(v.clone()) {
            Ok(i) => Ok(HostValue::Int(i)),
            Err(v) => u64::try_from(v)
                .map(HostValue::UInt)
                .map_err(|_| "a BigInt outside i64::MIN..u64::MAX cannot be read".to_owned()),
        };
    }
    if let Some(f) = v.as_f64() {
        return Ok(if Number::is_safe_integer(v) {
            HostValue::Int(f as i64)
        } else {
            HostValue::Float(f)
        });
    }
    if let Some(s) = v.as_string() {
        return Ok(HostValue::Str(s));
    }
    if Array::is_array(v) {
        let a: &Array = v.unchecked_ref();
        let mut out = Vec::with_capacity(a.length() as usize);
        for item in a.iter() {
            out.push(walk(&item, depth + 1)?);
        }
        return Ok(HostValue::Seq(out));
    }
    if let Some(bytes) = v.dyn_ref::<Uint8Array>() {
        return Ok(HostValue::Bytes(bytes.to_vec()));
    }
    if let Some(buffer) = v.dyn_ref::<ArrayBuffer>() {
        return Ok(HostValue::Bytes(Uint8Array::new(buffer).to_vec()));
    }
    if let Some(map) = v.dyn_ref::<Map>() {
        let mut out = Vec::new();
        for entry in map.entries().into_iter() {
            let entry: Array = entry.map_err(|e| format!("{e:?}"))?.unchecked_into();
            let key = entry
                .get(0)
                .as_string()
                .ok_or_else(|| "a Map key is not a string".to_owned())?;
            push(&mut out, key, walk(&entry.get(1), depth + 1)?);
        }
        return Ok(HostValue::Map(out));
    }
    if v.is_object() && !is_iterable(v) {
        let mut out = Vec::new();
        for entry in Object::entries(v.unchecked_ref()).iter() {
            let entry: Array = entry.unchecked_into();
            let key = entry.get(0).as_string().unwrap_or_default();
            push(&mut out, key, walk(&entry.get(1), depth + 1)?);
        }
        return Ok(HostValue::Map(out));
    }
    Err(format!(
        "unsupported value of type {} (expected a string, number, boolean, Uint8Array, array or plain object)",
        v.js_typeof().as_string().unwrap_or_default()
    ))
}

/// Adds an entry, dropping absent values ("not given").
fn push(out: &mut Vec<(String, HostValue)>, key: String, value: HostValue) {
    if value != HostValue::Absent {
        out.push((key, value));
    }
}

fn is_iterable(v: &JsValue) -> bool {
    js_sys::Reflect::has(v, &js_sys::Symbol::iterator()).unwrap_or(false)
}

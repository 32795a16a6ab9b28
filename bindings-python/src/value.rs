//! Python values copied into the core's [`HostValue`], the plain-data tree every binding
//! hands to the core before a request is read (`intoto_verify::host`).
//!
//! The copy is made with the GIL held; deserialising (and verifying) then runs without it.
//! `bytes` and `bytearray` stay bytes, `str` stays text, so the core's byte fields accept
//! either, exactly as they do from JSON, JavaScript or Rust. A `None` value in a mapping is
//! "not given" and dropped (the core's rule for every language); elsewhere it is absent.

use intoto_verify::host::HostValue;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use std::fmt;

/// How deeply containers may nest (a request needs six levels; this also stops a
/// self-containing list from recursing without end).
const MAX_DEPTH: usize = 64;

/// Why a Python value cannot be copied: what, and where in the request.
#[derive(Debug)]
pub struct ConvertError {
    /// Where: `links["a.link"]`, `layout_keys[1]` (empty for the request itself).
    pub path: String,
    why: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.why)
        } else {
            write!(f, "{}: {}", self.path, self.why)
        }
    }
}

/// Copies `obj` (and everything it contains).
pub fn from_py(obj: &Bound<'_, PyAny>) -> Result<HostValue, ConvertError> {
    let mut path = String::new();
    convert(obj, &mut path, 0)
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .qualname()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

fn fail(path: &str, why: impl Into<String>) -> ConvertError {
    ConvertError {
        path: path.to_owned(),
        why: why.into(),
    }
}

fn convert(
    obj: &Bound<'_, PyAny>,
    path: &mut String,
    depth: usize,
) -> Result<HostValue, ConvertError> {
    if depth > MAX_DEPTH {
        return Err(fail(path, format!("nested deeper than {MAX_DEPTH} levels")));
    }
    if obj.is_none() {
        return Ok(HostValue::Absent);
    }
    // `bool` before `int`: it is a subclass.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(HostValue::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(HostValue::Int(i));
        }
        return obj
            .extract::<u64>()
            .map(HostValue::UInt)
            .map_err(|_| fail(path, "integer out of range"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(HostValue::Float(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| HostValue::Str(s.into_owned()))
            .map_err(|e| fail(path, format!("text is not valid Unicode: {e}")));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(HostValue::Bytes(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(HostValue::Bytes(b.to_vec()));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut out = Vec::new();
        let iter = obj
            .try_iter()
            .map_err(|e| fail(path, format!("cannot iterate: {e}")))?;
        for (i, item) in iter.enumerate() {
            let item = item.map_err(|e| fail(path, format!("cannot iterate: {e}")))?;
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            out.push(convert(&item, path, depth + 1)?);
            path.truncate(len);
        }
        return Ok(HostValue::Seq(out));
    }
    if let Ok(m) = obj.cast::<PyMapping>() {
        let items = m
            .items()
            .map_err(|e| fail(path, format!("cannot read the mapping: {e}")))?;
        let mut out = Vec::with_capacity(items.len());
        for pair in items.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair
                .extract()
                .map_err(|e: PyErr| fail(path, format!("cannot read the mapping: {e}")))?;
            let key = match k.cast::<PyString>() {
                Ok(s) => s
                    .to_cow()
                    .map_err(|e| fail(path, format!("key is not valid Unicode: {e}")))?
                    .into_owned(),
                Err(_) => {
                    return Err(fail(
                        path,
                        format!("keys must be str, not {}", type_name(&k)),
                    ))
                }
            };
            let len = path.len();
            if path.is_empty() {
                path.push_str(&key);
            } else {
                path.push_str(&format!("[{key:?}]"));
            }
            let value = convert(&v, path, depth + 1)?;
            path.truncate(len);
            if !matches!(value, HostValue::Absent) {
                out.push((key, value));
            }
        }
        return Ok(HostValue::Map(out));
    }
    Err(fail(path, format!("unsupported type {}", type_name(obj))))
}

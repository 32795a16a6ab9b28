//! Python values copied into owned Rust data, and a serde `Deserializer` over them.
//!
//! The copy is made with the GIL held; deserialising (and verifying) then runs without it.
//! `bytes` and `bytearray` stay bytes (a serde byte buffer), `str` stays text, so the
//! core's byte fields accept either, exactly as they do from JSON, JavaScript or Rust.

use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};
use serde::de::value::{Error, MapDeserializer, SeqDeserializer};
use serde::de::{IntoDeserializer, Visitor};
use serde::forward_to_deserialize_any;
use std::fmt;

/// How deeply containers may nest (a request needs six levels; this also stops a
/// self-containing list from recursing without end).
const MAX_DEPTH: usize = 64;

/// A Python value, copied.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `None`
    Null,
    /// `bool`
    Bool(bool),
    /// `int` that fits in `i64`
    Int(i64),
    /// `int` that fits in `u64` but not `i64`
    UInt(u64),
    /// `float`
    Float(f64),
    /// `str`
    Str(String),
    /// `bytes`, `bytearray`
    Bytes(Vec<u8>),
    /// `list`, `tuple`
    Seq(Vec<Value>),
    /// any `Mapping` with `str` keys, in its iteration order
    Map(Vec<(String, Value)>),
}

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

impl Value {
    /// Copies `obj` (and everything it contains).
    pub fn from_py(obj: &Bound<'_, PyAny>) -> Result<Value, ConvertError> {
        let mut path = String::new();
        convert(obj, &mut path, 0)
    }
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

fn convert(obj: &Bound<'_, PyAny>, path: &mut String, depth: usize) -> Result<Value, ConvertError> {
    if depth > MAX_DEPTH {
        return Err(fail(path, format!("nested deeper than {MAX_DEPTH} levels")));
    }
    if obj.is_none() {
        return Ok(Value::Null);
    }
    // `bool` before `int`: it is a subclass.
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(Value::Int(i));
        }
        return obj
            .extract::<u64>()
            .map(Value::UInt)
            .map_err(|_| fail(path, "integer out of range"));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Ok(Value::Float(f.value()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| Value::Str(s.into_owned()))
            .map_err(|e| fail(path, format!("text is not valid Unicode: {e}")));
    }
    if let Ok(b) = obj.cast::<PyBytes>() {
        return Ok(Value::Bytes(b.as_bytes().to_vec()));
    }
    if let Ok(b) = obj.cast::<PyByteArray>() {
        return Ok(Value::Bytes(b.to_vec()));
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
        return Ok(Value::Seq(out));
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
            out.push((key, convert(&v, path, depth + 1)?));
            path.truncate(len);
        }
        return Ok(Value::Map(out));
    }
    Err(fail(path, format!("unsupported type {}", type_name(obj))))
}

impl<'de> serde::Deserializer<'de> for Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Int(i) => visitor.visit_i64(i),
            Value::UInt(u) => visitor.visit_u64(u),
            Value::Float(f) => visitor.visit_f64(f),
            Value::Str(s) => visitor.visit_string(s),
            Value::Bytes(b) => visitor.visit_byte_buf(b),
            Value::Seq(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter());
                let out = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(out)
            }
            Value::Map(entries) => {
                let mut map = MapDeserializer::new(entries.into_iter());
                let out = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(out)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            // A unit variant given by name, as in JSON.
            Value::Str(s) => visitor.visit_enum(s.into_deserializer()),
            // Anything else: the enum's visitor names what it expected.
            other => other.deserialize_any(visitor),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

impl<'de> IntoDeserializer<'de, Error> for Value {
    type Deserializer = Value;
    fn into_deserializer(self) -> Value {
        self
    }
}

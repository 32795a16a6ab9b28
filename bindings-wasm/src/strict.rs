//! Reading a JS value into a serde type with every field of every object seen.
//!
//! serde-wasm-bindgen deserialises a struct by looking up only the struct's own field
//! names, so an unknown (misspelt) field of a JS object is silently ignored and
//! `#[serde(deny_unknown_fields)]` never fires. The core's `LayoutRequest` promises that a
//! misspelt option is an error in every language, so the request is first read into a
//! self-describing [`Value`] (through serde-wasm-bindgen's `deserialize_any`, which walks
//! every own property of an object) and then deserialised from that, where structs are
//! read as maps of all their entries.
//!
//! Properties whose value is `undefined` or `null` are dropped, as `JSON.stringify` drops
//! `undefined`: `{skipInspections: opts.skip}` with no `opts.skip` means "not given".

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A JS value, as far as serde can describe it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `undefined` or `null`.
    Absent,
    /// A boolean.
    Bool(bool),
    /// A safe integer or an integral BigInt.
    Int(i64),
    /// A BigInt above `i64::MAX`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(String),
    /// A `Uint8Array` or `ArrayBuffer`.
    Bytes(Vec<u8>),
    /// An array (or other iterable).
    Seq(Vec<Value>),
    /// An object's (or `Map`'s) entries, in order, without absent values.
    Map(Vec<(String, Value)>),
}

/// The error of deserialising from a [`Value`].
pub type Error = de::value::Error;

/// Reads `T` from a JS value, rejecting what `T` rejects (unknown fields included).
pub fn from_js<T: de::DeserializeOwned>(v: wasm_bindgen::JsValue) -> Result<T, String> {
    let value: Value = serde_wasm_bindgen::from_value(v).map_err(|e| e.to_string())?;
    T::deserialize(value).map_err(|e| e.to_string())
}

impl<'de> de::Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JS value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Absent)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::UInt(v), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(v.to_vec()))
    }
    fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<Value>()? {
            out.push(v);
        }
        Ok(Value::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            if v != Value::Absent {
                out.push((k, v));
            }
        }
        Ok(Value::Map(out))
    }
}

impl<'de> IntoDeserializer<'de, Error> for Value {
    type Deserializer = Value;
    fn into_deserializer(self) -> Value {
        self
    }
}

impl<'de> Deserializer<'de> for Value {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Absent => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(b),
            Value::Int(i) => visitor.visit_i64(i),
            Value::UInt(u) => visitor.visit_u64(u),
            Value::Float(f) => visitor.visit_f64(f),
            Value::Str(s) => visitor.visit_string(s),
            Value::Bytes(b) => visitor.visit_byte_buf(b),
            Value::Seq(v) => visitor.visit_seq(SeqDeserializer::new(v.into_iter())),
            Value::Map(m) => visitor.visit_map(MapDeserializer::new(m.into_iter())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Value::Absent => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self {
            // Unit variants, as serde_json writes them: `"lowercase"`.
            Value::Str(s) => IntoDeserializer::<Error>::into_deserializer(s)
                .deserialize_enum(name, variants, visitor),
            other => other.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

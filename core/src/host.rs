//! Host values: what a binding hands to the core before a request is read.
//!
//! Every binding (Python, Node, WASM) first copies its native request object into a
//! [`HostValue`] — a self-describing tree of plain data that keeps bytes as bytes — and
//! then deserialises the core's request type from it with serde. Doing this in one place
//! gives every language the same rules:
//!
//! * byte fields accept text or bytes (a `bytes`, `Buffer`, `Uint8Array`);
//! * struct fields are read as maps of all their entries, so the request types'
//!   `deny_unknown_fields` fires on a misspelt option in every language (serde adapters
//!   for host objects often only look up the fields a struct declares);
//! * an absent value (`None`, `null`, `undefined`) in a map is "not given" and dropped.
//!
//! ```
//! use intoto_verify::api::LayoutRequest;
//! use intoto_verify::host::HostValue;
//! let v = HostValue::Map(vec![
//!     ("layout".into(), HostValue::Bytes(b"{}".to_vec())),
//!     ("now".into(), HostValue::Str("0".into())),
//!     ("skipInspection".into(), HostValue::Bool(true)), // misspelt
//! ]);
//! assert!(intoto_verify::host::from_host::<LayoutRequest>(v).is_err());
//! ```

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// A value handed over by a host language, as far as serde can describe it.
#[derive(Debug, Clone, PartialEq)]
pub enum HostValue {
    /// `None`, `null` or `undefined`.
    Absent,
    /// A boolean.
    Bool(bool),
    /// An integer that fits in `i64`.
    Int(i64),
    /// An integer above `i64::MAX` that fits in `u64`.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// Text.
    Str(String),
    /// Bytes.
    Bytes(Vec<u8>),
    /// A list.
    Seq(Vec<HostValue>),
    /// A map's entries with string keys, in order, without absent values.
    Map(Vec<(String, HostValue)>),
}

/// The error of deserialising from a [`HostValue`].
pub type Error = de::value::Error;

/// Reads `T` from a host value, rejecting what `T` rejects (unknown fields included).
pub fn from_host<T: de::DeserializeOwned>(v: HostValue) -> Result<T, String> {
    T::deserialize(v).map_err(|e| e.to_string())
}

/// Reads any self-describing serde value (for example a JS value through
/// serde-wasm-bindgen) into a [`HostValue`].
impl<'de> de::Deserialize<'de> for HostValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<HostValue, D::Error> {
        d.deserialize_any(HostValueVisitor)
    }
}

struct HostValueVisitor;

impl<'de> Visitor<'de> for HostValueVisitor {
    type Value = HostValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a plain value")
    }
    fn visit_unit<E>(self) -> Result<HostValue, E> {
        Ok(HostValue::Absent)
    }
    fn visit_none<E>(self) -> Result<HostValue, E> {
        Ok(HostValue::Absent)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<HostValue, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<HostValue, E> {
        Ok(HostValue::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<HostValue, E> {
        Ok(HostValue::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<HostValue, E> {
        Ok(i64::try_from(v).map_or(HostValue::UInt(v), HostValue::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<HostValue, E> {
        Ok(HostValue::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<HostValue, E> {
        Ok(HostValue::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<HostValue, E> {
        Ok(HostValue::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<HostValue, E> {
        Ok(HostValue::Bytes(v.to_vec()))
    }
    fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<HostValue, E> {
        Ok(HostValue::Bytes(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<HostValue, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<HostValue>()? {
            out.push(v);
        }
        Ok(HostValue::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<HostValue, A::Error> {
        let mut out = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, HostValue>()? {
            if v != HostValue::Absent {
                out.push((k, v));
            }
        }
        Ok(HostValue::Map(out))
    }
}

impl<'de> IntoDeserializer<'de, Error> for HostValue {
    type Deserializer = HostValue;
    fn into_deserializer(self) -> HostValue {
        self
    }
}

impl<'de> Deserializer<'de> for HostValue {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            HostValue::Absent => visitor.visit_unit(),
            HostValue::Bool(b) => visitor.visit_bool(b),
            HostValue::Int(i) => visitor.visit_i64(i),
            HostValue::UInt(u) => visitor.visit_u64(u),
            HostValue::Float(f) => visitor.visit_f64(f),
            HostValue::Str(s) => visitor.visit_string(s),
            HostValue::Bytes(b) => visitor.visit_byte_buf(b),
            HostValue::Seq(v) => visitor.visit_seq(SeqDeserializer::new(v.into_iter())),
            HostValue::Map(m) => visitor.visit_map(MapDeserializer::new(m.into_iter())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            HostValue::Absent => visitor.visit_none(),
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
            HostValue::Str(s) => IntoDeserializer::<Error>::into_deserializer(s)
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::api::LayoutRequest;

    fn m(entries: &[(&str, HostValue)]) -> HostValue {
        HostValue::Map(
            entries
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn requests_read_the_same_from_text_or_bytes() {
        let v = m(&[
            ("layout", HostValue::Bytes(b"{}".to_vec())),
            (
                "layoutKeys",
                HostValue::Seq(vec![HostValue::Str("pem".into())]),
            ),
            ("links", m(&[("a.link", HostValue::Bytes(vec![1, 2]))])),
            ("now", HostValue::Str("0".into())),
            ("parameters", HostValue::Absent),
            (
                "inspections",
                m(&[("untar", m(&[("returnValue", HostValue::Int(3))]))]),
            ),
        ]);
        let r: LayoutRequest = from_host(v).unwrap();
        assert_eq!(r.layout, b"{}");
        assert_eq!(r.layout_keys, vec![b"pem".to_vec()]);
        assert_eq!(r.links["a.link"], vec![1, 2]);
        assert!(r.parameters.is_none());
        assert_eq!(r.inspections["untar"].return_value, 3);
    }

    #[test]
    fn misspelt_and_mistyped_fields_are_errors() {
        let base = [
            ("layout", HostValue::Str("{}".into())),
            ("now", HostValue::Str("0".into())),
        ];
        let mut bad = base.to_vec();
        bad.push(("skipInspection", HostValue::Bool(true)));
        assert!(from_host::<LayoutRequest>(m(&bad)).is_err());
        let mut wrong = base.to_vec();
        wrong.push(("skip_inspections", HostValue::Str("yes".into())));
        assert!(from_host::<LayoutRequest>(m(&wrong)).is_err());
        assert!(from_host::<LayoutRequest>(m(&base)).is_ok());
    }
}

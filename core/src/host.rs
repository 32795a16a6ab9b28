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
//! [`from_host`] gives serde's message; [`read`] gives a [`HostError`] that also says
//! where the fault is ([`PathSegment`]s: fields, map keys, list indices) and what it is
//! ([`Problem`]), for a binding that words its own argument errors (the Node addon throws
//! a `TypeError` naming `request.links['a.link']`).
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

use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use std::cell::Cell;
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
pub type Error = HostError;

/// Reads `T` from a host value, rejecting what `T` rejects (unknown fields included).
/// The error is serde's message, without the place: [`read`] tells that too.
pub fn from_host<T: de::DeserializeOwned>(v: HostValue) -> Result<T, String> {
    read(v).map_err(|e| e.to_string())
}

/// Reads `T` from a host value; the error says where ([`HostError::path`]) and what
/// ([`HostError::problem`]), for a binding that words its own argument errors.
pub fn read<T: de::DeserializeOwned>(v: HostValue) -> Result<T, HostError> {
    T::deserialize(v)
}

/// One step into a host value, on the way to where an error was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A struct field, by the name the host gave (an alias included); a map key is a
    /// field when the type being read asks for it as an identifier, as serde's derived
    /// structs do.
    Field(String),
    /// A map entry, by its key (a link file name, a parameter name).
    Key(String),
    /// A list element, by its index.
    Index(usize),
}

/// What was found where something else was expected (serde's `Unexpected`, owned).
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// A boolean.
    Bool,
    /// An integer.
    Integer(i128),
    /// A number that is not an integer (or too large for one).
    Float(f64),
    /// Text.
    Str,
    /// Bytes.
    Bytes,
    /// Nothing (`Absent`).
    Absent,
    /// A list.
    Seq,
    /// A map.
    Map,
    /// Anything else, as serde describes it.
    Other(String),
}

impl From<de::Unexpected<'_>> for Found {
    fn from(u: de::Unexpected<'_>) -> Found {
        use de::Unexpected as U;
        match u {
            U::Bool(_) => Found::Bool,
            U::Unsigned(n) => Found::Integer(n.into()),
            U::Signed(n) => Found::Integer(n.into()),
            U::Float(f) => Found::Float(f),
            U::Char(_) | U::Str(_) => Found::Str,
            U::Bytes(_) => Found::Bytes,
            U::Unit | U::Option => Found::Absent,
            U::Seq => Found::Seq,
            U::Map => Found::Map,
            other => Found::Other(other.to_string()),
        }
    }
}

/// What is wrong, by serde's [`de::Error`] constructor that reported it.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A value of another type (`invalid_type`); `expected` as the type being read words it.
    Type {
        /// What was there.
        found: Found,
        /// What the type being read expects.
        expected: String,
    },
    /// A value of the right type that is not accepted, such as a negative size
    /// (`invalid_value`).
    Value {
        /// What was there.
        found: Found,
        /// What the type being read expects.
        expected: String,
    },
    /// A list or map of the wrong length (`invalid_length`).
    Length,
    /// A map key that is not a field (`unknown_field`), and the fields there are.
    UnknownField {
        /// The key.
        field: String,
        /// The fields (by their Rust names, without aliases).
        known: &'static [&'static str],
    },
    /// A required field that is absent (`missing_field`).
    MissingField(&'static str),
    /// A field given twice, for example under its name and its alias (`duplicate_field`).
    DuplicateField(&'static str),
    /// An enum variant that does not exist (`unknown_variant`).
    UnknownVariant,
    /// Anything else, in the words of the type being read (`custom`).
    Other,
}

/// The error of reading a [`HostValue`]: serde's message, what is wrong, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct HostError {
    path: Vec<PathSegment>,
    problem: Problem,
    message: String,
}

impl HostError {
    fn new(problem: Problem, message: impl fmt::Display) -> HostError {
        HostError {
            path: Vec::new(),
            problem,
            message: message.to_string(),
        }
    }

    /// The way from the value read to the one at fault (empty: the value read itself).
    pub fn path(&self) -> &[PathSegment] {
        &self.path
    }

    /// What is wrong.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// Places the error one step further in.
    fn within(mut self, step: PathSegment) -> HostError {
        self.path.insert(0, step);
        self
    }
}

/// serde's own wording of an error (the messages of `de::value::Error`).
fn serde_message(make: impl FnOnce() -> de::value::Error) -> String {
    make().to_string()
}

impl fmt::Display for HostError {
    /// serde's message, without the path.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for HostError {}

impl de::Error for HostError {
    fn custom<T: fmt::Display>(msg: T) -> HostError {
        HostError::new(Problem::Other, msg)
    }
    fn invalid_type(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> HostError {
        let message = serde_message(|| de::Error::invalid_type(unexp, exp));
        let (found, expected) = (unexp.into(), exp.to_string());
        HostError::new(Problem::Type { found, expected }, message)
    }
    fn invalid_value(unexp: de::Unexpected<'_>, exp: &dyn de::Expected) -> HostError {
        let message = serde_message(|| de::Error::invalid_value(unexp, exp));
        let (found, expected) = (unexp.into(), exp.to_string());
        HostError::new(Problem::Value { found, expected }, message)
    }
    fn invalid_length(len: usize, exp: &dyn de::Expected) -> HostError {
        let message = serde_message(|| de::Error::invalid_length(len, exp));
        HostError::new(Problem::Length, message)
    }
    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> HostError {
        let message = serde_message(|| de::Error::unknown_variant(variant, expected));
        HostError::new(Problem::UnknownVariant, message)
    }
    fn unknown_field(field: &str, expected: &'static [&'static str]) -> HostError {
        let message = serde_message(|| de::Error::unknown_field(field, expected));
        let problem = Problem::UnknownField {
            field: field.to_owned(),
            known: expected,
        };
        HostError::new(problem, message)
    }
    fn missing_field(field: &'static str) -> HostError {
        let message = serde_message(|| de::Error::missing_field(field));
        HostError::new(Problem::MissingField(field), message)
    }
    fn duplicate_field(field: &'static str) -> HostError {
        let message = serde_message(|| de::Error::duplicate_field(field));
        HostError::new(Problem::DuplicateField(field), message)
    }
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

/// The elements of a list, each error placed at its index. Like serde's
/// `SeqDeserializer`, elements the visitor leaves unread are an error.
struct Elements {
    items: std::iter::Enumerate<std::vec::IntoIter<HostValue>>,
    len: usize,
}

impl<'de> SeqAccess<'de> for Elements {
    type Error = HostError;
    fn next_element_seed<S: de::DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, HostError> {
        match self.items.next() {
            Some((i, v)) => seed
                .deserialize(v)
                .map(Some)
                .map_err(|e| e.within(PathSegment::Index(i))),
            None => Ok(None),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A map's entries, each error in a value placed at its key (a [`PathSegment::Field`]
/// when the key was read as an identifier). Like serde's `MapDeserializer`, entries the
/// visitor leaves unread are an error.
struct Entries {
    entries: std::vec::IntoIter<(String, HostValue)>,
    len: usize,
    value: Option<(PathSegment, HostValue)>,
}

impl<'de> MapAccess<'de> for Entries {
    type Error = HostError;
    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, HostError> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        let field = Cell::new(false);
        let k = seed.deserialize(Key {
            key: &key,
            field: &field,
        })?;
        let step = if field.get() {
            PathSegment::Field(key)
        } else {
            PathSegment::Key(key)
        };
        self.value = Some((step, value));
        Ok(Some(k))
    }
    fn next_value_seed<V: de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, HostError> {
        let (step, value) = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a map value was read before its key"))?;
        seed.deserialize(value).map_err(|e| e.within(step))
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A map key: text, noting whether it was read as an identifier (a field name).
struct Key<'a> {
    key: &'a str,
    field: &'a Cell<bool>,
}

impl<'de> Deserializer<'de> for Key<'_> {
    type Error = HostError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, HostError> {
        visitor.visit_str(self.key)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, HostError> {
        self.field.set(true);
        visitor.visit_str(self.key)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, HostError> {
        IntoDeserializer::<HostError>::into_deserializer(self.key)
            .deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct ignored_any
    }
}

/// serde's error for entries left unread ("invalid length 3, expected 2 elements in
/// sequence").
fn unread(total: usize, read: usize, what: &str) -> HostError {
    struct Read<'a>(usize, &'a str);
    impl de::Expected for Read<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let plural = if self.0 == 1 { "" } else { "s" };
            write!(f, "{} element{plural} in {}", self.0, self.1)
        }
    }
    de::Error::invalid_length(total, &Read(read, what))
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
            HostValue::Seq(v) => {
                let len = v.len();
                let mut seq = Elements {
                    items: v.into_iter().enumerate(),
                    len,
                };
                let out = visitor.visit_seq(&mut seq)?;
                match seq.items.len() {
                    0 => Ok(out),
                    left => Err(unread(seq.len, seq.len - left, "sequence")),
                }
            }
            HostValue::Map(m) => {
                let len = m.len();
                let mut map = Entries {
                    entries: m.into_iter(),
                    len,
                    value: None,
                };
                let out = visitor.visit_map(&mut map)?;
                match map.entries.len() {
                    0 => Ok(out),
                    left => Err(unread(map.len, map.len - left, "map")),
                }
            }
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
    fn errors_say_where_and_what() {
        use crate::api::AttestationRequest;
        let base = || {
            vec![
                ("layout", HostValue::Str("{}".into())),
                ("now", HostValue::Str("0".into())),
            ]
        };
        // A map value: the field, then the key; serde's message as it is.
        let mut links = base();
        links.push(("links", m(&[("a.link", HostValue::Int(1))])));
        let e = read::<LayoutRequest>(m(&links)).unwrap_err();
        assert_eq!(
            e.path(),
            [
                PathSegment::Field("links".into()),
                PathSegment::Key("a.link".into())
            ]
        );
        assert_eq!(
            e.problem(),
            &Problem::Type {
                found: Found::Integer(1),
                expected: "a string or bytes".into()
            }
        );
        assert_eq!(
            from_host::<LayoutRequest>(m(&links)).unwrap_err(),
            "invalid type: integer `1`, expected a string or bytes"
        );
        // A list element, under the name as given (an alias).
        let mut keys = base();
        keys.push((
            "layoutKeys",
            HostValue::Seq(vec![HostValue::Str("k".into()), HostValue::Absent]),
        ));
        let e = read::<LayoutRequest>(m(&keys)).unwrap_err();
        assert_eq!(
            e.path(),
            [
                PathSegment::Field("layoutKeys".into()),
                PathSegment::Index(1)
            ]
        );
        assert!(matches!(
            e.problem(),
            Problem::Type {
                found: Found::Absent,
                ..
            }
        ));
        // Faults of the map itself are placed at the map.
        let mut unknown = base();
        unknown.push(("bogus", HostValue::Bool(true)));
        let e = read::<LayoutRequest>(m(&unknown)).unwrap_err();
        assert!(e.path().is_empty());
        assert!(matches!(e.problem(), Problem::UnknownField { field, .. } if field == "bogus"));
        let e = read::<LayoutRequest>(m(&[("now", HostValue::Str("0".into()))])).unwrap_err();
        assert_eq!(e.problem(), &Problem::MissingField("layout"));
        let mut both = base();
        both.push(("max_bytes", HostValue::Int(1)));
        both.push(("maxBytes", HostValue::Int(2)));
        let e = read::<LayoutRequest>(m(&both)).unwrap_err();
        assert_eq!(e.problem(), &Problem::DuplicateField("max_bytes"));
        // A negative size is a value out of range.
        let mut negative = base();
        negative.push(("limits", m(&[("maxSteps", HostValue::Int(-1))])));
        let e = read::<LayoutRequest>(m(&negative)).unwrap_err();
        assert_eq!(
            e.path(),
            [
                PathSegment::Field("limits".into()),
                PathSegment::Field("maxSteps".into())
            ]
        );
        assert!(matches!(
            e.problem(),
            Problem::Value {
                found: Found::Integer(-1),
                ..
            }
        ));
        // A verification key's fields are fields too, and given once.
        let key = |entries: &[(&str, HostValue)]| {
            m(&[
                ("envelope", HostValue::Str("{}".into())),
                ("verificationKeys", HostValue::Seq(vec![m(entries)])),
            ])
        };
        let pem = ("pem", HostValue::Str("k".into()));
        let e = read::<AttestationRequest>(key(&[pem.clone(), ("keyid", HostValue::Int(7))]))
            .unwrap_err();
        assert_eq!(
            e.path(),
            [
                PathSegment::Field("verificationKeys".into()),
                PathSegment::Index(0),
                PathSegment::Field("keyid".into())
            ]
        );
        let twice = [
            pem,
            ("keyid", HostValue::Str("a".into())),
            ("keyId", HostValue::Str("b".into())),
        ];
        let e = read::<AttestationRequest>(key(&twice)).unwrap_err();
        assert_eq!(e.problem(), &Problem::DuplicateField("keyid"));
    }

    #[test]
    fn unread_elements_are_an_error_as_in_serde() {
        let e =
            read::<(i64,)>(HostValue::Seq(vec![HostValue::Int(1), HostValue::Int(2)])).unwrap_err();
        assert_eq!(e.problem(), &Problem::Length);
        assert_eq!(
            e.to_string(),
            "invalid length 2, expected 1 element in sequence"
        );
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

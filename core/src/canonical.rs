//! Canonical JSON exactly as securesystemslib's `encode_canonical` writes it.
//!
//! This is the "OLPC" canonical form in-toto signs Metablock content with:
//!
//! * object keys sorted by Unicode code point, no whitespace anywhere;
//! * strings in double quotes, escaping only `"` and `\` with a backslash, every other
//!   character (control characters and non-ASCII included) written as raw UTF-8;
//! * integers in decimal (`-0` is written `0`, as Python reads it as the integer zero);
//! * `true`, `false`, `null`;
//! * floats are not canonicalisable: [`CanonicalError::Float`].

use crate::json::{sort_and_find_duplicate, JsonError, JsonLimits, Map, Parser, Value};
use std::borrow::Cow;
use std::fmt;

/// Why a value has no canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CanonicalError {
    /// A number with a fraction or an exponent (securesystemslib raises `FormatError`).
    Float {
        /// The number as written.
        number: String,
    },
}

impl fmt::Display for CanonicalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CanonicalError::Float { number } => {
                write!(f, "canonical JSON cannot encode the float {number}")
            }
        }
    }
}

impl std::error::Error for CanonicalError {}

/// The canonical JSON bytes of `value`.
///
/// ```
/// use intoto_verify::{canonical, json};
/// let v = json::parse(br#"{"b": "x\"\n", "a": [1, -0]}"#, json::JsonLimits::default()).unwrap();
/// assert_eq!(canonical::encode(&v).unwrap(), b"{\"a\":[1,0],\"b\":\"x\\\"\n\"}".to_vec());
/// ```
pub fn encode(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::new();
    encode_into(value, &mut out)?;
    Ok(out)
}

/// Appends the canonical JSON bytes of `value` to `out`.
///
/// On error, `out` holds a partial encoding and should be discarded.
pub fn encode_into(value: &Value, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => {
            if !n.is_integer() {
                return Err(CanonicalError::Float {
                    number: n.as_str().to_owned(),
                });
            }
            if n.as_str() == "-0" {
                out.push(b'0');
            } else {
                out.extend_from_slice(n.as_str().as_bytes());
            }
        }
        Value::String(s) => encode_str(s, out),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                encode_into(item, out)?;
            }
            out.push(b']');
        }
        Value::Object(map) => encode_map(map, out)?,
    }
    Ok(())
}

fn encode_map(map: &Map, out: &mut Vec<u8>) -> Result<(), CanonicalError> {
    out.push(b'{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        encode_str(k, out);
        out.push(b':');
        encode_into(v, out)?;
    }
    out.push(b'}');
    Ok(())
}

/// Appends a canonical JSON string (quotes included) to `out`.
pub fn encode_str(s: &str, out: &mut Vec<u8>) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'"' || b == b'\\' {
            if let Some(run) = bytes.get(start..i) {
                out.extend_from_slice(run);
            }
            out.push(b'\\');
            out.push(b);
            start = i + 1;
        }
    }
    if let Some(run) = bytes.get(start..) {
        out.extend_from_slice(run);
    }
    out.push(b'"');
}

/// Why JSON bytes have no canonical form.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FromJsonError {
    /// Not JSON (or beyond the limits), exactly as [`crate::json::parse`] would say.
    Json(JsonError),
    /// JSON, but holding a float.
    Canonical(CanonicalError),
}

impl fmt::Display for FromJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FromJsonError::Json(e) => write!(f, "not valid JSON: {e}"),
            FromJsonError::Canonical(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for FromJsonError {}

/// The canonical JSON bytes of a JSON text, read in one pass without building a tree:
/// the same bytes as `encode(&json::parse(input)?)`, and the same errors.
///
/// ```
/// use intoto_verify::{canonical, json::JsonLimits};
/// let c = canonical::encode_json(b"{ \"b\": \"x\", \"a\": [1, -0] }", JsonLimits::default()).unwrap();
/// assert_eq!(c, b"{\"a\":[1,0],\"b\":\"x\"}".to_vec());
/// ```
pub fn encode_json(input: &[u8], limits: JsonLimits) -> Result<Vec<u8>, FromJsonError> {
    let mut p = Parser::new(input, limits).map_err(FromJsonError::Json)?;
    let mut w = Writer::default();
    w.value(&mut p, 0).map_err(FromJsonError::Json)?;
    p.finish().map_err(FromJsonError::Json)?;
    match w.float {
        Some(number) => Err(FromJsonError::Canonical(CanonicalError::Float { number })),
        None => Ok(w.out),
    }
}

/// Writes canonical JSON while a [`Parser`] reads the input. Objects whose keys arrive in
/// order (what in-toto tools write) are copied through as they are read; the entries of an
/// object whose keys do not are moved into order once it has been read (nothing is read
/// twice, so nesting cannot make the work grow beyond size times depth).
#[derive(Default)]
pub(crate) struct Writer {
    /// The canonical bytes so far.
    pub(crate) out: Vec<u8>,
    /// The first float met: the input has no canonical form (the output is meaningless).
    pub(crate) float: Option<String>,
    /// The entries of the objects being written, innermost last: (key offset in the
    /// input, start and end in `out` of the entry's `"key":value`).
    entries: Vec<(usize, usize, usize)>,
}

impl Writer {
    /// Reads the value at the parser (inside a container of depth `depth`) and writes it.
    pub(crate) fn value(&mut self, p: &mut Parser<'_>, depth: usize) -> Result<(), JsonError> {
        match p.peek() {
            Some(b'{') => self.object(p, depth + 1),
            Some(b'[') => {
                let mut first = true;
                self.out.push(b'[');
                p.array_items(depth + 1, |p| {
                    if !first {
                        self.out.push(b',');
                    }
                    first = false;
                    self.value(p, depth + 1)
                })?;
                self.out.push(b']');
                Ok(())
            }
            Some(b'"') => {
                let s = p.string()?;
                self.string(&s);
                Ok(())
            }
            Some(b't') => p
                .literal(b"true")
                .map(|()| self.out.extend_from_slice(b"true")),
            Some(b'f') => p
                .literal(b"false")
                .map(|()| self.out.extend_from_slice(b"false")),
            Some(b'n') => p
                .literal(b"null")
                .map(|()| self.out.extend_from_slice(b"null")),
            Some(b'-' | b'0'..=b'9') => {
                let (text, integer) = p.number()?;
                if !integer {
                    self.float.get_or_insert_with(|| text.to_owned());
                } else if text == "-0" {
                    self.out.push(b'0');
                } else {
                    self.out.extend_from_slice(text.as_bytes());
                }
                Ok(())
            }
            // Let the tree reader produce the error for anything else.
            _ => p.value(depth).map(drop),
        }
    }

    // The `Cow` is the point: a borrowed string was read without escapes.
    #[allow(clippy::ptr_arg)]
    fn string(&mut self, s: &Cow<'_, str>) {
        match s {
            // Read without escapes: it holds no `"` or `\`, so it is written as it is.
            Cow::Borrowed(b) => {
                self.out.reserve(b.len() + 2);
                self.out.push(b'"');
                self.out.extend_from_slice(b.as_bytes());
                self.out.push(b'"');
            }
            Cow::Owned(o) => encode_str(o, &mut self.out),
        }
    }

    fn object<'a>(&mut self, p: &mut Parser<'a>, depth: usize) -> Result<(), JsonError> {
        let (start_len, base) = (self.out.len(), self.entries.len());
        let mut prev: Option<Cow<'a, str>> = None;
        let mut in_order = true;
        self.out.push(b'{');
        p.object_entries(depth, |p, key, key_at| {
            if in_order && prev.as_ref().is_some_and(|k| *k >= key) {
                in_order = false;
            }
            if self.entries.len() > base {
                self.out.push(b',');
            }
            let entry_start = self.out.len();
            self.string(&key);
            self.out.push(b':');
            self.value(p, depth)?;
            self.entries.push((key_at, entry_start, self.out.len()));
            if in_order {
                prev = Some(key);
            }
            Ok(())
        })?;
        if in_order {
            self.out.push(b'}');
        } else {
            self.reorder(p, start_len, base)?;
        }
        self.entries.truncate(base);
        Ok(())
    }

    /// Puts the entries of the object written from `start_len` (recorded from `base` on
    /// the entry stack) in key order, or finds a repeated key. Every entry was written
    /// once, as it was read; here the written bytes are only moved, so a document of
    /// nested unsorted objects costs its size times its depth, never more.
    fn reorder<'a>(
        &mut self,
        p: &mut Parser<'a>,
        start_len: usize,
        base: usize,
    ) -> Result<(), JsonError> {
        let resume = p.offset();
        let mut keyed: Vec<(Cow<'a, str>, usize, usize, usize)> = Vec::new();
        for &(key_at, start, end) in self.entries.get(base..).unwrap_or_default() {
            // The key is read again from the input: it was read there once already.
            p.rewind(key_at);
            keyed.push((p.string()?, key_at, start, end));
        }
        p.rewind(resume);
        if let Some(e) = sort_and_find_duplicate(&mut keyed, |k| (&k.0, k.1)) {
            return Err(e);
        }
        let written = self.out.split_off(start_len);
        self.out.push(b'{');
        for (i, (_, _, start, end)) in keyed.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            let entry = written.get(start.saturating_sub(start_len)..end.saturating_sub(start_len));
            self.out.extend_from_slice(entry.unwrap_or_default());
        }
        self.out.push(b'}');
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::json::{parse, JsonLimits};

    fn c(s: &str) -> Result<String, CanonicalError> {
        let v = parse(s.as_bytes(), JsonLimits::default()).unwrap();
        encode(&v).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn matches_securesystemslib() {
        assert_eq!(
            c(r#"{"z":1,"a":"\\","é":true,"😀":null,"ÿ":[]}"#).unwrap(),
            "{\"a\":\"\\\\\",\"z\":1,\"é\":true,\"ÿ\":[],\"😀\":null}"
        );
        assert_eq!(c(r#""\t\u0000\u007f""#).unwrap(), "\"\t\u{0}\u{7f}\"");
        assert_eq!(
            c("123456789012345678901234567890").unwrap(),
            "123456789012345678901234567890"
        );
        assert!(matches!(c("1.0"), Err(CanonicalError::Float { .. })));
        assert!(matches!(c("[1e5]"), Err(CanonicalError::Float { .. })));
    }
}

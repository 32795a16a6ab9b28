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

use crate::json::{Map, Value};
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

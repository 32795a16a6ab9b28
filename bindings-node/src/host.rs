//! JavaScript arguments into the core's [`HostValue`], the one form every binding hands
//! requests to the core in (`intoto_verify::host`), and the core's errors back into this
//! addon's argument errors.
//!
//! The walk reads, as bindings-wasm/src/host.rs does:
//!
//! | JS | HostValue |
//! | --- | --- |
//! | `undefined`, `null` | `Absent` (dropped from objects: "not given") |
//! | boolean | `Bool` |
//! | BigInt | `Int` (i64), else `UInt` (u64), else a `RangeError` |
//! | number | `Int` when a safe integer, else `Float` |
//! | string | `Str` |
//! | `Uint8Array` (a `Buffer`, any view) | `Bytes` (copied) |
//! | Array | `Seq` |
//! | other object | `Map` of its enumerable string-keyed properties, in order |
//!
//! Unlike the WASM build it refuses an `ArrayBuffer`, other typed arrays, a `Date` (the
//! layout request's `now` is converted before the walk, see `request.rs`), a function and a
//! symbol with a `TypeError`, and it reads a `Map` as any other object (by its properties),
//! as this addon always has. Nesting deeper than [`MAX_DEPTH`] (a cyclic object) is an
//! error too.
//!
//! The core's serde rules then read the request (aliases, bytes as text or bytes, unknown
//! fields rejected); [`read`] turns its [`HostError`] into a `TypeError` or `RangeError`
//! naming the property at fault (`request.links['a.link'] must be ...`).
#![forbid(unsafe_code)]

use crate::errors::{type_name, ArgError, Problem};
use intoto_verify::host::{Found, HostError, HostValue, PathSegment, Problem as Wrong};
use napi::bindgen_prelude::Unknown;
use napi::bindgen_prelude::{BigInt, FromNapiValue, JsObjectValue, Object, Uint8ArraySlice};
use napi::{JsValue, ValueType};

/// A conversion's result.
pub(crate) type R<T> = Result<T, Problem>;

/// Deepest nesting accepted in an argument.
pub const MAX_DEPTH: usize = 64;

/// Largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// The properties of the object argument `path` (`request`, `options`), unconverted; any
/// other value is a `TypeError`.
pub fn properties<'env>(value: Unknown<'env>, path: &str) -> R<Vec<(String, Unknown<'env>)>> {
    if value.get_type()? != ValueType::Object
        || value.is_array()?
        || value.is_typedarray()?
        || value.is_arraybuffer()?
        || value.is_date()?
    {
        return Err(ArgError::Type(format!(
            "{path} must be an object, got {}",
            type_name(&value)
        ))
        .into());
    }
    let obj = Object::from_unknown(value)?;
    let mut out = Vec::new();
    for key in Object::keys(&obj)? {
        let item: Unknown<'env> = obj.get_named_property(&key)?;
        out.push((key, item));
    }
    Ok(out)
}

/// Adds an entry to a host map, dropping an absent value ("not given").
pub fn push(map: &mut Vec<(String, HostValue)>, key: String, value: HostValue) {
    if value != HostValue::Absent {
        map.push((key, value));
    }
}

/// The object argument `path` as a host map.
pub fn object(value: Unknown<'_>, path: &str) -> R<Vec<(String, HostValue)>> {
    entries(properties(value, path)?, path, 1)
}

/// The argument `value` (`path` names it) as a host value.
pub fn to_host(value: Unknown<'_>, path: &str) -> R<HostValue> {
    walk(value, path, 0)
}

/// A property of an object argument, found at `path`, as a host value.
pub fn property(value: Unknown<'_>, path: &str) -> R<HostValue> {
    walk(value, path, 1)
}

fn entries(
    props: Vec<(String, Unknown<'_>)>,
    path: &str,
    depth: usize,
) -> R<Vec<(String, HostValue)>> {
    let mut out = Vec::with_capacity(props.len());
    for (key, item) in props {
        let value = walk(item, &child(path, &key), depth)?;
        push(&mut out, key, value);
    }
    Ok(out)
}

fn walk(v: Unknown<'_>, path: &str, depth: usize) -> R<HostValue> {
    if depth > MAX_DEPTH {
        return Err(ArgError::Value(format!(
            "{path} nests deeper than {MAX_DEPTH} levels (is an object its own child?)"
        ))
        .into());
    }
    let refused = |v: &Unknown<'_>| -> Problem {
        let hint =
            if matches!(v.is_typedarray(), Ok(true)) || matches!(v.is_arraybuffer(), Ok(true)) {
                " (bytes are a Buffer, a Uint8Array or a string)"
            } else {
                ""
            };
        ArgError::Type(format!("{path} cannot be {}{hint}", type_name(v))).into()
    };
    Ok(match v.get_type()? {
        ValueType::Undefined | ValueType::Null => HostValue::Absent,
        ValueType::Boolean => HostValue::Bool(bool::from_unknown(v)?),
        ValueType::Number => {
            let x = f64::from_unknown(v)?;
            if x.fract() == 0.0 && x.abs() <= MAX_SAFE_INTEGER {
                HostValue::Int(x as i64)
            } else {
                HostValue::Float(x)
            }
        }
        ValueType::BigInt => big_int(&BigInt::from_unknown(v)?, path)?,
        ValueType::String => HostValue::Str(String::from_unknown(v)?),
        ValueType::Object if v.is_array()? => {
            let arr = Object::from_unknown(v)?;
            let len = arr.get_array_length()?;
            let mut out = Vec::with_capacity(len as usize);
            for i in 0..len {
                let item: Unknown<'_> = arr.get_element(i)?;
                out.push(walk(item, &format!("{path}[{i}]"), depth + 1)?);
            }
            HostValue::Seq(out)
        }
        ValueType::Object if v.is_typedarray()? => match Uint8ArraySlice::from_unknown(v) {
            Ok(bytes) => HostValue::Bytes(bytes.to_vec()),
            Err(_) => return Err(refused(&v)),
        },
        ValueType::Object if v.is_arraybuffer()? || v.is_date()? => return Err(refused(&v)),
        ValueType::Object => HostValue::Map(entries(properties(v, path)?, path, depth + 1)?),
        _ => return Err(refused(&v)),
    })
}

fn big_int(b: &BigInt, path: &str) -> R<HostValue> {
    let out = match (b.sign_bit, b.words.as_slice()) {
        (false, [w]) => Some(i64::try_from(*w).map_or(HostValue::UInt(*w), HostValue::Int)),
        (true, [w]) => i64::try_from(-i128::from(*w)).ok().map(HostValue::Int),
        _ => None,
    };
    out.ok_or_else(|| {
        ArgError::Range(format!(
            "{path} must be a BigInt from -(2n ** 63n) to 2n ** 64n - 1n"
        ))
        .into()
    })
}

/// The path of property `key` of `path`: `.key` for an identifier, `['key']` otherwise.
pub fn child(path: &str, key: &str) -> String {
    let mut chars = key.chars();
    let identifier = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    if identifier {
        format!("{path}.{key}")
    } else {
        key_path(path, key)
    }
}

/// `path['key']`, quoted as JavaScript would.
fn key_path(path: &str, key: &str) -> String {
    let mut out = format!("{path}['");
    for c in key.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push_str("']");
    out
}

/// Reads `T` from `value` by the core's rules; `path` names `value` in errors.
pub fn read<T: serde::de::DeserializeOwned>(value: HostValue, path: &str) -> R<T> {
    intoto_verify::host::read(value).map_err(|e| arg_error(path, &e).into())
}

/// The argument error for what the core found wrong in the value at `root`.
pub fn arg_error(root: &str, e: &HostError) -> ArgError {
    let mut at = root.to_owned();
    for step in e.path() {
        at = match step {
            PathSegment::Field(k) => format!("{at}.{k}"),
            PathSegment::Key(k) => key_path(&at, k),
            PathSegment::Index(i) => format!("{at}[{i}]"),
        };
    }
    let must_be = |expected: &str, found: &Found| {
        format!(
            "{at} must be {}, got {}",
            js_expected(expected),
            js_found(found)
        )
    };
    match e.problem() {
        Wrong::Type { found, expected } | Wrong::Value { found, expected }
            if matches!(found, Found::Integer(_) | Found::Float(_))
                && integer_range(expected).is_some() =>
        {
            let range = integer_range(expected).unwrap_or_default();
            ArgError::Range(format!("{at} must be {range}, got {}", number_text(found)))
        }
        Wrong::Type { found, expected } => ArgError::Type(must_be(expected, found)),
        Wrong::Value { found, expected } => ArgError::Value(must_be(expected, found)),
        Wrong::UnknownField { field, known } => {
            // serde lists the aliases too: camelCase, each name once.
            let mut names: Vec<String> = Vec::new();
            for name in known.iter().map(|k| camel(k)) {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            ArgError::Value(format!(
                "{at} has no property {field:?} (it has: {})",
                names.join(", ")
            ))
        }
        Wrong::MissingField(f) => {
            ArgError::Type(format!("{at}.{} must be given, got undefined", camel(f)))
        }
        Wrong::DuplicateField(f) if camel(f) != *f => ArgError::Value(format!(
            "{at} gives both {:?} and {f:?}; give one of them",
            camel(f)
        )),
        Wrong::DuplicateField(f) => {
            ArgError::Value(format!("{at} gives {f:?} twice; give it once"))
        }
        _ => ArgError::Value(format!("{at}: {e}")),
    }
}

/// snake_case to camelCase: the JS name of a core field (`layout_keys` -> `layoutKeys`).
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        match c {
            '_' => upper = true,
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    out
}

/// What serde's primitive visitors expect, for the integer types: the accepted range.
fn integer_range(expected: &str) -> Option<&'static str> {
    Some(match expected {
        "u8" => "an integer from 0 to 255",
        "u16" => "an integer from 0 to 65535",
        "u32" => "an integer from 0 to 4294967295",
        "u64" | "u128" | "usize" => "an integer, at least 0",
        "i8" => "an integer from -128 to 127",
        "i16" => "an integer from -32768 to 32767",
        "i32" => "an integer from -2147483648 to 2147483647",
        "i64" | "i128" | "isize" => "an integer",
        _ => return None,
    })
}

/// A number as JavaScript prints it (near enough for a message).
fn number_text(found: &Found) -> String {
    match found {
        Found::Integer(i) => i.to_string(),
        Found::Float(f) if f.is_nan() => "NaN".to_owned(),
        Found::Float(f) if f.is_infinite() => {
            if *f > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
        }
        Found::Float(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        Found::Float(f) => format!("{f:?}"),
        other => js_found(other).to_owned(),
    }
}

/// What the core expected, in JavaScript's terms. The core words its own types
/// (`api::bytes`, `api::VerificationKey`); a wording not listed here is passed on as it is.
fn js_expected(expected: &str) -> String {
    match expected {
        "a string or bytes" => "a Buffer, a Uint8Array or a string",
        "a PEM public key (text or bytes) or {\"pem\", \"scheme\", \"keyid\"}" => {
            "a PEM key (Buffer, Uint8Array or string) or { pem, scheme?, keyid? }"
        }
        "a map of names to strings or bytes" => {
            "an object of names to Buffers, Uint8Arrays or strings"
        }
        "a sequence" => "an array",
        "a map" => "an object",
        e if e.starts_with("struct ") => "an object",
        e if integer_range(e).is_some() || e == "f64" || e == "f32" => "a number",
        e => e,
    }
    .to_owned()
}

/// What was found, in JavaScript's terms.
fn js_found(found: &Found) -> &str {
    match found {
        Found::Bool => "a boolean",
        Found::Integer(_) | Found::Float(_) => "a number",
        Found::Str => "a string",
        Found::Bytes => "a Uint8Array",
        Found::Absent => "null or undefined",
        Found::Seq => "an array",
        Found::Map => "an object",
        Found::Other(what) => what,
    }
}

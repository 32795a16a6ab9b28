//! JavaScript arguments to plain Rust data: the request object to the core's
//! [`LayoutRequest`], the options object, and the CLI's argument list.
//!
//! Each property is read and type-checked by name so that a wrong one is reported with its
//! path (`request.links['build.1234abcd.link']`); unknown properties are rejected, as the
//! core's serde request rejects them. `undefined` and `null` mean "not given".
#![forbid(unsafe_code)]

use crate::errors::{type_name, ArgError, Problem};
use intoto_verify::api::LayoutRequest;
use intoto_verify::model::DigestSet;
use intoto_verify::time::Timestamp;
use intoto_verify::verify::InspectionResult;
use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, Uint8ArraySlice, Unknown};
use napi::{JsDate, JsValue, ValueType};
use std::collections::BTreeMap;

pub(crate) type R<T> = Result<T, Problem>;

/// A property: its name in JavaScript and the snake_case alias the core's JSON request uses.
pub(crate) type Field = (&'static str, Option<&'static str>);

const REQUEST_FIELDS: &[Field] = &[
    ("layout", None),
    ("layoutKeys", Some("layout_keys")),
    ("links", None),
    ("now", None),
    ("parameters", None),
    ("inspections", None),
    ("skipInspections", Some("skip_inspections")),
    ("maxBytes", Some("max_bytes")),
    ("maxDepth", Some("max_depth")),
];

const INSPECTION_FIELDS: &[Field] = &[
    ("returnValue", Some("return_value")),
    ("materials", None),
    ("products", None),
];

const OPTION_FIELDS: &[Field] = &[("throwOnFailure", None)];

/// How to deliver the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct VerifyOptions {
    /// Throw an `Error` (with `code` and `report`) when the verdict is not `pass`.
    pub throw_on_failure: bool,
}

pub(crate) fn type_error(path: &str, expected: &str, got: &Unknown<'_>) -> Problem {
    Problem::Arg(ArgError::Type(format!(
        "{path} must be {expected}, got {}",
        type_name(got)
    )))
}

/// A quoted property name for a path (`['a.link']`).
pub(crate) fn key_path(path: &str, key: &str) -> String {
    format!("{path}[{}]", serde_json_string(key))
}

fn serde_json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// `value` as a plain object (not an array, typed array, `Date` or `null`).
pub(crate) fn plain_object<'env>(
    value: Unknown<'env>,
    path: &str,
    expected: &str,
) -> R<Object<'env>> {
    if value.get_type()? != ValueType::Object
        || value.is_array()?
        || value.is_typedarray()?
        || value.is_arraybuffer()?
        || value.is_date()?
    {
        return Err(type_error(path, expected, &value));
    }
    Ok(Object::from_unknown(value)?)
}

/// Rejects properties not in `fields`.
pub(crate) fn check_keys(obj: &Object<'_>, path: &str, fields: &[Field]) -> R<()> {
    for key in Object::keys(obj)? {
        if !fields
            .iter()
            .any(|(name, alias)| *name == key || *alias == Some(key.as_str()))
        {
            let known: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
            return Err(ArgError::Value(format!(
                "{path} has no property {key:?} (it has: {})",
                known.join(", ")
            ))
            .into());
        }
    }
    Ok(())
}

/// The value of `field` (or its alias) with its path; `None` when it is `undefined` or `null`.
pub(crate) fn get<'env>(
    obj: &Object<'env>,
    path: &str,
    field: Field,
) -> R<Option<(Unknown<'env>, String)>> {
    let (name, alias) = field;
    let mut found = None;
    for n in std::iter::once(name).chain(alias) {
        let v: Unknown<'env> = obj.get_named_property(n)?;
        if matches!(v.get_type()?, ValueType::Undefined | ValueType::Null) {
            continue;
        }
        if found.is_some() {
            return Err(ArgError::Value(format!(
                "{path} gives both {name:?} and {n:?}; give one of them"
            ))
            .into());
        }
        found = Some((v, format!("{path}.{n}")));
    }
    Ok(found)
}

/// A byte string: a `Buffer`, a `Uint8Array` or a string (taken as UTF-8).
pub(crate) fn bytes(value: Unknown<'_>, path: &str) -> R<Vec<u8>> {
    const EXPECTED: &str = "a Buffer, a Uint8Array or a string";
    match value.get_type()? {
        ValueType::String => Ok(String::from_unknown(value)?.into_bytes()),
        ValueType::Object if value.is_typedarray()? => match Uint8ArraySlice::from_unknown(value) {
            Ok(slice) => Ok(slice.to_vec()),
            Err(_) => Err(type_error(path, EXPECTED, &value)),
        },
        _ => Err(type_error(path, EXPECTED, &value)),
    }
}

pub(crate) fn string(value: Unknown<'_>, path: &str) -> R<String> {
    if value.get_type()? != ValueType::String {
        return Err(type_error(path, "a string", &value));
    }
    Ok(String::from_unknown(value)?)
}

pub(crate) fn boolean(value: Unknown<'_>, path: &str) -> R<bool> {
    if value.get_type()? != ValueType::Boolean {
        return Err(type_error(path, "a boolean", &value));
    }
    Ok(bool::from_unknown(value)?)
}

/// An integer number in `min..=max` (both within ±2^53, where numbers are exact).
pub(crate) fn integer(value: Unknown<'_>, path: &str, min: f64, max: f64) -> R<f64> {
    if value.get_type()? != ValueType::Number {
        return Err(type_error(path, "a number", &value));
    }
    let x = f64::from_unknown(value)?;
    if !x.is_finite() || x.fract() != 0.0 || x < min || x > max {
        return Err(ArgError::Range(format!(
            "{path} must be an integer from {min} to {max}, got {x}"
        ))
        .into());
    }
    Ok(x)
}

pub(crate) const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

pub(crate) fn size(value: Unknown<'_>, path: &str) -> R<usize> {
    let max = MAX_SAFE_INTEGER.min(usize::MAX as f64);
    Ok(integer(value, path, 0.0, max)? as usize)
}

/// An array of elements converted by `each`.
pub(crate) fn list<'env, T>(
    value: Unknown<'env>,
    path: &str,
    expected: &str,
    each: impl Fn(Unknown<'env>, &str) -> R<T>,
) -> R<Vec<T>> {
    if !value.is_array()? {
        return Err(type_error(path, expected, &value));
    }
    let arr = Object::from_unknown(value)?;
    let len = arr.get_array_length()?;
    let mut out = Vec::with_capacity(len as usize);
    for i in 0..len {
        let item: Unknown<'env> = arr.get_element(i)?;
        out.push(each(item, &format!("{path}[{i}]"))?);
    }
    Ok(out)
}

/// A record (plain object) of values converted by `each`.
pub(crate) fn record<'env, T>(
    value: Unknown<'env>,
    path: &str,
    expected: &str,
    each: impl Fn(Unknown<'env>, &str) -> R<T>,
) -> R<BTreeMap<String, T>> {
    let obj = plain_object(value, path, expected)?;
    let mut out = BTreeMap::new();
    for key in Object::keys(&obj)? {
        let item: Unknown<'env> = obj.get_named_property(&key)?;
        let item_path = key_path(path, &key);
        out.insert(key, each(item, &item_path)?);
    }
    Ok(out)
}

pub(crate) fn string_record(value: Unknown<'_>, path: &str) -> R<BTreeMap<String, String>> {
    record(value, path, "an object of strings", string)
}

fn inspection(value: Unknown<'_>, path: &str) -> R<InspectionResult> {
    let obj = plain_object(
        value,
        path,
        "an object { returnValue, materials?, products? }",
    )?;
    check_keys(&obj, path, INSPECTION_FIELDS)?;
    let field = |f| get(&obj, path, f);
    let artifacts = |f| -> R<BTreeMap<String, DigestSet>> {
        match field(f)? {
            None => Ok(BTreeMap::new()),
            Some((v, p)) => record(
                v,
                &p,
                "an object of artifact names to digest objects",
                |v, p| string_record(v, p).map(|m| m.into_iter().collect()),
            ),
        }
    };
    let Some((rv, rv_path)) = field(("returnValue", Some("return_value")))? else {
        return Err(ArgError::Type(format!("{path}.returnValue must be a number")).into());
    };
    Ok(InspectionResult {
        return_value: integer(rv, &rv_path, -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER)? as i64,
        materials: artifacts(("materials", None))?.into_iter().collect(),
        products: artifacts(("products", None))?.into_iter().collect(),
    })
}

/// The verification time: a string as given (the core parses it), a `Date`, or the clock.
fn now(value: Option<(Unknown<'_>, String)>) -> R<String> {
    let Some((value, path)) = value else {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        return Ok(Timestamp::from_unix(i64::try_from(secs).unwrap_or(i64::MAX)).to_string());
    };
    match value.get_type()? {
        ValueType::String => Ok(String::from_unknown(value)?),
        ValueType::Object if value.is_date()? => {
            let ms = JsDate::from_unknown(value)?.value_of()?;
            if !ms.is_finite() {
                return Err(ArgError::Value(format!("{path} is an invalid Date")).into());
            }
            // Whole seconds, rounded down (the core's times have second precision).
            let secs = (ms / 1000.0).floor() as i64;
            Ok(Timestamp::from_unix(secs).to_string())
        }
        _ => Err(type_error(&path, "a string or a Date", &value)),
    }
}

/// The `request` argument as the core's request.
pub fn layout_request(value: Unknown<'_>) -> R<LayoutRequest> {
    const PATH: &str = "request";
    let obj = plain_object(value, PATH, "an object")?;
    check_keys(&obj, PATH, REQUEST_FIELDS)?;
    let field = |f: Field| get(&obj, PATH, f);
    let layout = match field(("layout", None))? {
        Some((v, p)) => bytes(v, &p)?,
        None => {
            return Err(ArgError::Type(
                "request.layout must be a Buffer, a Uint8Array or a string, got undefined".into(),
            )
            .into())
        }
    };
    let layout_keys = match field(("layoutKeys", Some("layout_keys")))? {
        Some((v, p)) => list(v, &p, "an array of PEM keys", bytes)?,
        None => Vec::new(),
    };
    let links = match field(("links", None))? {
        Some((v, p)) => record(v, &p, "an object of link file names to contents", bytes)?,
        None => BTreeMap::new(),
    };
    let now = now(field(("now", None))?)?;
    let parameters = match field(("parameters", None))? {
        Some((v, p)) => Some(string_record(v, &p)?),
        None => None,
    };
    let inspections = match field(("inspections", None))? {
        Some((v, p)) => record(
            v,
            &p,
            "an object of inspection names to results",
            inspection,
        )?,
        None => BTreeMap::new(),
    };
    let skip_inspections = match field(("skipInspections", Some("skip_inspections")))? {
        Some((v, p)) => boolean(v, &p)?,
        None => false,
    };
    let max_bytes = match field(("maxBytes", Some("max_bytes")))? {
        Some((v, p)) => Some(size(v, &p)?),
        None => None,
    };
    let max_depth = match field(("maxDepth", Some("max_depth")))? {
        Some((v, p)) => Some(size(v, &p)?),
        None => None,
    };
    Ok(LayoutRequest {
        layout,
        layout_keys,
        links,
        now,
        parameters,
        inspections,
        skip_inspections,
        max_bytes,
        max_depth,
        // Not read yet: the addon's request conversion moves onto the core's host module.
        limits: None,
    })
}

/// The `options` argument.
pub fn options(value: Option<Unknown<'_>>) -> R<VerifyOptions> {
    const PATH: &str = "options";
    let Some(value) = value else {
        return Ok(VerifyOptions::default());
    };
    if matches!(value.get_type()?, ValueType::Undefined | ValueType::Null) {
        return Ok(VerifyOptions::default());
    }
    let obj = plain_object(value, PATH, "an object")?;
    check_keys(&obj, PATH, OPTION_FIELDS)?;
    let throw_on_failure = match get(&obj, PATH, ("throwOnFailure", None))? {
        Some((v, p)) => boolean(v, &p)?,
        None => false,
    };
    Ok(VerifyOptions { throw_on_failure })
}

/// The CLI's arguments: an array of strings.
pub fn string_list(value: Unknown<'_>, path: &str) -> R<Vec<String>> {
    list(value, path, "an array of strings", string)
}

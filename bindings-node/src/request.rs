//! JavaScript arguments to plain Rust data: the request object to the core's
//! [`LayoutRequest`], the options object, and the CLI's argument list.
//!
//! Each goes through the core's host module (see `host.rs`): the value is copied into a
//! `HostValue` and the core's serde rules read it, so the addon accepts what the core's
//! request accepts (camelCase or snake_case names, bytes as text or bytes) and rejects the
//! rest, with an error naming the property. `undefined` and `null` mean "not given".
//!
//! What only this addon does: the layout request's `now` may be a `Date` (converted to the
//! core's Unix-seconds text, rounded down to the second) and defaults to the clock.
#![forbid(unsafe_code)]

use crate::errors::ArgError;
use crate::host::{self, R};
use intoto_verify::api::LayoutRequest;
use intoto_verify::host::HostValue;
use intoto_verify::time::Timestamp;
use napi::bindgen_prelude::{FromNapiValue, Unknown};
use napi::{JsDate, JsValue, ValueType};

/// How to deliver the report.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct VerifyOptions {
    /// Throw an `Error` (with `code` and `report`) when the verdict is not `pass`.
    #[serde(default)]
    pub throw_on_failure: bool,
}

/// The verification time of a `Date` (`path` names it): its Unix seconds, rounded down.
fn date(value: Unknown<'_>, path: &str) -> R<HostValue> {
    let ms = JsDate::from_unknown(value)?.value_of()?;
    if !ms.is_finite() {
        return Err(ArgError::Value(format!("{path} is an invalid Date")).into());
    }
    Ok(HostValue::Str(unix_time((ms / 1000.0).floor() as i64)))
}

/// `secs` as the time text the core reads.
fn unix_time(secs: i64) -> String {
    Timestamp::from_unix(secs).to_string()
}

/// The clock, for a request without `now`.
fn clock() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    unix_time(i64::try_from(secs).unwrap_or(i64::MAX))
}

/// The `request` argument as the core's request.
pub fn layout_request(value: Unknown<'_>) -> R<LayoutRequest> {
    const PATH: &str = "request";
    let mut entries = Vec::new();
    for (key, item) in host::properties(value, PATH)? {
        let path = host::child(PATH, &key);
        let item = if key == "now" && item.is_date()? {
            date(item, &path)?
        } else {
            host::property(item, &path)?
        };
        host::push(&mut entries, key, item);
    }
    if !entries.iter().any(|(k, _)| k == "now") {
        entries.push(("now".to_owned(), HostValue::Str(clock())));
    }
    host::read(HostValue::Map(entries), PATH)
}

/// The `options` argument.
pub fn options(value: Option<Unknown<'_>>) -> R<VerifyOptions> {
    const PATH: &str = "options";
    match value {
        Some(v) if !matches!(v.get_type()?, ValueType::Undefined | ValueType::Null) => {
            host::read(HostValue::Map(host::object(v, PATH)?), PATH)
        }
        _ => Ok(VerifyOptions::default()),
    }
}

/// The CLI's arguments: an array of strings.
pub fn string_list(value: Unknown<'_>, path: &str) -> R<Vec<String>> {
    host::read(host::to_host(value, path)?, path)
}

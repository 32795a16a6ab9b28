//! The JavaScript errors this binding throws.
//!
//! * A bad argument is a `TypeError` (or a `RangeError` for a number out of range) with a
//!   Node-style `code` (`ERR_INVALID_ARG_TYPE`, `ERR_INVALID_ARG_VALUE`, `ERR_OUT_OF_RANGE`),
//!   raised before anything is verified.
//! * A verification that does not pass is an `Error` whose `code` is the core's stable failure
//!   code (`layout-expired`, ...) and whose `report` is the whole report. It is thrown only on
//!   request (`throwOnFailure`, `assertVerified`): by default a failure is a report.
#![forbid(unsafe_code)]

use napi::bindgen_prelude::{FromNapiValue, JsObjectValue, Object, Unknown};
use napi::{Env, Error, JsError, JsRangeError, JsTypeError, JsValue, ValueType};

/// A bad argument, found while converting it. Plain data, so an async call can carry it to
/// the JS thread and reject its promise with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgError {
    /// A value of the wrong type: `TypeError`, `ERR_INVALID_ARG_TYPE`.
    Type(String),
    /// A value of the right type that is not acceptable (an unknown property, an invalid
    /// `Date`): `TypeError`, `ERR_INVALID_ARG_VALUE`.
    Value(String),
    /// A number out of range: `RangeError`, `ERR_OUT_OF_RANGE`.
    Range(String),
}

/// Why converting an argument failed.
pub enum Problem {
    /// The argument is wrong.
    Arg(ArgError),
    /// JavaScript itself failed (a getter threw): passed on as it is.
    Js(Error),
}

impl From<Error> for Problem {
    fn from(e: Error) -> Problem {
        Problem::Js(e)
    }
}

impl From<ArgError> for Problem {
    fn from(e: ArgError) -> Problem {
        Problem::Arg(e)
    }
}

impl Problem {
    /// The JavaScript error to throw.
    pub fn into_napi(self, env: &Env) -> Error {
        match self {
            Problem::Arg(a) => a.into_napi(env),
            Problem::Js(e) => e,
        }
    }
}

impl ArgError {
    /// The `TypeError`/`RangeError` object, as an error napi throws (or rejects with) as is.
    pub fn into_napi(self, env: &Env) -> Error {
        let js = match self {
            ArgError::Type(m) => {
                JsTypeError::from(Error::new("ERR_INVALID_ARG_TYPE", m)).into_unknown(*env)
            }
            ArgError::Value(m) => {
                JsTypeError::from(Error::new("ERR_INVALID_ARG_VALUE", m)).into_unknown(*env)
            }
            ArgError::Range(m) => {
                JsRangeError::from(Error::new("ERR_OUT_OF_RANGE", m)).into_unknown(*env)
            }
        };
        Error::from(js)
    }
}

/// An `Error` for a verification that did not pass: `message`, `code` (the core's failure
/// code) and `report` (the report object as returned).
pub fn failure_error(env: &Env, code: &str, message: &str, report: Unknown<'_>) -> Error {
    let js = JsError::from(Error::new(code, message.to_owned())).into_unknown(*env);
    match Object::from_unknown(js) {
        Ok(mut obj) => match obj.set_named_property("report", report) {
            Ok(()) => Error::from(obj.to_unknown()),
            Err(e) => e,
        },
        Err(e) => e,
    }
}

/// `typeof value`, for messages.
pub fn type_name(v: &Unknown<'_>) -> String {
    match v.get_type() {
        Ok(ValueType::Object) => {
            if v.is_array().unwrap_or(false) {
                "an array".to_owned()
            } else if v.is_typedarray().unwrap_or(false) {
                "a typed array other than Uint8Array".to_owned()
            } else if v.is_arraybuffer().unwrap_or(false) {
                "an ArrayBuffer".to_owned()
            } else if v.is_date().unwrap_or(false) {
                "a Date".to_owned()
            } else {
                "an object".to_owned()
            }
        }
        Ok(ValueType::Null) => "null".to_owned(),
        Ok(ValueType::Undefined) => "undefined".to_owned(),
        Ok(ValueType::Boolean) => "a boolean".to_owned(),
        Ok(ValueType::Number) => "a number".to_owned(),
        Ok(ValueType::String) => "a string".to_owned(),
        Ok(ValueType::Symbol) => "a symbol".to_owned(),
        Ok(ValueType::Function) => "a function".to_owned(),
        Ok(ValueType::BigInt) => "a bigint".to_owned(),
        Ok(ValueType::External) => "an external".to_owned(),
        _ => "an unknown value".to_owned(),
    }
}

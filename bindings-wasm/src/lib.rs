//! # intoto-verify-wasm
//!
//! The `intoto-verify` core for browsers, Web Workers and Node, through wasm-bindgen.
//! The binding holds no verification logic: a JS request object crosses the boundary once
//! (serde-wasm-bindgen into the core's [`LayoutRequest`]), the core decides, and its
//! [`Report`](intoto_verify::report::Report) comes back as a plain JS object with the same
//! shape as the CLI's `--format json` output.
//!
//! Exports (JS names):
//!
//! * `verifyLayout(request) -> report`: never throws for bad input; a request that does not
//!   deserialise gives a report with verdict `error` and failure code `request-invalid`,
//!   like the core's `verify_layout_json`.
//! * `Digester`: SHA-256, SHA-384 and SHA-512 of a byte stream in one pass, in constant
//!   memory (see [`digest`]).
//! * `version()`: this package's version.

use intoto_verify::api::{verify_layout_request, LayoutRequest};
use intoto_verify::report::{Failure, FailureCode, Report};
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub mod digest;
pub mod strict;

pub use digest::Digester;

/// Precise TypeScript types for the request and the report (the shapes of
/// `intoto_verify::api::LayoutRequest` and `intoto_verify::report::Report`).
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// Verifies a layout.
///
/// `request` is a plain object: `layout` (string or `Uint8Array`), `layoutKeys` (PEM
/// strings or bytes), `links` (file name to string or bytes), `now` (RFC 3339 or Unix
/// seconds), and optionally `parameters`, `inspections`, `skipInspections`, `maxBytes`,
/// `maxDepth`. Field names may also be written in snake_case. Unknown fields are rejected.
///
/// Returns the report as a plain object. Never throws for bad input: a request that does
/// not deserialise gives verdict `error` with failure code `request-invalid`.
#[wasm_bindgen(
    js_name = verifyLayout,
    unchecked_return_type = "Report"
)]
pub fn verify_layout(
    #[wasm_bindgen(unchecked_param_type = "LayoutRequest")] request: JsValue,
) -> JsValue {
    let report = match strict::from_js::<LayoutRequest>(request) {
        Ok(req) => verify_layout_request(&req),
        Err(e) => Report::error(Failure::new(
            FailureCode::RequestInvalid,
            format!("the request is not valid: {e}"),
        )),
    };
    report_to_js(&report)
}

/// This package's version (the workspace version of the core it was built with).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse`, for the fallback in [`report_to_js`].
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
}

/// Converts a report to a plain JS object: maps as objects (not `Map`s), absent fields
/// absent, integers as numbers.
///
/// serde-wasm-bindgen refuses integers beyond 2^53 (a layout may say `"threshold":
/// 1e18`); such a report goes through its JSON text and `JSON.parse` instead, which rounds
/// them as every JSON reader does, so the caller still gets the report rather than an
/// exception.
fn report_to_js(report: &Report) -> JsValue {
    let ser = serde_wasm_bindgen::Serializer::json_compatible();
    match report.serialize(&ser) {
        Ok(v) => v,
        Err(_) => json_parse(&report.to_json()).unwrap_or_else(|e| e),
    }
}

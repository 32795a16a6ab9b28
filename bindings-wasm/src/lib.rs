//! # intoto-verify-wasm
//!
//! The `intoto-verify` core for browsers, Web Workers and Node, through wasm-bindgen.
//! The binding holds no verification logic and no hashing: a JS request object crosses the
//! boundary once (walked into the core's [`HostValue`] by [`host`], then read as the core's
//! request type), the core decides, and its report comes back as a plain JS object with
//! the same shape as the CLI's `--format json` output (the core's JSON, `JSON.parse`d).
//!
//! Exports (JS names):
//!
//! * `verifyLayout(request) -> report`: the core's [`LayoutRequest`] and `Report`.
//! * `verifyAttestation(request) -> report`: the core's [`AttestationRequest`] and
//!   [`AttestationReport`].
//!
//!   Neither throws for bad input: a request that does not deserialise (not an object, a
//!   missing field, a wrong type, an unknown field) gives a report with verdict `error`
//!   and failure code `request-invalid`, like the core's `verify_*_json`.
//! * `Digester`: the core's streaming [`intoto_verify::digest::SelectiveHasher`] (SHA-256,
//!   SHA-384 and SHA-512, or the ones asked for, in one pass, constant memory), see
//!   [`digest`].
//! * `failureCodes()`: every failure code the core can report.
//! * `version()`: this package's version.

use intoto_verify::api::{
    verify_attestation_request, verify_layout_request, AttestationRequest, LayoutRequest,
};
use intoto_verify::host::from_host;
use intoto_verify::report::{AttestationReport, Failure, FailureCode, Report};
use wasm_bindgen::prelude::*;

pub mod digest;
pub mod host;

pub use digest::Digester;

/// Precise TypeScript types for the requests and the reports (the shapes of the core's
/// `api::LayoutRequest`, `api::AttestationRequest`, `report::Report` and
/// `report::AttestationReport`).
#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// Reads a request from a JS value by the core's host-value rules: every property of
/// every object is seen (so the request types reject unknown fields), `Uint8Array`s stay
/// bytes, and `undefined` / `null` properties count as not given.
fn from_js<T: serde::de::DeserializeOwned>(request: JsValue) -> Result<T, String> {
    from_host(host::to_host(&request)?)
}

fn invalid(e: String) -> Failure {
    Failure::new(
        FailureCode::RequestInvalid,
        format!("the request is not valid: {e}"),
    )
}

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
    let report = match from_js::<LayoutRequest>(request) {
        Ok(req) => verify_layout_request(&req),
        Err(e) => Report::error(invalid(e)),
    };
    to_js(&report.to_json())
}

/// Verifies an attestation (a DSSE-signed in-toto Statement).
///
/// `request` is a plain object: `envelope` (the DSSE envelope's JSON, string or
/// `Uint8Array`; one line of a `.intoto.jsonl` works), `verificationKeys` (PEM strings or
/// bytes, or `{pem, scheme?, keyid?}`), and optionally `threshold`, `artifact` (its bytes)
/// or `artifactDigest` (`{sha256: hex, ...}`, `"alg:hex"` or a list of those; what
/// `Digester.finalize()` returns fits as it is), `policy` (`predicateType`, `builderId`,
/// `sourceUri`, ...), `envelopeOnly`, `maxBytes`, `maxDepth`. Field names may also be
/// written in snake_case. Unknown fields are rejected, in `policy` and keys too.
///
/// Returns the attestation report as a plain object. Never throws for bad input.
#[wasm_bindgen(
    js_name = verifyAttestation,
    unchecked_return_type = "AttestationReport"
)]
pub fn verify_attestation(
    #[wasm_bindgen(unchecked_param_type = "AttestationRequest")] request: JsValue,
) -> JsValue {
    let report = match from_js::<AttestationRequest>(request) {
        Ok(req) => verify_attestation_request(&req),
        Err(e) => AttestationReport::error(invalid(e)),
    };
    to_js(&report.to_json())
}

/// Every failure code the core can report, in the core's order (`FailureCode::ALL`).
#[wasm_bindgen(js_name = failureCodes, unchecked_return_type = "FailureCode[]")]
pub fn failure_codes() -> Vec<String> {
    FailureCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect()
}

/// This package's version (the workspace version of the core it was built with).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[wasm_bindgen]
extern "C" {
    /// `JSON.parse`.
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
}

/// A report as a plain JS object: the core's JSON text (exactly what the CLI prints with
/// `--format json`) through `JSON.parse`, so maps are objects, absent fields absent, and
/// numbers beyond 2^53 (a layout may say `"threshold": 1e18`, a Statement may carry any
/// number) are rounded as every JSON reader rounds them rather than refused.
fn to_js(json: &str) -> JsValue {
    // The core's report JSON always parses; if it ever did not, the caller gets the
    // SyntaxError as the value rather than an exception.
    json_parse(json).unwrap_or_else(|e| e)
}

//! The native half of the `intoto_verify` Python package (`intoto_verify._native`).
//!
//! No verification logic lives here. [`verify_layout`] and [`verify_attestation`] copy a
//! Python dict into the core's plain-data [`HostValue`](intoto_verify::host::HostValue),
//! read the core's request from it (so field names, camelCase aliases, byte fields given
//! as `str` or `bytes`, and the rejection of unknown fields are exactly the core's), run
//! the core and return its report as JSON. [`Hasher`] is the core's streaming
//! SHA-256/384/512 hasher. [`run_cli`] runs the `intoto-verify` command line. All of them
//! release the GIL while the core works, so other Python threads run meanwhile.

mod hasher;
mod value;

use intoto_verify::api::{self, AttestationRequest, LayoutRequest};
use intoto_verify::host::from_host;
use intoto_verify::report::{AttestationReport, Failure, FailureCode, Report};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};
use std::ffi::OsString;

/// A failure with code `request-invalid`, worded like the core's `verify_*_json`, with the
/// field path at fault when known.
fn request_invalid(why: impl std::fmt::Display, path: Option<String>) -> Failure {
    let mut f = Failure::new(
        FailureCode::RequestInvalid,
        format!("the request is not valid: {why}"),
    );
    f.path = path.filter(|p| !p.is_empty());
    f
}

/// Verifies a layout request given as a dict (the fields of the core's `LayoutRequest`:
/// `layout`, `layout_keys`, `links`, `now`, `parameters`, `inspections`,
/// `skip_inspections`, `max_bytes`, `max_depth`; byte fields as `str` or `bytes`) and
/// returns the report as JSON. A request that does not convert gives a report with
/// verdict `error` and code `request-invalid`; this function does not raise.
#[pyfunction]
fn verify_layout(py: Python<'_>, request: &Bound<'_, PyAny>) -> String {
    let tree = match value::from_py(request) {
        Ok(v) => v,
        Err(e) => {
            let path = Some(e.path.clone());
            return Report::error(request_invalid(e, path)).to_json();
        }
    };
    py.detach(move || match from_host::<LayoutRequest>(tree) {
        Ok(req) => api::verify_layout_request(&req).to_json(),
        Err(e) => Report::error(request_invalid(e, None)).to_json(),
    })
}

/// Verifies a layout request given as JSON text and returns the report as JSON (the
/// core's `verify_layout_json`; byte fields are then text or arrays of numbers).
#[pyfunction]
fn verify_layout_json(py: Python<'_>, request: String) -> String {
    py.detach(move || api::verify_layout_json(&request).to_json())
}

/// Verifies an attestation request given as a dict (the fields of the core's
/// `AttestationRequest`: `envelope`, `verification_keys`, `threshold`, `artifact`,
/// `artifact_digest`, `policy`, `envelope_only`, `max_bytes`, `max_depth`) and returns
/// the report as JSON. A request that does not convert gives a report with verdict
/// `error` and code `request-invalid`; this function does not raise.
#[pyfunction]
fn verify_attestation(py: Python<'_>, request: &Bound<'_, PyAny>) -> String {
    let tree = match value::from_py(request) {
        Ok(v) => v,
        Err(e) => {
            let path = Some(e.path.clone());
            return AttestationReport::error(request_invalid(e, path)).to_json();
        }
    };
    py.detach(move || match from_host::<AttestationRequest>(tree) {
        Ok(req) => api::verify_attestation_request(&req).to_json(),
        Err(e) => AttestationReport::error(request_invalid(e, None)).to_json(),
    })
}

/// Verifies an attestation request given as JSON text and returns the report as JSON
/// (the core's `verify_attestation_json`).
#[pyfunction]
fn verify_attestation_json(py: Python<'_>, request: String) -> String {
    py.detach(move || api::verify_attestation_json(&request).to_json())
}

/// Runs the `intoto-verify` command line with `args` (the first is the program name used
/// in usage messages) and returns `(exit_code, stdout, stderr)`. Inspections run in the
/// current working directory.
#[pyfunction]
fn run_cli<'py>(
    py: Python<'py>,
    args: Vec<OsString>,
) -> (i32, Bound<'py, PyBytes>, Bound<'py, PyBytes>) {
    let (code, out, err) = py.detach(move || {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = intoto_verify_cli::run(args, &mut out, &mut err);
        (code, out, err)
    });
    (code, PyBytes::new(py, &out), PyBytes::new(py, &err))
}

/// Every failure code of the core (`FailureCode::ALL`, in its order) with whether it
/// means verdict `error` (could not evaluate) rather than `fail`.
fn failure_codes(py: Python<'_>) -> PyResult<Bound<'_, PyTuple>> {
    let items: Vec<(&'static str, bool)> = FailureCode::ALL
        .iter()
        .map(|c| (c.as_str(), c.is_error()))
        .collect();
    PyTuple::new(py, items)
}

/// Native functions of the `intoto_verify` package; use the package, not this module.
#[pymodule]
mod _native {
    #[pymodule_export]
    use super::hasher::{Digests, Hasher};
    #[pymodule_export]
    use super::{
        run_cli, verify_attestation, verify_attestation_json, verify_layout, verify_layout_json,
    };

    #[pymodule_init]
    fn init(m: &pyo3::Bound<'_, pyo3::types::PyModule>) -> pyo3::PyResult<()> {
        use pyo3::types::PyModuleMethods;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("FAILURE_CODES", super::failure_codes(m.py())?)
    }
}

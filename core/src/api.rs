//! One request, one report: the shape every binding (Python, Node, WASM) and the CLI's
//! JSON mode share.
//!
//! A [`LayoutRequest`] holds only owned, plain data (bytes, strings, maps), so a binding
//! converts its native types into it and calls [`verify_layout_request`]; no binding holds
//! verification logic. Problems with the request itself (a key that does not load, a time
//! that does not parse) come back as a [`Report`] with verdict `error`, never as a panic.

use crate::keys::PublicKey;
use crate::report::{Failure, FailureCode, Report};
use crate::time::Timestamp;
use crate::verify::{
    verify_layout, InspectionPolicy, InspectionResult, VerifyContext, VerifyOptions,
};
use std::collections::BTreeMap;

/// Everything needed to verify a layout, as plain data.
#[derive(Debug, Clone, Default)]
pub struct LayoutRequest {
    /// The layout file's bytes (Metablock or DSSE JSON).
    pub layout: Vec<u8>,
    /// PEM public keys (SubjectPublicKeyInfo); every one must have signed the layout.
    pub layout_keys: Vec<Vec<u8>>,
    /// Link files by name (`step.keyid8.link`, `step.keyid8/inner.keyid8.link`).
    pub links: BTreeMap<String, Vec<u8>>,
    /// The verification time: RFC 3339 or Unix seconds.
    pub now: String,
    /// Substitution parameters (`None`: placeholders are left as written).
    pub parameters: Option<BTreeMap<String, String>>,
    /// Recorded inspection results by name (`untar`, or `sub.1234abcd/untar` for a
    /// sublayout's inspection).
    pub inspections: BTreeMap<String, InspectionResult>,
    /// Whether to skip inspections instead of requiring their results.
    pub skip_inspections: bool,
    /// Largest accepted layout or link, in bytes (default: 256 MiB).
    pub max_bytes: Option<usize>,
    /// Deepest accepted JSON nesting (default: 64).
    pub max_depth: Option<usize>,
}

/// Verifies a layout request.
///
/// ```
/// use intoto_verify::api::{verify_layout_request, LayoutRequest};
/// use intoto_verify::report::{Verdict, FailureCode};
/// let req = LayoutRequest {
///     layout: b"{}".to_vec(),
///     layout_keys: vec![b"not a key".to_vec()],
///     now: "2026-01-01T00:00:00Z".into(),
///     ..Default::default()
/// };
/// let report = verify_layout_request(&req);
/// assert_eq!(report.verdict, Verdict::Error);
/// assert_eq!(report.failure.unwrap().code, FailureCode::KeyInvalid);
/// ```
pub fn verify_layout_request(req: &LayoutRequest) -> Report {
    let mut keys = Vec::with_capacity(req.layout_keys.len());
    for (i, pem) in req.layout_keys.iter().enumerate() {
        match PublicKey::from_pem(pem) {
            Ok(k) => keys.push(k),
            Err(e) => {
                let mut f = Failure::new(
                    FailureCode::KeyInvalid,
                    format!("layout key {i} cannot be loaded: {e}"),
                );
                f.path = Some(format!("layout_keys[{i}]"));
                return Report::error(f);
            }
        }
    }
    let now = match Timestamp::parse_rfc3339(&req.now) {
        Ok(t) => t,
        Err(e) => {
            let mut f = Failure::new(FailureCode::RequestInvalid, format!("now: {e}"));
            f.path = Some("now".into());
            return Report::error(f);
        }
    };
    let mut options = VerifyOptions::default();
    if let Some(b) = req.max_bytes {
        options.json.max_bytes = b;
    }
    if let Some(d) = req.max_depth {
        options.json.max_depth = d;
    }
    if req.skip_inspections {
        options.inspections = InspectionPolicy::Skip;
    }
    let ctx = VerifyContext {
        layout_keys: &keys,
        links: &req.links,
        now,
        parameters: req.parameters.as_ref(),
        options,
    };
    let mut inspections = req.inspections.clone();
    verify_layout(&req.layout, &ctx, &mut inspections)
}

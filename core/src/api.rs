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
///
/// It deserialises (serde) from the same shape in every language: field names in
/// snake_case (camelCase aliases accepted), byte fields as a string (UTF-8 text such as
/// PEM or JSON) or as bytes (`Uint8Array`, `bytes`, an array of numbers). Unknown fields
/// are rejected, so a misspelt option is an error rather than silently ignored.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutRequest {
    /// The layout file's bytes (Metablock or DSSE JSON).
    #[serde(deserialize_with = "bytes::one")]
    pub layout: Vec<u8>,
    /// PEM public keys (SubjectPublicKeyInfo); every one must have signed the layout.
    #[serde(default, alias = "layoutKeys", deserialize_with = "bytes::list")]
    pub layout_keys: Vec<Vec<u8>>,
    /// Link files by name (`step.keyid8.link`, `step.keyid8/inner.keyid8.link`).
    #[serde(default, deserialize_with = "bytes::map")]
    pub links: BTreeMap<String, Vec<u8>>,
    /// The verification time: RFC 3339 or Unix seconds.
    pub now: String,
    /// Substitution parameters (`None`: placeholders are left as written).
    #[serde(default)]
    pub parameters: Option<BTreeMap<String, String>>,
    /// Recorded inspection results by name (`untar`, or `sub.1234abcd/untar` for a
    /// sublayout's inspection).
    #[serde(default)]
    pub inspections: BTreeMap<String, InspectionResult>,
    /// Whether to skip inspections instead of requiring their results.
    #[serde(default, alias = "skipInspections")]
    pub skip_inspections: bool,
    /// Largest accepted layout or link, in bytes (default: 256 MiB).
    #[serde(default, alias = "maxBytes")]
    pub max_bytes: Option<usize>,
    /// Deepest accepted JSON nesting (default: 128).
    #[serde(default, alias = "maxDepth")]
    pub max_depth: Option<usize>,
    /// The other limits of [`VerifyOptions`]; each one given replaces its default.
    #[serde(default)]
    pub limits: Option<Limits>,
}

/// Limits of a layout verification, as a request gives them (every field optional;
/// defaults and meaning in [`VerifyOptions`]). Going beyond one is a `limit-exceeded`
/// failure naming it.
///
/// ```
/// use intoto_verify::api::verify_layout_json;
/// let ok = verify_layout_json(r#"{"layout": "{}", "now": "0", "limits": {"maxSteps": 10, "max_artifacts": 5}}"#);
/// // The request is read (the layout itself is not a layout):
/// assert_eq!(ok.failure.unwrap().code.as_str(), "layout-malformed");
/// let typo = verify_layout_json(r#"{"layout": "{}", "now": "0", "limits": {"maxStep": 10}}"#);
/// assert_eq!(typo.failure.unwrap().code.as_str(), "request-invalid");
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Entries in one JSON array or object (1,000,000).
    #[serde(default, alias = "maxEntries")]
    pub max_entries: Option<usize>,
    /// Steps plus inspections of one layout (10,000).
    #[serde(default, alias = "maxSteps")]
    pub max_steps: Option<usize>,
    /// Link files one layout names (100,000).
    #[serde(default, alias = "maxLinks")]
    pub max_links: Option<usize>,
    /// Artifacts on one side of one link (1,000,000).
    #[serde(default, alias = "maxArtifacts")]
    pub max_artifacts: Option<usize>,
    /// Signatures on one layout or link (1,024).
    #[serde(default, alias = "maxSignatures")]
    pub max_signatures: Option<usize>,
    /// Bytes in one rule pattern (4,096).
    #[serde(default, alias = "maxPatternLength")]
    pub max_pattern_length: Option<usize>,
    /// Sublayout nesting (8).
    #[serde(default, alias = "maxSublayoutDepth")]
    pub max_sublayout_depth: Option<usize>,
}

impl Limits {
    /// `options` with every limit given here applied.
    pub fn apply(&self, options: &mut VerifyOptions) {
        let set = |slot: &mut usize, v: Option<usize>| {
            if let Some(v) = v {
                *slot = v;
            }
        };
        set(&mut options.json.max_entries, self.max_entries);
        set(&mut options.max_steps, self.max_steps);
        set(&mut options.max_links, self.max_links);
        set(&mut options.max_artifacts, self.max_artifacts);
        set(&mut options.max_signatures, self.max_signatures);
        set(&mut options.max_pattern_length, self.max_pattern_length);
        set(&mut options.max_sublayout_depth, self.max_sublayout_depth);
    }
}

/// Deserialising byte fields from text or bytes.
mod bytes {
    use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
    use std::collections::BTreeMap;
    use std::fmt;

    /// A byte string given as text, bytes, or an array of numbers.
    pub struct Bytes(pub Vec<u8>);

    impl<'de> serde::Deserialize<'de> for Bytes {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Bytes;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("a string or bytes")
                }
                fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Bytes, E> {
                    Ok(Bytes(v.as_bytes().to_vec()))
                }
                fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Bytes, E> {
                    Ok(Bytes(v.into_bytes()))
                }
                fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Bytes, E> {
                    Ok(Bytes(v.to_vec()))
                }
                fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Bytes, E> {
                    Ok(Bytes(v))
                }
                fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes, A::Error> {
                    let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 20));
                    while let Some(b) = seq.next_element::<u8>()? {
                        out.push(b);
                    }
                    Ok(Bytes(out))
                }
            }
            d.deserialize_any(V)
        }
    }

    pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        <Bytes as serde::Deserialize>::deserialize(d).map(|b| b.0)
    }

    pub fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        let v: Vec<Bytes> = serde::Deserialize::deserialize(d)?;
        Ok(v.into_iter().map(|b| b.0).collect())
    }

    pub fn opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        let v: Option<Bytes> = serde::Deserialize::deserialize(d)?;
        Ok(v.map(|b| b.0))
    }

    pub fn map<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<String, Vec<u8>>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BTreeMap<String, Vec<u8>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of names to strings or bytes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some((k, v)) = m.next_entry::<String, Bytes>()? {
                    out.insert(k, v.0);
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// Verifies a layout request given as JSON text (the request schema of
/// `docs/report-schema.md`), returning the report. A request that does not parse gives a
/// report with verdict `error` and code `request-invalid`.
///
/// ```
/// let report = intoto_verify::api::verify_layout_json(r#"{"layout": "{}", "now": "0", "bogus": 1}"#);
/// assert_eq!(report.failure.unwrap().code.as_str(), "request-invalid");
/// ```
pub fn verify_layout_json(request: &str) -> Report {
    match serde_json::from_str::<LayoutRequest>(request) {
        Ok(req) => verify_layout_request(&req),
        Err(e) => Report::error(Failure::new(
            FailureCode::RequestInvalid,
            format!("the request is not valid: {e}"),
        )),
    }
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
    if let Some(l) = &req.limits {
        l.apply(&mut options);
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

// ---------------------------------------------------------------------------------------
// Attestations
// ---------------------------------------------------------------------------------------

use crate::attestation::{verify_attestation, AttestationOptions, TrustedKey};
use crate::digest::{DigestSet, Hasher};
use crate::keys::Scheme;
use crate::policy::Policy;
use crate::report::AttestationReport;

/// A verification key for an attestation: a PEM public key (SubjectPublicKeyInfo), and
/// optionally the scheme to verify with (securesystemslib name, e.g.
/// `rsa-pkcs1v15-sha256`; default: the key type's default) and the keyid the key is
/// known by (a signature with a different keyid hint is then not tried with it).
///
/// It deserialises from a PEM string (or bytes) or from `{"pem", "scheme"?, "keyid"?}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VerificationKey {
    /// The PEM text.
    pub pem: Vec<u8>,
    /// The scheme, if not the key type's default.
    pub scheme: Option<String>,
    /// The keyid the key is known by.
    pub keyid: Option<String>,
}

impl From<Vec<u8>> for VerificationKey {
    fn from(pem: Vec<u8>) -> VerificationKey {
        VerificationKey {
            pem,
            ..Default::default()
        }
    }
}

/// A field name, read as an identifier as serde's derived structs read theirs (so that
/// [`crate::host::HostError::path`] names it as a field, not a map key).
struct FieldName(String);

impl<'de> serde::Deserialize<'de> for FieldName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = FieldName;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<FieldName, E> {
                Ok(FieldName(v.to_owned()))
            }
        }
        d.deserialize_identifier(V)
    }
}

impl<'de> serde::Deserialize<'de> for VerificationKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = VerificationKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a PEM public key (text or bytes) or {\"pem\", \"scheme\", \"keyid\"}")
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<VerificationKey, E> {
                Ok(v.as_bytes().to_vec().into())
            }
            fn visit_bytes<E: Error>(self, v: &[u8]) -> Result<VerificationKey, E> {
                Ok(v.to_vec().into())
            }
            fn visit_byte_buf<E: Error>(self, v: Vec<u8>) -> Result<VerificationKey, E> {
                Ok(v.into())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<VerificationKey, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(out.into())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<VerificationKey, A::Error> {
                let (mut pem, mut scheme, mut keyid) = (None, None, None);
                while let Some(FieldName(field)) = m.next_key()? {
                    match field.as_str() {
                        "pem" if pem.is_some() => return Err(A::Error::duplicate_field("pem")),
                        "pem" => pem = Some(m.next_value::<bytes::Bytes>()?.0),
                        "scheme" if scheme.is_some() => {
                            return Err(A::Error::duplicate_field("scheme"))
                        }
                        "scheme" => scheme = Some(m.next_value::<Option<String>>()?),
                        "keyid" | "keyId" if keyid.is_some() => {
                            return Err(A::Error::duplicate_field("keyid"))
                        }
                        "keyid" | "keyId" => keyid = Some(m.next_value::<Option<String>>()?),
                        other => {
                            return Err(A::Error::unknown_field(other, &["pem", "scheme", "keyid"]))
                        }
                    }
                }
                Ok(VerificationKey {
                    pem: pem.ok_or_else(|| A::Error::missing_field("pem"))?,
                    scheme: scheme.flatten(),
                    keyid: keyid.flatten(),
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Everything needed to verify an attestation, as plain data (the same conventions as
/// [`LayoutRequest`]: snake_case with camelCase aliases, bytes as text or bytes, unknown
/// fields rejected).
///
/// Give the artifact as `artifact` (its bytes, for small artifacts) or as
/// `artifact_digest` (a map `{"sha256": "…"}`, a list of `ALG:VALUE`, or one
/// `ALG:VALUE`; for large artifacts digest them with [`Hasher`] and pass
/// [`crate::digest::Digests`] here), not both. Without either, the subjects are not bound
/// to anything (the report warns).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttestationRequest {
    /// The DSSE envelope's bytes (JSON; a one-line `.intoto.jsonl` works too).
    #[serde(deserialize_with = "bytes::one")]
    pub envelope: Vec<u8>,
    /// The trusted keys.
    #[serde(default, alias = "verificationKeys")]
    pub verification_keys: Vec<VerificationKey>,
    /// Distinct trusted keys that must have signed (default 1).
    #[serde(default)]
    pub threshold: Option<usize>,
    /// The artifact's bytes.
    #[serde(default, deserialize_with = "bytes::opt")]
    pub artifact: Option<Vec<u8>>,
    /// The artifact's digests.
    #[serde(default, alias = "artifactDigest")]
    pub artifact_digest: Option<DigestSet>,
    /// What the Statement must say.
    #[serde(default)]
    pub policy: Policy,
    /// Verify the envelope's signatures only (any payload; no Statement, subject or
    /// policy check).
    #[serde(default, alias = "envelopeOnly")]
    pub envelope_only: bool,
    /// Largest accepted envelope or Statement, in bytes (default: 256 MiB).
    #[serde(default, alias = "maxBytes")]
    pub max_bytes: Option<usize>,
    /// Deepest accepted JSON nesting (default: 128).
    #[serde(default, alias = "maxDepth")]
    pub max_depth: Option<usize>,
}

/// Verifies an attestation request given as JSON text. A request that does not parse
/// gives a report with verdict `error` and code `request-invalid`.
///
/// ```
/// let report = intoto_verify::api::verify_attestation_json(r#"{"envelope": "{}", "bogus": 1}"#);
/// assert_eq!(report.failure.unwrap().code.as_str(), "request-invalid");
/// ```
pub fn verify_attestation_json(request: &str) -> AttestationReport {
    match serde_json::from_str::<AttestationRequest>(request) {
        Ok(req) => verify_attestation_request(&req),
        Err(e) => AttestationReport::error(Failure::new(
            FailureCode::RequestInvalid,
            format!("the request is not valid: {e}"),
        )),
    }
}

fn request_error(path: &str, message: String) -> AttestationReport {
    let mut f = Failure::new(FailureCode::RequestInvalid, message);
    f.path = Some(path.to_owned());
    AttestationReport::error(f)
}

/// Verifies an attestation request (see [`crate::attestation`] for the order of checks).
///
/// ```
/// use intoto_verify::api::{verify_attestation_request, AttestationRequest};
/// let report = verify_attestation_request(&AttestationRequest {
///     envelope: b"{}".to_vec(),
///     verification_keys: vec![b"not a key".to_vec().into()],
///     ..Default::default()
/// });
/// assert_eq!(report.failure.unwrap().code.as_str(), "key-invalid");
/// ```
pub fn verify_attestation_request(req: &AttestationRequest) -> AttestationReport {
    let mut keys = Vec::with_capacity(req.verification_keys.len());
    for (i, k) in req.verification_keys.iter().enumerate() {
        let loaded = match &k.scheme {
            None => PublicKey::from_pem(&k.pem),
            Some(name) => match Scheme::parse(name) {
                Some(scheme) => PublicKey::from_pem_with_scheme(&k.pem, scheme),
                None => {
                    return request_error(
                        &format!("verification_keys[{i}].scheme"),
                        format!("verification key {i}: unknown scheme {name:?}"),
                    )
                }
            },
        };
        match loaded {
            Ok(key) => keys.push(TrustedKey {
                key,
                keyid: k.keyid.clone().filter(|s| !s.is_empty()),
            }),
            Err(e) => {
                let mut f = Failure::new(
                    FailureCode::KeyInvalid,
                    format!("verification key {i} cannot be loaded: {e}"),
                );
                f.path = Some(format!("verification_keys[{i}]"));
                return AttestationReport::error(f);
            }
        }
    }
    let artifact = match (&req.artifact, &req.artifact_digest) {
        (Some(_), Some(_)) => {
            return request_error(
                "artifact",
                "give the artifact or its digest, not both".into(),
            )
        }
        (Some(bytes), None) => {
            let mut h = Hasher::new();
            h.update(bytes);
            Some(h.finalize().to_digest_set())
        }
        (None, Some(set)) => match set.checked() {
            Ok(s) if s.is_empty() => {
                return request_error("artifact_digest", "the artifact digest set is empty".into())
            }
            Ok(s) => Some(s),
            Err(e) => return request_error("artifact_digest", e),
        },
        (None, None) => None,
    };
    let mut options = AttestationOptions {
        threshold: req.threshold.unwrap_or(1),
        envelope_only: req.envelope_only,
        ..AttestationOptions::default()
    };
    if let Some(b) = req.max_bytes {
        options.json.max_bytes = b;
    }
    if let Some(d) = req.max_depth {
        options.json.max_depth = d;
    }
    verify_attestation(
        &req.envelope,
        &keys,
        artifact.as_ref(),
        &req.policy,
        &options,
    )
}

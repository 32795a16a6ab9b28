//! DSSE (Dead Simple Signing Envelope) v1: parsing, PAE and threshold verification.
//!
//! Follows secure-systems-lab/dsse `envelope.md` and `protocol.md` (v1.0.2):
//!
//! * an envelope is `{"payload", "payloadType", "signatures": [{"keyid"?, "sig"}]}`;
//!   unknown fields are ignored, `keyid` may be absent, `null` or empty (all the same);
//! * `payload` and `sig` are base64, standard **or** URL-safe alphabet, with or without
//!   `=` padding. Anything else (whitespace, mixed alphabets, bad padding) is rejected;
//!   non-zero trailing bits are tolerated, as Go's and Python's decoders do;
//! * signatures are over [`pae`]`(payloadType, payload)`;
//! * the keyid is only a hint: every key is tried against every signature (keys whose
//!   keyids match the hint first), and the threshold counts **distinct key material**
//!   ([`PublicKey::fingerprint`]), so one key listed twice or signing twice counts once.
//!
//! The verified bytes are [`Envelope::payload`]; use exactly those, never a re-parse.
//!
//! ```
//! use intoto_verify::{dsse::{pae, Envelope}, json, keys::PublicKey};
//!
//! assert_eq!(
//!     pae(b"http://example.com/HelloWorld", b"hello world"),
//!     b"DSSEv1 29 http://example.com/HelloWorld 11 hello world".to_vec()
//! );
//!
//! // The test vector from DSSE's protocol.md (ECDSA P-256, raw r||s signature).
//! let env = Envelope::from_slice(br#"{"payload": "aGVsbG8gd29ybGQ=",
//!     "payloadType": "http://example.com/HelloWorld",
//!     "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}"#,
//!     json::JsonLimits::default()).unwrap();
//! let key = PublicKey::from_pem(b"-----BEGIN PUBLIC KEY-----
//! MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ805D3eqNZywjCI19lInBJOp7YMr
//! CrzAH3CVTAOQ0jgMeCvVTiaRJaRPRDOv8UMs6U4SvKc6pnrIDOoSYI3fdA==
//! -----END PUBLIC KEY-----").unwrap();
//! let result = env.verify(&[key], 1);
//! assert!(result.is_verified());
//! assert_eq!(env.payload, b"hello world");
//! ```

use crate::json::{self, JsonError, JsonLimits, Map, Value};
use crate::keys::PublicKey;
use crate::signature::SignatureError;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use std::fmt;

/// Most signatures an envelope may carry. Verification costs one public-key operation
/// per (signature, key) pair, so the count is bounded; real envelopes carry a handful.
pub const MAX_SIGNATURES: usize = 1024;

/// The DSSE v1 Pre-Authentication Encoding:
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths in decimal bytes.
///
/// ```
/// use intoto_verify::dsse::pae;
/// assert_eq!(pae(b"", b""), b"DSSEv1 0  0 ".to_vec());
/// ```
pub fn pae(payload_type: &[u8], payload: &[u8]) -> Vec<u8> {
    let type_len = payload_type.len().to_string();
    let body_len = payload.len().to_string();
    let mut out = Vec::with_capacity(
        10 + type_len.len() + payload_type.len() + body_len.len() + payload.len(),
    );
    out.extend_from_slice(b"DSSEv1 ");
    out.extend_from_slice(type_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload_type);
    out.push(b' ');
    out.extend_from_slice(body_len.as_bytes());
    out.push(b' ');
    out.extend_from_slice(payload);
    out
}

/// A parsed DSSE envelope (base64 already decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// `payloadType`, e.g. `application/vnd.in-toto+json`.
    pub payload_type: String,
    /// The decoded payload: the bytes the signatures cover (through [`pae`]).
    pub payload: Vec<u8>,
    /// The signatures, in envelope order (at least one).
    pub signatures: Vec<EnvelopeSignature>,
}

/// One entry of an envelope's `signatures`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvelopeSignature {
    /// The keyid hint; `None` when absent, `null` or empty.
    pub keyid: Option<String>,
    /// The decoded signature bytes.
    pub sig: Vec<u8>,
}

/// Why an envelope could not be read, or did not verify (see
/// [`DsseVerification::into_result`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DsseError {
    /// The input is not JSON ([`Envelope::from_slice`] only).
    Json(JsonError),
    /// The envelope is not a JSON object.
    NotAnObject {
        /// The JSON type found.
        found: &'static str,
    },
    /// A required field is missing: `payload`, `payloadType`, `signatures` or
    /// `signatures[i].sig`.
    MissingField {
        /// The field's path, e.g. `signatures[1].sig`.
        field: String,
    },
    /// A field has the wrong JSON type.
    FieldType {
        /// The field's path.
        field: String,
        /// The JSON type expected.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A `payload` or `sig` is not base64 (standard or URL-safe, padded or not).
    Base64 {
        /// The field's path.
        field: String,
    },
    /// `signatures` is empty.
    NoSignatures,
    /// More than [`MAX_SIGNATURES`] signatures.
    TooManySignatures {
        /// How many the envelope has.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A threshold of 0 was asked for; it is never met (fail closed).
    ZeroThreshold,
    /// Fewer distinct keys verified than the threshold requires.
    ThresholdNotMet {
        /// Distinct keys required.
        threshold: usize,
        /// Distinct keys that verified a signature.
        verified: usize,
        /// Signatures in the envelope.
        signatures: usize,
    },
}

impl DsseError {
    /// A stable kebab-case code for the variant.
    pub fn code(&self) -> &'static str {
        match self {
            DsseError::Json(_) => "json",
            DsseError::NotAnObject { .. } => "not-an-object",
            DsseError::MissingField { .. } => "missing-field",
            DsseError::FieldType { .. } => "field-type",
            DsseError::Base64 { .. } => "base64",
            DsseError::NoSignatures => "no-signatures",
            DsseError::TooManySignatures { .. } => "too-many-signatures",
            DsseError::ZeroThreshold => "zero-threshold",
            DsseError::ThresholdNotMet { .. } => "threshold-not-met",
        }
    }

    /// For an envelope refused for its size rather than its content: the limit's name,
    /// its value and what was found (see [`JsonError::limit`]; `max_signatures` for the
    /// signature list).
    pub fn limit(&self) -> Option<(&'static str, usize, Option<usize>)> {
        match self {
            DsseError::Json(j) => j.limit(),
            DsseError::TooManySignatures { count, max } => {
                Some(("max_signatures", *max, Some(*count)))
            }
            _ => None,
        }
    }
}

impl fmt::Display for DsseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DsseError::Json(e) => write!(f, "DSSE envelope is not valid JSON: {e}"),
            DsseError::NotAnObject { found } => {
                write!(f, "DSSE envelope must be a JSON object, found {found}")
            }
            DsseError::MissingField { field } => {
                write!(f, "DSSE envelope lacks the required field {field}")
            }
            DsseError::FieldType {
                field,
                expected,
                found,
            } => write!(f, "DSSE envelope field {field} must be {expected}, found {found}"),
            DsseError::Base64 { field } => write!(
                f,
                "DSSE envelope field {field} is not base64 (standard or URL-safe alphabet)"
            ),
            DsseError::NoSignatures => write!(f, "DSSE envelope has no signatures"),
            DsseError::TooManySignatures { count, max } => write!(
                f,
                "DSSE envelope has {count} signatures, more than the supported {max}"
            ),
            DsseError::ZeroThreshold => write!(f, "a signature threshold of 0 is never met"),
            DsseError::ThresholdNotMet {
                threshold,
                verified,
                signatures,
            } => write!(
                f,
                "DSSE envelope: {verified} distinct trusted key(s) verified out of {threshold} required ({signatures} signature(s) present)"
            ),
        }
    }
}

impl std::error::Error for DsseError {}

const B64_CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const B64_STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, B64_CONFIG);
const B64_URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, B64_CONFIG);

/// Decodes standard or URL-safe base64, padded or not. A string using characters of
/// both alphabets is rejected.
fn decode_base64(s: &str) -> Option<Vec<u8>> {
    if s.contains(['-', '_']) {
        B64_URL_SAFE.decode(s).ok()
    } else {
        B64_STANDARD.decode(s).ok()
    }
}

fn field_type(field: impl Into<String>, expected: &'static str, found: &Value) -> DsseError {
    DsseError::FieldType {
        field: field.into(),
        expected,
        found: found.type_name(),
    }
}

fn required_str<'a>(obj: &'a Map, field: &str, path: &str) -> Result<&'a str, DsseError> {
    match obj.get(field) {
        None => Err(DsseError::MissingField {
            field: path.to_owned(),
        }),
        Some(v) => v.as_str().ok_or_else(|| field_type(path, "a string", v)),
    }
}

impl Envelope {
    /// Reads an envelope from a parsed JSON value.
    ///
    /// ```
    /// use intoto_verify::{dsse::Envelope, json};
    /// let v = json::parse(br#"{"payload": "aGk", "payloadType": "t",
    ///     "signatures": [{"keyid": "", "sig": "AAE_-w"}], "extra": 1}"#,
    ///     json::JsonLimits::default()).unwrap();
    /// let env = Envelope::from_value(&v).unwrap();
    /// assert_eq!(env.payload, b"hi");
    /// assert_eq!(env.signatures[0].keyid, None);
    /// assert_eq!(env.signatures[0].sig, vec![0x00, 0x01, 0x3f, 0xfb]);
    /// ```
    pub fn from_value(value: &Value) -> Result<Envelope, DsseError> {
        let obj = value.as_object().ok_or(DsseError::NotAnObject {
            found: value.type_name(),
        })?;
        let payload_b64 = required_str(obj, "payload", "payload")?;
        let payload_type = required_str(obj, "payloadType", "payloadType")?;
        let sigs = match obj.get("signatures") {
            None => {
                return Err(DsseError::MissingField {
                    field: "signatures".to_owned(),
                })
            }
            Some(v) => v
                .as_array()
                .ok_or_else(|| field_type("signatures", "an array", v))?,
        };
        if sigs.is_empty() {
            return Err(DsseError::NoSignatures);
        }
        if sigs.len() > MAX_SIGNATURES {
            return Err(DsseError::TooManySignatures {
                count: sigs.len(),
                max: MAX_SIGNATURES,
            });
        }
        let payload = decode_base64(payload_b64).ok_or(DsseError::Base64 {
            field: "payload".to_owned(),
        })?;
        let mut signatures = Vec::with_capacity(sigs.len());
        for (i, entry) in sigs.iter().enumerate() {
            let path = format!("signatures[{i}]");
            let entry_obj = entry
                .as_object()
                .ok_or_else(|| field_type(path.as_str(), "an object", entry))?;
            let sig_path = format!("{path}.sig");
            let sig_b64 = required_str(entry_obj, "sig", &sig_path)?;
            let sig = decode_base64(sig_b64).ok_or(DsseError::Base64 { field: sig_path })?;
            let keyid = match entry_obj.get("keyid") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) if s.is_empty() => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(other) => {
                    return Err(field_type(format!("{path}.keyid"), "a string", other));
                }
            };
            signatures.push(EnvelopeSignature { keyid, sig });
        }
        Ok(Envelope {
            payload_type: payload_type.to_owned(),
            payload,
            signatures,
        })
    }

    /// Parses JSON bytes (strictly, see [`json::parse`]) and reads the envelope.
    pub fn from_slice(bytes: &[u8], limits: JsonLimits) -> Result<Envelope, DsseError> {
        let value = json::parse(bytes, limits).map_err(DsseError::Json)?;
        Envelope::from_value(&value)
    }

    /// The bytes the signatures are over: [`pae`]`(payloadType, payload)`.
    pub fn pae(&self) -> Vec<u8> {
        pae(self.payload_type.as_bytes(), &self.payload)
    }

    /// Whether some signature of the envelope verifies with `key` (keyids ignored).
    pub fn verified_by(&self, key: &PublicKey) -> bool {
        let message = self.pae();
        self.signatures
            .iter()
            .any(|s| key.verify(&message, &s.sig).is_ok())
    }

    /// Verifies the signatures against `keys` and counts distinct verifying keys.
    ///
    /// Never fails: the returned [`DsseVerification`] says what verified and why the
    /// rest did not; [`DsseVerification::is_verified`] / [`DsseVerification::into_result`]
    /// apply the threshold. For each signature, keys whose keyid aliases (or declared
    /// keyid) match the signature's keyid hint are tried first; once one verifies, keys
    /// with different key material are not tried for that signature (a signature cannot
    /// be valid under two different keys), while other entries of `keys` holding the same
    /// material and scheme are recorded as verifying it too.
    ///
    /// ```
    /// use intoto_verify::{dsse::Envelope, json::JsonLimits, keys::PublicKey};
    /// let env = Envelope::from_slice(br#"{"payload": "aGVsbG8gd29ybGQ=",
    ///     "payloadType": "http://example.com/HelloWorld",
    ///     "signatures": [{"sig": "A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA=="}]}"#,
    ///     JsonLimits::default()).unwrap();
    /// let key = PublicKey::from_pem(b"-----BEGIN PUBLIC KEY-----
    /// MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEZ805D3eqNZywjCI19lInBJOp7YMr
    /// CrzAH3CVTAOQ0jgMeCvVTiaRJaRPRDOv8UMs6U4SvKc6pnrIDOoSYI3fdA==
    /// -----END PUBLIC KEY-----").unwrap();
    ///
    /// // The same key given twice verifies the signature twice but counts once.
    /// let result = env.verify(&[key.clone(), key], 2);
    /// assert_eq!(result.signatures[0].verified_by, vec![0, 1]);
    /// assert_eq!(result.verified_count(), 1);
    /// assert!(!result.is_verified());
    /// assert_eq!(result.into_result().unwrap_err().code(), "threshold-not-met");
    /// ```
    pub fn verify(&self, keys: &[PublicKey], threshold: usize) -> DsseVerification {
        let message = self.pae();
        let mut outcomes = Vec::with_capacity(self.signatures.len());
        let mut verified_keys: Vec<VerifiedKey> = Vec::new();
        for (sig_index, entry) in self.signatures.iter().enumerate() {
            let hinted = |k: &PublicKey| {
                entry
                    .keyid
                    .as_deref()
                    .is_some_and(|id| k.has_keyid(id) || k.declared_keyid() == Some(id))
            };
            let order: Vec<usize> = (0..keys.len())
                .filter(|&i| keys.get(i).is_some_and(hinted))
                .chain((0..keys.len()).filter(|&i| keys.get(i).is_some_and(|k| !hinted(k))))
                .collect();
            let mut outcome = SignatureOutcome {
                index: sig_index,
                keyid: entry.keyid.clone(),
                verified_by: Vec::new(),
                failures: Vec::new(),
            };
            let mut winner: Option<&PublicKey> = None;
            for key_index in order {
                let Some(key) = keys.get(key_index) else {
                    continue;
                };
                match winner {
                    Some(w) => {
                        if w.fingerprint() == key.fingerprint() && w.scheme() == key.scheme() {
                            outcome.verified_by.push(key_index);
                        }
                    }
                    None => match key.verify(&message, &entry.sig) {
                        Ok(()) => {
                            winner = Some(key);
                            outcome.verified_by.push(key_index);
                        }
                        Err(e) => outcome.failures.push((key_index, e)),
                    },
                }
            }
            for &key_index in &outcome.verified_by {
                if let Some(key) = keys.get(key_index) {
                    if !verified_keys.iter().any(|v| v.key_index == key_index) {
                        verified_keys.push(VerifiedKey {
                            key_index,
                            fingerprint: key.fingerprint(),
                            signature_index: sig_index,
                        });
                    }
                }
            }
            outcome.verified_by.sort_unstable();
            outcomes.push(outcome);
        }
        verified_keys.sort_by_key(|v| v.key_index);
        DsseVerification {
            threshold,
            signatures: outcomes,
            verified_keys,
        }
    }
}

/// A key (by index into the `keys` given to [`Envelope::verify`]) that verified a
/// signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedKey {
    /// Index into `keys`.
    pub key_index: usize,
    /// The key's [`PublicKey::fingerprint`].
    pub fingerprint: [u8; 32],
    /// The first signature (index into [`Envelope::signatures`]) it verified.
    pub signature_index: usize,
}

/// What happened to one signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureOutcome {
    /// Index into [`Envelope::signatures`].
    pub index: usize,
    /// The signature's keyid hint.
    pub keyid: Option<String>,
    /// Indices of the keys that verified it (ascending).
    pub verified_by: Vec<usize>,
    /// Keys that were tried and did not verify it, with the reason.
    pub failures: Vec<(usize, SignatureError)>,
}

/// The result of [`Envelope::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsseVerification {
    /// The threshold asked for.
    pub threshold: usize,
    /// One outcome per signature, in envelope order.
    pub signatures: Vec<SignatureOutcome>,
    /// Every key that verified at least one signature, by ascending key index. Several
    /// entries may share a fingerprint (the same key given twice).
    pub verified_keys: Vec<VerifiedKey>,
}

impl DsseVerification {
    /// The distinct fingerprints among [`DsseVerification::verified_keys`], in key order.
    pub fn unique_fingerprints(&self) -> Vec<[u8; 32]> {
        let mut out: Vec<[u8; 32]> = Vec::new();
        for v in &self.verified_keys {
            if !out.contains(&v.fingerprint) {
                out.push(v.fingerprint);
            }
        }
        out
    }

    /// How many distinct keys (by fingerprint) verified a signature.
    pub fn verified_count(&self) -> usize {
        self.unique_fingerprints().len()
    }

    /// Whether at least `threshold` (≥ 1) distinct keys verified.
    pub fn is_verified(&self) -> bool {
        self.threshold >= 1 && self.verified_count() >= self.threshold
    }

    /// `Ok(self)` if [`DsseVerification::is_verified`], else the reason as a
    /// [`DsseError`] ([`DsseError::ZeroThreshold`] or [`DsseError::ThresholdNotMet`]).
    pub fn into_result(self) -> Result<DsseVerification, DsseError> {
        if self.threshold == 0 {
            return Err(DsseError::ZeroThreshold);
        }
        if self.is_verified() {
            Ok(self)
        } else {
            Err(DsseError::ThresholdNotMet {
                threshold: self.threshold,
                verified: self.verified_count(),
                signatures: self.signatures.len(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_distinct_kebab_case() {
        let all = [
            DsseError::Json(JsonError {
                kind: json::JsonErrorKind::TrailingData,
                offset: 0,
            }),
            DsseError::NotAnObject { found: "" },
            DsseError::MissingField {
                field: String::new(),
            },
            DsseError::FieldType {
                field: String::new(),
                expected: "",
                found: "",
            },
            DsseError::Base64 {
                field: String::new(),
            },
            DsseError::NoSignatures,
            DsseError::TooManySignatures { count: 0, max: 0 },
            DsseError::ZeroThreshold,
            DsseError::ThresholdNotMet {
                threshold: 0,
                verified: 0,
                signatures: 0,
            },
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(DsseError::code).collect();
        assert_eq!(codes.len(), all.len());
        assert!(codes.iter().all(|c| c
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())));
    }

    #[test]
    fn pae_counts_bytes() {
        assert_eq!(pae("é".as_bytes(), b"x"), b"DSSEv1 2 \xc3\xa9 1 x".to_vec());
    }
}

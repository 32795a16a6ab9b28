//! Signed in-toto metadata: the Metablock envelope (`signed` / `signatures`) and DSSE
//! (`payloadType` `application/vnd.in-toto+json`), unwrapped into a typed layout or link,
//! and the check of one key's signature on it.
//!
//! Metablock signatures are checked over the canonical JSON of the `signed` object **as
//! received**, not over a re-serialised model (in-toto 3.1.0 re-serialises its model and so
//! drops unknown fields; see `docs/differences.md`). DSSE signatures are checked over the
//! PAE of the payload bytes, and those same bytes are what is parsed.

use crate::canonical::{self, CanonicalError};
use crate::dsse::{self, DsseError};
use crate::json::{self, JsonError, JsonLimits, Parser, Value};
use crate::keys::PublicKey;
use crate::model::{Layout, Link, LinkJsonError, ModelError};
use std::fmt;

/// The DSSE payload type of in-toto layouts and links (ITE-5).
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Which envelope the metadata came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EnvelopeFormat {
    /// `{"signed": ..., "signatures": [...]}`
    Metablock,
    /// A DSSE envelope.
    Dsse,
}

/// One signature of an envelope.
#[derive(Debug, Clone)]
pub struct RawSignature {
    /// The key id hint, if any.
    pub keyid: Option<String>,
    /// The signature bytes (hex-decoded for Metablock, base64-decoded for DSSE); `None` if
    /// the encoding was bad (such a signature never verifies).
    pub sig: Option<Vec<u8>>,
}

/// The payload of a piece of metadata.
#[derive(Debug, Clone)]
pub enum Payload {
    /// A layout (a root layout, or a sublayout standing in for a link).
    Layout(Box<Layout>),
    /// A link.
    Link(Box<Link>),
}

/// Parsed, not yet verified, signed metadata.
#[derive(Debug, Clone)]
pub struct Metadata {
    /// The envelope format.
    pub format: EnvelopeFormat,
    /// The signatures, in envelope order.
    pub signatures: Vec<RawSignature>,
    /// The bytes the signatures are over (canonical `signed`, or the DSSE PAE).
    pub signed_bytes: Vec<u8>,
    /// The typed payload.
    pub payload: Payload,
}

/// Why bytes are not usable in-toto metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetadataError {
    /// Not JSON, or JSON beyond the limits.
    Json(JsonError),
    /// Neither a Metablock nor a DSSE envelope.
    NotAnEnvelope,
    /// A Metablock's `signatures` is malformed.
    BadSignatureList {
        /// What is wrong.
        reason: String,
    },
    /// The Metablock's `signed` object holds a float (no canonical form).
    Canonical(CanonicalError),
    /// A malformed DSSE envelope.
    Dsse(DsseError),
    /// A DSSE payload type other than in-toto's.
    PayloadType {
        /// The payload type found.
        found: String,
    },
    /// The payload's `_type` is neither `layout` nor `link`.
    UnknownType {
        /// The `_type` found (empty if absent or not a string).
        found: String,
    },
    /// The payload is not a valid layout or link.
    Model(ModelError),
    /// The metadata is beyond a limit of [`crate::verify::VerifyOptions`].
    Limit {
        /// Which limit (`max_artifacts`, `max_signatures`, ...).
        limit: &'static str,
        /// Its value.
        max: usize,
        /// What was found.
        found: usize,
    },
}

impl MetadataError {
    /// A stable machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            MetadataError::Json(_) => "json-invalid",
            MetadataError::NotAnEnvelope => "envelope-unknown",
            MetadataError::BadSignatureList { .. } => "envelope-signatures-malformed",
            MetadataError::Canonical(_) => "canonical-json-float",
            MetadataError::Dsse(_) => "dsse-malformed",
            MetadataError::PayloadType { .. } => "dsse-payload-type",
            MetadataError::UnknownType { .. } => "metadata-type-unknown",
            MetadataError::Model(_) => "metadata-malformed",
            MetadataError::Limit { .. } => "limit-exceeded",
        }
    }

    /// For metadata refused for its size rather than its content: the limit's name, its
    /// value and what was found (absent when the reader stopped before counting). A JSON
    /// limit (bytes, depth, entries, digits of a number), the signature cap, or a limit
    /// of the verification options.
    pub fn limit(&self) -> Option<(&'static str, usize, Option<usize>)> {
        match self {
            MetadataError::Json(e) => e.limit(),
            MetadataError::Dsse(e) => e.limit(),
            MetadataError::Limit { limit, max, found } => Some((limit, *max, Some(*found))),
            _ => None,
        }
    }

    /// Whether the metadata was refused for its size ([`MetadataError::limit`]).
    pub fn is_limit(&self) -> bool {
        self.limit().is_some()
    }
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetadataError::Json(e) => write!(f, "not valid JSON: {e}"),
            MetadataError::NotAnEnvelope => write!(
                f,
                "neither a Metablock (signed/signatures) nor a DSSE envelope (payload/payloadType/signatures)"
            ),
            MetadataError::BadSignatureList { reason } => write!(f, "bad signatures list: {reason}"),
            MetadataError::Canonical(e) => write!(f, "{e}"),
            MetadataError::Dsse(e) => write!(f, "malformed DSSE envelope: {e}"),
            MetadataError::PayloadType { found } => write!(
                f,
                "DSSE payloadType is {found:?}, expected {IN_TOTO_PAYLOAD_TYPE:?}"
            ),
            MetadataError::UnknownType { found } => {
                write!(f, "_type is {found:?}, expected \"layout\" or \"link\"")
            }
            MetadataError::Model(e) => write!(f, "{e}"),
            MetadataError::Limit { limit, max, found } => {
                write!(f, "{found} is more than {limit} ({max})")
            }
        }
    }
}

impl std::error::Error for MetadataError {}

/// The result of checking one key's signature on metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureStatus {
    /// A signature by the key verifies.
    Verified,
    /// No signature carries one of the key's ids (Metablock), or none verifies and none
    /// names the key (DSSE).
    NoSignature,
    /// Signatures name the key but none verifies.
    Invalid,
}

fn payload_from_value(v: Value) -> Result<Payload, MetadataError> {
    let t = v
        .as_object()
        .and_then(|m| m.get("_type"))
        .and_then(Value::as_str)
        .unwrap_or("");
    match t {
        "layout" => Ok(Payload::Layout(Box::new(
            Layout::from_value(&v).map_err(MetadataError::Model)?,
        ))),
        "link" => Ok(Payload::Link(Box::new(
            Link::from_owned_value(v).map_err(MetadataError::Model)?,
        ))),
        other => Err(MetadataError::UnknownType {
            found: other.to_owned(),
        }),
    }
}

/// A layout or link from its JSON: links are read in one pass into their compact form,
/// anything else through a tree.
fn payload_from_json(bytes: &[u8], limits: JsonLimits) -> Result<Payload, MetadataError> {
    match Link::parse_json(bytes, limits) {
        Ok(link) => Ok(Payload::Link(Box::new(link))),
        Err(LinkJsonError::Json(e)) => Err(MetadataError::Json(e)),
        Err(LinkJsonError::Model(e)) => Err(MetadataError::Model(e)),
        Err(LinkJsonError::NotALink) => {
            payload_from_value(json::parse(bytes, limits).map_err(MetadataError::Json)?)
        }
    }
}

/// A Metablock's `signatures`: a list of `{"keyid": ..., "sig": hex}`.
fn metablock_signatures(sigs: &Value) -> Result<Vec<RawSignature>, MetadataError> {
    let sigs = sigs
        .as_array()
        .ok_or_else(|| MetadataError::BadSignatureList {
            reason: "`signatures` is not an array".into(),
        })?;
    if sigs.len() > dsse::MAX_SIGNATURES {
        return Err(MetadataError::Limit {
            limit: "max_signatures",
            max: dsse::MAX_SIGNATURES,
            found: sigs.len(),
        });
    }
    let mut signatures = Vec::with_capacity(sigs.len());
    for (i, s) in sigs.iter().enumerate() {
        let m = s
            .as_object()
            .ok_or_else(|| MetadataError::BadSignatureList {
                reason: format!("signatures[{i}] is not an object"),
            })?;
        let keyid = m.get("keyid").and_then(Value::as_str);
        let sig = m.get("sig").and_then(Value::as_str);
        let (Some(keyid), Some(sig)) = (keyid, sig) else {
            return Err(MetadataError::BadSignatureList {
                reason: format!("signatures[{i}] needs string `keyid` and `sig`"),
            });
        };
        signatures.push(RawSignature {
            keyid: Some(keyid.to_owned()),
            sig: hex::decode(sig).ok(),
        });
    }
    Ok(signatures)
}

impl Metadata {
    /// Parses a Metablock or a DSSE envelope holding a layout or a link.
    ///
    /// ```
    /// use intoto_verify::metadata::{Metadata, Payload};
    /// use intoto_verify::json::JsonLimits;
    /// let doc = br#"{"signed": {"_type": "link", "name": "build"}, "signatures": []}"#;
    /// let md = Metadata::parse(doc, JsonLimits::default()).unwrap();
    /// assert!(matches!(md.payload, Payload::Link(ref l) if l.name == "build"));
    /// ```
    pub fn parse(bytes: &[u8], limits: JsonLimits) -> Result<Metadata, MetadataError> {
        let mut p = Parser::new(bytes, limits).map_err(MetadataError::Json)?;
        if p.peek() != Some(b'{') {
            // Not an object: the tree reader says why (a JSON error, or no envelope).
            json::parse(bytes, limits).map_err(MetadataError::Json)?;
            return Err(MetadataError::NotAnEnvelope);
        }
        // One pass over the envelope: `signed` is written out as canonical JSON while it
        // is read, so no tree of a link's (many) artifacts is ever built.
        // Every other member is kept as a tree: the signatures, or a whole DSSE envelope.
        let mut canonical = canonical::Writer::default();
        let mut signed: Option<(usize, usize)> = None;
        let mut members: Vec<(std::borrow::Cow<'_, str>, Value, usize)> = Vec::new();
        p.object_entries(1, |p, key, at| {
            let value = if key == "signed" {
                canonical = canonical::Writer::default();
                // The canonical form is never longer than the JSON it is read from.
                canonical.out.reserve(bytes.len());
                let start = p.offset();
                canonical.value(p, 1)?;
                signed = Some((start, p.offset()));
                Value::Null
            } else {
                p.value(1)?
            };
            members.push((key, value, at));
            Ok(())
        })
        .and_then(|()| p.finish())
        .map_err(MetadataError::Json)?;
        if let Some(e) = json::sort_and_find_duplicate(&mut members, |m| (&m.0, m.2)) {
            return Err(MetadataError::Json(e));
        }
        let mut envelope: json::Map = members
            .into_iter()
            .filter(|(k, _, _)| k != "signed")
            .map(|(k, v, _)| (k.into_owned(), v))
            .collect();
        if envelope.contains_key("payload") {
            return Metadata::from_dsse(&Value::Object(envelope), limits);
        }
        let (Some((start, end)), Some(sigs)) = (signed, envelope.remove("signatures")) else {
            return Err(MetadataError::NotAnEnvelope);
        };
        let signatures = metablock_signatures(&sigs)?;
        if let Some(number) = canonical.float {
            return Err(MetadataError::Canonical(CanonicalError::Float { number }));
        }
        let payload = payload_from_json(p.slice(start, end), limits)?;
        Ok(Metadata {
            format: EnvelopeFormat::Metablock,
            signatures,
            signed_bytes: canonical.out,
            payload,
        })
    }

    /// A DSSE envelope, read as JSON already (its `signed` member, if any, left out: DSSE
    /// has none).
    fn from_dsse(doc: &Value, limits: JsonLimits) -> Result<Metadata, MetadataError> {
        let env = dsse::Envelope::from_value(doc).map_err(MetadataError::Dsse)?;
        if env.payload_type != IN_TOTO_PAYLOAD_TYPE {
            return Err(MetadataError::PayloadType {
                found: env.payload_type.clone(),
            });
        }
        let payload = payload_from_json(&env.payload, limits)?;
        let signed_bytes = dsse::pae(env.payload_type.as_bytes(), &env.payload);
        let signatures = env
            .signatures
            .iter()
            .map(|s| RawSignature {
                keyid: s.keyid.clone(),
                sig: Some(s.sig.clone()),
            })
            .collect();
        Ok(Metadata {
            format: EnvelopeFormat::Dsse,
            signatures,
            signed_bytes,
            payload,
        })
    }

    /// Checks whether `key` signed this metadata.
    ///
    /// `listed_as` are extra key ids the key is known under (a layout's `keys` map key and
    /// the key object's own `keyid`). For a Metablock, only signatures whose `keyid` is one
    /// of the key's ids are tried (every one of them, not just the first). For DSSE the key
    /// id is a hint: matching signatures are tried first, then all others.
    pub fn check_signature(&self, key: &PublicKey, listed_as: &[&str]) -> SignatureStatus {
        let names = |s: &RawSignature| {
            s.keyid.as_deref().is_some_and(|id| {
                listed_as.contains(&id) || key.keyid_aliases().iter().any(|a| a == id)
            })
        };
        let verifies = |s: &RawSignature| {
            s.sig
                .as_deref()
                .is_some_and(|sig| key.verify(&self.signed_bytes, sig).is_ok())
        };
        let named: Vec<&RawSignature> = self.signatures.iter().filter(|s| names(s)).collect();
        if named.iter().any(|s| verifies(s)) {
            return SignatureStatus::Verified;
        }
        if self.format == EnvelopeFormat::Dsse
            && self.signatures.iter().filter(|s| !names(s)).any(verifies)
        {
            return SignatureStatus::Verified;
        }
        if named.is_empty() {
            SignatureStatus::NoSignature
        } else {
            SignatureStatus::Invalid
        }
    }
}

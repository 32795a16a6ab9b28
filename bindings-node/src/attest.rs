//! The `verifyAttestation` request object to the core's [`AttestationRequest`].
//!
//! The same conventions as the layout request (`request.rs`): each property is read and
//! type-checked by name, unknown properties are rejected, `undefined`/`null` mean "not
//! given", and the core's snake_case names are accepted too. Values of the right type that
//! the core judges (a digest of the wrong length, an unknown scheme, a threshold of 0) are
//! left to the core, which answers with a report (verdict `error`, `request-invalid`).
#![forbid(unsafe_code)]

use crate::errors::ArgError;
use crate::request::{
    boolean, bytes, check_keys, get, key_path, list, plain_object, record, size, string,
    type_error, Field, R,
};
use intoto_verify::api::{AttestationRequest, VerificationKey};
use intoto_verify::digest::DigestSet;
use intoto_verify::policy::Policy;
use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};
use std::collections::BTreeMap;

const REQUEST_FIELDS: &[Field] = &[
    ("envelope", None),
    ("verificationKeys", Some("verification_keys")),
    ("threshold", None),
    ("artifact", None),
    ("artifactDigest", Some("artifact_digest")),
    ("policy", None),
    ("envelopeOnly", Some("envelope_only")),
    ("maxBytes", Some("max_bytes")),
    ("maxDepth", Some("max_depth")),
];

const KEY_FIELDS: &[Field] = &[("pem", None), ("scheme", None), ("keyid", Some("keyId"))];

const POLICY_FIELDS: &[Field] = &[
    ("predicateType", Some("predicate_type")),
    ("builderId", Some("builder_id")),
    ("sourceUri", Some("source_uri")),
    ("sourceRef", Some("source_ref")),
    ("sourceTag", Some("source_tag")),
    ("sourceBranch", Some("source_branch")),
    ("buildType", Some("build_type")),
    ("externalParameters", Some("external_parameters")),
    ("verifierId", Some("verifier_id")),
    ("resourceUri", Some("resource_uri")),
    ("policyUri", Some("policy_uri")),
    ("verifiedLevels", Some("verified_levels")),
];

const KEY_EXPECTED: &str = "a PEM key (Buffer, Uint8Array or string) or { pem, scheme?, keyid? }";

/// One verification key: PEM bytes, or `{ pem, scheme?, keyid? }`.
fn verification_key(value: Unknown<'_>, path: &str) -> R<VerificationKey> {
    let is_key_object = value.get_type()? == ValueType::Object
        && !value.is_typedarray()?
        && !value.is_array()?
        && !value.is_arraybuffer()?
        && !value.is_date()?;
    if !is_key_object {
        return match value.get_type()? {
            ValueType::String | ValueType::Object => Ok(bytes(value, path)
                .map_err(|_| type_error(path, KEY_EXPECTED, &value))?
                .into()),
            _ => Err(type_error(path, KEY_EXPECTED, &value)),
        };
    }
    let obj = plain_object(value, path, KEY_EXPECTED)?;
    check_keys(&obj, path, KEY_FIELDS)?;
    let pem = match get(&obj, path, ("pem", None))? {
        Some((v, p)) => bytes(v, &p)?,
        None => {
            return Err(ArgError::Type(format!(
                "{path}.pem must be a Buffer, a Uint8Array or a string, got undefined"
            ))
            .into())
        }
    };
    let opt_string = |f: Field| -> R<Option<String>> {
        match get(&obj, path, f)? {
            Some((v, p)) => Ok(Some(string(v, &p)?)),
            None => Ok(None),
        }
    };
    Ok(VerificationKey {
        pem,
        scheme: opt_string(("scheme", None))?,
        keyid: opt_string(("keyid", Some("keyId")))?,
    })
}

/// `ALG:VALUE` split at the first colon; the value itself is checked by the core.
fn digest_arg(value: Unknown<'_>, path: &str) -> R<(String, String)> {
    let text = string(value, path)?;
    match text.split_once(':') {
        Some((alg, v)) => Ok((alg.to_owned(), v.to_owned())),
        None => Err(ArgError::Value(format!(
            "{path} must be ALGORITHM:VALUE (e.g. \"sha256:ab12…\"), got {text:?}"
        ))
        .into()),
    }
}

/// The artifact's digests: `{ sha256: "…" }`, `"sha256:…"` or `["sha256:…", …]`.
fn artifact_digest(value: Unknown<'_>, path: &str) -> R<DigestSet> {
    const EXPECTED: &str =
        "an object of algorithm to hex digest, an \"ALGORITHM:VALUE\" string or an array of them";
    let pairs: Vec<(String, String)> = match value.get_type()? {
        ValueType::String => vec![digest_arg(value, path)?],
        ValueType::Object if value.is_array()? => list(value, path, EXPECTED, digest_arg)?,
        ValueType::Object => {
            // What `Hasher.digest()` / `digestFile` return can be passed as is: its numeric
            // `length` is not a digest and is left out.
            let obj = plain_object(value, path, EXPECTED)?;
            let mut pairs = Vec::new();
            for key in Object::keys(&obj)? {
                let item: Unknown<'_> = obj.get_named_property(&key)?;
                if key == "length" && item.get_type()? == ValueType::Number {
                    continue;
                }
                let item_path = key_path(path, &key);
                pairs.push((key, string(item, &item_path)?));
            }
            pairs
        }
        _ => return Err(type_error(path, EXPECTED, &value)),
    };
    let mut map = BTreeMap::new();
    for (alg, v) in pairs {
        if let Some(old) = map.get(&alg) {
            if *old != v {
                return Err(ArgError::Value(format!(
                    "{path} gives {alg} twice with different values"
                ))
                .into());
            }
        }
        map.insert(alg, v);
    }
    Ok(DigestSet(map))
}

fn policy(value: Unknown<'_>, path: &str) -> R<Policy> {
    let obj = plain_object(value, path, "an object")?;
    check_keys(&obj, path, POLICY_FIELDS)?;
    let text = |f: Field| -> R<Option<String>> {
        match get(&obj, path, f)? {
            Some((v, p)) => Ok(Some(string(v, &p)?)),
            None => Ok(None),
        }
    };
    Ok(Policy {
        predicate_type: text(("predicateType", Some("predicate_type")))?,
        builder_id: text(("builderId", Some("builder_id")))?,
        source_uri: text(("sourceUri", Some("source_uri")))?,
        source_ref: text(("sourceRef", Some("source_ref")))?,
        source_tag: text(("sourceTag", Some("source_tag")))?,
        source_branch: text(("sourceBranch", Some("source_branch")))?,
        build_type: text(("buildType", Some("build_type")))?,
        external_parameters: match get(
            &obj,
            path,
            ("externalParameters", Some("external_parameters")),
        )? {
            Some((v, p)) => record(v, &p, "an object of parameter paths to strings", string)?,
            None => BTreeMap::new(),
        },
        verifier_id: text(("verifierId", Some("verifier_id")))?,
        resource_uri: text(("resourceUri", Some("resource_uri")))?,
        policy_uri: text(("policyUri", Some("policy_uri")))?,
        verified_levels: match get(&obj, path, ("verifiedLevels", Some("verified_levels")))? {
            Some((v, p)) => list(v, &p, "an array of strings", string)?,
            None => Vec::new(),
        },
    })
}

/// The `request` argument of `verifyAttestation` as the core's request.
pub fn attestation_request(value: Unknown<'_>) -> R<AttestationRequest> {
    const PATH: &str = "request";
    let obj: Object<'_> = plain_object(value, PATH, "an object")?;
    check_keys(&obj, PATH, REQUEST_FIELDS)?;
    let field = |f: Field| get(&obj, PATH, f);
    let envelope = match field(("envelope", None))? {
        Some((v, p)) => bytes(v, &p)?,
        None => {
            return Err(ArgError::Type(
                "request.envelope must be a Buffer, a Uint8Array or a string, got undefined".into(),
            )
            .into())
        }
    };
    let verification_keys = match field(("verificationKeys", Some("verification_keys")))? {
        Some((v, p)) => list(v, &p, "an array of verification keys", verification_key)?,
        None => Vec::new(),
    };
    let threshold = match field(("threshold", None))? {
        Some((v, p)) => Some(size(v, &p)?),
        None => None,
    };
    let artifact = match field(("artifact", None))? {
        Some((v, p)) => Some(bytes(v, &p)?),
        None => None,
    };
    let artifact_digest = match field(("artifactDigest", Some("artifact_digest")))? {
        Some((v, p)) => Some(artifact_digest(v, &p)?),
        None => None,
    };
    let policy = match field(("policy", None))? {
        Some((v, p)) => policy(v, &p)?,
        None => Policy::default(),
    };
    let envelope_only = match field(("envelopeOnly", Some("envelope_only")))? {
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
    Ok(AttestationRequest {
        envelope,
        verification_keys,
        threshold,
        artifact,
        artifact_digest,
        policy,
        envelope_only,
        max_bytes,
        max_depth,
    })
}

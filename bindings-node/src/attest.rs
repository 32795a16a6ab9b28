//! The `verifyAttestation` request object to the core's [`AttestationRequest`].
//!
//! It goes through the core's host module as the layout request does (`request.rs`), with
//! one exception: `artifactDigest`. The core's digest-set deserialiser checks each value
//! as it reads it, so a value it refuses would be an argument error here, while this addon
//! leaves the values to the core's verification, which answers with a report (verdict
//! `error`, `request-invalid`, path `artifact_digest`), as for every value of the right
//! type that the core judges (an unknown scheme, a threshold of 0). So the addon reads the
//! digests' shape itself (`{ alg: hex }`, `"alg:hex"` or a list of those; a `length`
//! number, as `Hasher.digest()` returns, left out) and hands the core an unchecked set.
#![forbid(unsafe_code)]

use crate::errors::ArgError;
use crate::host::{self, R};
use intoto_verify::api::AttestationRequest;
use intoto_verify::digest::DigestSet;
use intoto_verify::host::HostValue;
use napi::bindgen_prelude::Unknown;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use std::collections::BTreeMap;
use std::fmt;

/// The `request` argument of `verifyAttestation` as the core's request.
pub fn attestation_request(value: Unknown<'_>) -> R<AttestationRequest> {
    const PATH: &str = "request";
    let mut entries = host::object(value, PATH)?;
    let digest = take_digest(&mut entries, PATH)?;
    let mut req: AttestationRequest = host::read(HostValue::Map(entries), PATH)?;
    if let Some((key, value)) = digest {
        req.artifact_digest = Some(artifact_digest(value, &host::child(PATH, &key))?);
    }
    Ok(req)
}

/// Takes `artifactDigest` (or `artifact_digest`) out of the request's entries.
fn take_digest(
    entries: &mut Vec<(String, HostValue)>,
    path: &str,
) -> R<Option<(String, HostValue)>> {
    let is_digest = |k: &str| k == "artifactDigest" || k == "artifact_digest";
    let mut found = None;
    while let Some(i) = entries.iter().position(|(k, _)| is_digest(k)) {
        let (key, value) = entries.remove(i);
        if found.is_some() {
            return Err(ArgError::Value(format!(
                "{path} gives both \"artifactDigest\" and \"artifact_digest\"; give one of them"
            ))
            .into());
        }
        found = Some((key, value));
    }
    Ok(found)
}

/// The digests as given: one `ALG:VALUE` text, a list of them, or an object's entries.
enum DigestArg {
    Text(String),
    List(Vec<String>),
    Object(Vec<(String, String)>),
}

impl<'de> serde::Deserialize<'de> for DigestArg {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = DigestArg;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "an object of algorithm to hex digest, an \"ALGORITHM:VALUE\" string or an array of them",
                )
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DigestArg, E> {
                Ok(DigestArg::Text(v.to_owned()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DigestArg, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = seq.next_element()? {
                    out.push(s);
                }
                Ok(DigestArg::List(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<DigestArg, A::Error> {
                let mut out = Vec::new();
                while let Some(entry) = m.next_entry()? {
                    out.push(entry);
                }
                Ok(DigestArg::Object(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// `ALG:VALUE` split at the first colon; the value itself is checked by the core.
fn split(text: &str, path: &str) -> R<(String, String)> {
    match text.split_once(':') {
        Some((alg, v)) => Ok((alg.to_owned(), v.to_owned())),
        None => Err(ArgError::Value(format!(
            "{path} must be ALGORITHM:VALUE (e.g. \"sha256:ab12…\"), got {text:?}"
        ))
        .into()),
    }
}

/// The artifact's digests, unchecked (see the module's doc).
fn artifact_digest(mut value: HostValue, path: &str) -> R<DigestSet> {
    // What `Hasher.digest()` / `digestFile` return can be passed as is: its numeric
    // `length` is not a digest.
    if let HostValue::Map(entries) = &mut value {
        entries.retain(|(k, v)| {
            !(k == "length"
                && matches!(
                    v,
                    HostValue::Int(_) | HostValue::UInt(_) | HostValue::Float(_)
                ))
        });
    }
    let pairs = match host::read(value, path)? {
        DigestArg::Text(text) => vec![split(&text, path)?],
        DigestArg::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, text)| split(text, &format!("{path}[{i}]")))
            .collect::<R<_>>()?,
        DigestArg::Object(entries) => entries,
    };
    let mut map = BTreeMap::new();
    for (alg, v) in pairs {
        if map.get(&alg).is_some_and(|old| *old != v) {
            return Err(
                ArgError::Value(format!("{path} gives {alg} twice with different values")).into(),
            );
        }
        map.insert(alg, v);
    }
    Ok(DigestSet(map))
}

//! Attestation verification: a DSSE envelope holding an in-toto Statement, checked
//! against trusted keys, an artifact and a policy, with one [`AttestationReport`].
//!
//! The order (docs/attestations.md), each step stopping verification when it fails:
//!
//! 1. **envelope**: the bytes are a DSSE envelope ([`Envelope::from_slice`]);
//! 2. **signatures**: at least `threshold` distinct trusted keys (by key material) verify
//!    a signature over the PAE. Every key is tried against every signature; a keyid only
//!    rules a key out when the caller declared a keyid for the key and the signature
//!    carries a different one (DSSE `protocol.md`);
//! 3. **payloadType** is `application/vnd.in-toto+json` or
//!    `application/vnd.in-toto.<predicate>+json`;
//! 4. **Statement**: exactly the verified payload bytes parse as a Statement
//!    ([`Statement::from_slice`]);
//! 5. **subject binding**: when an artifact digest set is given, some subject matches it
//!    ([`DigestSet::compare`]); otherwise a warning says nothing was bound;
//! 6. **predicate type**, then the **predicate** is read ([`Predicate`]) and the rest of
//!    the **policy** is evaluated ([`policy::evaluate`]); the first failed check is the
//!    report's failure and every check is listed.
//!
//! With [`AttestationOptions::envelope_only`], steps 3 to 6 are skipped: the answer is
//! whether the envelope's signatures verify, whatever its payload.

use crate::digest::DigestSet;
use crate::dsse::{DsseError, Envelope};
use crate::json::JsonLimits;
use crate::keys::PublicKey;
use crate::policy::{self, Policy};
use crate::predicate::Predicate;
use crate::report::{
    AttestationReport, EnvelopeReport, EnvelopeSignatureReport, Failure, FailureCode,
    MatchedSubject, Signer, StatementReport, Warning,
};
use crate::statement::{is_in_toto_payload_type, Statement, StatementError, PAYLOAD_TYPE};
use sha2::{Digest as _, Sha256};

/// A verification key and, optionally, the keyid the caller knows it by.
#[derive(Debug, Clone)]
pub struct TrustedKey {
    /// The key.
    pub key: PublicKey,
    /// A keyid for the key (e.g. slsa-verifier's `--public-key-id`). When set, the key is
    /// not tried against signatures whose keyid hint is set and different.
    pub keyid: Option<String>,
}

impl From<PublicKey> for TrustedKey {
    fn from(key: PublicKey) -> TrustedKey {
        TrustedKey { key, keyid: None }
    }
}

/// How to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttestationOptions {
    /// Distinct trusted keys that must have signed (at least 1).
    pub threshold: usize,
    /// Limits for parsing the envelope and the Statement.
    pub json: JsonLimits,
    /// Verify the envelope's signatures only (any payloadType, payload not parsed).
    pub envelope_only: bool,
}

impl Default for AttestationOptions {
    fn default() -> AttestationOptions {
        AttestationOptions {
            threshold: 1,
            json: JsonLimits::default(),
            envelope_only: false,
        }
    }
}

fn failure(code: FailureCode, message: impl Into<String>) -> Failure {
    Failure::new(code, message)
}

fn envelope_failure(e: &DsseError, bytes: &[u8], limits: JsonLimits) -> Failure {
    if let Some((limit, max, found)) = e.limit() {
        return Failure::limit(limit, max, found, format!("{e}"));
    }
    let mut message = format!("{e}");
    if let DsseError::Json(j) = e {
        if j.kind == crate::json::JsonErrorKind::TrailingData {
            message.push_str(
                " (a JSON Lines file with several envelopes is not supported: pass one line)",
            );
        }
    }
    if let Ok(v) = crate::json::parse(bytes, limits) {
        if v.as_object()
            .is_some_and(|m| m.contains_key("dsseEnvelope"))
        {
            message = "this is a Sigstore bundle: its envelope is signed by a certificate, which needs a Sigstore verifier; pass a DSSE envelope signed by a key".into();
        }
    }
    let mut f = failure(FailureCode::EnvelopeMalformed, message);
    f.path = match e {
        DsseError::MissingField { field }
        | DsseError::FieldType { field, .. }
        | DsseError::Base64 { field } => Some(field.clone()),
        DsseError::NoSignatures => Some("signatures".into()),
        _ => None,
    };
    f
}

/// Verifies the envelope's signatures against `keys`. Never fails: the report says which
/// key verified which signature and which distinct keys signed.
pub fn check_signatures(
    envelope: &Envelope,
    keys: &[TrustedKey],
    threshold: usize,
) -> EnvelopeReport {
    let message = envelope.pae();
    let mut signatures = Vec::with_capacity(envelope.signatures.len());
    let mut signers: Vec<Signer> = Vec::new();
    for (index, sig) in envelope.signatures.iter().enumerate() {
        let mut report = EnvelopeSignatureReport {
            index,
            keyid: sig.keyid.clone(),
            verified_by: Vec::new(),
            keyid_mismatch: Vec::new(),
        };
        for (key_index, k) in keys.iter().enumerate() {
            let declared = k.keyid.as_deref().filter(|s| !s.is_empty());
            if let (Some(want), Some(have)) = (declared, sig.keyid.as_deref()) {
                if want != have {
                    report.keyid_mismatch.push(key_index);
                    continue;
                }
            }
            if k.key.verify(&message, &sig.sig).is_ok() {
                report.verified_by.push(key_index);
                let fingerprint = hex::encode(k.key.fingerprint());
                if !signers.iter().any(|s| s.fingerprint == fingerprint) {
                    signers.push(Signer {
                        key_index,
                        keyid: k.key.keyid().to_owned(),
                        declared_keyid: declared.map(str::to_owned),
                        fingerprint,
                    });
                }
            }
        }
        signatures.push(report);
    }
    signers.sort_by_key(|s| s.key_index);
    EnvelopeReport {
        payload_type: envelope.payload_type.clone(),
        payload_sha256: hex::encode(Sha256::digest(&envelope.payload)),
        threshold,
        signatures,
        signers,
    }
}

/// Verifies an attestation: `envelope` (DSSE JSON bytes) signed by at least
/// `options.threshold` of `keys`, holding a Statement one of whose subjects matches
/// `artifact` (when given) and that satisfies `policy`.
///
/// `artifact` is the artifact's digests, e.g. [`crate::digest::Digests::to_digest_set`]
/// from a [`crate::digest::Hasher`] the caller fed, or digests the caller was given.
/// It is used as is; validate caller input with [`DigestSet::checked`] first.
///
/// ```
/// use intoto_verify::attestation::{verify_attestation, AttestationOptions};
/// use intoto_verify::policy::Policy;
/// let report = verify_attestation(b"{}", &[], None, &Policy::default(), &AttestationOptions::default());
/// assert_eq!(report.failure.unwrap().code.as_str(), "verification-keys-missing");
/// ```
pub fn verify_attestation(
    envelope: &[u8],
    keys: &[TrustedKey],
    artifact: Option<&DigestSet>,
    policy: &Policy,
    options: &AttestationOptions,
) -> AttestationReport {
    let report = AttestationReport::empty();
    if keys.is_empty() {
        return report.with_failure(failure(
            FailureCode::VerificationKeysMissing,
            "no verification key was given: nothing can vouch for the attestation",
        ));
    }
    if options.threshold == 0 {
        let mut f = failure(
            FailureCode::RequestInvalid,
            "a signature threshold of 0 is never met",
        );
        f.path = Some("threshold".into());
        return report.with_failure(f);
    }
    let env = match Envelope::from_slice(envelope, options.json) {
        Ok(e) => e,
        Err(e) => return report.with_failure(envelope_failure(&e, envelope, options.json)),
    };
    let mut report = report;
    let env_report = check_signatures(&env, keys, options.threshold);
    let verified = env_report.signers.len();
    let signature_count = env.signatures.len();
    report.envelope = Some(env_report);
    if verified < options.threshold {
        let (code, message) = if verified == 0 {
            (
                FailureCode::EnvelopeSignatureInvalid,
                format!(
                    "no trusted key verified any of the envelope's {signature_count} signature(s)"
                ),
            )
        } else {
            (
                FailureCode::EnvelopeThresholdUnmet,
                format!(
                    "{verified} distinct trusted key(s) signed the envelope, {} required",
                    options.threshold
                ),
            )
        };
        let mut f = failure(code, message);
        f.expected = Some(format!("{} distinct key(s)", options.threshold));
        f.actual = Some(format!("{verified} distinct key(s)"));
        return report.with_failure(f);
    }
    if options.envelope_only {
        report.warnings.push(Warning {
            code: "statement-not-checked",
            message: "envelope only: the payload was not parsed, no subject or policy was checked"
                .into(),
            step: None,
        });
        return report;
    }
    evaluate_payload(
        report,
        &env.payload_type,
        &env.payload,
        artifact,
        policy,
        options.json,
    )
}

/// Steps 3 to 6 on a payload whose signatures the caller has verified (for example a
/// Sigstore verifier that checked a certificate chain): payloadType, Statement, subject
/// binding, predicate type and policy.
///
/// **Never call this with an unverified payload.**
pub fn verify_verified_payload(
    payload_type: &str,
    payload: &[u8],
    artifact: Option<&DigestSet>,
    policy: &Policy,
    limits: JsonLimits,
) -> AttestationReport {
    evaluate_payload(
        AttestationReport::empty(),
        payload_type,
        payload,
        artifact,
        policy,
        limits,
    )
}

fn evaluate_payload(
    mut report: AttestationReport,
    payload_type: &str,
    payload: &[u8],
    artifact: Option<&DigestSet>,
    policy: &Policy,
    limits: JsonLimits,
) -> AttestationReport {
    if !is_in_toto_payload_type(payload_type) {
        let mut f = failure(
            FailureCode::PayloadTypeUnsupported,
            format!("the payloadType {payload_type:?} is not an in-toto Statement type"),
        );
        f.expected = Some(format!(
            "{PAYLOAD_TYPE} or application/vnd.in-toto.<predicate>+json"
        ));
        f.actual = Some(payload_type.to_owned());
        f.path = Some("payloadType".into());
        return report.with_failure(f);
    }
    let statement = match Statement::from_slice(payload, limits) {
        Ok(s) => s,
        Err(e) => {
            if let Some((limit, max, found)) = match &e {
                StatementError::Json(j) => j.limit(),
                _ => None,
            } {
                return report.with_failure(Failure::limit(limit, max, found, e.to_string()));
            }
            let mut f = failure(FailureCode::StatementMalformed, e.to_string());
            f.path = e.path().map(str::to_owned);
            if let Some((expected, actual)) = e.expected_actual() {
                f.expected = Some(expected);
                f.actual = Some(actual);
            }
            return report.with_failure(f);
        }
    };
    report.statement = Some(StatementReport {
        version: statement.version,
        predicate_type: statement.predicate_type.clone(),
        body: statement.raw.clone(),
    });

    match artifact {
        Some(artifact) => {
            report.artifact = Some(artifact.clone());
            report.matched_subjects = match_subjects(&statement, artifact);
            if report.matched_subjects.is_empty() {
                let mut f = failure(
                    FailureCode::SubjectMismatch,
                    format!(
                        "none of the Statement's {} subject(s) matches the artifact",
                        statement.subjects.len()
                    ),
                );
                f.expected = Some(describe(artifact, None));
                f.actual = Some(describe_subjects(&statement, artifact));
                f.path = Some("subject".into());
                return report.with_failure(f);
            }
        }
        None => report.warnings.push(Warning {
            code: "subject-not-checked",
            message: "no artifact or digest was given: the Statement's subjects were not bound to anything".into(),
            step: None,
        }),
    }

    if let Some(expected) = &policy.predicate_type {
        let check = policy::check_predicate_type(&statement, expected);
        if !check.passed {
            let f = check.to_failure();
            report.checks.push(check);
            return report.with_failure(f);
        }
    }
    let predicate = match Predicate::from_statement(&statement) {
        Ok(p) => p,
        Err(e) => {
            let mut f = failure(FailureCode::PredicateMalformed, e.to_string());
            f.path = Some(format!("predicate.{}", e.path));
            f.expected = Some(e.expected.to_owned());
            f.actual = Some(e.found.to_owned());
            return report.with_failure(f);
        }
    };
    report.checks = policy::evaluate(&statement, &predicate, policy);
    if let Some(f) = report
        .checks
        .iter()
        .find(|c| !c.passed)
        .map(|c| c.to_failure())
    {
        return report.with_failure(f);
    }
    report
}

/// The subjects of `statement` that match `artifact` (see [`DigestSet::compare`]).
pub fn match_subjects(statement: &Statement, artifact: &DigestSet) -> Vec<MatchedSubject> {
    statement
        .subjects
        .iter()
        .enumerate()
        .filter_map(|(index, s)| {
            let c = artifact.compare(&s.digest);
            c.is_match().then(|| MatchedSubject {
                index,
                name: s.name.clone(),
                algorithms: c.agree,
            })
        })
        .collect()
}

/// `sha256:ab…, sha512:cd…`, limited to the algorithms of `only` when given.
fn describe(set: &DigestSet, only: Option<&DigestSet>) -> String {
    set.0
        .iter()
        .filter(|(a, _)| only.is_none_or(|o| o.0.contains_key(*a)))
        .map(|(a, v)| format!("{a}:{v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn describe_subjects(statement: &Statement, artifact: &DigestSet) -> String {
    const SHOWN: usize = 10;
    let mut parts: Vec<String> = statement
        .subjects
        .iter()
        .enumerate()
        .take(SHOWN)
        .map(|(i, s)| {
            let common = describe(&s.digest, Some(artifact));
            let shown = if common.is_empty() {
                format!(
                    "no algorithm in common ({})",
                    s.digest.0.keys().cloned().collect::<Vec<_>>().join(", ")
                )
            } else {
                common
            };
            format!("subject[{i}] {shown}")
        })
        .collect();
    if statement.subjects.len() > SHOWN {
        parts.push(format!("(+{} more)", statement.subjects.len() - SHOWN));
    }
    parts.join("; ")
}

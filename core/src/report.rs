//! The verification report: what was decided, on what, and why.
//!
//! A report serialises to JSON (schema in `docs/report-schema.md`); the same JSON crosses
//! into Python, Node and the browser. Every failure carries a stable [`FailureCode`] and the
//! context needed to act on it: the step or inspection, the rule, the artifacts, the key id,
//! the link file.

use crate::metadata::{EnvelopeFormat, SignatureStatus};
use crate::rules::{RuleOutcome, Side};
use serde::Serialize;
use std::fmt;

/// The overall answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Everything verified.
    Pass,
    /// The metadata was evaluated and does not verify.
    Fail,
    /// The input could not be evaluated (malformed layout, bad arguments).
    Error,
}

/// Stable machine-readable failure codes. Renaming one is a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FailureCode {
    /// The layout is not JSON, not an envelope, or not a valid layout. (error)
    LayoutMalformed,
    /// No layout keys were given. (error)
    LayoutKeysMissing,
    /// A verification key cannot be loaded. (error)
    KeyInvalid,
    /// A request field is invalid (for example an unparseable time). (error)
    RequestInvalid,
    /// A layout key has no signature on the layout.
    LayoutSignatureMissing,
    /// A layout key's signature on the layout does not verify.
    LayoutSignatureInvalid,
    /// The layout expired (`expires <= now`).
    LayoutExpired,
    /// A parameter placeholder names no given parameter.
    ParameterMissing,
    /// A parameter placeholder uses unsupported syntax, or a parameter name is invalid.
    ParameterInvalid,
    /// Fewer link files than the step's threshold were found.
    LinkMissing,
    /// Fewer distinct authorised functionaries than the threshold signed valid links.
    ThresholdUnmet,
    /// Validly signed links of one step record different artifacts.
    ThresholdLinksDisagree,
    /// A sublayout did not verify (its report is attached to the link).
    SublayoutFailed,
    /// Sublayouts nest deeper than the limit.
    SublayoutTooDeep,
    /// The layout is beyond a configured limit ([`crate::verify::VerifyOptions`]: input
    /// bytes, JSON depth or entries, steps, links, signatures, pattern length);
    /// `path` names the limit, `expected` its value, `actual` what was found. (error)
    LimitExceeded,
    /// A link or inspection records an artifact name that is not a clean path.
    ArtifactNameUnsafe,
    /// A `DISALLOW` rule matched.
    RuleDisallowed,
    /// A `REQUIRE` rule's artifact was missing.
    RuleRequiredMissing,
    /// A rule's pattern cannot be evaluated.
    RulePatternInvalid,
    /// An inspection exited with a non-zero return value.
    InspectionFailed,
    /// No result was available for an inspection.
    InspectionResultMissing,
    /// The DSSE envelope is not JSON, not an envelope, or carries no signature. (error)
    EnvelopeMalformed,
    /// No verification keys were given for an attestation. (error)
    VerificationKeysMissing,
    /// No trusted key verified any signature of the envelope.
    EnvelopeSignatureInvalid,
    /// Fewer distinct trusted keys than the threshold verified the envelope.
    EnvelopeThresholdUnmet,
    /// The envelope's payloadType does not announce an in-toto Statement.
    PayloadTypeUnsupported,
    /// The verified payload is not a valid in-toto Statement. (error)
    StatementMalformed,
    /// The predicate does not fit the schema of its predicateType. (error)
    PredicateMalformed,
    /// An artifact was given and no Statement subject matches its digest.
    SubjectMismatch,
    /// The predicateType is not the expected one.
    PredicateTypeMismatch,
    /// The provenance's builder id is not the expected one.
    BuilderIdMismatch,
    /// The provenance's build type is not the expected one.
    BuildTypeMismatch,
    /// The provenance's source repository is not the expected one.
    SourceUriMismatch,
    /// The provenance's source ref is not the expected one.
    SourceRefMismatch,
    /// The provenance's source tag is not the expected one.
    SourceTagMismatch,
    /// The provenance's source branch is not the expected one.
    SourceBranchMismatch,
    /// An external parameter of the provenance does not have the expected value.
    ExternalParameterMismatch,
    /// The VSA's verifier id is not the expected one.
    VsaVerifierMismatch,
    /// The VSA's resource URI is not the expected one.
    VsaResourceUriMismatch,
    /// The VSA's policy URI is not the expected one.
    VsaPolicyMismatch,
    /// The VSA's verificationResult is not `PASSED`.
    VsaResultNotPassed,
    /// The VSA does not attest an expected level.
    VsaLevelUnmet,
}

impl FailureCode {
    /// Every failure code, in declaration order (for bindings and documentation tests).
    ///
    /// ```
    /// use intoto_verify::report::FailureCode;
    /// assert!(FailureCode::ALL.iter().any(|c| c.as_str() == "layout-expired"));
    /// ```
    pub const ALL: &'static [FailureCode] = &[
        FailureCode::LayoutMalformed,
        FailureCode::LayoutKeysMissing,
        FailureCode::KeyInvalid,
        FailureCode::RequestInvalid,
        FailureCode::LayoutSignatureMissing,
        FailureCode::LayoutSignatureInvalid,
        FailureCode::LayoutExpired,
        FailureCode::ParameterMissing,
        FailureCode::ParameterInvalid,
        FailureCode::LinkMissing,
        FailureCode::ThresholdUnmet,
        FailureCode::ThresholdLinksDisagree,
        FailureCode::SublayoutFailed,
        FailureCode::SublayoutTooDeep,
        FailureCode::LimitExceeded,
        FailureCode::ArtifactNameUnsafe,
        FailureCode::RuleDisallowed,
        FailureCode::RuleRequiredMissing,
        FailureCode::RulePatternInvalid,
        FailureCode::InspectionFailed,
        FailureCode::InspectionResultMissing,
        FailureCode::EnvelopeMalformed,
        FailureCode::VerificationKeysMissing,
        FailureCode::EnvelopeSignatureInvalid,
        FailureCode::EnvelopeThresholdUnmet,
        FailureCode::PayloadTypeUnsupported,
        FailureCode::StatementMalformed,
        FailureCode::PredicateMalformed,
        FailureCode::SubjectMismatch,
        FailureCode::PredicateTypeMismatch,
        FailureCode::BuilderIdMismatch,
        FailureCode::BuildTypeMismatch,
        FailureCode::SourceUriMismatch,
        FailureCode::SourceRefMismatch,
        FailureCode::SourceTagMismatch,
        FailureCode::SourceBranchMismatch,
        FailureCode::ExternalParameterMismatch,
        FailureCode::VsaVerifierMismatch,
        FailureCode::VsaResourceUriMismatch,
        FailureCode::VsaPolicyMismatch,
        FailureCode::VsaResultNotPassed,
        FailureCode::VsaLevelUnmet,
    ];

    /// The code as it appears in JSON (`"layout-expired"`).
    pub fn as_str(&self) -> &'static str {
        match self {
            FailureCode::LayoutMalformed => "layout-malformed",
            FailureCode::LayoutKeysMissing => "layout-keys-missing",
            FailureCode::KeyInvalid => "key-invalid",
            FailureCode::RequestInvalid => "request-invalid",
            FailureCode::LayoutSignatureMissing => "layout-signature-missing",
            FailureCode::LayoutSignatureInvalid => "layout-signature-invalid",
            FailureCode::LayoutExpired => "layout-expired",
            FailureCode::ParameterMissing => "parameter-missing",
            FailureCode::ParameterInvalid => "parameter-invalid",
            FailureCode::LinkMissing => "link-missing",
            FailureCode::ThresholdUnmet => "threshold-unmet",
            FailureCode::ThresholdLinksDisagree => "threshold-links-disagree",
            FailureCode::SublayoutFailed => "sublayout-failed",
            FailureCode::SublayoutTooDeep => "sublayout-too-deep",
            FailureCode::LimitExceeded => "limit-exceeded",
            FailureCode::ArtifactNameUnsafe => "artifact-name-unsafe",
            FailureCode::RuleDisallowed => "rule-disallowed",
            FailureCode::RuleRequiredMissing => "rule-required-missing",
            FailureCode::RulePatternInvalid => "rule-pattern-invalid",
            FailureCode::InspectionFailed => "inspection-failed",
            FailureCode::InspectionResultMissing => "inspection-result-missing",
            FailureCode::EnvelopeMalformed => "envelope-malformed",
            FailureCode::VerificationKeysMissing => "verification-keys-missing",
            FailureCode::EnvelopeSignatureInvalid => "envelope-signature-invalid",
            FailureCode::EnvelopeThresholdUnmet => "envelope-threshold-unmet",
            FailureCode::PayloadTypeUnsupported => "payload-type-unsupported",
            FailureCode::StatementMalformed => "statement-malformed",
            FailureCode::PredicateMalformed => "predicate-malformed",
            FailureCode::SubjectMismatch => "subject-mismatch",
            FailureCode::PredicateTypeMismatch => "predicate-type-mismatch",
            FailureCode::BuilderIdMismatch => "builder-id-mismatch",
            FailureCode::BuildTypeMismatch => "build-type-mismatch",
            FailureCode::SourceUriMismatch => "source-uri-mismatch",
            FailureCode::SourceRefMismatch => "source-ref-mismatch",
            FailureCode::SourceTagMismatch => "source-tag-mismatch",
            FailureCode::SourceBranchMismatch => "source-branch-mismatch",
            FailureCode::ExternalParameterMismatch => "external-parameter-mismatch",
            FailureCode::VsaVerifierMismatch => "vsa-verifier-mismatch",
            FailureCode::VsaResourceUriMismatch => "vsa-resource-uri-mismatch",
            FailureCode::VsaPolicyMismatch => "vsa-policy-mismatch",
            FailureCode::VsaResultNotPassed => "vsa-result-not-passed",
            FailureCode::VsaLevelUnmet => "vsa-level-unmet",
        }
    }

    /// Whether this code means "could not evaluate" rather than "does not verify".
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            FailureCode::LayoutMalformed
                | FailureCode::LimitExceeded
                | FailureCode::LayoutKeysMissing
                | FailureCode::KeyInvalid
                | FailureCode::RequestInvalid
                | FailureCode::EnvelopeMalformed
                | FailureCode::VerificationKeysMissing
                | FailureCode::StatementMalformed
                | FailureCode::PredicateMalformed
        )
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why verification stopped, with where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failure {
    /// The stable code.
    pub code: FailureCode,
    /// A one-line explanation for a person.
    pub message: String,
    /// The step, if the failure is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The inspection, if the failure is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inspection: Option<String>,
    /// `materials` or `products`, for rule failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub side: Option<Side>,
    /// The rule, for rule failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Vec<String>>,
    /// The rule's index in its list, for rule failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    /// The artifacts at fault.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub artifacts: Vec<String>,
    /// The key id at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyid: Option<String>,
    /// The file (link name) or field path at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// For sublayout failures, the sublayout's own failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<Failure>>,
    /// For attestation checks, the value required.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// For attestation checks, the value found (absent when there is none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
}

impl Failure {
    /// A [`FailureCode::LimitExceeded`] failure: `path` names the limit, `expected` is its
    /// value and `actual` what was found (absent when the reader stopped before counting).
    pub fn limit(limit: &str, max: usize, found: Option<usize>, message: String) -> Failure {
        let mut f = Failure::new(FailureCode::LimitExceeded, message);
        f.path = Some(limit.to_owned());
        f.expected = Some(max.to_string());
        f.actual = found.map(|n| n.to_string());
        f
    }

    /// A failure with only a code and a message.
    pub fn new(code: FailureCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            step: None,
            inspection: None,
            side: None,
            rule: None,
            rule_index: None,
            artifacts: Vec::new(),
            keyid: None,
            path: None,
            cause: None,
            expected: None,
            actual: None,
        }
    }
}

/// A non-fatal observation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// A stable code (`command-mismatch`, `inspections-skipped`, ...).
    pub code: &'static str,
    /// For a person.
    pub message: String,
    /// The step concerned, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

/// The check of one layout key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyCheck {
    /// The key's id (in-toto 3.x rule).
    pub keyid: String,
    /// What was found.
    pub status: SignatureStatus,
}

/// What is known about the layout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LayoutReport {
    /// The envelope format.
    pub format: EnvelopeFormat,
    /// When it expires.
    pub expires: String,
    /// Its readme.
    pub readme: String,
    /// One entry per layout key given.
    pub signatures: Vec<KeyCheck>,
}

/// What happened to one link file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkStatus {
    /// Validly signed by its authorised functionary; used.
    Accepted,
    /// Validly signed, but by a key that another accepted link of this step already counts.
    Duplicate,
    /// No such file was given.
    Missing,
    /// The file is not parseable in-toto metadata.
    Unparseable,
    /// The file is beyond a configured limit (bytes, JSON depth or entries, artifacts,
    /// signatures); not read further.
    LimitExceeded,
    /// No signature by the functionary's key.
    NoSignature,
    /// The functionary's signature does not verify.
    BadSignature,
    /// The link's `name` is not the step's name.
    NameMismatch,
    /// The functionary's key id is not in the layout's `keys`.
    UnknownKey,
    /// A sublayout that did not verify.
    SublayoutFailed,
}

/// One link file of a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LinkReport {
    /// The file name looked up (`step.keyid8.link`, with the sublayout directory prefix).
    pub path: String,
    /// The authorised functionary key id the file belongs to.
    pub keyid: String,
    /// What happened.
    pub status: LinkStatus,
    /// Details for a person, for statuses other than accepted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The envelope format, when the file parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<EnvelopeFormat>,
    /// For a sublayout, its own report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sublayout: Option<Box<Report>>,
}

/// What happened in one step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepReport {
    /// The step's name.
    pub name: String,
    /// Its threshold.
    pub threshold: u64,
    /// Each authorised functionary's link file.
    pub links: Vec<LinkReport>,
    /// The material rules evaluated, in order.
    pub materials: Vec<RuleOutcome>,
    /// The product rules evaluated, in order.
    pub products: Vec<RuleOutcome>,
}

/// What happened in one inspection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InspectionReport {
    /// The inspection's name.
    pub name: String,
    /// The command (after substitution).
    pub run: Vec<String>,
    /// The command's return value, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_value: Option<i64>,
    /// The material rules evaluated.
    pub materials: Vec<RuleOutcome>,
    /// The product rules evaluated.
    pub products: Vec<RuleOutcome>,
}

/// The whole answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// `pass`, `fail` or `error`.
    pub verdict: Verdict,
    /// Why it did not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// The layout, once parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<LayoutReport>,
    /// The steps, in layout order (as far as verification got).
    pub steps: Vec<StepReport>,
    /// The inspections (as far as verification got).
    pub inspections: Vec<InspectionReport>,
    /// Non-fatal observations.
    pub warnings: Vec<Warning>,
}

impl Report {
    /// A report for a request that could not be evaluated at all.
    pub fn error(failure: Failure) -> Report {
        Report {
            verdict: Verdict::Error,
            failure: Some(failure),
            layout: None,
            steps: Vec::new(),
            inspections: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Whether the verdict is pass.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Pass
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        json_text(self)
    }

    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        json_text_pretty(self)
    }
}

// ---------------------------------------------------------------------------------------
// Attestations (see `crate::attestation` and docs/attestations.md)
// ---------------------------------------------------------------------------------------

/// One signature of an attestation's envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvelopeSignatureReport {
    /// Index in the envelope's `signatures`.
    pub index: usize,
    /// The signature's keyid hint, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyid: Option<String>,
    /// Indices of the verification keys that verified it.
    pub verified_by: Vec<usize>,
    /// Indices of the verification keys not tried because their declared keyid differs
    /// from the signature's keyid.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keyid_mismatch: Vec<usize>,
}

/// A distinct trusted key that signed the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Signer {
    /// Index of the (first) verification key with this key material.
    pub key_index: usize,
    /// The key's securesystemslib keyid.
    pub keyid: String,
    /// The keyid the caller declared for the key, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub declared_keyid: Option<String>,
    /// SHA-256 of the key's SubjectPublicKeyInfo, hex.
    pub fingerprint: String,
}

/// What is known about the envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvelopeReport {
    /// `payloadType`.
    pub payload_type: String,
    /// SHA-256 of the verified payload bytes, hex.
    pub payload_sha256: String,
    /// Distinct trusted keys required.
    pub threshold: usize,
    /// One entry per signature.
    pub signatures: Vec<EnvelopeSignatureReport>,
    /// The distinct trusted keys that verified a signature.
    pub signers: Vec<Signer>,
}

/// The verified Statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementReport {
    /// `v1` or `v0.1`.
    pub version: crate::statement::StatementVersion,
    /// `predicateType`.
    pub predicate_type: String,
    /// The Statement as parsed from the verified payload bytes.
    pub body: crate::json::Value,
}

/// A Statement subject that matches the artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MatchedSubject {
    /// Index in the Statement's `subject`.
    pub index: usize,
    /// The subject's `name`, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The algorithms whose values agree with the artifact's.
    pub algorithms: Vec<String>,
}

/// One policy check and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyCheck {
    /// What was checked (`builder-id`, `source-uri`, `vsa-verified-level`, ...).
    pub check: &'static str,
    /// The failure code this check raises when it does not pass.
    pub code: FailureCode,
    /// Whether it passed.
    pub passed: bool,
    /// The value required.
    pub expected: String,
    /// The value found, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// Where in the Statement the value was read (`predicate.runDetails.builder.id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// For a person.
    pub message: String,
}

impl PolicyCheck {
    /// The check as a [`Failure`] (code, message, expected, actual, path).
    pub fn to_failure(&self) -> Failure {
        let mut f = Failure::new(self.code, self.message.clone());
        f.expected = Some(self.expected.clone());
        f.actual = self.actual.clone();
        f.path = self.path.clone();
        f
    }
}

/// The answer for one attestation: the same shape as [`Report`] (`verdict`, `failure`,
/// `warnings`) with the attestation's parts instead of the layout's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttestationReport {
    /// `pass`, `fail` or `error`.
    pub verdict: Verdict,
    /// Why it did not pass.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure: Option<Failure>,
    /// The envelope and who signed it, once parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub envelope: Option<EnvelopeReport>,
    /// The Statement, once its signatures verified and it parsed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<StatementReport>,
    /// The artifact digests the subjects were matched against, when an artifact was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact: Option<crate::digest::DigestSet>,
    /// The subjects that match the artifact.
    pub matched_subjects: Vec<MatchedSubject>,
    /// The policy checks performed, in order.
    pub checks: Vec<PolicyCheck>,
    /// Non-fatal observations.
    pub warnings: Vec<Warning>,
}

impl AttestationReport {
    /// A report with nothing decided yet (verdict pass, nothing filled in).
    pub fn empty() -> AttestationReport {
        AttestationReport {
            verdict: Verdict::Pass,
            failure: None,
            envelope: None,
            statement: None,
            artifact: None,
            matched_subjects: Vec::new(),
            checks: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// A report for a request that could not be evaluated at all.
    pub fn error(failure: Failure) -> AttestationReport {
        AttestationReport {
            verdict: Verdict::Error,
            failure: Some(failure),
            ..AttestationReport::empty()
        }
    }

    /// Ends the report with `failure`: verdict `error` or `fail` by its code.
    pub fn with_failure(mut self, failure: Failure) -> AttestationReport {
        self.verdict = if failure.code.is_error() {
            Verdict::Error
        } else {
            Verdict::Fail
        };
        self.failure = Some(failure);
        self
    }

    /// Whether the verdict is pass.
    pub fn passed(&self) -> bool {
        self.verdict == Verdict::Pass
    }

    /// The report as JSON.
    pub fn to_json(&self) -> String {
        json_text(self)
    }

    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        json_text_pretty(self)
    }
}

/// A report as JSON (serialising a report does not fail; if it ever did, the text says
/// so as an error report).
fn json_text<T: Serialize>(report: &T) -> String {
    serde_json::to_string(report).unwrap_or_else(|e| {
        format!("{{\"verdict\":\"error\",\"failure\":{{\"message\":\"{e}\"}}}}")
    })
}

/// A report as indented JSON.
fn json_text_pretty<T: Serialize>(report: &T) -> String {
    serde_json::to_string_pretty(report).unwrap_or_else(|_| json_text(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_listed_once_and_documented() {
        let names: Vec<&str> = FailureCode::ALL.iter().map(FailureCode::as_str).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "duplicate code");
        let schema = include_str!("../../docs/report-schema.md");
        let attest = include_str!("../../docs/attestations.md");
        for n in names {
            assert!(
                schema.contains(&format!("`{n}`")) || attest.contains(&format!("`{n}`")),
                "{n} is not documented in docs/report-schema.md or docs/attestations.md"
            );
        }
    }
}

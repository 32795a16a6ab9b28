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
}

impl FailureCode {
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
            FailureCode::ArtifactNameUnsafe => "artifact-name-unsafe",
            FailureCode::RuleDisallowed => "rule-disallowed",
            FailureCode::RuleRequiredMissing => "rule-required-missing",
            FailureCode::RulePatternInvalid => "rule-pattern-invalid",
            FailureCode::InspectionFailed => "inspection-failed",
            FailureCode::InspectionResultMissing => "inspection-result-missing",
        }
    }

    /// Whether this code means "could not evaluate" rather than "does not verify".
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            FailureCode::LayoutMalformed
                | FailureCode::LayoutKeysMissing
                | FailureCode::KeyInvalid
                | FailureCode::RequestInvalid
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
}

impl Failure {
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
        serde_json::to_string(self).unwrap_or_else(|e| {
            format!("{{\"verdict\":\"error\",\"failure\":{{\"message\":\"{e}\"}}}}")
        })
    }

    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| self.to_json())
    }
}

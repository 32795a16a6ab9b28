//! Attestation policy: what the verified Statement must say.
//!
//! Each option of [`Policy`] that is set becomes one or more [`PolicyCheck`]s with a
//! stable failure code and the expected and actual values. The checks are the offline
//! ones slsa-verifier makes on provenance (builder id, source repository, ref / tag /
//! branch, build type, workflow inputs) and on VSAs (verifier id, resource URI, policy,
//! result, levels), plus the expected predicateType. They are pure functions of the
//! Statement; signatures and subject binding are checked before (see
//! [`crate::attestation`]).
//!
//! A check asked of a predicate that has no such field (a builder id of a VSA) fails with
//! no actual value: a policy option never passes for lack of data.
//!
//! ```
//! use intoto_verify::{json::JsonLimits, statement::Statement, predicate::Predicate};
//! use intoto_verify::policy::{evaluate, Policy};
//! let s = Statement::from_slice(br#"{"_type": "https://in-toto.io/Statement/v1",
//!     "subject": [{"digest": {"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}],
//!     "predicateType": "https://slsa.dev/provenance/v1",
//!     "predicate": {"buildDefinition": {"buildType": "https://example.com/bt", "externalParameters": {}},
//!                   "runDetails": {"builder": {"id": "https://example.com/builder@v1"}}}}"#,
//!     JsonLimits::default()).unwrap();
//! let p = Predicate::from_statement(&s).unwrap();
//! let policy = Policy { builder_id: Some("https://example.com/builder".into()), ..Default::default() };
//! let checks = evaluate(&s, &p, &policy);
//! assert!(checks.iter().all(|c| c.passed));
//! let policy = Policy { builder_id: Some("https://example.com/builder@v2".into()), ..Default::default() };
//! let checks = evaluate(&s, &p, &policy);
//! assert_eq!(checks[0].code.as_str(), "builder-id-mismatch");
//! assert_eq!(checks[0].actual.as_deref(), Some("https://example.com/builder@v1"));
//! ```

use crate::json::{Map, Value};
use crate::predicate::{Predicate, ProvenanceV02, ProvenanceV1};
use crate::report::{FailureCode, PolicyCheck};
use crate::statement::Statement;
use std::collections::BTreeMap;

/// What the Statement must say. Every field is optional; an empty policy checks nothing
/// (except that a VSA's `verificationResult` is `PASSED`, which is always checked).
///
/// Deserialises (serde) with snake_case names, camelCase aliases, unknown fields rejected.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The predicateType, exactly.
    #[serde(default, alias = "predicateType")]
    pub predicate_type: Option<String>,
    /// The provenance builder id: `NAME` matches `NAME` and `NAME@anything`;
    /// `NAME@VERSION` matches `NAME@VERSION` and `NAME@refs/tags/VERSION`.
    #[serde(default, alias = "builderId")]
    pub builder_id: Option<String>,
    /// The source repository, e.g. `github.com/owner/repo` (no scheme means `https://`)
    /// or `https://gitlab.com/g/p`. Every source location the provenance records must be
    /// this repository, and there must be at least one.
    #[serde(default, alias = "sourceUri")]
    pub source_uri: Option<String>,
    /// The full git ref the build ran from, e.g. `refs/tags/v1.0.0`.
    #[serde(default, alias = "sourceRef")]
    pub source_ref: Option<String>,
    /// The tag the build ran from (`v1.0.0` means `refs/tags/v1.0.0`).
    #[serde(default, alias = "sourceTag")]
    pub source_tag: Option<String>,
    /// The branch the build ran from (`main` means `refs/heads/main`).
    #[serde(default, alias = "sourceBranch")]
    pub source_branch: Option<String>,
    /// The provenance buildType, exactly.
    #[serde(default, alias = "buildType")]
    pub build_type: Option<String>,
    /// External parameters (v1 `buildDefinition.externalParameters`, v0.2
    /// `invocation.parameters`) by dotted path, e.g. `workflow.ref`, with the expected
    /// value as text (strings as they are, other JSON values as compact JSON).
    #[serde(default, alias = "externalParameters")]
    pub external_parameters: BTreeMap<String, String>,
    /// The VSA `verifier.id`, exactly.
    #[serde(default, alias = "verifierId")]
    pub verifier_id: Option<String>,
    /// The VSA `resourceUri`, exactly.
    #[serde(default, alias = "resourceUri")]
    pub resource_uri: Option<String>,
    /// The VSA `policy.uri`, exactly.
    #[serde(default, alias = "policyUri")]
    pub policy_uri: Option<String>,
    /// Levels the VSA must attest: `SLSA_<TRACK>_LEVEL_<n>` is met by the same track at
    /// level n or higher; any other level must be listed exactly.
    #[serde(default, alias = "verifiedLevels")]
    pub verified_levels: Vec<String>,
}

impl Policy {
    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        *self == Policy::default()
    }
}

fn check(
    check: &'static str,
    code: FailureCode,
    expected: &str,
    actual: Option<String>,
    path: Option<String>,
    passed: bool,
    message: String,
) -> PolicyCheck {
    PolicyCheck {
        check,
        code,
        passed,
        expected: expected.to_owned(),
        actual,
        path,
        message,
    }
}

/// The predicateType check alone (it runs before the predicate is interpreted).
pub fn check_predicate_type(statement: &Statement, expected: &str) -> PolicyCheck {
    let actual = &statement.predicate_type;
    let passed = actual == expected;
    check(
        "predicate-type",
        FailureCode::PredicateTypeMismatch,
        expected,
        Some(actual.clone()),
        Some("predicateType".into()),
        passed,
        if passed {
            format!("the predicateType is {expected}")
        } else {
            format!("the predicateType is {actual}, not {expected}")
        },
    )
}

/// Evaluates every check `policy` asks for, in a fixed order: predicate type, builder id,
/// build type, source URI, ref, tag, branch, external parameters (by name), then the VSA
/// checks (verifier, resource URI, policy, result, levels).
pub fn evaluate(statement: &Statement, predicate: &Predicate, policy: &Policy) -> Vec<PolicyCheck> {
    let mut out = Vec::new();
    let kind = &statement.predicate_type;
    if let Some(expected) = &policy.predicate_type {
        out.push(check_predicate_type(statement, expected));
    }
    if let Some(expected) = &policy.builder_id {
        out.push(builder_id_check(predicate, kind, expected));
    }
    if let Some(expected) = &policy.build_type {
        let actual = predicate.build_type().map(str::to_owned);
        let passed = actual.as_deref() == Some(expected.as_str());
        let path = match predicate {
            Predicate::SlsaProvenanceV1(_) => Some("predicate.buildDefinition.buildType".into()),
            Predicate::SlsaProvenanceV02(_) => Some("predicate.buildType".into()),
            _ => None,
        };
        let message = match (&actual, passed) {
            (_, true) => format!("the build type is {expected}"),
            (Some(a), false) => format!("the build type is {a}, not {expected}"),
            (None, false) => format!("a {kind} predicate has no build type"),
        };
        out.push(check(
            "build-type",
            FailureCode::BuildTypeMismatch,
            expected,
            actual,
            path,
            passed,
            message,
        ));
    }
    let sources = source_locations(predicate);
    if let Some(expected) = &policy.source_uri {
        out.push(source_uri_check(&sources, kind, expected));
    }
    let refs = source_refs(predicate, &sources);
    for (name, code, expected) in [
        (
            "source-ref",
            FailureCode::SourceRefMismatch,
            policy.source_ref.clone(),
        ),
        (
            "source-tag",
            FailureCode::SourceTagMismatch,
            policy.source_tag.as_ref().map(|t| qualify(t, "refs/tags/")),
        ),
        (
            "source-branch",
            FailureCode::SourceBranchMismatch,
            policy
                .source_branch
                .as_ref()
                .map(|b| qualify(b, "refs/heads/")),
        ),
    ] {
        if let Some(expected) = expected {
            out.push(ref_check(name, code, &refs, kind, &expected));
        }
    }
    for (key, expected) in &policy.external_parameters {
        out.push(external_parameter_check(predicate, kind, key, expected));
    }
    out.extend(vsa_checks(predicate, kind, policy));
    out
}

fn qualify(name: &str, prefix: &str) -> String {
    if name.starts_with(prefix) {
        name.to_owned()
    } else {
        format!("{prefix}{name}")
    }
}

/// The GitHub-hosted runner id older npm provenance (SLSA v0.2) records without the
/// `/github-hosted` suffix.
const GITHUB_RUNNER: &str = "https://github.com/actions/runner";
const GITHUB_HOSTED_RUNNER: &str = "https://github.com/actions/runner/github-hosted";

/// Whether the builder id `actual` satisfies `expected` (slsa-verifier's loose match):
/// names equal; if `expected` carries `@VERSION`, the actual version is `VERSION` or
/// `refs/tags/VERSION`. The short GitHub runner id `https://github.com/actions/runner`
/// (npm CLI provenance v0.2) counts as `.../github-hosted`.
///
/// ```
/// use intoto_verify::policy::builder_id_matches;
/// let gen = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/builder_go_slsa3.yml";
/// assert!(builder_id_matches(&format!("{gen}@refs/tags/v1.6.0"), gen));
/// assert!(builder_id_matches(&format!("{gen}@refs/tags/v1.6.0"), &format!("{gen}@v1.6.0")));
/// assert!(!builder_id_matches(&format!("{gen}@refs/tags/v1.6.0"), &format!("{gen}@v1.7.0")));
/// assert!(builder_id_matches("https://github.com/actions/runner", "https://github.com/actions/runner/github-hosted"));
/// assert!(!builder_id_matches("https://github.com/actions/runner/github-hosted", "https://github.com/actions/runner"));
/// ```
pub fn builder_id_matches(actual: &str, expected: &str) -> bool {
    let split = |s: &str| match s.split_once('@') {
        Some((n, v)) => (n.to_owned(), Some(v.to_owned())),
        None => (s.to_owned(), None),
    };
    let (mut actual_name, actual_version) = split(actual);
    let (expected_name, expected_version) = split(expected);
    if actual_name == GITHUB_RUNNER && expected_name == GITHUB_HOSTED_RUNNER {
        actual_name = GITHUB_HOSTED_RUNNER.to_owned();
    }
    if actual_name != expected_name || expected_name.is_empty() {
        return false;
    }
    match expected_version {
        None => true,
        Some(v) => {
            actual_version.as_deref() == Some(v.as_str())
                || actual_version.as_deref() == Some(format!("refs/tags/{v}").as_str())
        }
    }
}

fn builder_id_check(predicate: &Predicate, kind: &str, expected: &str) -> PolicyCheck {
    let actual = predicate.builder_id().map(str::to_owned);
    let passed = actual
        .as_deref()
        .is_some_and(|a| builder_id_matches(a, expected));
    let path = match predicate {
        Predicate::SlsaProvenanceV1(_) => Some("predicate.runDetails.builder.id".into()),
        Predicate::SlsaProvenanceV02(_) => Some("predicate.builder.id".into()),
        _ => None,
    };
    let message = match (&actual, passed) {
        (Some(a), true) => format!("the builder {a} satisfies {expected}"),
        (Some(a), false) => format!("the builder {a} does not satisfy {expected}"),
        (None, _) => format!("a {kind} predicate has no builder id"),
    };
    check(
        "builder-id",
        FailureCode::BuilderIdMismatch,
        expected,
        actual,
        path,
        passed,
        message,
    )
}

/// A place where provenance records the source repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLocation {
    /// Where it was read, e.g. `predicate.materials[0].uri`.
    pub path: String,
    /// The repository: the URI without `git+` and without `@ref`.
    pub repository: String,
    /// The ref after `@`, if any.
    pub git_ref: Option<String>,
}

/// `git+https://github.com/o/r@refs/tags/v1` → (`https://github.com/o/r`, `refs/tags/v1`).
/// The ref is split at the first `@` in the URI's path (so a user in the authority,
/// `ssh://git@host/...`, is not mistaken for a ref).
///
/// ```
/// use intoto_verify::policy::split_git_uri;
/// assert_eq!(split_git_uri("git+https://github.com/o/r@refs/tags/v1"),
///     ("https://github.com/o/r".to_owned(), Some("refs/tags/v1".to_owned())));
/// assert_eq!(split_git_uri("https://github.com/o/r"), ("https://github.com/o/r".to_owned(), None));
/// ```
pub fn split_git_uri(uri: &str) -> (String, Option<String>) {
    let uri = uri.strip_prefix("git+").unwrap_or(uri);
    let after_scheme = uri.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = uri
        .get(after_scheme..)
        .and_then(|rest| rest.find('/'))
        .map(|i| after_scheme + i)
        .unwrap_or(uri.len());
    match uri.get(path_start..).and_then(|rest| rest.find('@')) {
        Some(at) => {
            let at = path_start + at;
            (
                uri.get(..at).unwrap_or(uri).to_owned(),
                uri.get(at + 1..).map(str::to_owned),
            )
        }
        None => (uri.to_owned(), None),
    }
}

/// The expected repository as compared: `github.com/o/r` → `https://github.com/o/r`;
/// `git+` and an `@ref` are dropped.
pub fn normalize_source_uri(expected: &str) -> String {
    let (repo, _) = split_git_uri(expected);
    if repo.contains("://") {
        repo
    } else {
        format!("https://{repo}")
    }
}

fn location(path: String, uri: &str) -> SourceLocation {
    let (repository, git_ref) = split_git_uri(uri);
    SourceLocation {
        path,
        repository,
        git_ref,
    }
}

fn get_path<'a>(map: &'a Map, dotted: &str) -> Option<&'a Value> {
    if let Some(v) = map.get(dotted) {
        return Some(v);
    }
    let mut parts = dotted.split('.');
    let mut cur = map.get(parts.next()?)?;
    for p in parts {
        cur = cur.as_object()?.get(p)?;
    }
    Some(cur)
}

/// Where the provenance records its source repository:
///
/// * SLSA v0.2: `invocation.configSource.uri` and `materials[0].uri` (when a `git+` URI);
/// * SLSA v1: `externalParameters.workflow.repository` (GitHub Actions build types),
///   `externalParameters.source` (a string, or an object's `uri`) and
///   `resolvedDependencies[0].uri` (when a `git+` URI).
pub fn source_locations(predicate: &Predicate) -> Vec<SourceLocation> {
    let mut out = Vec::new();
    match predicate {
        Predicate::SlsaProvenanceV02(p) => sources_v02(p, &mut out),
        Predicate::SlsaProvenanceV1(p) => sources_v1(p, &mut out),
        _ => {}
    }
    out
}

fn sources_v02(p: &ProvenanceV02, out: &mut Vec<SourceLocation>) {
    if let Some(uri) = p.config_source.as_ref().and_then(|c| c.uri.as_deref()) {
        out.push(location(
            "predicate.invocation.configSource.uri".into(),
            uri,
        ));
    }
    if let Some(uri) = p.materials.first().and_then(|m| m.uri.as_deref()) {
        if uri.starts_with("git+") {
            out.push(location("predicate.materials[0].uri".into(), uri));
        }
    }
}

fn sources_v1(p: &ProvenanceV1, out: &mut Vec<SourceLocation>) {
    let ext = &p.external_parameters;
    if let Some(repo) = get_path(ext, "workflow.repository").and_then(Value::as_str) {
        let (repository, _) = split_git_uri(repo);
        out.push(SourceLocation {
            path: "predicate.buildDefinition.externalParameters.workflow.repository".into(),
            repository,
            git_ref: get_path(ext, "workflow.ref")
                .and_then(Value::as_str)
                .map(str::to_owned),
        });
    }
    match ext.get("source") {
        Some(Value::String(s)) => out.push(location(
            "predicate.buildDefinition.externalParameters.source".into(),
            s,
        )),
        Some(Value::Object(m)) => {
            if let Some(uri) = m.get("uri").and_then(Value::as_str) {
                out.push(location(
                    "predicate.buildDefinition.externalParameters.source.uri".into(),
                    uri,
                ));
            }
        }
        _ => {}
    }
    if let Some(uri) = p
        .resolved_dependencies
        .first()
        .and_then(|d| d.uri.as_deref())
    {
        if uri.starts_with("git+") {
            out.push(location(
                "predicate.buildDefinition.resolvedDependencies[0].uri".into(),
                uri,
            ));
        }
    }
}

fn source_uri_check(sources: &[SourceLocation], kind: &str, expected: &str) -> PolicyCheck {
    let want = normalize_source_uri(expected);
    let mut found: Vec<&str> = Vec::new();
    for s in sources {
        if !found.contains(&s.repository.as_str()) {
            found.push(&s.repository);
        }
    }
    let wrong: Vec<&SourceLocation> = sources.iter().filter(|s| s.repository != want).collect();
    let passed = !sources.is_empty() && wrong.is_empty();
    let message = if sources.is_empty() {
        format!("the {kind} predicate records no source repository")
    } else if let Some(w) = wrong.first() {
        format!("{} is {}, not {want}", w.path, w.repository)
    } else {
        format!("every source location ({}) is {want}", sources.len())
    };
    check(
        "source-uri",
        FailureCode::SourceUriMismatch,
        &want,
        if found.is_empty() {
            None
        } else {
            Some(found.join(", "))
        },
        wrong
            .first()
            .copied()
            .or(sources.first())
            .map(|s| s.path.clone()),
        passed,
        message,
    )
}

/// The refs the provenance records: those of the source locations, and for SLSA v0.2
/// `invocation.environment.GITHUB_REF`.
fn source_refs(predicate: &Predicate, sources: &[SourceLocation]) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = sources
        .iter()
        .filter_map(|s| s.git_ref.clone().map(|r| (s.path.clone(), r)))
        .collect();
    if let Predicate::SlsaProvenanceV02(p) = predicate {
        if let Some(r) = p
            .environment
            .as_ref()
            .and_then(Value::as_object)
            .and_then(|m| m.get("GITHUB_REF"))
            .and_then(Value::as_str)
        {
            out.push((
                "predicate.invocation.environment.GITHUB_REF".into(),
                r.to_owned(),
            ));
        }
    }
    out
}

fn ref_check(
    name: &'static str,
    code: FailureCode,
    refs: &[(String, String)],
    kind: &str,
    expected: &str,
) -> PolicyCheck {
    let mut found: Vec<&str> = Vec::new();
    for (_, r) in refs {
        if !found.contains(&r.as_str()) {
            found.push(r);
        }
    }
    let wrong = refs.iter().find(|(_, r)| r != expected);
    let passed = !refs.is_empty() && wrong.is_none();
    let message = if refs.is_empty() {
        format!("the {kind} predicate records no source ref")
    } else if let Some((path, r)) = wrong {
        format!("{path} is {r}, not {expected}")
    } else {
        format!("the source ref is {expected}")
    };
    check(
        name,
        code,
        expected,
        if found.is_empty() {
            None
        } else {
            Some(found.join(", "))
        },
        wrong.or(refs.first()).map(|(p, _)| p.clone()),
        passed,
        message,
    )
}

/// A JSON value as policy text: strings as they are, anything else as compact JSON.
fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

fn external_parameter_check(
    predicate: &Predicate,
    kind: &str,
    key: &str,
    expected: &str,
) -> PolicyCheck {
    let (params, base): (Option<&Map>, &str) = match predicate {
        Predicate::SlsaProvenanceV1(p) => (
            Some(&p.external_parameters),
            "predicate.buildDefinition.externalParameters",
        ),
        Predicate::SlsaProvenanceV02(p) => (
            p.parameters.as_ref().and_then(Value::as_object),
            "predicate.invocation.parameters",
        ),
        _ => (None, ""),
    };
    let actual = params.and_then(|m| get_path(m, key)).map(as_text);
    let passed = actual.as_deref() == Some(expected);
    let message = match (&actual, passed, params.is_some()) {
        (_, true, _) => format!("external parameter {key} is {expected:?}"),
        (Some(a), false, _) => format!("external parameter {key} is {a:?}, not {expected:?}"),
        (None, false, true) => format!("the predicate has no external parameter {key}"),
        (None, false, false) => format!("a {kind} predicate has no external parameters"),
    };
    check(
        "external-parameter",
        FailureCode::ExternalParameterMismatch,
        expected,
        actual,
        if base.is_empty() {
            None
        } else {
            Some(format!("{base}.{key}"))
        },
        passed,
        message,
    )
}

/// `SLSA_BUILD_LEVEL_3` → (`SLSA_BUILD`, 3).
fn slsa_level(s: &str) -> Option<(&str, u32)> {
    let (track, n) = s.rsplit_once("_LEVEL_")?;
    if !track.starts_with("SLSA_") || n.is_empty() || !n.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((track, n.parse().ok()?))
}

/// Whether the verified levels satisfy `expected` (see [`Policy::verified_levels`]).
///
/// ```
/// use intoto_verify::policy::level_satisfied;
/// let got = ["BCID_L1".to_owned(), "SLSA_BUILD_LEVEL_2".to_owned()];
/// assert!(level_satisfied(&got, "SLSA_BUILD_LEVEL_1"));
/// assert!(level_satisfied(&got, "SLSA_BUILD_LEVEL_2"));
/// assert!(!level_satisfied(&got, "SLSA_BUILD_LEVEL_3"));
/// assert!(!level_satisfied(&got, "SLSA_SOURCE_LEVEL_1"));
/// assert!(level_satisfied(&got, "BCID_L1"));
/// assert!(!level_satisfied(&got, "BCID_L2"));
/// ```
pub fn level_satisfied(verified: &[String], expected: &str) -> bool {
    match slsa_level(expected) {
        Some((track, n)) => verified
            .iter()
            .filter_map(|v| slsa_level(v))
            .any(|(t, m)| t == track && m >= n),
        None => verified.iter().any(|v| v == expected),
    }
}

fn vsa_checks(predicate: &Predicate, kind: &str, policy: &Policy) -> Vec<PolicyCheck> {
    let mut out = Vec::new();
    let vsa = match predicate {
        Predicate::VsaV1(v) => Some(v),
        _ => None,
    };
    let no_vsa = || format!("a {kind} predicate is not a verification summary");
    for (name, code, expected, actual, path) in [
        (
            "vsa-verifier-id",
            FailureCode::VsaVerifierMismatch,
            &policy.verifier_id,
            vsa.map(|v| v.verifier_id.clone()),
            "predicate.verifier.id",
        ),
        (
            "vsa-resource-uri",
            FailureCode::VsaResourceUriMismatch,
            &policy.resource_uri,
            vsa.map(|v| v.resource_uri.clone()),
            "predicate.resourceUri",
        ),
        (
            "vsa-policy-uri",
            FailureCode::VsaPolicyMismatch,
            &policy.policy_uri,
            vsa.and_then(|v| v.policy.uri.clone()),
            "predicate.policy.uri",
        ),
    ] {
        if let Some(expected) = expected {
            let passed = actual.as_deref() == Some(expected.as_str());
            let message = match (&actual, passed) {
                _ if vsa.is_none() => no_vsa(),
                (_, true) => format!("{path} is {expected}"),
                (Some(a), false) => format!("{path} is {a}, not {expected}"),
                (None, false) => format!("{path} is absent"),
            };
            out.push(check(
                name,
                code,
                expected,
                actual,
                Some(path.into()),
                passed,
                message,
            ));
        }
    }
    if let Some(v) = vsa {
        {
            let passed = v.verification_result == "PASSED";
            out.push(check(
                "vsa-verification-result",
                FailureCode::VsaResultNotPassed,
                "PASSED",
                Some(v.verification_result.clone()),
                Some("predicate.verificationResult".into()),
                passed,
                if passed {
                    "the verifier's result is PASSED".into()
                } else {
                    format!("the verifier's result is {}", v.verification_result)
                },
            ));
        }
    }
    for expected in &policy.verified_levels {
        let actual = vsa.map(|v| v.verified_levels.join(", "));
        let passed = vsa.is_some_and(|v| level_satisfied(&v.verified_levels, expected));
        let message = match (&actual, passed) {
            _ if vsa.is_none() => no_vsa(),
            (_, true) => format!("the verified levels satisfy {expected}"),
            (Some(a), false) => format!("the verified levels [{a}] do not satisfy {expected}"),
            (None, false) => no_vsa(),
        };
        out.push(check(
            "vsa-verified-level",
            FailureCode::VsaLevelUnmet,
            expected,
            actual,
            Some("predicate.verifiedLevels".into()),
            passed,
            message,
        ));
    }
    out
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
mod tests {
    use super::*;
    use crate::json::JsonLimits;

    fn statement(predicate_type: &str, predicate: &str) -> (Statement, Predicate) {
        let s = Statement::from_slice(
            format!(
                r#"{{"_type": "https://in-toto.io/Statement/v1", "subject": [{{"digest": {{"x": "y"}}}}],
                "predicateType": "{predicate_type}", "predicate": {predicate}}}"#
            )
            .as_bytes(),
            JsonLimits::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let p = Predicate::from_statement(&s).unwrap_or_else(|e| panic!("{e}"));
        (s, p)
    }

    const V1: &str = r#"{"buildDefinition": {"buildType": "https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1",
        "externalParameters": {"workflow": {"ref": "refs/tags/v1.0.1", "repository": "https://github.com/o/r", "path": ".github/workflows/x.yml"},
           "inputs": {"n": 3, "flag": false}},
        "resolvedDependencies": [{"uri": "git+https://github.com/o/r@refs/tags/v1.0.1", "digest": {"gitCommit": "599500821344b070902a7a5666064bfdaba715df"}}]},
        "runDetails": {"builder": {"id": "https://github.com/actions/runner/github-hosted"}}}"#;

    fn one(policy: Policy) -> PolicyCheck {
        let (s, p) = statement("https://slsa.dev/provenance/v1", V1);
        let mut checks = evaluate(&s, &p, &policy);
        assert_eq!(checks.len(), 1, "{checks:?}");
        checks.remove(0)
    }

    #[test]
    fn source_checks_both_verdicts() {
        let c = one(Policy {
            source_uri: Some("github.com/o/r".into()),
            ..Default::default()
        });
        assert!(c.passed, "{c:?}");
        let c = one(Policy {
            source_uri: Some("github.com/o/r2".into()),
            ..Default::default()
        });
        assert!(!c.passed);
        assert_eq!(c.code, FailureCode::SourceUriMismatch);
        assert_eq!(c.actual.as_deref(), Some("https://github.com/o/r"));
        for (p, ok) in [
            (
                Policy {
                    source_tag: Some("v1.0.1".into()),
                    ..Default::default()
                },
                true,
            ),
            (
                Policy {
                    source_tag: Some("v1.0.2".into()),
                    ..Default::default()
                },
                false,
            ),
            (
                Policy {
                    source_ref: Some("refs/tags/v1.0.1".into()),
                    ..Default::default()
                },
                true,
            ),
            (
                Policy {
                    source_branch: Some("main".into()),
                    ..Default::default()
                },
                false,
            ),
        ] {
            let c = one(p);
            assert_eq!(c.passed, ok, "{c:?}");
        }
    }

    #[test]
    fn external_parameters_and_build_type() {
        let mut ext = BTreeMap::new();
        ext.insert(
            "workflow.path".to_owned(),
            ".github/workflows/x.yml".to_owned(),
        );
        assert!(
            one(Policy {
                external_parameters: ext,
                ..Default::default()
            })
            .passed
        );
        for (k, v, ok) in [
            ("inputs.n", "3", true),
            ("inputs.flag", "false", true),
            ("inputs.flag", "true", false),
            ("inputs.missing", "x", false),
        ] {
            let mut ext = BTreeMap::new();
            ext.insert(k.to_owned(), v.to_owned());
            let c = one(Policy {
                external_parameters: ext,
                ..Default::default()
            });
            assert_eq!(c.passed, ok, "{c:?}");
            assert_eq!(c.code, FailureCode::ExternalParameterMismatch);
        }
        let c = one(Policy {
            build_type: Some("https://other".into()),
            ..Default::default()
        });
        assert!(!c.passed);
        assert_eq!(c.code, FailureCode::BuildTypeMismatch);
    }

    #[test]
    fn checks_on_the_wrong_predicate_fail() {
        let (s, p) = statement("https://example.com/other", "{}");
        let checks = evaluate(
            &s,
            &p,
            &Policy {
                builder_id: Some("b".into()),
                source_uri: Some("github.com/o/r".into()),
                verified_levels: vec!["SLSA_BUILD_LEVEL_1".into()],
                ..Default::default()
            },
        );
        assert!(checks.iter().all(|c| !c.passed), "{checks:?}");
        assert_eq!(checks.len(), 3);
    }

    #[test]
    fn vsa_result_is_always_checked() {
        let (s, p) = statement(
            "https://slsa.dev/verification_summary/v1",
            r#"{"verifier": {"id": "v"}, "resourceUri": "r", "policy": {"uri": "p"},
               "verificationResult": "FAILED", "verifiedLevels": ["SLSA_BUILD_LEVEL_3"]}"#,
        );
        let checks = evaluate(&s, &p, &Policy::default());
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].code, FailureCode::VsaResultNotPassed);
        assert!(!checks[0].passed);
        let checks = evaluate(
            &s,
            &p,
            &Policy {
                policy_uri: Some("p".into()),
                ..Default::default()
            },
        );
        assert!(checks[0].passed);
    }

    #[test]
    fn git_uris() {
        assert_eq!(
            normalize_source_uri("github.com/o/r"),
            "https://github.com/o/r"
        );
        assert_eq!(
            normalize_source_uri("git+https://github.com/o/r@main"),
            "https://github.com/o/r"
        );
        assert_eq!(
            split_git_uri("git+ssh://git@github.com/o/r@v1"),
            ("ssh://git@github.com/o/r".to_owned(), Some("v1".to_owned()))
        );
        assert_eq!(slsa_level("SLSA_BUILD_LEVEL_x"), None);
        assert_eq!(slsa_level("BUILD_LEVEL_1"), None);
    }
}

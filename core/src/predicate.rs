//! Typed views of the predicates a policy looks into: SLSA provenance v0.2 and v1, SLSA
//! verification summary (VSA) v1, and the in-toto link predicate v0.3.
//!
//! A view reads the fields its specification defines and ignores the rest. A field of the
//! wrong JSON type, or a missing field the specification requires (and a policy relies
//! on), is a [`PredicateError`]. Free-form fields (`externalParameters`, `environment`,
//! ...) stay JSON [`Value`]s. Digest values inside predicates are kept as strings, not
//! validated: only Statement subjects bind artifacts.
//!
//! | predicateType | view | required fields |
//! |---|---|---|
//! | `https://slsa.dev/provenance/v0.2` | [`ProvenanceV02`] | `builder.id`, `buildType` |
//! | `https://slsa.dev/provenance/v1` | [`ProvenanceV1`] | `buildDefinition.buildType`, `buildDefinition.externalParameters`, `runDetails.builder.id` |
//! | `https://slsa.dev/verification_summary/v1` | [`VsaV1`] | `verifier.id`, `resourceUri`, `policy`, `verificationResult`, `verifiedLevels` |
//! | `https://in-toto.io/attestation/link/v0.3` | [`LinkV03`] | `name` |
//!
//! ```
//! use intoto_verify::{json::JsonLimits, statement::Statement, predicate::Predicate};
//! let s = Statement::from_slice(br#"{"_type": "https://in-toto.io/Statement/v1",
//!     "subject": [{"digest": {"gce_image_id": "1"}}],
//!     "predicateType": "https://slsa.dev/verification_summary/v1",
//!     "predicate": {"verifier": {"id": "https://v.example"}, "resourceUri": "x://y",
//!       "policy": {"uri": "p"}, "verificationResult": "PASSED",
//!       "verifiedLevels": ["SLSA_BUILD_LEVEL_2"]}}"#, JsonLimits::default()).unwrap();
//! match Predicate::from_statement(&s).unwrap() {
//!     Predicate::VsaV1(v) => assert_eq!(v.verified_levels, ["SLSA_BUILD_LEVEL_2"]),
//!     other => panic!("{other:?}"),
//! }
//! ```

use crate::json::{Map, Value};
use crate::statement::Statement;
use std::collections::BTreeMap;
use std::fmt;

/// SLSA provenance v0.2.
pub const SLSA_PROVENANCE_V0_2: &str = "https://slsa.dev/provenance/v0.2";
/// SLSA provenance v1.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// SLSA verification summary v1.
pub const VSA_V1: &str = "https://slsa.dev/verification_summary/v1";
/// in-toto link predicate v0.3.
pub const LINK_V0_3: &str = "https://in-toto.io/attestation/link/v0.3";

/// A predicate field is missing or of the wrong type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredicateError {
    /// The predicateType being read.
    pub predicate_type: String,
    /// The field's path inside the predicate (`runDetails.builder.id`).
    pub path: String,
    /// What was required (`a string`, ...).
    pub expected: &'static str,
    /// What was found (`missing`, `number`, ...).
    pub found: &'static str,
}

impl fmt::Display for PredicateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.found == "missing" {
            write!(
                f,
                "{} predicate: {} is required ({})",
                self.predicate_type, self.path, self.expected
            )
        } else {
            write!(
                f,
                "{} predicate: {} must be {}, found {}",
                self.predicate_type, self.path, self.expected, self.found
            )
        }
    }
}

impl std::error::Error for PredicateError {}

/// A resource as predicates list them (materials, dependencies, policies): the
/// ResourceDescriptor fields, read leniently (types checked, nothing required).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Resource {
    /// `name`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `uri`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    /// `digest`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub digest: BTreeMap<String, String>,
    /// `downloadLocation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_location: Option<String>,
    /// `mediaType`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
}

/// SLSA provenance v0.2 `invocation.configSource`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConfigSourceV02 {
    /// `uri`, e.g. `git+https://github.com/o/r@refs/tags/v1`.
    pub uri: Option<String>,
    /// `digest`.
    pub digest: BTreeMap<String, String>,
    /// `entryPoint`.
    pub entry_point: Option<String>,
}

/// SLSA provenance v0.2 (`https://slsa.dev/provenance/v0.2`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProvenanceV02 {
    /// `builder.id`.
    pub builder_id: String,
    /// `buildType`.
    pub build_type: String,
    /// `invocation.configSource`.
    pub config_source: Option<ConfigSourceV02>,
    /// `invocation.parameters`.
    pub parameters: Option<Value>,
    /// `invocation.environment`.
    pub environment: Option<Value>,
    /// `buildConfig`.
    pub build_config: Option<Value>,
    /// `metadata.buildInvocationId`.
    pub build_invocation_id: Option<String>,
    /// `metadata.buildStartedOn`.
    pub build_started_on: Option<String>,
    /// `metadata.buildFinishedOn`.
    pub build_finished_on: Option<String>,
    /// `metadata.reproducible`.
    pub reproducible: Option<bool>,
    /// `materials`.
    pub materials: Vec<Resource>,
}

/// SLSA provenance v1 (`https://slsa.dev/provenance/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProvenanceV1 {
    /// `buildDefinition.buildType`.
    pub build_type: String,
    /// `buildDefinition.externalParameters` (an object).
    pub external_parameters: Map,
    /// `buildDefinition.internalParameters`.
    pub internal_parameters: Option<Value>,
    /// `buildDefinition.resolvedDependencies`.
    pub resolved_dependencies: Vec<Resource>,
    /// `runDetails.builder.id`.
    pub builder_id: String,
    /// `runDetails.builder.version`.
    pub builder_version: BTreeMap<String, String>,
    /// `runDetails.builder.builderDependencies`.
    pub builder_dependencies: Vec<Resource>,
    /// `runDetails.metadata.invocationId`.
    pub invocation_id: Option<String>,
    /// `runDetails.metadata.startedOn`.
    pub started_on: Option<String>,
    /// `runDetails.metadata.finishedOn`.
    pub finished_on: Option<String>,
    /// `runDetails.byproducts`.
    pub byproducts: Vec<Resource>,
}

/// SLSA verification summary v1 (`https://slsa.dev/verification_summary/v1`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VsaV1 {
    /// `verifier.id`.
    pub verifier_id: String,
    /// `verifier.version`.
    pub verifier_version: BTreeMap<String, String>,
    /// `timeVerified`.
    pub time_verified: Option<String>,
    /// `resourceUri`.
    pub resource_uri: String,
    /// `policy`.
    pub policy: Resource,
    /// `inputAttestations`.
    pub input_attestations: Vec<Resource>,
    /// `verificationResult` (`PASSED` or `FAILED`).
    pub verification_result: String,
    /// `verifiedLevels`.
    pub verified_levels: Vec<String>,
    /// `dependencyLevels`.
    pub dependency_levels: BTreeMap<String, u64>,
    /// `slsaVersion`.
    pub slsa_version: Option<String>,
}

/// in-toto link predicate v0.3 (`https://in-toto.io/attestation/link/v0.3`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkV03 {
    /// `name` (the step).
    pub name: String,
    /// `command`.
    pub command: Vec<String>,
    /// `materials`.
    pub materials: Vec<Resource>,
    /// `byproducts`.
    pub byproducts: Option<Map>,
    /// `environment`.
    pub environment: Option<Map>,
}

/// A predicate, typed when its predicateType is one of the above.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Predicate {
    /// SLSA provenance v0.2.
    SlsaProvenanceV02(ProvenanceV02),
    /// SLSA provenance v1.
    SlsaProvenanceV1(ProvenanceV1),
    /// SLSA VSA v1.
    VsaV1(VsaV1),
    /// in-toto link v0.3.
    LinkV03(LinkV03),
    /// Any other predicateType (not interpreted).
    Other,
}

/// Reads fields of one JSON object, keeping the path for errors.
struct Reader<'a> {
    map: Option<&'a Map>,
    path: String,
    predicate_type: &'a str,
}

impl<'a> Reader<'a> {
    fn err(&self, key: &str, expected: &'static str, found: &'static str) -> PredicateError {
        PredicateError {
            predicate_type: self.predicate_type.to_owned(),
            path: self.at(key),
            expected,
            found,
        }
    }

    fn at(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        match self.map.and_then(|m| m.get(key)) {
            None | Some(Value::Null) => None,
            Some(v) => Some(v),
        }
    }

    fn opt_str(&self, key: &str) -> Result<Option<String>, PredicateError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self.err(key, "a string", v.type_name())),
        }
    }

    fn req_str(&self, key: &str) -> Result<String, PredicateError> {
        match self.opt_str(key)? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(self.err(key, "a non-empty string", "missing")),
        }
    }

    fn opt_bool(&self, key: &str) -> Result<Option<bool>, PredicateError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(v) => Err(self.err(key, "a boolean", v.type_name())),
        }
    }

    fn opt_obj(&self, key: &str) -> Result<Option<&'a Map>, PredicateError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(v) => Err(self.err(key, "an object", v.type_name())),
        }
    }

    fn req_obj(&self, key: &str) -> Result<&'a Map, PredicateError> {
        self.opt_obj(key)?
            .ok_or_else(|| self.err(key, "an object", "missing"))
    }

    /// A sub-reader (over an absent object when the field is absent).
    fn child(&self, key: &str) -> Result<Reader<'a>, PredicateError> {
        Ok(Reader {
            map: self.opt_obj(key)?,
            path: self.at(key),
            predicate_type: self.predicate_type,
        })
    }

    fn opt_value(&self, key: &str) -> Option<Value> {
        self.get(key).cloned()
    }

    fn opt_array(&self, key: &str) -> Result<&'a [Value], PredicateError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(v) => Err(self.err(key, "an array", v.type_name())),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, PredicateError> {
        let mut out = Vec::new();
        for (i, v) in self.opt_array(key)?.iter().enumerate() {
            match v {
                Value::String(s) => out.push(s.clone()),
                other => {
                    return Err(self.err(&format!("{key}[{i}]"), "a string", other.type_name()))
                }
            }
        }
        Ok(out)
    }

    fn string_map(&self, key: &str) -> Result<BTreeMap<String, String>, PredicateError> {
        let mut out = BTreeMap::new();
        if let Some(m) = self.opt_obj(key)? {
            for (k, v) in m {
                match v {
                    Value::String(s) => {
                        out.insert(k.clone(), s.clone());
                    }
                    other => {
                        return Err(self.err(&format!("{key}.{k}"), "a string", other.type_name()))
                    }
                }
            }
        }
        Ok(out)
    }

    fn resource(&self) -> Result<Resource, PredicateError> {
        Ok(Resource {
            name: self.opt_str("name")?,
            uri: self.opt_str("uri")?,
            digest: self.string_map("digest")?,
            download_location: self.opt_str("downloadLocation")?,
            media_type: self.opt_str("mediaType")?,
        })
    }

    fn resources(&self, key: &str) -> Result<Vec<Resource>, PredicateError> {
        let mut out = Vec::new();
        for (i, v) in self.opt_array(key)?.iter().enumerate() {
            let path = format!("{}[{i}]", self.at(key));
            match v {
                Value::Object(m) => out.push(
                    Reader {
                        map: Some(m),
                        path,
                        predicate_type: self.predicate_type,
                    }
                    .resource()?,
                ),
                other => {
                    return Err(PredicateError {
                        predicate_type: self.predicate_type.to_owned(),
                        path,
                        expected: "an object",
                        found: other.type_name(),
                    })
                }
            }
        }
        Ok(out)
    }
}

impl Predicate {
    /// The typed view of a Statement's predicate. A known predicateType whose predicate
    /// is absent or `null` is an error (its required fields are missing).
    pub fn from_statement(statement: &Statement) -> Result<Predicate, PredicateError> {
        Predicate::from_parts(&statement.predicate_type, statement.predicate.as_ref())
    }

    /// The typed view of `predicate` read as `predicate_type`.
    pub fn from_parts(
        predicate_type: &str,
        predicate: Option<&Map>,
    ) -> Result<Predicate, PredicateError> {
        let r = Reader {
            map: predicate,
            path: String::new(),
            predicate_type,
        };
        Ok(match predicate_type {
            SLSA_PROVENANCE_V0_2 => Predicate::SlsaProvenanceV02(provenance_v02(&r)?),
            SLSA_PROVENANCE_V1 => Predicate::SlsaProvenanceV1(provenance_v1(&r)?),
            VSA_V1 => Predicate::VsaV1(vsa_v1(&r)?),
            LINK_V0_3 => Predicate::LinkV03(link_v03(&r)?),
            _ => Predicate::Other,
        })
    }

    /// The builder id of a provenance predicate.
    pub fn builder_id(&self) -> Option<&str> {
        match self {
            Predicate::SlsaProvenanceV02(p) => Some(&p.builder_id),
            Predicate::SlsaProvenanceV1(p) => Some(&p.builder_id),
            _ => None,
        }
    }

    /// The build type of a provenance predicate.
    pub fn build_type(&self) -> Option<&str> {
        match self {
            Predicate::SlsaProvenanceV02(p) => Some(&p.build_type),
            Predicate::SlsaProvenanceV1(p) => Some(&p.build_type),
            _ => None,
        }
    }
}

fn provenance_v02(r: &Reader<'_>) -> Result<ProvenanceV02, PredicateError> {
    let builder = r.child("builder")?;
    let invocation = r.child("invocation")?;
    let config_source = match invocation.opt_obj("configSource")? {
        None => None,
        Some(_) => {
            let c = invocation.child("configSource")?;
            Some(ConfigSourceV02 {
                uri: c.opt_str("uri")?,
                digest: c.string_map("digest")?,
                entry_point: c.opt_str("entryPoint")?,
            })
        }
    };
    let metadata = r.child("metadata")?;
    // Type-check completeness even though no field of it is kept.
    let completeness = metadata.child("completeness")?;
    for k in ["parameters", "environment", "materials"] {
        completeness.opt_bool(k)?;
    }
    Ok(ProvenanceV02 {
        builder_id: builder.req_str("id")?,
        build_type: r.req_str("buildType")?,
        config_source,
        parameters: invocation.opt_value("parameters"),
        environment: invocation.opt_value("environment"),
        build_config: r.opt_value("buildConfig"),
        build_invocation_id: metadata.opt_str("buildInvocationId")?,
        build_started_on: metadata.opt_str("buildStartedOn")?,
        build_finished_on: metadata.opt_str("buildFinishedOn")?,
        reproducible: metadata.opt_bool("reproducible")?,
        materials: r.resources("materials")?,
    })
}

fn provenance_v1(r: &Reader<'_>) -> Result<ProvenanceV1, PredicateError> {
    let def = r.child("buildDefinition")?;
    let run = r.child("runDetails")?;
    let builder = run.child("builder")?;
    let metadata = run.child("metadata")?;
    Ok(ProvenanceV1 {
        build_type: def.req_str("buildType")?,
        external_parameters: def.req_obj("externalParameters")?.clone(),
        internal_parameters: def.opt_value("internalParameters"),
        resolved_dependencies: def.resources("resolvedDependencies")?,
        builder_id: builder.req_str("id")?,
        builder_version: builder.string_map("version")?,
        builder_dependencies: builder.resources("builderDependencies")?,
        invocation_id: metadata.opt_str("invocationId")?,
        started_on: metadata.opt_str("startedOn")?,
        finished_on: metadata.opt_str("finishedOn")?,
        byproducts: run.resources("byproducts")?,
    })
}

fn vsa_v1(r: &Reader<'_>) -> Result<VsaV1, PredicateError> {
    let verifier = r.child("verifier")?;
    r.req_obj("policy")?;
    let policy = r.child("policy")?.resource()?;
    if r.get("verifiedLevels").is_none() {
        return Err(r.err("verifiedLevels", "an array of strings", "missing"));
    }
    let mut dependency_levels = BTreeMap::new();
    if let Some(m) = r.opt_obj("dependencyLevels")? {
        for (k, v) in m {
            let n = match v {
                Value::Number(n) => n.as_i64().and_then(|i| u64::try_from(i).ok()),
                _ => None,
            };
            match n {
                Some(n) => {
                    dependency_levels.insert(k.clone(), n);
                }
                None => {
                    return Err(r.err(
                        &format!("dependencyLevels.{k}"),
                        "a non-negative integer",
                        v.type_name(),
                    ))
                }
            }
        }
    }
    Ok(VsaV1 {
        verifier_id: verifier.req_str("id")?,
        verifier_version: verifier.string_map("version")?,
        time_verified: r.opt_str("timeVerified")?,
        resource_uri: r.req_str("resourceUri")?,
        policy,
        input_attestations: r.resources("inputAttestations")?,
        verification_result: r.req_str("verificationResult")?,
        verified_levels: r.strings("verifiedLevels")?,
        dependency_levels,
        slsa_version: r.opt_str("slsaVersion")?,
    })
}

fn link_v03(r: &Reader<'_>) -> Result<LinkV03, PredicateError> {
    Ok(LinkV03 {
        name: r.req_str("name")?,
        command: r.strings("command")?,
        materials: r.resources("materials")?,
        byproducts: r.opt_obj("byproducts")?.cloned(),
        environment: r.opt_obj("environment")?.cloned(),
    })
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
    use crate::json::{self, JsonLimits};

    fn view(predicate_type: &str, predicate: &str) -> Result<Predicate, PredicateError> {
        let v = json::parse(predicate.as_bytes(), JsonLimits::default())
            .unwrap_or_else(|e| panic!("{e}"));
        Predicate::from_parts(predicate_type, v.as_object())
    }

    #[test]
    fn provenance_v1_required_and_types() {
        let ok = r#"{"buildDefinition": {"buildType": "bt", "externalParameters": {"a": 1}, "extra": 1},
            "runDetails": {"builder": {"id": "b", "version": {"x": "1"}}}, "unknown": true}"#;
        let Ok(Predicate::SlsaProvenanceV1(p)) = view(SLSA_PROVENANCE_V1, ok) else {
            panic!("not parsed")
        };
        assert_eq!((p.build_type.as_str(), p.builder_id.as_str()), ("bt", "b"));
        let e = view(
            SLSA_PROVENANCE_V1,
            r#"{"buildDefinition": {"buildType": "bt", "externalParameters": {}}, "runDetails": {"builder": {"id": 3}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            (e.path.as_str(), e.found),
            ("runDetails.builder.id", "integer")
        );
        let e = view(
            SLSA_PROVENANCE_V1,
            r#"{"buildDefinition": {"buildType": "bt"}, "runDetails": {"builder": {"id": "b"}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "buildDefinition.externalParameters");
        let e = view(
            SLSA_PROVENANCE_V1,
            r#"{"buildDefinition": {"buildType": "bt", "externalParameters": {}, "resolvedDependencies": [1]}, "runDetails": {"builder": {"id": "b"}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "buildDefinition.resolvedDependencies[0]");
    }

    #[test]
    fn provenance_v02_required_and_types() {
        let Ok(Predicate::SlsaProvenanceV02(p)) = view(
            SLSA_PROVENANCE_V0_2,
            r#"{"builder": {"id": "b"}, "buildType": "t",
               "invocation": {"configSource": {"uri": "git+https://x@refs/heads/main", "digest": {"sha1": "ab"}}},
               "materials": [{"uri": "u"}]}"#,
        ) else {
            panic!("not parsed")
        };
        assert_eq!(p.materials.len(), 1);
        assert!(p.config_source.is_some());
        assert!(view(SLSA_PROVENANCE_V0_2, r#"{"builder": {"id": "b"}}"#).is_err());
        assert!(view(
            SLSA_PROVENANCE_V0_2,
            r#"{"builder": {"id": "b"}, "buildType": "t", "metadata": {"reproducible": "no"}}"#
        )
        .is_err());
    }

    #[test]
    fn vsa_and_link() {
        let e = view(
            VSA_V1,
            r#"{"verifier": {"id": "v"}, "resourceUri": "r", "policy": {}, "verificationResult": "PASSED"}"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "verifiedLevels");
        let e = view(
            VSA_V1,
            r#"{"verifier": {"id": "v"}, "resourceUri": "r", "policy": {}, "verificationResult": "PASSED", "verifiedLevels": [1]}"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "verifiedLevels[0]");
        assert!(view(
            VSA_V1,
            r#"{"verifier": {"id": "v"}, "resourceUri": "r", "policy": {}, "verificationResult": "PASSED", "verifiedLevels": [], "dependencyLevels": {"SLSA_BUILD_LEVEL_1": -1}}"#,
        )
        .is_err());
        let Ok(Predicate::LinkV03(l)) =
            view(LINK_V0_3, r#"{"name": "build", "command": ["make"]}"#)
        else {
            panic!("not parsed")
        };
        assert_eq!(l.command, ["make"]);
        assert!(view(LINK_V0_3, r#"{"command": ["make"]}"#).is_err());
        assert_eq!(view("https://other", "{}"), Ok(Predicate::Other));
    }

    #[test]
    fn known_type_without_predicate_is_an_error() {
        assert!(Predicate::from_parts(SLSA_PROVENANCE_V1, None).is_err());
        assert_eq!(
            Predicate::from_parts("https://docs.pypi.org/attestations/publish/v1", None),
            Ok(Predicate::Other)
        );
    }
}

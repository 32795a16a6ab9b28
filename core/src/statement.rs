//! in-toto attestation Statements (v0.1 and v1) and ResourceDescriptors.
//!
//! Follows in-toto/attestation `spec/v1/statement.md`, `resource_descriptor.md`,
//! `digest_set.md` and `spec/v0.1.0`:
//!
//! * `_type` is `https://in-toto.io/Statement/v1` or `https://in-toto.io/Statement/v0.1`;
//! * `subject` is a non-empty array of ResourceDescriptors, each with a non-empty
//!   `digest`;
//! * `predicateType` is a non-empty string; `predicate` is optional and may be `null`,
//!   otherwise it is an object;
//! * a ResourceDescriptor sets at least one of `uri`, `digest`, `content`; digest values
//!   of the algorithms the framework names are lowercase hex of the algorithm's length
//!   ([`crate::digest::validate_value`]); values of other algorithms are opaque;
//! * unknown fields are ignored, known fields of the wrong JSON type are errors, and
//!   duplicate keys anywhere are rejected by the strict parser ([`crate::json`]).
//!
//! ```
//! use intoto_verify::{json::JsonLimits, statement::{Statement, StatementVersion}};
//! let s = Statement::from_slice(br#"{"_type": "https://in-toto.io/Statement/v1",
//!     "subject": [{"name": "a.tgz", "digest": {"sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}}],
//!     "predicateType": "https://slsa.dev/provenance/v1", "predicate": {}}"#,
//!     JsonLimits::default()).unwrap();
//! assert_eq!(s.version, StatementVersion::V1);
//! assert_eq!(s.subjects[0].name.as_deref(), Some("a.tgz"));
//! ```

use crate::digest::{validate_value, DigestSet, DigestValueError};
use crate::json::{self, JsonError, JsonLimits, Map, Value};
use base64::Engine as _;
use std::fmt;

/// `_type` of a v1 Statement.
pub const STATEMENT_TYPE_V1: &str = "https://in-toto.io/Statement/v1";
/// `_type` of a v0.1 Statement.
pub const STATEMENT_TYPE_V0_1: &str = "https://in-toto.io/Statement/v0.1";
/// The DSSE payloadType of an in-toto Statement.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// Whether a DSSE payloadType announces an in-toto Statement:
/// `application/vnd.in-toto+json`, or (attestation spec v1.2)
/// `application/vnd.in-toto.<predicate>+json` with `<predicate>` made of
/// `[A-Za-z0-9._-]`. The comparison is exact (case-sensitive), as the spec writes it.
///
/// ```
/// use intoto_verify::statement::is_in_toto_payload_type;
/// assert!(is_in_toto_payload_type("application/vnd.in-toto+json"));
/// assert!(is_in_toto_payload_type("application/vnd.in-toto.provenance+json"));
/// assert!(!is_in_toto_payload_type("application/vnd.in-toto.+json"));
/// assert!(!is_in_toto_payload_type("application/json"));
/// ```
pub fn is_in_toto_payload_type(payload_type: &str) -> bool {
    if payload_type == PAYLOAD_TYPE {
        return true;
    }
    payload_type
        .strip_prefix("application/vnd.in-toto.")
        .and_then(|rest| rest.strip_suffix("+json"))
        .is_some_and(|name| {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
}

/// The Statement version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum StatementVersion {
    /// `https://in-toto.io/Statement/v0.1`
    #[serde(rename = "v0.1")]
    V0_1,
    /// `https://in-toto.io/Statement/v1`
    #[serde(rename = "v1")]
    V1,
}

/// A ResourceDescriptor (v1), or a v0.1 subject (`{name, digest}`), as found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResourceDescriptor {
    /// `name`.
    pub name: Option<String>,
    /// `uri`.
    pub uri: Option<String>,
    /// `digest` (empty when absent).
    pub digest: DigestSet,
    /// `content`, base64-decoded.
    pub content: Option<Vec<u8>>,
    /// `downloadLocation`.
    pub download_location: Option<String>,
    /// `mediaType`.
    pub media_type: Option<String>,
    /// `annotations` (an object).
    pub annotations: Option<Map>,
}

/// A validated Statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// v0.1 or v1.
    pub version: StatementVersion,
    /// The subjects (at least one, each with a non-empty digest).
    pub subjects: Vec<ResourceDescriptor>,
    /// `predicateType` (non-empty).
    pub predicate_type: String,
    /// `predicate`: `None` when absent or `null`.
    pub predicate: Option<Map>,
    /// The whole Statement as parsed (unknown fields included).
    pub raw: Value,
}

/// Why a Statement or ResourceDescriptor is invalid. Each variant has a stable
/// [`StatementError::code`]; `path` is the JSON path of the offending field
/// (`subject[0].digest.sha256`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatementError {
    /// The payload is not JSON (strict parser).
    Json(JsonError),
    /// A known field has the wrong JSON type.
    FieldType {
        /// Where.
        path: String,
        /// The type required.
        expected: &'static str,
        /// The type found.
        found: &'static str,
    },
    /// A required field is missing (or empty where it must not be).
    MissingField {
        /// Where.
        path: String,
    },
    /// `_type` is not a Statement type this crate knows.
    UnknownType {
        /// The `_type` found.
        found: String,
    },
    /// `subject` is empty.
    NoSubjects,
    /// A ResourceDescriptor sets none of `uri`, `digest`, `content`.
    EmptyDescriptor {
        /// Where.
        path: String,
    },
    /// A subject has no digest (Statements require one).
    SubjectDigestMissing {
        /// Where.
        path: String,
    },
    /// A digest value does not fit its algorithm.
    DigestValue {
        /// Where (`...digest.<alg>`).
        path: String,
        /// Why.
        error: DigestValueError,
    },
    /// `content` is not base64.
    ContentNotBase64 {
        /// Where.
        path: String,
    },
}

impl StatementError {
    /// A stable kebab-case code for the variant.
    pub fn code(&self) -> &'static str {
        match self {
            StatementError::Json(_) => "json",
            StatementError::FieldType { .. } => "field-type",
            StatementError::MissingField { .. } => "missing-field",
            StatementError::UnknownType { .. } => "unknown-type",
            StatementError::NoSubjects => "no-subjects",
            StatementError::EmptyDescriptor { .. } => "empty-descriptor",
            StatementError::SubjectDigestMissing { .. } => "subject-digest-missing",
            StatementError::DigestValue { .. } => "digest-value",
            StatementError::ContentNotBase64 { .. } => "content-not-base64",
        }
    }

    /// The JSON path of the offending field, if there is one.
    pub fn path(&self) -> Option<&str> {
        match self {
            StatementError::FieldType { path, .. }
            | StatementError::MissingField { path }
            | StatementError::EmptyDescriptor { path }
            | StatementError::SubjectDigestMissing { path }
            | StatementError::DigestValue { path, .. }
            | StatementError::ContentNotBase64 { path } => Some(path),
            StatementError::UnknownType { .. } => Some("_type"),
            StatementError::NoSubjects => Some("subject"),
            StatementError::Json(_) => None,
        }
    }

    /// `(expected, actual)` where the error has them (types, `_type`, digest lengths).
    pub fn expected_actual(&self) -> Option<(String, String)> {
        match self {
            StatementError::FieldType {
                expected, found, ..
            } => Some(((*expected).to_owned(), (*found).to_owned())),
            StatementError::UnknownType { found } => Some((
                format!("{STATEMENT_TYPE_V1} or {STATEMENT_TYPE_V0_1}"),
                found.clone(),
            )),
            StatementError::DigestValue {
                error: DigestValueError::Length { found, expected },
                ..
            } => Some((
                format!("{expected} hex characters"),
                format!("{found} hex characters"),
            )),
            _ => None,
        }
    }
}

impl fmt::Display for StatementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatementError::Json(e) => write!(f, "the Statement is not valid JSON: {e}"),
            StatementError::FieldType {
                path,
                expected,
                found,
            } => write!(f, "{path} must be {expected}, found {found}"),
            StatementError::MissingField { path } => {
                write!(f, "{path} is required and missing or empty")
            }
            StatementError::UnknownType { found } => write!(
                f,
                "_type {found:?} is not {STATEMENT_TYPE_V1} or {STATEMENT_TYPE_V0_1}"
            ),
            StatementError::NoSubjects => f.write_str("subject must list at least one subject"),
            StatementError::EmptyDescriptor { path } => {
                write!(f, "{path} must set at least one of uri, digest, content")
            }
            StatementError::SubjectDigestMissing { path } => {
                write!(f, "{path} must have a non-empty digest")
            }
            StatementError::DigestValue { path, error } => write!(f, "{path}: {error}"),
            StatementError::ContentNotBase64 { path } => write!(f, "{path} is not base64"),
        }
    }
}

impl std::error::Error for StatementError {}

fn field_type(path: impl Into<String>, expected: &'static str, found: &Value) -> StatementError {
    StatementError::FieldType {
        path: path.into(),
        expected,
        found: found.type_name(),
    }
}

/// An optional string field: absent and `null` are `None`. `path` is the field's path.
fn opt_str(obj: &Map, key: &str, path: String) -> Result<Option<String>, StatementError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(field_type(path, "a string", other)),
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn decode_content(s: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
    use base64::engine::DecodePaddingMode;
    const CONFIG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, CONFIG);
    const URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, CONFIG);
    if s.contains(['-', '_']) {
        URL_SAFE.decode(s).ok()
    } else {
        STANDARD.decode(s).ok()
    }
}

impl ResourceDescriptor {
    /// Reads and validates a ResourceDescriptor; `path` prefixes error paths.
    ///
    /// ```
    /// use intoto_verify::{json, statement::ResourceDescriptor};
    /// let v = json::parse(br#"{"uri": "https://example.com/a", "mediaType": "text/plain"}"#,
    ///     json::JsonLimits::default()).unwrap();
    /// assert!(ResourceDescriptor::from_value(&v, "").is_ok());
    /// let v = json::parse(br#"{"digest": {"sha256": "abc123"}}"#, json::JsonLimits::default()).unwrap();
    /// assert_eq!(ResourceDescriptor::from_value(&v, "").unwrap_err().code(), "digest-value");
    /// ```
    pub fn from_value(value: &Value, path: &str) -> Result<ResourceDescriptor, StatementError> {
        let shown = if path.is_empty() {
            "(descriptor)"
        } else {
            path
        };
        let obj = value
            .as_object()
            .ok_or_else(|| field_type(shown, "an object", value))?;
        let p = |k: &str| join(path, k);
        let name = opt_str(obj, "name", p("name"))?;
        let uri = opt_str(obj, "uri", p("uri"))?;
        let download_location = opt_str(obj, "downloadLocation", p("downloadLocation"))?;
        let media_type = opt_str(obj, "mediaType", p("mediaType"))?;
        let mut digest = DigestSet::default();
        match obj.get("digest") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (alg, v) in m {
                    let vpath = format!("{}.{alg}", p("digest"));
                    let s = v
                        .as_str()
                        .ok_or_else(|| field_type(vpath.clone(), "a string", v))?;
                    validate_value(alg, s)
                        .map_err(|error| StatementError::DigestValue { path: vpath, error })?;
                    digest.0.insert(alg.clone(), s.to_owned());
                }
            }
            Some(other) => return Err(field_type(p("digest"), "an object", other)),
        }
        let content = match obj.get("content") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(
                decode_content(s)
                    .ok_or_else(|| StatementError::ContentNotBase64 { path: p("content") })?,
            ),
            Some(other) => return Err(field_type(p("content"), "a base64 string", other)),
        };
        let annotations = match obj.get("annotations") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m.clone()),
            Some(other) => return Err(field_type(p("annotations"), "an object", other)),
        };
        let has_uri = uri.as_deref().is_some_and(|u| !u.is_empty());
        let has_content = content.as_ref().is_some_and(|c| !c.is_empty());
        if !has_uri && digest.is_empty() && !has_content {
            return Err(StatementError::EmptyDescriptor {
                path: shown.to_owned(),
            });
        }
        Ok(ResourceDescriptor {
            name,
            uri,
            digest,
            content,
            download_location,
            media_type,
            annotations,
        })
    }

    /// Parses JSON bytes (strictly) and reads a ResourceDescriptor.
    pub fn from_slice(
        bytes: &[u8],
        limits: JsonLimits,
    ) -> Result<ResourceDescriptor, StatementError> {
        let v = json::parse(bytes, limits).map_err(StatementError::Json)?;
        ResourceDescriptor::from_value(&v, "")
    }
}

impl Statement {
    /// Reads and validates a Statement from a parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Statement, StatementError> {
        let obj = value
            .as_object()
            .ok_or_else(|| field_type("(statement)", "an object", value))?;
        let type_uri = match obj.get("_type") {
            None => {
                return Err(StatementError::MissingField {
                    path: "_type".into(),
                })
            }
            Some(Value::String(s)) => s.as_str(),
            Some(other) => return Err(field_type("_type", "a string", other)),
        };
        let version = match type_uri {
            STATEMENT_TYPE_V1 => StatementVersion::V1,
            STATEMENT_TYPE_V0_1 => StatementVersion::V0_1,
            other => {
                return Err(StatementError::UnknownType {
                    found: other.to_owned(),
                })
            }
        };
        let subject_values = match obj.get("subject") {
            None | Some(Value::Null) => {
                return Err(StatementError::MissingField {
                    path: "subject".into(),
                })
            }
            Some(Value::Array(a)) => a,
            Some(other) => return Err(field_type("subject", "an array", other)),
        };
        if subject_values.is_empty() {
            return Err(StatementError::NoSubjects);
        }
        let mut subjects = Vec::with_capacity(subject_values.len());
        for (i, v) in subject_values.iter().enumerate() {
            let path = format!("subject[{i}]");
            let rd = ResourceDescriptor::from_value(v, &path)?;
            if rd.digest.is_empty() {
                return Err(StatementError::SubjectDigestMissing { path });
            }
            subjects.push(rd);
        }
        let predicate_type = match obj.get("predicateType") {
            None | Some(Value::Null) => {
                return Err(StatementError::MissingField {
                    path: "predicateType".into(),
                })
            }
            Some(Value::String(s)) if s.is_empty() => {
                return Err(StatementError::MissingField {
                    path: "predicateType".into(),
                })
            }
            Some(Value::String(s)) => s.clone(),
            Some(other) => return Err(field_type("predicateType", "a string", other)),
        };
        let predicate = match obj.get("predicate") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m.clone()),
            Some(other) => return Err(field_type("predicate", "an object", other)),
        };
        Ok(Statement {
            version,
            subjects,
            predicate_type,
            predicate,
            raw: value.clone(),
        })
    }

    /// Parses JSON bytes (strictly, see [`json::parse`]) and reads a Statement.
    ///
    /// ```
    /// use intoto_verify::{json::JsonLimits, statement::Statement};
    /// let e = Statement::from_slice(br#"{"_type": "https://in-toto.io/Statement/v0.2",
    ///     "subject": [], "predicateType": "x"}"#, JsonLimits::default()).unwrap_err();
    /// assert_eq!(e.code(), "unknown-type");
    /// ```
    pub fn from_slice(bytes: &[u8], limits: JsonLimits) -> Result<Statement, StatementError> {
        let v = json::parse(bytes, limits).map_err(StatementError::Json)?;
        Statement::from_value(&v)
    }

    /// The `_type` URI of [`Statement::version`].
    pub fn type_uri(&self) -> &'static str {
        match self.version {
            StatementVersion::V1 => STATEMENT_TYPE_V1,
            StatementVersion::V0_1 => STATEMENT_TYPE_V0_1,
        }
    }
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

    fn parse(s: &str) -> Result<Statement, StatementError> {
        Statement::from_slice(s.as_bytes(), JsonLimits::default())
    }

    const SHA: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn stmt(subject: &str, rest: &str) -> String {
        format!(
            r#"{{"_type": "{STATEMENT_TYPE_V1}", "subject": {subject}, "predicateType": "p"{rest}}}"#
        )
    }

    #[test]
    fn valid_forms() {
        let s = parse(&stmt(
            &format!(r#"[{{"digest": {{"sha256": "{SHA}"}}}}]"#),
            r#", "predicate": null, "unknown": [1]"#,
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.predicate, None);
        assert_eq!(s.subjects[0].name, None);
        let s = parse(&format!(
            r#"{{"_type": "{STATEMENT_TYPE_V0_1}", "subject": [{{"name": "_", "digest": {{"x": "y"}}}}], "predicateType": "p", "predicate": {{"a": 1}}}}"#
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.version, StatementVersion::V0_1);
        assert!(s.predicate.is_some());
    }

    #[test]
    fn wrong_types_of_known_fields() {
        let d = format!(r#"{{"sha256": "{SHA}"}}"#);
        for (subject, rest, code, path) in [
            (
                format!(r#"[{{"name": 5, "digest": {d}}}]"#),
                "",
                "field-type",
                "subject[0].name",
            ),
            (
                r#"[{"digest": "abc"}]"#.to_owned(),
                "",
                "field-type",
                "subject[0].digest",
            ),
            (
                r#"[{"digest": {"sha256": 1}}]"#.to_owned(),
                "",
                "field-type",
                "subject[0].digest.sha256",
            ),
            (
                format!(r#"[{{"digest": {d}, "annotations": []}}]"#),
                "",
                "field-type",
                "subject[0].annotations",
            ),
            (
                format!(r#"[{{"digest": {d}, "content": "!!"}}]"#),
                "",
                "content-not-base64",
                "subject[0].content",
            ),
            (
                format!(r#"[{{"digest": {d}}}]"#),
                r#", "predicate": [1]"#,
                "field-type",
                "predicate",
            ),
            (format!(r#"{{"digest": {d}}}"#), "", "field-type", "subject"),
            (
                format!(r#"[{{"digest": {{"sha256": "{}"}}}}]"#, SHA.to_uppercase()),
                "",
                "digest-value",
                "subject[0].digest.sha256",
            ),
            (
                r#"[{"digest": {}}]"#.to_owned(),
                "",
                "empty-descriptor",
                "subject[0]",
            ),
            (
                r#"[{"uri": "https://x"}]"#.to_owned(),
                "",
                "subject-digest-missing",
                "subject[0]",
            ),
        ] {
            let e = parse(&stmt(&subject, rest)).unwrap_err();
            assert_eq!((e.code(), e.path()), (code, Some(path)), "{subject} {rest}");
        }
        let e = parse(r#"{"_type": 1}"#).unwrap_err();
        assert_eq!(e.code(), "field-type");
        let e = parse(&format!(
            r#"{{"_type": "{STATEMENT_TYPE_V1}", "subject": [{{"digest": {{"a": "b"}}}}], "predicateType": 7}}"#
        ))
        .unwrap_err();
        assert_eq!(e.path(), Some("predicateType"));
        let e = parse(&format!(
            r#"{{"_type": "{STATEMENT_TYPE_V1}", "subject": [{{"digest": {{"a": "b"}}}}]}}"#
        ))
        .unwrap_err();
        assert_eq!(e.code(), "missing-field");
    }

    #[test]
    fn duplicate_keys_are_rejected() {
        let e = parse(&format!(
            r#"{{"_type": "{STATEMENT_TYPE_V1}", "subject": [{{"digest": {{"sha256": "{SHA}", "sha256": "{SHA}"}}}}], "predicateType": "p"}}"#
        ))
        .unwrap_err();
        assert_eq!(e.code(), "json");
    }

    #[test]
    fn payload_types() {
        for ok in [
            "application/vnd.in-toto+json",
            "application/vnd.in-toto.provenance+json",
            "application/vnd.in-toto.spdx-document_v2.3+json",
        ] {
            assert!(is_in_toto_payload_type(ok), "{ok}");
        }
        for bad in [
            "application/vnd.in-toto+JSON",
            "application/vnd.in-toto.a b+json",
            "application/vnd.in-toto.a+b+json",
            "application/vnd.in-toto+json; charset=utf-8",
            "",
        ] {
            assert!(!is_in_toto_payload_type(bad), "{bad}");
        }
    }

    #[test]
    fn error_codes_are_distinct() {
        let all = [
            StatementError::Json(JsonError {
                kind: json::JsonErrorKind::TrailingData,
                offset: 0,
            }),
            StatementError::FieldType {
                path: String::new(),
                expected: "",
                found: "",
            },
            StatementError::MissingField {
                path: String::new(),
            },
            StatementError::UnknownType {
                found: String::new(),
            },
            StatementError::NoSubjects,
            StatementError::EmptyDescriptor {
                path: String::new(),
            },
            StatementError::SubjectDigestMissing {
                path: String::new(),
            },
            StatementError::DigestValue {
                path: String::new(),
                error: DigestValueError::Empty,
            },
            StatementError::ContentNotBase64 {
                path: String::new(),
            },
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(StatementError::code).collect();
        assert_eq!(codes.len(), all.len());
    }
}

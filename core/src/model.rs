//! Typed in-toto layouts and links, parsed from the JSON of an envelope's payload.
//!
//! Parsing follows in-toto 3.1.0's model constructors (`models/layout.py`,
//! `models/link.py`): the same required fields, the same defaults for omitted optional
//! fields, the same type checks, step and inspection names unique across both lists, hex
//! key ids, rules that pass the rule grammar. It is stricter in a few places, each listed
//! in `docs/differences.md`: `expires` is required, `threshold` must be a positive integer
//! (not a boolean), `name` must be a string, and a `_type` that is present must be right.
//!
//! Unknown fields are ignored here; for Metablock signatures they are still covered by the
//! signature because signatures are checked over the canonical form of the JSON as
//! received (see [`crate::metadata`]).

use crate::artifacts::{hex_kind, ArtifactsBuilder, HexKind};
use crate::json::{
    self, sort_and_find_duplicate, JsonError, JsonErrorKind, JsonLimits, Map, Parser, Value,
};
use crate::keys::{KeyError, PublicKey};
use crate::rules::{self, RuleSyntaxError};
use crate::time::Timestamp;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The digests recorded for one artifact: algorithm name to hex digest, sorted by algorithm.
///
/// A link records one or two digests per artifact and can hold hundreds of thousands of
/// artifacts, so this is a small sorted vector rather than a map (a `BTreeMap` allocates a
/// whole node, over 500 bytes, for a single entry). Two sets are equal when they hold the
/// same algorithms with the same values, as the reference compares its dicts.
///
/// ```
/// use intoto_verify::model::DigestSet;
/// let a: DigestSet = [("sha512".to_string(), "bb".to_string()), ("sha256".to_string(), "aa".to_string())].into_iter().collect();
/// assert_eq!(a.get("sha256"), Some("aa"));
/// assert_eq!(a.iter().map(|(alg, _)| alg).collect::<Vec<_>>(), ["sha256", "sha512"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct DigestSet(Vec<(String, String)>);

impl DigestSet {
    /// An empty set.
    pub fn new() -> DigestSet {
        DigestSet(Vec::new())
    }

    /// The digest for `algorithm`, if recorded.
    pub fn get(&self, algorithm: &str) -> Option<&str> {
        self.0
            .binary_search_by(|(a, _)| a.as_str().cmp(algorithm))
            .ok()
            .and_then(|i| self.0.get(i))
            .map(|(_, v)| v.as_str())
    }

    /// Records `digest` for `algorithm` (replacing an earlier one).
    pub fn insert(&mut self, algorithm: String, digest: String) {
        match self.0.binary_search_by(|(a, _)| a.cmp(&algorithm)) {
            Ok(i) => {
                if let Some(slot) = self.0.get_mut(i) {
                    slot.1 = digest;
                }
            }
            Err(i) => self.0.insert(i, (algorithm, digest)),
        }
    }

    /// `(algorithm, digest)` pairs, by algorithm.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(a, d)| (a.as_str(), d.as_str()))
    }

    /// How many digests are recorded.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no digest is recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<(String, String)> for DigestSet {
    /// Collects pairs; of two pairs for one algorithm the later wins.
    fn from_iter<I: IntoIterator<Item = (String, String)>>(iter: I) -> DigestSet {
        let mut v: Vec<(String, String)> = iter.into_iter().collect();
        v.sort_by(|a, b| a.0.cmp(&b.0)); // stable: equal algorithms keep their order
        let mut out: Vec<(String, String)> = Vec::with_capacity(v.len());
        for (a, d) in v {
            match out.last_mut() {
                Some(last) if last.0 == a => last.1 = d,
                _ => out.push((a, d)),
            }
        }
        DigestSet(out)
    }
}

impl<const N: usize> From<[(String, String); N]> for DigestSet {
    fn from(pairs: [(String, String); N]) -> DigestSet {
        pairs.into_iter().collect()
    }
}

impl serde::Serialize for DigestSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (a, d) in &self.0 {
            m.serialize_entry(a, d)?;
        }
        m.end()
    }
}

impl<'de> serde::Deserialize<'de> for DigestSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<DigestSet, D::Error> {
        let m: BTreeMap<String, String> = serde::Deserialize::deserialize(d)?;
        Ok(DigestSet(m.into_iter().collect()))
    }
}

pub use crate::artifacts::Artifacts;

/// A parsed layout.
#[derive(Debug, Clone)]
pub struct Layout {
    /// When the layout expires (it is expired when `expires <= now`).
    pub expires: Timestamp,
    /// The human-readable description.
    pub readme: String,
    /// Functionary keys by the key id the layout lists them under.
    pub keys: BTreeMap<String, PublicKey>,
    /// Keys of a known type and scheme that cannot be used (for example a scheme that does
    /// not fit the key's curve), with the reason. Links signed with them never verify.
    pub unusable_keys: BTreeMap<String, String>,
    /// The steps, in layout order.
    pub steps: Vec<Step>,
    /// The inspections, in layout order.
    pub inspect: Vec<Inspection>,
}

/// A step of a layout.
#[derive(Debug, Clone)]
pub struct Step {
    /// The step's name.
    pub name: String,
    /// How many distinct functionaries must have signed a link for this step.
    pub threshold: u64,
    /// Key ids of the functionaries authorised for this step.
    pub pubkeys: Vec<String>,
    /// The command the functionary is expected to run (a mismatch is only a warning).
    pub expected_command: Vec<String>,
    /// Material rules, each a list of strings as written (before parameter substitution).
    pub expected_materials: Vec<Vec<String>>,
    /// Product rules, as written.
    pub expected_products: Vec<Vec<String>>,
}

/// An inspection of a layout.
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The inspection's name.
    pub name: String,
    /// The command to run.
    pub run: Vec<String>,
    /// Material rules, as written.
    pub expected_materials: Vec<Vec<String>>,
    /// Product rules, as written.
    pub expected_products: Vec<Vec<String>>,
}

/// A parsed link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// The step name the link claims to be for.
    pub name: String,
    /// The command that was run.
    pub command: Vec<String>,
    /// Artifacts before the command.
    pub materials: Artifacts,
    /// Artifacts after the command.
    pub products: Artifacts,
    /// Byproducts (stdout, stderr, return-value, ...), as recorded.
    pub byproducts: Map,
    /// Environment, as recorded.
    pub environment: Map,
}

/// Why a payload is not a valid layout or link.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ModelError {
    /// A required field is missing.
    MissingField {
        /// Where, as a path such as `steps[2].name`.
        path: String,
    },
    /// A field has the wrong JSON type.
    WrongType {
        /// Where.
        path: String,
        /// The expected type.
        expected: &'static str,
        /// The type found.
        found: &'static str,
    },
    /// A field has the right type but an invalid value.
    InvalidValue {
        /// Where.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Two steps or inspections share a name.
    DuplicateName {
        /// The name.
        name: String,
    },
    /// A rule does not follow the rule grammar.
    Rule {
        /// Where.
        path: String,
        /// The grammar error.
        error: RuleSyntaxError,
    },
    /// A key in the layout's `keys` cannot be used.
    Key {
        /// The key id it is listed under.
        keyid: String,
        /// Why.
        reason: String,
    },
}

impl ModelError {
    /// The path of the offending field.
    pub fn path(&self) -> String {
        match self {
            ModelError::MissingField { path }
            | ModelError::WrongType { path, .. }
            | ModelError::InvalidValue { path, .. }
            | ModelError::Rule { path, .. } => path.clone(),
            ModelError::DuplicateName { name } => format!("name {name:?}"),
            ModelError::Key { keyid, .. } => format!("keys.{keyid}"),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::MissingField { path } => write!(f, "missing field `{path}`"),
            ModelError::WrongType {
                path,
                expected,
                found,
            } => write!(f, "field `{path}` must be {expected}, found {found}"),
            ModelError::InvalidValue { path, reason } => write!(f, "field `{path}`: {reason}"),
            ModelError::DuplicateName { name } => write!(
                f,
                "the name {name:?} is used by more than one step or inspection"
            ),
            ModelError::Rule { path, error } => write!(f, "rule `{path}`: {error}"),
            ModelError::Key { keyid, reason } => write!(f, "key {keyid}: {reason}"),
        }
    }
}

impl std::error::Error for ModelError {}

/// Reads typed fields out of a JSON object, naming the path in every error.
struct Fields<'a> {
    map: &'a Map,
    path: String,
}

impl<'a> Fields<'a> {
    fn new(v: &'a Value, path: &str) -> Result<Self, ModelError> {
        match v {
            Value::Object(map) => Ok(Fields {
                map,
                path: path.to_owned(),
            }),
            other => Err(ModelError::WrongType {
                path: if path.is_empty() {
                    "(root)".into()
                } else {
                    path.into()
                },
                expected: "an object",
                found: other.type_name(),
            }),
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
        self.map.get(key)
    }

    fn required(&self, key: &str) -> Result<&'a Value, ModelError> {
        self.get(key)
            .ok_or_else(|| ModelError::MissingField { path: self.at(key) })
    }

    fn string(&self, key: &str) -> Result<String, ModelError> {
        as_string(self.required(key)?, &self.at(key))
    }

    fn opt_string(&self, key: &str, default: &str) -> Result<String, ModelError> {
        match self.get(key) {
            None => Ok(default.to_owned()),
            Some(v) => as_string(v, &self.at(key)),
        }
    }

    fn opt_string_list(&self, key: &str) -> Result<Vec<String>, ModelError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(v) => string_list(v, &self.at(key)),
        }
    }

    fn opt_array(&self, key: &str) -> Result<&'a [Value], ModelError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(other) => Err(ModelError::WrongType {
                path: self.at(key),
                expected: "an array",
                found: other.type_name(),
            }),
        }
    }

    fn opt_object(&self, key: &str) -> Result<Option<&'a Map>, ModelError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(other) => Err(ModelError::WrongType {
                path: self.at(key),
                expected: "an object",
                found: other.type_name(),
            }),
        }
    }

    /// `_type`, if present, must equal `expected`.
    fn type_tag(&self, expected: &str) -> Result<(), ModelError> {
        match self.get("_type") {
            None => Ok(()),
            Some(v) => {
                let t = as_string(v, &self.at("_type"))?;
                if t == expected {
                    Ok(())
                } else {
                    Err(ModelError::InvalidValue {
                        path: self.at("_type"),
                        reason: format!("expected {expected:?}, found {t:?}"),
                    })
                }
            }
        }
    }
}

fn as_string(v: &Value, path: &str) -> Result<String, ModelError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        other => Err(ModelError::WrongType {
            path: path.to_owned(),
            expected: "a string",
            found: other.type_name(),
        }),
    }
}

fn string_list(v: &Value, path: &str) -> Result<Vec<String>, ModelError> {
    match v {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| as_string(item, &format!("{path}[{i}]")))
            .collect(),
        other => Err(ModelError::WrongType {
            path: path.to_owned(),
            expected: "an array of strings",
            found: other.type_name(),
        }),
    }
}

fn is_hex(s: &str) -> bool {
    hex_kind(s) != HexKind::Invalid
}

fn rule_list(f: &Fields<'_>, key: &str) -> Result<Vec<Vec<String>>, ModelError> {
    let items = f.opt_array(key)?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("{}[{i}]", f.at(key));
        let rule = string_list(item, &path)?;
        rules::Rule::parse(&rule).map_err(|error| ModelError::Rule {
            path: path.clone(),
            error,
        })?;
        out.push(rule);
    }
    Ok(out)
}

impl Layout {
    /// Parses the `signed` object (or DSSE payload) of a layout.
    ///
    /// `_type` must be `"layout"` (callers dispatch on it before getting here).
    pub fn from_value(v: &Value) -> Result<Layout, ModelError> {
        let f = Fields::new(v, "")?;
        let t = f.string("_type")?;
        if t != "layout" {
            return Err(ModelError::InvalidValue {
                path: "_type".into(),
                reason: format!("expected \"layout\", found {t:?}"),
            });
        }
        let expires_s = f.string("expires")?;
        let expires =
            Timestamp::parse_in_toto(&expires_s).map_err(|reason| ModelError::InvalidValue {
                path: "expires".into(),
                reason,
            })?;
        let readme = f.opt_string("readme", "")?;

        let mut keys = BTreeMap::new();
        let mut unusable_keys = BTreeMap::new();
        if let Some(kmap) = f.opt_object("keys")? {
            for (keyid, kv) in kmap {
                if !is_hex(keyid) {
                    return Err(ModelError::Key {
                        keyid: keyid.clone(),
                        reason: "the key id is not a hex string".into(),
                    });
                }
                match PublicKey::from_sslib(kv) {
                    Ok(key) => {
                        keys.insert(keyid.clone(), key);
                    }
                    // Like the reference: an unknown key type or scheme makes the layout
                    // unloadable; a key that is merely unusable only fails its own links.
                    Err(e @ (KeyError::UnknownKeyType { .. } | KeyError::UnknownScheme { .. }))
                    | Err(e @ (KeyError::MissingField { .. } | KeyError::FieldType { .. })) => {
                        return Err(ModelError::Key {
                            keyid: keyid.clone(),
                            reason: e.to_string(),
                        })
                    }
                    Err(e) => {
                        unusable_keys.insert(keyid.clone(), e.to_string());
                    }
                }
            }
        }

        let mut names = BTreeSet::new();
        let mut steps = Vec::new();
        for (i, sv) in f.opt_array("steps")?.iter().enumerate() {
            let sf = Fields::new(sv, &format!("steps[{i}]"))?;
            sf.type_tag("step")?;
            let name = sf.string("name")?;
            let threshold = match sf.get("threshold") {
                None => 1,
                Some(Value::Number(n)) => match n.as_i64() {
                    Some(t) if t >= 1 => t as u64,
                    _ => {
                        return Err(ModelError::InvalidValue {
                            path: sf.at("threshold"),
                            reason: format!("must be a positive integer, found {}", n.as_str()),
                        })
                    }
                },
                Some(other) => {
                    return Err(ModelError::WrongType {
                        path: sf.at("threshold"),
                        expected: "an integer",
                        found: other.type_name(),
                    })
                }
            };
            let pubkeys = sf.opt_string_list("pubkeys")?;
            for (k, id) in pubkeys.iter().enumerate() {
                if !is_hex(id) {
                    return Err(ModelError::InvalidValue {
                        path: format!("{}[{k}]", sf.at("pubkeys")),
                        reason: "a key id must be a hex string".into(),
                    });
                }
            }
            let step = Step {
                threshold,
                pubkeys,
                expected_command: sf.opt_string_list("expected_command")?,
                expected_materials: rule_list(&sf, "expected_materials")?,
                expected_products: rule_list(&sf, "expected_products")?,
                name,
            };
            if !names.insert(step.name.clone()) {
                return Err(ModelError::DuplicateName { name: step.name });
            }
            steps.push(step);
        }

        let mut inspect = Vec::new();
        for (i, iv) in f.opt_array("inspect")?.iter().enumerate() {
            let inf = Fields::new(iv, &format!("inspect[{i}]"))?;
            inf.type_tag("inspection")?;
            let insp = Inspection {
                name: inf.string("name")?,
                run: inf.opt_string_list("run")?,
                expected_materials: rule_list(&inf, "expected_materials")?,
                expected_products: rule_list(&inf, "expected_products")?,
            };
            if !names.insert(insp.name.clone()) {
                return Err(ModelError::DuplicateName { name: insp.name });
            }
            inspect.push(insp);
        }

        Ok(Layout {
            expires,
            readme,
            keys,
            unusable_keys,
            steps,
            inspect,
        })
    }
}

/// Why link JSON could not be read as a link.
#[derive(Debug)]
pub(crate) enum LinkJsonError {
    /// Not JSON, or JSON beyond the limits.
    Json(JsonError),
    /// Valid JSON whose `_type` is not the string `"link"` (or not an object at all):
    /// perhaps a layout, for the caller to read as one.
    NotALink,
    /// A link with an invalid field.
    Model(ModelError),
}

impl From<JsonError> for LinkJsonError {
    fn from(e: JsonError) -> Self {
        LinkJsonError::Json(e)
    }
}

/// The first (in name order, then algorithm order) invalid artifact of a side: the one a
/// walk over the side as a sorted map meets first, whatever order the file lists them in.
struct FirstError(Option<(String, ModelError)>);

impl FirstError {
    fn offer(&mut self, name: &str, e: impl FnOnce() -> ModelError) {
        if self.0.as_ref().is_none_or(|(n, _)| name < n.as_str()) {
            self.0 = Some((name.to_owned(), e()));
        }
    }
}

/// An algorithm, its digest (or the JSON type found instead of a string), and the key's
/// offset.
type DigestEntry<'a> = (Cow<'a, str>, Result<Cow<'a, str>, &'static str>, usize);

/// Reads the artifact object of `side` (the parser is at its `{`; `depth` is the depth of
/// the object holding it) straight into compact [`Artifacts`]: no JSON tree is built for
/// what can be hundreds of thousands of entries. JSON errors end the read; an invalid
/// entry is remembered and reported once the whole link has been read, as when the link
/// is read from a tree.
fn read_artifacts(
    p: &mut Parser<'_>,
    depth: usize,
    side: &str,
) -> Result<Result<Artifacts, ModelError>, JsonError> {
    let mut builder = ArtifactsBuilder::new();
    let mut key_offsets: Vec<usize> = Vec::new();
    let mut first_error = FirstError(None);
    let mut too_large = false;
    let mut digests: Vec<DigestEntry<'_>> = Vec::new();
    p.object_entries(depth + 1, |p, name, key_at| {
        key_offsets.push(key_at);
        if p.peek() != Some(b'{') {
            let v = p.value(depth + 1)?;
            first_error.offer(&name, || ModelError::WrongType {
                path: format!("{side}[{name:?}]"),
                expected: "an object of digests",
                found: v.type_name(),
            });
            too_large |= builder.push(&name, []).is_err();
            return Ok(());
        }
        digests.clear();
        p.object_entries(depth + 2, |p, alg, at| {
            if p.peek() == Some(b'"') {
                let s = p.string()?;
                digests.push((alg, Ok(s), at));
            } else {
                let v = p.value(depth + 2)?;
                digests.push((alg, Err(v.type_name()), at));
            }
            Ok(())
        })?;
        if let Some(e) = sort_and_find_duplicate(&mut digests, |d| (&d.0, d.2)) {
            return Err(e);
        }
        let bad = digests.iter().find_map(|(alg, v, _)| match v {
            Ok(hex) if is_hex(hex) => None,
            Ok(_) => Some((alg, None)),
            Err(found) => Some((alg, Some(*found))),
        });
        if let Some((alg, found)) = bad {
            first_error.offer(&name, || {
                let path = format!("{side}[{name:?}].{alg}");
                match found {
                    None => ModelError::InvalidValue {
                        path,
                        reason: "a digest must be a hex string".into(),
                    },
                    Some(found) => ModelError::WrongType {
                        path,
                        expected: "a string",
                        found,
                    },
                }
            });
            too_large |= builder.push(&name, []).is_err();
        } else {
            let pairs = digests
                .iter()
                .filter_map(|(a, v, _)| v.as_ref().ok().map(|v| (&**a, &**v)));
            too_large |= builder.push(&name, pairs).is_err();
        }
        Ok(())
    })?;
    let artifacts = builder.finish().map_err(|(i, key)| JsonError {
        kind: JsonErrorKind::DuplicateKey { key },
        offset: key_offsets.get(i).copied().unwrap_or_default(),
    })?;
    Ok(match first_error.0 {
        Some((_, e)) => Err(e),
        None if too_large => Err(ModelError::InvalidValue {
            path: side.to_owned(),
            reason: crate::artifacts::TooLarge.to_string(),
        }),
        None => Ok(artifacts),
    })
}

/// One side's artifacts, from what the link object held under `key`.
fn side_artifacts(
    read: Option<Result<Artifacts, ModelError>>,
    map: &Map,
    key: &str,
) -> Result<Artifacts, ModelError> {
    match (read, map.get(key)) {
        (Some(r), _) => r,
        (None, None) => Ok(Artifacts::new()),
        (None, Some(other)) => Err(ModelError::WrongType {
            path: key.to_owned(),
            expected: "an object",
            found: other.type_name(),
        }),
    }
}

impl Link {
    /// Parses the `signed` object (or DSSE payload) of a link.
    pub fn from_value(v: &Value) -> Result<Link, ModelError> {
        let t = Fields::new(v, "")?.string("_type")?;
        if t != "link" {
            return Err(ModelError::InvalidValue {
                path: "_type".into(),
                reason: format!("expected \"link\", found {t:?}"),
            });
        }
        let unlimited = JsonLimits {
            max_bytes: usize::MAX,
            max_depth: usize::MAX,
            max_entries: usize::MAX,
        };
        match Link::parse_json(&json::to_bytes(v), unlimited) {
            Ok(link) => Ok(link),
            Err(LinkJsonError::Model(e)) => Err(e),
            Err(LinkJsonError::Json(e)) => Err(ModelError::InvalidValue {
                path: "(root)".into(),
                reason: e.to_string(),
            }),
            Err(LinkJsonError::NotALink) => Err(ModelError::InvalidValue {
                path: "_type".into(),
                reason: "expected \"link\"".into(),
            }),
        }
    }

    /// Parses the `signed` object (or DSSE payload) of a link, consuming it.
    pub fn from_owned_value(v: Value) -> Result<Link, ModelError> {
        Link::from_value(&v)
    }

    /// Reads a link's JSON (a Metablock's `signed` object, or a DSSE payload) in one pass:
    /// the artifacts go straight into their compact form, every other field through a
    /// JSON tree and the same field rules as layouts. JSON errors come first, then
    /// [`LinkJsonError::NotALink`] if `_type` is not `"link"`, then the fields in the
    /// order `name`, `command`, `materials`, `products`, `byproducts`, `environment`.
    pub(crate) fn parse_json(bytes: &[u8], limits: JsonLimits) -> Result<Link, LinkJsonError> {
        let mut p = Parser::new(bytes, limits)?;
        if p.peek() != Some(b'{') {
            p.value(0)?;
            p.finish()?;
            return Err(LinkJsonError::NotALink);
        }
        let mut fields: Vec<(Cow<'_, str>, Value, usize)> = Vec::new();
        let (mut materials, mut products) = (None, None);
        p.object_entries(1, |p, key, at| {
            let slot = match &*key {
                "materials" => Some(&mut materials),
                "products" => Some(&mut products),
                _ => None,
            };
            match slot {
                Some(slot) if p.peek() == Some(b'{') => {
                    *slot = Some(read_artifacts(p, 1, &key)?);
                    fields.push((key, Value::Null, at));
                }
                _ => {
                    let v = p.value(1)?;
                    fields.push((key, v, at));
                }
            }
            Ok(())
        })?;
        p.finish()?;
        if let Some(e) = sort_and_find_duplicate(&mut fields, |f| (&f.0, f.2)) {
            return Err(e.into());
        }
        let mut map: Map = fields
            .into_iter()
            .map(|(k, v, _)| (k.into_owned(), v))
            .collect();
        if map.get("_type").and_then(Value::as_str) != Some("link") {
            return Err(LinkJsonError::NotALink);
        }
        let (name, command) = {
            let f = Fields {
                map: &map,
                path: String::new(),
            };
            let name = f.string("name").map_err(LinkJsonError::Model)?;
            (
                name,
                f.opt_string_list("command").map_err(LinkJsonError::Model)?,
            )
        };
        let materials =
            side_artifacts(materials, &map, "materials").map_err(LinkJsonError::Model)?;
        let products = side_artifacts(products, &map, "products").map_err(LinkJsonError::Model)?;
        // `null` is read as empty here: in-toto-rs writes `"environment": null`.
        let mut object = |key: &str| match map.remove(key) {
            None | Some(Value::Null) => Ok(Map::new()),
            Some(Value::Object(m)) => Ok(m),
            Some(other) => Err(LinkJsonError::Model(ModelError::WrongType {
                path: key.to_owned(),
                expected: "an object",
                found: other.type_name(),
            })),
        };
        Ok(Link {
            name,
            command,
            materials,
            products,
            byproducts: object("byproducts")?,
            environment: object("environment")?,
        })
    }
}

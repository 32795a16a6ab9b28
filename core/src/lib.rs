//! # intoto-verify
//!
//! A verifier for in-toto supply-chain metadata that does no I/O: layouts, links, DSSE
//! envelopes and keys arrive as bytes, the current time arrives as an argument, and the
//! answer is a report that explains itself.
//!
//! The modules are small and named for what they decide:
//!
//! * [`json`]: strict JSON parsing (duplicate keys, depth and size limits);
//! * [`canonical`]: securesystemslib canonical JSON;
//! * [`keys`]: public keys (PEM, DER, securesystemslib key objects), keyids, fingerprints;
//! * [`signature`]: signature verification for every securesystemslib scheme;
//! * [`dsse`]: DSSE envelopes, PAE and threshold verification;
//! * [`metadata`]: Metablock and DSSE envelopes holding layouts and links;
//! * [`model`]: typed layouts, steps, inspections and links;
//! * [`artifacts`]: the artifacts of one side of a link, stored compactly;
//! * [`pattern`]: artifact patterns (the reference's fnmatch);
//! * [`rules`]: the artifact rule engine;
//! * [`params`]: parameter substitution;
//! * [`time`]: timestamps (the caller passes "now");
//! * [`verify`]: layout verification, in the reference's order;
//! * [`report`]: the report and its stable failure codes;
//! * [`host`]: host-language values, read into requests the same way by every binding;
//! * [`api`]: one plain-data request in, one report out (what bindings call);
//! * [`digest`]: streaming SHA-256/384/512 of artifacts, digest sets and their matching;
//! * [`statement`]: in-toto attestation Statements (v0.1, v1) and ResourceDescriptors;
//! * [`predicate`]: typed SLSA provenance v0.2 / v1, VSA v1 and link v0.3 predicates;
//! * [`policy`]: the checks a Statement must pass (builder, source, VSA, ...);
//! * [`attestation`]: attestation verification, from envelope to policy.
//!
//! ```
//! use intoto_verify::api::{verify_layout_request, LayoutRequest};
//! let report = verify_layout_request(&LayoutRequest {
//!     layout: br#"{"signed": {"_type": "layout", "expires": "2030-01-01T00:00:00Z"}, "signatures": []}"#.to_vec(),
//!     now: "2026-01-01T00:00:00Z".into(),
//!     ..Default::default()
//! });
//! // No layout key was given: nothing can vouch for this layout.
//! assert_eq!(report.failure.unwrap().code.as_str(), "layout-keys-missing");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod artifacts;
pub mod attestation;
pub mod canonical;
pub mod digest;
pub mod dsse;
pub mod host;
pub mod json;
pub mod keys;
pub mod metadata;
pub mod model;
pub mod params;
pub mod pattern;
pub mod policy;
pub mod predicate;
pub mod report;
pub mod rules;
pub mod signature;
pub mod statement;
pub mod time;
pub mod verify;

//! The one-pass readers against the tree reader they stand in for.
//!
//! Links are read without a JSON tree: `signed` is written out as canonical JSON while it
//! is read (`canonical::encode_json` is the same writer), and the artifacts go straight
//! into their compact form. These tests hold both to the tree path: the same canonical
//! bytes and the same errors for every JSON file of the test corpus and for thousands of
//! mutations of them, and the link-specific cases (artifacts out of order, repeated,
//! escaped, invalid) by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use intoto_verify::canonical::{self, FromJsonError};
use intoto_verify::json::{self, JsonErrorKind, JsonLimits};
use intoto_verify::metadata::{Metadata, MetadataError, Payload};
use std::path::Path;

fn tree_canonical(bytes: &[u8], limits: JsonLimits) -> Result<Vec<u8>, FromJsonError> {
    let v = json::parse(bytes, limits).map_err(FromJsonError::Json)?;
    canonical::encode(&v).map_err(FromJsonError::Canonical)
}

fn json_files(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            json_files(&p, out);
        } else if matches!(
            p.extension().and_then(|x| x.to_str()),
            Some("json" | "link" | "layout" | "jsonl" | "intoto")
        ) {
            if let Ok(b) = std::fs::read(&p) {
                if b.len() < 4 << 20 {
                    out.push(b);
                }
            }
        }
    }
}

fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests");
    let mut out = Vec::new();
    for d in ["conformance", "regression", "vectors", "conformance-attest"] {
        json_files(&root.join(d), &mut out);
    }
    assert!(out.len() > 300, "corpus too small: {}", out.len());
    out
}

mod common;
use common::Rng;

#[test]
fn canonical_bytes_and_errors_match_the_tree_on_the_corpus_and_mutations() {
    let files = corpus();
    let limits = JsonLimits::default();
    let small = JsonLimits {
        max_bytes: 1 << 20,
        max_depth: 4,
        max_entries: 8,
    };
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let tokens: &[&[u8]] = &[
        b"\"",
        b"\\",
        b"{",
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"-0",
        b"1.5",
        b"\\u0000",
        b"\xff",
        b"\"a\":1,",
        b"\"zz\":{},",
        b"\t",
        b"\\ud800",
    ];
    let mut checked = 0;
    for f in &files {
        for limits in [limits, small] {
            assert_eq!(canonical::encode_json(f, limits), tree_canonical(f, limits));
        }
        for _ in 0..12 {
            let mut m = f.clone();
            match rng.below(4) {
                0 => m.truncate(rng.below(m.len())),
                1 => {
                    let i = rng.below(m.len());
                    m[i] ^= 1 << rng.below(8);
                }
                2 => {
                    let t = tokens[rng.below(tokens.len())];
                    let i = rng.below(m.len());
                    m.splice(i..i, t.iter().copied());
                }
                _ => {
                    // Swap two lines: keys out of order, duplicates, broken commas.
                    let mut lines: Vec<&[u8]> = m.split(|&b| b == b'\n').collect();
                    if lines.len() > 2 {
                        let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                        lines.swap(a, b);
                    }
                    m = lines.join(&b'\n');
                }
            }
            assert_eq!(
                canonical::encode_json(&m, limits),
                tree_canonical(&m, limits),
                "{}",
                String::from_utf8_lossy(&m)
            );
            checked += 1;
        }
    }
    assert!(checked > 3000);
}

#[test]
fn metablock_signed_bytes_are_the_tree_canonical_form_on_the_corpus() {
    let limits = JsonLimits::default();
    let mut checked = 0;
    for f in corpus() {
        let Ok(md) = Metadata::parse(&f, limits) else {
            continue;
        };
        if md.format != intoto_verify::metadata::EnvelopeFormat::Metablock {
            continue;
        }
        let tree = json::parse(&f, limits).unwrap();
        let signed = tree.as_object().unwrap().get("signed").unwrap();
        assert_eq!(md.signed_bytes, canonical::encode(signed).unwrap());
        checked += 1;
    }
    assert!(checked > 100, "only {checked} Metablock files");
}

/// Objects nested `depth` deep whose keys are all out of order: `{"b": {...}, "a": 1}`.
fn nested_unsorted(depth: usize) -> String {
    let mut doc = String::from("1");
    for _ in 0..depth {
        doc = format!(r#"{{"b": {doc}, "a": [1, {{"z": 0, "y": 0}}]}}"#);
    }
    doc
}

#[test]
fn nested_unsorted_objects_cost_size_times_depth_not_two_to_the_depth() {
    // The first one-pass writer read an unsorted object twice, so nesting doubled the
    // work at every level: found by the metadata fuzz target (out of memory on 9 KB, and a
    // slow unit), kept in tests/vectors/fuzz. No timing here: the old code does not
    // finish this test.
    let limits = JsonLimits::default();
    let deep = nested_unsorted(120);
    assert_eq!(
        canonical::encode_json(deep.as_bytes(), limits),
        tree_canonical(deep.as_bytes(), limits)
    );
    let doc = format!(r#"{{"signatures": [], "signed": {deep}}}"#);
    assert_eq!(link(&deep).unwrap_err().code(), "metadata-type-unknown");
    assert!(Metadata::parse(doc.as_bytes(), limits).is_err());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/fuzz");
    let mut found = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let bytes = std::fs::read(e.unwrap().path()).unwrap();
        let _ = Metadata::parse(&bytes, limits);
        assert_eq!(
            canonical::encode_json(&bytes, limits),
            tree_canonical(&bytes, limits)
        );
        found += 1;
    }
    assert!(found >= 2);
}

fn link(signed: &str) -> Result<Metadata, MetadataError> {
    let doc = format!(r#"{{"signatures": [], "signed": {signed}}}"#);
    Metadata::parse(doc.as_bytes(), JsonLimits::default())
}

fn artifacts_of(md: &Metadata) -> Vec<(String, Vec<(String, String)>)> {
    let Payload::Link(l) = &md.payload else {
        panic!("not a link")
    };
    l.materials
        .iter()
        .map(|(n, d)| {
            (
                n.to_owned(),
                d.iter().map(|(a, v)| (a.to_owned(), v)).collect(),
            )
        })
        .collect()
}

#[test]
fn artifacts_in_any_order_are_sorted_and_signed_canonically() {
    let md = link(
        r#"{"_type": "link", "name": "s", "materials": {"b\u0041": {"sha512": "CD", "sha256": "ab"}, "a": {"sha256": "0f"}}}"#,
    )
    .unwrap();
    assert_eq!(
        artifacts_of(&md),
        [
            ("a".to_owned(), vec![("sha256".to_owned(), "0f".to_owned())]),
            (
                "bA".to_owned(),
                vec![
                    ("sha256".to_owned(), "ab".to_owned()),
                    ("sha512".to_owned(), "CD".to_owned())
                ]
            ),
        ]
    );
    assert_eq!(
        String::from_utf8(md.signed_bytes).unwrap(),
        r#"{"_type":"link","materials":{"a":{"sha256":"0f"},"bA":{"sha256":"ab","sha512":"CD"}},"name":"s"}"#
    );
}

#[test]
fn repeated_artifacts_and_digests_are_json_errors() {
    for signed in [
        r#"{"_type": "link", "name": "s", "materials": {"a": {"sha256": "00"}, "a": {"sha256": "00"}}}"#,
        r#"{"_type": "link", "name": "s", "materials": {"b": {}, "a": {}, "b": {}}}"#,
        r#"{"_type": "link", "name": "s", "materials": {"a": {"sha256": "00", "sha256": "01"}}}"#,
        r#"{"_type": "link", "name": "s", "materials": {"\u0061": {}, "a": {}}}"#,
        r#"{"_type": "link", "name": "s", "materials": {}, "materials": {}}"#,
    ] {
        let e = link(signed).unwrap_err();
        assert!(
            matches!(&e, MetadataError::Json(j) if matches!(j.kind, JsonErrorKind::DuplicateKey { .. })),
            "{signed}: {e:?}"
        );
    }
}

#[test]
fn invalid_artifacts_are_model_errors_after_the_type_check() {
    for (signed, code) in [
        (
            r#"{"_type": "link", "name": "s", "materials": {"a": "00"}}"#,
            "metadata-malformed",
        ),
        (
            r#"{"_type": "link", "name": "s", "materials": {"a": {"sha256": 1}}}"#,
            "metadata-malformed",
        ),
        (
            r#"{"_type": "link", "name": "s", "products": {"a": {"sha256": "xyz"}}}"#,
            "metadata-malformed",
        ),
        (
            r#"{"_type": "link", "name": "s", "products": {"a": {"sha256": ""}}}"#,
            "metadata-malformed",
        ),
        (
            r#"{"_type": "link", "name": "s", "products": []}"#,
            "metadata-malformed",
        ),
        (
            r#"{"_type": "link", "materials": {}}"#,
            "metadata-malformed",
        ),
        (
            r#"{"_type": "lnk", "materials": {"a": 1}}"#,
            "metadata-type-unknown",
        ),
        (r#"{"materials": {"a": 1}}"#, "metadata-type-unknown"),
        (
            r#"{"_type": "link", "name": "s", "materials": {"a": {"sha256": 1.5}}}"#,
            "canonical-json-float",
        ),
        (
            r#"{"_type": "link", "name": "s", "materials": {"a": {"sha256": "00"}, "b": {"sha256": "0"}}}"#,
            "ok",
        ),
    ] {
        let got = match link(signed) {
            Ok(_) => "ok",
            Err(e) => e.code(),
        };
        assert_eq!(got, code, "{signed}");
    }
}

#[test]
fn the_first_invalid_artifact_in_name_order_is_reported() {
    let e = link(
        r#"{"_type": "link", "name": "s", "materials": {"z": 1, "b": {"sha256": "q"}, "c": 2}}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains(r#"materials["b"].sha256"#), "{e}");
}

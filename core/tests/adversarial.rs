//! Hostile inputs: each gives a typed error or the right verdict, in bounded time and
//! memory (issue 5's list). No test here measures time; a regression to exponential or
//! unbounded behaviour shows up as a hang.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use intoto_verify::json::{self, JsonErrorKind, JsonLimits};
use intoto_verify::keys::PublicKey;
use intoto_verify::metadata::{Metadata, MetadataError};
use intoto_verify::model::{DigestSet, Link};
use intoto_verify::report::{FailureCode, LinkStatus, Verdict};
use intoto_verify::rules::{apply_rules, Rule, Side};
use intoto_verify::time::Timestamp;
use intoto_verify::verify::{verify_layout, InspectionResult, VerifyContext, VerifyOptions};
use std::collections::BTreeMap;
use std::path::Path;

fn demo() -> (Vec<u8>, PublicKey, BTreeMap<String, Vec<u8>>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/cases/py-demo-pass");
    let layout = std::fs::read(dir.join("root.layout")).unwrap();
    let key =
        PublicKey::from_pem(&std::fs::read(dir.join("keys/rsa_public.pem")).unwrap()).unwrap();
    let mut links = BTreeMap::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let n = p.file_name().unwrap().to_string_lossy().into_owned();
        if n.ends_with(".link") {
            links.insert(n, std::fs::read(&p).unwrap());
        }
    }
    (layout, key, links)
}

fn verify(
    layout: &[u8],
    key: &PublicKey,
    links: &BTreeMap<String, Vec<u8>>,
    options: VerifyOptions,
) -> intoto_verify::report::Report {
    let ctx = VerifyContext {
        layout_keys: std::slice::from_ref(key),
        links,
        now: Timestamp::parse_rfc3339("2026-11-25T00:00:00Z").unwrap(),
        parameters: None,
        options,
    };
    let mut none: BTreeMap<String, InspectionResult> = BTreeMap::new();
    verify_layout(layout, &ctx, &mut none)
}

#[test]
fn deep_nesting_is_a_typed_error() {
    let (_, key, links) = demo();
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    let r = verify(deep.as_bytes(), &key, &links, VerifyOptions::default());
    assert_eq!(r.verdict, Verdict::Error);
    let f = r.failure.unwrap();
    assert_eq!(f.code, FailureCode::LimitExceeded);
    assert_eq!(f.path.as_deref(), Some("json.max_depth"));
    assert_eq!(f.expected.as_deref(), Some("128"));
    let e = json::parse(deep.as_bytes(), JsonLimits::default()).unwrap_err();
    assert!(matches!(e.kind, JsonErrorKind::TooDeep { .. }));
}

#[test]
fn an_oversized_link_is_rejected_before_parsing() {
    let (layout, key, mut links) = demo();
    let name = links
        .keys()
        .find(|k| k.starts_with("package"))
        .unwrap()
        .clone();
    let mut big = b"{\"signed\": {\"_type\": \"link\", \"name\": \"".to_vec();
    big.resize(100 * 1024 * 1024, b'a');
    links.insert(name.clone(), big);
    let options = VerifyOptions {
        json: JsonLimits {
            max_bytes: 16 * 1024 * 1024,
            ..JsonLimits::default()
        },
        ..VerifyOptions::default()
    };
    let r = verify(&layout, &key, &links, options);
    assert_eq!(r.verdict, Verdict::Fail);
    let link = r
        .steps
        .iter()
        .flat_map(|s| &s.links)
        .find(|l| l.path == name)
        .unwrap();
    assert_eq!(link.status, LinkStatus::LimitExceeded);
    assert!(link
        .detail
        .as_deref()
        .unwrap()
        .contains("exceeds the limit"));
}

#[test]
fn a_hundred_thousand_signatures_are_refused() {
    let mut doc = br#"{"signed": {"_type": "link", "name": "x"}, "signatures": ["#.to_vec();
    for i in 0..100_000 {
        if i > 0 {
            doc.push(b',');
        }
        doc.extend_from_slice(br#"{"keyid": "ab", "sig": "00"}"#);
    }
    doc.extend_from_slice(b"]}");
    let e = Metadata::parse(&doc, JsonLimits::default()).unwrap_err();
    assert!(
        matches!(
            e,
            MetadataError::Limit {
                limit: "max_signatures",
                max: 1024,
                found: 100_000
            }
        ),
        "{e:?}"
    );
    assert!(e.is_limit());
}

#[test]
fn invalid_utf8_huge_and_non_finite_numbers_are_typed_errors() {
    for (input, what) in [
        (b"{\"signed\": \"\xff\", \"signatures\": []}".to_vec(), "utf-8"),
        (b"{\"signed\": {\"_type\": \"link\", \"name\": \"x\", \"byproducts\": {\"n\": 1e999999}}, \"signatures\": []}".to_vec(), "float"),
        (b"{\"signed\": {\"_type\": \"link\", \"name\": \"x\", \"byproducts\": {\"n\": NaN}}, \"signatures\": []}".to_vec(), "nan"),
        (format!("{{\"signed\": {{\"_type\": \"link\", \"name\": \"x\", \"byproducts\": {{\"n\": {}}}}}, \"signatures\": []}}", "9".repeat(5000)).into_bytes(), "digits"),
    ] {
        assert!(Metadata::parse(&input, JsonLimits::default()).is_err(), "{what}");
    }
}

#[test]
fn patterns_built_to_explode_stay_linear() {
    let names: Vec<String> = (0..200).map(|i| "a".repeat(1000 + i)).collect();
    let link = Link {
        name: "s".into(),
        command: vec![],
        materials: Default::default(),
        products: names
            .iter()
            .map(|n| {
                (
                    n.clone(),
                    DigestSet::from([("sha256".to_string(), "00".to_string())]),
                )
            })
            .collect(),
        byproducts: Default::default(),
        environment: Default::default(),
    };
    let evil = "*a".repeat(60) + "b";
    let rule = vec!["DISALLOW".to_string(), evil];
    let parsed = Rule::parse(&rule).unwrap();
    let lookup: BTreeMap<String, Link> = BTreeMap::new();
    let r = apply_rules(Side::Products, &[(rule, parsed)], &link, &lookup, 10);
    assert!(r.is_ok(), "nothing ends in b, so nothing is disallowed");
}

#[test]
fn look_alike_names_are_different_names() {
    // A full-width "ｆoo" is not "foo": DISALLOW foo does not match it, ALLOW ｆoo does.
    let link = Link {
        name: "s".into(),
        command: vec![],
        materials: Default::default(),
        products: [(
            "ｆoo".to_string(),
            DigestSet::from([("sha256".to_string(), "00".to_string())]),
        )]
        .into_iter()
        .collect(),
        byproducts: Default::default(),
        environment: Default::default(),
    };
    let lookup: BTreeMap<String, Link> = BTreeMap::new();
    let rules: Vec<(Vec<String>, Rule)> =
        [["DISALLOW", "foo"], ["ALLOW", "ｆoo"], ["DISALLOW", "*"]]
            .iter()
            .map(|r| {
                (
                    r.iter().map(|s| s.to_string()).collect(),
                    Rule::parse(r).unwrap(),
                )
            })
            .collect();
    let out = apply_rules(Side::Products, &rules, &link, &lookup, 10).unwrap();
    assert_eq!(out[1].consumed_count, 1);
}

#[test]
fn every_verification_limit_is_configurable_and_typed() {
    let (layout, key, links) = demo();
    let base = VerifyOptions::default();
    assert_eq!(verify(&layout, &key, &links, base).verdict, Verdict::Pass);
    // Layout-wide limits: an error naming the limit, its value and what was found.
    let json = |max_entries| JsonLimits {
        max_entries,
        ..JsonLimits::default()
    };
    let cases = [
        (
            VerifyOptions {
                max_steps: 1,
                ..base
            },
            "max_steps",
            "1",
            "2",
        ),
        (
            VerifyOptions {
                max_links: 1,
                ..base
            },
            "max_links",
            "1",
            "2",
        ),
        (
            VerifyOptions {
                max_signatures: 0,
                ..base
            },
            "max_signatures",
            "0",
            "1",
        ),
        (
            VerifyOptions {
                max_pattern_length: 0,
                ..base
            },
            "max_pattern_length",
            "0",
            "*",
        ),
        (
            VerifyOptions {
                json: json(2),
                ..base
            },
            "json.max_entries",
            "2",
            "",
        ),
    ];
    for (options, limit, max, found) in cases {
        let r = verify(&layout, &key, &links, options);
        assert_eq!(r.verdict, Verdict::Error, "{limit}");
        let f = r.failure.unwrap();
        assert_eq!(f.code, FailureCode::LimitExceeded, "{limit}");
        assert_eq!(f.path.as_deref(), Some(limit));
        assert_eq!(f.expected.as_deref(), Some(max), "{limit}");
        if found == "*" {
            assert!(f.actual.is_some(), "{limit}");
        } else {
            assert_eq!(f.actual.as_deref().unwrap_or(""), found, "{limit}");
        }
    }
    // Per-link limits: the link is refused (LimitExceeded), so its step lacks a link.
    let r = verify(
        &layout,
        &key,
        &links,
        VerifyOptions {
            max_artifacts: 0,
            ..base
        },
    );
    assert_eq!(r.verdict, Verdict::Fail);
    let refused: Vec<_> = r
        .steps
        .iter()
        .flat_map(|s| &s.links)
        .filter(|l| l.status == LinkStatus::LimitExceeded)
        .collect();
    assert!(!refused.is_empty());
    assert!(refused[0]
        .detail
        .as_deref()
        .unwrap()
        .contains("max_artifacts"));
}

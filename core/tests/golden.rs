//! Golden vectors made with the reference's own code: pattern matching (CPython's fnmatch)
//! and canonical JSON (securesystemslib's encode_canonical). See tests/vectors/.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use intoto_verify::canonical;
use intoto_verify::json::{self, JsonLimits};
use intoto_verify::pattern::Pattern;
use serde_json::Value;
use std::path::Path;

fn vectors(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

#[test]
fn fnmatch_golden_table() {
    let v = vectors("fnmatch.json");
    let cases = v["cases"].as_array().unwrap();
    let mut bad = Vec::new();
    for c in cases {
        let (name, pat) = (c["name"].as_str().unwrap(), c["pattern"].as_str().unwrap());
        let want = c["match"].as_bool().unwrap();
        match Pattern::new(pat) {
            Ok(p) if p.matches(name) == want => {}
            other => bad.push(format!("{name:?} ~ {pat:?}: want {want}, got {other:?}")),
        }
    }
    println!("fnmatch: {} cases", cases.len());
    assert!(cases.len() > 1000);
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

/// Inputs the reference accepts and we reject on purpose (docs/differences.md).
const CANONICAL_DIFFERENCES: &[(&str, &str)] = &[(
    "{\"b\": 1, \"a\": 2, \"a\": 3}",
    "duplicate object keys are rejected (Python keeps the last one)",
)];

#[test]
fn canonical_json_golden_vectors() {
    let v = vectors("canonical_json.json");
    let cases = v["cases"].as_array().unwrap();
    let mut bad = Vec::new();
    for c in cases {
        let input = c["input"].as_str().unwrap();
        let got = json::parse(input.as_bytes(), JsonLimits::default())
            .ok()
            .and_then(|val| canonical::encode(&val).ok());
        if CANONICAL_DIFFERENCES.iter().any(|(i, _)| *i == input) {
            assert!(got.is_none(), "{input:?} must be rejected");
            continue;
        }
        if c["error"].as_bool() == Some(true) {
            if got.is_some() {
                bad.push(format!("{:.80}: expected an error", input));
            }
        } else {
            let want = hex::decode(c["canonical_utf8_hex"].as_str().unwrap()).unwrap();
            if got.as_deref() != Some(want.as_slice()) {
                bad.push(format!(
                    "{:.80}: want {:.80}, got {:.80}",
                    input,
                    String::from_utf8_lossy(&want),
                    got.map(|g| String::from_utf8_lossy(&g).into_owned())
                        .unwrap_or_default()
                ));
            }
        }
    }
    println!("canonical-json: {} cases", cases.len());
    assert!(
        bad.is_empty(),
        "{} mismatches:\n{}",
        bad.len(),
        bad.join("\n")
    );
}

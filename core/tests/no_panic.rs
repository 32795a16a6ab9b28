//! A fuzz smoke over the parsers and the verifier: truncations, byte flips and splices of
//! real metadata must give a verdict or a typed error, never a panic. (The full
//! coverage-guided fuzzing lives in fuzz/.)
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use intoto_verify::json::{self, JsonLimits};
use intoto_verify::metadata::Metadata;
use intoto_verify::time::Timestamp;
use intoto_verify::verify::{verify_layout, InspectionResult, VerifyContext, VerifyOptions};
use std::collections::BTreeMap;
use std::path::Path;

mod common;
use common::Rng;

fn corpus() -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/cases");
    let mut out = Vec::new();
    for id in [
        "py-demo-pass",
        "go-demo-dsse-layout-pass",
        "sublayout-match-summary-pass",
        "rule-each-type-pass",
    ] {
        for e in std::fs::read_dir(dir.join(id)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                out.push(std::fs::read(p).unwrap());
            }
        }
    }
    out
}

fn mutate(rng: &mut Rng, base: &[u8], other: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    match rng.below(5) {
        0 => v.truncate(rng.below(v.len())),
        1 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(v.len());
                if let Some(b) = v.get_mut(i) {
                    *b ^= 1 << rng.below(8);
                }
            }
        }
        2 => {
            let i = rng.below(v.len());
            let j = rng.below(other.len());
            v.truncate(i);
            v.extend_from_slice(&other[j..]);
        }
        3 => {
            // Replace a structural character with another one.
            let tokens = b"{}[]\":,0-e.\\u";
            for _ in 0..1 + rng.below(4) {
                let i = rng.below(v.len());
                if let Some(b) = v.get_mut(i) {
                    *b = tokens[rng.below(tokens.len())];
                }
            }
        }
        _ => {
            let i = rng.below(v.len());
            let n = rng.below(64);
            let junk: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
            v.splice(i..i, junk);
        }
    }
    v
}

#[test]
fn parsers_never_panic_on_mutated_metadata() {
    let corpus = corpus();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let limits = JsonLimits::default();
    for _ in 0..20_000 {
        let a = &corpus[rng.below(corpus.len())];
        let b = &corpus[rng.below(corpus.len())];
        let m = mutate(&mut rng, a, b);
        let _ = json::parse(&m, limits);
        let _ = Metadata::parse(&m, limits);
    }
}

#[test]
fn verifier_never_panics_on_mutated_chains() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance/cases/py-demo-pass");
    let layout = std::fs::read(dir.join("root.layout")).unwrap();
    let key = intoto_verify::keys::PublicKey::from_pem(
        &std::fs::read(dir.join("keys/rsa_public.pem")).unwrap(),
    )
    .unwrap();
    let mut links = BTreeMap::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".link") {
            links.insert(name, std::fs::read(&p).unwrap());
        }
    }
    let names: Vec<String> = links.keys().cloned().collect();
    let mut rng = Rng(42);
    for _ in 0..2_000 {
        let mut l = links.clone();
        let victim = &names[rng.below(names.len())];
        let m = mutate(&mut rng, &links[victim], &layout);
        l.insert(victim.clone(), m);
        let lay = if rng.below(4) == 0 {
            mutate(&mut rng, &layout, &links[victim])
        } else {
            layout.clone()
        };
        let ctx = VerifyContext {
            layout_keys: std::slice::from_ref(&key),
            links: &l,
            now: Timestamp::from_unix(1_800_000_000),
            parameters: None,
            options: VerifyOptions::default(),
        };
        let mut none: BTreeMap<String, InspectionResult> = BTreeMap::new();
        let report = verify_layout(&lay, &ctx, &mut none);
        // A changed byte in signed content can never pass... unless it was whitespace or
        // inside the unsigned signatures list; what matters here is: no panic, a verdict.
        let _ = report.to_json();
    }
}

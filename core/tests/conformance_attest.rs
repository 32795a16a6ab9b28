//! Attestation conformance through the core API:
//!
//! * tests/conformance: `dsse-verify`, `dsse-pae`, `statement-parse`,
//!   `resource-descriptor-parse`;
//! * tests/conformance-attest: `dsse-verify`, `statement-parse`, `vsa-verify` (in full),
//!   and `slsa-policy` (the Statement, subject and policy part only: the envelopes are
//!   Sigstore bundles signed by a Fulcio certificate, which this crate does not verify).
//!
//! DSSE and VSA cases go through `api::verify_attestation_json`, the entry point the
//! bindings use. Every case of those kinds is run, run against a documented divergent
//! expectation (tests/suite/attest-differences.json), or skipped with a reason
//! (`SKIPPED`); a case in none of these fails the test. `--nocapture` shows the counts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::Engine as _;
use intoto_verify::api::verify_attestation_json;
use intoto_verify::attestation::verify_verified_payload;
use intoto_verify::digest::digest_bytes;
use intoto_verify::dsse;
use intoto_verify::json::JsonLimits;
use intoto_verify::policy::Policy;
use intoto_verify::report::{AttestationReport, Verdict};
use intoto_verify::statement::{is_in_toto_payload_type, ResourceDescriptor, Statement};
use serde_json::{json, Value as J};
use std::path::{Path, PathBuf};

const SKIPPED: &[(&str, &str)] = &[(
    "slsa-npm-gundam-v1-mismatch-version-fail",
    "the failure is npm's package rule (subject[0].name must be the purl of the requested version), an ecosystem rule this verifier does not implement",
)];

fn root(corpus: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests")
        .join(corpus)
}

fn read_json(p: &Path) -> J {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

fn text(p: &Path) -> String {
    String::from_utf8(std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))).unwrap()
}

/// What a case produced: pass, or fail with an error kind.
#[derive(Debug, PartialEq)]
struct Outcome {
    pass: bool,
    kind: Option<String>,
    code: Option<String>,
}

fn from_report(r: &AttestationReport, kinds: &J) -> Outcome {
    match (&r.verdict, &r.failure) {
        (Verdict::Pass, _) => Outcome {
            pass: true,
            kind: None,
            code: None,
        },
        (_, f) => {
            let code = f.as_ref().map(|f| f.code.as_str()).unwrap_or("");
            Outcome {
                pass: false,
                kind: Some(kinds["codes"][code].as_str().unwrap_or(code).to_owned()),
                code: Some(code.to_owned()),
            }
        }
    }
}

/// A Statement or ResourceDescriptor that does not parse: what the attestation report
/// says for it (`statement-malformed`), whatever the parser's own error code.
fn malformed(_parser_code: &str) -> Outcome {
    Outcome {
        pass: false,
        kind: Some("malformed".into()),
        code: Some("statement-malformed".into()),
    }
}

fn pass() -> Outcome {
    Outcome {
        pass: true,
        kind: None,
        code: None,
    }
}

/// tests/conformance cases: paths relative to the case folder.
fn run_conformance(case: &J, kinds: &J) -> Outcome {
    let dir = root("conformance")
        .join("cases")
        .join(case["id"].as_str().unwrap());
    let inputs = &case["inputs"];
    match case["kind"].as_str().unwrap() {
        "dsse-pae" => {
            let payload = std::fs::read(dir.join(inputs["payload"].as_str().unwrap())).unwrap();
            let expected =
                std::fs::read(dir.join(case["expected"]["pae"].as_str().unwrap())).unwrap();
            let got = dsse::pae(
                inputs["payload_type"].as_str().unwrap().as_bytes(),
                &payload,
            );
            assert_eq!(got, expected);
            pass()
        }
        "dsse-verify" => {
            let keys: Vec<J> = inputs["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| J::String(text(&dir.join(k["path"].as_str().unwrap()))))
                .collect();
            let req = json!({
                "envelope": text(&dir.join(inputs["envelope"].as_str().unwrap())),
                "verificationKeys": keys,
                "threshold": inputs["threshold"],
                "envelopeOnly": true,
            });
            from_report(&verify_attestation_json(&req.to_string()), kinds)
        }
        "statement-parse" => {
            let bytes = std::fs::read(dir.join(inputs["statement"].as_str().unwrap())).unwrap();
            match Statement::from_slice(&bytes, JsonLimits::default()) {
                Ok(s) => {
                    if let Some(t) = case["expected"]["predicate_type"].as_str() {
                        assert_eq!(s.predicate_type, t);
                    }
                    pass()
                }
                Err(e) => malformed(e.code()),
            }
        }
        "resource-descriptor-parse" => {
            let bytes =
                std::fs::read(dir.join(inputs["resource_descriptor"].as_str().unwrap())).unwrap();
            match ResourceDescriptor::from_slice(&bytes, JsonLimits::default()) {
                Ok(_) => pass(),
                Err(e) => malformed(e.code()),
            }
        }
        other => panic!("unexpected kind {other}"),
    }
}

/// tests/conformance-attest cases: paths relative to the corpus root.
fn run_attest(case: &J, kinds: &J) -> Outcome {
    let base = root("conformance-attest");
    let inputs = &case["inputs"];
    let path = |v: &J| base.join(v.as_str().unwrap());
    match case["kind"].as_str().unwrap() {
        "dsse-verify" => {
            let keys: Vec<J> = inputs["public_keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| json!({"pem": text(&path(&k["path"])), "keyid": k["keyid"]}))
                .collect();
            let req = json!({
                "envelope": text(&path(&inputs["envelope"])),
                "verification_keys": keys,
                "threshold": inputs["threshold"],
                "envelope_only": true,
            });
            from_report(&verify_attestation_json(&req.to_string()), kinds)
        }
        "statement-parse" => {
            let bytes = std::fs::read(path(&inputs["statement"])).unwrap();
            assert!(is_in_toto_payload_type(
                inputs["payload_type"].as_str().unwrap()
            ));
            match Statement::from_slice(&bytes, JsonLimits::default()) {
                Ok(_) => pass(),
                Err(e) => malformed(e.code()),
            }
        }
        "vsa-verify" => {
            let p = &inputs["policy"];
            let req = json!({
                "envelope": text(&path(&inputs["envelope"])),
                "verification_keys": [{"pem": text(&path(&inputs["public_key"])), "keyid": inputs["public_key_id"]}],
                "artifact_digest": p["subject_digests"],
                "policy": {
                    "verifierId": p["verifier_id"],
                    "resourceUri": p["resource_uri"],
                    "verifiedLevels": p["verified_levels"],
                },
            });
            from_report(&verify_attestation_json(&req.to_string()), kinds)
        }
        "slsa-policy" => {
            let p = &inputs["policy"];
            let artifact =
                digest_bytes(&std::fs::read(path(&inputs["artifact"])).unwrap()).to_digest_set();
            let atts = read_json(&path(&inputs["attestations"]));
            let mut outcome = pass();
            for att in atts["attestations"].as_array().unwrap() {
                let env = &att["bundle"]["dsseEnvelope"];
                let payload = base64::engine::general_purpose::STANDARD
                    .decode(env["payload"].as_str().unwrap())
                    .unwrap();
                let is_provenance = att["predicateType"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://slsa.dev/provenance/");
                let policy = if is_provenance {
                    Policy {
                        builder_id: p["builder_id"].as_str().map(str::to_owned),
                        source_uri: p["source_uri"].as_str().map(str::to_owned),
                        ..Policy::default()
                    }
                } else {
                    Policy::default()
                };
                let report = verify_verified_payload(
                    env["payloadType"].as_str().unwrap(),
                    &payload,
                    Some(&artifact),
                    &policy,
                    JsonLimits::default(),
                );
                if outcome.pass {
                    outcome = from_report(&report, kinds);
                }
            }
            outcome
        }
        other => panic!("unexpected kind {other}"),
    }
}

#[test]
fn attestation_conformance_cases() {
    let kinds = read_json(&root("suite").join("attest-error-kinds.json"));
    let differences = read_json(&root("suite").join("attest-differences.json"));
    let mut lines = Vec::new();
    let (mut run, mut divergent, mut skipped, mut partial) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    let mut seen_skips = Vec::new();
    for (corpus, wanted) in [
        (
            "conformance",
            &[
                "dsse-verify",
                "dsse-pae",
                "statement-parse",
                "resource-descriptor-parse",
            ][..],
        ),
        (
            "conformance-attest",
            &[
                "dsse-verify",
                "statement-parse",
                "vsa-verify",
                "slsa-policy",
            ][..],
        ),
    ] {
        let manifest = read_json(&root(corpus).join("manifest.json"));
        for case in manifest["cases"].as_array().unwrap() {
            let kind = case["kind"].as_str().unwrap();
            if !wanted.contains(&kind) {
                continue;
            }
            let id = case["id"].as_str().unwrap();
            if let Some((_, reason)) = SKIPPED.iter().find(|(s, _)| *s == id) {
                skipped += 1;
                seen_skips.push(id.to_owned());
                lines.push(format!("  skipped {id}: {reason}"));
                continue;
            }
            let got = if corpus == "conformance" {
                run_conformance(case, &kinds)
            } else {
                run_attest(case, &kinds)
            };
            let exp = &case["expected"];
            let (want_pass, want_code) = match differences["cases"].get(id) {
                Some(d) => {
                    divergent += 1;
                    lines.push(format!(
                        "  divergent {id}: {}",
                        d["reason"].as_str().unwrap()
                    ));
                    (
                        d["verdict"] == "pass",
                        d["code"].as_str().map(str::to_owned),
                    )
                }
                None => {
                    if kind == "slsa-policy" {
                        partial += 1;
                    } else {
                        run += 1;
                    }
                    (exp["verdict"] == "pass", None)
                }
            };
            let mut ok_kinds: Vec<String> = vec![];
            for k in [&exp["error_kind"]] {
                if let Some(s) = k.as_str() {
                    ok_kinds.push(s.to_owned());
                }
            }
            for list in [&exp["alt_error_kinds"], &exp["acceptable_error_kinds"]] {
                for k in list.as_array().into_iter().flatten() {
                    ok_kinds.push(k.as_str().unwrap().to_owned());
                }
            }
            let ok = if want_pass {
                got.pass
            } else if let Some(code) = &want_code {
                !got.pass && got.code.as_deref() == Some(code.as_str())
            } else {
                !got.pass && got.kind.as_ref().is_some_and(|k| ok_kinds.contains(k))
            };
            if !ok {
                failures.push(format!(
                    "{corpus}/{id} ({kind}): expected {} {:?} {want_code:?}, got {got:?}",
                    if want_pass { "pass" } else { "fail" },
                    ok_kinds
                ));
            }
        }
    }
    println!(
        "attestation conformance (core): {run} run, {partial} run in part (slsa-policy: Statement, subject and policy; the Sigstore signature is not verified), {divergent} run with a divergent expectation, {skipped} skipped"
    );
    for l in &lines {
        println!("{l}");
    }
    for (id, _) in SKIPPED {
        assert!(
            seen_skips.iter().any(|s| s == id),
            "SKIPPED names no case: {id}"
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(divergent, differences["cases"].as_object().unwrap().len());
}

//! Every `layout-verify` case of tests/conformance (see its README) through the core API.
//!
//! Cases whose layouts run inspections need a process runner, which the no-I/O core does
//! not have: they run through the CLI (cli/tests/conformance.rs) and are listed here.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use intoto_verify::keys::PublicKey;
use intoto_verify::report::{Failure, FailureCode, Verdict};
use intoto_verify::time::Timestamp;
use intoto_verify::verify::{verify_layout, InspectionResult, VerifyContext, VerifyOptions};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

/// Reads every file below `dir` into a map of `/`-separated relative names.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p
                    .strip_prefix(base)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The conformance corpus's error kind for a failure code.
pub fn error_kind(f: &Failure) -> &'static str {
    match f.code {
        FailureCode::LayoutSignatureMissing
        | FailureCode::LayoutSignatureInvalid
        | FailureCode::LayoutKeysMissing => "signature",
        FailureCode::LayoutExpired => "expired",
        FailureCode::LinkMissing => "link-missing",
        FailureCode::ThresholdUnmet | FailureCode::ThresholdLinksDisagree => "threshold",
        FailureCode::RuleDisallowed | FailureCode::RuleRequiredMissing => "artifact-rule",
        FailureCode::InspectionFailed => "inspection",
        FailureCode::LayoutMalformed => "malformed",
        FailureCode::ParameterMissing | FailureCode::ParameterInvalid => "parameter",
        FailureCode::SublayoutFailed => match &f.cause {
            Some(c) => error_kind(c),
            None => "sublayout",
        },
        _ => "other",
    }
}

/// Cases this runner does not run, with the reason.
const SKIPPED: &[(&str, &str)] = &[];

/// Deliberate differences from the reference (docs/differences.md): the case id, the
/// failure code we give instead, and why.
pub const DIFFERENCES: &[(&str, FailureCode, &str)] = &[(
    "rule-link-name-mismatch-pass",
    FailureCode::ThresholdUnmet,
    "a link whose `name` is not the step's name is not accepted for that step \
     (spec 4.4; link replay, GHSA-6q78-j78h-pqm2); in-toto 3.1.0 does not compare them",
)];

#[test]
fn layout_cases() {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(root().join("manifest.json")).unwrap()).unwrap();
    let (mut ran, mut skipped, mut failures) = (0, 0, Vec::new());
    for case in manifest["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        let kind = case["kind"].as_str().unwrap();
        if kind == "sublayout-verify" {
            skipped += 1; // verifies part of the algorithm only; see SKIPPED_KINDS in the README
            continue;
        }
        if kind != "layout-verify" {
            continue;
        }
        if case["inspections"]["needed"].as_bool() == Some(true) {
            skipped += 1; // runs through the CLI runner
            continue;
        }
        if SKIPPED.iter().any(|(s, _)| *s == id) {
            skipped += 1;
            continue;
        }
        let dir = root().join("cases").join(id);
        let inputs = &case["inputs"];
        let layout = std::fs::read(dir.join(inputs["layout"].as_str().unwrap())).unwrap();
        let keys: Vec<PublicKey> = inputs["layout_keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| {
                let pem = std::fs::read(dir.join(k["path"].as_str().unwrap())).unwrap();
                PublicKey::from_pem(&pem).unwrap()
            })
            .collect();
        let links = read_tree(&dir.join(inputs["link_dir"].as_str().unwrap_or(".")));
        let params: Option<BTreeMap<String, String>> = inputs
            .get("substitution_parameters")
            .map(|p| serde_json::from_value(p.clone()).unwrap());
        let now = Timestamp::parse_rfc3339(inputs["verification_time"].as_str().unwrap()).unwrap();
        let ctx = VerifyContext {
            layout_keys: &keys,
            links: &links,
            now,
            parameters: params.as_ref(),
            options: VerifyOptions::default(),
        };
        let mut no_inspections: BTreeMap<String, InspectionResult> = BTreeMap::new();
        let report = verify_layout(&layout, &ctx, &mut no_inspections);
        ran += 1;

        let expected = &case["expected"];
        let want_pass = expected["verdict"] == "pass";
        let got_pass = report.verdict == Verdict::Pass;
        let mut kinds: Vec<&str> = vec![];
        if let Some(k) = expected["error_kind"].as_str() {
            kinds.push(k);
        }
        if let Some(a) = expected["acceptable_error_kinds"].as_array() {
            kinds.extend(a.iter().filter_map(Value::as_str));
        }
        let got_kind = report.failure.as_ref().map(error_kind);
        let ok = if let Some((_, code, _)) = DIFFERENCES.iter().find(|(d, _, _)| *d == id) {
            report.failure.as_ref().map(|f| f.code) == Some(*code)
        } else if want_pass {
            got_pass
        } else {
            !got_pass && got_kind.is_some_and(|g| kinds.contains(&g))
        };
        if !ok {
            failures.push(format!(
                "{id}: expected {} {:?}, got {:?} {:?}",
                expected["verdict"],
                kinds,
                report.verdict,
                report.failure.as_ref().map(|f| (f.code, f.message.clone()))
            ));
        }
    }
    println!("layout-verify: {ran} run, {skipped} left to the CLI runner or skipped");
    assert!(ran > 60, "too few cases ran: {ran}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

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
use intoto_verify::report::{Failure, FailureCode, Report, Verdict};
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

/// The conformance error kind of a failure, through tests/suite/error-kinds.json.
fn error_kind(kinds: &Value, f: &Failure) -> String {
    if f.code == FailureCode::SublayoutFailed {
        if let Some(c) = &f.cause {
            return error_kind(kinds, c);
        }
    }
    kinds["codes"][f.code.as_str()]
        .as_str()
        .unwrap_or(f.code.as_str())
        .to_owned()
}

fn suite(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/suite")
        .join(name);
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Verifies one `layout-verify` case (folder `dir`, manifest `inputs`) without inspections.
fn run_case(dir: &Path, inputs: &Value) -> Report {
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
    verify_layout(&layout, &ctx, &mut no_inspections)
}

#[test]
fn layout_cases() {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(root().join("manifest.json")).unwrap()).unwrap();
    let kinds_map = suite("error-kinds.json");
    let differences = suite("differences.json");
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
        let report = run_case(&root().join("cases").join(id), &case["inputs"]);
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
        let got_kind = report.failure.as_ref().map(|f| error_kind(&kinds_map, f));
        let ok = if let Some(code) = differences["cases"][id]["code"].as_str() {
            report.failure.as_ref().map(|f| f.code.as_str()) == Some(code)
        } else if want_pass {
            got_pass
        } else {
            !got_pass && got_kind.is_some_and(|g| kinds.contains(&g.as_str()))
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

/// Every case of tests/regression/manifest.json (see its README): the verdict and, for a
/// failure, the exact `expected.code`. `cli_only` cases run in the CLI runner only;
/// `known_failure` cases are skipped with their reason until core is fixed.
#[test]
fn regression_cases() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/regression");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    let (mut ran, mut cli_only, mut known, mut failures) = (0, 0, Vec::new(), Vec::new());
    for case in manifest["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        assert_eq!(case["kind"], "layout-verify", "{id}: unexpected kind");
        if case["cli_only"].as_bool() == Some(true) {
            cli_only += 1;
            continue;
        }
        if let Some(reason) = case["known_failure"].as_str() {
            known.push(format!("{id}: {reason}"));
            continue;
        }
        let report = run_case(&root.join("cases").join(id), &case["inputs"]);
        ran += 1;
        let expected = &case["expected"];
        let code = report.failure.as_ref().map(|f| f.code.as_str());
        let cause = report.failure.as_ref().and_then(|f| f.cause.as_ref());
        let ok = (report.verdict == Verdict::Pass) == (expected["verdict"] == "pass")
            && code == expected["code"].as_str()
            && expected["cause_code"]
                .as_str()
                .is_none_or(|c| cause.map(|f| f.code.as_str()) == Some(c));
        if !ok {
            failures.push(format!(
                "{id}: expected {} {} (cause {}), got {:?} {:?}",
                expected["verdict"],
                expected["code"],
                expected["cause_code"],
                report.verdict,
                report.failure.as_ref().map(|f| (f.code, f.message.clone()))
            ));
        }
    }
    println!(
        "regression: {ran} run, {cli_only} left to the CLI runner, {} known failure(s) skipped",
        known.len()
    );
    for k in &known {
        println!("  known failure, skipped: {k}");
    }
    assert!(ran >= 40, "too few regression cases ran: {ran}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

//! Every `layout-verify` case of tests/conformance through the real `intoto-verify`
//! binary, inspections included: each case runs in a fresh copy of its folder.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// The conformance error kind of a JSON report's failure, through
/// tests/suite/error-kinds.json.
fn error_kind(kinds: &Value, f: &Value) -> String {
    let code = f["code"].as_str().unwrap_or("");
    if code == "sublayout-failed" {
        return error_kind(kinds, &f["cause"]);
    }
    kinds["codes"][code].as_str().unwrap_or(code).to_owned()
}

fn suite(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/suite")
        .join(name);
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Runs the binary on a case copied to `work`, with extra environment variables.
fn run_cli(work: &Path, inputs: &Value, env: &[(String, String)]) -> std::process::Output {
    let run_dir = work.join(inputs["working_dir"].as_str().unwrap_or("."));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_intoto-verify"));
    cmd.current_dir(&run_dir)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .arg("-l")
        .arg(work.join(inputs["layout"].as_str().unwrap()))
        .arg("--link-dir")
        .arg(work.join(inputs["link_dir"].as_str().unwrap_or(".")))
        .arg("--now")
        .arg(inputs["verification_time"].as_str().unwrap())
        .arg("--format")
        .arg("json");
    let keys = inputs["layout_keys"].as_array().unwrap();
    if !keys.is_empty() {
        cmd.arg("--verification-keys");
        for k in keys {
            cmd.arg(work.join(k["path"].as_str().unwrap()));
        }
    }
    if let Some(params) = inputs["substitution_parameters"].as_object() {
        for (k, v) in params {
            cmd.arg("--param")
                .arg(format!("{k}={}", v.as_str().unwrap()));
        }
    }
    cmd.output().unwrap()
}

#[test]
fn layout_cases_through_the_cli() {
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(root().join("manifest.json")).unwrap()).unwrap();
    let scratch = std::env::temp_dir().join(format!("intoto-verify-conf-{}", std::process::id()));
    let kinds_map = suite("error-kinds.json");
    let differences = suite("differences.json");
    let (mut ran, mut with_inspections, mut failures) = (0, 0, Vec::new());
    for case in manifest["cases"].as_array().unwrap() {
        if case["kind"] != "layout-verify" {
            continue;
        }
        let id = case["id"].as_str().unwrap();
        let work = scratch.join(id);
        copy_dir(&root().join("cases").join(id), &work);
        let inputs = &case["inputs"];
        let keys = inputs["layout_keys"].as_array().unwrap();
        if case["inspections"]["needed"].as_bool() == Some(true) {
            with_inspections += 1;
        }
        let out = run_cli(&work, inputs, &[]);
        ran += 1;
        let code = out.status.code().unwrap_or(-1);
        let expected = &case["expected"];
        let want_pass = expected["verdict"] == "pass";
        let mut kinds: Vec<String> = vec![];
        if let Some(k) = expected["error_kind"].as_str() {
            kinds.push(k.into());
        }
        if let Some(a) = expected["acceptable_error_kinds"].as_array() {
            kinds.extend(a.iter().filter_map(Value::as_str).map(String::from));
        }
        // No keys: the CLI refuses the command line (exit 2), like in-toto-verify.
        let ok = if let Some(want_code) = differences["cases"][id]["code"].as_str() {
            let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
            code == 1 && report["failure"]["code"] == want_code
        } else if keys.is_empty() {
            !want_pass && code == 2
        } else {
            let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
            let got_kind = error_kind(&kinds_map, &report["failure"]);
            if want_pass {
                code == 0
            } else {
                code == 1 && kinds.contains(&got_kind)
            }
        };
        if !ok {
            failures.push(format!(
                "{id}: expected {} {kinds:?}, exit {code}: {}{}",
                expected["verdict"],
                String::from_utf8_lossy(&out.stdout)
                    .chars()
                    .take(600)
                    .collect::<String>(),
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!("layout-verify through the CLI: {ran} cases ({with_inspections} with inspections)");
    assert!(ran >= 100, "too few cases: {ran}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every case of tests/regression/manifest.json through the binary: exit code, the JSON
/// report's exact `failure.code` (and `failure.cause.code` when `expected.cause_code` is
/// given). A case with `ambient` runs a second time with those files written into its
/// working directory and those environment variables set, and must give the same answer.
/// `known_failure` cases are skipped with their reason until core is fixed.
#[test]
fn regression_cases_through_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/regression");
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    let scratch = std::env::temp_dir().join(format!("intoto-verify-regr-{}", std::process::id()));
    let (mut ran, mut ambient_runs, mut known, mut failures) = (0, 0, Vec::new(), Vec::new());
    for case in manifest["cases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        if let Some(reason) = case["known_failure"].as_str() {
            known.push(format!("{id}: {reason}"));
            continue;
        }
        let work = scratch.join(id);
        copy_dir(&root.join("cases").join(id), &work);
        let inputs = &case["inputs"];
        let expected = &case["expected"];
        let check = |out: &std::process::Output, label: &str| -> Option<String> {
            let report: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
            let want_exit = if expected["verdict"] == "pass" { 0 } else { 1 };
            let ok = out.status.code() == Some(want_exit)
                && report["failure"]["code"].as_str() == expected["code"].as_str()
                && expected["cause_code"]
                    .as_str()
                    .is_none_or(|c| report["failure"]["cause"]["code"] == c);
            (!ok).then(|| {
                format!(
                    "{id}{label}: expected {} {} (cause {}), exit {:?}: {}{}",
                    expected["verdict"],
                    expected["code"],
                    expected["cause_code"],
                    out.status.code(),
                    String::from_utf8_lossy(&out.stdout)
                        .chars()
                        .take(600)
                        .collect::<String>(),
                    String::from_utf8_lossy(&out.stderr)
                )
            })
        };
        failures.extend(check(&run_cli(&work, inputs, &[]), ""));
        ran += 1;
        if let Some(ambient) = case.get("ambient") {
            let run_dir = work.join(inputs["working_dir"].as_str().unwrap_or("."));
            for (name, text) in ambient["files"].as_object().unwrap() {
                std::fs::write(run_dir.join(name), text.as_str().unwrap()).unwrap();
            }
            let env: Vec<(String, String)> = ambient["env"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect();
            failures.extend(check(
                &run_cli(&work, inputs, &env),
                " (with ambient config)",
            ));
            ambient_runs += 1;
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    println!(
        "regression through the CLI: {ran} cases ({ambient_runs} also with ambient config), {} known failure(s) skipped",
        known.len()
    );
    for k in &known {
        println!("  known failure, skipped: {k}");
    }
    assert!(ran >= 40, "too few regression cases: {ran}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

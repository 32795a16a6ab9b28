//! Attestation conformance through the real `intoto-verify attestation` binary:
//!
//! * tests/conformance: `dsse-verify` (`--envelope-only`), `statement-parse` and
//!   `resource-descriptor-parse` (the document signed at test time into an envelope; a
//!   ResourceDescriptor as the single subject of a v1 Statement);
//! * tests/conformance-attest: `dsse-verify` (`--envelope-only`, keyids through
//!   `--verification-key-ids`), `statement-parse` (signed at test time, with the case's
//!   payload type), `vsa-verify` (in full). `slsa-policy` cases are skipped: their
//!   envelopes are Sigstore bundles, which the CLI does not verify.
//!
//! Plus the CLI's own behaviour: streaming `--artifact`, `--digest`, exit codes, and the
//! layout command left as it was.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use ed25519_dalek::Signer as _;
use serde_json::{json, Value as J};
use std::path::{Path, PathBuf};
use std::process::Command;

fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests")
}

fn read_json(p: &Path) -> J {
    serde_json::from_slice(&std::fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .unwrap()
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_intoto-verify"))
}

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("intoto-attest-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Scratch(p)
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The test signer: Ed25519 from a fixed seed.
fn signer() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[0x42; 32])
}

fn signer_pem() -> String {
    let mut der = vec![
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
    ];
    der.extend_from_slice(signer().verifying_key().as_bytes());
    format!(
        "-----BEGIN PUBLIC KEY-----\n{}\n-----END PUBLIC KEY-----\n",
        STANDARD.encode(der)
    )
}

fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut m = format!(
        "DSSEv1 {} {payload_type} {} ",
        payload_type.len(),
        payload.len()
    )
    .into_bytes();
    m.extend_from_slice(payload);
    m
}

/// A DSSE envelope of `payload`, signed by [`signer`].
fn sign(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let sig = signer().sign(&pae(payload_type, payload)).to_bytes();
    json!({"payload": STANDARD.encode(payload), "payloadType": payload_type,
           "signatures": [{"sig": STANDARD.encode(sig)}]})
    .to_string()
    .into_bytes()
}

/// Runs the binary; returns (exit code, the JSON report if any).
fn run(args: &[&str]) -> (i32, Option<J>, String) {
    let out = bin().args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    (
        out.status.code().unwrap_or(-1),
        serde_json::from_str(&stdout).ok(),
        stderr,
    )
}

fn run_report(mut args: Vec<String>) -> (i32, J) {
    args.extend(["--format".into(), "json".into()]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, report, stderr) = run(&refs);
    (
        code,
        report.unwrap_or_else(|| panic!("no JSON report: {stderr}")),
    )
}

struct Got {
    pass: bool,
    kind: Option<String>,
    code: Option<String>,
}

fn got(exit: i32, report: &J, kinds: &J) -> Got {
    let pass = report["verdict"] == "pass";
    assert_eq!(exit, if pass { 0 } else { 1 }, "{report}");
    let code = report["failure"]["code"].as_str().map(str::to_owned);
    Got {
        pass,
        kind: code
            .as_deref()
            .map(|c| kinds["codes"][c].as_str().unwrap_or(c).to_owned()),
        code,
    }
}

fn s(p: &Path) -> String {
    p.to_str().unwrap().to_owned()
}

#[test]
fn attestation_cases_through_the_cli() {
    let kinds = read_json(&tests_dir().join("suite/attest-error-kinds.json"));
    let differences = read_json(&tests_dir().join("suite/attest-differences.json"));
    let scratch = Scratch::new("conf");
    let key = scratch.write("signer.pem", signer_pem().as_bytes());
    let (mut ran, mut divergent, mut skipped) = (0, 0, 0);
    let mut failures = Vec::new();
    for corpus in ["conformance", "conformance-attest"] {
        let base = tests_dir().join(corpus);
        let manifest = read_json(&base.join("manifest.json"));
        for case in manifest["cases"].as_array().unwrap() {
            let id = case["id"].as_str().unwrap();
            let kind = case["kind"].as_str().unwrap();
            let inputs = &case["inputs"];
            // tests/conformance paths are relative to the case folder.
            let at = |v: &J| {
                if corpus == "conformance" {
                    base.join("cases").join(id).join(v.as_str().unwrap())
                } else {
                    base.join(v.as_str().unwrap())
                }
            };
            let mut args: Vec<String> = vec!["attestation".into()];
            match kind {
                "dsse-verify" => {
                    let keys = inputs["keys"]
                        .as_array()
                        .or(inputs["public_keys"].as_array())
                        .unwrap();
                    args.extend(["--envelope".into(), s(&at(&inputs["envelope"]))]);
                    args.push("--verification-keys".into());
                    args.extend(keys.iter().map(|k| s(&at(&k["path"]))));
                    if corpus == "conformance-attest" {
                        args.push("--verification-key-ids".into());
                        args.extend(
                            keys.iter()
                                .map(|k| k["keyid"].as_str().unwrap_or("-").to_owned()),
                        );
                    }
                    args.extend([
                        "--threshold".into(),
                        inputs["threshold"].to_string(),
                        "--envelope-only".into(),
                    ]);
                }
                "statement-parse" | "resource-descriptor-parse" => {
                    let payload = if kind == "statement-parse" {
                        std::fs::read(at(&inputs["statement"])).unwrap()
                    } else {
                        let rd: J = serde_json::from_slice(
                            &std::fs::read(at(&inputs["resource_descriptor"])).unwrap(),
                        )
                        .unwrap();
                        json!({"_type": "https://in-toto.io/Statement/v1", "subject": [rd],
                               "predicateType": "https://example.com/rd-wrapper", "predicate": {}})
                        .to_string()
                        .into_bytes()
                    };
                    let pt = inputs["payload_type"]
                        .as_str()
                        .unwrap_or("application/vnd.in-toto+json");
                    let env = scratch.write(&format!("{id}.json"), &sign(pt, &payload));
                    args.extend([
                        "--envelope".into(),
                        s(&env),
                        "--verification-keys".into(),
                        s(&key),
                    ]);
                }
                "vsa-verify" => {
                    let p = &inputs["policy"];
                    args.extend([
                        "--envelope".into(),
                        s(&at(&inputs["envelope"])),
                        "--verification-keys".into(),
                        s(&at(&inputs["public_key"])),
                        "--verification-key-ids".into(),
                        inputs["public_key_id"].as_str().unwrap().into(),
                        "--verifier-id".into(),
                        p["verifier_id"].as_str().unwrap().into(),
                        "--resource-uri".into(),
                        p["resource_uri"].as_str().unwrap().into(),
                    ]);
                    for d in p["subject_digests"].as_array().unwrap() {
                        args.extend(["--digest".into(), d.as_str().unwrap().into()]);
                    }
                    for l in p["verified_levels"].as_array().unwrap() {
                        args.extend(["--verified-level".into(), l.as_str().unwrap().into()]);
                    }
                }
                "slsa-policy" => {
                    skipped += 1;
                    println!("  skipped {id}: a Sigstore bundle (Fulcio certificate); the CLI verifies key-signed DSSE envelopes only");
                    continue;
                }
                _ => continue,
            }
            let (exit, report) = run_report(args);
            let g = got(exit, &report, &kinds);
            let exp = &case["expected"];
            let (want_pass, want_code) = match differences["cases"].get(id) {
                Some(d) => {
                    divergent += 1;
                    (
                        d["verdict"] == "pass",
                        d["code"].as_str().map(str::to_owned),
                    )
                }
                None => {
                    ran += 1;
                    (exp["verdict"] == "pass", None)
                }
            };
            let mut ok_kinds: Vec<&str> = exp["error_kind"].as_str().into_iter().collect();
            for list in [&exp["alt_error_kinds"], &exp["acceptable_error_kinds"]] {
                ok_kinds.extend(list.as_array().into_iter().flatten().filter_map(J::as_str));
            }
            let ok = if want_pass {
                g.pass
            } else if let Some(c) = &want_code {
                !g.pass && g.code.as_deref() == Some(c.as_str())
            } else {
                !g.pass && g.kind.as_deref().is_some_and(|k| ok_kinds.contains(&k))
            };
            if !ok {
                failures.push(format!(
                    "{corpus}/{id} ({kind}): expected {} {ok_kinds:?} {want_code:?}, got {}",
                    if want_pass { "pass" } else { "fail" },
                    report["failure"]
                ));
            }
        }
    }
    println!(
        "attestation conformance (CLI): {ran} run, {divergent} run with a divergent expectation, {skipped} skipped"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(ran + divergent, 30 - 1 + 39, "cases run");
}

// ---------------------------------------------------------------------------------------
// The CLI's own behaviour
// ---------------------------------------------------------------------------------------

fn provenance_for(artifact: &[u8]) -> Vec<u8> {
    use std::fmt::Write as _;
    // sha512 of the artifact, by the core's hasher.
    let d = intoto_verify::digest::digest_bytes(artifact);
    let mut statement = String::new();
    write!(
        statement,
        "{}",
        json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "a.bin", "digest": {"sha512": d.sha512}}],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {
                "buildDefinition": {"buildType": "https://example.com/bt", "externalParameters": {"source": "git+https://github.com/acme/app@refs/heads/main"}},
                "runDetails": {"builder": {"id": "https://example.com/builder@v3"}}
            }
        })
    )
    .unwrap();
    statement.into_bytes()
}

#[test]
fn artifact_digest_and_policy_flags() {
    let scratch = Scratch::new("flags");
    // 3 MiB and a bit: several 1 MiB reads.
    let artifact: Vec<u8> = (0..3 * (1 << 20) + 17)
        .map(|i: usize| (i % 251) as u8)
        .collect();
    let art = scratch.write("a.bin", &artifact);
    let other = scratch.write("b.bin", b"something else");
    let env = scratch.write(
        "env.json",
        &sign("application/vnd.in-toto+json", &provenance_for(&artifact)),
    );
    let key = scratch.write("k.pem", signer_pem().as_bytes());
    let base = |extra: &[&str]| {
        let mut v = vec![
            "attestation".to_owned(),
            "--envelope".into(),
            s(&env),
            "--verification-keys".into(),
            s(&key),
        ];
        v.extend(extra.iter().map(|x| (*x).to_owned()));
        v
    };
    let (code, r) = run_report(base(&["--artifact", &s(&art)]));
    assert_eq!((code, r["verdict"].as_str()), (0, Some("pass")), "{r}");
    assert_eq!(r["matched_subjects"][0]["algorithms"][0], "sha512");
    let (code, r) = run_report(base(&["--artifact", &s(&other)]));
    assert_eq!(
        (code, r["failure"]["code"].as_str()),
        (1, Some("subject-mismatch"))
    );
    let d = intoto_verify::digest::digest_bytes(&artifact);
    let (code, _) = run_report(base(&["--digest", &format!("sha512:{}", d.sha512)]));
    assert_eq!(code, 0);
    let (code, r) = run_report(base(&["--digest", &format!("sha256:{}", d.sha256)]));
    assert_eq!(
        (code, r["failure"]["code"].as_str()),
        (1, Some("subject-mismatch"))
    );
    for (flags, want) in [
        (vec!["--builder-id", "https://example.com/builder"], None),
        (
            vec!["--builder-id", "https://example.com/builder@v4"],
            Some("builder-id-mismatch"),
        ),
        (
            vec![
                "--source-uri",
                "github.com/acme/app",
                "--source-branch",
                "main",
            ],
            None,
        ),
        (
            vec!["--source-uri", "github.com/acme/other"],
            Some("source-uri-mismatch"),
        ),
        (vec!["--source-tag", "v1"], Some("source-tag-mismatch")),
        (vec!["--source-ref", "refs/heads/main"], None),
        (vec!["--build-type", "https://example.com/bt"], None),
        (
            vec!["--build-type", "https://example.com/other"],
            Some("build-type-mismatch"),
        ),
        (
            vec![
                "--external-parameter",
                "source=git+https://github.com/acme/app@refs/heads/main",
            ],
            None,
        ),
        (
            vec!["--external-parameter", "source=x"],
            Some("external-parameter-mismatch"),
        ),
        (
            vec!["--predicate-type", "https://slsa.dev/provenance/v1"],
            None,
        ),
        (
            vec!["--predicate-type", "https://slsa.dev/provenance/v0.2"],
            Some("predicate-type-mismatch"),
        ),
        (vec!["--verifier-id", "v"], Some("vsa-verifier-mismatch")),
        (
            vec!["--resource-uri", "r"],
            Some("vsa-resource-uri-mismatch"),
        ),
        (vec!["--policy-uri", "p"], Some("vsa-policy-mismatch")),
        (
            vec!["--verified-level", "SLSA_BUILD_LEVEL_1"],
            Some("vsa-level-unmet"),
        ),
        (vec!["--threshold", "2"], Some("envelope-threshold-unmet")),
    ] {
        let mut f = vec!["--artifact", art.to_str().unwrap()];
        f.extend(flags.iter());
        let (code, r) = run_report(base(&f));
        match want {
            None => assert_eq!(code, 0, "{flags:?}: {r}"),
            Some(c) => {
                assert_eq!(code, 1, "{flags:?}");
                assert_eq!(r["failure"]["code"], c, "{flags:?}");
                assert!(r["failure"]["expected"].is_string(), "{flags:?}: {r}");
            }
        }
    }
    // A key given a different keyid than the signature's is not tried; "-" means none.
    let (code, r) = run_report(base(&["--verification-key-ids", "-"]));
    assert_eq!(code, 0, "{r}");
    // Text output: PASS on stdout, FAIL and the failure on stderr.
    let (code, _, _) = run(&base(&["--artifact", &s(&art)])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert_eq!(code, 0);
    let out = bin()
        .args(base(&["--artifact", &s(&other)]))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("FAIL: the attestation did not verify"),
        "{stderr}"
    );
    assert!(stderr.contains("subject-mismatch"), "{stderr}");
    assert!(stderr.contains("expected: sha256:"), "{stderr}");
    let out = bin()
        .args(base(&["-q", "--artifact", &s(&other)]))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
}

#[test]
fn exit_codes() {
    let scratch = Scratch::new("exit");
    let key = scratch.write("k.pem", signer_pem().as_bytes());
    let env = scratch.write(
        "env.json",
        &sign("application/vnd.in-toto+json", &provenance_for(b"x")),
    );
    let e = s(&env);
    let k = s(&key);
    for (args, want) in [
        (
            vec!["attestation", "--envelope", &e, "--verification-keys", &k],
            0,
        ),
        // Usage errors: 2.
        (vec!["attestation", "--envelope", &e], 2),
        (vec!["attestation", "--verification-keys", &k], 2),
        (
            vec![
                "attestation",
                "--envelope",
                &e,
                "--verification-keys",
                &k,
                "--digest",
                "sha256",
            ],
            2,
        ),
        (
            vec![
                "attestation",
                "--envelope",
                &e,
                "--verification-keys",
                &k,
                "--digest",
                "md5:d41d8cd98f00b204e9800998ecf8427e",
            ],
            2,
        ),
        (
            vec![
                "attestation",
                "--envelope",
                &e,
                "--verification-keys",
                &k,
                "--artifact",
                &e,
                "--digest",
                "sha256:00",
            ],
            2,
        ),
        (
            vec![
                "attestation",
                "--envelope",
                &e,
                "--verification-keys",
                &k,
                "--verification-key-ids",
                "a",
                "b",
            ],
            2,
        ),
        (
            vec![
                "attestation",
                "--envelope",
                &e,
                "--verification-keys",
                &k,
                "--external-parameter",
                "novalue",
            ],
            2,
        ),
        (vec!["attestation", "--bogus"], 2),
        // Unreadable files and unloadable keys: 1 (as for layouts).
        (
            vec![
                "attestation",
                "--envelope",
                "/nonexistent",
                "--verification-keys",
                &k,
            ],
            1,
        ),
        (
            vec![
                "attestation",
                "--envelope",
                &e,
                "--verification-keys",
                "/nonexistent",
            ],
            1,
        ),
        (
            vec!["attestation", "--envelope", &e, "--verification-keys", &e],
            1,
        ),
        (
            vec!["attestation", "--envelope", &k, "--verification-keys", &k],
            1,
        ),
        // Help: 0.
        (vec!["attestation", "--help"], 0),
    ] {
        let (code, _, stderr) = run(&args);
        assert_eq!(code, want, "{args:?}: {stderr}");
    }
}

#[test]
fn the_layout_command_is_unchanged() {
    // Top-level flags still parse as the layout command, not as a subcommand.
    let (code, _, stderr) = run(&[
        "-l",
        "/nonexistent.layout",
        "--verification-keys",
        "/nonexistent.pem",
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cannot read key"), "{stderr}");
    let (code, _, stderr) = run(&["--verification-keys", "k.pem"]);
    assert_eq!(code, 2, "{stderr}");
    let out = bin().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(help.contains("--layout"));
    assert!(help.contains("intoto-verify attestation --help"));
}

//! The `key-parse`, `signature-verify`, `dsse-pae` and `dsse-verify` cases of the
//! conformance corpus (tests/conformance/manifest.json, see its README).
//!
//! Every case of those kinds is either run (its expected verdict and values checked),
//! run against a documented divergent expectation (`DIVERGENT`), or skipped with a
//! reason (`SKIPPED`). A case in none of these lists fails the test, and so does a
//! list entry that names no case. Run with `--nocapture` to see the counts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use intoto_verify::dsse::{self, DsseError, Envelope};
use intoto_verify::json::{self, JsonLimits};
use intoto_verify::keys::{KeyError, KeyIdRule, PublicKey, Scheme};
use serde_json::Value as J;
use std::path::{Path, PathBuf};

const KINDS: &[&str] = &["key-parse", "signature-verify", "dsse-pae", "dsse-verify"];

/// Cases whose input is not something a public-key verifier loads. Their files are
/// still fed to the loader, which must refuse them with the stated error code.
const SKIPPED: &[(&str, &str, &str)] = &[
    (
        "key-go-carol",
        "private-key",
        "PKCS#8 private key (Ed25519): a verifier loads public keys only",
    ),
    (
        "key-go-dan",
        "private-key",
        "PKCS#1 RSA private key: a verifier loads public keys only",
    ),
    (
        "key-go-frank",
        "private-key",
        "PKCS#8 private key (P-521): a verifier loads public keys only",
    ),
    (
        "key-go-grace",
        "private-key",
        "PKCS#8 private key (P-384): a verifier loads public keys only",
    ),
    (
        "key-go-heidi",
        "private-key",
        "PKCS#8 private key (P-224): a verifier loads public keys only (and P-224 is unsupported)",
    ),
    (
        "key-it-ecdsa-private-encrypted-pem",
        "private-key",
        "encrypted PKCS#8 private key: a verifier loads public keys only",
    ),
    (
        "key-it-ecdsa-private-unencrypted-pem",
        "private-key",
        "PKCS#8 private key: a verifier loads public keys only",
    ),
    (
        "key-it-ed25519-private-encrypted-pem",
        "private-key",
        "encrypted PKCS#8 private key: a verifier loads public keys only",
    ),
    (
        "key-it-ed25519-private-unencrypted-pem",
        "private-key",
        "PKCS#8 private key: a verifier loads public keys only",
    ),
    (
        "key-it-rsa-private-encrypted-pem",
        "private-key",
        "encrypted PKCS#8 private key: a verifier loads public keys only",
    ),
    (
        "key-it-rsa-private-unencrypted-pem",
        "private-key",
        "PKCS#8 private key: a verifier loads public keys only",
    ),
    (
        "key-go-example-com-write-code-cert-pem",
        "not-public-key",
        "X.509 certificate: in-toto-golang's certificate-based keys are out of scope \
         (in-toto-verify 3.1.0 does not take certificates as verification keys either)",
    ),
];

/// Cases run against an expectation that differs from the manifest's, on purpose.
const DIVERGENT: &[(&str, &str)] = &[(
    "key-go-heidi-pub",
    "P-224 ECDSA key (scheme ecdsa-sha2-nistp224): in-toto-golang loads it, but \
     securesystemslib and in-toto 3.1.0 support only P-256/P-384/P-521; we reject it \
     with `unsupported-curve` like the reference implementation",
)];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/conformance")
}

fn read(case_dir: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(case_dir.join(rel)).unwrap_or_else(|e| panic!("{}: {e}", rel))
}

fn s<'a>(v: &'a J, key: &str) -> Option<&'a str> {
    v.get(key).and_then(J::as_str)
}

fn rule(name: &str) -> KeyIdRule {
    match name {
        "sslib-1.x" => KeyIdRule::Sslib1x,
        "legacy-kha" => KeyIdRule::LegacyKha,
        other => panic!("unknown keyid_rule {other}"),
    }
}

fn load_key(
    case_dir: &Path,
    path: &str,
    format: &str,
    scheme: Option<&str>,
) -> Result<PublicKey, KeyError> {
    let bytes = read(case_dir, path);
    let scheme = scheme.map(|s| Scheme::parse(s).unwrap_or_else(|| panic!("scheme {s}")));
    match (format, scheme) {
        (
            "spki-pem"
            | "sec1-pem"
            | "pkcs1-pem"
            | "pkcs8-pem"
            | "pkcs8-pem-encrypted"
            | "x509-pem",
            None,
        ) => PublicKey::from_pem(&bytes),
        (
            "spki-pem"
            | "sec1-pem"
            | "pkcs1-pem"
            | "pkcs8-pem"
            | "pkcs8-pem-encrypted"
            | "x509-pem",
            Some(s),
        ) => PublicKey::from_pem_with_scheme(&bytes, s),
        ("spki-der", None) => PublicKey::from_spki_der(&bytes),
        ("spki-der", Some(s)) => PublicKey::from_spki_der_with_scheme(&bytes, s),
        ("raw-ed25519", Some(Scheme::Ed25519) | None) => PublicKey::from_ed25519_bytes(&bytes),
        ("sslib-json", _) => {
            let v = json::parse(&bytes, JsonLimits::default()).unwrap();
            PublicKey::from_sslib(&v)
        }
        other => panic!("unhandled key format {other:?}"),
    }
}

fn run_key_parse(id: &str, dir: &Path, inputs: &J, expected: &J) {
    let format = s(inputs, "format").unwrap();
    let result = load_key(dir, s(inputs, "key").unwrap(), format, s(inputs, "scheme"));
    if s(expected, "verdict") == Some("fail") {
        assert_eq!(s(expected, "error_kind"), Some("key"), "{id}");
        let err = result.expect_err(id);
        // in-toto-golang's erin is a secp256k1 *private* key; the public half must be
        // refused for its curve.
        if id == "key-go-erin-secp256k1-fail" {
            assert_eq!(err.code(), "private-key", "{id}");
            let public = PublicKey::from_pem(&read(dir, "erin.pub")).expect_err(id);
            assert_eq!(public.code(), "unsupported-curve", "{id}: {public}");
            assert!(public.to_string().contains("secp256k1"), "{id}: {public}");
        }
        return;
    }
    let key = result.unwrap_or_else(|e| panic!("{id}: {e}"));
    assert_eq!(key.keytype(), s(expected, "keytype").unwrap(), "{id}");
    assert_eq!(
        key.scheme().as_str(),
        s(expected, "scheme").unwrap(),
        "{id}"
    );
    let want = s(expected, "keyid").unwrap();
    let rule_name = s(expected, "keyid_rule").unwrap();
    if format == "sslib-json" {
        // A key object's own fields give its keyid.
        assert_eq!(key.keyid(), want, "{id}");
    } else {
        assert_eq!(key.keyid_by_rule(rule(rule_name)), want, "{id}");
        if rule_name == "sslib-1.x" {
            assert_eq!(key.keyid(), want, "{id}");
        }
    }
    assert!(
        key.has_keyid(want),
        "{id}: {want} not among {:?}",
        key.keyid_aliases()
    );
    if let Some(sslib) = s(expected, "keyid_sslib_1x") {
        assert_eq!(key.keyid(), sslib, "{id}");
    }
    if let Some(go) = s(expected, "keyid_with_default_scheme") {
        assert!(
            key.has_keyid(go),
            "{id}: Go default-scheme keyid {go} missing"
        );
        assert_eq!(
            key.keyid_by_rule(KeyIdRule::GoEcdsaDefaultScheme),
            go,
            "{id}"
        );
    }
    if let Some(public) = s(expected, "keyval_public") {
        let v = key.to_sslib_value();
        let got = v
            .as_object()
            .and_then(|m| m.get("keyval"))
            .and_then(|kv| kv.as_object())
            .and_then(|kv| kv.get("public"))
            .and_then(|p| p.as_str())
            .unwrap();
        assert_eq!(got, public, "{id}");
    }
    assert!(key.keyid_aliases().len() <= 5, "{id}");
}

fn run_signature_verify(id: &str, dir: &Path, inputs: &J, expected: &J) {
    assert_eq!(s(expected, "verdict"), Some("pass"), "{id}");
    let key_json =
        json::parse(&read(dir, s(inputs, "key").unwrap()), JsonLimits::default()).unwrap();
    let key = PublicKey::from_sslib(&key_json).unwrap_or_else(|e| panic!("{id}: {e}"));
    let sig: J = serde_json::from_slice(&read(dir, s(inputs, "signature").unwrap())).unwrap();
    let sig_keyid = s(&sig, "keyid").unwrap();
    assert!(
        key.declared_keyid() == Some(sig_keyid) || key.has_keyid(sig_keyid),
        "{id}: signature keyid {sig_keyid} does not name the key"
    );
    let sig = hex::decode(s(&sig, "sig").unwrap()).unwrap();
    let message = read(dir, s(inputs, "message").unwrap());
    key.verify(&message, &sig)
        .unwrap_or_else(|e| panic!("{id}: {e}"));
    let negative = read(dir, s(inputs, "negative_message").unwrap());
    let err = key.verify(&negative, &sig).expect_err(id);
    assert_eq!(err.code(), "invalid-signature", "{id}: {err}");
}

fn run_dsse_pae(id: &str, dir: &Path, inputs: &J, expected: &J) {
    let payload = read(dir, s(inputs, "payload").unwrap());
    let want = read(dir, s(expected, "pae").unwrap());
    assert_eq!(
        dsse::pae(s(inputs, "payload_type").unwrap().as_bytes(), &payload),
        want,
        "{id}"
    );
}

fn run_dsse_verify(id: &str, dir: &Path, inputs: &J, expected: &J) {
    let env = Envelope::from_slice(
        &read(dir, s(inputs, "envelope").unwrap()),
        JsonLimits::default(),
    )
    .unwrap_or_else(|e| panic!("{id}: {e}"));
    if let Some(pt) = s(expected, "payload_type") {
        assert_eq!(env.payload_type, pt, "{id}");
    }
    let mut keys = Vec::new();
    for k in inputs["keys"].as_array().unwrap() {
        let key = load_key(
            dir,
            s(k, "path").unwrap(),
            s(k, "format").unwrap(),
            s(k, "scheme"),
        )
        .unwrap_or_else(|e| panic!("{id}: {e}"));
        if let Some(t) = s(k, "keytype") {
            assert_eq!(key.keytype(), t, "{id}");
        }
        if let Some(keyid) = s(k, "keyid") {
            assert!(
                key.has_keyid(keyid),
                "{id}: {keyid} not among {:?}",
                key.keyid_aliases()
            );
        }
        keys.push(key);
    }
    let threshold = inputs["threshold"].as_u64().unwrap() as usize;
    let result = env.verify(&keys, threshold);
    match s(expected, "verdict") {
        Some("pass") => {
            assert!(result.is_verified(), "{id}: {result:?}");
            assert!(keys.iter().all(|k| env.verified_by(k)), "{id}");
        }
        Some("fail") => {
            assert_eq!(s(expected, "error_kind"), Some("signature"), "{id}");
            assert!(!result.is_verified(), "{id}");
            let err = result.into_result().expect_err(id);
            assert!(
                matches!(err, DsseError::ThresholdNotMet { .. }),
                "{id}: {err}"
            );
        }
        other => panic!("{id}: verdict {other:?}"),
    }
}

#[test]
fn crypto_conformance_cases() {
    let root = corpus();
    let manifest: J =
        serde_json::from_slice(&std::fs::read(root.join("manifest.json")).unwrap()).unwrap();
    let cases = manifest["cases"].as_array().unwrap();
    let (mut run, mut skipped, mut divergent) = (0, 0, 0);
    let mut seen = Vec::new();
    for case in cases {
        let id = s(case, "id").unwrap();
        let kind = s(case, "kind").unwrap();
        if !KINDS.contains(&kind) {
            continue;
        }
        seen.push(id.to_owned());
        let dir = root.join("cases").join(id);
        let inputs = &case["inputs"];
        let expected = &case["expected"];
        if let Some((_, code, reason)) = SKIPPED.iter().find(|(c, _, _)| *c == id) {
            let err = load_key(
                &dir,
                s(inputs, "key").unwrap(),
                s(inputs, "format").unwrap(),
                None,
            )
            .expect_err(id);
            assert_eq!(err.code(), *code, "{id} ({reason}): {err}");
            skipped += 1;
            continue;
        }
        if let Some((_, reason)) = DIVERGENT.iter().find(|(c, _)| *c == id) {
            assert_eq!(id, "key-go-heidi-pub", "{reason}");
            let err = load_key(&dir, s(inputs, "key").unwrap(), "spki-pem", None).expect_err(id);
            assert_eq!(err.code(), "unsupported-curve", "{id}: {err}");
            assert!(err.to_string().contains("P-224"), "{id}: {err}");
            assert!(Scheme::parse("ecdsa-sha2-nistp224").is_none());
            divergent += 1;
            continue;
        }
        match kind {
            "key-parse" => run_key_parse(id, &dir, inputs, expected),
            "signature-verify" => run_signature_verify(id, &dir, inputs, expected),
            "dsse-pae" => run_dsse_pae(id, &dir, inputs, expected),
            "dsse-verify" => run_dsse_verify(id, &dir, inputs, expected),
            _ => unreachable!(),
        }
        run += 1;
    }
    for (id, _, _) in SKIPPED {
        assert!(
            seen.iter().any(|s| s == id),
            "SKIPPED names unknown case {id}"
        );
    }
    for (id, _) in DIVERGENT {
        assert!(
            seen.iter().any(|s| s == id),
            "DIVERGENT names unknown case {id}"
        );
    }
    println!(
        "crypto conformance: {run} run, {divergent} run with a divergent expectation, {skipped} skipped (of {})",
        seen.len()
    );
    for (id, _, reason) in SKIPPED {
        println!("  skipped {id}: {reason}");
    }
    for (id, reason) in DIVERGENT {
        println!("  divergent {id}: {reason}");
    }
    assert_eq!(run + skipped + divergent, seen.len());
    assert!(run >= 40, "expected most cases to run, ran {run}");
}

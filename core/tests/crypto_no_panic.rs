//! Truncated, mutated and random inputs to the key loaders, the signature verifier and
//! the DSSE parser: errors are fine, panics are not, and a damaged signature never
//! verifies.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use intoto_verify::dsse::Envelope;
use intoto_verify::json::{self, JsonLimits};
use intoto_verify::keys::{PublicKey, Scheme};
use serde_json::Value as J;
use std::path::Path;

fn vectors() -> J {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/crypto/vectors.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

mod common;
use common::Rng;

fn mutations(input: &[u8], replacements: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for len in 0..input.len() {
        out.push(input[..len].to_vec());
    }
    for pos in 0..input.len() {
        for &r in replacements {
            if input[pos] != r {
                let mut m = input.to_vec();
                m[pos] = r;
                out.push(m);
            }
        }
        let mut m = input.to_vec();
        m[pos] ^= 0x01;
        out.push(m);
    }
    out
}

#[test]
fn key_loaders_never_panic() {
    let v = vectors();
    let mut inputs: Vec<(String, Vec<u8>, Vec<u8>)> = Vec::new();
    for (name, k) in v["keys"].as_object().unwrap() {
        inputs.push((
            name.clone(),
            k["pem"].as_str().unwrap().as_bytes().to_vec(),
            hex::decode(k["spki_der_hex"].as_str().unwrap()).unwrap(),
        ));
    }
    let mut loaded = 0usize;
    for (name, pem, der) in &inputs {
        for m in mutations(pem, b"A-\n\0:= ") {
            loaded += usize::from(PublicKey::from_pem(&m).is_ok());
            let _ = PublicKey::from_pem_with_scheme(&m, Scheme::EcdsaSha2Nistp521);
        }
        for m in mutations(der, &[0x00, 0xff, 0x80, 0x30, 0x05]) {
            if let Ok(k) = PublicKey::from_spki_der(&m) {
                loaded += 1;
                // Whatever loaded has a stable identity and can be asked to verify.
                assert_eq!(k.keyid_aliases()[0], k.keyid(), "{name}");
                let _ = k.verify(b"m", &[0u8; 64]);
            }
            let _ = PublicKey::from_ed25519_bytes(&m);
        }
        // Key objects with a damaged keyval.public.
        let kt = v["keys"][name]["keytype"].as_str().unwrap();
        let sch = v["keys"][name]["scheme"].as_str().unwrap();
        let public = v["keys"][name]["sslib"]["keyval"]["public"]
            .as_str()
            .unwrap();
        for len in (0..public.len()).step_by(7) {
            let obj = serde_json::json!({"keytype": kt, "scheme": sch, "keyval": {"public": &public[..len]}});
            let value =
                json::parse(&serde_json::to_vec(&obj).unwrap(), JsonLimits::default()).unwrap();
            let _ = PublicKey::from_sslib(&value);
        }
    }
    assert!(loaded > 0);
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for i in 0..3000 {
        let len = (rng.next() % 200) as usize;
        let mut junk = rng.bytes(len);
        if i % 3 == 0 && !junk.is_empty() {
            junk[0] = 0x30; // looks like a DER SEQUENCE
        }
        let _ = PublicKey::from_spki_der(&junk);
        let _ = PublicKey::from_ed25519_bytes(&junk);
        let mut pem = b"-----BEGIN PUBLIC KEY-----\n".to_vec();
        pem.extend(base64_std(&junk).into_bytes());
        pem.extend_from_slice(b"\n-----END PUBLIC KEY-----\n");
        let _ = PublicKey::from_pem(&pem);
        let _ = PublicKey::from_pem(&junk);
        if let Ok(value) = json::parse(&junk, JsonLimits::default()) {
            let _ = PublicKey::from_sslib(&value);
        }
    }
}

fn base64_std(data: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(data)
}

#[test]
fn damaged_signatures_never_verify() {
    let v = vectors();
    let mut rng = Rng(42);
    for vec in v["signatures"].as_array().unwrap() {
        if vec["expect"] != "valid" {
            continue;
        }
        let scheme = Scheme::parse(vec["scheme"].as_str().unwrap()).unwrap();
        let pem = v["keys"][vec["key"].as_str().unwrap()]["pem"]
            .as_str()
            .unwrap();
        let key = PublicKey::from_pem_with_scheme(pem.as_bytes(), scheme).unwrap();
        let msg = hex::decode(vec["message_hex"].as_str().unwrap()).unwrap();
        let sig = hex::decode(vec["sig_hex"].as_str().unwrap()).unwrap();
        assert!(key.verify(&msg, &sig).is_ok());
        // RSA verification is the slow one; sample its positions.
        let step = if scheme.keytype() == "rsa" { 17 } else { 1 };
        for len in 0..sig.len() {
            assert!(
                key.verify(&msg, &sig[..len]).is_err(),
                "{scheme} truncated to {len}"
            );
        }
        for pos in (0..sig.len()).step_by(step) {
            let mut bad = sig.clone();
            bad[pos] ^= 1 << (pos % 8);
            assert!(key.verify(&msg, &bad).is_err(), "{scheme} flip at {pos}");
        }
        for len in [0, 1, 63, 64, 65, 96, 132, 255, 256, 257, 384, 512] {
            assert!(
                key.verify(&msg, &rng.bytes(len)).is_err(),
                "{scheme} junk {len}"
            );
        }
        let mut longer = sig.clone();
        longer.push(0);
        assert!(
            key.verify(&msg, &longer).is_err(),
            "{scheme} with a trailing byte"
        );
    }
}

#[test]
fn dsse_parser_never_panics() {
    let v = vectors();
    let keys: Vec<PublicKey> = v["keys"]
        .as_object()
        .unwrap()
        .values()
        .map(|k| PublicKey::from_pem(k["pem"].as_str().unwrap().as_bytes()).unwrap())
        .collect();
    for case in v["dsse"].as_array().unwrap().iter().take(4) {
        let bytes = serde_json::to_vec(&case["envelope"]).unwrap();
        for (i, m) in mutations(&bytes, b"\"{[A-_=\\").into_iter().enumerate() {
            if let Ok(env) = Envelope::from_slice(&m, JsonLimits::default()) {
                if i % 13 == 0 {
                    let _ = env.verify(&keys, 1);
                }
            }
        }
    }
    let mut rng = Rng(7);
    for _ in 0..2000 {
        let len = (rng.next() % 120) as usize;
        let junk = rng.bytes(len);
        let _ = Envelope::from_slice(&junk, JsonLimits::default());
        let b64 = base64_std(&junk);
        let doc = format!(
            r#"{{"payload":"{b64}","payloadType":"t","signatures":[{{"sig":"{b64}"}},{{"sig":"{}"}}]}}"#,
            b64.replace('+', "-")
        );
        if let Ok(env) = Envelope::from_slice(doc.as_bytes(), JsonLimits::default()) {
            let result = env.verify(&keys, 2);
            assert!(!result.is_verified());
        }
    }
}

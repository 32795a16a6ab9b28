//! Our own key, signature and DSSE vectors (tests/vectors/crypto/vectors.json, made by
//! tests/vectors/crypto/generate.py with pyca/cryptography and securesystemslib).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use intoto_verify::dsse::{DsseError, Envelope, MAX_SIGNATURES};
use intoto_verify::json::{self, JsonLimits};
use intoto_verify::keys::{KeyIdRule, PublicKey, Scheme};
use intoto_verify::{canonical, signature};
use serde_json::Value as J;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::Path;

fn vectors() -> J {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/crypto/vectors.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn s<'a>(v: &'a J, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn to_value(v: &J) -> json::Value {
    json::parse(&serde_json::to_vec(v).unwrap(), JsonLimits::default()).unwrap()
}

fn key(v: &J, name: &str) -> PublicKey {
    PublicKey::from_pem(s(&v["keys"][name], "pem").as_bytes()).unwrap()
}

#[test]
fn keys_match_securesystemslib() {
    let v = vectors();
    for (name, k) in v["keys"].as_object().unwrap() {
        let pem = s(k, "pem");
        let key = PublicKey::from_pem(pem.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(key.keytype(), s(k, "keytype"), "{name}");
        assert_eq!(key.scheme().as_str(), s(k, "scheme"), "{name}");
        assert_eq!(key.keyid(), s(k, "keyid"), "{name}");
        assert_eq!(
            key.keyid_by_rule(KeyIdRule::Sslib1x),
            s(k, "keyid"),
            "{name}"
        );
        assert_eq!(
            key.keyid_by_rule(KeyIdRule::LegacyKha),
            s(k, "keyid_legacy"),
            "{name}"
        );
        assert_eq!(key.keyid_aliases()[0], key.keyid(), "{name}");
        assert!(key.has_keyid(s(k, "keyid_legacy")), "{name}");
        let unique: BTreeSet<_> = key.keyid_aliases().iter().collect();
        assert_eq!(
            unique.len(),
            key.keyid_aliases().len(),
            "{name}: duplicates"
        );
        assert_eq!(key.to_pem(), pem, "{name}");

        let der = hex::decode(s(k, "spki_der_hex")).unwrap();
        assert_eq!(key.spki_der(), der.as_slice(), "{name}");
        let fp: [u8; 32] = Sha256::digest(&der).into();
        assert_eq!(key.fingerprint(), fp, "{name}");

        // The same key from DER, from the sslib dict, from PKCS#1 and from raw bytes.
        let from_der = PublicKey::from_spki_der(&der).unwrap();
        assert_eq!(
            (from_der.keyid(), from_der.fingerprint()),
            (key.keyid(), fp),
            "{name}"
        );
        let from_dict = PublicKey::from_sslib(&to_value(&k["sslib"])).unwrap();
        assert_eq!(
            (from_dict.keyid(), from_dict.fingerprint()),
            (key.keyid(), fp),
            "{name}"
        );
        if let Some(pkcs1) = k.get("pkcs1_pem") {
            let rsa = PublicKey::from_pem(pkcs1.as_str().unwrap().as_bytes()).unwrap();
            assert_eq!(
                (rsa.keyid(), rsa.fingerprint()),
                (key.keyid(), fp),
                "{name}"
            );
        }
        if key.keytype() == "ed25519" {
            let raw = PublicKey::from_ed25519_bytes(&der[12..]).unwrap();
            assert_eq!(
                (raw.keyid(), raw.fingerprint()),
                (key.keyid(), fp),
                "{name}"
            );
        }

        // keyid() is the hash of the canonical JSON of to_sslib_value().
        let canon = canonical::encode(&key.to_sslib_value()).unwrap();
        assert_eq!(hex::encode(Sha256::digest(&canon)), key.keyid(), "{name}");
        assert_eq!(key.to_sslib_value(), to_value(&k["sslib"]), "{name}");
    }
}

#[test]
fn unsupported_keys_are_typed_errors() {
    let v = vectors();
    let u = &v["unsupported_keys"];
    for (name, code, mention) in [
        ("p224", "unsupported-curve", "P-224"),
        ("secp256k1", "unsupported-curve", "secp256k1"),
        ("ed448", "unsupported-algorithm", "Ed448"),
    ] {
        let err = PublicKey::from_pem(s(u, name).as_bytes()).unwrap_err();
        assert_eq!(err.code(), code, "{name}: {err}");
        assert!(err.to_string().contains(mention), "{name}: {err}");
    }
}

#[test]
fn scheme_must_fit_the_key() {
    let v = vectors();
    let pem = |n: &str| s(&v["keys"][n], "pem").as_bytes().to_vec();
    for (name, scheme) in [
        ("p384", Scheme::EcdsaSha2Nistp256),
        ("p256", Scheme::EcdsaSha2Nistp521),
        ("ed25519", Scheme::RsassaPssSha256),
        ("rsa2048", Scheme::Ed25519),
        ("rsa2048", Scheme::EcdsaSha2Nistp256),
    ] {
        let err = PublicKey::from_pem_with_scheme(&pem(name), scheme).unwrap_err();
        assert_eq!(err.code(), "scheme-mismatch", "{name} {scheme}: {err}");
    }
    // Every RSA scheme fits an RSA key, and changes the keyid.
    let mut ids = BTreeSet::new();
    for scheme in Scheme::ALL.iter().filter(|s| s.keytype() == "rsa") {
        let k = PublicKey::from_pem_with_scheme(&pem("rsa2048"), *scheme).unwrap();
        assert_eq!(k.scheme(), *scheme);
        ids.insert(k.keyid().to_owned());
    }
    assert_eq!(ids.len(), 8);

    // Key objects: keytype/scheme pairs as securesystemslib registers them.
    let dict = |kt: &str, sch: &str, public: &str| {
        to_value(&serde_json::json!({"keytype": kt, "scheme": sch, "keyval": {"public": public}}))
    };
    let p384 = s(&v["keys"]["p384"], "pem");
    let rsa = s(&v["keys"]["rsa2048"], "pem");
    let ok =
        PublicKey::from_sslib(&dict("ecdsa-sha2-nistp384", "ecdsa-sha2-nistp384", p384)).unwrap();
    assert_eq!(ok.keytype(), "ecdsa-sha2-nistp384");
    assert!(
        ok.has_keyid(s(&v["keys"]["p384"], "keyid")),
        "legacy keytype alias"
    );
    for (kt, sch, public, code) in [
        ("ecdsa", "ecdsa-sha2-nistp256", p384, "scheme-mismatch"),
        (
            "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384",
            p384,
            "scheme-mismatch",
        ),
        ("rsa", "ecdsa-sha2-nistp384", p384, "scheme-mismatch"),
        ("ecdsa", "ecdsa-sha2-nistp384", rsa, "keytype-mismatch"),
        ("rsa", "rsassa-pss-sha256", p384, "keytype-mismatch"),
        ("dsa", "rsassa-pss-sha256", rsa, "unknown-keytype"),
        ("rsa", "pgp+rsa-pkcsv1.5", rsa, "unknown-scheme"),
        ("ed25519", "ed25519", "abcd", "invalid-key"),
        ("ed25519", "ed25519", "zz", "invalid-key"),
    ] {
        let err = PublicKey::from_sslib(&dict(kt, sch, public)).unwrap_err();
        assert_eq!(err.code(), code, "{kt}/{sch}: {err}");
    }
    for (doc, code) in [
        (
            r#"{"scheme": "ed25519", "keyval": {"public": ""}}"#,
            "missing-field",
        ),
        (
            r#"{"keytype": "ed25519", "scheme": "ed25519"}"#,
            "missing-field",
        ),
        (
            r#"{"keytype": "ed25519", "scheme": "ed25519", "keyval": {}}"#,
            "missing-field",
        ),
        (
            r#"{"keytype": 1, "scheme": "ed25519", "keyval": {"public": ""}}"#,
            "field-type",
        ),
        (
            r#"{"keytype": "ed25519", "scheme": "ed25519", "keyval": []}"#,
            "field-type",
        ),
        (
            r#"{"keytype": "ed25519", "scheme": "ed25519", "keyval": {"public": 1}}"#,
            "field-type",
        ),
        (
            r#"{"keytype": "ed25519", "scheme": "ed25519", "keyid_hash_algorithms": [1], "keyval": {"public": ""}}"#,
            "field-type",
        ),
        (r#"[]"#, "field-type"),
    ] {
        let err =
            PublicKey::from_sslib(&json::parse(doc.as_bytes(), JsonLimits::default()).unwrap())
                .unwrap_err();
        assert_eq!(err.code(), code, "{doc}: {err}");
    }
}

#[test]
fn pem_inputs() {
    let v = vectors();
    let pem = s(&v["keys"]["p256"], "pem");
    let want = key(&v, "p256");
    // Explanatory text, CRLF line ends, trailing garbage: pyca/OpenSSL accept these.
    let crlf = format!("Subject: test key\r\n{}", pem.replace('\n', "\r\n"));
    let k = PublicKey::from_pem(format!("{crlf}trailing").as_bytes()).unwrap();
    assert_eq!(k.fingerprint(), want.fingerprint());
    assert_eq!(k.keyid(), want.keyid(), "keyid uses the re-serialised PEM");
    for (input, code) in [
        ("", "pem"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA", "pem"),
        ("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n", "pem"),
        ("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "spki"),
        ("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "not-public-key"),
        ("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "private-key"),
        (
            "-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n\nAAAA\n-----END PUBLIC KEY-----\n",
            "pem",
        ),
    ] {
        let err = PublicKey::from_pem(input.as_bytes()).unwrap_err();
        assert_eq!(err.code(), code, "{input:?}: {err}");
    }
    assert_eq!(
        PublicKey::from_pem(&[0xff, 0xfe]).unwrap_err().code(),
        "pem"
    );
    assert_eq!(
        PublicKey::from_ed25519_bytes(&[0; 31]).unwrap_err().code(),
        "invalid-key"
    );

    // 32 bytes that are not an Ed25519 point load (as with pyca/cryptography) but
    // verify nothing.
    let unusable = (0u8..=255)
        .filter_map(|b| PublicKey::from_ed25519_bytes(&[b; 32]).ok())
        .filter_map(|k| k.verify(b"m", &[0u8; 64]).err())
        .filter(|e| e.code() == "unusable-key")
        .count();
    assert!(unusable > 0);
}

#[test]
fn signatures() {
    let v = vectors();
    let message = hex::decode(s(&v, "message_hex")).unwrap();
    let wrong = hex::decode(s(&v, "wrong_message_hex")).unwrap();
    let mut valid_schemes = BTreeSet::new();
    let mut pss_salts = BTreeSet::new();
    let mut ecdsa_encodings = BTreeSet::new();
    for vec in v["signatures"].as_array().unwrap() {
        let note = s(vec, "note");
        let scheme = Scheme::parse(s(vec, "scheme")).unwrap();
        let pem = s(&v["keys"][s(vec, "key")], "pem");
        let key = PublicKey::from_pem_with_scheme(pem.as_bytes(), scheme).unwrap();
        let msg = hex::decode(s(vec, "message_hex")).unwrap();
        assert_eq!(msg, message);
        let sig = hex::decode(s(vec, "sig_hex")).unwrap();
        let result = key.verify(&msg, &sig);
        match s(vec, "expect") {
            "valid" => {
                result.unwrap_or_else(|e| panic!("{note}: {e}"));
                assert_eq!(signature::verify(&key, &msg, &sig), Ok(()));
                valid_schemes.insert(scheme);
                if let Some(salt) = vec.get("salt_len") {
                    pss_salts.insert((scheme, salt.as_u64().unwrap()));
                }
                if let Some(enc) = vec.get("encoding") {
                    ecdsa_encodings.insert((scheme, enc.as_str().unwrap().to_owned()));
                }
                // The wrong message, a flipped bit, a truncation: never valid.
                let err = key.verify(&wrong, &sig).unwrap_err();
                assert_eq!(err.code(), "invalid-signature", "{note}: {err}");
                assert!(err.to_string().contains(key.keyid()), "{note}: {err}");
                for pos in [0, sig.len() / 3, sig.len() / 2, sig.len() - 1] {
                    let mut bad = sig.clone();
                    bad[pos] ^= 0x10;
                    let err = key.verify(&msg, &bad).unwrap_err();
                    assert!(
                        ["invalid-signature", "malformed-signature"].contains(&err.code()),
                        "{note} flip at {pos}: {err}"
                    );
                }
                let err = key.verify(&msg, &sig[..sig.len() - 1]).unwrap_err();
                assert_eq!(err.code(), "malformed-signature", "{note}: {err}");
                assert_eq!(
                    key.verify(&msg, &[]).unwrap_err().code(),
                    "malformed-signature",
                    "{note}"
                );
            }
            "invalid" => {
                let err = result.unwrap_err();
                assert_eq!(err.code(), "invalid-signature", "{note}: {err}");
            }
            "rsa-key-too-small" => {
                let err = result.unwrap_err();
                assert_eq!(err.code(), "rsa-key-too-small", "{note}: {err}");
                assert!(matches!(
                    err,
                    signature::SignatureError::RsaKeyTooSmall {
                        bits: 1024,
                        min: 2048,
                        ..
                    }
                ));
            }
            other => panic!("{note}: unknown expectation {other}"),
        }
    }
    let all: BTreeSet<Scheme> = Scheme::ALL.iter().copied().collect();
    assert_eq!(
        valid_schemes, all,
        "a valid (and a wrong) signature for every scheme"
    );
    for salt in [0, 20, 32, 64, 222] {
        assert!(
            pss_salts.contains(&(Scheme::RsassaPssSha256, salt)),
            "salt {salt}"
        );
    }
    for scheme in [
        Scheme::EcdsaSha2Nistp256,
        Scheme::EcdsaSha2Nistp384,
        Scheme::EcdsaSha2Nistp521,
    ] {
        for enc in ["der", "raw"] {
            assert!(
                ecdsa_encodings.contains(&(scheme, enc.to_owned())),
                "{scheme} {enc}"
            );
        }
    }
}

#[test]
fn dsse_envelopes() {
    let v = vectors();
    let standard = v["dsse"].as_array().unwrap()[0]["envelope"].clone();
    let standard = Envelope::from_value(&to_value(&standard)).unwrap();
    for case in v["dsse"].as_array().unwrap() {
        let name = s(case, "name");
        let env = Envelope::from_value(&to_value(&case["envelope"]))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        if name.starts_with("urlsafe") {
            let raw = serde_json::to_string(&case["envelope"]).unwrap();
            assert!(raw.contains('-') || raw.contains('_'), "{name}");
            assert_eq!(raw.contains('='), name == "urlsafe-padded", "{name}");
            assert_eq!(env.payload, standard.payload, "{name}");
        }
        let keys: Vec<PublicKey> = case["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| key(&v, n.as_str().unwrap()))
            .collect();
        let threshold = case["threshold"].as_u64().unwrap() as usize;
        let result = env.verify(&keys, threshold);
        let expect_verified = case["expect_verified"].as_bool().unwrap();
        assert_eq!(result.is_verified(), expect_verified, "{name}: {result:?}");
        assert_eq!(
            result.verified_count() as u64,
            case["expect_count"].as_u64().unwrap(),
            "{name}"
        );
        let by: Vec<Vec<usize>> = result
            .signatures
            .iter()
            .map(|o| o.verified_by.clone())
            .collect();
        let want: Vec<Vec<usize>> =
            serde_json::from_value(case["expect_verified_by"].clone()).unwrap();
        assert_eq!(by, want, "{name}");
        for o in &result.signatures {
            if o.verified_by.is_empty() {
                assert!(!o.failures.is_empty(), "{name}: untried signature");
            }
        }
        for (i, k) in keys.iter().enumerate() {
            let used = result.verified_keys.iter().any(|vk| vk.key_index == i);
            assert_eq!(env.verified_by(k), used, "{name}: key {i}");
        }
        match result.clone().into_result() {
            Ok(_) => assert!(expect_verified, "{name}"),
            Err(DsseError::ThresholdNotMet {
                threshold: t,
                verified,
                signatures,
            }) => {
                assert!(!expect_verified, "{name}");
                assert_eq!(
                    (t, verified, signatures),
                    (threshold, result.verified_count(), env.signatures.len())
                );
            }
            Err(e) => panic!("{name}: {e}"),
        }
        assert_eq!(result.clone().threshold, threshold);
        let mut zero = result.clone();
        zero.threshold = 0;
        assert!(!zero.is_verified(), "{name}: threshold 0 never passes");
        assert_eq!(zero.into_result().unwrap_err().code(), "zero-threshold");
    }
}

#[test]
fn dsse_parse_errors() {
    let parse = |doc: &str| Envelope::from_slice(doc.as_bytes(), JsonLimits::default());
    let ok = parse(r#"{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"AA==","keyid":null,"x":1}],"y":[]}"#).unwrap();
    assert_eq!(ok.payload, b"hi");
    assert_eq!(ok.signatures[0].keyid, None);
    assert_eq!(ok.pae(), b"DSSEv1 1 t 2 hi".to_vec());
    assert_eq!(
        parse(r#"{"payload":"","payloadType":"","signatures":[{"sig":""}]}"#)
            .unwrap()
            .payload,
        b""
    );
    for (doc, code) in [
        ("[]", "not-an-object"),
        ("{", "json"),
        (
            r#"{"payload":"aGk=","payload":"aGk=","payloadType":"t","signatures":[{"sig":""}]}"#,
            "json",
        ),
        (
            r#"{"payloadType":"t","signatures":[{"sig":""}]}"#,
            "missing-field",
        ),
        (
            r#"{"payload":"","signatures":[{"sig":""}]}"#,
            "missing-field",
        ),
        (r#"{"payload":"","payloadType":"t"}"#, "missing-field"),
        (
            r#"{"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]}"#,
            "missing-field",
        ),
        (
            r#"{"payload":1,"payloadType":"t","signatures":[{"sig":""}]}"#,
            "field-type",
        ),
        (
            r#"{"payload":"","payloadType":null,"signatures":[{"sig":""}]}"#,
            "field-type",
        ),
        (
            r#"{"payload":"","payloadType":"t","signatures":{}}"#,
            "field-type",
        ),
        (
            r#"{"payload":"","payloadType":"t","signatures":["AA=="]}"#,
            "field-type",
        ),
        (
            r#"{"payload":"","payloadType":"t","signatures":[{"sig":"","keyid":7}]}"#,
            "field-type",
        ),
        (
            r#"{"payload":"","payloadType":"t","signatures":[]}"#,
            "no-signatures",
        ),
        (
            r#"{"payload":"a+b_","payloadType":"t","signatures":[{"sig":""}]}"#,
            "base64",
        ),
        (
            r#"{"payload":"aGk= ","payloadType":"t","signatures":[{"sig":""}]}"#,
            "base64",
        ),
        (
            r#"{"payload":"aGk\n","payloadType":"t","signatures":[{"sig":""}]}"#,
            "base64",
        ),
        (
            r#"{"payload":"aGk===","payloadType":"t","signatures":[{"sig":""}]}"#,
            "base64",
        ),
        (
            r#"{"payload":"a","payloadType":"t","signatures":[{"sig":""}]}"#,
            "base64",
        ),
        (
            r#"{"payload":"","payloadType":"t","signatures":[{"sig":"%%"}]}"#,
            "base64",
        ),
    ] {
        let err = parse(doc).unwrap_err();
        assert_eq!(err.code(), code, "{doc}: {err}");
    }
    let err = parse(r#"{"payload":"","payloadType":"t","signatures":[{"sig":""},{"sig":"@"}]}"#)
        .unwrap_err();
    assert_eq!(
        err,
        DsseError::Base64 {
            field: "signatures[1].sig".to_owned()
        }
    );

    let many = format!(
        r#"{{"payload":"","payloadType":"t","signatures":[{}]}}"#,
        vec![r#"{"sig":"AA"}"#; MAX_SIGNATURES + 1].join(",")
    );
    assert_eq!(parse(&many).unwrap_err().code(), "too-many-signatures");
}

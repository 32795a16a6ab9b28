//! Verification of one signature over a 1 KiB message, per scheme, through the public
//! API (`PublicKey::from_pem_with_scheme` + `PublicKey::verify`).
//!
//! ```sh
//! cargo bench -p intoto-verify --bench signatures
//! ```
//!
//! The fixtures (public keys, message, signatures made with OpenSSL) and how they were
//! made are in `benches/fixtures/`. docs/benchmarks.md compares the figures with
//! `openssl speed`.

#![allow(missing_docs, clippy::expect_used, clippy::panic)]

use criterion::{criterion_group, criterion_main, Criterion};
use intoto_verify::keys::{PublicKey, Scheme};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

fn fixture(name: &str) -> Vec<u8> {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "benches", "fixtures", name]
        .iter()
        .collect();
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// (benchmark name, public key file, scheme, signature file)
const CASES: &[(&str, &str, Scheme, &str)] = &[
    ("ed25519", "ed25519.pub.pem", Scheme::Ed25519, "ed25519.sig"),
    (
        "rsassa-pss-sha256/2048",
        "rsa2048.pub.pem",
        Scheme::RsassaPssSha256,
        "rsa2048-pss-sha256.sig",
    ),
    (
        "rsassa-pss-sha256/2048-salt-max",
        "rsa2048.pub.pem",
        Scheme::RsassaPssSha256,
        "rsa2048-pss-sha256-saltmax.sig",
    ),
    (
        "rsassa-pss-sha256/3072",
        "rsa3072.pub.pem",
        Scheme::RsassaPssSha256,
        "rsa3072-pss-sha256.sig",
    ),
    (
        "rsassa-pss-sha256/4096",
        "rsa4096.pub.pem",
        Scheme::RsassaPssSha256,
        "rsa4096-pss-sha256.sig",
    ),
    (
        "rsa-pkcs1v15-sha256/2048",
        "rsa2048.pub.pem",
        Scheme::RsaPkcs1v15Sha256,
        "rsa2048-pkcs1v15-sha256.sig",
    ),
    (
        "rsa-pkcs1v15-sha256/3072",
        "rsa3072.pub.pem",
        Scheme::RsaPkcs1v15Sha256,
        "rsa3072-pkcs1v15-sha256.sig",
    ),
    (
        "rsa-pkcs1v15-sha256/4096",
        "rsa4096.pub.pem",
        Scheme::RsaPkcs1v15Sha256,
        "rsa4096-pkcs1v15-sha256.sig",
    ),
    (
        "ecdsa-sha2-nistp256",
        "ecdsa-p256.pub.pem",
        Scheme::EcdsaSha2Nistp256,
        "ecdsa-p256-sha256.sig",
    ),
    (
        "ecdsa-sha2-nistp384",
        "ecdsa-p384.pub.pem",
        Scheme::EcdsaSha2Nistp384,
        "ecdsa-p384-sha384.sig",
    ),
    (
        "ecdsa-sha2-nistp521",
        "ecdsa-p521.pub.pem",
        Scheme::EcdsaSha2Nistp521,
        "ecdsa-p521-sha512.sig",
    ),
];

fn signatures(c: &mut Criterion) {
    let message = fixture("message.bin");
    let mut group = c.benchmark_group("verify");
    for &(name, key_file, scheme, sig_file) in CASES {
        let key = PublicKey::from_pem_with_scheme(&fixture(key_file), scheme)
            .unwrap_or_else(|e| panic!("{key_file}: {e}"));
        let signature = fixture(sig_file);
        // A benchmark of a failing verification would measure the wrong thing.
        key.verify(&message, &signature)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        group.bench_function(name, |b| {
            b.iter(|| black_box(&key).verify(black_box(&message), black_box(&signature)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = signatures
}
criterion_main!(benches);

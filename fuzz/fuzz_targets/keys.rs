//! Key loading (PEM, DER, securesystemslib key objects) and signature verification on
//! arbitrary bytes: no panics.
#![no_main]
use intoto_verify::{json, keys::PublicKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.first().map(|b| *b as usize).unwrap_or(0).min(data.len());
    let (a, b) = data.split_at(split);
    for k in [PublicKey::from_pem(a), PublicKey::from_spki_der(a)].into_iter().flatten() {
        let _ = k.verify(b, a);
        let _ = k.keyid_aliases();
    }
    if let Ok(v) = json::parse(data, json::JsonLimits::default()) {
        if let Ok(k) = PublicKey::from_sslib(&v) {
            let _ = k.verify(data, data);
        }
    }
});

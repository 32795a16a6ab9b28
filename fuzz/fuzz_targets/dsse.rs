//! DSSE envelope parsing and PAE: no panics.
#![no_main]
use intoto_verify::{dsse, json::JsonLimits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(env) = dsse::Envelope::from_slice(data, JsonLimits::default()) {
        let _ = env.pae();
        let _ = env.verify(&[], 1);
    }
});

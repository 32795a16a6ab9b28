//! Strict JSON parsing and canonical encoding: no panics; canonical output re-parses to
//! the same value.
#![no_main]
use intoto_verify::{canonical, json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = json::JsonLimits::default();
    if let Ok(v) = json::parse(data, limits) {
        if let Ok(c) = canonical::encode(&v) {
            // Canonical JSON escapes only `"` and `\`: raw control characters make it
            // non-JSON, so only compare when it re-parses.
            if let Ok(again) = json::parse(&c, limits) {
                assert_eq!(canonical::encode(&again).ok(), Some(c));
            }
        }
    }
});

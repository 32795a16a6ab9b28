//! Strict JSON parsing and canonical encoding: no panics; canonical output re-parses to
//! the same value; the one-pass canonical writer (what links are signed with) gives the
//! same bytes and the same errors as encoding the parsed tree.
#![no_main]
use intoto_verify::{canonical, json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = json::JsonLimits::default();
    let tree = json::parse(data, limits);
    let via_tree = match &tree {
        Ok(v) => canonical::encode(v).map_err(canonical::FromJsonError::Canonical),
        Err(e) => Err(canonical::FromJsonError::Json(e.clone())),
    };
    assert_eq!(canonical::encode_json(data, limits), via_tree);
    if let Ok(v) = tree {
        if let Ok(c) = canonical::encode(&v) {
            // Canonical JSON escapes only `"` and `\`: raw control characters make it
            // non-JSON, so only compare when it re-parses.
            if let Ok(again) = json::parse(&c, limits) {
                assert_eq!(canonical::encode(&again).ok(), Some(c));
            }
        }
    }
});

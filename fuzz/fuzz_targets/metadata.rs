//! Metablock / DSSE unwrapping and layout/link models: no panics.
#![no_main]
use intoto_verify::{json::JsonLimits, metadata::Metadata};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = Metadata::parse(data, JsonLimits::default());
});

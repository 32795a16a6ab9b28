//! Artifact patterns: no panics, bounded time on any pattern and name.
#![no_main]
use intoto_verify::pattern::Pattern;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let (pat, name) = s.split_once('\u{0}').unwrap_or((s, s));
    if let Ok(p) = Pattern::new(pat) {
        let _ = p.matches(name);
    }
});

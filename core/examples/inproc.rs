//! Times `verify_layout` in-process on a chain made by `bench/gen_chain.py`
//! (files read once, outside the timing), the counterpart of the reference's
//! `inproc_verify.py`.
//!
//! ```sh
//! cargo run --release -p intoto-verify --example inproc -- CHAINDIR [REPEAT]
//! ```
//! Prints the median in seconds as JSON.

use intoto_verify::keys::PublicKey;
use intoto_verify::time::Timestamp;
use intoto_verify::verify::{verify_layout, InspectionResult, VerifyContext, VerifyOptions};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: inproc CHAINDIR [REPEAT]")?);
    let repeat: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(5);
    let layout = std::fs::read(dir.join("root.layout"))?;
    let key = PublicKey::from_pem(&std::fs::read(dir.join("owner.pub"))?)?;
    let mut links = BTreeMap::new();
    for e in std::fs::read_dir(dir.join("links"))? {
        let p = e?.path();
        let name = p
            .file_name()
            .ok_or("bad name")?
            .to_string_lossy()
            .into_owned();
        links.insert(name, std::fs::read(&p)?);
    }
    let now = Timestamp::from_unix(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs() as i64,
    );
    let mut times = Vec::new();
    let mut verdict = String::new();
    for _ in 0..repeat {
        let ctx = VerifyContext {
            layout_keys: std::slice::from_ref(&key),
            links: &links,
            now,
            parameters: None,
            options: VerifyOptions {
                inspections: intoto_verify::verify::InspectionPolicy::Skip,
                ..VerifyOptions::default()
            },
        };
        let mut none: BTreeMap<String, InspectionResult> = BTreeMap::new();
        let t = Instant::now();
        let report = verify_layout(&layout, &ctx, &mut none);
        times.push(t.elapsed().as_secs_f64());
        verdict = format!("{:?}", report.verdict).to_lowercase();
    }
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
    println!("{{\"median_s\": {median:.6}, \"runs\": {repeat}, \"verdict\": \"{verdict}\"}}");
    Ok(())
}

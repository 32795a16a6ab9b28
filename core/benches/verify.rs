//! Criterion benches of the layout path: canonical JSON, link reading, the rule engine and
//! whole verifications.
//!
//! ```sh
//! cargo bench -p intoto-verify --bench verify
//! INTOTO_BENCH_CHAIN=target/bench/chains/s20_m10000 cargo bench -p intoto-verify --bench verify
//! ```
//!
//! Link data is made here (in-toto's own layout: `indent=1`, sorted keys, one SHA-256 per
//! artifact); the whole-verification bench runs the shipped demo and, when
//! `INTOTO_BENCH_CHAIN` names a chain from `bench/gen_chain.py` (`./scripts/bench.sh`
//! makes them under target/bench/chains), that chain too.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use intoto_verify::canonical;
use intoto_verify::json::{self, JsonLimits};
use intoto_verify::keys::PublicKey;
use intoto_verify::metadata::{Metadata, Payload};
use intoto_verify::model::Link;
use intoto_verify::rules::{apply_rules, Rule, Side};
use intoto_verify::time::Timestamp;
use intoto_verify::verify::{
    verify_layout, InspectionPolicy, InspectionResult, VerifyContext, VerifyOptions,
};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

/// A Metablock link for step `name` with `n` materials and `n` products, written the way
/// in-toto writes it. Products are the materials with every tenth digest changed and
/// every tenth name replaced by a new `tmp/` file.
fn link_json(name: &str, n: usize) -> Vec<u8> {
    let digest = |i: usize, salt: usize| format!("{:064x}", (i * 2_654_435_761 + salt) as u128);
    let side = |products: bool| {
        let mut entries: Vec<(String, String)> = (0..n)
            .map(|i| {
                let dir = format!("build/d{:02}/d{:02}", i % 37, i % 11);
                if products && i % 10 == 3 {
                    (format!("tmp/f{i:06}.o"), digest(i, 7))
                } else if products && i % 10 == 5 {
                    (format!("{dir}/f{i:06}.o"), digest(i, 1))
                } else {
                    (format!("{dir}/f{i:06}.o"), digest(i, 0))
                }
            })
            .collect();
        entries.sort();
        entries
            .iter()
            .map(|(n, d)| format!("   \"{n}\": {{\n    \"sha256\": \"{d}\"\n   }}"))
            .collect::<Vec<_>>()
            .join(",\n")
    };
    format!(
        "{{\n \"signatures\": [\n  {{\n   \"keyid\": \"{k}\",\n   \"sig\": \"{s}\"\n  }}\n ],\n \"signed\": {{\n  \"_type\": \"link\",\n  \"byproducts\": {{\n   \"return-value\": 0,\n   \"stderr\": \"\",\n   \"stdout\": \"\"\n  }},\n  \"command\": [\n   \"build-tool\"\n  ],\n  \"environment\": {{}},\n  \"materials\": {{\n{m}\n  }},\n  \"name\": \"{name}\",\n  \"products\": {{\n{p}\n  }}\n }}\n}}\n",
        k = "ab".repeat(32),
        s = "cd".repeat(64),
        m = side(false),
        p = side(true),
    )
    .into_bytes()
}

fn parse_link(bytes: &[u8]) -> Link {
    match Metadata::parse(bytes, JsonLimits::default())
        .unwrap()
        .payload
    {
        Payload::Link(l) => *l,
        Payload::Layout(_) => unreachable!(),
    }
}

fn canonical_json(c: &mut Criterion) {
    let mut g = c.benchmark_group("canonical_json");
    for n in [100, 10_000] {
        let bytes = link_json("build", n);
        g.throughput(Throughput::Bytes(bytes.len() as u64));
        g.bench_with_input(BenchmarkId::new("one_pass", n), &bytes, |b, bytes| {
            b.iter(|| canonical::encode_json(black_box(bytes), JsonLimits::default()).unwrap())
        });
        let tree = json::parse(&bytes, JsonLimits::default()).unwrap();
        g.bench_with_input(BenchmarkId::new("from_tree", n), &tree, |b, tree| {
            b.iter(|| canonical::encode(black_box(tree)).unwrap())
        });
    }
    g.finish();
}

fn link_reading(c: &mut Criterion) {
    let mut g = c.benchmark_group("link_reading");
    for n in [100, 10_000] {
        let bytes = link_json("build", n);
        g.throughput(Throughput::Elements(2 * n as u64));
        g.bench_with_input(BenchmarkId::new("metadata_parse", n), &bytes, |b, bytes| {
            b.iter(|| Metadata::parse(black_box(bytes), JsonLimits::default()).unwrap())
        });
        g.bench_with_input(BenchmarkId::new("json_tree", n), &bytes, |b, bytes| {
            b.iter(|| json::parse(black_box(bytes), JsonLimits::default()).unwrap())
        });
    }
    g.finish();
}

fn rule_engine(c: &mut Criterion) {
    let rules = |texts: &[&[&str]]| -> Vec<(Vec<String>, Rule)> {
        texts
            .iter()
            .map(|t| {
                let v: Vec<String> = t.iter().map(|s| (*s).to_owned()).collect();
                let r = Rule::parse(&v).unwrap();
                (v, r)
            })
            .collect()
    };
    let products = rules(&[
        &["CREATE", "tmp/*"],
        &["MODIFY", "build/*"],
        &["MATCH", "*", "WITH", "MATERIALS", "FROM", "build"],
        &["ALLOW", "docs/*"],
        &["DISALLOW", "*"],
    ]);
    let materials = rules(&[
        &["MATCH", "build/*", "WITH", "MATERIALS", "FROM", "build"],
        &["DISALLOW", "*"],
    ]);
    let mut g = c.benchmark_group("rule_engine");
    for n in [100, 10_000] {
        let link = parse_link(&link_json("build", n));
        let mut links = BTreeMap::new();
        links.insert("build".to_owned(), link.clone());
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::new("products", n), |b| {
            b.iter(|| apply_rules(Side::Products, &products, black_box(&link), &links, 10).unwrap())
        });
        g.bench_function(BenchmarkId::new("materials_match", n), |b| {
            b.iter(|| {
                apply_rules(Side::Materials, &materials, black_box(&link), &links, 10).unwrap()
            })
        });
    }
    g.finish();
}

/// A layout, its key and its links, read from `dir` (root.layout, a key, links/ or the
/// directory itself).
fn chain(dir: &Path, key: &str) -> (Vec<u8>, PublicKey, BTreeMap<String, Vec<u8>>) {
    let layout = std::fs::read(dir.join("root.layout")).unwrap();
    let key = PublicKey::from_pem(&std::fs::read(dir.join(key)).unwrap()).unwrap();
    let mut links = BTreeMap::new();
    let link_dir = if dir.join("links").is_dir() {
        dir.join("links")
    } else {
        dir.to_path_buf()
    };
    for e in std::fs::read_dir(link_dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "link") {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            links.insert(name, std::fs::read(&p).unwrap());
        }
    }
    (layout, key, links)
}

fn full_verification(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut chains = vec![(
        "demo".to_owned(),
        root.join("examples/demo"),
        "keys/owner.pub",
    )];
    if let Ok(dir) = std::env::var("INTOTO_BENCH_CHAIN") {
        let dir = root.join(dir);
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        chains.push((name, dir, "owner.pub"));
    }
    let mut g = c.benchmark_group("verify_layout");
    for (name, dir, key) in chains {
        let (layout, key, links) = chain(&dir, key);
        let ctx = VerifyContext {
            layout_keys: std::slice::from_ref(&key),
            links: &links,
            now: Timestamp::from_unix(1_800_000_000),
            parameters: None,
            options: VerifyOptions {
                inspections: InspectionPolicy::Skip,
                ..VerifyOptions::default()
            },
        };
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut none: BTreeMap<String, InspectionResult> = BTreeMap::new();
                verify_layout(black_box(&layout), &ctx, &mut none)
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = canonical_json, link_reading, rule_engine, full_verification
}
criterion_main!(benches);

//! Criterion benches of the streaming digest, for comparison with
//! `openssl speed -evp sha256` (which hashes 16 KiB blocks from memory).
//!
//! ```sh
//! cargo bench -p intoto-verify --bench digest
//! openssl speed -evp sha256 -seconds 3
//! ```
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use intoto_verify::digest::{HashAlgorithm, Hasher, SelectiveHasher};
use std::hint::black_box;
use std::time::Duration;

fn streaming_digest(c: &mut Criterion) {
    let total = 16usize << 20; // 16 MiB per iteration
    let data: Vec<u8> = (0..total).map(|i| (i * 31 % 251) as u8).collect();
    let mut g = c.benchmark_group("streaming_digest");
    g.throughput(Throughput::Bytes(total as u64));
    for chunk in [16 << 10, 1 << 20] {
        g.bench_function(BenchmarkId::new("sha256", chunk), |b| {
            b.iter(|| {
                let mut h = SelectiveHasher::new(&[HashAlgorithm::Sha256]);
                for c in data.chunks(chunk) {
                    h.update(black_box(c));
                }
                h.finalize()
            })
        });
    }
    g.bench_function("sha256+sha384+sha512", |b| {
        b.iter(|| {
            let mut h = Hasher::new();
            for c in data.chunks(1 << 20) {
                h.update(black_box(c));
            }
            h.finalize()
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = streaming_digest
}
criterion_main!(benches);

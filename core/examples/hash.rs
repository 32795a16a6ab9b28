//! Streams a file through the core's one-pass `Hasher` (sha256 + sha384 + sha512) in
//! 1 MiB chunks, and through SHA-256 alone, and prints the throughput of each, for
//! comparison with `openssl speed -evp sha256`.
//!
//! ```sh
//! cargo run --release -p intoto-verify --example hash -- FILE
//! ```

use intoto_verify::digest::Hasher;
use sha2::Digest;
use std::io::Read;
use std::time::Instant;

fn stream(path: &str, mut update: impl FnMut(&[u8])) -> Result<(u64, f64), std::io::Error> {
    let mut f = std::fs::File::open(path)?;
    let mut buf = vec![0u8; 1 << 20];
    let (mut n, t) = (0u64, Instant::now());
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        update(buf.get(..k).unwrap_or(&[]));
        n += k as u64;
    }
    Ok((n, t.elapsed().as_secs_f64()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: hash FILE")?;
    let mut sha = sha2::Sha256::new();
    let (n, t) = stream(&path, |c| sha.update(c))?;
    let _ = sha.finalize();
    println!("sha256 alone:            {:.0} MB/s", n as f64 / t / 1e6);
    let mut h = Hasher::new();
    let (n, t) = stream(&path, |c| h.update(c))?;
    let d = h.finalize();
    println!(
        "sha256+sha384+sha512:    {:.0} MB/s (sha256 {})",
        n as f64 / t / 1e6,
        d.sha256
    );
    Ok(())
}

// Digester throughput in Chromium: `node bench/hash-bench.mjs` (after `npm run build`).
//
// Drives bench/hash-bench.html through playwright-core and the system's Chromium
// (/usr/bin/chromium or $CHROMIUM; headless, no sandbox, no GPU), served from 127.0.0.1 by
// test/server.js. For SHA-256 alone (`new Digester(['sha256'])`) and for the default
// three digests (`new Digester()`), it hashes MIB MiB (default 256) from memory (one 1 MiB
// Uint8Array fed repeatedly) and from a Blob read with blob.stream(), RUNS times (default
// 5) after a warm-up, and prints the best and the median in MB/s (10^6 bytes per second)
// and how much the wasm memory grew during a run (0: constant memory). crypto.subtle's
// one-shot SHA-256 over the same bytes, and reading the Blob without hashing, are printed
// for reference.
//
//   node bench/hash-bench.mjs [--mib 256] [--runs 5]
import { chromium } from 'playwright-core';
import { startServer } from '../test/server.js';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const mib = arg('mib', 256);
const runs = arg('runs', 5);

const server = await startServer();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
try {
  const page = await browser.newPage();
  await page.route('**/*', (route) =>
    route.request().url().startsWith(`${server.url}/`) ? route.continue() : route.abort('blockedbyclient'),
  );
  await page.goto(`${server.url}/bindings-wasm/bench/hash-bench.html`);
  await page.waitForFunction(() => window.ready === true, null, { timeout: 60_000 });
  console.log(`${await browser.version()}, ${mib} MiB per run, best and median of ${runs}`);
  const rows = [];
  for (const [label, algorithms] of [['SHA-256', ['sha256']], ['SHA-256 + SHA-384 + SHA-512', null]]) {
    for (const source of ['memory', 'blob']) {
      const r = await page.evaluate((c) => window.bench(c), { algorithms, source, mib, runs });
      rows.push({ digests: label, source, 'best MB/s': r.best.toFixed(0), 'median MB/s': r.median.toFixed(0), 'wasm memory growth': r.memoryGrowth });
    }
  }
  const read = await page.evaluate((c) => window.readOnly(c), { mib, runs });
  rows.push({ digests: `none: reading the Blob alone (${read.chunk.toFixed(0)} B chunks)`, source: 'blob', 'best MB/s': read.best.toFixed(0), 'median MB/s': '', 'wasm memory growth': '' });
  const subtle = await page.evaluate((c) => window.subtle(c), { mib: Math.min(mib, 256), runs });
  rows.push({ digests: 'crypto.subtle SHA-256 (one shot, reference)', source: 'memory', 'best MB/s': subtle.best.toFixed(0), 'median MB/s': '', 'wasm memory growth': '' });
  console.table(rows);
} finally {
  await browser.close();
  await server.close();
}

// Chromium runner (playwright-core driving the system's Chromium; no browser download):
// the shared conformance suite in a page, the Digester in a Web Worker, and the browser
// example (examples/browser) on the demo chain, untouched and tampered. Pages come from a
// static server on 127.0.0.1; any other request is blocked and fails the run.
//
//   CHROMIUM=/path/to/chromium   (default /usr/bin/chromium)
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, REPO } from './server.js';
import { SUITE_NAMES, MINIMUM_RAN, countsLine } from './suite.js';

const EXECUTABLE = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const RESULTS = path.join(REPO, 'bindings-wasm/test-results');
const DEMO = path.join(REPO, 'examples/demo');

let server;
let context;
let profile;
const offsite = []; // requests that tried to leave 127.0.0.1
const pageErrors = [];

before(async () => {
  server = await startServer();
  profile = await mkdtemp(path.join(tmpdir(), 'intoto-wasm-chromium-'));
  await mkdir(RESULTS, { recursive: true });
  context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    args: ARGS,
    viewport: { width: 1000, height: 900 },
  });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${server.url}/`)) return route.continue();
    offsite.push(url);
    return route.abort('blockedbyclient');
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

async function open(url) {
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${url}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`${url}: console: ${m.text()}`);
  });
  await page.goto(`${server.url}${url}`);
  return page;
}

describe('Chromium', () => {
  describe('the shared suites (test/suite.js) in a page', () => {
    let out;
    before(async () => {
      const page = await open('/bindings-wasm/test/browser/suite.html');
      await page.waitForFunction(() => window.__suite !== undefined, null, { timeout: 300_000 });
      out = await page.evaluate(() => window.__suite);
      await page.close();
    });

    test('the page ran', (t) => {
      assert.equal(out.error, undefined, out.error);
      t.diagnostic(out.userAgent);
    });

    for (const name of SUITE_NAMES) {
      test(`suite: ${name}`, async (t) => {
        assert.equal(out.error, undefined, out.error);
        const { results, counts, ms } = out.suites[name];
        t.diagnostic(countsLine(name, 'Chromium', counts, ms));
        assert.ok(counts.ran >= MINIMUM_RAN[name], `too few cases ran: ${counts.ran}`);
        for (const r of results) {
          await t.test(r.id, { skip: r.status === 'skip' ? r.detail : false }, () => {
            assert.equal(r.status, 'pass', r.detail);
          });
        }
      });
    }
  });

  test('Digester in a module Web Worker, streaming Blobs, equals crypto.subtle', async (t) => {
    const page = await open('/bindings-wasm/test/browser/worker.html');
    await page.waitForFunction(() => window.__worker !== undefined, null, { timeout: 60_000 });
    const out = await page.evaluate(() => window.__worker);
    await page.close();
    assert.equal(out.error, undefined, out.error);
    assert.ok(out.inWorker, 'the digests were computed in a DedicatedWorkerGlobalScope');
    for (const c of out.cases) {
      assert.deepEqual({ sha256: c.got.sha256, sha384: c.got.sha384, sha512: c.got.sha512 }, c.want, c.name);
    }
    const big = out.cases.at(-1);
    assert.equal(big.got.bytes, 5 * 1024 * 1024 + 7);
    assert.ok(big.got.chunks > 1, 'the Blob was streamed in chunks');
    t.diagnostic(`5 MiB in the worker: ${big.got.chunks} chunks, ${out.ms.toFixed(0)} ms (all three hashes)`);
  });

  test("the README's browser snippet runs (import map, in examples/demo)", async () => {
    const page = await open('/bindings-wasm/test/browser/readme.html');
    await page.waitForFunction(() => window.__readme !== undefined, null, { timeout: 30_000 });
    const out = await page.evaluate(() => window.__readme);
    await page.close();
    assert.equal(out.error, undefined, out.error);
    assert.deepEqual(out.logged, ['pass undefined']);
  });

  describe('examples/browser on the demo chain', () => {
    let page;
    const metadata = ['root.layout', 'keys/owner.pub', 'links/clone.8c0b21d8.link', 'links/update-version.8c0b21d8.link', 'links/package.27e5483c.link'].map(
      (f) => path.join(DEMO, f),
    );

    before(async () => {
      page = await open('/examples/browser/');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await page.setInputFiles('#metadata', metadata);
    });
    after(async () => page?.close());

    /** Clicks Verify and waits for the new answer. */
    async function clickVerify() {
      const run = await page.evaluate(() => Number(document.getElementById('result').dataset.run ?? 0));
      await page.click('#verify');
      await page.waitForFunction((r) => Number(document.getElementById('result').dataset.run ?? 0) > r, run);
    }

    async function verify(download, shot) {
      await page.setInputFiles('#download', download);
      await page.waitForSelector('#digest[data-sha256]', { timeout: 30_000 });
      await clickVerify();
      const got = await page.evaluate(() => ({
        verdict: document.getElementById('verdict').textContent,
        message: document.getElementById('verdict-message').textContent,
        details: document.getElementById('failure-details').innerText,
        plan: document.getElementById('plan').textContent,
        check: document.getElementById('download-check').textContent,
        sha256: document.getElementById('digest').dataset.sha256,
        report: JSON.parse(document.getElementById('report-json').textContent),
      }));
      await page.screenshot({ path: path.join(RESULTS, shot), fullPage: true });
      return got;
    }

    test('the real download: PASS, through the untar inspection', async () => {
      const got = await verify(path.join(DEMO, 'demo-project.tar.gz'), 'example-pass.png');
      assert.equal(got.verdict, 'PASS');
      assert.equal(got.sha256, '9540262b8b09c653f3df068eba377aafac791c99477094c3caa11165a7c07e14');
      assert.match(got.plan, /inspection “untar”/);
      assert.equal(got.report.verdict, 'pass');
      assert.equal(got.report.inspections[0].name, 'untar');
    });

    test('a tampered download: FAIL rule-disallowed, naming the inspection, rule and artifact', async () => {
      const tampered = new Uint8Array(await readFile(path.join(DEMO, 'demo-project.tar.gz')));
      tampered[tampered.length - 1] ^= 0x01;
      const got = await verify({ name: 'demo-project.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from(tampered) }, 'example-fail.png');
      assert.match(got.verdict, /^FAILrule-disallowed$/);
      assert.match(got.details, /inspection\s+untar/);
      assert.match(got.details, /DISALLOW \*/);
      assert.match(got.details, /demo-project\.tar\.gz/);
      assert.notEqual(got.sha256, '9540262b8b09c653f3df068eba377aafac791c99477094c3caa11165a7c07e14');
    });

    test('a renamed download: compared with the final product; FAIL until its name is given', async () => {
      const got = await verify({ name: 'demo-project (1).tar.gz', mimeType: 'application/gzip', buffer: await readFile(path.join(DEMO, 'demo-project.tar.gz')) }, 'example-renamed.png');
      assert.match(got.verdict, /^FAILdownload-mismatch$/);
      assert.match(got.message, /same sha256/);
      assert.equal(got.report.verdict, 'pass'); // the metadata itself verified
      await page.fill('#artifact-name', 'demo-project.tar.gz');
      await clickVerify();
      assert.equal(await page.textContent('#verdict'), 'PASS');
      await page.click('#result summary');
      await page.screenshot({ path: path.join(RESULTS, 'example-report-open.png'), fullPage: true });
    });

    test('a 256 MiB download is hashed as a stream (File.stream() through the Digester)', async (t) => {
      const size = 256 * 1024 * 1024;
      const big = path.join(profile, 'big.bin');
      await writeFile(big, '');
      await truncate(big, size); // sparse: zeros
      const want = createHash('sha256');
      const zeros = Buffer.alloc(1 << 20);
      for (let i = 0; i < size; i += zeros.length) want.update(zeros);
      const started = Date.now();
      await page.setInputFiles('#download', big);
      await page.waitForSelector('#digest[data-sha256]', { timeout: 300_000 });
      const secs = (Date.now() - started) / 1000;
      assert.equal(await page.getAttribute('#digest', 'data-sha256'), want.digest('hex'));
      t.diagnostic(`256 MiB hashed in the page in ${secs.toFixed(1)} s (${(256 / secs).toFixed(0)} MiB/s, sha256+384+512)`);
      await rm(big);
    });

    test('the attestation choice is a placeholder that says it is coming', async () => {
      await page.click('#choose-attestation');
      assert.ok(await page.isVisible('#panel-attestation'));
      assert.match(await page.textContent('#panel-attestation'), /Coming soon/);
      assert.ok(await page.isDisabled('#attestation'));
      await page.screenshot({ path: path.join(RESULTS, 'example-attestation-placeholder.png') });
      await page.click('#choose-layout');
    });
  });

  test('no request left 127.0.0.1, and no page logged an error', () => {
    assert.deepEqual(offsite, []);
    assert.deepEqual(pageErrors, []);
  });
});

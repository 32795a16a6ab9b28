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

  test('Digester in a module Web Worker, streaming Blobs, equals crypto.subtle (three digests and SHA-256 alone)', async (t) => {
    const page = await open('/bindings-wasm/test/browser/worker.html');
    await page.waitForFunction(() => window.__worker !== undefined, null, { timeout: 60_000 });
    const out = await page.evaluate(() => window.__worker);
    await page.close();
    assert.equal(out.error, undefined, out.error);
    assert.ok(out.inWorker, 'the digests were computed in a DedicatedWorkerGlobalScope');
    for (const c of out.cases) {
      const { id, bytes, chunks, scope, ...digests } = c.got;
      assert.deepEqual(digests, c.want, c.name);
    }
    assert.deepEqual(Object.keys(out.cases.at(-1).want), ['sha256'], 'the last case asked for SHA-256 alone');
    const big = out.cases.find((c) => c.name === '5 MiB + 7 random bytes');
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

  });

  describe('examples/browser with the demo attestation', () => {
    let page;
    const ATT = path.join(REPO, 'examples/browser/demo-attestation');
    const envelopeLine = () => readFile(path.join(ATT, 'demo-project.intoto.jsonl'), 'utf8');

    before(async () => {
      page = await open('/examples/browser/');
      await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
      await page.click('#choose-attestation');
      await page.setInputFiles('#attestation', path.join(ATT, 'demo-project.intoto.jsonl'));
      await page.setInputFiles('#attestation-key', path.join(ATT, 'builder.pub'));
    });
    after(async () => page?.close());

    async function verify(download, shot) {
      if (download) {
        await page.evaluate(() => delete document.getElementById('digest').dataset.sha256);
        await page.setInputFiles('#download', download);
        await page.waitForSelector('#digest[data-sha256]', { timeout: 30_000 });
      }
      const run = await page.evaluate(() => Number(document.getElementById('result').dataset.run ?? 0));
      await page.click('#verify');
      await page.waitForFunction((r) => Number(document.getElementById('result').dataset.run ?? 0) > r, run);
      const got = await page.evaluate(() => ({
        verdict: document.getElementById('verdict').textContent,
        message: document.getElementById('verdict-message').textContent,
        details: document.getElementById('failure-details').innerText,
        summary: document.getElementById('attestation-summary').innerText,
        matched: document.getElementById('matched-subjects').innerText,
        checks: document.getElementById('policy-checks').innerText,
        warnings: document.getElementById('warnings').innerText,
        layoutHidden: document.getElementById('layout-result').hidden,
        report: JSON.parse(document.getElementById('report-json').textContent),
      }));
      if (shot) await page.screenshot({ path: path.join(RESULTS, shot), fullPage: true });
      return got;
    }

    test('the good download: PASS, the subject matched by sha256 and sha512, the signer shown', async () => {
      await page.fill('#expect-predicate-type', 'https://slsa.dev/provenance/v1');
      await page.fill('#expect-source-uri', 'git.intoto-verify.example/demo-project');
      const got = await verify(path.join(DEMO, 'demo-project.tar.gz'), 'example-attestation-pass.png');
      assert.equal(got.verdict, 'PASS');
      assert.ok(got.layoutHidden);
      assert.ok(!(await page.isVisible('#artifact-name')), 'the layout-only name field is hidden');
      assert.match(got.matched, /subject 0 “demo-project\.tar\.gz”: sha256, sha512 equal/);
      assert.match(got.summary, /bd46add6fa00978edb62ddbf896c0e46b858d70a07fd0e7f4d0f22a7da29eca8/);
      assert.match(got.checks, /predicate type\s+✓/);
      assert.match(got.checks, /source repository\s+✓/);
      assert.equal(got.report.verdict, 'pass');
      assert.equal(got.report.artifact.sha256, '9540262b8b09c653f3df068eba377aafac791c99477094c3caa11165a7c07e14');
    });

    test('a tampered download: FAIL subject-mismatch, the digests expected and found', async () => {
      const tampered = new Uint8Array(await readFile(path.join(DEMO, 'demo-project.tar.gz')));
      tampered[tampered.length - 1] ^= 0x01;
      const got = await verify({ name: 'demo-project.tar.gz', mimeType: 'application/gzip', buffer: Buffer.from(tampered) }, 'example-attestation-fail.png');
      assert.equal(got.verdict, 'FAILsubject-mismatch');
      assert.match(got.details, /expected\s+sha256:[0-9a-f]{64}/);
      assert.match(got.details, /actual\s+subject\[0\] sha256:9540262b/);
      assert.match(got.matched, /none matches the download/);
      assert.match(got.checks, /not evaluated: verification stopped before the policy/);
    });

    test('a builder id the attestation does not have: FAIL builder-id-mismatch, expected vs actual', async () => {
      await page.fill('#expect-builder-id', 'https://github.com/actions/runner/github-hosted');
      const got = await verify(path.join(DEMO, 'demo-project.tar.gz'), 'example-attestation-policy.png');
      await page.fill('#expect-builder-id', '');
      assert.equal(got.verdict, 'FAILbuilder-id-mismatch');
      assert.match(got.details, /expected\s+https:\/\/github\.com\/actions\/runner\/github-hosted/);
      assert.match(got.details, /actual\s+https:\/\/builder\.intoto-verify\.example\/demo-builder@v1/);
      assert.match(got.checks, /builder id\s+✗ builder-id-mismatch/);
      assert.equal(got.report.failure.path, 'predicate.runDetails.builder.id');
    });

    test('a .jsonl with several envelopes: the one about the download is preselected; a pretty .intoto.json works too', async () => {
      const other = (await readFile(path.join(REPO, 'tests/conformance-attest/cases/vsa-bcid-gke-pass/vsa.intoto.jsonl'), 'utf8')).trim();
      await page.setInputFiles('#attestation', { name: 'bundle.intoto.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(`${other}\n${(await envelopeLine()).trim()}\n`) });
      await page.waitForSelector('#attestation-line', { state: 'visible' });
      const got = await verify(null); // the good download of the test before
      assert.equal(await page.inputValue('#attestation-line'), '1');
      assert.equal(got.verdict, 'PASS');
      const pretty = JSON.stringify(JSON.parse(await envelopeLine()), null, 2);
      await page.setInputFiles('#attestation', { name: 'demo-project.intoto.json', mimeType: 'application/json', buffer: Buffer.from(pretty) });
      await page.waitForSelector('#attestation-line', { state: 'hidden' });
      assert.equal((await verify(null)).verdict, 'PASS');
    });

    test('the wrong key: FAIL envelope-signature-invalid', async () => {
      await page.setInputFiles('#attestation-key', path.join(DEMO, 'keys/alice.pub'));
      const got = await verify(null);
      assert.equal(got.verdict, 'FAILenvelope-signature-invalid');
      assert.match(got.summary, /no key you gave verified a signature/);
      await page.setInputFiles('#attestation-key', path.join(ATT, 'builder.pub'));
    });
  });

  test('no request left 127.0.0.1, and no page logged an error', () => {
    assert.deepEqual(offsite, []);
    assert.deepEqual(pageErrors, []);
  });
});

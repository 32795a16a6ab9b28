// Node runner: the shared conformance suite, the request/report boundary, the Digester and
// the browser example's logic, against the built package (`npm run build` first).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import path from 'node:path';
import init, { verifyLayout, Digester, version } from '@intoto-verify/wasm';
import { loadSuite, skipReason, buildRequest, judge } from './suite.js';
import { REPO, listFiles } from './server.js';
import * as chain from '../../examples/browser/chain.js';

const files = {
  text: (p) => readFile(path.join(REPO, p), 'utf8'),
  bytes: async (p) => new Uint8Array(await readFile(path.join(REPO, p))),
  list: (d) => listFiles(path.join(REPO, d)),
};

const suite = await loadSuite(files);

describe('conformance: layout-verify (tests/suite)', () => {
  const n = { ran: 0, passed: 0, skipped: 0, differences: 0 };
  const started = performance.now();
  for (const c of suite.cases) {
    const reason = skipReason(c);
    if (reason) n.skipped += 1;
    test(c.id, { skip: reason ?? false }, async () => {
      n.ran += 1;
      const report = verifyLayout(await buildRequest(c, files));
      const verdict = judge(c, report, suite);
      assert.ok(verdict.ok, verdict.detail);
      n.passed += 1;
      if (verdict.difference) n.differences += 1;
    });
  }
  test('counts', (t) => {
    t.diagnostic(
      `layout-verify in Node ${process.versions.node}: ${n.ran} ran (${n.passed} passed, ${n.ran - n.passed} failed, ` +
        `${n.differences} deliberate differences), ${n.skipped} skipped, in ${(performance.now() - started).toFixed(0)} ms`,
    );
    assert.ok(n.ran > 60, `too few cases ran: ${n.ran}`);
  });
});

// --- the demo chain (examples/demo) ----------------------------------------------------

const DEMO = path.join(REPO, 'examples/demo');
async function demo() {
  const links = {};
  for (const n of await listFiles(path.join(DEMO, 'links'))) links[n] = new Uint8Array(await readFile(path.join(DEMO, 'links', n)));
  return {
    layout: new Uint8Array(await readFile(path.join(DEMO, 'root.layout'))),
    key: await readFile(path.join(DEMO, 'keys/owner.pub'), 'utf8'),
    links,
    tarball: new Uint8Array(await readFile(path.join(DEMO, 'demo-project.tar.gz'))),
  };
}
const NOW = '2026-11-25T12:00:00Z';

describe('verifyLayout: the request boundary', () => {
  test('the demo chain verifies with its inspection skipped (bytes and text inputs)', async () => {
    const d = await demo();
    const report = verifyLayout({ layout: d.layout, layoutKeys: [d.key], links: d.links, now: NOW, skipInspections: true });
    assert.equal(report.verdict, 'pass', JSON.stringify(report.failure));
    assert.deepEqual(report.steps.map((s) => s.name), ['clone', 'update-version', 'package']);
    assert.equal(report.warnings[0].code, 'inspections-skipped');
    // the same request with text layout and snake_case names
    const text = verifyLayout({ layout: new TextDecoder().decode(d.layout), layout_keys: [d.key], links: d.links, now: NOW, skip_inspections: true });
    assert.deepEqual(text, report);
  });

  test('the report is a plain, JSON-compatible object', async () => {
    const d = await demo();
    const report = verifyLayout({ layout: d.layout, layoutKeys: [d.key], links: d.links, now: NOW, skipInspections: true });
    assert.equal(Object.getPrototypeOf(report), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
    assert.equal(report.layout.format, 'metablock');
    assert.equal(report.layout.signatures[0].status, 'verified');
  });

  test('a missing inspection result fails with inspection-result-missing', async () => {
    const d = await demo();
    const report = verifyLayout({ layout: d.layout, layoutKeys: [d.key], links: d.links, now: NOW });
    assert.equal(report.verdict, 'fail');
    assert.equal(report.failure.code, 'inspection-result-missing');
  });

  test('an unknown (misspelt) field gives verdict error, code request-invalid, not a throw', () => {
    const report = verifyLayout({ layout: '{}', now: '0', skipInspection: true });
    assert.equal(report.verdict, 'error');
    assert.equal(report.failure.code, 'request-invalid');
    assert.match(report.failure.message, /unknown field `skipInspection`/);
  });

  test('an unknown field inside an inspection result is rejected too', () => {
    const report = verifyLayout({ layout: '{}', now: '0', inspections: { untar: { returnValue: 0, product: {} } } });
    assert.equal(report.failure.code, 'request-invalid');
    assert.match(report.failure.message, /unknown field `product`/);
  });

  for (const [what, value] of [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'root.layout'],
    ['an array', []],
    ['no layout', { now: NOW }],
    ['no now', { layout: '{}' }],
    ['a wrong type', { layout: '{}', now: NOW, skipInspections: 'yes' }],
  ]) {
    test(`a request that is ${what} gives request-invalid`, () => {
      const report = verifyLayout(value);
      assert.equal(report.verdict, 'error');
      assert.equal(report.failure.code, 'request-invalid');
    });
  }

  test('undefined and null properties count as not given', async () => {
    const d = await demo();
    const report = verifyLayout({ layout: d.layout, layoutKeys: [d.key], links: d.links, now: NOW, skipInspections: true, parameters: null, maxBytes: undefined });
    assert.equal(report.verdict, 'pass');
  });

  test('bytes as an array of numbers are accepted', async () => {
    const d = await demo();
    const report = verifyLayout({ layout: Array.from(d.layout), layoutKeys: [d.key], links: d.links, now: NOW, skipInspections: true });
    assert.equal(report.verdict, 'pass');
  });

  test('links as a Map and the layout as an ArrayBuffer are accepted', async () => {
    const d = await demo();
    const layout = d.layout.buffer.slice(d.layout.byteOffset, d.layout.byteOffset + d.layout.byteLength);
    const report = verifyLayout({ layout, layoutKeys: [d.key], links: new Map(Object.entries(d.links)), now: NOW, skipInspections: true });
    assert.equal(report.verdict, 'pass', JSON.stringify(report.failure));
  });

  test('a bad key and a bad time are reported with their codes', async () => {
    const d = await demo();
    assert.equal(verifyLayout({ layout: d.layout, layoutKeys: ['not a key'], now: NOW }).failure.code, 'key-invalid');
    const t = verifyLayout({ layout: d.layout, layoutKeys: [d.key], now: 'yesterday' });
    assert.equal(t.failure.code, 'request-invalid');
    assert.equal(t.failure.path, 'now');
  });

  test('a number beyond 2^53 in the report still comes back (through JSON)', async () => {
    const d = await demo();
    const report = verifyLayout({ layout: d.layout, layoutKeys: [d.key], links: d.links, now: NOW, inspections: { untar: { returnValue: 2n ** 62n } } });
    assert.equal(report.verdict, 'fail');
    assert.equal(report.failure.code, 'inspection-failed');
    assert.equal(report.inspections[0].return_value, 2 ** 62);
  });

  test('version() is the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(version(), pkg.version);
    assert.equal(typeof (await init()).memory, 'object'); // init() resolves in Node too
  });
});

test("the README's Node snippet runs (in examples/demo)", async () => {
  const { readmeBlock } = await import('./readme.js');
  const code = readmeBlock(await readFile(new URL('../README.md', import.meta.url), 'utf8'), 'Node');
  // Written inside the package so that '@intoto-verify/wasm' resolves to it (self-reference).
  const dir = new URL('../test-results/', import.meta.url);
  await mkdir(dir, { recursive: true });
  const file = new URL('readme-node.mjs', dir);
  await writeFile(file, code);
  const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(file)], { cwd: DEMO });
  assert.equal(stdout, 'pass undefined\n');
});

// --- Digester ------------------------------------------------------------------------

const VECTORS = [
  {
    input: '',
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    sha384: '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b',
    sha512: 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  },
  {
    input: 'abc',
    sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    sha384: 'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    sha512: 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  },
  {
    input: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    sha256: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    sha384: '3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b',
    sha512: '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
  },
];

function digestOf(...chunks) {
  const d = new Digester();
  for (const c of chunks) d.update(c);
  return d.finalize();
}

describe('Digester', () => {
  for (const v of VECTORS) {
    test(`known vector: ${JSON.stringify(v.input.length > 8 ? `${v.input.slice(0, 8)}…` : v.input)}`, () => {
      const { input, ...want } = v;
      assert.deepEqual(digestOf(new TextEncoder().encode(input)), want);
    });
  }

  test('known vector: one million "a", in uneven chunks', () => {
    const d = new Digester();
    const a = new Uint8Array(1_000_000).fill(0x61);
    for (let at = 0, n = 1; at < a.length; at += n, n = (n * 7 + 3) % 65_537) d.update(a.subarray(at, Math.min(at + n, a.length)));
    assert.equal(d.bytesHashed, 1_000_000);
    assert.deepEqual(d.finalize(), {
      sha256: 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0',
      sha384: '9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97ddd87f3d8985',
      sha512: 'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b',
    });
  });

  test('chunked equals one-shot equals node:crypto, for 3 MiB + 5 random bytes', () => {
    const data = new Uint8Array((3 << 20) + 5);
    for (let i = 0; i < data.length; i += 65_536) crypto.getRandomValues(data.subarray(i, i + 65_536));
    const oneShot = digestOf(data); // one chunk far larger than the 64 KiB copy block
    const chunked = digestOf(...[0, 1, 4095, 65_536, 65_537, 1_000_000].reduce((acc, cut, i, cuts) => {
      acc.push(data.subarray(cut, cuts[i + 1] ?? data.length));
      return acc;
    }, []));
    const node = Object.fromEntries(['sha256', 'sha384', 'sha512'].map((a) => [a, createHash(a).update(data).digest('hex')]));
    assert.deepEqual(oneShot, node);
    assert.deepEqual(chunked, node);
  });

  test('takes Buffers, other views, ArrayBuffers and empty chunks', () => {
    const bytes = new TextEncoder().encode('xxabcxx');
    const want = digestOf(new TextEncoder().encode('abc'));
    assert.deepEqual(digestOf(Buffer.from('abc')), want);
    assert.deepEqual(digestOf(bytes.subarray(2, 5)), want);
    assert.deepEqual(digestOf(new DataView(bytes.buffer, 2, 3)), want);
    assert.deepEqual(digestOf(bytes.slice(2, 5).buffer), want);
    assert.deepEqual(digestOf(new Uint8Array(0), new TextEncoder().encode('abc'), new Uint8Array(0)), want);
  });

  test('anything else throws an Error with code digester-input-invalid', () => {
    for (const bad of ['abc', 42, null, undefined, [1, 2, 3], {}]) {
      const d = new Digester();
      assert.throws(() => d.update(bad), (e) => e instanceof Error && e.code === 'digester-input-invalid');
      d.free();
    }
  });

  test('after finalize, update and finalize throw digester-finalized', () => {
    const d = new Digester();
    d.finalize();
    assert.throws(() => d.update(new Uint8Array(1)), { code: 'digester-finalized' });
    assert.throws(() => d.finalize(), { code: 'digester-finalized' });
    d.free();
  });

  test('wasm memory stays constant while hashing 256 MiB in 1 MiB chunks', async () => {
    const { memory } = await init();
    const chunk = new Uint8Array(1 << 20).fill(7);
    const d = new Digester();
    d.update(chunk);
    const before = memory.buffer.byteLength;
    for (let i = 1; i < 256; i += 1) d.update(chunk);
    assert.equal(memory.buffer.byteLength, before);
    assert.equal(d.bytesHashed, 256 * (1 << 20));
    const big = createHash('sha256');
    for (let i = 0; i < 256; i += 1) big.update(chunk);
    assert.equal(d.finalize().sha256, big.digest('hex'));
  });
});

// --- the browser example's logic (examples/browser/chain.js) -----------------------------

describe('examples/browser: the demo chain', () => {
  async function metadata() {
    const d = await demo();
    return chain.sortMetadata([
      { name: 'root.layout', bytes: d.layout },
      { name: 'owner.pub', bytes: new TextEncoder().encode(d.key) },
      ...Object.entries(d.links).map(([name, bytes]) => ({ name, bytes })),
    ]);
  }
  async function download(bytes, name = 'demo-project.tar.gz') {
    const stream = new Blob([bytes]).stream();
    return { name, digests: await chain.hashStream(stream, Digester) };
  }

  test('the download stands in for the untar inspection and passes', async () => {
    const m = await metadata();
    assert.deepEqual(m.problems, []);
    const dl = await download((await demo()).tarball);
    assert.equal(dl.digests.sha256, '9540262b8b09c653f3df068eba377aafac791c99477094c3caa11165a7c07e14');
    const plan = chain.planVerification(m, dl, NOW);
    assert.equal(plan.mode, 'inspection');
    assert.deepEqual(plan.inspections, ['untar']);
    const report = verifyLayout(plan.request);
    assert.equal(report.verdict, 'pass', JSON.stringify(report.failure));
    assert.equal(report.inspections[0].return_value, 0);
  });

  test('a tampered download fails on the inspection rule, naming the artifact', async () => {
    const tarball = (await demo()).tarball.slice();
    tarball[tarball.length - 1] ^= 1;
    const plan = chain.planVerification(await metadata(), await download(tarball), NOW);
    const report = verifyLayout(plan.request);
    assert.equal(report.verdict, 'fail');
    assert.equal(report.failure.code, 'rule-disallowed');
    assert.equal(report.failure.inspection, 'untar');
    assert.deepEqual(report.failure.artifacts, ['demo-project.tar.gz']);
  });

  test('without a matching inspection: skipped, and compared with the final product', async () => {
    const m = await metadata();
    const tarball = (await demo()).tarball;
    // renamed by the browser: no inspection names it, so the product check decides
    const renamed = await download(tarball, 'demo-project (1).tar.gz');
    const plan = chain.planVerification(m, renamed, NOW);
    assert.equal(plan.mode, 'skip');
    const report = verifyLayout(plan.request);
    assert.equal(report.verdict, 'pass');
    const check = chain.checkDownload(report, m.links, renamed);
    assert.equal(check.ok, false);
    assert.match(check.detail, /same sha256/);
    assert.equal(chain.overall(report, check).verdict, 'fail');
    // the same file under its name: matches the package step's product
    const good = chain.checkDownload(report, m.links, await download(tarball));
    assert.equal(good.ok, true, good.detail);
    assert.equal(good.step, 'package');
    const bad = tarball.slice();
    bad[0] ^= 1;
    assert.equal(chain.checkDownload(report, m.links, await download(bad)).ok, false);
  });

  test('fnmatch covers the patterns layouts use', () => {
    assert.ok(chain.fnmatch('*.tar.gz', 'demo-project.tar.gz'));
    assert.ok(chain.fnmatch('demo-project.tar.gz', 'demo-project.tar.gz'));
    assert.ok(!chain.fnmatch('demo-project/*', 'demo-project.tar.gz'));
    assert.ok(chain.fnmatch('v?.[0-9]', 'v1.2'));
    assert.ok(!chain.fnmatch('[!a]b', 'ab'));
  });
});

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
import init, { verifyLayout, verifyAttestation, Digester, failureCodes, version } from '@intoto-verify/wasm';
import { loadSuites, makeSigner, pae, runCase, summarise, countsLine, MINIMUM_RAN } from './suite.js';
import { REPO, listFiles } from './server.js';
import * as chain from '../../examples/browser/chain.js';
import * as attestation from '../../examples/browser/attestation.js';

const files = {
  text: (p) => readFile(path.join(REPO, p), 'utf8'),
  bytes: async (p) => new Uint8Array(await readFile(path.join(REPO, p))),
  list: (d) => listFiles(path.join(REPO, d)),
};

// --- the shared suites (test/suite.js): one test per case, then the counts -------------

const { maps, suites } = await loadSuites(files);
const api = { verifyLayout, verifyAttestation, Digester };
const ctx = { maps, signer: await makeSigner() };

for (const suite of suites) {
  describe(`suite: ${suite.name} (tests/suite)`, () => {
    const results = [];
    let started;
    for (const entry of suite.cases) {
      test(entry.id, { skip: entry.skip ?? false }, async () => {
        started ??= performance.now();
        const verdict = await runCase(suite.name, entry, api, files, ctx);
        results.push({ id: entry.id, status: verdict.ok ? 'pass' : 'fail', difference: verdict.difference, partial: verdict.partial });
        assert.ok(verdict.ok, verdict.detail);
      });
    }
    test('counts', (t) => {
      const counts = summarise([...results, ...suite.cases.filter((e) => e.skip).map((e) => ({ id: e.id, status: 'skip' }))]);
      t.diagnostic(countsLine(suite.name, `Node ${process.versions.node}`, counts, performance.now() - (started ?? performance.now())));
      assert.ok(counts.ran >= MINIMUM_RAN[suite.name], `too few cases ran: ${counts.ran}`);
    });
  });
}

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

  test('values a request cannot hold give request-invalid, not a throw or a crash', () => {
    const cyclic = { layout: '{}', now: NOW };
    cyclic.parameters = cyclic;
    for (const [request, pattern] of [
      [cyclic, /nests deeper than 64 levels/],
      [{ layout: '{}', now: NOW, layoutKeys: new Set(['a']) }, /unsupported value of type object/],
      [{ layout: '{}', now: NOW, links: new Map([[1, 'x']]) }, /Map key is not a string/],
      [{ layout: () => '{}', now: NOW }, /unsupported value of type function/],
      [{ layout: '{}', now: NOW, maxBytes: 2n ** 70n }, /BigInt outside/],
      [{ layout: '{}', now: NOW, [Symbol('s')]: 1, maxDepth: Symbol('d') }, /unsupported value of type symbol/],
    ]) {
      const report = verifyLayout(request);
      assert.equal(report.verdict, 'error');
      assert.equal(report.failure.code, 'request-invalid');
      assert.match(report.failure.message, pattern);
    }
    const policy = {};
    policy.externalParameters = policy;
    for (const request of [
      { envelope: '{}', policy },
      { envelope: '{}', verificationKeys: new Set(['a']) },
      { envelope: () => '{}' },
      { envelope: '{}', threshold: 2n ** 70n },
    ]) {
      const report = verifyAttestation(request);
      assert.deepEqual([report.verdict, report.failure.code], ['error', 'request-invalid'], report.failure.message);
    }
  });

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

// --- verifyAttestation ------------------------------------------------------------------

const DEMO_ATTESTATION = path.join(REPO, 'examples/browser/demo-attestation');
async function demoAttestation() {
  return {
    envelope: await readFile(path.join(DEMO_ATTESTATION, 'demo-project.intoto.jsonl'), 'utf8'),
    key: await readFile(path.join(DEMO_ATTESTATION, 'builder.pub'), 'utf8'),
    tarball: new Uint8Array(await readFile(path.join(DEMO, 'demo-project.tar.gz'))),
  };
}
const TARBALL_SHA256 = '9540262b8b09c653f3df068eba377aafac791c99477094c3caa11165a7c07e14';

describe('verifyAttestation: the request boundary', () => {
  test('the demo attestation verifies against the tarball hashed by the Digester (as the page does)', async () => {
    const a = await demoAttestation();
    const d = new Digester();
    d.update(a.tarball);
    const digests = d.finalize();
    d.free();
    const report = verifyAttestation({
      envelope: a.envelope,
      verificationKeys: [a.key],
      artifactDigest: digests,
      policy: {
        predicateType: 'https://slsa.dev/provenance/v1',
        builderId: 'https://builder.intoto-verify.example/demo-builder',
        sourceUri: 'git.intoto-verify.example/demo-project',
      },
    });
    assert.equal(report.verdict, 'pass', JSON.stringify(report.failure));
    assert.deepEqual(report.matched_subjects, [{ index: 0, name: 'demo-project.tar.gz', algorithms: ['sha256', 'sha512'] }]);
    assert.deepEqual(report.checks.map((c) => [c.check, c.passed]), [['predicate-type', true], ['builder-id', true], ['source-uri', true]]);
    assert.deepEqual(report.artifact, digests);
    assert.equal(report.envelope.signers.length, 1);
    assert.equal(report.statement.version, 'v1');
    assert.deepEqual(report.warnings, []);
    assert.equal(Object.getPrototypeOf(report), Object.prototype);
    assert.deepEqual(JSON.parse(JSON.stringify(report)), report);
  });

  test('the same answer for the digest as {alg: hex}, "alg:hex", a list, the bytes, and snake_case names', async () => {
    const a = await demoAttestation();
    const base = { envelope: a.envelope, verificationKeys: [a.key] };
    const want = verifyAttestation({ ...base, artifactDigest: { sha256: TARBALL_SHA256 } });
    assert.equal(want.verdict, 'pass');
    assert.deepEqual(verifyAttestation({ ...base, artifactDigest: `sha256:${TARBALL_SHA256}` }), want);
    assert.deepEqual(verifyAttestation({ ...base, artifactDigest: [`sha256:${TARBALL_SHA256.toUpperCase()}`] }), want);
    assert.deepEqual(verifyAttestation({ envelope: new TextEncoder().encode(a.envelope), verification_keys: [a.key], artifact_digest: { sha256: TARBALL_SHA256 } }), want);
    const bytes = verifyAttestation({ ...base, artifact: a.tarball });
    assert.equal(bytes.verdict, 'pass');
    assert.deepEqual(bytes.matched_subjects[0].algorithms, ['sha256', 'sha512']);
  });

  test('a tampered artifact fails with subject-mismatch, expected and actual given', async () => {
    const a = await demoAttestation();
    const tampered = a.tarball.slice();
    tampered[tampered.length - 1] ^= 1;
    const report = verifyAttestation({ envelope: a.envelope, verificationKeys: [a.key], artifact: tampered });
    assert.equal(report.verdict, 'fail');
    assert.equal(report.failure.code, 'subject-mismatch');
    assert.match(report.failure.actual, new RegExp(TARBALL_SHA256));
    assert.deepEqual(report.matched_subjects, []);
  });

  test('a policy failure carries expected and actual, and every check is listed', async () => {
    const a = await demoAttestation();
    const report = verifyAttestation({
      envelope: a.envelope,
      verificationKeys: [a.key],
      artifactDigest: { sha256: TARBALL_SHA256 },
      policy: { builderId: 'https://github.com/actions/runner/github-hosted', sourceUri: 'github.com/acme/app' },
    });
    assert.equal(report.verdict, 'fail');
    assert.equal(report.failure.code, 'builder-id-mismatch');
    assert.equal(report.failure.expected, 'https://github.com/actions/runner/github-hosted');
    assert.equal(report.failure.actual, 'https://builder.intoto-verify.example/demo-builder@v1');
    assert.equal(report.failure.path, 'predicate.runDetails.builder.id');
    assert.deepEqual(report.checks.map((c) => [c.code, c.passed]), [['builder-id-mismatch', false], ['source-uri-mismatch', false]]);
  });

  test('without an artifact nothing is bound, and the report warns', async () => {
    const a = await demoAttestation();
    const report = verifyAttestation({ envelope: a.envelope, verificationKeys: [a.key] });
    assert.equal(report.verdict, 'pass');
    assert.deepEqual(report.warnings.map((w) => w.code), ['subject-not-checked']);
  });

  test('the wrong key, no key, a bad key, a bad envelope: their codes', async () => {
    const a = await demoAttestation();
    const other = (await makeSigner()).pem;
    assert.equal(verifyAttestation({ envelope: a.envelope, verificationKeys: [other] }).failure.code, 'envelope-signature-invalid');
    assert.equal(verifyAttestation({ envelope: a.envelope, verificationKeys: [a.key, other], threshold: 2 }).failure.code, 'envelope-threshold-unmet');
    const none = verifyAttestation({ envelope: a.envelope });
    assert.deepEqual([none.verdict, none.failure.code], ['error', 'verification-keys-missing']);
    const bad = verifyAttestation({ envelope: a.envelope, verificationKeys: ['not a key'] });
    assert.deepEqual([bad.verdict, bad.failure.code, bad.failure.path], ['error', 'key-invalid', 'verification_keys[0]']);
    assert.equal(verifyAttestation({ envelope: 'not json', verificationKeys: [a.key] }).failure.code, 'envelope-malformed');
    const keyid = verifyAttestation({ envelope: a.envelope, verificationKeys: [{ pem: a.key, keyid: 'someone-else' }] });
    assert.equal(keyid.failure.code, 'envelope-signature-invalid');
  });

  for (const [what, value, pattern] of [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'envelope.json'],
    ['an array', []],
    ['without envelope', { verificationKeys: [] }, /missing field `envelope`/],
    ['an unknown field', { envelope: '{}', verificationKey: [] }, /unknown field `verificationKey`/],
    ['an unknown policy option', { envelope: '{}', policy: { builderID: 'x' } }, /unknown field `builderID`/],
    ['an unknown key field', { envelope: '{}', verificationKeys: [{ pem: 'x', keyID: 'k' }] }, /unknown field `keyID`/],
    ['a key object without pem', { envelope: '{}', verificationKeys: [{ keyid: 'k' }] }, /missing field `pem`/],
    ['a wrong type', { envelope: '{}', envelopeOnly: 'yes' }],
    ['an md5 digest', { envelope: '{}', artifactDigest: { md5: 'd41d8cd98f00b204e9800998ecf8427e' } }, /md5 is not accepted/],
    ['a short sha256', { envelope: '{}', artifactDigest: 'sha256:abc' }, /sha256/],
    ['a digest that is not alg:hex', { envelope: '{}', artifactDigest: 'abc' }, /ALGORITHM:VALUE/],
  ]) {
    test(`a request that is ${what} gives request-invalid`, () => {
      const report = verifyAttestation(value);
      assert.equal(report.verdict, 'error');
      assert.equal(report.failure.code, 'request-invalid');
      if (pattern) assert.match(report.failure.message, pattern);
      assert.deepEqual(report.checks, []);
    });
  }

  test('the artifact and its digest together: request-invalid at artifact', async () => {
    const a = await demoAttestation();
    const report = verifyAttestation({ envelope: a.envelope, verificationKeys: [a.key], artifact: a.tarball, artifactDigest: { sha256: TARBALL_SHA256 } });
    assert.deepEqual([report.verdict, report.failure.code, report.failure.path], ['error', 'request-invalid', 'artifact']);
  });

  test('undefined and null properties count as not given', async () => {
    const a = await demoAttestation();
    const report = verifyAttestation({ envelope: a.envelope, verificationKeys: [a.key], artifact: undefined, artifactDigest: `sha256:${TARBALL_SHA256}`, threshold: null, policy: { builderId: null } });
    assert.equal(report.verdict, 'pass', JSON.stringify(report.failure));
  });

  test('a Statement with a number beyond 2^53 still comes back (through JSON)', async () => {
    const signer = await makeSigner();
    const statement = `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"x","digest":{"sha256":"${TARBALL_SHA256}"}}],"predicateType":"https://example.com/p","predicate":{"n":12345678901234567890}}`;
    const envelope = await signer.envelope('application/vnd.in-toto+json', new TextEncoder().encode(statement));
    const report = verifyAttestation({ envelope, verificationKeys: [signer.pem], artifactDigest: { sha256: TARBALL_SHA256 } });
    assert.equal(report.verdict, 'pass', JSON.stringify(report.failure));
    assert.equal(report.statement.body.predicate.n, 12345678901234567890);
  });

  test('control for the dsse-pae vectors: a PAE one byte off does not verify', async () => {
    // The attestation suite runs tests/conformance dsse-pae by signing the expected PAE
    // bytes; this shows the core rejects a signature over anything else.
    const signer = await makeSigner();
    const payload = new TextEncoder().encode('hello world');
    const good = pae('http://example.com/HelloWorld', payload);
    const bad = good.slice();
    bad[7] ^= 1;
    const envelope = async (signed) =>
      JSON.stringify({ payload: Buffer.from(payload).toString('base64'), payloadType: 'http://example.com/HelloWorld', signatures: [{ sig: Buffer.from(await signer.sign(signed)).toString('base64') }] });
    assert.equal(verifyAttestation({ envelope: await envelope(good), verificationKeys: [signer.pem], envelopeOnly: true }).verdict, 'pass');
    const r = verifyAttestation({ envelope: await envelope(bad), verificationKeys: [signer.pem], envelopeOnly: true });
    assert.equal(r.failure.code, 'envelope-signature-invalid');
  });

  test('failureCodes() is the core list, and the FailureCode type names exactly those', async () => {
    const codes = failureCodes();
    assert.equal(codes.length, new Set(codes).size);
    assert.ok(codes.includes('subject-mismatch') && codes.includes('layout-expired'));
    const dts = await readFile(new URL('../src/types.d.ts', import.meta.url), 'utf8');
    const union = (name) => {
      const m = dts.match(new RegExp(`export type ${name} =([^;]*);`));
      assert.ok(m, name);
      return [...m[1].matchAll(/"([a-z0-9-]+)"/g)].map((x) => x[1]);
    };
    const declared = [...union('LayoutFailureCode'), ...union('AttestationFailureCode'), ...union('PolicyFailureCode')];
    assert.deepEqual([...declared].sort(), [...codes].sort());
    // every code the attestation corpora map is one the core has
    const kinds = JSON.parse(await readFile(path.join(REPO, 'tests/suite/attest-error-kinds.json'), 'utf8'));
    for (const c of Object.keys(kinds.codes)) assert.ok(codes.includes(c), c);
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

test("the README's attestation snippet runs (in examples/)", async () => {
  const { readmeBlock } = await import('./readme.js');
  const code = readmeBlock(await readFile(new URL('../README.md', import.meta.url), 'utf8'), 'Attestations');
  const file = new URL('../test-results/readme-attestation.mjs', import.meta.url);
  await writeFile(file, code);
  const { stdout } = await promisify(execFile)(process.execPath, [fileURLToPath(file)], { cwd: path.join(REPO, 'examples') });
  assert.equal(stdout, 'pass demo-project.tar.gz\n');
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

  for (const algorithms of [undefined, ['sha256']]) {
    test(`wasm memory stays constant while hashing 256 MiB in 1 MiB chunks (${algorithms ?? 'all three'})`, async () => {
      const { memory } = await init();
      const chunk = new Uint8Array(1 << 20).fill(7);
      const d = new Digester(algorithms);
      d.update(chunk);
      const before = memory.buffer.byteLength;
      for (let i = 1; i < 256; i += 1) d.update(chunk);
      assert.equal(memory.buffer.byteLength, before);
      assert.equal(d.bytesHashed, 256 * (1 << 20));
      const big = createHash('sha256');
      for (let i = 0; i < 256; i += 1) big.update(chunk);
      assert.equal(d.finalize().sha256, big.digest('hex'));
    });
  }

  test('new Digester(algorithms) computes exactly the digests named', () => {
    const data = new Uint8Array(200_003);
    crypto.getRandomValues(data.subarray(0, 65_536));
    data.copyWithin(65_536, 0);
    const all = digestOf(data);
    const only = (algorithms, ...chunks) => {
      const d = new Digester(algorithms);
      for (const c of chunks) d.update(c);
      assert.equal(d.bytesHashed, data.length);
      return d.finalize();
    };
    assert.deepEqual(only(['sha256'], data), { sha256: all.sha256 });
    assert.deepEqual(only(['sha384'], data.subarray(0, 7), data.subarray(7)), { sha384: all.sha384 });
    assert.deepEqual(only(['sha512', 'sha256'], data), { sha256: all.sha256, sha512: all.sha512 });
    assert.deepEqual(only(['sha256', 'sha256'], data), { sha256: all.sha256 });
    assert.deepEqual(only(['sha512', 'sha384', 'sha256'], data), all);
    assert.deepEqual(only(null, data), all);
    assert.deepEqual(only(undefined, data), all);
    assert.deepEqual(Object.keys(all), ['sha256', 'sha384', 'sha512']);
  });

  test('an algorithm list that is not a non-empty array of known names throws digester-algorithm-invalid', () => {
    for (const bad of [[], ['md5'], ['sha256', 'SHA-512'], ['sha1'], [256], 'sha256', 42, {}, new Set(['sha256'])]) {
      assert.throws(() => new Digester(bad), (e) => e instanceof Error && e.code === 'digester-algorithm-invalid', String(bad));
    }
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

// --- the browser example's attestation logic (examples/browser/attestation.js) -------------

describe('examples/browser: the demo attestation', () => {
  const enc = (s) => new TextEncoder().encode(s);

  test('a one-line .jsonl, a pretty .intoto.json and a several-line .jsonl are read as the page reads them', async () => {
    const a = await demoAttestation();
    const one = attestation.envelopesIn(enc(a.envelope));
    assert.equal(one.length, 1);
    assert.match(one[0].label, /^https:\/\/slsa\.dev\/provenance\/v1 about demo-project\.tar\.gz$/);
    const pretty = attestation.envelopesIn(enc(JSON.stringify(JSON.parse(a.envelope), null, 2)));
    assert.equal(pretty.length, 1);
    const other = await readFile(path.join(REPO, 'tests/conformance-attest/cases/vsa-bcid-gke-pass/vsa.intoto.jsonl'), 'utf8');
    const several = attestation.envelopesIn(enc(`${other.trim()}\n\n${a.envelope.trim()}\r\n`));
    assert.deepEqual(several.map((e) => e.index), [1, 3]);
    assert.match(several[0].label, /^line 1: https:\/\/slsa\.dev\/verification_summary\/v1/);
    const d = new Digester();
    d.update(a.tarball);
    const digests = d.finalize();
    assert.equal(attestation.preferredEnvelope(several, digests), 1);
    assert.equal(attestation.preferredEnvelope(several, null), 0);
    assert.match(attestation.describeEnvelope('{"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json"}').label, /Sigstore bundle/);
    assert.equal(attestation.describeEnvelope('nope').label, 'not JSON');
  });

  test('the request the page builds: digests as artifactDigest, empty policy fields left out', async () => {
    const a = await demoAttestation();
    const d = new Digester();
    d.update(a.tarball);
    const digests = d.finalize();
    const req = attestation.attestationRequest({
      envelope: a.envelope,
      keys: [enc(a.key)],
      digests,
      policy: { predicateType: ' https://slsa.dev/provenance/v1 ', builderId: '', sourceUri: '   ' },
    });
    assert.deepEqual(Object.keys(req), ['envelope', 'verificationKeys', 'artifactDigest', 'policy']);
    assert.deepEqual(req.policy, { predicateType: 'https://slsa.dev/provenance/v1' });
    const report = verifyAttestation(req);
    assert.equal(report.verdict, 'pass', JSON.stringify(report.failure));
    const noPolicy = attestation.attestationRequest({ envelope: a.envelope, keys: [enc(a.key)], digests: null, policy: {} });
    assert.deepEqual(Object.keys(noPolicy), ['envelope', 'verificationKeys']);
  });
});

// verifyAttestation / verifyAttestationAsync: the request's shapes, the report, failures as
// reports or errors, argument errors, and failureCodes() against types.d.ts. The
// attestations are made here: a SLSA v1 provenance about a generated artifact, signed with
// fresh Ed25519 and ECDSA keys (node:crypto).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { loadImpl, packageDir } from './impl.mjs'
import { attestCases, attestRequests, attestKinds, pae, SKIPPED } from './attest-suite.mjs'
import { scratchDir } from './bin.mjs'

const impl = await loadImpl()
const { verifyAttestation, verifyAttestationAsync, assertVerified, failureCodes } = impl
const noAttest = !verifyAttestation && `${impl.name} has no verifyAttestation`
const scratch = scratchDir('intoto-verify-node-attest-')

const IN_TOTO = 'application/vnd.in-toto+json'
const newKey = (type, opts) => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync(type, opts)
  return { pem: publicKey.export({ type: 'spki', format: 'pem' }), der: publicKey.export({ type: 'spki', format: 'der' }), privateKey }
}
const alice = newKey('ed25519')
const bob = newKey('ec', { namedCurve: 'P-256' })

/** A DSSE envelope of `payload` signed by `signers` ([key, keyid?] pairs). */
function envelope(payload, signers, payloadType = IN_TOTO) {
  const bytes = Buffer.from(payload)
  const m = pae(payloadType, bytes)
  return JSON.stringify({
    payload: bytes.toString('base64'),
    payloadType,
    signatures: signers.map(([k, keyid]) => ({
      ...(keyid ? { keyid } : {}),
      sig: crypto.sign(k.privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', m, k.privateKey).toString('base64'),
    })),
  })
}

// The artifact: 3 MiB and a bit, on disk.
const artifactBytes = Buffer.alloc(3 * (1 << 20) + 17)
for (let i = 0; i < artifactBytes.length; i++) artifactBytes[i] = i % 251
const artifactPath = path.join(scratch.root, 'app-1.2.3.tgz')
fs.writeFileSync(artifactPath, artifactBytes)
const sha = (alg, b = artifactBytes) => crypto.createHash(alg).update(b).digest('hex')

const statement = {
  _type: 'https://in-toto.io/Statement/v1',
  subject: [{ name: 'app-1.2.3.tgz', digest: { sha512: sha('sha512') } }],
  predicateType: 'https://slsa.dev/provenance/v1',
  predicate: {
    buildDefinition: {
      buildType: 'https://example.com/bt',
      externalParameters: { source: 'git+https://github.com/acme/app@refs/tags/v1.2.3', debug: false },
    },
    runDetails: { builder: { id: 'https://example.com/builder@v3' } },
  },
}
const payload = JSON.stringify(statement)
const signed = envelope(payload, [[alice]])

function request(extra = {}) {
  return { envelope: signed, verificationKeys: [alice.pem], artifactDigest: { sha512: sha('sha512') }, ...extra }
}

test('a signed provenance verifies; the report says what was checked', { skip: noAttest }, async () => {
  const report = await verifyAttestation(
    request({ policy: { builderId: 'https://example.com/builder', sourceUri: 'github.com/acme/app', sourceTag: 'v1.2.3' } }),
  )
  assert.equal(report.verdict, 'pass', report.failure?.message)
  assert.equal(report.failure, undefined)
  assert.equal(report.envelope.payload_type, IN_TOTO)
  assert.equal(report.envelope.payload_sha256, sha('sha256', Buffer.from(payload)))
  assert.equal(report.envelope.threshold, 1)
  assert.deepEqual(report.envelope.signatures, [{ index: 0, verified_by: [0] }])
  assert.equal(report.envelope.signers.length, 1)
  // The fingerprint is SHA-256 of the key's SubjectPublicKeyInfo.
  assert.equal(report.envelope.signers[0].fingerprint, sha('sha256', alice.der))
  assert.equal(report.statement.version, 'v1')
  assert.equal(report.statement.predicate_type, statement.predicateType)
  assert.deepEqual(report.statement.body, statement)
  assert.deepEqual(report.artifact, { sha512: sha('sha512') })
  assert.deepEqual(report.matched_subjects, [{ index: 0, name: 'app-1.2.3.tgz', algorithms: ['sha512'] }])
  assert.deepEqual(report.checks.map((c) => [c.check, c.passed]), [['builder-id', true], ['source-uri', true], ['source-tag', true]])
  assert.deepEqual(report.warnings, [])
})

test('the artifact: bytes, digestFile output as is, "alg:hex", a list, a map', { skip: noAttest }, async () => {
  const fromFile = await impl.digestFile(artifactPath)
  const forms = {
    artifact: { artifactDigest: undefined, artifact: artifactBytes },
    'digestFile()': { artifactDigest: fromFile },
    'alg:hex': { artifactDigest: `sha512:${sha('sha512')}` },
    'uppercase hex': { artifactDigest: `sha512:${sha('sha512').toUpperCase()}` },
    list: { artifactDigest: [`sha256:${sha('sha256')}`, `sha512:${sha('sha512')}`] },
    'snake_case': { artifactDigest: undefined, artifact_digest: { sha512: sha('sha512') } },
  }
  for (const [name, extra] of Object.entries(forms)) {
    const report = await verifyAttestation(request(extra))
    assert.equal(report.verdict, 'pass', `${name}: ${report.failure?.message}`)
    assert.deepEqual(report.matched_subjects[0].algorithms, ['sha512'], name)
  }
  // Another artifact does not match; no artifact binds nothing and warns.
  const other = await verifyAttestation(request({ artifactDigest: undefined, artifact: 'something else' }))
  assert.equal(other.verdict, 'fail')
  assert.equal(other.failure.code, 'subject-mismatch')
  const none = await verifyAttestation(request({ artifactDigest: undefined }))
  assert.equal(none.verdict, 'pass')
  assert.ok(none.warnings.some((w) => w.code === 'subject-not-checked'))
})

test('digest values the core refuses are a request-invalid report', { skip: noAttest }, async () => {
  for (const artifactDigest of ['sha256:zz', { sha256: 'abc' }, `md5:${'0'.repeat(32)}`, ':abc', {}, []]) {
    const report = await verifyAttestation(request({ artifactDigest }))
    assert.equal(report.verdict, 'error', JSON.stringify(artifactDigest))
    assert.equal(report.failure.code, 'request-invalid', JSON.stringify(artifactDigest))
    assert.equal(report.failure.path, 'artifact_digest')
  }
  const both = await verifyAttestation(request({ artifact: artifactBytes }))
  assert.equal(both.failure.code, 'request-invalid')
})

test('each policy option reaches the core: its code, expected and actual', { skip: noAttest }, async () => {
  const cases = [
    [{ predicateType: 'https://slsa.dev/provenance/v0.2' }, 'predicate-type-mismatch', 'https://slsa.dev/provenance/v1'],
    [{ builderId: 'https://example.com/builder@v4' }, 'builder-id-mismatch', 'https://example.com/builder@v3'],
    [{ buildType: 'https://example.com/other' }, 'build-type-mismatch', 'https://example.com/bt'],
    [{ sourceUri: 'github.com/acme/other' }, 'source-uri-mismatch', undefined],
    [{ sourceRef: 'refs/heads/main' }, 'source-ref-mismatch', undefined],
    [{ sourceTag: 'v9' }, 'source-tag-mismatch', undefined],
    [{ sourceBranch: 'main' }, 'source-branch-mismatch', undefined],
    [{ externalParameters: { debug: 'true' } }, 'external-parameter-mismatch', 'false'],
    [{ verifierId: 'v' }, 'vsa-verifier-mismatch', undefined],
    [{ resourceUri: 'r' }, 'vsa-resource-uri-mismatch', undefined],
    [{ policyUri: 'p' }, 'vsa-policy-mismatch', undefined],
    [{ verifiedLevels: ['SLSA_BUILD_LEVEL_2'] }, 'vsa-level-unmet', undefined],
  ]
  for (const [policy, code, actual] of cases) {
    const report = await verifyAttestation(request({ policy }))
    assert.equal(report.verdict, 'fail', code)
    assert.equal(report.failure.code, code, `${code}: ${report.failure.message}`)
    assert.equal(typeof report.failure.expected, 'string', code)
    if (actual !== undefined) assert.equal(report.failure.actual, actual, code)
    assert.ok(report.checks.some((c) => c.code === code && !c.passed), code)
  }
  // Passing options, in both spellings.
  const ok = {
    predicateType: 'https://slsa.dev/provenance/v1',
    build_type: 'https://example.com/bt',
    source_ref: 'refs/tags/v1.2.3',
    externalParameters: { debug: 'false', source: 'git+https://github.com/acme/app@refs/tags/v1.2.3' },
  }
  const report = await verifyAttestation(request({ policy: ok }))
  assert.equal(report.verdict, 'pass', report.failure?.message)
  assert.equal(report.checks.length, 5)
})

test('keys: {pem, scheme, keyid}, thresholds, envelopeOnly', { skip: noAttest }, async () => {
  const two = envelope(payload, [[alice, 'alice-id'], [bob, 'bob-id']])
  const base = { envelope: two, artifactDigest: undefined }
  const pass = (extra) => verifyAttestation(request({ ...base, ...extra }))
  assert.equal((await pass({ verificationKeys: [alice.pem, bob.pem], threshold: 2 })).verdict, 'pass')
  assert.equal((await pass({ verificationKeys: [{ pem: bob.pem, scheme: 'ecdsa-sha2-nistp256', keyid: 'bob-id' }] })).verdict, 'pass')
  // The same key twice is one signer.
  const same = await pass({ verificationKeys: [alice.pem, Buffer.from(alice.pem)], threshold: 2 })
  assert.equal(same.failure?.code, 'envelope-threshold-unmet')
  // A declared keyid that differs from the signature's rules the key out.
  const wrongId = await pass({ verificationKeys: [{ pem: alice.pem, keyId: 'someone-else' }] })
  assert.equal(wrongId.failure?.code, 'envelope-signature-invalid')
  assert.deepEqual(wrongId.envelope.signatures[0].keyid_mismatch, [0])
  const unknownScheme = await pass({ verificationKeys: [{ pem: alice.pem, scheme: 'rsa' }] })
  assert.equal(unknownScheme.failure?.code, 'request-invalid')
  assert.equal((await pass({ verificationKeys: ['not a key'] })).failure?.code, 'key-invalid')
  assert.equal((await pass({ verificationKeys: [] })).failure?.code, 'verification-keys-missing')
  assert.equal((await pass({ verificationKeys: [alice.pem], threshold: 0 })).failure?.code, 'request-invalid')
  // envelopeOnly: any payload whose signatures verify.
  const blob = envelope('not a statement', [[alice]], 'text/plain')
  const only = await verifyAttestation({ envelope: blob, verificationKeys: [alice.pem], envelopeOnly: true })
  assert.equal(only.verdict, 'pass')
  assert.ok(only.warnings.some((w) => w.code === 'statement-not-checked'))
  const full = await verifyAttestation({ envelope: blob, verificationKeys: [alice.pem] })
  assert.equal(full.failure?.code, 'payload-type-unsupported')
  // Limits reach the core.
  assert.equal((await verifyAttestation(request({ maxBytes: 64 }))).failure?.code, 'limit-exceeded')
  assert.equal((await verifyAttestation(request({ maxDepth: 3 }))).failure?.code, 'limit-exceeded')
})

test('envelope and keys accept Buffer, Uint8Array and string alike', { skip: noAttest }, async () => {
  const expected = await verifyAttestation(request())
  for (const f of [(s) => Buffer.from(s), (s) => new Uint8Array(Buffer.from(s)), (s) => s]) {
    assert.deepEqual(await verifyAttestation(request({ envelope: f(signed), verificationKeys: [f(alice.pem)] })), expected)
  }
})

test('sync and async give the same report on every corpus case', { skip: noAttest || (!verifyAttestationAsync && `${impl.name} has no verifyAttestationAsync`) }, async () => {
  let compared = 0
  for (const c of attestCases) {
    if (SKIPPED[c.id]) continue
    for (const r of await attestRequests(c, impl)) {
      assert.deepEqual(await verifyAttestationAsync(r), verifyAttestation(r), c.id)
      compared += 1
    }
  }
  assert.ok(compared >= 76, `compared ${compared}`)
  // Concurrently, each resolves with its own report.
  const requests = [request(), request({ policy: { sourceTag: 'v9' } })]
  const reports = await Promise.all(Array.from({ length: 8 }, (_, i) => verifyAttestationAsync(requests[i % 2])))
  reports.forEach((r, i) => assert.equal(r.verdict, i % 2 ? 'fail' : 'pass'))
})

test('throwOnFailure and assertVerified work on attestation reports', { skip: noAttest }, async () => {
  const bad = request({ policy: { builderId: 'https://example.com/builder@v4' } })
  const report = await verifyAttestation(bad)
  assert.throws(
    () => verifyAttestation(bad, { throwOnFailure: true }),
    (e) => {
      assert.ok(e instanceof Error && !(e instanceof TypeError))
      assert.equal(e.code, 'builder-id-mismatch')
      assert.equal(e.message, report.failure.message)
      assert.deepEqual(e.report, report)
      return true
    },
  )
  assert.equal(verifyAttestation(request(), { throwOnFailure: true }).verdict, 'pass')
  if (verifyAttestationAsync) {
    await assert.rejects(verifyAttestationAsync(bad, { throwOnFailure: true }), (e) => e.code === 'builder-id-mismatch' && e.report.checks.length === 1)
    assert.equal((await verifyAttestationAsync(request(), { throwOnFailure: true })).verdict, 'pass')
  }
  if (assertVerified) {
    const pass = await verifyAttestation(request())
    assert.equal(assertVerified(pass), pass)
    assert.throws(() => assertVerified(report), (e) => e.code === 'builder-id-mismatch' && e.report === report)
    const error = await verifyAttestation(request({ envelope: '{}' }))
    assert.throws(() => assertVerified(error), (e) => e.code === 'envelope-malformed' && e.report.verdict === 'error')
  }
})

test('arguments of the wrong type throw (or reject) with a code, naming the field', { skip: noAttest || (!impl.nodeConventions && `${impl.name} has other request conventions`) }, async () => {
  const T = ['ERR_INVALID_ARG_TYPE', TypeError]
  const V = ['ERR_INVALID_ARG_VALUE', TypeError]
  const R = ['ERR_OUT_OF_RANGE', RangeError]
  const cases = [
    [undefined, T, /^request must be an object/],
    [request({ envelope: undefined }), T, /^request\.envelope must be/],
    [request({ envelope: 42 }), T, /^request\.envelope must be/],
    [request({ verificationKeys: alice.pem }), T, /^request\.verificationKeys must be an array/],
    [request({ verificationKeys: [42] }), T, /^request\.verificationKeys\[0\] must be a PEM key/],
    [request({ verificationKeys: [{ scheme: 'ed25519' }] }), T, /^request\.verificationKeys\[0\]\.pem must be/],
    [request({ verificationKeys: [{ pem: alice.pem, keyid: 7 }] }), T, /^request\.verificationKeys\[0\]\.keyid must be a string/],
    [request({ verificationKeys: [{ pem: alice.pem, id: 'x' }] }), V, /has no property "id"/],
    [request({ threshold: '2' }), T, /^request\.threshold must be a number/],
    [request({ threshold: -1 }), R, /^request\.threshold must be an integer/],
    [request({ threshold: 1.5 }), R, /^request\.threshold/],
    [request({ artifactDigest: 42 }), T, /^request\.artifactDigest must be/],
    [request({ artifactDigest: { sha256: 1 } }), T, /^request\.artifactDigest\['sha256'\] must be a string/],
    [request({ artifactDigest: 'sha256' }), V, /^request\.artifactDigest must be ALGORITHM:VALUE/],
    [request({ artifactDigest: ['sha256:ab', 7] }), T, /^request\.artifactDigest\[1\] must be a string/],
    [request({ artifactDigest: [`sha256:${'a'.repeat(64)}`, `sha256:${'b'.repeat(64)}`] }), V, /gives sha256 twice/],
    [request({ artifact: 42 }), T, /^request\.artifact must be/],
    [request({ policy: 'strict' }), T, /^request\.policy must be an object/],
    [request({ policy: { builderID: 'x' } }), V, /^request\.policy has no property "builderID"/],
    [request({ policy: { builderId: 1 } }), T, /^request\.policy\.builderId must be a string/],
    [request({ policy: { verifiedLevels: 'SLSA_BUILD_LEVEL_2' } }), T, /^request\.policy\.verifiedLevels must be an array/],
    [request({ policy: { externalParameters: { debug: false } } }), T, /^request\.policy\.externalParameters\['debug'\] must be a string/],
    [request({ policy: { builderId: 'a', builder_id: 'b' } }), V, /gives both/],
    [request({ envelopeOnly: 'yes' }), T, /^request\.envelopeOnly must be a boolean/],
    [request({ maxBytes: -1 }), R, /^request\.maxBytes/],
    [request({ verification_key: [] }), V, /^request has no property "verification_key"/],
  ]
  for (const [req, [code, ErrorClass], message] of cases) {
    const ok = (e) => e instanceof ErrorClass && e.code === code && message.test(e.message)
    assert.throws(() => verifyAttestation(req), ok, `${message}`)
    if (verifyAttestationAsync) {
      let promise
      assert.doesNotThrow(() => {
        promise = verifyAttestationAsync(req)
      })
      await assert.rejects(promise, ok, `${message} (async)`)
    }
  }
  assert.throws(() => verifyAttestation(request(), { throwOnFaliure: true }), (e) => e.code === 'ERR_INVALID_ARG_VALUE')
})

test('failureCodes() is the FailureCode type of types.d.ts, and covers attest-error-kinds.json', { skip: !failureCodes && `${impl.name} has no failureCodes` }, () => {
  const codes = failureCodes()
  assert.equal(new Set(codes).size, codes.length)
  const dts = fs.readFileSync(path.join(packageDir, 'types.d.ts'), 'utf8')
  const union = dts.match(/export type FailureCode =([\s\S]*?)\n\n/)[1]
  const declared = [...union.matchAll(/\|\s*'([a-z0-9-]+)'/g)].map((m) => m[1])
  assert.deepEqual([...declared].sort(), [...codes].sort(), 'types.d.ts FailureCode differs from the core')
  for (const code of Object.keys(attestKinds)) assert.ok(codes.includes(code), code)
  // Every code is documented in the README's error table.
  const readme = fs.readFileSync(path.join(packageDir, 'README.md'), 'utf8')
  for (const code of codes) assert.ok(readme.includes(`\`${code}\``), `README.md does not list ${code}`)
})

test('the documented CLI example is the same verification (bin, attestation subcommand)', { skip: noAttest || (!impl.binPath && `${impl.name} has no bin`) }, async () => {
  const envPath = path.join(scratch.root, 'app.intoto.json')
  const keyPath = path.join(scratch.root, 'alice.pub')
  fs.writeFileSync(envPath, signed)
  fs.writeFileSync(keyPath, alice.pem)
  const { spawnSync } = await import('node:child_process')
  const r = spawnSync(process.execPath, [impl.binPath, 'attestation', '--envelope', envPath, '--verification-keys', keyPath, '--artifact', artifactPath, '--builder-id', 'https://example.com/builder', '--format', 'json'], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  const cli = JSON.parse(r.stdout)
  const lib = await verifyAttestation(request({ artifactDigest: await impl.digestFile(artifactPath), policy: { builderId: 'https://example.com/builder' } }))
  assert.deepEqual(cli, lib)
})


test('ESM named imports see every export of the package entry', { skip: impl.name !== 'node' && 'the package entry is the addon\'s' }, async () => {
  const { pathToFileURL } = await import('node:url')
  const esm = await import(pathToFileURL(path.join(packageDir, 'index.js')).href)
  const names = ['verifyLayout', 'verifyLayoutAsync', 'verifyAttestation', 'verifyAttestationAsync', 'assertVerified', 'failureCodes', 'Hasher', 'runCli', 'digestFile', 'digestStream']
  for (const name of names) assert.equal(typeof esm[name], 'function', name)
  // index.js exports exactly these (and binding.js nothing the entry forgets).
  const { createRequire } = await import('node:module')
  const binding = createRequire(import.meta.url)(path.join(packageDir, 'binding.js'))
  for (const name of Object.keys(binding).filter((n) => !n.startsWith('__'))) assert.ok(names.includes(name), `index.js does not export ${name}`)
})

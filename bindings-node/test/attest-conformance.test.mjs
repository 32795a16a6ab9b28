// The attestation corpora through `verifyAttestation` (what they are and how each case
// becomes a request: attest-suite.mjs). Every case of the kinds the core runner runs is
// run, run against its documented difference (tests/suite/attest-differences.json), or
// skipped with the reason.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadImpl } from './impl.mjs'
import { attestCases, attestRequests, attestDifferences, checkAttest, outcome, SKIPPED, pae } from './attest-suite.mjs'
import fs from 'node:fs'

const impl = await loadImpl()
const noAttest = !impl.verifyAttestation && `${impl.name} has no verifyAttestation`
const noDigestFile = !impl.digestFile && `${impl.name} has no digestFile`

const counts = { run: 0, partial: 0, divergent: 0, skipped: 0, byKind: {} }
for (const c of attestCases) {
  const name = `${impl.name} attestation ${c.corpus}/${c.id} (${c.kind})`
  const reason =
    noAttest ||
    SKIPPED[c.id] ||
    (c.kind === 'slsa-policy' && noDigestFile)
  if (reason) {
    counts.skipped += 1
    test(name, { skip: reason }, () => {})
    continue
  }
  test(name, async () => {
    const requests = await attestRequests(c, impl)
    const reports = []
    for (const request of requests) reports.push(await impl.verifyAttestation(request))
    const report = outcome(reports)
    if (attestDifferences[c.id]) counts.divergent += 1
    else if (c.kind === 'slsa-policy') counts.partial += 1
    else counts.run += 1
    counts.byKind[`${c.corpus}/${c.kind}`] = (counts.byKind[`${c.corpus}/${c.kind}`] ?? 0) + 1
    const mismatch = checkAttest(c, report)
    assert.equal(mismatch, null, `${c.corpus}/${c.id}: ${mismatch}`)
  })
}

test('the dsse-pae cases: the test-side PAE is the expected one too', () => {
  for (const c of attestCases.filter((x) => x.kind === 'dsse-pae')) {
    const got = pae(c.inputs.payload_type, fs.readFileSync(c.at(c.inputs.payload)))
    assert.deepEqual(got, fs.readFileSync(c.at(c.expected.pae)), c.id)
  }
})

test(`${impl.name} attestation conformance: counts`, { skip: noAttest }, (t) => {
  t.diagnostic(
    `attestation conformance through ${impl.name} verifyAttestation: ${counts.run} run, ` +
      `${counts.partial} run in part (slsa-policy: Statement, subject and policy on the re-signed payload; ` +
      `the Sigstore signature is not verified), ${counts.divergent} run with a divergent expectation, ` +
      `${counts.skipped} skipped`,
  )
  t.diagnostic(`by kind: ${Object.entries(counts.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}`)
  for (const id of Object.keys(SKIPPED)) {
    assert.ok(attestCases.some((c) => c.id === id), `SKIPPED names no case: ${id}`)
  }
  assert.equal(counts.run + counts.partial + counts.divergent + counts.skipped, attestCases.length)
  assert.equal(counts.divergent, Object.keys(attestDifferences).length)
  assert.equal(counts.skipped, Object.keys(SKIPPED).length)
})

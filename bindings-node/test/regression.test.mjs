// The regression vectors (tests/regression/manifest.json, tests/regression/README.md):
//
// * through the library (`verifyLayout` of the build INTOTO_IMPL selects): every case that
//   is not `cli_only`, as core/tests/conformance_layout.rs runs them;
// * through the bin: every case, in a fresh copy of its folder, as
//   cli/tests/conformance.rs runs them: exit code 0/1 and the JSON report's exact
//   `failure.code` (and `failure.cause.code`); a case with `ambient` runs a second time
//   with its files written into the working directory and its variables set, and must
//   give the same answer.
//
// `known_failure` cases are skipped with their reason in both.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import path from 'node:path'
import { loadImpl } from './impl.mjs'
import { regressionCases, regressionCaseDir, regressionSkipReason, checkRegression, caseRequest } from './suite.mjs'
import { runBin, layoutArgs, scratchDir } from './bin.mjs'

const impl = await loadImpl()
const noBin = !impl.binPath && `${impl.name} has no bin`
const scratch = scratchDir('intoto-verify-node-regr-')

const lib = { ran: 0, skipped: {} }
for (const c of regressionCases) {
  const name = `${impl.name} regression ${c.id}`
  const reason = regressionSkipReason(c, { library: true })
  if (reason) {
    const why = c.known_failure ? 'known_failure' : 'cli_only'
    lib.skipped[why] = (lib.skipped[why] ?? 0) + 1
    test(name, { skip: reason }, () => {})
    continue
  }
  test(name, async () => {
    const report = await impl.verifyLayout(caseRequest(c, regressionCaseDir(c)))
    lib.ran += 1
    const mismatch = checkRegression(c, report)
    assert.equal(mismatch, null, `${c.id}: ${mismatch}`)
  })
}

test(`${impl.name} regression: counts`, (t) => {
  const skipped = Object.entries(lib.skipped).map(([k, n]) => `${n} ${k}`).join(', ') || 'none'
  t.diagnostic(`regression through ${impl.name} verifyLayout: ${lib.ran} run, skipped: ${skipped}`)
  assert.ok(lib.ran >= 55, `too few regression cases ran: ${lib.ran}`)
  assert.equal(lib.ran + Object.values(lib.skipped).reduce((a, b) => a + b, 0), regressionCases.length)
})

const bin = { ran: 0, ambient: 0, known: 0 }
for (const c of regressionCases) {
  const name = `bin regression ${c.id}`
  const reason = noBin || regressionSkipReason(c, { library: false })
  if (reason) {
    if (c.known_failure) bin.known += 1
    test(name, { skip: reason }, () => {})
    continue
  }
  test(name, () => {
    const work = scratch.copy(regressionCaseDir(c))
    const inputs = c.inputs
    const runDir = path.join(work, inputs.working_dir ?? '.')
    const check = (env, label) => {
      const r = runBin(impl.binPath, layoutArgs(inputs, work), runDir, { env })
      const detail = `exit ${r.code}\n${r.stdout.slice(0, 600)}\n${r.stderr}`
      let report = null
      try {
        report = JSON.parse(r.stdout)
      } catch {}
      const mismatch = checkRegression(c, report)
      assert.equal(mismatch, null, `${c.id}${label}: ${mismatch}\n${detail}`)
      assert.equal(r.code, c.expected.verdict === 'pass' ? 0 : 1, `${c.id}${label}: ${detail}`)
    }
    check({}, '')
    bin.ran += 1
    if (c.ambient) {
      for (const [file, text] of Object.entries(c.ambient.files ?? {})) {
        fs.writeFileSync(path.join(runDir, file), text)
      }
      check(c.ambient.env ?? {}, ' (with ambient config)')
      bin.ambient += 1
    }
  })
}

test('bin regression: counts', { skip: noBin }, (t) => {
  t.diagnostic(
    `regression through the bin: ${bin.ran} run (${bin.ambient} also with ambient config), ${bin.known} known failure(s) skipped`,
  )
  assert.equal(bin.ran + bin.known, regressionCases.length)
})

test('regression runners honour known_failure and cli_only', () => {
  const known = { id: 'x', known_failure: 'core bug #1', cli_only: true, expected: { verdict: 'pass' } }
  assert.equal(regressionSkipReason(known, { library: true }), 'known failure: core bug #1')
  assert.equal(regressionSkipReason(known, { library: false }), 'known failure: core bug #1')
  const cliOnly = { id: 'y', cli_only: true, expected: { verdict: 'pass' } }
  assert.match(regressionSkipReason(cliOnly, { library: true }), /^cli_only/)
  assert.equal(regressionSkipReason(cliOnly, { library: false }), null)
  // The exact code is compared, and the cause for sublayout-failed.
  const sub = { expected: { verdict: 'fail', code: 'sublayout-failed', cause_code: 'artifact-name-unsafe' } }
  assert.equal(checkRegression(sub, { verdict: 'fail', failure: { code: 'sublayout-failed', cause: { code: 'artifact-name-unsafe' } } }), null)
  assert.notEqual(checkRegression(sub, { verdict: 'fail', failure: { code: 'sublayout-failed', cause: { code: 'rule-disallowed' } } }), null)
  assert.notEqual(checkRegression({ expected: { verdict: 'fail', code: 'rule-disallowed' } }, { verdict: 'fail', failure: { code: 'rule-required-missing' } }), null)
  assert.equal(checkRegression({ expected: { verdict: 'pass', code: null } }, { verdict: 'pass' }), null)
})

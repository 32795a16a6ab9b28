// The shared vector suite through the library (INTOTO_IMPL selects the build; see
// impl.mjs): every `layout-verify` case without inspections, with the expected verdict and
// error kind. Cases that run inspections are skipped here with the reason; they run through
// the bin in cli.test.mjs.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadImpl } from './impl.mjs'
import { layoutCases, skipReason, caseRequest, checkReport, differences } from './suite.mjs'

const impl = await loadImpl()
const counts = { ran: 0, skipped: 0, differences: 0 }

for (const c of layoutCases) {
  const reason = skipReason(c)
  if (reason) {
    counts.skipped += 1
    test(`${impl.name} layout-verify ${c.id}`, { skip: reason }, () => {})
    continue
  }
  test(`${impl.name} layout-verify ${c.id}`, async () => {
    const report = await impl.verifyLayout(caseRequest(c))
    counts.ran += 1
    if (differences[c.id]) counts.differences += 1
    const mismatch = checkReport(c, report)
    assert.equal(mismatch, null, `${c.id}: ${mismatch}`)
  })
}

test(`${impl.name} layout-verify: enough cases ran`, (t) => {
  t.diagnostic(
    `layout-verify through ${impl.name}: ${counts.ran} run ` +
      `(${counts.differences} deliberate differences), ${counts.skipped} skipped (inspections)`,
  )
  assert.ok(counts.ran > 60, `too few cases ran: ${counts.ran}`)
  assert.equal(counts.ran + counts.skipped, layoutCases.length)
})

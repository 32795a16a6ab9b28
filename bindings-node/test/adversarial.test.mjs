// Hostile inputs through the binding (issue 5's list; core/tests/adversarial.rs is the
// core's side): each gives a typed failure or the right verdict, never a crash or a hang.
// Runs against the build INTOTO_IMPL selects (impl.mjs), so the WASM package too.
// Traversal and look-alike artifact names are signed regression vectors
// (tests/regression, run by regression.test.mjs).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadImpl } from './impl.mjs'
import { demoRequest, readDemo } from './demo.mjs'

const { verifyLayout } = await loadImpl()
const PACKAGE = 'package.27e5483c.link'

const linkStatus = (report, name) =>
  report.steps.flatMap((s) => s.links).find((l) => l.path === name)?.status

test('10,000-deep nesting is a limit (json.max_depth), not a stack overflow', async () => {
  const deep = '['.repeat(10_000) + ']'.repeat(10_000)
  const r = await verifyLayout(demoRequest({ layout: deep }))
  assert.equal(r.verdict, 'error')
  assert.equal(r.failure?.code, 'limit-exceeded')
  assert.equal(r.failure?.path, 'json.max_depth')
  const link = await verifyLayout(demoRequest({}, { [PACKAGE]: deep }))
  assert.equal(link.verdict, 'fail')
  assert.equal(linkStatus(link, PACKAGE), 'limit-exceeded')
})

test('a link with 100,000 signatures is refused (max_signatures), and the step fails', async () => {
  const sigs = Array.from({ length: 100_000 }, () => '{"keyid": "ab", "sig": "00"}').join(',')
  const doc = `{"signed": {"_type": "link", "name": "package"}, "signatures": [${sigs}]}`
  const r = await verifyLayout(demoRequest({}, { [PACKAGE]: doc }))
  assert.equal(r.verdict, 'fail')
  assert.equal(linkStatus(r, PACKAGE), 'limit-exceeded')
})

test('a 100 MB link is refused by size before it is parsed', async () => {
  const big = Buffer.alloc(100 * 1024 * 1024, 'a')
  big.write('{"signed": {"_type": "link", "name": "')
  const r = await verifyLayout(demoRequest({ maxBytes: 16 * 1024 * 1024 }, { [PACKAGE]: big }))
  assert.equal(r.verdict, 'fail')
  assert.equal(linkStatus(r, PACKAGE), 'limit-exceeded')
})

test('invalid UTF-8, huge and non-finite numbers are typed failures', async () => {
  const bad = await verifyLayout(demoRequest({ layout: Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]) }))
  assert.equal(bad.verdict, 'error')
  assert.equal(bad.failure?.code, 'layout-malformed')
  const link = (number) => `{"signed": {"_type": "link", "name": "package", "byproducts": {"return-value": ${number}}}, "signatures": []}`
  for (const [number, status] of [
    ['1' + '0'.repeat(5000), 'limit-exceeded'], // more digits than the reference's int() reads
    ['1e999999', 'unparseable'], // a float: no canonical JSON
    ['NaN', 'unparseable'],
    ['Infinity', 'unparseable'],
  ]) {
    const r = await verifyLayout(demoRequest({}, { [PACKAGE]: link(number) }))
    assert.equal(r.verdict, 'fail', number.slice(0, 12))
    assert.equal(linkStatus(r, PACKAGE), status, number.slice(0, 12))
  }
})

test('duplicate keys are refused wherever they are', async () => {
  const text = readDemo(`links/${PACKAGE}`).toString()
  const dup = text.replace('"_type": "link",', '"_type": "link", "_type": "link",')
  assert.notEqual(dup, text)
  const r = await verifyLayout(demoRequest({}, { [PACKAGE]: dup }))
  assert.equal(linkStatus(r, PACKAGE), 'unparseable')
  assert.equal(r.verdict, 'fail')
})

// The JavaScript API: input types, sync and async, failures as reports or errors, argument
// errors. Runs against the build INTOTO_IMPL selects (impl.mjs); a test needing an export
// the build lacks is skipped with the reason.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { loadImpl } from './impl.mjs'
import { NOW, demoRequest, readDemo } from './demo.mjs'
import { layoutCases, skipReason, caseRequest } from './suite.mjs'

const impl = await loadImpl()
const { verifyLayout, verifyLayoutAsync, assertVerified } = impl
const noAsync = !verifyLayoutAsync && `${impl.name} has no verifyLayoutAsync`
const noAssert = !assertVerified && `${impl.name} has no assertVerified`
const notNode = !impl.nodeConventions && `${impl.name} has other request conventions (no options, no Date, bad arguments are reports)`

/** What the demo's `untar` inspection records when it succeeds. */
function untarResult(returnValue = 0) {
  const pkg = JSON.parse(readDemo('links/package.27e5483c.link')).signed.products
  const tarball = { 'demo-project.tar.gz': pkg['demo-project.tar.gz'] }
  return {
    returnValue,
    materials: { ...tarball },
    products: { ...tarball, 'demo-project/foo.py': pkg['demo-project/foo.py'] },
  }
}

/** A Uint8Array that is not a Buffer, viewing the middle of a larger ArrayBuffer. */
function offsetView(bytes) {
  const backing = new ArrayBuffer(bytes.length + 16)
  const view = new Uint8Array(backing, 7, bytes.length)
  view.set(bytes)
  return view
}

async function expectArgError(request, code, ErrorClass, options) {
  assert.throws(
    () => verifyLayout(request, options),
    (e) => e instanceof ErrorClass && e.code === code,
  )
  if (verifyLayoutAsync) {
    // A promise API rejects rather than throwing synchronously.
    let promise
    assert.doesNotThrow(() => {
      promise = verifyLayoutAsync(request, options)
    })
    await assert.rejects(promise, (e) => e instanceof ErrorClass && e.code === code)
  }
}

test('the demo verifies (inspections skipped, with a warning)', async () => {
  const report = await verifyLayout(demoRequest())
  assert.equal(report.verdict, 'pass')
  assert.equal(report.failure, undefined)
  assert.equal(report.layout.format, 'metablock')
  assert.deepEqual(
    report.steps.map((s) => s.name),
    ['clone', 'update-version', 'package'],
  )
  assert.ok(report.warnings.some((w) => w.code === 'inspections-skipped'))
})

test('byte fields accept Buffer, Uint8Array (any view) and string alike', async () => {
  const buffers = demoRequest()
  const expected = await verifyLayout(buffers)
  assert.equal(expected.verdict, 'pass')
  const mapLinks = (f) => Object.fromEntries(Object.entries(buffers.links).map(([k, v]) => [k, f(v)]))
  const variants = {
    Uint8Array: (b) => new Uint8Array(b),
    'offset Uint8Array view': offsetView,
    'Buffer slice': (b) => Buffer.concat([Buffer.from('junk'), b, Buffer.from('junk')]).subarray(4, 4 + b.length),
    string: (b) => b.toString('utf8'),
  }
  for (const [name, f] of Object.entries(variants)) {
    const report = await verifyLayout({
      ...buffers,
      layout: f(buffers.layout),
      layoutKeys: buffers.layoutKeys.map(f),
      links: mapLinks(f),
    })
    assert.deepEqual(report, expected, name)
  }
  // Mixed in one request.
  const mixed = await verifyLayout({
    ...buffers,
    layout: buffers.layout.toString('utf8'),
    layoutKeys: [new Uint8Array(buffers.layoutKeys[0])],
  })
  assert.deepEqual(mixed, expected)
})

test('sync and async give the same report on every suite case', { skip: noAsync }, async () => {
  let compared = 0
  for (const c of layoutCases) {
    if (skipReason(c)) continue
    const request = caseRequest(c)
    assert.deepEqual(await verifyLayoutAsync(request), verifyLayout(request), c.id)
    compared += 1
  }
  assert.ok(compared > 60)
})

test('async verifications run concurrently and each resolves', { skip: noAsync }, async () => {
  const requests = [demoRequest(), demoRequest({ now: '2040-01-01T00:00:00Z' })]
  const reports = await Promise.all(Array.from({ length: 8 }, (_, i) => verifyLayoutAsync(requests[i % 2])))
  reports.forEach((r, i) => assert.equal(r.verdict, i % 2 ? 'fail' : 'pass'))
})

test('a failing verification is a report, not an exception', async () => {
  const report = await verifyLayout(demoRequest({ now: '2040-01-01T00:00:00Z' }))
  assert.equal(report.verdict, 'fail')
  assert.equal(report.failure.code, 'layout-expired')
  assert.equal(typeof report.failure.message, 'string')
})

test('throwOnFailure throws an Error with the failure code and the report', { skip: notNode }, async () => {
  const request = demoRequest({ now: '2040-01-01T00:00:00Z' })
  const report = await verifyLayout(request)
  assert.throws(
    () => verifyLayout(request, { throwOnFailure: true }),
    (e) => {
      assert.ok(e instanceof Error)
      assert.ok(!(e instanceof TypeError))
      assert.equal(e.code, 'layout-expired')
      assert.equal(e.message, report.failure.message)
      assert.deepEqual(e.report, report)
      return true
    },
  )
  // A passing verification returns as usual.
  assert.equal(verifyLayout(demoRequest(), { throwOnFailure: true }).verdict, 'pass')
  // An unevaluable request ("error" verdict) throws too, with its own code.
  assert.throws(
    () => verifyLayout({ layout: '{}', layoutKeys: ['not a key'], now: NOW }, { throwOnFailure: true }),
    (e) => e.code === 'key-invalid' && e.report.verdict === 'error',
  )
})

test('throwOnFailure rejects the async promise the same way', { skip: noAsync || notNode }, async () => {
  const request = demoRequest({ now: '2040-01-01T00:00:00Z' })
  await assert.rejects(verifyLayoutAsync(request, { throwOnFailure: true }), (e) => {
    assert.equal(e.code, 'layout-expired')
    assert.equal(e.report.verdict, 'fail')
    return true
  })
  assert.equal((await verifyLayoutAsync(demoRequest(), { throwOnFailure: true })).verdict, 'pass')
})

test('assertVerified returns a passing report and throws on the others', { skip: noAssert }, async () => {
  const pass = await verifyLayout(demoRequest())
  assert.equal(assertVerified(pass), pass)
  const fail = await verifyLayout(demoRequest({ layoutKeys: [readDemo('keys/alice.pub')] }))
  assert.equal(fail.verdict, 'fail')
  assert.throws(
    () => assertVerified(fail),
    (e) => e instanceof Error && e.code === fail.failure.code && e.report === fail,
  )
  assert.throws(() => assertVerified(null), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE')
  assert.throws(
    () => assertVerified({ verdict: 'maybe' }),
    (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE',
  )
})

test('every failure code reaches JavaScript unchanged', async () => {
  const cases = {
    'layout-malformed': { layout: 'not json', layoutKeys: [readDemo('keys/owner.pub')] },
    'layout-keys-missing': { layoutKeys: [] },
    'key-invalid': { layoutKeys: ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n'] },
    'request-invalid': { now: 'yesterday' },
    'layout-signature-missing': { layoutKeys: [readDemo('keys/bob.pub')] },
    'layout-expired': { now: '2036-01-01T00:00:00Z' },
    'link-missing': { links: {} },
    'inspection-result-missing': { skipInspections: false },
    'inspection-failed': { skipInspections: false, inspections: { untar: untarResult(2) } },
  }
  for (const [code, extra] of Object.entries(cases)) {
    const report = await verifyLayout(demoRequest(extra))
    assert.notEqual(report.verdict, 'pass', code)
    assert.equal(report.failure.code, code, `${code}: ${report.failure.message}`)
  }
})

test('recorded inspection results are used instead of running anything', async () => {
  const report = await verifyLayout(demoRequest({ skipInspections: false, inspections: { untar: untarResult() } }))
  assert.equal(report.verdict, 'pass', report.failure?.message)
  assert.equal(report.inspections[0].name, 'untar')
  assert.equal(report.inspections[0].return_value, 0)
  assert.ok(!report.warnings.some((w) => w.code === 'inspections-skipped'))
  // The snake_case spelling of the core's JSON request is accepted too.
  const { returnValue, ...rest } = untarResult()
  const snake = await verifyLayout(
    demoRequest({ skipInspections: undefined, skip_inspections: false, inspections: { untar: { return_value: returnValue, ...rest } } }),
  )
  assert.deepEqual(snake, report)
})

test('now: a Date, a string and Unix seconds agree; the default is the clock', { skip: notNode }, async () => {
  const iso = await verifyLayout(demoRequest({ now: '2030-01-01T00:00:00Z' }))
  assert.deepEqual(await verifyLayout(demoRequest({ now: new Date('2030-01-01T00:00:00.900Z') })), iso)
  assert.deepEqual(await verifyLayout(demoRequest({ now: String(Date.UTC(2030, 0, 1) / 1000) })), iso)
  // The demo layout expires at 2036-01-01T00:00:00Z (expired when expires <= now).
  const justBefore = await verifyLayout(demoRequest({ now: new Date('2035-12-31T23:59:59.999Z') }))
  assert.equal(justBefore.verdict, 'pass')
  const atExpiry = await verifyLayout(demoRequest({ now: new Date('2036-01-01T00:00:00Z') }))
  assert.equal(atExpiry.failure?.code, 'layout-expired')
  const clock = await verifyLayout(demoRequest({ now: undefined }))
  assert.deepEqual(clock, await verifyLayout(demoRequest({ now: new Date() })))
})

test('limits: maxBytes and maxDepth reach the core', async () => {
  const small = await verifyLayout(demoRequest({ maxBytes: 100 }))
  assert.equal(small.failure?.code, 'limit-exceeded')
  assert.equal(small.failure?.path, 'json.max_bytes')
  const shallow = await verifyLayout(demoRequest({ maxDepth: 2 }))
  assert.equal(shallow.failure?.code, 'limit-exceeded')
  assert.equal((await verifyLayout(demoRequest({ maxBytes: 1 << 20, maxDepth: 64 }))).verdict, 'pass')
})

test('limits: every other limit reaches the core and names itself', async () => {
  const few = await verifyLayout(demoRequest({ limits: { maxSteps: 1 } }))
  assert.equal(few.verdict, 'error')
  assert.equal(few.failure?.code, 'limit-exceeded')
  assert.equal(few.failure?.path, 'max_steps')
  assert.equal(few.failure?.expected, '1')
  const roomy = await verifyLayout(demoRequest({ limits: { maxArtifacts: 10000, max_signatures: 8 } }))
  assert.equal(roomy.verdict, 'pass')
  const none = await verifyLayout(demoRequest({ limits: { maxArtifacts: 0 } }))
  assert.equal(none.verdict, 'fail')
})

test('arguments of the wrong type throw a TypeError with a code', { skip: notNode }, async () => {
  const T = 'ERR_INVALID_ARG_TYPE'
  const V = 'ERR_INVALID_ARG_VALUE'
  const R = 'ERR_OUT_OF_RANGE'
  const cases = [
    [undefined, T, TypeError],
    [null, T, TypeError],
    ['root.layout', T, TypeError],
    [[demoRequest()], T, TypeError],
    [demoRequest({ layout: undefined }), T, TypeError],
    [demoRequest({ layout: 42 }), T, TypeError],
    [demoRequest({ layout: new Uint16Array(4) }), T, TypeError],
    [demoRequest({ layout: new ArrayBuffer(4) }), T, TypeError],
    [demoRequest({ layoutKeys: readDemo('keys/owner.pub') }), T, TypeError],
    [demoRequest({ layoutKeys: [{}] }), T, TypeError],
    [demoRequest({ links: [readDemo('root.layout')] }), T, TypeError],
    [demoRequest({ links: { 'a.link': 1 } }), T, TypeError],
    [demoRequest({ now: 1700000000 }), T, TypeError],
    [demoRequest({ now: new Date(NaN) }), V, TypeError],
    [demoRequest({ parameters: { EDITOR: 1 } }), T, TypeError],
    [demoRequest({ parameters: 'EDITOR=vim' }), T, TypeError],
    [demoRequest({ inspections: { untar: { returnValue: '0' } } }), T, TypeError],
    [demoRequest({ inspections: { untar: { materials: {} } } }), T, TypeError],
    [demoRequest({ inspections: { untar: { returnValue: 0, stdout: '' } } }), V, TypeError],
    [demoRequest({ inspections: { untar: { returnValue: 0.5 } } }), R, RangeError],
    [demoRequest({ skipInspections: 'yes' }), T, TypeError],
    [demoRequest({ maxBytes: '10' }), T, TypeError],
    [demoRequest({ maxBytes: -1 }), R, RangeError],
    [demoRequest({ maxDepth: 1.5 }), R, RangeError],
    [demoRequest({ layoutkeys: [] }), V, TypeError],
    [demoRequest({ layout_keys: [] }), V, TypeError],
  ]
  for (const [request, code, ErrorClass] of cases) {
    await expectArgError(request, code, ErrorClass)
  }
  await expectArgError(demoRequest(), T, TypeError, { throwOnFailure: 1 })
  await expectArgError(demoRequest(), V, TypeError, { throwOnFaliure: true })
  await expectArgError(demoRequest(), T, TypeError, 'strict')
})

test('argument errors name the field at fault', { skip: notNode }, () => {
  assert.throws(
    () => verifyLayout(demoRequest({ links: { 'clone.8c0b21d8.link': 7 } })),
    { message: "request.links['clone.8c0b21d8.link'] must be a Buffer, a Uint8Array or a string, got a number" },
  )
  assert.throws(() => verifyLayout(demoRequest({ layoutKeys: ['k', null] })), { message: /^request\.layoutKeys\[1\] must be/ })
  assert.throws(() => verifyLayout(demoRequest({ bogus: 1 })), { message: /request has no property "bogus"/ })
})

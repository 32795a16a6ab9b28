// Compiled (not run) by `npm run check-types`: the public declarations (generated
// index.d.ts + hand-written types.d.ts) accept what the README shows and reject mistakes.
import {
  verifyLayout,
  verifyLayoutAsync,
  assertVerified,
  runCli,
  type FailureCode,
  type LayoutRequest,
  type Report,
  type VerificationError,
} from '../..'

const bytes = new Uint8Array([123, 125])
const request: LayoutRequest = {
  layout: bytes,
  layoutKeys: ['-----BEGIN PUBLIC KEY-----', bytes],
  links: { 'build.1234abcd.link': bytes },
  now: new Date(),
  parameters: { EDITOR: 'vim' },
  inspections: { untar: { returnValue: 0, products: { 'a.txt': { sha256: 'ab' } } } },
  skipInspections: false,
  maxBytes: 1 << 20,
  maxDepth: 64,
}

const report: Report = verifyLayout(request)
const code: FailureCode | undefined = report.failure?.code
const kind: 'pass' | 'fail' | 'error' = report.verdict
const threshold: number | undefined = report.steps[0]?.threshold
const consumed: number | undefined = report.steps[0]?.materials[0]?.consumed_count
const promise: Promise<Report> = verifyLayoutAsync(request, { throwOnFailure: true })
const same: Report = assertVerified(report)
const exit: number = runCli(['intoto-verify', '--help'])

try {
  verifyLayout(request, { throwOnFailure: true })
} catch (e) {
  const err = e as VerificationError
  const c: FailureCode = err.code
  const r: Report = err.report
  void c
  void r
}

// @ts-expect-error layout is required
verifyLayout({ layoutKeys: [] })
// @ts-expect-error keys are bytes, not numbers
verifyLayout({ layout: bytes, layoutKeys: [1] })
// @ts-expect-error unknown options are rejected
verifyLayout(request, { throwOnFaliure: true })
// @ts-expect-error not a failure code
const wrong: FailureCode = 'expired'

void [code, kind, threshold, consumed, promise, same, exit, wrong]

// Compiled (not run) by `npm run check-types`: the public declarations (generated
// index.d.ts + hand-written types.d.ts) accept what the README shows and reject mistakes.
import {
  verifyLayout,
  verifyLayoutAsync,
  verifyAttestation,
  verifyAttestationAsync,
  assertVerified,
  failureCodes,
  runCli,
  Hasher,
  digestFile,
  digestStream,
  type AttestationReport,
  type AttestationRequest,
  type Digests,
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
  limits: { maxSteps: 100, maxSignatures: 8 },
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
  const err = e as VerificationError<Report>
  const c: FailureCode = err.code
  const r: Report = err.report
  void c
  void r
}

// Attestations.
const attestation: AttestationRequest = {
  envelope: bytes,
  verificationKeys: ['-----BEGIN PUBLIC KEY-----', bytes, { pem: bytes, scheme: 'ecdsa-sha2-nistp256', keyid: 'k1' }],
  threshold: 2,
  artifactDigest: { sha256: 'ab' },
  policy: {
    predicateType: 'https://slsa.dev/provenance/v1',
    builderId: 'https://github.com/actions/runner/github-hosted',
    sourceUri: 'github.com/acme/app',
    sourceTag: 'v1.2.3',
    externalParameters: { 'workflow.ref': 'refs/heads/main' },
    verifiedLevels: ['SLSA_BUILD_LEVEL_2'],
  },
  envelopeOnly: false,
  maxBytes: 1 << 20,
  maxDepth: 64,
}
const ar: AttestationReport = verifyAttestation(attestation)
const signer: string | undefined = ar.envelope?.signers[0]?.keyid
const subject: string[] | undefined = ar.matched_subjects[0]?.algorithms
const check: boolean | undefined = ar.checks[0]?.passed
const expectedValue: string | undefined = ar.failure?.expected
const body: unknown = ar.statement?.body
const arPromise: Promise<AttestationReport> = verifyAttestationAsync({ ...attestation, artifactDigest: 'sha256:ab' }, { throwOnFailure: true })
const sameAr: AttestationReport = assertVerified(ar)
const codes: FailureCode[] = failureCodes()
try {
  verifyAttestation(attestation, { throwOnFailure: true })
} catch (e) {
  const err = e as VerificationError<AttestationReport>
  const checks = err.report.checks
  void checks
}

// Digests: the Hasher, digestFile and digestStream; a Digests goes into artifactDigest as is.
const hasher: Hasher = new Hasher().update(bytes).update('text')
const hashed: number = hasher.length
const digests: Digests = hasher.digest()
const fromFile: Promise<Digests> = digestFile('artifact.tgz', { chunkSize: 1 << 16 })
async function* chunks(): AsyncGenerator<Uint8Array> {
  yield bytes
}
const fromStream: Promise<Digests> = digestStream(chunks())
verifyAttestation({ ...attestation, artifactDigest: digests })
verifyAttestation({ ...attestation, artifactDigest: ['sha256:ab', 'sha512:cd'] })

// @ts-expect-error the envelope is required
verifyAttestation({ verificationKeys: [] })
// @ts-expect-error not a scheme
verifyAttestation({ ...attestation, verificationKeys: [{ pem: bytes, scheme: 'rsa' }] })
// @ts-expect-error policy options are checked
verifyAttestation({ ...attestation, policy: { builderID: 'x' } })
// @ts-expect-error levels are a list
verifyAttestation({ ...attestation, policy: { verifiedLevels: 'SLSA_BUILD_LEVEL_2' } })
// @ts-expect-error a layout report is not an attestation report
const notAr: AttestationReport = report
// @ts-expect-error Hasher.update takes bytes or text
new Hasher().update(42)

// @ts-expect-error layout is required
verifyLayout({ layoutKeys: [] })
// @ts-expect-error keys are bytes, not numbers
verifyLayout({ layout: bytes, layoutKeys: [1] })
// @ts-expect-error limits are checked
verifyLayout({ ...request, limits: { maxStep: 1 } })
// @ts-expect-error unknown options are rejected
verifyLayout(request, { throwOnFaliure: true })
// @ts-expect-error not a failure code
const wrong: FailureCode = 'expired'

void [code, kind, threshold, consumed, promise, same, exit, wrong]
void [signer, subject, check, expectedValue, body, arPromise, sameAr, codes, hashed, fromFile, fromStream, notAr]

// A small typed use of the package: `npm run typecheck` (tsc --noEmit) checks that the
// declarations are complete and precise enough to write this, and reject misuse.
import init, { verifyLayout, verifyAttestation, Digester, failureCodes, version } from '@intoto-verify/wasm';
import type {
  LayoutRequest,
  Report,
  Failure,
  FailureCode,
  Digests,
  DigestAlgorithm,
  InspectionResult,
  AttestationRequest,
  AttestationReport,
  Policy,
  PolicyCheck,
} from '@intoto-verify/wasm';

await init();

const untar: InspectionResult = {
  returnValue: 0,
  materials: { 'demo-project.tar.gz': { sha256: '9540262b8b09c653f3df068eba377aafac791c99477094c3caa11165a7c07e14' } },
};

const request: LayoutRequest = {
  layout: new Uint8Array([123, 125]),
  layoutKeys: ['-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n'],
  links: { 'package.27e5483c.link': '{}' },
  now: new Date().toISOString(),
  inspections: { untar },
};

const report: Report = verifyLayout(request);

function describe(f: Failure): string {
  const where = f.step ?? f.inspection ?? f.path ?? '';
  const cause = f.cause ? ` because ${describe(f.cause)}` : '';
  return `${f.code} ${where}: ${f.message}${cause}`;
}

switch (report.verdict) {
  case 'pass':
    console.log('verified', report.layout?.expires, report.steps.map((s) => s.links.map((l) => l.status)));
    break;
  case 'fail':
  case 'error':
    if (report.failure) console.log(describe(report.failure), report.failure.rule?.join(' '), report.failure.artifacts);
    break;
  default: {
    const never: never = report.verdict;
    throw new Error(never);
  }
}

const code: FailureCode = 'rule-disallowed';
const d = new Digester();
d.update(new TextEncoder().encode('abc'));
d.update(new ArrayBuffer(0));
const bytes: number = d.bytesHashed;
const digests: Digests = d.finalize();
const hex: string = digests.sha256 + digests.sha384 + digests.sha512;
d.free();
const sha256Only = new Digester(['sha256']);
sha256Only.update(new Uint8Array(3));
const justSha256: { sha256: string } = sha256Only.finalize();
const two: Pick<Digests, 'sha384' | 'sha512'> = new Digester(['sha512', 'sha384'] as const).finalize();
const defaulted: Digests = new Digester(null).finalize();
const algorithm: DigestAlgorithm = 'sha384';
console.log(justSha256.sha256, two.sha384, defaulted.sha512, algorithm);
console.log(version(), code, bytes, hex, report.inspections.map((i) => i.return_value), report.warnings.map((w) => w.code));

// An attestation about a download, hashed as a stream, with a policy.
async function checkDownload(file: Blob, envelope: string, pem: string): Promise<AttestationReport> {
  const digester = new Digester();
  for await (const chunk of file.stream()) digester.update(chunk);
  const policy: Policy = { predicateType: 'https://slsa.dev/provenance/v1', builderId: 'https://example.com/builder', verifiedLevels: [] };
  const req: AttestationRequest = { envelope, verificationKeys: [pem, { pem, keyid: 'k1', scheme: 'ed25519' }], artifactDigest: digester.finalize(), policy };
  digester.free();
  return verifyAttestation(req);
}
const att = await checkDownload(new Blob(['abc']), '{}', 'pem');
if (att.verdict !== 'pass' && att.failure) console.log(att.failure.code, att.failure.expected, att.failure.actual);
const failed: PolicyCheck[] = att.checks.filter((c) => !c.passed);
console.log(
  failed.map((c) => `${c.check}: ${c.expected} vs ${c.actual ?? '(none)'}`),
  att.matched_subjects.map((m) => m.name ?? m.index),
  att.envelope?.signers.map((s) => s.keyid),
  att.statement?.predicate_type,
  att.artifact?.sha256,
);
verifyAttestation({ envelope: new Uint8Array(0), artifactDigest: 'sha256:abc' });
verifyAttestation({ envelope: '{}', artifactDigest: ['sha256:abc', 'sha512:def'], envelopeOnly: true, threshold: 2 });
const codes: FailureCode[] = failureCodes();
const policyCode: FailureCode = 'builder-id-mismatch';
console.log(codes, policyCode);

// Misuse the declarations must reject:
// @ts-expect-error `envelope` is required
verifyAttestation({ verificationKeys: [] });
// @ts-expect-error a policy option's name is checked (builderId)
verifyAttestation({ envelope: '{}', policy: { builderID: 'x' } });
// @ts-expect-error a key object needs its pem
verifyAttestation({ envelope: '{}', verificationKeys: [{ keyid: 'k1' }] });
// @ts-expect-error an attestation report has no steps
console.log(att.steps);
// @ts-expect-error `now` is required
verifyLayout({ layout: '{}' });
// @ts-expect-error not a failure code
const wrong: FailureCode = 'layout-broken';
// @ts-expect-error the report's verdict is one of three words
const v: Report['verdict'] = 'passed';
// @ts-expect-error a Digester takes bytes, not text
new Digester().update('abc');
// @ts-expect-error md5 is not an algorithm the Digester computes
new Digester(['md5']);
// @ts-expect-error a SHA-256-only digester has no SHA-512
console.log(new Digester(['sha256']).finalize().sha512);
// @ts-expect-error the algorithms are a list
new Digester('sha256');
console.log(wrong, v);

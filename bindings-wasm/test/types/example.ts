// A small typed use of the package: `npm run typecheck` (tsc --noEmit) checks that the
// declarations are complete and precise enough to write this, and reject misuse.
import init, { verifyLayout, Digester, version } from '@intoto-verify/wasm';
import type { LayoutRequest, Report, Failure, FailureCode, Digests, InspectionResult } from '@intoto-verify/wasm';

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
console.log(version(), code, bytes, hex, report.inspections.map((i) => i.return_value), report.warnings.map((w) => w.code));

// Misuse the declarations must reject:
// @ts-expect-error `now` is required
verifyLayout({ layout: '{}' });
// @ts-expect-error not a failure code
const wrong: FailureCode = 'layout-broken';
// @ts-expect-error the report's verdict is one of three words
const v: Report['verdict'] = 'passed';
// @ts-expect-error a Digester takes bytes, not text
new Digester().update('abc');
console.log(wrong, v);

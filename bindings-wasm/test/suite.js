// The shared vector suites (tests/suite/README.md), for any JS runtime: the same file runs
// in Node (test/node.test.js) and in Chromium (test/browser/suite.html).
//
// The runtime supplies how files are read; this module decides which cases run, builds
// each request, calls the package, and judges each report. Three suites:
//
// layout-verify  every `layout-verify` case of tests/conformance/manifest.json. Cases with
//                `inspections.needed == true` are skipped (the library runs no processes;
//                they run through the CLI runner). Expected: `expected.verdict`; for a
//                failure, `failure.code` mapped through tests/suite/error-kinds.json (a
//                `sublayout-failed` through its `cause`) must be `expected.error_kind` or
//                one of `expected.acceptable_error_kinds`; tests/suite/differences.json
//                lists deliberate differences, whose code is asserted instead.
//
// regression     every case of tests/regression/manifest.json (the same case format).
//                `cli_only` cases (and any needing inspections) are skipped with that
//                reason, a `known_failure` is skipped with its reason. Expected: the
//                verdict, `failure.code` equal to `expected.code` exactly (absent for
//                pass), and `failure.cause.code` equal to `expected.cause_code` when given.
//
// attestation    the cases the Rust core runner (core/tests/conformance_attest.rs) runs:
//                tests/conformance `dsse-verify`, `dsse-pae`, `statement-parse`,
//                `resource-descriptor-parse` and tests/conformance-attest `dsse-verify`,
//                `statement-parse`, `vsa-verify`, `slsa-policy`, all through
//                verifyAttestation. Judged like the core runner: failure codes mapped
//                through tests/suite/attest-error-kinds.json must be `expected.error_kind`
//                or one of `alt_error_kinds` / `acceptable_error_kinds`;
//                tests/suite/attest-differences.json gives the verdict (and code) to
//                assert instead. Where the core runner calls a parser or a lower-level
//                function that the package does not export, the case goes through
//                verifyAttestation with a test key made at run time (WebCrypto Ed25519):
//                  - statement-parse: the Statement's exact bytes, signed into a DSSE
//                    envelope of the case's payload type (as the CLI runner does);
//                  - resource-descriptor-parse: the descriptor as the single subject of a
//                    v1 Statement, signed (as the CLI runner does);
//                  - dsse-pae: the case's expected PAE bytes are signed and the envelope
//                    carries the payload and payload type, so the signature verifies only
//                    if the core's PAE is byte for byte the expected one;
//                  - slsa-policy (in part, as in the core runner): each attestation's DSSE
//                    payload, re-signed with the test key, with the artifact's digests
//                    (Digester) and the builder id and source policy on provenance. The
//                    bundle's Sigstore (Fulcio certificate) signature is not verified.
//                    Skipped as in the core runner: slsa-npm-gundam-v1-mismatch-version-fail.

/**
 * @typedef {object} Files
 * @property {(path: string) => Promise<string>} text      a file of the repository, as text
 * @property {(path: string) => Promise<Uint8Array>} bytes a file of the repository, as bytes
 * @property {(dir: string) => Promise<string[]>} list     every file below `dir`, as `/`-separated relative names
 */

/**
 * @typedef {object} Api  the package's exports the suites call
 * @property {(request: object) => any} verifyLayout
 * @property {(request: object) => any} verifyAttestation
 * @property {new () => { update(b: Uint8Array): void, finalize(): Record<string, string>, free(): void }} Digester
 */

/**
 * @typedef {object} CaseResult
 * @property {string} id
 * @property {'pass' | 'fail' | 'skip'} status
 * @property {string} detail        why it failed or was skipped, or what it got
 * @property {string} [difference]  set when a differences file decided the expectation
 * @property {boolean} [partial]    run in part (see slsa-policy above)
 */

/** The suites, in the order they run and are reported. */
export const SUITE_NAMES = ['layout-verify', 'regression', 'attestation'];

const CONFORMANCE = 'tests/conformance';
const REGRESSION = 'tests/regression';
const ATTEST = 'tests/conformance-attest';

/** The core runner's skips (core/tests/conformance_attest.rs `SKIPPED`), with its reasons. */
const ATTEST_SKIPPED = {
  'slsa-npm-gundam-v1-mismatch-version-fail':
    "the failure is npm's package rule (subject[0].name must be the purl of the requested version), an ecosystem rule this verifier does not implement",
};
const ATTEST_KINDS = {
  conformance: ['dsse-verify', 'dsse-pae', 'statement-parse', 'resource-descriptor-parse'],
  'conformance-attest': ['dsse-verify', 'statement-parse', 'vsa-verify', 'slsa-policy'],
};
const STATEMENT_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

/**
 * Loads the manifests and the suites' maps. Each suite: `{ name, cases: [{ id, case,
 * corpus?, skip }] }` where `skip` is the reason a case is not run, or null.
 */
export async function loadSuites(/** @type {Files} */ files) {
  const json = (p) => files.text(p).then(JSON.parse);
  const [conformance, errorKinds, differences, regression, attest, attestKinds, attestDifferences] = await Promise.all([
    json(`${CONFORMANCE}/manifest.json`),
    json('tests/suite/error-kinds.json'),
    json('tests/suite/differences.json'),
    json(`${REGRESSION}/manifest.json`),
    json(`${ATTEST}/manifest.json`),
    json('tests/suite/attest-error-kinds.json'),
    json('tests/suite/attest-differences.json'),
  ]);
  const maps = {
    errorKinds: errorKinds.codes,
    differences: differences.cases,
    attestKinds: attestKinds.codes,
    attestDifferences: attestDifferences.cases,
  };
  const layout = conformance.cases
    .filter((c) => c.kind === 'layout-verify')
    .map((c) => ({ id: c.id, case: c, skip: needsInspections(c) }));
  const regressionCases = regression.cases.map((c) => ({
    id: c.id,
    case: c,
    skip:
      c.kind !== 'layout-verify'
        ? `kind ${c.kind} is not a layout-verify case`
        : c.cli_only
          ? 'cli_only: runs an inspection (a process), only the CLI runner runs it'
          : needsInspections(c) ?? (c.known_failure ? `known failure: ${c.known_failure}` : null),
  }));
  const attestation = [];
  for (const [corpus, manifest] of [
    ['conformance', conformance],
    ['conformance-attest', attest],
  ]) {
    for (const c of manifest.cases) {
      if (!ATTEST_KINDS[corpus].includes(c.kind)) continue;
      attestation.push({ id: `${corpus}/${c.id}`, corpus, case: c, skip: ATTEST_SKIPPED[c.id] ?? null });
    }
  }
  return {
    maps,
    suites: [
      { name: 'layout-verify', cases: layout },
      { name: 'regression', cases: regressionCases },
      { name: 'attestation', cases: attestation },
    ],
  };
}

function needsInspections(c) {
  return c.inspections && c.inspections.needed === true ? 'needs inspections (a process runner): runs through the CLI runner' : null;
}

// --- layouts (tests/conformance and tests/regression) -----------------------------------

/** The request for one layout case below `base` (its `cases/<id>/`), bytes as Uint8Array. */
export async function buildLayoutRequest(c, /** @type {Files} */ files, base = CONFORMANCE) {
  const dir = `${base}/cases/${c.id}`;
  const inputs = c.inputs;
  const linkDir = joinPath(dir, inputs.link_dir ?? '.');
  const names = await files.list(linkDir);
  const links = {};
  await Promise.all(
    names.map(async (n) => {
      links[n] = await files.bytes(`${linkDir}/${n}`);
    }),
  );
  const request = {
    layout: await files.bytes(`${dir}/${inputs.layout}`),
    layoutKeys: await Promise.all(inputs.layout_keys.map((k) => files.bytes(`${dir}/${k.path}`))),
    links,
    now: inputs.verification_time,
  };
  if (inputs.substitution_parameters !== undefined) {
    request.parameters = inputs.substitution_parameters;
  }
  return request;
}

/** The conformance error kind of a layout failure. */
export function errorKind(failure, errorKinds) {
  if (failure.code === 'sublayout-failed' && failure.cause) {
    return errorKind(failure.cause, errorKinds);
  }
  return errorKinds[failure.code] ?? failure.code;
}

function describe(report) {
  const f = report.failure;
  return `${report.verdict}${f ? ` ${f.code}` : ''}${f && f.cause ? ` (cause ${f.cause.code})` : ''}${f ? ` (${f.message})` : ''}`;
}

/** Judges a layout-verify conformance report. */
export function judgeLayout(c, report, maps) {
  const expected = c.expected;
  const diff = maps.differences[c.id];
  const code = report.failure?.code;
  const got = describe(report);
  if (diff) {
    const ok = code === diff.code;
    return {
      ok,
      difference: diff.code,
      detail: ok ? `deliberate difference: ${diff.code}` : `expected the deliberate difference ${diff.code}, got ${got}`,
    };
  }
  if (expected.verdict === 'pass') {
    return { ok: report.verdict === 'pass', detail: report.verdict === 'pass' ? 'pass' : `expected pass, got ${got}` };
  }
  const kinds = [expected.error_kind, ...(expected.acceptable_error_kinds ?? [])].filter(Boolean);
  const kind = report.failure ? errorKind(report.failure, maps.errorKinds) : null;
  const ok = report.verdict !== 'pass' && kind !== null && kinds.includes(kind);
  return { ok, detail: ok ? `${report.verdict} ${code} -> ${kind}` : `expected ${expected.verdict} [${kinds}], got ${got} -> ${kind}` };
}

/** Judges a regression report: verdict, exact code, exact cause code. */
export function judgeRegression(c, report) {
  const expected = c.expected;
  const code = report.failure?.code ?? null;
  const cause = report.failure?.cause?.code ?? null;
  const wantPass = expected.verdict === 'pass';
  const ok =
    (report.verdict === 'pass') === wantPass &&
    code === (expected.code ?? null) &&
    (expected.cause_code == null || cause === expected.cause_code);
  const want = `${expected.verdict}${expected.code ? ` ${expected.code}` : ''}${expected.cause_code ? ` (cause ${expected.cause_code})` : ''}`;
  return { ok, detail: ok ? want : `expected ${want}, got ${describe(report)}` };
}

// --- attestations ---------------------------------------------------------------------

/** A test signer made at run time: Ed25519 through WebCrypto (Node >= 20 and Chromium). */
export async function makeSigner() {
  const subtle = globalThis.crypto.subtle;
  const pair = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const spki = new Uint8Array(await subtle.exportKey('spki', pair.publicKey));
  const pem = `-----BEGIN PUBLIC KEY-----\n${base64(spki)}\n-----END PUBLIC KEY-----\n`;
  const sign = async (bytes) => new Uint8Array(await subtle.sign({ name: 'Ed25519' }, pair.privateKey, bytes));
  return {
    pem,
    /** The bytes signed as they are (for dsse-pae). */
    sign,
    /** A DSSE envelope (JSON text) of `payload` (bytes), signed over PAE. */
    async envelope(payloadType, payload) {
      const sig = await sign(pae(payloadType, payload));
      return JSON.stringify({ payload: base64(payload), payloadType, signatures: [{ sig: base64(sig) }] });
    },
  };
}

/** DSSE's pre-authentication encoding, with byte lengths (for the test signer). */
export function pae(payloadType, payload) {
  const type = new TextEncoder().encode(payloadType);
  const head = new TextEncoder().encode(`DSSEv1 ${type.length} `);
  const mid = new TextEncoder().encode(` ${payload.length} `);
  const out = new Uint8Array(head.length + type.length + mid.length + payload.length);
  out.set(head, 0);
  out.set(type, head.length);
  out.set(mid, head.length + type.length);
  out.set(payload, head.length + type.length + mid.length);
  return out;
}

/** Runs one attestation case through `api.verifyAttestation`; returns the report. */
export async function runAttestationCase(entry, /** @type {Api} */ api, /** @type {Files} */ files, signer) {
  const c = entry.case;
  const inputs = c.inputs;
  // tests/conformance paths are relative to the case folder, tests/conformance-attest's to the corpus.
  const at = (p) => (entry.corpus === 'conformance' ? `${CONFORMANCE}/cases/${c.id}/${p}` : `${ATTEST}/${p}`);
  switch (c.kind) {
    case 'dsse-verify': {
      const keys =
        entry.corpus === 'conformance'
          ? await Promise.all(inputs.keys.map((k) => files.text(at(k.path))))
          : await Promise.all(inputs.public_keys.map(async (k) => ({ pem: await files.text(at(k.path)), keyid: k.keyid })));
      return api.verifyAttestation({
        envelope: await files.text(at(inputs.envelope)),
        verificationKeys: keys,
        threshold: inputs.threshold,
        envelopeOnly: true,
      });
    }
    case 'dsse-pae': {
      const payload = await files.bytes(at(inputs.payload));
      const expected = await files.bytes(at(c.expected.pae));
      const sig = await signer.sign(expected);
      const envelope = JSON.stringify({ payload: base64(payload), payloadType: inputs.payload_type, signatures: [{ sig: base64(sig) }] });
      return api.verifyAttestation({ envelope, verificationKeys: [signer.pem], envelopeOnly: true });
    }
    case 'statement-parse':
    case 'resource-descriptor-parse': {
      let payload;
      if (c.kind === 'statement-parse') payload = await files.bytes(at(inputs.statement));
      else {
        const rd = JSON.parse(await files.text(at(inputs.resource_descriptor)));
        const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [rd], predicateType: 'https://example.com/rd-wrapper', predicate: {} };
        payload = new TextEncoder().encode(JSON.stringify(statement));
      }
      const envelope = await signer.envelope(inputs.payload_type ?? STATEMENT_PAYLOAD_TYPE, payload);
      return api.verifyAttestation({ envelope, verificationKeys: [signer.pem] });
    }
    case 'vsa-verify': {
      const p = inputs.policy;
      return api.verifyAttestation({
        envelope: await files.text(at(inputs.envelope)),
        verificationKeys: [{ pem: await files.text(at(inputs.public_key)), keyid: inputs.public_key_id }],
        artifactDigest: p.subject_digests,
        policy: { verifierId: p.verifier_id, resourceUri: p.resource_uri, verifiedLevels: p.verified_levels },
      });
    }
    case 'slsa-policy': {
      const p = inputs.policy;
      const d = new api.Digester();
      d.update(await files.bytes(at(inputs.artifact)));
      const artifactDigest = d.finalize();
      d.free();
      const atts = JSON.parse(await files.text(at(inputs.attestations)));
      let first = null;
      for (const att of atts.attestations) {
        const env = att.bundle.dsseEnvelope;
        const envelope = await signer.envelope(env.payloadType, base64Decode(env.payload));
        const provenance = att.predicateType.startsWith('https://slsa.dev/provenance/');
        const report = api.verifyAttestation({
          envelope,
          verificationKeys: [signer.pem],
          artifactDigest,
          policy: provenance ? { builderId: p.builder_id, sourceUri: p.source_uri } : {},
        });
        if (first === null || (first.verdict === 'pass' && report.verdict !== 'pass')) first = report;
      }
      return first;
    }
    default:
      throw new Error(`unexpected kind ${c.kind}`);
  }
}

/** Judges an attestation report as the core runner does. */
export function judgeAttestation(entry, report, maps) {
  const c = entry.case;
  const expected = c.expected;
  const code = report.failure?.code ?? null;
  const kind = code === null ? null : (maps.attestKinds[code] ?? code);
  const got = `${describe(report)}${kind ? ` -> ${kind}` : ''}`;
  const diff = maps.attestDifferences[c.id];
  const wantPass = diff ? diff.verdict === 'pass' : expected.verdict === 'pass';
  const wantCode = diff ? (diff.code ?? null) : null;
  const kinds = [expected.error_kind, ...(expected.alt_error_kinds ?? []), ...(expected.acceptable_error_kinds ?? [])].filter(Boolean);
  let ok;
  if (wantPass) ok = report.verdict === 'pass';
  else if (wantCode) ok = report.verdict !== 'pass' && code === wantCode;
  else ok = report.verdict !== 'pass' && kinds.includes(kind);
  // statement-parse cases name the predicateType a Statement that parses must have.
  if (ok && report.verdict === 'pass' && expected.predicate_type && report.statement?.predicate_type !== expected.predicate_type) {
    return { ok: false, detail: `predicateType ${report.statement?.predicate_type}, expected ${expected.predicate_type}` };
  }
  const want = wantPass ? 'pass' : wantCode ? `fail ${wantCode}` : `fail [${kinds}]`;
  const result = { ok, detail: ok ? `${want}: ${got}` : `expected ${want}, got ${got}` };
  if (diff) result.difference = wantCode ?? diff.verdict;
  if (c.kind === 'slsa-policy') result.partial = true;
  return result;
}

// --- running --------------------------------------------------------------------------

/**
 * Runs one case of a suite; returns `{ ok, detail, difference?, partial? }`. `ctx` is
 * `{ maps, signer }` (the signer from {@link makeSigner}, for the attestation suite).
 */
export async function runCase(suiteName, entry, /** @type {Api} */ api, /** @type {Files} */ files, ctx) {
  switch (suiteName) {
    case 'layout-verify':
      return judgeLayout(entry.case, api.verifyLayout(await buildLayoutRequest(entry.case, files, CONFORMANCE)), ctx.maps);
    case 'regression':
      return judgeRegression(entry.case, api.verifyLayout(await buildLayoutRequest(entry.case, files, REGRESSION)));
    case 'attestation':
      return judgeAttestation(entry, await runAttestationCase(entry, api, files, ctx.signer), ctx.maps);
    default:
      throw new Error(`unknown suite ${suiteName}`);
  }
}

/**
 * Runs every suite; returns `{ [suite]: { results: CaseResult[], counts, ms } }`.
 * @returns {Promise<Record<string, { results: CaseResult[], counts: ReturnType<typeof summarise>, ms: number }>>}
 */
export async function runSuites(/** @type {Api} */ api, /** @type {Files} */ files) {
  const { maps, suites } = await loadSuites(files);
  const ctx = { maps, signer: await makeSigner() };
  const out = {};
  for (const suite of suites) {
    const started = performance.now();
    const results = [];
    for (const entry of suite.cases) {
      if (entry.skip) {
        results.push({ id: entry.id, status: 'skip', detail: entry.skip });
        continue;
      }
      let verdict;
      try {
        verdict = await runCase(suite.name, entry, api, files, ctx);
      } catch (e) {
        verdict = { ok: false, detail: `threw: ${e && e.stack ? e.stack : e}` };
      }
      results.push({ id: entry.id, status: verdict.ok ? 'pass' : 'fail', detail: verdict.detail, difference: verdict.difference, partial: verdict.partial });
    }
    out[suite.name] = { results, counts: summarise(results), ms: performance.now() - started };
  }
  return out;
}

/** Counts by status. */
export function summarise(results) {
  const n = { ran: 0, passed: 0, failed: 0, skipped: 0, differences: 0, partial: 0 };
  for (const r of results) {
    if (r.status === 'skip') n.skipped += 1;
    else {
      n.ran += 1;
      if (r.status === 'pass') n.passed += 1;
      else n.failed += 1;
      if (r.difference) n.differences += 1;
      if (r.partial) n.partial += 1;
    }
  }
  return n;
}

/** One line of counts, the same in every runtime. */
export function countsLine(name, runtime, counts, ms) {
  const extra = [`${counts.differences} deliberate differences`];
  if (counts.partial) extra.push(`${counts.partial} in part`);
  return (
    `${name} in ${runtime}: ${counts.ran} ran (${counts.passed} passed, ${counts.failed} failed, ${extra.join(', ')}), ` +
    `${counts.skipped} skipped, in ${ms.toFixed(0)} ms`
  );
}

/** The least number of cases each suite must run (a guard against silently running none). */
export const MINIMUM_RAN = { 'layout-verify': 80, regression: 55, attestation: 75 };

function joinPath(dir, rel) {
  const parts = `${dir}/${rel}`.split('/').filter((p) => p !== '' && p !== '.');
  return parts.join('/');
}

function base64(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function base64Decode(s) {
  const std = s.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, '');
  const bin = atob(std + '='.repeat((4 - (std.length % 4)) % 4));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

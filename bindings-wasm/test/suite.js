// The shared conformance suite (tests/suite/README.md), for any JS runtime: the same file
// runs in Node (test/node.test.js) and in Chromium (test/browser/suite.html).
//
// The runtime supplies how files are read; this module decides which cases run, builds
// each request, and judges each report:
//
//   * every `layout-verify` case of tests/conformance/manifest.json;
//   * cases with `inspections.needed == true` are skipped (the library runs no processes;
//     they run through the CLI runner);
//   * expected: `expected.verdict`; for a failure, `failure.code` mapped through
//     tests/suite/error-kinds.json (a `sublayout-failed` through its `cause`) must be
//     `expected.error_kind` or one of `expected.acceptable_error_kinds`;
//   * tests/suite/differences.json: deliberate differences, whose code is asserted instead.

/**
 * @typedef {object} Files
 * @property {(path: string) => Promise<string>} text      a file of the repository, as text
 * @property {(path: string) => Promise<Uint8Array>} bytes a file of the repository, as bytes
 * @property {(dir: string) => Promise<string[]>} list     every file below `dir`, as `/`-separated relative names
 */

/**
 * @typedef {object} CaseResult
 * @property {string} id
 * @property {'pass' | 'fail' | 'skip'} status
 * @property {string} detail   why it failed or was skipped, or what it got
 * @property {string} [difference]  set when differences.json decided the expectation
 */

const CONFORMANCE = 'tests/conformance';

/** Loads the manifest and the suite's maps. */
export async function loadSuite(/** @type {Files} */ files) {
  const [manifest, errorKinds, differences] = await Promise.all([
    files.text(`${CONFORMANCE}/manifest.json`).then(JSON.parse),
    files.text('tests/suite/error-kinds.json').then(JSON.parse),
    files.text('tests/suite/differences.json').then(JSON.parse),
  ]);
  const cases = manifest.cases.filter((c) => c.kind === 'layout-verify');
  return { cases, errorKinds: errorKinds.codes, differences: differences.cases };
}

/** Why a case is not run by a library runner, or null. */
export function skipReason(c) {
  if (c.inspections && c.inspections.needed === true) {
    return 'needs inspections (a process runner): runs through the CLI runner';
  }
  return null;
}

/** The request for one case: files read through `files`, bytes as Uint8Array. */
export async function buildRequest(c, /** @type {Files} */ files) {
  const dir = `${CONFORMANCE}/cases/${c.id}`;
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

/** The conformance error kind of a failure. */
export function errorKind(failure, errorKinds) {
  if (failure.code === 'sublayout-failed' && failure.cause) {
    return errorKind(failure.cause, errorKinds);
  }
  return errorKinds[failure.code] ?? failure.code;
}

/** Judges one report against the case's expectation. */
export function judge(c, report, suite) {
  const expected = c.expected;
  const diff = suite.differences[c.id];
  const code = report.failure?.code;
  const got = `${report.verdict}${code ? ` ${code}` : ''}${report.failure ? ` (${report.failure.message})` : ''}`;
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
  const kind = report.failure ? errorKind(report.failure, suite.errorKinds) : null;
  const ok = report.verdict !== 'pass' && kind !== null && kinds.includes(kind);
  return { ok, detail: ok ? `${report.verdict} ${code} -> ${kind}` : `expected ${expected.verdict} [${kinds}], got ${got} -> ${kind}` };
}

/**
 * Runs every case; returns one result per case, in manifest order.
 * @returns {Promise<CaseResult[]>}
 */
export async function runSuite(verifyLayout, /** @type {Files} */ files) {
  const suite = await loadSuite(files);
  const results = [];
  for (const c of suite.cases) {
    const reason = skipReason(c);
    if (reason) {
      results.push({ id: c.id, status: 'skip', detail: reason });
      continue;
    }
    let verdict;
    try {
      const report = verifyLayout(await buildRequest(c, files));
      verdict = judge(c, report, suite);
    } catch (e) {
      verdict = { ok: false, detail: `threw: ${e && e.stack ? e.stack : e}` };
    }
    results.push({ id: c.id, status: verdict.ok ? 'pass' : 'fail', detail: verdict.detail, difference: verdict.difference });
  }
  return results;
}

/** Counts by status. */
export function summarise(results) {
  const n = { ran: 0, passed: 0, failed: 0, skipped: 0, differences: 0 };
  for (const r of results) {
    if (r.status === 'skip') n.skipped += 1;
    else {
      n.ran += 1;
      if (r.status === 'pass') n.passed += 1;
      else n.failed += 1;
      if (r.difference) n.differences += 1;
    }
  }
  return n;
}

function joinPath(dir, rel) {
  const parts = `${dir}/${rel}`.split('/').filter((p) => p !== '' && p !== '.');
  return parts.join('/');
}

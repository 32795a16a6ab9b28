// What the page does with the files a person picked, without the page: sorting the
// metadata files, deciding how the downloaded file enters verification, building the
// request, and reading the answer. No DOM and no WebAssembly here: the verifier and the
// digester are passed in, so this module runs (and is tested) in Node as well.
//
// The verdict always comes from the verifier. This module only reads the layout and link
// JSON to decide what to feed it (which inspection the download stands in for, which
// digest algorithms a link recorded) and, when there is no such inspection, to compare the
// download with the product that the verified final step's accepted link recorded.

/** @typedef {{ name: string, bytes: Uint8Array }} NamedBytes */

const PEM_KEY = /^\s*-----BEGIN (RSA |EC )?PUBLIC KEY-----/;
const HASHES = ['sha256', 'sha384', 'sha512'];

/**
 * Sorts picked metadata files: `*.layout` (or a JSON layout), PEM public keys, `*.link`.
 * @param {NamedBytes[]} files
 */
export function sortMetadata(files) {
  const out = { layout: null, keys: [], links: {}, ignored: [], problems: [] };
  for (const f of files) {
    const text = utf8(f.bytes);
    if (f.name.endsWith('.link')) {
      out.links[f.name] = f.bytes;
    } else if (f.name.endsWith('.layout') || payloadType(text) === 'layout') {
      if (out.layout) out.problems.push(`two layouts were picked (${out.layout.name}, ${f.name}); using ${out.layout.name}`);
      else out.layout = f;
    } else if (PEM_KEY.test(text)) {
      out.keys.push(f);
    } else {
      out.ignored.push(f.name);
    }
  }
  if (!out.layout) out.problems.push('no layout was picked (a *.layout file)');
  if (out.keys.length === 0) out.problems.push("no public key was picked (the layout owner's PEM key)");
  return out;
}

/**
 * The signed payload of a Metablock (`signed`) or of a DSSE envelope (`payload`, base64),
 * as parsed JSON, or null. Only for deciding what to feed the verifier; never trusted.
 */
export function payloadOf(bytes) {
  try {
    const doc = JSON.parse(typeof bytes === 'string' ? bytes : utf8(bytes));
    if (doc && typeof doc.signed === 'object') return doc.signed;
    if (doc && typeof doc.payload === 'string') return JSON.parse(utf8(base64Decode(doc.payload)));
  } catch {
    // not JSON, not an envelope: the verifier will say so
  }
  return null;
}

function payloadType(text) {
  const p = payloadOf(text);
  return p && typeof p._type === 'string' ? p._type : null;
}

/**
 * The artifact path a rule names, or null: `[KIND, pattern, ...]`, with `IN prefix` for
 * MATCH rules (`MATCH foo IN src WITH ...` is about `src/foo`).
 */
function rulePath(rule) {
  if (!Array.isArray(rule) || rule.length < 2) return null;
  const kind = String(rule[0]).toUpperCase();
  if (kind === 'DISALLOW') return null;
  let pattern = String(rule[1]);
  if (kind === 'MATCH' && String(rule[2]).toUpperCase() === 'IN' && rule.length > 3) {
    pattern = `${String(rule[3]).replace(/\/+$/, '')}/${pattern}`;
  }
  return pattern;
}

/** Whether `name` matches the fnmatch-style `pattern` (`*`, `?`, `[seq]`, `[!seq]`). */
export function fnmatch(pattern, name) {
  let re = '^';
  for (let i = 0; i < pattern.length; i += 1) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let body = pattern.slice(i + 1, end);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`${re}$`, 's').test(name);
  } catch {
    return false;
  }
}

/**
 * Reads the layout for what the page needs: its steps' names (in order) and, for each
 * inspection, whether one of its rules (other than DISALLOW) names `artifact`.
 */
export function describeLayout(layoutBytes, artifact) {
  const p = payloadOf(layoutBytes);
  if (!p || p._type !== 'layout') return { steps: [], inspections: [] };
  const steps = Array.isArray(p.steps) ? p.steps.map((s) => String(s && s.name)) : [];
  const inspections = (Array.isArray(p.inspect) ? p.inspect : []).map((insp) => {
    const rules = [...(insp.expected_materials ?? []), ...(insp.expected_products ?? [])];
    const about = rules.some((r) => {
      const path = rulePath(r);
      return path !== null && path !== '*' && fnmatch(path, artifact);
    });
    return { name: String(insp.name), about };
  });
  return { steps, inspections };
}

/**
 * The digest algorithms the links record for `artifact` (as material or product), among
 * those the page computes; sha256 when no link names it. A MATCH rule compares whole
 * digest sets, so an inspection result must carry exactly what the links carry.
 */
export function recordedAlgorithms(links, artifact) {
  const found = new Set();
  for (const bytes of Object.values(links)) {
    const p = payloadOf(bytes);
    if (!p || p._type !== 'link') continue;
    for (const side of [p.materials, p.products]) {
      const d = side && side[artifact];
      if (d && typeof d === 'object') Object.keys(d).forEach((a) => found.add(a));
    }
  }
  const usable = HASHES.filter((a) => found.has(a));
  return usable.length ? usable : ['sha256'];
}

/**
 * Decides how the download enters verification and builds the request.
 *
 * If every inspection of the layout names the download (like the demo's `untar`, whose
 * rules MATCH `demo-project.tar.gz` with the `package` step's product), the download is
 * given as each such inspection's recorded result: its working directory held just that
 * file, before and after, and the command succeeded. Otherwise inspections cannot be run
 * here: they are skipped (the report warns) and the download is compared afterwards with
 * the final step's product of the same name ({@link checkDownload}).
 *
 * @param {{ layout: NamedBytes, keys: NamedBytes[], links: Record<string, Uint8Array> }} metadata
 * @param {{ name: string, digests: Record<string, string> } | null} download
 * @param {string} now RFC 3339
 */
export function planVerification(metadata, download, now) {
  const request = {
    layout: metadata.layout.bytes,
    layoutKeys: metadata.keys.map((k) => k.bytes),
    links: metadata.links,
    now,
  };
  const layout = describeLayout(metadata.layout.bytes, download ? download.name : '');
  const plan = { request, layout, mode: 'skip', inspections: [], note: '' };
  const about = layout.inspections.filter((i) => i.about);
  if (download && layout.inspections.length > 0 && about.length === layout.inspections.length) {
    const algs = recordedAlgorithms(metadata.links, download.name);
    const digest = Object.fromEntries(algs.map((a) => [a, download.digests[a]]));
    request.inspections = {};
    for (const i of about) {
      request.inspections[i.name] = {
        returnValue: 0,
        materials: { [download.name]: digest },
        products: { [download.name]: digest },
      };
    }
    plan.mode = 'inspection';
    plan.inspections = about.map((i) => i.name);
    plan.note = `The download was given as the result of the layout's inspection${about.length > 1 ? 's' : ''} ${about
      .map((i) => `“${i.name}”`)
      .join(', ')} (${algs.join(', ')}), so the verifier's own rules check it.`;
  } else {
    request.skipInspections = true;
    if (!download) plan.note = 'No download was picked: only the metadata was verified (inspections skipped).';
    else if (layout.inspections.length === 0)
      plan.note = "The layout has no inspection: the download is compared with the final step's product of the same name.";
    else {
      const others = layout.inspections.filter((i) => !i.about).map((i) => `“${i.name}”`);
      plan.note = `Inspections cannot run in a browser, and the layout's inspection${others.length > 1 ? 's' : ''} ${others.join(', ')} ${
        others.length > 1 ? 'do' : 'does'
      } not name “${download.name}”: inspections were skipped (the report warns) and the download is compared with the product of the same name recorded by the final step.`;
    }
  }
  return plan;
}

/**
 * After a verification with skipped inspections: compares the download with the product
 * of the same name recorded by the final step's accepted link(s). Returns
 * `{ ok, step, link, expected, detail }`; `ok` is null when nothing could be compared.
 */
export function checkDownload(report, links, download) {
  const last = report.steps && report.steps[report.steps.length - 1];
  if (!last) return { ok: null, detail: 'the report has no steps' };
  const accepted = last.links.filter((l) => l.status === 'accepted');
  if (accepted.length === 0) return { ok: null, step: last.name, detail: `no accepted link for the final step “${last.name}”` };
  for (const l of accepted) {
    const p = payloadOf(links[l.path]);
    const products = (p && p.products) || {};
    const expected = products[download.name];
    if (!expected) {
      const other = Object.entries(products).find(([, d]) => d && d.sha256 === download.digests.sha256);
      return {
        ok: false,
        step: last.name,
        link: l.path,
        detail: other
          ? `the final step “${last.name}” records no product named “${download.name}”, but its product “${other[0]}” has the same sha256 (was the file renamed?)`
          : `the final step “${last.name}” records no product named “${download.name}” (products: ${Object.keys(products).join(', ') || 'none'})`,
      };
    }
    const compared = HASHES.filter((a) => expected[a] !== undefined);
    if (compared.length === 0) {
      return { ok: null, step: last.name, link: l.path, expected, detail: `the recorded digests (${Object.keys(expected)}) are of algorithms this page does not compute` };
    }
    const bad = compared.filter((a) => String(expected[a]).toLowerCase() !== download.digests[a]);
    if (bad.length) {
      return {
        ok: false,
        step: last.name,
        link: l.path,
        expected,
        detail: `${bad.join(', ')} of the download differs from the product “${download.name}” recorded by ${l.path}`,
      };
    }
  }
  return {
    ok: true,
    step: last.name,
    link: accepted.map((l) => l.path).join(', '),
    detail: `the download matches the product “${download.name}” of the final step “${last.name}”`,
  };
}

/**
 * The page's overall answer: the verifier's verdict, turned to FAIL when the download was
 * compared outside the verifier and does not match.
 */
export function overall(report, downloadCheck) {
  if (report.verdict !== 'pass') return { verdict: report.verdict, failure: report.failure };
  if (downloadCheck && downloadCheck.ok === false) {
    return {
      verdict: 'fail',
      failure: {
        code: 'download-mismatch',
        message: downloadCheck.detail,
        step: downloadCheck.step,
        artifacts: [],
        page: true,
      },
    };
  }
  return { verdict: 'pass', failure: null };
}

/**
 * Hashes a stream of Uint8Array chunks (e.g. `File.stream()`) with a Digester, chunk by
 * chunk: memory stays constant whatever the size.
 */
export async function hashStream(stream, Digester, onProgress) {
  const d = new Digester();
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      d.update(value);
      if (onProgress) onProgress(d.bytesHashed);
    }
    return d.finalize();
  } finally {
    reader.releaseLock();
    d.free();
  }
}

function utf8(bytes) {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

function base64Decode(s) {
  const std = s.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, '');
  const bin = atob(std + '='.repeat((4 - (std.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

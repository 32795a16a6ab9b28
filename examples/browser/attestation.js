// What the page does with an attestation a person picked, without the page: finding the
// envelope(s) in the file, labelling them, and building the request. No DOM and no
// WebAssembly here, so this module runs (and is tested) in Node as well.
//
// The verdict always comes from the verifier (verifyAttestation). This module reads the
// envelope's payload only to label the choices of a multi-line .jsonl and to preselect the
// line whose subject names the download; nothing it reads is trusted.

/**
 * The envelopes in an attestation file: a DSSE envelope as JSON (`.json`, `.intoto.json`,
 * `.dsse`), or a `.jsonl` / `.intoto.jsonl` with one envelope per line.
 * Returns `[{ index, text, label }]`; `index` is the line number (1-based) for JSON lines.
 * @param {Uint8Array} bytes
 */
export function envelopesIn(bytes) {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
  if (isJson(text) || !text.includes('\n')) {
    return [{ index: 0, text, label: describeEnvelope(text).label }];
  }
  const out = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    out.push({ index: i + 1, text: line, label: `line ${i + 1}: ${describeEnvelope(line).label}` });
  });
  return out.length ? out : [{ index: 0, text, label: describeEnvelope(text).label }];
}

/**
 * What an envelope says about itself, unverified: `{ payloadType, predicateType,
 * subjects: [{ name, digest }], label }`. Fields it cannot read are absent.
 */
export function describeEnvelope(text) {
  const out = { subjects: [], label: 'not a DSSE envelope' };
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    out.label = 'not JSON';
    return out;
  }
  if (!doc || typeof doc !== 'object') return out;
  if (typeof doc.payloadType !== 'string' || typeof doc.payload !== 'string') {
    if (doc.dsseEnvelope || doc.mediaType) out.label = 'a Sigstore bundle, not a key-signed DSSE envelope';
    return out;
  }
  out.payloadType = doc.payloadType;
  try {
    const statement = JSON.parse(new TextDecoder().decode(base64Decode(doc.payload)));
    if (typeof statement.predicateType === 'string') out.predicateType = statement.predicateType;
    if (Array.isArray(statement.subject)) {
      out.subjects = statement.subject.map((s) => ({ name: s && typeof s.name === 'string' ? s.name : undefined, digest: (s && s.digest) || {} }));
    }
  } catch {
    // the verifier will say what is wrong with the payload
  }
  const names = out.subjects.map((s) => s.name).filter(Boolean);
  out.label = [out.predicateType ?? out.payloadType, names.length ? `about ${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}` : null]
    .filter(Boolean)
    .join(' ');
  return out;
}

/**
 * The envelope to preselect: the first whose (unverified) subjects carry the download's
 * sha256, sha384 or sha512; otherwise the first.
 */
export function preferredEnvelope(envelopes, digests) {
  if (!digests) return 0;
  const i = envelopes.findIndex((e) =>
    describeEnvelope(e.text).subjects.some((s) => ['sha256', 'sha384', 'sha512'].some((a) => typeof s.digest[a] === 'string' && s.digest[a].toLowerCase() === digests[a])),
  );
  return i < 0 ? 0 : i;
}

/**
 * The verifyAttestation request. Empty policy fields are left out; `digests` (what the
 * Digester returned for the download) go in as `artifactDigest`.
 * @param {{ envelope: string, keys: Uint8Array[], digests: Record<string, string> | null,
 *           policy: { predicateType?: string, builderId?: string, sourceUri?: string } }} input
 */
export function attestationRequest({ envelope, keys, digests, policy }) {
  const request = { envelope, verificationKeys: keys };
  if (digests) request.artifactDigest = { sha256: digests.sha256, sha384: digests.sha384, sha512: digests.sha512 };
  const p = {};
  for (const [k, v] of Object.entries(policy ?? {})) {
    if (typeof v === 'string' && v.trim() !== '') p[k] = v.trim();
  }
  if (Object.keys(p).length) request.policy = p;
  return request;
}

/** The label of a policy check, for people. */
export const CHECK_LABELS = {
  'predicate-type': 'predicate type',
  'builder-id': 'builder id',
  'build-type': 'build type',
  'source-uri': 'source repository',
  'source-ref': 'source ref',
  'source-tag': 'source tag',
  'source-branch': 'source branch',
  'external-parameter': 'external parameter',
};

function isJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function base64Decode(s) {
  const std = s.replace(/-/g, '+').replace(/_/g, '/').replace(/\s+/g, '');
  const bin = atob(std + '='.repeat((4 - (std.length % 4)) % 4));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

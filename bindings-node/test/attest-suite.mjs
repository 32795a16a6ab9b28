// The attestation corpora (tests/conformance-attest/README.md, tests/suite/README.md):
// tests/conformance (kinds dsse-verify, dsse-pae, statement-parse,
// resource-descriptor-parse) and tests/conformance-attest (dsse-verify, statement-parse,
// vsa-verify, slsa-policy), each case as a `verifyAttestation` request, and the
// expectation check through tests/suite/attest-error-kinds.json and attest-differences.json.
//
// What core/tests/conformance_attest.rs calls below the request API, the request API
// runs here too:
// * statement-parse: the Statement's exact bytes, signed at test time with a test Ed25519
//   key into a DSSE envelope of the case's payload type (as cli/tests/conformance_attest.rs
//   does), then verified in full;
// * resource-descriptor-parse: the descriptor's exact bytes as the single subject of a v1
//   Statement, signed likewise;
// * dsse-pae: the case's expected PAE bytes signed with the test key, the payload put in an
//   envelope: it verifies only if the core's PAE of (payload type, payload) is those bytes;
// * slsa-policy: each attestation's DSSE payload (bytes unchanged) re-signed with the test
//   key, then verified with the tarball's digests (digestFile) and the builder and source
//   policy. The bundle's own Sigstore (Fulcio certificate) signature is not verified, as in
//   the core runner, which calls verify_verified_payload on the payload.

import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { repoRoot } from './impl.mjs'

const testsDir = path.join(repoRoot, 'tests')
const readJson = (p) => JSON.parse(fs.readFileSync(p, 'utf8'))

export const attestKinds = readJson(path.join(testsDir, 'suite', 'attest-error-kinds.json')).codes
export const attestDifferences = readJson(path.join(testsDir, 'suite', 'attest-differences.json')).cases

/** The kinds run, per corpus. */
const WANTED = {
  conformance: ['dsse-verify', 'dsse-pae', 'statement-parse', 'resource-descriptor-parse'],
  'conformance-attest': ['dsse-verify', 'statement-parse', 'vsa-verify', 'slsa-policy'],
}

/** Cases skipped, with the reason (the core runner's SKIPPED). */
export const SKIPPED = {
  'slsa-npm-gundam-v1-mismatch-version-fail':
    "the failure is npm's package rule (subject[0].name must be the purl of the requested version), an ecosystem rule this verifier does not implement",
}

/** Every case of the wanted kinds: { corpus, id, kind, inputs, expected, at(path) }. */
export const attestCases = Object.entries(WANTED).flatMap(([corpus, kinds]) => {
  const base = path.join(testsDir, corpus)
  return readJson(path.join(base, 'manifest.json'))
    .cases.filter((c) => kinds.includes(c.kind))
    .map((c) => ({
      ...c,
      corpus,
      // tests/conformance paths are relative to the case folder, conformance-attest's to
      // the corpus root.
      at: (p) => (corpus === 'conformance' ? path.join(base, 'cases', c.id, p) : path.join(base, p)),
    }))
})

// The test signer: a fresh Ed25519 key per run.
const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519')
export const signerPem = publicKey.export({ type: 'spki', format: 'pem' })

/** DSSE v1 pre-authentication encoding (UTF-8 byte lengths). */
export function pae(payloadType, payload) {
  const type = Buffer.from(payloadType, 'utf8')
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload])
}

/** An envelope of `payload` whose one signature, by the test key, is over `signed`. */
function envelopeSigning(payloadType, payload, signed) {
  return JSON.stringify({
    payload: payload.toString('base64'),
    payloadType,
    signatures: [{ sig: crypto.sign(null, signed, privateKey).toString('base64') }],
  })
}

/** A DSSE envelope of `payload`, signed by the test key. */
export const sign = (payloadType, payload) => envelopeSigning(payloadType, payload, pae(payloadType, payload))

const IN_TOTO_JSON = 'application/vnd.in-toto+json'

/**
 * The `verifyAttestation` requests of a case (one, or one per attestation for
 * slsa-policy), built with `digestFile` for the slsa-policy tarball.
 */
export async function attestRequests(c, { digestFile }) {
  const { inputs, at } = c
  const text = (p) => fs.readFileSync(at(p), 'utf8')
  switch (c.kind) {
    case 'dsse-verify': {
      const keys = inputs.keys ?? inputs.public_keys
      return [
        {
          envelope: fs.readFileSync(at(inputs.envelope)),
          // tests/conformance's keyids are derived by a keyid rule, not declared by the
          // signer: the core runner gives the PEM only there.
          verificationKeys: keys.map((k) =>
            c.corpus === 'conformance-attest' ? { pem: text(k.path), keyid: k.keyid } : text(k.path),
          ),
          threshold: inputs.threshold,
          envelopeOnly: true,
        },
      ]
    }
    case 'dsse-pae': {
      const payload = fs.readFileSync(at(inputs.payload))
      const expected = fs.readFileSync(at(c.expected.pae))
      return [
        {
          envelope: envelopeSigning(inputs.payload_type, payload, expected),
          verificationKeys: [signerPem],
          envelopeOnly: true,
        },
      ]
    }
    case 'statement-parse':
      return [
        {
          envelope: sign(inputs.payload_type ?? IN_TOTO_JSON, fs.readFileSync(at(inputs.statement))),
          verificationKeys: [signerPem],
        },
      ]
    case 'resource-descriptor-parse': {
      const rd = fs.readFileSync(at(inputs.resource_descriptor))
      const statement = Buffer.concat([
        Buffer.from('{"_type": "https://in-toto.io/Statement/v1", "subject": ['),
        rd,
        Buffer.from('], "predicateType": "https://example.com/rd-wrapper", "predicate": {}}'),
      ])
      return [{ envelope: sign(IN_TOTO_JSON, statement), verificationKeys: [signerPem] }]
    }
    case 'vsa-verify': {
      const p = inputs.policy
      return [
        {
          envelope: fs.readFileSync(at(inputs.envelope)),
          verificationKeys: [{ pem: text(inputs.public_key), keyid: inputs.public_key_id }],
          artifactDigest: p.subject_digests,
          policy: { verifierId: p.verifier_id, resourceUri: p.resource_uri, verifiedLevels: p.verified_levels },
        },
      ]
    }
    case 'slsa-policy': {
      const p = inputs.policy
      const artifactDigest = await digestFile(at(inputs.artifact))
      return readJson(at(inputs.attestations)).attestations.map((att) => {
        const env = att.bundle.dsseEnvelope
        const provenance = att.predicateType.startsWith('https://slsa.dev/provenance/')
        return {
          envelope: sign(env.payloadType, Buffer.from(env.payload, 'base64')),
          verificationKeys: [signerPem],
          artifactDigest,
          policy: provenance ? { builderId: p.builder_id, sourceUri: p.source_uri } : {},
        }
      })
    }
    default:
      throw new Error(`unexpected kind ${c.kind}`)
  }
}

/** The outcome of a case's reports: the first that does not pass, else the last. */
export function outcome(reports) {
  return reports.find((r) => r.verdict !== 'pass') ?? reports.at(-1)
}

/**
 * Checks a case's outcome against its expectation (or its documented difference);
 * returns null when it matches, else a description of the mismatch.
 */
export function checkAttest(c, report) {
  const code = report.failure?.code
  const kind = code === undefined ? null : (attestKinds[code] ?? code)
  const got = `${report.verdict} ${code ?? ''} (kind ${kind}): ${report.failure?.message ?? ''}`
  const difference = attestDifferences[c.id]
  if (difference) {
    if (difference.verdict === 'pass') return report.verdict === 'pass' ? null : `deliberate difference: expected pass, got ${got}`
    return report.verdict !== 'pass' && code === difference.code ? null : `deliberate difference: expected ${difference.code}, got ${got}`
  }
  if (c.expected.verdict === 'pass') {
    if (report.verdict !== 'pass') return `expected pass, got ${got}`
    if (c.expected.predicate_type && report.statement?.predicate_type !== c.expected.predicate_type) {
      return `expected predicateType ${c.expected.predicate_type}, got ${report.statement?.predicate_type}`
    }
    return null
  }
  const kinds = [c.expected.error_kind, ...(c.expected.alt_error_kinds ?? []), ...(c.expected.acceptable_error_kinds ?? [])].filter(Boolean)
  return report.verdict !== 'pass' && kinds.includes(kind) ? null : `expected fail with kind ${kinds.join(' or ')}, got ${got}`
}

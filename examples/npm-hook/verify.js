#!/usr/bin/env node
// The install hook of demo-verified-package (package.json "preinstall"): verifies the
// in-toto supply chain this package ships (supply-chain/) against the artifact it ships
// (demo-project.tar.gz) with @intoto-verify/node, and exits 1 (so `npm install` fails)
// with a readable reason when it does not verify.
//
// The layout's inspection (`untar`: run `tar xzf demo-project.tar.gz` and record the
// working directory) is not run. Its recorded result is given instead: the artifact as it
// is in this package, with its sha256, before and after, and return value 0. The
// inspection's rules are then evaluated over that, so the artifact must MATCH what the
// signed `package` step produced. No command from the package's metadata runs during
// `npm install`, nothing is written, and no tar is needed. What is not checked is what the
// command itself would add (here: the files inside the tarball against `update-version`'s
// products, already implied by the tarball's digest being the one `package` recorded).
'use strict'

const crypto = require('node:crypto')
const fs = require('node:fs')
const path = require('node:path')

const NAME = 'demo-verified-package'
/** The artifact's name in the links, and its file in this package. */
const ARTIFACT = 'demo-project.tar.gz'
/** Where the chain is shipped: root.layout, keys/owner.pub, links/*.link. */
const CHAIN_DIR = 'supply-chain'
/** A PEM file to verify the layout with instead of the shipped keys/owner.pub. */
const OWNER_KEY_ENV = 'DEMO_VERIFIED_PACKAGE_OWNER_KEY'

/** The names of the layout's inspections (Metablock or DSSE); [] if it does not parse. */
function inspectionNames(layoutBytes) {
  try {
    const doc = JSON.parse(layoutBytes.toString('utf8'))
    const signed = doc.signed ?? JSON.parse(Buffer.from(doc.payload, 'base64').toString('utf8'))
    return (signed.inspect ?? []).map((i) => i.name).filter((n) => typeof n === 'string')
  } catch {
    return [] // the verifier reports the malformed layout
  }
}

/**
 * Verifies the package in `dir` (default: this one). Returns
 * `{ report, artifact: { name, sha256 }, ownerKey }`; throws only if a file cannot be read.
 */
function verifyPackage(dir = __dirname, { ownerKey = process.env[OWNER_KEY_ENV] } = {}) {
  const { verifyLayout } = require('@intoto-verify/node')
  const chain = path.join(dir, CHAIN_DIR)
  const keyFile = ownerKey ? path.resolve(ownerKey) : path.join(chain, 'keys', 'owner.pub')
  const layout = fs.readFileSync(path.join(chain, 'root.layout'))
  const linkDir = path.join(chain, 'links')
  const links = Object.fromEntries(
    fs.readdirSync(linkDir).filter((f) => f.endsWith('.link')).map((f) => [f, fs.readFileSync(path.join(linkDir, f))]),
  )
  const sha256 = crypto.createHash('sha256').update(fs.readFileSync(path.join(dir, ARTIFACT))).digest('hex')
  const observed = { [ARTIFACT]: { sha256 } }
  const inspections = Object.fromEntries(
    inspectionNames(layout).map((n) => [n, { returnValue: 0, materials: observed, products: observed }]),
  )
  const report = verifyLayout({ layout, layoutKeys: [fs.readFileSync(keyFile)], links, inspections })
  return { report, artifact: { name: ARTIFACT, sha256 }, ownerKey: keyFile }
}

/** The failure of a report that did not pass, as lines of text. */
function describeFailure(report) {
  const f = report.failure ?? { code: 'unknown', message: `verdict ${report.verdict}` }
  const lines = [`  code:      ${f.code}`, `  message:   ${f.message}`]
  if (f.step) lines.push(`  step:      ${f.step}`)
  if (f.inspection) lines.push(`  inspection: ${f.inspection}`)
  if (f.rule) {
    const where = [f.side, f.rule_index === undefined ? undefined : `rule ${f.rule_index + 1}`].filter(Boolean).join(' ')
    lines.push(`  rule:      ${where ? `${where}: ` : ''}${f.rule.join(' ')}`)
  }
  if (f.artifacts?.length) lines.push(`  artifacts: ${f.artifacts.join(', ')}`)
  if (f.keyid) lines.push(`  key:       ${f.keyid}`)
  if (f.path) lines.push(`  file:      ${f.path}`)
  if (f.cause) lines.push(`  cause:     ${f.cause.code}: ${f.cause.message}`)
  return lines
}

function main() {
  let result
  try {
    result = verifyPackage()
  } catch (err) {
    // Fail closed: no verifier or unreadable metadata is not a verified package.
    console.error(`${NAME}: cannot verify the package's supply chain: ${err.message}`)
    return 1
  }
  const { report, artifact, ownerKey } = result
  if (report.verdict === 'pass') {
    const steps = report.steps.map((s) => s.name).join(', ')
    console.log(`${NAME}: in-toto verification passed (${artifact.name} sha256 ${artifact.sha256.slice(0, 12)}…, steps ${steps}; layout key ${path.relative(process.cwd(), ownerKey) || ownerKey})`)
    return 0
  }
  console.error(
    [
      `${NAME}: in-toto verification FAILED (verdict ${report.verdict}); refusing to install`,
      ...describeFailure(report),
      `  artifact:  ${artifact.name} sha256 ${artifact.sha256}`,
    ].join('\n'),
  )
  return 1
}

module.exports = { verifyPackage, describeFailure, ARTIFACT }

if (require.main === module) process.exitCode = main()

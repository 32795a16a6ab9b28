// The shared vector suite (tests/suite/README.md): the `layout-verify` cases of
// tests/conformance/manifest.json and tests/regression/manifest.json, their inputs as a
// request, and the expectation checks (tests/suite/error-kinds.json and differences.json
// for the conformance cases, the exact `expected.code` for the regression vectors).

import fs from 'node:fs'
import path from 'node:path'
import { repoRoot } from './impl.mjs'

export const conformanceDir = path.join(repoRoot, 'tests', 'conformance')
const suiteDir = path.join(repoRoot, 'tests', 'suite')

const readJson = (p) => JSON.parse(fs.readFileSync(p, 'utf8'))

export const manifest = readJson(path.join(conformanceDir, 'manifest.json'))
export const errorKinds = readJson(path.join(suiteDir, 'error-kinds.json')).codes
export const differences = readJson(path.join(suiteDir, 'differences.json')).cases

/** Every `layout-verify` case, in manifest order. */
export const layoutCases = manifest.cases.filter((c) => c.kind === 'layout-verify')

/** Why the library runners skip a case, or null. */
export function skipReason(c) {
  return c.inspections?.needed
    ? 'runs inspections: needs a process runner, so it runs through the bin (cli.test.mjs)'
    : null
}

export const caseDir = (c) => path.join(conformanceDir, 'cases', c.id)

export const regressionDir = path.join(repoRoot, 'tests', 'regression')
/** Every regression vector (tests/regression/README.md), in manifest order. */
export const regressionCases = readJson(path.join(regressionDir, 'manifest.json')).cases
export const regressionCaseDir = (c) => path.join(regressionDir, 'cases', c.id)

/**
 * Why a runner skips a regression vector, or null: `known_failure` everywhere, `cli_only`
 * in the library runners (`library` true).
 */
export function regressionSkipReason(c, { library }) {
  if (c.known_failure) return `known failure: ${c.known_failure}`
  if (library && c.cli_only) return 'cli_only: runs an inspection, so it runs through the bin (regression.test.mjs)'
  return null
}

/**
 * Checks a report against a regression vector: the verdict (`expected.verdict` `fail`
 * stands for `error` too), the exact `failure.code` and, when given, `failure.cause.code`.
 * Returns null when it matches, else a description of the mismatch.
 */
export function checkRegression(c, report) {
  const want = c.expected
  const got = `${report?.verdict} ${report?.failure?.code ?? ''} (cause ${report?.failure?.cause?.code ?? '-'}): ${report?.failure?.message ?? ''}`
  const verdictOk = want.verdict === 'pass' ? report?.verdict === 'pass' : report?.verdict !== 'pass'
  const codeOk = (report?.failure?.code ?? null) === (want.code ?? null)
  const causeOk = !want.cause_code || report?.failure?.cause?.code === want.cause_code
  return verdictOk && codeOk && causeOk
    ? null
    : `expected ${want.verdict} ${want.code ?? ''}${want.cause_code ? ` (cause ${want.cause_code})` : ''}, got ${got}`
}

/** Every file below `dir`, by `/`-separated relative name. */
export function readTree(dir) {
  const out = {}
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out[path.relative(dir, p).split(path.sep).join('/')] = fs.readFileSync(p)
    }
  }
  walk(dir)
  return out
}

/** The case's inputs as a request (byte fields as Buffers); `dir` is the case folder. */
export function caseRequest(c, dir = caseDir(c)) {
  const inputs = c.inputs
  const request = {
    layout: fs.readFileSync(path.join(dir, inputs.layout)),
    layoutKeys: inputs.layout_keys.map((k) => fs.readFileSync(path.join(dir, k.path))),
    links: readTree(path.join(dir, inputs.link_dir ?? '.')),
    now: inputs.verification_time,
  }
  if (inputs.substitution_parameters) request.parameters = inputs.substitution_parameters
  return request
}

/** The conformance error kind of a report's failure (`sublayout-failed` maps through `cause`). */
export function errorKind(failure) {
  if (!failure) return null
  if (failure.code === 'sublayout-failed' && failure.cause) return errorKind(failure.cause)
  return errorKinds[failure.code] ?? failure.code
}

/** The error kinds the case accepts. */
export function expectedKinds(c) {
  const kinds = []
  if (c.expected.error_kind) kinds.push(c.expected.error_kind)
  kinds.push(...(c.expected.acceptable_error_kinds ?? []))
  return kinds
}

/**
 * Checks a report against the case; returns null when it matches, else a description of
 * the mismatch.
 */
export function checkReport(c, report) {
  const got = `${report?.verdict} ${report?.failure?.code ?? ''} (kind ${errorKind(report?.failure)}): ${report?.failure?.message ?? ''}`
  const difference = differences[c.id]
  if (difference) {
    return report?.failure?.code === difference.code
      ? null
      : `deliberate difference: expected code ${difference.code}, got ${got}`
  }
  if (c.expected.verdict === 'pass') {
    return report?.verdict === 'pass' ? null : `expected pass, got ${got}`
  }
  const kinds = expectedKinds(c)
  const kind = errorKind(report?.failure)
  return report?.verdict !== 'pass' && kinds.includes(kind)
    ? null
    : `expected ${c.expected.verdict} with kind ${kinds.join(' or ')}, got ${got}`
}

// The `intoto-verify` bin (bin/intoto-verify.js -> runCli): the demo supply chain, a
// tampered copy, usage errors, the same exit codes as the Rust binary, and every
// `layout-verify` case of the shared suite, inspections included (the library runners
// skip those: here they really run, in a scratch copy of the case).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { loadImpl, packageDir, repoRoot } from './impl.mjs'
import { layoutCases, caseDir, checkReport, differences, expectedKinds } from './suite.mjs'
import { runBin, layoutArgs, scratchDir } from './bin.mjs'

const impl = await loadImpl()
const noBin = !impl.binPath && `${impl.name} has no bin`

const scratch = scratchDir('intoto-verify-node-')

const rustBin = path.join(process.env.CARGO_TARGET_DIR || path.join(repoRoot, 'target'), 'release', 'intoto-verify')
const noRustBin = !fs.existsSync(rustBin) && `no Rust binary at ${rustBin} (cargo build --release -p intoto-verify-cli)`

/** Runs the bin (or `exe`) with `args` in `cwd`. */
const run = (args, cwd, exe) => runBin(impl.binPath, args, cwd, { exe })
const copyOf = (dir) => scratch.copy(dir)

const demoArgs = ['-l', 'root.layout', '--verification-keys', 'keys/owner.pub', '--link-dir', 'links']
const demoDir = path.join(repoRoot, 'examples', 'demo')

/** The three demo scenarios: [name, args, prepare(dir), expected exit code]. */
const scenarios = [
  ['the demo verifies (the untar inspection runs)', demoArgs, () => {}, 0],
  [
    'a tampered demo-project.tar.gz fails',
    demoArgs,
    (dir) => fs.appendFileSync(path.join(dir, 'demo-project.tar.gz'), 'tampered'),
    1,
  ],
  ['an unknown flag is a usage error', [...demoArgs, '--bogus'], () => {}, 2],
  ['a missing --layout is a usage error', ['--verification-keys', 'keys/owner.pub'], () => {}, 2],
  ['--param without = is a usage error', [...demoArgs, '--param', 'NOEQUALS'], () => {}, 2],
]

for (const [name, args, prepare, want] of scenarios) {
  test(`bin: ${name} (exit ${want})`, { skip: noBin }, () => {
    const dir = copyOf(demoDir)
    prepare(dir)
    const r = run(args, dir)
    assert.equal(r.code, want, `exit ${r.code}\n${r.stdout}\n${r.stderr}`)
    if (want === 0) assert.match(r.stdout, /^PASS/m)
    if (want === 2) assert.match(r.stderr, /error/)
  })
  test(`bin and the Rust binary agree: ${name}`, { skip: noBin || noRustBin }, () => {
    const dirs = [copyOf(demoDir), copyOf(demoDir)]
    dirs.forEach(prepare)
    const node = run(args, dirs[0])
    const rust = run(args, dirs[1], rustBin)
    assert.equal(node.code, rust.code)
    assert.equal(node.stdout, rust.stdout)
  })
}

test('bin: --format json prints the report', { skip: noBin }, () => {
  const r = run([...demoArgs, '--format', 'json', '--skip-inspections'], copyOf(demoDir))
  assert.equal(r.code, 0)
  const report = JSON.parse(r.stdout)
  assert.equal(report.verdict, 'pass')
  assert.ok(report.warnings.some((w) => w.code === 'inspections-skipped'))
})

test('runCli writes through process.stdout/stderr and returns the exit code', { skip: !impl.runCli && `${impl.name} has no runCli` }, () => {
  const script = (args) =>
    `process.exitCode = require(${JSON.stringify(packageDir)}).runCli(${JSON.stringify(args)})`
  const help = spawnSync(process.execPath, ['-e', script(['intoto-verify', '--help'])], { encoding: 'utf8' })
  assert.equal(help.status, 0)
  assert.match(help.stdout, /Usage: intoto-verify/)
  const bad = spawnSync(process.execPath, ['-e', script(['intoto-verify', '--bogus'])], { encoding: 'utf8' })
  assert.equal(bad.status, 2)
  assert.equal(bad.stdout, '')
  assert.match(bad.stderr, /--bogus/)
})

// Every layout-verify case through the bin, as cli/tests/conformance.rs does with the Rust
// binary: a fresh copy of the case folder, run in its working directory.
const counts = { ran: 0, withInspections: 0 }
for (const c of layoutCases) {
  test(`bin layout-verify ${c.id}`, { skip: noBin }, () => {
    const work = copyOf(caseDir(c))
    const inputs = c.inputs
    const r = run(layoutArgs(inputs, work), path.join(work, inputs.working_dir ?? '.'))
    counts.ran += 1
    if (c.inspections?.needed) counts.withInspections += 1
    const detail = `exit ${r.code}\n${r.stdout.slice(0, 600)}\n${r.stderr}`
    if (!inputs.layout_keys.length && !differences[c.id]) {
      // No keys: the command line is refused (exit 2), like in-toto-verify.
      assert.notEqual(c.expected.verdict, 'pass')
      assert.equal(r.code, 2, detail)
      return
    }
    const report = JSON.parse(r.stdout)
    const mismatch = checkReport(c, report)
    assert.equal(mismatch, null, `${c.id}: ${mismatch}\n${detail}`)
    assert.equal(r.code, report.verdict === 'pass' ? 0 : 1, detail)
    if (c.expected.verdict !== 'pass' && !differences[c.id]) assert.ok(expectedKinds(c).length > 0)
  })
}

test('bin layout-verify: every case ran', { skip: noBin }, (t) => {
  t.diagnostic(`layout-verify through the bin: ${counts.ran} run (${counts.withInspections} with inspections)`)
  assert.equal(counts.ran, layoutCases.length)
})

// Running the `intoto-verify` bin (or another executable) on a case, as
// cli/tests/conformance.rs runs the Rust binary.

import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after } from 'node:test'

/**
 * Runs `node binPath args` (or `exe args`) in `cwd` with `env` added to the environment;
 * returns { code, stdout, stderr }.
 */
export function runBin(binPath, args, cwd, { exe, env } = {}) {
  const [cmd, argv] = exe ? [exe, args] : [process.execPath, [binPath, ...args]]
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } })
  if (r.error) throw r.error
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** The command line of a `layout-verify` case whose folder was copied to `work`. */
export function layoutArgs(inputs, work) {
  const args = [
    '-l', path.join(work, inputs.layout),
    '--link-dir', path.join(work, inputs.link_dir ?? '.'),
    '--now', inputs.verification_time,
    '--format', 'json',
  ]
  if (inputs.layout_keys.length) {
    args.push('--verification-keys', ...inputs.layout_keys.map((k) => path.join(work, k.path)))
  }
  for (const [k, v] of Object.entries(inputs.substitution_parameters ?? {})) {
    args.push('--param', `${k}=${v}`)
  }
  return args
}

/** A scratch folder removed after the test file; `copy(dir)` makes a fresh copy in it. */
export function scratchDir(prefix) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  after(() => fs.rmSync(root, { recursive: true, force: true }))
  let n = 0
  return {
    root,
    copy(dir) {
      const dest = path.join(root, `copy-${n++}`)
      fs.cpSync(dir, dest, { recursive: true })
      return dest
    },
  }
}

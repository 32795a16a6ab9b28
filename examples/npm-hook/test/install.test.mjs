// Installs demo-verified-package from its packed tarball into fresh projects with
// `npm install --offline <tarball>` and checks what its preinstall hook (verify.js) does:
// the untouched package installs, a package whose artifact or link was tampered with does
// not (npm exits non-zero, prints the failure and leaves nothing installed).
//
// BINDING_TARBALL: the packed @intoto-verify/node (test.sh builds and packs it).

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'

const hookDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const demoDir = path.resolve(hookDir, '..', 'demo')
const binding = process.env.BINDING_TARBALL
if (!binding || !fs.existsSync(binding)) {
  throw new Error('set BINDING_TARBALL to the packed @intoto-verify/node (examples/npm-hook/test.sh does)')
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-hook-'))
after(() => fs.rmSync(work, { recursive: true, force: true }))
// A cache of our own: nothing comes from (or goes into) the user's npm cache, and with
// --offline nothing can come from the registry either.
const npmEnv = {
  ...process.env,
  npm_config_cache: path.join(work, 'npm-cache'),
  npm_config_update_notifier: 'false',
  npm_config_ignore_scripts: 'false', // the hook is what is tested
}

function npm(args, cwd) {
  const r = spawnSync('npm', args, { cwd, env: npmEnv, encoding: 'utf8', timeout: 120_000 })
  if (r.error) throw r.error
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` }
}

function npmOk(args, cwd) {
  const r = npm(args, cwd)
  assert.equal(r.code, 0, `npm ${args.join(' ')} in ${cwd} failed:\n${r.out}`)
  return r
}

/**
 * The package as its release pipeline would publish it: this directory's files, the demo
 * chain (supply-chain/root.layout, keys/owner.pub, links/) and the artifact, with
 * @intoto-verify/node installed into node_modules so that `npm pack` bundles it.
 */
function stage() {
  const dir = path.join(work, 'stage')
  for (const f of ['package.json', 'index.js', 'verify.js', 'README.md']) {
    fs.cpSync(path.join(hookDir, f), path.join(dir, f))
  }
  fs.cpSync(path.join(demoDir, 'root.layout'), path.join(dir, 'supply-chain', 'root.layout'))
  fs.cpSync(path.join(demoDir, 'keys', 'owner.pub'), path.join(dir, 'supply-chain', 'keys', 'owner.pub'))
  fs.cpSync(path.join(demoDir, 'links'), path.join(dir, 'supply-chain', 'links'), { recursive: true })
  fs.cpSync(path.join(demoDir, 'demo-project.tar.gz'), path.join(dir, 'demo-project.tar.gz'))
  // --no-save keeps the dependency as published ("^0.1.0"); the tarball's 0.1.0 satisfies it.
  npmOk(['install', '--offline', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', binding], dir)
  return dir
}

/** Packs a copy of `staged`, changed by `tamper(dir)`, into its own directory. */
function pack(staged, name, tamper = () => {}) {
  const dir = path.join(work, `pkg-${name}`)
  fs.cpSync(staged, dir, { recursive: true })
  tamper(dir)
  const out = path.join(work, `tarball-${name}`)
  fs.mkdirSync(out)
  npmOk(['pack', '--pack-destination', out], dir)
  const [tgz] = fs.readdirSync(out)
  return path.join(out, tgz)
}

/** A valid tarball whose foo.py says foo-v3 instead of the foo-v2 the chain recorded. */
function tamperArtifact(dir) {
  const file = path.join(dir, 'demo-project.tar.gz')
  const tar = zlib.gunzipSync(fs.readFileSync(file))
  const at = tar.indexOf('foo-v2')
  assert.ok(at > 0, 'foo-v2 is in the demo tarball')
  tar.write('foo-v3', at) // same length: the tar headers stay valid
  fs.writeFileSync(file, zlib.gzipSync(tar))
}

/** The file names in a .tgz (ustar headers: name at 0, size at 124, prefix at 345). */
function tarNames(file) {
  const tar = zlib.gunzipSync(fs.readFileSync(file))
  const names = []
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const field = (start, len) => tar.subarray(at + start, at + start + len).toString('utf8').replace(/\0.*$/s, '')
    const prefix = field(345, 155)
    names.push(prefix ? `${prefix}/${field(0, 100)}` : field(0, 100))
    at += 512 + Math.ceil(parseInt(field(124, 12).trim() || '0', 8) / 512) * 512
  }
  return names
}

/** Changes the recorded return value in bob's package link, so its signature fails. */
function tamperLink(dir) {
  const file = path.join(dir, 'supply-chain', 'links', 'package.27e5483c.link')
  const text = fs.readFileSync(file, 'utf8')
  assert.match(text, /"return-value": 0/)
  fs.writeFileSync(file, text.replace('"return-value": 0', '"return-value": 1'))
}

/**
 * `npm install --offline <tarball>` in a fresh project. The project approves the package's
 * install script (allowScripts: npm >= 11.16 lists unapproved scripts, npm 12 skips them).
 */
let projects = 0
function installInto(tarball, { args = [], env = {} } = {}) {
  const dir = path.join(work, `project-${projects++}`)
  fs.mkdirSync(dir)
  const manifest = { name: 'consumer', version: '1.0.0', private: true, allowScripts: { [`file:${tarball}`]: true } }
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const r = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', ...args, tarball], {
    cwd: dir,
    env: { ...npmEnv, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  })
  if (r.error) throw r.error
  return { dir, code: r.status, out: `${r.stdout}\n${r.stderr}`, manifest: fs.readFileSync(path.join(dir, 'package.json'), 'utf8') }
}

function assertNothingInstalled(r) {
  assert.ok(!fs.existsSync(path.join(r.dir, 'node_modules', 'demo-verified-package')), 'npm rolled the package back')
  assert.doesNotMatch(r.manifest, /"dependencies"/, 'package.json was not changed')
}

const tarballs = {}
before(() => {
  const staged = stage()
  tarballs.good = pack(staged, 'good')
  tarballs.artifact = pack(staged, 'tampered-artifact', tamperArtifact)
  tarballs.link = pack(staged, 'tampered-link', tamperLink)
})

test('the packed package bundles @intoto-verify/node and ships the chain', () => {
  const listing = tarNames(tarballs.good)
  for (const f of [
    'package/node_modules/@intoto-verify/node/package.json',
    'package/supply-chain/root.layout',
    'package/supply-chain/keys/owner.pub',
    'package/supply-chain/links/package.27e5483c.link',
    'package/demo-project.tar.gz',
  ]) {
    assert.ok(listing.includes(f), `${f} is in the tarball:\n${listing.join('\n')}`)
  }
})

test('the untouched package installs, and its hook ran and passed', () => {
  const r = installInto(tarballs.good, { args: ['--foreground-scripts'] })
  assert.equal(r.code, 0, r.out)
  assert.match(r.out, /demo-verified-package: in-toto verification passed \(demo-project\.tar\.gz sha256 9540262b8b09/)
  assert.doesNotMatch(r.out, /not yet covered by allowScripts/)
  // The installed package works and verifies again at run time.
  const check = spawnSync(process.execPath, ['-e', "const p = require('demo-verified-package'); console.log(p.verify().verdict, require('fs').existsSync(p.artifactPath))"], {
    cwd: r.dir,
    encoding: 'utf8',
  })
  assert.equal(check.stdout.trim(), 'pass true', check.stderr)
})

test('a tampered demo-project.tar.gz fails npm install: rule-disallowed in the untar inspection', () => {
  const r = installInto(tarballs.artifact)
  assert.notEqual(r.code, 0, r.out)
  assert.match(r.out, /demo-verified-package: in-toto verification FAILED \(verdict fail\); refusing to install/)
  assert.match(r.out, /code: +rule-disallowed/)
  assert.match(r.out, /inspection: untar/)
  assert.match(r.out, /rule: +materials rule 8: DISALLOW \*/)
  assert.match(r.out, /artifacts: demo-project\.tar\.gz/)
  assertNothingInstalled(r)
})

test('a tampered link fails npm install: threshold-unmet in step package', () => {
  const r = installInto(tarballs.link)
  assert.notEqual(r.code, 0, r.out)
  assert.match(r.out, /code: +threshold-unmet/)
  assert.match(r.out, /step: +package/)
  assertNothingInstalled(r)
})

test('with a pinned owner key that did not sign the layout, npm install fails: layout-signature-missing', () => {
  const r = installInto(tarballs.good, { env: { DEMO_VERIFIED_PACKAGE_OWNER_KEY: path.join(demoDir, 'keys', 'alice.pub') } })
  assert.notEqual(r.code, 0, r.out)
  assert.match(r.out, /code: +layout-signature-missing/)
  assertNothingInstalled(r)
})

test('with the pinned key of the real owner it installs', () => {
  const r = installInto(tarballs.good, { env: { DEMO_VERIFIED_PACKAGE_OWNER_KEY: path.join(demoDir, 'keys', 'owner.pub') } })
  assert.equal(r.code, 0, r.out)
})

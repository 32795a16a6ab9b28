// The implementation under test, chosen by INTOTO_IMPL, so that the same test files run
// against every JavaScript build of intoto-verify (style anchor 14, after lightningcss's
// TEST_WASM switch):
//
//   INTOTO_IMPL=node  (default) this package's native addon (`require('..')`)
//   INTOTO_IMPL=wasm  the WASM package (@intoto-verify/wasm); its Node entry point
//                     bindings-wasm/node.js unless INTOTO_IMPL_MODULE names another. It
//                     must be built first (cd bindings-wasm && npm install && npm run build;
//                     test.sh does this with WASM=1).
//
// INTOTO_IMPL_MODULE (a path or package name) overrides the module for either. Each
// implementation is adapted to one shape:
//
//   { name, verifyLayout(request) -> Report | Promise<Report>,
//     verifyLayoutAsync?, verifyAttestation?, verifyAttestationAsync?, assertVerified?,
//     failureCodes?, Hasher?, digestFile?, digestStream?, runCli?, binPath?,
//     nodeConventions }
//
// where `request` is the camelCase request object of types.d.ts with Buffer byte fields.
// Tests needing an optional member skip themselves, with the reason, when it is absent.
// `nodeConventions`: the addon's request conventions (an `options` argument with
// `throwOnFailure`, `now` as a `Date`, TypeErrors for arguments of the wrong type); the
// WASM build takes no options and answers bad arguments with a `request-invalid` report.

import fs from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'
import path from 'node:path'

const here = path.dirname(fileURLToPath(import.meta.url))
export const packageDir = path.resolve(here, '..')
export const repoRoot = path.resolve(packageDir, '..')

const require = createRequire(import.meta.url)

async function importModule(spec) {
  if (spec.startsWith('.') || path.isAbsolute(spec)) {
    return import(pathToFileURL(path.resolve(spec)).href)
  }
  return import(spec)
}

const loaders = {
  async node() {
    const mod = process.env.INTOTO_IMPL_MODULE
      ? await importModule(process.env.INTOTO_IMPL_MODULE)
      : require(packageDir)
    return {
      name: 'node',
      verifyLayout: mod.verifyLayout,
      verifyLayoutAsync: mod.verifyLayoutAsync,
      verifyAttestation: mod.verifyAttestation,
      verifyAttestationAsync: mod.verifyAttestationAsync,
      assertVerified: mod.assertVerified,
      failureCodes: mod.failureCodes,
      Hasher: mod.Hasher,
      digestFile: mod.digestFile,
      digestStream: mod.digestStream,
      runCli: mod.runCli,
      binPath: path.join(packageDir, 'bin', 'intoto-verify.js'),
      nodeConventions: true,
    }
  },

  // The WASM build (bindings-wasm): its package exports the same `verifyLayout(request)`;
  // only what it exports is tested.
  async wasm() {
    const spec = process.env.INTOTO_IMPL_MODULE || path.join(repoRoot, 'bindings-wasm', 'node.js')
    const wasmFile = path.join(repoRoot, 'bindings-wasm', 'pkg', 'intoto_verify_wasm_bg.wasm')
    if (!process.env.INTOTO_IMPL_MODULE && !fs.existsSync(wasmFile)) {
      throw new Error(
        `INTOTO_IMPL=wasm: ${wasmFile} is missing; build it first (cd bindings-wasm && npm install && npm run build)`,
      )
    }
    const loaded = await importModule(spec)
    const mod = loaded.default && !loaded.verifyLayout ? loaded.default : loaded
    return {
      name: 'wasm',
      verifyLayout: mod.verifyLayout,
      verifyLayoutAsync: mod.verifyLayoutAsync,
      verifyAttestation: mod.verifyAttestation,
      verifyAttestationAsync: mod.verifyAttestationAsync,
      assertVerified: mod.assertVerified,
      failureCodes: mod.failureCodes,
      Hasher: undefined, // its Digester has another shape (finalize(), free())
      digestFile: undefined,
      digestStream: undefined,
      runCli: mod.runCli,
      binPath: undefined,
      nodeConventions: false,
    }
  },
}

/** Loads the implementation named by INTOTO_IMPL (default `node`). */
export async function loadImpl() {
  const name = process.env.INTOTO_IMPL || 'node'
  const load = loaders[name]
  if (!load) {
    throw new Error(`INTOTO_IMPL=${name}: expected one of ${Object.keys(loaders).join(', ')}`)
  }
  const impl = await load()
  if (typeof impl.verifyLayout !== 'function') {
    throw new Error(`INTOTO_IMPL=${name}: the module has no verifyLayout function`)
  }
  return impl
}

// Node (>= 20): the module is compiled and instantiated at import time from the .wasm file
// next to the glue, so the exports are ready to call. `init()` is kept (a resolved no-op)
// so that code written for browsers (`await init()`) runs unchanged.
import { readFileSync } from 'node:fs';
import { initSync } from './pkg/intoto_verify_wasm.js';

const exports = initSync({
  module: readFileSync(new URL('./pkg/intoto_verify_wasm_bg.wasm', import.meta.url)),
});

export default async function init() {
  return exports;
}
export { initSync, verifyLayout, verifyAttestation, Digester, failureCodes, version } from './pkg/intoto_verify_wasm.js';

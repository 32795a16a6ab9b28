// Browsers, Web Workers and bundlers: `await init()` once (it fetches the .wasm next to
// this package's glue, or takes `{ module_or_path }`), then call the exports.
//
//   import init, { verifyLayout, verifyAttestation, Digester, failureCodes, version } from '@intoto-verify/wasm';
//   await init();
export { default, initSync, verifyLayout, verifyAttestation, Digester, failureCodes, version } from './pkg/intoto_verify_wasm.js';

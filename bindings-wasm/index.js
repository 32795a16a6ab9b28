// Browsers, Web Workers and bundlers: `await init()` once (it fetches the .wasm next to
// this package's glue, or takes `{ module_or_path }`), then call the exports.
//
//   import init, { verifyLayout, Digester, version } from '@intoto-verify/wasm';
//   await init();
export { default, initSync, verifyLayout, Digester, version } from './pkg/intoto_verify_wasm.js';

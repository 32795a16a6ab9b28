// One set of types for every entry point (browsers, workers, bundlers, Node). In Node the
// module is ready at import time and `init()` resolves at once.
export * from './pkg/intoto_verify_wasm.js';
export { default } from './pkg/intoto_verify_wasm.js';

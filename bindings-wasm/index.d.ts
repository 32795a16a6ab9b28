// One set of types for every entry point (browsers, workers, bundlers, Node). In Node the
// module is ready at import time and `init()` resolves at once.
export * from './pkg/intoto_verify_wasm.js';
export { default } from './pkg/intoto_verify_wasm.js';

import type { DigestAlgorithm, Digests } from './pkg/intoto_verify_wasm.js';

/**
 * A streaming hasher: SHA-256, SHA-384 and SHA-512 of one byte stream in one pass, or only
 * the algorithms named (`new Digester(['sha256'])` is about two and a half times as fast
 * as all three). Memory is constant: `update` copies its chunk into wasm memory 64 KiB at
 * a time.
 *
 * (This declaration replaces wasm-bindgen's generated one to type `finalize()` by the
 * algorithms asked for; the class is the generated one.)
 */
export declare class Digester<A extends DigestAlgorithm = DigestAlgorithm> {
  /**
   * A fresh digester for `algorithms` (a non-empty array of `'sha256'`, `'sha384'`,
   * `'sha512'`; repeats count once), or for all three when it is omitted, `undefined` or
   * `null`. Anything else throws an `Error` with `code` `digester-algorithm-invalid`.
   */
  constructor(algorithms?: readonly A[] | null);
  /**
   * Feeds the next chunk of the stream: a `Uint8Array` (a Node `Buffer` is one), another
   * `ArrayBuffer` view or an `ArrayBuffer`. Anything else throws `digester-input-invalid`;
   * after `finalize`, `digester-finalized`.
   */
  update(chunk: Uint8Array | ArrayBufferView | ArrayBuffer): void;
  /**
   * The digests of everything fed, lowercase hex, keyed by algorithm (exactly those asked
   * for): a DigestSet, so it can be passed as `artifactDigest` as it is. The digester is
   * finished after this (a second call throws `digester-finalized`).
   */
  finalize(): Pick<Digests, A>;
  /** How many bytes were fed so far. */
  readonly bytesHashed: number;
  /** Frees the wasm memory (or `using d = new Digester()` where supported). */
  free(): void;
  [Symbol.dispose](): void;
}

// Hasher (the core's streaming SHA-256/384/512) and the JS helpers digestFile and
// digestStream: known vectors, chunked = one-shot = node:crypto, a 64 MiB stream in
// constant memory, and the errors.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { loadImpl } from './impl.mjs'
import { scratchDir } from './bin.mjs'

const impl = await loadImpl()
const { Hasher, digestFile, digestStream } = impl
const noHasher = !Hasher && `${impl.name} has no Hasher`
const noHelpers = !digestFile && `${impl.name} has no digestFile/digestStream`
const scratch = scratchDir('intoto-verify-node-hash-')

/** The digests node:crypto computes. */
function reference(...chunks) {
  const out = {}
  for (const alg of ['sha256', 'sha384', 'sha512']) {
    const h = crypto.createHash(alg)
    for (const c of chunks) h.update(c)
    out[alg] = h.digest('hex')
  }
  out.length = chunks.reduce((n, c) => n + Buffer.byteLength(c), 0)
  return out
}

// FIPS 180-2 examples (and the empty string).
const VECTORS = [
  [
    '',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b',
    'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e',
  ],
  [
    'abc',
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
  ],
  [
    'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    '3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b1fe3c8452b',
    '204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445',
  ],
]

test('known vectors (FIPS 180-2)', { skip: noHasher }, () => {
  for (const [input, sha256, sha384, sha512] of VECTORS) {
    assert.deepEqual(new Hasher().update(Buffer.from(input)).digest(), { sha256, sha384, sha512, length: input.length })
    // A string is hashed as UTF-8.
    assert.deepEqual(new Hasher().update(input).digest(), { sha256, sha384, sha512, length: input.length })
  }
  // 1,000,000 times 'a' (FIPS 180-2), in uneven chunks.
  const h = new Hasher()
  for (let left = 1_000_000; left > 0; left -= 999) h.update(Buffer.alloc(Math.min(999, left), 'a'))
  const d = h.digest()
  assert.equal(d.sha256, 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0')
  assert.equal(d.sha512, 'e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b')
  assert.equal(d.length, 1_000_000)
})

test('chunked = one-shot = node:crypto, whatever the chunk sizes and views', { skip: noHasher }, () => {
  const data = crypto.randomBytes(200_003)
  const whole = new Hasher().update(data).digest()
  assert.deepEqual(whole, reference(data))
  for (const size of [1, 63, 64, 127, 128, 4096, 65_536, 200_003]) {
    const h = new Hasher()
    for (let i = 0; i < data.length; i += size) h.update(data.subarray(i, i + size))
    assert.equal(h.length, data.length)
    assert.deepEqual(h.digest(), whole, `chunk size ${size}`)
  }
  // A Uint8Array viewing the middle of a larger buffer is read at its offset.
  const backing = new ArrayBuffer(data.length + 32)
  const view = new Uint8Array(backing, 13, data.length)
  view.set(data)
  assert.deepEqual(new Hasher().update(view).digest(), whole)
  // Empty updates change nothing.
  assert.deepEqual(new Hasher().update(new Uint8Array(0)).update(data).update('').digest(), whole)
})

test('update returns the hasher; digest can be called once, like crypto.Hash', { skip: noHasher }, () => {
  const h = new Hasher()
  assert.equal(h.update('a'), h)
  assert.equal(h.length, 1)
  h.digest()
  assert.equal(h.length, 1)
  for (const f of [() => h.update('b'), () => h.digest()]) {
    assert.throws(f, (e) => e instanceof Error && e.code === 'ERR_CRYPTO_HASH_FINALIZED')
  }
  for (const bad of [42, null, undefined, {}, [1, 2], new Uint16Array(2), new ArrayBuffer(2)]) {
    assert.throws(
      () => new Hasher().update(bad),
      (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE' && /^data must be/.test(e.message),
      String(bad),
    )
  }
})

test('digestFile and digestStream agree with node:crypto', { skip: noHelpers }, async () => {
  const data = crypto.randomBytes(3 * (1 << 20) + 5)
  const file = path.join(scratch.root, 'data.bin')
  fs.writeFileSync(file, data)
  const want = reference(data)
  assert.deepEqual(await digestFile(file), want)
  assert.deepEqual(await digestFile(file, { chunkSize: 1000 }), want)
  assert.deepEqual(await digestFile(new URL(`file://${file}`)), want)
  assert.deepEqual(await digestStream(fs.createReadStream(file)), want)
  assert.deepEqual(await digestStream(Readable.toWeb(fs.createReadStream(file))), want)
  const empty = path.join(scratch.root, 'empty')
  fs.writeFileSync(empty, '')
  assert.deepEqual(await digestFile(empty), reference(''))
  // Async iterables of strings: UTF-8.
  async function* text() {
    yield 'héllo '
    yield 'wörld'
  }
  assert.deepEqual(await digestStream(text()), reference('héllo ', 'wörld'))
})

test('digestFile and digestStream errors', { skip: noHelpers }, async () => {
  await assert.rejects(digestFile(path.join(scratch.root, 'missing')), (e) => e.code === 'ENOENT')
  await assert.rejects(digestFile(scratch.root), (e) => e.code === 'EISDIR')
  await assert.rejects(digestFile(path.join(scratch.root, 'x'), { chunkSize: 0 }), (e) => e instanceof RangeError && e.code === 'ERR_OUT_OF_RANGE')
  await assert.rejects(digestStream('not a stream'), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE')
  async function* numbers() {
    yield 1
  }
  await assert.rejects(digestStream(numbers()), (e) => e instanceof TypeError && e.code === 'ERR_INVALID_ARG_TYPE')
  const failing = new Readable({ read() { this.destroy(new Error('disk on fire')) } })
  await assert.rejects(digestStream(failing), /disk on fire/)
})

test('a 64 MiB stream is hashed in constant memory', { skip: noHelpers }, async (t) => {
  const MiB = 1 << 20
  const total = 64 * MiB
  const size = 64 * 1024
  // One 64 KiB buffer, refilled for each chunk: the source holds nothing, so any growth
  // would be the hasher's. node:crypto digests the same bytes alongside.
  const ref = ['sha256', 'sha384', 'sha512'].map((a) => crypto.createHash(a))
  const chunk = Buffer.alloc(size)
  const base = process.memoryUsage().rss
  let peak = 0
  async function* chunks() {
    for (let i = 0; i < total / size; i++) {
      chunk.fill(i % 251)
      chunk.writeUInt32BE(i, 0)
      for (const h of ref) h.update(chunk)
      if (i % 64 === 0) peak = Math.max(peak, process.memoryUsage().rss - base)
      yield chunk
    }
  }
  const start = performance.now()
  const got = await digestStream(chunks())
  const seconds = (performance.now() - start) / 1000
  assert.deepEqual(got, { sha256: ref[0].digest('hex'), sha384: ref[1].digest('hex'), sha512: ref[2].digest('hex'), length: total })
  t.diagnostic(
    `64 MiB streamed through digestStream in ${seconds.toFixed(2)} s (three digests, node:crypto's three alongside); ` +
      `peak RSS growth ${(peak / MiB).toFixed(1)} MiB`,
  )
  assert.ok(peak < 8 * MiB, `RSS grew by ${(peak / MiB).toFixed(1)} MiB while streaming 64 MiB`)
})

test('a 64 MiB file through digestFile', { skip: noHelpers }, async (t) => {
  const file = path.join(scratch.root, '64m.bin')
  const block = crypto.randomBytes(1 << 20)
  const fd = fs.openSync(file, 'w')
  for (let i = 0; i < 64; i++) fs.writeSync(fd, block)
  fs.closeSync(fd)
  const start = performance.now()
  const got = await digestFile(file)
  const seconds = (performance.now() - start) / 1000
  assert.deepEqual(got, reference(...Array(64).fill(block)))
  t.diagnostic(`64 MiB file through digestFile (1 MiB reads) in ${seconds.toFixed(2)} s`)
  fs.rmSync(file)
})

// Names every function of a wasm module so that binaryen's `--reorder-functions-by-name`
// puts similar function bodies next to each other, which makes the module compress
// better: gzip (deflate) finds repeats only within the last 32 KiB, and the linker's
// order scatters the many near-identical monomorphised copies of one generic function
// across the module. Measured on this package: about 4% smaller gzipped (README "Size").
// It changes no code: the bodies, the exports and the table stay as they are; only their
// order in the code section does (binaryen renumbers the calls).
//
//   node tools/order-functions.mjs in.wasm out.wasm
//
// The order is greedy: start from the largest body, then repeatedly take the not yet
// placed body that shares the most 5-byte sequences with the last one placed (weighted
// by size, sequences common to 200 or more bodies ignored), so runs of similar bodies
// form. The result is written as the module's "name" section (any old one is replaced):
// imports `i000000`..., defined functions `f000000`... in the chosen order. Run wasm-opt
// with `--reorder-functions-by-name --strip-debug` afterwards to apply the order and drop
// the names.
import { readFileSync, writeFileSync } from 'node:fs';

const SHINGLE = 5;
const COMMON = 200;

function leb(b, i) {
  let r = 0;
  let s = 0;
  for (;;) {
    const x = b[i++];
    r += (x & 0x7f) * 2 ** s;
    s += 7;
    if (x < 0x80) return [r, i];
  }
}

function uleb(n) {
  const out = [];
  do {
    let x = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) x |= 0x80;
    out.push(x);
  } while (n);
  return out;
}

/** The sections of a module: `{ id, start, payload, end }` (payload offsets). */
function sections(b) {
  if (b.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm module');
  const out = [];
  let i = 8;
  while (i < b.length) {
    const start = i;
    const id = b[i++];
    let n;
    [n, i] = leb(b, i);
    out.push({ id, start, payload: i, end: i + n });
    i += n;
  }
  return out;
}

function importedFunctions(b, sec) {
  let [count, i] = leb(b, sec.payload);
  let funcs = 0;
  let n;
  const limits = () => {
    let flags;
    [flags, i] = leb(b, i);
    [, i] = leb(b, i);
    if (flags & 1) [, i] = leb(b, i);
  };
  while (count--) {
    [n, i] = leb(b, i);
    i += n; // module
    [n, i] = leb(b, i);
    i += n; // field
    const kind = b[i++];
    if (kind === 0) {
      [, i] = leb(b, i);
      funcs += 1;
    } else if (kind === 1) {
      i += 1; // reftype
      limits();
    } else if (kind === 2) {
      limits();
    } else if (kind === 3) {
      i += 2; // valtype, mutability
    } else if (kind === 4) {
      i += 1;
      [, i] = leb(b, i); // tag
    } else {
      throw new Error(`unknown import kind ${kind}`);
    }
  }
  return funcs;
}

/** The instructions of each function body (without its local declarations). */
function bodies(b, sec) {
  let [count, i] = leb(b, sec.payload);
  const out = [];
  while (count--) {
    let size;
    [size, i] = leb(b, i);
    const end = i + size;
    let [groups, j] = leb(b, i);
    while (groups--) {
      [, j] = leb(b, j);
      j += 1;
    }
    out.push(b.subarray(j, end));
    i = end;
  }
  return out;
}

export function order(code) {
  const shingles = code.map((body) => {
    const set = new Set();
    for (let k = 0; k + SHINGLE <= body.length; k += 1) set.add(body.toString('latin1', k, k + SHINGLE));
    return set;
  });
  const holders = new Map();
  shingles.forEach((set, f) => {
    for (const s of set) {
      let list = holders.get(s);
      if (!list) holders.set(s, (list = []));
      list.push(f);
    }
  });
  const placed = new Uint8Array(code.length);
  const out = [];
  let cur = 0;
  code.forEach((body, f) => {
    if (body.length > code[cur].length) cur = f;
  });
  let nextUnplaced = 0;
  for (;;) {
    out.push(cur);
    placed[cur] = 1;
    if (out.length === code.length) return out;
    const shared = new Map();
    for (const s of shingles[cur]) {
      const list = holders.get(s);
      if (list.length >= COMMON) continue;
      for (const f of list) if (!placed[f]) shared.set(f, (shared.get(f) ?? 0) + 1);
    }
    let best = -1;
    let score = -1;
    for (const [f, n] of shared) {
      const sc = n / Math.sqrt(shingles[f].size + shingles[cur].size);
      if (sc > score || (sc === score && f < best)) [best, score] = [f, sc];
    }
    if (best < 0) {
      while (placed[nextUnplaced]) nextUnplaced += 1;
      best = nextUnplaced;
    }
    cur = best;
  }
}

function nameSection(imported, positions) {
  const entries = [];
  const name = (prefix, n) => [...Buffer.from(`${prefix}${String(n).padStart(6, '0')}`)];
  for (let f = 0; f < imported; f += 1) entries.push(...uleb(f), ...uleb(7), ...name('i', f));
  positions.forEach((p, k) => entries.push(...uleb(imported + k), ...uleb(7), ...name('f', p)));
  const functions = [...uleb(imported + positions.length), ...entries];
  const payload = [...uleb(4), ...Buffer.from('name'), 1, ...uleb(functions.length), ...functions];
  return Buffer.from([0, ...uleb(payload.length), ...payload]);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: node tools/order-functions.mjs in.wasm out.wasm');
    process.exit(2);
  }
  const b = readFileSync(input);
  const secs = sections(b);
  const imports = secs.find((s) => s.id === 2);
  const imported = imports ? importedFunctions(b, imports) : 0;
  const codeSec = secs.find((s) => s.id === 10);
  const code = codeSec ? bodies(b, codeSec) : [];
  const positions = new Array(code.length);
  order(code).forEach((f, p) => {
    positions[f] = p;
  });
  const isName = (s) => s.id === 0 && b.toString('latin1', s.payload, s.payload + 5) === '\x04name';
  const kept = secs.filter((s) => !isName(s)).map((s) => b.subarray(s.start, s.end));
  writeFileSync(output, Buffer.concat([b.subarray(0, 8), ...kept, nameSection(imported, positions)]));
}

// A tiny static file server on 127.0.0.1 for the browser tests and the example page.
// Serves the repository root; one extra route for the tests, `/__list/<dir>`, answers the
// `/`-separated names of every file below <dir> (a browser cannot list a directory).
//
//   node bindings-wasm/test/server.js [port]   then open http://127.0.0.1:<port>/examples/browser/
import { createServer } from 'node:http';
import { readFile, readdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const REPO = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/** Every file below `dir`, as `/`-separated names relative to it, sorted. */
export async function listFiles(dir) {
  const out = [];
  async function walk(d, prefix) {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(path.join(d, e.name), `${prefix}${e.name}/`);
      else if (e.isFile()) out.push(`${prefix}${e.name}`);
    }
  }
  await walk(dir, '');
  return out.sort();
}

function inside(root, rel) {
  const p = path.resolve(root, `.${path.posix.normalize(`/${rel}`)}`);
  return p === root || p.startsWith(root + path.sep) ? p : null;
}

/** Starts the server; resolves to `{ url, close() }`. Port 0 picks a free one. */
export function startServer({ root = REPO, port = 0 } = {}) {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      const rel = decodeURIComponent(url.pathname);
      if (rel.startsWith('/__list/')) {
        const dir = inside(root, rel.slice('/__list'.length));
        if (!dir) throw Object.assign(new Error('outside'), { status: 403 });
        const body = JSON.stringify(await listFiles(dir));
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(body);
        return;
      }
      let file = inside(root, rel);
      if (!file) throw Object.assign(new Error('outside'), { status: 403 });
      if ((await stat(file)).isDirectory()) {
        if (!rel.endsWith('/')) {
          res.writeHead(301, { location: `${url.pathname}/` });
          res.end();
          return;
        }
        file = path.join(file, 'index.html');
      }
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(body);
    } catch (e) {
      const status = e.status ?? (e.code === 'ENOENT' ? 404 : 500);
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(`${status}\n`);
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({
        url: `http://127.0.0.1:${p}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await startServer({ port: Number(process.argv[2] ?? 8080) });
  console.log(`serving ${REPO} at ${url}/ (example: ${url}/examples/browser/)`);
}

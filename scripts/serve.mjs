#!/usr/bin/env node
// Serves the static site (out/) for `npm start` and the browser tests: correct content types
// (application/wasm included), long-lived caching for the content-addressed VM files.
//   node scripts/serve.mjs [--host 0.0.0.0] [--port 3000] [--dir out]
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8', '.zst': 'application/zstd', '.bin': 'application/octet-stream', '.img': 'application/octet-stream',
};

/** How long browsers may keep a file without asking again. */
function cacheControl(urlPath) {
  // Content-addressed (named by their sha256): they never change under the same name.
  if (urlPath.startsWith('/vm/fs/') || urlPath.startsWith('/_next/static/')) return 'public, max-age=31536000, immutable';
  // The rest of the VM files change when the image is rebuilt; revalidate (cheap 304s) each visit.
  if (urlPath.startsWith('/vm/')) return 'public, max-age=0, must-revalidate';
  return 'no-cache';
}

export function createSiteServer(dir) {
  const root = resolve(dir);
  return createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      let urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      let file = normalize(join(root, urlPath));
      if (file !== root && !file.startsWith(root + sep)) {
        res.writeHead(403).end();
        return;
      }
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        if (!urlPath.endsWith('/')) {
          res.writeHead(308, { location: `${urlPath}/` }).end();
          return;
        }
        file = join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) {
        const html = await stat(`${file}.html`).catch(() => null);
        if (html?.isFile()) {
          file = `${file}.html`;
          info = html;
        }
      }
      if (!info?.isFile()) {
        const page404 = join(root, '404.html');
        const s = await stat(page404).catch(() => null);
        res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
        if (s && req.method === 'GET' && !urlPath.startsWith('/vm/')) createReadStream(page404).pipe(res);
        else res.end(req.method === 'GET' ? 'Not found\n' : undefined);
        return;
      }
      const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      const headers = {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': cacheControl(urlPath),
        'last-modified': info.mtime.toUTCString(),
        etag,
        'x-content-type-options': 'nosniff',
      };
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag, 'cache-control': headers['cache-control'] }).end();
        return;
      }
      res.writeHead(200, headers);
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).on('error', () => res.destroy()).pipe(res);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    }
  });
}

function lanAddresses() {
  return Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a.address);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const host = arg('--host', '0.0.0.0');
  const port = Number(arg('--port', process.env.PORT ?? 3000));
  const dir = arg('--dir', 'out');
  const server = createSiteServer(dir);
  server.listen(port, host, () => {
    const local = `http://localhost:${port}/`;
    console.log(`Runtime Lab is served from ${dir}/`);
    console.log(`  Local:   ${host === '0.0.0.0' || host === '127.0.0.1' ? local : `http://${host}:${port}/`}`);
    if (host === '0.0.0.0') for (const ip of lanAddresses()) console.log(`  Network: http://${ip}:${port}/`);
    console.log('Stop with Ctrl+C.');
  });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}

// The static file server over real sockets: content types, ranges, conditional requests,
// precompressed siblings, path traversal, and clients that vanish mid-download.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { acceptsEncoding, cacheControlFor, createStaticFiles, parseRange } from './static-files.ts';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let server: Server;
let port: number;
let base: string;
let root: string;
const big = randomBytes(8 * 1024 * 1024);
const script = Buffer.from('console.log("runtime lab");\n'.repeat(2000));
const logged: string[] = [];

function get(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Sends the request line as written: http.request and fetch would normalise the path first. */
function raw(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

const openDescriptors = () => readdirSync('/proc/self/fd').length;

before(async () => {
  base = mkdtempSync(join(tmpdir(), 'static-files-'));
  root = join(base, 'site');
  mkdirSync(join(root, 'vm', 'fs'), { recursive: true });
  mkdirSync(join(root, '_next', 'static'), { recursive: true });
  mkdirSync(join(root, 'lessons', 'intro'), { recursive: true });
  writeFileSync(join(base, 'secret.txt'), 'TOP SECRET');
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>home</title>');
  writeFileSync(join(root, '404.html'), '<!doctype html><title>not here</title>');
  writeFileSync(join(root, 'lessons', 'intro', 'index.html'), '<!doctype html><title>intro</title>');
  writeFileSync(join(root, 'vm', 'state.bin.zst'), big);
  writeFileSync(join(root, 'vm', 'v86.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  writeFileSync(join(root, 'vm', 'manifest.json'), '{"format":1}');
  writeFileSync(join(root, 'vm', 'fs', '0123456789abcdef'), 'lazily read file');
  writeFileSync(join(root, '_next', 'static', 'app.js'), script);
  writeFileSync(join(root, '_next', 'static', 'app.js.br'), brotliCompressSync(script));
  writeFileSync(join(root, '_next', 'static', 'app.js.gz'), gzipSync(script));
  const lastWeek = new Date(Date.now() - 7 * 86_400_000);
  utimesSync(join(root, 'index.html'), lastWeek, lastWeek);
  server = createServer(createStaticFiles({ root, notFoundPage: '404.html', log: (line) => logged.push(line) }));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(base, { recursive: true, force: true });
});

describe('whole files', () => {
  test('GET sends the bytes with their content type and length', async () => {
    const r = await get('/vm/state.bin.zst');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/zstd');
    assert.equal(r.headers['content-length'], String(big.length));
    assert.equal(r.headers['accept-ranges'], 'bytes');
    assert.ok(r.body.equals(big));
  });

  test('wasm is served as application/wasm (streaming compilation needs it)', async () => {
    const r = await get('/vm/v86.wasm');
    assert.equal(r.headers['content-type'], 'application/wasm');
  });

  test('HEAD sends the headers and no body', async () => {
    const r = await get('/vm/state.bin.zst', {}, 'HEAD');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-length'], String(big.length));
    assert.equal(r.body.length, 0);
  });

  test('a folder answers with its index.html, after a redirect to the trailing slash', async () => {
    const redirect = await get('/lessons/intro?x=1');
    assert.equal(redirect.status, 308);
    assert.equal(redirect.headers.location, '/lessons/intro/?x=1');
    const page = await get('/lessons/intro/');
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(page.body.toString(), /intro/);
  });

  test('unknown pages get the site\'s 404 page; unknown lab files a short 404', async () => {
    const page = await get('/nowhere');
    assert.equal(page.status, 404);
    assert.match(page.body.toString(), /not here/);
    const file = await get('/vm/nowhere.bin');
    assert.equal(file.status, 404);
    assert.doesNotMatch(file.body.toString(), /<title>/);
  });

  test('other methods are refused with 405 and Allow', async () => {
    const r = await get('/index.html', {}, 'POST');
    assert.equal(r.status, 405);
    assert.equal(r.headers.allow, 'GET, HEAD');
  });
});

describe('Range requests', () => {
  test('a single range gets 206 with exactly those bytes', async () => {
    const r = await get('/vm/state.bin.zst', { range: 'bytes=1000-1999' });
    assert.equal(r.status, 206);
    assert.equal(r.headers['content-range'], `bytes 1000-1999/${big.length}`);
    assert.equal(r.headers['content-length'], '1000');
    assert.ok(r.body.equals(big.subarray(1000, 2000)));
  });

  test('open-ended, suffix and past-the-end ranges', async () => {
    const tail = await get('/vm/state.bin.zst', { range: `bytes=${big.length - 10}-` });
    assert.ok(tail.body.equals(big.subarray(big.length - 10)));
    const suffix = await get('/vm/state.bin.zst', { range: 'bytes=-25' });
    assert.equal(suffix.headers['content-range'], `bytes ${big.length - 25}-${big.length - 1}/${big.length}`);
    assert.ok(suffix.body.equals(big.subarray(big.length - 25)));
    const clamped = await get('/vm/state.bin.zst', { range: `bytes=${big.length - 5}-${big.length + 100}` });
    assert.equal(clamped.status, 206);
    assert.ok(clamped.body.equals(big.subarray(big.length - 5)));
  });

  test('unsatisfiable or malformed byte ranges get 416 with the size', async () => {
    for (const range of [`bytes=${big.length}-`, 'bytes=500-100', 'bytes=abc', 'bytes=-0', 'bytes=']) {
      const r = await get('/vm/state.bin.zst', { range });
      assert.equal(r.status, 416, range);
      assert.equal(r.headers['content-range'], `bytes */${big.length}`, range);
    }
  });

  test('several ranges or another unit: the whole file (RFC 9110 lets a server ignore Range)', async () => {
    for (const range of ['bytes=0-1,5-9', 'items=0-1']) {
      const r = await get('/vm/state.bin.zst', { range });
      assert.equal(r.status, 200, range);
      assert.equal(r.body.length, big.length, range);
    }
  });

  test('If-Range with an outdated validator sends the whole file', async () => {
    const { headers } = await get('/vm/state.bin.zst', {}, 'HEAD');
    const current = await get('/vm/state.bin.zst', { range: 'bytes=0-9', 'if-range': headers.etag! });
    assert.equal(current.status, 206);
    const stale = await get('/vm/state.bin.zst', { range: 'bytes=0-9', 'if-range': '"0-0"' });
    assert.equal(stale.status, 200);
    assert.equal(stale.body.length, big.length);
  });

  test('parseRange', () => {
    assert.deepEqual(parseRange('bytes=0-0', 10), { start: 0, end: 0 });
    assert.deepEqual(parseRange('bytes=-100', 10), { start: 0, end: 9 });
    assert.equal(parseRange('bytes=0-', 0), 'unsatisfiable');
    assert.equal(parseRange('bytes=1-2-3', 10), 'unsatisfiable');
    assert.equal(parseRange('pages=1-2', 10), null);
  });
});

describe('conditional requests', () => {
  test('If-None-Match with the current ETag gets 304 and no body', async () => {
    const first = await get('/index.html');
    const etag = first.headers.etag!;
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const r = await get('/index.html', { 'if-none-match': header });
      assert.equal(r.status, 304, header);
      assert.equal(r.body.length, 0);
      assert.equal(r.headers.etag, etag);
      assert.equal(r.headers['cache-control'], 'no-cache');
    }
    const changed = await get('/index.html', { 'if-none-match': '"something-else"' });
    assert.equal(changed.status, 200);
  });

  test('If-Modified-Since: 304 when not changed since, 200 otherwise; If-None-Match wins', async () => {
    const { headers } = await get('/index.html', {}, 'HEAD');
    assert.equal((await get('/index.html', { 'if-modified-since': headers['last-modified']! })).status, 304);
    assert.equal((await get('/index.html', { 'if-modified-since': new Date(Date.now() - 30 * 86_400_000).toUTCString() })).status, 200);
    assert.equal((await get('/index.html', { 'if-modified-since': 'not a date' })).status, 200);
    assert.equal((await get('/index.html', { 'if-modified-since': new Date().toUTCString(), 'if-none-match': '"stale"' })).status, 200);
  });
});

describe('precompressed siblings', () => {
  test('br is preferred, then gzip, and both decode to the original', async () => {
    const br = await get('/_next/static/app.js', { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.equal(br.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.ok(brotliDecompressSync(br.body).equals(script));
    assert.ok(br.body.length < script.length / 10);
    const gz = await get('/_next/static/app.js', { 'accept-encoding': 'gzip, br;q=0' });
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.ok(gunzipSync(gz.body).equals(script));
    assert.notEqual(gz.headers.etag, br.headers.etag);
  });

  test('identity when the client accepts neither, and for every Range request', async () => {
    const plain = await get('/_next/static/app.js');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers.vary, 'Accept-Encoding');
    assert.ok(plain.body.equals(script));
    const ranged = await get('/_next/static/app.js', { 'accept-encoding': 'br, gzip', range: 'bytes=0-99' });
    assert.equal(ranged.status, 206);
    assert.equal(ranged.headers['content-encoding'], undefined);
    assert.ok(ranged.body.equals(script.subarray(0, 100)));
  });

  test('acceptsEncoding', () => {
    assert.equal(acceptsEncoding('gzip, br', 'br'), true);
    assert.equal(acceptsEncoding('br;q=0', 'br'), false);
    assert.equal(acceptsEncoding('*', 'gzip'), true);
    assert.equal(acceptsEncoding('*;q=0, gzip', 'br'), false);
    assert.equal(acceptsEncoding(undefined, 'gzip'), false);
  });
});

describe('caching headers', () => {
  test('immutable for content-hashed names, no-cache for the rest', async () => {
    assert.equal((await get('/_next/static/app.js')).headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await get('/vm/fs/0123456789abcdef')).headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal((await get('/vm/manifest.json')).headers['cache-control'], 'no-cache');
    assert.equal((await get('/index.html')).headers['cache-control'], 'no-cache');
    assert.equal(cacheControlFor('/vm/state.3672149dbdefa998.bin.zst'), 'public, max-age=31536000, immutable');
    assert.equal(cacheControlFor('/vm/state.bin.zst'), 'no-cache');
    assert.equal(cacheControlFor('/sw.js'), 'no-cache');
  });
});

describe('path traversal', () => {
  test('paths that would leave the folder are refused', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/vm/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/index.html%00.txt', '/%E0%A4%A']) {
      const response = await raw(path);
      const status = Number(response.split(' ')[1]);
      assert.ok(status === 400 || status === 403 || status === 404, `${path}: ${status}`);
      assert.doesNotMatch(response, /TOP SECRET/, path);
    }
  });
});

describe('clients that vanish mid-download', { skip: process.platform !== 'linux' && 'counts descriptors in /proc' }, () => {
  test('each aborted download closes its file; the server keeps serving', async () => {
    await get('/vm/state.bin.zst');
    const baseline = openDescriptors();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        new Promise<void>((resolve, reject) => {
          const req = request({ host: '127.0.0.1', port, path: '/vm/state.bin.zst', headers: i % 2 ? { range: 'bytes=100-' } : {} }, (res) => {
            res.once('data', () => {
              // Gone after the first chunk, as a closed tab would be.
              req.destroy();
              resolve();
            });
          });
          req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
          req.end();
        }),
      ),
    );
    // The server notices the closed sockets asynchronously.
    const deadline = Date.now() + 5000;
    while (openDescriptors() > baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(openDescriptors() <= baseline, `descriptors: ${openDescriptors()} open after the aborts, ${baseline} before`);
    const after = await get('/vm/state.bin.zst');
    assert.ok(after.body.equals(big));
    assert.deepEqual(logged, []);
  });
});

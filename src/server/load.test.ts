// A reduced room (10 learners) against the real server in a child process, on a generated site
// shaped like the export (a lesson page, its scripts, a lab image with a 24 MB state): every
// download completes and hashes right, within a time bound, and the server's memory stays bounded.
// `npm run bench:serve` runs the full 40 against the real site.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { firstVisitFiles, megabytes, runLoad, startServerProcess, type ServerProcess, type SiteFile } from './load.ts';

const CLIENTS = 10;
const STATE_BYTES = 24 * 1024 * 1024;
// A server that buffered whole files would hold ~24 MB per learner fetching the state (240 MB);
// streaming needs socket buffers only.
const MAX_RSS_GROWTH = 96 * 1024 * 1024;

let site: string;
let server: ServerProcess;
let files: SiteFile[];

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'load-site-'));
  const write = (path: string, body: Buffer | string) => {
    mkdirSync(join(site, path, '..'), { recursive: true });
    writeFileSync(join(site, path), body);
  };
  const script = (name: string) => Buffer.from(`/* ${name} */\n${'export const step = (n) => n + 1;\n'.repeat(20_000)}`);
  write('_next/static/chunks/main.js', script('main'));
  write('_next/static/chunks/main.js.br', brotliCompressSync(script('main')));
  write('_next/static/chunks/main.js.gz', gzipSync(script('main')));
  // Next names route folders [lang]; pages and URLs percent-encode the brackets.
  write('_next/static/chunks/app/[lang]/lesson.js', script('lesson'));
  write('_next/static/css/app.css', 'body { margin: 0 }\n'.repeat(5000));
  write('index.html', '<!doctype html><title>home</title>');
  write(
    'en/lessons/intro/index.html',
    '<!doctype html><link rel="stylesheet" href="/_next/static/css/app.css"><script src="/_next/static/chunks/main.js" async=""></script><script src="/_next/static/chunks/app/%5Blang%5D/lesson.js"></script><p>lesson</p>',
  );
  const vm = {
    wasm: { name: 'v86.wasm', body: Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), randomBytes(1 << 20), Buffer.alloc(1 << 20)]) },
    bios: { name: 'bios.bin', body: randomBytes(128 * 1024) },
    vgaBios: { name: 'vgabios.bin', body: randomBytes(40 * 1024) },
    state: { name: 'state.bin.zst', body: randomBytes(STATE_BYTES) },
  };
  for (const { name, body } of Object.values(vm)) write(`vm/${name}`, body);
  write('vm/v86.wasm.br', brotliCompressSync(vm.wasm.body));
  write('vm/manifest.json', JSON.stringify({ format: 1, files: Object.fromEntries(Object.entries(vm).map(([k, { name, body }]) => [k, { name, size: body.length, sha256: sha256(body) }])) }));
  files = await firstVisitFiles(site, '/en/lessons/intro/');
  server = await startServerProcess(site);
});

after(async () => {
  await server?.stop();
  rmSync(site, { recursive: true, force: true });
});

test('the first visit is read from the page and the lab manifest', () => {
  assert.deepEqual(
    files.map((f) => f.urlPath).sort(),
    ['/_next/static/chunks/app/%5Blang%5D/lesson.js', '/_next/static/chunks/main.js', '/_next/static/css/app.css', '/en/lessons/intro/', '/vm/bios.bin', '/vm/manifest.json', '/vm/state.bin.zst', '/vm/v86.wasm', '/vm/vgabios.bin'],
  );
  assert.equal(files[0].urlPath, '/en/lessons/intro/', 'the page comes first');
});

test(`${CLIENTS} learners at once: all complete, every file intact, memory bounded`, async () => {
  const result = await runLoad({ baseUrl: server.baseUrl, files, clients: CLIENTS, timeoutMs: 25_000 });
  const peak = server.peakRss();
  const perVisit = files.reduce((n, f) => n + f.size, 0);
  console.log(`${CLIENTS} learners: ${(result.totalMs / 1000).toFixed(1)} s, ${megabytes(result.bytesTransferred)} sent (${megabytes(result.bytesDecoded)} decoded), server RSS ${megabytes(server.startRss)} at start, ${megabytes(peak)} peak`);
  assert.deepEqual(result.failures, []);
  assert.equal(result.bytesDecoded, CLIENTS * perVisit);
  // The precompressed siblings were used: fewer bytes on the wire than decoded.
  assert.ok(result.bytesTransferred < result.bytesDecoded, 'br/gzip siblings served');
  assert.ok(peak - server.startRss < MAX_RSS_GROWTH, `server RSS grew by ${megabytes(peak - server.startRss)} (bound ${megabytes(MAX_RSS_GROWTH)})`);
});

test('a corrupted or missing download is reported, not passed', async () => {
  const wrong = files.map((f) => (f.urlPath === '/vm/bios.bin' ? { ...f, sha256: '0'.repeat(64) } : f));
  wrong.push({ urlPath: '/vm/missing.bin', size: 1, sha256: '0'.repeat(64) });
  const result = await runLoad({ baseUrl: server.baseUrl, files: wrong, clients: 1, timeoutMs: 10_000 });
  assert.equal(result.failures.length, 2);
  assert.match(result.failures.join('\n'), /client 1: \/vm\/bios\.bin: sha256 [0-9a-f]{64} after 131072 bytes/);
  assert.match(result.failures.join('\n'), /\/vm\/missing\.bin: HTTP 404/);
});

test('a run that outlasts its bound fails with what was left', async () => {
  const result = await runLoad({ baseUrl: server.baseUrl, files, clients: 4, timeoutMs: 1 });
  assert.ok(result.failures.length > 0);
  assert.match(result.failures[0], /not finished within 1 ms/);
});

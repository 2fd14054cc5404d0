// The server's command line and start-up: options, defaults, errors a trainer can act on, the banner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { banner, parseServeArgs, startServer, UsageError, type ServeOptions } from './main.ts';

test('defaults: every interface, port 3000 or PORT, the repo\'s out/', () => {
  const options = parseServeArgs([], {}) as ServeOptions;
  assert.equal(options.host, '0.0.0.0');
  assert.equal(options.port, 3000);
  assert.equal(options.dir, resolve(import.meta.dirname, '..', '..', 'out'));
  assert.equal(options.workshop, false);
  assert.equal(options.qr, true);
  assert.equal((parseServeArgs([], { PORT: '8080' }) as ServeOptions).port, 8080);
  assert.equal((parseServeArgs(['--port', '9000'], { PORT: '8080' }) as ServeOptions).port, 9000);
  const workshop = parseServeArgs(['--workshop', '--data', 'room', '--no-qr', '--dir', 'site'], {}) as ServeOptions;
  assert.deepEqual([workshop.workshop, workshop.dataDir, workshop.qr, workshop.dir], [true, resolve('room'), false, resolve('site')]);
  assert.equal(parseServeArgs(['--help'], {}), 'help');
});

test('mistakes on the command line say what to do', () => {
  assert.throws(() => parseServeArgs(['--port', 'eighty'], {}), (e) => e instanceof UsageError && /--port must be a number/.test(e.message));
  assert.throws(() => parseServeArgs(['--port', '70000'], {}), UsageError);
  assert.throws(() => parseServeArgs(['--colour'], {}), (e) => e instanceof UsageError && /--help/.test(e.message));
});

test('a missing site, or a port in use, is refused with the fix', async () => {
  const options = { host: '127.0.0.1', port: 0, dir: '/nonexistent/site', workshop: false, dataDir: '/tmp/unused', qr: false };
  await assert.rejects(startServer(options), /npm run site:build/);
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'serve-main-'));
  try {
    await assert.rejects(startServer({ ...options, dir, port }), new RegExp(`Port ${port} .* already in use.*--port`));
  } finally {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('it serves the folder, and the banner lists the addresses with a QR code of the first LAN one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-main-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>lab</title>');
  const options: ServeOptions = { host: '127.0.0.1', port: 0, dir, workshop: false, dataDir: join(dir, 'data'), qr: true };
  const running = await startServer(options, () => {});
  try {
    assert.equal(running.localUrl, `http://127.0.0.1:${running.port}/`);
    assert.deepEqual(running.lanUrls, [], 'loopback only: nothing to show the room');
    const res = await fetch(running.localUrl);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<title>lab<\/title>/);
    const text = banner({ ...running, lanUrls: ['http://192.168.1.20:3000/'] }, options, { color: false });
    assert.match(text, /Local: +http:\/\/127\.0\.0\.1:\d+\//);
    assert.match(text, /Network: +http:\/\/192\.168\.1\.20:3000\//);
    assert.match(text, /holds no lab image/);
    assert.match(text, /[█▀▄]{7}/, 'a QR code');
    assert.doesNotMatch(banner({ ...running, lanUrls: ['http://192.168.1.20:3000/'] }, { ...options, qr: false }, { color: false }), /[█▀▄]{7}/);
  } finally {
    await running.close();
  }
});

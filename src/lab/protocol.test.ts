import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecTimeoutError, ImageMissingError, type LabEvents } from '../vm/index.ts';
import { Emitter } from '../vm/events.ts';
import { RemoteLabError, Requests, toWireError, type FromWorker, type ToWorker } from './protocol.ts';
import { serveLab, type MachineLike, type Port } from './worker/worker-host.ts';

/** A worker in memory: what the page posts reaches serveLab, and back. */
function wire(create: (base: string) => MachineLike) {
  const listeners: Array<(e: MessageEvent<ToWorker>) => void> = [];
  const fromWorker: FromWorker[] = [];
  const requests = new Requests();
  const port: Port = {
    postMessage: (msg) => {
      fromWorker.push(msg);
      if (msg.type === 'reply') requests.settle(msg);
    },
    addEventListener: (_type, fn) => listeners.push(fn),
  };
  serveLab(port, create);
  const post = (msg: ToWorker) => listeners.forEach((fn) => fn({ data: msg } as MessageEvent<ToWorker>));
  const ask = <T extends ToWorker['type'] & ('start' | 'exec' | 'destroy')>(req: Parameters<typeof requests.open<T>>[0]) => {
    const { message, reply } = requests.open<T>(req);
    post(message);
    return reply;
  };
  return { post, ask, fromWorker, requests };
}

function fakeMachine(overrides: Partial<MachineLike> = {}) {
  const events = new Emitter<LabEvents>();
  const console = new Set<(b: Uint8Array) => void>();
  const log: string[] = [];
  const m: MachineLike = {
    events,
    start: async () => {
      events.emit('progress', { loaded: 5, total: 10, file: 'state.bin.zst' });
      events.emit('ready', { ms: 1 });
    },
    exec: async (script) => ({ exitCode: 0, stdout: `ran ${script}`, stderr: '', durationMs: 1 }),
    destroy: async () => void log.push('destroy'),
    onConsole: (fn) => (console.add(fn), () => console.delete(fn)),
    writeConsole: (b) => {
      log.push(`in:${new TextDecoder().decode(b)}`);
      for (const fn of console) fn(new TextEncoder().encode('echo'));
    },
    resizeConsole: (c, r) => void log.push(`size:${c}x${r}`),
    ...overrides,
  };
  return { m, log };
}

test('requests get their own replies, by id', async () => {
  const { m } = fakeMachine();
  const w = wire(() => m);
  await w.ask<'start'>({ type: 'start', base: '/vm/' });
  const [a, b] = await Promise.all([w.ask<'exec'>({ type: 'exec', script: 'a' }), w.ask<'exec'>({ type: 'exec', script: 'b' })]);
  assert.equal(a.stdout, 'ran a');
  assert.equal(b.stdout, 'ran b');
  assert.equal(w.requests.size, 0);
});

test('machine events and console bytes are forwarded; keystrokes and size reach the machine', async () => {
  const { m, log } = fakeMachine();
  const w = wire(() => m);
  w.post({ type: 'resize', cols: 100, rows: 30 }); // before start: remembered
  await w.ask<'start'>({ type: 'start', base: '/vm/' });
  w.post({ type: 'console-in', data: new TextEncoder().encode('ls\r') });
  const kinds = w.fromWorker.map((x) => (x.type === 'event' ? x.event : x.type));
  assert.deepEqual(kinds, ['progress', 'ready', 'reply', 'console-out']);
  assert.deepEqual(log, ['size:100x30', 'in:ls\r']);
});

test('errors keep their message, hint and code across the wire', async () => {
  const { m } = fakeMachine({ start: async () => { throw new ImageMissingError('/vm/manifest.json'); } });
  const w = wire(() => m);
  await assert.rejects(w.ask<'start'>({ type: 'start', base: '/vm/' }), (e: RemoteLabError) => {
    assert.ok(e instanceof RemoteLabError);
    assert.equal(e.code, 'image-missing');
    assert.match(e.hint ?? '', /npm run lab:image/);
    return true;
  });
  // Not started: exec fails with advice instead of hanging.
  await assert.rejects(w.ask<'exec'>({ type: 'exec', script: 'true' }), /not been started/);
  assert.deepEqual(toWireError(new ExecTimeoutError('sleep 9', 1000)).code, 'exec-timeout');
  assert.deepEqual(toWireError('plain'), { name: 'Error', message: 'plain' });
});

test('a reply nobody waits for is ignored; failAll rejects whatever is pending', async () => {
  const r = new Requests();
  assert.equal(r.settle({ type: 'reply', id: 99, ok: true, value: null }), false);
  const { reply } = r.open<'exec'>({ type: 'exec', script: 'true' });
  r.failAll({ name: 'Error', message: 'worker crashed', code: 'worker-crashed' });
  await assert.rejects(reply, /worker crashed/);
});

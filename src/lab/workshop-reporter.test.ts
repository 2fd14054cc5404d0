import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WORKSHOP_KEY, WorkshopReporter, type ReporterDeps } from './workshop-reporter.ts';
import type { ProgressReport } from './workshop-protocol.ts';

class MemoryStorage {
  data = new Map<string, string>();
  getItem = (k: string) => this.data.get(k) ?? null;
  setItem = (k: string, v: string) => void this.data.set(k, v);
  removeItem = (k: string) => void this.data.delete(k);
}

type Handler = (path: string, init: RequestInit | undefined) => Response | Promise<Response>;

/** A stand-in workshop server: records what it was sent; `answer` decides each reply. */
function fakeServer(answer?: (report: ProgressReport) => Response | 'offline') {
  const received: Array<{ report: ProgressReport; auth: string | null }> = [];
  let online = true;
  const handler: Handler = (path, init) => {
    if (!online) throw new TypeError('Failed to fetch');
    const headers = new Headers(init?.headers);
    if (path === '/api/workshop/status') return Response.json({ workshop: true });
    if (path === '/api/workshop/me') return Response.json({ learnerId: 'L1', name: 'Ann' });
    if (path === '/api/workshop/join') {
      const { name } = JSON.parse(String(init?.body)) as { name: string };
      if (name.length > 40) return Response.json({ error: 'name-too-long', message: 'too long' }, { status: 400 });
      return Response.json({ learnerId: 'L1', secret: 's3cret', name }, { status: 201 });
    }
    if (path === '/api/workshop/progress') {
      const report = JSON.parse(String(init?.body)) as ProgressReport;
      const a = answer?.(report);
      if (a === 'offline') throw new TypeError('Failed to fetch');
      if (a) return a;
      received.push({ report, auth: headers.get('authorization') });
      return Response.json({ recorded: true });
    }
    return new Response('not found', { status: 404 });
  };
  return {
    received,
    setOnline: (on: boolean) => void (online = on),
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => handler(String(input), init)) as typeof fetch,
  };
}

function makeReporter(server: { fetch: typeof fetch }, storage = new MemoryStorage(), extra: Partial<ReporterDeps> = {}) {
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const warnings: string[] = [];
  const reporter = new WorkshopReporter({
    fetch: server.fetch,
    storage,
    now: () => 1000,
    setTimeout: (fn, ms) => timers.push({ fn, ms }),
    clearTimeout: () => undefined,
    warn: (m) => warnings.push(m),
    ...extra,
  });
  return { reporter, storage, timers, warnings };
}

/** Lets the reporter's fire-and-forget flushes run. */
const settle = () => new Promise((r) => setTimeout(r, 5));

const PROGRESS = { currentLesson: 'meet-the-lab', passed: { 'meet-the-lab': ['pid1', 'tag'], 'other-runtimes': ['kata'] } };

test('a plain static server (404) means no workshop; one that answers means workshop mode', async () => {
  const off = makeReporter({ fetch: (async () => new Response('<html>', { status: 404 })) as typeof fetch });
  assert.equal(await off.reporter.detect(), 'off');
  const unreachable = makeReporter({ fetch: (async () => { throw new TypeError('Failed to fetch'); }) as typeof fetch });
  assert.equal(await unreachable.reporter.detect(), 'off');
  const on = makeReporter(fakeServer());
  assert.equal(await on.reporter.detect(), 'on');
  assert.equal(on.reporter.store.getState().mode, 'on');
});

test('joining sends what was done before, with the opened lesson last; a reload sends nothing twice', async () => {
  const server = fakeServer();
  const { reporter, storage } = makeReporter(server);
  await reporter.detect();
  assert.equal(await reporter.join('Ann', PROGRESS), true);
  await settle();
  assert.deepEqual(server.received.map((r) => `${r.report.state}:${r.report.lessonId}/${r.report.stepId}`), [
    'passed:meet-the-lab/pid1', 'passed:meet-the-lab/tag', 'passed:other-runtimes/kata', 'opened:meet-the-lab/null',
  ]);
  assert.ok(server.received.every((r) => r.auth === 'Bearer s3cret'));
  assert.equal(reporter.store.getState().pending, 0);

  // The page reloads: a new reporter on the same storage sees the same progress plus one new pass.
  const again = makeReporter(server, storage).reporter;
  await again.detect();
  again.observe({ ...PROGRESS, passed: { ...PROGRESS.passed, 'meet-the-lab': ['pid1', 'tag', 'run'] } });
  await settle();
  assert.equal(server.received.length, 5);
  assert.deepEqual(server.received[4].report, { lessonId: 'meet-the-lab', stepId: 'run', state: 'passed', at: 1000 });
  assert.equal(again.store.getState().membership?.name, 'Ann');
});

test('offline: reports wait in localStorage, survive a reload and go out when the connection is back', async () => {
  const server = fakeServer();
  const first = makeReporter(server);
  await first.reporter.detect();
  await first.reporter.join('Ann', { currentLesson: null, passed: {} });
  server.setOnline(false);
  first.reporter.observe({ currentLesson: 'meet-the-lab', passed: { 'meet-the-lab': ['pid1'] } });
  first.reporter.reportFailure('meet-the-lab', 'tag');
  await settle();
  assert.equal(first.reporter.store.getState().pending, 3);
  assert.equal(first.timers.length, 1, 'a retry is scheduled');
  const saved = JSON.parse(first.storage.getItem(WORKSHOP_KEY)!) as { queue: ProgressReport[] };
  assert.equal(saved.queue.length, 3);

  server.setOnline(true);
  const reloaded = makeReporter(server, first.storage);
  assert.equal(reloaded.reporter.store.getState().pending, 3);
  await reloaded.reporter.detect();
  await settle();
  assert.deepEqual(server.received.map((r) => r.report.state), ['passed', 'opened', 'failed']);
  assert.equal(reloaded.reporter.store.getState().pending, 0);
});

test('429 waits for Retry-After; a report refused for good is dropped and the rest still go', async () => {
  let busy = true;
  const server = fakeServer((report) => {
    if (report.stepId === 'pid1' && busy) return Response.json({ error: 'rate-limited', message: 'wait' }, { status: 429, headers: { 'retry-after': '7' } });
    if (report.lessonId === 'removed-lesson') return Response.json({ error: 'unknown-lesson', message: 'This site has no lesson' }, { status: 422 });
    return undefined as unknown as Response;
  });
  const { reporter, timers, warnings } = makeReporter(server);
  await reporter.detect();
  await reporter.join('Ann', { currentLesson: null, passed: { 'removed-lesson': ['x'], 'meet-the-lab': ['pid1'] } });
  await settle();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /\(removed-lesson\/x\): This site has no lesson/);
  assert.deepEqual(timers.map((t) => t.ms), [7000]);
  assert.equal(reporter.store.getState().pending, 1);
  busy = false;
  timers[0].fn();
  await settle();
  assert.deepEqual(server.received.map((r) => r.report.stepId), ['pid1']);
  assert.equal(reporter.store.getState().pending, 0);
});

test('a server that no longer knows the learner (401) makes the page offer to join again', async () => {
  const server = fakeServer(() => Response.json({ error: 'unknown-learner', message: 'join again' }, { status: 401 }));
  const { reporter, storage } = makeReporter(server);
  await reporter.detect();
  await reporter.join('Ann', PROGRESS);
  await settle();
  const s = reporter.store.getState();
  assert.equal(s.membership, null);
  assert.equal(s.dismissed, false);
  assert.equal(s.pending, 0);
  assert.equal((JSON.parse(storage.getItem(WORKSHOP_KEY)!) as { membership: unknown }).membership, null);
});

test('join problems are reported by code; "Not now" and leaving are remembered', async () => {
  const server = fakeServer();
  const { reporter, storage } = makeReporter(server);
  await reporter.detect();
  assert.equal(await reporter.join('x'.repeat(41), PROGRESS), false);
  assert.equal(reporter.store.getState().joinError?.problem, 'name-too-long');
  server.setOnline(false);
  assert.equal(await reporter.join('Ann', PROGRESS), false);
  assert.equal(reporter.store.getState().joinError?.problem, 'network');
  reporter.dismiss();
  assert.equal(makeReporter(server, storage).reporter.store.getState().dismissed, true);
  server.setOnline(true);
  await reporter.join('Ann', PROGRESS);
  reporter.leave();
  const after = makeReporter(server, storage).reporter.store.getState();
  assert.equal(after.membership, null);
  assert.equal(after.dismissed, true);
  // Nothing is reported while not a member.
  const before = server.received.length;
  reporter.observe({ currentLesson: 'x', passed: { x: ['y'] } });
  reporter.reportFailure('x', 'y');
  await settle();
  assert.equal(server.received.length, before);
});

test('unreadable storage starts over instead of breaking the page', () => {
  const storage = new MemoryStorage();
  storage.setItem(WORKSHOP_KEY, '{not json');
  const { reporter } = makeReporter(fakeServer(), storage);
  assert.equal(reporter.store.getState().membership, null);
  assert.equal(reporter.store.getState().pending, 0);
});
